import { expect } from "chai";
import { prodServesFromMultipleRegions, requiredTags } from "../../policy/rules";
import { check, devTags, prodTags, resource, UNKNOWN_INPUT } from "./fixtures";

const FUNCTION = "aws:lambda/function:Function";

function lambdaFunction(name: string, region: unknown, tags: unknown = prodTags) {
  return resource(FUNCTION, name, { role: "arn:aws:iam::1:role/r", region, tags });
}

describe("policy prod-serves-from-multiple-regions", () => {
  it("passes prod functions in two regions, and a single-region dev stack", async () => {
    expect(
      await check(prodServesFromMultipleRegions, [
        lambdaFunction("east", "us-east-1"),
        lambdaFunction("west", "us-west-2"),
      ]),
    ).to.deep.equal([]);
    expect(
      await check(prodServesFromMultipleRegions, [lambdaFunction("dev", "us-east-1", devTags)]),
    ).to.deep.equal([]);
  });

  it("a prod stack with functions in one region is a mandatory violation", async () => {
    const violations = await check(prodServesFromMultipleRegions, [
      lambdaFunction("api", "us-east-1"),
      lambdaFunction("worker", "us-east-1"),
    ]);
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({ enforcementLevel: "mandatory" });
    expect(violations[0].urn).to.equal(undefined);
    expect(violations[0].message).to.match(
      /run in 1 region \(us-east-1\).*at least 2.*\[regions\]/,
    );
  });

  it("takes a function's region from its provider when it has no region input", async () => {
    const west = resource("pulumi:providers:aws", "west", { region: "us-west-2" });
    const viaProvider = resource(FUNCTION, "west", { role: "r", tags: prodTags });
    viaProvider.provider = `${west.urn}::west-id`;
    const viaDefault = resource(FUNCTION, "east", { role: "r", tags: prodTags });
    expect(
      await check(prodServesFromMultipleRegions, [west, viaProvider, viaDefault]),
    ).to.deep.equal([]);
  });

  it("honours minRegions", async () => {
    const violations = await check(
      prodServesFromMultipleRegions,
      [lambdaFunction("east", "us-east-1"), lambdaFunction("west", "us-west-2")],
      { minRegions: 3 },
    );
    expect(violations[0].message).to.match(/2 regions \(us-east-1, us-west-2\).*at least 3/);
  });

  it("does not report while a function's region is unknown at preview", async () => {
    const unknownRegion = lambdaFunction("west", UNKNOWN_INPUT);
    unknownRegion.region = undefined;
    const violations = await check(prodServesFromMultipleRegions, [
      lambdaFunction("east", "us-east-1"),
      unknownRegion,
    ]);
    expect(violations).to.deep.equal([]);
  });
});

describe("policy required-tags", () => {
  it("passes tagged resources and resources that take no tags", async () => {
    const violations = await check(requiredTags, [
      lambdaFunction("api", "us-east-1"),
      resource("aws:lambda/alias:Alias", "live", { functionName: "api", functionVersion: "1" }),
      resource("multiregion-serverless:index:TrafficShiftedFunction", "api", {}),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("a taggable resource without tags is a mandatory violation naming the missing keys", async () => {
    const violations = await check(requiredTags, [
      resource("aws:sqs/queue:Queue", "dlq", {}),
      resource("aws:s3/bucket:Bucket", "assets", { tags: { environment: "prod", service: "" } }),
    ]);
    expect(violations.map((v) => [v.resourceName, v.enforcementLevel])).to.deep.equal([
      ["dlq", "mandatory"],
      ["assets", "mandatory"],
    ]);
    expect(violations[0].message).to.match(/lacks tags environment, service, stack/);
    expect(violations[1].message).to.match(/lacks tags service, stack/);
  });

  it("checks a security group declared without any tags key (the functions' group in a VPC)", async () => {
    const violations = await check(requiredTags, [
      resource("aws:ec2/securityGroup:SecurityGroup", "orders-functions", {
        vpcId: "vpc-0a1b2c3d4e5f60718",
      }),
    ]);
    expect(violations.map((v) => [v.resourceName, v.enforcementLevel])).to.deep.equal([
      ["orders-functions", "mandatory"],
    ]);
  });

  it("counts the provider's defaultTags", async () => {
    const provider = resource("pulumi:providers:aws", "tagged", {
      region: "us-east-1",
      defaultTags: JSON.stringify({ tags: { service: "orders", stack: "prod" } }),
    });
    const queue = resource("aws:sqs/queue:Queue", "dlq", { tags: { environment: "prod" } });
    queue.provider = `${provider.urn}::id`;
    expect(await check(requiredTags, [provider, queue])).to.deep.equal([]);
  });

  it("honours requiredTags", async () => {
    const violations = await check(requiredTags, [lambdaFunction("api", "us-east-1")], {
      requiredTags: ["environment", "owner"],
    });
    expect(violations[0].message).to.match(/lacks tag owner;/);
  });

  it("does not report tags that are unknown at preview", async () => {
    const violations = await check(requiredTags, [
      lambdaFunction("whole", "us-east-1", UNKNOWN_INPUT),
      lambdaFunction("value", "us-east-1", { ...prodTags, service: UNKNOWN_INPUT }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});
