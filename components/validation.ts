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
  /** Keys reported as unknown (see `requireKnown`): problems under them are not recorded. */
  private readonly unknownKeys: string[];

  /**
   * @param subject What the arguments belong to, e.g. `MultiRegionService "orders"`.
   * @param keyPrefix Put before every key (see `within`).
   * @param shared The list to record into (shared with the scope this one was made from).
   */
  constructor(
    private readonly subject: string,
    private readonly keyPrefix = "",
    shared?: string[],
    sharedUnknownKeys?: string[],
  ) {
    this.problems = shared ?? [];
    this.unknownKeys = sharedUnknownKeys ?? [];
  }

  /**
   * A view that records into the same list with `prefix` before every key, so a checker
   * written for one argument object can check it where it is nested:
   * `checkTrafficShiftedFunctionArgs(subject, fn, problems.within("functions.orders."))`.
   */
  within(prefix: string): ArgumentProblems {
    return new ArgumentProblems(
      this.subject,
      this.keyPrefix + prefix,
      this.problems,
      this.unknownKeys,
    );
  }

  /** Records a problem: `[key] <value>: <what is allowed>`. */
  add(key: string, value: unknown, allowed: string): void {
    this.record(key, `is ${showValue(value)}: ${allowed}`);
  }

  /** Records a problem told as a sentence about the key: `[key] must be ...`. */
  addSentence(key: string, sentence: string): void {
    this.record(key, sentence);
  }

  /**
   * Records `[key] <text>` unless the key is, is inside, or holds one reported as unknown: that
   * subtree is reported once, by its own key, and left out of the other checks; a key holding it
   * is checked without it (`[functions] is {}` when its one function is an Output), which would
   * misstate what was given.
   */
  private record(key: string, text: string): void {
    const full = this.keyName(key);
    if (this.unknownKeys.some((unknown) => isWithin(full, unknown) || isWithin(unknown, full))) {
      return;
    }
    this.problems.push(`[${full}] ${text}`);
  }

  /** Records a key whose value is an Output or a Promise, once; later problems under it are dropped. */
  addUnknown(key: string, text: string): void {
    this.record(key, text);
    this.unknownKeys.push(this.keyName(key));
  }

  /**
   * A key as messages name it, with the prefix of this view (`functions.orders.timeout`); the
   * key "" is the view's own value (`healthCheck`, not `healthCheck.`).
   */
  keyName(key: string): string {
    return key === "" ? this.keyPrefix.replace(/\.$/, "") : this.keyPrefix + key;
  }

  /** Records a key the arguments do not have, with the closest known one and the known ones. */
  unknownKey(key: string, guess: string | undefined, known: readonly string[]): void {
    this.record(
      key,
      `is not an argument${guess ? ` (did you mean [${this.keyName(guess)}]?)` : ""}; known: ${known.join(", ")}`,
    );
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

  /**
   * Arguments the component reads while it is constructed must not be Outputs or Promises: a
   * program in another language sends a whole argument as one Output when it is a secret, a
   * stack reference's output or another resource's output (`standbyRegions` from a stack
   * reference, a secret `trafficShifting`, one function of `functions`). Records `[key] must be
   * known when the component is constructed ...` once for each such key (every key of `shape`
   * but those marked `INPUT`, whose type is `pulumi.Input`), drops any later problem inside it,
   * and returns the arguments without those subtrees (see `withoutUnknown`), for the other
   * checks: they go on with the rest, so every problem is reported at once.
   */
  requireKnown<T>(args: T, shape: KeyRule): T {
    requireKnownAt(this, "", args, shape);
    return withoutUnknown(args, shape) as T;
  }

  /**
   * Keys the arguments do not have are errors, not silently ignored defaults: a misspelling from
   * JavaScript or through `as any` (`[trafficShift] is not an argument (did you mean
   * [trafficShifting]?)`), and keys of another mode (`weight` next to a CodeDeploy `type`).
   * Checks nested plain objects by their shapes; Outputs and Promises are left to
   * `requireKnown`, resources and arrays to the other checks.
   * @param args The arguments as given.
   * @param shape Every key they may have (see `ArgumentShape`).
   */
  knownKeys(args: unknown, shape: KeyRule): void {
    checkKeys(this, "", args, shape);
  }

  /** Every problem recorded so far, as `[key] is <value>: <what is allowed>`. */
  get messages(): readonly string[] {
    return [...this.problems];
  }

  get count(): number {
    return this.problems.length;
  }

  /** Throws one `InvalidArgumentsError` listing every problem, if there are any. */
  throwIfAny(): void {
    if (this.problems.length > 0) {
      throw new InvalidArgumentsError(this.subject, this.problems);
    }
  }
}

