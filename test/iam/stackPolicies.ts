// The IAM policies each bundled stack creates, as the engine would receive them after `pulumi up`
// (outputs resolved by the mocks' AWS-shaped ARNs, see testing/awsOutputs.ts), by role.
import { CapturedResource, ResourceCapture } from "../../testing";
import { runStack } from "../program/runStack";

export const BUNDLED_STACKS = ["dev", "staging", "prod", "prod-global"] as const;

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  Resource?: string | string[];
  [key: string]: unknown;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

/** One role's permissions: its inline role policies, merged. */
export interface RolePolicies {
  stack: string;
  /** The role's logical name, e.g. `orders-us-east-1-deploy-role`. */
  role: string;
  /** The role's physical name (what the policies' `role` input names). */
  roleName: string;
  /** The service the role's trust policy lets assume it. */
  service: string;
  /** The region of the component the role belongs to. */
  region?: string;
  documents: { name: string; document: PolicyDocument }[];
}

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const MANAGED_POLICY = "aws:iam/policy:Policy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";

function parse(document: unknown, where: string): PolicyDocument {
  if (typeof document !== "string") {
    throw new Error(`${where}: the policy is not a resolved JSON string: ${String(document)}`);
  }
  return JSON.parse(document) as PolicyDocument;
}

/** The roles of a stack with every policy that grants them something. */
export async function stackRoles(stack: string): Promise<RolePolicies[]> {
  return (await bundledStack(stack)).roles;
}

const stacks = new Map<string, Promise<{ roles: RolePolicies[]; resources: ResourceCapture }>>();

/** A bundled stack's resources and roles, run once per test process (each run takes seconds). */
export function bundledStack(
  stack: string,
): Promise<{ roles: RolePolicies[]; resources: ResourceCapture }> {
  let run = stacks.get(stack);
  if (!run) {
    run = runStack(stack, { preview: false }).then(({ resources }) => ({
      resources,
      roles: rolesOf(stack, resources),
    }));
    stacks.set(stack, run);
  }
  return run;
}

function rolesOf(stack: string, resources: ResourceCapture): RolePolicies[] {
  const byName = new Map<string, RolePolicies>();
  for (const role of resources.ofType(ROLE)) {
    const trust = parse(role.inputs.assumeRolePolicy, `${stack} ${role.name}`);
    const principal = trust.Statement[0]?.Principal as { Service?: string } | undefined;
    const roleName = String(role.outputs.name ?? role.inputs.name);
    byName.set(roleName, {
      stack,
      role: role.name,
      roleName,
      service: String(principal?.Service),
      region: regionOf(resources.all, role),
      documents: (role.inputs.inlinePolicies ?? []).map((inline: any) => ({
        name: String(inline.name),
        document: parse(inline.policy, `${stack} ${role.name} inline ${inline.name}`),
      })),
    });
  }
  for (const policy of resources.ofType(ROLE_POLICY)) {
    const role = byName.get(String(policy.inputs.role));
    if (!role)
      throw new Error(`${stack}: ${policy.name} names an unknown role ${policy.inputs.role}`);
    role.documents.push({ name: policy.name, document: parse(policy.inputs.policy, policy.name) });
  }
  const attachments = resources.ofType(ATTACHMENT);
  const managed = resources.ofType(MANAGED_POLICY);
  if (attachments.length > 0 || managed.length > 0) {
    // Not used by the package today; a new one must be added here so it is checked too.
    throw new Error(`${stack}: managed policies or attachments are not collected by this harness`);
  }
  return [...byName.values()];
}

/** The region of the component a role belongs to: the region of its nearest regional sibling. */
function regionOf(all: readonly CapturedResource[], role: CapturedResource): string | undefined {
  return all.find((resource) => resource.parent === role.parent && resource.region)?.region;
}

/** The roles of every bundled stack. */
export async function bundledStackRoles(): Promise<RolePolicies[]> {
  const all: RolePolicies[] = [];
  for (const stack of BUNDLED_STACKS) all.push(...(await stackRoles(stack)));
  return all;
}
