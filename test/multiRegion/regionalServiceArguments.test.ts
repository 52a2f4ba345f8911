// The exact error a RegionalService gives for each kind of bad argument, before it registers
// anything, and the edge values it accepts (regionalService.test.ts has the common cases).
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { MultiRegionService, RegionalService } from "../../components";
import { expectRunFailure, runComponent } from "../../testing";
import { code, domain, HEALTH_CHECK, ROUTE, shape } from "./fixtures";

const SUBJECT = 'RegionalService "orders"';
const REGION = "eu-west-1";
// DynamoDB API Reference, DescribeTable: TableArn "arn:aws:dynamodb:us-west-2:123456789012:table/Music".
const TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";
const ROUTE_RULE =
  'must be "<METHOD> /<path>": METHOD one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY; path segments of letters, digits, ._~- or {param}, a greedy {param+} only last (e.g. "GET /orders/{id}")';
const ALARM_NAME_RULE = "is required: the name of a CloudWatch alarm in the service's region";
const TABLE_ARN_RULE =
  "must be the table's ARN (arn:<partition>:dynamodb:<region>:<account>:table/<name>)";
const ZONE_RULE = "is required: the Route 53 hosted zone that holds domain.name";
// A VPC of the account, as EC2 DescribeVpcs/DescribeSubnets/DescribeSecurityGroups return their
// ids (vpc-, subnet-, sg- followed by 17 hex digits; EC2 API Reference examples).
const EAST_VPC = {
  vpcId: "vpc-0a1b2c3d4e5f60718",
  subnetIds: ["subnet-0a1b2c3d4e5f60711"],
  securityGroupIds: ["sg-0a1b2c3d4e5f60719"],
};

/** The message of InvalidArgumentsError for these problems. */
function expected(...problems: string[]): string {
  return problems.length === 1
    ? `${SUBJECT}: ${problems[0]}`
    : [
        `${SUBJECT} has ${problems.length} invalid arguments:`,
        ...problems.map((p) => `  - ${p}`),
      ].join("\n");
}

function build(args: unknown) {
  return runComponent(() => new RegionalService("orders", args as any));
}

/** Arguments of a valid one-function service with `changes` on top. */
function service(changes: Record<string, unknown>): Record<string, unknown> {
  return { region: REGION, functions: { orders: { code } }, ...changes };
}

