// The plugin's LambdaDeployment over gRPC, as the engine calls it: Pulumi's own plugin runner
// started on the package root built from the sources (as test/consumer/plugin.js starts it), in
// a directory without node_modules, with AWS_ENDPOINT_URL pointing its AWS SDK clients at the
// deployment simulator (test/deployment/sim, through simulatorEndpoint.ts). Check, Create,
// Read, Diff and Update each cross the wire and reach the simulator through the package's own
// @aws-sdk clients, signed with the credentials and for the region the resource's inputs name
// (the plugin's environment names others). Every operation here finds the alias already
// serving its target, so none runs a CodeDeploy deployment (CreateDeployment, GetDeployment):
// a deployment's settling (15 s) and polling run on the plugin's real clock, with no setting
// to shorten them, which the in-process tests of plugin.test.ts drive on a virtual one.
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ordersInputs, world } from "../deployment/sim/scenario";
import { builtPackageRoot } from "./builtPackage";
import type { AwsSimulator } from "../deployment/sim/awsSimulator";
import { SimulatorEndpoint, simulatorEndpoint } from "./simulatorEndpoint";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { portOf } = require("../consumer/plugin.js") as {
  portOf(child: ChildProcess): Promise<number>;
};

// The engine's wire format for a secret (@pulumi/pulumi runtime/rpc specialSigKey,
// specialSecretSig), written out: the test checks the plugin against the format, not the SDK.
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: unknown) => ({ [SIG]: SECRET_SIG, value });
const URN =
  "urn:pulumi:dev::orders-yaml::multiregion-serverless:index:TrafficShiftedFunction$" +
  "multiregion-serverless:index:LambdaDeployment::orders-deployment";
const CREDENTIALS = { accessKey: "AKIDEXAMPLE", secretKey: "example" };

