import { createHash } from "crypto";
import {
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  type DeploymentInfo,
  type GetApplicationRevisionOutput,
} from "@aws-sdk/client-codedeploy";
import type { AwsStub } from "aws-sdk-client-mock";
import type { HookContext, HookLogger } from "../../hooks/handlers/report";

export const DEPLOYMENT_ID = "d-ABCDEFGH1";
export const EXECUTION_ID = "exec-id-0123456789";
export const FUNCTION_NAME = "orders-function-mock123";
export const ALIAS_NAME = "live";

export const lifecycleEvent = {
  DeploymentId: DEPLOYMENT_ID,
  LifecycleEventHookExecutionId: EXECUTION_ID,
};

export const env = { TARGET_FUNCTION_NAME: FUNCTION_NAME, TARGET_ALIAS_NAME: ALIAS_NAME };

/** A Lambda AppSpec as the deployment starter writes it (JSON). */
export function appSpecJson(
  properties: Record<string, unknown> = {},
  logicalName = "ordersFunction",
): string {
  return JSON.stringify({
    version: 0.0,
    Resources: [
      {
        [logicalName]: {
          Type: "AWS::Lambda::Function",
          Properties: {
            Name: FUNCTION_NAME,
            Alias: ALIAS_NAME,
            CurrentVersion: "6",
            TargetVersion: "7",
            ...properties,
          },
        },
      },
    ],
    Hooks: [{ BeforeAllowTraffic: "CodeDeployHook_orders-pre" }],
  });
}

/** The same AppSpec as a YAML file would give it (versions unquoted). */
export const appSpecYaml = `version: 0.0
Resources:
  - ordersFunction:
      Type: AWS::Lambda::Function
      Properties:
        Name: "${FUNCTION_NAME}"
        Alias: "${ALIAS_NAME}"
        CurrentVersion: 6
        TargetVersion: 7
Hooks:
  - BeforeAllowTraffic: "CodeDeployHook_orders-pre"
`;

export const DEPLOYMENT_CREATED = new Date("2026-03-01T10:02:30Z");

export const APPLICATION_NAME = "orders";

/** The hex SHA-256 CodeDeploy identifies an inline AppSpec revision by. */
export function sha256Of(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

/**
 * GetDeployment's deploymentInfo for an inline AppSpec, as AWS returns it: the revision's type
 * and `appSpecContent.sha256`, never its content. Source: CodeDeploy API Reference,
 * GetDeployment ("The content property of the appSpecContent object in the returned revision is
 * always null"), and the SDK's `DeploymentInfo` / `AppSpecContent` types.
 */
export function deploymentInfo(content: string = appSpecJson()): DeploymentInfo {
  return {
    deploymentId: DEPLOYMENT_ID,
    applicationName: APPLICATION_NAME,
    deploymentGroupName: "orders-live",
    computePlatform: "Lambda",
    status: "InProgress",
    createTime: DEPLOYMENT_CREATED,
    revision: { revisionType: "AppSpecContent", appSpecContent: { sha256: sha256Of(content) } },
  };
}

/**
 * GetApplicationRevision's answer for an inline AppSpec revision: the revision with its content
 * and hash, and the generic revision info. Source: CodeDeploy API Reference,
 * GetApplicationRevision response syntax (`applicationName`, `revision.appSpecContent.{content,
 * sha256}`, `revisionInfo.{description, deploymentGroups, firstUsedTime, lastUsedTime,
 * registerTime}`) and the AWS CLI `get-application-revision` example for the revisionInfo values.
 */
export function applicationRevision(content: string): GetApplicationRevisionOutput {
  return {
    applicationName: APPLICATION_NAME,
    revision: {
      revisionType: "AppSpecContent",
      appSpecContent: { content, sha256: sha256Of(content) },
    },
    revisionInfo: {
      description: `Application revision registered by Deployment ID: ${DEPLOYMENT_ID}`,
      deploymentGroups: ["orders-live"],
      firstUsedTime: DEPLOYMENT_CREATED,
      lastUsedTime: DEPLOYMENT_CREATED,
      registerTime: DEPLOYMENT_CREATED,
    },
  };
}

/**
 * An AWS service error as SDK v3 raises it: an Error whose `name` is the exception's name (the
 * API reference's "Errors" section), with `$fault` and `$metadata.httpStatusCode` (SDK type
 * `ServiceException` in `@smithy/smithy-client`).
 */
export function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode },
  });
}

/** The error CodeDeploy answers for an unknown revision (API Reference, GetApplicationRevision Errors). */
function revisionDoesNotExist(): Error {
  return awsError(
    "RevisionDoesNotExistException",
    "The named revision does not exist with the IAM user or AWS account.",
  );
}

/**
 * A deployment of the given AppSpec as CodeDeploy serves it: GetDeployment answers the revision's
 * hash, and GetApplicationRevision answers the content only for this application and that hash.
 */
export function givenDeployment(
  codedeploy: AwsStub<any, any, any>,
  content: string = appSpecJson(),
  info: DeploymentInfo = deploymentInfo(content),
): void {
  codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: info });
  codedeploy.on(GetApplicationRevisionCommand).rejects(revisionDoesNotExist());
  codedeploy
    .on(GetApplicationRevisionCommand, {
      applicationName: APPLICATION_NAME,
      revision: { revisionType: "AppSpecContent", appSpecContent: { sha256: sha256Of(content) } },
    })
    .resolves(applicationRevision(content));
}

/** A Lambda context with a fixed amount of time left. */
export function contextWith(remainingMs: number): HookContext {
  return { getRemainingTimeInMillis: () => remainingMs };
}

/** A logger that keeps the entries, so tests stay quiet and can assert on logs. */
export function collectingLogger(): HookLogger & { entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  const log = ((entry: Record<string, unknown>) => {
    entries.push(entry);
  }) as HookLogger & { entries: Record<string, unknown>[] };
  log.entries = entries;
  return log;
}

/** A JSON payload as Lambda's Invoke returns it (SDK `InvocationResponse.Payload`: bytes of the function's JSON result). */
export function payload(value: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(JSON.stringify(value)));
}
