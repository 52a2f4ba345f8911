/**
 * Starts, follows and gates CodeDeploy deployments of a Lambda alias: what `sam deploy` does
 * through CloudFormation's alias UpdatePolicy, for `pulumi up`.
 *
 * {@link deploy} is a state machine. Each step observes what AWS says now (the alias's version
 * AND routing weights, the group's deployments with status and tag; {@link observe}),
 * decides from that alone, and reports what it saw:
 *
 * - a deployment carrying this request's tag is running -> follow it (never start another);
 * - someone else's deployment is running -> wait for it, then observe again;
 * - this request's deployment already ended -> Succeeded and the alias serves exactly the
 *   target: done; Failed/Stopped: fail with its reason, never deploy the version again on
 *   its own (a new version or a new `retryToken` is needed);
 * - the alias serves exactly the target -> done, nothing created;
 * - otherwise -> create ONE deployment, tagged; a lost response is resolved by observing
 *   again (the tag finds it), a `DeploymentLimitExceededException` naming a deployment is
 *   resolved by reading that deployment's tag.
 *
 * One deadline covers it all, waiting for others and for a rollback included; the outputs
 * are the alias as read at the end, never assumed.
 */
import type { DeploymentInfo, DeploymentStatus, LifecycleEvent } from "@aws-sdk/client-codedeploy";
import { appSpecContent, AppSpecHooks, appSpecSha256 } from "./appSpec";
import { conflictingDeploymentId, errorMessage, errorName, isRetryableError } from "./awsErrors";
import { DeploymentClients, isCallFailure, Reporter, Session } from "./calls";
import { deploymentDescription, DeploymentTag, retryKey } from "./marker";
import {
  aliasLine,
  consoleUrl,
  failureMessage,
  getDeploymentCommand,
  lostMessage,
  notStartedMessage,
  Subject,
  timeoutMessage,
} from "./messages";
import {
  AliasName,
  AliasState,
  describeAlias,
  DeploymentView,
  getDeployment,
  GroupName,
  isOwnDeployment,
  isTerminal,
  loadSdk,
  observe,
  Observation,
  readAlias,
  Sdk,
  servesExactly,
  trafficPercent,
  view,
} from "./observe";
import { FALLBACK_TIMEOUT_MINUTES, resolveTimeout } from "./deadline";
import {
  backoffDelayMs,
  Clock,
  formatDuration,
  pollDelayMs,
  RETRY_BACKOFF,
  systemClock,
} from "./timing";

export { DeploymentClients, Reporter } from "./calls";
export {
  defaultTimeoutMinutes,
  FALLBACK_TIMEOUT_MINUTES,
  HOOK_ALLOWANCE_MINUTES,
} from "./deadline";
export { detectDrift, DriftCheck, DriftRequest, DRIFT_CHECK_BUDGET_MS } from "./drift";
export { stop, StopRequest, StopResult } from "./stop";
export { readAliasState } from "./observe";
export { ACTIVE_DEPLOYMENT_STATUSES } from "./observe";
export { activatedAlarms, consoleUrl, failureMessage, getDeploymentCommand } from "./messages";

/** What to deploy, and how long to wait. */
export interface DeploymentRequest extends AliasName, GroupName {
  /** The published version the alias should end on. */
  readonly targetVersion: string;
  /** Hook function names for the AppSpec. */
  readonly hooks?: AppSpecHooks;
  /** Wait until CodeDeploy finishes (true) or return once the deployment is created (false). */
  readonly waitForCompletion: boolean;
  /**
   * Upper bound on the whole operation: waiting for another deployment, the rollout and the
   * rollback. When undefined, derived from the deployment group's configuration.
   */
  readonly timeoutMinutes?: number;
  /** The region of the function and the CodeDeploy application. */
  readonly region: string;
  /** Description of the deployment (the tag is appended; the whole fits CodeDeploy's 100). */
  readonly description?: string;
  /** The resource's marker (8 hex digits): its deployments carry it in their description. */
  readonly marker: string;
  /** Change to deploy a version again after it failed or was rolled back. */
  readonly retryToken?: string;
  /** The deployment the stack recorded last (found even when a listing lags). */
  readonly recordedDeploymentId?: string;
  /**
   * Accounts the alias may be in (from the AWS provider's `allowedAccountIds` and the
   * function's ARN); anything else is refused before any change. Empty: not checked.
   */
  readonly allowedAccountIds?: readonly string[];
  /** The service's CloudWatch dashboard, linked from progress and failure messages. */
  readonly dashboardUrl?: string;
}

