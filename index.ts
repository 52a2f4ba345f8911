// The bundled program: the orders service (POST /orders, GET /orders/{id}, GET /health) in
// every region of the stack, behind Route 53, with its versions rolled out by CodeDeploy.
// Everything that differs between dev, staging and prod comes from the stack's config
// (stacks/Pulumi.<stack>.yaml, validated by loadStackSettings); nothing here does.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import {
  checkMultiRegionServiceArgs,
  dashboardUrl as dashboardAddress,
  DeploymentHookArgs,
  deploymentTypeFields,
  FeatureFlags,
  featureFlagEnvironment,
  featureFlagPrefetch,
  loadStackSettings,
  metricsCheckHook,
  MultiRegionService,
  MultiRegionServiceArgs,
  regionOrderOf,
  ServiceFunctionArgs,
  ServiceDashboard,
  ServiceNetwork,
  serviceDashboardArgs,
  ServiceNotifications,
  smokeTestHook,
  StackConfigError,
  StackSettings,
  TrafficShiftedFunctionArgs,
} from "./components";

const { settings, secretEnvironment } = loadStackSettings();

/** How new versions of the orders function reach users, from `deployment` config. */
function trafficShifting(s: StackSettings): TrafficShiftedFunctionArgs["trafficShifting"] {
  const deployment = s.deployment;
  if (deployment.mode === "weighted") {
    return {
      mode: "weighted",
      stableVersion: deployment.stableVersion,
      canaryVersion: deployment.canaryVersion,
      weight: deployment.weight,
    };
  }
  return {
    mode: "codedeploy",
    ...deploymentTypeFields(deployment.type),
    waitForCompletion: deployment.waitForCompletion,
    timeoutMinutes: deployment.timeoutMinutes,
    keepVersions: deployment.keepVersions,
    retryToken: deployment.retryToken,
  };
}

// Feature flags (AppConfig): the orders function reads them by name, through the AppConfig
// Lambda extension unless featureFlags.extension is false (then with the AWS SDK).
const flagSettings = settings.featureFlags;
const flagsOn = flagSettings.flags.length > 0;
const flagEnvironment: Record<string, string> = flagsOn
  ? {
      ...featureFlagEnvironment({
        applicationName: settings.service,
        environment: settings.environment,
      }),
      FEATURE_FLAGS_READER: flagSettings.extension ? "extension" : "sdk",
      ...(flagSettings.extension
        ? featureFlagPrefetch({
            applicationName: settings.service,
            environment: settings.environment,
          })
        : {}),
    }
  : {};
const codeDeploy = settings.deployment.mode === "codedeploy";

/**
 * The functions' VPC (config `network`, issue 17). Without NAT, flags read with the AWS SDK
 * (featureFlags.extension false) need AppConfig Data's interface endpoint too: the component adds
 * it by itself only for the extension.
 */
function serviceNetwork(s: StackSettings): ServiceNetwork | undefined {
  const network = s.network;
  if (network?.vpc !== "create" || network.natGateways !== "none" || !flagsOn) {
    return network;
  }
  const endpoints = network.interfaceEndpoints ?? [];
  return endpoints.includes("appconfigdata")
    ? network
    : { ...network, interfaceEndpoints: [...endpoints, "appconfigdata"] };
}

// A code deployment must not start before the flags it reads are deployed and its role may read
// them: the FeatureFlags component is built after the service (it needs the service's alarms and
// roles), so the orders deployments wait on a promise settled with its `ready` output below.
let flagsBuilt: (ready: pulumi.Output<string>) => void = () => undefined;
const flagsReady = flagsOn
  ? pulumi.output(new Promise<pulumi.Output<string>>((resolve) => (flagsBuilt = resolve)))
  : undefined;
