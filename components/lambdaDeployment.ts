import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AsyncLocalStorage } from "async_hooks";
import type { AssumeRoleCredentials, DeploymentCredentials } from "../deployment/clients";
import { DEFAULT_KEEP_VERSIONS } from "../deployment/prune";
import { lambdaDeploymentProvider } from "../deployment/provider";
import { durationMinutes, lambdaDeploymentProblems } from "../deployment/validate";

export { DeploymentCredentials } from "../deployment/clients";

/**
 * The type token a LambdaDeployment registers under in a TypeScript program (a dynamic
 * resource with its own type name). Stacks recorded it: it stays, so no deployment is replaced.
 */
export const LAMBDA_DEPLOYMENT_TYPE = "pulumi-nodejs:dynamic:LambdaDeployment";

/**
 * The type token of the same deployment served by this package's own provider plugin: what
 * the components register when a Python, Go, C#, Java or YAML program constructs them through
 * the plugin (see `PluginLambdaDeployment`).
 */
export const LAMBDA_DEPLOYMENT_RESOURCE_TYPE = "multiregion-serverless:index:LambdaDeployment";

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
   * The deployment's description in CodeDeploy, at most 66 characters: CodeDeploy allows 100
   * and the engine appends a tag (` [pulumi:<marker>:<version>:<retry>]`) that tells this
   * resource's deployments apart.
   * @default "pulumi up: <alias> -> version <targetVersion>" (shortened to fit)
   */
  readonly description?: pulumi.Input<string>;
  /**
   * A version that failed or was rolled back is not deployed again by a later `pulumi up`
   * (preview shows it as a warning). Publish a new version, or change this value (any text,
   * e.g. a date) to deploy the same version once more.
   * @default none
   */
  readonly retryToken?: pulumi.Input<string>;
  /**
   * The service's CloudWatch dashboard (`ServiceDashboard.url`): progress and failure messages
   * link it, so whoever reads a rolled-back deployment sees every region's metrics in one click.
   * Changing it alone deploys nothing.
   * @default none
   */
  readonly dashboardUrl?: pulumi.Input<string>;
  /**
   * Published versions of the function kept after a successful deployment: older ones are
   * deleted (`lambda:DeleteFunction` with a version qualifier), except any version an alias
   * serves. `0` keeps every version.
   * @default 5
   */
  readonly keepVersions?: number;
  /**
   * The credentials of the AWS provider of this region, which the deployment's own process
   * cannot see (Pulumi runs it with its inputs only). Sent as a secret.
   * @default from the parent's `aws` provider (its `profile`, `accessKey`, `secretKey`,
   * `token`), else from stack config `aws:profile`, `aws:accessKey`, `aws:secretKey`,
   * `aws:token`, every role of `aws:assumeRoles` in turn; else the default credential chain.
   * An explicit `aws.Provider`'s `assumeRoles` and `sharedCredentialsFiles` cannot be read
   * from the provider resource: pass them here in that case
   */
  readonly credentials?: pulumi.Input<DeploymentCredentials>;
  /**
   * Accounts the alias may be in (joined with stack config `aws:allowedAccountIds`); the
   * deployment refuses to act on an alias in any other account (read from its `AliasArn`).
   * `TrafficShiftedFunction` passes the account of the function's ARN.
   * @default stack config `aws:allowedAccountIds` (no check when neither is set)
   */
  readonly allowedAccountIds?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * A Go duration as the AWS provider's `assumeRoles[].duration` takes it ("1h", "15m",
 * "1h30m"; units ns, us, µs, ms, s, m, h), in whole seconds; undefined when it is not one.
 */
export function durationSeconds(text: unknown): number | undefined {
  if (typeof text !== "string" || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) {
    return undefined;
  }
  const unitSeconds: Record<string, number> = {
    ns: 1e-9,
    us: 1e-6,
    µs: 1e-6,
    ms: 1e-3,
    s: 1,
    m: 60,
    h: 3600,
  };
  let total = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(amount) * unitSeconds[unit];
  }
  return Math.round(total);
}

/**
 * `aws:assumeRoles` (or the older `aws:assumeRole`) from stack config: every role, in order,
 * as the AWS provider chains them (each assumed with the credentials of the one before).
 */
function assumeRolesFromConfig(config: pulumi.Config): AssumeRoleCredentials[] | undefined {
  const roles =
    config.getObject<Record<string, unknown>[]>("assumeRoles") ??
    (config.getObject<Record<string, unknown>>("assumeRole")
      ? [config.getObject<Record<string, unknown>>("assumeRole")!]
      : []);
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  const chain = roles
    .filter((role) => typeof role?.roleArn === "string" && role.roleArn !== "")
    .map((role) =>
      withoutUndefined<AssumeRoleCredentials>({
        roleArn: role.roleArn as string,
        sessionName: text(role.sessionName),
        externalId: text(role.externalId),
        durationSeconds: durationSeconds(role.duration),
        policy: text(role.policy),
        policyArns: Array.isArray(role.policyArns)
          ? role.policyArns.filter((arn): arn is string => typeof arn === "string")
          : undefined,
        sourceIdentity: text(role.sourceIdentity),
      }),
    );
  return chain.length > 0 ? chain : undefined;
}

