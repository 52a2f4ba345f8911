/**
 * The engine's promises under the faults a busy production account produces, each case named
 * in issue 11, driven through the provider as the Pulumi engine drives it, against the
 * CodeDeploy/Lambda simulator on a virtual clock.
 */
import { expect } from "chai";
import { Fault } from "./sim/awsSimulator";
import { brokenPromises, OperationRecord } from "./sim/harness";
import { ordersInputs, world } from "./sim/scenario";

function expectKept(sim: Parameters<typeof brokenPromises>[0], record: OperationRecord, opts = {}) {
  expect(brokenPromises(sim, record, opts), record.message ?? record.log.join("\n")).to.deep.equal(
    [],
  );
}

/** Faults by command: the n-th request of `command` (1-based) gets `fault`. */
function faultsOn(plan: Record<string, Record<number, Fault>>) {
  const seen = new Map<string, number>();
  return ({ command }: { command: string }): Fault => {
    const count = (seen.get(command) ?? 0) + 1;
    seen.set(command, count);
    return plan[command]?.[count] ?? "none";
  };
}

describe("deployment engine under faults: success only when true", () => {
  it("a pulumi up after a timed-out one follows the running deployment and reports its hook failure, not success", async () => {
    const { sim, stack } = world();
    sim.fateOf = () => ({ kind: "hookFails", hook: "AfterAllowTraffic" });
    const first = await stack.up(ordersInputs("4", { timeoutMinutes: 3 }));
    expect(first.outcome).to.equal("failure");
    expect(first.failureKind).to.equal("timeout");

    const second = await stack.up(ordersInputs("4", { timeoutMinutes: 10 }));

    expect(second.outcome).to.equal("failure");
    expect(second.message).to.include("HOOK_EXECUTION_FAILURE");
    expect(second.message).to.include("Failed lifecycle event: AfterAllowTraffic");
    expect(second.createdDeployments).to.deep.equal([]);
    expectKept(sim, second);
  });

  it("after a crash during the AfterAllowTraffic hook, the next up waits for the hook and reports its failure", async () => {
    const { sim, stack } = world();
    await stack.up(ordersInputs("3"));
    sim.fateOf = () => ({ kind: "hookFails", hook: "AfterAllowTraffic" });
    const crashed = await stack.up(ordersInputs("4"), { crashAfterMs: 5 * 60_000 + 45_000 });
    expect(crashed.outcome).to.equal("crashed");
    expect(sim.aliasNow()).to.deep.equal({ version: "4", weights: {} }); // all shifted, hook running

    const next = await stack.up(ordersInputs("4"));

    expect(next.outcome).to.equal("failure");
    expect(next.message).to.match(/d-SIM000001 .* Failed\./);
    expect(next.message).to.include("Alias live now serves version 3.");
    expectKept(sim, next);
  });

  it("does not take someone else's failing deployment of the same version for success", async () => {
    const { sim, stack, clock } = world();
    sim.fateOf = ({ viaEngine }) =>
      viaEngine ? { kind: "succeed" } : { kind: "hookFails", hook: "AfterAllowTraffic" };
    sim.foreignDeployment("4");
    await clock.advance(5 * 60_000 + 45_000); // shifted, AfterAllowTraffic running

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome).to.equal("success");
    expect(up.createdDeployments).to.have.length(1);
    expectKept(sim, up);
  });
});

describe("deployment engine under faults: listings that lag past the settle window", () => {
  it("does not report success while a deployment the listing does not show yet is in its AfterAllowTraffic hook", async () => {
    // Listing lag (120 s) above LISTING_SETTLE_MS (45 s): only GetDeploymentGroup's
    // lastAttemptedDeployment shows the foreign deployment of 4 whose hook then fails.
    const { sim, stack } = world({
      shift: { type: "AllAtOnce" },
      deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
      hooks: { before: false, after: true },
      listLagMs: 120_000,
    });
    sim.fateOf = ({ viaEngine }) =>
      viaEngine ? { kind: "succeed" } : { kind: "hookFails", hook: "AfterAllowTraffic" };
    sim.foreignDeployment("4");
    await stack.clock.advance(5_000); // the alias already serves 4; the hook runs for 30 s

    const up = await stack.up(ordersInputs("4"));

    expect(up.log.join("\n")).to.include("d-SIM000001 (InProgress) is running");
    expect(up.outcome, up.message).to.equal("success");
    expect(up.createdDeployments).to.have.length(1);
    expectKept(sim, up);
  });
});