/** Every function, hooks included, knows its environment (LOG_LEVEL comes with `logLevel`). */
const withEnvironment = (hook: DeploymentHookArgs): DeploymentHookArgs => ({
  ...hook,
  environment: { ...(hook.environment ?? {}), ENVIRONMENT: settings.environment },
});
const orders: ServiceFunctionArgs = {
  // Bundled from its entry file with esbuild (issue 17): an unchanged source publishes nothing.
  source: { entry: path.join(__dirname, "service", "orders", "index.js") },
  description: `${settings.service} API (${settings.environment})`,
  memorySize: settings.function.memorySize ?? 256,
  timeout: settings.function.timeout ?? 10,
  reservedConcurrency: settings.function.reservedConcurrency,
  logRetentionInDays: settings.function.logRetentionInDays,
  logLevel: settings.logLevel,
  environment: { ENVIRONMENT: settings.environment, ...flagEnvironment, ...secretEnvironment },
  appConfigExtension: flagsOn && flagSettings.extension ? true : undefined,
  trafficShifting: trafficShifting(settings),
  deploymentDependsOn: flagsReady ? [flagsReady] : undefined,
  alarms: {
    createDefaults: settings.alarms.createDefaults,
    errorThreshold: settings.alarms.errorThreshold,
    durationBaselineMs: settings.alarms.durationBaselineMs,
    additionalAlarmNames: settings.alarms.additionalAlarmNames,
  },
  // Before traffic moves, the new version must answer its region's health route; after, it
  // must have served the window without errors or throttles (and within the baseline).
  hooks:
    codeDeploy && settings.deployment.hooks
      ? {
          preTraffic: withEnvironment(
            smokeTestHook({
              event: {
                version: "2.0",
                rawPath: "/health",
                requestContext: { http: { method: "GET", path: "/health" } },
              },
              // The new version serves and, with flags, actually read them from AppConfig
              // (`fallback` would be a broken layer or missing IAM). Not the flag's value: a flag
              // rollout in progress, or one AppConfig rolled back, serves either value.
              expect: {
                statusCode: 200,
                ...(flagsOn ? { bodyMatches: { flags: { source: "appconfig" } } } : {}),
              },
            }),
          ),
          postTraffic: withEnvironment(
            metricsCheckHook({
              maxErrors: 0,
              maxThrottles: 0,
              ...(settings.alarms.durationBaselineMs
                ? { durationBaselineMs: settings.alarms.durationBaselineMs }
                : {}),
            }),
          ),
        }
      : undefined,
  // Function options that differ per environment (issue 17 part B, config `functionOptions`).
  provisionedConcurrency: settings.functionOptions.provisionedConcurrency,
  architecture: settings.functionOptions.architecture,
  ephemeralStorageMb: settings.functionOptions.ephemeralStorageMb,
  layers: settings.functionOptions.layers.length > 0 ? settings.functionOptions.layers : undefined,
  kmsKeyArn: settings.functionOptions.kmsKeyArn,
};

