import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import {
  PREDEFINED_DEPLOYMENT_TYPES,
  TrafficShiftedFunction,
  TrafficShiftedFunctionArgs,
} from "../components";
import { expectRunFailure, Match, promiseOf, ResourceCapture, runComponent } from "../testing";

const FUNCTION = "aws:lambda/function:Function";
const ALIAS = "aws:lambda/alias:Alias";
const GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup";
const CONFIG = "aws:codedeploy/deploymentConfig:DeploymentConfig";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const DEPLOYMENT = "pulumi-nodejs:dynamic:LambdaDeployment";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

function hook(): { code: pulumi.asset.Archive } {
  return { code };
}

async function build(args: Partial<TrafficShiftedFunctionArgs> = {}, name = "orders") {
  return runComponent(() => new TrafficShiftedFunction(name, { code, ...args }));
}

/** The input names of the bridged `aws.lambda.Alias`, read from the installed `@pulumi/aws`. */
function aliasArgsKeys(): string[] {
  const typings = fs.readFileSync(
    path.join(path.dirname(require.resolve("@pulumi/aws")), "lambda", "alias.d.ts"),
    "utf8",
  );
  const body = /export interface AliasArgs \{([\s\S]*?)\n\}/.exec(typings);
  expect(body, "AliasArgs in @pulumi/aws lambda/alias.d.ts").to.not.equal(null);
  return [...body![1].matchAll(/^\s+(?:readonly )?([a-zA-Z]+)\??:/gm)].map((match) => match[1]);
}

function policyOf(resources: ResourceCapture, name: string): any {
  return JSON.parse(resources.get(ROLE_POLICY, name).inputs.policy);
}

