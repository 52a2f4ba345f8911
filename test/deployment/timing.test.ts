import { DeploymentLimitExceededException, ThrottlingException } from "@aws-sdk/client-codedeploy";
import { TooManyRequestsException } from "@aws-sdk/client-lambda";
import { expect } from "chai";
import {
  conflictingDeploymentId,
  isRetryableError,
  isThrottlingError,
} from "../../deployment/awsErrors";
import {
  backoffDelayMs,
  formatDuration,
  POLL_BACKOFF,
  POLL_INTERVAL_MAX_MS,
  pollDelayMs,
  systemClock,
} from "../../deployment/timing";

describe("polling", () => {
  it("settles at 15 s between polls, within +-20%, never over the documented maximum", () => {
    expect([0, 1, 2, 3, 10].map((attempt) => pollDelayMs(attempt, () => 0.5))).to.deep.equal([
      2_000, 4_000, 8_000, 15_000, 15_000,
    ]);
    expect(pollDelayMs(10, () => 0)).to.equal(12_000);
    expect(pollDelayMs(10, () => 0.999999)).to.be.at.most(POLL_INTERVAL_MAX_MS);
  });
});

describe("backoff", () => {
  it("grows exponentially to the cap and stays within [floor, ceiling] whatever the jitter", () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(POLL_BACKOFF.capMs, POLL_BACKOFF.baseMs * 2 ** attempt);
      for (const random of [0, 0.25, 0.5, 0.999999]) {
        const delay = backoffDelayMs(attempt, () => random, POLL_BACKOFF);
        expect(delay, `attempt ${attempt}, random ${random}`).to.be.within(
          POLL_BACKOFF.floorMs,
          ceiling,
        );
      }
    }
    const highest = (attempt: number) => backoffDelayMs(attempt, () => 0.999999, POLL_BACKOFF);
    expect([0, 1, 2, 3, 4, 5, 20].map(highest)).to.deep.equal([
      1999, 3999, 7999, 14999, 14999, 14999, 14999,
    ]);
    expect(backoffDelayMs(3, () => 0, POLL_BACKOFF)).to.equal(POLL_BACKOFF.floorMs);
  });
});

describe("AWS error classification", () => {
  it("recognises CodeDeploy and Lambda throttling the way the SDK does", () => {
    const codedeploy = new ThrottlingException({
      message: "Rate exceeded",
      $metadata: { httpStatusCode: 400 },
    });
    const lambda = new TooManyRequestsException({
      message: "Rate exceeded",
      $metadata: { httpStatusCode: 429 },
    });
    expect(isThrottlingError(codedeploy)).to.equal(true);
    expect(isThrottlingError(lambda)).to.equal(true);
    expect(isThrottlingError({ name: "Whatever", $metadata: { httpStatusCode: 429 } })).to.equal(
      true,
    );
    expect(isThrottlingError({ name: "Whatever", $retryable: { throttling: true } })).to.equal(
      true,
    );
    expect(
      isThrottlingError({ name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } }),
    ).to.equal(false);
  });

  it("retries 5xx and dropped connections but not client errors", () => {
    expect(
      isRetryableError({ name: "InternalFailure", $metadata: { httpStatusCode: 503 } }),
    ).to.equal(true);
    expect(
      isRetryableError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })),
    ).to.equal(true);
    expect(
      isRetryableError({
        name: "InvalidDeploymentIdException",
        $metadata: { httpStatusCode: 400 },
      }),
    ).to.equal(false);
  });

  it("reads the blocking deployment's id from DeploymentLimitExceededException", () => {
    const error = new DeploymentLimitExceededException({
      message: "The Deployment Group 'orders-live' already has an active Deployment 'd-9Y84SF70K'",
      $metadata: {},
    });
    expect(conflictingDeploymentId(error)).to.equal("d-9Y84SF70K");
    // The later format (webfactory/create-aws-codedeploy-deployment src/action.js, PR #24).
    const deploying = new DeploymentLimitExceededException({
      message: "The deployment group 'orders-live' is already deploying 'd-2HV3M9Q1B'",
      $metadata: {},
    });
    expect(conflictingDeploymentId(deploying)).to.equal("d-2HV3M9Q1B");
    expect(conflictingDeploymentId(new Error("already has an active Deployment 'd-1'"))).to.equal(
      undefined,
    );
  });
});

describe("durations in progress lines", () => {
  it("shows seconds with a tenth below 10 s, whole seconds below a minute", () => {
    expect(formatDuration(250)).to.equal("0.3 s");
    expect(formatDuration(9_940)).to.equal("9.9 s");
    expect(formatDuration(10_000)).to.equal("10 s");
    expect(formatDuration(20_000)).to.equal("20 s");
    expect(formatDuration(59_400)).to.equal("59 s");
  });

  it("shows minutes from one minute, and hours with their minutes from one hour", () => {
    expect(formatDuration(60_000)).to.equal("1 min");
    expect(formatDuration(59 * 60_000)).to.equal("59 min");
    expect(formatDuration(60 * 60_000)).to.equal("1 h");
    expect(formatDuration(90 * 60_000)).to.equal("1 h 30 min");
    expect(formatDuration(125 * 60_000)).to.equal("2 h 5 min");
    expect(formatDuration(48 * 60 * 60_000)).to.equal("48 h");
  });
});

describe("the real clock", () => {
  it("sleeps for the time asked, without a cancel signal", async () => {
    const start = Date.now();
    await systemClock.sleep(20);
    expect(Date.now() - start).to.be.at.least(15);
  });

  it("wakes at once when the wait is cancelled", async () => {
    const cancel = new AbortController();
    const start = Date.now();
    const asleep = systemClock.sleep(60_000, cancel.signal);
    setTimeout(() => cancel.abort(), 10);
    const woken = await Promise.race([
      asleep.then(() => "woken"),
      new Promise((resolve) => setTimeout(() => resolve("still asleep"), 1_000)),
    ]);
    expect(woken).to.equal("woken");
    expect(Date.now() - start).to.be.below(1_000);
  });
});
