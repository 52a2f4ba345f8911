/**
 * Partial matchers for captured resource inputs, in the spirit of CDK's `Match`
 * (`aws-cdk-lib/assertions`): a plain object or array in a pattern matches
 * partially (objects: the listed keys; arrays: element by element, same length),
 * and the `Match.*` helpers say what else is allowed.
 */

const matcherTag = Symbol("multiregion-serverless.matcher");

/** A pattern element that decides for itself whether a value matches. */
export interface Matcher {
  readonly [matcherTag]: true;
  /** Describes the expectation for failure messages. */
  readonly description: string;
  /** Returns the mismatches found at `path` (empty when the value matches). */
  test(value: unknown, path: string): string[];
}

function matcher(description: string, test: (value: unknown, path: string) => string[]): Matcher {
  return { [matcherTag]: true, description, test };
}

export function isMatcher(value: unknown): value is Matcher {
  return typeof value === "object" && value !== null && matcherTag in value;
}

function show(value: unknown): string {
  if (value === undefined) {
    return "undefined";
  }
  if (isMatcher(value)) {
    return value.description;
  }
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/**
 * Compares `actual` to `pattern` and returns every mismatch as `path: expected ..., got ...`.
 * Objects in the pattern match objects that have at least the listed keys (extra keys
 * are allowed); arrays must have the same length and match element by element.
 */
export function mismatches(actual: unknown, pattern: unknown, path = "$"): string[] {
  if (isMatcher(pattern)) {
    return pattern.test(actual, path);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(actual)) {
      return [`${path}: expected an array ${show(pattern)}, got ${show(actual)}`];
    }
    if (actual.length !== pattern.length) {
      return [
        `${path}: expected ${pattern.length} elements, got ${actual.length}: ${show(actual)}`,
      ];
    }
    return pattern.flatMap((element, i) => mismatches(actual[i], element, `${path}[${i}]`));
  }
  if (typeof pattern === "object" && pattern !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) {
      return [`${path}: expected an object ${show(pattern)}, got ${show(actual)}`];
    }
    const record = actual as Record<string, unknown>;
    return Object.entries(pattern).flatMap(([key, expected]) =>
      mismatches(record[key], expected, `${path}.${key}`),
    );
  }
  if (actual !== pattern) {
    return [`${path}: expected ${show(pattern)}, got ${show(actual)}`];
  }
  return [];
}

/** Returns true when `actual` matches `pattern` (see {@link mismatches}). */
export function matches(actual: unknown, pattern: unknown): boolean {
  return mismatches(actual, pattern).length === 0;
}

export const Match = {
  /** The key must be absent (or undefined). */
  absent(): Matcher {
    return matcher("absent", (value, path) =>
      value === undefined ? [] : [`${path}: expected absent, got ${show(value)}`],
    );
  },
  /** Any value that is present (not undefined). */
  anyValue(): Matcher {
    return matcher("any value", (value, path) =>
      value === undefined ? [`${path}: expected a value, got undefined`] : [],
    );
  },
  /** Deep equality: no extra keys, no extra elements. */
  exact(expected: unknown): Matcher {
    return matcher(`exactly ${show(expected)}`, (value, path) =>
      JSON.stringify(sortKeys(value)) === JSON.stringify(sortKeys(expected))
        ? []
        : [`${path}: expected exactly ${show(expected)}, got ${show(value)}`],
    );
  },
  /** An object with at least these keys, each matching (same as a plain object pattern). */
  objectLike(pattern: Record<string, unknown>): Matcher {
    return matcher(`object like ${show(pattern)}`, (value, path) =>
      mismatches(value, pattern, path),
    );
  },
  /** An array containing, in order but not necessarily adjacent, elements matching each pattern. */
  arrayWith(patterns: unknown[]): Matcher {
    return matcher(`array with ${show(patterns)}`, (value, path) => {
      if (!Array.isArray(value)) {
        return [`${path}: expected an array with ${show(patterns)}, got ${show(value)}`];
      }
      let next = 0;
      for (const element of value) {
        if (next < patterns.length && matches(element, patterns[next])) {
          next++;
        }
      }
      return next === patterns.length
        ? []
        : [`${path}: no element matches ${show(patterns[next])} in ${show(value)}`];
    });
  },
  /** An array with exactly these elements in any order (each matched partially). */
  arrayEquivalent(patterns: unknown[]): Matcher {
    return matcher(`array equivalent to ${show(patterns)}`, (value, path) => {
      if (!Array.isArray(value) || value.length !== patterns.length) {
        return [
          `${path}: expected ${patterns.length} elements like ${show(patterns)}, got ${show(value)}`,
        ];
      }
      const unused = [...value];
      for (const pattern of patterns) {
        const index = unused.findIndex((element) => matches(element, pattern));
        if (index < 0) {
          return [`${path}: no element matches ${show(pattern)} in ${show(value)}`];
        }
        unused.splice(index, 1);
      }
      return [];
    });
  },
  /** A string matching the regular expression. */
  stringLikeRegexp(pattern: RegExp): Matcher {
    return matcher(`string like ${pattern}`, (value, path) =>
      typeof value === "string" && pattern.test(value)
        ? []
        : [`${path}: expected a string like ${pattern}, got ${show(value)}`],
    );
  },
  /** The value must not match the pattern. */
  not(pattern: unknown): Matcher {
    return matcher(`not ${show(pattern)}`, (value, path) =>
      matches(value, pattern) ? [`${path}: expected not ${show(pattern)}, got ${show(value)}`] : [],
    );
  },
  /** A JSON string whose parsed value matches the pattern (IAM policy documents, AppSpecs). */
  serializedJson(pattern: unknown): Matcher {
    return matcher(`JSON matching ${show(pattern)}`, (value, path) => {
      if (typeof value !== "string") {
        return [`${path}: expected a JSON string, got ${show(value)}`];
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        return [`${path}: expected a JSON string, got ${show(value)}`];
      }
      return mismatches(parsed, pattern, `${path}<json>`);
    });
  },
  /** A value accepted by the predicate. */
  predicate(description: string, accept: (value: unknown) => boolean): Matcher {
    return matcher(description, (value, path) =>
      accept(value) ? [] : [`${path}: expected ${description}, got ${show(value)}`],
    );
  },
};

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
