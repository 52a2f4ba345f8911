import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { GeoLocation } from "./multiRegionService";
import { AWS_COMMERCIAL_REGIONS } from "./regions";
import { PREDEFINED_DEPLOYMENT_TYPES, type DeploymentType } from "./trafficShifting";
import { closestKey, REGION_PATTERN, showValue } from "./validation";
import { scheduleExpressionProblem } from "./scheduleExpressions";
import type { FeatureFlag, FeatureFlagAttribute, FeatureFlagRollout } from "./featureFlags";
import {
  cidrPrefixLength,
  subnetSizeProblem,
  type NatGateways,
  type ServiceNetwork,
} from "./serviceNetwork";
import {
  functionOptionsConfig,
  FunctionOptionSettings,
  resolveFunctionOptions,
} from "./functionOptionSettings";
import {
  resolveWorkerAsyncFailures,
  WorkerAsyncFailureSettings,
  workerAsyncFailuresConfig,
} from "./workerFailureSettings";
import {
  FLAG_KEY_PATTERN,
  FLAG_ROLLOUT_DEFAULTS,
  PREDEFINED_FLAG_STRATEGIES,
} from "./featureFlagContent";
import {
  checkLoadTestPhases,
  loadTestConfigSchema,
  resolveLoadTest,
  type LoadTestSettings,
} from "./loadTestSettings";

/**
 * Stack settings: everything that differs between environments, read from the stack's
 * Pulumi config (`stacks/Pulumi.<stack>.yaml`, namespace = the project name), validated with
 * zod, with per-environment defaults. Nothing environment-specific lives in code.
 */

/** The environments with built-in defaults. */
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"] as const;

const region = z
  .string()
  .regex(REGION_PATTERN, { error: "must be an AWS region name such as us-east-1" });
const version = z.string().regex(/^[1-9][0-9]*$/, {
  error: 'must be a published version number such as "3" (never $LATEST)',
});
const step = z.strictObject({
  percentage: z.int().min(1).max(99),
  intervalMinutes: z.int().min(1).max(2880),
});
const deploymentType = z.union(
  [
    z.enum(PREDEFINED_DEPLOYMENT_TYPES),
    z.strictObject({ canary: step }),
    z.strictObject({ linear: step }),
  ],
  {
    error: `must be one of ${PREDEFINED_DEPLOYMENT_TYPES.join(", ")}, or { canary: { percentage, intervalMinutes } } or { linear: { percentage, intervalMinutes } }`,
  },
);
const location = z
  .strictObject({
    continent: z.enum(["AF", "AN", "AS", "EU", "OC", "NA", "SA"]).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, {
        error: "must be an ISO 3166 alpha-2 code such as US (users elsewhere go to defaultRegion)",
      })
      .optional(),
    subdivision: z.string().min(1).max(3).optional(),
  })
  .refine((l) => (l.continent === undefined) !== (l.country === undefined), {
    error:
      "a location has exactly one of continent or country (subdivision goes with country US, UA)",
  });

// Feature flags (issue 15): keys and values as AppConfig's feature-flag format allows them.
const flagKey = z.string().regex(FLAG_KEY_PATTERN, {
  error:
    "flag and attribute names start with a lowercase letter and hold up to 64 letters, digits, _ and - (AppConfig)",
});
const flagAttributeValue = z.union(
  [
    z.string().max(1024),
    z.number(),
    z.boolean(),
    z.array(z.string().max(1024)).min(1),
    z.array(z.number()).min(1),
  ],
  {
    error:
      "must be a string (up to 1024 characters), a number, true or false, or a non-empty list of strings or of numbers",
  },
);

/**
 * The config schema of the bundled program, key by key (each is `<project>:<key>` in a stack file).
 * @internal Public as `multiregion-serverless/schema` (components/schema.ts): zod's typings need
 * `esModuleInterop`, which Pulumi's TypeScript template does not set, so the root export's
 * declarations must not reach them.
 */
