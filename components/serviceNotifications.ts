import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_NOTIFICATIONS_ARGS } from "./argumentShapes";
import { ROUTE53_METRICS_REGION } from "./dashboardBody";
import { ArgumentProblems, isKnown, REGION_PATTERN } from "./validation";

/** Arguments of `ServiceNotifications`. */
export interface ServiceNotificationsArgs {
  /**
   * The regions whose alarms and deployments notify: a topic in each (CloudWatch alarm actions
   * and CodeDeploy triggers name a topic of their own region), and one in us-east-1, where
   * Route 53 health check metrics and so their alarms live.
   */
  readonly regions: string[];
  /**
   * The topics' name, the same in every region (1-256 letters, digits, `-`, `_`).
   * @default the component name
   */
  readonly topicName?: string;
  /**
   * Email addresses subscribed to every topic. Each address gets a confirmation email per
   * topic and receives nothing until it confirms.
   * @default none
   */
  readonly emails?: string[];
  /**
   * HTTPS endpoints subscribed to every topic (they must confirm the subscription:
   * SNS posts a `SubscriptionConfirmation` with a `SubscribeURL`).
   * @default none
   */
  readonly httpsEndpoints?: string[];
  /**
   * Existing SNS topics (e.g. an on-call or chat topic) that receive the same alarms and
   * deployment events as this stack's topic in their region; listed by ARN, each in one of
   * the topic regions. They must allow this account's CloudWatch and CodeDeploy to publish.
   * @default none
   */
  readonly existingTopicArns?: string[];
  /**
   * Tags for every taggable resource.
   * @default none
   */
  readonly tags?: Record<string, pulumi.Input<string>>;
}

const TOPIC_NAME_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const TOPIC_ARN_PATTERN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$/;

/**
 * The topics of `arns` in `region` (an SNS topic ARN names its region: arn:aws:sns:<region>:...).
 */
export function topicsInRegion(
  arns: pulumi.Input<string>[],
  region: pulumi.Input<string>,
): pulumi.Output<string[]> {
  return pulumi
    .all([pulumi.all(arns), region])
    .apply(([known, r]) => known.filter((arn) => arn.split(":")[3] === r));
}

/** Where the notifications of one region go. */
interface RegionTopic {
  readonly key: aws.kms.Key;
  readonly topic: aws.sns.Topic;
}

/**
 * Where a stack's operators hear what happened: a KMS-encrypted SNS topic per region that
 * alarms or deployments notify from (the serving regions, and us-east-1 for Route 53 health
 * check alarms), with the stack's subscriptions. Give `topicArns` to `MultiRegionService`
 * (`notificationTopicArns`): the deployment alarms' state changes, the health check alarms
 * (a region failed over) and CodeDeploy's DeploymentFailure, DeploymentStop and
 * DeploymentRollback events then reach them.
 */
export class ServiceNotifications extends pulumi.ComponentResource {
  /** The stack's topic in each region, by region. */
  readonly topicArns: Record<string, pulumi.Output<string>>;
  /** The topics' name. */
  readonly topicName: string;
  /** The topic regions: the serving regions, then us-east-1 if it is not one of them. */
  readonly regions: string[];
  /**
   * What alarms and triggers in a region notify: this stack's topic there and the existing
   * topics of that region, by region.
   */
  readonly targetArns: Record<string, pulumi.Output<string>[]>;
  /**
   * Every topic notifications go to: this stack's topic in each region and the existing topics.
   * Give it to `MultiRegionService` (`notificationTopicArns`); each region uses its own.
   */
  readonly allTopicArns: pulumi.Output<string>[];
  /** What each subscription is, `email:<address>` / `https:<url>`, for the preview. */
  readonly subscriptions: string[];

