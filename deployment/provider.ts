/**
 * The dynamic provider behind `LambdaDeployment`: check / diff / create / update / delete /
 * read over the engine. Pulumi serializes the provider object by value into the resource's
 * `__provider` input and runs it in its own Node.js process (`pulumi-resource-pulumi-nodejs`),
 * so:
 * - nothing here may capture a live SDK client: clients are built inside each method with
 *   `{ region }` and the default credential chain, from modules imported there;
 * - `pulumi.log` does not reach the engine from that process (it is not given the engine's
 *   address; pulumi/pulumi#6065, #18249), but its stdout is shown as info diagnostics
 *   (pulumi/pulumi#18253), so progress goes to `console.log`;
 * - properties returned to the engine are protobuf Structs, which reject `undefined`.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { AppSpecHooks } from "./appSpec";
import { createDeploymentClients } from "./clients";
import {
  deploy,
  DeploymentClients,
  DeploymentError,
  DeploymentOutcome,
  detectDrift,
  readAliasVersion,
  Reporter,
  stop,
} from "./engine";
import { errorMessage, errorName } from "./awsErrors";
import { Clock, systemClock } from "./timing";
import { lambdaDeploymentProblems } from "./validate";

/** `@pulumi/pulumi/runtime/rpc` `unknownValue`: how a dynamic provider sees an unknown input. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

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
}

/** Its state: the inputs plus what the last create/update did. */
export interface LambdaDeploymentOutputs extends LambdaDeploymentInputs {
  /** The deployment created last; absent when none was needed. */
  deploymentId?: string;
  status: DeploymentOutcome;
  /** The version the alias fully pointed at when the operation ended. */
  deployedVersion: string;
  /** The version the alias pointed at before. */
  previousVersion: string;
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
];

/** What the provider needs from the outside world; replaced in tests. */
export interface ProviderEnvironment {
  /** SDK clients for a region. */
  clients(region: string): Promise<DeploymentClients>;
  readonly clock: Clock;
  /** Writes a progress line where `pulumi up` shows it. */
  log(line: string): void;
}

/** The real environment: SDK v3 clients with the default credential chain, stdout. */
export const defaultProviderEnvironment: ProviderEnvironment = {
  clients: (region) => createDeploymentClients(region),
  clock: systemClock,
  log(line: string): void {
    console.log(line);
  },
};

function isKnown(value: unknown): boolean {
  if (value === UNKNOWN_VALUE) {
    return false;
  }
  if (typeof value === "object" && value !== null) {
    return Object.values(value).every(isKnown);
  }
  return true;
}

/** JSON with sorted keys, so `{a, b}` and `{b, a}` compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(",")}]`;
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonical(child)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
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
}

function partialFailure(
  id: string,
  properties: Record<string, unknown>,
  message: string,
): PartialFailure {
  return Object.assign(new Error(message), {
    id,
    properties: defined(properties),
    reasons: [message],
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
    marker: string | undefined,
    inputs: LambdaDeploymentInputs,
  ): Promise<LambdaDeploymentOutputs> {
    const clients = await env.clients(inputs.region);
    try {
      const result = await deploy({ ...inputs, marker }, clients, reporterFor(inputs), env.clock);
      return defined({ ...inputs, ...result });
    } catch (error) {
      if (error instanceof DeploymentError || (error as DeploymentError)?.result !== undefined) {
        const failed = error as DeploymentError;
        throw partialFailure(id, { ...inputs, ...failed.result }, failed.message);
      }
      throw error;
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

    async diff(_id, olds, news) {
      const changed = LAMBDA_DEPLOYMENT_INPUT_KEYS.filter(
        (key) => canonical(olds[key]) !== canonical(news[key]),
      );
      if (changed.length > 0) {
        return { changes: true };
      }
      // Inputs unchanged: is the alias where the stack says? Read-only, so safe in preview.
      const inputs = inputsOf(news);
      const report = reporterFor(inputs);
      try {
        const drift = await detectDrift(
          { ...inputs, lastDeploymentId: olds.deploymentId },
          await env.clients(inputs.region),
          report,
          env.clock,
        );
        return { changes: !drift.inSync };
      } catch (error) {
        report(
          `could not check where alias ${inputs.aliasName} points (${errorName(error)}: ` +
            `${errorMessage(error)}); planning an update, which checks again before deploying`,
        );
        return { changes: true };
      }
    },

    async create(news) {
      const inputs = inputsOf(news);
      const marker = newMarker();
      const id = lambdaDeploymentId(inputs, marker);
      return { id, outs: await runDeployment(id, marker, inputs) };
    },

    async update(id, _olds, news) {
      return { outs: await runDeployment(id, markerOf(id), inputsOf(news)) };
    },

    async delete(id, props) {
      const inputs = inputsOf(props);
      const clients = await env.clients(inputs.region);
      try {
        await stop(
          { ...inputs, deploymentId: props.deploymentId, marker: markerOf(id) },
          clients,
          reporterFor(inputs),
          env.clock,
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
            `deployments to stop before deleting (${name}: ${errorMessage(error)}). Stop them ` +
            `yourself (aws deploy stop-deployment --auto-rollback-enabled) and retry, or remove ` +
            "the resource from the state with `pulumi state delete`.",
        );
      }
    },

    async read(id, props) {
      // `pulumi refresh`: record where the alias really points.
      if (!props) {
        return { id };
      }
      const inputs = inputsOf(props);
      try {
        const version = await readAliasVersion(inputs, await env.clients(inputs.region), env.clock);
        return {
          id,
          props: defined({ ...props, deployedVersion: version }),
        };
      } catch (error) {
        reporterFor(inputs)(`refresh could not read the alias: ${errorMessage(error)}`);
        return { id, props };
      }
    },
  };
}
