/** Input checks of `TrafficShiftedFunction`: every problem at once, before anything is registered. */
import { checkDeploymentAlarmsArgs } from "./deploymentAlarms";
import { checkDashboardUrl, checkNotificationTopicArns } from "./serviceNotifications";
import { checkPolicyStatements } from "./iam";
import { checkDeploymentTypeFields } from "./trafficShifting";
import { TRAFFIC_SHIFTED_FUNCTION_ARGS } from "./argumentShapes";
import { findAppConfigExtensionLayerArn, missingExtensionLayer } from "./appConfigExtension";
import { ArgumentProblems, isKnown, REGION_PATTERN } from "./validation";
import { TrafficShiftedFunctionArgs } from "./trafficShiftedFunctionArgs";
import { checkBundles, checkCodeOrSource, checkFunctionOptions } from "./functionOptions";
import { checkFunctionVpcConfig } from "./serviceNetwork";
import { checkEventSources } from "./eventSources";

/** CloudWatch Logs retention values (source: PutRetentionPolicy API reference). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

/** CodeDeploy allows at most 10 alarms per deployment group (source: CodeDeploy quotas). */
export const MAX_DEPLOYMENT_ALARMS = 10;

const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

const VERSION_PATTERN = /^[1-9][0-9]*$/;

/** The problems of a known `environment`: variable names, and no `LOG_LEVEL` (set by `logLevel`). */
export function checkEnvironment(
  problems: ArgumentProblems,
  environment: Record<string, unknown>,
): void {
  for (const key of Object.keys(environment ?? {})) {
    problems.check(
      /^[a-zA-Z][a-zA-Z0-9_]*$/.test(key),
      `environment.${key}`,
      key,
      "environment variable names start with a letter and hold only letters, digits and _",
    );
  }
  if (environment && "LOG_LEVEL" in environment) {
    problems.add(
      "environment.LOG_LEVEL",
      environment.LOG_LEVEL,
      "set the log level with `logLevel` instead",
    );
  }
}

