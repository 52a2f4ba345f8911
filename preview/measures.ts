// Speed measures of the offline preview: each skips work of the Pulumi SDK whose result the
// offline preview never uses. They touch SDK internals, so they live here only (never in the
// components, never in a real `pulumi preview`/`up`, never in the test harness, whose tests
// read and run the serialized provider), are checked against the installed @pulumi/pulumi
// before they are installed, and fall back to the SDK's own behaviour when a check fails.
// Switch them off with MULTIREGION_SERVERLESS_PREVIEW_OFF=all, or name some:
// MULTIREGION_SERVERLESS_PREVIEW_OFF=provider-text,promise-debugging. docs/benchmarks.md has what
// each one saves.
import * as fs from "fs";
import * as path from "path";

/** The environment variable that switches measures off (`all`, or a comma-separated list). */
export const MEASURES_OFF_ENV = "MULTIREGION_SERVERLESS_PREVIEW_OFF";

/**
 * The @pulumi/pulumi releases whose internals the measures are checked against: 3.204 (the
 * peer range's floor, which the consumer test runs with CONSUMER_PEERS=lowest) to 3.248 (the
 * dev dependency the unit tests run). Releases between the two are assumed to match (each
 * measure still checks what it touches); outside the range, newer ones included, the preview
 * falls back to the SDK's own behaviour until the range is widened after a check.
 */
export const CHECKED_MINORS = { first: 204, last: 248 } as const;

/** What the dynamic provider's `__provider` input holds in the offline preview. */
export const UNSERIALIZED_PROVIDER_TEXT =
  "(dynamic provider not serialized by the offline preview; pulumi preview/up serializes it)";

interface Measure {
  /** Its name in MULTIREGION_SERVERLESS_PREVIEW_OFF. */
  readonly name: string;
  /** Installs it, or returns why it cannot (the SDK stays as it is). */
  install(sdkDir: string): string | undefined;
}

const MEASURES: readonly Measure[] = [
  {
    // Every LambdaDeployment carries its provider's closure as `__provider`: Pulumi serializes
    // it once per provider object (dynamic/index.js `providerCache`), and that once walks the
    // provider's whole closure and module graph (about 3 s on a 2-core machine). Policies never see `__` keys (the engine strips them
    // before Analyze), and nothing of the preview reads it.
    name: "provider-text",
    install(sdkDir) {
      const dynamicFile = path.join(sdkDir, "dynamic", "index.js");
      const serializerFile = path.join(sdkDir, "runtime", "closure", "serializeClosure.js");
      const dynamicSource = readOrUndefined(dynamicFile);
      if (!dynamicSource?.includes('require("../runtime/closure/serializeClosure")')) {
        return "dynamic/index.js no longer loads runtime/closure/serializeClosure lazily";
      }
      if (!fs.existsSync(serializerFile)) return "runtime/closure/serializeClosure.js is gone";
      // dynamic/index.js calls `sc.serializeFunction(...)` on this module's exports at each use.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const serializer = require(serializerFile) as { serializeFunction?: unknown };
      if (typeof serializer.serializeFunction !== "function") {
        return "runtime/closure/serializeClosure.js has no serializeFunction";
      }
      serializer.serializeFunction = async () => ({
        text: UNSERIALIZED_PROVIDER_TEXT,
        exportName: "handler",
        containsSecrets: false,
      });
      return undefined;
    },
  },
  {
    // runtime/debuggable.js wraps every RPC promise, capturing `new Error().stack` for a leak
    // report printed at process exit; the offline preview reports its own result and exit code.
    name: "promise-debugging",
    install(sdkDir) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const debuggable = require(path.join(sdkDir, "runtime", "debuggable.js")) as {
        debuggablePromise?: unknown;
        debugPromiseLeaks?: boolean;
      };
      if (typeof debuggable.debuggablePromise !== "function") {
        return "runtime/debuggable.js has no debuggablePromise";
      }
      if (debuggable.debugPromiseLeaks) return "PULUMI_DEBUG_PROMISE_LEAKS is set";
      debuggable.debuggablePromise = <T>(promise: Promise<T>): Promise<T> => promise;
      return undefined;
    },
  },
];

/** What `installPreviewMeasures` did. */
export interface MeasuresReport {
  /** The measures now in place. */
  readonly installed: string[];
  /** The measures left out, with why. */
  readonly skipped: { name: string; reason: string }[];
}

let installedOnce: MeasuresReport | undefined;

/**
 * Installs the measures not switched off by `MULTIREGION_SERVERLESS_PREVIEW_OFF`, once per
 * process, when the installed @pulumi/pulumi is a release they were checked against. For the
 * preview's own processes only (preview/run.js, the installed command, the benchmark): the
 * changes last for the whole process.
 */
export function installPreviewMeasures(
  env: NodeJS.ProcessEnv = process.env,
  projectDir: string = process.cwd(),
): MeasuresReport {
  if (installedOnce) return installedOnce;
  const off = (env[MEASURES_OFF_ENV] ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const report: MeasuresReport = { installed: [], skipped: [] };
  let sdkDir: string | undefined;
  let version: string | undefined;
  try {
    // The copy the program itself loads: the project's, else this package's.
    sdkDir = path.dirname(
      require.resolve("@pulumi/pulumi/package.json", { paths: [projectDir, __dirname] }),
    );
    version = (
      JSON.parse(fs.readFileSync(path.join(sdkDir, "package.json"), "utf8")) as {
        version?: string;
      }
    ).version;
  } catch {
    // no SDK found: nothing to speed up
  }
  const [major, minor] = (version ?? "").split(".").map(Number);
  const checked = major === 3 && minor >= CHECKED_MINORS.first && minor <= CHECKED_MINORS.last;
  for (const measure of MEASURES) {
    const reason =
      off.includes("all") || off.includes(measure.name)
        ? `switched off by ${MEASURES_OFF_ENV}`
        : !sdkDir || !checked
          ? `@pulumi/pulumi ${version ?? "(not found)"} is outside 3.${CHECKED_MINORS.first} to 3.${CHECKED_MINORS.last}, the releases the measures are checked against`
          : measure.install(sdkDir);
    if (reason === undefined) report.installed.push(measure.name);
    else report.skipped.push({ name: measure.name, reason });
  }
  // Installed measures stay for the process; a run that installed none may be retried.
  if (report.installed.length > 0) installedOnce = report;
  return report;
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
