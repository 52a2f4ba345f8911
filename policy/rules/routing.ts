// Route 53 between regions: every routed record carries its region's health check, routing sets
// are complete, and health checks watch each region's own endpoint quickly enough.
import * as aws from "@pulumi/aws";
import {
  PolicyConfigSchema,
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import {
  configOf,
  EnvironmentSettings,
  environmentConfigProperties,
  environmentOf,
  isAbsent,
  isProductionEnvironment,
  isUnknown,
  knownString,
  normalizeDnsName,
  plain,
  referencedResources,
} from "./common";
import { fix } from "./remediation";

/** Route 53 health check types that probe an endpoint over HTTP(S). */
const HTTP_HEALTH_CHECK_TYPES = ["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH"];

/** Endpoint health check types with a request interval and failure threshold. */
const ENDPOINT_HEALTH_CHECK_TYPES = [...HTTP_HEALTH_CHECK_TYPES, "TCP"];

/** Route 53 defaults: `RequestInterval` 30 s, `FailureThreshold` 3 (Route 53 API Reference, HealthCheckConfig). */
const DEFAULT_REQUEST_INTERVAL = 30;
const DEFAULT_FAILURE_THRESHOLD = 3;

type RoutingKind =
  "failover" | "latency" | "geolocation" | "weighted" | "geoproximity" | "cidr" | "multivalue";

/**
 * The routing policies a record is known to use, and whether all of them are known: an unknown
 * policy list could be anything, so checks that depend on it are skipped.
 */
function routingOf(record: Record<string, any>): { kinds: RoutingKind[]; known: boolean } {
  const lists: [RoutingKind, unknown][] = [
    ["failover", record.failoverRoutingPolicies],
    ["latency", record.latencyRoutingPolicies],
    ["geolocation", record.geolocationRoutingPolicies],
    ["weighted", record.weightedRoutingPolicies],
  ];
  const singles: [RoutingKind, unknown][] = [
    ["geoproximity", record.geoproximityRoutingPolicy],
    ["cidr", record.cidrRoutingPolicy],
    [
      "multivalue",
      record.multivalueAnswerRoutingPolicy === false
        ? undefined
        : record.multivalueAnswerRoutingPolicy,
    ],
  ];
  const all = [...lists, ...singles];
  return {
    kinds: all
      .filter(
        ([, value]) =>
          !isAbsent(value) && !isUnknown(value) && (!Array.isArray(value) || value.length > 0),
      )
      .map(([kind]) => kind),
    known: all.every(([, value]) => !isUnknown(value)),
  };
}

/** What a record routes on, for messages. */
function describeRecord(record: Record<string, any>): string {
  const name = knownString(record.name) ?? "(unknown name)";
  const type = knownString(record.type) ?? "?";
  return `${name} ${type}`;
}

/**
 * A record that inherits health from records in its own hosted zone: an alias with
 * `evaluateTargetHealth: true` whose target is a name in the record's zone (Route 53 API
 * Reference, `AliasTarget.EvaluateTargetHealth`: "an alias resource record set inherits the
 * health of the referenced ... resource record set in the hosted zone", which is healthy while
 * any of the referenced records with a health check is). `MultiRegionService`'s SECONDARY
 * record for several standbys is one: it aliases the standby name, where every latency record
 * carries its standby's health check. `"unknown"` when the zones or the target name are not known
 * yet.
 */
function sameZoneAliasTarget(
  record: Record<string, any>,
): { name: string; zone: string } | undefined | "unknown" {
  const alias = Array.isArray(record.aliases) ? record.aliases[0] : undefined;
  if (isUnknown(record.aliases) || isUnknown(alias) || isUnknown(alias?.evaluateTargetHealth)) {
    return "unknown";
  }
  if (isAbsent(alias) || alias.evaluateTargetHealth !== true) {
    return undefined;
  }
  // An unknown target name (a standby name computed from another resource's output) is as
  // undecidable at preview as an unknown zone: the record may well alias its own zone.
  if (isUnknown(alias.zoneId) || isUnknown(record.zoneId) || isUnknown(alias.name)) {
    return "unknown";
  }
  const zone = knownString(record.zoneId);
  const name = knownString(alias.name);
  return zone !== undefined && name !== undefined && alias.zoneId === zone
    ? { name, zone }
    : undefined;
}

/**
 * Every record with a routing policy has a `setIdentifier` and is health-checked: a
 * `healthCheckId` of its own, or (for an alias to records in its own zone) `evaluateTargetHealth`,
 * which makes it inherit the health of the records it points at; stack policy
 * {@link aliasTargetsHealthChecked} checks that those carry health checks. An alias's
 * `evaluateTargetHealth` to an AWS resource does not count: for an API Gateway target it reflects
 * the gateway, not the Lambda behind it, and DESIGN gives each regional record its region's
 * health check.
 */
export const routedRecordsHaveHealthChecks: ResourceValidationPolicy = {
  name: "route53-routed-records-have-health-checks",
  description:
    "Route 53 records with a routing policy (failover, latency, geolocation, weighted, ...) have a " +
    "setIdentifier and a healthCheckId, or alias records of their own zone with evaluateTargetHealth.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(
    aws.route53.Record,
    (recordProps, _args, reportViolation) => {
      const record = plain(recordProps) as Record<string, any>;
      const { kinds } = routingOf(record);
      if (kinds.length === 0) {
        return;
      }
      const policy = kinds.join("/");
      if (isAbsent(record.setIdentifier) || record.setIdentifier === "") {
        reportViolation(
          `The ${policy} record ${describeRecord(record)} has no setIdentifier; Route 53 needs one ` +
            `to tell the records of a routed name apart. ${fix.healthCheckOnRecord}.`,
        );
      }
      if (
        (isAbsent(record.healthCheckId) || record.healthCheckId === "") &&
        sameZoneAliasTarget(record) === undefined
      ) {
        reportViolation(
          `The ${policy} record ${describeRecord(record)} has no healthCheckId, so Route 53 keeps ` +
            "answering with it when its region fails (an alias's evaluateTargetHealth counts only " +
            "for a target in the record's own hosted zone; for an API Gateway domain it sees the " +
            `gateway, not the service). ${fix.healthCheckOnRecord}.`,
        );
      }
    },
  ),
};