describe("the plugin's LambdaDeployment over gRPC, against the AWS simulator", function () {
  this.timeout(120_000);
  let endpoint: SimulatorEndpoint;
  let simulator: AwsSimulator;
  let plugin: ChildProcess;
  let consumer: string;
  let call: (method: string, request: unknown) => Promise<any>;
  let proto: any;
  let Struct: any;
  let close: () => void;

  before(async () => {
    const root = builtPackageRoot();
    const fromRoot = (request: string) =>
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(require.resolve(request, { paths: [root] }));
    const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [root] }));
    const fromSdk = (request: string) =>
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(require.resolve(request, { paths: [sdkDir] }));
    const grpc = fromSdk("@grpc/grpc-js");
    const services = fromRoot("@pulumi/pulumi/proto/provider_grpc_pb");
    proto = fromRoot("@pulumi/pulumi/proto/provider_pb");
    Struct = fromSdk("google-protobuf/google/protobuf/struct_pb").Struct;

    const { sim, clock } = world();
    simulator = sim;
    endpoint = await simulatorEndpoint(sim, clock);
    consumer = fs.mkdtempSync(path.join(os.tmpdir(), "mrs-wire-consumer-"));
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith("AWS_") && key !== "NODE_PATH" && !key.startsWith("TS_NODE_")) {
        env[key] = value;
      }
    }
    Object.assign(env, {
      AWS_ENDPOINT_URL: endpoint.url,
      AWS_EC2_METADATA_DISABLED: "true",
      // The plugin's own environment names other credentials and another region: the
      // resource's `credentials` and `region` inputs must win (checked by the signing scopes).
      AWS_ACCESS_KEY_ID: "AKIDPLUGINENVIRONMENT",
      AWS_SECRET_ACCESS_KEY: "environment",
      AWS_REGION: "us-east-2",
    });
    const runner = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [root] });
    // As the language host: node <run-plugin> <package folder> <engine address>.
    plugin = spawn(process.execPath, [runner, root, "127.0.0.1:1"], {
      cwd: consumer,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const port = await portOf(plugin);
    const client = new services.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    close = () => client.close();
    call = (method, request) =>
      new Promise((resolve, reject) =>
        client[method](request, (error: Error | null, response: unknown) =>
          error ? reject(error) : resolve(response),
        ),
      );
  });

  after(async () => {
    close?.();
    plugin?.kill();
    await endpoint?.close();
    if (consumer) fs.rmSync(consumer, { recursive: true, force: true });
  });

  const inputs = (extra: Record<string, unknown> = {}) => ({
    ...ordersInputs("3"),
    credentials: secret(CREDENTIALS),
    ...extra,
  });
  const struct = (value: unknown) => Struct.fromJavaScript(value);

  it("checks, creates, reads, diffs and updates a deployment whose alias already serves its target", async () => {
    const check = new proto.CheckRequest();
    check.setUrn(URN);
    check.setOlds(struct({}));
    check.setNews(struct(inputs()));
    const checked = await call("check", check);
    expect(checked.getFailuresList()).to.deep.equal([]);
    const news = checked.getInputs().toJavaScript();

    const create = new proto.CreateRequest();
    create.setUrn(URN);
    create.setProperties(struct(news));
    const created = await call("create", create);
    const id: string = created.getId();
    const outs = created.getProperties().toJavaScript();
    expect(id).to.match(/^eu-west-1\/orders-fn:live\/[0-9a-f]{8}$/);
    expect(outs).to.include({ status: "AlreadyAtTarget", deployedVersion: "3" });
    // The state the engine records keeps the credentials encrypted.
    expect(outs.credentials).to.deep.equal(secret(CREDENTIALS));
    expect(endpoint.operations).to.include.members([
      "CodeDeploy.GetDeploymentGroup",
      "CodeDeploy.ListDeployments",
      "Lambda.GetAlias",
    ]);
    // Signed with the inputs' access key for the inputs' region, by both clients.
    expect(endpoint.scopes).to.have.length(endpoint.operations.length);
    expect(new Set(endpoint.scopes.map((scope) => JSON.stringify(scope)))).to.deep.equal(
      new Set([
        JSON.stringify({ accessKeyId: "AKIDEXAMPLE", region: "eu-west-1", service: "codedeploy" }),
        JSON.stringify({ accessKeyId: "AKIDEXAMPLE", region: "eu-west-1", service: "lambda" }),
      ]),
    );

    const read = new proto.ReadRequest();
    read.setId(id);
    read.setUrn(URN);
    read.setProperties(struct(outs));
    const refreshed = (await call("read", read)).getProperties().toJavaScript();
    expect(refreshed).to.include({ deployedVersion: "3", status: "AlreadyAtTarget" });
    expect(refreshed.credentials).to.deep.equal(secret(CREDENTIALS));

    const diff = async (changed: Record<string, unknown>) => {
      const request = new proto.DiffRequest();
      request.setId(id);
      request.setUrn(URN);
      request.setOlds(struct(outs));
      request.setNews(struct(inputs(changed)));
      return (await call("diff", request)).getChanges();
    };
    const changes = proto.DiffResponse.DiffChanges;
    expect(await diff({})).to.equal(changes.DIFF_NONE);
    expect(await diff({ targetVersion: "4" })).to.equal(changes.DIFF_SOME);
    // The dashboard link alone changes only messages: no update (docs/deployments.md).
    const dashboardUrl = "https://console.aws.amazon.com/cloudwatch/home#dashboards/name=orders";
    expect(await diff({ dashboardUrl })).to.equal(changes.DIFF_NONE);
    expect(await diff({ timeoutMinutes: 45 })).to.equal(changes.DIFF_SOME);

    // A change that needs no deployment: the update runs, finds the alias on its target, records it.
    const asked = endpoint.operations.length;
    const update = new proto.UpdateRequest();
    update.setId(id);
    update.setUrn(URN);
    update.setOlds(struct(outs));
    update.setNews(struct({ ...news, timeoutMinutes: 45 }));
    const updated = (await call("update", update)).getProperties().toJavaScript();
    expect(updated).to.include({
      status: "AlreadyAtTarget",
      deployedVersion: "3",
      timeoutMinutes: 45,
    });
    expect(updated.credentials).to.deep.equal(secret(CREDENTIALS));
    expect(endpoint.operations.slice(asked)).to.include("Lambda.GetAlias");
  });

  it("retries a 500 from CodeDeploy and from Lambda, as against AWS, and then creates", async () => {
    // The first GetDeploymentGroup and the first GetAlias fail with a server error (HTTP 500);
    // the plugin retries 5xx answers (deployment/awsErrors.ts `isRetryableError`, by status),
    // so the second of each succeeds. Sent as HTTP 400, as the endpoint once did, neither would
    // be retried and the Create would fail.
    const failed = new Set<string>();
    simulator.faults = ({ command }) => {
      if (
        (command === "GetDeploymentGroupCommand" || command === "GetAliasCommand") &&
        !failed.has(command)
      ) {
        failed.add(command);
        return "5xx";
      }
      return "none";
    };
    const asked = simulator.requests.length;
    try {
      const check = new proto.CheckRequest();
      check.setUrn(URN);
      check.setOlds(struct({}));
      check.setNews(struct(inputs()));
      const news = (await call("check", check)).getInputs().toJavaScript();
      const create = new proto.CreateRequest();
      create.setUrn(URN);
      create.setProperties(struct(news));
      const outs = (await call("create", create)).getProperties().toJavaScript();
      expect(outs).to.include({ status: "AlreadyAtTarget", deployedVersion: "3" });
    } finally {
      simulator.faults = () => "none";
    }
    const requests = simulator.requests.slice(asked);
    for (const command of ["GetDeploymentGroupCommand", "GetAliasCommand"]) {
      const faults = requests.filter((r) => r.command === command).map((r) => r.fault);
      expect(faults.slice(0, 2), command).to.deep.equal(["5xx", "none"]);
    }
  });
});
