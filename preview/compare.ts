// `--compare <previous.json>`: what changed since a previous preview's JSON report (`--json`):
// resources added, removed or changed (which inputs, which flags), and the routing and rollout
// settings a reviewer cares about (Route 53 weights, failover roles, locations, deployment types,
// alias weights, health check timing).
import * as fs from "fs";
import { PreviewError } from "./errors";
import type { PreviewResource, PreviewResult } from "./preview";
import type { RoutingRecord } from "./topology";

/** The parts of a previous report `--compare` reads; older reports may lack digests and topology. */
export interface PreviousReport {
  file: string;
  stack: string;
  status?: string;
  resources: Pick<PreviewResource, "urn" | "type" | "name" | "inputs" | "flags">[];
  result: Partial<PreviewResult>;
}

export interface ResourceChange {
  urn: string;
  type: string;
  name: string;
  /** Top-level inputs whose value changed, was added or was removed. */
  inputs: string[];
  /** Boolean inputs that changed: `path: before → after`. */
  flags: { path: string; before?: boolean; after?: boolean }[];
}

export interface Comparison {
  previousFile: string;
  previousStack: string;
  previousStatus?: string;
  added: { urn: string; type: string; name: string }[];
  removed: { urn: string; type: string; name: string }[];
  changed: ResourceChange[];
  /** False when the previous report has no input digests (written before they existed). */
  inputsCompared: boolean;
  /** Routing and rollout settings that changed, in words: `api.example.com us-west-2: weight 1 → 3`. */
  settings: string[];
}

const ALLOWED = "a JSON report written by `--json` of this preview (schemaVersion 1)";

