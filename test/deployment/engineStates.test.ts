/**
 * The deployment engine's states that the other specs reach only in passing, each with what
 * an operator reads: the progress lines of `pulumi up` and the exact failure, against the
 * CodeDeploy/Lambda simulator (test/deployment/sim) on a virtual clock.
 */
import { expect } from "chai";
import { deploy, deploymentFailure, isDeploymentFailure } from "../../deployment/engine";
import { Fault } from "./sim/awsSimulator";
import { ordersInputs, world } from "./sim/scenario";

/** Faults by command: the n-th request of `command` (1-based) gets `fault`. */
function faultsOn(plan: Record<string, Record<number, Fault>>) {
  const seen = new Map<string, number>();
  return ({ command }: { command: string }): Fault => {
    const count = (seen.get(command) ?? 0) + 1;
    seen.set(command, count);
    return plan[command]?.[count] ?? "none";
  };
}

/** The progress lines of an operation, without the provider's `LambdaDeployment <alias> (<region>): ` prefix. */
function progress(record: { log: string[] }): string[] {
  return record.log.map((line) =>
    line.replace(/^LambdaDeployment orders-fn:live \(eu-west-1\): /, ""),
  );
}

describe("deployment engine states: what an operator reads", () => {
  it("refuses an alias on $LATEST before creating anything, saying how to fix it", async () => {
    const { sim, stack } = world({ aliasVersion: "$LATEST" });

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome).to.equal("failure");
    expect(up.failureKind).to.equal("not-started");
    expect(up.message!.split("\n")).to.deep.equal([
      "No deployment of version 4 to orders-fn:live (eu-west-1) was started: the alias points at $LATEST; CodeDeploy shifts between published versions only. Point the alias at a published version first.",
      "Alias live now serves version $LATEST.",
      "Nothing of this update is running in the deployment group.",
      "Run `pulumi up` again once the cause is fixed.",
    ]);
    expect(sim.deployments).to.deep.equal([]);
  });

  it("reports what it sees at each step, marking this resource's deployment and a rollback", async () => {
    const { sim, stack } = world();
    sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 60_000, alarm: "orders-errors" });

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome).to.equal("failure");
    expect(progress(up)[0]).to.equal("alias serves version 3; no deployment running");
    expect(progress(up)).to.include("d-SIM000001: InProgress");
    expect(progress(up)).to.include("d-SIM000001: 10% of traffic on version 4");
    expect(progress(up)).to.include("d-SIM000001: Stopped");
  });

  it("says a running deployment is a rollback when the next update finds it", async () => {
    const { sim, stack } = world({ rollbackMs: 5 * 60_000 });
    sim.fateOf = ({ viaEngine }) =>
      viaEngine
        ? { kind: "alarm", afterShiftMs: 30_000, alarm: "orders-errors" }
        : { kind: "succeed" };
    await stack.up(ordersInputs("3"));
    const crashed = await stack.up(ordersInputs("4"), { crashAfterMs: 2 * 60_000 });
    expect(crashed.outcome).to.equal("crashed");

    const next = await stack.up(ordersInputs("5"));

    expect(progress(next)[0]).to.equal(
      "alias serves version 3 (10% on 4); running in the group: d-SIM000002 InProgress (a rollback)",
    );
  });

  it("says when it follows a deployment started for this resource by an earlier, crashed update", async () => {
    const { stack } = world();
    await stack.up(ordersInputs("3"));
    const crashed = await stack.up(ordersInputs("4"), { crashAfterMs: 60_000 });
    expect(crashed.outcome).to.equal("crashed");

    const next = await stack.up(ordersInputs("4"));

    expect(next.outcome, next.message).to.equal("success");
    expect(progress(next).slice(0, 2)).to.deep.equal([
      "alias serves version 3 (10% on 4); running in the group: d-SIM000001 InProgress (this resource's)",
      "deployment d-SIM000001 of version 4 was started for this resource already; following it instead of starting another",
    ]);
    expect(next.recorded).to.include({
      deploymentId: "d-SIM000001",
      status: "Succeeded",
      previousVersion: "3",
      deployedVersion: "4",
    });
  });

  it("returns once the deployment exists with waitForCompletion false, saying how to follow it", async () => {
    const { sim, stack } = world();

    const up = await stack.up(ordersInputs("4", { waitForCompletion: false }));

    expect(up.outcome).to.equal("success");
    expect(up.recorded).to.include({
      deploymentId: "d-SIM000001",
      status: "Created",
      previousVersion: "3",
    });
    expect(progress(up)).to.include(
      "not waiting (waitForCompletion: false): CodeDeploy shifts traffic and rolls back on its own; follow it with aws deploy get-deployment --deployment-id d-SIM000001 --region eu-west-1",
    );
    expect(
      sim.requests.filter((request) => request.command === "GetDeploymentCommand"),
    ).to.have.length.at.most(1);
  });

  it("waits for someone else's deployment only until its own limit, and names it", async () => {
    const { sim, stack } = world({
      shift: { type: "TimeBasedLinear", percentage: 10, intervalMinutes: 3 },
    });
    sim.foreignDeployment("5");
    await stack.clock.advance(60_000);

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: 4 }));

    expect(up.outcome).to.equal("failure");
    expect(up.failureKind).to.equal("timeout");
    expect(progress(up)).to.include(
      "deployment d-SIM000001 (InProgress) is running in orders-live and was not started for this version; waiting for it to end before deciding (CodeDeploy runs one deployment per group at a time)",
    );
    const lines = up.message!.split("\n");
    expect(lines[0]).to.equal(
      "No deployment of version 4 to orders-fn:live (eu-west-1) was started: waited 4 min (the limit of this update) for d-SIM000001 to end",
    );
    expect(lines[2]).to.equal(
      "Still running in the deployment group (not started by this update, left alone): d-SIM000001. Follow: aws deploy get-deployment --deployment-id d-SIM000001 --region eu-west-1",
    );
    expect(up.recorded).to.include({ status: "NotStarted" });
    // Someone else's deployment: no "(this resource's)" after it.
    expect(progress(up)[0]).to.equal(
      "alias serves version 3 (10% on 5); running in the group: d-SIM000001 InProgress",
    );
    expect(up.ended - up.started).to.be.at.most(4 * 60_000 + 20_000);
    expect(sim.deployments).to.have.length(1);
  });

  it("waits for someone else's failed deployment's rollback before deploying, and then deploys", async () => {
    const { sim, stack } = world({ rollbackMs: 2 * 60_000 });
    sim.fateOf = ({ viaEngine }) =>
      viaEngine
        ? { kind: "succeed" }
        : { kind: "alarm", afterShiftMs: 30_000, alarm: "orders-errors" };
    sim.foreignDeployment("5");
    await stack.clock.advance(20_000);

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome, up.message).to.equal("success");
    expect(progress(up)).to.include("deployment d-SIM000001 ended Stopped");
    expect(progress(up)).to.include("waiting for its rollback d-SIM000002");
    const ours = sim.deployments.find((deployment) => deployment.viaEngine)!;
    expect(ours.createTime).to.be.at.least(
      sim.deployments.find((deployment) => deployment.id === "d-SIM000002")!.completeTime!,
    );
    expect(ours.current).to.equal("3");
  });

  it("still fails with CodeDeploy's reason when the failed hook's lifecycle events cannot be read", async () => {
    const { sim, stack } = world();
    sim.fateOf = () => ({ kind: "hookFails", hook: "AfterAllowTraffic" });
    sim.faults = faultsOn({ ListDeploymentTargetsCommand: { 1: "denied" } });

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome).to.equal("failure");
    expect(up.failureKind).to.equal("failed");
    expect(progress(up)).to.include(
      "d-SIM000001: lifecycle events unavailable (ListDeploymentTargets d-SIM000001 failed: AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/orders-deployer/pulumi-up is not authorized to perform: codedeploy:ListDeploymentTargets on resource: * because no identity-based policy allows the codedeploy:ListDeploymentTargets action)",
    );
    expect(up.message).to.include("CodeDeploy's reason: HOOK_EXECUTION_FAILURE");
    expect(up.message).to.not.include("Failed lifecycle event");
  });

  it("fails as superseded when the alias is moved away right after its deployment succeeded", async () => {
    const { sim, stack } = world();
    let moved = false;
    sim.onRequest = (command) => {
      sim.tick();
      if (command === "GetAliasCommand" && !moved && sim.deployments[0]?.status === "Succeeded") {
        moved = true;
        sim.alias = { version: "2", weights: {} }; // someone ran update-alias by hand
      }
    };

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome).to.equal("failure");
    expect(up.failureKind).to.equal("superseded");
    expect(up.message!.split("\n")).to.deep.equal([
      "CodeDeploy reports deployment d-SIM000001 Succeeded, but Alias live now serves version 2.",
      "Someone or something moved the alias since; run `pulumi up` again to check and deploy.",
      "Details: https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-SIM000001?region=eu-west-1",
    ]);
    expect(up.recorded).to.include({ status: "Succeeded", deployedVersion: "2" });
  });

  it("reports success once the alias shows the target a moment after CodeDeploy said Succeeded", async () => {
    const { sim, stack } = world();
    let lagging = 0;
    sim.onRequest = (command) => {
      sim.tick();
      // The first read after success still shows the canary weights (a lagging read).
      if (
        command === "GetAliasCommand" &&
        sim.deployments[0]?.status === "Succeeded" &&
        lagging++ === 0
      ) {
        const real = sim.alias;
        sim.alias = { version: "3", weights: { "4": 0.1 } };
        setImmediate(() => (sim.alias = real));
      }
    };

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome, up.message).to.equal("success");
    expect(up.recorded).to.include({ status: "Succeeded", deployedVersion: "4" });
  });
});

