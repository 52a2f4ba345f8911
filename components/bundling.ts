/**
 * Bundling a function from its TypeScript or JavaScript entry file with esbuild (issue 17, item 3),
 * at construction and synchronously: a bundling error is thrown before anything is registered, as
 * one error naming the file and line.
 *
 * esbuild is an optional peer dependency, loaded only when a `source` is bundled (as the CDK's
 * `aws-lambda-nodejs` uses a local esbuild): a program that gives prebuilt `code` archives does not
 * need its native binary.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Where a function's code comes from when it is bundled at construction (instead of `code`). */
export interface FunctionSource {
  /**
   * Path of the entry file (`.ts`, `.js`, `.mjs`, `.cjs`), absolute or relative to the working
   * directory. Its exports become the bundle's `index.js`, so the handler is `index.<export>`.
   */
  readonly entry: string;
  /**
   * Module ids left out of the bundle besides `@aws-sdk/*` (which every Node.js runtime from
   * nodejs18.x includes), e.g. packages a layer provides.
   * @default []
   */
  readonly external?: string[];
  /**
   * Minify the bundle (identifiers stay readable in stack traces through the source map).
   * @default false
   */
  readonly minify?: boolean;
  /**
   * Ship a source map (`index.js.map`) and set `NODE_OPTIONS=--enable-source-maps`, so stack
   * traces name the source file and line.
   * @default true
   */
  readonly sourceMap?: boolean;
}

/** The bundle of a `FunctionSource`: its archive and the hash of its contents. */
export interface SourceBundle {
  /** `index.js` (and `index.js.map`), as Pulumi uploads it. */
  readonly archive: pulumi.asset.AssetArchive;
  /** The files in the archive, by archive path. */
  readonly files: ReadonlyMap<string, string>;
  /**
   * Hex SHA-256 over the archive's paths and contents: equal for equal sources, so an unchanged
   * source gives the same archive and publishes no new version.
   */
  readonly sha256: string;
  /** Environment variables the bundle needs (`NODE_OPTIONS` for source maps). */
  readonly environment: Readonly<Record<string, string>>;
}

/** Module ids every Node.js runtime from nodejs18.x provides (Lambda docs, "Building Lambda functions with Node.js": the runtimes include the AWS SDK for JavaScript v3). */
export const RUNTIME_PROVIDED_MODULES = ["@aws-sdk/*"] as const;

/**
 * The oldest Node.js major Lambda still creates functions on. Lambda blocks creating functions on
 * a deprecated runtime (Lambda Developer Guide, "Lambda runtimes": nodejs18.x was deprecated on
 * 2025-09-01, nodejs20.x on 2026-04-30, each with function creation blocked after), so a function
 * or hook on them would pass preview and fail at CreateFunction.
 */
export const OLDEST_CREATABLE_NODE_MAJOR = 22;

/** The runtimes a bundled function or a ready-made hook may use, in words for errors. */
export const CREATABLE_NODE_RUNTIMES_TEXT =
  "nodejs22.x or nodejs24.x (or a later nodejsNN.x); Lambda no longer creates functions on nodejs18.x or nodejs20.x";

/**
 * esbuild's `target` for a Lambda Node.js runtime (`nodejs22.x` -> `node22`), or undefined when
 * the runtime is not a Node.js runtime Lambda still creates functions on (see
 * OLDEST_CREATABLE_NODE_MAJOR); each includes the AWS SDK v3 the bundles leave out.
 */
export function esbuildTarget(runtime: unknown): string | undefined {
  if (typeof runtime !== "string") return undefined;
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  return match && Number(match[1]) >= OLDEST_CREATABLE_NODE_MAJOR ? `node${match[1]}` : undefined;
}

/**
 * Thrown when a source cannot be bundled: the message (a sentence about the entry file, e.g.
 * `does not bundle: src/orders.ts:2:13: Unexpected ";"`) names the file and line of each error.
 */
export class BundlingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BundlingError";
  }
}

/** The esbuild module, or an error that says how to install it. */
function loadEsbuild(): typeof import("esbuild") {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("esbuild") as typeof import("esbuild");
  } catch {
    throw new BundlingError(
      "bundling a function's `source` needs esbuild, an optional peer dependency of multiregion-serverless: run `npm install --save-dev esbuild`, or give a prebuilt `code` archive instead",
    );
  }
}

