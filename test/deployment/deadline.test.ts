// How long a deployment may take when `timeoutMinutes` is not given (deployment/deadline.ts):
// the deployment group's configuration, a custom one read with GetDeploymentConfig, and the
// fallback when it cannot be read, with what the operator is told (docs/testing.md, "Mutation
// testing"). The session is a stand-in that answers the two CodeDeploy reads.
import * as codedeploy from "@aws-sdk/client-codedeploy";
import * as lambda from "@aws-sdk/client-lambda";
import { expect } from "chai";
import { Session } from "../../deployment/calls";
import { FALLBACK_TIMEOUT_MINUTES, resolveTimeout } from "../../deployment/deadline";
import { deniedOnGroup } from "./fakes";

const request = { applicationName: "orders-app", deploymentGroupName: "orders-dg" };

/** Answers GetDeploymentGroup and GetDeploymentConfig; records the reads and the reports. */
function session(answers: { group?: unknown; config?: unknown; fail?: Error }) {
  const reads: string[] = [];
  const reports: string[] = [];
  const fake = {
    clients: { codedeploy: {} },
    report: (line: string) => reports.push(line),
    send: async (label: string, _client: unknown, command: { input: unknown }) => {
      reads.push(`${label} ${JSON.stringify(command.input)}`);
      if (answers.fail) throw answers.fail;
      if (command instanceof codedeploy.GetDeploymentGroupCommand) return answers.group;
      if (command instanceof codedeploy.GetDeploymentConfigCommand) return answers.config;
      throw new Error(`unexpected ${label}`);
    },
  };
  return { reads, reports, session: fake as unknown as Session };
}

const sdk = { codedeploy, lambda };

// GetDeploymentGroupOutput.deploymentGroupInfo.deploymentConfigName (CodeDeploy API reference,
// GetDeploymentGroup; SDK type DeploymentGroupInfo).
const group = (deploymentConfigName?: string) => ({
  deploymentGroupInfo: { deploymentGroupName: "orders-dg", deploymentConfigName },
});

describe("the deployment deadline without timeoutMinutes", () => {
  it("reads a custom configuration's canary and linear steps (GetDeploymentConfig)", async () => {
    // GetDeploymentConfigOutput.deploymentConfigInfo.trafficRoutingConfig (CodeDeploy API
    // reference, TrafficRoutingConfig: type, timeBasedCanary { canaryPercentage,
    // canaryInterval }, timeBasedLinear { linearPercentage, linearInterval }).
    const canary = session({
      group: group("orders-canary-20"),
      config: {
        deploymentConfigInfo: {
          deploymentConfigName: "orders-canary-20",
          computePlatform: "Lambda",
          trafficRoutingConfig: {
            type: "TimeBasedCanary",
            timeBasedCanary: { canaryPercentage: 20, canaryInterval: 15 },
          },
        },
      },
    });
    expect(await resolveTimeout(canary.session, sdk, request)).to.equal(15 + 30);
    expect(canary.reads).to.deep.equal([
      'GetDeploymentGroup orders-dg {"applicationName":"orders-app","deploymentGroupName":"orders-dg"}',
      'GetDeploymentConfig orders-canary-20 {"deploymentConfigName":"orders-canary-20"}',
    ]);
    expect(canary.reports).to.deep.equal([
      "deployment configuration orders-canary-20: ~15 min of traffic shifting; waiting up to 45 min in all (set timeoutMinutes to change)",
    ]);

    const linear = session({
      group: group("orders-linear-25"),
      config: {
        deploymentConfigInfo: {
          trafficRoutingConfig: {
            type: "TimeBasedLinear",
            timeBasedLinear: { linearPercentage: 25, linearInterval: 4 },
          },
        },
      },
    });
    expect(await resolveTimeout(linear.session, sdk, request)).to.equal(3 * 4 + 30);

    const allAtOnce = session({
      group: group("orders-all"),
      config: { deploymentConfigInfo: { trafficRoutingConfig: { type: "AllAtOnce" } } },
    });
    expect(await resolveTimeout(allAtOnce.session, sdk, request)).to.equal(30);
  });

  it("assumes steps of 10% and 1 minute for a custom configuration that gives none", async () => {
    const stepless = (type: string) =>
      session({
        group: group("orders-stepless"),
        config: { deploymentConfigInfo: { trafficRoutingConfig: { type } } },
      });
    expect(await resolveTimeout(stepless("TimeBasedCanary").session, sdk, request)).to.equal(
      1 + 30,
    );
    expect(await resolveTimeout(stepless("TimeBasedLinear").session, sdk, request)).to.equal(
      9 * 1 + 30,
    );
  });

  it("reads a predefined configuration's schedule from its name, without GetDeploymentConfig", async () => {
    const predefined = session({
      group: group("CodeDeployDefault.LambdaLinear10PercentEvery2Minutes"),
    });
    expect(await resolveTimeout(predefined.session, sdk, request)).to.equal(9 * 2 + 30);
    expect(predefined.reads).to.have.length(1);
  });

  it("falls back to 60 minutes, saying why, when the configuration cannot be read or used", async () => {
    const fallback = (reports: string[], reason: string, name?: string) =>
      expect(reports).to.deep.equal([
        `could not read the deployment configuration${name ? ` ${name}` : ""} (${reason}); waiting up to ${FALLBACK_TIMEOUT_MINUTES} min (set timeoutMinutes to change)`,
      ]);
    const noName = session({ group: group(undefined) });
    expect(await resolveTimeout(noName.session, sdk, request)).to.equal(60);
    fallback(noName.reports, "the deployment group names no deployment configuration");

    const noInfo = session({ group: {} });
    expect(await resolveTimeout(noInfo.session, sdk, request)).to.equal(60);
    fallback(noInfo.reports, "the deployment group names no deployment configuration");

    const denied = session({
      fail: new Error(deniedOnGroup("GetDeploymentGroup", "orders-app", "orders-dg")),
    });
    expect(await resolveTimeout(denied.session, sdk, request)).to.equal(60);
    fallback(denied.reports, deniedOnGroup("GetDeploymentGroup", "orders-app", "orders-dg"));

    const noRouting = session({
      group: group("orders-custom"),
      config: { deploymentConfigInfo: {} },
    });
    expect(await resolveTimeout(noRouting.session, sdk, request)).to.equal(60);
    fallback(noRouting.reports, "unsupported trafficRoutingConfig type (none)", "orders-custom");

    const emptyAnswer = session({ group: group("orders-custom"), config: {} });
    expect(await resolveTimeout(emptyAnswer.session, sdk, request)).to.equal(60);
    fallback(emptyAnswer.reports, "unsupported trafficRoutingConfig type (none)", "orders-custom");
  });
});
