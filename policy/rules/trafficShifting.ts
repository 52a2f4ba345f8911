// How new Lambda versions receive traffic: CodeDeploy deployment groups in production shift
// gradually with alarms and automatic rollback; aliases only ever route to published versions.
import * as aws from "@pulumi/aws";
import {
  PolicyConfigSchema,
  ResourceValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import {
  asList,
  configOf,
  EnvironmentSettings,
  environmentConfigProperties,
  isAbsent,
  isProduction,
  isUnknown,
  plain,
} from "./common";
import { fix } from "./remediation";

/**
 * CodeDeploy's predefined gradual configs for Lambda, the ones SAM's DeploymentPreference types
 * map to (source: CodeDeploy User Guide, "Deployment configurations on an AWS Lambda compute
 * platform"). `CodeDeployDefault.LambdaAllAtOnce` is the only other predefined Lambda config.
 */
export const GRADUAL_LAMBDA_DEPLOYMENT_CONFIGS = [
  "CodeDeployDefault.LambdaCanary10Percent5Minutes",
  "CodeDeployDefault.LambdaCanary10Percent10Minutes",
  "CodeDeployDefault.LambdaCanary10Percent15Minutes",
  "CodeDeployDefault.LambdaCanary10Percent30Minutes",
  "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
  "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes",
  "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes",
  "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes",
];

/** AWS limit: a deployment group has at most 10 alarms (CodeDeploy quotas). */
export const MAX_DEPLOYMENT_GROUP_ALARMS = 10;

const REQUIRED_ROLLBACK_EVENTS = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"];

const gradualShiftSchema: PolicyConfigSchema = {
  properties: {
    ...environmentConfigProperties,
    allowedDeploymentConfigs: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        "Deployment config names production may use. Empty: any gradual one, i.e. a predefined " +
        "CodeDeployDefault.LambdaCanary*/LambdaLinear* config or a custom DeploymentConfig.",
    },
  },
};

interface GradualShiftSettings extends EnvironmentSettings {
  allowedDeploymentConfigs: string[];
}

/**
 * Production CodeDeploy deployment groups shift traffic gradually, watch alarms and roll back.
 * Weighted aliases (`trafficShifting.type: weighted`) are not deployment groups and are allowed:
 * their weights are the gradual shift, and `lambda-alias-routes-to-published-versions` checks them.
 */
export const prodDeploymentsShiftGradually: ResourceValidationPolicy = {
  name: "prod-deployments-shift-traffic-gradually",
  description:
    "Production CodeDeploy deployment groups use a canary or linear config, blue/green with " +
    "traffic control, alarms (1-10) and automatic rollback on failure and on alarm.",
  enforcementLevel: "mandatory",
  configSchema: gradualShiftSchema,
  validateResource: validateResourceOfType(
    aws.codedeploy.DeploymentGroup,
    (groupProps, args, reportViolation) => {
      const settings = configOf<GradualShiftSettings>(args, gradualShiftSchema);
      if (!isProduction(args, settings)) {
        return;
      }
      const group = plain(groupProps);

      const configName = group.deploymentConfigName;
      if (isAbsent(configName)) {
        reportViolation(
          "The production deployment group names no deploymentConfigName, so CodeDeploy does not " +
            `shift gradually. ${fix.gradualShift}.`,
        );
      } else if (!isUnknown(configName)) {
        const allowed = settings.allowedDeploymentConfigs;
        const gradual =
          allowed.length > 0
            ? allowed.includes(configName)
            : GRADUAL_LAMBDA_DEPLOYMENT_CONFIGS.includes(configName) ||
              !configName.startsWith("CodeDeployDefault.");
        if (!gradual) {
          reportViolation(
            `The production deployment group uses "${configName}", which ${
              allowed.length > 0
                ? `is not in allowedDeploymentConfigs (${allowed.join(", ")})`
                : "shifts all traffic at once"
            }. ${fix.gradualShift}.`,
          );
        }
      }

      const style = group.deploymentStyle;
      if (!isUnknown(style)) {
        const type = style?.deploymentType;
        const option = style?.deploymentOption;
        if (
          (!isUnknown(type) && type !== "BLUE_GREEN") ||
          (!isUnknown(option) && option !== "WITH_TRAFFIC_CONTROL")
        ) {
          reportViolation(
            `The production deployment group's deploymentStyle is ${shown(type)}/${shown(
              option,
            )}; Lambda traffic shifting needs BLUE_GREEN with WITH_TRAFFIC_CONTROL. ${fix.deploymentGroupShape}.`,
          );
        }
      }

      const rollback = group.autoRollbackConfiguration;
      if (!isUnknown(rollback)) {
        const events = rollback?.events;
        const missing = isUnknown(events)
          ? []
          : REQUIRED_ROLLBACK_EVENTS.filter((event) => !asList(events).includes(event));
        const disabled = rollback?.enabled !== true && !isUnknown(rollback?.enabled);
        if (disabled || (missing.length > 0 && !asList(events).some(isUnknown))) {
          reportViolation(
            "The production deployment group does not roll back automatically on " +
              `${REQUIRED_ROLLBACK_EVENTS.join(" and ")} (autoRollbackConfiguration ${
                disabled ? "not enabled" : `lacks ${missing.join(", ")}`
              }). ${fix.rollback}.`,
          );
        }
      }

      const alarmConfig = group.alarmConfiguration;
      if (!isUnknown(alarmConfig)) {
        const alarms = alarmConfig?.alarms;
        const disabled = alarmConfig?.enabled !== true && !isUnknown(alarmConfig?.enabled);
        const count = isUnknown(alarms) ? undefined : asList(alarms).length;
        if (disabled || count === 0) {
          reportViolation(
            "The production deployment group watches no alarms, so a bad version is never stopped " +
              `mid-shift (alarmConfiguration must be enabled with at least one alarm). ${fix.alarms}.`,
          );
        } else if (count !== undefined && count > MAX_DEPLOYMENT_GROUP_ALARMS) {
          reportViolation(
            `The production deployment group lists ${count} alarms; CodeDeploy accepts at most ` +
              `${MAX_DEPLOYMENT_GROUP_ALARMS}. ${fix.tooManyAlarms}.`,
          );
        }
      }
    },
  ),
};

