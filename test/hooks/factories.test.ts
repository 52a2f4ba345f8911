import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { DeploymentHookArgs } from "../../components/deploymentHook";
import { metricsCheckHook, smokeTestHook } from "../../hooks";
import {
  bundleHookHandler,
  cachedHookBundleDir,
  handlerArchive,
  hookBuildKey,
  hookBundleFiles,
  prebuiltBundleDir,
  readPrebuiltBundle,
  writeHookBundles,
} from "../../hooks/package";
import { runComponent } from "../../testing";
import {
  appSpecJson,
  appSpecYaml,
  applicationRevision,
  deploymentInfo,
  FUNCTION_NAME,
  ALIAS_NAME,
} from "./fixtures";

const repoRoot = path.resolve(__dirname, "../..");

/** Writes an archive's files under a folder, as Lambda unpacks it into /var/task. */
async function unpack(archive: pulumi.asset.Archive, dir: string): Promise<string[]> {
  const assets = await (archive as pulumi.asset.AssetArchive).assets;
  const written: string[] = [];
  for (const [name, asset] of Object.entries(assets)) {
    const target = path.join(dir, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (asset instanceof pulumi.asset.StringAsset) {
      fs.writeFileSync(target, await asset.text);
    } else if (asset instanceof pulumi.asset.FileAsset) {
      fs.copyFileSync(await asset.path, target);
    } else {
      throw new Error(`unexpected asset kind for ${name}`);
    }
    written.push(name);
  }
  return written;
}

/**
 * Runs a packaged hook's `handler` in a separate Node process that sees only the unpacked
 * archive plus the AWS SDK v3 (on NODE_PATH, as the Lambda runtime provides it), with the SDK
 * clients mocked by aws-sdk-client-mock. Returns what the script prints.
 */
function invokePackagedHook(
  hook: DeploymentHookArgs,
  taskDir: string,
  script: string,
): Record<string, any> {
  // Beside the task folder, so the test's cleanup removes it too.
  const runtimeModules = path.join(path.dirname(taskDir), "runtime-modules");
  fs.mkdirSync(runtimeModules, { recursive: true });
  fs.symlinkSync(
    path.join(repoRoot, "node_modules", "@aws-sdk"),
    path.join(runtimeModules, "@aws-sdk"),
    "dir",
  );
  const scriptFile = path.join(path.dirname(taskDir), "invoke.js");
  fs.writeFileSync(
    scriptFile,
    `const { mockClient } = require(${JSON.stringify(require.resolve("aws-sdk-client-mock"))});
const codedeployModule = require("@aws-sdk/client-codedeploy");
const lambdaModule = require("@aws-sdk/client-lambda");
const cloudwatchModule = require("@aws-sdk/client-cloudwatch");
const codedeployMock = mockClient(codedeployModule.CodeDeployClient);
const lambdaMock = mockClient(lambdaModule.LambdaClient);
const cloudwatchMock = mockClient(cloudwatchModule.CloudWatchClient);
// PutLifecycleEventHookExecutionStatus: its one response field is optional (API Reference).
codedeployMock.on(codedeployModule.PutLifecycleEventHookExecutionStatusCommand).resolves({});
${script}
const { handler } = require(${JSON.stringify(path.join(taskDir, "index.js"))});
handler(
  { DeploymentId: "d-ABCDEFGH1", LifecycleEventHookExecutionId: "exec-1" },
  { getRemainingTimeInMillis: () => 30000 },
).then((result) => {
  const loaded = Object.keys(require.cache);
  console.log(JSON.stringify({
    result,
    reported: codedeployMock.commandCalls(codedeployModule.PutLifecycleEventHookExecutionStatusCommand).map((c) => c.args[0].input),
    invokes: lambdaMock.commandCalls(lambdaModule.InvokeCommand).map((c) => c.args[0].input),
    metricQueries: cloudwatchMock.commandCalls(cloudwatchModule.GetMetricDataCommand).length,
    bundledLoaded: loaded.filter((file) => file.startsWith(${JSON.stringify(taskDir)})).map((file) => file.slice(${taskDir.length + 1})),
  }));
});
`,
  );
  const environment = Object.fromEntries(
    Object.entries(hook.environment ?? {}).map(([key, value]) => [key, String(value)]),
  );
  const output = execFileSync(process.execPath, [scriptFile], {
    cwd: taskDir,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      NODE_PATH: runtimeModules,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      NODE_NO_WARNINGS: "1",
      TARGET_FUNCTION_NAME: FUNCTION_NAME,
      TARGET_ALIAS_NAME: ALIAS_NAME,
      ...environment,
    },
  });
  const lines = output.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as Record<string, any>;
}

