/**
 * `npm run bench:scale`: the offline preview (program under the mocks in preview mode, every
 * policy of the pack) of a generated program of REGIONS x FUNCTIONS (bench/scaleProgram.ts, the
 * architecture of the AWS CDK peer), beside the peer's own synth of the same size in the same
 * run: runs alternate (ours, CDK with validation, CDK without), RUNS times (default 3), and the
 * medians are printed: wall time, peak RSS, resource count, and per resource.
 *
 * With REGIONS and FUNCTIONS unset it measures the target set: 1 x 1, 3 x 10, 10 x 50
 * and the prod stack's preview (`npm run preview -- prod`) against CDK's default synth of the
 * prod shape (2 x 1), checks the targets and exits 1 when one is missed:
 * - prod preview at most 0.5x CDK's default synth,
 * - 10 x 50 at most 1.0x CDK's synth without validation, and peak RSS under 1 GiB.
 *
 * The peer: CDK_PEER (default ../shared/peers/cdk-orders beside this repository) when its
 * dist/app.js exists. Build a copy outside the shared folder (docs/benchmarks.md):
 * `cp -r ../shared/peers/cdk-orders /tmp/cdk-orders && cd /tmp/cdk-orders && npm ci && npx tsc -p .`
 * then `CDK_PEER=/tmp/cdk-orders npm run bench:scale`. Without it the ratio targets are not
 * checked, and the output says so.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GeneratedShape, generatedSizeProblems } from "./generatedSize";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.RUNS ?? 3);
const PEER = path.resolve(
  ROOT,
  process.env.CDK_PEER ?? path.join("..", "shared", "peers", "cdk-orders"),
);
const PEER_APP = path.join(PEER, "dist", "app.js");
const PROD_SHAPE = { regions: 2, functions: 1 };
const PROD_RATIO_TARGET = 0.5;
const LARGE_RATIO_TARGET = 1.0;
const LARGE_RSS_TARGET_KB = 1024 * 1024;

interface Sample {
  ms: number;
  maxRssKb: number;
  resources: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medianSample(samples: Sample[]): Sample {
  return {
    ms: median(samples.map((s) => s.ms)),
    maxRssKb: median(samples.map((s) => s.maxRssKb)),
    resources: median(samples.map((s) => s.resources)),
  };
}

/** Runs `node <args>` under bench/childUsage.js: wall time from here, peak RSS from the child. */
function timed(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): { ms: number; maxRssKb: number } {
  const usageFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-usage-")), "usage.json");
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [path.join(ROOT, "bench", "childUsage.js"), ...args], {
    cwd,
    env: { ...process.env, ...env, USAGE_FILE: usageFile },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`node ${args.join(" ")} failed (${run.status}):\n${run.stderr}`);
  }
  const { maxRssKb } = JSON.parse(fs.readFileSync(usageFile, "utf8")) as { maxRssKb: number };
  fs.rmSync(path.dirname(usageFile), { recursive: true, force: true });
  return { ms, maxRssKb };
}

