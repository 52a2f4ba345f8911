// The helpers every rule reads resources through (policy/rules/common.ts): unknown values,
// empty strings, DNS names, policy config and environments, each at the case a rule depends on
// (docs/testing.md, "Mutation testing").
import { expect } from "chai";
import {
  configOf,
  containsUnknown,
  isAbsent,
  isProductionEnvironment,
  knownString,
  normalizeDnsName,
  plain,
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
});
