import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";

/**
 * Packages a ready-made hook handler into a self-contained Lambda archive:
 * - `index.js`: the handler module (so the Lambda handler is `index.handler`),
 * - its sibling modules under `hooks/handlers/` (`report.js`, ...), with the relative
 *   requires left as they are,
 * - `node_modules/<package>/...`: the runtime files of the npm packages the handlers use that
 *   the Lambda runtime lacks (zod, yaml), following their requires from the entry point.
 * The AWS SDK v3 is not bundled: the Lambda Node.js 18+ runtimes include it.
 *
 * Where the code comes from: the published package runs compiled JavaScript (`dist/hooks`),
 * where each handler's `.js` sits beside this file's; this repository's program and tests run
 * the TypeScript sources through ts-node, where there is no `.js`, so the `.ts` source is
 * transpiled with `typescript.transpileModule` (TypeScript is installed wherever ts-node is).
 *
 * Every require is checked while packaging: a relative module that does not exist, a module
 * outside `handlers/`, or a package that is neither bundled nor in the runtime is an error
 * here, not an `ImportModuleError` in the middle of a deployment.
 */

/** npm packages the handlers use that the Lambda runtime does not provide. */
export const BUNDLED_PACKAGES: readonly string[] = ["zod", "yaml"];

/** Module ids the Lambda Node.js runtime provides besides Node's built-ins. */
function providedByRuntime(id: string): boolean {
  return id.startsWith("@aws-sdk/");
}

function isBuiltin(id: string): boolean {
  return id.startsWith("node:") || builtinModules.includes(id.split("/")[0]);
}

/** One file of a handler archive: source text (handler modules) or a file on disk (packages). */
export type BundledFile = { text: string } | { path: string };

/** A handler's archive contents: archive path -> file. */
export type HandlerBundle = Map<string, BundledFile>;

/** The ready-made handlers, by entry module under `hooks/handlers/`. */
export type HandlerEntry = "preTraffic" | "postTraffic";

const REQUIRE_PATTERN = /\brequire\(\s*(["'])([^"'\n]+)\1\s*\)/g;

function requiresOf(code: string): string[] {
  return [...code.matchAll(REQUIRE_PATTERN)].map((match) => match[2]);
}

const transpiled = new Map<string, string>();

/** Where a caching `(source, fileName, compilerOptions) => javascript` transpiler may be registered. */
const CACHED_TRANSPILE = Symbol.for("multiregion-serverless.cachedTranspile");

/** The JavaScript of a handler module: its compiled `.js` when present, else its transpiled `.ts`. */
function handlerModuleCode(modulePath: string): { file: string; code: string } | undefined {
  const js = `${modulePath}.js`;
  if (fs.existsSync(js)) {
    return { file: js, code: stripSourceMap(fs.readFileSync(js, "utf8")) };
  }
  const ts = `${modulePath}.ts`;
  if (!fs.existsSync(ts)) {
    return undefined;
  }
  let code = transpiled.get(ts);
  if (code === undefined) {
    // Only reached when running from the TypeScript sources (ts-node), where typescript exists.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const typescript = require("typescript") as typeof import("typescript");
    const source = fs.readFileSync(ts, "utf8");
    const compilerOptions = {
      module: typescript.ModuleKind.CommonJS,
      target: typescript.ScriptTarget.ES2022,
      esModuleInterop: true,
      sourceMap: false,
    };
    // The offline preview's loader (preview/register.js) offers its disk cache: same compiler,
    // same options, same output, without transpiling again on every run.
    const cachedTranspile = (globalThis as Record<symbol, unknown>)[CACHED_TRANSPILE] as
      ((source: string, fileName: string, options: object) => string) | undefined;
    code = stripSourceMap(
      cachedTranspile
        ? cachedTranspile(source, ts, compilerOptions)
        : typescript.transpileModule(source, { fileName: ts, compilerOptions }).outputText,
    );
    transpiled.set(ts, code);
  }
  return { file: ts, code };
}

function stripSourceMap(code: string): string {
  return code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
}

/** The file Node would load for a relative require inside a package. */
function resolvePackageFile(fromFile: string, request: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), request);
  const candidates = [base, `${base}.js`, `${base}.json`, path.join(base, "index.js")];
  return candidates.find(
    (candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile(),
  );
}

/** The root folder of an installed package, found from its resolved entry file. */
function packageRoot(name: string, entryFile: string): string {
  let dir = path.dirname(entryFile);
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const parsed = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string };
      if (parsed.name === name) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(`cannot find the package root of ${name} from ${entryFile}`);
    dir = parent;
  }
}

