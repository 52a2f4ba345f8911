/**
 * The arguments of `TrafficShiftedFunction` and the functions of a service: types and their
 * documentation (the package schema is inferred from them).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmThresholdArgs } from "./deploymentAlarms";
import { DeploymentHook } from "./deploymentHook";
import { EventSources } from "./eventSources";
import { PolicyStatement } from "./iam";
import { FunctionSource } from "./bundling";
import { SnapStartMode } from "./functionOptions";
import { FunctionVpcConfig } from "./serviceNetwork";
import { PredefinedDeploymentType, TrafficStep } from "./trafficShifting";

/**
 * How new versions take traffic: `codedeploy` (CodeDeploy moves the alias, SAM
 * `DeploymentPreference` semantics) or `weighted` (the alias's routing weights, from stack config).
 */
export const TrafficShiftingMode = { CodeDeploy: "codedeploy", Weighted: "weighted" } as const;

/** `codedeploy` or `weighted`. */
export type TrafficShiftingMode = (typeof TrafficShiftingMode)[keyof typeof TrafficShiftingMode];

/**
 * How new versions take traffic. One shape for both modes (a package schema has no unions):
 * `mode` chooses, and the fields of the other mode must stay unset (checked at construction,
 * with every misplaced field named). `codedeploy` fields: `type` or `canary` or `linear`,
 * `applicationName`, `serviceRoleArn`, `waitForCompletion`, `timeoutMinutes`, `deployAfter`.
 * `weighted` fields: `stableVersion`, `canaryVersion`, `weight`.
 */
export interface TrafficShifting {
  /**
   * `codedeploy`: CodeDeploy shifts the alias from the serving version to each newly
   * published one, on the chosen schedule, stopping and rolling back on an alarm or a failed
   * hook. `weighted`: no CodeDeploy; the alias routes `weight` of traffic to the canary version.
   * @default "codedeploy"
   */
  readonly mode?: TrafficShiftingMode;
  /**
   * `codedeploy`: one of SAM's nine predefined types. At most one of `type`, `canary`, `linear`.
   * @default "Canary10Percent5Minutes" (when neither `canary` nor `linear` is given)
   */
  readonly type?: PredefinedDeploymentType;
  /**
   * `codedeploy`: a custom canary, `percentage` first and the rest after `intervalMinutes`
   * (CodeDeploy TimeBasedCanary).
   * @default none
   */
  readonly canary?: TrafficStep;
  /**
   * `codedeploy`: a custom linear shift, `percentage` more every `intervalMinutes`
   * (CodeDeploy TimeBasedLinear).
   * @default none
   */
  readonly linear?: TrafficStep;
  /**
   * `codedeploy`: an existing CodeDeploy application (compute platform `Lambda`) to put the
   * deployment group in, shared by several functions.
   * @default in a RegionalService or MultiRegionService, the region's shared application; alone, an application for this function
   */
  readonly applicationName?: pulumi.Input<string>;
  /**
   * `codedeploy`: ARN of an existing CodeDeploy service role. It must allow what CodeDeploy
   * does during a Lambda deployment (`AWSCodeDeployRoleForLambdaLimited`, and
   * `lambda:InvokeFunction` on the hooks).
   * @default in a RegionalService or MultiRegionService, the region's shared role, whose policy lists each function's alias, alarms and hooks; alone, a role scoped to this function's
   */
  readonly serviceRoleArn?: pulumi.Input<string>;
  /**
   * `codedeploy`: wait for each deployment to finish, and fail `pulumi up` with CodeDeploy's
   * reason when it fails or rolls back. With `false`, `pulumi up` returns once the deployment
   * has started and the alarms and hooks alone guard the rollout.
   * @default true
   */
  readonly waitForCompletion?: boolean;
  /**
   * `codedeploy`: minutes to wait for a deployment before failing `pulumi up` (the deployment
   * keeps running).
   * @default the deployment config's traffic-shifting time plus 30 minutes for hooks
   */
  readonly timeoutMinutes?: number;
  /**
   * `codedeploy`: outputs of deployments that must succeed before this function's traffic
   * shift starts, e.g. the previous region's `deploymentId`, to roll out region by region
   * (waves) so a failing canary stops the rollout before the next region. This function's
   * deployment depends on the resources these outputs come from.
   * @default none
   */
  readonly deployAfter?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * `codedeploy`: published versions kept after each successful deployment; older ones are
   * deleted unless an alias serves them. `0` keeps every version (see LambdaDeployment
   * `keepVersions`).
   * @default 5
   */
  readonly keepVersions?: number;
  /**
   * `codedeploy`: change (any text) to deploy a version again after it failed or was rolled
   * back; a later `pulumi up` never re-deploys it on its own (see LambdaDeployment `retryToken`).
   * @default none
   */
  readonly retryToken?: pulumi.Input<string>;
  /**
   * `weighted`: the published version that serves (1 - weight) of traffic. Unset on the first
   * deployment, when the alias points at the version just published.
   * @default the version just published
   */
  readonly stableVersion?: string;
  /**
   * `weighted`: the published version that gets `weight` of traffic.
   * @default the version just published (nothing is shifted when it equals `stableVersion`)
   */
  readonly canaryVersion?: string;
  /**
   * `weighted`: share of traffic, 0.0 to 1.0, sent to the canary version. Promote by setting
   * `stableVersion` to the canary version; roll back by setting `weight` to 0.
   * @default 0
   */
  readonly weight?: number;
}

