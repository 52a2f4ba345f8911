import { expect } from "chai";
import {
  aliasTargetsHealthChecked,
  failoverDetectionTime,
  healthChecksHavePath,
  healthChecksTargetRegionalEndpoints,
  routedRecordsHaveHealthChecks,
  routingSetsComplete,
} from "../../policy/rules";
import { check, devTags, messages, prodTags, resource, UNKNOWN_INPUT } from "./fixtures";

const RECORD = "aws:route53/record:Record";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";

function healthCheck(name: string, overrides: Record<string, any> = {}) {
  const captured = resource(HEALTH_CHECK, name, {
    type: "HTTPS",
    fqdn: `${name}.execute-api.example.com`,
    resourcePath: "/health",
    requestInterval: 10,
    failureThreshold: 3,
    tags: prodTags,
    ...overrides,
  });
  // As the mocks compute it: the health check's ARN ends with its id (`<name>-id`).
  captured.outputs.arn = `arn:aws:route53:::healthcheck/${name}-id`;
  return captured;
}

function failoverRecord(name: string, role: string, overrides: Record<string, any> = {}) {
  return resource(RECORD, name, {
    zoneId: "Z123",
    name: "api.example.com",
    type: "A",
    setIdentifier: name,
    healthCheckId: `${name}-health-id`,
    failoverRoutingPolicies: [{ type: role }],
    aliases: [
      { name: `${name}.execute-api.example.com`, zoneId: "Z1", evaluateTargetHealth: true },
    ],
    ...overrides,
  });
}

/**
 * MultiRegionService with two standbys: the SECONDARY failover record aliases the standby name
 * in the same zone with evaluateTargetHealth, where one latency record per standby carries its
 * region's health check.
 */
function standbyChain(standbyOverrides: Record<string, any> = {}) {
  const standby = (region: string) =>
    resource(RECORD, `standby-${region}`, {
      zoneId: "Z123",
      name: "standby.api.example.com",
      type: "A",
      setIdentifier: region,
      healthCheckId: `${region}-health-id`,
      latencyRoutingPolicies: [{ region }],
      aliases: [
        { name: `d-${region}.execute-api.example.com`, zoneId: "Z1", evaluateTargetHealth: true },
      ],
      ...standbyOverrides,
    });
  return [
    failoverRecord("primary", "PRIMARY"),
    failoverRecord("secondary", "SECONDARY", {
      healthCheckId: undefined,
      aliases: [{ name: "standby.api.example.com", zoneId: "Z123", evaluateTargetHealth: true }],
    }),
    standby("us-west-2"),
    standby("eu-west-1"),
  ];
}

