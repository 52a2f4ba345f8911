import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** A trust policy that lets an AWS service (`lambda.amazonaws.com`, ...) assume a role. */
export function serviceTrustPolicy(service: string): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

/** An IAM policy document as a JSON string, from statements that may hold Outputs. */
export function policyDocument(
  statements: pulumi.Input<aws.iam.PolicyStatement>[],
): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * The ARN of a CloudWatch alarm from its name (CodeDeploy is given alarm names; IAM needs
 * ARNs: `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`).
 */
export function alarmArn(
  partition: pulumi.Input<string>,
  region: pulumi.Input<string>,
  account: pulumi.Input<string>,
  alarmName: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:cloudwatch:${region}:${account}:alarm:${alarmName}`;
}
