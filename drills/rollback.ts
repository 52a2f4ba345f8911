/**
 * The rollback drill: publish a version of a function that fails its order requests
 * (`DRILL_FAIL_REQUESTS=true`, which service/orders honours), deploy it through CodeDeploy with
 * the stack's deployment group and configuration (the project's own engine, deployment/), drive
 * order requests at the alias, and check that the group's alarm fires, CodeDeploy stops the
 * deployment and rolls back, and the alias serves the previous version again. Whatever happens
 * (an error, throttling, a lost response, Ctrl-C), the function's configuration is put back, a
 * deployment still running is stopped with automatic rollback, and an alias left on the failing
 * version is pointed back, before the drill returns.
 */
import {
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
  type MetricAlarm,
} from "@aws-sdk/client-cloudwatch";
import {
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  type DeploymentInfo,
} from "@aws-sdk/client-codedeploy";
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type GetAliasCommandOutput,
  type InvokeCommandOutput,
} from "@aws-sdk/client-lambda";
import { errorMessage, errorName } from "../deployment/awsErrors";
import type { AwsClient } from "../deployment/calls";
import { deploy, isDeploymentFailure, stop } from "../deployment/engine";
import { activatedAlarms } from "../deployment/messages";
import { Clock } from "../deployment/timing";
import { DrillInterrupted, DrillStep, drillSession } from "./session";

/** The environment variable service/orders reads: `true` fails every order request. */
export const DRILL_FAIL_FLAG = "DRILL_FAIL_REQUESTS";

/** The clients the drill calls, in the function's region. */
export interface RollbackDrillClients {
  readonly lambda: AwsClient;
  readonly codedeploy: AwsClient;
  readonly cloudwatch: AwsClient;
}

/** What the rollback drill needs (from the stack's `functions` output). */
export interface RollbackDrillOptions {
  readonly clients: RollbackDrillClients;
  readonly clock?: Clock;
  readonly region: string;
  readonly functionName: string;
  readonly aliasName: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  /** Order requests sent at the alias per poll. @default 10 */
  readonly requestsPerPoll?: number;
  /** How often to send traffic and read the deployment, alarms and alias. @default 5000 ms */
  readonly pollMs?: number;
  /** Give up waiting for the deployment, the rollback or a restore after this long. @default 30 minutes */
  readonly stepTimeoutMs?: number;
  /** Aborted on Ctrl-C: the drill stops waiting and restores. */
  readonly signal?: AbortSignal;
  /** Progress lines as the drill goes. */
  readonly progress?: (line: string) => void;
}

/** Order requests that reached each version through the alias. */
export interface VersionTraffic {
  requests: number;
  errors: number;
}

/** The drill's report (also written as JSON). */
export interface RollbackReport {
  readonly drill: "rollback";
  readonly region: string;
  readonly functionName: string;
  readonly aliasName: string;
  readonly deploymentGroupName: string;
  outcome: "passed" | "failed" | "interrupted";
  /** The function's configuration as found, and the alias on the previous version. */
  restored: boolean;
  readonly startedAt: string;
  /** The version the alias served before the drill (where it must end). */
  previousVersion?: string;
  /** The failing version the drill published (left published; versions are immutable). */
  drillVersion?: string;
  deploymentId?: string;
  deploymentConfigName?: string;
  rollbackDeploymentId?: string;
  /** CodeDeploy's `errorInformation` of the stopped deployment. */
  stopReason?: string;
  /** The alarms the deployment group watches. */
  alarms: string[];
  /** The alarms seen in ALARM (DescribeAlarms) or named by CodeDeploy's stop reason. */
  firedAlarms: string[];
  /** From the first failed request to the alarm seen in ALARM. */
  alarmSeconds?: number;
  /** From the first failed request to CodeDeploy's deployment seen Stopped/Failed. */
  stopSeconds?: number;
  /** From the first failed request to the alias serving the previous version alone again. */
  rollbackSeconds?: number;
  /** Requests sent at the alias, by the version that ran them (`ExecutedVersion`). */
  traffic: Record<string, VersionTraffic>;
  problem?: string;
  readonly steps: DrillStep[];
}

/**
 * The request the drill sends: an API Gateway HTTP API (payload 2.0) event for `GET
 * /orders/<id>`, as the service's tests build it. Read-only, so the healthy version answers 404
 * and writes nothing; the failing version throws (a function error, counted in Lambda `Errors`).
 */
