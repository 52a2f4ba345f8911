// Feature flags (AppConfig, issue 15): a flag change is a deployment, so production flag
// deployments are gradual and watched by alarms, and every region that serves is given the
// flags (a region left out keeps serving stale flags).
import * as aws from "@pulumi/aws";
import { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import {
  configOf,
  EnvironmentSettings,
  environmentConfigProperties,
  isProduction,
  isUnknown,
  plain,
  referencedResources,
  regionOf,
} from "./common";

const environmentSchema: PolicyConfigSchema = { properties: { ...environmentConfigProperties } };

/**
 * Growth factor and duration (minutes) of AppConfig's predefined strategies (AppConfig User
 * Guide, "Using predefined deployment strategies"). The pack ships without the component
 * library, so the table is repeated here; test/policy/featureFlags.test.ts holds it equal to
 * components/featureFlagContent.ts.
 */
export const PREDEFINED_FLAG_STRATEGY_STEPS: Readonly<
  Record<string, { growthFactor: number; durationMinutes: number }>
> = {
  "AppConfig.AllAtOnce": { growthFactor: 100, durationMinutes: 0 },
  "AppConfig.Linear50PercentEvery30Seconds": { growthFactor: 50, durationMinutes: 1 },
  "AppConfig.Linear20PercentEvery6Minutes": { growthFactor: 20, durationMinutes: 30 },
  "AppConfig.Canary10Percent20Minutes": { growthFactor: 10, durationMinutes: 20 },
};

/**
 * Final bake time (minutes) of the predefined strategies (AppConfig User Guide, "Using
 * predefined deployment strategies"): the time AppConfig keeps watching the alarms after 100%.
 */
const PREDEFINED_FLAG_BAKE_MINUTES: Readonly<Record<string, number>> = {
  "AppConfig.AllAtOnce": 10,
  "AppConfig.Linear50PercentEvery30Seconds": 1,
  "AppConfig.Linear20PercentEvery6Minutes": 30,
  "AppConfig.Canary10Percent20Minutes": 10,
};

/**
 * Predefined strategies the AppConfig User Guide recommends for testing and demonstration only
 * ("Using predefined deployment strategies": AppConfig.Linear50PercentEvery30Seconds), not
 * gradual enough for production: 30 s between steps leaves the alarms no time to fire.
 */
const DEMO_STRATEGIES = new Set(["AppConfig.Linear50PercentEvery30Seconds"]);

/** Reaches the targets in steps (below 100% per step, over some minutes), then bakes. */
function isGradual(steps: {
  growthFactor: number;
  durationMinutes: number;
  bakeMinutes: number;
}): boolean {
  return steps.growthFactor < 100 && steps.durationMinutes > 0 && steps.bakeMinutes > 0;
}

/** The AppConfig profile type of feature flags (AppConfig API reference, CreateConfigurationProfile). */
const FEATURE_FLAGS_TYPE = "AWS.AppConfig.FeatureFlags";

/**
 * Production flag deployments use a gradual strategy (not all at once) and target an
 * environment with alarms, so that AppConfig rolls a bad flag back as CodeDeploy rolls back a
 * bad version. Values unknown at preview (a custom strategy's id, alarm ARNs) are judged by
 * what is known: the region's strategy resource and the number of monitors.
 */
export const prodFlagDeploymentsGradualAndMonitored: StackValidationPolicy = {
  name: "prod-flag-deployments-gradual-and-monitored",
  description:
    "Production AppConfig flag deployments roll out gradually (a canary or linear strategy) and are watched by CloudWatch alarms that roll them back.",
  enforcementLevel: "mandatory",
  configSchema: environmentSchema,
  validateStack: (args, reportViolation) => {
    const settings = configOf<EnvironmentSettings>(args, environmentSchema);
    const inRegion = (
      type: Parameters<(typeof args.resources)[number]["isType"]>[0],
      region?: string,
    ) => args.resources.filter((r) => r.isType(type) && regionOf(r) === region);
    for (const deployment of args.resources.filter(
      (r) => r.isType(aws.appconfig.Deployment) && isProduction(r, settings),
    )) {
      const region = regionOf(deployment);
      const props = plain(deployment.props);
      const strategyId = props.deploymentStrategyId;
      let gradual: boolean | undefined;
      let described = isUnknown(strategyId) ? "an id unknown at preview" : String(strategyId);
      if (
        typeof strategyId === "string" &&
        Object.hasOwn(PREDEFINED_FLAG_STRATEGY_STEPS, strategyId)
      ) {
        gradual =
          !DEMO_STRATEGIES.has(strategyId) &&
          isGradual({
            ...PREDEFINED_FLAG_STRATEGY_STEPS[strategyId],
            bakeMinutes: PREDEFINED_FLAG_BAKE_MINUTES[strategyId],
          });
      } else {
        // The deployment's own strategy (by id when known, else its one strategy dependency),
        // never "the region's only strategy": two services in a region would be confused.
        const strategies = referencedResources(
          deployment,
          "deploymentStrategyId",
          inRegion(aws.appconfig.DeploymentStrategy, region),
          (candidate, value) => candidate.props.id === value,
        );
        const s = strategies?.length === 1 ? plain(strategies[0].props) : undefined;
        if (
          s &&
          !isUnknown(s.growthFactor) &&
          !isUnknown(s.deploymentDurationInMinutes) &&
          !isUnknown(s.finalBakeTimeInMinutes)
        ) {
          gradual = isGradual({
            growthFactor: Number(s.growthFactor),
            durationMinutes: Number(s.deploymentDurationInMinutes),
            bakeMinutes: Number(s.finalBakeTimeInMinutes ?? 0),
          });
          described = `a custom strategy of ${s.growthFactor}% over ${s.deploymentDurationInMinutes} min, bake ${s.finalBakeTimeInMinutes ?? 0} min`;
        } else {
          reportViolation(
            `Cannot judge the production flag deployment in ${region}: its strategy (${described}) is neither a predefined AppConfig strategy nor a DeploymentStrategy of this stack with known growth, duration and bake time. Use a predefined gradual strategy or a custom rollout (featureFlags.rollout).`,
            deployment.urn,
          );
        }
      }
      if (gradual === false) {
        reportViolation(
          `The production flag deployment in ${region} uses ${described}, which is not gradual enough for production (all at once, no bake time, or a testing strategy): use AppConfig.Canary10Percent20Minutes or AppConfig.Linear20PercentEvery6Minutes (featureFlags.rollout.strategy), or a custom rollout with growthFactor below 100, a duration and a bake time.`,
          deployment.urn,
        );
      }
      // The environment this deployment targets, not any environment of the region.
      const environments = referencedResources(
        deployment,
        "environmentId",
        inRegion(aws.appconfig.Environment, region),
        (candidate, value) => candidate.props.environmentId === value,
      );
      if (environments?.length !== 1) {
        reportViolation(
          `Cannot judge the production flag deployment in ${region}: the environment it targets is not an AppConfig Environment of this stack, so its alarms (monitors) cannot be checked.`,
          deployment.urn,
        );
        continue;
      }
      const monitors = plain(environments[0].props).monitors;
      if (!isUnknown(monitors) && (!Array.isArray(monitors) || monitors.length === 0)) {
        reportViolation(
          `The production flag environment in ${region} has no alarms (monitors): a flag that raises errors would stay on. Give FeatureFlags the functions' alarms (monitors).`,
          deployment.urn,
        );
      }
    }
  },
};

/**
 * A stack with feature flags deploys them to every region its functions run in: a region
 * without the flags' deployment serves whatever it had (or nothing).
 */
export const flagsDeployedToEveryServingRegion: StackValidationPolicy = {
  name: "flags-deployed-to-every-serving-region",
  description:
    "When a stack has AppConfig feature flags, every region with Lambda functions has a flag deployment.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const profiles = args.resources.filter(
      (r) =>
        r.isType(aws.appconfig.ConfigurationProfile) && plain(r.props).type === FEATURE_FLAGS_TYPE,
    );
    if (profiles.length === 0) return;
    // Only deployments of a flag profile count: a region with some other AppConfig deployment
    // still has no flags.
    const deployed = new Set(
      args.resources
        .filter(
          (r) =>
            r.isType(aws.appconfig.Deployment) &&
            (referencedResources(
              r,
              "configurationProfileId",
              profiles,
              (candidate, value) => candidate.props.configurationProfileId === value,
            )?.length ?? 0) > 0,
        )
        .map(regionOf),
    );
    const serving = new Set(
      args.resources
        .filter((r) => r.isType(aws.lambda.Function))
        .map(regionOf)
        .filter((region): region is string => region !== undefined),
    );
    const missing = [...serving].filter((region) => !deployed.has(region)).sort();
    if (missing.length > 0) {
      reportViolation(
        `Functions run in ${missing.join(", ")}, but no feature-flag deployment does: those regions would serve stale flags. List every serving region in FeatureFlags regions.`,
      );
    }
  },
};

export const featureFlagPolicies = [
  prodFlagDeploymentsGradualAndMonitored,
  flagsDeployedToEveryServingRegion,
];
