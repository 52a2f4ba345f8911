// The input checks of TrafficShiftedFunction (components/trafficShiftedFunctionChecks.ts), called
// directly: each case is the exact problem a user reads in the component's error, for inputs
// the component tests did not reach (docs/testing.md, "Mutation testing"). The constructor runs
// these same checks before registering anything (test/trafficShiftedFunction.test.ts).
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  checkExtensionRegion,
  checkTrafficShiftedFunctionArgs,
} from "../components/trafficShiftedFunctionChecks";
import { TrafficShiftedFunctionArgs } from "../components/trafficShiftedFunctionArgs";
import { ArgumentProblems } from "../components/validation";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

/** The problems of `args` (with `code` unless given), as the component's error lists them. */
function problemsOf(args: Partial<TrafficShiftedFunctionArgs>, hasServiceTable?: boolean) {
  return checkTrafficShiftedFunctionArgs(
    "TrafficShiftedFunction orders",
    { code, ...args } as TrafficShiftedFunctionArgs,
    undefined,
    hasServiceTable,
  ).messages;
}

function extensionProblems(args: unknown) {
  const problems = new ArgumentProblems("TrafficShiftedFunction orders");
  checkExtensionRegion(problems, args as TrafficShiftedFunctionArgs);
  return problems.messages;
}

