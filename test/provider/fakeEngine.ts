// The engine's side of a Construct, for a plugin started as the engine starts it: the gRPC
// services a provider's `construct` talks to while it builds a component. Pulumi's engine
// passes the plugin its own address at start (the Engine service: Log, GetRootResource,
// SetRootResource) and names the deployment's ResourceMonitor in every ConstructRequest
// (`monitorEndpoint`); the provider's SDK registers the component and its children there.
//
// Every service, request and response here is the one @pulumi/pulumi's generated stubs declare
// (node_modules/@pulumi/pulumi/proto/*_grpc_pb.js, from pulumi/pulumi proto/pulumi/resource.proto
// `service ResourceMonitor` and proto/pulumi/engine.proto `service Engine`). The answers follow
// the engine's resource monitor (pulumi/pulumi pkg/resource/deploy/source_eval.go, `resmon`)
// where the wire shape is fixed, and the project's in-process harness (testing/run.ts, under
// Pulumi's runtime mocks) for what a provider would compute, so that a construct through this
// engine and `new Component(...)` under the harness see the same world and can be compared.
// Pulumi's own SDK tests fake the engine the same way: a ResourceMonitor and an Engine service
// on a local grpc-js server, the SDK's process given its address (pulumi/pulumi
// sdk/nodejs/tests/runtime/langhost/run.spec.ts `createMockEngineAsync`).
import * as grpc from "@grpc/grpc-js";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { awsCall, awsOutputs, MOCK_DEFAULT_REGION } from "../../testing/awsOutputs";
import { knownAtPreview } from "../../testing/run";
import { secretPathsOf, unwrapSecrets } from "./pluginProcess";

/* eslint-disable @typescript-eslint/no-require-imports */
const resrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const enginerpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const engineproto = require("@pulumi/pulumi/proto/engine_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

type Callback = (error: grpc.ServiceError | null, response?: unknown) => void;
type Call = { request: any };

/** One RegisterResource the engine received, decoded as the harness decodes it. */
export interface EngineRegistration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** The parent URN the SDK sent ("" for none). */
  parent: string;
  /** Inputs with secrets unwrapped (their paths in `secretPaths`); unknowns kept. */
  inputs: Record<string, any>;
  /** The request's inputs as they came over the wire (sentinels and signatures kept). */
  wire: Record<string, any>;
  secretPaths: string[];
  /** `propertyDependencies`: for each input, the URNs it came from. */
  propertyDependencies: Record<string, string[]>;
  /** What RegisterResourceOutputs later recorded (components), decoded. */
  outputs?: Record<string, any>;
}

/** A Log request (engine.proto LogRequest: severity, message, urn). */
export interface EngineLog {
  severity: number;
  message: string;
  urn: string;
}

/** The type of the root stack resource, which the engine leaves out of its children's URNs. */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** Decodes a request's Struct as the harness does (testing/run.ts `CapturingMonitor`). */
function decode(struct: any): Record<string, any> {
  return unwrapSecrets(rpc.deserializeProperties(struct, true)) as Record<string, any>;
}

/**
 * A fake Pulumi engine for one project and stack: a ResourceMonitor and an Engine service on
 * two local ports. It fails a registration the engine fails (a second registration of a URN, a
 * parent it does not know) with a gRPC error, records a provider or dependency it does not know
 * in `errors`, and records every request. With `preview`, it answers as `pulumi preview` of a
 * new stack does.
 */
export class FakeEngine {
  readonly registrations: EngineRegistration[] = [];
  readonly logs: EngineLog[] = [];
  readonly invokes: string[] = [];
  /** What the engine refused or did not expect; a test asserts it stays empty. */
  readonly errors: string[] = [];
  /** Requests to services this fake does not implement (they fail with UNIMPLEMENTED). */
  readonly unimplemented: string[] = [];
  private readonly known = new Set<string>();
  private readonly providerRegions = new Map<string, string>();
  private rootResource = "";
  /**
   * Answer as a preview (`dryRun`) of a new stack: a custom resource's id is "" and the outputs
   * its provider computes are unknown. The engine runs a create step with `Preview:
   * s.deployment.opts.DryRun`, the provider's preview Create returns no id and leaves computed
   * outputs unknown, and the monitor answers `Id: string(result.State.ID)` (pulumi/pulumi
   * pkg/resource/deploy/step.go `CreateStep.Apply`, source_eval.go `RegisterResource`); which
   * outputs are computed is the harness's rule (testing/run.ts `knownAtPreview`).
   */
  preview = false;
  private constructor(
    readonly project: string,
    readonly stack: string,
    private readonly defaultRegion: string,
    private readonly monitorServer: grpc.Server,
    private readonly engineServer: grpc.Server,
    readonly monitorAddress: string,
    readonly engineAddress: string,
  ) {}

  /** The URN of the root stack resource, registered by the calling program. */
  get stackUrn(): string {
    return `urn:pulumi:${this.stack}::${this.project}::${ROOT_STACK_TYPE}::${this.project}-${this.stack}`;
  }

