/**
 * The read-only check `diff` makes of an unchanged LambdaDeployment, so in every `pulumi
 * preview` (deployment/drift.ts): is the alias where the stack says, what runs in the group,
 * and must the next update deploy? Each case asserts the answer (`inSync` is the plan: false
 * means "update") and the exact line `pulumi preview` prints.
 *
 * CodeDeploy and Lambda are scripted here (a state each case needs, read through the engine's
 * own Session on a virtual clock); the simulator's flows (a rolled-back canary, then preview)
 * are in faults.test.ts. Deployment ids are readable labels (`d-OURS`); CodeDeploy's are `d-`
 * and nine letters or digits (AWS CLI reference, `aws deploy get-deployment`), passed on as
 * opaque strings.
 */
import type { DeploymentInfo } from "@aws-sdk/client-codedeploy";
import { TooManyRequestsException } from "@aws-sdk/client-lambda";
import { expect } from "chai";
import { detectDrift, DriftRequest } from "../../deployment/drift";
import { alias as getAliasAnswer } from "./fakes";
import { VirtualClock } from "./sim/virtualClock";

const NOW = Date.UTC(2026, 0, 1);

/** orders-fn:live should serve version 4; resource 0badf00d, first attempt. */
const request: DriftRequest = {
  applicationName: "orders",
  deploymentGroupName: "orders-live",
  functionName: "orders-fn",
  aliasName: "live",
  targetVersion: "4",
  region: "eu-west-1",
  waitForCompletion: true,
  marker: "0badf00d",
};
/** The description the engine wrote for this request's deployment (deployment/marker.ts). */
const OURS = "pulumi up: live -> version 4 [pulumi:0badf00d:4:0]";

/**
 * A GetDeployment `deploymentInfo` (CodeDeploy API reference, DeploymentInfo: deploymentId,
 * status, description, creator, createTime, errorInformation, rollbackInfo).
 */
function deployment(
  id: string,
  status: DeploymentInfo["status"],
  minutesAgo: number,
  extra: Partial<DeploymentInfo> = {},
): DeploymentInfo {
  return {
    deploymentId: id,
    status,
    description: "deployed by hand",
    creator: "user",
    createTime: new Date(NOW - minutesAgo * 60_000),
    ...extra,
  };
}

/**
 * This request's deployment stopped by an alarm, and its automatic rollback (creator
 * "codeDeployRollback", `rollbackInfo` both ways: CodeDeploy API reference, DeploymentInfo and
 * RollbackInfo; the ALARM_ACTIVE code is `ErrorCode` in the SDK, the message's wording as the
 * simulator gives it, since AWS shows no full example).
 */
const stoppedByAlarm = [
  deployment("d-OURS", "Stopped", 30, {
    description: OURS,
    errorInformation: {
      code: "ALARM_ACTIVE",
      message: "One or more alarms have been activated. Activated alarms: <orders-errors>",
    },
    rollbackInfo: { rollbackDeploymentId: "d-ROLLBACK" },
  }),
  deployment("d-ROLLBACK", "Succeeded", 29, {
    description: undefined,
    creator: "codeDeployRollback",
    rollbackInfo: { rollbackTriggeringDeploymentId: "d-OURS" },
  }),
];

/**
 * Clients that answer GetAlias with `alias`, ListDeployments from `deployments` (the status
 * filter and `createTimeRange.start` applied, one page: `deployments`, no `nextToken`) and
 * GetDeployment by id (`DeploymentDoesNotExistException` for an unknown one: CodeDeploy API
 * reference, GetDeployment errors). `throttleOnce` names commands Lambda throttles once
 * (`TooManyRequestsException`, HTTP 429: Lambda API reference, Errors).
 */
function scripted(script: {
  alias: unknown;
  deployments?: DeploymentInfo[];
  throttleOnce?: string[];
}) {
  const clock = new VirtualClock(1, NOW);
  const requests: string[] = [];
  const throttle = new Set(script.throttleOnce ?? []);
  const send = async (command: { constructor: { name: string }; input: any }) => {
    const name = command.constructor.name.replace(/Command$/, "");
    requests.push(name);
    if (throttle.delete(name)) {
      throw new TooManyRequestsException({
        message: "Rate exceeded",
        $metadata: { httpStatusCode: 429 },
        Type: "User",
        Reason: "CallerRateLimitExceeded",
      });
    }
    const all = script.deployments ?? [];
    switch (name) {
      case "GetAlias":
        return script.alias;
      case "ListDeployments": {
        const statuses: string[] | undefined = command.input.includeOnlyStatuses;
        const since: Date | undefined = command.input.createTimeRange?.start;
        return {
          deployments: all
            .filter((info) => !statuses || statuses.includes(info.status!))
            .filter((info) => !since || info.createTime! >= since)
            .map((info) => info.deploymentId),
        };
      }
      case "GetDeployment": {
        const info = all.find((entry) => entry.deploymentId === command.input.deploymentId);
        if (!info) {
          const { DeploymentDoesNotExistException } = await import("@aws-sdk/client-codedeploy");
          throw new DeploymentDoesNotExistException({
            message: `The deployment ${command.input.deploymentId} could not be found`,
            $metadata: { httpStatusCode: 400 },
          });
        }
        return { deploymentInfo: info };
      }
      default:
        throw new Error(`unexpected ${name}`);
    }
  };
  const clients = { codedeploy: { send }, lambda: { send } };
  const lines: string[] = [];
  const check = (overrides: Partial<DriftRequest> = {}) =>
    clock.drive(
      detectDrift({ ...request, ...overrides }, clients, (line) => lines.push(line), clock),
    );
  return { check, lines, requests, clock };
}

