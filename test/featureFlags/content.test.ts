// The document a FeatureFlags profile holds, checked against AppConfig's own JSON schema for
// the AWS.AppConfig.FeatureFlags type (appConfigFeatureFlagsSchema.json, from the AppConfig
// User Guide's type reference) with Ajv, a JSON Schema validator.
import Ajv from "ajv";
import { expect } from "chai";
import {
  FeatureFlag,
  featureFlagContent,
  featureFlagContentHash,
  featureFlagDocument,
} from "../../components";
import published from "./appConfigFeatureFlagsSchema.json";

/**
 * The published schema under draft-07 rules: there, keywords beside a `$ref` are ignored
 * (JSON Schema draft-07, section 8.3), so the root's `type` and `additionalProperties` next to
 * `$ref: flagSetDefinition` have no effect. Ajv 8 applies such siblings, so they are dropped
 * here; everything else is checked as published.
 */
function draft07(schema: typeof published): object {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { type, additionalProperties, ...rest } = schema;
  return rest;
}

const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
  draft07(published),
);

function problemsOf(document: unknown): string[] {
  return validate(document)
    ? []
    : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

const newOrderValidation: FeatureFlag = {
  name: "newOrderValidation",
  enabled: true,
  description: "Validate orders with the new rules (duplicate products, item limit)",
  attributes: [
    {
      name: "maxItems",
      numberValue: 50,
      description: "Most lines an order may have",
      required: true,
      minimum: 1,
      maximum: 100,
    },
    { name: "mode", stringValue: "strict", allowedValues: ["strict", "lenient"] },
    { name: "regionsOn", stringValues: ["us-east-1", "us-west-2"] },
    { name: "audit", booleanValue: false },
    { name: "code", stringValue: "A1", pattern: "^[A-Z][0-9]$" },
  ],
};

describe("the feature-flag document (AppConfig's AWS.AppConfig.FeatureFlags format)", () => {
  it("the validator itself refuses documents AppConfig refuses", () => {
    expect(problemsOf({ flags: {} })).to.include(" must have required property 'version'");
    expect(problemsOf({ version: "2" })).to.have.length.above(0);
    expect(problemsOf({ version: "1", values: { Flag: { enabled: true } } })).to.have.length.above(
      0,
    );
    expect(
      problemsOf({
        version: "1",
        flags: { a: { attributes: { n: { constraints: { type: "number", minimum: 1.5 } } } } },
      }),
    ).to.have.length.above(0);
    expect(
      problemsOf({
        version: "1",
        flags: {
          a: { attributes: { s: { constraints: { type: "string", pattern: "x", enum: ["x"] } } } },
        },
      }),
    ).to.have.length.above(0);
  });

  it("is version 1 with flags, values, attributes and their constraints, and valid", () => {
    const document = featureFlagDocument([
      newOrderValidation,
      { name: "expressShipping", enabled: false },
    ]);
    expect(problemsOf(document)).to.deep.equal([]);
    expect(document).to.deep.equal({
      version: "1",
      flags: {
        expressShipping: { name: "expressShipping" },
        newOrderValidation: {
          name: "newOrderValidation",
          description: "Validate orders with the new rules (duplicate products, item limit)",
          attributes: {
            audit: { constraints: { type: "boolean" } },
            code: { constraints: { type: "string", pattern: "^[A-Z][0-9]$" } },
            maxItems: {
              description: "Most lines an order may have",
              constraints: { type: "number", required: true, minimum: 1, maximum: 100 },
            },
            mode: { constraints: { type: "string", enum: ["strict", "lenient"] } },
            regionsOn: { constraints: { type: "array" } },
          },
        },
      },
      values: {
        expressShipping: { enabled: false },
        newOrderValidation: {
          enabled: true,
          audit: false,
          code: "A1",
          maxItems: 50,
          mode: "strict",
          regionsOn: ["us-east-1", "us-west-2"],
        },
      },
    });
  });

  it("an empty flag list is still a valid document", () => {
    expect(problemsOf(featureFlagDocument([]))).to.deep.equal([]);
  });

  it("the same flags in another order give the same bytes and hash", () => {
    const flags: FeatureFlag[] = [newOrderValidation, { name: "expressShipping", enabled: false }];
    const reordered: FeatureFlag[] = [
      { name: "expressShipping", enabled: false },
      { ...newOrderValidation, attributes: [...newOrderValidation.attributes!].reverse() },
    ];
    expect(featureFlagContent(reordered)).to.equal(featureFlagContent(flags));
    expect(featureFlagContentHash(featureFlagContent(flags))).to.match(/^[0-9a-f]{64}$/);
  });

  it("turning a flag off changes the hash", () => {
    const on = featureFlagContentHash(featureFlagContent([newOrderValidation]));
    const off = featureFlagContentHash(
      featureFlagContent([{ ...newOrderValidation, enabled: false }]),
    );
    expect(off).to.not.equal(on);
  });
});
