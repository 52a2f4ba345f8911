// The keys each component's arguments may have, for `ArgumentProblems.knownKeys`: a key that is
// not here is refused at run time (a misspelling from JavaScript or through `as any` would
// otherwise fall back to a default without a word). Each shape `satisfies ShapeOf<Args>`, so
// adding or removing an argument in an interface does not compile until its shape follows.
import type { DeploymentAlarmsArgs } from "./deploymentAlarms";
import type { DeploymentHook } from "./deploymentHook";
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
import { eachValue, INPUT, objectOrInstance, shapeVariants, ShapeOf } from "./validation";

const deploymentHook = {
  code: INPUT,
  handler: INPUT,
  runtime: INPUT,
  timeout: true,
  memorySize: true,
  environment: true,
  policyStatements: true,
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
  policyStatements: true,
  tracing: true,
  deadLetterTargetArn: INPUT,
  reservedConcurrency: true,
  logRetentionInDays: true,
  aliasName: true,
  description: INPUT,
  region: INPUT,
  tags: INPUT,
  trafficShifting,
  hooks: {
    preTraffic: deploymentHook,
    postTraffic: deploymentHook,
  } satisfies ShapeOf<DeploymentHooks>,
  alarms: trafficShiftAlarms,
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
} as const satisfies ShapeOf<DeploymentAlarmsArgs>;

const healthCheck = {
  requestInterval: true,
  failureThreshold: true,
  measureLatency: true,
  regions: true,
  alarms: true,
} as const satisfies ShapeOf<RegionalHealthCheck>;

// Each function's own keys are checked by its TrafficShiftedFunction check (checkServiceShape).
const serviceShape = {
  functions: true,
  routes: true,
  healthFunction: true,
  domain: { zoneId: INPUT, name: true } satisfies ShapeOf<ServiceDomain>,
  ipAddressType: true,
  healthCheck,
  unlistedRegions: true,
  tags: INPUT,
} as const satisfies ShapeOf<ServiceShapeArgs>;

/** `RegionalServiceArgs` (`table` may be an aws.dynamodb.Table: only plain objects are checked). */
export const REGIONAL_SERVICE_ARGS = {
  ...serviceShape,
  region: true,
  table: objectOrInstance({ name: INPUT, arn: INPUT } satisfies ShapeOf<ServiceTable>),
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
