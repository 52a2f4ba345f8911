import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { MultiRegionService } from "../../components";
import { promiseOf, runComponent } from "../../testing";
import {
  aliasedRegion,
  ALIAS,
  expectRecordsCheckTheirOwnRegion,
  expectRegionalPlacement,
  failoverRecords,
  FUNCTION,
  GLOBAL_NAME,
  HEALTH_CHECK,
  INTEGRATION,
  PERMISSION,
  RECORD,
  recordsFor,
  REGIONAL_SERVICE,
  runService,
  shape,
  ZONE_ID,
} from "./fixtures";

const STANDBY_NAME = `standby.${GLOBAL_NAME}`;

function twoRegions() {
  return runService({
    topology: "active-passive",
    primaryRegion: "us-east-1",
    standbyRegions: ["us-west-2"],
    ...shape,
  });
}

function threeRegions(extra: { standbyRecordName?: string } = {}) {
  return runService({
    topology: "active-passive",
    primaryRegion: "us-east-1",
    standbyRegions: ["us-west-2", "eu-west-1"],
    ...shape,
    ...extra,
  });
}

describe("MultiRegionService active-passive", () => {
  describe("with one standby (two regions)", () => {
    it("builds one RegionalService per region, primary first", async () => {
      const { resources, result } = await twoRegions();
      expect(resources.ofType(REGIONAL_SERVICE).map((s) => s.name)).to.deep.equal([
        "orders-us-east-1",
        "orders-us-west-2",
      ]);
      expect(result.regionOrder).to.deep.equal(["us-east-1", "us-west-2"]);
      expect(Object.keys(result.services)).to.deep.equal(["us-east-1", "us-west-2"]);
    });

    it("routes the name to the primary while healthy and to the standby otherwise", async () => {
      const { resources } = await twoRegions();
      const { primary, secondary } = failoverRecords(resources, GLOBAL_NAME);
      expect(primary).to.have.length(1);
      expect(secondary).to.have.length(1);
      expect(recordsFor(resources, GLOBAL_NAME)).to.have.length(2);
      expect(aliasedRegion(resources, primary[0])).to.equal("us-east-1");
      expect(aliasedRegion(resources, secondary[0])).to.equal("us-west-2");
      for (const [record, id] of [
        [primary[0], "primary"],
        [secondary[0], "secondary"],
      ] as const) {
        expect(record.inputs).to.deep.include({ zoneId: ZONE_ID, type: "A", setIdentifier: id });
        expect(record.inputs.aliases[0].evaluateTargetHealth).to.equal(true);
        expect(record.inputs.ttl).to.equal(undefined);
      }
    });

    it("gives each failover record the health check of its own region's endpoint", async () => {
      const { resources, result } = await twoRegions();
      expectRecordsCheckTheirOwnRegion(resources);
      const { primary, secondary } = failoverRecords(resources, GLOBAL_NAME);
      const ids = await promiseOf(result.healthCheckIds);
      expect(primary[0].inputs.healthCheckId).to.equal(ids["us-east-1"]);
      expect(secondary[0].inputs.healthCheckId).to.equal(ids["us-west-2"]);
      expect(ids["us-east-1"]).to.not.equal(ids["us-west-2"]);
    });

    it("puts each region's resources in that region and Route 53 and IAM in none", async () => {
      const { resources } = await twoRegions();
      expectRegionalPlacement(resources, ["us-east-1", "us-west-2"]);
    });

    it("integrates every region's API with its own alias, permissions qualified live", async () => {
      const { resources } = await twoRegions();
      for (const region of ["us-east-1", "us-west-2"]) {
        const alias = resources.ofType(ALIAS).find((a) => a.region === region)!;
        const integrations = resources.ofType(INTEGRATION).filter((i) => i.region === region);
        expect(integrations.map((i) => i.inputs.integrationUri)).to.deep.equal([alias.outputs.arn]);
        expect(alias.outputs.arn).to.match(new RegExp(`^arn:aws:lambda:${region}:.*:live$`));
      }
      resources.allResourcesProperties(PERMISSION, {
        qualifier: "live",
        principal: "apigateway.amazonaws.com",
      });
      resources.resourceCountIs(PERMISSION, 2);
    });

    it("exports the global endpoint, each region's endpoint and the detection time", async () => {
      const { result } = await twoRegions();
      expect(await promiseOf(result.globalEndpoint)).to.equal(`https://${GLOBAL_NAME}`);
      expect(await promiseOf(result.regionalEndpoints)).to.deep.equal({
        "us-east-1": "https://orders-us-east-1-api-id.execute-api.us-east-1.amazonaws.com",
        "us-west-2": "https://orders-us-west-2-api-id.execute-api.us-west-2.amazonaws.com",
      });
      expect(result.failoverDetectionSeconds).to.deep.equal({ "us-east-1": 90, "us-west-2": 90 });
    });

    it("takes the health check settings for every region, with per-region overrides", async () => {
      const { resources, result } = await runService({
        topology: "active-passive",
        primaryRegion: "us-east-1",
        standbyRegions: ["us-west-2"],
        ...shape,
        healthCheck: { requestInterval: 10, failureThreshold: 3 },
        healthCheckByRegion: { "us-west-2": { requestInterval: 30, failureThreshold: 2 } },
      });
      const checks = resources.ofType(HEALTH_CHECK);
      expect(
        checks.map((c) => [c.name, c.inputs.requestInterval, c.inputs.failureThreshold]),
      ).to.have.deep.members([
        ["orders-us-east-1-health-check", 10, 3],
        ["orders-us-west-2-health-check", 30, 2],
      ]);
      expect(result.failoverDetectionSeconds).to.deep.equal({ "us-east-1": 30, "us-west-2": 60 });
    });
  });

  describe("with several standbys (three regions)", () => {
    it("keeps exactly one PRIMARY and one SECONDARY for the name", async () => {
      const { resources } = await threeRegions();
      const { primary, secondary } = failoverRecords(resources, GLOBAL_NAME);
      expect(primary).to.have.length(1);
      expect(secondary).to.have.length(1);
      expect(recordsFor(resources, GLOBAL_NAME)).to.have.length(2);
      expect(aliasedRegion(resources, primary[0])).to.equal("us-east-1");
    });

    it("points the SECONDARY at a standby name that routes between the standbys by latency", async () => {
      const { resources } = await threeRegions();
      const { secondary } = failoverRecords(resources, GLOBAL_NAME);
      expect(secondary[0].inputs.aliases).to.deep.equal([
        { name: STANDBY_NAME, zoneId: ZONE_ID, evaluateTargetHealth: true },
      ]);
      // Its health is the standbys' health: evaluateTargetHealth on the latency set.
      expect(secondary[0].inputs.healthCheckId).to.equal(undefined);

      const standbys = recordsFor(resources, STANDBY_NAME);
      expect(standbys.map((r) => r.inputs.setIdentifier)).to.have.members([
        "us-west-2",
        "eu-west-1",
      ]);
      for (const record of standbys) {
        const region = record.inputs.setIdentifier;
        expect(record.inputs.latencyRoutingPolicies).to.deep.equal([{ region }]);
        expect(aliasedRegion(resources, record)).to.equal(region);
        expect(record.inputs.failoverRoutingPolicies).to.equal(undefined);
      }
      // Route 53 rejects an alias to a name without records: the chain exists first.
      for (const record of standbys) {
        expect(secondary[0].dependencies).to.include(record.urn);
      }
    });

    it("gives the primary and every standby record its own region's health check", async () => {
      const { resources } = await threeRegions();
      expectRecordsCheckTheirOwnRegion(resources);
      resources.resourceCountIs(HEALTH_CHECK, 3);
    });

    it("puts every region's resources in that region", async () => {
      const { resources } = await threeRegions();
      expectRegionalPlacement(resources, ["us-east-1", "us-west-2", "eu-west-1"]);
    });

    it("orders the regions primary first, then the standbys as given", async () => {
      const { result } = await runService({
        topology: "active-passive",
        primaryRegion: "eu-west-1",
        standbyRegions: ["us-west-2", "us-east-1"],
        ...shape,
      });
      expect(result.regionOrder).to.deep.equal(["eu-west-1", "us-west-2", "us-east-1"]);
    });

    it("uses the standby record name it is given", async () => {
      const { resources } = await threeRegions({ standbyRecordName: "failover.api.example.com" });
      expect(recordsFor(resources, "failover.api.example.com")).to.have.length(2);
      const { secondary } = failoverRecords(resources, GLOBAL_NAME);
      expect(secondary[0].inputs.aliases[0].name).to.equal("failover.api.example.com");
    });
  });

  describe("with a dualstack domain", () => {
    it("adds AAAA records alongside A, one PRIMARY and one SECONDARY for each", async () => {
      const { resources } = await runService({
        topology: "active-passive",
        primaryRegion: "us-east-1",
        standbyRegions: ["us-west-2", "eu-west-1"],
        ...shape,
        ipAddressType: "dualstack",
      });
      for (const type of ["A", "AAAA"]) {
        const { primary, secondary } = failoverRecords(resources, GLOBAL_NAME, type);
        expect(primary, type).to.have.length(1);
        expect(secondary, type).to.have.length(1);
        expect(recordsFor(resources, STANDBY_NAME, type), type).to.have.length(2);
        expect(secondary[0].inputs.aliases[0].name).to.equal(STANDBY_NAME);
      }
    });
  });

  describe("providers", () => {
    it("builds each region with its own provider when given one, and still sets the region", async () => {
      const { resources } = await runComponent(() => {
        const east = new aws.Provider("east", { region: "us-east-1" });
        const west = new aws.Provider("west", { region: "us-west-2" });
        return new MultiRegionService(
          "orders",
          {
            topology: "active-passive",
            primaryRegion: "us-east-1",
            standbyRegions: ["us-west-2"],
            ...shape,
            table: {},
          },
          { regionProviders: { "us-east-1": east, "us-west-2": west } },
        );
      });
      const providerOf = (name: string) => resources.get("pulumi:providers:aws", name).urn;
      for (const [region, provider] of [
        ["us-east-1", "east"],
        ["us-west-2", "west"],
      ]) {
        const fn = resources.ofType(FUNCTION).find((f) => f.region === region)!;
        expect(fn.inputs.region).to.equal(region);
        expect(fn.provider, fn.name).to.match(
          new RegExp(`^${providerOf(provider).replace(/[$]/g, "\\$")}::`),
        );
      }
      const table = resources.ofType("aws:dynamodb/table:Table")[0];
      expect(table.provider).to.match(
        new RegExp(`^${providerOf("east").replace(/[$]/g, "\\$")}::`),
      );
      // Route 53 records use the component's own (default) provider.
      for (const record of resources.ofType(RECORD).filter((r) => r.inputs.setIdentifier)) {
        expect(record.provider, record.name).to.equal(undefined);
      }
    });
  });
});
