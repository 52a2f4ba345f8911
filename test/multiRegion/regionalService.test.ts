import { expect } from "chai";
import { RegionalService, RegionalServiceArgs } from "../../components";
import { expectRunFailure, Match, promiseOf, runComponent } from "../../testing";
import {
  ALIAS,
  API,
  API_MAPPING,
  CERTIFICATE,
  CERTIFICATE_VALIDATION,
  code,
  domain,
  DOMAIN_NAME,
  FUNCTION,
  GLOBAL_NAME,
  HEALTH_CHECK,
  INTEGRATION,
  ordersFunctions,
  ordersRoutes,
  PERMISSION,
  RECORD,
  ROLE_POLICY,
  ROUTE,
  STAGE,
  ZONE_ID,
} from "./fixtures";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const ALIAS_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders-orders-function-mock123:live`;

function build(args: Partial<RegionalServiceArgs> = {}, name = "orders") {
  return runComponent(
    () =>
      new RegionalService(name, {
        region: REGION,
        functions: ordersFunctions,
        routes: ordersRoutes,
        ...args,
      }),
  );
}

describe("RegionalService", () => {
  describe("the HTTP API", () => {
    it("is an HTTP API with a $default stage that deploys every change", async () => {
      const { resources } = await build();
      resources.hasResourceProperties(API, { protocolType: "HTTP", region: REGION });
      resources.hasResourceProperties(STAGE, { name: "$default", autoDeploy: true });
    });

    it("integrates each function through its live alias, so traffic shifting applies to API traffic", async () => {
      const { resources } = await build();
      const alias = resources.hasResourceProperties(ALIAS, { name: "live" });
      resources.resourceCountIs(INTEGRATION, 1);
      resources.hasResourceProperties(INTEGRATION, {
        integrationType: "AWS_PROXY",
        payloadFormatVersion: "2.0",
        integrationUri: ALIAS_ARN,
      });
      expect(alias.outputs.arn).to.equal(ALIAS_ARN);
    });

    it("lets API Gateway invoke the alias only, and only from this API", async () => {
      const { resources } = await build();
      const api = resources.ofType(API)[0];
      resources.resourceCountIs(PERMISSION, 1);
      resources.hasResourceProperties(PERMISSION, {
        action: "lambda:InvokeFunction",
        function: "orders-orders-function-mock123",
        qualifier: "live",
        principal: "apigateway.amazonaws.com",
        sourceArn: `${api.outputs.executionArn}/*/*`,
      });
    });

    it("creates the given routes and GET /health, each on its function's integration", async () => {
      const { resources } = await build();
      const integration = resources.ofType(INTEGRATION)[0];
      expect(resources.ofType(ROUTE).map((r) => r.inputs.routeKey)).to.deep.equal([
        "POST /orders",
        "GET /orders/{id}",
        "GET /health",
      ]);
      resources.allResourcesProperties(ROUTE, { target: `integrations/${integration.id}` });
    });

    it("answers GET /health with the function named by healthFunction", async () => {
      const { resources } = await build({
        functions: { orders: { code }, status: { code } },
        healthFunction: "status",
      });
      const status = resources.get(INTEGRATION, "orders-status-integration");
      expect(status.inputs.integrationUri).to.match(/orders-status-function-mock123:live$/);
      resources.hasResourceProperties(ROUTE, {
        routeKey: "GET /health",
        target: `integrations/${status.id}`,
      });
      resources.hasResourceProperties(PERMISSION, { function: "orders-status-function-mock123" });
    });

    it("sends GET /health to the first function by default", async () => {
      const { resources } = await build({ functions: { orders: { code }, payments: { code } } });
      const orders = resources.get(INTEGRATION, "orders-orders-integration");
      resources.hasResourceProperties(ROUTE, {
        routeKey: "GET /health",
        target: `integrations/${orders.id}`,
      });
      // payments has no route: no integration, no permission.
      resources.resourceCountIs(INTEGRATION, 1);
      resources.resourceCountIs(PERMISSION, 1);
    });

    it("makes the API and the domain dualstack when asked", async () => {
      const { resources } = await build({ ipAddressType: "dualstack", domain });
      resources.hasResourceProperties(API, { ipAddressType: "dualstack" });
      resources.hasResourceProperties(DOMAIN_NAME, {
        domainNameConfiguration: { ipAddressType: "dualstack" },
      });
    });
  });

  describe("the health check", () => {
    it("calls /health over HTTPS on the region's own execute-api hostname, 30 s x 3 by default", async () => {
      const { resources, result } = await build({ domain });
      const api = resources.ofType(API)[0];
      const hostname = `${api.id}.execute-api.${REGION}.amazonaws.com`;
      resources.resourceCountIs(HEALTH_CHECK, 1);
      const check = resources.hasResourceProperties(HEALTH_CHECK, {
        type: "HTTPS",
        fqdn: hostname,
        port: 443,
        resourcePath: "/health",
        enableSni: true,
        requestInterval: 30,
        failureThreshold: 3,
        measureLatency: Match.absent(),
        regions: Match.absent(),
      });
      expect(check.inputs.fqdn).to.not.equal(GLOBAL_NAME);
      expect(result.failoverDetectionSeconds).to.equal(90);
      expect(await promiseOf(result.healthCheckId)).to.equal(check.id);
      expect(await promiseOf(result.endpointHostname)).to.equal(hostname);
    });

    it("takes interval, threshold, latency measurement and checker regions from its arguments", async () => {
      const { resources, result } = await build({
        healthCheck: {
          requestInterval: 10,
          failureThreshold: 2,
          measureLatency: true,
          regions: ["us-east-1", "eu-west-1", "ap-southeast-1"],
        },
      });
      resources.hasResourceProperties(HEALTH_CHECK, {
        requestInterval: 10,
        failureThreshold: 2,
        measureLatency: true,
        regions: ["us-east-1", "eu-west-1", "ap-southeast-1"],
      });
      expect(result.failoverDetectionSeconds).to.equal(20);
    });

    it("combines the endpoint check and alarm checks in a calculated check that decides", async () => {
      const { resources, result } = await build({
        healthCheck: {
          alarms: [
            { alarmName: "orders-5xx" },
            { alarmName: "orders-table-throttles", insufficientDataHealthStatus: "Healthy" },
          ],
        },
      });
      resources.resourceCountIs(HEALTH_CHECK, 4);
      const endpoint = resources.get(HEALTH_CHECK, "orders-health-check");
      const fiveXx = resources.hasResourceProperties(HEALTH_CHECK, {
        type: "CLOUDWATCH_METRIC",
        cloudwatchAlarmName: "orders-5xx",
        cloudwatchAlarmRegion: REGION,
        insufficientDataHealthStatus: "LastKnownStatus",
      });
      const throttles = resources.hasResourceProperties(HEALTH_CHECK, {
        type: "CLOUDWATCH_METRIC",
        cloudwatchAlarmName: "orders-table-throttles",
        insufficientDataHealthStatus: "Healthy",
      });
      const calculated = resources.hasResourceProperties(HEALTH_CHECK, {
        type: "CALCULATED",
        childHealthchecks: [endpoint.id, fiveXx.id, throttles.id],
        childHealthThreshold: 3,
      });
      expect(await promiseOf(result.healthCheckId)).to.equal(calculated.id);
    });
  });

  describe("the custom domain", () => {
    it("gets a DNS-validated certificate for the global name in this region", async () => {
      const { resources } = await build({ domain });
      const certificate = resources.hasResourceProperties(CERTIFICATE, {
        region: REGION,
        domainName: GLOBAL_NAME,
        validationMethod: "DNS",
      });
      const option = certificate.outputs.domainValidationOptions[0];
      const record = resources.hasResourceProperties(RECORD, {
        zoneId: ZONE_ID,
        name: option.resourceRecordName,
        type: "CNAME",
        records: [option.resourceRecordValue],
        allowOverwrite: true,
      });
      resources.hasResourceProperties(CERTIFICATE_VALIDATION, {
        region: REGION,
        certificateArn: certificate.outputs.arn,
        validationRecordFqdns: [record.outputs.fqdn],
      });
    });

    it("upserts and keeps the validation record another region's certificate shares", async () => {
      const { resources } = await runComponent(() => [
        new RegionalService("orders-east", {
          region: "us-east-1",
          functions: ordersFunctions,
          domain,
        }),
        new RegionalService("orders-west", {
          region: "us-west-2",
          functions: ordersFunctions,
          domain,
        }),
      ]);
      const records = resources.ofType(RECORD);
      expect(records).to.have.length(2);
      // ACM's CNAME for a name is the same in every region of an account.
      expect(records[0].inputs.name).to.equal(records[1].inputs.name);
      for (const record of records) {
        expect(record.inputs.allowOverwrite, record.name).to.equal(true);
        expect(record.options.retainOnDelete, record.name).to.equal(true);
      }
    });

    it("serves the name from a regional TLS 1.2 API Gateway domain mapped to the $default stage", async () => {
      const { resources, result } = await build({ domain });
      const validation = resources.ofType(CERTIFICATE_VALIDATION)[0];
      const domainName = resources.hasResourceProperties(DOMAIN_NAME, {
        region: REGION,
        domainName: GLOBAL_NAME,
        domainNameConfiguration: {
          certificateArn: validation.outputs.certificateArn,
          endpointType: "REGIONAL",
          securityPolicy: "TLS_1_2",
          ipAddressType: "ipv4",
        },
      });
      const api = resources.ofType(API)[0];
      resources.hasResourceProperties(API_MAPPING, {
        region: REGION,
        apiId: api.id,
        domainName: GLOBAL_NAME,
        stage: "$default",
      });
      const configuration = domainName.outputs.domainNameConfiguration;
      expect(await promiseOf(result.customDomain!.targetDomainName)).to.equal(
        configuration.targetDomainName,
      );
      expect(await promiseOf(result.customDomain!.hostedZoneId)).to.equal("ZLY8HYME6SFDD");
    });

    it("creates no certificate, domain or record without a domain", async () => {
      const { resources, result } = await build();
      for (const type of [CERTIFICATE, CERTIFICATE_VALIDATION, DOMAIN_NAME, API_MAPPING, RECORD]) {
        resources.resourceCountIs(type, 0);
      }
      expect(result.customDomain).to.equal(undefined);
    });
  });

  describe("the table", () => {
    const table = {
      name: "orders",
      arn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`,
    };

    it("gives every function TABLE_NAME and read/write access to the table in its own region only", async () => {
      const { resources } = await build({
        functions: { orders: { code }, reports: { code, policyStatements: [] } },
        table,
      });
      const regionalArn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`;
      for (const key of ["orders", "reports"]) {
        resources.hasResourceProperties(FUNCTION, {
          environment: { variables: { TABLE_NAME: "orders", LOG_LEVEL: "INFO" } },
        });
        const policy = JSON.parse(
          resources.get(ROLE_POLICY, `orders-${key}-role-policy`).inputs.policy,
        );
        const statement = policy.Statement.find((s: any) => s.Sid === "ReadWriteRegionalTable");
        expect(statement, key).to.deep.equal({
          Sid: "ReadWriteRegionalTable",
          Effect: "Allow",
          Action: [
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:Query",
            "dynamodb:BatchGetItem",
            "dynamodb:BatchWriteItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:DescribeTable",
          ],
          Resource: [regionalArn, `${regionalArn}/index/*`],
        });
      }
    });

    it("gives a function with its own role TABLE_NAME but leaves its permissions to the caller", async () => {
      const { resources } = await build({
        functions: { orders: { code, role: "arn:aws:iam::123456789012:role/orders" } },
        table,
      });
      resources.hasResourceProperties(FUNCTION, {
        role: "arn:aws:iam::123456789012:role/orders",
        environment: { variables: { TABLE_NAME: "orders" } },
      });
      resources.resourceCountIs(ROLE_POLICY, 1); // the CodeDeploy role's only
    });
  });

  describe("placement", () => {
    it("puts every regional resource in its region and IAM and Route 53 in none", async () => {
      const { resources } = await build({
        domain,
        healthCheck: { alarms: [{ alarmName: "orders-5xx" }] },
      });
      const custom = resources.all.filter((r) => r.custom);
      for (const resource of custom) {
        const global =
          resource.type.startsWith("aws:iam/") || resource.type.startsWith("aws:route53/");
        expect(resource.inputs.region, `${resource.type} ${resource.name}`).to.equal(
          global ? undefined : REGION,
        );
      }
    });

    it("tags every taggable resource and names its health checks", async () => {
      const tags = { service: "orders", environment: "prod" };
      const { resources } = await build({
        domain,
        tags,
        healthCheck: { alarms: [{ alarmName: "orders-5xx" }] },
      });
      const untaggable = [
        ALIAS,
        ROLE_POLICY,
        INTEGRATION,
        ROUTE,
        PERMISSION,
        API_MAPPING,
        RECORD,
        CERTIFICATE_VALIDATION,
        "pulumi-nodejs:dynamic:LambdaDeployment",
      ];
      const taggable = resources.all.filter((r) => r.custom && !untaggable.includes(r.type));
      for (const resource of taggable) {
        const expected = resource.type === HEALTH_CHECK ? { Name: resource.name, ...tags } : tags;
        expect(resource.inputs.tags, `${resource.type} ${resource.name}`).to.deep.equal(expected);
      }
    });
  });

  describe("invalid arguments", () => {
    const cases: [string, Partial<RegionalServiceArgs>, string][] = [
      [
        "an unknown region",
        { region: "us-east-3" },
        '[region] is "us-east-3": is not an AWS commercial region (AWS_COMMERCIAL_REGIONS); if AWS launched it after this list, name it in unlistedRegions',
      ],
      [
        "a route without a method",
        { routes: { "/orders": "orders" } },
        '[routes["/orders"]] is "/orders": must be "<METHOD> /<path>"',
      ],
      [
        "a route to an unknown function",
        { routes: { "POST /orders": "payments" } },
        '[routes["POST /orders"]] is "payments": must name one of the functions: "orders"',
      ],
      [
        "its own GET /health route",
        { routes: { "GET /health": "orders" } },
        '[routes["GET /health"]] is "orders": GET /health is added by the service (see healthFunction); remove it here',
      ],
      [
        "an unknown health function",
        { healthFunction: "status" },
        '[healthFunction] is "status": must name one of the functions: "orders"',
      ],
      [
        "no function",
        { functions: {} },
        "[functions] is {}: must name at least one function: { orders: { code } }",
      ],
      [
        "a function placed by hand",
        { functions: { orders: { code, region: "us-east-1" } as any } },
        '[functions.orders.region] is "us-east-1": is set by the service; remove it here',
      ],
      [
        "an invalid function argument, named with its function",
        { functions: { orders: { code, memorySize: 64 } } },
        "[functions.orders.memorySize] is 64: must be a whole number from 128 to 10240 MB",
      ],
      [
        "TABLE_NAME set by hand with a table",
        {
          functions: { orders: { code, environment: { TABLE_NAME: "x" } } },
          table: { name: "orders", arn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders" },
        },
        '[functions.orders.environment.TABLE_NAME] is "x": is set from the service\'s table; remove it here',
      ],
      [
        "an uppercase domain name",
        { domain: { zoneId: ZONE_ID, name: "API.example.com" } },
        '[domain.name] is "API.example.com": must be a lowercase DNS name such as api.example.com (no trailing dot, no wildcard)',
      ],
      [
        "two checker regions",
        { healthCheck: { regions: ["us-east-1", "eu-west-1"] } },
        '[healthCheck.regions] is ["us-east-1","eu-west-1"]: must name at least 3 checker regions',
      ],
      [
        "a checker region Route 53 does not check from",
        { healthCheck: { regions: ["us-east-1", "eu-west-1", "eu-central-1"] as any } },
        '[healthCheck.regions[2]] is "eu-central-1": must be one of "us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"',
      ],
      [
        "an alarm without a name",
        { healthCheck: { alarms: [{ alarmName: "" }] } },
        '[healthCheck.alarms[0].alarmName] is "": is required',
      ],
    ];

    for (const [what, args, message] of cases) {
      it(`rejects ${what} before registering anything`, async () => {
        const failure = await expectRunFailure(build(args));
        expect(failure.message).to.include(message);
        expect(failure.resources.all).to.deep.equal([]);
      });
    }

    it("accepts a region named in unlistedRegions", async () => {
      const { resources } = await build({
        region: "xx-newplace-1",
        unlistedRegions: ["xx-newplace-1"],
      });
      resources.hasResourceProperties(API, { region: "xx-newplace-1" });
    });
  });
});
