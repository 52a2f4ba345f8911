import type { DeploymentClients } from "./calls";
import type { Sdk } from "./observe";
import { REQUEST_TIMEOUT_MS } from "./timing";

/**
 * The credentials the AWS provider of the deployment's region uses, passed to the dynamic
 * provider as a (secret) input: Pulumi runs a dynamic provider in its own process with only
 * its inputs, so it cannot see the AWS provider's `profile`, `assumeRoles` or keys otherwise.
 * Field names follow the AWS provider's configuration (`aws:profile`, `aws:accessKey`,
 * `aws:secretKey`, `aws:token`, `aws:assumeRoles[0]`).
 */
export interface DeploymentCredentials {
  /** A profile of the shared config/credentials files. */
  readonly profile?: string;
  readonly accessKey?: string;
  readonly secretKey?: string;
  readonly token?: string;
  /** A role assumed with the credentials above (or the default chain). */
  readonly assumeRole?: {
    readonly roleArn: string;
    readonly sessionName?: string;
    readonly externalId?: string;
    readonly durationSeconds?: number;
  };
}

/** Connecting may take this long before the request counts as failed (and is retried). */
const CONNECTION_TIMEOUT_MS = 5_000;

/**
 * SDK v3 clients for a region with the AWS provider's credentials (or the default credential
 * chain when none are given), as `pulumi up` runs:
 * - `maxAttempts: 1`: the engine retries itself (deadline-aware, never a blind
 *   CreateDeployment retry), see `deployment/calls.ts`;
 * - request and connection timeouts: SDK v3 has none by default.
 * The SDK is imported here, inside the call: the dynamic provider that calls this is
 * serialized by value, and must never capture a client instance.
 */
export async function createDeploymentClients(
  region: string,
  credentials: DeploymentCredentials = {},
): Promise<DeploymentClients> {
  // Plain `require`s: see `loadSdk` in ./observe for why not `await import()`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CodeDeployClient } = require("@aws-sdk/client-codedeploy") as Sdk["codedeploy"];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LambdaClient } = require("@aws-sdk/client-lambda") as Sdk["lambda"];
  type CredentialProviders = typeof import("@aws-sdk/credential-providers");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const providers = require("@aws-sdk/credential-providers") as CredentialProviders;
  let resolved: any;
  if (credentials.accessKey && credentials.secretKey) {
    resolved = {
      accessKeyId: credentials.accessKey,
      secretAccessKey: credentials.secretKey,
      sessionToken: credentials.token,
    };
  } else if (credentials.profile) {
    resolved = providers.fromIni({ profile: credentials.profile });
  }
  if (credentials.assumeRole?.roleArn) {
    resolved = providers.fromTemporaryCredentials({
      masterCredentials: resolved,
      params: {
        RoleArn: credentials.assumeRole.roleArn,
        RoleSessionName: credentials.assumeRole.sessionName ?? "pulumi-lambda-deployment",
        ExternalId: credentials.assumeRole.externalId,
        DurationSeconds: credentials.assumeRole.durationSeconds,
      },
      clientConfig: { region },
    });
  }
  const config = {
    region,
    credentials: resolved,
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: REQUEST_TIMEOUT_MS,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
    },
  };
  return { codedeploy: new CodeDeployClient(config), lambda: new LambdaClient(config) };
}