/** CodeDeploy's status, or what happened instead of a deployment. */
export type DeploymentOutcome =
  /** The alias already served exactly the target version: nothing was created. */
  | "AlreadyAtTarget"
  /** No deployment of this request was started. */
  | "NotStarted"
  | DeploymentStatus;

/** The outcome of {@link deploy}. */
export interface DeploymentResult {
  /** This request's deployment (created now or earlier); undefined when none. */
  readonly deploymentId?: string;
  readonly status: DeploymentOutcome;
  /** The alias's `FunctionVersion` as read at the end; undefined when it could not be read. */
  readonly deployedVersion?: string;
  /** The alias's additional routing weights as read at the end (empty when none). */
  readonly routingWeights?: Record<string, number>;
  /** The version the alias pointed at before this request's deployment. */
  readonly previousVersion?: string;
}

/** Why a deployment did not end with the alias on the target. */
export type DeploymentFailureKind =
  | "failed"
  | "stopped"
  | "timeout"
  | "lost"
  | "not-started"
  /** The version (with this retry token) failed or was rolled back in an earlier update. */
  | "rolled-back-earlier"
  /** The deployment succeeded, then something else moved the alias before the end. */
  | "superseded";

/**
 * A deployment that did not end well; `result` says where things stand. A plain `Error` with
 * properties, not a subclass: the dynamic provider is serialized, and a serialized
 * `class X extends Error` loses its message.
 */
export interface DeploymentFailure extends Error {
  readonly kind: DeploymentFailureKind;
  readonly result: DeploymentResult;
}

/** Builds a {@link DeploymentFailure}. */
export function deploymentFailure(
  message: string,
  kind: DeploymentFailureKind,
  result: DeploymentResult,
): DeploymentFailure {
  return Object.assign(new Error(message), { name: "DeploymentFailure", kind, result });
}

/** True for a {@link DeploymentFailure} (by shape: it crosses serialization). */
export function isDeploymentFailure(error: unknown): error is DeploymentFailure {
  const candidate = error as Partial<DeploymentFailure> | undefined;
  return typeof candidate?.kind === "string" && typeof candidate.result === "object";
}

// ---------------------------------------------------------------------------------------------
// deploy

/**
 * One run of {@link deploy}: what it knows besides what it observes. It holds no deployment
 * id: until {@link steps} names this request's deployment nothing of it is known to run, and
 * from then on {@link follow} (or the ended deployment's result) carries the id.
 */
interface Run {
  readonly session: Session;
  readonly sdk: Sdk;
  readonly request: DeploymentRequest;
  readonly subject: Subject;
  readonly tag: Required<DeploymentTag>;
  /**
   * When the first CreateDeployment whose outcome is unknown was sent (a lost answer, or a
   * refusal that names no deployment); undefined while this run sent none of them.
   */
  uncertainSince?: number;
  /** When the latest one was. */
  lastUncertainAt?: number;
  previousVersion?: string;
  lastSeen?: string;
  /** When routing weights were first seen with no deployment listed. */
  weightsSeenAt?: number;
  /** The alias as the previous observation saw it, and when it last changed unexplained. */
  previousAlias?: string;

  aliasMovedAt?: number;
}

/**
 * How long a deployment may take to appear in `ListDeployments` after it was created (an
 * assumption: CodeDeploy documents no consistency window; a few seconds is what listings of
 * eventually consistent AWS APIs usually lag).
 */
export const LISTING_SETTLE_MS = 45_000;

/** How often the settle window observes again (each observation lists the group's deployments). */
export const SETTLE_POLL_MS = 15_000;

