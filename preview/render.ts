// The offline preview as text: the resource tree and summary as `pulumi preview` prints them,
// the rollout plan, and the policy violations grouped by enforcement level.
import { renderNetworkPlan } from "./network";
import { renderFlagPlan } from "./flags";
import { renderProvisionedConcurrency } from "./provisionedConcurrency";
import { renderEventSources } from "./eventSources";
import { renderOperations } from "./operations";
import { formatDuration } from "../deployment/timing";
import type { PreviewResult } from "./preview";
import type { ReportedViolation } from "./policies";
import type { DeploymentPlan, RolloutPlan } from "./rollout";
import { renderTree } from "./tree";

export interface RenderOptions {
  /** ANSI colours. @default false */
  color?: boolean;
  /** Only the violations and the verdict: no tree, summary or rollout plan. @default false */
  quiet?: boolean;
  /**
   * The most columns a line may take: the tree and tables are fitted (see renderTree), wider
   * tables split into several with the same first columns, and prose wrapped. @default no limit
   */
  width?: number;
}

type Paint = (text: string) => string;

function palette(color: boolean): Record<"green" | "red" | "yellow" | "bold" | "dim", Paint> {
  const code = (open: number, close: number) => (text: string) =>
    color ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    green: code(32, 39),
    red: code(31, 39),
    yellow: code(33, 39),
    bold: code(1, 22),
    dim: code(2, 22),
  };
}

/** The report printed on standard output (an error is printed by {@link renderError}). */
export function renderPreview(result: PreviewResult, options: RenderOptions = {}): string {
  const paint = palette(options.color ?? false);
  const lines: string[] = [];
  if (!options.quiet) {
    lines.push(
      `Previewing stack ${paint.bold(result.stack)} offline: program ${result.program}, config ${result.stackFile}` +
        (result.configOverrides.length > 0 ? ` + ${result.configOverrides.join(" ")}` : ""),
      paint.dim(
        result.computedOutputs === "unknown"
          ? "Pulumi's runtime mocks in preview mode: computed outputs (ARNs, ids, versions) are unknown, as in `pulumi preview`."
          : "Pulumi's runtime mocks with emulated outputs (--known-outputs): policies see made-up ARNs, ids and versions, as at `pulumi up`.",
      ),
      "",
    );
    if (result.status === "error") {
      return `${lines.join("\n")}\n`;
    }
    lines.push(...renderTree(result.resources, paint.green, { width: options.width }), "");
    lines.push("Resources:", `    ${paint.green(`+ ${result.summary.create} to create`)}`, "");
    lines.push(...renderRollout(result.rollout, paint, options.width), "");
    const flags = renderFlagPlan(result.flags, paint.bold);
    if (flags.length > 0) lines.push(...flags, "");
    const provisioned = renderProvisionedConcurrency(result.provisionedConcurrency, paint.bold);
    if (provisioned.length > 0) lines.push(...provisioned, "");
    const network = renderNetworkPlan(result.network, paint.bold);
    if (network.length > 0) lines.push(...network, "");
    const eventSources = renderEventSources(result.eventSources, paint.bold);
    if (eventSources.length > 0) lines.push(...eventSources, "");
    lines.push(...renderOperations(result.operations, paint.bold), "");
  }
  if (result.status !== "error") {
    lines.push(...renderPolicies(result, paint));
  }
  const width = options.width;
  return `${(width ? lines.flatMap((line) => wrap(line, width)) : lines).join("\n")}\n`;
}

/** The visible length of a line (ANSI colour codes take no columns). */
function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[\d+m/g, "").length;
}

/** A line longer than `width` broken at spaces, continuation lines indented two more. */
export function wrap(line: string, width: number): string[] {
  if (visibleLength(line) <= width) {
    return [line];
  }
  const indent = /^ */.exec(line)![0];
  const words = line.slice(indent.length).split(" ");
  const lines: string[] = [];
  let current = indent;
  let currentIndent = indent;
  for (const word of words) {
    const candidate =
      current.length === currentIndent.length ? current + word : `${current} ${word}`;
    if (visibleLength(candidate) > width && current.length > currentIndent.length) {
      lines.push(current);
      currentIndent = `${indent}  `;
      current = currentIndent + word;
    } else {
      current = candidate;
    }
  }
  lines.push(current);
  // A word longer than the width (a long resource name) is cut, ending in "…".
  return lines.map((text) =>
    visibleLength(text) > width && !text.includes("\u001b") ? `${text.slice(0, width - 1)}…` : text,
  );
}

