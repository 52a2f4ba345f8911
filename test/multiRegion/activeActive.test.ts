import { expect } from "chai";
import { ActiveActiveServiceArgs } from "../../components";
import { promiseOf } from "../../testing";
import {
  aliasedRegion,
  API,
  expectRecordsCheckTheirOwnRegion,
  expectRegionalPlacement,
  GLOBAL_NAME,
  ordersFunctions,
  RECORD,
  recordsFor,
  runService,
  shape,
} from "./fixtures";

const TWO = ["us-east-1", "eu-west-1"];
const THREE = ["us-east-1", "eu-west-1", "ap-southeast-1"];

function activeActive(
  args: Partial<ActiveActiveServiceArgs> & Pick<ActiveActiveServiceArgs, "regions" | "routing">,
) {
  return runService({ topology: "active-active", ...shape, ...args });
}

describe("MultiRegionService active-active", () => {
  for (const regions of [TWO, THREE]) {
    describe(`latency routing, ${regions.length} regions`, () => {
      it("gives every region one latency record for the name, with its own health check", async () => {
        const { resources } = await activeActive({ regions, routing: "latency" });
        const records = recordsFor(resources, GLOBAL_NAME);
        expect(records.map((r) => r.inputs.setIdentifier)).to.have.members(regions);
        for (const record of records) {
          const region = record.inputs.setIdentifier;
          expect(record.inputs.latencyRoutingPolicies).to.deep.equal([{ region }]);
          expect(aliasedRegion(resources, record)).to.equal(region);
          expect(record.inputs.aliases[0].evaluateTargetHealth).to.equal(true);
          expect(record.inputs.failoverRoutingPolicies).to.equal(undefined);
        }
        expectRecordsCheckTheirOwnRegion(resources);
      });

      it("puts every region's resources in that region, in the order given", async () => {
        const { resources, result } = await activeActive({ regions, routing: "latency" });
        expectRegionalPlacement(resources, regions);
        expect(result.regionOrder).to.deep.equal(regions);
      });
    });

    describe(`weighted routing, ${regions.length} regions`, () => {
      it("gives every region its weight and its own health check", async () => {
        const weights = Object.fromEntries(
          regions.map((region, i) => [region, i === 0 ? 0 : i * 10]),
        );
        const { resources } = await activeActive({ regions, routing: "weighted", weights });
        const records = recordsFor(resources, GLOBAL_NAME);
        expect(
          records.map((r) => [r.inputs.setIdentifier, r.inputs.weightedRoutingPolicies]),
        ).to.have.deep.members(regions.map((region) => [region, [{ weight: weights[region] }]]));
        expectRecordsCheckTheirOwnRegion(resources);
      });
    });
  }

  it("weighs every region equally when no weights are given", async () => {
    const { resources } = await activeActive({ regions: THREE, routing: "weighted" });
    expect(
      recordsFor(resources, GLOBAL_NAME).map((r) => r.inputs.weightedRoutingPolicies),
    ).to.deep.equal([[{ weight: 1 }], [{ weight: 1 }], [{ weight: 1 }]]);
  });

  describe("geolocation routing", () => {
    const geolocation = {
      "eu-west-1": [{ continent: "EU" as const }, { country: "GB" }],
      "ap-southeast-1": [{ continent: "AS" as const }, { continent: "OC" as const }],
      "us-east-1": [{ country: "US", subdivision: "NY" }],
    };

    it("gives every location a record to its region, with that region's health check", async () => {
      const { resources } = await activeActive({
        regions: THREE,
        routing: "geolocation",
        geolocation,
        defaultRegion: "us-east-1",
      });
      const located = recordsFor(resources, GLOBAL_NAME).filter(
        (r) => r.inputs.setIdentifier !== "default",
      );
      expect(
        located.map((r) => [
          r.inputs.setIdentifier,
          aliasedRegion(resources, r),
          r.inputs.geolocationRoutingPolicies,
        ]),
      ).to.have.deep.members([
        ["continent-EU", "eu-west-1", [{ continent: "EU" }]],
        ["country-GB", "eu-west-1", [{ country: "GB" }]],
        ["continent-AS", "ap-southeast-1", [{ continent: "AS" }]],
        ["continent-OC", "ap-southeast-1", [{ continent: "OC" }]],
        ["country-US-NY", "us-east-1", [{ country: "US", subdivision: "NY" }]],
      ]);
      expectRecordsCheckTheirOwnRegion(resources);
    });

    it("answers everyone else from the default region with the * record", async () => {
      const { resources } = await activeActive({
        regions: TWO,
        routing: "geolocation",
        geolocation: { "eu-west-1": [{ continent: "EU" }] },
        defaultRegion: "us-east-1",
      });
      const defaults = recordsFor(resources, GLOBAL_NAME).filter(
        (r) => r.inputs.geolocationRoutingPolicies?.[0]?.country === "*",
      );
      expect(defaults).to.have.length(1);
      expect(defaults[0].inputs.setIdentifier).to.equal("default");
      expect(aliasedRegion(resources, defaults[0])).to.equal("us-east-1");
      expect(defaults[0].inputs.geolocationRoutingPolicies).to.deep.equal([{ country: "*" }]);
      expect(recordsFor(resources, GLOBAL_NAME)).to.have.length(2);
      expectRecordsCheckTheirOwnRegion(resources);
    });

    it("names records by location, so moving a location to another region updates in place", async () => {
      const { resources } = await activeActive({
        regions: TWO,
        routing: "geolocation",
        geolocation: { "eu-west-1": [{ continent: "EU" }] },
        defaultRegion: "us-east-1",
      });
      expect(
        resources
          .ofType(RECORD)
          .filter((r) => r.inputs.setIdentifier)
          .map((r) => r.name),
      ).to.have.members(["orders-geo-continent-EU", "orders-geo-default"]);
    });
  });

  describe("one region", () => {
    it("needs no domain and then creates no records: the global endpoint is the region's", async () => {
      const { resources, result } = await runService({
        topology: "active-active",
        regions: ["eu-west-1"],
        routing: "latency",
        functions: ordersFunctions,
      });
      resources.resourceCountIs(RECORD, 0);
      const api = resources.ofType(API)[0];
      expect(await promiseOf(result.globalEndpoint)).to.equal(api.outputs.apiEndpoint);
      expect(result.records).to.deep.equal([]);
    });

    it("still routes the name through the region's health check when a domain is given", async () => {
      const { resources } = await activeActive({ regions: ["eu-west-1"], routing: "latency" });
      expect(recordsFor(resources, GLOBAL_NAME)).to.have.length(1);
      expectRecordsCheckTheirOwnRegion(resources);
    });
  });
});