// Event sources (issue 17): the worker imports orders from an SQS queue (created with a
// dead-letter queue) and writes its region's heartbeat on a schedule, both through its `live`
// alias, so its versions roll out (and roll back) like the API's.
const workerSettings = settings.worker;
const worker: ServiceFunctionArgs | undefined = workerSettings && {
  // Bundled from its own entry file like the API (issue 17): the bundle's exports are `index.*`.
  source: { entry: path.join(__dirname, "service", "orders", "worker.js") },
  handler: "index.handler",
  description: `${settings.service} worker (${settings.environment})`,
  memorySize: settings.function.memorySize ?? 256,
  timeout: workerSettings.timeout,
  logRetentionInDays: settings.function.logRetentionInDays,
  logLevel: settings.logLevel,
  environment: { ENVIRONMENT: settings.environment, ...secretEnvironment },
  trafficShifting: trafficShifting(settings),
  // The API's alarms without its duration baseline: a batch of imports (sequential writes) is
  // not the API's request, and a duration alarm gates and rolls back the worker's deployment.
  alarms: {
    createDefaults: settings.alarms.createDefaults,
    errorThreshold: settings.alarms.errorThreshold,
    additionalAlarmNames: settings.alarms.additionalAlarmNames,
  },
  // The worker's versions get hooks like the API's. Before traffic: an empty SQS batch, which
  // loads the bundle, reads TABLE_NAME and runs the batch path without writing anything (a
  // heartbeat would write the table; a real message would import an order). After: its window
  // without errors or throttles; no duration baseline, which is the API's.
  hooks:
    codeDeploy && settings.deployment.hooks
      ? {
          preTraffic: withEnvironment(
            smokeTestHook({
              event: { Records: [] },
              expect: { payloadMatches: { batchItemFailures: [] } },
            }),
          ),
          postTraffic: withEnvironment(metricsCheckHook({ maxErrors: 0, maxThrottles: 0 })),
        }
      : undefined,
  eventSources: {
    sqs: workerSettings.queue ? [{ name: "imports", ...workerSettings.queue }] : undefined,
    schedules: workerSettings.schedule
      ? [{ name: "heartbeat", ...workerSettings.schedule, input: '{"task":"heartbeat"}' }]
      : undefined,
    // Failed heartbeats go to a queue per region, with an alarm (stack config worker.asyncFailures).
    asyncInvocation: workerSettings.schedule ? workerSettings.asyncFailures : undefined,
  },
};

const shared = {
  functions: { orders, ...(worker ? { worker } : {}) },
  routes: { "POST /orders": "orders", "GET /orders/{id}": "orders" },
  healthFunction: "orders",
  domain: settings.domain,
  healthCheck: settings.healthCheck,
  table: settings.table.enabled
    ? { hashKey: settings.table.hashKey, protectData: settings.protectData }
    : undefined,
  rolloutWaves: settings.deployment.waves,
  unlistedRegions: settings.unlistedRegions,
  tags: settings.tags,
  network: serviceNetwork(settings),
};
const serviceArgs: MultiRegionServiceArgs =
  settings.topology === "active-passive"
    ? {
        topology: "active-passive",
        primaryRegion: settings.primaryRegion,
        standbyRegions: settings.standbyRegions,
        ...shared,
      }
    : {
        topology: "active-active",
        regions: settings.regions,
        routing: settings.routing ?? "latency",
        geolocation: settings.geolocation,
        defaultRegion: settings.defaultRegion,
        weights: settings.weights,
        ...shared,
      };

// The component checks its arguments again (a region listed under two locations, ...); do it
// before the provider exists so that a bad stack registers nothing at all.
const argumentProblems = checkMultiRegionServiceArgs(
  `MultiRegionService "${settings.service}"`,
  serviceArgs,
);
if (argumentProblems.count > 0) {
  throw new StackConfigError(
    settings.stackFile,
    argumentProblems.messages.map((problem) => `the service the settings describe: ${problem}`),
  );
}

// One provider for every region (resources carry their own `region`). It refuses to act in
// any account but the stack's, so prod config can never land in the dev account, and tags
// everything it creates.
const provider = new aws.Provider("aws", {
  region: settings.primaryRegion as aws.Region,
  allowedAccountIds: [settings.accountId],
  defaultTags: { tags: settings.tags },
});

// The same guard, with a message that names the stack file, as soon as credentials are read.
export const accountId = aws.getCallerIdentityOutput({}, { provider }).accountId.apply((actual) => {
  if (actual !== settings.accountId) {
    throw new Error(
      `${settings.stackFile} deploys to account ${settings.accountId}, but the credentials are for account ${actual}: switch credentials (AWS_PROFILE) or use the stack for that account`,
    );
  }
  return actual;
});

// After the deploy (issue 16): a topic per region that operators subscribe to (config
// `notifications`), told about stopped and rolled-back deployments and failovers.
const notifications = settings.notifications
  ? new ServiceNotifications(
      `${settings.service}-${settings.stack}`,
      {
        regions: settings.regions,
        emails: settings.notifications.emails,
        httpsEndpoints: settings.notifications.httpsEndpoints,
        existingTopicArns: settings.notifications.topicArns,
        tags: settings.tags,
      },
      { provider },
    )
  : undefined;