describe("ready-made hook factories", () => {
  it("smokeTestHook packages the pre-traffic handler with its config in HOOK_CONFIG", () => {
    const hook = smokeTestHook({
      event: { rawPath: "/health" },
      expect: { statusCode: 200 },
      memorySize: 512,
    });
    expect(hook.handler).to.equal("index.handler");
    expect(hook.timeout).to.equal(120);
    expect(hook.memorySize).to.equal(512);
    expect(hook.runtime).to.equal(undefined);
    expect(hook.policyStatements).to.equal(undefined);
    expect(JSON.parse(String(hook.environment?.HOOK_CONFIG))).to.deep.equal({
      event: { rawPath: "/health" },
      expect: { statusCode: 200 },
      safetyMarginMs: 3000,
    });
    expect(hook.code).to.be.instanceOf(pulumi.asset.AssetArchive);
  });

  it("metricsCheckHook adds cloudwatch:GetMetricData on Resource '*' (no resource-level permissions)", () => {
    const hook = metricsCheckHook({ maxErrors: 1, durationBaselineMs: 80, timeout: 60 });
    expect(hook.policyStatements).to.deep.equal([
      { effect: "Allow", actions: ["cloudwatch:GetMetricData"], resources: ["*"] },
    ]);
    expect(hook.timeout).to.equal(60);
    expect(JSON.parse(String(hook.environment?.HOOK_CONFIG))).to.deep.equal({
      maxErrors: 1,
      maxThrottles: 0,
      minInvocations: 0,
      durationBaselineMs: 80,
      settleSeconds: 120,
      safetyMarginMs: 3000,
    });
  });

  it("rejects invalid options with one error naming every option, its value and what is allowed", () => {
    const options = {
      event: { at: undefined },
      expect: { statusCode: "200", bodyContain: "ok" },
      timeout: 2,
      runtime: "nodejs16.x",
    } as unknown as Parameters<typeof smokeTestHook>[0];
    let message = "";
    try {
      smokeTestHook(options);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.contain("smokeTestHook: invalid options:");
    expect(message).to.contain("[event] = { at: undefined }: must be a JSON value");
    expect(message).to.contain('[expect.statusCode] = "200": must be an HTTP status code');
    expect(message).to.contain(
      '[expect]: unknown option(s) "bodyContain"; allowed: statusCode, bodyContains, bodyMatches, payloadMatches',
    );
    expect(message).to.contain(
      '[runtime] = "nodejs16.x": must be nodejs22.x or nodejs24.x (or a later nodejsNN.x); Lambda no longer creates functions on nodejs18.x or nodejs20.x',
    );
    for (const runtime of ["nodejs18.x", "nodejs20.x"]) {
      expect(() => metricsCheckHook({ runtime }), runtime).to.throw(
        `[runtime] = "${runtime}": must be nodejs22.x or nodejs24.x`,
      );
    }
    expect(metricsCheckHook({ runtime: "nodejs24.x" }).runtime).to.equal("nodejs24.x");
    expect(message).to.contain(
      "[timeout] = 2: must leave at least 1 s of work beyond [safetyMarginMs] (3000 ms)",
    );
  });

  it("rejects exclusive and dangling metrics options", () => {
    expect(() => metricsCheckHook({ maxDurationMs: 100, durationBaselineMs: 80 })).to.throw(
      "only one of [maxDurationMs] and [durationBaselineMs] can be specified",
    );
    expect(() => metricsCheckHook({ durationFactor: 1.5 })).to.throw(
      "[durationFactor] = 1.5: [durationFactor] applies to [durationBaselineMs], which is not set",
    );
    expect(() => metricsCheckHook({ maxErrors: -1 })).to.throw("[maxErrors] = -1: Too small");
  });

  it("rejects a test event that would not fit Lambda's 4 KB of environment variables", () => {
    expect(() => smokeTestHook({ event: { blob: "x".repeat(4000) } })).to.throw(
      /HOOK_CONFIG would be \d+ bytes; Lambda allows 4 KB/,
    );
  });

  it("gives an archive that a Lambda function accepts under Pulumi's mocks", async () => {
    const hook = smokeTestHook();
    const { resources } = await runComponent(
      () =>
        new aws.lambda.Function("orders-pre-traffic", {
          code: hook.code,
          handler: hook.handler,
          runtime: "nodejs22.x",
          role: "arn:aws:iam::123456789012:role/hook",
          environment: { variables: hook.environment },
        }),
    );
    const fn = resources.get("aws:lambda/function:Function", "orders-pre-traffic");
    // The harness captures an archive input by its marker only (its assets come back empty),
    // so the contents are checked on the archive itself in "hook archives" below.
    expect(fn.inputs.code).to.have.property("__pulumiArchive", true);
    expect(fn.inputs.handler).to.equal("index.handler");
    expect(JSON.parse(fn.inputs.environment.variables.HOOK_CONFIG)).to.have.property("event");
  });
});

describe("hook archives", () => {
  let workDir: string;

  beforeEach(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "hook-archive-"));
  });

  afterEach(() => {
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("hold the handler bundled by esbuild as index.js with its source map: zod and yaml inside, the AWS SDK left to the runtime", async () => {
    const files = await unpack(smokeTestHook().code as pulumi.asset.Archive, workDir);
    expect(files.sort()).to.deep.equal(["index.js", "index.js.map"]);
    const code = fs.readFileSync(path.join(workDir, "index.js"), "utf8");
    expect(code).to.contain('require("@aws-sdk/client-codedeploy")');
    expect(code).to.match(/\/\/# sourceMappingURL=index\.js\.map\n$/);
    const map = JSON.parse(fs.readFileSync(path.join(workDir, "index.js.map"), "utf8"));
    const sources: string[] = map.sources;
    expect(sources).to.include("preTraffic.ts");
    expect(sources.some((file) => file.includes("node_modules/zod/"))).to.equal(true);
    expect(sources.some((file) => file.includes("node_modules/yaml/"))).to.equal(true);
    expect(sources.some((file) => file.includes("@aws-sdk"))).to.equal(false);
    // Node maps stack traces from the mappings alone: no sources embedded in the map.
    expect(map).to.not.have.property("sourcesContent");
    // Nothing names where this checkout lives: the same bytes on every machine.
    expect(code + JSON.stringify(map)).to.not.contain(repoRoot);
    expect(smokeTestHook().environment).to.have.property("NODE_OPTIONS", "--enable-source-maps");
  });

  it("ship each file as a FileAsset, so the state holds a path and a hash instead of megabytes of bundle text", async () => {
    for (const entry of ["preTraffic", "postTraffic"] as const) {
      const assets = await handlerArchive(entry).assets;
      expect(Object.keys(assets).sort(), entry).to.deep.equal(["index.js", "index.js.map"]);
      for (const [name, asset] of Object.entries(assets)) {
        expect(asset, `${entry} ${name}`).to.be.instanceOf(pulumi.asset.FileAsset);
        expect(asset, `${entry} ${name}`).to.not.be.instanceOf(pulumi.asset.StringAsset);
        const file = await (asset as pulumi.asset.FileAsset).path;
        expect(path.basename(file)).to.equal(name);
        expect(fs.readFileSync(file, "utf8")).to.equal(hookBundleFiles(entry).get(name));
      }
    }
  });

  it("bundle a copy of the handlers in another folder to the same bytes (the build, a checkout elsewhere and the cache agree)", () => {
    // Another absolute path with the same layout (handlers, tsconfig, the bundled packages): the
    // bundle must not depend on where the checkout lives.
    const elsewhere = path.join(workDir, "another", "checkout");
    fs.cpSync(path.join(repoRoot, "hooks", "handlers"), path.join(elsewhere, "hooks", "handlers"), {
      recursive: true,
    });
    fs.copyFileSync(path.join(repoRoot, "tsconfig.json"), path.join(elsewhere, "tsconfig.json"));
    for (const name of ["zod", "yaml"]) {
      fs.cpSync(
        path.join(repoRoot, "node_modules", name),
        path.join(elsewhere, "node_modules", name),
        {
          recursive: true,
        },
      );
    }
    // What `npm run build` writes for the published package, from the copy.
    writeHookBundles(path.join(workDir, "bundles"), path.join(elsewhere, "hooks", "handlers"));
    for (const entry of ["preTraffic", "postTraffic"] as const) {
      expect(
        Object.fromEntries(readPrebuiltBundle(entry, path.join(workDir, "bundles"))!),
        entry,
      ).to.deep.equal(Object.fromEntries(hookBundleFiles(entry)));
    }
  });

  it("read a prebuilt bundle's index.js and index.js.map only, and refuse a folder missing either", () => {
    const bundles = path.join(workDir, "bundles");
    fs.mkdirSync(path.join(bundles, "preTraffic"), { recursive: true });
    fs.writeFileSync(path.join(bundles, "preTraffic", "index.js"), "exports.handler = 1;\n");
    fs.writeFileSync(path.join(bundles, "preTraffic", "index.js.map"), "{}");
    fs.writeFileSync(path.join(bundles, "preTraffic", ".DS_Store"), "stray");
    fs.writeFileSync(path.join(bundles, "preTraffic", "index.js~"), "editor backup");
    expect([...readPrebuiltBundle("preTraffic", bundles)!.keys()]).to.deep.equal([
      "index.js",
      "index.js.map",
    ]);
    expect(readPrebuiltBundle("postTraffic", bundles)).to.equal(undefined);
    fs.rmSync(path.join(bundles, "preTraffic", "index.js.map"));
    expect(() => readPrebuiltBundle("preTraffic", bundles)).to.throw(
      `the prebuilt preTraffic hook bundle in ${path.join(bundles, "preTraffic")} lacks index.js.map: it must hold index.js and index.js.map`,
    );
    fs.rmSync(path.join(bundles, "preTraffic", "index.js"));
    expect(() => prebuiltBundleDir("preTraffic", bundles)).to.throw(
      "lacks index.js and index.js.map",
    );
  });

  it("keep from-source bundles in a folder named by a hash of the build's inputs: reused while they are unchanged, rebuilt when a handler changes", () => {
    const handlersDir = path.join(workDir, "handlers");
    fs.mkdirSync(handlersDir);
    fs.writeFileSync(path.join(handlersDir, "preTraffic.js"), "exports.handler = async () => 1;\n");
    const cache = path.join(workDir, "cache");
    const first = cachedHookBundleDir("preTraffic", handlersDir, cache);
    expect(first).to.equal(path.join(cache, hookBuildKey(handlersDir), "preTraffic"));
    expect(fs.readdirSync(first).sort()).to.deep.equal(["index.js", "index.js.map"]);
    // Reused: a marker left in the folder survives a second lookup (no rebuild, no rewrite).
    fs.writeFileSync(path.join(first, "reused"), "");
    expect(cachedHookBundleDir("preTraffic", handlersDir, cache)).to.equal(first);
    expect(fs.existsSync(path.join(first, "reused"))).to.equal(true);
    fs.writeFileSync(path.join(handlersDir, "preTraffic.js"), "exports.handler = async () => 2;\n");
    const second = cachedHookBundleDir("preTraffic", handlersDir, cache);
    expect(second).to.not.equal(first);
    expect(fs.readFileSync(path.join(second, "index.js"), "utf8")).to.contain("=> 2");
  });

  it("run the packaged smoke test with only the archive and the runtime's AWS SDK", async function () {
    this.timeout(30_000);
    const taskDir = path.join(workDir, "task");
    const hook = smokeTestHook({ event: { ping: true }, expect: { bodyMatches: { ok: true } } });
    await unpack(hook.code as pulumi.asset.Archive, taskDir);
    // GetDeployment / GetApplicationRevision as test/hooks/fixtures.ts documents them; Invoke's
    // Response Syntax (Lambda API Reference).
    const outcome = invokePackagedHook(
      hook,
      taskDir,
      `codedeployMock.on(codedeployModule.GetDeploymentCommand).resolves(${JSON.stringify({ deploymentInfo: deploymentInfo(appSpecYaml) })});
codedeployMock.on(codedeployModule.GetApplicationRevisionCommand).resolves(${JSON.stringify(applicationRevision(appSpecYaml))});
lambdaMock.on(lambdaModule.InvokeCommand).resolves({ StatusCode: 200, Payload: Buffer.from(JSON.stringify({ statusCode: 200, body: '{"ok":true}' })) });`,
    );
    expect(outcome.result).to.include({ status: "Succeeded", reported: true });
    expect(outcome.reported).to.deep.equal([
      { deploymentId: "d-ABCDEFGH1", lifecycleEventHookExecutionId: "exec-1", status: "Succeeded" },
    ]);
    expect(outcome.invokes).to.have.length(1);
    expect(outcome.invokes[0]).to.include({ FunctionName: FUNCTION_NAME, Qualifier: "7" });
    // zod and yaml came from the bundle: the archive's index.js is all the task loaded.
    expect(outcome.bundledLoaded).to.deep.equal(["index.js"]);
  });

  it("run the packaged metrics check, which reports Failed over the threshold", async function () {
    this.timeout(30_000);
    const taskDir = path.join(workDir, "task");
    const hook = metricsCheckHook({ maxErrors: 0, settleSeconds: 0 });
    await unpack(hook.code as pulumi.asset.Archive, taskDir);
    // GetDeployment / GetApplicationRevision as test/hooks/fixtures.ts documents them;
    // GetMetricData's MetricDataResults (CloudWatch API Reference, MetricDataResult).
    const outcome = invokePackagedHook(
      hook,
      taskDir,
      `codedeployMock.on(codedeployModule.GetDeploymentCommand).callsFake(() => { const out = ${JSON.stringify({ deploymentInfo: deploymentInfo() })}; out.deploymentInfo.createTime = new Date(Date.now() - 600000); return out; });
codedeployMock.on(codedeployModule.GetApplicationRevisionCommand).resolves(${JSON.stringify(applicationRevision(appSpecJson()))});
cloudwatchMock.on(cloudwatchModule.GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: "errors", Values: [2], StatusCode: "Complete" }] });`,
    );
    expect(outcome.result).to.include({ status: "Failed", reported: true });
    expect(outcome.result.reason).to.contain("2 errors > maxErrors 0");
    expect(outcome.metricQueries).to.equal(1);
    expect(outcome.reported[0]).to.include({ status: "Failed" });
  });

  it("bundle the compiled .js when no .ts is there (a package built without its prebuilt bundles)", () => {
    const handlersDir = path.join(workDir, "handlers");
    fs.mkdirSync(handlersDir);
    fs.writeFileSync(
      path.join(handlersDir, "preTraffic.js"),
      'const report = require("./report");\nexports.handler = report.run;\n',
    );
    fs.writeFileSync(
      path.join(handlersDir, "report.js"),
      'require("@aws-sdk/client-codedeploy");\nexports.run = async () => ({ ran: "report" });\n',
    );
    const bundle = bundleHookHandler("preTraffic", handlersDir);
    expect([...bundle.keys()].sort()).to.deep.equal(["index.js", "index.js.map"]);
    const code = bundle.get("index.js")!;
    expect(code).to.contain('ran: "report"'); // report.js is inside
    expect(code).to.contain('require("@aws-sdk/client-codedeploy")'); // the runtime's
  });

  it("refuse a handler that does not bundle, naming the entry, and each file and line", () => {
    const handlersDir = path.join(workDir, "hooks", "handlers");
    fs.mkdirSync(handlersDir, { recursive: true });
    fs.writeFileSync(
      path.join(handlersDir, "postTraffic.ts"),
      [
        'import padStart from "left-pad-not-installed";',
        'import { helper } from "./missing";',
        "export const handler = () => [padStart, helper];",
      ].join("\n"),
    );
    let message = "";
    try {
      bundleHookHandler("postTraffic", handlersDir);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.contain("cannot bundle the postTraffic hook for Lambda: postTraffic.ts");
    expect(message).to.match(/postTraffic\.ts:1:\d+: Could not resolve "left-pad-not-installed"/);
    expect(message).to.match(/postTraffic\.ts:2:\d+: Could not resolve "\.\/missing"/);
    expect(() => bundleHookHandler("preTraffic", handlersDir)).to.throw(
      /neither preTraffic\.ts nor preTraffic\.js is in/,
    );
  });
});
