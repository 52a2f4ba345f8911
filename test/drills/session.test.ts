// The machinery both drills share, on a virtual clock: no real waiting.
import { expect } from "chai";
import { DrillInterrupted, DrillStep, drillSession } from "../../drills/session";
import { VirtualClock } from "../deployment/sim/virtualClock";

/**
 * Errors as the SDK v3 throws them once its own retries gave up: the service's error code in
 * `name`, the HTTP status in `$metadata.httpStatusCode` (`@smithy/smithy-client`
 * ServiceException). Lambda throttles with TooManyRequestsException (HTTP 429, Lambda API
 * reference, Errors); a 5xx is a ServiceException (HTTP 500).
 */
const throttled = () =>
  Object.assign(new Error("Rate exceeded"), {
    name: "TooManyRequestsException",
    $metadata: { httpStatusCode: 429 },
  });
const serverError = () =>
  Object.assign(new Error("internal"), {
    name: "ServiceException",
    $metadata: { httpStatusCode: 500 },
  });
/** Lambda API reference, UpdateFunctionConfiguration: ResourceConflictException (HTTP 409). */
const conflict = () =>
  Object.assign(new Error("An update is in progress for resource"), {
    name: "ResourceConflictException",
    $metadata: { httpStatusCode: 409 },
  });

function setUp(signal?: AbortSignal) {
  const clock = new VirtualClock();
  const steps: DrillStep[] = [];
  const lines: string[] = [];
  const session = drillSession({ clock, signal, steps, progress: (line) => lines.push(line) });
  return { clock, steps, lines, session };
}

describe("drill session", () => {
  it("records each step with its time since the start and prints it", async () => {
    const { clock, steps, lines, session } = setUp();
    session.step("baseline", "answers 3.210.0.10");
    await clock.advance(12_345);
    session.step("inverted", "health check inverted");
    expect(steps).to.deep.equal([
      { name: "baseline", atSeconds: 0, detail: "answers 3.210.0.10" },
      { name: "inverted", atSeconds: 12.3, detail: "health check inverted" },
    ]);
    expect(lines).to.deep.equal([
      "[0.0s] baseline: answers 3.210.0.10",
      "[12.3s] inverted: health check inverted",
    ]);
    expect(session.seconds(session.started)).to.equal(12.3);
  });

  it("retries throttling and 5xx with growing waits, and returns the answer", async () => {
    const { clock, lines, session } = setUp();
    const failures = [throttled(), serverError(), throttled()];
    const calledAt: number[] = [];
    const answer = await clock.drive(
      session.call("GetAlias", async () => {
        calledAt.push(clock.now() - session.started);
        const failure = failures.shift();
        if (failure) throw failure;
        return "version 7";
      }),
    );
    expect(answer).to.equal("version 7");
    // 500 ms x 2^attempt: 1 s, 2 s, 4 s between the four attempts.
    expect(calledAt).to.deep.equal([0, 1_000, 3_000, 7_000]);
    expect(lines).to.deep.equal([
      "  GetAlias: TooManyRequestsException, retrying (attempt 2)",
      "  GetAlias: ServiceException, retrying (attempt 3)",
      "  GetAlias: TooManyRequestsException, retrying (attempt 4)",
    ]);
  });

  it("gives up after the last attempt and throws the error", async () => {
    const { clock, session } = setUp();
    let attempts = 0;
    const call = session.call(
      "GetHealthCheckStatus",
      async () => {
        attempts++;
        throw throttled();
      },
      { maxAttempts: 3 },
    );
    let thrown: unknown;
    await clock.drive(call).catch((error: unknown) => (thrown = error));
    expect((thrown as Error).name).to.equal("TooManyRequestsException");
    expect(attempts).to.equal(3);
  });

  it("does not retry an error that is neither throttling nor transient, unless told to", async () => {
    const { clock, session } = setUp();
    let attempts = 0;
    const busyOnce = async () => {
      attempts++;
      if (attempts === 1) throw conflict();
      return "updated";
    };
    let thrown: unknown;
    await clock
      .drive(session.call("UpdateFunctionConfiguration", busyOnce))
      .catch((error: unknown) => (thrown = error));
    expect((thrown as Error).name).to.equal("ResourceConflictException");
    expect(attempts).to.equal(1);

    attempts = 0;
    const answer = await clock.drive(
      session.call("UpdateFunctionConfiguration", busyOnce, {
        retryAlso: (error) => (error as Error).name === "ResourceConflictException",
      }),
    );
    expect(answer).to.equal("updated");
    expect(attempts).to.equal(2);
  });

  it("stops an abortable call on Ctrl-C, between attempts too, but finishes a restore", async () => {
    const interrupt = new AbortController();
    const { clock, session } = setUp(interrupt.signal);
    let attempts = 0;
    const throttledUntilFourth = async () => {
      attempts++;
      if (attempts === 1) interrupt.abort();
      if (attempts < 4) throw throttled();
      return "restored";
    };
    let thrown: unknown;
    const before = clock.now();
    await clock
      .drive(session.call("UpdateHealthCheck", throttledUntilFourth))
      .catch((error: unknown) => (thrown = error));
    expect(thrown).to.be.instanceOf(DrillInterrupted);
    expect(attempts).to.equal(1);
    // Ctrl-C came during the call: no backoff is slept before the drill restores.
    expect(clock.now() - before, "ms slept after Ctrl-C").to.equal(0);
    expect(session.interrupted()).to.equal(true);
    expect(() => session.checkInterrupt()).to.throw(DrillInterrupted);

    const restore = await clock.drive(
      session.call("UpdateHealthCheck (restore)", throttledUntilFourth, { abortable: false }),
    );
    expect(restore).to.equal("restored");
    expect(attempts).to.equal(4);
  });

  it("cuts an abortable pause short on Ctrl-C, and leaves no listener on the signal", async () => {
    const interrupt = new AbortController();
    const { clock, session } = setUp(interrupt.signal);
    let listeners = 0;
    const add = interrupt.signal.addEventListener.bind(interrupt.signal);
    const remove = interrupt.signal.removeEventListener.bind(interrupt.signal);
    interrupt.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof add;
    interrupt.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof remove;

    for (let poll = 0; poll < 50; poll++) await clock.drive(session.pause(5_000));
    expect(listeners, "listeners left after 50 polls").to.equal(0);
    expect(clock.now() - session.started).to.equal(250_000);

    const before = clock.now();
    const long = session.pause(600_000);
    const unabortable = session.pause(1_000, false);
    interrupt.abort();
    await clock.drive(long);
    expect(clock.now() - before, "the abortable pause ended at once").to.equal(0);
    await clock.drive(unabortable);
    expect(clock.now() - before, "the restore's pause ran its full time").to.equal(1_000);
  });
});
