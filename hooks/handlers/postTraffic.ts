// The ready-made PostTraffic (AfterAllowTraffic) hook: after CodeDeploy has shifted all
// traffic, it reads the new version's CloudWatch metrics for the deployment window (the
// deployment's createTime until now), compares them with the configured thresholds and
// reports.
//
// Which metrics (source: AWS Lambda Developer Guide, "Types of metrics for Lambda functions",
// dimensions): Lambda publishes invocations through an alias under `Resource` = `name:alias`,
// and with `ExecutedVersion` = the version that ran them. `Resource` = `name:version` counts
// only invocations of that version qualifier itself, which is not how clients reach it (and
// would count the pre-traffic smoke test). So errors, invocations and duration are read with
// FunctionName + Resource `name:alias` + ExecutedVersion `<target version>`: the alias
// traffic the new version served. Throttles are read on the alias as a whole (FunctionName +
// Resource `name:alias`): a throttled request is rejected before any version runs, so it may
// carry no ExecutedVersion, and concurrency is shared by both versions; counting the alias
// can only fail more, never pass silently.
//
// Packaged into the hook's Lambda archive as index.js (see hooks/package.ts).
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import { CodeDeployClient } from "@aws-sdk/client-codedeploy";
import { fetchDeploymentTarget, type LambdaDeploymentTarget } from "./appSpec";
import {
  checkDurationOptions,
  DEFAULT_DURATION_FACTOR,
  metricsCheckConfigSchema,
  parseHookConfig,
  safetyMarginOf,
  type MetricsCheckConfig,
} from "./config";
import {
  HookCheckFailed,
  jsonLineLogger,
  runHook,
  type HookLogger,
  type HookVerdict,
  type LifecycleHookHandler,
} from "./report";

/** What the post-traffic handler needs; tests pass mocked clients. */
export interface PostTrafficDependencies {
  codedeploy: CodeDeployClient;
  cloudwatch: CloudWatchClient;
  /** The metrics check configuration: an object, or `HOOK_CONFIG`'s JSON text. @default {} */
  config?: unknown;
  /** Where `TARGET_FUNCTION_NAME` and `TARGET_ALIAS_NAME` are read. @default process.env */
  env?: Record<string, string | undefined>;
  /** @default one JSON line per entry on stdout (CloudWatch Logs) */
  log?: HookLogger;
  /** The clock, for tests. @default () => new Date() */
  now?: () => Date;
  /** Waits, for tests. @default a timer that the abort signal cancels */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The metrics of the new version over the deployment window. */
export interface DeploymentMetrics {
  invocations: number;
  errors: number;
  throttles: number;
  /** Sum and count of `Duration` samples; the average is sum / count. */
  durationSumMs: number;
  durationSamples: number;
}

/** Metric period: Lambda publishes per minute. */
const PERIOD_SECONDS = 60;
/** GetMetricData pages at most; 5 queries x one datapoint a minute fit in one page for days. */
const MAX_PAGES = 20;

/** A post-traffic handler over the given clients and configuration. */
export function createPostTrafficHandler(deps: PostTrafficDependencies): LifecycleHookHandler {
  const log = deps.log ?? jsonLineLogger;
  const now = deps.now ?? (() => new Date());
  return async (event, context) => {
    const safetyMarginMs = safetyMarginOf(metricsCheckConfigSchema, deps.config);
    return runHook(
      event,
      context,
      { hook: "PostTraffic", codedeploy: deps.codedeploy, safetyMarginMs, log },
      async (lifecycleEvent, signal) => {
        const config = parseHookConfig(metricsCheckConfigSchema, deps.config, [
          checkDurationOptions,
        ]);
        const env = deps.env ?? process.env;
        const { functionName, deploymentInfo, target } = await fetchDeploymentTarget(
          deps.codedeploy,
          lifecycleEvent.DeploymentId,
          env,
          signal,
        );
        if (!deploymentInfo.createTime) {
          throw new HookCheckFailed(`deployment ${lifecycleEvent.DeploymentId} has no createTime`);
        }
        // Late datapoints: wait for them, but leave 10 s before the safety margin for the reads.
        const settleMs = Math.max(
          0,
          Math.min(
            config.settleSeconds * 1000,
            context.getRemainingTimeInMillis() - safetyMarginMs - 10_000,
          ),
        );
        if (settleMs > 0) {
          log({
            level: "INFO",
            hook: "PostTraffic",
            message: `waiting ${Math.round(settleMs / 1000)} s for CloudWatch metrics to arrive`,
          });
          await (deps.sleep ?? abortableSleep)(settleMs, signal);
        }
        const end = now();
        // Whole minutes: datapoints are stamped with the start of their minute.
        const start = new Date(Math.floor(deploymentInfo.createTime.getTime() / 60_000) * 60_000);
        const metrics = await readDeploymentMetrics(
          deps.cloudwatch,
          { ...target, functionName },
          start,
          end,
          signal,
        );
        const verdict = evaluateMetrics(metrics, config);
        const subject = `version ${target.targetVersion} of ${functionName} via alias ${target.alias} since ${start.toISOString()}`;
        return {
          ...verdict,
          reason: `${subject}: ${verdict.reason}`,
          details: {
            target,
            window: { start: start.toISOString(), end: end.toISOString() },
            metrics,
          },
        };
      },
    );
  };
}

/** The GetMetricData queries for a target (see the top of this file for the dimensions). */
export function metricQueries(target: LambdaDeploymentTarget): MetricDataQuery[] {
  const aliasDimensions = [
    { Name: "FunctionName", Value: target.functionName },
    { Name: "Resource", Value: `${target.functionName}:${target.alias}` },
  ];
  const versionDimensions = [
    ...aliasDimensions,
    { Name: "ExecutedVersion", Value: target.targetVersion },
  ];
  const query = (
    id: keyof typeof METRIC_OF_QUERY,
    stat: string,
    dimensions: typeof aliasDimensions,
  ): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: "AWS/Lambda", MetricName: METRIC_OF_QUERY[id], Dimensions: dimensions },
      Period: PERIOD_SECONDS,
      Stat: stat,
    },
    ReturnData: true,
  });
  return [
    query("invocations", "Sum", versionDimensions),
    query("errors", "Sum", versionDimensions),
    query("durationSum", "Sum", versionDimensions),
    query("durationCount", "SampleCount", versionDimensions),
    query("throttles", "Sum", aliasDimensions),
  ];
}

