// A deployment that runs over the wire, to completion: the plugin's LambdaDeployment Create, over
// gRPC from Pulumi's plugin runner, against the AWS simulator behind its HTTP endpoint, where a
// CodeDeploy canary (CodeDeployDefault.LambdaCanary10Percent5Minutes) moves the alias from
// version 3 to 4. The plugin runs on the real clock, as against AWS: its polling (2-15 s
// between GetDeployment calls, deployment/timing.ts POLL_BACKOFF) is not shortened, and no
// setting could shorten it (a setting honoured only "against the simulator" would have to trust
// AWS_ENDPOINT_URL, which any real run may set, so it could change what a real deployment
// waits for). The simulator's time runs SPEEDUP times faster than the real clock instead, so
// the canary's 5 minutes take 5 seconds. Each deployment still waits seconds on the real clock
// and the file starts its own plugin, which the suite's time budget has no room for, so it is
// opt-in: WIRE_DEPLOYMENT=1 npx mocha ... test/provider/wireDeployment.test.ts.
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { ordersInputs, world } from "../deployment/sim/scenario";
import { builtPackageRoot } from "./builtPackage";
import { simulatorEndpoint, SimulatorEndpoint } from "./simulatorEndpoint";

/* eslint-disable @typescript-eslint/no-require-imports */
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { portOf } = require("../consumer/plugin.js") as {
  portOf(child: ChildProcess): Promise<number>;
};
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
  let endpoint: SimulatorEndpoint;
  let plugin: ChildProcess;
  let client: any;
  let consumer: string;
  let ticker: NodeJS.Timeout | undefined;
  let stderr = "";
  let sim: ReturnType<typeof world>["sim"];
  let clock: ReturnType<typeof world>["clock"];

  before(async function () {
    if (!optedIn) {
      console.log(
        "      skipped: deployments on the plugin's real clock take seconds each; " +
          "set WIRE_DEPLOYMENT=1 to run it",
      );
      this.skip();
    }
    ({ sim, clock } = world());
    const root = builtPackageRoot();
    endpoint = await simulatorEndpoint(sim, clock, { deployments: true });
    consumer = fs.mkdtempSync(path.join(os.tmpdir(), "mrs-wire-deployment-"));
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith("AWS_") && key !== "NODE_PATH" && !key.startsWith("TS_NODE_")) {
        env[key] = value;
      }
    }
    Object.assign(env, { AWS_ENDPOINT_URL: endpoint.url, AWS_EC2_METADATA_DISABLED: "true" });
    const runner = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [root] });
    // As the language host: node <run-plugin> <package folder> <engine address>.
    plugin = spawn(process.execPath, [runner, root, "127.0.0.1:1"], {
      cwd: consumer,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    plugin.stderr!.on("data", (chunk) => (stderr += chunk));
    const port = await portOf(plugin);
    client = new provrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
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
    client?.close();
    plugin?.kill();
    await endpoint?.close();
    if (consumer) fs.rmSync(consumer, { recursive: true, force: true });
  });

  const call = (method: string, request: unknown): Promise<any> =>
    new Promise((resolve, reject) =>
      client[method](request, (error: Error | null, response: unknown) =>
        error
          ? reject(Object.assign(error, { message: `${error.message}\nplugin stderr:\n${stderr}` }))
          : resolve(response),
      ),
    );

  /** Check, then Create, as the engine does for a new resource. */
  async function create(targetVersion: string): Promise<any> {
    const check = new provproto.CheckRequest();
    check.setUrn(URN);
    check.setOlds(Struct.fromJavaScript({}));
    check.setNews(
      Struct.fromJavaScript({ ...ordersInputs(targetVersion), credentials: secret(CREDENTIALS) }),
    );
    const checked = await call("check", check);
    expect(checked.getFailuresList()).to.deep.equal([]);
    const request = new provproto.CreateRequest();
    request.setUrn(URN);
    request.setProperties(checked.getInputs());
    return call("create", request);
  }

  it("Create starts the canary, waits for it on the real clock, and records version 4 as deployed", async () => {
    expect(sim.aliasNow().version).to.equal("3");
    const started = Date.now();
    const created = await create("4");
    const outs = created.getProperties().toJavaScript();
    expect(outs).to.include({ status: "Succeeded", deployedVersion: "4" });
    expect(outs.deploymentId).to.match(/^d-/);
    expect(outs.credentials).to.deep.equal(secret(CREDENTIALS));
    expect(sim.aliasNow().version, "the alias serves the new version").to.equal("4");
    // CodeDeploy ran it: one CreateDeployment, then GetDeployment until it succeeded.
    const operations = endpoint.operations;
    expect(operations.filter((o) => o === "CodeDeploy.CreateDeployment")).to.have.length(1);
    expect(operations).to.include("CodeDeploy.GetDeployment");
    console.log(
      `      the deployment took ${Math.round((Date.now() - started) / 1000)} s of real time, ` +
        `${operations.filter((o) => o === "CodeDeploy.GetDeployment").length} GetDeployment calls`,
    );
  });

  it("a canary the error alarm stops fails the Create with CodeDeploy's reason, and the alias stays on the old version", async () => {
    sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 0, alarm: "orders-errors" });
    let failure: grpc.ServiceError | undefined;
    await create("5").catch((error: grpc.ServiceError) => (failure = error));
    expect(failure, "the Create fails").to.not.equal(undefined);
    expect(failure!.details).to.include("orders-errors");
    expect(sim.aliasNow().version, "rolled back").to.equal("4");
  });
});
