// The helpers every rule reads resources through (policy/rules/common.ts): unknown values,
// empty strings, DNS names, policy config and environments, each at the case a rule depends on
// (docs/testing.md, "Mutation testing").
import { PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import { expect } from "chai";
import {
  configOf,
  containsUnknown,
  environmentOf,
  isAbsent,
  isProductionEnvironment,
  knownString,
  normalizeDnsName,
  plain,
  providerDefaultTags,
  referencedResources,
  regionOf,
  UNKNOWN,
} from "../../policy/rules/common";
import { UNKNOWN_INPUT } from "./fixtures";

describe("policy helpers", () => {
  it("finds an unknown value anywhere inside arrays and plain objects, and nowhere else", () => {
    expect(containsUnknown(UNKNOWN)).to.equal(true);
    expect(containsUnknown([1, { nested: [UNKNOWN] }])).to.equal(true);
    expect(containsUnknown(Object.assign(Object.create(null), { value: UNKNOWN }))).to.equal(true);
    expect(containsUnknown([1, "a", { nested: [null] }])).to.equal(false);
    expect(containsUnknown({ a: 1, b: [2, 3] })).to.equal(false);
    expect(containsUnknown(new Map([["a", UNKNOWN]]))).to.equal(false);
    expect(containsUnknown("04da6b54")).to.equal(false);
    // One unknown among known values is enough.
    expect(containsUnknown({ name: "api", zoneId: UNKNOWN })).to.equal(true);
    // Assets, archives and other class instances are kept as they are, not looked into.
    class Archive {
      readonly path = UNKNOWN;
    }
    expect(containsUnknown(new Archive())).to.equal(false);
  });

  it("reads the mocks' unknown marker as unknown, and only the marker", () => {
    expect(plain({ a: UNKNOWN_INPUT }).a).to.equal(UNKNOWN);
    expect(plain({ a: { __pulumiUnknown: false } }).a).to.deep.equal({ __pulumiUnknown: false });
  });

  it("treats null as absent and an empty string as no string", () => {
    expect(isAbsent(null)).to.equal(true);
    expect(isAbsent(0)).to.equal(false);
    expect(knownString("")).to.equal(undefined);
    expect(knownString("api")).to.equal("api");
  });

  it("compares DNS names case-insensitively and without the root dot", () => {
    expect(normalizeDnsName("API.Example.com.")).to.equal("api.example.com");
  });

  it("merges the given config over the schema defaults, without enforcementLevel or undefined values", () => {
    const schema = {
      properties: {
        minRegions: { type: "integer" as const, default: 2 },
        label: { type: "string" as const },
      },
    };
    const config = (given: Record<string, unknown>) =>
      configOf<Record<string, unknown>>({ getConfig: <C extends object>() => given as C }, schema);
    expect(config({})).to.deep.equal({ minRegions: 2 });
    expect(config({ minRegions: undefined, enforcementLevel: "mandatory" })).to.deep.equal({
      minRegions: 2,
    });
    expect(config({ minRegions: 3, label: "x" })).to.deep.equal({ minRegions: 3, label: "x" });
  });

  it('counts "production" as production when "prod" is, and nothing for an unknown environment', () => {
    const settings = { productionEnvironments: ["prod"] };
    expect(isProductionEnvironment("production", settings)).to.equal(true);
    expect(isProductionEnvironment("prod", settings)).to.equal(true);
    expect(isProductionEnvironment("staging", settings)).to.equal(false);
    expect(isProductionEnvironment(undefined, { productionEnvironments: ["undefined"] })).to.equal(
      false,
    );
    expect(isProductionEnvironment("production", { productionEnvironments: ["live"] })).to.equal(
      false,
    );
  });

  it("reads a provider's defaultTags as the engine's JSON string or as an object, and nothing from bad JSON", () => {
    // The SDK sends object-valued provider inputs as JSON strings (@pulumi/aws provider.js:
    // `defaultTags ... .apply(JSON.stringify)`); captures under the mocks may hold the object.
    const provider = (defaultTags: unknown) =>
      ({
        type: "pulumi:providers:aws",
        urn: "urn:pulumi:test::project::pulumi:providers:aws::default",
        name: "default",
        props: { defaultTags },
      }) as PolicyProviderResource;
    expect(
      providerDefaultTags(provider(JSON.stringify({ tags: { environment: "prod" } }))),
    ).to.deep.equal({ environment: "prod" });
    expect(providerDefaultTags(provider({ tags: { environment: "prod" } }))).to.deep.equal({
      environment: "prod",
    });
    expect(providerDefaultTags(provider("{not json"))).to.deep.equal({});
    expect(providerDefaultTags(undefined)).to.deep.equal({});
  });

  it("takes the environment tag first, then the configured environment, then the stack tag", () => {
    const tagged = (tags: Record<string, string>) => ({ props: { tags } });
    expect(environmentOf(tagged({ environment: "prod", stack: "dev" }), {})).to.equal("prod");
    expect(
      environmentOf(tagged({ environment: "prod", stack: "dev" }), { environment: "staging" }),
    ).to.equal("prod");
    expect(environmentOf(tagged({ stack: "dev" }), { environment: "prod" })).to.equal("prod");
    expect(environmentOf(tagged({ stack: "dev" }), {})).to.equal("dev");
  });

  it("takes a resource's own region over its provider's, and the provider's when it has none", () => {
    const provider: PolicyProviderResource = {
      type: "pulumi:providers:aws",
      urn: "urn:pulumi:test::project::pulumi:providers:aws::eu",
      name: "eu",
      props: { region: "eu-west-1" },
    };
    expect(regionOf({ props: { region: "us-east-1" }, provider })).to.equal("us-east-1");
    expect(regionOf({ props: {}, provider })).to.equal("eu-west-1");
    expect(regionOf({ props: { region: "" } })).to.equal(undefined);
  });

  describe("which resources a property refers to", () => {
    const candidate = (name: string, extra: Partial<PolicyResource> = {}) =>
      ({
        name,
        urn: `urn:pulumi:test::project::aws:route53/healthCheck:HealthCheck::${name}`,
        props: { id: `${name}-id` },
        dependencies: [],
        propertyDependencies: {},
        ...extra,
      }) as unknown as PolicyResource;
    const primary = candidate("primary");
    const standby = candidate("standby");
    const other = candidate("zone");
    const byId = (resource: PolicyResource, value: string) => resource.props.id === value;
    const record = (props: Record<string, unknown>, extra: Partial<PolicyResource> = {}) =>
      candidate("record", { props, ...extra });

    it("follows the property's dependencies to candidates only, even when the value is unknown", () => {
      const pending = record(
        { healthCheckId: UNKNOWN },
        {
          propertyDependencies: { healthCheckId: [other, standby] },
          dependencies: [primary, standby],
        },
      );
      expect(referencedResources(pending, "healthCheckId", [primary, standby], byId)).to.deep.equal(
        [standby],
      );
    });

    it("matches a known value when the property has no dependency on a candidate", () => {
      const known = record(
        { healthCheckId: "primary-id" },
        { propertyDependencies: { healthCheckId: [other] }, dependencies: [primary, standby] },
      );
      expect(referencedResources(known, "healthCheckId", [primary, standby], byId)).to.deep.equal([
        primary,
      ]);
      // Resources built by hand (or by older engines) may have no property dependencies at all.
      const bare = record({ healthCheckId: "standby-id" }, {
        propertyDependencies: undefined,
      } as unknown as Partial<PolicyResource>);
      expect(referencedResources(bare, "healthCheckId", [primary, standby], byId)).to.deep.equal([
        standby,
      ]);
    });

    it("falls back to a single dependency among the candidates when the value matches none", () => {
      const unmatched = record(
        { healthCheckId: "elsewhere-id" },
        { dependencies: [other, standby] },
      );
      expect(
        referencedResources(unmatched, "healthCheckId", [primary, standby], byId),
      ).to.deep.equal([standby]);
      const ambiguous = record(
        { healthCheckId: "elsewhere-id" },
        { dependencies: [primary, standby] },
      );
      expect(referencedResources(ambiguous, "healthCheckId", [primary, standby], byId)).to.equal(
        undefined,
      );
    });
  });
});
