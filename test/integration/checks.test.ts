import { createHash } from "crypto";
import {
  CloudWatchClient,
  GetMetricStatisticsCommand,
  GetMetricStatisticsCommandInput,
} from "@aws-sdk/client-cloudwatch";
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  DeploymentInfo,
  ListDeploymentsCommand,
  ListDeploymentsCommandInput,
} from "@aws-sdk/client-codedeploy";
import { GetAliasCommand, LambdaClient, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import {
  checkAliases,
  checkDeployments,
  checkDnsResolution,
  checkHealthChecks,
  checkOrderRoundTrips,
  checkRegionalHealth,
  checkReplication,
  checkRoutingRecords,
  deploymentTargetVersion,
  failuresOf,
  Finding,
  formatFinding,
  targetVersionsOf,
  untilPassing,
} from "../../integration/checks";
import { appSpecContent } from "../../deployment/appSpec";
import { parseStackOutputs } from "../../integration/outputs";
import {
  DOMAIN,
  ENDPOINTS,
  failoverRecords,
  fakeApi,
  fakeClock,
  fakeRoute53,
  functionOutput,
  HEALTH_CHECK_IDS,
  PRIMARY,
  STANDBY,
  stackOutputs,
  ZONE_ID,
} from "./fixtures";

const statuses = (findings: Finding[]) => findings.map((f) => `${f.status} ${f.subject}`);
const failureDetails = (findings: Finding[]) => failuresOf(findings).map((f) => f.detail);

describe("integration checks", () => {
  describe("formatFinding", () => {
    it("prints status, check, subject and detail on one line", () => {
      expect(
        formatFinding({
          check: "GET /health",
          subject: "us-east-1",
          status: "fail",
          detail: "503",
        }),
      ).to.equal("FAIL GET /health us-east-1: 503");
      expect(
        formatFinding({ check: "DNS", subject: DOMAIN, status: "pass", detail: "1.2.3.4" }),
      ).to.equal("PASS DNS it.example.com: 1.2.3.4");
    });
  });

  describe("parseStackOutputs", () => {
    it("reads the Automation API's { value, secret } outputs", () => {
      const outputs = stackOutputs();
      const map = Object.fromEntries(
        Object.entries(outputs).map(([k, value]) => [k, { value, secret: false }]),
      );
      expect(parseStackOutputs(map)).to.deep.equal(outputs);
    });

    it("names every missing output, so an older program is recognized", () => {
      const older: Record<string, unknown> = { ...stackOutputs() };
      delete older.functions;
      delete older.regionOrder;
      expect(() => parseStackOutputs(older)).to.throw(
        /not the bundled program's[\s\S]*regionOrder: missing[\s\S]*functions: missing/,
      );
    });
  });

  describe("checkRegionalHealth", () => {
    it("passes when each region's /health answers 200 from that region", async () => {
      const api = fakeApi();
      const findings = await checkRegionalHealth(stackOutputs(), api);
      expect(statuses(findings)).to.deep.equal([`pass ${PRIMARY}`, `pass ${STANDBY}`]);
      expect(api.requests).to.have.members([
        `GET ${ENDPOINTS[PRIMARY]}/health`,
        `GET ${ENDPOINTS[STANDBY]}/health`,
      ]);
    });

    it("fails a region whose /health answers 503, naming the endpoint", async () => {
      const api = fakeApi({ statusOf: { [`GET ${ENDPOINTS[STANDBY]}/health`]: 503 } });
      const findings = await checkRegionalHealth(stackOutputs(), api);
      expect(failureDetails(findings)).to.have.length(1);
      expect(failureDetails(findings)[0]).to.contain(`${ENDPOINTS[STANDBY]}/health answered 503`);
    });

    it("fails a region answered from another region", async () => {
      const api = fakeApi({ servedBy: { [ENDPOINTS[STANDBY]]: PRIMARY } });
      const findings = await checkRegionalHealth(stackOutputs(), api);
      expect(failureDetails(findings)).to.deep.equal([
        `${ENDPOINTS[STANDBY]}/health was answered from "us-east-1", not us-west-2`,
      ]);
    });

    it("fails an unreachable endpoint and a region without an endpoint", async () => {
      const api = fakeApi({ unreachable: [ENDPOINTS[PRIMARY]] });
      const outputs = stackOutputs({ regionalEndpoints: { [PRIMARY]: ENDPOINTS[PRIMARY] } });
      const findings = await checkRegionalHealth(outputs, api);
      expect(failureDetails(findings)).to.deep.equal([
        `${ENDPOINTS[PRIMARY]}/health: TypeError: fetch failed (ENOTFOUND)`,
        "no regional endpoint in the stack's outputs",
      ]);
    });
  });

  describe("checkOrderRoundTrips", () => {
    it("writes and reads an order in each region and through the global name (the primary)", async () => {
      const api = fakeApi();
      const findings = await checkOrderRoundTrips(stackOutputs(), api, "it-customer");
      expect(statuses(findings)).to.deep.equal([
        `pass ${PRIMARY}`,
        `pass ${STANDBY}`,
        `pass global https://${DOMAIN}`,
      ]);
      expect(api.requests.filter((r) => r.startsWith("POST"))).to.have.members([
        `POST ${ENDPOINTS[PRIMARY]}/orders`,
        `POST ${ENDPOINTS[STANDBY]}/orders`,
        `POST https://${DOMAIN}/orders`,
      ]);
    });

    it("fails when the global name of an active-passive stack is served by the standby", async () => {
      const api = fakeApi({ servedBy: { [`https://${DOMAIN}`]: STANDBY } });
      const findings = await checkOrderRoundTrips(stackOutputs(), api, "it-customer");
      expect(failureDetails(findings)).to.have.length(1);
      expect(failureDetails(findings)[0]).to.match(
        /served by us-west-2, not the primary us-east-1: Route 53 failed over/,
      );
    });

    it("accepts any region of an active-active stack behind the global name", async () => {
      const outputs = stackOutputs();
      outputs.resolvedSettings.topology = "active-active";
      const api = fakeApi({ servedBy: { [`https://${DOMAIN}`]: STANDBY } });
      expect(failuresOf(await checkOrderRoundTrips(outputs, api, "c"))).to.deep.equal([]);
    });

    it("fails a region whose POST /orders fails, and one that computes a wrong total", async () => {
      const failing = fakeApi({ statusOf: { [`POST ${ENDPOINTS[STANDBY]}/orders`]: 500 } });
      const findings = await checkOrderRoundTrips(stackOutputs(), failing, "c");
      expect(failureDetails(findings)).to.have.length(1);
      expect(failureDetails(findings)[0]).to.contain(
        `POST ${ENDPOINTS[STANDBY]}/orders answered 500`,
      );

      const wrong = await checkOrderRoundTrips(stackOutputs(), fakeApi({ total: 2.5 }), "c");
      expect(failuresOf(wrong)).to.have.length(3);
      expect(failureDetails(wrong)[0]).to.contain("computed total 2.5, not 2.6");
    });

    it("skips the global name when the stack has no domain", async () => {
      const outputs = stackOutputs();
      delete outputs.resolvedSettings.domain;
      const findings = await checkOrderRoundTrips(outputs, fakeApi(), "c");
      expect(statuses(findings)).to.deep.equal([
        `pass ${PRIMARY}`,
        `pass ${STANDBY}`,
        "skip global endpoint",
      ]);
    });
  });

  describe("checkReplication", () => {
    it("reads an order written in the first region from every other region", async () => {
      const findings = await checkReplication(stackOutputs(), fakeApi(), "c");
      expect(statuses(findings)).to.deep.equal([`pass ${STANDBY}`]);
    });

    it("fails after its tries when a region never sees the order", async () => {
      const clock = fakeClock();
      const api = fakeApi({ isolated: [STANDBY] });
      const findings = await checkReplication(
        stackOutputs(),
        { fetch: api.fetch, sleep: clock.sleep, attempts: 3, intervalMs: 500 },
        "c",
      );
      expect(failureDetails(findings)[0]).to.match(
        /^order order-1 from us-east-1 not readable in us-west-2 after 3 tries \(answered 404/,
      );
      expect(clock.sleeps).to.deep.equal([500, 500]);
    });

    it("skips a stack without a table", async () => {
      const findings = await checkReplication(
        stackOutputs({ tableName: undefined }),
        fakeApi(),
        "c",
      );
      expect(findings.map((f) => f.status)).to.deep.equal(["skip"]);
    });
  });

  describe("checkAliases", () => {
    const lambdas: Record<string, LambdaClient> = {
      [PRIMARY]: new LambdaClient({ region: PRIMARY }),
      [STANDBY]: new LambdaClient({ region: STANDBY }),
    };
    const mocks = {
      [PRIMARY]: mockClient(lambdas[PRIMARY]),
      [STANDBY]: mockClient(lambdas[STANDBY]),
    };
    const lambdaIn = (region: string) => lambdas[region];
    // GetAlias's AliasConfiguration (Lambda API Reference, GetAlias Response Syntax).
    const alias = (version: string, weights?: Record<string, number>) => ({
      Name: "live",
      FunctionVersion: version,
      RoutingConfig: weights ? { AdditionalVersionWeights: weights } : undefined,
    });

    beforeEach(() => {
      Object.values(mocks).forEach((m) => m.reset());
      Object.values(mocks).forEach((m) => m.on(GetAliasCommand).resolves(alias("2")));
    });

    it("passes aliases on the stack's target version with no weights, reading each in its region", async () => {
      const findings = await checkAliases(stackOutputs(), lambdaIn);
      expect(failuresOf(findings)).to.deep.equal([]);
      expect(findings).to.have.length(2);
      expect(mocks[STANDBY].commandCalls(GetAliasCommand)[0].args[0].input).to.deep.equal({
        FunctionName: functionOutput(STANDBY).functionName,
        Name: "live",
      });
    });

    it("fails an alias on $LATEST, behind the target, with weights left, or missing", async () => {
      mocks[PRIMARY].on(GetAliasCommand).resolves(alias("$LATEST"));
      mocks[STANDBY].on(GetAliasCommand).resolves(alias("1"));
      expect(failureDetails(await checkAliases(stackOutputs(), lambdaIn))).to.deep.equal([
        'points at "$LATEST", not a published version',
        "points at version 1, the stack's target is 2 (the deployment failed, rolled back or is still running)",
      ]);

      mocks[PRIMARY].on(GetAliasCommand).resolves(alias("2", { "1": 0.9 }));
      mocks[STANDBY].on(GetAliasCommand).rejects(
        new ResourceNotFoundException({ message: "Alias not found", $metadata: {} }),
      );
      expect(failureDetails(await checkAliases(stackOutputs(), lambdaIn))).to.deep.equal([
        'routing weights left {"1":0.9}: the shift did not finish',
        "the alias does not exist",
      ]);
    });

    it("after a deployment, passes only aliases that moved to a new version", async () => {
      const before = { [PRIMARY]: { orders: "1" }, [STANDBY]: { orders: "2" } };
      const findings = await checkAliases(stackOutputs(), lambdaIn, before);
      expect(findings.map((f) => `${f.status} ${f.detail}`)).to.deep.equal([
        "pass moved from version 1 to 2, no routing weights left",
        "fail still version 2: the deployment published no new version",
      ]);
    });

    it("records each function's target version to compare with after the next deployment", () => {
      const outputs = stackOutputs();
      outputs.functions[STANDBY].orders.targetVersion = "5";
      expect(targetVersionsOf(outputs)).to.deep.equal({
        [PRIMARY]: { orders: "2" },
        [STANDBY]: { orders: "5" },
      });
    });

    it("accepts weights in weighted mode, and fails a region missing from the functions output", async () => {
      mocks[PRIMARY].on(GetAliasCommand).resolves(alias("3", { "4": 0.1 }));
      const outputs = stackOutputs({
        functions: { [PRIMARY]: { orders: functionOutput(PRIMARY, { mode: "weighted" }) } },
      });
      const findings = await checkAliases(outputs, lambdaIn);
      expect(findings.map((f) => `${f.status} ${f.subject}`)).to.deep.equal([
        `fail ${STANDBY}`,
        `pass ${PRIMARY} ${functionOutput(PRIMARY).functionName}:live`,
      ]);
    });
  });

  describe("checkDeployments", () => {
    const clients: Record<string, CodeDeployClient> = {
      [PRIMARY]: new CodeDeployClient({ region: PRIMARY }),
      [STANDBY]: new CodeDeployClient({ region: STANDBY }),
    };
    const mocks = {
      [PRIMARY]: mockClient(clients[PRIMARY]),
      [STANDBY]: mockClient(clients[STANDBY]),
    };
    const codedeployIn = (region: string) => clients[region];
    /** A deployment LambdaDeployment started: its AppSpec moves the alias to `target`. */
    /**
     * A deployment as BatchGetDeployments returns it (CodeDeploy API Reference, DeploymentInfo):
     * an inline AppSpec revision is identified by its sha256 only ("The content property of the
     * appSpecContent object in the returned revision is always null", GetDeployment), so the
     * target version is read from the description LambdaDeployment writes.
     */
    const deployment = (
      region: string,
      id: string,
      target: string,
      extra: Partial<DeploymentInfo> = {},
    ): DeploymentInfo => ({
      deploymentId: id,
      status: "Succeeded",
      deploymentConfigName: functionOutput(region).deploymentConfigName,
      createTime: new Date(`2026-03-01T10:0${id.slice(-1)}:00Z`),
      description: `pulumi up: live -> version ${target} [pulumi:abc]`,
      revision: {
        revisionType: "AppSpecContent",
        appSpecContent: {
          sha256: createHash("sha256")
            .update(
              appSpecContent({
                functionName: functionOutput(region).functionName,
                aliasName: "live",
                currentVersion: String(Number(target) - 1),
                targetVersion: target,
              }),
            )
            .digest("hex"),
        },
      },
      ...extra,
    });
    /**
     * The group's history (any order) and what is still running: ListDeployments answers ids
     * (`deployments`, `nextToken`), BatchGetDeployments `deploymentsInfo` (CodeDeploy API
     * Reference, Response Syntax of each).
     */
    const history = (region: string, deployments: DeploymentInfo[], running: string[] = []) => {
      mocks[region].on(ListDeploymentsCommand).callsFake((input: ListDeploymentsCommandInput) => ({
        deployments: input.includeOnlyStatuses ? running : deployments.map((d) => d.deploymentId),
      }));
      mocks[region].on(BatchGetDeploymentsCommand).callsFake((input) => ({
        deploymentsInfo: deployments.filter((d) =>
          input.deploymentIds.includes(d.deploymentId as string),
        ),
      }));
    };

    beforeEach(() => {
      for (const region of [PRIMARY, STANDBY]) {
        mocks[region].reset();
        history(region, [deployment(region, "d-2", "2"), deployment(region, "d-1", "1")]);
      }
    });

    it("passes when the newest deployment to the target Succeeded and nothing runs in the group", async () => {
      const since = new Date("2026-03-01T09:00:00Z");
      const findings = await checkDeployments(stackOutputs(), codedeployIn, {
        requireDeployment: true,
        since,
      });
      expect(failuresOf(findings)).to.deep.equal([]);
      expect(findings.map((f) => f.detail)).to.deep.equal([
        `nothing running in ${functionOutput(PRIMARY).deploymentGroupName}`,
        `d-2 Succeeded (${functionOutput(PRIMARY).deploymentConfigName}) to version 2`,
        `nothing running in ${functionOutput(STANDBY).deploymentGroupName}`,
        `d-2 Succeeded (${functionOutput(STANDBY).deploymentConfigName}) to version 2`,
      ]);
      const lists = mocks[PRIMARY].commandCalls(ListDeploymentsCommand).map((c) => c.args[0].input);
      expect(lists).to.deep.equal([
        {
          applicationName: functionOutput(PRIMARY).applicationName,
          deploymentGroupName: functionOutput(PRIMARY).deploymentGroupName,
          includeOnlyStatuses: ["Created", "Queued", "InProgress", "Baking", "Ready"],
        },
        {
          applicationName: functionOutput(PRIMARY).applicationName,
          deploymentGroupName: functionOutput(PRIMARY).deploymentGroupName,
          createTimeRange: { start: since },
          nextToken: undefined,
        },
      ]);
    });

    it("fails a deployment still running, and a deployment to the target that an alarm stopped", async () => {
      history(PRIMARY, [deployment(PRIMARY, "d-2", "2")], ["d-3"]);
      history(STANDBY, [
        deployment(STANDBY, "d-1", "2"),
        deployment(STANDBY, "d-2", "2", {
          status: "Stopped",
          errorInformation: { code: "ALARM_ACTIVE", message: "Activated alarms: <errors>" },
        }),
      ]);
      expect(failureDetails(await checkDeployments(stackOutputs(), codedeployIn))).to.deep.equal([
        `still running in ${functionOutput(PRIMARY).deploymentGroupName}: d-3`,
        "d-2 to version 2 is Stopped (ALARM_ACTIVE: Activated alarms: <errors>)",
      ]);
    });

    it("after a canary, fails a group with no deployment to the target or one run with another configuration", async () => {
      history(PRIMARY, [deployment(PRIMARY, "d-1", "1")]);
      history(STANDBY, [
        deployment(STANDBY, "d-2", "2", {
          deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
        }),
      ]);
      expect(
        failureDetails(
          await checkDeployments(stackOutputs(), codedeployIn, {
            requireDeployment: true,
            since: new Date("2026-03-01T09:00:00Z"),
          }),
        ),
      ).to.deep.equal([
        "no deployment to version 2 since 2026-03-01T09:00:00.000Z: the last pulumi up started none",
        `d-2 ran CodeDeployDefault.LambdaAllAtOnce, not the group's ${functionOutput(STANDBY).deploymentConfigName}`,
      ]);
    });

    it("skips a first deployment that needed no CodeDeploy deployment", async () => {
      for (const region of [PRIMARY, STANDBY]) {
        history(region, []);
      }
      const findings = await checkDeployments(stackOutputs(), codedeployIn);
      expect(findings.map((f) => `${f.status} ${f.detail}`)).to.include(
        "skip no deployment to version 2 (the alias was created at it, or it was deployed earlier)",
      );
      expect(failuresOf(findings)).to.deep.equal([]);
    });

    it("reads a long history in pages and batches of 25, and skips weighted functions", async () => {
      const many = Array.from({ length: 30 }, (_, i) =>
        deployment(PRIMARY, `d-${i}`, "1", { createTime: new Date(Date.UTC(2026, 0, 1, 0, i)) }),
      );
      many.push(
        deployment(PRIMARY, "d-target", "2", { createTime: new Date(Date.UTC(2025, 0, 1)) }),
      );
      // ListDeployments pages with nextToken (CodeDeploy API Reference, ListDeployments).
      mocks[PRIMARY].on(ListDeploymentsCommand).callsFake((input: ListDeploymentsCommandInput) =>
        input.includeOnlyStatuses
          ? { deployments: [] }
          : input.nextToken
            ? { deployments: many.slice(20).map((d) => d.deploymentId) }
            : { deployments: many.slice(0, 20).map((d) => d.deploymentId), nextToken: "page-2" },
      );
      mocks[PRIMARY].on(BatchGetDeploymentsCommand).callsFake((input) => ({
        deploymentsInfo: many.filter((d) => input.deploymentIds.includes(d.deploymentId as string)),
      }));
      const outputs = stackOutputs();
      outputs.functions[STANDBY].orders.mode = "weighted";
      const findings = await checkDeployments(outputs, codedeployIn);
      expect(findings.map((f) => `${f.status} ${f.detail}`)).to.deep.equal([
        `pass nothing running in ${functionOutput(PRIMARY).deploymentGroupName}`,
        `pass d-target Succeeded (${functionOutput(PRIMARY).deploymentConfigName}) to version 2`,
        "skip weighted mode: no CodeDeploy deployments",
      ]);
      const batches = mocks[PRIMARY].commandCalls(BatchGetDeploymentsCommand);
      expect(batches.map((c) => c.args[0].input.deploymentIds?.length)).to.deep.equal([25, 6]);
    });

    it("reads the target version from the AppSpec, else from the default description", () => {
      expect(deploymentTargetVersion(deployment(PRIMARY, "d-1", "7"))).to.equal("7");
      expect(
        deploymentTargetVersion({ description: "pulumi up: live -> version 12 [pulumi:x]" }),
      ).to.equal("12");
      expect(deploymentTargetVersion({ description: "by hand" })).to.equal(undefined);
    });
  });

  describe("checkHealthChecks", () => {
    const cloudwatch = new CloudWatchClient({ region: "us-east-1" });
    const metrics = mockClient(cloudwatch);
    const now = () => new Date("2026-03-01T12:00:00Z");
    // A Route 53 health check's HealthCheckStatus datapoint (CloudWatch GetMetricStatistics
    // Datapoints with the Minimum statistic; 1 healthy, 0 unhealthy: Route 53 Developer Guide,
    // "Monitoring health check status with CloudWatch").
    const point = (minute: number, minimum: number) => ({
      Timestamp: new Date(`2026-03-01T11:${String(minute).padStart(2, "0")}:00Z`),
      Minimum: minimum,
    });

    beforeEach(() => {
      metrics.reset();
      metrics.on(GetMetricStatisticsCommand).resolves({ Datapoints: [point(58, 1), point(57, 1)] });
    });

    it("passes health checks on each region's own /health whose latest status is 1", async () => {
      const route53 = fakeRoute53();
      const findings = await checkHealthChecks(stackOutputs(), { route53, cloudwatch, now });
      expect(failuresOf(findings)).to.deep.equal([]);
      expect(findings.map((f) => `${f.status} ${f.check} ${f.subject}`)).to.deep.equal([
        `pass health check exists ${PRIMARY} ${HEALTH_CHECK_IDS[PRIMARY]}`,
        `pass health check healthy ${PRIMARY} ${HEALTH_CHECK_IDS[PRIMARY]}`,
        `pass health check exists ${STANDBY} ${HEALTH_CHECK_IDS[STANDBY]}`,
        `pass health check healthy ${STANDBY} ${HEALTH_CHECK_IDS[STANDBY]}`,
      ]);
      const input = metrics.commandCalls(GetMetricStatisticsCommand)[0].args[0]
        .input as GetMetricStatisticsCommandInput;
      expect(input).to.deep.include({
        Namespace: "AWS/Route53",
        MetricName: "HealthCheckStatus",
        Dimensions: [{ Name: "HealthCheckId", Value: HEALTH_CHECK_IDS[PRIMARY] }],
        Period: 60,
        Statistics: ["Minimum"],
      });
      expect(input.StartTime?.toISOString()).to.equal("2026-03-01T11:50:00.000Z");
    });

    it("fails an unhealthy latest status, and a check without data yet", async () => {
      metrics
        .on(GetMetricStatisticsCommand, {
          Dimensions: [{ Name: "HealthCheckId", Value: HEALTH_CHECK_IDS[PRIMARY] }],
        })
        .resolves({ Datapoints: [point(59, 0), point(50, 1)] })
        .on(GetMetricStatisticsCommand, {
          Dimensions: [{ Name: "HealthCheckId", Value: HEALTH_CHECK_IDS[STANDBY] }],
        })
        .resolves({ Datapoints: [] });
      const findings = await checkHealthChecks(stackOutputs(), {
        route53: fakeRoute53(),
        cloudwatch,
        now,
      });
      expect(failureDetails(findings)).to.deep.equal([
        "HealthCheckStatus 0 at 2026-03-01T11:59:00.000Z: Route 53 sees the region as unhealthy",
        "no HealthCheckStatus data in the last 10 minutes (a new check reports after a few minutes)",
      ]);
    });

    it("fails a missing health check and one on the global name instead of the region's own", async () => {
      const route53 = fakeRoute53({
        healthChecks: {
          [HEALTH_CHECK_IDS[PRIMARY]]: undefined,
          [HEALTH_CHECK_IDS[STANDBY]]: {
            id: HEALTH_CHECK_IDS[STANDBY],
            type: "HTTPS",
            fqdn: DOMAIN,
            resourcePath: "/health",
          },
        },
      });
      const findings = await checkHealthChecks(stackOutputs(), { route53, cloudwatch, now });
      expect(failureDetails(findings)).to.deep.equal([
        "Route 53 has no such health check",
        `HTTPS checks ${DOMAIN}/health, not the region's own def456.execute-api.us-west-2.amazonaws.com/health`,
      ]);
    });

    it("accepts a calculated check, and without a Route 53 client still checks the status", async () => {
      const route53 = fakeRoute53({
        healthChecks: {
          [HEALTH_CHECK_IDS[PRIMARY]]: {
            id: HEALTH_CHECK_IDS[PRIMARY],
            type: "CALCULATED",
            childHealthChecks: ["a", "b"],
          },
        },
      });
      const withCalculated = await checkHealthChecks(stackOutputs(), { route53, cloudwatch, now });
      expect(withCalculated[0].detail).to.equal("CALCULATED from 2 checks");

      const withoutRoute53 = await checkHealthChecks(stackOutputs(), { cloudwatch, now });
      expect(withoutRoute53.map((f) => `${f.status} ${f.check}`)).to.deep.equal([
        "skip health check exists",
        "pass health check healthy",
        "skip health check exists",
        "pass health check healthy",
      ]);
      expect(withoutRoute53[0].detail).to.contain("@aws-sdk/client-route-53");
    });
  });

  describe("checkRoutingRecords", () => {
    it("passes one PRIMARY on the primary's check and one SECONDARY on the standby's", async () => {
      const route53 = fakeRoute53();
      const findings = await checkRoutingRecords(stackOutputs(), route53);
      expect(findings.map((f) => `${f.status} ${f.detail}`)).to.deep.equal([
        `pass PRIMARY (primary) on us-east-1's health check ${HEALTH_CHECK_IDS[PRIMARY]}`,
        `pass SECONDARY (secondary) on us-west-2's health check ${HEALTH_CHECK_IDS[STANDBY]}`,
      ]);
      expect(route53.calls).to.deep.equal([`listRecords ${ZONE_ID} ${DOMAIN}`]);
    });

    it("fails two PRIMARY records, and a PRIMARY on the standby's health check", async () => {
      const [primary, secondary] = failoverRecords();
      const twoPrimaries = fakeRoute53({
        records: [primary, { ...secondary, failover: "PRIMARY" }],
      });
      expect(failureDetails(await checkRoutingRecords(stackOutputs(), twoPrimaries))).to.deep.equal(
        ["2 PRIMARY and 0 SECONDARY records; Route 53 routes failover with exactly one of each"],
      );
      const swapped = fakeRoute53({
        records: [{ ...primary, healthCheckId: HEALTH_CHECK_IDS[STANDBY] }, secondary],
      });
      expect(failureDetails(await checkRoutingRecords(stackOutputs(), swapped))).to.deep.equal([
        `PRIMARY carries health check ${HEALTH_CHECK_IDS[STANDBY]}, not us-east-1's ${HEALTH_CHECK_IDS[PRIMARY]}`,
      ]);
    });

    it("fails a domain without records, and passes a SECONDARY aliasing the standby chain", async () => {
      expect(
        failureDetails(await checkRoutingRecords(stackOutputs(), fakeRoute53({ records: [] }))),
      ).to.deep.equal([`no A/AAAA records for ${DOMAIN} in ${ZONE_ID}`]);
      const [primary, secondary] = failoverRecords();
      const chain = fakeRoute53({
        records: [
          primary,
          {
            ...secondary,
            healthCheckId: undefined,
            aliasTarget: { dnsName: `standby.${DOMAIN}.` },
          },
        ],
      });
      const threeRegions = stackOutputs({ regionOrder: [PRIMARY, STANDBY, "eu-west-1"] });
      const findings = await checkRoutingRecords(threeRegions, chain);
      expect(failuresOf(findings)).to.deep.equal([]);
      expect(findings[1].detail).to.equal(
        `SECONDARY (secondary) aliases standby.${DOMAIN}. (the standby chain)`,
      );
    });

    it("checks active-active records carry the regions' health checks and route to each", async () => {
      const outputs = stackOutputs();
      outputs.resolvedSettings.topology = "active-active";
      const latency = failoverRecords()
        .slice(0, 2)
        .map((r, i) => ({ ...r, failover: undefined, setIdentifier: [PRIMARY, STANDBY][i] }));
      expect(
        failuresOf(await checkRoutingRecords(outputs, fakeRoute53({ records: latency }))),
      ).to.deep.equal([]);
      const oneRegion = fakeRoute53({
        records: [latency[0], { ...latency[1], healthCheckId: undefined }],
      });
      expect(failureDetails(await checkRoutingRecords(outputs, oneRegion))).to.deep.equal([
        `records without a region's health check: ${STANDBY}`,
        `no record routes to ${STANDBY}`,
      ]);
    });

    it("is skipped without a domain or without a Route 53 client, and fails on an API error", async () => {
      const noDomain = stackOutputs();
      delete noDomain.resolvedSettings.domain;
      expect((await checkRoutingRecords(noDomain, fakeRoute53()))[0].status).to.equal("skip");
      const skipped = await checkRoutingRecords(stackOutputs(), undefined);
      expect(skipped.map((f) => `${f.status} ${f.detail}`)).to.deep.equal([
        "skip needs @aws-sdk/client-route-53 (npm install -D @aws-sdk/client-route-53)",
      ]);
      const denied = fakeRoute53({
        error: Object.assign(new Error("denied"), { name: "AccessDenied" }),
      });
      expect(failureDetails(await checkRoutingRecords(stackOutputs(), denied))).to.deep.equal([
        "ListResourceRecordSets failed: AccessDenied: denied",
      ]);
    });
  });

  describe("checkDnsResolution", () => {
    it("passes a domain that resolves, and fails one that does not", async () => {
      const resolved: string[] = [];
      const pass = await checkDnsResolution(stackOutputs(), async (name) => {
        resolved.push(name);
        return ["192.0.2.10", "192.0.2.11"];
      });
      expect(pass.map((f) => `${f.status} ${f.detail}`)).to.deep.equal([
        "pass resolves to 192.0.2.10, 192.0.2.11",
      ]);
      expect(resolved).to.deep.equal([DOMAIN]);
      const fail = await checkDnsResolution(stackOutputs(), async () => {
        throw Object.assign(new Error(`queryA ENOTFOUND ${DOMAIN}`), { code: "ENOTFOUND" });
      });
      expect(failureDetails(fail)).to.deep.equal([
        `does not resolve: ENOTFOUND: queryA ENOTFOUND ${DOMAIN}`,
      ]);
    });

    it("is skipped without a domain", async () => {
      const outputs = stackOutputs();
      delete outputs.resolvedSettings.domain;
      expect((await checkDnsResolution(outputs, async () => []))[0].status).to.equal("skip");
    });
  });

  describe("untilPassing", () => {
    const failing: Finding = { check: "DNS", subject: DOMAIN, status: "fail", detail: "NXDOMAIN" };
    const passing: Finding = { ...failing, status: "pass", detail: "ok" };

    it("retries until the check passes, reporting each failed attempt", async () => {
      const clock = fakeClock();
      const answers = [[failing], [failing], [passing]];
      const retries: number[] = [];
      const findings = await untilPassing(async () => answers.shift() ?? [], {
        timeoutMs: 60_000,
        intervalMs: 15_000,
        sleep: clock.sleep,
        now: clock.now,
        onRetry: (_, attempt) => retries.push(attempt),
      });
      expect(findings).to.deep.equal([passing]);
      expect(clock.sleeps).to.deep.equal([15_000, 15_000]);
      expect(retries).to.deep.equal([1, 2]);
    });

    it("returns the last failures when time is up", async () => {
      const clock = fakeClock();
      let attempts = 0;
      const findings = await untilPassing(
        async () => {
          attempts++;
          return [failing];
        },
        { timeoutMs: 60_000, intervalMs: 15_000, sleep: clock.sleep, now: clock.now },
      );
      expect(findings).to.deep.equal([failing]);
      expect(attempts).to.equal(5);
      expect(clock.time - Date.UTC(2026, 0, 1)).to.equal(60_000);
    });
  });
});
