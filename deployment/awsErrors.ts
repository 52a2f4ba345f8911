/**
 * How AWS SDK v3 errors are told apart. The SDK's own retry strategy classifies an error as
 * throttling when its `name` is one of the known throttling codes, its HTTP status is 429, or
 * it carries `$retryable: { throttling: true }` (`@smithy/core` retry,
 * `service-error-classification`). CodeDeploy throttles with `ThrottlingException` (HTTP
 * 400); Lambda with `TooManyRequestsException` (HTTP 429).
 */

/** Error names the SDK treats as throttling (`THROTTLING_ERROR_CODES` in `@smithy/core`). */
const THROTTLING_ERROR_NAMES = [
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
];

/** Timeouts, and `AbortError` (`@smithy/node-http-handler` when a request's signal aborts it). */
const TRANSIENT_ERROR_NAMES = [
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "AbortError",
];
/** Node's `code` of a dropped or refused connection (typed `unknown[]`: any `code` is looked up). */
const TRANSIENT_NETWORK_CODES: readonly unknown[] = [
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
];

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === "object" && error !== null ? (error as SdkErrorShape) : {};
}

/** The error's `name` (the AWS error code for service errors). */
export function errorName(error: unknown): string {
  const name = shape(error).name;
  return typeof name === "string" ? name : "Error";
}

/** The error's message, whatever was thrown. */
export function errorMessage(error: unknown): string {
  const message = shape(error).message;
  return typeof message === "string" ? message : String(error);
}

/** True when AWS asked us to slow down. */
export function isThrottlingError(error: unknown): boolean {
  const e = shape(error);
  return (
    THROTTLING_ERROR_NAMES.includes(errorName(error)) ||
    e.$metadata?.httpStatusCode === 429 ||
    e.$retryable?.throttling === true
  );
}

/** True for throttling, 5xx answers, timeouts and dropped connections: worth another try. */
export function isRetryableError(error: unknown): boolean {
  const e = shape(error);
  // An HTTP status is three digits (RFC 9110, section 15), so 500 and above is the 5xx class.
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    isThrottlingError(error) ||
    e.$retryable !== undefined ||
    status >= 500 ||
    TRANSIENT_ERROR_NAMES.includes(errorName(error)) ||
    TRANSIENT_NETWORK_CODES.includes(e.code)
  );
}

/**
 * The id of the deployment that blocks a new one, from CreateDeployment's
 * `DeploymentLimitExceededException`; undefined for any other error, or when the message names
 * none. Two message formats are known: "The Deployment Group 'orders' already has an active
 * Deployment 'd-ABCDEF123'" (AWS CLI output quoted in CircleCI-Public/aws-ecs-orb#181) and
 * "... is already deploying 'd-ABCDEF123'" (webfactory/create-aws-codedeploy-deployment
 * `src/action.js` matches `(?:is already deploying|already has an active Deployment)
 * '(d-\w+)'` since its PR #24, "AWS changed the error message"). AWS documents neither. Both
 * quote the id; a message that does not is read as naming none, and the engine then looks for
 * the running deployment itself (as after a lost answer): up to 5 such refusals, so an update
 * whose listings keep lagging ends at the sixth ("CodeDeploy refused 6 times";
 * docs/deployments.md).
 */
export function conflictingDeploymentId(error: unknown): string | undefined {
  if (errorName(error) !== "DeploymentLimitExceededException") {
    return undefined;
  }
  return /(?:is already deploying|already has an active deployment) '(d-[A-Z0-9]+)'/i.exec(
    errorMessage(error),
  )?.[1];
}
