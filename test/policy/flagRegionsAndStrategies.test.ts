// The mandatory feature-flag policies at their edges: which resources make a region "serving",
// how a deployment names its profile and strategy by id, and how missing regions are listed
// (docs/testing.md, "Mutation testing"). Shapes follow aws.appconfig.Deployment,
// ConfigurationProfile and DeploymentStrategy inputs (Pulumi AWS registry; the profile's
// `configurationProfileId` output is the id CreateConfigurationProfile returns).
import { expect } from "chai";
import {
  flagsDeployedToEveryServingRegion,
  prodFlagDeploymentsGradualAndMonitored,
} from "../../policy/rules";
import { check, messages, prodTags, resource, UNKNOWN_INPUT } from "./fixtures";

const DEPLOYMENT = "aws:appconfig/deployment:Deployment";
const PROFILE = "aws:appconfig/configurationProfile:ConfigurationProfile";
const STRATEGY = "aws:appconfig/deploymentStrategy:DeploymentStrategy";
const ENVIRONMENT = "aws:appconfig/environment:Environment";
const FUNCTION = "aws:lambda/function:Function";

const flagProfile = resource(
  PROFILE,
  "flags",
  { region: "us-east-1", type: "AWS.AppConfig.FeatureFlags" },
  { outputs: { configurationProfileId: "abc1234", type: "AWS.AppConfig.FeatureFlags" } },
);
const fn = (region: string) => resource(FUNCTION, `fn-${region}`, { region, role: "r" });

/** A deployment naming its profile by a known id, with no dependency the policy could follow. */
function deploymentOfProfile(profileId: string, region: string) {
  return resource(DEPLOYMENT, `flags-${region}`, {
    region,
    configurationProfileId: profileId,
    deploymentStrategyId: "AppConfig.Canary10Percent20Minutes",
    environmentId: UNKNOWN_INPUT,
    tags: prodTags,
  });
}

const staleMessage = (regions: string) =>
  `Functions run in ${regions}, but no feature-flag deployment does: those regions would serve stale flags. List every serving region in FeatureFlags regions.`;

describe("policy flags-deployed-to-every-serving-region, edges", () => {
  it("follows a deployment's known configurationProfileId to the flag profile", async () => {
    expect(
      await check(flagsDeployedToEveryServingRegion, [
        flagProfile,
        fn("us-east-1"),
        deploymentOfProfile("abc1234", "us-east-1"),
      ]),
    ).to.deep.equal([]);
    expect(
      messages(
        await check(flagsDeployedToEveryServingRegion, [
          flagProfile,
          fn("us-east-1"),
          deploymentOfProfile("zzz9999", "us-east-1"),
        ]),
      ),
    ).to.deep.equal([staleMessage("us-east-1")]);
  });

  it("counts only Lambda functions as serving, and lists missing regions sorted", async () => {
    const violations = await check(flagsDeployedToEveryServingRegion, [
      flagProfile,
      fn("us-west-2"),
      fn("eu-west-1"),
      resource("aws:sqs/queue:Queue", "dlq", { region: "ap-southeast-2" }),
    ]);
    expect(messages(violations)).to.deep.equal([staleMessage("eu-west-1, us-west-2")]);
  });

  it("does not name a function whose region is unknown at preview", async () => {
    const unknownRegion = resource(FUNCTION, "fn-unknown", { region: UNKNOWN_INPUT, role: "r" });
    unknownRegion.region = undefined;
    expect(
      await check(flagsDeployedToEveryServingRegion, [flagProfile, unknownRegion]),
    ).to.deep.equal([]);
  });
});

describe("policy prod-flag-deployments-gradual-and-monitored, custom strategies", () => {
  const watched = resource(ENVIRONMENT, "env", {
    region: "us-east-1",
    name: "prod",
    monitors: [{ alarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:errors" }],
  });

  /** A custom strategy found by its known id (the deployment has no dependency on it). */
  function customRollout(durationMinutes: number) {
    const strategy = resource(
      STRATEGY,
      "rollout",
      {
        region: "us-east-1",
        growthFactor: 20,
        deploymentDurationInMinutes: durationMinutes,
        finalBakeTimeInMinutes: 10,
        replicateTo: "NONE",
      },
      { id: "strat12" },
    );
    strategy.outputs.id = "strat12";
    const deployment = resource(
      DEPLOYMENT,
      "flags",
      {
        region: "us-east-1",
        deploymentStrategyId: "strat12",
        environmentId: UNKNOWN_INPUT,
        configurationProfileId: UNKNOWN_INPUT,
        tags: prodTags,
      },
      { dependencies: [watched.urn] },
    );
    return [strategy, deployment, watched];
  }

  it("passes 20% steps over 10 minutes with a bake, and rejects the same steps over 0 minutes", async () => {
    expect(await check(prodFlagDeploymentsGradualAndMonitored, customRollout(10))).to.deep.equal(
      [],
    );
    expect(
      messages(await check(prodFlagDeploymentsGradualAndMonitored, customRollout(0))),
    ).to.deep.equal([
      "The production flag deployment in us-east-1 uses a custom strategy of 20% over 0 min, bake 10 min, which is not gradual enough for production (all at once, no bake time, or a testing strategy): use AppConfig.Canary10Percent20Minutes or AppConfig.Linear20PercentEvery6Minutes (featureFlags.rollout.strategy), or a custom rollout with growthFactor below 100, a duration and a bake time.",
    ]);
  });
});
