/**
 * The schema of `multiregion-serverless:index:LambdaDeployment`, the custom resource the
 * plugin serves. Pulumi's analyzer infers component resources only, so this part is written
 * here; its keys are checked against `LambdaDeploymentArgs` and the resource's outputs by the
 * compiler (the mapped types below) and by test/schema/schema.test.ts.
 */
import type { LambdaDeploymentArgs, PluginLambdaDeployment } from "../components/lambdaDeployment";
import type { AssumeRoleCredentials, DeploymentCredentials } from "../deployment/clients";
import { DEFAULT_KEEP_VERSIONS } from "../deployment/prune";
import { token } from "./components";

/** A property of a package schema (the parts this package writes). */
export interface PropertySpec {
  type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
  $ref?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  description: string;
  secret?: boolean;
}

/** An object type of a package schema. */
export interface ObjectTypeSpec {
  type: "object";
  description: string;
  properties: Record<string, PropertySpec>;
  required?: string[];
}

/** A resource of a package schema. */
export interface ResourceSpec {
  description: string;
  isComponent?: boolean;
  inputProperties: Record<string, PropertySpec>;
  requiredInputs: string[];
  properties: Record<string, PropertySpec>;
  required: string[];
}

const string = (description: string): PropertySpec => ({ type: "string", description });
const ref = (name: string, description: string): PropertySpec => ({
  $ref: `#/types/${token(name)}`,
  description,
});

type OutputKey = Exclude<
  keyof PluginLambdaDeployment,
  keyof import("@pulumi/pulumi").CustomResource
>;

/** Every input of `LambdaDeploymentArgs` (the compiler holds the list complete). */
const INPUTS: { [K in keyof Required<LambdaDeploymentArgs>]: PropertySpec } = {
  applicationName: string("The CodeDeploy application (compute platform `Lambda`)."),
  deploymentGroupName: string(
    "The deployment group (BLUE_GREEN with WITH_TRAFFIC_CONTROL). Its deployment configuration " +
      "sets the pace (canary, linear, all at once), its alarms and auto-rollback gate the rollout.",
  ),
  functionName: string("The Lambda function's name (not its ARN)."),
  aliasName: string("The alias CodeDeploy shifts."),
  targetVersion: string(
    "The published version the alias should end on, usually the function's `version` output. " +
      "When the alias already points at it, nothing is deployed.",
  ),
  hooks: ref(
    "LambdaDeploymentHooks",
    "Hook function names CodeDeploy invokes before any traffic moves and after all of it moved. " +
      "Default: no hooks.",
  ),
  waitForCompletion: {
    type: "boolean",
    description:
      "Wait until the deployment succeeds (and fail the update if it fails or rolls back). " +
      "With `false`, the update returns once the deployment is created. Default: `true`.",
  },
  timeoutMinutes: {
    type: "integer",
    description:
      "The most the update waits, in minutes (1-2880), including for another deployment of the " +
      "group to finish first. On timeout the deployment is not stopped. Default: the deployment " +
      "group's traffic-shifting time plus 30 minutes for hooks (60 minutes if the configuration " +
      "cannot be read).",
  },
  region: string("The region of the function and the CodeDeploy application."),
  description: string(
    "The deployment's description in CodeDeploy, at most 66 characters. Default: " +
      '"pulumi up: <alias> -> version <targetVersion>" (shortened to fit).',
  ),
  retryToken: string(
    "A version that failed or was rolled back is not deployed again; change this value (any " +
      "text) to deploy the same version once more. Default: none.",
  ),
  dashboardUrl: string(
    "The service's CloudWatch dashboard (an https:// console link), named in the messages of " +
      "a failed, stopped or timed-out deployment. Changing it alone starts no deployment. " +
      "Default: none.",
  ),
  keepVersions: {
    type: "integer",
    description:
      "Published versions of the function kept after a successful deployment; older ones are " +
      `deleted, except any version an alias serves. \`0\` keeps every version. Default: ${DEFAULT_KEEP_VERSIONS}.`,
  },
  credentials: {
    ...ref(
      "DeploymentCredentials",
      "The credentials to reach AWS with (the region's AWS provider's), kept secret in the " +
        "state. Default: from the component's `aws` provider, else stack config `aws:profile`, " +
        "`aws:accessKey`, `aws:secretKey`, `aws:token` and `aws:assumeRoles` (when a component " +
        "creates the deployment), else the default credential chain of the plugin's process.",
    ),
    secret: true,
  },
  allowedAccountIds: {
    type: "array",
    items: { type: "string", description: "An AWS account id." },
    description:
      "Accounts the alias may be in; the deployment refuses to act on an alias in any other " +
      "account. Default: no check (a component passes the function's account, joined with stack " +
      "config `aws:allowedAccountIds`).",
  },
};

