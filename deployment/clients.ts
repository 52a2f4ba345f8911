import type { DeploymentClients } from "./calls";
import type { Sdk } from "./observe";
import { REQUEST_TIMEOUT_MS } from "./timing";

/** One role to assume, with the fields of the AWS provider's `assumeRoles` entries. */
export interface AssumeRoleCredentials {
  readonly roleArn: string;
  readonly sessionName?: string;
  readonly externalId?: string;
  /** Session length in seconds (the AWS provider's `duration`, "1h", converted). */
  readonly durationSeconds?: number;
  /** A session policy (JSON) that narrows the role's permissions. */
  readonly policy?: string;
  readonly policyArns?: readonly string[];
  readonly sourceIdentity?: string;
}

/**
 * The credentials the AWS provider of the deployment's region uses, passed to the dynamic
 * provider as a (secret) input: Pulumi runs a dynamic provider in its own process with only
 * its inputs, so it cannot see the AWS provider's `profile`, `assumeRoles` or keys otherwise.
 * Field names follow the AWS provider's configuration (`aws:profile`, `aws:accessKey`,
 * `aws:secretKey`, `aws:token`, `aws:assumeRoles`).
 */
export interface DeploymentCredentials {
  /** A profile of the shared config/credentials files. */
  readonly profile?: string;
  readonly accessKey?: string;
  readonly secretKey?: string;
  readonly token?: string;
  /** A role assumed with the credentials above (or the default chain), before `assumeRoles`. */
  readonly assumeRole?: AssumeRoleCredentials;
  /**
   * Roles assumed in turn, each with the credentials of the one before (as the AWS provider
   * chains `aws:assumeRoles`).
   */
  readonly assumeRoles?: readonly AssumeRoleCredentials[];
}

/** The STS `AssumeRole` parameters of each role of the chain, in order. */
export function assumeRoleChain(credentials: DeploymentCredentials): {
  RoleArn: string;
  RoleSessionName: string;
  ExternalId?: string;
  DurationSeconds?: number;
  Policy?: string;
  PolicyArns?: { arn: string }[];
  SourceIdentity?: string;
}[] {
  // No ARN, no role: an absent `assumeRole`, or an empty `roleArn` (an unset value passed on).
  const roles = [credentials.assumeRole, ...(credentials.assumeRoles ?? [])].filter(
    (role): role is AssumeRoleCredentials =>
      typeof role?.roleArn === "string" && role.roleArn !== "",
  );
  return roles.map(
    (role) =>
      Object.fromEntries(
        Object.entries({
          RoleArn: role.roleArn,
          RoleSessionName: role.sessionName ?? "pulumi-lambda-deployment",
          ExternalId: role.externalId,
          DurationSeconds: role.durationSeconds,
          Policy: role.policy,
          PolicyArns: role.policyArns?.map((arn) => ({ arn })),
          SourceIdentity: role.sourceIdentity,
        }).filter(([, value]) => value !== undefined),
      ) as ReturnType<typeof assumeRoleChain>[number],
  );
}

/** Connecting may take this long before the request counts as failed (and is retried). */
const CONNECTION_TIMEOUT_MS = 5_000;

/**
 * SDK v3 clients for a region with the AWS provider's credentials (or the default credential
 * chain when none are given), as `pulumi up` runs:
 * - `maxAttempts: 1`: the engine retries itself (deadline-aware, never a blind
 *   CreateDeployment retry), see `deployment/calls.ts`;
 * - request and connection timeouts: SDK v3 has none by default. In
 *   `@smithy/node-http-handler` 4.x `requestTimeout` alone only logs a warning when exceeded
 *   ("If exceeded, a warning will be emitted unless throwOnRequestTimeout=true, in which case
 *   a TimeoutError will be thrown", `NodeHttpHandlerOptions` in `@smithy/types`), so
 *   `throwOnRequestTimeout` is set too. The engine's own per-request `AbortController`
 *   (`deployment/calls.ts`) is the timeout it relies on; this one is a second line.
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
  // Each role is assumed with the credentials of the one before it, through STS in the
  // deployment's region: the SDK calls STS in the region of the client that asks for the
  // credentials ("caller client's region", `fromTemporaryCredentials` in
  // @aws-sdk/credential-providers, which package.json requires at a version that does so).
  for (const params of assumeRoleChain(credentials)) {
    resolved = providers.fromTemporaryCredentials({ masterCredentials: resolved, params });
  }
  const config = {
    region,
    credentials: resolved,
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
    },
  };
  return { codedeploy: new CodeDeployClient(config), lambda: new LambdaClient(config) };
}
