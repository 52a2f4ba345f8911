// Issue 17: the staging stack's worker consumes an SQS queue and runs on a schedule, in each of
// its regions, both through the worker's live alias.
import { expect } from "chai";
import { Match } from "../../testing";
import { runStack } from "./runStack";

const FUNCTION = "aws:lambda/function:Function";
const ALIAS = "aws:lambda/alias:Alias";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const QUEUE = "aws:sqs/queue:Queue";
const SCHEDULE = "aws:scheduler/schedule:Schedule";
const INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

describe("the staging stack with the worker's queue and schedule (stacks/Pulumi.staging.yaml)", () => {
  it("in each region, the worker's SQS mapping and schedule invoke its live alias, with a dead-letter queue behind the queue", async () => {
    const { resources } = await runStack("staging");
    for (const region of ["us-east-1", "us-west-2"]) {
      const prefix = `orders-${region}-worker`;
      const fn = resources.get(FUNCTION, `${prefix}-function`);
      // Bundled from service/orders/worker.js: the bundle's exports are index.*.
      expect(fn.inputs).to.deep.include({ handler: "index.handler", timeout: 30, region });
      expect(fn.inputs.environment.variables.TABLE_NAME).to.be.a("string");
      const alias = resources.get(ALIAS, `${prefix}-alias`);
      expect(alias.outputs.arn).to.match(new RegExp(`:lambda:${region}:\\d{12}:function:.+:live$`));
      const queue = resources.get(QUEUE, `${prefix}-imports-queue`);
      const dlq = resources.get(QUEUE, `${prefix}-imports-dlq`);
      expect(queue.inputs.visibilityTimeoutSeconds).to.equal(180);
      expect(JSON.parse(queue.inputs.redrivePolicy).deadLetterTargetArn).to.equal(dlq.outputs.arn);
      resources.hasResourceProperties(MAPPING, {
        region,
        eventSourceArn: queue.outputs.arn,
        functionName: alias.outputs.arn,
        batchSize: 10,
        scalingConfig: { maximumConcurrency: 5 },
        functionResponseTypes: ["ReportBatchItemFailures"],
      });
      resources.hasResourceProperties(SCHEDULE, {
        region,
        scheduleExpression: "rate(15 minutes)",
        target: {
          arn: alias.outputs.arn,
          input: '{"task":"heartbeat"}',
          roleArn: Match.anyValue(),
        },
      });
      // The worker rolls out through CodeDeploy like the API, so it gets both hooks: an empty
      // SQS batch before traffic (loads the bundle, writes nothing), a metrics check after.
      const group = resources.get(
        "aws:codedeploy/deploymentGroup:DeploymentGroup",
        `${prefix}-deployment-group`,
      );
      expect(group.inputs.deploymentConfigName).to.equal(
        "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
      );
      const preTraffic = resources.get(FUNCTION, `${prefix}-pre-traffic-hook`);
      const hookConfig = JSON.parse(preTraffic.inputs.environment.variables.HOOK_CONFIG);
      expect(hookConfig).to.deep.include({
        event: { Records: [] },
        expect: { payloadMatches: { batchItemFailures: [] } },
      });
      resources.get(FUNCTION, `${prefix}-post-traffic-hook`);
    }
  });

  it("in each region, the worker's schedule fails over to that region's queues, each with a depth alarm, and worker.asyncFailures sets the retries", async () => {
    // stacks/Pulumi.staging.yaml's worker, with its failure handling tuned.
    const worker = {
      queue: { batchSize: 10, maximumConcurrency: 5 },
      schedule: { expression: "rate(15 minutes)" },
      asyncFailures: { maximumRetryAttempts: 1 },
    };
    const { resources } = await runStack("staging", { set: { worker } });
    for (const region of ["us-east-1", "us-west-2"]) {
      const prefix = `orders-${region}-worker`;
      const failures = resources.get(QUEUE, `${prefix}-async-failures`);
      expect(failures.inputs.region).to.equal(region);
      resources.hasResourceProperties(INVOKE_CONFIG, {
        region,
        qualifier: "live",
        maximumRetryAttempts: 1,
        maximumEventAgeInSeconds: 21600,
        destinationConfig: { onFailure: { destination: failures.outputs.arn } },
      });
      const scheduleQueue = resources.get(QUEUE, `${prefix}-heartbeat-dlq`);
      resources.hasResourceProperties(SCHEDULE, {
        region,
        target: { deadLetterConfig: { arn: scheduleQueue.outputs.arn } },
      });
      for (const queue of ["imports-dlq", "async-failures", "heartbeat-dlq"]) {
        resources.hasResourceProperties(ALARM, {
          region,
          namespace: "AWS/SQS",
          dimensions: { QueueName: resources.get(QUEUE, `${prefix}-${queue}`).outputs.name },
        });
      }
    }
  });

  it("the worker's deployment alarms have no duration alarm: the API's duration baseline (150 ms in staging) does not describe a batch of imports", async () => {
    const { resources } = await runStack("staging");
    const alarms = resources.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.name);
    for (const region of ["us-east-1", "us-west-2"]) {
      const worker = alarms.filter((name) => name.startsWith(`orders-${region}-worker-`));
      expect(worker.some((name) => name.endsWith("-errors"))).to.equal(true);
      expect(worker.filter((name) => name.endsWith("-duration"))).to.deep.equal([]);
      // The API keeps its baseline alarm.
      const api = alarms.filter(
        (name) =>
          name.startsWith(`orders-${region}-`) && !name.startsWith(`orders-${region}-worker-`),
      );
      expect(api.filter((name) => name.endsWith("-duration"))).to.have.length(1);
    }
  });

  it("dev, without worker config, has no worker", async () => {
    const { resources } = await runStack("dev");
    expect(resources.ofType(FUNCTION).map((f) => f.name)).to.not.include.members([
      "orders-us-east-1-worker-function",
    ]);
    resources.resourceCountIs(MAPPING, 0);
  });
});
