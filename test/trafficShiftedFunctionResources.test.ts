// What `pulumi preview` shows for a TrafficShiftedFunction in the configurations users write,
// each built once (in `before`) and asserted property by property: the defaults a user relies on
// without writing them, every option reaching the resource it configures, and the rollout
// notifications of a function's own region. Written for mutation testing (issue 19): the other
// specs build the component once per behaviour, so these assertions are cheap to run per mutant.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  RegionalService,
  TrafficShiftedFunction,
  TrafficShiftedFunctionArgs,
  TrafficShifting,
} from "../components";
import { CapturedResource, ResourceCapture, runComponent } from "../testing";

const FUNCTION = "aws:lambda/function:Function";
const ALIAS = "aws:lambda/alias:Alias";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup";
const APPLICATION = "aws:codedeploy/application:Application";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const DEPLOYMENT = "pulumi-nodejs:dynamic:LambdaDeployment";

const ACCOUNT = "123456789012";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

type Built = { resources: ResourceCapture; result: TrafficShiftedFunction };

function build(args: Partial<TrafficShiftedFunctionArgs>, name = "orders"): Promise<Built> {
  return runComponent(() => new TrafficShiftedFunction(name, { code, ...args }));
}

/** The statements of a captured role policy, by Sid. */
function statementsOf(resource: CapturedResource): Record<string, any> {
  const document = JSON.parse(resource.inputs.policy) as { Statement: { Sid: string }[] };
  return Object.fromEntries(document.Statement.map((statement) => [statement.Sid, statement]));
}

