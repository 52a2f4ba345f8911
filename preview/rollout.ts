// The rollout plan of a previewed stack, read from its resources: how each function's new version
// reaches users (CodeDeploy deployment type, traffic-shift time, hooks), whether regions roll out
// one after another (waves), how long the whole rollout takes, how fast Route 53 notices a failed
// region, and how fast the alarms that stop a rollout react.
import type { CapturedResource } from "../testing";
import {
  estimatedRolloutMinutes,
  predefinedTrafficShift,
  TrafficShift,
} from "../deployment/rollout";
import { LAMBDA_DEPLOYMENT_TYPE } from "../components/lambdaDeployment";
import { regionOf } from "./tree";

const DEPLOYMENT_GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup";
const DEPLOYMENT_CONFIG = "aws:codedeploy/deploymentConfig:DeploymentConfig";
const FUNCTION = "aws:lambda/function:Function";
const ALIAS = "aws:lambda/alias:Alias";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";

/** Lambda's default function timeout, in seconds (Lambda API `CreateFunction`). */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;
/** Route 53 health check defaults (API `HealthCheckConfig`): 30 s interval, threshold 3. */
const DEFAULT_REQUEST_INTERVAL = 30;
const DEFAULT_FAILURE_THRESHOLD = 3;

/** A lifecycle hook CodeDeploy invokes during a deployment. */
/**
 * How long CodeDeploy waits for a lifecycle hook's status (PutLifecycleEventHookExecutionStatus)
 * before it fails the deployment: one hour (AWS CodeDeploy User Guide, AppSpec 'hooks' section
 * for an AWS Lambda deployment; the bound deployment/rollout.ts `estimatedRolloutMinutes` names).
 * A hook that times out or crashes without reporting holds the deployment that long.
 */
export const HOOK_STATUS_WAIT_MINUTES = 60;

export interface HookPlan {
  /** `BeforeAllowTraffic` (SAM PreTraffic) or `AfterAllowTraffic` (PostTraffic). */
  event: "BeforeAllowTraffic" | "AfterAllowTraffic";
  /** The hook function's logical name, when it is in the stack. */
  function?: string;
  /** Its Lambda timeout: the most the hook can add to the rollout. */
  timeoutSeconds?: number;
}

/** An alarm with how fast it reacts. */
export interface AlarmPlan {
  /** Logical name. */
  name: string;
  region?: string;
  /** `AWS/Lambda Errors`, or `metric math` for an alarm over metric queries. */
  metric: string;
  periodSeconds?: number;
  evaluationPeriods?: number;
  /** period x evaluation periods: how long a breach must last before the alarm fires. */
  reactionSeconds?: number;
  /** The deployments (logical names of their functions) this alarm stops and rolls back. */
  gates: string[];
}

/** One CodeDeploy deployment (a `LambdaDeployment`): one function in one region. */
export interface DeploymentPlan {
  urn: string;
  /** The LambdaDeployment's logical name. */
  name: string;
  /** The function it rolls out (its TrafficShiftedFunction, else the Lambda function's logical name). */
  function: string;
  region?: string;
  /** The deployment group's logical name. */
  deploymentGroup?: string;
  /**
   * The SAM type (`Canary10Percent10Minutes`), `custom canary 25% for 15 min` /
   * `custom linear 20% every 2 min` for a custom DeploymentConfig, or `unknown`.
   */
  deploymentType: string;
  /** `CodeDeployDefault.Lambda<Type>`, or the custom config's name when known. */
  deploymentConfigName?: string;
  /** The schedule, when known. */
  trafficShift?: TrafficShift;
  /** Minutes from the start of the shift to 100% on the new version (estimatedRolloutMinutes). */
  shiftMinutes?: number;
  hooks: HookPlan[];
  /** The most the hooks add, in minutes (the sum of their timeouts). */
  hookMinutesAtMost: number;
  /** Whether `pulumi up` waits for the deployment (and so holds back later waves). */
  waitForCompletion: boolean;
  /** The most `pulumi up` waits for it, in minutes, when set. */
  timeoutMinutes?: number;
  /** URNs of the deployments this one waits for (earlier waves). */
  after: string[];
  /** 1 for deployments that wait for none, else one more than the latest they wait for. */
  wave: number;
  /** Minutes after the rollout starts that this deployment's shift starts / ends (hooks excluded). */
  startMinute: number;
  finishMinute: number;
  /** The same with every hook taking its whole timeout (and reporting its status in time). */
  finishMinuteAtMost: number;
  /**
   * The same when no hook reports its status: CodeDeploy waits up to one hour per hook for the
   * lifecycle status (`HOOK_STATUS_WAIT_MINUTES`), well past any Lambda timeout.
   */
  finishMinuteWorstCase: number;
  /** The alarms of its deployment group, in the stack. */
  alarms: string[];
  /** How many of the group's alarms are not in this stack (their reaction time is not known). */
  externalAlarms: number;
  /** The slowest alarm's reaction, in seconds. */
  alarmReactionSeconds?: number;
}

