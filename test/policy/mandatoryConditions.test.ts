// Each condition of the mandatory traffic-shifting policies, tested alone: a deployment group (or
// alias) that is correct in every other respect, with exactly one thing wrong, is exactly one
// violation with the message for that thing. Mutation testing showed conditions tested only
// together (a test with three things wrong still fails when one check is deleted).
import { expect } from "chai";
import {
  aliasRoutesToPublishedVersions,
  GRADUAL_LAMBDA_DEPLOYMENT_CONFIGS,
  prodDeploymentsShiftGradually,
} from "../../policy/rules";
import { fix } from "../../policy/rules/remediation";
import { check, messages, prodTags, resource, UNKNOWN_INPUT } from "./fixtures";

const DEPLOYMENT_GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup";
const ALL_EVENTS = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"];

/** A production deployment group as TrafficShiftedFunction creates it, with overrides. */
function prodGroup(overrides: Record<string, any> = {}) {
  return resource(DEPLOYMENT_GROUP, "orders-deployment-group", {
    appName: "orders",
    deploymentGroupName: "orders-live",
    serviceRoleArn: "arn:aws:iam::123456789012:role/codedeploy",
    deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
    deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
    autoRollbackConfiguration: { enabled: true, events: ALL_EVENTS },
    alarmConfiguration: { enabled: true, alarms: ["orders-errors", "orders-duration"] },
    tags: prodTags,
    ...overrides,
  });
}

async function groupViolations(overrides: Record<string, any>): Promise<string[]> {
  return messages(await check(prodDeploymentsShiftGradually, [prodGroup(overrides)]));
}

const ROLLBACK_NOT_ENABLED =
  "The production deployment group does not roll back automatically on DEPLOYMENT_FAILURE and " +
  `DEPLOYMENT_STOP_ON_ALARM (autoRollbackConfiguration not enabled). ${fix.rollback}.`;
const NO_ALARMS =
  "The production deployment group watches no alarms, so a bad version is never stopped " +
  `mid-shift (alarmConfiguration must be enabled with at least one alarm). ${fix.alarms}.`;

function styleViolation(type: string, option: string): string {
  return (
    `The production deployment group's deploymentStyle is ${type}/${option}; Lambda traffic ` +
    `shifting needs BLUE_GREEN with WITH_TRAFFIC_CONTROL. ${fix.deploymentGroupShape}.`
  );
}

