// Part of the consumer test (run.sh): the policy pack shipped in the package, installed and
// compiled on its own (as `pulumi preview --policy-pack` runs it), judges the consumer's
// program. Its rules run through the package's offline runner, as the CLI cannot run here.
// Usage: node policyPack.js <pack>/out/rules <app>/bin/index   (from the consumer's folder)
"use strict";
const assert = require("node:assert/strict");
const path = require("node:path");
const { runPolicies, runProgram } = require("multiregion-serverless/testing");

const [rulesDir, program] = process.argv.slice(2).map((arg) => path.resolve(arg));
const { allPolicies } = require(rulesDir);
const config = {
  "aws:region": "us-east-1",
  "payments:standbyRegion": "us-west-2",
  "payments:deploymentType": "Canary10Percent5Minutes",
  "payments:zoneId": "Z0123456789EXAMPLE",
  "payments:domainName": "payments.example.com",
};

async function violationsOf(deploymentType) {
  const run = await runProgram(program, {
    project: "payments",
    stack: "prod",
    preview: true,
    previewUnknowns: true,
    config: { ...config, "payments:deploymentType": deploymentType },
  });
  return runPolicies(run.resources.all, { stackName: "prod", policies: allPolicies });
}

async function main() {
  assert.ok(allPolicies.length >= 10, `the pack has ${allPolicies.length} policies`);
  const clean = await violationsOf("Canary10Percent5Minutes");
  assert.deepEqual(
    clean.filter((violation) => violation.enforcementLevel === "mandatory"),
    [],
    "a canary prod stack passes the pack",
  );
  const allAtOnce = await violationsOf("AllAtOnce");
  assert.ok(
    allAtOnce.some(
      (violation) =>
        violation.policyName === "prod-deployments-shift-traffic-gradually" &&
        violation.enforcementLevel === "mandatory",
    ),
    "an all-at-once prod stack breaks prod-deployments-shift-traffic-gradually",
  );
  console.log(
    `  ${allPolicies.length} policies: canary prod ${clean.length} violation(s) (none mandatory), all-at-once prod ${allAtOnce.length}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
