/**
 * The dynamic provider behind `LambdaDeployment`: check / diff / create / update / delete /
 * read over the engine. Pulumi serializes the provider object by value into the resource's
 * `__provider` input and runs it in its own Node.js process (`pulumi-resource-pulumi-nodejs`),
 * so:
 * - nothing here may capture a live SDK client: clients are built inside each method for the
 *   region, with the credentials the component passed (the AWS provider's profile, keys and
 *   role chain; `deployment/clients.ts`) or else the default credential chain, from modules
 *   imported there;
 * - `pulumi.log` does not reach the engine from that process (it is not given the engine's
 *   address; pulumi/pulumi#6065, #18249), but its stdout is shown as info diagnostics
 *   (pulumi/pulumi#18253), so progress goes to `console.log`;
 * - properties returned to the engine are protobuf Structs, which reject `undefined`.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { AppSpecHooks } from "./appSpec";
import { errorMessage, errorName } from "./awsErrors";
import { DeploymentClients, failureText, isCallFailure, Reporter } from "./calls";
import { createDeploymentClients, DeploymentCredentials } from "./clients";
import {
  deploy,
  DeploymentOutcome,
  DeploymentResult,
  detectDrift,
  isDeploymentFailure,
  readAliasState,
  stop,
} from "./engine";
import { DEFAULT_KEEP_VERSIONS, pruneVersions } from "./prune";
import { Clock, systemClock } from "./timing";
import { lambdaDeploymentProblems } from "./validate";

/** `@pulumi/pulumi/runtime/rpc` `unknownValue`: how a dynamic provider sees an unknown input. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Errors that say the credentials themselves are no good (expired or unknown). */
const STALE_CREDENTIAL_ERRORS = [
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
];

/** The inputs of a LambdaDeployment, as the provider receives them. */
export interface LambdaDeploymentInputs {
  applicationName: string;
  deploymentGroupName: string;
  functionName: string;
  aliasName: string;
  targetVersion: string;
  hooks?: AppSpecHooks;
  waitForCompletion: boolean;
  timeoutMinutes?: number;
  region: string;
  description?: string;
  /** Change to deploy a version again after it failed or was rolled back. */
  retryToken?: string;
  /** Published versions kept after a successful deployment; 0 keeps all. @default 5 */
  keepVersions?: number;
  /** Accounts the alias may be in; anything else is refused. */
  allowedAccountIds?: string[];
  /**
   * The service's CloudWatch dashboard, linked from the messages. Not in
   * {@link LAMBDA_DEPLOYMENT_INPUT_KEYS}: a new address alone deploys nothing.
   */
  dashboardUrl?: string;
  /** The credentials of the AWS provider of the region (a secret input). */
  credentials?: DeploymentCredentials;
}

/** Its state: the inputs plus what the last create/update did. */
export interface LambdaDeploymentOutputs extends LambdaDeploymentInputs {
  /** This resource's last deployment; absent when none was needed. */
  deploymentId?: string;
  status: DeploymentOutcome;
  /** The alias's `FunctionVersion` as read when the operation ended (absent if unreadable). */
  deployedVersion?: string;
  /** The alias's additional routing weights as read then (empty: none). */
  routingWeights?: Record<string, number>;
  /** The version the alias pointed at before. */
  previousVersion?: string;
}

/** The input keys a change of which makes an update. */
export const LAMBDA_DEPLOYMENT_INPUT_KEYS: readonly (keyof LambdaDeploymentInputs)[] = [
  "applicationName",
  "deploymentGroupName",
  "functionName",
  "aliasName",
  "targetVersion",
  "hooks",
  "waitForCompletion",
  "timeoutMinutes",
  "region",
  "description",
  "retryToken",
  "keepVersions",
  "allowedAccountIds",
];

/** What the provider needs from the outside world; replaced in tests. */
export interface ProviderEnvironment {
  /** SDK clients for a region, with the AWS provider's credentials when given. */
  clients(region: string, credentials?: DeploymentCredentials): Promise<DeploymentClients>;
  readonly clock: Clock;
  /** Writes a progress line where `pulumi up` shows it. */
  log(line: string): void;
}

/** The real environment: SDK v3 clients with the given (or default) credentials, stdout. */
export const defaultProviderEnvironment: ProviderEnvironment = {
  clients: (region, credentials) => createDeploymentClients(region, credentials),
  clock: systemClock,
  log(line: string): void {
    console.log(line);
  },
};

/**
 * False for a value the engine does not know yet. Only the value itself: an object or list
 * that holds an unknown member is known, and its known members are checked (the checks of
 * `lambdaDeploymentProblems` ask again for each member), so a preview reports a bad hook name
 * or account id even beside one that is not known yet.
 */
function isKnown(value: unknown): boolean {
  return value !== UNKNOWN_VALUE;
}

