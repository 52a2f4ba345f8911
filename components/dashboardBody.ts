/**
 * The body of a CloudWatch dashboard, built from typed pieces. Every metric names the namespace,
 * metric and dimensions the resource really emits; the sources are cited at each builder.
 *
 * Structure: CloudWatch API reference, "Dashboard Body Structure and Syntax"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 * `{ widgets: [{ type, x, y, width, height, properties }] }`, width 1-24, a metric widget's
 * `metrics` rows are `[namespace, metricName, dimensionName, dimensionValue, ..., { options }]`
 * or `[{ expression, label, id }]`, an alarm status widget (`type: "alarm"`) lists alarm ARNs,
 * a log widget (`type: "log"`) holds a Logs Insights `query` whose `SOURCE` names log groups
 * of its one `region`.
 */

/** A metric row: `[namespace, name, dim, value, ..., options]`. */
export type MetricRow = (string | MetricOptions)[];

/** Per-row options of a metric (`region` lets one widget show several regions). */
export interface MetricOptions {
  readonly region?: string;
  readonly stat?: string;
  readonly label?: string;
  readonly id?: string;
  readonly expression?: string;
  readonly period?: number;
  readonly visible?: boolean;
}

/** A widget as the dashboard body holds it. */
export interface Widget {
  readonly type: "metric" | "alarm" | "log" | "text";
  x?: number;
  y?: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

/** The dashboard body (`DashboardBody` of PutDashboard, as JSON). */
export interface DashboardBody {
  readonly widgets: Widget[];
}

/** One function of one region, as the dashboard shows it. */
export interface DashboardFunction {
  /** The short name in the service (`orders`). */
  readonly key: string;
  readonly functionName: string;
  readonly aliasName: string;
}

/** One serving region. */
export interface DashboardRegion {
  readonly region: string;
  readonly functions: readonly DashboardFunction[];
  /** The HTTP API id and stage; no API widgets without. */
  readonly apiId?: string;
  readonly stage?: string;
  /** The Route 53 health check that decides this region's health. */
  readonly healthCheckId?: string;
  /** Log groups of the region's functions, for the latest-errors query. */
  readonly logGroupNames: readonly string[];
}

/** Everything the dashboard shows. */
export interface DashboardContent {
  /** Title line of the dashboard. */
  readonly title: string;
  readonly regions: readonly DashboardRegion[];
  /** The global table, replicated between the regions. */
  readonly tableName?: string;
  /** ARNs of the deployment alarms (and any others) whose states the dashboard shows. */
  readonly alarmArns: readonly string[];
  /** Metric period, seconds. */
  readonly period?: number;
}

/** Lambda: `AWS/Lambda`. */
export const LAMBDA_NAMESPACE = "AWS/Lambda";
/** API Gateway (HTTP APIs too): `AWS/ApiGateway`. */
export const API_GATEWAY_NAMESPACE = "AWS/ApiGateway";
/** Route 53 health checks: `AWS/Route53`, published in us-east-1 only. */
export const ROUTE53_NAMESPACE = "AWS/Route53";
/** Route 53 health check metrics exist in us-east-1 only (Route 53 Developer Guide, "Monitoring health check status and getting notifications"). */
export const ROUTE53_METRICS_REGION = "us-east-1";
/** DynamoDB: `AWS/DynamoDB`. */
export const DYNAMODB_NAMESPACE = "AWS/DynamoDB";

/**
 * Alias metrics. Lambda Developer Guide, "Types of metrics for Lambda functions" / "Viewing
 * metrics for aliases": invocations of an alias carry `FunctionName` and
 * `Resource` = `<function>:<alias>`; with `ExecutedVersion` added they are split by the
 * version that ran (what a canary or linear shift shows).
 */
export function aliasMetric(
  metricName: string,
  fn: DashboardFunction,
  options: MetricOptions,
): MetricRow {
  return [
    LAMBDA_NAMESPACE,
    metricName,
    "FunctionName",
    fn.functionName,
    "Resource",
    `${fn.functionName}:${fn.aliasName}`,
    options,
  ];
}

/**
 * The alias's metric split by `ExecutedVersion`, whatever versions ran: a SEARCH over the schema
 * `{AWS/Lambda,ExecutedVersion,FunctionName,Resource}` (CloudWatch User Guide, "Use search
 * expressions in graphs": `SEARCH(' {Namespace,DimensionName,...} SearchTerm ', 'Statistic', Period)`).
 */
export function byExecutedVersion(
  metricName: string,
  fn: DashboardFunction,
  stat: string,
  period: number,
  options: MetricOptions,
): MetricRow {
  const terms = [
    `MetricName="${metricName}"`,
    `FunctionName="${fn.functionName}"`,
    `Resource="${fn.functionName}:${fn.aliasName}"`,
  ].join(" ");
  return [
    {
      ...options,
      expression: `SEARCH('{${LAMBDA_NAMESPACE},ExecutedVersion,FunctionName,Resource} ${terms}', '${stat}', ${period})`,
    },
  ];
}

/**
 * HTTP API metrics. API Gateway Developer Guide, "Working with metrics for HTTP APIs":
 * `4xx`, `5xx`, `Count`, `Latency`, `IntegrationLatency`, `DataProcessed`, dimensions `ApiId`
 * and `Stage` (`$default` for the default stage).
 */
export function apiMetric(
  metricName: "4xx" | "5xx" | "Count" | "Latency",
  apiId: string,
  stage: string,
  options: MetricOptions,
): MetricRow {
  return [API_GATEWAY_NAMESPACE, metricName, "ApiId", apiId, "Stage", stage, options];
}

/**
 * Route 53 Developer Guide, "Monitoring health checks using CloudWatch": `HealthCheckStatus`
 * (1 healthy, 0 unhealthy), dimension `HealthCheckId`, in us-east-1 whatever the endpoint's region.
 */
export function healthCheckStatusMetric(healthCheckId: string, options: MetricOptions): MetricRow {
  return [
    ROUTE53_NAMESPACE,
    "HealthCheckStatus",
    "HealthCheckId",
    healthCheckId,
    { ...options, region: ROUTE53_METRICS_REGION },
  ];
}

/**
 * DynamoDB Developer Guide, "DynamoDB Metrics and dimensions", `ReplicationLatency`: global
 * tables, dimensions `TableName` and `ReceivingRegion`, published in the region that sends the
 * update (the source replica).
 */
export function replicationLatencyMetric(
  tableName: string,
  sendingRegion: string,
  receivingRegion: string,
  options: MetricOptions,
): MetricRow {
  return [
    DYNAMODB_NAMESPACE,
    "ReplicationLatency",
    "TableName",
    tableName,
    "ReceivingRegion",
    receivingRegion,
    { ...options, region: sendingRegion },
  ];
}

/** The dashboard's width in grid units (CloudWatch: 24 columns). */
export const GRID_WIDTH = 24;

function metricWidget(
  title: string,
  region: string,
  metrics: MetricRow[],
  period: number,
  extra: Record<string, unknown> = {},
): Widget {
  return {
    type: "metric",
    width: 12,
    height: 6,
    properties: { title, region, view: "timeSeries", stacked: false, period, metrics, ...extra },
  };
}

/**
 * Logs Insights: the latest errors of a region's functions. Lambda writes a line with
 * `ERROR` (console.error, runtime errors `"level":"ERROR"` with JSON logging) or `Task timed out`;
 * one widget per region, as a query's `SOURCE` log groups are of one region.
 */
export function latestErrorsQuery(logGroupNames: readonly string[]): string {
  const sources = logGroupNames.map((group) => `SOURCE '${group}'`).join(" | ");
  return (
    `${sources} | fields @timestamp, @log, @message ` +
    `| filter @message like /(?i)(ERROR|Task timed out|Unhandled)/ ` +
    `| sort @timestamp desc | limit 50`
  );
}

/** Lays widgets out in rows, left to right. */
function layOut(widgets: Widget[]): Widget[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const widget of widgets) {
    if (x + widget.width > GRID_WIDTH) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    widget.x = x;
    widget.y = y;
    x += widget.width;
    rowHeight = Math.max(rowHeight, widget.height);
  }
  return widgets;
}

