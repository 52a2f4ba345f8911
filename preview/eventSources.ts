// The event sources of a previewed stack (issue 17): per function and region, what invokes it
// besides its HTTP routes (SQS and DynamoDB stream mappings, SNS subscriptions, Scheduler
// schedules, EventBridge rules), the alias each one invokes and the settings that decide how it
// delivers (batch size, window, concurrency, dead-letter queue, schedule expression, ...).
// Read from the registered resources, as `pulumi preview` would show them: a created queue's ARN
// is unknown until `pulumi up`, so a source created by the stack is named by its resource.
import type { CapturedResource } from "../testing";
import { regionOf } from "./tree";

const FUNCTION_COMPONENT = "multiregion-serverless:index:TrafficShiftedFunction";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const SCHEDULE = "aws:scheduler/schedule:Schedule";
const RULE_TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const QUEUE = "aws:sqs/queue:Queue";
const ALIAS = "aws:lambda/alias:Alias";
const TABLE = "aws:dynamodb/table:Table";
const TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica";

/** Shown for a value the engine computes at `pulumi up` (an ARN of a resource not yet created). */
export const UNKNOWN_AT_PREVIEW = "(unknown at preview)";

/** A created dead-letter queue behind a created source queue. */
export interface PreviewDeadLetterQueue {
  /** The dead-letter queue's resource name. */
  resource: string;
  /** Receives before a message moves there (the source queue's redrive policy), when known. */
  maxReceiveCount?: number;
}

/** One event source of a function in one region. */
export interface PreviewEventSource {
  kind: "sqs" | "dynamodb-stream" | "sns" | "schedule" | "event-rule";
  /** The resource that makes the source invoke the function (mapping, subscription, ...). */
  resource: string;
  /**
   * What feeds the function: an ARN the stack was given, the created queue or rule's resource
   * name (`created queue orders-us-east-1-worker-imports-queue`), or `(unknown at preview)`.
   */
  source: string;
  /** The alias it invokes (`live`); `unqualified` if it names the bare function. */
  invokes: string;
  /** SQS and streams: records per batch. */
  batchSize?: number;
  /** SQS and streams: seconds Lambda gathers records before invoking. */
  batchingWindowSeconds?: number;
  /** SQS: most concurrent invocations the mapping drives (`scalingConfig`). */
  maximumConcurrency?: number;
  /** SQS and streams: the handler reports the failed records only (partial batch responses). */
  reportBatchItemFailures?: boolean;
  /** SQS, a created queue: its dead-letter queue. */
  deadLetterQueue?: PreviewDeadLetterQueue;
  /** Created SQS queue: its visibility timeout in seconds. */
  visibilityTimeoutSeconds?: number;
  /** Streams: `LATEST` or `TRIM_HORIZON`. */
  startingPosition?: string;
  /** Streams: retries of a failed batch. */
  maximumRetryAttempts?: number;
  /** Streams: where a batch goes once retries run out. */
  onFailureDestination?: string;
  /** Schedules and scheduled rules: `rate(...)`, `cron(...)` or `at(...)`. */
  expression?: string;
  /** Schedules: the expression's time zone. */
  timezone?: string;
  /** Schedules: `ENABLED` or `DISABLED`. */
  state?: string;
  /** SNS: the subscription has a filter policy. */
  filtered?: boolean;
  /** EventBridge rules: the rule matches an event pattern (not a schedule). */
  eventPattern?: boolean;
}

/** One function of one region with its event sources. */
export interface PreviewFunctionEventSources {
  /** The TrafficShiftedFunction's name, e.g. `orders-us-east-1-worker`. */
  function: string;
  region?: string;
  sources: PreviewEventSource[];
}

export interface EventSourcePlan {
  /** Functions with at least one event source, in registration order. */
  functions: PreviewFunctionEventSources[];
}

const isString = (value: unknown): value is string => typeof value === "string";
const isNumber = (value: unknown): value is number => typeof value === "number";

/**
 * The event sources of the stack, grouped by the TrafficShiftedFunction that owns them (their
 * parent); empty when no function has one.
 */
