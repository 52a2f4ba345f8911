/**
 * The resources of event sources on the alias (issue 17): queues, mappings, subscriptions,
 * schedules, rules and their grants. Every mapping, subscription, target and permission names the
 * alias ARN (or the function with `qualifier` = alias), never the unqualified function or
 * `$LATEST`: the alias is what a canary or a weighted shift moves, and what the deployment alarms
 * watch (`Resource` = `function:alias`), so these invocations follow a rollout and count in it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DynamoDbStreamSource, EventSources, SqsEventSource } from "./eventSourceArgs";
import { regionCondition, withRegionCondition } from "./eventSourceChecks";
import { policyDocument } from "./iam";
import { boundedName, NAME_LIMITS, stackScopedHash } from "./naming";
import { topicsInRegion } from "./serviceNotifications";

/** What `createEventSources` needs from the function it attaches sources to. */
export interface EventSourceTarget {
  /** The component name the children are named after. */
  readonly name: string;
  readonly parent: pulumi.Resource;
  readonly region: pulumi.Input<string> | undefined;
  readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
  /** The function's timeout in seconds (the created queues' visibility timeout follows it). */
  readonly timeout: number;
  readonly functionName: pulumi.Output<string>;
  readonly aliasName: string;
  readonly aliasArn: pulumi.Output<string>;
  /** The execution role this package created (granted what the mappings read), if any. */
  readonly roleName?: pulumi.Output<string>;
  /** Resources that must exist before Lambda first validates a mapping (the role's policies). */
  readonly dependsOn: pulumi.Resource[];
  /**
   * The stack's notification topics (any region): the alarms on the created dead-letter and
   * failure queues notify those of their own region, like the function's other alarms.
   */
  readonly notificationTopicArns?: pulumi.Input<string>[];
}

/** The event source resources of one function, for outputs and tests. */
export interface CreatedEventSources {
  /** Queues created for `sqs` sources without `queueArn`, by source name. */
  readonly queues: Record<string, aws.sqs.Queue>;
  /** Their dead-letter queues, by source name. */
  readonly deadLetterQueues: Record<string, aws.sqs.Queue>;
  /** Every event source mapping (SQS and DynamoDB), by source name. */
  readonly mappings: Record<string, aws.lambda.EventSourceMapping>;
  /**
   * The dead-letter queues of the asynchronous sources (SNS subscriptions, EventBridge rule
   * targets, schedules), by source name: what the source could not deliver to Lambda.
   */
  readonly sourceDeadLetterQueues: Record<string, aws.sqs.Queue>;
  /** The alias's asynchronous invocation config, when failure handling is on. */
  invokeConfig?: aws.lambda.FunctionEventInvokeConfig;
  /** The queue created as its on-failure destination (no `onFailureDestinationArn`). */
  asyncFailureQueue?: aws.sqs.Queue;
  /**
   * An alarm on the depth of each queue above that this component created (the SQS sources'
   * dead-letter queues, the sources' dead-letter queues, the failure queue): operational alarms,
   * not deployment (rollback) alarms.
   */
  readonly queueAlarms: aws.cloudwatch.MetricAlarm[];
}

/** Whether the function has a source Lambda invokes it from asynchronously. */
export function hasAsyncSources(sources: EventSources): boolean {
  return (
    (sources.sns?.length ?? 0) +
      (sources.schedules?.length ?? 0) +
      (sources.eventRules?.length ?? 0) >
    0
  );
}

/**
 * Whether the alias gets an asynchronous invocation config: when the function has an asynchronous
 * source or `asyncInvocation` is given, unless it is turned off.
 */
export function asyncInvocationEnabled(sources: EventSources): boolean {
  return (
    sources.asyncInvocation?.enabled ??
    (hasAsyncSources(sources) || sources.asyncInvocation !== undefined)
  );
}

/**
 * The filter patterns of a mapping (`FilterCriteria.Filters[].Pattern`), or none. Lambda sends an
 * event that matches at least one filter (Lambda Developer Guide, "Control which events Lambda
 * sends to your function"), so `regionAttribute`'s condition is ANDed into each pattern, and is
 * a filter of its own only when there are no patterns: a filter beside them would let every
 * region handle every event the other patterns match.
 */
