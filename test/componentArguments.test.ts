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
import { ArgumentProblems, closestKey } from "../components/validation";
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
  "known: code, handler, runtime, memorySize, timeout, architecture, environment, logLevel, role, policyStatements, tracing, deadLetterTargetArn, reservedConcurrency, logRetentionInDays, aliasName, description, region, tags, trafficShifting, hooks, alarms";

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
        "  - [rolloutWave] is not an argument (did you mean [rolloutWaves]?); known: functions, routes, healthFunction, domain, ipAddressType, healthCheck, unlistedRegions, tags, healthCheckByRegion, table, rolloutWaves, topology, primaryRegion, standbyRegions, standbyRecordName, regions, routing, geolocation, defaultRegion, weights",
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

  it("values that are not plain objects (Outputs, resources) are not looked into", () => {
    const problems = new ArgumentProblems("X");
    problems.knownKeys({ table: pulumi.output({ anything: 1 }) }, { table: { name: true } });
    problems.knownKeys({ table: new (class Table {})() }, { table: { name: true } });
    expect(problems.messages).to.deep.equal([]);
  });

  it("suggests a key within two edits or one the given key starts, and nothing for the rest", () => {
    expect(closestKey("regoins", ["regions", "routing"])).to.equal("regions");
    expect(closestKey("trafficShift", ["trafficShifting", "tags"])).to.equal("trafficShifting");
    expect(closestKey("colour", ["code", "tags"])).to.equal(undefined);
  });
});