export const stackConfigSchema = z.strictObject({
  /** dev, staging or prod: picks the defaults. Default: the stack name when it is one of them. */
  environment: z.enum(ENVIRONMENTS).optional(),
  /** The AWS account this stack deploys to; the provider refuses any other. */
  accountId: z.string().regex(/^\d{12}$/, { error: "must be a 12-digit AWS account id" }),
  /** Service name, for names and the `service` tag. */
  service: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,29}$/, {
      error: "must be 1-30 lowercase letters, digits or -, starting with a letter",
    })
    .optional(),
  regions: z.array(region).min(1, { error: "must list at least one region" }).optional(),
  /** Regions to accept although they are not in AWS_COMMERCIAL_REGIONS (launched later, or another partition). */
  unlistedRegions: z.array(region).optional(),
  topology: z.enum(["active-passive", "active-active"]).optional(),
  primaryRegion: region.optional(),
  routing: z.enum(["latency", "geolocation", "weighted"]).optional(),
  geolocation: z.record(region, z.array(location).min(1)).optional(),
  defaultRegion: region.optional(),
  weights: z.record(region, z.int().min(0).max(255)).optional(),
  domain: z
    .strictObject({
      zoneId: z
        .string()
        .regex(/^Z[A-Z0-9]{1,31}$/, { error: "must be a Route 53 hosted zone id such as Z123ABC" }),
      name: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
        error: "must be a DNS name such as api.example.com",
      }),
    })
    .optional(),
  deployment: z
    .strictObject({
      mode: z.enum(["codedeploy", "weighted"]).optional(),
      type: deploymentType.optional(),
      stableVersion: version.optional(),
      canaryVersion: version.optional(),
      weight: z.number().min(0).max(1).optional(),
      waves: z.boolean().optional(),
      hooks: z.boolean().optional(),
      waitForCompletion: z.boolean().optional(),
      timeoutMinutes: z.int().min(1).max(2880).optional(),
      // Published versions kept after a deployment (0 keeps all); LambdaDeployment keepVersions.
      keepVersions: z.int().min(0).max(1000).optional(),
      // Change to deploy a rolled-back version again; LambdaDeployment retryToken.
      retryToken: z.string().max(256).optional(),
    })
    .optional(),
  logLevel: z.enum(LOG_LEVELS).optional(),
  healthCheck: z
    .strictObject({
      requestInterval: z
        .union([z.literal(10), z.literal(30)], {
          error: "must be 10 or 30 (seconds; Route 53 offers only these)",
        })
        .optional(),
      failureThreshold: z.int().min(1).max(10).optional(),
    })
    .optional(),
  alarms: z
    .strictObject({
      createDefaults: z.boolean().optional(),
      errorThreshold: z.number().min(0).optional(),
      durationBaselineMs: z.number().positive().max(900_000).optional(),
      additionalAlarmNames: z.array(z.string().min(1).max(255)).max(10).optional(),
    })
    .optional(),
  function: z
    .strictObject({
      memorySize: z.int().min(128).max(10240).optional(),
      timeout: z.int().min(1).max(900).optional(),
      reservedConcurrency: z.int().min(0).optional(),
      logRetentionInDays: z
        .union(
          [
            1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
            2922, 3288, 3653,
          ].map((d) => z.literal(d)) as [z.ZodLiteral<number>, ...z.ZodLiteral<number>[]],
          {
            error:
              "must be a CloudWatch Logs retention: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653",
          },
        )
        .optional(),
    })
    .optional(),
  table: z
    .strictObject({
      enabled: z.boolean().optional(),
      hashKey: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,255}$/)
        .optional(),
    })
    .optional(),
  protectData: z.boolean().optional(),
  tags: z
    .record(
      z.string().regex(/^[\w .:/=+@-]{1,128}$/, {
        error: "tag keys are 1-128 letters, digits, spaces and _ . : / = + - @",
      }),
      z.string().max(256),
    )
    .optional(),
  /** Secret environment variables for every function (`pulumi config set --secret --path 'secretEnvironment.API_KEY' ...`). */
  secretEnvironment: z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, {
        error: "environment variable names start with a letter and hold letters, digits and _",
      }),
      z.string(),
    )
    .optional(),
  /**
   * Feature flags (AppConfig, issue 15): `flags.<name>` with `enabled`, `description` and
   * `attributes` (name to value), and `rollout`, how a change reaches the functions.
   */
  featureFlags: z
    .strictObject({
      flags: z
        .record(
          flagKey,
          z.strictObject({
            enabled: z.boolean(),
            description: z.string().max(1024).optional(),
            attributes: z.record(flagKey, flagAttributeValue).optional(),
          }),
        )
        .optional(),
      rollout: z
        .strictObject({
          strategy: z.enum(PREDEFINED_FLAG_STRATEGIES).optional(),
          growthType: z.enum(["LINEAR", "EXPONENTIAL"]).optional(),
          growthFactor: z.number().min(1).max(100).optional(),
          durationMinutes: z.int().min(0).max(1440).optional(),
          finalBakeTimeMinutes: z.int().min(0).max(1440).optional(),
        })
        .optional(),
      extension: z.boolean().optional(),
    })
    .optional(),
  // --- After the deploy (issue 16) ---
  /** The CloudWatch dashboard of the service (ServiceDashboard). Default: true. */
  dashboard: z.boolean().optional(),
  /** Who hears about failed or rolled-back deployments and failovers (ServiceNotifications). */
  notifications: z
    .strictObject({
      emails: z
        .array(
          z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, {
            error: "must be an email address such as oncall@example.com",
          }),
        )
        .optional(),
      httpsEndpoints: z
        .array(
          z.string().regex(/^https:\/\/[^\s/]+/, {
            error: "must be an https:// URL (SNS protocol https)",
          }),
        )
        .optional(),
      topicArns: z
        .array(
          z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, {
            error: "must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:oncall",
          }),
        )
        .optional(),
    })
    .optional(),
  /**
   * The Artillery load test the pipeline runs against staging before prod (issue 16):
   * `phases`, `p99LatencyMs`, `maxErrorRatePercent` (components/loadTestSettings.ts).
   */
  loadTest: loadTestConfigSchema.optional(),
  // --- Function options (issue 17 part B) ---
  /** Provisioned concurrency (off in dev), architecture, ephemeral storage, layers, KMS key. */
  functionOptions: functionOptionsConfig.optional(),
  // --- Private networking (issue 17, part C) ---
  /**
   * The functions' VPC in every region (ServiceNetwork): `vpc: create` (an awsx VPC per region;
   * `natGateways` defaults per environment, NETWORK_NAT_DEFAULTS) or `vpc: existing` with
   * `existingVpcs.<region>`.
   */
  network: z
    .strictObject({
      vpc: z.enum(["create", "existing"]),
      natGateways: z.enum(["none", "single", "one-per-az"]).optional(),
      availabilityZones: z.int().min(2).max(6).optional(),
      cidrBlock: z
        .string()
        .refine((cidr) => cidrPrefixLength(cidr) !== undefined, {
          error: "must be an IPv4 CIDR block from /16 to /24, e.g. 10.0.0.0/16",
        })
        .optional(),
      interfaceEndpoints: z
        .array(
          z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/, {
            error: "must be a service name such as sqs or ecr.api",
          }),
        )
        .optional(),
      existingVpcs: z
        .record(
          z.string(),
          z.strictObject({
            vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: "must be a VPC id, vpc-..." }),
            subnetIds: z
              .array(
                z.string().regex(/^subnet-[0-9a-f]{8,17}$/, {
                  error: "must be a subnet id, subnet-...",
                }),
              )
              .min(1)
              .max(16),
            securityGroupIds: z
              .array(
                z.string().regex(/^sg-[0-9a-f]{8,17}$/, {
                  error: "must be a security group id, sg-...",
                }),
              )
              .min(1)
              .max(5),
          }),
        )
        .optional(),
    })
    .optional(),
  // --- Event sources (issue 17) ---
  /**
   * The worker function of the bundled service: an SQS queue of orders to import (created with a
   * dead-letter queue) and a schedule, both invoking its `live` alias. No worker when unset.
   */
  worker: z
    .strictObject({
      timeout: z.int().min(1).max(900).optional(),
      queue: z
        .strictObject({
          batchSize: z.int().min(1).max(10000).optional(),
          maximumBatchingWindowSeconds: z.int().min(0).max(300).optional(),
          maximumConcurrency: z.int().min(2).max(1000).optional(),
          maxReceiveCount: z.int().min(1).max(1000).optional(),
          fifo: z.boolean().optional(),
        })
        .optional(),
      schedule: z
        .strictObject({
          expression: z.string(),
          timezone: z.string().optional(),
        })
        .optional(),
      /** Failure handling of the schedule's invocations (see workerFailureSettings.ts). */
      asyncFailures: workerAsyncFailuresConfig.optional(),
    })
    .optional(),
});