function filterCriteriaOf(
  source: SqsEventSource | DynamoDbStreamSource,
): aws.types.input.lambda.EventSourceMappingFilterCriteria | undefined {
  const given = (source.filterPatterns ?? []) as string[];
  const attribute = "regionAttribute" in source ? source.regionAttribute : undefined;
  let patterns: pulumi.Input<string>[] = given;
  if (attribute !== undefined) {
    // The stream's own region is the function's (checked): a replica's stream names its region.
    const region = regionOfArn((source as DynamoDbStreamSource).streamArn!);
    patterns =
      given.length === 0
        ? [region.apply((name) => JSON.stringify(regionCondition(attribute, name)))]
        : given.map((pattern) =>
            region.apply((name) =>
              JSON.stringify(withRegionCondition(JSON.parse(pattern), attribute, name)),
            ),
          );
  }
  return patterns.length > 0 ? { filters: patterns.map((pattern) => ({ pattern })) } : undefined;
}

/** The region part of an ARN (`arn:aws:sns:<region>:...`). */
function regionOfArn(arn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(arn).apply((value) => value.split(":")[3]);
}

/** SNS for a topic ARN, SQS otherwise: what sending a record to the destination takes. */
function sendAction(arn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi
    .output(arn)
    .apply((value) => (value.split(":")[2] === "sns" ? "sns:Publish" : "sqs:SendMessage"));
}

/** Retention of every queue of failed events: SQS's longest, 14 days (SQS CreateQueue API reference). */
const FAILED_EVENTS_RETENTION_SECONDS = 1209600;

/**
 * An alarm on a queue of failed events: any message visible means events were given up on
 * (`AWS/SQS` `ApproximateNumberOfMessagesVisible` > 0, per queue, in the queue's region). SQS
 * publishes a queue's metrics only while it is active, up to six hours after its last activity
 * (SQS Developer Guide, "Monitoring Amazon SQS queues using CloudWatch" and "Available CloudWatch
 * metrics for Amazon SQS": metrics are emitted only when the queue is active), and nothing polls
 * these queues: six hours after the last failed event arrived, the metric stops while the
 * messages stay (up to 14 days). Missing data is therefore ignored, not "not breaching": the alarm
 * keeps its state through the gap (ALARM while failed events wait, OK while the queue sits empty)
 * instead of telling on-call it is resolved. An operational alarm (it notifies the stack's topics
 * of that region), not a deployment alarm: messages left from an earlier incident would stop
 * and roll back every later deployment until someone emptied the queue.
 */
function queueDepthAlarm(
  logicalName: string,
  queue: aws.sqs.Queue,
  what: string,
  region: pulumi.Input<string> | undefined,
  target: EventSourceTarget,
): aws.cloudwatch.MetricAlarm {
  const topics =
    target.notificationTopicArns && target.notificationTopicArns.length > 0
      ? topicsInRegion(
          target.notificationTopicArns,
          region ?? queue.arn.apply((arn) => arn.split(":")[3]),
        )
      : undefined;
  return new aws.cloudwatch.MetricAlarm(
    `${logicalName}-messages`,
    {
      region,
      name: boundedName(`${logicalName}-messages`, NAME_LIMITS.metricAlarm),
      alarmDescription: pulumi.interpolate`${what} in queue ${queue.name}: inspect them and redrive or delete them.`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: queue.name },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "ignore",
      ...(topics ? { alarmActions: topics, okActions: topics } : {}),
      tags: target.tags,
    },
    { parent: target.parent },
  );
}

/**
 * A standard queue of failed events (the sources' dead-letter queues and the on-failure
 * destination): 14 days' retention, SQS-managed encryption, and an alarm on its depth. SSE-SQS
 * uses keys SQS owns, with no KMS key policy for the senders to need (SQS Developer Guide,
 * "Encryption at rest in Amazon SQS"); a queue encrypted with KMS takes events from SNS,
 * EventBridge or Scheduler only through a customer managed key whose policy lets that service
 * use it, never the AWS managed `aws/sqs` key, whose policy cannot be changed (SQS Developer
 * Guide, "Amazon SQS key management", compatibility between AWS services event sources and
 * encrypted queues). Standard, as EventBridge Scheduler takes no
 * FIFO dead-letter queue (EventBridge Scheduler User Guide, "Configuring a schedule's
 * dead-letter queue").
 */
