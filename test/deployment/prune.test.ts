/**
 * Issue 10.8: every `pulumi up` publishes a version; old ones are pruned after a successful
 * deployment, never one an alias serves (any alias, routing weights included), the target or
 * the previous version, and never while a deployment runs.
 */
import { expect } from "chai";
import { pruneVersions } from "../../deployment/prune";
import { ordersInputs, world } from "./sim/scenario";

const allVersions = ["1", "2", "3", "4", "5", "6", "7", "8"];

describe("pruning published versions (keepVersions)", () => {
  it("keeps the newest N and every version an alias serves after a successful deployment", async () => {
    const { sim, stack } = world({ versions: allVersions, otherAliases: { beta: "2" } });

    const up = await stack.up(ordersInputs("8", { keepVersions: 3 }));

    expect(up.outcome, up.message).to.equal("success");
    // newest 3: 8, 7, 6; live serves 8; beta serves 2; previous was 3.
    expect([...sim.versions].sort()).to.deep.equal(["2", "3", "6", "7", "8"]);
    expect(up.log.join("\n")).to.include("pruned 3 old versions of orders-fn (1, 4, 5)");
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

    const running = await clock.drive(
      pruneVersions(
        { ...ordersInputs("8"), keep: 1, protect: [] },
        sim.clients(),
        () => undefined,
        clock,
      ),
    );
    expect(running.deleted).to.deep.equal([]);
    expect(running.skipped).to.match(/^deployment d-SIM000001 is running/);

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
  });

  it("never fails a deployment that succeeded because pruning failed", async () => {
    const { sim, stack } = world({ versions: allVersions });
    sim.faults = ({ command }) => (command === "ListAliasesCommand" ? "denied" : "none");

    const up = await stack.up(ordersInputs("8", { keepVersions: 1 }));

    expect(up.outcome, up.message).to.equal("success");
    expect(up.log.join("\n")).to.include("could not prune old versions (AccessDeniedException");
    expect([...sim.versions]).to.deep.equal(allVersions);
  });
});
