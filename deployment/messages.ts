/**
 * What an operator reads when a deployment does not end well. Every message names the
 * deployment (or says none was started and whether anything is still running), CodeDeploy's
 * error code and message, the alarm or hook that stopped it, where the alias is now, and
 * what to do next.
 */
import type { DeploymentInfo, LifecycleEvent } from "@aws-sdk/client-codedeploy";
import { AliasState, describeAlias } from "./observe";

/** The CodeDeploy console page of a deployment. */
export function consoleUrl(deploymentId: string, region: string): string {
  return `https://${region}.console.aws.amazon.com/codesuite/codedeploy/deployments/${deploymentId}?region=${region}`;
}

/** The AWS CLI command that shows a deployment. */
export function getDeploymentCommand(deploymentId: string, region: string): string {
  return `aws deploy get-deployment --deployment-id ${deploymentId} --region ${region}`;
}

/**
 * Alarm names from an ALARM_ACTIVE message: "... Activated alarms: <a> <b>" (the wording the
 * engine's tests assume; AWS documents the code but shows no full message).
 */
export function activatedAlarms(message: string | undefined): string[] {
  const listed = message?.split(/Activated alarms:/i)[1];
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

/** What a message is about. */
export interface Subject {
  readonly functionName: string;
  readonly aliasName: string;
  readonly targetVersion: string;
  readonly region: string;
  /** The service's CloudWatch dashboard (ServiceDashboard `url`), linked from every message. */
  readonly dashboardUrl?: string;
}

/** `Dashboard: <url>`, when the resource was given one. */
export function dashboardLines(subject: Subject): string[] {
  return subject.dashboardUrl
    ? [`Dashboard (every region's metrics): ${subject.dashboardUrl}`]
    : [];
}

/** `orders-fn:live (version 3 -> 4, eu-west-1)` */
function shiftText(subject: Subject, from: string | undefined): string {
  return (
    `${subject.functionName}:${subject.aliasName} ` +
    `(${from !== undefined ? `version ${from} -> ` : "to version "}${subject.targetVersion}, ${subject.region})`
  );
}

/** Where the alias is, or that it could not be read. */
export function aliasLine(subject: Subject, alias: AliasState | undefined): string {
  return alias
    ? `Alias ${subject.aliasName} now serves ${describeAlias(alias)}.`
    : `Alias ${subject.aliasName}: could not be read at the end, so where it points is unknown ` +
        `(aws lambda get-alias --function-name ${subject.functionName} --name ${subject.aliasName} --region ${subject.region}).`;
}

/** CodeDeploy's reason and the alarms that fired. */
export function reasonLines(info: DeploymentInfo): string[] {
  const lines: string[] = [];
  const error = info.errorInformation;
  if (error?.code || error?.message) {
    lines.push(`CodeDeploy's reason: ${[error.code, error.message].filter(Boolean).join(": ")}`);
  } else {
    lines.push("CodeDeploy gave no reason (no errorInformation).");
  }
  if (error?.code === "ALARM_ACTIVE") {
    const alarms = activatedAlarms(error.message);
    lines.push(
      alarms.length
        ? `Alarm${alarms.length > 1 ? "s" : ""} that stopped it: ${alarms.join(", ")}`
        : "An alarm stopped it (CodeDeploy did not name it).",
    );
  }
  return lines;
}

/** The message of a deployment that ended Failed or Stopped. */
export function failureMessage(
  info: DeploymentInfo,
  events: readonly LifecycleEvent[],
  context: {
    readonly subject: Subject;
    readonly previousVersion?: string;
    readonly alias?: AliasState;
    readonly rollback?: string;
    /** This operation did not start it: an earlier update did, and it is not started again. */
    readonly earlier?: boolean;
  },
): string {
  const { subject } = context;
  const id = info.deploymentId ?? "?";
  const lines = [
    `CodeDeploy deployment ${id} of ${shiftText(subject, context.previousVersion)} ${info.status}.`,
    ...reasonLines(info),
  ];
  for (const event of events.filter((candidate) => candidate.status === "Failed")) {
    lines.push(`Failed lifecycle event: ${describeEvent(event)}`);
  }
  const rollback = info.rollbackInfo;
  if (rollback?.rollbackDeploymentId || rollback?.rollbackMessage || context.rollback) {
    lines.push(
      `Rollback: ${[rollback?.rollbackDeploymentId, rollback?.rollbackMessage].filter(Boolean).join(" - ") || "none reported"}` +
        (context.rollback ? ` (${context.rollback})` : ""),
    );
  }
  lines.push(aliasLine(subject, context.alias));
  lines.push(
    context.earlier
      ? `Version ${subject.targetVersion} is not deployed again on its own: publish a new version ` +
          "with the fix, or set [retryToken] to a new value to deploy this version once more."
      : `Fix the cause, then publish a new version (or set [retryToken] to a new value to retry ` +
          `version ${subject.targetVersion}) and run \`pulumi up\` again.`,
    `Details: ${consoleUrl(id, subject.region)}`,
    ...dashboardLines(subject),
  );
  return lines.join("\n");
}

/** The message of a deployment still running at the deadline. */
export function timeoutMessage(
  info: DeploymentInfo,
  context: {
    readonly subject: Subject;
    readonly previousVersion?: string;
    readonly alias?: AliasState;
    readonly waitedMs: number;
  },
): string {
  const id = info.deploymentId ?? "?";
  const { subject } = context;
  return [
    `CodeDeploy deployment ${id} of ${shiftText(subject, context.previousVersion)} is still ` +
      `${info.status ?? "running"} after ${Math.round(context.waitedMs / 60_000)} min, the limit of this update.`,
    aliasLine(subject, context.alias),
    "It was NOT stopped: CodeDeploy keeps shifting traffic, or rolls back on an alarm, on its own.",
    `Follow it: ${getDeploymentCommand(id, subject.region)}`,
    `Console: ${consoleUrl(id, subject.region)}`,
    "The next `pulumi up` follows this deployment instead of starting another; raise " +
      "[timeoutMinutes] if rollouts take longer.",
    ...dashboardLines(subject),
  ].join("\n");
}

/** The message when this operation could no longer follow its deployment. */
export function lostMessage(
  deploymentId: string,
  cause: string,
  context: {
    readonly subject: Subject;
    readonly previousVersion?: string;
    readonly alias?: AliasState;
  },
): string {
  const { subject } = context;
  return [
    `Lost track of CodeDeploy deployment ${deploymentId} of ${shiftText(subject, context.previousVersion)}: ${cause}`,
    aliasLine(subject, context.alias),
    "It was NOT stopped: CodeDeploy keeps shifting traffic, or rolls back on an alarm, on its own.",
    `Follow it: ${getDeploymentCommand(deploymentId, subject.region)}`,
    `Console: ${consoleUrl(deploymentId, subject.region)}`,
    "Run `pulumi up` again: it follows this deployment instead of starting another.",
    ...dashboardLines(subject),
  ].join("\n");
}

/** The message when no deployment of ours could be started. */
export function notStartedMessage(
  cause: string,
  context: {
    readonly subject: Subject;
    readonly alias?: AliasState;
    /** Deployments of the group still running, someone else's. */
    readonly running: readonly string[];
  },
): string {
  const { subject } = context;
  return [
    `No deployment of version ${context.subject.targetVersion} to ${subject.functionName}:${subject.aliasName} ` +
      `(${subject.region}) was started: ${cause}`,
    aliasLine(subject, context.alias),
    context.running.length
      ? `Still running in the deployment group (not started by this update, left alone): ${context.running.join(", ")}. ` +
        `Follow: ${getDeploymentCommand(context.running[0], subject.region)}`
      : "Nothing of this update is running in the deployment group.",
    "Run `pulumi up` again once the cause is fixed.",
    ...dashboardLines(subject),
  ].join("\n");
}
