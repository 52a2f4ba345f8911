import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DeploymentAlarms } from "./deploymentAlarms";
import { topicsInRegion } from "./serviceNotifications";
import { DeploymentHook } from "./deploymentHook";
import { LambdaDeployment, newLambdaDeployment } from "./lambdaDeployment";
import { boundedName, boundedPrefix, explicitName, NAME_LIMITS } from "./naming";
import { iamStatement, policyDocument, serviceTrustPolicy } from "./iam";
import {
  customTrafficRouting,
  deploymentTypeOf,
  describeDeploymentType,
  predefinedConfigName,
} from "./trafficShifting";
import { findAppConfigExtensionLayerArn } from "./appConfigExtension";
import { networkInterfaceStatements } from "./serviceNetwork";
import { CreatedEventSources, createEventSources } from "./eventSources";
import { ArgumentProblems, mergeMaps } from "./validation";
import { bundledCode, DEFAULT_MEMORY_SIZE_MB, functionLayers } from "./functionOptions";
import {
  deploymentRoleStatements,
  DeploymentRoleGrant,
  grantCharsUpperBound,
  SharedServiceRole,
  sharedDeploymentOf,
} from "./sharedDeployment";

import {
  CodeDeployFunctionArgs,
  HookFunctionNames,
  HookFunctions,
  TrafficShifting,
  TrafficShiftedFunctionArgs,
  TrafficShiftingMode,
  WeightedFunctionArgs,
} from "./trafficShiftedFunctionArgs";
import {
  checkEnvironment,
  checkExtensionRegion,
  checkTrafficShiftedFunctionArgs,
} from "./trafficShiftedFunctionChecks";

export * from "./trafficShiftedFunctionArgs";
export {
  checkTrafficShiftedFunctionArgs,
  MAX_DEPLOYMENT_ALARMS,
} from "./trafficShiftedFunctionChecks";

/** The deployment of each TrafficShiftedFunction (kept off the class so the schema does not list it). */
const typeScriptOnly = new WeakMap<
  TrafficShiftedFunction,
  {
    deployment?: LambdaDeployment;
    deploymentAlarms?: DeploymentAlarms;
    eventSources?: CreatedEventSources;
  }
>();

/**
 * A `dependsOn` entry that waits for the resources the given outputs come from. `deployAfter`
 * holds outputs, not resources, so every Pulumi language can give it; an Output in `dependsOn`
 * contributes the resources behind it (`gatherExplicitDependencies` in @pulumi/pulumi
 * `runtime/dependsOn`).
 */
function earlierWaves(
  deployAfter: pulumi.Input<pulumi.Input<string>[]> | undefined,
): pulumi.Resource {
  const waitFor: pulumi.Output<pulumi.Resource[]> = pulumi
    .output(deployAfter ?? [])
    .apply(() => [] as pulumi.Resource[]);
  return waitFor as unknown as pulumi.Resource;
}

/**
 * A Lambda function whose new versions reach users gradually and roll back by themselves:
 * the function publishes a version on every change, callers use the alias (`live`), and the
 * alias moves to the new version either through CodeDeploy (`codedeploy` mode: canary,
 * linear or all-at-once, stopped and rolled back by alarms and hooks, like SAM's
 * `DeploymentPreference`) or through routing weights set from stack config (`weighted` mode).
 *
 * In `codedeploy` mode Pulumi creates the alias at the first version and never updates it
 * afterwards (`ignoreChanges` on every input the provider could update in place): CodeDeploy
 * owns it. `currentVersion`-to-`targetVersion` deployments are started for each new published
 * version. Changing `aliasName` or `region` replaces the alias at the version Pulumi last
 * recorded: run `pulumi refresh` first (docs/deployments.md, "When to run pulumi refresh").
 */
export class TrafficShiftedFunction extends pulumi.ComponentResource {
  /**
   * A function in `codedeploy` mode, with the compiler refusing the `weighted` fields of
   * `trafficShifting` (`stableVersion`, `canaryVersion`, `weight`).
   *
   * @example
   * TrafficShiftedFunction.codeDeploy("orders", {
   *   code,
   *   trafficShifting: { type: "Canary10Percent5Minutes" },
   * });
   */
  static codeDeploy(
    name: string,
    args: CodeDeployFunctionArgs,
    opts?: pulumi.ComponentResourceOptions,
  ): TrafficShiftedFunction {
    const { trafficShifting, ...rest } = args;
    return new TrafficShiftedFunction(
      name,
      {
        ...rest,
        ...(trafficShifting && { trafficShifting: { ...trafficShifting, mode: "codedeploy" } }),
      },
      opts,
    );
  }

