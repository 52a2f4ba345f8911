// The public API of multiregion-serverless: `import { ... } from "multiregion-serverless"`.
export * from "./deploymentAlarms";
export * from "./deploymentHook";
export * from "./multiRegionService";
export * from "./regionalService";
export {
  AWS_COMMERCIAL_REGIONS,
  HEALTH_CHECKER_REGIONS,
  HealthCheckerRegion,
  MIN_HEALTH_CHECKER_REGIONS,
} from "./regions";
export * from "./trafficShiftedFunction";
export {
  CanaryDeployment,
  DeploymentType,
  DeploymentTypeFields,
  deploymentTypeFields,
  deploymentTypeOf,
  TrafficShape,
  describeDeploymentType,
  LinearDeployment,
  PREDEFINED_DEPLOYMENT_TYPES,
  PredefinedDeploymentType,
  predefinedConfigName,
  TrafficStep,
} from "./trafficShifting";
export { InvalidArgumentsError } from "./validation";
export { PolicyEffect, PolicyStatement, PolicyStatementArgs } from "./iam";
export {
  chainWaves,
  LAMBDA_DEPLOYMENT_RESOURCE_TYPE,
  LAMBDA_DEPLOYMENT_TYPE,
  LambdaDeployment,
  LambdaDeploymentArgs,
  PluginLambdaDeployment,
} from "./lambdaDeployment";
export { estimatedRolloutMinutes } from "../deployment/rollout";
export {
  metricsCheckHook,
  MetricsCheckHookOptions,
  smokeTestHook,
  SmokeTestExpectations,
  SmokeTestHookOptions,
} from "../hooks";
export {
  ENVIRONMENT_DEFAULTS,
  ENVIRONMENTS,
  EnvironmentName,
  LoadedStackSettings,
  loadStackSettings,
  LoadStackSettingsOptions,
  StackConfigError,
  StackSettings,
} from "./stackSettings";
// StackSettings.loadTest is of these types.
export { LOAD_TEST_DEFAULTS, LoadTestPhase, LoadTestSettings } from "./loadTestSettings";
export {
  DEPLOYMENT_ENGINE_COMMAND_ACTIONS,
  deployerPolicy,
  deployerPolicyDocument,
  DeployerPolicyDocument,
  DeployerPolicyStatement,
  DeployerPolicyTarget,
} from "./deployerPolicy";
// The zod schema of the stack config (`stackConfigSchema`, `StackConfig`) is the subpath
// `multiregion-serverless/schema` (components/schema.ts): the declarations of this entry point
// reach no zod or @pulumi/policy types, so they compile under Pulumi's template tsconfig.
// Feature flags with AppConfig (issue 15).
export * from "./featureFlags";
export {
  checkFeatureFlags,
  describeFlagStrategy,
  FeatureFlagDocument,
  featureFlagContent,
  featureFlagContentHash,
  featureFlagDocument,
  FLAG_ROLLOUT_DEFAULTS,
  FlagStrategyShape,
  isGradual,
  PREDEFINED_FLAG_STRATEGIES,
  PREDEFINED_FLAG_STRATEGY_SHAPES,
  resolveFlagStrategy,
} from "./featureFlagContent";
export {
  APPCONFIG_EXTENSION_PORT,
  APPCONFIG_EXTENSION_VERSION,
  appConfigExtensionRegions,
  findAppConfigExtensionLayerArn,
} from "./appConfigExtension";
// After the deploy (issue 16): the dashboard and notifications.
export {
  checkServiceDashboardArgs,
  ServiceDashboard,
  ServiceDashboardArgs,
  serviceDashboardArgs,
  ServiceDashboardFunction,
  ServiceDashboardRegion,
} from "./serviceDashboard";
export { dashboardBody, DashboardBody, dashboardUrl } from "./dashboardBody";
export {
  checkServiceNotificationsArgs,
  notificationKeyPolicy,
  ServiceNotifications,
  ServiceNotificationsArgs,
} from "./serviceNotifications";
// Issue 17 part B: bundling from source, provisioned concurrency and the other function options.
export {
  bundleSource,
  BundlingError,
  esbuildTarget,
  FunctionSource,
  RUNTIME_PROVIDED_MODULES,
  SourceBundle,
} from "./bundling";
export {
  EPHEMERAL_STORAGE_MB,
  MAX_LAYERS,
  PROVISIONED_CONCURRENCY_USD_PER_GB_SECOND,
  provisionedConcurrencyMonthlyUsd,
  SnapStartMode,
  supportsSnapStart,
} from "./functionOptions";
// --- Private networking (issue 17, part C) ---
export {
  AWSX_VERSION_RANGE,
  ExistingVpc,
  FunctionVpcConfig,
  NatGateways,
  ServiceNetwork,
  VpcSource,
} from "./serviceNetwork";
// The type of `RegionalService.network` (TypeScript only: a service creates it, users do not).
export type { RegionalNetwork, RegionalNetworkArgs } from "./regionalNetwork";
// Event sources on the alias (issue 17).
export {
  DynamoDbStreamSource,
  EventRuleSource,
  EventSources,
  scheduleExpressionProblem,
  ScheduleEventSource,
  SnsEventSource,
  SqsEventSource,
  StreamStartingPosition,
} from "./eventSources";