/**
 * Makes the alias serve `request.targetVersion` through CodeDeploy (see the module comment
 * for the states). Returns when the alias serves exactly the target (or, with
 * `waitForCompletion: false`, once this request's deployment exists); throws a
 * {@link DeploymentFailure} otherwise.
 */
export async function deploy(
  request: DeploymentRequest,
  clients: DeploymentClients,
  report: Reporter,
  clock: Clock = systemClock,
): Promise<DeploymentResult> {
  const sdk = await loadSdk();
  const started = clock.now();
  const session = new Session(clients, clock, report, {
    deadline: started + (request.timeoutMinutes ?? FALLBACK_TIMEOUT_MINUTES) * 60_000,
  });
  const run: Run = {
    session,
    sdk,
    request,
    subject: request,
    tag: {
      marker: request.marker,
      targetVersion: request.targetVersion,
      retry: retryKey(request.retryToken),
    },
  };
  let decided: Decision;
  try {
    decided = await steps(run);
  } catch (error) {
    if (isDeploymentFailure(error)) {
      throw error;
    }
    // A read or call that failed for good before this request's deployment was named: nothing
    // of it is known to run (an unanswered CreateDeployment is said below).
    const alias = await finalAlias(run);
    throw deploymentFailure(
      notStartedMessage(errorMessage(error), { subject: run.subject, alias, running: [] }) +
        (run.uncertainSince !== undefined
          ? "\nA CreateDeployment request got no answer; if it took effect, the next `pulumi up` " +
            "finds that deployment by its tag and follows it."
          : ""),
      "not-started",
      result(run, undefined, "NotStarted", alias),
    );
  }
  return "follow" in decided ? follow(run, decided.follow) : decided;
}

/** What {@link steps} decided: the result, or this request's deployment to follow. */
type Decision = DeploymentResult | { readonly follow: string };

// Not named `context`: the serializer skips free variables that are globals where it runs, and
// mocha defines a global `context`.
function shiftContext(run: Run) {
  return { subject: run.subject, previousVersion: run.previousVersion };
}

function result(
  run: Run,
  deploymentId: string | undefined,
  status: DeploymentOutcome,
  alias: AliasState | undefined,
): DeploymentResult {
  return {
    deploymentId,
    status,
    deployedVersion: alias?.version,
    routingWeights: alias ? { ...alias.weights } : undefined,
    previousVersion: run.previousVersion,
  };
}

/** The alias at the end, read once more whatever the deadline; undefined if it cannot be read. */
async function finalAlias(run: Run): Promise<AliasState | undefined> {
  return readAlias(run.session, run.sdk, run.request, { finalRead: true }).catch(() => undefined);
}

function describeObservation(seen: Observation, tag: Required<DeploymentTag>): string {
  const running = seen.active.map(
    (deployment) =>
      `${deployment.id} ${deployment.status}${deployment.rollback ? " (a rollback)" : deployment.tag?.marker === tag.marker ? " (this resource's)" : ""}`,
  );
  return (
    `alias serves ${describeAlias(seen.alias)}; ` +
    (running.length ? `running in the group: ${running.join(", ")}` : "no deployment running")
  );
}