/** Our offline preview of the generated program at one size. */
function ours(regions: number, functions: number): Sample {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-scale-"));
  try {
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      `name: bench\nruntime: nodejs\nmain: ${JSON.stringify(path.join(ROOT, "bench", "scaleProgram.ts"))}\n`,
    );
    fs.writeFileSync(
      path.join(dir, "Pulumi.bench.yaml"),
      `config:\n  aws:region: us-east-1\n  bench:regions: "${regions}"\n  bench:functions: "${functions}"\n`,
    );
    const json = path.join(dir, "preview.json");
    const usage = timed(
      [path.join(ROOT, "preview", "run.js"), "bench", "--quiet", "--json", json],
      dir,
      {},
    );
    return { ...usage, resources: resourcesOfReport(json) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run preview -- prod`, as a user runs it (without npm's own start-up). */
function prod(): Sample {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-prod-"));
  try {
    const json = path.join(dir, "preview.json");
    const usage = timed(
      [path.join(ROOT, "preview", "run.js"), "prod", "--quiet", "--json", json],
      ROOT,
      {},
    );
    return { ...usage, resources: resourcesOfReport(json) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function resourcesOfReport(json: string): number {
  const report = JSON.parse(fs.readFileSync(json, "utf8")) as {
    status: string;
    resources: unknown[];
    error?: unknown;
  };
  if (report.status === "error") throw new Error(`preview failed: ${JSON.stringify(report.error)}`);
  return report.resources.length;
}

/** The peer's synth at one size, with or without CDK's built-in validation. */
function cdk(regions: number, functions: number, validation: boolean): Sample {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-cdk-"));
  try {
    const usage = timed([PEER_APP], PEER, {
      REGIONS: String(regions),
      FUNCTIONS: String(functions),
      CDK_OUTDIR: outdir,
      ...(validation ? {} : { CDK_VALIDATION: "false" }),
    });
    let resources = 0;
    for (const file of fs.readdirSync(outdir).filter((f) => f.endsWith(".template.json"))) {
      const template = JSON.parse(fs.readFileSync(path.join(outdir, file), "utf8")) as {
        Resources?: object;
      };
      resources += Object.keys(template.Resources ?? {}).length;
    }
    return { ...usage, resources };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

interface Row {
  label: string;
  ours: Sample;
  cdkDefault?: Sample;
  cdkNoValidation?: Sample;
}

function measure(label: string, regions: number, functions: number, ourRun: () => Sample): Row {
  const samples: { ours: Sample[]; cdkDefault: Sample[]; cdkNoValidation: Sample[] } = {
    ours: [],
    cdkDefault: [],
    cdkNoValidation: [],
  };
  for (let run = 0; run < RUNS; run++) {
    // Alternated, so that a burst of load on the shared machine hits all three alike.
    samples.ours.push(ourRun());
    if (peerPresent) {
      samples.cdkDefault.push(cdk(regions, functions, true));
      samples.cdkNoValidation.push(cdk(regions, functions, false));
    }
  }
  process.stderr.write(`  ${label}: done\n`);
  return {
    label,
    ours: medianSample(samples.ours),
    cdkDefault: peerPresent ? medianSample(samples.cdkDefault) : undefined,
    cdkNoValidation: peerPresent ? medianSample(samples.cdkNoValidation) : undefined,
  };
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const mib = (kb: number) => String(Math.round(kb / 1024));
const ratio = (a: number, b?: number) => (b ? (a / b).toFixed(2) : "-");

function print(rows: Row[]): void {
  const header = [
    "size",
    "ours s",
    "ours MiB",
    "ours res",
    "ms/res",
    "KiB/res",
    "CDK s",
    "CDK MiB",
    "CDK res",
    "CDK novalid s",
    "CDK novalid MiB",
    "ours/CDK",
    "ours/CDK novalid",
  ];
  const lines = rows.map((row) => [
    row.label,
    seconds(row.ours.ms),
    mib(row.ours.maxRssKb),
    String(row.ours.resources),
    (row.ours.ms / row.ours.resources).toFixed(2),
    (row.ours.maxRssKb / row.ours.resources).toFixed(0),
    row.cdkDefault ? seconds(row.cdkDefault.ms) : "-",
    row.cdkDefault ? mib(row.cdkDefault.maxRssKb) : "-",
    row.cdkDefault ? String(row.cdkDefault.resources) : "-",
    row.cdkNoValidation ? seconds(row.cdkNoValidation.ms) : "-",
    row.cdkNoValidation ? mib(row.cdkNoValidation.maxRssKb) : "-",
    ratio(row.ours.ms, row.cdkDefault?.ms),
    ratio(row.ours.ms, row.cdkNoValidation?.ms),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((l) => l[i].length)));
  for (const line of [header, ...lines]) {
    console.log(
      line
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    );
  }
}

const peerPresent = fs.existsSync(PEER_APP);

function main(): number {
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ");
  console.log(
    `bench:scale: ${os.cpus().length} CPUs, Node ${process.version}, ${RUNS} alternating run(s), medians; load average ${load()}`,
  );
  console.log(
    peerPresent
      ? `CDK peer: ${PEER_APP}`
      : fs.existsSync(PEER)
        ? `CDK peer at ${PEER} is not built (no dist/app.js): copy it out and build it (docs/benchmarks.md), then CDK_PEER=<copy>; ratio targets not checked`
        : `CDK peer not found at ${PEER} (set CDK_PEER); ratio targets not checked`,
  );
  const regions = process.env.REGIONS;
  const functions = process.env.FUNCTIONS;
  const one = regions !== undefined || functions !== undefined;
  // Before anything runs: a size outside the generator's is refused, not capped.
  const problems = one
    ? generatedSizeProblems(GeneratedShape.cdkPeer, regions ?? 1, functions ?? 1, {
        regions: "REGIONS",
        functions: "FUNCTIONS",
      })
    : [];
  if (problems.length > 0) {
    console.error(`bench:scale: ${problems.join("; ")}`);
    return 2;
  }
  // One unmeasured run each, so that the transpile cache (preview/register.js) is warm.
  ours(1, 1);

  if (one) {
    const r = Number(regions ?? 1);
    const f = Number(functions ?? 1);
    print([measure(`${r} x ${f}`, r, f, () => ours(r, f))]);
    console.log(`load average after: ${load()}`);
    return 0;
  }

  const rows = [
    measure("prod (2 x 1)", PROD_SHAPE.regions, PROD_SHAPE.functions, prod),
    ...[
      [1, 1],
      [3, 10],
      [10, 50],
    ].map(([r, f]) => measure(`${r} x ${f}`, r, f, () => ours(r, f))),
  ];
  print(rows);
  console.log(`load average after: ${load()}`);

  const [prodRow, , , large] = rows;
  const verdicts: [string, boolean | undefined][] = [
    [
      `prod preview <= ${PROD_RATIO_TARGET}x CDK default synth`,
      prodRow.cdkDefault ? prodRow.ours.ms <= PROD_RATIO_TARGET * prodRow.cdkDefault.ms : undefined,
    ],
    [
      `10 x 50 <= ${LARGE_RATIO_TARGET}x CDK synth without validation`,
      large.cdkNoValidation
        ? large.ours.ms <= LARGE_RATIO_TARGET * large.cdkNoValidation.ms
        : undefined,
    ],
    ["10 x 50 peak RSS < 1 GiB", large.ours.maxRssKb < LARGE_RSS_TARGET_KB],
  ];
  let missed = false;
  for (const [target, met] of verdicts) {
    console.log(
      `${target}: ${met === undefined ? "not checked (no CDK peer)" : met ? "met" : "MISSED"}`,
    );
    missed ||= met === false;
  }
  return missed ? 1 : 0;
}

process.exitCode = main();
