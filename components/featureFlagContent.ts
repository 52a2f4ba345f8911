// AppConfig's feature-flag format and deployment strategies: the document a feature-flag
// profile's hosted configuration version holds, and how a flag change rolls out. Plain
// functions so that the component, the stack settings, the preview and the policies agree.
import { createHash } from "crypto";
import type { FeatureFlag, FeatureFlagAttribute, FeatureFlagRollout } from "./featureFlags";
import { ArgumentProblems, isKnown } from "./validation";

/**
 * Flag and attribute keys: AppConfig's `AWS.AppConfig.FeatureFlags` JSON schema allows
 * `^[a-z][a-zA-Z\d_-]{0,63}$` for both (AppConfig User Guide, "Understanding the type reference
 * for AWS.AppConfig.FeatureFlags",
 * https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-type-reference-feature-flags.html).
 */
export const FLAG_KEY_PATTERN = /^[a-z][a-zA-Z\d_-]{0,63}$/;
/** The same reference: at most 25 attributes per flag, descriptions of at most 1024 characters. */
export const MAX_FLAG_ATTRIBUTES = 25;
const MAX_DESCRIPTION = 1024;
/** String attribute values and string constraints: at most 1024 characters (same reference). */
const MAX_STRING_VALUE = 1024;

/** The attribute types AppConfig's constraints know (`constraints.type`). */
export const FeatureFlagAttributeType = {
  String: "string",
  Number: "number",
  Boolean: "boolean",
  Array: "array",
} as const;
export type FeatureFlagAttributeType =
  (typeof FeatureFlagAttributeType)[keyof typeof FeatureFlagAttributeType];

/**
 * AppConfig's predefined deployment strategies: use one by name as the deployment's strategy id
 * (AppConfig User Guide, "Using predefined deployment strategies",
 * https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-deployment-strategy-predefined.html).
 */
export const PredefinedFlagStrategy = {
  AllAtOnce: "AppConfig.AllAtOnce",
  Linear50PercentEvery30Seconds: "AppConfig.Linear50PercentEvery30Seconds",
  Linear20PercentEvery6Minutes: "AppConfig.Linear20PercentEvery6Minutes",
  Canary10Percent20Minutes: "AppConfig.Canary10Percent20Minutes",
} as const;
export type PredefinedFlagStrategy =
  (typeof PredefinedFlagStrategy)[keyof typeof PredefinedFlagStrategy];
export const PREDEFINED_FLAG_STRATEGIES = Object.values(PredefinedFlagStrategy);

/** How a custom strategy grows (AppConfig API reference, `CreateDeploymentStrategy.GrowthType`). */
export const FlagGrowthType = {
  Linear: "LINEAR",
  Exponential: "EXPONENTIAL",
} as const;
export type FlagGrowthType = (typeof FlagGrowthType)[keyof typeof FlagGrowthType];

/** A deployment strategy's shape, predefined or custom. */
export interface FlagStrategyShape {
  growthType: FlagGrowthType;
  /** Percent of targets per step (1-100). */
  growthFactor: number;
  /** Minutes from the first to the last step (0-1440). */
  durationMinutes: number;
  /** Minutes AppConfig keeps watching the alarms after 100% before it calls the deployment done (0-1440). */
  finalBakeTimeMinutes: number;
}

/** The shapes of the predefined strategies, as the page above describes each. */
export const PREDEFINED_FLAG_STRATEGY_SHAPES: Readonly<
  Record<PredefinedFlagStrategy, FlagStrategyShape>
> = {
  "AppConfig.AllAtOnce": {
    growthType: "LINEAR",
    growthFactor: 100,
    durationMinutes: 0,
    finalBakeTimeMinutes: 10,
  },
  "AppConfig.Linear50PercentEvery30Seconds": {
    growthType: "LINEAR",
    growthFactor: 50,
    durationMinutes: 1,
    finalBakeTimeMinutes: 1,
  },
  "AppConfig.Linear20PercentEvery6Minutes": {
    growthType: "LINEAR",
    growthFactor: 20,
    durationMinutes: 30,
    finalBakeTimeMinutes: 30,
  },
  "AppConfig.Canary10Percent20Minutes": {
    growthType: "EXPONENTIAL",
    growthFactor: 10,
    durationMinutes: 20,
    finalBakeTimeMinutes: 10,
  },
};

