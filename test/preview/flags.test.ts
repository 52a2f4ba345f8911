import { expect } from "chai";
import { runPreview } from "../../preview/preview";
import { renderPreview } from "../../preview/render";

describe("offline preview: the feature flags", function () {
  this.timeout(120_000);

  it("prod: the flags per region, off, rolled out as a canary with bake time and rolled back by the orders alarms", async () => {
    const result = await runPreview({ stack: "prod" });
    expect(result.flags.regions.map((r) => r.region)).to.deep.equal(["us-east-1", "us-west-2"]);
    for (const region of result.flags.regions) {
      expect(region.flags).to.deep.equal(["newOrderValidation off (maxItems 50)"]);
      expect(region.strategy).to.equal(
        "AppConfig.Canary10Percent20Minutes (exponential 10%, 20 min, bake 10 min)",
      );
      expect(region.minutes).to.equal(30);
      expect(region.monitors).to.have.length(3);
    }
    expect(result.flags.regions[0].contentHash).to.equal(result.flags.regions[1].contentHash);
    // The pack's flag policies ran offline over the same resources, and the stack passes them.
    const ran = result.policies.ran.map((policy) => policy.name);
    expect(ran).to.include.members([
      "prod-flag-deployments-gradual-and-monitored",
      "flags-deployed-to-every-serving-region",
    ]);
    expect(result.policies.violations.filter((v) => /flag/.test(v.policyName))).to.deep.equal([]);
    const text = renderPreview(result);
    expect(text).to.include(
      "    rollout AppConfig.Canary10Percent20Minutes (exponential 10%, 20 min, bake 10 min), done after about 30 min; rolled back by 3 alarms (names known at update)",
    );
  });

  it("dev: on, all at once", async () => {
    const result = await runPreview({ stack: "dev" });
    expect(result.flags.regions).to.have.length(1);
    expect(result.flags.regions[0].flags).to.deep.equal(["newOrderValidation on (maxItems 50)"]);
    expect(result.flags.regions[0].strategy).to.match(/^AppConfig\.AllAtOnce /);
  });
});