describe("mandatory policy prod-deployments-shift-traffic-gradually: each condition alone", () => {
  it("refuses automatic rollback switched off, though every rollback event is listed", async () => {
    expect(
      await groupViolations({ autoRollbackConfiguration: { enabled: false, events: ALL_EVENTS } }),
    ).to.deep.equal([ROLLBACK_NOT_ENABLED]);
  });

  it("refuses automatic rollback left unset, though every rollback event is listed", async () => {
    expect(
      await groupViolations({ autoRollbackConfiguration: { events: ALL_EVENTS } }),
    ).to.deep.equal([ROLLBACK_NOT_ENABLED]);
  });

  it("refuses a rollback configuration without DEPLOYMENT_FAILURE, and one without DEPLOYMENT_STOP_ON_ALARM", async () => {
    const lacks = (event: string) =>
      "The production deployment group does not roll back automatically on DEPLOYMENT_FAILURE " +
      `and DEPLOYMENT_STOP_ON_ALARM (autoRollbackConfiguration lacks ${event}). ${fix.rollback}.`;
    expect(
      await groupViolations({
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_STOP_ON_ALARM"] },
      }),
    ).to.deep.equal([lacks("DEPLOYMENT_FAILURE")]);
    expect(
      await groupViolations({
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
      }),
    ).to.deep.equal([lacks("DEPLOYMENT_STOP_ON_ALARM")]);
  });

  it("refuses alarms switched off, though alarms are listed", async () => {
    expect(
      await groupViolations({
        alarmConfiguration: { enabled: false, alarms: ["orders-errors", "orders-duration"] },
      }),
    ).to.deep.equal([NO_ALARMS]);
    expect(
      await groupViolations({ alarmConfiguration: { alarms: ["orders-errors"] } }),
    ).to.deep.equal([NO_ALARMS]);
  });

  it("refuses alarms switched on with no alarm listed", async () => {
    expect(
      await groupViolations({ alarmConfiguration: { enabled: true, alarms: [] } }),
    ).to.deep.equal([NO_ALARMS]);
    expect(await groupViolations({ alarmConfiguration: { enabled: true } })).to.deep.equal([
      NO_ALARMS,
    ]);
  });

  it("accepts one alarm and exactly 10 alarms, refuses 11 (CodeDeploy's limit)", async () => {
    const alarms = (count: number) => Array.from({ length: count }, (_, i) => `orders-alarm-${i}`);
    expect(
      await groupViolations({ alarmConfiguration: { enabled: true, alarms: alarms(1) } }),
    ).to.deep.equal([]);
    expect(
      await groupViolations({ alarmConfiguration: { enabled: true, alarms: alarms(10) } }),
    ).to.deep.equal([]);
    expect(
      await groupViolations({ alarmConfiguration: { enabled: true, alarms: alarms(11) } }),
    ).to.deep.equal([
      `The production deployment group lists 11 alarms; CodeDeploy accepts at most 10. ${fix.tooManyAlarms}.`,
    ]);
  });

  it("refuses IN_PLACE with traffic control, and BLUE_GREEN without it", async () => {
    expect(
      await groupViolations({
        deploymentStyle: { deploymentType: "IN_PLACE", deploymentOption: "WITH_TRAFFIC_CONTROL" },
      }),
    ).to.deep.equal([styleViolation("IN_PLACE", "WITH_TRAFFIC_CONTROL")]);
    expect(
      await groupViolations({
        deploymentStyle: {
          deploymentType: "BLUE_GREEN",
          deploymentOption: "WITHOUT_TRAFFIC_CONTROL",
        },
      }),
    ).to.deep.equal([styleViolation("BLUE_GREEN", "WITHOUT_TRAFFIC_CONTROL")]);
  });

  it("refuses a deployment group with no deploymentStyle (CodeDeploy's default is in-place)", async () => {
    expect(await groupViolations({ deploymentStyle: undefined })).to.deep.equal([
      styleViolation("unset", "unset"),
    ]);
  });

  it("accepts every predefined canary and linear config, refuses LambdaAllAtOnce", async () => {
    // The names from the CodeDeploy User Guide ("Deployment configurations on an AWS Lambda
    // compute platform"), written out: the policy's own list would agree with itself.
    const predefined = [
      "CodeDeployDefault.LambdaCanary10Percent5Minutes",
      "CodeDeployDefault.LambdaCanary10Percent10Minutes",
      "CodeDeployDefault.LambdaCanary10Percent15Minutes",
      "CodeDeployDefault.LambdaCanary10Percent30Minutes",
      "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
      "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes",
      "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes",
      "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes",
    ];
    expect(GRADUAL_LAMBDA_DEPLOYMENT_CONFIGS).to.deep.equal(predefined);
    for (const deploymentConfigName of predefined) {
      expect(await groupViolations({ deploymentConfigName }), deploymentConfigName).to.deep.equal(
        [],
      );
    }
    expect(
      await groupViolations({ deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce" }),
    ).to.deep.equal([
      'The production deployment group uses "CodeDeployDefault.LambdaAllAtOnce", which shifts ' +
        `all traffic at once. ${fix.gradualShift}.`,
    ]);
  });

  it("refuses a deployment group that names no deployment config", async () => {
    expect(await groupViolations({ deploymentConfigName: undefined })).to.deep.equal([
      "The production deployment group names no deploymentConfigName, so CodeDeploy does not " +
        `shift gradually. ${fix.gradualShift}.`,
    ]);
  });

  it("names both missing rollback events when neither is listed", async () => {
    expect(
      await groupViolations({ autoRollbackConfiguration: { enabled: true, events: [] } }),
    ).to.deep.equal([
      "The production deployment group does not roll back automatically on DEPLOYMENT_FAILURE " +
        "and DEPLOYMENT_STOP_ON_ALARM (autoRollbackConfiguration lacks DEPLOYMENT_FAILURE, " +
        `DEPLOYMENT_STOP_ON_ALARM). ${fix.rollback}.`,
    ]);
  });

  it("names the allowed configs when allowedDeploymentConfigs refuses one", async () => {
    const violations = await check(prodDeploymentsShiftGradually, [prodGroup()], {
      allowedDeploymentConfigs: [
        "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
        "orders-canary-5-percent",
      ],
    });
    expect(messages(violations)).to.deep.equal([
      'The production deployment group uses "CodeDeployDefault.LambdaCanary10Percent5Minutes", ' +
        "which is not in allowedDeploymentConfigs (CodeDeployDefault.LambdaLinear10PercentEvery1Minute, " +
        `orders-canary-5-percent). ${fix.gradualShift}.`,
    ]);
  });

  it("judges what is known at preview and leaves the unknown parts alone", async () => {
    // Whole settings unknown: nothing to report yet.
    expect(
      await groupViolations({
        autoRollbackConfiguration: UNKNOWN_INPUT,
        alarmConfiguration: UNKNOWN_INPUT,
        deploymentStyle: UNKNOWN_INPUT,
        deploymentConfigName: UNKNOWN_INPUT,
      }),
    ).to.deep.equal([]);
    // Unknown switches with correct lists: nothing to report yet.
    expect(
      await groupViolations({
        autoRollbackConfiguration: { enabled: UNKNOWN_INPUT, events: ALL_EVENTS },
        alarmConfiguration: { enabled: UNKNOWN_INPUT, alarms: ["orders-errors"] },
        deploymentStyle: { deploymentType: UNKNOWN_INPUT, deploymentOption: UNKNOWN_INPUT },
      }),
    ).to.deep.equal([]);
    // A known wrong half is reported although the other half is unknown.
    expect(
      await groupViolations({
        deploymentStyle: {
          deploymentType: UNKNOWN_INPUT,
          deploymentOption: "WITHOUT_TRAFFIC_CONTROL",
        },
      }),
    ).to.deep.equal([styleViolation("unknown", "WITHOUT_TRAFFIC_CONTROL")]);
    expect(
      await groupViolations({
        deploymentStyle: { deploymentType: "IN_PLACE", deploymentOption: UNKNOWN_INPUT },
      }),
    ).to.deep.equal([styleViolation("IN_PLACE", "unknown")]);
    // Rollback switched off is known even while the event list is unknown.
    expect(
      await groupViolations({
        autoRollbackConfiguration: { enabled: false, events: UNKNOWN_INPUT },
      }),
    ).to.deep.equal([ROLLBACK_NOT_ENABLED]);
    // An event list with an unknown element may still hold the missing event.
    expect(
      await groupViolations({
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", UNKNOWN_INPUT] },
      }),
    ).to.deep.equal([]);
    // Alarms switched off are known even while the list is unknown.
    expect(
      await groupViolations({ alarmConfiguration: { enabled: false, alarms: UNKNOWN_INPUT } }),
    ).to.deep.equal([NO_ALARMS]);
    expect(
      await groupViolations({ alarmConfiguration: { enabled: true, alarms: UNKNOWN_INPUT } }),
    ).to.deep.equal([]);
  });
});

describe("mandatory policy lambda-alias-routes-to-published-versions: weight range ends", () => {
  function alias(weights: Record<string, unknown>) {
    return resource("aws:lambda/alias:Alias", "orders-alias", {
      name: "live",
      functionName: "orders",
      functionVersion: "3",
      routingConfig: { additionalVersionWeights: weights },
    });
  }
  const outOfRange = (weight: string) =>
    `The alias gives version 4 weight ${weight}. ${fix.weightRange}.`;

  it("refuses the primary version as the additional one: the weight would shift nothing", async () => {
    expect(
      messages(await check(aliasRoutesToPublishedVersions, [alias({ "3": 0.1 })])),
    ).to.deep.equal([
      "The alias's additional version 3 is its primary version; the weight would shift " +
        `nothing. ${fix.oneVersionAtATime}.`,
    ]);
  });

  it("accepts the range ends 0.0 and 1.0", async () => {
    expect(await check(aliasRoutesToPublishedVersions, [alias({ "4": 0 })])).to.deep.equal([]);
    expect(await check(aliasRoutesToPublishedVersions, [alias({ "4": 1 })])).to.deep.equal([]);
  });

  it("refuses a weight just outside either end, and one that is not a number", async () => {
    for (const [weight, shown] of [
      [-0.01, "-0.01"],
      [1.01, "1.01"],
      ["0.5", "0.5"],
      [Number.NaN, "NaN"],
    ] as const) {
      expect(
        messages(await check(aliasRoutesToPublishedVersions, [alias({ "4": weight })])),
        shown,
      ).to.deep.equal([outOfRange(shown)]);
    }
  });
});