/** @internal Public as `multiregion-serverless/schema` (see `stackConfigSchema`). */
export type StackConfig = z.infer<typeof stackConfigSchema>;

/**
 * NAT gateways of a created VPC per environment (config `network.natGateways` overrides): one
 * shared NAT gateway in dev and staging (cheap; one AZ's outage cuts outbound traffic), one
 * per AZ in prod (AWS's recommendation for production, awsx `NatGatewayStrategy.OnePerAz`).
 */
export const NETWORK_NAT_DEFAULTS = {
  dev: "single",
  staging: "single",
  prod: "one-per-az",
} as const satisfies Record<EnvironmentName, NatGateways>;

/** The per-environment defaults (README "Environments" shows the same table). */
export const ENVIRONMENT_DEFAULTS = {
  dev: {
    regions: ["us-east-1"],
    topology: "active-active",
    deploymentType: "AllAtOnce",
    logLevel: "DEBUG",
    requestInterval: 30,
    failureThreshold: 3,
    alarmsRequired: false,
    waves: false,
    protectData: false,
    logRetentionInDays: 7,
  },
  staging: {
    regions: ["us-east-1", "us-west-2"],
    topology: "active-passive",
    deploymentType: "Linear10PercentEvery1Minute",
    logLevel: "INFO",
    requestInterval: 30,
    failureThreshold: 3,
    alarmsRequired: false,
    waves: false,
    protectData: false,
    logRetentionInDays: 30,
  },
  prod: {
    regions: ["us-east-1", "us-west-2"],
    topology: "active-passive",
    deploymentType: "Canary10Percent10Minutes",
    logLevel: "INFO",
    requestInterval: 10,
    failureThreshold: 3,
    alarmsRequired: true,
    waves: true,
    protectData: true,
    logRetentionInDays: 90,
  },
} as const satisfies Record<EnvironmentName, unknown>;

// The schema's `deployment.type` (written as the public type, so these declarations need no zod).
type DeploymentTypeSetting = DeploymentType;

/** The settings the program runs with: config merged over the environment's defaults. */
export interface StackSettings {
  project: string;
  stack: string;
  /** The stack file the settings came from (for messages). */
  stackFile: string;
  environment: EnvironmentName;
  accountId: string;
  service: string;
  /** Regions in rollout order: primary first, then the others as listed. */
  regions: string[];
  /** Regions accepted although not in AWS_COMMERCIAL_REGIONS. */
  unlistedRegions: string[];
  topology: "active-passive" | "active-active";
  primaryRegion: string;
  standbyRegions: string[];
  routing?: "latency" | "geolocation" | "weighted";
  geolocation?: Record<string, GeoLocation[]>;
  defaultRegion?: string;
  weights?: Record<string, number>;
  domain?: { zoneId: string; name: string };
  deployment: {
    mode: "codedeploy" | "weighted";
    type: DeploymentTypeSetting;
    stableVersion?: string;
    canaryVersion?: string;
    weight?: number;
    waves: boolean;
    /** Run the pre-traffic smoke test and the post-traffic metrics check (codedeploy mode). */
    hooks: boolean;
    waitForCompletion: boolean;
    timeoutMinutes?: number;
    /** Published versions kept after a successful deployment (0: all). @default 5 */
    keepVersions?: number;
    /** Change to deploy a version again after it was rolled back. @default none */
    retryToken?: string;
  };
  logLevel: (typeof LOG_LEVELS)[number];
  healthCheck: { requestInterval: 10 | 30; failureThreshold: number };
  alarms: {
    /** prod: a stack cannot turn every alarm off. */
    required: boolean;
    createDefaults: boolean;
    errorThreshold?: number;
    durationBaselineMs?: number;
    additionalAlarmNames: string[];
  };
  function: {
    memorySize?: number;
    timeout?: number;
    reservedConcurrency?: number;
    logRetentionInDays: number;
  };
  table: { enabled: boolean; hashKey: string };
  protectData: boolean;
  tags: Record<string, string>;
  /** Names of the secret environment variables (values are in `LoadedStackSettings.secretEnvironment`). */
  secretEnvironmentNames: string[];
  /** Feature flags (issue 15): the flags, how a change rolls out, and whether functions read them through the extension. */
  featureFlags: {
    flags: FeatureFlag[];
    rollout: FeatureFlagRollout;
    /** Read through the AppConfig Lambda extension (else the function calls AppConfig with the AWS SDK). */
    extension: boolean;
  };
  /** Create the service's CloudWatch dashboard. @default true */
  dashboard: boolean;
  /** Notification topics and their subscriptions; none when unset. @default none */
  notifications?: { emails: string[]; httpsEndpoints: string[]; topicArns: string[] };
  /** The Artillery load test's phases and thresholds. @default per environment (LOAD_TEST_DEFAULTS) */
  loadTest: LoadTestSettings;
  /** Function options (issue 17 part B): provisioned concurrency, architecture, layers, ... */
  functionOptions: FunctionOptionSettings;
  /** The functions' VPC (issue 17); `natGateways` resolved for a created VPC. @default none */
  network?: ServiceNetwork;
  /** The worker function and its event sources (issue 17); none when unset. @default none */
  worker?: {
    timeout: number;
    queue?: {
      batchSize: number;
      maximumBatchingWindowSeconds: number;
      maximumConcurrency?: number;
      maxReceiveCount: number;
      fifo: boolean;
    };
    schedule?: { expression: string; timezone: string };
    /** Failure handling of the schedule's invocations; Lambda's defaults when unset. */
    asyncFailures: WorkerAsyncFailureSettings;
  };
}

