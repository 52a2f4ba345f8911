// The exact verdicts of the mandatory IAM and Lambda access policies, as a user reads them in
// `pulumi preview`: each message names the statement, the grant and the fix, and each condition
// is shown to reach its verdict on its own (docs/testing.md, "Mutation testing").
import { expect } from "chai";
import { functionUrlRequiresAuth, hookStatusScoped, iamLeastPrivilege } from "../../policy/rules";
import { fix } from "../../policy/rules/remediation";
import { check, messages, resource, UNKNOWN_INPUT } from "./fixtures";

const POLICY = "aws:iam/policy:Policy";
const HOOK_STATUS = "codedeploy:PutLifecycleEventHookExecutionStatus";
const bucketObjects = "arn:aws:s3:::orders-assets/*";
const deploymentGroupArn =
  "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:orders/orders-live";

/** A managed policy with these statements (IAM JSON policy reference: Version, Statement). */
function managedPolicy(name: string, ...statements: Record<string, unknown>[]) {
  return resource(POLICY, name, {
    policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
  });
}

describe("policy iam-least-privilege verdicts", () => {
  it("names every wildcard action of a statement, and the fix", async () => {
    const violations = await check(iamLeastPrivilege, [
      managedPolicy("admin", { Effect: "Allow", Action: ["s3:*", "*"], Resource: bucketObjects }),
    ]);
    expect(messages(violations)).to.deep.equal([
      `The policy, statement 1, allows every action of "s3:*", "*". ${fix.noWildcardAction}.`,
    ]);
  });

  it("leaves a partial wildcard such as s3:*Object to the Resource check", async () => {
    expect(
      await check(iamLeastPrivilege, [
        managedPolicy("objects", {
          Effect: "Allow",
          Action: "s3:*Object",
          Resource: bucketObjects,
        }),
      ]),
    ).to.deep.equal([]);
  });

  it("explains NotAction and NotResource with Allow", async () => {
    const violations = await check(iamLeastPrivilege, [
      managedPolicy(
        "inverted",
        { Effect: "Allow", NotAction: "iam:*", Resource: bucketObjects },
        { Effect: "Allow", Action: "s3:GetObject", NotResource: bucketObjects },
      ),
    ]);
    expect(messages(violations)).to.deep.equal([
      `The policy, statement 1, uses NotAction with Allow, which grants every other action. ${fix.noWildcardAction}.`,
      `The policy, statement 2, uses NotResource with Allow, which grants every other resource. ${fix.noWildcardResource}.`,
    ]);
  });

  it('says "it supports" for one scopable action on Resource "*" and "they support" for several', async () => {
    const violations = await check(iamLeastPrivilege, [
      managedPolicy("one", { Effect: "Allow", Action: "s3:GetObject", Resource: "*" }),
      managedPolicy("two", {
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: "*",
      }),
    ]);
    expect(messages(violations)).to.deep.equal([
      `The policy, statement 1, grants s3:GetObject on Resource "*", although it supports resource-level permissions. ${fix.noWildcardResource}.`,
      `The policy, statement 1, grants s3:GetObject, s3:PutObject on Resource "*", although they support resource-level permissions. ${fix.noWildcardResource}.`,
    ]);
  });
});

describe("policy codedeploy-hook-status-scoped verdicts", () => {
  it("reports the hook action among other actions, naming every unscoped resource", async () => {
    const violations = await check(hookStatusScoped, [
      managedPolicy("hook", {
        Effect: "Allow",
        Action: ["logs:PutLogEvents", HOOK_STATUS],
        Resource: [
          deploymentGroupArn,
          "*",
          "arn:aws:codedeploy:us-east-1:123456789012:application:orders",
        ],
      }),
    ]);
    expect(messages(violations)).to.deep.equal([
      `The policy, statement 1, grants ${HOOK_STATUS} on "*", "arn:aws:codedeploy:us-east-1:123456789012:application:orders", so the hook could report results for any deployment. ${fix.hookStatus}.`,
    ]);
  });

  it("reports NotResource by name", async () => {
    const violations = await check(hookStatusScoped, [
      managedPolicy("hook", {
        Effect: "Allow",
        Action: HOOK_STATUS,
        NotResource: deploymentGroupArn,
      }),
    ]);
    expect(messages(violations)).to.deep.equal([
      `The policy, statement 1, grants ${HOOK_STATUS} on NotResource, so the hook could report results for any deployment. ${fix.hookStatus}.`,
    ]);
  });

  it('leaves statements without the hook action alone, even on Resource "*"', async () => {
    expect(
      await check(hookStatusScoped, [
        managedPolicy("tracing", {
          Effect: "Allow",
          Action: "xray:PutTraceSegments",
          Resource: "*",
        }),
      ]),
    ).to.deep.equal([]);
  });
});

describe("policy lambda-function-url-requires-auth verdict", () => {
  it("says anyone can invoke a URL with authorizationType NONE, and passes AWS_IAM", async () => {
    const violations = await check(functionUrlRequiresAuth, [
      resource("aws:lambda/functionUrl:FunctionUrl", "public", {
        functionName: "orders",
        authorizationType: "NONE",
      }),
      resource("aws:lambda/functionUrl:FunctionUrl", "signed", {
        functionName: "orders",
        authorizationType: "AWS_IAM",
      }),
    ]);
    expect(violations.map((v) => [v.resourceName, v.message])).to.deep.equal([
      [
        "public",
        `The function URL has authorizationType "NONE": anyone can invoke it. ${fix.functionUrlAuth}.`,
      ],
    ]);
  });
});

describe("IAM policies read documents as AWS does, without failing on odd ones", () => {
  it('skips a document that is JSON "null" and Statement entries that are null', async () => {
    const violations = await check(iamLeastPrivilege, [
      resource(POLICY, "empty", { policy: "null" }),
      resource(POLICY, "holes", {
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [null, { Effect: "Allow", Action: "*", Resource: bucketObjects }],
        }),
      }),
    ]);
    expect(messages(violations)).to.deep.equal([
      `The policy, statement 1, allows every action of "*". ${fix.noWildcardAction}.`,
    ]);
  });

  it("skips a role's inline policy entry that is null and names the others", async () => {
    const violations = await check(iamLeastPrivilege, [
      resource("aws:iam/role:Role", "orders", {
        assumeRolePolicy: "{}",
        inlinePolicies: [
          null,
          {
            name: "admin",
            policy: JSON.stringify({
              Statement: [{ Effect: "Allow", Action: "*", Resource: bucketObjects }],
            }),
          },
        ],
      }),
    ]);
    expect(messages(violations)).to.deep.equal([
      `The role's inline policy "admin", statement 1, allows every action of "*". ${fix.noWildcardAction}.`,
    ]);
  });

  it("does not judge a hook statement whose actions are unknown at preview", async () => {
    const violations = await check(hookStatusScoped, [
      resource("aws:iam/rolePolicy:RolePolicy", "hook", {
        role: "hook-role",
        policy: { Statement: [{ Effect: "Allow", Action: [UNKNOWN_INPUT], Resource: "*" }] },
      }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});
