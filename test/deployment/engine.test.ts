/**
 * The deployment engine's ordinary behaviour, against the CodeDeploy/Lambda simulator
 * (test/deployment/sim): what it sends, what it reports, and what an operator reads.
 */
import { expect } from "chai";
import { deploy, stop } from "../../deployment/engine";
import {
  CODEDEPLOY_DESCRIPTION_LIMIT,
  deploymentDescription,
  hasTag,
  parseTag,
} from "../../deployment/marker";
import { parseLambdaAppSpec } from "../../deployment/appSpec";
import { ordersInputs, world } from "./sim/scenario";

function createRequests(sim: ReturnType<typeof world>["sim"]) {
  return sim.requests.filter((request) => request.command === "CreateDeploymentCommand");
}

describe("deployment engine: deploy", () => {
  it("does nothing when the alias already serves the target version", async () => {
    const { sim, stack } = world();

    const up = await stack.up(ordersInputs("3"));

    expect(up.outcome).to.equal("success");
    expect(up.recorded?.status).to.equal("AlreadyAtTarget");
    expect(createRequests(sim)).to.have.length(0);
  });

  it("creates one deployment whose AppSpec shifts the alias from the version it serves to the target, hooks in order", async () => {
    const { sim, clock } = world();
    const lines: string[] = [];

    const result = await clock.drive(
      deploy(
        {
          ...ordersInputs("4"),
          marker: "0badf00d",
          hooks: {
            beforeAllowTraffic: "CodeDeployHook_pre",
            afterAllowTraffic: "CodeDeployHook_post",
          },
        },
        sim.clients(),
        (line) => lines.push(line),
        clock,
      ),
    );

    expect(result).to.include({ status: "Succeeded", deployedVersion: "4", previousVersion: "3" });
    const [create] = createRequests(sim);
    expect(create.input.description).to.equal("pulumi up: live -> version 4 [pulumi:0badf00d:4:0]");
    expect(create.input.revision.revisionType).to.equal("AppSpecContent");
    const content = create.input.revision.appSpecContent.content as string;
    expect(parseLambdaAppSpec(content)).to.deep.include({
      currentVersion: "3",
      targetVersion: "4",
    });
    expect(JSON.parse(content).Hooks).to.deep.equal([
      { BeforeAllowTraffic: "CodeDeployHook_pre" },
      { AfterAllowTraffic: "CodeDeployHook_post" },
    ]);
    expect(lines).to.include.members([
      "d-SIM000001: InProgress",
      "d-SIM000001: 10% of traffic on version 4",
      "d-SIM000001: 100% of traffic on version 4",
      "d-SIM000001: Succeeded",
    ]);
  });

  it("polls a running deployment at most about 8 times a minute (GetDeployment + GetAlias every 15 s)", async () => {
    const { sim, stack } = world({
      shift: { type: "TimeBasedLinear", percentage: 10, intervalMinutes: 3 },
    });

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: 60 }));

    expect(up.outcome, up.message).to.equal("success");
    const minutes = (up.ended - up.started) / 60_000;
    expect(minutes).to.be.greaterThan(27);
    const reads = sim.requests.filter(
      (request) =>
        request.command === "GetDeploymentCommand" || request.command === "GetAliasCommand",
    );
    expect(reads.length / minutes).to.be.at.most(9);
  });

  it("fails with the alarm's name, CodeDeploy's reason, the rollback, where the alias is and what to do", async () => {
    const { sim, stack } = world();
    sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 90_000, alarm: "orders-errors" });

    const up = await stack.up(ordersInputs("4"));

    expect(up.outcome).to.equal("failure");
    expect(up.message!.split("\n")).to.deep.equal([
      "CodeDeploy deployment d-SIM000001 of orders-fn:live (version 3 -> 4, eu-west-1) Stopped.",
      "CodeDeploy's reason: ALARM_ACTIVE: One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <orders-errors>",
      "Alarm that stopped it: orders-errors",
      "Rollback: d-SIM000002 - Automatic rollback triggered by ALARM_ACTIVE (rollback Succeeded)",
      "Alias live now serves version 3.",
      "Fix the cause, then publish a new version (or set [retryToken] to a new value to retry version 4) and run `pulumi up` again.",
      "Details: https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-SIM000001?region=eu-west-1",
    ]);
    expect(up.recorded).to.include({
      status: "Stopped",
      deployedVersion: "3",
      deploymentId: "d-SIM000001",
    });
  });

  it("links the service's dashboard from the failure and from the progress when given one", async () => {
    const { sim, stack } = world();
    sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 90_000, alarm: "orders-errors" });
    const dashboardUrl =
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/orders-staging";

    const up = await stack.up(ordersInputs("4", { dashboardUrl }));

    expect(up.outcome).to.equal("failure");
    expect(up.message!.split("\n").slice(-2)).to.deep.equal([
      "Details: https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-SIM000001?region=eu-west-1",
      `Dashboard (every region's metrics): ${dashboardUrl}`,
    ]);
    expect(up.log.join("\n")).to.contain(`; dashboard: ${dashboardUrl}`);
  });

  it("names the failed hook and its diagnostics", async () => {
    const { sim, stack } = world();
    sim.fateOf = () => ({ kind: "hookFails", hook: "BeforeAllowTraffic" });

    const up = await stack.up(ordersInputs("4"));

    expect(up.message).to.include("CodeDeploy's reason: HOOK_EXECUTION_FAILURE");
    expect(up.message).to.include(
      "Failed lifecycle event: BeforeAllowTraffic (ScriptFailed; BeforeAllowTraffic hook reported Failed: smoke test got HTTP 500)",
    );
  });

  it("fails at once on an error that retrying cannot fix, saying no deployment was started", async () => {
    const { stack } = world({ accountId: "111122223333" });

    const up = await stack.up({ ...ordersInputs("4"), deploymentGroupName: "no-such-group" });

    expect(up.outcome).to.equal("failure");
    expect(up.message).to.match(
      /^No deployment of version 4 to orders-fn:live \(eu-west-1\) was started: /,
    );
    expect(up.message).to.include("Nothing of this update is running in the deployment group.");
  });

  it("derives the whole operation's limit from the deployment group's configuration", async () => {
    const { stack } = world();

    const up = await stack.up(ordersInputs("4", { timeoutMinutes: undefined }));

    expect(up.outcome).to.equal("success");
    expect(up.log.join("\n")).to.include(
      "deployment configuration CodeDeployDefault.LambdaCanary10Percent5Minutes: ~5 min of traffic shifting; waiting up to 35 min in all",
    );
  });
});

