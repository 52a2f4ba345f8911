// Runs the pack's rules over resources captured under Pulumi's runtime mocks (see `testing/`),
// the way `pulumi preview --policy-pack policy` runs them over a real preview: resource
// policies per resource (with its inputs), then stack policies over every resource (with its
// outputs). Does not construct the PolicyPack, so it needs neither the CLI nor a gRPC server.
import {
  EnforcementLevel,
  Policies,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { CapturedResource } from "../testing/capture";
import type { OfflinePolicyConfig, RunPoliciesOptions, Violation } from "../testing/policies";
import { schemaDefaults, UNKNOWN_STRING_SENTINEL } from "./rules/common";
import { allPolicies, packEnforcementLevel } from "./rules";

// The public types live with the test helpers (testing/policies.ts), in terms that need no
// `@pulumi/policy` typings; CrossGuard's own policies satisfy them.
export type { OfflinePolicyConfig, RunPoliciesOptions, Violation };

/**
 * CrossGuard's own unknown-value proxy and error. `@pulumi/policy` exports both from its index at
 * run time, but its typings strip them (`@internal`), hence the typed require.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crossGuard = require("@pulumi/policy") as {
  unknownCheckingProxy<T extends object>(props: T): T;
  UnknownValueError: new (...args: any[]) => Error;
};
const { unknownCheckingProxy, UnknownValueError } = crossGuard;

/** Thrown by `notApplicable`; the engine records it and moves on, and so do we. */
class NotApplicable extends Error {}

/** A type token as `validateResourceOfType` attaches it (`__pulumiType`) or a class carries it. */
function pulumiTypeOf(value: unknown): string | undefined {
  const type = (value as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof type === "string" && type !== "" ? type : undefined;
}

/** The engine's `isType` test: the class's type token, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const classType = pulumiTypeOf(resourceClass);
  if (classType) {
    return classType === type;
  }
  const isInstance = (resourceClass as { isInstance?: (obj: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/**
 * Properties as the engine hands them to a policy: unknowns (`{ __pulumiUnknown: true }` in a
 * mocked preview) become the engine's unknown sentinel, keys that start with `__` are dropped at
 * every depth (the bridge's `__defaults`, a dynamic resource's `__provider`), and the whole is
 * wrapped in CrossGuard's own proxy, so that reading an unknown throws `UnknownValueError`
 * exactly as at preview.
 */
function engineProps(value: Record<string, any>): Record<string, any> {
  return unknownCheckingProxy(toEngineValue(value));
}

function toEngineValue(value: any): any {
  if (Array.isArray(value)) {
    return value.map(toEngineValue);
  }
  if (typeof value !== "object" || value === null) {
    return value;
  }
  if (value.__pulumiUnknown === true) {
    return UNKNOWN_STRING_SENTINEL;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    return value; // assets, archives
  }
  // The engine treats properties with undefined values as absent (`deserializeProperties`), and
  // it never sends internal keys: pulumi/pulumi `pkg/resource/plugin/analyzer_plugin.go`
  // marshals the properties of `Analyze` and `AnalyzeStack` with `SkipInternalKeys`, which drops
  // every key for which `resource.IsInternalPropertyKey` (prefix `__`) holds, nested ones too.
  // (A loop rather than entries/filter/map/fromEntries: this runs for every resource a policy
  // reads, and at 10 x 50 the intermediate arrays were a tenth of the preview's garbage.)
  const result: Record<string, any> = {};
  for (const key of Object.keys(value)) {
    const child = value[key];
    if (child !== undefined && !isInternalPropertyKey(key)) {
      result[key] = toEngineValue(child);
    }
  }
  return result;
}

/** The engine's `resource.IsInternalPropertyKey`: keys it keeps from policies and users. */
export function isInternalPropertyKey(key: string): boolean {
  return key.startsWith("__");
}

/** Go duration (`"30m"`, `"1h30m"`, `"90s"`) to seconds, as the engine reports custom timeouts. */
function durationSeconds(duration: string | undefined): number {
  if (!duration) {
    return 0;
  }
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let seconds = 0;
  for (const [, amount, unit] of duration.matchAll(/([\d.]+)(ms|h|m|s)/g)) {
    seconds += Number(amount) * units[unit];
  }
  return seconds;
}

function optionsOf(resource: CapturedResource): PolicyResourceOptions {
  const { options } = resource;
  return {
    protect: options.protect,
    ignoreChanges: options.ignoreChanges,
    deleteBeforeReplace: options.deleteBeforeReplace,
    aliases: [],
    customTimeouts: {
      createSeconds: durationSeconds(options.customTimeouts?.create),
      updateSeconds: durationSeconds(options.customTimeouts?.update),
      deleteSeconds: durationSeconds(options.customTimeouts?.delete),
    },
    additionalSecretOutputs: options.additionalSecretOutputs,
    ...(resource.parent ? { parent: resource.parent } : {}),
  };
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` parts. */
function urnParts(urn: string): { stack: string; project: string } {
  const [head = "", project = ""] = urn.split("::");
  return { stack: head.replace(/^urn:pulumi:/, ""), project };
}

/** What the engine would pass as a resource's provider, without its properties yet. */
interface ProviderOf {
  type: string;
  name: string;
  urn: string;
  values: () => Record<string, any>;
}

/**
 * The provider the engine would pass: the explicit one (its captured inputs), else the default
 * AWS provider, whose region the capture resolved from `aws:region` config.
 */
function providerOf(
  resource: CapturedResource,
  byUrn: Map<string, CapturedResource>,
  stackName: string | undefined,
): ProviderOf | undefined {
  if (resource.provider) {
    const urn = resource.provider.split("::").slice(0, -1).join("::");
    const provider = byUrn.get(urn);
    if (provider) {
      const { type, name } = provider;
      return { type, name, urn: provider.urn, values: () => provider.inputs };
    }
  }
  if (resource.type.startsWith("aws:") && resource.region) {
    const { stack, project } = urnParts(resource.urn);
    const region = resource.region;
    return {
      type: "pulumi:providers:aws",
      name: "default",
      urn: `urn:pulumi:${stackName ?? stack}::${project}::pulumi:providers:aws::default`,
      values: () => ({ region }),
    };
  }
  return undefined;
}

/**
 * A policy's view of a provider, its `props` made when first read. CrossGuard's analyzer
 * deserializes properties afresh for every validation it calls (@pulumi/policy server.js,
 * `makeAnalyzeRpcFun` and `makeAnalyzeStackRpcFun`), so no two policies share them; here they
 * are made for a policy only when it reads them, since most validations look at the type and
 * stop (at 10 regions x 50 functions, making them for every resource and policy was a third of
 * the preview's garbage). The same holds for a resource's `props` and `opts` below.
 */
function providerResource(provider: ProviderOf): PolicyProviderResource {
  let props: Record<string, any> | undefined;
  const { type, name, urn, values } = provider;
  return {
    type,
    name,
    urn,
    get props() {
      return (props ??= engineProps(values()));
    },
    set props(value) {
      props = value;
    },
  };
}

function levelOf(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  config: OfflinePolicyConfig,
): EnforcementLevel {
  const levelIn = (entry: OfflinePolicyConfig[string] | undefined): EnforcementLevel | undefined =>
    typeof entry === "string" ? entry : entry?.enforcementLevel;
  return (
    levelIn(config[policy.name]) ??
    levelIn(config.all) ??
    policy.enforcementLevel ??
    packEnforcementLevel
  );
}

function configGetter(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  config: OfflinePolicyConfig,
  stackName: string | undefined,
): <T extends object>() => T {
  const entry = config[policy.name];
  const given = typeof entry === "object" ? { ...entry } : {};
  delete given.enforcementLevel;
  const stackDefault =
    stackName !== undefined && policy.configSchema?.properties.environment
      ? { environment: stackName }
      : {};
  const merged = { ...schemaDefaults(policy.configSchema), ...stackDefault, ...given };
  return <T extends object>() => structuredClone(merged) as T;
}

/**
 * What `notApplicable` throws: one frozen instance, made without a stack. Rules call it for
 * most resources they do not check; the offline runner reports neither the reason nor a stack
 * (the engine records the reason only as a "not applicable" note), so nothing per call is
 * needed. (A rule that caught it would see "not applicable", not its own reason.)
 */
const NOT_APPLICABLE = (() => {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return Object.freeze(new NotApplicable("not applicable"));
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
})();

function notApplicable(_reason?: string): never {
  throw NOT_APPLICABLE;
}

/**
 * Runs policies over captured resources and returns every violation, in the order the engine
 * would report them: resource policies resource by resource, then stack policies. A policy that
 * reads a value unknown at preview yields the engine's advisory "can't run policy during
 * preview" violation; any other error is thrown, as it fails a real preview.
 */
export async function runPolicies(
  resources: readonly CapturedResource[],
  options: RunPoliciesOptions = {},
): Promise<Violation[]> {
  const config = options.config ?? {};
  const policies = ((options.policies ?? allPolicies) as Policies)
    .map((policy) => ({ policy, level: levelOf(policy, config) }))
    .filter(({ level }) => level !== "disabled")
    .map(({ policy, level }) => ({
      policy,
      // A violation that remediation did not fix is reported as mandatory (as the engine does).
      level: level === "remediate" ? ("mandatory" as const) : level,
      getConfig: configGetter(policy, config, options.stackName),
    }));
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const violations: Violation[] = [];

  const reportViolation = (
    policyName: string,
    enforcementLevel: EnforcementLevel,
    message: string,
    urn: string | undefined,
  ): void => {
    const target = byUrn.get(urn ?? "");
    violations.push({
      policyName,
      enforcementLevel,
      message,
      ...(urn ? { urn } : {}),
      ...(target ? { resourceType: target.type, resourceName: target.name } : {}),
    });
  };
  const reporter =
    (policyName: string, enforcementLevel: EnforcementLevel) =>
    (message: string, urn?: string): void =>
      reportViolation(policyName, enforcementLevel, message, urn);

  const failed = (policyName: string, urn: string | undefined, error: unknown): void => {
    if (error instanceof NotApplicable) {
      return;
    }
    if (error instanceof UnknownValueError) {
      violations.push({
        policyName,
        enforcementLevel: "advisory",
        message: `can't run policy '${policyName}' during preview: ${error.message}`,
        ...(urn ? { urn } : {}),
      });
      return;
    }
    throw new Error(
      `policy '${policyName}' failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  };
  // A validation that returns a promise is awaited; one that returns at once (every rule of
  // the pack) is not: at 10 x 50 that is over 100,000 promises fewer.
  const run = <A>(
    policyName: string,
    urn: string | undefined,
    validate: (args: A, report: (message: string, urn?: string) => void) => unknown,
    args: A,
    report: (message: string, urn?: string) => void,
  ): Promise<void> | undefined => {
    let result: unknown;
    try {
      result = validate(args, report);
    } catch (error) {
      failed(policyName, urn, error);
      return undefined;
    }
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
      return Promise.resolve(result).then(
        () => undefined,
        (error: unknown) => failed(policyName, urn, error),
      );
    }
    return undefined;
  };

  for (const resource of resources) {
    const provider = providerOf(resource, byUrn, options.stackName);
    const view = resourceArgs(resource, provider);
    for (const { policy, level, getConfig } of policies) {
      if (!("validateResource" in policy) || !policy.validateResource) {
        continue;
      }
      const validations: ResourceValidation[] = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource];
      const onlyType = validations.length === 1 ? pulumiTypeOf(validations[0]) : undefined;
      if (onlyType && onlyType !== resource.type) {
        continue; // the engine's fast path for validateResourceOfType
      }
      // A resource validation's violations are about its resource (the urn argument is ignored).
      const report = (message: string): void =>
        reportViolation(policy.name, level, message, resource.urn);
      for (const validation of validations) {
        const args = view.fresh(getConfig);
        const pending = run(policy.name, resource.urn, validation, args, report);
        if (pending) await pending;
      }
    }
  }

  const stackPolicies = policies.filter(
    ({ policy }) => "validateStack" in policy && typeof policy.validateStack === "function",
  );
  if (stackPolicies.length === 0) {
    return violations;
  }
  const views = resources.map((resource) =>
    stackResource(resource, providerOf(resource, byUrn, options.stackName)),
  );
  const viewOf = new Map(views.map((view) => [view.resource.urn, view]));
  for (const view of views) {
    view.link(
      view.resource.parent ? viewOf.get(view.resource.parent) : undefined,
      view.resource.dependencies
        .map((urn) => viewOf.get(urn))
        .filter((dependency): dependency is StackResourceView => dependency !== undefined),
    );
  }
  for (const { policy, level, getConfig } of stackPolicies) {
    for (const view of views) view.prepare();
    for (const view of views) view.connect();
    const args: StackValidationArgs = {
      resources: views.map((view) => view.object),
      stackTags: new Map(),
      getConfig,
      notApplicable,
    };
    const validateStack = (policy as StackValidationPolicy).validateStack;
    const pending = run(policy.name, undefined, validateStack, args, reporter(policy.name, level));
    if (pending) await pending;
  }
  return violations;
}

/**
 * A resource's `ResourceValidationArgs`, made fresh for each validation (`fresh`). CrossGuard's
 * analyzer makes new arguments for every validation it calls (@pulumi/policy server.js
 * `makeAnalyzeRpcFun`), so what one validation reads, replaces or changes is never seen by the
 * next. Here the object of the previous validation is put back to its first state instead of made
 * again, when that is possible: when the validation only read it or assigned its keys (almost
 * every rule). When it added, deleted or redefined a key, froze it or replaced `stackTags` by
 * something else, a new object is made. `props`, `opts` and `provider` are made when first read.
 * At 10 regions x 50 functions, a new object per validation (with its getters, the provider's
 * and two methods) was a tenth of the preview's garbage. Every key is an own, enumerable
 * property, as in the engine's arguments, so `{ ...args }` copies them.
 */
function resourceArgs(
  resource: CapturedResource,
  provider: ProviderOf | undefined,
): { fresh(getConfig: ResourceValidationArgs["getConfig"]): ResourceValidationArgs } {
  const make = () => {
    let props: Record<string, any> | undefined;
    let opts: PolicyResourceOptions | undefined;
    let providerView: PolicyProviderResource | undefined;
    const isType = (resourceClass: unknown): boolean => isTypeOf(resource.type, resourceClass);
    const asType = (resourceClass: unknown): any =>
      isType(resourceClass) ? args.props : undefined;
    const args = {
      type: resource.type,
      get props() {
        return (props ??= engineProps(resource.inputs));
      },
      set props(value) {
        props = value;
      },
      urn: resource.urn,
      name: resource.name,
      get opts() {
        return (opts ??= optionsOf(resource));
      },
      set opts(value) {
        opts = value;
      },
      stackTags: new Map<string, string>(),
      isType,
      asType,
      getConfig: undefined as unknown as ResourceValidationArgs["getConfig"],
      notApplicable,
    } as ResourceValidationArgs;
    if (provider) {
      Object.defineProperty(args, "provider", {
        enumerable: true,
        configurable: true,
        get: () => (providerView ??= providerResource(provider)),
        set: (value: PolicyProviderResource) => (providerView = value),
      });
    }
    const shape = shapeOf(args, ["props", "opts", "provider"]);
    return {
      args,
      /** Puts `args` back to its first state; false when it cannot be (make a new one). */
      reset(getConfig: ResourceValidationArgs["getConfig"]): boolean {
        if (!shape.unchanged(args) || !(args.stackTags instanceof Map)) return false;
        props = opts = providerView = undefined;
        try {
          args.type = resource.type;
          args.urn = resource.urn;
          args.name = resource.name;
          if (args.stackTags.size > 0) args.stackTags = new Map();
          args.isType = isType;
          args.asType = asType;
          args.getConfig = getConfig;
          args.notApplicable = notApplicable;
        } catch {
          return false; // a key made read-only
        }
        return true;
      },
    };
  };
  let current: ReturnType<typeof make> | undefined;
  return {
    fresh(getConfig) {
      if (!current?.reset(getConfig)) {
        current = make();
        current.reset(getConfig);
      }
      return current.args;
    },
  };
}

/**
 * The keys of a fresh object, in order, and its getters: `unchanged` tells whether a policy
 * left the object's shape as made (extensible, the same enumerable keys in the same order, the
 * same getters), so that putting its values back gives what a new object would be. It runs for
 * every validation, so it allocates nothing: `for...in` (the object inherits no enumerable key)
 * and `__lookupGetter__` rather than lists of keys and descriptors. (A key added as
 * non-enumerable or as a symbol goes unseen: neither is among the engine's arguments, and no
 * rule reads one.)
 */
function shapeOf(
  target: object,
  accessors: readonly string[],
): { unchanged(target: object): boolean } {
  const keys: string[] = [];
  for (const key in target) keys.push(key);
  const lookupGetter = (Object.prototype as unknown as { __lookupGetter__(key: string): unknown })
    .__lookupGetter__;
  const getters = accessors
    .map((key) => [key, lookupGetter.call(target, key) as unknown] as const)
    .filter(([, get]) => get !== undefined);
  return {
    unchanged(candidate) {
      if (!Object.isExtensible(candidate)) return false;
      let index = 0;
      for (const key in candidate) {
        if (key !== keys[index++]) return false;
      }
      if (index !== keys.length) return false;
      for (const [key, get] of getters) {
        if (lookupGetter.call(candidate, key) !== get) return false;
      }
      return true;
    },
  };
}

/** A stack policy's view of one resource, put back to its first state for each stack policy. */
interface StackResourceView {
  readonly resource: CapturedResource;
  /** The object stack policies see (a new one when a policy changed the last one's shape). */
  readonly object: PolicyResource;
  /** Its parent's and dependencies' views, once every view exists. */
  link(parent: StackResourceView | undefined, dependencies: StackResourceView[]): void;
  /** `object` put back to its first state, or made again; before `connect`. */
  prepare(): void;
  /** Points `object` at its parent's and dependencies' objects; after every view's `prepare`. */
  connect(): void;
}

/**
 * A resource as stack policies see it (with its outputs: the mocks' state, which echoes the
 * inputs), put back to its first state for each stack policy as `resourceArgs` does.
 */
function stackResource(
  resource: CapturedResource,
  provider: ProviderOf | undefined,
): StackResourceView {
  let parentView: StackResourceView | undefined;
  let dependencyViews: StackResourceView[] = [];
  const make = () => {
    let props: Record<string, any> | undefined;
    let opts: PolicyResourceOptions | undefined;
    let providerView: PolicyProviderResource | undefined;
    const isType = (resourceClass: unknown): boolean => isTypeOf(resource.type, resourceClass);
    const asType = (resourceClass: unknown): any =>
      isType(resourceClass) ? object.props : undefined;
    const object = {
      type: resource.type,
      get props() {
        return (props ??= engineProps(
          Object.keys(resource.outputs).length > 0 ? resource.outputs : resource.inputs,
        ));
      },
      set props(value) {
        props = value;
      },
      urn: resource.urn,
      name: resource.name,
      get opts() {
        return (opts ??= optionsOf(resource));
      },
      set opts(value) {
        opts = value;
      },
      dependencies: [] as PolicyResource[],
      // The capture records dependencies but not which property each came from.
      propertyDependencies: {} as Record<string, PolicyResource[]>,
      isType,
      asType,
    } as PolicyResource;
    if (provider) {
      Object.defineProperty(object, "provider", {
        enumerable: true,
        configurable: true,
        get: () => (providerView ??= providerResource(provider)),
        set: (value: PolicyProviderResource) => (providerView = value),
      });
    }
    if (parentView) object.parent = undefined; // set by `connect`
    const shape = shapeOf(object, ["props", "opts", "provider"]);
    return {
      object,
      reset(): boolean {
        if (!shape.unchanged(object)) return false;
        props = opts = providerView = undefined;
        try {
          object.type = resource.type;
          object.urn = resource.urn;
          object.name = resource.name;
          object.isType = isType;
          object.asType = asType;
          object.propertyDependencies = {};
        } catch {
          return false; // a key made read-only
        }
        return true;
      },
    };
  };
  let current: ReturnType<typeof make> | undefined;
  const view: StackResourceView = {
    resource,
    get object() {
      return current!.object;
    },
    link(parent, dependencies) {
      parentView = parent;
      dependencyViews = dependencies;
    },
    prepare() {
      if (!current?.reset()) current = make();
    },
    connect() {
      const object = current!.object;
      try {
        object.dependencies = dependencyViews.map((dependency) => dependency.object);
        if (parentView) object.parent = parentView.object;
      } catch {
        // a key made read-only since `prepare`: cannot happen, `prepare` checked the shape
      }
    },
  };
  return view;
}