describe("policy route53-routed-records-have-health-checks", () => {
  it("passes routed records with a health check and a set identifier, and simple records", async () => {
    const violations = await check(routedRecordsHaveHealthChecks, [
      failoverRecord("primary", "PRIMARY"),
      resource(RECORD, "www", {
        zoneId: "Z123",
        name: "www.example.com",
        type: "CNAME",
        records: ["x"],
      }),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("a failover record without healthCheckId is a violation even with evaluateTargetHealth", async () => {
    const violations = await check(routedRecordsHaveHealthChecks, [
      failoverRecord("primary", "PRIMARY", { healthCheckId: undefined }),
    ]);
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({ enforcementLevel: "mandatory", resourceName: "primary" });
    expect(violations[0].message).to.match(
      /failover record api.example.com A has no healthCheckId/,
    );
  });

  it("passes a SECONDARY alias to records of its own zone with evaluateTargetHealth (the standby chain)", async () => {
    expect(await check(routedRecordsHaveHealthChecks, standbyChain())).to.deep.equal([]);
  });

  it("does not count evaluateTargetHealth to records of another zone, or without it", async () => {
    const secondary = (name: string, zoneId: string, evaluateTargetHealth: boolean) =>
      failoverRecord(name, "SECONDARY", {
        healthCheckId: undefined,
        aliases: [{ name: "standby.api.example.com", zoneId, evaluateTargetHealth }],
      });
    const otherZone = secondary("secondary", "Z999", true);
    const noEvaluation = secondary("no-evaluation", "Z123", false);
    const violations = await check(routedRecordsHaveHealthChecks, [otherZone, noEvaluation]);
    expect(violations.map((v) => v.resourceName)).to.deep.equal(["secondary", "no-evaluation"]);
  });

  it("a latency record without setIdentifier or health check gets both violations", async () => {
    const violations = await check(routedRecordsHaveHealthChecks, [
      resource(RECORD, "us-east-1", {
        zoneId: "Z123",
        name: "api.example.com",
        type: "A",
        latencyRoutingPolicies: [{ region: "us-east-1" }],
      }),
    ]);
    expect(messages(violations)).to.have.length(2);
    expect(violations[0].message).to.match(/latency record .* has no setIdentifier/);
  });

  it("does not report a health check id that is unknown at preview", async () => {
    const violations = await check(routedRecordsHaveHealthChecks, [
      failoverRecord("primary", "PRIMARY", {
        healthCheckId: UNKNOWN_INPUT,
        setIdentifier: UNKNOWN_INPUT,
      }),
      failoverRecord("secondary", "SECONDARY", {
        failoverRoutingPolicies: UNKNOWN_INPUT,
        healthCheckId: undefined,
      }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});

describe("policy route53-alias-targets-health-checked", () => {
  it("passes an alias whose same-zone target records all have health checks", async () => {
    expect(await check(aliasTargetsHealthChecked, standbyChain())).to.deep.equal([]);
  });

  it("reports an alias whose target records lack a health check", async () => {
    const violations = await check(
      aliasTargetsHealthChecked,
      standbyChain({ healthCheckId: undefined }),
    );
    expect(violations.map((v) => [v.resourceName, v.enforcementLevel])).to.deep.equal([
      ["secondary", "mandatory"],
    ]);
    expect(violations[0].message).to.match(
      /inherits its health from its alias target .* standby.api.example.com A \(us-west-2\), standby.api.example.com A \(eu-west-1\) at the target have no health check/,
    );
  });

  it("reports an alias whose target has no records in the stack", async () => {
    const [primary, secondary] = standbyChain();
    const violations = await check(aliasTargetsHealthChecked, [primary, secondary]);
    expect(violations[0].message).to.match(
      /standby.api.example.com A has no records in this stack/,
    );
  });

  it("skips what is unknown at preview", async () => {
    const [primary, secondary, ...standbys] = standbyChain({ healthCheckId: UNKNOWN_INPUT });
    // Stack policies read outputs, which the mocks echo from the inputs.
    const unknownZone = {
      ...secondary,
      outputs: { ...secondary.outputs, zoneId: UNKNOWN_INPUT },
    };
    expect(await check(aliasTargetsHealthChecked, [primary, secondary, ...standbys])).to.deep.equal(
      [],
    );
    expect(await check(aliasTargetsHealthChecked, [primary, unknownZone])).to.deep.equal([]);
  });
});

describe("policy route53-routing-sets-complete", () => {
  it("passes one PRIMARY and one SECONDARY per name and type", async () => {
    const violations = await check(routingSetsComplete, [
      failoverRecord("primary", "PRIMARY"),
      failoverRecord("secondary", "SECONDARY"),
      failoverRecord("primary-aaaa", "PRIMARY", { type: "AAAA" }),
      failoverRecord("secondary-aaaa", "SECONDARY", { type: "AAAA" }),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("a failover set without a SECONDARY is a mandatory violation", async () => {
    const violations = await check(routingSetsComplete, [failoverRecord("primary", "PRIMARY")]);
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({ enforcementLevel: "mandatory", resourceName: "primary" });
    expect(violations[0].message).to.match(/api.example.com A have 1 PRIMARY and 0 SECONDARY/);
  });

  it("two PRIMARY records for the same name are a violation; the name compares case-insensitively", async () => {
    const violations = await check(routingSetsComplete, [
      failoverRecord("primary", "PRIMARY"),
      failoverRecord("other-primary", "PRIMARY", { name: "API.example.com." }),
      failoverRecord("secondary", "SECONDARY"),
    ]);
    expect(violations[0].message).to.match(/2 PRIMARY and 1 SECONDARY/);
  });

  it("a geolocation set needs a default (*) record", async () => {
    const geo = (name: string, country: string) =>
      resource(RECORD, name, {
        zoneId: "Z123",
        name: "api.example.com",
        type: "A",
        setIdentifier: name,
        healthCheckId: "hc",
        geolocationRoutingPolicies: [{ country }],
      });
    const withoutDefault = await check(routingSetsComplete, [geo("us", "US"), geo("de", "DE")]);
    expect(withoutDefault[0].message).to.match(/no default record \(country "\*"\)/);
    expect(await check(routingSetsComplete, [geo("us", "US"), geo("default", "*")])).to.deep.equal(
      [],
    );
  });

  it("rejects duplicate set identifiers within a record set", async () => {
    const violations = await check(routingSetsComplete, [
      failoverRecord("primary", "PRIMARY", { setIdentifier: "same" }),
      failoverRecord("secondary", "SECONDARY", { setIdentifier: "same" }),
    ]);
    expect(violations[0].message).to.match(/share setIdentifier same/);
  });

  it("does not report sets whose roles, names or zones are unknown at preview", async () => {
    const violations = await check(routingSetsComplete, [
      failoverRecord("primary", "PRIMARY"),
      failoverRecord("secondary", "SECONDARY", {
        failoverRoutingPolicies: [{ type: UNKNOWN_INPUT }],
      }),
      failoverRecord("nameless", "PRIMARY", { name: UNKNOWN_INPUT }),
      // Two zones unknown at preview: records of both land in one set, so no "too many" report.
      failoverRecord("zone-a-primary", "PRIMARY", { zoneId: UNKNOWN_INPUT, name: "b.example.com" }),
      failoverRecord("zone-a-secondary", "SECONDARY", {
        zoneId: UNKNOWN_INPUT,
        name: "b.example.com",
      }),
      failoverRecord("zone-b-primary", "PRIMARY", { zoneId: UNKNOWN_INPUT, name: "b.example.com" }),
      failoverRecord("zone-b-secondary", "SECONDARY", {
        zoneId: UNKNOWN_INPUT,
        name: "b.example.com",
      }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});

describe("policy route53-health-checks-have-path", () => {
  it("passes an HTTPS health check on /health and a TCP check without a path", async () => {
    const violations = await check(healthChecksHavePath, [
      healthCheck("us-east-1"),
      healthCheck("tcp", { type: "TCP", resourcePath: undefined }),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("an HTTPS health check without resourcePath is a violation", async () => {
    const violations = await check(healthChecksHavePath, [
      healthCheck("us-east-1", { resourcePath: undefined }),
    ]);
    expect(violations[0].message).to.match(/HTTPS health check has no resourcePath/);
  });

  it("does not report a path that is unknown at preview", async () => {
    const violations = await check(healthChecksHavePath, [
      healthCheck("us-east-1", { resourcePath: UNKNOWN_INPUT }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});

describe("policy route53-health-checks-target-regional-endpoints", () => {
  it("passes health checks on each region's own hostname", async () => {
    const violations = await check(healthChecksTargetRegionalEndpoints, [
      failoverRecord("primary", "PRIMARY"),
      healthCheck("us-east-1"),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("a health check on the routed global name is a mandatory violation", async () => {
    const violations = await check(healthChecksTargetRegionalEndpoints, [
      failoverRecord("primary", "PRIMARY"),
      healthCheck("global", { fqdn: "API.example.com." }),
    ]);
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({ enforcementLevel: "mandatory", resourceName: "global" });
    expect(violations[0].message).to.match(/targets API.example.com., a name Route 53 routes/);
  });

  it("does not report an fqdn that is unknown at preview", async () => {
    const violations = await check(healthChecksTargetRegionalEndpoints, [
      failoverRecord("primary", "PRIMARY"),
      healthCheck("global", { fqdn: UNKNOWN_INPUT }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});

describe("policy route53-failover-detection-time", () => {
  const primaryOn = (check: ReturnType<typeof healthCheck>) =>
    failoverRecord("primary", "PRIMARY", { healthCheckId: `${check.name}-id` });

  it("passes a prod primary checked every 10 s with threshold 3 (30 s)", async () => {
    const primaryCheck = healthCheck("us-east-1");
    const violations = await check(failoverDetectionTime, [primaryCheck, primaryOn(primaryCheck)]);
    expect(violations).to.deep.equal([]);
  });

  it("a prod primary with the 30 s x 3 defaults (90 s) is a mandatory violation", async () => {
    const primaryCheck = healthCheck("us-east-1", {
      requestInterval: undefined,
      failureThreshold: undefined,
    });
    const violations = await check(failoverDetectionTime, [primaryCheck, primaryOn(primaryCheck)]);
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({ enforcementLevel: "mandatory", resourceName: "us-east-1" });
    expect(violations[0].message).to.match(
      /about 90 s \(requestInterval 30 x failureThreshold 3\); the target for prod is 30 s/,
    );
  });

  it("allows 90 s outside production and honours per-environment targets", async () => {
    const devCheck = healthCheck("us-east-1", {
      requestInterval: 30,
      failureThreshold: 3,
      tags: devTags,
    });
    const records = [devCheck, primaryOn(devCheck)];
    expect(await check(failoverDetectionTime, records)).to.deep.equal([]);
    const strict = await check(failoverDetectionTime, records, {
      maxDetectionSecondsByEnvironment: { dev: 60 },
    });
    expect(strict[0].message).to.match(/the target for dev is 60 s/);
    expect(await check(failoverDetectionTime, records, { maxDetectionSeconds: 30 })).to.have.length(
      1,
    );
  });

  it("does not check the health check of a SECONDARY record", async () => {
    const slow = healthCheck("us-west-2", { requestInterval: 30 });
    const violations = await check(failoverDetectionTime, [
      slow,
      failoverRecord("secondary", "SECONDARY", { healthCheckId: "us-west-2-id" }),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("follows the record's dependency when its healthCheckId is unknown at preview", async () => {
    const slow = healthCheck("us-east-1", { requestInterval: 30, tags: devTags });
    const record = failoverRecord("primary", "PRIMARY", { healthCheckId: UNKNOWN_INPUT });
    record.dependencies = [slow.urn];
    const violations = await check(failoverDetectionTime, [slow, record], {
      maxDetectionSeconds: 60,
    });
    expect(violations.map((v) => v.resourceName)).to.deep.equal(["us-east-1"]);
  });

  it("falls back to every prod health check when the primary's check cannot be resolved", async () => {
    const slowProd = healthCheck("us-east-1", { requestInterval: 30 });
    const slowDev = healthCheck("us-west-2", {
      requestInterval: 30,
      failureThreshold: 10,
      tags: devTags,
    });
    const violations = await check(failoverDetectionTime, [
      slowProd,
      slowDev,
      failoverRecord("primary", "PRIMARY", { healthCheckId: UNKNOWN_INPUT }),
    ]);
    expect(violations.map((v) => v.resourceName)).to.deep.equal(["us-east-1"]);
  });

  it("does not report an interval or threshold that is unknown at preview", async () => {
    const primaryCheck = healthCheck("us-east-1", {
      requestInterval: UNKNOWN_INPUT,
      failureThreshold: 10,
    });
    const violations = await check(failoverDetectionTime, [primaryCheck, primaryOn(primaryCheck)]);
    expect(violations).to.deep.equal([]);
  });
});