describe("deployment engine: the description CodeDeploy gets", () => {
  it("never exceeds CodeDeploy's 100 characters, whatever the text, alias and version", () => {
    const tag = { marker: "0badf00d", targetVersion: "1234567890", retry: "ffff" };
    for (const text of [undefined, "x".repeat(66), "y".repeat(300)]) {
      const description = deploymentDescription(text, "a".repeat(128), tag);
      expect(description.length, description).to.be.at.most(CODEDEPLOY_DESCRIPTION_LIMIT);
      expect(description.endsWith(" [pulumi:0badf00d:1234567890:ffff]")).to.equal(true);
    }
    expect(deploymentDescription("x".repeat(66), "live", tag)).to.equal(
      `${"x".repeat(66)} [pulumi:0badf00d:1234567890:ffff]`,
    );
  });

  it("reads the tag at the end, not a tag-like text the user wrote before it", () => {
    const tag = { marker: "0badf00d", targetVersion: "4", retry: "0" };
    const description = deploymentDescription("copy of [pulumi:deadbeef:4:0] run", "live", tag);

    expect(parseTag(description)).to.deep.equal(tag);
    expect(hasTag(description, tag)).to.equal(true);
    expect(hasTag("[pulumi:0badf00d:4:0] then more text", tag)).to.equal(false);
  });

  it("is accepted by CodeDeploy with the longest description the arguments allow", async () => {
    const { sim, stack } = world({ versions: ["3", "1234567890"] });

    const up = await stack.up(
      ordersInputs("1234567890", { description: "d".repeat(66), retryToken: "second try" }),
    );

    expect(up.outcome, up.message).to.equal("success");
    expect(createRequests(sim)[0].input.description).to.have.length(100);
  });
});

describe("deployment engine: stop", () => {
  it("stops its own running deployment with automatic rollback and leaves someone else's alone", async () => {
    const { sim, clock } = world();
    const mine = await clock.drive(
      deploy(
        { ...ordersInputs("4", { waitForCompletion: false }), marker: "0badf00d" },
        sim.clients(),
        () => undefined,
        clock,
      ),
    );
    const lines: string[] = [];

    const result = await clock.drive(
      stop(
        { ...ordersInputs("4"), deploymentId: mine.deploymentId, marker: "0badf00d" },
        sim.clients(),
        (line) => lines.push(line),
        clock,
      ),
    );

    expect(result.stopped).to.deep.equal(["d-SIM000001"]);
    expect(sim.deployments[0].status).to.equal("Stopped");
    const stopRequest = sim.requests.find((request) => request.command === "StopDeploymentCommand");
    expect(stopRequest?.input).to.deep.equal({
      deploymentId: "d-SIM000001",
      autoRollbackEnabled: true,
    });
  });

  it("recognises a deployment it started but never recorded by the marker in its description", async () => {
    const { sim, clock } = world({ listLagMs: 0 });
    await clock.drive(
      deploy(
        { ...ordersInputs("4", { waitForCompletion: false }), marker: "0badf00d" },
        sim.clients(),
        () => undefined,
        clock,
      ),
    );

    const result = await clock.drive(
      stop({ ...ordersInputs("4"), marker: "0badf00d" }, sim.clients(), () => undefined, clock),
    );

    expect(result.stopped).to.deep.equal(["d-SIM000001"]);
  });

  it("leaves a deployment of another resource alone and says so", async () => {
    const { sim, clock } = world({ listLagMs: 0 });
    sim.foreignDeployment("4");
    const lines: string[] = [];

    const result = await clock.drive(
      stop(
        { ...ordersInputs("4"), marker: "0badf00d" },
        sim.clients(),
        (line) => lines.push(line),
        clock,
      ),
    );

    expect(result).to.deep.equal({ stopped: [], leftAlone: ["d-SIM000001"], stillStopping: [] });
    expect(lines[0]).to.include("was not started by this resource; leaving it alone");
  });
});
