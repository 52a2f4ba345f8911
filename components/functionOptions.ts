/**
 * The function options of issue 17 (items 2 and 4) beyond traffic shifting: provisioned
 * concurrency on the alias, layers, ephemeral storage, the KMS key of the environment, SnapStart,
 * and the `source`/`code` choice (item 3). Their checks and the provisioned concurrency estimate.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  bundleSource,
  BundlingError,
  CREATABLE_NODE_RUNTIMES_TEXT,
  esbuildTarget,
  FunctionSource,
  SourceBundle,
} from "./bundling";
import { ArgumentProblems, isKnown } from "./validation";

/** SnapStart setting of a function. */
export const SnapStartMode = { PublishedVersions: "PublishedVersions", None: "None" } as const;

/** `PublishedVersions` (take a snapshot of every published version) or `None`. */
export type SnapStartMode = (typeof SnapStartMode)[keyof typeof SnapStartMode];

/** A function's memory size when `memorySize` is not given, in MB (the component's default). */
export const DEFAULT_MEMORY_SIZE_MB = 256;

/** A function can use at most five layers (Lambda quotas: "Function layers: 5 layers"). */
export const MAX_LAYERS = 5;

/**
 * A layer version ARN (Lambda API `CreateFunction`, `Layers` pattern:
 * `arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+`).
 */
export const LAYER_VERSION_ARN =
  /^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$/;

/**
 * A KMS key ARN (Lambda API `CreateFunction`, `KMSKeyArn`; KMS key ARNs are
 * `arn:<partition>:kms:<region>:<account>:key/<key id>`). Alias ARNs (`...:alias/<name>`) are
 * refused: Lambda creates a grant on the key, and KMS `CreateGrant` does not take aliases ("Key
 * Aliases are not supported for this operation", hashicorp/terraform#20813).
 */
export const KMS_KEY_ARN = /^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-zA-Z0-9-]+$/;

/** The region of a layer or KMS key ARN (its fourth field), or undefined when it has none. */
export function arnRegion(arn: string): string | undefined {
  const region = arn.split(":")[3];
  return region ? region : undefined;
}

/**
 * A layer version ARN without its version (`...:layer:<name>`): Lambda refuses two versions of
 * the same layer in one function ("Two different versions of the same layer are not allowed to
 * be referenced in the same function", also for the same ARN twice: DataDog/serverless-plugin-datadog#195).
 */
export function layerName(arn: string): string {
  return arn.replace(/:[0-9]+$/, "");
}

/** Ephemeral storage (`/tmp`) in MB: 512 to 10240 (Lambda API `EphemeralStorage.Size`). */
export const EPHEMERAL_STORAGE_MB = { min: 512, max: 10240 } as const;

/**
 * The managed runtimes SnapStart supports (Lambda Developer Guide, "Improving startup performance
 * with Lambda SnapStart", supported features and limitations: Java 11 and later, Python 3.12 and
 * later, .NET 8 and later; not Node.js, Ruby, OS-only runtimes or container images).
 */
export function supportsSnapStart(runtime: string): boolean {
  const java = /^java(\d+)$/.exec(runtime);
  if (java) return Number(java[1]) >= 11;
  const python = /^python3\.(\d+)$/.exec(runtime);
  if (python) return Number(python[1]) >= 12;
  const dotnet = /^dotnet(\d+)$/.exec(runtime);
  if (dotnet) return Number(dotnet[1]) >= 8;
  return false;
}

/**
 * Price of provisioned concurrency per GB-second, US East (N. Virginia) list prices (AWS Lambda
 * pricing page, "Provisioned Concurrency Pricing": x86 $0.0000041667, Arm $0.0000033334 per
 * GB-second). An estimate: other regions, Savings Plans and the duration of invocations served by
 * provisioned environments are not included.
 */
