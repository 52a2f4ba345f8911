// Boundaries of three mandatory policies a user meets on every production stack: how regions
// are counted (an unknown region is one possible region, never a known one twice), which
// resources must be tagged, and which functions must choose their limits
// (docs/testing.md, "Mutation testing").
import { expect } from "chai";
import {
  prodFunctionsExplicitLimits,
  prodServesFromMultipleRegions,
  requiredTags,
} from "../../policy/rules";
import { fix } from "../../policy/rules/remediation";
import { check, devTags, messages, prodTags, resource, UNKNOWN_INPUT } from "./fixtures";

const FUNCTION = "aws:lambda/function:Function";

function lambdaFunction(name: string, inputs: Record<string, unknown>) {
  return resource(FUNCTION, name, { role: "arn:aws:iam::123456789012:role/orders", ...inputs });
}

describe("policy prod-serves-from-multiple-regions, counting regions", () => {
  it("counts a function whose region is unknown once, not its known neighbour twice", async () => {
    const unknownRegion = lambdaFunction("west", { region: UNKNOWN_INPUT, tags: prodTags });
    unknownRegion.region = undefined;
    const violations = await check(
      prodServesFromMultipleRegions,
      [lambdaFunction("east", { region: "us-east-1", tags: prodTags }), unknownRegion],
      { minRegions: 3 },
    );
    expect(messages(violations)).to.deep.equal([
      `The production functions run in 1 region (us-east-1); production needs at least 3 so that Route 53 can fail over. ${fix.regions}.`,
    ]);
  });

  it("lists the regions in alphabetical order", async () => {
    const violations = await check(
      prodServesFromMultipleRegions,
      [
        lambdaFunction("west", { region: "us-west-2", tags: prodTags }),
        lambdaFunction("ireland", { region: "eu-west-1", tags: prodTags }),
      ],
      { minRegions: 3 },
    );
    expect(messages(violations)[0]).to.contain("run in 2 regions (eu-west-1, us-west-2);");
  });
});

describe("policy required-tags, scope and message", () => {
  it("checks only AWS resources: another provider's resource with tags is not its concern", async () => {
    expect(
      await check(requiredTags, [
        resource("azure-native:resources:ResourceGroup", "orders", { tags: { owner: "team" } }),
      ]),
    ).to.deep.equal([]);
  });

  it("says why the tags matter and how to add them", async () => {
    const violations = await check(requiredTags, [
      resource("aws:sqs/queue:Queue", "dlq", { tags: { environment: "prod", service: "orders" } }),
    ]);
    expect(messages(violations)).to.deep.equal([
      `The resource lacks tag stack; environment-scoped policies cannot tell which environment it belongs to. ${fix.tags}.`,
    ]);
  });
});

describe("policy prod-functions-explicit-limits, scope and message", () => {
  it("leaves a dev function at Lambda's defaults alone", async () => {
    expect(
      await check(prodFunctionsExplicitLimits, [lambdaFunction("dev", { tags: devTags })]),
    ).to.deep.equal([]);
  });

  it("names the limits a prod function leaves at Lambda's defaults, and the fix", async () => {
    const violations = await check(prodFunctionsExplicitLimits, [
      lambdaFunction("orders", { tags: prodTags, timeout: 3, memorySize: 1024 }),
    ]);
    expect(messages(violations)).to.deep.equal([
      `The production function leaves timeout at Lambda's default (3 s, 128 MB; an explicit default value looks the same to the policy). ${fix.limits}.`,
    ]);
  });
});
