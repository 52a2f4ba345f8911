import type { PolicyStatement } from "../components/iam";
import { z } from "zod";
import { CREATABLE_NODE_RUNTIMES_TEXT, esbuildTarget } from "../components/bundling";
import type { DeploymentHook } from "../components/deploymentHook";
import {
  checkDurationOptions,
  metricsCheckConfigShape,
  smokeTestConfigShape,
  strictOptions,
  validateOptions,
  type CrossOptionCheck,
} from "./handlers/config";
import type { JsonValue } from "./handlers/json";
import { DEFAULT_SAFETY_MARGIN_MS } from "./handlers/report";
import { handlerArchive } from "./package";

export type { JsonValue } from "./handlers/json";

/** Settings of the hook function itself, common to the ready-made hooks. */
export interface HookFunctionOptions {
  /**
   * Timeout of the hook function in seconds (1-900); must leave room beyond `safetyMarginMs`
   * (the metrics check's default is 300, to wait `settleSeconds` first).
   * CodeDeploy waits up to an hour for a hook's status; the hooks report before this ends.
   * @default 120 (smoke test), 300 (metrics check)
   */
  readonly timeout?: number;
  /**
   * Memory of the hook function in MB (128-10240).
   * @default 256 (DeploymentHook)
   */
  readonly memorySize?: number;
  /**
   * Lambda runtime: `nodejs22.x` or later (Lambda no longer creates functions on nodejs18.x or
   * nodejs20.x; each Node.js runtime includes the AWS SDK v3 the hooks use).
   * @default "nodejs22.x" (DeploymentHook)
   */
  readonly runtime?: string;
  /**
   * How long before the hook's Lambda deadline it stops waiting and reports `Failed`, in ms
   * (500-60000).
   * @default 3000
   */
  readonly safetyMarginMs?: number;
}

/** What the smoke test expects of the new version's response (all optional). */
export interface SmokeTestExpectations {
  /**
   * The `statusCode` of the parsed payload (an API Gateway or function URL result): one code
   * or the list of acceptable ones.
   * @default not checked
   */
  readonly statusCode?: number | readonly number[];
  /**
   * A substring the payload's `body` must contain (decoded first when `isBase64Encoded`).
   * @default not checked
   */
  readonly bodyContains?: string;
  /**
   * A JSON subset the payload's `body` must match (the body is parsed as JSON when it is a
   * string): objects match when every given key matches, arrays item by item with the same
   * length, scalars when equal.
   * @default not checked
   */
  readonly bodyMatches?: JsonValue;
  /**
   * A JSON subset the whole parsed payload must match, for functions that are not HTTP handlers.
   * @default not checked
   */
  readonly payloadMatches?: JsonValue;
}

/** Options of {@link smokeTestHook}. */
export interface SmokeTestHookOptions extends HookFunctionOptions {
  /**
   * The test event the new version is invoked with (synchronously). It travels in the hook's
   * `HOOK_CONFIG` environment variable, so it must be JSON and small: Lambda allows 4 KB for
   * all environment variables of a function together.
   * @default {}
   */
  readonly event?: JsonValue;
  /**
   * Expectations beyond the ones always checked (Lambda `StatusCode` 200, no `FunctionError`).
   * @default {}
   */
  readonly expect?: SmokeTestExpectations;
}

/** Options of {@link metricsCheckHook}. */
export interface MetricsCheckHookOptions extends HookFunctionOptions {
  /**
   * Most `Errors` (sum) the new version may have had since the deployment was created.
   * @default 0
   */
  readonly maxErrors?: number;
  /**
   * Most `Throttles` (sum) on the alias since the deployment was created.
   * @default 0
   */
  readonly maxThrottles?: number;
  /**
   * Fewest `Invocations` the new version must have served through the alias (0 accepts a
   * deployment that saw no traffic).
   * @default 0
   */
  readonly minInvocations?: number;
  /**
   * Highest average `Duration` in ms of the new version. Only one of `maxDurationMs` and
   * `durationBaselineMs`.
   * @default not checked
   */
  readonly maxDurationMs?: number;
  /**
   * The known average duration in ms; the limit is `durationBaselineMs` x `durationFactor`.
   * @default not checked
   */
  readonly durationBaselineMs?: number;
  /**
   * Allowed regression over `durationBaselineMs` (1-100).
   * @default 1.2 (+20%)
   */
  readonly durationFactor?: number;
  /**
   * Seconds to wait for late CloudWatch datapoints before reading (0-840); cut short 10 s
   * before the safety margin. Keep `timeout` above it.
   * @default 120
   */
  readonly settleSeconds?: number;
}

/** Lambda allows 4 KB for all environment variables together; leave room for TARGET_*. */
const MAX_HOOK_CONFIG_BYTES = 3500;
const DEFAULT_HOOK_TIMEOUT_SECONDS = 120;
/** The metrics check waits settleSeconds (120 by default) for late metrics before reading. */
const DEFAULT_METRICS_HOOK_TIMEOUT_SECONDS = 300;

const functionOptionsShape = {
  timeout: z.number().int().min(1).max(900).optional(),
  memorySize: z.number().int().min(128).max(10240).optional(),
  runtime: z
    .string()
    .regex(/^nodejs\d+\.x$/, 'must be a Node.js runtime such as "nodejs22.x"')
    .refine((runtime) => esbuildTarget(runtime) !== undefined, {
      message: `must be ${CREATABLE_NODE_RUNTIMES_TEXT}`,
    })
    .optional(),
};

