/**
 * Starts, watches and gates CodeDeploy deployments of a Lambda alias: what `sam deploy` does
 * through CloudFormation's alias UpdatePolicy, for `pulumi up`.
 *
 * Plain functions over SDK clients passed in by the caller (never constructed here) and a
 * {@link Clock}, so every path runs under `aws-sdk-client-mock` with a fake clock. Field
 * names, enums and error codes follow `@aws-sdk/client-codedeploy` / `client-lambda` v3.
 */
import type {
  CodeDeployClient,
  DeploymentInfo,
  DeploymentStatus,
  LifecycleEvent,
} from "@aws-sdk/client-codedeploy";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { appSpecContent, AppSpecHooks, parseLambdaAppSpec } from "./appSpec";
import {
  conflictingDeploymentId,
  errorMessage,
  errorName,
  isRetryableError,
  isThrottlingError,
} from "./awsErrors";
import { estimatedRolloutMinutes, predefinedTrafficShift, TrafficShift } from "./rollout";
import {
  backoffDelayMs,
  Clock,
  formatDuration,
  POLL_BACKOFF,
  RETRY_BACKOFF,
  systemClock,
} from "./timing";

/** The SDK clients the engine calls, for the deployment's region. */
export interface DeploymentClients {
  readonly codedeploy: CodeDeployClient;
  readonly lambda: LambdaClient;
}

/** Receives one human-readable progress line at a time. */
export type Reporter = (message: string) => void;

/** What to deploy, and how long to wait. */
export interface DeploymentRequest {
  /** CodeDeploy application (compute platform Lambda). */
  readonly applicationName: string;
  /** Deployment group (BLUE_GREEN, WITH_TRAFFIC_CONTROL); its deployment config sets the pace. */
  readonly deploymentGroupName: string;
  /** Function name (not ARN). */
  readonly functionName: string;
  /** The alias CodeDeploy shifts. */
  readonly aliasName: string;
  /** The published version the alias should end on. */
  readonly targetVersion: string;
  /** Hook function names for the AppSpec. */
  readonly hooks?: AppSpecHooks;
  /** Wait until CodeDeploy finishes (true) or return once the deployment is created (false). */
  readonly waitForCompletion: boolean;
  /**
   * Upper bound on the whole operation, including waiting for another deployment to finish.
   * When undefined, derived from the deployment group's configuration
   * ({@link defaultTimeoutMinutes}).
   */
  readonly timeoutMinutes?: number;
  /** The region of the function and the CodeDeploy application. */
  readonly region: string;
  /** Description of the deployment. @default "pulumi up: <alias> -> version <target>" */
  readonly description?: string;
  /** A token written into the deployment's description, so {@link stop} recognises it. */
  readonly marker?: string;
}

/** CodeDeploy's status, or what happened instead of a deployment. */
export type DeploymentOutcome =
  /** The alias already pointed at the target version: nothing was created. */
  | "AlreadyAtTarget"
  /** Another deployment never finished in time, so none was created. */
  | "NotStarted"
  | DeploymentStatus;

/** The outcome of {@link deploy}. */
export interface DeploymentResult {
  /** The deployment this call created; undefined when none was needed (or started). */
  readonly deploymentId?: string;
  readonly status: DeploymentOutcome;
  /** The version the alias fully points at now. */
  readonly deployedVersion: string;
  /** The version the alias pointed at before this call's deployment. */
  readonly previousVersion: string;
}

/** A deployment that failed, was stopped, or outlived the timeout; `result` says where things stand. */
export class DeploymentError extends Error {
  constructor(
    message: string,
    /** `lost`: the deployment was created but could not be followed (e.g. access denied). */
    readonly kind: "failed" | "stopped" | "timeout" | "lost",
    readonly result: DeploymentResult,
  ) {
    super(message);
    this.name = "DeploymentError";
  }
}

/** CodeDeploy's non-terminal statuses (`DeploymentStatus` minus Succeeded/Failed/Stopped). */
export const ACTIVE_DEPLOYMENT_STATUSES: DeploymentStatus[] = [
  "Created",
  "Queued",
  "InProgress",
  "Baking",
  "Ready",
];

const TERMINAL_STATUSES: string[] = ["Succeeded", "Failed", "Stopped"];

/** Retries of one throttled or transiently failing call before giving up. */
const MAX_RETRIES = 8;

/** Time allowed for hooks and CodeDeploy's own latency on top of the traffic-shifting time. */
export const HOOK_ALLOWANCE_MINUTES = 30;

