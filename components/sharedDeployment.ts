import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { boundedName, NAME_LIMITS } from "./naming";
import { serviceTrustPolicy } from "./iam";

/**
 * What one function's deployments may touch, for the CodeDeploy service role that runs them:
 * its alias (and the function, for GetAlias/UpdateAlias), the alarms that stop it, its hooks.
 */
export interface DeploymentRoleGrant {
  /** Unqualified function ARN. */
  readonly functionArn: pulumi.Input<string>;
  /** The alias CodeDeploy shifts. */
  readonly aliasArn: pulumi.Input<string>;
  /** ARNs of every alarm that stops this function's deployments. */
  readonly alarmArns: pulumi.Input<pulumi.Input<string>[]>;
  /** ARNs of the hook functions CodeDeploy invokes for this function. */
  readonly hookArns: pulumi.Input<string>[];
  /** ARNs of the SNS topics this function's rollout events (CodeDeploy triggers) go to. */
  readonly topicArns?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The statements of a CodeDeploy service role for Lambda deployments of the given functions:
 * what `AWSCodeDeployRoleForLambdaLimited` grants, but only on these functions' aliases, alarms
 * and hooks (that managed policy grants `lambda:UpdateAlias` and `cloudwatch:DescribeAlarms`
 * on `*`).
 */
export function deploymentRoleStatements(
  grants: readonly DeploymentRoleGrant[],
): pulumi.Output<aws.iam.PolicyStatement[]> {
  return pulumi
    .all(
      grants.map((grant) =>
        pulumi.all([
          grant.functionArn,
          grant.aliasArn,
          grant.alarmArns,
          grant.hookArns,
          grant.topicArns ?? [],
        ]),
      ),
    )
    .apply((resolved) => {
      const functionAndAliasArns = resolved.flatMap(([fn, alias]) => [fn, alias]);
      const aliasArns = resolved.map(([, alias]) => alias);
      const alarmArns = [...new Set(resolved.flatMap(([, , alarms]) => alarms))];
      const hookArns = [...new Set(resolved.flatMap(([, , , hooks]) => hooks))];
      const topicArns = [...new Set(resolved.flatMap(([, , , , topics]) => topics))];
      return [
        {
          Sid: "ShiftAlias",
          Effect: "Allow" as const,
          Action: ["lambda:GetAlias", "lambda:UpdateAlias"],
          Resource: functionAndAliasArns,
        },
        {
          // The Service Authorization Reference gives this action the alias and version
          // resource types only: the unqualified function ARN would grant nothing.
          Sid: "ReadAliasProvisionedConcurrency",
          Effect: "Allow" as const,
          Action: "lambda:GetProvisionedConcurrencyConfig",
          // One function's role keeps the single ARN it always had (no policy diff on upgrade).
          Resource: aliasArns.length === 1 ? aliasArns[0] : aliasArns,
        },
        ...(alarmArns.length > 0
          ? [
              {
                Sid: "ReadDeploymentAlarms",
                Effect: "Allow" as const,
                Action: "cloudwatch:DescribeAlarms",
                Resource: alarmArns,
              },
            ]
          : []),
        ...(hookArns.length > 0
          ? [
              {
                Sid: "InvokeHooks",
                Effect: "Allow" as const,
                Action: "lambda:InvokeFunction",
                Resource: hookArns,
              },
            ]
          : []),
        // CodeDeploy publishes trigger events as the service role (CodeDeploy User Guide,
        // "Create a trigger for a CodeDeploy event": the service role needs sns:Publish).
        ...(topicArns.length > 0
          ? [
              {
                Sid: "PublishRolloutEvents",
                Effect: "Allow" as const,
                Action: "sns:Publish",
                Resource: topicArns,
              },
            ]
          : []),
      ];
    });
}

/**
 * IAM counts at most 10,240 characters (whitespace not counted) for all inline policies of a
 * role together (IAM quotas, "IAM and AWS STS quotas": "Role policy size"). A shared role takes
 * functions while their worst-case statements fit in this budget (the rest is left for the
 * document's own keys); further functions go to the next role.
 */
export const ROLE_POLICY_BUDGET_CHARS = 9_500;

/** The longest `arn:<partition>:<service>:<region>:<account>:` prefix (aws-iso-b, 12-digit account). */
const ARN_PREFIX_CHARS = 60;
/** The longest SNS topic name (SNS CreateTopic `Name`: up to 256 characters). */
const SNS_TOPIC_NAME_CHARS = 256;
/** Quotes and comma around each ARN in the JSON document. */
const JSON_ITEM_CHARS = 3;

/**
 * The most characters one function can add to a shared service role's policy: its function
 * ARN and alias ARN (twice: ShiftAlias and ReadAliasProvisionedConcurrency), its alarm ARNs and
 * hook ARNs and the topics its rollout events go to, every name at its longest (function names 64 characters, alarm names 255 when not
 * known yet; sources: Lambda CreateFunction `FunctionName`, CloudWatch PutMetricAlarm
 * `AlarmName`).
 */
export function grantCharsUpperBound(
  aliasName: string,
  alarmNameLengths: readonly (number | undefined)[],
  hookCount: number,
  topicCount = 0,
): number {
  const functionArn = ARN_PREFIX_CHARS + "function:".length + NAME_LIMITS.lambdaFunction;
  const aliasArn = functionArn + 1 + aliasName.length;
  const alarms = alarmNameLengths.reduce<number>(
    (sum, length) =>
      sum +
      ARN_PREFIX_CHARS +
      "alarm:".length +
      (length ?? NAME_LIMITS.metricAlarm) +
      JSON_ITEM_CHARS,
    0,
  );
  return (
    functionArn +
    JSON_ITEM_CHARS +
    2 * (aliasArn + JSON_ITEM_CHARS) +
    alarms +
    hookCount * (functionArn + JSON_ITEM_CHARS) +
    // Topics are shared by the region's functions, but each is counted with every function
    // that names it: an over-estimate, never an IAM quota error. Topic names are at most 256
    // characters (SNS CreateTopic `Name`).
    topicCount * (ARN_PREFIX_CHARS + SNS_TOPIC_NAME_CHARS + JSON_ITEM_CHARS)
  );
}

/** A function's place in a shared CodeDeploy service role. */
export interface SharedServiceRole {
  /** The shared service role's ARN. */
  readonly serviceRoleArn: pulumi.Output<string>;
  /** Resolves to the role's policy once every function of the service has been granted. */
  readonly serviceRolePolicy: Promise<pulumi.Resource[]>;
  /** Adds what this function's deployments touch to the role's policy. */
  grant(grant: DeploymentRoleGrant): void;
}

/**
 * The functions (logical names) whose own application and own service role, from before they
 * were shared, become the shared ones: the first `codedeploy`-mode function without its own
 * `applicationName`, and the first without its own `serviceRoleArn`.
 */
export interface SharedDeploymentMoves {
  readonly application?: string;
  readonly role?: string;
}

interface SharedRole {
  role: aws.iam.Role;
  usedChars: number;
  grants: DeploymentRoleGrant[];
  policyCreated: (policies: pulumi.Resource[]) => void;
  policy: Promise<pulumi.Resource[]>;
}

/**
 * The CodeDeploy application and service role(s) that every `codedeploy`-mode function of one
 * RegionalService shares, as SAM shares one application and one role per stack
 * (`ServerlessDeploymentApplication`, `CodeDeployServiceRole`). A function that gives its own
 * `applicationName` or `serviceRoleArn` keeps it. The role's policy lists every alias, alarm
 * and hook it may touch; when the functions' worst-case grants outgrow IAM's 10,240-character
 * role policy quota, further functions get a second role, and so on.
 *
 * Not a component: its resources are children of the service (so that their URNs stay the
 * same when functions are added or removed). `moveFrom` names the functions whose own
 * application and role (created before this sharing existed) become the shared ones, through
 * Pulumi `aliases`, so that an upgrade keeps them and that function's deployment group. Their
 * physical names stay too: an old name that was auto-named is reused by the bridged AWS provider
 * (pulumi-terraform-bridge `pkg/tfbridge/schema.go`, old values of auto-named defaults recorded
 * in `__defaults`, discussed in pulumi/pulumi-terraform-bridge#487; PR #1321), and an old name
 * that was fixed (`boundedName` of a logical name too long to auto-name) is given again
 * explicitly (`physicalName`), since the bridge would not reuse it.
 */
export class SharedDeploymentResources {
  private application?: aws.codedeploy.Application;
  private readonly roles: SharedRole[] = [];
  private finished = false;

