// The policy side of the offline preview: the `--policy-config` file (the shape of
// `pulumi preview --policy-pack-config`), which policies run at which level, what each one
// checked, and the violations with their remediation split out.
import * as fs from "fs";
import type {
  EnforcementLevel,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { CapturedResource } from "../testing";
import type { OfflinePolicyConfig, Violation } from "../policy/offline";
import { PreviewError } from "./errors";

export type Policy = ResourceValidationPolicy | StackValidationPolicy;

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * Reads and checks a policy config file: a JSON object whose keys are policy names (or `all`) and
 * whose values are an enforcement level or `{ enforcementLevel?, ...properties }`. A name that is
 * not a policy of the pack is an error: a typo would otherwise leave a policy at its level.
 */
export function readPolicyConfig(file: string, policies: readonly Policy[]): OfflinePolicyConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new PreviewError(
      "usage",
      `--policy-config ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PreviewError(
      "usage",
      `--policy-config ${file}: not valid JSON (${(error as Error).message})`,
    );
  }
  return checkPolicyConfig(parsed, policies, `--policy-config ${file}`);
}

/** Checks a parsed policy config; `where` prefixes the messages. */
export function checkPolicyConfig(
  value: unknown,
  policies: readonly Policy[],
  where = "policy config",
): OfflinePolicyConfig {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new PreviewError(
      "usage",
      `${where}: expected a JSON object of policy names to a level or settings, e.g. {"required-tags": "disabled"}`,
    );
  }
  const names = new Set(policies.map((policy) => policy.name));
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(value)) {
    if (name !== "all" && !names.has(name)) {
      problems.push(`"${name}" is not a policy of the pack; policies: ${[...names].join(", ")}`);
      continue;
    }
    const level =
      typeof entry === "string"
        ? entry
        : typeof entry === "object" && entry !== null && !Array.isArray(entry)
          ? (entry as Record<string, unknown>).enforcementLevel
          : null;
    if (level !== undefined && !LEVELS.includes(level as EnforcementLevel)) {
      problems.push(
        `"${name}": ${JSON.stringify(entry)} is not an enforcement level or settings object; levels: ${LEVELS.join(", ")}`,
      );
    }
  }
  if (problems.length > 0) {
    throw new PreviewError("usage", `${where}:\n  - ${problems.join("\n  - ")}`);
  }
  return value as OfflinePolicyConfig;
}

/** A policy as the preview ran it. */
export interface PolicyRun {
  name: string;
  description: string;
  /** Its level after the policy config (`remediate` reports as mandatory, as the engine does). */
  enforcementLevel: EnforcementLevel;
  kind: "resource" | "stack";
  /** What it checked: resource policies, each resource of their type (every resource when untyped); stack policies, the stack. */
  checked: number;
}

/** The level a policy runs at under the config (the same precedence as `runPolicies`). */
export function levelOf(
  policy: Policy,
  config: OfflinePolicyConfig,
  packLevel: EnforcementLevel,
): EnforcementLevel {
  const levelIn = (entry: OfflinePolicyConfig[string] | undefined): EnforcementLevel | undefined =>
    typeof entry === "string" ? entry : entry?.enforcementLevel;
  return (
    levelIn(config[policy.name]) ?? levelIn(config.all) ?? policy.enforcementLevel ?? packLevel
  );
}

/**
 * The resources a resource policy is run on: those of its type when it validates one type
 * (`validateResourceOfType`, the engine's fast path), else every resource.
 */
export function checkedResources(
  policy: Policy,
  resources: readonly CapturedResource[],
): CapturedResource[] {
  if (!("validateResource" in policy) || !policy.validateResource) {
    return [];
  }
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : [policy.validateResource];
  const type =
    validations.length === 1
      ? (validations[0] as { __pulumiType?: unknown }).__pulumiType
      : undefined;
  return typeof type === "string" && type !== ""
    ? resources.filter((resource) => resource.type === type)
    : [...resources];
}

export function isStackPolicy(policy: Policy): policy is StackValidationPolicy {
  return "validateStack" in policy && typeof policy.validateStack === "function";
}

/** A violation as the preview reports it. */
export interface ReportedViolation extends Violation {
  /** What to change, split from the message (the pack's messages end with `Fix: ...`). */
  remediation?: string;
  /** The resource's region, for regional resources. */
  region?: string;
}

/** Splits the pack's `... Fix: ...` messages into the problem and the remediation. */
export function withRemediation(violation: Violation, region?: string): ReportedViolation {
  const at = violation.message.indexOf(" Fix: ");
  return {
    ...violation,
    ...(at >= 0
      ? {
          message: violation.message.slice(0, at),
          remediation: violation.message.slice(at + 1),
        }
      : {}),
    ...(region ? { region } : {}),
  };
}
