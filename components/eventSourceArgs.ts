/**
 * The arguments of event sources on the alias (issue 17): one interface per source kind, one
 * list per kind in `EventSources` (a package schema has no unions). Checks are in
 * eventSourceChecks.ts, the resources in eventSourceResources.ts.
 */
import * as pulumi from "@pulumi/pulumi";

/** Where a DynamoDB stream mapping starts reading. */
export const StreamStartingPosition = { Latest: "LATEST", TrimHorizon: "TRIM_HORIZON" } as const;

/** Where a DynamoDB stream mapping starts reading. */
export type StreamStartingPosition =
  (typeof StreamStartingPosition)[keyof typeof StreamStartingPosition];

/** An SQS queue whose messages invoke the alias through a Lambda event source mapping. */
export interface SqsEventSource {
  /** Short name of the source (letters, digits, `-`, starting with a letter); children are named after it. */
  readonly name: string;
  /**
   * ARN of an existing queue in the function's region (Lambda polls queues of its own region
   * only). Its redrive policy should send failed messages to a dead-letter queue, and its
   * visibility timeout be at least six times the function timeout plus the batching window
   * (Lambda Developer Guide, "Creating and configuring an Amazon SQS event source mapping"); a
   * customer-managed KMS key needs `kms:Decrypt` for the execution role (`policyStatements`).
   * A name ending `.fifo` marks a FIFO queue.
   * @default a queue created for this function, with a dead-letter queue and a redrive policy
   */
  readonly queueArn?: pulumi.Input<string>;
  /**
   * The created queue is a FIFO queue (ordered per message group, batch size at most 10, no
   * batching window). Only for a created queue; an existing one is FIFO when its ARN ends `.fifo`.
   * @default false
   */
  readonly fifo?: boolean;
  /**
   * Messages per invocation: 1-10000 for a standard queue, 1-10 for FIFO; above 10 needs
   * `maximumBatchingWindowSeconds` of at least 1 (Lambda Developer Guide, SQS parameters).
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Seconds Lambda gathers messages before invoking, 0-300 (not for FIFO queues).
   * @default 0
   */
  readonly maximumBatchingWindowSeconds?: number;
  /**
   * Most concurrent invocations this queue drives, 2-1000 (`ScalingConfig.MaximumConcurrency`).
   * @default no limit beyond the function's concurrency
   */
  readonly maximumConcurrency?: number;
  /**
   * The handler returns `{ batchItemFailures: [{ itemIdentifier }] }` so only the failed
   * messages return to the queue (`FunctionResponseTypes: ["ReportBatchItemFailures"]`).
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;
  /**
   * Lambda event filter patterns (JSON objects, e.g. `{"body":{"kind":["import"]}}`): only
   * messages matching one of them invoke the function; the others are deleted from the queue
   * without an invocation (Lambda Developer Guide, "Control which events Lambda sends to your
   * function"). At most 5 (Lambda quotas: filters per event source mapping), each at most 4096
   * characters with every value to match in a list (Lambda filter rule syntax).
   * @default every message
   */
  readonly filterPatterns?: string[];
  /**
   * Visibility timeout of the created queue, in seconds: at least the function timeout (Lambda
   * refuses a mapping otherwise), at most 43200.
   * @default six times the function timeout plus `maximumBatchingWindowSeconds` (Lambda Developer Guide recommendation)
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Receives before the created queue moves a message to its dead-letter queue, 1-1000.
   * @default 5 (Lambda Developer Guide: at least 5, so throttled batches are retried)
   */
  readonly maxReceiveCount?: number;
}

/** An SNS topic whose messages invoke the alias. */
export interface SnsEventSource {
  /** Short name of the source; children are named after it. */
  readonly name: string;
  /**
   * ARN of a standard topic (a FIFO topic delivers to SQS queues only). The dead-letter queue is
   * created in this account, in the topic's region: SNS needs it in the subscription's account
   * and region. A plain string is checked when the component is constructed; an Output is not.
   */
  readonly topicArn: pulumi.Input<string>;
  /**
   * SNS subscription filter policy (JSON), so only matching messages invoke the function.
   * @default every message
   */
  readonly filterPolicy?: pulumi.Input<string>;
}

