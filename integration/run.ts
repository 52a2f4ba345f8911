// `npm run test:integration [-- --stack <org>/<project>/<stack>]`: checks the prerequisites
// without touching the network; when something is missing, prints ONE line saying what and
// exits 0 (exit 1 with IT_REQUIRED set, as the pipeline does); otherwise runs the mocha suite
// (integration/service.it.ts) and exits 1 on failure.
import Mocha from "mocha";
import * as path from "path";
import { setRunContext } from "./context";
import {
  detectPrerequisites,
  isRequired,
  PrerequisiteProbe,
  Prerequisites,
  processProbe,
  requiredLine,
  skipLine,
} from "./prerequisites";

export const USAGE = "usage: npm run test:integration [-- --stack <org>/<project>/<stack>]";

/** The arguments the runner takes; anything else is a usage error. */
export function argumentProblems(argv: readonly string[]): string[] {
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--stack") {
      if (!argv[i + 1] || argv[i + 1].startsWith("--")) {
        problems.push("--stack needs a stack name (<org>/<project>/<stack>)");
      }
      i++;
    } else if (!/^--stack=./.test(arg)) {
      problems.push(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return problems;
}

/** What the runner does: print one line and exit, or run the suite. */
export type RunDecision =
  | { action: "exit"; exitCode: number; stream: "stdout" | "stderr"; line: string }
  | { action: "run"; prerequisites: Prerequisites };

export function decide(probe: PrerequisiteProbe): RunDecision {
  const problems = argumentProblems(probe.argv);
  if (problems.length > 0) {
    return {
      action: "exit",
      exitCode: 2,
      stream: "stderr",
      line: `test:integration: ${problems.join("; ")}; ${USAGE}`,
    };
  }
  const prerequisites = detectPrerequisites(probe);
  if (prerequisites.missing.length === 0) {
    return { action: "run", prerequisites };
  }
  return isRequired(probe.env)
    ? { action: "exit", exitCode: 1, stream: "stderr", line: requiredLine(prerequisites.missing) }
    : { action: "exit", exitCode: 0, stream: "stdout", line: skipLine(prerequisites.missing) };
}

function main(): void {
  const decision = decide(processProbe(process.env, process.argv.slice(2)));
  if (decision.action === "exit") {
    (decision.stream === "stdout" ? console.log : console.error)(decision.line);
    process.exitCode = decision.exitCode;
    return;
  }
  setRunContext({
    prerequisites: decision.prerequisites,
    env: process.env,
    projectDir: path.resolve(__dirname, ".."),
  });
  const mocha = new Mocha({
    reporter: "spec",
    // Hooks that deploy set their own, longer timeouts.
    timeout: 20 * 60_000,
    slow: 60_000,
  });
  mocha.addFile(path.join(__dirname, "service.it.ts"));
  mocha.run((failures) => {
    process.exitCode = failures > 0 ? 1 : 0;
  });
}

if (require.main === module) {
  main();
}
