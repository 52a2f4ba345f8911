import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  ENVIRONMENT_DEFAULTS,
  loadStackSettings,
  StackConfigError,
} from "../components/stackSettings";
import { promiseOf } from "../testing";

const PROJECT = "multiregion-serverless";
const DOMAIN = { zoneId: "Z0123456789ABC", name: "api.example.com" };

function load(stack: string, config: Record<string, unknown>, secret: string[] = []) {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    raw[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return loadStackSettings({
    project: PROJECT,
    stack,
    config: raw,
    isSecret: (key) => secret.includes(key.slice(PROJECT.length + 1)),
  });
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

describe("stack settings", () => {
  describe("per-environment defaults", () => {
    it("dev: one region, AllAtOnce, DEBUG, 30 s health checks, no approval, no waves", () => {
      const { settings } = load("dev", { accountId: "111111111111" });
      expect(settings).to.deep.include({
        environment: "dev",
        regions: ["us-east-1"],
        topology: "active-active",
        routing: "latency",
        logLevel: "DEBUG",
        healthCheck: { requestInterval: 30, failureThreshold: 3 },
        protectData: false,
      });
      expect(settings.deployment).to.deep.include({
        mode: "codedeploy",
        type: "AllAtOnce",
        waves: false,
      });
      expect(settings.alarms.required).to.equal(false);
    });

    it("staging: two regions, active-passive, Linear10PercentEvery1Minute, INFO", () => {
      const { settings } = load("staging", { accountId: "111111111111", domain: DOMAIN });
      expect(settings).to.deep.include({
        regions: ["us-east-1", "us-west-2"],
        topology: "active-passive",
        primaryRegion: "us-east-1",
        standbyRegions: ["us-west-2"],
        logLevel: "INFO",
      });
      expect(settings.deployment.type).to.equal("Linear10PercentEvery1Minute");
    });

    it("prod: Canary10Percent10Minutes, 10 s health checks, alarms required, waves, protected data, approval", () => {
      const { settings } = load("prod", { accountId: "222222222222", domain: DOMAIN });
      expect(settings.deployment).to.deep.include({
        type: "Canary10Percent10Minutes",
        waves: true,
      });
      expect(settings.healthCheck).to.deep.equal({ requestInterval: 10, failureThreshold: 3 });
      expect(settings).to.deep.include({
        protectData: true,
        logLevel: "INFO",
      });
      expect(settings.alarms.required).to.equal(true);
      expect(settings.tags).to.deep.equal({
        environment: "prod",
        service: "orders",
        stack: "prod",
      });
    });

    it("a stack with another name takes its environment from config", () => {
      const { settings } = load("prod-eu", {
        environment: "prod",
        accountId: "222222222222",
        domain: DOMAIN,
      });
      expect(settings.environment).to.equal("prod");
      expect(settings.tags.stack).to.equal("prod-eu");
      expect(settings.stackFile).to.equal("stacks/Pulumi.prod-eu.yaml");
    });
  });

  describe("overrides", () => {
    it("every default can be overridden per stack", () => {
      const { settings } = load("prod", {
        accountId: "222222222222",
        domain: DOMAIN,
        regions: ["eu-west-1", "eu-central-1", "us-east-1"],
        primaryRegion: "eu-central-1",
        logLevel: "WARN",
        healthCheck: { requestInterval: 30, failureThreshold: 2 },
        deployment: { type: { canary: { percentage: 5, intervalMinutes: 30 } }, waves: false },
        alarms: { errorThreshold: 0, durationBaselineMs: 150 },
        function: { memorySize: 1024, timeout: 20, logRetentionInDays: 365 },
        protectData: false,
        tags: { team: "payments" },
      });
      expect(settings.regions).to.deep.equal(["eu-central-1", "eu-west-1", "us-east-1"]);
      expect(settings.standbyRegions).to.deep.equal(["eu-west-1", "us-east-1"]);
      expect(settings.logLevel).to.equal("WARN");
      expect(settings.healthCheck).to.deep.equal({ requestInterval: 30, failureThreshold: 2 });
      expect(settings.deployment).to.deep.include({
        type: { canary: { percentage: 5, intervalMinutes: 30 } },
        waves: false,
      });
      expect(settings.alarms).to.deep.include({ errorThreshold: 0, durationBaselineMs: 150 });
      expect(settings.function).to.deep.equal({
        memorySize: 1024,
        timeout: 20,
        reservedConcurrency: undefined,
        logRetentionInDays: 365,
      });
      expect(settings).to.deep.include({ protectData: false });
      expect(settings.tags).to.deep.equal({
        team: "payments",
        environment: "prod",
        service: "orders",
        stack: "prod",
      });
    });

    it("reads active-active geolocation and weighted routing", () => {
      const geo = load("geo", {
        environment: "prod",
        accountId: "222222222222",
        domain: DOMAIN,
        topology: "active-active",
        routing: "geolocation",
        regions: ["us-east-1", "eu-west-1", "ap-southeast-1"],
        geolocation: {
          "us-east-1": [{ continent: "NA" }],
          "eu-west-1": [{ continent: "EU" }],
          "ap-southeast-1": [{ continent: "AS" }],
        },
        defaultRegion: "us-east-1",
      }).settings;
      expect(geo).to.deep.include({
        topology: "active-active",
        routing: "geolocation",
        defaultRegion: "us-east-1",
        standbyRegions: [],
      });
      const weighted = load("w", {
        environment: "staging",
        accountId: "222222222222",
        domain: DOMAIN,
        topology: "active-active",
        routing: "weighted",
        regions: ["us-east-1", "us-west-2"],
        weights: { "us-east-1": 200, "us-west-2": 55 },
      }).settings;
      expect(weighted.weights).to.deep.equal({ "us-east-1": 200, "us-west-2": 55 });
    });

    it("reads weighted alias traffic settings", () => {
      const { settings } = load("dev", {
        accountId: "111111111111",
        deployment: { mode: "weighted", stableVersion: "7", weight: 0.1 },
      });
      expect(settings.deployment).to.deep.include({
        mode: "weighted",
        stableVersion: "7",
        weight: 0.1,
      });
    });
  });

  describe("secrets", () => {
    it("turns secretEnvironment into secret outputs and keeps only the names in the settings", async () => {
      const { settings, secretEnvironment } = load(
        "dev",
        { accountId: "111111111111", secretEnvironment: { PAYMENT_API_KEY: "s3cr3t" } },
        ["secretEnvironment"],
      );
      expect(settings.secretEnvironmentNames).to.deep.equal(["PAYMENT_API_KEY"]);
      expect(JSON.stringify(settings)).to.not.include("s3cr3t");
      expect(await pulumi.isSecret(secretEnvironment.PAYMENT_API_KEY)).to.equal(true);
      expect(await promiseOf(secretEnvironment.PAYMENT_API_KEY)).to.equal("s3cr3t");
    });

    it("refuses secretEnvironment stored in plain text", () => {
      expect(() =>
        load("dev", { accountId: "111111111111", secretEnvironment: { API_KEY: "visible" } }),
      ).to.throw("multiregion-serverless:secretEnvironment is stored in plain text");
    });
  });

  it("documents the same defaults it applies", () => {
    expect(ENVIRONMENT_DEFAULTS.prod.deploymentType).to.equal("Canary10Percent10Minutes");
    expect(ENVIRONMENT_DEFAULTS.dev.regions).to.have.length(1);
    expect(ENVIRONMENT_DEFAULTS.staging.regions).to.have.length(2);
  });

  it("reports every problem in one error naming the stack file", () => {
    const problems = problemsOf("prod", {
      accountId: "12",
      regoins: ["us-east-1"],
      logLevel: "verbose",
      healthCheck: { requestInterval: 15 },
    });
    expect(problems).to.deep.equal([
      'multiregion-serverless:accountId is "12": must be a 12-digit AWS account id',
      'multiregion-serverless:logLevel is "verbose": must be one of "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"',
      "multiregion-serverless:healthCheck.requestInterval is 15: must be 10 or 30 (seconds; Route 53 offers only these)",
      "multiregion-serverless:regoins is not a setting (did you mean multiregion-serverless:regions?); known: environment, accountId, service, regions, unlistedRegions, topology, primaryRegion, routing, geolocation, defaultRegion, weights, domain, deployment, logLevel, healthCheck, alarms, function, table, protectData, tags, secretEnvironment, featureFlags, dashboard, notifications, loadTest, functionOptions, network, worker",
      "multiregion-serverless:domain missing: 2 regions need a Route 53 zone and name to route between them ({ zoneId, name })",
    ]);
    expect(() => load("prod", { accountId: "12" })).to.throw(
      /^stacks\/Pulumi\.prod\.yaml has 2 invalid settings:/,
    );
  });
});

describe("stack settings: functionOptions across regions, modes and feature flags", () => {
  const east = (name: string, version = 1) =>
    `arn:aws:lambda:us-east-1:123456789012:layer:${name}:${version}`;
  const eastKey = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const KEY = "multiregion-serverless:functionOptions";

  it("refuses provisioned concurrency with deployment.mode weighted", () => {
    // "Alias with weights can not be used with Provisioned Concurrency" (hashicorp/terraform#24957).
    expect(
      problemsOf("w", {
        accountId: "111111111111",
        environment: "staging",
        regions: ["us-east-1"],
        topology: "active-active",
        deployment: { mode: "weighted", stableVersion: "7", weight: 0.1 },
        functionOptions: { provisionedConcurrency: 2 },
      }),
    ).to.deep.equal([
      `${KEY}.provisionedConcurrency is 2: cannot be used with deployment.mode "weighted" (Lambda refuses provisioned concurrency on an alias with routing weights); use deployment.mode "codedeploy" or unset it`,
    ]);
  });

  it("refuses layers and a KMS key of one region for functions in two", () => {
    expect(
      problemsOf("staging", {
        accountId: "111111111111",
        domain: DOMAIN,
        functionOptions: { layers: [east("libs")], kmsKeyArn: eastKey },
      }),
    ).to.deep.equal([
      `${KEY}.layers[0] is "${east("libs")}": is in us-east-1, but the functions also run in us-west-2 (layers and KMS keys are regional; give functionOptions only in a stack whose regions are all us-east-1)`,
      `${KEY}.kmsKeyArn is "${eastKey}": is in us-east-1, but the functions also run in us-west-2 (layers and KMS keys are regional; give functionOptions only in a stack whose regions are all us-east-1)`,
    ]);
    // One region, the ARNs' own: accepted.
    const { settings } = load("dev", {
      accountId: "111111111111",
      functionOptions: { layers: [east("libs")], kmsKeyArn: eastKey },
    });
    expect(settings.functionOptions).to.deep.include({
      layers: [east("libs")],
      kmsKeyArn: eastKey,
    });
  });

  it("counts the AppConfig extension's layer when feature flags are configured, and refuses two versions of a layer", () => {
    const layers = [east("a"), east("b"), east("c"), east("a", 2), east("d")];
    expect(
      problemsOf("dev", {
        accountId: "111111111111",
        featureFlags: { flags: { newCheckout: { enabled: false } } },
        functionOptions: { layers },
      }),
    ).to.deep.equal([
      `${KEY}.layers lists 5 layers: at most 4 (featureFlags add the AppConfig extension's layer, the fifth)`,
      `${KEY}.layers[3] is "${east("a", 2)}": another version of layers[0]; Lambda refuses two versions of the same layer in one function`,
    ]);
    // Without the extension (flags read with the SDK) five distinct layers fit.
    const five = [east("a"), east("b"), east("c"), east("d"), east("e")];
    const { settings } = load("dev", {
      accountId: "111111111111",
      featureFlags: { flags: { newCheckout: { enabled: false } }, extension: false },
      functionOptions: { layers: five },
    });
    expect(settings.functionOptions.layers).to.deep.equal(five);
  });

  it("refuses a KMS alias ARN", () => {
    const alias = "arn:aws:kms:us-east-1:111111111111:alias/orders";
    expect(
      problemsOf("dev", { accountId: "111111111111", functionOptions: { kmsKeyArn: alias } }),
    ).to.deep.equal([
      `${KEY}.kmsKeyArn is "${alias}": must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/<key id> (not an alias ARN: Lambda's grant on the key does not accept aliases)`,
    ]);
  });
});
