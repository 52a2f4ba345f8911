import {
  CodeDeployServiceException,
  DeploymentLimitExceededException,
  InvalidDeploymentIdException,
} from "@aws-sdk/client-codedeploy";
import { ReplicatedWriteConflictException } from "@aws-sdk/client-dynamodb";
import { ResourceConflictException } from "@aws-sdk/client-lambda";
import { expect } from "chai";
import {
  conflictingDeploymentId,
  errorMessage,
  errorName,
  isRetryableError,
  isThrottlingError,
} from "../../deployment/awsErrors";

// How the engine tells AWS errors apart, against the SDK's own classification
// (@smithy/core `service-error-classification`: THROTTLING_ERROR_CODES, status 429,
// `$retryable.throttling`; `isRetryableByTrait` is `$retryable !== undefined`; 5xx are server
// errors) and the exception classes the SDK throws.

describe("AWS errors: what the engine reads of them", () => {
  it("names an SDK exception by its error code and reads its message", () => {
    // SDK type InvalidDeploymentIdException (CodeDeploy API Reference, GetDeployment, Errors).
    const error = new InvalidDeploymentIdException({
      message: "Specified DeploymentId is not in the valid format: d-bad",
      $metadata: { httpStatusCode: 400 },
    });
    expect(errorName(error)).to.equal("InvalidDeploymentIdException");
    expect(errorMessage(error)).to.equal(
      "Specified DeploymentId is not in the valid format: d-bad",
    );
  });

  it("reads whatever else was thrown: a string, null, undefined, an object without a name", () => {
    expect(errorName("socket closed")).to.equal("Error");
    expect(errorMessage("socket closed")).to.equal("socket closed");
    expect(errorName(null)).to.equal("Error");
    expect(errorMessage(null)).to.equal("null");
    expect(errorName(undefined)).to.equal("Error");
    expect(errorMessage(undefined)).to.equal("undefined");
    expect(errorName({ message: "no name" })).to.equal("Error");
    expect(errorName({ name: 503 })).to.equal("Error");
    expect(errorMessage({ message: 42 })).to.equal("[object Object]");
  });
});

describe("AWS errors: retrying", () => {
  it("retries an error the service models as retryable, without it being throttling", () => {
    // The SDK's DynamoDB ReplicatedWriteConflictException carries `$retryable = {}` (the
    // model's @retryable trait, @aws-sdk/client-dynamodb); the SDK retries it as transient.
    const error = new ReplicatedWriteConflictException({
      message: "Replicated write conflict",
      $metadata: { httpStatusCode: 400 },
    });
    expect(isThrottlingError(error)).to.equal(false);
    expect(isRetryableError(error)).to.equal(true);
  });

  it("retries every 5xx answer and no 4xx one", () => {
    // CodeDeploy models no 5xx exception: the SDK throws its base CodeDeployServiceException
    // with `$fault: "server"` and the status for an unmodelled error.
    const serverError = (httpStatusCode: number) =>
      new CodeDeployServiceException({
        name: "InternalFailure",
        $fault: "server",
        message: "Internal failure",
        $metadata: { httpStatusCode },
      });
    expect(isRetryableError(serverError(500))).to.equal(true);
    expect(isRetryableError(serverError(503))).to.equal(true);
    expect(isRetryableError(serverError(599))).to.equal(true);
    expect(isRetryableError({ name: "BadRequest", $metadata: { httpStatusCode: 499 } })).to.equal(
      false,
    );
    // Lambda API Reference, DeleteFunction, Errors: ResourceConflictException is HTTP 409.
    const conflict = new ResourceConflictException({
      message: "Cannot delete version 3: alias live refers to it",
      $metadata: { httpStatusCode: 409 },
    });
    expect(isRetryableError(conflict)).to.equal(false);
  });

  it("retries timeouts and dropped connections, not other Node errors", () => {
    for (const name of [
      "TimeoutError",
      "RequestTimeout",
      "RequestTimeoutException",
      "AbortError",
    ]) {
      expect(isRetryableError({ name, message: "timed out" }), name).to.equal(true);
    }
    for (const code of ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN"]) {
      const error = Object.assign(new Error(`connect ${code}`), { code });
      expect(isRetryableError(error), code).to.equal(true);
    }
    // A programming error from Node itself, not the network.
    const invalid = Object.assign(new TypeError("The first argument must be of type string"), {
      code: "ERR_INVALID_ARG_TYPE",
    });
    expect(isRetryableError(invalid)).to.equal(false);
    expect(isRetryableError(new Error("no code"))).to.equal(false);
  });
});

describe("AWS errors: the deployment that blocks a new one", () => {
  it("is read only from DeploymentLimitExceededException, in both known wordings", () => {
    // The two wordings documented in awsErrors.ts (AWS documents neither).
    const refusal = (message: string) =>
      new DeploymentLimitExceededException({ message, $metadata: { httpStatusCode: 400 } });
    expect(
      conflictingDeploymentId(
        refusal(
          "The Deployment Group 'orders-live' already has an active Deployment 'd-9Y84SF70K'",
        ),
      ),
    ).to.equal("d-9Y84SF70K");
    expect(
      conflictingDeploymentId(
        refusal("The deployment group 'orders-live' is already deploying 'd-2HV3M9Q1B'"),
      ),
    ).to.equal("d-2HV3M9Q1B");
    // No id named: the engine looks for the running deployment itself.
    expect(
      conflictingDeploymentId(refusal("The deployment group already has an active Deployment")),
    ).to.equal(undefined);
  });
});
