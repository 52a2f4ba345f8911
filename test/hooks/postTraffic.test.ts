import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  CodeDeployClient,
  PutLifecycleEventHookExecutionStatusCommand,
} from "@aws-sdk/client-codedeploy";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { createPostTrafficHandler, evaluateMetrics } from "../../hooks/handlers/postTraffic";
import {
  ALIAS_NAME,
  collectingLogger,
  contextWith,
  DEPLOYMENT_ID,
  awsError,
  givenDeployment,
  env,
  EXECUTION_ID,
  FUNCTION_NAME,
  lifecycleEvent,
} from "./fixtures";

const NOW = new Date("2026-03-01T10:15:10Z");

/**
 * One GetMetricData page: per query id, per-minute values, newest first, with StatusCode
 * Complete, or PartialData and a NextToken when more pages follow (CloudWatch API Reference,
 * GetMetricData Response Elements and MetricDataResult).
 */
function metricPage(values: Record<string, number[]>, nextToken?: string) {
  return {
    MetricDataResults: Object.entries(values).map(([Id, Values]) => ({
      Id,
      Values,
      Timestamps: Values.map((_, index) => new Date(NOW.getTime() - index * 60_000)),
      StatusCode: nextToken ? ("PartialData" as const) : ("Complete" as const),
    })),
    NextToken: nextToken,
  };
}

const healthy = {
  invocations: [40, 60],
  errors: [0, 0],
  durationSum: [4000, 6600],
  durationCount: [40, 60],
  throttles: [],
};

describe("post-traffic metrics check hook", () => {
  const codedeploy = new CodeDeployClient({ region: "us-east-1" });
  const cloudwatch = new CloudWatchClient({ region: "us-east-1" });
  const codedeployMock = mockClient(codedeploy);
  const cloudwatchMock = mockClient(cloudwatch);

  beforeEach(() => {
    codedeployMock.reset();
    cloudwatchMock.reset();
    givenDeployment(codedeployMock);
    // The response's only field, lifecycleEventHookExecutionId, is optional (API Reference).
    codedeployMock.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
    cloudwatchMock.on(GetMetricDataCommand).resolves(metricPage(healthy));
  });

  let slept: number[] = [];
  let readAfterSleep: boolean[] = [];

  function run(config: unknown = {}, remainingMs = 60_000) {
    const log = collectingLogger();
    const handler = createPostTrafficHandler({
      codedeploy,
      cloudwatch,
      config,
      env,
      log,
      now: () => NOW,
      sleep: async (ms) => {
        slept.push(ms);
        readAfterSleep.push(cloudwatchMock.commandCalls(GetMetricDataCommand).length === 0);
      },
    });
    return handler(lifecycleEvent, contextWith(remainingMs));
  }

  it("waits for late CloudWatch datapoints before reading, within the hook's deadline", async () => {
    slept = [];
    readAfterSleep = [];
    await run({}, 600_000);
    expect(slept).to.deep.equal([120_000]);
    expect(readAfterSleep).to.deep.equal([true]);
    slept = [];
    await run({ settleSeconds: 300 }, 60_000);
    expect(slept).to.deep.equal([60_000 - 3_000 - 10_000]);
    slept = [];
    await run({ settleSeconds: 0 }, 600_000);
    expect(slept).to.deep.equal([]);
  });

  function reportedStatuses(): string[] {
    return codedeployMock.commandCalls(PutLifecycleEventHookExecutionStatusCommand).map((call) => {
      const input = call.args[0].input;
      expect(input.deploymentId).to.equal(DEPLOYMENT_ID);
      expect(input.lifecycleEventHookExecutionId).to.equal(EXECUTION_ID);
      return String(input.status);
    });
  }

  it("reads the new version's metrics through the alias for the deployment window and reports Succeeded", async () => {
    const outcome = await run({ maxErrors: 0, maxDurationMs: 200 });
    expect(outcome.status, outcome.reason).to.equal("Succeeded");
    expect(outcome.reason).to.contain("100 invocations, 0 errors");
    expect(outcome.reason).to.contain("average duration 106 ms");
    expect(reportedStatuses()).to.deep.equal(["Succeeded"]);

    const input = cloudwatchMock.commandCalls(GetMetricDataCommand)[0].args[0].input;
    // From the deployment's createTime (10:02:30) rounded down to the minute, until now.
    expect(input.StartTime).to.deep.equal(new Date("2026-03-01T10:02:00Z"));
    expect(input.EndTime).to.deep.equal(NOW);
    const byId = Object.fromEntries(
      (input.MetricDataQueries ?? []).map((query) => [query.Id, query.MetricStat]),
    );
    const versionDimensions = [
      { Name: "FunctionName", Value: FUNCTION_NAME },
      { Name: "Resource", Value: `${FUNCTION_NAME}:${ALIAS_NAME}` },
      { Name: "ExecutedVersion", Value: "7" },
    ];
    expect(byId.errors).to.deep.equal({
      Metric: { Namespace: "AWS/Lambda", MetricName: "Errors", Dimensions: versionDimensions },
      Period: 60,
      Stat: "Sum",
    });
    expect(byId.durationCount?.Stat).to.equal("SampleCount");
    expect(byId.durationSum?.Metric?.Dimensions).to.deep.equal(versionDimensions);
    expect(byId.throttles?.Metric?.Dimensions).to.deep.equal(versionDimensions.slice(0, 2));
  });

  it("reports Failed when the errors exceed maxErrors", async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves(metricPage({ ...healthy, errors: [1, 2] }));
    const outcome = await run({ maxErrors: 2 });
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain("3 errors > maxErrors 2");
    expect(reportedStatuses()).to.deep.equal(["Failed"]);
  });

  it("reports Failed on throttles and on a duration regression over the baseline x 1.2", async () => {
    cloudwatchMock
      .on(GetMetricDataCommand)
      .resolves(metricPage({ ...healthy, throttles: [1], durationSum: [6000, 9000] }));
    const outcome = await run({ durationBaselineMs: 100 });
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain("1 throttles > maxThrottles 0");
    expect(outcome.reason).to.contain(
      "average duration 150 ms > 120 ms (durationBaselineMs 100 x 1.2)",
    );
    expect(reportedStatuses()).to.deep.equal(["Failed"]);
  });

  it("sums the datapoints of every page", async () => {
    cloudwatchMock
      .on(GetMetricDataCommand)
      .resolvesOnce(metricPage({ errors: [1], invocations: [10] }, "page-2"))
      .resolvesOnce(metricPage({ errors: [1], invocations: [10] }));
    const outcome = await run({ maxErrors: 1 });
    expect(outcome.reason).to.contain("2 errors > maxErrors 1");
    const calls = cloudwatchMock.commandCalls(GetMetricDataCommand);
    expect(calls.map((call) => call.args[0].input.NextToken)).to.deep.equal([undefined, "page-2"]);
  });

  it("reports Failed when the new version saw fewer invocations than required", async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves(metricPage({}));
    const outcome = await run({ minInvocations: 1, maxDurationMs: 100 });
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain("0 invocations < minInvocations 1");
  });

  it("reports Failed when CloudWatch denies the metrics", async () => {
    // A query CloudWatch refuses comes back with StatusCode "Forbidden" and no values
    // (MetricDataResult.StatusCode: Complete | InternalError | PartialData | Forbidden).
    cloudwatchMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: "errors", Values: [], StatusCode: "Forbidden" }],
    });
    const outcome = await run();
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain("errors: Forbidden");
  });

  it("still reports Failed when GetMetricData throws", async () => {
    // An IAM denial: AccessDenied, HTTP 403 (CloudWatch API Reference, Common Errors).
    cloudwatchMock
      .on(GetMetricDataCommand)
      .rejects(
        awsError("AccessDenied", "not authorized to perform: cloudwatch:GetMetricData", 403),
      );
    const outcome = await run();
    expect(outcome).to.include({
      status: "Failed",
      reason: "hook error: AccessDenied: not authorized to perform: cloudwatch:GetMetricData",
    });
    expect(reportedStatuses()).to.deep.equal(["Failed"]);
  });

  it("reports Failed with 'timed out' when CloudWatch does not answer before the deadline", async () => {
    cloudwatchMock.on(GetMetricDataCommand).callsFake(() => new Promise(() => undefined));
    const outcome = await run({ safetyMarginMs: 1000 }, 1080);
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.match(/^timed out/);
    expect(reportedStatuses()).to.deep.equal(["Failed"]);
  });

  it("still reports Failed when its configuration breaks a cross-option rule", async () => {
    const outcome = await run(JSON.stringify({ maxDurationMs: 100, durationBaselineMs: 80 }));
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain(
      "only one of [maxDurationMs] and [durationBaselineMs] can be specified",
    );
    expect(cloudwatchMock.calls()).to.have.length(0);
    expect(reportedStatuses()).to.deep.equal(["Failed"]);
  });

  it("reports nothing for a malformed event", async () => {
    const handler = createPostTrafficHandler({
      codedeploy,
      cloudwatch,
      env,
      log: collectingLogger(),
    });
    const outcome = await handler(undefined, contextWith(60_000));
    expect(outcome.reported).to.equal(false);
    expect(codedeployMock.calls()).to.have.length(0);
  });
});

