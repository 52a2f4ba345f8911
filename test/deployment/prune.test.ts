/**
 * Issue 10.8: every `pulumi up` publishes a version; old ones are pruned after a successful
 * deployment, never one an alias serves (any alias, routing weights included), the target or
 * the previous version, and never while a deployment runs.
 */
import { expect } from "chai";
import { PRUNE_BUDGET_MS, pruneVersions } from "../../deployment/prune";
import { ordersInputs, world } from "./sim/scenario";
import { deniedOnFunction } from "./fakes";

const allVersions = ["1", "2", "3", "4", "5", "6", "7", "8"];

describe("pruning published versions (keepVersions)", () => {
  it("keeps the newest N and every version an alias serves after a successful deployment", async () => {
    const { sim, stack } = world({ versions: allVersions, otherAliases: { beta: "2" } });

    const up = await stack.up(ordersInputs("8", { keepVersions: 3 }));

    expect(up.outcome, up.message).to.equal("success");
    // newest 3: 8, 7, 6; live serves 8; beta serves 2; previous was 3.
    expect([...sim.versions].sort()).to.deep.equal(["2", "3", "6", "7", "8"]);
    expect(up.log.join("\n")).to.include(
      "pruned 3 old versions of orders-fn (1, 4, 5); keeping the newest 3 and every version an alias serves",
    );
    const deletes = sim.requests.filter((request) => request.command === "DeleteFunctionCommand");
    expect(deletes.map((request) => request.input)).to.deep.equal([
      { FunctionName: "orders-fn", Qualifier: "1" },
      { FunctionName: "orders-fn", Qualifier: "4" },
      { FunctionName: "orders-fn", Qualifier: "5" },
    ]);
  });

  it("keeps 5 by default and every version with keepVersions: 0", async () => {
    const byDefault = world({ versions: allVersions });
    const keepAll = world({ versions: allVersions });

    await byDefault.stack.up({ ...ordersInputs("8"), keepVersions: undefined });
    await keepAll.stack.up(ordersInputs("8", { keepVersions: 0 }));

    expect([...byDefault.sim.versions].sort()).to.deep.equal(["3", "4", "5", "6", "7", "8"]);
    expect([...keepAll.sim.versions]).to.deep.equal(allVersions);
    expect(keepAll.sim.requests.map((request) => request.command)).not.to.include(
      "ListVersionsByFunctionCommand",
    );
  });

  it("deletes at most 50 versions per update, oldest first, and says how many are left", async () => {
    const many = Array.from({ length: 70 }, (_, index) => String(index + 1));
    const { sim, clock } = world({ versions: many, aliasVersion: "70" });
    const lines: string[] = [];

    const pruned = await clock.drive(
      pruneVersions(
        { ...ordersInputs("70"), keep: 5, protect: ["70"] },
        sim.clients(),
        (line) => lines.push(line),
        clock,
      ),
    );

    expect(pruned.deleted).to.deep.equal(many.slice(0, 50));
    expect(pruned.skipped).to.equal(
      "15 more old versions left for the next update (at most 50 are deleted per run)",
    );
    expect([...sim.versions]).to.deep.equal(many.slice(50));
  });

  it("prunes nothing after a failed deployment", async () => {
    const { sim, stack } = world({ versions: allVersions });
    sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 0, alarm: "orders-errors" });

    await stack.up(ordersInputs("8", { keepVersions: 1 }));

    expect([...sim.versions]).to.deep.equal(allVersions);
  });

  it("prunes nothing while a deployment runs, and never a version in the alias's routing weights", async () => {
    const { sim, clock } = world({ versions: allVersions, aliasVersion: "1" });
    sim.foreignDeployment("2");
    await clock.advance(60_000); // canary: 10% on 2

    const lines: string[] = [];
    const running = await clock.drive(
      pruneVersions(
        { ...ordersInputs("8"), keep: 1, protect: [] },
        sim.clients(),
        (line) => lines.push(line),
        clock,
      ),
    );
    expect(running).to.deep.equal({
      deleted: [],
      skipped: "deployment d-SIM000001 is running; old versions are pruned after it",
    });
    expect(lines).to.deep.equal([
      "not pruning versions: deployment d-SIM000001 is running; old versions are pruned after it",
    ]);

    await clock.advance(60 * 60_000);
    sim.aliasNow(); // the foreign deployment has ended
    sim.alias = { version: "1", weights: { "2": 0.1 } }; // weights left by hand, nothing running
    const weighted = await clock.drive(
      pruneVersions(
        { ...ordersInputs("8"), keep: 1, protect: [] },
        sim.clients(),
        () => undefined,
        clock,
      ),
    );
    expect(weighted.deleted).to.deep.equal(["3", "4", "5", "6", "7"]);
    expect([...sim.versions].sort()).to.deep.equal(["1", "2", "8"]);
    // Not even asked: Lambda's own refusal (ResourceConflictException) is a second guard only.
    const deleteRequests = sim.requests.filter(
      (request) => request.command === "DeleteFunctionCommand",
    );
    expect(deleteRequests.map((request) => request.input.Qualifier)).to.deep.equal([
      "3",
      "4",
      "5",
      "6",
      "7",
    ]);
  });

  it("never fails a deployment that succeeded because pruning failed", async () => {
    const { sim, stack } = world({ versions: allVersions });
    sim.faults = ({ command }) => (command === "ListAliasesCommand" ? "denied" : "none");

    const up = await stack.up(ordersInputs("8", { keepVersions: 1 }));

    expect(up.outcome, up.message).to.equal("success");
    expect(up.log).to.include(
      "LambdaDeployment orders-fn:live (eu-west-1): could not prune old versions (" +
        `ListAliases orders-fn failed: AccessDeniedException: ${deniedOnFunction("ListAliases")}); ` +
        "the deployment itself is unaffected",
    );
    expect([...sim.versions]).to.deep.equal(allVersions);
  });

  it("returns what it could not do when a listing is refused, and deletes nothing", async () => {
    const { sim, clock } = world({ versions: allVersions, aliasVersion: "8" });
    sim.faults = ({ command }) => (command === "ListVersionsByFunctionCommand" ? "denied" : "none");
    const lines: string[] = [];

    const pruned = await clock.drive(
      pruneVersions(
        { ...ordersInputs("8"), keep: 1, protect: [] },
        sim.clients(),
        (line) => lines.push(line),
        clock,
      ),
    );

    const reason =
      "ListVersionsByFunction orders-fn failed: AccessDeniedException: " +
      deniedOnFunction("ListVersionsByFunction");
    expect(pruned).to.deep.equal({ deleted: [], skipped: reason });
    expect(lines).to.deep.equal([
      `could not prune old versions (${reason}); the deployment itself is unaffected`,
    ]);
    expect([...sim.versions]).to.deep.equal(allVersions);
  });

  it("sends nothing to AWS with keepVersions: 0 and says pruning is disabled", async () => {
    const { sim, clock } = world({ versions: allVersions });
    const lines: string[] = [];

    const pruned = await clock.drive(
      pruneVersions(
        { ...ordersInputs("8"), keep: 0, protect: [] },
        sim.clients(),
        (line) => lines.push(line),
        clock,
      ),
    );

    expect(pruned).to.deep.equal({ deleted: [], skipped: "pruning disabled (keepVersions: 0)" });
    expect(lines).to.deep.equal([]);
    expect(sim.requests).to.deep.equal([]);
  });

  it("says nothing when no version is old enough to delete", async () => {
    const { sim, clock } = world({ versions: ["1", "2", "3"], aliasVersion: "3" });
    const lines: string[] = [];

    const pruned = await clock.drive(
      pruneVersions(
        { ...ordersInputs("3"), keep: 5, protect: ["3"] },
        sim.clients(),
        (line) => lines.push(line),
        clock,
      ),
    );

    expect(pruned).to.deep.equal({ deleted: [] });
    expect(lines).to.deep.equal([]);
    expect(sim.requests.map((request) => request.command)).not.to.include("DeleteFunctionCommand");
  });

  it("names one pruned version, and one version left for the next update, in the singular", async () => {
    const six = world({ versions: ["1", "2", "3", "4", "5", "6"], aliasVersion: "6" });
    const oneLine: string[] = [];
    const fiftySix = Array.from({ length: 56 }, (_, index) => String(index + 1));
    const many = world({ versions: fiftySix, aliasVersion: "56" });
    const manyLines: string[] = [];

    const one = await six.clock.drive(
      pruneVersions(
        { ...ordersInputs("6"), keep: 5, protect: ["6"] },
        six.sim.clients(),
        (line) => oneLine.push(line),
        six.clock,
      ),
    );
    const fifty = await many.clock.drive(
      pruneVersions(
        { ...ordersInputs("56"), keep: 5, protect: ["56"] },
        many.sim.clients(),
        (line) => manyLines.push(line),
        many.clock,
      ),
    );

    expect(one).to.deep.equal({ deleted: ["1"] });
    expect(oneLine).to.deep.equal([
      "pruned 1 old version of orders-fn (1); keeping the newest 5 and every version an alias serves",
    ]);
    expect(fifty.deleted).to.deep.equal(fiftySix.slice(0, 50));
    expect(fifty.skipped).to.equal(
      "1 more old version left for the next update (at most 50 are deleted per run)",
    );
    expect(manyLines.slice(1)).to.deep.equal([fifty.skipped]);
  });

  it("keeps a version an alias starts to serve while pruning runs, and deletes the others", async () => {
    const { sim, clock } = world({ versions: allVersions, aliasVersion: "8" });
    // Someone points a `beta` alias at version 4 just before its DeleteFunction arrives.
    sim.faults = ({ command, input }) => {
      if (command === "DeleteFunctionCommand" && input.Qualifier === "4") {
        sim.otherAliases.beta = "4";
      }
      return "none";
    };
    const lines: string[] = [];

    const pruned = await clock.drive(
      pruneVersions(
        { ...ordersInputs("8"), keep: 2, protect: ["8"] },
        sim.clients(),
        (line) => lines.push(line),
        clock,
      ),
    );

    expect(pruned).to.deep.equal({ deleted: ["1", "2", "3", "5", "6"] });
    expect(lines).to.deep.equal([
      // Lambda's refusal: DeleteFunction, ResourceConflictException (HTTP 409); the message as
      // the simulator words it (see its header).
      "kept version 4: DeleteFunction orders-fn:4 failed: " +
        "ResourceConflictException: Unable to delete version because the following aliases reference it: [beta]",
      "pruned 5 old versions of orders-fn (1, 2, 3, 5, 6); keeping the newest 2 and every version an alias serves",
    ]);
    expect([...sim.versions].sort()).to.deep.equal(["4", "7", "8"]);
  });

  it("stops within its 2-minute budget while Lambda throttles, and leaves the rest for the next update", async () => {
    const { sim, clock } = world({ versions: allVersions, aliasVersion: "8" });
    // Lambda throttles with TooManyRequestsException (HTTP 429: DeleteFunction, Errors).
    sim.faults = ({ command }) => (command === "DeleteFunctionCommand" ? "throttle" : "none");
    const lines: string[] = [];
    const started = clock.now();

    const pruned = await clock.drive(
      pruneVersions(
        { ...ordersInputs("8"), keep: 1, protect: ["8"] },
        sim.clients(),
        (line) => lines.push(line),
        clock,
      ),
    );

    expect(clock.now() - started).to.be.at.most(PRUNE_BUDGET_MS);
    const deletes = sim.requests.filter((request) => request.command === "DeleteFunctionCommand");
    expect(new Set(deletes.map((request) => request.input.Qualifier))).to.deep.equal(
      new Set(["1"]),
    );
    expect(deletes.length).to.be.above(5);
    const kept = lines.find((line) => line.startsWith("kept version"));
    expect(kept).to.equal(
      `kept version 1: DeleteFunction orders-fn:1 failed after ${deletes.length} ` +
        `attempts over 2 min (TooManyRequestsException x${deletes.length}): TooManyRequestsException: Rate exceeded`,
    );
    expect(pruned).to.deep.equal({
      deleted: [],
      skipped: "6 more old versions left for the next update (pruning's 2 min budget ran out)",
    });
    expect(lines[lines.length - 1]).to.equal(pruned.skipped);
    expect([...sim.versions]).to.deep.equal(allVersions);
  });
});
