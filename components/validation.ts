import * as pulumi from "@pulumi/pulumi";

/**
 * Thrown when a component's arguments are invalid. The message lists every problem
 * found, each naming the argument, the value given and what is allowed; it is thrown
 * from the constructor before any child resource is registered.
 */
export class InvalidArgumentsError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: readonly string[],
  ) {
    super(
      problems.length === 1
        ? `${subject}: ${problems[0]}`
        : `${subject} has ${problems.length} invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "InvalidArgumentsError";
  }
}

/** Renders a value the way a user wrote it, for error messages. */
export function showValue(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value);
  }
  if (value === undefined) {
    return "undefined";
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** True when the value is known now (not an Output or a Promise), so it can be checked now. */
export function isKnown<T>(value: pulumi.Input<T> | undefined): value is T {
  return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/**
 * Collects argument problems so a caller sees all of them at once.
 *
 * @example
 * const problems = new ArgumentProblems(`TrafficShiftedFunction "orders"`);
 * problems.integerInRange("memorySize", args.memorySize, 128, 10240);
 * problems.throwIfAny();
 */
export class ArgumentProblems {
  private readonly problems: string[];

  /**
   * @param subject What the arguments belong to, e.g. `MultiRegionService "orders"`.
   * @param keyPrefix Put before every key (see {@link within}).
   * @param shared The list to record into (shared with the scope this one was made from).
   */
  constructor(
    private readonly subject: string,
    private readonly keyPrefix = "",
    shared?: string[],
  ) {
    this.problems = shared ?? [];
  }

  /**
   * A view that records into the same list with `prefix` before every key, so a checker
   * written for one argument object can check it where it is nested:
   * `checkTrafficShiftedFunctionArgs(subject, fn, problems.within("functions.orders."))`.
   */
  within(prefix: string): ArgumentProblems {
    return new ArgumentProblems(this.subject, this.keyPrefix + prefix, this.problems);
  }

  /** Records a problem: `[key] <value>: <what is allowed>`. */
  add(key: string, value: unknown, allowed: string): void {
    this.problems.push(`[${this.keyPrefix}${key}] is ${showValue(value)}: ${allowed}`);
  }

  /** Records a problem when `ok` is false. */
  check(ok: boolean, key: string, value: unknown, allowed: string): void {
    if (!ok) {
      this.add(key, value, allowed);
    }
  }

  /** An optional known number must be an integer within [min, max]. */
  integerInRange(key: string, value: unknown, min: number, max: number, unit = ""): void {
    if (value === undefined || !isKnown(value)) {
      return;
    }
    const suffix = unit ? ` ${unit}` : "";
    this.check(
      typeof value === "number" && Number.isInteger(value) && value >= min && value <= max,
      key,
      value,
      `must be a whole number from ${min} to ${max}${suffix}`,
    );
  }

  /** An optional known number must be within [min, max]. */
  numberInRange(key: string, value: unknown, min: number, max: number): void {
    if (value === undefined || !isKnown(value)) {
      return;
    }
    this.check(
      typeof value === "number" && Number.isFinite(value) && value >= min && value <= max,
      key,
      value,
      `must be a number from ${min} to ${max}`,
    );
  }

  /** An optional known value must be one of the allowed values. */
  oneOf(key: string, value: unknown, allowed: readonly unknown[]): void {
    if (value === undefined || !isKnown(value)) {
      return;
    }
    this.check(
      allowed.includes(value),
      key,
      value,
      `must be one of ${allowed.map(showValue).join(", ")}`,
    );
  }

  /** Every problem recorded so far, as `[key] is <value>: <what is allowed>`. */
  get messages(): readonly string[] {
    return [...this.problems];
  }

  get count(): number {
    return this.problems.length;
  }

  /** Throws one {@link InvalidArgumentsError} listing every problem, if there are any. */
  throwIfAny(): void {
    if (this.problems.length > 0) {
      throw new InvalidArgumentsError(this.subject, this.problems);
    }
  }
}

/** AWS region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-7`, ... */
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
