/**
 * How long one operation may take when `timeoutMinutes` is not given: the deployment group's
 * traffic-shifting time (from its deployment configuration) plus an allowance for hooks.
 */
import { errorMessage } from "./awsErrors";
import { Session } from "./calls";
import { GroupName, Sdk } from "./observe";
import { estimatedRolloutMinutes, predefinedTrafficShift, TrafficShift } from "./rollout";

/** Time allowed for hooks and CodeDeploy's own latency on top of the traffic-shifting time. */
export const HOOK_ALLOWANCE_MINUTES = 30;

/** Used when the deployment group's configuration cannot be read. */
export const FALLBACK_TIMEOUT_MINUTES = 60;

/** Default `timeoutMinutes`: the configuration's traffic-shifting time plus the hook allowance. */
export function defaultTimeoutMinutes(shift: TrafficShift): number {
  return estimatedRolloutMinutes(shift) + HOOK_ALLOWANCE_MINUTES;
}

/** `timeoutMinutes` unset: the deployment group's traffic-shifting time plus the hook allowance. */
export async function resolveTimeout(
  session: Session,
  sdk: Sdk,
  request: GroupName,
): Promise<number> {
  let configName: string | undefined;
  try {
    const group = await session.send<{ deploymentGroupInfo?: { deploymentConfigName?: string } }>(
      `GetDeploymentGroup ${request.deploymentGroupName}`,
      session.clients.codedeploy,
      new sdk.codedeploy.GetDeploymentGroupCommand({
        applicationName: request.applicationName,
        deploymentGroupName: request.deploymentGroupName,
      }),
    );
    configName = group.deploymentGroupInfo?.deploymentConfigName;
    if (!configName) {
      throw new Error("the deployment group names no deployment configuration");
    }
    let shift = predefinedTrafficShift(configName);
    if (!shift) {
      const config = await session.send<{
        deploymentConfigInfo?: { trafficRoutingConfig?: Parameters<typeof toShift>[0] };
      }>(
        `GetDeploymentConfig ${configName}`,
        session.clients.codedeploy,
        new sdk.codedeploy.GetDeploymentConfigCommand({ deploymentConfigName: configName }),
      );
      shift = toShift(config.deploymentConfigInfo?.trafficRoutingConfig);
    }
    const minutes = defaultTimeoutMinutes(shift);
    session.report(
      `deployment configuration ${configName}: ~${estimatedRolloutMinutes(shift)} min of traffic ` +
        `shifting; waiting up to ${minutes} min in all (set timeoutMinutes to change)`,
    );
    return minutes;
  } catch (error) {
    session.report(
      `could not read the deployment configuration${configName ? ` ${configName}` : ""} ` +
        `(${errorMessage(error)}); waiting up to ${FALLBACK_TIMEOUT_MINUTES} min ` +
        "(set timeoutMinutes to change)",
    );
    return FALLBACK_TIMEOUT_MINUTES;
  }
}

function toShift(
  config:
    | {
        type?: string;
        timeBasedCanary?: { canaryPercentage?: number; canaryInterval?: number };
        timeBasedLinear?: { linearPercentage?: number; linearInterval?: number };
      }
    | undefined,
): TrafficShift {
  switch (config?.type) {
    case "TimeBasedCanary":
      return {
        type: "TimeBasedCanary",
        percentage: config.timeBasedCanary?.canaryPercentage ?? 10,
        intervalMinutes: config.timeBasedCanary?.canaryInterval ?? 1,
      };
    case "TimeBasedLinear":
      return {
        type: "TimeBasedLinear",
        percentage: config.timeBasedLinear?.linearPercentage ?? 10,
        intervalMinutes: config.timeBasedLinear?.linearInterval ?? 1,
      };
    case "AllAtOnce":
      return { type: "AllAtOnce" };
    default:
      throw new Error(`unsupported trafficRoutingConfig type ${config?.type ?? "(none)"}`);
  }
}