export const PROVISIONED_CONCURRENCY_USD_PER_GB_SECOND = {
  x86_64: 0.0000041667,
  arm64: 0.0000033334,
} as const;

/** Seconds in an average month (365.25 days / 12), for the monthly estimate. */
const SECONDS_PER_MONTH = (365.25 / 12) * 24 * 3600;

/**
 * What `provisionedConcurrency` environments of `memorySizeMb` cost per month when kept all month,
 * in US dollars at us-east-1 list prices (an order of magnitude, not a quote).
 */
export function provisionedConcurrencyMonthlyUsd(
  provisionedConcurrency: number,
  memorySizeMb: number,
  architecture: "x86_64" | "arm64" = "x86_64",
): number {
  const gb = memorySizeMb / 1024;
  return (
    provisionedConcurrency *
    gb *
    SECONDS_PER_MONTH *
    PROVISIONED_CONCURRENCY_USD_PER_GB_SECOND[architecture]
  );
}

/** The options this file checks, as a function's arguments give them. */
export interface FunctionOptionArgs {
  readonly code?: unknown;
  readonly source?: FunctionSource;
  readonly runtime?: unknown;
  readonly layers?: unknown;
  readonly appConfigExtension?: boolean;
  readonly ephemeralStorageMb?: number;
  readonly kmsKeyArn?: unknown;
  readonly snapStart?: SnapStartMode;
  readonly reservedConcurrency?: number;
  readonly provisionedConcurrency?: number;
  /** The function's region, to compare with the regions of layer and key ARNs when plain. */
  readonly region?: unknown;
  /** The AppConfig extension's layer ARN the function gets, when known. */
  readonly extensionLayerArn?: string;
}

/** The problems of `source` next to `code` (at `prefix`, e.g. `hooks.preTraffic.`). */
export function checkCodeOrSource(
  problems: ArgumentProblems,
  prefix: string,
  args: { code?: unknown; source?: FunctionSource; runtime?: unknown },
): void {
  const hasCode = args.code !== undefined && args.code !== null;
  const source = args.source;
  if (hasCode && source !== undefined) {
    problems.add(
      `${prefix}source`,
      source?.entry,
      `give either [${prefix}code] (a prebuilt archive) or [${prefix}source] (an entry file to bundle), not both`,
    );
  } else if (!hasCode && source === undefined) {
    problems.add(
      `${prefix}code`,
      args.code,
      `is required: a pulumi.asset.Archive, or give [${prefix}source] to bundle an entry file`,
    );
  }
  if (source === undefined) return;
  if (typeof source !== "object" || source === null || typeof source.entry !== "string") {
    problems.add(`${prefix}source`, source, "must be { entry: <path of a .ts or .js file> }");
    return;
  }
  problems.check(
    /\.(ts|mts|cts|js|mjs|cjs)$/.test(source.entry),
    `${prefix}source.entry`,
    source.entry,
    "must be a TypeScript or JavaScript file (.ts, .mts, .cts, .js, .mjs, .cjs)",
  );
  if (source.external !== undefined) {
    problems.check(
      Array.isArray(source.external) && source.external.every((id) => typeof id === "string"),
      `${prefix}source.external`,
      source.external,
      "must be a list of module ids",
    );
  }
  const runtime = args.runtime ?? "nodejs22.x";
  if (isKnown(runtime)) {
    problems.check(
      esbuildTarget(runtime) !== undefined,
      `${prefix}runtime`,
      runtime,
      `[${prefix}source] is bundled for Node.js: the runtime must be ${CREATABLE_NODE_RUNTIMES_TEXT}, given as a plain string`,
    );
  } else {
    problems.add(
      `${prefix}runtime`,
      "(an Output)",
      `must be known when the component is constructed to bundle [${prefix}source] for it`,
    );
  }
}

/**
 * Every problem of the options above, before anything is registered: layers (at most five with
 * the AppConfig extension's, version ARNs), ephemeral storage, the KMS key ARN, SnapStart (a
 * runtime that supports it, and none of what it cannot run with), provisioned concurrency (a
 * positive whole number, not above reserved concurrency).
 */
