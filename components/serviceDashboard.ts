import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_DASHBOARD_ARGS } from "./argumentShapes";
import { dashboardBody, DashboardRegion, dashboardUrl } from "./dashboardBody";
import type { MultiRegionService } from "./multiRegionService";
import { ArgumentProblems, REGION_PATTERN } from "./validation";

/** One function of a region on the dashboard. */
export interface ServiceDashboardFunction {
  /** The function's short name in the service (`orders`): regions' functions with the same key share a widget. */
  readonly key: string;
  /** The Lambda function's name. */
  readonly functionName: pulumi.Input<string>;
  /**
   * The alias that serves traffic.
   * @default "live"
   */
  readonly aliasName?: string;
  /**
   * The function's log group, for the latest-errors widget.
   * @default "/aws/lambda/<functionName>"
   */
  readonly logGroupName?: pulumi.Input<string>;
}

/** One serving region on the dashboard. */
export interface ServiceDashboardRegion {
  /** The region, e.g. `us-east-1`. */
  readonly region: string;
  /** The functions that serve in this region. */
  readonly functions: ServiceDashboardFunction[];
  /**
   * The region's HTTP API (API Gateway v2) id.
   * @default no API widgets for this region
   */
  readonly apiId?: pulumi.Input<string>;
  /**
   * The API's stage.
   * @default "$default"
   */
  readonly stage?: string;
  /**
   * The Route 53 health check that decides the region's health.
   * @default no health check line for this region
   */
  readonly healthCheckId?: pulumi.Input<string>;
}

/** Arguments of `ServiceDashboard`. */
export interface ServiceDashboardArgs {
  /**
   * The serving regions, primary first; the dashboard shows them side by side.
   */
  readonly regions: ServiceDashboardRegion[];
  /**
   * The region the dashboard lives in (dashboards are global to the account, but open in a region).
   * @default the first of `regions`
   */
  readonly region?: string;
  /**
   * The dashboard's name: letters, digits, `-` and `_`, at most 255 characters.
   * @default the component name
   */
  readonly dashboardName?: string;
  /**
   * The DynamoDB global table shared by the regions: its replication latency is shown.
   * @default no table widget
   */
  readonly tableName?: pulumi.Input<string>;
  /**
   * ARNs of the alarms whose states the dashboard shows (the deployment alarms), any number: an
   * alarm status widget lists at most 100, so more are shown in several widgets.
   * @default no alarm status widget
   */
  readonly alarmArns?: pulumi.Input<string>[];
  /**
   * The metric period, seconds: 60 or a multiple of 60.
   * @default 60
   */
  readonly periodSeconds?: number;
}

// PutDashboard: "DashboardName ... can contain only alphanumerics, dash (-), and underscore (_)"
// (CloudWatch API reference, PutDashboard), at most 255 characters.
const DASHBOARD_NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * One CloudWatch dashboard for a service and stack: every serving region side by side, per
 * function its alias's invocations, errors, throttles and p50/p99 duration (split by executed
 * version during a rollout), the HTTP API's 4xx, 5xx and latency, each region's Route 53 health
 * check status, the global table's replication latency, the deployment alarms' states, and the
 * latest errors in each region's logs.
 */
export class ServiceDashboard extends pulumi.ComponentResource {
  /** The dashboard's name. */
  readonly dashboardName: pulumi.Output<string>;
  /** The console address of the dashboard. */
  readonly url: pulumi.Output<string>;
  /** The region it opens in. */
  readonly region: string;
  /** The dashboard resource. */
  readonly dashboard: aws.cloudwatch.Dashboard;

