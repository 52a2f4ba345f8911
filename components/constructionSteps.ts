// Construction in steps (`MultiRegionService.create`, issue 14): a component built inside
// `inSteps` may leave parts of its construction to later event-loop turns, so that the
// registrations of one part settle before the next part starts. At 10 regions x 50 functions,
// building everything at once keeps every registration's promises and serialized inputs alive
// together, which the garbage collector copies again and again; in steps, far fewer at a time.
// The resources, their inputs and the outputs are the same as built at once.

/** `T` with its `readonly` fields writable: a step assigns what the constructor declares. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** One part of a construction, run in a turn of its own. */
export type Step = () => void;

interface Construction {
  /** Steps added by the step running now: they run next, before the steps queued earlier. */
  added: Step[];
  /** Called when the construction ends, whether or not every step ran. */
  ended: (() => void)[];
}

/** The construction whose step (or first part) is running now. */
let running: Construction | undefined;

/**
 * Whether a construction in steps is running: a component may then hand parts of its
 * construction to `later` (and must wait for them in `initialize`: `whenBuilt`).
 */
export function inStepsNow(): boolean {
  return running !== undefined;
}

/** Runs `steps` one event-loop turn apart, after what the running step is doing now. */
export function later(...steps: Step[]): void {
  if (!running) throw new Error("later() outside a construction in steps");
  running.added.push(...steps);
}

/** Settles when the running construction ends (every step run, or one failed). */
export function whenBuilt(): Promise<void> {
  const construction = running;
  if (!construction) return Promise.resolve();
  return new Promise<void>((resolve) => construction.ended.push(resolve));
}

/**
 * Runs `first` now, then the steps it (and each step) hands to `later`, depth first, one
 * event-loop turn apart; returns what `first` returned once every step has run. A step that
 * throws ends the construction with its error.
 */
export async function inSteps<T>(first: () => T): Promise<T> {
  const construction: Construction = { added: [], ended: [] };
  const run = <R>(step: () => R): R => {
    const outer = running;
    running = construction;
    try {
      return step();
    } finally {
      running = outer;
    }
  };
  try {
    const result = run(first);
    const queue = construction.added.splice(0);
    while (queue.length > 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      run(queue.shift()!);
      queue.unshift(...construction.added.splice(0));
    }
    return result;
  } finally {
    for (const end of construction.ended) end();
  }
}
