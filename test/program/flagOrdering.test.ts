// Issue 15 review: a code deployment must not start before the flags it reads are deployed and
// readable, and the pre-traffic smoke test checks that the flags were read, not their value.
import { expect } from "chai";
import { runStack } from "./runStack";

const FUNCTION = "aws:lambda/function:Function";
const DEPLOYMENT = "pulumi-nodejs:dynamic:LambdaDeployment";
const FLAG_DEPLOYMENT = "aws:appconfig/deployment:Deployment";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

for (const stack of ["staging", "prod"] as const) {
  describe(`stacks/Pulumi.${stack}.yaml: flags before code`, () => {
    it("every orders deployment waits for every flag deployment and reader policy", async () => {
      const { resources } = await runStack(stack);
      const flagDeployments = resources.ofType(FLAG_DEPLOYMENT);
      const readerPolicies = resources
        .ofType(ROLE_POLICY)
        .filter((policy) => policy.name.includes("-flags-") && policy.name.includes("-reader-"));
      expect(flagDeployments).to.have.length.greaterThan(0);
      expect(readerPolicies).to.have.length(flagDeployments.length);
      // The orders function's (the worker, issue 17, reads no flags).
      const codeDeployments = resources
        .ofType(DEPLOYMENT)
        .filter((deployment) => deployment.name.includes("-orders-"));
      expect(codeDeployments).to.have.length.greaterThan(0);
      for (const deployment of codeDeployments) {
        expect(deployment.dependencies).to.include.members(
          [...flagDeployments, ...readerPolicies].map((r) => r.urn),
        );
      }
    });

    it("the smoke test requires flags read from AppConfig, whatever their value", async () => {
      const { resources } = await runStack(stack);
      // The orders API's hooks (the worker's smoke test, on staging, sends an SQS batch instead).
      const preTraffic = resources
        .ofType(FUNCTION)
        .filter((f) => f.name.endsWith("-orders-pre-traffic-hook"));
      expect(preTraffic).to.have.length.greaterThan(0);
      for (const hook of preTraffic) {
        const config = JSON.parse(hook.inputs.environment.variables.HOOK_CONFIG);
        expect(config.expect).to.deep.equal({
          statusCode: 200,
          bodyMatches: { flags: { source: "appconfig" } },
        });
      }
    });

    it("the extension prefetches the flag profile before the function initializes", async () => {
      const { resources } = await runStack(stack);
      const services = resources
        .ofType(FUNCTION)
        .filter((f) => f.name.endsWith("-orders-function"));
      expect(services).to.have.length.greaterThan(0);
      for (const fn of services) {
        expect(fn.inputs.environment.variables.AWS_APPCONFIG_EXTENSION_PREFETCH_LIST).to.equal(
          `/applications/orders/environments/${stack}/configurations/feature-flags`,
        );
      }
    });
  });
}
