/**
 * Event sources on the alias (issue 17): SQS queues, SNS topics, EventBridge Scheduler schedules,
 * EventBridge rules and DynamoDB streams. One module per idea, re-exported here so every import
 * path keeps working: the arguments (eventSourceArgs.ts), their checks (eventSourceChecks.ts) and
 * the resources (eventSourceResources.ts).
 */
export * from "./eventSourceArgs";
export { checkEventSources, checkServiceTableStream } from "./eventSourceChecks";
export {
  createEventSources,
  CreatedEventSources,
  EventSourceTarget,
  withServiceTableStream,
} from "./eventSourceResources";
export { scheduleExpressionProblem } from "./scheduleExpressions";
