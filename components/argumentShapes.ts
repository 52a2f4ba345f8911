// The keys each component's arguments may have, for `ArgumentProblems.knownKeys`: a key that is
// not here is refused at run time (a misspelling from JavaScript or through `as any` would
// otherwise fall back to a default without a word). Each shape `satisfies ShapeOf<Args>`, so
// adding or removing an argument in an interface does not compile until its shape follows.
import type { DeploymentAlarmsArgs } from "./deploymentAlarms";
import type { DeploymentHookArgs } from "./deploymentHook";
import type {
  FeatureFlagArgs,
  FeatureFlagAttributeArgs,
  FeatureFlagRolloutArgs,
  FeatureFlagsArgs,
} from "./featureFlags";
import type {
  ActiveActiveServiceArgs,
  ActivePassiveServiceArgs,
  GlobalTableArgs,
} from "./multiRegionService";
import type {
  RegionalHealthCheckArgs,
  RegionalServiceArgs,
  ServiceDomainArgs,
  ServiceShapeArgs,
  ServiceTableArgs,
} from "./regionalService";
import type {
  CodeDeployTrafficShifting,
  DeploymentHooksArgs,
  TrafficShiftAlarmsArgs,
  TrafficShiftedFunctionArgs,
  TrafficShiftingArgs,
  WeightedTrafficShifting,
} from "./trafficShiftedFunction";
import type { TrafficStep } from "./trafficShifting";
import type { ServiceDashboardArgs } from "./serviceDashboard";
import type { ServiceNotificationsArgs } from "./serviceNotifications";
import { eachValue, objectOrInstance, shapeVariants, ShapeOf } from "./validation";

const deploymentHook = {
  code: true,
  handler: true,
  runtime: true,
  timeout: true,
  memorySize: true,
  environment: true,
  policyStatements: true,
} as const satisfies ShapeOf<DeploymentHookArgs>;

const trafficStep = {
  percentage: true,
  intervalMinutes: true,
} as const satisfies ShapeOf<TrafficStep>;

// TrafficShiftingArgs is one interface for both modes (a package schema has no unions); the
// keys of each mode are checked by its `mode`, so a field of the other mode is named as such.
const codeDeployTrafficShifting = {
  mode: true,
  type: true,
  canary: trafficStep,
  linear: trafficStep,
  applicationName: true,
  serviceRoleArn: true,
  waitForCompletion: true,
  timeoutMinutes: true,
  deployAfter: true,
  keepVersions: true,
  retryToken: true,
} as const satisfies ShapeOf<CodeDeployTrafficShifting>;

const weightedTrafficShifting = {
  mode: true,
  stableVersion: true,
  canaryVersion: true,
  weight: true,
} as const satisfies ShapeOf<WeightedTrafficShifting>;

/** Every key of `TrafficShiftingArgs`, in one of the two modes. */
const trafficShifting = shapeVariants(
  "mode",
  { codedeploy: codeDeployTrafficShifting, weighted: weightedTrafficShifting },
  "codedeploy",
);
// Both modes together are exactly TrafficShiftingArgs.
({
  ...codeDeployTrafficShifting,
  ...weightedTrafficShifting,
}) satisfies ShapeOf<TrafficShiftingArgs>;

const trafficShiftAlarms = {
  errorThreshold: true,
  durationBaselineMs: true,
  durationTolerance: true,
  throttleAlarm: true,
  createDefaults: true,
  additionalAlarmNames: true,
} as const satisfies ShapeOf<TrafficShiftAlarmsArgs>;

/** `TrafficShiftedFunctionArgs`; `trafficShifting` by its `mode` (default codedeploy). */
export const TRAFFIC_SHIFTED_FUNCTION_ARGS = {
  code: true,
  handler: true,
  runtime: true,
  memorySize: true,
  timeout: true,
  architecture: true,
  environment: true,
  logLevel: true,
  role: true,
  policyStatements: true,
  tracing: true,
  deadLetterTargetArn: true,
  reservedConcurrency: true,
  logRetentionInDays: true,
  aliasName: true,
  description: true,
  region: true,
  tags: true,
  notificationTopicArns: true,
  dashboardUrl: true,
  trafficShifting,
  hooks: {
    preTraffic: deploymentHook,
    postTraffic: deploymentHook,
  } satisfies ShapeOf<DeploymentHooksArgs>,
  alarms: trafficShiftAlarms,
  appConfigExtension: true,
} as const satisfies ShapeOf<TrafficShiftedFunctionArgs>;

