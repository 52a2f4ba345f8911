// A program in Python, Go, C# or YAML gets a component by asking the engine, which starts this
// package's plugin (Pulumi's Node.js plugin runner on the package root, PulumiPlugin.yaml) and
// sends it a ConstructRequest (pulumi/pulumi proto/pulumi/provider.proto): the component's type
// and name, its inputs as a protobuf Struct (unknowns, secrets and other resources' outputs in
// Pulumi's wire format, `MarshalProperties` in pkg/resource/plugin/provider_plugin.go
// `Construct`), the deployment's project, stack, config and `dryRun`, and the address of the
// ResourceMonitor where the provider registers the component's resources. These tests play the
// engine (test/provider/fakeEngine.ts) for the package root built from the sources, one plugin
// process for every component, and compare what each Construct registered with what
// `new Component(...)` registers under the in-process harness.
//
// Time: the plugin's start and each full comparison cost seconds of CPU, and `npm test` has no
// room for them all. It runs MultiRegionService (whose Construct also builds RegionalService and
// TrafficShiftedFunction, and takes a secret input), the preview, secret and refused-shape
// cases in the engine's own wire forms; CONSTRUCT_ALL=1 adds the full comparison of every other
// component and the older wire forms (the plain unknown sentinel, the plain secret).
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import {
  DeploymentAlarms,
  FeatureFlags,
  MultiRegionService,
  RegionalService,
  ServiceDashboard,
  ServiceNotifications,
  TrafficShiftedFunction,
} from "../../components";
import {
  LAMBDA_DEPLOYMENT_RESOURCE_TYPE,
  LAMBDA_DEPLOYMENT_TYPE,
} from "../../components/lambdaDeployment";
import { COMPONENTS } from "../../provider/components";
import { CapturedResource, runComponent } from "../../testing";
import { EngineRegistration, FakeEngine } from "./fakeEngine";
import { PluginProcess } from "./pluginProcess";

/* eslint-disable @typescript-eslint/no-require-imports */
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const resrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const PROJECT = "orders-py";
const STACK = "dev";
const CONFIG = { "aws:region": "us-east-1" };
const REPO = path.join(__dirname, "..", "..");
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, "schema.json"), "utf8")) as {
  resources: Record<string, { properties: Record<string, unknown> }>;
};
const token = (component: string) => `multiregion-serverless:index:${component}`;

// Wire-format markers (pulumi/pulumi sdk/go/common/resource/properties.go: SigKey, ArchiveSig,
// SecretSig, OutputValueSig; sdk/go/common/resource/plugin/rpc.go UnknownStringValue).
const SIG = "4dabf18193072939515e22adb298388d";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const CODE_PATH = "./service/orders";
/**
 * A path archive as the engine forwards it: the monitor unmarshals the caller's inputs with
 * `ComputeAssetHashes: true` (pulumi/pulumi pkg/resource/deploy/source_eval.go, RegisterResource
 * of a remote resource), so it arrives with a `hash`. The plugin reads only `path`; the value
 * here is a SHA-256 of the folder's files, not the engine's archive hash algorithm.
 */
const wireArchive = { [SIG]: ARCHIVE_SIG, path: CODE_PATH, hash: folderHash(CODE_PATH) };
/**
 * A value of another resource's output, as the engine sends it to a provider that accepts output
 * values: the monitor keeps the caller's outputs as output values and upgrades plain values,
 * unknowns and secrets to them (source_eval.go, `KeepOutputValues: true, UpgradeToOutputValues:
 * true`), and Construct marshals them with `KeepOutputValues: protocol.acceptOutputs`
 * (pkg/resource/plugin/provider_plugin.go `Construct`; sdk/go/common/resource/plugin/rpc.go
 * `unmarshalUnknownPropertyValue`, `unmarshalSecretPropertyValue`).
 */
const wireOutput = (dependencies: string[], value?: unknown, secret = false) => ({
  [SIG]: OUTPUT_VALUE_SIG,
  ...(value === undefined ? {} : { value }),
  ...(secret ? { secret: true } : {}),
  dependencies,
});
/** A secret the caller wrote (`pulumi.secret(...)`), as the engine forwards it. */
const wireSecret = (value: unknown) => wireOutput([], value, true);
/**
 * Pulumi's older secret form (`{ <sig>: <secret sig>, value }`): the engine does not send it to
 * a provider that accepts output values; kept as extra robustness of the package's unwrapping.
 */
const legacySecret = (value: unknown) => ({ [SIG]: SECRET_SIG, value });

