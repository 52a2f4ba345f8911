import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement } from "./iam";
import { FunctionSource } from "./bundling";

/**
 * A CodeDeploy lifecycle hook function (SAM's `PreTraffic` = `BeforeAllowTraffic`,
 * `PostTraffic` = `AfterAllowTraffic`), created by `TrafficShiftedFunction` with exactly
 * the IAM it needs:
 * - `codedeploy:PutLifecycleEventHookExecutionStatus` and `codedeploy:GetDeployment` on the
 *   function's deployment group (the event carries only `DeploymentId` and
 *   `LifecycleEventHookExecutionId`),
 * - `codedeploy:GetApplicationRevision` on the function's CodeDeploy application (GetDeployment
 *   gives only the AppSpec's sha256; the target version is read from the AppSpec's content),
 * - `lambda:InvokeFunction` on the target function's versions,
 * - plus any `policyStatements` given here.
 *
 * The hook receives these environment variables besides its own: `TARGET_FUNCTION_NAME`
 * (the function under deployment), `TARGET_ALIAS_NAME` (the alias being shifted) and, unless
 * its own environment sets it, `LOG_LEVEL` (the function's `logLevel`).
 */
export interface DeploymentHook {
  /**
   * The hook's code. Exactly one of `code` and `source`.
   * @default none (give `source` instead)
   */
  readonly code?: pulumi.Input<pulumi.asset.Archive>;
  /**
   * The handler, `<file>.<export>`.
   * @default "index.handler"
   */
  readonly handler?: pulumi.Input<string>;
  /**
   * The Lambda runtime. Node.js 18 and later include AWS SDK v3.
   * @default "nodejs22.x"
   */
  readonly runtime?: pulumi.Input<string>;
  /**
   * Timeout in seconds (1-900). CodeDeploy waits up to one hour for a hook's status, so a
   * hook that times out without reporting stalls the deployment until then.
   * @default 120
   */
  readonly timeout?: number;
  /**
   * Memory in MB (128-10240).
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Environment variables of the hook.
   * @default {}
   */
  readonly environment?: Record<string, pulumi.Input<string>>;
  /**
   * IAM statements the hook needs beyond reporting its status and invoking the target
   * function's versions (e.g. `cloudwatch:GetMetricData` for a metrics check).
   * @default []
   */
  readonly policyStatements?: PolicyStatement[];
  /**
   * A TypeScript or JavaScript entry file bundled with esbuild at construction, instead of
   * `code` (see the function's `source`).
   * @default none (give `code` instead)
   */
  readonly source?: FunctionSource;
}

/**
 * @deprecated Renamed `DeploymentHook`: schema types have no `Args` suffix, which the SDKs
 * of other languages add (`DeploymentHookArgs` there).
 */
export type DeploymentHookArgs = DeploymentHook;
