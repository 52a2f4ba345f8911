// The rollback drill against the project's stateful CodeDeploy/Lambda/CloudWatch simulator
// (test/deployment/sim), on a virtual clock: the invoked versions run the bundled orders service,
// the group's error alarm follows their function errors, and an alarm in ALARM stops and rolls
// back the deployment, as CodeDeploy does.
import { expect } from "chai";
import { describeRollbackReport, runRollbackDrill } from "../../drills/rollback";
import { AwsSimulator, Fault, SimSetup } from "../deployment/sim/awsSimulator";
import { ordersSetup } from "../deployment/sim/scenario";
import { VirtualClock } from "../deployment/sim/virtualClock";

const ORIGINAL_VARIABLES = { TABLE_NAME: "orders-staging", LOG_LEVEL: "info" };

function setUp(setup: Partial<SimSetup> = {}) {
  const clock = new VirtualClock(7);
  const sim = new AwsSimulator(clock, {
    ...ordersSetup,
    hooks: { before: false, after: false },
    versions: ["1", "2", "3"],
    aliasVersion: "3",
    errorAlarm: { name: "orders-staging-errors", threshold: 3, periodMs: 60_000 },
    functionVariables: ORIGINAL_VARIABLES,
    ...setup,
  });
  const lines: string[] = [];
  const options = {
    clients: sim.clients(),
    clock,
    region: ordersSetup.region,
    functionName: ordersSetup.functionName,
    aliasName: ordersSetup.aliasName,
    applicationName: ordersSetup.applicationName,
    deploymentGroupName: ordersSetup.deploymentGroupName,
    pollMs: 5_000,
    stepTimeoutMs: 20 * 60_000,
    progress: (line: string) => lines.push(line),
  };
  return { clock, sim, lines, options };
}

const sent = (sim: AwsSimulator, command: string) =>
  sim.requests.filter((request) => request.command === command && request.fault === "none");

