import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FEATURE_FLAGS_ARGS } from "./argumentShapes";
import {
  checkFeatureFlags,
  checkFlagRollout,
  describeFlagStrategy,
  featureFlagContent,
  featureFlagContentHash,
  FeatureFlagAttributeType,
  FlagGrowthType,
  PredefinedFlagStrategy,
  resolveFlagStrategy,
} from "./featureFlagContent";
import { policyDocument, serviceTrustPolicy } from "./iam";
import { boundedName, NAME_LIMITS } from "./naming";
import { checkRegionName, checkUnlistedRegions } from "./regions";
import { ArgumentProblems, isKnown } from "./validation";

export { FeatureFlagAttributeType, FlagGrowthType, PredefinedFlagStrategy };

/** One attribute of a flag: a value the code reads when the flag is on, and its constraints. */
export interface FeatureFlagAttribute {
  /** The attribute key (a lowercase letter, then up to 63 letters, digits, `_` and `-`). */
  readonly name: string;
  /**
   * The value, when it is a string (set at most one of the value fields).
   * @default none
   */
  readonly stringValue?: string;
  /**
   * The value, when it is a number.
   * @default none
   */
  readonly numberValue?: number;
  /**
   * The value, when it is true or false.
   * @default none
   */
  readonly booleanValue?: boolean;
  /**
   * The value, when it is a list of strings (not empty).
   * @default none
   */
  readonly stringValues?: string[];
  /**
   * The value, when it is a list of numbers (not empty).
   * @default none
   */
  readonly numberValues?: number[];
  /**
   * The attribute's type in AppConfig's constraints.
   * @default the type of the value given
   */
  readonly type?: FeatureFlagAttributeType;
  /**
   * What the attribute means.
   * @default none
   */
  readonly description?: string;
  /**
   * AppConfig refuses a version whose enabled flag lacks the value.
   * @default false
   */
  readonly required?: boolean;
  /**
   * Smallest allowed value (number attributes; a whole number).
   * @default none
   */
  readonly minimum?: number;
  /**
   * Largest allowed value (number attributes; a whole number).
   * @default none
   */
  readonly maximum?: number;
  /**
   * A regular expression the value must match (string attributes; not with `allowedValues`).
   * @default none
   */
  readonly pattern?: string;
  /**
   * The values allowed (string attributes; not with `pattern`).
   * @default any
   */
  readonly allowedValues?: string[];
}

/** One feature flag. */
export interface FeatureFlag {
  /** The flag key the code asks for (a lowercase letter, then up to 63 letters, digits, `_` and `-`). */
  readonly name: string;
  /** Whether the flag is on in this environment. */
  readonly enabled: boolean;
  /**
   * What the flag switches.
   * @default none
   */
  readonly description?: string;
  /**
   * Values the code reads with the flag, each with its constraints (at most 25).
   * @default none
   */
  readonly attributes?: FeatureFlagAttribute[];
}

/**
 * How a flag change reaches the functions: one of AppConfig's predefined strategies by name, or
 * a custom strategy (`growthFactor` and `durationMinutes`, optionally `growthType` and
 * `finalBakeTimeMinutes`). The environment's alarms are watched during the rollout and the bake
 * time; an alarm rolls the flags back.
 */
export interface FeatureFlagRollout {
  /**
   * A predefined strategy.
   * @default "AppConfig.Canary10Percent20Minutes" (when no custom field is given)
   */
  readonly strategy?: PredefinedFlagStrategy;
  /**
   * How a custom strategy grows: `LINEAR` (equal steps) or `EXPONENTIAL` (growthFactor x 2^n).
   * @default "LINEAR"
   */
  readonly growthType?: FlagGrowthType;
  /**
   * Percent of targets per step of a custom strategy (1-100).
   * @default none (required for a custom strategy)
   */
  readonly growthFactor?: number;
  /**
   * Minutes from the first step to the last of a custom strategy (0-1440).
   * @default none (required for a custom strategy)
   */
  readonly durationMinutes?: number;
  /**
   * Minutes AppConfig keeps watching the alarms after 100% (0-1440).
   * @default 0
   */
  readonly finalBakeTimeMinutes?: number;
}