describe("deployment engine states: limits", () => {
  it("fails without starting anything when its limit passes while it waits for a listing to settle", async () => {
    // Two CreateDeployment requests whose connections reset: after each it waits
    // LISTING_SETTLE_MS (45 s) for a deployment the listing may not show yet; the 1-minute
    // limit ends during the second wait.
    const { sim, stack } = world();
    sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "reset", 2: "reset" } });

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: 1 }));

    expect(up.outcome).to.equal("failure");
    expect(up.failureKind).to.equal("timeout");
    expect(up.message!.split("\n")).to.deep.equal([
      "No deployment of version 4 to orders-fn:live (eu-west-1) was started: the limit of 1 min passed before one could start",
      "Alias live now serves version 3.",
      "Nothing of this update is running in the deployment group.",
      "Run `pulumi up` again once the cause is fixed.",
    ]);
    expect(up.recorded).to.include({ status: "NotStarted", deployedVersion: "3" });
    expect(up.createdDeployments).to.deep.equal([]);
  });

  it("gives up after CodeDeploy refused six times for a deployment no read shows, saying a create may have taken effect", async () => {
    // Someone else's deployment that neither listing nor the group shows for 10 minutes,
    // refusals that name no deployment ("The number of allowed deployments was exceeded.").
    const { sim, stack } = world({
      conflictMessages: ["none"],
      listLagMs: 10 * 60_000,
      groupLagMs: 10 * 60_000,
      hooks: { before: true, after: true },
      hookMs: 10 * 60_000,
    });
    sim.foreignDeployment("5");

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome).to.equal("failure");
    expect(up.failureKind).to.equal("not-started");
    expect(up.message!.split("\n")).to.deep.equal([
      "No deployment of version 4 to orders-fn:live (eu-west-1) was started: CodeDeploy refused 6 times: The number of allowed deployments was exceeded.",
      "Alias live now serves version 3.",
      "Nothing of this update is running in the deployment group.",
      "Run `pulumi up` again once the cause is fixed.",
      "A CreateDeployment request got no answer; if it took effect, the next `pulumi up` finds that deployment by its tag and follows it.",
    ]);
    expect(progress(up).filter((line) => line.startsWith("CodeDeploy refused"))).to.deep.equal(
      Array(6).fill(
        "CodeDeploy refused a second deployment (The number of allowed deployments was exceeded.); checking whose the running one is",
      ),
    );
    expect(up.recorded).to.include({ status: "NotStarted", deployedVersion: "3" });
    expect(sim.deployments).to.have.length(1);
  });
});

