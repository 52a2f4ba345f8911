// What a MultiRegionService shows in `pulumi preview` beyond its records per topology
// (activePassive/activeActive/globalTable.test.ts): its stack outputs, the record names it
// manages, the replicas' settings and streams, and the exact refusal of a routing change.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  listedRoutingPolicy,
  ListedRecordSet,
  MultiRegionService,
  regionOrderOf,
  replicaStreamArn,
  routingChangeRefusal,
  routingConflicts,
} from "../../components";
import { promiseOf, runComponent } from "../../testing";
import {
  API,
  code,
  failoverRecords,
  GLOBAL_NAME,
  HEALTH_CHECK,
  MULTI_REGION_SERVICE,
  RECORD,
  shape,
  TABLE,
} from "./fixtures";

const ACCOUNT = "123456789012";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const COMPONENT_URN =
  "urn:pulumi:prod::orders::multiregion-serverless:index:MultiRegionService::orders";
const recordUrn = (logicalName: string) =>
  `'urn:pulumi:prod::orders::multiregion-serverless:index:MultiRegionService$aws:route53/record:Record::${logicalName}'`;
const WHY =
  "Route 53 refuses records of one routing policy beside another policy's records of the same name and type, and Pulumi creates new records before it deletes old ones, so the update would fail half-way.";

