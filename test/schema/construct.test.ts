// Programs in other languages do not call `new`: the engine sends the component's type token and
// its inputs as plain values (assets and unknowns in Pulumi's wire format) to the package's
// provider, whose `construct` builds the component. These tests go through that path, from the
// wire format (deserialized by @pulumi/pulumi's own provider server code) to `construct`, and
// check that the same resources come out as from the TypeScript constructor, except that the
// deployments are the package's own LambdaDeployment resource rather than dynamic ones.
import { expect } from "chai";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  DeploymentAlarms,
  MultiRegionService,
  RegionalService,
  TrafficShiftedFunction,
} from "../../components";
import {
  LAMBDA_DEPLOYMENT_RESOURCE_TYPE,
  LAMBDA_DEPLOYMENT_TYPE,
} from "../../components/lambdaDeployment";
import { CapturedResource, runComponent } from "../../testing";
import { sharedProvider } from "./inferred";

// Wire-format markers (@pulumi/pulumi runtime/rpc: specialSigKey, specialArchiveSig,
// specialOutputValueSig); an output value without `value` is unknown (a preview).
const SIG = "4dabf18193072939515e22adb298388d";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const CODE_PATH = "./service/orders";
const wireArchive = { [SIG]: ARCHIVE_SIG, path: CODE_PATH };
const wireUnknown = { [SIG]: OUTPUT_VALUE_SIG };
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const wireSecret = (value: unknown) => ({ [SIG]: SECRET_SIG, value });
/** An output of another resource as an SDK sends it (an output value with its dependencies). */
const wireOutput = (value: unknown, dependencies: string[], secret = false) => ({
  [SIG]: OUTPUT_VALUE_SIG,
  value,
  secret,
  dependencies,
});
const BUCKET = "urn:pulumi:test::project::aws:s3/bucket:Bucket::assets";
const STACK_REFERENCE = "urn:pulumi:test::project::pulumi:pulumi:StackReference::network";

/**
 * The inputs as the provider server hands them to `construct` (its own deserializer), with the
 * engine's `inputDependencies`: the URNs each top-level input came from.
 */
async function fromWire(
  inputs: Record<string, unknown>,
  dependencies: Record<string, string[]> = {},
): Promise<pulumi.Inputs> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { deserializeInputs } = require("@pulumi/pulumi/provider/server");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ConstructRequest } = require("@pulumi/pulumi/proto/provider_pb");
  const map = new Map();
  for (const [key, urns] of Object.entries(dependencies)) {
    const dependency = new ConstructRequest.PropertyDependencies();
    dependency.setUrnsList(urns);
    map.set(key, dependency);
  }
  return deserializeInputs(Struct.fromJavaScript(inputs), map);
}

/**
 * What a run registered, in order, without URNs and ids (the same either way). A deployment is
 * a dynamic resource from `new` (its serialized provider in `__provider`) and the package's
 * LambdaDeployment from `construct`: the same inputs otherwise.
 */
function registered(resources: readonly CapturedResource[]) {
  return resources.map(({ type, name, inputs }) => {
    if (type === LAMBDA_DEPLOYMENT_TYPE || type === LAMBDA_DEPLOYMENT_RESOURCE_TYPE) {
      const { __provider: _serialized, ...rest } = inputs;
      void _serialized;
      return { type: "LambdaDeployment", name, inputs: rest };
    }
    return { type, name, inputs };
  });
}

const token = (component: string) => `multiregion-serverless:index:${component}`;

/** Plain JSON args, as a Python or YAML program would write them (with the wire archive). */
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
const cases: [string, Record<string, unknown>][] = [
  ["TrafficShiftedFunction", functionArgs],
  ["DeploymentAlarms", { functionName: "orders", durationBaselineMs: 80, region: "eu-west-1" }],
  ["RegionalService", { ...serviceShape, region: "us-east-1" }],
  [
    "MultiRegionService",
    {
      ...serviceShape,
      topology: "active-passive",
      primaryRegion: "us-east-1",
      standbyRegions: ["us-west-2"],
      rolloutWaves: true,
    },
  ],
];

