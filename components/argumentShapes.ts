// The keys each component's arguments may have, for `ArgumentProblems.knownKeys`: a key that is
// not here is refused at run time (a misspelling from JavaScript or through `as any` would
// otherwise fall back to a default without a word). Each shape `satisfies ShapeOf<Args>`, so
// adding or removing an argument in an interface does not compile until its shape follows.
import type { DeploymentAlarmsArgs } from "./deploymentAlarms";
import type { DeploymentHook } from "./deploymentHook";
import type { FunctionSource } from "./bundling";
import type {
  FeatureFlag,
  FeatureFlagAttribute,
  FeatureFlagRollout,
  FeatureFlagsArgs,
} from "./featureFlags";
import type {
  ActiveActiveServiceArgs,
  ActivePassiveServiceArgs,
  GlobalTable,
} from "./multiRegionService";
import type {
  RegionalHealthCheck,
  RegionalServiceArgs,
  ServiceDomain,
  ServiceShapeArgs,
  ServiceTable,
} from "./regionalService";
import type {
  CodeDeployTrafficShifting,
  DeploymentHooks,
  TrafficShiftAlarms,
  TrafficShiftedFunctionArgs,
  TrafficShifting,
  WeightedTrafficShifting,
} from "./trafficShiftedFunction";
import type { TrafficStep } from "./trafficShifting";
import type { ServiceDashboardArgs } from "./serviceDashboard";
import type { ExistingVpc, FunctionVpcConfig, ServiceNetwork } from "./serviceNetwork";
import type { ServiceNotificationsArgs } from "./serviceNotifications";
import { eachItem, eachValue, INPUT, objectOrInstance, shapeVariants, ShapeOf } from "./validation";
import { EVENT_SOURCES_ARGS } from "./eventSourceShapes";

const deploymentHook = {
  code: INPUT,
  handler: INPUT,
  runtime: INPUT,
  timeout: true,
  memorySize: true,
  environment: true,
  // Each statement's keys are checked by checkPolicyStatements; a statement sent as one Output
  // is named once, `[hooks.preTraffic.policyStatements[0]]`, not key by key.
  policyStatements: eachItem(true),
  source: { entry: true, external: eachItem(true), minify: true, sourceMap: true },
} as const satisfies ShapeOf<DeploymentHook>;

const trafficStep = {
  percentage: true,
  intervalMinutes: true,
} as const satisfies ShapeOf<TrafficStep>;

// TrafficShifting is one interface for both modes (a package schema has no unions); the
// keys of each mode are checked by its `mode`, so a field of the other mode is named as such.
const codeDeployTrafficShifting = {
  mode: true,
  type: true,
  canary: trafficStep,
  linear: trafficStep,
  applicationName: INPUT,
  serviceRoleArn: INPUT,
  waitForCompletion: true,
  timeoutMinutes: true,
  deployAfter: INPUT,
  keepVersions: true,
  retryToken: INPUT,
} as const satisfies ShapeOf<CodeDeployTrafficShifting>;

const weightedTrafficShifting = {
  mode: true,
  stableVersion: true,
  canaryVersion: true,
  weight: true,
} as const satisfies ShapeOf<WeightedTrafficShifting>;

/** Every key of `TrafficShifting`, in one of the two modes. */
const trafficShifting = shapeVariants(
  "mode",
  { codedeploy: codeDeployTrafficShifting, weighted: weightedTrafficShifting },
  "codedeploy",
);
// Both modes together are exactly TrafficShifting.
({
  ...codeDeployTrafficShifting,
  ...weightedTrafficShifting,
}) satisfies ShapeOf<TrafficShifting>;

const trafficShiftAlarms = {
  errorThreshold: true,
  durationBaselineMs: true,
  durationTolerance: true,
  throttleAlarm: true,
  createDefaults: true,
  additionalAlarmNames: true,
} as const satisfies ShapeOf<TrafficShiftAlarms>;

/** `TrafficShiftedFunctionArgs`; `trafficShifting` by its `mode` (default codedeploy). */
export const TRAFFIC_SHIFTED_FUNCTION_ARGS = {
  code: INPUT,
  handler: INPUT,
  runtime: INPUT,
  memorySize: true,
  timeout: true,
  architecture: true,
  environment: INPUT,
  logLevel: true,
  role: INPUT,
  policyStatements: eachItem(true),
  tracing: true,
  deadLetterTargetArn: INPUT,
  reservedConcurrency: true,
  logRetentionInDays: true,
  aliasName: true,
  description: INPUT,
  region: INPUT,
  tags: INPUT,
  notificationTopicArns: true,
  dashboardUrl: INPUT,
  trafficShifting,
  hooks: {
    preTraffic: deploymentHook,
    postTraffic: deploymentHook,
  } satisfies ShapeOf<DeploymentHooks>,
  alarms: trafficShiftAlarms,
  appConfigExtension: true,
  deploymentDependsOn: true,
  // Issue 17 part B.
  source: {
    entry: true,
    external: eachItem(true),
    minify: true,
    sourceMap: true,
  } satisfies ShapeOf<FunctionSource>,
  provisionedConcurrency: true,
  layers: true,
  ephemeralStorageMb: true,
  kmsKeyArn: INPUT,
  snapStart: true,
  vpcConfig: { subnetIds: INPUT, securityGroupIds: INPUT } satisfies ShapeOf<FunctionVpcConfig>,
  eventSources: EVENT_SOURCES_ARGS,
} as const satisfies ShapeOf<TrafficShiftedFunctionArgs>;

