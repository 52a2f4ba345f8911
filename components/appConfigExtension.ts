import type { ArgumentProblems } from "./validation";

// The AWS AppConfig Agent Lambda extension: the layer a function adds to read its feature
// flags from `localhost:2772` (the extension caches them and polls AppConfig in the
// background). Its layer ARN differs per region and per architecture: AWS publishes one ARN
// for each, with an AWS-owned account id per region, and there is no "latest" alias.

/**
 * Layer ARNs of extension version 2.0.17054.0 (AWS AppConfig User Guide, "Understanding
 * available versions of the AWS AppConfig Agent Lambda extension",
 * https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-versions.html,
 * tables "x86-64 platform" and "ARM64 platform"), per region: the AWS account that publishes
 * the layer there, and the layer version for x86_64 and for arm64. To move to a newer
 * extension, copy the new tables from that page (or read the public SSM parameter
 * `/aws/service/appconfig-agent/...` the same page names) and keep every region.
 */
const EXTENSION_LAYERS: Readonly<
  Record<string, { account: string; x86_64: number; arm64: number }>
> = {
  "us-east-1": { account: "027255383542", x86_64: 321, arm64: 254 },
  "us-east-2": { account: "728743619870", x86_64: 277, arm64: 229 },
  "us-west-1": { account: "958113053741", x86_64: 395, arm64: 272 },
  "us-west-2": { account: "359756378197", x86_64: 373, arm64: 275 },
  "ca-central-1": { account: "039592058896", x86_64: 262, arm64: 182 },
  "ca-west-1": { account: "436199621743", x86_64: 172, arm64: 162 },
  "eu-central-1": { account: "066940009817", x86_64: 295, arm64: 238 },
  "eu-central-2": { account: "758369105281", x86_64: 220, arm64: 178 },
  "eu-west-1": { account: "434848589818", x86_64: 303, arm64: 241 },
  "eu-west-2": { account: "282860088358", x86_64: 242, arm64: 194 },
  "eu-west-3": { account: "493207061005", x86_64: 273, arm64: 192 },
  "eu-north-1": { account: "646970417810", x86_64: 367, arm64: 226 },
  "eu-south-1": { account: "203683718741", x86_64: 249, arm64: 177 },
  "eu-south-2": { account: "586093569114", x86_64: 214, arm64: 175 },
  "ap-east-1": { account: "630222743974", x86_64: 254, arm64: 182 },
  "ap-east-2": { account: "730335625313", x86_64: 147, arm64: 121 },
  "ap-northeast-1": { account: "980059726660", x86_64: 272, arm64: 225 },
  "ap-northeast-2": { account: "826293736237", x86_64: 273, arm64: 181 },
  "ap-northeast-3": { account: "706869817123", x86_64: 272, arm64: 187 },
  "ap-southeast-1": { account: "421114256042", x86_64: 258, arm64: 210 },
  "ap-southeast-2": { account: "080788657173", x86_64: 313, arm64: 256 },
  "ap-southeast-3": { account: "418787028745", x86_64: 256, arm64: 193 },
  "ap-southeast-4": { account: "307021474294", x86_64: 188, arm64: 173 },
  "ap-southeast-5": { account: "631746059939", x86_64: 161, arm64: 136 },
  "ap-southeast-6": { account: "381491832265", x86_64: 97, arm64: 87 },
  "ap-southeast-7": { account: "851725616657", x86_64: 134, arm64: 133 },
  "ap-south-1": { account: "554480029851", x86_64: 290, arm64: 232 },
  "ap-south-2": { account: "489524808438", x86_64: 217, arm64: 175 },
  "sa-east-1": { account: "000010852771", x86_64: 327, arm64: 215 },
  "mx-central-1": { account: "891376990304", x86_64: 142, arm64: 141 },
  "af-south-1": { account: "574348263942", x86_64: 260, arm64: 188 },
  "il-central-1": { account: "895787185223", x86_64: 188, arm64: 171 },
  "me-central-1": { account: "662846165436", x86_64: 212, arm64: 168 },
  "me-south-1": { account: "559955524753", x86_64: 254, arm64: 182 },
};

/** The extension version the table holds (for docs and the preview). */
export const APPCONFIG_EXTENSION_VERSION = "2.0.17054.0";

/**
 * The port the extension serves on; AWS's default, changed only through the function's
 * `AWS_APPCONFIG_EXTENSION_HTTP_PORT` (AppConfig User Guide, "Configuring the AWS AppConfig
 * Agent Lambda extension").
 */
export const APPCONFIG_EXTENSION_PORT = 2772;

/** The regions the table has a layer for. */
export function appConfigExtensionRegions(): string[] {
  return Object.keys(EXTENSION_LAYERS);
}

/**
 * The extension's layer ARN for a region and architecture, or undefined when AWS publishes
 * none there (a region launched after this table, or another partition).
 */
export function findAppConfigExtensionLayerArn(
  region: string,
  architecture: "x86_64" | "arm64" = "x86_64",
): string | undefined {
  const entry = Object.hasOwn(EXTENSION_LAYERS, region) ? EXTENSION_LAYERS[region] : undefined;
  if (entry === undefined) {
    return undefined;
  }
  const layer =
    architecture === "arm64" ? "AWS-AppConfig-Extension-Arm64" : "AWS-AppConfig-Extension";
  return `arn:aws:lambda:${region}:${entry.account}:layer:${layer}:${entry[architecture]}`;
}

/** What to say about a region the table has no layer for (an argument problem or config error). */
export function missingExtensionLayer(region: string): string {
  return `AWS publishes no AppConfig Lambda extension layer for ${region} in the table of extension ${APPCONFIG_EXTENSION_VERSION} (components/appConfigExtension.ts); read flags without the extension there (AWS SDK, appConfigExtension false) or add the region's ARN from the AppConfig User Guide`;
}

/**
 * Every function that asks for the extension (`appConfigExtension: true`) needs a layer in each
 * region it is placed in: checked for a whole service before anything is registered, so that a
 * region without a layer does not stop `pulumi up` half-way through the regions.
 */
export function checkExtensionLayers(
  problems: ArgumentProblems,
  functions: unknown,
  regions: readonly string[],
): void {
  if (typeof functions !== "object" || functions === null) return;
  for (const [key, fn] of Object.entries(functions as Record<string, unknown>)) {
    const args = fn as { appConfigExtension?: unknown; architecture?: "x86_64" | "arm64" } | null;
    if (args?.appConfigExtension !== true) continue;
    for (const region of regions) {
      if (findAppConfigExtensionLayerArn(region, args.architecture) === undefined) {
        problems.add(`functions.${key}.appConfigExtension`, true, missingExtensionLayer(region));
      }
    }
  }
}