/** An EventBridge Scheduler schedule that invokes the alias. */
export interface ScheduleEventSource {
  /** Short name of the schedule; children are named after it. */
  readonly name: string;
  /**
   * `rate(5 minutes)`, `cron(0 12 * * ? *)` or `at(2030-01-01T00:00:00)` (EventBridge Scheduler
   * User Guide, "Schedule types").
   */
  readonly expression: string;
  /**
   * IANA time zone of `cron` and `at` expressions, e.g. `Europe/Paris` (as IANA writes it).
   * @default "UTC"
   */
  readonly timezone?: string;
  /**
   * The event the function receives (JSON).
   * @default "{}"
   */
  readonly input?: pulumi.Input<string>;
  /**
   * Whether the schedule runs.
   * @default true
   */
  readonly enabled?: boolean;
}

/** An EventBridge rule (an event pattern or a schedule) whose target is the alias. */
export interface EventRuleSource {
  /** Short name of the rule; children are named after it. */
  readonly name: string;
  /**
   * The event pattern (JSON). Exactly one of `eventPattern` and `scheduleExpression`.
   * @default none
   */
  readonly eventPattern?: pulumi.Input<string>;
  /**
   * `rate(...)` or `cron(...)` (EventBridge User Guide, "Schedule expressions for rules"; only on
   * the default bus). Exactly one of `eventPattern` and `scheduleExpression`.
   * @default none
   */
  readonly scheduleExpression?: string;
  /**
   * The event bus of the rule.
   * @default "default"
   */
  readonly eventBusName?: pulumi.Input<string>;
}

/** A DynamoDB stream whose records invoke the alias through a Lambda event source mapping. */
export interface DynamoDbStreamSource {
  /** Short name of the source; children are named after it. */
  readonly name: string;
  /**
   * ARN of the stream (`arn:...:table/<name>/stream/<label>`). Exactly one of `streamArn` and
   * `serviceTable`.
   * @default none
   */
  readonly streamArn?: pulumi.Input<string>;
  /**
   * Read the stream of the service's table in the function's own region (a MultiRegionService's
   * global table: each region reads its own replica's stream). In a RegionalService or
   * MultiRegionService with a table only.
   * @default false
   */
  readonly serviceTable?: boolean;
  /**
   * Where a new mapping starts reading.
   * @default "LATEST"
   */
  readonly startingPosition?: StreamStartingPosition;
  /**
   * Records per invocation, 1-10000.
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Seconds Lambda gathers records before invoking, 0-300.
   * @default 0
   */
  readonly maximumBatchingWindowSeconds?: number;
  /**
   * Split a failing batch in two and retry each half, to isolate a bad record.
   * @default true
   */
  readonly bisectBatchOnFunctionError?: boolean;
  /**
   * Retries of a failing batch, -1 (until the record expires) to 10000.
   * @default 3
   */
  readonly maximumRetryAttempts?: number;
  /**
   * Oldest record sent to the function, in seconds: -1 (no limit) or 60-604800.
   * @default 86400 (one day)
   */
  readonly maximumRecordAgeSeconds?: number;
  /**
   * SQS queue or SNS topic ARN that gets a record of each batch given up on (the on-failure
   * destination of the mapping); the execution role is allowed to send to it.
   * @default none
   */
  readonly onFailureDestinationArn?: pulumi.Input<string>;
  /**
   * The handler returns `{ batchItemFailures: [{ itemIdentifier }] }` to retry from the first
   * failed record only (`FunctionResponseTypes: ["ReportBatchItemFailures"]`).
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;
  /**
   * Lambda event filter patterns (JSON objects, e.g. `{"eventName":["INSERT"]}`): only records
   * matching one of them invoke the function; the others are skipped (Lambda Developer Guide,
   * "Control which events Lambda sends to your function"). At most 5 (Lambda quotas: filters per
   * event source mapping), each at most 4096 characters with every value to match in a list.
   * @default every record
   */
  readonly filterPatterns?: string[];
  /**
   * Keep only the records whose new image's string attribute of this name is the function's own
   * region: `{"dynamodb":{"NewImage":{"<attribute>":{"S":["<region>"]}}}}`, merged into each of
   * `filterPatterns` (a record must match both), or the only filter without them. For
   * a global table's replica stream, which shows every region's writes in every region, so each
   * change is handled once, in the region that wrote it (the writer must set the attribute;
   * deletes, which have no new image, are dropped too).
   * @default every region's records
   */
  readonly regionAttribute?: string;
}

