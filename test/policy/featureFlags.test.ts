import { expect } from "chai";
import { PREDEFINED_FLAG_STRATEGY_SHAPES } from "../../components";
import {
  flagsDeployedToEveryServingRegion,
  PREDEFINED_FLAG_STRATEGY_STEPS,
  prodFlagDeploymentsGradualAndMonitored,
} from "../../policy/rules";
import { CapturedResource } from "../../testing";
import { check, devTags, messages, prodTags, resource, UNKNOWN_INPUT } from "./fixtures";

const DEPLOYMENT = "aws:appconfig/deployment:Deployment";
const ENVIRONMENT = "aws:appconfig/environment:Environment";
const STRATEGY = "aws:appconfig/deploymentStrategy:DeploymentStrategy";
const PROFILE = "aws:appconfig/configurationProfile:ConfigurationProfile";
const FUNCTION = "aws:lambda/function:Function";

const monitors = [{ alarmArn: "arn:aws:cloudwatch:us-east-1:1:alarm:errors", alarmRoleArn: "r" }];

/** A flag deployment referring to its environment, profile and strategy as the component's do. */
function flagDeployment(
  strategy: unknown,
  tags = prodTags,
  region = "us-east-1",
  targets: CapturedResource[] = [],
) {
  return resource(
    DEPLOYMENT,
    `flags-${region}`,
    {
      region,
      deploymentStrategyId: strategy,
      environmentId: UNKNOWN_INPUT,
      configurationProfileId: UNKNOWN_INPUT,
      tags,
    },
    { dependencies: targets.map((target) => target.urn) },
  );
}
function environment(watch: unknown, region = "us-east-1", name = `env-${region}`) {
  return resource(ENVIRONMENT, name, { region, name: "prod", monitors: watch });
}
function flagProfile(region = "us-east-1") {
  return resource(PROFILE, `profile-${region}`, { region, type: "AWS.AppConfig.FeatureFlags" });
}

describe("policy prod-flag-deployments-gradual-and-monitored", () => {
  it("passes a prod canary watched by alarms, and a dev deployment at once without alarms", async () => {
    const watched = environment(monitors);
    expect(
      await check(prodFlagDeploymentsGradualAndMonitored, [
        flagDeployment("AppConfig.Canary10Percent20Minutes", prodTags, "us-east-1", [watched]),
        watched,
      ]),
    ).to.deep.equal([]);
    const unwatched = environment(undefined);
    expect(
      await check(prodFlagDeploymentsGradualAndMonitored, [
        flagDeployment("AppConfig.AllAtOnce", devTags, "us-east-1", [unwatched]),
        unwatched,
      ]),
    ).to.deep.equal([]);
  });

  it("a prod deployment all at once, to an environment without alarms, is two mandatory violations", async () => {
    const unwatched = environment([]);
    const violations = await check(prodFlagDeploymentsGradualAndMonitored, [
      flagDeployment("AppConfig.AllAtOnce", prodTags, "us-east-1", [unwatched]),
      unwatched,
    ]);
    expect(violations.map((v) => v.enforcementLevel)).to.deep.equal(["mandatory", "mandatory"]);
    expect(messages(violations)).to.deep.equal([
      "The production flag deployment in us-east-1 uses AppConfig.AllAtOnce, which is not gradual enough for production (all at once, no bake time, or a testing strategy): use AppConfig.Canary10Percent20Minutes or AppConfig.Linear20PercentEvery6Minutes (featureFlags.rollout.strategy), or a custom rollout with growthFactor below 100, a duration and a bake time.",
      "The production flag environment in us-east-1 has no alarms (monitors): a flag that raises errors would stay on. Give FeatureFlags the functions' alarms (monitors).",
    ]);
  });

  it("judges a custom strategy, whose id is unknown at preview, by the region's strategy resource", async () => {
    const watched = environment(monitors);
    const custom = (growthFactor: number, bake = 10) => {
      const strategy = resource(STRATEGY, "strategy", {
        region: "us-east-1",
        growthFactor,
        deploymentDurationInMinutes: 30,
        finalBakeTimeInMinutes: bake,
      });
      return check(prodFlagDeploymentsGradualAndMonitored, [
        flagDeployment(UNKNOWN_INPUT, prodTags, "us-east-1", [watched, strategy]),
        strategy,
        watched,
      ]);
    };
    expect(await custom(25)).to.deep.equal([]);
    expect(messages(await custom(100))).to.deep.equal([
      "The production flag deployment in us-east-1 uses a custom strategy of 100% over 30 min, bake 10 min, which is not gradual enough for production (all at once, no bake time, or a testing strategy): use AppConfig.Canary10Percent20Minutes or AppConfig.Linear20PercentEvery6Minutes (featureFlags.rollout.strategy), or a custom rollout with growthFactor below 100, a duration and a bake time.",
    ]);
  });

  it("prod needs a bake time: a custom strategy without one is a violation", async () => {
    const watched = environment(monitors);
    const strategy = resource(STRATEGY, "strategy", {
      region: "us-east-1",
      growthFactor: 20,
      deploymentDurationInMinutes: 30,
      finalBakeTimeInMinutes: 0,
    });
    expect(
      messages(
        await check(prodFlagDeploymentsGradualAndMonitored, [
          flagDeployment(UNKNOWN_INPUT, prodTags, "us-east-1", [watched, strategy]),
          strategy,
          watched,
        ]),
      ),
    ).to.deep.equal([
      "The production flag deployment in us-east-1 uses a custom strategy of 20% over 30 min, bake 0 min, which is not gradual enough for production (all at once, no bake time, or a testing strategy): use AppConfig.Canary10Percent20Minutes or AppConfig.Linear20PercentEvery6Minutes (featureFlags.rollout.strategy), or a custom rollout with growthFactor below 100, a duration and a bake time.",
    ]);
  });

  it("AppConfig.Linear50PercentEvery30Seconds (testing and demos) is not gradual for prod", async () => {
    const watched = environment(monitors);
    expect(
      messages(
        await check(prodFlagDeploymentsGradualAndMonitored, [
          flagDeployment("AppConfig.Linear50PercentEvery30Seconds", prodTags, "us-east-1", [
            watched,
          ]),
          watched,
        ]),
      ),
    ).to.have.length(1);
  });

  it("judges the strategy the deployment refers to, not another one of the region", async () => {
    const watched = environment(monitors);
    const allAtOnce = resource(STRATEGY, "other-service-strategy", {
      region: "us-east-1",
      growthFactor: 100,
      deploymentDurationInMinutes: 0,
      finalBakeTimeInMinutes: 0,
    });
    const gradual = resource(STRATEGY, "strategy", {
      region: "us-east-1",
      growthFactor: 10,
      deploymentDurationInMinutes: 20,
      finalBakeTimeInMinutes: 10,
    });
    expect(
      await check(prodFlagDeploymentsGradualAndMonitored, [
        flagDeployment(UNKNOWN_INPUT, prodTags, "us-east-1", [watched, gradual]),
        allAtOnce,
        gradual,
        watched,
      ]),
    ).to.deep.equal([]);
  });

  it("an unresolvable strategy or environment is reported as cannot judge, not passed", async () => {
    const watched = environment(monitors);
    const strategies = ["a", "b"].map((name) =>
      resource(STRATEGY, name, {
        region: "us-east-1",
        growthFactor: 10,
        deploymentDurationInMinutes: 20,
        finalBakeTimeInMinutes: 10,
      }),
    );
    expect(
      messages(
        await check(prodFlagDeploymentsGradualAndMonitored, [
          flagDeployment(UNKNOWN_INPUT, prodTags, "us-east-1", []),
          ...strategies,
          watched,
        ]),
      ),
    ).to.deep.equal([
      "Cannot judge the production flag deployment in us-east-1: its strategy (an id unknown at preview) is neither a predefined AppConfig strategy nor a DeploymentStrategy of this stack with known growth, duration and bake time. Use a predefined gradual strategy or a custom rollout (featureFlags.rollout).",
      "Cannot judge the production flag deployment in us-east-1: the environment it targets is not an AppConfig Environment of this stack, so its alarms (monitors) cannot be checked.",
    ]);
  });

  it("checks the alarms of the environment the deployment targets", async () => {
    const watched = environment(monitors, "us-east-1", "other-env");
    const target = environment([], "us-east-1", "target-env");
    expect(
      messages(
        await check(prodFlagDeploymentsGradualAndMonitored, [
          flagDeployment("AppConfig.Canary10Percent20Minutes", prodTags, "us-east-1", [target]),
          watched,
          target,
        ]),
      ),
    ).to.deep.equal([
      "The production flag environment in us-east-1 has no alarms (monitors): a flag that raises errors would stay on. Give FeatureFlags the functions' alarms (monitors).",
    ]);
  });

  it("knows the predefined strategies as the component does", () => {
    expect(PREDEFINED_FLAG_STRATEGY_STEPS).to.deep.equal(
      Object.fromEntries(
        Object.entries(PREDEFINED_FLAG_STRATEGY_SHAPES).map(([name, shape]) => [
          name,
          { growthFactor: shape.growthFactor, durationMinutes: shape.durationMinutes },
        ]),
      ),
    );
  });
});