async function steps(run: Run): Promise<Decision> {
  const { session, request, tag } = run;
  let timeoutResolved = request.timeoutMinutes !== undefined;
  let refusals = 0;
  for (;;) {
    if (session.remaining() === 0) {
      const alias = await finalAlias(run);
      throw deploymentFailure(
        notStartedMessage(
          `the limit of ${formatDuration(session.deadline - session.started)} passed before one could start`,
          { subject: run.subject, alias, running: [] },
        ),
        "timeout",
        result(run, undefined, "NotStarted", alias),
      );
    }
    // Listings read before this instant: what a settle window compares with.
    const observedAt = session.clock.now();
    const seen = await observe(session, run.sdk, request, tag, {
      // Kept although the settle window and the group's last attempted deployment find a lost
      // create's deployment within a minute: an update may wait up to 48 hours (timeoutMinutes
      // 2880) for someone else's deployments, so an unresolved create can be older than the
      // 3-hour listing, and widening the listing then costs one filter value.
      ownSince: run.uncertainSince !== undefined ? run.uncertainSince - 60_000 : undefined,
      recordedId: request.recordedDeploymentId,
      groupLastAttempted: true,
    });
    checkAccount(run, seen.alias);
    const line = describeObservation(seen, tag);
    if (line !== run.lastSeen) {
      session.report(line);
      run.lastSeen = line;
    }
    const ours = seen.ours;
    if (ours && !isTerminal(ours.status)) {
      session.report(
        `deployment ${ours.id} of version ${request.targetVersion} was started for this resource ` +
          "already; following it instead of starting another",
      );
      run.previousVersion ??= ours.info.rollbackInfo ? undefined : seen.alias.version;
      return { follow: ours.id };
    }
    if (seen.active.length > 0) {
      await waitForOthers(run, seen.active[0]);
      continue;
    }
    if (ours) {
      const ended = await endedOwnDeployment(run, ours, seen.alias);
      if (ended) {
        return ended;
      }
    }
    // Listings lag behind: a CreateDeployment that got no answer, or routing weights with no
    // deployment listed, may be a deployment the listing does not show yet. Decide nothing
    // until it would.
    // An alias that moved since the previous observation with no deployment in sight was
    // moved by one the reads do not show yet: settle too.
    const aliasText = describeAlias(seen.alias);
    if (run.previousAlias !== undefined && run.previousAlias !== aliasText && !ours) {
      run.aliasMovedAt = session.clock.now();
    }
    run.previousAlias = aliasText;
    const unsettled = Math.max(
      run.lastUncertainAt ?? -Infinity,
      Object.keys(seen.alias.weights).length > 0
        ? (run.weightsSeenAt ??= session.clock.now())
        : -Infinity,
      run.aliasMovedAt ?? -Infinity,
    );
    if (observedAt - unsettled < LISTING_SETTLE_MS) {
      // With no time left this sleeps 0 and fails at the top: nothing can be decided truthfully.
      await session.clock.sleep(Math.min(SETTLE_POLL_MS, session.remaining()));
      continue;
    }
    if (servesExactly(seen.alias, request.targetVersion)) {
      session.report(
        `alias ${request.aliasName} serves version ${request.targetVersion}; no deployment needed`,
      );
      return {
        status: "AlreadyAtTarget",
        deployedVersion: seen.alias.version,
        routingWeights: {},
        previousVersion: run.previousVersion ?? seen.alias.version,
      };
    }
    if (Object.keys(seen.alias.weights).length > 0 || seen.alias.version === "$LATEST") {
      throw deploymentFailure(
        notStartedMessage(
          seen.alias.version === "$LATEST"
            ? "the alias points at $LATEST; CodeDeploy shifts between published versions only. " +
                "Point the alias at a published version first."
            : "the alias has additional routing weights although no deployment is running " +
                "(set by hand or by an interrupted rollout). Clear them first: aws lambda " +
                `update-alias --function-name ${request.functionName} --name ${request.aliasName} ` +
                `--routing-config '{}' --region ${request.region}`,
          { subject: run.subject, alias: seen.alias, running: [] },
        ),
        "not-started",
        result(run, undefined, "NotStarted", seen.alias),
      );
    }
    if (!timeoutResolved) {
      timeoutResolved = true;
      const minutes = await resolveTimeout(run.session, run.sdk, request);
      session.setDeadline(session.started + minutes * 60_000);
      continue; // observe again: reading the configuration took time
    }
    run.previousVersion = seen.alias.version;
    const attempt = await createDeployment(run, seen.alias.version);
    switch (attempt.kind) {
      case "created":
        session.report(
          `started CodeDeploy deployment ${attempt.deploymentId}: ${request.functionName}:${request.aliasName} ` +
            `version ${seen.alias.version} -> ${request.targetVersion}; ${consoleUrl(attempt.deploymentId, request.region)}` +
            (request.dashboardUrl ? `; dashboard: ${request.dashboardUrl}` : ""),
        );
        return { follow: attempt.deploymentId };
      case "conflict": {
        // Ours (a lost response retried) or someone else's: the next observation tells by tag.
        session.report(
          `CodeDeploy refused a second deployment (${attempt.message}); checking whose ${attempt.conflictingId ?? "the running one"} is`,
        );
        if (attempt.conflictingId) {
          const info = await getDeployment(session, run.sdk, attempt.conflictingId);
          const conflicting = view(info, attempt.conflictingId);
          if (isOwnDeployment(info, tag)) {
            session.report(
              `${attempt.conflictingId} is this request's own deployment (a lost response); following it`,
            );
            return { follow: attempt.conflictingId };
          }
          if (!isTerminal(conflicting.status)) {
            await waitForOthers(run, conflicting);
            continue;
          }
        } else {
          // Whose is the running deployment? It may be this request's own (a retried
          // CreateDeployment that took effect): look for it as after a lost answer. (A refusal
          // naming someone else's deployment says this one did not take effect.)
          run.uncertainSince ??= attempt.sentAt;
          run.lastUncertainAt = attempt.sentAt;
        }
        if (++refusals > 5) {
          throw new Error(`CodeDeploy refused ${refusals} times: ${attempt.message}`);
        }
        await session.clock.sleep(
          Math.min(
            backoffDelayMs(refusals, () => session.clock.random(), RETRY_BACKOFF),
            session.remaining(),
          ),
        );
        continue;
      }
      case "unknown":
        // Observe again (after a pause) before any new attempt. Only an answer with an id
        // would settle it; until the tag finds the deployment, the uncertainty (and the wider
        // look for this request's deployment) stays.
        run.uncertainSince ??= attempt.sentAt;
        run.lastUncertainAt = attempt.sentAt;
        session.report(
          `CreateDeployment got no clear answer (${attempt.message}); it may have taken effect, so ` +
            "looking for this request's deployment before trying again",
        );
        await session.clock.sleep(
          Math.min(
            backoffDelayMs(0, () => session.clock.random(), RETRY_BACKOFF) + 2_000,
            session.remaining(),
          ),
        );
    }
  }
}

