/**
 * What feature flags cost the offline preview: `npm run bench:flags`. Previews the prod stack
 * with its flags and with `featureFlags={}` (no FeatureFlags component), alternating, each run
 * in a fresh process, and compares the medians of the preview's own duration (program under
 * the mocks, tree, rollout and flag plans, every policy). Target: flags add at most 10%.
 * Wall time suffers when other processes share the cores; alternating runs share the noise.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET = 0.1;

function previewMs(withFlags: boolean): { ms: number; resources: number } {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-flags-")), "preview.json");
  const args = ["preview/run.js", "prod", "--quiet", "--json", json];
  if (!withFlags) args.push("--config", "featureFlags={}");
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`preview failed (${run.status}):\n${run.stderr}`);
  const result = JSON.parse(fs.readFileSync(json, "utf8"));
  fs.rmSync(path.dirname(json), { recursive: true, force: true });
  return { ms: result.durationMs, resources: result.resources.length };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

function main(): void {
  previewMs(true); // warm the transpile cache so both sides start equal
  const withFlags: number[] = [];
  const without: number[] = [];
  let resources = { with: 0, without: 0 };
  for (let i = 0; i < RUNS; i++) {
    const a = previewMs(false);
    const b = previewMs(true);
    without.push(a.ms);
    withFlags.push(b.ms);
    resources = { with: b.resources, without: a.resources };
  }
  const ratio = median(withFlags) / median(without) - 1;
  console.log(
    `runs without flags (ms): ${without.join(", ")}; with flags: ${withFlags.join(", ")}`,
  );
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
  );
  console.log(
    `prod preview, median of ${RUNS}: without flags ${median(without)} ms (${resources.without} resources), ` +
      `with flags ${median(withFlags)} ms (${resources.with} resources): ${(ratio * 100).toFixed(1)}% ` +
      `(target <= ${TARGET * 100}%: ${ratio <= TARGET ? "met" : "MISSED"})`,
  );
  // A missed target fails the bench (and `npm run bench`), not just a word in its output.
  if (ratio > TARGET) process.exitCode = 1;
}

main();
