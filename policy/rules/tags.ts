// Every taggable AWS resource says which environment, service and stack it belongs to. The
// environment-scoped rules read these tags, so a missing `environment` tag would silently turn
// them off: this rule is what keeps them honest.
import * as aws from "@pulumi/aws";
import { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, effectiveTags, isUnknown } from "./common";
import { fix } from "./remediation";

/**
 * The type token of a resource class whose args have `tags`; a class without them does not
 * compile (the extra parameter becomes `never`).
 */
function taggableType<A>(
  resourceClass: new (name: string, args: A, ...rest: any[]) => unknown,
  ..._hasTags: "tags" extends keyof NonNullable<A> ? [] : [never]
): string {
  return (resourceClass as unknown as { __pulumiType: string }).__pulumiType;
}

/**
 * AWS resource types this package creates (or users add next to it) that take tags, checked
 * even when a resource was declared without any `tags` key. Any other `aws:` resource whose
 * properties contain `tags` is checked too.
 */
export const TAGGABLE_TYPES: readonly string[] = [
  taggableType(aws.lambda.Function),
  taggableType(aws.lambda.EventSourceMapping),
  taggableType(aws.iam.Role),
  taggableType(aws.iam.Policy),
  taggableType(aws.cloudwatch.MetricAlarm),
  taggableType(aws.cloudwatch.CompositeAlarm),
  taggableType(aws.cloudwatch.LogGroup),
  taggableType(aws.codedeploy.Application),
  taggableType(aws.codedeploy.DeploymentGroup),
  taggableType(aws.sqs.Queue),
  taggableType(aws.sns.Topic),
  taggableType(aws.dynamodb.Table),
  taggableType(aws.apigatewayv2.Api),
  taggableType(aws.apigatewayv2.Stage),
  taggableType(aws.apigatewayv2.DomainName),
  taggableType(aws.acm.Certificate),
  taggableType(aws.route53.HealthCheck),
  taggableType(aws.route53.Zone),
  // The functions' security group of a created VPC (RegionalNetwork). The VPC's subnets, NAT
  // gateways and endpoints are awsx's children, built by its plugin, not this package's.
  taggableType(aws.ec2.SecurityGroup),
];

const requiredTagsSchema: PolicyConfigSchema = {
  properties: {
    requiredTags: {
      type: "array",
      items: { type: "string" },
      default: ["environment", "service", "stack"],
      description:
        "Tag keys every taggable AWS resource carries (own tags or provider defaultTags).",
    },
  },
};

/**
 * Taggable AWS resources carry the required tags, from their own `tags` or the provider's
 * `defaultTags`. A tag whose value is unknown at preview counts as present; tags unknown as a
 * whole are not checked.
 */
export const requiredTags: ResourceValidationPolicy = {
  name: "required-tags",
  description:
    "Taggable AWS resources carry the tags environment, service and stack (requiredTags).",
  enforcementLevel: "mandatory",
  configSchema: requiredTagsSchema,
  validateResource: (args, reportViolation) => {
    const taggable =
      args.type.startsWith("aws:") &&
      (TAGGABLE_TYPES.includes(args.type) ||
        Object.prototype.hasOwnProperty.call(args.props, "tags"));
    if (!taggable) {
      args.notApplicable("Policy only applies to taggable AWS resources");
    }
    const tags = effectiveTags(args);
    if (tags === undefined) {
      return;
    }
    const { requiredTags: required } = configOf<{ requiredTags: string[] }>(
      args,
      requiredTagsSchema,
    );
    const missing = required.filter(
      (key) => !isUnknown(tags[key]) && (typeof tags[key] !== "string" || tags[key] === ""),
    );
    if (missing.length > 0) {
      reportViolation(
        `The resource lacks tag${missing.length === 1 ? "" : "s"} ${missing.join(", ")}; ` +
          `environment-scoped policies cannot tell which environment it belongs to. ${fix.tags}.`,
      );
    }
  },
};

export const tagPolicies = [requiredTags];
