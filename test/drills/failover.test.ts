// The failover drill against a stateful Route 53 (aws-sdk-client-mock) and a zone whose answer
// follows the health check, on a virtual clock: no real waiting.
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  Route53Client,
  UpdateHealthCheckCommand,
} from "@aws-sdk/client-route-53";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { describeFailoverReport, runFailoverDrill } from "../../drills/failover";
import { VirtualClock } from "../deployment/sim/virtualClock";

const CHECK = "abcdef12-3456-7890-abcd-ef1234567890";
const PRIMARY_IPS = ["3.210.0.10", "3.210.0.11"];
const STANDBY_IPS = ["44.230.0.20"];

/**
 * Route 53 as the drill sees it: the check's config (Inverted, HealthCheckVersion), and checker
 * observations that turn `detectAfterMs` after an inversion. Shapes: Route 53 API reference,
 * GetHealthCheck (`HealthCheck.HealthCheckConfig.Inverted`, `HealthCheckVersion`),
 * UpdateHealthCheck (`Inverted`, `HealthCheckVersion`), GetHealthCheckStatus
 * (`HealthCheckObservations[].Region/IPAddress/StatusReport.Status`, e.g. "Success: HTTP Status
 * Code 200, OK" in the AWS CLI example of get-health-check-status).
 */
class Route53World {
  inverted = false;
  version = 1;
  invertedAt?: number;
  restoredAt?: number;
  updates: boolean[] = [];
  constructor(
    private readonly clock: VirtualClock,
    readonly detectAfterMs: number,
    readonly dnsAfterMs: number,
  ) {}
  /** What Route 53 decides, with the inversion. */
  unhealthy(): boolean {
    return (
      this.invertedAt !== undefined && this.clock.now() - this.invertedAt >= this.detectAfterMs
    );
  }
  /** The answer the zone's name servers give: the standby once the primary is unhealthy long enough. */
  answer(): string[] {
    if (this.invertedAt === undefined) return PRIMARY_IPS;
    return this.clock.now() - this.invertedAt >= this.dnsAfterMs ? STANDBY_IPS : PRIMARY_IPS;
  }
  install(route53: ReturnType<typeof mockClient>) {
    route53.on(GetHealthCheckCommand).callsFake(() => ({
      HealthCheck: {
        Id: CHECK,
        CallerReference: "drill-test",
        HealthCheckVersion: this.version,
        HealthCheckConfig: { Type: "HTTPS", Inverted: this.inverted },
      },
    }));
    route53.on(UpdateHealthCheckCommand).callsFake((input) => {
      if (input.HealthCheckVersion !== undefined && input.HealthCheckVersion !== this.version) {
        throw Object.assign(new Error("version mismatch"), { name: "HealthCheckVersionMismatch" });
      }
      this.inverted = input.Inverted;
      this.version++;
      this.updates.push(input.Inverted);
      if (input.Inverted) this.invertedAt = this.clock.now();
      else {
        this.invertedAt = undefined;
        this.restoredAt = this.clock.now();
      }
      return { HealthCheck: { Id: CHECK, HealthCheckVersion: this.version } };
    });
    route53.on(GetHealthCheckStatusCommand).callsFake(() => {
      return {
        HealthCheckObservations: ["us-east-1", "us-west-1", "eu-west-1"].map((region) => ({
          Region: region,
          IPAddress: "15.177.0.1",
          // The endpoint itself stays up. The drill reads the checkers' reports through the
          // inversion, so until Route 53 has taken it in (detectAfterMs) the fake reports a
          // failure, which the inverted reading counts as still healthy.
          StatusReport: {
            Status:
              this.invertedAt !== undefined && !this.unhealthy()
                ? "Failure: HTTP Status Code 503, Service Unavailable"
                : "Success: HTTP Status Code 200, OK",
          },
        })),
      };
    });
  }
}

function setUp(detectAfterMs = 90_000, dnsAfterMs = 150_000) {
  const clock = new VirtualClock();
  const route53 = mockClient(Route53Client);
  const world = new Route53World(clock, detectAfterMs, dnsAfterMs);
  world.install(route53);
  const lines: string[] = [];
  const options = {
    route53: new Route53Client({ region: "us-east-1" }),
    resolver: { resolve4: async () => world.answer() },
    clock,
    region: "us-east-1",
    healthCheckId: CHECK,
    globalName: "api.staging.example.com",
    expectedDetectionSeconds: 90,
    pollMs: 10_000,
    progress: (line: string) => lines.push(line),
  };
  return { clock, route53, world, lines, options };
}