describe("drift check in pulumi preview: where the alias is", () => {
  it("plans no change and prints nothing when the alias serves the target and nothing runs", async () => {
    const { check, lines } = scripted({
      alias: getAliasAnswer("4"),
      deployments: [deployment("d-OURS", "Succeeded", 30, { description: OURS })],
    });

    expect(await check()).to.deep.equal({
      inSync: true,
      aliasVersion: "4",
      message: "alias live serves version 4",
    });
    expect(lines).to.deep.equal([]);
  });

  it("plans an update when the alias serves another version and no deployment of this resource failed", async () => {
    const { check, lines } = scripted({ alias: getAliasAnswer("3") });

    const message =
      "alias live serves version 3 but the stack wants version 4; the update deploys it";
    expect(await check()).to.deep.equal({ inSync: false, aliasVersion: "3", message });
    expect(lines).to.deep.equal([message]);
  });

  it("plans an update when this resource's deployment succeeded but the alias was moved since", async () => {
    const { check, lines } = scripted({
      alias: getAliasAnswer("3"),
      deployments: [deployment("d-OURS", "Succeeded", 30, { description: OURS })],
    });

    expect((await check()).inSync).to.equal(false);
    expect(lines).to.deep.equal([
      "alias live serves version 3 but the stack wants version 4; the update deploys it",
    ]);
  });

  it("retries a throttled read within the preview's 10-second budget", async () => {
    const { check, lines, requests, clock } = scripted({
      alias: getAliasAnswer("4"),
      throttleOnce: ["GetAlias"],
    });

    const drift = await check();

    expect(drift.inSync).to.equal(true);
    expect(requests.filter((name) => name === "GetAlias")).to.have.length(2);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(
      /^GetAlias orders-fn:live: throttled \(TooManyRequestsException\); retrying in \d\.\d s$/,
    );
    expect(clock.now() - NOW).to.be.below(10_000);
  });
});

describe("drift check in pulumi preview: a deployment running in the group", () => {
  const running = (description: string) =>
    deployment("d-RUNNING", "InProgress", 2, { description });

  it("waits for someone else's deployment, then deploys the target if needed", async () => {
    const { check, lines } = scripted({
      alias: getAliasAnswer("3", { "4": 0.1 }),
      deployments: [running("deployed by hand")],
    });

    const message =
      "alias live serves version 3 (10% on 4) while deployment d-RUNNING is InProgress; " +
      "the update waits for it, then deploys version 4 if needed";
    expect(await check()).to.deep.equal({
      inSync: false,
      aliasVersion: "3",
      activeDeploymentId: "d-RUNNING",
      message,
    });
    expect(lines).to.deep.equal([message]);
  });

  it("follows this resource's own running deployment", async () => {
    const { check, lines } = scripted({
      alias: getAliasAnswer("3", { "4": 0.1 }),
      deployments: [running(OURS)],
    });

    expect((await check()).inSync).to.equal(false);
    expect(lines).to.deep.equal([
      "alias live serves version 3 (10% on 4) while deployment d-RUNNING is InProgress " +
        "(this resource's); the update follows it",
    ]);
  });

  it("does not take someone else's running deployment for this resource's when its own ended", async () => {
    const { check, lines } = scripted({
      alias: getAliasAnswer("3"),
      deployments: [...stoppedByAlarm, running("deployed by hand")],
    });

    await check();

    expect(lines).to.deep.equal([
      "alias live serves version 3 while deployment d-RUNNING is InProgress; " +
        "the update waits for it, then deploys version 4 if needed",
    ]);
  });

  it("plans no change with waitForCompletion: false, leaving the deployment to finish on its own", async () => {
    const { check, lines } = scripted({
      alias: getAliasAnswer("3", { "4": 0.1 }),
      deployments: [running(OURS)],
    });

    const message =
      "alias live serves version 3 (10% on 4) while deployment d-RUNNING is InProgress " +
      "(this resource's); waitForCompletion is false, so it is left to finish on its own";
    expect(await check({ waitForCompletion: false })).to.deep.equal({
      inSync: true,
      aliasVersion: "3",
      activeDeploymentId: "d-RUNNING",
      message,
    });
    expect(lines).to.deep.equal([message]);
  });
});

