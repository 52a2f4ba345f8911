import { strict as assert } from "assert";
import { readStackConfig, runProgram, stackConfigPath } from "../../../testing";

describe("the prod stack", () => {
  it("serves from two regions and detects a failed region within 30 seconds", async () => {
    // stacks/Pulumi.prod.yaml as the CLI passes it (secure values become placeholders).
    const stack = readStackConfig(stackConfigPath("prod"));
    const accountId = stack.config["multiregion-serverless:accountId"];
    const { result, resources } = await runProgram("index.ts", {
      project: "multiregion-serverless",
      stack: "prod",
      config: stack.config,
      secretKeys: stack.secretKeys,
      preview: true,
      // The program checks the credentials' account; answer as the stack's account would
      // (aws.getCallerIdentity's accountId, @pulumi/aws GetCallerIdentityResult; the program
      // reads nothing else of it).
      call: (token) =>
        token === "aws:index/getCallerIdentity:getCallerIdentity" ? { accountId } : undefined,
    });

    assert.deepEqual(result.regionOrder, ["us-east-1", "us-west-2"]);
    assert.deepEqual(result.failoverDetectionSeconds, { "us-east-1": 30, "us-west-2": 30 });
    resources.allResourcesProperties("aws:route53/healthCheck:HealthCheck", {
      requestInterval: 10,
      failureThreshold: 3,
      resourcePath: "/health",
    });
  });
});