/** Drops `undefined` members (protobuf Structs reject them). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .map(([key, child]) => [
        key,
        typeof child === "object" && child !== null && !Array.isArray(child)
          ? defined(child)
          : child,
      ]),
  ) as T;
}

function inputsOf(props: Record<string, any>): LambdaDeploymentInputs {
  return defined({
    applicationName: props.applicationName,
    deploymentGroupName: props.deploymentGroupName,
    functionName: props.functionName,
    aliasName: props.aliasName,
    targetVersion: props.targetVersion,
    hooks: props.hooks,
    waitForCompletion: props.waitForCompletion ?? true,
    timeoutMinutes: props.timeoutMinutes,
    region: props.region,
    description: props.description,
    retryToken: props.retryToken,
    keepVersions: props.keepVersions,
    allowedAccountIds: props.allowedAccountIds,
    dashboardUrl: props.dashboardUrl,
    credentials: props.credentials,
  });
}

/** The resource id: `<region>/<function>:<alias>/<marker>`; the marker tags its deployments. */
export function lambdaDeploymentId(inputs: LambdaDeploymentInputs, marker: string): string {
  return `${inputs.region}/${inputs.functionName}:${inputs.aliasName}/${marker}`;
}

/** The marker of a resource id (undefined for ids of another shape). */
export function markerOf(id: string): string | undefined {
  const parts = id.split("/");
  return parts.length === 3 ? parts[2] : undefined;
}

/**
 * An error the dynamic provider host turns into a partial failure
 * (`ErrorResourceInitFailed`): the engine records `properties` as the resource's state and
 * fails the update with `reasons`. So a failed or timed-out deployment leaves its id and
 * status in the stack, and the next `pulumi up` retries the resource.
 */
export interface PartialFailure extends Error {
  id: string;
  properties: Record<string, unknown>;
  reasons: string[];
  /** The engine's failure kind (`failed`, `timeout`, ...), for tests and tools. */
  kind?: string;
}

function partialFailure(
  id: string,
  properties: Record<string, unknown>,
  message: string,
  kind?: string,
): PartialFailure {
  return Object.assign(new Error(message), {
    id,
    properties: defined(properties),
    reasons: [message],
    kind,
  });
}

