import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { TrafficShiftedFunction } from "../../../components";
import { expectRunFailure, runComponent } from "../../../testing";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

describe("invalid arguments", () => {
  it("fail with every problem at once, before anything is registered", async () => {
    const failure = await expectRunFailure(
      runComponent(
        () =>
          new TrafficShiftedFunction("orders", {
            code,
            memorySize: 64,
            trafficShifting: { canary: { percentage: 0, intervalMinutes: 10 } },
          }),
      ),
    );
    assert.match(failure.message, /has 2 invalid arguments/);
    assert.match(failure.message, /\[memorySize\] is 64/);
    assert.match(failure.message, /\[trafficShifting\.canary\.percentage\] is 0/);
    assert.deepEqual(failure.resources.all, []); // what was registered before the error
  });
});
