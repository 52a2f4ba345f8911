/**
 * What delete does: stop this resource's running deployments, with automatic rollback.
 */
import type { DeploymentInfo } from "@aws-sdk/client-codedeploy";
import { errorName } from "./awsErrors";
import { DeploymentClients, Reporter, Session } from "./calls";
import { DeploymentTag, parseTag } from "./marker";
import { getDeploymentCommand } from "./messages";
import {
  getDeployment,
  GroupName,
  isRollback,
  isTerminal,
  listDeployments,
  loadSdk,
} from "./observe";
import { Clock, pollDelayMs, systemClock } from "./timing";

/** How long {@link stop} waits for a stop to take effect by default. */
const STOP_WAIT_MINUTES = 10;

/** Which deployments {@link stop} may stop. */
export interface StopRequest extends GroupName {
  readonly region: string;
  /** The deployment this resource recorded last (looked at even when the listing lags). */
  readonly deploymentId?: string;
  /** The marker this resource wrote into its deployments' descriptions. */
  readonly marker?: string;
  /** How long to wait for the stop to take effect. @default 10 */
  readonly waitMinutes?: number;
}

/** What {@link stop} did. */
export interface StopResult {
  /** Deployments asked to stop (with automatic rollback). */
  readonly stopped: string[];
  /** Running deployments left alone because this resource did not start them. */
  readonly leftAlone: string[];
  /** Deployments asked to stop that were still stopping when the wait ended. */
  readonly stillStopping: string[];
}

/**
 * On delete: stops, with automatic rollback, the running deployments this resource started:
 * the recorded deployment id (read directly, so a listing that lags cannot hide it) and any
 * running deployment whose description carries the resource's marker. Others are left alone
 * and reported.
 */
export async function stop(
  request: StopRequest,
  clients: Pick<DeploymentClients, "codedeploy">,
  report: Reporter,
  clock: Clock = systemClock,
): Promise<StopResult> {
  const sdk = await loadSdk();
  const waitMinutes = request.waitMinutes ?? STOP_WAIT_MINUTES;
  const session = new Session(clients as DeploymentClients, clock, report, {
    deadline: clock.now() + waitMinutes * 60_000,
  });
  const candidates = new Set(await listDeployments(session, sdk, request, { activeOnly: true }));
  if (request.deploymentId) {
    candidates.add(request.deploymentId);
  }
  const ours: string[] = [];
  const leftAlone: string[] = [];
  for (const id of candidates) {
    const info = await getDeployment(session, sdk, id).catch((error: unknown) => {
      if ((error as { code?: string }).code === "DeploymentDoesNotExistException") {
        return undefined;
      }
      throw error;
    });
    if (!info || isTerminal(info.status)) {
      continue;
    }
    if (isRollback(info)) {
      // A rollback may carry the description (and tag) of the deployment it undoes; stopping
      // it would leave the alias half-way between versions.
      report(
        `deployment ${id} is the automatic rollback of ${info.rollbackInfo?.rollbackTriggeringDeploymentId ?? "an earlier deployment"}; leaving it to finish`,
      );
      continue;
    }
    const tag = parseTagOf(info);
    const mine =
      id === request.deploymentId ||
      (request.marker !== undefined && tag?.marker === request.marker);
    (mine ? ours : leftAlone).push(id);
  }
  for (const id of leftAlone) {
    report(
      `deployment ${id} is running in ${request.deploymentGroupName} but was not started by this resource; leaving it alone`,
    );
  }
  const stopped: string[] = [];
  for (const id of ours) {
    try {
      await session.send(
        `StopDeployment ${id}`,
        session.clients.codedeploy,
        new sdk.codedeploy.StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }),
      );
    } catch (error) {
      if (errorName(error) === "DeploymentAlreadyCompletedException") {
        continue;
      }
      throw error;
    }
    stopped.push(id);
    report(`stopping deployment ${id} with automatic rollback (the resource is being deleted)`);
  }
  const stillStopping: string[] = [];
  for (const id of stopped) {
    for (let attempt = 0; ; attempt++) {
      const info = await getDeployment(session, sdk, id, { finalRead: session.remaining() === 0 });
      if (isTerminal(info.status)) {
        report(`deployment ${id} ${info.status}`);
        break;
      }
      if (session.remaining() === 0) {
        stillStopping.push(id);
        report(
          `deployment ${id} is still ${info.status} after ${waitMinutes} min; CodeDeploy finishes ` +
            `stopping it on its own. Follow it: ${getDeploymentCommand(id, request.region)}`,
        );
        break;
      }
      await clock.sleep(
        Math.min(
          pollDelayMs(attempt, () => clock.random()),
          session.remaining(),
        ),
      );
    }
  }
  return { stopped, leftAlone, stillStopping };
}

function parseTagOf(info: DeploymentInfo): DeploymentTag | undefined {
  return parseTag(info.description);
}
