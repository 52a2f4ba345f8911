// A deployment that runs over the wire, to completion: the plugin's LambdaDeployment Create, over
// gRPC from Pulumi's plugin runner (started with a fake engine, test/provider/fakeEngine.ts, as
// its engine), against the AWS simulator behind its HTTP endpoint, where a CodeDeploy canary
// (CodeDeployDefault.LambdaCanary10Percent5Minutes) moves the alias to the new version. The
// plugin runs on the real clock, as against AWS: its polling (2-15 s between GetDeployment
// calls, deployment/timing.ts POLL_BACKOFF) is not shortened, and no setting could shorten it
// (a setting honoured only "against the simulator" would have to trust AWS_ENDPOINT_URL, which
// any real run may set, so it could change what a real deployment waits for).
//
// The simulator's clock starts at the real time and then runs SPEEDUP times faster, so the
// canary's 5 minutes take 5 seconds. AWS's timestamps therefore drift ahead of the plugin's
// clock by SPEEDUP - 1 seconds per real second. What that leaves untested here (the in-process
// tests of plugin.test.ts and test/deployment drive it on one virtual clock instead):
// - the recent listing's window (deployment/observe.ts: created after now - 3 h) holds the
//   earlier deployments only while the drift stays under 3 hours (about 3 real minutes);
// - deployment/engine.ts's `createTime < session.started` ("earlier") sees simulator
//   deployments as later than they would be;
// - the deadline (`timeoutMinutes`, real minutes) is never reached by a 5-second canary.
// Each deployment still waits seconds on the real clock and the file starts its own plugin,
// which the suite's time budget has no room for, so it is opt-in:
// WIRE_DEPLOYMENT=1 npx mocha ... test/provider/wireDeployment.test.ts.
import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import { AwsSimulator } from "../deployment/sim/awsSimulator";
import { ordersInputs, ordersSetup } from "../deployment/sim/scenario";
import { VirtualClock } from "../deployment/sim/virtualClock";
import { FakeEngine } from "./fakeEngine";
import { PluginProcess } from "./pluginProcess";
import { simulatorEndpoint, SimulatorEndpoint } from "./simulatorEndpoint";

/* eslint-disable @typescript-eslint/no-require-imports */
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

// The engine's wire format for a secret (pulumi/pulumi sdk/go/common/resource/properties.go
// SigKey, SecretSig).
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: unknown) => ({ [SIG]: SECRET_SIG, value });
const URN =
  "urn:pulumi:dev::orders-yaml::multiregion-serverless:index:TrafficShiftedFunction$" +
  "multiregion-serverless:index:LambdaDeployment::orders-deployment";
const CREDENTIALS = { accessKey: "AKIDEXAMPLE", secretKey: "example" };
/** Simulated milliseconds per real millisecond. */
const SPEEDUP = 60;
const TICK_MS = 100;

const optedIn = process.env.WIRE_DEPLOYMENT === "1";

