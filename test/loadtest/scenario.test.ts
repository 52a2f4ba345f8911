// The load test's Artillery script as the generator writes it for the bundled stacks, and the
// `loadTest` stack-config key. The script's shape follows Artillery's 2.x documentation (test
// script reference; the ensure extension) and the Joi schemas of Artillery's editor schema
// (artilleryio/artillery packages/types/schema: config/phases.js allows exactly name, duration,
// arrivalRate, rampTo, maxVusers on an arrival-rate phase; plugins/ensure.js allows thresholds,
// conditions {expression, strict} and the legacy keys). The package ships no JSON schema on npm,
// so Artillery's own runtime validator checks the script in the opt-in run
// (artilleryRun.test.ts).
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import * as publicApi from "../../components";
import { LOAD_TEST_DEFAULTS } from "../../components/loadTestSettings";
import { loadStackSettings, StackConfigError } from "../../components/stackSettings";
import { main, targetsOf, writeScenario } from "../../loadtest/cli";
import { artilleryScenario, errorRateExpression, PROCESSOR_FILE } from "../../loadtest/scenario";

const PROJECT = "multiregion-serverless";
const ROOT = path.join(__dirname, "../..");
/** The outputs `pulumi stack output --json` prints for staging (index.ts `endpoint`, `regionalEndpoints`). */
const STAGING_OUTPUTS = {
  endpoint: "https://api.staging.example.com",
  regionalEndpoints: {
    "us-east-1": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
    "us-west-2": "https://f6g7h8i9j0.execute-api.us-west-2.amazonaws.com",
  },
};

function settingsOf(stack: string, config: Record<string, unknown>) {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    raw[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return loadStackSettings({ project: PROJECT, stack, config: raw, isSecret: () => false })
    .settings;
}

function problemsOf(stack: string, config: Record<string, unknown>): string[] {
  try {
    settingsOf(stack, config);
  } catch (error) {
    expect(error).to.be.instanceOf(StackConfigError);
    return [...(error as StackConfigError).problems];
  }
  throw new Error("expected the config to be rejected");
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "loadtest-"));
}