/** An alarm that rolls a flag deployment back in its region. */
export interface FeatureFlagMonitor {
  /** The region whose flag environment the alarm watches (the alarm's own region). */
  readonly region: string;
  /** The CloudWatch alarm's ARN. */
  readonly alarmArn: pulumi.Input<string>;
}

/** An IAM role (a function's execution role) that reads the flags in a region. */
export interface FeatureFlagReader {
  /** The region of the function whose role it is. */
  readonly region: string;
  /** The role's name; it gets `appconfig:StartConfigurationSession` and `appconfig:GetLatestConfiguration` on this region's flag profile. */
  readonly roleName: pulumi.Input<string>;
}

/** Arguments of `FeatureFlags`. */
export interface FeatureFlagsArgs {
  /** The regions that serve the flags: every region the service runs in. */
  readonly regions: string[];
  /** The AppConfig environment (the stack's environment, e.g. `prod`). */
  readonly environment: string;
  /** The flags and their values in this environment. */
  readonly flags: FeatureFlag[];
  /**
   * The AppConfig application's name (functions address it by name).
   * @default the component's name
   */
  readonly applicationName?: string;
  /**
   * The configuration profile's name.
   * @default "feature-flags"
   */
  readonly profileName?: string;
  /**
   * How a change rolls out.
   * @default AppConfig.Canary10Percent20Minutes
   */
  readonly rollout?: FeatureFlagRollout;
  /**
   * Alarms that roll a flag deployment back (at most 5 per region, AppConfig's limit).
   * @default none
   */
  readonly monitors?: FeatureFlagMonitor[];
  /**
   * Roles allowed to read the flags of their region.
   * @default none
   */
  readonly readers?: FeatureFlagReader[];
  /**
   * Regions to accept although they are not in the package's list of commercial regions.
   * @default none
   */
  readonly unlistedRegions?: string[];
  /**
   * Tags for every resource.
   * @default none
   */
  readonly tags?: Record<string, string>;
}

/** AppConfig's limit on monitors per environment (API reference, CreateEnvironment `Monitors`). */
export const MAX_FLAG_MONITORS = 5;
/** AppConfig's limit on names of applications, environments and profiles (1-64 characters). */
const MAX_APPCONFIG_NAME = 64;

/** The configuration profile type of feature flags (AppConfig API reference, CreateConfigurationProfile `Type`). */
export const FEATURE_FLAGS_PROFILE_TYPE = "AWS.AppConfig.FeatureFlags";

/** The environment variables a function reads its flags with (names, not ids: the extension takes either). */
/**
 * `AWS_APPCONFIG_EXTENSION_PREFETCH_LIST` for the extension: it fetches the profile before the
 * function initializes, so a cold start finds the flags cached instead of waiting on AppConfig
 * (AppConfig User Guide, "Configuring the AWS AppConfig Agent Lambda extension": the value is
 * `/applications/<app>/environments/<env>/configurations/<profile>`, comma-separated for several).
 */
export function featureFlagPrefetch(args: {
  applicationName: string;
  environment: string;
  profileName?: string;
}): Record<string, string> {
  const env = featureFlagEnvironment(args);
  return {
    AWS_APPCONFIG_EXTENSION_PREFETCH_LIST: `/applications/${env.APPCONFIG_APPLICATION}/environments/${env.APPCONFIG_ENVIRONMENT}/configurations/${env.APPCONFIG_PROFILE}`,
  };
}

export function featureFlagEnvironment(args: {
  applicationName: string;
  environment: string;
  profileName?: string;
}): Record<string, string> {
  return {
    APPCONFIG_APPLICATION: args.applicationName,
    APPCONFIG_ENVIRONMENT: args.environment,
    APPCONFIG_PROFILE: args.profileName ?? "feature-flags",
  };
}

/**
 * Feature flags served by AWS AppConfig in every region of a service: per region an
 * application, the stack's environment (watched by the given alarms), a profile of type
 * `AWS.AppConfig.FeatureFlags`, the flags as a hosted configuration version, and a deployment
 * with the rollout's strategy. A flag change is a deployment: it reaches the functions
 * gradually and rolls back when an alarm fires, like a new function version.
 */