  constructor(
    private readonly name: string,
    private readonly parent: pulumi.Resource & { readonly urn: pulumi.Output<string> },
    private readonly region: pulumi.Input<string> | undefined,
    private readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
    private readonly moveFrom: SharedDeploymentMoves = {},
  ) {}

  /** The shared application, created when the first function needs it. */
  applicationName(): pulumi.Output<string> {
    this.application ??= new aws.codedeploy.Application(
      `${this.name}-deploy`,
      {
        region: this.region,
        name: this.physicalName(
          `${this.name}-deploy`,
          this.moveFrom.application,
          "deploy",
          NAME_LIMITS.codeDeployApplication,
        ),
        computePlatform: "Lambda",
        tags: this.tags,
      },
      { parent: this.parent, aliases: this.movedFrom(this.moveFrom.application, "deploy") },
    );
    return this.application.name;
  }

  /**
   * The physical name of a shared resource. Moved from a function whose own resource had a fixed
   * name (`boundedName` gives one when the logical name is too long to auto-name), that name, so
   * that the upgrade does not replace it: the bridged provider reuses an old name only when it
   * auto-named it. Otherwise `boundedName` of the shared logical name (auto-named, in which case
   * an auto-named old resource keeps its old name; or fixed, for a new stack).
   */
  private physicalName(
    logicalName: string,
    movedFromFunction: string | undefined,
    suffix: string,
    maxLength: number,
  ): string | undefined {
    const oldName =
      movedFromFunction === undefined
        ? undefined
        : boundedName(`${movedFromFunction}-${suffix}`, maxLength);
    return oldName ?? boundedName(logicalName, maxLength);
  }

