/**
 * What the engine reads of AWS before each decision (deployment/observe.ts): the alias, the
 * group's deployments and whose they are, read from a scripted CodeDeploy and Lambda through
 * the engine's own Session (its timeouts and retries), on a virtual clock. Each case is
 * something the engine decides from: a wrong read here is a wrong decision there (success
 * reported while a rollback runs, a second deployment started, someone else's taken for ours).
 * Deployment ids here are readable labels (`d-FAILED`); CodeDeploy's are `d-` and nine letters
 * or digits (AWS CLI reference, `aws deploy get-deployment` example: `d-A1B2C3123`), which the engine
 * passes on as opaque strings.
 */
import * as codedeploy from "@aws-sdk/client-codedeploy";
import type { DeploymentInfo } from "@aws-sdk/client-codedeploy";
import * as lambda from "@aws-sdk/client-lambda";
import { expect } from "chai";
import { Session } from "../../deployment/calls";
import {
  checkAccount,
  DeploymentFailure,
  DeploymentRequest,
  isDeploymentFailure,
} from "../../deployment/engine";
import {
  ACTIVE_DEPLOYMENT_STATUSES,
  describeAlias,
  getDeployment,
  isOwnDeployment,
  isRollback,
  isTerminal,
  listDeployments,
  observe,
  readAlias,
  readAliasState,
  servesExactly,
  trafficPercent,
  view,
} from "../../deployment/observe";
import { deniedOnGroup, alias as getAliasAnswer } from "./fakes";
import { VirtualClock } from "./sim/virtualClock";

const sdk = { codedeploy, lambda };
const group = { applicationName: "orders", deploymentGroupName: "orders-live" };
const target = { functionName: "orders-fn", aliasName: "live" };
const request = { ...group, ...target };
/** This request's tag: resource 0badf00d deploying version 4, first attempt. */
const tag = { marker: "0badf00d", targetVersion: "4", retry: "0" };
const OURS = "pulumi up: live -> version 4 [pulumi:0badf00d:4:0]";

interface Scripted {
  /**
   * GetDeployment answers by id (an Error is thrown as the SDK would; "empty" is an answer
   * without `deploymentInfo`: AWS documents no such answer; the SDK type makes the member
   * optional (`GetDeploymentOutput.deploymentInfo`)).
   */
  deployments?: Record<string, DeploymentInfo | Error | "empty">;
  /** ListDeployments pages: the ids the listing shows (active ones when filtered). */
  listed?: string[];
  /** What a lagging listing of running deployments still shows (default: from `listed`). */
  listedActive?: string[];
  /** The GetAlias answer. */
  alias?: unknown;
  /** GetDeploymentGroup's lastAttemptedDeployment.deploymentId. */
  lastAttempted?: string;
  /** Page size of ListDeployments (CodeDeploy's own is undocumented; small to paginate). */
  pageSize?: number;
  /** Errors thrown instead of answering, by command name (`ListDeployments`). */
  fail?: Record<string, Error>;
  /** Raw answers instead of the scripted ones, by command name. */
  raw?: Record<string, unknown>;
}

/**
 * Clients that answer from `script` and record every request as `Command input-json`.
 * Shapes: CodeDeploy API reference GetDeployment (`deploymentInfo`), ListDeployments
 * (`deployments`, `nextToken`), GetDeploymentGroup (`deploymentGroupInfo.lastAttemptedDeployment`,
 * SDK `LastDeploymentInfo`); Lambda API reference GetAlias (test/deployment/fakes.ts).
 */