/**
 * A routed alias record that relies on `evaluateTargetHealth` to records of its own zone is only
 * as health-checked as those records: every record of the target name and type must be in the
 * stack and carry a `healthCheckId` (or be such an alias itself, checked in turn). Route 53 API
 * Reference, `AliasTarget.EvaluateTargetHealth`, "Other records in the same hosted zone": associate
 * a health check with all of the records in the alias target.
 */
export const aliasTargetsHealthChecked: StackValidationPolicy = {
  name: "route53-alias-targets-health-checked",
  description:
    "Routed alias records without a health check of their own point, with evaluateTargetHealth, " +
    "at records of their zone that all have health checks.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const records = args.resources
      .filter((r) => r.isType(aws.route53.Record))
      .map((resource) => ({ resource, record: plain(resource.props) as Record<string, any> }));
    const healthCheckAbsent = (record: Record<string, any>) =>
      isAbsent(record.healthCheckId) || record.healthCheckId === "";
    const membersOf = (zone: string, name: string, type: unknown) =>
      records.filter(
        ({ record }) =>
          record.zoneId === zone &&
          knownString(record.name) !== undefined &&
          normalizeDnsName(record.name) === normalizeDnsName(name) &&
          record.type === type,
      );
    /** Why the records at an alias's target are not all health-checked; undefined when they are. */
    const unchecked = (
      record: Record<string, any>,
      seen: Set<Record<string, any>>,
    ): string | undefined => {
      const target = sameZoneAliasTarget(record);
      if (target === undefined || target === "unknown" || isUnknown(record.type)) {
        return undefined;
      }
      const members = membersOf(target.zone, target.name, record.type);
      if (members.length === 0) {
        return `${target.name} ${record.type} has no records in this stack, so their health checks cannot be verified`;
      }
      const missing = members.filter(({ record: member }): boolean => {
        if (!healthCheckAbsent(member)) {
          return false;
        }
        if (seen.has(member) || sameZoneAliasTarget(member) === undefined) {
          return true;
        }
        return unchecked(member, new Set([...seen, member])) !== undefined;
      });
      return missing.length > 0
        ? `${missing.map(({ record: member }) => describeRecord(member) + (member.setIdentifier ? ` (${member.setIdentifier})` : "")).join(", ")} at the target ha${missing.length === 1 ? "s" : "ve"} no health check`
        : undefined;
    };
    for (const { resource, record } of records) {
      if (routingOf(record).kinds.length === 0 || !healthCheckAbsent(record)) {
        continue;
      }
      const problem = unchecked(record, new Set([record]));
      if (problem) {
        reportViolation(
          `The record ${describeRecord(record)} inherits its health from its alias target ` +
            `(evaluateTargetHealth), but ${problem}; Route 53 would treat it as healthy. ` +
            `${fix.healthCheckOnRecord}.`,
          resource.urn,
        );
      }
    }
  },
};

