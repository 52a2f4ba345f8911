// The integration checks: plain functions of the stack's outputs and injected clients (fetch,
// SDK clients, a DNS resolver), each returning findings instead of throwing, so the suite can
// print them all, retry the eventually-consistent ones, and the unit tests can drive each one
// with fakes (test/integration/checks.test.ts).
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  DeploymentInfo,
  ListDeploymentsCommand,
} from "@aws-sdk/client-codedeploy";
import { GetAliasCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { parseLambdaAppSpec } from "../deployment/appSpec";
import type { FunctionOutput, StackOutputs } from "./outputs";
import { ROUTE53_PACKAGE_HINT, type Route53Reader } from "./route53";

export type FindingStatus = "pass" | "fail" | "skip";

/** One result: what was checked, on what (a region, a function, a name), and what was seen. */
export interface Finding {
  check: string;
  subject: string;
  status: FindingStatus;
  detail: string;
}

/** The part of the WHATWG `fetch` the checks use (Node 20 has it built in). */
export type Fetch = (
  url: string,
  init?: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    signal?: AbortSignal;
  },
) => Promise<{ status: number; text(): Promise<string> }>;

export interface HttpClients {
  fetch: Fetch;
  /** Per request. @default 15 s */
  timeoutMs?: number;
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const finding = (
  check: string,
  subject: string,
  status: FindingStatus,
  detail: string,
): Finding => ({ check, subject, status, detail });

/** The findings that failed. */
export function failuresOf(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.status === "fail");
}

/** `PASS health us-east-1: ...`, one line per finding. */
export function formatFinding(f: Finding): string {
  return `${f.status.toUpperCase().padEnd(4)} ${f.check} ${f.subject}: ${f.detail}`;
}

function errorText(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: string; cause?: unknown };
  const text = [e.name, e.code, e.message].filter((part) => part && part !== "Error").join(": ");
  // fetch hides the reason (ENOTFOUND, ECONNREFUSED, a certificate error) in `cause`.
  const cause = e.cause as { code?: string; message?: string } | undefined;
  const reason = cause?.code ?? cause?.message;
  return reason ? `${text} (${reason})` : text;
}

interface HttpAnswer {
  status: number;
  body: any;
  text: string;
}

async function request(
  http: HttpClients,
  method: "GET" | "POST",
  url: string,
  body?: unknown,
): Promise<HttpAnswer> {
  const response = await http.fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(http.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text: text.slice(0, 300) };
}

/** `GET <regional endpoint>/health` answers 200 `{ status: "ok", region: <that region> }`. */
export async function checkRegionalHealth(
  outputs: StackOutputs,
  http: HttpClients,
): Promise<Finding[]> {
  const check = "GET /health";
  return Promise.all(
    outputs.regionOrder.map(async (region) => {
      const endpoint = outputs.regionalEndpoints[region];
      if (!endpoint) {
        return finding(check, region, "fail", "no regional endpoint in the stack's outputs");
      }
      try {
        const answer = await request(http, "GET", `${endpoint}/health`);
        if (answer.status !== 200) {
          return finding(
            check,
            region,
            "fail",
            `${endpoint}/health answered ${answer.status}: ${answer.text}`,
          );
        }
        if (answer.body?.region !== region) {
          return finding(
            check,
            region,
            "fail",
            `${endpoint}/health was answered from ${JSON.stringify(answer.body?.region)}, not ${region}`,
          );
        }
        return finding(
          check,
          region,
          "pass",
          `200 from ${region} (${JSON.stringify(answer.body.checks ?? {})})`,
        );
      } catch (error) {
        return finding(check, region, "fail", `${endpoint}/health: ${errorText(error)}`);
      }
    }),
  );
}

/** The order the round trips create: its total is 2 x 1.25 + 0.10 = 2.60. */
export function testOrder(customerId: string) {
  return {
    customerId,
    items: [
      { productId: "it-widget", quantity: 2, unitPrice: 1.25 },
      { productId: "it-gadget", quantity: 1, unitPrice: 0.1 },
    ],
  };
}
const TEST_ORDER_TOTAL = 2.6;

/**
 * `POST /orders` then `GET /orders/{id}` through one endpoint; returns the failure, or the
 * created order's id and the region that served it.
 */
