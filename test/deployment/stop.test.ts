/**
 * Stopping this resource's deployments on delete (deployment/stop.ts), against the
 * CodeDeploy/Lambda simulator: what it stops, what it reports line by line, and the races with
 * a deployment that ends or disappears meanwhile.
 */
import { expect } from "chai";
import { deploy, stop } from "../../deployment/engine";
import { ordersInputs, world } from "./sim/scenario";

/** Starts this resource's (marker 0badf00d) deployment of version 4 without waiting. */
async function started(w: ReturnType<typeof world>) {
  return w.clock.drive(
    deploy(
      { ...ordersInputs("4", { waitForCompletion: false }), marker: "0badf00d" },
      w.sim.clients(),
      () => undefined,
      w.clock,
    ),
  );
}

describe("stopping this resource's deployments on delete", () => {
  it("stops its deployment with automatic rollback and reports each step until it ended", async () => {
    const w = world();
    const mine = await started(w);
    const lines: string[] = [];

    const result = await w.clock.drive(
      stop(
        { ...ordersInputs("4"), deploymentId: mine.deploymentId, marker: "0badf00d" },
        w.sim.clients(),
        (line) => lines.push(line),
        w.clock,
      ),
    );

    expect(result).to.deep.equal({ stopped: ["d-SIM000001"], leftAlone: [], stillStopping: [] });
    expect(lines).to.deep.equal([
      "stopping deployment d-SIM000001 with automatic rollback (the resource is being deleted)",
      "deployment d-SIM000001 Stopped",
    ]);
  });

  it("says a deployment is still stopping when its wait ends, and how to follow it", async () => {
    const w = world();
    const mine = await started(w);
    const lines: string[] = [];

    const result = await w.clock.drive(
      stop(
        {
          ...ordersInputs("4"),
          deploymentId: mine.deploymentId,
          marker: "0badf00d",
          waitMinutes: 0,
        },
        w.sim.clients(),
        (line) => lines.push(line),
        w.clock,
      ),
    );

    expect(result).to.deep.equal({
      stopped: ["d-SIM000001"],
      leftAlone: [],
      stillStopping: ["d-SIM000001"],
    });
    expect(lines[1]).to.equal(
      "deployment d-SIM000001 is still Created after 0 min; CodeDeploy finishes stopping it on its own. Follow it: aws deploy get-deployment --deployment-id d-SIM000001 --region eu-west-1",
    );
  });

  it("takes a recorded deployment CodeDeploy no longer knows as gone", async () => {
    const w = world();
    const lines: string[] = [];

    const result = await w.clock.drive(
      stop(
        { ...ordersInputs("4"), deploymentId: "d-EXPIRED", marker: "0badf00d" },
        w.sim.clients(),
        (line) => lines.push(line),
        w.clock,
      ),
    );

    expect(result).to.deep.equal({ stopped: [], leftAlone: [], stillStopping: [] });
    expect(lines).to.deep.equal([]);
  });

  it("does not count a deployment that completed just before its StopDeployment as stopped", async () => {
    const w = world();
    const mine = await started(w);
    w.sim.onRequest = (command) => {
      if (command === "StopDeploymentCommand") {
        w.sim.completeNow("d-SIM000001"); // it ends as the request travels
      }
    };
    const lines: string[] = [];

    const result = await w.clock.drive(
      stop(
        { ...ordersInputs("4"), deploymentId: mine.deploymentId, marker: "0badf00d" },
        w.sim.clients(),
        (line) => lines.push(line),
        w.clock,
      ),
    );

    expect(result).to.deep.equal({ stopped: [], leftAlone: [], stillStopping: [] });
    expect(lines).to.deep.equal([]);
  });

  it("fails, naming the request, when StopDeployment is refused for another reason", async () => {
    const w = world();
    const mine = await started(w);
    w.sim.faults = ({ command }) => (command === "StopDeploymentCommand" ? "denied" : "none");

    const error = await w.clock
      .drive(
        stop(
          { ...ordersInputs("4"), deploymentId: mine.deploymentId, marker: "0badf00d" },
          w.sim.clients(),
          () => undefined,
          w.clock,
        ),
      )
      .catch((e: Error) => e);

    expect((error as Error).message).to.equal(
      "StopDeployment d-SIM000001 failed: AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/orders-deployer/pulumi-up is not authorized to perform: codedeploy:StopDeployment on resource: * because no identity-based policy allows the codedeploy:StopDeployment action",
    );
  });

  it("fails, naming the read, when the recorded deployment cannot be read for another reason", async () => {
    const w = world();
    const mine = await started(w);
    w.sim.faults = ({ command }) => (command === "GetDeploymentCommand" ? "denied" : "none");

    const error = await w.clock
      .drive(
        stop(
          { ...ordersInputs("4"), deploymentId: mine.deploymentId, marker: "0badf00d" },
          w.sim.clients(),
          () => undefined,
          w.clock,
        ),
      )
      .catch((e: Error) => e);

    expect((error as Error).message).to.equal(
      "GetDeployment d-SIM000001 failed: AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/orders-deployer/pulumi-up is not authorized to perform: codedeploy:GetDeployment on resource: arn:aws:codedeploy:eu-west-1:111122223333:deploymentgroup:orders/orders-live because no identity-based policy allows the codedeploy:GetDeployment action",
    );
    expect(w.sim.deployments[0].status).to.not.equal("Stopped");
  });

  it("stops the recorded deployment even when the resource has no marker to match", async () => {
    const w = world();
    const mine = await started(w);

    const result = await w.clock.drive(
      stop(
        { ...ordersInputs("4"), deploymentId: mine.deploymentId },
        w.sim.clients(),
        () => undefined,
        w.clock,
      ),
    );

    expect(result.stopped).to.deep.equal(["d-SIM000001"]);
  });

  it("without a marker, leaves an untagged deployment it did not record alone", async () => {
    const w = world({ listLagMs: 0 });
    w.sim.foreignDeployment("4"); // "deployed by hand": no tag

    const result = await w.clock.drive(
      stop({ ...ordersInputs("4") }, w.sim.clients(), () => undefined, w.clock),
    );

    expect(result).to.deep.equal({ stopped: [], leftAlone: ["d-SIM000001"], stillStopping: [] });
  });
});

