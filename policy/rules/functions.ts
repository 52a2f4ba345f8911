// Production Lambda functions: traced, bounded, not logging at debug level, and with somewhere
// for failed asynchronous events to go.
import * as aws from "@pulumi/aws";
import {
  PolicyConfigSchema,
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import {
  configOf,
  EnvironmentSettings,
  environmentConfigProperties,
  isAbsent,
  isProduction,
  isUnknown,
  knownString,
  plain,
  plainProperty,
  referencedResources,
} from "./common";
import { fix } from "./remediation";

const environmentSchema: PolicyConfigSchema = { properties: { ...environmentConfigProperties } };

/** Production functions send traces to X-Ray (`tracingConfig.mode: Active`). */
export const prodFunctionsTraced: ResourceValidationPolicy = {
  name: "prod-functions-traced",
  description: 'Production Lambda functions have tracingConfig.mode "Active".',
  enforcementLevel: "mandatory",
  configSchema: environmentSchema,
  validateResource: validateResourceOfType(
    aws.lambda.Function,
    (fnProps, args, reportViolation) => {
      if (!isProduction(args, configOf<EnvironmentSettings>(args, environmentSchema))) {
        return;
      }
      const mode = plain(fnProps).tracingConfig?.mode;
      if (!isUnknown(mode) && mode !== "Active") {
        reportViolation(
          `The production function's tracing mode is ${mode ?? "unset (PassThrough)"}, so a ` +
            `failing canary cannot be traced. ${fix.tracing}.`,
        );
      }
    },
  ),
};

/**
 * Lambda's defaults (Lambda Developer Guide, "Configure Lambda function timeout" and "Configure
 * Lambda function memory"); the bridged provider's schema carries the same defaults and fills
 * them in during `Check`.
 */
export const LAMBDA_DEFAULT_LIMITS = { timeout: 3, memorySize: 128 } as const;

/**
 * Production functions set `timeout` and `memorySize` instead of inheriting Lambda's defaults
 * (3 s, 128 MB). Judged on what the engine sends to `Analyze`: the provider's `Check` has already
 * filled an omitted limit with its schema default, and the engine strips the bridge's
 * `__defaults` list that said so (it drops every key starting with `__`: pulumi/pulumi
 * `pkg/resource/plugin/analyzer_plugin.go` marshals with `SkipInternalKeys`,
 * `resource.IsInternalPropertyKey`). So a limit that is absent (offline, before `Check`) or
 * equal to Lambda's default counts as not chosen; an explicit 3 s or 128 MB cannot be told
 * apart from an omitted one and is reported too.
 */
export const prodFunctionsExplicitLimits: ResourceValidationPolicy = {
  name: "prod-functions-explicit-limits",
  description:
    "Production Lambda functions set timeout and memorySize explicitly, to values other than " +
    "Lambda's defaults (3 s, 128 MB).",
  enforcementLevel: "mandatory",
  configSchema: environmentSchema,
  validateResource: validateResourceOfType(
    aws.lambda.Function,
    (fnProps, args, reportViolation) => {
      if (!isProduction(args, configOf<EnvironmentSettings>(args, environmentSchema))) {
        return;
      }
      const fn = plain(fnProps) as Record<string, any>;
      const missing = (["timeout", "memorySize"] as const).filter(
        (key) => isAbsent(fn[key]) || fn[key] === LAMBDA_DEFAULT_LIMITS[key],
      );
      if (missing.length > 0) {
        reportViolation(
          `The production function leaves ${missing.join(" and ")} at Lambda's default ` +
            `(3 s, 128 MB; an explicit default value looks the same to the policy). ${fix.limits}.`,
        );
      }
    },
  ),
};

const logLevelSchema: PolicyConfigSchema = {
  properties: {
    ...environmentConfigProperties,
    forbiddenLogLevels: {
      type: "array",
      items: { type: "string" },
      default: ["DEBUG", "TRACE"],
      description: "Log levels not allowed in production (compared case-insensitively).",
    },
    logLevelVariables: {
      type: "array",
      items: { type: "string" },
      default: ["LOG_LEVEL"],
      description: "Environment variables that set the application's log level.",
    },
  },
};

interface LogLevelSettings extends EnvironmentSettings {
  forbiddenLogLevels: string[];
  logLevelVariables: string[];
}

/**
 * Production functions do not log at DEBUG/TRACE: cost, noise and the risk of logging payloads.
 * Advisory: turning debug logging on briefly during an incident is a judgement call.
 */
export const prodFunctionsNoDebugLogging: ResourceValidationPolicy = {
  name: "prod-functions-no-debug-logging",
  description:
    "Production Lambda functions do not set LOG_LEVEL or loggingConfig.applicationLogLevel to " +
    "DEBUG or TRACE.",
  enforcementLevel: "advisory",
  configSchema: logLevelSchema,
  validateResource: validateResourceOfType(
    aws.lambda.Function,
    (fnProps, args, reportViolation) => {
      const settings = configOf<LogLevelSettings>(args, logLevelSchema);
      if (!isProduction(args, settings)) {
        return;
      }
      const fn = plain(fnProps);
      const forbidden = new Set(settings.forbiddenLogLevels.map((level) => level.toUpperCase()));
      const variables = fn.environment?.variables;
      const levels: [string, unknown][] = [
        ...settings.logLevelVariables.map((name): [string, unknown] => [
          `environment variable ${name}`,
          isUnknown(variables) ? undefined : variables?.[name],
        ]),
        ["loggingConfig.applicationLogLevel", fn.loggingConfig?.applicationLogLevel],
      ];
      for (const [where, level] of levels) {
        if (typeof level === "string" && forbidden.has(level.toUpperCase())) {
          reportViolation(`The production function's ${where} is ${level}. ${fix.logLevel}.`);
        }
      }
    },
  ),
};

const failureDestinationSchema: PolicyConfigSchema = {
  properties: {
    ...environmentConfigProperties,
    asyncFunctions: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        "Logical or physical names of the functions invoked asynchronously. Empty: the functions " +
        "the stack visibly wires to an asynchronous source (a Lambda permission for S3, SNS, " +
        "EventBridge, CloudWatch Logs, SES or IoT; an SNS subscription; an EventBridge target; " +
        "an S3 bucket notification).",
    },
  },
};

