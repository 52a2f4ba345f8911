// The keys of `eventSources` and of each of its items (issue 17), for `ArgumentProblems.knownKeys`
// (see argumentShapes.ts). Its own module so that argumentShapes.ts only gains one line.
import type {
  AsyncInvocation,
  DynamoDbStreamSource,
  EventRuleSource,
  EventSources,
  ScheduleEventSource,
  SnsEventSource,
  SqsEventSource,
} from "./eventSourceArgs";
import { ArgumentShape, INPUT, ShapeOf } from "./validation";

/** `EventSources`: lists, each item checked by its kind's shape below, and `asyncInvocation`. */
export const EVENT_SOURCES_ARGS = {
  sqs: true,
  sns: true,
  schedules: true,
  eventRules: true,
  dynamodbStreams: true,
  asyncInvocation: {
    enabled: true,
    maximumRetryAttempts: true,
    maximumEventAgeSeconds: true,
    onFailureDestinationArn: INPUT,
    sourceDeadLetterQueues: true,
  } as const satisfies ShapeOf<AsyncInvocation>,
} as const satisfies ShapeOf<EventSources>;

/** The lists of `EventSources`, each item checked by its kind's shape below. */
export type EventSourceKind = Exclude<keyof EventSources, "asyncInvocation">;

/** The keys of an item of each `eventSources` list. */
export const EVENT_SOURCE_ITEM_ARGS: Record<EventSourceKind, ArgumentShape> = {
  sqs: {
    name: true,
    queueArn: INPUT,
    fifo: true,
    batchSize: true,
    maximumBatchingWindowSeconds: true,
    maximumConcurrency: true,
    reportBatchItemFailures: true,
    visibilityTimeoutSeconds: true,
    maxReceiveCount: true,
    filterPatterns: true,
  } as const satisfies ShapeOf<SqsEventSource>,
  sns: {
    name: true,
    topicArn: INPUT,
    filterPolicy: INPUT,
  } as const satisfies ShapeOf<SnsEventSource>,
  schedules: {
    name: true,
    expression: true,
    timezone: true,
    input: INPUT,
    enabled: true,
  } as const satisfies ShapeOf<ScheduleEventSource>,
  eventRules: {
    name: true,
    eventPattern: INPUT,
    scheduleExpression: true,
    eventBusName: INPUT,
  } as const satisfies ShapeOf<EventRuleSource>,
  dynamodbStreams: {
    name: true,
    streamArn: INPUT,
    serviceTable: true,
    startingPosition: true,
    batchSize: true,
    maximumBatchingWindowSeconds: true,
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: true,
    maximumRecordAgeSeconds: true,
    onFailureDestinationArn: INPUT,
    reportBatchItemFailures: true,
    filterPatterns: true,
    regionAttribute: true,
  } as const satisfies ShapeOf<DynamoDbStreamSource>,
};