// One dashboard for the service and stack, in the primary region, every region side by side.
// It is made after the service (it shows the service's resources), but its address follows from
// its name and region, so every deployment's messages can link it.
const dashboardName = `${settings.service}-${settings.stack}`;
const service = new MultiRegionService(
  settings.service,
  {
    ...serviceArgs,
    ...(notifications ? { notificationTopicArns: notifications.allTopicArns } : {}),
    ...(settings.dashboard
      ? { dashboardUrl: dashboardAddress(regionOrderOf(serviceArgs)[0], dashboardName) }
      : {}),
  },
  { provider },
);

const dashboard = settings.dashboard
  ? new ServiceDashboard(dashboardName, serviceDashboardArgs(service), { provider })
  : undefined;

// The flags in every serving region, rolled out with the environment's strategy and rolled back
// by the orders function's alarms in that region; the function's role may read them.
const featureFlags = flagsOn
  ? new FeatureFlags(
      `${settings.service}-flags`,
      {
        regions: service.regionOrder,
        environment: settings.environment,
        applicationName: settings.service,
        flags: flagSettings.flags,
        rollout: flagSettings.rollout,
        monitors: service.regionOrder.flatMap((region) => {
          const alarms = service.services[region].functions.orders.deploymentAlarms;
          return [alarms?.errorAlarm, alarms?.durationAlarm, alarms?.throttleAlarm]
            .filter((alarm) => alarm !== undefined)
            .map((alarm) => ({ region, alarmArn: alarm.arn }));
        }),
        readers: service.regionOrder.flatMap((region) => {
          const role = service.services[region].functions.orders.role;
          return role ? [{ region, roleName: role.name }] : [];
        }),
        tags: settings.tags,
      },
      { provider },
    )
  : undefined;
if (featureFlags) {
  flagsBuilt(featureFlags.ready);
}

/** The settings that applied (config merged over the environment's defaults); no secret values. */
export const resolvedSettings = settings;
export const endpoint = service.globalEndpoint;
export const regionalEndpoints = service.regionalEndpoints;
export const healthCheckIds = service.healthCheckIds;
export const failoverDetectionSeconds = service.failoverDetectionSeconds;
export const tableName = service.tableName;
export const regionOrder = service.regionOrder;
/**
 * Per region, per function (`orders`): the alias, the version the last `pulumi up` published
 * (where the alias must end), and the CodeDeploy application, group and configuration that
 * move it. What `npm run test:integration` checks against AWS (docs/integration-tests.md).
 * Only values known at preview: the deployment's own outputs (its id) are unknown until the
 * update, and an unknown nested output would hide every output of the preview.
 */
export const functions = Object.fromEntries(
  service.regionOrder.map((region) => [
    region,
    Object.fromEntries(
      Object.entries(service.services[region].functions).map(([key, fn]) => [
        key,
        {
          functionName: fn.functionName,
          aliasName: fn.aliasName,
          targetVersion: fn.targetVersion,
          mode: fn.mode,
          applicationName: fn.applicationName,
          deploymentGroupName: fn.deploymentGroupName,
          deploymentConfigName: fn.deploymentConfigName,
        },
      ]),
    ),
  ]),
);
/** Feature flags: the rollout strategy and, per region, the hash of the flags deployed there. */
export const flagRollout = featureFlags
  ? { strategy: featureFlags.strategy, contentHashes: featureFlags.contentHashes }
  : undefined;

/** The CloudWatch dashboard's console address (config `dashboard`). */
export const dashboardUrl = dashboard ? dashboard.url : "";
/** The notification topic of each region (config `notifications`); empty without. */
export const notificationTopicArns = notifications ? notifications.topicArns : {};
