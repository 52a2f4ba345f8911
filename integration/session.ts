// The stack the suite works on, through Pulumi's Automation API (the CLI underneath):
// a throwaway stack it creates, deploys twice and destroys, or an existing stack it only reads.
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import type { Env, Prerequisites } from "./prerequisites";
import { parseStackOutputs, StackOutputs } from "./outputs";
import {
  checkThrowawayConfig,
  DeploymentPhase,
  projectName,
  qualifiedStackName,
  stackFileOf,
  throwawayStackConfig,
  ThrowawaySettings,
  writeStackConfig,
} from "./stackConfig";

export type Log = (line: string) => void;

/** What the suite does with a stack. */
export interface IntegrationSession {
  readonly kind: "throwaway" | "existing";
  /** The name the CLI knows the stack by. */
  readonly stackName: string;
  /** The stack's current outputs. */
  outputs(): Promise<StackOutputs>;
  /** `pulumi up` with the phase's config (throwaway stacks only). */
  deploy(phase: DeploymentPhase): Promise<StackOutputs>;
  /** Throwaway: `pulumi destroy` and `pulumi stack rm`, and the stack file removed. */
  close(): Promise<void>;
}

/**
 * Environment for every CLI command. A self-managed backend encrypts the stack's secrets with
 * a passphrase; a throwaway stack holds no secrets, so when none is set an empty one is used
 * (PULUMI_CONFIG_PASSPHRASE="" — also what a manual cleanup then needs).
 */
export function workspaceEnv(
  backend: Prerequisites["backend"],
  env: Env,
  kind: IntegrationSession["kind"],
): Record<string, string> {
  if (
    kind === "throwaway" &&
    backend?.kind === "self-managed" &&
    env.PULUMI_CONFIG_PASSPHRASE === undefined &&
    env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined
  ) {
    return { PULUMI_CONFIG_PASSPHRASE: "" };
  }
  return {};
}

/** What to run by hand when a throwaway stack outlived its run (killed, or destroy failed). */
export function cleanupCommands(stackName: string, projectDir: string): string {
  return `cd ${projectDir} && pulumi destroy --stack ${stackName} --yes && pulumi stack rm ${stackName} --yes`;
}

/** Streams the CLI's output, line by line, indented under the test that runs it. */
function streaming(log: Log): (out: string) => void {
  let pending = "";
  return (out) => {
    pending += out;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      log(`    | ${line}`);
    }
  };
}

export interface ThrowawayOptions {
  projectDir: string;
  stackName: string;
  settings: ThrowawaySettings;
  prerequisites: Prerequisites;
  env: Env;
  log: Log;
}

/**
 * Creates (or selects, when a run with the same name was interrupted) the throwaway stack.
 * Its config is checked with the program's settings loader first: bad IT_* values fail here,
 * before anything exists.
 */
export async function openThrowawaySession(options: ThrowawayOptions): Promise<IntegrationSession> {
  const { projectDir, settings, log } = options;
  const project = projectName(projectDir);
  const shortName = options.stackName;
  for (const phase of ["first", "canary"] as const) {
    checkThrowawayConfig(
      project,
      shortName,
      throwawayStackConfig(project, shortName, settings, phase),
    );
  }
  const stackName = qualifiedStackName(shortName, settings);
  const stackFile = stackFileOf(projectDir, stackName);
  log(
    `throwaway stack ${stackName} (removed at the end; if this run is killed: ${cleanupCommands(stackName, projectDir)})`,
  );
  const stack: Stack = await LocalWorkspace.createOrSelectStack(
    { stackName, workDir: projectDir },
    { envVars: workspaceEnv(options.prerequisites.backend, options.env, "throwaway") },
  );
  let deployed = false;
  return {
    kind: "throwaway",
    stackName,
    async outputs() {
      return parseStackOutputs(await stack.outputs());
    },
    async deploy(phase) {
      writeStackConfig(stackFile, throwawayStackConfig(project, shortName, settings, phase));
      log(`pulumi up --stack ${stackName} (${phase} deployment)`);
      deployed = true;
      const result = await stack.up({ onOutput: streaming(log), color: "never" });
      return parseStackOutputs(result.outputs);
    },
    async close() {
      try {
        if (deployed) {
          log(`pulumi destroy --stack ${stackName}`);
          await stack.destroy({ onOutput: streaming(log), color: "never", continueOnError: true });
        }
        log(`pulumi stack rm ${stackName}`);
        await stack.workspace.removeStack(stackName);
      } catch (error) {
        // The stack file stays: a manual `pulumi destroy` may need it (the passphrase salt).
        log(`cleanup of ${stackName} failed; run: ${cleanupCommands(stackName, projectDir)}`);
        throw error;
      }
      // `pulumi stack rm` removes it too, unless the CLI was told to preserve it.
      fs.rmSync(stackFile, { force: true });
    },
  };
}

/** Selects a deployed stack (`<org>/<project>/<stack>`); nothing is deployed or destroyed. */
export async function openExistingSession(options: {
  projectDir: string;
  stackName: string;
  prerequisites: Prerequisites;
  env: Env;
}): Promise<IntegrationSession> {
  const stack = await LocalWorkspace.selectStack(
    { stackName: options.stackName, workDir: options.projectDir },
    { envVars: workspaceEnv(options.prerequisites.backend, options.env, "existing") },
  );
  return {
    kind: "existing",
    stackName: options.stackName,
    async outputs() {
      return parseStackOutputs(await stack.outputs());
    },
    async deploy() {
      throw new Error(`${options.stackName} is an existing stack: the suite does not deploy it`);
    },
    async close() {
      // Not ours to remove.
    },
  };
}
