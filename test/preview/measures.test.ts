import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { installPreviewMeasures, MEASURES_OFF_ENV } from "../../preview/measures";

const ROOT = path.resolve(__dirname, "..", "..");
// The preview's own loader (cached transpiles), as preview/run.js starts: faster than ts-node.
const LOADER = 'require("./preview/register").register();';

describe("offline preview speed measures (preview/measures.ts)", () => {
  it("are all switched off by MULTIREGION_SERVERLESS_PREVIEW_OFF=all, naming the variable", () => {
    const report = installPreviewMeasures({ [MEASURES_OFF_ENV]: "all" });
    expect(report.installed).to.deep.equal([]);
    expect(report.skipped.map((skip) => skip.name)).to.deep.equal([
      "unused-modules",
      "lazy-outputs",
      "provider-text",
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
      "lazy-outputs",
      "provider-text",
      "promise-debugging",
    ]);
    const some = JSON.parse(run("promise-debugging, lazy-outputs").stdout) as {
      installed: string[];
    };
    expect(some.installed).to.deep.equal(["unused-modules", "provider-text"]);
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
      JSON.parse(
        spawnSync(process.execPath, ["-e", `${LOADER}\n${script}`], {
          cwd: ROOT,
          encoding: "utf8",
          env: { ...process.env, [MEASURES_OFF_ENV]: off },
        }).stdout,
      ) as { before: boolean; after: boolean; name: string; serialize: string };
    expect(run("")).to.deep.equal({
      before: false,
      after: true,
      name: "Arborist",
      serialize: "function",
    });
    expect(run("unused-modules").before).to.equal(true);
  });

  it("make a resource's property Outputs when read, with the values the SDK resolves", function () {
    this.timeout(60_000);
    // Under the harness's mocks, as the preview runs: a topic's outputs read before and after
    // its registration, and one never read.
    const script = `
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
    `;
    const run = (off: string) =>
      JSON.parse(
        spawnSync(process.execPath, ["-e", `${LOADER}\n${script}`], {
          cwd: ROOT,
          encoding: "utf8",
          env: { ...process.env, [MEASURES_OFF_ENV]: off },
        }).stdout,
      ) as Record<string, unknown>;
    const lazy = run("");
    const eager = run("lazy-outputs");
    expect(lazy.installed).to.include("lazy-outputs");
    expect(eager.installed).to.not.include("lazy-outputs");
    delete lazy.installed;
    delete eager.installed;
    expect(lazy).to.deep.equal(eager);
    expect(lazy.arn).to.match(/^arn:aws:sns:us-east-1:\d{12}:orders/);
    expect(lazy).to.deep.include({
      own: true,
      early: "Orders",
      same: true,
      keys: true,
    });
  });
});
