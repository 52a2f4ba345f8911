// Issue 17 part B: provisioned concurrency on the alias, bundling from source with esbuild, and the
// other function options (layers, ephemeral storage, KMS key, SnapStart, reserved concurrency).
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  bundleSource,
  esbuildTarget,
  provisionedConcurrencyMonthlyUsd,
  supportsSnapStart,
  TrafficShiftedFunction,
  TrafficShiftedFunctionArgs,
} from "../components";
import { expectRunFailure, runComponent } from "../testing";
import {
  provisionedConcurrencyPlan,
  renderProvisionedConcurrency,
} from "../preview/provisionedConcurrency";

const FUNCTION = "aws:lambda/function:Function";
const ALIAS = "aws:lambda/alias:Alias";
const PROVISIONED = "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const DEPLOYMENT = "pulumi-nodejs:dynamic:LambdaDeployment";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

const LAYER = "arn:aws:lambda:us-east-1:123456789012:layer:shared-libs:3";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/**
 * Runs the component and keeps each Lambda function's `code` archive as the engine receives it
 * (the capture keeps an archive's marker only, so it is taken from the mock's registration).
 */
async function build(args: Partial<TrafficShiftedFunctionArgs>, name = "orders") {
  const archives = new Map<string, unknown>();
  const run = await runComponent(
    () => new TrafficShiftedFunction(name, { ...args } as TrafficShiftedFunctionArgs),
    {
      outputs: (request) => {
        if (request.type === FUNCTION) archives.set(request.name, request.inputs.code);
        return undefined;
      },
    },
  );
  return { ...run, archives };
}

/** The message of the error the run failed with, and how many resources it registered. */
async function failure(args: Partial<TrafficShiftedFunctionArgs>) {
  const error = await expectRunFailure(build(args));
  return { message: error.message, registered: error.resources.all.length };
}

/** The text files of a captured Pulumi archive (what the engine hashes and uploads). */
async function archiveFiles(archive: unknown): Promise<Record<string, string>> {
  const assets = await (archive as pulumi.asset.AssetArchive).assets;
  const files: Record<string, string> = {};
  for (const [name, asset] of Object.entries(assets)) {
    files[name] = await (asset as pulumi.asset.StringAsset).text!;
  }
  return files;
}

/** A throwaway source tree: an entry file that imports a module of its own and the AWS SDK. */
function sourceTree(greeting = "hello"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-"));
  fs.writeFileSync(
    path.join(dir, "greet.ts"),
    `export function greet(name: string): string {\n  return \`${greeting} \${name}\`;\n}\n`,
  );
  fs.writeFileSync(
    path.join(dir, "handler.ts"),
    [
      'import { S3Client } from "@aws-sdk/client-s3";',
      'import { greet } from "./greet";',
      "const s3 = new S3Client({});",
      "export const handler = async (event: { name?: string }) => ({",
      "  statusCode: 200,",
      '  body: greet(event.name ?? "world"),',
      "  region: typeof s3,",
      "});",
      "",
    ].join("\n"),
  );
  return dir;
}

