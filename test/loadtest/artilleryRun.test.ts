// Opt-in (LOADTEST_RUN=1, after `PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix loadtest`):
// the generated script, checked by Artillery's own validator and run by the pinned Artillery
// for a few seconds against two local regions serving the bundled orders handler. Slow (about
// 20 s, Artillery's start-up included), so not part of `npm test`.
import { expect } from "chai";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { artilleryScenario, PROCESSOR_FILE } from "../../loadtest/scenario";
import { LocalRegion, OrdersTable, startLocalRegion } from "./localOrders";

const LOADTEST_DIR = path.join(__dirname, "../../loadtest");
const ARTILLERY = path.join(LOADTEST_DIR, "node_modules/.bin/artillery");
const VALIDATOR = path.join(
  LOADTEST_DIR,
  "node_modules/artillery/dist/lib/util/validate-script.js",
);

interface ArtilleryRun {
  code: number;
  stdout: string;
  report: { aggregate: { counters: Record<string, number> } };
}

/** Runs `artillery run --output <json>`; Artillery's exit code is 1 when an ensure check fails. */
function runArtillery(script: string, dir: string): Promise<ArtilleryRun> {
  const output = path.join(dir, "report.json");
  return new Promise((resolve, reject) => {
    execFile(
      ARTILLERY,
      ["run", "--output", output, script],
      // No telemetry from a test run (Artillery docs, "Telemetry": ARTILLERY_DISABLE_TELEMETRY).
      { env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: "true" }, timeout: 120_000 },
      (error, stdout) => {
        if (error && typeof error.code !== "number") return reject(error);
        try {
          resolve({
            code: typeof error?.code === "number" ? error.code : 0,
            stdout,
            report: JSON.parse(fs.readFileSync(output, "utf8")),
          });
        } catch (readError) {
          reject(new Error(`no Artillery report (${String(readError)}):\n${stdout}`));
        }
      },
    );
  });
}

describe("load test: Artillery runs the generated script (opt-in: LOADTEST_RUN=1)", function () {
  this.timeout(240_000);
  const regions: LocalRegion[] = [];
  let logLevel: string | undefined;

  before(function () {
    if (process.env.LOADTEST_RUN !== "1") {
      console.log("    skipped: set LOADTEST_RUN=1 to run Artillery (docs/operations.md)");
      this.skip();
    }
    if (!fs.existsSync(ARTILLERY)) {
      throw new Error(
        `${ARTILLERY} is missing: run PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix loadtest`,
      );
    }
    // The handler logs every order at INFO; the run's output is Artillery's.
    logLevel = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = "FATAL";
  });

  after(async () => {
    await Promise.all(regions.map((region) => region.close()));
    if (logLevel === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = logLevel;
  });

  /** The script for two local regions (the first also stands for the global name). */
  function scriptFor(east: LocalRegion, west: LocalRegion, dir: string) {
    return artilleryScenario(
      {
        phases: [{ name: "short", duration: 4, arrivalRate: 5 }],
        p99LatencyMs: 2_000,
        maxErrorRatePercent: 1,
      },
      { endpoint: east.url, regionalEndpoints: { "us-east-1": east.url, "us-west-2": west.url } },
      {
        stack: "local",
        ordersStored: true,
        processorPath: path.relative(dir, PROCESSOR_FILE),
      },
    );
  }

  it("passes Artillery's own script validation", async () => {
    // Artillery's dist is ES modules; Node 20.19+ loads them through require (require(esm)).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const validate = (require(VALIDATOR) as { default: (script: unknown) => string | undefined })
      .default;
    const script = artilleryScenario(
      {
        phases: [{ duration: 4, arrivalRate: 5, rampTo: 8 }],
        p99LatencyMs: 2_000,
        maxErrorRatePercent: 1,
      },
      {
        endpoint: "https://api.staging.example.com",
        regionalEndpoints: { "us-east-1": "https://a1.execute-api.us-east-1.amazonaws.com" },
      },
      { stack: "staging", ordersStored: true, processorPath: "./failOnServerError.js" },
    );
    expect(validate(script)).to.equal(undefined);
    expect(validate({ ...script, scenarios: undefined }), "the validator can refuse").to.be.a(
      "string",
    );
  });

  it("drives orders at both regions for a few seconds and passes the p99 and error-rate gates", async () => {
    const table: OrdersTable = new Map();
    const east = await startLocalRegion("us-east-1", table);
    const west = await startLocalRegion("us-west-2", table);
    regions.push(east, west);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "artillery-"));
    const file = path.join(dir, "local.yml");
    fs.writeFileSync(file, stringify(scriptFor(east, west, dir)));

    const run = await runArtillery(file, dir);
    const counters = run.report.aggregate.counters;
    expect(run.code, run.stdout).to.equal(0);
    expect(counters["vusers.created"]).to.equal(20);
    expect(counters["vusers.completed"]).to.equal(20);
    expect(counters["http.codes.201"], "orders created").to.equal(20);
    expect(table.size).to.equal(20);
    expect(counters["http.codes.200"], "health and order reads").to.equal(40);
    expect(west.statusCounts.get(201) ?? 0, "the standby region took load").to.be.greaterThan(0);
    expect(run.stdout).to.contain("ok: http.response_time.p99 < 2000");
    expect(run.stdout).to.contain(
      "ok: (vusers.created - vusers.completed) / vusers.created * 100 <= 1",
    );
  });

  it("fails the run (exit 1) when a region answers 500 to every order", async () => {
    const table: OrdersTable = new Map();
    const east = await startLocalRegion("us-east-1", table);
    // The rollback drill's failing version: every order request is a function error (500).
    const west = await startLocalRegion("us-west-2", table, { failRequests: true });
    regions.push(east, west);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "artillery-"));
    const file = path.join(dir, "local.yml");
    fs.writeFileSync(file, stringify(scriptFor(east, west, dir)));

    const run = await runArtillery(file, dir);
    const counters = run.report.aggregate.counters;
    expect(run.code, run.stdout).to.equal(1);
    expect(counters["errors.HTTP 500"], "the processor failed the users").to.be.greaterThan(0);
    expect(run.stdout).to.contain(
      "fail: (vusers.created - vusers.completed) / vusers.created * 100 <= 1",
    );
  });
});
