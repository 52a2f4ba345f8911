/**
 * How every AWS request of the engine is sent (deployment/calls.ts, `Session.send`): its own
 * time-out, retries of throttling and transient errors within the operation's deadline, the
 * progress line of each retry, and a failure that says what was tried. On a virtual clock, with
 * clients that answer as scripted.
 */
import { TooManyRequestsException } from "@aws-sdk/client-lambda";
import { expect } from "chai";
import { CallFailure, isCallFailure, Session } from "../../deployment/calls";
import { VirtualClock } from "./sim/virtualClock";

const LABEL = "GetAlias orders-fn:live";

/**
 * Lambda's throttling error (Lambda API reference, Errors: TooManyRequestsException, HTTP 429;
 * `Type` and `Reason` as the SDK's `TooManyRequestsException` has them).
 */
function throttled(): Error {
  return new TooManyRequestsException({
    message: "Rate exceeded",
    $metadata: { httpStatusCode: 429 },
    Type: "User",
    Reason: "CallerRateLimitExceeded",
  });
}

/** What `@smithy/node-http-handler` rejects with when the request's abort signal fires. */
function abortError(): Error {
  return Object.assign(new Error("Request aborted"), { name: "AbortError" });
}

/**
 * A client whose n-th request (from 0) does what `script[n]` says: answer (`{ answer }`),
 * throw, or `"stall"` (no answer until the request is aborted); the last entry repeats. Each
 * request's abort signal is kept.
 */
function scriptedClient(script: ({ answer: unknown } | Error | "stall")[]) {
  const signals: (AbortSignal | undefined)[] = [];
  const client = {
    send: (_command: unknown, options?: { abortSignal?: AbortSignal }) => {
      const step = script[Math.min(signals.length, script.length - 1)];
      signals.push(options?.abortSignal);
      if (step === "stall") {
        return new Promise((_, reject) =>
          options?.abortSignal?.addEventListener("abort", () => reject(abortError())),
        );
      }
      return step instanceof Error ? Promise.reject(step) : Promise.resolve(step.answer);
    },
  };
  return { client, signals };
}

/** A session on a virtual clock whose jitter draws are all 0.5 (so the first wait is 500 ms). */
function session(deadlineInMs: number, requestTimeoutMs?: number) {
  const clock = new VirtualClock();
  clock.random = () => 0.5;
  const lines: string[] = [];
  const { client } = scriptedClient([{ answer: {} }]);
  const started = clock.now();
  const created = new Session(
    { codedeploy: client, lambda: client },
    clock,
    (line) => lines.push(line),
    { deadline: started + deadlineInMs, requestTimeoutMs },
  );
  return { clock, lines, started, session: created };
}

async function failureOf(run: Promise<unknown>): Promise<CallFailure> {
  try {
    await run;
  } catch (error) {
    return error as CallFailure;
  }
  throw new Error("expected a failure");
}

describe("AWS requests: time-outs", () => {
  it("abandons and aborts a request that does not answer within the session's time-out, then retries it", async () => {
    const { clock, lines, started, session: s } = session(60_000, 3_000);
    const { client, signals } = scriptedClient(["stall", { answer: { FunctionVersion: "4" } }]);

    const answer = await clock.drive(s.send(LABEL, client, {}));

    expect(answer).to.deep.equal({ FunctionVersion: "4" });
    expect(signals.map((signal) => signal?.aborted)).to.deep.equal([true, false]);
    // 3 s of waiting for the answer, then the first retry's wait (0.5 x 1 s).
    expect(clock.now() - started).to.equal(3_500);
    expect(lines).to.deep.equal([`${LABEL}: transient error (TimeoutError); retrying in 0.5 s`]);
  });

  it("fails with every attempt counted and the time-out named when no attempt answers before the deadline", async () => {
    const { clock, started, session: s } = session(10_000, 3_000);
    const { client, signals } = scriptedClient(["stall"]);

    const failure = await failureOf(clock.drive(s.send(LABEL, client, {})));

    // 3 s + 0.5 s + 3 s + 1 s (0.5 x 2 s) + 2.5 s (what is left): the last attempt gets only
    // the time before the deadline.
    expect(clock.now() - started).to.equal(10_000);
    expect(signals).to.have.length(3);
    expect(failure.message).to.equal(
      `${LABEL} failed after 3 attempts over 10 s (TimeoutError x3): TimeoutError: ${LABEL}: no response within 2.5 s`,
    );
    expect({ name: failure.name, code: failure.code, call: failure.call }).to.deep.equal({
      name: "TimeoutError",
      code: "TimeoutError",
      call: LABEL,
    });
    expect([failure.attempts, failure.elapsedMs]).to.deep.equal([3, 10_000]);
  });

  it("never aborts a request after it answered, and leaves no timer running", async () => {
    const { clock, session: s } = session(60_000, 3_000);
    const { client, signals } = scriptedClient([{ answer: {} }]);

    await clock.drive(s.send(LABEL, client, {}));
    await clock.advance(60_000);

    // An answer can still be streaming after `send` resolves: aborting then would cut it.
    expect(signals.map((signal) => signal?.aborted)).to.deep.equal([false]);
  });
});