/** Reads and checks a previous report; a problem is a usage error naming `--compare` and the file. */
export function readPreviousReport(file: string): PreviousReport {
  const fail = (why: string): never => {
    throw new PreviewError("usage", `--compare ${file}: ${why}; allowed: ${ALLOWED}`);
  };
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    fail(`cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    fail("not a JSON object");
  }
  const report = parsed as Record<string, unknown>;
  if (report.schemaVersion !== 1) {
    fail(`schemaVersion is ${JSON.stringify(report.schemaVersion)}, not 1`);
  }
  if (typeof report.stack !== "string") {
    fail("it has no stack");
  }
  if (!Array.isArray(report.resources)) {
    fail("it has no resources array");
  }
  const resources = report.resources as unknown[];
  resources.forEach((resource, index) => {
    const entry = resource as Record<string, unknown> | null;
    if (
      typeof entry !== "object" ||
      entry === null ||
      typeof entry.urn !== "string" ||
      typeof entry.type !== "string" ||
      typeof entry.name !== "string"
    ) {
      fail(`resources[${index}] is not a resource with urn, type and name`);
    }
  });
  checkNested(report, fail);
  return {
    file,
    stack: report.stack as string,
    ...(typeof report.status === "string" ? { status: report.status } : {}),
    resources: resources as PreviousReport["resources"],
    result: report as Partial<PreviewResult>,
  };
}

/**
 * Checks the nested data `settingChanges` reads (topology records, rollout deployments,
 * weighted aliases, failover checks), so that a malformed report is a usage error rather than a
 * TypeError halfway through the comparison.
 */
function checkNested(report: Record<string, unknown>, fail: (why: string) => never): void {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  const list = (
    value: unknown,
    path: string,
    check: (item: Record<string, unknown>) => boolean,
  ) => {
    if (value === undefined) return;
    if (!Array.isArray(value)) fail(`${path} is not an array`);
    (value as unknown[]).forEach((item, index) => {
      if (!isObject(item) || !check(item)) fail(`${path}[${index}] is malformed`);
    });
  };
  const section = (key: string): Record<string, unknown> | undefined => {
    const value = report[key];
    if (value === undefined) return undefined;
    if (!isObject(value)) fail(`${key} is not an object`);
    return value as Record<string, unknown>;
  };
  const optionalString = (value: unknown) => value === undefined || typeof value === "string";
  const topology = section("topology");
  list(
    topology?.records,
    "topology.records",
    (record) =>
      typeof record.dnsName === "string" &&
      optionalString(record.setIdentifier) &&
      optionalString(record.policy) &&
      optionalString(record.healthCheck),
  );
  const rollout = section("rollout");
  list(
    rollout?.deployments,
    "rollout.deployments",
    (deployment) =>
      typeof deployment.function === "string" &&
      typeof deployment.deploymentType === "string" &&
      typeof deployment.wave === "number" &&
      optionalString(deployment.region),
  );
  list(
    rollout?.weightedAliases,
    "rollout.weightedAliases",
    (alias) =>
      typeof alias.alias === "string" &&
      isObject(alias.additionalVersionWeights) &&
      Object.values(alias.additionalVersionWeights).every((weight) => typeof weight === "number"),
  );
  list(
    rollout?.failover,
    "rollout.failover",
    (check) =>
      typeof check.healthCheck === "string" &&
      (check.detectionSeconds === undefined || typeof check.detectionSeconds === "number"),
  );
}

/** What changed from `previous` to `current`. */
export function compareReports(previous: PreviousReport, current: PreviewResult): Comparison {
  const before = new Map(previous.resources.map((resource) => [resource.urn, resource]));
  const after = new Map(current.resources.map((resource) => [resource.urn, resource]));
  const summary = (resource: { urn: string; type: string; name: string }) => ({
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
  });
  const inputsCompared = previous.resources.every((resource) => resource.inputs !== undefined);
  const changed: ResourceChange[] = [];
  for (const [urn, now] of after) {
    const then = before.get(urn);
    if (!then || !inputsCompared) {
      continue;
    }
    const keys = new Set([...Object.keys(then.inputs ?? {}), ...Object.keys(now.inputs)]);
    const inputs = [...keys].filter((key) => then.inputs?.[key] !== now.inputs[key]).sort();
    const paths = new Set([...Object.keys(then.flags ?? {}), ...Object.keys(now.flags)]);
    const flags = [...paths]
      .filter((path) => then.flags?.[path] !== now.flags[path])
      .sort()
      .map((path) => ({
        path,
        ...(then.flags?.[path] !== undefined ? { before: then.flags[path] } : {}),
        ...(now.flags[path] !== undefined ? { after: now.flags[path] } : {}),
      }));
    if (inputs.length + flags.length > 0) {
      changed.push({ ...summary(now), inputs, flags });
    }
  }
  return {
    previousFile: previous.file,
    previousStack: previous.stack,
    ...(previous.status ? { previousStatus: previous.status } : {}),
    added: current.resources.filter((resource) => !before.has(resource.urn)).map(summary),
    removed: previous.resources.filter((resource) => !after.has(resource.urn)).map(summary),
    changed,
    inputsCompared,
    settings: settingChanges(previous.result, current),
  };
}

/** Routing and rollout settings that differ, each in words. */
function settingChanges(previous: Partial<PreviewResult>, current: PreviewResult): string[] {
  const changes: string[] = [];
  const describeRecord = (record: RoutingRecord) =>
    [
      record.policy,
      record.failover,
      record.latencyRegion ? `latency ${record.latencyRegion}` : undefined,
      record.location,
      record.weight !== undefined ? `weight ${record.weight}` : undefined,
      record.region ? `to ${record.region}` : undefined,
      record.healthCheck ? `checked by ${record.healthCheck}` : "no health check",
    ]
      .filter(Boolean)
      .join(", ");
  const recordKey = (record: RoutingRecord) =>
    `${record.dnsName} ${record.setIdentifier ?? ""}`.trim();
  const diffMaps = (what: string, before: Map<string, string>, after: Map<string, string>) => {
    for (const [key, now] of after) {
      const then = before.get(key);
      if (then === undefined) {
        changes.push(`${what} ${key}: new (${now})`);
      } else if (then !== now) {
        changes.push(`${what} ${key}: ${then} → ${now}`);
      }
    }
    for (const [key, then] of before) {
      if (!after.has(key)) {
        changes.push(`${what} ${key}: removed (was ${then})`);
      }
    }
  };
  if (previous.topology && Array.isArray(previous.topology.records)) {
    diffMaps(
      "Route 53 record",
      new Map(
        previous.topology.records.map((record) => [recordKey(record), describeRecord(record)]),
      ),
      new Map(
        current.topology.records.map((record) => [recordKey(record), describeRecord(record)]),
      ),
    );
  }
  const rollout = previous.rollout;
  if (rollout && Array.isArray(rollout.deployments)) {
    const deployment = (plan: NonNullable<typeof rollout>) =>
      new Map(
        plan.deployments.map((d) => [
          `${d.function}${d.region ? ` (${d.region})` : ""}`,
          `${d.deploymentType}, wave ${d.wave}${d.waitForCompletion ? "" : ", not waited for"}`,
        ]),
      );
    diffMaps("Deployment of", deployment(rollout), deployment(current.rollout));
  }
  if (rollout && Array.isArray(rollout.weightedAliases)) {
    const weights = (plan: NonNullable<typeof rollout>) =>
      new Map(
        plan.weightedAliases.map((alias) => [
          alias.alias,
          Object.entries(alias.additionalVersionWeights)
            .map(([version, weight]) => `${Math.round(weight * 100)}% to version ${version}`)
            .join(", ") || "no additional version",
        ]),
      );
    diffMaps("Weighted alias", weights(rollout), weights(current.rollout));
  }
  if (rollout && Array.isArray(rollout.failover)) {
    const detection = (plan: NonNullable<typeof rollout>) =>
      new Map(
        plan.failover.map((check) => [
          check.healthCheck,
          check.detectionSeconds !== undefined
            ? `detects in ${check.detectionSeconds} s`
            : "detection unknown",
        ]),
      );
    diffMaps("Health check", detection(rollout), detection(current.rollout));
  }
  return changes;
}