/** `DeploymentAlarmsArgs`. */
export const DEPLOYMENT_ALARMS_ARGS = {
  functionName: true,
  aliasName: true,
  errorThreshold: true,
  durationBaselineMs: true,
  version: true,
  durationTolerance: true,
  throttleAlarm: true,
  region: true,
  tags: true,
  alarmActions: true,
} as const satisfies ShapeOf<DeploymentAlarmsArgs>;

const healthCheck = {
  requestInterval: true,
  failureThreshold: true,
  measureLatency: true,
  regions: true,
  alarms: true,
} as const satisfies ShapeOf<RegionalHealthCheckArgs>;

// Each function's own keys are checked by its TrafficShiftedFunction check (checkServiceShape).
const serviceShape = {
  functions: true,
  routes: true,
  healthFunction: true,
  domain: { zoneId: true, name: true } satisfies ShapeOf<ServiceDomainArgs>,
  ipAddressType: true,
  healthCheck,
  unlistedRegions: true,
  tags: true,
  notificationTopicArns: true,
  dashboardUrl: true,
} as const satisfies ShapeOf<ServiceShapeArgs>;

/** `RegionalServiceArgs` (`table` may be an aws.dynamodb.Table: only plain objects are checked). */
export const REGIONAL_SERVICE_ARGS = {
  ...serviceShape,
  region: true,
  table: objectOrInstance({ name: true, arn: true } satisfies ShapeOf<ServiceTableArgs>),
  deployAfter: true,
} as const satisfies ShapeOf<RegionalServiceArgs>;

const multiRegionCommon = {
  ...serviceShape,
  healthCheckByRegion: eachValue(healthCheck),
  table: {
    name: true,
    hashKey: true,
    hashKeyType: true,
    rangeKey: true,
    rangeKeyType: true,
    protectData: true,
  } satisfies ShapeOf<GlobalTableArgs>,
  rolloutWaves: true,
} as const;

/**
 * `MultiRegionServiceArgs`: the keys of both topologies (checkMultiRegionServiceArgs already
 * refuses a key of the other topology, `applies to topology "active-active" only`).
 */
export const MULTI_REGION_SERVICE_ARGS = {
  ...({
    ...multiRegionCommon,
    topology: true,
    primaryRegion: true,
    standbyRegions: true,
    standbyRecordName: true,
  } satisfies ShapeOf<ActivePassiveServiceArgs>),
  ...({
    ...multiRegionCommon,
    topology: true,
    regions: true,
    routing: true,
    geolocation: true,
    defaultRegion: true,
    weights: true,
  } satisfies ShapeOf<ActiveActiveServiceArgs>),
};

// FeatureFlags (issue 15): its own section, so that other changes to this file merge cleanly.
/** `FeatureFlagAttributeArgs`. */
export const FEATURE_FLAG_ATTRIBUTE_ARGS = {
  name: true,
  stringValue: true,
  numberValue: true,
  booleanValue: true,
  stringValues: true,
  numberValues: true,
  type: true,
  description: true,
  required: true,
  minimum: true,
  maximum: true,
  pattern: true,
  allowedValues: true,
} as const satisfies ShapeOf<FeatureFlagAttributeArgs>;

/** `FeatureFlagArgs` (its attributes are checked item by item with the shape above). */
export const FEATURE_FLAG_ARGS = {
  name: true,
  enabled: true,
  description: true,
  attributes: true,
} as const satisfies ShapeOf<FeatureFlagArgs>;

/** `FeatureFlagsArgs` (flags, monitors and readers are lists, checked item by item). */
export const FEATURE_FLAGS_ARGS = {
  regions: true,
  environment: true,
  flags: true,
  applicationName: true,
  profileName: true,
  rollout: {
    strategy: true,
    growthType: true,
    growthFactor: true,
    durationMinutes: true,
    finalBakeTimeMinutes: true,
  } satisfies ShapeOf<FeatureFlagRolloutArgs>,
  monitors: true,
  readers: true,
  unlistedRegions: true,
  tags: true,
} as const satisfies ShapeOf<FeatureFlagsArgs>;
// --- ServiceDashboard (issue 16) ---
/** `ServiceDashboardArgs`. */
export const SERVICE_DASHBOARD_ARGS = {
  regions: true,
  region: true,
  dashboardName: true,
  tableName: true,
  alarmArns: true,
  periodSeconds: true,
} as const satisfies ShapeOf<ServiceDashboardArgs>;

// --- ServiceNotifications (issue 16) ---
/** `ServiceNotificationsArgs`. */
export const SERVICE_NOTIFICATIONS_ARGS = {
  regions: true,
  topicName: true,
  emails: true,
  httpsEndpoints: true,
  existingTopicArns: true,
  tags: true,
} as const satisfies ShapeOf<ServiceNotificationsArgs>;
