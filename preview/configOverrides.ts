// `--config key=value` overrides over a stack file's config, as `pulumi config set [--path]` would
// change it before the preview.
import { PreviewError } from "./errors";

/** One `--config` argument. */
export interface ConfigOverride {
  /** `<namespace>:<key>` (a bare key gets the project's namespace). */
  key: string;
  /** Property path inside the key's structured value (`deployment.type` → `["type"]`); empty for the whole key. */
  path: string[];
  /** The value as written after `=`. */
  value: string;
}

/**
 * Parses `key=value`, `namespace:key=value` or a path into a structured key,
 * `key.property.property=value` (numeric segments index arrays).
 */
export function parseConfigOverride(argument: string, project: string): ConfigOverride {
  const equals = argument.indexOf("=");
  if (equals <= 0) {
    throw new PreviewError(
      "usage",
      `--config ${JSON.stringify(argument)}: expected key=value, e.g. --config deployment.type=AllAtOnce or --config aws:region=us-west-2`,
    );
  }
  const name = argument.slice(0, equals);
  const value = argument.slice(equals + 1);
  const colon = name.indexOf(":");
  const namespace = colon >= 0 ? name.slice(0, colon) : project;
  const [key, ...path] = (colon >= 0 ? name.slice(colon + 1) : name).split(".");
  if (namespace === "" || key === "" || path.some((segment) => segment === "")) {
    throw new PreviewError(
      "usage",
      `--config ${JSON.stringify(argument)}: ${JSON.stringify(name)} is not a config key (namespace:key, key or key.path)`,
    );
  }
  return { key: `${namespace}:${key}`, path, value };
}

/**
 * The config with the overrides applied in order. The whole key takes the value as written (the
 * CLI passes strings; structured values are JSON, which the program parses). A path sets one
 * property of the key's JSON value, the value parsed as JSON when it is (`10`, `true`,
 * `["us-east-1"]`), else kept as a string.
 */
export function applyConfigOverrides(
  config: Readonly<Record<string, string>>,
  overrides: readonly ConfigOverride[],
): Record<string, string> {
  const result: Record<string, string> = { ...config };
  for (const override of overrides) {
    if (override.path.length === 0) {
      result[override.key] = override.value;
      continue;
    }
    let root: unknown = {};
    if (result[override.key] !== undefined) {
      try {
        root = JSON.parse(result[override.key]);
      } catch {
        root = undefined;
      }
    }
    if (typeof root !== "object" || root === null) {
      throw new PreviewError(
        "usage",
        `--config ${override.key}.${override.path.join(".")}: ${override.key} is ${JSON.stringify(result[override.key])}, not an object or list, so it has no property ${JSON.stringify(override.path.join("."))}`,
      );
    }
    setPath(root as Record<string, unknown>, override.path, jsonOrString(override.value));
    result[override.key] = JSON.stringify(root);
  }
  return result;
}

function jsonOrString(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function setPath(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = root;
  path.forEach((segment, index) => {
    if (index === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (typeof next !== "object" || next === null) {
      node[segment] = /^\d+$/.test(path[index + 1]) ? [] : {};
    }
    node = node[segment] as Record<string, unknown>;
  });
}