export function orderRequestEvent(id: string) {
  return {
    version: "2.0",
    routeKey: "GET /orders/{id}",
    rawPath: `/orders/${id}`,
    requestContext: { http: { method: "GET", path: `/orders/${id}` } },
    headers: { "user-agent": "multiregion-serverless rollback drill" },
    isBase64Encoded: false,
  };
}

/** `ResourceConflictException` while an update runs: "An update is in progress for resource". */
function isUpdateInProgress(error: unknown): boolean {
  // The message as quoted from the AWS CLI in claudiajs/claudia#226 (UpdateFunctionConfiguration)
  // and Optum/dce#418 (PublishVersion).
  return errorName(error) === "ResourceConflictException";
}

/** Runs the rollback drill; never returns with a change left in place unless it says so. */
export async function runRollbackDrill(options: RollbackDrillOptions): Promise<RollbackReport> {
  const { clients } = options;
  const pollMs = options.pollMs ?? 5_000;
  const stepTimeoutMs = options.stepTimeoutMs ?? 30 * 60_000;
  const requestsPerPoll = options.requestsPerPoll ?? 10;
  const steps: DrillStep[] = [];
  const session = drillSession({
    clock: options.clock,
    signal: options.signal,
    progress: options.progress,
    steps,
  });
  const { clock, started, seconds, step, say, interrupted, checkInterrupt, pause } = session;
  const report: RollbackReport = {
    drill: "rollback",
    region: options.region,
    functionName: options.functionName,
    aliasName: options.aliasName,
    deploymentGroupName: options.deploymentGroupName,
    outcome: "failed",
    restored: true,
    startedAt: new Date(started).toISOString(),
    alarms: [],
    firedAlarms: [],
    traffic: {},
    steps,
  };
  /**
   * Calls AWS, retrying throttling and transient errors; `busy` also retries a
   * ResourceConflictException (a configuration update still running). Restores pass
   * `abortable: false`: Ctrl-C does not stop them.
   */
  const call = <T>(
    what: string,
    client: AwsClient,
    command: unknown,
    { abortable = true, busy = false } = {},
  ): Promise<T> =>
    session.call(what, async () => (await client.send(command)) as T, {
      abortable,
      maxAttempts: 10,
      retryAlso: busy ? isUpdateInProgress : undefined,
    });

  const functionConfiguration = (abortable = true) =>
    call<FunctionConfiguration>(
      "GetFunctionConfiguration",
      clients.lambda,
      new GetFunctionConfigurationCommand({ FunctionName: options.functionName }),
      { abortable },
    );

  /** Polls until the function's last update ended (LastUpdateStatus Successful or Failed). */
  async function updateSettled(abortable = true): Promise<FunctionConfiguration> {
    const deadline = clock.now() + stepTimeoutMs;
    for (;;) {
      const configuration = await functionConfiguration(abortable);
      // Lambda Developer Guide, "Lambda function states": LastUpdateStatus InProgress while an
      // update is applied; Successful or Failed after. Absent on functions never updated.
      if (configuration.LastUpdateStatus !== "InProgress") return configuration;
      if (clock.now() >= deadline) {
        throw new Error(
          `${options.functionName}: its configuration update still InProgress after ${Math.round(stepTimeoutMs / 1000)} s`,
        );
      }
      await pause(Math.min(pollMs, 2_000), abortable);
    }
  }

  const readAlias = (abortable = true) =>
    call<GetAliasCommandOutput>(
      "GetAlias",
      clients.lambda,
      new GetAliasCommand({ FunctionName: options.functionName, Name: options.aliasName }),
      { abortable },
    );
  const weightsOf = (alias: GetAliasCommandOutput) =>
    alias.RoutingConfig?.AdditionalVersionWeights ?? {};
  const servesOnly = (alias: GetAliasCommandOutput, version: string | undefined) =>
    alias.FunctionVersion === version && Object.keys(weightsOf(alias)).length === 0;

  /** Sends order requests at the alias; the first function error of the drill's version is timed. */
  let firstErrorAt: number | undefined;
  let sent = 0;
  async function driveTraffic(): Promise<void> {
    for (let i = 0; i < requestsPerPoll; i++) {
      const response = await call<InvokeCommandOutput>(
        "Invoke",
        clients.lambda,
        new InvokeCommand({
          FunctionName: options.functionName,
          Qualifier: options.aliasName,
          Payload: new TextEncoder().encode(
            JSON.stringify(orderRequestEvent(`drill-${started}-${sent++}`)),
          ),
        }),
      );
      // Lambda API reference, Invoke: `FunctionError` is set ("Unhandled") when the function
      // threw; `ExecutedVersion` is the version the alias routed the request to.
      const version = response.ExecutedVersion ?? "?";
      const traffic = (report.traffic[version] ??= { requests: 0, errors: 0 });
      traffic.requests++;
      if (response.FunctionError) {
        traffic.errors++;
        if (firstErrorAt === undefined) {
          firstErrorAt = clock.now();
          step(
            "first error",
            `version ${version} failed an order request (${response.FunctionError})`,
          );
        }
      }
    }
  }

  let originalVariables: Record<string, string> | undefined;
  let configurationChanged = false;
  let configurationRestored = false;
  let deploymentStarted = false;
  const marker = Math.floor(clock.random() * 0xffffffff)
    .toString(16)
    .padStart(8, "0");
  const group = {
    region: options.region,
    functionName: options.functionName,
    aliasName: options.aliasName,
    applicationName: options.applicationName,
    deploymentGroupName: options.deploymentGroupName,
  };

  /** Puts the function's environment back as found; retried until it is known to have taken. */
  async function restoreConfiguration(): Promise<void> {
    await updateSettled(false);
    await call(
      "UpdateFunctionConfiguration (restore)",
      clients.lambda,
      new UpdateFunctionConfigurationCommand({
        FunctionName: options.functionName,
        Environment: { Variables: originalVariables ?? {} },
      }),
      { abortable: false, busy: true },
    );
    const after = await updateSettled(false);
    const variables = after.Environment?.Variables ?? {};
    configurationRestored = variables[DRILL_FAIL_FLAG] === originalVariables?.[DRILL_FAIL_FLAG];
    if (!configurationRestored) {
      throw new Error(
        `${DRILL_FAIL_FLAG} is still ${variables[DRILL_FAIL_FLAG]} after the restore`,
      );
    }
    step("configuration restored", `${options.functionName}: environment as found`);
  }

  try {
    const groupInfo = (
      await call<{
        deploymentGroupInfo?: {
          deploymentConfigName?: string;
          alarmConfiguration?: { enabled?: boolean; alarms?: { name?: string }[] };
          autoRollbackConfiguration?: { enabled?: boolean; events?: string[] };
        };
      }>(
        "GetDeploymentGroup",
        clients.codedeploy,
        new GetDeploymentGroupCommand({
          applicationName: options.applicationName,
          deploymentGroupName: options.deploymentGroupName,
        }),
      )
    ).deploymentGroupInfo;
    report.deploymentConfigName = groupInfo?.deploymentConfigName;
    // CodeDeploy API reference, DeploymentGroupInfo: `alarmConfiguration.alarms[].name` and
    // `autoRollbackConfiguration.events` (DEPLOYMENT_STOP_ON_ALARM rolls back an alarm stop).
    report.alarms = (groupInfo?.alarmConfiguration?.alarms ?? [])
      .map((alarm) => alarm.name ?? "")
      .filter((name) => name !== "");
    if (groupInfo?.alarmConfiguration?.enabled === false || report.alarms.length === 0) {
      throw new Error(
        `deployment group ${options.deploymentGroupName} watches no alarms: nothing would stop a failing version`,
      );
    }
    const rollbackEvents = groupInfo?.autoRollbackConfiguration;
    if (
      rollbackEvents?.enabled !== true ||
      !rollbackEvents.events?.includes("DEPLOYMENT_STOP_ON_ALARM")
    ) {
      throw new Error(
        `deployment group ${options.deploymentGroupName} does not roll back when an alarm stops a deployment (autoRollbackConfiguration lacks DEPLOYMENT_STOP_ON_ALARM)`,
      );
    }

    const configuration = await updateSettled();
    originalVariables = { ...(configuration.Environment?.Variables ?? {}) };
    if (originalVariables[DRILL_FAIL_FLAG] === "true") {
      throw new Error(
        `${options.functionName} already has ${DRILL_FAIL_FLAG}=true: another drill is running, or one was left so; remove it first`,
      );
    }
    const alias = await readAlias();
    if (Object.keys(weightsOf(alias)).length > 0) {
      throw new Error(
        `alias ${options.aliasName} splits traffic (${JSON.stringify(weightsOf(alias))}): a deployment is running; drill when it has ended`,
      );
    }
    report.previousVersion = alias.FunctionVersion;
    const before = await call<DescribeAlarmsCommandOutput>(
      "DescribeAlarms",
      clients.cloudwatch,
      new DescribeAlarmsCommand({ AlarmNames: report.alarms }),
    );
    const alreadyFiring = (before.MetricAlarms ?? []).filter((a) => a.StateValue === "ALARM");
    if (alreadyFiring.length > 0) {
      throw new Error(
        `alarm ${alreadyFiring.map((a) => a.AlarmName).join(", ")} is in ALARM before the drill: a stop would prove nothing`,
      );
    }
    step(
      "baseline",
      `${options.functionName}:${options.aliasName} serves version ${report.previousVersion}; ` +
        `group ${options.deploymentGroupName} (${report.deploymentConfigName}) watches ${report.alarms.join(", ")}`,
    );

    // Marked before the call: a lost response may still have changed the configuration.
    configurationChanged = true;
    await call(
      "UpdateFunctionConfiguration",
      clients.lambda,
      new UpdateFunctionConfigurationCommand({
        FunctionName: options.functionName,
        Environment: { Variables: { ...originalVariables, [DRILL_FAIL_FLAG]: "true" } },
        // Refused (PreconditionFailedException) if the function changed since it was read.
        RevisionId: configuration.RevisionId,
      }),
      // A retry after a lost response finds the update running: wait for it.
      { busy: true },
    ).catch((error: unknown) => {
      // Our own lost first attempt already took: the retry's precondition no longer holds.
      if (errorName(error) !== "PreconditionFailedException") throw error;
    });
    const updated = await updateSettled();
    if (
      updated.LastUpdateStatus === "Failed" ||
      updated.Environment?.Variables?.[DRILL_FAIL_FLAG] !== "true"
    ) {
      throw new Error(
        `setting ${DRILL_FAIL_FLAG}=true on ${options.functionName} did not take (LastUpdateStatus ${updated.LastUpdateStatus}: ${updated.LastUpdateStatusReason ?? "no reason"})`,
      );
    }
    // Lambda API reference, PublishVersion: publishing an unchanged configuration returns the
    // latest version instead of a new one, so a retry after a lost response is harmless.
    const published = await call<FunctionConfiguration>(
      "PublishVersion",
      clients.lambda,
      new PublishVersionCommand({
        FunctionName: options.functionName,
        Description: `rollback drill: ${DRILL_FAIL_FLAG}=true fails order requests`,
        RevisionId: updated.RevisionId,
      }),
      { busy: true },
    );
    if (published.Environment?.Variables?.[DRILL_FAIL_FLAG] !== "true") {
      throw new Error(
        `published version ${published.Version} does not carry ${DRILL_FAIL_FLAG}=true`,
      );
    }
    report.drillVersion = published.Version;
    step(
      "published",
      `version ${report.drillVersion} fails order requests (${DRILL_FAIL_FLAG}=true)`,
    );
    // The version keeps the flag; the function itself goes back at once.
    await restoreConfiguration();

    checkInterrupt();
    deploymentStarted = true;
    const deployment = await deploy(
      {
        ...group,
        targetVersion: report.drillVersion!,
        waitForCompletion: false,
        marker,
        description: "rollback drill",
      },
      clients,
      (line) => say(`  ${line}`),
      clock,
    );
    report.deploymentId = deployment.deploymentId;
    step(
      "deploying",
      `CodeDeploy deployment ${report.deploymentId}: version ${report.previousVersion} -> ${report.drillVersion} (${report.deploymentConfigName})`,
    );

    const deadline = clock.now() + stepTimeoutMs;
    let stoppedAt: number | undefined;
    for (;;) {
      checkInterrupt();
      await driveTraffic();
      const alarms = await call<DescribeAlarmsCommandOutput>(
        "DescribeAlarms",
        clients.cloudwatch,
        new DescribeAlarmsCommand({ AlarmNames: report.alarms }),
      );
      const firing = (alarms.MetricAlarms ?? []).filter(
        (a: MetricAlarm) => a.StateValue === "ALARM",
      );
      if (firing.length > 0 && report.alarmSeconds === undefined && firstErrorAt !== undefined) {
        report.alarmSeconds = seconds(firstErrorAt);
        step(
          "alarm",
          `${firing.map((a) => a.AlarmName).join(", ")} in ALARM after ${report.alarmSeconds} s`,
        );
      }
      for (const alarm of firing) {
        if (!report.firedAlarms.includes(alarm.AlarmName!))
          report.firedAlarms.push(alarm.AlarmName!);
      }
      if (stoppedAt === undefined) {
        const info = (
          await call<{ deploymentInfo?: DeploymentInfo }>(
            "GetDeployment",
            clients.codedeploy,
            new GetDeploymentCommand({ deploymentId: report.deploymentId }),
          )
        ).deploymentInfo;
        if (info?.status === "Succeeded") {
          throw new Error(
            `deployment ${report.deploymentId} Succeeded: no alarm stopped the failing version, and the alias served it`,
          );
        }
        if (info?.status === "Stopped" || info?.status === "Failed") {
          stoppedAt = clock.now();
          report.stopSeconds = firstErrorAt !== undefined ? seconds(firstErrorAt) : undefined;
          report.stopReason = `${info.errorInformation?.code}: ${info.errorInformation?.message}`;
          report.rollbackDeploymentId = info.rollbackInfo?.rollbackDeploymentId;
          for (const name of activatedAlarms(info.errorInformation?.message)) {
            if (!report.firedAlarms.includes(name)) report.firedAlarms.push(name);
          }
          step("stopped", `deployment ${report.deploymentId} ${info.status}: ${report.stopReason}`);
          if (!report.rollbackDeploymentId) {
            throw new Error(
              `deployment ${report.deploymentId} ${info.status} without a rollback (rollbackInfo has no rollbackDeploymentId)`,
            );
          }
        }
      } else if (servesOnly(await readAlias(), report.previousVersion)) {
        report.rollbackSeconds = firstErrorAt !== undefined ? seconds(firstErrorAt) : undefined;
        step(
          "rolled back",
          `alias ${options.aliasName} serves version ${report.previousVersion} again` +
            (report.rollbackSeconds !== undefined
              ? `, ${report.rollbackSeconds} s after the first error`
              : ""),
        );
        break;
      }
      if (clock.now() >= deadline) {
        throw new Error(
          stoppedAt === undefined
            ? `deployment ${report.deploymentId} neither stopped nor ended within ${Math.round(stepTimeoutMs / 1000)} s`
            : `the alias did not return to version ${report.previousVersion} within ${Math.round(stepTimeoutMs / 1000)} s`,
        );
      }
      await pause(pollMs);
    }
    if (report.firedAlarms.length === 0 || !report.stopReason?.startsWith("ALARM_ACTIVE")) {
      throw new Error(`the deployment was stopped, but not by an alarm (${report.stopReason})`);
    }
    report.outcome = "passed";
  } catch (error) {
    if (error instanceof DrillInterrupted || interrupted()) {
      report.outcome = "interrupted";
      report.problem = "interrupted (Ctrl-C)";
      step("interrupted", "restoring");
    } else {
      report.outcome = "failed";
      report.problem = isDeploymentFailure(error) ? error.message : errorMessage(error);
      step("failed", report.problem);
    }
  }

  // Restore, not stopped by Ctrl-C: each part on its own, so one failing leaves the others done.
  const leftovers: string[] = [];
  if (deploymentStarted) {
    try {
      // Stops whatever deployment of this drill still runs (found by its marker even when the
      // CreateDeployment answer was lost), with automatic rollback.
      const stopped = await stop(
        {
          ...group,
          deploymentId: report.deploymentId,
          marker,
          waitMinutes: stepTimeoutMs / 60_000,
        },
        clients,
        (line) => say(`  ${line}`),
        clock,
      );
      if (stopped.stopped.length > 0) {
        step("stopped", `deployment ${stopped.stopped.join(", ")} stopped with automatic rollback`);
      }
      const ourDeployment = report.deploymentId ?? stopped.stopped[0];
      /** True while our deployment, or the rollback CodeDeploy started for it, still runs. */
      const stillMoving = async (): Promise<boolean> => {
        if (!ourDeployment) return false;
        const read = (id: string) =>
          call<{ deploymentInfo?: DeploymentInfo }>(
            "GetDeployment",
            clients.codedeploy,
            new GetDeploymentCommand({ deploymentId: id }),
            { abortable: false },
          ).then((answer) => answer.deploymentInfo);
        const info = await read(ourDeployment);
        if (
          info?.status !== "Stopped" &&
          info?.status !== "Failed" &&
          info?.status !== "Succeeded"
        ) {
          return true;
        }
        const rollbackId = info.rollbackInfo?.rollbackDeploymentId;
        if (!rollbackId) return false;
        const rollback = await read(rollbackId);
        return !["Stopped", "Failed", "Succeeded"].includes(rollback?.status ?? "");
      };
      const deadline = clock.now() + stepTimeoutMs;
      for (;;) {
        const alias = await readAlias(false);
        if (servesOnly(alias, report.previousVersion)) break;
        const onDrillVersion =
          alias.FunctionVersion === report.drillVersion ||
          (report.drillVersion !== undefined && report.drillVersion in weightsOf(alias));
        if (!onDrillVersion) {
          throw new Error(
            `alias ${options.aliasName} serves ${alias.FunctionVersion} ${JSON.stringify(weightsOf(alias))}: moved by someone else, left alone`,
          );
        }
        if (!(await stillMoving())) {
          // Nothing will move it back (the deployment succeeded, or its rollback ended without
          // moving the alias): point it back directly. CodeDeploy owns the alias only while it
          // deploys.
          await call(
            "UpdateAlias (restore)",
            clients.lambda,
            new UpdateAliasCommand({
              FunctionName: options.functionName,
              Name: options.aliasName,
              FunctionVersion: report.previousVersion,
              RoutingConfig: { AdditionalVersionWeights: {} },
            }),
            { abortable: false },
          );
          step(
            "alias restored",
            `alias ${options.aliasName} pointed back at version ${report.previousVersion}`,
          );
          continue;
        }
        if (clock.now() >= deadline) {
          throw new Error(
            `alias ${options.aliasName} still serves ${alias.FunctionVersion} ${JSON.stringify(weightsOf(alias))} after ${Math.round(stepTimeoutMs / 1000)} s, not version ${report.previousVersion}`,
          );
        }
        await pause(pollMs, false);
      }
    } catch (error) {
      leftovers.push(
        `${errorMessage(error)}: run aws lambda update-alias --function-name ${options.functionName} --name ${options.aliasName} --function-version ${report.previousVersion} --routing-config '{}' --region ${options.region}`,
      );
    }
  }
  if (configurationChanged && !configurationRestored) {
    try {
      await restoreConfiguration();
    } catch (error) {
      leftovers.push(
        `${errorMessage(error)}: remove ${DRILL_FAIL_FLAG} from ${options.functionName}'s environment (aws lambda update-function-configuration --environment ...) in ${options.region}`,
      );
    }
  }
  if (leftovers.length > 0) {
    report.restored = false;
    if (report.outcome === "passed") report.outcome = "failed";
    report.problem = report.problem ?? leftovers[0];
    for (const leftover of leftovers) step("NOT RESTORED", leftover);
  }
  return report;
}

