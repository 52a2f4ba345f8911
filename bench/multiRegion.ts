/**
 * Multi-region construction benchmark: a MultiRegionService of five regions x ten functions
 * (each a TrafficShiftedFunction with alarms and a pre-traffic hook) with a custom domain,
 * health checks with an alarm, and a global table, built under Pulumi's runtime mocks.
 * Run: `npx ts-node --transpile-only bench/multiRegion.ts`. Target: < 5 s wall.
 * Wall time suffers when other processes share the cores; CPU time is the steadier figure.
 */
import { MultiRegionService, ServiceFunctionArgs } from "../components";
import { runComponent } from "../testing";
import { benchCode as code, timeRun, Timing } from "./measure";

const TARGET_MS = 5000;
const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1"];

function functions(count: number): Record<string, ServiceFunctionArgs> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `fn${i}`,
      {
        code,
        trafficShifting: { type: "Canary10Percent10Minutes" },
        alarms: { durationBaselineMs: 200 },
        hooks: { preTraffic: { code } },
      } satisfies ServiceFunctionArgs,
    ]),
  );
}

function timeService(regions: string[], functionCount: number): Promise<Timing> {
  const fns = functions(functionCount);
  const routes = Object.fromEntries(Object.keys(fns).map((key) => [`ANY /${key}/{proxy+}`, key]));
  return timeRun(() =>
    runComponent(
      () =>
        new MultiRegionService("bench", {
          topology: "active-active",
          regions,
          routing: "latency",
          functions: fns,
          routes,
          domain: { zoneId: "Z0BENCH", name: "api.example.com" },
          healthCheck: { requestInterval: 10, alarms: [{ alarmName: "bench-5xx" }] },
          table: { hashKey: "id" },
        }),
    ),
  );
}

async function main(): Promise<void> {
  await timeService(REGIONS.slice(0, 1), 1); // warm up module loading and the mock runtime
  for (const [regionCount, functionCount] of [
    [1, 1],
    [2, 10],
    [5, 10],
  ]) {
    const { ms, cpuMs, resources } = await timeService(
      REGIONS.slice(0, regionCount),
      functionCount,
    );
    const target =
      regionCount === 5
        ? ms < TARGET_MS
          ? `  (target < ${TARGET_MS} ms: met)`
          : `  (target < ${TARGET_MS} ms: MISSED)`
        : "";
    console.log(
      `MultiRegionService ${regionCount} regions x ${String(functionCount).padStart(2)} functions: ${ms.toFixed(0).padStart(6)} ms wall, ${cpuMs.toFixed(0).padStart(6)} ms CPU, ${resources} resources${target}`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
