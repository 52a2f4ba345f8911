// Changing `routing` or `topology` between two `pulumi up`s. Route 53 refuses a record set of
// one routing policy while another policy's set exists for the same name and type (Route 53 API
// Reference, ResourceRecordSet: "You can't create non-latency resource record sets that have
// the same values for the Name and Type elements as latency resource record sets", and the same
// for Weight, Failover and GeoLocation), and Pulumi creates new resources before it deletes the
// ones a program dropped, so such a change would fail half-way through `pulumi up`. The service
// reads the zone at preview and refuses it, naming the two steps that make it.
import { expect } from "chai";
import {
  listedRoutingPolicy,
  ListedRecordSet,
  MultiRegionServiceArgs,
  routingChangeRefusal,
  routingConflicts,
} from "../../components";
import { CapturedResource, expectRunFailure, runComponent } from "../../testing";
import { MultiRegionService } from "../../components";
import { GLOBAL_NAME, RECORD, runService, shape, ZONE_ID } from "./fixtures";

const GET_RECORDS = "aws:route53/getRecords:getRecords";

/**
 * The zone as `aws.route53.getRecords` lists it after a run created `records`. Shape: the
 * data source's `GetRecordsResourceRecordSet` (@pulumi/aws `types/output.d.ts`; the
 * terraform-provider-aws `aws_route53_records` data source fills it from
 * `ListResourceRecordSets`), with names fully qualified and ending in the root dot as
 * ListResourceRecordSets returns them (Route 53 API Reference, ListResourceRecordSets, example
 * response). Only the fields that tell routing policies apart are filled.
 */
function zoneAfter(records: CapturedResource[]): ListedRecordSet[] {
  return records.map(({ inputs }) => ({
    name: `${inputs.name}.`,
    type: inputs.type,
    setIdentifier: inputs.setIdentifier,
    failover: inputs.failoverRoutingPolicies?.[0]?.type,
    region: inputs.latencyRoutingPolicies?.[0]?.region,
    weight: inputs.weightedRoutingPolicies?.[0]?.weight,
    geolocation: inputs.geolocationRoutingPolicies
      ? {
          continentCode: inputs.geolocationRoutingPolicies[0].continent,
          countryCode: inputs.geolocationRoutingPolicies[0].country,
          subdivisionCode: inputs.geolocationRoutingPolicies[0].subdivision,
        }
      : undefined,
  }));
}

/** Runs the service against a zone that holds `zone`, filtered by the invoke's nameRegex. */
function runAgainst(zone: ListedRecordSet[], args: MultiRegionServiceArgs) {
  const requests: Record<string, any>[] = [];
  const run = runComponent(() => new MultiRegionService("orders", args), {
    preview: true,
    call: (token, inputs) => {
      if (token !== GET_RECORDS) {
        return undefined;
      }
      requests.push(inputs);
      const pattern = new RegExp(inputs.nameRegex ?? ".*");
      return {
        zoneId: inputs.zoneId,
        nameRegex: inputs.nameRegex,
        resourceRecordSets: zone.filter((set) => pattern.test(set.name)),
        id: inputs.zoneId,
      };
    },
  });
  return { run, requests };
}

const latency: MultiRegionServiceArgs = {
  topology: "active-active",
  regions: ["us-east-1", "eu-west-1"],
  routing: "latency",
  ...shape,
};
const weighted: MultiRegionServiceArgs = { ...latency, routing: "weighted" };
const activePassive: MultiRegionServiceArgs = {
  topology: "active-passive",
  primaryRegion: "us-east-1",
  standbyRegions: ["eu-west-1"],
  ...shape,
};

async function zoneOf(args: MultiRegionServiceArgs): Promise<ListedRecordSet[]> {
  const { resources } = await runService(args);
  return zoneAfter(resources.ofType(RECORD).filter((r) => r.inputs.setIdentifier !== undefined));
}

