// Malformed stack configs and the exact problem each must report (see config.test.ts).
import { StackRunOptions } from "./runStack";

export interface MalformedCase {
  what: string;
  stack: string;
  options: StackRunOptions;
  /** The whole error: the stack file, then one line per problem. */
  message: string;
}

const eleven = Array.from({ length: 11 }, (_, i) => `alarm-${i}`);

export const malformedCases: MalformedCase[] = [
  {
    what: "an account id that is not 12 digits",
    stack: "dev",
    options: { set: { accountId: "12345" } },
    message:
      'stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:accountId is "12345": must be a 12-digit AWS account id',
  },
  {
    what: "no account id",
    stack: "dev",
    options: { unset: ["accountId"] },
    message:
      "stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:accountId missing: is required (string)",
  },
  {
    what: "regions as a plain string",
    stack: "dev",
    options: { set: { regions: "us-east-1" } },
    message:
      'stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:regions is "us-east-1": must be an array',
  },
  {
    what: "a region list with an empty name",
    stack: "dev",
    options: { set: { regions: [""] } },
    message:
      'stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:regions[0] is "": must be an AWS region name such as us-east-1',
  },
  {
    what: "a region name that is not one",
    stack: "dev",
    options: { set: { regions: ["us-east-one"] } },
    message:
      'stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:regions[0] is "us-east-one": must be an AWS region name such as us-east-1',
  },
  {
    what: "a region AWS does not have",
    stack: "dev",
    options: { set: { regions: ["us-east-3"] } },
    message:
      'stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:regions[0] is "us-east-3": is not an AWS commercial region (us-east-1, us-east-2, us-west-1, us-west-2, af-south-1, ap-east-1, ap-east-2, ap-south-1, ap-south-2, ap-southeast-1, ap-southeast-2, ap-southeast-3, ap-southeast-4, ap-southeast-5, ap-southeast-6, ap-southeast-7, ap-northeast-1, ap-northeast-2, ap-northeast-3, ca-central-1, ca-west-1, eu-central-1, eu-central-2, eu-west-1, eu-west-2, eu-west-3, eu-south-1, eu-south-2, eu-north-1, il-central-1, me-central-1, me-south-1, mx-central-1, sa-east-1); if AWS launched it after this list, add it to multiregion-serverless:unlistedRegions',
  },
  {
    what: "a region listed twice",
    stack: "staging",
    options: { set: { regions: ["us-east-1", "us-east-1"] } },
    message:
      'stacks/Pulumi.staging.yaml has 1 invalid setting:\n  - multiregion-serverless:regions is ["us-east-1","us-east-1"]: lists us-east-1 more than once',
  },
  {
    what: "an unknown topology",
    stack: "staging",
    options: { set: { topology: "multi-master" } },
    message:
      'stacks/Pulumi.staging.yaml has 1 invalid setting:\n  - multiregion-serverless:topology is "multi-master": must be one of "active-passive", "active-active"',
  },
  {
    what: "active-passive with one region",
    stack: "staging",
    options: { set: { regions: ["us-east-1"] } },
    message:
      'stacks/Pulumi.staging.yaml has 1 invalid setting:\n  - multiregion-serverless:topology is "active-passive": needs a standby, so multiregion-serverless:regions must list at least two regions (has ["us-east-1"])',
  },
  {
    what: "a primary region outside the regions",
    stack: "staging",
    options: { set: { primaryRegion: "eu-west-1" } },
    message:
      'stacks/Pulumi.staging.yaml has 1 invalid setting:\n  - multiregion-serverless:primaryRegion is "eu-west-1": must be one of regions (us-east-1, us-west-2)',
  },
  {
    what: "routing on an active-passive stack",
    stack: "staging",
    options: { set: { routing: "latency" } },
    message:
      'stacks/Pulumi.staging.yaml has 1 invalid setting:\n  - multiregion-serverless:routing is "latency": only applies to topology "active-active"',
  },
  {
    what: "an unknown routing",
    stack: "prod-global",
    options: { set: { routing: "round-robin" } },
    message:
      'stacks/Pulumi.prod-global.yaml has 1 invalid setting:\n  - multiregion-serverless:routing is "round-robin": must be one of "latency", "geolocation", "weighted"',
  },
  {
    what: "geolocation without a default region",
    stack: "prod-global",
    options: { unset: ["defaultRegion"] },
    message:
      'stacks/Pulumi.prod-global.yaml has 1 invalid setting:\n  - multiregion-serverless:defaultRegion missing: routing "geolocation" needs a default region for users outside every location (else they get NXDOMAIN)',
  },
  {
    what: "geolocation for a region the stack does not serve",
    stack: "prod-global",
    options: {
      set: {
        geolocation: { "us-east-1": [{ continent: "NA" }], "sa-east-1": [{ continent: "SA" }] },
      },
    },
    message:
      "stacks/Pulumi.prod-global.yaml has 1 invalid setting:\n  - multiregion-serverless:geolocation.sa-east-1 is set: sa-east-1 is not one of regions (us-east-1, eu-west-1, ap-southeast-1)",
  },
  {
    what: "a location with both continent and country",
    stack: "prod-global",
    options: { set: { geolocation: { "us-east-1": [{ continent: "NA", country: "US" }] } } },
    message:
      'stacks/Pulumi.prod-global.yaml has 1 invalid setting:\n  - multiregion-serverless:geolocation.us-east-1[0] is {"continent":"NA","country":"US"}: a location has exactly one of continent or country (subdivision goes with country US, UA)',
  },
  {
    what: "weights that are all zero",
    stack: "staging",
    options: {
      set: {
        topology: "active-active",
        routing: "weighted",
        weights: { "us-east-1": 0, "us-west-2": 0 },
      },
    },
    message:
      'stacks/Pulumi.staging.yaml has 1 invalid setting:\n  - multiregion-serverless:weights is {"us-east-1":0,"us-west-2":0}: at least one weight must be above 0 (all zero sends traffic nowhere)',
  },
  {
    what: "a weight over 255",
    stack: "staging",
    options: {
      set: {
        topology: "active-active",
        routing: "weighted",
        weights: { "us-east-1": 300, "us-west-2": 1 },
      },
    },
    message:
      "stacks/Pulumi.staging.yaml has 1 invalid setting:\n  - multiregion-serverless:weights.us-east-1 is 300: must be at most 255",
  },
  {
    what: "a weight missing for a region",
    stack: "staging",
    options: {
      set: { topology: "active-active", routing: "weighted", weights: { "us-east-1": 10 } },
    },
    message:
      "stacks/Pulumi.staging.yaml has 1 invalid setting:\n  - multiregion-serverless:weights.us-west-2 missing: every region needs a weight (0-255)",
  },
  {
    what: "two regions without a domain",
    stack: "staging",
    options: { unset: ["domain"] },
    message:
      "stacks/Pulumi.staging.yaml has 1 invalid setting:\n  - multiregion-serverless:domain missing: 2 regions need a Route 53 zone and name to route between them ({ zoneId, name })",
  },
  {
    what: "a hosted zone id that is not one",
    stack: "staging",
    options: { set: { domain: { zoneId: "example.com", name: "api.example.com" } } },
    message:
      'stacks/Pulumi.staging.yaml has 1 invalid setting:\n  - multiregion-serverless:domain.zoneId is "example.com": must be a Route 53 hosted zone id such as Z123ABC',
  },
  {
    what: "an unknown deployment type",
    stack: "prod",
    options: { set: { deployment: { type: "Canary10Percent20Minutes" } } },
    message:
      'stacks/Pulumi.prod.yaml has 1 invalid setting:\n  - multiregion-serverless:deployment.type is "Canary10Percent20Minutes": must be one of Canary10Percent5Minutes, Canary10Percent10Minutes, Canary10Percent15Minutes, Canary10Percent30Minutes, Linear10PercentEvery1Minute, Linear10PercentEvery2Minutes, Linear10PercentEvery3Minutes, Linear10PercentEvery10Minutes, AllAtOnce, or { canary: { percentage, intervalMinutes } } or { linear: { percentage, intervalMinutes } }',
  },
  {
    what: "a canary of 0%",
    stack: "prod",
    options: { set: { deployment: { type: { canary: { percentage: 0, intervalMinutes: 10 } } } } },
    message:
      "stacks/Pulumi.prod.yaml has 1 invalid setting:\n  - multiregion-serverless:deployment.type.canary.percentage is 0: must be at least 1",
  },
  {
    what: "a deployment type in weighted mode",
    stack: "dev",
    options: { set: { deployment: { mode: "weighted", type: "AllAtOnce" } } },
    message:
      'stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:deployment.type is "AllAtOnce": only applies to deployment.mode "codedeploy"',
  },
  {
    what: "a weight above 1",
    stack: "dev",
    options: { set: { deployment: { mode: "weighted", stableVersion: "3", weight: 1.5 } } },
    message:
      "stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:deployment.weight is 1.5: must be at most 1",
  },
  {
    what: "$LATEST as the stable version",
    stack: "dev",
    options: { set: { deployment: { mode: "weighted", stableVersion: "$LATEST" } } },
    message:
      'stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:deployment.stableVersion is "$LATEST": must be a published version number such as "3" (never $LATEST)',
  },
  {
    what: "a weight without a stable version",
    stack: "dev",
    options: { set: { deployment: { mode: "weighted", weight: 0.2 } } },
    message:
      "stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:deployment.stableVersion missing: weighted traffic needs the version serving now",
  },
  {
    what: "a health check every 15 s",
    stack: "prod",
    options: { set: { healthCheck: { requestInterval: 15 } } },
    message:
      "stacks/Pulumi.prod.yaml has 1 invalid setting:\n  - multiregion-serverless:healthCheck.requestInterval is 15: must be 10 or 30 (seconds; Route 53 offers only these)",
  },
  {
    what: "a failure threshold of 0",
    stack: "prod",
    options: { set: { healthCheck: { failureThreshold: 0 } } },
    message:
      "stacks/Pulumi.prod.yaml has 1 invalid setting:\n  - multiregion-serverless:healthCheck.failureThreshold is 0: must be at least 1",
  },
  {
    what: "an unknown log level",
    stack: "dev",
    options: { set: { logLevel: "verbose" } },
    message:
      'stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:logLevel is "verbose": must be one of "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"',
  },
  {
    what: "a misspelled key",
    stack: "dev",
    options: { set: { regoins: ["us-east-1"] } },
    message:
      "stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:regoins is not a setting (did you mean multiregion-serverless:regions?); known: environment, accountId, service, regions, unlistedRegions, topology, primaryRegion, routing, geolocation, defaultRegion, weights, domain, deployment, logLevel, healthCheck, alarms, function, table, protectData, tags, secretEnvironment, featureFlags, dashboard, notifications, loadTest, functionOptions, network, worker",
  },
  {
    what: "a misspelled nested key",
    stack: "prod",
    options: { set: { deployment: { typ: "AllAtOnce" } } },
    message:
      "stacks/Pulumi.prod.yaml has 1 invalid setting:\n  - multiregion-serverless:deployment.typ is not a setting (did you mean multiregion-serverless:deployment.type?); known: mode, type, stableVersion, canaryVersion, weight, waves, hooks, waitForCompletion, timeoutMinutes, keepVersions, retryToken",
  },
  {
    what: "memory below 128 MB",
    stack: "prod",
    options: { set: { function: { memorySize: 64 } } },
    message:
      "stacks/Pulumi.prod.yaml has 1 invalid setting:\n  - multiregion-serverless:function.memorySize is 64: must be at least 128",
  },
  {
    what: "a log retention CloudWatch does not offer",
    stack: "dev",
    options: { set: { function: { logRetentionInDays: 31 } } },
    message:
      "stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:function.logRetentionInDays is 31: must be a CloudWatch Logs retention: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653",
  },
  {
    what: "more than 10 alarms",
    stack: "prod",
    options: { set: { alarms: { additionalAlarmNames: eleven } } },
    message:
      'stacks/Pulumi.prod.yaml has 1 invalid setting:\n  - multiregion-serverless:alarms.additionalAlarmNames is ["alarm-0","alarm-1","alarm-2","alarm-3","alarm-4","alarm-5","alarm-6","alarm-7","alarm-8","alarm-9","alarm-10"]: must list at most 10',
  },
  {
    what: "prod without any alarm",
    stack: "prod",
    options: { set: { alarms: { createDefaults: false } } },
    message:
      "stacks/Pulumi.prod.yaml has 1 invalid setting:\n  - multiregion-serverless:alarms.createDefaults is false: prod stacks require alarms to stop a bad rollout; keep the defaults or list alarms in alarms.additionalAlarmNames",
  },
  {
    what: "an environment that is not one",
    stack: "prod-global",
    options: { set: { environment: "production" } },
    message:
      'stacks/Pulumi.prod-global.yaml has 1 invalid setting:\n  - multiregion-serverless:environment is "production": must be one of "dev", "staging", "prod"',
  },
  {
    what: "a custom stack name without an environment",
    stack: "prod-global",
    options: { unset: ["environment"] },
    message:
      'stacks/Pulumi.prod-global.yaml has 1 invalid setting:\n  - multiregion-serverless:environment missing: is required when the stack name ("prod-global") is not one of dev, staging, prod',
  },
  {
    what: "protectData as a word",
    stack: "prod",
    options: { set: { protectData: "yes" } },
    message:
      'stacks/Pulumi.prod.yaml has 1 invalid setting:\n  - multiregion-serverless:protectData is "yes": must be a boolean',
  },
  {
    what: "secretEnvironment in plain text",
    stack: "dev",
    options: { set: { secretEnvironment: { API_KEY: "visible" } } },
    message:
      "stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:secretEnvironment is stored in plain text: set each value with `pulumi config set --secret --path 'secretEnvironment.<NAME>' <value>`",
  },
  {
    what: "weighted mode in prod without a pinned stable version",
    stack: "prod",
    options: {
      set: { regions: ["us-east-1"], topology: "active-active", deployment: { mode: "weighted" } },
      // prod's provisioned concurrency is refused with weighted mode (a case of its own below).
      unset: ["domain", "functionOptions"],
    },
    message:
      'stacks/Pulumi.prod.yaml has 1 invalid setting:\n  - multiregion-serverless:deployment.stableVersion missing: prod stacks in weighted mode must pin the version serving now (else every new version takes all traffic at once); or use deployment.mode "codedeploy"',
  },
  {
    what: "weighted mode across two regions",
    stack: "staging",
    options: { set: { deployment: { mode: "weighted", stableVersion: "3", weight: 0.1 } } },
    message:
      // Staging also sets the worker, which rolls out with CodeDeploy only: both are reported.
      'stacks/Pulumi.staging.yaml has 2 invalid settings:\n  - multiregion-serverless:deployment.mode is "weighted": supports one region only (version numbers differ between regions\' functions; 2 regions listed); use deployment.mode "codedeploy" for several regions\n  - multiregion-serverless:worker is set while deployment.mode is "weighted": the worker rolls out with deployment.mode "codedeploy" only (weighted versions are numbered per function)',
  },
  // --- Function options (issue 17 part B) ---
  {
    what: "provisioned concurrency in dev",
    stack: "dev",
    options: { set: { functionOptions: { provisionedConcurrency: 2 } } },
    message:
      "stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:functionOptions.provisionedConcurrency is 2: dev stacks keep no provisioned concurrency (it is charged all month); set it in staging or prod stacks",
  },
  {
    what: "provisioned concurrency above the function's reserved concurrency",
    stack: "prod",
    options: { set: { functionOptions: { provisionedConcurrency: 300 } } },
    message:
      "stacks/Pulumi.prod.yaml has 1 invalid setting:\n  - multiregion-serverless:functionOptions.provisionedConcurrency is 300: must not exceed multiregion-serverless:function.reservedConcurrency (200); provisioned concurrency counts towards the function's reserved concurrency",
  },
  {
    what: "provisioned concurrency with weighted mode",
    stack: "prod",
    options: {
      set: {
        regions: ["us-east-1"],
        topology: "active-active",
        deployment: { mode: "weighted", stableVersion: "3" },
      },
      unset: ["domain"],
    },
    message:
      'stacks/Pulumi.prod.yaml has 1 invalid setting:\n  - multiregion-serverless:functionOptions.provisionedConcurrency is 2: cannot be used with deployment.mode "weighted" (Lambda refuses provisioned concurrency on an alias with routing weights); use deployment.mode "codedeploy" or unset it',
  },
  {
    what: "a fifth layer beside the AppConfig extension's",
    stack: "dev",
    options: {
      set: {
        functionOptions: {
          layers: ["a", "b", "c", "d", "e"].map(
            (name) => `arn:aws:lambda:us-east-1:123456789012:layer:${name}:1`,
          ),
        },
      },
    },
    message:
      "stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:functionOptions.layers lists 5 layers: at most 4 (featureFlags add the AppConfig extension's layer, the fifth)",
  },
  {
    what: "a layer of one region for a stack in two",
    stack: "staging",
    options: {
      set: {
        functionOptions: { layers: ["arn:aws:lambda:us-east-1:123456789012:layer:libs:1"] },
      },
    },
    message:
      'stacks/Pulumi.staging.yaml has 1 invalid setting:\n  - multiregion-serverless:functionOptions.layers[0] is "arn:aws:lambda:us-east-1:123456789012:layer:libs:1": is in us-east-1, but the functions also run in us-west-2 (layers and KMS keys are regional; give functionOptions only in a stack whose regions are all us-east-1)',
  },
  {
    what: "malformed function options, every one at once",
    stack: "staging",
    options: {
      set: {
        functionOptions: {
          provisionedConcurrency: 0,
          architecture: "arm",
          ephemeralStorageMb: 100,
          layers: ["arn:aws:lambda:us-east-1:123456789012:function:libs"],
          kmsKeyArn: "my-key",
        },
      },
    },
    message:
      "stacks/Pulumi.staging.yaml has 5 invalid settings:\n" +
      "  - multiregion-serverless:functionOptions.provisionedConcurrency is 0: must be at least 1\n" +
      '  - multiregion-serverless:functionOptions.architecture is "arm": must be one of "x86_64", "arm64"\n' +
      "  - multiregion-serverless:functionOptions.ephemeralStorageMb is 100: must be at least 512\n" +
      '  - multiregion-serverless:functionOptions.layers[0] is "arn:aws:lambda:us-east-1:123456789012:function:libs": must be a layer version ARN such as arn:aws:lambda:us-east-1:123456789012:layer:libs:3\n' +
      '  - multiregion-serverless:functionOptions.kmsKeyArn is "my-key": must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/<key id> (not an alias ARN: Lambda\'s grant on the key does not accept aliases)',
  },
  // --- Event sources (issue 17): the worker's queue and schedule ---
  {
    what: "a worker queue batch above 10 without a batching window",
    stack: "dev",
    options: { set: { worker: { queue: { batchSize: 100 } } } },
    message:
      "stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:worker.queue.batchSize is 100: above 10 needs worker.queue.maximumBatchingWindowSeconds of at least 1 (Lambda refuses the mapping otherwise)",
  },
  {
    what: "a worker schedule that is not a rate, cron or at expression",
    stack: "dev",
    options: { set: { worker: { schedule: { expression: "every 5 minutes" } } } },
    message:
      'stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:worker.schedule.expression is "every 5 minutes": must be "rate(<n> minute|minutes|hour|hours|day|days)", "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)" with ? in day-of-month or day-of-week, or "at(yyyy-mm-ddThh:mm:ss)"',
  },
  {
    what: "a worker without the table it writes to",
    stack: "dev",
    options: {
      set: { table: { enabled: false }, worker: { schedule: { expression: "rate(1 hour)" } } },
    },
    message:
      "stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:worker is set while table.enabled is false: the worker writes imported orders and heartbeats to the service's table",
  },
  {
    what: "worker failure handling with four retries and a 30-second event age",
    stack: "dev",
    options: {
      set: {
        worker: {
          schedule: { expression: "rate(1 hour)" },
          asyncFailures: { maximumRetryAttempts: 4, maximumEventAgeSeconds: 30 },
        },
      },
    },
    message:
      "stacks/Pulumi.dev.yaml has 2 invalid settings:\n  - multiregion-serverless:worker.asyncFailures.maximumRetryAttempts is 4: must be at most 2\n  - multiregion-serverless:worker.asyncFailures.maximumEventAgeSeconds is 30: must be at least 60",
  },
  {
    what: "worker failure handling without the schedule it would apply to",
    stack: "dev",
    options: {
      set: { worker: { queue: {}, asyncFailures: { maximumRetryAttempts: 1 } } },
    },
    message:
      "stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:worker.asyncFailures is {\"maximumRetryAttempts\":1} while worker.schedule is not set: it configures failures of the schedule's invocations, the worker's only asynchronous source; set worker.schedule or remove it",
  },
  {
    what: "a worker queue concurrency of 1",
    stack: "dev",
    options: { set: { worker: { queue: { maximumConcurrency: 1 } } } },
    message:
      "stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:worker.queue.maximumConcurrency is 1: must be at least 2",
  },
  {
    what: "a FIFO worker queue with a batching window and a batch above 10",
    stack: "dev",
    options: {
      set: { worker: { queue: { fifo: true, maximumBatchingWindowSeconds: 5, batchSize: 20 } } },
    },
    message:
      "stacks/Pulumi.dev.yaml has 2 invalid settings:\n  - multiregion-serverless:worker.queue.batchSize is 20: a FIFO queue takes at most 10 messages per batch\n  - multiregion-serverless:worker.queue.maximumBatchingWindowSeconds is 5: FIFO queues take no batching window",
  },
];
