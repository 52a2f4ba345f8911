import {
  DeploymentAlarms,
  FeatureFlags,
  MultiRegionService,
  RegionalService,
  ServiceDashboard,
  ServiceNotifications,
  TrafficShiftedFunction,
} from "../components";

/**
 * The package name other languages see (`pulumi package add`): the type tokens are
 * `multiregion-serverless:index:<Component>`. Pulumi's plugin runner would take it from
 * package.json `name` too.
 */
export const PACKAGE_NAME = "multiregion-serverless";

/** Every component this package offers to other languages. A test holds it complete. */
export const COMPONENTS = [
  TrafficShiftedFunction,
  DeploymentAlarms,
  RegionalService,
  MultiRegionService,
  FeatureFlags,
  // After the deploy (issue 16).
  ServiceDashboard,
  ServiceNotifications,
];

/** The type token of a resource or type of this package. */
export function token(name: string): string {
  return `${PACKAGE_NAME}:index:${name}`;
}
