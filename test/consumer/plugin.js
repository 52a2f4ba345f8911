// The package as Pulumi runs it for a Python, Go, C#, Java or YAML program: Pulumi's own Node.js
// plugin runner (@pulumi/pulumi/cmd/run-plugin, resolved from the package folder as the
// language host's `locateModule` does) started on the package folder, in a working directory
// with no node_modules (the language host runs plugins in the consumer's directory), then
// spoken to over gRPC as the engine does: GetPluginInfo, GetSchema, and the LambdaDeployment
// custom resource's Check, Create and Delete against a stand-in AWS endpoint
// (AWS_ENDPOINT_URL) that refuses every call. Those answers show the deployment's provider
// runs in the plugin with the package's own @aws-sdk/* (pulumi/pulumi#5455 is what it avoids).
//
// Used by the consumer test (run.sh: the packed and installed package) and by
// test/provider/plugin.test.ts (a build of the sources). No Pulumi CLI is needed.
// Usage: node plugin.js <package folder>
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");

const LAMBDA_DEPLOYMENT = "multiregion-serverless:index:LambdaDeployment";
const URN = `urn:pulumi:dev::orders-yaml::multiregion-serverless:index:TrafficShiftedFunction$${LAMBDA_DEPLOYMENT}::orders-deployment`;
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

/** Inputs as a component registers them (credentials secret, as on the wire). */
function deploymentInputs(extra = {}) {
  return {
    applicationName: "orders",
    deploymentGroupName: "orders-live",
    functionName: "orders-fn",
    aliasName: "live",
    targetVersion: "4",
    waitForCompletion: true,
    timeoutMinutes: 30,
    region: "eu-west-1",
    keepVersions: 5,
    credentials: { ...SECRET, value: { accessKey: "AKIDEXAMPLE", secretKey: "example" } },
    ...extra,
  };
}

/** An AWS endpoint that answers every call with "not found", recording what it was asked. */
function refusingAws() {
  const requests = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const target = request.headers["x-amz-target"];
      requests.push(target ? String(target) : `${request.method} ${request.url}`);
      if (target) {
        // CodeDeploy (awsJson1_1).
        response.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
        response.end(
          JSON.stringify({
            __type: "DeploymentGroupDoesNotExistException",
            message: "No Deployment Group found for name: orders-live",
          }),
        );
      } else {
        // Lambda (restJson1).
        response.writeHead(404, {
          "content-type": "application/json",
          "x-amzn-errortype": "ResourceNotFoundException",
        });
        response.end(JSON.stringify({ Type: "User", Message: "Function not found: orders-fn" }));
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, requests, port: server.address().port })),
  );
}

