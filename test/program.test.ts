import { expect } from "chai";
import { runProgram } from "../testing";

describe("the bundled program", () => {
  it("deploys the orders service as a traffic-shifted function and exports its alias", async () => {
    const { result, resources } = await runProgram("index.ts", {
      stack: "dev",
      config: { "aws:region": "us-east-1" },
    });
    resources.resourceCountIs("multiregion-serverless:index:TrafficShiftedFunction", 1);
    resources.hasResourceProperties("aws:lambda/function:Function", {
      environment: { variables: { ENVIRONMENT: "dev", LOG_LEVEL: "INFO" } },
    });
    expect(result.aliasArn).to.equal(
      "arn:aws:lambda:us-east-1:123456789012:function:orders-function-mock123:live",
    );
    expect(resources.get("pulumi:pulumi:Stack", "project-dev").type).to.equal(
      "pulumi:pulumi:Stack",
    );
  });
});
