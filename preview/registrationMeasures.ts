// Offline preview measures on the SDK's work before each registration (runtime/rpc.js and
// runtime/dependsOn.js): the same request reaches the monitor with less work, in the preview's
// own processes only. Each is checked against the installed SDK's text and steps aside when the
// SDK no longer reads as it was checked (preview/measures.ts installs them; issue 14).
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { structValues } from "../testing/struct";
import type { SdkPatch } from "./measures";

/**
 * The first 16 hex digits of the SHA-256 of each function's text the measures repeat or rely
 * on, in the releases they were checked against (@pulumi/pulumi 3.204.0 and 3.248.0, whose
 * runtime/rpc.js differ in `serializeFilteredProperties` only; google-protobuf 3.21.4). Any
 * other text, even one changed line, and the measure steps aside.
 */
const CHECKED_BODIES = {
  rpc: {
    serializeFilteredProperties: ["4825649fa1b3ee6d", "472c23fd6cf3eb51"],
    serializeResourceProperties: ["323ff97784ec007d"],
    serializeProperties: ["36dcb1806159d31d"],
    serializeProperty: ["b188085760580d48"],
  },
  dependsOn: {
    getAllTransitivelyReferencedResources: ["47ee31e001eddba3"],
    getAllTransitivelyReferencedResourceURNs: ["2e495cbdb1f62613"],
    getTransitivelyReferencedChildResourcesOfComponentResources: ["c085e1578e1ed2ae"],
    addTransitivelyReferencedChildResourcesOfComponentResources: ["4a2916856cb57024"],
  },
  struct: {
    "Struct.fromJavaScript": ["074268fecc94a838"],
    "Value.fromJavaScript": ["bc350941f120d58c"],
    "ListValue.fromJavaScript": ["75fc11c40c01dd18"],
    "Struct.prototype.toJavaScript": ["6fce143dd522e1a1"],
    "Value.prototype.toJavaScript": ["cc2d8a5304177198"],
    "ListValue.prototype.toJavaScript": ["e61c0b95e33f2021"],
  },
} as const;

/**
 * The first function of `bodies` whose text in `source` (from `start(name)` to the next `end`)
 * is missing or not one of its checked fingerprints; undefined when all are as checked.
 * @internal
 */
export function changedBody(
  source: string,
  bodies: Readonly<Record<string, readonly string[]>>,
  start: (name: string) => string,
  end: string,
): string | undefined {
  for (const [name, fingerprints] of Object.entries(bodies)) {
    const from = source.indexOf(start(name));
    const to = from < 0 ? -1 : source.indexOf(end, from);
    const text = to < 0 ? undefined : source.slice(from, to);
    const fingerprint =
      text === undefined
        ? undefined
        : crypto.createHash("sha256").update(text).digest("hex").slice(0, 16);
    if (fingerprint === undefined || !fingerprints.includes(fingerprint)) return name;
  }
  return undefined;
}

/** What a plain copy returns for a value the SDK must serialize itself. */
const NOT_PLAIN: unique symbol = Symbol("not plain data");

/** Deeper than this, a value goes to the SDK (which recurses as deep as the value goes). */
const MAX_DEPTH = 100;

interface SerializationSdk {
  /** runtime/rpc.js `serializeResourceProperties(label, props, opts)`. */
  serializeResourceProperties: (
    label: string,
    props: Record<string, unknown>,
    opts?: unknown,
  ) => Promise<[Record<string, unknown>, Map<string, Set<unknown>>]>;
  /** runtime/rpc.js `serializeProperties(label, props, opts)`. */
  serializeProperties: (
    label: string,
    props: Record<string, unknown>,
    opts?: unknown,
  ) => Promise<Record<string, unknown>>;
  /** Whether `serializeProperty` treats the value other than as plain data. */
  special: (value: object) => boolean;
}

/** The `if` tests of runtime/rpc.js `serializeProperty`, in order, that the copy mirrors. */
const SERIALIZE_PROPERTY_TESTS = [
  'typeof prop === "function"',
  "prop === undefined ||",
  "asset.Asset.isInstance(prop) || asset.Archive.isInstance(prop)",
  "prop instanceof Promise",
  "output_1.Output.isInstance(prop)",
  "output_1.isUnknown(prop)",
  "resource_1.CustomResource.isInstance(prop)",
  "resource_1.ComponentResource.isInstance(prop)",
  "prop instanceof Array",
];

