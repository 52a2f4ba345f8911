/**
 * Runs in a fresh Node.js process (see serialized.test.ts): loads a serialized provider the
 * way `@pulumi/pulumi/cmd/dynamic-provider` does (`require-from-string` of the `__provider`
 * text, then `.handler()`), drives one scenario against the simulator, and turns a thrown
 * error into what the host sends the engine (`grpcResponseFromError`: `message`, and for a
 * partial failure `id`, `properties` as a protobuf Struct and `reasons`). Prints JSON.
 */
import { StopDeploymentCommand } from "@aws-sdk/client-codedeploy";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as fs from "fs";
import { AwsSimulator } from "./awsSimulator";
import { ordersInputs, ordersSetup } from "./scenario";
import { VirtualClock } from "./virtualClock";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string");

async function play(file: string, scenario: string): Promise<unknown> {
  const clock = new VirtualClock(7);
  const sim = new AwsSimulator(clock, ordersSetup);
  const lines: string[] = [];
  // The serialized provider reaches these through globalThis (see serialized.test.ts).
  Object.assign(globalThis, { __simulator: sim, __virtualClock: clock, __lines: lines });

  // A fresh load per scenario (the host caches one per provider text; the simulator differs).
  const provider = requireFromString(fs.readFileSync(file, "utf8")).handler();
  const id = "eu-west-1/orders-fn:live/0badf00d";
  const olds = { ...ordersInputs("3"), status: "AlreadyAtTarget", deployedVersion: "3" };
  let result: unknown;
  try {
    switch (scenario) {
      case "success":
        result = await clock.drive(provider.update(id, olds, ordersInputs("4")));
        break;
      case "failure":
        sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 60_000, alarm: "orders-errors" });
        result = await clock.drive(provider.update(id, olds, ordersInputs("4")));
        break;
      case "stop":
        void clock
          .sleep(2 * 60_000)
          .then(() =>
            sim.send(
              new StopDeploymentCommand({ deploymentId: "d-SIM000001", autoRollbackEnabled: true }),
            ),
          );
        result = await clock.drive(provider.update(id, olds, ordersInputs("4")));
        break;
      case "timeout":
        result = await clock.drive(
          provider.update(id, olds, ordersInputs("4", { timeoutMinutes: 3 })),
        );
        break;
      case "lost": {
        let created = false;
        sim.faults = ({ command }) => {
          created ||= command === "CreateDeploymentCommand";
          return created && command === "GetDeploymentCommand" ? "denied" : "none";
        };
        result = await clock.drive(provider.update(id, olds, ordersInputs("4")));
        break;
      }
      case "delete": {
        const up: any = await clock.drive(
          provider.update(id, olds, ordersInputs("4", { waitForCompletion: false })),
        );
        await clock.drive(provider.delete(id, up.outs));
        result = { deleted: true, status: sim.deployments[0].status };
        break;
      }
      default:
        throw new Error(`unknown scenario ${scenario}`);
    }
    return { ok: true, result, lines };
  } catch (e: any) {
    // grpcResponseFromError in @pulumi/pulumi/cmd/dynamic-provider/index.js
    const error: Record<string, unknown> = { message: e.message };
    if (e.id) {
      error.id = e.id;
      error.properties = Struct.fromJavaScript(e.properties || {}).toJavaScript();
      error.reasons = e.reasons || [];
    }
    return { ok: false, error, lines };
  }
}

async function main(): Promise<void> {
  const [file, ...scenarios] = process.argv.slice(2);
  const outputs: Record<string, unknown> = {};
  for (const scenario of scenarios) {
    outputs[scenario] = await play(file, scenario);
  }
  console.log(JSON.stringify(outputs));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