async function orderRoundTrip(
  http: HttpClients,
  endpoint: string,
  customerId: string,
): Promise<{ problem: string } | { orderId: string; region: string }> {
  const created = await request(http, "POST", `${endpoint}/orders`, testOrder(customerId));
  if (created.status !== 201 || typeof created.body?.orderId !== "string") {
    return { problem: `POST ${endpoint}/orders answered ${created.status}: ${created.text}` };
  }
  if (created.body.total !== TEST_ORDER_TOTAL) {
    return {
      problem: `POST ${endpoint}/orders computed total ${created.body.total}, not ${TEST_ORDER_TOTAL}`,
    };
  }
  const orderId: string = created.body.orderId;
  const read = await request(http, "GET", `${endpoint}/orders/${encodeURIComponent(orderId)}`);
  if (read.status !== 200) {
    return { problem: `GET ${endpoint}/orders/${orderId} answered ${read.status}: ${read.text}` };
  }
  if (
    read.body?.orderId !== orderId ||
    read.body?.customerId !== customerId ||
    read.body?.total !== TEST_ORDER_TOTAL
  ) {
    return { problem: `GET ${endpoint}/orders/${orderId} returned another order: ${read.text}` };
  }
  return { orderId, region: String(created.body.region) };
}

/**
 * An order round trip through each region's own endpoint (served by that region), and through
 * the global endpoint when the stack has a domain (active-passive: served by the primary while
 * it is healthy).
 */
export async function checkOrderRoundTrips(
  outputs: StackOutputs,
  http: HttpClients,
  customerId: string,
): Promise<Finding[]> {
  const check = "POST /orders + GET /orders/{id}";
  const findings = await Promise.all(
    outputs.regionOrder.map(async (region) => {
      const endpoint = outputs.regionalEndpoints[region];
      if (!endpoint) {
        return finding(check, region, "fail", "no regional endpoint in the stack's outputs");
      }
      try {
        const result = await orderRoundTrip(http, endpoint, customerId);
        if ("problem" in result) {
          return finding(check, region, "fail", result.problem);
        }
        return result.region === region
          ? finding(check, region, "pass", `order ${result.orderId} written and read in ${region}`)
          : finding(
              check,
              region,
              "fail",
              `${endpoint} was served by ${result.region}, not ${region}`,
            );
      } catch (error) {
        return finding(check, region, "fail", `${endpoint}: ${errorText(error)}`);
      }
    }),
  );
  const domain = outputs.resolvedSettings.domain;
  if (!domain) {
    findings.push(finding(check, "global endpoint", "skip", "the stack has no domain"));
    return findings;
  }
  const subject = `global ${outputs.endpoint}`;
  try {
    const result = await orderRoundTrip(http, outputs.endpoint, customerId);
    if ("problem" in result) {
      findings.push(finding(check, subject, "fail", result.problem));
    } else if (
      outputs.resolvedSettings.topology === "active-passive" &&
      result.region !== outputs.regionOrder[0]
    ) {
      findings.push(
        finding(
          check,
          subject,
          "fail",
          `served by ${result.region}, not the primary ${outputs.regionOrder[0]}: Route 53 failed over (is the primary's health check unhealthy?)`,
        ),
      );
    } else if (!outputs.regionOrder.includes(result.region)) {
      findings.push(
        finding(check, subject, "fail", `served by ${result.region}, not a region of the stack`),
      );
    } else {
      findings.push(
        finding(
          check,
          subject,
          "pass",
          `order ${result.orderId} written and read, served by ${result.region}`,
        ),
      );
    }
  } catch (error) {
    findings.push(finding(check, subject, "fail", `${outputs.endpoint}: ${errorText(error)}`));
  }
  return findings;
}

/**
 * An order written in the first region can be read in every other one (the global table
 * replicates; usually within a second or two, so each read is tried a few times).
 */
