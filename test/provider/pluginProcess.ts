// Pulumi's Node.js plugin runner started on the package root built from the sources, as the
// language host's RunPlugin starts it (`node <run-plugin> <package root> <engine address>`, in
// the consumer's directory; pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs), and a gRPC
// client to the provider it serves. Shared by the construct and wire-deployment tests.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { builtPackageRoot } from "./builtPackage";

/* eslint-disable @typescript-eslint/no-require-imports */
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const { portOf } = require("../consumer/plugin.js") as {
  portOf(child: ChildProcess): Promise<number>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const REPO = path.join(__dirname, "..", "..");

/** The package's plugin process and a client to its ResourceProvider service. */
export class PluginProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    private readonly consumer: string,
    /** What the plugin wrote to stderr so far. */
    readonly stderr: () => string,
    /** What the plugin wrote to stdout after its port (the engine shows a plugin's output). */
    readonly stdout: () => string,
  ) {}

  /**
   * Starts the plugin with `engineAddress` as its engine. The consumer's directory holds the
   * function code a program names by path (`./service/...`); `env` is added to this process's
   * environment without its AWS_*, NODE_PATH and TS_NODE_* (a real plugin inherits none of the
   * test runner's).
   */
  static async start(options: {
    engineAddress: string;
    env?: NodeJS.ProcessEnv;
  }): Promise<PluginProcess> {
    const root = builtPackageRoot();
    const runner = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [root] });
    const consumer = fs.mkdtempSync(path.join(os.tmpdir(), "mrs-plugin-consumer-"));
    fs.symlinkSync(path.join(REPO, "service"), path.join(consumer, "service"), "dir");
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith("AWS_") && key !== "NODE_PATH" && !key.startsWith("TS_NODE_")) {
        env[key] = value;
      }
    }
    const child = spawn(process.execPath, [runner, root, options.engineAddress], {
      cwd: consumer,
      env: { ...env, AWS_EC2_METADATA_DISABLED: "true", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const port = await portOf(child);
    let stdout = "";
    child.stdout!.on("data", (chunk) => (stdout += chunk));
    const client = new provrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    return new PluginProcess(
      child,
      client,
      consumer,
      () => stderr,
      () => stdout,
    );
  }

  /** One unary call (`configure`, `construct`, `check`, `create`...); errors carry stderr. */
  call<T = any>(method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) =>
      this.client[method](request, (error: grpc.ServiceError | null, response: T) =>
        error
          ? reject(
              Object.assign(error, {
                message: `${error.message}\nplugin stderr:\n${this.stderr()}`,
              }),
            )
          : resolve(response),
      ),
    );
  }

  stop(): void {
    this.client.close();
    this.child.kill();
    fs.rmSync(this.consumer, { recursive: true, force: true });
  }
}

// The same unwrapping and secret paths as the test harness applies to its registrations.
export { secretPathsOf, unwrapSecrets } from "../../testing/run";
