import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { installPreviewMeasures, MEASURES_OFF_ENV } from "../../preview/measures";

const ROOT = path.resolve(__dirname, "..", "..");

describe("offline preview speed measures (preview/measures.ts)", () => {
  it("are all switched off by MULTIREGION_SERVERLESS_PREVIEW_OFF=all, naming the variable", () => {
    const report = installPreviewMeasures({ [MEASURES_OFF_ENV]: "all" });
    expect(report.installed).to.deep.equal([]);
    expect(report.skipped.map((skip) => skip.name)).to.deep.equal([
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
    expect(all.installed).to.deep.equal(["provider-text", "promise-debugging"]);
    const one = JSON.parse(run("promise-debugging").stdout) as { installed: string[] };
    expect(one.installed).to.deep.equal(["provider-text"]);
  });
});
