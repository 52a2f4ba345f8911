// The topology of a previewed stack, read from its resources: which names Route 53 answers and how
// (failover, latency, geolocation, weighted), which region each record sends users to and which
// health check guards it, each region's API, functions and alias, what each health check probes,
// and the global table's replicas. The Markdown summary draws it; `--json` carries it so that
// `--compare` can say what changed in the routing.
import type { CapturedResource } from "../testing";
import { regionOf } from "./tree";

const RECORD = "aws:route53/record:Record";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const API = "aws:apigatewayv2/api:Api";
const ROUTE = "aws:apigatewayv2/route:Route";
const INTEGRATION = "aws:apigatewayv2/integration:Integration";
const DOMAIN_NAME = "aws:apigatewayv2/domainName:DomainName";
const ALIAS = "aws:lambda/alias:Alias";
const FUNCTION = "aws:lambda/function:Function";
const TABLE = "aws:dynamodb/table:Table";
const REGIONAL_SERVICE = "multiregion-serverless:index:RegionalService";
const TRAFFIC_SHIFTED_FUNCTION = "multiregion-serverless:index:TrafficShiftedFunction";

/** Route 53's continent codes (API `GeoLocation.ContinentCode`). */
export const CONTINENTS: Readonly<Record<string, string>> = {
  AF: "Africa",
  AN: "Antarctica",
  AS: "Asia",
  EU: "Europe",
  NA: "North America",
  OC: "Oceania",
  SA: "South America",
};

/** One Route 53 record set of a routed name (A and AAAA of the same set are one entry). */
export interface RoutingRecord {
  /** Logical names of the record resources (one per record type). */
  records: string[];
  /** The DNS name users resolve. */
  dnsName: string;
  /** `A`, `AAAA`, ... */
  recordTypes: string[];
  policy: "failover" | "latency" | "geolocation" | "weighted" | "simple";
  setIdentifier?: string;
  /** Failover: `PRIMARY` or `SECONDARY`. */
  failover?: string;
  /** Latency: the AWS region Route 53 measures latency to. */
  latencyRegion?: string;
  /** Geolocation: `continent EU`, `country DE`, `subdivision US-CA`, or `default` (country `*`). */
  location?: string;
  /** Weighted: the record's weight (0-255). */
  weight?: number;
  /** The region the record sends users to (its alias target's region). */
  region?: string;
  /** The health check (logical name) Route 53 evaluates for this record. */
  healthCheck?: string;
  evaluateTargetHealth?: boolean;
}

export interface RegionFunction {
  /** The TrafficShiftedFunction's logical name, else the Lambda function's. */
  name: string;
  /** The alias the API invokes (`live`). */
  alias?: string;
  /** The route keys whose integration invokes it. */
  routes: string[];
}

export interface RegionTopology {
  region: string;
  /** The RegionalService's logical name, when there is one. */
  service?: string;
  apis: { name: string; protocol?: string; routes: string[] }[];
  /** Custom domain names served in this region. */
  domains: string[];
  functions: RegionFunction[];
}

export interface HealthCheckTopology {
  name: string;
  region?: string;
  /** HTTPS, HTTP, TCP, ..., CALCULATED, CLOUDWATCH_METRIC. */
  type: string;
  /** What it probes, in words: `HTTPS :443 /health on the us-east-1 API's own endpoint`. */
  probes: string;
  requestIntervalSeconds?: number;
  failureThreshold?: number;
}

export interface TableTopology {
  name: string;
  /** The region the table is created in. */
  region?: string;
  /** The other regions it is replicated to (global table replicas). */
  replicas: string[];
}

export interface Topology {
  records: RoutingRecord[];
  regions: RegionTopology[];
  healthChecks: HealthCheckTopology[];
  tables: TableTopology[];
}

