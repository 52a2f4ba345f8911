import { expect } from "chai";
import { eventSourcesInvokeAlias, functionTarget, integrationFunction } from "../../policy/rules";
import { UNKNOWN } from "../../policy/rules/common";
import { fix } from "../../policy/rules/remediation";
import { check, resource, UNKNOWN_INPUT } from "./fixtures";

const FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders";
const ALIAS_ARN = `${FUNCTION_ARN}:live`;

const mapping = (functionName: unknown) =>
  resource("aws:lambda/eventSourceMapping:EventSourceMapping", "orders-jobs-mapping", {
    eventSourceArn: "arn:aws:sqs:us-east-1:123456789012:jobs",
    functionName,
  });
const permission = (fn: unknown, qualifier?: unknown) =>
  resource("aws:lambda/permission:Permission", "orders-events-permission", {
    action: "lambda:InvokeFunction",
    function: fn,
    principal: "sns.amazonaws.com",
    ...(qualifier !== undefined ? { qualifier } : {}),
  });
const subscription = (endpoint: unknown, protocol = "lambda") =>
  resource("aws:sns/topicSubscription:TopicSubscription", "orders-events-subscription", {
    topic: "arn:aws:sns:us-east-1:123456789012:events",
    protocol,
    endpoint,
  });
const target = (arn: unknown) =>
  resource("aws:cloudwatch/eventTarget:EventTarget", "orders-placed-target", { rule: "r", arn });
const schedule = (arn: unknown) =>
  resource("aws:scheduler/schedule:Schedule", "orders-nightly-schedule", {
    scheduleExpression: "rate(1 hour)",
    flexibleTimeWindow: { mode: "OFF" },
    target: { arn, roleArn: "arn:aws:iam::123456789012:role/scheduler" },
  });
const functionUrl = (functionName: unknown, qualifier?: unknown) =>
  resource("aws:lambda/functionUrl:FunctionUrl", "orders-url", {
    functionName,
    authorizationType: "AWS_IAM",
    ...(qualifier !== undefined ? { qualifier } : {}),
  });
const httpIntegration = (integrationUri: unknown, integrationType = "AWS_PROXY") =>
  resource("aws:apigatewayv2/integration:Integration", "orders-api-integration", {
    apiId: "a1b2c3",
    integrationType,
    integrationUri,
  });
const restIntegration = (uri: unknown, type = "AWS_PROXY") =>
  resource("aws:apigateway/integration:Integration", "orders-rest-integration", {
    restApi: "r1",
    resourceId: "x1",
    httpMethod: "POST",
    type,
    uri,
  });