/**
 * Per-environment default rollouts: dev at once, staging linear, prod a canary with bake time.
 */
export const FLAG_ROLLOUT_DEFAULTS = {
  dev: PredefinedFlagStrategy.AllAtOnce,
  staging: PredefinedFlagStrategy.Linear20PercentEvery6Minutes,
  prod: PredefinedFlagStrategy.Canary10Percent20Minutes,
} as const;

/** The strategy a rollout resolves to: a predefined name, or a custom shape. */
export type ResolvedFlagStrategy =
  | { predefined: PredefinedFlagStrategy; shape: FlagStrategyShape }
  | { predefined?: undefined; shape: FlagStrategyShape };

/** The rollout's strategy; the default is AppConfig's canary (safe wherever it is forgotten). */
export function resolveFlagStrategy(rollout: FeatureFlagRollout | undefined): ResolvedFlagStrategy {
  if (rollout?.growthFactor !== undefined || rollout?.durationMinutes !== undefined) {
    return {
      shape: {
        growthType: rollout.growthType ?? "LINEAR",
        growthFactor: rollout.growthFactor ?? 100,
        durationMinutes: rollout.durationMinutes ?? 0,
        finalBakeTimeMinutes: rollout.finalBakeTimeMinutes ?? 0,
      },
    };
  }
  const predefined = (rollout?.strategy ??
    PredefinedFlagStrategy.Canary10Percent20Minutes) as PredefinedFlagStrategy;
  return { predefined, shape: PREDEFINED_FLAG_STRATEGY_SHAPES[predefined] };
}

/** A rollout in words: `AppConfig.Canary10Percent20Minutes (exponential 10%, 20 min, bake 10 min)`. */
export function describeFlagStrategy(strategy: ResolvedFlagStrategy): string {
  const { growthType, growthFactor, durationMinutes, finalBakeTimeMinutes } = strategy.shape;
  const shape = `${growthType.toLowerCase()} ${growthFactor}%, ${durationMinutes} min, bake ${finalBakeTimeMinutes} min`;
  return strategy.predefined ? `${strategy.predefined} (${shape})` : `custom (${shape})`;
}

/** Whether a strategy reaches every target in steps (not at once): what prod needs. */
export function isGradual(shape: FlagStrategyShape): boolean {
  return shape.growthFactor < 100 && shape.durationMinutes > 0;
}

/** The JSON document of a flag profile's hosted configuration version (format version "1"). */
export interface FeatureFlagDocument {
  version: "1";
  flags: Record<string, Record<string, unknown>>;
  values: Record<string, Record<string, unknown>>;
}

/** The value fields of an attribute (a package schema has no union type for one `value`). */
const VALUE_FIELDS = {
  stringValue: { type: "string", allowed: "must be a string" },
  numberValue: { type: "number", allowed: "must be a finite number" },
  booleanValue: { type: "boolean", allowed: "must be true or false" },
  stringValues: { type: "array", allowed: "must be a non-empty list of strings" },
  numberValues: { type: "array", allowed: "must be a non-empty list of numbers" },
} as const;
type ValueField = keyof typeof VALUE_FIELDS;

/** The value fields an attribute sets (one, when it is well-formed). */
function valueFieldsOf(attribute: FeatureFlagAttribute): ValueField[] {
  return (Object.keys(VALUE_FIELDS) as ValueField[]).filter(
    (field) => attribute[field] !== undefined,
  );
}

/** An attribute's value: the value field it sets (undefined when none is). */
export function attributeValue(attribute: FeatureFlagAttribute): unknown {
  const [field] = valueFieldsOf(attribute);
  return field === undefined ? undefined : attribute[field];
}

/** Whether a value is what its field says (a list holds only strings, or only numbers). */
function fitsField(field: ValueField, value: unknown): boolean {
  if (field === "stringValues") {
    return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string");
  }
  if (field === "numberValues") {
    return (
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((v) => typeof v === "number" && Number.isFinite(v))
    );
  }
  return attributeTypeOf(value) === VALUE_FIELDS[field].type;
}

