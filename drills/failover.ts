/**
 * The failover drill: make one region's Route 53 health check report unhealthy (`Inverted`),
 * watch Route 53 notice and the global name's answer move away, then restore the check and
 * watch the answer come back. Whatever happens (an error, throttling, a lost response, Ctrl-C),
 * the health check is put back as it was before the drill returns.
 */
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  HealthCheckObservation,
  Route53Client,
  UpdateHealthCheckCommand,
} from "@aws-sdk/client-route-53";
import { errorMessage, errorName } from "../deployment/awsErrors";
import { Clock } from "../deployment/timing";
import { DrillInterrupted, DrillStep, drillSession } from "./session";

export { DrillInterrupted, DrillStep } from "./session";

/** Resolves a name's A records against the zone's own name servers (node:dns Resolver). */
export interface NameResolver {
  resolve4(name: string): Promise<string[]>;
}

/** What the failover drill needs. */
export interface FailoverDrillOptions {
  readonly route53: Pick<Route53Client, "send">;
  readonly resolver: NameResolver;
  readonly clock?: Clock;
  /** The region whose health check is inverted. */
  readonly region: string;
  readonly healthCheckId: string;
  /** The global name, e.g. `api.staging.example.com`. */
  readonly globalName: string;
  /** The stack's `requestInterval x failureThreshold`, seconds: what detection should take. */
  readonly expectedDetectionSeconds: number;
  /** How often to poll Route 53 and DNS. @default 5000 ms */
  readonly pollMs?: number;
  /** Give up waiting for any one step after this long. @default 10 minutes */
  readonly stepTimeoutMs?: number;
  /** Aborted on Ctrl-C: the drill stops waiting and restores. */
  readonly signal?: AbortSignal;
  /** Progress lines as the drill goes. */
  readonly progress?: (line: string) => void;
}

/** The drill's report (also written as JSON). */
export interface FailoverReport {
  readonly drill: "failover";
  readonly region: string;
  readonly healthCheckId: string;
  readonly globalName: string;
  outcome: "passed" | "failed" | "interrupted";
  /** Whether the health check is as it was before the drill (Inverted as found). */
  restored: boolean;
  readonly startedAt: string;
  readonly expectedDetectionSeconds: number;
  /** From the inversion until Route 53 reported the check unhealthy. */
  detectionSeconds?: number;
  /** From the inversion until the global name's answer moved. */
  switchSeconds?: number;
  /** From the restore until the answer was back. */
  recoverySeconds?: number;
  baselineAnswer: string[];
  failoverAnswer?: string[];
  restoredAnswer?: string[];
  /** Why the drill failed or was interrupted. */
  problem?: string;
  readonly steps: DrillStep[];
}

/**
 * Route 53 counts a health check healthy when more than 18% of its checkers report it healthy
 * (Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy").
 * The observations are each checker's own result of the endpoint ("Success: HTTP Status Code
 * 200, OK" / "Failure: ..."); `Inverted` turns the check's status around, so it is applied here.
 */
export function isHealthy(observations: readonly HealthCheckObservation[], inverted: boolean) {
  if (observations.length === 0) {
    return undefined;
  }
  const healthy = observations.filter((o) => /^Success/i.test(o.StatusReport?.Status ?? "")).length;
  const endpointHealthy = healthy / observations.length > 0.18;
  return inverted ? !endpointHealthy : endpointHealthy;
}

