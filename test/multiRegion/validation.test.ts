import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { InvalidArgumentsError, MultiRegionService } from "../../components";
import { expectRunFailure, runComponent } from "../../testing";
import { code, domain, shape } from "./fixtures";

const SUBJECT = 'MultiRegionService "orders"';
const ROUTE_RULE =
  'must be "<METHOD> /<path>": METHOD one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY; path segments of letters, digits, ._~- or {param}, a greedy {param+} only last (e.g. "GET /orders/{id}")';
const GEO_RULE =
  'must be { continent } (one of AF, AN, AS, EU, NA, OC, SA) or { country, subdivision? } (country: two capital letters such as "DE"; the default "*" comes from defaultRegion)';

const activePassive = { topology: "active-passive", primaryRegion: "us-east-1", ...shape };
const activeActive = { topology: "active-active", regions: ["us-east-1", "eu-west-1"], ...shape };
const geolocation = { ...activeActive, routing: "geolocation" };
const weighted = { ...activeActive, routing: "weighted" };
const latency = { ...activeActive, routing: "latency" };

/** One message per problem, as InvalidArgumentsError lists them. */
function expected(...problems: string[]): string {
  return problems.length === 1
    ? `${SUBJECT}: ${problems[0]}`
    : [
        `${SUBJECT} has ${problems.length} invalid arguments:`,
        ...problems.map((p) => `  - ${p}`),
      ].join("\n");
}