/** Every problem in `TrafficShiftedFunctionArgs`, found before anything is registered. */
export function checkTrafficShiftedFunctionArgs(
  subject: string,
  args: TrafficShiftedFunctionArgs,
  problems = new ArgumentProblems(subject),
  hasServiceTable = false,
): ArgumentProblems {
  if (args === undefined || args === null || typeof args !== "object") {
    problems.add("args", args, "must be an object with at least `code`");
    return problems;
  }
  // An Output where a known value is needed is reported once, by its key, and left out of
  // the checks below, which check the rest (every problem at once).
  args = problems.requireKnown(args, TRAFFIC_SHIFTED_FUNCTION_ARGS);
  problems.knownKeys(args, TRAFFIC_SHIFTED_FUNCTION_ARGS);
  checkNotificationTopicArns(problems, args.notificationTopicArns);
  checkDashboardUrl(problems, args.dashboardUrl);
  // Issue 17 part B: `code` or `source`, provisioned concurrency, layers and the other options.
  checkFunctionOptions(problems, {
    ...args,
    extensionLayerArn:
      args.appConfigExtension === true && typeof args.region === "string"
        ? findAppConfigExtensionLayerArn(args.region, args.architecture)
        : undefined,
  });
  problems.integerInRange("memorySize", args.memorySize, 128, 10240, "MB");
  problems.integerInRange("timeout", args.timeout, 1, 900, "seconds");
  problems.oneOf("architecture", args.architecture, ["x86_64", "arm64"]);
  problems.oneOf("appConfigExtension", args.appConfigExtension, [true, false]);
  if (args.deploymentDependsOn !== undefined && !Array.isArray(args.deploymentDependsOn)) {
    problems.add(
      "deploymentDependsOn",
      args.deploymentDependsOn,
      "must be a list of outputs (e.g. [flags.ready]) the deployment waits for",
    );
  }
  problems.oneOf("logLevel", args.logLevel, LOG_LEVELS);
  problems.oneOf("tracing", args.tracing, ["Active", "PassThrough"]);
  problems.oneOf("logRetentionInDays", args.logRetentionInDays, LOG_RETENTION_DAYS);
  problems.integerInRange("reservedConcurrency", args.reservedConcurrency, 0, 1_000_000);
  if (args.aliasName !== undefined) {
    // Alias names: 1-128 characters, letters, digits, - and _, not only digits (source: CreateAlias API).
    problems.check(
      typeof args.aliasName === "string" &&
        /^[a-zA-Z0-9_-]{1,128}$/.test(args.aliasName) &&
        !/^[0-9]+$/.test(args.aliasName),
      "aliasName",
      args.aliasName,
      "must be 1-128 letters, digits, - or _, and not only digits",
    );
  }
  if (typeof args.region === "string") {
    problems.check(
      REGION_PATTERN.test(args.region),
      "region",
      args.region,
      "must be an AWS region name such as us-east-1",
    );
  }
  if (isKnown(args.environment)) {
    checkEnvironment(problems, args.environment);
  }
  checkPolicyStatements(problems, "policyStatements", args.policyStatements);
  checkFunctionVpcConfig(problems, args.vpcConfig);
  if (args.role !== undefined && args.policyStatements !== undefined) {
    problems.add(
      "policyStatements",
      "(given)",
      "only applies to the role this component creates; add them to [role] yourself",
    );
  }

  const alarms = args.alarms ?? {};
  checkDeploymentAlarmsArgs(subject, alarms, "alarms.", problems);
  const shifting = args.trafficShifting ?? {};
  problems.oneOf("trafficShifting.mode", shifting.mode, ["codedeploy", "weighted"]);
  if (shifting.mode === "weighted") {
    const weighted = shifting;
    if (args.provisionedConcurrency !== undefined) {
      // Lambda refuses provisioned concurrency on an alias with routing weights
      // ("InvalidParameterValueException: Alias with weights can not be used with Provisioned
      // Concurrency", hashicorp/terraform#24957); weighted mode gives the alias weights.
      problems.add(
        "provisionedConcurrency",
        args.provisionedConcurrency,
        'cannot be used with trafficShifting.mode "weighted": Lambda refuses provisioned concurrency on an alias with routing weights; use mode "codedeploy" or unset [provisionedConcurrency]',
      );
    }
    for (const key of ["stableVersion", "canaryVersion"] as const) {
      const version = weighted[key];
      if (version !== undefined) {
        problems.check(
          typeof version === "string" && VERSION_PATTERN.test(version),
          `trafficShifting.${key}`,
          version,
          'must be a published version number such as "3" ($LATEST cannot be weighted or rolled back)',
        );
      }
    }
    problems.numberInRange("trafficShifting.weight", weighted.weight, 0, 1);
    if (weighted.canaryVersion !== undefined && weighted.canaryVersion === weighted.stableVersion) {
      problems.add(
        "trafficShifting.canaryVersion",
        weighted.canaryVersion,
        "must differ from stableVersion (an alias routes between two versions)",
      );
    }
    if (
      weighted.stableVersion === undefined &&
      (weighted.canaryVersion !== undefined || (weighted.weight ?? 0) > 0)
    ) {
      problems.add(
        "trafficShifting.stableVersion",
        undefined,
        "is required to send traffic to a canary version: set it to the version serving now",
      );
    }
    if (args.hooks?.preTraffic || args.hooks?.postTraffic) {
      problems.add(
        "hooks",
        Object.keys(args.hooks),
        'hooks run in CodeDeploy deployments; use trafficShifting.mode "codedeploy"',
      );
    }
  } else {
    const codeDeploy = shifting;
    checkDeploymentTypeFields(problems, "trafficShifting.", { ...codeDeploy });
    problems.integerInRange(
      "trafficShifting.timeoutMinutes",
      codeDeploy.timeoutMinutes,
      1,
      2880,
      "minutes",
    );
    const defaults = alarms.createDefaults ?? true;
    const defaultCount = defaults
      ? 1 +
        (alarms.durationBaselineMs !== undefined ? 1 : 0) +
        ((alarms.throttleAlarm ?? true) ? 1 : 0)
      : 0;
    const additional = alarms.additionalAlarmNames?.length ?? 0;
    if (defaultCount + additional > MAX_DEPLOYMENT_ALARMS) {
      problems.add(
        "alarms.additionalAlarmNames",
        `${additional} names`,
        `CodeDeploy allows at most ${MAX_DEPLOYMENT_ALARMS} alarms per deployment group; with ${defaultCount} default alarm(s) give at most ${MAX_DEPLOYMENT_ALARMS - defaultCount}`,
      );
    }
  }
  // Event sources (issue 17); `hasServiceTable`: a service gives the function its table's stream.
  checkEventSources(
    problems,
    args.eventSources,
    typeof args.timeout === "number" ? args.timeout : 10,
    hasServiceTable,
    typeof args.region === "string" ? args.region : undefined,
    args.role !== undefined,
  );
  for (const event of ["preTraffic", "postTraffic"] as const) {
    const hook = args.hooks?.[event];
    if (hook) {
      problems.integerInRange(`hooks.${event}.timeout`, hook.timeout, 1, 900, "seconds");
      problems.integerInRange(`hooks.${event}.memorySize`, hook.memorySize, 128, 10240, "MB");
      checkCodeOrSource(problems, `hooks.${event}.`, hook);
      checkPolicyStatements(problems, `hooks.${event}.policyStatements`, hook.policyStatements);
    }
  }
  // Bundle last: a source that does not bundle is one more problem, reported with the others
  // (checkBundles skips a source or runtime that is itself malformed, already reported above).
  checkBundles(problems, "", args);
  for (const event of ["preTraffic", "postTraffic"] as const) {
    const hook = args.hooks?.[event];
    if (hook) checkBundles(problems, `hooks.${event}.`, hook);
  }
  return problems;
}

/**
 * The extension's layer ARN differs per region: the function needs a plain `region` with a
 * layer in AWS's table (a service checks its functions for every region it places them in).
 */
export function checkExtensionRegion(
  problems: ArgumentProblems,
  args: TrafficShiftedFunctionArgs,
): void {
  if (typeof args !== "object" || args === null || args.appConfigExtension !== true) return;
  if (typeof args.region !== "string") {
    problems.add(
      "appConfigExtension",
      true,
      "needs `region` as a plain string such as us-east-1 (the extension's layer ARN differs per region)",
    );
  } else if (
    REGION_PATTERN.test(args.region) &&
    findAppConfigExtensionLayerArn(args.region, args.architecture) === undefined
  ) {
    problems.add("appConfigExtension", true, missingExtensionLayer(args.region));
  }
}
