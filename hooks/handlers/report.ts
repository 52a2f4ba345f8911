// Reporting and deadline logic shared by the hook handlers. This file is packaged into the
// hook's Lambda archive next to the handler: it may import only Node built-ins, the AWS SDK v3
// (part of the Lambda Node.js 18+ runtimes) and the packages `hooks/package.ts` bundles.
import {
  CodeDeployClient,
  PutLifecycleEventHookExecutionStatusCommand,
} from "@aws-sdk/client-codedeploy";

/** The status a hook reports; CodeDeploy accepts only these two from a hook. */
export type HookStatus = "Succeeded" | "Failed";

/**
 * What CodeDeploy sends a Lambda lifecycle hook: the two ids it needs back, nothing else
 * (no function name or version; those come from the deployment's AppSpec).
 */
export interface LifecycleHookEvent {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}

/** The part of the Lambda context the hooks use. */
export interface HookContext {
  getRemainingTimeInMillis(): number;
}

/** A hook's Lambda handler: CodeDeploy's event and the Lambda context in, what it did out. */
export type LifecycleHookHandler = (event: unknown, context: HookContext) => Promise<HookResult>;

/** A structured log entry, written as one JSON line. */
export type HookLogger = (entry: Record<string, unknown>) => void;

/** Writes each entry as one JSON line, which CloudWatch Logs Insights can query by field. */
export const jsonLineLogger: HookLogger = (entry) => console.log(JSON.stringify(entry));

/** The outcome of a hook's checks. */
export interface HookVerdict {
  status: HookStatus;
  /** Why, in one line; logged (CodeDeploy's API has no field for it). */
  reason: string;
  /** Measurements behind the verdict, logged with it. */
  details?: Record<string, unknown>;
}

/** What a hook invocation did; the handler returns it (CodeDeploy ignores the return value). */
export interface HookResult extends HookVerdict {
  /** Whether the status was sent to CodeDeploy. False only when the event lacked the ids. */
  reported: boolean;
  deploymentId?: string;
  lifecycleEventHookExecutionId?: string;
}

/**
 * A check that did not pass, or a deployment the hook cannot check: reported as `Failed` with
 * its message as the reason (unlike other errors, which are reported as a hook error).
 */
export class HookCheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HookCheckFailed";
  }
}

/** How long before the Lambda deadline the hook stops waiting and reports `Failed`. */
export const DEFAULT_SAFETY_MARGIN_MS = 3000;

/**
 * The work budget when the context cannot tell the remaining time (a manual invocation
 * without a Lambda context); the Lambda runtime always provides it.
 */
const FALLBACK_BUDGET_MS = 60_000;

/** Options of {@link runHook}. */
export interface RunHookOptions {
  /** `PreTraffic` or `PostTraffic`, for the logs. */
  hook: string;
  codedeploy: CodeDeployClient;
  /** Stop waiting this long before the Lambda deadline, leaving time to report. */
  safetyMarginMs: number;
  log: HookLogger;
}

/** The work of a hook: check the deployment and return a verdict, or throw. */
export type HookWork = (event: LifecycleHookEvent, signal: AbortSignal) => Promise<HookVerdict>;

/**
 * Reads the two ids from a lifecycle event; `undefined` when either is missing (then there is
 * nothing to report to).
 */
export function lifecycleIdsOf(event: unknown): Partial<LifecycleHookEvent> {
  const record =
    typeof event === "object" && event !== null ? (event as Record<string, unknown>) : {};
  const id = (value: unknown) =>
    typeof value === "string" && value.length > 0 ? value : undefined;
  return {
    DeploymentId: id(record.DeploymentId),
    LifecycleEventHookExecutionId: id(record.LifecycleEventHookExecutionId),
  };
}

/**
 * Runs a hook's work and ALWAYS reports its status to CodeDeploy when the event carries the
 * ids: `Failed` when the work fails a check, throws (a bug, a misconfiguration, an SDK error)
 * or does not finish `safetyMarginMs` before the Lambda deadline. A hook that never reports
 * stalls the deployment until CodeDeploy's one-hour hook timeout.
 *
 * If the report itself fails, the error is logged and rethrown, so the invocation fails and
 * Lambda's retry of asynchronous invocations (the way CodeDeploy invokes hooks) gets another
 * chance to report.
 */