function failedEventsQueue(
  logicalName: string,
  what: string,
  region: pulumi.Input<string> | undefined,
  target: EventSourceTarget,
  created: CreatedEventSources,
): aws.sqs.Queue {
  const queue = new aws.sqs.Queue(
    logicalName,
    {
      region,
      name: boundedName(logicalName, NAME_LIMITS.sqsQueue),
      messageRetentionSeconds: FAILED_EVENTS_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
      tags: target.tags,
    },
    { parent: target.parent },
  );
  created.queueAlarms.push(queueDepthAlarm(logicalName, queue, what, region, target));
  return queue;
}

/**
 * The queue policy letting one AWS service send to a dead-letter queue for one source only
 * (`aws:SourceArn`, confused deputy prevention): EventBridge for a rule (EventBridge User Guide,
 * "Granting permissions to the dead-letter queue"), SNS for a topic (SNS Developer Guide,
 * "Configuring an Amazon SNS dead-letter queue for a subscription").
 */
function serviceMaySend(
  logicalName: string,
  queue: aws.sqs.Queue,
  service: string,
  sourceArn: pulumi.Input<string>,
  region: pulumi.Input<string> | undefined,
  parent: pulumi.Resource,
): aws.sqs.QueuePolicy {
  return new aws.sqs.QueuePolicy(
    logicalName,
    {
      region,
      queueUrl: queue.url,
      policy: policyDocument([
        {
          Sid: "SourceSendsUndeliveredEvents",
          Effect: "Allow",
          Principal: { Service: service },
          Action: "sqs:SendMessage",
          Resource: queue.arn,
          Condition: { ArnEquals: { "aws:SourceArn": sourceArn } },
        },
      ]),
    },
    { parent },
  );
}

/**
 * Creates the event sources of a function, every one on the alias, with least-privilege grants:
 * the execution role reads exactly the queues and streams it is fed from (and sends to the
 * on-failure destinations), each push source may invoke the alias only, from that source only.
 * Inputs were checked by `checkEventSources`.
 */