  /** Starts both services; `external` are URNs the calling program registered already. */
  static async start(options: {
    project: string;
    stack: string;
    defaultRegion?: string;
    external?: string[];
  }): Promise<FakeEngine> {
    const monitorServer = new grpc.Server();
    const engineServer = new grpc.Server();
    const bind = (server: grpc.Server) =>
      new Promise<string>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) =>
          error ? reject(error) : resolve(`127.0.0.1:${port}`),
        ),
      );
    const monitorAddress = await bind(monitorServer);
    const engineAddress = await bind(engineServer);
    const engine = new FakeEngine(
      options.project,
      options.stack,
      options.defaultRegion ?? MOCK_DEFAULT_REGION,
      monitorServer,
      engineServer,
      monitorAddress,
      engineAddress,
    );
    engine.known.add(engine.stackUrn);
    for (const urn of options.external ?? []) {
      engine.known.add(urn);
    }
    monitorServer.addService(resrpc.ResourceMonitorService, engine.monitorService());
    engineServer.addService(enginerpc.EngineService, engine.engineService());
    return engine;
  }

  /** Forgets what the last construct registered (the URNs stay known, as in one deployment). */
  take(): { registrations: EngineRegistration[]; logs: EngineLog[]; errors: string[] } {
    const taken = {
      registrations: this.registrations.splice(0),
      logs: this.logs.splice(0),
      errors: this.errors.splice(0),
    };
    return taken;
  }

  /** Forgets every URN registered so far, so the same component can be constructed again. */
  forgetRegistered(): void {
    this.known.clear();
    this.known.add(this.stackUrn);
  }

  /** Adds URNs the calling program registered (the origin of an input's dependencies). */
  know(...urns: string[]): void {
    for (const urn of urns) {
      this.known.add(urn);
    }
  }

  stop(): void {
    this.monitorServer.forceShutdown();
    this.engineServer.forceShutdown();
  }

  /**
   * A resource's URN as the engine makes it: the parent's qualified type (its own parent types
   * included), `$`, the type, then the name; the root stack's type is left out (pulumi/pulumi
   * `pkg/resource/deploy/deployment.go` `generateURN`, `sdk/go/common/resource/urn/urn.go` `New`).
   */
  urnOf(parent: string, type: string, name: string): string {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
  }

  private refuseUnknown(urn: string, what: string, reference: string): void {
    if (reference && !this.known.has(reference)) {
      this.errors.push(`resource ${urn}'s ${what} ${reference} refers to a missing resource`);
    }
  }

  private regionFor(inputs: Record<string, any>, provider: string): string {
    if (typeof inputs.region === "string") {
      return inputs.region;
    }
    const providerUrn = provider.split("::").slice(0, -1).join("::");
    return (providerUrn && this.providerRegions.get(providerUrn)) || this.defaultRegion;
  }

  private monitorService() {
    const unimplemented =
      (method: string) =>
      (_call: Call, callback: Callback): void => {
        this.unimplemented.push(method);
        callback({
          code: grpc.status.UNIMPLEMENTED,
          details: `the fake engine does not implement ${method}`,
        } as grpc.ServiceError);
      };
    return {
      // resource.proto SupportsFeatureRequest { id } -> SupportsFeatureResponse { hasSupport }:
      // the features the engine's `resmon.supportsFeatureID` answers true for (source_eval.go).
      supportsFeature: (call: Call, callback: Callback) => {
        const supported = [
          "secrets",
          "resourceReferences",
          "outputValues",
          "aliasSpecs",
          "replacementTrigger",
          "deletedWith",
          "replaceWith",
          "transforms",
          "invokeTransforms",
          "parameterization",
          "resourceHooks",
          "errorHooks",
          "sendsOptionsToHooks",
        ];
        const response = new resproto.SupportsFeatureResponse();
        response.setHassupport(supported.includes(call.request.getId()));
        callback(null, response);
      },
      // resource.proto RegisterResourceRequest -> RegisterResourceResponse { urn, id, object }.
      registerResource: async (call: Call, callback: Callback) => {
        const request = call.request;
        const type: string = request.getType();
        const name: string = request.getName();
        const parent: string = request.getParent();
        const urn = this.urnOf(parent, type, name);
        // The engine fails the registration (sdk/go/common/diag/errors.go
        // GetDuplicateResourceURNError; pkg/resource/deploy/step_generator.go "could not find
        // parent resource").
        const refusal = this.known.has(urn)
          ? `Duplicate resource URN '${urn}'; try giving it a unique name`
          : parent && !this.known.has(parent)
            ? `could not find parent resource ${parent}`
            : undefined;
        if (refusal) {
          this.errors.push(refusal);
          callback({ code: grpc.status.UNKNOWN, details: refusal } as grpc.ServiceError);
          return;
        }
        const provider: string = request.getProvider();
        this.refuseUnknown(urn, "provider", provider.split("::").slice(0, -1).join("::"));
        for (const dependency of request.getDependenciesList() as string[]) {
          this.refuseUnknown(urn, "dependency", dependency);
        }
        const propertyDependencies: Record<string, string[]> = {};
        for (const [key, urns] of request.getPropertydependenciesMap().entries() as Iterable<
          [string, { getUrnsList(): string[] }]
        >) {
          propertyDependencies[key] = urns.getUrnsList();
          for (const dependency of urns.getUrnsList()) {
            this.refuseUnknown(urn, `property ${key}'s dependency`, dependency);
          }
        }
        this.known.add(urn);
        const object = request.getObject();
        const wire: Record<string, any> = object ? object.toJavaScript() : {};
        const inputs = decode(object);
        const custom: boolean = request.getCustom();
        this.registrations.push({
          urn,
          type,
          name,
          custom,
          parent,
          inputs,
          wire,
          secretPaths: secretPathsOf(wire),
          propertyDependencies,
        });
        if (type.startsWith("pulumi:providers:aws") && typeof inputs.region === "string") {
          this.providerRegions.set(urn, inputs.region);
        }
        const response = new resproto.RegisterResourceResponse();
        response.setUrn(urn);
        if (custom) {
          // What the provider would compute (the harness's AWS emulation, testing/awsOutputs.ts),
          // with the id the harness gives (`<name>-id`), so the two runs see the same values.
          const id = `${name}-id`;
          const region = this.regionFor(inputs, provider);
          const emulated = type.startsWith("aws:")
            ? awsOutputs({ type, name, inputs, region, id })
            : { ...inputs };
          response.setId(this.preview ? "" : id);
          const state = this.preview ? knownAtPreview(emulated, inputs) : emulated;
          // Encoded as Pulumi's MockMonitor encodes a mock's state (runtime/mocks.ts).
          response.setObject(Struct.fromJavaScript(await rpc.serializeProperties("state", state)));
        } else {
          // A component has no provider: the engine creates it with `Outputs: nil` (only a
          // custom resource's create step calls a provider; step_generator.go, step.go
          // `CreateStep.Apply`), so the answer's object is empty.
          response.setObject(Struct.fromJavaScript({}));
        }
        callback(null, response);
      },
      // resource.proto RegisterResourceOutputsRequest { urn, outputs } -> google.protobuf.Empty.
      registerResourceOutputs: (call: Call, callback: Callback) => {
        const urn: string = call.request.getUrn();
        const registration = this.registrations.find((r) => r.urn === urn);
        if (!registration) {
          this.errors.push(`RegisterResourceOutputs for unknown resource ${urn}`);
        } else {
          registration.outputs = decode(call.request.getOutputs());
        }
        callback(null, new Empty());
      },
      // resource.proto ResourceInvokeRequest { tok, args } -> InvokeResponse { return }
      // (the stubs of @pulumi/pulumi 3.248 declare provider.proto's InvokeResponse).
      invoke: (call: Call, callback: Callback) => {
        const token: string = call.request.getTok();
        this.invokes.push(token);
        const args = decode(call.request.getArgs());
        const response = new provproto.InvokeResponse();
        response.setReturn(Struct.fromJavaScript(awsCall(token, args, this.defaultRegion)));
        callback(null, response);
      },
      readResource: unimplemented("ReadResource"),
      call: unimplemented("Call"),
      registerStackTransform: unimplemented("RegisterStackTransform"),
      registerStackInvokeTransform: unimplemented("RegisterStackInvokeTransform"),
      registerResourceHook: unimplemented("RegisterResourceHook"),
      registerErrorHook: unimplemented("RegisterErrorHook"),
      registerPackage: unimplemented("RegisterPackage"),
      signalAndWaitForShutdown: unimplemented("SignalAndWaitForShutdown"),
      getDeploymentInfo: unimplemented("GetDeploymentInfo"),
    };
  }

  private engineService() {
    return {
      // engine.proto LogRequest { severity, message, urn, streamId, ephemeral } -> Empty.
      log: (call: Call, callback: Callback) => {
        this.logs.push({
          severity: call.request.getSeverity(),
          message: call.request.getMessage(),
          urn: call.request.getUrn(),
        });
        callback(null, new Empty());
      },
      // engine.proto GetRootResourceRequest {} -> GetRootResourceResponse { urn }.
      getRootResource: (_call: Call, callback: Callback) => {
        const response = new engineproto.GetRootResourceResponse();
        response.setUrn(this.rootResource);
        callback(null, response);
      },
      // engine.proto SetRootResourceRequest { urn } -> SetRootResourceResponse {}.
      setRootResource: (call: Call, callback: Callback) => {
        this.rootResource = call.request.getUrn();
        callback(null, new engineproto.SetRootResourceResponse());
      },
      startDebugging: (_call: Call, callback: Callback) => callback(null, new Empty()),
      requirePulumiVersion: (_call: Call, callback: Callback) =>
        callback(null, new engineproto.RequirePulumiVersionResponse()),
    };
  }
}
