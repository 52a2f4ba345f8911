// What `npm run drill` refuses before changing anything, and how it reports.
import { expect } from "chai";
import { exitCodeOf, main, planFailover } from "../../drills/cli";
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
});