/**
 * @deprecated Renamed `TrafficShifting`: schema types have no `Args` suffix, which the SDKs
 * of other languages add (`TrafficShiftingArgs` there).
 */
export type TrafficShiftingArgs = TrafficShifting;

/** The `trafficShifting` fields that belong to `weighted` mode only. */
export const WEIGHTED_ONLY_KEYS = ["stableVersion", "canaryVersion", "weight"] as const;

/** `trafficShifting` in `codedeploy` mode, for TypeScript callers who want the other mode's fields refused. */
export type CodeDeployTrafficShifting = Omit<
  TrafficShifting,
  "mode" | (typeof WEIGHTED_ONLY_KEYS)[number]
> & { readonly mode?: "codedeploy" };

/** `trafficShifting` in `weighted` mode, for TypeScript callers who want the other mode's fields refused. */
export type WeightedTrafficShifting = Pick<TrafficShifting, (typeof WEIGHTED_ONLY_KEYS)[number]> & {
  readonly mode: "weighted";
};

/** `TrafficShiftedFunctionArgs` in `codedeploy` mode: `trafficShifting` takes CodeDeploy's fields only. */
export type CodeDeployFunctionArgs = Omit<TrafficShiftedFunctionArgs, "trafficShifting"> & {
  readonly trafficShifting?: Omit<CodeDeployTrafficShifting, "mode">;
};

/** `TrafficShiftedFunctionArgs` in `weighted` mode: `trafficShifting`'s weighted fields, no hooks. */
export type WeightedFunctionArgs = Omit<TrafficShiftedFunctionArgs, "trafficShifting" | "hooks"> & {
  readonly trafficShifting?: Omit<WeightedTrafficShifting, "mode">;
};

/** Typed constructors for `trafficShifting`: each accepts only its own mode's fields. */
export const TrafficShifting = {
  /** CodeDeploy moves the alias (SAM `DeploymentPreference` semantics). */
  codeDeploy: (fields: Omit<CodeDeployTrafficShifting, "mode"> = {}): TrafficShifting => ({
    mode: "codedeploy",
    ...fields,
  }),
  /** The alias's routing weights move the traffic; stack config drives them. */
  weighted: (fields: Omit<WeightedTrafficShifting, "mode"> = {}): TrafficShifting => ({
    mode: "weighted",
    ...fields,
  }),
};