describe("policy flags-deployed-to-every-serving-region", () => {
  const profile = flagProfile();
  const fn = (region: string) => resource(FUNCTION, `fn-${region}`, { region, role: "r" });

  it("passes when every function's region has a flag deployment", async () => {
    expect(
      await check(flagsDeployedToEveryServingRegion, [
        profile,
        fn("us-east-1"),
        fn("us-west-2"),
        flagDeployment("AppConfig.Canary10Percent20Minutes", prodTags, "us-east-1", [profile]),
        flagDeployment("AppConfig.Canary10Percent20Minutes", prodTags, "us-west-2", [profile]),
      ]),
    ).to.deep.equal([]);
  });

  it("only deployments of the flag profile count", async () => {
    const otherProfile = resource(PROFILE, "settings-profile", {
      region: "us-west-2",
      type: "AWS.Freeform",
    });
    expect(
      messages(
        await check(flagsDeployedToEveryServingRegion, [
          profile,
          otherProfile,
          fn("us-east-1"),
          fn("us-west-2"),
          flagDeployment("AppConfig.Canary10Percent20Minutes", prodTags, "us-east-1", [profile]),
          flagDeployment("AppConfig.AllAtOnce", prodTags, "us-west-2", [otherProfile]),
        ]),
      ),
    ).to.deep.equal([
      "Functions run in us-west-2, but no feature-flag deployment does: those regions would serve stale flags. List every serving region in FeatureFlags regions.",
    ]);
  });

  it("a serving region without the flags is a violation naming it", async () => {
    expect(
      messages(
        await check(flagsDeployedToEveryServingRegion, [
          profile,
          fn("us-east-1"),
          fn("us-west-2"),
          flagDeployment("AppConfig.Canary10Percent20Minutes", prodTags, "us-east-1", [profile]),
        ]),
      ),
    ).to.deep.equal([
      "Functions run in us-west-2, but no feature-flag deployment does: those regions would serve stale flags. List every serving region in FeatureFlags regions.",
    ]);
  });

  it("a stack without flags is not judged", async () => {
    expect(await check(flagsDeployedToEveryServingRegion, [fn("us-east-1")])).to.deep.equal([]);
  });
});
