// Speed measures of the offline preview: each skips work of the Pulumi SDK whose result the
// offline preview never uses. They touch SDK internals, so they live here only (never in the
// components, never in a real `pulumi preview`/`up`), are checked against the installed
// @pulumi/pulumi before they are installed, and fall back to the SDK's own behaviour when a
// check fails. The test harness applies two of them (lazy-outputs, promise-debugging) for the
// length of each run (testing/measures.ts); never provider-text, since tests read and run the
// serialized provider, nor unused-modules, which must precede loading the SDK.
// Switch them off with MULTIREGION_SERVERLESS_PREVIEW_OFF=all, or name some:
// MULTIREGION_SERVERLESS_PREVIEW_OFF=provider-text,promise-debugging. docs/benchmarks.md has what
// each one saves.
import * as fs from "fs";
import * as path from "path";
import {
  directDependenciesPatch,
  lightStructsPatch,
  plainSerializationPatch,
} from "./registrationMeasures";

/** The environment variable that switches measures off (`all`, or a comma-separated list). */
export const MEASURES_OFF_ENV = "MULTIREGION_SERVERLESS_PREVIEW_OFF";

/**
 * The @pulumi/pulumi releases whose internals the measures are checked against: 3.204 (the
 * peer range's floor, which the consumer test runs with CONSUMER_PEERS=lowest) to 3.248 (the
 * dev dependency the unit tests run). Releases between the two are assumed to match (each
 * measure still checks what it touches); outside the range, newer ones included, the preview
 * falls back to the SDK's own behaviour until the range is widened after a check.
 */
export const CHECKED_MINORS = { first: 204, last: 248 } as const;

/** What the dynamic provider's `__provider` input holds in the offline preview. */
export const UNSERIALIZED_PROVIDER_TEXT =
  "(dynamic provider not serialized by the offline preview; pulumi preview/up serializes it)";

interface Measure {
  /** Its name in MULTIREGION_SERVERLESS_PREVIEW_OFF. */
  readonly name: string;
  /** Installs it, or returns why it cannot (the SDK stays as it is). */
  install(sdkDir: string): string | undefined;
}

