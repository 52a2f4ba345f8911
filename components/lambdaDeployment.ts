import * as pulumi from "@pulumi/pulumi";
import { lambdaDeploymentProvider } from "../deployment/provider";
import { durationMinutes, lambdaDeploymentProblems } from "../deployment/validate";

/** The type token a LambdaDeployment registers under (a dynamic resource with its own type name). */
export const LAMBDA_DEPLOYMENT_TYPE = "pulumi-nodejs:dynamic:LambdaDeployment";

/**
 * Starts a CodeDeploy deployment that shifts a Lambda alias to a new published version,
 * waits for it and fails `pulumi up` with CodeDeploy's reason when it fails or rolls back.
 * Pulumi itself must not move the alias: create it with
 * `ignoreChanges: ["functionVersion", "routingConfig"]`.
 */
export interface LambdaDeploymentArgs {
  /**
   * The CodeDeploy application (compute platform `Lambda`).
   * @default none (required)
   */
  readonly applicationName: pulumi.Input<string>;
  /**
   * The deployment group (BLUE_GREEN with WITH_TRAFFIC_CONTROL). Its deployment configuration
   * sets the pace (canary, linear, all at once), its alarms and auto-rollback gate the rollout.
   * @default none (required)
   */
  readonly deploymentGroupName: pulumi.Input<string>;
  /**
   * The Lambda function's name (not its ARN).
   * @default none (required)
   */
  readonly functionName: pulumi.Input<string>;
  /**
   * The alias CodeDeploy shifts.
   * @default none (required)
   */
  readonly aliasName: pulumi.Input<string>;
  /**
   * The published version the alias should end on, usually the function's `version` output
   * (`publish: true`). When the alias already points at it, nothing is deployed.
   * @default none (required)
   */
  readonly targetVersion: pulumi.Input<string>;
  /**
   * Hook function NAMES CodeDeploy invokes before any traffic moves (SAM `PreTraffic`) and
   * after all of it moved (SAM `PostTraffic`). Each must report back with
   * `codedeploy:PutLifecycleEventHookExecutionStatus`.
   * @default no hooks
   */
  readonly hooks?: {
    readonly beforeAllowTraffic?: pulumi.Input<string>;
    readonly afterAllowTraffic?: pulumi.Input<string>;
  };
  /**
   * Wait until the deployment succeeds (and fail `pulumi up` if it fails or rolls back). With
   * `false`, `pulumi up` returns once the deployment is created; only the deployment group's
   * alarms and auto-rollback guard the rollout then, and later waves are not held back.
   * @default true
   */
  readonly waitForCompletion?: boolean;
  /**
   * The most `pulumi up` waits, in minutes (1-2880), including for another deployment of the
   * group to finish first. A canary holds `pulumi up` for its whole interval
   * (Canary10Percent30Minutes: about 30 min plus hooks). On timeout the deployment is NOT
   * stopped; the error says how to follow it. Do not set Pulumi `customTimeouts` lower.
   * @default the deployment group's traffic-shifting time + 30 min for hooks (60 min if the
   * configuration cannot be read)
   */
  readonly timeoutMinutes?: number;
  /**
   * The region of the function and the CodeDeploy application.
   * @default none (required)
   */
  readonly region: pulumi.Input<string>;
  /**
   * The deployment's description in CodeDeploy (at most 100 characters).
   * @default "pulumi up: <alias> -> version <targetVersion>"
   */
  readonly description?: pulumi.Input<string>;
}

