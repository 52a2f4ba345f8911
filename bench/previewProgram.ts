// The synthetic program of the offline preview benchmark (bench/preview.ts): a production
// MultiRegionService of `bench:regions` regions x `bench:functions` functions, each function a
// TrafficShiftedFunction with a 10-minute canary, alarms (duration baseline) and a pre-traffic
// hook; custom domain, health checks with an alarm, a global table and region-by-region waves.
import * as pulumi from "@pulumi/pulumi";
import { MultiRegionService, ServiceFunctionArgs } from "../components";

const REGIONS = [
  "us-east-1",
  "us-west-2",
  "eu-west-1",
  "eu-central-1",
  "ap-southeast-1",
  "ap-northeast-1",
  "us-east-2",
  "eu-west-2",
  "ap-southeast-2",
  "ca-central-1",
];

const config = new pulumi.Config("bench");
const regionCount = config.requireNumber("regions");
const functionCount = config.requireNumber("functions");

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});
const functions: Record<string, ServiceFunctionArgs> = Object.fromEntries(
  Array.from({ length: functionCount }, (_, i) => [
    `fn${i}`,
    {
      code,
      memorySize: 512,
      timeout: 10,
      trafficShifting: { type: "Canary10Percent10Minutes" },
      alarms: { durationBaselineMs: 200 },
      hooks: { preTraffic: { code } },
    } satisfies ServiceFunctionArgs,
  ]),
);

const service = new MultiRegionService("bench", {
  topology: "active-active",
  regions: REGIONS.slice(0, regionCount),
  routing: "latency",
  functions,
  routes: Object.fromEntries(Object.keys(functions).map((key) => [`ANY /${key}/{proxy+}`, key])),
  domain: { zoneId: "Z0BENCH", name: "api.example.com" },
  healthCheck: { requestInterval: 10, alarms: [{ alarmName: "bench-5xx" }] },
  table: { hashKey: "id" },
  rolloutWaves: true,
  tags: { environment: "prod", service: "bench", stack: "bench" },
});

export const regionOrder = service.regionOrder;