describe("load test: the Artillery script of a stack", () => {
  it("staging: the global name and each region's own endpoint, the stack's phases, p99 and error-rate gates", () => {
    const dir = tempDir();
    const out = path.join(dir, "staging.yml");
    writeScenario("staging", STAGING_OUTPUTS, out, ROOT);
    const script = parse(fs.readFileSync(out, "utf8"));

    expect(script.config.target).to.equal("https://api.staging.example.com");
    expect(script.config.phases).to.deep.equal([
      { name: "warm up", duration: 60, arrivalRate: 2, rampTo: 20 },
      { name: "sustained", duration: 120, arrivalRate: 20 },
    ]);
    expect(script.config.plugins.ensure).to.deep.equal({
      thresholds: [{ "http.response_time.p99": 1000 }],
      conditions: [
        {
          expression: "(vusers.created - vusers.completed) / vusers.created * 100 <= 1",
          strict: true,
        },
      ],
    });
    // Artillery resolves the processor from the script's folder.
    expect(path.resolve(dir, script.config.processor)).to.equal(PROCESSOR_FILE);
    expect(script.scenarios.map((s: { name: string }) => s.name)).to.deep.equal([
      "staging global api.staging.example.com",
      "staging region us-east-1",
      "staging region us-west-2",
    ]);
    const west = script.scenarios[2].flow;
    expect(west).to.deep.equal([
      {
        get: {
          url: "https://f6g7h8i9j0.execute-api.us-west-2.amazonaws.com/health",
          name: "region us-west-2 GET /health",
          afterResponse: "failOnServerError",
        },
      },
      {
        post: {
          url: "https://f6g7h8i9j0.execute-api.us-west-2.amazonaws.com/orders",
          name: "region us-west-2 POST /orders",
          json: {
            customerId: "loadtest-staging",
            items: [{ productId: "loadtest-widget", quantity: 1, unitPrice: 9.99 }],
          },
          capture: [{ json: "$.orderId", as: "orderId" }],
          afterResponse: "failOnServerError",
        },
      },
      {
        get: {
          url: "https://f6g7h8i9j0.execute-api.us-west-2.amazonaws.com/orders/{{ orderId }}",
          name: "region us-west-2 GET /orders/{id}",
          afterResponse: "failOnServerError",
        },
      },
    ]);
  });

  it("keeps to the keys Artillery's schemas allow for phases, ensure and requests", () => {
    const script = artilleryScenario(LOAD_TEST_DEFAULTS.prod, STAGING_OUTPUTS, {
      stack: "prod",
      ordersStored: true,
      processorPath: "./failOnServerError.js",
    });
    for (const phase of script.config.phases) {
      expect(Object.keys(phase)).to.satisfy((keys: string[]) =>
        keys.every((key) => ["name", "duration", "arrivalRate", "rampTo"].includes(key)),
      );
      expect(phase.duration).to.be.a("number");
      expect(phase.arrivalRate).to.be.a("number");
    }
    expect(Object.keys(script.config.plugins.ensure).sort()).to.deep.equal([
      "conditions",
      "thresholds",
    ]);
    // One metric per threshold entry: the plugin reads only the first key of each.
    for (const threshold of script.config.plugins.ensure.thresholds) {
      expect(Object.keys(threshold)).to.have.length(1);
    }
    for (const scenario of script.scenarios) {
      for (const step of scenario.flow) {
        const [method, request] = Object.entries(step)[0];
        expect(["get", "post"]).to.include(method);
        expect(request.url).to.match(/^https:\/\//);
        expect(request.afterResponse).to.equal("failOnServerError");
      }
    }
  });

  it("dev without a domain: the global endpoint is the primary's own, loaded once", () => {
    const endpoint = "https://k1l2m3n4o5.execute-api.us-east-1.amazonaws.com";
    const script = artilleryScenario(
      settingsOf("dev", { accountId: "111111111111" }).loadTest,
      { endpoint, regionalEndpoints: { "us-east-1": `${endpoint}/` } },
      { stack: "dev", ordersStored: true, processorPath: "./failOnServerError.js" },
    );
    expect(script.config.target).to.equal(endpoint);
    expect(script.scenarios.map((s) => s.name)).to.deep.equal(["dev region us-east-1"]);
    expect(script.config.phases).to.deep.equal(LOAD_TEST_DEFAULTS.dev.phases);
    expect(script.config.plugins.ensure.conditions[0].expression).to.equal(errorRateExpression(5));
  });

  it("a stack without a table loads /health only (orders would answer 503)", () => {
    const settings = settingsOf("dev", { accountId: "111111111111", table: { enabled: false } });
    const script = artilleryScenario(settings.loadTest, STAGING_OUTPUTS, {
      stack: "dev",
      ordersStored: settings.table.enabled,
      processorPath: "./failOnServerError.js",
    });
    for (const scenario of script.scenarios) {
      expect(scenario.flow.map((step) => Object.keys(step)[0])).to.deep.equal(["get"]);
    }
  });

  it("the processor fails a user on a 5xx or a 429 and lets 2xx and other 4xx pass", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { failOnServerError } = require(PROCESSOR_FILE) as {
      failOnServerError(...args: unknown[]): void;
    };
    const outcome = (statusCode: number) => {
      let result: unknown = "not called";
      failOnServerError({}, { statusCode }, {}, {}, (error?: Error) => (result = error?.message));
      return result;
    };
    expect(outcome(200)).to.equal(undefined);
    expect(outcome(404)).to.equal(undefined);
    // Throttling means the stack did not take the load: the gate fails.
    expect(outcome(429)).to.equal("HTTP 429");
    expect(outcome(500)).to.equal("HTTP 500");
    expect(outcome(503)).to.equal("HTTP 503");
  });
});

