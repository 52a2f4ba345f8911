#!/usr/bin/env node
// Entry point of `npm run preview -- <stack> [options]` (see preview/cli.ts).
"use strict";
// Node.js 22.1+ caches compiled JavaScript between runs (about 0.3 s here); a no-op on Node.js 20.
require("module").enableCompileCache?.();
// Source-mapped stack traces only when they are printed (--verbose).
require("./register").register(process.argv.includes("--verbose"));
// SDK work the offline preview never uses, skipped in this process (preview/measures.ts).
require("./measures.ts").installPreviewMeasures();
const { main } = require("./cli.ts");

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`error: ${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