export async function checkReplication(
  outputs: StackOutputs,
  http: HttpClients & { sleep?: Sleep; attempts?: number; intervalMs?: number },
  customerId: string,
): Promise<Finding[]> {
  const check = "global table replication";
  const [home, ...others] = outputs.regionOrder;
  if (!outputs.tableName || others.length === 0) {
    return [finding(check, home, "skip", "no table, or a single region")];
  }
  const created = await request(
    http,
    "POST",
    `${outputs.regionalEndpoints[home]}/orders`,
    testOrder(customerId),
  ).catch((error: unknown) => ({ status: 0, body: undefined, text: errorText(error) }));
  if (created.status !== 201 || typeof created.body?.orderId !== "string") {
    return [
      finding(
        check,
        home,
        "fail",
        `POST /orders in ${home} answered ${created.status}: ${created.text}`,
      ),
    ];
  }
  const orderId: string = created.body.orderId;
  const sleep = http.sleep ?? realSleep;
  const attempts = http.attempts ?? 10;
  return Promise.all(
    others.map(async (region) => {
      let last = "";
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          const read = await request(
            http,
            "GET",
            `${outputs.regionalEndpoints[region]}/orders/${orderId}`,
          );
          if (read.status === 200 && read.body?.orderId === orderId) {
            return finding(
              check,
              region,
              "pass",
              `order ${orderId} from ${home} read in ${region}`,
            );
          }
          last = `answered ${read.status}: ${read.text}`;
        } catch (error) {
          last = errorText(error);
        }
        if (attempt < attempts) {
          await sleep(http.intervalMs ?? 2_000);
        }
      }
      return finding(
        check,
        region,
        "fail",
        `order ${orderId} from ${home} not readable in ${region} after ${attempts} tries (${last})`,
      );
    }),
  );
}

/** The version each function's alias should be on, by region and function key. */
export type FunctionVersions = Record<string, Record<string, string>>;

/** Each function's `targetVersion` from the outputs (to compare after the next deployment). */
export function targetVersionsOf(outputs: StackOutputs): FunctionVersions {
  return Object.fromEntries(
    Object.entries(outputs.functions).map(([region, functions]) => [
      region,
      Object.fromEntries(Object.entries(functions).map(([key, fn]) => [key, fn.targetVersion])),
    ]),
  );
}

/** Every region's functions, failing regions of `regionOrder` that the outputs do not list. */
function functionsByRegion(
  outputs: StackOutputs,
  check: string,
  findings: Finding[],
): [string, string, StackOutputs["functions"][string][string]][] {
  const entries: [string, string, StackOutputs["functions"][string][string]][] = [];
  for (const region of outputs.regionOrder) {
    const functions = outputs.functions[region];
    if (!functions || Object.keys(functions).length === 0) {
      findings.push(
        finding(check, region, "fail", "no functions in the stack's `functions` output"),
      );
      continue;
    }
    for (const [key, fn] of Object.entries(functions)) {
      entries.push([region, key, fn]);
    }
  }
  return entries;
}

/**
 * The `live` alias of every function exists and points at a published version (never
 * `$LATEST`). In `codedeploy` mode it points at the stack's `targetVersion` with no routing
 * weights left (a finished shift). With `previous`, the target must be a NEW version (the
 * deployment published one).
 */
export async function checkAliases(
  outputs: StackOutputs,
  lambdaIn: (region: string) => LambdaClient,
  previous?: FunctionVersions,
): Promise<Finding[]> {
  const check = "alias";
  const findings: Finding[] = [];
  const entries = functionsByRegion(outputs, check, findings);
  const results = await Promise.all(
    entries.map(async ([region, key, fn]) => {
      const subject = `${region} ${fn.functionName}:${fn.aliasName}`;
      let answer;
      try {
        answer = await lambdaIn(region).send(
          new GetAliasCommand({ FunctionName: fn.functionName, Name: fn.aliasName }),
        );
      } catch (error) {
        return finding(
          check,
          subject,
          "fail",
          (error as { name?: string }).name === "ResourceNotFoundException"
            ? "the alias does not exist"
            : `GetAlias failed: ${errorText(error)}`,
        );
      }
      const version = answer.FunctionVersion ?? "";
      const weights = answer.RoutingConfig?.AdditionalVersionWeights ?? {};
      if (!/^[1-9]\d*$/.test(version)) {
        return finding(
          check,
          subject,
          "fail",
          `points at ${JSON.stringify(version)}, not a published version`,
        );
      }
      if (fn.mode === "weighted") {
        return finding(
          check,
          subject,
          "pass",
          `version ${version}, weights ${JSON.stringify(weights)}`,
        );
      }
      if (version !== fn.targetVersion) {
        return finding(
          check,
          subject,
          "fail",
          `points at version ${version}, the stack's target is ${fn.targetVersion} (the deployment failed, rolled back or is still running)`,
        );
      }
      if (Object.keys(weights).length > 0) {
        return finding(
          check,
          subject,
          "fail",
          `routing weights left ${JSON.stringify(weights)}: the shift did not finish`,
        );
      }
      const before = previous?.[region]?.[key];
      if (previous && before === undefined) {
        return finding(
          check,
          subject,
          "fail",
          "no version recorded before the deployment to compare with",
        );
      }
      if (before !== undefined && before === version) {
        return finding(
          check,
          subject,
          "fail",
          `still version ${version}: the deployment published no new version`,
        );
      }
      return finding(
        check,
        subject,
        "pass",
        before !== undefined
          ? `moved from version ${before} to ${version}, no routing weights left`
          : `version ${version} (the stack's target), no routing weights`,
      );
    }),
  );
  return [...findings, ...results];
}