/** A weighted alias (trafficShifting mode `weighted`): traffic split without CodeDeploy. */
export interface WeightedAliasPlan {
  alias: string;
  region?: string;
  /** The version the alias serves (unknown at preview when it is published in this update). */
  functionVersion?: string;
  /** `{ <version>: <weight> }` of the additional version. */
  additionalVersionWeights: Record<string, number>;
}

/** A Route 53 health check and how long it takes to declare its region unhealthy. */
export interface FailoverPlan {
  healthCheck: string;
  region?: string;
  /** HTTP, HTTPS, TCP, ..., CALCULATED or CLOUDWATCH_METRIC. */
  type: string;
  requestIntervalSeconds?: number;
  failureThreshold?: number;
  /**
   * interval x threshold for endpoint checks; for a CALCULATED check, its slowest child; for a
   * CLOUDWATCH_METRIC check, its alarm's reaction when the alarm is in the stack.
   */
  detectionSeconds?: number;
}

export interface RolloutPlan {
  deployments: DeploymentPlan[];
  /** Whether deployments wait for others (regions roll out in waves). */
  waves: boolean;
  /** Regions by wave: `[["us-east-1"], ["us-west-2"]]`. */
  waveRegions: string[][];
  /** The rollout's length: the longest chain of traffic shifts, hooks excluded. */
  totalMinutes: number;
  /** The same with every hook taking its whole timeout (and reporting its status in time). */
  totalMinutesAtMost: number;
  /** The same when no hook reports its status (one hour per hook; `finishMinuteWorstCase`). */
  totalMinutesWorstCase: number;
  weightedAliases: WeightedAliasPlan[];
  failover: FailoverPlan[];
  alarms: AlarmPlan[];
}