describe("TrafficShiftedFunction", () => {
  describe("codedeploy mode (the default)", () => {
    it("publishes a version on every change and creates the live alias at it", async () => {
      const { resources } = await build();
      resources.hasResourceProperties(FUNCTION, {
        publish: true,
        runtime: "nodejs22.x",
        handler: "index.handler",
        memorySize: 256,
        timeout: 10,
        tracingConfig: { mode: "Active" },
        environment: { variables: { LOG_LEVEL: "INFO" } },
      });
      const alias = resources.hasResourceProperties(ALIAS, {
        name: "live",
        functionName: "orders-function-mock123",
        functionVersion: "1",
      });
      expect(alias.inputs.functionVersion).to.not.equal("$LATEST");
    });

    it("never lets Pulumi move the alias that CodeDeploy owns", async () => {
      const { resources } = await build();
      const alias = resources.get(ALIAS, "orders-alias");
      expect(alias.options.ignoreChanges).to.include.members(["functionVersion", "routingConfig"]);
    });

    it("gives Pulumi no alias input it could ever update in place", async () => {
      // The bridged provider's update sends the whole alias to UpdateAlias with the recorded
      // (stale) functionVersion and an empty routing config (terraform-provider-aws
      // internal/service/lambda/alias.go, resourceAliasUpdate), so ANY in-place update of a
      // CodeDeploy-owned alias moves all traffic to an old version. The alias may carry only
      // inputs whose change replaces it, plus the ignored version it starts at.
      const aliasInputs = aliasArgsKeys();
      // ForceNew in the same schema: function_name and name; `region` forces replacement on
      // every region-aware resource (terraform-provider-aws guide "Enhanced Region Support").
      const replacing = ["functionName", "name", "region"];
      expect(aliasInputs, "the bridged alias's inputs").to.include.members(replacing);
      const updatable = aliasInputs.filter((key) => !replacing.includes(key));

      for (const args of [{}, { description: "orders API", aliasName: "prod" }]) {
        const { resources } = await build({ region: "us-east-1", ...args });
        const alias = resources.get(ALIAS, "orders-alias");
        const given = Object.keys(alias.inputs).filter((key) => alias.inputs[key] !== undefined);
        expect(given).to.have.members(["region", "name", "functionName", "functionVersion"]);
        // A provider upgrade that adds an updatable alias input fails here until it is ignored.
        expect(
          alias.options.ignoreChanges,
          "every updatable alias input is ignored",
        ).to.include.members(updatable);
      }
    });

    it("keeps the alias's identity when switching between codedeploy and weighted modes", async () => {
      // A new logical name would create a second alias resource; in codedeploy mode that new
      // alias would start at the newest version, skipping the rollout.
      const codeDeploy = (await build()).resources.get(ALIAS, "orders-alias");
      const weighted = (
        await build({ trafficShifting: { mode: "weighted", stableVersion: "1" } })
      ).resources.get(ALIAS, "orders-alias");
      expect(weighted.urn).to.equal(codeDeploy.urn);
      expect(weighted.parent).to.equal(codeDeploy.parent);
    });

    it("defaults to Canary10Percent5Minutes with blue/green traffic control and rollback on failure, alarm and stop", async () => {
      const { resources, result } = await build();
      resources.hasResourceProperties(GROUP, {
        deploymentGroupName: "orders",
        deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        autoRollbackConfiguration: {
          enabled: true,
          events: Match.arrayEquivalent([
            "DEPLOYMENT_FAILURE",
            "DEPLOYMENT_STOP_ON_ALARM",
            "DEPLOYMENT_STOP_ON_REQUEST",
          ]),
        },
      });
      resources.hasResourceProperties("aws:codedeploy/application:Application", {
        computePlatform: "Lambda",
      });
      resources.resourceCountIs(CONFIG, 0);
      expect(await promiseOf(result.deploymentGroupName!)).to.equal("orders");
      expect(result.mode).to.equal("codedeploy");
    });

    for (const type of PREDEFINED_DEPLOYMENT_TYPES) {
      it(`maps ${type} to CodeDeployDefault.Lambda${type}`, async () => {
        const { resources } = await build({ trafficShifting: { type } });
        resources.hasResourceProperties(GROUP, {
          deploymentConfigName: `CodeDeployDefault.Lambda${type}`,
        });
        resources.resourceCountIs(CONFIG, 0);
      });
    }

    it("creates a TimeBasedCanary deployment config for a custom canary", async () => {
      const { resources } = await build({
        trafficShifting: { canary: { percentage: 25, intervalMinutes: 15 } },
      });
      const config = resources.hasResourceProperties(CONFIG, {
        computePlatform: "Lambda",
        trafficRoutingConfig: {
          type: "TimeBasedCanary",
          timeBasedCanary: { percentage: 25, interval: 15 },
          timeBasedLinear: Match.absent(),
        },
      });
      resources.hasResourceProperties(GROUP, {
        deploymentConfigName: config.outputs.deploymentConfigName,
      });
    });

    it("creates a TimeBasedLinear deployment config for a custom linear shift", async () => {
      const { resources } = await build({
        trafficShifting: { linear: { percentage: 20, intervalMinutes: 2 } },
      });
      resources.hasResourceProperties(CONFIG, {
        trafficRoutingConfig: {
          type: "TimeBasedLinear",
          timeBasedLinear: { percentage: 20, interval: 2 },
        },
      });
    });

    it("uses a shared CodeDeploy application when one is given", async () => {
      const { resources } = await build({ trafficShifting: { applicationName: "orders-service" } });
      resources.resourceCountIs("aws:codedeploy/application:Application", 0);
      resources.hasResourceProperties(GROUP, { appName: "orders-service" });
    });

    it("gives the deployment role only what CodeDeploy needs on this alias and its alarms", async () => {
      const { resources } = await build();
      const policy = policyOf(resources, "orders-deploy-role-policy");
      const arn = "arn:aws:lambda:us-east-1:123456789012:function:orders-function-mock123";
      expect(policy.Statement).to.deep.equal([
        {
          Sid: "ShiftAlias",
          Effect: "Allow",
          Action: ["lambda:GetAlias", "lambda:UpdateAlias"],
          Resource: [arn, `${arn}:live`],
        },
        {
          Sid: "ReadAliasProvisionedConcurrency",
          Effect: "Allow",
          Action: "lambda:GetProvisionedConcurrencyConfig",
          Resource: `${arn}:live`,
        },
        {
          Sid: "ReadDeploymentAlarms",
          Effect: "Allow",
          Action: "cloudwatch:DescribeAlarms",
          Resource: [
            "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-alarms-errors-mock123",
            "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-alarms-throttles-mock123",
          ],
        },
      ]);
      resources.hasResourceProperties("aws:iam/role:Role", {
        assumeRolePolicy: Match.serializedJson({
          Statement: [
            { Principal: { Service: "codedeploy.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      });
    });
  });

  describe("the deployment that shifts traffic", () => {
    it("hands CodeDeploy the function, alias, group, target version and hooks", async () => {
      const { resources } = await build({
        region: "eu-west-1",
        hooks: { preTraffic: hook(), postTraffic: hook() },
        trafficShifting: { timeoutMinutes: 45 },
      });
      resources.hasResourceProperties(DEPLOYMENT, {
        applicationName: "orders-deploy-mock123",
        deploymentGroupName: "orders",
        functionName: "orders-function-mock123",
        aliasName: "live",
        targetVersion: "1",
        hooks: {
          beforeAllowTraffic: "orders-pre-traffic-hook-mock123",
          afterAllowTraffic: "orders-post-traffic-hook-mock123",
        },
        waitForCompletion: true,
        timeoutMinutes: 45,
        region: "eu-west-1",
      });
    });

    it("starts only after the alias, the group, the service role's policy and the hooks exist", async () => {
      const { resources } = await build({ hooks: { preTraffic: hook() } });
      const deployment = resources.get(DEPLOYMENT, "orders-deployment");
      const urnOf = (type: string, name: string) => resources.get(type, name).urn;
      expect(deployment.dependencies).to.include.members([
        urnOf(ALIAS, "orders-alias"),
        urnOf(GROUP, "orders-deployment-group"),
        urnOf(ROLE_POLICY, "orders-deploy-role-policy"),
        urnOf(FUNCTION, "orders-pre-traffic-hook"),
      ]);
    });

    it("takes the region from the function when the provider's default region is used", async () => {
      const { resources } = await build();
      resources.hasResourceProperties(DEPLOYMENT, { region: "us-east-1", waitForCompletion: true });
    });

    it("waits for earlier waves: the second region's deployment depends on the first's", async () => {
      const { resources } = await runComponent(() => {
        const first = new TrafficShiftedFunction("orders-use1", { code, region: "us-east-1" });
        return new TrafficShiftedFunction("orders-usw2", {
          code,
          region: "us-west-2",
          trafficShifting: { deployAfter: [first.deploymentId!] },
        });
      });
      const first = resources.get(DEPLOYMENT, "orders-use1-deployment");
      const second = resources.get(DEPLOYMENT, "orders-usw2-deployment");
      expect(second.dependencies).to.include(first.urn);
      expect(first.dependencies).to.not.include(second.urn);
    });

    it("can return at once instead of waiting for the rollout", async () => {
      const { resources } = await build({ trafficShifting: { waitForCompletion: false } });
      resources.hasResourceProperties(DEPLOYMENT, { waitForCompletion: false });
    });

    it("is not created in weighted mode, where stack config moves the alias", async () => {
      const { resources, result } = await build({ trafficShifting: { mode: "weighted" } });
      resources.resourceCountIs(DEPLOYMENT, 0);
      expect(result.deployment).to.equal(undefined);
    });
  });

  describe("alarms", () => {
    it("creates the seed's error and throttle alarms on the alias, missing data not breaching", async () => {
      const { resources } = await build();
      resources.resourceCountIs(ALARM, 2);
      const dimensions = {
        FunctionName: "orders-function-mock123",
        Resource: "orders-function-mock123:live",
      };
      resources.hasResourceProperties(ALARM, {
        namespace: "AWS/Lambda",
        metricName: "Errors",
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 2,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 5,
        treatMissingData: "notBreaching",
        dimensions,
      });
      resources.hasResourceProperties(ALARM, {
        metricName: "Throttles",
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        treatMissingData: "notBreaching",
        dimensions,
      });
      resources.hasNoResource(ALARM, { metricName: "Duration" });
    });

    it("adds a duration alarm at baseline x 1.2 only when a baseline is given", async () => {
      const { resources } = await build({ alarms: { durationBaselineMs: 250 } });
      resources.hasResourceProperties(ALARM, {
        metricName: "Duration",
        statistic: "Average",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 300,
        evaluationPeriods: 2,
        treatMissingData: "notBreaching",
      });
    });

    it("watches the new version's own duration, not the average of both versions during a canary", async () => {
      const { resources } = await runComponent(
        () => new TrafficShiftedFunction("orders", { code, alarms: { durationBaselineMs: 250 } }),
        { outputs: ({ type }) => (type === FUNCTION ? { version: "7" } : undefined) },
      );
      resources.hasResourceProperties(ALARM, {
        metricName: "Duration",
        dimensions: Match.exact({
          FunctionName: "orders-function-mock123",
          Resource: "orders-function-mock123:live",
          ExecutedVersion: "7",
        }),
      });
      // Errors and throttles of either version count: the alias's whole traffic.
      resources.hasResourceProperties(ALARM, {
        metricName: "Errors",
        dimensions: Match.exact({
          FunctionName: "orders-function-mock123",
          Resource: "orders-function-mock123:live",
        }),
      });
    });

    it("wires the default and the user's alarms into the deployment group", async () => {
      const { resources, result } = await build({
        alarms: { errorThreshold: 0, additionalAlarmNames: ["orders-p99-latency", "orders-5xx"] },
      });
      resources.hasResourceProperties(ALARM, { metricName: "Errors", threshold: 0 });
      const expected = [
        "orders-alarms-errors-mock123",
        "orders-alarms-throttles-mock123",
        "orders-p99-latency",
        "orders-5xx",
      ];
      resources.hasResourceProperties(GROUP, {
        alarmConfiguration: { enabled: true, ignorePollAlarmFailure: false, alarms: expected },
      });
      expect(await promiseOf(result.alarmNames)).to.deep.equal(expected);
    });

    it("accepts exactly 10 alarms and rejects 11 (CodeDeploy's limit)", async () => {
      const names = (n: number) => Array.from({ length: n }, (_, i) => `alarm-${i}`);
      await build({ alarms: { additionalAlarmNames: names(8) } });
      const failure = await expectRunFailure(build({ alarms: { additionalAlarmNames: names(9) } }));
      expect(failure.message).to.equal(
        'TrafficShiftedFunction "orders": [alarms.additionalAlarmNames] is "9 names": CodeDeploy allows at most 10 alarms per deployment group; with 2 default alarm(s) give at most 8',
      );
    });

    it("leaves the alarm configuration out when there are no alarms", async () => {
      const { resources } = await build({ alarms: { createDefaults: false } });
      resources.resourceCountIs(ALARM, 0);
      resources.hasResourceProperties(GROUP, { alarmConfiguration: Match.absent() });
      const policy = policyOf(resources, "orders-deploy-role-policy");
      expect(policy.Statement.map((s: any) => s.Sid)).to.deep.equal([
        "ShiftAlias",
        "ReadAliasProvisionedConcurrency",
      ]);
    });
  });

  describe("hooks", () => {
    it("scopes each hook to reporting on its deployment group, reading its application's AppSpec and invoking the function's versions", async () => {
      const { resources } = await build({ hooks: { preTraffic: hook(), postTraffic: hook() } });
      const groupArn =
        "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:orders-deploy-mock123/orders";
      const functionArn = "arn:aws:lambda:us-east-1:123456789012:function:orders-function-mock123";
      for (const event of ["pre-traffic", "post-traffic"]) {
        const statements = policyOf(resources, `orders-${event}-hook-role-policy`).Statement;
        expect(
          statements.filter((s: any) => s.Sid !== "WriteOwnLogs" && s.Sid !== "WriteTraces"),
        ).to.deep.equal([
          {
            Sid: "ReportLifecycleHookStatus",
            Effect: "Allow",
            Action: ["codedeploy:PutLifecycleEventHookExecutionStatus", "codedeploy:GetDeployment"],
            Resource: groupArn,
          },
          {
            Sid: "ReadDeploymentAppSpec",
            Effect: "Allow",
            Action: "codedeploy:GetApplicationRevision",
            Resource: "arn:aws:codedeploy:us-east-1:123456789012:application:orders-deploy-mock123",
          },
          {
            Sid: "InvokeTargetVersions",
            Effect: "Allow",
            Action: "lambda:InvokeFunction",
            Resource: `${functionArn}:*`,
          },
        ]);
        resources.hasResourceProperties(FUNCTION, {
          description: Match.stringLikeRegexp(
            event === "pre-traffic" ? /BeforeAllowTraffic/ : /AfterAllowTraffic/,
          ),
          environment: {
            variables: {
              TARGET_FUNCTION_NAME: "orders-function-mock123",
              TARGET_ALIAS_NAME: "live",
            },
          },
        });
      }
    });

    it("lets the deployment role invoke the hooks and nothing else", async () => {
      const { resources } = await build({ hooks: { preTraffic: hook(), postTraffic: hook() } });
      const invoke = policyOf(resources, "orders-deploy-role-policy").Statement.find(
        (s: any) => s.Sid === "InvokeHooks",
      );
      expect(invoke).to.deep.equal({
        Sid: "InvokeHooks",
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: [
          "arn:aws:lambda:us-east-1:123456789012:function:orders-pre-traffic-hook-mock123",
          "arn:aws:lambda:us-east-1:123456789012:function:orders-post-traffic-hook-mock123",
        ],
      });
    });

    it("exposes the hook names for the deployment's AppSpec and adds the hook's own statements", async () => {
      const { resources, result } = await build({
        hooks: {
          postTraffic: {
            code,
            policyStatements: [
              { effect: "Allow", actions: ["cloudwatch:GetMetricData"], resources: ["*"] },
            ],
          },
        },
      });
      expect(await promiseOf(result.hookFunctionNames.afterAllowTraffic!)).to.equal(
        "orders-post-traffic-hook-mock123",
      );
      expect(result.hookFunctionNames.beforeAllowTraffic).to.equal(undefined);
      const statements = policyOf(resources, "orders-post-traffic-hook-role-policy").Statement;
      expect(statements).to.deep.include({
        Effect: "Allow",
        Action: ["cloudwatch:GetMetricData"],
        Resource: ["*"],
      });
    });
  });

  describe("weighted mode", () => {
    const published4 = {
      outputs: ({ type }: { type: string }) => (type === FUNCTION ? { version: "4" } : undefined),
    };

    it("points the alias at the stable version and sends the weight to the new one", async () => {
      const { resources } = await runComponent(
        () =>
          new TrafficShiftedFunction("orders", {
            code,
            trafficShifting: { mode: "weighted", stableVersion: "3", weight: 0.1 },
          }),
        published4,
      );
      const alias = resources.hasResourceProperties(ALIAS, {
        name: "live",
        functionVersion: "3",
        routingConfig: { additionalVersionWeights: { "4": 0.1 } },
      });
      expect(alias.options.ignoreChanges).to.deep.equal([]);
      resources.resourceCountIs(GROUP, 0);
      resources.resourceCountIs("aws:codedeploy/application:Application", 0);
      resources.resourceCountIs("aws:iam/role:Role", 1);
    });

    it("shifts to an explicit canary version", async () => {
      const { resources } = await build({
        trafficShifting: { mode: "weighted", stableVersion: "3", canaryVersion: "5", weight: 0.25 },
      });
      resources.hasResourceProperties(ALIAS, {
        functionVersion: "3",
        routingConfig: { additionalVersionWeights: Match.exact({ "5": 0.25 }) },
      });
    });

    it("routes nothing extra once the stable version is the newest (promoted)", async () => {
      const { resources } = await runComponent(
        () =>
          new TrafficShiftedFunction("orders", {
            code,
            trafficShifting: { mode: "weighted", stableVersion: "4", weight: 0.5 },
          }),
        published4,
      );
      const alias = resources.hasResourceProperties(ALIAS, { functionVersion: "4" });
      expect(alias.inputs.routingConfig?.additionalVersionWeights).to.equal(undefined);
    });

    it("rolls back with weight 0: all traffic on the stable version", async () => {
      const { resources } = await runComponent(
        () =>
          new TrafficShiftedFunction("orders", {
            code,
            trafficShifting: { mode: "weighted", stableVersion: "3", weight: 0 },
          }),
        published4,
      );
      resources.hasResourceProperties(ALIAS, {
        functionVersion: "3",
        routingConfig: Match.absent(),
      });
    });

    it("starts at the published version on the first deployment", async () => {
      const { resources } = await build({ trafficShifting: { mode: "weighted" } });
      resources.hasResourceProperties(ALIAS, {
        functionVersion: "1",
        routingConfig: Match.absent(),
      });
    });
  });

  describe("rejected input", () => {
    const cases: [string, Partial<TrafficShiftedFunctionArgs>, string][] = [
      [
        "an unknown deployment type",
        { trafficShifting: { type: "Canary10Percent20Minutes" as any } },
        '[trafficShifting.type] is "Canary10Percent20Minutes": must be one of Canary10Percent5Minutes, Canary10Percent10Minutes, Canary10Percent15Minutes, Canary10Percent30Minutes, Linear10PercentEvery1Minute, Linear10PercentEvery2Minutes, Linear10PercentEvery3Minutes, Linear10PercentEvery10Minutes, AllAtOnce (or give `canary` or `linear` { percentage, intervalMinutes } instead)',
      ],
      [
        "a canary of 0%",
        { trafficShifting: { canary: { percentage: 0, intervalMinutes: 5 } } },
        "[trafficShifting.canary.percentage] is 0: must be a whole number from 1 to 99 (use AllAtOnce for 100)",
      ],
      [
        "a linear step of 100%",
        { trafficShifting: { linear: { percentage: 100, intervalMinutes: 5 } } },
        "[trafficShifting.linear.percentage] is 100: must be a whole number from 1 to 99 (use AllAtOnce for 100)",
      ],
      [
        "an interval over two days",
        { trafficShifting: { canary: { percentage: 10, intervalMinutes: 2881 } } },
        "[trafficShifting.canary.intervalMinutes] is 2881: must be a whole number of minutes from 1 to 2880",
      ],
      [
        "a fractional interval",
        { trafficShifting: { linear: { percentage: 10, intervalMinutes: 1.5 } } },
        "[trafficShifting.linear.intervalMinutes] is 1.5: must be a whole number of minutes from 1 to 2880",
      ],
      [
        "both canary and linear",
        {
          trafficShifting: {
            canary: { percentage: 10, intervalMinutes: 5 },
            linear: { percentage: 10, intervalMinutes: 1 },
          },
        },
        '[trafficShifting.canary/linear] is "canary, linear": give at most one of `type` (a SAM type), `canary` or `linear` (a custom shape)',
      ],
      [
        "a SAM type and a custom canary",
        {
          trafficShifting: {
            type: "AllAtOnce",
            canary: { percentage: 10, intervalMinutes: 5 },
          },
        },
        '[trafficShifting.type/canary] is "type, canary": give at most one of `type` (a SAM type), `canary` or `linear` (a custom shape)',
      ],
      [
        "a weighted field in codedeploy mode",
        { trafficShifting: { type: "AllAtOnce", weight: 0.1 } },
        '[trafficShifting.weight] is 0.1: applies to trafficShifting.mode "weighted" only (this one is "codedeploy", the default)',
      ],
      [
        "codedeploy fields in weighted mode",
        {
          trafficShifting: {
            mode: "weighted",
            type: "AllAtOnce",
            canary: { percentage: 10, intervalMinutes: 5 },
          },
        },
        '[trafficShifting.type] is "AllAtOnce": applies to trafficShifting.mode "codedeploy" only (this one is "weighted")',
      ],
      [
        "a policy statement without actions",
        { policyStatements: [{ actions: [], resources: ["*"] }] },
        '[policyStatements[0].actions] is []: must be a non-empty list of IAM actions such as ["dynamodb:GetItem"]',
      ],
      [
        "a weighted stable version of $LATEST",
        { trafficShifting: { mode: "weighted", stableVersion: "$LATEST" } },
        '[trafficShifting.stableVersion] is "$LATEST": must be a published version number such as "3" ($LATEST cannot be weighted or rolled back)',
      ],
      [
        "a weight above 1",
        { trafficShifting: { mode: "weighted", stableVersion: "3", weight: 1.5 } },
        "[trafficShifting.weight] is 1.5: must be a number from 0 to 1",
      ],
      [
        "a negative weight",
        { trafficShifting: { mode: "weighted", stableVersion: "3", weight: -0.1 } },
        "[trafficShifting.weight] is -0.1: must be a number from 0 to 1",
      ],
      [
        "a canary version equal to the stable one",
        {
          trafficShifting: {
            mode: "weighted",
            stableVersion: "3",
            canaryVersion: "3",
            weight: 0.1,
          },
        },
        '[trafficShifting.canaryVersion] is "3": must differ from stableVersion (an alias routes between two versions)',
      ],
      [
        "a weight without a stable version",
        { trafficShifting: { mode: "weighted", weight: 0.2 } },
        "[trafficShifting.stableVersion] is undefined: is required to send traffic to a canary version",
      ],
      [
        "hooks in weighted mode",
        { trafficShifting: { mode: "weighted" }, hooks: { preTraffic: hook() } },
        '[hooks] is ["preTraffic"]: hooks run in CodeDeploy deployments; use trafficShifting.mode "codedeploy"',
      ],
      [
        "an unknown mode",
        { trafficShifting: { mode: "blue-green" as any } },
        '[trafficShifting.mode] is "blue-green"',
      ],
      [
        "memory below 128 MB",
        { memorySize: 64 },
        "[memorySize] is 64: must be a whole number from 128 to 10240 MB",
      ],
      [
        "a timeout over 15 minutes",
        { timeout: 901 },
        "[timeout] is 901: must be a whole number from 1 to 900 seconds",
      ],
      [
        "an alias made of digits",
        { aliasName: "42" },
        '[aliasName] is "42": must be 1-128 letters, digits, - or _',
      ],
      [
        "a region that is not one",
        { region: "europe" },
        '[region] is "europe": must be an AWS region name',
      ],
      [
        "LOG_LEVEL in environment",
        { environment: { LOG_LEVEL: "DEBUG" } },
        "set the log level with `logLevel` instead",
      ],
      [
        "a log retention CloudWatch does not offer",
        { logRetentionInDays: 31 },
        "[logRetentionInDays] is 31: must be one of 1, 3, 5",
      ],
      [
        "a hook timeout over 900 s",
        { hooks: { preTraffic: { code, timeout: 1200 } } },
        "[hooks.preTraffic.timeout] is 1200",
      ],
      [
        "a negative error threshold",
        { alarms: { errorThreshold: -1 } },
        "[alarms.errorThreshold] is -1: must be a number of errors, 0 or more",
      ],
    ];

    for (const [what, args, message] of cases) {
      it(`rejects ${what} before registering anything`, async () => {
        const failure = await expectRunFailure(build(args));
        expect(failure.message).to.include(message);
        expect(failure.resources.all).to.deep.equal([]);
      });
    }

    it("reports every problem at once", async () => {
      const failure = await expectRunFailure(
        build({
          memorySize: 64,
          timeout: 0,
          trafficShifting: { canary: { percentage: 0, intervalMinutes: 0 } },
        }),
      );
      expect(failure.message).to.equal(
        [
          'TrafficShiftedFunction "orders" has 4 invalid arguments:',
          "  - [memorySize] is 64: must be a whole number from 128 to 10240 MB",
          "  - [timeout] is 0: must be a whole number from 1 to 900 seconds",
          "  - [trafficShifting.canary.percentage] is 0: must be a whole number from 1 to 99 (use AllAtOnce for 100)",
          "  - [trafficShifting.canary.intervalMinutes] is 0: must be a whole number of minutes from 1 to 2880",
        ].join("\n"),
      );
    });
  });

  describe("placement and naming", () => {
    it("puts every regional child in the given region and IAM in none", async () => {
      const { resources } = await build({ region: "eu-west-1", hooks: { preTraffic: hook() } });
      const regional = resources.all.filter((r) => r.custom && !r.type.startsWith("aws:iam/"));
      expect(regional.length).to.be.greaterThan(5);
      for (const resource of regional) {
        expect(resource.inputs.region, `${resource.type} ${resource.name}`).to.equal("eu-west-1");
      }
      for (const resource of resources.all.filter((r) => r.type.startsWith("aws:iam/"))) {
        expect(resource.inputs.region, `${resource.type} ${resource.name}`).to.equal(undefined);
      }
    });

    it("parents every child to the component", async () => {
      const { resources } = await build({ hooks: { preTraffic: hook() } });
      const component = resources.get(
        "multiregion-serverless:index:TrafficShiftedFunction",
        "orders",
      );
      const alarms = resources.get(
        "multiregion-serverless:index:DeploymentAlarms",
        "orders-alarms",
      );
      for (const resource of resources.all.filter((r) => r !== component)) {
        const parent = resources.parentOf(resource);
        expect([component, alarms], resource.name).to.include(parent);
      }
    });

    it("lets two functions live in one program without name collisions", async () => {
      const { resources } = await runComponent(() => [
        new TrafficShiftedFunction("orders", { code, hooks: { preTraffic: hook() } }),
        new TrafficShiftedFunction("payments", { code, hooks: { preTraffic: hook() } }),
      ]);
      const urns = resources.all.map((r) => r.urn);
      expect(new Set(urns).size).to.equal(urns.length);
      expect(resources.ofType(GROUP).map((g) => g.inputs.deploymentGroupName)).to.deep.equal([
        "orders",
        "payments",
      ]);
    });

    it("keeps IAM role and Lambda function names within AWS's 64 characters for long component names", async () => {
      const name = "orders-global-ap-southeast-1-orders-reporting";
      const { resources } = await build(
        { hooks: { preTraffic: hook(), postTraffic: hook() } },
        name,
      );
      const limited = [...resources.ofType("aws:iam/role:Role"), ...resources.ofType(FUNCTION)];
      expect(limited).to.have.length(7); // 4 roles (function, CodeDeploy, 2 hooks), 3 functions
      const physical = limited.map((r) => r.outputs.name as string);
      for (const resource of limited) {
        expect(resource.outputs.name.length, resource.name).to.be.at.most(64);
        expect(resource.outputs.name).to.match(/^orders-global-ap-southeast-1-orders-reporting/);
      }
      expect(new Set(physical).size).to.equal(physical.length);
      // Short names are left to Pulumi's auto-naming.
      const short = await build();
      expect(short.resources.get(FUNCTION, "orders-function").inputs.name).to.equal(undefined);
      // The cut-short names are stable from run to run.
      const again = await build({ hooks: { preTraffic: hook(), postTraffic: hook() } }, name);
      expect(
        [...again.resources.ofType("aws:iam/role:Role"), ...again.resources.ofType(FUNCTION)].map(
          (r) => r.outputs.name,
        ),
      ).to.deep.equal(physical);
    });

    it("tags every taggable resource", async () => {
      const tags = { environment: "prod", service: "orders", stack: "prod" };
      const { resources } = await build({ tags, hooks: { preTraffic: hook() } });
      const taggable = resources.all.filter(
        (r) => r.custom && ![ALIAS, ROLE_POLICY, CONFIG, DEPLOYMENT].includes(r.type),
      );
      for (const resource of taggable) {
        expect(resource.inputs.tags, `${resource.type} ${resource.name}`).to.deep.equal(tags);
      }
    });

    it("uses no wildcard resource in generated policies except X-Ray's, which has no resource-level permissions", async () => {
      const { resources } = await build({ hooks: { preTraffic: hook(), postTraffic: hook() } });
      for (const rolePolicy of resources.ofType(ROLE_POLICY)) {
        for (const statement of JSON.parse(rolePolicy.inputs.policy).Statement) {
          const wildcard = [statement.Resource].flat().includes("*");
          expect(
            wildcard && statement.Sid !== "WriteTraces",
            `${rolePolicy.name} ${statement.Sid}`,
          ).to.equal(false);
          expect(
            [statement.Action].flat().some((a: string) => a.endsWith("*")),
            rolePolicy.name,
          ).to.equal(false);
        }
      }
    });
  });
});
