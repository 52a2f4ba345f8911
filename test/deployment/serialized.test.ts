/**
 * The provider as Pulumi really runs it: serialized with `pulumi.runtime.serializeFunction`
 * (what `pulumi.dynamic.Resource` does), loaded in a fresh Node.js process as the
 * dynamic-provider host loads it, and driven through create/update/delete. What reaches the
 * engine (the error's `message`, `reasons` and recorded `properties`) must carry the
 * deployment id, CodeDeploy's error code and message, the alarm, where the alias ended, and
 * what to do. (A `class X extends Error` inside the serialized closure loses `message`.)
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { lambdaDeploymentProvider } from "../../deployment/provider";

const run = promisify(execFile);

/**
 * A provider whose outside world comes from the host process's globals (set by
 * sim/serializedHost.ts): the serializer leaves `globalThis` alone, so the same engine code
 * runs, serialized, against the simulator and its virtual clock.
 */
const providerUnderTest = lambdaDeploymentProvider({
  clients: async () => (globalThis as any).__simulator.clients(),
  clock: {
    now: () => (globalThis as any).__virtualClock.now(),
    sleep: (ms, cancel) => (globalThis as any).__virtualClock.sleep(ms, cancel),
    random: () => (globalThis as any).__virtualClock.random(),
  },
  log: (line) => (globalThis as any).__lines.push(line),
});

interface HostOutput {
  ok: boolean;
  result?: any;
  error?: { message: string; id?: string; properties?: Record<string, any>; reasons?: string[] };
  lines: string[];
}

describe("LambdaDeployment provider, serialized and run in a fresh process as the dynamic provider host runs it", function () {
  this.timeout(60_000);
  let outputs: Record<string, HostOutput>;

  before(async () => {
    const { text } = await pulumi.runtime.serializeFunction(() => providerUnderTest);
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), "lambda-deployment-")),
      "provider.js",
    );
    fs.writeFileSync(file, text);
    // One fresh process runs every scenario (each with its own simulator and a fresh load).
    const { stdout } = await run(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        path.join(__dirname, "sim", "serializedHost.ts"),
        file,
        ...["success", "failure", "stop", "timeout", "lost", "delete"],
      ],
      { cwd: path.join(__dirname, "..", ".."), maxBuffer: 10_000_000 },
    );
    outputs = JSON.parse(stdout.trim().split("\n").pop()!);
  });

  async function host(scenario: string): Promise<HostOutput> {
    return outputs[scenario];
  }

  it("success: returns the outputs read from the alias", async () => {
    const output = await host("success");

    expect(output.ok, JSON.stringify(output.error)).to.equal(true);
    expect(output.result.outs).to.include({
      status: "Succeeded",
      deploymentId: "d-SIM000001",
      deployedVersion: "4",
    });
  });

  it("failure: the message, reasons and recorded state name the deployment, CodeDeploy's reason, the alarm, the alias and what to do", async () => {
    const output = await host("failure");

    expect(output.ok).to.equal(false);
    const { message, reasons, properties, id } = output.error!;
    expect(id).to.equal("eu-west-1/orders-fn:live/0badf00d");
    expect(message).to.include("CodeDeploy deployment d-SIM000001");
    expect(message).to.include("CodeDeploy's reason: ALARM_ACTIVE: One or more alarms");
    expect(message).to.include("Alarm that stopped it: orders-errors");
    expect(message).to.include("Alias live now serves version 3.");
    expect(message).to.include("publish a new version (or set [retryToken]");
    expect(reasons).to.deep.equal([message]);
    expect(properties).to.include({
      deploymentId: "d-SIM000001",
      status: "Stopped",
      deployedVersion: "3",
    });
  });

  it("stop: says someone stopped it, with CodeDeploy's reason", async () => {
    const output = await host("stop");

    expect(output.error!.message).to.include("d-SIM000001");
    expect(output.error!.message).to.include("CodeDeploy's reason: MANUAL_STOP");
    expect(output.error!.properties).to.include({ status: "Stopped" });
  });

  it("timeout: says the deployment is still running, where the alias is, and how to follow it", async () => {
    const output = await host("timeout");

    const { message, properties } = output.error!;
    expect(message).to.include("CodeDeploy deployment d-SIM000001");
    expect(message).to.include("is still InProgress after 3 min");
    expect(message).to.include("Alias live now serves version 3 (10% on 4).");
    expect(message).to.include("aws deploy get-deployment --deployment-id d-SIM000001");
    expect(properties).to.include({ deploymentId: "d-SIM000001", deployedVersion: "3" });
    expect(properties!.routingWeights).to.deep.equal({ "4": 0.1 });
  });

  it("lost track: names the deployment, the error, and that it was not stopped", async () => {
    const output = await host("lost");

    const { message } = output.error!;
    expect(message).to.include("Lost track of CodeDeploy deployment d-SIM000001");
    expect(message).to.include("AccessDeniedException");
    expect(message).to.include("It was NOT stopped");
  });

  it("delete: stops the deployment it recorded", async () => {
    const output = await host("delete");

    expect(output.ok, JSON.stringify(output.error)).to.equal(true);
    expect(output.result).to.deep.equal({ deleted: true, status: "Stopped" });
    expect(output.lines.join("\n")).to.include(
      "stopping deployment d-SIM000001 with automatic rollback",
    );
  });
});