/** Settings plus the secret values, which never appear in plain outputs. */
export interface LoadedStackSettings {
  settings: StackSettings;
  /** Secret environment variables, each a secret Output. */
  secretEnvironment: Record<string, pulumi.Output<string>>;
}

/** Thrown when the stack config is invalid: every problem, each naming key, value, allowed values and file. */
export class StackConfigError extends Error {
  constructor(
    readonly stackFile: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${stackFile} has ${problems.length} invalid setting${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "StackConfigError";
  }
}

/** Where to read config from; defaults to the running Pulumi program's. */
export interface LoadStackSettingsOptions {
  /** @default pulumi.getProject() */
  project?: string;
  /** @default pulumi.getStack() */
  stack?: string;
  /** Raw config, `<namespace>:<key>` to string, as the CLI passes it. @default pulumi.runtime.allConfig() */
  config?: Record<string, string>;
  /** Keys whose values are secrets. @default from the runtime */
  isSecret?: (key: string) => boolean;
  /** The folder of stack files, for messages. @default "stacks" (Pulumi.yaml `stackConfigDir`) */
  stackConfigDir?: string;
}

/**
 * Reads, validates and resolves the stack settings. Throws one `StackConfigError` with
 * every problem before the program registers anything.
 */
export function loadStackSettings(options: LoadStackSettingsOptions = {}): LoadedStackSettings {
  const project = options.project ?? pulumi.getProject();
  const stack = options.stack ?? pulumi.getStack();
  const stackFile = `${options.stackConfigDir ?? "stacks"}/Pulumi.${stack}.yaml`;
  const raw = options.config ?? pulumi.runtime.allConfig();
  const isSecret = options.isSecret ?? runtimeIsConfigSecret;
  const prefix = `${project}:`;

  const problems: string[] = [];
  const input: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(raw)) {
    if (!fullKey.startsWith(prefix)) {
      continue;
    }
    const key = fullKey.slice(prefix.length);
    const parsed = parseConfigValue(key, value);
    if (parsed !== undefined) {
      input[key] = parsed;
    }
  }

  const parsed = stackConfigSchema.safeParse(input);
  let config: StackConfig | undefined = parsed.success ? parsed.data : undefined;
  const flagged = new Set<string>();
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(...describeIssue(issue, input, project));
      const top =
        issue.code === "unrecognized_keys" && issue.path.length === 0
          ? issue.keys
          : [String(issue.path[0])];
      top.forEach((k) => flagged.add(k));
    }
    // Check what only makes sense together on the settings that are well-formed, so one run
    // reports every problem: drop the malformed keys (a placeholder stands in for a bad account).
    const wellFormed = Object.fromEntries(Object.entries(input).filter(([k]) => !flagged.has(k)));
    const retry = stackConfigSchema.safeParse({ accountId: "000000000000", ...wellFormed });
    config = retry.success ? retry.data : undefined;
  }
  if (config === undefined) {
    throw new StackConfigError(stackFile, problems);
  }
  const crossProblems: string[] = [];
  const settings = resolve(config, { project, stack, stackFile }, crossProblems, flagged);
  // A cross-field problem about a key already reported as malformed adds nothing.
  problems.push(
    ...crossProblems.filter(
      (p) =>
        ![...flagged].some(
          (k) =>
            p.startsWith(`${project}:${k} `) ||
            p.startsWith(`${project}:${k}.`) ||
            p.startsWith(`${project}:${k}[`),
        ),
    ),
  );
  // A malformed phase drops the whole loadTest key above; the phases that are well-formed are
  // still checked, so one run reports every problem.
  const rawPhases = (input.loadTest as { phases?: unknown } | undefined)?.phases;
  if (flagged.has("loadTest") && Array.isArray(rawPhases)) {
    checkLoadTestPhases(rawPhases, (name) => `${project}:${name}`, problems);
  }
  if (problems.length > 0) {
    throw new StackConfigError(stackFile, problems);
  }
  const data = config;

  const secretEnvironment: Record<string, pulumi.Output<string>> = {};
  for (const [name, value] of Object.entries(data.secretEnvironment ?? {})) {
    secretEnvironment[name] = pulumi.secret(value);
  }
  if (data.secretEnvironment && !isSecret(`${project}:secretEnvironment`)) {
    throw new StackConfigError(stackFile, [
      `${project}:secretEnvironment is stored in plain text: set each value with \`pulumi config set --secret --path 'secretEnvironment.<NAME>' <value>\``,
    ]);
  }
  return { settings, secretEnvironment };
}

/** Whether the running program received a config key as a secret (the runtime knows; its typings omit it). */
function runtimeIsConfigSecret(key: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as {
    isConfigSecret?(k: string): boolean;
  };
  return runtimeConfig.isConfigSecret?.(key) ?? false;
}

/**
 * Keys Pulumi.yaml declares with an empty default ("" or []) so that the CLI checks their type
 * without requiring every stack to set them: an empty value means "not set".
 */
export const EMPTY_MEANS_UNSET = [
  "environment",
  "service",
  "regions",
  "unlistedRegions",
  "topology",
  "primaryRegion",
  "routing",
  "defaultRegion",
  "logLevel",
] as const;

/** Keys whose values are plain strings (everything else arrives as JSON). */
const STRING_KEYS = new Set([
  "accountId",
  "service",
  "primaryRegion",
  "defaultRegion",
  "environment",
  "topology",
  "routing",
  "logLevel",
]);

