import { expect } from "chai";
import {
  functionUrlRequiresAuth,
  hookStatusScoped,
  iamLeastPrivilege,
  permissionNotPublic,
} from "../../policy/rules";
import { deployerPolicyDocument } from "../../components/deployerPolicy";
import { check, messages, resource, UNKNOWN_INPUT } from "./fixtures";

const POLICY = "aws:iam/policy:Policy";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ROLE = "aws:iam/role:Role";

const tableArn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";
const deploymentGroupArn =
  "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:orders/orders-live";

function document(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

function managedPolicy(name: string, policy: unknown) {
  return resource(POLICY, name, { policy });
}

describe("policy iam-least-privilege", () => {
  it("passes scoped actions and resources, and Resource * for actions without resource-level permissions", async () => {
    const violations = await check(iamLeastPrivilege, [
      managedPolicy(
        "orders",
        document(
          { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem"], Resource: tableArn },
          {
            Effect: "Allow",
            Action: ["xray:PutTraceSegments", "cloudwatch:PutMetricData"],
            Resource: "*",
          },
          { Effect: "Deny", Action: "*", Resource: "*" },
        ),
      ),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("Action * in a managed policy is a mandatory violation", async () => {
    const violations = await check(iamLeastPrivilege, [
      managedPolicy("admin", document({ Effect: "Allow", Action: "*", Resource: tableArn })),
    ]);
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({ enforcementLevel: "mandatory", resourceName: "admin" });
    expect(violations[0].message).to.match(/statement 1, allows every action of "\*"/);
  });

  it("rejects service:* actions in a role policy given as an object document", async () => {
    const violations = await check(iamLeastPrivilege, [
      resource(ROLE_POLICY, "orders", {
        role: "orders-role",
        policy: {
          Version: "2012-10-17",
          Statement: [
            { Sid: "Table", Effect: "Allow", Action: ["dynamodb:*"], Resource: tableArn },
          ],
        },
      }),
    ]);
    expect(violations[0].message).to.match(
      /statement "Table", allows every action of "dynamodb:\*"/,
    );
  });

  it("rejects Resource * for actions that support resource-level permissions, in role inline policies", async () => {
    const violations = await check(iamLeastPrivilege, [
      resource(ROLE, "orders-role", {
        assumeRolePolicy: document({
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
        inlinePolicies: [
          {
            name: "alarms",
            policy: document({
              Effect: "Allow",
              Action: ["cloudwatch:DescribeAlarms", "cloudwatch:GetMetricData"],
              Resource: "*",
            }),
          },
        ],
      }),
    ]);
    expect(messages(violations)).to.have.length(1);
    expect(violations[0].message).to.match(
      /inline policy "alarms", statement 1, grants cloudwatch:DescribeAlarms on Resource "\*"/,
    );
  });

  it("rejects NotAction and NotResource in Allow statements", async () => {
    const violations = await check(iamLeastPrivilege, [
      managedPolicy(
        "broad",
        document({ Effect: "Allow", NotAction: "iam:*", NotResource: tableArn }),
      ),
    ]);
    expect(messages(violations)).to.have.length(2);
  });

  it("passes the deployer policy: CodeDeploy's StopDeployment and target reads accept only *", async () => {
    const violations = await check(iamLeastPrivilege, [
      managedPolicy(
        "deployer",
        JSON.stringify(
          deployerPolicyDocument([
            {
              functionArn: "arn:aws:lambda:us-east-1:123456789012:function:orders",
              applicationName: "orders",
              deploymentGroupName: "orders-live",
              deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
            },
          ]),
        ),
      ),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("honours a custom resourceWildcardActions list", async () => {
    const policy = managedPolicy(
      "ssm",
      document({ Effect: "Allow", Action: "ssm:DescribeParameters", Resource: "*" }),
    );
    expect(await check(iamLeastPrivilege, [policy])).to.have.length(1);
    expect(
      await check(iamLeastPrivilege, [policy], {
        resourceWildcardActions: ["ssm:DescribeParameters"],
      }),
    ).to.deep.equal([]);
  });

  it("does not report documents, actions or resources that are unknown at preview", async () => {
    const violations = await check(iamLeastPrivilege, [
      managedPolicy("whole", UNKNOWN_INPUT),
      resource(ROLE_POLICY, "parts", {
        role: "orders-role",
        policy: {
          Statement: [
            { Effect: "Allow", Action: ["dynamodb:GetItem", UNKNOWN_INPUT], Resource: "*" },
            { Effect: "Allow", Action: "dynamodb:GetItem", Resource: UNKNOWN_INPUT },
            { Effect: UNKNOWN_INPUT, Action: "*", Resource: "*" },
          ],
        },
      }),
      resource(ROLE, "role", { assumeRolePolicy: "{}", inlinePolicies: UNKNOWN_INPUT }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});

describe("policy codedeploy-hook-status-scoped", () => {
  const hookStatement = (resourceArn: unknown) =>
    document({
      Effect: "Allow",
      Action: "codedeploy:PutLifecycleEventHookExecutionStatus",
      Resource: resourceArn,
    });

  it("passes a grant on the deployment group ARN, or on the application's groups", async () => {
    const violations = await check(hookStatusScoped, [
      managedPolicy("hook", hookStatement(deploymentGroupArn)),
      managedPolicy(
        "sam-style",
        hookStatement("arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:orders/*"),
      ),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("a hook allowed to report status on * is a mandatory violation", async () => {
    const violations = await check(hookStatusScoped, [managedPolicy("hook", hookStatement("*"))]);
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({ enforcementLevel: "mandatory" });
    expect(violations[0].message).to.match(/PutLifecycleEventHookExecutionStatus on "\*"/);
  });

  it("rejects an application ARN in place of a deployment group ARN", async () => {
    const violations = await check(hookStatusScoped, [
      managedPolicy(
        "hook",
        hookStatement("arn:aws:codedeploy:us-east-1:123456789012:application:orders"),
      ),
    ]);
    expect(messages(violations)).to.have.length(1);
  });

  it("is not reported twice: iam-least-privilege leaves the hook action to this policy", async () => {
    expect(
      await check(iamLeastPrivilege, [managedPolicy("hook", hookStatement("*"))]),
    ).to.deep.equal([]);
  });

  it("does not report a deployment group ARN that is unknown at preview", async () => {
    const violations = await check(hookStatusScoped, [
      resource(ROLE_POLICY, "hook", {
        role: "hook-role",
        policy: {
          Statement: [
            {
              Effect: "Allow",
              Action: "codedeploy:PutLifecycleEventHookExecutionStatus",
              Resource: UNKNOWN_INPUT,
            },
          ],
        },
      }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});

describe("policy lambda-function-url-requires-auth", () => {
  const url = (authorizationType: unknown) =>
    resource("aws:lambda/functionUrl:FunctionUrl", "orders-url", {
      functionName: "orders",
      authorizationType,
    });

  it("passes an IAM-authorized function URL", async () => {
    expect(await check(functionUrlRequiresAuth, [url("AWS_IAM")])).to.deep.equal([]);
  });

  it("a function URL with authorizationType NONE is a mandatory violation", async () => {
    const violations = await check(functionUrlRequiresAuth, [url("NONE")]);
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({ enforcementLevel: "mandatory", resourceName: "orders-url" });
  });

  it("does not report an authorization type that is unknown at preview", async () => {
    expect(await check(functionUrlRequiresAuth, [url(UNKNOWN_INPUT)])).to.deep.equal([]);
  });
});

describe("policy lambda-permission-not-public", () => {
  const permission = (inputs: Record<string, unknown>) =>
    resource("aws:lambda/permission:Permission", "orders-invoke", {
      action: "lambda:InvokeFunction",
      function: "orders",
      ...inputs,
    });

  it("passes a service principal, and * limited by sourceArn", async () => {
    const violations = await check(permissionNotPublic, [
      permission({ principal: "apigateway.amazonaws.com" }),
      permission({ principal: "*", sourceArn: "arn:aws:execute-api:us-east-1:123456789012:abc/*" }),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("principal * without a sourceArn is a mandatory violation", async () => {
    const violations = await check(permissionNotPublic, [permission({ principal: "*" })]);
    expect(violations).to.have.length(1);
    expect(violations[0].message).to.match(
      /principal "\*" call lambda:InvokeFunction with no sourceArn/,
    );
  });

  it("does not report a principal or source ARN that is unknown at preview", async () => {
    const violations = await check(permissionNotPublic, [
      permission({ principal: UNKNOWN_INPUT }),
      permission({ principal: "*", sourceArn: UNKNOWN_INPUT }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});
