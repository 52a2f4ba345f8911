import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { allPolicies } from "../../policy/rules";
import { CliIo, main } from "../../preview/cli";

const ROOT = path.resolve(__dirname, "..", "..");
const DEPLOYMENT_POLICY = "prod-deployments-shift-traffic-gradually";

/** Runs the CLI in-process; returns its exit code and what it printed. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    isTTY: false,
    env: {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** The attributes of each `<element ...>` in an XML text, in order. */
function elements(xml: string, name: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${name}(\\s[^>]*)?/?>`, "g"))].map((match) =>
    Object.fromEntries(
      [...(match[1] ?? "").matchAll(/([\w:-]+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
    ),
  );
}

describe("offline preview CLI", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-cli-"));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("exits 1 on a mandatory violation and writes it to JSON, SARIF 2.1.0 and JUnit", async () => {
    const files = {
      json: path.join(dir, "out", "preview.json"),
      sarif: path.join(dir, "out", "preview.sarif"),
      junit: path.join(dir, "out", "preview.xml"),
    };
    const { code, stdout, stderr } = await cli(
      "prod",
      "--config",
      "deployment.type=AllAtOnce",
      // DEBUG logging in prod adds advisory violations: one per function (2 services, 4 hooks).
      "--config",
      "logLevel=DEBUG",
      "--json",
      files.json,
      "--sarif",
      files.sarif,
      "--junit",
      files.junit,
      "--no-color",
    );
    expect(code).to.equal(1);
    expect(stderr).to.equal("");
    expect(stdout).to.include("Rollout plan");
    expect(stdout).to.include("Preview failed: 2 mandatory violations, 6 advisory violations");

    const json = JSON.parse(fs.readFileSync(files.json, "utf8"));
    expect(json).to.deep.include({
      schemaVersion: 1,
      stack: "prod",
      status: "mandatory",
      exitCode: 1,
    });
    expect(json.policies.counts).to.deep.equal({ mandatory: 2, advisory: 6 });
    expect(json.rollout.deployments[0].deploymentType).to.equal("AllAtOnce");

    const sarif = JSON.parse(fs.readFileSync(files.sarif, "utf8"));
    expect(sarif.version).to.equal("2.1.0");
    expect(sarif.$schema).to.match(/sarif-2\.1\.0/);
    const [run] = sarif.runs;
    expect(run.tool.driver.name).to.equal("multiregion-serverless offline preview");
    expect(run.tool.driver.rules.map((rule: any) => rule.id)).to.deep.equal(
      allPolicies.map((policy) => policy.name),
    );
    const rule = run.tool.driver.rules.find((r: any) => r.id === DEPLOYMENT_POLICY);
    expect(rule.shortDescription.text).to.equal(
      allPolicies.find((p) => p.name === DEPLOYMENT_POLICY)!.description,
    );
    expect(rule.defaultConfiguration).to.deep.equal({ enabled: true, level: "error" });
    expect(run.results).to.have.length(8);
    const mandatory = run.results.filter((result: any) => result.ruleId === DEPLOYMENT_POLICY);
    expect(mandatory).to.have.length(2);
    for (const result of run.results) {
      expect(result.ruleId).to.be.a("string");
      expect(result.level).to.equal(result.ruleId === DEPLOYMENT_POLICY ? "error" : "warning");
      expect(result.message.text).to.be.a("string").and.not.equal("");
      expect(result.ruleIndex).to.equal(
        run.tool.driver.rules.findIndex((r: any) => r.id === result.ruleId),
      );
    }
    const [location] = mandatory[0].locations;
    expect(location.physicalLocation.artifactLocation.uri).to.equal("stacks/Pulumi.prod.yaml");
    expect(location.logicalLocations[0]).to.deep.equal({
      fullyQualifiedName: json.policies.violations.find(
        (v: any) => v.policyName === DEPLOYMENT_POLICY,
      ).urn,
      name: "orders-us-east-1-orders-deployment-group",
      kind: "resource",
    });
    expect(run.invocations[0]).to.deep.include({ executionSuccessful: true, exitCode: 1 });

    const xml = fs.readFileSync(files.junit, "utf8");
    const suites = elements(xml, "testsuite");
    expect(suites.map((suite) => suite.name)).to.deep.equal(
      allPolicies.map((policy) => policy.name),
    );
    const deploymentSuite = suites.find((suite) => suite.name === DEPLOYMENT_POLICY)!;
    expect(deploymentSuite).to.deep.include({ tests: "2", failures: "2" }); // one case per deployment group
    const failures = elements(xml, "failure");
    expect(failures).to.have.length(8);
    expect(failures.filter((failure) => failure.type === "mandatory")).to.have.length(2);
    expect(xml).to.include(
      'classname="prod-deployments-shift-traffic-gradually" name="aws:codedeploy/deploymentGroup:DeploymentGroup orders-us-east-1-orders-deployment-group"',
    );
    const regions = suites.find((suite) => suite.name === "prod-serves-from-multiple-regions")!;
    expect(regions).to.deep.include({ tests: "1", failures: "0" }); // a stack policy: one check
  });

  it("reads --policy-config as pulumi's --policy-pack-config: a disabled policy is skipped, in every report", async () => {
    const policyConfig = path.join(dir, "policy-config.json");
    fs.writeFileSync(policyConfig, JSON.stringify({ [DEPLOYMENT_POLICY]: "disabled" }));
    const junit = path.join(dir, "disabled.xml");
    const sarif = path.join(dir, "disabled.sarif");
    const { code, stdout } = await cli(
      "prod",
      "--quiet",
      "--config",
      "deployment.type=AllAtOnce",
      "--policy-config",
      policyConfig,
      "--junit",
      junit,
      "--sarif",
      sarif,
    );
    expect(code).to.equal(0);
    expect(stdout).to.not.include("Rollout plan"); // --quiet
    expect(stdout).to.include(`1 disabled (${DEPLOYMENT_POLICY})`);
    const xml = fs.readFileSync(junit, "utf8");
    expect(xml).to.match(
      new RegExp(
        `<testsuite name="${DEPLOYMENT_POLICY}" tests="1" failures="0" errors="0" skipped="1"`,
      ),
    );
    const rule = JSON.parse(fs.readFileSync(sarif, "utf8")).runs[0].tool.driver.rules.find(
      (r: any) => r.id === DEPLOYMENT_POLICY,
    );
    expect(rule.defaultConfiguration.enabled).to.equal(false);
  });

  it("exits 2 on a malformed stack config, prints the program's message, and records the failure", async () => {
    const json = path.join(dir, "error.json");
    const sarif = path.join(dir, "error.sarif");
    const junit = path.join(dir, "error.xml");
    const { code, stderr } = await cli(
      "staging",
      "--config",
      'regions=["us-east-1","us-east-3"]',
      "--json",
      json,
      "--sarif",
      sarif,
      "--junit",
      junit,
    );
    expect(code).to.equal(2);
    expect(stderr).to.match(
      /^error \(stack config\): stacks\/Pulumi\.staging\.yaml has 1 invalid setting:\n/,
    );
    expect(stderr).to.include("us-east-3");
    expect(stderr).to.not.match(/\n\s+at /); // no stack trace without --verbose
    expect(JSON.parse(fs.readFileSync(json, "utf8")).error.kind).to.equal("config");
    const run = JSON.parse(fs.readFileSync(sarif, "utf8")).runs[0];
    expect(run.invocations[0].executionSuccessful).to.equal(false);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).to.include("us-east-3");
    expect(elements(fs.readFileSync(junit, "utf8"), "error")[0].type).to.equal("config");
  });

  it("prints the stack trace of a program error with --verbose", async () => {
    const { code, stderr } = await cli(
      "dev",
      "--program",
      path.join("test", "fixtures", "failingProgram.ts"),
      "--verbose",
    );
    expect(code).to.equal(2);
    expect(stderr).to.include('Orders "orders" has 1 invalid argument');
    expect(stderr).to.match(/\n\s+at .*failingProgram/);
  });

  for (const [what, argv, message] of [
    ["no stack", [], /missing required argument 'stack'/],
    ["an unknown option", ["dev", "--colour"], /unknown option '--colour'/],
    ["an unknown stack", ["qa"], /no stack "qa"/],
    ["a malformed --config", ["dev", "--config", "=1"], /expected key=value/],
    [
      "a missing --policy-config file",
      ["dev", "--policy-config", "nope.json"],
      /cannot read it \(ENOENT\)/,
    ],
    ["a missing --program", ["dev", "--program", "nope.ts"], /--program nope.ts: no such file/],
  ] as const) {
    it(`exits 64 on ${what}`, async () => {
      const { code, stdout, stderr } = await cli(...argv);
      expect(code).to.equal(64);
      expect(stderr).to.match(message);
      expect(stdout).to.equal("");
    });
  }

  it("--help prints the usage with the exit codes and exits 0", async () => {
    const { code, stdout } = await cli("--help");
    expect(code).to.equal(0);
    expect(stdout).to.include("Usage: npm run preview -- [options] <stack>");
    expect(stdout).to.include(
      "Exit codes: 0 clean or advisory violations only, 1 a mandatory violation",
    );
    for (const option of [
      "--program",
      "--config",
      "--policy-config",
      "--json",
      "--sarif",
      "--junit",
      "--no-color",
      "--quiet",
    ]) {
      expect(stdout).to.include(option);
    }
  });

  it("names the installed command in its usage, and reads this package's version", async () => {
    let stdout = "";
    const io: CliIo = {
      stdout: (text) => (stdout += text),
      stderr: () => undefined,
      isTTY: false,
      env: {},
      commandName: "multiregion-serverless preview",
    };
    expect(await main(["--help"], io)).to.equal(0);
    expect(stdout).to.include("Usage: multiregion-serverless preview [options] <stack>");
    stdout = "";
    expect(await main(["--version"], io)).to.equal(0);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(stdout.trim()).to.equal(require("../../package.json").version);
  });

  it("`npm run preview` wires the exit code end to end (node preview/run.js)", function () {
    this.timeout(120_000); // the first run transpiles the sources (cached afterwards)
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(manifest.scripts.preview).to.equal("node preview/run.js");
    const run = spawnSync(
      process.execPath,
      ["preview/run.js", "prod", "--quiet", "--config", "deployment.type=AllAtOnce"],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    expect(run.stderr).to.equal("");
    expect(run.status).to.equal(1);
    expect(run.stdout).to.include("[mandatory] prod-deployments-shift-traffic-gradually");
  });
});