describe("deployment engine states: an earlier deployment of this resource", () => {
  it("deploys the version again when its earlier success was undone by hand", async () => {
    const { sim, stack, clock } = world();
    const first = await stack.up(ordersInputs("4"));
    expect(first.outcome, first.message).to.equal("success");
    await clock.advance(10 * 60_000);
    sim.alias = { version: "3", weights: {} }; // aws lambda update-alias --function-version 3

    const again = await stack.up(ordersInputs("4", { description: "redeploy" }));

    expect(again.outcome, again.message).to.equal("success");
    expect(again.createdDeployments).to.deep.equal(["d-SIM000002"]);
    expect(again.recorded).to.include({
      deploymentId: "d-SIM000002",
      previousVersion: "3",
      deployedVersion: "4",
    });
  });
});

describe("deployment engine states: reads that fail near the end", () => {
  it("fails with CodeDeploy's reason and says the rollback's status is unknown when the rollback cannot be read", async () => {
    const { sim, stack } = world();
    sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 60_000, alarm: "orders-errors" });
    sim.faults = ({ command, input }) =>
      command === "GetDeploymentCommand" && input?.deploymentId === "d-SIM000002"
        ? "denied"
        : "none";

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome).to.equal("failure");
    expect(up.failureKind).to.equal("stopped");
    expect(up.message).to.include(
      "Rollback: d-SIM000002 - Automatic rollback triggered by ALARM_ACTIVE (rollback status unknown: GetDeployment d-SIM000002 failed: AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/orders-deployer/pulumi-up is not authorized to perform: codedeploy:GetDeployment on resource: arn:aws:codedeploy:eu-west-1:111122223333:deploymentgroup:orders/orders-live because no identity-based policy allows the codedeploy:GetDeployment action)",
    );
    expect(up.message).to.include("Alarm that stopped it: orders-errors");
  });

  it("loses track of its deployment when it can no longer read it, names it and says it was not stopped", async () => {
    const { sim, stack } = world();
    sim.faults = ({ command, input }) =>
      command === "GetDeploymentCommand" && input?.deploymentId === "d-SIM000001"
        ? "denied"
        : "none";

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome).to.equal("failure");
    expect(up.failureKind).to.equal("lost");
    expect(up.message!.split("\n").slice(0, 3)).to.deep.equal([
      "Lost track of CodeDeploy deployment d-SIM000001 of orders-fn:live (version 3 -> 4, eu-west-1): GetDeployment d-SIM000001 failed: AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/orders-deployer/pulumi-up is not authorized to perform: codedeploy:GetDeployment on resource: arn:aws:codedeploy:eu-west-1:111122223333:deploymentgroup:orders/orders-live because no identity-based policy allows the codedeploy:GetDeployment action",
      "Alias live now serves version 3.",
      "It was NOT stopped: CodeDeploy keeps shifting traffic, or rolls back on an alarm, on its own.",
    ]);
    expect(up.recorded).to.include({ deploymentId: "d-SIM000001", status: "InProgress" });
  });
});

