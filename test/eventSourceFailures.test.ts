// Failure handling of event sources (issue 17): Lambda's asynchronous invocation config on the
// alias with an on-failure destination, the sources' own dead-letter queues (SNS subscription
// redrive policy, EventBridge rule target and Scheduler dead-letter configs) with the service
// principals allowed to send, an operational alarm on every queue of failed events, and Lambda
// event filters on the mappings.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  EventSources,
  MultiRegionService,
  TrafficShiftedFunction,
  TrafficShiftedFunctionArgs,
} from "../components";
import { CapturedResource, expectRunFailure, Match, runComponent } from "../testing";

const ALIAS = "aws:lambda/alias:Alias";
const FUNCTION = "aws:lambda/function:Function";
const INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const QUEUE = "aws:sqs/queue:Queue";
const QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const SCHEDULE = "aws:scheduler/schedule:Schedule";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup";

const ACCOUNT = "123456789012";
const TOPIC = `arn:aws:sns:us-west-2:${ACCOUNT}:order-events`;
const STREAM = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders/stream/2026-01-01T00:00:00.000`;
const FAILURE_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:orders-failures`;
const NOTIFY_EAST = `arn:aws:sns:us-east-1:${ACCOUNT}:orders-notifications`;
const NOTIFY_WEST = `arn:aws:sns:us-west-2:${ACCOUNT}:orders-notifications`;

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});"),
});

/** One asynchronous source of each kind; the topic is in another region than the function. */
const asyncSources: EventSources = {
  sns: [{ name: "order-events", topicArn: TOPIC }],
  schedules: [{ name: "nightly", expression: "cron(0 3 * * ? *)" }],
  eventRules: [{ name: "placed", eventPattern: JSON.stringify({ source: ["orders"] }) }],
};

function build(args: Partial<TrafficShiftedFunctionArgs> = {}) {
  return runComponent(
    () => new TrafficShiftedFunction("orders", { code, region: "us-east-1", timeout: 10, ...args }),
  );
}

function statementsOf(resource: CapturedResource): any[] {
  return JSON.parse(resource.inputs.policy).Statement;
}

