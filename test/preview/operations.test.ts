// The preview lists what operators get after the deploy: the dashboard, the notification
// topics with their subscriptions, and the drills the stack supports.
import { expect } from "chai";
import { runPreview } from "../../preview/preview";
import { renderPreview } from "../../preview/render";

describe("offline preview: after the deploy", () => {
  it("staging: one dashboard, a topic per region and us-east-1 with the on-call email, a failover drill per region", async () => {
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
      ],
    });
    expect(renderPreview(result)).to.contain(
      "After the deploy\n  dashboard orders-staging (us-east-1)\n  topic orders-staging (us-east-1): email:oncall@example.com",
    );
  });

  it("dev: the dashboard only; no topics without config, no drill with one region", async () => {
    const result = await runPreview({ stack: "dev" });
    expect(result.operations).to.deep.equal({
      dashboards: [{ name: "orders-dev", region: "us-east-1" }],
      topics: [],
      drills: [],
    });
    expect(renderPreview(result)).to.contain(
      "  no notification topics (config notifications)\n  no drills (one region, nothing to fail over to)",
    );
  });
});
