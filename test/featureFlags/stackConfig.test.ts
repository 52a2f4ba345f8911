// `multiregion-serverless:featureFlags` in a stack file: flags per environment, the rollout
// with per-environment defaults, every problem at once naming the key.
import { expect } from "chai";
import { loadStackSettings, StackConfigError } from "../../components";

const PROJECT = "multiregion-serverless";
const DOMAIN = { zoneId: "Z0123456789ABC", name: "api.example.com" };

function load(stack: string, config: Record<string, unknown>) {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries({ accountId: "111111111111", ...config })) {
    raw[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return loadStackSettings({ project: PROJECT, stack, config: raw, isSecret: () => false });
}

function problemsOf(stack: string, config: Record<string, unknown>): string[] {
  try {
    load(stack, config);
  } catch (error) {
    expect(error).to.be.instanceOf(StackConfigError);
    return [...(error as StackConfigError).problems];
  }
  throw new Error("expected the config to be rejected");
}

const flags = {
  newOrderValidation: {
    enabled: true,
    description: "New order validation",
    attributes: { maxItems: 50, mode: "strict", regionsOn: ["us-east-1"], audit: false },
  },
};

describe("stack config: featureFlags", () => {
  it("flags become the component's flags, each attribute value in its typed field", () => {
    const { settings } = load("dev", { featureFlags: { flags } });
    expect(settings.featureFlags.flags).to.deep.equal([
      {
        name: "newOrderValidation",
        enabled: true,
        description: "New order validation",
        attributes: [
          { name: "maxItems", numberValue: 50 },
          { name: "mode", stringValue: "strict" },
          { name: "regionsOn", stringValues: ["us-east-1"] },
          { name: "audit", booleanValue: false },
        ],
      },
    ]);
    expect(settings.featureFlags.extension).to.equal(true);
  });

  it("the rollout defaults per environment: dev at once, staging linear, prod a canary with bake time", () => {
    expect(load("dev", {}).settings.featureFlags.rollout).to.deep.equal({
      strategy: "AppConfig.AllAtOnce",
    });
    expect(load("staging", { domain: DOMAIN }).settings.featureFlags.rollout).to.deep.equal({
      strategy: "AppConfig.Linear20PercentEvery6Minutes",
    });
    expect(load("prod", { domain: DOMAIN }).settings.featureFlags.rollout).to.deep.equal({
      strategy: "AppConfig.Canary10Percent20Minutes",
    });
  });

  it("a custom rollout replaces the default", () => {
    const { settings } = load("prod", {
      domain: DOMAIN,
      featureFlags: { flags, rollout: { growthFactor: 10, durationMinutes: 60 } },
    });
    expect(settings.featureFlags.rollout).to.deep.equal({ growthFactor: 10, durationMinutes: 60 });
  });

  it("no featureFlags: no flags", () => {
    expect(load("dev", {}).settings.featureFlags.flags).to.deep.equal([]);
  });

  it("malformed flags and rollouts: every problem at once, each naming its key", () => {
    expect(
      problemsOf("dev", {
        featureFlags: {
          flags: {
            NewOrderValidation: { enabled: true },
            express: { enabled: "yes", attributes: { maxItems: { value: 5 } } },
          },
          rollout: { strategy: "AppConfig.Fast" },
          extenson: false,
        },
      }),
    ).to.deep.equal([
      "multiregion-serverless:featureFlags.flags.NewOrderValidation is not an allowed key: flag and attribute names start with a lowercase letter and hold up to 64 letters, digits, _ and - (AppConfig)",
      'multiregion-serverless:featureFlags.flags.express.enabled is "yes": must be a boolean',
      'multiregion-serverless:featureFlags.flags.express.attributes.maxItems is {"value":5}: must be a string (up to 1024 characters), a number, true or false, or a non-empty list of strings or of numbers',
      'multiregion-serverless:featureFlags.rollout.strategy is "AppConfig.Fast": must be one of "AppConfig.AllAtOnce", "AppConfig.Linear50PercentEvery30Seconds", "AppConfig.Linear20PercentEvery6Minutes", "AppConfig.Canary10Percent20Minutes"',
      "multiregion-serverless:featureFlags.extenson is not a setting (did you mean multiregion-serverless:featureFlags.extension?); known: flags, rollout, extension",
    ]);
  });

  it("a predefined strategy with custom fields, and a custom rollout without its duration", () => {
    expect(
      problemsOf("dev", {
        featureFlags: { rollout: { strategy: "AppConfig.AllAtOnce", growthFactor: 20 } },
      }),
    ).to.deep.equal([
      'multiregion-serverless:featureFlags.rollout.strategy is "AppConfig.AllAtOnce": excludes rollout.growthFactor; name a predefined strategy or describe a custom one',
    ]);
    expect(problemsOf("dev", { featureFlags: { rollout: { growthFactor: 20 } } })).to.deep.equal([
      "multiregion-serverless:featureFlags.rollout.durationMinutes missing: a custom rollout needs growthFactor and durationMinutes",
    ]);
  });
});