describe("deployment engine states: the progress of pulumi up, line by line", () => {
  const following = [
    "d-SIM000001: InProgress",
    "d-SIM000001: 0% of traffic on version 4",
    "d-SIM000001: 10% of traffic on version 4",
    "d-SIM000001: 100% of traffic on version 4",
    "d-SIM000001: Succeeded",
    "d-SIM000001: version 4 serves all traffic of live (6 min)",
  ];
  const opening = [
    "alias serves version 3; no deployment running",
    "deployment configuration CodeDeployDefault.LambdaCanary10Percent5Minutes: ~5 min of traffic shifting; waiting up to 35 min in all (set timeoutMinutes to change)",
  ];

  it("an ordinary canary: what it saw, the limit, the deployment with its console link, each share", async () => {
    const { stack } = world({ listLagMs: 30_000 });

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: undefined }));

    expect(progress(up)).to.deep.equal([
      ...opening,
      "started CodeDeploy deployment d-SIM000001: orders-fn:live version 3 -> 4; https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-SIM000001?region=eu-west-1",
      "d-SIM000001: Created",
      ...following,
    ]);
  });

  it("a CreateDeployment whose answer is lost: it looks for its deployment by tag and follows it", async () => {
    const { sim, stack } = world({ listLagMs: 30_000 });
    sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "lost" } });

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: undefined }));

    expect(progress(up)).to.deep.equal([
      ...opening,
      "CreateDeployment got no clear answer (Error: socket hang up); it may have taken effect, so looking for this request's deployment before trying again",
      "alias serves version 3; running in the group: d-SIM000001 InProgress (this resource's)",
      "deployment d-SIM000001 of version 4 was started for this resource already; following it instead of starting another",
      ...following,
    ]);
    expect(up.recorded).to.include({ deploymentId: "d-SIM000001", previousVersion: "3" });
  });

  it("a refusal naming its own deployment (the SDK's retry of a create that took effect): it follows that one", async () => {
    const { sim, stack } = world({ listLagMs: 30_000 });
    sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "duplicate" } });

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: undefined }));

    expect(progress(up)).to.deep.equal([
      ...opening,
      "CodeDeploy refused a second deployment (The Deployment Group 'orders-live' already has an active Deployment 'd-SIM000001'); checking whose d-SIM000001 is",
      "d-SIM000001 is this request's own deployment (a lost response); following it",
      "d-SIM000001: Created",
      ...following,
    ]);
    expect(up.recorded).to.include({ deploymentId: "d-SIM000001", previousVersion: "3" });
  });
});

describe("deployment engine states: a refusal naming someone else's deployment", () => {
  it("waits for the deployment CodeDeploy named, then deploys from where it left the alias", async () => {
    // Neither listing nor the group shows the other deployment yet; only the refusal names it.
    const { sim, stack } = world({ listLagMs: 10 * 60_000, groupLagMs: 10 * 60_000 });
    sim.foreignDeployment("5");

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome, up.message).to.equal("success");
    const lines = progress(up);
    expect(lines).to.include.members([
      "CodeDeploy refused a second deployment (The Deployment Group 'orders-live' already has an active Deployment 'd-SIM000001'); checking whose d-SIM000001 is",
      "deployment d-SIM000001 (Created) is running in orders-live and was not started for this version; waiting for it to end before deciding (CodeDeploy runs one deployment per group at a time)",
      "deployment d-SIM000001 ended Succeeded",
    ]);
    expect(up.createdDeployments).to.deep.equal(["d-SIM000002"]);
    expect(sim.deployments[1].current).to.equal("5");
    expect(up.recorded).to.include({ previousVersion: "5", deployedVersion: "4" });
  });
});

describe("deployment engine states: the account and the settle window", () => {
  it("deploys to an allowed account, and refuses another one with the account, the allowed ones and what to check", async () => {
    const allowed = await world().stack.up(
      ordersInputs("4", { allowedAccountIds: ["444455556666", "111122223333"] }),
    );
    expect(allowed.outcome, allowed.message).to.equal("success");

    const { sim, stack } = world({ accountId: "999999999999" });
    const refused = await stack.up(
      ordersInputs("4", { allowedAccountIds: ["111122223333", "444455556666"] }),
    );

    expect(refused.failureKind).to.equal("not-started");
    expect(refused.recorded).to.deep.include({ status: "NotStarted" });
    expect(refused.message!.split("\n")).to.deep.equal([
      "No deployment of version 4 to orders-fn:live (eu-west-1) was started: the credentials reach alias live in account 999999999999, but this stack deploys to 111122223333 or 444455556666; refusing to touch it. Check the AWS profile, role or keys (Pulumi config aws:* or the region's provider).",
      "Alias live now serves version 3.",
      "Nothing of this update is running in the deployment group.",
      "Run `pulumi up` again once the cause is fixed.",
    ]);
    expect(sim.deployments).to.deep.equal([]);
  });

  it("waits the 45-second settle window for weights with no deployment listed, and no longer, before refusing", async () => {
    const { sim, stack } = world({ aliasVersion: "3", aliasWeights: { "4": 0.1 } });

    const up = await stack.up(ordersInputs("4"));

    expect(up.failureKind).to.equal("not-started");
    expect(up.message!.split("\n")).to.deep.equal([
      "No deployment of version 4 to orders-fn:live (eu-west-1) was started: the alias has additional routing weights although no deployment is running (set by hand or by an interrupted rollout). Clear them first: aws lambda update-alias --function-name orders-fn --name live --routing-config '{}' --region eu-west-1",
      "Alias live now serves version 3 (10% on 4).",
      "Nothing of this update is running in the deployment group.",
      "Run `pulumi up` again once the cause is fixed.",
    ]);
    expect(up.recorded).to.include({ status: "NotStarted", deployedVersion: "3" });
    // One observation every 15 s (SETTLE_POLL_MS) while it waits, not a busy loop.
    const aliasReads = sim.requests.filter((request) => request.command === "GetAliasCommand");
    expect(aliasReads.length).to.be.within(4, 6);
    const waited = up.ended - up.started;
    expect(waited).to.be.at.least(45_000);
    expect(waited).to.be.below(45_000 + 15_000);
  });
});

