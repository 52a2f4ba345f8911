#!/usr/bin/env node
// `npm run mutate -- <file or file:lines> ... [stryker options]`: runs StrykerJS on the given
// files or line ranges (`components/trafficShiftedFunction.ts:120-180`), passing them as
// `--mutate`; `--tests <glob,...>` runs only those test files; other options starting with `-`
// go to `stryker run` unchanged.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const args = process.argv.slice(2);
const targets = [];
const options = [];
const env = { ...process.env };
for (let index = 0; index < args.length; index++) {
  const arg = args[index];
  if (arg === "--tests" || arg.startsWith("--tests=")) {
    // Only these test files (comma-separated globs): see stryker.config.mjs.
    env.MUTATE_TESTS = arg.includes("=") ? arg.slice("--tests=".length) : args[++index];
  } else if (arg.startsWith("-")) {
    options.push(arg);
    // An option's value follows it unless written `--option=value` or it is a boolean flag.
    const next = args[index + 1];
    if (!arg.includes("=") && next !== undefined && !next.startsWith("-") && !isTarget(next)) {
      options.push(next);
      index++;
    }
  } else {
    targets.push(arg);
  }
}

function isTarget(arg) {
  return existsSync(arg.replace(/:\d+(-\d+)?$/, ""));
}

for (const target of targets) {
  if (!isTarget(target)) {
    console.error(`mutate: no such file: ${target} (expected <file> or <file>:<from>-<to>)`);
    process.exit(2);
  }
}
if (targets.length === 0) {
  console.error(
    "usage: npm run mutate -- <file or file:lines> ... [--tests <glob,...>] [stryker options]\n" +
      "  e.g. npm run mutate -- policy/rules/trafficShifting.ts components/naming.ts:10-40",
  );
  process.exit(2);
}

const require = createRequire(import.meta.url);
const stryker = join(
  dirname(require.resolve("@stryker-mutator/core/package.json")),
  "bin",
  "stryker.js",
);
const result = spawnSync(
  process.execPath,
  [stryker, "run", "--mutate", targets.join(","), ...options],
  { stdio: "inherit", env },
);
process.exit(result.status ?? 1);