const METRIC_OF_QUERY = {
  invocations: "Invocations",
  errors: "Errors",
  durationSum: "Duration",
  durationCount: "Duration",
  throttles: "Throttles",
} as const;

/** Sums each query's datapoints over the window, following NextToken. */
export async function readDeploymentMetrics(
  cloudwatch: CloudWatchClient,
  target: LambdaDeploymentTarget,
  start: Date,
  end: Date,
  signal?: AbortSignal,
): Promise<DeploymentMetrics> {
  const totals: Record<string, number> = {};
  const problems: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: metricQueries(target),
        StartTime: start,
        EndTime: end,
        NextToken: nextToken,
      }),
      { abortSignal: signal },
    );
    for (const result of page.MetricDataResults ?? []) {
      if (!result.Id) continue;
      totals[result.Id] =
        (totals[result.Id] ?? 0) + (result.Values ?? []).reduce((a, b) => a + b, 0);
      if (result.StatusCode === "Forbidden" || result.StatusCode === "InternalError") {
        problems.push(`${result.Id}: ${result.StatusCode}`);
      }
    }
    nextToken = page.NextToken;
    pages += 1;
  } while (nextToken && pages < MAX_PAGES);
  if (problems.length) {
    throw new HookCheckFailed(`CloudWatch could not return the metrics: ${problems.join(", ")}`);
  }
  if (nextToken) {
    throw new HookCheckFailed(`CloudWatch returned more than ${MAX_PAGES} pages of metrics`);
  }
  return {
    invocations: totals.invocations ?? 0,
    errors: totals.errors ?? 0,
    throttles: totals.throttles ?? 0,
    durationSumMs: totals.durationSum ?? 0,
    durationSamples: totals.durationCount ?? 0,
  };
}

/** Compares the metrics with the thresholds; every exceeded threshold is in the reason. */
export function evaluateMetrics(
  metrics: DeploymentMetrics,
  config: MetricsCheckConfig,
): HookVerdict {
  const problems: string[] = [];
  const facts: string[] = [
    `${metrics.invocations} invocations`,
    `${metrics.errors} errors`,
    `${metrics.throttles} throttles on the alias`,
  ];
  if (metrics.errors > config.maxErrors) {
    problems.push(`${metrics.errors} errors > maxErrors ${config.maxErrors}`);
  }
  if (metrics.throttles > config.maxThrottles) {
    problems.push(`${metrics.throttles} throttles > maxThrottles ${config.maxThrottles}`);
  }
  if (metrics.invocations < config.minInvocations) {
    problems.push(`${metrics.invocations} invocations < minInvocations ${config.minInvocations}`);
  }
  const limitMs =
    config.maxDurationMs ??
    (config.durationBaselineMs !== undefined
      ? config.durationBaselineMs * (config.durationFactor ?? DEFAULT_DURATION_FACTOR)
      : undefined);
  if (metrics.durationSamples > 0) {
    const averageMs = metrics.durationSumMs / metrics.durationSamples;
    facts.push(`average duration ${round(averageMs)} ms`);
    if (limitMs !== undefined && averageMs > limitMs) {
      const source =
        config.maxDurationMs !== undefined
          ? "maxDurationMs"
          : `durationBaselineMs ${config.durationBaselineMs} x ${config.durationFactor ?? DEFAULT_DURATION_FACTOR}`;
      problems.push(`average duration ${round(averageMs)} ms > ${round(limitMs)} ms (${source})`);
    }
  } else if (limitMs !== undefined) {
    facts.push("no duration samples, duration not checked");
  }
  if (metrics.invocations === 0 && config.minInvocations === 0) {
    // CodeDeploy takes only Succeeded or Failed from a hook (PutLifecycleEventHookExecutionStatus),
    // (its only fields are deploymentId, lifecycleEventHookExecutionId and status), so an idle
    // window passes; the reason, in the hook's log only, says that nothing was judged.
    facts.push(
      "WARNING: no invocations through the alias in the window, so errors, throttles and duration of the new version were not observed (set minInvocations to require traffic)",
    );
  }
  return problems.length
    ? { status: "Failed", reason: problems.join("; ") }
    : { status: "Succeeded", reason: facts.join(", ") };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

let realClients: { codedeploy: CodeDeployClient; cloudwatch: CloudWatchClient } | undefined;

/**
 * The Lambda entry point: real clients, created on first use and reused while the container
 * lives; configuration from `HOOK_CONFIG`.
 */
export const handler: LifecycleHookHandler = (event, context) => {
  realClients ??= { codedeploy: new CodeDeployClient({}), cloudwatch: new CloudWatchClient({}) };
  return createPostTrafficHandler({ ...realClients, config: process.env.HOOK_CONFIG })(
    event,
    context,
  );
};
