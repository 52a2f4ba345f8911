// The IAM policy the identity running `pulumi up` needs for the LambdaDeployment dynamic
// provider (deployment/): exactly the calls the engine makes, scoped per AWS's Service
// Authorization Reference, plus what CodeDeploy itself checks when a deployment is created.
// `test/iam/deployerPolicy.test.ts` scans deployment/ for SDK commands and fails when one has no
// action here, and checks the policy printed in docs/deployments.md against this function.
import * as pulumi from "@pulumi/pulumi";
import { ArgumentProblems } from "./validation";
import type { TrafficShiftedFunction } from "./trafficShiftedFunction";

/** One function whose CodeDeploy deployments the deployer starts, follows and stops. */
export interface DeployerPolicyTarget {
  /**
   * The function's unqualified ARN, `arn:<partition>:lambda:<region>:<account>:function:<name>`
   * (`TrafficShiftedFunction.functionArn`); it gives the partition, region and account of the
   * CodeDeploy resources too (they live with the function).
   */
  readonly functionArn: string;
  /** The CodeDeploy application (`TrafficShiftedFunction.applicationName`). */
  readonly applicationName: string;
  /** The deployment group (`TrafficShiftedFunction.deploymentGroupName`). */
  readonly deploymentGroupName: string;
  /**
   * The deployment configuration the group uses (`TrafficShiftedFunction.deploymentConfigName`),
   * predefined (`CodeDeployDefault.LambdaCanary10Percent5Minutes`) or custom.
   */
  readonly deploymentConfigName: string;
}

/** An IAM policy statement as this module writes it: Allow, with a Sid. */
export interface DeployerPolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
}

/** An IAM policy document (version 2012-10-17). */
export interface DeployerPolicyDocument {
  Version: "2012-10-17";
  Statement: DeployerPolicyStatement[];
}

/**
 * The IAM actions each AWS SDK command of the deployment engine needs (Service Authorization
 * Reference: CodeDeploy, Lambda; CodeDeploy User Guide, "CodeDeploy permissions reference").
 * `CreateDeployment` is also authorized by CodeDeploy against the deployment configuration
 * (`GetDeploymentConfig`) and the application's revision (`RegisterApplicationRevision` or
 * `GetApplicationRevision`): an inline AppSpec is registered as a revision of the application.
 * `GetCallerIdentity` needs no permission (STS API Reference: "No permissions are required to
 * perform this operation").
 */
export const DEPLOYMENT_ENGINE_COMMAND_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  GetAliasCommand: ["lambda:GetAlias"],
  ListAliasesCommand: ["lambda:ListAliases"],
  ListVersionsByFunctionCommand: ["lambda:ListVersionsByFunction"],
  DeleteFunctionCommand: ["lambda:DeleteFunction"],
  CreateDeploymentCommand: [
    "codedeploy:CreateDeployment",
    "codedeploy:GetDeploymentConfig",
    "codedeploy:RegisterApplicationRevision",
    "codedeploy:GetApplicationRevision",
  ],
  GetDeploymentCommand: ["codedeploy:GetDeployment"],
  ListDeploymentsCommand: ["codedeploy:ListDeployments"],
  StopDeploymentCommand: ["codedeploy:StopDeployment"],
  GetDeploymentGroupCommand: ["codedeploy:GetDeploymentGroup"],
  GetDeploymentConfigCommand: ["codedeploy:GetDeploymentConfig"],
  GetApplicationRevisionCommand: ["codedeploy:GetApplicationRevision"],
  ListDeploymentTargetsCommand: ["codedeploy:ListDeploymentTargets"],
  BatchGetDeploymentTargetsCommand: ["codedeploy:BatchGetDeploymentTargets"],
  GetCallerIdentityCommand: [],
};

const FUNCTION_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)$/;

