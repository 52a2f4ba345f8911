import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { MultiRegionService } from "../../../components";
import {
  expectNoViolations,
  multiregionServerlessPolicies,
  runComponent,
  runPolicies,
} from "../../../testing";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

/** A rule of your own, run alongside the package's pack. */
const functionsHave512Mb: ResourceValidationPolicy = {
  name: "functions-have-512-mb",
  description: "Lambda functions have at least 512 MB.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, reportViolation) => {
    if ((fn.memorySize ?? 128) < 512) {
      reportViolation(`${args.name} has ${fn.memorySize ?? 128} MB`);
    }
  }),
};

describe("the orders service against policies", () => {
  const orders = () =>
    runComponent(
      () =>
        new MultiRegionService("orders", {
          topology: "active-passive",
          primaryRegion: "us-east-1",
          standbyRegions: ["us-west-2"],
          functions: {
            orders: { code, trafficShifting: { type: "Canary10Percent10Minutes" } },
          },
          routes: { "POST /orders": "orders" },
          domain: { zoneId: "Z0123456789EXAMPLE", name: "api.example.com" },
          healthCheck: { requestInterval: 10 },
          tags: { environment: "prod", service: "orders", stack: "prod" },
        }),
    );

  it("passes the multiregion-serverless pack in production", async () => {
    const { resources } = await orders();
    const violations = await runPolicies(resources, { stackName: "prod" });
    expectNoViolations(violations, ["mandatory"]);
  });

  it("breaks a rule of our own", async () => {
    const { resources } = await orders();
    const violations = await runPolicies(resources, {
      policies: [...multiregionServerlessPolicies(), functionsHave512Mb],
      config: { "prod-functions-have-failure-destination": "disabled" },
    });
    assert.deepEqual(
      violations.map((violation) => [
        violation.policyName,
        violation.enforcementLevel,
        violation.message,
      ]),
      [
        ["functions-have-512-mb", "mandatory", "orders-us-east-1-orders-function has 256 MB"],
        ["functions-have-512-mb", "mandatory", "orders-us-west-2-orders-function has 256 MB"],
      ],
    );
  });
});