  /**
   * @param name The _unique_ name of the component; the topics' name by default.
   * @param args The regions and the subscriptions.
   * @param opts Options for the component.
   */
  constructor(
    name: string,
    args: ServiceNotificationsArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    checkServiceNotificationsArgs(`ServiceNotifications "${name}"`, args, name).throwIfAny();
    super("multiregion-serverless:index:ServiceNotifications", name, {}, opts);

    this.topicName = args.topicName ?? name;
    this.regions = [...args.regions];
    if (!this.regions.includes(ROUTE53_METRICS_REGION)) {
      this.regions.push(ROUTE53_METRICS_REGION);
    }
    const emails = args.emails ?? [];
    const endpoints = args.httpsEndpoints ?? [];
    this.subscriptions = [
      ...emails.map((email) => `email:${email}`),
      ...endpoints.map((url) => `https:${url}`),
    ];
    this.topicArns = {};
    this.targetArns = {};
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    for (const region of this.regions) {
      const { topic } = this.createTopic(name, region, args.tags, identity);
      this.topicArns[region] = topic.arn;
      emails.forEach((email, i) => {
        new aws.sns.TopicSubscription(
          `${name}-${region}-email-${i}`,
          { region, topic: topic.arn, protocol: "email", endpoint: email },
          { parent: this },
        );
      });
      endpoints.forEach((url, i) => {
        new aws.sns.TopicSubscription(
          `${name}-${region}-https-${i}`,
          {
            region,
            topic: topic.arn,
            protocol: "https",
            endpoint: url,
            // Left pending until the endpoint visits SubscribeURL (endpointAutoConfirms would
            // make `pulumi up` wait for, and fail without, the confirmation).
          },
          { parent: this },
        );
      });
      this.targetArns[region] = [
        topic.arn,
        ...(args.existingTopicArns ?? [])
          .filter((arn) => TOPIC_ARN_PATTERN.exec(arn)?.[1] === region)
          .map((arn) => pulumi.output(arn)),
      ];
    }
    this.allTopicArns = [
      ...this.regions.map((region) => this.topicArns[region]),
      ...(args.existingTopicArns ?? []).map((arn) => pulumi.output(arn)),
    ];
    this.registerOutputs({
      topicArns: this.topicArns,
      topicName: this.topicName,
      regions: this.regions,
      subscriptions: this.subscriptions,
    });
  }

  private createTopic(
    name: string,
    region: string,
    tags: Record<string, pulumi.Input<string>> | undefined,
    identity: pulumi.Output<aws.GetCallerIdentityResult>,
  ): RegionTopic {
    const key = new aws.kms.Key(
      `${name}-${region}-key`,
      {
        region,
        description: `Encrypts the ${this.topicName} notifications topic in ${region}`,
        enableKeyRotation: true,
        deletionWindowInDays: 7,
        policy: notificationKeyPolicy(
          // arn:<partition>:sts::<account>:... names the partition.
          identity.arn.apply((arn) => arn.split(":")[1]),
          identity.accountId,
          region,
          this.topicName,
        ),
        tags,
      },
      { parent: this },
    );
    const topic = new aws.sns.Topic(
      `${name}-${region}-topic`,
      { region, name: this.topicName, kmsMasterKeyId: key.arn, tags },
      { parent: this },
    );
    return { key, topic };
  }
}

/**
 * The condition key of the encryption context SNS puts on its KMS requests for a topic encrypted
 * with a customer managed key (`aws:sns:topicArn`: the topic's ARN).
 */
const TOPIC_ENCRYPTION_CONTEXT = "kms:EncryptionContext:aws:sns:topicArn";

/**
 * The key policy of a notification topic's key. SNS Developer Guide, "Data encryption at rest /
 * Managing Amazon SNS encryption keys and costs", section "Enable compatibility between event
 * sources from AWS services and encrypted topics": a service that publishes to a topic encrypted
 * with a customer managed key needs `kms:GenerateDataKey*` and `kms:Decrypt` on it in the key
 * policy; for CloudWatch alarms the principal is `cloudwatch.amazonaws.com` (an AWS managed
 * key cannot be used: its policy cannot be changed). CodeDeploy triggers publish as the
 * deployment group's service role, an IAM principal of the account, which the third statement
 * allows when the call comes through SNS in this region (the conditions of the AWS managed
 * `aws/sns` key's policy: `kms:CallerAccount`, `kms:ViaService`). Both statements for
 * publishers hold to the one topic the key serves through the encryption context SNS itself
 * puts on its KMS requests, `aws:sns:topicArn` (see the CloudWatch statement).
 */
