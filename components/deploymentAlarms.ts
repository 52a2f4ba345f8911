import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { boundedName, NAME_LIMITS } from "./naming";
import { DEPLOYMENT_ALARMS_ARGS } from "./argumentShapes";
import { ArgumentProblems } from "./validation";

/** The thresholds of the `DeploymentAlarms`, shared with `TrafficShiftedFunction`'s `alarms`. */
export interface AlarmThresholdArgs {
  /**
   * Errors alarm: fires when the `Errors` sum over one minute is greater than this for two
   * consecutive minutes (the seed's error alarm).
   * @default 5
   */
  readonly errorThreshold?: number;
  /**
   * Average duration, in milliseconds, of the version now serving. With it, a duration
   * alarm fires when the one-minute average exceeds `durationBaselineMs * (1 + durationTolerance)`
   * for two consecutive minutes. Without it there is no duration alarm: a regression
   * threshold needs a baseline to regress from.
   * @default no duration alarm
   */
  readonly durationBaselineMs?: number;
  /**
   * Allowed duration increase over the baseline, as a fraction (0.2 = +20%, the seed's value).
   * @default 0.2
   */
  readonly durationTolerance?: number;
  /**
   * Throttles alarm: fires when the function is throttled at least once in one minute.
   * @default true
   */
  readonly throttleAlarm?: boolean;
}

/** Arguments of `DeploymentAlarms`. */
export interface DeploymentAlarmsArgs extends AlarmThresholdArgs {
  /** Name of the Lambda function whose alias is watched. */
  readonly functionName: pulumi.Input<string>;
  /**
   * The alias whose metrics are watched. Lambda publishes alias metrics with the dimensions
   * `FunctionName` and `Resource` = `<function>:<alias>`, so the alarms see traffic to both
   * versions during a shift.
   * @default "live"
   */
  readonly aliasName?: pulumi.Input<string>;
  /**
   * The version whose duration is watched: the version a deployment shifts to. The duration
   * alarm then reads the alias's metrics for that version only (`ExecutedVersion` dimension);
   * an average over both versions would hide a regression at 10% canary traffic (the new
   * version would have to be over three times slower to move the mix by 20%).
   * @default the alias's average over every version
   */
  readonly version?: pulumi.Input<string>;
  /**
   * Region of the alarms (`@pulumi/aws` v7 `region` input); must be the function's region.
   * @default the provider's region
   */
  readonly region?: pulumi.Input<string>;
  /**
   * Tags on every alarm.
   * @default {}
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * What each alarm notifies when it goes to ALARM and back to OK, e.g. SNS topic ARNs of the
   * alarms' region (CloudWatch allows at most 5 actions per state).
   * @default none
   */
  readonly alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The CloudWatch alarms that gate a Lambda rollout: errors, duration regression against a
 * baseline, and throttles, all on the alias and all `treatMissingData: notBreaching` (no
 * traffic during a canary is not a failure). Give `alarmNames` to a CodeDeploy deployment
 * group to stop and roll back a deployment when one fires.
 */
export class DeploymentAlarms extends pulumi.ComponentResource {
  /** Fires on errors above the threshold. */
  readonly errorAlarm: aws.cloudwatch.MetricAlarm;
  /** Fires on a duration regression; absent without `durationBaselineMs`. */
  readonly durationAlarm?: aws.cloudwatch.MetricAlarm;
  /** Fires on any throttle; absent when `throttleAlarm` is false. */
  readonly throttleAlarm?: aws.cloudwatch.MetricAlarm;
  /** Names of every alarm created, for a deployment group's alarm configuration. */
  readonly alarmNames: pulumi.Output<string[]>;
  /** ARNs of every alarm created. */
  readonly alarmArns: pulumi.Output<string[]>;
  /** How many alarms this component creates (known at construction). */
  readonly alarmCount: number;