/** The validation functions CodeDeploy runs around a traffic shift. */
export interface DeploymentHooks {
  /**
   * Runs before any traffic moves (SAM `PreTraffic`, CodeDeploy BeforeAllowTraffic).
   * @default none
   */
  readonly preTraffic?: DeploymentHook;
  /**
   * Runs after all traffic moved (SAM `PostTraffic`, CodeDeploy AfterAllowTraffic).
   * @default none
   */
  readonly postTraffic?: DeploymentHook;
}

/**
 * @deprecated Renamed `DeploymentHooks`: schema types have no `Args` suffix, which the SDKs
 * of other languages add (`DeploymentHooksArgs` there).
 */
export type DeploymentHooksArgs = DeploymentHooks;

/** Instruction set of a Lambda function. */
export const Architecture = { X86_64: "x86_64", Arm64: "arm64" } as const;

/** Instruction set of a Lambda function. */
export type Architecture = (typeof Architecture)[keyof typeof Architecture];

/** The `LOG_LEVEL` a function is given. */
export const LogLevel = {
  Trace: "TRACE",
  Debug: "DEBUG",
  Info: "INFO",
  Warn: "WARN",
  Error: "ERROR",
  Fatal: "FATAL",
} as const;

/** The `LOG_LEVEL` a function is given. */
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** X-Ray tracing mode of a Lambda function. */
export const TracingMode = { Active: "Active", PassThrough: "PassThrough" } as const;

/** X-Ray tracing mode of a Lambda function. */
export type TracingMode = (typeof TracingMode)[keyof typeof TracingMode];

/** The hook functions of a `TrafficShiftedFunction`, by lifecycle event. */
export interface HookFunctions {
  /** The PreTraffic (BeforeAllowTraffic) hook function. */
  preTraffic?: aws.lambda.Function;
  /** The PostTraffic (AfterAllowTraffic) hook function. */
  postTraffic?: aws.lambda.Function;
}

/** Names of the hook functions, by AppSpec lifecycle event. */
export interface HookFunctionNames {
  /** The BeforeAllowTraffic hook's function name. */
  beforeAllowTraffic?: pulumi.Output<string>;
  /** The AfterAllowTraffic hook's function name. */
  afterAllowTraffic?: pulumi.Output<string>;
}

/** The alarms that stop a rollout. */
export interface TrafficShiftAlarms extends AlarmThresholdArgs {
  /**
   * Create the default `DeploymentAlarms` (errors, duration regression when a baseline is
   * given, throttles) on the alias.
   * @default true
   */
  readonly createDefaults?: boolean;
  /**
   * Names of existing CloudWatch alarms (in the function's region) that also stop a deployment.
   * CodeDeploy accepts at most 10 alarms per deployment group, defaults included.
   * @default []
   */
  readonly additionalAlarmNames?: pulumi.Input<string>[];
}

/**
 * @deprecated Renamed `TrafficShiftAlarms`: schema types have no `Args` suffix, which the SDKs
 * of other languages add (`TrafficShiftAlarmsArgs` there).
 */
export type TrafficShiftAlarmsArgs = TrafficShiftAlarms;

/**
 * A function's arguments without `region` and `tags`: what each function of a
 * RegionalService or MultiRegionService takes (the service sets those two).
 */
