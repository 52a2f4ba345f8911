import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { StackConfigError } from "../../components/stackSettings";
import {
  checkThrowawayConfig,
  configForProgram,
  newThrowawayStackName,
  projectName,
  qualifiedStackName,
  stackFileOf,
  throwawaySettingsFromEnv,
  throwawayStackConfig,
  writeStackConfig,
} from "../../integration/stackConfig";
import { readStackConfig, runProgram } from "../../testing";

const PROJECT = "multiregion-serverless";
const STACK = "it-0a1b2c";
const repoRoot = path.resolve(__dirname, "../..");
const env = {
  IT_ACCOUNT_ID: "123456789012",
  IT_REGIONS: "us-east-1, eu-west-1",
  IT_ZONE_ID: "Z0123456789ITZONE",
  IT_DOMAIN: "IT.Example.com.",
};

describe("integration throwaway stack config", () => {
  it("reads the IT_* variables, with two default regions and the domain normalized", () => {
    expect(throwawaySettingsFromEnv(env)).to.deep.equal({
      accountId: "123456789012",
      regions: ["us-east-1", "eu-west-1"],
      zoneId: "Z0123456789ITZONE",
      domain: "it.example.com",
      pulumiOrg: undefined,
    });
    const defaults = throwawaySettingsFromEnv({ ...env, IT_REGIONS: " ", IT_PULUMI_ORG: "acme" });
    expect(defaults.regions).to.deep.equal(["us-east-1", "us-west-2"]);
    expect(qualifiedStackName(STACK, defaults)).to.equal("acme/it-0a1b2c");
    expect(qualifiedStackName(STACK, throwawaySettingsFromEnv(env))).to.equal(STACK);
  });

  it("names the stack it- and six hex digits", () => {
    expect(newThrowawayStackName(() => "c0ffee")).to.equal("it-c0ffee");
    expect(newThrowawayStackName()).to.match(/^it-[0-9a-f]{6}$/);
  });

  it("generates exactly this staging config for the first deployment (AllAtOnce, hooks on)", () => {
    expect(
      throwawayStackConfig(PROJECT, STACK, throwawaySettingsFromEnv(env), "first"),
    ).to.deep.equal({
      "aws:region": "us-east-1",
      "multiregion-serverless:environment": "staging",
      "multiregion-serverless:accountId": "123456789012",
      "multiregion-serverless:service": "it-0a1b2c",
      "multiregion-serverless:regions": ["us-east-1", "eu-west-1"],
      "multiregion-serverless:domain": { zoneId: "Z0123456789ITZONE", name: "it.example.com" },
      "multiregion-serverless:deployment": {
        type: "AllAtOnce",
        hooks: true,
        waitForCompletion: true,
        timeoutMinutes: 30,
      },
      "multiregion-serverless:logLevel": "DEBUG",
      "multiregion-serverless:tags": { purpose: "integration-test" },
    });
  });

  it("changes only the deployment type and the log level for the canary deployment", () => {
    const settings = throwawaySettingsFromEnv(env);
    const first = throwawayStackConfig(PROJECT, STACK, settings, "first");
    const canary = throwawayStackConfig(PROJECT, STACK, settings, "canary");
    const changed = Object.keys(canary).filter(
      (key) => JSON.stringify(canary[key]) !== JSON.stringify(first[key]),
    );
    expect(changed).to.deep.equal([
      "multiregion-serverless:deployment",
      "multiregion-serverless:logLevel",
    ]);
    expect(canary["multiregion-serverless:deployment"]).to.deep.include({
      type: { canary: { percentage: 10, intervalMinutes: 1 } },
    });
    expect(canary["multiregion-serverless:logLevel"]).to.equal("INFO");
  });

  it("passes the program's own loadStackSettings in both phases: staging, failover, hooks", () => {
    const settings = throwawaySettingsFromEnv(env);
    const first = checkThrowawayConfig(
      PROJECT,
      STACK,
      throwawayStackConfig(PROJECT, STACK, settings, "first"),
    );
    expect(first.settings).to.deep.include({
      environment: "staging",
      topology: "active-passive",
      primaryRegion: "us-east-1",
      standbyRegions: ["eu-west-1"],
      domain: { zoneId: "Z0123456789ITZONE", name: "it.example.com" },
      protectData: false,
      logLevel: "DEBUG",
    });
    expect(first.settings.deployment).to.deep.include({
      mode: "codedeploy",
      type: "AllAtOnce",
      hooks: true,
      waves: false,
    });
    expect(first.settings.table.enabled).to.equal(true);
    const canary = checkThrowawayConfig(
      PROJECT,
      STACK,
      throwawayStackConfig(PROJECT, STACK, settings, "canary"),
    );
    expect(canary.settings.deployment.type).to.deep.equal({
      canary: { percentage: 10, intervalMinutes: 1 },
    });
  });

  it("rejects bad IT_* values through loadStackSettings, every one at once, before anything exists", () => {
    const bad = throwawaySettingsFromEnv({
      IT_ACCOUNT_ID: "12345",
      IT_REGIONS: "us-east-1",
      IT_ZONE_ID: "zone",
      IT_DOMAIN: "example",
    });
    let error: unknown;
    try {
      checkThrowawayConfig(PROJECT, STACK, throwawayStackConfig(PROJECT, STACK, bad, "first"));
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(StackConfigError);
    const problems = (error as StackConfigError).problems.join("\n");
    expect(problems).to.contain(
      'multiregion-serverless:accountId is "12345": must be a 12-digit AWS account id',
    );
    expect(problems).to.contain("multiregion-serverless:domain.zoneId");
    expect(problems).to.contain("multiregion-serverless:domain.name");
    expect(problems).to.contain("needs a standby"); // IT_REGIONS with one region
  });

  it("writes the stack file under stacks/ as the CLI reads it, keeping what stack init stored", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "it-config-"));
    try {
      fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        "name: multiregion-serverless\nstackConfigDir: stacks\n",
      );
      const file = stackFileOf(dir, `acme/${STACK}`);
      expect(file).to.equal(path.join(dir, "stacks", `Pulumi.${STACK}.yaml`));
      fs.mkdirSync(path.dirname(file));
      fs.writeFileSync(file, "encryptionsalt: v1:abc\nconfig:\n  old:key: stale\n");
      const config = throwawayStackConfig(PROJECT, STACK, throwawaySettingsFromEnv(env), "canary");
      writeStackConfig(file, config);
      const written = parse(fs.readFileSync(file, "utf8"));
      expect(written.encryptionsalt).to.equal("v1:abc");
      expect(written.config).to.deep.equal(config);
      expect(readStackConfig(file).config).to.deep.equal(configForProgram(config));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads the project name and the stack config folder from the repository's Pulumi.yaml", () => {
    expect(projectName(repoRoot)).to.equal(PROJECT);
    expect(stackFileOf(repoRoot, STACK)).to.equal(
      path.join(repoRoot, "stacks", `Pulumi.${STACK}.yaml`),
    );
  });

  it("deploys under the mocks: two regions behind failover, hooks, and the canary publishes a new LOG_LEVEL", async () => {
    const settings = throwawaySettingsFromEnv(env);
    const run = (phase: "first" | "canary") =>
      runProgram(path.join(repoRoot, "index.ts"), {
        project: PROJECT,
        stack: STACK,
        config: configForProgram(throwawayStackConfig(PROJECT, STACK, settings, phase)),
        preview: true,
        call: (token) =>
          token === "aws:index/getCallerIdentity:getCallerIdentity"
            ? // aws.getCallerIdentity's result (@pulumi/aws GetCallerIdentityResult; STS
              // GetCallerIdentity's Account, Arn, UserId).
              {
                accountId: "123456789012",
                arn: "arn:aws:iam::123456789012:user/it",
                userId: "AIDAIT",
                id: "123456789012",
              }
            : undefined,
      });
    const first = await run("first");
    expect(first.result.regionOrder).to.deep.equal(["us-east-1", "eu-west-1"]);
    expect(first.result.endpoint).to.equal("https://it.example.com");
    expect(Object.keys(first.result.functions)).to.deep.equal(["us-east-1", "eu-west-1"]);
    expect(first.result.functions["eu-west-1"].orders).to.deep.include({
      aliasName: "live",
      mode: "codedeploy",
      deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
    });
    const failover = first.resources
      .ofType("aws:route53/record:Record")
      .map((r) => r.inputs.failoverRoutingPolicies?.[0]?.type)
      .filter(Boolean);
    expect(failover.sort()).to.deep.equal(["PRIMARY", "SECONDARY"]);
    const hooks = first.resources
      .ofType("aws:lambda/function:Function")
      .filter((f) => f.name.includes("-hook"));
    expect(hooks).to.have.length(4); // pre- and post-traffic in each region

    const canary = await run("canary");
    const logLevels = (r: typeof first) =>
      r.resources
        .ofType("aws:lambda/function:Function")
        .filter((f) => !f.name.includes("-hook"))
        .map((f) => f.inputs.environment.variables.LOG_LEVEL);
    expect(logLevels(first)).to.deep.equal(["DEBUG", "DEBUG"]);
    expect(logLevels(canary)).to.deep.equal(["INFO", "INFO"]);
    canary.resources.hasResourceProperties("aws:codedeploy/deploymentConfig:DeploymentConfig", {
      computePlatform: "Lambda",
      trafficRoutingConfig: {
        type: "TimeBasedCanary",
        timeBasedCanary: { percentage: 10, interval: 1 },
      },
    });
  });
});
