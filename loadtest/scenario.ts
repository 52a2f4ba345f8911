/**
 * The Artillery script of a stack's load test (issue 16): every virtual user runs the orders
 * API's flow (health, create an order, read it back) against one target, the global name or one
 * region's own endpoint, so the standby regions are proven to carry load as well as the name
 * clients use. The stack's `loadTest` settings give the phases and the two gates Artillery's
 * `ensure` plugin enforces with its exit code: p99 latency and error rate.
 *
 * Artillery 2.x script reference (artillery.io/docs/reference/test-script): `config.target`,
 * `config.phases[]` (`duration`, `arrivalRate`, `rampTo`, `name`), `config.processor`,
 * `scenarios[].name/weight/flow`, requests with an absolute `url` override `target`,
 * `capture: { json, as }`, `afterResponse`. `ensure` (artillery.io/docs/reference/extensions/ensure):
 * `config.plugins.ensure.thresholds` (`- <metric>: <value>` passes while the metric is below the
 * value) and `conditions` (`expression`, `strict`).
 */
import * as path from "path";
import type { LoadTestSettings } from "../components/loadTestSettings";

/** The processor file beside this one: fails a virtual user on any 5xx (see its comment). */
export const PROCESSOR_FILE = path.join(__dirname, "failOnServerError.js");

/** Where the load goes: the stack's outputs `endpoint` and `regionalEndpoints`. */
export interface LoadTestTargets {
  /** The global endpoint (`https://<domain>`, or the primary's API endpoint without a domain). */
  readonly endpoint: string;
  /** Each region's own API endpoint (`https://<api id>.execute-api.<region>.amazonaws.com`). */
  readonly regionalEndpoints: Readonly<Record<string, string>>;
}

/** What else the scenario depends on. */
export interface ScenarioOptions {
  readonly stack: string;
  /** Whether the stack stores orders (config `table.enabled`); without, only /health is loaded. */
  readonly ordersStored: boolean;
  /** The processor, relative to the folder the script is written to (Artillery resolves it there). */
  readonly processorPath: string;
}

/** One Artillery request step. */
export interface ArtilleryRequest {
  readonly url: string;
  readonly name: string;
  readonly json?: unknown;
  readonly capture?: { readonly json: string; readonly as: string }[];
  readonly afterResponse: string;
}

/** The subset of an Artillery 2.x test script this generator writes. */
export interface ArtilleryScript {
  readonly config: {
    readonly target: string;
    readonly phases: LoadTestSettings["phases"];
    readonly processor: string;
    readonly http: { readonly timeout: number };
    readonly plugins: {
      readonly ensure: {
        readonly thresholds: Record<string, number>[];
        readonly conditions: { readonly expression: string; readonly strict: boolean }[];
      };
      readonly "metrics-by-endpoint": { readonly useOnlyRequestNames: boolean };
    };
  };
  readonly scenarios: {
    readonly name: string;
    readonly weight: number;
    readonly flow: ({ get: ArtilleryRequest } | { post: ArtilleryRequest })[];
  }[];
}

/**
 * The error rate as Artillery's ensure plugin computes its own `maxErrorRate` (the share of
 * virtual users that did not complete, artillery-plugin-ensure), written as a condition so the
 * report names the percentage. A user fails on a timeout, a connection error, a failed capture
 * or, through the processor, a 5xx or 429; each user sends one flow, so this is the flows' error
 * rate, not the requests'.
 */
export function errorRateExpression(maxErrorRatePercent: number): string {
  // Fixed point: filtrex reads no exponent, and String(1e-7) is "1e-7" (the setting's floor,
  // MIN_ERROR_RATE_PERCENT, keeps a budget above 0 within six decimals).
  const percent = maxErrorRatePercent.toFixed(6).replace(/\.?0+$/, "");
  return `(vusers.created - vusers.completed) / vusers.created * 100 <= ${percent}`;
}

/** The Artillery script of a stack's load test. */
export function artilleryScenario(
  settings: LoadTestSettings,
  targets: LoadTestTargets,
  options: ScenarioOptions,
): ArtilleryScript {
  const trim = (url: string) => url.replace(/\/+$/, "");
  const global = trim(targets.endpoint);
  const regional = Object.entries(targets.regionalEndpoints).map(
    ([region, url]) => [region, trim(url)] as const,
  );
  // Without a domain the global endpoint is the primary's own: load it once.
  const named: [string, string][] = [
    ...(regional.some(([, url]) => url === global) ? [] : [[`global ${hostOf(global)}`, global]]),
    ...regional.map(([region, url]): [string, string] => [`region ${region}`, url]),
  ] as [string, string][];
  const step = (label: string, url: string, extra: Partial<ArtilleryRequest> = {}) => ({
    url,
    name: label,
    ...extra,
    afterResponse: "failOnServerError",
  });
  return {
    config: {
      target: global,
      phases: settings.phases.map((phase) => ({ ...phase })),
      processor: options.processorPath,
      // Seconds; a request slower than this is an error (ETIMEDOUT), far above any p99 gate.
      http: { timeout: 10 },
      plugins: {
        ensure: {
          thresholds: [{ "http.response_time.p99": settings.p99LatencyMs }],
          conditions: [
            { expression: errorRateExpression(settings.maxErrorRatePercent), strict: true },
          ],
        },
        // Latency and codes per request name, so each region's p99 shows in the report.
        "metrics-by-endpoint": { useOnlyRequestNames: true },
      },
    },
    scenarios: named.map(([label, base]) => ({
      name: `${options.stack} ${label}`,
      weight: 1,
      flow: [
        { get: step(`${label} GET /health`, `${base}/health`) },
        ...(options.ordersStored
          ? [
              {
                post: step(`${label} POST /orders`, `${base}/orders`, {
                  // A valid order under both validations (service/orders: one line per product,
                  // whole cents); the customer id marks load-test orders in the table.
                  json: {
                    customerId: `loadtest-${options.stack}`,
                    items: [{ productId: "loadtest-widget", quantity: 1, unitPrice: 9.99 }],
                  },
                  // No orderId (an error response) fails the user: a failed capture is an error.
                  capture: [{ json: "$.orderId", as: "orderId" }],
                }),
              },
              { get: step(`${label} GET /orders/{id}`, `${base}/orders/{{ orderId }}`) },
            ]
          : []),
      ],
    })),
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
