import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as publicSettings from "@pulumi/pulumi/runtime/settings";
import { AsyncLocalStorage } from "async_hooks";
import * as path from "path";
import { awsxVpcOutputs } from "./awsxOutputs";
import { awsCall, awsOutputs, MOCK_DEFAULT_REGION } from "./awsOutputs";
import { CapturedResource, ResourceCapture } from "./capture";
import { applyHarnessMeasures } from "./measures";
import { throughStruct } from "./struct";
import { directAnswers } from "../preview/measures";

// Runtime internals that `setMocks` and `disconnect` use but the typings leave out: the
// store (feature flags) and the wait for outstanding registrations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, any> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as typeof publicSettings & {
  waitForRPCs(): Promise<void>;
};

/** A resource registration as the mocks see it, for {@link MockRunOptions.outputs}. */
export interface MockResourceRequest {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** Effective AWS region (resource input, provider, `aws:region` config or us-east-1). */
  region: string;
  /** The explicit provider reference, if any. */
  provider?: string;
}

/** How to run a program or component under Pulumi's runtime mocks. */
export interface MockRunOptions {
  /** Project name (config keys without a namespace are put under it). @default "project" */
  project?: string;
  /** Stack name. @default "test" */
  stack?: string;
  /** Run as `pulumi preview` (true) or `pulumi up` (false). @default false */
  preview?: boolean;
  /**
   * With `preview: true`, answer as a real `pulumi preview` of a new stack does: every custom
   * resource is being created, so only its inputs are known. The outputs the provider computes
   * (what the AWS emulation adds beyond the inputs: ARNs, published versions, endpoints, nested
   * fields such as a replica's ARN) and the physical id are unknown, and so is everything the
   * program derives from them (`apply` callbacks do not run on them). Auto-names (`name` filled
   * from the logical name) stay known: the provider assigns them before the preview, in `Check`.
   * Captured inputs show unknowns as `{ __pulumiUnknown: true }`. Without it, a preview run
   * sees the emulated outputs, as `pulumi up` would after creating the resources.
   * Ignored when `preview` is false.
   * @default false
   */
  previewUnknowns?: boolean;
  /**
   * Stack config, as `pulumi config set` would hold it: `"<namespace>:<key>"` (or a bare key,
   * namespaced by the project) to a value; non-string values are JSON-encoded as the CLI does
   * for structured config.
   * @default {}
   */
  config?: Record<string, unknown>;
  /** Config keys whose values are secrets (same key form as `config`). @default [] */
  secretKeys?: string[];
  /**
   * Extra or overriding outputs for a registered resource, merged over the built-in AWS
   * emulation (ARNs, versions, endpoints). Return undefined to keep the defaults.
   * @default none
   */
  outputs?: (request: MockResourceRequest) => Record<string, any> | undefined;
  /**
   * Results for provider function calls (`aws.getCallerIdentity`, ...), consulted before the
   * built-in ones. Return undefined to fall through.
   * @default none
   */
  call?: (token: string, inputs: Record<string, any>) => Record<string, any> | undefined;
  /**
   * Keep stack traces of errors raised while the mocks run (also `MOCK_STACK_TRACES=1`). Off by
   * default: Pulumi captures a stack per promise and per resource, which makes runs several
   * times slower; errors keep their messages either way.
   * @default false
   */
  stackTraces?: boolean;
  /**
   * Accept resources created inside an `apply` callback. By default such a resource fails the
   * run: `pulumi preview` does not show it while the applied value is unknown, and policies and
   * reviewers never see it before `pulumi up` (see docs/testing.md, "What fails a run").
   * @default false
   */
  allowResourcesInApply?: boolean;
  /**
   * URNs of resources the engine knows from outside this run, which the run's resources may
   * depend on: in a `construct` call (a component used from Python, Go, .NET, Java or YAML), the
   * caller program's own resources that it passes as inputs or dependencies. Any other URN that
   * was never registered in the run fails it, as the engine refuses it.
   * @default none
   */
  externalResources?: string[];
  /**
   * Skip work of Pulumi's SDK whose result a run under the mocks never uses, while the run runs
   * (testing/measures.ts, docs/testing.md "Speed"): each property Output of a resource is made
   * when first read. What the run reports (its resources in their order, inputs, outputs and
   * errors) is the same either way. Switched off by name for the whole process with
   * MULTIREGION_SERVERLESS_HARNESS_OFF (`all`, `lazy-outputs`); used only with a @pulumi/pulumi
   * release they were checked against.
   * @default true
   */
  speedMeasures?: boolean;
  /**
   * How a run tells a resource created inside an `apply` callback: `async-context` follows the
   * callback into everything it starts (an AsyncLocalStorage, which makes Node.js run a hook
   * for every promise of the run); `construction` records, when a resource is constructed,
   * whether an `apply` callback is running, and for an `async` callback follows it as
   * `async-context` does (the offline preview's measure `apply-context`). A non-`async`
   * callback that returns a promise whose continuation creates a resource is told only by
   * `async-context`.
   * @default "async-context"
   * @internal
   */
  applyTracking?: "async-context" | "construction";
}

