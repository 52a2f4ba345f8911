// The configuration of the ready-made hooks (the `HOOK_CONFIG` environment variable, JSON),
// validated with zod both by the factories (`smokeTestHook`, `metricsCheckHook`, at
// `pulumi preview` time) and by the handlers at run time. Packaged into the hook's archive:
// imports only packages that `hooks/package.ts` bundles.
import { inspect } from "util";
import { z } from "zod";
import type { JsonValue } from "./json";
import { DEFAULT_SAFETY_MARGIN_MS, HookCheckFailed } from "./report";

export type { JsonValue } from "./json";

function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (depth > 64) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).every((item) => isJsonValue(item, depth + 1));
  }
  return false;
}

const jsonValue = z.custom<JsonValue>((value) => isJsonValue(value), {
  error:
    "must be a JSON value (string, finite number, boolean, null, or arrays and plain objects of those; no undefined)",
});

/** An object schema that rejects unknown keys, naming them and the allowed ones. */
export function strictOptions<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown option(s) ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}; allowed: ${allowed}`
        : undefined,
  });
}

const httpStatusCode = z.number().int().min(100).max(599);
const count = z.number().int().min(0);

/** The shared option: how long before the Lambda deadline the hook reports `Failed`. */
const safetyMarginMs = z
  .number()
  .int()
  .min(500)
  .max(60_000)
  .default(DEFAULT_SAFETY_MARGIN_MS)
  .describe("Milliseconds before the Lambda deadline at which the hook stops and reports Failed.");

/** What the smoke test expects of the new version's response. */
export const smokeTestExpectationsShape = {
  /** Expected `statusCode` of the parsed payload (an API Gateway / Function URL style result): one code or a list. */
  statusCode: z
    .union([httpStatusCode, z.array(httpStatusCode).min(1)], {
      error: "must be an HTTP status code (an integer 100-599) or a non-empty list of them",
    })
    .optional(),
  /** A substring the payload's `body` must contain (base64 bodies are decoded first). */
  bodyContains: z.string().min(1).optional(),
  /** A JSON subset the payload's `body` (parsed as JSON when it is a string) must match. */
  bodyMatches: jsonValue.optional(),
  /** A JSON subset the whole parsed payload must match (for functions that are not HTTP handlers). */
  payloadMatches: jsonValue.optional(),
};

/** `HOOK_CONFIG` of the pre-traffic smoke test. */
export const smokeTestConfigShape = {
  /** The test event the new version is invoked with. */
  event: jsonValue.default({}),
  expect: strictOptions(smokeTestExpectationsShape).default({}),
  safetyMarginMs,
};
export const smokeTestConfigSchema = strictOptions(smokeTestConfigShape);
export type SmokeTestConfig = z.output<typeof smokeTestConfigSchema>;
export type SmokeTestExpectations = SmokeTestConfig["expect"];

/** How long the metrics check waits for late CloudWatch datapoints by default. */
export const DEFAULT_SETTLE_SECONDS = 120;

/** `HOOK_CONFIG` of the post-traffic metrics check. */
export const metricsCheckConfigShape = {
  /** Most `Errors` (sum) of the new version in the deployment window. */
  maxErrors: count.default(0),
  /** Most `Throttles` (sum) on the alias in the deployment window. */
  maxThrottles: count.default(0),
  /** Fewest `Invocations` of the new version in the window (0: no traffic is fine). */
  minInvocations: count.default(0),
  /** Highest average `Duration` (ms) of the new version. Exclusive with `durationBaselineMs`. */
  maxDurationMs: z.number().positive().optional(),
  /** Baseline average duration (ms); the limit is baseline x `durationFactor`. */
  durationBaselineMs: z.number().positive().optional(),
  /** Allowed regression over `durationBaselineMs`. @default 1.2 (+20%) */
  durationFactor: z.number().min(1).max(100).optional(),
  /**
   * Seconds to wait after all traffic has shifted before reading the metrics: Lambda's
   * CloudWatch metrics arrive a minute or two late, and the window's last minutes (all of it,
   * under AllAtOnce) would otherwise be empty. Cut short when the hook's deadline is nearer.
   * @default 120
   */
  settleSeconds: z.number().int().min(0).max(840).default(DEFAULT_SETTLE_SECONDS),
  safetyMarginMs,
};

/** The default allowed duration regression over the baseline: +20% (the seed's practice). */
export const DEFAULT_DURATION_FACTOR = 1.2;

/** A problem with a combination of options, found apart from the schema. */
export interface OptionIssue {
  path: string[];
  message: string;
}

/**
 * A rule across options. It runs on the raw input even when single options are invalid (zod
 * skips refinements after a type error), so every problem is reported at once.
 */
export type CrossOptionCheck = (input: Record<string, unknown>) => OptionIssue[];

/** The metrics check's duration options: one limit, and a factor only with a baseline. */
export const checkDurationOptions: CrossOptionCheck = (input) => {
  const issues: OptionIssue[] = [];
  if (input.maxDurationMs !== undefined && input.durationBaselineMs !== undefined) {
    issues.push({
      path: ["maxDurationMs"],
      message: "only one of [maxDurationMs] and [durationBaselineMs] can be specified",
    });
  }
  if (input.durationFactor !== undefined && input.durationBaselineMs === undefined) {
    issues.push({
      path: ["durationFactor"],
      message: "[durationFactor] applies to [durationBaselineMs], which is not set",
    });
  }
  return issues;
};

export const metricsCheckConfigSchema = strictOptions(metricsCheckConfigShape);
export type MetricsCheckConfig = z.output<typeof metricsCheckConfigSchema>;

/** The value at a path of an input, for error messages. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function show(value: unknown): string {
  const text =
    typeof value === "string"
      ? JSON.stringify(value)
      : inspect(value, { depth: 3, breakLength: Infinity, maxArrayLength: 10 });
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/**
 * One line per problem: the option's path in brackets, the value given and what is allowed,
 * e.g. `[expect.statusCode] = "200": Invalid input: expected number, received string`.
 */
export function formatIssues(
  input: unknown,
  issues: readonly (z.core.$ZodIssue | OptionIssue)[],
): string[] {
  return issues.map((issue) => {
    const name = issue.path.length ? `[${issue.path.map(String).join(".")}]` : "options";
    if ("code" in issue && issue.code === "unrecognized_keys") {
      return `${name}: ${issue.message}`;
    }
    return `${name} = ${show(valueAt(input, issue.path))}: ${issue.message}`;
  });
}

/** Validates options against a schema and cross-option rules; every problem, formatted. */
export function validateOptions<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  crossChecks: readonly CrossOptionCheck[] = [],
): { success: true; data: z.output<Schema> } | { success: false; problems: string[] } {
  const parsed = schema.safeParse(input);
  const record =
    typeof input === "object" && input !== null && !Array.isArray(input)
      ? (input as Record<string, unknown>)
      : undefined;
  const crossIssues = record ? crossChecks.flatMap((check) => check(record)) : [];
  if (parsed.success && crossIssues.length === 0) {
    return { success: true, data: parsed.data };
  }
  return {
    success: false,
    problems: formatIssues(input, [...(parsed.success ? [] : parsed.error.issues), ...crossIssues]),
  };
}

/**
 * Parses a hook's configuration (an object, or the JSON text of `HOOK_CONFIG`); throws a
 * {@link HookCheckFailed} listing every problem.
 */
export function parseHookConfig<Schema extends z.ZodType>(
  schema: Schema,
  raw: unknown,
  crossChecks: readonly CrossOptionCheck[] = [],
  what = "HOOK_CONFIG",
): z.output<Schema> {
  let input = raw;
  if (typeof raw === "string") {
    try {
      input = JSON.parse(raw);
    } catch (error) {
      throw new HookCheckFailed(`${what} is not valid JSON: ${(error as Error).message}`);
    }
  } else if (raw === undefined) {
    input = {};
  }
  const result = validateOptions(schema, input, crossChecks);
  if (!result.success) {
    throw new HookCheckFailed(`${what} is invalid: ${result.problems.join("; ")}`);
  }
  return result.data;
}

/** JSON.parse that answers undefined instead of throwing. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The safety margin a configuration asks for, read before the guarded work starts (the work
 * parses the configuration again and reports a bad one as Failed); the default when the
 * configuration does not parse.
 */
export function safetyMarginOf(
  schema: z.ZodType<{ safetyMarginMs: number }, any>,
  raw: unknown,
): number {
  const parsed = schema.safeParse(typeof raw === "string" ? safeJson(raw) : (raw ?? {}));
  return parsed.success ? parsed.data.safetyMarginMs : DEFAULT_SAFETY_MARGIN_MS;
}