/** The type of an attribute value, as AppConfig's constraints name it. */
function attributeTypeOf(value: unknown): FeatureFlagAttributeType | undefined {
  if (typeof value === "string") return "string";
  if (typeof value === "number" && Number.isFinite(value)) return "number";
  if (typeof value === "boolean") return "boolean";
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    (value.every((v) => typeof v === "string") ||
      value.every((v) => typeof v === "number" && Number.isFinite(v)))
  ) {
    return "array";
  }
  return undefined;
}

/**
 * The hosted configuration document for the flags: definitions (`flags`, with each attribute's
 * constraints) and values (`values`: `enabled` and the attribute values), in the format of
 * the type reference above. Keys are sorted so that the same flags give the same bytes (and
 * the same content hash) whatever order they were declared in.
 */
export function featureFlagDocument(flags: readonly FeatureFlag[]): FeatureFlagDocument {
  const sorted = [...flags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const document: FeatureFlagDocument = { version: "1", flags: {}, values: {} };
  for (const flag of sorted) {
    const definition: Record<string, unknown> = { name: flag.name };
    if (flag.description !== undefined) definition.description = flag.description;
    const value: Record<string, unknown> = { enabled: flag.enabled };
    const attributes = [...(flag.attributes ?? [])].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    if (attributes.length > 0) {
      const definitions: Record<string, unknown> = {};
      for (const attribute of attributes) {
        const type = attribute.type ?? attributeTypeOf(attributeValue(attribute)) ?? "string";
        const constraints: Record<string, unknown> = { type };
        if (attribute.required !== undefined) constraints.required = attribute.required;
        if (type === "number") {
          if (attribute.minimum !== undefined) constraints.minimum = attribute.minimum;
          if (attribute.maximum !== undefined) constraints.maximum = attribute.maximum;
        }
        if (type === "string") {
          if (attribute.pattern !== undefined) constraints.pattern = attribute.pattern;
          if (attribute.allowedValues !== undefined) constraints.enum = attribute.allowedValues;
        }
        definitions[attribute.name] = {
          ...(attribute.description !== undefined ? { description: attribute.description } : {}),
          constraints,
        };
        const given = attributeValue(attribute);
        if (given !== undefined) value[attribute.name] = given;
      }
      definition.attributes = definitions;
    }
    document.flags[flag.name] = definition;
    document.values[flag.name] = value;
  }
  return document;
}

/** The document as the bytes AppConfig stores. */
export function featureFlagContent(flags: readonly FeatureFlag[]): string {
  return JSON.stringify(featureFlagDocument(flags));
}

/** SHA-256 of the content, hex: what a preview compares to see that flags changed. */
export function featureFlagContentHash(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

/**
 * Every problem in a list of flags: keys, types, constraints and values that AppConfig would
 * refuse (`BadRequestException` at `CreateHostedConfigurationVersion`, half-way through an up)
 * or that contradict each other.
 */
export function checkFeatureFlags(problems: ArgumentProblems, key: string, flags: unknown): void {
  if (!Array.isArray(flags)) {
    problems.add(key, flags, "must be a list of flags: [{ name, enabled }]");
    return;
  }
  const seen = new Set<string>();
  flags.forEach((flag: FeatureFlag, i) => {
    const at = `${key}[${i}]`;
    if (typeof flag !== "object" || flag === null) {
      problems.add(at, flag, "must be a flag: { name, enabled, description?, attributes? }");
      return;
    }
    if (typeof flag.name !== "string" || !FLAG_KEY_PATTERN.test(flag.name)) {
      problems.add(
        `${at}.name`,
        flag.name,
        "must start with a lowercase letter and hold up to 64 letters, digits, _ and - (AppConfig flag keys)",
      );
    } else if (seen.has(flag.name)) {
      problems.add(`${at}.name`, flag.name, "names another flag already: flag names are unique");
    } else {
      seen.add(flag.name);
    }
    if (isKnown(flag.enabled) && typeof flag.enabled !== "boolean") {
      problems.add(`${at}.enabled`, flag.enabled, "must be true or false");
    }
    if (
      flag.description !== undefined &&
      (typeof flag.description !== "string" || flag.description.length > MAX_DESCRIPTION)
    ) {
      problems.add(
        `${at}.description`,
        flag.description,
        `must be text of at most ${MAX_DESCRIPTION} characters`,
      );
    }
    const attributes = flag.attributes ?? [];
    if (!Array.isArray(attributes)) {
      problems.add(`${at}.attributes`, attributes, "must be a list: [{ name, value }]");
      return;
    }
    if (attributes.length > MAX_FLAG_ATTRIBUTES) {
      problems.add(
        `${at}.attributes`,
        `${attributes.length} attributes`,
        `a flag has at most ${MAX_FLAG_ATTRIBUTES} attributes (AppConfig)`,
      );
    }
    const attributeNames = new Set<string>();
    attributes.forEach((attribute, j) => {
      const atAttribute = `${at}.attributes[${j}]`;
      if (typeof attribute !== "object" || attribute === null) {
        problems.add(atAttribute, attribute, "must be an attribute: { name, value }");
        return;
      }
      if (typeof attribute.name !== "string" || !FLAG_KEY_PATTERN.test(attribute.name)) {
        problems.add(
          `${atAttribute}.name`,
          attribute.name,
          "must start with a lowercase letter and hold up to 64 letters, digits, _ and - (AppConfig attribute keys)",
        );
      } else if (attribute.name === "enabled") {
        problems.add(
          `${atAttribute}.name`,
          attribute.name,
          "is the flag's own switch; name the attribute otherwise",
        );
      } else if (attributeNames.has(attribute.name)) {
        problems.add(
          `${atAttribute}.name`,
          attribute.name,
          "names another attribute of this flag already",
        );
      } else {
        attributeNames.add(attribute.name);
      }
      const types = Object.values(FeatureFlagAttributeType) as string[];
      if (attribute.type !== undefined && !types.includes(attribute.type)) {
        problems.oneOf(`${atAttribute}.type`, attribute.type, types);
      }
      const fields = valueFieldsOf(attribute);
      if (fields.length > 1) {
        problems.addSentence(
          `${atAttribute}.${fields[0]}`,
          `and ${fields.slice(1).join(", ")} exclude each other: an attribute has one value`,
        );
      }
      const valueField: ValueField | undefined = fields[0];
      const given = fields.length === 1 ? attributeValue(attribute) : undefined;
      if (valueField !== undefined && given !== undefined && !fitsField(valueField, given)) {
        problems.add(`${atAttribute}.${valueField}`, given, VALUE_FIELDS[valueField].allowed);
      }
      const valueType =
        valueField !== undefined && given !== undefined && fitsField(valueField, given)
          ? VALUE_FIELDS[valueField].type
          : undefined;
      const type = attribute.type ?? valueType;
      if (attribute.type !== undefined && valueType !== undefined && attribute.type !== valueType) {
        problems.add(`${atAttribute}.${valueField}`, given, `must be of type ${attribute.type}`);
      }
      if (fields.length === 0 && attribute.type === undefined) {
        problems.addSentence(
          atAttribute,
          "needs a value (stringValue, numberValue, booleanValue, stringValues or numberValues) or a type",
        );
      }
      if (attribute.required === true && fields.length === 0 && flag.enabled === true) {
        problems.addSentence(
          atAttribute,
          "has no value: it is required and the flag is enabled (AppConfig refuses the version)",
        );
      }
      if (typeof given === "string" && given.length > MAX_STRING_VALUE) {
        problems.add(
          `${atAttribute}.${valueField}`,
          `${given.length} characters`,
          `string values hold at most ${MAX_STRING_VALUE} characters`,
        );
      }
      for (const bound of ["minimum", "maximum"] as const) {
        const limit = attribute[bound];
        if (limit === undefined) continue;
        if (type !== "number") {
          problems.add(`${atAttribute}.${bound}`, limit, "applies to number attributes only");
        } else if (!Number.isInteger(limit)) {
          problems.add(
            `${atAttribute}.${bound}`,
            limit,
            "must be a whole number (AppConfig's number constraints)",
          );
        }
      }
      if (
        typeof attribute.minimum === "number" &&
        typeof attribute.maximum === "number" &&
        attribute.minimum > attribute.maximum
      ) {
        problems.add(
          `${atAttribute}.minimum`,
          attribute.minimum,
          `must not be above maximum (${attribute.maximum})`,
        );
      }
      if (typeof given === "number") {
        if (typeof attribute.minimum === "number" && given < attribute.minimum) {
          problems.add(
            `${atAttribute}.${valueField}`,
            given,
            `is below its minimum (${attribute.minimum})`,
          );
        }
        if (typeof attribute.maximum === "number" && given > attribute.maximum) {
          problems.add(
            `${atAttribute}.${valueField}`,
            given,
            `is above its maximum (${attribute.maximum})`,
          );
        }
      }
      for (const stringOnly of ["pattern", "allowedValues"] as const) {
        if (attribute[stringOnly] !== undefined && type !== "string") {
          problems.add(
            `${atAttribute}.${stringOnly}`,
            attribute[stringOnly],
            "applies to string attributes only",
          );
        }
      }
      if (attribute.pattern !== undefined && attribute.allowedValues !== undefined) {
        problems.addSentence(
          `${atAttribute}.pattern`,
          "and allowedValues exclude each other (AppConfig's string constraints take one)",
        );
      }
      if (typeof attribute.pattern === "string") {
        let pattern: RegExp | undefined;
        try {
          pattern = new RegExp(attribute.pattern);
        } catch {
          problems.add(`${atAttribute}.pattern`, attribute.pattern, "must be a regular expression");
        }
        if (pattern && typeof given === "string" && !pattern.test(given)) {
          problems.add(
            `${atAttribute}.${valueField}`,
            given,
            `does not match its pattern ${attribute.pattern}`,
          );
        }
      }
      if (attribute.allowedValues !== undefined) {
        if (!Array.isArray(attribute.allowedValues) || attribute.allowedValues.length === 0) {
          problems.add(
            `${atAttribute}.allowedValues`,
            attribute.allowedValues,
            "must be a non-empty list",
          );
        } else if (typeof given === "string" && !attribute.allowedValues.includes(given)) {
          problems.add(
            `${atAttribute}.${valueField}`,
            given,
            `must be one of its allowedValues (${attribute.allowedValues.map((v) => JSON.stringify(v)).join(", ")})`,
          );
        }
      }
    });
  });
}

/** Every problem in a rollout: a predefined strategy or a custom one, never both. */
export function checkFlagRollout(problems: ArgumentProblems, key: string, rollout: unknown): void {
  if (rollout === undefined) return;
  if (typeof rollout !== "object" || rollout === null) {
    problems.add(
      key,
      rollout,
      "must be { strategy } or { growthType, growthFactor, durationMinutes, finalBakeTimeMinutes }",
    );
    return;
  }
  const r = rollout as FeatureFlagRollout;
  problems.oneOf(`${key}.strategy`, r.strategy, PREDEFINED_FLAG_STRATEGIES);
  const custom = (
    ["growthType", "growthFactor", "durationMinutes", "finalBakeTimeMinutes"] as const
  ).filter((field) => r[field] !== undefined);
  if (r.strategy !== undefined && custom.length > 0) {
    problems.addSentence(
      `${key}.strategy`,
      `and ${custom.join(", ")} exclude each other: name a predefined strategy or describe a custom one`,
    );
  }
  if (r.strategy === undefined && custom.length > 0) {
    for (const required of ["growthFactor", "durationMinutes"] as const) {
      if (r[required] === undefined) {
        problems.addSentence(
          `${key}.${required}`,
          "is missing: a custom strategy needs growthFactor and durationMinutes",
        );
      }
    }
  }
  problems.oneOf(`${key}.growthType`, r.growthType, Object.values(FlagGrowthType));
  // AppConfig API reference, CreateDeploymentStrategy: GrowthFactor 1.0-100.0,
  // DeploymentDurationInMinutes and FinalBakeTimeInMinutes 0-1440.
  problems.numberInRange(`${key}.growthFactor`, r.growthFactor, 1, 100);
  problems.integerInRange(`${key}.durationMinutes`, r.durationMinutes, 0, 1440, "minutes");
  problems.integerInRange(
    `${key}.finalBakeTimeMinutes`,
    r.finalBakeTimeMinutes,
    0,
    1440,
    "minutes",
  );
}
