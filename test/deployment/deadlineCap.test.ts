// The deadline is a cap, not a checkpoint: the engine never sleeps past it, whatever the poll
// schedule. With these limits the schedule's next poll lands 4-16 s after the limit (measured
// with the cap removed: 128.0 s, 184.3 s and 256.4 s), so a test can tell a capped wait from
// an uncapped one; a limit the schedule hits exactly could not.
import { expect } from "chai";
import { ordersInputs, world } from "./sim/scenario";

describe("deployment engine: the deadline caps every wait", () => {
  for (const timeoutMinutes of [2, 3, 4]) {
    it(`gives up at ${timeoutMinutes} min during a canary, not at the next poll after it`, async () => {
      const { stack } = world();
      const up = await stack.up(ordersInputs("4", { timeoutMinutes }));
      expect(up.failureKind).to.equal("timeout");
      // After the limit it only reads the alias once more (simulated latency: well under 1 s).
      const limit = timeoutMinutes * 60_000;
      expect(up.ended - up.started).to.be.within(limit, limit + 1_000);
    });
  }
});
