/**
 * The IAM policy the identity running `npm run drill -- <stack> rollback <function>` needs: the
 * deployment engine's own calls (deployerPolicyDocument, the same the `pulumi up` identity gets)
 * and the drill's: change and restore the function's environment, publish the failing version,
 * invoke the alias, point the alias back, read the alarms. Checked against AWS's Service
 * Authorization Reference in test/drills/policy.test.ts and printed in docs/operations.md.
 */
import {
  DeployerPolicyDocument,
  deployerPolicyDocument,
  DeployerPolicyTarget,
} from "../components/deployerPolicy";

/** One function a rollback drill may run against. */
export interface RollbackDrillTarget extends DeployerPolicyTarget {
  /** The alias the drill invokes and restores, e.g. `live`. */
  readonly aliasName: string;
}

/** The SDK commands the rollback drill sends itself, and the IAM action each one needs. */
export const ROLLBACK_DRILL_ACTIONS: Readonly<Record<string, string>> = {
  GetFunctionConfigurationCommand: "lambda:GetFunctionConfiguration",
  UpdateFunctionConfigurationCommand: "lambda:UpdateFunctionConfiguration",
  PublishVersionCommand: "lambda:PublishVersion",
  InvokeCommand: "lambda:InvokeFunction",
  GetAliasCommand: "lambda:GetAlias",
  UpdateAliasCommand: "lambda:UpdateAlias",
  GetDeploymentGroupCommand: "codedeploy:GetDeploymentGroup",
  GetDeploymentCommand: "codedeploy:GetDeployment",
  DescribeAlarmsCommand: "cloudwatch:DescribeAlarms",
};

/** The least-privilege policy for rollback drills of the given functions. */
export function rollbackDrillPolicyDocument(
  targets: readonly RollbackDrillTarget[],
): DeployerPolicyDocument {
  const engine = deployerPolicyDocument(targets);
  const unique = (values: string[]) => [...new Set(values)];
  return {
    ...engine,
    Statement: [
      ...engine.Statement,
      {
        Sid: "FailingVersion",
        Effect: "Allow",
        Action: [
          "lambda:GetFunctionConfiguration",
          "lambda:UpdateFunctionConfiguration",
          "lambda:PublishVersion",
        ],
        Resource: unique(targets.map((target) => target.functionArn)),
      },
      {
        Sid: "TrafficAndAliasRestore",
        Effect: "Allow",
        // Invoke and UpdateAlias act on the alias: the qualified ARN `function:<name>:<alias>`.
        Action: ["lambda:InvokeFunction", "lambda:UpdateAlias"],
        Resource: unique(targets.map((target) => `${target.functionArn}:${target.aliasName}`)),
      },
      {
        Sid: "AlarmStates",
        Effect: "Allow",
        // DescribeAlarms takes alarm ARNs (Service Authorization Reference, Amazon CloudWatch);
        // reading states is harmless, so every alarm of the function's region and account.
        Action: ["cloudwatch:DescribeAlarms"],
        Resource: unique(
          targets.map((target) => {
            const [, partition, , , region, account] = target.functionArn.split(":");
            return `arn:${partition}:cloudwatch:${region}:${account}:alarm:*`;
          }),
        ),
      },
    ],
  };
}
