import {
  BatchGetDeploymentTargetsCommand,
  CreateDeploymentCommand,
  DeploymentLimitExceededException,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
  ThrottlingException,
} from "@aws-sdk/client-codedeploy";
import { GetAliasCommand, TooManyRequestsException } from "@aws-sdk/client-lambda";
import { expect } from "chai";
import {
  deploy,
  DeploymentError,
  DeploymentResult,
  detectDrift,
  stop,
} from "../../deployment/engine";
import { alias, deploymentInfo, FakeClock, mockAws, ordersRequest, recorder } from "./fakes";

/** Runs `deploy` and returns the DeploymentError it must throw. */
async function deployFailure(run: Promise<DeploymentResult>): Promise<DeploymentError> {
  try {
    await run;
  } catch (error) {
    expect(error).to.be.instanceOf(DeploymentError);
    return error as DeploymentError;
  }
  throw new Error("expected deploy to fail");
}

const alarmMessage =
  "One or more alarms have been activated according to the Amazon CloudWatch metrics you " +
  "selected, and the affected deployments have been stopped. Activated alarms: <orders-errors> <orders-latency>";

describe("deployment engine: deploy", () => {
  it("does nothing when the alias already points at the target version", async () => {
    const aws = mockAws();
    aws.lambda.on(GetAliasCommand).resolves(alias("4"));
    const { lines, report } = recorder();

    const result = await deploy(ordersRequest, aws.clients, report, new FakeClock());

    expect(result).to.deep.equal({
      status: "AlreadyAtTarget",
      deployedVersion: "4",
      previousVersion: "4",
    });
    expect(aws.lambda.commandCalls(GetAliasCommand)[0].args[0].input).to.deep.equal({
      FunctionName: "orders-fn",
      Name: "live",
    });
    expect(aws.codedeploy.calls()).to.have.length(0);
    expect(lines).to.deep.equal(["alias live points at version 4; no deployment needed"]);
  });

  it("creates one deployment whose AppSpec shifts the alias from its version to the target", async () => {
    const aws = mockAws();
    aws.lambda.on(GetAliasCommand).resolves(alias("3"));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: "d-ABC" });

    const result = await deploy(
      { ...ordersRequest, waitForCompletion: false, marker: "0badf00d" },
      aws.clients,
      () => undefined,
      new FakeClock(),
    );

    expect(result).to.deep.equal({
      deploymentId: "d-ABC",
      status: "Created",
      deployedVersion: "3",
      previousVersion: "3",
    });
    const calls = aws.codedeploy.commandCalls(CreateDeploymentCommand);
    expect(calls).to.have.length(1);
    expect(calls[0].args[0].input).to.deep.equal({
      applicationName: "orders",
      deploymentGroupName: "orders-live",
      description: "pulumi up: live -> version 4 [pulumi:0badf00d]",
      revision: {
        revisionType: "AppSpecContent",
        appSpecContent: {
          content:
            '{"version":0.0,"Resources":[{"orders-fn":{"Type":"AWS::Lambda::Function",' +
            '"Properties":{"Name":"orders-fn","Alias":"live","CurrentVersion":"3","TargetVersion":"4"}}}]}',
        },
      },
    });
    expect(aws.codedeploy.commandCalls(ListDeploymentsCommand)[0].args[0].input).to.deep.include({
      applicationName: "orders",
      deploymentGroupName: "orders-live",
      includeOnlyStatuses: ["Created", "Queued", "InProgress", "Baking", "Ready"],
    });
    expect(aws.codedeploy.commandCalls(GetDeploymentCommand)).to.have.length(0);
  });

  it("puts the hook functions in the AppSpec's Hooks, before then after", async () => {
    const aws = mockAws();
    aws.lambda.on(GetAliasCommand).resolves(alias("3"));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: "d-ABC" });

    await deploy(
      {
        ...ordersRequest,
        waitForCompletion: false,
        hooks: {
          beforeAllowTraffic: "CodeDeployHook_orders-pre",
          afterAllowTraffic: "CodeDeployHook_orders-post",
        },
      },
      aws.clients,
      () => undefined,
      new FakeClock(),
    );

    const content =
      aws.codedeploy.commandCalls(CreateDeploymentCommand)[0].args[0].input.revision?.appSpecContent
        ?.content;
    expect(content).to.equal(
      '{"version":0.0,"Resources":[{"orders-fn":{"Type":"AWS::Lambda::Function",' +
        '"Properties":{"Name":"orders-fn","Alias":"live","CurrentVersion":"3","TargetVersion":"4"}}}],' +
        '"Hooks":[{"BeforeAllowTraffic":"CodeDeployHook_orders-pre"},{"AfterAllowTraffic":"CodeDeployHook_orders-post"}]}',
    );
  });

  it("succeeds after several polls, reporting status, traffic and lifecycle events, with growing backoff", async () => {
    const aws = mockAws();
    aws.lambda
      .on(GetAliasCommand)
      .resolvesOnce(alias("3"))
      .resolvesOnce(alias("3", { "4": 0.1 }))
      .resolvesOnce(alias("3", { "4": 0.1 }))
      .resolves(alias("3", { "4": 0.2 }));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: "d-ABC" });
    aws.codedeploy
      .on(GetDeploymentCommand)
      .resolvesOnce(deploymentInfo("d-ABC", "Created"))
      .resolvesOnce(deploymentInfo("d-ABC", "InProgress"))
      .resolvesOnce(deploymentInfo("d-ABC", "InProgress"))
      .resolvesOnce(deploymentInfo("d-ABC", "InProgress"))
      .resolves(deploymentInfo("d-ABC", "Succeeded"));
    aws.codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: ["orders-fn"] });
    aws.codedeploy.on(BatchGetDeploymentTargetsCommand).resolves({
      deploymentTargets: [
        {
          deploymentTargetType: "LambdaTarget",
          lambdaTarget: {
            lifecycleEvents: [
              { lifecycleEventName: "BeforeAllowTraffic", status: "Succeeded" },
              { lifecycleEventName: "AllowTraffic", status: "InProgress" },
              { lifecycleEventName: "AfterAllowTraffic", status: "Pending" },
            ],
          },
        },
      ],
    });
    const clock = new FakeClock(0.999);
    const { lines, report } = recorder();

    const result = await deploy(ordersRequest, aws.clients, report, clock);

    expect(result).to.deep.equal({
      deploymentId: "d-ABC",
      status: "Succeeded",
      deployedVersion: "4",
      previousVersion: "3",
    });
    expect(aws.codedeploy.commandCalls(GetDeploymentCommand)).to.have.length(5);
    expect(aws.codedeploy.commandCalls(ListDeploymentTargetsCommand)).to.have.length(1);
    // Full jitter with random() = 0.999: just under 2 s, 4 s, 8 s, 16 s.
    expect(clock.sleeps).to.deep.equal([1998, 3996, 7992, 15984]);
    expect(lines).to.include.members([
      "d-ABC: Created",
      "d-ABC: InProgress",
      "d-ABC: 10% of traffic on version 4",
      "d-ABC: 20% of traffic on version 4",
      "d-ABC: BeforeAllowTraffic Succeeded",
      "d-ABC: AllowTraffic InProgress",
      "d-ABC: Succeeded",
    ]);
    expect(lines.filter((line) => line === "d-ABC: 10% of traffic on version 4")).to.have.length(1);
    expect(lines.some((line) => line.includes("AfterAllowTraffic"))).to.equal(false);
  });

  it("fails with the alarm names, the rollback and the console URL when an alarm stops the deployment", async () => {
    const aws = mockAws();
    aws.lambda
      .on(GetAliasCommand)
      .resolvesOnce(alias("3"))
      .resolvesOnce(alias("3", { "4": 0.1 }))
      .resolves(alias("3"));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: "d-ABC" });
    aws.codedeploy
      .on(GetDeploymentCommand, { deploymentId: "d-ABC" })
      .resolvesOnce(deploymentInfo("d-ABC", "InProgress"))
      .resolves(
        deploymentInfo("d-ABC", "Stopped", {
          errorInformation: { code: "ALARM_ACTIVE", message: alarmMessage },
          rollbackInfo: {
            rollbackDeploymentId: "d-RB",
            rollbackMessage:
              "Deployment d-ABC terminated. Automatic rollback is triggered with a DeploymentId d-RB.",
          },
        }),
      );
    aws.codedeploy
      .on(GetDeploymentCommand, { deploymentId: "d-RB" })
      .resolves(deploymentInfo("d-RB", "Succeeded"));
    aws.codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    const error = await deployFailure(
      deploy(ordersRequest, aws.clients, () => undefined, new FakeClock()),
    );

    expect(error.kind).to.equal("stopped");
    expect(error.message).to.include("CodeDeploy deployment d-ABC of orders-fn:live");
    expect(error.message).to.include("(version 3 -> 4, eu-west-1) Stopped.");
    expect(error.message).to.include("Reason: ALARM_ACTIVE: One or more alarms");
    expect(error.message).to.include("Alarms that stopped it: orders-errors, orders-latency");
    expect(error.message).to.include(
      "Rollback: d-RB - Deployment d-ABC terminated. Automatic rollback is triggered with a DeploymentId d-RB. (rollback Succeeded)",
    );
    expect(error.message).to.include("Alias live is on version 3.");
    expect(error.message).to.include(
      "https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-ABC?region=eu-west-1",
    );
    expect(error.result).to.deep.equal({
      deploymentId: "d-ABC",
      status: "Stopped",
      deployedVersion: "3",
      previousVersion: "3",
    });
  });

  it("fails naming the BeforeAllowTraffic hook and its diagnostics when the hook fails", async () => {
    const aws = mockAws();
    aws.lambda.on(GetAliasCommand).resolves(alias("3"));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: "d-HOOK" });
    // The deployment-level error text is illustrative; the hook detail comes from the target.
    aws.codedeploy.on(GetDeploymentCommand).resolves(
      deploymentInfo("d-HOOK", "Failed", {
        errorInformation: {
          code: "HOOK_EXECUTION_FAILURE",
          message: "The deployment failed because a lifecycle event hook failed.",
        },
      }),
    );
    aws.codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: ["orders-fn"] });
    aws.codedeploy.on(BatchGetDeploymentTargetsCommand).resolves({
      deploymentTargets: [
        {
          deploymentTargetType: "LambdaTarget",
          lambdaTarget: {
            status: "Failed",
            lifecycleEvents: [
              { lifecycleEventName: "Start", status: "Succeeded" },
              {
                lifecycleEventName: "BeforeAllowTraffic",
                status: "Failed",
                diagnostics: {
                  errorCode: "ScriptFailed",
                  message: "smoke test: GET /orders returned 500",
                },
              },
              { lifecycleEventName: "AllowTraffic", status: "Skipped" },
            ],
          },
        },
      ],
    });

    const error = await deployFailure(
      deploy(ordersRequest, aws.clients, () => undefined, new FakeClock()),
    );

    expect(error.kind).to.equal("failed");
    expect(error.message).to.include("d-HOOK");
    expect(error.message).to.include(
      "Failed lifecycle event: BeforeAllowTraffic (ScriptFailed; smoke test: GET /orders returned 500)",
    );
    expect(error.message).not.to.include("Alarm");
    expect(error.result.status).to.equal("Failed");
  });

  it("fails with CodeDeploy's reason when someone stops the deployment", async () => {
    const aws = mockAws();
    aws.lambda.on(GetAliasCommand).resolves(alias("3"));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: "d-ABC" });
    aws.codedeploy.on(GetDeploymentCommand).resolves(
      deploymentInfo("d-ABC", "Stopped", {
        errorInformation: { code: "MANUAL_STOP", message: "The deployment was stopped by a user." },
      }),
    );
    aws.codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    const error = await deployFailure(
      deploy(ordersRequest, aws.clients, () => undefined, new FakeClock()),
    );

    expect(error.kind).to.equal("stopped");
    expect(error.message).to.include("Stopped.");
    expect(error.message).to.include("Reason: MANUAL_STOP: The deployment was stopped by a user.");
    expect(error.message).not.to.include("Rollback:");
  });

  it("retries ThrottlingException and TooManyRequestsException with backoff, then succeeds", async () => {
    const aws = mockAws();
    aws.lambda
      .on(GetAliasCommand)
      .rejectsOnce(
        new TooManyRequestsException({
          message: "Rate exceeded",
          $metadata: { httpStatusCode: 429 },
        }),
      )
      .resolves(alias("3"));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: "d-ABC" });
    aws.codedeploy
      .on(GetDeploymentCommand)
      .rejectsOnce(
        new ThrottlingException({ message: "Rate exceeded", $metadata: { httpStatusCode: 400 } }),
      )
      .rejectsOnce(
        new ThrottlingException({ message: "Rate exceeded", $metadata: { httpStatusCode: 400 } }),
      )
      .resolves(deploymentInfo("d-ABC", "Succeeded"));
    aws.codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });
    const clock = new FakeClock(0.5);
    const { lines, report } = recorder();

    const result = await deploy(ordersRequest, aws.clients, report, clock);

    expect(result.status).to.equal("Succeeded");
    expect(aws.codedeploy.commandCalls(GetDeploymentCommand)).to.have.length(3);
    expect(aws.codedeploy.commandCalls(CreateDeploymentCommand)).to.have.length(1);
    expect(lines).to.include(
      "GetAlias orders-fn:live: throttled (TooManyRequestsException); retrying in 0.5 s",
    );
    expect(lines).to.include(
      "GetDeployment d-ABC: throttled (ThrottlingException); retrying in 0.5 s",
    );
    expect(lines).to.include(
      "GetDeployment d-ABC: throttled (ThrottlingException); retrying in 1.0 s",
    );
    expect(clock.sleeps).to.deep.equal([500, 500, 1000]);
  });

  it("gives up on an error that is not worth retrying, naming the call", async () => {
    const aws = mockAws();
    const denied = Object.assign(new Error("User is not authorized to perform lambda:GetAlias"), {
      name: "AccessDeniedException",
      $metadata: { httpStatusCode: 403 },
    });
    aws.lambda.on(GetAliasCommand).rejects(denied);

    let caught: unknown;
    await deploy(ordersRequest, aws.clients, () => undefined, new FakeClock()).catch((error) => {
      caught = error;
    });

    expect(caught).to.be.instanceOf(Error);
    expect((caught as Error).name).to.equal("AccessDeniedException");
    expect((caught as Error).message).to.equal(
      "GetAlias orders-fn:live failed: AccessDeniedException: User is not authorized to perform lambda:GetAlias",
    );
    expect(aws.lambda.commandCalls(GetAliasCommand)).to.have.length(1);
  });

  it("waits for a deployment already in progress, then creates exactly one deployment", async () => {
    const aws = mockAws();
    aws.lambda.on(GetAliasCommand).resolves(alias("3"));
    aws.codedeploy
      .on(ListDeploymentsCommand)
      .resolvesOnce({ deployments: ["d-OTHER"] })
      .resolves({ deployments: [] });
    aws.codedeploy
      .on(GetDeploymentCommand, { deploymentId: "d-OTHER" })
      .resolvesOnce(deploymentInfo("d-OTHER", "InProgress"))
      .resolvesOnce(deploymentInfo("d-OTHER", "InProgress"))
      .resolvesOnce(deploymentInfo("d-OTHER", "InProgress"))
      .resolves(deploymentInfo("d-OTHER", "Failed"));
    aws.codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: "d-NEW" });
    aws.codedeploy
      .on(GetDeploymentCommand, { deploymentId: "d-NEW" })
      .resolves(deploymentInfo("d-NEW", "Succeeded"));
    aws.codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });
    const { lines, report } = recorder();

    const result = await deploy(ordersRequest, aws.clients, report, new FakeClock());

    expect(result).to.deep.include({ deploymentId: "d-NEW", status: "Succeeded" });
    expect(aws.codedeploy.commandCalls(CreateDeploymentCommand)).to.have.length(1);
    // The deployment was created only after the other one had ended.
    const sequence = aws.codedeploy
      .calls()
      .map((call) => call.args[0].constructor.name + " " + JSON.stringify(call.args[0].input));
    const created = sequence.findIndex((entry) => entry.startsWith("CreateDeploymentCommand"));
    const otherEnded = sequence.lastIndexOf(
      `GetDeploymentCommand ${JSON.stringify({ deploymentId: "d-OTHER" })}`,
    );
    expect(otherEnded).to.be.lessThan(created);
    expect(
      lines.some((line) =>
        line.startsWith("deployment d-OTHER (InProgress) is already in progress"),
      ),
    ).to.equal(true);
    expect(lines).to.include("waiting for d-OTHER: Failed");
  });

  it("creates nothing when the deployment it waited for already moved the alias to the target", async () => {
    const aws = mockAws();
    aws.lambda.on(GetAliasCommand).resolvesOnce(alias("3")).resolves(alias("4"));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ["d-EARLIER"] });
    aws.codedeploy.on(GetDeploymentCommand).resolves(deploymentInfo("d-EARLIER", "Succeeded"));

    const result = await deploy(ordersRequest, aws.clients, () => undefined, new FakeClock());

    expect(result).to.deep.equal({
      status: "AlreadyAtTarget",
      deployedVersion: "4",
      previousVersion: "3",
    });
    expect(aws.codedeploy.commandCalls(CreateDeploymentCommand)).to.have.length(0);
  });

  it("treats CodeDeploy's 'already has an active Deployment' refusal as a deployment to wait for", async () => {
    const aws = mockAws();
    aws.lambda.on(GetAliasCommand).resolves(alias("3"));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy
      .on(CreateDeploymentCommand)
      .rejectsOnce(
        new DeploymentLimitExceededException({
          message: "The Deployment Group 'orders-live' already has an active Deployment 'd-RACE1'",
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .resolves({ deploymentId: "d-NEW" });
    aws.codedeploy
      .on(GetDeploymentCommand, { deploymentId: "d-RACE1" })
      .resolvesOnce(deploymentInfo("d-RACE1", "InProgress"))
      .resolves(deploymentInfo("d-RACE1", "Succeeded"));
    aws.codedeploy
      .on(GetDeploymentCommand, { deploymentId: "d-NEW" })
      .resolves(deploymentInfo("d-NEW", "Succeeded"));
    aws.codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    const result = await deploy(ordersRequest, aws.clients, () => undefined, new FakeClock());

    expect(result.deploymentId).to.equal("d-NEW");
    const creates = aws.codedeploy.commandCalls(CreateDeploymentCommand);
    expect(creates).to.have.length(2); // the refused one and the one that ran
    expect(
      aws.codedeploy.commandCalls(GetDeploymentCommand, { deploymentId: "d-RACE1" }),
    ).to.have.length(2);
  });

  it("times out saying the deployment is still running, was not stopped, and how to follow it", async () => {
    const aws = mockAws();
    aws.lambda
      .on(GetAliasCommand)
      .resolvesOnce(alias("3"))
      .resolves(alias("3", { "4": 0.1 }));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: "d-SLOW" });
    aws.codedeploy.on(GetDeploymentCommand).resolves(deploymentInfo("d-SLOW", "InProgress"));
    aws.codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });
    const clock = new FakeClock();
    const started = clock.now();

    const error = await deployFailure(
      deploy({ ...ordersRequest, timeoutMinutes: 5 }, aws.clients, () => undefined, clock),
    );

    expect(error.kind).to.equal("timeout");
    expect(error.message).to.include("d-SLOW");
    expect(error.message).to.include(
      "is still running after 5 min (status InProgress, 10% of traffic on version 4)",
    );
    expect(error.message).to.include("It was NOT stopped");
    expect(error.message).to.include(
      "Follow it: aws deploy get-deployment --deployment-id d-SLOW --region eu-west-1",
    );
    expect(error.message).to.include(
      "https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-SLOW?region=eu-west-1",
    );
    expect(error.result).to.deep.equal({
      deploymentId: "d-SLOW",
      status: "InProgress",
      deployedVersion: "3",
      previousVersion: "3",
    });
    expect(clock.now() - started).to.equal(5 * 60_000);
    expect(Math.max(...clock.sleeps)).to.be.at.most(30_000);
    expect(aws.codedeploy.commandCalls(StopDeploymentCommand)).to.have.length(0);
  });

  it("derives the timeout from the deployment group's configuration when none is given", async () => {
    const aws = mockAws();
    aws.lambda.on(GetAliasCommand).resolves(alias("3"));
    aws.codedeploy.on(GetDeploymentGroupCommand).resolves({
      deploymentGroupInfo: { deploymentConfigName: "orders-linear-20-every-5" },
    });
    aws.codedeploy.on(GetDeploymentConfigCommand).resolves({
      deploymentConfigInfo: {
        trafficRoutingConfig: {
          type: "TimeBasedLinear",
          timeBasedLinear: { linearPercentage: 20, linearInterval: 5 },
        },
      },
    });
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: "d-SLOW" });
    aws.codedeploy.on(GetDeploymentCommand).resolves(deploymentInfo("d-SLOW", "InProgress"));
    aws.codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });
    const clock = new FakeClock();
    const started = clock.now();
    const { lines, report } = recorder();

    const error = await deployFailure(
      deploy({ ...ordersRequest, timeoutMinutes: undefined }, aws.clients, report, clock),
    );

    // Linear 20% every 5 min: 4 x 5 = 20 min of shifting, + 30 min for hooks.
    expect(error.message).to.include("is still running after 50 min");
    expect(clock.now() - started).to.equal(50 * 60_000);
    expect(lines).to.include(
      "deployment configuration orders-linear-20-every-5: ~20 min of traffic shifting; waiting up to 50 min (set timeoutMinutes to change)",
    );
  });
});

