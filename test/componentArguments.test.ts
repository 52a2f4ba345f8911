// Unknown and contradictory keys in component arguments are errors, before anything is
// registered: from JavaScript or through `as any`, a misspelling would otherwise fall back to a
// default without a word, and a key of another mode would be ignored.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  DeploymentAlarms,
  MultiRegionService,
  RegionalService,
  TrafficShiftedFunction,
} from "../components";
import { REGIONAL_SERVICE_ARGS } from "../components/argumentShapes";
import { ArgumentProblems, closestKey, mergeMaps } from "../components/validation";
import { expectRunFailure, runComponent } from "../testing";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

/** Arguments as JavaScript (or `as any`) passes them: the compiler does not see the keys. */
const loose = (args: Record<string, unknown>): any => args;

async function refusal(build: () => unknown): Promise<{ message: string; registered: number }> {
  const failure = await expectRunFailure(runComponent(build));
  return { message: failure.message, registered: failure.resources.all.length };
}

const FUNCTION_KEYS =
  "known: code, handler, runtime, memorySize, timeout, architecture, environment, logLevel, role, policyStatements, tracing, deadLetterTargetArn, reservedConcurrency, logRetentionInDays, aliasName, description, region, tags, notificationTopicArns, dashboardUrl, trafficShifting, hooks, alarms, appConfigExtension, deploymentDependsOn, source, provisionedConcurrency, layers, ephemeralStorageMb, kmsKeyArn, snapStart, vpcConfig, eventSources";