/**
 * What happens to an event of an asynchronous source (SNS, EventBridge rules, EventBridge
 * Scheduler) that does not reach the function or that the function fails: Lambda's asynchronous
 * invocation config on the alias (retries, event age, on-failure destination) and each source's
 * own dead-letter queue for what it could not deliver to Lambda.
 */
export interface AsyncInvocation {
  /**
   * Configure it: an `aws.lambda.FunctionEventInvokeConfig` on the alias, and the sources'
   * dead-letter queues. Turn it off to manage the alias's invoke config yourself (Lambda keeps
   * one per alias).
   * @default true when the function has an SNS, schedule or EventBridge rule source, or this argument is given
   */
  readonly enabled?: boolean;
  /**
   * Times Lambda retries an event the function failed, 0-2 (PutFunctionEventInvokeConfig,
   * MaximumRetryAttempts).
   * @default 2 (Lambda's own)
   */
  readonly maximumRetryAttempts?: number;
  /**
   * Oldest event Lambda still sends to the function, 60-21600 seconds
   * (PutFunctionEventInvokeConfig, MaximumEventAgeInSeconds); older ones go to the destination.
   * @default 21600 (six hours, Lambda's own)
   */
  readonly maximumEventAgeSeconds?: number;
  /**
   * ARN of an existing standard (not FIFO) SQS queue or SNS topic that gets a record of each
   * event given up on (the on-failure destination); the execution role is allowed to send to it.
   * A queue or topic encrypted with a customer-managed KMS key also needs `kms:GenerateDataKey`
   * and `kms:Decrypt` for the execution role (`policyStatements`). Checked (service, `.fifo`)
   * when given as a plain string; an Output is not known when the component is constructed and
   * goes to AWS unchecked. Required with `role` (the
   * component grants your own role nothing, and cannot name a queue it creates to you).
   * @default a queue created for the function in its region (14 days' retention, SQS-managed encryption), with an alarm on its depth
   */
  readonly onFailureDestinationArn?: pulumi.Input<string>;
  /**
   * A dead-letter queue per SNS subscription, EventBridge rule target and schedule, for the
   * events the source could not deliver to Lambda at all (deleted function or alias, missing
   * permission, throttling past the source's retries), each with an alarm on its depth.
   * @default true
   */
  readonly sourceDeadLetterQueues?: boolean;
}

/** The event sources of a function, one list per kind (a package schema has no unions). */
export interface EventSources {
  /**
   * SQS queues, each with an event source mapping on the alias.
   * @default []
   */
  readonly sqs?: SqsEventSource[];
  /**
   * SNS topics, each with a subscription of the alias and the permission to invoke it.
   * @default []
   */
  readonly sns?: SnsEventSource[];
  /**
   * EventBridge Scheduler schedules invoking the alias, with a role allowed to invoke it only.
   * @default []
   */
  readonly schedules?: ScheduleEventSource[];
  /**
   * EventBridge rules targeting the alias, with the permission to invoke it from that rule only.
   * @default []
   */
  readonly eventRules?: EventRuleSource[];
  /**
   * DynamoDB streams, each with an event source mapping on the alias.
   * @default []
   */
  readonly dynamodbStreams?: DynamoDbStreamSource[];
  /**
   * Failure handling of the asynchronous sources (`sns`, `schedules`, `eventRules`).
   * @default on, with a created failure queue, when the function has an asynchronous source
   */
  readonly asyncInvocation?: AsyncInvocation;
}