/** The rollout plan of the captured resources. */
export function rolloutPlan(resources: readonly CapturedResource[]): RolloutPlan {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  const dependenciesOfType = (resource: CapturedResource, type: string) =>
    resource.dependencies
      .map((urn) => byUrn.get(urn))
      .filter((dependency): dependency is CapturedResource => dependency?.type === type);

  const alarms = ofType(METRIC_ALARM);
  const alarmPlans = new Map(alarms.map((alarm) => [alarm.urn, alarmPlan(alarm)]));
  const alarmByName = new Map<string, CapturedResource>();
  for (const alarm of alarms) {
    for (const name of [alarm.inputs.name, alarm.outputs.name]) {
      if (typeof name === "string") {
        alarmByName.set(name, alarm);
      }
    }
  }

  const deployments = ofType(LAMBDA_DEPLOYMENT_TYPE);
  const upstream = upstreamDeployments(resources, byUrn);
  const plans = new Map<string, DeploymentPlan>();
  for (const deployment of deployments) {
    const group = dependenciesOfType(deployment, DEPLOYMENT_GROUP)[0];
    const schedule = group
      ? scheduleOf(group, dependenciesOfType(group, DEPLOYMENT_CONFIG)[0])
      : undefined;
    const functions = dependenciesOfType(deployment, FUNCTION);
    const hooks = hookPlans(deployment.inputs.hooks, functions);
    const parent = deployment.parent ? byUrn.get(deployment.parent) : undefined;
    const targetFunction = functions.find((fn) => sameName(fn, deployment.inputs.functionName));
    const groupAlarms = group
      ? alarmsOf(group, dependenciesOfType(group, METRIC_ALARM), alarmByName)
      : undefined;
    const label =
      parent && parent.type !== "pulumi:pulumi:Stack"
        ? parent.name
        : (targetFunction?.name ?? deployment.name);
    for (const alarm of groupAlarms?.inStack ?? []) {
      alarmPlans.get(alarm.urn)?.gates.push(label);
    }
    const region =
      typeof deployment.inputs.region === "string"
        ? deployment.inputs.region
        : group
          ? regionOf(group)
          : undefined;
    const reactions = (groupAlarms?.inStack ?? [])
      .map((alarm) => alarmPlans.get(alarm.urn)?.reactionSeconds)
      .filter((seconds): seconds is number => seconds !== undefined);
    plans.set(deployment.urn, {
      urn: deployment.urn,
      name: deployment.name,
      function: label,
      ...(region ? { region } : {}),
      ...(group ? { deploymentGroup: group.name } : {}),
      deploymentType: schedule?.label ?? "unknown",
      ...(schedule?.configName ? { deploymentConfigName: schedule.configName } : {}),
      ...(schedule?.shift ? { trafficShift: schedule.shift } : {}),
      ...(schedule?.shift ? { shiftMinutes: estimatedRolloutMinutes(schedule.shift) } : {}),
      hooks,
      hookMinutesAtMost: hooks.reduce((sum, hook) => sum + (hook.timeoutSeconds ?? 0), 0) / 60,
      waitForCompletion: deployment.inputs.waitForCompletion !== false,
      ...(typeof deployment.inputs.timeoutMinutes === "number"
        ? { timeoutMinutes: deployment.inputs.timeoutMinutes }
        : {}),
      after: upstream.get(deployment.urn) ?? [],
      wave: 1,
      startMinute: 0,
      finishMinute: 0,
      finishMinuteAtMost: 0,
      finishMinuteWorstCase: 0,
      alarms: (groupAlarms?.inStack ?? []).map((alarm) => alarm.name),
      externalAlarms: groupAlarms?.external ?? 0,
      ...(reactions.length > 0 ? { alarmReactionSeconds: Math.max(...reactions) } : {}),
    });
  }

  // Longest chains: a deployment starts when every deployment it waits for has finished (or,
  // for one `pulumi up` does not wait for, has been created).
  const scheduled = new Set<string>();
  const schedule = (plan: DeploymentPlan, visiting: Set<string>): void => {
    if (scheduled.has(plan.urn) || visiting.has(plan.urn)) {
      return;
    }
    visiting.add(plan.urn);
    let start = 0;
    let startAtMost = 0;
    let startWorstCase = 0;
    let wave = 1;
    for (const urn of plan.after) {
      const before = plans.get(urn);
      if (!before) {
        continue;
      }
      schedule(before, visiting);
      start = Math.max(start, before.waitForCompletion ? before.finishMinute : before.startMinute);
      startAtMost = Math.max(
        startAtMost,
        before.waitForCompletion ? before.finishMinuteAtMost : before.startMinute,
      );
      startWorstCase = Math.max(
        startWorstCase,
        before.waitForCompletion ? before.finishMinuteWorstCase : before.startMinute,
      );
      wave = Math.max(wave, before.wave + 1);
    }
    plan.wave = wave;
    plan.startMinute = start;
    plan.finishMinute = start + (plan.shiftMinutes ?? 0);
    plan.finishMinuteAtMost = startAtMost + (plan.shiftMinutes ?? 0) + plan.hookMinutesAtMost;
    plan.finishMinuteWorstCase =
      startWorstCase + (plan.shiftMinutes ?? 0) + plan.hooks.length * HOOK_STATUS_WAIT_MINUTES;
    scheduled.add(plan.urn);
  };
  const deploymentPlans = [...plans.values()];
  deploymentPlans.forEach((plan) => schedule(plan, new Set()));

  const waveRegions: string[][] = [];
  for (const plan of deploymentPlans) {
    const regions = (waveRegions[plan.wave - 1] ??= []);
    if (plan.region && !regions.includes(plan.region)) {
      regions.push(plan.region);
    }
  }

  return {
    deployments: deploymentPlans,
    waves: deploymentPlans.some((plan) => plan.after.length > 0),
    waveRegions: Array.from(waveRegions, (regions) => regions ?? []),
    totalMinutes: Math.max(0, ...deploymentPlans.map((plan) => plan.finishMinute)),
    totalMinutesAtMost: Math.max(0, ...deploymentPlans.map((plan) => plan.finishMinuteAtMost)),
    totalMinutesWorstCase: Math.max(
      0,
      ...deploymentPlans.map((plan) => plan.finishMinuteWorstCase),
    ),
    weightedAliases: ofType(ALIAS)
      .filter((alias) => alias.inputs.routingConfig?.additionalVersionWeights)
      .map((alias) => ({
        alias: alias.name,
        ...(regionOf(alias) ? { region: regionOf(alias) } : {}),
        ...(typeof alias.inputs.functionVersion === "string"
          ? { functionVersion: alias.inputs.functionVersion }
          : {}),
        additionalVersionWeights: knownNumbers(alias.inputs.routingConfig.additionalVersionWeights),
      })),
    failover: failoverPlans(ofType(HEALTH_CHECK), byUrn, alarmByName, alarmPlans),
    alarms: [...alarmPlans.values()],
  };
}

