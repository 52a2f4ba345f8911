/**
 * Construction benchmark: how long building components under Pulumi's runtime mocks takes.
 * `npm run bench:construct` prints one line per scenario; the target for 50 functions is < 2 s.
 * Wall time suffers when other processes share the cores; CPU time is the steadier figure.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrafficShiftedFunction } from "../components";
import { runComponent } from "../testing";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

async function timeFunctions(
  count: number,
): Promise<{ ms: number; cpuMs: number; resources: number }> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const { resources } = await runComponent(() =>
    Array.from(
      { length: count },
      (_, i) =>
        new TrafficShiftedFunction(`fn${i}`, {
          code,
          trafficShifting: { type: "Canary10Percent10Minutes" },
          alarms: { durationBaselineMs: 200 },
          hooks: { preTraffic: { code } },
        }),
    ),
  );
  const used = process.cpuUsage(cpu);
  return {
    ms: Number(process.hrtime.bigint() - started) / 1e6,
    cpuMs: (used.user + used.system) / 1000,
    resources: resources.all.length,
  };
}

async function main(): Promise<void> {
  await timeFunctions(1); // warm up module loading and the mock runtime
  for (const count of [1, 10, 50]) {
    const { ms, cpuMs, resources } = await timeFunctions(count);
    const target =
      count === 50
        ? ms < 2000
          ? "  (target < 2000 ms: met)"
          : "  (target < 2000 ms: MISSED)"
        : "";
    console.log(
      `TrafficShiftedFunction x ${String(count).padStart(2)}: ${ms.toFixed(0).padStart(6)} ms wall, ${cpuMs.toFixed(0).padStart(6)} ms CPU, ${resources} resources${target}`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
