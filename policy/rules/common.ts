// Shared helpers for the rules: reading resource properties that may be unknown at preview,
// policy config with schema defaults, and which environment a resource belongs to.
//
// Nothing here has side effects: rule modules are imported by the CrossGuard pack
// (`policy/index.ts`) and by the offline runner (`policy/offline.ts`) alike.
import { PolicyConfigSchema, PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/**
 * A property value that is not known yet: at `pulumi preview` an input computed from another
 * resource's outputs has no value. Rules must never report a violation because of it.
 */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

/**
 * The sentinels the Pulumi engine sends for unknown values, one per property kind (source:
 * `@pulumi/policy` proxy.js and the engine's `plugin/rpc.go` Unknown*Value constants). CrossGuard
 * wraps `args.props` in a proxy that throws `UnknownValueError` when one of them is read, which
 * turns the whole check into an advisory "can't run policy during preview" message; {@link plain}
 * reads around the proxy so a rule can skip just the unknown part instead.
 */
const unknownSentinels = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (also `rpc.unknownValue` in @pulumi/pulumi)
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The engine's sentinel for an unknown string, which the offline runner also uses. */
export const UNKNOWN_STRING_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** True for `null`/`undefined`: the property is absent (as opposed to unknown). */
export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/** True when the value or anything inside it is unknown. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.some(containsUnknown);
  }
  if (isPlainObject(value)) {
    return Object.values(value).some(containsUnknown);
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Reads an own property without going through a proxy's `get` trap. */
function rawProperty(target: object, key: string): unknown {
  return Object.getOwnPropertyDescriptor(target, key)?.value;
}

/**
 * A plain deep copy of resource properties in which every unknown value is {@link UNKNOWN}.
 * Works on CrossGuard's proxied `args.props` (it reads property descriptors, which the proxy
 * does not intercept), on plain objects, and on inputs captured under Pulumi's mocks (where an
 * unknown is `{ __pulumiUnknown: true }`). Assets and archives are kept as they are.
 *
 * The result is typed like its argument for convenience; check values with {@link isUnknown}.
 */
export function plain<T>(value: T): T {
  return copyKnown(value) as T;
}

/**
 * `plain(props)[key]`, without copying the other properties (rules run for every resource, and
 * most read one or two of its properties).
 */
export function plainProperty(props: unknown, key: string): any {
  return typeof props === "object" && props !== null
    ? copyKnown(rawProperty(props, key))
    : undefined;
}

function copyKnown(value: unknown): unknown {
  if (typeof value === "string") {
    return unknownSentinels.has(value) ? UNKNOWN : value;
  }
  if (Array.isArray(value)) {
    return Array.from({ length: value.length }, (_, index) =>
      copyKnown(rawProperty(value, String(index))),
    );
  }
  if (isPlainObject(value)) {
    if (rawProperty(value, "__pulumiUnknown") === true) {
      return UNKNOWN;
    }
    return Object.fromEntries(
      Object.keys(value).map((key) => [key, copyKnown(rawProperty(value, key))]),
    );
  }
  return value;
}

/** The value as a string when it is a known, non-empty string. */
export function knownString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A single value or a list of them (IAM `Action`, `Resource`) as a list. */
export function asList(value: unknown): unknown[] {
  if (isAbsent(value)) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** DNS names compare case-insensitively and with or without the root dot. */
export function normalizeDnsName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

// ---------------------------------------------------------------------------------------------
// Policy config

/** The defaults a policy's config schema declares. */
export function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schema?.properties ?? {})
      .filter(([, property]) => property.default !== undefined)
      .map(([key, property]) => [key, property.default]),
  );
}

/**
 * The policy's config merged over its schema defaults. The Pulumi CLI applies schema defaults
 * itself, but a rule must not depend on it (older CLIs, the offline runner, direct calls).
 */
export function configOf<T extends object>(
  args: { getConfig<C extends object>(): C },
  schema: PolicyConfigSchema,
): T {
  const given = Object.entries(args.getConfig<Record<string, unknown>>()).filter(
    ([key, value]) => value !== undefined && key !== "enforcementLevel",
  );
  return { ...schemaDefaults(schema), ...Object.fromEntries(given) } as T;
}

// ---------------------------------------------------------------------------------------------
// Environments

/** Config every environment-aware rule accepts. */
export interface EnvironmentSettings {
  /** The environment of resources without an `environment` tag. */
  environment?: string;
  /** Environment names that count as production. */
  productionEnvironments: string[];
}

/** Schema properties of {@link EnvironmentSettings}, spread into a rule's `configSchema`. */
export const environmentConfigProperties: Record<string, PolicyConfigJSONSchema> = {
  environment: {
    type: "string",
    description:
      "Environment assumed for resources without an `environment` tag (normally every resource " +
      "this package creates carries one). Set it to the stack's environment, e.g. `prod`.",
  },
  productionEnvironments: {
    type: "array",
    items: { type: "string" },
    default: ["prod"],
    description:
      "Environment names that count as production. `production` counts whenever `prod` is listed.",
  },
};