describe("Failed asynchronous invocations", () => {
  it("an SNS-, schedule- and rule-fed function gets an invoke config on the alias that sends failed events to a created queue its role may send to", async () => {
    const { resources } = await build({ eventSources: asyncSources });
    const failures = resources.get(QUEUE, "orders-async-failures");
    // SQS's longest retention and SQS-managed encryption (SQS CreateQueue API reference).
    expect(failures.inputs).to.include({
      region: "us-east-1",
      messageRetentionSeconds: 1209600,
      sqsManagedSseEnabled: true,
    });
    expect(failures.inputs.fifoQueue).to.equal(undefined);
    const invokeConfig = resources.get(INVOKE_CONFIG, "orders-async-invocation");
    expect(invokeConfig.inputs).to.deep.include({
      region: "us-east-1",
      functionName: resources.get(FUNCTION, "orders-function").outputs.name,
      qualifier: "live",
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 21600,
      destinationConfig: { onFailure: { destination: failures.outputs.arn } },
    });
    // Lambda sends to the destination with the execution role, and checks it may when the config
    // is put: the grant comes first.
    const grant = resources.get(ROLE_POLICY, "orders-event-sources-policy");
    expect(statementsOf(grant)).to.deep.include({
      Sid: "SendToAsyncFailureDestination",
      Effect: "Allow",
      Action: "sqs:SendMessage",
      Resource: failures.outputs.arn,
    });
    expect(invokeConfig.dependencies).to.include(grant.urn);
    expect(invokeConfig.dependencies).to.include(resources.get(ALIAS, "orders-alias").urn);
  });

  it("in weighted mode too, the invoke config is on the alias, never on the function or a version", async () => {
    const { resources } = await build({
      trafficShifting: { mode: "weighted" },
      eventSources: { sns: [{ name: "order-events", topicArn: TOPIC }] },
    });
    resources.hasResourceProperties(INVOKE_CONFIG, { qualifier: "live" });
  });

  it("takes the retries, the event age and an existing topic as destination, which the role may publish to", async () => {
    const { resources } = await build({
      eventSources: {
        ...asyncSources,
        asyncInvocation: {
          maximumRetryAttempts: 0,
          maximumEventAgeSeconds: 60,
          onFailureDestinationArn: FAILURE_TOPIC,
        },
      },
    });
    expect(resources.ofType(QUEUE).map((queue) => queue.name)).to.not.include(
      "orders-async-failures",
    );
    resources.hasResourceProperties(INVOKE_CONFIG, {
      qualifier: "live",
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 60,
      destinationConfig: { onFailure: { destination: FAILURE_TOPIC } },
    });
    expect(statementsOf(resources.get(ROLE_POLICY, "orders-event-sources-policy"))).to.deep.include(
      {
        Sid: "SendToAsyncFailureDestination",
        Effect: "Allow",
        Action: "sns:Publish",
        Resource: FAILURE_TOPIC,
      },
    );
  });

  it("a function with only polled sources gets no invoke config, unless asyncInvocation is given", async () => {
    const polled: EventSources = { sqs: [{ name: "jobs" }] };
    const { resources } = await build({ eventSources: polled });
    expect(resources.ofType(INVOKE_CONFIG)).to.deep.equal([]);
    const { resources: invoked } = await build({
      eventSources: { ...polled, asyncInvocation: { maximumRetryAttempts: 1 } },
    });
    invoked.hasResourceProperties(INVOKE_CONFIG, { qualifier: "live", maximumRetryAttempts: 1 });
  });

  it("enabled: false leaves the alias's invoke config and the sources' dead-letter queues to the user", async () => {
    const { resources } = await build({
      eventSources: { ...asyncSources, asyncInvocation: { enabled: false } },
    });
    expect(resources.ofType(INVOKE_CONFIG)).to.deep.equal([]);
    expect(resources.ofType(QUEUE)).to.deep.equal([]);
    expect(resources.ofType(QUEUE_POLICY)).to.deep.equal([]);
    expect(resources.ofType(ALARM).map((alarm) => alarm.name)).to.not.include.members([
      "orders-async-failures-messages",
    ]);
    resources.hasResourceProperties(SUBSCRIPTION, { redrivePolicy: Match.absent() });
    resources.hasResourceProperties(TARGET, { deadLetterConfig: Match.absent() });
  });
});

describe("Failed asynchronous invocations with your own execution role", () => {
  const role = `arn:aws:iam::${ACCOUNT}:role/orders`;
  const required =
    "[eventSources.asyncInvocation.onFailureDestinationArn] is undefined: is required with [role] (your own execution role) when the function has an SNS, schedule or EventBridge rule source or asyncInvocation: Lambda sends failed events with that role, which the component cannot grant the send to a queue it creates; give an existing standard SQS queue or SNS topic your role may send to, or asyncInvocation.enabled: false";

  it("refuses an SNS-, schedule- or rule-fed function with role and no onFailureDestinationArn, registering nothing (Lambda would refuse the invoke config: the role may not send to the created queue)", async () => {
    for (const eventSources of [
      { sns: asyncSources.sns },
      { schedules: asyncSources.schedules },
      { eventRules: asyncSources.eventRules },
      { sqs: [{ name: "jobs" }], asyncInvocation: { maximumRetryAttempts: 1 } },
    ]) {
      const failure = await expectRunFailure(build({ role, eventSources }));
      expect(failure.message).to.equal(`TrafficShiftedFunction "orders": ${required}`);
      expect(failure.resources.all).to.deep.equal([]);
    }
  });

  it("takes role with an existing destination (granted by the user), or with enabled: false, and adds no policy to that role", async () => {
    const destination = `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-failures`;
    const { resources } = await build({
      role,
      eventSources: { ...asyncSources, asyncInvocation: { onFailureDestinationArn: destination } },
    });
    resources.hasResourceProperties(INVOKE_CONFIG, {
      qualifier: "live",
      destinationConfig: { onFailure: { destination } },
    });
    expect(resources.ofType(ROLE_POLICY).map((policy) => policy.name)).to.not.include(
      "orders-event-sources-policy",
    );
    const { resources: off } = await build({
      role,
      eventSources: { ...asyncSources, asyncInvocation: { enabled: false } },
    });
    expect(off.ofType(INVOKE_CONFIG)).to.deep.equal([]);
  });

  it("a function with role and only polled sources needs no destination", async () => {
    const { resources } = await build({ role, eventSources: { sqs: [{ name: "jobs" }] } });
    expect(resources.ofType(INVOKE_CONFIG)).to.deep.equal([]);
  });
});

