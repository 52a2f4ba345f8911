// Operators hear about a rollout that did not end well and about a failover: a KMS-encrypted
// topic per region, subscriptions from the stack, alarm actions on the deployment alarms and the
// health check alarm (us-east-1), and CodeDeploy triggers on the deployment group.
import { expect } from "chai";
import {
  InvalidArgumentsError,
  MultiRegionService,
  notificationKeyPolicy,
  ServiceNotifications,
} from "../../components";
import { promiseOf, runComponent } from "../../testing";
import { shape } from "../multiRegion/fixtures";

const TOPIC = "aws:sns/topic:Topic";
const KEY = "aws:kms/key:Key";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ONCALL = "arn:aws:sns:us-west-2:123456789012:oncall";

function notifiedService() {
  return runComponent(() => {
    const notifications = new ServiceNotifications("orders-staging", {
      regions: ["us-west-2", "eu-west-1"],
      emails: ["oncall@example.com"],
      httpsEndpoints: ["https://hooks.example.com/sns"],
      existingTopicArns: [ONCALL],
    });
    const service = new MultiRegionService("orders", {
      topology: "active-passive",
      primaryRegion: "us-west-2",
      standbyRegions: ["eu-west-1"],
      ...shape,
      notificationTopicArns: notifications.allTopicArns,
    });
    return { notifications, service };
  });
}