/** Used when the deployment group's configuration cannot be read. */
export const FALLBACK_TIMEOUT_MINUTES = 60;

/** How long {@link stop} and the post-failure rollback wait at most. */
const STOP_WAIT_MINUTES = 10;

/** The CodeDeploy console page of a deployment. */
export function consoleUrl(deploymentId: string, region: string): string {
  return `https://${region}.console.aws.amazon.com/codesuite/codedeploy/deployments/${deploymentId}?region=${region}`;
}

/** The AWS CLI command that shows a deployment. */
export function getDeploymentCommand(deploymentId: string, region: string): string {
  return `aws deploy get-deployment --deployment-id ${deploymentId} --region ${region}`;
}

/** The text a deployment's description carries so this resource can recognise it later. */
export function markerTag(marker: string): string {
  return `[pulumi:${marker}]`;
}

/** Default `timeoutMinutes`: the configuration's traffic-shifting time plus the hook allowance. */
export function defaultTimeoutMinutes(shift: TrafficShift): number {
  return estimatedRolloutMinutes(shift) + HOOK_ALLOWANCE_MINUTES;
}

// ---------------------------------------------------------------------------------------------
// Calls with retries

/** The SDK modules, loaded on first use (see {@link loadSdk}). */
interface Sdk {
  readonly codedeploy: typeof import("@aws-sdk/client-codedeploy");
  readonly lambda: typeof import("@aws-sdk/client-lambda");
}

/**
 * Loads the SDK inside the call rather than at module scope: the dynamic provider is
 * serialized by value, and a module-scope import would be captured as a deep
 * `require("<pkg>/dist-cjs/index.js")`; loading here also keeps the SDK out of the Pulumi
 * program's start-up.
 */
async function loadSdk(): Promise<Sdk> {
  return {
    codedeploy: await import("@aws-sdk/client-codedeploy"),
    lambda: await import("@aws-sdk/client-lambda"),
  };
}

interface Run {
  readonly sdk: Sdk;
  readonly clients: DeploymentClients;
  readonly report: Reporter;
  readonly clock: Clock;
  /** Epoch ms after which nothing new is waited for. */
  deadline: number;
  readonly started: number;
}

async function newRun(
  clients: DeploymentClients,
  report: Reporter,
  clock: Clock,
  timeoutMinutes: number,
): Promise<Run> {
  const sdk = await loadSdk();
  const started = clock.now();
  return { sdk, clients, report, clock, started, deadline: started + timeoutMinutes * 60_000 };
}

/**
 * Sends one request, retrying throttling and transient errors with jittered backoff until
 * {@link MAX_RETRIES} or the run's deadline. A final error keeps its `name` and gets the call
 * in its message.
 */
async function call<T>(
  run: Run,
  label: string,
  send: () => Promise<T>,
  retryable: (error: unknown) => boolean = isRetryableError,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const delay = backoffDelayMs(attempt, () => run.clock.random(), RETRY_BACKOFF);
      if (!retryable(error) || attempt >= MAX_RETRIES || run.clock.now() + delay > run.deadline) {
        throw withContext(error, label);
      }
      run.report(
        `${label}: ${isThrottlingError(error) ? "throttled" : "transient error"} ` +
          `(${errorName(error)}); retrying in ${formatDuration(delay)}`,
      );
      await run.clock.sleep(delay);
    }
  }
}

function withContext(error: unknown, label: string): Error {
  const wrapped = new Error(`${label} failed: ${errorName(error)}: ${errorMessage(error)}`, {
    cause: error,
  });
  wrapped.name = errorName(error);
  return wrapped;
}

// ---------------------------------------------------------------------------------------------
// Reads

interface AliasState {
  /** `FunctionVersion`: the version that gets all traffic not routed elsewhere. */
  readonly version: string;
  /** `RoutingConfig.AdditionalVersionWeights`: version -> weight 0.0-1.0. */
  readonly weights: Record<string, number>;
}

interface AliasName {
  readonly functionName: string;
  readonly aliasName: string;
}

async function readAlias(run: Run, target: AliasName): Promise<AliasState> {
  const alias = await call(run, `GetAlias ${target.functionName}:${target.aliasName}`, () =>
    run.clients.lambda.send(
      new run.sdk.lambda.GetAliasCommand({
        FunctionName: target.functionName,
        Name: target.aliasName,
      }),
    ),
  );
  if (!alias.FunctionVersion) {
    throw new Error(`alias ${target.aliasName} of ${target.functionName} has no FunctionVersion`);
  }
  return {
    version: alias.FunctionVersion,
    weights: alias.RoutingConfig?.AdditionalVersionWeights ?? {},
  };
}

