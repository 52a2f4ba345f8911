import { ArgumentProblems, isKnown, REGION_PATTERN } from "./validation";

/**
 * The AWS commercial regions (partition `aws`), the regions a service may be placed in.
 * Source: AWS General Reference, "AWS Regions" (docs.aws.amazon.com/global-infrastructure),
 * checked 2025-10. GovCloud (`aws-us-gov`), China (`aws-cn`) and the European Sovereign Cloud
 * are other partitions and are left out.
 *
 * A known list rather than a name pattern: a typo such as `us-east-3` is caught before anything
 * is registered instead of failing half-way through `pulumi up`. A region launched after this
 * list (or one from another partition) is accepted when named in `unlistedRegions`.
 */
export const AWS_COMMERCIAL_REGIONS: readonly string[] = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-south-1",
  "eu-south-2",
  "eu-north-1",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
];

/**
 * The regions Route 53 health checkers run from (source: Route 53 API reference,
 * `HealthCheckConfig.Regions`; the `aws.route53.HealthCheck` `regions` docs). A health check
 * that names its checker regions must name at least three.
 */
export const HealthCheckerRegion = {
  UsEast1: "us-east-1",
  UsWest1: "us-west-1",
  UsWest2: "us-west-2",
  EuWest1: "eu-west-1",
  ApSoutheast1: "ap-southeast-1",
  ApSoutheast2: "ap-southeast-2",
  ApNortheast1: "ap-northeast-1",
  SaEast1: "sa-east-1",
} as const;

/** A region Route 53 health checkers run from. */
export type HealthCheckerRegion = (typeof HealthCheckerRegion)[keyof typeof HealthCheckerRegion];

/** The regions Route 53 health checkers run from, in the order AWS lists them. */
export const HEALTH_CHECKER_REGIONS: readonly HealthCheckerRegion[] =
  Object.values(HealthCheckerRegion);

/** Route 53 needs at least this many checker regions when they are named. */
export const MIN_HEALTH_CHECKER_REGIONS = 3;

/**
 * Records a problem unless `region` is a known AWS commercial region or one of `unlisted`.
 * Returns true when the region is acceptable.
 */
export function checkRegionName(
  problems: ArgumentProblems,
  key: string,
  region: unknown,
  unlisted: readonly string[] = [],
): boolean {
  if (typeof region !== "string") {
    problems.add(key, region, "must be an AWS region name such as us-east-1");
    return false;
  }
  if (AWS_COMMERCIAL_REGIONS.includes(region) || unlisted.includes(region)) {
    return true;
  }
  problems.add(
    key,
    region,
    "is not an AWS commercial region (AWS_COMMERCIAL_REGIONS); if AWS launched it after this list, name it in unlistedRegions",
  );
  return false;
}

/** Every name in `unlistedRegions` must at least look like a region name. */
export function checkUnlistedRegions(problems: ArgumentProblems, unlisted: unknown): string[] {
  if (unlisted === undefined) {
    return [];
  }
  if (!Array.isArray(unlisted) || !isKnown(unlisted)) {
    problems.add("unlistedRegions", unlisted, "must be a list of region names");
    return [];
  }
  unlisted.forEach((region, i) =>
    problems.check(
      typeof region === "string" && REGION_PATTERN.test(region),
      `unlistedRegions[${i}]`,
      region,
      "must look like an AWS region name such as us-east-1",
    ),
  );
  return unlisted.filter((region): region is string => typeof region === "string");
}