describe("deployment engine: polling cost", () => {
  it("reads a finished deployment once per operation, however many steps observe the group", async () => {
    const { sim, stack } = world({ listLagMs: 30_000 });
    await stack.up(ordersInputs("4"));
    const from = sim.requests.length;
    sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "lost" } });

    const up = await stack.up(ordersInputs("5"));

    const reads = sim.requests
      .slice(from)
      .filter(
        (request) =>
          request.command === "GetDeploymentCommand" &&
          request.input.deploymentId === "d-SIM000001",
      );
    expect(up.outcome, up.message).to.equal("success");
    expect(up.log.join("\n")).to.include("CreateDeployment got no clear answer");
    expect(reads).to.have.length(1);
  });
});

describe("deployment engine under faults: a weight set by hand", () => {
  it("does not report success while a hand-set routing weight sends traffic to another version", async () => {
    // Alias on 4 with 10% on 5 and nothing running: someone ran update-alias --routing-config.
    const { sim, stack } = world({ aliasVersion: "4", aliasWeights: { "5": 0.1 } });
    const first = await stack.up(ordersInputs("3"));
    expect(first.outcome).to.equal("failure");

    const preview = await stack.preview(ordersInputs("4"));
    const up = await stack.up(ordersInputs("4"));

    expect(preview.diffChanges).to.equal(true);
    expect(up.outcome).to.equal("failure");
    expect(up.failureKind).to.equal("not-started");
    expect(up.message).to.include("the alias has additional routing weights");
    expect(up.message).to.include("Alias live now serves version 4 (10% on 5).");
    expect(sim.deployments).to.deep.equal([]);
    expectKept(sim, up);
  });
});

describe("deployment engine under faults: one deployment per update", () => {
  it("finds its own deployment after a CreateDeployment response is lost, and follows it", async () => {
    const { sim, stack } = world();
    sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "lost" } });

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome, up.message).to.equal("success");
    expect(up.createdDeployments).to.have.length(1);
    expectKept(sim, up, { mustSucceed: true });
  });

  it("recognises a DeploymentLimitExceededException that names its own deployment (the SDK's retry of a lost create)", async () => {
    const { sim, stack } = world();
    sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 60_000, alarm: "orders-errors" });
    sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "duplicate" } });

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome).to.equal("failure");
    expect(up.message).to.include("Alarm that stopped it: orders-errors");
    expect(up.message).to.include("d-SIM000001");
    expect(up.createdDeployments).to.have.length(1);
    expectKept(sim, up);
  });

  for (const format of ["deploying", "none"] as const) {
    it(`recognises its own deployment behind a refusal worded "${format === "none" ? "with no deployment id" : "is already deploying 'd-…'"}" while the listing lags`, async () => {
      const { sim, stack } = world({ conflictMessages: [format], listLagMs: 30_000 });
      sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "duplicate" } });

      const up = await stack.up(ordersInputs("4"));

      expect(up.outcome, up.message).to.equal("success");
      expect(up.createdDeployments).to.have.length(1);
      expectKept(sim, up, { mustSucceed: true });
    });
  }

  it("creates its deployment from the alias as it is after a foreign deployment ends, never a stale CurrentVersion", async () => {
    const { sim, stack } = world();
    const foreign = sim.foreignDeployment("5")!;
    let finished = false;
    sim.onRequest = (command) => {
      // The foreign deployment ends between the engine's first two reads.
      if (!finished && sim.requests.length === 2 && command !== "CreateDeploymentCommand") {
        finished = true;
        sim.completeNow(foreign.id);
      }
    };

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome, up.message).to.equal("success");
    expectKept(sim, up);
  });
});

