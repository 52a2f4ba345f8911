// Event sources invoke the alias (issue 17): an event source mapping, invoke permission, SNS
// subscription, EventBridge target, Scheduler schedule, function URL or API Gateway integration
// that names the unqualified function, `$LATEST` or a pinned version bypasses the alias, so a
// canary or weighted shift never reaches those invocations, the alias's deployment alarms never
// see them, and a rollback leaves them on the new code.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isAbsent, isUnknown, plain } from "./common";
import { fix } from "./remediation";

/** What a reference to a Lambda function resolves to, as far as it is known. */
export type FunctionTarget =
  | { kind: "unknown" }
  | { kind: "not-lambda" }
  | { kind: "qualified"; qualifier: string }
  | { kind: "version"; name: string; version: string }
  | { kind: "unqualified"; name: string }
  | { kind: "latest"; name: string };

/**
 * How a function reference is qualified. Lambda takes a name (`orders`), a partial ARN
 * (`123456789012:function:orders`) or a full ARN (`arn:aws:lambda:<region>:<account>:function:orders`),
 * each optionally followed by `:<alias or version>` (Lambda API reference, Invoke/AddPermission
 * `FunctionName`; CreateEventSourceMapping `FunctionName`); AddPermission's `Qualifier` says the
 * same separately. An unknown part (a preview) cannot be judged.
 */
export function functionTarget(reference: unknown, qualifier?: unknown): FunctionTarget {
  if (isUnknown(reference) || isUnknown(qualifier)) return { kind: "unknown" };
  if (typeof reference !== "string" || reference === "") return { kind: "unknown" };
  const parts = reference.split(":");
  let name: string;
  let own: string | undefined;
  if (reference.startsWith("arn:")) {
    if (parts[2] !== "lambda" || parts[5] !== "function") return { kind: "not-lambda" };
    name = parts[6];
    own = parts[7];
  } else if (parts.includes("function")) {
    const at = parts.indexOf("function");
    name = parts[at + 1];
    own = parts[at + 2];
  } else {
    name = parts[0];
    own = parts[1];
  }
  const effective = typeof qualifier === "string" && qualifier !== "" ? qualifier : own;
  if (effective === undefined || effective === "") return { kind: "unqualified", name };
  if (effective === "$LATEST") return { kind: "latest", name };
  // A version qualifier is a number (Lambda API reference, PublishVersion `Version`; alias names
  // may not be all digits, CreateAlias `Name` pattern `(?!^[0-9]+$)([a-zA-Z0-9-_]+)`).
  if (/^[0-9]+$/.test(effective)) return { kind: "version", name, version: effective };
  return { kind: "qualified", qualifier: effective };
}

function judge(
  what: string,
  target: FunctionTarget,
  reportViolation: (message: string) => void,
): void {
  if (target.kind === "unqualified") {
    reportViolation(
      `The ${what} invokes function "${target.name}" unqualified, so it bypasses the alias: ` +
        `traffic shifting, the deployment alarms and rollbacks never reach these invocations. ${fix.invokeAlias}.`,
    );
  } else if (target.kind === "latest") {
    reportViolation(
      `The ${what} invokes $LATEST of function "${target.name}", the unpublished code: it ` +
        `bypasses the alias and every version. ${fix.invokeAlias}.`,
    );
  } else if (target.kind === "version") {
    reportViolation(
      `The ${what} invokes version ${target.version} of function "${target.name}", pinned: it ` +
        `bypasses the alias, so traffic shifting, the deployment alarms and rollbacks never reach ` +
        `these invocations. ${fix.invokeAlias}.`,
    );
  }
}

/**
 * The function ARN inside an API Gateway Lambda integration URI: an HTTP API takes the function
 * ARN itself, a REST API (and an HTTP API too) the path form
 * `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`
 * (API Gateway Developer Guide, "Create AWS Lambda proxy integrations for HTTP APIs";
 * API Gateway API reference, Integration `uri`). Anything else is not a function.
 */
export function integrationFunction(uri: unknown): unknown {
  if (typeof uri !== "string") return uri;
  const path = /^arn:[^:]+:apigateway:[^:]+:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/.exec(
    uri,
  );
  return path ? path[1] : uri;
}

/** Every event source and invoke permission names a Lambda alias. Applies in every environment. */
export const eventSourcesInvokeAlias: ResourceValidationPolicy = {
  name: "event-sources-invoke-alias",
  description:
    "Lambda event source mappings, invoke permissions, SNS subscriptions, EventBridge targets " +
    "EventBridge Scheduler schedules, function URLs and API Gateway integrations invoke an alias, " +
    "never an unqualified function, $LATEST or a pinned version.",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.lambda.EventSourceMapping, (props, _args, report) => {
      judge("event source mapping", functionTarget(plain(props).functionName), report);
    }),
    validateResourceOfType(aws.lambda.Permission, (props, _args, report) => {
      const permission = plain(props);
      const qualifier = isAbsent(permission.qualifier) ? undefined : permission.qualifier;
      judge("invoke permission", functionTarget(permission.function, qualifier), report);
    }),
    validateResourceOfType(aws.sns.TopicSubscription, (props, _args, report) => {
      const subscription = plain(props);
      if (subscription.protocol !== "lambda") return;
      judge("SNS subscription", functionTarget(subscription.endpoint), report);
    }),
    validateResourceOfType(aws.cloudwatch.EventTarget, (props, _args, report) => {
      judge("EventBridge target", functionTarget(plain(props).arn), report);
    }),
    validateResourceOfType(aws.scheduler.Schedule, (props, _args, report) => {
      const target = plain(props).target;
      if (isUnknown(target)) return;
      judge("EventBridge Scheduler schedule", functionTarget(target?.arn), report);
    }),
    validateResourceOfType(aws.lambda.FunctionUrl, (props, _args, report) => {
      const url = plain(props);
      const qualifier = isAbsent(url.qualifier) ? undefined : url.qualifier;
      const target = functionTarget(url.functionName, qualifier);
      // A URL without a qualifier serves the unpublished function, $LATEST (Lambda API
      // reference, CreateFunctionUrlConfig `Qualifier`: "The alias name").
      judge(
        "function URL",
        target.kind === "unqualified" ? { kind: "latest", name: target.name } : target,
        report,
      );
    }),
    validateResourceOfType(aws.apigatewayv2.Integration, (props, _args, report) => {
      const integration = plain(props);
      // A WebSocket API's `AWS` integration with the Lambda invoke action (the "Lambda custom
      // integration") invokes the function as much as `AWS_PROXY` does (API Gateway v2 API
      // reference, Integration `integrationType`: "AWS: for integrating the route or method
      // request with an AWS service action, including the Lambda function-invoking action").
      if (integration.integrationType !== "AWS_PROXY" && integration.integrationType !== "AWS") {
        return;
      }
      judge(
        "API Gateway integration",
        functionTarget(integrationFunction(integration.integrationUri)),
        report,
      );
    }),
    validateResourceOfType(aws.apigateway.Integration, (props, _args, report) => {
      const integration = plain(props);
      if (integration.type !== "AWS_PROXY" && integration.type !== "AWS") return;
      judge(
        "API Gateway integration",
        functionTarget(integrationFunction(integration.uri)),
        report,
      );
    }),
  ],
};

export const eventSourcePolicies = [eventSourcesInvokeAlias];
