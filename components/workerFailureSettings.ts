/**
 * Stack config `worker.asyncFailures` (issue 17): how the bundled worker's asynchronous source
 * (its schedule) handles failed invocations. Its own section so the stack settings file only
 * names it. No existing destination ARN here: the worker runs in every region of the stack, and
 * each region's invoke config gets the queue created in that region.
 */
import { z } from "zod";

/** The schema of `worker.asyncFailures` in a stack file.
 * @internal Stack-config plumbing typed with zod: kept out of the published declarations, which must compile without zod's types (Pulumi's template tsconfig). */
export const workerAsyncFailuresConfig = z.strictObject({
  /** Retries of an invocation the worker failed, 0-2 (PutFunctionEventInvokeConfig). */
  maximumRetryAttempts: z.int().min(0).max(2).optional(),
  /** Oldest event Lambda still sends to the worker, 60-21600 seconds. */
  maximumEventAgeSeconds: z.int().min(60).max(21600).optional(),
  /** A dead-letter queue for what the schedule could not deliver. */
  sourceDeadLetterQueues: z.boolean().optional(),
});

/** `worker.asyncFailures` with its defaults: Lambda's own retries and age, the source queues on. */
export interface WorkerAsyncFailureSettings {
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  sourceDeadLetterQueues: boolean;
}

/**
 * `worker.asyncFailures` with Lambda's defaults (2 retries, six hours) filled in.
 * @internal Stack-config plumbing typed with zod: kept out of the published declarations, which must compile without zod's types (Pulumi's template tsconfig).
 */
export function resolveWorkerAsyncFailures(
  given: z.infer<typeof workerAsyncFailuresConfig> | undefined,
): WorkerAsyncFailureSettings {
  return {
    maximumRetryAttempts: given?.maximumRetryAttempts ?? 2,
    maximumEventAgeSeconds: given?.maximumEventAgeSeconds ?? 21600,
    sourceDeadLetterQueues: given?.sourceDeadLetterQueues ?? true,
  };
}