/** How the deployment group shifts traffic: its predefined or custom configuration. */
function scheduleOf(
  group: CapturedResource,
  customConfig: CapturedResource | undefined,
): { label: string; configName?: string; shift?: TrafficShift } | undefined {
  const configName = group.inputs.deploymentConfigName;
  if (typeof configName === "string") {
    const shift = predefinedTrafficShift(configName);
    if (shift) {
      return {
        label: configName.replace(/^CodeDeployDefault\.Lambda/, ""),
        configName,
        shift,
      };
    }
  }
  const routing = customConfig?.inputs.trafficRoutingConfig;
  const name =
    typeof configName === "string"
      ? configName
      : typeof customConfig?.outputs.deploymentConfigName === "string"
        ? customConfig.outputs.deploymentConfigName
        : undefined;
  if (routing?.type === "TimeBasedCanary" && routing.timeBasedCanary) {
    const { percentage, interval } = routing.timeBasedCanary;
    if (typeof percentage === "number" && typeof interval === "number") {
      return {
        label: `custom canary ${percentage}% for ${interval} min`,
        ...(name ? { configName: name } : {}),
        shift: { type: "TimeBasedCanary", percentage, intervalMinutes: interval },
      };
    }
  }
  if (routing?.type === "TimeBasedLinear" && routing.timeBasedLinear) {
    const { percentage, interval } = routing.timeBasedLinear;
    if (typeof percentage === "number" && typeof interval === "number") {
      return {
        label: `custom linear ${percentage}% every ${interval} min`,
        ...(name ? { configName: name } : {}),
        shift: { type: "TimeBasedLinear", percentage, intervalMinutes: interval },
      };
    }
  }
  if (routing?.type === "AllAtOnce") {
    return {
      label: "custom all at once",
      ...(name ? { configName: name } : {}),
      shift: { type: "AllAtOnce" },
    };
  }
  return name ? { label: name, configName: name } : undefined;
}

