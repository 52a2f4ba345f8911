import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { TrafficShiftedFunction } from "../../../components";
import { Match, promiseOf, runComponent } from "../../../testing";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

describe("the orders function", () => {
  it("canaries for 10 minutes and rolls back when an alarm fires", async () => {
    const { result, resources } = await runComponent(
      () =>
        new TrafficShiftedFunction("orders", {
          code,
          trafficShifting: { type: "Canary10Percent10Minutes" },
          alarms: { durationBaselineMs: 120 },
        }),
      { config: { "aws:region": "eu-west-1" } },
    );

    // CDK-style partial matchers on the inputs the program sent.
    resources.hasResourceProperties("aws:codedeploy/deploymentGroup:DeploymentGroup", {
      deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent10Minutes",
      autoRollbackConfiguration: {
        enabled: true,
        events: Match.arrayWith(["DEPLOYMENT_STOP_ON_ALARM"]),
      },
    });
    resources.resourceCountIs("aws:cloudwatch/metricAlarm:MetricAlarm", 3);
    resources.allResourcesProperties("aws:lambda/function:Function", {
      tracingConfig: { mode: "Active" },
      deadLetterConfig: Match.absent(),
    });

    // Queries: by type and name, the parent tree, the region, resource options.
    const alias = resources.get("aws:lambda/alias:Alias", "orders-alias");
    assert.equal(alias.region, "eu-west-1");
    assert.equal(resources.parentOf(alias)?.name, "orders");
    assert.deepEqual(alias.options.ignoreChanges, [
      "functionVersion",
      "routingConfig",
      "description",
    ]);

    // Outputs: the harness emulates what AWS would compute (ARNs, versions, endpoints).
    assert.equal(
      await promiseOf(result.aliasArn),
      "arn:aws:lambda:eu-west-1:123456789012:function:orders-function-mock123:live",
    );
  });
});
