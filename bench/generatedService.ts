// The one generator of the benchmarks' programs: a MultiRegionService of `regions` regions x
// `functions` functions in one of two shapes.
// - `cdk-peer` (bench/scaleProgram.ts, `npm run bench:scale`): the architecture of the AWS CDK
//   peer (../shared/peers/cdk-orders, its README), so that the two are compared like for like: an
//   active-passive service (failover records, 10 s HTTPS health checks on each region's own
//   endpoint, custom domain and certificate), a global table, and per function a
//   TrafficShiftedFunction (X-Ray, LOG_LEVEL) with the `live` alias, a 10-minute canary with
//   rollback and three alarms (errors, duration, throttles), routed by the region's HTTP API
//   through the alias. No hooks: the peer has none.
// - `production` (bench/previewProgram.ts, `npm run bench:preview`): active-active with latency
//   routing and region-by-region waves, each function with a pre-traffic hook, health checks with
//   an alarm.
// Both carry the tags the policy pack requires (environment, service, stack), as a real stack's
// resources do, so the preview runs every policy and reports no violation.
import * as pulumi from "@pulumi/pulumi";
import { MultiRegionService, MultiRegionServiceArgs, ServiceFunctionArgs } from "../components";
import { GeneratedShape, generatedRegions, generatedSizeProblems } from "./generatedSize";

export { GeneratedShape, generatedSizeProblems };

/** The service of `shape` at `regionCount` x `functionCount` (checked: generatedSizeProblems). */
export function generatedService(
  shape: GeneratedShape,
  regionCount: number,
  functionCount: number,
  names?: { regions: string; functions: string },
): MultiRegionService {
  const [name, args] = generatedServiceArgs(shape, regionCount, functionCount, names);
  return new MultiRegionService(name, args);
}

/** The same service built one region at a time (`MultiRegionService.create`). */
export function generatedServiceInSteps(
  shape: GeneratedShape,
  regionCount: number,
  functionCount: number,
  names?: { regions: string; functions: string },
): Promise<MultiRegionService> {
  const [name, args] = generatedServiceArgs(shape, regionCount, functionCount, names);
  return MultiRegionService.create(name, args);
}

/** The name and arguments of the service of `shape` at `regionCount` x `functionCount`. */
function generatedServiceArgs(
  shape: GeneratedShape,
  regionCount: number,
  functionCount: number,
  names?: { regions: string; functions: string },
): [string, MultiRegionServiceArgs] {
  const problems = generatedSizeProblems(shape, regionCount, functionCount, names);
  if (problems.length > 0) throw new Error(problems.join("; "));
  const code = new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.StringAsset(
      "exports.handler = async () => ({ statusCode: 200 });",
    ),
  });
  const regions = generatedRegions(shape).slice(0, regionCount);
  if (shape === "production") {
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
    return [
      "bench",
      {
        topology: "active-active",
        regions,
        routing: "latency",
        functions,
        routes: Object.fromEntries(
          Object.keys(functions).map((key) => [`ANY /${key}/{proxy+}`, key]),
        ),
        domain: { zoneId: "Z0BENCH", name: "api.example.com" },
        healthCheck: { requestInterval: 10, alarms: [{ alarmName: "bench-5xx" }] },
        table: { hashKey: "id" },
        rolloutWaves: true,
        tags: { environment: "prod", service: "bench", stack: "bench" },
      },
    ];
  }
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
  // Active-passive needs a standby: one region is the active-active shape with one record.
  const topology =
    regions.length > 1
      ? ({
          topology: "active-passive",
          primaryRegion: regions[0],
          standbyRegions: regions.slice(1),
        } as const)
      : ({ topology: "active-active", regions, routing: "latency" } as const);
  return [
    "orders",
    {
      ...topology,
      functions,
      routes,
      healthFunction: "f0",
      domain: { zoneId: "Z123", name: "api.example.com" },
      healthCheck: { requestInterval: 10, failureThreshold: 3 },
      table: { hashKey: "id" },
      tags: { environment: "prod", service: "orders", stack: "bench" },
    },
  ];
}

/** The program of `shape` at the size of the stack's `bench:regions` x `bench:functions`. */
export function generatedProgram(shape: GeneratedShape): { regionOrder: string[] } {
  const config = new pulumi.Config("bench");
  const service = generatedService(
    shape,
    config.requireNumber("regions"),
    config.requireNumber("functions"),
    { regions: "bench:regions", functions: "bench:functions" },
  );
  return { regionOrder: service.regionOrder };
}

/** `generatedProgram`, with the service built one region at a time. */
export async function generatedProgramInSteps(
  shape: GeneratedShape,
): Promise<{ regionOrder: string[] }> {
  const config = new pulumi.Config("bench");
  const service = await generatedServiceInSteps(
    shape,
    config.requireNumber("regions"),
    config.requireNumber("functions"),
    { regions: "bench:regions", functions: "bench:functions" },
  );
  return { regionOrder: service.regionOrder };
}