/** Lines of runtime/rpc.js that make the copy's result the SDK's. */
const SERIALIZE_LINES = [
  // Resource properties are every key but `id` and `urn`, each walked on its own.
  'return serializeFilteredProperties(label, props, (key) => key !== "id" && key !== "urn", opts);',
  // Properties (a mock's state, a component's outputs): every key, the result only.
  "const [result] = await serializeFilteredProperties(label, props, (_) => true, opts);",
  "for (const k of Object.keys(props)) {",
  "const dependentResources = new Set();",
  "propertyToDependentResources.set(k, dependentResources);",
  "return [result, propertyToDependentResources];",
  // The primitives serializeProperty returns as they are.
  'typeof prop === "boolean" ||',
  'typeof prop === "number" ||',
  'typeof prop === "string") {',
  // Arrays: every index, `undefined` as `null`.
  "for (let i = 0; i < prop.length; i++) {",
  "result.push(elem === undefined ? null : elem);",
  // Any other object: its own enumerable keys, `undefined` left out.
  "return await serializeAllKeys(prop, {}, opts);",
  "for (const k of Object.keys(innerProp)) {",
  "if (v !== undefined) {",
];

/**
 * The `plain-serialization` measure for the SDK in `sdkDir`, or why it cannot be made. Before
 * every registration runtime/rpc.js `serializeResourceProperties` walks each input property with
 * `serializeProperty`, an `async` function called for every value at every depth (a promise, a
 * context and a label string each: at 10 regions x 50 functions a tenth of the preview's
 * garbage), although most properties are plain data (names, tags, policy documents) with nothing
 * to wait for. The replacement copies such a property at once, as `serializeProperty` would have
 * (functions left out, `undefined` left out of objects and `null` in arrays, no dependencies),
 * and hands a property that holds an Output, a promise, a resource, an asset or an unknown
 * anywhere inside to the SDK's own `serializeResourceProperties`, whole, so that it keeps every
 * rule of the SDK's (labels, errors, dependencies, secrets). `serializeProperties` (a mock's
 * answer, a component's outputs) is replaced the same way.
 * @internal
 */