export function notificationKeyPolicy(
  partition: pulumi.Input<string>,
  accountId: pulumi.Input<string>,
  region: string,
  topicName: string,
): pulumi.Output<string> {
  return pulumi.all([partition, accountId]).apply(([p, account]) => {
    const topicArn = `arn:${p}:sns:${region}:${account}:${topicName}`;
    return JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          // The account administers the key through IAM (the default key policy).
          Sid: "AccountAdministers",
          Effect: "Allow",
          Principal: { AWS: `arn:${p}:iam::${account}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CloudWatchAlarmsPublish",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          // SNS Developer Guide ("Enable compatibility between event sources from AWS services
          // and encrypted topics") and AWS Knowledge Center "How do I configure a CloudWatch
          // alarm with an encrypted SNS topic?" (Sid Allow_CloudWatch_for_CMK) grant
          // cloudwatch.amazonaws.com these two actions on "*" without a condition. Narrower
          // forms exist and are used: aws:SourceAccount / aws:SourceArn (AWS MDAA and others),
          // which depend on what CloudWatch's request carries, and no AWS page says it carries
          // them (a condition it does not meet drops every alarm notification silently: the
          // alarm history only says "CloudWatch Alarms does not have authorization to access the
          // SNS topic encryption key"); and the encryption context, which SNS itself sets on
          // every data-key request for a topic, whoever publishes. AWS documents that context
          // for a service principal publishing to an encrypted topic (Amazon GameLift FlexMatch
          // guide, "Set up an SNS topic with server-side encryption":
          // `"StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": "<topic ARN>"}` on
          // gamelift.amazonaws.com), so this statement holds CloudWatch to this one topic. The
          // topic's default policy admits publishers of this account only (AWS:SourceOwner).
          Condition: { StringEquals: { [TOPIC_ENCRYPTION_CONTEXT]: topicArn } },
        },
        {
          Sid: "AccountPublishesThroughSns",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: {
            StringEquals: {
              "kms:CallerAccount": account,
              "kms:ViaService": `sns.${region}.amazonaws.com`,
              [TOPIC_ENCRYPTION_CONTEXT]: topicArn,
            },
          },
        },
      ],
    });
  });
}

/** `dashboardUrl`: a known value must be an https:// address (a console link). */
export function checkDashboardUrl(problems: ArgumentProblems, url: unknown): void {
  if (url === undefined || !isKnown(url)) {
    return;
  }
  if (typeof url !== "string" || !url.startsWith("https://")) {
    problems.add("dashboardUrl", url, "must be an https:// address (ServiceDashboard.url)");
  }
}

/** Known `notificationTopicArns` must be SNS topic ARNs (their region decides where they are used). */
export function checkNotificationTopicArns(problems: ArgumentProblems, arns: unknown): void {
  if (arns === undefined || !isKnown(arns)) {
    return;
  }
  if (!Array.isArray(arns)) {
    problems.add("notificationTopicArns", arns, "must be a list of SNS topic ARNs");
    return;
  }
  arns.forEach((arn, i) => {
    if (typeof arn === "string") {
      problems.check(
        TOPIC_ARN_PATTERN.test(arn),
        `notificationTopicArns[${i}]`,
        arn,
        "must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:orders-staging",
      );
    }
  });
}

/** Checks `ServiceNotificationsArgs`: every problem at once. */
export function checkServiceNotificationsArgs(
  subject: string,
  args: ServiceNotificationsArgs,
  name: string,
  problems = new ArgumentProblems(subject),
): ArgumentProblems {
  // An Output where a known value is needed is reported once, by its key, and left out of
  // the checks below, which check the rest (every problem at once).
  args = problems.requireKnown(args, SERVICE_NOTIFICATIONS_ARGS);
  problems.knownKeys(args, SERVICE_NOTIFICATIONS_ARGS);
  const regions = Array.isArray(args.regions) ? args.regions : [];
  if (regions.length === 0) {
    problems.add("regions", args.regions, "must list at least one region");
  }
  regions.forEach((region, i) =>
    problems.check(
      typeof region === "string" && REGION_PATTERN.test(region),
      `regions[${i}]`,
      region,
      "must be an AWS region name such as us-east-1",
    ),
  );
  const topicName = args.topicName ?? name;
  problems.check(
    TOPIC_NAME_PATTERN.test(topicName),
    args.topicName === undefined ? "topicName (the component name)" : "topicName",
    topicName,
    "must be 1-256 letters, digits, - or _ (SNS CreateTopic)",
  );
  (args.emails ?? []).forEach((email, i) =>
    problems.check(
      typeof email === "string" && EMAIL_PATTERN.test(email),
      `emails[${i}]`,
      email,
      "must be an email address such as oncall@example.com",
    ),
  );
  (args.httpsEndpoints ?? []).forEach((url, i) =>
    problems.check(
      typeof url === "string" && /^https:\/\/[^\s/]+/.test(url),
      `httpsEndpoints[${i}]`,
      url,
      "must be an https:// URL (SNS protocol https)",
    ),
  );
  const topicRegions = new Set([...regions, ROUTE53_METRICS_REGION]);
  (args.existingTopicArns ?? []).forEach((arn, i) => {
    const match = typeof arn === "string" ? TOPIC_ARN_PATTERN.exec(arn) : null;
    if (!match) {
      problems.add(
        `existingTopicArns[${i}]`,
        arn,
        "must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:oncall",
      );
    } else if (!topicRegions.has(match[1])) {
      problems.add(
        `existingTopicArns[${i}]`,
        arn,
        `must be in one of the topic regions (${[...topicRegions].join(", ")}): alarms and CodeDeploy triggers notify topics of their own region`,
      );
    }
  });
  return problems;
}