/**
 * Records that share a name and type form one routing set: failover needs exactly one PRIMARY
 * and one SECONDARY, geolocation needs a default (`country: "*"`), and set identifiers are unique
 * (Route 53 Developer Guide, "Choosing a routing policy").
 */
export const routingSetsComplete: StackValidationPolicy = {
  name: "route53-routing-sets-complete",
  description:
    "Failover record sets have exactly one PRIMARY and one SECONDARY, geolocation record sets " +
    "have a default (*) record, and set identifiers are unique within a record set.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    interface RecordSet {
      name: string;
      type: string;
      /** False when the hosted zone is not known: records of different zones may be mixed. */
      zoneKnown: boolean;
      members: { resource: PolicyResource; record: Record<string, any> }[];
    }
    const sets = new Map<string, RecordSet>();
    for (const resource of args.resources.filter((r) => r.isType(aws.route53.Record))) {
      const record = plain(resource.props) as Record<string, any>;
      const name = knownString(record.name);
      const type = knownString(record.type);
      if (!name || !type) {
        continue;
      }
      const zone =
        knownString(record.zoneId) ?? resource.propertyDependencies?.zoneId?.[0]?.urn ?? undefined;
      const key = `${zone ?? "?"}|${normalizeDnsName(name)}|${type}`;
      const set = sets.get(key) ?? { name, type, zoneKnown: zone !== undefined, members: [] };
      set.members.push({ resource, record });
      sets.set(key, set);
    }

    for (const set of sets.values()) {
      const label = `${set.name} ${set.type}`;
      const first = set.members[0].resource.urn;
      const routings = set.members.map(({ record }) => routingOf(record));
      if (!routings.every((routing) => routing.known)) {
        continue;
      }

      const failover = set.members.filter((_, i) => routings[i].kinds.includes("failover"));
      const roles = failover.map(({ record }) => record.failoverRoutingPolicies[0]?.type);
      if (failover.length > 0 && !roles.some(isUnknown)) {
        const primaries = roles.filter((role) => role === "PRIMARY").length;
        const secondaries = roles.filter((role) => role === "SECONDARY").length;
        const missing = primaries === 0 || secondaries === 0;
        const extra = set.zoneKnown && (primaries > 1 || secondaries > 1);
        if (missing || extra) {
          reportViolation(
            `The failover records for ${label} have ${primaries} PRIMARY and ${secondaries} ` +
              "SECONDARY; Route 53 failover needs exactly one of each. " +
              `${fix.routingSet}.`,
            failover[0].resource.urn,
          );
        }
      }

      const geolocation = set.members.filter((_, i) => routings[i].kinds.includes("geolocation"));
      const countries = geolocation.map(
        ({ record }) => record.geolocationRoutingPolicies[0]?.country,
      );
      if (geolocation.length > 0 && !countries.some(isUnknown) && !countries.includes("*")) {
        reportViolation(
          `The geolocation records for ${label} have no default record (country "*"), so ` +
            `clients outside the listed locations get no answer. ${fix.routingSet}.`,
          geolocation[0].resource.urn,
        );
      }

      if (set.zoneKnown) {
        const identifiers = set.members
          .map(({ record }) => knownString(record.setIdentifier))
          .filter((id): id is string => id !== undefined);
        const duplicates = identifiers.filter((id, i) => identifiers.indexOf(id) !== i);
        if (duplicates.length > 0) {
          reportViolation(
            `The records for ${label} share setIdentifier ${[...new Set(duplicates)].join(", ")}; ` +
              `each record of a routed name needs its own. ${fix.routingSet}.`,
            first,
          );
        }
      }
    }
  },
};