/** AWS region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-7`, ... */
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/**
 * The keys an argument object may have: per key `true` (any value known when the component is
 * constructed), `INPUT` (a `pulumi.Input`: an Output too), the shape of the plain object it
 * holds, `eachValue` for a map, `eachItem` for a list, or `shapeVariants` for a choice of shapes.
 */
export type ArgumentShape = { readonly [key: string]: KeyRule };

/**
 * The rule of a key typed `pulumi.Input<...>`: any value, an Output or a Promise included (the
 * component hands it on to resources, or reads it in an `apply`).
 */
export const INPUT = "input";

/** What a key of an `ArgumentShape` may hold. */
export type KeyRule =
  true | typeof INPUT | ArgumentShape | EachValue | EachItem | ShapeVariants | ObjectOrInstance;

/** Whether a type takes an Output (it is, or includes, `pulumi.Input<...>`). */
type TakesOutput<V> = [pulumi.OutputInstance<never>] extends [V] ? true : false;

/** The rule a key of type `V` must have: `INPUT` exactly when `V` takes an Output. */
export type RuleFor<V> =
  TakesOutput<V> extends true ? typeof INPUT : Exclude<KeyRule, typeof INPUT>;

/**
 * Exactly the keys of `T`: `{ ... } satisfies ShapeOf<Args>` fails to compile when an argument
 * interface gains a key the shape lacks (which would then be refused at run time), when the
 * shape lists one the interface does not have, or when a key is marked `INPUT` and its type
 * takes no Output, or the other way round.
 */
export type ShapeOf<T> = { readonly [K in keyof Required<T>]-?: RuleFor<Required<T>[K]> };

/** A map (`functions`, `healthCheckByRegion`): every value has the shape. */
export class EachValue {
  constructor(readonly rule: KeyRule) {}
}

/** A map whose every value has `rule`'s keys. */
export function eachValue(rule: KeyRule): EachValue {
  return new EachValue(rule);
}

/**
 * A list (`policyStatements`): every item has the rule. An item that arrives as one Output (a
 * secret statement, another program's output) is named by its index, `[policyStatements[0]]`.
 */
export class EachItem {
  constructor(readonly rule: KeyRule) {}
}

/** A list whose every item has `rule`. */
export function eachItem(rule: KeyRule): EachItem {
  return new EachItem(rule);
}

/**
 * The shape of a key whose type an object of a class also fits (RegionalService `table`: an
 * `aws.dynamodb.Table` is `{ name, arn }`): a plain object's keys are checked, an instance is
 * taken as it is. Every other shaped key must hold a plain object.
 */
export class ObjectOrInstance {
  constructor(readonly shape: ArgumentShape) {}
}

/** A plain object with `shape`'s keys, or an instance of a class that fits the type. */
export function objectOrInstance(shape: ArgumentShape): ObjectOrInstance {
  return new ObjectOrInstance(shape);
}

/** One of several shapes, chosen by the value of one key (a mode, a topology). */
export class ShapeVariants {
  constructor(
    readonly discriminant: string,
    readonly variants: Readonly<Record<string, ArgumentShape>>,
    readonly defaultVariant?: string,
  ) {}
}

/**
 * Shapes chosen by `args[discriminant]` (or `defaultVariant` when it is unset): a key of another
 * variant is a contradiction (`weight` belongs to mode "weighted", not "codedeploy").
 */
export function shapeVariants(
  discriminant: string,
  variants: Readonly<Record<string, ArgumentShape>>,
  defaultVariant?: string,
): ShapeVariants {
  return new ShapeVariants(discriminant, variants, defaultVariant);
}

/** A value whose keys are the user's own: not an Output, Promise, array or class instance. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return false;
  }
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** What a non-plain object is, for "must be a plain object, not ..." */
function describeObject(value: object): string {
  if (pulumi.Output.isInstance(value)) {
    return "an Output";
  }
  if (typeof (value as { then?: unknown }).then === "function") {
    return "a Promise";
  }
  if (Array.isArray(value)) {
    return "an array";
  }
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)
    ?.constructor?.name;
  return typeof name === "string" && name !== "" ? `an instance of ${name}` : "a class instance";
}