export interface ServiceFunction {
  /**
   * The function's code, e.g. `new pulumi.asset.FileArchive("./dist/orders")`. Exactly one of
   * `code` and `source`.
   * @default none (give `source` instead)
   */
  readonly code?: pulumi.Input<pulumi.asset.Archive>;
  /**
   * The handler, `<file>.<export>`.
   * @default "index.handler"
   */
  readonly handler?: pulumi.Input<string>;
  /**
   * The Lambda runtime.
   * @default "nodejs22.x"
   */
  readonly runtime?: pulumi.Input<string>;
  /**
   * Memory in MB, 128 to 10240.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout in seconds, 1 to 900.
   * @default 10
   */
  readonly timeout?: number;
  /**
   * Instruction set.
   * @default "x86_64"
   */
  readonly architecture?: Architecture;
  /**
   * Adds the AWS AppConfig Agent Lambda extension layer of the function's `region` and
   * `architecture`, so the function reads its feature flags from `localhost:2772` (see
   * `FeatureFlags`). Needs `region` as a plain string: the layer's ARN differs per region.
   * @default false
   */
  readonly appConfigExtension?: boolean;
  /**
   * Outputs whose resources must exist before a CodeDeploy deployment of this function starts,
   * e.g. `FeatureFlags.ready` (the flag deployments and the policies that let the role read
   * them), so a new version never starts before the flags it reads can be read. Only waits;
   * the values are not used. Ignored in `weighted` mode (no deployment).
   * @default none
   */
  readonly deploymentDependsOn?: pulumi.Input<string>[];
  /**
   * Environment variables. `LOG_LEVEL` is set from `logLevel`.
   * @default {}
   */
  readonly environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Sets the `LOG_LEVEL` environment variable.
   * @default "INFO"
   */
  readonly logLevel?: LogLevel;
  /**
   * ARN of an existing execution role. It must allow writing to the function's log group
   * (`logGroupName` output) and, with tracing, to X-Ray.
   * @default a role allowed to write its own log group, X-Ray traces, the dead-letter target and `policyStatements`
   */
  readonly role?: pulumi.Input<string>;
  /**
   * Extra statements for the created execution role (not allowed with `role`).
   * @default []
   */
  readonly policyStatements?: PolicyStatement[];
  /**
   * X-Ray tracing mode.
   * @default "Active"
   */
  readonly tracing?: TracingMode;
  /**
   * ARN of an SQS queue or SNS topic for events that failed asynchronous invocation.
   * @default none
   */
  readonly deadLetterTargetArn?: pulumi.Input<string>;
  /**
   * Reserved concurrent executions.
   * @default unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * Days to keep the function's logs (a CloudWatch Logs retention value).
   * @default 30
   */
  readonly logRetentionInDays?: number;
  /**
   * Name of the alias that callers use and that traffic shifting moves.
   * @default "live"
   */
  readonly aliasName?: string;
  /**
   * Description of the function.
   * @default none
   */
  readonly description?: pulumi.Input<string>;
  /**
   * How new versions take traffic.
   * @default { mode: "codedeploy", type: "Canary10Percent5Minutes" }
   */
  readonly trafficShifting?: TrafficShifting;
  /**
   * Validation functions CodeDeploy runs before (`preTraffic`, BeforeAllowTraffic) and after
   * (`postTraffic`, AfterAllowTraffic) shifting; a failure rolls the deployment back.
   * `codedeploy` mode only.
   * @default none
   */
  readonly hooks?: DeploymentHooks;
  /**
   * The alarms that stop and roll back a deployment.
   * @default the default DeploymentAlarms (errors > 5 for 2 minutes, throttles >= 1)
   */
  readonly alarms?: TrafficShiftAlarms;
  // --- Issue 17 part B: provisioned concurrency, bundling from source, function options ---
  /**
   * A TypeScript or JavaScript entry file bundled with esbuild when the component is constructed
   * (instead of a prebuilt `code` archive; exactly one of the two): platform node, CommonJS, the
   * runtime's Node.js version as target, `@aws-sdk/*` left to the runtime, a source map with
   * `NODE_OPTIONS=--enable-source-maps`. The same source gives the same archive, so an unchanged
   * source publishes no new version. Needs esbuild installed (an optional peer dependency) and a
   * Node.js runtime (nodejs22.x or later). The handler is `index.<export of the entry>`.
   * @default none (give `code` instead)
   */
  readonly source?: FunctionSource;
  /**
   * Provisioned concurrency on the alias (`aws.lambda.ProvisionedConcurrencyConfig` with the
   * alias as qualifier): environments kept initialized for the alias's callers. While the alias
   * routes between two versions (a CodeDeploy canary or linear shift, or `weighted` mode), Lambda
   * spreads it across both by their weights (Lambda API `PutProvisionedConcurrencyConfig`,
   * `AllocatedProvisionedConcurrentExecutions`). Counts towards `reservedConcurrency`, so it may
   * not exceed it; not with `snapStart`. Charged while configured, whether used or not.
   * @default none (on-demand only)
   */
  readonly provisionedConcurrency?: number;
  /**
   * Layer version ARNs (`arn:aws:lambda:<region>:<account>:layer:<name>:<version>`), in order. A
   * function takes at most 5 layers, the AppConfig extension's included.
   * @default []
   */
  readonly layers?: pulumi.Input<string>[];
  /**
   * Size of `/tmp` in MB, 512 to 10240 (above 512 MB is charged; not with `snapStart`).
   * @default 512
   */
  readonly ephemeralStorageMb?: number;
  /**
   * ARN of a customer managed KMS key that encrypts the environment variables at rest, instead of
   * Lambda's AWS managed key. The execution role needs nothing extra (Lambda decrypts the
   * environment when it starts the function), but the key policy must let the principal that
   * creates or updates the function use the key (`kms:Encrypt`, `kms:CreateGrant`) and Lambda
   * decrypt with it (`kms:Decrypt`); when it does not, invocations fail with
   * `KMSAccessDeniedException` (Lambda Developer Guide, "Securing environment variables").
   * @default Lambda's AWS managed key
   */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /**
   * SnapStart: `PublishedVersions` snapshots each published version's initialized environment.
   * Only for runtimes that support it (java11 and later, python3.12 and later, dotnet8 and later)
   * and never with provisioned concurrency, Amazon EFS or ephemeral storage above 512 MB (Lambda
   * Developer Guide, SnapStart "Supported features and limitations").
   * @default "None"
   */
  readonly snapStart?: SnapStartMode;
  /**
   * What else invokes the function: SQS queues, SNS topics, EventBridge Scheduler schedules,
   * EventBridge rules and DynamoDB streams. Every mapping, subscription, target and permission
   * names the alias, so these invocations shift with it (both modes) and count in its alarms.
   * With `role`, that role must allow reading the queues and streams (the created role is
   * granted exactly that).
   * @default none
   */
  readonly eventSources?: EventSources;
}

