// The typed factories bring back the compile-time checks that one schema-friendly args
// interface per component lost: each takes only its topology's or mode's fields. The
// `@ts-expect-error` lines below are the compile-time test (`npm test` type-checks this file:
// a line that compiled would fail it); the mocha tests check that each factory builds what `new`
// builds. The deprecated names of the nested types still compile, as aliases of the new ones.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  GlobalTable,
  GlobalTableArgs,
  MultiRegionService,
  PolicyStatement,
  PolicyStatementArgs,
  ServiceFunction,
  ServiceFunctionArgs,
  TrafficShiftedFunction,
  TrafficShifting,
  TrafficShiftingArgs,
} from "../../components";
import { CapturedResource, runComponent } from "../../testing";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});
const functions = { orders: { code } };
const domain = { zoneId: "Z123EXAMPLE", name: "api.example.com" };

/** Never called: what the compiler accepts and refuses. */
export function compileOnly(): void {
  MultiRegionService.activePassive("ok", {
    primaryRegion: "us-east-1",
    standbyRegions: ["us-west-2"],
    functions,
  });
  MultiRegionService.activeActive("ok", { regions: ["us-east-1"], routing: "latency", functions });

  MultiRegionService.activePassive("orders", {
    primaryRegion: "us-east-1",
    standbyRegions: ["us-west-2"],
    // @ts-expect-error regions belongs to active-active
    regions: ["eu-west-1"],
    functions,
  });
  // @ts-expect-error standbyRegions is required for active-passive
  MultiRegionService.activePassive("orders", { primaryRegion: "us-east-1", functions });
  MultiRegionService.activeActive("orders", {
    regions: ["us-east-1"],
    routing: "latency",
    // @ts-expect-error primaryRegion belongs to active-passive
    primaryRegion: "us-east-1",
    functions,
  });
  // @ts-expect-error routing is required for active-active
  MultiRegionService.activeActive("orders", { regions: ["us-east-1"], functions });
  MultiRegionService.activeActive("orders", {
    regions: ["us-east-1"],
    // @ts-expect-error not a routing
    routing: "failover",
    functions,
  });

  TrafficShiftedFunction.codeDeploy("orders", {
    code,
    // @ts-expect-error weight belongs to weighted mode
    trafficShifting: { type: "AllAtOnce", weight: 0.1 },
  });
  TrafficShiftedFunction.weighted("orders", {
    code,
    // @ts-expect-error type belongs to codedeploy mode
    trafficShifting: { type: "AllAtOnce" },
  });
  TrafficShiftedFunction.weighted("orders", {
    code,
    // @ts-expect-error hooks run in CodeDeploy deployments only
    hooks: { preTraffic: { code } },
  });

  // The old names are the same types.
  const fn: ServiceFunctionArgs = { code };
  const renamed: ServiceFunction = fn;
  const back: ServiceFunctionArgs = renamed;
  const shifting: TrafficShiftingArgs = TrafficShifting.codeDeploy({ type: "AllAtOnce" });
  const statement: PolicyStatementArgs = { actions: ["s3:GetObject"], resources: ["*"] };
  const table: GlobalTableArgs = { hashKey: "id" } satisfies GlobalTable;
  void [back, shifting, statement satisfies PolicyStatement, table];
}

const registered = (resources: readonly CapturedResource[]) =>
  resources.map(({ type, name, inputs }) => ({ type, name, inputs }));

describe("typed factories", function () {
  this.timeout(60_000);

  it("MultiRegionService.activePassive builds what new with topology active-passive builds", async () => {
    const args = { primaryRegion: "us-east-1", standbyRegions: ["us-west-2"], functions, domain };
    const built = await runComponent(() => MultiRegionService.activePassive("orders", args));
    const expected = await runComponent(
      () => new MultiRegionService("orders", { ...args, topology: "active-passive" }),
    );
    expect(registered(built.resources.all)).to.deep.equal(registered(expected.resources.all));
    expect(built.result.topology).to.equal("active-passive");
  });

  it("MultiRegionService.activeActive builds what new with topology active-active builds", async () => {
    const args = {
      regions: ["us-east-1", "eu-west-1"],
      routing: "latency" as const,
      functions,
      domain,
    };
    const built = await runComponent(() => MultiRegionService.activeActive("orders", args));
    const expected = await runComponent(
      () => new MultiRegionService("orders", { ...args, topology: "active-active" }),
    );
    expect(registered(built.resources.all)).to.deep.equal(registered(expected.resources.all));
  });

  it("TrafficShiftedFunction.codeDeploy and .weighted build what new builds in that mode", async () => {
    const codeDeploy = await runComponent(() =>
      TrafficShiftedFunction.codeDeploy("orders", { code, trafficShifting: { type: "AllAtOnce" } }),
    );
    const codeDeployNew = await runComponent(
      () => new TrafficShiftedFunction("orders", { code, trafficShifting: { type: "AllAtOnce" } }),
    );
    expect(registered(codeDeploy.resources.all)).to.deep.equal(
      registered(codeDeployNew.resources.all),
    );
    const plain = await runComponent(() => TrafficShiftedFunction.codeDeploy("orders", { code }));
    const plainNew = await runComponent(() => new TrafficShiftedFunction("orders", { code }));
    expect(registered(plain.resources.all)).to.deep.equal(registered(plainNew.resources.all));

    const weighted = await runComponent(() =>
      TrafficShiftedFunction.weighted("orders", { code, trafficShifting: { stableVersion: "3" } }),
    );
    expect(weighted.result.mode).to.equal("weighted");
    const weightedNew = await runComponent(
      () =>
        new TrafficShiftedFunction("orders", {
          code,
          trafficShifting: { mode: "weighted", stableVersion: "3" },
        }),
    );
    expect(registered(weighted.resources.all)).to.deep.equal(registered(weightedNew.resources.all));
  });
});