const cases: [string, Record<string, unknown>, string[]][] = [
  [
    "a region listed twice",
    { ...latency, regions: ["us-east-1", "us-west-2", "us-west-2"] },
    ['[regions[2]] is "us-west-2": is listed twice'],
  ],
  [
    "a standby listed twice",
    { ...activePassive, standbyRegions: ["us-west-2", "us-west-2"] },
    ['[standbyRegions[1]] is "us-west-2": is listed twice'],
  ],
  [
    "a standby equal to the primary",
    { ...activePassive, standbyRegions: ["us-east-1"] },
    ['[standbyRegions[0]] is "us-east-1": must differ from primaryRegion'],
  ],
  [
    "an unknown region (a typo)",
    { ...latency, regions: ["us-east-1", "us-east-3"] },
    [
      '[regions[1]] is "us-east-3": is not an AWS commercial region (AWS_COMMERCIAL_REGIONS); if AWS launched it after this list, name it in unlistedRegions',
    ],
  ],
  [
    "an unknown primary region",
    { ...activePassive, primaryRegion: "eu-west-9", standbyRegions: ["us-west-2"] },
    [
      '[primaryRegion] is "eu-west-9": is not an AWS commercial region (AWS_COMMERCIAL_REGIONS); if AWS launched it after this list, name it in unlistedRegions',
    ],
  ],
  [
    "an unlisted region that is not a region name",
    { ...latency, unlistedRegions: ["mars-north-1a"] },
    [
      '[unlistedRegions[0]] is "mars-north-1a": must look like an AWS region name such as us-east-1',
    ],
  ],
  [
    "active-passive without a standby",
    { ...activePassive, standbyRegions: [] },
    ["[standbyRegions] is []: active-passive needs at least one standby region"],
  ],
  [
    "active-passive without a primary",
    { ...activePassive, primaryRegion: undefined, standbyRegions: ["us-west-2"] },
    [
      "[primaryRegion] is undefined: is required for active-passive: the region that serves while healthy",
    ],
  ],
  [
    "active-passive with active-active's routing",
    { ...activePassive, standbyRegions: ["us-west-2"], routing: "latency" },
    ['[routing] is "latency": applies to topology "active-active" only'],
  ],
  [
    "active-active with a primary region",
    { ...latency, primaryRegion: "us-east-1" },
    ['[primaryRegion] is "us-east-1": applies to topology "active-passive" only'],
  ],
  [
    "no topology",
    { ...shape },
    ['[topology] is undefined: must be one of "active-passive", "active-active"'],
  ],
  [
    "active-active without regions",
    { ...latency, regions: [] },
    ["[regions] is []: active-active needs at least one region"],
  ],
  [
    "active-active without routing",
    { ...activeActive },
    ['[routing] is undefined: active-active needs one of "latency", "geolocation", "weighted"'],
  ],
  [
    "an unknown routing",
    { ...activeActive, routing: "round-robin" },
    ['[routing] is "round-robin": must be one of "latency", "geolocation", "weighted"'],
  ],
  [
    "geolocation without a default region",
    {
      ...geolocation,
      geolocation: { "eu-west-1": [{ continent: "EU" }], "us-east-1": [{ country: "US" }] },
    },
    [
      "[defaultRegion] is undefined: geolocation routing needs the region answering users no location matches (without a default record they get no answer)",
    ],
  ],
  [
    "a default region not in regions",
    {
      ...geolocation,
      defaultRegion: "us-west-2",
      geolocation: { "eu-west-1": [{ continent: "EU" }], "us-east-1": [{ country: "US" }] },
    },
    ['[defaultRegion] is "us-west-2": must be one of regions: "us-east-1", "eu-west-1"'],
  ],
  [
    "locations for a region not in regions",
    {
      ...geolocation,
      defaultRegion: "us-east-1",
      geolocation: { "eu-west-1": [{ continent: "EU" }], "ap-south-1": [{ country: "IN" }] },
    },
    [
      '[geolocation.ap-south-1] is [{"country":"IN"}]: is not one of regions: "us-east-1", "eu-west-1"',
    ],
  ],
  [
    "a region with no location that is not the default",
    {
      ...geolocation,
      regions: ["us-east-1", "eu-west-1", "us-west-2"],
      defaultRegion: "us-east-1",
      geolocation: { "eu-west-1": [{ continent: "EU" }] },
    },
    [
      "[geolocation.us-west-2] is undefined: every region but defaultRegion needs at least one location, or it gets no traffic",
    ],
  ],
  [
    "malformed locations",
    {
      ...geolocation,
      defaultRegion: "us-east-1",
      geolocation: {
        "eu-west-1": [{ country: "usa" }, { continent: "XX" }, { continent: "EU", country: "DE" }],
      },
    },
    [
      `[geolocation.eu-west-1[0]] is {"country":"usa"}: ${GEO_RULE}`,
      `[geolocation.eu-west-1[1]] is {"continent":"XX"}: ${GEO_RULE}`,
      `[geolocation.eu-west-1[2]] is {"continent":"EU","country":"DE"}: ${GEO_RULE}`,
    ],
  ],
  [
    "a location routed to two regions",
    {
      ...geolocation,
      defaultRegion: "us-east-1",
      geolocation: { "eu-west-1": [{ country: "DE" }], "us-east-1": [{ country: "DE" }] },
    },
    ['[geolocation.us-east-1[0]] is {"country":"DE"}: is already routed to eu-west-1'],
  ],
  [
    "geolocation settings with latency routing",
    { ...latency, defaultRegion: "us-east-1" },
    ['[defaultRegion] is "us-east-1": applies to routing "geolocation" only'],
  ],
  [
    "weights that are all zero",
    { ...weighted, weights: { "us-east-1": 0, "eu-west-1": 0 } },
    [
      '[weights] is {"us-east-1":0,"eu-west-1":0}: at least one weight must be above 0, or no region gets traffic by weight',
    ],
  ],
  [
    "negative and fractional weights",
    { ...weighted, weights: { "us-east-1": -1, "eu-west-1": 1.5 } },
    [
      "[weights.us-east-1] is -1: must be a whole number from 0 to 255",
      "[weights.eu-west-1] is 1.5: must be a whole number from 0 to 255",
    ],
  ],
  [
    "a weight over 255, one for an unknown region and a missing one",
    { ...weighted, weights: { "us-east-1": 256, "eu-west-2": 1 } },
    [
      '[weights.eu-west-2] is 1: is not one of regions: "us-east-1", "eu-west-1"',
      "[weights.us-east-1] is 256: must be a whole number from 0 to 255",
      "[weights.eu-west-1] is undefined: every region needs a weight when weights are given",
    ],
  ],
  [
    "weights with latency routing",
    { ...latency, weights: { "us-east-1": 1, "eu-west-1": 1 } },
    ['[weights] is {"us-east-1":1,"eu-west-1":1}: applies to routing "weighted" only'],
  ],
  [
    "an interval Route 53 does not offer",
    { ...latency, healthCheck: { requestInterval: 20 } },
    [
      "[healthCheck.requestInterval] is 20: must be 10 or 30 seconds (the only intervals Route 53 offers)",
    ],
  ],
  [
    "failure thresholds outside 1-10",
    {
      ...latency,
      healthCheck: { failureThreshold: 11 },
      healthCheckByRegion: { "eu-west-1": { failureThreshold: 0 } },
    },
    [
      "[healthCheck.failureThreshold] is 11: must be a whole number from 1 to 10",
      "[healthCheckByRegion.eu-west-1.failureThreshold] is 0: must be a whole number from 1 to 10",
    ],
  ],
  [
    "a health check override for a region the service is not in",
    { ...latency, healthCheckByRegion: { "ap-south-1": { requestInterval: 10 } } },
    [
      '[healthCheckByRegion.ap-south-1] is "ap-south-1": is not one of the service\'s regions: "us-east-1", "eu-west-1"',
    ],
  ],
  [
    "malformed route keys",
    {
      ...latency,
      routes: {
        "GET orders": "orders",
        "FETCH /orders": "orders",
        "GET /orders/": "orders",
        "GET /{proxy+}/x": "orders",
      },
    },
    [
      `[routes["GET orders"]] is "GET orders": ${ROUTE_RULE}`,
      `[routes["FETCH /orders"]] is "FETCH /orders": ${ROUTE_RULE}`,
      `[routes["GET /orders/"]] is "GET /orders/": ${ROUTE_RULE}`,
      `[routes["GET /{proxy+}/x"]] is "GET /{proxy+}/x": ${ROUTE_RULE}`,
    ],
  ],
  [
    "a route to an unknown function",
    { ...latency, routes: { "POST /payments": "payments" } },
    ['[routes["POST /payments"]] is "payments": must name one of the functions: "orders"'],
  ],
  [
    "more than one region without a domain",
    { ...latency, domain: undefined },
    [
      "[domain] is undefined: is required with more than one region: Route 53 routes the global name between them",
    ],
  ],
  [
    "a standby record name equal to the global name",
    {
      ...activePassive,
      standbyRegions: ["us-west-2", "eu-west-1"],
      standbyRecordName: "api.example.com",
    },
    [
      '[standbyRecordName] is "api.example.com": must be a lowercase DNS name in the domain\'s zone, other than domain.name',
    ],
  ],
  [
    "a malformed table",
    { ...latency, table: { name: "x", hashKeyType: "Q", rangeKeyType: "S" } },
    [
      '[table.name] is "x": must be 3-255 letters, digits, _, - or .',
      '[table.hashKeyType] is "Q": must be one of "S", "N", "B"',
      '[table.rangeKeyType] is "S": needs rangeKey',
    ],
  ],
];

