// An item of a list or a value of a map that arrives as one Output (a secret, another resource's
// or stack's output, as a program in another language sends it) is named once, by its own path,
// never field by field with the Output's members (`[flags[0].name] is "Calling [toJSON] on an
// [Output<T>] ..."`), and the other arguments are still checked.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  FeatureFlags,
  MultiRegionService,
  RegionalService,
  ServiceNotifications,
  TrafficShiftedFunction,
} from "../components";
import { expectRunFailure, runComponent } from "../testing";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});
const later =
  "must be known when the component is constructed, not an Output: the component reads it " +
  "then, to check it and to decide what to create. It arrives as one Output when it is a " +
  "secret or another resource's or stack's output; pass a plain value";
const output = (value: unknown): any => pulumi.output(value);
const flag = { name: "newOrderValidation", enabled: true };
const flags = { regions: ["us-east-1", "us-west-2"], environment: "prod", flags: [flag] };
const activeActive = {
  topology: "active-active" as const,
  regions: ["us-east-1", "eu-west-1"],
  functions: { orders: { code } },
  domain: { zoneId: "Z123", name: "orders.example.com" },
};

const cases: [string, () => unknown, string][] = [
  [
    "RegionalService routes: one route's function",
    () =>
      new RegionalService("orders", {
        region: "us-east-1",
        functions: { orders: { code } },
        routes: { "GET /orders": output("orders") },
      }),
    "routes.GET /orders",
  ],
  [
    "MultiRegionService geolocation: one location of a region",
    () =>
      new MultiRegionService("orders", {
        ...activeActive,
        routing: "geolocation",
        geolocation: {
          "us-east-1": [output({ continent: "NA" })],
          "eu-west-1": [{ country: "DE" }],
        },
        defaultRegion: "us-east-1",
      }),
    "geolocation.us-east-1[0]",
  ],
  [
    "MultiRegionService weights: one region's weight",
    () =>
      new MultiRegionService("orders", {
        ...activeActive,
        routing: "weighted",
        weights: { "us-east-1": output(50), "eu-west-1": 50 },
      }),
    "weights.us-east-1",
  ],
  [
    "MultiRegionService standbyRegions: one standby",
    () =>
      new MultiRegionService("orders", {
        topology: "active-passive",
        primaryRegion: "us-east-1",
        standbyRegions: [output("us-west-2")],
        functions: { orders: { code } },
        domain: { zoneId: "Z123", name: "orders.example.com" },
      }),
    "standbyRegions[0]",
  ],
  [
    "FeatureFlags flags: one flag",
    () => new FeatureFlags("orders-flags", { ...flags, flags: [output(flag)] }),
    "flags[0]",
  ],
  [
    "FeatureFlags attributes: one attribute of a flag",
    () =>
      new FeatureFlags("orders-flags", {
        ...flags,
        flags: [{ ...flag, attributes: [output({ name: "maxItems", numberValue: 50 })] }],
      }),
    "flags[0].attributes[0]",
  ],
  [
    "FeatureFlags monitors: one monitor",
    () =>
      new FeatureFlags("orders-flags", {
        ...flags,
        monitors: [output({ region: "us-east-1", alarmArn: "arn" })],
      }),
    "monitors[0]",
  ],
  [
    "FeatureFlags readers: one reader",
    () =>
      new FeatureFlags("orders-flags", {
        ...flags,
        readers: [output({ region: "us-east-1", roleName: "orders" })],
      }),
    "readers[0]",
  ],
  [
    "FeatureFlags regions: one region",
    () =>
      new FeatureFlags("orders-flags", { ...flags, regions: ["us-east-1", output("us-west-2")] }),
    "regions[1]",
  ],
  [
    "ServiceNotifications emails: one address",
    () =>
      new ServiceNotifications("orders", {
        regions: ["us-east-1"],
        emails: [output("oncall@example.com")],
      }),
    "emails[0]",
  ],
  [
    "TrafficShiftedFunction source.external: one module name",
    () =>
      new TrafficShiftedFunction("orders", {
        source: { entry: "service/orders/index.js", external: [output("pg-native")] },
      }),
    "source.external[0]",
  ],
];

describe("an item or map value sent as one Output is named once, by its own path", () => {
  for (const [name, build, path] of cases) {
    it(name, async () => {
      const failure = await expectRunFailure(runComponent(build));
      const problems = failure.message.split("\n").filter((line) => line.startsWith("  - "));
      const lines = problems.length > 0 ? problems : [failure.message.replace(/^[^:]*: /, "")];
      expect(lines.map((line) => line.replace(/^ {2}- /, ""))).to.deep.equal([
        `[${path}] ${later}`,
      ]);
      expect(failure.message).not.to.include("toJSON");
      expect(failure.resources.all).to.deep.equal([]);
    });
  }
});
