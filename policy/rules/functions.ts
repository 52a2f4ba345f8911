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
 * Production functions set `timeout` and `memorySize` instead of inheriting Lambda's defaults
 * (3 s, 128 MB: Lambda Developer Guide, "Configure Lambda function timeout/memory"). A property
 * the provider filled in from its schema default is listed in the bridge's `__defaults` and does
 * not count as set.
 */
export const prodFunctionsExplicitLimits: ResourceValidationPolicy = {
  name: "prod-functions-explicit-limits",
  description: "Production Lambda functions set timeout and memorySize explicitly.",
  enforcementLevel: "mandatory",
  configSchema: environmentSchema,
  validateResource: validateResourceOfType(
    aws.lambda.Function,
    (fnProps, args, reportViolation) => {
      if (!isProduction(args, configOf<EnvironmentSettings>(args, environmentSchema))) {
        return;
      }
      const fn = plain(fnProps) as Record<string, any>;
      const defaulted = Array.isArray(fn.__defaults) ? fn.__defaults : [];
      const missing = ["timeout", "memorySize"].filter(
        (key) => isAbsent(fn[key]) || defaulted.includes(key),
      );
      if (missing.length > 0) {
        reportViolation(
          `The production function leaves ${missing.join(" and ")} at Lambda's default ` +
            `(3 s, 128 MB). ${fix.limits}.`,
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
        "Logical or physical names of the functions invoked asynchronously (events, queues, " +
        "schedules). Empty: every production function is checked.",
    },
  },
};

interface FailureDestinationSettings extends EnvironmentSettings {
  asyncFunctions: string[];
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
 * invocation"). A stack policy, because the invoke config is a separate resource. Advisory:
 * functions behind the HTTP API are invoked synchronously and need neither; list the async ones
 * in `asyncFunctions` (and raise the level to mandatory) to enforce it where it matters.
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

    for (const resource of functions) {
      const fn = plain(resource.props);
      const names = [resource.name, knownString(fn.name)];
      if (
        settings.asyncFunctions.length > 0 &&
        !names.some((name) => name !== undefined && settings.asyncFunctions.includes(name))
      ) {
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
