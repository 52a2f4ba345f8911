import { expect } from "chai";
import * as path from "path";
import { PreviewResult, runPreview } from "../../preview/preview";
import { renderPreview } from "../../preview/render";
import { renderTree } from "../../preview/tree";

const PROJECT = "multiregion-serverless";
const DEPLOYMENT_POLICY = "prod-deployments-shift-traffic-gradually";

/** Each bundled stack previewed once (a preview takes about a second). */
const previews = new Map<string, Promise<PreviewResult>>();
function preview(stack: string): Promise<PreviewResult> {
  if (!previews.has(stack)) {
    previews.set(stack, runPreview({ stack }));
  }
  return previews.get(stack)!;
}

describe("offline preview: the bundled stacks", () => {
  for (const stack of ["dev", "staging", "prod", "prod-global"]) {
    it(`previews ${stack} with no mandatory violation`, async () => {
      const result = await preview(stack);
      expect(result.error, result.error?.message).to.equal(undefined);
      expect(result).to.deep.include({
        schemaVersion: 1,
        project: PROJECT,
        stack,
        stackFile: `stacks/Pulumi.${stack}.yaml`,
        program: "index.ts",
        computedOutputs: "unknown",
        exitCode: 0,
      });
      expect(result.status).to.be.oneOf(["passed", "advisory"]);
      expect(result.policies.counts.mandatory).to.equal(0);
      expect(result.summary.create).to.equal(result.resources.length).and.to.be.greaterThan(30);
      expect(result.policies.ran.map((policy) => policy.name)).to.include(DEPLOYMENT_POLICY);
      expect(result.policies.disabled).to.deep.equal([]);
    });
  }

  it("nests components as pulumi preview does, with the region of regional resources only", async () => {
    const { resources } = await preview("prod");
    const row = (type: string, name: string) => {
      const found = resources.find((r) => r.type === type && r.name === name);
      expect(found, `${type} ${name}`).to.not.equal(undefined);
      return found!;
    };
    const stack = row("pulumi:pulumi:Stack", "multiregion-serverless-prod");
    const service = row("multiregion-serverless:index:MultiRegionService", "orders");
    const region = row("multiregion-serverless:index:RegionalService", "orders-us-west-2");
    const fn = row(
      "multiregion-serverless:index:TrafficShiftedFunction",
      "orders-us-west-2-orders",
    );
    const alarms = row(
      "multiregion-serverless:index:DeploymentAlarms",
      "orders-us-west-2-orders-alarms",
    );
    const alarm = row(
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "orders-us-west-2-orders-alarms-errors",
    );
    expect([stack, service, region, fn, alarms, alarm].map((r) => r.depth)).to.deep.equal([
      0, 1, 2, 3, 4, 5,
    ]);
    expect(service.parent).to.equal(stack.urn);
    expect(alarm.parent).to.equal(alarms.urn);
    expect(alarm.region).to.equal("us-west-2");
    expect(row("aws:lambda/function:Function", "orders-us-west-2-orders-function").region).to.equal(
      "us-west-2",
    );
    // IAM and Route 53 are global; components carry no region.
    expect(row("aws:iam/role:Role", "orders-us-west-2-orders-role").region).to.equal(undefined);
    expect(
      row("aws:route53/healthCheck:HealthCheck", "orders-us-west-2-health-check").region,
    ).to.equal(undefined);
    expect(fn.region).to.equal(undefined);
    // Tree order: every parent before its children.
    const seen = new Set<string>();
    for (const resource of resources) {
      if (resource.parent) {
        expect(seen.has(resource.parent), resource.name).to.equal(true);
      }
      seen.add(resource.urn);
    }
  });

  it("draws the tree and the create summary as pulumi preview prints them", async () => {
    const result = await preview("dev");
    const lines = renderTree(result.resources, (text) => text);
    expect(lines[0]).to.match(/^ {5}Type +Name +Region +Route$/);
    expect(lines[1]).to.match(/^ \+ {3}pulumi:pulumi:Stack +multiregion-serverless-dev$/);
    expect(lines[2]).to.match(/^ \+ {3}├─ pulumi:providers:aws +aws$/);
    expect(lines[3]).to.match(
      /^ \+ {3}├─ multiregion-serverless:index:MultiRegionService +orders$/,
    );
    // The feature flags are a child of the stack, created after the service whose alarms watch them.
    expect(lines).to.satisfy((all: string[]) =>
      all.some((line) =>
        /^ \+ {3}[├└]─ multiregion-serverless:index:FeatureFlags +orders-flags$/.test(line),
      ),
    );
    // The dashboard is a child of the stack, after the service it shows; the feature flags
    // (created after the service whose alarms watch them) are the last child.
    const dashboardLine = lines.findIndex((line) =>
      /^ \+ {3}├─ multiregion-serverless:index:ServiceDashboard +orders-dev$/.test(line),
    );
    expect(dashboardLine).to.be.greaterThan(3);
    expect(lines.filter((line) => /^ \+ {3}└─/.test(line))).to.deep.equal([
      lines.find((line) => /FeatureFlags +orders-flags/.test(line)),
    ]);
    expect(lines).to.satisfy((all: string[]) =>
      all.some((line) =>
        /^ \+ {3}│ {2}│ {2}│ {2}├─ aws:lambda\/function:Function +orders-us-east-1-orders-function +us-east-1$/.test(
          line,
        ),
      ),
    );
    const text = renderPreview(result);
    expect(text).to.include(`Resources:\n    + ${result.resources.length} to create\n`);
    expect(text).to.include("Preview passed: no policy violations");
    expect(text).to.not.include("\u001b["); // no colour unless asked
  });
});