function folderHash(folder: string): string {
  const hash = crypto.createHash("sha256");
  const absolute = path.join(REPO, folder);
  for (const file of fs.readdirSync(absolute).sort()) {
    const full = path.join(absolute, file);
    if (fs.statSync(full).isFile()) {
      hash.update(file).update(fs.readFileSync(full));
    }
  }
  return hash.digest("hex");
}

/** Resources of the calling program, which the engine knows before the Construct. */
const ROLE = `urn:pulumi:${STACK}::${PROJECT}::aws:iam/role:Role::orders-role`;
const TABLE = `urn:pulumi:${STACK}::${PROJECT}::aws:dynamodb/table:Table::orders-table`;

/** Plain JSON args as a Python or YAML program writes them (with the archive on the wire). */
const functionArgs = {
  code: wireArchive,
  memorySize: 512,
  architecture: "arm64",
  environment: { STAGE: "prod" },
  policyStatements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::orders/*"] }],
  trafficShifting: { canary: { percentage: 25, intervalMinutes: 15 }, keepVersions: 3 },
  alarms: { durationBaselineMs: 120 },
  region: "us-east-1",
};
const serviceShape = {
  functions: { orders: { code: wireArchive, trafficShifting: { type: "AllAtOnce" } } },
  routes: { "GET /orders": "orders" },
  domain: { zoneId: "Z123EXAMPLE", name: "api.example.com" },
};
const CASES: Record<string, Record<string, unknown>> = {
  TrafficShiftedFunction: functionArgs,
  DeploymentAlarms: { functionName: "orders", durationBaselineMs: 80, region: "eu-west-1" },
  RegionalService: { ...serviceShape, region: "us-east-1" },
  MultiRegionService: {
    ...serviceShape,
    topology: "active-passive",
    primaryRegion: "us-east-1",
    standbyRegions: ["us-west-2"],
    rolloutWaves: true,
    tags: wireSecret({ team: "payments" }),
  },
  FeatureFlags: {
    regions: ["us-east-1", "us-west-2"],
    environment: "prod",
    flags: [
      { name: "newOrderValidation", enabled: true },
      { name: "batchSize", enabled: true, attributes: [{ name: "maxItems", numberValue: 50 }] },
    ],
  },
  ServiceDashboard: {
    regions: [
      {
        region: "us-east-1",
        functions: [{ key: "orders", functionName: "orders-fn" }],
        apiId: "a1b2c3",
        healthCheckId: "abcdef01-2345-6789-abcd-ef0123456789",
      },
      { region: "us-west-2", functions: [{ key: "orders", functionName: "orders-fn" }] },
    ],
    alarmArns: ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-errors"],
  },
  ServiceNotifications: {
    regions: ["us-east-1", "us-west-2"],
    emails: ["oncall@example.com"],
    tags: { team: "payments" },
  },
};

const CONSTRUCTORS: Record<string, new (name: string, args: any) => pulumi.ComponentResource> = {
  TrafficShiftedFunction,
  DeploymentAlarms,
  RegionalService,
  MultiRegionService,
  FeatureFlags,
  ServiceDashboard,
  ServiceNotifications,
};

/** The components `npm test` compares in full; CONSTRUCT_ALL=1 compares every component. */
const ALWAYS_COMPARED = ["MultiRegionService"];
const compareAll = process.env.CONSTRUCT_ALL === "1";

/** The same args for `new`: the archive and secrets as a TypeScript program writes them. */
function typeScriptArgs(args: unknown): any {
  if (Array.isArray(args)) {
    return args.map(typeScriptArgs);
  }
  if (typeof args === "object" && args !== null) {
    const wire = args as Record<string, unknown>;
    if (wire[SIG] === ARCHIVE_SIG) {
      return new pulumi.asset.FileArchive(CODE_PATH);
    }
    if (wire[SIG] === OUTPUT_VALUE_SIG && wire.secret === true) {
      return pulumi.secret(typeScriptArgs(wire.value));
    }
    return Object.fromEntries(
      Object.entries(args).map(([key, value]) => [key, typeScriptArgs(value)]),
    );
  }
  return args;
}

/** A registration as a preview lists it: type, name, parent and inputs. */
interface Listed {
  type: string;
  name: string;
  parent: string;
  inputs: Record<string, any>;
  secretPaths: string[];
}

/**
 * A deployment is the dynamic resource from `new` (its serialized provider in `__provider`) and
 * the package's LambdaDeployment from the plugin, with the same inputs otherwise.
 */
function listed(resource: CapturedResource | EngineRegistration, stackUrn: string): Listed {
  const deployment =
    resource.type === LAMBDA_DEPLOYMENT_TYPE || resource.type === LAMBDA_DEPLOYMENT_RESOURCE_TYPE;
  const { __provider: _serialized, ...inputs } = resource.inputs;
  void _serialized;
  return {
    type: deployment ? "LambdaDeployment" : resource.type,
    name: resource.name,
    // `new` in a test has no stack; the engine parents the component to the caller's stack.
    parent: resource.parent || stackUrn,
    inputs: withoutUnknowns(deployment ? inputs : resource.inputs),
    secretPaths: resource.secretPaths,
  };
}

/**
 * Inputs without their unknown values: the harness drops them when it decodes a registration,
 * the fake engine keeps the sentinel (`fn.wire` shows it).
 */
function withoutUnknowns(value: any): any {
  if (value === UNKNOWN) {
    return undefined;
  }
  if (Array.isArray(value)) {
    return value.map(withoutUnknowns);
  }
  if (typeof value !== "object" || value === null) {
    return value;
  }
  const kept: Record<string, any> = {};
  for (const [key, child] of Object.entries(value)) {
    const known = withoutUnknowns(child);
    if (known !== undefined) {
      kept[key] = known;
    }
  }
  return kept;
}

/** Registrations in a stable order: the engine gets them concurrently, in no fixed order. */
function inOrder(resources: Listed[]): Listed[] {
  const key = (resource: Listed) => `${resource.parent} ${resource.type} ${resource.name}`;
  return [...resources].sort((a, b) => key(a).localeCompare(key(b)));
}

/**
 * A component property as the ConstructResponse state should carry it: its value once known
 * (the unknown sentinel while it is not, at preview), wrapped as a secret when it is one.
 */
async function onTheWire(value: unknown): Promise<unknown> {
  const output = pulumi.output(value) as unknown as {
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
    apply(f: (v: unknown) => void): void;
  };
  const plain = (await output.isKnown)
    ? await new Promise((resolve) => output.apply(resolve))
    : UNKNOWN;
  return (await output.isSecret) ? { [SIG]: SECRET_SIG, value: plain } : plain;
}

/**
 * The URNs of the resources a component property comes from: what the SDK's provider server
 * sends as the property's stateDependencies (`serializeResourceProperties` collects each
 * Output's `allResources`; @pulumi/pulumi provider/server.js `construct`, runtime/rpc.js).
 */
async function dependenciesOf(value: unknown): Promise<string[]> {
  const output = pulumi.output(value) as unknown as {
    allResources?: () => Promise<Set<pulumi.Resource>>;
  };
  const resources = output.allResources ? await output.allResources() : new Set<pulumi.Resource>();
  const urns = await Promise.all(
    [...resources].map((resource) =>
      (resource.urn as unknown as { promise(): Promise<string> }).promise(),
    ),
  );
  return [...new Set(urns)].sort();
}

/** A decoded ConstructResponse state, an unknown output value shown as the unknown sentinel. */
function sentinelForUnknowns(value: any): any {
  if (pulumi.Output.isInstance(value) || (value && value.__pulumiUnknown === true)) {
    return UNKNOWN;
  }
  if (Array.isArray(value)) {
    return value.map(sentinelForUnknowns);
  }
  if (typeof value !== "object" || value === null) {
    return value;
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, sentinelForUnknowns(child)]),
  );
}

