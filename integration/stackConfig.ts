// The config of a throwaway stack, generated from the IT_* variables, written the way the
// repository's own stack files are (`stacks/Pulumi.<stack>.yaml`, Pulumi.yaml
// `stackConfigDir: stacks`) and checked with the program's own loadStackSettings before
// anything is deployed.
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { loadStackSettings, LoadedStackSettings } from "../components/stackSettings";
import type { Env } from "./prerequisites";

/** Regions of a throwaway stack when IT_REGIONS is unset: a primary and one standby. */
export const DEFAULT_IT_REGIONS = ["us-east-1", "us-west-2"] as const;

/**
 * The second deployment's schedule: 10% of traffic for one minute, then the rest (a custom
 * TimeBasedCanary, so the canary finishes in minutes instead of Canary10Percent5Minutes' five).
 */
export const CANARY_DEPLOYMENT_TYPE = { canary: { percentage: 10, intervalMinutes: 1 } } as const;

/**
 * The log level of each phase. LOG_LEVEL is an environment variable of every function, so
 * changing it publishes a new version without touching the service's code: the second
 * `pulumi up` has something to shift.
 */
export const PHASE_LOG_LEVEL = { first: "DEBUG", canary: "INFO" } as const;

/** `first`: the initial deployment (AllAtOnce). `canary`: a new version shifted by a canary. */
export type DeploymentPhase = keyof typeof PHASE_LOG_LEVEL;

/** What a throwaway stack is made of, from the IT_* variables. */
export interface ThrowawaySettings {
  /** IT_ACCOUNT_ID: the account the credentials belong to (the program refuses any other). */
  accountId: string;
  /** IT_REGIONS: comma- or space-separated, primary first. */
  regions: string[];
  /** IT_ZONE_ID: a Route 53 hosted zone the tester owns. */
  zoneId: string;
  /** IT_DOMAIN: an unused name in that zone, e.g. `it.example.com`. */
  domain: string;
  /** IT_PULUMI_ORG: the Pulumi Cloud organization to create the stack in (default: the CLI's). */
  pulumiOrg?: string;
}

/** Reads the IT_* variables (presence is checked by the prerequisites; values by loadStackSettings). */
export function throwawaySettingsFromEnv(env: Env): ThrowawaySettings {
  const regions = (env.IT_REGIONS ?? "")
    .split(/[\s,]+/)
    .map((region) => region.trim())
    .filter((region) => region !== "");
  return {
    accountId: (env.IT_ACCOUNT_ID ?? "").trim(),
    regions: regions.length > 0 ? regions : [...DEFAULT_IT_REGIONS],
    zoneId: (env.IT_ZONE_ID ?? "").trim(),
    // Route 53 and the settings schema want the name without the root dot, in lowercase.
    domain: (env.IT_DOMAIN ?? "").trim().replace(/\.$/, "").toLowerCase(),
    pulumiOrg: env.IT_PULUMI_ORG?.trim() || undefined,
  };
}

/** `it-` and six random hex digits: short enough for every derived resource name. */
export function newThrowawayStackName(random: () => string = () => randomBytes(3).toString("hex")) {
  return `it-${random()}`;
}

/** The stack's name as the CLI takes it: `<org>/<stack>` when IT_PULUMI_ORG is set. */
export function qualifiedStackName(stackName: string, settings: ThrowawaySettings): string {
  return settings.pulumiOrg ? `${settings.pulumiOrg}/${stackName}` : stackName;
}

/**
 * The throwaway stack's config for a phase, `<namespace>:<key>` to value, as a stack file holds
 * it: a staging stack (active-passive, failover behind Route 53, global table) under its own
 * service name, hooks on, AllAtOnce first and the short canary second.
 */
export function throwawayStackConfig(
  project: string,
  stackName: string,
  settings: ThrowawaySettings,
  phase: DeploymentPhase,
): Record<string, unknown> {
  const key = (name: string): string => `${project}:${name}`;
  return {
    "aws:region": settings.regions[0],
    [key("environment")]: "staging",
    [key("accountId")]: settings.accountId,
    // Its own service name: nothing it creates can collide with a real stack in the account.
    [key("service")]: stackName,
    [key("regions")]: settings.regions,
    [key("domain")]: { zoneId: settings.zoneId, name: settings.domain },
    [key("deployment")]: {
      type: phase === "first" ? "AllAtOnce" : CANARY_DEPLOYMENT_TYPE,
      hooks: true,
      waitForCompletion: true,
      timeoutMinutes: 30,
    },
    [key("logLevel")]: PHASE_LOG_LEVEL[phase],
    [key("tags")]: { purpose: "integration-test" },
  };
}

/** Config as the CLI passes it to the program: strings as they are, other values as JSON. */
export function configForProgram(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

/**
 * Runs the program's own settings loader over the config: the stack is only created when
 * `pulumi up` would get past it. Throws its StackConfigError (every problem, each naming the
 * key) otherwise.
 */
export function checkThrowawayConfig(
  project: string,
  stackName: string,
  config: Record<string, unknown>,
): LoadedStackSettings {
  return loadStackSettings({
    project,
    stack: stackName,
    config: configForProgram(config),
    isSecret: () => false,
  });
}

/** The stack file of a stack (the short name: an `org/` prefix is not part of the file name). */
export function stackFileOf(projectDir: string, stackName: string): string {
  const shortName = stackName.split("/").pop() as string;
  return path.join(projectDir, projectStackConfigDir(projectDir), `Pulumi.${shortName}.yaml`);
}

/** Pulumi.yaml's `stackConfigDir` (default: the project directory itself). */
export function projectStackConfigDir(projectDir: string): string {
  const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as {
    stackConfigDir?: string;
  };
  return project.stackConfigDir ?? ".";
}

/** Pulumi.yaml's `name`: the config namespace. */
export function projectName(projectDir: string): string {
  const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as {
    name?: string;
  };
  if (!project.name) {
    throw new Error(`${path.join(projectDir, "Pulumi.yaml")} has no name`);
  }
  return project.name;
}

/**
 * Writes `config` into the stack file, replacing its `config:` and keeping every other key
 * (`pulumi stack init` stores the secrets provider's `encryptionsalt` there).
 */
export function writeStackConfig(file: string, config: Record<string, unknown>): void {
  const existing = fs.existsSync(file)
    ? ((parse(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>)
    : {};
  const header =
    "# Generated by the integration tests (integration/stackConfig.ts) for a throwaway stack;\n" +
    "# removed with the stack. Not to be committed.\n";
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, header + stringify({ ...existing, config }));
}
