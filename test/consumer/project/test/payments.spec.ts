// The platform team's unit test, with the package's test helpers and Node's own test runner.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { Match, runPolicies, runProgram } from "multiregion-serverless/testing";

const program = path.join(__dirname, "..", "index");
const config = {
  "aws:region": "us-east-1",
  "payments:standbyRegion": "us-west-2",
  "payments:deploymentType": "Canary10Percent5Minutes",
  "payments:zoneId": "Z0123456789EXAMPLE",
  "payments:domainName": "payments.example.com",
};

test("prod shifts payments traffic by canary in both regions and passes the policies", async () => {
  const run = await runProgram(program, { project: "payments", stack: "prod", config });
  assert.deepEqual(run.result.regions, ["us-east-1", "us-west-2"]);
  const groups = run.resources.ofType("aws:codedeploy/deploymentGroup:DeploymentGroup");
  assert.equal(groups.length, 2);
  run.resources.hasResourceProperties("aws:codedeploy/deploymentGroup:DeploymentGroup", {
    deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
    autoRollbackConfiguration: { enabled: true, events: Match.arrayWith(["DEPLOYMENT_FAILURE"]) },
  });
  const violations = await runPolicies(run.resources.all, { stackName: "prod" });
  assert.deepEqual(
    violations.filter((violation) => violation.enforcementLevel === "mandatory"),
    [],
  );
});

test("an all-at-once prod deployment breaks the gradual-shift policy", async () => {
  const run = await runProgram(program, {
    project: "payments",
    stack: "prod",
    config: { ...config, "payments:deploymentType": "AllAtOnce" },
  });
  const violations = await runPolicies(run.resources.all, { stackName: "prod" });
  assert.ok(
    violations.some(
      (violation) => violation.policyName === "prod-deployments-shift-traffic-gradually",
    ),
  );
});