/** The hook's timeout must leave time for work beyond the safety margin. */
const checkTimeout =
  (defaultTimeout: number): CrossOptionCheck =>
  (input) => {
    const timeout = typeof input.timeout === "number" ? input.timeout : defaultTimeout;
    const marginMs =
      typeof input.safetyMarginMs === "number" ? input.safetyMarginMs : DEFAULT_SAFETY_MARGIN_MS;
    return timeout * 1000 < marginMs + 1000
      ? [
          {
            path: ["timeout"],
            message: `must leave at least 1 s of work beyond [safetyMarginMs] (${marginMs} ms)`,
          },
        ]
      : [];
  };

const smokeTestOptionsSchema = strictOptions({ ...smokeTestConfigShape, ...functionOptionsShape });
const metricsCheckOptionsSchema = strictOptions({
  ...metricsCheckConfigShape,
  ...functionOptionsShape,
});

type FunctionOptions = z.output<z.ZodObject<typeof functionOptionsShape>>;

/** Validates a factory's options, throwing one error that lists every problem. */
function validate<Schema extends z.ZodType>(
  factory: string,
  schema: Schema,
  options: unknown,
  crossChecks: readonly CrossOptionCheck[],
): z.output<Schema> {
  const result = validateOptions(schema, options ?? {}, crossChecks);
  if (!result.success) {
    throw new Error(`${factory}: invalid options:\n- ${result.problems.join("\n- ")}`);
  }
  return result.data;
}

/** The DeploymentHook of a ready-made hook with its configuration in `HOOK_CONFIG`. */
function hookArgs(
  factory: string,
  entry: "preTraffic" | "postTraffic",
  validated: FunctionOptions & Record<string, unknown>,
  defaultTimeout: number,
  policyStatements: PolicyStatement[],
): DeploymentHook {
  const { timeout, memorySize, runtime, ...config } = validated;
  const hookConfig = JSON.stringify(config);
  const bytes = Buffer.byteLength(hookConfig, "utf8");
  if (bytes > MAX_HOOK_CONFIG_BYTES) {
    throw new Error(
      `${factory}: invalid options:\n- HOOK_CONFIG would be ${bytes} bytes; Lambda allows 4 KB for all environment variables of a function together, so keep the options (mostly [event]) under ${MAX_HOOK_CONFIG_BYTES} bytes of JSON`,
    );
  }
  return {
    code: handlerArchive(entry),
    handler: "index.handler",
    timeout: timeout ?? defaultTimeout,
    ...(memorySize !== undefined ? { memorySize } : {}),
    ...(runtime !== undefined ? { runtime } : {}),
    // The archive ships index.js.map: Node reads it with this flag (Lambda docs, "Deploy
    // transpiled TypeScript code in Lambda with .zip file archives"), so a hook's stack trace
    // names hooks/handlers/*.ts and the line.
    environment: { HOOK_CONFIG: hookConfig, NODE_OPTIONS: "--enable-source-maps" },
    ...(policyStatements.length ? { policyStatements } : {}),
  };
}

/**
 * A PreTraffic hook that smoke-tests the new version before any traffic shifts: it reads the
 * deployment's AppSpec for the `TargetVersion`, invokes exactly that version with `event`,
 * checks the response and reports `Succeeded` or `Failed` to CodeDeploy (always, also when
 * its own code fails or time runs out). Needs no IAM beyond what `TrafficShiftedFunction`
 * gives every hook.
 *
 * @example
 * hooks: { preTraffic: smokeTestHook({ event: { path: "/health" }, expect: { statusCode: 200 } }) }
 * @throws when an option is invalid, listing every problem with its value and what is allowed.
 */
export function smokeTestHook(options: SmokeTestHookOptions = {}): DeploymentHook {
  const validated = validate("smokeTestHook", smokeTestOptionsSchema, options, [
    checkTimeout(DEFAULT_HOOK_TIMEOUT_SECONDS),
  ]);
  return hookArgs("smokeTestHook", "preTraffic", validated, DEFAULT_HOOK_TIMEOUT_SECONDS, []);
}

/**
 * A PostTraffic hook that checks the new version's CloudWatch metrics after all traffic has
 * shifted: errors and average duration of the new version (dimension `ExecutedVersion` on the
 * alias) and throttles on the alias, from the deployment's creation until now, against the
 * thresholds; reports `Succeeded` or `Failed` to CodeDeploy (always). Adds
 * `cloudwatch:GetMetricData` to the hook's IAM.
 *
 * @example
 * hooks: { postTraffic: metricsCheckHook({ maxErrors: 0, durationBaselineMs: 120 }) }
 * @throws when an option is invalid, listing every problem with its value and what is allowed.
 */
export function metricsCheckHook(options: MetricsCheckHookOptions = {}): DeploymentHook {
  const validated = validate("metricsCheckHook", metricsCheckOptionsSchema, options, [
    checkDurationOptions,
    checkTimeout(DEFAULT_METRICS_HOOK_TIMEOUT_SECONDS),
  ]);
  return hookArgs(
    "metricsCheckHook",
    "postTraffic",
    validated,
    DEFAULT_METRICS_HOOK_TIMEOUT_SECONDS,
    [
      {
        effect: "Allow",
        actions: ["cloudwatch:GetMetricData"],
        // GetMetricData supports no resource-level permissions (Service Authorization Reference,
        // "Actions defined by Amazon CloudWatch": no resource type for it), so "*" is required.
        resources: ["*"],
      },
    ],
  );
}
