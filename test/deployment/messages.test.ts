import type { DeploymentInfo, LifecycleEvent } from "@aws-sdk/client-codedeploy";
import { expect } from "chai";
import {
  activatedAlarms,
  failureMessage,
  lostMessage,
  notStartedMessage,
  reasonLines,
  timeoutMessage,
} from "../../deployment/messages";

// What an operator reads when `pulumi up` fails on a deployment. The DeploymentInfo and
// LifecycleEvent values are shaped after the CodeDeploy API Reference (GetDeployment:
// `deploymentId`, `status`, `errorInformation.code/message`, `rollbackInfo`; ListDeploymentTargets /
// BatchGetDeploymentTargets: `lambdaTarget.lifecycleEvents[]` with `lifecycleEventName`,
// `status` and `diagnostics.errorCode/message/logTail`) and the SDK types of the same names;
// every field but `deploymentId`, `status` and the event's name is optional there.

const subject = {
  functionName: "orders-fn",
  aliasName: "live",
  targetVersion: "4",
  region: "eu-west-1",
};
const alias = { version: "3", weights: {} };

describe("what an operator reads of a deployment that failed", () => {
  it("names the deployment, CodeDeploy's reason, the failed hook, the rollback, the alias and what to do", () => {
    // A hook that reported Failed: errorInformation code HOOK_EXECUTION_FAILURE (SDK ErrorCode)
    // and the event's diagnostics (SDK Diagnostics, `errorCode` ScriptFailed is a
    // LifecycleErrorCode); AWS shows no example text of either message.
    const info: DeploymentInfo = {
      deploymentId: "d-A1B2C3D4E",
      status: "Failed",
      errorInformation: {
        code: "HOOK_EXECUTION_FAILURE",
        message: "The deployment failed because a lifecycle hook reported Failed.",
      },
      rollbackInfo: {
        rollbackDeploymentId: "d-R0LLBACK1",
        rollbackMessage: "Automatic rollback triggered by deployment failure",
      },
    };
    const events: LifecycleEvent[] = [
      { lifecycleEventName: "BeforeAllowTraffic", status: "Failed" },
      { lifecycleEventName: "AllowTraffic", status: "Skipped" },
      {
        lifecycleEventName: "AfterAllowTraffic",
        status: "Failed",
        diagnostics: { errorCode: "ScriptFailed", message: "smoke test: GET /orders 500" },
      },
    ];

    const message = failureMessage(info, events, {
      subject: { ...subject, dashboardUrl: "https://console.aws.amazon.com/cloudwatch/dash" },
      previousVersion: "3",
      alias,
      rollback: "rolled back: the alias serves version 3 again",
    });

    expect(message.split("\n")).to.deep.equal([
      "CodeDeploy deployment d-A1B2C3D4E of orders-fn:live (version 3 -> 4, eu-west-1) Failed.",
      "CodeDeploy's reason: HOOK_EXECUTION_FAILURE: The deployment failed because a lifecycle hook reported Failed.",
      "Failed lifecycle event: BeforeAllowTraffic",
      "Failed lifecycle event: AfterAllowTraffic (ScriptFailed; smoke test: GET /orders 500)",
      "Rollback: d-R0LLBACK1 - Automatic rollback triggered by deployment failure (rolled back: the alias serves version 3 again)",
      "Alias live now serves version 3.",
      "Fix the cause, then publish a new version (or set [retryToken] to a new value to retry version 4) and run `pulumi up` again.",
      "Details: https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-A1B2C3D4E?region=eu-west-1",
      "Dashboard (every region's metrics): https://console.aws.amazon.com/cloudwatch/dash",
    ]);
  });

  it("quotes the end of a hook's log, not all of it", () => {
    // Diagnostics.logTail: "the last portion of the diagnostic log", up to 4 KB (API Reference).
    const logTail = `${"x".repeat(3_000)}START${"y".repeat(495)}`;
    const message = failureMessage(
      { deploymentId: "d-A1B2C3D4E", status: "Failed" },
      [
        {
          lifecycleEventName: "BeforeAllowTraffic",
          status: "Failed",
          diagnostics: { errorCode: "ScriptFailed", logTail },
        },
      ],
      { subject },
    );
    expect(message).to.include(
      `Failed lifecycle event: BeforeAllowTraffic (ScriptFailed; log tail: START${"y".repeat(495)})`,
    );
  });

  it("says a deployment an earlier update started is not started again, and how to retry", () => {
    // A deployment found Stopped: SDK DeploymentStatus "Stopped", without errorInformation or
    // rollbackInfo (both optional in the SDK type; AWS shows no such answer).
    const message = failureMessage({ deploymentId: "d-EARLIER01", status: "Stopped" }, [], {
      subject,
      earlier: true,
    });
    expect(message.split("\n")).to.deep.equal([
      "CodeDeploy deployment d-EARLIER01 of orders-fn:live (to version 4, eu-west-1) Stopped.",
      "CodeDeploy gave no reason (no errorInformation).",
      "Alias live: could not be read at the end, so where it points is unknown (aws lambda get-alias --function-name orders-fn --name live --region eu-west-1).",
      "Version 4 is not deployed again on its own: publish a new version with the fix, or set [retryToken] to a new value to deploy this version once more.",
      "Details: https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-EARLIER01?region=eu-west-1",
    ]);
  });

  it("reports the rollback by whatever part of it is known", () => {
    const rollbackLine = (
      rollbackInfo: DeploymentInfo["rollbackInfo"],
      rollback?: string,
    ): string | undefined =>
      failureMessage({ deploymentId: "d-1", status: "Failed", rollbackInfo }, [], {
        subject,
        rollback,
      })
        .split("\n")
        .find((line) => line.startsWith("Rollback"));
    // SDK RollbackInfo: every field optional.
    expect(rollbackLine({ rollbackDeploymentId: "d-R1" })).to.equal("Rollback: d-R1");
    expect(rollbackLine({ rollbackMessage: "Rollback failed" })).to.equal(
      "Rollback: Rollback failed",
    );
    expect(rollbackLine({}, "not found in the deployment group")).to.equal(
      "Rollback: none reported (not found in the deployment group)",
    );
    // A Failed deployment answered without `rollbackInfo` at all, and the engine's own note.
    expect(rollbackLine(undefined, "none found")).to.equal("Rollback: none reported (none found)");
    expect(rollbackLine({})).to.equal(undefined);
    expect(rollbackLine(undefined)).to.equal(undefined);
  });

  it("says when CodeDeploy's answer has no deployment id", () => {
    const message = failureMessage({ status: "Failed" }, [], { subject });
    expect(message).to.match(/^CodeDeploy deployment \? of /);
    expect(message).to.include("/deployments/??region=eu-west-1");
  });
});

