// route53-alias-targets-health-checked: a routed alias record with no health check of its own
// is only as healthy as the records it points at in its own zone (Route 53 API Reference,
// AliasTarget.EvaluateTargetHealth). Which records count as the target, how chains of aliases
// are followed, and what the message names (docs/testing.md, "Mutation testing"). Records are
// shaped like aws.route53.Record inputs (Pulumi AWS registry: aliases, failoverRoutingPolicies,
// latencyRoutingPolicies, healthCheckId, setIdentifier).
import { expect } from "chai";
import { aliasTargetsHealthChecked, routedRecordsHaveHealthChecks } from "../../policy/rules";
import { fix } from "../../policy/rules/remediation";
import { check, messages, resource, UNKNOWN_INPUT } from "./fixtures";

const RECORD = "aws:route53/record:Record";

/** The SECONDARY failover record aliasing `target` in zone Z123, with no health check of its own. */
function secondary(target: string, overrides: Record<string, any> = {}) {
  return resource(RECORD, "secondary", {
    zoneId: "Z123",
    name: "api.example.com",
    type: "A",
    setIdentifier: "secondary",
    failoverRoutingPolicies: [{ type: "SECONDARY" }],
    aliases: [{ name: target, zoneId: "Z123", evaluateTargetHealth: true }],
    ...overrides,
  });
}

/** A latency record of `name` for `region` (overrides: health check, zone, type, alias). */
function latency(name: string, region: string, overrides: Record<string, any> = {}) {
  return resource(RECORD, `${name}-${region}`, {
    zoneId: "Z123",
    name,
    type: "A",
    setIdentifier: region,
    healthCheckId: `${region}-health-id`,
    latencyRoutingPolicies: [{ region }],
    aliases: [
      { name: `d-${region}.execute-api.example.com`, zoneId: "Z1", evaluateTargetHealth: true },
    ],
    ...overrides,
  });
}

const inherits = (problem: string) =>
  `The record api.example.com A inherits its health from its alias target (evaluateTargetHealth), but ${problem}; Route 53 would treat it as healthy. ${fix.healthCheckOnRecord}.`;