/** Refuses an alias in an account the stack does not allow. */
/** @internal */
export function checkAccount(run: Pick<Run, "request" | "subject">, alias: AliasState): void {
  const allowed = run.request.allowedAccountIds ?? [];
  if (allowed.length === 0 || (alias.accountId && allowed.includes(alias.accountId))) {
    return;
  }
  if (!alias.accountId) {
    // GetAlias always returns AliasArn (Lambda API reference, GetAlias response); an answer
    // without it leaves the account unknown, and a guard that cannot check must refuse.
    throw deploymentFailure(
      notStartedMessage(
        `the account of alias ${run.request.aliasName} could not be told (Lambda's GetAlias ` +
          `answer had no AliasArn), and this stack deploys only to ${allowed.join(" or ")}; ` +
          "refusing to touch it. Check the AWS profile, role or keys (Pulumi config aws:* or " +
          "the region's provider).",
        { subject: run.subject, alias, running: [] },
      ),
      "not-started",
      { status: "NotStarted" },
    );
  }
  throw deploymentFailure(
    notStartedMessage(
      `the credentials reach alias ${run.request.aliasName} in account ${alias.accountId}, but this ` +
        `stack deploys to ${allowed.join(" or ")}; refusing to touch it. Check the AWS profile, ` +
        "role or keys (Pulumi config aws:* or the region's provider).",
      { subject: run.subject, alias, running: [] },
    ),
    "not-started",
    { status: "NotStarted" },
  );
}

