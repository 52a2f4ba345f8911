// Event sources on the alias (issue 17): SQS, SNS, EventBridge Scheduler, EventBridge rules and
// DynamoDB streams, each invoking the alias ARN in both traffic-shifting modes, with
// least-privilege grants; malformed sources refused with every problem at once.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  EventSources,
  MultiRegionService,
  scheduleExpressionProblem,
  TrafficShiftedFunction,
  TrafficShiftedFunctionArgs,
} from "../components";
import { replicaStreamArn } from "../components/multiRegionService";
import { CapturedResource, expectRunFailure, Match, runComponent } from "../testing";

const FUNCTION = "aws:lambda/function:Function";
const ALIAS = "aws:lambda/alias:Alias";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const PERMISSION = "aws:lambda/permission:Permission";
const QUEUE = "aws:sqs/queue:Queue";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const SCHEDULE = "aws:scheduler/schedule:Schedule";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

const ACCOUNT = "123456789012";
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:order-events`;
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:payments`;
const STREAM = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders/stream/2026-01-01T00:00:00.000`;
const FAILURES = `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-stream-failures`;

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});"),
});

/** One source of every kind. */
const everySource: EventSources = {
  sqs: [{ name: "jobs", batchSize: 20, maximumBatchingWindowSeconds: 5, maximumConcurrency: 5 }],
  sns: [{ name: "order-events", topicArn: TOPIC }],
  schedules: [{ name: "nightly", expression: "cron(0 3 * * ? *)" }],
  eventRules: [{ name: "placed", eventPattern: JSON.stringify({ source: ["orders"] }) }],
  dynamodbStreams: [{ name: "changes", streamArn: STREAM, onFailureDestinationArn: FAILURES }],
};

function build(args: Partial<TrafficShiftedFunctionArgs> = {}, name = "orders") {
  return runComponent(
    () => new TrafficShiftedFunction(name, { code, region: "us-east-1", timeout: 10, ...args }),
  );
}

function policyOf(resource: CapturedResource): any {
  return JSON.parse(resource.inputs.policy);
}

describe("TrafficShiftedFunction event sources", () => {
  for (const mode of ["codedeploy", "weighted"] as const) {
    it(`in ${mode} mode, every mapping, subscription, target, schedule and permission names the alias`, async () => {
      const { resources } = await build({
        trafficShifting: { mode },
        eventSources: everySource,
      });
      const aliasArn = resources.get(ALIAS, "orders-alias").outputs.arn;
      expect(aliasArn).to.match(/:function:orders-function-[a-z0-9]+:live$/);
      const functionName = resources.get(FUNCTION, "orders-function").outputs.name;

      const mappings = resources.ofType(MAPPING);
      expect(mappings.map((m) => m.name)).to.have.members([
        "orders-jobs-mapping",
        "orders-changes-mapping",
      ]);
      for (const mapping of mappings) expect(mapping.inputs.functionName).to.equal(aliasArn);
      resources.hasResourceProperties(SUBSCRIPTION, { endpoint: aliasArn, protocol: "lambda" });
      resources.hasResourceProperties(SCHEDULE, { target: { arn: aliasArn } });
      resources.hasResourceProperties(TARGET, { arn: aliasArn });
      const permissions = resources.ofType(PERMISSION);
      expect(permissions).to.have.length(2);
      for (const permission of permissions) {
        expect(permission.inputs).to.include({ function: functionName, qualifier: "live" });
      }
    });
  }

  describe("SQS", () => {
    it("creates the queue with a dead-letter queue, a redrive policy and 6x the function timeout as visibility timeout", async () => {
      const { resources } = await build({ timeout: 30, eventSources: { sqs: [{ name: "jobs" }] } });
      const dlq = resources.get(QUEUE, "orders-jobs-dlq");
      expect(dlq.inputs).to.include({ messageRetentionSeconds: 1209600, region: "us-east-1" });
      const queue = resources.get(QUEUE, "orders-jobs-queue");
      expect(queue.inputs.visibilityTimeoutSeconds).to.equal(180);
      expect(JSON.parse(queue.inputs.redrivePolicy)).to.deep.equal({
        deadLetterTargetArn: dlq.outputs.arn,
        maxReceiveCount: 5,
      });
      resources.hasResourceProperties(MAPPING, {
        eventSourceArn: queue.outputs.arn,
        batchSize: 10,
        maximumBatchingWindowInSeconds: 0,
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: Match.absent(),
        // SQS mappings take no on-failure destination: the queue's redrive policy handles failures.
        destinationConfig: Match.absent(),
      });
    });

    it("adds the batching window to the created queue's visibility timeout (6x timeout + window)", async () => {
      const { resources } = await build({
        timeout: 30,
        eventSources: { sqs: [{ name: "jobs", maximumBatchingWindowSeconds: 20 }] },
      });
      expect(resources.get(QUEUE, "orders-jobs-queue").inputs.visibilityTimeoutSeconds).to.equal(
        200,
      );
    });

    it("grants the execution role exactly receive, delete and get-attributes on the queue, before the mapping is created", async () => {
      const { resources } = await build({
        eventSources: { sqs: [{ name: "payments", queueArn: QUEUE_ARN, maximumConcurrency: 2 }] },
      });
      resources.resourceCountIs(QUEUE, 0);
      const policy = resources.get(ROLE_POLICY, "orders-event-sources-policy");
      expect(policyOf(policy).Statement).to.deep.equal([
        {
          Sid: "ReadEventSourceQueues",
          Effect: "Allow",
          Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
          Resource: [QUEUE_ARN],
        },
      ]);
      const mapping = resources.hasResourceProperties(MAPPING, {
        eventSourceArn: QUEUE_ARN,
        scalingConfig: { maximumConcurrency: 2 },
      });
      expect(mapping.dependencies).to.include(policy.urn);
    });

    it("an SQS-fed function's default alarms watch the alias the mapping invokes", async () => {
      const { resources } = await build({ eventSources: { sqs: [{ name: "jobs" }] } });
      const mapping = resources.ofType(MAPPING)[0];
      const functionName = resources.get(FUNCTION, "orders-function").outputs.name;
      const errors = resources.ofType(ALARM).find((alarm) => alarm.inputs.metricName === "Errors");
      expect(errors?.inputs.dimensions).to.deep.equal({
        FunctionName: functionName,
        Resource: `${functionName}:live`,
      });
      expect(mapping.inputs.functionName).to.equal(
        `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${functionName}:live`,
      );
    });

    it("names a created FIFO queue and its dead-letter queue with .fifo and sets no batching window", async () => {
      const { resources } = await build({
        eventSources: { sqs: [{ name: "ledger", fifo: true, batchSize: 10 }] },
      });
      for (const queue of resources.ofType(QUEUE)) {
        expect(queue.inputs.fifoQueue).to.equal(true);
        expect(queue.inputs.name).to.match(/^orders-ledger-(queue|dlq)-[0-9a-f]{7}\.fifo$/);
      }
      resources.hasResourceProperties(MAPPING, { maximumBatchingWindowInSeconds: Match.absent() });
    });
  });

  it("SNS: the topic may invoke the alias only, and the subscription is made in the topic's region", async () => {
    const westTopic = `arn:aws:sns:us-west-2:${ACCOUNT}:order-events`;
    const { resources } = await build({
      eventSources: { sns: [{ name: "events", topicArn: westTopic, filterPolicy: '{"a":["b"]}' }] },
    });
    resources.hasResourceProperties(PERMISSION, {
      principal: "sns.amazonaws.com",
      qualifier: "live",
      sourceArn: westTopic,
      action: "lambda:InvokeFunction",
    });
    resources.hasResourceProperties(SUBSCRIPTION, {
      region: "us-west-2",
      topic: westTopic,
      filterPolicy: '{"a":["b"]}',
    });
  });

  it("schedules: EventBridge Scheduler invokes the alias with a role allowed to invoke that alias only", async () => {
    const { resources } = await build({
      eventSources: {
        schedules: [{ name: "hourly", expression: "rate(1 hour)", timezone: "Europe/Paris" }],
      },
    });
    const aliasArn = resources.get(ALIAS, "orders-alias").outputs.arn;
    const role = resources.get("aws:iam/role:Role", "orders-scheduler-role");
    // Only this account's default schedule group in this region may have Scheduler assume it
    // (EventBridge Scheduler User Guide, "Cross-service confused deputy prevention").
    expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).to.deep.equal([
      {
        Effect: "Allow",
        Principal: { Service: "scheduler.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: {
            "aws:SourceAccount": ACCOUNT,
            "aws:SourceArn": `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule-group/default`,
          },
        },
      },
    ]);
    // Besides invoking the alias, the role sends what Scheduler could not deliver to the
    // schedule's dead-letter queue (EventBridge Scheduler User Guide, "Configuring a schedule's
    // dead-letter queue": the execution role sends it).
    const deadLetterQueue = resources.get(QUEUE, "orders-hourly-dlq");
    expect(
      policyOf(resources.get(ROLE_POLICY, "orders-scheduler-role-policy")).Statement,
    ).to.deep.equal([
      {
        Sid: "InvokeAliasOnly",
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: aliasArn,
      },
      {
        Sid: "SendUndeliveredToDeadLetterQueues",
        Effect: "Allow",
        Action: "sqs:SendMessage",
        Resource: [deadLetterQueue.outputs.arn],
      },
    ]);
    resources.hasResourceProperties(SCHEDULE, {
      scheduleExpression: "rate(1 hour)",
      scheduleExpressionTimezone: "Europe/Paris",
      flexibleTimeWindow: { mode: "OFF" },
      state: "ENABLED",
      target: {
        arn: aliasArn,
        roleArn: role.outputs.arn,
        input: "{}",
        deadLetterConfig: { arn: deadLetterQueue.outputs.arn },
      },
    });
  });

  it("auto-names queues, rules and schedules while the name fits, and names them within the AWS limit past it", async () => {
    // Limits: SQS CreateQueue `QueueName` 80, EventBridge PutRule `Name` 64, Scheduler
    // CreateSchedule `Name` 64; Pulumi's auto-name adds 8 characters to the logical name.
    const sources: EventSources = {
      sqs: [{ name: "jobs" }],
      schedules: [{ name: "nightly", expression: "rate(1 hour)" }],
      eventRules: [{ name: "placed", eventPattern: JSON.stringify({ source: ["orders"] }) }],
    };
    const cases = [
      { type: QUEUE, suffix: "-jobs-queue", limit: 80 },
      { type: RULE, suffix: "-placed-rule", limit: 64 },
      { type: SCHEDULE, suffix: "-nightly-schedule", limit: 64 },
    ];
    for (const { type, suffix, limit } of cases) {
      const fits = "o".repeat(limit - 8 - suffix.length);
      const { resources: auto } = await build({ eventSources: sources }, fits);
      expect(auto.get(type, `${fits}${suffix}`).inputs.name, type).to.equal(undefined);
      const long = `${fits}x`;
      const { resources: named } = await build({ eventSources: sources }, long);
      const physical: string = named.get(type, `${long}${suffix}`).inputs.name;
      expect(physical, type).to.have.length(limit);
      expect(physical.startsWith(long.slice(0, 20)), type).to.equal(true);
    }
  });

  it("EventBridge rules: the rule targets the alias and only that rule may invoke it", async () => {
    const { resources } = await build({
      eventSources: { eventRules: [{ name: "cleanup", scheduleExpression: "rate(5 minutes)" }] },
    });
    const rule = resources.get(RULE, "orders-cleanup-rule");
    expect(rule.outputs.arn).to.match(/^arn:aws:events:us-east-1:\d{12}:rule\//);
    resources.hasResourceProperties(PERMISSION, {
      principal: "events.amazonaws.com",
      qualifier: "live",
      sourceArn: rule.outputs.arn,
    });
    resources.hasResourceProperties(TARGET, { rule: rule.outputs.name });
  });

  it("DynamoDB streams: the mapping's retry settings and on-failure destination, and read grants on that stream only", async () => {
    const { resources } = await build({
      eventSources: { dynamodbStreams: everySource.dynamodbStreams },
    });
    resources.hasResourceProperties(MAPPING, {
      eventSourceArn: STREAM,
      startingPosition: "LATEST",
      batchSize: 100,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 3,
      maximumRecordAgeInSeconds: 86400,
      functionResponseTypes: ["ReportBatchItemFailures"],
      destinationConfig: { onFailure: { destinationArn: FAILURES } },
    });
    const statements = policyOf(
      resources.get(ROLE_POLICY, "orders-event-sources-policy"),
    ).Statement;
    expect(statements).to.deep.equal([
      {
        Sid: "ReadEventSourceStreams",
        Effect: "Allow",
        Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        Resource: [STREAM],
      },
      { Sid: "ListStreams", Effect: "Allow", Action: "dynamodb:ListStreams", Resource: "*" },
      {
        Sid: "SendToOnFailureDestination0",
        Effect: "Allow",
        Action: "sqs:SendMessage",
        Resource: FAILURES,
      },
    ]);
  });

  it("with an existing role, creates no policy of its own (that role must allow the reads)", async () => {
    const { resources } = await build({
      role: `arn:aws:iam::${ACCOUNT}:role/orders`,
      eventSources: { sqs: [{ name: "payments", queueArn: QUEUE_ARN }] },
    });
    resources.hasNoResource(ROLE_POLICY, {
      role: Match.anyValue(),
      policy: Match.stringLikeRegexp(/sqs:/),
    });
    resources.resourceCountIs("aws:iam/role:Role", 1); // CodeDeploy's service role only
    resources.hasResourceProperties(MAPPING, { eventSourceArn: QUEUE_ARN });
  });

  describe("refuses malformed sources before registering anything", () => {
    const cases: [string, EventSources, string][] = [
      [
        "a batch above 10 without a batching window",
        { sqs: [{ name: "jobs", batchSize: 50 }] },
        "[eventSources.sqs[0].batchSize] is 50: above 10 needs maximumBatchingWindowSeconds of at least 1 (Lambda refuses the mapping otherwise)",
      ],
      [
        "a FIFO batch above 10",
        { sqs: [{ name: "jobs", queueArn: `${QUEUE_ARN}.fifo`, batchSize: 11 }] },
        "[eventSources.sqs[0].batchSize] is 11: must be a whole number from 1 to 10",
      ],
      [
        "a maximum concurrency of 1",
        { sqs: [{ name: "jobs", maximumConcurrency: 1 }] },
        "[eventSources.sqs[0].maximumConcurrency] is 1: must be a whole number from 2 to 1000",
      ],
      [
        "a visibility timeout below the function timeout",
        { sqs: [{ name: "jobs", visibilityTimeoutSeconds: 5 }] },
        "[eventSources.sqs[0].visibilityTimeoutSeconds] is 5: must be at least the function timeout (10 s; Lambda refuses the mapping otherwise), and AWS recommends six times it (60 s)",
      ],
      [
        "queue settings next to an existing queue",
        { sqs: [{ name: "jobs", queueArn: QUEUE_ARN, maxReceiveCount: 3 }] },
        "[eventSources.sqs[0].maxReceiveCount] is 3: applies to a queue this component creates only (no queueArn); set it on your queue",
      ],
      [
        "a rate with a plural unit for 1",
        { schedules: [{ name: "tick", expression: "rate(1 minutes)" }] },
        '[eventSources.schedules[0].expression] is "rate(1 minutes)": must be "rate(<n> minute|minutes|hour|hours|day|days)", "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)" with ? in day-of-month or day-of-week, or "at(yyyy-mm-ddThh:mm:ss)"; the unit is singular for 1 and plural otherwise ("rate(1 hour)", "rate(5 minutes)")',
      ],
      [
        "an at() expression on a rule",
        { eventRules: [{ name: "once", scheduleExpression: "at(2030-01-01T00:00:00)" }] },
        '[eventSources.eventRules[0].scheduleExpression] is "at(2030-01-01T00:00:00)": must be "rate(<n> minute|minutes|hour|hours|day|days)", "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)" with ? in day-of-month or day-of-week (rules take no at(...))',
      ],
      [
        "a rule with neither a pattern nor a schedule",
        { eventRules: [{ name: "empty" }] },
        "[eventSources.eventRules[0]] must have exactly one of [eventPattern] and [scheduleExpression] (neither is given)",
      ],
      [
        "the service table's stream outside a service",
        { dynamodbStreams: [{ name: "changes", serviceTable: true }] },
        "[eventSources.dynamodbStreams[0].serviceTable] is true: needs the service's table: a function of a RegionalService or MultiRegionService with `table` (whose stream is on); give streamArn otherwise",
      ],
      [
        "a table ARN where a stream ARN belongs",
        {
          dynamodbStreams: [
            { name: "changes", streamArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders` },
          ],
        },
        `[eventSources.dynamodbStreams[0].streamArn] is "arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders": must be a DynamoDB stream ARN (arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>)`,
      ],
      [
        "a misspelt key",
        { sqs: [{ name: "jobs", batchSzie: 5 } as never] },
        "[eventSources.sqs[0].batchSzie] is not an argument (did you mean [eventSources.sqs[0].batchSize]?)",
      ],
    ];
    for (const [what, eventSources, message] of cases) {
      it(`rejects ${what}`, async () => {
        const failure = await expectRunFailure(build({ eventSources }));
        expect(failure.message).to.include(message);
        expect(failure.resources.all).to.deep.equal([]);
      });
    }

    it("reports every problem at once", async () => {
      const failure = await expectRunFailure(
        build({
          eventSources: {
            sqs: [{ name: "jobs", batchSize: 0 }],
            sns: [{ name: "jobs", topicArn: QUEUE_ARN }],
            dynamodbStreams: [{ name: "changes", streamArn: STREAM, maximumRecordAgeSeconds: 30 }],
          },
        }),
      );
      expect(failure.message).to.equal(
        [
          'TrafficShiftedFunction "orders" has 4 invalid arguments:',
          "  - [eventSources.sqs[0].batchSize] is 0: must be a whole number from 1 to 10000",
          '  - [eventSources.sns[0].name] is "jobs": is already the name of eventSources.sqs[0]; each source needs its own name',
          `  - [eventSources.sns[0].topicArn] is "${QUEUE_ARN}": must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)`,
          "  - [eventSources.dynamodbStreams[0].maximumRecordAgeSeconds] is 30: must be -1 (no limit) or a whole number from 60 to 604800 seconds",
        ].join("\n"),
      );
      expect(failure.resources.all).to.deep.equal([]);
    });

    it("refuses sources in another region, non-JSON filter policies and inputs, unknown time zones and scheduled rules off the default bus, all at once", async () => {
      const westQueue = `arn:aws:sqs:us-west-2:${ACCOUNT}:payments`;
      const westStream = STREAM.replace("us-east-1", "us-west-2");
      const failure = await expectRunFailure(
        build({
          eventSources: {
            sqs: [{ name: "jobs", queueArn: westQueue }],
            sns: [{ name: "events", topicArn: TOPIC, filterPolicy: "{store: 1}" }],
            schedules: [
              {
                name: "nightly",
                expression: "cron(0 3 * * ? *)",
                timezone: "Mars/Olympus",
                input: "heartbeat",
              },
            ],
            eventRules: [
              { name: "hourly", scheduleExpression: "rate(1 hour)", eventBusName: "orders" },
            ],
            dynamodbStreams: [{ name: "changes", streamArn: westStream }],
          },
        }),
      );
      expect(failure.message).to.equal(
        [
          'TrafficShiftedFunction "orders" has 6 invalid arguments:',
          `  - [eventSources.sqs[0].queueArn] is "${westQueue}": is a queue in us-west-2: it must be in the function's region (us-east-1), where Lambda polls it`,
          '  - [eventSources.sns[0].filterPolicy] is "{store: 1}": must be JSON (an SNS filter policy)',
          '  - [eventSources.schedules[0].timezone] is "Mars/Olympus": must be an IANA time zone name such as Europe/Paris or UTC',
          '  - [eventSources.schedules[0].input] is "heartbeat": must be JSON (the event the function receives)',
          '  - [eventSources.eventRules[0].eventBusName] is "orders": must be default (or unset) for a rule with scheduleExpression: EventBridge runs schedules on the default bus only',
          `  - [eventSources.dynamodbStreams[0].streamArn] is "${westStream}": is a stream in us-west-2: it must be in the function's region (us-east-1), where Lambda polls it`,
        ].join("\n"),
      );
      expect(failure.resources.all).to.deep.equal([]);
    });

    it("accepts IANA time zones as written, aliases included", async () => {
      for (const timezone of [
        "UTC",
        "Europe/Paris",
        "America/Argentina/Buenos_Aires",
        "Etc/GMT+5",
      ]) {
        const { resources } = await build({
          eventSources: { schedules: [{ name: "nightly", expression: "rate(1 day)", timezone }] },
        });
        resources.hasResourceProperties(SCHEDULE, { scheduleExpressionTimezone: timezone });
      }
    });
  });

  it("cron fields stay in their ranges and at() is a real date and time", () => {
    for (const ok of [
      "cron(59 23 31 12 ? 2199)",
      "cron(0 0 ? JAN-DEC SUN-SAT *)",
      "cron(0 0 L * ? *)",
      "cron(0 0 15W * ? *)",
      "cron(0 0 ? * 6#3 *)",
      "cron(0 0 ? * 6L *)",
      "cron(0,30 */2 1-15 */3 ? 1970)",
    ]) {
      expect(scheduleExpressionProblem(ok, true), ok).to.equal(undefined);
    }
    expect(scheduleExpressionProblem("cron(60 12 * * ? *)", false)).to.match(
      /; cron minutes is "60": values must be 0-59$/,
    );
    expect(scheduleExpressionProblem("cron(0 24 * * ? *)", false)).to.match(
      /; cron hours is "24": values must be 0-23$/,
    );
    expect(scheduleExpressionProblem("cron(0 12 32 * ? *)", false)).to.match(
      /; cron day-of-month is "32": values must be 1-31$/,
    );
    expect(scheduleExpressionProblem("cron(0 12 ? 13 MON *)", false)).to.match(
      /; cron month is "13": values must be 1-12 or JAN-DEC$/,
    );
    expect(scheduleExpressionProblem("cron(0 12 ? * 8 *)", false)).to.match(
      /; cron day-of-week is "8": values must be 1-7 or SUN-SAT$/,
    );
    expect(scheduleExpressionProblem("cron(0 12 * * ? 1969)", false)).to.match(
      /; cron year is "1969": values must be 1970-2199$/,
    );
    expect(scheduleExpressionProblem("at(2030-02-30T00:00:00)", true)).to.match(
      /; at\(2030-02-30T00:00:00\) is not a real date and time$/,
    );
    expect(scheduleExpressionProblem("at(2030-01-01T24:00:00)", true)).to.be.a("string");
    expect(scheduleExpressionProblem("at(2028-02-29T12:00:00)", true)).to.equal(undefined);
  });

  it("schedule expressions: rate, six-field cron with ?, and at() for Scheduler only", () => {
    for (const ok of [
      "rate(1 minute)",
      "rate(15 minutes)",
      "rate(2 days)",
      "cron(0 12 * * ? *)",
      "cron(0/5 8-17 ? * MON-FRI *)",
    ]) {
      expect(scheduleExpressionProblem(ok, false), ok).to.equal(undefined);
    }
    expect(scheduleExpressionProblem("at(2030-01-01T00:00:00)", true)).to.equal(undefined);
    for (const bad of [
      "rate(0 minutes)",
      "rate(5 minute)",
      "cron(0 12 * * *)",
      "cron(0 12 1 * MON *)",
      "every 5 minutes",
    ]) {
      expect(scheduleExpressionProblem(bad, true), bad).to.be.a("string");
    }
  });
});

