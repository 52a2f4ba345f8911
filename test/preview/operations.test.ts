// The preview lists what operators get after the deploy: the dashboard, the notification
// topics with their subscriptions, and the drills the stack supports.
import { expect } from "chai";
import { runPreview } from "../../preview/preview";
import { renderPreview } from "../../preview/render";

describe("offline preview: after the deploy", () => {
  it("staging: one dashboard, a topic per region with the on-call email, a failover drill per region and a rollback drill per function and region", async () => {
    const result = await runPreview({ stack: "staging" });
    expect(result.operations).to.deep.equal({
      dashboards: [{ name: "orders-staging", region: "us-east-1" }],
      topics: [
        {
          name: "orders-staging",
          region: "us-east-1",
          subscriptions: ["email:oncall@example.com"],
        },
        {
          name: "orders-staging",
          region: "us-west-2",
          subscriptions: ["email:oncall@example.com"],
        },
      ],
      drills: [
        "npm run drill -- staging failover us-east-1",
        "npm run drill -- staging failover us-west-2",
        "npm run drill -- staging rollback orders us-east-1",
        // The worker (stack config `worker`) rolls out through CodeDeploy too.
        "npm run drill -- staging rollback worker us-east-1",
        "npm run drill -- staging rollback orders us-west-2",
        "npm run drill -- staging rollback worker us-west-2",
      ],
    });
    expect(renderPreview(result)).to.contain(
      "After the deploy\n  dashboard orders-staging (us-east-1)\n  topic orders-staging (us-east-1): email:oncall@example.com",
    );
    expect(renderPreview(result)).to.contain(
      "  drill: npm run drill -- staging failover us-west-2\n  drill: npm run drill -- staging rollback orders us-east-1\n  drill: npm run drill -- staging rollback worker us-east-1\n  drill: npm run drill -- staging rollback orders us-west-2",
    );
  });

  it("dev: the dashboard and a rollback drill of orders; no topics without config, no failover with one region", async () => {
    const result = await runPreview({ stack: "dev" });
    expect(result.operations).to.deep.equal({
      dashboards: [{ name: "orders-dev", region: "us-east-1" }],
      topics: [],
      drills: ["npm run drill -- dev rollback orders us-east-1"],
    });
    expect(renderPreview(result)).to.contain(
      "  no notification topics (config notifications)\n  drill: npm run drill -- dev rollback orders us-east-1",
    );
  });

  it("prod: every drill carries --allow-prod (the CLI refuses a prod stack without it), under a warning", async () => {
    const result = await runPreview({ stack: "prod" });
    expect(result.status, result.error?.message).to.not.equal("error");
    expect(result.operations.drills).to.have.length.above(0);
    for (const drill of result.operations.drills) {
      expect(drill).to.match(/^npm run drill -- prod (failover|rollback) .* --allow-prod$/);
    }
    expect(result.operations.drillWarning).to.contain("prod stack");
    expect(renderPreview(result)).to.contain(
      `  warning: ${result.operations.drillWarning}\n  drill: ${result.operations.drills[0]}`,
    );
  });

  it("no rollback drill for a function in weighted mode: no CodeDeploy deployment to roll back", async () => {
    const result = await runPreview({
      stack: "dev",
      config: ['deployment={"mode":"weighted","stableVersion":"1"}'],
    });
    expect(result.status, result.error?.message).to.equal("passed");
    expect(result.operations.drills).to.deep.equal([]);
    expect(renderPreview(result)).to.contain(
      "  no drills (one region, nothing to fail over to; no CodeDeploy group to roll back)",
    );
  });
});