/** `DeploymentAlarmsArgs`. */
export const DEPLOYMENT_ALARMS_ARGS = {
  functionName: INPUT,
  aliasName: INPUT,
  errorThreshold: true,
  durationBaselineMs: true,
  version: INPUT,
  durationTolerance: true,
  throttleAlarm: true,
  region: INPUT,
  tags: INPUT,
  alarmActions: INPUT,
} as const satisfies ShapeOf<DeploymentAlarmsArgs>;

const healthCheck = {
  requestInterval: true,
  failureThreshold: true,
  measureLatency: true,
  regions: eachItem(true),
  alarms: eachItem(true),
} as const satisfies ShapeOf<RegionalHealthCheck>;

// Each function's own keys are checked by its TrafficShiftedFunction check (checkServiceShape);
// `eachValue(true)` names a function sent as one Output once, `[functions.orders]`, instead of
// letting that check read the Output's members as the function's fields.
const serviceShape = {
  functions: eachValue(true),
  routes: eachValue(true),
  healthFunction: true,
  domain: { zoneId: INPUT, name: true } satisfies ShapeOf<ServiceDomain>,
  ipAddressType: true,
  healthCheck,
  unlistedRegions: eachItem(true),
  tags: INPUT,
  notificationTopicArns: true,
  dashboardUrl: INPUT,
  network: {
    vpc: true,
    natGateways: true,
    availabilityZones: true,
    cidrBlock: true,
    interfaceEndpoints: true,
    existingVpcs: eachValue({
      vpcId: INPUT,
      subnetIds: true,
      securityGroupIds: true,
    } satisfies ShapeOf<ExistingVpc>),
  } satisfies ShapeOf<ServiceNetwork>,
} as const satisfies ShapeOf<ServiceShapeArgs>;

/** `RegionalServiceArgs` (`table` may be an aws.dynamodb.Table: only plain objects are checked). */
export const REGIONAL_SERVICE_ARGS = {
  ...serviceShape,
  region: true,
  table: objectOrInstance({
    name: INPUT,
    arn: INPUT,
    streamArn: INPUT,
  } satisfies ShapeOf<ServiceTable>),
  deployAfter: INPUT,
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
  } satisfies ShapeOf<GlobalTable>,
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
    standbyRegions: eachItem(true),
    standbyRecordName: true,
  } satisfies ShapeOf<ActivePassiveServiceArgs>),
  ...({
    ...multiRegionCommon,
    topology: true,
    regions: eachItem(true),
    routing: true,
    geolocation: eachValue(eachItem(true)),
    defaultRegion: true,
    weights: eachValue(true),
  } satisfies ShapeOf<ActiveActiveServiceArgs>),
};

// FeatureFlags (issue 15): its own section, so that other changes to this file merge cleanly.
// Lists and maps are `eachItem`/`eachValue` here and above: an item or value sent as one Output
// is named once by its own key (`[flags[0]]`), not field by field with the Output's members.
/** `FeatureFlagAttribute`. */
export const FEATURE_FLAG_ATTRIBUTE_ARGS = {
  name: true,
  stringValue: true,
  numberValue: true,
  booleanValue: true,
  stringValues: eachItem(true),
  numberValues: eachItem(true),
  type: true,
  description: true,
  required: true,
  minimum: true,
  maximum: true,
  pattern: true,
  allowedValues: eachItem(true),
} as const satisfies ShapeOf<FeatureFlagAttribute>;

/** `FeatureFlag` (its attributes are checked item by item with the shape above). */
export const FEATURE_FLAG_ARGS = {
  name: true,
  enabled: true,
  description: true,
  attributes: eachItem(FEATURE_FLAG_ATTRIBUTE_ARGS),
} as const satisfies ShapeOf<FeatureFlag>;

/** `FeatureFlagsArgs` (flags, monitors and readers are lists, checked item by item). */
export const FEATURE_FLAGS_ARGS = {
  regions: eachItem(true),
  environment: true,
  flags: eachItem(FEATURE_FLAG_ARGS),
  applicationName: true,
  profileName: true,
  rollout: {
    strategy: true,
    growthType: true,
    growthFactor: true,
    durationMinutes: true,
    finalBakeTimeMinutes: true,
  } satisfies ShapeOf<FeatureFlagRollout>,
  monitors: eachItem(true),
  readers: eachItem(true),
  unlistedRegions: eachItem(true),
  tags: true,
} as const satisfies ShapeOf<FeatureFlagsArgs>;
// --- ServiceDashboard (issue 16) ---
/** `ServiceDashboardArgs`. */
export const SERVICE_DASHBOARD_ARGS = {
  regions: eachItem(true),
  region: true,
  dashboardName: true,
  tableName: INPUT,
  alarmArns: true,
  periodSeconds: true,
} as const satisfies ShapeOf<ServiceDashboardArgs>;

// --- ServiceNotifications (issue 16) ---
/** `ServiceNotificationsArgs`. */
export const SERVICE_NOTIFICATIONS_ARGS = {
  regions: eachItem(true),
  topicName: true,
  emails: eachItem(true),
  httpsEndpoints: eachItem(true),
  existingTopicArns: eachItem(true),
  tags: true,
} as const satisfies ShapeOf<ServiceNotificationsArgs>;