describe("CodeDeploy's reason and the alarms that stopped a deployment", () => {
  // ErrorInformation: `code` (SDK ErrorCode) and `message`, both optional in the SDK type.
  it("gives the code, the message, or both", () => {
    expect(reasonLines({ errorInformation: { code: "TIMEOUT" } })).to.deep.equal([
      "CodeDeploy's reason: TIMEOUT",
    ]);
    expect(
      reasonLines({ errorInformation: { message: "The deployment timed out." } }),
    ).to.deep.equal(["CodeDeploy's reason: The deployment timed out."]);
    expect(reasonLines({ errorInformation: {} })).to.deep.equal([
      "CodeDeploy gave no reason (no errorInformation).",
    ]);
  });

  // The ALARM_ACTIVE wording the engine's tests and simulator assume (AWS shows no example).
  const alarmStop = (names: string) =>
    "One or more alarms have been activated according to the Amazon CloudWatch metrics you " +
    `selected, and the affected deployments have been stopped. Activated alarms: ${names}`;

  it("names each alarm that fired", () => {
    const message = alarmStop("<orders-errors> <orders-latency>");
    expect(activatedAlarms(message)).to.deep.equal(["orders-errors", "orders-latency"]);
    expect(reasonLines({ errorInformation: { code: "ALARM_ACTIVE", message } })).to.deep.equal([
      `CodeDeploy's reason: ALARM_ACTIVE: ${message}`,
      "Alarms that stopped it: orders-errors, orders-latency",
    ]);
    expect(
      reasonLines({
        errorInformation: { code: "ALARM_ACTIVE", message: alarmStop("<orders-errors>") },
      })[1],
    ).to.equal("Alarm that stopped it: orders-errors");
  });

  it("says an alarm stopped it when CodeDeploy names none", () => {
    expect(activatedAlarms(undefined)).to.deep.equal([]);
    expect(activatedAlarms("Deployment stopped")).to.deep.equal([]);
    expect(reasonLines({ errorInformation: { code: "ALARM_ACTIVE" } })).to.deep.equal([
      "CodeDeploy's reason: ALARM_ACTIVE",
      "An alarm stopped it (CodeDeploy did not name it).",
    ]);
  });
});

