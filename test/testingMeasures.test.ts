// The harness's speed measures (testing/measures.ts: lazy-outputs) change how
// fast a run goes, never what it reports: the same resources (in the same order, with the same
// inputs, outputs, options and secrets), the same results and the same errors with the measures
// on and off. They are in place only during a run, so both sides run in this one process.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MultiRegionService } from "../components";
import {
  expectRunFailure,
  MockRun,
  MockRunError,
  MockRunOptions,
  CapturedResource,
  promiseOf,
  runComponent,
} from "../testing";
import { directAnswersPatch } from "../preview/measures";
import { applyHarnessMeasures, HARNESS_MEASURES_OFF_ENV } from "../testing/measures";
import { code, domain, shape } from "./multiRegion/fixtures";
import { runStack } from "./program/runStack";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as { transferProperties: unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: unknown };

type Outcome = { failed: false; run: MockRun<unknown> } | { failed: true; error: MockRunError };

async function outcome(run: Promise<MockRun<unknown>>): Promise<Outcome> {
  try {
    return { failed: false, run: await run };
  } catch (error) {
    if (error instanceof MockRunError) return { failed: true, error };
    throw error;
  }
}

/**
 * `value` with each resource object (a component's registered output may hold one) as its type
 * and name, and each Output marked: two runs make two objects of each, full of closures.
 */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value !== "object" || value === null) return value;
  if (pulumi.Resource.isInstance(value)) {
    const resource = value as unknown as { __pulumiType: string; __name: string };
    return { resource: resource.__pulumiType, name: resource.__name };
  }
  if (pulumi.Output.isInstance(value)) return "(Output)";
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, comparable(item)]));
}

/** What a run reports, in a form deep equality compares: resources, result, error. */
function reported(result: Outcome, read: (value: unknown) => unknown) {
  if (result.failed) {
    return { error: result.error.message, resources: comparable(result.error.resources.all) };
  }
  return {
    result: comparable(read(result.run.result)),
    resources: comparable(result.run.resources.all),
  };
}

/** Runs `start` with the measures on, then off, and expects the same report from both. */
async function sameWithAndWithout(
  start: (options: MockRunOptions) => Promise<MockRun<unknown>>,
  read: (value: unknown) => unknown = (value) => value,
) {
  const on = reported(await outcome(start({ speedMeasures: true })), read);
  const off = reported(await outcome(start({ speedMeasures: false })), read);
  expect(on.resources).to.have.length.above(0);
  expect(on).to.deep.equal(off);
  return on as { result?: unknown; error?: string; resources: CapturedResource[] };
}