describe("MultiRegionService as preview shows it", () => {
  it("exports its topology, regions, endpoints, health checks, functions, record names and table name", async () => {
    const { resources, result } = await runComponent(() =>
      MultiRegionService.activePassive("orders", {
        primaryRegion: "us-east-1",
        standbyRegions: ["us-west-2"],
        ...shape,
        table: { name: "orders-table" },
        healthCheckByRegion: { "us-west-2": { requestInterval: 10 } },
      }),
    );
    const api = (region: string) => resources.find(API).find((a) => a.region === region)!;
    const healthCheck = (region: string) =>
      resources.get(HEALTH_CHECK, `orders-${region}-health-check`);
    const outputs = resources.get(MULTI_REGION_SERVICE, "orders").outputs;
    expect(outputs).to.deep.equal({
      topology: "active-passive",
      regionOrder: ["us-east-1", "us-west-2"],
      globalEndpoint: `https://${GLOBAL_NAME}`,
      regionalEndpoints: {
        "us-east-1": api("us-east-1").outputs.apiEndpoint,
        "us-west-2": api("us-west-2").outputs.apiEndpoint,
      },
      healthCheckIds: {
        "us-east-1": healthCheck("us-east-1").id,
        "us-west-2": healthCheck("us-west-2").id,
      },
      functionNames: {
        "us-east-1": { orders: "orders-us-east-1-orders-function-mock123" },
        "us-west-2": { orders: "orders-us-west-2-orders-function-mock123" },
      },
      recordNames: [GLOBAL_NAME],
      failoverDetectionSeconds: { "us-east-1": 90, "us-west-2": 30 },
      tableName: "orders-table",
    });
    expect(await promiseOf(result.functionNames)).to.deep.equal(outputs.functionNames);
    expect(result.records).to.have.length(resources.ofType(RECORD).length - 2);
    expect(result.records).to.have.length(2);
  });

  it("builds an active-active service from MultiRegionService.activeActive", async () => {
    const { resources, result } = await runComponent(() =>
      MultiRegionService.activeActive("orders", {
        regions: ["us-east-1", "eu-west-1"],
        routing: "latency",
        ...shape,
      }),
    );
    expect(result.topology).to.equal("active-active");
    expect(
      resources.find(RECORD, { latencyRoutingPolicies: [{ region: "eu-west-1" }] }),
    ).to.have.length(1);
  });

  it("names each record set once: the global name for A and AAAA, then the standby name", async () => {
    const { resources, result } = await runComponent(() =>
      MultiRegionService.activePassive("orders", {
        primaryRegion: "us-east-1",
        standbyRegions: ["us-west-2", "eu-west-1"],
        ...shape,
        ipAddressType: "dualstack",
        standbyRecordName: "fallback.example.com",
      }),
    );
    expect(result.recordNames).to.deep.equal([GLOBAL_NAME, "fallback.example.com"]);
    for (const type of ["A", "AAAA"]) {
      const { secondary } = failoverRecords(resources, GLOBAL_NAME, type);
      expect(
        secondary.map((r) => r.inputs.setIdentifier),
        type,
      ).to.deep.equal(["secondary"]);
    }
    // Two failover records and two standby records per type.
    expect(result.records).to.have.length(8);
  });

  it("keeps point-in-time recovery on in every replica and types a range key S by default", async () => {
    const { resources } = await runComponent(() =>
      MultiRegionService.activeActive("orders", {
        regions: ["us-east-1", "eu-west-1", "ap-southeast-1"],
        routing: "latency",
        ...shape,
        table: { rangeKey: "createdAt" },
      }),
    );
    const table = resources.hasResourceProperties(TABLE, {
      attributes: [
        { name: "id", type: "S" },
        { name: "createdAt", type: "S" },
      ],
    });
    expect(table.inputs.replicas).to.deep.equal(
      ["eu-west-1", "ap-southeast-1"].map((regionName) => ({
        regionName,
        pointInTimeRecovery: true,
        deletionProtectionEnabled: false,
        propagateTags: true,
      })),
    );
  });

  it("has every region's stream source read its own region's replica stream", async () => {
    const regions = ["us-east-1", "eu-west-1", "ap-southeast-1"];
    const { resources } = await runComponent(() =>
      MultiRegionService.activeActive("orders", {
        regions,
        routing: "latency",
        ...shape,
        functions: {
          orders: { code },
          projector: {
            code,
            eventSources: { dynamodbStreams: [{ name: "changes", serviceTable: true }] },
          },
        },
        table: {},
      }),
    );
    const mappings = resources.ofType(MAPPING);
    expect(mappings.map((m) => m.inputs.region)).to.have.members(regions);
    for (const mapping of mappings) {
      expect(mapping.inputs.eventSourceArn).to.match(
        new RegExp(`^arn:aws:dynamodb:${mapping.inputs.region}:${ACCOUNT}:table/[^/]+/stream/`),
      );
    }
  });

  it("names the regions a missing replica stream could come from, or none", async () => {
    // `replicas` as the provider reports it (aws.dynamodb.Table `replicas[].regionName`,
    // `replicas[].streamArn`); a table without replicas reports none.
    const settled = (output: pulumi.Output<string>) =>
      (output as unknown as { promise(): Promise<string> }).promise();
    const failureOf = async (replicas: unknown) =>
      settled(
        replicaStreamArn(
          { replicas: pulumi.output(replicas) } as unknown as aws.dynamodb.Table,
          "eu-west-1",
          "us-east-1",
        ),
      ).then(
        () => "resolved",
        (error: Error) => error.message,
      );
    const message = (known: string) =>
      `The global table has no replica stream in eu-west-1 (home region us-east-1; replicas: ${known}): ` +
      "a serviceTable stream source there needs the table replicated to eu-west-1 with its stream on";
    expect(await failureOf(undefined)).to.equal(message("none"));
    expect(
      await failureOf([
        {
          regionName: "us-west-2",
          streamArn: "arn:aws:dynamodb:us-west-2:123456789012:table/orders/stream/1",
        },
        {
          regionName: "ap-southeast-1",
          streamArn: "arn:aws:dynamodb:ap-southeast-1:123456789012:table/orders/stream/1",
        },
      ]),
    ).to.equal(message("us-west-2, ap-southeast-1"));
  });

  describe("the regions' order", () => {
    it("leaves out what is missing: a primary not given yet, no regions", () => {
      expect(
        regionOrderOf({ topology: "active-passive", standbyRegions: ["us-west-2"], ...shape }),
      ).to.deep.equal(["us-west-2"]);
      expect(regionOrderOf({ topology: "active-active", ...shape })).to.deep.equal([]);
      expect(
        regionOrderOf({ topology: "active-passive", primaryRegion: "us-east-1", ...shape }),
      ).to.deep.equal(["us-east-1"]);
    });
  });

  describe("a routing change", () => {
    const set = (fields: Partial<ListedRecordSet>): ListedRecordSet => ({
      name: "api.example.com.",
      type: "A",
      ...fields,
    });

    it("tells empty and null routing fields from set ones, and geoproximity and CIDR records apart", () => {
      expect(
        [
          set({ setIdentifier: "a", failover: "", region: null as any }),
          set({ setIdentifier: "b", geolocation: { continentCode: "", countryCode: "" } }),
          set({ setIdentifier: "c", geolocation: { subdivisionCode: "CA" } }),
          set({ setIdentifier: "d", geoproximityLocation: { awsRegion: "us-east-1" } }),
          set({ setIdentifier: "e", cidrRoutingConfig: { collectionId: "x", locationName: "y" } }),
          set({ setIdentifier: "" }),
        ].map(listedRoutingPolicy),
      ).to.deep.equal(["weighted", "weighted", "geolocation", "geoproximity", "cidr", "simple"]);
    });

    it("names the stack's own records as URNs and the others as sets to delete in Route 53, exactly", () => {
      // ListResourceRecordSets shape (Route 53 API Reference, ResourceRecordSet): Failover,
      // GeoLocation and Weight with a SetIdentifier; "blue" is not a set identifier this
      // component gives, so the record is another tool's.
      const listed: ListedRecordSet[] = [
        set({ setIdentifier: "primary", failover: "PRIMARY" }),
        set({ type: "AAAA", setIdentifier: "secondary", failover: "SECONDARY" }),
        set({ setIdentifier: "blue", failover: "SECONDARY" }),
        set({ setIdentifier: "continent-EU", geolocation: { continentCode: "EU" } }),
        set({ setIdentifier: "us-east-1", weight: 1 }),
      ];
      const conflicts = routingConflicts(listed, GLOBAL_NAME, ["A", "AAAA"], "latency");
      expect(conflicts).to.deep.equal(listed);
      expect(
        routingChangeRefusal("orders", COMPONENT_URN, GLOBAL_NAME, "latency", conflicts),
      ).to.equal(
        `MultiRegionService "orders": api.example.com already has failover, geolocation, weighted records ` +
          `(A primary, AAAA secondary, A blue, A continent-EU, A us-east-1) and this update would create latency records. ` +
          `${WHY} Change the routing in two steps: 1. delete the old records: pulumi destroy --target-dependents ` +
          `--target ${recordUrn("orders-failover-primary")} --target ${recordUrn("orders-failover-secondary-aaaa")} ` +
          `--target ${recordUrn("orders-geo-continent-EU")} --target ${recordUrn("orders-weighted-us-east-1")}, ` +
          `then delete A blue in Route 53 (console, or aws route53 change-resource-record-sets with a DELETE change; ` +
          `if another stack of yours manages them, pulumi destroy --target there) ` +
          `(api.example.com does not resolve until step 2 is done); 2. pulumi up. ` +
          `To keep the current routing instead, restore the previous topology/routing arguments.`,
      );
    });

    it("has records it did not create deleted in Route 53 only: a weighted CNAME, a set named primary of another policy", () => {
      // Route 53 allows weighted CNAME record sets (Route 53 Developer Guide, "Weighted routing").
      const listed: ListedRecordSet[] = [
        set({ type: "CNAME", setIdentifier: "us-east-1", weight: 1 }),
        set({ type: "CNAME" }),
      ];
      const conflicts = routingConflicts(listed, GLOBAL_NAME, ["A"], "latency");
      expect(conflicts).to.deep.equal(listed);
      expect(
        routingChangeRefusal("orders", COMPONENT_URN, GLOBAL_NAME, "latency", conflicts),
      ).to.equal(
        `MultiRegionService "orders": api.example.com already has weighted, simple records ` +
          `(CNAME us-east-1, CNAME (no set identifier)) and this update would create latency records. ` +
          `${WHY} Change the routing in two steps: 1. delete the old records: ` +
          `delete CNAME us-east-1, CNAME (no set identifier) in Route 53 (console, or aws route53 change-resource-record-sets with a DELETE change; ` +
          `if another stack of yours manages them, pulumi destroy --target there) ` +
          `(api.example.com does not resolve until step 2 is done); 2. pulumi up. ` +
          `To keep the current routing instead, restore the previous topology/routing arguments.`,
      );
      // A weighted set this component would have named "primary" is its weighted record.
      expect(
        routingChangeRefusal("orders", COMPONENT_URN, GLOBAL_NAME, "latency", [
          set({ setIdentifier: "primary", weight: 1 }),
        ]),
      ).to.include(`--target ${recordUrn("orders-weighted-primary")} (`);
    });

    it("gives only the destroy step when every conflicting record is the stack's own", () => {
      expect(
        routingChangeRefusal("orders", COMPONENT_URN, GLOBAL_NAME, "weighted", [
          set({ setIdentifier: "primary", failover: "PRIMARY" }),
        ]),
      ).to.equal(
        `MultiRegionService "orders": api.example.com already has failover records (A primary) and this update would create weighted records. ` +
          `${WHY} Change the routing in two steps: 1. delete the old records: pulumi destroy --target-dependents ` +
          `--target ${recordUrn("orders-failover-primary")} (api.example.com does not resolve until step 2 is done); 2. pulumi up. ` +
          `To keep the current routing instead, restore the previous topology/routing arguments.`,
      );
    });
  });
});
