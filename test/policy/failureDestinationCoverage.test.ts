// prod-functions-have-failure-destination on functions that ARE invoked asynchronously: each
// way of keeping failed events (dead-letter queue, on-failure destination by name, ARN,
// qualified ARN or dependency) clears exactly its own function, and each asynchronous source is
// attributed to exactly its own target (docs/testing.md, "Mutation testing"). Shapes follow the
// inputs of aws.lambda.Function, FunctionEventInvokeConfig (destinationConfig.onFailure),
// Permission, sns.TopicSubscription, cloudwatch.EventTarget and s3.BucketNotification (Pulumi AWS
// registry).
import { expect } from "chai";
import { prodFunctionsHaveFailureDestination } from "../../policy/rules";
import { fix } from "../../policy/rules/remediation";
import { check, messages, prodTags, resource, UNKNOWN_INPUT } from "./fixtures";

const queueArn = "arn:aws:sqs:us-east-1:123456789012:orders-failed";

function lambdaFunction(name: string, overrides: Record<string, any> = {}) {
  const captured = resource("aws:lambda/function:Function", name, {
    name: `${name}-fn`,
    role: "arn:aws:iam::123456789012:role/orders",
    tags: prodTags,
    ...overrides,
  });
  captured.outputs.arn = `arn:aws:lambda:us-east-1:123456789012:function:${name}-fn`;
  return captured;
}

function invokeConfig(name: string, functionName: unknown, onFailure: unknown) {
  return resource("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", name, {
    functionName,
    destinationConfig: { onFailure },
  });
}

function snsPermission(name: string, fn: unknown) {
  return resource("aws:lambda/permission:Permission", name, {
    action: "lambda:InvokeFunction",
    function: fn,
    principal: "sns.amazonaws.com",
  });
}

const reported = (name: string) =>
  `The production function "${name}" has no dead-letter queue and no on-failure destination: failed asynchronous events are dropped. ${fix.failureDestination}.`;

