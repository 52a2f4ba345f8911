import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** Pulumi auto-names a physical resource `<logical name>-<7 random characters>`. */
export const AUTONAME_SUFFIX_LENGTH = 8;

/**
 * AWS name limits of the resources this package names (sources: IAM quotas "IAM name
 * requirements", Lambda CreateFunction API reference `FunctionName`, CloudWatch PutMetricAlarm
 * `AlarmName`, CodeDeploy CreateApplication / CreateDeploymentGroup / CreateDeploymentConfig
 * (100 each), API Gateway v2 CreateApi `Name` (128), CloudWatch Logs CreateLogGroup
 * `logGroupName` (512), SQS CreateQueue `QueueName` (80), EventBridge PutRule `Name` (64),
 * EventBridge Scheduler CreateSchedule `Name` (64)).
 */
export const NAME_LIMITS = {
  iamRole: 64,
  lambdaFunction: 64,
  metricAlarm: 255,
  codeDeployApplication: 100,
  codeDeployDeploymentGroup: 100,
  codeDeployDeploymentConfig: 100,
  httpApi: 128,
  logGroup: 512,
  sqsQueue: 80,
  eventRule: 64,
  schedule: 64,
} as const;

/**
 * Characters the AWS provider adds to a `namePrefix` (terraform-provider-aws `id.PrefixedUniqueId`:
 * a 26-character timestamp-and-counter suffix).
 */
export const NAME_PREFIX_SUFFIX_LENGTH = 26;

/**
 * Seven hex characters of a hash of the project, the stack and the logical name: the same on
 * every run of one stack, different between stacks and projects. Physical names are unique per
 * account (and region), not per stack, so a name derived from the logical name alone would be
 * the same in a second stack of the same program (`prod` beside `prod-eu`, a feature stack) and
 * fail there with `EntityAlreadyExists`/`ResourceConflictException`.
 */
export function stackScopedHash(logicalName: string): string {
  return createHash("sha256")
    .update(`${pulumi.getProject()}\0${pulumi.getStack()}\0${logicalName}`)
    .digest("hex")
    .slice(0, 7);
}

/**
 * The physical name to give a resource whose AWS name is limited to `maxLength` characters:
 * undefined, so that Pulumi auto-names it (`<logical name>-<7 random characters>`, different in
 * every stack), while that fits; otherwise the logical name cut short plus
 * `stackScopedHash`, stable across runs of a stack and distinct between stacks and
 * between logical names.
 */
export function boundedName(logicalName: string, maxLength: number): string | undefined {
  if (logicalName.length + AUTONAME_SUFFIX_LENGTH <= maxLength) {
    return undefined;
  }
  return cutWithHash(logicalName, maxLength);
}

/**
 * An explicit physical name, for inputs Pulumi does not auto-name: `logicalName` as it is when
 * `unique` is false and it fits (the name's scope already separates stacks, e.g. a deployment
 * group in an application of the stack's own), else cut short plus `stackScopedHash`.
 */
export function explicitName(logicalName: string, maxLength: number, unique: boolean): string {
  if (!unique && logicalName.length <= maxLength) {
    return logicalName;
  }
  return cutWithHash(logicalName, maxLength);
}

/** A `namePrefix` that leaves room for the provider's unique suffix within `maxLength`. */
export function boundedPrefix(prefix: string, maxLength: number): string {
  return prefix.slice(0, maxLength - NAME_PREFIX_SUFFIX_LENGTH);
}

function cutWithHash(logicalName: string, maxLength: number): string {
  return `${logicalName.slice(0, maxLength - AUTONAME_SUFFIX_LENGTH)}-${stackScopedHash(logicalName)}`;
}
