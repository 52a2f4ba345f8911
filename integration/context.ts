// What a run of the suite works with: set by the runner (integration/run.ts) before mocha
// loads the suite, or detected from this process when the suite is loaded some other way.
// No AWS SDK here: the runner's skip path loads nothing it does not need.
import * as path from "path";
import { detectPrerequisites, Env, Prerequisites, processProbe } from "./prerequisites";

export interface RunContext {
  prerequisites: Prerequisites;
  env: Env;
  /** The repository root: Pulumi.yaml, index.ts, stacks/. */
  projectDir: string;
}

let current: RunContext | undefined;

export function setRunContext(context: RunContext): void {
  current = context;
}

export function runContext(): RunContext {
  current ??= {
    prerequisites: detectPrerequisites(processProbe()),
    env: process.env,
    projectDir: path.resolve(__dirname, ".."),
  };
  return current;
}