/** CodeDeploy's statuses of a deployment that has not ended. */
export const ACTIVE_DEPLOYMENT_STATUSES = [
  "Created",
  "Queued",
  "InProgress",
  "Baking",
  "Ready",
] as const;

export interface DeploymentExpectations {
  /**
   * The last `pulumi up` must have run a deployment to the target version (a new version was
   * published), with the deployment group's current configuration (e.g. the canary).
   */
  requireDeployment?: boolean;
  /** Only deployments created since then count (ListDeployments `createTimeRange`). */
  since?: Date;
  /** At most this many ListDeployments pages (100 ids each) per group. @default 5 */
  maxPages?: number;
}

/**
 * The version a deployment moves its alias to: its AppSpec's `TargetVersion` (what
 * LambdaDeployment sends), else the default description's `-> version N`.
 */
export function deploymentTargetVersion(info: DeploymentInfo): string | undefined {
  const appSpec = parseLambdaAppSpec(
    info.revision?.appSpecContent?.content ?? info.revision?.string?.content,
  );
  return appSpec?.targetVersion ?? /-> version (\d+)\b/.exec(info.description ?? "")?.[1];
}

/** The group's deployments (newest first), read in pages of ids and batches of 25. */
async function groupDeployments(
  client: CodeDeployClient,
  fn: FunctionOutput,
  expectations: DeploymentExpectations,
): Promise<DeploymentInfo[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < (expectations.maxPages ?? 5); page++) {
    const answer = await client.send(
      new ListDeploymentsCommand({
        applicationName: fn.applicationName,
        deploymentGroupName: fn.deploymentGroupName,
        createTimeRange: expectations.since ? { start: expectations.since } : undefined,
        nextToken,
      }),
    );
    ids.push(...(answer.deployments ?? []));
    nextToken = answer.nextToken;
    if (!nextToken) {
      break;
    }
  }
  const infos: DeploymentInfo[] = [];
  for (let i = 0; i < ids.length; i += 25) {
    const batch = await client.send(
      new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(i, i + 25) }),
    );
    infos.push(...(batch.deploymentsInfo ?? []));
  }
  return infos.sort((a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0));
}

/**
 * Every `codedeploy` function: nothing is still running in its deployment group, and the
 * newest deployment to the stack's target version (ListDeployments + BatchGetDeployments, the
 * version read from its AppSpec) Succeeded. After a canary (`requireDeployment`) there must be
 * one, run with the group's current configuration.
 */
