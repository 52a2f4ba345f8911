import type { DeploymentInfo } from "@aws-sdk/client-codedeploy";
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

/** GetDeployment's deploymentInfo for an inline AppSpec. */
export function deploymentInfo(content: string = appSpecJson()): DeploymentInfo {
  return {
    deploymentId: DEPLOYMENT_ID,
    applicationName: "orders",
    deploymentGroupName: "orders-live",
    computePlatform: "Lambda",
    status: "InProgress",
    createTime: DEPLOYMENT_CREATED,
    revision: { revisionType: "AppSpecContent", appSpecContent: { content } },
  };
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

/** A JSON payload as Lambda's Invoke returns it. */
export function payload(value: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(JSON.stringify(value)));
}