export class FeatureFlags extends pulumi.ComponentResource {
  /** The AppConfig application's name. */
  readonly applicationName: pulumi.Output<string>;
  /** The AppConfig environment's name. */
  readonly environmentName: pulumi.Output<string>;
  /** The configuration profile's name. */
  readonly profileName: pulumi.Output<string>;
  /** The rollout in words, e.g. `AppConfig.Canary10Percent20Minutes (exponential 10%, 20 min, bake 10 min)`. */
  readonly strategy: pulumi.Output<string>;
  /** Per region, the SHA-256 of the flag document deployed there: a preview shows a flag change as a new hash. */
  readonly contentHashes: pulumi.Output<Record<string, string>>;
  /** Per region, the ARN IAM grants reading on (`application/<id>/environment/<id>/configuration/<id>`). */
  readonly configurationArns: pulumi.Output<Record<string, string>>;
  /**
   * Known once every flag deployment has been started and every reader policy exists: give it
   * to the functions' `deploymentDependsOn` so a code deployment never starts before its flags
   * can be read. (AppConfig deployments are not waited for to finish; see docs/feature-flags.md.)
   */
  readonly ready: pulumi.Output<string>;
  /** The role AppConfig assumes to read the alarms, when there are monitors. */
  readonly monitorRoleArn?: pulumi.Output<string>;

