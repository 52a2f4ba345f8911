// Shared arguments and type tokens for the FeatureFlags specs.
import type { FeatureFlag } from "../../components";

export const APPLICATION = "aws:appconfig/application:Application";
export const ENVIRONMENT = "aws:appconfig/environment:Environment";
export const PROFILE = "aws:appconfig/configurationProfile:ConfigurationProfile";
export const VERSION = "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion";
export const STRATEGY = "aws:appconfig/deploymentStrategy:DeploymentStrategy";
export const DEPLOYMENT = "aws:appconfig/deployment:Deployment";
export const ROLE = "aws:iam/role:Role";
export const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const FEATURE_FLAGS = "multiregion-serverless:index:FeatureFlags";

/** The bundled service's flag: on, with the item limit the new validation enforces. */
export const newOrderValidation: FeatureFlag = {
  name: "newOrderValidation",
  enabled: true,
  description: "Validate orders with the new rules",
  attributes: [{ name: "maxItems", numberValue: 50, minimum: 1, maximum: 100 }],
};

/** An alarm ARN in a region, as DeploymentAlarms creates them (CloudWatch alarm ARN format). */
export function alarmArn(region: string, name: string): string {
  return `arn:aws:cloudwatch:${region}:123456789012:alarm:${name}`;
}
