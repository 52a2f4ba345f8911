// The integration suite (docs/integration-tests.md). Run through `npm run test:integration`,
// which skips it with one line when the Pulumi CLI, AWS credentials, a backend or (for a
// throwaway stack) the IT_* variables are missing.
//
// Throwaway mode (default): create stack it-<random> (staging settings, two regions behind
// Route 53 failover), `pulumi up` AllAtOnce, check; `pulumi up` a new version under a
// one-minute canary, check that it finished; destroy the stack whatever happened.
// Existing mode (--stack / IT_STACK / PULUMI_STACK): read the deployed stack's outputs and
// run the same checks, deploying and destroying nothing.
import { expect } from "chai";
import { promises as dns } from "dns";
import { loadRoute53Reader } from "./route53";
import {
  checkAliases,
  checkDeployments,
  checkDnsResolution,
  checkHealthChecks,
  checkOrderRoundTrips,
  checkRegionalHealth,
  checkReplication,
  checkRoutingRecords,
  failuresOf,
  Finding,
  formatFinding,
  FunctionVersions,
  targetVersionsOf,
  untilPassing,
} from "./checks";
import { RegionalClients } from "./clients";
import { runContext } from "./context";
import type { StackOutputs } from "./outputs";
import { skipLine } from "./prerequisites";
import { IntegrationSession, openExistingSession, openThrowawaySession } from "./session";
import { newThrowawayStackName, throwawaySettingsFromEnv } from "./stackConfig";

const MINUTE = 60_000;
const log = (line: string): void => console.log(`      ${line}`);

/** Prints every finding; fails with the failures; skips when nothing could be checked. */
function report(context: Mocha.Context, findings: Finding[]): void {
  findings.forEach((f) => log(formatFinding(f)));
  if (findings.length > 0 && findings.every((f) => f.status === "skip")) {
    context.skip();
  }
  expect(failuresOf(findings).map(formatFinding), "failed checks").to.deep.equal([]);
}

const progress = (failures: Finding[], attempt: number): void =>
  log(`not yet (attempt ${attempt}): ${failures.map(formatFinding).join("; ")}`);

const context = runContext();
const mode = context.prerequisites.mode;

/**
 * How long each eventually-true check is retried. A throwaway stack was created minutes ago
 * (certificates, custom domains, records and health checks still coming up); an existing stack
 * normally is settled, and the pipeline job has 30 minutes in all.
 */
const WAIT_MINUTES =
  mode.kind === "throwaway"
    ? { health: 3, roundTrips: 12, healthChecks: 12, dns: 8 }
    : { health: 1, roundTrips: 3, healthChecks: 5, dns: 2 };
const waitFor = (minutes: number, intervalMs: number) => ({
  timeoutMs: minutes * MINUTE,
  intervalMs,
  onRetry: progress,
});
const clients = new RegionalClients();
const route53 = loadRoute53Reader();
const http = { fetch: globalThis.fetch };
const customerId = `it-${new Date().toISOString()}`;

/** The checks of a deployed stack, on the outputs `current()` returns when they run. */
function serviceChecks(current: () => StackOutputs): void {
  it("answers GET /health in every region, from that region", async function () {
    report(
      this,
      await untilPassing(
        () => checkRegionalHealth(current(), http),
        waitFor(WAIT_MINUTES.health, 10_000),
      ),
    );
  });

  it("creates and reads an order through each regional endpoint and the global name", async function () {
    this.timeout((WAIT_MINUTES.roundTrips + 3) * MINUTE);
    // The global name needs its records, certificate and custom domain to be live.
    report(
      this,
      await untilPassing(
        () => checkOrderRoundTrips(current(), http, customerId),
        waitFor(WAIT_MINUTES.roundTrips, 20_000),
      ),
    );
  });

  it("replicates an order from the first region to the others", async function () {
    report(this, await checkReplication(current(), http, customerId));
  });

  it("has every function's live alias on the stack's published version, no weights left", async function () {
    report(this, await checkAliases(current(), clients.lambda));
  });

  it("has no CodeDeploy deployment running and the last one Succeeded", async function () {
    report(this, await checkDeployments(current(), clients.codedeploy));
  });

  it("has a Route 53 health check on each region's own /health, and each is healthy", async function () {
    this.timeout((WAIT_MINUTES.healthChecks + 3) * MINUTE);
    // A new health check publishes its first HealthCheckStatus after a few minutes.
    report(
      this,
      await untilPassing(
        () => checkHealthChecks(current(), { route53, cloudwatch: clients.cloudwatch }),
        waitFor(WAIT_MINUTES.healthChecks, 30_000),
      ),
    );
  });

  it("routes the domain with one PRIMARY and one SECONDARY record (failover)", async function () {
    report(this, await checkRoutingRecords(current(), route53));
  });

  it("resolves the domain in DNS", async function () {
    this.timeout((WAIT_MINUTES.dns + 2) * MINUTE);
    report(
      this,
      await untilPassing(
        () => checkDnsResolution(current(), (name) => dns.resolve4(name)),
        waitFor(WAIT_MINUTES.dns, 15_000),
      ),
    );
  });
}