describe("failover drill", () => {
  afterEach(() => mockClient(Route53Client).restore());

  it("inverts the check, measures detection and the DNS switch, restores it and sees the answer come back", async () => {
    const { clock, world, lines, options } = setUp();
    const report = await clock.drive(runFailoverDrill(options));
    expect(report.outcome).to.equal("passed");
    expect(report.restored).to.equal(true);
    expect(world.updates).to.deep.equal([true, false]);
    expect(world.inverted).to.equal(false);
    expect(report.detectionSeconds).to.be.within(90, 100);
    expect(report.switchSeconds).to.be.within(150, 160);
    expect(report.baselineAnswer).to.deep.equal(PRIMARY_IPS);
    expect(report.failoverAnswer).to.deep.equal(STANDBY_IPS);
    expect(report.restoredAnswer).to.deep.equal(PRIMARY_IPS);
    expect(report.steps.map((s) => s.name)).to.deep.equal([
      "baseline",
      "inverted",
      "unhealthy",
      "moved",
      "restored",
      "back",
    ]);
    expect(lines.join("\n")).to.contain("Route 53 reports us-east-1 unhealthy after");
    expect(describeFailoverReport(report)).to.contain("PASSED").and.contain("within expectation");
  });

  it("restores the check when Ctrl-C comes while waiting for Route 53", async () => {
    const { clock, world, options } = setUp();
    const interrupt = new AbortController();
    const run = runFailoverDrill({ ...options, signal: interrupt.signal });
    await clock.drive(clock.sleep(30_000));
    expect(world.inverted, "inverted before the interruption").to.equal(true);
    interrupt.abort();
    const report = await clock.drive(run);
    expect(report.outcome).to.equal("interrupted");
    expect(report.restored).to.equal(true);
    expect(world.inverted).to.equal(false);
    expect(world.updates).to.deep.equal([true, false]);
  });

  it("restores the check when the inversion's response is lost although it took effect", async () => {
    const { clock, route53, world, options } = setUp();
    let first = true;
    route53.on(UpdateHealthCheckCommand).callsFake((input) => {
      world.inverted = input.Inverted;
      world.updates.push(input.Inverted);
      if (first) {
        first = false;
        world.invertedAt = clock.now();
        // The change happened; the response did not arrive (a non-retryable network failure).
        throw Object.assign(new Error("socket hang up"), { name: "Error" });
      }
      return { HealthCheck: { Id: CHECK } };
    });
    const report = await clock.drive(runFailoverDrill(options));
    expect(report.outcome).to.equal("failed");
    expect(report.problem).to.contain("socket hang up");
    expect(report.restored).to.equal(true);
    expect(world.updates).to.deep.equal([true, false]);
  });

  it("keeps restoring through throttling and 5xx until Route 53 takes it", async () => {
    const { clock, route53, world, options } = setUp(10_000, 20_000);
    let restoreAttempts = 0;
    route53.on(UpdateHealthCheckCommand).callsFake((input) => {
      if (!input.Inverted && restoreAttempts++ < 3) {
        // Route 53 API reference, Common Errors: Throttling (400) and ServiceUnavailable (503).
        throw Object.assign(new Error("Rate exceeded"), {
          name: restoreAttempts % 2 ? "Throttling" : "ServiceUnavailable",
          $metadata: { httpStatusCode: restoreAttempts % 2 ? 400 : 503 },
          $retryable: restoreAttempts % 2 ? { throttling: true } : undefined,
        });
      }
      world.inverted = input.Inverted;
      world.updates.push(input.Inverted);
      world.invertedAt = input.Inverted ? clock.now() : undefined;
      return { HealthCheck: { Id: CHECK } };
    });
    const report = await clock.drive(runFailoverDrill(options));
    expect(restoreAttempts).to.equal(4);
    expect(report.restored).to.equal(true);
    expect(world.inverted).to.equal(false);
    expect(report.outcome).to.equal("passed");
  });

  it("reports when the answer never moves, and still restores", async () => {
    const { clock, world, options } = setUp(30_000, Number.MAX_SAFE_INTEGER);
    const report = await clock.drive(runFailoverDrill({ ...options, stepTimeoutMs: 300_000 }));
    expect(report.outcome).to.equal("failed");
    expect(report.problem).to.match(/the answer for api.staging.example.com to move: not seen/);
    expect(report.detectionSeconds).to.be.within(30, 40);
    expect(report.switchSeconds).to.equal(undefined);
    expect(world.inverted).to.equal(false);
    expect(report.restored).to.equal(true);
  });

  it("refuses a check that is already inverted, changing nothing", async () => {
    const { clock, world, options } = setUp();
    world.inverted = true;
    const report = await clock.drive(runFailoverDrill(options));
    expect(report.outcome).to.equal("failed");
    expect(report.problem).to.contain("already inverted");
    expect(world.updates).to.deep.equal([]);
  });
});
