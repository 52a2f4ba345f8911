/**
 * Offline preview benchmark: `npm run bench:preview`. For 1, 3 and 10 regions x 1, 10 and 50
 * functions, previews a synthetic production MultiRegionService (bench/previewProgram.ts) with
 * the whole offline preview — program under the mocks in preview mode, tree, rollout plan,
 * every policy of the pack, the JSON report — each scenario in a fresh process
 * (bench/previewScenario.js), and prints wall time, CPU time and peak memory (the process's RSS
 * high-water mark). Then times `npm run preview -- prod` itself.
 * Targets: the prod example < 3 s; 10 regions x 50 functions < 30 s and < 1 GiB.
 * Wall time suffers when other processes share the cores; CPU time is the steadier figure.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const LARGE_TARGET_MS = 30_000;
const LARGE_TARGET_KB = 1024 * 1024;
const PROD_TARGET_MS = 3_000;

interface Measurement {
  exitCode: number;
  ms: number;
  cpuMs: number;
  maxRssKb: number;
  resources: number;
  violations: number;
  previewMs: number;
}

/** A throwaway project whose `bench` stack previews bench/previewProgram.ts at the given size. */
function project(regions: number, functions: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-preview-"));
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: bench\nruntime: nodejs\nmain: ${JSON.stringify(path.join(ROOT, "bench", "previewProgram.ts"))}\n`,
  );
  fs.writeFileSync(
    path.join(dir, "Pulumi.bench.yaml"),
    `config:\n  aws:region: us-east-1\n  bench:regions: "${regions}"\n  bench:functions: "${functions}"\n`,
  );
  return dir;
}

function measure(regions: number, functions: number): Measurement {
  const dir = project(regions, functions);
  try {
    const run = spawnSync(process.execPath, [path.join(ROOT, "bench", "previewScenario.js"), dir], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) {
      throw new Error(`scenario ${regions} x ${functions} failed (${run.status}):\n${run.stderr}`);
    }
    return JSON.parse(run.stdout) as Measurement;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  console.log(
    `Offline preview (whole CLI run in a fresh process): ${os.cpus().length} CPUs, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`,
  );
  measure(1, 1); // warm the transpile cache (preview/register.js) so every scenario starts equal
  const rows: string[][] = [];
  for (const regions of [1, 3, 10]) {
    for (const functions of [1, 10, 50]) {
      const m = measure(regions, functions);
      const large = regions === 10 && functions === 50;
      if (large && !(m.ms < LARGE_TARGET_MS && m.maxRssKb < LARGE_TARGET_KB)) process.exitCode = 1;
      const verdict = large
        ? m.ms < LARGE_TARGET_MS && m.maxRssKb < LARGE_TARGET_KB
          ? "targets < 30 s, < 1 GiB: met"
          : "targets < 30 s, < 1 GiB: MISSED"
        : "";
      rows.push([
        `${regions} x ${functions}`,
        String(m.resources),
        (m.ms / 1000).toFixed(1),
        (m.cpuMs / 1000).toFixed(1),
        (m.previewMs / 1000).toFixed(1),
        String(Math.round(m.maxRssKb / 1024)),
        String(m.violations),
        verdict,
      ]);
      console.log(`  ${regions} region(s) x ${functions} function(s): done`);
    }
  }

  const header = [
    "regions x functions",
    "resources",
    "wall s",
    "CPU s",
    "preview s",
    "peak RSS MiB",
    "violations",
    "",
  ];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i].length)),
  );
  for (const row of [header, ...rows]) {
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    );
  }

  // The README's main job, as a user runs it.
  const started = process.hrtime.bigint();
  const prod = spawnSync("npm", ["run", "-s", "preview", "--", "prod", "--quiet"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const prodMs = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    `npm run preview -- prod: ${(prodMs / 1000).toFixed(1)} s wall, exit ${prod.status}` +
      `  (target < ${PROD_TARGET_MS / 1000} s: ${prodMs < PROD_TARGET_MS ? "met" : "MISSED"})`,
  );
  // `npm run bench` fails when a target is missed.
  if (prodMs >= PROD_TARGET_MS || prod.status !== 0) process.exitCode = 1;
}

main();