const cases: [string, unknown, string[]][] = [
  [
    "no arguments object",
    null,
    ["[args] is null: must be an object with at least `region` and `functions`"],
  ],
  [
    "a string for the arguments",
    "orders",
    ['[args] is "orders": must be an object with at least `region` and `functions`'],
  ],
  [
    "functions that are null, without judging routes or the health function against them",
    service({ functions: null, routes: { "GET /orders": "orders" }, healthFunction: "orders" }),
    ["[functions] is null: must name at least one function: { orders: { code } }"],
  ],
  [
    "functions given as a string",
    service({ functions: "orders" }),
    ['[functions] is "orders": must name at least one function: { orders: { code } }'],
  ],
  [
    "no functions, without judging routes against them",
    service({ functions: {}, routes: { "GET /orders": "orders" } }),
    ["[functions] is {}: must name at least one function: { orders: { code } }"],
  ],
  [
    "a function that is null",
    service({ functions: { orders: null } }),
    ["[functions.orders.args] is null: must be an object with at least `code`"],
  ],
  [
    "a function name starting with a digit",
    service({ functions: { "1orders": { code } } }),
    [
      '[functions.1orders] is "1orders": function names are 1-32 letters, digits or -, starting with a letter',
    ],
  ],
  [
    "an invalid function argument, named with its function",
    service({ functions: { orders: { code, memorySize: 64 } } }),
    ["[functions.orders.memorySize] is 64: must be a whole number from 128 to 10240 MB"],
  ],
  [
    "routes given as a string",
    service({ routes: "GET /orders" }),
    [
      '[routes] is "GET /orders": must map route keys to function names: { "GET /orders": "orders" }',
    ],
  ],
  [
    "a route and a health function naming no function, listing every function",
    service({
      functions: { orders: { code }, payments: { code } },
      routes: { "GET /reports": "reports" },
      healthFunction: "status",
    }),
    [
      '[routes["GET /reports"]] is "reports": must name one of the functions: "orders", "payments"',
      '[healthFunction] is "status": must name one of the functions: "orders", "payments"',
    ],
  ],
  [
    "route keys with text before the method or after the path",
    service({ routes: { "xGET /orders": "orders", "GET /orders x": "orders" } }),
    [
      `[routes["xGET /orders"]] is "xGET /orders": ${ROUTE_RULE}`,
      `[routes["GET /orders x"]] is "GET /orders x": ${ROUTE_RULE}`,
    ],
  ],
  [
    "a greedy path parameter that is not last",
    service({ routes: { "GET /{proxy+}/x": "orders" } }),
    [`[routes["GET /{proxy+}/x"]] is "GET /{proxy+}/x": ${ROUTE_RULE}`],
  ],
  [
    "an IP address type API Gateway does not have",
    service({ ipAddressType: "ipv6" }),
    ['[ipAddressType] is "ipv6": must be one of "ipv4", "dualstack"'],
  ],
  [
    "a domain that is null",
    service({ domain: null }),
    ["[domain] is null: must be { zoneId, name }"],
  ],
  [
    "a domain given as its name only",
    service({ domain: "api.example.com" }),
    ['[domain] is "api.example.com": must be { zoneId, name }'],
  ],
  [
    "a domain name that is not a string",
    service({ domain: { zoneId: "Z0123456789EXAMPLE", name: ["api.example.com"] } }),
    [
      '[domain.name] is ["api.example.com"]: must be a lowercase DNS name such as api.example.com (no trailing dot, no wildcard)',
    ],
  ],
  [
    "a domain without a zone",
    service({ domain: { name: "api.example.com" } }),
    [`[domain.zoneId] is undefined: ${ZONE_RULE}`],
  ],
  [
    "a domain whose zone is null",
    service({ domain: { name: "api.example.com", zoneId: null } }),
    [`[domain.zoneId] is null: ${ZONE_RULE}`],
  ],
  [
    "a domain whose zone is empty",
    service({ domain: { name: "api.example.com", zoneId: "" } }),
    [`[domain.zoneId] is "": ${ZONE_RULE}`],
  ],
  [
    "a health check that is null",
    service({ healthCheck: null }),
    ["[healthCheck] is null: must be { requestInterval?, failureThreshold?, ... }"],
  ],
  [
    "a health check given as a string",
    service({ healthCheck: "fast" }),
    ['[healthCheck] is "fast": must be { requestInterval?, failureThreshold?, ... }'],
  ],
  [
    "measureLatency that is not a boolean",
    service({ healthCheck: { measureLatency: "yes" } }),
    ['[healthCheck.measureLatency] is "yes": must be true or false'],
  ],
  [
    "checker regions given as one string",
    service({ healthCheck: { regions: "us-east-1" } }),
    ['[healthCheck.regions] is "us-east-1": must be a list of Route 53 checker regions'],
  ],
  [
    "a checker region listed twice",
    service({
      healthCheck: { regions: ["us-east-1", "us-east-1", "eu-west-1", "ap-southeast-1"] },
    }),
    ['[healthCheck.regions[1]] is "us-east-1": is listed twice'],
  ],
  [
    "alarms given as one string",
    service({ healthCheck: { alarms: "orders-5xx" } }),
    ['[healthCheck.alarms] is "orders-5xx": must be a list of { alarmName }'],
  ],
  [
    "an alarm that is null, or whose name is missing, null or not a string",
    service({
      healthCheck: { alarms: [null, {}, { alarmName: null }, { alarmName: 5 }] },
    }),
    [
      `[healthCheck.alarms[0].alarmName] is undefined: ${ALARM_NAME_RULE}`,
      `[healthCheck.alarms[1].alarmName] is undefined: ${ALARM_NAME_RULE}`,
      `[healthCheck.alarms[2].alarmName] is null: ${ALARM_NAME_RULE}`,
      `[healthCheck.alarms[3].alarmName] is 5: ${ALARM_NAME_RULE}`,
    ],
  ],
  [
    "an insufficient-data status Route 53 does not have",
    service({
      healthCheck: { alarms: [{ alarmName: "a", insufficientDataHealthStatus: "Unknown" }] },
    }),
    [
      '[healthCheck.alarms[0].insufficientDataHealthStatus] is "Unknown": must be one of "Healthy", "Unhealthy", "LastKnownStatus"',
    ],
  ],
  [
    "a region that is not a name, once, without judging extension layers or VPCs for it",
    service({
      region: 5,
      functions: { orders: { code, appConfigExtension: true } },
      network: { vpc: "existing", existingVpcs: {} },
    }),
    ["[region] is 5: must be an AWS region name such as us-east-1"],
  ],
  [
    "the AppConfig extension in a region AWS publishes no layer for",
    service({
      region: "xx-newplace-1",
      unlistedRegions: ["xx-newplace-1"],
      functions: { orders: { code, appConfigExtension: true } },
    }),
    [
      "[functions.orders.appConfigExtension] is true: AWS publishes no AppConfig Lambda extension layer for xx-newplace-1 in the table of extension 2.0.17054.0 (components/appConfigExtension.ts); read flags without the extension there (AWS SDK, appConfigExtension false) or add the region's ARN from the AppConfig User Guide",
    ],
  ],
  [
    "an existing VPC for another region than the service's",
    service({ network: { vpc: "existing", existingVpcs: { "us-east-1": EAST_VPC } } }),
    [
      "[network.existingVpcs.eu-west-1] is undefined: is required: every serving region needs its VPC { vpcId, subnetIds, securityGroupIds }",
      '[network.existingVpcs.us-east-1] is "us-east-1": is not one of the service\'s regions: "eu-west-1"',
    ],
  ],
  [
    "a table that is null",
    service({ table: null }),
    ["[table] is null: must be { name, arn } (an aws.dynamodb.Table fits)"],
  ],
  [
    "a table given as its name only",
    service({ table: "orders" }),
    ['[table] is "orders": must be { name, arn } (an aws.dynamodb.Table fits)'],
  ],
  [
    "a table ARN inside a list",
    service({ table: { name: "orders", arn: [TABLE_ARN] } }),
    [`[table.arn] is ["${TABLE_ARN}"]: ${TABLE_ARN_RULE}`],
  ],
  [
    "a table without name and ARN",
    service({ table: {} }),
    ["[table.name] is undefined: is required", `[table.arn] is undefined: ${TABLE_ARN_RULE}`],
  ],
  [
    "a table with an empty name",
    service({ table: { name: "", arn: TABLE_ARN } }),
    ['[table.name] is "": is required'],
  ],
  [
    "a table ARN with text before arn:",
    service({ table: { name: "orders", arn: `x${TABLE_ARN}` } }),
    [`[table.arn] is "x${TABLE_ARN}": ${TABLE_ARN_RULE}`],
  ],
  [
    "a table ARN that is a number",
    service({ table: { name: "orders", arn: 5 } }),
    [`[table.arn] is 5: ${TABLE_ARN_RULE}`],
  ],
  [
    "a table ARN of another service (S3)",
    service({ table: { name: "orders", arn: "arn:aws:s3:::orders" } }),
    [`[table.arn] is "arn:aws:s3:::orders": ${TABLE_ARN_RULE}`],
  ],
];