  /**
   * @param name The _unique_ name of the component; the dashboard's name by default.
   * @param args The regions and their functions, APIs, health checks, the table and alarms.
   * @param opts Options for the component.
   */
  constructor(
    name: string,
    args: ServiceDashboardArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    checkServiceDashboardArgs(`ServiceDashboard "${name}"`, args, name).throwIfAny();
    super("multiregion-serverless:index:ServiceDashboard", name, {}, opts);

    this.region = args.region ?? args.regions[0].region;
    const dashboardName = args.dashboardName ?? name;
    const regions = pulumi.all(
      args.regions.map((region) =>
        pulumi
          .all([
            pulumi.all(
              region.functions.map((fn) =>
                pulumi
                  .all([
                    fn.functionName,
                    fn.logGroupName ?? pulumi.interpolate`/aws/lambda/${fn.functionName}`,
                  ])
                  .apply(([functionName, logGroupName]) => ({
                    key: fn.key,
                    functionName,
                    aliasName: fn.aliasName ?? "live",
                    logGroupName,
                  })),
              ),
            ),
            region.apiId,
            region.healthCheckId,
          ])
          .apply(([functions, apiId, healthCheckId]): DashboardRegion => ({
            region: region.region,
            functions,
            apiId,
            stage: region.stage ?? "$default",
            healthCheckId,
            logGroupNames: functions.map((fn) => fn.logGroupName),
          })),
      ),
    );
    const body = pulumi
      .all([regions, args.tableName, pulumi.all(args.alarmArns ?? [])])
      .apply(([known, tableName, alarmArns]) =>
        JSON.stringify(
          dashboardBody({
            title: dashboardName,
            regions: known,
            tableName,
            alarmArns,
            period: args.periodSeconds,
          }),
        ),
      );

    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      { region: this.region, dashboardName, dashboardBody: body },
      { parent: this },
    );
    this.dashboardName = this.dashboard.dashboardName;
    this.url = this.dashboard.dashboardName.apply((n) => dashboardUrl(this.region, n));
    this.registerOutputs({ dashboardName: this.dashboardName, url: this.url, region: this.region });
  }
}

/** Checks `ServiceDashboardArgs`: every problem at once. */
export function checkServiceDashboardArgs(
  subject: string,
  args: ServiceDashboardArgs,
  name: string,
  problems = new ArgumentProblems(subject),
): ArgumentProblems {
  // An Output where a known value is needed is reported once, by its key, and left out of
  // the checks below, which check the rest (every problem at once).
  args = problems.requireKnown(args, SERVICE_DASHBOARD_ARGS);
  problems.knownKeys(args, SERVICE_DASHBOARD_ARGS);
  if (!Array.isArray(args.regions) || args.regions.length === 0) {
    problems.add("regions", args.regions, "must list at least one region");
  } else {
    const seen = new Set<string>();
    args.regions.forEach((region, i) => {
      problems.check(
        typeof region?.region === "string" && REGION_PATTERN.test(region.region),
        `regions[${i}].region`,
        region?.region,
        "must be an AWS region name such as us-east-1",
      );
      problems.check(
        !seen.has(region?.region),
        `regions[${i}].region`,
        region?.region,
        "is listed more than once",
      );
      seen.add(region?.region);
      problems.check(
        Array.isArray(region?.functions),
        `regions[${i}].functions`,
        region?.functions,
        "must be a list of { key, functionName }",
      );
    });
  }
  if (args.region !== undefined) {
    problems.check(
      REGION_PATTERN.test(args.region),
      "region",
      args.region,
      "must be an AWS region name such as us-east-1",
    );
  }
  const dashboardName = args.dashboardName ?? name;
  problems.check(
    DASHBOARD_NAME_PATTERN.test(dashboardName),
    args.dashboardName === undefined ? "dashboardName (the component name)" : "dashboardName",
    dashboardName,
    "must be 1-255 letters, digits, - or _ (CloudWatch PutDashboard)",
  );
  if (args.periodSeconds !== undefined) {
    problems.check(
      Number.isInteger(args.periodSeconds) &&
        args.periodSeconds >= 60 &&
        args.periodSeconds % 60 === 0,
      "periodSeconds",
      args.periodSeconds,
      "must be 60 or a multiple of 60",
    );
  }
  return problems;
}

/**
 * The dashboard arguments of a `MultiRegionService`: each region's functions (alias, log group),
 * HTTP API, health check, the global table, every function's deployment alarms and the alarms on
 * its queues of failed events.
 */
export function serviceDashboardArgs(service: MultiRegionService): ServiceDashboardArgs {
  const alarmArns: pulumi.Input<string>[] = [];
  const regions = service.regionOrder.map((region): ServiceDashboardRegion => {
    const regional = service.services[region];
    return {
      region,
      functions: Object.entries(regional.functions).map(([key, fn]) => {
        const alarms = fn.deploymentAlarms;
        if (alarms) {
          for (const alarm of [alarms.errorAlarm, alarms.durationAlarm, alarms.throttleAlarm]) {
            if (alarm) {
              alarmArns.push(alarm.arn);
            }
          }
        }
        // The operational alarms on the queues of failed events (issue 17) show beside them.
        for (const alarm of fn.eventSources?.queueAlarms ?? []) {
          alarmArns.push(alarm.arn);
        }
        return {
          key,
          functionName: fn.functionName,
          aliasName: fn.aliasName,
          logGroupName: fn.logGroup.name,
        };
      }),
      apiId: regional.apiId,
      healthCheckId: regional.healthCheckId,
    };
  });
  return {
    regions,
    tableName: service.tableName,
    alarmArns: alarmArns.length ? alarmArns : undefined,
  };
}