function isPlain(value: unknown): boolean {
  return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

function problemsOf(args: LambdaDeploymentArgs, opts: pulumi.CustomResourceOptions): string[] {
  const problems = lambdaDeploymentProblems(args as unknown as Record<string, unknown>, (value) => {
    if (!isPlain(value)) {
      return false;
    }
    return typeof value !== "object" || value === null
      ? true
      : Object.values(value).every((child) => isPlain(child));
  }).map((problem) => problem.reason);
  const timeouts = opts.customTimeouts;
  for (const operation of ["create", "update"] as const) {
    const duration = timeouts?.[operation];
    if (duration === undefined) {
      continue;
    }
    const minutes = durationMinutes(duration);
    if (minutes === undefined) {
      problems.push(
        `[customTimeouts.${operation}] is ${JSON.stringify(duration)}; allowed: a duration such as "90m" or "2h"`,
      );
    } else if (args.timeoutMinutes !== undefined && minutes < args.timeoutMinutes) {
      problems.push(
        `[customTimeouts.${operation}] is ${JSON.stringify(duration)}, shorter than [timeoutMinutes] ` +
          `${args.timeoutMinutes}; allowed: at least "${args.timeoutMinutes}m", or unset ` +
          "(Pulumi would abandon the wait and lose the deployment's id)",
      );
    }
  }
  return problems;
}

/** The provider instance every LambdaDeployment serializes (one, so Pulumi caches its text). */
export const lambdaDeploymentProviderInstance = lambdaDeploymentProvider();

/**
 * Makes `pulumi up` behave like `sam deploy` for a Lambda alias under CodeDeploy: when
 * `targetVersion` differs from the alias's version, it creates ONE CodeDeploy deployment
 * (waiting first for any deployment already running in the group), follows it, and fails
 * the update with CodeDeploy's reason (alarm, failed hook, rollback) when it does not
 * succeed. If a rollback left the alias behind the stack's target, the next `pulumi up`
 * (and its preview) shows an update and deploys the target again. Deleting the resource stops
 * a deployment it started that is still running, with automatic rollback.
 *
 * A dynamic resource (`pulumi-nodejs:dynamic:LambdaDeployment`): it needs AWS credentials
 * where `pulumi up` runs; see docs/deployments.md for the IAM actions.
 *
 * Outputs: `deploymentId` (undefined when none was needed), `status`, `deployedVersion`,
 * `previousVersion`.
 */
export class LambdaDeployment extends pulumi.dynamic.Resource {
  /** The deployment the last create/update started; undefined when none was needed. */
  declare readonly deploymentId: pulumi.Output<string | undefined>;
  /** CodeDeploy's status of that deployment (`Succeeded`, `Created` when not waiting), or `AlreadyAtTarget`. */
  declare readonly status: pulumi.Output<string>;
  /** The version the alias fully points at after the operation. */
  declare readonly deployedVersion: pulumi.Output<string>;
  /** The version the alias pointed at before. */
  declare readonly previousVersion: pulumi.Output<string>;

  /**
   * @param name The _unique_ name of the resource.
   * @param args What to deploy and how long to wait.
   * @param opts Resource options; pass `dependsOn: [previousRegionDeployment]` to roll out in
   *   waves (see {@link chainWaves}).
   */
  constructor(name: string, args: LambdaDeploymentArgs, opts: pulumi.CustomResourceOptions = {}) {
    const problems = problemsOf(args, opts);
    if (problems.length > 0) {
      throw new Error(
        `LambdaDeployment "${name}" has invalid arguments:\n  - ${problems.join("\n  - ")}`,
      );
    }
    super(
      lambdaDeploymentProviderInstance,
      name,
      {
        applicationName: args.applicationName,
        deploymentGroupName: args.deploymentGroupName,
        functionName: args.functionName,
        aliasName: args.aliasName,
        targetVersion: args.targetVersion,
        hooks: args.hooks,
        waitForCompletion: args.waitForCompletion ?? true,
        timeoutMinutes: args.timeoutMinutes,
        region: args.region,
        description: args.description,
        deploymentId: undefined,
        status: undefined,
        deployedVersion: undefined,
        previousVersion: undefined,
      },
      opts,
      undefined,
      "LambdaDeployment",
    );
  }
}

/**
 * Builds one deployment per wave (region), each depending on the previous wave's, so a
 * failing canary in the first region fails `pulumi up` before the next region's traffic moves
 * (Pulumi does not start a resource whose dependency failed). The functions themselves still
 * update in parallel; only the traffic shifts wait. Waves need `waitForCompletion: true`.
 *
 * @example
 * const deployments = chainWaves(["us-east-1", "eu-west-1"], (region, after) =>
 *   new LambdaDeployment(`orders-${region}`, { ...args, region }, { dependsOn: after }));
 */
export function chainWaves<Wave, R extends pulumi.Resource>(
  waves: readonly Wave[],
  build: (wave: Wave, after: R[], index: number) => R,
): R[] {
  const built: R[] = [];
  waves.forEach((wave, index) => {
    built.push(build(wave, index === 0 ? [] : [built[index - 1]], index));
  });
  return built;
}
