// The ready-made PreTraffic (BeforeAllowTraffic) hook: a smoke test of the new version before
// CodeDeploy shifts any traffic to it. It invokes the deployment's TargetVersion directly
// (never the alias, which still serves the old version), checks the response and reports.
//
// Packaged into the hook's Lambda archive as index.js (see hooks/package.ts): imports only
// Node built-ins, the AWS SDK v3 that the Lambda Node.js runtimes include, sibling modules
// and the bundled packages.
import { CodeDeployClient } from "@aws-sdk/client-codedeploy";
import { InvokeCommand, LambdaClient, type InvocationResponse } from "@aws-sdk/client-lambda";
import { fetchDeploymentTarget } from "./appSpec";
import {
  parseHookConfig,
  safeJson,
  safetyMarginOf,
  smokeTestConfigSchema,
  type JsonValue,
  type SmokeTestExpectations,
} from "./config";
import {
  jsonLineLogger,
  runHook,
  type HookLogger,
  type HookVerdict,
  type LifecycleHookHandler,
} from "./report";

/** What the pre-traffic handler needs; tests pass mocked clients. */
export interface PreTrafficDependencies {
  codedeploy: CodeDeployClient;
  lambda: LambdaClient;
  /** The smoke test configuration: an object, or `HOOK_CONFIG`'s JSON text. @default {} */
  config?: unknown;
  /** Where `TARGET_FUNCTION_NAME` and `TARGET_ALIAS_NAME` are read. @default process.env */
  env?: Record<string, string | undefined>;
  /** @default one JSON line per entry on stdout (CloudWatch Logs) */
  log?: HookLogger;
}

/** A pre-traffic handler over the given clients and configuration. */
export function createPreTrafficHandler(deps: PreTrafficDependencies): LifecycleHookHandler {
  const log = deps.log ?? jsonLineLogger;
  return async (event, context) => {
    const safetyMarginMs = safetyMarginOf(smokeTestConfigSchema, deps.config);
    return runHook(
      event,
      context,
      { hook: "PreTraffic", codedeploy: deps.codedeploy, safetyMarginMs, log },
      async (lifecycleEvent, signal) => {
        const config = parseHookConfig(smokeTestConfigSchema, deps.config);
        const env = deps.env ?? process.env;
        const { functionName, target } = await fetchDeploymentTarget(
          deps.codedeploy,
          lifecycleEvent.DeploymentId,
          env,
          signal,
        );
        log({
          level: "INFO",
          hook: "PreTraffic",
          message: `invoking version ${target.targetVersion} of ${functionName}`,
          target,
        });
        const response = await deps.lambda.send(
          new InvokeCommand({
            FunctionName: functionName,
            // The new version itself: the alias still routes to the old one before traffic shifts.
            Qualifier: target.targetVersion,
            InvocationType: "RequestResponse",
            LogType: "Tail",
            Payload: Buffer.from(JSON.stringify(config.event)),
          }),
          { abortSignal: signal },
        );
        const verdict = evaluateInvocation(response, config.expect);
        const subject = `version ${target.targetVersion} of ${functionName}`;
        if (verdict.status === "Failed" && response.LogResult) {
          log({
            level: "ERROR",
            hook: "PreTraffic",
            message: `log tail of ${subject}`,
            logTail: Buffer.from(response.LogResult, "base64").toString("utf8"),
          });
        }
        return { ...verdict, reason: `${subject}: ${verdict.reason}`, details: { target } };
      },
    );
  };
}

/**
 * Checks an Invoke response against the expectations: always Lambda's `StatusCode` 200 and no
 * `FunctionError`; then, when configured, the parsed payload's `statusCode`, `body` and shape.
 * Every failed check is in the reason.
 */
