// CrossGuard policies over captured resources, offline: this package's pack or your own, the way
// `pulumi preview --policy-pack <pack>` runs them. Loads the policy modules on first use only, so
// tests that never check policies do not pay for them, and never constructs a `PolicyPack` (that
// starts the analyzer's gRPC server).
import { AssertionError } from "assert";
import type { Policies } from "@pulumi/policy";
import type { OfflinePolicyConfig, RunPoliciesOptions, Violation } from "../policy/offline";
import type { CapturedResource, ResourceCapture } from "./capture";

export type { OfflinePolicyConfig, RunPoliciesOptions, Violation };

/**
 * The policies of the multiregion-serverless pack (the list `policy/index.ts` registers), to run
 * as they are, or with your own: `[...multiregionServerlessPolicies(), myPolicy]`.
 */
export function multiregionServerlessPolicies(): Policies {
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