  /**
   * @param name The _unique_ name of the component; child names derive from it.
   * @param args The regions, environment, flags, rollout, alarms and readers.
   * @param opts Options for the component (providers are inherited by every child).
   */
  constructor(name: string, args: FeatureFlagsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Validate before registering anything: bad input must not leave half a rollout behind.
    checkFeatureFlagsArgs(`FeatureFlags "${name}"`, args).throwIfAny();
    super("multiregion-serverless:index:FeatureFlags", name, {}, opts);

    const applicationName = args.applicationName ?? name;
    const profileName = args.profileName ?? "feature-flags";
    const strategy = resolveFlagStrategy(args.rollout);
    const content = featureFlagContent(args.flags);
    const contentHash = featureFlagContentHash(content);
    const tags = args.tags;
    const monitors = args.monitors ?? [];

    // AppConfig needs a role to read the alarms (AppConfig User Guide, "Configure permissions
    // for automatic rollback": trust appconfig.amazonaws.com, allow cloudwatch:DescribeAlarms).
    // Scoped to the monitored alarms: the Service Authorization Reference gives DescribeAlarms
    // the alarm resource type.
    let monitorRole: aws.iam.Role | undefined;
    if (monitors.length > 0) {
      monitorRole = new aws.iam.Role(
        `${name}-monitor-role`,
        {
          name: boundedName(`${name}-monitor-role`, NAME_LIMITS.iamRole),
          description: `AppConfig reads the alarms that roll back ${applicationName}'s flags`,
          assumeRolePolicy: serviceTrustPolicy("appconfig.amazonaws.com"),
          tags,
        },
        { parent: this },
      );
      new aws.iam.RolePolicy(
        `${name}-monitor-role-policy`,
        {
          role: monitorRole.name,
          policy: policyDocument([
            {
              Sid: "ReadRollbackAlarms",
              Effect: "Allow",
              Action: ["cloudwatch:DescribeAlarms"],
              Resource: monitors.map((monitor) => monitor.alarmArn),
            },
          ]),
        },
        { parent: this },
      );
      this.monitorRoleArn = monitorRole.arn;
    }

    const hashes: Record<string, pulumi.Output<string>> = {};
    const readyParts: pulumi.Output<string>[] = [];
    const configurationArns: Record<string, pulumi.Output<string>> = {};
    for (const region of args.regions) {
      const application = new aws.appconfig.Application(
        `${name}-${region}-application`,
        {
          region,
          name: applicationName,
          description: `Feature flags of ${applicationName}`,
          tags,
        },
        { parent: this },
      );
      const regionMonitors = monitors.filter((monitor) => monitor.region === region);
      const environment = new aws.appconfig.Environment(
        `${name}-${region}-environment`,
        {
          region,
          applicationId: application.id,
          name: args.environment,
          description: `${args.environment}: flag changes roll back when one of its ${regionMonitors.length} alarm(s) fires`,
          monitors: monitorRole
            ? regionMonitors.map((monitor) => ({
                alarmArn: monitor.alarmArn,
                alarmRoleArn: monitorRole.arn,
              }))
            : undefined,
          tags,
        },
        { parent: this },
      );
      const profile = new aws.appconfig.ConfigurationProfile(
        `${name}-${region}-profile`,
        {
          region,
          applicationId: application.id,
          name: profileName,
          locationUri: "hosted",
          type: FEATURE_FLAGS_PROFILE_TYPE,
          description: `Feature flags of ${applicationName}`,
          tags,
        },
        { parent: this },
      );
      const version = new aws.appconfig.HostedConfigurationVersion(
        `${name}-${region}-flags`,
        {
          region,
          applicationId: application.id,
          configurationProfileId: profile.configurationProfileId,
          contentType: "application/json",
          content,
          description: `sha256 ${contentHash}`,
        },
        // A flag change replaces the version; the old one is what AppConfig keeps serving during
        // a gradual rollout and rolls back to when an alarm fires, so Pulumi must not delete it.
        // Old versions stay in AppConfig (see docs/feature-flags.md, "Old flag versions").
        { parent: this, retainOnDelete: true },
      );
      const deploymentStrategyId = strategy.predefined
        ? pulumi.output(strategy.predefined)
        : new aws.appconfig.DeploymentStrategy(
            `${name}-${region}-strategy`,
            {
              region,
              name: `${applicationName}-${args.environment}-flags`.slice(0, MAX_APPCONFIG_NAME),
              description: describeFlagStrategy(strategy),
              growthType: strategy.shape.growthType,
              growthFactor: strategy.shape.growthFactor,
              deploymentDurationInMinutes: strategy.shape.durationMinutes,
              finalBakeTimeInMinutes: strategy.shape.finalBakeTimeMinutes,
              // The flags are hosted in AppConfig; nothing to replicate to SSM.
              replicateTo: "NONE",
              tags,
            },
            { parent: this },
          ).id;
      const deployment = new aws.appconfig.Deployment(
        `${name}-${region}-deployment`,
        {
          region,
          applicationId: application.id,
          environmentId: environment.environmentId,
          configurationProfileId: profile.configurationProfileId,
          configurationVersion: version.versionNumber.apply(String),
          deploymentStrategyId,
          description: `flags sha256 ${contentHash.slice(0, 12)}`,
          tags,
        },
        { parent: this },
      );
      readyParts.push(deployment.id);

      // The configuration resource type of the Service Authorization Reference:
      // arn:${Partition}:appconfig:${Region}:${Account}:application/${ApplicationId}/environment/${EnvironmentId}/configuration/${ConfigurationProfileId}
      const configurationArn = pulumi.interpolate`${application.arn}/environment/${environment.environmentId}/configuration/${profile.configurationProfileId}`;
      configurationArns[region] = configurationArn;
      hashes[region] = pulumi.output(contentHash);
      (args.readers ?? [])
        .map((reader, index) => ({ reader, index }))
        .filter(({ reader }) => reader.region === region)
        .forEach(({ reader, index }) => {
          const readerPolicy = new aws.iam.RolePolicy(
            `${name}-${region}-reader-${index}`,
            {
              role: reader.roleName,
              policy: policyDocument([
                {
                  Sid: "ReadFeatureFlags",
                  Effect: "Allow",
                  Action: [
                    "appconfig:StartConfigurationSession",
                    "appconfig:GetLatestConfiguration",
                  ],
                  Resource: [configurationArn],
                },
              ]),
            },
            { parent: this },
          );
          readyParts.push(readerPolicy.id);
        });
    }

    this.applicationName = pulumi.output(applicationName);
    this.environmentName = pulumi.output(args.environment);
    this.profileName = pulumi.output(profileName);
    this.strategy = pulumi.output(describeFlagStrategy(strategy));
    this.contentHashes = pulumi.output(hashes);
    this.ready = pulumi.all(readyParts).apply(() => "ready");
    this.configurationArns = pulumi.output(configurationArns);
    this.registerOutputs({
      applicationName: this.applicationName,
      environmentName: this.environmentName,
      profileName: this.profileName,
      strategy: this.strategy,
      contentHashes: this.contentHashes,
      configurationArns: this.configurationArns,
      monitorRoleArn: this.monitorRoleArn,
      ready: this.ready,
    });
  }
}

