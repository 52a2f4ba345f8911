// Issue 17: the offline preview shows, per function and region, what invokes it besides HTTP,
// the alias each source invokes and how it delivers, in the terminal text, the JSON report and
// the Markdown summary. The staging stack's worker has a created SQS queue (with a dead-letter
// queue) and a schedule (stacks/Pulumi.staging.yaml, `worker`).
import { expect } from "chai";
import { eventSourcePlan } from "../../preview/eventSources";
import { renderMarkdown } from "../../preview/markdown";
import { renderPreview } from "../../preview/render";
import { jsonReport } from "../../preview/reports";
import type { CapturedResource } from "../../testing";
import { preview } from "./stackPreviews";

describe("offline preview: event sources", () => {
  it("staging: the worker's queue and schedule per region, each on the live alias, with batch, concurrency and dead-letter queue", async () => {
    const result = await preview("staging");
    expect(result.eventSources.functions.map((fn) => [fn.region, fn.function])).to.deep.equal([
      ["us-east-1", "orders-us-east-1-worker"],
      ["us-west-2", "orders-us-west-2-worker"],
    ]);
    for (const region of ["us-east-1", "us-west-2"]) {
      const worker = result.eventSources.functions.find((fn) => fn.region === region)!;
      const prefix = `orders-${region}-worker`;
      expect(worker.sources).to.deep.equal([
        {
          kind: "sqs",
          resource: `${prefix}-imports-mapping`,
          // The created queue's ARN is unknown until `pulumi up`: named by its resource.
          source: `created queue ${prefix}-imports-queue`,
          invokes: "live",
          batchSize: 10,
          batchingWindowSeconds: 0,
          maximumConcurrency: 5,
          reportBatchItemFailures: true,
          // 6 x the worker's 30 s timeout (Lambda Developer Guide, SQS batch window).
          visibilityTimeoutSeconds: 180,
          // The redrive policy names the DLQ's ARN, so its maxReceiveCount is unknown at preview.
          deadLetterQueue: { resource: `${prefix}-imports-dlq` },
        },
        {
          kind: "schedule",
          resource: `${prefix}-heartbeat-schedule`,
          source: `created schedule ${prefix}-heartbeat-schedule`,
          invokes: "live",
          expression: "rate(15 minutes)",
          timezone: "UTC",
          state: "ENABLED",
        },
      ]);
    }
  });

  it("staging: the terminal text lists each region's worker sources under Event sources", async () => {
    const text = renderPreview(await preview("staging"));
    const section = text.slice(text.indexOf("Event sources"), text.indexOf("After the deploy"));
    expect(section.split("\n").filter(Boolean)).to.deep.equal([
      "Event sources (each invokes the alias, so it shifts and rolls back with it)",
      "  us-east-1: orders-us-east-1-worker",
      "    sqs created queue orders-us-east-1-worker-imports-queue → alias live: batch 10, window 0 s, max concurrency 5, partial batch responses, visibility 180 s, DLQ orders-us-east-1-worker-imports-dlq",
      "    schedule created schedule orders-us-east-1-worker-heartbeat-schedule → alias live: rate(15 minutes) UTC",
      "  us-west-2: orders-us-west-2-worker",
      "    sqs created queue orders-us-west-2-worker-imports-queue → alias live: batch 10, window 0 s, max concurrency 5, partial batch responses, visibility 180 s, DLQ orders-us-west-2-worker-imports-dlq",
      "    schedule created schedule orders-us-west-2-worker-heartbeat-schedule → alias live: rate(15 minutes) UTC",
    ]);
  });

  it("staging: the JSON report carries the plan and the Markdown summary a table row per source", async () => {
    const result = await preview("staging");
    expect(JSON.parse(jsonReport(result)).eventSources).to.deep.equal(result.eventSources);
    const markdown = renderMarkdown(result);
    expect(markdown).to.include(
      [
        "### Event sources",
        "",
        "Each invokes the alias, so it shifts and rolls back with it.",
        "",
        "| Region | Function | Kind | Source | Alias | Settings |",
        "| --- | --- | --- | --- | --- | --- |",
        "| us-east-1 | `orders-us-east-1-worker` | sqs | created queue orders-us-east-1-worker-imports-queue | `live` | batch 10, window 0 s, max concurrency 5, partial batch responses, visibility 180 s, DLQ orders-us-east-1-worker-imports-dlq |",
        "| us-east-1 | `orders-us-east-1-worker` | schedule | created schedule orders-us-east-1-worker-heartbeat-schedule | `live` | rate(15 minutes) UTC |",
      ].join("\n"),
    );
  });

  it("dev, without a worker, shows no event sources section", async () => {
    const result = await preview("dev");
    expect(result.eventSources.functions).to.deep.equal([]);
    expect(renderPreview(result)).to.not.include("Event sources");
    expect(renderMarkdown(result)).to.not.include("### Event sources");
  });

  it("names what a source invokes from its ARN or qualifier when it depends on no alias: a bare function is `unqualified`", () => {
    // Captured resources as the test harness records them (testing/capture.ts), for sources
    // given existing ARNs: a stream mapping on a version-less function ARN and an SNS
    // subscription whose endpoint is an alias ARN.
    const component = resource("multiregion-serverless:index:TrafficShiftedFunction", "audit", {});
    const fn = resource("aws:lambda/function:Function", "audit-function", {}, component.urn);
    const stream = resource(
      "aws:lambda/eventSourceMapping:EventSourceMapping",
      "audit-changes-mapping",
      {
        eventSourceArn:
          "arn:aws:dynamodb:us-east-1:111111111111:table/orders/stream/2026-01-01T00:00:00.000",
        functionName: "arn:aws:lambda:us-east-1:111111111111:function:audit",
        startingPosition: "TRIM_HORIZON",
        batchSize: 100,
        maximumRetryAttempts: 3,
        destinationConfig: {
          onFailure: { destinationArn: "arn:aws:sqs:us-east-1:111111111111:audit-failures" },
        },
      },
      component.urn,
    );
    const subscription = resource(
      "aws:sns/topicSubscription:TopicSubscription",
      "audit-alerts-subscription",
      {
        topic: "arn:aws:sns:us-east-1:111111111111:alerts",
        protocol: "lambda",
        endpoint: "arn:aws:lambda:us-east-1:111111111111:function:audit:live",
        filterPolicy: '{"severity":["high"]}',
      },
      component.urn,
    );
    const plan = eventSourcePlan([component, fn, stream, subscription]);
    expect(plan.functions).to.have.length(1);
    expect(plan.functions[0].region).to.equal("us-east-1");
    expect(plan.functions[0].sources).to.deep.equal([
      {
        kind: "dynamodb-stream",
        resource: "audit-changes-mapping",
        source:
          "arn:aws:dynamodb:us-east-1:111111111111:table/orders/stream/2026-01-01T00:00:00.000",
        invokes: "unqualified",
        batchSize: 100,
        batchingWindowSeconds: undefined,
        reportBatchItemFailures: undefined,
        startingPosition: "TRIM_HORIZON",
        maximumRetryAttempts: 3,
        onFailureDestination: "arn:aws:sqs:us-east-1:111111111111:audit-failures",
      },
      {
        kind: "sns",
        resource: "audit-alerts-subscription",
        source: "arn:aws:sns:us-east-1:111111111111:alerts",
        invokes: "live",
        filtered: true,
      },
    ]);
  });
  it("names the alias from what the source invokes, not from dependsOn: a pinned version with an alias dependency is that version; an unknown ARN names the alias its functionName comes from", () => {
    const component = resource("multiregion-serverless:index:TrafficShiftedFunction", "audit", {});
    const fn = resource("aws:lambda/function:Function", "audit-function", {}, component.urn);
    const alias = resource(
      "aws:lambda/alias:Alias",
      "audit-alias",
      { name: "live" },
      component.urn,
    );
    const mapping = (name: string, functionName: unknown, propertyDependencies = {}) => ({
      ...resource(
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        name,
        { eventSourceArn: "arn:aws:sqs:us-east-1:111111111111:audit", functionName },
        component.urn,
      ),
      // Every mapping of a TrafficShiftedFunction waits on its alias (dependsOn).
      dependencies: [alias.urn],
      propertyDependencies,
    });
    const pinned = mapping("pinned", "arn:aws:lambda:us-east-1:111111111111:function:audit:3");
    const bare = mapping("bare", "arn:aws:lambda:us-east-1:111111111111:function:audit");
    // Unknown at preview (undefined in the captured inputs): only the property says where from.
    const viaAlias = mapping("via-alias", undefined, { functionName: [alias.urn] });
    const dependsOnOnly = mapping("depends-on-only", undefined, { eventSourceArn: [alias.urn] });
    const plan = eventSourcePlan([component, fn, alias, pinned, bare, viaAlias, dependsOnOnly]);
    expect(
      plan.functions[0].sources.map((source) => [source.resource, source.invokes]),
    ).to.deep.equal([
      ["pinned", "3"],
      ["bare", "unqualified"],
      ["via-alias", "live"],
      ["depends-on-only", "(unknown at preview)"],
    ]);
  });
  it("names a given queue as given (not created), shows the redrive target as the DLQ, and names the stack's own table behind a stream", () => {
    const component = resource("multiregion-serverless:index:TrafficShiftedFunction", "audit", {});
    const fn = resource("aws:lambda/function:Function", "audit-function", {}, component.urn);
    const QUEUE_TYPE = "aws:sqs/queue:Queue";
    // A queue created elsewhere in the program (not the function's child), given by its ARN.
    const elsewhere = resource(QUEUE_TYPE, "shared-queue", {});
    // The function's own queue depends on two queues; only one is its redrive target.
    const audit = resource(QUEUE_TYPE, "audit-archive-queue", {}, component.urn);
    const dlq = resource(QUEUE_TYPE, "audit-imports-dlq", {}, component.urn);
    const own = {
      ...resource(
        QUEUE_TYPE,
        "audit-imports-queue",
        { visibilityTimeoutSeconds: 60 },
        component.urn,
      ),
      dependencies: [audit.urn, dlq.urn],
      propertyDependencies: { redrivePolicy: [dlq.urn], tags: [audit.urn] },
    };
    const table = resource("aws:dynamodb/table:Table", "orders-table", {});
    const mapping = (name: string, dependsOn: string, inputs: Record<string, unknown> = {}) => ({
      ...resource(
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        name,
        { functionName: "arn:aws:lambda:us-east-1:111111111111:function:audit:live", ...inputs },
        component.urn,
      ),
      dependencies: [dependsOn],
      propertyDependencies: { eventSourceArn: [dependsOn] },
    });
    const plan = eventSourcePlan([
      component,
      fn,
      elsewhere,
      audit,
      dlq,
      own,
      table,
      mapping("given", elsewhere.urn),
      mapping("own", own.urn),
      mapping("changes", table.urn, { startingPosition: "LATEST" }),
    ]);
    const [given, created, stream] = plan.functions[0].sources;
    expect(given.source).to.equal("given queue shared-queue");
    expect(given.deadLetterQueue).to.equal(undefined);
    expect(created.source).to.equal("created queue audit-imports-queue");
    expect(created.deadLetterQueue).to.deep.equal({ resource: "audit-imports-dlq" });
    expect(stream.source).to.equal("stream of created table orders-table");
  });
});

function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  parent?: string,
): CapturedResource {
  return {
    urn: `urn:pulumi:test::project::${type}::${name}`,
    id: `${name}-id`,
    type,
    name,
    custom: !type.startsWith("multiregion-serverless:"),
    inputs,
    secretPaths: [],
    outputs: {},
    parent,
    region: "us-east-1",
    dependencies: [],
    options: {} as CapturedResource["options"],
  };
}