  /**
   * A function in `weighted` mode, with the compiler refusing the CodeDeploy fields of
   * `trafficShifting` and `hooks` (hooks run in CodeDeploy deployments).
   *
   * @example
   * TrafficShiftedFunction.weighted("orders", {
   *   code,
   *   trafficShifting: { stableVersion: "3", canaryVersion: "4", weight: 0.1 },
   * });
   */
  static weighted(
    name: string,
    args: WeightedFunctionArgs,
    opts?: pulumi.ComponentResourceOptions,
  ): TrafficShiftedFunction {
    return new TrafficShiftedFunction(
      name,
      { ...args, trafficShifting: { ...args.trafficShifting, mode: "weighted" } },
      opts,
    );
  }

  /**
   * The CodeDeploy deployment that moves the alias to `targetVersion` on every `pulumi up`
   * that publishes a new version (`codedeploy` mode). TypeScript only: a getter, because a
   * package schema cannot describe a resource of this package (other languages get
   * `deploymentId`).
   */
  get deployment(): LambdaDeployment | undefined {
    return typeScriptOnly.get(this)?.deployment;
  }

  /** The Lambda function. */
  readonly function: aws.lambda.Function;
  /** The alias callers invoke; integrations and permissions should target it. */
  readonly alias: aws.lambda.Alias;
  /** The execution role, when this component created it. */
  readonly role?: aws.iam.Role;
  /** The function's log group. */
  readonly logGroup: aws.cloudwatch.LogGroup;
  /** Function name. */
  readonly functionName: pulumi.Output<string>;
  /** Unqualified function ARN. */
  readonly functionArn: pulumi.Output<string>;
  /** The alias ARN (`<function arn>:<alias>`). */
  readonly aliasArn: pulumi.Output<string>;
  /** The alias's invoke ARN, for API Gateway integrations. */
  readonly aliasInvokeArn: pulumi.Output<string>;
  /** The alias name. */
  readonly aliasName: string;
  /** The version just published: the version a deployment moves the alias to. */
  readonly targetVersion: pulumi.Output<string>;
  /** `codedeploy` or `weighted`. */
  readonly mode: TrafficShiftingMode;
  /**
   * The deployment type (`codedeploy` mode) in words, e.g. `Canary10Percent5Minutes` or
   * `canary 25% then 100% after 15 min`.
   */
  readonly deploymentType?: string;
  /** CodeDeploy application name (`codedeploy` mode). */
  readonly applicationName?: pulumi.Output<string>;
  /** The deployment group (`codedeploy` mode). */
  readonly deploymentGroup?: aws.codedeploy.DeploymentGroup;
  /** Deployment group name (`codedeploy` mode). */
  readonly deploymentGroupName?: pulumi.Output<string>;
  /** CodeDeploy deployment config name (`CodeDeployDefault.Lambda...` or the custom one). */
  readonly deploymentConfigName?: pulumi.Output<string>;
  /** The default alarms, when created (TypeScript only: a component of this package; other languages get `alarmNames`). */
  get deploymentAlarms(): DeploymentAlarms | undefined {
    return typeScriptOnly.get(this)?.deploymentAlarms;
  }
  /**
   * The resources of the event sources: created queues, mappings, the failure handling of the
   * asynchronous sources and the alarms on the queues of failed events (TypeScript only).
   */
  get eventSources(): CreatedEventSources | undefined {
    return typeScriptOnly.get(this)?.eventSources;
  }
  /** Names of every alarm that stops a deployment. */
  readonly alarmNames: pulumi.Output<string[]>;
  /** The hook functions, by lifecycle event. */
  readonly hookFunctions: HookFunctions;
  /**
   * Id of the CodeDeploy deployment that moved the alias to `targetVersion` (`codedeploy`
   * mode); pass it to another function's `trafficShifting.deployAfter` to roll out in waves.
   */
  readonly deploymentId?: pulumi.Output<string>;
  /** Names of the hook functions, for the deployment's AppSpec. */
  readonly hookFunctionNames: HookFunctionNames;
  /** The alias's provisioned concurrency, when `provisionedConcurrency` is set. */
  readonly provisionedConcurrencyConfig?: aws.lambda.ProvisionedConcurrencyConfig;

