// `--markdown <file>`: the preview as a Markdown summary for a pull request comment or a GitHub
// Actions job summary: the verdict, the topology and rollout diagrams (Mermaid, which GitHub
// renders), the policy violations with their remediation, the failover detection and alarm
// reaction tables, and what changed against a previous report (`--compare`).
import type { Comparison } from "./compare";
import { eventSourceSettings } from "./eventSources";
import { rolloutGantt, topologyDiagram } from "./mermaid";
import type { PreviewResult } from "./preview";
import {
  ALARM_COLUMNS,
  alarmRows,
  count,
  DEPLOYMENT_COLUMNS,
  deploymentRows,
  FAILOVER_COLUMNS,
  failoverRows,
  minutes,
} from "./render";

/**
 * The first line of every summary: the pipeline finds its earlier comment on the pull request by
 * it and updates that comment instead of adding one per run (one per stack).
 */
export function summaryMarker(stack: string): string {
  return `<!-- multiregion-serverless-preview stack=${stack} -->`;
}

/** A Markdown table cell: pipes escaped, on one line. */
function cell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/\s*\n\s*/g, " ");
}

function markdownTable(header: readonly string[], rows: readonly string[][]): string[] {
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

const VERDICT: Record<PreviewResult["status"], string> = {
  passed: "✅ passed: no policy violations",
  advisory: "⚠️ passed with advisory violations",
  mandatory: "❌ failed: mandatory policy violations",
  error: "❌ the program or its config failed: nothing was checked",
};

/** The Markdown summary of a preview, with the comparison when `--compare` was given. */
export function renderMarkdown(result: PreviewResult, comparison?: Comparison): string {
  const lines: string[] = [
    summaryMarker(result.stack),
    `## Offline preview of ${code(result.stack)}: ${VERDICT[result.status]}`,
    "",
    `Program ${code(result.program)}, config ${code(result.stackFile)}` +
      (result.configOverrides.length > 0
        ? ` + ${result.configOverrides.map(code).join(" ")}`
        : "") +
      `; ${count(result.summary.create, "resource")} to create; ` +
      `${policyCount(result.policies.ran.length)} run` +
      (result.computedOutputs === "emulated" ? "; emulated outputs (`--known-outputs`)" : "") +
      ".",
    "",
  ];
  if (result.error) {
    // A fence longer than any backtick run in the message, so the message cannot close it.
    const fence = "`".repeat(
      Math.max(3, ...(result.error.message.match(/`+/g) ?? []).map((run) => run.length + 1)),
    );
    lines.push(
      `**error (${result.error.kind}):**`,
      "",
      `${fence}text`,
      result.error.message,
      fence,
      "",
    );
    return `${lines.join("\n")}\n`;
  }

  lines.push(...policySection(result), "");
  if (result.topology.records.length + result.topology.regions.length > 0) {
    lines.push(
      "### Topology",
      "",
      "```mermaid",
      topologyDiagram(result.topology, result.rollout),
      "```",
      "",
    );
  }
  lines.push(...rolloutSection(result), "");
  lines.push(...eventSourceSection(result), "");
  lines.push(...detectionSection(result), "");
  if (comparison) {
    lines.push(...comparisonSection(comparison), "");
  }
  return `${lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

function policyCount(n: number): string {
  return `${n} ${n === 1 ? "policy" : "policies"}`;
}

function policySection(result: PreviewResult): string[] {
  const { violations, disabled } = result.policies;
  const lines = [`### Policy (${result.policies.pack} pack)`, ""];
  if (violations.length === 0) {
    lines.push(
      `No violations: ${policyCount(result.policies.ran.length)} passed` +
        (disabled.length > 0 ? `, ${disabled.length} disabled (${disabled.join(", ")})` : "") +
        ".",
    );
    return lines;
  }
  lines.push(
    ...markdownTable(
      ["Level", "Policy", "Resource", "Violation", "Remediation"],
      violations.map((violation) => [
        violation.enforcementLevel,
        violation.policyName,
        violation.resourceName
          ? `${violation.resourceType} ${violation.resourceName}${violation.region ? ` (${violation.region})` : ""}`
          : "the stack",
        violation.message,
        violation.remediation ?? "",
      ]),
    ),
  );
  return lines;
}

function rolloutSection(result: PreviewResult): string[] {
  const plan = result.rollout;
  const lines = ["### Rollout", ""];
  if (plan.deployments.length === 0) {
    lines.push(
      "No CodeDeploy deployments: new versions take traffic as soon as they are published.",
    );
  } else {
    lines.push(
      `About ${minutes(plan.totalMinutes)} of traffic shifting` +
        (plan.totalMinutesAtMost > plan.totalMinutes
          ? `, at most ${minutes(plan.totalMinutesAtMost)} with every hook taking its whole timeout and reporting in time`
          : "") +
        (plan.totalMinutesWorstCase > plan.totalMinutesAtMost
          ? ` (up to ${minutes(plan.totalMinutesWorstCase)} if no hook reports: CodeDeploy waits 1 h per hook)`
          : "") +
        (plan.waves
          ? `; waves ${plan.waveRegions.map((regions) => regions.join(" + ") || "?").join(" → ")}, each waiting for the previous one to succeed`
          : plan.deployments.length > 1
            ? "; no waves: every deployment shifts traffic at the same time"
            : "") +
        ".",
      "",
      "```mermaid",
      rolloutGantt(plan, result.stack),
      "```",
      "",
      ...markdownTable(DEPLOYMENT_COLUMNS, deploymentRows(plan)),
    );
  }
  for (const alias of plan.weightedAliases) {
    const weights = Object.entries(alias.additionalVersionWeights)
      .map(([version, weight]) => `${Math.round(weight * 100)}% to version ${version}`)
      .join(", ");
    lines.push(
      "",
      `Weighted alias ${code(alias.alias)}${alias.region ? ` (${alias.region})` : ""}: ${weights || "no additional version"}.`,
    );
  }
  return lines;
}

/** What invokes each function besides HTTP (issue 17); nothing when no function has a source. */
function eventSourceSection(result: PreviewResult): string[] {
  const { functions } = result.eventSources;
  if (functions.length === 0) return [];
  return [
    "### Event sources",
    "",
    "Each invokes the alias, so it shifts and rolls back with it.",
    "",
    ...markdownTable(
      ["Region", "Function", "Kind", "Source", "Alias", "Settings"],
      functions.flatMap((fn) =>
        fn.sources.map((source) => [
          fn.region ?? "",
          code(fn.function),
          source.kind,
          source.source,
          code(source.invokes),
          eventSourceSettings(source).join(", "),
        ]),
      ),
    ),
  ];
}

function detectionSection(result: PreviewResult): string[] {
  const plan = result.rollout;
  const lines = [
    "### Failover detection",
    "",
    "Route 53 health checks: interval × failure threshold.",
    "",
  ];
  if (plan.failover.length === 0) {
    lines.push("No health checks: Route 53 does not fail over.");
  } else {
    const probes = new Map(result.topology.healthChecks.map((check) => [check.name, check.probes]));
    lines.push(
      ...markdownTable(
        [...FAILOVER_COLUMNS, "Probes"],
        failoverRows(plan).map((row) => [...row, probes.get(row[3]) ?? ""]),
      ),
    );
  }
  lines.push("", "### Alarm reaction", "", "Period × evaluation periods.", "");
  if (plan.alarms.length === 0) {
    lines.push("No CloudWatch alarms: nothing stops a rollout but its hooks.");
  } else {
    lines.push(...markdownTable(ALARM_COLUMNS, alarmRows(plan)));
  }
  return lines;
}

function comparisonSection(comparison: Comparison): string[] {
  const lines = [
    `### Changes since ${code(comparison.previousFile)}` +
      (comparison.previousStatus ? ` (then ${comparison.previousStatus})` : ""),
    "",
  ];
  const nothing =
    comparison.added.length + comparison.removed.length + comparison.changed.length === 0 &&
    comparison.settings.length === 0;
  if (nothing) {
    lines.push("No resource, routing or rollout setting changed.");
  }
  if (comparison.settings.length > 0) {
    lines.push(
      "Routing and rollout:",
      "",
      ...comparison.settings.map((change) => `- ${change}`),
      "",
    );
  }
  const rows: string[][] = [
    ...comparison.added.map((resource) => ["added", resource.type, resource.name, ""]),
    ...comparison.removed.map((resource) => ["removed", resource.type, resource.name, ""]),
    ...comparison.changed.map((change) => [
      "changed",
      change.type,
      change.name,
      [
        ...change.flags.map(
          (flag) => `${flag.path}: ${flag.before ?? "unset"} → ${flag.after ?? "unset"}`,
        ),
        ...change.inputs
          .filter((input) => !change.flags.some((flag) => flag.path.split(/[.[]/)[0] === input))
          .map((input) => input),
      ].join(", "),
    ]),
  ];
  if (rows.length > 0) {
    lines.push(...markdownTable(["Change", "Type", "Name", "What changed"], rows));
  }
  if (!comparison.inputsCompared) {
    lines.push(
      "",
      "The previous report has no input digests (an older version wrote it): only added and removed resources are shown.",
    );
  }
  return lines;
}