export function checkFunctionOptions(problems: ArgumentProblems, args: FunctionOptionArgs): void {
  checkCodeOrSource(problems, "", args);

  const layers = args.layers;
  const region = typeof args.region === "string" ? args.region : undefined;
  if (layers !== undefined && isKnown(layers)) {
    if (!Array.isArray(layers)) {
      problems.add("layers", layers, "must be a list of layer version ARNs");
    } else {
      // The extension's layer counts against the five and against duplicates (issue 17).
      const seen = new Map<string, string>();
      if (args.extensionLayerArn !== undefined) {
        seen.set(layerName(args.extensionLayerArn), "the AppConfig extension's layer");
      }
      layers.forEach((layer, index) => {
        if (typeof layer === "string") {
          if (!LAYER_VERSION_ARN.test(layer)) {
            problems.add(
              `layers[${index}]`,
              layer,
              "must be a layer version ARN, arn:aws:lambda:<region>:<account>:layer:<name>:<version>",
            );
            return;
          }
          const layerRegion = arnRegion(layer);
          if (region !== undefined && layerRegion !== region) {
            // Layers are regional: CreateFunction takes layers of the function's region only.
            problems.add(
              `layers[${index}]`,
              layer,
              `is a layer in ${layerRegion}; the function is in ${region} (layers are regional: publish the layer in ${region} and give its ARN)`,
            );
          }
          const earlier = seen.get(layerName(layer));
          if (earlier !== undefined) {
            problems.add(
              `layers[${index}]`,
              layer,
              `is another version of ${earlier}: Lambda refuses two versions of the same layer in one function`,
            );
          } else {
            seen.set(layerName(layer), `[layers[${index}]]`);
          }
        } else if (isKnown(layer)) {
          problems.add(`layers[${index}]`, layer, "must be a layer version ARN (a string)");
        }
      });
      const total = layers.length + (args.appConfigExtension ? 1 : 0);
      if (total > MAX_LAYERS) {
        problems.add(
          "layers",
          `${layers.length} layers`,
          `a function takes at most ${MAX_LAYERS} layers${args.appConfigExtension ? " (appConfigExtension adds one)" : ""}`,
        );
      }
    }
  }

  problems.integerInRange(
    "ephemeralStorageMb",
    args.ephemeralStorageMb,
    EPHEMERAL_STORAGE_MB.min,
    EPHEMERAL_STORAGE_MB.max,
    "MB",
  );

  if (typeof args.kmsKeyArn === "string") {
    if (!KMS_KEY_ARN.test(args.kmsKeyArn)) {
      problems.add(
        "kmsKeyArn",
        args.kmsKeyArn,
        "must be a KMS key ARN, arn:aws:kms:<region>:<account>:key/<key id> (not an alias: Lambda's grant on the key does not accept aliases)",
      );
    } else if (region !== undefined && arnRegion(args.kmsKeyArn) !== region) {
      // KMS keys are regional; Lambda uses a key of the function's region.
      problems.add(
        "kmsKeyArn",
        args.kmsKeyArn,
        `is a key in ${arnRegion(args.kmsKeyArn)}; the function is in ${region} (KMS keys are regional: give a key of ${region})`,
      );
    }
  }

  problems.oneOf("snapStart", args.snapStart, Object.values(SnapStartMode));
  if (args.snapStart === "PublishedVersions") {
    const runtime = args.runtime ?? "nodejs22.x";
    if (typeof runtime === "string" && !supportsSnapStart(runtime)) {
      problems.add(
        "snapStart",
        args.snapStart,
        `runtime ${runtime} does not support SnapStart (supported: java11 and later, python3.12 and later, dotnet8 and later)`,
      );
    }
    // Lambda Developer Guide, SnapStart "Supported features and limitations": no provisioned
    // concurrency, no Amazon EFS, no ephemeral storage above 512 MB.
    if ((args.provisionedConcurrency ?? 0) > 0) {
      problems.add(
        "snapStart",
        args.snapStart,
        "SnapStart does not support provisioned concurrency: unset one of [snapStart] and [provisionedConcurrency]",
      );
    }
    if ((args.ephemeralStorageMb ?? EPHEMERAL_STORAGE_MB.min) > EPHEMERAL_STORAGE_MB.min) {
      problems.add(
        "snapStart",
        args.snapStart,
        `SnapStart does not support ephemeral storage above ${EPHEMERAL_STORAGE_MB.min} MB ([ephemeralStorageMb] is ${args.ephemeralStorageMb})`,
      );
    }
  }

  const provisioned = args.provisionedConcurrency;
  if (provisioned !== undefined) {
    // PutProvisionedConcurrencyConfig: ProvisionedConcurrentExecutions, minimum 1.
    problems.integerInRange("provisionedConcurrency", provisioned, 1, 1_000_000);
    const reserved = args.reservedConcurrency;
    if (
      typeof reserved === "number" &&
      typeof provisioned === "number" &&
      Number.isInteger(provisioned) &&
      provisioned > reserved
    ) {
      // Lambda Developer Guide, "Configuring provisioned concurrency": provisioned concurrency
      // counts towards the function's reserved concurrency, so it cannot exceed it.
      problems.add(
        "provisionedConcurrency",
        provisioned,
        `must not exceed [reservedConcurrency] (${reserved}): provisioned concurrency counts towards the function's reserved concurrency`,
      );
    }
  }
}

