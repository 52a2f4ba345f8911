import * as fs from "fs";
import * as path from "path";

/** The package name, as package.json and the schema spell it. */
const PACKAGE_NAME = "multiregion-serverless";

/** The resource options that name this package's provider plugin to the engine. */
export interface PluginPackageOptions {
  readonly version: string;
  readonly pluginDownloadURL?: string;
}

/**
 * What a resource of this package registers with so that the engine serves it by this package's
 * plugin, as a generated Node.js SDK does (pulumi/pulumi pkg/codegen/nodejs/utilities.ts
 * `resourceOptsDefaults`: `version` from the SDK's package.json, a leading "v" dropped, and the
 * schema's `pluginDownloadURL` when it has one). Here the download URL is package.json
 * `pulumi.server`, where Pulumi's Node.js language host reads a package's plugin server
 * (`PulumiPluginJSON.Server`, `getPackageInfo` in sdk/nodejs/cmd/pulumi-language-nodejs).
 */
export function pluginPackageOptions(packageJson: {
  version?: unknown;
  pulumi?: { server?: unknown };
}): PluginPackageOptions {
  const version = String(packageJson.version ?? "").replace(/^v/, "");
  if (version === "") {
    throw new Error(`${PACKAGE_NAME}: package.json has no version`);
  }
  const server = packageJson.pulumi?.server;
  return typeof server === "string" && server !== ""
    ? { version, pluginDownloadURL: server }
    : { version };
}

let cached: PluginPackageOptions | undefined;

/**
 * This package's own plugin options, read from its package.json at run time (beside
 * components/ from the sources, two levels up from dist/components/ when built), once.
 */
export function ownPluginPackageOptions(): PluginPackageOptions {
  if (cached) {
    return cached;
  }
  const candidates = [
    path.join(__dirname, "..", "package.json"),
    path.join(__dirname, "..", "..", "package.json"),
  ];
  for (const candidate of candidates) {
    if (!fs.existsSync(candidate)) {
      continue;
    }
    const packageJson = JSON.parse(fs.readFileSync(candidate, "utf8"));
    // provider/package.json (the schema analyzer's root) has no version; skip any other package.
    if (packageJson.name === PACKAGE_NAME && packageJson.version !== undefined) {
      cached = pluginPackageOptions(packageJson);
      return cached;
    }
  }
  throw new Error(
    `${PACKAGE_NAME}: its package.json was not found at ${candidates.join(" or ")}; the ` +
      "plugin names its own version from it",
  );
}
