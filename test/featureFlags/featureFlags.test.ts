import { expect } from "chai";
import { FeatureFlags, FeatureFlagsArgs } from "../../components";
import { promiseOf, runComponent } from "../../testing";
import {
  alarmArn,
  APPLICATION,
  DEPLOYMENT,
  ENVIRONMENT,
  newOrderValidation,
  PROFILE,
  ROLE,
  ROLE_POLICY,
  STRATEGY,
  VERSION,
} from "./fixtures";

const prod: FeatureFlagsArgs = {
  regions: ["us-east-1", "us-west-2"],
  environment: "prod",
  flags: [newOrderValidation],
};

function run(args: FeatureFlagsArgs) {
  return runComponent(() => new FeatureFlags("orders-flags", args));
}

describe("FeatureFlags: AppConfig feature flags in every serving region", () => {
  it("one region: an application, the stack's environment, a flag profile, the flags as a version and a deployment", async () => {
    const { result, resources } = await run({ ...prod, regions: ["us-east-1"] });
    const application = resources.hasResourceProperties(APPLICATION, {
      region: "us-east-1",
      name: "orders-flags",
    });
    const environment = resources.hasResourceProperties(ENVIRONMENT, {
      region: "us-east-1",
      name: "prod",
      applicationId: application.id,
    });
    const profile = resources.hasResourceProperties(PROFILE, {
      region: "us-east-1",
      name: "feature-flags",
      applicationId: application.id,
      locationUri: "hosted",
      type: "AWS.AppConfig.FeatureFlags",
    });
    const version = resources.hasResourceProperties(VERSION, {
      region: "us-east-1",
      applicationId: application.id,
      configurationProfileId: profile.id,
      contentType: "application/json",
    });
    expect(JSON.parse(version.inputs.content)).to.deep.include({
      version: "1",
      values: { newOrderValidation: { enabled: true, maxItems: 50 } },
    });
    resources.hasResourceProperties(DEPLOYMENT, {
      region: "us-east-1",
      applicationId: application.id,
      environmentId: environment.id,
      configurationProfileId: profile.id,
      configurationVersion: "1",
      deploymentStrategyId: "AppConfig.Canary10Percent20Minutes",
    });
    const hashes = await promiseOf(result.contentHashes);
    expect(Object.keys(hashes)).to.deep.equal(["us-east-1"]);
    expect(version.inputs.description).to.equal(`sha256 ${hashes["us-east-1"]}`);
  });

  it("several regions: the same flags deployed to each, every child in its region", async () => {
    const { result, resources } = await run(prod);
    for (const type of [APPLICATION, ENVIRONMENT, PROFILE, VERSION, DEPLOYMENT]) {
      expect(
        resources.ofType(type).map((r) => r.region),
        type,
      ).to.deep.equal(["us-east-1", "us-west-2"]);
    }
    const [east, west] = resources.ofType(VERSION).map((v) => v.inputs.content);
    expect(west).to.equal(east);
    const hashes = await promiseOf(result.contentHashes);
    expect(hashes["us-east-1"]).to.equal(hashes["us-west-2"]);
    // Each region's deployment uses that region's own application, environment and profile.
    for (const deployment of resources.ofType(DEPLOYMENT)) {
      const application = resources.byId(deployment.inputs.applicationId)!;
      const environment = resources.byId(deployment.inputs.environmentId)!;
      expect(application.region).to.equal(deployment.region);
      expect(environment.region).to.equal(deployment.region);
    }
  });

  it("a predefined strategy is used by name; no strategy resource is created", async () => {
    const { resources } = await run({
      ...prod,
      rollout: { strategy: "AppConfig.Linear20PercentEvery6Minutes" },
    });
    resources.resourceCountIs(STRATEGY, 0);
    resources.allResourcesProperties(DEPLOYMENT, {
      deploymentStrategyId: "AppConfig.Linear20PercentEvery6Minutes",
    });
  });

  it("a custom strategy becomes a deployment strategy per region with its growth, duration and bake time", async () => {
    const { result, resources } = await run({
      ...prod,
      rollout: {
        growthType: "EXPONENTIAL",
        growthFactor: 5,
        durationMinutes: 60,
        finalBakeTimeMinutes: 15,
      },
    });
    const strategies = resources.allResourcesProperties(STRATEGY, {
      growthType: "EXPONENTIAL",
      growthFactor: 5,
      deploymentDurationInMinutes: 60,
      finalBakeTimeInMinutes: 15,
      replicateTo: "NONE",
    });
    expect(strategies.map((s) => s.region)).to.deep.equal(["us-east-1", "us-west-2"]);
    for (const deployment of resources.ofType(DEPLOYMENT)) {
      const strategy = resources.byId(deployment.inputs.deploymentStrategyId)!;
      expect(strategy.type).to.equal(STRATEGY);
      expect(strategy.region).to.equal(deployment.region);
    }
    expect(await promiseOf(result.strategy)).to.equal(
      "custom (exponential 5%, 60 min, bake 15 min)",
    );
  });

  it("alarms are each region's monitors, read through a role AppConfig assumes", async () => {
    const { result, resources } = await run({
      ...prod,
      monitors: [
        { region: "us-east-1", alarmArn: alarmArn("us-east-1", "orders-errors") },
        { region: "us-west-2", alarmArn: alarmArn("us-west-2", "orders-errors") },
        { region: "us-west-2", alarmArn: alarmArn("us-west-2", "orders-duration") },
      ],
    });
    const role = resources.hasResourceProperties(ROLE, {});
    expect(JSON.parse(role.inputs.assumeRolePolicy)).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "appconfig.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ],
    });
    const roleArn = await promiseOf(result.monitorRoleArn!);
    const [east, west] = resources.ofType(ENVIRONMENT);
    expect(east.inputs.monitors).to.deep.equal([
      { alarmArn: alarmArn("us-east-1", "orders-errors"), alarmRoleArn: roleArn },
    ]);
    expect(west.inputs.monitors.map((m: { alarmArn: string }) => m.alarmArn)).to.deep.equal([
      alarmArn("us-west-2", "orders-errors"),
      alarmArn("us-west-2", "orders-duration"),
    ]);
    const policy = resources.ofType(ROLE_POLICY).find((p) => p.inputs.role === role.outputs.name)!;
    expect(JSON.parse(policy.inputs.policy).Statement).to.deep.equal([
      {
        Sid: "ReadRollbackAlarms",
        Effect: "Allow",
        Action: ["cloudwatch:DescribeAlarms"],
        Resource: [
          alarmArn("us-east-1", "orders-errors"),
          alarmArn("us-west-2", "orders-errors"),
          alarmArn("us-west-2", "orders-duration"),
        ],
      },
    ]);
  });

  it("without monitors there is no role and the environments watch nothing", async () => {
    const { result, resources } = await run(prod);
    resources.resourceCountIs(ROLE, 0);
    expect(result.monitorRoleArn).to.equal(undefined);
    for (const environment of resources.ofType(ENVIRONMENT)) {
      expect(environment.inputs.monitors).to.equal(undefined);
    }
  });

  it("a reader role may start a session and get the latest configuration of its region's profile only", async () => {
    const { result, resources } = await run({
      ...prod,
      readers: [
        { region: "us-east-1", roleName: "orders-east-role" },
        { region: "us-west-2", roleName: "orders-west-role" },
      ],
    });
    const arns = await promiseOf(result.configurationArns);
    for (const [region, roleName] of [
      ["us-east-1", "orders-east-role"],
      ["us-west-2", "orders-west-role"],
    ]) {
      const application = resources.find(APPLICATION, { region })[0];
      const environment = resources.find(ENVIRONMENT, { region })[0];
      const profile = resources.find(PROFILE, { region })[0];
      // Service Authorization Reference, appconfig resource type "configuration".
      const expected = `arn:aws:appconfig:${region}:123456789012:application/${application.id}/environment/${environment.outputs.environmentId}/configuration/${profile.outputs.configurationProfileId}`;
      expect(arns[region]).to.equal(expected);
      const policy = resources.hasResourceProperties(ROLE_POLICY, { role: roleName });
      expect(JSON.parse(policy.inputs.policy).Statement).to.deep.equal([
        {
          Sid: "ReadFeatureFlags",
          Effect: "Allow",
          Action: ["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"],
          Resource: [expected],
        },
      ]);
    }
  });

  it("changing a flag changes the content hash a preview shows", async () => {
    const on = await run(prod);
    const off = await run({ ...prod, flags: [{ ...newOrderValidation, enabled: false }] });
    const onHash = (await promiseOf(on.result.contentHashes))["us-east-1"];
    const offHash = (await promiseOf(off.result.contentHashes))["us-east-1"];
    expect(offHash).to.not.equal(onHash);
  });
});
