/**
 * Event sources on the alias (issue 17): SQS queues, SNS topics, EventBridge Scheduler schedules,
 * EventBridge rules and DynamoDB streams. Every mapping, subscription, target and permission names
 * the alias ARN (or the function with `qualifier` = alias), never the unqualified function or
 * `$LATEST`: the alias is what a canary or a weighted shift moves, and what the deployment alarms
 * watch (`Resource` = `function:alias`), so these invocations follow a rollout and count in it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./iam";
import { boundedName, NAME_LIMITS, stackScopedHash } from "./naming";
import { ArgumentProblems, isKnown } from "./validation";
import { EVENT_SOURCE_ITEM_ARGS } from "./eventSourceShapes";
import { scheduleExpressionProblem } from "./scheduleExpressions";

export { scheduleExpressionProblem };

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
  /** ARN of the topic. */
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
}

const SOURCE_NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,31}$/;

/** The service part of a known ARN (`sqs`, `sns`, `dynamodb`), or undefined. */
function arnService(arn: unknown): string | undefined {
  return typeof arn === "string" && arn.startsWith("arn:") ? arn.split(":")[2] : undefined;
}

/** Whether `value` is JSON text (a filter policy, an event pattern, an input). */
function isJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `zone` is an IANA time zone name: one the JavaScript runtime's time zone database
 * (ICU, IANA's data, aliases included) knows, written as IANA writes it (each part capitalised:
 * `Europe/Paris`, `UTC`, `Etc/GMT+5`). `Intl.supportedValuesOf("timeZone")` alone is not
 * enough: it lists canonical names only, and on Node.js 20 leaves out `UTC` itself.
 */
