// The README's multi-region example, run as the user would preview it, passes the policy pack.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import * as components from "../../components";
import { runPolicies } from "../../policy/offline";
import { runComponent } from "../../testing";

const ROOT = path.resolve(__dirname, "..", "..");

/** The first `ts` block of the README's "## Multi-region" section, compiled to CommonJS. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## Multi-region\n"));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  expect(block, "a ts block in README's Multi-region section").to.not.equal(null);
  return ts.transpileModule(block![1], {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
  }).outputText;
}

/** Runs the example's statements, with the package's own name resolved to this repository. */
function runExample(js: string): void {
  const modules: Record<string, unknown> = {
    "multiregion-serverless": components,
    "@pulumi/pulumi": pulumi,
  };
  const requireModule = (name: string) => {
    if (!(name in modules)) {
      throw new Error(`the README example imports ${name}, which this test does not provide`);
    }
    return modules[name];
  };
  const module = { exports: {} };
  new Function("require", "module", "exports", js)(requireModule, module, module.exports);
}

describe("README multi-region example", () => {
  it("previews with no violation of the policy pack, the two-standby SECONDARY included", async () => {
    const js = readmeExample();
    expect(js).to.include("standbyRegions");
    // As `pulumi preview` sees a new stack (ids and computed outputs unknown), and as it sees
    // the stack once created.
    for (const previewUnknowns of [true, false]) {
      const { resources } = await runComponent(() => runExample(js), {
        preview: true,
        previewUnknowns,
      });
      const secondary = resources.get(
        "aws:route53/record:Record",
        "orders-failover-secondary",
      ).inputs;
      expect(secondary.aliases[0]).to.include({
        name: "standby.api.example.com",
        evaluateTargetHealth: true,
      });
      const violations = await runPolicies(resources.all);
      expect(violations, `previewUnknowns: ${previewUnknowns}`).to.deep.equal([]);
    }
  });
});