describe("Sources' dead-letter queues", () => {
  it("an SNS subscription redrives to a queue in the topic's region that only SNS, for that topic, may send to", async () => {
    const { resources } = await build({ eventSources: asyncSources });
    const queue = resources.get(QUEUE, "orders-order-events-dlq");
    // The subscription's dead-letter queue is in its account and region (SNS Developer Guide,
    // "Amazon SNS dead-letter queues"); the subscription is in the topic's region.
    expect(queue.inputs.region).to.equal("us-west-2");
    const subscription = resources.get(SUBSCRIPTION, "orders-order-events-subscription");
    expect(subscription.inputs.region).to.equal("us-west-2");
    expect(JSON.parse(subscription.inputs.redrivePolicy)).to.deep.equal({
      deadLetterTargetArn: queue.outputs.arn,
    });
    const policy = resources.get(QUEUE_POLICY, "orders-order-events-dlq-policy");
    expect(policy.inputs.region).to.equal("us-west-2");
    expect(policy.inputs.queueUrl).to.equal(queue.outputs.url);
    // SNS Developer Guide, "Configuring an Amazon SNS dead-letter queue for a subscription".
    expect(statementsOf(policy)).to.deep.equal([
      {
        Sid: "SourceSendsUndeliveredEvents",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queue.outputs.arn,
        Condition: { ArnEquals: { "aws:SourceArn": TOPIC } },
      },
    ]);
    expect(subscription.dependencies).to.include(policy.urn);
  });

  it("an EventBridge rule's target has a dead-letter queue that only EventBridge, for that rule, may send to", async () => {
    const { resources } = await build({ eventSources: asyncSources });
    const queue = resources.get(QUEUE, "orders-placed-dlq");
    expect(queue.inputs).to.include({ region: "us-east-1", messageRetentionSeconds: 1209600 });
    const rule = resources.get(RULE, "orders-placed-rule");
    const target = resources.get(TARGET, "orders-placed-target");
    expect(target.inputs.deadLetterConfig).to.deep.equal({ arn: queue.outputs.arn });
    const policy = resources.get(QUEUE_POLICY, "orders-placed-dlq-policy");
    // EventBridge User Guide, "Granting permissions to the dead-letter queue".
    expect(statementsOf(policy)).to.deep.equal([
      {
        Sid: "SourceSendsUndeliveredEvents",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queue.outputs.arn,
        Condition: { ArnEquals: { "aws:SourceArn": rule.outputs.arn } },
      },
    ]);
    expect(target.dependencies).to.include(policy.urn);
  });

  it("a schedule's dead-letter queue is a standard queue its execution role sends to", async () => {
    const { resources } = await build({ eventSources: asyncSources });
    const queue = resources.get(QUEUE, "orders-nightly-dlq");
    // EventBridge Scheduler takes no FIFO dead-letter queue.
    expect(queue.inputs.fifoQueue).to.equal(undefined);
    resources.hasResourceProperties(SCHEDULE, {
      target: { deadLetterConfig: { arn: queue.outputs.arn } },
    });
    // No queue policy: Scheduler sends with the schedule's role.
    expect(resources.ofType(QUEUE_POLICY).map((policy) => policy.name)).to.have.members([
      "orders-order-events-dlq-policy",
      "orders-placed-dlq-policy",
    ]);
  });

  it("sourceDeadLetterQueues: false keeps the invoke config but creates no source queues", async () => {
    const { resources } = await build({
      eventSources: { ...asyncSources, asyncInvocation: { sourceDeadLetterQueues: false } },
    });
    expect(resources.ofType(QUEUE).map((queue) => queue.name)).to.deep.equal([
      "orders-async-failures",
    ]);
    resources.hasResourceProperties(INVOKE_CONFIG, { qualifier: "live" });
    resources.hasResourceProperties(SCHEDULE, { target: { deadLetterConfig: Match.absent() } });
  });
});