function scriptedWorld(script: Scripted) {
  const clock = new VirtualClock();
  const requests: { command: string; input: any }[] = [];
  const send = async (command: { constructor: { name: string }; input: any }) => {
    const name = command.constructor.name;
    requests.push({ command: name, input: command.input });
    const short = name.replace(/Command$/, "");
    if (script.fail?.[short]) {
      throw script.fail[short];
    }
    if (script.raw && short in script.raw) {
      return script.raw[short];
    }
    switch (name) {
      case "GetAliasCommand":
        return script.alias ?? getAliasAnswer("3");
      case "GetDeploymentGroupCommand":
        return {
          deploymentGroupInfo: {
            ...group,
            lastAttemptedDeployment: script.lastAttempted
              ? { deploymentId: script.lastAttempted, status: "InProgress" }
              : undefined,
          },
        };
      case "ListDeploymentsCommand": {
        const statuses: string[] | undefined = command.input.includeOnlyStatuses;
        const ids =
          statuses && script.listedActive
            ? script.listedActive
            : (script.listed ?? []).filter((id) => {
                const info = script.deployments?.[id];
                return (
                  !statuses ||
                  (typeof info === "object" &&
                    !(info instanceof Error) &&
                    statuses.includes(info.status!))
                );
              });
        // nextToken: an opaque cursor (here the index of the next page).
        const from = command.input.nextToken ? Number(command.input.nextToken) : 0;
        const size = script.pageSize ?? 100;
        const next = from + size < ids.length ? String(from + size) : undefined;
        return { deployments: ids.slice(from, from + size), nextToken: next };
      }
      case "GetDeploymentCommand": {
        const info = script.deployments?.[command.input.deploymentId];
        if (info instanceof Error) {
          throw info;
        }
        if (info === "empty") {
          return {};
        }
        if (!info) {
          // CodeDeploy API reference, GetDeployment errors: DeploymentDoesNotExistException
          // ("The deployment with the user or AWS account does not exist").
          throw new codedeploy.DeploymentDoesNotExistException({
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
  const reports: string[] = [];
  const session = new Session(clients, clock, (line) => reports.push(line), {
    deadline: clock.now() + 10 * 60_000,
  });
  const commands = () => requests.map((entry) => entry.command.replace(/Command$/, ""));
  return { clock, session, requests, commands, reports };
}

/**
 * A GetDeployment `deploymentInfo` (CodeDeploy API reference, DeploymentInfo: deploymentId,
 * status, description, creator, createTime, rollbackInfo).
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
    createTime: new Date(Date.UTC(2026, 0, 1) - minutesAgo * 60_000),
    ...extra,
  };
}

describe("what the engine reads: the alias", () => {
  it("reads the version, the non-zero routing weights and the account of the alias's ARN", async () => {
    const { clock, session, requests } = scriptedWorld({
      // A zero weight is within AdditionalVersionWeights' documented range (0.0-1.0) and
      // sends no traffic.
      alias: getAliasAnswer("3", { "4": 0.1, "5": 0 }),
    });

    const alias = await clock.drive(readAlias(session, sdk, target));

    expect(alias).to.deep.equal({ version: "3", weights: { "4": 0.1 }, accountId: "111122223333" });
    expect(requests).to.deep.equal([
      { command: "GetAliasCommand", input: { FunctionName: "orders-fn", Name: "live" } },
    ]);
  });

  it("takes an alias whose only weight is 0 as serving exactly its version", async () => {
    const { clock, session } = scriptedWorld({ alias: getAliasAnswer("4", { "5": 0 }) });

    const alias = await clock.drive(readAlias(session, sdk, target));

    expect(servesExactly(alias, "4")).to.equal(true);
    expect(describeAlias(alias)).to.equal("version 4");
  });

  it("leaves the account unknown when the answer has no ARN, rather than refusing a wrong one", async () => {
    // A defensive path: AWS documents no such answer (GetAlias always returns AliasArn, Lambda
    // API reference); the SDK type makes the member optional (`AliasConfiguration.AliasArn`).
    const { clock, session } = scriptedWorld({ alias: { Name: "live", FunctionVersion: "3" } });

    const alias = await clock.drive(readAlias(session, sdk, target));

    expect(alias).to.deep.equal({ version: "3", weights: {}, accountId: undefined });
  });

  it("refuses to deploy when the account is unknown and the stack names its accounts (the guard fails closed)", () => {
    // GetAlias always returns AliasArn (Lambda API reference, GetAlias response elements); an
    // answer without it must not slip past allowedAccountIds.
    const run = {
      request: {
        aliasName: "live",
        allowedAccountIds: ["111122223333", "444455556666"],
      } as unknown as DeploymentRequest,
      subject: {
        functionName: "orders-fn",
        aliasName: "live",
        targetVersion: "4",
        region: "eu-west-1",
      },
    };
    const unknownAccount = { version: "3", weights: {}, accountId: undefined };
    let refusal: unknown;
    try {
      checkAccount(run, unknownAccount);
    } catch (error) {
      refusal = error;
    }
    expect(isDeploymentFailure(refusal)).to.equal(true);
    expect((refusal as DeploymentFailure).kind).to.equal("not-started");
    expect((refusal as DeploymentFailure).result).to.deep.equal({ status: "NotStarted" });
    expect((refusal as Error).message.split("\n")).to.deep.equal([
      "No deployment of version 4 to orders-fn:live (eu-west-1) was started: the account of alias live could not be told (Lambda's GetAlias answer had no AliasArn), and this stack deploys only to 111122223333 or 444455556666; refusing to touch it. Check the AWS profile, role or keys (Pulumi config aws:* or the region's provider).",
      "Alias live now serves version 3.",
      "Nothing of this update is running in the deployment group.",
      "Run `pulumi up` again once the cause is fixed.",
    ]);
    // Without allowedAccountIds there is nothing to check.
    checkAccount(
      { ...run, request: { aliasName: "live" } as unknown as DeploymentRequest },
      unknownAccount,
    );
    checkAccount(run, { ...unknownAccount, accountId: "111122223333" });
  });

  it("refuses an answer without FunctionVersion, naming the alias and the function", async () => {
    // A defensive path: AWS documents no such answer; the SDK type makes the member optional
    // (`AliasConfiguration.FunctionVersion`).
    const { clock, session } = scriptedWorld({ alias: { Name: "live" } });

    const error = await clock.drive(readAlias(session, sdk, target)).catch((e: Error) => e);

    expect((error as Error).message).to.equal("alias live of orders-fn has no FunctionVersion");
  });

  it("reads an alias for pulumi refresh and pruning with a deadline of its own", async () => {
    const clock = new VirtualClock();
    const sent: unknown[] = [];
    // Lambda API reference, GetAlias response (test/deployment/fakes.ts).
    const lambdaClient = {
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        return getAliasAnswer("7", { "8": 0.25 });
      },
    };

    const alias = await clock.drive(readAliasState(target, { lambda: lambdaClient }, clock));

    expect(alias).to.deep.equal({
      version: "7",
      weights: { "8": 0.25 },
      accountId: "111122223333",
    });
    expect(sent).to.deep.equal([{ FunctionName: "orders-fn", Name: "live" }]);
  });

  it("gives up on a refresh read that never answers within a minute", async () => {
    const clock = new VirtualClock();
    const lambdaClient = { send: () => new Promise(() => undefined) };
    const started = clock.now();

    const error = await clock
      .drive(readAliasState(target, { lambda: lambdaClient }, clock))
      .catch((e: Error) => e);

    expect((error as Error).message).to.match(/^GetAlias orders-fn:live failed/);
    expect(clock.now() - started).to.be.at.most(60_000);
  });
});

describe("what the engine reads: traffic shares and the alias as an operator reads it", () => {
  it("describes each extra version's share in whole percent", () => {
    expect(describeAlias({ version: "3", weights: {} })).to.equal("version 3");
    expect(describeAlias({ version: "3", weights: { "4": 0.104 } })).to.equal(
      "version 3 (10% on 4)",
    );
    expect(describeAlias({ version: "3", weights: { "4": 0.1, "5": 0.256 } })).to.equal(
      "version 3 (10% on 4, 26% on 5)",
    );
  });

  it("counts the alias's own version as what the weights leave", () => {
    const alias = { version: "3", weights: { "4": 0.1, "5": 0.2 } };
    expect(trafficPercent(alias, "3")).to.equal(70);
    expect(trafficPercent(alias, "4")).to.equal(10);
    expect(trafficPercent(alias, "6")).to.equal(0);
    expect(trafficPercent({ version: "4", weights: {} }, "4")).to.equal(100);
  });

  it("serves exactly a version only with no extra weight", () => {
    expect(servesExactly({ version: "4", weights: {} }, "4")).to.equal(true);
    expect(servesExactly({ version: "4", weights: { "5": 0.1 } }, "4")).to.equal(false);
    expect(servesExactly({ version: "3", weights: {} }, "4")).to.equal(false);
  });
});

describe("what the engine reads: deployments", () => {
  it("takes Succeeded, Failed and Stopped as ended and every other status as running", () => {
    for (const status of ["Succeeded", "Failed", "Stopped"]) {
      expect(isTerminal(status), status).to.equal(true);
    }
    for (const status of [...ACTIVE_DEPLOYMENT_STATUSES, undefined]) {
      expect(isTerminal(status), String(status)).to.equal(false);
    }
  });

  it("lists every page of the group's deployments with the filters asked for", async () => {
    const ids = ["d-A", "d-B", "d-C", "d-D", "d-E"];
    const { clock, session, requests } = scriptedWorld({ listed: ids, pageSize: 2 });

    const all = await clock.drive(
      listDeployments(session, sdk, group, { createdAfter: Date.UTC(2025, 11, 31) }),
    );

    expect(all).to.deep.equal(ids);
    expect(requests.map((entry) => entry.input)).to.deep.equal([
      {
        ...group,
        includeOnlyStatuses: undefined,
        createTimeRange: { start: new Date(Date.UTC(2025, 11, 31)) },
        nextToken: undefined,
      },
      {
        ...group,
        includeOnlyStatuses: undefined,
        createTimeRange: { start: new Date(Date.UTC(2025, 11, 31)) },
        nextToken: "2",
      },
      {
        ...group,
        includeOnlyStatuses: undefined,
        createTimeRange: { start: new Date(Date.UTC(2025, 11, 31)) },
        nextToken: "4",
      },
    ]);
  });

  it("asks for the non-terminal statuses only when listing running deployments", async () => {
    const { clock, session, requests } = scriptedWorld({});

    await clock.drive(listDeployments(session, sdk, group, { activeOnly: true }));

    expect(requests[0].input).to.deep.equal({
      ...group,
      includeOnlyStatuses: ["Created", "Queued", "InProgress", "Baking", "Ready"],
      createTimeRange: undefined,
      nextToken: undefined,
    });
  });

  it("reads a deployment that can no longer change once per operation, and one that can every time", async () => {
    const rolledBack = deployment("d-FAILED", "Failed", 5, {
      rollbackInfo: { rollbackDeploymentId: "d-ROLLBACK" },
    });
    const { clock, session, commands } = scriptedWorld({
      deployments: {
        "d-OK": deployment("d-OK", "Succeeded", 5),
        "d-FAILED": rolledBack,
        // Failed with no rollback named yet: it may be named on a later read.
        "d-FAILING": deployment("d-FAILING", "Failed", 5),
        "d-STOPPED": deployment("d-STOPPED", "Stopped", 5),
        "d-RUNNING": deployment("d-RUNNING", "InProgress", 5),
      },
    });

    for (const id of ["d-OK", "d-FAILED", "d-FAILING", "d-STOPPED", "d-RUNNING"]) {
      await clock.drive(getDeployment(session, sdk, id));
      expect(await clock.drive(getDeployment(session, sdk, id))).to.include({ deploymentId: id });
    }

    expect(commands().filter((name) => name === "GetDeployment")).to.have.length(1 + 1 + 2 + 2 + 2);
  });

  it("keeps the id it asked for when the answer has no deploymentInfo", async () => {
    // A defensive path: AWS documents no such answer; the SDK type makes the member optional
    // (`GetDeploymentOutput.deploymentInfo`).
    const { clock, session } = scriptedWorld({ deployments: { "d-EMPTY": "empty" } });

    const info = await clock.drive(getDeployment(session, sdk, "d-EMPTY"));

    expect(info).to.deep.equal({ deploymentId: "d-EMPTY" });
    expect(view(info, "d-EMPTY")).to.deep.include({
      id: "d-EMPTY",
      status: "Unknown",
      rollback: false,
      tag: undefined,
    });
  });

  it("keeps the id it asked for when the answer's deploymentInfo has no deploymentId", async () => {
    // A defensive path: AWS documents no such answer; the SDK type makes the member optional
    // (`DeploymentInfo.deploymentId`).
    const { clock, session } = scriptedWorld({
      listed: ["d-UNNAMED"],
      deployments: {
        "d-UNNAMED": { ...deployment("d-UNNAMED", "InProgress", 1), deploymentId: undefined },
      },
    });

    const seen = await clock.drive(observe(session, sdk, request, tag, {}));

    expect(seen.active.map((entry) => [entry.id, entry.status])).to.deep.equal([
      ["d-UNNAMED", "InProgress"],
    ]);
  });

  it("takes a deployment created by a rollback, or naming the one it undoes, for a rollback even with our tag", () => {
    const byCreator = deployment("d-R1", "InProgress", 1, {
      creator: "codeDeployRollback",
      description: OURS,
    });
    const byTrigger = deployment("d-R2", "InProgress", 1, {
      description: OURS,
      rollbackInfo: { rollbackTriggeringDeploymentId: "d-X" },
    });
    const plain = deployment("d-P", "InProgress", 1, { description: OURS });

    expect([isRollback(byCreator), isRollback(byTrigger), isRollback(plain)]).to.deep.equal([
      true,
      true,
      false,
    ]);
    expect([byCreator, byTrigger, plain].map((info) => isOwnDeployment(info, tag))).to.deep.equal([
      false,
      false,
      true,
    ]);
    expect(view(byTrigger, "d-R2")).to.deep.include({ rollback: true, tag: undefined });
    expect(view(plain, "d-P").tag).to.deep.equal(tag);
  });
});

describe("what the engine reads: one observation of the group", () => {
  it("reads the group first and the alias last, looking three hours back for ended deployments", async () => {
    const { clock, session, commands, requests } = scriptedWorld({
      listed: ["d-A"],
      deployments: { "d-A": deployment("d-A", "InProgress", 2) },
      lastAttempted: "d-A",
    });

    await clock.drive(observe(session, sdk, request, tag, { groupLastAttempted: true }));

    expect(commands()).to.deep.equal([
      "GetDeploymentGroup",
      "ListDeployments",
      "ListDeployments",
      "GetDeployment",
      "GetAlias",
    ]);
    const [, running, recent] = requests;
    expect(running.input.includeOnlyStatuses).to.deep.equal(ACTIVE_DEPLOYMENT_STATUSES);
    expect(recent.input.includeOnlyStatuses).to.equal(undefined);
    // The recent listing reaches three hours back (the window the engine looks for its own
    // deployments in).
    expect(recent.input.createTimeRange.start.getTime()).to.equal(clock.now() - 3 * 3_600_000);
  });

  it("does not read the group's last attempted deployment unless asked", async () => {
    const { clock, session, commands } = scriptedWorld({ lastAttempted: "d-A" });

    const seen = await clock.drive(observe(session, sdk, request, tag, {}));

    expect(commands()).to.deep.equal(["ListDeployments", "ListDeployments", "GetAlias"]);
    expect(seen.active).to.deep.equal([]);
  });

  it("looks further back than three hours when a lost CreateDeployment was sent earlier", async () => {
    const { clock, session, requests } = scriptedWorld({});
    const sentAt = clock.now() - 4 * 3_600_000;

    await clock.drive(observe(session, sdk, request, tag, { ownSince: sentAt }));

    expect(requests[1].input.createTimeRange.start.getTime()).to.equal(sentAt);
  });

  it("finds the group's last attempted deployment that no listing shows yet, and whose it is", async () => {
    const { clock, session } = scriptedWorld({
      listed: [],
      deployments: { "d-NEW": deployment("d-NEW", "InProgress", 0, { description: OURS }) },
      lastAttempted: "d-NEW",
    });

    const seen = await clock.drive(
      observe(session, sdk, request, tag, { groupLastAttempted: true }),
    );

    expect(seen.ours?.id).to.equal("d-NEW");
    expect(seen.active.map((entry) => entry.id)).to.deep.equal(["d-NEW"]);
  });

  it("reads the recorded deployment even when no listing shows it", async () => {
    const { clock, session } = scriptedWorld({
      deployments: {
        "d-RECORDED": deployment("d-RECORDED", "InProgress", 3, { description: OURS }),
      },
    });

    const seen = await clock.drive(
      observe(session, sdk, request, tag, { recordedId: "d-RECORDED" }),
    );

    expect(seen.active.map((entry) => entry.id)).to.deep.equal(["d-RECORDED"]);
    expect(seen.ours?.id).to.equal("d-RECORDED");
  });

  it("takes a recorded deployment CodeDeploy no longer knows as gone", async () => {
    const { clock, session } = scriptedWorld({ deployments: {} });

    const seen = await clock.drive(
      observe(session, sdk, request, tag, { recordedId: "d-EXPIRED" }),
    );

    expect(seen).to.deep.equal({
      alias: { version: "3", weights: {}, accountId: "111122223333" },
      active: [],
      ours: undefined,
    });
  });

  it("fails the observation when a deployment cannot be read for another reason", async () => {
    const denied = new codedeploy.CodeDeployServiceException({
      // An unmodelled error: the SDK names it by its code (AccessDeniedException, 400).
      name: "AccessDeniedException",
      message: deniedOnGroup("GetDeployment"),
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    });
    const { clock, session } = scriptedWorld({
      listed: ["d-A"],
      deployments: { "d-A": denied },
    });

    const error = await clock.drive(observe(session, sdk, request, tag, {})).catch((e: Error) => e);

    expect((error as Error).message).to.equal(
      `GetDeployment d-A failed: AccessDeniedException: ${deniedOnGroup("GetDeployment")}`,
    );
  });

  it("counts the automatic rollback of a failed deployment as running before any listing shows it", async () => {
    const { clock, session } = scriptedWorld({
      listed: ["d-FAILED"],
      deployments: {
        "d-FAILED": deployment("d-FAILED", "Failed", 4, {
          rollbackInfo: { rollbackDeploymentId: "d-ROLLBACK" },
        }),
        "d-ROLLBACK": deployment("d-ROLLBACK", "InProgress", 0, {
          creator: "codeDeployRollback",
          rollbackInfo: { rollbackTriggeringDeploymentId: "d-FAILED" },
        }),
      },
    });

    const seen = await clock.drive(observe(session, sdk, request, tag, {}));

    expect(seen.active.map((entry) => [entry.id, entry.rollback])).to.deep.equal([
      ["d-ROLLBACK", true],
    ]);
  });

  it("follows a rollback found first back to the deployment it undoes, which is this request's", async () => {
    const { clock, session, commands } = scriptedWorld({
      deployments: {
        "d-MINE": deployment("d-MINE", "Failed", 4, {
          description: OURS,
          rollbackInfo: { rollbackDeploymentId: "d-ROLLBACK" },
        }),
        "d-ROLLBACK": deployment("d-ROLLBACK", "InProgress", 0, {
          creator: "codeDeployRollback",
          description: OURS,
          rollbackInfo: { rollbackTriggeringDeploymentId: "d-MINE" },
        }),
      },
      lastAttempted: "d-ROLLBACK",
    });

    const seen = await clock.drive(
      observe(session, sdk, request, tag, { groupLastAttempted: true }),
    );

    expect(seen.ours?.id).to.equal("d-MINE");
    expect(seen.ours?.status).to.equal("Failed");
    expect(seen.active.map((entry) => entry.id)).to.deep.equal(["d-ROLLBACK"]);
    // Each deployment read once, though each names the other.
    expect(commands().filter((name) => name === "GetDeployment")).to.have.length(2);
  });

  it("takes the newest deployment with this request's tag as this request's, and lists running ones oldest first", async () => {
    const { clock, session } = scriptedWorld({
      // ListDeployments documents no order (API reference, ListDeployments): createTime decides.
      listed: ["d-3", "d-2", "d-1", "d-0"],
      deployments: {
        "d-0": deployment("d-0", "Succeeded", 200, { description: OURS }),
        "d-1": deployment("d-1", "Stopped", 30, { description: OURS }),
        "d-3": deployment("d-3", "InProgress", 1),
        "d-2": deployment("d-2", "Queued", 10, { description: OURS }),
      },
    });

    const seen = await clock.drive(observe(session, sdk, request, tag, {}));

    expect(seen.ours?.id).to.equal("d-2");
    expect(seen.active.map((entry) => entry.id)).to.deep.equal(["d-2", "d-3"]);
  });

  it("trusts the status GetDeployment reports over a listing of running deployments that lags", async () => {
    const { clock, session } = scriptedWorld({
      listed: ["d-ENDED"],
      listedActive: ["d-ENDED"],
      deployments: { "d-ENDED": deployment("d-ENDED", "Succeeded", 2) },
    });

    const seen = await clock.drive(observe(session, sdk, request, tag, {}));

    expect(seen.active).to.deep.equal([]);
  });
});

describe("what the engine reads: answers that lack a part, and failed reads", () => {
  /**
   * CodeDeploy's answer to a caller without the permission (unmodelled: named by its code),
   * in IAM's implicit-deny wording (`deniedOnGroup`).
   */
  const denied = (action: string) =>
    new codedeploy.CodeDeployServiceException({
      name: "AccessDeniedException",
      message: deniedOnGroup(action),
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    });

  it("names the listing and the group in the error when it cannot list the group's deployments", async () => {
    const { clock, session } = scriptedWorld({
      fail: { ListDeployments: denied("ListDeployments") },
    });

    const error = await clock.drive(observe(session, sdk, request, tag, {})).catch((e: Error) => e);

    expect((error as Error).message).to.equal(
      `ListDeployments orders-live failed: AccessDeniedException: ${deniedOnGroup("ListDeployments")}`,
    );
  });

  it("names the group in the error when it cannot read the group, having asked for that group", async () => {
    const { clock, session, requests } = scriptedWorld({
      fail: { GetDeploymentGroup: denied("GetDeploymentGroup") },
    });

    const error = await clock
      .drive(observe(session, sdk, request, tag, { groupLastAttempted: true }))
      .catch((e: Error) => e);

    expect((error as Error).message).to.equal(
      `GetDeploymentGroup orders-live failed: AccessDeniedException: ${deniedOnGroup("GetDeploymentGroup")}`,
    );
    expect(requests[0].input).to.deep.equal(group);
  });

  it("takes answers without deployments or deploymentGroupInfo as showing none", async () => {
    // A defensive path: AWS documents no such answer; the SDK types make the members optional
    // (`ListDeploymentsOutput.deployments`, `GetDeploymentGroupOutput.deploymentGroupInfo`).
    const { clock, session, commands } = scriptedWorld({
      raw: { ListDeployments: {}, GetDeploymentGroup: {} },
    });

    const seen = await clock.drive(
      observe(session, sdk, request, tag, { groupLastAttempted: true }),
    );

    expect(commands()).to.deep.equal([
      "GetDeploymentGroup",
      "ListDeployments",
      "ListDeployments",
      "GetAlias",
    ]);
    expect(seen.active).to.deep.equal([]);
    expect(seen.ours).to.equal(undefined);
  });

  it("reads a deployment listed and named by another only once, and lists it once", async () => {
    const { clock, session, commands } = scriptedWorld({
      // Both listed, the failed one still among the running ones (a lagging listing), so it
      // is read first and names its rollback, which is queued already.
      listed: ["d-FAILED", "d-ROLLBACK"],
      listedActive: ["d-FAILED"],
      deployments: {
        "d-FAILED": deployment("d-FAILED", "Failed", 4, {
          rollbackInfo: { rollbackDeploymentId: "d-ROLLBACK" },
        }),
        "d-ROLLBACK": deployment("d-ROLLBACK", "InProgress", 0, {
          creator: "codeDeployRollback",
          rollbackInfo: { rollbackTriggeringDeploymentId: "d-FAILED" },
        }),
      },
    });

    const seen = await clock.drive(observe(session, sdk, request, tag, {}));

    expect(seen.active.map((entry) => entry.id)).to.deep.equal(["d-ROLLBACK"]);
    expect(commands().filter((name) => name === "GetDeployment")).to.have.length(2);
  });

  it("orders a deployment without createTime first rather than failing", async () => {
    // A defensive path: AWS documents no such answer; the SDK type makes the member optional
    // (`DeploymentInfo.createTime`).
    const { clock, session } = scriptedWorld({
      listed: ["d-NEW", "d-UNDATED", "d-OLD"],
      deployments: {
        "d-NEW": deployment("d-NEW", "InProgress", 1),
        "d-UNDATED": { ...deployment("d-UNDATED", "Created", 0), createTime: undefined },
        "d-OLD": deployment("d-OLD", "Created", 30),
      },
    });

    const seen = await clock.drive(observe(session, sdk, request, tag, {}));

    expect(seen.active.map((entry) => entry.id)).to.deep.equal(["d-UNDATED", "d-OLD", "d-NEW"]);
  });

  it("retries a throttled refresh read within its minute", async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const lambdaClient = {
      send: async () => {
        calls++;
        if (calls === 1) {
          // Lambda API reference, GetAlias errors: TooManyRequestsException (429).
          throw new lambda.TooManyRequestsException({
            message: "Rate exceeded",
            $metadata: { httpStatusCode: 429 },
            Type: "User",
            Reason: "CallerRateLimitExceeded",
          });
        }
        return getAliasAnswer("7");
      },
    };

    const alias = await clock.drive(readAliasState(target, { lambda: lambdaClient }, clock));

    expect(alias.version).to.equal("7");
    expect(calls).to.equal(2);
  });
});