describe("component arguments: unknown and contradictory keys", () => {
  it("a misspelled trafficShifting is refused, naming the argument it probably meant", async () => {
    const { message, registered } = await refusal(
      () =>
        new TrafficShiftedFunction(
          "orders",
          loose({ code, trafficShift: { type: "Canary10Percent5Minutes" } }),
        ),
    );
    expect(message).to.equal(
      `TrafficShiftedFunction "orders": [trafficShift] is not an argument (did you mean [trafficShifting]?); ${FUNCTION_KEYS}`,
    );
    expect(registered).to.equal(0);
  });

  it("a misspelled alarm threshold is refused instead of falling back to the default", async () => {
    const { message } = await refusal(
      () => new TrafficShiftedFunction("orders", loose({ code, alarms: { errorTreshold: 5 } })),
    );
    expect(message).to.equal(
      'TrafficShiftedFunction "orders": [alarms.errorTreshold] is not an argument (did you mean [alarms.errorThreshold]?); known: errorThreshold, durationBaselineMs, durationTolerance, throttleAlarm, createDefaults, additionalAlarmNames',
    );
  });

  it("weight and stableVersion next to a CodeDeploy type are refused, every problem at once", async () => {
    const { message, registered } = await refusal(
      () =>
        new TrafficShiftedFunction(
          "orders",
          loose({
            code,
            trafficShifting: { type: "Canary10Percent5Minutes", weight: 0.1, stableVersion: "3" },
          }),
        ),
    );
    expect(message).to.equal(
      'TrafficShiftedFunction "orders" has 2 invalid arguments:\n' +
        '  - [trafficShifting.weight] is 0.1: applies to trafficShifting.mode "weighted" only (this one is "codedeploy", the default)\n' +
        '  - [trafficShifting.stableVersion] is "3": applies to trafficShifting.mode "weighted" only (this one is "codedeploy", the default)',
    );
    expect(registered).to.equal(0);
  });

  it("a CodeDeploy type in weighted mode is refused", async () => {
    const { message } = await refusal(
      () =>
        new TrafficShiftedFunction(
          "orders",
          loose({ code, trafficShifting: { mode: "weighted", type: "AllAtOnce", weight: 0 } }),
        ),
    );
    expect(message).to.equal(
      'TrafficShiftedFunction "orders": [trafficShifting.type] is "AllAtOnce": applies to trafficShifting.mode "codedeploy" only (this one is "weighted")',
    );
  });

  it("a misspelled hook key is refused", async () => {
    const { message } = await refusal(
      () => new TrafficShiftedFunction("orders", loose({ code, hooks: { preTrafic: { code } } })),
    );
    expect(message).to.equal(
      'TrafficShiftedFunction "orders": [hooks.preTrafic] is not an argument (did you mean [hooks.preTraffic]?); known: preTraffic, postTraffic',
    );
  });

  it("a function's unknown key inside a service is named with its path", async () => {
    const { message, registered } = await refusal(
      () =>
        new RegionalService(
          "orders",
          loose({ region: "us-east-1", functions: { orders: { code, timout: 10 } } }),
        ),
    );
    expect(message).to.equal(
      `RegionalService "orders": [functions.orders.timout] is not an argument (did you mean [functions.orders.timeout]?); ${FUNCTION_KEYS}`,
    );
    expect(registered).to.equal(0);
  });

  it("MultiRegionService refuses an unknown key and a misspelled health check key together", async () => {
    const { message, registered } = await refusal(
      () =>
        new MultiRegionService(
          "orders",
          loose({
            topology: "active-passive",
            primaryRegion: "us-east-1",
            standbyRegions: ["us-west-2"],
            functions: { orders: { code } },
            domain: { zoneId: "Z0123456789EXAMPLE", name: "api.example.com" },
            healthCheckByRegion: { "us-west-2": { requestIntervall: 30 } },
            rolloutWave: true,
          }),
        ),
    );
    expect(message).to.equal(
      'MultiRegionService "orders" has 2 invalid arguments:\n' +
        "  - [healthCheckByRegion.us-west-2.requestIntervall] is not an argument (did you mean [healthCheckByRegion.us-west-2.requestInterval]?); known: requestInterval, failureThreshold, measureLatency, regions, alarms\n" +
        "  - [rolloutWave] is not an argument (did you mean [rolloutWaves]?); known: functions, routes, healthFunction, domain, ipAddressType, healthCheck, unlistedRegions, tags, notificationTopicArns, dashboardUrl, network, healthCheckByRegion, table, rolloutWaves, topology, primaryRegion, standbyRegions, standbyRecordName, regions, routing, geolocation, defaultRegion, weights",
    );
    expect(registered).to.equal(0);
  });

  it("DeploymentAlarms refuses an unknown key", async () => {
    const { message } = await refusal(
      () => new DeploymentAlarms("orders", loose({ functionName: "orders", treshold: 1 })),
    );
    expect(message).to.match(
      /^DeploymentAlarms "orders": \[treshold\] is not an argument; known: /,
    );
  });

  it("a key of the other mode left undefined is not a contradiction; a misspelled one still is", async () => {
    const fine = await runComponent(
      () =>
        new TrafficShiftedFunction(
          "orders",
          loose({
            code,
            trafficShifting: { mode: "codedeploy", type: "AllAtOnce", weight: undefined },
          }),
        ),
    );
    expect(fine.resources.all.length).to.be.greaterThan(0);
    // Pulumi YAML and the other languages' SDKs send an unset optional field as null.
    const fromYaml = await runComponent(
      () =>
        new TrafficShiftedFunction(
          "orders",
          loose({
            code,
            trafficShifting: { mode: "codedeploy", type: "AllAtOnce", weight: null },
          }),
        ),
    );
    expect(fromYaml.resources.all.length).to.be.greaterThan(0);
    const { message } = await refusal(
      () =>
        new TrafficShiftedFunction(
          "orders",
          loose({ code, trafficShifting: { mode: "codedeploy", wieght: undefined } }),
        ),
    );
    expect(message).to.match(
      /^TrafficShiftedFunction "orders": \[trafficShifting\.wieght\] is not an argument;/,
    );
  });

  it("names on every object's prototype (constructor, toString) are not arguments", async () => {
    const { message } = await refusal(
      () =>
        new TrafficShiftedFunction(
          "orders",
          loose({
            code,
            constructor: 1,
            alarms: { toString: "x" },
            trafficShifting: { mode: "constructor" },
          }),
        ),
    );
    expect(message).to.contain("[constructor] is not an argument");
    expect(message).to.contain("[alarms.toString] is not an argument");
  });

  it("an Output, a Promise or a class instance where a plain object is typed is refused before anything registers", async () => {
    const later =
      "the component reads it then, to check it and to decide what to create. It arrives as one " +
      "Output when it is a secret or another resource's or stack's output; pass a plain value";
    const { message, registered } = await refusal(
      () =>
        new TrafficShiftedFunction(
          "orders",
          loose({
            code,
            trafficShifting: pulumi.output({ type: "AllAtOnce" }),
            hooks: Promise.resolve({ preTraffic: { code } }),
            alarms: new (class AlarmSettings {})(),
          }),
        ),
    );
    expect(message).to.equal(
      'TrafficShiftedFunction "orders" has 3 invalid arguments:\n' +
        `  - [trafficShifting] must be known when the component is constructed, not an Output: ${later}\n` +
        `  - [hooks] must be known when the component is constructed, not a Promise: ${later}\n` +
        "  - [alarms] must be a plain object, not an instance of AlarmSettings (its keys are read while the component is constructed)",
    );
    expect(registered).to.equal(0);
  });

  it("RegionalService table may be an aws.dynamodb.Table (a class fitting { name, arn }): instances are taken as they are", () => {
    const problems = new ArgumentProblems("X");
    problems.knownKeys(
      { region: "us-east-1", table: new (class Table {})() },
      REGIONAL_SERVICE_ARGS,
    );
    problems.knownKeys(
      { region: "us-east-1", table: { name: "t", arn: "a", hashKey: "id" } },
      REGIONAL_SERVICE_ARGS,
    );
    expect(problems.messages).to.deep.equal([
      "[table.hashKey] is not an argument; known: name, arn, streamArn",
    ]);
  });

  it("names a view's own value by its key, and leaves out what is under it once it is reported unknown", () => {
    const problems = new ArgumentProblems("X");
    const healthCheck = problems.within("healthCheck.");
    healthCheck.addUnknown("", "must be known when the component is constructed");
    // Problems found under an unknown value are consequences of it, not the user's.
    healthCheck.add("path", 1, "a string");
    problems.add("regions", [], "at least one region");
    expect(healthCheck.keyName("")).to.equal("healthCheck");
    expect(problems.messages).to.deep.equal([
      "[healthCheck] must be known when the component is constructed",
      "[regions] is []: at least one region",
    ]);
  });

  it("suggests a key within two edits or one the given key starts, and nothing for the rest", () => {
    expect(closestKey("regoins", ["regions", "routing"])).to.equal("regions");
    expect(closestKey("trafficShift", ["trafficShifting", "tags"])).to.equal("trafficShifting");
    expect(closestKey("colour", ["code", "tags"])).to.equal(undefined);
  });
});