describe("MultiRegionService invalid arguments", () => {
  for (const [what, args, problems] of cases) {
    it(`rejects ${what}, naming each problem, before registering anything`, async () => {
      const failure = await expectRunFailure(
        runComponent(() => new MultiRegionService("orders", args as any)),
      );
      expect(failure.cause).to.be.instanceOf(InvalidArgumentsError);
      expect(failure.message).to.equal(expected(...problems));
      expect(failure.resources.all).to.deep.equal([]);
    });
  }

  it("rejects a region provider for a region the service is not in (regionProviders option)", async () => {
    const failure = await expectRunFailure(
      runComponent(
        () =>
          new MultiRegionService("orders", latency as any, {
            regionProviders: { "ap-south-1": {} as any },
          }),
      ),
    );
    expect(failure.message).to.equal(
      expected(
        '[regionProviders.ap-south-1] is "ap-south-1": is not one of the service\'s regions: "us-east-1", "eu-west-1"',
      ),
    );
    expect(failure.resources.all).to.deep.equal([]);
  });

  it("reports every problem at once", async () => {
    const failure = await expectRunFailure(
      runComponent(
        () =>
          new MultiRegionService("orders", {
            topology: "active-active",
            regions: ["us-east-1", "us-east-1", "eu-west-3"],
            routing: "weighted",
            weights: { "us-east-1": 300, "eu-west-3": 1 },
            functions: { orders: { code, memorySize: 64 } },
            routes: { "GET /orders": "payments" },
            healthCheck: { requestInterval: 60 as any },
          }),
      ),
    );
    expect(failure.message).to.equal(
      expected(
        '[regions[1]] is "us-east-1": is listed twice',
        "[weights.us-east-1] is 300: must be a whole number from 0 to 255",
        "[functions.orders.memorySize] is 64: must be a whole number from 128 to 10240 MB",
        '[routes["GET /orders"]] is "payments": must name one of the functions: "orders"',
        "[healthCheck.requestInterval] is 60: must be 10 or 30 seconds (the only intervals Route 53 offers)",
        "[domain] is undefined: is required with more than one region: Route 53 routes the global name between them",
      ),
    );
    expect(failure.resources.all).to.deep.equal([]);
  });

  it("accepts a region named in unlistedRegions", async () => {
    const { result } = await runComponent(
      () =>
        new MultiRegionService("orders", {
          topology: "active-active",
          regions: ["us-east-1", "xx-newplace-1"],
          routing: "latency",
          ...shape,
          unlistedRegions: ["xx-newplace-1"],
        }),
    );
    expect(result.regionOrder).to.deep.equal(["us-east-1", "xx-newplace-1"]);
  });

  it("checks Outputs it cannot know yet no further than their presence", async () => {
    const { resources } = await runComponent(
      () =>
        new MultiRegionService("orders", {
          topology: "active-active",
          regions: ["us-east-1"],
          routing: "latency",
          ...shape,
          domain: { ...domain, zoneId: pulumi.output("Z0FROMANOTHERSTACK") },
          healthCheck: { alarms: [{ alarmName: pulumi.output("orders-5xx") }] },
        }),
    );
    resources.hasResourceProperties("aws:route53/healthCheck:HealthCheck", {
      cloudwatchAlarmName: "orders-5xx",
    });
  });
});
