// route53-failover-detection-time judges exactly the health checks behind PRIMARY failover
// records: found by id or ARN, never every health check of the stack unless a reference cannot
// be resolved (docs/testing.md, "Mutation testing"). Shapes follow aws.route53.HealthCheck
// (requestInterval, failureThreshold; the `arn` output is `arn:aws:route53:::healthcheck/<id>`,
// Route 53 "Resource types defined by Amazon Route 53" in the Service Authorization Reference)
// and aws.route53.Record inputs.
import { expect } from "chai";
import { failoverDetectionTime } from "../../policy/rules";
import { fix } from "../../policy/rules/remediation";
import { check, messages, prodTags, resource } from "./fixtures";

const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";

/** A health check with the given detection inputs; `outputs` as the engine reports them. */
function healthCheck(
  name: string,
  requestInterval: number,
  failureThreshold: number,
  outputs: Record<string, unknown>,
  tags: Record<string, string> | undefined = prodTags,
) {
  const captured = resource(HEALTH_CHECK, name, {
    type: "HTTPS",
    fqdn: `${name}.execute-api.us-east-1.amazonaws.com`,
    resourcePath: "/health",
    requestInterval,
    failureThreshold,
    tags,
  });
  captured.outputs = { ...captured.inputs, ...outputs };
  return captured;
}

function primary(
  healthCheckId: string | undefined,
  failoverRoutingPolicies: unknown = [{ type: "PRIMARY" }],
) {
  return resource("aws:route53/record:Record", "primary", {
    zoneId: "Z123",
    name: "api.example.com",
    type: "A",
    setIdentifier: "primary",
    healthCheckId,
    failoverRoutingPolicies,
    aliases: [{ name: "d-east.execute-api.example.com", zoneId: "Z1", evaluateTargetHealth: true }],
  });
}

describe("policy route53-failover-detection-time, which health checks it judges", () => {
  it("finds the PRIMARY's health check by its id output, and judges only that one", async () => {
    const fast = healthCheck("east", 10, 3, { id: "hc-east" });
    const slowOther = healthCheck("west", 30, 3, { id: "hc-west" });
    expect(await check(failoverDetectionTime, [primary("hc-east"), fast, slowOther])).to.deep.equal(
      [],
    );
    const slow = healthCheck("east", 30, 3, { id: "hc-east" });
    expect(messages(await check(failoverDetectionTime, [primary("hc-east"), slow]))).to.deep.equal([
      `The failover health check detects an outage after about 90 s (requestInterval 30 x failureThreshold 3); the target for prod is 30 s. ${fix.detectionTime}.`,
    ]);
  });

  it("judges only the referenced health check, not another one whose ARN ends otherwise", async () => {
    const fast = healthCheck("east", 10, 3, { arn: "arn:aws:route53:::healthcheck/hc-east" });
    const slowOther = healthCheck("west", 30, 3, { arn: "arn:aws:route53:::healthcheck/hc-west" });
    expect(await check(failoverDetectionTime, [primary("hc-east"), fast, slowOther])).to.deep.equal(
      [],
    );
  });

  it("judges nothing for a PRIMARY without a health check", async () => {
    const slow = healthCheck("east", 30, 3, { arn: "arn:aws:route53:::healthcheck/hc-east" });
    expect(await check(failoverDetectionTime, [primary(undefined), slow])).to.deep.equal([]);
  });

  it("names an untagged environment and holds it to the non-production target", async () => {
    const untagged = healthCheck(
      "east",
      30,
      4,
      { arn: "arn:aws:route53:::healthcheck/hc-east" },
      { service: "orders" },
    );
    const violations = await check(failoverDetectionTime, [primary("hc-east"), untagged]);
    expect(messages(violations)).to.deep.equal([
      `The failover health check detects an outage after about 120 s (requestInterval 30 x failureThreshold 4); the target for an untagged environment is 90 s. ${fix.detectionTime}.`,
    ]);
  });
});