/** The error of a failed preview, for standard error. */
export function renderError(result: PreviewResult, options: RenderOptions = {}): string {
  const paint = palette(options.color ?? false);
  if (!result.error) {
    return "";
  }
  const what =
    result.error.kind === "usage"
      ? "usage"
      : result.error.kind === "config"
        ? "stack config"
        : "program";
  const lines = [`${paint.red(`error (${what}):`)} ${result.error.message}`];
  if (result.error.stack) {
    lines.push("", result.error.stack);
  }
  if (result.error.kind !== "usage") {
    lines.push(
      paint.dim(
        `Nothing was checked: fix ${result.error.kind === "config" ? result.stackFile || "the stack file" : "the program"} and run the preview again` +
          (result.error.stack || result.error.kind === "config"
            ? "."
            : " (--verbose shows the stack trace)."),
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}

export function renderRollout(
  plan: RolloutPlan,
  paint: Record<string, Paint>,
  width?: number,
): string[] {
  const table = (header: string[], rows: string[][]) =>
    fittedTable(header, rows, width === undefined ? undefined : width - 2, 3);
  const lines: string[] = [paint.bold("Rollout plan")];
  if (plan.deployments.length === 0) {
    lines.push(
      "  No CodeDeploy deployments: new versions take traffic as soon as they are published.",
    );
  } else {
    const rows = deploymentRows(plan);
    lines.push(...table([...DEPLOYMENT_COLUMNS], rows).map((line) => (line ? `  ${line}` : line)));
    if (plan.waves) {
      lines.push(
        `  Waves: ${plan.waveRegions.map((regions) => regions.join(" + ") || "?").join(" → ")}; ` +
          "each wave's traffic shifts wait for the previous wave's to succeed, so a failing canary stops the rollout before the next region.",
      );
    } else if (plan.deployments.length > 1) {
      lines.push("  No waves: every deployment shifts traffic at the same time.");
    }
    const notWaiting = plan.deployments.filter((deployment) => !deployment.waitForCompletion);
    if (notWaiting.length > 0) {
      lines.push(
        `  ${notWaiting.length} deployment(s) with waitForCompletion false: \`pulumi up\` does not wait for them, so later waves are not held back.`,
      );
    }
    lines.push(
      `  Total: ${plan.totalMinutes === 0 ? "no traffic-shift wait" : `about ${minutes(plan.totalMinutes)} of traffic shifting`}` +
        (plan.totalMinutesAtMost > plan.totalMinutes
          ? `, at most ${minutes(plan.totalMinutesAtMost)} with every hook taking its whole timeout and reporting in time`
          : "") +
        (plan.totalMinutesWorstCase > plan.totalMinutesAtMost
          ? ` (up to ${minutes(plan.totalMinutesWorstCase)} if no hook reports: CodeDeploy waits 1 h per hook)`
          : "") +
        " (plus CodeDeploy's own latency, about a minute per deployment).",
    );
  }
  for (const alias of plan.weightedAliases) {
    const weights = Object.entries(alias.additionalVersionWeights)
      .map(([version, weight]) => `${Math.round(weight * 100)}% to version ${version}`)
      .join(", ");
    lines.push(
      `  Weighted alias ${alias.alias}${alias.region ? ` (${alias.region})` : ""}: ${weights || "no additional version"}, the rest to version ${alias.functionVersion ?? "(unknown until deployed)"}.`,
    );
  }

  lines.push(
    "",
    paint.bold("Failover detection") + " (Route 53 health checks: interval × failure threshold)",
  );
  if (plan.failover.length === 0) {
    lines.push("  No health checks: Route 53 does not fail over.");
  } else {
    lines.push(
      ...table([...FAILOVER_COLUMNS], failoverRows(plan)).map((line) =>
        line ? `  ${line}` : line,
      ),
    );
  }

  lines.push("", paint.bold("Alarm reaction") + " (period × evaluation periods)");
  if (plan.alarms.length === 0) {
    lines.push("  No CloudWatch alarms: nothing stops a rollout but its hooks.");
  } else {
    lines.push(
      ...table([...ALARM_COLUMNS], alarmRows(plan)).map((line) => (line ? `  ${line}` : line)),
    );
  }
  return lines;
}

/** The columns of the rollout plan's deployments (terminal and Markdown). */
export const DEPLOYMENT_COLUMNS = [
  "Wave",
  "Region",
  "Function",
  "Deployment",
  "Shift",
  "Hooks (at most)",
  "Alarms react in",
] as const;

export function deploymentRows(plan: RolloutPlan): string[][] {
  return plan.deployments.map((deployment) => [
    String(deployment.wave),
    deployment.region ?? "?",
    deployment.function,
    deployment.deploymentType,
    deployment.shiftMinutes === undefined
      ? "?"
      : deployment.shiftMinutes === 0
        ? "at once"
        : minutes(deployment.shiftMinutes),
    hooksText(deployment),
    alarmsText(deployment),
  ]);
}

/** The columns of the failover detection table (terminal and Markdown). */
export const FAILOVER_COLUMNS = ["Region", "Type", "Detection", "Health check"] as const;

export function failoverRows(plan: RolloutPlan): string[][] {
  return plan.failover.map((check) => [
    check.region ?? "?",
    check.type,
    check.requestIntervalSeconds !== undefined && check.failureThreshold !== undefined
      ? `${check.requestIntervalSeconds} s × ${check.failureThreshold} = ${seconds(check.detectionSeconds!)}`
      : check.detectionSeconds !== undefined
        ? seconds(check.detectionSeconds)
        : "?",
    check.healthCheck,
  ]);
}

/** The columns of the alarm reaction table (terminal and Markdown). */
export const ALARM_COLUMNS = ["Metric", "Reaction", "Alarms"] as const;

/** The alarms grouped by metric and reaction time. */
export function alarmRows(plan: RolloutPlan): string[][] {
  const groups = new Map<string, { regions: Set<string>; count: number; gating: number }>();
  for (const alarm of plan.alarms) {
    const timing =
      alarm.periodSeconds !== undefined && alarm.evaluationPeriods !== undefined
        ? `${alarm.periodSeconds} s × ${alarm.evaluationPeriods} = ${seconds(alarm.reactionSeconds!)}`
        : "?";
    const key = `${alarm.metric}\u0000${timing}`;
    const group = groups.get(key) ?? { regions: new Set<string>(), count: 0, gating: 0 };
    group.count += 1;
    group.gating += alarm.gates.length > 0 ? 1 : 0;
    if (alarm.region) {
      group.regions.add(alarm.region);
    }
    groups.set(key, group);
  }
  return [...groups].map(([key, group]) => {
    const [metric, timing] = key.split("\u0000");
    return [
      metric,
      timing,
      `${group.count} in ${[...group.regions].join(", ") || "?"}` +
        (group.gating === group.count
          ? ", each stops its deployment"
          : group.gating > 0
            ? `, ${group.gating} stop a deployment`
            : ""),
    ];
  });
}

function renderPolicies(result: PreviewResult, paint: Record<string, Paint>): string[] {
  const { policies } = result;
  const lines: string[] = [];
  const byLevel = (level: "mandatory" | "advisory") =>
    policies.violations.filter((violation) =>
      level === "mandatory"
        ? violation.enforcementLevel === "mandatory"
        : violation.enforcementLevel !== "mandatory",
    );
  const mandatory = byLevel("mandatory");
  const advisory = byLevel("advisory");
  if (mandatory.length + advisory.length > 0) {
    lines.push(paint.bold(`Policy violations (${policies.pack} pack)`));
    for (const [level, violations, color] of [
      ["mandatory", mandatory, paint.red],
      ["advisory", advisory, paint.yellow],
    ] as const) {
      if (violations.length === 0) {
        continue;
      }
      lines.push(`  ${color(`${level} (${violations.length})`)}`);
      violations.forEach((violation) => lines.push(...renderViolation(violation, color)));
    }
    lines.push("");
  }
  const resourcePolicies = policies.ran.filter((policy) => policy.kind === "resource").length;
  lines.push(
    `Policies: ${policies.ran.length} run (${resourcePolicies} resource, ${policies.ran.length - resourcePolicies} stack)` +
      (policies.disabled.length > 0
        ? `, ${policies.disabled.length} disabled (${policies.disabled.join(", ")})`
        : "") +
      ".",
  );
  const seconds = (result.durationMs / 1000).toFixed(1);
  if (result.status === "mandatory") {
    lines.push(
      paint.red(
        `Preview failed: ${count(mandatory.length, "mandatory violation")}` +
          (advisory.length > 0 ? `, ${count(advisory.length, "advisory violation")}` : "") +
          ` (${seconds} s).`,
      ),
    );
  } else if (result.status === "advisory") {
    lines.push(
      paint.yellow(
        `Preview passed with ${count(advisory.length, "advisory violation")} (${seconds} s).`,
      ),
    );
  } else {
    lines.push(paint.green(`Preview passed: no policy violations (${seconds} s).`));
  }
  return lines;
}

function renderViolation(violation: ReportedViolation, color: Paint): string[] {
  const target = violation.resourceName
    ? `${violation.resourceType} ${violation.resourceName}${violation.region ? ` (${violation.region})` : ""}`
    : "the stack";
  return [
    `    ${color(`[${violation.enforcementLevel}]`)} ${violation.policyName}: ${target}`,
    `      ${violation.message}`,
    ...(violation.remediation ? [`      ${violation.remediation}`] : []),
  ];
}

function hooksText(deployment: DeploymentPlan): string {
  if (deployment.hooks.length === 0) {
    return "none";
  }
  return deployment.hooks
    .map(
      (hook) =>
        `${hook.event === "BeforeAllowTraffic" ? "pre" : "post"} ${hook.timeoutSeconds !== undefined ? seconds(hook.timeoutSeconds) : "?"}`,
    )
    .join(", ");
}

function alarmsText(deployment: DeploymentPlan): string {
  const inStack = deployment.alarms.length;
  if (inStack + deployment.externalAlarms === 0) {
    return "no alarms";
  }
  const reaction =
    deployment.alarmReactionSeconds !== undefined ? seconds(deployment.alarmReactionSeconds) : "?";
  return (
    `${reaction} (${count(inStack, "alarm")}` +
    (deployment.externalAlarms > 0 ? ` + ${deployment.externalAlarms} not in this stack` : "") +
    ")"
  );
}

export function minutes(value: number): string {
  return formatDuration(value * 60_000);
}

export function seconds(value: number): string {
  return value < 60 || value % 60 !== 0 ? `${value} s` : formatDuration(value * 1000);
}

export function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

/**
 * A table in at most `width` columns: when it is wider, its columns after the first `keyColumns`
 * are spread over several tables that each repeat the key columns.
 */
function fittedTable(
  header: string[],
  rows: string[][],
  width: number | undefined,
  keyColumns: number,
): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const total = (columns: number[]) =>
    columns.reduce((sum, column) => sum + widths[column], 0) + 2 * (columns.length - 1);
  const all = header.map((_, column) => column);
  if (width === undefined || total(all) <= width || header.length <= keyColumns) {
    return table(header, rows);
  }
  const keys = all.slice(0, keyColumns);
  const groups: number[][] = [];
  for (const column of all.slice(keyColumns)) {
    const last = groups.at(-1);
    if (last && total([...keys, ...last, column]) <= width) {
      last.push(column);
    } else {
      groups.push([column]);
    }
  }
  return groups.flatMap((group, index) => {
    const columns = [...keys, ...group];
    const pick = (row: string[]) => columns.map((column) => row[column]);
    return [...(index > 0 ? [""] : []), ...table(pick(header), rows.map(pick))];
  });
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