describe("offline preview: the rollout plan", () => {
  it("prod: a 10-minute canary per region, region after region: about 20 minutes plus hooks", async () => {
    const { rollout } = await preview("prod");
    expect(
      rollout.deployments.map((d) => ({
        region: d.region,
        function: d.function,
        type: d.deploymentType,
        config: d.deploymentConfigName,
        shift: d.shiftMinutes,
        wave: d.wave,
        start: d.startMinute,
        finish: d.finishMinute,
      })),
    ).to.deep.equal([
      {
        region: "us-east-1",
        function: "orders-us-east-1-orders",
        type: "Canary10Percent10Minutes",
        config: "CodeDeployDefault.LambdaCanary10Percent10Minutes",
        shift: 10,
        wave: 1,
        start: 0,
        finish: 10,
      },
      {
        region: "us-west-2",
        function: "orders-us-west-2-orders",
        type: "Canary10Percent10Minutes",
        config: "CodeDeployDefault.LambdaCanary10Percent10Minutes",
        shift: 10,
        wave: 2,
        start: 10,
        finish: 20,
      },
    ]);
    const [east, west] = rollout.deployments;
    expect(west.after).to.deep.equal([east.urn]);
    expect(east.hooks).to.deep.equal([
      {
        event: "BeforeAllowTraffic",
        function: "orders-us-east-1-orders-pre-traffic-hook",
        timeoutSeconds: 120,
      },
      {
        event: "AfterAllowTraffic",
        function: "orders-us-east-1-orders-post-traffic-hook",
        timeoutSeconds: 300, // the metrics check waits up to 2 min for late datapoints
      },
    ]);
    expect(rollout.waves).to.equal(true);
    expect(rollout.waveRegions).to.deep.equal([["us-east-1"], ["us-west-2"]]);
    expect(rollout.totalMinutes).to.equal(20);
    expect(rollout.totalMinutesAtMost).to.equal(34); // + hooks of 2 and 5 min in each region
    expect(rollout.failover.map((c) => [c.region, c.detectionSeconds])).to.deep.equal([
      ["us-east-1", 30],
      ["us-west-2", 30],
    ]);
    expect(east.alarms).to.have.length(3);
    expect(east.alarmReactionSeconds).to.equal(120);
    const errors = rollout.alarms.find((a) => a.name === "orders-us-east-1-orders-alarms-errors")!;
    expect(errors).to.deep.include({
      metric: "AWS/Lambda Errors",
      periodSeconds: 60,
      evaluationPeriods: 2,
      reactionSeconds: 120,
      gates: ["orders-us-east-1-orders"],
    });
  });

  it("dev: all at once in one region, 90-second failover detection", async () => {
    const { rollout } = await preview("dev");
    expect(
      rollout.deployments.map((d) => [d.region, d.deploymentType, d.shiftMinutes]),
    ).to.deep.equal([["us-east-1", "AllAtOnce", 0]]);
    expect(rollout.totalMinutes).to.equal(0);
    expect(rollout.failover.map((c) => c.detectionSeconds)).to.deep.equal([90]);
  });

  it("staging: 10% a minute in both regions at once, 9 minutes, the worker shifted with its hooks beside the API", async () => {
    const { rollout } = await preview("staging");
    expect(
      rollout.deployments.map((d) => [
        d.region,
        d.function,
        d.deploymentType,
        d.shiftMinutes,
        d.wave,
      ]),
      // In any order: the orders deployments register once the flags they read are known.
    ).to.have.deep.members([
      ["us-east-1", "orders-us-east-1-worker", "Linear10PercentEvery1Minute", 9, 1],
      ["us-east-1", "orders-us-east-1-orders", "Linear10PercentEvery1Minute", 9, 1],
      ["us-west-2", "orders-us-west-2-worker", "Linear10PercentEvery1Minute", 9, 1],
      ["us-west-2", "orders-us-west-2-orders", "Linear10PercentEvery1Minute", 9, 1],
    ]);
    // The worker (stack config `worker`) is deployed through CodeDeploy like the API, so it
    // gets the same two hooks: a smoke test before its traffic moves, a metrics check after.
    for (const deployment of rollout.deployments) {
      expect(deployment.hooks, deployment.function).to.deep.equal([
        {
          event: "BeforeAllowTraffic",
          function: `${deployment.function}-pre-traffic-hook`,
          timeoutSeconds: 120,
        },
        {
          event: "AfterAllowTraffic",
          function: `${deployment.function}-post-traffic-hook`,
          timeoutSeconds: 300,
        },
      ]);
    }
    expect(rollout.waves).to.equal(false);
    expect(rollout.totalMinutes).to.equal(9);
  });

  it("prod-global: three waves of 10 minutes", async () => {
    const { rollout } = await preview("prod-global");
    expect(rollout.waveRegions).to.deep.equal([["us-east-1"], ["eu-west-1"], ["ap-southeast-1"]]);
    expect(rollout.totalMinutes).to.equal(30);
  });

  it("reads a custom canary from its DeploymentConfig, whose name is unknown at preview", async () => {
    const { rollout, exitCode } = await runPreview({
      stack: "staging",
      config: ['deployment.type={"canary":{"percentage":25,"intervalMinutes":15}}'],
    });
    expect(exitCode).to.equal(0);
    expect(rollout.deployments[0]).to.deep.include({
      deploymentType: "custom canary 25% for 15 min",
      shiftMinutes: 15,
    });
    expect(rollout.deployments[0].deploymentConfigName).to.equal(undefined);
    expect(rollout.totalMinutes).to.equal(15);
  });
});