describe("what an operator reads when the wait ends or the deployment is lost", () => {
  it("says a deployment still running at the limit was not stopped, and how to follow it", () => {
    // SDK DeploymentStatus "InProgress".
    const message = timeoutMessage(
      { deploymentId: "d-SLOW00001", status: "InProgress" },
      {
        subject,
        previousVersion: "3",
        alias: { version: "3", weights: { "4": 0.1 } },
        waitedMs: 90 * 60_000,
      },
    );
    expect(message.split("\n")).to.deep.equal([
      "CodeDeploy deployment d-SLOW00001 of orders-fn:live (version 3 -> 4, eu-west-1) is still InProgress after 90 min, the limit of this update.",
      "Alias live now serves version 3 (10% on 4).",
      "It was NOT stopped: CodeDeploy keeps shifting traffic, or rolls back on an alarm, on its own.",
      "Follow it: aws deploy get-deployment --deployment-id d-SLOW00001 --region eu-west-1",
      "Console: https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-SLOW00001?region=eu-west-1",
      "The next `pulumi up` follows this deployment instead of starting another; raise [timeoutMinutes] if rollouts take longer.",
    ]);
  });

  it("says running when the answer has no status, and ? when it has no id", () => {
    expect(timeoutMessage({}, { subject, waitedMs: 60_000 }).split("\n")[0]).to.equal(
      "CodeDeploy deployment ? of orders-fn:live (to version 4, eu-west-1) is still running after 1 min, the limit of this update.",
    );
  });

  it("says a deployment it lost track of was not stopped, and that the next update follows it", () => {
    const message = lostMessage("d-LOST00001", "GetDeployment: AccessDeniedException", {
      subject: { ...subject, dashboardUrl: "https://example.com/dash" },
      previousVersion: "3",
      alias,
    });
    expect(message.split("\n")).to.deep.equal([
      "Lost track of CodeDeploy deployment d-LOST00001 of orders-fn:live (version 3 -> 4, eu-west-1): GetDeployment: AccessDeniedException",
      "Alias live now serves version 3.",
      "It was NOT stopped: CodeDeploy keeps shifting traffic, or rolls back on an alarm, on its own.",
      "Follow it: aws deploy get-deployment --deployment-id d-LOST00001 --region eu-west-1",
      "Console: https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-LOST00001?region=eu-west-1",
      "Run `pulumi up` again: it follows this deployment instead of starting another.",
      "Dashboard (every region's metrics): https://example.com/dash",
    ]);
  });
});

describe("what an operator reads when no deployment was started", () => {
  it("lists every deployment of someone else's still running, and follows the first", () => {
    const message = notStartedMessage("CodeDeploy refused 6 times", {
      subject,
      alias,
      running: ["d-OTHER0001", "d-OTHER0002"],
    });
    expect(message.split("\n")).to.deep.equal([
      "No deployment of version 4 to orders-fn:live (eu-west-1) was started: CodeDeploy refused 6 times",
      "Alias live now serves version 3.",
      "Still running in the deployment group (not started by this update, left alone): d-OTHER0001, d-OTHER0002. Follow: aws deploy get-deployment --deployment-id d-OTHER0001 --region eu-west-1",
      "Run `pulumi up` again once the cause is fixed.",
    ]);
  });

  it("says nothing of this update is running when the group is idle", () => {
    expect(
      notStartedMessage("AccessDeniedException", { subject, running: [] }).split("\n")[2],
    ).to.equal("Nothing of this update is running in the deployment group.");
  });
});
