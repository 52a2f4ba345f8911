/**
 * Time, jitter and backoff for the deployment engine. Everything that waits takes a
 * {@link Clock}, so tests run instantly and deterministically with a fake one.
 */

/** The engine's source of time and randomness. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds, or at once when `cancel` aborts. */
  sleep(ms: number, cancel?: AbortSignal): Promise<void>;
  /** A number in [0, 1), for jitter. */
  random(): number;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, cancel) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      cancel?.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    }),
  random: () => Math.random(),
};

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): the n-th wait is uniform in [0, min(cap, base x 2^n)), floored at `floorMs` so
 * an unlucky draw never turns into a busy loop.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
  readonly floorMs: number;
}

/** Polling a running deployment: 2 s, 4 s, 8 s, then 15 s between polls (see {@link pollDelayMs}). */
export const POLL_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 15_000, floorMs: 1_000 };

/**
 * The longest wait between two polls of a deployment (15 s + 20% jitter). Each poll is one
 * `GetDeployment` and one `GetAlias`, so a deployment costs about 8 read calls a minute once
 * it has run for 30 s (CodeDeploy's and Lambda's control-plane read quotas are shared by the account and
 * region, so a 10-region rollout polls each region's endpoints, never one endpoint 10 times).
 */
export const POLL_INTERVAL_MAX_MS = POLL_BACKOFF.capMs * 1.2;

/** Retrying a throttled or transiently failing call: 1 s, 2 s, 4 s ... up to 20 s, jittered. */
export const RETRY_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 20_000, floorMs: 250 };

/**
 * The most one HTTP request may take before it is abandoned and retried. SDK v3 clients have
 * no request timeout by default (`@smithy/node-http-handler` waits forever on a stalled
 * socket), so every request carries its own.
 */
export const REQUEST_TIMEOUT_MS = 20_000;

/** The wait before attempt `attempt + 1` (attempt counts from 0). */
export function backoffDelayMs(
  attempt: number,
  random: () => number,
  policy: BackoffPolicy,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.max(policy.floorMs, Math.floor(random() * ceiling));
}

/**
 * The wait before poll `attempt + 1` of a running deployment: 2 s, 4 s, 8 s, then 15 s, each
 * within +-20% (jitter keeps many regions' polls apart without shortening the mean), so a
 * long deployment is polled 4 times a minute.
 */
export function pollDelayMs(attempt: number, random: () => number): number {
  const nominal = Math.min(POLL_BACKOFF.capMs, POLL_BACKOFF.baseMs * 2 ** Math.min(attempt, 30));
  return Math.max(POLL_BACKOFF.floorMs, Math.round(nominal * (0.8 + 0.4 * random())));
}

/** `12.3 s`, `4 min`, `1 h 30 min`: for progress lines. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  }
  const minutes = Math.round(ms / 60_000);
  return minutes < 60
    ? `${minutes} min`
    : `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
}
