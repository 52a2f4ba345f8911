import { expect } from "chai";
import { PREDEFINED_FLAG_STRATEGY_SHAPES } from "../../components";
import {
  flagsDeployedToEveryServingRegion,
  PREDEFINED_FLAG_STRATEGY_STEPS,
  prodFlagDeploymentsGradualAndMonitored,
} from "../../policy/rules";
import { check, devTags, messages, prodTags, resource, UNKNOWN_INPUT } from "./fixtures";

const DEPLOYMENT = "aws:appconfig/deployment:Deployment";
const ENVIRONMENT = "aws:appconfig/environment:Environment";
const STRATEGY = "aws:appconfig/deploymentStrategy:DeploymentStrategy";
const PROFILE = "aws:appconfig/configurationProfile:ConfigurationProfile";
const FUNCTION = "aws:lambda/function:Function";

const monitors = [{ alarmArn: "arn:aws:cloudwatch:us-east-1:1:alarm:errors", alarmRoleArn: "r" }];

function flagDeployment(strategy: unknown, tags = prodTags, region = "us-east-1") {
  return resource(DEPLOYMENT, `flags-${region}`, {
    region,
    deploymentStrategyId: strategy,
    tags,
  });
}
function environment(watch: unknown, region = "us-east-1") {
  return resource(ENVIRONMENT, `env-${region}`, { region, name: "prod", monitors: watch });
}

describe("policy prod-flag-deployments-gradual-and-monitored", () => {
  it("passes a prod canary watched by alarms, and a dev deployment at once without alarms", async () => {
    expect(
      await check(prodFlagDeploymentsGradualAndMonitored, [
        flagDeployment("AppConfig.Canary10Percent20Minutes"),
        environment(monitors),
      ]),
    ).to.deep.equal([]);
    expect(
      await check(prodFlagDeploymentsGradualAndMonitored, [
        flagDeployment("AppConfig.AllAtOnce", devTags),
        environment(undefined),
      ]),
    ).to.deep.equal([]);
  });

  it("a prod deployment all at once, to an environment without alarms, is two mandatory violations", async () => {
    const violations = await check(prodFlagDeploymentsGradualAndMonitored, [
      flagDeployment("AppConfig.AllAtOnce"),
      environment([]),
    ]);
    expect(violations.map((v) => v.enforcementLevel)).to.deep.equal(["mandatory", "mandatory"]);
    expect(messages(violations)).to.deep.equal([
      "The production flag deployment in us-east-1 uses AppConfig.AllAtOnce, which reaches every function at once: use AppConfig.Canary10Percent20Minutes or AppConfig.Linear20PercentEvery6Minutes (featureFlags.rollout.strategy), or a custom rollout with growthFactor below 100 and a duration.",
      "The production flag environment in us-east-1 has no alarms (monitors): a flag that raises errors would stay on. Give FeatureFlags the functions' alarms (monitors).",
    ]);
  });

  it("judges a custom strategy, whose id is unknown at preview, by the region's strategy resource", async () => {
    const custom = (growthFactor: number) =>
      check(prodFlagDeploymentsGradualAndMonitored, [
        flagDeployment(UNKNOWN_INPUT),
        resource(STRATEGY, "strategy", {
          region: "us-east-1",
          growthFactor,
          deploymentDurationInMinutes: 30,
        }),
        environment(monitors),
      ]);
    expect(await custom(25)).to.deep.equal([]);
    expect(messages(await custom(100))).to.deep.equal([
      "The production flag deployment in us-east-1 uses a custom strategy of 100% over 30 min, which reaches every function at once: use AppConfig.Canary10Percent20Minutes or AppConfig.Linear20PercentEvery6Minutes (featureFlags.rollout.strategy), or a custom rollout with growthFactor below 100 and a duration.",
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
  const profile = resource(PROFILE, "profile", {
    region: "us-east-1",
    type: "AWS.AppConfig.FeatureFlags",
  });
  const fn = (region: string) => resource(FUNCTION, `fn-${region}`, { region, role: "r" });

  it("passes when every function's region has a flag deployment", async () => {
    expect(
      await check(flagsDeployedToEveryServingRegion, [
        profile,
        fn("us-east-1"),
        fn("us-west-2"),
        flagDeployment("AppConfig.Canary10Percent20Minutes", prodTags, "us-east-1"),
        flagDeployment("AppConfig.Canary10Percent20Minutes", prodTags, "us-west-2"),
      ]),
    ).to.deep.equal([]);
  });

  it("a serving region without the flags is a violation naming it", async () => {
    expect(
      messages(
        await check(flagsDeployedToEveryServingRegion, [
          profile,
          fn("us-east-1"),
          fn("us-west-2"),
          flagDeployment("AppConfig.Canary10Percent20Minutes", prodTags, "us-east-1"),
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
