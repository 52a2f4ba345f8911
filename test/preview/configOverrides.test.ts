import { expect } from "chai";
import { applyConfigOverrides, parseConfigOverride } from "../../preview/configOverrides";

describe("offline preview --config overrides", () => {
  const project = "multiregion-serverless";
  const apply = (config: Record<string, string>, ...args: string[]) =>
    applyConfigOverrides(
      config,
      args.map((arg) => parseConfigOverride(arg, project)),
    );

  it("namespaces bare keys with the project and keeps explicit namespaces", () => {
    expect(parseConfigOverride("logLevel=WARN", project)).to.deep.equal({
      key: "multiregion-serverless:logLevel",
      path: [],
      value: "WARN",
    });
    expect(parseConfigOverride("aws:region=eu-west-1", project)).to.deep.equal({
      key: "aws:region",
      path: [],
      value: "eu-west-1",
    });
    expect(parseConfigOverride("x=a=b", project).value).to.equal("a=b");
  });

  it("replaces a whole key with the text as written, as `pulumi config set` does", () => {
    expect(
      apply(
        { "multiregion-serverless:regions": '["us-east-1"]' },
        'regions=["eu-west-1","eu-central-1"]',
      ),
    ).to.deep.equal({
      "multiregion-serverless:regions": '["eu-west-1","eu-central-1"]',
    });
  });

  it("sets one property of a structured key with a path, parsing JSON values", () => {
    const config = { "multiregion-serverless:deployment": '{"type":"Canary10Percent10Minutes"}' };
    expect(
      apply(
        config,
        "deployment.type=AllAtOnce",
        "deployment.waves=false",
        "healthCheck.failureThreshold=2",
      ),
    ).to.deep.equal({
      "multiregion-serverless:deployment": '{"type":"AllAtOnce","waves":false}',
      "multiregion-serverless:healthCheck": '{"failureThreshold":2}',
    });
    expect(apply({}, "alarms.additionalAlarmNames.0=p99")).to.deep.equal({
      "multiregion-serverless:alarms": '{"additionalAlarmNames":["p99"]}',
    });
  });

  it("rejects what is not key=value, and a path into a plain value", () => {
    expect(() => parseConfigOverride("regions", project)).to.throw(/expected key=value/);
    expect(() => parseConfigOverride("deployment..type=x", project)).to.throw(
      /is not a config key/,
    );
    expect(() => apply({ "multiregion-serverless:logLevel": "INFO" }, "logLevel.x=1")).to.throw(
      /not an object or list/,
    );
  });
});