export function plainSerializationPatch(sdkDir: string): SdkPatch | string {
  const rpcFile = path.join(sdkDir, "runtime", "rpc.js");
  const source = readOrUndefined(rpcFile) ?? "";
  const serializeProperty = source.slice(
    source.indexOf("async function serializeProperty("),
    source.indexOf("exports.serializeProperty = serializeProperty;"),
  );
  const tests = [...serializeProperty.matchAll(/^ {4}if \((.+?)\)? \{$|^ {4}if \((.+)$/gm)].map(
    (match) => (match[1] ?? match[2]).trim(),
  );
  if (JSON.stringify(tests) !== JSON.stringify(SERIALIZE_PROPERTY_TESTS)) {
    return "runtime/rpc.js serializeProperty no longer tests values as the measure does";
  }
  if (!SERIALIZE_LINES.every((line) => source.includes(line))) {
    return "runtime/rpc.js no longer serializes resource properties as the measure copies them";
  }
  const changedRpc = changedBody(
    source,
    CHECKED_BODIES.rpc,
    (name) => `async function ${name}(`,
    "\n}\n",
  );
  if (changedRpc) {
    return `runtime/rpc.js ${changedRpc} is not a text the measure was checked against`;
  }
  /* eslint-disable @typescript-eslint/no-require-imports */
  const rpc = require(rpcFile) as Record<string, unknown>;
  const output = require(path.join(sdkDir, "output.js")) as Record<string, any>;
  const resource = require(path.join(sdkDir, "resource.js")) as Record<string, any>;
  const asset = require(path.join(sdkDir, "asset", "index.js")) as Record<string, any>;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const original = rpc.serializeResourceProperties;
  const originalProperties = rpc.serializeProperties;
  if (typeof original !== "function" || original.length !== 3) {
    return "runtime/rpc.js has no serializeResourceProperties(label, props, opts)";
  }
  if (typeof originalProperties !== "function" || originalProperties.length !== 3) {
    return "runtime/rpc.js has no serializeProperties(label, props, opts)";
  }
  const tests_ = [
    asset.Asset?.isInstance,
    asset.Archive?.isInstance,
    output.Output?.isInstance,
    output.isUnknown,
    resource.CustomResource?.isInstance,
    resource.ComponentResource?.isInstance,
  ];
  if (tests_.some((test) => typeof test !== "function")) {
    return "the SDK no longer exports the tests serializeProperty uses";
  }
  const sdk: SerializationSdk = {
    serializeResourceProperties: original as SerializationSdk["serializeResourceProperties"],
    serializeProperties: originalProperties as SerializationSdk["serializeProperties"],
    special: (value) =>
      asset.Asset.isInstance(value) ||
      asset.Archive.isInstance(value) ||
      value instanceof Promise ||
      output.Output.isInstance(value) ||
      output.isUnknown(value) ||
      resource.CustomResource.isInstance(value) ||
      resource.ComponentResource.isInstance(value),
  };
  let previous: unknown[] = [];
  return {
    apply() {
      previous = [rpc.serializeResourceProperties, rpc.serializeProperties];
      rpc.serializeResourceProperties = plainFirstSerialization(sdk);
      rpc.serializeProperties = plainFirstProperties(sdk);
    },
    restore() {
      [rpc.serializeResourceProperties, rpc.serializeProperties] = previous;
    },
  };
}

/**
 * `serializeProperties` (every key, no dependencies) that copies plain properties itself and
 * hands the others, one at a time and in order, to the SDK's. Exported for its unit test.
 * @internal
 */
export function plainFirstProperties(
  sdk: SerializationSdk,
): SerializationSdk["serializeProperties"] {
  return async (label, props, opts) => {
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(props)) {
      const value = props[key];
      const copy = copied(value, sdk.special);
      if (copy !== NOT_PLAIN) {
        if (copy !== undefined) result[key] = copy;
        continue;
      }
      const one = await sdk.serializeProperties(label, { [key]: value }, opts);
      // "__proto__": what the SDK's `result[k] = v` did to its object, done to this one.
      if (Object.prototype.hasOwnProperty.call(one, key) || key === "__proto__") {
        result[key] = one[key];
      }
    }
    return result;
  };
}

/**
 * `serializeResourceProperties` that copies plain properties itself and hands the others, one
 * at a time and in order, to the SDK's. Exported for its unit test.
 * @internal
 */
export function plainFirstSerialization(
  sdk: SerializationSdk,
): SerializationSdk["serializeResourceProperties"] {
  return async (label, props, opts) => {
    const result: Record<string, unknown> = {};
    const dependencies = new Map<string, Set<unknown>>();
    for (const key of Object.keys(props)) {
      if (key === "id" || key === "urn") continue;
      const value = props[key];
      const copy = copied(value, sdk.special);
      if (copy !== NOT_PLAIN) {
        if (copy !== undefined) {
          result[key] = copy;
          dependencies.set(key, new Set());
        }
        continue;
      }
      const [one, oneDependencies] = await sdk.serializeResourceProperties(
        label,
        { [key]: value },
        opts,
      );
      // The SDK records a property it kept in the map (its `result[k] = v` makes a
      // "__proto__" value the object's prototype rather than a key; so does this).
      if (oneDependencies.has(key)) {
        result[key] = one[key];
        dependencies.set(key, oneDependencies.get(key)!);
      }
    }
    return [result, dependencies];
  };
}

/**
 * `plainCopy`, or NOT_PLAIN when reading the value throws (a getter): the SDK then reads it
 * itself and fails with its own message, which names the property.
 */
function copied(value: unknown, special: (value: object) => boolean): unknown {
  try {
    return plainCopy(value, special, 0);
  } catch {
    return NOT_PLAIN;
  }
}

/** `value` as runtime/rpc.js `serializeProperty` serializes plain data, or NOT_PLAIN. */
function plainCopy(value: unknown, special: (value: object) => boolean, depth: number): unknown {
  if (typeof value === "function") return undefined;
  if (
    value === undefined ||
    value === null ||
    typeof value === "boolean" ||
    typeof value === "number" ||
    typeof value === "string"
  ) {
    return value;
  }
  if (typeof value !== "object" || depth > MAX_DEPTH || special(value)) return NOT_PLAIN;
  if (value instanceof Array) {
    const copy: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const element = plainCopy(value[i], special, depth + 1);
      if (element === NOT_PLAIN) return NOT_PLAIN;
      copy.push(element === undefined ? null : element);
    }
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const member = plainCopy((value as Record<string, unknown>)[key], special, depth + 1);
    if (member === NOT_PLAIN) return NOT_PLAIN;
    if (member !== undefined) copy[key] = member;
  }
  return copy;
}

