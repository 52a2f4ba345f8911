// Captured resources for policy tests, shaped exactly like the ones `runComponent` records, so
// that each rule can be tested on a few lines of inputs; `offline.test.ts` covers real captures.
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { CapturedResource } from "../../testing";
import { OfflinePolicyConfig, runPolicies, Violation } from "../../policy/offline";

/** What Pulumi's mocks capture for an input that is unknown at preview. */
export const UNKNOWN_INPUT = { __pulumiUnknown: true };

export const prodTags = { environment: "prod", service: "orders", stack: "prod" };
export const devTags = { environment: "dev", service: "orders", stack: "dev" };

/** Global services: no region of their own. */
const globalTypes = /^aws:(iam|route53)\//;

/**
 * A captured custom resource. Outputs echo the inputs (as the mocks do) unless given; the
 * region is us-east-1 for regional AWS types unless given.
 */
export function resource(
  type: string,
  name: string,
  inputs: Record<string, any>,
  extra: Partial<CapturedResource> = {},
): CapturedResource {
  return {
    urn: `urn:pulumi:test::project::${type}::${name}`,
    id: `${name}-id`,
    type,
    name,
    custom: true,
    inputs,
    secretPaths: [],
    outputs: { ...inputs },
    dependencies: [],
    region:
      type.startsWith("aws:") && !globalTypes.test(type)
        ? typeof inputs.region === "string"
          ? inputs.region
          : "us-east-1"
        : undefined,
    options: {
      protect: false,
      ignoreChanges: [],
      retainOnDelete: false,
      deleteBeforeReplace: false,
      replaceOnChanges: [],
      additionalSecretOutputs: [],
    },
    ...extra,
  };
}

/** Runs one policy over the resources. */
export function check(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  resources: CapturedResource[],
  config: OfflinePolicyConfig[string] = {},
): Promise<Violation[]> {
  return runPolicies(resources, { policies: [policy], config: { [policy.name]: config } });
}

/** The messages of the violations, for readable assertions. */
export function messages(violations: Violation[]): string[] {
  return violations.map((violation) => violation.message);
}