  /**
   * @param name The _unique_ name of the component; alarm names derive from it.
   * @param args The function and alias to watch, and the thresholds.
   * @param opts Options for the component.
   */
  constructor(
    name: string,
    args: DeploymentAlarmsArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    checkDeploymentAlarmsArgs(`DeploymentAlarms "${name}"`, args).throwIfAny();
    super("multiregion-serverless:index:DeploymentAlarms", name, {}, opts);

    const aliasName = args.aliasName ?? "live";
    const dimensions = {
      FunctionName: args.functionName,
      Resource: pulumi.interpolate`${args.functionName}:${aliasName}`,
    };
    const common = {
      region: args.region,
      namespace: "AWS/Lambda",
      dimensions,
      period: 60,
      treatMissingData: "notBreaching",
      tags: args.tags,
      // Operators hear both when a rollout is stopped and when the alarm clears (issue 16).
      ...(args.alarmActions
        ? { alarmActions: args.alarmActions, okActions: args.alarmActions }
        : {}),
    };

    this.errorAlarm = new aws.cloudwatch.MetricAlarm(
      `${name}-errors`,
      {
        ...common,
        name: boundedName(`${name}-errors`, NAME_LIMITS.metricAlarm),
        alarmDescription: pulumi.interpolate`Errors on ${args.functionName}:${aliasName} during a rollout; stops and rolls back the deployment.`,
        metricName: "Errors",
        statistic: "Sum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: args.errorThreshold ?? 5,
        evaluationPeriods: 2,
      },
      { parent: this },
    );

    if (args.durationBaselineMs !== undefined) {
      const threshold = args.durationBaselineMs * (1 + (args.durationTolerance ?? 0.2));
      this.durationAlarm = new aws.cloudwatch.MetricAlarm(
        `${name}-duration`,
        {
          ...common,
          name: boundedName(`${name}-duration`, NAME_LIMITS.metricAlarm),
          alarmDescription: pulumi.interpolate`Average duration of ${args.functionName}:${aliasName} above ${threshold} ms (baseline ${args.durationBaselineMs} ms).`,
          metricName: "Duration",
          dimensions:
            args.version === undefined
              ? dimensions
              : { ...dimensions, ExecutedVersion: args.version },
          statistic: "Average",
          comparisonOperator: "GreaterThanThreshold",
          threshold,
          evaluationPeriods: 2,
        },
        { parent: this },
      );
    }

    if (args.throttleAlarm ?? true) {
      this.throttleAlarm = new aws.cloudwatch.MetricAlarm(
        `${name}-throttles`,
        {
          ...common,
          name: boundedName(`${name}-throttles`, NAME_LIMITS.metricAlarm),
          alarmDescription: pulumi.interpolate`Throttles on ${args.functionName}:${aliasName}.`,
          metricName: "Throttles",
          statistic: "Sum",
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          threshold: 1,
          evaluationPeriods: 1,
        },
        { parent: this },
      );
    }

    const alarms = [this.errorAlarm, this.durationAlarm, this.throttleAlarm].filter(
      (alarm): alarm is aws.cloudwatch.MetricAlarm => alarm !== undefined,
    );
    this.alarmCount = alarms.length;
    this.alarmNames = pulumi.all(alarms.map((alarm) => alarm.name));
    this.alarmArns = pulumi.all(alarms.map((alarm) => alarm.arn));

    this.registerOutputs({ alarmNames: this.alarmNames, alarmArns: this.alarmArns });
  }
}

/** The problems in `DeploymentAlarmsArgs`, keyed by `prefix`. */
export function checkDeploymentAlarmsArgs(
  subject: string,
  args: Partial<DeploymentAlarmsArgs>,
  prefix = "",
  problems = new ArgumentProblems(subject),
): ArgumentProblems {
  if (prefix === "") {
    // Nested (`alarms.` of a TrafficShiftedFunction), the caller's own shape checks the keys.
    args = problems.requireKnown(args, DEPLOYMENT_ALARMS_ARGS);
    problems.knownKeys(args, DEPLOYMENT_ALARMS_ARGS);
  }
  if (args.errorThreshold !== undefined) {
    problems.check(
      typeof args.errorThreshold === "number" &&
        Number.isFinite(args.errorThreshold) &&
        args.errorThreshold >= 0,
      `${prefix}errorThreshold`,
      args.errorThreshold,
      "must be a number of errors, 0 or more",
    );
  }
  // A Lambda invocation lasts at most 900 s.
  problems.numberInRange(`${prefix}durationBaselineMs`, args.durationBaselineMs, 1, 900_000);
  problems.numberInRange(`${prefix}durationTolerance`, args.durationTolerance, 0, 10);
  return problems;
}