// The REST form of a Lambda integration URI (API Gateway API reference, Integration `uri`).
const invocationsUri = (functionArn: string) =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${functionArn}/invocations`;

describe("policy event-sources-invoke-alias", () => {
  it("passes every kind of source that names the alias", async () => {
    const violations = await check(eventSourcesInvokeAlias, [
      mapping(ALIAS_ARN),
      mapping("orders:live"),
      permission("orders", "live"),
      permission(ALIAS_ARN),
      subscription(ALIAS_ARN),
      target(ALIAS_ARN),
      schedule(ALIAS_ARN),
      functionUrl("orders", "live"),
      functionUrl(ALIAS_ARN),
      httpIntegration(ALIAS_ARN),
      restIntegration(invocationsUri(ALIAS_ARN)),
      httpIntegration(
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2",
        "HTTP_PROXY",
      ),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("a mapping on the unqualified function is a mandatory violation naming the fix", async () => {
    const violations = await check(eventSourcesInvokeAlias, [mapping(FUNCTION_ARN)]);
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({
      policyName: "event-sources-invoke-alias",
      enforcementLevel: "mandatory",
      resourceName: "orders-jobs-mapping",
    });
    expect(violations[0].message).to.match(
      /event source mapping invokes function "orders" unqualified, so it bypasses the alias.*\[eventSources\]/,
    );
  });

  it("reports each kind that names the unqualified function or $LATEST", async () => {
    const violations = await check(eventSourcesInvokeAlias, [
      permission("orders"),
      permission(FUNCTION_ARN, "$LATEST"),
      subscription(FUNCTION_ARN),
      target(`${FUNCTION_ARN}:$LATEST`),
      schedule(FUNCTION_ARN),
      mapping("123456789012:function:orders"),
    ]);
    expect(violations.map((v) => v.message.split(",")[0])).to.deep.equal([
      'The invoke permission invokes function "orders" unqualified',
      'The invoke permission invokes $LATEST of function "orders"',
      'The SNS subscription invokes function "orders" unqualified',
      'The EventBridge target invokes $LATEST of function "orders"',
      'The EventBridge Scheduler schedule invokes function "orders" unqualified',
      'The event source mapping invokes function "orders" unqualified',
    ]);
  });

  it("reports a version-pinned source, an unqualified function URL and integrations that bypass the alias", async () => {
    const violations = await check(eventSourcesInvokeAlias, [
      mapping("orders:3"),
      permission(FUNCTION_ARN, "12"),
      functionUrl("orders"),
      functionUrl(`${FUNCTION_ARN}:$LATEST`),
      httpIntegration(FUNCTION_ARN),
      restIntegration(invocationsUri(`${FUNCTION_ARN}:4`)),
    ]);
    expect(violations.map((v) => v.message.split(/[,:] /)[0])).to.deep.equal([
      'The event source mapping invokes version 3 of function "orders"',
      'The invoke permission invokes version 12 of function "orders"',
      'The function URL invokes $LATEST of function "orders"',
      'The function URL invokes $LATEST of function "orders"',
      'The API Gateway integration invokes function "orders" unqualified',
      'The API Gateway integration invokes version 4 of function "orders"',
    ]);
    expect(violations[0].message).to.match(
      /version 3 of function "orders", pinned: it bypasses the alias.*\[eventSources\]/,
    );
  });

  it("cannot judge unknown references in a preview, and ignores targets that are not functions", async () => {
    const violations = await check(eventSourcesInvokeAlias, [
      mapping(UNKNOWN_INPUT),
      permission("orders", UNKNOWN_INPUT),
      schedule(UNKNOWN_INPUT),
      target("arn:aws:sqs:us-east-1:123456789012:jobs"),
      subscription("https://example.com/hook", "https"),
    ]);
    expect(violations).to.deep.equal([]);
  });

  it("reads names, partial ARNs and ARNs with and without a qualifier", () => {
    expect(functionTarget("orders")).to.deep.equal({ kind: "unqualified", name: "orders" });
    expect(functionTarget("orders:live")).to.deep.equal({ kind: "qualified", qualifier: "live" });
    expect(functionTarget("123456789012:function:orders:7")).to.deep.equal({
      kind: "version",
      name: "orders",
      version: "7",
    });
    expect(functionTarget(FUNCTION_ARN, "live")).to.deep.equal({
      kind: "qualified",
      qualifier: "live",
    });
    expect(functionTarget("arn:aws:sns:us-east-1:123456789012:t")).to.deep.equal({
      kind: "not-lambda",
    });
  });

  it("tells unknown and empty references, other services' ARNs and alias names with digits apart", () => {
    expect(functionTarget(UNKNOWN)).to.deep.equal({ kind: "unknown" });
    expect(functionTarget("")).to.deep.equal({ kind: "unknown" });
    expect(functionTarget(42)).to.deep.equal({ kind: "unknown" });
    // A Lambda layer version ARN (IAM service authorization reference, Lambda resource type
    // `layerVersion`: arn:${Partition}:lambda:${Region}:${Account}:layer:${LayerName}:${LayerVersion}).
    expect(functionTarget("arn:aws:lambda:us-east-1:123456789012:layer:deps:3")).to.deep.equal({
      kind: "not-lambda",
    });
    // An empty Qualifier is no qualifier (AddPermission, CreateFunctionUrlConfig `Qualifier`).
    expect(functionTarget("orders:live", "")).to.deep.equal({
      kind: "qualified",
      qualifier: "live",
    });
    expect(functionTarget(`${FUNCTION_ARN}:`)).to.deep.equal({
      kind: "unqualified",
      name: "orders",
    });
    // Alias names may hold digits, just not only digits (CreateAlias `Name` pattern).
    expect(functionTarget("orders:blue2")).to.deep.equal({ kind: "qualified", qualifier: "blue2" });
    expect(functionTarget("orders:2blue")).to.deep.equal({ kind: "qualified", qualifier: "2blue" });
  });

  it("reads the function out of a REST integration URI and keeps an unknown URI unknown", () => {
    expect(integrationFunction(invocationsUri(ALIAS_ARN))).to.equal(ALIAS_ARN);
    expect(integrationFunction(UNKNOWN)).to.equal(UNKNOWN);
  });

  it("says $LATEST bypasses the alias and every version, with the fix", async () => {
    const violations = await check(eventSourcesInvokeAlias, [target(`${FUNCTION_ARN}:$LATEST`)]);
    expect(violations.map((v) => v.message)).to.deep.equal([
      `The EventBridge target invokes $LATEST of function "orders", the unpublished code: it bypasses the alias and every version. ${fix.invokeAlias}.`,
    ]);
  });

  it("judges Lambda custom (AWS) integrations too, and leaves other SNS protocols and HTTP integrations alone", async () => {
    const violations = await check(eventSourcesInvokeAlias, [
      // A WebSocket API's Lambda custom integration (API Gateway v2 Integration
      // `integrationType` AWS) and a REST API's (API Gateway Integration `type` AWS).
      httpIntegration(invocationsUri(FUNCTION_ARN), "AWS"),
      restIntegration(invocationsUri(FUNCTION_ARN), "AWS"),
      // SNS Subscribe `Endpoint` for protocol email is an address (SNS API reference).
      subscription("orders-team@example.com", "email"),
      httpIntegration("https://backend.example.com/orders", "HTTP_PROXY"),
      restIntegration("https://backend.example.com/orders", "HTTP_PROXY"),
      httpIntegration(UNKNOWN_INPUT),
      restIntegration(UNKNOWN_INPUT),
    ]);
    expect(violations.map((v) => [v.resourceType, v.message.split(",")[0]])).to.deep.equal([
      [
        "aws:apigatewayv2/integration:Integration",
        'The API Gateway integration invokes function "orders" unqualified',
      ],
      [
        "aws:apigateway/integration:Integration",
        'The API Gateway integration invokes function "orders" unqualified',
      ],
    ]);
  });
});