/**
 * Config values arrive as strings; structured and typed values are JSON (as the CLI writes
 * them). Undefined means "not set" (an empty value of a key in `EMPTY_MEANS_UNSET`).
 */
function parseConfigValue(key: string, value: string): unknown {
  if ((EMPTY_MEANS_UNSET as readonly string[]).includes(key) && (value === "" || value === "[]")) {
    return undefined;
  }
  if (STRING_KEYS.has(key)) {
    return value;
  }
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, key) =>
      typeof value === "object" && value !== null
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined,
    input,
  );
}

function keyName(project: string, path: PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) =>
      typeof key === "number"
        ? `${name}[${key}]`
        : name
          ? `${name}.${String(key)}`
          : `${project}:${String(key)}`,
    "",
  );
}

/** One line per zod issue: `<project>:<key> is <value>: <what is allowed>`. */
function describeIssue(
  issue: z.core.$ZodIssue,
  input: Record<string, unknown>,
  project: string,
): string[] {
  const value = valueAt(input, issue.path);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const known =
        issue.path.length === 0 ? Object.keys(stackConfigSchema.shape) : knownKeysAt(issue.path);
      const guess = closestKey(key, known);
      return `${keyName(project, [...issue.path, key])} is not a setting${guess ? ` (did you mean ${keyName(project, [...issue.path, guess])}?)` : ""}; known: ${known.join(", ")}`;
    });
  }
  if (issue.code === "invalid_key") {
    // A record key (a region or tag name) failed its own check.
    return issue.issues.map(
      (inner) => `${keyName(project, issue.path)} is not an allowed key: ${inner.message}`,
    );
  }
  const name = keyName(project, issue.path);
  const shown = value === undefined ? "missing" : `is ${showValue(value)}`;
  let allowed = issue.message;
  // zod's own messages ("Invalid input: ...", "Too small: ...") are rewritten in this file's
  // words; messages written in the schema ("must be a 12-digit AWS account id") are kept.
  const ownMessage = !/^(Invalid|Too (small|big)|Unrecognized|Expected)/.test(issue.message);
  if (ownMessage && value !== undefined) {
    allowed = issue.message;
  } else if (issue.code === "invalid_value") {
    allowed = `must be one of ${issue.values.map((v) => showValue(v)).join(", ")}`;
  } else if (issue.code === "invalid_type" && value === undefined) {
    allowed = `is required (${issue.expected})`;
  } else if (issue.code === "invalid_type") {
    allowed = `must be ${issue.expected === "int" ? "a whole number" : `a${/^[aeiou]/.test(issue.expected) ? "n" : ""} ${issue.expected}`}`;
  } else if (issue.code === "too_small") {
    allowed =
      issue.origin === "array"
        ? `must list at least ${issue.minimum}`
        : `must be ${issue.inclusive ? "at least" : "more than"} ${issue.minimum}`;
  } else if (issue.code === "too_big") {
    allowed =
      issue.origin === "array"
        ? `must list at most ${issue.maximum}`
        : `must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}`;
  } else if (issue.code === "invalid_format") {
    allowed = `must match ${issue.format}`;
  }
  return [`${name} ${shown}: ${allowed}`];
}

function knownKeysAt(path: PropertyKey[]): string[] {
  let schema: any = stackConfigSchema;
  for (const key of path) {
    schema = schema?.unwrap?.() ?? schema;
    // An array's items (loadTest.phases[2]): the path holds the index, the schema `element`.
    schema = typeof key === "number" ? schema?.element : schema?.shape?.[key];
  }
  schema = schema?.unwrap?.() ?? schema;
  return schema?.shape ? Object.keys(schema.shape) : [];
}