function hookPlans(hooks: unknown, functions: readonly CapturedResource[]): HookPlan[] {
  if (typeof hooks !== "object" || hooks === null) {
    return [];
  }
  const names = hooks as Record<string, unknown>;
  return (["beforeAllowTraffic", "afterAllowTraffic"] as const)
    .filter((key) => names[key] !== undefined && names[key] !== null)
    .map((key) => {
      const hook = functions.find((fn) => sameName(fn, names[key]));
      const timeout = hook?.inputs.timeout;
      return {
        event: key === "beforeAllowTraffic" ? "BeforeAllowTraffic" : "AfterAllowTraffic",
        ...(hook ? { function: hook.name } : {}),
        ...(hook
          ? {
              timeoutSeconds:
                typeof timeout === "number" ? timeout : LAMBDA_DEFAULT_TIMEOUT_SECONDS,
            }
          : {}),
      };
    });
}

/** The group's alarms in the stack (by dependency or name) and how many others it names. */
function alarmsOf(
  group: CapturedResource,
  dependencies: readonly CapturedResource[],
  alarmByName: ReadonlyMap<string, CapturedResource>,
): { inStack: CapturedResource[]; external: number } {
  const configuration = group.inputs.alarmConfiguration;
  if (!configuration || configuration.enabled === false) {
    return { inStack: [], external: 0 };
  }
  const inStack = new Map(dependencies.map((alarm) => [alarm.urn, alarm]));
  let external = 0;
  const names: unknown[] = Array.isArray(configuration.alarms) ? configuration.alarms : [];
  for (const name of names) {
    const alarm = typeof name === "string" ? alarmByName.get(name) : undefined;
    if (alarm) {
      inStack.set(alarm.urn, alarm);
    } else if (typeof name === "string") {
      external += 1;
    }
  }
  return { inStack: [...inStack.values()], external };
}

function alarmPlan(alarm: CapturedResource): AlarmPlan {
  const { inputs } = alarm;
  const queryPeriods: number[] = (Array.isArray(inputs.metricQueries) ? inputs.metricQueries : [])
    .map((query: any) => query?.metric?.period)
    .filter((period: unknown): period is number => typeof period === "number");
  const period =
    typeof inputs.period === "number"
      ? inputs.period
      : queryPeriods.length > 0
        ? Math.max(...queryPeriods)
        : undefined;
  const evaluationPeriods =
    typeof inputs.evaluationPeriods === "number" ? inputs.evaluationPeriods : undefined;
  const region = regionOf(alarm);
  return {
    name: alarm.name,
    ...(region ? { region } : {}),
    metric:
      typeof inputs.metricName === "string"
        ? `${typeof inputs.namespace === "string" ? `${inputs.namespace} ` : ""}${inputs.metricName}`
        : queryPeriods.length > 0
          ? "metric math"
          : "unknown",
    ...(period !== undefined ? { periodSeconds: period } : {}),
    ...(evaluationPeriods !== undefined ? { evaluationPeriods } : {}),
    ...(period !== undefined && evaluationPeriods !== undefined
      ? { reactionSeconds: period * evaluationPeriods }
      : {}),
    gates: [],
  };
}