const MEASURES: readonly Measure[] = [
  {
    // `require("@pulumi/pulumi")` loads runtime/closure/codePaths.js, which loads
    // @npmcli/arborist (with pacote, sigstore and the rest of npm's package-tree code: about 450
    // of the 1,070 modules a program loads, 0.3 s of CPU) for `computeCodePaths`, which only
    // packaging a function's closure calls. It stands in for arborist until something uses it.
    // First in the list: it must be in place before anything loads @pulumi/pulumi.
    name: "unused-modules",
    install(sdkDir) {
      const codePathsFile = path.join(sdkDir, "runtime", "closure", "codePaths.js");
      const codePaths = readOrUndefined(codePathsFile);
      if (!codePaths?.includes('__importStar(require("@npmcli/arborist"))')) {
        return "runtime/closure/codePaths.js no longer loads @npmcli/arborist with __importStar";
      }
      // The stand-in answers `__esModule` without loading, so `__importStar` keeps it as it is;
      // codePaths.js must then use the binding only as `arborist.Arborist` (any other use of
      // the stand-in loads the real module, but the check keeps what is skipped known).
      const uses = codePaths.match(/(?<![\w$./"'])arborist\b(\.\w+)?/g) ?? [];
      const declarations = codePaths.match(/\bconst arborist = __importStar\(/g) ?? [];
      const arboristUses = uses.filter((use) => use === "arborist.Arborist").length;
      if (declarations.length !== 1 || arboristUses === 0 || arboristUses !== uses.length - 1) {
        return "runtime/closure/codePaths.js no longer uses only arborist.Arborist";
      }
      if (require.cache[codePathsFile]) return "@pulumi/pulumi is already loaded";
      let arboristFile: string;
      try {
        arboristFile = require.resolve("@npmcli/arborist", {
          paths: [path.dirname(codePathsFile)],
        });
      } catch {
        return "@npmcli/arborist cannot be resolved from @pulumi/pulumi";
      }
      if (require.cache[arboristFile]) return "@npmcli/arborist is already loaded";
      require.cache[arboristFile] = lazyModule(arboristFile);
      return undefined;
    },
  },
  {
    // `require("@pulumi/pulumi")` also loads the TypeScript compiler (typescript-shim.js, from
    // runtime/closure/parseFunction.js: the project's `typescript`, 9 MB of JavaScript, about
    // 0.5 s of CPU and 45 MiB), which only parsing a function's source for closure serialization
    // uses, inside functions; the provider-text measure leaves nothing to serialize. It stands
    // in for the shim until something uses it. Before anything loads @pulumi/pulumi, too.
    name: "unused-compiler",
    install(sdkDir) {
      const shimFile = path.join(sdkDir, "typescript-shim.js");
      const parseFile = path.join(sdkDir, "runtime", "closure", "parseFunction.js");
      const parse = readOrUndefined(parseFile);
      if (!parse?.includes('const ts = require("../../typescript-shim");')) {
        return "runtime/closure/parseFunction.js no longer loads typescript-shim as `ts`";
      }
      if (!fs.existsSync(shimFile)) return "typescript-shim.js is gone";
      if (require.cache[shimFile] || require.cache[parseFile]) {
        return "@pulumi/pulumi is already loaded";
      }
      require.cache[shimFile] = lazyModule(shimFile);
      return undefined;
    },
  },
  {
    // Each property Output of a resource made when first read (lazyOutputsPatch).
    name: "lazy-outputs",
    install(sdkDir) {
      const patch = lazyOutputsPatch(sdkDir);
      if (typeof patch === "string") return patch;
      patch.apply();
      return undefined;
    },
  },
  {
    // The harness answers registrations itself, converting each request once and the answer
    // without a protobuf Struct (directAnswersPatch).
    name: "direct-answers",
    install(sdkDir) {
      const patch = directAnswersPatch(sdkDir);
      if (typeof patch === "string") return patch;
      patch.apply();
      return undefined;
    },
  },
  {
    // Plain input properties copied at once before a registration, without the SDK's `async`
    // walk of every value (registrationMeasures.ts plainSerializationPatch).
    name: "plain-serialization",
    install(sdkDir) {
      const patch = plainSerializationPatch(sdkDir);
      if (typeof patch === "string") return patch;
      patch.apply();
      return undefined;
    },
  },
  {
    // A registration's dependencies without components answered directly
    // (registrationMeasures.ts directDependenciesPatch).
    name: "direct-dependencies",
    install(sdkDir) {
      const patch = directDependenciesPatch(sdkDir);
      if (typeof patch === "string") return patch;
      patch.apply();
      return undefined;
    },
  },
  {
    // A registration's inputs kept as values until something needs their protobuf Struct
    // (registrationMeasures.ts lightStructsPatch).
    name: "light-structs",
    install(sdkDir) {
      const patch = lightStructsPatch(sdkDir);
      if (typeof patch === "string") return patch;
      patch.apply();
      return undefined;
    },
  },
  {
    // Every LambdaDeployment carries its provider's closure as `__provider`: Pulumi serializes
    // it once per provider object (dynamic/index.js `providerCache`), and that once walks the
    // provider's whole closure and module graph (about 3 s on a 2-core machine). Policies never see `__` keys (the engine strips them
    // before Analyze), and nothing of the preview reads it.
    name: "provider-text",
    install(sdkDir) {
      const dynamicFile = path.join(sdkDir, "dynamic", "index.js");
      const serializerFile = path.join(sdkDir, "runtime", "closure", "serializeClosure.js");
      const dynamicSource = readOrUndefined(dynamicFile);
      if (!dynamicSource?.includes('require("../runtime/closure/serializeClosure")')) {
        return "dynamic/index.js no longer loads runtime/closure/serializeClosure lazily";
      }
      if (!fs.existsSync(serializerFile)) return "runtime/closure/serializeClosure.js is gone";
      // dynamic/index.js calls `sc.serializeFunction(...)` on this module's exports at each use.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const serializer = require(serializerFile) as { serializeFunction?: unknown };
      if (typeof serializer.serializeFunction !== "function") {
        return "runtime/closure/serializeClosure.js has no serializeFunction";
      }
      serializer.serializeFunction = async () => ({
        text: UNSERIALIZED_PROVIDER_TEXT,
        exportName: "handler",
        containsSecrets: false,
      });
      return undefined;
    },
  },
  {
    // The run tells a resource created inside an `apply` callback by recording, when it is
    // constructed, whether a callback is running (testing/run.ts `applyTracking:
    // "construction"`), instead of an AsyncLocalStorage that makes Node.js run a hook for every
    // promise of the program (about a sixth of the CPU at 10 x 50). An `async` callback is still
    // followed into its continuations; a non-`async` callback that returns a promise whose
    // continuation creates a resource is told only with the measure off.
    name: "apply-context",
    install(sdkDir) {
      const resourceSource = readOrUndefined(path.join(sdkDir, "resource.js"));
      if (!resourceSource?.includes("resource_1.registerResource(this, parent, t, name,")) {
        return "resource.js no longer calls runtime/resource.js registerResource(this, parent, t, name, ...)";
      }
      if (!resourceSource.includes("this.__parentResource = ")) {
        return "resource.js no longer links a resource to its parent (__parentResource)";
      }
      return undefined;
    },
  },
  {
    // No stack captured per RPC promise for a leak report (promiseDebuggingPatch).
    name: "promise-debugging",
    install(sdkDir) {
      const patch = promiseDebuggingPatch(sdkDir);
      if (typeof patch === "string") return patch;
      patch.apply();
      return undefined;
    },
  },
];

/** What `installPreviewMeasures` did. */
export interface MeasuresReport {
  /** The measures now in place. */
  readonly installed: string[];
  /** The measures left out, with why. */
  readonly skipped: { name: string; reason: string }[];
}

let installedOnce: MeasuresReport | undefined;

/**
 * Installs the measures not switched off by `MULTIREGION_SERVERLESS_PREVIEW_OFF`, once per
 * process, when the installed @pulumi/pulumi is a release they were checked against. For the
 * preview's own processes only (preview/run.js, the installed command, the benchmark): the
 * changes last for the whole process.
 */
export function installPreviewMeasures(
  env: NodeJS.ProcessEnv = process.env,
  projectDir: string = process.cwd(),
): MeasuresReport {
  if (installedOnce) return installedOnce;
  const off = (env[MEASURES_OFF_ENV] ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const report: MeasuresReport = { installed: [], skipped: [] };
  let sdkDir: string | undefined;
  let version: string | undefined;
  try {
    // The copy the program itself loads: the project's, else this package's.
    sdkDir = path.dirname(
      require.resolve("@pulumi/pulumi/package.json", { paths: [projectDir, __dirname] }),
    );
    version = (
      JSON.parse(fs.readFileSync(path.join(sdkDir, "package.json"), "utf8")) as {
        version?: string;
      }
    ).version;
  } catch {
    // no SDK found: nothing to speed up
  }
  const [major, minor] = (version ?? "").split(".").map(Number);
  const checked = major === 3 && minor >= CHECKED_MINORS.first && minor <= CHECKED_MINORS.last;
  for (const measure of MEASURES) {
    const reason =
      off.includes("all") || off.includes(measure.name)
        ? `switched off by ${MEASURES_OFF_ENV}`
        : !sdkDir || !checked
          ? `@pulumi/pulumi ${version ?? "(not found)"} is outside 3.${CHECKED_MINORS.first} to 3.${CHECKED_MINORS.last}, the releases the measures are checked against`
          : measure.install(sdkDir);
    if (reason === undefined) report.installed.push(measure.name);
    else report.skipped.push({ name: measure.name, reason });
  }
  // Installed measures stay for the process; a run that installed none may be retried.
  if (report.installed.length > 0) installedOnce = report;
  return report;
}

/** Whether this process installed the measure `name` (installPreviewMeasures). */
export function previewMeasureInstalled(name: string): boolean {
  return installedOnce?.installed.includes(name) ?? false;
}

/**
 * A replacement of one function of the SDK: `apply` puts it in place, `restore` puts back what
 * was there before `apply` (the test harness applies its measures for one run at a time).
 * @internal
 */
export interface SdkPatch {
  apply(): void;
  restore(): void;
}

/** Replaces `holder[key]` by `replacement` on `apply`, and puts the previous value back. */
function patchOf<K extends string>(
  holder: Record<K, unknown>,
  key: K,
  replacement: unknown,
): SdkPatch {
  let previous: unknown;
  return {
    apply() {
      previous = holder[key];
      holder[key] = replacement;
    },
    restore() {
      holder[key] = previous;
    },
  };
}

/**
 * The `lazy-outputs` measure for the SDK in `sdkDir`, or why it cannot be made. For every input
 * and output property of every custom resource, the SDK makes an Output at registration
 * (runtime/rpc.js `transferProperties`: four promises, the Output's own seven and a Proxy),
 * whether or not anything reads it; most are never read, and at 10 regions x 50 functions they
 * are most of the heap and of the garbage collector's work. The replacement makes each property
 * when first read, from the same resolution (value, known, secret, dependencies or error) the
 * SDK hands its resolver, and it is then the same Output.
 * @internal
 */
export function lazyOutputsPatch(sdkDir: string): SdkPatch | string {
  const resourceSource = readOrUndefined(path.join(sdkDir, "runtime", "resource.js"));
  if (!resourceSource?.includes("rpc_1.transferProperties(res, label, props)")) {
    return "runtime/resource.js no longer calls rpc.transferProperties(res, label, props)";
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rpc = require(path.join(sdkDir, "runtime", "rpc.js")) as {
    transferProperties?: unknown;
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const output = require(path.join(sdkDir, "output.js")) as { Output?: unknown };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const errors = require(path.join(sdkDir, "errors.js")) as { isGrpcError?: unknown };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const debuggable = require(path.join(sdkDir, "runtime", "debuggable.js")) as {
    debuggablePromise?: unknown;
  };
  if (typeof rpc.transferProperties !== "function" || rpc.transferProperties.length !== 3) {
    return "runtime/rpc.js has no transferProperties(onto, label, props)";
  }
  if (typeof output.Output !== "function") return "output.js has no Output";
  if (typeof errors.isGrpcError !== "function") return "errors.js has no isGrpcError";
  if (typeof debuggable.debuggablePromise !== "function") {
    return "runtime/debuggable.js has no debuggablePromise";
  }
  return patchOf(
    rpc as Record<"transferProperties", unknown>,
    "transferProperties",
    lazyTransferProperties({
      Output: output.Output as OutputConstructor,
      isGrpcError: errors.isGrpcError as (error: unknown) => boolean,
      // Read at each use: the promise-debugging measure replaces it.
      debuggable: debuggable as {
        debuggablePromise: <T>(p: Promise<T>, label: string) => Promise<T>;
      },
    }),
  );
}

/**
 * Set while the `direct-answers` measure is in place: the test harness's monitor answers a
 * registration itself (testing/run.ts `CapturingMonitor.registerResource`) rather than through
 * Pulumi's `MockMonitor.registerResource`. In place for a harness run (testing/measures.ts) or
 * for the offline preview's whole process.
 * @internal
 */
export const directAnswers = { on: false };

/** What resource.js may read of a RegisterResourceResponse for the harness's own answer. */
const ANSWER_GETTERS = ["getUrn", "getId", "getPropertydependenciesMap", "getResult", "getObject"];

/**
 * The `direct-answers` measure for the SDK in `sdkDir`, or why it cannot be made: the harness
 * answers registrations as runtime/mocks.js `MockMonitor.registerResource` does (checked here:
 * the mocks get the type, name, inputs, provider, custom flag and import id, nothing more), with
 * the request's properties converted once and the answer without a protobuf Struct, which
 * runtime/resource.js `registerResource` reads with the getters in ANSWER_GETTERS only.
 * @internal
 */
export function directAnswersPatch(sdkDir: string): SdkPatch | string {
  const mocks = readOrUndefined(path.join(sdkDir, "runtime", "mocks.js")) ?? "";
  const start = mocks.indexOf("async registerResource(req, callback) {");
  const end = mocks.indexOf("registerResourceOutputs(req, callback)", start);
  const answer = start >= 0 && end > start ? mocks.slice(start, end) : "";
  const mockSteps = [
    "type: req.getType(),",
    "name: req.getName(),",
    "inputs: rpc_1.deserializeProperties(req.getObject()),",
    "provider: req.getProvider(),",
    "custom: req.getCustom(),",
    "id: req.getImportid(),",
    'const serializedState = await rpc_1.serializeProperties("", result.state);',
    "response.setObject(structproto.Struct.fromJavaScript(serializedState));",
  ];
  if (!mockSteps.every((step) => answer.includes(step))) {
    return "runtime/mocks.js MockMonitor.registerResource no longer answers as the harness does";
  }
  if ((answer.match(/^\s+\w+: /gm) ?? []).length !== 6) {
    return "runtime/mocks.js MockMonitor.registerResource passes the mocks more than the harness does";
  }
  const resource = readOrUndefined(path.join(sdkDir, "runtime", "resource.js")) ?? "";
  const register = resource.slice(
    resource.indexOf("function registerResource("),
    resource.indexOf("exports.registerResource = registerResource;"),
  );
  const getters = new Set([...register.matchAll(/\bresp\.(get\w+)\(/g)].map((m) => m[1]));
  if (getters.size === 0 || [...getters].some((getter) => !ANSWER_GETTERS.includes(getter))) {
    return "runtime/resource.js registerResource reads an answer the harness does not give";
  }
  let previous = false;
  return {
    apply() {
      previous = directAnswers.on;
      directAnswers.on = true;
    },
    restore() {
      directAnswers.on = previous;
    },
  };
}

/**
 * The `promise-debugging` measure for the SDK in `sdkDir`, or why it cannot be made:
 * runtime/debuggable.js wraps every RPC promise, capturing `new Error().stack` for a leak report
 * printed at process exit; the offline preview reports its own result and exit code, and the
 * test harness its own failures.
 * @internal
 */
export function promiseDebuggingPatch(sdkDir: string): SdkPatch | string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const debuggable = require(path.join(sdkDir, "runtime", "debuggable.js")) as {
    debuggablePromise?: unknown;
    debugPromiseLeaks?: boolean;
  };
  if (typeof debuggable.debuggablePromise !== "function") {
    return "runtime/debuggable.js has no debuggablePromise";
  }
  if (debuggable.debugPromiseLeaks) return "PULUMI_DEBUG_PROMISE_LEAKS is set";
  return patchOf(
    debuggable as Record<"debuggablePromise", unknown>,
    "debuggablePromise",
    <T>(promise: Promise<T>): Promise<T> => promise,
  );
}

/**
 * A module that loads `file` when first used: `__esModule` (so TypeScript's `__importStar`
 * takes it as it is, without listing its keys) is answered without loading; any other use
 * (a property, `default` as `__importDefault` reads it, calling or constructing it, `typeof`,
 * `instanceof`, listing its keys) loads the real module, which then replaces it in the require
 * cache. The target is a function without a `prototype` (a bound function), so that calling and
 * constructing reach the real module and `typeof` answers "function" as it does for arborist's
 * own exports (its lib/index.js exports the Arborist class).
 */
export function lazyModule(file: string): NodeJS.Module {
  let real: Record<PropertyKey, unknown> | undefined;
  const load = (): Record<PropertyKey, unknown> => {
    if (real === undefined) {
      delete require.cache[file];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      real = require(file) as Record<PropertyKey, unknown>;
    }
    return real;
  };
  // `default` as TypeScript's and Babel's interop read it: a CommonJS module is its own default.
  const property = (key: PropertyKey): unknown => {
    const module = load();
    return key === "default" && !module.__esModule ? module : module[key];
  };
  const target = function stand() {}.bind(undefined);
  const construct = (args: unknown[], newTarget: unknown): object => {
    const real = load() as unknown as new (...a: unknown[]) => object;
    return Reflect.construct(
      real,
      args,
      newTarget === exports ? real : (newTarget as new (...a: unknown[]) => object),
    );
  };
  const exports: Record<PropertyKey, unknown> = new Proxy(target, {
    get: (_, key) => (key === "__esModule" && real === undefined ? true : property(key)),
    has: (_, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(load()),
    set: (_, key, value) => Reflect.set(load(), key, value),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(load(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(load(), key),
    apply: (_, self, args) =>
      Reflect.apply(load() as unknown as (...a: unknown[]) => unknown, self, args),
    construct: (_, args, newTarget) => construct(args, newTarget),
  }) as unknown as Record<PropertyKey, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Module } = require("module") as { Module: new (id: string) => NodeJS.Module };
  const module = new Module(file);
  module.filename = file;
  module.loaded = true;
  module.exports = exports;
  return module;
}

type OutputConstructor = new (
  resources: unknown,
  promise: Promise<unknown>,
  isKnown: Promise<boolean>,
  isSecret: Promise<boolean>,
  allResources: Promise<unknown>,
) => unknown;

type Resolver = (
  value: unknown,
  isKnown: boolean,
  isSecret: boolean,
  deps?: unknown[],
  err?: unknown,
) => void;

/**
 * runtime/rpc.js `transferProperties`, with each property's Output made when first read: the
 * same checks, the same resolvers' contract (a gRPC error leaves the property unresolved, any
 * other rejects it), the same Output from the same four promises.
 *
 * One difference: a failed registration rejects only the properties that were read. The SDK
 * rejects every property Output of a failed resource (runtime/rpc.js `resolveProperties`: "If
 * there is an error, just reject everything"); here an Output nobody reads is never made, so
 * its rejection never happens. The preview still fails because the SDK rejects the resource's
 * `urn` and `id` Outputs itself, made at once in runtime/resource.js (`resolveURN`, `resolveID`
 * in `prepareResource`), and rethrows the registration's error (`resourceOp.catch(...)` in
 * `runAsyncResourceOp`): this measure depends on that, which the unit test "still fail the
 * preview when a registration fails" checks against the installed SDK.
 */
function lazyTransferProperties(sdk: {
  Output: OutputConstructor;
  isGrpcError: (error: unknown) => boolean;
  debuggable: { debuggablePromise: <T>(p: Promise<T>, label: string) => Promise<T> };
}) {
  /**
   * One property of one resource: what the SDK resolved it to, until its Output is made, then
   * how to settle that Output. Kept per resource in `slotsOf`, so that each property's getter
   * and setter can be one function shared by every resource with that property (at 10 x 50,
   * a quarter of a million properties, most never read).
   */
  interface Slot {
    readonly label: string;
    readonly key: string;
    resolution?: Parameters<Resolver>;
    settle?: Resolver;
  }
  const slotsOf = new WeakMap<object, Record<string, Slot>>();
  const keep = (onto: object, key: string, value: unknown): void => {
    Object.defineProperty(onto, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  };
  const make = (onto: Record<string, unknown>, slot: Slot): unknown => {
    const parts: [(v: unknown) => void, (e: unknown) => void][] = [];
    const promise = <T>(what: string): Promise<T> =>
      sdk.debuggable.debuggablePromise(
        new Promise<T>((resolve, reject) => parts.push([resolve as (v: unknown) => void, reject])),
        `${what}(${slot.label}, ${slot.key})`,
      );
    const made = new sdk.Output(
      onto,
      promise("transferProperty"),
      promise<boolean>("transferIsStable"),
      promise<boolean>("transferIsSecret"),
      promise("transferDeps"),
    );
    slot.settle = (value, isKnown, isSecret, deps, err) => {
      const values = [value, isKnown, isSecret, deps];
      parts.forEach(([resolve, reject], i) => (err ? reject(err) : resolve(values[i])));
    };
    if (slot.resolution) slot.settle(...slot.resolution);
    slot.resolution = undefined;
    return made;
  };
  /** The resource that holds the property: `from`, or one `from` inherits it from. */
  const holderOf = (
    from: Record<string, unknown>,
    key: string,
  ): Record<string, unknown> | undefined => {
    for (let at: Record<string, unknown> | null = from; at; at = Object.getPrototypeOf(at)) {
      if (slotsOf.get(at)?.[key]) return at;
    }
    return undefined;
  };
  /** The property's descriptor: a getter and setter shared by every resource. */
  const descriptors = new Map<string, PropertyDescriptor>();
  const descriptorOf = (key: string): PropertyDescriptor => {
    let descriptor = descriptors.get(key);
    if (!descriptor) {
      descriptor = {
        enumerable: true,
        configurable: true,
        get(this: Record<string, unknown>) {
          const onto = holderOf(this, key);
          if (!onto) return undefined;
          const made = make(onto, slotsOf.get(onto)![key]);
          keep(onto, key, made);
          return made;
        },
        set(this: Record<string, unknown>, value: unknown) {
          // As on the SDK's writable data property: onto the object assigned to (an object
          // that inherits from the resource gets its own property; the resource keeps its own).
          keep(this, key, value);
        },
      };
      descriptors.set(key, descriptor);
    }
    return descriptor;
  };
  return function transferProperties(
    onto: Record<string, unknown>,
    label: string,
    props: Record<string, unknown>,
  ): Record<string, Resolver> {
    const resolvers: Record<string, Resolver> = {};
    const slots: Record<string, Slot> = Object.create(null) as Record<string, Slot>;
    for (const key of Object.keys(props)) {
      // "id" and "urn" are handled by the SDK itself.
      if (key === "id" || key === "urn") continue;
      if (Object.prototype.hasOwnProperty.call(onto, key)) {
        throw new Error(`Property '${key}' is already initialized on target '${label}`);
      }
      const slot: Slot = { label, key };
      slots[key] = slot;
      resolvers[key] = (value, isKnown, isSecret, deps = [], err) => {
        if (err && sdk.isGrpcError(err)) return; // as the SDK: left unresolved
        if (slot.settle) slot.settle(value, isKnown, isSecret, deps, err);
        else slot.resolution = [value, isKnown, isSecret, deps, err];
      };
      Object.defineProperty(onto, key, descriptorOf(key));
    }
    slotsOf.set(onto, slots);
    return resolvers;
  };
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
