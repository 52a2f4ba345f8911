/**
 * Reads of what AWS says now: the alias (version, routing weights, ARN) and the deployments
 * of the group (status, whose, which version). The engine decides only from these, read
 * afresh at every step, never from what it remembers.
 *
 * Response shapes: Lambda API reference `GetAlias` (`AliasArn`, `FunctionVersion`,
 * `RoutingConfig.AdditionalVersionWeights`); CodeDeploy API reference `ListDeployments`
 * (`deployments`, `nextToken`; filters `includeOnlyStatuses`, `createTimeRange`) and
 * `GetDeployment` (`deploymentInfo`).
 */
import type { DeploymentInfo, DeploymentStatus } from "@aws-sdk/client-codedeploy";
import { DeploymentClients, Session } from "./calls";
import { Clock, systemClock } from "./timing";
import { DeploymentTag, hasTag, parseTag } from "./marker";

/** The SDK modules, loaded on first use (see {@link loadSdk}). */
export interface Sdk {
  readonly codedeploy: typeof import("@aws-sdk/client-codedeploy");
  readonly lambda: typeof import("@aws-sdk/client-lambda");
}

/**
 * Loads the SDK inside the call rather than at module scope: the dynamic provider is
 * serialized by value, and a module-scope import would be captured as a deep
 * `require("<pkg>/dist-cjs/index.js")`. A plain `require`, not `await import()`: TypeScript
 * compiles the latter to its `__importStar` helper, which the serializer leaves out when the
 * program's process has a global of that name (tslib defines one), so the serialized provider
 * would fail with "__importStar is not defined".
 */
export async function loadSdk(): Promise<Sdk> {
  return {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    codedeploy: require("@aws-sdk/client-codedeploy"),
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    lambda: require("@aws-sdk/client-lambda"),
  };
}

/** CodeDeploy's non-terminal statuses (`DeploymentStatus` minus Succeeded/Failed/Stopped). */
export const ACTIVE_DEPLOYMENT_STATUSES: DeploymentStatus[] = [
  "Created",
  "Queued",
  "InProgress",
  "Baking",
  "Ready",
];

/** True for Succeeded, Failed and Stopped. */
export function isTerminal(status: string | undefined): boolean {
  return status === "Succeeded" || status === "Failed" || status === "Stopped";
}

/** A function's alias. */
export interface AliasName {
  readonly functionName: string;
  readonly aliasName: string;
}

/** A CodeDeploy deployment group. */
export interface GroupName {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
}

/** What the alias serves. */
export interface AliasState {
  /** `FunctionVersion`: the version that gets all traffic not routed elsewhere. */
  readonly version: string;
  /** `RoutingConfig.AdditionalVersionWeights`: version -> weight 0.0-1.0 (non-zero only). */
  readonly weights: Readonly<Record<string, number>>;
  /** The account in `AliasArn` (`arn:aws:lambda:<region>:<account>:function:<name>:<alias>`). */
  readonly accountId?: string;
}

/** True when the alias sends all of its traffic to `version`. */
export function servesExactly(alias: AliasState, version: string): boolean {
  return alias.version === version && Object.keys(alias.weights).length === 0;
}

/** `version 4` or `version 3 (10% on 4)`. */
export function describeAlias(alias: AliasState): string {
  const extra = Object.entries(alias.weights).map(
    ([version, weight]) => `${Math.round(weight * 100)}% on ${version}`,
  );
  return `version ${alias.version}${extra.length ? ` (${extra.join(", ")})` : ""}`;
}

/** Percentage of the alias's traffic on `version`. */
export function trafficPercent(alias: AliasState, version: string): number {
  if (alias.version === version) {
    const elsewhere = Object.values(alias.weights).reduce((sum, weight) => sum + weight, 0);
    return Math.round((1 - elsewhere) * 100);
  }
  return Math.round((alias.weights[version] ?? 0) * 100);
}

/** `GetAlias`. */
export async function readAlias(
  session: Session,
  sdk: Sdk,
  target: AliasName,
  opts: { finalRead?: boolean } = {},
): Promise<AliasState> {
  const alias = await session.send<{
    AliasArn?: string;
    FunctionVersion?: string;
    RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
  }>(
    `GetAlias ${target.functionName}:${target.aliasName}`,
    session.clients.lambda,
    new sdk.lambda.GetAliasCommand({ FunctionName: target.functionName, Name: target.aliasName }),
    opts,
  );
  if (!alias.FunctionVersion) {
    throw new Error(`alias ${target.aliasName} of ${target.functionName} has no FunctionVersion`);
  }
  const weights = Object.fromEntries(
    Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).filter(
      ([, weight]) => weight > 0,
    ),
  );
  return {
    version: alias.FunctionVersion,
    weights,
    accountId: alias.AliasArn?.split(":")[4] || undefined,
  };
}

