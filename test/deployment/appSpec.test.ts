import { expect } from "chai";
import { appSpecContent, buildAppSpec, parseLambdaAppSpec } from "../../deployment/appSpec";

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
});