/** This request's deployment already ended: its result is the result. Undefined: deploy anew. */
async function endedOwnDeployment(
  run: Run,
  ours: DeploymentView,
  alias: AliasState,
): Promise<DeploymentResult | undefined> {
  const { request } = run;
  if (ours.status === "Succeeded") {
    if (servesExactly(alias, request.targetVersion)) {
      run.session.report(
        `deployment ${ours.id} succeeded; alias serves version ${request.targetVersion}`,
      );
      return result(run, ours.id, "Succeeded", alias);
    }
    if (run.uncertainSince !== undefined) {
      // This run's own (see below): a CreateDeployment whose answer was lost took effect and
      // succeeded, and the alias was moved since (an operator's rollback, say). `follow` says
      // the same of it; deploying again would fight whoever moved it.
      throw supersededFailure(run, ours.id, alias);
    }
    // Found ended with no create of this run in doubt: an earlier update's success, since
    // undone by hand. Deploy it again.
    return undefined;
  }
  // Failed or Stopped: never deploy this version again on its own. Started by this operation
  // (a CreateDeployment whose answer was lost): an ordinary failure, with the hook details.
  // Told without clocks: CodeDeploy's `createTime` and this machine's clock may differ by
  // minutes. An own deployment that had ended before this run's first CreateDeployment was
  // found by the observation before it (its recorded id, the group's last attempted
  // deployment, or the 3-hour listing) and ended the run there, so one found ended only after
  // a CreateDeployment whose answer was lost is that one's.
  // Assumed: that first observation is complete. CodeDeploy documents the consistency of
  // neither ListDeployments nor lastAttemptedDeployment, and the first observation does not
  // settle (45 s on every update). Were an earlier, crashed update's fast failure missed by
  // both, and this run's create answer then lost, the earlier failure would be reported as
  // this update's (hook details, this run's previous version): still a failure, and the
  // version is not deployed again either way; only the message is wrong.
  const earlier = run.uncertainSince === undefined;
  const events = earlier ? [] : await lifecycleEvents(run, ours.id);
  throw deploymentFailure(
    failureMessage(ours.info, events, {
      subject: run.subject,
      // Created by this operation: it knows the version the alias was on when it did.
      previousVersion: earlier ? undefined : run.previousVersion,
      alias,
      earlier,
    }),
    earlier ? "rolled-back-earlier" : ours.status === "Stopped" ? "stopped" : "failed",
    result(run, ours.id, ours.status as DeploymentStatus, alias),
  );
}

/** Waits (within the deadline) for a deployment this request did not start, and its rollback. */
async function waitForOthers(run: Run, first: DeploymentView): Promise<void> {
  const { session } = run;
  let otherId = first.id;
  session.report(
    `deployment ${first.id} (${first.status}) is running in ${run.request.deploymentGroupName} and ` +
      "was not started for this version; waiting for it to end before deciding (CodeDeploy runs " +
      "one deployment per group at a time)",
  );
  for (let attempt = 0; ; attempt++) {
    if (session.remaining() === 0) {
      const alias = await finalAlias(run);
      throw deploymentFailure(
        notStartedMessage(
          `waited ${formatDuration(session.clock.now() - session.started)} (the limit of this update) ` +
            `for ${otherId} to end`,
          { subject: run.subject, alias, running: [otherId] },
        ),
        "timeout",
        result(run, undefined, "NotStarted", alias),
      );
    }
    await session.clock.sleep(
      Math.min(
        pollDelayMs(attempt, () => session.clock.random()),
        session.remaining(),
      ),
    );
    const info = await getDeployment(session, run.sdk, otherId);
    if (isTerminal(info.status)) {
      session.report(`deployment ${otherId} ended ${info.status}`);
      // Its automatic rollback moves the alias next: wait for that too (a listing may not
      // show it yet).
      const rollbackId = info.rollbackInfo?.rollbackDeploymentId;
      // A rollback is a deployment of its own with a new id (CodeDeploy API reference,
      // RollbackInfo.rollbackDeploymentId; the simulator's rollbacks are new deployments), so
      // no check for one naming itself: were it ever so, the wait would end at the deadline.
      if (!rollbackId) {
        return;
      }
      otherId = rollbackId;
      session.report(`waiting for its rollback ${rollbackId}`);
      attempt = -1;
    }
  }
}

type CreateAttempt =
  | { kind: "created"; deploymentId: string }
  | { kind: "conflict"; conflictingId?: string; message: string; sentAt: number }
  | { kind: "unknown"; sentAt: number; message: string };