describe("AWS requests: retries within the deadline", () => {
  it("says what it retries: throttling as throttled, other transient errors as transient", async () => {
    const { clock, lines, session: s } = session(60_000);
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const { client } = scriptedClient([throttled(), reset, { answer: { ok: true } }]);

    expect(await clock.drive(s.send(LABEL, client, {}))).to.deep.equal({ ok: true });
    expect(lines).to.deep.equal([
      `${LABEL}: throttled (TooManyRequestsException); retrying in 0.5 s`,
      `${LABEL}: transient error (Error); retrying in 1.0 s`,
    ]);
  });

  it("counts each kind of error of a failure that was retried", async () => {
    const { clock, session: s } = session(4_000, 1_000);
    const { client } = scriptedClient([throttled(), throttled(), "stall"]);

    const failure = await failureOf(clock.drive(s.send(LABEL, client, {})));

    expect(failure.message).to.match(
      new RegExp(
        `^${LABEL} failed after 3 attempts over \\d\\.\\d s \\(TooManyRequestsException x2, TimeoutError\\): `,
      ),
    );
  });

  it("does not retry when the next wait would reach the deadline, and does when it ends before", async () => {
    // The first wait is 500 ms (see `session`); the throttled request answers at once.
    const exactly = session(500);
    const before = session(501);
    const refusedThenAnswered = () =>
      scriptedClient([throttled(), { answer: { ok: true } }]).client;

    const failure = await failureOf(
      exactly.clock.drive(exactly.session.send(LABEL, refusedThenAnswered(), {})),
    );
    const answer = await before.clock.drive(before.session.send(LABEL, refusedThenAnswered(), {}));

    expect(failure.message).to.equal(`${LABEL} failed: TooManyRequestsException: Rate exceeded`);
    expect(failure.attempts).to.equal(1);
    expect(answer).to.deep.equal({ ok: true });
  });

  it("retries for longer once the deadline is moved later (the deployment group's configuration is known)", async () => {
    const { clock, session: s, started } = session(500);
    const { client } = scriptedClient([throttled(), { answer: { ok: true } }]);

    s.setDeadline(started + 60_000);

    expect(s.deadline).to.equal(started + 60_000);
    expect(await clock.drive(s.send(LABEL, client, {}))).to.deep.equal({ ok: true });
  });
});

describe("AWS requests: telling a failed request from other errors", () => {
  it("recognizes a request's failure, also as a plain object after serialization, and nothing else", async () => {
    const { clock, session: s } = session(0);
    const { client } = scriptedClient([throttled()]);
    const failure = await failureOf(clock.drive(s.send(LABEL, client, {})));

    expect(isCallFailure(failure)).to.equal(true);
    expect(isCallFailure({ ...failure })).to.equal(true);
    expect(isCallFailure(throttled())).to.equal(false);
    expect(isCallFailure({ call: LABEL })).to.equal(false);
    expect(isCallFailure({ call: undefined, attempts: 1 })).to.equal(false);
    expect(isCallFailure(undefined)).to.equal(false);
    expect(failure.cause).to.be.instanceOf(TooManyRequestsException);
  });
});