describe("RegionalService arguments", () => {
  describe("rejects, with one error naming every problem and registering nothing,", () => {
    for (const [what, args, problems] of cases) {
      it(what, async () => {
        const failure = await expectRunFailure(build(args));
        expect(failure.message).to.equal(expected(...problems));
        expect(failure.resources.all).to.deep.equal([]);
      });
    }
  });

  it("accepts the root path, a greedy last parameter, both intervals' 30 s and every insufficient-data status", async () => {
    const { resources } = await build(
      service({
        routes: { "GET /": "orders", "ANY /{proxy+}": "orders" },
        ipAddressType: "ipv4",
        healthCheck: {
          requestInterval: 30,
          measureLatency: false,
          alarms: [
            { alarmName: "orders-5xx", insufficientDataHealthStatus: "Unhealthy" },
            { alarmName: "orders-p99", insufficientDataHealthStatus: "LastKnownStatus" },
            { alarmName: "orders-throttles", insufficientDataHealthStatus: "Healthy" },
          ],
        },
      }),
    );
    expect(resources.ofType(ROUTE).map((route) => route.inputs.routeKey)).to.deep.equal([
      "GET /",
      "ANY /{proxy+}",
      "GET /health",
    ]);
    resources.hasResourceProperties(HEALTH_CHECK, { type: "HTTPS", requestInterval: 30 });
    expect(
      resources
        .find(HEALTH_CHECK, { type: "CLOUDWATCH_METRIC" })
        .map((check) => check.inputs.insufficientDataHealthStatus),
    ).to.deep.equal(["Unhealthy", "LastKnownStatus", "Healthy"]);
  });

  it("takes an alarm name and a table ARN that are known only at deployment", async () => {
    const { resources } = await build(
      service({
        healthCheck: { alarms: [{ alarmName: pulumi.output("orders-5xx") }] },
        table: { name: "orders", arn: pulumi.output(TABLE_ARN) },
      }),
    );
    resources.hasResourceProperties(HEALTH_CHECK, { cloudwatchAlarmName: "orders-5xx" });
    // The ARN known only at deployment still reaches the execution role's table statement, as
    // the replica in the service's own region.
    const statements = resources
      .ofType("aws:iam/rolePolicy:RolePolicy")
      .flatMap((policy) => JSON.parse(policy.inputs.policy).Statement as Record<string, unknown>[]);
    const table = statements.find((statement) => statement.Sid === "ReadWriteRegionalTable");
    const replica = TABLE_ARN.replace(":us-east-1:", `:${REGION}:`);
    expect(table?.Resource).to.deep.equal([replica, `${replica}/index/*`]);
  });

  it("accepts a MultiRegionService standby record name that is a DNS name in the zone", async () => {
    const { result } = await runComponent(
      () =>
        new MultiRegionService("orders", {
          topology: "active-passive",
          primaryRegion: "us-east-1",
          standbyRegions: ["us-west-2", "eu-west-1"],
          ...shape,
          domain,
          standbyRecordName: "standby-pool.example.com",
        }),
    );
    expect(result.recordNames).to.deep.equal(["api.example.com", "standby-pool.example.com"]);
  });

  it("refuses a MultiRegionService standby record name that is not a DNS name string", async () => {
    const failure = await expectRunFailure(
      runComponent(
        () =>
          new MultiRegionService("orders", {
            topology: "active-passive",
            primaryRegion: "us-east-1",
            standbyRegions: ["us-west-2", "eu-west-1"],
            ...shape,
            domain,
            standbyRecordName: ["standby.example.com"] as any,
          }),
      ),
    );
    expect(failure.message).to.equal(
      'MultiRegionService "orders": [standbyRecordName] is ["standby.example.com"]: must be a lowercase DNS name in the domain\'s zone, other than domain.name',
    );
  });
});