describe("stopping this resource's deployments on delete: what it asks and how long it takes", () => {
  it("asks CodeDeploy only for the group's running deployments", async () => {
    const w = world();
    const mine = await started(w);
    const before = w.clock.now();

    await w.clock.drive(
      stop(
        { ...ordersInputs("4"), deploymentId: mine.deploymentId, marker: "0badf00d" },
        w.sim.clients(),
        () => undefined,
        w.clock,
      ),
    );

    const listings = w.sim.requests.filter(
      (request) => request.command === "ListDeploymentsCommand" && request.at >= before,
    );
    expect(listings.map((request) => request.input.includeOnlyStatuses)).to.deep.equal([
      ["Created", "Queued", "InProgress", "Baking", "Ready"],
    ]);
  });

  it("returns within a poll of its deployment stopping, not at the end of its wait", async () => {
    const w = world();
    const mine = await started(w);
    const before = w.clock.now();

    await w.clock.drive(
      stop(
        { ...ordersInputs("4"), deploymentId: mine.deploymentId, marker: "0badf00d" },
        w.sim.clients(),
        () => undefined,
        w.clock,
      ),
    );

    // CodeDeploy (the simulator) stops it 2 s after StopDeployment; polls are about 15 s apart.
    expect(w.clock.now() - before).to.be.below(30_000);
  });
});

describe("stopping this resource's deployments on delete: the read after its wait", () => {
  it("still reads how the deployment ended after its wait when CodeDeploy answers slowly then", async () => {
    const w = world();
    const mine = await started(w);
    const lines: string[] = [];
    // Once StopDeployment is sent, GetDeployment takes 3 s to answer: longer than a request
    // gets at the end of the wait (2 s), shorter than the read after it gets (5 s).
    let stopSent = false;
    w.sim.faults = ({ command }) => {
      stopSent ||= command === "StopDeploymentCommand";
      w.sim.latencyMs = stopSent && command === "GetDeploymentCommand" ? 3_000 : 80;
      return "none";
    };

    const result = await w.clock.drive(
      stop(
        {
          ...ordersInputs("4"),
          deploymentId: mine.deploymentId,
          marker: "0badf00d",
          waitMinutes: 0,
        },
        w.sim.clients(),
        (line) => lines.push(line),
        w.clock,
      ),
    );

    // The answer comes 3 s later, by when the stop (2 s) took effect.
    expect(result).to.deep.equal({ stopped: ["d-SIM000001"], leftAlone: [], stillStopping: [] });
    expect(lines).to.deep.equal([
      "stopping deployment d-SIM000001 with automatic rollback (the resource is being deleted)",
      "deployment d-SIM000001 Stopped",
    ]);
  });
});
