// Finding what a CodeDeploy Lambda deployment shifts: the lifecycle event carries only the
// deployment id, so the function, alias and versions come from the deployment's AppSpec.
// GetDeployment identifies an inline AppSpec only by its hash: "The content property of the
// appSpecContent object in the returned revision is always null. Use GetApplicationRevision and
// the sha256 property of the returned appSpecContent object to get the content" (CodeDeploy API
// Reference, GetDeployment; the same note is on the SDK's GetDeploymentCommand). So:
// GetDeployment -> revision { revisionType, appSpecContent.sha256 } -> GetApplicationRevision
// (codedeploy:GetApplicationRevision on the application) -> revision.appSpecContent.content.
// Packaged into the hook's archive: imports only packages that `hooks/package.ts` bundles.
import {
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  type CodeDeployClient,
  type DeploymentInfo,
  type RevisionLocation,
} from "@aws-sdk/client-codedeploy";
import { parse as parseYaml } from "yaml";
import { HookCheckFailed } from "./report";

/** The `AWS::Lambda::Function` resource of a Lambda AppSpec. */
export interface LambdaDeploymentTarget {
  /** The function name as the AppSpec gives it (`Name`). */
  functionName: string;
  /** The alias whose traffic shifts (`Alias`). */
  alias: string;
  /** The version the alias pointed to before the deployment (`CurrentVersion`). */
  currentVersion: string;
  /** The new, published version under test (`TargetVersion`). */
  targetVersion: string;
}

/** The function name of a name, a partial ARN or a (qualified) ARN. */
export function functionNameOf(nameOrArn: string): string {
  // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>], or <account>:function:<name>
  const match = /(?:^|:)function:([^:]+)/.exec(nameOrArn);
  return match ? match[1] : nameOrArn;
}

/**
 * The inline revision of a deployment, as GetApplicationRevision takes it back; throws when the
 * revision is not inline. `AppSpecContent` is what CreateDeployment takes for Lambda today;
 * `String` (RawString) is its deprecated predecessor. S3 and GitHub revisions would need access
 * the hook does not have.
 */
export function inlineRevisionOf(deployment: DeploymentInfo): RevisionLocation {
  const revision = deployment.revision;
  const inline =
    (revision?.revisionType === "AppSpecContent" && revision.appSpecContent?.sha256) ||
    (revision?.revisionType === "String" && revision.string?.sha256);
  if (!revision || !inline) {
    throw new HookCheckFailed(
      `deployment ${deployment.deploymentId ?? "?"} has no inline AppSpec (revision type ${
        revision?.revisionType ?? "none"
      }); this hook reads an AppSpecContent revision by its sha256`,
    );
  }
  return revision;
}

/**
 * The AppSpec text of a deployment: GetApplicationRevision of the deployment's application with
 * the revision (type and sha256) that GetDeployment returned.
 */
export async function fetchAppSpecContent(
  codedeploy: Pick<CodeDeployClient, "send">,
  deployment: DeploymentInfo,
  signal: AbortSignal,
): Promise<string> {
  const revision = inlineRevisionOf(deployment);
  if (!deployment.applicationName) {
    throw new HookCheckFailed(
      `GetDeployment returned no applicationName for ${deployment.deploymentId ?? "?"}`,
    );
  }
  const output = await codedeploy.send(
    new GetApplicationRevisionCommand({ applicationName: deployment.applicationName, revision }),
    { abortSignal: signal },
  );
  const content = output.revision?.appSpecContent?.content ?? output.revision?.string?.content;
  if (!content) {
    throw new HookCheckFailed(
      `GetApplicationRevision returned no AppSpec content for deployment ${
        deployment.deploymentId ?? "?"
      } (application ${deployment.applicationName})`,
    );
  }
  return content;
}

function parseAppSpec(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    // not JSON: AppSpec files are JSON or YAML
  }
  try {
    return parseYaml(content);
  } catch (error) {
    throw new HookCheckFailed(
      `the deployment's AppSpec is neither JSON nor YAML: ${(error as Error).message}`,
    );
  }
}