/** The shape a plain object has under `rule` (its variant's, or every variant's), if any. */
function shapeOf(value: Record<string, unknown>, rule: KeyRule): ArgumentShape | undefined {
  if (rule === true || rule === INPUT || rule instanceof EachValue || rule instanceof EachItem) {
    return undefined;
  }
  if (rule instanceof ObjectOrInstance) {
    return rule.shape;
  }
  if (rule instanceof ShapeVariants) {
    const chosen = value[rule.discriminant] ?? rule.defaultVariant;
    return typeof chosen === "string" && Object.hasOwn(rule.variants, chosen)
      ? rule.variants[chosen]
      : (Object.assign({}, ...Object.values(rule.variants)) as ArgumentShape);
  }
  return rule;
}

/** True when `key` is `parent` or a key inside it (`functions.orders.timeout` in `functions.orders`). */
function isWithin(key: string, parent: string): boolean {
  return (
    key === parent ||
    (key.startsWith(parent) && (key[parent.length] === "." || key[parent.length] === "["))
  );
}

/**
 * The arguments without their unknown subtrees (Outputs and Promises where `rule` needs a known
 * value): an object key or map value is left out, a list item becomes a hole, so the other
 * items keep their index (`forEach` skips holes). Copies only what it changes.
 */
function withoutUnknown(value: unknown, rule: KeyRule): unknown {
  if (rule === INPUT || value === undefined || value === null || !isKnown(value)) {
    return value;
  }
  const keep = (item: unknown, itemRule: KeyRule) =>
    itemRule === INPUT || item === undefined || item === null || isKnown(item);
  if (rule instanceof EachItem) {
    if (!Array.isArray(value)) {
      return value;
    }
    let changed = false;
    const items: unknown[] = new Array(value.length);
    value.forEach((item, index) => {
      if (keep(item, rule.rule)) {
        items[index] = withoutUnknown(item, rule.rule);
        changed ||= items[index] !== item;
      } else {
        changed = true;
      }
    });
    return changed ? items : value;
  }
  if (!isPlainObject(value)) {
    return value;
  }
  const shape = rule instanceof EachValue ? undefined : shapeOf(value, rule);
  const ruleOf = (key: string): KeyRule =>
    rule instanceof EachValue ? rule.rule : shape && Object.hasOwn(shape, key) ? shape[key] : INPUT;
  let changed = false;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (keep(item, ruleOf(key))) {
      copy[key] = withoutUnknown(item, ruleOf(key));
      changed ||= copy[key] !== item;
    } else {
      changed = true;
    }
  }
  return changed ? copy : value;
}

function requireKnownAt(
  problems: ArgumentProblems,
  prefix: string,
  value: unknown,
  rule: KeyRule,
): void {
  if (rule === INPUT || value === undefined || value === null) {
    return;
  }
  if (!isKnown(value)) {
    if (prefix !== "") {
      problems.addUnknown(
        prefix.slice(0, -1),
        `must be known when the component is constructed, not ${describeObject(value as object)}: ` +
          "the component reads it then, to check it and to decide what to create. It arrives as " +
          "one Output when it is a secret or another resource's or stack's output; pass a plain value",
      );
    }
    return;
  }
  if (rule instanceof EachItem) {
    if (Array.isArray(value)) {
      value.forEach((item, index) =>
        requireKnownAt(problems, `${prefix.slice(0, -1)}[${index}].`, item, rule.rule),
      );
    }
    return;
  }
  if (!isPlainObject(value)) {
    return;
  }
  if (rule instanceof EachValue) {
    for (const [key, item] of Object.entries(value)) {
      requireKnownAt(problems, `${prefix}${key}.`, item, rule.rule);
    }
    return;
  }
  const shape = shapeOf(value, rule);
  for (const [key, item] of Object.entries(value)) {
    if (shape && Object.hasOwn(shape, key)) {
      requireKnownAt(problems, `${prefix}${key}.`, item, shape[key]);
    }
  }
}