/** HTTP(S) health checks probe a path: the service's `/health` route, not whatever `/` serves. */
export const healthChecksHavePath: ResourceValidationPolicy = {
  name: "route53-health-checks-have-path",
  description: "HTTP and HTTPS Route 53 health checks name a resourcePath (the /health route).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(
    aws.route53.HealthCheck,
    (healthCheckProps, _args, reportViolation) => {
      const healthCheck = plain(healthCheckProps);
      if (
        HTTP_HEALTH_CHECK_TYPES.includes(healthCheck.type) &&
        (isAbsent(healthCheck.resourcePath) || healthCheck.resourcePath === "")
      ) {
        reportViolation(
          `The ${healthCheck.type} health check has no resourcePath, so it only proves that ` +
            `something answers on "/". ${fix.healthCheckPath}.`,
        );
      }
    },
  ),
};

/**
 * Health checks must not target a name that Route 53 itself routes: the answer comes from
 * whichever region is healthy, so a regional failure is invisible (DESIGN, "Multi-region and
 * Route 53"). Compared by DNS name; a record given relative to its zone is not resolved.
 */
export const healthChecksTargetRegionalEndpoints: StackValidationPolicy = {
  name: "route53-health-checks-target-regional-endpoints",
  description:
    "HTTP(S) health checks do not target the fqdn of a routed record (the global name), only a " +
    "region's own endpoint.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const routedNames = new Set<string>();
    for (const resource of args.resources.filter((r) => r.isType(aws.route53.Record))) {
      const record = plain(resource.props) as Record<string, any>;
      if (routingOf(record).kinds.length === 0) {
        continue;
      }
      for (const name of [knownString(record.name), knownString(record.fqdn)]) {
        if (name) {
          routedNames.add(normalizeDnsName(name));
        }
      }
    }
    for (const resource of args.resources.filter((r) => r.isType(aws.route53.HealthCheck))) {
      const healthCheck = plain(resource.props) as Record<string, any>;
      const fqdn = knownString(healthCheck.fqdn);
      if (
        HTTP_HEALTH_CHECK_TYPES.includes(healthCheck.type) &&
        fqdn &&
        routedNames.has(normalizeDnsName(fqdn))
      ) {
        reportViolation(
          `The health check targets ${fqdn}, a name Route 53 routes between regions; it would ` +
            `follow the traffic and never see a region fail. ${fix.regionalTarget}.`,
          resource.urn,
        );
      }
    }
  },
};

const detectionSchema: PolicyConfigSchema = {
  properties: {
    ...environmentConfigProperties,
    productionMaxDetectionSeconds: {
      type: "integer",
      minimum: 10,
      default: 30,
      description: "Longest failure detection (requestInterval x failureThreshold) in production.",
    },
    maxDetectionSeconds: {
      type: "integer",
      minimum: 10,
      default: 90,
      description: "Longest failure detection in other environments.",
    },
    maxDetectionSecondsByEnvironment: {
      type: "object",
      additionalProperties: { type: "integer", minimum: 10 },
      default: {},
      description: 'Per-environment overrides, e.g. `{ "staging": 60 }`.',
    },
  },
};

