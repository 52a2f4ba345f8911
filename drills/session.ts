/**
 * What every drill does the same way: timed report steps printed as progress, Ctrl-C checks,
 * sleeps that Ctrl-C cuts short, and AWS calls retried through throttling and transient errors.
 * The failover and rollback drills each open one session and keep only their own logic.
 */
import { errorName, isRetryableError } from "../deployment/awsErrors";
import { Clock, systemClock } from "../deployment/timing";

/** One timed step of a drill. */
export interface DrillStep {
  readonly name: string;
  readonly atSeconds: number;
  readonly detail: string;
}

/** Thrown when the drill is interrupted (Ctrl-C). */
export class DrillInterrupted extends Error {
  constructor() {
    super("interrupted");
    this.name = "DrillInterrupted";
  }
}

/** What a drill session needs. */
export interface DrillSessionOptions {
  /** @default the system clock */
  readonly clock?: Clock;
  /** Aborted on Ctrl-C: waits end early and abortable calls throw {@link DrillInterrupted}. */
  readonly signal?: AbortSignal;
  /** Progress lines as the drill goes. @default none printed */
  readonly progress?: (line: string) => void;
  /** The report's step list, appended to by {@link DrillSession.step}. */
  readonly steps: DrillStep[];
}

/** How {@link DrillSession.call} retries. */
export interface DrillCallOptions {
  /**
   * Whether Ctrl-C stops the call (before each attempt and in the waits between). Restores pass
   * false: they must finish whatever happens. @default true
   */
  readonly abortable?: boolean;
  /** Attempts before the last error is thrown. @default 8 */
  readonly maxAttempts?: number;
  /** Errors retried besides throttling and transient ones. @default none */
  readonly retryAlso?: (error: unknown) => boolean;
}

/** The shared machinery of one drill run. */
export interface DrillSession {
  readonly clock: Clock;
  /** When the drill started (clock milliseconds). */
  readonly started: number;
  /** Seconds since `from`, to a tenth. */
  seconds(from: number): number;
  /** Records a step in the report and prints it with its time since the start. */
  step(name: string, detail: string): void;
  /** Prints a progress line (not a step). */
  say(line: string): void;
  /** Whether Ctrl-C came. */
  interrupted(): boolean;
  /** Throws {@link DrillInterrupted} once Ctrl-C came. */
  checkInterrupt(): void;
  /** Sleeps; Ctrl-C cuts it short when `abortable` (default true). */
  pause(ms: number, abortable?: boolean): Promise<void>;
  /**
   * Calls AWS, retrying throttling and transient errors (those the SDK's own retries gave up
   * on) with exponential backoff: 1 s, 2 s, 4 s ... up to 30 s.
   */
  call<T>(what: string, send: () => Promise<T>, options?: DrillCallOptions): Promise<T>;
}

/** Opens a drill session. */
export function drillSession(options: DrillSessionOptions): DrillSession {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const say = options.progress ?? (() => undefined);
  const seconds = (from: number) => Math.round((clock.now() - from) / 100) / 10;
  const interrupted = () => options.signal?.aborted === true;
  const checkInterrupt = () => {
    if (interrupted()) throw new DrillInterrupted();
  };

  /**
   * Each sleep's listener is removed after it, so a drill of hundreds of polls does not pile
   * them up on the signal.
   */
  async function pause(ms: number, abortable = true): Promise<void> {
    const signal = abortable ? options.signal : undefined;
    if (!signal) return clock.sleep(ms);
    // An abort listener added after the abort never fires (DOM AbortSignal): a Ctrl-C during
    // the AWS call must not sleep the whole backoff before the drill restores.
    if (signal.aborted) return;
    const wake = new AbortController();
    const onAbort = () => wake.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await clock.sleep(ms, wake.signal);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  async function call<T>(
    what: string,
    send: () => Promise<T>,
    { abortable = true, maxAttempts = 8, retryAlso }: DrillCallOptions = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (abortable) checkInterrupt();
      try {
        return await send();
      } catch (error) {
        const retry = isRetryableError(error) || retryAlso?.(error) === true;
        if (!retry || attempt >= maxAttempts) throw error;
        say(`  ${what}: ${errorName(error)}, retrying (attempt ${attempt + 1})`);
        await pause(Math.min(30_000, 500 * 2 ** attempt), abortable);
      }
    }
  }

  return {
    clock,
    started,
    seconds,
    step(name, detail) {
      options.steps.push({ name, atSeconds: seconds(started), detail });
      say(`[${seconds(started).toFixed(1)}s] ${name}: ${detail}`);
    },
    say,
    interrupted,
    checkInterrupt,
    pause,
    call,
  };
}