/** The human report. */
export function describeRollbackReport(report: RollbackReport): string {
  const lines = [
    `Rollback drill of ${report.functionName}:${report.aliasName} in ${report.region}: ${report.outcome.toUpperCase()}`,
    `  restored: ${report.restored ? "yes (configuration as found, alias on the previous version)" : "NO (see below)"}`,
    `  versions: ${report.previousVersion ?? "?"} -> ${report.drillVersion ?? "not published"} (failing); deployment ${report.deploymentId ?? "none"} with ${report.deploymentConfigName ?? "?"}`,
    `  alarms watched: ${report.alarms.join(", ") || "none"}; fired: ${report.firedAlarms.join(", ") || "none"}`,
  ];
  const traffic = Object.entries(report.traffic)
    .map(([version, t]) => `version ${version}: ${t.requests} requests, ${t.errors} errors`)
    .join("; ");
  if (traffic) lines.push(`  traffic: ${traffic}`);
  if (report.alarmSeconds !== undefined)
    lines.push(`  first error -> alarm: ${report.alarmSeconds} s`);
  if (report.stopSeconds !== undefined) {
    lines.push(
      `  first error -> deployment stopped: ${report.stopSeconds} s (${report.stopReason})`,
    );
  }
  if (report.rollbackSeconds !== undefined) {
    lines.push(
      `  first error -> alias back on ${report.previousVersion}: ${report.rollbackSeconds} s`,
    );
  }
  if (report.problem) lines.push(`  problem: ${report.problem}`);
  return lines.join("\n");
}