/** Merges config over the environment's defaults and checks what only makes sense together. */
function resolve(
  config: StackConfig,
  where: { project: string; stack: string; stackFile: string },
  problems: string[],
  flagged: ReadonlySet<string> = new Set(),
): StackSettings {
  const { project, stack } = where;
  const key = (name: string): string => `${project}:${name}`;
  const environment =
    config.environment ??
    ((ENVIRONMENTS as readonly string[]).includes(stack) ? (stack as EnvironmentName) : undefined);
  if (environment === undefined) {
    problems.push(
      `${key("environment")} missing: is required when the stack name (${JSON.stringify(stack)}) is not one of ${ENVIRONMENTS.join(", ")}`,
    );
  }
  const defaults = ENVIRONMENT_DEFAULTS[environment ?? "dev"];
  const topology = config.topology ?? defaults.topology;
  const listed = config.regions ?? [...defaults.regions];
  const duplicates = listed.filter((r, i) => listed.indexOf(r) !== i);
  if (duplicates.length > 0) {
    problems.push(
      `${key("regions")} is ${showValue(listed)}: lists ${[...new Set(duplicates)].join(", ")} more than once`,
    );
  }
  const unlisted = config.unlistedRegions ?? [];
  listed.forEach((region, i) => {
    if (!AWS_COMMERCIAL_REGIONS.includes(region) && !unlisted.includes(region)) {
      problems.push(
        `${key("regions")}[${i}] is ${showValue(region)}: is not an AWS commercial region (${AWS_COMMERCIAL_REGIONS.join(", ")}); if AWS launched it after this list, add it to ${key("unlistedRegions")}`,
      );
    }
  });
  const primaryRegion = config.primaryRegion ?? listed[0];
  if (!listed.includes(primaryRegion)) {
    problems.push(
      `${key("primaryRegion")} is ${showValue(primaryRegion)}: must be one of regions (${listed.join(", ")})`,
    );
  }
  const regions = [primaryRegion, ...listed.filter((r) => r !== primaryRegion)];
  const standbyRegions = topology === "active-passive" ? regions.slice(1) : [];

  // A problem in a key that others depend on is reported once, not again through them.
  const topologyKnown = !flagged.has("topology");
  const routingKnown = topologyKnown && !flagged.has("routing");
  if (topology === "active-passive" && topologyKnown) {
    if (regions.length < 2 && duplicates.length === 0) {
      problems.push(
        `${key("topology")} is "active-passive": needs a standby, so ${key("regions")} must list at least two regions (has ${showValue(listed)})`,
      );
    }
    for (const name of ["routing", "geolocation", "weights", "defaultRegion"] as const) {
      if (config[name] !== undefined) {
        problems.push(
          `${key(name)} is ${showValue(config[name])}: only applies to topology "active-active"`,
        );
      }
    }
  }
  if (config.primaryRegion !== undefined && topology === "active-active" && topologyKnown) {
    problems.push(
      `${key("primaryRegion")} is ${showValue(config.primaryRegion)}: only applies to topology "active-passive" (active-active regions are equals)`,
    );
  }
  const routing = topology === "active-active" ? (config.routing ?? "latency") : undefined;
  if (!routingKnown) {
    // The routing itself was reported; what depends on it cannot be judged.
  } else if (routing !== "geolocation") {
    for (const name of ["geolocation", "defaultRegion"] as const) {
      if (config[name] !== undefined && topology === "active-active") {
        problems.push(
          `${key(name)} is ${showValue(config[name])}: only applies to routing "geolocation" (routing is ${showValue(routing)})`,
        );
      }
    }
  } else {
    if (config.geolocation === undefined) {
      problems.push(
        `${key("geolocation")} missing: routing "geolocation" needs the locations each region serves`,
      );
    }
    if (config.defaultRegion === undefined) {
      problems.push(
        `${key("defaultRegion")} missing: routing "geolocation" needs a default region for users outside every location (else they get NXDOMAIN)`,
      );
    } else if (!regions.includes(config.defaultRegion)) {
      problems.push(
        `${key("defaultRegion")} is ${showValue(config.defaultRegion)}: must be one of regions (${regions.join(", ")})`,
      );
    }
    for (const r of Object.keys(config.geolocation ?? {})) {
      if (!regions.includes(r)) {
        problems.push(
          `${key("geolocation")}.${r} is set: ${r} is not one of regions (${regions.join(", ")})`,
        );
      }
    }
  }
  if (
    routingKnown &&
    routing !== "weighted" &&
    config.weights !== undefined &&
    topology === "active-active"
  ) {
    problems.push(
      `${key("weights")} is ${showValue(config.weights)}: only applies to routing "weighted" (routing is ${showValue(routing)})`,
    );
  }
  if (routingKnown && routing === "weighted") {
    const weights = config.weights;
    if (weights === undefined) {
      problems.push(
        `${key("weights")} missing: routing "weighted" needs a weight (0-255) for every region`,
      );
    } else {
      for (const r of regions.filter((r) => !(r in weights))) {
        problems.push(`${key("weights")}.${r} missing: every region needs a weight (0-255)`);
      }
      for (const r of Object.keys(weights).filter((r) => !regions.includes(r))) {
        problems.push(
          `${key("weights")}.${r} is ${weights[r]}: ${r} is not one of regions (${regions.join(", ")})`,
        );
      }
      if (Object.values(weights).every((w) => w === 0)) {
        problems.push(
          `${key("weights")} is ${showValue(weights)}: at least one weight must be above 0 (all zero sends traffic nowhere)`,
        );
      }
    }
  }
  if (regions.length > 1 && config.domain === undefined) {
    problems.push(
      `${key("domain")} missing: ${regions.length} regions need a Route 53 zone and name to route between them ({ zoneId, name })`,
    );
  }

  const deployment = config.deployment ?? {};
  const mode = deployment.mode ?? "codedeploy";
  if (mode === "codedeploy") {
    for (const name of ["stableVersion", "canaryVersion", "weight"] as const) {
      if (deployment[name] !== undefined) {
        problems.push(
          `${key("deployment")}.${name} is ${showValue(deployment[name])}: only applies to deployment.mode "weighted"`,
        );
      }
    }
  } else {
    if (deployment.type !== undefined) {
      problems.push(
        `${key("deployment")}.type is ${showValue(deployment.type)}: only applies to deployment.mode "codedeploy"`,
      );
    }
    if (
      deployment.canaryVersion !== undefined &&
      deployment.canaryVersion === deployment.stableVersion
    ) {
      problems.push(
        `${key("deployment")}.canaryVersion is ${showValue(deployment.canaryVersion)}: must differ from deployment.stableVersion`,
      );
    }
    if (
      deployment.stableVersion === undefined &&
      ((deployment.weight ?? 0) > 0 || deployment.canaryVersion !== undefined)
    ) {
      problems.push(
        `${key("deployment")}.stableVersion missing: weighted traffic needs the version serving now`,
      );
    } else if (deployment.stableVersion === undefined && defaults.alarmsRequired) {
      // Without a stable version the alias follows every new version at once: all-at-once,
      // with no alarm or rollback, which production stacks must not do.
      problems.push(
        `${key("deployment")}.stableVersion missing: ${environment} stacks in weighted mode must pin the version serving now (else every new version takes all traffic at once); or use deployment.mode "codedeploy"`,
      );
    }
    if (regions.length > 1) {
      // Lambda numbers versions per function and region: "7" is different code in each region.
      problems.push(
        `${key("deployment")}.mode is "weighted": supports one region only (version numbers differ between regions' functions; ${regions.length} regions listed); use deployment.mode "codedeploy" for several regions`,
      );
    }
  }

  const alarmsRequired = defaults.alarmsRequired;
  const createDefaultAlarms = config.alarms?.createDefaults ?? true;
  if (
    alarmsRequired &&
    !createDefaultAlarms &&
    (config.alarms?.additionalAlarmNames ?? []).length === 0
  ) {
    problems.push(
      `${key("alarms")}.createDefaults is false: ${environment} stacks require alarms to stop a bad rollout; keep the defaults or list alarms in alarms.additionalAlarmNames`,
    );
  }
  // Alarms and CodeDeploy triggers notify topics of their own region; health check alarms live
  // in us-east-1 (Route 53 metrics), so an existing topic elsewhere would never be told.
  (config.notifications?.topicArns ?? []).forEach((arn, i) => {
    const topicRegion = arn.split(":")[3];
    if (!regions.includes(topicRegion) && topicRegion !== "us-east-1") {
      problems.push(
        `${key("notifications")}.topicArns[${i}] is ${showValue(arn)}: must be in one of the stack's regions (${regions.join(", ")}) or us-east-1; alarms and CodeDeploy triggers notify topics of their own region`,
      );
    }
  });
  const table = {
    enabled: config.table?.enabled ?? true,
    hashKey: config.table?.hashKey ?? "orderId",
  };
  const featureFlags = resolveFeatureFlags(config, key, environment ?? "dev", problems);
  const loadTest = resolveLoadTest(config.loadTest, environment ?? "dev", key, problems);
  const functionOptions = resolveFunctionOptions(
    config.functionOptions,
    config.function,
    key,
    environment ?? "dev",
    problems,
    {
      regions,
      mode,
      extensionLayer: featureFlags.flags.length > 0 && featureFlags.extension,
    },
  );
  const network = resolveNetwork(config, key, environment ?? "dev", regions, problems);
  const worker = resolveWorker(config, key, table.enabled, mode, problems);
  const service = config.service ?? "orders";
  return {
    project,
    stack,
    stackFile: where.stackFile,
    environment: environment ?? "dev",
    accountId: config.accountId,
    service,
    regions,
    unlistedRegions: unlisted,
    topology,
    primaryRegion,
    standbyRegions,
    routing,
    // The schema's refinement guarantees exactly one of continent or country per location.
    geolocation: config.geolocation as Record<string, GeoLocation[]> | undefined,
    defaultRegion: config.defaultRegion,
    weights: config.weights,
    domain: config.domain,
    deployment: {
      mode,
      type: deployment.type ?? defaults.deploymentType,
      stableVersion: deployment.stableVersion,
      canaryVersion: deployment.canaryVersion,
      weight: deployment.weight,
      waves: deployment.waves ?? defaults.waves,
      hooks: deployment.hooks ?? true,
      waitForCompletion: deployment.waitForCompletion ?? true,
      timeoutMinutes: deployment.timeoutMinutes,
      keepVersions: deployment.keepVersions,
      retryToken: deployment.retryToken,
    },
    logLevel: config.logLevel ?? defaults.logLevel,
    healthCheck: {
      requestInterval: config.healthCheck?.requestInterval ?? defaults.requestInterval,
      failureThreshold: config.healthCheck?.failureThreshold ?? defaults.failureThreshold,
    },
    alarms: {
      required: alarmsRequired,
      createDefaults: createDefaultAlarms,
      errorThreshold: config.alarms?.errorThreshold,
      durationBaselineMs: config.alarms?.durationBaselineMs,
      additionalAlarmNames: config.alarms?.additionalAlarmNames ?? [],
    },
    function: {
      memorySize: config.function?.memorySize,
      timeout: config.function?.timeout,
      reservedConcurrency: config.function?.reservedConcurrency,
      logRetentionInDays: config.function?.logRetentionInDays ?? defaults.logRetentionInDays,
    },
    table,
    protectData: config.protectData ?? defaults.protectData,
    tags: { ...(config.tags ?? {}), environment: environment ?? "dev", service, stack },
    secretEnvironmentNames: Object.keys(config.secretEnvironment ?? {}),
    featureFlags,
    dashboard: config.dashboard ?? true,
    notifications: config.notifications
      ? {
          emails: config.notifications.emails ?? [],
          httpsEndpoints: config.notifications.httpsEndpoints ?? [],
          topicArns: config.notifications.topicArns ?? [],
        }
      : undefined,
    loadTest,
    functionOptions,
    ...(network ? { network } : {}),
    worker,
  };
}