  /**
   * @param name The _unique_ name of the component; child names derive from it.
   * @param args The function, how its versions take traffic, its alarms and hooks.
   *   `TrafficShiftedFunction.codeDeploy` / `.weighted` take each mode's fields only.
   * @param opts Options for the component (providers are inherited by every child).
   */
  constructor(
    name: string,
    args: TrafficShiftedFunctionArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    // Validate before registering anything: bad input must not leave half a component behind.
    const problems = checkTrafficShiftedFunctionArgs(`TrafficShiftedFunction "${name}"`, args);
    checkExtensionRegion(problems, args);
    problems.throwIfAny();
    super("multiregion-serverless:index:TrafficShiftedFunction", name, {}, opts);

    const shifting = args.trafficShifting ?? {};
    const weighted = shifting.mode === "weighted" ? shifting : undefined;
    const codeDeploy = weighted ? undefined : shifting;
    this.mode = weighted ? "weighted" : "codedeploy";
    this.aliasName = args.aliasName ?? "live";
    const region = args.region;
    const tags = args.tags;
    const tracing = args.tracing ?? "Active";

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        region,
        namePrefix: boundedPrefix(`/aws/lambda/${name}-`, NAME_LIMITS.logGroup),
        retentionInDays: args.logRetentionInDays ?? 30,
        tags,
      },
      { parent: this },
    );

    let roleArn: pulumi.Input<string>;
    let rolePolicy: aws.iam.RolePolicy | undefined;
    if (args.role !== undefined) {
      roleArn = args.role;
    } else {
      this.role = new aws.iam.Role(
        `${name}-role`,
        {
          name: boundedName(`${name}-role`, NAME_LIMITS.iamRole),
          assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com"),
          tags,
        },
        { parent: this },
      );
      rolePolicy = new aws.iam.RolePolicy(
        `${name}-role-policy`,
        {
          role: this.role.name,
          policy: policyDocument([
            ...loggingStatements(this.logGroup),
            ...(tracing === "Active" ? [xrayStatement] : []),
            ...(args.deadLetterTargetArn ? [deadLetterStatement(args.deadLetterTargetArn)] : []),
            ...(args.policyStatements ?? []).map(iamStatement),
            ...(args.vpcConfig
              ? networkInterfaceStatements(this.logGroup.arn, args.vpcConfig)
              : []),
          ]),
        },
        { parent: this },
      );
      roleArn = this.role.arn;
    }

    // Bundled from `source` (issue 17): the checks above bundled it once to report errors.
    const bundled = bundledCode(args);
    this.function = new aws.lambda.Function(
      `${name}-function`,
      {
        name: boundedName(`${name}-function`, NAME_LIMITS.lambdaFunction),
        region,
        description: args.description,
        code: bundled?.archive ?? args.code,
        handler: args.handler ?? "index.handler",
        runtime: args.runtime ?? "nodejs22.x",
        architectures: [args.architecture ?? "x86_64"],
        layers: functionLayers(
          args.appConfigExtension
            ? [findAppConfigExtensionLayerArn(String(args.region), args.architecture)!]
            : undefined,
          args.layers,
        ),
        memorySize: args.memorySize ?? DEFAULT_MEMORY_SIZE_MB,
        timeout: args.timeout ?? 10,
        role: roleArn,
        // Every change publishes an immutable version; the alias decides which one serves.
        publish: true,
        environment: {
          // An environment sent as one Output (a secret map) is checked once it is known.
          variables: mergeMaps(
            // The bundle's NODE_OPTIONS first: the caller's own, even inside an Output, wins.
            [bundled?.environment, args.environment, { LOG_LEVEL: args.logLevel ?? "INFO" }],
            ([, environment]) => {
              const problems = new ArgumentProblems(`TrafficShiftedFunction "${name}"`);
              checkEnvironment(problems, environment);
              problems.throwIfAny();
            },
          ),
        },
        tracingConfig: { mode: tracing },
        deadLetterConfig: args.deadLetterTargetArn
          ? { targetArn: args.deadLetterTargetArn }
          : undefined,
        reservedConcurrentExecutions: args.reservedConcurrency,
        loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
        tags,
        ephemeralStorage:
          args.ephemeralStorageMb !== undefined ? { size: args.ephemeralStorageMb } : undefined,
        kmsKeyArn: args.kmsKeyArn,
        snapStart:
          args.snapStart === "PublishedVersions" ? { applyOn: "PublishedVersions" } : undefined,
        vpcConfig: args.vpcConfig,
      },
      // The role's policy must be in place before the function first runs.
      { parent: this, dependsOn: rolePolicy ? [rolePolicy] : [] },
    );
    this.functionName = this.function.name;
    this.functionArn = this.function.arn;
    this.targetVersion = this.function.version;

    if (weighted) {
      this.alias = new aws.lambda.Alias(
        `${name}-alias`,
        {
          region,
          name: this.aliasName,
          functionName: this.function.name,
          functionVersion: weighted.stableVersion ?? this.function.version,
          routingConfig: weightedRouting(weighted, this.function.version),
        },
        { parent: this },
      );
    } else {
      this.alias = new aws.lambda.Alias(
        `${name}-alias`,
        codeDeployAliasArgs(region, this.aliasName, this.function),
        { parent: this, ignoreChanges: [...CODEDEPLOY_ALIAS_IGNORED_INPUTS] },
      );
    }
    this.aliasArn = this.alias.arn;
    this.aliasInvokeArn = this.alias.invokeArn;
    // Provisioned concurrency on the alias, never on a version: it follows the alias through every
    // shift (issue 17; see `ServiceFunction.provisionedConcurrency`).
    this.provisionedConcurrencyConfig =
      args.provisionedConcurrency !== undefined
        ? new aws.lambda.ProvisionedConcurrencyConfig(
            `${name}-provisioned-concurrency`,
            {
              region,
              functionName: this.function.name,
              qualifier: this.alias.name,
              provisionedConcurrentExecutions: args.provisionedConcurrency,
            },
            { parent: this },
          )
        : undefined;
    // Event sources (issue 17): every one invokes the alias, never the function or $LATEST.
    if (args.eventSources) {
      const eventSources = createEventSources(
        {
          name,
          parent: this,
          region,
          tags,
          timeout: args.timeout ?? 10,
          functionName: this.function.name,
          aliasName: this.aliasName,
          aliasArn: this.alias.arn,
          roleName: this.role?.name,
          dependsOn: [this.alias, ...(rolePolicy ? [rolePolicy] : [])],
          notificationTopicArns: args.notificationTopicArns,
        },
        args.eventSources,
      );
      typeScriptOnly.set(this, { ...typeScriptOnly.get(this), eventSources });
    }

    const alarms = args.alarms ?? {};
    // The notification topics of this function's region (issue 16).
    const notificationTopics = args.notificationTopicArns?.length
      ? topicsInRegion(
          args.notificationTopicArns,
          region ?? this.function.arn.apply((arn) => arn.split(":")[3]),
        )
      : undefined;
    if (alarms.createDefaults ?? true) {
      const deploymentAlarms = new DeploymentAlarms(
        `${name}-alarms`,
        {
          functionName: this.function.name,
          aliasName: this.aliasName,
          errorThreshold: alarms.errorThreshold,
          durationBaselineMs: alarms.durationBaselineMs,
          durationTolerance: alarms.durationTolerance,
          // The new version's own duration, not the mix the alias serves during a canary.
          version: this.function.version,
          throttleAlarm: alarms.throttleAlarm,
          region,
          tags,
          ...(notificationTopics ? { alarmActions: notificationTopics } : {}),
        },
        { parent: this },
      );
      typeScriptOnly.set(this, { ...typeScriptOnly.get(this), deploymentAlarms });
    }
    this.alarmNames = pulumi
      .all([this.deploymentAlarms?.alarmNames ?? [], pulumi.all(alarms.additionalAlarmNames ?? [])])
      .apply(([defaults, additional]) => [...defaults, ...additional]);

    this.hookFunctions = {};
    this.hookFunctionNames = {};

    if (codeDeploy) {
      const type = deploymentTypeOf(codeDeploy);
      this.deploymentType = describeDeploymentType(type);
      // In a service, the application and the service role are the region's shared ones
      // (components/sharedDeployment.ts) unless this function names its own.
      const hooks = args.hooks ?? {};
      const alarmCount =
        (this.deploymentAlarms?.alarmCount ?? 0) + (alarms.additionalAlarmNames?.length ?? 0);
      const sharedResources = sharedDeploymentOf(args);
      const sharedRole: SharedServiceRole | undefined =
        codeDeploy.serviceRoleArn === undefined
          ? sharedResources?.serviceRole(
              grantCharsUpperBound(
                this.aliasName,
                [
                  // Default alarms are auto-named `<name>-alarms-<kind>-<7 characters>`.
                  ...Array.from(
                    { length: this.deploymentAlarms?.alarmCount ?? 0 },
                    () => `${name}-alarms-throttles`.length + 8,
                  ),
                  ...(alarms.additionalAlarmNames ?? []).map((alarm) =>
                    typeof alarm === "string" ? alarm.length : undefined,
                  ),
                ],
                (hooks.preTraffic ? 1 : 0) + (hooks.postTraffic ? 1 : 0),
                topicCountUpperBound(args.notificationTopicArns, region),
              ),
            )
          : undefined;
      let applicationName: pulumi.Input<string>;
      if (codeDeploy.applicationName !== undefined) {
        applicationName = codeDeploy.applicationName;
      } else if (sharedResources) {
        applicationName = sharedResources.applicationName();
      } else {
        const application = new aws.codedeploy.Application(
          `${name}-deploy`,
          {
            region,
            name: boundedName(`${name}-deploy`, NAME_LIMITS.codeDeployApplication),
            computePlatform: "Lambda",
            tags,
          },
          { parent: this },
        );
        applicationName = application.name;
      }
      this.applicationName = pulumi.output(applicationName);

      if (typeof type === "string") {
        this.deploymentConfigName = pulumi.output(predefinedConfigName(type));
      } else {
        const config = new aws.codedeploy.DeploymentConfig(
          `${name}-deployment-config`,
          {
            region,
            deploymentConfigName: boundedName(
              `${name}-deployment-config`,
              NAME_LIMITS.codeDeployDeploymentConfig,
            ),
            computePlatform: "Lambda",
            trafficRoutingConfig: customTrafficRouting(type),
          },
          { parent: this },
        );
        this.deploymentConfigName = config.deploymentConfigName;
      }

      let serviceRole: aws.iam.Role | undefined;
      if (codeDeploy.serviceRoleArn === undefined && !sharedRole) {
        serviceRole = new aws.iam.Role(
          `${name}-deploy-role`,
          {
            name: boundedName(`${name}-deploy-role`, NAME_LIMITS.iamRole),
            assumeRolePolicy: serviceTrustPolicy("codedeploy.amazonaws.com"),
            tags,
          },
          { parent: this },
        );
      }

      this.deploymentGroup = new aws.codedeploy.DeploymentGroup(
        `${name}-deployment-group`,
        {
          region,
          appName: applicationName,
          // Unique within the application: one group per function. In an application of this
          // component's own (auto-named, so per stack) the component name is enough; in a
          // shared application, other stacks of the same program put their groups there too.
          deploymentGroupName: explicitName(
            name,
            NAME_LIMITS.codeDeployDeploymentGroup,
            codeDeploy.applicationName !== undefined,
          ),
          serviceRoleArn:
            codeDeploy.serviceRoleArn ?? serviceRole?.arn ?? sharedRole!.serviceRoleArn,
          deploymentConfigName: this.deploymentConfigName,
          deploymentStyle: {
            deploymentType: "BLUE_GREEN",
            deploymentOption: "WITH_TRAFFIC_CONTROL",
          },
          autoRollbackConfiguration: {
            enabled: true,
            events: [
              "DEPLOYMENT_FAILURE",
              "DEPLOYMENT_STOP_ON_ALARM",
              "DEPLOYMENT_STOP_ON_REQUEST",
            ],
          },
          alarmConfiguration:
            alarmCount > 0
              ? { enabled: true, alarms: this.alarmNames, ignorePollAlarmFailure: false }
              : undefined,
          triggerConfigurations: notificationTopics
            ? rolloutTriggers(notificationTopics)
            : undefined,
          tags,
        },
        { parent: this },
      );
      this.deploymentGroupName = this.deploymentGroup.deploymentGroupName;

      const createHook = (
        event: "preTraffic" | "postTraffic",
        hook: DeploymentHook,
      ): aws.lambda.Function =>
        this.createHook(
          name,
          event,
          hook,
          region,
          tags,
          tracing,
          args.logLevel ?? "INFO",
          args.logRetentionInDays ?? 30,
        );
      if (hooks.preTraffic) {
        this.hookFunctions.preTraffic = createHook("preTraffic", hooks.preTraffic);
        this.hookFunctionNames.beforeAllowTraffic = this.hookFunctions.preTraffic.name;
      }
      if (hooks.postTraffic) {
        this.hookFunctions.postTraffic = createHook("postTraffic", hooks.postTraffic);
        this.hookFunctionNames.afterAllowTraffic = this.hookFunctions.postTraffic.name;
      }

      const grant = this.deploymentRoleGrant(alarmCount > 0, notificationTopics);
      const serviceRolePolicy = serviceRole
        ? new aws.iam.RolePolicy(
            `${name}-deploy-role-policy`,
            {
              role: serviceRole.name,
              policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: deploymentRoleStatements([grant]),
              }),
            },
            { parent: this },
          )
        : undefined;
      sharedRole?.grant(grant);

      const deployment = newLambdaDeployment(
        `${name}-deployment`,
        {
          applicationName,
          deploymentGroupName: this.deploymentGroup.deploymentGroupName,
          functionName: this.function.name,
          aliasName: this.aliasName,
          targetVersion: this.function.version,
          hooks: this.hookFunctionNames,
          waitForCompletion: codeDeploy.waitForCompletion ?? true,
          timeoutMinutes: codeDeploy.timeoutMinutes,
          keepVersions: codeDeploy.keepVersions,
          retryToken: codeDeploy.retryToken,
          dashboardUrl: args.dashboardUrl,
          // The account the function was created in: the deployment refuses any other.
          allowedAccountIds: [this.function.arn.apply((arn) => arn.split(":")[4])],
          // The function ARN names its region when the provider's default region is used.
          region: region ?? this.function.arn.apply((arn) => arn.split(":")[3]),
        },
        {
          parent: this,
          // Everything a deployment uses must exist first: the alias it moves, the group and
          // the role CodeDeploy acts with, the hooks it invokes, and earlier waves.
          dependsOn: [
            this.alias,
            this.deploymentGroup,
            ...(serviceRolePolicy ? [serviceRolePolicy] : []),
            // The shared role's policy is created once every function of the service is
            // constructed; a promise in dependsOn is awaited (@pulumi/pulumi runtime/dependsOn).
            ...(sharedRole ? [sharedRole.serviceRolePolicy as unknown as pulumi.Resource] : []),
            ...Object.values(this.hookFunctions),
            // Allocated on the serving version before CodeDeploy shifts the alias (issue 17).
            ...(this.provisionedConcurrencyConfig ? [this.provisionedConcurrencyConfig] : []),
            earlierWaves(codeDeploy.deployAfter),
            earlierWaves(args.deploymentDependsOn),
          ],
        },
      );
      // Empty when this `pulumi up` published no new version (nothing to deploy).
      this.deploymentId = deployment.deploymentId.apply((id) => id ?? "");
      typeScriptOnly.set(this, { ...typeScriptOnly.get(this), deployment });
    }

    this.registerOutputs({
      functionName: this.functionName,
      functionArn: this.functionArn,
      aliasArn: this.aliasArn,
      aliasInvokeArn: this.aliasInvokeArn,
      targetVersion: this.targetVersion,
      applicationName: this.applicationName,
      deploymentGroupName: this.deploymentGroupName,
      deploymentConfigName: this.deploymentConfigName,
      alarmNames: this.alarmNames,
      deploymentId: this.deploymentId,
      deploymentType: this.deploymentType,
      provisionedConcurrencyConfig: this.provisionedConcurrencyConfig,
    });
  }

  /** A hook function with its own role: report status on this deployment group, invoke this function's versions. */
  private createHook(
    name: string,
    event: "preTraffic" | "postTraffic",
    hook: DeploymentHook,
    region: pulumi.Input<string> | undefined,
    tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
    tracing: "Active" | "PassThrough",
    logLevel: string,
    logRetentionInDays: number,
  ): aws.lambda.Function {
    const childName = `${name}-${event === "preTraffic" ? "pre-traffic" : "post-traffic"}-hook`;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${childName}-logs`,
      {
        region,
        namePrefix: boundedPrefix(`/aws/lambda/${childName}-`, NAME_LIMITS.logGroup),
        retentionInDays: logRetentionInDays,
        tags,
      },
      { parent: this },
    );
    const role = new aws.iam.Role(
      `${childName}-role`,
      {
        name: boundedName(`${childName}-role`, NAME_LIMITS.iamRole),
        assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com"),
        tags,
      },
      { parent: this },
    );
    const deploymentGroupArn = this.deploymentGroup!.arn;
    const rolePolicy = new aws.iam.RolePolicy(
      `${childName}-role-policy`,
      {
        role: role.name,
        policy: policyDocument([
          ...loggingStatements(logGroup),
          ...(tracing === "Active" ? [xrayStatement] : []),
          {
            Sid: "ReportLifecycleHookStatus",
            Effect: "Allow",
            // Both act on the deployment group: the Service Authorization Reference lists no
            // resource type for PutLifecycleEventHookExecutionStatus, but CodeDeploy's
            // permissions reference and SAM's documented hook policy scope it to the
            // deployment group, and SAM's hooks run with exactly that grant.
            Action: ["codedeploy:PutLifecycleEventHookExecutionStatus", "codedeploy:GetDeployment"],
            Resource: deploymentGroupArn,
          },
          {
            Sid: "ReadDeploymentAppSpec",
            Effect: "Allow",
            // GetDeployment gives only the AppSpec's sha256; its content (the TargetVersion)
            // comes from GetApplicationRevision, which acts on the application.
            Action: "codedeploy:GetApplicationRevision",
            Resource: deploymentGroupArn.apply(applicationArnOfDeploymentGroup),
          },
          {
            Sid: "InvokeTargetVersions",
            Effect: "Allow",
            Action: "lambda:InvokeFunction",
            Resource: pulumi.interpolate`${this.function.arn}:*`,
          },
          ...(hook.policyStatements ?? []).map(iamStatement),
        ]),
      },
      { parent: this },
    );
    const bundled = bundledCode(hook);
    return new aws.lambda.Function(
      childName,
      {
        name: boundedName(childName, NAME_LIMITS.lambdaFunction),
        region,
        description: pulumi.interpolate`CodeDeploy ${event === "preTraffic" ? "BeforeAllowTraffic" : "AfterAllowTraffic"} hook for ${this.function.name}`,
        code: bundled?.archive ?? hook.code,
        handler: hook.handler ?? "index.handler",
        runtime: hook.runtime ?? "nodejs22.x",
        memorySize: hook.memorySize ?? 256,
        timeout: hook.timeout ?? 120,
        role: role.arn,
        environment: {
          variables: {
            LOG_LEVEL: logLevel,
            ...(bundled?.environment ?? {}),
            ...(hook.environment ?? {}),
            TARGET_FUNCTION_NAME: this.function.name,
            TARGET_ALIAS_NAME: this.aliasName,
          },
        },
        tracingConfig: { mode: tracing },
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        tags,
      },
      // The role's policy must be in place before CodeDeploy first invokes the hook.
      { parent: this, dependsOn: [rolePolicy] },
    );
  }

  /**
   * What CodeDeploy needs for this function: its alias, its alarms, its hooks, and the topics its
   * rollout events go to.
   */
  private deploymentRoleGrant(
    hasAlarms: boolean,
    notificationTopics?: pulumi.Output<string[]>,
  ): DeploymentRoleGrant {
    // The function ARN is arn:<partition>:lambda:<region>:<account>:function:<name>; alarms
    // live in the same partition, region and account.
    const alarmArns = hasAlarms
      ? pulumi.all([this.function.arn, this.alarmNames]).apply(([functionArn, names]) => {
          const [, partition, , region, account] = functionArn.split(":");
          return names.map(
            (alarm) => `arn:${partition}:cloudwatch:${region}:${account}:alarm:${alarm}`,
          );
        })
      : [];
    const hookArns = [this.hookFunctions.preTraffic, this.hookFunctions.postTraffic]
      .filter((fn): fn is aws.lambda.Function => fn !== undefined)
      .map((fn) => fn.arn);
    return {
      functionArn: this.function.arn,
      aliasArn: this.alias.arn,
      alarmArns,
      hookArns,
      topicArns: notificationTopics ?? [],
    };
  }
}

/**
 * CodeDeploy triggers for a rollout that did not end well (CodeDeploy API reference,
 * `TriggerConfig.triggerEvents`: DeploymentFailure, DeploymentStop, DeploymentRollback), one per
 * topic (a trigger has one target; a deployment group holds at most 10).
 */
function rolloutTriggers(topics: pulumi.Output<string[]>) {
  return topics.apply((arns) =>
    arns.map((arn) => ({
      triggerName: `rollout-${arn.split(":")[5]}`.slice(0, 100),
      triggerEvents: ["DeploymentFailure", "DeploymentStop", "DeploymentRollback"],
      triggerTargetArn: arn,
    })),
  );
}

/**
 * The application ARN of a deployment group ARN (Service Authorization Reference, CodeDeploy:
 * `...:deploymentgroup:${ApplicationName}/${DeploymentGroupName}` and
 * `...:application:${ApplicationName}`).
 */
export function applicationArnOfDeploymentGroup(deploymentGroupArn: string): string {
  return deploymentGroupArn.replace(/:deploymentgroup:([^/]+)\/.*$/, ":application:$1");
}

/**
 * Every input of `aws.lambda.Alias` that the provider can change in place (all but `name`,
 * `functionName` and `region`, whose change replaces the alias). A CodeDeploy-owned alias
 * ignores all of them: CodeDeploy moves it, and the bridged provider's update
 * (terraform-provider-aws `internal/service/lambda/alias.go`, `resourceAliasUpdate`) sends the
 * WHOLE alias to `UpdateAlias`: the `function_version` Pulumi recorded (the version the alias was
 * created at, stale once CodeDeploy has moved it, because ignored inputs keep their old value)
 * and a routing config that is empty unless set, which clears CodeDeploy's weights. Any update
 * would move all traffic to an old version with no alarm watching.
 */
export const CODEDEPLOY_ALIAS_IGNORED_INPUTS = [
  "functionVersion",
  "routingConfig",
  "description",
] as const;

/**
 * The inputs of a CodeDeploy-owned alias: only what identifies it (a change replaces it) and
 * the version it starts at. Nothing else, so no change of this package can make Pulumi update
 * it (see `CODEDEPLOY_ALIAS_IGNORED_INPUTS`).
 */
function codeDeployAliasArgs(
  region: pulumi.Input<string> | undefined,
  aliasName: string,
  fn: aws.lambda.Function,
): aws.lambda.AliasArgs {
  return { region, name: aliasName, functionName: fn.name, functionVersion: fn.version };
}

/** X-Ray's write actions do not support resource-level permissions (source: X-Ray IAM docs). */
const xrayStatement: aws.iam.PolicyStatement = {
  Sid: "WriteTraces",
  Effect: "Allow",
  Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
  Resource: "*",
};

function loggingStatements(logGroup: aws.cloudwatch.LogGroup): aws.iam.PolicyStatement[] {
  return [
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      // Both act on log streams (Service Authorization Reference, CloudWatch Logs:
      // `log-group:<name>:log-stream:<stream>`), so the log group's own ARN would grant nothing;
      // `<log group ARN>:*` is the form the Lambda Developer Guide uses for a function's logs.
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: pulumi.interpolate`${logGroup.arn}:*`,
    },
  ];
}

function deadLetterStatement(targetArn: pulumi.Input<string>): aws.iam.PolicyStatement {
  return {
    Sid: "SendToDeadLetterTarget",
    Effect: "Allow",
    Action: pulumi
      .output(targetArn)
      .apply((arn) => (arn.split(":")[2] === "sns" ? "sns:Publish" : "sqs:SendMessage")),
    Resource: targetArn,
  };
}

function weightedRouting(
  shifting: TrafficShifting,
  publishedVersion: pulumi.Output<string>,
): pulumi.Input<aws.types.input.lambda.AliasRoutingConfig> | undefined {
  const weight = shifting.weight ?? 0;
  if (shifting.stableVersion === undefined || weight === 0) {
    return undefined;
  }
  const stable = shifting.stableVersion;
  return pulumi.output(shifting.canaryVersion ?? publishedVersion).apply((canary) =>
    // Nothing to shift once the stable version is the newest one (promoted, or no code change).
    canary === stable ? {} : { additionalVersionWeights: { [canary]: weight } },
  );
}
/**
 * How many of `arns` the deployment role may publish to, at most: the topics of `region` when
 * both the ARN and the region are known strings at construction, every other entry otherwise
 * (the grant lists only the region's topics, `topicsInRegion`).
 */
export function topicCountUpperBound(
  arns: readonly pulumi.Input<string>[] | undefined,
  region: pulumi.Input<string> | undefined,
): number {
  return (arns ?? []).filter(
    (arn) => typeof arn !== "string" || typeof region !== "string" || arn.split(":")[3] === region,
  ).length;
}
