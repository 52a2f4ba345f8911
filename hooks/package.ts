import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundleSource } from "../components/bundling";

/**
 * The ready-made hooks' Lambda archives, bundled with esbuild (issue 17, item 3) by the same code
 * that bundles a function's `source` (components/bundling.ts): `index.js` holds the handler and
 * the packages it imports (zod, yaml), `@aws-sdk/*` is left to the runtime, `index.js.map` maps
 * stack traces back to `hooks/handlers/*.ts` (without embedded sources: Node needs only the
 * mappings), and the output is deterministic (the same handler source gives the same bytes, so an
 * unchanged deploy publishes no new hook version). The hook's Lambda `handler` stays
 * `index.handler`.
 *
 * The archive holds FileAssets, never the bundle's text: Pulumi stores a StringAsset's text in the
 * checkpoint and line-diffs it in `preview --diff` (about 3 MB per hook function), while a file
 * asset is stored as its path and a hash of its contents, and two assets are equal when their
 * hashes are (pulumi/pulumi sdk/go/common/resource/asset/asset.go, `Equals` compares `Hash`), so
 * the folder the files sit in (another checkout, another machine) makes no diff.
 *
 * Where the files come from:
 * - the published package: prebuilt by `npm run build` (scripts/bundle-hooks.js writes
 *   `dist/hooks/bundles/<entry>/`), so a user who never bundles a source of their own needs no
 *   esbuild (an optional peer dependency);
 * - this repository's TypeScript sources (ts-node: the bundled program, the tests): bundled from
 *   `hooks/handlers/<entry>.ts` with the dev dependency esbuild, the same call the build makes on
 *   the same files, into a content-addressed cache folder (keyed by a hash of every input of the
 *   build), so a process bundles only when an input changed.
 */

/** The ready-made handlers, by entry module under `hooks/handlers/`. */
export type HandlerEntry = "preTraffic" | "postTraffic";

/** Every ready-made handler (what the build prebundles). */
export const HANDLER_ENTRIES: readonly HandlerEntry[] = ["preTraffic", "postTraffic"];

/** The files of a hook bundle, exactly these (a stray file in the folder is not shipped). */
export const HOOK_BUNDLE_FILES = ["index.js", "index.js.map"] as const;

/**
 * The runtime the hook bundles target: the oldest a hook may run on (HookFunctionOptions
 * `runtime`), so one prebuilt bundle runs on every runtime a hook may choose.
 */
export const HOOK_BUNDLE_RUNTIME = "nodejs22.x";

/** Where the build writes the prebuilt bundles, one folder per entry, beside this module. */
export const PREBUILT_BUNDLES_DIR = path.join(__dirname, "bundles");

/** The handlers' modules in this package. */
const HANDLERS_DIR = path.join(__dirname, "handlers");

/**
 * Bundles a handler from its module under `handlersDir` (the `.ts` source, else compiled `.js`):
 * archive path -> text. Throws naming the entry and esbuild's file and line.
 * @param handlersDir Where the handler modules are. @default `<this folder>/handlers`
 */
export function bundleHookHandler(
  entry: HandlerEntry,
  handlersDir: string = HANDLERS_DIR,
): ReadonlyMap<string, string> {
  const module = handlerModule(entry, handlersDir);
  if (!module) {
    throw new Error(
      `cannot bundle the ${entry} hook for Lambda: neither ${entry}.ts nor ${entry}.js is in ${handlersDir}, and no prebuilt bundle is in ${path.join(PREBUILT_BUNDLES_DIR, entry)} (run \`npm run build\`)`,
    );
  }
  try {
    return bundleSource({ entry: module }, HOOK_BUNDLE_RUNTIME, { sourcesContent: false }).files;
  } catch (error) {
    throw new Error(
      `cannot bundle the ${entry} hook for Lambda: ${path.basename(module)} ${(error as Error).message}`,
    );
  }
}

function handlerModule(entry: HandlerEntry, handlersDir: string): string | undefined {
  return [".ts", ".js"]
    .map((extension) => path.join(handlersDir, `${entry}${extension}`))
    .find((file) => fs.existsSync(file));
}

/**
 * The folder of a prebuilt bundle (`<bundlesDir>/<entry>/`), or undefined when none was built.
 * @throws when the folder exists without `index.js` or `index.js.map` (a broken build or
 * package), naming the folder and the missing file.
 */
export function prebuiltBundleDir(
  entry: HandlerEntry,
  bundlesDir: string = PREBUILT_BUNDLES_DIR,
): string | undefined {
  const dir = path.join(bundlesDir, entry);
  if (!fs.existsSync(dir)) return undefined;
  const missing = HOOK_BUNDLE_FILES.filter((file) => !fs.existsSync(path.join(dir, file)));
  if (missing.length) {
    throw new Error(
      `the prebuilt ${entry} hook bundle in ${dir} lacks ${missing.join(" and ")}: it must hold ${HOOK_BUNDLE_FILES.join(" and ")} (rebuild with \`npm run build\`, or reinstall multiregion-serverless)`,
    );
  }
  return dir;
}

/** Reads a bundle folder's `index.js` and `index.js.map` (nothing else): archive path -> text. */
function readBundleDir(dir: string): ReadonlyMap<string, string> {
  return new Map(
    HOOK_BUNDLE_FILES.map((file) => [file, fs.readFileSync(path.join(dir, file), "utf8")]),
  );
}

/**
 * A prebuilt bundle's files (`index.js` and `index.js.map`, archive path -> text), or undefined
 * when none was built. Throws when the folder lacks either file (see prebuiltBundleDir).
 */