/** Every problem in `FeatureFlagsArgs`, before anything is registered. */
export function checkFeatureFlagsArgs(subject: string, args: FeatureFlagsArgs): ArgumentProblems {
  const problems = new ArgumentProblems(subject);
  if (typeof args !== "object" || args === null) {
    problems.add(
      "args",
      args,
      "must be an object with at least `regions`, `environment` and `flags`",
    );
    return problems;
  }
  // An Output where a known value is needed is reported once, by its key, and left out of
  // the checks below, which check the rest (every problem at once).
  args = problems.requireKnown(args, FEATURE_FLAGS_ARGS);
  problems.knownKeys(args, FEATURE_FLAGS_ARGS);
  const unlisted = checkUnlistedRegions(problems, args.unlistedRegions);
  const regions = args.regions;
  if (!Array.isArray(regions) || regions.length === 0) {
    problems.add(
      "regions",
      regions,
      "must list at least one region (every region the service serves)",
    );
  } else {
    regions.forEach((region, i) => checkRegionName(problems, `regions[${i}]`, region, unlisted));
    const duplicates = regions.filter((r, i) => regions.indexOf(r) !== i);
    if (duplicates.length > 0) {
      problems.add(
        "regions",
        regions,
        `lists ${[...new Set(duplicates)].join(", ")} more than once`,
      );
    }
  }
  for (const key of ["environment", "applicationName", "profileName"] as const) {
    const value = args[key];
    if (key !== "environment" && value === undefined) continue;
    problems.check(
      typeof value === "string" && value.length >= 1 && value.length <= MAX_APPCONFIG_NAME,
      key,
      value,
      `must be 1-${MAX_APPCONFIG_NAME} characters (AppConfig names)`,
    );
  }
  checkFeatureFlags(problems, "flags", args.flags);
  checkFlagRollout(problems, "rollout", args.rollout);
  const regionList = Array.isArray(regions) ? regions : [];
  const monitors = args.monitors ?? [];
  if (!Array.isArray(monitors)) {
    problems.add("monitors", monitors, "must be a list of { region, alarmArn }");
  } else {
    monitors.forEach((monitor, i) => {
      if (!regionList.includes(monitor?.region)) {
        problems.add(
          `monitors[${i}].region`,
          monitor?.region,
          `must be one of regions (${regionList.join(", ")})`,
        );
      }
      if (
        isKnown(monitor?.alarmArn) &&
        !/^arn:aws[a-z-]*:cloudwatch:/.test(String(monitor.alarmArn))
      ) {
        problems.add(
          `monitors[${i}].alarmArn`,
          monitor.alarmArn,
          "must be a CloudWatch alarm ARN (arn:aws:cloudwatch:<region>:<account>:alarm:<name>)",
        );
      }
    });
    for (const region of regionList) {
      const count = monitors.filter((monitor) => monitor?.region === region).length;
      if (count > MAX_FLAG_MONITORS) {
        problems.add(
          "monitors",
          `${count} alarms in ${region}`,
          `an AppConfig environment takes at most ${MAX_FLAG_MONITORS} alarms; pick the ones that must stop a flag change`,
        );
      }
    }
  }
  (Array.isArray(args.readers) ? args.readers : []).forEach((reader, i) => {
    if (!regionList.includes(reader?.region)) {
      problems.add(
        `readers[${i}].region`,
        reader?.region,
        `must be one of regions (${regionList.join(", ")})`,
      );
    }
  });
  return problems;
}
