import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { bundleSource } from "../components/bundling";

/**
 * The ready-made hooks' Lambda archives, bundled with esbuild (issue 17, item 3) by the same code
 * that bundles a function's `source` (components/bundling.ts): `index.js` holds the handler and
 * the packages it imports (zod, yaml), `@aws-sdk/*` is left to the runtime, `index.js.map` maps
 * stack traces back to `hooks/handlers/*.ts`, and the output is deterministic (the same handler
 * source gives the same bytes, so an unchanged deploy publishes no new hook version). The hook's
 * Lambda `handler` stays `index.handler`.
 *
 * Where the bundle comes from:
 * - the published package: prebuilt by `npm run build` (scripts/bundle-hooks.js writes
 *   `dist/hooks/bundles/<entry>/`), so a user who never bundles a source of their own needs no
 *   esbuild (an optional peer dependency);
 * - this repository's TypeScript sources (ts-node: the bundled program, the tests): bundled from
 *   `hooks/handlers/<entry>.ts` with the dev dependency esbuild, the same call the build makes on
 *   the same files, so both give the same bytes.
 */

/** The ready-made handlers, by entry module under `hooks/handlers/`. */
export type HandlerEntry = "preTraffic" | "postTraffic";

/** Every ready-made handler (what the build prebundles). */
export const HANDLER_ENTRIES: readonly HandlerEntry[] = ["preTraffic", "postTraffic"];

/**
 * The runtime the hook bundles target: the oldest a hook may run on (HookFunctionOptions
 * `runtime`: nodejs18.x or later, the first runtimes that include the AWS SDK v3), so one
 * prebuilt bundle runs on every runtime a hook may choose.
 */
export const HOOK_BUNDLE_RUNTIME = "nodejs18.x";

/** Where the build writes the prebuilt bundles, one folder per entry, beside this module. */
export const PREBUILT_BUNDLES_DIR = path.join(__dirname, "bundles");

/**
 * Bundles a handler from its module under `handlersDir` (the `.ts` source, else compiled `.js`):
 * archive path -> text. Throws naming the entry and esbuild's file and line.
 * @param handlersDir Where the handler modules are. @default `<this folder>/handlers`
 */
export function bundleHookHandler(
  entry: HandlerEntry,
  handlersDir: string = path.join(__dirname, "handlers"),
): ReadonlyMap<string, string> {
  const module = [".ts", ".js"]
    .map((extension) => path.join(handlersDir, `${entry}${extension}`))
    .find((file) => fs.existsSync(file));
  if (!module) {
    throw new Error(
      `cannot bundle the ${entry} hook for Lambda: neither ${entry}.ts nor ${entry}.js is in ${handlersDir}, and no prebuilt bundle is in ${path.join(PREBUILT_BUNDLES_DIR, entry)} (run \`npm run build\`)`,
    );
  }
  try {
    return bundleSource({ entry: module }, HOOK_BUNDLE_RUNTIME).files;
  } catch (error) {
    throw new Error(
      `cannot bundle the ${entry} hook for Lambda: ${path.basename(module)} ${(error as Error).message}`,
    );
  }
}

/** A prebuilt bundle's files (archive path -> text), or undefined when none was built. */
export function readPrebuiltBundle(
  entry: HandlerEntry,
  bundlesDir: string = PREBUILT_BUNDLES_DIR,
): ReadonlyMap<string, string> | undefined {
  const dir = path.join(bundlesDir, entry);
  if (!fs.existsSync(path.join(dir, "index.js"))) return undefined;
  return new Map(
    fs
      .readdirSync(dir)
      .sort()
      .map((file) => [file, fs.readFileSync(path.join(dir, file), "utf8")]),
  );
}

/**
 * Writes each handler's bundle to `<bundlesDir>/<entry>/` (the build's step after `tsc`; see
 * scripts/bundle-hooks.js), from the handlers' TypeScript sources.
 */
export function writeHookBundles(bundlesDir: string, handlersDir: string): void {
  for (const entry of HANDLER_ENTRIES) {
    const dir = path.join(bundlesDir, entry);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, text] of bundleHookHandler(entry, handlersDir)) {
      fs.writeFileSync(path.join(dir, file), text, "utf8");
    }
  }
}

/**
 * The handlers do not change while a program runs, so each is bundled (or read) once per process;
 * a program with many functions makes two hooks per function and region.
 */
const bundles = new Map<HandlerEntry, ReadonlyMap<string, string>>();

/** A handler's archive files: the prebuilt bundle when the package ships one, else bundled now. */
export function hookBundleFiles(entry: HandlerEntry): ReadonlyMap<string, string> {
  let files = bundles.get(entry);
  if (!files) {
    files = readPrebuiltBundle(entry) ?? bundleHookHandler(entry);
    bundles.set(entry, files);
  }
  return files;
}

/** A handler's bundle as a Pulumi archive (handler `index.handler`), files in name order. */
export function handlerArchive(entry: HandlerEntry): pulumi.asset.AssetArchive {
  const assets: Record<string, pulumi.asset.Asset> = {};
  for (const [archivePath, text] of [...hookBundleFiles(entry)].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    assets[archivePath] = new pulumi.asset.StringAsset(text);
  }
  return new pulumi.asset.AssetArchive(assets);
}
