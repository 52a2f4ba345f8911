#!/usr/bin/env node
// The installed command: `npx multiregion-serverless preview <stack> [options]` runs the offline
// preview (`npm run preview -- <stack>` in this repository) on the user's own Pulumi project:
// their Pulumi.yaml, stack files and program, with the same output, report files and exit codes.
"use strict";
// Node.js 22.1+ caches compiled JavaScript between runs; a no-op on Node.js 20.
require("module").enableCompileCache?.();

const EXIT_USAGE = 64; // as preview/errors.ts

const USAGE = `Usage: multiregion-serverless <command> [options]

Commands:
  preview <stack> [options]  offline \`pulumi preview --stack <stack> --policy-pack ...\` of the
                             Pulumi project in this folder (or above): the program under Pulumi's
                             runtime mocks, the rollout plan and the policy check
                             (multiregion-serverless preview --help for its options)

Options:
  --version                  print the version
  -h, --help                 print this help
`;

async function run(argv) {
  const [command, ...rest] = argv;
  if (command === "preview") {
    const { findProjectDir } = require("../dist/preview/project");
    let projectDir;
    try {
      projectDir = findProjectDir();
    } catch {
      projectDir = process.cwd(); // the preview reports the missing Pulumi.yaml itself
    }
    // A TypeScript program is transpiled with the project's tsconfig.json and TypeScript.
    require("../preview/register").register(rest.includes("--verbose"), projectDir);
    // SDK work the offline preview never uses, skipped in this process (preview/measures.ts).
    require("../dist/preview/measures").installPreviewMeasures(process.env, projectDir);
    const { main } = require("../dist/preview/cli");
    return main(rest, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      isTTY: process.stdout.isTTY === true,
      env: process.env,
      ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
      commandName: "multiregion-serverless preview",
    });
  }
  if (command === "--version") {
    process.stdout.write(`${require("../package.json").version}\n`);
    return 0;
  }
  if (command === "-h" || command === "--help") {
    process.stdout.write(USAGE);
    return 0;
  }
  process.stderr.write(
    `${command === undefined ? "error: missing command" : `error: unknown command '${command}'`}\n\n${USAGE}`,
  );
  return EXIT_USAGE;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`error: ${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