/** Something with properties and a provider: `ResourceValidationArgs` or a stack `PolicyResource`. */
export interface PropertySource {
  props: Record<string, any>;
  provider?: PolicyProviderResource;
}

/**
 * The tags a resource will carry: the provider's `defaultTags` overlaid by the resource's own
 * `tagsAll` (stack policies see outputs) and `tags`. Undefined when the resource's tags are not
 * known at preview.
 */
export function effectiveTags(resource: PropertySource): Record<string, unknown> | undefined {
  const tags: unknown = plainProperty(resource.props, "tags");
  if (isUnknown(tags)) {
    return undefined;
  }
  const tagsAll: unknown = plainProperty(resource.props, "tagsAll");
  const own = isPlainObject(tags) ? tags : {};
  return {
    ...providerDefaultTags(resource.provider),
    ...(isPlainObject(tagsAll) ? tagsAll : {}),
    ...own,
  };
}

/**
 * `defaultTags.tags` of an AWS provider. The SDK sends object-valued provider inputs as JSON
 * strings (`@pulumi/aws` provider.js: `defaultTags ... .apply(JSON.stringify)`), so both forms occur.
 */
export function providerDefaultTags(
  provider: PolicyProviderResource | undefined,
): Record<string, unknown> {
  if (!provider) {
    return {};
  }
  let defaultTags: unknown = plainProperty(provider.props, "defaultTags");
  if (typeof defaultTags === "string") {
    try {
      defaultTags = JSON.parse(defaultTags);
    } catch {
      return {};
    }
  }
  const tags = isPlainObject(defaultTags) ? defaultTags.tags : undefined;
  return isPlainObject(tags) ? tags : {};
}

/**
 * The environment a resource belongs to: its `environment` tag; else the policy's `environment`
 * config; else its `stack` tag (this package runs one stack per environment, named after it).
 * Undefined when none is known, which the environment-scoped rules treat as "not production".
 */
export function environmentOf(
  resource: PropertySource,
  settings: Pick<EnvironmentSettings, "environment">,
): string | undefined {
  const tags = effectiveTags(resource) ?? {};
  return knownString(tags.environment) ?? settings.environment ?? knownString(tags.stack);
}

/** Whether an environment name counts as production under the config. */
export function isProductionEnvironment(
  environment: string | undefined,
  settings: Pick<EnvironmentSettings, "productionEnvironments">,
): boolean {
  if (environment === undefined) {
    return false;
  }
  const production = settings.productionEnvironments;
  return (
    production.includes(environment) ||
    (environment === "production" && production.includes("prod"))
  );
}

/** Whether a resource belongs to a production environment. */
export function isProduction(resource: PropertySource, settings: EnvironmentSettings): boolean {
  return isProductionEnvironment(environmentOf(resource, settings), settings);
}

/**
 * The AWS region a resource lives in: its v7 `region` property, else its provider's `region`.
 * Undefined when neither is known.
 */
export function regionOf(resource: PropertySource): string | undefined {
  const region = knownString(plainProperty(resource.props, "region"));
  if (region) {
    return region;
  }
  return resource.provider
    ? knownString(plainProperty(resource.provider.props, "region"))
    : undefined;
}

// ---------------------------------------------------------------------------------------------
// References between resources (stack policies)

/**
 * The resources among `candidates` that `resource.props[property]` refers to, e.g. the health
 * check of a record's `healthCheckId`. Tried in order: the engine's property dependencies (known
 * even when the value is not), a known value that `matchesValue` recognises, and a single
 * dependency among the candidates. Undefined when the reference cannot be resolved, which is
 * normal at preview; callers must then not report a violation about the referenced resource.
 */
export function referencedResources(
  resource: PolicyResource,
  property: string,
  candidates: readonly PolicyResource[],
  matchesValue: (candidate: PolicyResource, value: string) => boolean,
): PolicyResource[] | undefined {
  const byPropertyDependency = (resource.propertyDependencies?.[property] ?? []).filter(
    (dependency) => candidates.includes(dependency),
  );
  if (byPropertyDependency.length > 0) {
    return byPropertyDependency;
  }
  const value = knownString(plainProperty(resource.props, property));
  if (value !== undefined) {
    const byValue = candidates.filter((candidate) => matchesValue(candidate, value));
    if (byValue.length > 0) {
      return byValue;
    }
  }
  const byDependency = resource.dependencies.filter((dependency) =>
    candidates.includes(dependency),
  );
  return byDependency.length === 1 ? byDependency : undefined;
}
