import { expect } from "chai";
import { Match, ResourceCapture } from "../../testing";
import { key, runStack, sharedStackRun } from "./runStack";

const FUNCTION = "aws:lambda/function:Function";
const GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const RECORD = "aws:route53/record:Record";
const TABLE = "aws:dynamodb/table:Table";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const PROVIDER = "pulumi:providers:aws";
const DEPLOYMENT = "pulumi-nodejs:dynamic:LambdaDeployment";
const API = "aws:apigatewayv2/api:Api";

/** The service's own functions (not the deployment hooks). */
function serviceFunctions(resources: ResourceCapture) {
  return resources.ofType(FUNCTION).filter((f) => !f.name.includes("-hook"));
}

function regionsOf(resources: ResourceCapture, type: string): string[] {
  return [...new Set(resources.ofType(type).map((r) => r.inputs.region as string))].sort();
}

describe("the bundled program, per stack file", () => {
  describe("stacks/Pulumi.dev.yaml", () => {
    it("serves from one region, shifts all at once, logs DEBUG and checks health every 30 s", async () => {
      const { resources, result } = await sharedStackRun("dev");
      expect(regionsOf(resources, FUNCTION)).to.deep.equal(["us-east-1"]);
      resources.allResourcesProperties(GROUP, {
        deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
      });
      for (const fn of serviceFunctions(resources)) {
        expect(fn.inputs.environment.variables).to.include({
          ENVIRONMENT: "dev",
          LOG_LEVEL: "DEBUG",
        });
      }
      resources.allResourcesProperties(HEALTH_CHECK, { requestInterval: 30, failureThreshold: 3 });
      resources.resourceCountIs(RECORD, 0); // one region and no domain: nothing to route between
      const table = resources.hasResourceProperties(TABLE, {
        hashKey: "orderId",
        replicas: [],
      });
      expect(table.options.protect).to.equal(false);
      expect(result.endpoint).to.match(/^https:\/\/.*\.execute-api\.us-east-1\.amazonaws\.com$/);
      expect(result.resolvedSettings).to.deep.include({
        environment: "dev",
      });
    });
  });

  describe("stacks/Pulumi.staging.yaml", () => {
    it("fails over between two regions with a replicated table and shifts 10% a minute", async () => {
      const { resources, result } = await sharedStackRun("staging");
      expect(regionsOf(resources, FUNCTION)).to.deep.equal(["us-east-1", "us-west-2"]);
      resources.allResourcesProperties(GROUP, {
        deploymentConfigName: "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
      });
      const failover = resources.ofType(RECORD).filter((r) => r.inputs.failoverRoutingPolicies);
      expect(failover.map((r) => r.inputs.failoverRoutingPolicies[0].type).sort()).to.deep.equal([
        "PRIMARY",
        "SECONDARY",
      ]);
      resources.hasResourceProperties(TABLE, { replicas: [{ regionName: "us-west-2" }] });
      for (const fn of serviceFunctions(resources)) {
        expect(fn.inputs.environment.variables.LOG_LEVEL).to.equal("INFO");
      }
      expect(result.endpoint).to.equal("https://api.staging.example.com");
      expect(result.failoverDetectionSeconds).to.deep.equal({ "us-east-1": 90, "us-west-2": 90 });
    });
  });

  describe("stacks/Pulumi.prod.yaml", () => {
    it("canaries for 10 minutes behind alarms, region by region, with 10 s health checks and protected data", async () => {
      const { resources, result } = await sharedStackRun("prod");
      resources.allResourcesProperties(GROUP, {
        deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent10Minutes",
        alarmConfiguration: {
          enabled: true,
          alarms: Match.predicate("three alarms", (a) => Array.isArray(a) && a.length === 3),
        },
        autoRollbackConfiguration: { enabled: true },
      });
      resources.hasResourceProperties(ALARM, { metricName: "Errors", threshold: 0 });
      resources.hasResourceProperties(ALARM, { metricName: "Duration", threshold: 144 });
      resources.allResourcesProperties(HEALTH_CHECK, { requestInterval: 10, failureThreshold: 3 });
      expect(result.failoverDetectionSeconds).to.deep.equal({ "us-east-1": 30, "us-west-2": 30 });

      const [east, west] = ["us-east-1", "us-west-2"].map((region) =>
        resources.ofType(DEPLOYMENT).filter((d) => d.inputs.region === region),
      );
      for (const deployment of west) {
        expect(deployment.dependencies).to.include.members(east.map((d) => d.urn));
      }
      const table = resources.hasResourceProperties(TABLE, { deletionProtectionEnabled: true });
      expect(table.options.protect).to.equal(true);
      for (const fn of serviceFunctions(resources)) {
        expect(fn.inputs).to.deep.include({
          memorySize: 512,
          timeout: 10,
          reservedConcurrentExecutions: 200,
        });
      }
      resources.allResourcesProperties(FUNCTION, { tracingConfig: { mode: "Active" } });
      expect(result.resolvedSettings).to.deep.include({
        environment: "prod",
        protectData: true,
      });
    });

    it("runs a smoke test before traffic moves and a metrics check after", async () => {
      const { resources } = await sharedStackRun("prod");
      const hooks = resources.ofType(FUNCTION).filter((f) => f.name.includes("-hook"));
      expect(hooks.map((h) => h.name).sort()).to.deep.equal([
        "orders-us-east-1-orders-post-traffic-hook",
        "orders-us-east-1-orders-pre-traffic-hook",
        "orders-us-west-2-orders-post-traffic-hook",
        "orders-us-west-2-orders-pre-traffic-hook",
      ]);
      resources.allResourcesProperties(DEPLOYMENT, {
        hooks: { beforeAllowTraffic: Match.anyValue(), afterAllowTraffic: Match.anyValue() },
      });
    });
  });

  describe("stacks/Pulumi.prod-global.yaml", () => {
    it("serves three regions active-active by continent, with a default record for everyone else", async () => {
      const { resources, result } = await sharedStackRun("prod-global");
      expect(regionsOf(resources, API)).to.deep.equal(["ap-southeast-1", "eu-west-1", "us-east-1"]);
      const geo = resources
        .ofType(RECORD)
        .filter((r) => r.inputs.geolocationRoutingPolicies && r.inputs.type === "A");
      expect(
        geo
          .map(
            (r) =>
              r.inputs.geolocationRoutingPolicies[0].continent ??
              r.inputs.geolocationRoutingPolicies[0].country,
          )
          .sort(),
      ).to.deep.equal(["*", "AF", "AS", "EU", "NA", "OC", "SA"]);
      for (const record of geo) {
        expect(record.inputs.healthCheckId, record.name).to.be.a("string");
      }
      resources.hasResourceProperties(TABLE, {
        replicas: Match.arrayEquivalent([
          { regionName: "eu-west-1" },
          { regionName: "ap-southeast-1" },
        ]),
      });
      expect(result.resolvedSettings).to.deep.include({
        environment: "prod",
        topology: "active-active",
        routing: "geolocation",
      });
    });
  });

  describe("every stack", () => {
    for (const stack of ["dev", "staging", "prod", "prod-global"]) {
      it(`${stack}: one AWS provider locked to the stack's account, tags and ENVIRONMENT/LOG_LEVEL everywhere`, async () => {
        const { resources, result } = await sharedStackRun(stack);
        const settings = result.resolvedSettings;
        const providers = resources.ofType(PROVIDER);
        expect(providers).to.have.length(1);
        expect(JSON.parse(providers[0].inputs.allowedAccountIds)).to.deep.equal([
          settings.accountId,
        ]);
        expect(JSON.parse(providers[0].inputs.defaultTags)).to.deep.equal({ tags: settings.tags });
        const tags = { environment: settings.environment, service: settings.service, stack };
        for (const resource of resources.all.filter(
          (r) => r.custom && r.inputs.tags !== undefined,
        )) {
          expect(resource.inputs.tags, `${resource.type} ${resource.name}`).to.include(tags);
        }
        for (const fn of resources.ofType(FUNCTION)) {
          expect(fn.inputs.environment.variables, fn.name).to.include({
            ENVIRONMENT: settings.environment,
            LOG_LEVEL: settings.logLevel,
          });
        }
        for (const resource of resources.all.filter((r) => r.custom && r.type.startsWith("aws:"))) {
          expect(
            resource.provider,
            `${resource.type} ${resource.name} uses the stack's provider`,
          ).to.match(/::aws::/);
        }
        expect(result.accountId).to.equal(settings.accountId);
      });
    }
  });

  it("exports the resolved settings so a user can see what applied", async () => {
    const { result } = await runStack("staging", { set: { logLevel: "WARN" } });
    expect(result.resolvedSettings).to.deep.include({
      stack: "staging",
      stackFile: "stacks/Pulumi.staging.yaml",
      environment: "staging",
      logLevel: "WARN",
      regions: ["us-east-1", "us-west-2"],
    });
    expect(result.resolvedSettings.deployment).to.deep.include({
      type: "Linear10PercentEvery1Minute",
      waves: false,
    });
    expect(key("logLevel")).to.equal("multiregion-serverless:logLevel");
  });
});