/**
 * The bundle of a function's or hook's `source` (bundled again: nothing is cached), with
 * the environment it needs minus what the caller's own environment sets (a `NODE_OPTIONS` of the
 * caller's wins), or undefined when it gives `code`.
 */
export function bundledCode(args: {
  source?: FunctionSource;
  runtime?: pulumi.Input<string>;
  environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}): SourceBundle | undefined {
  if (args.source === undefined) return undefined;
  const bundle = bundleSource(args.source, String(args.runtime ?? "nodejs22.x"));
  const own = isKnown(args.environment) ? (args.environment ?? {}) : {};
  const environment = Object.fromEntries(
    Object.entries(bundle.environment).filter(([key]) => !(key in own)),
  );
  return { ...bundle, environment };
}

/**
 * Bundles `source` while checking (at `prefix`), so a bundling error is one more problem of the
 * arguments, reported with the others before anything is registered.
 */
export function checkBundles(
  problems: ArgumentProblems,
  prefix: string,
  args: { source?: FunctionSource; runtime?: unknown },
): void {
  const source = args.source;
  if (source === undefined || source === null || typeof source.entry !== "string") return;
  if (!/\.(ts|mts|cts|js|mjs|cjs)$/.test(source.entry)) return;
  if (
    source.external !== undefined &&
    // Array.from: an item left out as an unknown Output is a hole, which `every` would skip.
    !(
      Array.isArray(source.external) &&
      Array.from(source.external).every((id) => typeof id === "string")
    )
  ) {
    return;
  }
  const runtime = args.runtime ?? "nodejs22.x";
  if (esbuildTarget(runtime) === undefined) return;
  try {
    bundleSource(source, runtime as string);
  } catch (error) {
    if (!(error instanceof BundlingError)) throw error;
    problems.add(`${prefix}source.entry`, source.entry, error.message);
  }
}

/** The function's layers: the AppConfig extension's first, then the caller's, or none. */
export function functionLayers(
  extension: string[] | undefined,
  layers: pulumi.Input<string>[] | undefined,
): pulumi.Input<string>[] | undefined {
  const all = [...(extension ?? []), ...(layers ?? [])];
  return all.length > 0 ? all : undefined;
}