/**
 * The dashboard: per function, invocations/errors/throttles and p50/p99 duration with the
 * regions side by side (each row option carries its region), duration split by executed
 * version; the APIs' 4xx/5xx and latency; the health checks; the table's replication latency;
 * the alarms' states; and each region's latest errors.
 */
export function dashboardBody(content: DashboardContent): DashboardBody {
  const period = content.period ?? 60;
  const home = content.regions[0]?.region ?? ROUTE53_METRICS_REGION;
  const widgets: Widget[] = [
    {
      type: "text",
      width: GRID_WIDTH,
      height: 2,
      properties: {
        markdown: `# ${content.title}\nRegions: ${content.regions.map((r) => r.region).join(", ")}`,
      },
    },
  ];
  const functionKeys = [...new Set(content.regions.flatMap((r) => r.functions.map((f) => f.key)))];
  for (const key of functionKeys) {
    const each = content.regions.flatMap((r) =>
      r.functions.filter((f) => f.key === key).map((fn) => ({ region: r.region, fn })),
    );
    widgets.push(
      metricWidget(
        `${key}: invocations, errors, throttles`,
        home,
        each.flatMap(({ region, fn }) =>
          ["Invocations", "Errors", "Throttles"].map((metric) =>
            aliasMetric(metric, fn, { region, stat: "Sum", label: `${metric} ${region}` }),
          ),
        ),
        period,
      ),
      metricWidget(
        `${key}: duration p50 / p99`,
        home,
        each.flatMap(({ region, fn }) =>
          ["p50", "p99"].map((stat) =>
            aliasMetric("Duration", fn, { region, stat, label: `${stat} ${region}` }),
          ),
        ),
        period,
      ),
    );
    // During a rollout the old and new versions serve side by side: one line per version.
    for (const { region, fn } of each) {
      widgets.push(
        metricWidget(
          `${key} ${region}: p99 duration and errors by executed version`,
          region,
          [
            byExecutedVersion("Duration", fn, "p99", period, {
              id: "duration",
              label: "p99",
              region,
            }),
            byExecutedVersion("Errors", fn, "Sum", period, {
              id: "errors",
              label: "errors",
              region,
            }),
          ],
          period,
        ),
      );
    }
  }
  const apis = content.regions.filter((r) => r.apiId !== undefined);
  if (apis.length > 0) {
    widgets.push(
      metricWidget(
        "API 4xx / 5xx",
        home,
        apis.flatMap((r) =>
          (["4xx", "5xx"] as const).map((metric) =>
            apiMetric(metric, r.apiId!, r.stage ?? "$default", {
              region: r.region,
              stat: "Sum",
              label: `${metric} ${r.region}`,
            }),
          ),
        ),
        period,
      ),
      metricWidget(
        "API latency p50 / p99",
        home,
        apis.flatMap((r) =>
          ["p50", "p99"].map((stat) =>
            apiMetric("Latency", r.apiId!, r.stage ?? "$default", {
              region: r.region,
              stat,
              label: `${stat} ${r.region}`,
            }),
          ),
        ),
        period,
      ),
    );
  }
  const checked = content.regions.filter((r) => r.healthCheckId !== undefined);
  if (checked.length > 0) {
    widgets.push(
      metricWidget(
        "Route 53 health check status (1 healthy, 0 unhealthy)",
        ROUTE53_METRICS_REGION,
        checked.map((r) =>
          healthCheckStatusMetric(r.healthCheckId!, { stat: "Minimum", label: r.region }),
        ),
        period,
        { yAxis: { left: { min: 0, max: 1 } } },
      ),
    );
  }
  if (content.tableName !== undefined && content.regions.length > 1) {
    const names = content.regions.map((r) => r.region);
    widgets.push(
      metricWidget(
        "DynamoDB replication latency",
        home,
        names.flatMap((from) =>
          names
            .filter((to) => to !== from)
            .map((to) =>
              replicationLatencyMetric(content.tableName!, from, to, {
                stat: "Average",
                label: `${from} -> ${to}`,
              }),
            ),
        ),
        period,
      ),
    );
  }
  // An alarm status widget lists at most 100 alarms (CloudWatch dashboard body reference, alarm
  // widget "alarms"), and a service's alarms grow with its regions, functions and sources (the
  // queue alarms of issue 17): more than 100 are shown in several widgets, never refused.
  const alarmGroups = chunks(content.alarmArns, MAX_ALARMS_PER_WIDGET);
  alarmGroups.forEach((alarms, index) => {
    widgets.push({
      type: "alarm",
      width: GRID_WIDTH,
      height: 4,
      properties: {
        title:
          "Deployment alarms" +
          (alarmGroups.length > 1 ? ` (${index + 1} of ${alarmGroups.length})` : ""),
        alarms: [...alarms],
        sortBy: "stateUpdatedTimestamp",
      },
    });
  });
  for (const r of content.regions.filter((candidate) => candidate.logGroupNames.length > 0)) {
    widgets.push({
      type: "log",
      width: 12,
      height: 6,
      properties: {
        title: `Latest errors ${r.region}`,
        region: r.region,
        query: latestErrorsQuery(r.logGroupNames),
        view: "table",
      },
    });
  }
  return { widgets: layOut(widgets) };
}

/** The most alarms one alarm status widget lists (CloudWatch dashboard body reference, "alarms"). */
export const MAX_ALARMS_PER_WIDGET = 100;

/** `items` in consecutive groups of at most `size`. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    groups.push(items.slice(start, start + size));
  }
  return groups;
}

/** The console address of a dashboard. */
export function dashboardUrl(region: string, dashboardName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(dashboardName)}`;
}