describe("TrafficShiftedFunction: what a user gets without configuring it", () => {
  let built: Built;
  beforeEach(async () => {
    built = await build({ hooks: { preTraffic: { code }, postTraffic: { code } } });
  });

  it("runs index.handler on nodejs22.x with 256 MB, 10 s, LOG_LEVEL INFO and 30 days of logs", () => {
    const fn = built.resources.get(FUNCTION, "orders-function");
    expect(fn.inputs).to.deep.include({
      handler: "index.handler",
      runtime: "nodejs22.x",
      memorySize: 256,
      timeout: 10,
      publish: true,
      architectures: ["x86_64"],
    });
    expect(fn.inputs.environment).to.deep.equal({ variables: { LOG_LEVEL: "INFO" } });
    // The archive given as `code` (the capture keeps an archive's marker, not its files).
    expect(fn.inputs).to.have.nested.property("code.__pulumiArchive", true);
    for (const absent of [
      "ephemeralStorage",
      "snapStart",
      "deadLetterConfig",
      "vpcConfig",
      "kmsKeyArn",
      "reservedConcurrentExecutions",
      "layers",
    ]) {
      expect(fn.inputs, absent).to.not.have.property(absent);
    }
    expect(built.resources.get(LOG_GROUP, "orders-logs").inputs).to.deep.include({
      namePrefix: "/aws/lambda/orders-",
      retentionInDays: 30,
    });
  });

  it("gives each hook 256 MB, 120 s, index.handler on nodejs22.x, its own log group and the function's log level and tracing", () => {
    for (const [event, lifecycle] of [
      ["pre-traffic", "BeforeAllowTraffic"],
      ["post-traffic", "AfterAllowTraffic"],
    ]) {
      const hook = built.resources.get(FUNCTION, `orders-${event}-hook`);
      const logGroup = built.resources.get(LOG_GROUP, `orders-${event}-hook-logs`);
      expect(hook.inputs).to.deep.include({
        description: `CodeDeploy ${lifecycle} hook for orders-function-mock123`,
        handler: "index.handler",
        runtime: "nodejs22.x",
        memorySize: 256,
        timeout: 120,
        role: built.resources.get(ROLE, `orders-${event}-hook-role`).outputs.arn,
      });
      expect(hook.inputs).to.have.nested.property("code.__pulumiArchive", true);
      expect(hook.inputs.tracingConfig).to.deep.equal({ mode: "Active" });
      expect(hook.inputs.loggingConfig).to.deep.equal({
        logFormat: "Text",
        logGroup: logGroup.outputs.name,
      });
      expect(hook.inputs.environment).to.deep.equal({
        variables: {
          LOG_LEVEL: "INFO",
          TARGET_FUNCTION_NAME: "orders-function-mock123",
          TARGET_ALIAS_NAME: "live",
        },
      });
      expect(logGroup.inputs).to.deep.include({
        namePrefix: `/aws/lambda/orders-${event}-hook-`,
        retentionInDays: 30,
      });
      const role = built.resources.get(ROLE, `orders-${event}-hook-role`);
      // Short names are left to Pulumi's auto-naming (a random suffix: no clash between stacks).
      expect(role.inputs, "auto-named").to.not.have.property("name");
      expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).to.deep.equal([
        {
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ]);
      const granted = statementsOf(
        built.resources.get(ROLE_POLICY, `orders-${event}-hook-role-policy`),
      );
      expect(granted.WriteOwnLogs.Resource).to.equal(`${logGroup.outputs.arn}:*`);
      expect(granted.WriteTraces.Action).to.deep.equal([
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
      ]);
      // The hook's policy is in place before CodeDeploy first invokes it.
      expect(hook.dependencies).to.include(
        built.resources.get(ROLE_POLICY, `orders-${event}-hook-role-policy`).urn,
      );
    }
  });

  it("creates its own Lambda CodeDeploy application and a CodeDeploy service role", () => {
    const application = built.resources.get(APPLICATION, "orders-deploy");
    expect(application.inputs).to.deep.equal({ computePlatform: "Lambda" });
    expect(built.resources.get(GROUP, "orders-deployment-group").inputs).to.deep.include({
      appName: application.outputs.name,
      deploymentGroupName: "orders",
      serviceRoleArn: built.resources.get(ROLE, "orders-deploy-role").outputs.arn,
    });
    const role = built.resources.get(ROLE, "orders-deploy-role");
    expect(role.inputs, "auto-named").to.not.have.property("name");
    expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).to.deep.equal([
      {
        Effect: "Allow",
        Principal: { Service: "codedeploy.amazonaws.com" },
        Action: "sts:AssumeRole",
      },
    ]);
  });

  it("makes the function wait for its execution role's policy", () => {
    const fn = built.resources.get(FUNCTION, "orders-function");
    expect(fn.dependencies).to.include(built.resources.get(ROLE_POLICY, "orders-role-policy").urn);
  });

  it("reports the deployment's outputs: function, alias, target version, deployment type and group", async () => {
    const component = built.resources.ofType(
      "multiregion-serverless:index:TrafficShiftedFunction",
    )[0];
    expect(component.outputs).to.deep.include({
      functionName: "orders-function-mock123",
      functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-function-mock123`,
      aliasArn: built.resources.get(ALIAS, "orders-alias").outputs.arn,
      targetVersion: "1",
      deploymentGroupName: "orders",
      deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
      deploymentType: "Canary10Percent5Minutes",
    });
    expect(built.result.mode).to.equal("codedeploy");
    expect(built.result.aliasName).to.equal("live");
  });
});

describe("TrafficShiftedFunction: each option reaches the resource it configures", () => {
  const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const DEAD_LETTERS = `arn:aws:sns:eu-west-1:${ACCOUNT}:orders-failed`;
  const tags = { team: "payments" };
  let built: Built;
  beforeEach(async () => {
    built = await build({
      region: "eu-west-1",
      tags,
      description: "Takes orders",
      handler: "main.handle",
      runtime: "python3.13",
      memorySize: 1024,
      timeout: 30,
      logRetentionInDays: 14,
      logLevel: "DEBUG",
      environment: { TABLE: "orders" },
      tracing: "PassThrough",
      aliasName: "current",
      deadLetterTargetArn: DEAD_LETTERS,
      reservedConcurrency: 20,
      ephemeralStorageMb: 512,
      kmsKeyArn: KEY,
      snapStart: "PublishedVersions",
      dashboardUrl: "https://example.com/orders",
      trafficShifting: {
        type: "Linear10PercentEvery1Minute",
        waitForCompletion: false,
        timeoutMinutes: 30,
        keepVersions: 5,
        retryToken: "2",
      },
      hooks: {
        postTraffic: {
          code,
          handler: "hook.handle",
          runtime: "nodejs20.x",
          memorySize: 512,
          timeout: 300,
          environment: { WINDOW_MINUTES: "5" },
        },
      },
    });
  });

  it("gives the function its handler, runtime, size, timeout, storage, key, SnapStart, concurrency and dead-letter target", () => {
    const fn = built.resources.get(FUNCTION, "orders-function");
    expect(fn.region).to.equal("eu-west-1");
    expect(fn.inputs).to.deep.include({
      description: "Takes orders",
      handler: "main.handle",
      runtime: "python3.13",
      memorySize: 1024,
      timeout: 30,
      kmsKeyArn: KEY,
      reservedConcurrentExecutions: 20,
      tags,
    });
    expect(fn.inputs.ephemeralStorage).to.deep.equal({ size: 512 });
    expect(fn.inputs.snapStart).to.deep.equal({ applyOn: "PublishedVersions" });
    expect(fn.inputs.deadLetterConfig).to.deep.equal({ targetArn: DEAD_LETTERS });
    expect(fn.inputs.tracingConfig).to.deep.equal({ mode: "PassThrough" });
  });

  it("adds LOG_LEVEL from logLevel to the environment", () => {
    expect(built.resources.get(FUNCTION, "orders-function").inputs.environment).to.deep.equal({
      variables: { TABLE: "orders", LOG_LEVEL: "DEBUG" },
    });
  });

  it("keeps the logs for logRetentionInDays, the hooks' too", () => {
    for (const logs of ["orders-logs", "orders-post-traffic-hook-logs"]) {
      expect(built.resources.get(LOG_GROUP, logs).inputs).to.deep.include({
        retentionInDays: 14,
        tags,
      });
      expect(built.resources.get(LOG_GROUP, logs).region).to.equal("eu-west-1");
    }
  });

  it("gives the hook its own handler, runtime, size, timeout and environment, with the function's log level, tracing and alias", () => {
    const hook = built.resources.get(FUNCTION, "orders-post-traffic-hook");
    expect(hook.region).to.equal("eu-west-1");
    expect(hook.inputs).to.deep.include({
      handler: "hook.handle",
      runtime: "nodejs20.x",
      memorySize: 512,
      timeout: 300,
      tags,
    });
    expect(hook.inputs.tracingConfig).to.deep.equal({ mode: "PassThrough" });
    expect(hook.inputs.environment).to.deep.equal({
      variables: {
        LOG_LEVEL: "DEBUG",
        WINDOW_MINUTES: "5",
        TARGET_FUNCTION_NAME: "orders-function-mock123",
        TARGET_ALIAS_NAME: "current",
      },
    });
    // PassThrough: the hook writes no traces, so its role may not either.
    const granted = statementsOf(
      built.resources.get(ROLE_POLICY, "orders-post-traffic-hook-role-policy"),
    );
    expect(Object.keys(granted)).to.deep.equal([
      "WriteOwnLogs",
      "ReportLifecycleHookStatus",
      "ReadDeploymentAppSpec",
      "InvokeTargetVersions",
    ]);
  });

  it("lets the execution role publish to an SNS dead-letter topic", () => {
    const granted = statementsOf(built.resources.get(ROLE_POLICY, "orders-role-policy"));
    expect(granted.SendToDeadLetterTarget).to.deep.equal({
      Sid: "SendToDeadLetterTarget",
      Effect: "Allow",
      Action: "sns:Publish",
      Resource: DEAD_LETTERS,
    });
  });

  it("hands the deployment its alias, type, wait, timeout, versions to keep, retry token and dashboard", () => {
    expect(built.resources.get(DEPLOYMENT, "orders-deployment").inputs).to.deep.include({
      aliasName: "current",
      waitForCompletion: false,
      timeoutMinutes: 30,
      keepVersions: 5,
      retryToken: "2",
      dashboardUrl: "https://example.com/orders",
      region: "eu-west-1",
      allowedAccountIds: [ACCOUNT],
      hooks: { afterAllowTraffic: "orders-post-traffic-hook-mock123" },
    });
    expect(built.resources.get(GROUP, "orders-deployment-group").inputs).to.deep.include({
      deploymentConfigName: "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
      tags,
    });
    expect(built.result.deploymentType).to.equal("Linear10PercentEvery1Minute");
  });

  it("tags the roles, the application and the alarms, and puts the regional ones in the region", () => {
    for (const role of built.resources.ofType(ROLE)) {
      expect(role.inputs.tags, role.name).to.deep.equal(tags);
    }
    const application = built.resources.get(APPLICATION, "orders-deploy");
    expect(application.inputs.tags).to.deep.equal(tags);
    expect(application.region).to.equal("eu-west-1");
    expect(built.resources.get(ALIAS, "orders-alias").region).to.equal("eu-west-1");
    const alarms = built.resources.ofType(ALARM);
    expect(alarms).to.not.have.length(0);
    for (const alarm of alarms) {
      expect(alarm.region, alarm.name).to.equal("eu-west-1");
    }
  });
});

describe("TrafficShiftedFunction: rollout notifications of the function's region", () => {
  const HERE = `arn:aws:sns:eu-west-1:${ACCOUNT}:orders-staging`;
  const ELSEWHERE = `arn:aws:sns:us-east-1:${ACCOUNT}:orders-staging`;
  let built: Built;
  beforeEach(async () => {
    built = await build({ region: "eu-west-1", notificationTopicArns: [HERE, ELSEWHERE] });
  });

  it("tells the region's topic when a rollout fails, is stopped or rolls back", () => {
    expect(
      built.resources.get(GROUP, "orders-deployment-group").inputs.triggerConfigurations,
    ).to.deep.equal([
      {
        triggerName: "rollout-orders-staging",
        triggerEvents: ["DeploymentFailure", "DeploymentStop", "DeploymentRollback"],
        triggerTargetArn: HERE,
      },
    ]);
  });

  it("sends the deployment alarms' state changes to the region's topic only", () => {
    const alarms = built.resources.ofType(ALARM);
    expect(alarms).to.not.have.length(0);
    for (const alarm of alarms) {
      expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal([HERE]);
      expect(alarm.inputs.okActions, alarm.name).to.deep.equal([HERE]);
    }
  });

  it("lets CodeDeploy publish to the region's topic only", () => {
    const granted = statementsOf(built.resources.get(ROLE_POLICY, "orders-deploy-role-policy"));
    expect(granted.PublishRolloutEvents.Resource).to.deep.equal([HERE]);
  });

  it("cuts a trigger's name to CodeDeploy's 100 characters for a long topic name", async () => {
    const topic = `arn:aws:sns:eu-west-1:${ACCOUNT}:${"t".repeat(120)}`;
    const { resources } = await build({ region: "eu-west-1", notificationTopicArns: [topic] });
    const [trigger] = resources.get(GROUP, "orders-deployment-group").inputs.triggerConfigurations;
    expect(trigger.triggerName).to.equal(`rollout-${"t".repeat(92)}`);
    expect(trigger.triggerTargetArn).to.equal(topic);
  });

  it("sets no triggers or alarm actions without topics", async () => {
    const { resources } = await build({ region: "eu-west-1", notificationTopicArns: [] });
    expect(resources.get(GROUP, "orders-deployment-group").inputs).to.not.have.property(
      "triggerConfigurations",
    );
    for (const alarm of resources.ofType(ALARM)) {
      expect(alarm.inputs, alarm.name).to.not.have.property("alarmActions");
    }
  });

  it("finds the region of topics from the function's ARN when the provider's default region is used", async () => {
    const { resources } = await build({ notificationTopicArns: [HERE, ELSEWHERE] });
    expect(
      resources.get(GROUP, "orders-deployment-group").inputs.triggerConfigurations,
    ).to.deep.equal([
      {
        triggerName: "rollout-orders-staging",
        triggerEvents: ["DeploymentFailure", "DeploymentStop", "DeploymentRollback"],
        triggerTargetArn: ELSEWHERE,
      },
    ]);
  });
});

describe("TrafficShiftedFunction: in a VPC", () => {
  let built: Built;
  beforeEach(async () => {
    built = await build({
      region: "eu-west-1",
      vpcConfig: { subnetIds: ["subnet-0a1b2c3d"], securityGroupIds: ["sg-0a1b2c3d"] },
    });
  });

  it("attaches the function to the subnets and security groups", () => {
    expect(built.resources.get(FUNCTION, "orders-function").inputs.vpcConfig).to.deep.equal({
      subnetIds: ["subnet-0a1b2c3d"],
      securityGroupIds: ["sg-0a1b2c3d"],
    });
  });

  it("lets the execution role create its network interfaces in those subnets and groups", () => {
    const granted = statementsOf(built.resources.get(ROLE_POLICY, "orders-role-policy"));
    expect(granted.CreateNetworkInterfaces.Resource).to.deep.equal([
      `arn:aws:ec2:eu-west-1:${ACCOUNT}:network-interface/*`,
      "arn:aws:ec2:eu-west-1:*:subnet/subnet-0a1b2c3d",
      `arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/sg-0a1b2c3d`,
    ]);
    expect(granted).to.have.property("ManageNetworkInterfaces");
    expect(granted).to.have.property("WriteOwnLogs");
  });
});

describe("TrafficShiftedFunction: a user's role, application and alarms", () => {
  const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/orders-execution`;
  let built: Built;
  beforeEach(async () => {
    built = await build({
      role: ROLE_ARN,
      trafficShifting: { applicationName: "orders-service" },
      alarms: { createDefaults: false, additionalAlarmNames: ["orders-p99-latency"] },
    });
  });

  it("runs the function with the user's role and creates no execution role or policy", () => {
    const fn = built.resources.get(FUNCTION, "orders-function");
    expect(fn.inputs.role).to.equal(ROLE_ARN);
    expect(
      built.resources.find(ROLE, { assumeRolePolicy: /lambda\.amazonaws\.com/ }),
    ).to.have.length(0);
    expect(built.resources.ofType(ROLE_POLICY).map((policy) => policy.name)).to.deep.equal([
      "orders-deploy-role-policy",
    ]);
    expect(built.result.role).to.equal(undefined);
  });

  it("names the deployment group uniquely in the user's application, which other stacks share", () => {
    const group = built.resources.get(GROUP, "orders-deployment-group");
    expect(group.inputs.appName).to.equal("orders-service");
    // explicitName(..., unique: true): the name plus a hash of the stack and name.
    expect(group.inputs.deploymentGroupName).to.match(/^orders-[0-9a-f]+$/);
    built.resources.resourceCountIs(APPLICATION, 0);
  });

  it("stops the rollout on the user's alarms alone", async () => {
    built.resources.resourceCountIs(ALARM, 0);
    expect(
      built.resources.get(GROUP, "orders-deployment-group").inputs.alarmConfiguration,
    ).to.deep.equal({
      enabled: true,
      alarms: ["orders-p99-latency"],
      ignorePollAlarmFailure: false,
    });
    const granted = statementsOf(built.resources.get(ROLE_POLICY, "orders-deploy-role-policy"));
    expect(granted.ReadDeploymentAlarms.Resource).to.deep.equal([
      `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:orders-p99-latency`,
    ]);
  });

  it("writes the CodeDeploy role's policy in IAM's current policy language", () => {
    const policy = JSON.parse(
      built.resources.get(ROLE_POLICY, "orders-deploy-role-policy").inputs.policy,
    );
    expect(policy.Version).to.equal("2012-10-17");
  });

  it("has no alarm configuration at all without alarms", async () => {
    const { resources } = await build({ alarms: { createDefaults: false } });
    expect(resources.get(GROUP, "orders-deployment-group").inputs).to.not.have.property(
      "alarmConfiguration",
    );
  });
});

describe("TrafficShiftedFunction: names at CodeDeploy's 100-character limits", () => {
  // 95 characters: `<name>-deploy` (102) and `<name>-deployment-config` (113) are too long.
  const name = `orders-${"x".repeat(88)}`;
  let built: Built;
  beforeEach(async () => {
    built = await build(
      { trafficShifting: { canary: { percentage: 10, intervalMinutes: 5 } } },
      name,
    );
  });

  it("cuts the application, deployment config and deployment group names to 100 characters", () => {
    const application = built.resources.get(APPLICATION, `${name}-deploy`);
    const config = built.resources.get(
      "aws:codedeploy/deploymentConfig:DeploymentConfig",
      `${name}-deployment-config`,
    );
    const group = built.resources.get(GROUP, `${name}-deployment-group`);
    for (const physical of [
      application.inputs.name,
      config.inputs.deploymentConfigName,
      group.inputs.deploymentGroupName,
    ]) {
      expect(physical).to.be.a("string");
      expect(physical.length, physical).to.be.at.most(100);
      expect(physical.startsWith(name.slice(0, 80)), physical).to.equal(true);
    }
    expect(application.inputs.name).to.not.equal(config.inputs.deploymentConfigName);
  });

  it("parents the custom deployment config to the component", () => {
    const config = built.resources.get(
      "aws:codedeploy/deploymentConfig:DeploymentConfig",
      `${name}-deployment-config`,
    );
    expect(built.resources.parentOf(config)?.type).to.equal(
      "multiregion-serverless:index:TrafficShiftedFunction",
    );
  });
});

describe("TrafficShiftedFunction: the typed factories and the TypeScript-only members", () => {
  it("codeDeploy: a CodeDeploy function with the given type, whose deployment is reachable", async () => {
    const { resources, result } = await runComponent(() =>
      TrafficShiftedFunction.codeDeploy("orders", {
        code,
        trafficShifting: { type: "AllAtOnce" },
      }),
    );
    expect(result.mode).to.equal("codedeploy");
    expect(result.deployment).to.not.equal(undefined);
    expect(result.deploymentAlarms).to.not.equal(undefined);
    expect(result.eventSources).to.equal(undefined);
    expect(resources.get(GROUP, "orders-deployment-group").inputs.deploymentConfigName).to.equal(
      "CodeDeployDefault.LambdaAllAtOnce",
    );
    const { result: plain } = await runComponent(() =>
      TrafficShiftedFunction.codeDeploy("orders", { code }),
    );
    expect(plain.mode).to.equal("codedeploy");
    expect(plain.deploymentType).to.equal("Canary10Percent5Minutes");
  });

  it("weighted: a function whose alias stack config moves, with no deployment", async () => {
    const { resources, result } = await runComponent(() =>
      TrafficShiftedFunction.weighted("orders", {
        code,
        trafficShifting: { stableVersion: "3", canaryVersion: "4", weight: 0.1 },
      }),
    );
    expect(result.mode).to.equal("weighted");
    expect(result.deployment).to.equal(undefined);
    resources.resourceCountIs(DEPLOYMENT, 0);
    expect(resources.get(ALIAS, "orders-alias").inputs).to.deep.include({
      functionVersion: "3",
      routingConfig: { additionalVersionWeights: { "4": 0.1 } },
    });
  });

  it("weighted without default alarms or event sources: no deployment, alarms or event sources to reach", async () => {
    const { resources, result } = await runComponent(() =>
      TrafficShiftedFunction.weighted("orders", {
        code,
        alarms: { createDefaults: false },
        trafficShifting: { stableVersion: "3", weight: 0 },
      }),
    );
    expect(result.deployment).to.equal(undefined);
    expect(result.deploymentAlarms).to.equal(undefined);
    expect(result.eventSources).to.equal(undefined);
    resources.resourceCountIs(ALARM, 0);
    expect(resources.get(ALIAS, "orders-alias").inputs).to.deep.include({ functionVersion: "3" });
    expect(resources.get(ALIAS, "orders-alias").inputs).to.not.have.property("routingConfig");
  });

  it("TrafficShifting.codeDeploy and .weighted give trafficShifting in their mode, with the given fields", async () => {
    expect(TrafficShifting.codeDeploy()).to.deep.equal({ mode: "codedeploy" });
    expect(TrafficShifting.codeDeploy({ type: "AllAtOnce" })).to.deep.equal({
      mode: "codedeploy",
      type: "AllAtOnce",
    });
    expect(TrafficShifting.weighted()).to.deep.equal({ mode: "weighted" });
    expect(TrafficShifting.weighted({ stableVersion: "3", weight: 0.1 })).to.deep.equal({
      mode: "weighted",
      stableVersion: "3",
      weight: 0.1,
    });
    const { result } = await build({ trafficShifting: TrafficShifting.weighted() });
    expect(result.mode).to.equal("weighted");
  });

  it("reports an empty deployment id when no deployment ran (nothing to deploy, or a preview)", async () => {
    const { result } = await build({});
    const id = await new Promise<string | undefined>((resolve) =>
      result.deploymentId!.apply((value) => resolve(value)),
    );
    expect(id).to.equal("");
  });
});

describe("TrafficShiftedFunction: event sources", () => {
  const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
  let built: Built;
  beforeEach(async () => {
    built = await build({ eventSources: { sqs: [{ name: "jobs" }] } });
  });

  it("invokes the alias once the alias and the execution role's policy exist", () => {
    const mapping = built.resources.ofType(MAPPING)[0];
    expect(mapping.inputs.functionName).to.equal(
      built.resources.get(ALIAS, "orders-alias").outputs.arn,
    );
    expect(mapping.dependencies).to.include.members([
      built.resources.get(ALIAS, "orders-alias").urn,
      built.resources.get(ROLE_POLICY, "orders-role-policy").urn,
    ]);
    expect(built.result.eventSources).to.not.equal(undefined);
  });

  it("sizes the queue's visibility timeout from the default 10 s function timeout", () => {
    expect(
      built.resources.get("aws:sqs/queue:Queue", "orders-jobs-queue").inputs
        .visibilityTimeoutSeconds,
    ).to.equal(60);
  });
});

describe("TrafficShiftedFunction: in a RegionalService, with the region's shared CodeDeploy role", () => {
  const DEPLOY_POLICY = /^orders-deploy-role(-\d+)?-policy$/;
  let service: { resources: ResourceCapture };
  beforeEach(async () => {
    service = await runComponent(
      () =>
        new RegionalService("orders", {
          region: "eu-west-1",
          functions: {
            shared: { code },
            own: {
              code,
              trafficShifting: {
                serviceRoleArn: `arn:aws:iam::${ACCOUNT}:role/platform-codedeploy`,
              },
            },
          },
          routes: { "GET /a": "shared" },
        }),
    );
  });

  it("starts a deployment only once the shared role's policy is in place", () => {
    const policy = service.resources
      .ofType(ROLE_POLICY)
      .find((candidate) => DEPLOY_POLICY.test(candidate.name))!;
    expect(service.resources.get(DEPLOYMENT, "orders-shared-deployment").dependencies).to.include(
      policy.urn,
    );
  });

  it("grants the shared role nothing on a function that brings its own CodeDeploy role", () => {
    const policies = service.resources
      .ofType(ROLE_POLICY)
      .filter((candidate) => DEPLOY_POLICY.test(candidate.name));
    expect(policies).to.have.length(1);
    const shift = statementsOf(policies[0]).ShiftAlias.Resource as string[];
    expect(shift.some((arn) => arn.includes("orders-shared-function"))).to.equal(true);
    expect(shift.some((arn) => arn.includes("orders-own-function"))).to.equal(false);
  });
});