/** What a Construct asks, as pkg/resource/plugin/provider_plugin.go `Construct` fills it. */
interface ConstructCall {
  component: string;
  inputs: Record<string, unknown>;
  /** `inputDependencies`: for each input, the URNs of the resources it came from. */
  dependencies?: Record<string, string[]>;
  dryRun?: boolean;
}

/** The ConstructResponse (urn, state, stateDependencies), its state decoded. */
interface Constructed {
  urn: string;
  state: Record<string, any>;
  stateDependencies: Record<string, string[]>;
}

describe("components constructed over gRPC, as the engine asks the package's plugin", function () {
  // Building the package root (shared with plugin.test.ts) and starting the plugin take seconds.
  this.timeout(120_000);
  let engine: FakeEngine;
  let plugin: PluginProcess;

  before(async () => {
    const started = Date.now();
    engine = await FakeEngine.start({ project: PROJECT, stack: STACK, external: [ROLE, TABLE] });
    plugin = await PluginProcess.start({ engineAddress: engine.engineAddress });
    // The engine configures the package's provider before any Construct, with the provider
    // package's own config only (`<package>:config:<key>` variables and the same keys in `args`;
    // the package has none), the provider's type and name, and the flags of what the engine can
    // do (pulumi/pulumi pkg/resource/plugin/provider_plugin.go `Configure`). What the provider
    // accepts decides how the engine marshals the inputs (provider.proto ConfigureResponse).
    const configure = new provproto.ConfigureRequest();
    configure.setArgs(Struct.fromJavaScript({}));
    configure.setAcceptsecrets(true);
    configure.setAcceptresources(true);
    configure.setSendsOldInputs(true);
    configure.setSendsOldInputsToDelete(true);
    configure.setType("pulumi:providers:multiregion-serverless");
    configure.setName("default");
    configure.setUrn(
      `urn:pulumi:${STACK}::${PROJECT}::pulumi:providers:multiregion-serverless::default`,
    );
    const configured = await plugin.call("configure", configure);
    expect(configured.getAcceptsecrets(), "secrets stay secrets").to.equal(true);
    expect(configured.getAcceptoutputs(), "inputs may be output values").to.equal(true);
    if (process.env.CONSTRUCT_TIMING === "1") {
      console.log(`      plugin ready in ${Date.now() - started} ms`);
    }
  });

  after(() => {
    plugin?.stop();
    engine?.stop();
  });

  beforeEach(() => {
    // Each test is its own deployment of the component named "orders".
    engine.take();
    engine.forgetRegistered();
    engine.know(ROLE, TABLE);
    engine.preview = false;
  });

  async function construct(call: ConstructCall): Promise<Constructed> {
    const request = new provproto.ConstructRequest();
    request.setProject(PROJECT);
    request.setStack(STACK);
    request.setOrganization("organization");
    for (const [key, value] of Object.entries(CONFIG)) {
      request.getConfigMap().set(key, value);
    }
    request.setDryrun(call.dryRun ?? false);
    engine.preview = call.dryRun ?? false;
    request.setParallel(16);
    request.setMonitorendpoint(engine.monitorAddress);
    request.setType(token(call.component));
    request.setName("orders");
    request.setParent(engine.stackUrn);
    request.setInputs(Struct.fromJavaScript(call.inputs));
    for (const [key, urns] of Object.entries(call.dependencies ?? {})) {
      const dependencies = new provproto.ConstructRequest.PropertyDependencies();
      dependencies.setUrnsList(urns);
      request.getInputdependenciesMap().set(key, dependencies);
    }
    request.setAcceptsOutputValues(true);
    const response = await plugin.call("construct", request);
    const stateDependencies: Record<string, string[]> = {};
    for (const [key, urns] of response.getStatedependenciesMap().entries() as Iterable<
      [string, { getUrnsList(): string[] }]
    >) {
      stateDependencies[key] = urns.getUrnsList();
    }
    return {
      urn: response.getUrn(),
      state: sentinelForUnknowns(rpc.deserializeProperties(response.getState(), true)),
      stateDependencies,
    };
  }

  /** The schema outputs of a TypeScript component, as the ConstructResponse should carry them. */
  async function expectedState(component: string, result: unknown) {
    const properties = result as Record<string, unknown>;
    const outputs: Record<string, unknown> = {};
    for (const key of Object.keys(SCHEMA.resources[token(component)].properties)) {
      if (properties[key] !== undefined) {
        const value = await onTheWire(properties[key]);
        if (value !== undefined) {
          outputs[key] = value;
        }
      }
    }
    return outputs;
  }

  it("the fake engine answers a component with no outputs and fails a duplicate URN and an unknown parent, as the engine does", async () => {
    const monitor = new resrpc.ResourceMonitorClient(
      engine.monitorAddress,
      grpc.credentials.createInsecure(),
    );
    const register = (name: string, parent: string) => {
      const request = new resproto.RegisterResourceRequest();
      request.setType(token("RegionalService"));
      request.setName(name);
      request.setParent(parent);
      request.setCustom(false);
      request.setObject(Struct.fromJavaScript({ region: "us-east-1" }));
      return new Promise<any>((resolve, reject) =>
        monitor.registerResource(request, (error: grpc.ServiceError | null, response: any) =>
          error ? reject(error) : resolve(response),
        ),
      );
    };
    try {
      const registered = await register("orders", engine.stackUrn);
      expect(registered.getObject().toJavaScript(), "a component gets no outputs").to.deep.equal(
        {},
      );
      const duplicate = await register("orders", engine.stackUrn).catch((error) => error);
      expect(duplicate.details).to.include("Duplicate resource URN");
      const orphan = await register("lost", `${engine.stackUrn}-gone`).catch((error) => error);
      expect(orphan.details).to.include("could not find parent resource");
    } finally {
      monitor.close();
      engine.take();
    }
  });

  it("every component the package offers has a case here", () => {
    expect(Object.keys(CASES).sort()).to.deep.equal(COMPONENTS.map((c) => c.name).sort());
  });

  for (const [component, args] of Object.entries(CASES)) {
    const title = `${component}: Construct registers through the monitor what new ${component}(...) registers, and returns its URN, outputs (secret where they are) and their dependencies`;
    if (!compareAll && !ALWAYS_COMPARED.includes(component)) {
      it.skip(`${title} (CONSTRUCT_ALL=1)`);
      continue;
    }
    it(title, async () => {
      // The plugin is another process: both runs go at once.
      const [expected, constructed] = await Promise.all([
        runComponent(() => new CONSTRUCTORS[component]("orders", typeScriptArgs(args)), {
          project: PROJECT,
          stack: STACK,
          config: CONFIG,
        }),
        construct({ component, inputs: args, dependencies: { tags: [] } }),
      ]);
      const { registrations, errors } = engine.take();
      expect(errors, "the engine refused nothing").to.deep.equal([]);
      expect(inOrder(registrations.map((r) => listed(r, engine.stackUrn)))).to.deep.equal(
        inOrder(expected.resources.all.map((r) => listed(r, engine.stackUrn))),
      );
      expect(registrations.length).to.be.greaterThan(1);
      // Every deployment is the package's own resource, which its plugin serves, never a
      // dynamic one (whose provider would run in the caller's directory, pulumi/pulumi#5455).
      const types = registrations.map((r) => r.type);
      expect(types).to.not.include(LAMBDA_DEPLOYMENT_TYPE);
      expect(types.filter((type) => type === LAMBDA_DEPLOYMENT_RESOURCE_TYPE)).to.have.length(
        expected.resources.ofType(LAMBDA_DEPLOYMENT_TYPE).length,
      );

      // The component itself: registered first, under the caller's stack, and its URN is the
      // one the ConstructResponse hands back to the engine.
      const [registered] = registrations;
      expect(registered).to.include({ type: token(component), parent: engine.stackUrn });
      expect(constructed.urn).to.equal(
        `urn:pulumi:${STACK}::${PROJECT}::${token(component)}::orders`,
      );
      expect(constructed.urn).to.equal(registered.urn);
      // Its outputs: the schema's, with the values (and secrecy) of the TypeScript component's.
      const outputs = await expectedState(component, expected.result);
      expect(Object.keys(outputs)).to.not.have.length(0);
      expect(constructed.state).to.deep.equal(outputs);
      // The engine orders the caller's dependents by stateDependencies: each output names the
      // children it comes from, as the TypeScript component's property does.
      const properties = expected.result as unknown as Record<string, unknown>;
      const dependencies: Record<string, string[]> = {};
      for (const key of Object.keys(outputs)) {
        // The harness's deployments are the dynamic resource, the plugin's its own type.
        dependencies[key] = (await dependenciesOf(properties[key]))
          .map((urn) => urn.split(LAMBDA_DEPLOYMENT_TYPE).join(LAMBDA_DEPLOYMENT_RESOURCE_TYPE))
          .sort();
      }
      const sorted = Object.fromEntries(
        Object.entries(constructed.stateDependencies).map(([key, urns]) => [key, [...urns].sort()]),
      );
      expect(sorted).to.deep.equal(dependencies);
      expect(Object.values(sorted).flat(), "some outputs come from children").to.not.have.length(0);
      expect(engine.unimplemented).to.deep.equal([]);
    });
  }

  // The TypeScript preview both forms are compared with (a known role: `new` takes no unknown).
  let previewed: ReturnType<typeof runComponent<TrafficShiftedFunction>> | undefined;
  for (const [form, role] of [
    ["an output value with no value, as the engine sends it", wireOutput([ROLE])],
    ["the plain unknown sentinel, which the engine upgrades; extra robustness", UNKNOWN],
  ] as const) {
    // The engine's own form runs in `npm test`; the older one with CONSTRUCT_ALL=1.
    const at = compareAll || role !== UNKNOWN ? it : it.skip;
    at(
      `at preview, an input another resource has not computed yet (${form}) stays unknown and keeps its dependency, and so do the outputs the children compute`,
      async () => {
        const { policyStatements: _ignored, ...args } = functionArgs;
        void _ignored;
        const [expected, constructed] = await Promise.all([
          (previewed ??= runComponent(
            () =>
              new TrafficShiftedFunction("orders", {
                ...typeScriptArgs(args),
                role: "arn:aws:iam::123456789012:role/orders",
              }),
            {
              project: PROJECT,
              stack: STACK,
              config: CONFIG,
              preview: true,
              previewUnknowns: true,
            },
          )),
          construct({
            component: "TrafficShiftedFunction",
            inputs: { ...args, role },
            dependencies: { role: [ROLE] },
            dryRun: true,
          }),
        ]);
        const { registrations, errors } = engine.take();
        expect(errors).to.deep.equal([]);
        // The same resources with the same inputs, but the function's role, which the TypeScript
        // run knows and the Construct does not.
        const withoutRole = (resource: Listed) =>
          resource.type === "aws:lambda/function:Function"
            ? { ...resource, inputs: { ...resource.inputs, role: undefined } }
            : resource;
        expect(
          inOrder(registrations.map((r) => withoutRole(listed(r, engine.stackUrn)))),
        ).to.deep.equal(
          inOrder(expected.resources.all.map((r) => withoutRole(listed(r, engine.stackUrn)))),
        );
        const fn = registrations.find((r) => r.type === "aws:lambda/function:Function")!;
        // The function's role goes to the engine as the unknown value, and waits for the role.
        expect(fn.wire.role).to.equal(UNKNOWN);
        expect(fn.propertyDependencies.role).to.include(ROLE);
        expect(constructed.urn).to.equal(registrations[0].urn);
        // The response state: unknown where the TypeScript component's output is unknown at
        // preview (the function's ARN, the alias ARN...), known where it is known.
        const state = await expectedState("TrafficShiftedFunction", expected.result);
        expect(constructed.state).to.deep.equal(state);
        expect(Object.values(state), "some outputs are unknown at preview").to.include(UNKNOWN);
        expect(constructed.state.functionArn).to.equal(UNKNOWN);
      },
    );
  }

  for (const [form, secret] of [
    ["an output value marked secret, as the engine sends it", wireSecret],
    ["Pulumi's older secret form; extra robustness", legacySecret],
  ] as const) {
    const at = compareAll || secret === wireSecret ? it : it.skip;
    at(
      `a secret input (${form}) stays secret on every child that receives it, and an output of the caller's table brings its dependency`,
      async () => {
        const tableName = wireOutput([TABLE], "orders-table-1a2b3c");
        const tableArn = wireOutput(
          [TABLE],
          "arn:aws:dynamodb:us-east-1:123456789012:table/orders-table-1a2b3c",
        );
        await construct({
          component: "RegionalService",
          inputs: {
            ...serviceShape,
            region: "us-east-1",
            tags: secret({ team: "payments" }),
            table: { name: tableName, arn: tableArn },
          },
          dependencies: { tags: [], table: [TABLE] },
        });
        const { registrations, errors } = engine.take();
        expect(errors).to.deep.equal([]);
        const fn = registrations.find((r) => r.type === "aws:lambda/function:Function")!;
        expect(fn.inputs.environment.variables.TABLE_NAME).to.equal("orders-table-1a2b3c");
        expect(fn.propertyDependencies.environment).to.include(TABLE);
        expect(fn.secretPaths).to.include("tags");
        const check = registrations.find((r) => r.type === "aws:route53/healthCheck:HealthCheck")!;
        expect(check.inputs.tags).to.deep.equal({ Name: "orders-health-check", team: "payments" });
        expect(check.secretPaths).to.include("tags");
      },
    );
  }

  it("refuses input of the wrong shape with the component's own error, before anything registers", async () => {
    let failure: grpc.ServiceError | undefined;
    await construct({
      component: "TrafficShiftedFunction",
      inputs: {
        code: wireArchive,
        trafficShifting: { mode: "weighted", canary: { percentage: 25, intervalMinutes: 15 } },
      },
    }).catch((error: grpc.ServiceError) => (failure = error));
    expect(failure, "the Construct fails").to.not.equal(undefined);
    expect(failure!.details).to.include("[trafficShifting.canary]");
    expect(failure!.details).to.include('applies to trafficShifting.mode "codedeploy" only');
    expect(engine.take().registrations).to.deep.equal([]);
  });
});