describe("deployment engine states: this resource's deployment, found when it already ended", () => {
  it("reports the deployment an earlier update started and left running as this update's success", async () => {
    const { stack, clock } = world();
    const started = await stack.up(ordersInputs("4", { waitForCompletion: false }));
    expect(started.recorded?.status).to.equal("Created");
    await clock.advance(10 * 60_000); // it succeeds meanwhile

    const next = await stack.up(
      ordersInputs("4", { waitForCompletion: false, description: "orders 4" }),
    );

    expect(next.outcome, next.message).to.equal("success");
    expect(progress(next)).to.deep.equal([
      "alias serves version 4; no deployment running",
      "deployment d-SIM000001 succeeded; alias serves version 4",
    ]);
    expect(next.recorded).to.include({ deploymentId: "d-SIM000001", status: "Succeeded" });
    expect(next.createdDeployments).to.deep.equal([]);
  });

  it("fails with the hook's diagnostics when its deployment, whose create answer was lost, failed before it was found", async () => {
    // The listing and the group show the deployment only after 20 s; its BeforeAllowTraffic
    // hook fails within 10 s, so the first read that finds it finds it Failed.
    const { sim, stack } = world({ listLagMs: 20_000, groupLagMs: 20_000, hookMs: 10_000 });
    sim.fateOf = () => ({ kind: "hookFails", hook: "BeforeAllowTraffic" });
    sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "lost" } });

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome).to.equal("failure");
    expect(up.failureKind).to.equal("failed");
    expect(up.message!.split("\n").slice(0, 3)).to.deep.equal([
      "CodeDeploy deployment d-SIM000001 of orders-fn:live (version 3 -> 4, eu-west-1) Failed.",
      "CodeDeploy's reason: HOOK_EXECUTION_FAILURE: The deployment failed because one or more of the lifecycle event hooks failed (BeforeAllowTraffic).",
      "Failed lifecycle event: BeforeAllowTraffic (ScriptFailed; BeforeAllowTraffic hook reported Failed: smoke test got HTTP 500)",
    ]);
    expect(up.message).to.include("Failed lifecycle event: BeforeAllowTraffic");
    expect(up.message).to.include("Fix the cause, then publish a new version");
    expect(up.createdDeployments).to.deep.equal(["d-SIM000001"]);
  });

  it("takes a CreateDeployment answer without a deploymentId as unknown, and finds the deployment by its tag", async () => {
    // A defensive path: AWS documents no such answer; the SDK type makes the member optional
    // (`CreateDeploymentOutput.deploymentId`). The simulator's `empty` fault.
    const { sim, stack } = world();
    sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "empty" } });

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome, up.message).to.equal("success");
    expect(progress(up)).to.include(
      "CreateDeployment got no clear answer (CreateDeployment returned no deploymentId); it may have taken effect, so looking for this request's deployment before trying again",
    );
    expect(up.createdDeployments).to.deep.equal(["d-SIM000001"]);
    expect(up.recorded).to.include({ deploymentId: "d-SIM000001", status: "Succeeded" });
  });

  it("says no deployment is needed when the alias already serves the target", async () => {
    const { stack } = world();

    const up = await stack.up(ordersInputs("3"));

    expect(progress(up)).to.deep.equal([
      "alias serves version 3; no deployment running",
      "alias live serves version 3; no deployment needed",
    ]);
  });

  it("fails at once on a refused request before any deployment, saying nothing of it runs", async () => {
    const { stack } = world();

    const up = await stack.up({ ...ordersInputs("4"), deploymentGroupName: "no-such-group" });

    expect(up.message!.split("\n")).to.deep.equal([
      "No deployment of version 4 to orders-fn:live (eu-west-1) was started: GetDeploymentGroup no-such-group failed: DeploymentGroupDoesNotExistException: No Deployment Group found for name: no-such-group",
      "Alias live now serves version 3.",
      "Nothing of this update is running in the deployment group.",
      "Run `pulumi up` again once the cause is fixed.",
    ]);
    expect(up.recorded).to.deep.include({ status: "NotStarted", deployedVersion: "3" });
  });
});

describe("deployment engine states: a failure crosses serialization", () => {
  it("is recognised by its shape, a kind and a result, whether or not it went through JSON", () => {
    const failure = deploymentFailure("Deployment d-1 Failed.", "failed", { status: "Failed" });
    const copied = JSON.parse(JSON.stringify({ ...failure, message: failure.message }));

    expect(failure).to.include({ name: "DeploymentFailure", kind: "failed" });
    expect(isDeploymentFailure(failure)).to.equal(true);
    expect(isDeploymentFailure(copied)).to.equal(true);
    expect(isDeploymentFailure(new Error("socket hang up"))).to.equal(false);
    expect(isDeploymentFailure({ kind: "failed" })).to.equal(false);
    expect(isDeploymentFailure({ result: { status: "Failed" } })).to.equal(false);
    expect(isDeploymentFailure({ kind: 3, result: {} })).to.equal(false);
    expect(isDeploymentFailure(undefined)).to.equal(false);
  });
});

