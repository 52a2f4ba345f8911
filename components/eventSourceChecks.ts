/**
 * Every problem in `eventSources`, before anything is registered (issue 17): names, ARNs,
 * regions, batch sizes and windows, schedule expressions, time zones, JSON documents.
 */
import * as pulumi from "@pulumi/pulumi";
import type {
  AsyncInvocation,
  DynamoDbStreamSource,
  EventRuleSource,
  EventSources,
  ScheduleEventSource,
  SnsEventSource,
  SqsEventSource,
} from "./eventSourceArgs";
import { EVENT_SOURCE_ITEM_ARGS, EventSourceKind } from "./eventSourceShapes";
import { scheduleExpressionProblem } from "./scheduleExpressions";
import { ArgumentProblems, isKnown } from "./validation";

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
 * `region`, when known, is the function's (queues and streams must be in it); `hasOwnRole` says
 * whether the function is given its own execution role (`role`), which the component grants
 * nothing.
 */
export function checkEventSources(
  problems: ArgumentProblems,
  sources: EventSources | undefined,
  timeout: number,
  hasServiceTable: boolean,
  region?: string,
  hasOwnRole = false,
): void {
  if (sources === undefined || sources === null) return;
  if (typeof sources !== "object" || Array.isArray(sources)) {
    problems.add(
      "eventSources",
      sources,
      "must be { sqs?, sns?, schedules?, eventRules?, dynamodbStreams?, asyncInvocation? }",
    );
    return;
  }
  const names = new Map<string, string>();
  const listOf = <T>(kind: EventSourceKind): T[] => {
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
    checkFilterPatterns(problems, `${at}.filterPatterns`, queue.filterPatterns, undefined, region);
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
    // SNS FIFO topics deliver to SQS queues only, never to Lambda (SNS Developer Guide, "Message
    // delivery for FIFO topics"), and their dead-letter queue would have to be FIFO.
    if (typeof topic.topicArn === "string" && topic.topicArn.endsWith(".fifo")) {
      problems.add(
        `${at}.topicArn`,
        topic.topicArn,
        "must be a standard topic: SNS FIFO topics deliver to SQS queues only, not to Lambda (subscribe an SQS FIFO queue and give it as an sqs source)",
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
    const byRegion = stream.regionAttribute !== undefined;
    if (byRegion) {
      // A DynamoDB attribute name is 1-255 characters (DynamoDB Developer Guide, "Supported data
      // types and naming rules"); the filter's JSON keeps any of them.
      problems.check(
        typeof stream.regionAttribute === "string" &&
          stream.regionAttribute.length >= 1 &&
          stream.regionAttribute.length <= 255,
        `${at}.regionAttribute`,
        stream.regionAttribute,
        "must be the name of a string attribute of the table's items (1-255 characters)",
      );
    }
    checkFilterPatterns(
      problems,
      `${at}.filterPatterns`,
      stream.filterPatterns,
      typeof stream.regionAttribute === "string" && stream.regionAttribute.length > 0
        ? stream.regionAttribute
        : undefined,
      region,
    );
  });

  checkAsyncInvocation(problems, sources.asyncInvocation);
  if (hasOwnRole) checkOwnRoleDestination(problems, sources);
}

/**
 * With the user's own execution role, the on-failure destination must be one the user can grant
 * that role: Lambda sends failed events with the execution role and checks it may when the invoke
 * config is put ("The function's execution role does not have permissions to call SendMessage",
 * PutFunctionEventInvokeConfig; terraform-provider-aws retries exactly that error, then fails),
 * and the component grants nothing to a role it did not create, so the queue it would create
 * (with a generated name) would fail `pulumi up`.
 */
function checkOwnRoleDestination(problems: ArgumentProblems, sources: EventSources): void {
  const invocation = sources.asyncInvocation;
  if (invocation !== undefined && (typeof invocation !== "object" || invocation === null)) return;
  const lists = [sources.sns, sources.schedules, sources.eventRules];
  const hasAsync = lists.some((list) => Array.isArray(list) && list.length > 0);
  const enabled = invocation?.enabled ?? (hasAsync || invocation !== undefined);
  if (enabled === true && invocation?.onFailureDestinationArn === undefined) {
    problems.add(
      "eventSources.asyncInvocation.onFailureDestinationArn",
      undefined,
      "is required with [role] (your own execution role) when the function has an SNS, schedule or EventBridge rule source or asyncInvocation: Lambda sends failed events with that role, which the component cannot grant the send to a queue it creates; give an existing standard SQS queue or SNS topic your role may send to, or asyncInvocation.enabled: false",
    );
  }
}

/**
 * Lambda's default quota of filters per event source mapping (Lambda Developer Guide, "Lambda
 * quotas": 5, adjustable to 10).
 */
export const MAX_FILTERS_PER_MAPPING = 5;

/** The longest filter pattern: `Filter.Pattern` is at most 4096 characters (Lambda API reference, Filter). */
export const MAX_FILTER_PATTERN_LENGTH = 4096;

/** The longest region name (`ap-southeast-4`), for the length of a pattern before its region is known. */
const LONGEST_REGION = "ap-southeast-4";

/** Whether `value` is a plain JSON object (not a list, not null). */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The key paths (`body.kind`) of a pattern's leaves that are not lists. Lambda's filter rule
 * syntax puts every value to match in a list (`"kind": ["import"]`, `"n": [{"numeric": [">", 1]}]`)
 * under keys that may nest (Lambda Developer Guide, "Control which events Lambda sends to your
 * function", Filter rule syntax); a bare value is refused by CreateEventSourceMapping.
 */
function nonListLeaves(pattern: Record<string, unknown>, path = ""): string[] {
  return Object.entries(pattern).flatMap(([key, value]) => {
    const at = path ? `${path}.${key}` : key;
    if (Array.isArray(value)) return [];
    return isJsonObject(value) ? nonListLeaves(value, at) : [at];
  });
}

/**
 * The region condition of a replica stream's mapping: only records whose new image's
 * `attribute` (a string) names `region`.
 */
export function regionCondition(attribute: string, region: string): Record<string, unknown> {
  return { dynamodb: { NewImage: { [attribute]: { S: [region] } } } };
}

/**
 * `pattern` with `regionAttribute`'s condition ANDed in: the keys of one pattern must all match
 * (Lambda Developer Guide, "Control which events Lambda sends to your function"), while the
 * filters of a mapping are ORed, so the condition goes into every pattern, never beside them.
 * The pattern must not constrain `dynamodb.NewImage.<attribute>` itself (`checkEventSources`
 * refuses it), so the merge is a plain union of keys.
 */
export function withRegionCondition(
  pattern: Record<string, unknown>,
  attribute: string,
  region: string,
): Record<string, unknown> {
  const dynamodb = isJsonObject(pattern.dynamodb) ? pattern.dynamodb : {};
  const newImage = isJsonObject(dynamodb.NewImage) ? dynamodb.NewImage : {};
  return {
    ...pattern,
    dynamodb: { ...dynamodb, NewImage: { ...newImage, [attribute]: { S: [region] } } },
  };
}

/**
 * Why `pattern` cannot take `regionAttribute`'s condition, or undefined: it already constrains
 * `dynamodb`, `dynamodb.NewImage` or `dynamodb.NewImage.<attribute>` with something other than
 * nested keys, so ANDing the region in would change or contradict what it says.
 */
function regionConflict(pattern: Record<string, unknown>, attribute: string): string | undefined {
  const path = ["dynamodb", "NewImage", attribute];
  let node: unknown = pattern;
  for (let depth = 0; depth < path.length; depth++) {
    const value = (node as Record<string, unknown>)[path[depth]];
    if (value === undefined) return undefined;
    const at = path.slice(0, depth + 1).join(".");
    if (depth === path.length - 1 || !isJsonObject(value)) {
      return `already filters on ${at}, where regionAttribute adds {"${attribute}":{"S":[<region>]}}: remove that condition from the pattern or regionAttribute`;
    }
    node = value;
  }
  return undefined;
}

/**
 * `filterPatterns`: a list of at most `MAX_FILTERS_PER_MAPPING` JSON objects, each an event filter
 * pattern of at most `MAX_FILTER_PATTERN_LENGTH` characters (with `regionAttribute`'s condition
 * merged in) whose every leaf is a list (Lambda Developer Guide, "Control which events Lambda
 * sends to your function"; Lambda refuses CreateEventSourceMapping otherwise). With
 * `regionAttribute` (and no patterns) the condition is one filter of its own, within the quota.
 */
function checkFilterPatterns(
  problems: ArgumentProblems,
  key: string,
  patterns: unknown,
  regionAttribute: string | undefined,
  region: string | undefined,
): void {
  if (patterns === undefined) return;
  if (!Array.isArray(patterns)) {
    problems.add(key, patterns, "must be a list of JSON event filter patterns");
    return;
  }
  if (patterns.length > MAX_FILTERS_PER_MAPPING) {
    problems.add(
      key,
      `${patterns.length} patterns`,
      `allows at most ${MAX_FILTERS_PER_MAPPING} (Lambda quotas: ${MAX_FILTERS_PER_MAPPING} filters per event source mapping)`,
    );
  }
  patterns.forEach((pattern, index) => {
    const at = `${key}[${index}]`;
    if (!isKnown(pattern)) {
      problems.addUnknown(
        at,
        "must be known when the component is constructed (a string, not an Output)",
      );
      return;
    }
    let parsed: unknown;
    try {
      parsed = typeof pattern === "string" ? JSON.parse(pattern) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!isJsonObject(parsed)) {
      problems.add(
        at,
        pattern,
        'must be a JSON object, an event filter pattern such as {"body":{"kind":["import"]}}',
      );
      return;
    }
    const bare = nonListLeaves(parsed);
    if (bare.length > 0) {
      problems.add(
        at,
        pattern,
        `has ${bare.join(", ")} without a list: every value to match goes in a list, as in {"body":{"kind":["import"]}} (Lambda filter rule syntax)`,
      );
    }
    const conflict =
      regionAttribute === undefined ? undefined : regionConflict(parsed, regionAttribute);
    if (conflict) problems.add(at, pattern, conflict);
    const sent =
      regionAttribute === undefined || conflict
        ? (pattern as string)
        : JSON.stringify(withRegionCondition(parsed, regionAttribute, region ?? LONGEST_REGION));
    if (sent.length > MAX_FILTER_PATTERN_LENGTH) {
      problems.add(
        at,
        `${sent.length} characters` + (sent === pattern ? "" : " with regionAttribute's condition"),
        `must be at most ${MAX_FILTER_PATTERN_LENGTH} characters (Lambda API reference, Filter.Pattern)`,
      );
    }
  });
}

/** `asyncInvocation`: Lambda's ranges (PutFunctionEventInvokeConfig API reference). */
function checkAsyncInvocation(problems: ArgumentProblems, config: unknown): void {
  if (config === undefined) return;
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    problems.add(
      "eventSources.asyncInvocation",
      config,
      "must be { enabled?, maximumRetryAttempts?, maximumEventAgeSeconds?, onFailureDestinationArn?, sourceDeadLetterQueues? }",
    );
    return;
  }
  const at = "eventSources.asyncInvocation";
  const invocation = config as AsyncInvocation;
  problems.oneOf(`${at}.enabled`, invocation.enabled, [true, false]);
  problems.integerInRange(`${at}.maximumRetryAttempts`, invocation.maximumRetryAttempts, 0, 2);
  problems.integerInRange(
    `${at}.maximumEventAgeSeconds`,
    invocation.maximumEventAgeSeconds,
    60,
    21600,
    "seconds",
  );
  problems.oneOf(`${at}.sourceDeadLetterQueues`, invocation.sourceDeadLetterQueues, [true, false]);
  const destination = invocation.onFailureDestinationArn;
  if (typeof destination === "string") {
    problems.check(
      ["sqs", "sns"].includes(arnService(destination) ?? ""),
      `${at}.onFailureDestinationArn`,
      destination,
      "must be an SQS queue or SNS topic ARN (arn:aws:sqs:<region>:<account>:<name> or arn:aws:sns:...)",
    );
    // Lambda sends records to a standard queue or topic only (Lambda Developer Guide, "Capturing
    // records of Lambda asynchronous invocations": FIFO ones fail with DestinationDeliveryFailures).
    if (destination.endsWith(".fifo")) {
      problems.add(
        `${at}.onFailureDestinationArn`,
        destination,
        "must be a standard queue or topic: Lambda cannot send invocation records to a FIFO one",
      );
    }
  }
  if (invocation.enabled === false) {
    const settings = (
      [
        "maximumRetryAttempts",
        "maximumEventAgeSeconds",
        "onFailureDestinationArn",
        "sourceDeadLetterQueues",
      ] as const
    ).filter((key) => invocation[key] !== undefined);
    if (settings.length > 0) {
      problems.addSentence(
        at,
        `has enabled: false beside ${settings.join(", ")}, which would be ignored: remove them or enabled`,
      );
    }
  }
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