/** Lines of runtime/dependsOn.js that the direct answer repeats for resources without components. */
const DEPENDS_ON_LINES = [
  "async function getAllTransitivelyReferencedResourceURNs(resources, exclude) {",
  "const transitivelyReachableCustomResources = await getAllTransitivelyReferencedResources(resources, exclude);",
  "const promises = transitivelyReachableCustomResources.map((r) => r.urn.promise());",
  "const urns = await Promise.all(promises);",
  "return new Set(urns);",
  ".filter((r) => (resource_1.CustomResource.isInstance(r) || r.__remote) && !exclude.has(r));",
  "if (!result.has(resource)) {",
  "result.add(resource);",
  "if (resource_1.ComponentResource.isInstance(resource)) {",
];

/**
 * The `direct-dependencies` measure for the SDK in `sdkDir`, or why it cannot be made. For every
 * registration runtime/resource.js asks runtime/dependsOn.js
 * `getAllTransitivelyReferencedResourceURNs` for the URNs of its `dependsOn` and of each input
 * property's resources, expanding components into their children through a chain of `async`
 * calls, sets and arrays each time, most often for no resource or for custom resources only.
 * For a set without a component the answer is the custom (or remote) resources not excluded,
 * as URNs, which the replacement gives directly; a set with a component goes to the SDK's own.
 * @internal
 */
export function directDependenciesPatch(sdkDir: string): SdkPatch | string {
  const dependsOnFile = path.join(sdkDir, "runtime", "dependsOn.js");
  const source = readOrUndefined(dependsOnFile) ?? "";
  if (!DEPENDS_ON_LINES.every((line) => source.includes(line))) {
    return "runtime/dependsOn.js no longer gathers dependencies as the measure does";
  }
  const changedDependsOn = changedBody(
    source,
    CHECKED_BODIES.dependsOn,
    (name) => `async function ${name}(`,
    "\n}\n",
  );
  if (changedDependsOn) {
    return `runtime/dependsOn.js ${changedDependsOn} is not a text the measure was checked against`;
  }
  const resourceSource = readOrUndefined(path.join(sdkDir, "runtime", "resource.js")) ?? "";
  if (!resourceSource.includes("dependsOn_1.getAllTransitivelyReferencedResourceURNs(")) {
    return "runtime/resource.js no longer calls dependsOn.getAllTransitivelyReferencedResourceURNs";
  }
  /* eslint-disable @typescript-eslint/no-require-imports */
  const dependsOn = require(dependsOnFile) as Record<string, unknown>;
  const resource = require(path.join(sdkDir, "resource.js")) as Record<string, any>;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const original = dependsOn.getAllTransitivelyReferencedResourceURNs;
  if (typeof original !== "function") {
    return "runtime/dependsOn.js has no getAllTransitivelyReferencedResourceURNs";
  }
  const isComponent = resource.ComponentResource?.isInstance as (r: unknown) => boolean;
  const isCustom = resource.CustomResource?.isInstance as (r: unknown) => boolean;
  if (typeof isComponent !== "function" || typeof isCustom !== "function") {
    return "resource.js no longer exports ComponentResource and CustomResource";
  }
  const direct = directDependencyUrns(original as DependencyUrns, isComponent, isCustom);
  let previous: unknown;
  return {
    apply() {
      previous = dependsOn.getAllTransitivelyReferencedResourceURNs;
      dependsOn.getAllTransitivelyReferencedResourceURNs = direct;
    },
    restore() {
      dependsOn.getAllTransitivelyReferencedResourceURNs = previous;
    },
  };
}

type DependencyUrns = (
  resources: Iterable<DependencyResource> | undefined,
  exclude: Set<unknown>,
) => Promise<Set<string>>;

interface DependencyResource {
  __remote?: boolean;
  urn: { promise(): Promise<string> };
}

/**
 * `getAllTransitivelyReferencedResourceURNs` answered directly for resources without a
 * component among them, else by `original`. Exported for its unit test.
 * @internal
 */
export function directDependencyUrns(
  original: DependencyUrns,
  isComponent: (resource: unknown) => boolean,
  isCustom: (resource: unknown) => boolean,
): DependencyUrns {
  return async (resources, exclude) => {
    const kept: DependencyResource[] = [];
    for (const resource of resources ?? []) {
      if (isComponent(resource)) return original(resources, exclude);
      if ((isCustom(resource) || resource.__remote) && !exclude.has(resource)) {
        kept.push(resource);
      }
    }
    if (kept.length === 0) return new Set();
    return new Set(await Promise.all(kept.map((resource) => resource.urn.promise())));
  };
}

/** The methods of google-protobuf's `Struct` (3.21) the light Struct must answer. */
const STRUCT_METHODS = [
  "constructor",
  "toObject",
  "serializeBinary",
  "getFieldsMap",
  "clearFieldsMap",
  "toJavaScript",
];