describe("load test: the loadTest stack setting", () => {
  it("is part of the public API: StackSettings.loadTest's types and the defaults are exported", () => {
    const phase: publicApi.LoadTestPhase = { duration: 10, arrivalRate: 1 };
    const loadTest: publicApi.LoadTestSettings = {
      phases: [phase],
      p99LatencyMs: 500,
      maxErrorRatePercent: 1,
    };
    const fromSettings: publicApi.StackSettings["loadTest"] = loadTest;
    expect(fromSettings.phases).to.deep.equal([phase]);
    expect(publicApi.LOAD_TEST_DEFAULTS).to.equal(LOAD_TEST_DEFAULTS);
  });

  it("takes phases and thresholds from config over the environment's defaults", () => {
    const { loadTest } = settingsOf("staging", {
      accountId: "222222222222",
      domain: { zoneId: "Z04STAGINGZONE00001", name: "api.staging.example.com" },
      loadTest: { phases: [{ duration: 10, arrivalRate: 1, rampTo: 3 }], p99LatencyMs: 800 },
    });
    expect(loadTest).to.deep.equal({
      phases: [{ duration: 10, arrivalRate: 1, rampTo: 3 }],
      p99LatencyMs: 800,
      maxErrorRatePercent: LOAD_TEST_DEFAULTS.staging.maxErrorRatePercent,
    });
  });

  it("reports every problem at once, each naming the key, the value and what is allowed", () => {
    const problems = problemsOf("dev", {
      accountId: "111111111111",
      loadTest: {
        phases: [
          { duration: 0, arrivalRate: 5 },
          { duration: 30, arrivalRate: 0 },
          { duration: 30, arrivalRate: 1, ramp: 5 },
        ],
        p99LatencyMs: -1,
        maxErrorRatePercent: 150,
      },
    });
    // The phases that are well-formed are still checked: phases[1] sends nothing.
    expect(problems).to.deep.equal([
      `${PROJECT}:loadTest.phases[0].duration is 0: must be at least 1`,
      `${PROJECT}:loadTest.phases[2].ramp is not a setting (did you mean ${PROJECT}:loadTest.phases[2].rampTo?); known: duration, arrivalRate, rampTo, name`,
      `${PROJECT}:loadTest.p99LatencyMs is -1: must be at least 1`,
      `${PROJECT}:loadTest.maxErrorRatePercent is 150: must be at most 100`,
      `${PROJECT}:loadTest.phases[1] is {"duration":30,"arrivalRate":0}: sends no requests (arrivalRate 0 without rampTo); give an arrivalRate above 0 or a rampTo`,
    ]);
  });

  it("checks the well-formed phases' total when another phase is malformed", () => {
    const problems = problemsOf("dev", {
      accountId: "111111111111",
      loadTest: {
        phases: [
          { duration: 3000, arrivalRate: 5 },
          { duration: 1200, arrivalRate: 10 },
          { duration: 10, arrivalRate: -1 },
        ],
      },
    });
    expect(problems).to.deep.equal([
      `${PROJECT}:loadTest.phases[2].arrivalRate is -1: must be at least 0`,
      `${PROJECT}:loadTest.phases last 4200 s together: at most 3600 s (the load test gates the pipeline; run a soak test separately)`,
    ]);
  });

  it("refuses an error budget Artillery's condition parser cannot read, and prints fixed point", () => {
    const problems = problemsOf("dev", {
      accountId: "111111111111",
      loadTest: { maxErrorRatePercent: 1e-7 },
    });
    expect(problems).to.deep.equal([
      `${PROJECT}:loadTest.maxErrorRatePercent is 1e-7: must be 0 or at least 0.001 (Artillery's condition parser reads no exponent)`,
    ]);
    expect(errorRateExpression(0)).to.match(/<= 0$/);
    expect(errorRateExpression(0.001)).to.match(/<= 0\.001$/);
    expect(errorRateExpression(0.0000015)).to.match(/<= 0\.000002$/);
    expect(errorRateExpression(100)).to.match(/<= 100$/);
    expect(errorRateExpression(0.5)).not.to.match(/e-/);
  });

  it("refuses a phase that sends nothing and phases longer than an hour together", () => {
    const problems = problemsOf("dev", {
      accountId: "111111111111",
      loadTest: {
        phases: [
          { duration: 3000, arrivalRate: 0 },
          { duration: 1200, arrivalRate: 10 },
        ],
      },
    });
    expect(problems).to.deep.equal([
      `${PROJECT}:loadTest.phases[0] is {"duration":3000,"arrivalRate":0}: sends no requests (arrivalRate 0 without rampTo); give an arrivalRate above 0 or a rampTo`,
      `${PROJECT}:loadTest.phases last 4200 s together: at most 3600 s (the load test gates the pipeline; run a soak test separately)`,
    ]);
  });
});

describe("npm run loadtest:scenario", () => {
  it("refuses outputs without endpoints, naming each, before writing anything", async () => {
    expect(() => targetsOf("staging", { regionalEndpoints: { "us-east-1": "" } })).to.throw(
      "load test of stack staging refused:\n" +
        "  - output endpoint is undefined: expected the stack's global URL (deploy the stack first)\n" +
        '  - output regionalEndpoints.us-east-1 is "": expected a URL',
    );
    const dir = tempDir();
    const outputs = path.join(dir, "outputs.json");
    fs.writeFileSync(outputs, JSON.stringify({ endpoint: "https://api.example.com" }));
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      const code = await main(["staging", "--outputs", outputs, "--out", path.join(dir, "s.yml")]);
      expect(code).to.equal(64);
    } finally {
      console.error = original;
    }
    expect(errors.join("\n")).to.contain("output regionalEndpoints is empty");
    expect(fs.existsSync(path.join(dir, "s.yml"))).to.equal(false);
  });
});