/**
 * The credentials a LambdaDeployment uses when none are given: those of the `aws` provider it
 * inherits from its parent, else of the default `aws` provider (stack config `aws:*`).
 * Undefined when nothing is configured (the default credential chain then applies, as for the
 * AWS provider itself).
 */
export function inheritedDeploymentCredentials(
  parent: pulumi.Resource | undefined,
): pulumi.Output<DeploymentCredentials> | undefined {
  const provider = parent?.getProvider("aws::LambdaDeployment");
  if (provider && aws.Provider.isInstance(provider)) {
    return pulumi
      .all([provider.profile, provider.accessKey, provider.secretKey, provider.token])
      .apply(([profile, accessKey, secretKey, token]) =>
        withoutUndefined({ profile, accessKey, secretKey, token }),
      );
  }
  const config = new pulumi.Config("aws");
  const fromConfig = withoutUndefined({
    profile: config.get("profile"),
    accessKey: config.get("accessKey"),
    secretKey: config.get("secretKey"),
    token: config.get("token"),
    assumeRoles: assumeRolesFromConfig(config),
  });
  return Object.keys(fromConfig).length > 0 ? pulumi.output(fromConfig) : undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, child]) => child !== undefined && child !== ""),
  ) as T;
}

function isPlain(value: unknown): boolean {
  return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

function problemsOf(args: LambdaDeploymentArgs, opts: pulumi.CustomResourceOptions): string[] {
  // Known: the value itself, not every member. An object or list holding an output is checked
  // member by member (`lambdaDeploymentProblems` asks again for each), as the provider's `check`
  // does, so a bad hook name beside an output fails here, before any resource is registered.
  const problems = lambdaDeploymentProblems(
    args as unknown as Record<string, unknown>,
    isPlain,
  ).map((problem) => problem.reason);
  const timeouts = opts.customTimeouts;
  for (const operation of ["create", "update"] as const) {
    const duration = timeouts?.[operation];
    // As Pulumi's engine reads them (pkg/resource/deploy/source_eval.go): an empty string is
    // skipped (`if customTimeouts.Create != ""`), and a zero duration sets 0 seconds, which is
    // no custom timeout. Neither cuts the deployment's wait short.
    if (duration === undefined || duration === "") {
      continue;
    }
    const minutes = durationMinutes(duration);
    if (minutes === 0) {
      continue;
    }
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
 * succeed. A version CodeDeploy rolled back is not deployed again by a later `pulumi up`
 * (preview shows the drift as a warning): publish a new version or change `retryToken`.
 * After a success, published versions beyond the newest `keepVersions` are deleted, never one
 * an alias serves. Deleting the resource stops a deployment it started that is still running,
 * with automatic rollback. What the engine promises, and what each failure says, is in
 * docs/deployments.md.
 *
 * A dynamic resource (`pulumi-nodejs:dynamic:LambdaDeployment`): it runs in its own process
 * with the credentials of its region's AWS provider, passed as the secret input
 * `credentials` (see `inheritedDeploymentCredentials`); see docs/deployments.md for the
 * IAM actions. Programs in other languages get the same deployment as a resource of this
 * package's provider plugin (`PluginLambdaDeployment`,
 * `multiregion-serverless:index:LambdaDeployment`).
 *
 * Outputs: `deploymentId` (undefined when none was needed), `status`, `deployedVersion` and
 * `routingWeights` (what the alias serves, read at the end), `previousVersion`.
 */
export class LambdaDeployment extends pulumi.dynamic.Resource {
  /** The deployment the last create/update started; undefined when none was needed. */
  declare readonly deploymentId: pulumi.Output<string | undefined>;
  /** CodeDeploy's status of that deployment (`Succeeded`, `Created` when not waiting), or `AlreadyAtTarget`. */
  declare readonly status: pulumi.Output<string>;
  /** The alias's `FunctionVersion` as read at the end of the operation (never assumed). */
  declare readonly deployedVersion: pulumi.Output<string | undefined>;
  /** The alias's additional routing weights as read then (`{}`: all traffic on `deployedVersion`). */
  declare readonly routingWeights: pulumi.Output<Record<string, number> | undefined>;
  /** The version the alias pointed at before. */
  declare readonly previousVersion: pulumi.Output<string | undefined>;

  /**
   * @param name The _unique_ name of the resource.
   * @param args What to deploy and how long to wait.
   * @param opts Resource options; pass `dependsOn: [previousRegionDeployment]` to roll out in
   *   waves (see `chainWaves`).
   */
  constructor(name: string, args: LambdaDeploymentArgs, opts: pulumi.CustomResourceOptions = {}) {
    const registration = registrationOf(name, args, opts);
    super(
      lambdaDeploymentProviderInstance,
      name,
      registration.props,
      registration.opts,
      undefined,
      "LambdaDeployment",
    );
  }
}

/** The inputs and options a LambdaDeployment registers with, either way it is served. */
function registrationOf(
  name: string,
  args: LambdaDeploymentArgs,
  opts: pulumi.CustomResourceOptions,
): { props: pulumi.Inputs; opts: pulumi.CustomResourceOptions } {
  const problems = problemsOf(args, opts);
  if (problems.length > 0) {
    throw new Error(
      `LambdaDeployment "${name}" has invalid arguments:\n  - ${problems.join("\n  - ")}`,
    );
  }
  const credentials = args.credentials ?? inheritedDeploymentCredentials(opts.parent);
  const configured = new pulumi.Config("aws").getObject<string[]>("allowedAccountIds") ?? [];
  const allowedAccountIds =
    args.allowedAccountIds || configured.length > 0
      ? pulumi
          .output(args.allowedAccountIds ?? [])
          .apply((given) => [...new Set([...given, ...configured])])
      : undefined;
  return {
    props: {
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
      retryToken: args.retryToken,
      dashboardUrl: args.dashboardUrl,
      keepVersions: args.keepVersions ?? DEFAULT_KEEP_VERSIONS,
      allowedAccountIds,
      credentials: credentials ? pulumi.secret(credentials) : undefined,
      deploymentId: undefined,
      status: undefined,
      deployedVersion: undefined,
      routingWeights: undefined,
      previousVersion: undefined,
    },
    // The state keeps the credentials (delete runs with the state only): encrypted.
    opts: pulumi.mergeOptions(opts, { additionalSecretOutputs: ["credentials"] }),
  };
}

/**
 * The same deployment as `LambdaDeployment`, served as a custom resource of this package's own
 * provider plugin (`multiregion-serverless:index:LambdaDeployment`) instead of a dynamic
 * resource. A dynamic provider's plugin starts in the directory of the program that uses it
 * and resolves its modules there (pulumi/pulumi#5455): a Python, Go, C#, Java or YAML program
 * has no `@aws-sdk/*` beside it. This package's plugin has its own `node_modules`, and runs the
 * same provider code (`deployment/provider.ts`, through `provider/lambdaDeployment.ts`).
 *
 * The components register it instead of `LambdaDeployment` only while the plugin constructs
 * them (`servedByPackagePlugin`); TypeScript programs keep the dynamic resource, so the
 * deployments their stacks recorded keep their type and are not replaced.
 */
export class PluginLambdaDeployment extends pulumi.CustomResource {
  /** The deployment the last create/update started; undefined when none was needed. */
  declare readonly deploymentId: pulumi.Output<string | undefined>;
  /** CodeDeploy's status of that deployment (`Succeeded`, `Created` when not waiting), or `AlreadyAtTarget`. */
  declare readonly status: pulumi.Output<string>;
  /** The alias's `FunctionVersion` as read at the end of the operation (never assumed). */
  declare readonly deployedVersion: pulumi.Output<string | undefined>;
  /** The alias's additional routing weights as read then (`{}`: all traffic on `deployedVersion`). */
  declare readonly routingWeights: pulumi.Output<Record<string, number> | undefined>;
  /** The version the alias pointed at before. */
  declare readonly previousVersion: pulumi.Output<string | undefined>;

  constructor(name: string, args: LambdaDeploymentArgs, opts: pulumi.CustomResourceOptions = {}) {
    const registration = registrationOf(name, args, opts);
    // No `version` or `pluginDownloadURL` of its own: with none, the engine serves it by the
    // program's default provider for this package, the plugin the program installed (pulumi/pulumi
    // pkg/resource/deploy/default_providers.go `normalizeProviderRequest` takes a request's
    // version verbatim, and only without one the program's required package). Naming
    // package.json's version would make the engine look for that version at the program's
    // source (a git install's `refs/tags/v<version>`): missing, or other code than the pinned
    // commit. Options given explicitly, and a provider from the parent's `providers`, still win.
    super(LAMBDA_DEPLOYMENT_RESOURCE_TYPE, name, registration.props, registration.opts);
  }
}

/** Set while this package's provider plugin constructs a component (see `servedByPackagePlugin`). */
const pluginConstruction = new AsyncLocalStorage<true>();

/**
 * Runs `build` (a component's construction by this package's provider plugin) so that every
 * deployment it creates, now or in a later callback, is a `PluginLambdaDeployment`.
 */
export function servedByPackagePlugin<T>(build: () => T): T {
  return pluginConstruction.run(true, build);
}

/**
 * The deployment the components create: a `LambdaDeployment` (dynamic resource) in a
 * TypeScript program, a `PluginLambdaDeployment` while the package's plugin constructs them.
 * Both have the same inputs and outputs; the TypeScript-only `deployment` getters type it as
 * `LambdaDeployment`, which only TypeScript programs read.
 */
export function newLambdaDeployment(
  name: string,
  args: LambdaDeploymentArgs,
  opts: pulumi.CustomResourceOptions = {},
): LambdaDeployment {
  return pluginConstruction.getStore()
    ? (new PluginLambdaDeployment(name, args, opts) as LambdaDeployment)
    : new LambdaDeployment(name, args, opts);
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