describe("deployment engine under faults: transient errors within the deadline", () => {
  it("a single 5xx on CreateDeployment does not fail the update", async () => {
    const { sim, stack } = world();
    sim.faults = faultsOn({ CreateDeploymentCommand: { 1: "5xx" } });

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome, up.message).to.equal("success");
    expectKept(sim, up, { mustSucceed: true });
  });

  it("a 90-second throttling storm in the middle of a canary does not fail the update", async () => {
    const { sim, stack } = world();
    const start = sim.clock.now();
    sim.faults = ({ at }) =>
      at - start > 2 * 60_000 && at - start < 3.5 * 60_000 ? "throttle" : "none";

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome, up.message).to.equal("success");
    expect(up.log.some((line) => line.includes("throttled"))).to.equal(true);
    expectKept(sim, up, { mustSucceed: true });
  });

  it("says what it retried and for how long when AWS stays unreachable past the deadline", async () => {
    const { sim, stack } = world();
    const start = sim.clock.now();
    sim.faults = ({ at }) => (at - start > 60_000 ? "5xx" : "none");

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: 5 }));

    expect(up.outcome).to.equal("failure");
    expect(up.message).to.match(/failed after \d+ attempts over \d+ min \(InternalFailure x\d+\)/);
    expect(up.message).to.include("d-SIM000001");
    expectKept(sim, up);
  });
});

describe("deployment engine under faults: deadlines", () => {
  it("a stalled request does not hold the update past its deadline", async () => {
    const { sim, stack } = world();
    sim.faults = faultsOn({ GetDeploymentCommand: { 3: "stall" } });

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome, up.message).to.equal("success");
    expectKept(sim, up, { mustSucceed: true });
  });

  it("waiting for the rollback counts toward timeoutMinutes", async () => {
    const { sim, stack } = world({ rollbackMs: 30 * 60_000 });
    sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 60_000, alarm: "orders-errors" });

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: 10 }));

    expect(up.outcome).to.equal("failure");
    expect(up.message).to.include("rollback still InProgress at the limit of this update");
    expectKept(sim, up);
  });
});

describe("deployment engine under faults: outputs are what the alias serves", () => {
  it("a timeout after the shift records the version the alias serves, read, not assumed", async () => {
    const { sim, stack } = world({ hookMs: 90_000 });

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: 7 }));

    expect(up.outcome).to.equal("failure");
    expect(up.failureKind).to.equal("timeout");
    expect(up.recorded?.deployedVersion).to.equal("4");
    expectKept(sim, up);
  });

  it("a timeout during the canary records the routing weights", async () => {
    const { sim, stack } = world();

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: 3 }));

    expect(up.recorded?.deployedVersion).to.equal("3");
    expect(up.recorded?.routingWeights).to.deep.equal({ "4": 0.1 });
    expect(up.message).to.include("Alias live now serves version 3 (10% on 4).");
    expectKept(sim, up);
  });
});

describe("deployment engine under faults: a rolled-back version stays rolled back", () => {
  it("a later unrelated change does not canary the rolled-back version again", async () => {
    // The rollback carries the original description, tag included (AWS documents nothing
    // about a rollback's description): it must still not count as this resource's deployment.
    const { sim, stack } = world({ rollbackCopiesDescription: true });
    sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 60_000, alarm: "orders-errors" });
    await stack.up(ordersInputs("4"));

    const preview = await stack.preview(ordersInputs("4"));
    const later = await stack.up(ordersInputs("4", { description: "tagging change" }));

    expect(preview.diffChanges).to.equal(false);
    expect(preview.log.join("\n")).to.match(/warning: alias live serves version 3, not version 4/);
    expect(later.outcome).to.equal("failure");
    expect(later.failureKind).to.equal("rolled-back-earlier");
    expect(later.message).to.include("Alarm that stopped it: orders-errors");
    expect(later.createdDeployments).to.deep.equal([]);
    expectKept(sim, later);
  });

  it("deploys the version again when retryToken changes, and a new version without being asked", async () => {
    const { sim, stack } = world();
    let started = 0;
    sim.fateOf = ({ creator }) =>
      creator === "user" && started++ === 0
        ? { kind: "alarm", afterShiftMs: 60_000, alarm: "orders-errors" }
        : { kind: "succeed" };
    await stack.up(ordersInputs("4"));

    const retried = await stack.up(ordersInputs("4", { retryToken: "2026-01-01" }));
    const next = await stack.up(ordersInputs("5", { retryToken: "2026-01-01" }));

    expect(retried.outcome, retried.message).to.equal("success");
    expect(retried.createdDeployments).to.have.length(1);
    expect(next.outcome, next.message).to.equal("success");
    expectKept(sim, next);
  });
});