  /**
   * The alias of a resource this class creates, as it was named before it was shared: the child
   * `<function>-<suffix>` of the TrafficShiftedFunction `moveFrom` (a URN built from the
   * service's own: `<service type chain>$<function type>::<child name>`).
   */
  private movedFrom(
    functionName: string | undefined,
    suffix: string,
  ): pulumi.Input<pulumi.Alias>[] {
    if (functionName === undefined) return [];
    const functionUrn = this.parent.urn.apply((serviceUrn) => {
      const [stackPart, project, typeChain] = serviceUrn.split("::");
      return `${stackPart}::${project}::${typeChain}$multiregion-serverless:index:TrafficShiftedFunction::${functionName}`;
    });
    return [{ name: `${functionName}-${suffix}`, parent: functionUrn }];
  }

  /**
   * A service role for one function whose grant takes at most `grantChars` characters (see
   * `grantCharsUpperBound`): the first shared role with room left, else a new one.
   */
  serviceRole(grantChars: number): SharedServiceRole {
    if (this.finished) {
      throw new Error(`${this.name}: shared deployment resources are already complete`);
    }
    let shared = this.roles.find(
      (candidate) => candidate.usedChars + grantChars <= ROLE_POLICY_BUDGET_CHARS,
    );
    if (!shared) {
      shared = this.newRole(this.roles.length);
      this.roles.push(shared);
    }
    shared.usedChars += grantChars;
    const target = shared;
    return {
      serviceRoleArn: target.role.arn,
      serviceRolePolicy: target.policy,
      grant: (grant) => target.grants.push(grant),
    };
  }

  private newRole(index: number): SharedRole {
    const roleName =
      index === 0 ? `${this.name}-deploy-role` : `${this.name}-deploy-role-${index + 1}`;
    const role = new aws.iam.Role(
      roleName,
      {
        name:
          index === 0
            ? this.physicalName(roleName, this.moveFrom.role, "deploy-role", NAME_LIMITS.iamRole)
            : boundedName(roleName, NAME_LIMITS.iamRole),
        assumeRolePolicy: serviceTrustPolicy("codedeploy.amazonaws.com"),
        tags: this.tags,
      },
      {
        parent: this.parent,
        aliases: index === 0 ? this.movedFrom(this.moveFrom.role, "deploy-role") : [],
      },
    );
    let policyCreated!: (policies: pulumi.Resource[]) => void;
    const policy = new Promise<pulumi.Resource[]>((resolve) => (policyCreated = resolve));
    return { role, usedChars: 0, grants: [], policyCreated, policy };
  }

  /** Creates each role's policy from its grants; call once every function is constructed. */
  finish(): void {
    this.finished = true;
    this.roles.forEach((shared, index) => {
      const policyName =
        index === 0
          ? `${this.name}-deploy-role-policy`
          : `${this.name}-deploy-role-${index + 1}-policy`;
      const rolePolicy = new aws.iam.RolePolicy(
        policyName,
        {
          role: shared.role.name,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: deploymentRoleStatements(shared.grants),
          }),
        },
        {
          parent: this.parent,
          aliases: index === 0 ? this.movedFrom(this.moveFrom.role, "deploy-role-policy") : [],
        },
      );
      shared.policyCreated([rolePolicy]);
    });
  }
}

/** The shared resources a RegionalService hands to each function it constructs, by args object. */
const sharedByArgs = new WeakMap<object, SharedDeploymentResources>();

/**
 * Marks `args` (a TrafficShiftedFunction's arguments) as built by a service whose functions
 * share `shared`. TypeScript-only plumbing, kept off the args so the package schema and the
 * argument checks do not see it.
 */
export function withSharedDeployment<T extends object>(
  args: T,
  shared: SharedDeploymentResources,
): T {
  sharedByArgs.set(args, shared);
  return args;
}

/** The shared resources given with `withSharedDeployment`, if any. */
export function sharedDeploymentOf(args: object): SharedDeploymentResources | undefined {
  return sharedByArgs.get(args);
}