/** Scalars of an AppSpec as strings: YAML reads `TargetVersion: 7` as a number. */
function scalar(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The Lambda target of a deployment, checked against the function this hook guards: the
 * resource whose `Name` is `expected.functionName` (names and ARNs compare by function name),
 * with the alias `expected.aliasName` when given, and a published `TargetVersion` (digits:
 * never `$LATEST`, never an alias, so the hook tests exactly the new version).
 */
export function readLambdaTarget(
  appSpecContent: string,
  expected: { functionName: string; aliasName?: string },
): LambdaDeploymentTarget {
  const appSpec = parseAppSpec(appSpecContent);
  const resources = (appSpec as { Resources?: unknown } | null)?.Resources;
  if (!Array.isArray(resources)) {
    throw new HookCheckFailed("the deployment's AppSpec has no Resources list");
  }
  // Resources: [{ <logical name>: { Type, Properties: { Name, Alias, CurrentVersion, TargetVersion } } }]
  const lambdaResources = resources
    .flatMap((entry) =>
      typeof entry === "object" && entry !== null ? Object.values(entry as object) : [],
    )
    .filter(
      (resource): resource is { Properties?: Record<string, unknown> } =>
        typeof resource === "object" &&
        resource !== null &&
        (resource as { Type?: unknown }).Type === "AWS::Lambda::Function",
    )
    .map((resource) => resource.Properties ?? {});
  const wanted = functionNameOf(expected.functionName);
  const properties = lambdaResources.find((props) => {
    const name = scalar(props.Name);
    return name !== undefined && functionNameOf(name) === wanted;
  });
  if (!properties) {
    const names = lambdaResources.map((props) => JSON.stringify(props.Name ?? null));
    throw new HookCheckFailed(
      `the deployment's AppSpec does not deploy function "${wanted}" (TARGET_FUNCTION_NAME); its AWS::Lambda::Function resources name: ${
        names.length ? names.join(", ") : "none"
      }`,
    );
  }
  const alias = scalar(properties.Alias);
  const currentVersion = scalar(properties.CurrentVersion);
  const targetVersion = scalar(properties.TargetVersion);
  if (!alias) {
    throw new HookCheckFailed(`the deployment's AppSpec gives no Alias for "${wanted}"`);
  }
  if (expected.aliasName && alias !== expected.aliasName) {
    throw new HookCheckFailed(
      `the deployment shifts alias "${alias}" of "${wanted}", not "${expected.aliasName}" (TARGET_ALIAS_NAME)`,
    );
  }
  if (!targetVersion || !/^[0-9]+$/.test(targetVersion)) {
    throw new HookCheckFailed(
      `the deployment's AppSpec TargetVersion of "${wanted}" is ${JSON.stringify(
        properties.TargetVersion ?? null,
      )}; expected a published version number`,
    );
  }
  return { functionName: wanted, alias, currentVersion: currentVersion ?? "", targetVersion };
}

/**
 * Reads the deployment a lifecycle event belongs to (GetDeployment) and, from its AppSpec
 * (GetApplicationRevision), the function version it shifts to,
 * checked against the hook's own `TARGET_FUNCTION_NAME` / `TARGET_ALIAS_NAME` (returned as
 * `functionName`, the name to invoke and to read metrics of).
 */
export async function fetchDeploymentTarget(
  codedeploy: Pick<CodeDeployClient, "send">,
  deploymentId: string,
  env: Record<string, string | undefined>,
  signal: AbortSignal,
): Promise<{
  functionName: string;
  deploymentInfo: DeploymentInfo;
  target: LambdaDeploymentTarget;
}> {
  const functionName = env.TARGET_FUNCTION_NAME;
  if (!functionName) {
    throw new HookCheckFailed(
      "TARGET_FUNCTION_NAME is not set; the hook cannot tell which function is being deployed",
    );
  }
  const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId }), {
    abortSignal: signal,
  });
  if (!deploymentInfo) {
    throw new HookCheckFailed(`GetDeployment returned nothing for ${deploymentId}`);
  }
  const content = await fetchAppSpecContent(codedeploy, deploymentInfo, signal);
  const target = readLambdaTarget(content, {
    functionName,
    aliasName: env.TARGET_ALIAS_NAME || undefined,
  });
  return { functionName, deploymentInfo, target };
}