describe("drift check in pulumi preview: this resource's deployment failed", () => {
  const retryAdvice =
    "Version 4 is not deployed again on its own: publish a new version, or set retryToken to retry it.";

  it("warns, without planning an update, when an alarm stopped it and it was rolled back", async () => {
    const { check, lines } = scripted({ alias: getAliasAnswer("3"), deployments: stoppedByAlarm });

    const message =
      "alias live serves version 3, not version 4: deployment d-OURS Stopped (ALARM_ACTIVE: " +
      "One or more alarms have been activated. Activated alarms: <orders-errors>) and was " +
      `rolled back by d-ROLLBACK. ${retryAdvice}`;
    expect(await check()).to.deep.equal({
      inSync: true,
      aliasVersion: "3",
      message,
      warning: true,
    });
    expect(lines).to.deep.equal([`warning: ${message}`]);
  });

  it("warns when a hook failed it in a group without automatic rollback", async () => {
    // A group with `autoRollbackConfiguration` disabled starts no rollback, so the failed
    // deployment names none (CodeDeploy User Guide, "Redeploy and roll back a deployment with
    // CodeDeploy"). HOOK_EXECUTION_FAILURE is an `ErrorCode` of the SDK; the message's wording
    // is the simulator's (AWS shows no full example).
    const { check, lines } = scripted({
      alias: getAliasAnswer("3"),
      deployments: [
        deployment("d-OURS", "Failed", 30, {
          description: OURS,
          errorInformation: {
            code: "HOOK_EXECUTION_FAILURE",
            message:
              "The deployment failed because one or more of the lifecycle event hooks failed",
          },
        }),
      ],
    });

    const drift = await check();

    expect(drift.inSync).to.equal(true);
    expect(lines).to.deep.equal([
      "warning: alias live serves version 3, not version 4: deployment d-OURS Failed " +
        "(HOOK_EXECUTION_FAILURE: The deployment failed because one or more of the lifecycle " +
        `event hooks failed). ${retryAdvice}`,
    ]);
  });

  it("warns with what there is when the failure carries only a code, or no error information", async () => {
    // AWS documents no failed deployment without `errorInformation` or without its message;
    // the SDK types `DeploymentInfo.errorInformation` and both of its members as optional.
    const codeOnly = scripted({
      alias: getAliasAnswer("3"),
      deployments: [
        deployment("d-OURS", "Failed", 30, {
          description: OURS,
          errorInformation: { code: "HOOK_EXECUTION_FAILURE" },
        }),
      ],
    });
    const bare = scripted({
      alias: getAliasAnswer("3"),
      deployments: [deployment("d-OURS", "Stopped", 30, { description: OURS })],
    });

    await codeOnly.check();
    await bare.check();

    expect(codeOnly.lines).to.deep.equal([
      "warning: alias live serves version 3, not version 4: deployment d-OURS Failed " +
        `(HOOK_EXECUTION_FAILURE). ${retryAdvice}`,
    ]);
    expect(bare.lines).to.deep.equal([
      `warning: alias live serves version 3, not version 4: deployment d-OURS Stopped. ${retryAdvice}`,
    ]);
  });

  it("finds the deployment the stack recorded even when it is older than the listings reach", async () => {
    // Created 5 hours ago: beyond the 3-hour window of the recent-deployments listing, so
    // only the direct read of the recorded id finds it (a preview the day after a failed update).
    const old = stoppedByAlarm.map((info) => ({
      ...info,
      createTime: new Date(info.createTime!.getTime() - 5 * 3_600_000),
    }));
    const { check, lines } = scripted({ alias: getAliasAnswer("3"), deployments: old });

    const drift = await check({ recordedDeploymentId: "d-OURS" });

    expect(drift.inSync).to.equal(true);
    expect(drift.warning).to.equal(true);
    expect(lines[0]).to.match(
      /^warning: alias live serves version 3, not version 4: deployment d-OURS Stopped/,
    );
  });

  it("takes no deployment for this resource's without a marker, whatever the descriptions say", async () => {
    // A direct caller (a CI step) that gives no marker: nothing is this request's, neither a
    // tagged failed deployment nor one started by hand without a tag.
    const { check, lines } = scripted({
      alias: getAliasAnswer("3"),
      deployments: [...stoppedByAlarm, deployment("d-HAND", "Succeeded", 60)],
    });

    const drift = await check({ marker: undefined });

    expect(drift.inSync).to.equal(false);
    expect(lines).to.deep.equal([
      "alias live serves version 3 but the stack wants version 4; the update deploys it",
    ]);
  });
});