/** Sends CreateDeployment once (never retried blindly: a retry could start a second one). */
async function createDeployment(run: Run, currentVersion: string): Promise<CreateAttempt> {
  const { request, session, sdk, tag } = run;
  const content = appSpecContent({
    functionName: request.functionName,
    aliasName: request.aliasName,
    currentVersion,
    targetVersion: request.targetVersion,
    hooks: request.hooks,
  });
  const sentAt = session.clock.now();
  try {
    const created = await session.send<{ deploymentId?: string }>(
      `CreateDeployment ${request.deploymentGroupName}`,
      session.clients.codedeploy,
      new sdk.codedeploy.CreateDeploymentCommand({
        applicationName: request.applicationName,
        deploymentGroupName: request.deploymentGroupName,
        description: deploymentDescription(request.description, request.aliasName, tag),
        revision: {
          revisionType: "AppSpecContent",
          appSpecContent: { content, sha256: appSpecSha256(content) },
        },
      }),
      { retryable: () => false },
    );
    if (!created.deploymentId) {
      return { kind: "unknown", sentAt, message: "CreateDeployment returned no deploymentId" };
    }
    return { kind: "created", deploymentId: created.deploymentId };
  } catch (error) {
    const cause = isCallFailure(error) ? error.cause : error;
    if (errorName(cause) === "DeploymentLimitExceededException") {
      return {
        kind: "conflict",
        conflictingId: conflictingDeploymentId(cause),
        message: errorMessage(cause),
        sentAt,
      };
    }
    if (isRetryableError(cause)) {
      return { kind: "unknown", sentAt, message: `${errorName(cause)}: ${errorMessage(cause)}` };
    }
    throw error;
  }
}

/** Follows this request's deployment to its end or the deadline. */
async function follow(run: Run, deploymentId: string): Promise<DeploymentResult> {
  const { session, request } = run;
  if (!request.waitForCompletion) {
    session.report(
      `not waiting (waitForCompletion: false): CodeDeploy shifts traffic and rolls back on its own; ` +
        `follow it with ${getDeploymentCommand(deploymentId, request.region)}`,
    );
    return result(run, deploymentId, "Created", await finalAlias(run));
  }
  let info: DeploymentInfo;
  let lastStatus: string | undefined;
  let lastPercent: number | undefined;
  try {
    for (let attempt = 0; ; attempt++) {
      info = await getDeployment(session, run.sdk, deploymentId);
      const status = info.status ?? "Unknown";
      if (status !== lastStatus) {
        lastStatus = status;
        const overview = info.deploymentStatusMessages?.length
          ? ` (${info.deploymentStatusMessages.join("; ")})`
          : "";
        session.report(`${deploymentId}: ${status}${overview}`);
      }
      if (isTerminal(status)) {
        break;
      }
      if (session.remaining() === 0) {
        const alias = await finalAlias(run);
        throw deploymentFailure(
          timeoutMessage(info, {
            ...shiftContext(run),
            alias,
            waitedMs: session.clock.now() - session.started,
          }),
          "timeout",
          result(run, deploymentId, status as DeploymentStatus, alias),
        );
      }
      if (status !== "Created" && status !== "Queued") {
        const alias = await readAlias(session, run.sdk, request).catch(() => undefined);
        const percent = alias ? trafficPercent(alias, request.targetVersion) : undefined;
        if (percent !== undefined && percent !== lastPercent) {
          lastPercent = percent;
          session.report(
            `${deploymentId}: ${percent}% of traffic on version ${request.targetVersion}`,
          );
        }
      }
      await session.clock.sleep(
        Math.min(
          pollDelayMs(attempt, () => session.clock.random()),
          session.remaining(),
        ),
      );
    }
  } catch (error) {
    if (isDeploymentFailure(error)) {
      throw error;
    }
    const alias = await finalAlias(run);
    throw deploymentFailure(
      lostMessage(deploymentId, errorMessage(error), { ...shiftContext(run), alias }),
      "lost",
      result(run, deploymentId, "InProgress", alias),
    );
  }
  const status = info.status as DeploymentStatus;
  if (status === "Succeeded") {
    const alias = await settledAlias(run);
    if (alias && servesExactly(alias, request.targetVersion)) {
      session.report(
        `${deploymentId}: version ${request.targetVersion} serves all traffic of ${request.aliasName} ` +
          `(${formatDuration(session.clock.now() - session.started)})`,
      );
      return result(run, deploymentId, "Succeeded", alias);
    }
    throw supersededFailure(run, deploymentId, alias);
  }
  // Failed or Stopped: let the automatic rollback finish (within the deadline) so the message
  // and the outputs say where the alias ended.
  const rollbackNote = await waitForRollback(run, info);
  const events = session.remaining() > 0 ? await lifecycleEvents(run, deploymentId) : [];
  const alias = await finalAlias(run);
  throw deploymentFailure(
    failureMessage(info, events, { ...shiftContext(run), alias, rollback: rollbackNote }),
    status === "Stopped" ? "stopped" : "failed",
    result(run, deploymentId, status, alias),
  );
}