/** The same args for `new`: the archive as the TypeScript program would write it. */
function typeScriptArgs(args: unknown): any {
  if (Array.isArray(args)) {
    return args.map(typeScriptArgs);
  }
  if (typeof args === "object" && args !== null) {
    if ((args as Record<string, unknown>)[SIG] === ARCHIVE_SIG) {
      return new pulumi.asset.FileArchive(CODE_PATH);
    }
    return Object.fromEntries(
      Object.entries(args).map(([key, value]) => [key, typeScriptArgs(value)]),
    );
  }
  return args;
}

/** An output each component hands back to the engine in its state. */
const STATE_KEY: Record<string, string> = {
  TrafficShiftedFunction: "aliasArn",
  DeploymentAlarms: "alarmNames",
  RegionalService: "healthCheckId",
  MultiRegionService: "healthCheckIds",
};

const CONSTRUCTORS: Record<string, new (name: string, args: any) => pulumi.ComponentResource> = {
  TrafficShiftedFunction,
  DeploymentAlarms,
  RegionalService,
  MultiRegionService,
};

describe("components constructed through the package's provider", function () {
  this.timeout(60_000);

  for (const [component, args] of cases) {
    it(`${component}: construct with schema-shaped JSON registers what new ${component}(...) registers`, async () => {
      const expected = await runComponent(
        () => new CONSTRUCTORS[component]("orders", typeScriptArgs(args)),
      );
      const inputs = await fromWire(args);
      const constructed = await runComponent(() =>
        sharedProvider().construct("orders", token(component), inputs, {}),
      );
      expect(registered(constructed.resources.all)).to.deep.equal(
        registered(expected.resources.all),
      );
      expect(constructed.resources.all.length).to.be.greaterThan(1);
      // Every deployment is the package's resource, served by its plugin (no dynamic provider).
      if (component !== "DeploymentAlarms") {
        expect(constructed.resources.ofType(LAMBDA_DEPLOYMENT_RESOURCE_TYPE)).to.have.length(
          expected.resources.ofType(LAMBDA_DEPLOYMENT_TYPE).length,
        );
        expect(constructed.resources.ofType(LAMBDA_DEPLOYMENT_RESOURCE_TYPE)).to.not.have.length(0);
      }
      expect(constructed.resources.ofType(LAMBDA_DEPLOYMENT_TYPE)).to.deep.equal([]);
      // The state handed back to the engine holds the schema's outputs.
      const state = constructed.result.state as Record<string, unknown>;
      expect(Object.keys(state)).to.include(STATE_KEY[component]);
    });
  }

  it("constructs at preview with an input the other program does not know yet", async () => {
    const role = "arn:aws:iam::123456789012:role/orders";
    const expected = await runComponent(
      () =>
        new TrafficShiftedFunction("orders", {
          ...typeScriptArgs(functionArgs),
          policyStatements: undefined,
          role,
        }),
      { preview: true },
    );
    const { policyStatements: _ignored, ...rest } = functionArgs;
    void _ignored;
    const inputs = await fromWire({ ...rest, role: wireUnknown });
    const constructed = await runComponent(
      () => sharedProvider().construct("orders", token("TrafficShiftedFunction"), inputs, {}),
      { preview: true },
    );
    const names = (resources: readonly CapturedResource[]) =>
      registered(resources).map((r) => `${r.type} ${r.name}`);
    expect(names(constructed.resources.all)).to.deep.equal(names(expected.resources.all));
    const fn = constructed.resources.all.find((r) => r.type === "aws:lambda/function:Function")!;
    expect(fn.inputs.role, "the role is not known at preview").to.not.equal(role);
  });

  it("refuses schema-shaped input of the wrong shape with the same error as new", async () => {
    const inputs = await fromWire({
      code: wireArchive,
      trafficShifting: { mode: "weighted", canary: { percentage: 25, intervalMinutes: 15 } },
    });
    let message = "";
    await runComponent(() =>
      sharedProvider().construct("orders", token("TrafficShiftedFunction"), inputs, {}),
    ).catch((error: Error) => (message = error.message));
    expect(message).to.include("[trafficShifting.canary]");
    expect(message).to.include('applies to trafficShifting.mode "codedeploy" only');
  });
});