/** `ListDeployments` of the group, all pages. */
export async function listDeployments(
  session: Session,
  sdk: Sdk,
  group: GroupName,
  filter: { activeOnly?: boolean; createdAfter?: number },
): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await session.send<{ deployments?: string[]; nextToken?: string }>(
      `ListDeployments ${group.deploymentGroupName}`,
      session.clients.codedeploy,
      new sdk.codedeploy.ListDeploymentsCommand({
        applicationName: group.applicationName,
        deploymentGroupName: group.deploymentGroupName,
        includeOnlyStatuses: filter.activeOnly ? ACTIVE_DEPLOYMENT_STATUSES : undefined,
        createTimeRange:
          filter.createdAfter !== undefined ? { start: new Date(filter.createdAfter) } : undefined,
        nextToken,
      }),
    );
    ids.push(...(page.deployments ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
}

/**
 * True when a deployment can no longer change: Succeeded, or Failed/Stopped with its rollback
 * already named (or none coming: rollback is decided when it ends, and a Failed deployment
 * without `rollbackInfo.rollbackDeploymentId` is read again in case it is named late; AWS does
 * not document whether the two are written at once).
 */
function isFinal(info: DeploymentInfo): boolean {
  return (
    info.status === "Succeeded" ||
    (isTerminal(info.status) && !!info.rollbackInfo?.rollbackDeploymentId)
  );
}

/** `GetDeployment`; a deployment that can no longer change is read once per operation. */
export async function getDeployment(
  session: Session,
  sdk: Sdk,
  deploymentId: string,
  opts: { finalRead?: boolean } = {},
): Promise<DeploymentInfo> {
  const known = session.finishedDeployments.get(deploymentId) as DeploymentInfo | undefined;
  if (known) {
    return known;
  }
  const output = await session.send<{ deploymentInfo?: DeploymentInfo }>(
    `GetDeployment ${deploymentId}`,
    session.clients.codedeploy,
    new sdk.codedeploy.GetDeploymentCommand({ deploymentId }),
    opts,
  );
  const info = output.deploymentInfo ?? { deploymentId };
  if (isFinal(info)) {
    session.finishedDeployments.set(deploymentId, info);
  }
  return info;
}

/**
 * True for a deployment CodeDeploy created to roll another one back. AWS documents that an
 * automatic rollback is a new deployment: `creator` "codeDeployRollback" ("A rollback process
 * created the deployment", `DeploymentInfo.creator` in the CodeDeploy API reference and the
 * SDK's `DeploymentCreator`) and `rollbackInfo.rollbackTriggeringDeploymentId` ("The
 * deployment ID of the deployment that was underway and triggered a rollback deployment").
 * It documents nothing about the rollback's description, so it may carry the original one,
 * tag included: a rollback is never taken for the deployment it undoes.
 */
export function isRollback(info: DeploymentInfo): boolean {
  return (
    info.creator === "codeDeployRollback" || !!info.rollbackInfo?.rollbackTriggeringDeploymentId
  );
}

/** True when `info` is this request's own deployment (its tag, and not a rollback of it). */
export function isOwnDeployment(info: DeploymentInfo, tag: Required<DeploymentTag>): boolean {
  return !isRollback(info) && hasTag(info.description, tag);
}

/**
 * The group's last attempted deployment, from `GetDeploymentGroup`
 * (`deploymentGroupInfo.lastAttemptedDeployment.deploymentId`, CodeDeploy API reference
 * `DeploymentGroupInfo` / `LastDeploymentInfo`): a read of the group itself rather than a
 * listing, so a deployment a lagging `ListDeployments` does not show yet can still be found
 * (CodeDeploy documents the consistency of neither; this is a second source, not a promise).
 */
export async function lastAttemptedDeploymentId(
  session: Session,
  sdk: Sdk,
  group: GroupName,
): Promise<string | undefined> {
  const output = await session.send<{
    deploymentGroupInfo?: { lastAttemptedDeployment?: { deploymentId?: string } };
  }>(
    `GetDeploymentGroup ${group.deploymentGroupName}`,
    session.clients.codedeploy,
    new sdk.codedeploy.GetDeploymentGroupCommand({
      applicationName: group.applicationName,
      deploymentGroupName: group.deploymentGroupName,
    }),
  );
  return output.deploymentGroupInfo?.lastAttemptedDeployment?.deploymentId;
}

/** A deployment of the group, as the engine sees it. */
export interface DeploymentView {
  readonly id: string;
  readonly status: string;
  /** Whose it is; undefined for a rollback, whatever its description says. */
  readonly tag?: DeploymentTag;
  /** An automatic rollback ({@link isRollback}). */
  readonly rollback: boolean;
  readonly info: DeploymentInfo;
}

/**
 * How far back each observation looks for deployments of any status (3 hours: longer than
 * any predefined Lambda configuration's shift, Linear10PercentEvery10Minutes takes 90 min).
 */
export const RECENT_DEPLOYMENTS_WINDOW_MS = 3 * 3_600_000;

/** What one step of the engine saw. */
export interface Observation {
  readonly alias: AliasState;
  /** Deployments of the group that are not finished, oldest first. */
  readonly active: DeploymentView[];
  /** The newest deployment carrying this request's tag (any status), if any was found. */
  readonly ours?: DeploymentView;
}

export function view(info: DeploymentInfo, fallbackId: string): DeploymentView {
  const rollback = isRollback(info);
  return {
    id: info.deploymentId ?? fallbackId,
    status: info.status ?? "Unknown",
    tag: rollback ? undefined : parseTag(info.description),
    rollback,
    info,
  };
}

/**
 * Reads the group's deployments first and the alias last, so a decision never rests on an
 * alias read older than the deployments it is compared with. `ownSince` widens the listing to
 * finished deployments created since then (to find this request's own deployment after a
 * lost `CreateDeployment` response); `recordedId` is the deployment the stack recorded.
 */
export async function observe(
  session: Session,
  sdk: Sdk,
  request: AliasName & GroupName,
  tag: Required<DeploymentTag>,
  opts: {
    ownSince?: number;
    recordedId?: string;
    /** Also read the group's last attempted deployment (a second source to the listings). */
    groupLastAttempted?: boolean;
  },
): Promise<Observation> {
  // First of all reads, so that the alias, read last, is never older than what it found.
  const lastAttempted = opts.groupLastAttempted
    ? await lastAttemptedDeploymentId(session, sdk, request)
    : undefined;
  const activeIds = await listDeployments(session, sdk, request, { activeOnly: true });
  const candidates = new Set(activeIds);
  // Recent deployments of any status too: a deployment of this request that already ended
  // (a crashed or lost earlier attempt), and a failed one whose rollback is too new to be
  // listed as active yet, must both count.
  const recentSince = Math.min(
    opts.ownSince ?? Infinity,
    session.clock.now() - RECENT_DEPLOYMENTS_WINDOW_MS,
  );
  for (const id of await listDeployments(session, sdk, request, { createdAfter: recentSince })) {
    candidates.add(id);
  }
  // Read directly, so a listing that lags cannot hide them.
  for (const id of [opts.recordedId, lastAttempted]) {
    if (id) {
      candidates.add(id);
    }
  }
  const views: DeploymentView[] = [];
  const queue = [...candidates];
  const read = new Set<string>();
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (read.has(id)) {
      continue;
    }
    read.add(id);
    const info = await getDeployment(session, sdk, id).catch((error: unknown) => {
      // A recorded deployment CodeDeploy no longer knows (deployments are kept for a while
      // only) is simply not there any more.
      if ((error as { code?: string }).code === "DeploymentDoesNotExistException") {
        return undefined;
      }
      throw error;
    });
    if (info) {
      views.push(view(info, id));
      // A failed deployment's automatic rollback is a deployment of its own, which a listing
      // may not show yet: read it too, so nothing is decided while it moves the alias.
      // And the other way: a rollback found first (the group's last attempted deployment)
      // leads to the deployment it undoes, which may be this request's.
      for (const related of [
        info.rollbackInfo?.rollbackDeploymentId,
        info.rollbackInfo?.rollbackTriggeringDeploymentId,
      ]) {
        if (related && !read.has(related)) {
          queue.push(related);
        }
      }
    }
  }
  const byAge = (a: DeploymentView, b: DeploymentView) =>
    (a.info.createTime?.getTime() ?? 0) - (b.info.createTime?.getTime() ?? 0);
  views.sort(byAge);
  const alias = await readAlias(session, sdk, request);
  const ours = views.filter((deployment) => isOwnDeployment(deployment.info, tag)).pop();
  return {
    alias,
    // The listing can lag behind GetDeployment: trust the status each deployment reports.
    active: views.filter((deployment) => !isTerminal(deployment.status)),
    ours,
  };
}

/** What an alias serves (for `pulumi refresh` and pruning). */
export async function readAliasState(
  alias: AliasName,
  clients: Pick<DeploymentClients, "lambda">,
  clock: Clock = systemClock,
): Promise<AliasState> {
  const sdk = await loadSdk();
  const session = new Session(clients as DeploymentClients, clock, () => undefined, {
    deadline: clock.now() + 60_000,
  });
  return readAlias(session, sdk, alias);
}
