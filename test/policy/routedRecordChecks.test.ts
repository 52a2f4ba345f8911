// Each condition of the mandatory Route 53 policies on its own: every routing policy kind makes
// a record "routed", an empty string counts as missing, and each half of the failover pair rule
// is reported (docs/testing.md, "Mutation testing"). Records are shaped like the inputs of
// aws.route53.Record (Pulumi AWS registry: weightedRoutingPolicies, geoproximityRoutingPolicy,
// cidrRoutingPolicy, multivalueAnswerRoutingPolicy, failoverRoutingPolicies).
import { expect } from "chai";
import {
  healthChecksHavePath,
  healthChecksTargetRegionalEndpoints,
  routedRecordsHaveHealthChecks,
  routingSetsComplete,
} from "../../policy/rules";
import { fix } from "../../policy/rules/remediation";
import { check, messages, prodTags, resource, UNKNOWN_INPUT } from "./fixtures";

const RECORD = "aws:route53/record:Record";

/** A record of api.example.com with a health check and set identifier unless overridden. */
function record(
  name: string,
  routing: Record<string, unknown>,
  overrides: Record<string, any> = {},
) {
  return resource(RECORD, name, {
    zoneId: "Z123",
    name: "api.example.com",
    type: "A",
    setIdentifier: name,
    healthCheckId: `${name}-health-id`,
    records: ["192.0.2.10"],
    ttl: 60,
    ...routing,
    ...overrides,
  });
}

describe("policy route53-routed-records-have-health-checks, condition by condition", () => {
  const routings: [string, Record<string, unknown>][] = [
    ["weighted", { weightedRoutingPolicies: [{ weight: 10 }] }],
    ["geoproximity", { geoproximityRoutingPolicy: { awsRegion: "us-east-1" } }],
    ["cidr", { cidrRoutingPolicy: { collectionId: "c-1", locationName: "office" } }],
    ["multivalue", { multivalueAnswerRoutingPolicy: true }],
  ];
  for (const [kind, routing] of routings) {
    it(`treats a ${kind} record as routed: no setIdentifier is a mandatory violation`, async () => {
      const violations = await check(routedRecordsHaveHealthChecks, [
        record(kind, routing, { setIdentifier: undefined }),
      ]);
      expect(violations.map((v) => v.enforcementLevel)).to.deep.equal(["mandatory"]);
      expect(violations[0].message).to.match(
        new RegExp(`^The ${kind} record .* has no setIdentifier`),
      );
    });
  }

  it("does not treat multivalueAnswerRoutingPolicy: false as routing", async () => {
    expect(
      await check(routedRecordsHaveHealthChecks, [
        record(
          "simple",
          { multivalueAnswerRoutingPolicy: false },
          {
            setIdentifier: undefined,
            healthCheckId: undefined,
          },
        ),
      ]),
    ).to.deep.equal([]);
  });

  it("counts an empty setIdentifier or healthCheckId as missing", async () => {
    const violations = await check(routedRecordsHaveHealthChecks, [
      record(
        "blank",
        { weightedRoutingPolicies: [{ weight: 10 }] },
        {
          setIdentifier: "",
          healthCheckId: "",
        },
      ),
    ]);
    const [identifier, healthCheck] = messages(violations);
    expect(identifier).to.match(
      /^The weighted record .* has no setIdentifier; Route 53 needs one to tell the records of a routed name apart\. /,
    );
    expect(identifier.endsWith(`${fix.healthCheckOnRecord}.`)).to.equal(true);
    expect(healthCheck).to.match(
      /^The weighted record .* has no healthCheckId, so Route 53 keeps answering with it when its region fails \(an alias's evaluateTargetHealth counts only for a target in the record's own hosted zone; for an API Gateway domain it sees the gateway, not the service\)\. /,
    );
    expect(healthCheck.endsWith(`${fix.healthCheckOnRecord}.`)).to.equal(true);
  });
});