describe("deployment engine states: refusals and gaps in what CodeDeploy answers", () => {
  it("fails at once, naming the request and the group, when CreateDeployment is refused for good", async () => {
    const { sim, stack } = world();
    sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "denied" } });

    const up = await stack.up(ordersInputs("4"));

    expect(up.failureKind).to.equal("not-started");
    expect(up.message!.split("\n")[0]).to.equal(
      "No deployment of version 4 to orders-fn:live (eu-west-1) was started: CreateDeployment orders-live failed: AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/orders-deployer/pulumi-up is not authorized to perform: codedeploy:CreateDeployment on resource: arn:aws:codedeploy:eu-west-1:111122223333:deploymentgroup:orders/orders-live because no identity-based policy allows the codedeploy:CreateDeployment action",
    );
    expect(sim.requests.filter((r) => r.command === "CreateDeploymentCommand")).to.have.length(1);
    expect(up.ended - up.started).to.be.below(60_000);
  });

  it("says how long it waited in a timeout, from the start of the update", async () => {
    const { stack } = world();

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: 3 }));

    expect(up.failureKind).to.equal("timeout");
    expect(up.message!.split("\n")[0]).to.equal(
      "CodeDeploy deployment d-SIM000001 of orders-fn:live (version 3 -> 4, eu-west-1) is still InProgress after 3 min, the limit of this update.",
    );
  });

  it("leaves out a traffic share it could not read rather than printing an unknown one", async () => {
    const { sim, stack } = world();
    // GetAlias is refused during the second minute of the deployment only.
    sim.faults = ({ command, at }) => {
      const since = at - (sim.deployments[0]?.createTime ?? Infinity);
      return command === "GetAliasCommand" && since > 60_000 && since < 120_000 ? "denied" : "none";
    };

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome, up.message).to.equal("success");
    const shares = progress(up).filter((line) => line.includes("of traffic"));
    expect(shares).to.deep.equal([
      "d-SIM000001: 0% of traffic on version 4",
      "d-SIM000001: 10% of traffic on version 4",
      "d-SIM000001: 100% of traffic on version 4",
    ]);
  });

  /** The simulator's clients, with some CodeDeploy answers replaced. */
  function withAnswers(sim: ReturnType<typeof world>["sim"], answers: Record<string, unknown>) {
    const base = sim.clients();
    return {
      ...base,
      codedeploy: {
        send: async (command: any, options?: any) => {
          const answer = await base.codedeploy.send(command, options);
          const name = command.constructor.name.replace(/Command$/, "");
          return name in answers ? answers[name] : answer;
        },
      },
    };
  }

  it("fails with CodeDeploy's reason when the deployment lists no targets, without asking for none", async () => {
    const { sim, clock } = world();
    sim.fateOf = () => ({ kind: "hookFails", hook: "AfterAllowTraffic" });
    const lines: string[] = [];

    // A defensive path: AWS documents no such answer; the SDK type makes the member optional
    // (`ListDeploymentTargetsOutput.targetIds`).
    const error = await clock
      .drive(
        deploy(
          { ...ordersInputs("4"), marker: "0badf00d" },
          withAnswers(sim, { ListDeploymentTargets: {} }),
          (line) => lines.push(line),
          clock,
        ),
      )
      .catch((e: Error) => e);

    expect((error as Error).message).to.include("CodeDeploy's reason: HOOK_EXECUTION_FAILURE");
    expect((error as Error).message).to.not.include("Failed lifecycle event");
    expect(lines.filter((line) => line.includes("lifecycle events unavailable"))).to.deep.equal([]);
    expect(sim.requests.map((r) => r.command)).to.not.include("BatchGetDeploymentTargetsCommand");
  });

  it("fails with CodeDeploy's reason when a target has no Lambda part", async () => {
    const { sim, clock } = world();
    sim.fateOf = () => ({ kind: "hookFails", hook: "AfterAllowTraffic" });
    const lines: string[] = [];

    // A defensive path: AWS documents no such answer for a Lambda deployment; the SDK type makes
    // the member optional (`DeploymentTarget.lambdaTarget`: EC2, ECS and CloudFormation targets
    // have their own members instead).
    const error = await clock
      .drive(
        deploy(
          { ...ordersInputs("4"), marker: "0badf00d" },
          withAnswers(sim, { BatchGetDeploymentTargets: { deploymentTargets: [{}] } }),
          (line) => lines.push(line),
          clock,
        ),
      )
      .catch((e: Error) => e);

    expect((error as Error).message).to.include("CodeDeploy's reason: HOOK_EXECUTION_FAILURE");
    expect(lines.filter((line) => line.includes("lifecycle events unavailable"))).to.deep.equal([]);
  });
});

describe("deployment engine states: its own deployment stopped before it was found", () => {
  it("reports a deployment it created, stopped by an alarm before a lagging listing showed it, as stopped", async () => {
    const { sim, stack } = world({ listLagMs: 20_000, groupLagMs: 20_000, hookMs: 5_000 });
    sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 1_000, alarm: "orders-errors" });
    sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "lost" } });

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome).to.equal("failure");
    expect(up.failureKind).to.equal("stopped");
    expect(up.message!.split("\n").slice(0, 3)).to.deep.equal([
      "CodeDeploy deployment d-SIM000001 of orders-fn:live (version 3 -> 4, eu-west-1) Stopped.",
      "CodeDeploy's reason: ALARM_ACTIVE: One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <orders-errors>",
      "Alarm that stopped it: orders-errors",
    ]);
    expect(up.recorded).to.include({ status: "Stopped", deploymentId: "d-SIM000001" });
  });
});

