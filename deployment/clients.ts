import type { DeploymentClients } from "./engine";

/**
 * SDK v3 clients for a region with the default credential chain (environment, shared
 * config/SSO, container or instance role), as `pulumi up` runs. The SDK is imported here,
 * inside the call: the dynamic provider that calls this is serialized by value, and must never
 * capture a client instance. When this package is installed from npm the serialized provider
 * loads this module by path, so the SDK resolves from the package's own dependencies.
 */
export async function createDeploymentClients(region: string): Promise<DeploymentClients> {
  const { CodeDeployClient } = await import("@aws-sdk/client-codedeploy");
  const { LambdaClient } = await import("@aws-sdk/client-lambda");
  return { codedeploy: new CodeDeployClient({ region }), lambda: new LambdaClient({ region }) };
}
