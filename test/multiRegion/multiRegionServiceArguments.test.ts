// The exact error a MultiRegionService gives for each kind of bad topology, routing, table or
// per-region argument, before it registers anything, and the edge values it accepts
// (validation.test.ts has the common cases).
import { expect } from "chai";
import { MultiRegionService } from "../../components";
import { expectRunFailure, runComponent } from "../../testing";
import { code, RECORD, recordsFor, GLOBAL_NAME, shape, TABLE } from "./fixtures";

const SUBJECT = 'MultiRegionService "orders"';
const LOCATION_RULE =
  'must be { continent } (one of AF, AN, AS, EU, NA, OC, SA) or { country, subdivision? } (country: two capital letters such as "DE"; the default "*" comes from defaultRegion)';
const UNKNOWN_REGION =
  "is not an AWS commercial region (AWS_COMMERCIAL_REGIONS); if AWS launched it after this list, name it in unlistedRegions";
const WEIGHTS_RULE = 'must map regions to weights: { "us-east-1": 3, "eu-west-1": 1 }';
const GEOLOCATION_RULE = 'must map regions to locations: { "eu-west-1": [{ continent: "EU" }] }';
const ATTRIBUTE_RULE = "must be an attribute name of 1-255 characters";
const NOT_AN_ARRAY =
  "must be a plain object, not an array (its keys are read while the component is constructed)";

const activePassive = {
  topology: "active-passive",
  primaryRegion: "us-east-1",
  standbyRegions: ["us-west-2"],
  ...shape,
};
const activeActive = {
  topology: "active-active",
  regions: ["us-east-1", "eu-west-1"],
  routing: "latency",
  ...shape,
};
const geolocation = {
  ...activeActive,
  routing: "geolocation",
  defaultRegion: "us-east-1",
  geolocation: { "eu-west-1": [{ continent: "EU" }] },
};
const weighted = { ...activeActive, routing: "weighted" };

function expected(...problems: string[]): string {
  return problems.length === 1
    ? `${SUBJECT}: ${problems[0]}`
    : [
        `${SUBJECT} has ${problems.length} invalid arguments:`,
        ...problems.map((p) => `  - ${p}`),
      ].join("\n");
}

function build(args: unknown, opts: Record<string, unknown> = {}) {
  return runComponent(() => new MultiRegionService("orders", args as any, opts));
}