/** What a run produced. */
export interface MockRun<T> {
  /** The value the component factory returned, or the program's stack outputs. */
  result: T;
  /** Every resource registered, in order. */
  resources: ResourceCapture;
}

/** A run that failed: the error, plus whatever was registered before it. */
export class MockRunError extends Error {
  constructor(
    readonly cause: unknown,
    readonly resources: ResourceCapture,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "MockRunError";
  }
}

type Registration = Omit<CapturedResource, "outputs" | "region"> & { outputs: Record<string, any> };

/** Set while an `Output.apply` callback of a run runs (and in everything it starts). */
const insideApply = new AsyncLocalStorage<boolean>();

/**
 * The engine's checks on a registration, with the engine's own messages (pulumi/pulumi:
 * `sdk/go/common/diag/errors.go` GetDuplicateResourceURNError, `pkg/resource/deploy/
 * step_generator.go` checkParent, `pkg/resource/deploy/snapshot.go` VerifyIntegrity). The engine
 * fails the deployment on the first; the run fails with all of them.
 */
class EngineChecks {
  private readonly urns = new Set<string>();
  readonly errors: string[] = [];

  constructor(
    private readonly allowResourcesInApply: boolean,
    externalResources: readonly string[] = [],
    /** Whether the registration was made inside an `apply` callback. */
    private readonly createdInApply: (req: any) => boolean = () => insideApply.getStore() === true,
  ) {
    for (const urn of externalResources) {
      this.urns.add(urn);
    }
  }

  /**
   * A read resource (`Resource.get`). The engine gives a read the same two checks as a
   * registration, its URN unique in the run and its parent registered (pulumi/pulumi
   * pkg/resource/deploy/step_generator.go `GenerateReadSteps`: `checkParent`, then
   * `generateURN`, which refuses a URN seen before, registered or read).
   */
  read(req: any, urn: string): void {
    this.checkNewUrn(req, urn);
    this.urns.add(urn);
  }

  register(req: any, urn: string): void {
    this.checkNewUrn(req, urn);
    const provider: string = req.getProvider();
    const providerUrn = provider ? provider.split("::").slice(0, -1).join("::") : "";
    if (providerUrn && !this.urns.has(providerUrn)) {
      this.errors.push(`resource ${urn} refers to unknown provider ${provider}`);
    }
    for (const dependency of req.getDependenciesList() as string[]) {
      if (!this.urns.has(dependency)) {
        this.errors.push(`resource ${urn}'s dependency ${dependency} refers to missing resource`);
      }
    }
    for (const [key, dependencies] of req.getPropertydependenciesMap().entries() as Iterable<
      [string, { getUrnsList(): string[] }]
    >) {
      for (const dependency of dependencies.getUrnsList()) {
        if (!this.urns.has(dependency)) {
          this.errors.push(
            `resource ${urn}'s property dependency ${dependency} (from property ${key}) refers to missing resource`,
          );
        }
      }
    }
    if (!this.allowResourcesInApply && this.createdInApply(req)) {
      // The engine cannot see this: it only never learns of the resource during a preview.
      this.errors.push(
        `resource ${urn} was created inside an apply callback: \`pulumi preview\` does not show ` +
          "it while the applied value is unknown (create it outside apply and pass the Output as " +
          "an input; allowResourcesInApply accepts it)",
      );
    }
    this.urns.add(urn);
  }

  /** A URN not seen before in this run, whose parent was (`generateURN`, `checkParent`). */
  private checkNewUrn(req: any, urn: string): void {
    if (this.urns.has(urn)) {
      this.errors.push(`Duplicate resource URN '${urn}'; try giving it a unique name`);
    }
    const parent: string = req.getParent();
    if (parent && !this.urns.has(parent)) {
      this.errors.push(`could not find parent resource ${parent}`);
    }
  }
}

