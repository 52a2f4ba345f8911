// Loads TypeScript files (`require("./x.ts")`) transpiled with the project's tsconfig.json, and
// caches the JavaScript on disk, keyed by the file's content, the project's tsconfig.json, the
// compiler options this loader imposes on it (COMPILER_OVERRIDES), this package's version and
// the TypeScript version: an upgrade of any of them never runs JavaScript cached by another. Transpiling this package (ts-node --transpile-only does it on every run)
// takes about 3 s of a 5 s preview; with the cache a run transpiles only what changed.
// No type checking: `npm test` runs `tsc --noEmit`.
//
// The installed CLI (bin/multiregion-serverless.js) registers it for the user's project: their
// tsconfig.json's compiler options and their own TypeScript (a Pulumi TypeScript project has it),
// as Pulumi's Node.js host runs the program with the project's tsconfig.
//
// Cache folder: $MULTIREGION_SERVERLESS_TS_CACHE, else <os tmpdir>/multiregion-serverless-ts-<uid>.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");

// This repository, until register() is told the user's project.
let projectDir = path.resolve(__dirname, "..");
let tsconfigFile = path.join(projectDir, "tsconfig.json");
const cacheDir =
  process.env.MULTIREGION_SERVERLESS_TS_CACHE ||
  path.join(
    os.tmpdir(),
    `multiregion-serverless-ts-${typeof process.getuid === "function" ? process.getuid() : "user"}`,
  );

let typescript;
let compilerOptions;
let keyPrefix;

/** What this loader sets over the project's compiler options (tsconfig.json's JSON names). */
const COMPILER_OVERRIDES = {
  module: "commonjs",
  declaration: false,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: false,
  noEmit: false,
};

/** This package's version (the shared cache folder outlives an upgrade). */
function packageVersion() {
  try {
    return require("../package.json").version;
  } catch {
    return "unknown";
  }
}

/** TypeScript as the project has it (the package's own when run from this repository). */
function loadTypescript() {
  if (typescript === undefined) {
    let resolved;
    try {
      resolved = require.resolve("typescript", { paths: [projectDir, __dirname] });
    } catch {
      throw new Error(
        `cannot load a TypeScript program: no \`typescript\` package in ${projectDir} ` +
          "(npm install --save-dev typescript), or point --program at compiled JavaScript",
      );
    }
    typescript = require(resolved);
  }
  return typescript;
}

/**
 * The version of the project's TypeScript, for the cache key: read from its package.json, so that
 * a run whose files are all cached never loads the compiler (about 0.6 s of CPU and 45 MiB).
 */
function typescriptVersion() {
  if (typescript !== undefined) return typescript.version;
  let manifest;
  try {
    manifest = require.resolve("typescript/package.json", { paths: [projectDir, __dirname] });
  } catch {
    return loadTypescript().version; // throws the error that says what to do
  }
  return JSON.parse(fs.readFileSync(manifest, "utf8")).version;
}

function tsconfigText() {
  try {
    return fs.readFileSync(tsconfigFile, "utf8");
  } catch {
    return ""; // no tsconfig.json: TypeScript's defaults, as ts-node uses them
  }
}

function keyOf(filename, source) {
  if (keyPrefix === undefined) {
    keyPrefix = [
      `multiregion-serverless ${packageVersion()}`,
      `typescript ${typescriptVersion()}`,
      JSON.stringify(COMPILER_OVERRIDES),
      tsconfigText(),
      "",
    ].join("\u0000");
  }
  return crypto
    .createHash("sha256")
    .update(keyPrefix)
    .update(filename)
    .update("\u0000")
    .update(source)
    .digest("hex");
}

function transpile(filename, source) {
  if (compilerOptions === undefined) {
    loadTypescript();
    const { config, error } = tsconfigText()
      ? typescript.readConfigFile(tsconfigFile, typescript.sys.readFile)
      : { config: {} };
    if (error) {
      throw new Error(typescript.flattenDiagnosticMessageText(error.messageText, "\n"));
    }
    compilerOptions = typescript.convertCompilerOptionsFromJson(
      { ...config.compilerOptions, ...COMPILER_OVERRIDES },
      projectDir,
    ).options;
  }
  return typescript.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
}

/** The cached output for `key`, else `produce()`'s, stored under `key`. */
function cached(key, produce) {
  const file = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    const code = produce();
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      // Write then rename: concurrent runs never read a half-written file.
      const partial = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, file);
    } catch {
      // A read-only or full disk only costs speed.
    }
    return code;
  }
}

function load(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  module._compile(
    cached(keyOf(filename, source), () => transpile(filename, source)),
    filename,
  );
}

/**
 * Registers the `.ts` loader once (unless another one, such as ts-node, is already there).
 * @param sourceMaps Map stack traces to the TypeScript sources (costs ~0.1 s per run).
 * @param project The folder whose tsconfig.json and `typescript` to use. @default this repository
 */
function register(sourceMaps = false, project = undefined) {
  if (project !== undefined && keyPrefix === undefined && compilerOptions === undefined) {
    projectDir = path.resolve(project);
    tsconfigFile = path.join(projectDir, "tsconfig.json");
  }
  if (!require.extensions[".ts"]) {
    require.extensions[".ts"] = load;
  }
  if (sourceMaps) {
    process.setSourceMapsEnabled(true);
  }
}

module.exports = { register, cacheDir };