const cases: [string, unknown, string[]][] = [
  [
    "no arguments object",
    null,
    ["[args] is null: must be an object with at least `topology` and `functions`"],
  ],
  [
    "a string for the arguments",
    "orders",
    ['[args] is "orders": must be an object with at least `topology` and `functions`'],
  ],
  [
    "an unknown topology, judging per-region settings against no region",
    { topology: "active-standby", ...shape, healthCheckByRegion: { "us-east-1": {} } },
    [
      '[topology] is "active-standby": must be one of "active-passive", "active-active"',
      '[healthCheckByRegion.us-east-1] is "us-east-1": is not one of the service\'s regions: ',
    ],
  ],
  [
    "TABLE_NAME set by hand beside the service's table",
    {
      ...activePassive,
      functions: { orders: { code, environment: { TABLE_NAME: "x" } } },
      table: {},
    },
    [
      '[functions.orders.environment.TABLE_NAME] is "x": is set from the service\'s table; remove it here',
    ],
  ],
  [
    "two regions without a domain, whatever the standby record name",
    { ...activePassive, domain: undefined, standbyRecordName: "standby.example.com" },
    [
      "[domain] is undefined: is required with more than one region: Route 53 routes the global name between them",
    ],
  ],
  [
    "a per-region health check interval Route 53 does not offer",
    { ...activePassive, healthCheckByRegion: { "us-east-1": { requestInterval: 15 } } },
    [
      "[healthCheckByRegion.us-east-1.requestInterval] is 15: must be 10 or 30 seconds (the only intervals Route 53 offers)",
    ],
  ],
  [
    "per-region health checks given as a string",
    { ...activePassive, healthCheckByRegion: "fast" },
    ['[healthCheckByRegion] is "fast": must map region names to settings'],
  ],
  [
    "per-region health checks that are null",
    { ...activePassive, healthCheckByRegion: null },
    ["[healthCheckByRegion] is null: must map region names to settings"],
  ],
  [
    "per-region health checks given as a list",
    { ...activePassive, healthCheckByRegion: [] },
    [
      `[healthCheckByRegion] ${NOT_AN_ARRAY}`,
      "[healthCheckByRegion] is []: must map region names to settings",
    ],
  ],
  [
    "an unknown standby region, which then needs no domain",
    { ...activePassive, domain: undefined, standbyRegions: ["us-east-9"] },
    [`[standbyRegions[0]] is "us-east-9": ${UNKNOWN_REGION}`],
  ],
  [
    "an unknown active-active region, which then needs no domain",
    { ...activeActive, domain: undefined, regions: ["us-east-1", "us-east-9"] },
    [`[regions[1]] is "us-east-9": ${UNKNOWN_REGION}`],
  ],
  [
    "weights with latency routing, without judging the weights",
    { ...activeActive, weights: { "us-east-1": 500 } },
    ['[weights] is {"us-east-1":500}: applies to routing "weighted" only'],
  ],
  [
    "geolocation given as a string",
    { ...geolocation, geolocation: "EU" },
    [`[geolocation] is "EU": ${GEOLOCATION_RULE}`],
  ],
  [
    "geolocation given as a list",
    { ...geolocation, geolocation: [] },
    [`[geolocation] ${NOT_AN_ARRAY}`, `[geolocation] is []: ${GEOLOCATION_RULE}`],
  ],
  [
    "a region with an empty list of locations",
    { ...geolocation, geolocation: { "eu-west-1": [] } },
    [
      "[geolocation.eu-west-1] is []: must be a non-empty list of { continent } or { country, subdivision? }",
    ],
  ],
  [
    "a region with one location that is not in a list",
    { ...geolocation, geolocation: { "eu-west-1": { continent: "EU" } } },
    [
      '[geolocation.eu-west-1] is {"continent":"EU"}: must be a non-empty list of { continent } or { country, subdivision? }',
    ],
  ],
  [
    "a location listed twice for one region",
    { ...geolocation, geolocation: { "eu-west-1": [{ continent: "EU" }, { continent: "EU" }] } },
    ['[geolocation.eu-west-1[1]] is {"continent":"EU"}: is listed twice'],
  ],
  [
    "a location routed to two regions",
    {
      ...geolocation,
      geolocation: { "eu-west-1": [{ country: "DE" }], "us-east-1": [{ country: "DE" }] },
    },
    ['[geolocation.us-east-1[0]] is {"country":"DE"}: is already routed to eu-west-1'],
  ],
  [
    "locations that are null or a string",
    { ...geolocation, geolocation: { "eu-west-1": [null, "EU"] } },
    [
      `[geolocation.eu-west-1[0]] is null: ${LOCATION_RULE}`,
      `[geolocation.eu-west-1[1]] is "EU": ${LOCATION_RULE}`,
    ],
  ],
  [
    "malformed continents, countries and subdivisions",
    {
      ...geolocation,
      geolocation: {
        "eu-west-1": [
          { continent: "EU", subdivision: "CA" },
          { country: 5 },
          { country: "DEU" },
          { country: "xDE" },
          { country: "US", subdivision: "CA1x" },
          { country: "US", subdivision: "xCA" },
          { country: "US", subdivision: 5 },
        ],
      },
    },
    [
      `[geolocation.eu-west-1[0]] is {"continent":"EU","subdivision":"CA"}: ${LOCATION_RULE}`,
      `[geolocation.eu-west-1[1]] is {"country":5}: ${LOCATION_RULE}`,
      `[geolocation.eu-west-1[2]] is {"country":"DEU"}: ${LOCATION_RULE}`,
      `[geolocation.eu-west-1[3]] is {"country":"xDE"}: ${LOCATION_RULE}`,
      `[geolocation.eu-west-1[4]] is {"country":"US","subdivision":"CA1x"}: ${LOCATION_RULE}`,
      `[geolocation.eu-west-1[5]] is {"country":"US","subdivision":"xCA"}: ${LOCATION_RULE}`,
      `[geolocation.eu-west-1[6]] is {"country":"US","subdivision":5}: ${LOCATION_RULE}`,
    ],
  ],
  [
    "weights given as a string",
    { ...weighted, weights: "even" },
    [`[weights] is "even": ${WEIGHTS_RULE}`],
  ],
  [
    "weights given as a list",
    { ...weighted, weights: [] },
    [`[weights] ${NOT_AN_ARRAY}`, `[weights] is []: ${WEIGHTS_RULE}`],
  ],
  ["weights that are null", { ...weighted, weights: null }, [`[weights] is null: ${WEIGHTS_RULE}`]],
  [
    "a weight for another region, without also calling the zero weights of the others an error",
    { ...weighted, weights: { "us-east-1": 0, "eu-west-1": 0, "ap-south-1": 5 } },
    ['[weights.ap-south-1] is 5: is not one of regions: "us-east-1", "eu-west-1"'],
  ],
  [
    "a weight above 255 and a weight given as a string",
    { ...weighted, weights: { "us-east-1": 256, "eu-west-1": "1" } },
    [
      "[weights.us-east-1] is 256: must be a whole number from 0 to 255",
      '[weights.eu-west-1] is "1": must be a whole number from 0 to 255',
    ],
  ],
  [
    "a table given as its name only",
    { ...activePassive, table: "orders" },
    ['[table] is "orders": must be { hashKey?, name?, protectData?, ... }'],
  ],
  [
    "a hash key inside a list",
    { ...activePassive, table: { hashKey: ["id"] } },
    [`[table.hashKey] is ["id"]: ${ATTRIBUTE_RULE}`],
  ],
  [
    "a country inside a list",
    { ...geolocation, geolocation: { "eu-west-1": [{ country: ["DE"] }] } },
    [`[geolocation.eu-west-1[0]] is {"country":["DE"]}: ${LOCATION_RULE}`],
  ],
  [
    "a table that is null",
    { ...activePassive, table: null },
    ["[table] is null: must be { hashKey?, name?, protectData?, ... }"],
  ],
  [
    "a table name that is a number",
    { ...activePassive, table: { name: 12345 } },
    ["[table.name] is 12345: must be 3-255 letters, digits, _, - or ."],
  ],
  [
    "an empty hash key and a range key of 256 characters",
    { ...activePassive, table: { hashKey: "", rangeKey: "k".repeat(256) } },
    [
      `[table.hashKey] is "": ${ATTRIBUTE_RULE}`,
      `[table.rangeKey] is "${"k".repeat(256)}": ${ATTRIBUTE_RULE}`,
    ],
  ],
  [
    "a hash key that is a number",
    { ...activePassive, table: { hashKey: 5 } },
    [`[table.hashKey] is 5: ${ATTRIBUTE_RULE}`],
  ],
  [
    "a range key type DynamoDB does not have",
    { ...activePassive, table: { rangeKey: "createdAt", rangeKeyType: "X" } },
    ['[table.rangeKeyType] is "X": must be one of "S", "N", "B"'],
  ],
  [
    "protectData that is not a boolean",
    { ...activePassive, table: { protectData: "yes" } },
    ['[table.protectData] is "yes": must be true or false'],
  ],
];