export async function checkDeployments(
  outputs: StackOutputs,
  codedeployIn: (region: string) => CodeDeployClient,
  expectations: DeploymentExpectations = {},
): Promise<Finding[]> {
  const check = "CodeDeploy deployment";
  const findings: Finding[] = [];
  const entries = functionsByRegion(outputs, check, findings);
  const results = await Promise.all(
    entries.map(async ([region, , fn]): Promise<Finding[]> => {
      const subject = `${region} ${fn.functionName}`;
      if (fn.mode !== "codedeploy") {
        return [finding(check, subject, "skip", "weighted mode: no CodeDeploy deployments")];
      }
      if (!fn.applicationName || !fn.deploymentGroupName) {
        return [
          finding(check, subject, "fail", "no applicationName/deploymentGroupName in the outputs"),
        ];
      }
      const client = codedeployIn(region);
      const out: Finding[] = [];
      try {
        const running = await client.send(
          new ListDeploymentsCommand({
            applicationName: fn.applicationName,
            deploymentGroupName: fn.deploymentGroupName,
            includeOnlyStatuses: [...ACTIVE_DEPLOYMENT_STATUSES],
          }),
        );
        const ids = running.deployments ?? [];
        out.push(
          ids.length > 0
            ? finding(
                check,
                subject,
                "fail",
                `still running in ${fn.deploymentGroupName}: ${ids.join(", ")}`,
              )
            : finding(check, subject, "pass", `nothing running in ${fn.deploymentGroupName}`),
        );
      } catch (error) {
        out.push(finding(check, subject, "fail", `ListDeployments failed: ${errorText(error)}`));
        return out;
      }
      let deployments: DeploymentInfo[];
      try {
        deployments = await groupDeployments(client, fn, expectations);
      } catch (error) {
        out.push(
          finding(
            check,
            subject,
            "fail",
            `reading the group's deployments failed: ${errorText(error)}`,
          ),
        );
        return out;
      }
      const window = expectations.since ? ` since ${expectations.since.toISOString()}` : "";
      const latest = deployments.find((info) => deploymentTargetVersion(info) === fn.targetVersion);
      if (!latest) {
        out.push(
          expectations.requireDeployment
            ? finding(
                check,
                subject,
                "fail",
                `no deployment to version ${fn.targetVersion}${window}: the last pulumi up started none`,
              )
            : finding(
                check,
                subject,
                "skip",
                `no deployment to version ${fn.targetVersion}${window} (the alias was created at it, or it was deployed earlier)`,
              ),
        );
        return out;
      }
      const config = latest.deploymentConfigName;
      if (latest.status !== "Succeeded") {
        const reason = latest.errorInformation
          ? ` (${latest.errorInformation.code}: ${latest.errorInformation.message})`
          : "";
        out.push(
          finding(
            check,
            subject,
            "fail",
            `${latest.deploymentId} to version ${fn.targetVersion} is ${latest.status}${reason}`,
          ),
        );
      } else if (
        expectations.requireDeployment &&
        fn.deploymentConfigName !== undefined &&
        config !== fn.deploymentConfigName
      ) {
        out.push(
          finding(
            check,
            subject,
            "fail",
            `${latest.deploymentId} ran ${config}, not the group's ${fn.deploymentConfigName}`,
          ),
        );
      } else {
        out.push(
          finding(
            check,
            subject,
            "pass",
            `${latest.deploymentId} Succeeded (${config}) to version ${fn.targetVersion}`,
          ),
        );
      }
      return out;
    }),
  );
  return [...findings, ...results.flat()];
}

export interface HealthCheckClients {
  /** Route 53 reads; undefined when @aws-sdk/client-route-53 is not installed. */
  route53?: Route53Reader;
  /** CloudWatch in us-east-1, where Route 53 publishes `HealthCheckStatus`. */
  cloudwatch: CloudWatchClient;
  now?: () => Date;
}

/**
 * Each region's health check from the outputs exists and calls that region's own endpoint on
 * /health (GetHealthCheck), and is healthy: the latest `AWS/Route53 HealthCheckStatus`
 * minimum is 1. The metric (only in us-east-1) covers every type; GetHealthCheckStatus does
 * not answer for calculated checks.
 */
