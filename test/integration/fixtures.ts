// Fakes for the integration checks: the outputs of a deployed two-region staging stack, the
// orders API behind fetch (a shared table, as the global table makes it), Route 53 and DNS.
import type { Fetch } from "../../integration/checks";
import type { StackOutputs } from "../../integration/outputs";
import type {
  HealthCheckDescription,
  RecordDescription,
  Route53Reader,
} from "../../integration/route53";

export const PRIMARY: string = "us-east-1";
export const STANDBY: string = "us-west-2";
export const DOMAIN = "it.example.com";
export const ZONE_ID = "Z0123456789ITZONE";
export const ENDPOINTS: Record<string, string> = {
  [PRIMARY]: "https://abc123.execute-api.us-east-1.amazonaws.com",
  [STANDBY]: "https://def456.execute-api.us-west-2.amazonaws.com",
};
export const HEALTH_CHECK_IDS: Record<string, string> = {
  [PRIMARY]: "11111111-aaaa-4bbb-8ccc-000000000001",
  [STANDBY]: "22222222-aaaa-4bbb-8ccc-000000000002",
};

/** The function of a region, as the `functions` output lists it. */
export function functionOutput(region: string, overrides: Record<string, unknown> = {}) {
  return {
    functionName: `it-abc123-${region}-orders-fn-0a1b2c3`,
    aliasName: "live",
    targetVersion: "2",
    mode: "codedeploy" as const,
    applicationName: `it-abc123-${region}-orders-app-4d5e6f7`,
    deploymentGroupName: `it-abc123-${region}-orders-group-8a9b0c1`,
    deploymentConfigName: `it-abc123-${region}-orders-config-2d3e4f5`,
    ...overrides,
  };
}

/** The outputs of a throwaway stack after its canary deployment. */
export function stackOutputs(overrides: Partial<StackOutputs> = {}): StackOutputs {
  return {
    endpoint: `https://${DOMAIN}`,
    regionalEndpoints: { ...ENDPOINTS },
    healthCheckIds: { ...HEALTH_CHECK_IDS },
    failoverDetectionSeconds: { [PRIMARY]: 90, [STANDBY]: 90 },
    tableName: "it-abc123-table-1a2b3c4",
    regionOrder: [PRIMARY, STANDBY],
    accountId: "123456789012",
    resolvedSettings: {
      environment: "staging",
      topology: "active-passive",
      domain: { zoneId: ZONE_ID, name: DOMAIN },
      deployment: { mode: "codedeploy" },
    },
    functions: {
      [PRIMARY]: { orders: functionOutput(PRIMARY) },
      [STANDBY]: { orders: functionOutput(STANDBY) },
    },
    ...overrides,
  };
}

export interface FakeApiOptions {
  /** The region that answers each endpoint (default: its own; the global name: the primary). */
  servedBy?: Record<string, string>;
  /** Status to answer instead, by `METHOD url`. */
  statusOf?: Record<string, number>;
  /** Endpoints whose requests fail as a network error would. */
  unreachable?: string[];
  /** Regions whose reads do not see other regions' writes (replication lagging). */
  isolated?: string[];
  /** The total the API computes (to fake a broken calculation). */
  total?: number;
}

