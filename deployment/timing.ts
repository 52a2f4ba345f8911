/**
 * Time, jitter and backoff for the deployment engine. Everything that waits takes a
 * {@link Clock}, so tests run instantly and deterministically with a fake one.
 */

/** The engine's source of time and randomness. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1), for jitter. */
  random(): number;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
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

/** Polling a running deployment: 2 s, 4 s, 8 s, 16 s, then up to 30 s between polls. */
export const POLL_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 30_000, floorMs: 1_000 };

/** Retrying a throttled or transiently failing call. */
export const RETRY_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 30_000, floorMs: 500 };

/** The wait before attempt `attempt + 1` (attempt counts from 0). */
export function backoffDelayMs(
  attempt: number,
  random: () => number,
  policy: BackoffPolicy,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.max(policy.floorMs, Math.floor(random() * ceiling));
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