export function createEventSources(
  target: EventSourceTarget,
  sources: EventSources,
): CreatedEventSources {
  const { name, parent, region, tags } = target;
  const created: CreatedEventSources = {
    queues: {},
    deadLetterQueues: {},
    mappings: {},
    sourceDeadLetterQueues: {},
    queueAlarms: [],
  };
  const opts = { parent };
  const asyncInvocation = sources.asyncInvocation ?? {};
  const handleAsyncFailures = asyncInvocationEnabled(sources);
  const sourceDeadLetters = handleAsyncFailures && (asyncInvocation.sourceDeadLetterQueues ?? true);

  // Queues first: the execution role's grant names their ARNs.
  const queueArns: Record<string, pulumi.Input<string>> = {};
  for (const queue of sources.sqs ?? []) {
    if (queue.queueArn !== undefined) {
      queueArns[queue.name] = queue.queueArn;
      continue;
    }
    const fifo = queue.fifo ?? false;
    // FIFO queue names must end in `.fifo` and hold at most 80 characters (SQS CreateQueue API
    // reference, QueueName), so they are explicit, stack-scoped like auto-names; and a
    // FIFO queue's dead-letter queue must be FIFO too (SQS Developer Guide, dead-letter queues).
    const fifoName = (logical: string): string | undefined =>
      fifo ? `${logical.slice(0, 67)}-${stackScopedHash(logical)}.fifo` : undefined;
    const deadLetterQueue = new aws.sqs.Queue(
      `${name}-${queue.name}-dlq`,
      {
        region,
        name:
          fifoName(`${name}-${queue.name}-dlq`) ??
          boundedName(`${name}-${queue.name}-dlq`, NAME_LIMITS.sqsQueue),
        fifoQueue: fifo || undefined,
        // Longer than the source queue's retention (4 days by default), so a message moved there
        // late does not expire at once (SQS Developer Guide, "Using dead-letter queues").
        messageRetentionSeconds: 1209600,
        sqsManagedSseEnabled: true,
        tags,
      },
      opts,
    );
    const sourceQueue = new aws.sqs.Queue(
      `${name}-${queue.name}-queue`,
      {
        region,
        name:
          fifoName(`${name}-${queue.name}-queue`) ??
          boundedName(`${name}-${queue.name}-queue`, NAME_LIMITS.sqsQueue),
        fifoQueue: fifo || undefined,
        // Lambda Developer Guide ("Creating and configuring an Amazon SQS event source mapping",
        // Batch window): six times the function timeout, so a throttled batch can be retried
        // before it reappears, plus MaximumBatchingWindowInSeconds, as a message's visibility
        // clock starts while Lambda still gathers the batch (FIFO queues take no window).
        visibilityTimeoutSeconds:
          queue.visibilityTimeoutSeconds ??
          target.timeout * 6 + (fifo ? 0 : (queue.maximumBatchingWindowSeconds ?? 0)),
        redrivePolicy: pulumi.jsonStringify({
          deadLetterTargetArn: deadLetterQueue.arn,
          maxReceiveCount: queue.maxReceiveCount ?? 5,
        }),
        sqsManagedSseEnabled: true,
        tags,
      },
      opts,
    );
    created.queues[queue.name] = sourceQueue;
    created.deadLetterQueues[queue.name] = deadLetterQueue;
    created.queueAlarms.push(
      queueDepthAlarm(
        `${name}-${queue.name}-dlq`,
        deadLetterQueue,
        "Messages the function failed maxReceiveCount times",
        region,
        target,
      ),
    );
    queueArns[queue.name] = sourceQueue.arn;
  }

  // The execution role reads what its mappings poll: Lambda checks these permissions when the
  // mapping is created (AWSLambdaSQSQueueExecutionRole: ReceiveMessage, DeleteMessage,
  // GetQueueAttributes; AWSLambdaDynamoDBExecutionRole and the DynamoDB Developer Guide's
  // Lambda stream policy: DescribeStream, GetRecords, GetShardIterator, ListStreams).
  const streams = sources.dynamodbStreams ?? [];
  const statements: pulumi.Input<aws.iam.PolicyStatement>[] = [];
  if (Object.keys(queueArns).length > 0) {
    statements.push({
      Sid: "ReadEventSourceQueues",
      Effect: "Allow",
      Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
      Resource: Object.values(queueArns),
    });
  }
  if (streams.length > 0) {
    statements.push(
      {
        Sid: "ReadEventSourceStreams",
        Effect: "Allow",
        Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        Resource: streams.map((stream) => stream.streamArn!),
      },
      {
        Sid: "ListStreams",
        Effect: "Allow",
        // The Service Authorization Reference lists no resource type for ListStreams: it takes
        // "*" only (AWS CDK's grantStreamRead grants it the same way). It lists stream ARNs.
        Action: "dynamodb:ListStreams",
        Resource: "*",
      },
    );
    const destinations = streams
      .map((stream) => stream.onFailureDestinationArn)
      .filter((arn): arn is pulumi.Input<string> => arn !== undefined);
    destinations.forEach((arn, index) =>
      statements.push({
        Sid: `SendToOnFailureDestination${index}`,
        Effect: "Allow",
        Action: sendAction(arn),
        Resource: arn,
      }),
    );
  }
  // Lambda sends an event it gave up on to the on-failure destination with the function's
  // execution role (Lambda Developer Guide, "Capturing records of Lambda asynchronous
  // invocations": sqs:SendMessage for a queue, sns:Publish for a topic).
  let failureDestination: pulumi.Input<string> | undefined;
  if (handleAsyncFailures) {
    if (asyncInvocation.onFailureDestinationArn !== undefined) {
      failureDestination = asyncInvocation.onFailureDestinationArn;
    } else {
      created.asyncFailureQueue = failedEventsQueue(
        `${name}-async-failures`,
        "Asynchronous events the function failed (after its retries) or that grew too old",
        region,
        target,
        created,
      );
      failureDestination = created.asyncFailureQueue.arn;
    }
    statements.push({
      Sid: "SendToAsyncFailureDestination",
      Effect: "Allow",
      Action: sendAction(failureDestination),
      Resource: failureDestination,
    });
  }
  const rolePolicy =
    target.roleName && statements.length > 0
      ? new aws.iam.RolePolicy(
          `${name}-event-sources-policy`,
          { role: target.roleName, policy: policyDocument(statements) },
          opts,
        )
      : undefined;
  const mappingOpts = {
    parent,
    dependsOn: [...target.dependsOn, ...(rolePolicy ? [rolePolicy] : [])],
  };

  if (failureDestination !== undefined) {
    // On the alias (`qualifier`), like every source: the config follows the alias through a
    // shift. Lambda checks the execution role may send to the destination when the config is
    // put, hence after the role's policy (PutFunctionEventInvokeConfig API reference).
    created.invokeConfig = new aws.lambda.FunctionEventInvokeConfig(
      `${name}-async-invocation`,
      {
        region,
        functionName: target.functionName,
        qualifier: target.aliasName,
        maximumRetryAttempts: asyncInvocation.maximumRetryAttempts ?? 2,
        maximumEventAgeInSeconds: asyncInvocation.maximumEventAgeSeconds ?? 21600,
        destinationConfig: { onFailure: { destination: failureDestination } },
      },
      mappingOpts,
    );
  }

  for (const queue of sources.sqs ?? []) {
    const fifo =
      queue.fifo === true ||
      (typeof queue.queueArn === "string" && queue.queueArn.endsWith(".fifo"));
    created.mappings[queue.name] = new aws.lambda.EventSourceMapping(
      `${name}-${queue.name}-mapping`,
      {
        region,
        eventSourceArn: queueArns[queue.name],
        // The alias ARN: the alias's weights (or CodeDeploy) decide which version gets a batch.
        functionName: target.aliasArn,
        batchSize: queue.batchSize ?? 10,
        maximumBatchingWindowInSeconds: fifo
          ? undefined
          : (queue.maximumBatchingWindowSeconds ?? 0),
        functionResponseTypes:
          (queue.reportBatchItemFailures ?? true) ? ["ReportBatchItemFailures"] : [],
        scalingConfig:
          queue.maximumConcurrency !== undefined
            ? { maximumConcurrency: queue.maximumConcurrency }
            : undefined,
        // No destinationConfig: SQS mappings have no on-failure destination (Lambda Developer
        // Guide, SQS parameters); failed messages go to the queue's redrive dead-letter queue.
        filterCriteria: filterCriteriaOf(queue),
        tags,
      },
      mappingOpts,
    );
  }

  for (const stream of streams) {
    created.mappings[stream.name] = new aws.lambda.EventSourceMapping(
      `${name}-${stream.name}-mapping`,
      {
        region,
        eventSourceArn: stream.streamArn!,
        functionName: target.aliasArn,
        startingPosition: stream.startingPosition ?? "LATEST",
        batchSize: stream.batchSize ?? 100,
        maximumBatchingWindowInSeconds: stream.maximumBatchingWindowSeconds ?? 0,
        bisectBatchOnFunctionError: stream.bisectBatchOnFunctionError ?? true,
        maximumRetryAttempts: stream.maximumRetryAttempts ?? 3,
        maximumRecordAgeInSeconds: stream.maximumRecordAgeSeconds ?? 86400,
        functionResponseTypes:
          (stream.reportBatchItemFailures ?? true) ? ["ReportBatchItemFailures"] : [],
        destinationConfig: stream.onFailureDestinationArn
          ? { onFailure: { destinationArn: stream.onFailureDestinationArn } }
          : undefined,
        filterCriteria: filterCriteriaOf(stream),
        tags,
      },
      mappingOpts,
    );
  }

  for (const topic of sources.sns ?? []) {
    // Only this topic may invoke, and only the alias (`qualifier`).
    const permission = new aws.lambda.Permission(
      `${name}-${topic.name}-permission`,
      {
        region,
        action: "lambda:InvokeFunction",
        function: target.functionName,
        qualifier: target.aliasName,
        principal: "sns.amazonaws.com",
        sourceArn: topic.topicArn,
      },
      opts,
    );
    // A subscription is created in the topic's region (SNS Subscribe API), and its dead-letter
    // queue must be in the subscription's account and region (SNS Developer Guide, "Amazon SNS
    // dead-letter queues"), so both are in the topic's region.
    const topicRegion = regionOfArn(topic.topicArn);
    let redrivePolicy: pulumi.Output<string> | undefined;
    const subscriptionDependsOn: pulumi.Resource[] = [permission];
    if (sourceDeadLetters) {
      const deadLetterQueue = failedEventsQueue(
        `${name}-${topic.name}-dlq`,
        "Messages SNS could not deliver to the function",
        topicRegion,
        target,
        created,
      );
      created.sourceDeadLetterQueues[topic.name] = deadLetterQueue;
      subscriptionDependsOn.push(
        serviceMaySend(
          `${name}-${topic.name}-dlq-policy`,
          deadLetterQueue,
          "sns.amazonaws.com",
          topic.topicArn,
          topicRegion,
          parent,
        ),
      );
      redrivePolicy = pulumi.jsonStringify({ deadLetterTargetArn: deadLetterQueue.arn });
    }
    new aws.sns.TopicSubscription(
      `${name}-${topic.name}-subscription`,
      {
        region: topicRegion,
        topic: topic.topicArn,
        protocol: "lambda",
        endpoint: target.aliasArn,
        filterPolicy: topic.filterPolicy,
        redrivePolicy,
      },
      { parent, dependsOn: subscriptionDependsOn },
    );
  }

  const schedules = sources.schedules ?? [];
  if (schedules.length > 0) {
    // EventBridge Scheduler invokes with a role of its own (EventBridge Scheduler User Guide,
    // "Set up the execution role"): allowed to invoke this alias and nothing else.
    const schedulerRole = new aws.iam.Role(
      `${name}-scheduler-role`,
      {
        name: boundedName(`${name}-scheduler-role`, NAME_LIMITS.iamRole),
        // Confused deputy prevention (EventBridge Scheduler User Guide, "Cross-service confused
        // deputy prevention"): Scheduler may assume the role only for schedules of this account's
        // default schedule group in this region (the group the schedules below are created in).
        assumeRolePolicy: pulumi.output(target.aliasArn).apply((aliasArn) => {
          const [, partition, , aliasRegion, account] = aliasArn.split(":");
          return JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "scheduler.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                  StringEquals: {
                    "aws:SourceAccount": account,
                    "aws:SourceArn": `arn:${partition}:scheduler:${aliasRegion}:${account}:schedule-group/default`,
                  },
                },
              },
            ],
          });
        }),
        tags,
      },
      opts,
    );
    // Scheduler sends what it could not deliver to a schedule's dead-letter queue with the
    // schedule's execution role, which needs sqs:SendMessage on it (EventBridge Scheduler User
    // Guide, "Configuring a schedule's dead-letter queue": execution role permissions; no queue
    // policy is involved).
    const scheduleDeadLetterQueues: Record<string, aws.sqs.Queue> = {};
    if (sourceDeadLetters) {
      for (const schedule of schedules) {
        scheduleDeadLetterQueues[schedule.name] = failedEventsQueue(
          `${name}-${schedule.name}-dlq`,
          "Invocations EventBridge Scheduler could not deliver to the function",
          region,
          target,
          created,
        );
        created.sourceDeadLetterQueues[schedule.name] = scheduleDeadLetterQueues[schedule.name];
      }
    }
    const deadLetterArns = Object.values(scheduleDeadLetterQueues).map((queue) => queue.arn);
    const schedulerPolicy = new aws.iam.RolePolicy(
      `${name}-scheduler-role-policy`,
      {
        role: schedulerRole.name,
        policy: policyDocument([
          {
            Sid: "InvokeAliasOnly",
            Effect: "Allow",
            Action: "lambda:InvokeFunction",
            Resource: target.aliasArn,
          },
          ...(deadLetterArns.length > 0
            ? [
                {
                  Sid: "SendUndeliveredToDeadLetterQueues",
                  Effect: "Allow" as const,
                  Action: "sqs:SendMessage",
                  Resource: deadLetterArns,
                },
              ]
            : []),
        ]),
      },
      opts,
    );
    for (const schedule of schedules) {
      new aws.scheduler.Schedule(
        `${name}-${schedule.name}-schedule`,
        {
          region,
          name: boundedName(`${name}-${schedule.name}-schedule`, NAME_LIMITS.schedule),
          scheduleExpression: schedule.expression,
          scheduleExpressionTimezone: schedule.timezone ?? "UTC",
          // Required by the API; OFF invokes at the scheduled time exactly.
          flexibleTimeWindow: { mode: "OFF" },
          state: (schedule.enabled ?? true) ? "ENABLED" : "DISABLED",
          target: {
            arn: target.aliasArn,
            roleArn: schedulerRole.arn,
            input: schedule.input ?? "{}",
            deadLetterConfig: scheduleDeadLetterQueues[schedule.name]
              ? { arn: scheduleDeadLetterQueues[schedule.name].arn }
              : undefined,
          },
        },
        { parent, dependsOn: [schedulerPolicy] },
      );
    }
  }

  for (const rule of sources.eventRules ?? []) {
    const eventRule = new aws.cloudwatch.EventRule(
      `${name}-${rule.name}-rule`,
      {
        region,
        name: boundedName(`${name}-${rule.name}-rule`, NAME_LIMITS.eventRule),
        eventBusName: rule.eventBusName,
        eventPattern: rule.eventPattern,
        scheduleExpression: rule.scheduleExpression,
        tags,
      },
      opts,
    );
    // EventBridge invokes through the function's resource policy: this rule, this alias only.
    const permission = new aws.lambda.Permission(
      `${name}-${rule.name}-permission`,
      {
        region,
        action: "lambda:InvokeFunction",
        function: target.functionName,
        qualifier: target.aliasName,
        principal: "events.amazonaws.com",
        sourceArn: eventRule.arn,
      },
      opts,
    );
    let deadLetterConfig: { arn: pulumi.Output<string> } | undefined;
    const targetDependsOn: pulumi.Resource[] = [permission];
    if (sourceDeadLetters) {
      // EventBridge sends what it could not deliver (after its retries) to the target's
      // dead-letter queue, a standard queue of the rule's account and region, through the queue's
      // policy (EventBridge User Guide, "Using dead-letter queues to process undelivered events").
      const deadLetterQueue = failedEventsQueue(
        `${name}-${rule.name}-dlq`,
        "Events EventBridge could not deliver to the function",
        region,
        target,
        created,
      );
      created.sourceDeadLetterQueues[rule.name] = deadLetterQueue;
      targetDependsOn.push(
        serviceMaySend(
          `${name}-${rule.name}-dlq-policy`,
          deadLetterQueue,
          "events.amazonaws.com",
          eventRule.arn,
          region,
          parent,
        ),
      );
      deadLetterConfig = { arn: deadLetterQueue.arn };
    }
    new aws.cloudwatch.EventTarget(
      `${name}-${rule.name}-target`,
      {
        region,
        rule: eventRule.name,
        eventBusName: rule.eventBusName,
        arn: target.aliasArn,
        deadLetterConfig,
      },
      { parent, dependsOn: targetDependsOn },
    );
  }
  return created;
}

/**
 * `sources` with each `serviceTable` stream given the service's table stream ARN in the
 * function's region (RegionalService passes its table's `streamArn`).
 */
export function withServiceTableStream(
  sources: EventSources,
  streamArn: pulumi.Input<string> | undefined,
): EventSources {
  if (!sources.dynamodbStreams?.some((stream) => stream.serviceTable)) return sources;
  return {
    ...sources,
    dynamodbStreams: sources.dynamodbStreams.map(({ serviceTable, ...stream }) =>
      serviceTable ? { ...stream, streamArn: streamArn! } : stream,
    ),
  };
}