/** Every problem of the targets at once, before anything is built. */
function checkTargets(targets: readonly DeployerPolicyTarget[]): void {
  const problems = new ArgumentProblems("deployerPolicyDocument");
  if (targets.length === 0) {
    problems.add("targets", [], "at least one function with its CodeDeploy deployment group");
  }
  targets.forEach((target, index) => {
    problems.check(
      typeof target.functionArn === "string" && FUNCTION_ARN.test(target.functionArn),
      `targets[${index}].functionArn`,
      target.functionArn,
      "an unqualified Lambda function ARN, arn:<partition>:lambda:<region>:<account>:function:<name>",
    );
    for (const key of ["applicationName", "deploymentGroupName", "deploymentConfigName"] as const) {
      problems.check(
        typeof target[key] === "string" && /^[^\s:/*?]+$/.test(target[key]),
        `targets[${index}].${key}`,
        target[key],
        "a CodeDeploy name (no spaces, ':', '/' or wildcards)",
      );
    }
  });
  problems.throwIfAny();
}

const unique = (values: string[]): string[] => [...new Set(values)];

/**
 * The exact least-privilege policy the identity running `pulumi up` needs for the deployments of
 * the given functions (on top of what creating the resources themselves needs):
 * - reading the alias and the versions, and deleting old versions (`:*`, never the function),
 * - creating, reading and listing deployments of these deployment groups, with the
 *   configuration and application-revision checks CodeDeploy makes for `CreateDeployment`,
 * - `StopDeployment` and the deployment-target reads on `"*"`: AWS's Service Authorization
 *   Reference lists no resource type for them, so a scoped grant could be refused, and
 *   `pulumi destroy` must always be able to stop a running deployment.
 */
export function deployerPolicyDocument(
  targets: readonly DeployerPolicyTarget[],
): DeployerPolicyDocument {
  checkTargets(targets);
  const located = targets.map((target) => {
    const [, partition, region, account] = FUNCTION_ARN.exec(target.functionArn)!;
    const codedeploy = `arn:${partition}:codedeploy:${region}:${account}`;
    return {
      functionArn: target.functionArn,
      deploymentGroupArn: `${codedeploy}:deploymentgroup:${target.applicationName}/${target.deploymentGroupName}`,
      deploymentConfigArn: `${codedeploy}:deploymentconfig:${target.deploymentConfigName}`,
      applicationArn: `${codedeploy}:application:${target.applicationName}`,
    };
  });
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadAliasesAndVersions",
        Effect: "Allow",
        Action: ["lambda:GetAlias", "lambda:ListAliases", "lambda:ListVersionsByFunction"],
        Resource: unique(located.flatMap((t) => [t.functionArn, `${t.functionArn}:*`])),
      },
      {
        Sid: "PruneOldVersions",
        Effect: "Allow",
        // Qualified ARNs only: a version can be deleted, the function itself cannot.
        Action: ["lambda:DeleteFunction"],
        Resource: unique(located.map((t) => `${t.functionArn}:*`)),
      },
      {
        Sid: "RunDeployments",
        Effect: "Allow",
        Action: [
          "codedeploy:CreateDeployment",
          "codedeploy:GetDeployment",
          "codedeploy:ListDeployments",
          "codedeploy:GetDeploymentGroup",
        ],
        Resource: unique(located.map((t) => t.deploymentGroupArn)),
      },
      {
        Sid: "ReadDeploymentConfigs",
        Effect: "Allow",
        Action: ["codedeploy:GetDeploymentConfig"],
        Resource: unique(located.map((t) => t.deploymentConfigArn)),
      },
      {
        Sid: "RegisterAppSpecRevisions",
        Effect: "Allow",
        Action: ["codedeploy:RegisterApplicationRevision", "codedeploy:GetApplicationRevision"],
        Resource: unique(located.map((t) => t.applicationArn)),
      },
      {
        Sid: "StopAndInspectDeployments",
        Effect: "Allow",
        // No resource-level permissions (Service Authorization Reference, AWS CodeDeploy).
        Action: [
          "codedeploy:StopDeployment",
          "codedeploy:ListDeploymentTargets",
          "codedeploy:BatchGetDeploymentTargets",
        ],
        Resource: ["*"],
      },
    ],
  };
}

/**
 * The deployer policy of the given components, as JSON, for a stack output or an
 * `aws.iam.Policy` in the account that runs `pulumi up`. Functions in `weighted` mode have no
 * CodeDeploy deployment and add nothing; when none has one, the result is an empty string.
 */
export function deployerPolicy(
  functions: readonly TrafficShiftedFunction[],
): pulumi.Output<string> {
  const targets = functions
    .filter((fn) => fn.mode === "codedeploy")
    .map((fn) =>
      pulumi
        .all([fn.functionArn, fn.applicationName, fn.deploymentGroupName, fn.deploymentConfigName])
        .apply(([functionArn, applicationName, deploymentGroupName, deploymentConfigName]) => ({
          functionArn,
          applicationName: applicationName!,
          deploymentGroupName: deploymentGroupName!,
          deploymentConfigName: deploymentConfigName!,
        })),
    );
  return pulumi
    .all(targets)
    .apply((all) =>
      all.length === 0 ? "" : JSON.stringify(deployerPolicyDocument(all), undefined, 2),
    );
}