/**
 * The `network` setting with its per-environment NAT default, and the problems the schema
 * cannot see: keys of the other VPC source, and `existingVpcs` naming exactly the stack's regions.
 */
function resolveNetwork(
  config: StackConfig,
  key: (name: string) => string,
  environment: EnvironmentName,
  regions: readonly string[],
  problems: string[],
): ServiceNetwork | undefined {
  const network = config.network;
  if (network === undefined) {
    return undefined;
  }
  const name = key("network");
  if (network.vpc === "existing") {
    for (const createOnly of [
      "natGateways",
      "availabilityZones",
      "cidrBlock",
      "interfaceEndpoints",
    ] as const) {
      if (network[createOnly] !== undefined) {
        problems.push(
          `${name}.${createOnly} is ${showValue(network[createOnly])}: applies to network.vpc "create" only`,
        );
      }
    }
    const vpcs = network.existingVpcs ?? {};
    if (network.existingVpcs === undefined) {
      problems.push(
        `${name}.existingVpcs missing: is required with network.vpc "existing" (one { vpcId, subnetIds, securityGroupIds } per region: ${regions.join(", ")})`,
      );
    } else {
      for (const region of regions.filter((r) => !(r in vpcs))) {
        problems.push(
          `${name}.existingVpcs.${region} missing: every region of the stack needs its VPC { vpcId, subnetIds, securityGroupIds }`,
        );
      }
      for (const region of Object.keys(vpcs).filter((r) => !regions.includes(r))) {
        problems.push(
          `${name}.existingVpcs.${region} is not a region of the stack (${regions.join(", ")})`,
        );
      }
    }
    return { vpc: "existing", existingVpcs: vpcs };
  }
  if (network.existingVpcs !== undefined) {
    problems.push(`${name}.existingVpcs is set: applies to network.vpc "existing" only`);
  }
  const tooSmall = subnetSizeProblem(network.cidrBlock, network.availabilityZones ?? 2);
  if (tooSmall !== undefined) {
    problems.push(`${name}.cidrBlock is ${showValue(network.cidrBlock)}: ${tooSmall}`);
  }
  return {
    vpc: "create",
    natGateways: network.natGateways ?? NETWORK_NAT_DEFAULTS[environment],
    availabilityZones: network.availabilityZones ?? 2,
    cidrBlock: network.cidrBlock ?? "10.0.0.0/16",
    interfaceEndpoints: network.interfaceEndpoints ?? [],
  };
}