describe("ServiceNotifications", () => {
  it("puts a KMS-encrypted topic in every serving region and in us-east-1 (Route 53 metrics)", async () => {
    const { resources, result } = await notifiedService();
    const topics = resources.ofType(TOPIC);
    expect(topics.map((t) => t.region)).to.deep.equal(["us-west-2", "eu-west-1", "us-east-1"]);
    for (const topic of topics) {
      expect(topic.inputs.name).to.equal("orders-staging");
      const key = resources.ofType(KEY).find((k) => k.region === topic.region)!;
      expect(topic.inputs.kmsMasterKeyId, "the topic's own region's key").to.equal(key.outputs.arn);
      expect(key.inputs.enableKeyRotation).to.equal(true);
    }
    expect(Object.keys(result.notifications.topicArns)).to.deep.equal([
      "us-west-2",
      "eu-west-1",
      "us-east-1",
    ]);
  });

  it("lets CloudWatch alarms and the account's principals through SNS use the key for its one topic, nothing else", async () => {
    const policy = JSON.parse(
      await promiseOf(notificationKeyPolicy("aws", "123456789012", "eu-west-1", "orders-staging")),
    );
    const bySid = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
    // AWS's documented statement for CloudWatch alarms publishing to an encrypted topic (SNS
    // Developer Guide, "Enable compatibility between event sources from AWS services and
    // encrypted topics"; AWS Knowledge Center, "How do I configure a CloudWatch alarm with an
    // encrypted SNS topic?"), held to the topic by the encryption context SNS sets on its own
    // KMS requests (AWS GameLift FlexMatch guide, "Set up an SNS topic with server-side
    // encryption": kms:EncryptionContext:aws:sns:topicArn), not by what CloudWatch sends.
    const topicOnly = {
      "kms:EncryptionContext:aws:sns:topicArn": "arn:aws:sns:eu-west-1:123456789012:orders-staging",
    };
    expect(bySid.CloudWatchAlarmsPublish).to.deep.equal({
      Sid: "CloudWatchAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: { StringEquals: topicOnly },
    });
    expect(bySid.AccountPublishesThroughSns.Condition).to.deep.equal({
      StringEquals: {
        "kms:CallerAccount": "123456789012",
        "kms:ViaService": "sns.eu-west-1.amazonaws.com",
        ...topicOnly,
      },
    });
    expect(bySid.AccountAdministers.Principal).to.deep.equal({
      AWS: "arn:aws:iam::123456789012:root",
    });
  });

  it("subscribes the stack's emails and HTTPS endpoints to every topic", async () => {
    const { resources } = await notifiedService();
    const subscriptions = resources.ofType(SUBSCRIPTION);
    expect(subscriptions).to.have.length(6);
    for (const region of ["us-west-2", "eu-west-1", "us-east-1"]) {
      const topicArn = resources.ofType(TOPIC).find((t) => t.region === region)!.outputs.arn;
      expect(
        subscriptions
          .filter((s) => s.region === region)
          .map((s) => [s.inputs.protocol, s.inputs.endpoint, s.inputs.topic]),
      ).to.deep.equal([
        ["email", "oncall@example.com", topicArn],
        ["https", "https://hooks.example.com/sns", topicArn],
      ]);
    }
  });

  it("tells each region's topics when its deployment alarms change state", async () => {
    const { resources } = await notifiedService();
    const deploymentAlarms = resources
      .ofType(ALARM)
      .filter((alarm) => alarm.inputs.namespace === "AWS/Lambda");
    expect(deploymentAlarms.length).to.be.greaterThan(0);
    for (const alarm of deploymentAlarms) {
      const topic = resources.ofType(TOPIC).find((t) => t.region === alarm.region)!.outputs.arn;
      const expected = alarm.region === "us-west-2" ? [topic, ONCALL] : [topic];
      expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal(expected);
      expect(alarm.inputs.okActions, alarm.name).to.deep.equal(expected);
    }
  });

  it("alarms in us-east-1 on each region's HealthCheckStatus, telling the us-east-1 topic", async () => {
    const { resources } = await notifiedService();
    const eastTopic = resources.ofType(TOPIC).find((t) => t.region === "us-east-1")!.outputs.arn;
    const healthAlarms = resources
      .ofType(ALARM)
      .filter((alarm) => alarm.inputs.namespace === "AWS/Route53");
    const checks = resources.ofType("aws:route53/healthCheck:HealthCheck").map((c) => c.id);
    expect(healthAlarms.map((a) => a.inputs.dimensions.HealthCheckId)).to.deep.equal(checks);
    for (const alarm of healthAlarms) {
      expect(alarm.region).to.equal("us-east-1");
      expect(alarm.inputs).to.deep.include({
        metricName: "HealthCheckStatus",
        statistic: "Minimum",
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        alarmActions: [eastTopic],
        okActions: [eastTopic],
      });
    }
  });

  it("triggers on DeploymentFailure, DeploymentStop and DeploymentRollback, and lets the role publish", async () => {
    const { resources } = await notifiedService();
    for (const group of resources.ofType(GROUP)) {
      const topic = resources.ofType(TOPIC).find((t) => t.region === group.region)!.outputs.arn;
      const targets = group.region === "us-west-2" ? [topic, ONCALL] : [topic];
      expect(group.inputs.triggerConfigurations).to.deep.equal(
        targets.map((arn) => ({
          triggerName: `rollout-${arn.split(":")[5]}`,
          triggerEvents: ["DeploymentFailure", "DeploymentStop", "DeploymentRollback"],
          triggerTargetArn: arn,
        })),
      );
      // The policy of the role the group deploys with (the region's shared CodeDeploy role).
      const role = resources
        .ofType("aws:iam/role:Role")
        .find((r) => r.outputs.arn === group.inputs.serviceRoleArn)!;
      const rolePolicy = resources
        .ofType(ROLE_POLICY)
        .find((p) => p.inputs.role === role.outputs.name)!;
      const publish = JSON.parse(rolePolicy.inputs.policy).Statement.find(
        (s: any) => s.Sid === "PublishRolloutEvents",
      );
      expect(publish).to.deep.include({ Action: "sns:Publish", Resource: targets });
    }
  });

  it("without topics, adds no trigger, no alarm action and no health alarm", async () => {
    const { resources } = await runComponent(
      () =>
        new MultiRegionService("orders", {
          topology: "active-passive",
          primaryRegion: "us-west-2",
          standbyRegions: ["eu-west-1"],
          ...shape,
        }),
    );
    for (const group of resources.ofType(GROUP)) {
      expect(group.inputs.triggerConfigurations).to.equal(undefined);
    }
    expect(
      resources.ofType(ALARM).filter((a) => a.inputs.alarmActions !== undefined),
    ).to.deep.equal([]);
    expect(
      resources.ofType(ALARM).filter((a) => a.inputs.namespace === "AWS/Route53"),
    ).to.deep.equal([]);
  });

  it("refuses bad subscriptions and topics before registering anything, naming each", () => {
    expect(
      () =>
        new ServiceNotifications("orders-staging", {
          regions: ["us-west-2"],
          emails: ["oncall"],
          httpsEndpoints: ["http://hooks.example.com"],
          existingTopicArns: ["arn:aws:sns:eu-central-1:123456789012:oncall", "oncall"],
        }),
    )
      .to.throw(InvalidArgumentsError)
      .with.property("message")
      .that.contains('[emails[0]] is "oncall": must be an email address')
      .and.contains('[httpsEndpoints[0]] is "http://hooks.example.com": must be an https:// URL')
      .and.contains("must be in one of the topic regions (us-west-2, us-east-1)")
      .and.contains('[existingTopicArns[1]] is "oncall": must be an SNS topic ARN');
  });
});
