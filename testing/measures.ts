// Speed measures of the test harness: the offline preview's measures (preview/measures.ts) that
// keep a run's report exactly as it is, each skipping work of the Pulumi SDK whose result a run under the mocks never uses. Unlike the
// preview's, they are in place only while a run of the harness runs (`runComponent`,
// `runProgram`) and are put back when it ends, so code outside a run, a real `pulumi preview`
// or `pulumi up` above all, never sees them. They are checked against the @pulumi/pulumi the
// harness loads and left out, with the SDK's own behaviour, when a check fails. Off for one run
// with `speedMeasures: false`, or by name for the process:
// MULTIREGION_SERVERLESS_HARNESS_OFF=all, or =lazy-outputs, =direct-answers.
// Not applied here: promise-debugging (dropping the SDK's wrapper removes two promise hops per
// RPC, which reorders concurrent registrations: the prod stack's resources came out in another
// order), provider-text (tests read and run the serialized provider) and unused-modules (it
// must be in place before @pulumi/pulumi loads, which a harness run cannot ensure).
import * as fs from "fs";
import * as path from "path";
import {
  CHECKED_MINORS,
  directAnswersPatch,
  lazyOutputsPatch,
  SdkPatch,
} from "../preview/measures";

/** The environment variable that switches the harness's measures off (`all`, or names). */
export const HARNESS_MEASURES_OFF_ENV = "MULTIREGION_SERVERLESS_HARNESS_OFF";

/** The harness's measures, in the order they are applied. */
export const HARNESS_MEASURES = ["lazy-outputs", "direct-answers"] as const;

const PATCHES: Record<(typeof HARNESS_MEASURES)[number], (sdkDir: string) => SdkPatch | string> = {
  // A resource's property Outputs made when first read: most are never read in a test.
  "lazy-outputs": lazyOutputsPatch,
  // Registrations answered by the harness's monitor, each request's properties converted once
  // and the answer without a protobuf Struct (the same values, keys in the same order).
  "direct-answers": directAnswersPatch,
};

/** What `applyHarnessMeasures` did for a run. */
export interface HarnessMeasures {
  /** The measures in place for the run. */
  readonly applied: string[];
  /** The measures left out, with why. */
  readonly skipped: { name: string; reason: string }[];
  /** Puts the SDK back as it was before the run. */
  restore(): void;
}

let sdk: { dir?: string; version?: string } | undefined;

/** The @pulumi/pulumi this module (and so testing/run.ts) loads, and its version. */
function harnessSdk(): { dir?: string; version?: string } {
  if (!sdk) {
    try {
      const dir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
      const { version } = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
        version?: string;
      };
      sdk = { dir, version };
    } catch {
      sdk = {};
    }
  }
  return sdk;
}

/**
 * Applies the measures not switched off, for one run; `restore()` undoes them. `enabled: false`
 * (the run's `speedMeasures` option) leaves every one out.
 * @internal
 */
export function applyHarnessMeasures(
  enabled: boolean,
  env: NodeJS.ProcessEnv = process.env,
  sdkFound: { dir?: string; version?: string } = harnessSdk(),
): HarnessMeasures {
  const off = (env[HARNESS_MEASURES_OFF_ENV] ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const [major, minor] = (sdkFound.version ?? "").split(".").map(Number);
  const checked = major === 3 && minor >= CHECKED_MINORS.first && minor <= CHECKED_MINORS.last;
  const applied: SdkPatch[] = [];
  const report = { applied: [] as string[], skipped: [] as { name: string; reason: string }[] };
  for (const name of HARNESS_MEASURES) {
    let reason: string | undefined;
    if (!enabled) reason = "switched off by the run's speedMeasures: false";
    else if (off.includes("all") || off.includes(name)) {
      reason = `switched off by ${HARNESS_MEASURES_OFF_ENV}`;
    } else if (!sdkFound.dir || !checked) {
      reason = `@pulumi/pulumi ${sdkFound.version ?? "(not found)"} is outside 3.${CHECKED_MINORS.first} to 3.${CHECKED_MINORS.last}, the releases the measures are checked against`;
    } else {
      const patch = PATCHES[name](sdkFound.dir);
      if (typeof patch === "string") reason = patch;
      else {
        patch.apply();
        applied.push(patch);
      }
    }
    if (reason === undefined) report.applied.push(name);
    else report.skipped.push({ name, reason });
  }
  return {
    ...report,
    restore() {
      // In reverse, so that each puts back what it found.
      for (const patch of applied.splice(0).reverse()) patch.restore();
    },
  };
}
