/**
 * `multiregion-serverless:index:LambdaDeployment` as a custom resource of this package's
 * provider plugin: the engine's check / diff / create / read / update / delete calls, as
 * @pulumi/pulumi's provider server (`provider/server.js`) hands them over, run by the very
 * provider the TypeScript path serializes into its dynamic resource
 * (`lambdaDeploymentProvider` in deployment/provider.ts). One implementation, two hosts.
 *
 * What differs from the dynamic provider's host is the wire format only. The provider server
 * tells the engine it accepts secrets (`ConfigureResponse.acceptSecrets`), so inputs arrive
 * with secrets still wrapped, and the engine then trusts the provider to mark secret outputs
 * itself (it copies the secretness of inputs only for providers that do not accept secrets,
 * `annotateSecrets` in pulumi's `provider_plugin.go`). So this adapter hands the provider plain
 * values and marks each output secret whose input was (the `credentials`, in practice).
 */
import { DEFAULT_KEEP_VERSIONS } from "../deployment/prune";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as provider from "@pulumi/pulumi/provider";
// The wire format's own markers, from the SDK whose provider server decodes the requests
// (exported by runtime/rpc in every @pulumi/pulumi of the peer range, 3.204 to 3.259).
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import {
  defaultProviderEnvironment,
  LambdaDeploymentInputs,
  LambdaDeploymentOutputs,
  lambdaDeploymentProvider,
  ProviderEnvironment,
} from "../deployment/provider";

type Wire = unknown;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSecret(value: Wire): value is { value: unknown } {
  return isObject(value) && value[specialSigKey] === specialSecretSig;
}

function secret(value: unknown): Wire {
  return isSecret(value) ? value : { [specialSigKey]: specialSecretSig, value };
}

/** The value with every secret unwrapped (what the provider works on). */
export function reveal(value: Wire): any {
  if (isSecret(value)) {
    return reveal(value.value);
  }
  if (Array.isArray(value)) {
    return value.map(reveal);
  }
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, reveal(child)]));
  }
  return value;
}

function containsSecret(value: Wire): boolean {
  if (isSecret(value)) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.some(containsSecret);
  }
  return isObject(value) && Object.values(value).some(containsSecret);
}

/**
 * `outs` with the secretness of `ins` copied over, key by key, as the engine does for providers
 * that do not accept secrets: objects on both sides are compared member by member; any other
 * value is secret when its input contained a secret anywhere.
 */
export function withSecretsOf(outs: Record<string, unknown>, ins: Wire): Record<string, unknown> {
  if (!isObject(ins)) {
    return outs;
  }
  return Object.fromEntries(
    Object.entries(outs).map(([key, out]) => {
      const input = ins[key];
      if (isObject(out) && !isSecret(out) && isObject(input) && !isSecret(input)) {
        return [key, withSecretsOf(out, input)];
      }
      return [key, containsSecret(input) ? secret(out) : out];
    }),
  );
}

/** The state always keeps the credentials encrypted, whatever the inputs said. */
function protect(outs: Record<string, unknown>, ins: Wire): Record<string, unknown> {
  const marked = withSecretsOf(outs, ins);
  if (marked.credentials !== undefined) {
    marked.credentials = secret(marked.credentials);
  }
  return marked;
}

/** The partial failure's recorded properties get the same secrets as a success's outputs. */
async function protectingFailure<T>(ins: Wire, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const properties = (error as { properties?: unknown }).properties;
    if (isObject(properties)) {
      (error as { properties: Record<string, unknown> }).properties = protect(properties, ins);
    }
    throw error;
  }
}

/** The LambdaDeployment part of the plugin's provider: methods shaped as the provider server calls them. */
export type LambdaDeploymentResourceProvider = Required<
  Pick<provider.Provider, "check" | "diff" | "create" | "read" | "update" | "delete">
>;

/**
 * LambdaDeployment's custom-resource operations over `lambdaDeploymentProvider(env)` (the real
 * AWS environment by default; tests pass the simulator's).
 */
export function lambdaDeploymentResourceProvider(
  env: ProviderEnvironment = defaultProviderEnvironment,
): LambdaDeploymentResourceProvider {
  const deployments: dynamic.ResourceProvider<LambdaDeploymentInputs, LambdaDeploymentOutputs> =
    lambdaDeploymentProvider(env);
  return {
    async check(_urn, olds, news) {
      const result = await deployments.check!(reveal(olds), reveal(news));
      // The inputs as they came (with their secrets), with the defaults create records in the
      // state: without them an SDK user who omits these would see a diff on every preview.
      return {
        inputs: {
          ...news,
          waitForCompletion: news.waitForCompletion ?? true,
          keepVersions: news.keepVersions ?? DEFAULT_KEEP_VERSIONS,
        },
        failures: result.failures ?? [],
      };
    },
    async diff(id, _urn, olds, news) {
      return deployments.diff!(id, reveal(olds), reveal(news));
    },
    async create(_urn, news) {
      return protectingFailure(news, async () => {
        const created = await deployments.create(reveal(news));
        return { id: created.id, outs: protect({ ...created.outs }, news) };
      });
    },
    async read(id, _urn, props) {
      // `pulumi import` sends no properties: nothing says which function or region to read.
      if (props?.region === undefined || props?.functionName === undefined) {
        throw new Error(
          "multiregion-serverless:index:LambdaDeployment cannot be imported: it records a " +
            "deployment this provider made; create it instead (a pulumi up deploys the alias's " +
            "current target version only when it differs)",
        );
      }
      const result = await deployments.read!(id, reveal(props));
      return {
        id: result.id,
        props: result.props ? protect({ ...result.props }, props) : props,
      };
    },
    async update(id, _urn, olds, news) {
      return protectingFailure(news, async () => {
        const updated = await deployments.update!(id, reveal(olds), reveal(news));
        return { outs: protect({ ...updated.outs }, news) };
      });
    },
    async delete(id, _urn, props) {
      await deployments.delete!(id, reveal(props));
    },
  };
}