describe("deployment engine states: its own deployment succeeded before it was found, and was undone", () => {
  it("fails as superseded, naming its deployment, when an operator moved the alias back after its lost-answer deployment succeeded", async () => {
    // The listing and the group show the deployment only after 20 s; all at once with 2 s
    // hooks, it succeeds within about 5 s, and an operator moves the alias back to 3 at once:
    // the first read that finds this update's deployment finds it Succeeded and undone.
    const { sim, stack } = world({
      shift: { type: "AllAtOnce" },
      deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
      listLagMs: 20_000,
      groupLagMs: 20_000,
      hookMs: 2_000,
    });
    sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "lost" } });
    let rolledBack = false;
    sim.onRequest = () => {
      if (!rolledBack && sim.deployments[0]?.status === "Succeeded") {
        rolledBack = true;
        sim.alias = { version: "3", weights: {} }; // aws lambda update-alias ... --function-version 3
      }
    };

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome).to.equal("failure");
    expect(up.failureKind).to.equal("superseded");
    expect(up.message!.split("\n")).to.deep.equal([
      "CodeDeploy reports deployment d-SIM000001 Succeeded, but Alias live now serves version 3.",
      "Someone or something moved the alias since; run `pulumi up` again to check and deploy.",
      "Details: https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-SIM000001?region=eu-west-1",
    ]);
    expect(up.createdDeployments).to.deep.equal(["d-SIM000001"]);
    expect(up.recorded).to.include({ deploymentId: "d-SIM000001", status: "Succeeded" });
  });
});

describe("deployment engine states: CodeDeploy's clock and this machine's differ by minutes", () => {
  it("reports its own deployment, found Failed after a lost create answer, as this update's when CodeDeploy's clock is 3 minutes behind", async () => {
    const { sim, stack } = world({
      listLagMs: 20_000,
      groupLagMs: 20_000,
      hookMs: 10_000,
      awsClockSkewMs: -3 * 60_000,
    });
    sim.fateOf = () => ({ kind: "hookFails", hook: "BeforeAllowTraffic" });
    sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "lost" } });

    const up = await stack.up(ordersInputs("4"));

    expect(up.failureKind).to.equal("failed");
    expect(up.message!.split("\n").slice(0, 3)).to.deep.equal([
      "CodeDeploy deployment d-SIM000001 of orders-fn:live (version 3 -> 4, eu-west-1) Failed.",
      "CodeDeploy's reason: HOOK_EXECUTION_FAILURE: The deployment failed because one or more of the lifecycle event hooks failed (BeforeAllowTraffic).",
      "Failed lifecycle event: BeforeAllowTraffic (ScriptFailed; BeforeAllowTraffic hook reported Failed: smoke test got HTTP 500)",
    ]);
  });

  it("does not deploy a version again that failed a minute ago in an earlier update when CodeDeploy's clock is 5 minutes ahead", async () => {
    const { sim, stack } = world({ hookMs: 10_000, awsClockSkewMs: 5 * 60_000 });
    sim.fateOf = () => ({ kind: "hookFails", hook: "BeforeAllowTraffic" });
    const first = await stack.up(ordersInputs("4"));
    expect(first.failureKind).to.equal("failed");
    expect(first.ended - sim.deployments[0].createTime).to.be.below(2 * 60_000);

    // A change beside the version (the description) makes the next update run the engine.
    const next = await stack.up(ordersInputs("4", { description: "orders 4, again" }));

    expect(next.failureKind).to.equal("rolled-back-earlier");
    expect(next.message).to.include(
      "Version 4 is not deployed again on its own: publish a new version with the fix, or set [retryToken] to a new value to deploy this version once more.",
    );
    expect(next.createdDeployments).to.deep.equal([]);
  });
});

describe("deployment engine states: statuses and answers the ordinary canary does not show", () => {
  it("says when CodeDeploy holds the deployment Queued, and reads no traffic share until it runs", async () => {
    const { sim, stack } = world({ queuedMs: 2 * 60_000 });

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome, up.message).to.equal("success");
    const deployment = progress(up).filter((line) => line.startsWith("d-SIM000001: "));
    expect(deployment.slice(0, 4)).to.deep.equal([
      "d-SIM000001: Created",
      "d-SIM000001: Queued",
      "d-SIM000001: InProgress",
      "d-SIM000001: 0% of traffic on version 4",
    ]);
    // The alias is read for a share only once the deployment runs.
    const queued = sim.deployments[0].createTime + 1_000;
    const aliasReads = sim.requests.filter(
      (request) =>
        request.command === "GetAliasCommand" &&
        request.at > queued &&
        request.at < queued + 2 * 60_000,
    );
    expect(aliasReads).to.deep.equal([]);
  });

  it("fails with CodeDeploy's reason and no rollback line when the group does not roll back", async () => {
    const { sim, stack } = world({ autoRollback: false });
    sim.fateOf = () => ({ kind: "hookFails", hook: "BeforeAllowTraffic" });

    const up = await stack.up(ordersInputs("4"));

    expect(up.failureKind).to.equal("failed");
    expect(up.message!.split("\n")).to.deep.equal([
      "CodeDeploy deployment d-SIM000001 of orders-fn:live (version 3 -> 4, eu-west-1) Failed.",
      "CodeDeploy's reason: HOOK_EXECUTION_FAILURE: The deployment failed because one or more of the lifecycle event hooks failed (BeforeAllowTraffic).",
      "Failed lifecycle event: BeforeAllowTraffic (ScriptFailed; BeforeAllowTraffic hook reported Failed: smoke test got HTTP 500)",
      "Alias live now serves version 3.",
      "Fix the cause, then publish a new version (or set [retryToken] to a new value to retry version 4) and run `pulumi up` again.",
      "Details: https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-SIM000001?region=eu-west-1",
    ]);
    expect(sim.deployments.map((deployment) => deployment.id)).to.deep.equal(["d-SIM000001"]);
  });
});