/** Builds the provider over an environment (the real one by default). */
export function lambdaDeploymentProvider(
  env: ProviderEnvironment = defaultProviderEnvironment,
): dynamic.ResourceProvider<LambdaDeploymentInputs, LambdaDeploymentOutputs> {
  const reporterFor =
    (inputs: LambdaDeploymentInputs): Reporter =>
    (line) =>
      env.log(
        `LambdaDeployment ${inputs.functionName}:${inputs.aliasName} (${inputs.region}): ${line}`,
      );

  // Not named `run`: the serializer skips free variables that are globals where it runs, and
  // mocha defines a global `run`.
  async function runDeployment(
    id: string,
    marker: string,
    inputs: LambdaDeploymentInputs,
    recordedDeploymentId: string | undefined,
  ): Promise<LambdaDeploymentOutputs> {
    const report = reporterFor(inputs);
    const clients = await env.clients(inputs.region, inputs.credentials);
    let result: DeploymentResult;
    try {
      result = await deploy(
        { ...inputs, marker, recordedDeploymentId },
        clients,
        report,
        env.clock,
      );
    } catch (error) {
      if (isDeploymentFailure(error)) {
        throw partialFailure(id, { ...inputs, ...error.result }, error.message, error.kind);
      }
      throw error;
    }
    if (result.status === "Succeeded" || result.status === "AlreadyAtTarget") {
      await pruneVersions(
        {
          ...inputs,
          keep: inputs.keepVersions ?? DEFAULT_KEEP_VERSIONS,
          protect: [inputs.targetVersion, result.previousVersion ?? inputs.targetVersion],
        },
        clients,
        report,
        env.clock,
      );
    }
    return defined({ ...inputs, ...result });
  }

  /**
   * Runs a delete or refresh with the recorded credentials; when AWS refuses them as expired
   * or unknown (a session token recorded in the state has a lifetime; STS `ExpiredToken`,
   * `ExpiredTokenException`, `InvalidClientTokenId`, `UnrecognizedClientException`), runs it
   * again with the default credential chain of this process, after checking that those reach
   * an allowed account (the alias's `AliasArn`).
   */
  async function withCurrentCredentials<T>(
    inputs: LambdaDeploymentInputs,
    action: (clients: DeploymentClients) => Promise<T>,
  ): Promise<T> {
    try {
      return await action(await env.clients(inputs.region, inputs.credentials));
    } catch (error) {
      const cause = isCallFailure(error) ? error.cause : error;
      if (!inputs.credentials || !STALE_CREDENTIAL_ERRORS.includes(errorName(cause))) {
        throw error;
      }
      const report = reporterFor(inputs);
      report(
        `the credentials recorded in the state were refused (${errorName(cause)}: ` +
          `${errorMessage(cause)}); trying the default credential chain of this process`,
      );
      const fallback = await env.clients(inputs.region, undefined);
      const allowed = inputs.allowedAccountIds ?? [];
      if (allowed.length > 0) {
        const alias = await readAliasState(inputs, fallback, env.clock);
        if (alias.accountId && !allowed.includes(alias.accountId)) {
          throw new Error(
            `LambdaDeployment ${inputs.functionName}:${inputs.aliasName}: the recorded credentials ` +
              `expired, and the default credentials reach account ${alias.accountId}, not ` +
              `${allowed.join(" or ")}; refusing to act. Run \`pulumi up\` (which records fresh ` +
              "credentials) or set AWS credentials for the stack's account, then retry.",
          );
        }
      }
      return action(fallback);
    }
  }

  function newMarker(): string {
    return Math.floor(env.clock.random() * 0x100000000)
      .toString(16)
      .padStart(8, "0");
  }

  return {
    async check(_olds, news) {
      const failures = lambdaDeploymentProblems(
        news as unknown as Record<string, unknown>,
        isKnown,
      );
      return { inputs: news, failures };
    },

    async diff(id, olds, news) {
      // Both come from protobuf Structs (`toJavaScript()` in the dynamic provider host and in
      // the plugin's provider server): plain JSON values, never an `undefined` member, and an
      // unknown one as the sentinel string, which differs from every recorded value.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { isDeepStrictEqual } = require("util") as typeof import("util");
      const changed = LAMBDA_DEPLOYMENT_INPUT_KEYS.filter(
        (key) => !isDeepStrictEqual(olds[key], news[key]),
      );
      if (changed.length > 0) {
        return { changes: true };
      }
      // Inputs unchanged: is the alias where the stack says? Read-only, so safe in preview.
      const inputs = inputsOf(news);
      const report = reporterFor(inputs);
      try {
        const drift = await detectDrift(
          { ...inputs, marker: markerOf(id), recordedDeploymentId: olds.deploymentId },
          await env.clients(inputs.region, inputs.credentials),
          report,
          env.clock,
        );
        return { changes: !drift.inSync };
      } catch (error) {
        report(
          `could not check where alias ${inputs.aliasName} points (${failureText(error)}); ` +
            "planning an update, which checks again before deploying",
        );
        return { changes: true };
      }
    },

    async create(news) {
      const inputs = inputsOf(news);
      const marker = newMarker();
      const id = lambdaDeploymentId(inputs, marker);
      return { id, outs: await runDeployment(id, marker, inputs, undefined) };
    },

    async update(id, olds, news) {
      // Ids of another shape (none are made) would get a marker of their own.
      return {
        outs: await runDeployment(
          id,
          markerOf(id) ?? newMarker(),
          inputsOf(news),
          olds.deploymentId,
        ),
      };
    },

    async delete(id, props) {
      const inputs = inputsOf(props);
      try {
        await withCurrentCredentials(inputs, (clients) =>
          stop(
            { ...inputs, deploymentId: props.deploymentId, marker: markerOf(id) },
            clients,
            reporterFor(inputs),
            env.clock,
          ),
        );
      } catch (error) {
        const name = errorName(error);
        if (
          name === "ApplicationDoesNotExistException" ||
          name === "DeploymentGroupDoesNotExistException"
        ) {
          return; // nothing can be running in a group that is gone
        }
        throw new Error(
          `LambdaDeployment ${inputs.functionName}:${inputs.aliasName}: could not check for running ` +
            `deployments to stop before deleting (${failureText(error)}). Stop them ` +
            `yourself (aws deploy stop-deployment --auto-rollback-enabled) and retry, or remove ` +
            "the resource from the state with `pulumi state delete`.",
        );
      }
    },

    async read(id, props) {
      // `pulumi refresh`: record where the alias really points. Both hosts always pass the
      // recorded state: the dynamic provider host reads `req.getProperties().toJavaScript()`
      // before it calls `read`, and the plugin refuses an import, which has none, first.
      const recorded = props as LambdaDeploymentOutputs;
      const inputs = inputsOf(recorded);
      try {
        const alias = await withCurrentCredentials(inputs, (clients) =>
          readAliasState(inputs, clients, env.clock),
        );
        return {
          id,
          props: defined({
            ...recorded,
            deployedVersion: alias.version,
            routingWeights: { ...alias.weights },
          }),
        };
      } catch (error) {
        reporterFor(inputs)(`refresh could not read the alias: ${errorMessage(error)}`);
        return { id, props: recorded };
      }
    },
  };
}
