// Mutation testing with StrykerJS: `npm run mutate -- <file or file:lines> ...` (see
// docs/testing.md, "Mutation testing"). Too slow for `npm test`; the scheduled job in
// .github/workflows/mutation.yml runs it weekly.
// @ts-check
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "mocha",
  // The mocha runner reads .mocharc.json (ts-node transpile-only, test/**/*.test.ts).
  // `npm run mutate -- --tests <glob,...>` (MUTATE_TESTS) runs only those test files: faster,
  // and a lower bound of the score the whole suite gives.
  mochaOptions: {
    config: ".mocharc.json",
    ...(process.env.MUTATE_TESTS ? { spec: process.env.MUTATE_TESTS.split(",") } : {}),
  },
  // Each mutant runs only the tests that reached its code in the dry run.
  coverageAnalysis: "perTest",
  // The TypeScript checker (@stryker-mutator/typescript-checker) type-checks every mutant
  // before running it; on this project that costs more than it saves (docs/testing.md), so
  // it is opt-in: `npm run mutate -- --checkers typescript <file>`.
  checkers: [],
  tsconfigFile: "tsconfig.json",
  // Tests run with ts-node transpile-only, so Stryker need not add `// @ts-nocheck` to files
  // (which would also break the test that compares docs/testing.md with its example files).
  disableTypeChecks: false,
  // Machines with few cores: raise with `--concurrency N` where there are more.
  concurrency: 1,
  // Reuses the results of mutants whose code and covering tests did not change.
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  timeoutMS: 20000,
  // The first run of the whole suite, with coverage, on a loaded 2-core machine.
  dryRunTimeoutMinutes: 20,
  tempDirName: ".stryker-tmp",
  ignorePatterns: ["dist", "reports", "test/consumer/project", ".ci"],
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  // MUTATE_BREAK=<score>: exit with an error below that score (the scheduled workflow's target
  // per group of files); unset, a run only reports.
  thresholds: {
    high: 90,
    low: 85,
    break: process.env.MUTATE_BREAK ? Number(process.env.MUTATE_BREAK) : null,
  },
};