describe("MultiRegionService event sources", () => {
  it("a function reading the service table's stream reads its own region's replica stream, through its region's alias", async () => {
    const { resources } = await runComponent(
      () =>
        new MultiRegionService("orders", {
          topology: "active-passive",
          primaryRegion: "us-east-1",
          standbyRegions: ["us-west-2"],
          functions: {
            orders: { code },
            projector: {
              code,
              eventSources: { dynamodbStreams: [{ name: "changes", serviceTable: true }] },
            },
          },
          routes: { "POST /orders": "orders" },
          domain: { zoneId: "Z0123456789EXAMPLE", name: "api.example.com" },
          table: { hashKey: "orderId" },
        }),
    );
    const mappings = resources.ofType(MAPPING);
    expect(mappings).to.have.length(2);
    for (const region of ["us-east-1", "us-west-2"]) {
      const mapping = mappings.find((m) => m.inputs.region === region)!;
      expect(mapping.inputs.eventSourceArn).to.match(
        new RegExp(`^arn:aws:dynamodb:${region}:${ACCOUNT}:table/[^/]+/stream/`),
      );
      const alias = resources.get(ALIAS, `orders-${region}-projector-alias`);
      expect(mapping.inputs.functionName).to.equal(alias.outputs.arn);
      expect(alias.outputs.arn).to.include(`:lambda:${region}:`);
      const grant = resources
        .ofType(ROLE_POLICY)
        .find((p) => p.name === `orders-${region}-projector-event-sources-policy`)!;
      expect(policyOf(grant).Statement[0].Resource).to.deep.equal([mapping.inputs.eventSourceArn]);
    }
  });

  it("a region without a replica stream is a clear error, not an empty stream ARN", async () => {
    // `replicas` as the provider reports it: one entry per replica region with its streamArn
    // (aws.dynamodb.Table `replicas[].streamArn`); here only us-west-2 is replicated.
    const table = {
      streamArn: pulumi.output(STREAM),
      replicas: pulumi.output([
        {
          regionName: "us-west-2",
          streamArn: `arn:aws:dynamodb:us-west-2:${ACCOUNT}:table/orders/stream/2026-01-01T00:00:00.000`,
        },
      ]),
    } as unknown as aws.dynamodb.Table;
    // promiseOf resolves only: the Output's own promise carries the apply's error.
    const settled = (output: pulumi.Output<string>) =>
      (output as unknown as { promise(): Promise<string> }).promise();
    expect(await settled(replicaStreamArn(table, "us-west-2", "us-east-1"))).to.match(
      /^arn:aws:dynamodb:us-west-2:/,
    );
    let thrown: unknown;
    try {
      await settled(replicaStreamArn(table, "eu-west-1", "us-east-1"));
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error)?.message).to.equal(
      "The global table has no replica stream in eu-west-1 (home region us-east-1; replicas: " +
        "us-west-2): a serviceTable stream source there needs the table replicated to eu-west-1 " +
        "with its stream on",
    );
  });

  it("a RegionalService table without a stream ARN cannot feed serviceTable sources", async () => {
    const { RegionalService } = await import("../components");
    const failure = await expectRunFailure(
      runComponent(
        () =>
          new RegionalService("orders", {
            region: "us-east-1",
            functions: {
              orders: {
                code,
                eventSources: { dynamodbStreams: [{ name: "changes", serviceTable: true }] },
              },
            },
            table: { name: "orders", arn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders` },
          }),
      ),
    );
    expect(failure.message).to.include(
      "[functions.orders.eventSources.dynamodbStreams[0].serviceTable] is true: needs [table.streamArn], the stream of the table in this region (an aws.dynamodb.Table with streamEnabled gives it)",
    );
    expect(failure.resources.all).to.deep.equal([]);
  });
});

describe("event sources under the policy pack", () => {
  it("a function with every kind of source passes event-sources-invoke-alias and iam-least-privilege in both modes", async () => {
    const { runPolicies } = await import("../policy/offline");
    const { eventSourcesInvokeAlias, iamPolicies } = await import("../policy/rules");
    for (const mode of ["codedeploy", "weighted"] as const) {
      const { resources } = await build({ trafficShifting: { mode }, eventSources: everySource });
      const violations = await runPolicies(resources.all, {
        policies: [eventSourcesInvokeAlias, ...iamPolicies],
      });
      expect(
        violations.map((v) => `${v.policyName}: ${v.message}`),
        mode,
      ).to.deep.equal([]);
    }
  });
});
