import { Clock } from "../../../deployment/timing";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

/** Thrown by {@link VirtualClock.drive} when the code waits on nothing the clock can advance. */
export class Hang extends Error {}

/**
 * A discrete-event clock: `sleep` registers a timer, and {@link drive} advances time to the
 * next timer only when every microtask has run, so concurrent waits (a request racing its
 * timeout) behave as on a real clock, in no real time. `random` is a seeded PRNG
 * (mulberry32), so a scenario replays exactly from its seed.
 */
export class VirtualClock implements Clock {
  private time: number;
  private timers: Timer[] = [];
  private seq = 0;
  private state: number;

  constructor(seed = 1, start = Date.UTC(2026, 0, 1)) {
    this.time = start;
    this.state = seed >>> 0;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, cancel?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fire: resolve };
      this.timers.push(timer);
      cancel?.addEventListener("abort", () => {
        this.timers = this.timers.filter((candidate) => candidate !== timer);
        resolve();
      });
    });
  }

  random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Moves time forward to `at` (firing timers due on the way) without driving anything. */
  private fireNext(): boolean {
    if (this.timers.length === 0) {
      return false;
    }
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = this.timers.shift()!;
    this.time = Math.max(this.time, next.at);
    next.fire();
    return true;
  }

  /**
   * Runs `work` to completion on virtual time. `limitMs` guards against endless loops: more
   * virtual time than that is a {@link Hang}, as is waiting with no timer pending (a request
   * that never answers and has no timeout).
   */
  async drive<T>(work: Promise<T>, limitMs = 100 * 3_600_000): Promise<T> {
    let done = false;
    let value: T | undefined;
    let failure: unknown;
    let failed = false;
    work.then(
      (result) => {
        done = true;
        value = result;
      },
      (error: unknown) => {
        done = true;
        failed = true;
        failure = error;
      },
    );
    const start = this.time;
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      if (done) {
        break;
      }
      if (this.time - start > limitMs) {
        throw new Hang(`still running after ${limitMs} ms of virtual time`);
      }
      if (!this.fireNext()) {
        throw new Hang("waiting on something that never happens (no timer pending)");
      }
    }
    if (failed) {
      throw failure;
    }
    return value as T;
  }

  /** Advances time by `ms`, firing whatever falls due (nothing else runs meanwhile). */
  async advance(ms: number): Promise<void> {
    await this.drive(this.sleep(ms));
  }
}