describe("deployment engine: detectDrift", () => {
  it("reports a rolled-back alias as out of sync, with a line that says what happens next", async () => {
    const aws = mockAws();
    aws.lambda.on(GetAliasCommand).resolves(alias("3"));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy.on(GetDeploymentCommand, { deploymentId: "d-ABC" }).resolves(
      deploymentInfo("d-ABC", "Stopped", {
        errorInformation: { code: "ALARM_ACTIVE", message: alarmMessage },
        rollbackInfo: { rollbackDeploymentId: "d-RB" },
      }),
    );
    const { lines, report } = recorder();

    const drift = await detectDrift(
      { ...ordersRequest, lastDeploymentId: "d-ABC" },
      aws.clients,
      report,
      new FakeClock(),
    );

    expect(drift.inSync).to.equal(false);
    expect(lines).to.deep.equal([
      "alias live is at version 3 but the stack wants 4 (last deployment d-ABC Stopped: ALARM_ACTIVE, rolled back by d-RB); deploying version 4 again",
    ]);
    // Read-only: nothing but Get/List calls, so it is safe during `pulumi preview`.
    const names = aws.codedeploy.calls().map((call) => call.args[0].constructor.name);
    expect(names.every((name) => /^(Get|List)/.test(name))).to.equal(true);
  });

  it("is in sync when the alias points at the target", async () => {
    const aws = mockAws();
    aws.lambda.on(GetAliasCommand).resolves(alias("4"));

    const drift = await detectDrift(ordersRequest, aws.clients, () => undefined, new FakeClock());

    expect(drift).to.deep.include({ inSync: true, aliasVersion: "4" });
    expect(aws.codedeploy.calls()).to.have.length(0);
  });

  it("leaves a deployment in flight alone when not waiting for completion, but not when waiting", async () => {
    const aws = mockAws();
    aws.lambda.on(GetAliasCommand).resolves(alias("3", { "4": 0.1 }));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ["d-ABC"] });

    const notWaiting = await detectDrift(
      { ...ordersRequest, waitForCompletion: false },
      aws.clients,
      () => undefined,
      new FakeClock(),
    );
    const waiting = await detectDrift(ordersRequest, aws.clients, () => undefined, new FakeClock());

    expect(notWaiting).to.deep.include({ inSync: true, activeDeploymentId: "d-ABC" });
    expect(waiting).to.deep.include({ inSync: false, activeDeploymentId: "d-ABC" });
    expect(waiting.message).to.include("10% on 4");
  });
});

