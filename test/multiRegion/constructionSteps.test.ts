import { expect } from "chai";
import { inSteps, inStepsNow, later, whenBuilt } from "../../components/constructionSteps";

// The contract `MultiRegionService.create` and `RegionalService` build on
// (components/constructionSteps.ts): steps run depth first, one event-loop turn apart, and
// `whenBuilt()` settles when the construction ends, whether or not every step ran, because a
// component's `initialize` waits for it before the SDK sends its outputs.

/** Whether `promise` has settled (either way) once the event loop has taken one more turn. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise<void>((resolve) => setImmediate(resolve));
  return settled;
}

describe("construction in steps", () => {
  it("refuses later() outside a construction in steps, naming the call", () => {
    expect(inStepsNow()).to.equal(false);
    expect(() => later(() => undefined)).to.throw("later() outside a construction in steps");
  });

  it("resolves whenBuilt() at once outside a construction", async () => {
    // A component built with `new` awaits it in `initialize` only under a construction; this
    // is what it gets otherwise: a promise that resolves, not one that rejects or hangs.
    const built = whenBuilt();
    expect(await settledSoon(built)).to.equal(true);
    expect(await built).to.equal(undefined);
  });

  it("runs first now, then the steps depth first, one event-loop turn apart, and settles whenBuilt() after the last", async () => {
    const order: string[] = [];
    let built!: Promise<void>;
    const construction = inSteps(() => {
      built = whenBuilt();
      void built.then(() => order.push("built"));
      later(
        () => {
          order.push(`a (in steps: ${inStepsNow()})`);
          later(() => order.push("a1"));
        },
        () => order.push("b"),
      );
      order.push("first");
      return "service";
    });
    // Only `first` has run when inSteps returns: the steps wait for the next turns.
    expect(order).to.deep.equal(["first"]);
    expect(inStepsNow()).to.equal(false);
    expect(await construction).to.equal("service");
    expect(await settledSoon(built)).to.equal(true);
    expect(order).to.deep.equal(["first", "a (in steps: true)", "a1", "b", "built"]);
    expect(inStepsNow()).to.equal(false);
  });

  it("rejects with a failed step's error, runs no step after it, and still settles whenBuilt()", async () => {
    const order: string[] = [];
    let built!: Promise<void>;
    const construction = inSteps(() => {
      built = whenBuilt();
      later(
        () => {
          throw new Error("eu-west-1 refused");
        },
        () => order.push("after the failed step"),
      );
    });
    const error = await construction.then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.equal("eu-west-1 refused");
    expect(order).to.deep.equal([]);
    expect(await settledSoon(built)).to.equal(true);
    expect(inStepsNow()).to.equal(false);
  });
});