/** How a bundle is built beyond its `FunctionSource` (for this package's own bundles). */
export interface BundleBuildOptions {
  /**
   * Embed the sources in the map. Node maps stack traces from the mappings alone, so the
   * ready-made hooks leave them out (a smaller map to read at start-up).
   * @default true
   */
  readonly sourcesContent?: boolean;
}

/**
 * Bundles `source` for `runtime` (a Node.js runtime given as a plain string): platform node,
 * CommonJS, the runtime's Node.js version as target, `@aws-sdk/*` external, with a source map.
 * The output is deterministic: esbuild emits the same bytes for the same inputs, paths in the
 * bundle and its map are relative to the entry's folder (not to where the checkout lives), and
 * no timestamp goes into the archive. Nothing is cached between calls: whether an import resolves
 * to a new file (greet.ts next to greet.js), a tsconfig.json or a package.json can change the
 * bundle, so a long-running program (Automation API) bundles afresh on every construction (the
 * first esbuild build of a process takes about 0.5 s, later ones about 30 ms).
 * @throws BundlingError naming the file and line of each problem.
 */
export function bundleSource(
  source: FunctionSource,
  runtime: string,
  options: BundleBuildOptions = {},
): SourceBundle {
  const target = esbuildTarget(runtime);
  if (target === undefined) {
    throw new BundlingError(
      `cannot be bundled for runtime ${JSON.stringify(runtime)}: bundling needs ${CREATABLE_NODE_RUNTIMES_TEXT}`,
    );
  }
  const entry = path.resolve(source.entry);
  const sourceMap = source.sourceMap ?? true;
  const external = [...RUNTIME_PROVIDED_MODULES, ...(source.external ?? [])];
  if (!fs.existsSync(entry)) {
    throw new BundlingError(`does not exist (resolved to ${entry})`);
  }
  const esbuild = loadEsbuild();
  const workingDir = path.dirname(entry);
  let result: import("esbuild").BuildResult<{ write: false }>;
  try {
    result = esbuild.buildSync({
      entryPoints: [entry],
      absWorkingDir: workingDir,
      outfile: path.join(workingDir, "index.js"),
      bundle: true,
      write: false,
      platform: "node",
      format: "cjs",
      target,
      external,
      minify: source.minify ?? false,
      sourcemap: sourceMap ? "external" : false,
      // The map's `sources` are relative to the output, the same wherever the checkout lives.
      sourcesContent: options.sourcesContent ?? true,
      logLevel: "silent",
    });
  } catch (error) {
    throw new BundlingError(bundlingFailure(workingDir, error));
  }
  const files = new Map<string, string>();
  for (const output of result.outputFiles) {
    const name = path.basename(output.path);
    const text = output.text;
    // A map link is added only when the map ships (esbuild's `external` mode adds none).
    files.set(
      name,
      name === "index.js" && sourceMap ? `${text}//# sourceMappingURL=index.js.map\n` : text,
    );
  }
  const sorted = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash("sha256");
  for (const [name, text] of sorted) {
    hash.update(`${name}\0${text.length}\0${text}`);
  }
  const assets: Record<string, pulumi.asset.Asset> = {};
  for (const [name, text] of sorted) {
    assets[name] = new pulumi.asset.StringAsset(text);
  }
  const bundle: SourceBundle = {
    archive: new pulumi.asset.AssetArchive(assets),
    files,
    sha256: hash.digest("hex"),
    // Lambda's documented way to have Node.js read source maps (Lambda docs, "Deploy transpiled
    // TypeScript code in Lambda with .zip file archives": NODE_OPTIONS=--enable-source-maps).
    environment: sourceMap ? { NODE_OPTIONS: "--enable-source-maps" } : {},
  };
  return bundle;
}

/** One message for a failed build: `<file>:<line>:<column>: <error>` for each error esbuild reports. */
function bundlingFailure(workingDir: string, error: unknown): string {
  const errors = (error as { errors?: import("esbuild").Message[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) {
    return `does not bundle: ${error instanceof Error ? error.message : String(error)}`;
  }
  const lines = errors.map((message) => {
    const location = message.location;
    if (!location) return message.text;
    const file = path.relative(process.cwd(), path.resolve(workingDir, location.file));
    return `${file}:${location.line}:${location.column + 1}: ${message.text}`;
  });
  return `does not bundle: ${lines.join("; ")}`;
}