function packageNameOf(id: string): string {
  const parts = id.split("/");
  return id.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * The files of a handler's archive. Throws when a require cannot be satisfied in Lambda.
 * @param entry The handler module under `handlersDir`.
 * @param handlersDir Where the handler modules are. @default `<this folder>/handlers`
 */
export function bundleHandler(
  entry: HandlerEntry,
  handlersDir: string = path.join(__dirname, "handlers"),
): HandlerBundle {
  const bundle: HandlerBundle = new Map();
  const problems: string[] = [];

  const addPackageFile = (name: string, root: string, file: string): void => {
    const archivePath = path.posix.join(
      "node_modules",
      name,
      path.relative(root, file).split(path.sep).join("/"),
    );
    if (bundle.has(archivePath)) return;
    bundle.set(archivePath, { path: file });
    if (!file.endsWith(".js") && !file.endsWith(".cjs")) return;
    for (const request of requiresOf(fs.readFileSync(file, "utf8"))) {
      if (request.startsWith(".")) {
        const resolved = resolvePackageFile(file, request);
        if (!resolved || !resolved.startsWith(root + path.sep)) {
          problems.push(
            `${path.relative(root, file)} in ${name} requires "${request}", which was not found in the package`,
          );
        } else {
          addPackageFile(name, root, resolved);
        }
      } else {
        addBareRequire(request, file);
      }
    }
  };

  const addedPackages = new Set<string>();
  // Handler modules resolve packages from this package's installation (their folder may be
  // elsewhere in tests); package files from their own folder, as Node would.
  const addBareRequire = (
    request: string,
    fromFile: string,
    resolveFrom = path.dirname(fromFile),
  ): void => {
    if (isBuiltin(request) || providedByRuntime(request)) return;
    const name = packageNameOf(request);
    if (!BUNDLED_PACKAGES.includes(name)) {
      problems.push(
        `${path.basename(fromFile)} requires "${request}", which the Lambda runtime lacks and the hook archive does not bundle (bundled: ${BUNDLED_PACKAGES.join(", ")}; provided: Node built-ins, @aws-sdk/*)`,
      );
      return;
    }
    const entryFile = require.resolve(request, { paths: [resolveFrom] });
    const root = packageRoot(name, entryFile);
    if (!addedPackages.has(name)) {
      addedPackages.add(name);
      // Node reads package.json to resolve the bare name (`main`/`exports`, `type`).
      addPackageFile(name, root, path.join(root, "package.json"));
    }
    addPackageFile(name, root, entryFile);
  };

  const addHandlerModule = (modulePath: string, archivePath: string, requiredBy?: string): void => {
    if (bundle.has(archivePath)) return;
    const module = handlerModuleCode(modulePath);
    if (!module) {
      problems.push(
        `${requiredBy ?? "the hook"} requires "${path.relative(handlersDir, modulePath)}", which exists neither as .js nor as .ts in ${handlersDir}`,
      );
      return;
    }
    bundle.set(archivePath, { text: module.code });
    for (const request of requiresOf(module.code)) {
      if (request.startsWith(".")) {
        const target = path.resolve(path.dirname(modulePath), request).replace(/\.(js|ts)$/, "");
        const relative = path.relative(handlersDir, target);
        if (relative.startsWith("..") || path.isAbsolute(relative)) {
          problems.push(
            `${path.basename(module.file)} requires "${request}", outside ${handlersDir}: hook handlers must be self-contained`,
          );
          continue;
        }
        addHandlerModule(
          target,
          `${relative.split(path.sep).join("/")}.js`,
          path.basename(module.file),
        );
      } else {
        addBareRequire(request, module.file, __dirname);
      }
    }
  };

  addHandlerModule(path.join(handlersDir, entry), "index.js");
  if (problems.length) {
    throw new Error(`cannot package the ${entry} hook for Lambda:\n- ${problems.join("\n- ")}`);
  }
  return bundle;
}

/** A handler's bundle as a Pulumi archive (handler `index.handler`). */
export function handlerArchive(
  entry: HandlerEntry,
  handlersDir?: string,
): pulumi.asset.AssetArchive {
  const assets: Record<string, pulumi.asset.Asset> = {};
  for (const [archivePath, file] of bundleHandler(entry, handlersDir)) {
    assets[archivePath] =
      "text" in file
        ? new pulumi.asset.StringAsset(file.text)
        : new pulumi.asset.FileAsset(file.path);
  }
  return new pulumi.asset.AssetArchive(assets);
}