function failoverPlans(
  checks: readonly CapturedResource[],
  byUrn: ReadonlyMap<string, CapturedResource>,
  alarmByName: ReadonlyMap<string, CapturedResource>,
  alarmPlans: ReadonlyMap<string, AlarmPlan>,
): FailoverPlan[] {
  const plans = new Map<string, FailoverPlan>();
  const endpointTypes = ["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"];
  for (const check of checks) {
    const type = typeof check.inputs.type === "string" ? check.inputs.type : "unknown";
    const region = healthCheckRegion(check, byUrn);
    const plan: FailoverPlan = { healthCheck: check.name, ...(region ? { region } : {}), type };
    if (endpointTypes.includes(type)) {
      const interval = knownNumber(check.inputs.requestInterval, DEFAULT_REQUEST_INTERVAL);
      const threshold = knownNumber(check.inputs.failureThreshold, DEFAULT_FAILURE_THRESHOLD);
      if (interval !== undefined) {
        plan.requestIntervalSeconds = interval;
      }
      if (threshold !== undefined) {
        plan.failureThreshold = threshold;
      }
      if (interval !== undefined && threshold !== undefined) {
        plan.detectionSeconds = interval * threshold;
      }
    } else if (type === "CLOUDWATCH_METRIC") {
      const alarm =
        typeof check.inputs.cloudwatchAlarmName === "string"
          ? alarmByName.get(check.inputs.cloudwatchAlarmName)
          : undefined;
      const reaction = alarm ? alarmPlans.get(alarm.urn)?.reactionSeconds : undefined;
      if (reaction !== undefined) {
        plan.detectionSeconds = reaction;
      }
    }
    plans.set(check.urn, plan);
  }
  for (const check of checks) {
    const plan = plans.get(check.urn)!;
    if (plan.type !== "CALCULATED") {
      continue;
    }
    const children = check.dependencies
      .map((urn) => plans.get(urn)?.detectionSeconds)
      .filter((seconds): seconds is number => seconds !== undefined);
    if (children.length > 0) {
      plan.detectionSeconds = Math.max(...children);
    }
  }
  return [...plans.values()];
}

/**
 * A health check's region (health checks are global): the `region` its component registered
 * (RegionalService does), else the region of its sibling regional resources, else the region
 * named in its endpoint's hostname.
 */
function healthCheckRegion(
  check: CapturedResource,
  byUrn: ReadonlyMap<string, CapturedResource>,
): string | undefined {
  for (let parent = check.parent ? byUrn.get(check.parent) : undefined; parent;) {
    if (typeof parent.outputs.region === "string") {
      return parent.outputs.region;
    }
    parent = parent.parent ? byUrn.get(parent.parent) : undefined;
  }
  const fqdn = check.inputs.fqdn;
  if (typeof fqdn === "string") {
    return /\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com\.?$/.exec(fqdn)?.[1];
  }
  return undefined;
}

/** For every LambdaDeployment, the nearest LambdaDeployments it waits for, through any chain of dependencies. */
function upstreamDeployments(
  resources: readonly CapturedResource[],
  byUrn: ReadonlyMap<string, CapturedResource>,
): Map<string, string[]> {
  const memo = new Map<string, string[]>();
  const nearest = (urn: string, visiting: Set<string>): string[] => {
    const known = memo.get(urn);
    if (known) {
      return known;
    }
    if (visiting.has(urn)) {
      return [];
    }
    visiting.add(urn);
    const found = new Set<string>();
    for (const dependency of byUrn.get(urn)?.dependencies ?? []) {
      if (byUrn.get(dependency)?.type === LAMBDA_DEPLOYMENT_TYPE) {
        found.add(dependency);
      } else {
        nearest(dependency, visiting).forEach((upstreamUrn) => found.add(upstreamUrn));
      }
    }
    visiting.delete(urn);
    const result = [...found];
    memo.set(urn, result);
    return result;
  };
  const result = new Map<string, string[]>();
  for (const resource of resources) {
    if (resource.type === LAMBDA_DEPLOYMENT_TYPE) {
      const direct = new Set<string>();
      for (const dependency of resource.dependencies) {
        if (byUrn.get(dependency)?.type === LAMBDA_DEPLOYMENT_TYPE) {
          direct.add(dependency);
        } else {
          nearest(dependency, new Set([resource.urn])).forEach((urn) => direct.add(urn));
        }
      }
      result.set(resource.urn, [...direct]);
    }
  }
  return result;
}

function sameName(resource: CapturedResource, name: unknown): boolean {
  return (
    typeof name === "string" && (resource.outputs.name === name || resource.inputs.name === name)
  );
}

function knownNumber(value: unknown, absent: number): number | undefined {
  if (value === undefined || value === null) {
    return absent;
  }
  return typeof value === "number" ? value : undefined;
}

function knownNumbers(value: unknown): Record<string, number> {
  if (typeof value !== "object" || value === null) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, number] => typeof entry[1] === "number",
    ),
  );
}
