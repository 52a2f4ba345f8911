import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { expectRunFailure, Match } from "../../testing";
import { malformedCases } from "./cases";
import { runStack, sharedStackRun } from "./runStack";

const FUNCTION = "aws:lambda/function:Function";
const GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup";
const ALIAS = "aws:lambda/alias:Alias";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";

describe("the bundled program's stack config", () => {
  describe("malformed config: one error naming the stack file, key, value and what is allowed; nothing registered", () => {
    for (const malformed of malformedCases) {
      it(`rejects ${malformed.what}`, async () => {
        const failure = await expectRunFailure(runStack(malformed.stack, malformed.options));
        expect(failure.message).to.equal(malformed.message);
        expect(failure.resources.all.filter((r) => r.type !== "pulumi:pulumi:Stack")).to.deep.equal(
          [],
        );
      });
    }

    it("has at least 25 malformed cases", () => {
      expect(malformedCases.length).to.be.at.least(25);
    });

    it("reports every problem of a stack in one run", async () => {
      const failure = await expectRunFailure(
        runStack("prod", {
          set: {
            accountId: "1",
            logLevel: "LOUD",
            healthCheck: { requestInterval: 5 },
            regoins: [],
            weights: { "us-east-1": 0 },
          },
        }),
      );
      expect(failure.message.split("\n")).to.deep.equal([
        "stacks/Pulumi.prod.yaml has 5 invalid settings:",
        '  - multiregion-serverless:accountId is "1": must be a 12-digit AWS account id',
        '  - multiregion-serverless:logLevel is "LOUD": must be one of "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"',
        "  - multiregion-serverless:healthCheck.requestInterval is 5: must be 10 or 30 (seconds; Route 53 offers only these)",
        "  - multiregion-serverless:regoins is not a setting (did you mean multiregion-serverless:regions?); known: environment, accountId, service, regions, unlistedRegions, topology, primaryRegion, routing, geolocation, defaultRegion, weights, domain, deployment, logLevel, healthCheck, alarms, function, table, protectData, tags, secretEnvironment, featureFlags, dashboard, notifications, loadTest, functionOptions, network, worker",
        '  - multiregion-serverless:weights is {"us-east-1":0}: only applies to topology "active-active"',
      ]);
    });
  });

  describe("overrides", () => {
    it("a stack can override its environment's deployment type, log level and health check", async () => {
      const { resources } = await runStack("prod", {
        set: {
          deployment: { type: { linear: { percentage: 20, intervalMinutes: 5 } } },
          logLevel: "WARN",
          healthCheck: { requestInterval: 30, failureThreshold: 2 },
        },
      });
      resources.hasResourceProperties("aws:codedeploy/deploymentConfig:DeploymentConfig", {
        trafficRoutingConfig: {
          type: "TimeBasedLinear",
          timeBasedLinear: { percentage: 20, interval: 5 },
        },
      });
      for (const fn of resources.ofType(FUNCTION)) {
        expect(fn.inputs.environment.variables.LOG_LEVEL, fn.name).to.equal("WARN");
      }
      resources.allResourcesProperties(HEALTH_CHECK, { requestInterval: 30, failureThreshold: 2 });
    });

    it("weighted mode sends the configured share to the new version without CodeDeploy", async () => {
      const { resources } = await runStack("dev", {
        set: { deployment: { mode: "weighted", stableVersion: "7", weight: 0.25 } },
        outputs: ({ type }) => (type === FUNCTION ? { version: "8" } : undefined),
      });
      resources.resourceCountIs(GROUP, 0);
      resources.hasResourceProperties(ALIAS, {
        functionVersion: "7",
        routingConfig: { additionalVersionWeights: { "8": 0.25 } },
      });
    });

    it("a prod stack can turn waves and hooks off", async () => {
      const { resources } = await runStack("prod", {
        set: { deployment: { waves: false, hooks: false } },
      });
      for (const deployment of resources.ofType("pulumi-nodejs:dynamic:LambdaDeployment")) {
        expect(
          deployment.dependencies.filter((urn) => urn.includes("LambdaDeployment")),
        ).to.deep.equal([]);
        expect(deployment.inputs.hooks).to.deep.equal({});
      }
      expect(resources.ofType(FUNCTION).filter((f) => f.name.includes("hook"))).to.deep.equal([]);
    });

    it("staging can serve active-active with weighted routing", async () => {
      const { resources } = await runStack("staging", {
        set: {
          topology: "active-active",
          routing: "weighted",
          weights: { "us-east-1": 3, "us-west-2": 1 },
        },
      });
      const weighted = resources
        .ofType("aws:route53/record:Record")
        .filter((r) => r.inputs.weightedRoutingPolicies)
        .map((r) => r.inputs.weightedRoutingPolicies[0].weight)
        .sort();
      expect(weighted).to.deep.equal([1, 3]);
    });
  });

  describe("account safety", () => {
    it("refuses credentials for another account, naming the stack file and both accounts", async () => {
      const failure = await expectRunFailure(runStack("prod", { callerAccount: "111111111111" }));
      expect(failure.message).to.equal(
        "stacks/Pulumi.prod.yaml deploys to account 333333333333, but the credentials are for account 111111111111: switch credentials (AWS_PROFILE) or use the stack for that account",
      );
    });

    it("locks the AWS provider to the stack's account", async () => {
      const { resources } = await sharedStackRun("dev");
      resources.hasResourceProperties("pulumi:providers:aws", {
        allowedAccountIds: Match.serializedJson(["111111111111"]),
        region: "us-east-1",
      });
    });
  });

  describe("secrets", () => {
    it("reach every function as secret environment variables and never appear in plain outputs", async () => {
      const { resources, result } = await runStack("staging", {
        set: { secretEnvironment: { PAYMENT_API_KEY: "pk_live_123" } },
        secretKeys: ["secretEnvironment"],
      });
      // The orders API and the worker, in each of staging's two regions.
      const functions = resources.ofType(FUNCTION).filter((f) => !f.name.includes("hook"));
      expect(functions).to.have.length(4);
      for (const fn of functions) {
        expect(fn.inputs.environment.variables.PAYMENT_API_KEY).to.equal("pk_live_123");
        expect(fn.secretPaths.some((p) => p.startsWith("environment"))).to.equal(true);
      }
      expect(JSON.stringify(result)).to.not.include("pk_live_123");
      expect(result.resolvedSettings.secretEnvironmentNames).to.deep.equal(["PAYMENT_API_KEY"]);
      expect(pulumi.Output.isInstance(result.resolvedSettings)).to.equal(false);
    });
  });
});