describe("TrafficShiftedFunction input checks", () => {
  it("refuses arguments that are not an object, naming what is needed", () => {
    for (const args of [undefined, null, "orders"]) {
      expect(
        checkTrafficShiftedFunctionArgs(
          "TrafficShiftedFunction orders",
          args as unknown as TrafficShiftedFunctionArgs,
        ).messages,
      ).to.deep.equal([
        `[args] is ${JSON.stringify(args)}: must be an object with at least \`code\``,
      ]);
    }
  });

  it("names each key of a rejected log level, extension flag, dependency list and LOG_LEVEL variable", () => {
    expect(
      problemsOf({
        logLevel: "LOUD" as never,
        appConfigExtension: "yes" as never,
        deploymentDependsOn: "flags.ready" as never,
        environment: { LOG_LEVEL: "DEBUG" },
      }),
    ).to.deep.equal([
      '[appConfigExtension] is "yes": must be one of true, false',
      '[deploymentDependsOn] is "flags.ready": must be a list of outputs (e.g. [flags.ready]) the deployment waits for',
      '[logLevel] is "LOUD": must be one of "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"',
      '[environment.LOG_LEVEL] is "DEBUG": set the log level with `logLevel` instead',
    ]);
    expect(problemsOf({ deploymentDependsOn: [] })).to.deep.equal([]);
  });

  it("wants an alias name and versions as strings, not values that only print like them", () => {
    expect(
      problemsOf({
        aliasName: ["live"] as never,
        trafficShifting: { mode: "weighted", stableVersion: 3 as never },
      }),
    ).to.deep.equal([
      '[aliasName] is ["live"]: must be 1-128 letters, digits, - or _, and not only digits',
      '[trafficShifting.stableVersion] is 3: must be a published version number such as "3" ($LATEST cannot be weighted or rolled back)',
    ]);
  });

  it("refuses a canary version equal to the stable one", () => {
    expect(
      problemsOf({ trafficShifting: { mode: "weighted", stableVersion: "3", canaryVersion: "3" } }),
    ).to.deep.equal([
      '[trafficShifting.canaryVersion] is "3": must differ from stableVersion (an alias routes between two versions)',
    ]);
  });

  it("needs the stable version for a canary version even with no weight yet", () => {
    expect(problemsOf({ trafficShifting: { mode: "weighted", canaryVersion: "4" } })).to.deep.equal(
      [
        "[trafficShifting.stableVersion] is undefined: is required to send traffic to a canary version: set it to the version serving now",
      ],
    );
  });

  it("takes policyStatements without a role, and a role without policyStatements", () => {
    const statement = { actions: ["s3:GetObject"], resources: ["*"] };
    expect(problemsOf({ policyStatements: [statement] })).to.deep.equal([]);
    expect(problemsOf({ role: "arn:aws:iam::123456789012:role/orders" })).to.deep.equal([]);
  });

  it("says the unit and key of a deployment timeout and of each hook's limits", () => {
    expect(
      problemsOf({
        trafficShifting: { timeoutMinutes: 0 },
        hooks: {
          preTraffic: {
            code,
            timeout: 0,
            memorySize: 64,
            policyStatements: "s3:GetObject" as never,
          },
        },
      }),
    ).to.deep.equal([
      "[trafficShifting.timeoutMinutes] is 0: must be a whole number from 1 to 2880 minutes",
      "[hooks.preTraffic.timeout] is 0: must be a whole number from 1 to 900 seconds",
      "[hooks.preTraffic.memorySize] is 64: must be a whole number from 128 to 10240 MB",
      '[hooks.preTraffic.policyStatements] is "s3:GetObject": must be a list of { effect, actions, resources, conditions }',
    ]);
  });

  it("bundles each hook's source and reports the one that does not bundle under its key", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hook-bundle-"));
    const broken = path.join(dir, "broken.ts");
    fs.writeFileSync(broken, "export const handler = async () => {\n  return 1 +;\n};\n");
    const relative = path.relative(process.cwd(), broken);
    expect(problemsOf({ hooks: { postTraffic: { source: { entry: broken } } } })).to.deep.equal([
      `[hooks.postTraffic.source.entry] is ${JSON.stringify(broken)}: does not bundle: ${relative}:2:13: Unexpected ";"`,
    ]);
  });

  it("checks event sources against the function's own timeout and region, and its service's table", () => {
    const queue = "arn:aws:sqs:us-west-2:123456789012:jobs";
    expect(
      problemsOf({
        timeout: 60,
        region: "us-east-1",
        eventSources: {
          sqs: [
            { name: "jobs", queueArn: queue },
            { name: "retries", visibilityTimeoutSeconds: 30 },
          ],
        },
      }),
    ).to.deep.equal([
      `[eventSources.sqs[0].queueArn] is "${queue}": is a queue in us-west-2: it must be in the function's region (us-east-1), where Lambda polls it`,
      "[eventSources.sqs[1].visibilityTimeoutSeconds] is 30: must be at least the function timeout (60 s; Lambda refuses the mapping otherwise), and AWS recommends six times it (360 s)",
    ]);
    // Without a timeout, the component's default of 10 s counts; without a region, a queue of
    // any region is taken.
    expect(
      problemsOf({
        eventSources: {
          sqs: [
            { name: "jobs", queueArn: queue },
            { name: "retries", visibilityTimeoutSeconds: 5 },
          ],
        },
      }),
    ).to.deep.equal([
      "[eventSources.sqs[1].visibilityTimeoutSeconds] is 5: must be at least the function timeout (10 s; Lambda refuses the mapping otherwise), and AWS recommends six times it (60 s)",
    ]);
    // A region known only at deployment (an Output) cannot be compared with the queue's yet.
    expect(
      problemsOf({
        region: pulumi.output("us-east-1"),
        eventSources: { sqs: [{ name: "jobs", queueArn: queue }] },
      }),
    ).to.deep.equal([]);
    const fromTable = {
      eventSources: { dynamodbStreams: [{ name: "orders", serviceTable: true }] },
    };
    expect(problemsOf(fromTable)).to.have.length(1);
    expect(problemsOf(fromTable, true)).to.deep.equal([]);
  });

  it("counts the AppConfig extension's layer as a duplicate only when the extension is on", () => {
    // The extension's layer in us-east-1, x86_64, given again by the user (the ARN of
    // components/appConfigExtension.ts's table, from the AWS AppConfig User Guide page
    // appconfig-integration-lambda-extensions-versions.html).
    const extension = "arn:aws:lambda:us-east-1:027255383542:layer:AWS-AppConfig-Extension:321";
    expect(problemsOf({ region: "us-east-1", layers: [extension] })).to.deep.equal([]);
    expect(
      problemsOf({ region: "us-east-1", layers: [extension], appConfigExtension: false }),
    ).to.deep.equal([]);
    expect(
      problemsOf({ region: "us-east-1", layers: [extension], appConfigExtension: true }),
    ).to.have.length(1);
  });

  it("needs a plain region with a published extension layer for the AppConfig extension", () => {
    expect(extensionProblems({ code, appConfigExtension: true })).to.deep.equal([
      "[appConfigExtension] is true: needs `region` as a plain string such as us-east-1 (the extension's layer ARN differs per region)",
    ]);
    expect(
      extensionProblems({ code, appConfigExtension: true, region: "xx-nowhere-9" }),
    ).to.deep.equal([
      "[appConfigExtension] is true: AWS publishes no AppConfig Lambda extension layer for xx-nowhere-9 in the table of extension 2.0.17054.0 (components/appConfigExtension.ts); read flags without the extension there (AWS SDK, appConfigExtension false) or add the region's ARN from the AppConfig User Guide",
    ]);
    expect(
      extensionProblems({ code, appConfigExtension: true, region: "us-east-1" }),
    ).to.deep.equal([]);
    // A malformed region is the region check's problem, not this one's.
    expect(extensionProblems({ code, appConfigExtension: true, region: "nowhere" })).to.deep.equal(
      [],
    );
    for (const args of [null, "orders", { code }, { code, appConfigExtension: false }]) {
      expect(extensionProblems(args)).to.deep.equal([]);
    }
  });
});