describe("deployment engine: stop", () => {
  it("stops its own running deployment with automatic rollback and leaves others alone", async () => {
    const aws = mockAws();
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ["d-MINE", "d-FOREIGN"] });
    aws.codedeploy
      .on(GetDeploymentCommand, { deploymentId: "d-FOREIGN" })
      .resolves(deploymentInfo("d-FOREIGN", "InProgress", { description: "someone else" }));
    aws.codedeploy
      .on(GetDeploymentCommand, { deploymentId: "d-MINE" })
      .resolvesOnce(deploymentInfo("d-MINE", "InProgress"))
      .resolves(deploymentInfo("d-MINE", "Stopped"));
    aws.codedeploy.on(StopDeploymentCommand).resolves({ status: "Pending" });
    const { lines, report } = recorder();

    const result = await stop(
      { ...ordersRequest, deploymentId: "d-MINE", marker: "0badf00d" },
      aws.clients,
      report,
      new FakeClock(),
    );

    expect(result).to.deep.equal({ stopped: ["d-MINE"], leftAlone: ["d-FOREIGN"] });
    const stops = aws.codedeploy.commandCalls(StopDeploymentCommand);
    expect(stops.map((call) => call.args[0].input)).to.deep.equal([
      { deploymentId: "d-MINE", autoRollbackEnabled: true },
    ]);
    expect(lines).to.include("d-MINE: Stopped");
  });

  it("recognises a deployment it started but never recorded by the marker in its description", async () => {
    const aws = mockAws();
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ["d-UNRECORDED"] });
    aws.codedeploy
      .on(GetDeploymentCommand)
      .resolvesOnce(
        deploymentInfo("d-UNRECORDED", "InProgress", {
          description: "pulumi up: live -> version 4 [pulumi:0badf00d]",
        }),
      )
      .resolves(deploymentInfo("d-UNRECORDED", "Stopped"));
    aws.codedeploy.on(StopDeploymentCommand).resolves({ status: "Pending" });

    const result = await stop(
      { ...ordersRequest, deploymentId: "d-OLD", marker: "0badf00d" },
      aws.clients,
      () => undefined,
      new FakeClock(),
    );

    expect(result.stopped).to.deep.equal(["d-UNRECORDED"]);
    expect(aws.codedeploy.commandCalls(StopDeploymentCommand)[0].args[0].input).to.deep.equal({
      deploymentId: "d-UNRECORDED",
      autoRollbackEnabled: true,
    });
  });

  it("stops nothing when nothing is running", async () => {
    const aws = mockAws();
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });

    const result = await stop(
      { ...ordersRequest, deploymentId: "d-DONE", marker: "0badf00d" },
      aws.clients,
      () => undefined,
      new FakeClock(),
    );

    expect(result).to.deep.equal({ stopped: [], leftAlone: [] });
    expect(aws.codedeploy.commandCalls(StopDeploymentCommand)).to.have.length(0);
  });
});

describe("deployment engine: losing track", () => {
  it("says a created deployment was not stopped when it can no longer be followed", async () => {
    const aws = mockAws();
    aws.lambda.on(GetAliasCommand).resolves(alias("3"));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: "d-ABC" });
    aws.codedeploy
      .on(GetDeploymentCommand)
      .rejects(Object.assign(new Error("not authorized"), { name: "AccessDeniedException" }));

    const error = await deployFailure(
      deploy(ordersRequest, aws.clients, () => undefined, new FakeClock()),
    );

    expect(error.kind).to.equal("lost");
    expect(error.message).to.include(
      "Lost track of CodeDeploy deployment d-ABC of orders-fn:live (version 3 -> 4, eu-west-1): " +
        "GetDeployment d-ABC failed: AccessDeniedException: not authorized",
    );
    expect(error.message).to.include("It was NOT stopped");
    expect(error.result).to.deep.include({ deploymentId: "d-ABC", status: "Created" });
  });
});