describe("MultiRegionService routing changes", () => {
  it("refuses latency -> weighted at preview, before registering any record, with the two steps", async () => {
    const zone = await zoneOf(latency);
    const { run, requests } = runAgainst(zone, weighted);
    const failure = await expectRunFailure(run);
    expect(requests).to.deep.equal([{ zoneId: ZONE_ID, nameRegex: "^api\\.example\\.com\\.?$" }]);
    expect(failure.message).to.include(
      `${GLOBAL_NAME} already has latency records (A us-east-1, A eu-west-1) and this update would create weighted records`,
    );
    expect(failure.message).to.include("Route 53 refuses records of one routing policy");
    const urn = (logicalName: string) =>
      `'urn:pulumi:test::project::multiregion-serverless:index:MultiRegionService$aws:route53/record:Record::${logicalName}'`;
    expect(failure.message).to.include(
      `1. delete the old records: pulumi destroy --target-dependents --target ${urn("orders-latency-us-east-1")} --target ${urn("orders-latency-eu-west-1")}`,
    );
    expect(failure.message).to.include("2. pulumi up");
    const routed = failure.resources.ofType(RECORD).filter((r) => r.inputs.setIdentifier);
    expect(routed, "no routing record registered").to.deep.equal([]);
  });

  it("makes the change once step 1 has deleted the old records", async () => {
    const zone = (await zoneOf(latency)).filter((set) => listedRoutingPolicy(set) !== "latency");
    const { resources } = await runAgainst(zone, weighted).run;
    const records = resources.ofType(RECORD).filter((r) => r.inputs.name === GLOBAL_NAME);
    expect(records.map((r) => r.inputs.weightedRoutingPolicies)).to.deep.equal([
      [{ weight: 1 }],
      [{ weight: 1 }],
    ]);
  });

  it("refuses a topology change, active-passive -> active-active, naming the failover records", async () => {
    const zone = await zoneOf(activePassive);
    const failure = await expectRunFailure(runAgainst(zone, latency).run);
    expect(failure.message).to.include(
      `${GLOBAL_NAME} already has failover records (A primary, A secondary) and this update would create latency records`,
    );
    expect(failure.message).to.include("Record::orders-failover-primary'");
    expect(failure.message).to.include("Record::orders-failover-secondary'");
  });

  it("refuses a dualstack change for both the A and the AAAA records", async () => {
    const zone = await zoneOf({ ...latency, ipAddressType: "dualstack" });
    const failure = await expectRunFailure(
      runAgainst(zone, { ...weighted, ipAddressType: "dualstack" }).run,
    );
    expect(failure.message).to.include("Record::orders-latency-us-east-1-aaaa'");
  });

  it("lets changes within one policy through: a region added, standbys added, locations moved", async () => {
    const transitions: [MultiRegionServiceArgs, MultiRegionServiceArgs][] = [
      [latency, { ...latency, regions: ["us-east-1", "eu-west-1", "ap-southeast-1"] }],
      [activePassive, { ...activePassive, standbyRegions: ["eu-west-1", "us-west-2"] }],
      [
        {
          ...latency,
          routing: "geolocation",
          geolocation: { "eu-west-1": [{ continent: "EU" }] },
          defaultRegion: "us-east-1",
        },
        {
          ...latency,
          routing: "geolocation",
          geolocation: { "us-east-1": [{ continent: "EU" }] },
          defaultRegion: "eu-west-1",
        },
      ],
    ];
    for (const [before, after] of transitions) {
      const { resources } = await runAgainst(await zoneOf(before), after).run;
      expect(resources.ofType(RECORD).length).to.be.greaterThan(0);
    }
  });

  it("tells each listed record set's policy apart as ListResourceRecordSets describes it", () => {
    const set = (fields: Partial<ListedRecordSet>): ListedRecordSet => ({
      name: "api.example.com.",
      type: "A",
      ...fields,
    });
    expect(
      [
        set({}),
        set({ setIdentifier: "primary", failover: "PRIMARY" }),
        set({ setIdentifier: "us-east-1", region: "us-east-1" }),
        set({ setIdentifier: "default", geolocation: { countryCode: "*" } }),
        set({ setIdentifier: "us-east-1", weight: 0 }),
        set({ setIdentifier: "a", multiValueAnswer: true }),
      ].map(listedRoutingPolicy),
    ).to.deep.equal(["simple", "failover", "latency", "geolocation", "weighted", "multivalue"]);
    // Names compare without the root dot and case; other names and types never conflict.
    expect(
      routingConflicts(
        [
          set({ name: "API.example.com.", setIdentifier: "x", region: "us-east-1" }),
          set({ name: "standby.api.example.com.", setIdentifier: "y", region: "us-east-1" }),
          set({ type: "TXT" }),
        ],
        "api.example.com",
        ["A"],
        "weighted",
      ).map((s) => s.setIdentifier),
    ).to.deep.equal(["x"]);
  });

  it("refuses a CNAME at the global name and tells how to delete records the stack does not own", () => {
    const listed: ListedRecordSet[] = [
      // ListResourceRecordSets shape (Route 53 API Reference, ResourceRecordSet): a CNAME made
      // by hand and a simple A record of another tool, neither with a set identifier.
      { name: "api.example.com.", type: "CNAME" },
      { name: "api.example.com.", type: "A" },
      { name: "api.example.com.", type: "A", setIdentifier: "us-east-1", region: "us-east-1" },
    ];
    const conflicts = routingConflicts(listed, "api.example.com", ["A"], "failover");
    expect(conflicts.map((set) => `${set.type} ${set.setIdentifier ?? "-"}`)).to.deep.equal([
      "CNAME -",
      "A -",
      "A us-east-1",
    ]);
    const message = routingChangeRefusal(
      "orders",
      "urn:pulumi:prod::orders::multiregion-serverless:index:MultiRegionService::orders",
      "api.example.com",
      "failover",
      conflicts,
    );
    expect(message).to.include(
      "pulumi destroy --target-dependents --target 'urn:pulumi:prod::orders::multiregion-serverless:index:MultiRegionService$aws:route53/record:Record::orders-latency-us-east-1'",
    );
    expect(message).to.include(
      "then delete CNAME (no set identifier), A (no set identifier) in Route 53",
    );
    expect(message).not.to.include("<urn>");
  });
});