class CapturingMonitor extends MockMonitor {
  readonly registrations: Registration[] = [];
  /** The first registration answered with each URN (a duplicate URN fails the run anyway). */
  private readonly registrationOf = new Map<string, Registration>();
  private readonly providerRegions = new Map<string, string>();

  constructor(
    mocks: pulumi.runtime.Mocks,
    private readonly defaultRegion: string,
    readonly engine: EngineChecks,
  ) {
    super(mocks);
    // Registrations, reads (`Resource.get`) and `getResource` lookups all key the mock's
    // resources by this URN: the engine's, so every one of them agrees with the checks.
    (this as unknown as { newUrn: typeof engineUrn }).newUrn = engineUrn;
  }

  override async readResource(req: any, callback: (err: any, response: any) => void) {
    this.engine.read(req, urnOf(req));
    return super.readResource(req, callback);
  }

  regionFor(inputs: Record<string, any>, provider: string | undefined): string {
    if (typeof inputs.region === "string") {
      return inputs.region;
    }
    const providerUrn = provider?.split("::").slice(0, -1).join("::");
    return (providerUrn && this.providerRegions.get(providerUrn)) || this.defaultRegion;
  }

  /**
   * Captures a registration, then answers it. With the `direct-answers` measure (preview/
   * measures.ts `directAnswersPatch`, checked against the installed SDK's runtime/mocks.js and
   * resource.js) the answer is Pulumi's `MockMonitor.registerResource`'s, made here with the
   * request's properties converted once (the SDK's own converts the request's protobuf Struct
   * again for the mocks) and without building a Struct of the answer that the SDK then converts
   * back (`throughStruct` gives the same values): at 10 regions x 50 functions these
   * conversions were a tenth of the preview. Without it, the SDK's MockMonitor answers.
   */
  override async registerResource(
    req: any,
    callback: (err: any, response: any) => void,
  ): Promise<void> {
    this.engine.register(req, urnOf(req));
    const object = req.getObject();
    const raw = object ? object.toJavaScript() : {};
    const mockInputs = rpc.deserializeProperties(asStruct(raw));
    const inputs = unwrapSecrets(mockInputs) as Record<string, any>;
    if (req.getType().startsWith("pulumi:providers:aws") && typeof inputs.region === "string") {
      this.providerRegions.set(urnOf(req), inputs.region);
    }
    const timeouts = req.getCustomtimeouts();
    const registration: Registration = {
      urn: "",
      id: "",
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      inputs,
      secretPaths: secretPathsOf(raw),
      outputs: {},
      parent: req.getParent() || undefined,
      provider: req.getProvider() || undefined,
      dependencies: req.getDependenciesList(),
      propertyDependencies: Object.fromEntries(
        [
          ...(req.getPropertydependenciesMap().entries() as Iterable<
            [string, { getUrnsList(): string[] }]
          >),
        ].map(([key, dependencies]) => [key, dependencies.getUrnsList()]),
      ),
      options: {
        protect: req.getProtect() ?? false,
        ignoreChanges: req.getIgnorechangesList(),
        retainOnDelete: req.getRetainondelete() ?? false,
        deleteBeforeReplace: req.getDeletebeforereplace(),
        replaceOnChanges: req.getReplaceonchangesList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        customTimeouts:
          timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())
            ? {
                create: timeouts.getCreate() || undefined,
                update: timeouts.getUpdate() || undefined,
                delete: timeouts.getDelete() || undefined,
              }
            : undefined,
        importId: req.getImportid() || undefined,
        version: req.getVersion() || undefined,
        pluginDownloadURL: req.getPlugindownloadurl() || undefined,
      },
    };
    this.registrations.push(registration);
    if (!directAnswers.on) {
      // The measure is off: Pulumi's own MockMonitor answers.
      return super.registerResource(req, (err: any, response: any) => {
        if (response) {
          registration.urn = response.getUrn();
          this.answered(registration);
          registration.id = response.getId() ?? "";
          registration.outputs = unwrapSecrets(rpc.deserializeProperties(response.getObject()));
        }
        callback(err, response);
      });
    }
    try {
      const result = await this.mocks.newResource({
        type: req.getType(),
        name: req.getName(),
        inputs: mockInputs,
        provider: req.getProvider(),
        custom: req.getCustom(),
        id: req.getImportid(),
      });
      const urn = engineUrn(req.getParent(), req.getType(), req.getName());
      const serializedState = await rpc.serializeProperties("", result.state);
      this.resources.set(urn, { urn, id: result.id ?? null, state: serializedState });
      const state = throughStruct(serializedState) as Record<string, unknown>;
      registration.urn = urn;
      this.answered(registration);
      registration.id = result.id || "";
      registration.outputs = unwrapSecrets(rpc.deserializeProperties(asStruct(state)));
      callback(null, registerResourceResponse(urn, result.id || "", state));
    } catch (err) {
      callback(err, undefined);
    }
  }

  private answered(registration: Registration): void {
    if (!this.registrationOf.has(registration.urn)) {
      this.registrationOf.set(registration.urn, registration);
    }
  }

  override registerResourceOutputs(req: any, callback: (err: any, response: any) => void): void {
    // By URN: a scan of every registration per component made this quadratic (0.5 s of CPU at
    // 10 regions x 50 functions, a thousand components over eight thousand resources).
    const registration = this.registrationOf.get(req.getUrn());
    if (registration && req.getOutputs()) {
      registration.outputs = unwrapSecrets(rpc.deserializeProperties(req.getOutputs()));
    }
    super.registerResourceOutputs(req, callback);
  }

  capture(): ResourceCapture {
    return new ResourceCapture(
      this.registrations.map((registration) => ({
        ...registration,
        region: registration.type.startsWith("aws:")
          ? this.regionFor(registration.inputs, registration.provider)
          : undefined,
      })),
    );
  }
}