describe("inputs as the engine sends them: secrets, dependencies, resource references", function () {
  this.timeout(60_000);
  const construct = (component: string, inputs: pulumi.Inputs) =>
    sharedProvider().construct("orders", token(component), inputs, {});
  const lambda = (resources: { ofType(type: string): CapturedResource[] }) =>
    resources.ofType("aws:lambda/function:Function")[0];

  it("a secret environment map (one Output) reaches the function, still secret, beside LOG_LEVEL", async () => {
    const inputs = await fromWire(
      {
        code: wireArchive,
        environment: wireSecret({ DB_PASSWORD: "hunter2" }),
        region: "us-east-1",
      },
      { environment: [BUCKET] },
    );
    expect(pulumi.Output.isInstance(inputs.environment), "one Output").to.equal(true);
    // The bucket is the caller program's: the engine knows it, this run never registered it.
    const { resources } = await runComponent(() => construct("TrafficShiftedFunction", inputs), {
      externalResources: [BUCKET],
    });
    const fn = lambda(resources);
    expect(fn.inputs.environment.variables).to.deep.equal({
      DB_PASSWORD: "hunter2",
      LOG_LEVEL: "INFO",
    });
    expect(fn.secretPaths).to.include("environment.variables");
    // The engine's inputDependencies: the function waits for what the environment came from.
    expect(fn.dependencies).to.include(BUCKET);
  });

  it("secret tags (one Output) tag every taggable resource, still secret", async () => {
    const inputs = await fromWire({
      code: wireArchive,
      tags: wireSecret({ team: "payments" }),
      region: "us-east-1",
    });
    const { resources } = await runComponent(() => construct("TrafficShiftedFunction", inputs));
    const fn = lambda(resources);
    expect(fn.inputs.tags).to.deep.equal({ team: "payments" });
    expect(fn.secretPaths).to.include("tags");
    const group = resources.ofType("aws:cloudwatch/logGroup:LogGroup")[0];
    expect(group.inputs.tags).to.deep.equal({ team: "payments" });
  });

  it("RegionalService: deployAfter as one output of another region, secret tags on its health checks, a table as a resource reference", async () => {
    const earlier =
      "urn:pulumi:test::project::multiregion-serverless:index:LambdaDeployment::first";
    const { resources } = await runComponent(
      async () => {
        // The table the program created; the engine sends a reference to it.
        const table = new aws.dynamodb.Table("orders-table", {
          hashKey: "id",
          attributes: [{ name: "id", type: "S" }],
          region: "us-east-1",
        });
        const tableUrn = await new Promise<string>((resolve) => table.urn.apply(resolve));
        const inputs = await fromWire(
          {
            ...serviceShape,
            region: "us-east-1",
            deployAfter: wireOutput(["d-FIRST"], [earlier]),
            tags: wireSecret({ team: "payments" }),
            table: { [SIG]: RESOURCE_SIG, urn: tableUrn, id: "orders-table", packageVersion: "" },
          },
          { table: [tableUrn] },
        );
        expect(aws.dynamodb.Table.isInstance(inputs.table)).to.equal(true);
        return construct("RegionalService", inputs);
      },
      { externalResources: [earlier] },
    );
    const [deployment] = resources.ofType(LAMBDA_DEPLOYMENT_RESOURCE_TYPE);
    expect(deployment.dependencies).to.include(earlier);
    const check = resources.ofType("aws:route53/healthCheck:HealthCheck")[0];
    expect(check.inputs.tags).to.deep.equal({ Name: "orders-health-check", team: "payments" });
    expect(check.secretPaths).to.include("tags");
    expect(lambda(resources).inputs.environment.variables.TABLE_NAME).to.match(/^orders-table/);
  });

  const structural: [string, string, Record<string, unknown>, Record<string, string[]>][] = [
    [
      "MultiRegionService",
      "standbyRegions",
      {
        ...serviceShape,
        topology: "active-passive",
        primaryRegion: "us-east-1",
        // A stack reference's output: an output value with the reference as its dependency.
        standbyRegions: wireOutput(["us-west-2"], [STACK_REFERENCE]),
      },
      {},
    ],
    [
      "MultiRegionService",
      "topology",
      {
        ...serviceShape,
        topology: wireSecret("active-passive"),
        primaryRegion: "us-east-1",
        standbyRegions: ["us-west-2"],
      },
      {},
    ],
    [
      "RegionalService",
      "functions",
      { ...serviceShape, functions: wireSecret(serviceShape.functions), region: "us-east-1" },
      {},
    ],
    [
      "TrafficShiftedFunction",
      "trafficShifting",
      // One secret field makes the whole object one secret Output.
      {
        code: wireArchive,
        trafficShifting: { type: "AllAtOnce", retryToken: wireSecret("2027-01-01") },
      },
      {},
    ],
    [
      "TrafficShiftedFunction",
      "memorySize",
      { code: wireArchive, memorySize: 512 },
      { memorySize: [STACK_REFERENCE] },
    ],
  ];
  for (const [component, key, args, dependencies] of structural) {
    it(`${component}: [${key}] sent as one Output is refused, named, before anything registers`, async () => {
      const inputs = await fromWire(args, dependencies);
      expect(pulumi.Output.isInstance(inputs[key]), "it arrives as one Output").to.equal(true);
      let message = "";
      const run = await runComponent(() => construct(component, inputs)).catch(
        (error: Error & { resources?: { all: unknown[] } }) => {
          message = error.message;
          return error;
        },
      );
      expect(message).to.include(
        `[${key}] must be known when the component is constructed, not an Output`,
      );
      expect(message).not.to.include("__pulumiOutput");
      expect(message).not.to.include("toJSON");
      expect((run as { resources?: { all: unknown[] } }).resources?.all ?? []).to.have.length(0);
    });
  }
});