describe("policy route53-alias-targets-health-checked, what the target is", () => {
  it("names each target record without a health check, an empty healthCheckId included", async () => {
    const violations = await check(aliasTargetsHealthChecked, [
      secondary("standby.api.example.com"),
      latency("standby.api.example.com", "us-west-2", { healthCheckId: "" }),
      latency("standby.api.example.com", "eu-west-1", { healthCheckId: undefined }),
    ]);
    expect(messages(violations)).to.deep.equal([
      inherits(
        "standby.api.example.com A (us-west-2), standby.api.example.com A (eu-west-1) at the target have no health check",
      ),
    ]);
  });

  it('says "has" for a single unchecked target record', async () => {
    const violations = await check(aliasTargetsHealthChecked, [
      secondary("standby.api.example.com"),
      latency("standby.api.example.com", "us-west-2", { healthCheckId: undefined }),
      latency("standby.api.example.com", "eu-west-1"),
    ]);
    expect(messages(violations)).to.deep.equal([
      inherits("standby.api.example.com A (us-west-2) at the target has no health check"),
    ]);
  });

  it("counts only records of the same zone and type as the target", async () => {
    const violations = await check(aliasTargetsHealthChecked, [
      secondary("standby.api.example.com"),
      latency("standby.api.example.com", "us-west-2", { zoneId: "Z999" }),
      latency("standby.api.example.com", "eu-west-1", { type: "AAAA" }),
    ]);
    expect(messages(violations)).to.deep.equal([
      inherits(
        "standby.api.example.com A has no records in this stack, so their health checks cannot be verified",
      ),
    ]);
  });

  it("follows a chain of aliases to the records that carry the health checks", async () => {
    const middle = (healthCheckId: string | undefined) =>
      latency("standby.api.example.com", "us-west-2", {
        healthCheckId,
        aliases: [{ name: "west.api.example.com", zoneId: "Z123", evaluateTargetHealth: true }],
      });
    const checkedEnd = latency("west.api.example.com", "us-west-2");
    expect(
      await check(aliasTargetsHealthChecked, [
        secondary("standby.api.example.com"),
        middle(undefined),
        checkedEnd,
      ]),
    ).to.deep.equal([]);
    const uncheckedEnd = latency("west.api.example.com", "us-west-2", { healthCheckId: undefined });
    // Both aliases in the chain are reported: each inherits health it cannot get.
    const violations = await check(aliasTargetsHealthChecked, [
      secondary("standby.api.example.com"),
      middle(undefined),
      uncheckedEnd,
    ]);
    expect(violations.map((v) => v.resourceName)).to.deep.equal([
      "secondary",
      "standby.api.example.com-us-west-2",
    ]);
  });

  it("leaves alone a record that is not routed, or whose zones are unknown at preview", async () => {
    const unchecked = latency("standby.api.example.com", "us-west-2", { healthCheckId: undefined });
    expect(
      await check(aliasTargetsHealthChecked, [
        secondary("standby.api.example.com", {
          setIdentifier: undefined,
          failoverRoutingPolicies: undefined,
        }),
        unchecked,
      ]),
    ).to.deep.equal([]);
    expect(
      await check(aliasTargetsHealthChecked, [
        secondary("standby.api.example.com", {
          aliases: [
            { name: "standby.api.example.com", zoneId: UNKNOWN_INPUT, evaluateTargetHealth: true },
          ],
        }),
        unchecked,
      ]),
    ).to.deep.equal([]);
  });

  it("does not ask an alias whose target zone is unknown at preview for a health check of its own", async () => {
    const pending = (zoneId: unknown) =>
      secondary("standby.api.example.com", {
        aliases: [{ name: "standby.api.example.com", zoneId, evaluateTargetHealth: true }],
      });
    expect(await check(routedRecordsHaveHealthChecks, [pending(UNKNOWN_INPUT)])).to.deep.equal([]);
    // The same record aliasing another zone must carry its own health check.
    expect(await check(routedRecordsHaveHealthChecks, [pending("Z1")])).to.have.length(1);
  });

  it("waits for an alias target name, an evaluateTargetHealth or an alias list unknown at preview", async () => {
    const unchecked = latency("standby.api.example.com", "us-west-2", { healthCheckId: undefined });
    const pending = [
      secondary("standby.api.example.com", {
        aliases: [{ name: UNKNOWN_INPUT, zoneId: "Z123", evaluateTargetHealth: true }],
      }),
      secondary("standby.api.example.com", {
        aliases: [
          { name: "standby.api.example.com", zoneId: "Z123", evaluateTargetHealth: UNKNOWN_INPUT },
        ],
      }),
      secondary("standby.api.example.com", { aliases: [UNKNOWN_INPUT] }),
      secondary("standby.api.example.com", { aliases: UNKNOWN_INPUT }),
    ];
    for (const record of pending) {
      expect(await check(routedRecordsHaveHealthChecks, [record])).to.deep.equal([]);
      expect(await check(aliasTargetsHealthChecked, [record, unchecked])).to.deep.equal([]);
    }
  });

  it("asks an alias with an empty target name, or with no zone on either side, for its own health check", async () => {
    const noHealthCheck = (record: string) =>
      `The failover record ${record} has no healthCheckId, so Route 53 keeps answering with it when its region fails (an alias's evaluateTargetHealth counts only for a target in the record's own hosted zone; for an API Gateway domain it sees the gateway, not the service). ${fix.healthCheckOnRecord}.`;
    const emptyName = secondary("standby.api.example.com", {
      aliases: [{ name: "", zoneId: "Z123", evaluateTargetHealth: true }],
    });
    const noZones = secondary("standby.api.example.com", {
      zoneId: undefined,
      aliases: [{ name: "standby.api.example.com", evaluateTargetHealth: true }],
    });
    for (const record of [emptyName, noZones]) {
      expect(messages(await check(routedRecordsHaveHealthChecks, [record]))).to.deep.equal([
        noHealthCheck("api.example.com A"),
      ]);
    }
  });
});