describe("MultiRegionService arguments", () => {
  describe("rejects, with one error naming every problem and registering nothing,", () => {
    for (const [what, args, problems] of cases) {
      it(what, async () => {
        const failure = await expectRunFailure(build(args));
        expect(failure.message).to.equal(expected(...problems));
        expect(failure.resources.all).to.deep.equal([]);
      });
    }

    it("a region provider that is not an aws.Provider", async () => {
      const failure = await expectRunFailure(
        build(activePassive, { regionProviders: { "us-east-1": {} } }),
      );
      expect(failure.message).to.equal(
        expected('[regionProviders.us-east-1] is "(not an aws.Provider)": must be an aws.Provider'),
      );
    });
  });

  it("accepts the edge values: weight 255, keys of 1 and 255 characters, binary range keys, protectData false", async () => {
    const { resources } = await build({
      ...weighted,
      weights: { "us-east-1": 255, "eu-west-1": 0 },
      table: { hashKey: "k", rangeKey: "r".repeat(255), rangeKeyType: "B", protectData: false },
    });
    resources.hasResourceProperties(TABLE, {
      hashKey: "k",
      rangeKey: "r".repeat(255),
      attributes: [
        { name: "k", type: "S" },
        { name: "r".repeat(255), type: "B" },
      ],
      deletionProtectionEnabled: false,
    });
    expect(
      recordsFor(resources, GLOBAL_NAME).map((r) => r.inputs.weightedRoutingPolicies[0].weight),
    ).to.deep.equal([255, 0]);
  });

  it("lets functions set TABLE_NAME themselves when the service has no table", async () => {
    const { resources } = await build({
      ...activePassive,
      functions: { orders: { code, environment: { TABLE_NAME: "legacy-orders" } } },
    });
    expect(
      resources
        .ofType("aws:lambda/function:Function")
        .map((fn) => fn.inputs.environment.variables.TABLE_NAME),
    ).to.deep.equal(["legacy-orders", "legacy-orders"]);
  });

  it("accepts country subdivisions, and geolocation routing in one region with no locations at all", async () => {
    const { resources } = await build({
      ...geolocation,
      geolocation: { "eu-west-1": [{ country: "US", subdivision: "CA" }] },
    });
    resources.hasResourceProperties(RECORD, {
      setIdentifier: "country-US-CA",
      geolocationRoutingPolicies: [{ country: "US", subdivision: "CA" }],
    });
    const single = await build({
      ...geolocation,
      regions: ["us-east-1"],
      geolocation: undefined,
    });
    expect(
      single.resources
        .ofType(RECORD)
        .filter((r) => r.inputs.type === "A")
        .map((r) => r.inputs.setIdentifier),
    ).to.deep.equal(["default"]);
  });
});