/** The orders API in every region over one shared table, as `fetch`. */
export function fakeApi(options: FakeApiOptions = {}): { fetch: Fetch; requests: string[] } {
  const table = new Map<string, { order: Record<string, unknown>; region: string }>();
  const requests: string[] = [];
  const regionOf: Record<string, string> = {
    ...Object.fromEntries(Object.entries(ENDPOINTS).map(([region, url]) => [url, region])),
    [`https://${DOMAIN}`]: PRIMARY,
    ...(options.servedBy ?? {}),
  };
  let next = 0;
  const fetch: Fetch = async (url, init) => {
    const method = init?.method ?? "GET";
    requests.push(`${method} ${url}`);
    const { origin, pathname } = new URL(url);
    if ((options.unreachable ?? []).includes(origin)) {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ENOTFOUND" } });
    }
    const region = regionOf[origin];
    const answer = (status: number, body: unknown) => ({
      status: options.statusOf?.[`${method} ${url}`] ?? status,
      text: async () => JSON.stringify(body),
    });
    if (!region) {
      return answer(404, { message: "Not Found" });
    }
    if (method === "GET" && pathname === "/health") {
      return answer(200, { status: "ok", region, checks: { function: "ok", table: "ACTIVE" } });
    }
    if (method === "POST" && pathname === "/orders") {
      const body = JSON.parse(init?.body ?? "{}");
      const order = {
        orderId: `order-${++next}`,
        customerId: body.customerId,
        items: body.items,
        total: options.total ?? 2.6,
        status: "PENDING",
        region,
      };
      table.set(order.orderId, { order, region });
      return answer(201, order);
    }
    const match = /^\/orders\/(.+)$/.exec(pathname);
    if (method === "GET" && match) {
      const stored = table.get(match[1]);
      if (!stored || ((options.isolated ?? []).includes(region) && stored.region !== region)) {
        return answer(404, { message: `order ${match[1]} not found` });
      }
      return answer(200, stored.order);
    }
    return answer(404, { message: `no route for ${method} ${pathname}` });
  };
  return { fetch, requests };
}

/** Route 53 with the stack's health checks and failover records, editable per test. */
/**
 * A fake of the project's own Route53Reader: it answers the reader's normalized descriptions,
 * not AWS responses (test/integration/route53.test.ts maps GetHealthCheck and
 * ListResourceRecordSets responses, in the shapes of the Route 53 API Reference, to these).
 */
export function fakeRoute53(
  overrides: {
    healthChecks?: Record<string, HealthCheckDescription | undefined>;
    records?: RecordDescription[];
    error?: Error;
  } = {},
): Route53Reader & { calls: string[] } {
  const calls: string[] = [];
  const healthChecks: Record<string, HealthCheckDescription | undefined> = {
    [HEALTH_CHECK_IDS[PRIMARY]]: {
      id: HEALTH_CHECK_IDS[PRIMARY],
      type: "HTTPS",
      fqdn: new URL(ENDPOINTS[PRIMARY]).hostname,
      resourcePath: "/health",
    },
    [HEALTH_CHECK_IDS[STANDBY]]: {
      id: HEALTH_CHECK_IDS[STANDBY],
      type: "HTTPS",
      fqdn: new URL(ENDPOINTS[STANDBY]).hostname,
      resourcePath: "/health",
    },
    ...(overrides.healthChecks ?? {}),
  };
  const records = overrides.records ?? failoverRecords();
  return {
    calls,
    async getHealthCheck(id) {
      calls.push(`getHealthCheck ${id}`);
      if (overrides.error) {
        throw overrides.error;
      }
      return healthChecks[id];
    },
    async listRecords(zoneId, name) {
      calls.push(`listRecords ${zoneId} ${name}`);
      if (overrides.error) {
        throw overrides.error;
      }
      return records.filter((r) => r.name === name);
    },
  };
}

/** What MultiRegionService creates for two regions: PRIMARY and SECONDARY alias records. */
export function failoverRecords(): RecordDescription[] {
  return [
    {
      name: DOMAIN,
      type: "A",
      setIdentifier: "primary",
      failover: "PRIMARY",
      healthCheckId: HEALTH_CHECK_IDS[PRIMARY],
      aliasTarget: {
        dnsName: "d-primary.execute-api.us-east-1.amazonaws.com.",
        evaluateTargetHealth: true,
      },
    },
    {
      name: DOMAIN,
      type: "A",
      setIdentifier: "secondary",
      failover: "SECONDARY",
      healthCheckId: HEALTH_CHECK_IDS[STANDBY],
      aliasTarget: {
        dnsName: "d-standby.execute-api.us-west-2.amazonaws.com.",
        evaluateTargetHealth: true,
      },
    },
    // The certificate's validation record lives under another name and is not routed.
    { name: `_acme.${DOMAIN}`, type: "CNAME" },
  ];
}

/** Sleeps that return at once, counting the time they would have taken. */
export function fakeClock(start = Date.UTC(2026, 0, 1)) {
  const clock = {
    time: start,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}