describe("offline preview: config overrides, policy config and failures", () => {
  it("an AllAtOnce prod is a mandatory violation in each region (exit 1), with the remediation", async () => {
    const result = await runPreview({ stack: "prod", config: ["deployment.type=AllAtOnce"] });
    expect(result).to.deep.include({ status: "mandatory", exitCode: 1 });
    const violations = result.policies.violations.filter((v) => v.policyName === DEPLOYMENT_POLICY);
    expect(violations.map((v) => [v.enforcementLevel, v.resourceName, v.region])).to.deep.equal([
      ["mandatory", "orders-us-east-1-orders-deployment-group", "us-east-1"],
      ["mandatory", "orders-us-west-2-orders-deployment-group", "us-west-2"],
    ]);
    expect(violations[0].message).to.include('"CodeDeployDefault.LambdaAllAtOnce"');
    expect(violations[0].remediation).to.match(
      /^Fix: set TrafficShiftedFunction \[trafficShifting\.type\]/,
    );
    expect(result.configOverrides).to.deep.equal(["deployment.type=AllAtOnce"]);
    const text = renderPreview(result);
    expect(text).to.match(
      / {2}mandatory \(2\)\n {4}\[mandatory\] prod-deployments-shift-traffic-gradually: /,
    );
    expect(text).to.include("Preview failed: 2 mandatory violations");
  });

  it("a prod environment in one region breaks prod-serves-from-multiple-regions", async () => {
    const result = await runPreview({
      stack: "dev",
      config: ["environment=prod", "topology=active-active"],
    });
    expect(result.exitCode).to.equal(1);
    expect(
      result.policies.violations
        .filter((v) => v.enforcementLevel === "mandatory")
        .map((v) => v.policyName),
    ).to.include("prod-serves-from-multiple-regions");
  });

  it("a policy config that disables a policy removes its violations", async () => {
    const result = await runPreview({
      stack: "prod",
      config: ["deployment.type=AllAtOnce"],
      policyConfig: { [DEPLOYMENT_POLICY]: "disabled" },
    });
    expect(result.exitCode).to.equal(0);
    expect(result.policies.disabled).to.deep.equal([DEPLOYMENT_POLICY]);
    expect(result.policies.ran.map((p) => p.name)).to.not.include(DEPLOYMENT_POLICY);
    expect(result.policies.violations.map((v) => v.policyName)).to.not.include(DEPLOYMENT_POLICY);
  });

  it("a policy config that raises every level makes advisory violations mandatory", async () => {
    // DEBUG logging in prod is advisory: one violation per function (2 services, 4 hooks).
    const advisory = await runPreview({ stack: "prod", config: ["logLevel=DEBUG"] });
    expect(advisory.exitCode).to.equal(0);
    expect(advisory.policies.counts).to.deep.equal({ mandatory: 0, advisory: 6 });
    const raised = await runPreview({
      stack: "prod",
      config: ["logLevel=DEBUG"],
      policyConfig: { all: "mandatory" },
    });
    expect(raised.exitCode).to.equal(1);
    expect(raised.policies.counts).to.deep.equal({ mandatory: 6, advisory: 0 });
  });

  it("a malformed setting exits 2 with the program's message naming the stack file; nothing is checked", async () => {
    const result = await runPreview({ stack: "prod", config: ["healthCheck.requestInterval=5"] });
    expect(result).to.deep.include({ status: "error", exitCode: 2 });
    expect(result.error).to.deep.equal({
      kind: "config",
      message:
        "stacks/Pulumi.prod.yaml has 1 invalid setting:\n" +
        "  - multiregion-serverless:healthCheck.requestInterval is 5: must be 10 or 30 (seconds; Route 53 offers only these)",
    });
    expect(result.policies.violations).to.deep.equal([]);
    expect(result.resources.map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack"]);
  });

  it("a failing program exits 2 with its error, naming the program and the stack file", async () => {
    const result = await runPreview({
      stack: "dev",
      program: path.join("test", "fixtures", "failingProgram.ts"),
    });
    expect(result).to.deep.include({ status: "error", exitCode: 2 });
    expect(result.error!.kind).to.equal("program");
    expect(result.error!.message).to.equal(
      "the program test/fixtures/failingProgram.ts failed for stack dev (stacks/Pulumi.dev.yaml):\n" +
        '  Orders "orders" has 1 invalid argument:\n    - [memorySize] is 64: must be a whole number from 128 to 10240 MB',
    );
    expect(result.error!.stack).to.equal(undefined);
    expect(result.resources.map((r) => r.name)).to.include("orders-queue"); // registered before
  });

  it("usage errors (unknown stack, malformed override, unknown policy) exit 64", async () => {
    const unknownStack = await runPreview({ stack: "qa" });
    expect(unknownStack.exitCode).to.equal(64);
    expect(unknownStack.error!.message).to.equal(
      'no stack "qa": stacks/Pulumi.qa.yaml does not exist; stacks: dev, prod, prod-global, staging',
    );
    const override = await runPreview({ stack: "dev", config: ["regions"] });
    expect(override.exitCode).to.equal(64);
    expect(override.error!.message).to.match(/^--config "regions": expected key=value/);
    const policy = await runPreview({ stack: "dev", policyConfig: { "required-tag": "disabled" } });
    expect(policy.exitCode).to.equal(64);
    expect(policy.error!.message).to.match(
      /"required-tag" is not a policy of the pack; policies: /,
    );
    const level = await runPreview({
      stack: "dev",
      policyConfig: { "required-tags": "off" } as never,
    });
    expect(level.error!.message).to.include('"required-tags": "off" is not an enforcement level');
  });

  it("--known-outputs shows the policies the emulated outputs, as at pulumi up", async () => {
    const result = await runPreview({ stack: "prod", knownOutputs: true });
    expect(result).to.deep.include({ computedOutputs: "emulated", exitCode: 0 });
    expect(result.rollout.totalMinutes).to.equal(20);
  });
});