describe("component arguments known only later (Outputs)", () => {
  it("an Output for an argument the component reads while it is constructed is refused by name", async () => {
    const { message, registered } = await refusal(
      () =>
        new MultiRegionService("orders", {
          topology: "active-passive",
          primaryRegion: "us-east-1",
          standbyRegions: pulumi.output(["us-west-2"]) as any,
          functions: { orders: { code } },
        }),
    );
    expect(message).to.equal(
      'MultiRegionService "orders": [standbyRegions] must be known when the component is ' +
        "constructed, not an Output: the component reads it then, to check it and to decide what " +
        "to create. It arrives as one Output when it is a secret or another resource's or " +
        "stack's output; pass a plain value",
    );
    expect(registered).to.equal(0);
  });

  it("names nested ones with their path, and a Promise as a Promise", async () => {
    const { message } = await refusal(
      () =>
        new RegionalService("orders", {
          region: "us-east-1",
          functions: { orders: { code, trafficShifting: Promise.resolve({}) as any } },
        }),
    );
    expect(message).to.include(
      "[functions.orders.trafficShifting] must be known when the component is constructed, not a Promise",
    );
  });

  it("mergeMaps merges known maps as they are, and checks an Output's once known", async () => {
    expect(mergeMaps([{ A: "1" }, undefined, { B: "2" }])).to.deep.equal({ A: "1", B: "2" });
    const refused = mergeMaps(
      [pulumi.secret({ LOG_LEVEL: "DEBUG" }), { LOG_LEVEL: "INFO" }],
      ([own]) => {
        if ("LOG_LEVEL" in own)
          throw new Error("[environment.LOG_LEVEL] set the log level with `logLevel` instead");
      },
    ) as pulumi.Output<Record<string, string>>;
    const failure = await new Promise<Error>((resolve) => {
      (refused as any).promise().then(
        () => resolve(new Error("no failure")),
        (error: Error) => resolve(error),
      );
    });
    expect(failure.message).to.include("[environment.LOG_LEVEL]");
    const merged = mergeMaps([pulumi.secret({ A: "1" }), { B: "2" }]) as pulumi.Output<unknown>;
    expect(await (merged as any).promise()).to.deep.equal({ A: "1", B: "2" });
    expect(await (merged as any).isSecret).to.equal(true);
  });
});

