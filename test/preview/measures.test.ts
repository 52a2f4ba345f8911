import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { installPreviewMeasures, lazyModule, MEASURES_OFF_ENV } from "../../preview/measures";

const ROOT = path.resolve(__dirname, "..", "..");
// The preview's own loader (cached transpiles), as preview/run.js starts: faster than ts-node.
const LOADER = 'require("./preview/register").register();';

/** What `script` writes to stdout (JSON), run in a process of its own with `off` measures off. */
function inPreviewProcess<T>(script: string, off: string): T {
  const run = spawnSync(process.execPath, ["-e", `${LOADER}\n${script}`], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, [MEASURES_OFF_ENV]: off },
  });
  return JSON.parse(run.stdout) as T;
}

describe("offline preview speed measures (preview/measures.ts)", () => {
  it("are all switched off by MULTIREGION_SERVERLESS_PREVIEW_OFF=all, naming the variable", () => {
    const report = installPreviewMeasures({ [MEASURES_OFF_ENV]: "all" });
    expect(report.installed).to.deep.equal([]);
    expect(report.skipped.map((skip) => skip.name)).to.deep.equal([
      "unused-modules",
      "unused-compiler",
      "lazy-outputs",
      "direct-answers",
      "plain-serialization",
      "direct-dependencies",
      "light-structs",
      "provider-text",
      "apply-context",
      "promise-debugging",
    ]);
    for (const skip of report.skipped) expect(skip.reason).to.include(MEASURES_OFF_ENV);
  });

  it("fall back to the SDK's own behaviour for a @pulumi/pulumi they were not checked against", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "measures-"));
    try {
      const sdk = path.join(project, "node_modules", "@pulumi", "pulumi");
      fs.mkdirSync(sdk, { recursive: true });
      for (const version of ["4.0.0", "3.203.0", "3.249.0"]) {
        fs.writeFileSync(path.join(sdk, "package.json"), JSON.stringify({ version }));
        const report = installPreviewMeasures({}, project);
        expect(report.installed, version).to.deep.equal([]);
        expect(report.skipped[0].reason).to.equal(
          `@pulumi/pulumi ${version} is outside 3.204 to 3.248, the releases the measures are checked against`,
        );
      }
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("are installed in a preview process against the installed SDK, one switchable by name", function () {
    this.timeout(60_000);
    // A process of its own: the measures change the SDK for the whole process.
    const run = (off: string) =>
      spawnSync(
        process.execPath,
        [
          "-r",
          "ts-node/register/transpile-only",
          "-e",
          'process.stdout.write(JSON.stringify(require("./preview/measures.ts").installPreviewMeasures()))',
        ],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, [MEASURES_OFF_ENV]: off } },
      );
    const all = JSON.parse(run("").stdout) as { installed: string[] };
    expect(all.installed).to.deep.equal([
      "unused-modules",
      "unused-compiler",
      "lazy-outputs",
      "direct-answers",
      "plain-serialization",
      "direct-dependencies",
      "light-structs",
      "provider-text",
      "apply-context",
      "promise-debugging",
    ]);
    const some = JSON.parse(run("promise-debugging, lazy-outputs").stdout) as {
      installed: string[];
    };
    expect(some.installed).to.deep.equal([
      "unused-modules",
      "unused-compiler",
      "direct-answers",
      "plain-serialization",
      "direct-dependencies",
      "light-structs",
      "provider-text",
      "apply-context",
    ]);
  });

  it("load npm's package-tree code (@npmcli/arborist) only when something uses it", function () {
    this.timeout(60_000);
    const script = [
      'require("./preview/measures.ts").installPreviewMeasures();',
      'const pulumi = require("@pulumi/pulumi");',
      // The stand-in sits at arborist's own path; pacote is one of the modules arborist loads.
      "const loaded = () => Object.keys(require.cache).some((f) => /[\\\\/]pacote[\\\\/]/.test(f));",
      "const before = loaded();",
      // codePaths.js's own `arborist.Arborist`, reached through the stand-in.
      'const arborist = require(require.resolve("@npmcli/arborist", { paths: [require.resolve("@pulumi/pulumi/runtime/closure/codePaths")] }));',
      "const real = arborist.Arborist;",
      "process.stdout.write(JSON.stringify({ before, after: loaded(), name: real.name,",
      "  serialize: typeof pulumi.runtime.computeCodePaths }));",
    ].join("\n");
    const run = (off: string) =>
      inPreviewProcess<{ before: boolean; after: boolean; name: string; serialize: string }>(
        script,
        off,
      );
    expect(run("")).to.deep.equal({
      before: false,
      after: true,
      name: "Arborist",
      serialize: "function",
    });
    expect(run("unused-modules").before).to.equal(true);
  });

  it("load the TypeScript compiler (typescript-shim) only when closure serialization uses it", function () {
    this.timeout(60_000);
    const script = [
      'require("./preview/measures.ts").installPreviewMeasures();',
      'const pulumi = require("@pulumi/pulumi");',
      "const loaded = () => Object.keys(require.cache).some((f) => /[\\\\/]typescript[\\\\/]lib[\\\\/]typescript\\.js$/.test(f));",
      "const before = loaded();",
      // parseFunction.js's own `ts`, reached through the stand-in: the real compiler.
      'const ts = require(require.resolve("@pulumi/pulumi/typescript-shim"));',
      "const kind = typeof ts.SyntaxKind;",
      "process.stdout.write(JSON.stringify({ before, after: loaded(), kind, sdk: typeof pulumi.Output }));",
    ].join("\n");
    const run = (off: string) =>
      inPreviewProcess<{ before: boolean; after: boolean; kind: string; sdk: string }>(script, off);
    expect(run("")).to.deep.equal({ before: false, after: true, kind: "object", sdk: "function" });
    expect(run("unused-compiler").before).to.equal(true);
  });

  it("refuse a resource created inside apply in a preview process, with apply-context on and off", function () {
    this.timeout(120_000);
    const preview = (off: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apply-context-"));
      try {
        const json = path.join(dir, "preview.json");
        const run = spawnSync(
          process.execPath,
          [
            path.join(ROOT, "preview", "run.js"),
            "dev",
            "--quiet",
            "--program",
            path.join("test", "fixtures", "applyProgram.ts"),
            "--json",
            json,
          ],
          { cwd: ROOT, encoding: "utf8", env: { ...process.env, [MEASURES_OFF_ENV]: off } },
        );
        const report = JSON.parse(fs.readFileSync(json, "utf8")) as { error?: { message: string } };
        return { status: run.status, message: report.error?.message };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    const on = preview("");
    expect(on.status).to.equal(2);
    expect(on.message).to.include(
      "resource urn:pulumi:dev::multiregion-serverless::aws:iam/rolePolicy:RolePolicy::orders-inline was created inside an apply callback",
    );
    expect(preview("apply-context")).to.deep.equal(on);
  });

  it("do not tell resources created in apply at construction when resource.js no longer allows it", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "measures-"));
    try {
      const sdk = path.join(project, "node_modules", "@pulumi", "pulumi");
      fs.mkdirSync(sdk, { recursive: true });
      fs.writeFileSync(path.join(sdk, "package.json"), JSON.stringify({ version: "3.248.0" }));
      const applyContext = (resourceJs: string) => {
        fs.writeFileSync(path.join(sdk, "resource.js"), resourceJs);
        // Only apply-context: the others read files this stand-in SDK does not have.
        const report = installPreviewMeasures(
          {
            [MEASURES_OFF_ENV]:
              "unused-modules,unused-compiler,lazy-outputs,direct-answers,plain-serialization," +
              "direct-dependencies,light-structs,provider-text,promise-debugging",
          },
          project,
        );
        expect(report.installed).to.deep.equal([]);
        return report.skipped.find((skip) => skip.name === "apply-context")?.reason;
      };
      const constructor = [
        "this.__parentResource = parent;",
        "resource_1.registerResource(this, parent, t, name, custom, remote, newDependency);",
      ];
      expect(applyContext(constructor[0])).to.equal(
        "resource.js no longer calls runtime/resource.js registerResource(this, parent, t, name, ...)",
      );
      expect(applyContext(constructor[1])).to.equal(
        "resource.js no longer links a resource to its parent (__parentResource)",
      );
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("do not stand in for arborist when codePaths.js uses it other than as arborist.Arborist", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "measures-"));
    try {
      const sdk = path.join(project, "node_modules", "@pulumi", "pulumi");
      fs.mkdirSync(path.join(sdk, "runtime", "closure"), { recursive: true });
      fs.writeFileSync(path.join(sdk, "package.json"), JSON.stringify({ version: "3.248.0" }));
      const codePaths = (uses: string) =>
        [
          'const arborist = __importStar(require("@npmcli/arborist"));',
          "async function computeCodePaths() {",
          "    const arb = new arborist.Arborist({ path: workspaceRoot });",
          uses,
          "}",
        ].join("\n");
      const unusedModules = (uses: string) => {
        fs.writeFileSync(path.join(sdk, "runtime", "closure", "codePaths.js"), codePaths(uses));
        // Only unused-modules: the others read files this stand-in SDK does not have.
        const report = installPreviewMeasures(
          {
            [MEASURES_OFF_ENV]:
              "unused-compiler,lazy-outputs,direct-answers,plain-serialization,direct-dependencies," +
              "light-structs,provider-text,apply-context,promise-debugging",
          },
          project,
        );
        expect(report.installed, uses).to.deep.equal([]);
        return report.skipped.find((skip) => skip.name === "unused-modules")?.reason;
      };
      for (const other of [
        "    const tree = arborist.Node;",
        "    const Arb = arborist.default;",
        "    return typeof arborist;",
        "    const { Arborist } = arborist;",
      ]) {
        expect(unusedModules(other), other).to.equal(
          "runtime/closure/codePaths.js no longer uses only arborist.Arborist",
        );
      }
      // Only arborist.Arborist: the check passes and the next one (arborist resolvable) fails.
      expect(unusedModules("    return arborist.Arborist;")).to.equal(
        "@npmcli/arborist cannot be resolved from @pulumi/pulumi",
      );
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("stand in for a module in every way it is used, loading it at the first use", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "measures-lazy-"));
    const file = path.join(dir, "tree.js");
    // A CommonJS module shaped like @npmcli/arborist's lib/index.js: a class, itself a property.
    fs.writeFileSync(
      file,
      [
        "globalThis.treeLoads = (globalThis.treeLoads || 0) + 1;",
        "class Tree { constructor(options) { this.options = options; } }",
        "module.exports = Tree;",
        "module.exports.Tree = module.exports;",
      ].join("\n"),
    );
    const globals = globalThis as { treeLoads?: number };
    const standIn = () => {
      delete require.cache[file];
      globals.treeLoads = 0;
      require.cache[file] = lazyModule(file);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(file) as { (): unknown; new (options: unknown): { options: unknown } } & {
        __esModule?: boolean;
        default?: unknown;
        Tree?: unknown;
      };
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const realOf = () => require(file) as unknown;
    try {
      // TypeScript's __importStar and __importDefault read __esModule: answered without loading.
      let tree = standIn();
      expect(tree.__esModule).to.equal(true);
      expect(typeof tree).to.equal("function");
      expect(globals.treeLoads).to.equal(0);
      // `__importDefault(require(...)).default`: the module itself, as for a CommonJS module.
      const viaDefault = tree.default as { name: string };
      expect(globals.treeLoads).to.equal(1);
      expect(viaDefault).to.equal(realOf());
      expect(viaDefault.name).to.equal("Tree");
      // `new (require(...))(options)`: an instance of the real class.
      tree = standIn();
      const made = new tree({ path: "/srv" });
      expect(made).to.be.instanceOf(realOf() as new () => unknown);
      expect(made).to.be.instanceOf(tree);
      expect(made.options).to.deep.equal({ path: "/srv" });
      expect(globals.treeLoads).to.equal(1);
      // A named property, and the real module in the cache afterwards.
      tree = standIn();
      expect((tree.Tree as { name: string }).name).to.equal("Tree");
      expect(Object.keys(tree)).to.deep.equal(["Tree"]);
      expect(require.cache[file]?.exports).to.equal(realOf());
      expect(globals.treeLoads).to.equal(1);
    } finally {
      delete require.cache[file];
      delete globals.treeLoads;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /** `script` (after the preview's loader) in a process of its own, with `off` switched off. */
  const runScript = (script: string, off: string) => {
    const run = spawnSync(process.execPath, ["-e", `${LOADER}\n${script}`], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, [MEASURES_OFF_ENV]: off },
    });
    expect(run.stdout, run.stderr).to.not.equal("");
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  /** The result of `script` with lazy-outputs on and off, checked to be the same. */
  const lazyAndEager = (script: string) => {
    const lazy = runScript(script, "");
    const eager = runScript(script, "lazy-outputs");
    expect(lazy.installed).to.include("lazy-outputs");
    expect(eager.installed).to.not.include("lazy-outputs");
    delete lazy.installed;
    delete eager.installed;
    expect(lazy).to.deep.equal(eager);
    return lazy;
  };

  it("make a resource's property Outputs when read, with the values the SDK resolves", function () {
    this.timeout(60_000);
    // Under the harness's mocks, as the preview runs: a topic's outputs read before and after
    // its registration, and one never read.
    const lazy = lazyAndEager(`
      const { installPreviewMeasures } = require("./preview/measures.ts");
      const report = installPreviewMeasures();
      const aws = require("@pulumi/aws");
      const { runComponent, promiseOf } = require("./testing");
      runComponent(async () => {
        const topic = new aws.sns.Topic("orders", { displayName: "Orders" });
        const early = topic.displayName;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return {
          own: Object.prototype.hasOwnProperty.call(topic, "policy"),
          early: await promiseOf(early),
          arn: await promiseOf(topic.arn),
          same: topic.arn === topic.arn,
          name: await promiseOf(topic.name),
          keys: Object.keys(topic).includes("fifoTopic"),
        };
      }).then((run) => process.stdout.write(JSON.stringify({ installed: report.installed, ...run.result })));
    `);
    expect(lazy.arn).to.match(/^arn:aws:sns:us-east-1:\d{12}:orders/);
    expect(lazy).to.deep.include({
      own: true,
      early: "Orders",
      same: true,
      keys: true,
    });
  });

  it("keep a property's secrecy, unknowns and resources at preview as the SDK's Outputs do", function () {
    this.timeout(60_000);
    // A preview of a new stack (unknown provider outputs): a secret input, an output unknown at
    // preview, a resource that depends on another, and an Output derived from both.
    const lazy = lazyAndEager(`
      const { installPreviewMeasures } = require("./preview/measures.ts");
      const report = installPreviewMeasures();
      const pulumi = require("@pulumi/pulumi");
      const aws = require("@pulumi/aws");
      const { runComponent } = require("./testing");
      const describe = async (output) => {
        const known = await output.isKnown;
        const resources = await Promise.all(
          [...(await output.allResources())].map((resource) => resource.urn.promise()),
        );
        return {
          value: known ? await output.promise() : "(unknown)",
          known,
          secret: await output.isSecret,
          resources: resources.sort(),
        };
      };
      runComponent(async () => {
        const topic = new aws.sns.Topic("orders", { displayName: pulumi.secret("Orders") });
        const subscription = new aws.sns.TopicSubscription("orders-queue", {
          topic: topic.arn,
          protocol: "sqs",
          endpoint: "arn:aws:sqs:us-east-1:123456789012:orders",
        });
        const derived = pulumi.all([topic.displayName, subscription.endpoint]).apply(
          ([name, endpoint]) => name + " -> " + endpoint,
        );
        return {
          secretInput: await describe(topic.displayName),
          unknownOutput: await describe(topic.arn),
          dependentInput: await describe(subscription.topic),
          dependentKnown: await describe(subscription.endpoint),
          derived: await describe(derived),
        };
      }, { preview: true, previewUnknowns: true }).then((run) =>
        process.stdout.write(JSON.stringify({
          installed: report.installed,
          ...run.result,
          subscriptionDependencies: run.resources.all.find((r) => r.name === "orders-queue").dependencies,
        })),
      );
    `);
    const topicUrn = "urn:pulumi:test::project::aws:sns/topic:Topic::orders";
    const subscriptionUrn =
      "urn:pulumi:test::project::aws:sns/topicSubscription:TopicSubscription::orders-queue";
    expect(lazy).to.deep.equal({
      secretInput: { value: "Orders", known: true, secret: true, resources: [topicUrn] },
      unknownOutput: { value: "(unknown)", known: false, secret: false, resources: [topicUrn] },
      dependentInput: {
        value: "(unknown)",
        known: false,
        secret: false,
        resources: [subscriptionUrn],
      },
      dependentKnown: {
        value: "arn:aws:sqs:us-east-1:123456789012:orders",
        known: true,
        secret: false,
        resources: [subscriptionUrn],
      },
      derived: {
        value: "Orders -> arn:aws:sqs:us-east-1:123456789012:orders",
        known: true,
        secret: true,
        resources: [topicUrn, subscriptionUrn].sort(),
      },
      subscriptionDependencies: [topicUrn],
    });
  });

  it("still fail the preview when a registration fails, with lazy-outputs on", function () {
    this.timeout(60_000);
    // The provider refuses one resource whose properties nobody reads: with lazy-outputs their
    // Outputs are never made, so the failure reaches the run through the resource's URN and
    // id, which the SDK rejects at once (preview/measures.ts, lazyTransferProperties).
    const result = lazyAndEager(`
      const { installPreviewMeasures } = require("./preview/measures.ts");
      const report = installPreviewMeasures();
      const aws = require("@pulumi/aws");
      const { runComponent } = require("./testing");
      runComponent(
        async () => {
          new aws.sns.Topic("orders", { displayName: "Orders" });
          new aws.sns.Topic("refused", { displayName: "Refused" });
          return "finished";
        },
        {
          outputs: (request) => {
            if (request.name === "refused") throw new Error("the provider refused refused");
            return undefined;
          },
        },
      ).then(
        (run) => process.stdout.write(JSON.stringify({ installed: report.installed, failed: false, result: run.result })),
        (error) => process.stdout.write(JSON.stringify({
          installed: report.installed,
          failed: true,
          message: String(error.cause?.message ?? error.message),
        })),
      );
    `);
    expect(result.failed).to.equal(true);
    expect(result.message).to.include("the provider refused refused");
  });
});
