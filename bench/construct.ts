/**
 * Construction benchmark: how long building components under Pulumi's runtime mocks takes.
 * `npm run bench:construct` prints one line per scenario; the target is 50 functions (CodeDeploy
 * canary, default alarms) in < 2 s. The "full" lines add a duration alarm and a pre-traffic hook
 * to every function (19 resources each instead of 14).
 * Wall time suffers when other processes share the cores; CPU time is the steadier figure.
 */
import { TrafficShiftedFunction } from "../components";
import { runComponent } from "../testing";
import { benchCode as code, timeRun, Timing } from "./measure";

function timeFunctions(count: number, full: boolean): Promise<Timing> {
  return timeRun(() =>
    runComponent(() =>
      Array.from(
        { length: count },
        (_, i) =>
          new TrafficShiftedFunction(`fn${i}`, {
            code,
            trafficShifting: { type: "Canary10Percent10Minutes" },
            ...(full
              ? { alarms: { durationBaselineMs: 200 }, hooks: { preTraffic: { code } } }
              : {}),
          }),
      ),
    ),
  );
}

async function main(): Promise<void> {
  await timeFunctions(1, true); // warm up module loading, the mock runtime and the provider cache
  for (const full of [false, true]) {
    for (const count of [1, 10, 50]) {
      const { ms, cpuMs, resources } = await timeFunctions(count, full);
      const target =
        count === 50 && !full
          ? ms < 2000
            ? "  (target < 2000 ms: met)"
            : "  (target < 2000 ms: MISSED)"
          : "";
      console.log(
        `TrafficShiftedFunction${full ? " (full)" : "       "} x ${String(count).padStart(2)}: ${ms.toFixed(0).padStart(6)} ms wall, ${cpuMs.toFixed(0).padStart(6)} ms CPU, ${resources} resources${target}`,
      );
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