export async function runHook(
  event: unknown,
  context: HookContext,
  options: RunHookOptions,
  work: HookWork,
): Promise<HookResult> {
  const { hook, codedeploy, log } = options;
  const ids = lifecycleIdsOf(event);
  if (!ids.DeploymentId || !ids.LifecycleEventHookExecutionId) {
    const missing = ["DeploymentId", "LifecycleEventHookExecutionId"].filter(
      (key) => !ids[key as keyof LifecycleHookEvent],
    );
    const reason = `malformed CodeDeploy lifecycle event: missing ${missing.join(" and ")}; nothing to report to`;
    log({ level: "ERROR", hook, message: reason, event: describeEvent(event) });
    return { status: "Failed", reason, reported: false, ...ids };
  }
  const lifecycleEvent = ids as LifecycleHookEvent;
  log({ level: "INFO", hook, message: "started", ...lifecycleEvent });

  const verdict = await withinDeadline(context, options, (signal) => work(lifecycleEvent, signal));
  log({
    level: verdict.status === "Succeeded" ? "INFO" : "ERROR",
    hook,
    message: `reporting ${verdict.status}: ${verdict.reason}`,
    status: verdict.status,
    reason: verdict.reason,
    ...(verdict.details ? { details: verdict.details } : {}),
    ...lifecycleEvent,
  });
  try {
    await codedeploy.send(
      new PutLifecycleEventHookExecutionStatusCommand({
        deploymentId: lifecycleEvent.DeploymentId,
        lifecycleEventHookExecutionId: lifecycleEvent.LifecycleEventHookExecutionId,
        status: verdict.status,
      }),
    );
  } catch (error) {
    log({
      level: "ERROR",
      hook,
      message: `could not report ${verdict.status} to CodeDeploy: ${errorMessage(error)}`,
      ...lifecycleEvent,
    });
    throw error;
  }
  return {
    ...verdict,
    reported: true,
    deploymentId: lifecycleEvent.DeploymentId,
    lifecycleEventHookExecutionId: lifecycleEvent.LifecycleEventHookExecutionId,
  };
}

/**
 * Races the work against the Lambda deadline minus the safety margin. Never rejects: a
 * thrown error or the deadline becomes a `Failed` verdict. On the deadline the signal is
 * aborted, so in-flight SDK calls stop, and a late result is ignored.
 */
async function withinDeadline(
  context: HookContext,
  options: RunHookOptions,
  work: (signal: AbortSignal) => Promise<HookVerdict>,
): Promise<HookVerdict> {
  const { hook, log, safetyMarginMs } = options;
  let remainingMs: number;
  try {
    remainingMs = context.getRemainingTimeInMillis();
    if (!Number.isFinite(remainingMs)) throw new Error(`not a number: ${String(remainingMs)}`);
  } catch (error) {
    log({
      level: "WARN",
      hook,
      message: `cannot read the remaining time (${errorMessage(error)}); allowing ${FALLBACK_BUDGET_MS} ms`,
    });
    remainingMs = FALLBACK_BUDGET_MS + safetyMarginMs;
  }
  const budgetMs = remainingMs - safetyMarginMs;
  if (budgetMs <= 0) {
    return {
      status: "Failed",
      reason: `timed out: only ${remainingMs} ms left before the Lambda deadline, less than the ${safetyMarginMs} ms safety margin`,
    };
  }

  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<HookVerdict>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({
        status: "Failed",
        reason: `timed out: the checks did not finish within ${budgetMs} ms (Lambda deadline minus a ${safetyMarginMs} ms safety margin)`,
      });
    }, budgetMs);
  });
  const checks = Promise.resolve()
    .then(() => work(controller.signal))
    .then(
      (verdict) => verdict,
      (error: unknown): HookVerdict => {
        if (controller.signal.aborted) {
          return { status: "Failed", reason: "aborted at the deadline" };
        }
        if (error instanceof HookCheckFailed) {
          return { status: "Failed", reason: error.message };
        }
        log({
          level: "ERROR",
          hook,
          message: "the hook's own code failed",
          error: errorMessage(error),
          stack: error instanceof Error ? error.stack : undefined,
        });
        return { status: "Failed", reason: `hook error: ${errorMessage(error)}` };
      },
    );
  try {
    return await Promise.race([checks, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The message of an error or a thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    return error.name && error.name !== "Error" ? `${error.name}: ${error.message}` : error.message;
  }
  return String(error);
}

/** A short description of an event for the log, without echoing arbitrary large input. */
function describeEvent(event: unknown): unknown {
  if (typeof event !== "object" || event === null) return event === undefined ? "undefined" : event;
  const text = JSON.stringify(event) ?? "";
  return text.length > 1000 ? `${text.slice(0, 1000)}...` : event;
}