/**
 * @deprecated Renamed `ServiceFunction`: schema types have no `Args` suffix, which the SDKs
 * of other languages add (`ServiceFunctionArgs` there).
 */
export type ServiceFunctionArgs = ServiceFunction;

/** Arguments of `TrafficShiftedFunction`. */
export interface TrafficShiftedFunctionArgs extends ServiceFunction {
  /**
   * Region of every regional resource (`@pulumi/aws` v7 `region` input). IAM is global.
   * @default the provider's region
   */
  readonly region?: pulumi.Input<string>;
  /**
   * Tags on every taggable resource.
   * @default {}
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * SNS topics (ARNs, e.g. `ServiceNotifications.allTopicArns`) told about this function's
   * rollouts: the default alarms' state changes, and (`codedeploy`) the deployment group's
   * DeploymentFailure, DeploymentStop and DeploymentRollback events. Only the topics in the
   * function's region are used (alarm actions and CodeDeploy triggers name topics of their own
   * region). With `serviceRoleArn`, that role must be allowed `sns:Publish` on them.
   * @default none
   */
  readonly notificationTopicArns?: pulumi.Input<string>[];
  /**
   * The service's CloudWatch dashboard (`ServiceDashboard.url`, or `dashboardUrl(region, name)`
   * before the dashboard exists): the deployment's progress and failure messages link it
   * (`codedeploy`). Changing it alone deploys nothing.
   * @default none
   */
  readonly dashboardUrl?: pulumi.Input<string>;
  /**
   * Runs the function in a VPC: Lambda's `VpcConfig` (subnets and security groups; a service
   * sets it from its `network`). The execution role the component creates gets the
   * network-interface permissions (AWSLambdaVPCAccessExecutionRole's EC2 actions); a `role` of
   * your own needs them too. The function then reaches AWS APIs only through NAT or VPC
   * endpoints; the deployment hooks stay outside the VPC.
   * @default none: the function runs outside any VPC
   */
  readonly vpcConfig?: FunctionVpcConfig;
}