describe("policy statements in the shape they had before (IAM JSON)", () => {
  it("are refused with the new shape and an example of the conversion", async () => {
    const { message, registered } = await refusal(
      () =>
        new TrafficShiftedFunction("orders", {
          code,
          policyStatements: [
            loose({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::orders/*" }),
            loose({ action: ["s3:PutObject"], resources: ["*"] }),
          ],
        }),
    );
    expect(message).to.include(
      "[policyStatements[0]] is IAM JSON (Effect, Action, Resource), the shape policy statements " +
        "had before: write { sid?, effect?, actions, resources, conditions? } instead, e.g. " +
        '{ Effect: "Allow", Action: "s3:GetObject", Resource: arn } becomes ' +
        '{ actions: ["s3:GetObject"], resources: [arn] }',
    );
    // Only that hint for the IAM JSON one, not "actions is undefined" besides.
    expect(message).not.to.include("[policyStatements[0].actions]");
    expect(message).to.include(
      "[policyStatements[1].action] is not an argument (did you mean [policyStatements[1].actions]?)",
    );
    expect(registered).to.equal(0);
  });
});

describe("nested arguments sent as one Output are named once, at their own path", () => {
  const later =
    "must be known when the component is constructed, not an Output: the component reads it " +
    "then, to check it and to decide what to create. It arrives as one Output when it is a " +
    "secret or another resource's or stack's output; pass a plain value";

  it("RegionalService: a whole function as one secret Output is one problem, [functions.orders]", async () => {
    const { message, registered } = await refusal(
      () =>
        new RegionalService("orders", {
          region: "us-east-1",
          functions: { orders: pulumi.secret({ code }) as any },
        }),
    );
    expect(message).to.equal(`RegionalService "orders": [functions.orders] ${later}`);
    expect(registered).to.equal(0);
  });

  it("MultiRegionService: a function that is another resource's output is named with its key, the other functions are not blamed", async () => {
    const { message, registered } = await refusal(
      () =>
        new MultiRegionService("orders", {
          topology: "active-passive",
          primaryRegion: "us-east-1",
          standbyRegions: ["us-west-2"],
          functions: { orders: { code }, payments: pulumi.output({ code }) as any },
          domain: { zoneId: "Z123", name: "orders.example.com" },
        }),
    );
    expect(message).to.equal(`MultiRegionService "orders": [functions.payments] ${later}`);
    expect(registered).to.equal(0);
  });

  it("TrafficShiftedFunction: a statement as one Output hides no other problem (memorySize 5 is still named)", async () => {
    const { message, registered } = await refusal(
      () =>
        new TrafficShiftedFunction("orders", {
          code,
          memorySize: 5,
          policyStatements: [pulumi.output({ actions: ["s3:GetObject"], resources: ["*"] }) as any],
        }),
    );
    expect(message).to.equal(
      'TrafficShiftedFunction "orders" has 2 invalid arguments:\n' +
        `  - [policyStatements[0]] ${later}\n` +
        "  - [memorySize] is 5: must be a whole number from 128 to 10240 MB",
    );
    expect(registered).to.equal(0);
  });

  it("MultiRegionService: a function as one Output hides no problem of the other functions or the service", async () => {
    const { message, registered } = await refusal(
      () =>
        new MultiRegionService("orders", {
          topology: "active-passive",
          primaryRegion: "us-east-1",
          standbyRegions: ["us-west-2"],
          functions: { orders: { code, memorySize: 5 }, payments: pulumi.output({ code }) as any },
        }),
    );
    expect(message).to.equal(
      'MultiRegionService "orders" has 3 invalid arguments:\n' +
        `  - [functions.payments] ${later}\n` +
        "  - [functions.orders.memorySize] is 5: must be a whole number from 128 to 10240 MB\n" +
        "  - [domain] is undefined: is required with more than one region: Route 53 routes the global name between them",
    );
    expect(registered).to.equal(0);
  });

  it("TrafficShiftedFunction: a policy statement as one Output is named by its index, not key by key", async () => {
    const statement = pulumi.secret({ actions: ["s3:GetObject"], resources: ["*"] });
    const { message, registered } = await refusal(
      () =>
        new TrafficShiftedFunction("orders", {
          code,
          policyStatements: [
            { actions: ["s3:PutObject"], resources: ["arn:aws:s3:::orders/*"] },
            statement as any,
          ],
        }),
    );
    expect(message).to.equal(`TrafficShiftedFunction "orders": [policyStatements[1]] ${later}`);
    expect(registered).to.equal(0);
  });

  it("a hook's policy statement as one Output inside a service function keeps its whole path", async () => {
    const statement = pulumi.output({ actions: ["s3:GetObject"], resources: ["*"] });
    const { message, registered } = await refusal(
      () =>
        new RegionalService("orders", {
          region: "us-east-1",
          functions: {
            orders: { code, hooks: { preTraffic: { code, policyStatements: [statement as any] } } },
          },
        }),
    );
    expect(message).to.equal(
      `RegionalService "orders": [functions.orders.hooks.preTraffic.policyStatements[0]] ${later}`,
    );
    expect(registered).to.equal(0);
  });
});