/**
 * A converted Struct's values where the SDK expects the Struct: `deserializeProperties` reads
 * it with `toJavaScript()` only (runtime/rpc.js, 3.204 to 3.248).
 */
function asStruct(values: Record<string, unknown>): any {
  return { toJavaScript: () => values };
}

/**
 * What runtime/resource.js reads of a `RegisterResourceResponse` (`getUrn`, `getId`,
 * `getObject`, `getPropertydependenciesMap` and `getResult`, the same from 3.204 to 3.248), as
 * the SDK makes its own answer when it has no monitor. Its `toString` is short: the SDK logs
 * every answer in a template string (`log.debug(\`...resp: ${innerResponse}\`)`) even when
 * debug logging is off, and a Struct's text is the whole state.
 */
function registerResourceResponse(urn: string, id: string, state: Record<string, unknown>) {
  return {
    getUrn: () => urn,
    getId: () => id,
    getObject: () => asStruct(state),
    getPropertydependenciesMap: () => undefined,
    // resource_pb Result.SUCCESS
    getResult: () => 0,
    toString: () => `RegisterResourceResponse(${urn})`,
  };
}

/** The type of the root stack resource, which the engine leaves out of its children's URNs. */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * A resource's URN as the engine makes it: the parent's whole qualified type (its own parent
 * types included), `$`, the type, then the name (pulumi/pulumi `pkg/resource/deploy/
 * deployment.go` `generateURN`, `sdk/go/common/resource/urn/urn.go` `New`). Pulumi's
 * `MockMonitor.newUrn` keeps only the parent's last type, so two children alike under
 * different parents of one type would look like one URN there.
 */