describe(
  mode.kind === "throwaway"
    ? "the bundled program on AWS (throwaway stack)"
    : `the bundled program on AWS (stack ${mode.stack})`,
  function () {
    let session: IntegrationSession | undefined;
    let outputs: StackOutputs | undefined;
    const current = (): StackOutputs => {
      if (!outputs) {
        throw new Error("the stack has no outputs: its deployment failed (see above)");
      }
      return outputs;
    };

    before(async function () {
      if (context.prerequisites.missing.length > 0) {
        // Loaded without the runner (e.g. `mocha integration/service.it.ts`).
        console.log(skipLine(context.prerequisites.missing));
        this.skip();
      }
      this.timeout(90 * MINUTE);
      if (mode.kind === "existing") {
        session = await openExistingSession({
          projectDir: context.projectDir,
          stackName: mode.stack,
          prerequisites: context.prerequisites,
          env: context.env,
        });
        outputs = await session.outputs();
        return;
      }
      session = await openThrowawaySession({
        projectDir: context.projectDir,
        stackName: newThrowawayStackName(),
        settings: throwawaySettingsFromEnv(context.env),
        prerequisites: context.prerequisites,
        env: context.env,
        log,
      });
      outputs = await session.deploy("first");
    });

    // Runs even when a deployment or a check failed: nothing of a throwaway stack may be left.
    after(async function () {
      this.timeout(60 * MINUTE);
      try {
        await session?.close();
      } finally {
        clients.destroy();
      }
    });

    describe(
      mode.kind === "throwaway" ? "after the first deployment (AllAtOnce)" : "as deployed",
      () => serviceChecks(current),
    );

    if (mode.kind === "throwaway") {
      describe("after a canary deployment of a new version (10% for 1 minute, then all)", () => {
        let versionsBefore: FunctionVersions;
        let canaryStarted: Date;

        // The second `pulumi up` changes LOG_LEVEL, so every function publishes a new version,
        // and the deployment type, so CodeDeploy shifts it as a canary with the hooks; the
        // update returns once the deployment Succeeded (it fails `pulumi up` otherwise).
        before(async function () {
          this.timeout(60 * MINUTE);
          versionsBefore = targetVersionsOf(current());
          // A margin for clock skew: only deployments to the new version count anyway.
          canaryStarted = new Date(Date.now() - 5 * MINUTE);
          outputs = undefined;
          outputs = await session!.deploy("canary");
        });

        it("moved every live alias to the new version with no routing weights left", async function () {
          report(this, await checkAliases(current(), clients.lambda, versionsBefore));
        });

        it("ran the canary deployment to Succeeded with the group's canary configuration", async function () {
          report(
            this,
            await checkDeployments(current(), clients.codedeploy, {
              requireDeployment: true,
              since: canaryStarted,
            }),
          );
        });

        it("still serves every region after the shift", async function () {
          report(this, [
            ...(await checkRegionalHealth(current(), http)),
            ...(await checkOrderRoundTrips(current(), http, customerId)),
          ]);
        });
      });
    }
  },
);