describe("testing harness: speed measures change nothing a run reports (issue 14)", () => {
  it("the bundled prod stack: the same resources and stack outputs", async function () {
    this.timeout(120_000);
    const on = await sameWithAndWithout((options) => runStack("prod", options));
    expect(on.result).to.have.property("dashboardUrl");
  });

  it("a multi-region service at a first preview: the same unknowns and outputs", async function () {
    this.timeout(60_000);
    const on = await sameWithAndWithout((options) =>
      runComponent(
        async () => {
          const service = new MultiRegionService("orders", {
            topology: "active-active",
            regions: ["us-east-1", "eu-west-1"],
            routing: "latency",
            ...shape,
          });
          return { service };
        },
        { preview: true, previewUnknowns: true, ...options },
      ),
    );
    expect(on.resources.filter((r) => r.inputs.region === "eu-west-1")).to.have.length.above(0);
  });

  it("the same values, secrecy and dependencies of Outputs read during and after the run", async () => {
    const read = async (options: MockRunOptions) => {
      const run = await runComponent(() => {
        const topic = new aws.sns.Topic("orders", { displayName: pulumi.secret("Orders") });
        const subscription = new aws.sns.TopicSubscription("orders-queue", {
          topic: topic.arn,
          protocol: "sqs",
          endpoint: "arn:aws:sqs:us-east-1:123456789012:orders",
        });
        return { topic, subscription };
      }, options);
      const { topic, subscription } = run.result;
      const describe = async (output: pulumi.Output<unknown>) => ({
        value: await promiseOf(output),
        secret: await (output as unknown as { isSecret: Promise<boolean> }).isSecret,
        resources: await Promise.all(
          [
            ...(await (
              output as unknown as { allResources(): Promise<Set<pulumi.Resource>> }
            ).allResources()),
          ].map((resource) => promiseOf(resource.urn)),
        ),
      });
      return {
        displayName: await describe(topic.displayName),
        arn: await describe(topic.arn),
        endpoint: await describe(subscription.topic),
        resources: run.resources.all,
      };
    };
    const on = await read({ speedMeasures: true });
    expect(on).to.deep.equal(await read({ speedMeasures: false }));
    expect(on.displayName).to.deep.include({ value: "Orders", secret: true });
  });

  it("the same property Outputs through an object that inherits from a resource, and the same own keys", async () => {
    const read = async (options: MockRunOptions) => {
      const run = await runComponent(() => {
        const topic = new aws.sns.Topic("orders", { displayName: "Orders" });
        // Read through an object that inherits from the resource, then assigned over.
        const view = Object.create(topic) as aws.sns.Topic;
        const inherited = view.displayName;
        (topic as unknown as { fifoTopic: unknown }).fifoTopic = "replaced";
        // Assigned through the inheriting object: its own property; the topic keeps its Output.
        (view as unknown as { policy: unknown }).policy = "on view";
        return { topic, view, inherited, same: inherited === topic.displayName };
      }, options);
      const { topic, view, inherited, same } = run.result;
      return {
        same,
        viewOwnsPolicy: Object.prototype.hasOwnProperty.call(view, "policy"),
        topicPolicyIsOutput: pulumi.Output.isInstance(topic.policy),
        inherited: await promiseOf(inherited),
        fifoTopic: (topic as unknown as { fifoTopic: unknown }).fifoTopic,
        ownKeys: Object.keys(topic)
          .filter((key) => !key.startsWith("__"))
          .sort(),
      };
    };
    const on = await read({ speedMeasures: true });
    expect(on).to.deep.equal(await read({ speedMeasures: false }));
    expect(on).to.deep.include({
      same: true,
      inherited: "Orders",
      fifoTopic: "replaced",
      viewOwnsPolicy: true,
      topicPolicyIsOutput: true,
    });
  });

  it("the same error and resources when the provider refuses a resource nobody reads", async () => {
    const on = await sameWithAndWithout((options) =>
      runComponent(
        () => {
          new aws.sns.Topic("orders", { displayName: "Orders" });
          new aws.sns.Topic("refused", { displayName: "Refused" });
          return "finished";
        },
        {
          outputs: (request) => {
            if (request.name === "refused") throw new Error("the provider refused refused");
            return undefined;
          },
          ...options,
        },
      ),
    );
    expect(on.error).to.include("the provider refused refused");
  });

  it("the same error for invalid arguments, a duplicate URN and a resource created in apply", async () => {
    const invalid = await sameWithAndWithout((options) =>
      runComponent(() => {
        new aws.sns.Topic("before", {});
        return new MultiRegionService("orders", {
          topology: "active-active",
          regions: ["us-east-1", "us-east-1"],
          functions: { orders: { code } },
          routes: { "FETCH /orders": "orders" },
          domain,
        });
      }, options),
    );
    expect(invalid.error).to.include('MultiRegionService "orders"');
    const duplicate = await sameWithAndWithout((options) =>
      runComponent(() => {
        new aws.sns.Topic("orders", {});
        new aws.sns.Topic("orders", {});
      }, options),
    );
    expect(duplicate.error).to.include("Duplicate resource URN");
    const inApply = await sameWithAndWithout((options) =>
      runComponent(() => {
        const topic = new aws.sns.Topic("orders", {});
        topic.arn.apply((arn) => new aws.sns.Topic("late", { displayName: arn.slice(-10) }));
      }, options),
    );
    expect(inApply.error).to.include("was created inside an apply callback");
  });

  it("are in place during a run only, and put the SDK back after it, failed or not", async () => {
    // promise-debugging is not a harness measure: it reorders concurrent registrations.
    const sdkFunctions = () => [rpc.transferProperties, debuggable.debuggablePromise];
    const before = sdkFunctions();
    let during: unknown[] = [];
    await runComponent(() => {
      during = sdkFunctions();
    });
    expect(during[0]).to.not.equal(before[0]);
    expect(during[1]).to.equal(before[1]);
    expect(sdkFunctions()).to.deep.equal(before);
    await expectRunFailure(
      runComponent(() => {
        throw new Error("the factory failed");
      }),
    );
    expect(sdkFunctions()).to.deep.equal(before);
    await runComponent(
      () => {
        during = sdkFunctions();
      },
      { speedMeasures: false },
    );
    expect(during).to.deep.equal(before);
  });

  it("are switched off by name with MULTIREGION_SERVERLESS_HARNESS_OFF, and by speedMeasures", () => {
    const on = applyHarnessMeasures(true, { [HARNESS_MEASURES_OFF_ENV]: "" });
    on.restore();
    expect(on.applied).to.deep.equal(["lazy-outputs", "direct-answers"]);
    for (const off of ["lazy-outputs", " lazy-outputs ,other"]) {
      const some = applyHarnessMeasures(true, { [HARNESS_MEASURES_OFF_ENV]: off });
      some.restore();
      expect(some.applied, off).to.deep.equal(["direct-answers"]);
      expect(some.skipped).to.deep.equal([
        { name: "lazy-outputs", reason: `switched off by ${HARNESS_MEASURES_OFF_ENV}` },
      ]);
    }
    const all = applyHarnessMeasures(true, { [HARNESS_MEASURES_OFF_ENV]: "all" });
    expect(all.applied).to.deep.equal([]);
    expect(all.skipped.map((skip) => skip.name)).to.deep.equal(["lazy-outputs", "direct-answers"]);
    const option = applyHarnessMeasures(false, {});
    expect(option.applied).to.deep.equal([]);
    expect(option.skipped).to.deep.equal([
      { name: "lazy-outputs", reason: "switched off by the run's speedMeasures: false" },
      { name: "direct-answers", reason: "switched off by the run's speedMeasures: false" },
    ]);
  });

  it("answer registrations through Pulumi's MockMonitor with direct-answers off, with the same capture", async () => {
    // The same run with the harness's own answers and with the SDK's.
    const build = () => {
      const queue = new aws.sqs.Queue("jobs", {
        name: "jobs",
        tags: { b: "2", a: "1", "10": "ten", "2": "two" },
      });
      new aws.sqs.QueuePolicy("jobs-policy", { queueUrl: queue.url, policy: "{}" });
    };
    const direct = await runComponent(build);
    const previous = process.env[HARNESS_MEASURES_OFF_ENV];
    process.env[HARNESS_MEASURES_OFF_ENV] = "direct-answers";
    try {
      const viaSdk = await runComponent(build);
      expect(viaSdk.resources.all).to.deep.equal(direct.resources.all);
      expect(JSON.stringify(viaSdk.resources.all)).to.equal(JSON.stringify(direct.resources.all));
    } finally {
      if (previous === undefined) delete process.env[HARNESS_MEASURES_OFF_ENV];
      else process.env[HARNESS_MEASURES_OFF_ENV] = previous;
    }
  });

  it("make no direct answers for an SDK whose MockMonitor or resource.js differ", () => {
    const sdk = fs.mkdtempSync(path.join(os.tmpdir(), "direct-answers-"));
    try {
      const real = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
      fs.mkdirSync(path.join(sdk, "runtime"), { recursive: true });
      const mocks = fs.readFileSync(path.join(real, "runtime", "mocks.js"), "utf8");
      const resource = fs.readFileSync(path.join(real, "runtime", "resource.js"), "utf8");
      const write = (mocksJs: string, resourceJs: string) => {
        fs.writeFileSync(path.join(sdk, "runtime", "mocks.js"), mocksJs);
        fs.writeFileSync(path.join(sdk, "runtime", "resource.js"), resourceJs);
        return directAnswersPatch(sdk);
      };
      expect(typeof write(mocks, resource)).to.equal("object");
      // pulumi/pulumi#24415 passes the mocks the resource's transforms too.
      expect(
        write(
          mocks.replace(
            "id: req.getImportid(),",
            "id: req.getImportid(),\n                transforms: [],",
          ),
          resource,
        ),
      ).to.equal(
        "runtime/mocks.js MockMonitor.registerResource passes the mocks more than the harness does",
      );
      expect(
        write(
          mocks.replace(
            "response.setObject(structproto.Struct.fromJavaScript(serializedState))",
            "response.setObject(toStruct(serializedState))",
          ),
          resource,
        ),
      ).to.equal(
        "runtime/mocks.js MockMonitor.registerResource no longer answers as the harness does",
      );
      expect(write(mocks, resource.replace("resp.getResult()", "resp.getResultsList()"))).to.equal(
        "runtime/resource.js registerResource reads an answer the harness does not give",
      );
    } finally {
      fs.rmSync(sdk, { recursive: true, force: true });
    }
  });

  it("leave the SDK as it is for a @pulumi/pulumi release they were not checked against", () => {
    const before = [rpc.transferProperties, debuggable.debuggablePromise];
    const dir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    for (const version of ["3.203.0", "3.249.0", "4.0.0"]) {
      const report = applyHarnessMeasures(true, {}, { dir, version });
      expect(report.applied, version).to.deep.equal([]);
      expect(report.skipped[0].reason).to.equal(
        `@pulumi/pulumi ${version} is outside 3.204 to 3.248, the releases the measures are checked against`,
      );
      expect([rpc.transferProperties, debuggable.debuggablePromise]).to.deep.equal(before);
    }
  });
});
