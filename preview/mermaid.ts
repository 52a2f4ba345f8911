// The two diagrams of the Markdown summary, as Mermaid text (GitHub renders ```mermaid blocks):
// the topology (Route 53 routing to each region's API, functions and alias, the health checks and
// what they probe, the global table's replicas) and the rollout timeline as a Gantt chart.
// Plain string building: Mermaid itself is only loaded by the tests that parse the output.
import { createHash } from "crypto";
import type { DeploymentPlan, RolloutPlan } from "./rollout";
import { CONTINENTS, RoutingRecord, Topology } from "./topology";

/**
 * Text inside a quoted Mermaid label: `"` and the characters Mermaid or the Markdown around it
 * would read as markup become Mermaid's entity codes (`#quot;`, `#35;`), per Mermaid's
 * "Entity codes to escape characters" (flowchart syntax).
 */
export function mermaidText(text: string): string {
  return text
    .replace(/#/g, "#35;")
    .replace(/&/g, "#amp;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/`/g, "#96;")
    .replace(/\s+/g, " ");
}

function label(...lines: string[]): string {
  return `"${lines.map(mermaidText).join("<br/>")}"`;
}

/**
 * A Mermaid node id made of letters, digits and underscores, distinct for distinct names: a
 * name of letters and digits in single-dash-separated parts keeps its shape (`us-west-2` →
 * `region_us_west_2`; such ids never hold `__`); any other name gets `__` and a hash of the
 * name, so `a.b`, `a_b` and `a-b` are three nodes.
 */
export function id(prefix: string, name: string): string {
  if (/^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/.test(name)) {
    return `${prefix}_${name.replace(/-/g, "_")}`;
  }
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 10);
  return `${prefix}_${name.replace(/[^A-Za-z0-9]+/g, "_")}__${hash}`;
}

/** How a record routes, as an edge label: `PRIMARY`, `continent EU (Europe)`, `weight 2 (40%)`. */
export function routingLabel(record: RoutingRecord, weightTotal: number): string {
  switch (record.policy) {
    case "failover":
      return record.failover ?? "failover ?";
    case "latency":
      return `latency ${record.latencyRegion ?? "?"}`;
    case "geolocation": {
      const location = record.location ?? "?";
      const continent = /^continent (\w+)$/.exec(location)?.[1];
      return location === "default"
        ? "default (any other location)"
        : continent && CONTINENTS[continent]
          ? `${continent} (${CONTINENTS[continent]})`
          : location;
    }
    case "weighted":
      return record.weight === undefined
        ? "weight ?"
        : `weight ${record.weight}` +
            (weightTotal > 0 ? ` (${Math.round((record.weight / weightTotal) * 100)}%)` : "");
    default:
      return "simple";
  }
}

/** The topology as a Mermaid flowchart. */
export function topologyDiagram(topology: Topology, rollout: RolloutPlan): string {
  const lines = ["flowchart LR"];
  const deploymentTypes = new Map<string, string>();
  for (const deployment of rollout.deployments) {
    deploymentTypes.set(
      `${deployment.region ?? ""}\u0000${deployment.function}`,
      deployment.deploymentType,
    );
  }
  const weightedAliases = new Map(rollout.weightedAliases.map((alias) => [alias.alias, alias]));
  const regionIds = new Map<string, string>();
  for (const region of topology.regions) {
    regionIds.set(region.region, id("region", region.region));
  }

  const names = [...new Set(topology.records.map((record) => record.dnsName))];
  names.forEach((dnsName, index) => {
    const records = topology.records.filter((record) => record.dnsName === dnsName);
    const policies = [...new Set(records.map((record) => record.policy))];
    lines.push(
      `  ${id("dns", String(index))}([${label(dnsName, `Route 53 ${policies.join(" + ")} routing`)}])`,
    );
  });

  for (const region of topology.regions) {
    const regionId = regionIds.get(region.region)!;
    lines.push(`  subgraph ${regionId}[${label(region.region)}]`, "    direction TB");
    for (const api of region.apis) {
      lines.push(
        `    ${id("api", api.name)}[${label(
          `${api.protocol ?? ""} API ${api.name}`.trim(),
          ...(region.domains.length > 0 ? [`custom domain ${region.domains.join(", ")}`] : []),
          ...chunks(api.routes, 2).map((routes) => routes.join(" · ")),
        )}]`,
      );
    }
    for (const fn of region.functions) {
      const deploymentType = deploymentTypes.get(`${region.region}\u0000${fn.name}`);
      const weighted = [...weightedAliases.values()].find(
        (alias) => alias.region === region.region && alias.alias.startsWith(fn.name),
      );
      lines.push(
        `    ${id("fn", `${region.region}-${fn.name}`)}[${label(
          `λ ${fn.name}`,
          `alias ${fn.alias ?? "?"}` +
            (deploymentType
              ? `, ${deploymentType}`
              : weighted
                ? `, weighted ${Object.entries(weighted.additionalVersionWeights)
                    .map(([version, weight]) => `${Math.round(weight * 100)}% to v${version}`)
                    .join(", ")}`
                : ""),
        )}]`,
      );
      for (const api of region.apis) {
        if (fn.routes.length > 0) {
          lines.push(`    ${id("api", api.name)} --> ${id("fn", `${region.region}-${fn.name}`)}`);
        }
      }
    }
    for (const check of topology.healthChecks.filter((check) => check.region === region.region)) {
      lines.push(
        `    ${id("hc", check.name)}{{${label(
          `health check ${check.name}`,
          check.probes,
          ...(check.requestIntervalSeconds !== undefined && check.failureThreshold !== undefined
            ? [
                `every ${check.requestIntervalSeconds} s, unhealthy after ${check.failureThreshold} failures`,
              ]
            : []),
        )}}}`,
      );
      const probed = check.probes.includes("API") ? region.apis[0] : undefined;
      if (probed) {
        lines.push(`    ${id("hc", check.name)} -. probes .-> ${id("api", probed.name)}`);
      }
    }
    lines.push("  end");
  }

  const unplacedChecks = topology.healthChecks.filter(
    (check) => !check.region || !regionIds.has(check.region),
  );
  for (const check of unplacedChecks) {
    lines.push(`  ${id("hc", check.name)}{{${label(`health check ${check.name}`, check.probes)}}}`);
  }

  names.forEach((dnsName, index) => {
    const records = topology.records.filter((record) => record.dnsName === dnsName);
    const weightTotal = records.reduce((sum, record) => sum + (record.weight ?? 0), 0);
    // One edge per target region: its geolocation records' locations joined on one label.
    const byRegion = new Map<string, RoutingRecord[]>();
    for (const record of records) {
      const key = record.region ?? "?";
      byRegion.set(key, [...(byRegion.get(key) ?? []), record]);
    }
    for (const [region, regionRecords] of byRegion) {
      const target = regionIds.get(region);
      const text = regionRecords.map((record) => routingLabel(record, weightTotal)).join(", ");
      const guarded = regionRecords.some((record) => record.healthCheck);
      if (target) {
        lines.push(`  ${id("dns", String(index))} -->|${label(text)}| ${target}`);
      } else {
        lines.push(
          `  ${id("dns", String(index))} -->|${label(text)}| ${id("unknown", region)}[${label("region unknown at preview")}]`,
        );
      }
      if (guarded) {
        for (const check of new Set(
          regionRecords.map((record) => record.healthCheck).filter(Boolean),
        )) {
          lines.push(`  ${id("dns", String(index))} -. evaluates .-> ${id("hc", check!)}`);
        }
      }
    }
  });

  for (const table of topology.tables) {
    const regions = [table.region, ...table.replicas].filter(
      (region): region is string => !!region,
    );
    lines.push(
      `  ${id("table", table.name)}[(${label(
        `DynamoDB ${table.replicas.length > 0 ? "global table" : "table"} ${table.name}`,
        `replicas: ${regions.join(", ") || "?"}`,
      )})]`,
    );
    for (const region of regions) {
      const target = regionIds.get(region);
      if (target) {
        lines.push(`  ${target} --- ${id("table", table.name)}`);
      }
    }
  }
  return lines.join("\n");
}

/** `seconds` as the Gantt chart's `HH:mm:ss` (the chart starts at 00:00:00). */
function clock(seconds: number): string {
  const whole = Math.round(seconds);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor((whole % 3600) / 60))}:${pad(whole % 60)}`;
}

/** A Gantt task name: Mermaid ends it at `:` and `#` starts a comment in its grammar. */
function taskName(text: string): string {
  return text.replace(/[:#;]/g, " ").replace(/\s+/g, " ").trim();
}

/**
 * The rollout as a Mermaid Gantt chart: a section per deployment (wave, region, function), the
 * pre-traffic hook at its whole timeout, each canary or linear step for its interval, the
 * post-traffic hook at its whole timeout; then the earliest finish (hooks instant) and the latest
 * (every hook taking its whole timeout). Times are minutes from the start of the rollout.
 */
export function rolloutGantt(plan: RolloutPlan, stack: string): string {
  const lines = [
    "gantt",
    `  title ${taskName(`Rollout of ${stack}`)}`,
    // Times are relative; parsed and drawn in the viewer's local time, so they read from 00:00.
    "  dateFormat HH:mm:ss",
    "  axisFormat %H:%M",
  ];
  let task = 0;
  const add = (name: string, startSeconds: number, seconds: number, tag?: string) => {
    task += 1;
    lines.push(
      `    ${taskName(name)} :${tag ? `${tag}, ` : ""}t${task}, ${clock(startSeconds)}, ${tag === "milestone" ? 0 : Math.max(1, Math.round(seconds))}s`,
    );
  };
  for (const deployment of plan.deployments) {
    lines.push(
      `  section ${taskName(`Wave ${deployment.wave} ${deployment.region ?? "?"} ${deployment.function}`)}`,
    );
    let at = startAtMost(deployment) * 60;
    for (const hook of deployment.hooks.filter((h) => h.event === "BeforeAllowTraffic")) {
      add("pre-traffic hook (at most, if it reports in time)", at, hook.timeoutSeconds ?? 0);
      at += hook.timeoutSeconds ?? 0;
    }
    for (const step of shiftSteps(deployment)) {
      add(step.name, at, step.minutes * 60, "active");
      at += step.minutes * 60;
    }
    add("100% on the new version", at, 0, "milestone");
    for (const hook of deployment.hooks.filter((h) => h.event === "AfterAllowTraffic")) {
      add("post-traffic hook (at most, if it reports in time)", at, hook.timeoutSeconds ?? 0);
      at += hook.timeoutSeconds ?? 0;
    }
  }
  if (plan.deployments.length > 0) {
    lines.push("  section Finish");
    add(
      `earliest, hooks instant (${plan.totalMinutes} min)`,
      plan.totalMinutes * 60,
      0,
      "milestone",
    );
    add(
      `latest if hooks report in time, at their timeouts (${round(plan.totalMinutesAtMost)} min)`,
      plan.totalMinutesAtMost * 60,
      0,
      "milestone",
    );
    if (plan.totalMinutesWorstCase > plan.totalMinutesAtMost) {
      add(
        `worst case, no hook reports: CodeDeploy waits 1 h per hook (${round(plan.totalMinutesWorstCase)} min)`,
        plan.totalMinutesWorstCase * 60,
        0,
        "milestone",
      );
    }
  }
  return lines.join("\n");
}

/** When the deployment starts with every earlier hook taking its whole timeout, in minutes. */
function startAtMost(deployment: DeploymentPlan): number {
  return (
    deployment.finishMinuteAtMost - (deployment.shiftMinutes ?? 0) - deployment.hookMinutesAtMost
  );
}

/** The traffic-shift steps: `10% for 10 min`; linear: one step per increment before 100%. */
export function shiftSteps(deployment: DeploymentPlan): { name: string; minutes: number }[] {
  const shift = deployment.trafficShift;
  if (!shift || shift.type === "AllAtOnce") {
    return [];
  }
  if (shift.type === "TimeBasedCanary") {
    return [
      {
        name: `canary ${shift.percentage}% for ${shift.intervalMinutes} min`,
        minutes: shift.intervalMinutes,
      },
    ];
  }
  const increments = Math.ceil(100 / shift.percentage) - 1;
  return Array.from({ length: increments }, (_, index) => ({
    name: `linear ${Math.min(100, shift.percentage * (index + 1))}% for ${shift.intervalMinutes} min`,
    minutes: shift.intervalMinutes,
  }));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) {
    result.push(items.slice(index, index + size));
  }
  return result;
}