/** The topology of the captured resources. */
export function topologyOf(resources: readonly CapturedResource[]): Topology {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  const dependency = (resource: CapturedResource, type: string) =>
    resource.dependencies.map((urn) => byUrn.get(urn)).find((found) => found?.type === type);
  const regionFromParents = (resource: CapturedResource): string | undefined => {
    for (let parent = resource.parent ? byUrn.get(resource.parent) : undefined; parent;) {
      if (parent.type === REGIONAL_SERVICE && typeof parent.outputs.region === "string") {
        return parent.outputs.region;
      }
      parent = parent.parent ? byUrn.get(parent.parent) : undefined;
    }
    return undefined;
  };
  const healthCheckRegion = (check: CapturedResource) => {
    const target = dependency(check, API) ?? dependency(check, DOMAIN_NAME);
    return regionFromParents(check) ?? (target ? regionOf(target) : undefined);
  };

  const healthChecks = ofType(HEALTH_CHECK).map((check) =>
    healthCheckTopology(check, healthCheckRegion(check), byUrn),
  );

  const recordSets = new Map<string, RoutingRecord>();
  for (const record of ofType(RECORD)) {
    const dnsName = record.inputs.name;
    // Records whose name is unknown at preview are certificate validation records, not routing.
    if (typeof dnsName !== "string") {
      continue;
    }
    const healthCheck = dependency(record, HEALTH_CHECK);
    const target = dependency(record, DOMAIN_NAME);
    const routing = recordRouting(record.inputs);
    const region =
      routing.latencyRegion ??
      (target ? regionOf(target) : healthCheck ? healthCheckRegion(healthCheck) : undefined);
    const key = `${dnsName}\u0000${record.inputs.setIdentifier ?? ""}`;
    const known = recordSets.get(key);
    const recordType = typeof record.inputs.type === "string" ? record.inputs.type : "?";
    if (known) {
      known.records.push(record.name);
      known.recordTypes.push(recordType);
      continue;
    }
    const evaluateTargetHealth = record.inputs.aliases?.[0]?.evaluateTargetHealth;
    recordSets.set(key, {
      records: [record.name],
      dnsName,
      recordTypes: [recordType],
      ...routing,
      ...(typeof record.inputs.setIdentifier === "string"
        ? { setIdentifier: record.inputs.setIdentifier }
        : {}),
      ...(region ? { region } : {}),
      ...(healthCheck ? { healthCheck: healthCheck.name } : {}),
      ...(typeof evaluateTargetHealth === "boolean" ? { evaluateTargetHealth } : {}),
    });
  }

  return {
    records: [...recordSets.values()],
    regions: regionTopologies(resources, byUrn, regionFromParents),
    healthChecks,
    tables: ofType(TABLE).map((table) => {
      const region = regionOf(table);
      return {
        name: table.name,
        ...(region ? { region } : {}),
        replicas: (Array.isArray(table.inputs.replicas) ? table.inputs.replicas : [])
          .map((replica: { regionName?: unknown }) => replica?.regionName)
          .filter((name: unknown): name is string => typeof name === "string"),
      };
    }),
  };
}

function recordRouting(
  inputs: Record<string, any>,
): Pick<RoutingRecord, "policy" | "failover" | "latencyRegion" | "location" | "weight"> {
  const first = (value: unknown) => (Array.isArray(value) ? value[0] : undefined);
  const failover = first(inputs.failoverRoutingPolicies);
  if (failover) {
    return {
      policy: "failover",
      ...(typeof failover.type === "string" ? { failover: failover.type } : {}),
    };
  }
  const latency = first(inputs.latencyRoutingPolicies);
  if (latency) {
    return {
      policy: "latency",
      ...(typeof latency.region === "string" ? { latencyRegion: latency.region } : {}),
    };
  }
  const geolocation = first(inputs.geolocationRoutingPolicies);
  if (geolocation) {
    // Route 53: country `*` is the default record, for locations no other record matches.
    const location =
      geolocation.country === "*"
        ? "default"
        : typeof geolocation.subdivision === "string"
          ? `subdivision ${geolocation.country ?? "?"}-${geolocation.subdivision}`
          : typeof geolocation.country === "string"
            ? `country ${geolocation.country}`
            : typeof geolocation.continent === "string"
              ? `continent ${geolocation.continent}`
              : "?";
    return { policy: "geolocation", location };
  }
  const weighted = first(inputs.weightedRoutingPolicies);
  if (weighted) {
    return {
      policy: "weighted",
      ...(typeof weighted.weight === "number" ? { weight: weighted.weight } : {}),
    };
  }
  return { policy: "simple" };
}

