// What `npm run drill` refuses before changing anything, and how it reports.
import { expect } from "chai";
import { exitCodeOf, main, planFailover, planRollback } from "../../drills/cli";
import type { FailoverReport } from "../../drills/failover";

// The shape of `pulumi stack output --json` for the bundled program's staging stack (index.ts
// exports resolvedSettings, healthCheckIds and failoverDetectionSeconds).
const staging = {
  resolvedSettings: {
    environment: "staging",
    domain: { zoneId: "Z04STAGINGZONE00001", name: "api.staging.example.com" },
  },
  healthCheckIds: { "us-east-1": "hc-east", "us-west-2": "hc-west" },
  failoverDetectionSeconds: { "us-east-1": 90, "us-west-2": 90 },
  // index.ts `functions`: per region, per function key.
  regionOrder: ["us-east-1", "us-west-2"],
  functions: Object.fromEntries(
    ["us-east-1", "us-west-2"].map((region) => [
      region,
      {
        orders: {
          functionName: `orders-staging-${region}`,
          aliasName: "live",
          targetVersion: "7",
          mode: "codedeploy",
          applicationName: "orders",
          deploymentGroupName: `orders-staging-${region}`,
          deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        },
      },
    ]),
  ),
};

describe("npm run drill", () => {
  it("plans a staging failover of us-east-1 from the stack's outputs", () => {
    expect(planFailover("staging", "us-east-1", staging, false)).to.deep.equal({
      stack: "staging",
      region: "us-east-1",
      healthCheckId: "hc-east",
      globalName: "api.staging.example.com",
      zoneId: "Z04STAGINGZONE00001",
      expectedDetectionSeconds: 90,
    });
  });

  it("refuses prod without --allow-prod, and an unknown region, in one message", () => {
    const prod = {
      ...staging,
      resolvedSettings: { ...staging.resolvedSettings, environment: "prod" },
    };
    expect(() => planFailover("prod", "eu-west-1", prod, false))
      .to.throw(/failover drill refused/)
      .with.property("message")
      .that.contains("give --allow-prod to drill it anyway")
      .and.contains(
        'region "eu-west-1" is not a region of stack prod; its regions: us-east-1, us-west-2',
      );
    expect(planFailover("prod", "us-west-2", prod, true).healthCheckId).to.equal("hc-west");
  });

  it("refuses a one-region stack: nowhere to fail over to", () => {
    const dev = {
      resolvedSettings: { environment: "dev" },
      healthCheckIds: { "us-east-1": "hc" },
      failoverDetectionSeconds: { "us-east-1": 90 },
    };
    expect(() => planFailover("dev", "us-east-1", dev, false)).to.throw(/nothing to fail over/);
  });

  it("exits 64 on a usage error or a refused drill, before calling AWS", async () => {
    expect(await main([])).to.equal(64);
    expect(await main(["staging", "explode"])).to.equal(64);
    const fs = await import("fs");
    const os = await import("os");
    const path = await import("path");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "drill-")), "outputs.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        ...staging,
        resolvedSettings: { ...staging.resolvedSettings, environment: "prod" },
      }),
    );
    expect(await main(["prod", "failover", "us-east-1", "--outputs", file])).to.equal(64);
  });

  it("exits 2 when the health check could not be restored, whatever else happened", () => {
    const report = { outcome: "passed", restored: true } as FailoverReport;
    expect(exitCodeOf(report)).to.equal(0);
    expect(exitCodeOf({ ...report, outcome: "failed" })).to.equal(1);
    expect(exitCodeOf({ ...report, outcome: "interrupted" })).to.equal(130);
    expect(exitCodeOf({ ...report, outcome: "interrupted", restored: false })).to.equal(2);
  });

  it("plans a rollback drill of orders in the primary region unless a region is named", () => {
    const primary = planRollback("staging", "orders", undefined, staging, false);
    expect(primary).to.include({
      region: "us-east-1",
      functionName: "orders-staging-us-east-1",
      aliasName: "live",
      applicationName: "orders",
      deploymentGroupName: "orders-staging-us-east-1",
    });
    expect(planRollback("staging", "orders", "us-west-2", staging, false).functionName).to.equal(
      "orders-staging-us-west-2",
    );
  });

  it("refuses a rollback drill of prod, of an unknown function and of a weighted one, in one message", () => {
    const prod = {
      ...staging,
      resolvedSettings: { ...staging.resolvedSettings, environment: "prod" },
    };
    expect(() => planRollback("prod", "payments", undefined, prod, false))
      .to.throw(/rollback drill refused/)
      .with.property("message")
      .that.contains("give --allow-prod to drill it anyway")
      .and.contains(
        'function "payments" is not a function of stack prod in us-east-1; its functions: orders',
      );
    expect(() => planRollback("staging", "orders", "eu-west-1", staging, false)).to.throw(
      'region "eu-west-1" is not a region of stack staging; its regions: us-east-1, us-west-2',
    );
    const weighted = JSON.parse(JSON.stringify(staging));
    weighted.functions["us-east-1"].orders.mode = "weighted";
    expect(() => planRollback("staging", "orders", undefined, weighted, false)).to.throw(
      /mode "weighted", not through CodeDeploy/,
    );
  });
});