describe("policy route53-routing-sets-complete, each half of the failover pair", () => {
  const failover = (name: string, type: string) =>
    record(name, { failoverRoutingPolicies: [{ type }] });

  it("reports a failover set with no PRIMARY", async () => {
    const violations = await check(routingSetsComplete, [failover("standby", "SECONDARY")]);
    expect(messages(violations)).to.deep.equal([
      `The failover records for api.example.com A have 0 PRIMARY and 1 SECONDARY; Route 53 failover needs exactly one of each. ${fix.routingSet}.`,
    ]);
  });

  it("reports a failover set with two SECONDARY records", async () => {
    const violations = await check(routingSetsComplete, [
      failover("primary", "PRIMARY"),
      failover("standby-a", "SECONDARY"),
      failover("standby-b", "SECONDARY"),
    ]);
    expect(messages(violations)).to.deep.equal([
      `The failover records for api.example.com A have 1 PRIMARY and 2 SECONDARY; Route 53 failover needs exactly one of each. ${fix.routingSet}.`,
    ]);
  });

  it("does not ask for a geolocation default while one record's country is unknown at preview", async () => {
    expect(
      await check(routingSetsComplete, [
        record("europe", { geolocationRoutingPolicies: [{ continent: "EU" }] }),
        record("default", { geolocationRoutingPolicies: [{ country: UNKNOWN_INPUT }] }),
      ]),
    ).to.deep.equal([]);
  });

  it("names the missing default of a geolocation set", async () => {
    const violations = await check(routingSetsComplete, [
      record("europe", { geolocationRoutingPolicies: [{ continent: "EU" }] }),
    ]);
    expect(messages(violations)).to.deep.equal([
      `The geolocation records for api.example.com A have no default record (country "*"), so clients outside the listed locations get no answer. ${fix.routingSet}.`,
    ]);
  });
});

describe("policy route53-health-checks-have-path, empty path", () => {
  it('reports an HTTPS health check whose resourcePath is ""', async () => {
    const violations = await check(healthChecksHavePath, [
      resource("aws:route53/healthCheck:HealthCheck", "east", {
        type: "HTTPS",
        fqdn: "abc123.execute-api.us-east-1.amazonaws.com",
        resourcePath: "",
        tags: prodTags,
      }),
    ]);
    expect(messages(violations)).to.deep.equal([
      `The HTTPS health check has no resourcePath, so it only proves that something answers on "/". ${fix.healthCheckPath}.`,
    ]);
  });
});

describe("route53 routing sets: empty and unknown parts", () => {
  it("does not treat an empty routing policy list as routing", async () => {
    expect(
      await check(routedRecordsHaveHealthChecks, [
        record(
          "simple",
          { weightedRoutingPolicies: [] },
          {
            setIdentifier: undefined,
            healthCheckId: undefined,
          },
        ),
      ]),
    ).to.deep.equal([]);
  });

  it("does not judge a set while one member's routing is unknown at preview", async () => {
    expect(
      await check(routingSetsComplete, [
        record("primary", { failoverRoutingPolicies: [{ type: "PRIMARY" }] }),
        record("standby", { failoverRoutingPolicies: UNKNOWN_INPUT }),
      ]),
    ).to.deep.equal([]);
  });

  it("names a setIdentifier two records of a set share, but only in a known zone", async () => {
    const twins = (zoneId: unknown) => [
      record(
        "east",
        { latencyRoutingPolicies: [{ region: "us-east-1" }] },
        { zoneId, setIdentifier: "api" },
      ),
      record(
        "west",
        { latencyRoutingPolicies: [{ region: "us-west-2" }] },
        { zoneId, setIdentifier: "api" },
      ),
    ];
    expect(messages(await check(routingSetsComplete, twins("Z123")))).to.deep.equal([
      `The records for api.example.com A share setIdentifier api; each record of a routed name needs its own. ${fix.routingSet}.`,
    ]);
    expect(await check(routingSetsComplete, twins(UNKNOWN_INPUT))).to.deep.equal([]);
  });

  it("does not call two records without a setIdentifier a shared one", async () => {
    expect(
      await check(routingSetsComplete, [
        record(
          "east",
          { latencyRoutingPolicies: [{ region: "us-east-1" }] },
          { setIdentifier: undefined },
        ),
        record(
          "west",
          { latencyRoutingPolicies: [{ region: "us-west-2" }] },
          { setIdentifier: undefined },
        ),
      ]),
    ).to.deep.equal([]);
  });
});

describe("policy route53-health-checks-target-regional-endpoints, which names are routed", () => {
  const healthCheckOf = (fqdn: string) =>
    resource("aws:route53/healthCheck:HealthCheck", "east", {
      type: "HTTPS",
      fqdn,
      resourcePath: "/health",
      tags: prodTags,
    });

  it("reports a health check on a routed name, in any case and with the root dot", async () => {
    const violations = await check(healthChecksTargetRegionalEndpoints, [
      record("primary", { failoverRoutingPolicies: [{ type: "PRIMARY" }] }),
      healthCheckOf("API.example.com."),
    ]);
    expect(messages(violations)).to.deep.equal([
      `The health check targets API.example.com., a name Route 53 routes between regions; it would follow the traffic and never see a region fail. ${fix.regionalTarget}.`,
    ]);
  });

  it("leaves a health check on a simple record's name alone (that name is not routed)", async () => {
    expect(
      await check(healthChecksTargetRegionalEndpoints, [
        record("east", {}, { name: "east.api.example.com", setIdentifier: undefined }),
        healthCheckOf("east.api.example.com"),
      ]),
    ).to.deep.equal([]);
  });
});
