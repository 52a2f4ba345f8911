// The generated program of `npm run bench:scale`: the architecture of the AWS CDK peer
// (../shared/peers/cdk-orders, its README) at `bench:regions` x `bench:functions`, so that the two
// are compared like for like: an active-passive MultiRegionService (failover records, 10 s
// HTTPS health checks on each region's own endpoint, custom domain and certificate), a global
// table, and per function a TrafficShiftedFunction (X-Ray, LOG_LEVEL) with the `live` alias, a
// 10-minute canary with rollback and three alarms (errors, duration, throttles), routed by the
// region's HTTP API through the alias. No hooks: the peer has none.
import * as pulumi from "@pulumi/pulumi";
import { MultiRegionService, ServiceFunctionArgs } from "../components";

/** The peer's region order (its README). */
const REGIONS = [
  "us-east-1",
  "us-west-2",
  "eu-west-1",
  "eu-central-1",
  "ap-southeast-1",
  "ap-northeast-1",
  "sa-east-1",
  "ca-central-1",
  "eu-north-1",
  "ap-south-1",
];

const config = new pulumi.Config("bench");
const regionCount = config.requireNumber("regions");
const functionCount = config.requireNumber("functions");

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});
const functions: Record<string, ServiceFunctionArgs> = Object.fromEntries(
  Array.from({ length: functionCount }, (_, i) => [
    `f${i}`,
    {
      code,
      runtime: "nodejs20.x",
      trafficShifting: { type: "Canary10Percent10Minutes" },
      alarms: { errorThreshold: 5, durationBaselineMs: 1000 },
    } satisfies ServiceFunctionArgs,
  ]),
);
// As the peer: function 0 serves `POST /orders` and `GET /health`, function i `POST /f{i}/orders`
// and `GET /f{i}/health`.
const routes = Object.fromEntries(
  Object.keys(functions).flatMap((key, i) =>
    i === 0
      ? [["POST /orders", key]]
      : [
          [`POST /${key}/orders`, key],
          [`GET /${key}/health`, key],
        ],
  ),
);

const regions = REGIONS.slice(0, regionCount);
// Active-passive needs a standby: one region is the active-active shape with one record.
const topology =
  regions.length > 1
    ? ({
        topology: "active-passive",
        primaryRegion: regions[0],
        standbyRegions: regions.slice(1),
      } as const)
    : ({ topology: "active-active", regions, routing: "latency" } as const);
const service = new MultiRegionService("orders", {
  ...topology,
  functions,
  routes,
  healthFunction: "f0",
  domain: { zoneId: "Z123", name: "api.example.com" },
  healthCheck: { requestInterval: 10, failureThreshold: 3 },
  table: { hashKey: "id" },
  tags: { service: "orders", stack: "bench" },
});

export const regionOrder = service.regionOrder;
