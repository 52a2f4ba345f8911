/**
 * The contract between the deployment engine and the hooks: what the engine sends in
 * CreateDeployment is all a hook can read back on AWS. GetDeployment gives an inline revision's
 * `sha256` only (its `content` "is always null": CodeDeploy API Reference, GetDeployment), and
 * GetApplicationRevision finds the content by that hash. The simulator answers both from what
 * CreateDeployment actually sent, so a deployment created without the hash fails this test as
 * a real hooked rollout would fail its BeforeAllowTraffic hook.
 */
import type { CodeDeployClient } from "@aws-sdk/client-codedeploy";
import { expect } from "chai";
import { createHash } from "crypto";
import { fetchDeploymentTarget } from "../../hooks/handlers/appSpec";
import { ordersInputs, world } from "./sim/scenario";

describe("engine and hooks agree on the deployment's AppSpec", () => {
  it("sends the AppSpec's sha256 with its content, as CodeDeploy needs to give it back to a hook", async () => {
    const { sim, stack } = world();
    const result = await stack.up(ordersInputs("4"));
    expect(result.outcome).to.equal("success");

    const created = sim.requests.filter((r) => r.command === "CreateDeploymentCommand");
    expect(created).to.have.length(1);
    const { content, sha256 } = created[0].input.revision.appSpecContent;
    expect(sha256).to.equal(createHash("sha256").update(content, "utf8").digest("hex"));
  });

  it("a hook reads the versions of the engine's deployment through GetDeployment and GetApplicationRevision", async () => {
    const { clock, sim, stack } = world();
    await stack.up(ordersInputs("4"));
    const deploymentId = sim.deployments.find((d) => d.viaEngine)!.id;

    const codedeploy = { send: (command: unknown) => sim.send(command) } as Pick<
      CodeDeployClient,
      "send"
    >;
    const target = await clock.drive(
      fetchDeploymentTarget(
        codedeploy,
        deploymentId,
        { TARGET_FUNCTION_NAME: "orders-fn", TARGET_ALIAS_NAME: "live" },
        new AbortController().signal,
      ),
    );

    expect(target.functionName).to.equal("orders-fn");
    expect(target.target).to.include({ alias: "live", currentVersion: "3", targetVersion: "4" });
  });
});