describe("bundling a function from source (esbuild)", () => {
  const trees: string[] = [];
  const tree = (greeting?: string) => {
    const dir = sourceTree(greeting);
    trees.push(dir);
    return dir;
  };
  after(() => trees.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it("targets the Node.js version of the runtime", () => {
    expect(esbuildTarget("nodejs22.x")).to.equal("node22");
    expect(esbuildTarget("nodejs24.x")).to.equal("node24");
    // Lambda no longer creates functions on nodejs18.x and nodejs20.x (deprecated; creation
    // blocked): refused before preview rather than at CreateFunction. Python is not bundled.
    expect(esbuildTarget("nodejs20.x")).to.equal(undefined);
    expect(esbuildTarget("nodejs18.x")).to.equal(undefined);
    expect(esbuildTarget("nodejs16.x")).to.equal(undefined);
    expect(esbuildTarget("python3.12")).to.equal(undefined);
  });

  it("bundles the entry and its modules into index.js with a source map, leaving @aws-sdk/* to the runtime", async () => {
    const dir = tree();
    const { resources, archives } = await build({
      source: { entry: path.join(dir, "handler.ts") },
    });
    const fn = resources.get(FUNCTION, "orders-function");
    const files = await archiveFiles(archives.get("orders-function"));
    expect(Object.keys(files).sort()).to.deep.equal(["index.js", "index.js.map"]);
    // CommonJS, with the local module inlined and the SDK required from the runtime.
    expect(files["index.js"]).to.include("module.exports");
    expect(files["index.js"]).to.include("hello ${name}");
    expect(files["index.js"]).to.include('require("@aws-sdk/client-s3")');
    expect(files["index.js"]).to.match(/\/\/# sourceMappingURL=index\.js\.map\n$/);
    const map = JSON.parse(files["index.js.map"]) as { sources: string[] };
    expect([...map.sources].sort()).to.deep.equal(["greet.ts", "handler.ts"]);
    expect(fn.inputs.handler).to.equal("index.handler");
    expect(fn.inputs.environment.variables).to.deep.include({
      NODE_OPTIONS: "--enable-source-maps",
      LOG_LEVEL: "INFO",
    });
    // The bundle runs and requires nothing but the SDK (stubbed here as the runtime's).
    const loaded = new Function("require", "module", "exports", files["index.js"]);
    const module = { exports: {} as { handler?: (e: object) => Promise<{ body: string }> } };
    const runtimeRequire = (id: string) => {
      if (id === "@aws-sdk/client-s3") return { S3Client: class {} };
      throw new Error(`the bundle requires ${id}, which it should have inlined`);
    };
    loaded(runtimeRequire, module, module.exports);
    expect((await module.exports.handler!({ name: "orders" })).body).to.equal("hello orders");
  });

  it("gives the same archive for the same source, wherever it is checked out, and a new one for a changed source", async () => {
    const first = tree();
    const second = tree(); // the same files in another folder
    const changed = tree("goodbye");
    const entry = (dir: string) => ({ entry: path.join(dir, "handler.ts") });

    const a = bundleSource(entry(first), "nodejs22.x");
    const b = bundleSource(entry(second), "nodejs22.x");
    const c = bundleSource(entry(changed), "nodejs22.x");
    expect(b.sha256).to.equal(a.sha256);
    expect([...b.files]).to.deep.equal([...a.files]);
    expect(c.sha256).to.not.equal(a.sha256);

    // What the engine diffs: the function's archive, unchanged for the same source (no update,
    // so no new version is published) and changed for a changed one.
    const codeOf = async (source: { entry: string }) =>
      await archiveFiles((await build({ source })).archives.get("orders-function"));
    expect(await codeOf(entry(second))).to.deep.equal(await codeOf(entry(first)));
    expect(await codeOf(entry(changed))).to.not.deep.equal(await codeOf(entry(first)));

    // An edit in place is seen too (nothing is cached between constructions).
    fs.writeFileSync(
      path.join(first, "greet.ts"),
      "export function greet(name: string): string {\n  return `hi ${name}`;\n}\n",
    );
    expect(bundleSource(entry(first), "nodejs22.x").sha256).to.not.equal(a.sha256);
  });

  it("sees, in the same process, a new file that changes what an import resolves to", () => {
    // A long-running program (Automation API) constructs the component again after the user adds
    // greet.ts next to greet.js: esbuild resolves "./greet" to the .ts file first.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-"));
    trees.push(dir);
    fs.writeFileSync(path.join(dir, "greet.js"), 'exports.greet = () => "from js";\n');
    fs.writeFileSync(
      path.join(dir, "handler.ts"),
      'import { greet } from "./greet";\nexport const handler = async () => greet();\n',
    );
    const entry = { entry: path.join(dir, "handler.ts") };
    const before = bundleSource(entry, "nodejs22.x");
    expect(before.files.get("index.js")).to.include("from js");
    fs.writeFileSync(path.join(dir, "greet.ts"), 'export const greet = () => "from ts";\n');
    const after = bundleSource(entry, "nodejs22.x");
    expect(after.files.get("index.js")).to.include("from ts");
    expect(after.sha256).to.not.equal(before.sha256);
  });

  it("keeps the caller's NODE_OPTIONS, also when the environment is an Output", async () => {
    const dir = tree();
    for (const environment of [
      { NODE_OPTIONS: "--max-old-space-size=200" },
      pulumi.output({ NODE_OPTIONS: "--max-old-space-size=200" }),
    ]) {
      const { resources } = await build({
        source: { entry: path.join(dir, "handler.ts") },
        environment,
      });
      expect(resources.get(FUNCTION, "orders-function").inputs.environment.variables).to.deep.equal(
        { NODE_OPTIONS: "--max-old-space-size=200", LOG_LEVEL: "INFO" },
      );
    }
  });

  it("reports a bundling error together with every other problem", async () => {
    const dir = tree();
    const broken = path.join(dir, "broken.ts");
    fs.writeFileSync(broken, "export const handler = async () => {\n  return 1 +;\n};\n");
    const relative = path.relative(process.cwd(), broken);
    const { message, registered } = await failure({ source: { entry: broken }, memorySize: 5 });
    expect(message).to.equal(
      'TrafficShiftedFunction "orders" has 2 invalid arguments:\n' +
        "  - [memorySize] is 5: must be a whole number from 128 to 10240 MB\n" +
        `  - [source.entry] is ${JSON.stringify(broken)}: does not bundle: ${relative}:2:13: Unexpected ";"`,
    );
    expect(registered).to.equal(0);
  });

  it("bundles each hook's source too", async () => {
    const dir = tree();
    const { resources, archives } = await build({
      code,
      hooks: { preTraffic: { source: { entry: path.join(dir, "handler.ts") } } },
    });
    const hook = resources.get(FUNCTION, "orders-pre-traffic-hook");
    expect(
      Object.keys(await archiveFiles(archives.get("orders-pre-traffic-hook"))).sort(),
    ).to.deep.equal(["index.js", "index.js.map"]);
    expect(hook.inputs.environment.variables.NODE_OPTIONS).to.equal("--enable-source-maps");
  });

  it("names the file and line of a bundling error and registers nothing", async () => {
    const dir = tree();
    const broken = path.join(dir, "broken.ts");
    fs.writeFileSync(broken, "export const handler = async () => {\n  return 1 +;\n};\n");
    const relative = path.relative(process.cwd(), broken);
    const syntax = await failure({ source: { entry: broken } });
    expect(syntax.message).to.equal(
      `TrafficShiftedFunction "orders": [source.entry] is ${JSON.stringify(broken)}: does not bundle: ` +
        `${relative}:2:13: Unexpected ";"`,
    );
    expect(syntax.registered).to.equal(0);

    fs.writeFileSync(
      broken,
      'import "./missing";\nimport { x } from "left-pad-nowhere";\nexport const handler = x;\n',
    );
    const unresolved = await failure({ source: { entry: broken } });
    expect(unresolved.message).to.equal(
      `TrafficShiftedFunction "orders": [source.entry] is ${JSON.stringify(broken)}: does not bundle: ` +
        `${relative}:1:8: Could not resolve "./missing"; ${relative}:2:19: Could not resolve "left-pad-nowhere"`,
    );
    expect(unresolved.registered).to.equal(0);
  });

  it("takes exactly one of code and source, and bundles only for Node.js runtimes", async () => {
    const dir = tree();
    const entry = path.join(dir, "handler.ts");
    expect((await failure({ code, source: { entry } })).message).to.equal(
      `TrafficShiftedFunction "orders": [source] is ${JSON.stringify(entry)}: give either [code] (a prebuilt archive) or [source] (an entry file to bundle), not both`,
    );
    const { message, registered } = await failure({
      source: { entry: path.join(dir, "handler.py") },
      runtime: "python3.12",
    });
    expect(message).to.equal(
      'TrafficShiftedFunction "orders" has 2 invalid arguments:\n' +
        `  - [source.entry] is ${JSON.stringify(path.join(dir, "handler.py"))}: must be a TypeScript or JavaScript file (.ts, .mts, .cts, .js, .mjs, .cjs)\n` +
        '  - [runtime] is "python3.12": [source] is bundled for Node.js: the runtime must be nodejs22.x or nodejs24.x (or a later nodejsNN.x); Lambda no longer creates functions on nodejs18.x or nodejs20.x, given as a plain string',
    );
    expect(registered).to.equal(0);
  });
});

describe("provisioned concurrency on the alias", () => {
  it("codedeploy: is configured on the live alias, allocated before CodeDeploy shifts it, which the deployment role may read", async () => {
    const { resources } = await build({ code, provisionedConcurrency: 5, reservedConcurrency: 20 });
    const config = resources.hasResourceProperties(PROVISIONED, {
      functionName: "orders-function-mock123",
      qualifier: "live",
      provisionedConcurrentExecutions: 5,
    });
    expect(config.inputs.qualifier).to.not.equal("$LATEST");
    // The alias stays CodeDeploy's: the config does not make Pulumi update it.
    expect(resources.get(ALIAS, "orders-alias").options.ignoreChanges).to.include.members([
      "functionVersion",
      "routingConfig",
    ]);
    const deployment = resources.ofType(DEPLOYMENT)[0];
    expect(deployment.dependencies).to.include(config.urn);
    // CodeDeploy reads the alias's provisioned concurrency while it shifts (main grants it).
    const policy = JSON.parse(
      resources.get(ROLE_POLICY, "orders-deploy-role-policy").inputs.policy,
    );
    const read = policy.Statement.find(
      (statement: { Sid: string }) => statement.Sid === "ReadAliasProvisionedConcurrency",
    );
    expect(read.Action).to.equal("lambda:GetProvisionedConcurrencyConfig");
    expect(read.Resource).to.match(/:function:orders-function-mock123:live$/);
  });

  it("weighted: is refused, since Lambda refuses provisioned concurrency on an alias with weights", async () => {
    // PutProvisionedConcurrencyConfig on an alias with routingConfig fails: "Alias with weights
    // can not be used with Provisioned Concurrency" (hashicorp/terraform#24957).
    const { message, registered } = await failure({
      code,
      provisionedConcurrency: 2,
      trafficShifting: { mode: "weighted", stableVersion: "3", canaryVersion: "4", weight: 0.1 },
    });
    expect(message).to.equal(
      'TrafficShiftedFunction "orders": [provisionedConcurrency] is 2: cannot be used with trafficShifting.mode "weighted": Lambda refuses provisioned concurrency on an alias with routing weights; use mode "codedeploy" or unset [provisionedConcurrency]',
    );
    expect(registered).to.equal(0);
  });

  it("is among the component's registered outputs", async () => {
    const { resources } = await build({ code, provisionedConcurrency: 2 });
    const component = resources.get(
      "multiregion-serverless:index:TrafficShiftedFunction",
      "orders",
    );
    expect(Object.keys(component.outputs)).to.include("provisionedConcurrencyConfig");
  });

  it("is absent unless asked for", async () => {
    const { resources } = await build({ code });
    resources.resourceCountIs(PROVISIONED, 0);
  });

  it("estimates the monthly cost at us-east-1 list prices", () => {
    // 1 environment of 1 GB for an average month (2,629,800 s) at $0.0000041667 per GB-second.
    expect(provisionedConcurrencyMonthlyUsd(1, 1024)).to.be.closeTo(10.96, 0.01);
    expect(provisionedConcurrencyMonthlyUsd(10, 512, "arm64")).to.be.closeTo(43.83, 0.01);
  });
});

describe("layers, ephemeral storage, KMS key, SnapStart", () => {
  it("are given to the Lambda function", async () => {
    const { resources } = await build({
      code,
      layers: [LAYER],
      ephemeralStorageMb: 2048,
      kmsKeyArn: KEY,
    });
    resources.hasResourceProperties(FUNCTION, {
      layers: [LAYER],
      ephemeralStorage: { size: 2048 },
      kmsKeyArn: KEY,
    });
  });

  it("puts the AppConfig extension's layer first, then the function's", async () => {
    const { resources } = await build({
      code,
      region: "us-east-1",
      appConfigExtension: true,
      layers: [LAYER],
    });
    const layers = resources.get(FUNCTION, "orders-function").inputs.layers as string[];
    expect(layers).to.have.length(2);
    expect(layers[0]).to.match(/:layer:AWS-AppConfig-Extension:/);
    expect(layers[1]).to.equal(LAYER);
  });

  it("turns SnapStart on for the published versions of a runtime that supports it", async () => {
    const { resources } = await build({
      code,
      runtime: "python3.13",
      snapStart: "PublishedVersions",
    });
    resources.hasResourceProperties(FUNCTION, { snapStart: { applyOn: "PublishedVersions" } });
    expect(["java11", "java21", "python3.12", "dotnet8"].every(supportsSnapStart)).to.equal(true);
    expect(
      ["java8.al2", "python3.11", "nodejs22.x", "ruby3.4", "dotnet6"].some(supportsSnapStart),
    ).to.equal(false);
  });

  it("refuses every malformed option at once, each named with what is allowed, and registers nothing", async () => {
    const { message, registered } = await failure({
      code,
      layers: [
        ...["a", "b", "c", "d", "e"].map(
          (n) => `arn:aws:lambda:us-east-1:123456789012:layer:${n}:1`,
        ),
        "arn:aws:lambda:us-east-1:123456789012:function:x",
      ],
      ephemeralStorageMb: 256,
      kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/lambda",
      snapStart: "PublishedVersions",
      provisionedConcurrency: 0,
    });
    expect(message).to.equal(
      'TrafficShiftedFunction "orders" has 6 invalid arguments:\n' +
        '  - [layers[5]] is "arn:aws:lambda:us-east-1:123456789012:function:x": must be a layer version ARN, arn:aws:lambda:<region>:<account>:layer:<name>:<version>\n' +
        '  - [layers] is "6 layers": a function takes at most 5 layers\n' +
        "  - [ephemeralStorageMb] is 256: must be a whole number from 512 to 10240 MB\n" +
        '  - [kmsKeyArn] is "arn:aws:kms:us-east-1:123456789012:alias/lambda": must be a KMS key ARN, arn:aws:kms:<region>:<account>:key/<key id> (not an alias: Lambda\'s grant on the key does not accept aliases)\n' +
        '  - [snapStart] is "PublishedVersions": runtime nodejs22.x does not support SnapStart (supported: java11 and later, python3.12 and later, dotnet8 and later)\n' +
        "  - [provisionedConcurrency] is 0: must be a whole number from 1 to 1000000",
    );
    expect(registered).to.equal(0);
  });

  it("refuses layers and a KMS key of another region than the function's", async () => {
    // Layers and KMS keys are regional: CreateFunction in us-west-2 cannot use us-east-1's.
    const { message, registered } = await failure({
      code,
      region: "us-west-2",
      layers: [LAYER, "arn:aws:lambda:us-west-2:123456789012:layer:tools:1"],
      kmsKeyArn: KEY,
    });
    expect(message).to.equal(
      'TrafficShiftedFunction "orders" has 2 invalid arguments:\n' +
        `  - [layers[0]] is "${LAYER}": is a layer in us-east-1; the function is in us-west-2 (layers are regional: publish the layer in us-west-2 and give its ARN)\n` +
        `  - [kmsKeyArn] is "${KEY}": is a key in us-east-1; the function is in us-west-2 (KMS keys are regional: give a key of us-west-2)`,
    );
    expect(registered).to.equal(0);
  });

  it("refuses two versions of one layer, the AppConfig extension's included, and a layer that is not a string", async () => {
    // Lambda: "Two different versions of the same layer are not allowed to be referenced in the
    // same function" (CreateFunction; DataDog/serverless-plugin-datadog#195).
    const extension = "arn:aws:lambda:us-east-1:027255383542:layer:AWS-AppConfig-Extension:1";
    const { message, registered } = await failure({
      code,
      region: "us-east-1",
      appConfigExtension: true,
      layers: [
        LAYER,
        "arn:aws:lambda:us-east-1:123456789012:layer:shared-libs:4",
        extension,
        42 as unknown as string,
      ],
    });
    expect(message).to.equal(
      'TrafficShiftedFunction "orders" has 3 invalid arguments:\n' +
        '  - [layers[1]] is "arn:aws:lambda:us-east-1:123456789012:layer:shared-libs:4": is another version of [layers[0]]: Lambda refuses two versions of the same layer in one function\n' +
        `  - [layers[2]] is "${extension}": is another version of the AppConfig extension's layer: Lambda refuses two versions of the same layer in one function\n` +
        "  - [layers[3]] is 42: must be a layer version ARN (a string)",
    );
    expect(registered).to.equal(0);
  });

  it("refuses a KMS alias ARN: Lambda's grant on the key needs the key itself", async () => {
    // KMS CreateGrant: "Key Aliases are not supported for this operation" (hashicorp/terraform#20813).
    const alias = "arn:aws:kms:us-east-1:123456789012:alias/orders";
    expect((await failure({ code, kmsKeyArn: alias })).message).to.equal(
      `TrafficShiftedFunction "orders": [kmsKeyArn] is "${alias}": must be a KMS key ARN, arn:aws:kms:<region>:<account>:key/<key id> (not an alias: Lambda's grant on the key does not accept aliases)`,
    );
  });

  it("refuses SnapStart with provisioned concurrency or more than 512 MB of ephemeral storage", async () => {
    const { message } = await failure({
      code,
      runtime: "java21",
      snapStart: "PublishedVersions",
      provisionedConcurrency: 2,
      ephemeralStorageMb: 1024,
    });
    expect(message).to.equal(
      'TrafficShiftedFunction "orders" has 2 invalid arguments:\n' +
        '  - [snapStart] is "PublishedVersions": SnapStart does not support provisioned concurrency: unset one of [snapStart] and [provisionedConcurrency]\n' +
        '  - [snapStart] is "PublishedVersions": SnapStart does not support ephemeral storage above 512 MB ([ephemeralStorageMb] is 1024)',
    );
  });

  it("refuses provisioned concurrency above reserved concurrency, and a fractional or negative reserved concurrency", async () => {
    expect(
      (await failure({ code, provisionedConcurrency: 10, reservedConcurrency: 5 })).message,
    ).to.equal(
      'TrafficShiftedFunction "orders": [provisionedConcurrency] is 10: must not exceed [reservedConcurrency] (5): provisioned concurrency counts towards the function\'s reserved concurrency',
    );
    expect((await failure({ code, reservedConcurrency: 2.5 })).message).to.equal(
      'TrafficShiftedFunction "orders": [reservedConcurrency] is 2.5: must be a whole number from 0 to 1000000',
    );
    expect((await failure({ code, reservedConcurrency: -1 })).message).to.equal(
      'TrafficShiftedFunction "orders": [reservedConcurrency] is -1: must be a whole number from 0 to 1000000',
    );
  });
});

describe("the offline preview's provisioned concurrency", () => {
  it("lists each alias with provisioned concurrency and its monthly estimate", async () => {
    const { resources } = await build({
      code,
      region: "eu-west-1",
      memorySize: 1024,
      architecture: "arm64",
      provisionedConcurrency: 3,
    });
    const plan = provisionedConcurrencyPlan(resources.all);
    expect(plan.aliases).to.have.length(1);
    expect(plan.aliases[0]).to.deep.include({
      name: "orders-provisioned-concurrency",
      region: "eu-west-1",
      qualifier: "live",
      executions: 3,
      memorySizeMb: 1024,
      architecture: "arm64",
    });
    // 3 x 1 GB for a month at the Arm price, $0.0000033334 per GB-second.
    expect(plan.monthlyUsd).to.be.closeTo(26.3, 0.01);
    expect(renderProvisionedConcurrency(plan, (text) => text)).to.deep.equal([
      "Provisioned concurrency (environments kept initialized on the alias, split across both versions while traffic shifts)",
      "  eu-west-1: orders-provisioned-concurrency on alias live, 3 × 1024 MB arm64, about $26/month",
      "  Total: about $26/month, an estimate at us-east-1 list prices, charged whether used or not (the invocations it serves are billed on top).",
    ]);
  });

  it("shows nothing when no alias has any", async () => {
    const { resources } = await build({ code });
    expect(
      renderProvisionedConcurrency(provisionedConcurrencyPlan(resources.all), String),
    ).to.deep.equal([]);
  });
});
