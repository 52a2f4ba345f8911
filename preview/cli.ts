// `npm run preview -- <stack> [options]` (and `npx multiregion-serverless preview <stack>` once
// installed, bin/multiregion-serverless.js): the offline equivalent of
// `pulumi preview --stack <stack> --policy-pack policy`. Parses the command line, runs the preview
// (preview.ts), prints the report and writes the requested files; the exit code says the verdict.
import { Command, CommanderError, Option } from "commander";
import * as fs from "fs";
import * as path from "path";
import { allPolicies } from "../policy/rules";
import { EXIT } from "./errors";
import { PreviewResult, runPreview } from "./preview";
import { renderError, renderPreview } from "./render";
import { jsonReport, junitReport, sarifReport, writeReport } from "./reports";
import { compareReports, PreviousReport, readPreviousReport } from "./compare";
import { renderMarkdown } from "./markdown";

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether standard output is a terminal (colours by default). */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** How the usage names the command. @default "npm run preview --" */
  commandName?: string;
  /** The terminal's width in columns, when known (`--wide` ignores it). @default 100 */
  columns?: number;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  env: process.env,
  ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
};

interface CliOptions {
  program?: string;
  config: string[];
  policyConfig?: string;
  json?: string;
  sarif?: string;
  junit?: string;
  markdown?: string;
  compare?: string;
  wide: boolean;
  color: boolean;
  quiet: boolean;
  verbose: boolean;
  knownOutputs: boolean;
}

/** This package's version: its package.json is above `preview/` (sources) or `dist/preview/`. */
function packageVersion(): string {
  for (const manifestFile of [
    path.join(__dirname, "..", "package.json"),
    path.join(__dirname, "..", "..", "package.json"),
  ]) {
    try {
      const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === "multiregion-serverless") {
        return manifest.version ?? "0.0.0";
      }
    } catch {
      // not this one
    }
  }
  return "0.0.0";
}

function command(io: CliIo): Command {
  return new Command()
    .name(io.commandName ?? "npm run preview --")
    .description(
      "Offline `pulumi preview --stack <stack> --policy-pack policy`: runs the program under Pulumi's runtime mocks " +
        "with the stack file's config, prints the resources, the rollout plan and the policy violations.\n" +
        "Exit codes: 0 clean or advisory violations only, 1 a mandatory violation, 2 the program or its config failed, 64 usage error.",
    )
    .argument(
      "<stack>",
      "the stack: its config is stacks/Pulumi.<stack>.yaml (Pulumi.yaml stackConfigDir)",
    )
    .option(
      "--program <path>",
      "the program to run (default: Pulumi.yaml main, else package.json main, else index.ts)",
    )
    .option(
      "--config <key=value>",
      "override a config value, as `pulumi config set [--path]`: key=value, namespace:key=value or key.path=value (repeatable)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      "--policy-config <file>",
      "policy config JSON, as `pulumi preview --policy-pack-config` takes it",
    )
    .option("--json <file>", "write the full result as JSON")
    .option("--sarif <file>", "write the violations as SARIF 2.1.0")
    .option("--junit <file>", "write the policy checks as JUnit XML")
    .option(
      "--markdown <file>",
      "write a Markdown summary (topology and rollout diagrams, policy result, detection tables) for a pull request or job summary",
    )
    .option(
      "--compare <previous.json>",
      "say in the Markdown summary what changed since a previous --json report",
    )
    .option(
      "--wide",
      "print the tree and tables at full width instead of fitting 100 columns",
      false,
    )
    .addOption(
      new Option(
        "--known-outputs",
        "let the program and policies see emulated outputs (ARNs, ids, versions) instead of unknowns, as at `pulumi up`",
      ).default(false),
    )
    .option(
      "--no-color",
      "no ANSI colours (also when NO_COLOR is set or the output is not a terminal)",
    )
    .option("--quiet", "print only the violations and the verdict", false)
    .option("--verbose", "print the stack trace of a program error", false)
    .version(packageVersion(), "--version")
    .helpOption("-h, --help")
    .showHelpAfterError("(--help shows the usage)")
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
    });
}

/**
 * Runs the CLI with `argv` (the arguments after the command, e.g. `["prod", "--quiet"]`) and
 * returns the exit code; never calls `process.exit`.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = command(io);
  let stack: string;
  let options: CliOptions;
  try {
    program.parse([...argv], { from: "user" });
    stack = program.processedArgs[0] as string;
    options = program.opts<CliOptions>();
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; everything else is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }

  // A bad --compare file is a usage error before anything runs.
  let previous: PreviousReport | undefined;
  if (options.compare !== undefined) {
    if (options.markdown === undefined) {
      io.stderr(
        `error (usage): --compare ${options.compare} needs --markdown <file>: the comparison is part of the Markdown summary\n`,
      );
      return EXIT.usage;
    }
    try {
      previous = readPreviousReport(options.compare);
    } catch (error) {
      io.stderr(`error (usage): ${(error as Error).message}\n`);
      return EXIT.usage;
    }
    if (previous.stack !== stack) {
      io.stderr(
        `error (usage): --compare ${options.compare} is a report of stack "${previous.stack}", not of stack "${stack}"; allowed: a --json report of the same stack\n`,
      );
      return EXIT.usage;
    }
  }

  const result = await runPreview({
    stack,
    ...(options.program ? { program: options.program } : {}),
    config: options.config,
    ...(options.policyConfig ? { policyConfigFile: options.policyConfig } : {}),
    knownOutputs: options.knownOutputs,
    verbose: options.verbose,
  });
  const color = options.color && io.isTTY && io.env.NO_COLOR === undefined;
  if (result.error?.kind !== "usage") {
    io.stdout(
      renderPreview(result, {
        color,
        quiet: options.quiet,
        ...(options.wide ? {} : { width: Math.min(io.columns ?? 100, 100) }),
      }),
    );
  }
  if (result.error) {
    io.stderr(
      renderError(result, { color: options.color && io.env.NO_COLOR === undefined && io.isTTY }),
    );
    if (result.error.kind === "usage") {
      return result.exitCode;
    }
  }
  return writeReports(result, options, io, previous);
}

/** Writes the requested report files; a file that cannot be written is a usage error. */
function writeReports(
  result: PreviewResult,
  options: CliOptions,
  io: CliIo,
  previous?: PreviousReport,
): number {
  const version = packageVersion();
  const reports: [string | undefined, () => string][] = [
    [options.json, () => jsonReport(result)],
    [options.sarif, () => sarifReport(result, allPolicies, version)],
    [options.junit, () => junitReport(result, allPolicies, result.resources)],
    [
      options.markdown,
      () => renderMarkdown(result, previous ? compareReports(previous, result) : undefined),
    ],
  ];
  for (const [file, build] of reports) {
    if (!file) {
      continue;
    }
    try {
      writeReport(file, build());
    } catch (error) {
      io.stderr(`error (usage): cannot write ${file}: ${(error as Error).message}\n`);
      return EXIT.usage;
    }
  }
  return result.exitCode;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = EXIT.programError;
    },
  );
}