export function readPrebuiltBundle(
  entry: HandlerEntry,
  bundlesDir: string = PREBUILT_BUNDLES_DIR,
): ReadonlyMap<string, string> | undefined {
  const dir = prebuiltBundleDir(entry, bundlesDir);
  return dir === undefined ? undefined : readBundleDir(dir);
}

/** Writes a bundle's files into `dir` (emptied first). */
function writeBundleDir(dir: string, files: ReadonlyMap<string, string>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of files) {
    fs.writeFileSync(path.join(dir, file), text, "utf8");
  }
}

/**
 * Writes each handler's bundle to `<bundlesDir>/<entry>/` (the build's step after `tsc`; see
 * scripts/bundle-hooks.js), from the handlers' TypeScript sources.
 */
export function writeHookBundles(bundlesDir: string, handlersDir: string): void {
  for (const entry of HANDLER_ENTRIES) {
    writeBundleDir(path.join(bundlesDir, entry), bundleHookHandler(entry, handlersDir));
  }
}

/** A package's version as the handlers resolve it, or "absent". */
function resolvedVersion(name: string, from: string): string {
  try {
    const manifest = require.resolve(`${name}/package.json`, { paths: [from] });
    return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
  } catch {
    return "absent";
  }
}

/**
 * Hex SHA-256 over every input of a hook build: the handlers' modules (the handlers import only
 * each other besides packages), the versions of esbuild and of the bundled packages (zod, yaml),
 * the bundling code (its options) and the target runtime. Equal inputs give equal bytes (esbuild
 * is deterministic), so the key names the output.
 */
export function hookBuildKey(handlersDir: string = HANDLERS_DIR): string {
  const hash = createHash("sha256");
  const feed = (label: string, text: string | Buffer): void => {
    hash.update(`${label}\0${text.length}\0`);
    hash.update(text);
  };
  for (const file of fs.readdirSync(handlersDir).sort()) {
    if (!/\.(ts|js)$/.test(file) || file.endsWith(".d.ts")) continue;
    feed(file, fs.readFileSync(path.join(handlersDir, file)));
  }
  for (const name of ["esbuild", "zod", "yaml"]) feed(name, resolvedVersion(name, handlersDir));
  feed("bundling", fs.readFileSync(require.resolve("../components/bundling")));
  // This file holds the bundle options (sourcesContent, target); esbuild also reads the
  // checkout's tsconfig.json and package.json, which can change the bundle.
  feed("packaging", fs.readFileSync(__filename));
  for (const file of ["tsconfig.json", "package.json"]) {
    const config = path.join(__dirname, "..", file);
    feed(file, fs.existsSync(config) ? fs.readFileSync(config) : "");
  }
  feed("runtime", HOOK_BUNDLE_RUNTIME);
  return hash.digest("hex");
}

/**
 * The cache of from-source hook bundles: `node_modules/.cache/multiregion-serverless/hooks` of
 * the checkout (the folder convention of babel-loader, eslint and find-cache-dir), else the
 * system's temporary folder.
 */
export function hookCacheRoot(): string {
  const nodeModules = path.join(__dirname, "..", "node_modules");
  return fs.existsSync(nodeModules)
    ? path.join(nodeModules, ".cache", "multiregion-serverless", "hooks")
    : path.join(os.tmpdir(), "multiregion-serverless-hooks");
}

/**
 * The folder of a handler's bundle built from its sources, in `<cacheRoot>/<build key>/<entry>/`:
 * reused when complete, else bundled and written to a fresh folder that is then renamed into
 * place (two processes building at once each rename a complete folder).
 */
export function cachedHookBundleDir(
  entry: HandlerEntry,
  handlersDir: string = HANDLERS_DIR,
  cacheRoot: string = hookCacheRoot(),
): string {
  const dir = path.join(cacheRoot, hookBuildKey(handlersDir), entry);
  if (HOOK_BUNDLE_FILES.every((file) => fs.existsSync(path.join(dir, file)))) return dir;
  const files = bundleHookHandler(entry, handlersDir);
  const staging = `${dir}.${process.pid}.${Date.now()}`;
  writeBundleDir(staging, files);
  const complete = (): boolean =>
    HOOK_BUNDLE_FILES.every((file) => fs.existsSync(path.join(dir, file)));
  try {
    // A folder only ever appears here complete (renamed whole), so it is never removed while
    // another process may be using it: renaming onto it fails and that folder is used instead.
    fs.renameSync(staging, dir);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    // Another process renamed its (identical) folder first.
    if (!complete()) throw error;
  }
  return dir;
}

/** A handler's bundle folder per process: the prebuilt one, else the cached from-source one. */
const bundleDirs = new Map<HandlerEntry, string>();

/** The folder holding a handler's `index.js` and `index.js.map`. */
export function hookBundleDir(entry: HandlerEntry): string {
  let dir = bundleDirs.get(entry);
  if (dir === undefined) {
    dir = prebuiltBundleDir(entry) ?? cachedHookBundleDir(entry);
    bundleDirs.set(entry, dir);
  }
  return dir;
}

/** A handler's archive files (archive path -> text), as the archive ships them. */
export function hookBundleFiles(entry: HandlerEntry): ReadonlyMap<string, string> {
  return readBundleDir(hookBundleDir(entry));
}

/**
 * A handler's bundle as a Pulumi archive (handler `index.handler`): a FileAsset per file, so the
 * state holds paths and hashes, not megabytes of text.
 */
export function handlerArchive(entry: HandlerEntry): pulumi.asset.AssetArchive {
  const dir = hookBundleDir(entry);
  return new pulumi.asset.AssetArchive(
    Object.fromEntries(
      HOOK_BUNDLE_FILES.map((file) => [file, new pulumi.asset.FileAsset(path.join(dir, file))]),
    ),
  );
}