export function eventSourcePlan(resources: readonly CapturedResource[]): EventSourcePlan {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const dependenciesOf = (resource: CapturedResource, type: string): CapturedResource[] =>
    resource.dependencies
      .map((urn) => byUrn.get(urn))
      .filter((found): found is CapturedResource => found?.type === type);

  /**
   * The alias a source invokes: its `qualifier`, else the ARN's qualifier when the ARN is known
   * (`unqualified` for a bare function), else, while the ARN is unknown at preview, the alias the
   * ARN's own input property comes from (its property dependencies, not `dependsOn`: every
   * source of a TrafficShiftedFunction waits on its alias whatever it invokes).
   */
  const invokedAlias = (resource: CapturedResource, property: string, arn: unknown): string => {
    if (isString(resource.inputs.qualifier)) return resource.inputs.qualifier;
    if (isString(arn)) {
      // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
      return arn.split(":")[7] ?? "unqualified";
    }
    const alias = (resource.propertyDependencies?.[property] ?? [])
      .map((urn) => byUrn.get(urn))
      .find((found) => found?.type === ALIAS);
    if (alias && isString(alias.inputs.name)) return alias.inputs.name;
    return UNKNOWN_AT_PREVIEW;
  };

  /** The resources of a type an input property's Output comes from (its property dependencies). */
  const propertySources = (
    resource: CapturedResource,
    property: string,
    type: string,
  ): CapturedResource[] =>
    (resource.propertyDependencies?.[property] ?? [])
      .map((urn) => byUrn.get(urn))
      .filter((found): found is CapturedResource => found?.type === type);

  const sqsSource = (mapping: CapturedResource): PreviewEventSource => {
    // The queue the mapping polls is one this function created only when it is the component's
    // own child; a queue created elsewhere in the program is given, shown by its resource name.
    const polled = propertySources(mapping, "eventSourceArn", QUEUE)[0];
    const queue = polled && polled.parent === mapping.parent ? polled : undefined;
    const { inputs } = mapping;
    const source: PreviewEventSource = {
      kind: "sqs",
      resource: mapping.name,
      source: queue
        ? `created queue ${queue.name}`
        : isString(inputs.eventSourceArn)
          ? inputs.eventSourceArn
          : polled
            ? `given queue ${polled.name}`
            : UNKNOWN_AT_PREVIEW,
      invokes: invokedAlias(mapping, "functionName", inputs.functionName),
      batchSize: inputs.batchSize,
      batchingWindowSeconds: inputs.maximumBatchingWindowInSeconds,
      maximumConcurrency: inputs.scalingConfig?.maximumConcurrency,
      reportBatchItemFailures: Array.isArray(inputs.functionResponseTypes)
        ? inputs.functionResponseTypes.includes("ReportBatchItemFailures")
        : undefined,
    };
    if (queue) {
      source.visibilityTimeoutSeconds = queue.inputs.visibilityTimeoutSeconds;
      // The redrive policy's target: the queue its ARN comes from, not any queue it depends on.
      const deadLetter = propertySources(queue, "redrivePolicy", QUEUE)[0];
      if (deadLetter) {
        // The redrive policy names the dead-letter queue's ARN, so it is unknown at preview.
        const redrive = isString(queue.inputs.redrivePolicy)
          ? (JSON.parse(queue.inputs.redrivePolicy) as { maxReceiveCount?: unknown })
          : {};
        source.deadLetterQueue = {
          resource: deadLetter.name,
          ...(isNumber(redrive.maxReceiveCount)
            ? { maxReceiveCount: redrive.maxReceiveCount }
            : {}),
        };
      }
    }
    return source;
  };

  /** The stack's own table (or replica) a stream mapping's unknown stream ARN comes from. */
  const streamTable = (mapping: CapturedResource): string | undefined => {
    const table = (mapping.propertyDependencies?.eventSourceArn ?? [])
      .map((urn) => byUrn.get(urn))
      .find((found) => found?.type === TABLE || found?.type === TABLE_REPLICA);
    return table && `stream of created table ${table.name}`;
  };

  const streamSource = (mapping: CapturedResource): PreviewEventSource => {
    const { inputs } = mapping;
    return {
      kind: "dynamodb-stream",
      resource: mapping.name,
      source: isString(inputs.eventSourceArn)
        ? inputs.eventSourceArn
        : (streamTable(mapping) ?? UNKNOWN_AT_PREVIEW),
      invokes: invokedAlias(mapping, "functionName", inputs.functionName),
      batchSize: inputs.batchSize,
      batchingWindowSeconds: inputs.maximumBatchingWindowInSeconds,
      reportBatchItemFailures: Array.isArray(inputs.functionResponseTypes)
        ? inputs.functionResponseTypes.includes("ReportBatchItemFailures")
        : undefined,
      startingPosition: inputs.startingPosition,
      maximumRetryAttempts: inputs.maximumRetryAttempts,
      onFailureDestination: inputs.destinationConfig?.onFailure?.destinationArn,
    };
  };

  const sourceOf = (resource: CapturedResource): PreviewEventSource | undefined => {
    const { inputs } = resource;
    switch (resource.type) {
      case MAPPING:
        // Stream mappings name a starting position; SQS mappings take none (Lambda API,
        // CreateEventSourceMapping, StartingPosition).
        return inputs.startingPosition !== undefined ? streamSource(resource) : sqsSource(resource);
      case SUBSCRIPTION:
        return {
          kind: "sns",
          resource: resource.name,
          source: isString(inputs.topic) ? inputs.topic : UNKNOWN_AT_PREVIEW,
          invokes: invokedAlias(resource, "endpoint", inputs.endpoint),
          filtered: inputs.filterPolicy !== undefined,
        };
      case SCHEDULE:
        return {
          kind: "schedule",
          resource: resource.name,
          source: `created schedule ${isString(inputs.name) ? inputs.name : resource.name}`,
          invokes: invokedAlias(resource, "target", inputs.target?.arn),
          expression: inputs.scheduleExpression,
          timezone: inputs.scheduleExpressionTimezone,
          state: inputs.state,
        };
      case RULE_TARGET: {
        const rule = dependenciesOf(resource, RULE)[0];
        return {
          kind: "event-rule",
          resource: resource.name,
          source: rule ? `created rule ${rule.name}` : String(inputs.rule ?? UNKNOWN_AT_PREVIEW),
          invokes: invokedAlias(resource, "arn", inputs.arn),
          ...(rule && isString(rule.inputs.scheduleExpression)
            ? { expression: rule.inputs.scheduleExpression }
            : {}),
          ...(rule ? { eventPattern: rule.inputs.eventPattern !== undefined } : {}),
        };
      }
      default:
        return undefined;
    }
  };

  // Each component's children, in registration order: looked up once, not per function.
  const childrenOf = new Map<string, CapturedResource[]>();
  for (const resource of resources) {
    if (resource.parent === undefined) continue;
    const children = childrenOf.get(resource.parent);
    if (children) children.push(resource);
    else childrenOf.set(resource.parent, [resource]);
  }
  const functions: PreviewFunctionEventSources[] = [];
  for (const component of resources.filter((r) => r.type === FUNCTION_COMPONENT)) {
    const children = childrenOf.get(component.urn) ?? [];
    const sources = children
      .map(sourceOf)
      .filter((source): source is PreviewEventSource => source !== undefined);
    if (sources.length === 0) continue;
    const fn = children.find((resource) => resource.name === `${component.name}-function`);
    functions.push({
      function: component.name,
      region: fn ? regionOf(fn) : undefined,
      sources,
    });
  }
  return { functions };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A source's delivery settings in words (`batch 10`, `DLQ ... after 5 receives`, ...). */
export function eventSourceSettings(source: PreviewEventSource): string[] {
  const settings: string[] = [];
  if (source.batchSize !== undefined) settings.push(`batch ${source.batchSize}`);
  if (source.batchingWindowSeconds !== undefined) {
    settings.push(`window ${source.batchingWindowSeconds} s`);
  }
  if (source.maximumConcurrency !== undefined) {
    settings.push(`max concurrency ${source.maximumConcurrency}`);
  }
  if (source.reportBatchItemFailures) settings.push("partial batch responses");
  if (source.visibilityTimeoutSeconds !== undefined) {
    settings.push(`visibility ${source.visibilityTimeoutSeconds} s`);
  }
  if (source.deadLetterQueue) {
    settings.push(
      `DLQ ${source.deadLetterQueue.resource}` +
        (source.deadLetterQueue.maxReceiveCount !== undefined
          ? ` after ${plural(source.deadLetterQueue.maxReceiveCount, "receive")}`
          : ""),
    );
  }
  if (source.startingPosition !== undefined) settings.push(`from ${source.startingPosition}`);
  if (source.maximumRetryAttempts !== undefined) {
    settings.push(plural(source.maximumRetryAttempts, "retry").replace("retrys", "retries"));
  }
  if (source.onFailureDestination !== undefined) {
    settings.push(`on failure to ${source.onFailureDestination}`);
  }
  if (source.expression !== undefined) {
    settings.push(source.timezone ? `${source.expression} ${source.timezone}` : source.expression);
  }
  if (source.state === "DISABLED") settings.push("disabled");
  if (source.filtered) settings.push("filter policy");
  if (source.eventPattern) settings.push("event pattern");
  return settings;
}

/** One source as the words of a preview line: kind, source, alias, then its settings. */
export function describeEventSource(source: PreviewEventSource): string {
  const settings = eventSourceSettings(source);
  return (
    `${source.kind} ${source.source} → alias ${source.invokes}` +
    (settings.length > 0 ? `: ${settings.join(", ")}` : "")
  );
}

/** The plan as text lines for the terminal preview; none when no function has a source. */
export function renderEventSources(
  plan: EventSourcePlan,
  bold: (text: string) => string,
): string[] {
  if (plan.functions.length === 0) return [];
  return [
    bold("Event sources") + " (each invokes the alias, so it shifts and rolls back with it)",
    ...plan.functions.flatMap((fn) => [
      `  ${fn.region ?? "?"}: ${fn.function}`,
      ...fn.sources.map((source) => `    ${describeEventSource(source)}`),
    ]),
  ];
}
