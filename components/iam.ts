import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentProblems, closestKey, isKnown } from "./validation";

/** A trust policy that lets an AWS service (`lambda.amazonaws.com`, ...) assume a role. */
export function serviceTrustPolicy(service: string): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

/** Whether an IAM statement allows or denies. */
export const PolicyEffect = { Allow: "Allow", Deny: "Deny" } as const;

/** Whether an IAM statement allows or denies. */
export type PolicyEffect = (typeof PolicyEffect)[keyof typeof PolicyEffect];

/**
 * One IAM policy statement added to a role this package creates. A plain shape (not
 * `aws.iam.PolicyStatement`, whose unions a package schema cannot describe), so it can be given
 * from every Pulumi language.
 */
export interface PolicyStatement {
  /**
   * Statement id.
   * @default none
   */
  readonly sid?: string;
  /**
   * `Allow` or `Deny`.
   * @default "Allow"
   */
  readonly effect?: PolicyEffect;
  /** IAM actions, e.g. `["dynamodb:GetItem"]`. */
  readonly actions: string[];
  /** Resource ARNs (or `*`). */
  readonly resources: pulumi.Input<string>[];
  /**
   * IAM conditions: operator, then condition key, then values, e.g.
   * `{ StringEquals: { "aws:ResourceTag/team": ["orders"] } }`.
   * @default none
   */
  readonly conditions?: Record<string, Record<string, string[]>>;
}

/**
 * @deprecated Renamed `PolicyStatement`: schema types have no `Args` suffix, which the SDKs
 * of other languages add (`PolicyStatementArgs` there).
 */
export type PolicyStatementArgs = PolicyStatement;

/** The IAM JSON form of a `PolicyStatement`. */
export function iamStatement(statement: PolicyStatement): aws.iam.PolicyStatement {
  return {
    ...(statement.sid !== undefined ? { Sid: statement.sid } : {}),
    Effect: statement.effect ?? "Allow",
    Action: statement.actions,
    Resource: statement.resources,
    ...(statement.conditions !== undefined ? { Condition: statement.conditions } : {}),
  };
}

/** The keys of a `PolicyStatement`. */
const STATEMENT_KEYS = ["sid", "effect", "actions", "resources", "conditions"];

/** The keys of an IAM JSON statement (`aws.iam.PolicyStatement`). */
const IAM_JSON_KEYS = [
  "Sid",
  "Effect",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
  "Principal",
  "NotPrincipal",
];

/** Every problem in a list of `PolicyStatement` under `key`. */
export function checkPolicyStatements(
  problems: ArgumentProblems,
  key: string,
  statements: unknown,
): void {
  if (statements === undefined || !isKnown(statements)) {
    return;
  }
  if (!Array.isArray(statements)) {
    problems.add(key, statements, "must be a list of { effect, actions, resources, conditions }");
    return;
  }
  statements.forEach((statement: unknown, index) => {
    const at = `${key}[${index}]`;
    if (typeof statement !== "object" || statement === null) {
      problems.add(at, statement, "must be { effect, actions, resources, conditions }");
      return;
    }
    const keys = Object.keys(statement);
    // IAM JSON (`aws.iam.PolicyStatement`), the shape these arguments had before.
    const iamJson = keys.filter((k) => IAM_JSON_KEYS.includes(k));
    if (iamJson.length > 0) {
      problems.addSentence(
        at,
        `is IAM JSON (${iamJson.join(", ")}), the shape policy statements had before: write ` +
          "{ sid?, effect?, actions, resources, conditions? } instead, e.g. " +
          '{ Effect: "Allow", Action: "s3:GetObject", Resource: arn } becomes ' +
          '{ actions: ["s3:GetObject"], resources: [arn] } (effect defaults to "Allow"; see ' +
          "the CHANGELOG, policyStatements)",
      );
      return;
    }
    for (const k of keys.filter((k) => !STATEMENT_KEYS.includes(k))) {
      const guess = closestKey(k, STATEMENT_KEYS);
      problems.unknownKey(`${at}.${k}`, guess && `${at}.${guess}`, STATEMENT_KEYS);
    }
    const { effect, actions, resources } = statement as Record<string, unknown>;
    problems.oneOf(`${at}.effect`, effect, ["Allow", "Deny"]);
    problems.check(
      Array.isArray(actions) && actions.length > 0,
      `${at}.actions`,
      actions,
      'must be a non-empty list of IAM actions such as ["dynamodb:GetItem"]',
    );
    problems.check(
      !isKnown(resources) || (Array.isArray(resources) && resources.length > 0),
      `${at}.resources`,
      resources,
      'must be a non-empty list of resource ARNs (or ["*"])',
    );
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