describe("components in a TypeScript program after the plugin constructed some", () => {
  it("still register the dynamic LambdaDeployment (stacks recorded that type)", async () => {
    await runComponent(() =>
      sharedProvider().construct(
        "first",
        token("TrafficShiftedFunction"),
        { code: new pulumi.asset.FileArchive(CODE_PATH) },
        {},
      ),
    );
    const { resources } = await runComponent(
      () => new TrafficShiftedFunction("orders", { code: new pulumi.asset.FileArchive(CODE_PATH) }),
    );
    expect(resources.ofType(LAMBDA_DEPLOYMENT_TYPE)).to.have.length(1);
    expect(resources.ofType(LAMBDA_DEPLOYMENT_RESOURCE_TYPE)).to.have.length(0);
    expect(resources.ofType(LAMBDA_DEPLOYMENT_TYPE)[0].inputs).to.have.property("__provider");
  });
});

describe("nested arguments another language sends as Outputs, through construct", function () {
  this.timeout(60_000);
  const construct = (component: string, inputs: pulumi.Inputs) =>
    sharedProvider().construct("orders", token(component), inputs, {});
  async function refused(component: string, inputs: pulumi.Inputs, preview = false) {
    let message = "";
    const run = await runComponent(() => construct(component, inputs), {
      preview,
      externalResources: [BUCKET],
    }).catch((error: Error & { resources?: { all: unknown[] } }) => {
      message = error.message;
      return error;
    });
    return { message, registered: (run as { resources?: { all: unknown[] } }).resources?.all };
  }
  const later = "must be known when the component is constructed, not an Output";
  const READS_IT =
    "the component reads it then, to check it and to decide what to create. It arrives as one " +
    "Output when it is a secret or another resource's or stack's output; pass a plain value";

  it("RegionalService: one function sent as a secret output value is one problem, [functions.orders]", async () => {
    const inputs = await fromWire({
      ...serviceShape,
      region: "us-east-1",
      functions: {
        orders: wireOutput({ code: wireArchive, trafficShifting: { type: "AllAtOnce" } }, [], true),
      },
    });
    // An output value stays where it was sent: the map is plain, its one value an Output.
    expect(pulumi.Output.isInstance(inputs.functions)).to.equal(false);
    const { message, registered } = await refused("RegionalService", inputs);
    expect(message).to.equal(`RegionalService "orders": [functions.orders] ${later}: ${READS_IT}`);
    expect(registered ?? []).to.have.length(0);
  });

  it("MultiRegionService at preview: a function not known yet is one problem, [functions.payments]", async () => {
    const inputs = await fromWire({
      ...serviceShape,
      topology: "active-passive",
      primaryRegion: "us-east-1",
      standbyRegions: ["us-west-2"],
      functions: { ...serviceShape.functions, payments: wireUnknown },
      routes: { "GET /orders": "orders" },
    });
    const { message, registered } = await refused("MultiRegionService", inputs, true);
    expect(message).to.equal(
      `MultiRegionService "orders": [functions.payments] ${later}: ${READS_IT}`,
    );
    expect(registered ?? []).to.have.length(0);
  });

  it("TrafficShiftedFunction: a policy statement that is another resource's output is named by its index", async () => {
    const inputs = await fromWire({
      code: wireArchive,
      policyStatements: [
        wireOutput({ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::assets/*"] }, [BUCKET]),
      ],
    });
    const { message, registered } = await refused("TrafficShiftedFunction", inputs);
    expect(message).to.equal(
      `TrafficShiftedFunction "orders": [policyStatements[0]] ${later}: ${READS_IT}`,
    );
    expect(registered ?? []).to.have.length(0);
  });
});

describe("secrets inside an argument, as the provider server decodes them", function () {
  this.timeout(60_000);
  const construct = (inputs: pulumi.Inputs) =>
    sharedProvider().construct("orders", token("RegionalService"), inputs, {});
  const withEnvironment = (environment: unknown) => ({
    ...serviceShape,
    region: "us-east-1",
    functions: { orders: { code: wireArchive, environment } },
  });

  it("a value marked secret in place makes the whole top-level argument one secret Output ([functions] is refused)", async () => {
    const inputs = await fromWire(withEnvironment(wireSecret({ DB_PASSWORD: "hunter2" })));
    // The SDK's deserializer cannot mark part of a value secret: it lifts the mark to the top.
    expect(pulumi.Output.isInstance(inputs.functions), "functions is one Output").to.equal(true);
    expect(await (inputs.functions as any).isSecret).to.equal(true);
    let message = "";
    await runComponent(() => construct(inputs)).catch((error: Error) => (message = error.message));
    expect(message).to.include(
      "[functions] must be known when the component is constructed, not an Output",
    );
  });

  it("the same secret sent as an output value stays where it is, and the function's environment is secret", async () => {
    const inputs = await fromWire(
      withEnvironment(wireOutput({ DB_PASSWORD: "hunter2" }, [], true)),
    );
    expect(pulumi.Output.isInstance(inputs.functions)).to.equal(false);
    const { resources } = await runComponent(() => construct(inputs));
    const fn = resources.ofType("aws:lambda/function:Function")[0];
    expect(fn.inputs.environment.variables).to.include({ DB_PASSWORD: "hunter2" });
    expect(fn.secretPaths).to.include("environment.variables");
  });
});