interface FailureDestinationSettings extends EnvironmentSettings {
  asyncFunctions: string[];
}

/**
 * Services that invoke Lambda asynchronously (Lambda Developer Guide, "Invoking a Lambda
 * function asynchronously" and the per-service pages). API Gateway, ALB and SQS/stream event
 * source mappings invoke synchronously and are not here.
 */
const ASYNC_INVOKING_PRINCIPALS = [
  "s3.amazonaws.com",
  "sns.amazonaws.com",
  "events.amazonaws.com",
  "logs.amazonaws.com",
  "ses.amazonaws.com",
  "iot.amazonaws.com",
];

/** The functions the stack wires to an asynchronous source; undefined when one cannot be attributed. */
function asyncallyInvoked(
  resources: readonly PolicyResource[],
  functions: readonly PolicyResource[],
): Set<PolicyResource> | undefined {
  const invoked = new Set<PolicyResource>();
  const add = (source: PolicyResource, property: string): boolean => {
    const targets = referencedResources(source, property, functions, refersToFunction);
    targets?.forEach((target) => invoked.add(target));
    return targets !== undefined;
  };
  for (const resource of resources) {
    // Only the properties a branch reads, and only for the four types that can invoke
    // asynchronously (this runs for every resource of the stack).
    const property = (key: string): any => plainProperty(resource.props, key);
    let attributed = true;
    if (resource.isType(aws.lambda.Permission)) {
      const principal = knownString(property("principal"));
      if (principal !== undefined && ASYNC_INVOKING_PRINCIPALS.includes(principal)) {
        attributed = add(resource, "function");
      }
    } else if (resource.isType(aws.sns.TopicSubscription)) {
      if (knownString(property("protocol")) === "lambda") {
        attributed = add(resource, "endpoint");
      }
    } else if (resource.isType(aws.cloudwatch.EventTarget)) {
      attributed = add(resource, "arn");
    } else if (resource.isType(aws.s3.BucketNotification)) {
      const lambdaFunctions: unknown = property("lambdaFunctions");
      for (const notification of Array.isArray(lambdaFunctions) ? lambdaFunctions : []) {
        const arn = knownString(notification?.lambdaFunctionArn);
        const targets = arn ? functions.filter((fn) => refersToFunction(fn, arn)) : [];
        targets.forEach((target) => invoked.add(target));
        attributed = attributed && targets.length > 0;
      }
    }
    if (!attributed) {
      return undefined;
    }
  }
  return invoked;
}