/**
 * Aliases route to published versions only, and to at most two (AWS Lambda Developer Guide,
 * "Implement Lambda canary deployments using a weighted alias": up to two versions, weights
 * 0.0-1.0 on the additional one, `$LATEST` not allowed). Applies in every environment.
 */
export const aliasRoutesToPublishedVersions: ResourceValidationPolicy = {
  name: "lambda-alias-routes-to-published-versions",
  description:
    "Lambda aliases point at a published version (never $LATEST) and route to at most one " +
    "additional published version with a weight between 0.0 and 1.0.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(
    aws.lambda.Alias,
    (aliasProps, _args, reportViolation) => {
      const alias = plain(aliasProps);
      const version = alias.functionVersion;
      if (version === "$LATEST") {
        reportViolation(
          `The alias points at $LATEST, so every code change goes live at once, unversioned. ${fix.publishedVersion}.`,
        );
      }

      const weights = alias.routingConfig?.additionalVersionWeights;
      if (isUnknown(alias.routingConfig) || isUnknown(weights) || isAbsent(weights)) {
        return;
      }
      const entries = Object.entries(weights);
      if (entries.length > 1) {
        reportViolation(
          `The alias routes to ${entries.length} additional versions (${entries
            .map(([v]) => v)
            .join(
              ", ",
            )}); an alias routes to at most two versions in total. ${fix.oneVersionAtATime}.`,
        );
      }
      for (const [additional, weight] of entries) {
        if (additional === "$LATEST") {
          reportViolation(
            `The alias routes a weight to $LATEST, which Lambda rejects. ${fix.publishedVersion}.`,
          );
        }
        if (!isUnknown(version) && additional === version) {
          reportViolation(
            `The alias's additional version ${additional} is its primary version; the weight ` +
              `would shift nothing. ${fix.oneVersionAtATime}.`,
          );
        }
        if (!isUnknown(weight) && (typeof weight !== "number" || !(weight >= 0 && weight <= 1))) {
          reportViolation(
            `The alias gives version ${additional} weight ${String(weight)}. ${fix.weightRange}.`,
          );
        }
      }
    },
  ),
};

/** A deploymentStyle half as the message shows it (an unknown one is a symbol, not a string). */
function shown(value: unknown): string {
  return isUnknown(value) ? "unknown" : String(value ?? "unset");
}

export const trafficShiftingPolicies = [
  prodDeploymentsShiftGradually,
  aliasRoutesToPublishedVersions,
];