export function evaluateInvocation(
  response: Pick<InvocationResponse, "StatusCode" | "FunctionError" | "Payload">,
  expect: SmokeTestExpectations,
): HookVerdict {
  const payloadText = response.Payload ? Buffer.from(response.Payload).toString("utf8") : "";
  const problems: string[] = [];
  if (response.StatusCode !== 200) {
    problems.push(`Lambda returned StatusCode ${String(response.StatusCode)}, expected 200`);
  }
  if (response.FunctionError) {
    const error = safeJson(payloadText) as
      { errorType?: unknown; errorMessage?: unknown } | undefined;
    const detail =
      error && typeof error === "object"
        ? [error.errorType, error.errorMessage].filter((part) => part !== undefined).join(": ")
        : truncate(payloadText);
    return {
      status: "Failed",
      reason: [...problems, `the function failed (${response.FunctionError}): ${detail}`].join(
        "; ",
      ),
    };
  }
  const needsPayload =
    expect.statusCode !== undefined ||
    expect.bodyContains !== undefined ||
    expect.bodyMatches !== undefined ||
    expect.payloadMatches !== undefined;
  if (needsPayload) {
    const payload = safeJson(payloadText);
    if (payload === undefined) {
      problems.push(`the payload is not JSON: ${truncate(payloadText)}`);
    } else {
      problems.push(...checkPayload(payload, expect));
    }
  }
  return problems.length
    ? { status: "Failed", reason: problems.join("; ") }
    : {
        status: "Succeeded",
        reason: needsPayload ? "response as expected" : "invoked without error",
      };
}

function checkPayload(payload: unknown, expect: SmokeTestExpectations): string[] {
  const problems: string[] = [];
  const result =
    typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>) : {};
  if (expect.statusCode !== undefined) {
    const allowed = Array.isArray(expect.statusCode) ? expect.statusCode : [expect.statusCode];
    if (typeof result.statusCode !== "number" || !allowed.includes(result.statusCode)) {
      problems.push(
        `statusCode ${JSON.stringify(result.statusCode ?? null)}, expected ${allowed.join(" or ")}`,
      );
    }
  }
  if (expect.bodyContains !== undefined || expect.bodyMatches !== undefined) {
    const body = bodyOf(result);
    if (body === undefined) {
      problems.push("the payload has no body");
    } else {
      const bodyText = typeof body === "string" ? body : JSON.stringify(body);
      if (expect.bodyContains !== undefined && !bodyText.includes(expect.bodyContains)) {
        problems.push(
          `body does not contain ${JSON.stringify(expect.bodyContains)}: ${truncate(bodyText)}`,
        );
      }
      if (expect.bodyMatches !== undefined) {
        const parsed = typeof body === "string" ? safeJson(body) : body;
        if (parsed === undefined) {
          problems.push(`body is not JSON: ${truncate(bodyText)}`);
        } else {
          problems.push(...jsonSubsetMismatches(parsed, expect.bodyMatches, "body"));
        }
      }
    }
  }
  if (expect.payloadMatches !== undefined) {
    problems.push(...jsonSubsetMismatches(payload, expect.payloadMatches, "payload"));
  }
  return problems;
}

/** The `body` of an API Gateway / Function URL style result, base64-decoded when flagged. */
function bodyOf(result: Record<string, unknown>): unknown {
  const body = result.body;
  if (typeof body === "string" && result.isBase64Encoded === true) {
    return Buffer.from(body, "base64").toString("utf8");
  }
  return body;
}

/**
 * Where `actual` differs from the `expected` JSON subset: objects match when every expected
 * key matches (extra keys are fine), arrays when they have the same length and match item by
 * item, scalars when equal. Returns one line per mismatch, with its path.
 */
export function jsonSubsetMismatches(actual: unknown, expected: JsonValue, path: string): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      return [`${path}: expected an array, got ${truncate(JSON.stringify(actual) ?? "undefined")}`];
    }
    if (actual.length !== expected.length) {
      return [`${path}: expected ${expected.length} items, got ${actual.length}`];
    }
    return expected.flatMap((item, index) =>
      jsonSubsetMismatches(actual[index], item, `${path}[${index}]`),
    );
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) {
      return [
        `${path}: expected an object, got ${truncate(JSON.stringify(actual) ?? "undefined")}`,
      ];
    }
    return Object.entries(expected).flatMap(([key, value]) =>
      key in actual
        ? jsonSubsetMismatches((actual as Record<string, unknown>)[key], value, `${path}.${key}`)
        : [`${path}.${key}: missing`],
    );
  }
  return actual === expected
    ? []
    : [
        `${path}: expected ${JSON.stringify(expected)}, got ${truncate(JSON.stringify(actual) ?? "undefined")}`,
      ];
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

let realClients: { codedeploy: CodeDeployClient; lambda: LambdaClient } | undefined;

/**
 * The Lambda entry point: real clients, created on first use and reused while the container
 * lives; configuration from `HOOK_CONFIG`.
 */
export const handler: LifecycleHookHandler = (event, context) => {
  realClients ??= { codedeploy: new CodeDeployClient({}), lambda: new LambdaClient({}) };
  return createPreTrafficHandler({ ...realClients, config: process.env.HOOK_CONFIG })(
    event,
    context,
  );
};
