/**
 * The stack's load test (issue 16): the Artillery phases the pipeline drives at a deployed
 * stack before production, and the p99 latency and error rate it must stay under. Config key
 * `loadTest`; `npm run loadtest:scenario -- <stack>` writes the Artillery script
 * (loadtest/scenario.ts, docs/operations.md).
 */
import { z } from "zod";

/**
 * This project's cap on a phase and on all phases together, seconds (Artillery sets none): a
 * pipeline gate that runs longer than an hour is a soak test.
 */
const MAX_TOTAL_SECONDS = 3_600;

/** The smallest error budget above 0, percent: it and above print in fixed point. */
export const MIN_ERROR_RATE_PERCENT = 0.001;

/**
 * One Artillery arrival phase (Artillery docs, "Test script reference", phases): `duration`
 * seconds during which `arrivalRate` new virtual users start each second, ramping linearly to
 * `rampTo` when given.
 */
const loadTestPhase = z.strictObject({
  duration: z.int().min(1).max(MAX_TOTAL_SECONDS),
  arrivalRate: z.number().min(0).max(10_000),
  rampTo: z.number().min(0).max(10_000).optional(),
  name: z.string().min(1).max(64).optional(),
});

/** The `loadTest` stack-config key.
 * @internal Stack-config plumbing typed with zod: kept out of the published declarations, which must compile without zod's types (Pulumi's template tsconfig). */
export const loadTestConfigSchema = z.strictObject({
  phases: z
    .array(loadTestPhase)
    .min(1, { error: "must list at least one phase" })
    .max(20)
    .optional(),
  /** The p99 of all responses' times (every request of every region together), milliseconds. */
  p99LatencyMs: z.int().min(1).max(60_000).optional(),
  /**
   * The share of virtual users (flows) that may fail, percent: a flow fails on a 5xx or 429
   * answer, a timeout, a connection error or a failed capture. 0, or at least 0.001: Artillery's
   * condition parser (filtrex) reads no exponent, and a smaller number prints as one (`1e-7`).
   */
  maxErrorRatePercent: z
    .number()
    .min(0)
    .max(100)
    .refine((percent) => percent === 0 || percent >= MIN_ERROR_RATE_PERCENT, {
      error: `must be 0 or at least ${MIN_ERROR_RATE_PERCENT} (Artillery's condition parser reads no exponent)`,
    })
    .optional(),
});

/** One phase of the load test. */
export interface LoadTestPhase {
  /** Seconds. */
  duration: number;
  /** New virtual users a second (each sends one flow of requests). */
  arrivalRate: number;
  /** The arrival rate at the end of the phase, ramped linearly. @default arrivalRate throughout */
  rampTo?: number;
  /** Shown in Artillery's report. @default none */
  name?: string;
}

/** The resolved load test of a stack. */
export interface LoadTestSettings {
  phases: LoadTestPhase[];
  p99LatencyMs: number;
  maxErrorRatePercent: number;
}

/**
 * Per-environment defaults: dev a short smoke load; staging a warm-up ramp then a sustained
 * load, the gate before prod; prod (run only on purpose) a larger ramp with the tightest error
 * budget.
 */
export const LOAD_TEST_DEFAULTS: Record<"dev" | "staging" | "prod", LoadTestSettings> = {
  dev: {
    phases: [{ name: "smoke", duration: 30, arrivalRate: 1, rampTo: 5 }],
    p99LatencyMs: 2_000,
    maxErrorRatePercent: 5,
  },
  staging: {
    phases: [
      { name: "warm up", duration: 60, arrivalRate: 2, rampTo: 20 },
      { name: "sustained", duration: 120, arrivalRate: 20 },
    ],
    p99LatencyMs: 1_000,
    maxErrorRatePercent: 1,
  },
  prod: {
    phases: [
      { name: "warm up", duration: 120, arrivalRate: 5, rampTo: 50 },
      { name: "sustained", duration: 300, arrivalRate: 50 },
    ],
    p99LatencyMs: 1_000,
    maxErrorRatePercent: 0.5,
  },
};

/**
 * The load test from config over the environment's defaults. Problems (a phase that sends
 * nothing, phases longer than an hour together) go to `problems`, each naming the key.
 * @internal Stack-config plumbing typed with zod: kept out of the published declarations, which must compile without zod's types (Pulumi's template tsconfig).
 */
export function resolveLoadTest(
  config: z.infer<typeof loadTestConfigSchema> | undefined,
  environment: keyof typeof LOAD_TEST_DEFAULTS,
  key: (name: string) => string,
  problems: string[],
): LoadTestSettings {
  const defaults = LOAD_TEST_DEFAULTS[environment];
  const phases: LoadTestPhase[] = (config?.phases ?? defaults.phases).map((phase) => ({
    ...phase,
  }));
  checkLoadTestPhases(phases, key, problems);
  return {
    phases,
    p99LatencyMs: config?.p99LatencyMs ?? defaults.p99LatencyMs,
    maxErrorRatePercent: config?.maxErrorRatePercent ?? defaults.maxErrorRatePercent,
  };
}

/**
 * The checks across fields of the phases that are well-formed (a phase that sends nothing,
 * phases longer than an hour together); a malformed phase (reported by the schema) is skipped,
 * so one run reports every problem. `phases` is the raw config value when the key failed the
 * schema.
 */
export function checkLoadTestPhases(
  phases: readonly unknown[],
  key: (name: string) => string,
  problems: string[],
): void {
  let total = 0;
  phases.forEach((raw, i) => {
    const parsed = loadTestPhase.safeParse(raw);
    if (!parsed.success) return;
    const phase = parsed.data;
    total += phase.duration;
    if (phase.arrivalRate === 0 && !phase.rampTo) {
      problems.push(
        `${key("loadTest")}.phases[${i}] is ${JSON.stringify(phase)}: sends no requests (arrivalRate 0 without rampTo); give an arrivalRate above 0 or a rampTo`,
      );
    }
  });
  if (total > MAX_TOTAL_SECONDS) {
    problems.push(
      `${key("loadTest")}.phases last ${total} s together: at most ${MAX_TOTAL_SECONDS} s (the load test gates the pipeline; run a soak test separately)`,
    );
  }
}
