import { expect } from "chai";
import { createDeploymentClients } from "../../deployment/clients";
import { detectDrift } from "../../deployment/engine";

/**
 * Opt-in, read-only check against a real account: set MRS_IT_REGION, MRS_IT_APPLICATION,
 * MRS_IT_DEPLOYMENT_GROUP, MRS_IT_FUNCTION and MRS_IT_ALIAS (and AWS credentials) to run it.
 * It only reads (GetAlias, ListDeployments): nothing is deployed or stopped.
 */
describe("deployment engine against AWS (opt-in)", () => {
  const env = process.env;
  const names = [
    "MRS_IT_REGION",
    "MRS_IT_APPLICATION",
    "MRS_IT_DEPLOYMENT_GROUP",
    "MRS_IT_FUNCTION",
    "MRS_IT_ALIAS",
  ];

  it("reads the alias and the group's running deployments with the default credential chain", async function () {
    const missing = names.filter((name) => !env[name]);
    if (missing.length > 0) {
      console.log(`      skipped: needs AWS credentials and ${missing.join(", ")}`);
      this.skip();
    }
    this.timeout(60_000);
    const region = env.MRS_IT_REGION as string;
    const drift = await detectDrift(
      {
        applicationName: env.MRS_IT_APPLICATION as string,
        deploymentGroupName: env.MRS_IT_DEPLOYMENT_GROUP as string,
        functionName: env.MRS_IT_FUNCTION as string,
        aliasName: env.MRS_IT_ALIAS as string,
        targetVersion: "1",
        region,
        waitForCompletion: true,
      },
      await createDeploymentClients(region),
      (line) => console.log(`      ${line}`),
    );
    expect(drift.aliasVersion).to.match(/^\d+$/);
  });
});
