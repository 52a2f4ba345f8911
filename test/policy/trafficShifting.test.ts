import { expect } from "chai";
import { aliasRoutesToPublishedVersions, prodDeploymentsShiftGradually } from "../../policy/rules";
import { check, devTags, messages, prodTags, resource, UNKNOWN_INPUT } from "./fixtures";

const DEPLOYMENT_GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup";
const ALIAS = "aws:lambda/alias:Alias";

function deploymentGroup(overrides: Record<string, any> = {}) {
  return resource(DEPLOYMENT_GROUP, "orders-deployment-group", {
    appName: "orders",
    deploymentGroupName: "orders-live",
    serviceRoleArn: "arn:aws:iam::123456789012:role/codedeploy",
    deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
    deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
    autoRollbackConfiguration: {
      enabled: true,
      events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"],
    },
    alarmConfiguration: { enabled: true, alarms: ["orders-errors", "orders-duration"] },
    tags: prodTags,
    ...overrides,
  });
}

describe("policy prod-deployments-shift-traffic-gradually", () => {
  it("passes a prod canary deployment group with alarms and automatic rollback", async () => {
    expect(await check(prodDeploymentsShiftGradually, [deploymentGroup()])).to.deep.equal([]);
  });

  it("a prod deployment group using AllAtOnce is a mandatory violation", async () => {
    const violations = await check(prodDeploymentsShiftGradually, [
      deploymentGroup({ deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce" }),
    ]);
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({
      policyName: "prod-deployments-shift-traffic-gradually",
      enforcementLevel: "mandatory",
      resourceType: DEPLOYMENT_GROUP,
      resourceName: "orders-deployment-group",
    });
    expect(violations[0].message).to.match(
      /LambdaAllAtOnce.*all traffic at once.*\[trafficShifting.type\].*deployment.type/,
    );
  });

  it("a prod deployment group without a deploymentConfigName is a violation", async () => {
    const violations = await check(prodDeploymentsShiftGradually, [
      deploymentGroup({ deploymentConfigName: undefined }),
    ]);
    expect(messages(violations)).to.have.length(1);
    expect(violations[0].message).to.match(/names no deploymentConfigName/);
  });

  it("accepts a custom (non-predefined) deployment config such as a TimeBasedCanary", async () => {
    const violations = await check(prodDeploymentsShiftGradually, [
      deploymentGroup({ deploymentConfigName: "orders-canary-5-percent-2-minutes" }),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("rejects an EC2 predefined config such as CodeDeployDefault.OneAtATime in prod", async () => {
    const violations = await check(prodDeploymentsShiftGradually, [
      deploymentGroup({ deploymentConfigName: "CodeDeployDefault.OneAtATime" }),
    ]);
    expect(messages(violations)).to.have.length(1);
  });

  it("limits prod to allowedDeploymentConfigs when that knob is set", async () => {
    const config = {
      allowedDeploymentConfigs: ["CodeDeployDefault.LambdaLinear10PercentEvery1Minute"],
    };
    const canary = await check(prodDeploymentsShiftGradually, [deploymentGroup()], config);
    expect(canary[0].message).to.match(/is not in allowedDeploymentConfigs/);
    const linear = await check(
      prodDeploymentsShiftGradually,
      [
        deploymentGroup({
          deploymentConfigName: "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
        }),
      ],
      config,
    );
    expect(linear).to.deep.equal([]);
  });

  it("reports in-place deployments, missing rollback events and missing alarms separately", async () => {
    const violations = await check(prodDeploymentsShiftGradually, [
      deploymentGroup({
        deploymentStyle: {
          deploymentType: "IN_PLACE",
          deploymentOption: "WITHOUT_TRAFFIC_CONTROL",
        },
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
        alarmConfiguration: { enabled: false, alarms: [] },
      }),
    ]);
    expect(messages(violations)).to.have.length(3);
    expect(violations[0].message).to.match(/IN_PLACE\/WITHOUT_TRAFFIC_CONTROL.*BLUE_GREEN/);
    expect(violations[1].message).to.match(/lacks DEPLOYMENT_STOP_ON_ALARM/);
    expect(violations[2].message).to.match(/watches no alarms/);
  });

  it("reports a prod deployment group without deploymentStyle, rollback or alarm config", async () => {
    const violations = await check(prodDeploymentsShiftGradually, [
      deploymentGroup({
        deploymentStyle: undefined,
        autoRollbackConfiguration: undefined,
        alarmConfiguration: undefined,
      }),
    ]);
    expect(messages(violations)).to.have.length(3);
  });

  it("rejects more than 10 alarms, the CodeDeploy limit", async () => {
    const alarms = Array.from({ length: 11 }, (_, i) => `alarm-${i}`);
    const violations = await check(prodDeploymentsShiftGradually, [
      deploymentGroup({ alarmConfiguration: { enabled: true, alarms } }),
    ]);
    expect(violations[0].message).to.match(/11 alarms; CodeDeploy accepts at most 10/);
  });

  it("lets dev deploy all at once", async () => {
    const violations = await check(prodDeploymentsShiftGradually, [
      deploymentGroup({ deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce", tags: devTags }),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("takes the environment from config when the resource has no environment tag", async () => {
    const untagged = deploymentGroup({
      deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
      tags: undefined,
    });
    expect(await check(prodDeploymentsShiftGradually, [untagged])).to.deep.equal([]);
    expect(
      await check(prodDeploymentsShiftGradually, [untagged], { environment: "prod" }),
    ).to.have.length(1);
  });

  it("takes the environment from the provider's defaultTags", async () => {
    const provider = resource("pulumi:providers:aws", "tagged", {
      region: "us-east-1",
      defaultTags: JSON.stringify({ tags: prodTags }),
    });
    const group = deploymentGroup({
      deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
      tags: undefined,
    });
    group.provider = `${provider.urn}::provider-id`;
    expect(await check(prodDeploymentsShiftGradually, [provider, group])).to.have.length(1);
  });

  it("honours productionEnvironments, and treats production as prod", async () => {
    const allAtOnce = (environment: string) =>
      deploymentGroup({
        deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
        tags: { ...prodTags, environment },
      });
    const config = { productionEnvironments: ["prod", "live"] };
    expect(await check(prodDeploymentsShiftGradually, [allAtOnce("live")], config)).to.have.length(
      1,
    );
    expect(await check(prodDeploymentsShiftGradually, [allAtOnce("production")])).to.have.length(1);
    expect(await check(prodDeploymentsShiftGradually, [allAtOnce("live")])).to.deep.equal([]);
  });

  it("does not report values that are unknown at preview", async () => {
    const violations = await check(prodDeploymentsShiftGradually, [
      deploymentGroup({
        deploymentConfigName: UNKNOWN_INPUT,
        deploymentStyle: UNKNOWN_INPUT,
        autoRollbackConfiguration: { enabled: true, events: UNKNOWN_INPUT },
        alarmConfiguration: { enabled: true, alarms: UNKNOWN_INPUT },
      }),
      deploymentGroup({
        tags: UNKNOWN_INPUT,
        deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
      }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});

function alias(overrides: Record<string, any> = {}) {
  return resource(ALIAS, "orders-live", {
    name: "live",
    functionName: "orders",
    functionVersion: "3",
    ...overrides,
  });
}

describe("policy lambda-alias-routes-to-published-versions", () => {
  it("passes an alias on a published version shifting 10% to the next one", async () => {
    const violations = await check(aliasRoutesToPublishedVersions, [
      alias({ routingConfig: { additionalVersionWeights: { "4": 0.1 } } }),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("an alias on $LATEST is a mandatory violation", async () => {
    const violations = await check(aliasRoutesToPublishedVersions, [
      alias({ functionVersion: "$LATEST" }),
    ]);
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({ enforcementLevel: "mandatory" });
    expect(violations[0].message).to.match(/\$LATEST.*publish: true/);
  });

  it("rejects routing to two additional versions (an alias routes to at most two)", async () => {
    const violations = await check(aliasRoutesToPublishedVersions, [
      alias({ routingConfig: { additionalVersionWeights: { "4": 0.1, "5": 0.1 } } }),
    ]);
    expect(violations[0].message).to.match(/2 additional versions \(4, 5\)/);
  });

  it("rejects weights outside 0.0-1.0, $LATEST and the primary version as additional version", async () => {
    const outOfRange = await check(aliasRoutesToPublishedVersions, [
      alias({ routingConfig: { additionalVersionWeights: { "4": 1.5 } } }),
    ]);
    expect(outOfRange[0].message).to.match(/weight 1.5/);
    const latest = await check(aliasRoutesToPublishedVersions, [
      alias({ routingConfig: { additionalVersionWeights: { $LATEST: 0.1 } } }),
    ]);
    expect(latest[0].message).to.match(/weight to \$LATEST/);
    const same = await check(aliasRoutesToPublishedVersions, [
      alias({ routingConfig: { additionalVersionWeights: { "3": 0.1 } } }),
    ]);
    expect(same[0].message).to.match(/additional version 3 is its primary version/);
  });

  it("does not report versions or weights that are unknown at preview", async () => {
    const violations = await check(aliasRoutesToPublishedVersions, [
      alias({ functionVersion: UNKNOWN_INPUT, routingConfig: UNKNOWN_INPUT }),
      alias({
        functionVersion: UNKNOWN_INPUT,
        routingConfig: { additionalVersionWeights: { "4": UNKNOWN_INPUT } },
      }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});