function engineUrn(parent: string, type: string, name: string): string {
  // The qualified type is the URN's third `::` part; a name may itself hold `::`.
  const parentType = parent ? parent.split("::")[2] : "";
  const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${settings.getStack()}::${settings.getProject()}::${qualified}::${name}`;
}

/** The URN the engine (and so the capturing monitor) gives a registration or a read. */
function urnOf(req: any): string {
  return engineUrn(req.getParent(), req.getType(), req.getName());
}

/**
 * Replaces secret wrappers (`{ <sig>: <secret sig>, value }`) by their values.
 * @internal
 */
export function unwrapSecrets(value: any): any {
  if (typeof value !== "object" || value === null) {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(unwrapSecrets);
  }
  if (value[rpc.specialSigKey] === rpc.specialSecretSig) {
    return unwrapSecrets(value.value);
  }
  if (rpc.specialSigKey in value) {
    return value; // assets, archives and resource references keep their shape
  }
  // A loop, not entries/map/fromEntries: this copies every registration's inputs and outputs.
  const result: Record<string, any> = {};
  for (const key of Object.keys(value)) {
    const child = unwrapSecrets(value[key]);
    if (key === "__proto__") {
      Object.defineProperty(result, key, {
        value: child,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      result[key] = child;
    }
  }
  return result;
}

/**
 * The dotted paths of the secret values in `value` ("" for a secret at the top).
 * @internal
 */
export function secretPathsOf(value: unknown, prefix = ""): string[] {
  const paths: string[] = [];
  collectSecretPaths(value, prefix, paths);
  return paths;
}

function collectSecretPaths(value: unknown, prefix: string, paths: string[]): void {
  if (typeof value !== "object" || value === null) {
    return;
  }
  const record = value as Record<string, unknown>;
  if (record[rpc.specialSigKey] === rpc.specialSecretSig) {
    paths.push(prefix);
    return;
  }
  for (const key of Object.keys(record)) {
    const child = record[key];
    if (typeof child === "object" && child !== null) {
      collectSecretPaths(child, prefix ? `${prefix}.${key}` : key, paths);
    }
  }
}

/** Runs are serialized: Pulumi's mocks are process-wide. */
let queue: Promise<unknown> = Promise.resolve();

function exclusive<T>(run: () => Promise<T>): Promise<T> {
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

async function withMocks<T>(
  options: MockRunOptions,
  body: () => Promise<T>,
): Promise<{ result: T; resources: ResourceCapture }> {
  const project = options.project ?? "project";
  const stack = options.stack ?? "test";
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.config ?? {})) {
    config[qualify(key, project)] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const secretKeys = (options.secretKeys ?? []).map((key) => qualify(key, project));
  const defaultRegion = config["aws:region"] ?? MOCK_DEFAULT_REGION;
  const unknownOutputs = (options.preview ?? false) && (options.previewUnknowns ?? false);

  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      const region = monitor.regionFor(args.inputs, args.provider);
      const id = `${args.name}-id`;
      // A remote component (awsx's Vpc) is created by its plugin: at a first preview its
      // outputs are unknown like a custom resource's.
      const creating = unknownOutputs && (args.custom === true || args.type === "awsx:ec2:Vpc");
      const request = {
        type: args.type,
        name: args.name,
        inputs: args.inputs,
        region,
        provider: args.provider,
      };
      const emulated = args.type.startsWith("aws:")
        ? awsOutputs({ type: args.type, name: args.name, inputs: args.inputs, region, id })
        : args.type === "awsx:ec2:Vpc"
          ? awsxVpcOutputs(args.name, args.inputs)
          : { ...args.inputs };
      const state = creating ? knownAtPreview(emulated, args.inputs) : emulated;
      // An empty id is the engine's "unknown until created".
      return { id: creating ? "" : id, state: { ...state, ...(options.outputs?.(request) ?? {}) } };
    },
    call(args) {
      const custom = options.call?.(args.token, args.inputs);
      return custom ?? awsCall(args.token, args.inputs, defaultRegion);
    },
  };
  const tracking = options.applyTracking === "construction" ? constructionTracking() : undefined;
  const monitor = new CapturingMonitor(
    mocks,
    defaultRegion,
    new EngineChecks(
      options.allowResourcesInApply ?? false,
      options.externalResources,
      tracking?.createdInApply,
    ),
  );
  settings.setMockOptions(monitor, project, stack, options.preview ?? false);
  const store = state.getStore();
  Object.assign(store, {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
  });
  pulumi.runtime.setAllConfig(config, secretKeys);

  // Pulumi records a stack trace for every promise and every resource it creates (for leak
  // reports and source positions), which dominates run time under mocks. Unless asked to keep
  // them, stack traces are off while the mocks run; errors keep their messages.
  const keepStackTraces = options.stackTraces ?? process.env.MOCK_STACK_TRACES === "1";
  const stackTraceLimit = Error.stackTraceLimit;
  const resourceClass = pulumi.Resource as unknown as { callsites(): unknown[] };
  const callsites = resourceClass.callsites;
  if (!keepStackTraces) {
    Error.stackTraceLimit = 0;
    resourceClass.callsites = () => [];
  }
  const measures = applyHarnessMeasures(options.speedMeasures ?? true);
  const asyncErrors: unknown[] = [];
  // An unhandled rejection ends the wait: Pulumi's runtime logs it as the program's error
  // (cmd/run/run.js `uncaughtHandler`), which fails the update, while the resources that wait
  // on the failed one never register (their registrations would keep `settle` waiting forever).
  let failRun: (reason: unknown) => void = () => undefined;
  const unhandled = new Promise<never>((_, reject) => (failRun = reject));
  unhandled.catch(() => undefined);
  const onRejection = (reason: unknown): void => {
    asyncErrors.push(reason);
    failRun(reason);
  };
  process.on("unhandledRejection", onRejection);
  // Marks the callbacks of `apply` so that a registration can tell it was made inside one.
  const outputClass = pulumi.Output as unknown as { prototype: { apply: ApplyMethod } };
  const apply = outputClass.prototype.apply;
  outputClass.prototype.apply = function (this: unknown, func, runWithUnknowns) {
    return apply.call(
      this,
      tracking && !isAsyncFunction(func)
        ? (value: unknown) => tracking.insideCallback(() => func(value))
        : (value: unknown) => insideApply.run(true, () => func(value)),
      runWithUnknowns,
    );
  };
  tracking?.install();
  // What the engine refuses fails the run first: later errors are often its consequences.
  const engineError = (): Error | undefined => {
    const untrusted = tracking?.problem(monitor.registrations.length);
    const errors = untrusted ? [...monitor.engine.errors, untrusted] : monitor.engine.errors;
    return errors.length > 0 ? new Error(errors.join("\n")) : undefined;
  };
  try {
    let result: T;
    try {
      result = await Promise.race([body(), unhandled]);
      await Promise.race([settle(monitor), unhandled]);
    } catch (error) {
      await Promise.race([settle(monitor), unhandled]).catch(() => undefined);
      throw new MockRunError(engineError() ?? error, monitor.capture());
    }
    const refused = engineError();
    if (refused !== undefined || asyncErrors.length > 0) {
      throw new MockRunError(refused ?? asyncErrors[0], monitor.capture());
    }
    return { result, resources: monitor.capture() };
  } finally {
    measures.restore();
    tracking?.restore();
    outputClass.prototype.apply = apply;
    process.off("unhandledRejection", onRejection);
    Error.stackTraceLimit = stackTraceLimit;
    resourceClass.callsites = callsites;
  }
}

type ApplyMethod = (func: (value: unknown) => unknown, runWithUnknowns?: boolean) => unknown;

const isAsyncFunction = (func: unknown): boolean =>
  typeof func === "function" && func.constructor?.name === "AsyncFunction";

/**
 * `applyTracking: "construction"`: the SDK's Resource constructor calls runtime/resource.js
 * `registerResource(res, parent, type, name, ...)` (through the module's exports, 3.204 to
 * 3.248); while an `apply` callback runs (or inside an `async` one, by the AsyncLocalStorage),
 * the resource is recorded by the engine's URN (its ancestors' types, through the SDK's
 * `__parentResource`, then its type and name), which the registration's URN then gives back.
 */
function constructionTracking() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = require("@pulumi/pulumi/runtime/resource") as {
    registerResource: (...args: any[]) => unknown;
  };
  const original = runtime.registerResource;
  // The URNs (without the stack and project) of the resources constructed inside a callback.
  const created = new Set<string>();
  let constructed = 0;
  let depth = 0;
  /** The engine's qualified type and name (engineUrn), from the parents the SDK links. */
  const urnTail = (parent: any, type: string, name: string): string => {
    const types = [type];
    for (let p = parent; p && p.__pulumiType !== ROOT_STACK_TYPE; p = p.__parentResource) {
      types.unshift(p.__pulumiType);
    }
    return `${types.join("$")}::${name}`;
  };
  return {
    insideCallback<T>(callback: () => T): T {
      depth++;
      try {
        return callback();
      } finally {
        depth--;
      }
    },
    install(): void {
      runtime.registerResource = function (res, parent, type, name, ...rest) {
        constructed++;
        if (depth > 0 || insideApply.getStore() === true) {
          created.add(urnTail(parent, type, name));
        }
        return original.call(this, res, parent, type, name, ...rest);
      };
    },
    restore(): void {
      runtime.registerResource = original;
    },
    createdInApply(req: any): boolean {
      return created.size > 0 && created.has(urnOf(req).split("::").slice(2).join("::"));
    },
    /** Why the tracking cannot be trusted for this run: it saw registrations but no construction. */
    problem(registrations: number): string | undefined {
      return registrations > 0 && constructed === 0
        ? 'applyTracking: "construction" saw no resource constructed (the SDK\'s Resource no ' +
            "longer calls runtime/resource.js registerResource): resources created inside apply " +
            "cannot be told; switch the offline preview's measure off " +
            "(MULTIREGION_SERVERLESS_PREVIEW_OFF=apply-context)"
        : undefined;
    },
  };
}

/**
 * What a preview of a create knows of a resource's outputs: its inputs, and the unknown value
 * wherever the provider would compute one (a property the emulated outputs add, at any depth).
 * Top-level auto-names stay known (the provider fills them in `Check`, before the preview).
 */
export function knownAtPreview(
  emulated: Record<string, any>,
  inputs: Record<string, any>,
): Record<string, any> {
  const state: Record<string, any> = {};
  for (const [key, value] of Object.entries(emulated)) {
    if (key in inputs) {
      state[key] = unknownBeyond(value, inputs[key]);
    } else if (key === "name" && typeof value === "string") {
      state[key] = value;
    } else if (value !== undefined) {
      state[key] = rpc.unknownValue;
    }
  }
  return state;
}

/** The input value, with the unknown value wherever the emulated output has more. */
function unknownBeyond(output: any, input: any): any {
  if (Array.isArray(output) && Array.isArray(input)) {
    return input.map((item, index) => unknownBeyond(output[index], item));
  }
  if (isPlainRecord(output) && isPlainRecord(input)) {
    const merged: Record<string, any> = {};
    for (const [key, value] of Object.entries(output)) {
      if (key in input) {
        merged[key] = unknownBeyond(value, input[key]);
      } else if (value !== undefined) {
        merged[key] = rpc.unknownValue;
      }
    }
    return merged;
  }
  return input;
}

function isPlainRecord(value: unknown): value is Record<string, any> {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && !(rpc.specialSigKey in value);
}

/** Waits until every registration has been answered and no new one arrives. */
async function settle(monitor: CapturingMonitor): Promise<void> {
  for (let seen = -1; seen !== monitor.registrations.length;) {
    seen = monitor.registrations.length;
    await settings.waitForRPCs();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function qualify(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

/**
 * Runs a component factory under Pulumi's runtime mocks and captures every resource it
 * registers. Throws {@link MockRunError} (with the resources registered so far) when the
 * factory or a registration fails.
 *
 * @example
 * const { result, resources } = await runComponent(() => new TrafficShiftedFunction("orders", args));
 * resources.hasResourceProperties("aws:lambda/alias:Alias", { name: "live" });
 */
export function runComponent<T>(
  build: () => T | Promise<T>,
  options: MockRunOptions = {},
): Promise<MockRun<T>> {
  return exclusive(() => withMocks(options, async () => build()));
}

/**
 * Runs a Pulumi program (a module that registers resources when loaded, like `index.ts`)
 * under the mocks inside a root `pulumi:pulumi:Stack`, and returns its stack outputs with
 * every captured resource. The module is loaded afresh on every run. With `previewUnknowns`,
 * an output unknown at preview is `{ __pulumiUnknown: true }` in the result.
 */
export function runProgram(
  program: string,
  options: MockRunOptions = {},
): Promise<MockRun<Record<string, any>>> {
  const modulePath = require.resolve(path.resolve(program));
  return exclusive(async () => {
    const run = await withMocks(options, async () => {
      delete require.cache[modulePath];
      return pulumi.runtime.runInPulumiStack(async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const loaded = require(modulePath);
        return loaded && typeof loaded.default === "function" ? await loaded.default() : loaded;
      });
    });
    if (run.result !== undefined) {
      return { ...run, result: run.result as Record<string, any> };
    }
    // At preview, outputs holding an unknown make the whole set unknown; the root stack's
    // registered outputs still show each one, with `{ __pulumiUnknown: true }` where unknown.
    const stack = run.resources.ofType("pulumi:pulumi:Stack")[0];
    return { ...run, result: stack?.outputs ?? {} };
  });
}

/** Returns a run's failure; throws when the run succeeded. */
export async function expectRunFailure(run: Promise<MockRun<unknown>>): Promise<MockRunError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof MockRunError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected the run to fail, but it succeeded");
}

/** The value of an Output, for assertions (resolves only when the value is known). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}