function checkKeys(
  problems: ArgumentProblems,
  prefix: string,
  value: unknown,
  rule: KeyRule,
): void {
  if (rule === true || rule === INPUT || value === undefined || value === null) {
    return;
  }
  if (rule instanceof EachItem) {
    // Not a list: the component's own check says what the list must hold.
    if (Array.isArray(value)) {
      value.forEach((item, index) =>
        checkKeys(problems, `${prefix.slice(0, -1)}[${index}].`, item, rule.rule),
      );
    }
    return;
  }
  if (rule instanceof ObjectOrInstance) {
    if (isPlainObject(value)) {
      checkOwnKeys(problems, prefix, value, rule.shape, () => false);
    }
    return;
  }
  if (!isPlainObject(value)) {
    // The type is a plain object (not pulumi.Input): the component reads its keys while it is
    // constructed, so an instance would fail later, far from here. Outputs and Promises are
    // `requireKnown`'s to report; strings and numbers the component's own checks'.
    if (typeof value === "object" && isKnown(value) && prefix !== "") {
      problems.addSentence(
        prefix.slice(0, -1),
        `must be a plain object, not ${describeObject(value)} (its keys are read while the component is constructed)`,
      );
    }
    return;
  }
  if (rule instanceof EachValue) {
    for (const [key, item] of Object.entries(value)) {
      checkKeys(problems, `${prefix}${key}.`, item, rule.rule);
    }
    return;
  }
  if (rule instanceof ShapeVariants) {
    const chosen = value[rule.discriminant] ?? rule.defaultVariant;
    const variant = typeof chosen === "string" ? rule.variants[chosen] : undefined;
    let shape: ArgumentShape;
    let others: [string, ArgumentShape][] = [];
    if (variant === undefined || !Object.hasOwn(rule.variants, chosen as string)) {
      // An unknown mode is reported by the component's own check; judge keys by every variant.
      shape = Object.assign({}, ...Object.values(rule.variants)) as ArgumentShape;
    } else {
      shape = variant;
      others = Object.entries(rule.variants).filter(([name]) => name !== chosen);
    }
    const ownerOf = (key: string) => others.find(([, other]) => Object.hasOwn(other, key));
    for (const key of Object.keys(value)) {
      // A key of the other mode left undefined (`weight: undefined`, as a spread of optional
      // settings writes it) or null (as Pulumi YAML and other languages send an unset value)
      // says nothing: only a value there contradicts the mode.
      if (Object.hasOwn(shape, key) || value[key] === undefined || value[key] === null) continue;
      const owner = ownerOf(key);
      if (owner) {
        // As the components word it: `[regions] is [...]: applies to topology "active-active" only`.
        const isDefault = value[rule.discriminant] === undefined;
        problems.add(
          `${prefix}${key}`,
          value[key],
          `applies to ${problems.keyName(prefix + rule.discriminant)} ${showValue(owner[0])} only (this one is ${showValue(chosen)}${isDefault ? ", the default" : ""})`,
        );
      }
    }
    checkOwnKeys(problems, prefix, value, shape, (key) => ownerOf(key) !== undefined);
    return;
  }
  checkOwnKeys(problems, prefix, value, rule, () => false);
}

function checkOwnKeys(
  problems: ArgumentProblems,
  prefix: string,
  value: Record<string, unknown>,
  shape: ArgumentShape,
  reported: (key: string) => boolean,
): void {
  const known = Object.keys(shape);
  for (const [key, item] of Object.entries(value)) {
    // Own keys only: `constructor` or `toString` (on every object's prototype) is not an argument.
    if (Object.hasOwn(shape, key)) {
      checkKeys(problems, `${prefix}${key}.`, item, shape[key]);
    } else if (!reported(key)) {
      const guess = closestKey(key, known);
      problems.unknownKey(`${prefix}${key}`, guess && `${prefix}${guess}`, known);
    }
  }
}

/** The closest known key within edit distance 2 (typos like `regoins`, `trafficShift`), if any. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length];
  };
  const ranked = known
    .map((k) => [k, distance(key.toLowerCase(), k.toLowerCase())] as const)
    .sort((a, b) => a[1] - b[1]);
  if (ranked.length > 0 && ranked[0][1] <= 2) {
    return ranked[0][0];
  }
  // A prefix of a known key (`trafficShift` for `trafficShifting`) is a likely truncation.
  const lower = key.toLowerCase();
  return known.find((k) => lower.length >= 4 && k.toLowerCase().startsWith(lower));
}

/**
 * `{ ...maps[0], ...maps[1], ... }` for maps that may be Outputs or Promises (an `environment`
 * or `tags` another language sent as one secret Output): the plain merge when every map is
 * known now, else one Output of the merged map (secret when any of them is); `check` sees the
 * maps once known, before the merge is used, and may throw (failing the preview or update).
 */
export function mergeMaps<T>(
  maps: readonly (pulumi.Input<Record<string, pulumi.Input<T>>> | undefined)[],
  check?: (known: readonly Record<string, T>[]) => void,
): pulumi.Input<Record<string, pulumi.Input<T>>> {
  if (maps.every((map) => isKnown(map))) {
    return Object.assign({}, ...maps.map((map) => map ?? {})) as Record<string, pulumi.Input<T>>;
  }
  return pulumi.all(maps.map((map) => pulumi.output(map ?? {}))).apply((known) => {
    check?.(known as Record<string, T>[]);
    return Object.assign({}, ...known) as Record<string, T>;
  });
}