function healthCheckTopology(
  check: CapturedResource,
  region: string | undefined,
  byUrn: ReadonlyMap<string, CapturedResource>,
): HealthCheckTopology {
  const { inputs } = check;
  const type = typeof inputs.type === "string" ? inputs.type : "unknown";
  const dependencies = check.dependencies.map((urn) => byUrn.get(urn));
  let probes: string;
  if (type === "CALCULATED") {
    const children = dependencies
      .filter((dependency) => dependency?.type === HEALTH_CHECK)
      .map((dependency) => dependency!.name);
    probes =
      `healthy when ${typeof inputs.childHealthThreshold === "number" ? inputs.childHealthThreshold : "?"}` +
      ` of ${children.length > 0 ? children.join(", ") : "its child checks"} are`;
  } else if (type === "CLOUDWATCH_METRIC") {
    probes = `alarm ${typeof inputs.cloudwatchAlarmName === "string" ? inputs.cloudwatchAlarmName : "?"}`;
  } else {
    const api = dependencies.find((dependency) => dependency?.type === API);
    const domain = dependencies.find((dependency) => dependency?.type === DOMAIN_NAME);
    const host =
      typeof inputs.fqdn === "string"
        ? inputs.fqdn
        : typeof inputs.ipAddress === "string"
          ? inputs.ipAddress
          : api
            ? `the ${regionOf(api) ?? region ?? "?"} API's own endpoint`
            : domain && typeof domain.inputs.domainName === "string"
              ? `${domain.inputs.domainName} in ${regionOf(domain) ?? "?"}`
              : "an unknown host";
    probes =
      `${type}${typeof inputs.port === "number" ? ` :${inputs.port}` : ""}` +
      `${typeof inputs.resourcePath === "string" ? ` ${inputs.resourcePath}` : ""} on ${host}`;
  }
  return {
    name: check.name,
    ...(region ? { region } : {}),
    type,
    probes,
    ...(typeof inputs.requestInterval === "number"
      ? { requestIntervalSeconds: inputs.requestInterval }
      : {}),
    ...(typeof inputs.failureThreshold === "number"
      ? { failureThreshold: inputs.failureThreshold }
      : {}),
  };
}

function regionTopologies(
  resources: readonly CapturedResource[],
  byUrn: ReadonlyMap<string, CapturedResource>,
  regionFromParents: (resource: CapturedResource) => string | undefined,
): RegionTopology[] {
  const regions = new Map<string, RegionTopology>();
  const regionEntry = (region: string) => {
    let entry = regions.get(region);
    if (!entry) {
      entry = { region, apis: [], domains: [], functions: [] };
      regions.set(region, entry);
    }
    return entry;
  };
  for (const service of resources.filter((resource) => resource.type === REGIONAL_SERVICE)) {
    if (typeof service.outputs.region === "string") {
      regionEntry(service.outputs.region).service ??= service.name;
    }
  }
  const regionOfResource = (resource: CapturedResource) =>
    regionOf(resource) ?? regionFromParents(resource);
  // A route reaches a function through its integration, whose URI is the alias's invoke ARN.
  const functionOfAlias = (alias: CapturedResource) => {
    const parent = alias.parent ? byUrn.get(alias.parent) : undefined;
    if (parent?.type === TRAFFIC_SHIFTED_FUNCTION) {
      return parent.name;
    }
    const target = alias.dependencies
      .map((urn) => byUrn.get(urn))
      .find((dependency) => dependency?.type === FUNCTION);
    return target?.name ?? alias.name;
  };
  const routesByFunction = new Map<string, string[]>();
  const routesByApi = new Map<string, string[]>();
  for (const route of resources.filter((resource) => resource.type === ROUTE)) {
    const routeKey = route.inputs.routeKey;
    if (typeof routeKey !== "string") {
      continue;
    }
    const dependencies = route.dependencies.map((urn) => byUrn.get(urn));
    const api = dependencies.find((dependency) => dependency?.type === API);
    if (api) {
      routesByApi.set(api.urn, [...(routesByApi.get(api.urn) ?? []), routeKey]);
    }
    const integration = dependencies.find((dependency) => dependency?.type === INTEGRATION);
    const alias = integration?.dependencies
      .map((urn) => byUrn.get(urn))
      .find((dependency) => dependency?.type === ALIAS);
    if (alias) {
      routesByFunction.set(alias.urn, [...(routesByFunction.get(alias.urn) ?? []), routeKey]);
    }
  }
  for (const resource of resources) {
    const region = regionOfResource(resource);
    if (!region) {
      continue;
    }
    if (resource.type === API) {
      regionEntry(region).apis.push({
        name: resource.name,
        ...(typeof resource.inputs.protocolType === "string"
          ? { protocol: resource.inputs.protocolType }
          : {}),
        routes: routesByApi.get(resource.urn) ?? [],
      });
    } else if (resource.type === DOMAIN_NAME && typeof resource.inputs.domainName === "string") {
      regionEntry(region).domains.push(resource.inputs.domainName);
    } else if (resource.type === ALIAS) {
      regionEntry(region).functions.push({
        name: functionOfAlias(resource),
        ...(typeof resource.inputs.name === "string" ? { alias: resource.inputs.name } : {}),
        routes: routesByFunction.get(resource.urn) ?? [],
      });
    }
  }
  return [...regions.values()];
}