interface DetectionSettings extends EnvironmentSettings {
  productionMaxDetectionSeconds: number;
  maxDetectionSeconds: number;
  maxDetectionSecondsByEnvironment: Record<string, number>;
}

function refersToHealthCheck(healthCheck: PolicyResource, id: string): boolean {
  const props = plain(healthCheck.props) as Record<string, any>;
  return props.id === id || (knownString(props.arn)?.endsWith(`/${id}`) ?? false);
}

/**
 * The health check behind a PRIMARY failover record notices an outage within the environment's
 * target: detection takes about requestInterval (10 or 30 s) x failureThreshold (1-10, default 3)
 * (Route 53 Developer Guide, "How Route 53 determines whether a health check is healthy"). When
 * a record's health check cannot be resolved (an unknown `healthCheckId` at preview, and no
 * dependency to follow), every production health check in the stack is checked instead.
 */
export const failoverDetectionTime: StackValidationPolicy = {
  name: "route53-failover-detection-time",
  description:
    "The health check of a PRIMARY failover record detects failure (requestInterval x " +
    "failureThreshold) within the environment's target: 30 s in production, 90 s elsewhere.",
  enforcementLevel: "mandatory",
  configSchema: detectionSchema,
  validateStack: (args, reportViolation) => {
    const settings = configOf<DetectionSettings>(args, detectionSchema);
    const healthChecks = args.resources.filter((r) => r.isType(aws.route53.HealthCheck));
    const checked = new Set<PolicyResource>();
    let unresolved = false;
    for (const resource of args.resources.filter((r) => r.isType(aws.route53.Record))) {
      const record = plain(resource.props) as Record<string, any>;
      const policies = record.failoverRoutingPolicies;
      if (isUnknown(policies) || !Array.isArray(policies) || policies[0]?.type !== "PRIMARY") {
        continue;
      }
      if (isAbsent(record.healthCheckId)) {
        continue; // route53-routed-records-have-health-checks reports it
      }
      const referenced = referencedResources(
        resource,
        "healthCheckId",
        healthChecks,
        refersToHealthCheck,
      );
      if (referenced) {
        referenced.forEach((healthCheck) => checked.add(healthCheck));
      } else {
        unresolved = true;
      }
    }
    if (unresolved) {
      for (const healthCheck of healthChecks) {
        const environment = environmentOf(healthCheck, settings);
        if (isProductionEnvironment(environment, settings)) {
          checked.add(healthCheck);
        }
      }
    }

    for (const resource of checked) {
      const healthCheck = plain(resource.props) as Record<string, any>;
      const interval = healthCheck.requestInterval ?? DEFAULT_REQUEST_INTERVAL;
      const threshold = healthCheck.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
      if (
        !ENDPOINT_HEALTH_CHECK_TYPES.includes(healthCheck.type) ||
        typeof interval !== "number" ||
        typeof threshold !== "number"
      ) {
        continue;
      }
      const environment = environmentOf(resource, settings);
      const production = isProductionEnvironment(environment, settings);
      const limit =
        (environment !== undefined
          ? settings.maxDetectionSecondsByEnvironment[environment]
          : undefined) ??
        (production ? settings.productionMaxDetectionSeconds : settings.maxDetectionSeconds);
      const detection = interval * threshold;
      if (detection > limit) {
        reportViolation(
          `The failover health check detects an outage after about ${detection} s ` +
            `(requestInterval ${interval} x failureThreshold ${threshold}); the target for ` +
            `${environment ?? "an untagged environment"} is ${limit} s. ${fix.detectionTime}.`,
          resource.urn,
        );
      }
    }
  },
};

export const routingPolicies = [
  routedRecordsHaveHealthChecks,
  aliasTargetsHealthChecked,
  routingSetsComplete,
  healthChecksHavePath,
  healthChecksTargetRegionalEndpoints,
  failoverDetectionTime,
];
