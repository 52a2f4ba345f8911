/**
 * Stack config `functionOptions` (issue 17 part B): the function options that differ per
 * environment, above all provisioned concurrency (off in dev). Its own section so the stack
 * settings file only names it.
 */
import { z } from "zod";
import {
  arnRegion,
  EPHEMERAL_STORAGE_MB,
  KMS_KEY_ARN,
  LAYER_VERSION_ARN,
  layerName,
  MAX_LAYERS,
  provisionedConcurrencyMonthlyUsd,
} from "./functionOptions";

/** The schema of `functionOptions` in a stack file.
 * @internal Stack-config plumbing typed with zod: kept out of the published declarations, which must compile without zod's types (Pulumi's template tsconfig). */
export const functionOptionsConfig = z.strictObject({
  /**
   * Provisioned concurrency on each function's alias, per region. Charged all month whether used
   * or not; refused in dev.
   */
  provisionedConcurrency: z.int().min(1).max(1_000_000).optional(),
  /** Instruction set of the functions. */
  architecture: z.enum(["x86_64", "arm64"]).optional(),
  /** `/tmp` in MB (512 to 10240; above 512 is charged). */
  ephemeralStorageMb: z
    .int()
    .min(EPHEMERAL_STORAGE_MB.min)
    .max(EPHEMERAL_STORAGE_MB.max)
    .optional(),
  /**
   * Layer version ARNs added to the functions, of the stack's region (layers are regional): at
   * most 5, 4 with feature flags read through the AppConfig extension (its layer is one).
   */
  layers: z
    .array(
      z.string().regex(LAYER_VERSION_ARN, {
        error:
          "must be a layer version ARN such as arn:aws:lambda:us-east-1:123456789012:layer:libs:3",
      }),
    )
    .max(MAX_LAYERS)
    .optional(),
  /**
   * Customer managed KMS key (a key ARN, not an alias) of the stack's region for the functions'
   * environment variables; its key policy must allow Lambda.
   */
  kmsKeyArn: z
    .string()
    .regex(KMS_KEY_ARN, {
      error:
        "must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/<key id> (not an alias ARN: Lambda's grant on the key does not accept aliases)",
    })
    .optional(),
});

/** `functionOptions` as given in a stack file.
 * @internal Stack-config plumbing typed with zod: kept out of the published declarations, which must compile without zod's types (Pulumi's template tsconfig). */
export type FunctionOptionsConfig = z.infer<typeof functionOptionsConfig>;

/** The resolved `functionOptions` of a stack. */
export interface FunctionOptionSettings {
  /** Provisioned concurrency on each function's alias, per region. @default none */
  provisionedConcurrency?: number;
  /** @default "x86_64" */
  architecture: "x86_64" | "arm64";
  /** @default 512 (Lambda's) */
  ephemeralStorageMb?: number;
  /** @default [] */
  layers: string[];
  /** @default Lambda's AWS managed key */
  kmsKeyArn?: string;
  /**
   * Monthly cost of the provisioned concurrency of one function in one region, in US dollars at
   * us-east-1 list prices (an order of magnitude), when it is set.
   */
  provisionedConcurrencyMonthlyUsd?: number;
}

/**
 * `functionOptions` resolved for the environment, with what only makes sense together checked:
 * no provisioned concurrency in dev, and never more than the function's reserved concurrency.
 * @param key The config key of a setting (`multiregion-serverless:functionOptions`).
 * @internal Stack-config plumbing typed with zod: kept out of the published declarations, which must compile without zod's types (Pulumi's template tsconfig).
 */
export function resolveFunctionOptions(
  given: FunctionOptionsConfig | undefined,
  fn: { memorySize?: number; reservedConcurrency?: number } | undefined,
  key: (name: string) => string,
  environment: string,
  problems: string[],
  stack: {
    /** Every region the functions go to. */
    regions: readonly string[];
    /** `deployment.mode`. */
    mode: "codedeploy" | "weighted";
    /** Whether the functions get the AppConfig extension's layer (feature flags read through it). */
    extensionLayer: boolean;
  } = { regions: [], mode: "codedeploy", extensionLayer: false },
): FunctionOptionSettings {
  const options = given ?? {};
  const provisioned = options.provisionedConcurrency;
  const at = `${key("functionOptions")}`;
  if (provisioned !== undefined && stack.mode === "weighted") {
    // "Alias with weights can not be used with Provisioned Concurrency" (hashicorp/terraform#24957).
    problems.push(
      `${at}.provisionedConcurrency is ${provisioned}: cannot be used with deployment.mode "weighted" (Lambda refuses provisioned concurrency on an alias with routing weights); use deployment.mode "codedeploy" or unset it`,
    );
  }
  const layers = options.layers ?? [];
  // The extension's layer is one of the five (Lambda quotas: "Function layers: 5 layers").
  const maxLayers = stack.extensionLayer ? MAX_LAYERS - 1 : MAX_LAYERS;
  if (layers.length > maxLayers) {
    problems.push(
      `${at}.layers lists ${layers.length} layers: at most ${maxLayers}${stack.extensionLayer ? " (featureFlags add the AppConfig extension's layer, the fifth)" : ""}`,
    );
  }
  const names = new Map<string, number>();
  layers.forEach((layer, i) => {
    const earlier = names.get(layerName(layer));
    if (earlier !== undefined) {
      problems.push(
        `${at}.layers[${i}] is ${JSON.stringify(layer)}: another version of layers[${earlier}]; Lambda refuses two versions of the same layer in one function`,
      );
    } else {
      names.set(layerName(layer), i);
    }
  });
  // Layers and KMS keys are regional: one ARN fits every function only if all are in its region.
  const regional = [
    ...layers.map((arn, i) => ({ setting: `layers[${i}]`, arn })),
    ...(options.kmsKeyArn ? [{ setting: "kmsKeyArn", arn: options.kmsKeyArn }] : []),
  ];
  for (const { setting, arn } of regional) {
    const elsewhere = stack.regions.filter((region) => region !== arnRegion(arn));
    if (elsewhere.length > 0) {
      problems.push(
        `${at}.${setting} is ${JSON.stringify(arn)}: is in ${arnRegion(arn)}, but the functions also run in ${elsewhere.join(", ")} (layers and KMS keys are regional; give functionOptions only in a stack whose regions are all ${arnRegion(arn)})`,
      );
    }
  }
  if (provisioned !== undefined && environment === "dev") {
    problems.push(
      `${key("functionOptions")}.provisionedConcurrency is ${provisioned}: dev stacks keep no provisioned concurrency (it is charged all month); set it in staging or prod stacks`,
    );
  }
  if (
    provisioned !== undefined &&
    fn?.reservedConcurrency !== undefined &&
    provisioned > fn.reservedConcurrency
  ) {
    problems.push(
      `${key("functionOptions")}.provisionedConcurrency is ${provisioned}: must not exceed ${key("function")}.reservedConcurrency (${fn.reservedConcurrency}); provisioned concurrency counts towards the function's reserved concurrency`,
    );
  }
  const architecture = options.architecture ?? "x86_64";
  return {
    provisionedConcurrency: provisioned,
    architecture,
    ephemeralStorageMb: options.ephemeralStorageMb,
    layers,
    kmsKeyArn: options.kmsKeyArn,
    provisionedConcurrencyMonthlyUsd:
      provisioned !== undefined
        ? provisionedConcurrencyMonthlyUsd(provisioned, fn?.memorySize ?? 256, architecture)
        : undefined,
  };
}