/** Every output of the resource besides its inputs (the compiler holds the list complete). */
const OUTPUTS: { [K in OutputKey]: PropertySpec } = {
  deploymentId: string(
    "The deployment the last create or update started; absent when none was needed.",
  ),
  status: string(
    "CodeDeploy's status of that deployment (`Succeeded`, `Created` when not waiting), or " +
      "`AlreadyAtTarget`.",
  ),
  deployedVersion: string(
    "The alias's `FunctionVersion` as read at the end of the operation (never assumed).",
  ),
  routingWeights: {
    type: "object",
    additionalProperties: { type: "number", description: "The share of traffic, 0 to 1." },
    description:
      "The alias's additional routing weights as read then (empty: all traffic on `deployedVersion`).",
  },
  previousVersion: string("The version the alias pointed at before."),
};

const REQUIRED_INPUTS: (keyof LambdaDeploymentArgs)[] = [
  "applicationName",
  "deploymentGroupName",
  "functionName",
  "aliasName",
  "targetVersion",
  "region",
];

const ASSUME_ROLE: { [K in keyof Required<AssumeRoleCredentials>]: PropertySpec } = {
  roleArn: string("The role to assume."),
  sessionName: string('The session name. Default: "pulumi-lambda-deployment".'),
  externalId: string("The external id the role's trust policy asks for."),
  durationSeconds: { type: "integer", description: "The session's length in seconds." },
  policy: string("A session policy (JSON) that narrows the role's permissions."),
  policyArns: {
    type: "array",
    items: { type: "string", description: "A managed policy ARN." },
    description: "Managed policies that narrow the role's permissions.",
  },
  sourceIdentity: string("The source identity of the session."),
};

const CREDENTIALS: { [K in keyof Required<DeploymentCredentials>]: PropertySpec } = {
  profile: string("A profile of the shared config and credentials files."),
  accessKey: string("An access key id."),
  secretKey: string("The secret access key of `accessKey`."),
  token: string("The session token of temporary credentials."),
  assumeRole: ref(
    "AssumeRoleCredentials",
    "A role assumed with the credentials above (or the default chain), before `assumeRoles`.",
  ),
  assumeRoles: {
    type: "array",
    items: ref("AssumeRoleCredentials", "A role of the chain."),
    description: "Roles assumed in turn, each with the credentials of the one before.",
  },
};

/** The resource and the object types it uses, to merge into the inferred schema. */
export function lambdaDeploymentSchema(): {
  resources: Record<string, ResourceSpec>;
  types: Record<string, ObjectTypeSpec>;
} {
  return {
    resources: {
      [token("LambdaDeployment")]: {
        description:
          "Makes an update behave like `sam deploy` for a Lambda alias under CodeDeploy: when " +
          "`targetVersion` differs from the alias's version, it creates one CodeDeploy deployment " +
          "(waiting first for any deployment already running in the group), follows it, and fails " +
          "the update with CodeDeploy's reason when it does not succeed. A version CodeDeploy " +
          "rolled back is not deployed again unless `retryToken` changes. Deleting the resource " +
          "stops a deployment it started that is still running. The components create it in " +
          "`codedeploy` mode; it is served by this package's own provider plugin.",
        inputProperties: INPUTS,
        requiredInputs: REQUIRED_INPUTS,
        properties: { ...INPUTS, ...OUTPUTS },
        required: [...REQUIRED_INPUTS, "waitForCompletion", "status"],
      },
    },
    types: {
      [token("LambdaDeploymentHooks")]: {
        type: "object",
        description: "The hook functions of a deployment, by lifecycle event.",
        properties: {
          beforeAllowTraffic: string(
            "Name of the function run before any traffic moves (SAM `PreTraffic`).",
          ),
          afterAllowTraffic: string(
            "Name of the function run after all traffic moved (SAM `PostTraffic`).",
          ),
        },
      },
      [token("DeploymentCredentials")]: {
        type: "object",
        description:
          "Credentials in the AWS provider's terms (`aws:profile`, `aws:accessKey`, " +
          "`aws:secretKey`, `aws:token`, `aws:assumeRoles`).",
        properties: CREDENTIALS,
      },
      [token("AssumeRoleCredentials")]: {
        type: "object",
        description:
          "One role to assume, with the fields of the AWS provider's `assumeRoles` entries.",
        properties: ASSUME_ROLE,
        required: ["roleArn"],
      },
    },
  };
}