export async function checkHealthChecks(
  outputs: StackOutputs,
  clients: HealthCheckClients,
): Promise<Finding[]> {
  const now = (clients.now ?? (() => new Date()))();
  const results = await Promise.all(
    outputs.regionOrder.map(async (region): Promise<Finding[]> => {
      const id = outputs.healthCheckIds[region];
      if (!id) {
        return [
          finding("health check", region, "fail", "no health check id in the stack's outputs"),
        ];
      }
      const subject = `${region} ${id}`;
      const out: Finding[] = [];
      if (!clients.route53) {
        out.push(finding("health check exists", subject, "skip", ROUTE53_PACKAGE_HINT));
      } else {
        try {
          const description = await clients.route53.getHealthCheck(id);
          const endpoint = outputs.regionalEndpoints[region];
          const hostname = endpoint ? new URL(endpoint).hostname : undefined;
          if (!description) {
            out.push(
              finding("health check exists", subject, "fail", "Route 53 has no such health check"),
            );
          } else if (description.type === "CALCULATED") {
            out.push(
              finding(
                "health check exists",
                subject,
                "pass",
                `CALCULATED from ${description.childHealthChecks?.length ?? 0} checks`,
              ),
            );
          } else if (description.fqdn !== hostname || description.resourcePath !== "/health") {
            out.push(
              finding(
                "health check exists",
                subject,
                "fail",
                `${description.type} checks ${description.fqdn}${description.resourcePath ?? ""}, not the region's own ${hostname}/health`,
              ),
            );
          } else {
            out.push(
              finding(
                "health check exists",
                subject,
                "pass",
                `${description.type} ${hostname}/health`,
              ),
            );
          }
        } catch (error) {
          out.push(
            finding(
              "health check exists",
              subject,
              "fail",
              `GetHealthCheck failed: ${errorText(error)}`,
            ),
          );
        }
      }
      try {
        const answer = await clients.cloudwatch.send(
          new GetMetricStatisticsCommand({
            Namespace: "AWS/Route53",
            MetricName: "HealthCheckStatus",
            Dimensions: [{ Name: "HealthCheckId", Value: id }],
            StartTime: new Date(now.getTime() - 10 * 60_000),
            EndTime: now,
            Period: 60,
            Statistics: ["Minimum"],
          }),
        );
        const points = [...(answer.Datapoints ?? [])].sort(
          (a, b) => (a.Timestamp?.getTime() ?? 0) - (b.Timestamp?.getTime() ?? 0),
        );
        const latest = points[points.length - 1];
        if (!latest) {
          out.push(
            finding(
              "health check healthy",
              subject,
              "fail",
              "no HealthCheckStatus data in the last 10 minutes (a new check reports after a few minutes)",
            ),
          );
        } else if (latest.Minimum === 1) {
          out.push(
            finding(
              "health check healthy",
              subject,
              "pass",
              `HealthCheckStatus 1 at ${latest.Timestamp?.toISOString()}`,
            ),
          );
        } else {
          out.push(
            finding(
              "health check healthy",
              subject,
              "fail",
              `HealthCheckStatus ${latest.Minimum} at ${latest.Timestamp?.toISOString()}: Route 53 sees the region as unhealthy`,
            ),
          );
        }
      } catch (error) {
        out.push(
          finding(
            "health check healthy",
            subject,
            "fail",
            `GetMetricStatistics failed: ${errorText(error)}`,
          ),
        );
      }
      return out;
    }),
  );
  return results.flat();
}

/**
 * The records for the domain: active-passive, exactly one PRIMARY (the primary region's health
 * check) and one SECONDARY (the standby's, or an alias to the standby chain) per record type;
 * active-active, every record carries one of the regions' health checks and every region is
 * routed to.
 */
