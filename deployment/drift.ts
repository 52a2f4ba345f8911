/**
 * The read-only check `diff` makes when the inputs are unchanged (so also in `pulumi preview`):
 * is the alias where the stack says, and if not, should the next update deploy?
 */
import { DeploymentClients, Reporter, Session } from "./calls";
import { retryKey } from "./marker";
import {
  AliasName,
  describeAlias,
  GroupName,
  isTerminal,
  loadSdk,
  observe,
  servesExactly,
} from "./observe";
import { Clock, systemClock } from "./timing";

/** Budget of the read-only check in `pulumi preview` (diff): preview must stay fast. */
export const DRIFT_CHECK_BUDGET_MS = 10_000;

/** What {@link detectDrift} needs: where the alias should be, and the last deployment. */
export interface DriftRequest extends AliasName, GroupName {
  readonly targetVersion: string;
  readonly region: string;
  readonly waitForCompletion: boolean;
  /** The resource's marker and retry token: which deployments are this request's. */
  readonly marker?: string;
  readonly retryToken?: string;
  /** The deployment the stack recorded last. */
  readonly recordedDeploymentId?: string;
}

/** Whether the alias is where the stack says it should be. */
export interface DriftCheck {
  /** False when the next update must deploy (again) or follow a deployment. */
  readonly inSync: boolean;
  readonly aliasVersion: string;
  /** A deployment running in the group right now, if any. */
  readonly activeDeploymentId?: string;
  readonly message: string;
  /** The drift is real but left alone on purpose (a rolled-back version): show it as a warning. */
  readonly warning?: boolean;
}

/**
 * Read-only (GetAlias, ListDeployments, GetDeployment), within {@link DRIFT_CHECK_BUDGET_MS}
 * with short request timeouts: safe and fast in `pulumi preview`, even with AWS unreachable
 * (the caller then plans an update, which checks again).
 */
export async function detectDrift(
  request: DriftRequest,
  clients: DeploymentClients,
  report: Reporter,
  clock: Clock = systemClock,
): Promise<DriftCheck> {
  const sdk = await loadSdk();
  const session = new Session(clients, clock, report, {
    deadline: clock.now() + DRIFT_CHECK_BUDGET_MS,
    requestTimeoutMs: 3_000,
  });
  const wanted = request.targetVersion;
  const tag = request.marker
    ? { marker: request.marker, targetVersion: wanted, retry: retryKey(request.retryToken) }
    : undefined;
  const seen = await observe(
    session,
    sdk,
    request,
    tag ?? { marker: "--------", targetVersion: wanted, retry: "0" },
    { recordedId: request.recordedDeploymentId },
  );
  const alias = seen.alias;
  if (seen.active.length > 0) {
    const running = seen.active[0];
    const ours = seen.ours && !isTerminal(seen.ours.status);
    const message =
      `alias ${request.aliasName} serves ${describeAlias(alias)} while deployment ${running.id} is ` +
      `${running.status}${ours ? " (this resource's)" : ""}; ` +
      (request.waitForCompletion
        ? `the update ${ours ? "follows it" : `waits for it, then deploys version ${wanted} if needed`}`
        : "waitForCompletion is false, so it is left to finish on its own");
    report(message);
    return {
      inSync: !request.waitForCompletion,
      aliasVersion: alias.version,
      activeDeploymentId: running.id,
      message,
    };
  }
  if (servesExactly(alias, wanted)) {
    return {
      inSync: true,
      aliasVersion: alias.version,
      message: `alias ${request.aliasName} serves version ${wanted}`,
    };
  }
  const ours = seen.ours;
  if (ours && (ours.status === "Failed" || ours.status === "Stopped")) {
    const reason = ours.info.errorInformation;
    const message =
      `alias ${request.aliasName} serves ${describeAlias(alias)}, not version ${wanted}: deployment ` +
      `${ours.id} ${ours.status}${reason?.code ? ` (${reason.code}${reason.message ? `: ${reason.message}` : ""})` : ""}` +
      `${ours.info.rollbackInfo?.rollbackDeploymentId ? ` and was rolled back by ${ours.info.rollbackInfo.rollbackDeploymentId}` : ""}. ` +
      `Version ${wanted} is not deployed again on its own: publish a new version, or set retryToken to retry it.`;
    report(`warning: ${message}`);
    return { inSync: true, aliasVersion: alias.version, message, warning: true };
  }
  const message =
    `alias ${request.aliasName} serves ${describeAlias(alias)} but the stack wants version ${wanted}; ` +
    "the update deploys it";
  report(message);
  return { inSync: false, aliasVersion: alias.version, message };
}