function isTimeZone(zone: string): boolean {
  if (!/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(zone)) return false;
  if (Intl.supportedValuesOf("timeZone").includes(zone)) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Every problem in `eventSources`, before anything is registered. `timeout` is the function's
 * (seconds); `hasServiceTable` says whether the service gives the function a table's stream;
 * `region`, when known, is the function's (queues and streams must be in it).
 */
export function checkEventSources(
  problems: ArgumentProblems,
  sources: EventSources | undefined,
  timeout: number,
  hasServiceTable: boolean,
  region?: string,
): void {
  if (sources === undefined || sources === null) return;
  if (typeof sources !== "object" || Array.isArray(sources)) {
    problems.add(
      "eventSources",
      sources,
      "must be { sqs?, sns?, schedules?, eventRules?, dynamodbStreams? }",
    );
    return;
  }
  const names = new Map<string, string>();
  const listOf = <T>(kind: keyof EventSources): T[] => {
    const list = sources[kind];
    if (list === undefined) return [];
    if (!Array.isArray(list)) {
      problems.add(`eventSources.${kind}`, list, "must be a list");
      return [];
    }
    // A misspelt key would otherwise fall back to a default without a word.
    list.forEach((item, index) =>
      problems
        .within(`eventSources.${kind}[${index}].`)
        .knownKeys(item, EVENT_SOURCE_ITEM_ARGS[kind]),
    );
    return list as T[];
  };
  const checkName = (kind: string, index: number, source: { name?: unknown }): string => {
    const at = `eventSources.${kind}[${index}]`;
    if (typeof source !== "object" || source === null) {
      problems.add(at, source, "must be an object with at least `name`");
      return at;
    }
    if (typeof source.name !== "string" || !SOURCE_NAME.test(source.name)) {
      problems.add(
        `${at}.name`,
        source.name,
        "must be 1-32 letters, digits or -, starting with a letter",
      );
    } else if (names.has(source.name)) {
      problems.add(
        `${at}.name`,
        source.name,
        `is already the name of ${names.get(source.name)}; each source needs its own name`,
      );
    } else {
      names.set(source.name, at);
    }
    return at;
  };

  // Lambda polls queues and streams of the function's own region only (Lambda Developer Guide,
  // "Using Lambda with Amazon SQS": same Region; DynamoDB streams likewise).
  const sameRegion = (key: string, arn: string, what: string): void => {
    const arnRegion = arn.startsWith("arn:") ? arn.split(":")[3] : undefined;
    if (region !== undefined && arnRegion && arnRegion !== region) {
      problems.add(
        key,
        arn,
        `is a ${what} in ${arnRegion}: it must be in the function's region (${region}), where Lambda polls it`,
      );
    }
  };

  listOf<SqsEventSource>("sqs").forEach((queue, index) => {
    const at = checkName("sqs", index, queue);
    if (typeof queue !== "object" || queue === null) return;
    const existing = queue.queueArn !== undefined;
    if (existing && typeof queue.queueArn === "string") {
      problems.check(
        arnService(queue.queueArn) === "sqs",
        `${at}.queueArn`,
        queue.queueArn,
        "must be an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>)",
      );
      sameRegion(`${at}.queueArn`, queue.queueArn, "queue");
    }
    const fifo =
      queue.fifo === true ||
      (typeof queue.queueArn === "string" && queue.queueArn.endsWith(".fifo"));
    problems.oneOf(`${at}.fifo`, queue.fifo, [true, false]);
    if (existing) {
      for (const key of ["fifo", "visibilityTimeoutSeconds", "maxReceiveCount"] as const) {
        if (queue[key] !== undefined) {
          problems.add(
            `${at}.${key}`,
            queue[key],
            "applies to a queue this component creates only (no queueArn); set it on your queue",
          );
        }
      }
    }
    problems.integerInRange(`${at}.batchSize`, queue.batchSize, 1, fifo ? 10 : 10000);
    problems.integerInRange(
      `${at}.maximumBatchingWindowSeconds`,
      queue.maximumBatchingWindowSeconds,
      0,
      300,
      "seconds",
    );
    if (fifo && (queue.maximumBatchingWindowSeconds ?? 0) > 0) {
      problems.add(
        `${at}.maximumBatchingWindowSeconds`,
        queue.maximumBatchingWindowSeconds,
        "FIFO queues take no batching window (Lambda Developer Guide, SQS parameters)",
      );
    }
    if (
      !fifo &&
      typeof queue.batchSize === "number" &&
      queue.batchSize > 10 &&
      !((queue.maximumBatchingWindowSeconds ?? 0) >= 1)
    ) {
      problems.add(
        `${at}.batchSize`,
        queue.batchSize,
        "above 10 needs maximumBatchingWindowSeconds of at least 1 (Lambda refuses the mapping otherwise)",
      );
    }
    problems.integerInRange(`${at}.maximumConcurrency`, queue.maximumConcurrency, 2, 1000);
    problems.oneOf(`${at}.reportBatchItemFailures`, queue.reportBatchItemFailures, [true, false]);
    problems.integerInRange(`${at}.maxReceiveCount`, queue.maxReceiveCount, 1, 1000);
    problems.integerInRange(
      `${at}.visibilityTimeoutSeconds`,
      queue.visibilityTimeoutSeconds,
      0,
      43200,
      "seconds",
    );
    if (
      typeof queue.visibilityTimeoutSeconds === "number" &&
      queue.visibilityTimeoutSeconds < timeout
    ) {
      problems.add(
        `${at}.visibilityTimeoutSeconds`,
        queue.visibilityTimeoutSeconds,
        `must be at least the function timeout (${timeout} s; Lambda refuses the mapping otherwise), and AWS recommends six times it (${timeout * 6} s)`,
      );
    }
  });

  listOf<SnsEventSource>("sns").forEach((topic, index) => {
    const at = checkName("sns", index, topic);
    if (typeof topic !== "object" || topic === null) return;
    if (
      topic.topicArn === undefined ||
      (isKnown(topic.topicArn) && arnService(topic.topicArn) !== "sns")
    ) {
      problems.add(
        `${at}.topicArn`,
        topic.topicArn,
        "must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)",
      );
    }
    if (typeof topic.filterPolicy === "string" && !isJson(topic.filterPolicy)) {
      problems.add(`${at}.filterPolicy`, topic.filterPolicy, "must be JSON (an SNS filter policy)");
    }
  });

  listOf<ScheduleEventSource>("schedules").forEach((schedule, index) => {
    const at = checkName("schedules", index, schedule);
    if (typeof schedule !== "object" || schedule === null) return;
    const problem = scheduleExpressionProblem(schedule.expression, true);
    if (problem) problems.add(`${at}.expression`, schedule.expression, problem);
    problems.oneOf(`${at}.enabled`, schedule.enabled, [true, false]);
    if (schedule.timezone !== undefined) {
      problems.check(
        typeof schedule.timezone === "string" && isTimeZone(schedule.timezone),
        `${at}.timezone`,
        schedule.timezone,
        "must be an IANA time zone name such as Europe/Paris or UTC",
      );
    }
    if (typeof schedule.input === "string" && !isJson(schedule.input)) {
      problems.add(`${at}.input`, schedule.input, "must be JSON (the event the function receives)");
    }
  });

  listOf<EventRuleSource>("eventRules").forEach((rule, index) => {
    const at = checkName("eventRules", index, rule);
    if (typeof rule !== "object" || rule === null) return;
    const hasPattern = rule.eventPattern !== undefined;
    const hasSchedule = rule.scheduleExpression !== undefined;
    if (hasPattern === hasSchedule) {
      problems.addSentence(
        at,
        "must have exactly one of [eventPattern] and [scheduleExpression]" +
          (hasPattern ? " (both are given)" : " (neither is given)"),
      );
    }
    if (hasSchedule) {
      const problem = scheduleExpressionProblem(rule.scheduleExpression, false);
      if (problem) problems.add(`${at}.scheduleExpression`, rule.scheduleExpression, problem);
      // EventBridge User Guide, "Creating a rule that runs on a schedule": scheduled rules run on
      // the default event bus only.
      if (typeof rule.eventBusName === "string" && rule.eventBusName !== "default") {
        problems.add(
          `${at}.eventBusName`,
          rule.eventBusName,
          "must be default (or unset) for a rule with scheduleExpression: EventBridge runs schedules on the default bus only",
        );
      }
    }
    if (typeof rule.eventPattern === "string") {
      try {
        JSON.parse(rule.eventPattern);
      } catch {
        problems.add(`${at}.eventPattern`, rule.eventPattern, "must be JSON (an event pattern)");
      }
    }
  });

  listOf<DynamoDbStreamSource>("dynamodbStreams").forEach((stream, index) => {
    const at = checkName("dynamodbStreams", index, stream);
    if (typeof stream !== "object" || stream === null) return;
    const fromTable = stream.serviceTable === true;
    problems.oneOf(`${at}.serviceTable`, stream.serviceTable, [true, false]);
    if (fromTable === (stream.streamArn !== undefined)) {
      problems.addSentence(
        at,
        "must have exactly one of [streamArn] and [serviceTable]" +
          (fromTable ? " (both are given)" : " (neither is given)"),
      );
    } else if (fromTable && !hasServiceTable) {
      problems.add(
        `${at}.serviceTable`,
        true,
        "needs the service's table: a function of a RegionalService or MultiRegionService with `table` (whose stream is on); give streamArn otherwise",
      );
    }
    if (typeof stream.streamArn === "string") {
      problems.check(
        /^arn:aws[a-z-]*:dynamodb:[^:]+:\d{12}:table\/[^/]+\/stream\/.+$/.test(stream.streamArn),
        `${at}.streamArn`,
        stream.streamArn,
        "must be a DynamoDB stream ARN (arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>)",
      );
      sameRegion(`${at}.streamArn`, stream.streamArn, "stream");
    }
    problems.oneOf(`${at}.startingPosition`, stream.startingPosition, ["LATEST", "TRIM_HORIZON"]);
    problems.integerInRange(`${at}.batchSize`, stream.batchSize, 1, 10000);
    problems.integerInRange(
      `${at}.maximumBatchingWindowSeconds`,
      stream.maximumBatchingWindowSeconds,
      0,
      300,
      "seconds",
    );
    problems.oneOf(`${at}.bisectBatchOnFunctionError`, stream.bisectBatchOnFunctionError, [
      true,
      false,
    ]);
    problems.integerInRange(`${at}.maximumRetryAttempts`, stream.maximumRetryAttempts, -1, 10000);
    const age = stream.maximumRecordAgeSeconds;
    if (age !== undefined) {
      problems.check(
        Number.isInteger(age) && (age === -1 || (age >= 60 && age <= 604800)),
        `${at}.maximumRecordAgeSeconds`,
        age,
        "must be -1 (no limit) or a whole number from 60 to 604800 seconds",
      );
    }
    const destination = stream.onFailureDestinationArn;
    if (typeof destination === "string") {
      problems.check(
        ["sqs", "sns"].includes(arnService(destination) ?? ""),
        `${at}.onFailureDestinationArn`,
        destination,
        "must be an SQS queue or SNS topic ARN",
      );
    }
    problems.oneOf(`${at}.reportBatchItemFailures`, stream.reportBatchItemFailures, [true, false]);
  });
}

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

/** A service whose functions read the `serviceTable` stream must know the table's stream ARN. */
export function checkServiceTableStream(
  problems: ArgumentProblems,
  functions: Record<string, { eventSources?: EventSources }> | undefined,
  streamArn: pulumi.Input<string> | undefined,
): void {
  if (streamArn !== undefined || typeof functions !== "object" || functions === null) return;
  for (const [key, fn] of Object.entries(functions)) {
    const streams = fn?.eventSources?.dynamodbStreams;
    if (!Array.isArray(streams)) continue;
    streams.forEach((stream, index) => {
      if (stream?.serviceTable === true) {
        problems.add(
          `functions.${key}.eventSources.dynamodbStreams[${index}].serviceTable`,
          true,
          "needs [table.streamArn], the stream of the table in this region (an aws.dynamodb.Table with streamEnabled gives it)",
        );
      }
    });
  }
}
