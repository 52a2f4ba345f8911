/**
 * The stack's load test (issue 16): the Artillery phases the pipeline drives at a deployed
 * stack before production, and the p99 latency and error rate it must stay under. Config key
 * `loadTest`; `npm run loadtest:scenario -- <stack>` writes the Artillery script
 * (loadtest/scenario.ts, docs/operations.md).
 */
import { z } from "zod";

/** Artillery's longest phase, seconds: a pipeline gate that runs longer than an hour is a soak test. */
const MAX_TOTAL_SECONDS = 3_600;

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

/** The `loadTest` stack-config key. */
export const loadTestConfigSchema = z.strictObject({
  phases: z
    .array(loadTestPhase)
    .min(1, { error: "must list at least one phase" })
    .max(20)
    .optional(),
  /** The p99 response time every request must stay under, milliseconds. */
  p99LatencyMs: z.int().min(1).max(60_000).optional(),
  /** The share of requests that may fail (5xx, timeout, connection error), percent. */
  maxErrorRatePercent: z.number().min(0).max(100).optional(),
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
  phases.forEach((phase, i) => {
    if (phase.arrivalRate === 0 && !phase.rampTo) {
      problems.push(
        `${key("loadTest")}.phases[${i}] is ${JSON.stringify(phase)}: sends no requests (arrivalRate 0 without rampTo); give an arrivalRate above 0 or a rampTo`,
      );
    }
  });
  const total = phases.reduce((sum, phase) => sum + phase.duration, 0);
  if (total > MAX_TOTAL_SECONDS) {
    problems.push(
      `${key("loadTest")}.phases last ${total} s together: at most ${MAX_TOTAL_SECONDS} s (the load test gates the pipeline; run a soak test separately)`,
    );
  }
  return {
    phases,
    p99LatencyMs: config?.p99LatencyMs ?? defaults.p99LatencyMs,
    maxErrorRatePercent: config?.maxErrorRatePercent ?? defaults.maxErrorRatePercent,
  };
}