export async function checkRoutingRecords(
  outputs: StackOutputs,
  route53: Route53Reader | undefined,
): Promise<Finding[]> {
  const check = "Route 53 records";
  const domain = outputs.resolvedSettings.domain;
  if (!domain) {
    return [finding(check, "(no domain)", "skip", "the stack has no domain: nothing is routed")];
  }
  if (!route53) {
    return [finding(check, domain.name, "skip", ROUTE53_PACKAGE_HINT)];
  }
  let records;
  try {
    records = (await route53.listRecords(domain.zoneId, domain.name)).filter(
      (r) => r.type === "A" || r.type === "AAAA",
    );
  } catch (error) {
    return [
      finding(check, domain.name, "fail", `ListResourceRecordSets failed: ${errorText(error)}`),
    ];
  }
  if (records.length === 0) {
    return [
      finding(
        check,
        domain.name,
        "fail",
        `no A/AAAA records for ${domain.name} in ${domain.zoneId}`,
      ),
    ];
  }
  const findings: Finding[] = [];
  const [primaryRegion, ...standbys] = outputs.regionOrder;
  if (outputs.resolvedSettings.topology === "active-passive") {
    for (const type of [...new Set(records.map((r) => r.type))].sort()) {
      const ofType = records.filter((r) => r.type === type);
      const subject = `${domain.name} ${type}`;
      const primary = ofType.filter((r) => r.failover === "PRIMARY");
      const secondary = ofType.filter((r) => r.failover === "SECONDARY");
      if (primary.length !== 1 || secondary.length !== 1) {
        findings.push(
          finding(
            check,
            subject,
            "fail",
            `${primary.length} PRIMARY and ${secondary.length} SECONDARY records; Route 53 routes failover with exactly one of each`,
          ),
        );
        continue;
      }
      const wantedPrimary = outputs.healthCheckIds[primaryRegion];
      if (primary[0].healthCheckId !== wantedPrimary) {
        findings.push(
          finding(
            check,
            subject,
            "fail",
            `PRIMARY carries health check ${primary[0].healthCheckId ?? "none"}, not ${primaryRegion}'s ${wantedPrimary}`,
          ),
        );
      } else {
        findings.push(
          finding(
            check,
            subject,
            "pass",
            `PRIMARY (${primary[0].setIdentifier}) on ${primaryRegion}'s health check ${wantedPrimary}`,
          ),
        );
      }
      if (standbys.length === 1) {
        const wantedSecondary = outputs.healthCheckIds[standbys[0]];
        findings.push(
          secondary[0].healthCheckId === wantedSecondary
            ? finding(
                check,
                subject,
                "pass",
                `SECONDARY (${secondary[0].setIdentifier}) on ${standbys[0]}'s health check ${wantedSecondary}`,
              )
            : finding(
                check,
                subject,
                "fail",
                `SECONDARY carries health check ${secondary[0].healthCheckId ?? "none"}, not ${standbys[0]}'s ${wantedSecondary}`,
              ),
        );
      } else {
        findings.push(
          secondary[0].aliasTarget
            ? finding(
                check,
                subject,
                "pass",
                `SECONDARY (${secondary[0].setIdentifier}) aliases ${secondary[0].aliasTarget.dnsName} (the standby chain)`,
              )
            : finding(check, subject, "fail", "SECONDARY is not an alias to the standby chain"),
        );
      }
    }
    return findings;
  }
  const regionOfCheck = new Map(
    Object.entries(outputs.healthCheckIds).map(([region, id]) => [id, region]),
  );
  const unchecked = records.filter((r) => !r.healthCheckId || !regionOfCheck.has(r.healthCheckId));
  const routed = new Set(
    records.map((r) => regionOfCheck.get(r.healthCheckId ?? "")).filter(Boolean),
  );
  const unrouted = outputs.regionOrder.filter((region) => !routed.has(region));
  findings.push(
    unchecked.length > 0
      ? finding(
          check,
          domain.name,
          "fail",
          `records without a region's health check: ${unchecked.map((r) => r.setIdentifier ?? r.type).join(", ")}`,
        )
      : finding(
          check,
          domain.name,
          "pass",
          `${records.length} records, each on a region's health check`,
        ),
  );
  if (unrouted.length > 0) {
    findings.push(
      finding(check, domain.name, "fail", `no record routes to ${unrouted.join(", ")}`),
    );
  }
  return findings;
}

/** `dns.promises.resolve4`, injectable. */
export type Resolve4 = (hostname: string) => Promise<string[]>;

/** The domain resolves to at least one IPv4 address. */
export async function checkDnsResolution(
  outputs: StackOutputs,
  resolve4: Resolve4,
): Promise<Finding[]> {
  const check = "DNS";
  const domain = outputs.resolvedSettings.domain;
  if (!domain) {
    return [finding(check, "(no domain)", "skip", "the stack has no domain")];
  }
  try {
    const addresses = await resolve4(domain.name);
    return addresses.length > 0
      ? [finding(check, domain.name, "pass", `resolves to ${addresses.join(", ")}`)]
      : [finding(check, domain.name, "fail", "resolves to no address")];
  } catch (error) {
    return [finding(check, domain.name, "fail", `does not resolve: ${errorText(error)}`)];
  }
}

export interface RetryOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Between attempts. */
  intervalMs: number;
  sleep?: Sleep;
  now?: () => number;
  /** Called with each failing attempt's failures (to show progress). */
  onRetry?: (failures: Finding[], attempt: number) => void;
}

/**
 * Runs `check` until it has no failures or the time is up, and returns the last findings. For
 * what AWS makes true eventually: DNS answers, Route 53 health checks, replication.
 */
export async function untilPassing(
  check: () => Promise<Finding[]>,
  options: RetryOptions,
): Promise<Finding[]> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const deadline = now() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const findings = await check();
    const failures = failuresOf(findings);
    if (failures.length === 0 || now() + options.intervalMs > deadline) {
      return findings;
    }
    options.onRetry?.(failures, attempt);
    await sleep(options.intervalMs);
  }
}