describe("rollback drill", () => {
  it("deploys a failing version, sees the alarm stop it and the alias return, and restores the function", async () => {
    const { clock, sim, lines, options } = setUp();
    const report = await clock.drive(runRollbackDrill(options));
    expect(report.problem).to.equal(undefined);
    expect(report.outcome).to.equal("passed");
    expect(report.restored).to.equal(true);
    expect(report.previousVersion).to.equal("3");
    expect(report.drillVersion).to.equal("4");
    expect(sim.versionVariables.get("4")).to.deep.equal({
      ...ORIGINAL_VARIABLES,
      DRILL_FAIL_REQUESTS: "true",
    });
    expect(sim.latest.variables).to.deep.equal(ORIGINAL_VARIABLES);
    expect(sim.aliasNow()).to.deep.equal({ version: "3", weights: {} });
    const [deployment, rollback] = sim.deployments;
    expect(deployment.target).to.equal("4");
    expect(deployment.status).to.equal("Stopped");
    expect(deployment.errorInformation?.code).to.equal("ALARM_ACTIVE");
    expect(rollback.creator).to.equal("codeDeployRollback");
    expect(report.rollbackDeploymentId).to.equal(rollback.id);
    expect(report.firedAlarms).to.deep.equal(["orders-staging-errors"]);
    expect(report.traffic["4"].errors).to.equal(report.traffic["4"].requests);
    expect(report.traffic["4"].errors).to.be.at.least(3);
    expect(report.traffic["3"].errors).to.equal(0);
    // Canary 10%: about one failing request in ten, three in a minute trip the alarm; the
    // rollback moves the alias 20 s after the stop (rollbackMs).
    expect(report.alarmSeconds).to.be.within(0, 60);
    expect(report.stopSeconds).to.be.within(0, 60);
    expect(report.rollbackSeconds).to.be.within(report.stopSeconds! + 15, report.stopSeconds! + 30);
    expect(report.steps.map((s) => s.name)).to.deep.equal([
      "baseline",
      "published",
      "configuration restored",
      "deploying",
      "first error",
      "alarm",
      "stopped",
      "rolled back",
    ]);
    expect(lines.join("\n")).to.contain("started CodeDeploy deployment");
    expect(describeRollbackReport(report))
      .to.contain("PASSED")
      .and.contain("first error -> alias back on 3:");
  });

  it("stops the deployment with automatic rollback and restores everything on Ctrl-C mid-deployment", async () => {
    // An alarm that cannot fire: the deployment would run its whole canary.
    const { clock, sim, options } = setUp({
      errorAlarm: { name: "orders-staging-errors", threshold: 10_000, periodMs: 60_000 },
    });
    const interrupt = new AbortController();
    const run = runRollbackDrill({ ...options, signal: interrupt.signal });
    await clock.drive(clock.sleep(90_000));
    expect(
      sim.active().map((d) => d.target),
      "deploying before the interruption",
    ).to.deep.equal(["4"]);
    interrupt.abort();
    const report = await clock.drive(run);
    expect(report.outcome).to.equal("interrupted");
    expect(report.restored).to.equal(true);
    const stops = sent(sim, "StopDeploymentCommand");
    expect(stops.map((r) => r.input)).to.deep.equal([
      { deploymentId: sim.deployments[0].id, autoRollbackEnabled: true },
    ]);
    expect(sim.aliasNow()).to.deep.equal({ version: "3", weights: {} });
    expect(sim.latest.variables).to.deep.equal(ORIGINAL_VARIABLES);
  });

  it("restores the function's environment when Ctrl-C comes while the failing configuration is applied", async () => {
    const { clock, sim, options } = setUp({ configUpdateMs: 60_000 });
    const interrupt = new AbortController();
    const run = runRollbackDrill({ ...options, signal: interrupt.signal });
    await clock.drive(clock.sleep(10_000));
    expect(sim.latest.variables.DRILL_FAIL_REQUESTS).to.equal("true");
    interrupt.abort();
    const report = await clock.drive(run);
    expect(report.outcome).to.equal("interrupted");
    expect(report.restored).to.equal(true);
    expect(sim.latest.variables).to.deep.equal(ORIGINAL_VARIABLES);
    expect(sim.deployments, "no deployment started").to.deep.equal([]);
    expect(sent(sim, "PublishVersionCommand")).to.deep.equal([]);
  });

  it("passes and restores through throttling, 5xx and lost responses on every call", async () => {
    const { clock, sim, options } = setUp();
    const plan: Fault[] = ["throttle", "none", "5xx", "none", "none", "reset"];
    let lostOnce = false;
    sim.faults = ({ command, index }) => {
      // The first configuration change takes effect and its answer is lost.
      if (command === "UpdateFunctionConfigurationCommand" && !lostOnce) {
        lostOnce = true;
        return "lost";
      }
      if (command === "CreateDeploymentCommand") return "none";
      return plan[index % plan.length];
    };
    const report = await clock.drive(runRollbackDrill(options));
    expect(report.problem).to.equal(undefined);
    expect(report.outcome).to.equal("passed");
    expect(report.restored).to.equal(true);
    expect(sim.requests.filter((r) => r.fault === "throttle").length).to.be.greaterThan(5);
    expect(sim.latest.variables).to.deep.equal(ORIGINAL_VARIABLES);
    expect(sim.aliasNow()).to.deep.equal({ version: "3", weights: {} });
    expect([...sim.versions].sort(), "one failing version, however many retries").to.deep.equal([
      "1",
      "2",
      "3",
      "4",
    ]);
  });

  it("keeps restoring the environment through throttling and an update in progress after Ctrl-C", async () => {
    const { clock, sim, options } = setUp();
    const interrupt = new AbortController();
    let restoreAttempts = 0;
    sim.faults = ({ command }) => {
      if (command === "UpdateFunctionConfigurationCommand" && interrupt.signal.aborted) {
        return restoreAttempts++ < 3 ? (restoreAttempts % 2 ? "throttle" : "5xx") : "none";
      }
      return "none";
    };
    const run = runRollbackDrill({ ...options, signal: interrupt.signal });
    await clock.drive(clock.sleep(2_000));
    expect(sim.latest.variables.DRILL_FAIL_REQUESTS).to.equal("true");
    interrupt.abort();
    const report = await clock.drive(run);
    expect(restoreAttempts).to.equal(4);
    expect(report.outcome).to.equal("interrupted");
    expect(report.restored).to.equal(true);
    expect(sim.latest.variables).to.deep.equal(ORIGINAL_VARIABLES);
  });

  it("fails when no alarm stops the failing version, and points the alias back itself", async () => {
    const { clock, sim, options } = setUp({
      shift: { type: "AllAtOnce" },
      deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
      errorAlarm: { name: "orders-staging-errors", threshold: 10_000, periodMs: 60_000 },
    });
    const report = await clock.drive(runRollbackDrill(options));
    expect(report.outcome).to.equal("failed");
    expect(report.problem).to.contain("Succeeded: no alarm stopped the failing version");
    expect(report.restored).to.equal(true);
    expect(sent(sim, "UpdateAliasCommand").map((r) => r.input.FunctionVersion)).to.deep.equal([
      "3",
    ]);
    expect(sim.aliasNow()).to.deep.equal({ version: "3", weights: {} });
    expect(sim.latest.variables).to.deep.equal(ORIGINAL_VARIABLES);
  });

  it("refuses a function that already carries the failing flag, changing nothing", async () => {
    const { clock, sim, options } = setUp({
      functionVariables: { ...ORIGINAL_VARIABLES, DRILL_FAIL_REQUESTS: "true" },
    });
    const report = await clock.drive(runRollbackDrill(options));
    expect(report.outcome).to.equal("failed");
    expect(report.problem).to.contain("already has DRILL_FAIL_REQUESTS=true");
    expect(sent(sim, "UpdateFunctionConfigurationCommand")).to.deep.equal([]);
    expect(sim.deployments).to.deep.equal([]);
  });

  it("refuses a deployment group that watches no alarm, changing nothing", async () => {
    const { clock, sim, options } = setUp({ errorAlarm: undefined });
    const report = await clock.drive(runRollbackDrill(options));
    expect(report.problem).to.contain("watches no alarms");
    expect(sent(sim, "UpdateFunctionConfigurationCommand")).to.deep.equal([]);
  });
});