describe("metrics thresholds", () => {
  const defaults = {
    maxErrors: 0,
    maxThrottles: 0,
    minInvocations: 0,
    settleSeconds: 120,
    safetyMarginMs: 3000,
  };

  it("passes a deployment without traffic by default and says duration was not checked", () => {
    const verdict = evaluateMetrics(
      { invocations: 0, errors: 0, throttles: 0, durationSumMs: 0, durationSamples: 0 },
      { ...defaults, maxDurationMs: 50 },
    );
    expect(verdict.status).to.equal("Succeeded");
    expect(verdict.reason).to.contain("no duration samples, duration not checked");
  });

  it("says plainly that an idle window (0 invocations, minInvocations 0) proved nothing", () => {
    const idle = evaluateMetrics(
      { invocations: 0, errors: 0, throttles: 0, durationSumMs: 0, durationSamples: 0 },
      defaults,
    );
    expect(idle.status).to.equal("Succeeded");
    expect(idle.reason).to.contain(
      "WARNING: no invocations through the alias in the window, so errors, throttles and duration of the new version were not observed",
    );
    const busy = evaluateMetrics(
      { invocations: 3, errors: 0, throttles: 0, durationSumMs: 30, durationSamples: 3 },
      defaults,
    );
    expect(busy.reason).to.not.contain("WARNING");
  });

  it("uses a custom durationFactor", () => {
    const verdict = evaluateMetrics(
      { invocations: 10, errors: 0, throttles: 0, durationSumMs: 1400, durationSamples: 10 },
      { ...defaults, durationBaselineMs: 100, durationFactor: 1.5 },
    );
    expect(verdict.status, verdict.reason).to.equal("Succeeded");
  });
});
