// CrossGuard policies over captured resources, offline: this package's pack or your own, the way
// `pulumi preview --policy-pack <pack>` runs them. Loads the policy modules on first use only, so
// tests that never check policies do not pay for them, and never constructs a `PolicyPack` (that
// starts the analyzer's gRPC server).
//
// These declarations name no `@pulumi/policy` type: its typings do not compile without
// `skipLibCheck` (its index re-exports names its own declarations strip), and `/testing` must
// compile under Pulumi's template tsconfig. The typed rules are `multiregion-serverless/policy`.
import { AssertionError } from "assert";
import type { CapturedResource, ResourceCapture } from "./capture";

/** A policy's enforcement level (`@pulumi/policy`'s `EnforcementLevel`). */
export type PolicyEnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/**
 * A CrossGuard policy, a `ResourceValidationPolicy` or `StackValidationPolicy` of
 * `@pulumi/policy`, as far as these helpers need to know it; every CrossGuard policy is one.
 * To compose the rules into your own `PolicyPack`, import them from `multiregion-serverless/policy`.
 */
export interface OfflinePolicy {
  readonly name: string;
  readonly description: string;
  /** @default the pack's level (advisory) */
  readonly enforcementLevel?: PolicyEnforcementLevel;
  /** The policy's config schema (`PolicyConfigSchema`). @default none */
  readonly configSchema?: object;
  /** Set on resource policies. */
  readonly validateResource?: unknown;
  /** Set on stack policies. */
  readonly validateStack?: unknown;
}

/** One policy violation, as the CLI would print it. */
export interface Violation {
  policyName: string;
  enforcementLevel: PolicyEnforcementLevel;
  message: string;
  /** The resource in violation; absent when a stack policy reports the stack as a whole. */
  urn?: string;
  resourceType?: string;
  resourceName?: string;
}

/**
 * Policy config as the CLI's `--policy-pack-config` file holds it: per policy name either an
 * enforcement level (`"disabled"`) or `{ enforcementLevel?, ...properties }`; the key `all` sets
 * the level of every policy.
 */
export type OfflinePolicyConfig = Record<
  string,
  PolicyEnforcementLevel | ({ enforcementLevel?: PolicyEnforcementLevel } & Record<string, unknown>)
>;

export interface RunPoliciesOptions {
  /** Policy config (see {@link OfflinePolicyConfig}). @default {} */
  config?: OfflinePolicyConfig;
  /**
   * The stack's name. Offline convenience (the CLI has no equivalent): policies with an
   * `environment` setting that the config leaves unset get the stack name, as this package runs
   * one stack per environment named after it. Also names the default provider's URN.
   * @default none
   */
  stackName?: string;
  /** The policies to run. @default {@link multiregionServerlessPolicies} */
  policies?: readonly OfflinePolicy[];
}

/**
 * The policies of the multiregion-serverless pack (the list `policy/index.ts` registers), to run
 * as they are, or with your own: `[...multiregionServerlessPolicies(), myPolicy]`.
 */
export function multiregionServerlessPolicies(): OfflinePolicy[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return [...(require("../policy/rules") as typeof import("../policy/rules")).allPolicies];
}

/**
 * Runs policies over captured resources and returns every violation, as the Pulumi engine would
 * report them at preview: resource policies per resource (its inputs), then stack policies (every
 * resource's outputs), with enforcement levels and per-policy config as
 * `--policy-pack-config` sets them (`{ "<policy>": "disabled" }`, `{ all: "mandatory" }`,
 * `{ "<policy>": { <knob>: value } }`). A policy that reads a value unknown at preview gives the
 * engine's advisory "can't run policy during preview" violation instead of failing.
 *
 * @param resources A run's `resources` (or `resources.all`).
 * @param options `policies` (default: {@link multiregionServerlessPolicies}), `config`, and
 *   `stackName` (policies with an `environment` setting the config leaves unset get it).
 *
 * @example
 * const { resources } = await runComponent(() => new MultiRegionService("orders", args));
 * const violations = await runPolicies(resources, { stackName: "prod" });
 * expectNoViolations(violations);
 */
export async function runPolicies(
  resources: ResourceCapture | readonly CapturedResource[],
  options: RunPoliciesOptions = {},
): Promise<Violation[]> {
  const offline = await import("../policy/offline");
  const all = Array.isArray(resources)
    ? (resources as readonly CapturedResource[])
    : (resources as ResourceCapture).all;
  return offline.runPolicies(all, options);
}

/**
 * Asserts that there are no violations (of the given levels), listing every one otherwise.
 * @param levels The enforcement levels that count. @default ["mandatory", "advisory"]
 */
export function expectNoViolations(
  violations: readonly Violation[],
  levels: readonly Violation["enforcementLevel"][] = ["mandatory", "advisory"],
): void {
  const counted = violations.filter((violation) => levels.includes(violation.enforcementLevel));
  if (counted.length > 0) {
    throw new AssertionError({
      message: `expected no ${levels.join(" or ")} policy violations, found ${counted.length}:\n${counted
        .map(
          (violation) =>
            `  [${violation.enforcementLevel}] ${violation.policyName}` +
            (violation.resourceName
              ? ` (${violation.resourceType} ${violation.resourceName})`
              : "") +
            `: ${violation.message}`,
        )
        .join("\n")}`,
    });
  }
}