describe("deployment engine states: near the limit, and reads that fail late", () => {
  it("still says where the alias ended after the limit when Lambda answers slowly then", async () => {
    const { sim, stack, clock } = world();
    const limit = clock.now() + 3 * 60_000;
    // From the limit on, GetAlias takes 3 s to answer: longer than a request gets near the limit
    // (2 s), shorter than the final read of the alias gets (5 s).
    sim.faults = ({ command, at }) => {
      sim.latencyMs = command === "GetAliasCommand" && at >= limit ? 3_000 : 80;
      return "none";
    };

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: 3 }));

    expect(up.failureKind).to.equal("timeout");
    expect(up.message).to.include("Alias live now serves version 3 (10% on 4).");
    expect(up.recorded).to.deep.include({ deployedVersion: "3", routingWeights: { "4": 0.1 } });
  });

  it("reads no lifecycle events once the limit passed while the rollback ran", async () => {
    const { sim, stack } = world({ rollbackMs: 10 * 60_000 });
    sim.fateOf = () => ({ kind: "hookFails", hook: "AfterAllowTraffic" });

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: 8 }));

    expect(up.failureKind).to.equal("failed");
    expect(up.message).to.include(
      "Rollback: d-SIM000002 - Automatic rollback triggered by HOOK_EXECUTION_FAILURE (rollback still InProgress at the limit of this update; CodeDeploy finishes it on its own)",
    );
    expect(up.message).to.not.include("Failed lifecycle event");
    expect(sim.requests.map((request) => request.command)).to.not.include(
      "ListDeploymentTargetsCommand",
    );
  });

  it("names BatchGetDeploymentTargets when the lifecycle events cannot be read after the targets were listed", async () => {
    const { sim, stack } = world();
    sim.fateOf = () => ({ kind: "hookFails", hook: "AfterAllowTraffic" });
    sim.faults = faultsOn({ BatchGetDeploymentTargetsCommand: { 1: "denied" } });

    const up = await stack.up(ordersInputs("4"));

    expect(up.failureKind).to.equal("failed");
    expect(progress(up)).to.include(
      "d-SIM000001: lifecycle events unavailable (BatchGetDeploymentTargets d-SIM000001 failed: AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/orders-deployer/pulumi-up is not authorized to perform: codedeploy:BatchGetDeploymentTargets on resource: * because no identity-based policy allows the codedeploy:BatchGetDeploymentTargets action)",
    );
  });

  it("does not wait for a deployment CodeDeploy named in a refusal that has ended by the time it is read", async () => {
    // Neither listing nor the group shows the other deployment; it ends right after the refusal.
    const { sim, stack } = world({ listLagMs: 10 * 60_000, groupLagMs: 10 * 60_000 });
    const foreign = sim.foreignDeployment("5")!;
    let refused = false;
    sim.onRequest = (command) => {
      if (command === "CreateDeploymentCommand") {
        refused = true;
      } else if (command === "GetDeploymentCommand" && refused) {
        sim.completeNow(foreign.id);
      }
    };

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome, up.message).to.equal("success");
    expect(progress(up)).to.include(
      "CodeDeploy refused a second deployment (The Deployment Group 'orders-live' already has an active Deployment 'd-SIM000001'); checking whose d-SIM000001 is",
    );
    expect(progress(up).filter((line) => line.includes("waiting for it to end"))).to.deep.equal([]);
    expect(up.recorded).to.include({ previousVersion: "5", deployedVersion: "4" });
  });

  it("holds its decision while the alias moves under a deployment no read shows, and so never collides with it", async () => {
    // Someone else's one-minute canary, which neither listing nor the group shows (they lag
    // 10 minutes): its weights hold the engine in the settle window, and the alias moving to
    // version 5 (91 s after it started) keeps it there while its AfterAllowTraffic hook runs.
    const { sim, stack, clock } = world({
      shift: { type: "TimeBasedCanary", percentage: 10, intervalMinutes: 1 },
      listLagMs: 10 * 60_000,
      groupLagMs: 10 * 60_000,
    });
    const foreign = sim.foreignDeployment("5")!;
    await clock.advance(50_000);

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome, up.message).to.equal("success");
    expect(progress(up).slice(0, 3)).to.deep.equal([
      "alias serves version 3 (10% on 5); no deployment running",
      "alias serves version 5; no deployment running",
      "started CodeDeploy deployment d-SIM000002: orders-fn:live version 5 -> 4; https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-SIM000002?region=eu-west-1",
    ]);
    expect(sim.deployments[1].createTime).to.be.above(foreign.completeTime!);
  });
});