describe("deployment engine under faults: preview and delete", () => {
  it("preview answers within seconds when AWS is unreachable", async () => {
    const { sim, stack } = world();
    await stack.up(ordersInputs("4"));
    sim.faults = () => "5xx";

    const preview = await stack.preview(ordersInputs("4"));

    expect(preview.diffChanges).to.equal(true);
    expect(preview.ended - preview.started).to.be.at.most(12_000);
  });

  it("preview answers within seconds when requests stall", async () => {
    const { sim, stack } = world();
    await stack.up(ordersInputs("4"));
    sim.faults = () => "stall";

    const preview = await stack.preview(ordersInputs("4"));

    expect(preview.diffChanges).to.equal(true);
    expect(preview.ended - preview.started).to.be.at.most(12_000);
  });

  it("delete leaves a running automatic rollback alone although it carries the resource's tag", async () => {
    const { sim, stack } = world({ rollbackCopiesDescription: true, rollbackMs: 5 * 60_000 });
    sim.fateOf = ({ creator }) =>
      creator === "user"
        ? { kind: "alarm", afterShiftMs: 30_000, alarm: "orders-errors" }
        : { kind: "succeed" };
    const up = await stack.up(ordersInputs("4", { waitForCompletion: false }));
    const deployment = sim.deployments[0];
    await stack.clock.advance(3 * 60_000);
    sim.tick();
    const rollback = sim.deployments[1];
    expect(rollback.creator).to.equal("codeDeployRollback");
    await stack.clock.advance(30_000); // listed by now
    sim.tick();
    expect(rollback.status).to.equal("InProgress");
    expect(rollback.description).to.equal(deployment.description);

    const destroy = await stack.destroy();

    expect(up.outcome, up.message).to.equal("success");
    expect(destroy.outcome, destroy.message).to.equal("success");
    expect(
      sim.requests.filter((request) => request.command === "StopDeploymentCommand"),
    ).to.deep.equal([]);
    expect(destroy.log.join("\n")).to.include(
      `${rollback.id} is the automatic rollback of ${deployment.id}`,
    );
    await stack.clock.advance(5 * 60_000);
    sim.tick();
    expect(rollback.status).to.equal("Succeeded");
    expect(sim.aliasNow()).to.deep.equal({ version: "3", weights: {} });
  });

  it("delete right after an up with waitForCompletion false stops the recorded deployment although the listing lags", async () => {
    const { sim, stack } = world({ listLagMs: 60_000 });
    const up = await stack.up(ordersInputs("4", { waitForCompletion: false }));
    expect(up.outcome, up.message).to.equal("success");

    const destroy = await stack.destroy();

    expect(destroy.outcome, destroy.message).to.equal("success");
    expect(sim.deployments[0].status).to.equal("Stopped");
    expectKept(sim, destroy);
  });
});

describe("deployment engine: credentials and account", () => {
  it("refuses to act on an alias in another account than the stack's", async () => {
    const { sim, stack } = world({ accountId: "999999999999" });

    const up = await stack.up(ordersInputs("4", { allowedAccountIds: ["111122223333"] }));

    expect(up.outcome).to.equal("failure");
    expect(up.message).to.include("account 999999999999");
    expect(up.message).to.include("refusing to touch it");
    expect(sim.deployments).to.deep.equal([]);
  });
});
