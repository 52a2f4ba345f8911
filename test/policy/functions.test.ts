import { expect } from "chai";
import {
  prodFunctionsExplicitLimits,
  prodFunctionsHaveFailureDestination,
  prodFunctionsNoDebugLogging,
  prodFunctionsTraced,
} from "../../policy/rules";
import { check, devTags, messages, prodTags, resource, UNKNOWN_INPUT } from "./fixtures";

const FUNCTION = "aws:lambda/function:Function";
const INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";

function lambdaFunction(name: string, overrides: Record<string, any> = {}) {
  const captured = resource(FUNCTION, name, {
    name: `${name}-mock123`,
    role: "arn:aws:iam::123456789012:role/orders",
    runtime: "nodejs20.x",
    handler: "index.handler",
    publish: true,
    timeout: 10,
    memorySize: 512,
    tracingConfig: { mode: "Active" },
    environment: { variables: { LOG_LEVEL: "INFO" } },
    tags: prodTags,
    ...overrides,
  });
  captured.outputs.arn = `arn:aws:lambda:us-east-1:123456789012:function:${name}-mock123`;
  return captured;
}

describe("policy prod-functions-traced", () => {
  it("passes a prod function with active tracing, and an untraced dev function", async () => {
    const violations = await check(prodFunctionsTraced, [
      lambdaFunction("orders"),
      lambdaFunction("dev", { tracingConfig: undefined, tags: devTags }),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("a prod function without active tracing is a mandatory violation", async () => {
    const violations = await check(prodFunctionsTraced, [
      lambdaFunction("unset", { tracingConfig: undefined }),
      lambdaFunction("passthrough", { tracingConfig: { mode: "PassThrough" } }),
    ]);
    expect(violations.map((v) => [v.resourceName, v.enforcementLevel])).to.deep.equal([
      ["unset", "mandatory"],
      ["passthrough", "mandatory"],
    ]);
    expect(violations[0].message).to.match(/tracing mode is unset \(PassThrough\).*\[tracing\]/);
  });

  it("does not report a tracing mode that is unknown at preview", async () => {
    const violations = await check(prodFunctionsTraced, [
      lambdaFunction("orders", { tracingConfig: { mode: UNKNOWN_INPUT } }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});

describe("policy prod-functions-explicit-limits", () => {
  it("passes a prod function that sets timeout and memorySize", async () => {
    expect(await check(prodFunctionsExplicitLimits, [lambdaFunction("orders")])).to.deep.equal([]);
  });

  it("a prod function on Lambda's default timeout and memory is a mandatory violation", async () => {
    const violations = await check(prodFunctionsExplicitLimits, [
      lambdaFunction("orders", { timeout: undefined, memorySize: undefined }),
    ]);
    expect(violations).to.have.length(1);
    expect(violations[0].message).to.match(/leaves timeout and memorySize at Lambda's default/);
  });

  it("reports limits the provider filled with Lambda's defaults, as the engine sends them", async () => {
    // What `Analyze` receives for a function without timeout/memorySize under the real CLI: the
    // provider's Check filled both from its schema defaults (terraform-provider-aws
    // aws_lambda_function: timeout Default 3, memory_size Default 128) and the engine stripped
    // the bridge's `__defaults` list (pulumi/pulumi analyzer_plugin.go, SkipInternalKeys).
    const violations = await check(prodFunctionsExplicitLimits, [
      lambdaFunction("orders", { timeout: 3, memorySize: 128 }),
    ]);
    expect(messages(violations)).to.have.length(1);
    expect(violations[0].message).to.match(/leaves timeout and memorySize at Lambda's default/);
  });

  it("does not rely on the bridge's __defaults, which the engine never sends", async () => {
    // A chosen 10 s timeout must pass even when a stale `__defaults` says otherwise: the offline
    // runner, like the engine, drops the key before the policy sees it.
    const violations = await check(prodFunctionsExplicitLimits, [
      lambdaFunction("orders", { timeout: 10, __defaults: ["timeout"] }),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("does not report limits that are unknown at preview", async () => {
    const violations = await check(prodFunctionsExplicitLimits, [
      lambdaFunction("orders", { timeout: UNKNOWN_INPUT, memorySize: UNKNOWN_INPUT }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});

describe("policy prod-functions-no-debug-logging", () => {
  it("passes INFO in prod and DEBUG in dev", async () => {
    const violations = await check(prodFunctionsNoDebugLogging, [
      lambdaFunction("orders"),
      lambdaFunction("dev", { environment: { variables: { LOG_LEVEL: "DEBUG" } }, tags: devTags }),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("LOG_LEVEL debug or applicationLogLevel TRACE in prod is an advisory violation", async () => {
    const violations = await check(prodFunctionsNoDebugLogging, [
      lambdaFunction("orders", {
        environment: { variables: { LOG_LEVEL: "debug" } },
        loggingConfig: { logFormat: "JSON", applicationLogLevel: "TRACE" },
      }),
    ]);
    expect(violations.map((v) => v.enforcementLevel)).to.deep.equal(["advisory", "advisory"]);
    expect(messages(violations)[0]).to.match(/environment variable LOG_LEVEL is debug/);
    expect(messages(violations)[1]).to.match(/loggingConfig.applicationLogLevel is TRACE/);
  });

  it("honours custom variable names and forbidden levels", async () => {
    const fn = lambdaFunction("orders", {
      environment: { variables: { POWERTOOLS_LOG_LEVEL: "WARN" } },
    });
    const config = { logLevelVariables: ["POWERTOOLS_LOG_LEVEL"], forbiddenLogLevels: ["WARN"] };
    expect(await check(prodFunctionsNoDebugLogging, [fn], config)).to.have.length(1);
  });

  it("checks the loggingConfig level of a prod function without environment variables", async () => {
    // `environment` and its `variables` are optional (Pulumi AWS registry, aws.lambda.Function):
    // a function may set neither, or an environment block without variables.
    const violations = await check(prodFunctionsNoDebugLogging, [
      lambdaFunction("bare", {
        environment: undefined,
        loggingConfig: { logFormat: "JSON", applicationLogLevel: "DEBUG" },
      }),
      lambdaFunction("empty", {
        environment: {},
        loggingConfig: { logFormat: "JSON", applicationLogLevel: "DEBUG" },
      }),
    ]);
    expect(violations.map((v) => v.resourceName)).to.deep.equal(["bare", "empty"]);
    expect(messages(violations)[0]).to.match(/loggingConfig.applicationLogLevel is DEBUG/);
  });

  it("does not report log levels that are unknown at preview", async () => {
    const violations = await check(prodFunctionsNoDebugLogging, [
      lambdaFunction("orders", { environment: { variables: UNKNOWN_INPUT } }),
      lambdaFunction("other", { environment: { variables: { LOG_LEVEL: UNKNOWN_INPUT } } }),
    ]);
    expect(violations).to.deep.equal([]);
  });
});

describe("policy prod-functions-have-failure-destination", () => {
  let invokeConfigs = 0;
  function invokeConfig(
    functionName: unknown,
    destination: unknown = "arn:aws:sqs:us-east-1:1:dlq",
  ) {
    return resource(INVOKE_CONFIG, `async-config-${++invokeConfigs}`, {
      functionName,
      destinationConfig: { onFailure: { destination } },
    });
  }

  it("passes a prod function with a dead-letter queue or an on-failure destination", async () => {
    const violations = await check(prodFunctionsHaveFailureDestination, [
      lambdaFunction("with-dlq", {
        deadLetterConfig: { targetArn: "arn:aws:sqs:us-east-1:1:dlq" },
      }),
      lambdaFunction("with-destination"),
      invokeConfig("with-destination-mock123"),
    ]);
    expect(violations).to.deep.equal([]);
  });

  function permission(name: string, fn: string, principal: string) {
    return resource("aws:lambda/permission:Permission", name, {
      action: "lambda:InvokeFunction",
      function: fn,
      principal,
    });
  }

  it("an asynchronously invoked prod function with neither is an advisory violation on that function", async () => {
    const violations = await check(prodFunctionsHaveFailureDestination, [
      lambdaFunction("orders"),
      permission("orders-from-sns", "orders-mock123", "sns.amazonaws.com"),
      lambdaFunction("dev", { tags: devTags }),
      permission("dev-from-sns", "dev-mock123", "sns.amazonaws.com"),
    ]);
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({ enforcementLevel: "advisory", resourceName: "orders" });
    expect(violations[0].message).to.match(/no dead-letter queue and no on-failure destination/);
  });

  it("leaves functions invoked only synchronously (API Gateway) alone", async () => {
    const violations = await check(prodFunctionsHaveFailureDestination, [
      lambdaFunction("api"),
      permission("api-from-gateway", "api-mock123", "apigateway.amazonaws.com"),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("finds asynchronous sources in SNS subscriptions, EventBridge targets and S3 notifications", async () => {
    const fromSns = lambdaFunction("from-sns");
    const fromEvents = lambdaFunction("from-events");
    const fromS3 = lambdaFunction("from-s3");
    const violations = await check(prodFunctionsHaveFailureDestination, [
      fromSns,
      fromEvents,
      fromS3,
      resource("aws:sns/topicSubscription:TopicSubscription", "sub", {
        protocol: "lambda",
        endpoint: fromSns.outputs.arn,
        topic: "arn:aws:sns:us-east-1:1:t",
      }),
      resource("aws:cloudwatch/eventTarget:EventTarget", "target", {
        arn: fromEvents.outputs.arn,
        rule: "r",
      }),
      resource("aws:s3/bucketNotification:BucketNotification", "notify", {
        bucket: "b",
        lambdaFunctions: [
          { lambdaFunctionArn: fromS3.outputs.arn, events: ["s3:ObjectCreated:*"] },
        ],
      }),
    ]);
    expect(violations.map((v) => v.resourceName).sort()).to.deep.equal([
      "from-events",
      "from-s3",
      "from-sns",
    ]);
  });

  it("checks every prod function when an asynchronous source's target is unknown at preview", async () => {
    const violations = await check(prodFunctionsHaveFailureDestination, [
      lambdaFunction("a"),
      lambdaFunction("b"),
      permission("unknown-target", UNKNOWN_INPUT as unknown as string, "events.amazonaws.com"),
    ]);
    expect(violations.map((v) => v.resourceName).sort()).to.deep.equal(["a", "b"]);
  });

  it("checks only the functions listed in asyncFunctions when the list is set", async () => {
    const functions = [lambdaFunction("api"), lambdaFunction("worker")];
    const violations = await check(prodFunctionsHaveFailureDestination, functions, {
      asyncFunctions: ["worker"],
    });
    expect(violations.map((v) => v.resourceName)).to.deep.equal(["worker"]);
  });

  it("can be made mandatory through config", async () => {
    const violations = await check(
      prodFunctionsHaveFailureDestination,
      [lambdaFunction("orders")],
      {
        enforcementLevel: "mandatory",
        asyncFunctions: ["orders"],
      },
    );
    expect(violations[0].enforcementLevel).to.equal("mandatory");
  });

  it("matches an invoke config by function ARN or by dependency", async () => {
    const byArn = lambdaFunction("by-arn");
    const byDependency = lambdaFunction("by-dependency");
    const dependent = invokeConfig(UNKNOWN_INPUT);
    dependent.dependencies = [byDependency.urn];
    const violations = await check(prodFunctionsHaveFailureDestination, [
      byArn,
      byDependency,
      invokeConfig(`${byArn.outputs.arn}:live`),
      dependent,
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("does not report while an invoke config's function or a DLQ is unknown at preview", async () => {
    const violations = await check(prodFunctionsHaveFailureDestination, [
      lambdaFunction("orders"),
      lambdaFunction("dlq", { deadLetterConfig: { targetArn: UNKNOWN_INPUT } }),
      invokeConfig(UNKNOWN_INPUT),
    ]);
    expect(violations).to.deep.equal([]);
  });
});