/** Percentage of the alias's traffic on `version`. */
function trafficPercent(alias: AliasState, version: string): number {
  if (alias.version === version) {
    const elsewhere = Object.values(alias.weights).reduce((sum, weight) => sum + weight, 0);
    return Math.round((1 - elsewhere) * 100);
  }
  return Math.round((alias.weights[version] ?? 0) * 100);
}

interface GroupName {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
}

async function activeDeployments(run: Run, group: GroupName): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(run, `ListDeployments ${group.deploymentGroupName}`, () =>
      run.clients.codedeploy.send(
        new run.sdk.codedeploy.ListDeploymentsCommand({
          applicationName: group.applicationName,
          deploymentGroupName: group.deploymentGroupName,
          includeOnlyStatuses: ACTIVE_DEPLOYMENT_STATUSES,
          nextToken,
        }),
      ),
    );
    ids.push(...(page.deployments ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
}

async function getDeployment(run: Run, deploymentId: string): Promise<DeploymentInfo> {
  const output = await call(run, `GetDeployment ${deploymentId}`, () =>
    run.clients.codedeploy.send(new run.sdk.codedeploy.GetDeploymentCommand({ deploymentId })),
  );
  return output.deploymentInfo ?? { deploymentId };
}

/** What a deployment shifts, from its AppSpec, for messages: `orders:live 3 -> 4`. */
function shiftOf(info: DeploymentInfo): string | undefined {
  const spec = parseLambdaAppSpec(info.revision?.appSpecContent?.content);
  return spec
    ? `${spec.functionName}:${spec.aliasName} ${spec.currentVersion} -> ${spec.targetVersion}`
    : undefined;
}

// ---------------------------------------------------------------------------------------------
// Watching a deployment

interface Watch {
  /** Report traffic on the alias and lifecycle events (our own deployment). */
  readonly detailed?: { readonly alias: AliasName; readonly targetVersion: string };
  /** Prefix of status lines, e.g. "d-123" or "waiting for d-456". */
  readonly label: string;
}

interface Progress {
  status?: string;
  trafficPercent?: number;
  lifecycle: Map<string, string>;
  events: LifecycleEvent[];
  targetIds?: string[];
  /** Set once progress details failed; the watch goes on with status only. */
  detailsUnavailable?: boolean;
}

interface WatchOutcome {
  readonly info: DeploymentInfo;
  readonly progress: Progress;
  readonly timedOut: boolean;
}

/** Polls a deployment until it ends or `deadline` passes, reporting what changes. */
async function watchDeployment(
  run: Run,
  deploymentId: string,
  watch: Watch,
  deadline: number,
): Promise<WatchOutcome> {
  const progress: Progress = { lifecycle: new Map(), events: [] };
  for (let attempt = 0; ; attempt++) {
    const info = await getDeployment(run, deploymentId);
    const status = info.status ?? "Unknown";
    if (status !== progress.status) {
      progress.status = status;
      const overview = info.deploymentStatusMessages?.length
        ? ` (${info.deploymentStatusMessages.join("; ")})`
        : "";
      run.report(`${watch.label}: ${status}${overview}`);
    }
    const terminal = TERMINAL_STATUSES.includes(status);
    if (watch.detailed && status !== "Created" && status !== "Queued") {
      await observeDetails(run, deploymentId, watch.detailed, progress, terminal);
    }
    if (terminal) {
      return { info, progress, timedOut: false };
    }
    const now = run.clock.now();
    if (now >= deadline) {
      return { info, progress, timedOut: true };
    }
    const delay = Math.min(
      backoffDelayMs(attempt, () => run.clock.random(), POLL_BACKOFF),
      deadline - now,
    );
    await run.clock.sleep(delay);
  }
}

/** Traffic weights from the alias and lifecycle events from the deployment's Lambda target. */
async function observeDetails(
  run: Run,
  deploymentId: string,
  detailed: NonNullable<Watch["detailed"]>,
  progress: Progress,
  terminal: boolean,
): Promise<void> {
  if (progress.detailsUnavailable) {
    return;
  }
  try {
    if (!terminal) {
      const percent = trafficPercent(await readAlias(run, detailed.alias), detailed.targetVersion);
      if (percent !== progress.trafficPercent) {
        progress.trafficPercent = percent;
        run.report(`${deploymentId}: ${percent}% of traffic on version ${detailed.targetVersion}`);
      }
    }
    if (!progress.targetIds?.length) {
      const listed = await call(run, `ListDeploymentTargets ${deploymentId}`, () =>
        run.clients.codedeploy.send(
          new run.sdk.codedeploy.ListDeploymentTargetsCommand({ deploymentId }),
        ),
      );
      progress.targetIds = listed.targetIds ?? [];
    }
    if (progress.targetIds.length === 0) {
      return;
    }
    const targets = await call(run, `BatchGetDeploymentTargets ${deploymentId}`, () =>
      run.clients.codedeploy.send(
        new run.sdk.codedeploy.BatchGetDeploymentTargetsCommand({
          deploymentId,
          targetIds: progress.targetIds?.slice(0, 25),
        }),
      ),
    );
    progress.events = (targets.deploymentTargets ?? []).flatMap(
      (target) => target.lambdaTarget?.lifecycleEvents ?? [],
    );
    for (const event of progress.events) {
      const name = event.lifecycleEventName ?? "?";
      const status = event.status ?? "Unknown";
      if (status !== "Pending" && progress.lifecycle.get(name) !== status) {
        progress.lifecycle.set(name, status);
        run.report(`${deploymentId}: ${name} ${status}`);
      }
    }
  } catch (error) {
    progress.detailsUnavailable = true;
    run.report(
      `${deploymentId}: progress details unavailable (${errorMessage(error)}); watching the status only`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Messages

/** Alarm names from an ALARM_ACTIVE message: "... Activated alarms: <a> <b>". */
export function activatedAlarms(message: string | undefined): string[] {
  const listed = message?.split(/Activated alarms?:/i)[1];
  return listed ? [...listed.matchAll(/<([^>]+)>/g)].map((match) => match[1]) : [];
}

function describeEvent(event: LifecycleEvent): string {
  const diagnostics = event.diagnostics;
  const parts = [
    diagnostics?.errorCode,
    diagnostics?.message,
    diagnostics?.logTail ? `log tail: ${diagnostics.logTail.slice(-500)}` : undefined,
  ].filter(Boolean);
  return `${event.lifecycleEventName}${parts.length ? ` (${parts.join("; ")})` : ""}`;
}

interface FailureContext {
  readonly request: DeploymentRequest;
  readonly previousVersion: string;
  readonly aliasVersionNow: string;
  readonly rollback?: string;
}

/** The message of a deployment that ended Failed or Stopped. */
export function failureMessage(
  info: DeploymentInfo,
  events: readonly LifecycleEvent[],
  context: FailureContext,
): string {
  const { request } = context;
  const id = info.deploymentId ?? "?";
  const lines = [
    `CodeDeploy deployment ${id} of ${request.functionName}:${request.aliasName} ` +
      `(version ${context.previousVersion} -> ${request.targetVersion}, ${request.region}) ${info.status}.`,
  ];
  const error = info.errorInformation;
  if (error?.code || error?.message) {
    lines.push(`Reason: ${[error.code, error.message].filter(Boolean).join(": ")}`);
  }
  if (error?.code === "ALARM_ACTIVE") {
    const alarms = activatedAlarms(error.message);
    lines.push(
      alarms.length
        ? `Alarm${alarms.length > 1 ? "s" : ""} that stopped it: ${alarms.join(", ")}`
        : "An alarm stopped it (CodeDeploy did not name it).",
    );
  }
  const failedHooks = events.filter((event) => event.status === "Failed");
  for (const event of failedHooks) {
    lines.push(`Failed lifecycle event: ${describeEvent(event)}`);
  }
  const rollback = info.rollbackInfo;
  if (rollback?.rollbackDeploymentId || rollback?.rollbackMessage) {
    lines.push(
      `Rollback: ${[rollback.rollbackDeploymentId, rollback.rollbackMessage].filter(Boolean).join(" - ")}` +
        (context.rollback ? ` (${context.rollback})` : ""),
    );
  }
  lines.push(
    `Alias ${request.aliasName} is on version ${context.aliasVersionNow}. Fix the cause and run ` +
      `\`pulumi up\` again: it deploys version ${request.targetVersion} again.`,
    `Details: ${consoleUrl(id, request.region)}`,
  );
  return lines.join("\n");
}

function timeoutMessage(
  info: DeploymentInfo,
  progress: Progress,
  request: DeploymentRequest,
  previousVersion: string,
  minutes: number,
): string {
  const id = info.deploymentId ?? "?";
  const traffic =
    progress.trafficPercent !== undefined
      ? `, ${progress.trafficPercent}% of traffic on version ${request.targetVersion}`
      : "";
  return [
    `CodeDeploy deployment ${id} of ${request.functionName}:${request.aliasName} ` +
      `(version ${previousVersion} -> ${request.targetVersion}, ${request.region}) is still running ` +
      `after ${minutes} min (status ${info.status ?? "Unknown"}${traffic}).`,
    "It was NOT stopped: CodeDeploy keeps shifting traffic, or rolls back on an alarm, on its own.",
    `Follow it: ${getDeploymentCommand(id, request.region)}`,
    `Console: ${consoleUrl(id, request.region)}`,
    "The next `pulumi up` waits for it instead of starting another; raise [timeoutMinutes] " +
      "if rollouts take longer.",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// deploy

async function resolveTimeout(
  run: Run,
  request: DeploymentRequest,
): Promise<{ minutes: number; configName?: string }> {
  if (request.timeoutMinutes !== undefined) {
    return { minutes: request.timeoutMinutes };
  }
  let configName: string | undefined;
  try {
    const group = await call(run, `GetDeploymentGroup ${request.deploymentGroupName}`, () =>
      run.clients.codedeploy.send(
        new run.sdk.codedeploy.GetDeploymentGroupCommand({
          applicationName: request.applicationName,
          deploymentGroupName: request.deploymentGroupName,
        }),
      ),
    );
    configName = group.deploymentGroupInfo?.deploymentConfigName;
    if (!configName) {
      throw new Error("the deployment group names no deployment configuration");
    }
    let shift = predefinedTrafficShift(configName);
    if (!shift) {
      const name = configName;
      const config = await call(run, `GetDeploymentConfig ${name}`, () =>
        run.clients.codedeploy.send(
          new run.sdk.codedeploy.GetDeploymentConfigCommand({ deploymentConfigName: name }),
        ),
      );
      shift = toShift(config.deploymentConfigInfo?.trafficRoutingConfig);
    }
    const minutes = defaultTimeoutMinutes(shift);
    run.report(
      `deployment configuration ${configName}: ~${estimatedRolloutMinutes(shift)} min of traffic ` +
        `shifting; waiting up to ${minutes} min (set timeoutMinutes to change)`,
    );
    return { minutes, configName };
  } catch (error) {
    run.report(
      `could not read the deployment configuration${configName ? ` ${configName}` : ""} ` +
        `(${errorMessage(error)}); waiting up to ${FALLBACK_TIMEOUT_MINUTES} min ` +
        "(set timeoutMinutes to change)",
    );
    return { minutes: FALLBACK_TIMEOUT_MINUTES, configName };
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

/** Waits for a deployment this call did not create; throws a timeout {@link DeploymentError}. */
async function waitForOther(
  run: Run,
  request: DeploymentRequest,
  deploymentId: string,
  previousVersion: string,
): Promise<void> {
  const info = await getDeployment(run, deploymentId);
  const shift = shiftOf(info);
  run.report(
    `deployment ${deploymentId} (${info.status ?? "Unknown"}${shift ? `, ${shift}` : ""}) is ` +
      `already in progress in ${request.deploymentGroupName}; waiting for it to finish before ` +
      "starting another (CodeDeploy runs one deployment per group at a time)",
  );
  const outcome = await watchDeployment(
    run,
    deploymentId,
    { label: `waiting for ${deploymentId}` },
    run.deadline,
  );
  if (outcome.timedOut) {
    const minutes = Math.round((run.deadline - run.started) / 60_000);
    throw new DeploymentError(
      [
        `Waited ${minutes} min for deployment ${deploymentId} (already in progress in ` +
          `${request.deploymentGroupName}) to finish; it is still ${outcome.info.status}.`,
        `No deployment of version ${request.targetVersion} was started; nothing was stopped.`,
        `Follow it: ${getDeploymentCommand(deploymentId, request.region)}`,
        `Console: ${consoleUrl(deploymentId, request.region)}`,
        "Run `pulumi up` again once it has finished.",
      ].join("\n"),
      "timeout",
      { status: "NotStarted", deployedVersion: previousVersion, previousVersion },
    );
  }
}

/**
 * Makes the alias point at `request.targetVersion` through CodeDeploy.
 * - Alias already at the target: returns `AlreadyAtTarget`, creates nothing.
 * - A deployment already running in the group (anyone's): waits for it, re-reads the alias,
 *   and creates one deployment only if the alias is still not at the target. CodeDeploy's
 *   `DeploymentLimitExceededException` ("already has an active Deployment") is handled the same way.
 * - `waitForCompletion: false`: returns once the deployment is created (`Created`).
 * - Otherwise polls with jittered exponential backoff, reporting status, traffic and
 *   lifecycle events; `Succeeded` returns, `Failed`/`Stopped` throw a {@link DeploymentError}
 *   with CodeDeploy's reason, the alarms or failed hook, the rollback and the console URL;
 *   the timeout throws one that says the deployment is still running and how to follow it.
 */
export async function deploy(
  request: DeploymentRequest,
  clients: DeploymentClients,
  report: Reporter,
  clock: Clock = systemClock,
): Promise<DeploymentResult> {
  const run = await newRun(
    clients,
    report,
    clock,
    request.timeoutMinutes ?? FALLBACK_TIMEOUT_MINUTES,
  );
  const target = request.targetVersion;
  let alias = await readAlias(run, request);
  const initialVersion = alias.version;
  const alreadyAtTarget = (): DeploymentResult => {
    report(`alias ${request.aliasName} points at version ${target}; no deployment needed`);
    return { status: "AlreadyAtTarget", deployedVersion: target, previousVersion: initialVersion };
  };
  if (alias.version === target) {
    return alreadyAtTarget();
  }

  const timeout = await resolveTimeout(run, request);
  run.deadline = run.started + timeout.minutes * 60_000;

  let deploymentId: string | undefined;
  for (let conflicts = 0; deploymentId === undefined;) {
    const blocking = await activeDeployments(run, request);
    for (const other of blocking) {
      await waitForOther(run, request, other, alias.version);
    }
    if (blocking.length > 0) {
      alias = await readAlias(run, request);
      if (alias.version === target) {
        return alreadyAtTarget();
      }
    }
    if (alias.version === "$LATEST") {
      throw new Error(
        `alias ${request.aliasName} of ${request.functionName} points at $LATEST; CodeDeploy shifts ` +
          "between published versions only. Point the alias at a published version first.",
      );
    }
    try {
      deploymentId = await createDeployment(run, request, alias.version);
    } catch (error) {
      const conflicting = conflictingDeploymentId(error);
      if (errorName(error) !== "DeploymentLimitExceededException" || ++conflicts > 3) {
        throw error;
      }
      report(`CodeDeploy refused to start a second deployment: ${errorMessage(error)}`);
      if (!conflicting) {
        await clock.sleep(backoffDelayMs(conflicts, () => clock.random(), RETRY_BACKOFF));
      } else {
        await waitForOther(run, request, conflicting, alias.version);
        alias = await readAlias(run, request);
        if (alias.version === target) {
          return alreadyAtTarget();
        }
      }
    }
  }

  const previousVersion = alias.version;
  report(
    `started CodeDeploy deployment ${deploymentId}: ${request.functionName}:${request.aliasName} ` +
      `version ${previousVersion} -> ${target}${timeout.configName ? ` (${timeout.configName})` : ""}; ` +
      consoleUrl(deploymentId, request.region),
  );
  if (!request.waitForCompletion) {
    report(
      `not waiting (waitForCompletion: false): CodeDeploy shifts traffic and rolls back on its own; ` +
        `follow it with ${getDeploymentCommand(deploymentId, request.region)}`,
    );
    return { deploymentId, status: "Created", deployedVersion: previousVersion, previousVersion };
  }

  const createdId = deploymentId;
  const outcome = await watchDeployment(
    run,
    deploymentId,
    { label: deploymentId, detailed: { alias: request, targetVersion: target } },
    run.deadline,
  ).catch((error: unknown) => {
    // The deployment exists and runs on; say so rather than fail as if nothing had started.
    throw new DeploymentError(
      [
        `Lost track of CodeDeploy deployment ${createdId} of ${request.functionName}:${request.aliasName} ` +
          `(version ${previousVersion} -> ${target}, ${request.region}): ${errorMessage(error)}`,
        "It was NOT stopped: CodeDeploy keeps shifting traffic, or rolls back on an alarm, on its own.",
        `Follow it: ${getDeploymentCommand(createdId, request.region)}`,
        `Console: ${consoleUrl(createdId, request.region)}`,
      ].join("\n"),
      "lost",
      {
        deploymentId: createdId,
        status: "Created",
        deployedVersion: previousVersion,
        previousVersion,
      },
    );
  });
  const status = (outcome.info.status ?? "Unknown") as DeploymentStatus;
  if (outcome.timedOut) {
    throw new DeploymentError(
      timeoutMessage(outcome.info, outcome.progress, request, previousVersion, timeout.minutes),
      "timeout",
      { deploymentId, status, deployedVersion: previousVersion, previousVersion },
    );
  }
  if (status === "Succeeded") {
    report(
      `${deploymentId}: version ${target} serves all traffic of ${request.aliasName} ` +
        `(${formatDuration(clock.now() - run.started)})`,
    );
    return { deploymentId, status, deployedVersion: target, previousVersion };
  }

  // Failed or Stopped: let the automatic rollback finish (bounded) so the message and the
  // recorded state say where the alias ended up.
  let rollbackNote: string | undefined;
  const rollbackId = outcome.info.rollbackInfo?.rollbackDeploymentId;
  if (rollbackId) {
    const rollback = await watchDeployment(
      run,
      rollbackId,
      { label: `rollback ${rollbackId}` },
      clock.now() + STOP_WAIT_MINUTES * 60_000,
    ).catch((error: unknown) => {
      rollbackNote = `rollback status unknown: ${errorMessage(error)}`;
      return undefined;
    });
    if (rollback) {
      rollbackNote = rollback.timedOut
        ? `rollback still ${rollback.info.status} after ${STOP_WAIT_MINUTES} min`
        : `rollback ${rollback.info.status}`;
    }
  }
  const aliasNow = await readAlias(run, request).catch(() => alias);
  throw new DeploymentError(
    failureMessage(outcome.info, outcome.progress.events, {
      request,
      previousVersion,
      aliasVersionNow: aliasNow.version,
      rollback: rollbackNote,
    }),
    status === "Stopped" ? "stopped" : "failed",
    { deploymentId, status, deployedVersion: aliasNow.version, previousVersion },
  );
}

function deploymentDescription(request: DeploymentRequest): string {
  const text =
    request.description ?? `pulumi up: ${request.aliasName} -> version ${request.targetVersion}`;
  return request.marker ? `${text} ${markerTag(request.marker)}` : text;
}

async function createDeployment(
  run: Run,
  request: DeploymentRequest,
  currentVersion: string,
): Promise<string> {
  const content = appSpecContent({
    functionName: request.functionName,
    aliasName: request.aliasName,
    currentVersion,
    targetVersion: request.targetVersion,
    hooks: request.hooks,
  });
  // Only throttling is retried: after a 5xx the deployment may exist, and a blind retry
  // would meet it as a conflicting deployment (handled by the caller) at best.
  const created = await call(
    run,
    `CreateDeployment ${request.deploymentGroupName}`,
    () =>
      run.clients.codedeploy.send(
        new run.sdk.codedeploy.CreateDeploymentCommand({
          applicationName: request.applicationName,
          deploymentGroupName: request.deploymentGroupName,
          description: deploymentDescription(request),
          revision: { revisionType: "AppSpecContent", appSpecContent: { content } },
        }),
      ),
    isThrottlingError,
  );
  if (!created.deploymentId) {
    throw new Error("CreateDeployment returned no deploymentId");
  }
  return created.deploymentId;
}

// ---------------------------------------------------------------------------------------------
// Drift

/** What {@link detectDrift} needs: where the alias should be, and the last deployment. */
export interface DriftRequest extends AliasName, GroupName {
  readonly targetVersion: string;
  readonly region: string;
  readonly waitForCompletion: boolean;
  /** The deployment the stack recorded last, for the message. */
  readonly lastDeploymentId?: string;
}

/** Whether the alias is where the stack says it should be. */
export interface DriftCheck {
  /** False when the next update must deploy (again). */
  readonly inSync: boolean;
  readonly aliasVersion: string;
  /** A deployment running in the group right now, if any. */
  readonly activeDeploymentId?: string;
  readonly message: string;
}

/**
 * Read-only (GetAlias, ListDeployments, GetDeployment): safe in `pulumi preview`. Out of sync
 * when the alias is not on the target version and no deployment is about to put it there,
 * typically after a rollback: the stack recorded version 4, CodeDeploy put the alias back on 3.
 */
export async function detectDrift(
  request: DriftRequest,
  clients: DeploymentClients,
  report: Reporter,
  clock: Clock = systemClock,
): Promise<DriftCheck> {
  const run = await newRun(clients, report, clock, 2);
  const alias = await readAlias(run, request);
  const wanted = request.targetVersion;
  if (alias.version === wanted) {
    return {
      inSync: true,
      aliasVersion: alias.version,
      message: `alias ${request.aliasName} is at version ${wanted}`,
    };
  }
  const active = await activeDeployments(run, request);
  if (active.length > 0) {
    const message =
      `alias ${request.aliasName} is at version ${alias.version} (${trafficPercent(alias, wanted)}% ` +
      `on ${wanted}) while deployment ${active[0]} is in progress; ` +
      (request.waitForCompletion
        ? `the update waits for it and deploys version ${wanted} if the alias is not there then`
        : "waitForCompletion is false, so it is left to finish on its own");
    report(message);
    return {
      inSync: !request.waitForCompletion,
      aliasVersion: alias.version,
      activeDeploymentId: active[0],
      message,
    };
  }
  let last = "";
  if (request.lastDeploymentId) {
    const info = await getDeployment(run, request.lastDeploymentId).catch(() => undefined);
    const rolledBack = info?.rollbackInfo?.rollbackDeploymentId;
    last =
      ` (last deployment ${request.lastDeploymentId}` +
      (info?.status ? ` ${info.status}` : "") +
      (info?.errorInformation?.code ? `: ${info.errorInformation.code}` : "") +
      (rolledBack ? `, rolled back by ${rolledBack}` : "") +
      ")";
  }
  const message =
    `alias ${request.aliasName} is at version ${alias.version} but the stack wants ${wanted}` +
    `${last}; deploying version ${wanted} again`;
  report(message);
  return { inSync: false, aliasVersion: alias.version, message };
}

// ---------------------------------------------------------------------------------------------
// stop

/** Which deployments {@link stop} may stop. */
export interface StopRequest extends GroupName {
  readonly region: string;
  /** The deployment this resource recorded last. */
  readonly deploymentId?: string;
  /** The token this resource wrote into its deployments' descriptions. */
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
}

/**
 * On delete: stops, with automatic rollback, the running deployments this resource started
 * (its recorded deployment id, or its marker in the description, which also covers an
 * interrupted `pulumi up` that never recorded the id), then waits a bounded time for them to
 * stop. Deployments someone else started (another stack, a CodeDeploy rollback, a replacement
 * of this resource) are left alone and reported.
 */
export async function stop(
  request: StopRequest,
  clients: Pick<DeploymentClients, "codedeploy">,
  report: Reporter,
  clock: Clock = systemClock,
): Promise<StopResult> {
  const waitMinutes = request.waitMinutes ?? STOP_WAIT_MINUTES;
  const run = await newRun(clients as DeploymentClients, report, clock, waitMinutes);
  const active = await activeDeployments(run, request);
  const ours: string[] = [];
  const leftAlone: string[] = [];
  for (const id of active) {
    let mine = id === request.deploymentId;
    if (!mine && request.marker) {
      const info = await getDeployment(run, id);
      mine = info.description?.includes(markerTag(request.marker)) ?? false;
    }
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
      await call(run, `StopDeployment ${id}`, () =>
        run.clients.codedeploy.send(
          new run.sdk.codedeploy.StopDeploymentCommand({
            deploymentId: id,
            autoRollbackEnabled: true,
          }),
        ),
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
  for (const id of stopped) {
    const outcome = await watchDeployment(run, id, { label: id }, run.deadline);
    if (outcome.timedOut) {
      report(
        `deployment ${id} is still ${outcome.info.status} after ${waitMinutes} min; CodeDeploy ` +
          `finishes stopping it on its own. Follow it: ${getDeploymentCommand(id, request.region)}`,
      );
    }
  }
  return { stopped, leftAlone };
}

/** The version an alias points at (for `pulumi refresh`). */
export async function readAliasVersion(
  alias: { readonly functionName: string; readonly aliasName: string },
  clients: Pick<DeploymentClients, "lambda">,
  clock: Clock = systemClock,
): Promise<string> {
  const run = await newRun(clients as DeploymentClients, () => undefined, clock, 2);
  return (await readAlias(run, alias)).version;
}
