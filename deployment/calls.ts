/**
 * Every AWS request the engine sends goes through {@link Session.send}: one deadline for the
 * whole operation, one timeout per request, and jittered retries of transient errors for as
 * long as the deadline allows. The SDK's own retries are switched off (`maxAttempts: 1` in
 * {@link createDeploymentClients}) so that this is the only place that decides, and a failure
 * can say what was retried and for how long.
 */
import { errorMessage, errorName, isRetryableError, isThrottlingError } from "./awsErrors";
import { backoffDelayMs, Clock, formatDuration, REQUEST_TIMEOUT_MS, RETRY_BACKOFF } from "./timing";

/** What the engine needs of an SDK v3 client: `send(command, { abortSignal })`. */
export interface AwsClient {
  send(command: any, options?: { abortSignal?: AbortSignal }): Promise<any>;
}

/** The SDK clients the engine calls, for the deployment's region. */
export interface DeploymentClients {
  readonly codedeploy: AwsClient;
  readonly lambda: AwsClient;
}

/** Receives one human-readable progress line at a time. */
export type Reporter = (message: string) => void;

/** One operation's budget: a deadline and a per-request timeout. */
export interface SessionOptions {
  /** Epoch ms after which nothing new is waited for. */
  readonly deadline: number;
  /** @default {@link REQUEST_TIMEOUT_MS} */
  readonly requestTimeoutMs?: number;
}

/** A request that did not succeed, with what was tried: `name` is AWS's error code. */
export interface CallFailure extends Error {
  /** AWS's error code (or the network error's name). */
  readonly code: string;
  /** The request, e.g. `GetDeployment d-123`. */
  readonly call: string;
  readonly attempts: number;
  /** From the first attempt to giving up. */
  readonly elapsedMs: number;
  readonly cause: unknown;
}

/** True for a {@link CallFailure} (a plain object check: errors cross serialization). */
export function isCallFailure(error: unknown): error is CallFailure {
  return typeof (error as CallFailure)?.call === "string" && "attempts" in (error as object);
}

/**
 * What went wrong, for a message: a failed call's own message already names the call and AWS's
 * error code (`ListDeployments orders-live failed: AccessDeniedException: ...`); any other
 * error gets its name in front.
 */
export function failureText(error: unknown): string {
  return isCallFailure(error) ? errorMessage(error) : `${errorName(error)}: ${errorMessage(error)}`;
}

/** The timeout of a read made after the deadline (where the alias ended). */
export const FINAL_READ_TIMEOUT_MS = 5_000;

/** The time-out error a request gets when {@link Session} abandons it. */
function requestTimeout(label: string, ms: number): Error {
  return Object.assign(new Error(`${label}: no response within ${formatDuration(ms)}`), {
    name: "TimeoutError",
  });
}

/** A deadline, a clock and the clients: everything one engine operation shares. */
export class Session {
  readonly started: number;
  /**
   * Deployments read in this operation that can no longer change (see `getDeployment` in
   * ./observe), by id: read once per operation, not at every step.
   */
  readonly finishedDeployments = new Map<string, unknown>();

  constructor(
    readonly clients: DeploymentClients,
    readonly clock: Clock,
    readonly report: Reporter,
    private options: SessionOptions,
  ) {
    this.started = clock.now();
  }

  get deadline(): number {
    return this.options.deadline;
  }

  /** Milliseconds left before the deadline (0 when passed). */
  remaining(): number {
    return Math.max(0, this.options.deadline - this.clock.now());
  }

  /** Moves the deadline (once the deployment group's configuration is known). */
  setDeadline(deadline: number): void {
    this.options = { ...this.options, deadline };
  }

  /**
   * Sends one request with its own timeout, retrying throttling, 5xx, resets and timeouts
   * with full-jitter backoff while the deadline allows. `retryable` narrows what is retried
   * (CreateDeployment is never retried blindly: see the engine). After the deadline, one
   * attempt is still made (`finalRead`), so the engine can always read where the alias ended.
   */
  async send<T>(
    label: string,
    client: AwsClient,
    command: unknown,
    opts: {
      retryable?: (error: unknown) => boolean;
      finalRead?: boolean;
      timeoutMs?: number;
    } = {},
  ): Promise<T> {
    const retryable = opts.retryable ?? isRetryableError;
    const first = this.clock.now();
    const seen: string[] = [];
    for (let attempt = 0; ; attempt++) {
      // Near the deadline a request gets only what is left (at least 2 s); a final read
      // after it gets FINAL_READ_TIMEOUT_MS, so the deadline holds to within a few seconds.
      const timeoutMs = Math.min(
        opts.timeoutMs ?? this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
        opts.finalRead ? FINAL_READ_TIMEOUT_MS : Math.max(this.remaining(), 2_000),
      );
      try {
        return await this.attempt<T>(label, client, command, timeoutMs);
      } catch (error) {
        seen.push(errorName(error));
        const delay = backoffDelayMs(attempt, () => this.clock.random(), RETRY_BACKOFF);
        if (!retryable(error) || this.clock.now() + delay >= this.options.deadline) {
          throw callFailure(label, error, attempt + 1, this.clock.now() - first, seen);
        }
        this.report(
          `${label}: ${isThrottlingError(error) ? "throttled" : "transient error"} ` +
            `(${errorName(error)}); retrying in ${formatDuration(delay)}`,
        );
        await this.clock.sleep(delay);
      }
    }
  }

  /** One attempt, abandoned (and aborted) after `timeoutMs` of the engine's clock. */
  private async attempt<T>(
    label: string,
    client: AwsClient,
    command: unknown,
    timeoutMs: number,
  ): Promise<T> {
    const controller = new AbortController();
    const timerCancel = new AbortController();
    const request: Promise<T> = client.send(command, { abortSignal: controller.signal });
    // The timer only ever rejects: once the request settles it is cancelled and stays pending.
    // It rejects before it aborts the request: a client that rejects at once when its signal
    // aborts (`@smithy/node-http-handler` does, with "AbortError: Request aborted") would
    // otherwise win the race, and the failure would not say that the request timed out.
    const timer = new Promise<never>((_, reject) => {
      void this.clock.sleep(timeoutMs, timerCancel.signal).then(() => {
        if (!timerCancel.signal.aborted) {
          reject(requestTimeout(label, timeoutMs));
          controller.abort();
        }
      });
    });
    try {
      return await Promise.race([request, timer]);
    } finally {
      timerCancel.abort();
      // Whichever lost must not surface as an unhandled rejection.
      request.catch(() => undefined);
    }
  }
}

/** Counts of each error name: `ThrottlingException x5, TimeoutError x2`. */
function tally(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, count]) => (count > 1 ? `${name} x${count}` : name)).join(", ");
}

function callFailure(
  label: string,
  error: unknown,
  attempts: number,
  elapsedMs: number,
  seen: readonly string[],
): CallFailure {
  const code = errorName(error);
  const retried =
    attempts > 1
      ? ` after ${attempts} attempts over ${formatDuration(elapsedMs)} (${tally(seen)})`
      : "";
  return Object.assign(new Error(`${label} failed${retried}: ${code}: ${errorMessage(error)}`), {
    name: code,
    code,
    call: label,
    attempts,
    elapsedMs,
    cause: error,
  });
}