/** The first line the plugin prints: its port (what the engine reads). */
function portOf(child) {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(
      () => reject(new Error(`no port within 60 s; stderr:\n${err}`)),
      60_000,
    );
    child.stderr.on("data", (chunk) => (err += chunk));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const newline = out.indexOf("\n");
      if (newline >= 0) {
        clearTimeout(timer);
        const line = out.slice(0, newline).trim();
        if (/^\d+$/.test(line)) resolve(Number(line));
        else
          reject(
            new Error(`the plugin's first line is not a port: ${JSON.stringify(line)}\n${err}`),
          );
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the plugin exited (${code}) before printing a port; stderr:\n${err}`));
    });
  });
}

/**
 * Runs the checks; resolves with what was observed, rejects on the first broken expectation.
 * `root` is a package folder with its dependencies (its node_modules or a parent's).
 */
async function checkPlugin(root) {
  root = path.resolve(root);
  const load = (request) => require(require.resolve(request, { paths: [root] }));
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [root] }));
  const fromSdk = (request) => require(require.resolve(request, { paths: [sdkDir] }));
  const grpc = fromSdk("@grpc/grpc-js");
  const provrpc = load("@pulumi/pulumi/proto/provider_grpc_pb");
  const provproto = load("@pulumi/pulumi/proto/provider_pb");
  const emptyproto = fromSdk("google-protobuf/google/protobuf/empty_pb");
  const { Struct } = fromSdk("google-protobuf/google/protobuf/struct_pb");
  const runner = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [root] });
  const version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
  const schemaText = fs.readFileSync(path.join(root, "schema.json"), "utf8");

  const aws = await refusingAws();
  // The consumer's directory: a program in another language, no node_modules.
  const consumer = fs.mkdtempSync(path.join(os.tmpdir(), "mrs-consumer-program-"));
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("AWS_") || key === "NODE_PATH" || key.startsWith("TS_NODE_"))
      delete env[key];
  }
  Object.assign(env, {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${aws.port}`,
    AWS_EC2_METADATA_DISABLED: "true",
  });
  // As the language host: node <run-plugin> <program directory> <engine address>.
  const child = spawn(process.execPath, [runner, root, "127.0.0.1:1"], {
    cwd: consumer,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const observed = { requests: aws.requests };
  try {
    const port = await portOf(child);
    const client = new provrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    const call = (method, request) =>
      new Promise((resolve, reject) =>
        client[method](request, (error, response) => (error ? reject(error) : resolve(response))),
      );

    const info = await call("getPluginInfo", new emptyproto.Empty());
    if (info.getVersion() !== version) {
      throw new Error(`GetPluginInfo says version ${info.getVersion()}, package.json ${version}`);
    }
    const schemaRequest = new provproto.GetSchemaRequest();
    const served = JSON.parse((await call("getSchema", schemaRequest)).getSchema());
    if (JSON.stringify(served) !== JSON.stringify(JSON.parse(schemaText))) {
      throw new Error("GetSchema does not serve the package's schema.json");
    }
    observed.resources = Object.keys(served.resources).sort();
    if (!served.resources[LAMBDA_DEPLOYMENT] || served.resources[LAMBDA_DEPLOYMENT].isComponent) {
      throw new Error(`the schema lacks the custom resource ${LAMBDA_DEPLOYMENT}`);
    }

    const check = async (news) => {
      const request = new provproto.CheckRequest();
      request.setUrn(URN);
      request.setOlds(Struct.fromJavaScript({}));
      request.setNews(Struct.fromJavaScript(news));
      const response = await call("check", request);
      return {
        inputs: response.getInputs().toJavaScript(),
        failures: response.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`),
      };
    };
    const valid = await check(deploymentInputs());
    if (valid.failures.length > 0) throw new Error(`Check refused valid inputs: ${valid.failures}`);
    if (
      JSON.stringify(valid.inputs.credentials) !== JSON.stringify(deploymentInputs().credentials)
    ) {
      throw new Error("Check did not keep the credentials secret");
    }
    observed.checkFailures = (await check(deploymentInputs({ timeoutMinutes: 0 }))).failures;
    if (observed.checkFailures.length === 0) throw new Error("Check accepted timeoutMinutes 0");

    // Create reaches AWS through the package's own SDK; the stand-in refuses it.
    const create = new provproto.CreateRequest();
    create.setUrn(URN);
    create.setProperties(Struct.fromJavaScript(deploymentInputs()));
    observed.createError = await call("create", create).then(
      () => {
        throw new Error("Create succeeded against an AWS that refuses every call");
      },
      (error) => String(error.details || error.message),
    );
    if (/Cannot find module/.test(observed.createError)) {
      throw new Error(`the plugin could not load a module: ${observed.createError}`);
    }
    if (aws.requests.length === 0) {
      throw new Error(`Create made no AWS call; it failed with: ${observed.createError}`);
    }

    // Delete: nothing can run in a deployment group that does not exist.
    const remove = new provproto.DeleteRequest();
    remove.setId("eu-west-1/orders-fn:live/0badf00d");
    remove.setUrn(URN);
    remove.setProperties(
      Struct.fromJavaScript({
        ...deploymentInputs(),
        status: "Succeeded",
        deploymentId: "d-EXAMPLE",
      }),
    );
    await call("delete", remove);
    client.close();
    return observed;
  } catch (error) {
    error.message += stderr ? `\nplugin stderr:\n${stderr}` : "";
    throw error;
  } finally {
    child.kill();
    aws.server.close();
    fs.rmSync(consumer, { recursive: true, force: true });
  }
}

module.exports = { checkPlugin, deploymentInputs, portOf, LAMBDA_DEPLOYMENT };

if (require.main === module) {
  checkPlugin(process.argv[2]).then(
    (observed) => {
      console.log(
        `  plugin: schema with ${observed.resources.length} resources; Create reached AWS ` +
          `(${observed.requests.length} calls) and failed with: ${observed.createError.slice(0, 160)}`,
      );
    },
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
