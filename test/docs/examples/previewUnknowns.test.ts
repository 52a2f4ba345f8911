import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { TrafficShiftedFunction } from "../../../components";
import { expectNoViolations, runComponent, runPolicies } from "../../../testing";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

describe("at preview", () => {
  it("what the provider computes is unknown, and so is everything built from it", async () => {
    const tags = { environment: "dev", service: "orders", stack: "dev" };
    const { resources } = await runComponent(
      () => new TrafficShiftedFunction("orders", { code, tags }),
      { preview: true, previewUnknowns: true },
    );

    const fn = resources.get("aws:lambda/function:Function", "orders-function");
    assert.equal(fn.id, ""); // created by this update: no id yet
    assert.deepEqual(fn.outputs.version, { __pulumiUnknown: true });
    assert.equal(fn.outputs.name, "orders-function-mock123"); // auto-names are known
    const alias = resources.get("aws:lambda/alias:Alias", "orders-alias");
    assert.deepEqual(alias.inputs.functionVersion, { __pulumiUnknown: true });

    // The pack's rules skip what cannot be known yet, as CrossGuard does at preview.
    expectNoViolations(await runPolicies(resources, { stackName: "dev" }));
  });
});
