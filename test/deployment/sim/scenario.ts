import { LambdaDeploymentInputs } from "../../../deployment/provider";
import { AwsSimulator, SimSetup } from "./awsSimulator";
import { SimulatedStack } from "./harness";
import { VirtualClock } from "./virtualClock";

/** orders-fn:live in eu-west-1, Canary10Percent5Minutes, both hooks, alias on version 3. */
export const ordersSetup: SimSetup = {
  functionName: "orders-fn",
  aliasName: "live",
  applicationName: "orders",
  deploymentGroupName: "orders-live",
  region: "eu-west-1",
  accountId: "111122223333",
  shift: { type: "TimeBasedCanary", percentage: 10, intervalMinutes: 5 },
  deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
  hooks: { before: true, after: true },
  hookMs: 30_000,
  rollbackMs: 20_000,
  listLagMs: 5_000,
  versions: ["1", "2", "3", "4", "5"],
  aliasVersion: "3",
};

/** The inputs a `pulumi up` of version `targetVersion` sends. */
export function ordersInputs(
  targetVersion: string,
  extra: Partial<LambdaDeploymentInputs> = {},
): LambdaDeploymentInputs {
  return {
    applicationName: "orders",
    deploymentGroupName: "orders-live",
    functionName: "orders-fn",
    aliasName: "live",
    targetVersion,
    waitForCompletion: true,
    timeoutMinutes: 40,
    region: "eu-west-1",
    keepVersions: 0,
    ...extra,
  };
}

/** A fresh simulator and stack. */
export function world(setup: Partial<SimSetup> = {}, seed = 1) {
  const clock = new VirtualClock(seed);
  const sim = new AwsSimulator(clock, { ...ordersSetup, ...setup });
  const stack = new SimulatedStack(sim, clock);
  return { clock, sim, stack };
}