/** Runs the failover drill; never returns with the health check left inverted unless it says so. */
export async function runFailoverDrill(options: FailoverDrillOptions): Promise<FailoverReport> {
  const pollMs = options.pollMs ?? 5_000;
  const stepTimeoutMs = options.stepTimeoutMs ?? 10 * 60_000;
  const steps: DrillStep[] = [];
  const session = drillSession({
    clock: options.clock,
    signal: options.signal,
    progress: options.progress,
    steps,
  });
  const { clock, started, seconds, step, say, interrupted, checkInterrupt } = session;
  const report: FailoverReport = {
    drill: "failover",
    region: options.region,
    healthCheckId: options.healthCheckId,
    globalName: options.globalName,
    outcome: "failed",
    restored: true,
    startedAt: new Date(started).toISOString(),
    expectedDetectionSeconds: options.expectedDetectionSeconds,
    baselineAnswer: [],
    steps,
  };
  /** Calls AWS, retrying throttling and transient errors (the SDK's own retries ran out). */
  const call = <T>(what: string, send: () => Promise<T>, abortable = true): Promise<T> =>
    session.call(what, send, { abortable, maxAttempts: 8 });

  /** Polls until `done` says yes; throws at the step timeout. */
  async function waitFor<T>(
    what: string,
    probe: () => Promise<T>,
    done: (value: T) => boolean,
    abortable = true,
  ): Promise<T> {
    const deadline = clock.now() + stepTimeoutMs;
    for (;;) {
      if (abortable) checkInterrupt();
      const value = await probe();
      if (done(value)) return value;
      if (clock.now() >= deadline) {
        throw new Error(`${what}: not seen within ${Math.round(stepTimeoutMs / 1000)} s`);
      }
      await session.pause(pollMs, abortable);
    }
  }

  const resolve = async (): Promise<string[]> => {
    try {
      return (await options.resolver.resolve4(options.globalName)).sort();
    } catch (error) {
      // A failed lookup is no answer (and no move): keep polling.
      say(`  resolve ${options.globalName}: ${errorName(error)} ${errorMessage(error)}`);
      return [];
    }
  };
  const status = async (inverted: boolean, abortable = true) =>
    isHealthy(
      (
        await call(
          "GetHealthCheckStatus",
          () =>
            options.route53.send(
              new GetHealthCheckStatusCommand({ HealthCheckId: options.healthCheckId }),
            ),
          abortable,
        )
      ).HealthCheckObservations ?? [],
      inverted,
    );

  let originalInverted = false;
  let changed = false;
  let invertedAt = 0;
  try {
    const found = await call("GetHealthCheck", () =>
      options.route53.send(new GetHealthCheckCommand({ HealthCheckId: options.healthCheckId })),
    );
    const check = found.HealthCheck;
    originalInverted = check?.HealthCheckConfig?.Inverted ?? false;
    if (originalInverted) {
      throw new Error(
        `health check ${options.healthCheckId} is already inverted: someone else is drilling, or it was left so; restore it first`,
      );
    }
    report.baselineAnswer = await waitFor(
      `an answer for ${options.globalName}`,
      resolve,
      (answer) => answer.length > 0,
    );
    step("baseline", `${options.globalName} answers ${report.baselineAnswer.join(", ")}`);
    const healthy = await waitFor(
      "the health check healthy",
      () => status(false),
      (value) => value !== undefined,
    );
    if (!healthy) {
      throw new Error(
        `the health check of ${options.region} is unhealthy before the drill: nothing to fail over from`,
      );
    }

    // Marked before the call: a lost response may still have inverted it.
    changed = true;
    invertedAt = clock.now();
    await call("UpdateHealthCheck", () =>
      options.route53.send(
        new UpdateHealthCheckCommand({
          HealthCheckId: options.healthCheckId,
          Inverted: true,
          // Refused (HealthCheckVersionMismatch) if the check changed since it was read.
          HealthCheckVersion: check?.HealthCheckVersion,
        }),
      ),
    );
    step("inverted", `health check ${options.healthCheckId} of ${options.region} inverted`);

    await waitFor(
      "Route 53 reporting the check unhealthy",
      () => status(true),
      (h) => h === false,
    );
    report.detectionSeconds = seconds(invertedAt);
    step(
      "unhealthy",
      `Route 53 reports ${options.region} unhealthy after ${report.detectionSeconds} s`,
    );

    report.failoverAnswer = await waitFor(
      `the answer for ${options.globalName} to move`,
      resolve,
      (answer) => answer.length > 0 && !answer.some((ip) => report.baselineAnswer.includes(ip)),
    );
    report.switchSeconds = seconds(invertedAt);
    step(
      "moved",
      `${options.globalName} answers ${report.failoverAnswer.join(", ")} after ${report.switchSeconds} s`,
    );
  } catch (error) {
    if (error instanceof DrillInterrupted || interrupted()) {
      report.outcome = "interrupted";
      report.problem = "interrupted (Ctrl-C)";
      step("interrupted", "restoring the health check");
    } else {
      report.problem = errorMessage(error);
      step("failed", report.problem);
    }
  }

  if (changed) {
    report.restored = false;
    const restoredAt = clock.now();
    try {
      // Idempotent, so retried until it is known to have taken; not stopped by Ctrl-C.
      await call(
        "UpdateHealthCheck (restore)",
        () =>
          options.route53.send(
            new UpdateHealthCheckCommand({
              HealthCheckId: options.healthCheckId,
              Inverted: originalInverted,
            }),
          ),
        false,
      );
      const after = await call(
        "GetHealthCheck",
        () =>
          options.route53.send(new GetHealthCheckCommand({ HealthCheckId: options.healthCheckId })),
        false,
      );
      report.restored =
        (after.HealthCheck?.HealthCheckConfig?.Inverted ?? false) === originalInverted;
      step("restored", `health check ${options.healthCheckId} Inverted=${originalInverted}`);
      if (report.outcome !== "interrupted" && report.problem === undefined) {
        await waitFor(
          "Route 53 reporting the check healthy",
          () => status(false),
          (h) => h === true,
        );
        report.restoredAnswer = await waitFor(
          `the answer for ${options.globalName} to come back`,
          resolve,
          (answer) => answer.length > 0 && answer.some((ip) => report.baselineAnswer.includes(ip)),
        );
        report.recoverySeconds = seconds(restoredAt);
        step(
          "back",
          `${options.globalName} answers ${report.restoredAnswer.join(", ")} after ${report.recoverySeconds} s`,
        );
        report.outcome = "passed";
      }
    } catch (error) {
      if (error instanceof DrillInterrupted) {
        report.outcome = "interrupted";
        report.problem =
          report.problem ?? "interrupted (Ctrl-C) while waiting for the answer to come back";
      } else {
        report.problem = report.problem ?? errorMessage(error);
      }
      step(
        report.restored ? "not back" : "NOT RESTORED",
        report.restored
          ? report.problem
          : `${errorMessage(error)}: run aws route53 update-health-check --health-check-id ${options.healthCheckId} --no-inverted`,
      );
    }
  }
  return report;
}

/** The human report. */
export function describeFailoverReport(report: FailoverReport): string {
  const lines = [
    `Failover drill of ${report.region} (${report.globalName}): ${report.outcome.toUpperCase()}`,
    `  health check ${report.healthCheckId}: ${report.restored ? "restored as found" : "NOT RESTORED (still inverted)"}`,
    `  expected detection (interval x threshold): ${report.expectedDetectionSeconds} s`,
  ];
  if (report.detectionSeconds !== undefined) {
    const verdict =
      report.detectionSeconds <= report.expectedDetectionSeconds * 1.5 + 30
        ? "within expectation"
        : "SLOWER than expected";
    lines.push(`  detected unhealthy after: ${report.detectionSeconds} s (${verdict})`);
  }
  if (report.switchSeconds !== undefined) {
    lines.push(
      `  answer moved after: ${report.switchSeconds} s (${report.baselineAnswer.join(", ")} -> ${report.failoverAnswer?.join(", ")})`,
    );
  }
  if (report.recoverySeconds !== undefined) {
    lines.push(`  answer back after restore: ${report.recoverySeconds} s`);
  }
  if (report.problem) {
    lines.push(`  problem: ${report.problem}`);
  }
  return lines.join("\n");
}