describe("policy prod-functions-have-failure-destination, asynchronous functions", () => {
  it("clears each function by its own invoke config (name, ARN, qualified ARN) and reports the one without", async () => {
    const byName = lambdaFunction("by-name");
    const byArn = lambdaFunction("by-arn");
    const byQualifiedArn = lambdaFunction("by-alias");
    const bare = lambdaFunction("bare");
    const violations = await check(
      prodFunctionsHaveFailureDestination,
      [
        byName,
        byArn,
        byQualifiedArn,
        bare,
        invokeConfig("c1", "by-name-fn", { destination: queueArn }),
        invokeConfig("c2", byArn.outputs.arn, { destination: queueArn }),
        invokeConfig("c3", `${byQualifiedArn.outputs.arn}:live`, { destination: queueArn }),
      ],
      { asyncFunctions: ["by-name", "by-arn", "by-alias", "bare"] },
    );
    expect(messages(violations)).to.deep.equal([reported("bare")]);
    expect(violations[0].urn).to.equal(bare.urn);
  });

  it("does not count an invoke config without an on-failure destination, or a DLQ without a target", async () => {
    const violations = await check(
      prodFunctionsHaveFailureDestination,
      [
        lambdaFunction("no-destination"),
        invokeConfig("c1", "no-destination-fn", { destination: undefined }),
        lambdaFunction("no-on-failure"),
        invokeConfig("c2", "no-on-failure-fn", undefined),
        lambdaFunction("empty-dlq", { deadLetterConfig: {} }),
        lambdaFunction("dlq", { deadLetterConfig: { targetArn: queueArn } }),
      ],
      { asyncFunctions: ["no-destination", "no-on-failure", "empty-dlq", "dlq"] },
    );
    expect(violations.map((v) => v.resourceName)).to.deep.equal([
      "no-destination",
      "no-on-failure",
      "empty-dlq",
    ]);
  });

  it("does not count an invoke config that sets only its retries", async () => {
    // destinationConfig is optional (Pulumi AWS registry, aws.lambda.FunctionEventInvokeConfig);
    // a config that only limits retries still drops the events that fail.
    const violations = await check(
      prodFunctionsHaveFailureDestination,
      [
        lambdaFunction("retries-only"),
        resource("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "retries", {
          functionName: "retries-only-fn",
          maximumRetryAttempts: 0,
        }),
      ],
      { asyncFunctions: ["retries-only"] },
    );
    expect(messages(violations)).to.deep.equal([reported("retries-only")]);
  });

  it("lists a function in asyncFunctions by its physical name too", async () => {
    const violations = await check(
      prodFunctionsHaveFailureDestination,
      [lambdaFunction("worker")],
      {
        asyncFunctions: ["worker-fn"],
      },
    );
    expect(messages(violations)).to.deep.equal([reported("worker")]);
  });

  it("attributes each asynchronous source to its own function only", async () => {
    const fromSns = lambdaFunction("from-sns");
    const fromTopic = lambdaFunction("from-topic");
    const fromS3 = lambdaFunction("from-s3");
    const fromRule = lambdaFunction("from-rule");
    const api = lambdaFunction("api");
    const violations = await check(prodFunctionsHaveFailureDestination, [
      fromSns,
      fromTopic,
      fromS3,
      fromRule,
      api,
      snsPermission("sns-invoke", "from-sns-fn"),
      resource("aws:sns/topicSubscription:TopicSubscription", "email", {
        protocol: "email",
        endpoint: "ops@example.com",
        topic: "arn:aws:sns:us-east-1:123456789012:alerts",
      }),
      resource("aws:sns/topicSubscription:TopicSubscription", "sub", {
        protocol: "lambda",
        endpoint: fromTopic.outputs.arn,
        topic: "arn:aws:sns:us-east-1:123456789012:orders",
      }),
      resource("aws:cloudwatch/eventTarget:EventTarget", "rule-target", {
        arn: `${fromRule.outputs.arn}:live`,
        rule: "nightly",
      }),
      resource("aws:s3/bucketNotification:BucketNotification", "uploads", {
        bucket: "orders-uploads",
        lambdaFunctions: [
          { lambdaFunctionArn: fromS3.outputs.arn, events: ["s3:ObjectCreated:*"] },
        ],
      }),
    ]);
    expect(violations.map((v) => v.resourceName).sort()).to.deep.equal([
      "from-rule",
      "from-s3",
      "from-sns",
      "from-topic",
    ]);
  });

  it("makes no function asynchronous through an S3 notification that sends to a queue only", async () => {
    // A BucketNotification with `queue` and no `lambdaFunctions` (Pulumi AWS registry,
    // aws.s3.BucketNotification: "Add notification configuration to SQS Queue"): S3 invokes no
    // function, so the synchronous function beside it needs no failure destination.
    const violations = await check(prodFunctionsHaveFailureDestination, [
      lambdaFunction("api"),
      resource("aws:s3/bucketNotification:BucketNotification", "to-queue", {
        bucket: "orders-uploads",
        queues: [{ queueArn, events: ["s3:ObjectCreated:*"] }],
      }),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("reads a function's environment from its tagsAll output when its own tags do not name it", async () => {
    // Stack policies see outputs: `tagsAll` is the provider's default_tags merged with the
    // resource's own tags (Pulumi AWS registry, aws.lambda.Function outputs, "tagsAll"); here no
    // provider is captured, so tagsAll is the only place the environment tag is found.
    const fromDefaults = lambdaFunction("from-defaults", { tags: {} });
    fromDefaults.outputs.tagsAll = prodTags;
    const violations = await check(prodFunctionsHaveFailureDestination, [fromDefaults], {
      asyncFunctions: ["from-defaults"],
    });
    expect(messages(violations)).to.deep.equal([reported("from-defaults")]);
  });

  it("checks every function when an S3 notification's function cannot be told, and none when an invoke config cannot", async () => {
    const functions = [lambdaFunction("a"), lambdaFunction("b")];
    const unattributed = resource("aws:s3/bucketNotification:BucketNotification", "uploads", {
      bucket: "orders-uploads",
      lambdaFunctions: [{ lambdaFunctionArn: UNKNOWN_INPUT, events: ["s3:ObjectCreated:*"] }],
    });
    const both = await check(prodFunctionsHaveFailureDestination, [...functions, unattributed]);
    expect(both.map((v) => v.resourceName).sort()).to.deep.equal(["a", "b"]);
    const unknownConfig = invokeConfig("c", UNKNOWN_INPUT, { destination: queueArn });
    expect(
      await check(prodFunctionsHaveFailureDestination, [...functions, unknownConfig], {
        asyncFunctions: ["a", "b"],
      }),
    ).to.deep.equal([]);
  });
});
