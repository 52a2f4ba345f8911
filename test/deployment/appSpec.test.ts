import { expect } from "chai";
import { createHash } from "crypto";
import {
  appSpecContent,
  appSpecSha256,
  buildAppSpec,
  parseLambdaAppSpec,
} from "../../deployment/appSpec";

const shift = {
  functionName: "orders-fn",
  aliasName: "live",
  currentVersion: "3",
  targetVersion: "4",
};

describe("Lambda AppSpec", () => {
  it("has version 0.0, one AWS::Lambda::Function resource and no Hooks without hooks", () => {
    expect(buildAppSpec(shift)).to.deep.equal({
      version: 0,
      Resources: [
        {
          "orders-fn": {
            Type: "AWS::Lambda::Function",
            Properties: {
              Name: "orders-fn",
              Alias: "live",
              CurrentVersion: "3",
              TargetVersion: "4",
            },
          },
        },
      ],
    });
    expect(appSpecContent(shift)).to.equal(
      '{"version":0.0,"Resources":[{"orders-fn":{"Type":"AWS::Lambda::Function","Properties":' +
        '{"Name":"orders-fn","Alias":"live","CurrentVersion":"3","TargetVersion":"4"}}}]}',
    );
  });

  it("lists each hook as its own single-key object, BeforeAllowTraffic first", () => {
    expect(
      buildAppSpec({
        ...shift,
        logicalName: "Orders",
        hooks: {
          afterAllowTraffic: "CodeDeployHook_post",
          beforeAllowTraffic: "CodeDeployHook_pre",
        },
      }),
    ).to.deep.include({
      Resources: [
        {
          Orders: {
            Type: "AWS::Lambda::Function",
            Properties: {
              Name: "orders-fn",
              Alias: "live",
              CurrentVersion: "3",
              TargetVersion: "4",
            },
          },
        },
      ],
      Hooks: [
        { BeforeAllowTraffic: "CodeDeployHook_pre" },
        { AfterAllowTraffic: "CodeDeployHook_post" },
      ],
    });
    expect(
      buildAppSpec({ ...shift, hooks: { afterAllowTraffic: "CodeDeployHook_post" } }).Hooks,
    ).to.deep.equal([{ AfterAllowTraffic: "CodeDeployHook_post" }]);
  });

  it("is valid JSON that reads back to what it shifts", () => {
    const content = appSpecContent({
      ...shift,
      hooks: { beforeAllowTraffic: "CodeDeployHook_pre" },
    });
    expect(JSON.parse(content).version).to.equal(0);
    expect(parseLambdaAppSpec(content)).to.deep.equal(shift);
    expect(parseLambdaAppSpec("version: 0.0\nResources: []")).to.equal(undefined);
    expect(parseLambdaAppSpec(undefined)).to.equal(undefined);
  });

  it("is sent with the SHA-256 of exactly the text sent, hex-encoded", () => {
    // CodeDeploy API Reference, AppSpecContent: `sha256` is "the SHA256 hash value of the
    // revision content"; GetDeployment returns only this hash for an inline revision.
    const content = appSpecContent(shift);
    const sha256 = appSpecSha256(content);
    expect(sha256).to.match(/^[0-9a-f]{64}$/);
    expect(sha256).to.equal(
      createHash("sha256").update(Buffer.from(content, "utf8")).digest("hex"),
    );
    expect(appSpecSha256(appSpecContent({ ...shift, targetVersion: "5" }))).not.to.equal(sha256);
  });

  it("reads back the Lambda AppSpec of CodeDeploy's own example, hooks and all", () => {
    // CodeDeploy User Guide, "AppSpec File example for an AWS Lambda deployment" (JSON).
    const example = JSON.stringify({
      version: 0.0,
      Resources: [
        {
          myLambdaFunction: {
            Type: "AWS::Lambda::Function",
            Properties: {
              Name: "myLambdaFunction",
              Alias: "myLambdaFunctionAlias",
              CurrentVersion: "1",
              TargetVersion: "2",
            },
          },
        },
      ],
      Hooks: [
        { BeforeAllowTraffic: "LambdaFunctionToValidateBeforeTrafficShift" },
        { AfterAllowTraffic: "LambdaFunctionToValidateAfterTrafficShift" },
      ],
    });
    expect(parseLambdaAppSpec(example)).to.deep.equal({
      functionName: "myLambdaFunction",
      aliasName: "myLambdaFunctionAlias",
      currentVersion: "1",
      targetVersion: "2",
    });
  });

  it("is not read from another platform's AppSpec, or from text that is not a Lambda AppSpec", () => {
    // CodeDeploy User Guide, "AppSpec File example for an Amazon ECS deployment" (JSON).
    const ecs = JSON.stringify({
      version: 0.0,
      Resources: [
        {
          TargetService: {
            Type: "AWS::ECS::Service",
            Properties: {
              TaskDefinition:
                "arn:aws:ecs:us-east-1:111222333444:task-definition/my-task-definition-family-name:1",
              LoadBalancerInfo: { ContainerName: "SampleApplicationName", ContainerPort: 80 },
            },
          },
        },
      ],
    });
    expect(parseLambdaAppSpec(ecs)).to.equal(undefined);
    // Malformed documents (AWS shows none): no resource, no Properties, nothing at all.
    for (const content of [
      "",
      "null",
      "{}",
      '{"version":0.0,"Resources":[]}',
      '{"version":0.0,"Resources":[{}]}',
      '{"version":0.0,"Resources":[{"f":null}]}',
      '{"version":0.0,"Resources":[{"f":{"Type":"AWS::Lambda::Function"}}]}',
    ]) {
      expect(parseLambdaAppSpec(content), content).to.equal(undefined);
    }
  });
});
