/**
 * The resources of event sources on the alias (issue 17): queues, mappings, subscriptions,
 * schedules, rules and their grants. Every mapping, subscription, target and permission names the
 * alias ARN (or the function with `qualifier` = alias), never the unqualified function or
 * `$LATEST`: the alias is what a canary or a weighted shift moves, and what the deployment alarms
 * watch (`Resource` = `function:alias`), so these invocations follow a rollout and count in it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EventSources } from "./eventSourceArgs";
import { policyDocument } from "./iam";
import { boundedName, NAME_LIMITS, stackScopedHash } from "./naming";

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
}

/** The event source resources of one function, for outputs and tests. */
export interface CreatedEventSources {
  /** Queues created for `sqs` sources without `queueArn`, by source name. */
  readonly queues: Record<string, aws.sqs.Queue>;
  /** Their dead-letter queues, by source name. */
  readonly deadLetterQueues: Record<string, aws.sqs.Queue>;
  /** Every event source mapping (SQS and DynamoDB), by source name. */
  readonly mappings: Record<string, aws.lambda.EventSourceMapping>;
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
  const created: CreatedEventSources = { queues: {}, deadLetterQueues: {}, mappings: {} };
  const opts = { parent };

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
    new aws.sns.TopicSubscription(
      `${name}-${topic.name}-subscription`,
      {
        // A subscription is created in the topic's region (SNS Subscribe API).
        region: regionOfArn(topic.topicArn),
        topic: topic.topicArn,
        protocol: "lambda",
        endpoint: target.aliasArn,
        filterPolicy: topic.filterPolicy,
      },
      { parent, dependsOn: [permission] },
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
    new aws.cloudwatch.EventTarget(
      `${name}-${rule.name}-target`,
      {
        region,
        rule: eventRule.name,
        eventBusName: rule.eventBusName,
        arn: target.aliasArn,
      },
      { parent, dependsOn: [permission] },
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