describe("a CodeDeploy deployment over the wire, to completion (opt-in: WIRE_DEPLOYMENT=1)", function () {
  this.timeout(180_000);
  let engine: FakeEngine;
  let endpoint: SimulatorEndpoint;
  let plugin: PluginProcess;
  let ticker: NodeJS.Timeout | undefined;
  let sim: AwsSimulator;

  before(async function () {
    if (!optedIn) {
      console.log(
        "      skipped: deployments on the plugin's real clock take seconds each; " +
          "set WIRE_DEPLOYMENT=1 to run it",
      );
      this.skip();
    }
    // AWS's clock and the plugin's agree at the start.
    const clock = new VirtualClock(1, Date.now());
    // Versions enough for each test to deploy its own.
    sim = new AwsSimulator(clock, {
      ...ordersSetup,
      versions: ["1", "2", "3", "4", "5", "6", "7"],
    });
    engine = await FakeEngine.start({ project: "orders-yaml", stack: "dev" });
    endpoint = await simulatorEndpoint(sim, clock, { deployments: true });
    plugin = await PluginProcess.start({
      engineAddress: engine.engineAddress,
      env: { AWS_ENDPOINT_URL: endpoint.url },
    });
    // The simulator's time follows the real clock, SPEEDUP times faster.
    let advancing = false;
    ticker = setInterval(() => {
      if (!advancing) {
        advancing = true;
        void clock.advance(TICK_MS * SPEEDUP).finally(() => (advancing = false));
      }
    }, TICK_MS);
  });

  after(async () => {
    if (ticker) clearInterval(ticker);
    plugin?.stop();
    engine?.stop();
    await endpoint?.close();
  });

  afterEach(() => {
    expect(
      endpoint.unmatched,
      "every AWS call the plugin made was answered as AWS does",
    ).to.deep.equal([]);
  });

  /** Check, then Create, as the engine does for a new resource. */
  async function create(targetVersion: string): Promise<any> {
    const check = new provproto.CheckRequest();
    check.setUrn(URN);
    check.setOlds(Struct.fromJavaScript({}));
    check.setNews(
      Struct.fromJavaScript({ ...ordersInputs(targetVersion), credentials: secret(CREDENTIALS) }),
    );
    const checked = await plugin.call("check", check);
    expect(checked.getFailuresList()).to.deep.equal([]);
    const request = new provproto.CreateRequest();
    request.setUrn(URN);
    request.setProperties(checked.getInputs());
    return plugin.call("create", request);
  }

  it("Create starts the canary, polls it to the end, records the new version as deployed and tells the user", async () => {
    const before = Number(sim.aliasNow().version);
    const target = String(before + 1);
    const started = Date.now();
    const created = await create(target);
    const outs = created.getProperties().toJavaScript();
    expect(outs).to.include({ status: "Succeeded", deployedVersion: target });
    expect(outs.deploymentId).to.match(/^d-/);
    expect(outs.credentials).to.deep.equal(secret(CREDENTIALS));
    expect(sim.aliasNow().version, "the alias serves the new version").to.equal(target);
    // CodeDeploy ran it: one CreateDeployment, then GetDeployment until it succeeded.
    const operations = endpoint.operations;
    expect(operations.filter((o) => o === "CodeDeploy.CreateDeployment")).to.have.length(1);
    expect(operations).to.include("CodeDeploy.GetDeployment");
    // What `pulumi up` shows of the plugin's progress (its output; deployment/provider.ts
    // reporterFor): lines naming the alias, one of them the deployment's id.
    const progress = plugin
      .stdout()
      .split("\n")
      .filter((line) => line.startsWith("LambdaDeployment orders-fn:live (eu-west-1): "));
    expect(progress).to.not.have.length(0);
    expect(progress.join("\n")).to.include(outs.deploymentId);
    console.log(
      `      the deployment took ${Math.round((Date.now() - started) / 1000)} s of real time, ` +
        `${operations.filter((o) => o === "CodeDeploy.GetDeployment").length} GetDeployment calls`,
    );
  });

  it("a canary the error alarm stops fails the Create with CodeDeploy's reason, the alias stays on the old version, and the earlier deployment is in the recent listing", async () => {
    // Its own deployment first, so this test does not lean on the one before.
    const first = String(Number(sim.aliasNow().version) + 1);
    const earlier = (await create(first)).getProperties().toJavaScript().deploymentId as string;
    expect(sim.aliasNow().version).to.equal(first);
    const listingsBefore = endpoint.listings.length;
    sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 0, alarm: "orders-errors" });
    let failure: grpc.ServiceError | undefined;
    await create(String(Number(first) + 1)).catch((error: grpc.ServiceError) => (failure = error));
    expect(failure, "the Create fails").to.not.equal(undefined);
    expect(failure!.details).to.include("orders-errors");
    expect(sim.aliasNow().version, "rolled back").to.equal(first);
    // Against AWS the second Create's listing of recent deployments holds the first one.
    expect(endpoint.listings.slice(listingsBefore).flat()).to.include(earlier);
    // The failure's lifecycle events were read from CodeDeploy, not given up on.
    expect(endpoint.operations).to.include("CodeDeploy.ListDeploymentTargets");
  });
});