/**
 * `worker` with its defaults, and what the schema alone cannot say: the queue's batch rules
 * (Lambda Developer Guide, SQS parameters: FIFO at most 10 and no batching window; above 10 needs
 * a batching window), a schedule expression Scheduler accepts, and the table the worker writes.
 */
function resolveWorker(
  config: StackConfig,
  key: (name: string) => string,
  tableEnabled: boolean,
  mode: "codedeploy" | "weighted",
  problems: string[],
): StackSettings["worker"] {
  const given = config.worker;
  if (given === undefined) return undefined;
  const at = `${key("worker")}`;
  if (given.queue === undefined && given.schedule === undefined) {
    problems.push(`${at} is {}: give worker.queue, worker.schedule or both (else remove worker)`);
  }
  if (!tableEnabled) {
    problems.push(
      `${at} is set while table.enabled is false: the worker writes imported orders and heartbeats to the service's table`,
    );
  }
  if (mode === "weighted") {
    // deployment.stableVersion/canaryVersion number the orders function's versions; the worker's
    // own versions are numbered apart, so the same numbers would name other code.
    problems.push(
      `${at} is set while deployment.mode is "weighted": the worker rolls out with deployment.mode "codedeploy" only (weighted versions are numbered per function)`,
    );
  }
  const queue = given.queue;
  if (queue) {
    const fifo = queue.fifo ?? false;
    if (fifo && (queue.batchSize ?? 10) > 10) {
      problems.push(
        `${at}.queue.batchSize is ${queue.batchSize}: a FIFO queue takes at most 10 messages per batch`,
      );
    }
    if (fifo && (queue.maximumBatchingWindowSeconds ?? 0) > 0) {
      problems.push(
        `${at}.queue.maximumBatchingWindowSeconds is ${queue.maximumBatchingWindowSeconds}: FIFO queues take no batching window`,
      );
    }
    if (!fifo && (queue.batchSize ?? 10) > 10 && (queue.maximumBatchingWindowSeconds ?? 0) < 1) {
      problems.push(
        `${at}.queue.batchSize is ${queue.batchSize}: above 10 needs worker.queue.maximumBatchingWindowSeconds of at least 1 (Lambda refuses the mapping otherwise)`,
      );
    }
  }
  const schedule = given.schedule;
  if (schedule) {
    const problem = scheduleExpressionProblem(schedule.expression, true);
    if (problem) {
      problems.push(`${at}.schedule.expression is ${showValue(schedule.expression)}: ${problem}`);
    }
  } else if (given.asyncFailures !== undefined) {
    // The schedule is the worker's only asynchronous source (Lambda polls the queue, whose failed
    // messages go to its redrive dead-letter queue), so the setting would change nothing.
    problems.push(
      `${at}.asyncFailures is ${showValue(given.asyncFailures)} while worker.schedule is not set: it configures failures of the schedule's invocations, the worker's only asynchronous source; set worker.schedule or remove it`,
    );
  }
  return {
    timeout: given.timeout ?? 30,
    queue: queue && {
      batchSize: queue.batchSize ?? 10,
      maximumBatchingWindowSeconds: queue.maximumBatchingWindowSeconds ?? 0,
      maximumConcurrency: queue.maximumConcurrency,
      maxReceiveCount: queue.maxReceiveCount ?? 5,
      fifo: queue.fifo ?? false,
    },
    schedule: schedule && { expression: schedule.expression, timezone: schedule.timezone ?? "UTC" },
    asyncFailures: resolveWorkerAsyncFailures(given.asyncFailures),
  };
}

/** An attribute value from config as the component's one value field of its type. */
function flagAttribute(name: string, value: unknown): FeatureFlagAttribute {
  if (typeof value === "string") return { name, stringValue: value };
  if (typeof value === "number") return { name, numberValue: value };
  if (typeof value === "boolean") return { name, booleanValue: value };
  return (value as unknown[]).every((v) => typeof v === "number")
    ? { name, numberValues: value as number[] }
    : { name, stringValues: value as string[] };
}

/**
 * `featureFlags` merged over the environment's default rollout (dev at once, staging linear,
 * prod a canary with bake time); a predefined strategy and custom fields exclude each other.
 */
function resolveFeatureFlags(
  config: StackConfig,
  key: (name: string) => string,
  environment: EnvironmentName,
  problems: string[],
): StackSettings["featureFlags"] {
  const given = config.featureFlags ?? {};
  const rollout = given.rollout ?? {};
  const custom = (
    ["growthType", "growthFactor", "durationMinutes", "finalBakeTimeMinutes"] as const
  ).filter((field) => rollout[field] !== undefined);
  if (rollout.strategy !== undefined && custom.length > 0) {
    problems.push(
      `${key("featureFlags")}.rollout.strategy is ${showValue(rollout.strategy)}: excludes ${custom.map((f) => `rollout.${f}`).join(", ")}; name a predefined strategy or describe a custom one`,
    );
  } else if (custom.length > 0) {
    for (const required of ["growthFactor", "durationMinutes"] as const) {
      if (rollout[required] === undefined) {
        problems.push(
          `${key("featureFlags")}.rollout.${required} missing: a custom rollout needs growthFactor and durationMinutes`,
        );
      }
    }
  }
  const flags = Object.entries(given.flags ?? {}).map(([name, flag]): FeatureFlag => ({
    name,
    enabled: flag.enabled,
    ...(flag.description !== undefined ? { description: flag.description } : {}),
    ...(flag.attributes
      ? {
          attributes: Object.entries(flag.attributes).map(([attribute, value]) =>
            flagAttribute(attribute, value),
          ),
        }
      : {}),
  }));
  return {
    flags,
    rollout:
      custom.length > 0
        ? { ...rollout }
        : { strategy: rollout.strategy ?? FLAG_ROLLOUT_DEFAULTS[environment] },
    extension: given.extension ?? true,
  };
}