function refersToFunction(fn: PolicyResource, reference: string): boolean {
  const props = plain(fn.props) as Record<string, any>;
  const name = knownString(props.name);
  const arn = knownString(props.arn);
  // A name, an ARN, or a qualified ARN (`<arn>:<alias or version>`).
  return reference === name || reference === arn || (!!arn && reference.startsWith(`${arn}:`));
}

/**
 * Asynchronously invoked production functions keep failed events: a dead-letter queue
 * (`deadLetterConfig.targetArn`) or an `aws.lambda.FunctionEventInvokeConfig` with
 * `destinationConfig.onFailure` for the function (Lambda Developer Guide, "Asynchronous
 * invocation"). A stack policy, because the invoke config is a separate resource. Which
 * functions are asynchronous: those in `asyncFunctions`, or, when it is empty, those the stack
 * wires to an asynchronous source (see {@link ASYNC_INVOKING_PRINCIPALS}); functions behind the
 * HTTP API are invoked synchronously and need neither. When a source's target cannot be told at
 * preview, every production function is checked. Advisory: raise it to mandatory to enforce.
 */
export const prodFunctionsHaveFailureDestination: StackValidationPolicy = {
  name: "prod-functions-have-failure-destination",
  description:
    "Production Lambda functions invoked asynchronously have a dead-letter queue or an on-failure " +
    "destination.",
  enforcementLevel: "advisory",
  configSchema: failureDestinationSchema,
  validateStack: (args, reportViolation) => {
    const settings = configOf<FailureDestinationSettings>(args, failureDestinationSchema);
    const functions = args.resources.filter(
      (resource) => resource.isType(aws.lambda.Function) && isProduction(resource, settings),
    );
    const covered = new Set<PolicyResource>();
    let unresolved = false;
    for (const resource of args.resources) {
      if (!resource.isType(aws.lambda.FunctionEventInvokeConfig)) {
        continue;
      }
      const onFailure = plain(resource.props).destinationConfig?.onFailure;
      if (isAbsent(onFailure) || isAbsent(onFailure.destination)) {
        continue;
      }
      const targets = referencedResources(resource, "functionName", functions, refersToFunction);
      if (targets) {
        targets.forEach((target) => covered.add(target));
      } else {
        unresolved = true;
      }
    }
    if (unresolved) {
      return; // an invoke config we cannot attribute may cover any function
    }
    const wiredAsync =
      settings.asyncFunctions.length === 0
        ? asyncallyInvoked(args.resources, functions)
        : undefined;

    for (const resource of functions) {
      const fn = plain(resource.props);
      const names = [resource.name, knownString(fn.name)];
      const isAsync =
        settings.asyncFunctions.length > 0
          ? names.some((name) => name !== undefined && settings.asyncFunctions.includes(name))
          : wiredAsync === undefined || wiredAsync.has(resource);
      if (!isAsync) {
        continue;
      }
      const deadLetter = fn.deadLetterConfig;
      if (covered.has(resource) || isUnknown(deadLetter) || !isAbsent(deadLetter?.targetArn)) {
        continue;
      }
      reportViolation(
        `The production function "${resource.name}" has no dead-letter queue and no on-failure ` +
          `destination: failed asynchronous events are dropped. ${fix.failureDestination}.`,
        resource.urn,
      );
    }
  },
};

export const functionPolicies = [
  prodFunctionsTraced,
  prodFunctionsExplicitLimits,
  prodFunctionsNoDebugLogging,
  prodFunctionsHaveFailureDestination,
];
