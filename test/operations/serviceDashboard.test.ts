// The dashboard's widgets must name the metrics and dimensions the resources really emit:
// Lambda alias metrics (FunctionName + Resource "<function>:<alias>", ExecutedVersion), HTTP API
// metrics (ApiId + Stage, 4xx/5xx/Latency), Route 53 HealthCheckStatus (HealthCheckId, us-east-1
// only), DynamoDB ReplicationLatency (TableName + ReceivingRegion, in the sending region).
import { expect } from "chai";
import {
  InvalidArgumentsError,
  MultiRegionService,
  ServiceDashboard,
  serviceDashboardArgs,
} from "../../components";
import { promiseOf, runComponent } from "../../testing";
import { API, code, FUNCTION, HEALTH_CHECK, shape } from "../multiRegion/fixtures";

const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

async function stagingDashboard() {
  return runComponent(() => {
    const service = new MultiRegionService("orders", {
      topology: "active-passive",
      primaryRegion: "us-east-1",
      standbyRegions: ["us-west-2"],
      ...shape,
      table: { hashKey: "orderId" },
    });
    return new ServiceDashboard("orders-staging", serviceDashboardArgs(service));
  });
}

function rowsOf(widget: any): any[][] {
  return widget.properties.metrics;
}

describe("ServiceDashboard", () => {
  it("is one dashboard in the primary region showing both regions side by side", async () => {
    const { resources, result } = await stagingDashboard();
    resources.resourceCountIs(DASHBOARD, 1);
    const dashboard = resources.hasResourceProperties(DASHBOARD, {
      region: "us-east-1",
      dashboardName: "orders-staging",
    });
    const body = JSON.parse(dashboard.inputs.dashboardBody);
    const invocations = body.widgets.find((w: any) => /invocations/.test(w.properties.title));
    const regions = rowsOf(invocations).map((row) => row[row.length - 1].region);
    expect([...new Set(regions)]).to.deep.equal(["us-east-1", "us-west-2"]);
    expect(await promiseOf(result.url)).to.equal(
      "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/orders-staging",
    );
    // Every widget fits the 24-column grid.
    for (const widget of body.widgets) {
      expect(widget.x + widget.width, widget.properties.title).to.be.at.most(24);
    }
  });

  it("graphs the alias metrics by FunctionName and Resource <function>:live, p50 and p99", async () => {
    const { resources } = await stagingDashboard();
    const functionNames = resources
      .ofType(FUNCTION)
      .filter((f) => !/hook/i.test(f.name))
      .map((f) => ({ region: f.region, name: f.outputs.name }));
    const body = JSON.parse(resources.ofType(DASHBOARD)[0].inputs.dashboardBody);
    const duration = body.widgets.find((w: any) => /duration p50/.test(w.properties.title));
    for (const { region, name } of functionNames) {
      for (const stat of ["p50", "p99"]) {
        expect(rowsOf(duration)).to.deep.include([
          "AWS/Lambda",
          "Duration",
          "FunctionName",
          name,
          "Resource",
          `${name}:live`,
          { region, stat, label: `${stat} ${region}` },
        ]);
      }
    }
    const byVersion = body.widgets.find(
      (w: any) =>
        w.properties.title === "orders us-west-2: p99 duration and errors by executed version",
    );
    const west = functionNames.find((f) => f.region === "us-west-2")!.name;
    expect(byVersion.properties.region).to.equal("us-west-2");
    expect(rowsOf(byVersion)[0][0].expression).to.equal(
      `SEARCH('{AWS/Lambda,ExecutedVersion,FunctionName,Resource} MetricName="Duration" FunctionName="${west}" Resource="${west}:live"', 'p99', 60)`,
    );
  });

  it("graphs the HTTP APIs by ApiId and Stage $default, and the health checks in us-east-1", async () => {
    const { resources } = await stagingDashboard();
    const body = JSON.parse(resources.ofType(DASHBOARD)[0].inputs.dashboardBody);
    const errors = body.widgets.find((w: any) => w.properties.title === "API 4xx / 5xx");
    for (const api of resources.ofType(API)) {
      for (const metric of ["4xx", "5xx"]) {
        expect(rowsOf(errors)).to.deep.include([
          "AWS/ApiGateway",
          metric,
          "ApiId",
          api.id,
          "Stage",
          "$default",
          { region: api.region, stat: "Sum", label: `${metric} ${api.region}` },
        ]);
      }
    }
    const latency = body.widgets.find((w: any) => /API latency/.test(w.properties.title));
    expect(rowsOf(latency).map((row) => row[1])).to.deep.equal([
      "Latency",
      "Latency",
      "Latency",
      "Latency",
    ]);
    const health = body.widgets.find((w: any) => /health check status/.test(w.properties.title));
    expect(health.properties.region).to.equal("us-east-1");
    const checkIds = resources.ofType(HEALTH_CHECK).map((check) => check.id);
    expect(
      rowsOf(health).map((row) => [row[0], row[1], row[2], row[3], row[4].region]),
    ).to.deep.equal(
      checkIds.map((id) => ["AWS/Route53", "HealthCheckStatus", "HealthCheckId", id, "us-east-1"]),
    );
  });

  it("graphs replication latency from each sending region, shows the alarms and the errors of each region", async () => {
    const { resources } = await stagingDashboard();
    const body = JSON.parse(resources.ofType(DASHBOARD)[0].inputs.dashboardBody);
    const table = resources.ofType("aws:dynamodb/table:Table")[0].outputs.name;
    const replication = body.widgets.find((w: any) => /replication/.test(w.properties.title));
    expect(rowsOf(replication)).to.deep.equal([
      [
        "AWS/DynamoDB",
        "ReplicationLatency",
        "TableName",
        table,
        "ReceivingRegion",
        "us-west-2",
        { stat: "Average", label: "us-east-1 -> us-west-2", region: "us-east-1" },
      ],
      [
        "AWS/DynamoDB",
        "ReplicationLatency",
        "TableName",
        table,
        "ReceivingRegion",
        "us-east-1",
        { stat: "Average", label: "us-west-2 -> us-east-1", region: "us-west-2" },
      ],
    ]);
    const alarms = body.widgets.find((w: any) => w.type === "alarm");
    expect(alarms.properties.alarms.sort()).to.deep.equal(
      resources
        .ofType(ALARM)
        .map((alarm) => alarm.outputs.arn)
        .sort(),
    );
    const logs = body.widgets.filter((w: any) => w.type === "log");
    expect(logs.map((w: any) => w.properties.region)).to.deep.equal(["us-east-1", "us-west-2"]);
    const groups = resources
      .ofType("aws:cloudwatch/logGroup:LogGroup")
      .filter((g) => g.region === "us-west-2" && !/hook/i.test(g.name))
      .map((g) => g.outputs.name);
    for (const group of groups) {
      expect(logs[1].properties.query).to.contain(`SOURCE '${group}'`);
    }
    expect(logs[1].properties.query).to.match(/sort @timestamp desc \| limit 50$/);
  });

  it("shows the alarms on each region's queues of failed events beside the deployment alarms", async () => {
    const { resources } = await runComponent(() => {
      const service = new MultiRegionService("orders", {
        topology: "active-passive",
        primaryRegion: "us-east-1",
        standbyRegions: ["us-west-2"],
        ...shape,
        functions: {
          ...shape.functions,
          worker: {
            code,
            eventSources: { schedules: [{ name: "heartbeat", expression: "rate(15 minutes)" }] },
          },
        },
      });
      return new ServiceDashboard("orders-staging", serviceDashboardArgs(service));
    });
    const queueAlarms = resources.ofType(ALARM).filter((a) => a.inputs.namespace === "AWS/SQS");
    // Per region: the failure queue and the schedule's dead-letter queue.
    expect(queueAlarms.map((a) => a.region).sort()).to.deep.equal([
      "us-east-1",
      "us-east-1",
      "us-west-2",
      "us-west-2",
    ]);
    const body = JSON.parse(resources.ofType(DASHBOARD)[0].inputs.dashboardBody);
    const alarms = body.widgets.find((w: any) => w.type === "alarm");
    expect(alarms.properties.alarms).to.include.members(queueAlarms.map((a) => a.outputs.arn));
  });

  it("shows more than 100 alarms in several alarm widgets of at most 100 each, instead of failing after the service is registered", async () => {
    // CloudWatch alarm ARN: arn:aws:cloudwatch:<region>:<account>:alarm:<name> (IAM Service
    // Authorization Reference, CloudWatch resource type "alarm").
    const alarmArns = Array.from(
      { length: 130 },
      (_, i) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-${i}-errors`,
    );
    const { resources } = await runComponent(
      () =>
        new ServiceDashboard("orders-prod", {
          regions: [{ region: "us-east-1", functions: [] }],
          alarmArns,
        }),
    );
    const body = JSON.parse(resources.ofType(DASHBOARD)[0].inputs.dashboardBody);
    const widgets = body.widgets.filter((w: any) => w.type === "alarm");
    // The alarm status widget lists at most 100 alarms (CloudWatch dashboard body reference).
    expect(widgets.map((w: any) => w.properties.alarms.length)).to.deep.equal([100, 30]);
    expect(widgets.map((w: any) => w.properties.title)).to.deep.equal([
      "Deployment alarms (1 of 2)",
      "Deployment alarms (2 of 2)",
    ]);
    expect(widgets.flatMap((w: any) => w.properties.alarms)).to.deep.equal(alarmArns);
  });

  it("refuses bad arguments before registering anything, naming every problem", () => {
    expect(
      () =>
        new ServiceDashboard("orders dashboard", {
          regions: [
            { region: "us-east-1", functions: [] },
            { region: "us-east-1", functions: [] },
          ],
          periodSeconds: 90,
          colour: "blue",
        } as any),
    )
      .to.throw(InvalidArgumentsError)
      .with.property("message")
      .that.contains('[regions[1].region] is "us-east-1": is listed more than once')
      .and.contains("[periodSeconds] is 90: must be 60 or a multiple of 60")
      .and.contains("[colour] is not an argument")
      .and.contains("must be 1-255 letters, digits, - or _");
  });
});
