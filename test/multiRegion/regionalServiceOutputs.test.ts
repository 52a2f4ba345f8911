// What a RegionalService shows in `pulumi preview` beyond its API and health check
// (regionalService.test.ts): the resource tree, the stack outputs, the health alarm in us-east-1,
// the functions' table access, streams and rollout waves. Each configuration is built once per
// test: the mutation runs (docs/testing.md, "Mutation testing") re-run only the tests that reach
// the changed code, and building in a `before` hook would hide a test's coverage from them.
import { expect } from "chai";
import { RegionalService, RegionalServiceArgs } from "../../components";
import { CapturedResource, promiseOf, ResourceCapture, runComponent } from "../../testing";
import {
  API,
  code,
  domain,
  FUNCTION,
  HEALTH_CHECK,
  INTEGRATION,
  REGIONAL_SERVICE,
  ROLE_POLICY,
} from "./fixtures";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const DEPLOYMENT = "pulumi-nodejs:dynamic:LambdaDeployment";
const EVENT_SOURCE_MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
// SNS topic ARNs name their region in the fourth part (SNS API Reference, CreateTopic:
// "arn:aws:sns:us-east-2:123456789012:My-Topic").
const EAST_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:ops`;
const WEST_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:ops`;
// A DynamoDB table and stream ARN (DynamoDB API Reference, DescribeTable: TableArn
// "arn:aws:dynamodb:us-west-2:123456789012:table/Music", LatestStreamArn ".../stream/<label>").
const TABLE = {
  name: "orders",
  arn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`,
  streamArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders/stream/2026-12-02T00:00:00.000`,
};

function build(args: Partial<RegionalServiceArgs> = {}) {
  return runComponent(
    () =>
      new RegionalService("orders", {
        region: REGION,
        functions: { orders: { code } },
        routes: { "POST /orders": "orders" },
        ...args,
      }),
  );
}

/** The statements of a function's execution role policy. */
function roleStatements(resources: ResourceCapture, key: string): { Sid?: string }[] {
  return JSON.parse(resources.get(ROLE_POLICY, `orders-${key}-role-policy`).inputs.policy)
    .Statement;
}

function nameOf(resource: CapturedResource): string {
  return `${resource.type}::${resource.name}`;
}