describe("Alarms on queues of failed events", () => {
  it("every queue of failed events the component creates has a depth alarm in its region, notifying that region's topics, and none joins the deployment group", async () => {
    const { resources } = await build({
      notificationTopicArns: [NOTIFY_EAST, NOTIFY_WEST],
      eventSources: { ...asyncSources, sqs: [{ name: "jobs" }] },
    });
    const queueRegions: Record<string, string> = {
      "orders-jobs-dlq": "us-east-1",
      "orders-async-failures": "us-east-1",
      "orders-order-events-dlq": "us-west-2",
      "orders-nightly-dlq": "us-east-1",
      "orders-placed-dlq": "us-east-1",
    };
    const depthAlarms = resources
      .ofType(ALARM)
      .filter((alarm) => alarm.inputs.namespace === "AWS/SQS");
    expect(depthAlarms.map((alarm) => alarm.name)).to.have.members(
      Object.keys(queueRegions).map((queue) => `${queue}-messages`),
    );
    for (const [queueName, region] of Object.entries(queueRegions)) {
      const queue = resources.get(QUEUE, queueName);
      const alarm = resources.get(ALARM, `${queueName}-messages`);
      expect(alarm.inputs).to.deep.include({
        region,
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.outputs.name },
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        // SQS stops the metrics of a queue six hours after its last activity, messages or not:
        // missing data must keep an ALARM, not resolve it (SQS Developer Guide, CloudWatch).
        treatMissingData: "ignore",
      });
      const topic = region === "us-east-1" ? NOTIFY_EAST : NOTIFY_WEST;
      expect(alarm.inputs.alarmActions).to.deep.equal([topic]);
      expect(alarm.inputs.okActions).to.deep.equal([topic]);
    }
    // Old messages in a dead-letter queue say nothing about the version being deployed: the
    // deployment group rolls back on the function's own alarms only.
    const group = resources.ofType(GROUP)[0];
    for (const alarm of depthAlarms) {
      expect(group.inputs.alarmConfiguration.alarms).to.not.include(alarm.outputs.name);
    }
    expect(group.inputs.alarmConfiguration.alarms).to.have.length(2);
  });

  it("a queue given by ARN gets no alarm from the component", async () => {
    const { resources } = await build({
      eventSources: {
        sns: [{ name: "order-events", topicArn: TOPIC }],
        asyncInvocation: {
          onFailureDestinationArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:failures`,
          sourceDeadLetterQueues: false,
        },
      },
    });
    expect(resources.ofType(ALARM).filter((a) => a.inputs.namespace === "AWS/SQS")).to.deep.equal(
      [],
    );
  });
});

describe("Event filters on mappings", () => {
  it("an SQS mapping and a stream mapping carry their filter patterns", async () => {
    const imports = JSON.stringify({ body: { kind: ["import"] } });
    const inserts = JSON.stringify({ eventName: ["INSERT"] });
    const { resources } = await build({
      eventSources: {
        sqs: [{ name: "jobs", filterPatterns: [imports] }],
        dynamodbStreams: [{ name: "changes", streamArn: STREAM, filterPatterns: [inserts] }],
      },
    });
    expect(resources.get(MAPPING, "orders-jobs-mapping").inputs.filterCriteria).to.deep.equal({
      filters: [{ pattern: imports }],
    });
    expect(resources.get(MAPPING, "orders-changes-mapping").inputs.filterCriteria).to.deep.equal({
      filters: [{ pattern: inserts }],
    });
  });

  it("a mapping without patterns has no filter criteria", async () => {
    const { resources } = await build({ eventSources: { sqs: [{ name: "jobs" }] } });
    resources.hasResourceProperties(MAPPING, { filterCriteria: Match.absent() });
  });

  /** A MultiRegionService whose projector reads the global table's replica stream. */
  function projectorService(stream: Record<string, unknown>) {
    return runComponent(
      () =>
        new MultiRegionService("orders", {
          topology: "active-passive",
          primaryRegion: "us-east-1",
          standbyRegions: ["us-west-2"],
          functions: {
            orders: { code },
            projector: {
              code,
              eventSources: {
                dynamodbStreams: [{ name: "changes", serviceTable: true, ...stream }],
              },
            },
          },
          routes: { "POST /orders": "orders" },
          domain: { zoneId: "Z0123456789EXAMPLE", name: "api.example.com" },
          table: { hashKey: "orderId" },
        }),
    );
  }

  /** Each region's mapping's filter patterns, parsed. */
  function patternsByRegion(resources: { ofType(type: string): CapturedResource[] }) {
    const mappings = resources.ofType(MAPPING);
    expect(mappings).to.have.length(2);
    return Object.fromEntries(
      ["us-east-1", "us-west-2"].map((region) => {
        const mapping = mappings.find((m) => m.inputs.region === region)!;
        expect(mapping.inputs.eventSourceArn).to.include(`:dynamodb:${region}:`);
        return [
          region,
          mapping.inputs.filterCriteria.filters.map((f: any) => JSON.parse(f.pattern)),
        ];
      }),
    );
  }

  it("regionAttribute: each region's mapping of the global table's replica stream keeps that region's own writes", async () => {
    const { resources } = await projectorService({ regionAttribute: "region" });
    for (const [region, patterns] of Object.entries(patternsByRegion(resources))) {
      expect(patterns).to.deep.equal([{ dynamodb: { NewImage: { region: { S: [region] } } } }]);
    }
  });

  it("regionAttribute with filterPatterns: the region condition is ANDed into every pattern, so no region handles another region's writes", async () => {
    // Lambda ORs the filters of a mapping: a region filter beside the patterns would let every
    // region take every INSERT. Each pattern must carry the region condition itself.
    const { resources } = await projectorService({
      regionAttribute: "region",
      filterPatterns: [
        JSON.stringify({ eventName: ["INSERT"] }),
        JSON.stringify({
          eventName: ["MODIFY"],
          dynamodb: { NewImage: { status: { S: ["paid"] } } },
        }),
      ],
    });
    for (const [region, patterns] of Object.entries(patternsByRegion(resources))) {
      expect(patterns).to.deep.equal([
        { eventName: ["INSERT"], dynamodb: { NewImage: { region: { S: [region] } } } },
        {
          eventName: ["MODIFY"],
          dynamodb: { NewImage: { status: { S: ["paid"] }, region: { S: [region] } } },
        },
      ]);
    }
  });

  it("regionAttribute beside five patterns stays within Lambda's five filters: the condition takes no filter of its own", async () => {
    const five = Array.from({ length: 5 }, (_, i) =>
      JSON.stringify({ dynamodb: { Keys: { n: { N: [String(i)] } } } }),
    );
    const { resources } = await projectorService({
      regionAttribute: "region",
      filterPatterns: five,
    });
    for (const patterns of Object.values(patternsByRegion(resources))) {
      expect(patterns).to.have.length(5);
    }
  });
});

describe("Malformed failure handling and filters", () => {
  const six = Array.from({ length: 6 }, (_, i) => JSON.stringify({ body: { n: [i] } }));
  // {"body":{"kind":["xxx..."]}}: 4112 characters, over Lambda's 4096 (Filter.Pattern).
  const long = JSON.stringify({ body: { kind: ["x".repeat(4090)] } });
  // 4096 characters as given; regionAttribute's condition for us-east-1 adds 55.
  const nearlyLong = JSON.stringify({ eventName: ["x".repeat(4096 - 18)] });
  const cases: [string, EventSources, string][] = [
    [
      "three retries",
      { ...asyncSources, asyncInvocation: { maximumRetryAttempts: 3 } },
      "[eventSources.asyncInvocation.maximumRetryAttempts] is 3: must be a whole number from 0 to 2",
    ],
    [
      "an event age below a minute",
      { ...asyncSources, asyncInvocation: { maximumEventAgeSeconds: 59 } },
      "[eventSources.asyncInvocation.maximumEventAgeSeconds] is 59: must be a whole number from 60 to 21600 seconds",
    ],
    [
      "an event age above six hours",
      { ...asyncSources, asyncInvocation: { maximumEventAgeSeconds: 21601 } },
      "[eventSources.asyncInvocation.maximumEventAgeSeconds] is 21601: must be a whole number from 60 to 21600 seconds",
    ],
    [
      "a destination that is neither a queue nor a topic",
      {
        ...asyncSources,
        asyncInvocation: { onFailureDestinationArn: `arn:aws:s3:::orders-failures` },
      },
      '[eventSources.asyncInvocation.onFailureDestinationArn] is "arn:aws:s3:::orders-failures": must be an SQS queue or SNS topic ARN (arn:aws:sqs:<region>:<account>:<name> or arn:aws:sns:...)',
    ],
    [
      "a FIFO queue as the on-failure destination",
      {
        ...asyncSources,
        asyncInvocation: {
          onFailureDestinationArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:failures.fifo`,
        },
      },
      `[eventSources.asyncInvocation.onFailureDestinationArn] is "arn:aws:sqs:us-east-1:${ACCOUNT}:failures.fifo": must be a standard queue or topic: Lambda cannot send invocation records to a FIFO one`,
    ],
    [
      "an SNS FIFO topic as a source",
      { sns: [{ name: "order-events", topicArn: `${TOPIC}.fifo` }] },
      `[eventSources.sns[0].topicArn] is "${TOPIC}.fifo": must be a standard topic: SNS FIFO topics deliver to SQS queues only, not to Lambda (subscribe an SQS FIFO queue and give it as an sqs source)`,
    ],
    [
      "settings beside enabled: false",
      { ...asyncSources, asyncInvocation: { enabled: false, maximumRetryAttempts: 0 } },
      "[eventSources.asyncInvocation] has enabled: false beside maximumRetryAttempts, which would be ignored: remove them or enabled",
    ],
    [
      "a misspelt asyncInvocation key",
      { ...asyncSources, asyncInvocation: { maxRetryAttempts: 1 } as never },
      "[eventSources.asyncInvocation.maxRetryAttempts] is not an argument",
    ],
    [
      "a filter pattern that is not JSON",
      { sqs: [{ name: "jobs", filterPatterns: ["{body: 1}"] }] },
      '[eventSources.sqs[0].filterPatterns[0]] is "{body: 1}": must be a JSON object, an event filter pattern such as {"body":{"kind":["import"]}}',
    ],
    [
      "a filter pattern that is a JSON list",
      { sqs: [{ name: "jobs", filterPatterns: ['["import"]'] }] },
      '[eventSources.sqs[0].filterPatterns[0]] is "[\\"import\\"]": must be a JSON object',
    ],
    [
      "six filter patterns",
      { sqs: [{ name: "jobs", filterPatterns: six }] },
      '[eventSources.sqs[0].filterPatterns] is "6 patterns": allows at most 5 (Lambda quotas: 5 filters per event source mapping)',
    ],
    [
      "a filter pattern longer than 4096 characters",
      { sqs: [{ name: "jobs", filterPatterns: [long] }] },
      `[eventSources.sqs[0].filterPatterns[0]] is "4112 characters": must be at most 4096 characters (Lambda API reference, Filter.Pattern)`,
    ],
    [
      "a filter pattern that regionAttribute's condition takes past 4096 characters",
      {
        dynamodbStreams: [
          {
            name: "changes",
            streamArn: STREAM,
            regionAttribute: "region",
            filterPatterns: [nearlyLong],
          },
        ],
      },
      `[eventSources.dynamodbStreams[0].filterPatterns[0]] is "4151 characters with regionAttribute's condition": must be at most 4096 characters (Lambda API reference, Filter.Pattern)`,
    ],
    [
      "a filter pattern with a value outside a list",
      { sqs: [{ name: "jobs", filterPatterns: ['{"body":"x","attributes":{"n":1}}'] }] },
      '[eventSources.sqs[0].filterPatterns[0]] is "{\\"body\\":\\"x\\",\\"attributes\\":{\\"n\\":1}}": has body, attributes.n without a list: every value to match goes in a list, as in {"body":{"kind":["import"]}} (Lambda filter rule syntax)',
    ],
    [
      "a filter pattern that already filters on regionAttribute",
      {
        dynamodbStreams: [
          {
            name: "changes",
            streamArn: STREAM,
            regionAttribute: "region",
            filterPatterns: ['{"dynamodb":{"NewImage":{"region":{"S":["eu-west-1"]}}}}'],
          },
        ],
      },
      '[eventSources.dynamodbStreams[0].filterPatterns[0]] is "{\\"dynamodb\\":{\\"NewImage\\":{\\"region\\":{\\"S\\":[\\"eu-west-1\\"]}}}}": already filters on dynamodb.NewImage.region, where regionAttribute adds {"region":{"S":[<region>]}}: remove that condition from the pattern or regionAttribute',
    ],
    [
      "a filter pattern whose dynamodb key is a list, beside regionAttribute",
      {
        dynamodbStreams: [
          {
            name: "changes",
            streamArn: STREAM,
            regionAttribute: "region",
            filterPatterns: ['{"dynamodb":[{"exists":true}]}'],
          },
        ],
      },
      '[eventSources.dynamodbStreams[0].filterPatterns[0]] is "{\\"dynamodb\\":[{\\"exists\\":true}]}": already filters on dynamodb, where regionAttribute adds',
    ],
    [
      "an empty regionAttribute",
      { dynamodbStreams: [{ name: "changes", streamArn: STREAM, regionAttribute: "" }] },
      '[eventSources.dynamodbStreams[0].regionAttribute] is "": must be the name of a string attribute of the table\'s items (1-255 characters)',
    ],
  ];
  for (const [what, eventSources, message] of cases) {
    it(`refuses ${what}, registering nothing`, async () => {
      const failure = await expectRunFailure(build({ eventSources }));
      expect(failure.message).to.include(message);
      expect(failure.resources.all).to.deep.equal([]);
    });
  }

  it("reports every problem of asyncInvocation and filters at once", async () => {
    const failure = await expectRunFailure(
      build({
        eventSources: {
          sqs: [{ name: "jobs", filterPatterns: ["nope"] }],
          sns: [{ name: "order-events", topicArn: TOPIC }],
          asyncInvocation: { maximumRetryAttempts: -1, maximumEventAgeSeconds: 30 },
        },
      }),
    );
    expect(failure.message).to.equal(
      [
        'TrafficShiftedFunction "orders" has 3 invalid arguments:',
        '  - [eventSources.sqs[0].filterPatterns[0]] is "nope": must be a JSON object, an event filter pattern such as {"body":{"kind":["import"]}}',
        "  - [eventSources.asyncInvocation.maximumRetryAttempts] is -1: must be a whole number from 0 to 2",
        "  - [eventSources.asyncInvocation.maximumEventAgeSeconds] is 30: must be a whole number from 60 to 21600 seconds",
      ].join("\n"),
    );
    expect(failure.resources.all).to.deep.equal([]);
  });
});

describe("Failure handling under the policy pack", () => {
  const tags = { environment: "prod", service: "orders", stack: "prod" };

  it("a production function fed by SNS, a schedule and a rule passes prod-functions-have-failure-destination, required-tags, iam-least-privilege and event-sources-invoke-alias", async () => {
    const { runPolicies } = await import("../policy/offline");
    const {
      eventSourcesInvokeAlias,
      iamPolicies,
      prodFunctionsHaveFailureDestination,
      tagPolicies,
    } = await import("../policy/rules");
    const { resources } = await build({ tags, eventSources: asyncSources });
    const violations = await runPolicies(resources.all, {
      policies: [
        prodFunctionsHaveFailureDestination,
        eventSourcesInvokeAlias,
        ...iamPolicies,
        ...tagPolicies,
      ],
    });
    expect(violations.map((v) => `${v.policyName}: ${v.message}`)).to.deep.equal([]);
  });

  it("with asyncInvocation.enabled false, prod-functions-have-failure-destination reports the function", async () => {
    const { runPolicies } = await import("../policy/offline");
    const { prodFunctionsHaveFailureDestination } = await import("../policy/rules");
    const { resources } = await build({
      tags,
      eventSources: { ...asyncSources, asyncInvocation: { enabled: false } },
    });
    const violations = await runPolicies(resources.all, {
      policies: [prodFunctionsHaveFailureDestination],
    });
    expect(violations.map((v) => v.policyName)).to.deep.equal([
      "prod-functions-have-failure-destination",
    ]);
  });
});