/** This run's deployment succeeded, but the alias no longer serves its target: moved since. */
function supersededFailure(
  run: Run,
  deploymentId: string,
  alias: AliasState | undefined,
): DeploymentFailure {
  return deploymentFailure(
    [
      `CodeDeploy reports deployment ${deploymentId} Succeeded, but ${aliasLine(run.subject, alias)}`,
      "Someone or something moved the alias since; run `pulumi up` again to check and deploy.",
      `Details: ${consoleUrl(deploymentId, run.request.region)}`,
    ].join("\n"),
    "superseded",
    result(run, deploymentId, "Succeeded", alias),
  );
}

/** The alias after success; read again briefly if it does not show the target yet. */
async function settledAlias(run: Run): Promise<AliasState | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const alias = await readAlias(run.session, run.sdk, run.request, { finalRead: true }).catch(
      () => undefined,
    );
    if (alias && servesExactly(alias, run.request.targetVersion)) {
      return alias;
    }
    if (attempt === 2 || run.session.remaining() === 0) {
      return alias;
    }
    await run.session.clock.sleep(Math.min(2_000, run.session.remaining()));
  }
  return undefined;
}

async function waitForRollback(run: Run, info: DeploymentInfo): Promise<string | undefined> {
  const rollbackId = info.rollbackInfo?.rollbackDeploymentId;
  if (!rollbackId) {
    return undefined;
  }
  const { session } = run;
  try {
    for (let attempt = 0; ; attempt++) {
      const rollback = await getDeployment(session, run.sdk, rollbackId);
      if (isTerminal(rollback.status)) {
        return `rollback ${rollback.status}`;
      }
      if (session.remaining() === 0) {
        return `rollback still ${rollback.status} at the limit of this update; CodeDeploy finishes it on its own`;
      }
      await session.clock.sleep(
        Math.min(
          pollDelayMs(attempt, () => session.clock.random()),
          session.remaining(),
        ),
      );
    }
  } catch (error) {
    return `rollback status unknown: ${errorMessage(error)}`;
  }
}

/** Lifecycle events of the deployment's Lambda target (for a failed hook's diagnostics). */
async function lifecycleEvents(run: Run, deploymentId: string): Promise<LifecycleEvent[]> {
  const { session, sdk } = run;
  try {
    const listed = await session.send<{ targetIds?: string[] }>(
      `ListDeploymentTargets ${deploymentId}`,
      session.clients.codedeploy,
      new sdk.codedeploy.ListDeploymentTargetsCommand({ deploymentId }),
    );
    // A Lambda deployment has exactly one target (the function: CodeDeploy API reference,
    // DeploymentTargetListSizeExceededException), well within BatchGetDeploymentTargets' 25.
    const targetIds = listed.targetIds ?? [];
    if (targetIds.length === 0) {
      return [];
    }
    const targets = await session.send<{
      deploymentTargets?: { lambdaTarget?: { lifecycleEvents?: LifecycleEvent[] } }[];
    }>(
      `BatchGetDeploymentTargets ${deploymentId}`,
      session.clients.codedeploy,
      new sdk.codedeploy.BatchGetDeploymentTargetsCommand({ deploymentId, targetIds }),
    );
    return (targets.deploymentTargets ?? []).flatMap(
      (target) => target.lambdaTarget?.lifecycleEvents ?? [],
    );
  } catch (error) {
    session.report(`${deploymentId}: lifecycle events unavailable (${errorMessage(error)})`);
    return [];
  }
}