describe("RegionalService as preview shows it", () => {
  it("registers the functions, API, routes, domain and health checks as its own children", async () => {
    const { resources } = await build({
      domain,
      healthCheck: { alarms: [{ alarmName: "orders-5xx" }] },
      notificationTopicArns: [EAST_TOPIC],
    });
    const service = resources.get(REGIONAL_SERVICE, "orders");
    expect(service.parent, "the service is a top-level resource here").to.equal(undefined);
    expect(resources.childrenOf(service).map(nameOf).sort()).to.deep.equal(
      [
        "multiregion-serverless:index:TrafficShiftedFunction::orders-orders",
        "aws:codedeploy/application:Application::orders-deploy",
        "aws:iam/role:Role::orders-deploy-role",
        "aws:iam/rolePolicy:RolePolicy::orders-deploy-role-policy",
        "aws:apigatewayv2/api:Api::orders-api",
        "aws:apigatewayv2/integration:Integration::orders-orders-integration",
        "aws:lambda/permission:Permission::orders-orders-invoke-permission",
        "aws:apigatewayv2/route:Route::orders-route-POST /orders",
        "aws:apigatewayv2/route:Route::orders-route-GET /health",
        "aws:apigatewayv2/stage:Stage::orders-stage",
        "aws:acm/certificate:Certificate::orders-certificate",
        "aws:route53/record:Record::orders-certificate-validation-record",
        "aws:acm/certificateValidation:CertificateValidation::orders-certificate-validation",
        "aws:apigatewayv2/domainName:DomainName::orders-domain",
        "aws:apigatewayv2/apiMapping:ApiMapping::orders-api-mapping",
        "aws:route53/healthCheck:HealthCheck::orders-health-check",
        "aws:route53/healthCheck:HealthCheck::orders-alarm-health-check-0",
        "aws:route53/healthCheck:HealthCheck::orders-calculated-health-check",
        "aws:cloudwatch/metricAlarm:MetricAlarm::orders-unhealthy",
      ].sort(),
    );
  });

  it("describes its HTTP API by the service and the region, and calls Lambda with POST", async () => {
    const { resources } = await build();
    resources.hasResourceProperties(API, {
      description: `orders: HTTP API of the service in ${REGION}`,
    });
    // Lambda proxy integrations are always invoked with POST (API Gateway Developer Guide,
    // "Set up Lambda proxy integrations": "the integration's HTTP method must be POST").
    resources.allResourcesProperties(INTEGRATION, { integrationMethod: "POST" });
  });

  it("exports the region, endpoints, health check, detection time and each function's names as stack outputs", async () => {
    const { resources, result } = await build({
      functions: { orders: { code }, reports: { code, trafficShifting: { mode: "weighted" } } },
      routes: { "POST /orders": "orders", "GET /reports": "reports" },
    });
    const api = resources.get(API, "orders-api");
    const healthCheck = resources.get(HEALTH_CHECK, "orders-health-check");
    const outputs = resources.get(REGIONAL_SERVICE, "orders").outputs;
    const functionNames = {
      orders: "orders-orders-function-mock123",
      reports: "orders-reports-function-mock123",
    };
    const aliasArns = {
      orders: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders-orders-function-mock123:live`,
      reports: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders-reports-function-mock123:live`,
    };
    expect(outputs).to.deep.equal({
      region: REGION,
      apiId: api.id,
      apiEndpoint: api.outputs.apiEndpoint,
      endpointHostname: `${api.id}.execute-api.${REGION}.amazonaws.com`,
      healthCheckId: healthCheck.id,
      failoverDetectionSeconds: 90,
      functionNames,
      aliasArns,
      // Only the codedeploy-mode function has a deployment group and a deployment.
      deploymentGroupNames: { orders: "orders-orders" },
      // The CodeDeploy deployment's id is known once it runs: at preview the one entry is empty.
      deploymentIds: [""],
    });
    expect(await promiseOf(result.functionNames)).to.deep.equal(functionNames);
    expect(await promiseOf(result.aliasArns)).to.deep.equal(aliasArns);
    expect(await promiseOf(result.deploymentGroupNames)).to.deep.equal({
      orders: "orders-orders",
    });
    expect(result.deploymentIds).to.have.length(1);
    expect(result.deployments).to.have.length(1);
    expect(await promiseOf(result.deployments[0].urn)).to.equal(
      resources.get(DEPLOYMENT, "orders-orders-deployment").urn,
    );
  });

  it("exports the custom domain's target when a domain is set", async () => {
    const { resources } = await build({ domain });
    const configuration = resources.get("aws:apigatewayv2/domainName:DomainName", "orders-domain")
      .outputs.domainNameConfiguration;
    const outputs = resources.get(REGIONAL_SERVICE, "orders").outputs;
    expect(outputs.targetDomainName).to.equal(configuration.targetDomainName);
    expect(outputs.hostedZoneId).to.equal(configuration.hostedZoneId);
  });

  it("cuts the API's and the health alarm's names of a long service to their AWS limits, keeping its start", async () => {
    const name = `orders-${"x".repeat(250)}`;
    const { resources } = await runComponent(
      () =>
        new RegionalService(name, {
          region: REGION,
          functions: { orders: { code } },
          notificationTopicArns: [EAST_TOPIC],
        }),
    );
    // HTTP API names: at most 128 characters (API Gateway V2 API Reference, CreateApi, "name");
    // alarm names: at most 255 (CloudWatch API Reference, PutMetricAlarm, AlarmName).
    const apiName: string = resources.get(API, `${name}-api`).inputs.name;
    const alarmName: string = resources.get(METRIC_ALARM, `${name}-unhealthy`).inputs.name;
    expect(apiName).to.have.length.within(100, 128);
    expect(alarmName).to.have.length.within(200, 255);
    expect(apiName.startsWith("orders-xxx"), apiName).to.equal(true);
    expect(alarmName.startsWith("orders-xxx"), alarmName).to.equal(true);
  });

  describe("the health alarm", () => {
    it("alarms in us-east-1 when Route 53 reports the region's health check unhealthy, to the topics there", async () => {
      const { resources, result } = await build({
        notificationTopicArns: [EAST_TOPIC, WEST_TOPIC],
      });
      const healthCheckId = await promiseOf(result.healthCheckId);
      // Route 53 publishes HealthCheckStatus (1 healthy, 0 unhealthy) in us-east-1 only, with the
      // dimension HealthCheckId (Route 53 Developer Guide, "Monitoring health checks using
      // CloudWatch").
      const alarm = resources.get(METRIC_ALARM, "orders-unhealthy");
      expect(alarm.inputs).to.deep.include({
        region: "us-east-1",
        alarmDescription: `Route 53 health check ${healthCheckId} of ${REGION} is unhealthy: traffic fails over to the other regions.`,
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: { HealthCheckId: healthCheckId },
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        alarmActions: [EAST_TOPIC],
        okActions: [EAST_TOPIC],
      });
      expect(await promiseOf(result.healthAlarm!.arn)).to.equal(alarm.outputs.arn);
    });

    it("is left out without notification topics, and with an empty list", async () => {
      for (const notificationTopicArns of [undefined, []]) {
        const { resources, result } = await build({ notificationTopicArns });
        expect(resources.find(METRIC_ALARM, { namespace: "AWS/Route53" })).to.deep.equal([]);
        expect(result.healthAlarm).to.equal(undefined);
      }
    });
  });

  describe("the functions", () => {
    it("get no table access and no TABLE_NAME without a table", async () => {
      const { resources } = await build({
        functions: { orders: { code }, reports: { code, policyStatements: [] } },
      });
      for (const key of ["orders", "reports"]) {
        expect(roleStatements(resources, key).map((s) => s.Sid)).to.not.include(
          "ReadWriteRegionalTable",
        );
      }
      for (const fn of resources.ofType(FUNCTION)) {
        expect(fn.inputs.environment?.variables ?? {}, fn.name).to.not.have.property("TABLE_NAME");
      }
    });

    it("may set TABLE_NAME themselves when the service has no table", async () => {
      const { resources } = await build({
        functions: { orders: { code, environment: { TABLE_NAME: "legacy-orders" } } },
      });
      resources.hasResourceProperties(FUNCTION, {
        environment: { variables: { TABLE_NAME: "legacy-orders" } },
      });
    });

    it("run in the existing VPC given for the service's region, through the service's network", async () => {
      // VPC, subnet and security group ids as EC2 returns them (EC2 API Reference,
      // DescribeSubnets: "subnet-0bb1c79de3EXAMPLE"; ids are 8 or 17 hex digits).
      const vpc = {
        vpcId: "vpc-0f1e2d3c4b5a69788",
        subnetIds: ["subnet-0f1e2d3c4b5a69781", "subnet-0f1e2d3c4b5a69782"],
        securityGroupIds: ["sg-0f1e2d3c4b5a69789"],
      };
      const { resources, result } = await build({
        network: { vpc: "existing", existingVpcs: { [REGION]: vpc } },
      });
      resources.hasResourceProperties(FUNCTION, {
        vpcConfig: { subnetIds: vpc.subnetIds, securityGroupIds: vpc.securityGroupIds },
      });
      const network = resources.all.find((r) => r.type.endsWith(":RegionalNetwork"));
      expect(network?.name).to.equal("orders-network");
      expect(network?.parent).to.equal(resources.get(REGIONAL_SERVICE, "orders").urn);
      expect(await promiseOf(result.network!.urn)).to.equal(network!.urn);
    });

    it("run outside any VPC without a network", async () => {
      const { resources, result } = await build();
      for (const fn of resources.ofType(FUNCTION)) {
        expect(fn.inputs.vpcConfig, fn.name).to.equal(undefined);
      }
      expect(result.network).to.equal(undefined);
    });

    it("read their own region's replica stream when a stream source names the service table", async () => {
      const { resources } = await build({
        functions: {
          orders: { code },
          changes: {
            code,
            eventSources: { dynamodbStreams: [{ name: "changes", serviceTable: true }] },
          },
        },
        table: TABLE,
      });
      resources.resourceCountIs(EVENT_SOURCE_MAPPING, 1);
      resources.hasResourceProperties(EVENT_SOURCE_MAPPING, { eventSourceArn: TABLE.streamArn });
    });

    it("read a stream they name themselves when the service has no table", async () => {
      const { resources } = await build({
        functions: {
          orders: { code },
          changes: {
            code,
            eventSources: { dynamodbStreams: [{ name: "changes", streamArn: TABLE.streamArn }] },
          },
        },
      });
      resources.hasResourceProperties(EVENT_SOURCE_MAPPING, { eventSourceArn: TABLE.streamArn });
    });

    it("start their deployments after deployAfter, except a weighted-mode function's, which stack config moves", async () => {
      const { resources } = await runComponent(() => {
        const first = new RegionalService("first", {
          region: "us-east-1",
          functions: { orders: { code } },
        });
        const second = new RegionalService("orders", {
          region: REGION,
          functions: {
            orders: { code, trafficShifting: { type: "Linear10PercentEvery1Minute" } },
            reports: { code, trafficShifting: { mode: "weighted" } },
            audit: { code },
          },
          deployAfter: first.deploymentIds,
        });
        return [first, second];
      });
      const firstDeployment = resources.get(DEPLOYMENT, "first-orders-deployment");
      const deployment = resources.get(DEPLOYMENT, "orders-orders-deployment");
      expect(deployment.dependencies).to.include(firstDeployment.urn);
      resources.hasResourceProperties("aws:codedeploy/deploymentGroup:DeploymentGroup", {
        deploymentConfigName: "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
      });
      const audit = resources.get(DEPLOYMENT, "orders-audit-deployment");
      expect(audit.dependencies).to.include(firstDeployment.urn);
      resources.resourceCountIs(DEPLOYMENT, 3);
    });
  });
});