// --- Function options (issue 17 part B) ---
describe("the bundled program's function options, per stack file", () => {
  const PROVISIONED = "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig";

  it("prod keeps provisioned concurrency on the live alias of the orders function in each region", async () => {
    const { resources, result } = await sharedStackRun("prod");
    const configs = resources.ofType(PROVISIONED);
    expect(configs.map((config) => config.inputs.region).sort()).to.deep.equal([
      "us-east-1",
      "us-west-2",
    ]);
    resources.allResourcesProperties(PROVISIONED, {
      qualifier: "live",
      provisionedConcurrentExecutions: 2,
    });
    // 2 x 0.5 GB for a month at $0.0000041667 per GB-second: about $11 per region.
    expect(result.resolvedSettings.functionOptions.provisionedConcurrencyMonthlyUsd).to.be.closeTo(
      10.96,
      0.01,
    );
  });

  it("dev and staging keep none", async () => {
    for (const stack of ["dev", "staging"]) {
      const { resources } = await sharedStackRun(stack);
      resources.resourceCountIs(PROVISIONED, 0);
    }
  });

  it("bundles the orders function from its source with a source map", async () => {
    const { resources } = await sharedStackRun("dev");
    for (const fn of serviceFunctions(resources)) {
      expect(fn.inputs.environment.variables.NODE_OPTIONS).to.equal("--enable-source-maps");
      expect(fn.inputs.handler).to.equal("index.handler");
    }
  });

  it("gives each function the stack's architecture, layers, ephemeral storage and KMS key", async () => {
    const layer = "arn:aws:lambda:us-east-1:123456789012:layer:libs:3";
    const kmsKeyArn = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { resources } = await runStack("dev", {
      set: {
        functionOptions: {
          architecture: "arm64",
          layers: [layer],
          ephemeralStorageMb: 1024,
          kmsKeyArn,
        },
      },
    });
    for (const fn of serviceFunctions(resources)) {
      expect(fn.inputs).to.deep.include({
        architectures: ["arm64"],
        ephemeralStorage: { size: 1024 },
        kmsKeyArn,
      });
      expect(fn.inputs.layers).to.include(layer);
    }
  });
});