/**
 * The `light-structs` measure for the SDK in `sdkDir`, or why it cannot be made. Every
 * registration's inputs go to the monitor as a protobuf `Struct` (runtime/resource.js
 * `req.setObject(gstruct.Struct.fromJavaScript(resop.serializedProps))`: a message object per
 * value, a tenth of the preview's CPU outside the garbage collector at 10 x 50), which the
 * offline preview's monitor, in the same process, turns back into values at once with
 * `toJavaScript()`. The replacement `fromJavaScript` keeps the values (as the round trip gives
 * them, with the same error for a value a Struct cannot hold) and builds the protobuf Struct
 * only when something asks for more than `toJavaScript()` (its fields, its bytes: a request
 * holding one still serializes to the same bytes: struct_pb.js `Struct.serializeBinaryToWriter`
 * reads the message's `getFieldsMap()`, which the real Struct answers). Installed
 * only in the offline preview's process, whose monitor is in-process: nothing there sends a
 * request over gRPC.
 * @internal
 */
export function lightStructsPatch(sdkDir: string): SdkPatch | string {
  const resourceSource = readOrUndefined(path.join(sdkDir, "runtime", "resource.js")) ?? "";
  if (
    !resourceSource.includes("req.setObject(gstruct.Struct.fromJavaScript(resop.serializedProps));")
  ) {
    return "runtime/resource.js no longer sends a registration's inputs as Struct.fromJavaScript";
  }
  let structs: { Struct?: any };
  let structFile: string;
  try {
    // The copy of google-protobuf the SDK loads.
    structFile = require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdkDir] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    structs = require(structFile) as { Struct?: any };
  } catch {
    return "google-protobuf's struct_pb cannot be loaded from @pulumi/pulumi";
  }
  const changedStruct = changedBody(
    readOrUndefined(structFile) ?? "",
    CHECKED_BODIES.struct,
    (name) => `proto.google.protobuf.${name} = function`,
    "\n};\n",
  );
  if (changedStruct) {
    return `google-protobuf's ${changedStruct} is not a text the measure was checked against`;
  }
  const Struct = structs.Struct;
  if (
    typeof Struct?.fromJavaScript !== "function" ||
    JSON.stringify(Object.getOwnPropertyNames(Struct.prototype).sort()) !==
      JSON.stringify([...STRUCT_METHODS].sort())
  ) {
    return "google-protobuf's Struct no longer has the methods the measure answers";
  }
  const original = Struct.fromJavaScript as (value: unknown) => any;
  const light = lightStructClass(Struct, original);
  let previous: unknown;
  return {
    apply() {
      previous = Struct.fromJavaScript;
      Struct.fromJavaScript = (value: unknown) => new light(value);
    },
    restore() {
      Struct.fromJavaScript = previous;
    },
  };
}

/**
 * A `Struct` subclass holding the values (`structValues`: what `toJavaScript()` of the real
 * Struct gives) that builds the real Struct with `original` when a method other than
 * `toJavaScript` is called, and answers it from there. Exported for its unit test.
 * @internal
 */
export function lightStructClass(
  Struct: new () => any,
  original: (value: unknown) => any,
): new (value: unknown) => any {
  class LightStruct extends Struct {
    /** The values `toJavaScript()` answers first, made now. */
    private readonly values: unknown;
    private handedOut = false;
    private real: any;

    /**
     * @param source What `fromJavaScript` was given: the SDK's serialized inputs, which nothing
     * changes once the request is made. A second reader and the real Struct are made from it.
     */
    constructor(private readonly source: unknown) {
      super();
      // Now, so that a value a Struct cannot hold fails here, as `fromJavaScript` does.
      this.values = structValues(source as object);
    }

    toJavaScript(): unknown {
      // The first reader gets the copy made at construction; later ones a copy of their own.
      if (this.handedOut) return structValues(this.source as object);
      this.handedOut = true;
      return this.values;
    }

    materialized(): any {
      return (this.real ??= original(this.source));
    }
  }
  for (const method of STRUCT_METHODS) {
    if (method === "constructor" || method === "toJavaScript") continue;
    Object.defineProperty(LightStruct.prototype, method, {
      configurable: true,
      writable: true,
      value(this: LightStruct, ...args: unknown[]) {
        const real = this.materialized();
        return real[method](...args);
      },
    });
  }
  return LightStruct as unknown as new (value: unknown) => any;
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
