// One scenario of the offline preview benchmark, in its own process so that its peak memory is
// its own: `node bench/previewScenario.js <project dir>` previews stack `bench` of the project in
// <project dir> (bench/preview.ts writes it) through the CLI's `main`, discarding the printed
// report, and prints `{ exitCode, ms, cpuMs, maxRssKb, resources, violations }` as JSON.
"use strict";
const started = process.hrtime.bigint();
const path = require("path");
require("../preview/register").register();
// As preview/run.js: the measures of preview/measures.ts unless switched off.
const measures = require("../preview/measures.ts").installPreviewMeasures();
const { main } = require("../preview/cli.ts");

const projectDir = process.argv[2];
process.chdir(projectDir);
const jsonFile = path.join(projectDir, "preview.json");
main(["bench", "--json", jsonFile], {
  stdout: () => undefined,
  stderr: (text) => process.stderr.write(text),
  isTTY: false,
  env: {},
}).then((exitCode) => {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const usage = process.resourceUsage();
  const result = JSON.parse(require("fs").readFileSync(jsonFile, "utf8"));
  process.stdout.write(
    JSON.stringify({
      exitCode,
      ms,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      // Linux and macOS report ru_maxrss in kilobytes.
      maxRssKb: usage.maxRSS,
      resources: result.resources.length,
      violations: result.policies.violations.length,
      previewMs: result.durationMs,
      measures: measures.installed,
    }),
  );
});
