// Route 53 reads for the health check and record checks. `@aws-sdk/client-route-53` is a
// devDependency of this repository; the checks take this small interface, and
// `loadRoute53Reader` builds it from the SDK when the package is installed (a checkout with
// `npm ci --omit=dev` lacks it: those checks then report themselves as skipped, never passed).

/** A health check's configuration (GetHealthCheck). */
export interface HealthCheckDescription {
  id: string;
  /** HTTPS, HTTP, HTTPS_STR_MATCH, TCP, CALCULATED, CLOUDWATCH_METRIC, ... */
  type: string;
  fqdn?: string;
  resourcePath?: string;
  childHealthChecks?: string[];
}

/** One resource record set (ListResourceRecordSets), with names as Route 53 stores them. */
export interface RecordDescription {
  name: string;
  type: string;
  setIdentifier?: string;
  failover?: string;
  healthCheckId?: string;
  aliasTarget?: { dnsName: string; evaluateTargetHealth?: boolean };
}

/** What the checks read from Route 53 (a global service). */
export interface Route53Reader {
  /** The health check, or undefined when it does not exist. */
  getHealthCheck(id: string): Promise<HealthCheckDescription | undefined>;
  /** Every record set named `name` (without the trailing dot) in the zone. */
  listRecords(zoneId: string, name: string): Promise<RecordDescription[]>;
}

/** The parts of `@aws-sdk/client-route-53` the adapter uses. */
export interface Route53SdkModule {
  Route53Client: new (config: { region: string }) => Route53SdkClient;
  GetHealthCheckCommand: new (input: { HealthCheckId: string }) => unknown;
  ListResourceRecordSetsCommand: new (input: {
    HostedZoneId: string;
    StartRecordName?: string;
    StartRecordType?: string;
    StartRecordIdentifier?: string;
    MaxItems?: number;
  }) => unknown;
}

export interface Route53SdkClient {
  send(command: unknown): Promise<any>;
}

/** Lowercase, no trailing dot, `\052` (how Route 53 returns `*`) decoded. */
export function normalizeRecordName(name: string): string {
  return name
    .replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)))
    .replace(/\.$/, "")
    .toLowerCase();
}

/** A {@link Route53Reader} over the SDK (Route 53's endpoint is in us-east-1). */
export function route53Reader(
  sdk: Route53SdkModule,
  client: Route53SdkClient = new sdk.Route53Client({ region: "us-east-1" }),
): Route53Reader {
  return {
    async getHealthCheck(id) {
      try {
        const answer = await client.send(new sdk.GetHealthCheckCommand({ HealthCheckId: id }));
        const config = answer?.HealthCheck?.HealthCheckConfig ?? {};
        return {
          id: answer?.HealthCheck?.Id ?? id,
          type: config.Type,
          fqdn: config.FullyQualifiedDomainName,
          resourcePath: config.ResourcePath,
          childHealthChecks: config.ChildHealthChecks,
        };
      } catch (error) {
        if ((error as { name?: string }).name === "NoSuchHealthCheck") {
          return undefined;
        }
        throw error;
      }
    },
    async listRecords(zoneId, name) {
      const wanted = normalizeRecordName(name);
      const records: RecordDescription[] = [];
      let start: { name: string; type?: string; identifier?: string } | undefined = {
        name: wanted,
      };
      while (start) {
        const page = await client.send(
          new sdk.ListResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            StartRecordName: start.name,
            StartRecordType: start.type,
            StartRecordIdentifier: start.identifier,
            MaxItems: 100,
          }),
        );
        const sets: any[] = page?.ResourceRecordSets ?? [];
        for (const set of sets) {
          if (normalizeRecordName(set.Name) !== wanted) {
            continue;
          }
          records.push({
            name: normalizeRecordName(set.Name),
            type: set.Type,
            setIdentifier: set.SetIdentifier,
            failover: set.Failover,
            healthCheckId: set.HealthCheckId,
            aliasTarget: set.AliasTarget
              ? {
                  dnsName: set.AliasTarget.DNSName,
                  evaluateTargetHealth: set.AliasTarget.EvaluateTargetHealth,
                }
              : undefined,
          });
        }
        // Records are listed in name order: once past the name, the rest are other names.
        const next: string | undefined = page?.IsTruncated ? page.NextRecordName : undefined;
        start =
          next !== undefined && normalizeRecordName(next) === wanted
            ? { name: next, type: page.NextRecordType, identifier: page.NextRecordIdentifier }
            : undefined;
      }
      return records;
    },
  };
}

/**
 * The reader over `@aws-sdk/client-route-53` when it is installed, else undefined. `load` is
 * `require` (injectable for tests).
 */
export function loadRoute53Reader(
  load: (id: string) => unknown = (id) =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(id),
): Route53Reader | undefined {
  let sdk: Route53SdkModule;
  try {
    sdk = load("@aws-sdk/client-route-53") as Route53SdkModule;
  } catch (error) {
    if ((error as { code?: string }).code === "MODULE_NOT_FOUND") {
      return undefined;
    }
    throw error;
  }
  return route53Reader(sdk);
}

/** What the Route 53 checks say when the SDK package is not installed. */
export const ROUTE53_PACKAGE_HINT =
  "needs @aws-sdk/client-route-53 (npm install -D @aws-sdk/client-route-53)";
