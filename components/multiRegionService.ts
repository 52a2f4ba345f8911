import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkExtensionLayers } from "./appConfigExtension";
import { inSteps, inStepsNow, later, whenBuilt, Writable } from "./constructionSteps";
import { checkRegionName, checkUnlistedRegions } from "./regions";
import { checkServiceNetwork, networkOfRegion, requireAwsxFor } from "./serviceNetwork";
import {
  checkHealthCheckArgs,
  checkServiceShape,
  isDnsName,
  RegionalHealthCheck,
  RegionalService,
  ServiceShapeArgs,
} from "./regionalService";
import { MULTI_REGION_SERVICE_ARGS } from "./argumentShapes";
import { ArgumentProblems, showValue } from "./validation";

/** Route 53 continent codes (source: Route 53 API reference, `GeoLocation.ContinentCode`). */
export const Continent = {
  Africa: "AF",
  Antarctica: "AN",
  Asia: "AS",
  Europe: "EU",
  NorthAmerica: "NA",
  Oceania: "OC",
  SouthAmerica: "SA",
} as const;

/** A continent code: Africa, Antarctica, Asia, Europe, North America, Oceania, South America. */
export type Continent = (typeof Continent)[keyof typeof Continent];

/** Route 53 continent codes (source: Route 53 API reference, `GeoLocation.ContinentCode`). */
export const CONTINENTS: readonly Continent[] = Object.values(Continent);

/**
 * Where users come from, for geolocation routing: a continent, a country (ISO 3166 alpha-2,
 * e.g. `DE`), or a country subdivision (e.g. `{ country: "US", subdivision: "CA" }`). When
 * locations overlap, Route 53 answers with the most specific one.
 */
export interface GeoLocation {
  /**
   * A continent code. Give either `continent` or `country` (checked at construction).
   * @default none
   */
  readonly continent?: Continent;
  /**
   * A two-letter country code such as `DE`.
   * @default none
   */
  readonly country?: string;
  /**
   * A subdivision of `country` (e.g. a US state, `CA`); only with `country`.
   * @default none
   */
  readonly subdivision?: string;
}

/** DynamoDB key attribute types: string, number, binary. */
export const KeyAttributeType = { String: "S", Number: "N", Binary: "B" } as const;

/** DynamoDB key attribute types: string, number, binary. */
export type KeyAttributeType = (typeof KeyAttributeType)[keyof typeof KeyAttributeType];

/** How the regions of a service share traffic. */
export const Topology = { ActivePassive: "active-passive", ActiveActive: "active-active" } as const;

/** How the regions of a service share traffic. */
export type Topology = (typeof Topology)[keyof typeof Topology];

/** How Route 53 chooses a region for active-active. */
export const ActiveActiveRouting = {
  Latency: "latency",
  Geolocation: "geolocation",
  Weighted: "weighted",
} as const;

/** How Route 53 chooses a region for active-active. */
export type ActiveActiveRouting = (typeof ActiveActiveRouting)[keyof typeof ActiveActiveRouting];

/** The DynamoDB global table shared by the regions. */
export interface GlobalTable {
  /**
   * The table name, the same in every region (3-255 letters, digits, `_`, `-`, `.`).
   * @default a name Pulumi generates from the component name
   */
  readonly name?: string;
  /**
   * The partition key attribute, e.g. `orderId` for the orders service.
   * @default "id"
   */
  readonly hashKey?: string;
  /**
   * The partition key's type: `S` string, `N` number, `B` binary.
   * @default "S"
   */
  readonly hashKeyType?: KeyAttributeType;
  /**
   * The sort key attribute.
   * @default none
   */
  readonly rangeKey?: string;
  /**
   * The sort key's type.
   * @default "S"
   */
  readonly rangeKeyType?: KeyAttributeType;
  /**
   * Protect the data: DynamoDB deletion protection on the table and every replica, and
   * Pulumi's `protect` on the table resource. Set it in production stacks.
   * @default false
   */
  readonly protectData?: boolean;
}

/**
 * @deprecated Renamed `GlobalTable`: schema types have no `Args` suffix, which the SDKs
 * of other languages add (`GlobalTableArgs` there).
 */
export type GlobalTableArgs = GlobalTable;

/** What both topologies take. */
export interface MultiRegionServiceCommonArgs extends ServiceShapeArgs {
  /**
   * Per-region health check settings, merged over `healthCheck`, e.g. a slower interval for a
   * standby or region-specific alarms: `{ "us-west-2": { requestInterval: 30 } }`.
   * @default {}
   */
  readonly healthCheckByRegion?: Record<string, RegionalHealthCheck>;
  /**
   * A DynamoDB global table: created in the first region of `MultiRegionService.regionOrder`
   * with a replica in every other region; each region's functions get its name (`TABLE_NAME`)
   * and read/write access to their own region's replica only.
   * @default no table
   */
  readonly table?: GlobalTable;
  /**
   * Roll out new versions one region at a time, in `regionOrder` (primary first): a region's
   * CodeDeploy deployments start only after the previous region's succeeded, so a failing
   * canary stops the rollout in the first region. Off, every region shifts at once.
   * @default false
   */
  readonly rolloutWaves?: boolean;
}

/**
 * Arguments of `MultiRegionService`. One shape for both topologies (a package schema
 * has no unions): `topology` chooses, and the fields of the other topology must stay unset
 * (checked at construction, with every misplaced or missing field named).
 * `active-passive`: `primaryRegion`, `standbyRegions`, `standbyRecordName`.
 * `active-active`: `regions`, `routing`, `geolocation`, `defaultRegion`, `weights`.
 */
export interface MultiRegionServiceArgs extends MultiRegionServiceCommonArgs {
  /**
   * `active-passive`: one region serves, standbys take over when its health check fails
   * (failover records). `active-active`: every region serves; Route 53 sends each user to a
   * healthy region.
   */
  readonly topology: Topology;
  /**
   * `active-passive` (required there): the region that serves while it is healthy (failover
   * PRIMARY).
   * @default none
   */
  readonly primaryRegion?: string;
  /**
   * `active-passive` (required there): the regions that take over, at least one. One standby
   * is the failover SECONDARY itself; with several, the SECONDARY points at
   * `standbyRecordName`, where latency records with health checks choose among the healthy
   * standbys.
   * @default none
   */
  readonly standbyRegions?: string[];
  /**
   * `active-passive`: the name that routes between several standbys by latency. Only used
   * with two or more standbys; it must be in the same hosted zone. Clients never call it: it
   * is a DNS step that resolves to the standby's API Gateway domain for `domain.name`.
   * @default "standby.<domain.name>"
   */
  readonly standbyRecordName?: string;
  /**
   * `active-active` (required there): the regions, at least one; the first holds the global
   * table.
   * @default none
   */
  readonly regions?: string[];
  /**
   * `active-active` (required there): how Route 53 chooses a region: `latency` (lowest latency
   * from the user's resolver), `geolocation` (where the user is: `geolocation` +
   * `defaultRegion`) or `weighted` (`weights`).
   * @default none
   */
  readonly routing?: ActiveActiveRouting;
  /**
   * `active-active` geolocation routing: the locations each region serves. Each location is
   * one record.
   * @default {}
   */
  readonly geolocation?: Record<string, GeoLocation[]>;
  /**
   * `active-active` geolocation routing: the region answering every user no location matches
   * (the `*` record), so nobody gets an empty answer. Required with `geolocation` routing.
   * @default none
   */
  readonly defaultRegion?: string;
  /**
   * `active-active` weighted routing: each region's weight, a whole number from 0 to 255, not
   * all 0; a region gets weight / sum of the share of answers. Given, it names every region.
   * @default 1 for every region (equal shares)
   */
  readonly weights?: Record<string, number>;
}

/** Options of `MultiRegionService`: the component options plus a provider per region. */
export interface MultiRegionServiceOptions extends pulumi.ComponentResourceOptions {
  /**
   * An `aws` provider per region, for per-region credentials (TypeScript only: a resource
   * option, because a package schema cannot describe a map of providers; other languages
   * set the component's `providers` option, which every region inherits). Regional resources still carry
   * the `region` input. The provider must be in the account of the hosted zone: each region
   * writes its certificate validation record, and Route 53 records can only use health checks
   * of their own account.
   * @default every region uses the provider the component inherits
   */
  readonly regionProviders?: Record<string, aws.Provider>;
}

/** Active-passive args, for TypeScript callers who want the required fields checked by the compiler. */
export type ActivePassiveServiceArgs = Omit<
  MultiRegionServiceArgs,
  "topology" | "primaryRegion" | "standbyRegions" | (typeof ACTIVE_ACTIVE_KEYS)[number]
> & {
  readonly topology: "active-passive";
  readonly primaryRegion: string;
  readonly standbyRegions: string[];
};

/** Active-active args, for TypeScript callers who want the required fields checked by the compiler. */
export type ActiveActiveServiceArgs = Omit<
  MultiRegionServiceArgs,
  "topology" | "regions" | "routing" | (typeof ACTIVE_PASSIVE_KEYS)[number]
> & {
  readonly topology: "active-active";
  readonly regions: string[];
  readonly routing: ActiveActiveRouting;
};

/** The arguments as a JavaScript caller may pass them: any topology's keys may be present. */
type LooseArgs = Omit<MultiRegionServiceArgs, "topology"> & { readonly topology?: unknown };

const TOPOLOGIES = ["active-passive", "active-active"];
const ROUTINGS = ["latency", "geolocation", "weighted"];
const ACTIVE_PASSIVE_KEYS = ["primaryRegion", "standbyRegions", "standbyRecordName"] as const;
const ACTIVE_ACTIVE_KEYS = [
  "regions",
  "routing",
  "geolocation",
  "defaultRegion",
  "weights",
] as const;
const TABLE_NAME_PATTERN = /^[a-zA-Z0-9_.-]{3,255}$/;

/** The regional services of each MultiRegionService (kept off the class so the schema does not list them). */
const servicesOf = new WeakMap<MultiRegionService, Record<string, RegionalService>>();

/**
 * A serverless service in several regions and the Route 53 records that route between them.
 *
 * Every region is a `RegionalService` (its functions, HTTP API, custom domain and the
 * health check on its own endpoint). `active-passive`: failover records for `domain.name`, the
 * primary region as PRIMARY with its health check, the standby (or, with several, a latency
 * record set of standbys at `standbyRecordName`) as SECONDARY. `active-active`: one record per
 * region (per location for geolocation) with the region's health check, routed by latency,
 * geolocation (with a `*` default) or weight. When every record is unhealthy, Route 53 answers
 * as if all were healthy. An optional DynamoDB global table is shared by the regions.
 */
export class MultiRegionService extends pulumi.ComponentResource {
  /** `active-passive` or `active-active`. */
  readonly topology: Topology;
  /**
   * The regions in a fixed order: the primary then the standbys as given (active-passive), or
   * `regions` as given (active-active). Region-by-region rollouts follow it.
   */
  readonly regionOrder: string[];
  /**
   * The service in each region. TypeScript only: a getter, because a package schema cannot
   * describe a component of this package (other languages get `regionalEndpoints`,
   * `healthCheckIds` and `functionNames`).
   */
  get services(): Record<string, RegionalService> {
    return servicesOf.get(this) ?? {};
  }
  /** Each region's function names, by region then function short name. */
  readonly functionNames!: pulumi.Output<Record<string, Record<string, string>>>;
  /** The DNS names of the Route 53 record sets this service manages: the global name, and the standby name with several standbys. */
  readonly recordNames: string[];
  /** `https://<domain.name>`, or the single region's own endpoint without a domain. */
  readonly globalEndpoint!: pulumi.Output<string>;
  /** Each region's own endpoint (`https://<api id>.execute-api.<region>.amazonaws.com`). */
  readonly regionalEndpoints!: pulumi.Output<Record<string, string>>;
  /** The health check id that decides each region's health. */
  readonly healthCheckIds!: pulumi.Output<Record<string, string>>;
  /** Seconds until a failed region is noticed (`requestInterval x failureThreshold`), by region. */
  readonly failoverDetectionSeconds: Record<string, number>;
  /** The Route 53 records for the global name (and the standby name), in creation order. */
  readonly records: aws.route53.Record[];
  /** The global table, when `table` is set. */
  readonly table?: aws.dynamodb.Table;
  /** The global table's name, the same in every region. */
  readonly tableName?: pulumi.Output<string>;

  /**
   * An active-passive service, with the compiler checking the topology's fields: `primaryRegion`
   * and `standbyRegions` required, the active-active fields (`regions`, `routing`,
   * `geolocation`, `defaultRegion`, `weights`) refused.
   *
   * @example
   * MultiRegionService.activePassive("orders", {
   *   primaryRegion: "us-east-1",
   *   standbyRegions: ["us-west-2"],
   *   functions: { orders: { code } },
   * });
   */
  static activePassive(
    name: string,
    args: Omit<ActivePassiveServiceArgs, "topology">,
    opts?: MultiRegionServiceOptions,
  ): MultiRegionService {
    return new MultiRegionService(name, { ...args, topology: "active-passive" }, opts);
  }

  /**
   * An active-active service, with the compiler checking the topology's fields: `regions` and
   * `routing` required, the active-passive fields (`primaryRegion`, `standbyRegions`,
   * `standbyRecordName`) refused.
   *
   * @example
   * MultiRegionService.activeActive("orders", {
   *   regions: ["us-east-1", "eu-west-1"],
   *   routing: "latency",
   *   functions: { orders: { code } },
   * });
   */
  static activeActive(
    name: string,
    args: Omit<ActiveActiveServiceArgs, "topology">,
    opts?: MultiRegionServiceOptions,
  ): MultiRegionService {
    return new MultiRegionService(name, { ...args, topology: "active-active" }, opts);
  }

  /**
   * The same service as `new MultiRegionService(...)`, built one region at a time, and in each
   * region one function at a time: the first region's service at once, then each of its
   * functions, then what needs every function of the region (API, routes, health checks,
   * outputs), then the next region the same way, and last the records and outputs that need
   * every region, one event-loop turn (`setImmediate`) apart (components/constructionSteps.ts).
   * The resources, names, inputs and outputs are those of `new`; only the order of registration
   * differs. Under the offline preview and the test harness, whose answers come back within
   * that turn, one function's registration work is in memory at a time rather than every
   * region's: at 10 regions x 50 functions the preview's peak memory and CPU time drop
   * (docs/benchmarks.md). Under a real engine a child's registration also waits for its
   * parent's URN, so steps overlap more. Code that runs between the steps (another part of the
   * program, a stack transform registered meanwhile) sees the service half built and applies to
   * the later parts only; a subclass's constructor, and a transformation, see every region's
   * `RegionalService` without the fields that need its functions (`api`, `apiEndpoint`,
   * `healthCheckId`, `functionNames`, ...) until `create` resolves.
   *
   * @param name The _unique_ name of the component; child names derive from it.
   * @param args As for the constructor.
   * @param opts As for the constructor.
   * @returns The service, once every region and the records are built; rejects with the
   *   constructor's error for bad arguments (nothing registered) or a step's error.
   *
   * @example
   * const service = await MultiRegionService.create("orders", { topology: "active-active", ... });
   */
  static async create(
    name: string,
    args: MultiRegionServiceArgs,
    opts?: MultiRegionServiceOptions,
  ): Promise<MultiRegionService> {
    // `this`: a subclass's `create` builds the subclass.
    return inSteps(() => new this(name, args, opts));
  }

  /**
   * @param name The _unique_ name of the component; child names derive from it.
   * @param args The topology, regions, routing, functions, domain, health checks and table.
   *   `MultiRegionService.activePassive` / `.activeActive` take each topology's fields only.
   * @param opts Options for the component (providers are inherited by every child).
   */
  constructor(name: string, args: MultiRegionServiceArgs, opts: MultiRegionServiceOptions = {}) {
    // Validate before registering anything: a bad shape must not leave half the regions behind.
    // Under `MultiRegionService.create`, each region and what needs every region are steps.
    const stepped = inStepsNow();
    const { regionProviders, ...componentOptions } = opts;
    checkMultiRegionServiceArgs(
      `MultiRegionService "${name}"`,
      args,
      undefined,
      regionProviders,
    ).throwIfAny();
    requireAwsxFor(args.network);
    super("multiregion-serverless:index:MultiRegionService", name, {}, componentOptions);

    this.topology = args.topology;
    this.regionOrder = regionOrderOf(args);
    const providers = regionProviders ?? {};
    const providerOf = (region: string): pulumi.ComponentResourceOptions =>
      providers[region] ? { providers: [providers[region]] } : {};
    const tags = args.tags;

    if (args.table) {
      this.table = this.createGlobalTable(name, args.table, providers, tags);
      this.tableName = this.table.name;
    }

    servicesOf.set(this, {});
    this.failoverDetectionSeconds = {};
    this.recordNames = [];
    this.records = [];
    let previous: RegionalService | undefined;
    const buildRegion = (region: string): void => {
      const service = new RegionalService(
        `${name}-${region}`,
        {
          region,
          functions: args.functions,
          routes: args.routes,
          healthFunction: args.healthFunction,
          domain: args.domain,
          ipAddressType: args.ipAddressType,
          healthCheck: {
            ...(args.healthCheck ?? {}),
            ...(args.healthCheckByRegion?.[region] ?? {}),
          },
          table: this.table
            ? {
                name: this.table.name,
                arn: this.table.arn,
                // Event sources (issue 17): each region reads its own replica's stream.
                streamArn: replicaStreamArn(this.table, region, this.regionOrder[0]),
              }
            : undefined,
          unlistedRegions: args.unlistedRegions,
          tags,
          notificationTopicArns: args.notificationTopicArns,
          dashboardUrl: args.dashboardUrl,
          network: args.network && networkOfRegion(args.network, region),
          deployAfter:
            args.rolloutWaves && previous && previous.deploymentIds.length > 0
              ? previous.deploymentIds
              : undefined,
        },
        { parent: this, ...providerOf(region) },
      );
      previous = service;
      this.services[region] = service;
      this.failoverDetectionSeconds[region] = service.failoverDetectionSeconds;
    };
    // What needs every region: the records, the outputs. Assigned through a writable view,
    // since under `create` this runs after the constructor has returned.
    const finish = (): void => {
      const built = this as Writable<MultiRegionService>;
      if (args.domain) {
        this.records.push(...this.createRecords(name, args, args.domain.zoneId, args.domain.name));
      }
      built.globalEndpoint = args.domain
        ? pulumi.output(`https://${args.domain.name}`)
        : this.services[this.regionOrder[0]].apiEndpoint;
      built.regionalEndpoints = pulumi.output(
        byRegion(this.regionOrder, (region) => this.services[region].apiEndpoint),
      );
      built.healthCheckIds = pulumi.output(
        byRegion(this.regionOrder, (region) => this.services[region].healthCheckId),
      );
      built.functionNames = pulumi.output(
        byRegion(this.regionOrder, (region) => this.services[region].functionNames),
      );
      this.registerOutputs({
        topology: this.topology,
        regionOrder: this.regionOrder,
        globalEndpoint: this.globalEndpoint,
        regionalEndpoints: this.regionalEndpoints,
        healthCheckIds: this.healthCheckIds,
        functionNames: this.functionNames,
        recordNames: this.recordNames,
        failoverDetectionSeconds: this.failoverDetectionSeconds,
        tableName: this.tableName,
      });
    };

    const steps = [...this.regionOrder.map((region) => () => buildRegion(region)), finish];
    if (stepped) {
      // The first region is built now, the rest by `create`, one event-loop turn apart.
      steps.shift()!();
      later(...steps);
    } else {
      steps.forEach((step) => step());
    }
  }

  /**
   * Under `MultiRegionService.create`, waits for the last step: the SDK registers a
   * component's outputs as `{}` once this settles unless `registerOutputs` was called first
   * (runtime `ComponentResource.initializeAndRegisterOutputs`), and the outputs are only
   * registered by the last step. With `new`, returns at once (the constructor has registered
   * them by then).
   */
  protected override async initialize(): Promise<undefined> {
    // Runs inside `super(...)`, while `create`'s `new` is under way: ComponentResource's
    // constructor calls `initializeAndRegisterOutputs` at once (3.204 to 3.248), except for a
    // component rehydrated from `opts.urn`, which builds nothing.
    if (inStepsNow()) await whenBuilt();
    return undefined;
  }

  /** The table in the first region, a replica in every other, streams on (replicas need them). */
  private createGlobalTable(
    name: string,
    table: GlobalTable,
    providers: Record<string, aws.Provider>,
    tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
  ): aws.dynamodb.Table {
    const [home, ...replicaRegions] = this.regionOrder;
    const hashKey = table.hashKey ?? "id";
    const protect = table.protectData ?? false;
    return new aws.dynamodb.Table(
      `${name}-table`,
      {
        region: home,
        name: table.name,
        billingMode: "PAY_PER_REQUEST",
        hashKey,
        rangeKey: table.rangeKey,
        attributes: [
          { name: hashKey, type: table.hashKeyType ?? "S" },
          ...(table.rangeKey ? [{ name: table.rangeKey, type: table.rangeKeyType ?? "S" }] : []),
        ],
        // Global table replicas (version 2019.11.21) need a stream with new and old images.
        streamEnabled: true,
        streamViewType: "NEW_AND_OLD_IMAGES",
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: protect,
        replicas: replicaRegions.map((regionName) => ({
          regionName,
          pointInTimeRecovery: true,
          deletionProtectionEnabled: protect,
          propagateTags: true,
        })),
        tags,
      },
      { parent: this, protect, ...(providers[home] ? { provider: providers[home] } : {}) },
    );
  }

  /** The records for the global name; A, and AAAA too for dualstack domains. */
  private createRecords(
    name: string,
    args: MultiRegionServiceArgs,
    zoneId: pulumi.Input<string>,
    globalName: string,
  ): aws.route53.Record[] {
    const types = args.ipAddressType === "dualstack" ? ["A", "AAAA"] : ["A"];
    const records: aws.route53.Record[] = [];
    // Route 53 refuses records of one routing policy beside another policy's records of the
    // same name and type, and Pulumi creates new records before it deletes old ones: a change
    // of routing or topology would fail half-way through `pulumi up`. The zone is read at
    // preview and such a change is refused, with the two steps that make it, before any
    // record is registered (every record waits for this check).
    const planned = plannedRoutingPolicy(args);
    const routingChecked: pulumi.Output<pulumi.Resource[]> = pulumi
      .all([
        aws.route53.getRecordsOutput(
          { zoneId, nameRegex: `^${escapeRegExp(globalName)}\\.?$` },
          { parent: this },
        ),
        // The URN alone, without the component as a dependency: the records depend on this
        // check, and depending on their own parent component would wait for themselves.
        pulumi.output(new Promise<string>((resolve) => this.urn.apply(resolve))),
      ])
      .apply(([zone, urn]) => {
        const conflicts = routingConflicts(
          zone.resourceRecordSets ?? [],
          globalName,
          types,
          planned,
        );
        if (conflicts.length > 0) {
          throw new Error(routingChangeRefusal(name, urn, globalName, planned, conflicts));
        }
        return [];
      });
    const aliasTo = (region: string) => {
      const target = this.services[region].customDomain!;
      return [
        { name: target.targetDomainName, zoneId: target.hostedZoneId, evaluateTargetHealth: true },
      ];
    };
    for (const type of types) {
      // Logical names of A records carry no suffix, so adding AAAA later changes nothing else.
      const suffix = type === "A" ? "" : "-aaaa";
      const record = (
        logicalName: string,
        recordArgs: Omit<aws.route53.RecordArgs, "zoneId" | "type">,
        dependsOn: pulumi.Resource[] = [],
      ) => {
        // Known names (the global name, the standby name), not the records' outputs: a refused
        // routing change never registers them, and their outputs would never resolve.
        if (!this.recordNames.includes(recordArgs.name as string)) {
          this.recordNames.push(recordArgs.name as string);
        }
        const created = new aws.route53.Record(
          `${logicalName}${suffix}`,
          { zoneId, type, ...recordArgs },
          {
            parent: this,
            dependsOn: routingChecked.apply((checked) => [...checked, ...dependsOn]),
          },
        );
        records.push(created);
        return created;
      };

      if (args.topology === "active-passive") {
        // Checked at construction: active-passive has both.
        const primaryRegion = args.primaryRegion!;
        const standbyRegions = args.standbyRegions!;
        // Set identifiers name the role, not the region: moving the primary to another region
        // updates the records in place; new identifiers would create a second PRIMARY first.
        record(`${name}-failover-primary`, {
          name: globalName,
          setIdentifier: "primary",
          failoverRoutingPolicies: [{ type: "PRIMARY" }],
          healthCheckId: this.services[primaryRegion].healthCheckId,
          aliases: aliasTo(primaryRegion),
        });
        if (standbyRegions.length === 1) {
          const standby = standbyRegions[0];
          record(`${name}-failover-secondary`, {
            name: globalName,
            setIdentifier: "secondary",
            failoverRoutingPolicies: [{ type: "SECONDARY" }],
            healthCheckId: this.services[standby].healthCheckId,
            aliases: aliasTo(standby),
          });
        } else {
          // Route 53 takes one PRIMARY and one SECONDARY per name: with several standbys the
          // SECONDARY aliases a name where latency records, each with its region's health
          // check, choose among the healthy standbys.
          const standbyName = args.standbyRecordName ?? `standby.${globalName}`;
          const chain = standbyRegions.map((region) =>
            record(`${name}-standby-${region}`, {
              name: standbyName,
              setIdentifier: region,
              latencyRoutingPolicies: [{ region }],
              healthCheckId: this.services[region].healthCheckId,
              aliases: aliasTo(region),
            }),
          );
          record(
            `${name}-failover-secondary`,
            {
              name: globalName,
              setIdentifier: "secondary",
              failoverRoutingPolicies: [{ type: "SECONDARY" }],
              // Healthy while any standby's latency record is healthy.
              aliases: [{ name: standbyName, zoneId, evaluateTargetHealth: true }],
            },
            // Route 53 rejects an alias to a name that has no records yet.
            chain,
          );
        }
        continue;
      }

      if (args.routing === "geolocation") {
        for (const region of this.regionOrder) {
          for (const location of args.geolocation?.[region] ?? []) {
            const id = geoLocationId(location);
            // Keyed by location, not region: moving a location to another region is an update.
            record(`${name}-geo-${id}`, {
              name: globalName,
              setIdentifier: id,
              geolocationRoutingPolicies: [geoRoutingPolicy(location)],
              healthCheckId: this.services[region].healthCheckId,
              aliases: aliasTo(region),
            });
          }
        }
        const defaultRegion = args.defaultRegion!;
        record(`${name}-geo-default`, {
          name: globalName,
          setIdentifier: "default",
          // `*`: every user no other record matches, so nobody gets an empty answer.
          geolocationRoutingPolicies: [{ country: "*" }],
          healthCheckId: this.services[defaultRegion].healthCheckId,
          aliases: aliasTo(defaultRegion),
        });
        continue;
      }

      for (const region of this.regionOrder) {
        record(`${name}-${args.routing}-${region}`, {
          name: globalName,
          setIdentifier: region,
          ...(args.routing === "latency"
            ? { latencyRoutingPolicies: [{ region }] }
            : { weightedRoutingPolicies: [{ weight: args.weights?.[region] ?? 1 }] }),
          healthCheckId: this.services[region].healthCheckId,
          aliases: aliasTo(region),
        });
      }
    }
    return records;
  }
}

/** The routing policies of Route 53 record sets, as this package names them. */
export type RecordRoutingPolicy =
  | "simple"
  | "failover"
  | "latency"
  | "geolocation"
  | "weighted"
  | "geoproximity"
  | "cidr"
  | "multivalue";

/** The routing policy of the records this service puts at `domain.name`. */
export function plannedRoutingPolicy(args: MultiRegionServiceArgs): RecordRoutingPolicy {
  return args.topology === "active-passive" ? "failover" : (args.routing ?? "latency");
}

/**
 * A record set as `ListResourceRecordSets` describes it, in the shape of `aws.route53.getRecords`
 * (terraform-provider-aws data source `aws_route53_records`): only the fields that tell the
 * routing policy apart.
 */
export interface ListedRecordSet {
  readonly name: string;
  readonly type: string;
  readonly setIdentifier?: string;
  readonly failover?: string;
  readonly region?: string;
  readonly weight?: number;
  readonly geolocation?: { continentCode?: string; countryCode?: string; subdivisionCode?: string };
  readonly geoproximityLocation?: unknown;
  readonly cidrRoutingConfig?: unknown;
  readonly multiValueAnswer?: boolean;
}

/**
 * The routing policy of a listed record set (Route 53 API Reference, `ResourceRecordSet`: a
 * set identifier with `Failover`, `Region`, `GeoLocation`, `GeoProximityLocation`,
 * `CidrRoutingConfig` or `MultiValueAnswer`, else `Weight`; no set identifier is simple).
 */
export function listedRoutingPolicy(set: ListedRecordSet): RecordRoutingPolicy {
  const present = (value: unknown) => value !== undefined && value !== null && value !== "";
  const geolocation = set.geolocation;
  if (present(set.failover)) return "failover";
  if (present(set.region)) return "latency";
  if (
    geolocation &&
    (present(geolocation.continentCode) ||
      present(geolocation.countryCode) ||
      present(geolocation.subdivisionCode))
  ) {
    return "geolocation";
  }
  if (present(set.geoproximityLocation)) return "geoproximity";
  if (present(set.cidrRoutingConfig)) return "cidr";
  if (set.multiValueAnswer === true) return "multivalue";
  return present(set.setIdentifier) ? "weighted" : "simple";
}

/**
 * The listed record sets at `name` that the planned records cannot sit beside: A/AAAA sets (of
 * `types`) whose policy is not `planned`, and any CNAME (a CNAME shares its name with no other
 * record: RFC 1034 section 3.6.2; Route 53 Developer Guide, "Supported DNS record types", CNAME).
 */
export function routingConflicts(
  listed: readonly ListedRecordSet[],
  name: string,
  types: readonly string[],
  planned: RecordRoutingPolicy,
): ListedRecordSet[] {
  // ListResourceRecordSets returns fully qualified names with the root dot, lowercase.
  const wanted = name.toLowerCase().replace(/\.$/, "");
  return listed.filter(
    (set) =>
      set.name.toLowerCase().replace(/\.$/, "") === wanted &&
      (set.type === "CNAME" || (types.includes(set.type) && listedRoutingPolicy(set) !== planned)),
  );
}

/**
 * The logical name this component gives the record for a listed set, so the refusal can name
 * the URNs to delete: `<service>-failover-primary`, `<service>-latency-<region>`,
 * `<service>-geo-<location>`, `<service>-weighted-<region>`, `-aaaa` for AAAA.
 */
function logicalNameOf(service: string, set: ListedRecordSet): string | undefined {
  const policy = listedRoutingPolicy(set);
  const id = set.setIdentifier;
  const base =
    policy === "failover" && (id === "primary" || id === "secondary")
      ? `${service}-failover-${id}`
      : policy === "latency" || policy === "weighted"
        ? `${service}-${policy}-${id}`
        : policy === "geolocation"
          ? `${service}-geo-${id}`
          : undefined;
  return base === undefined ? undefined : `${base}${set.type === "AAAA" ? "-aaaa" : ""}`;
}

/** The error that refuses a change of routing policy, with the two steps that make it. */
export function routingChangeRefusal(
  service: string,
  componentUrn: string,
  globalName: string,
  planned: RecordRoutingPolicy,
  conflicts: readonly ListedRecordSet[],
): string {
  const [head, project = "", qualifiedType = ""] = componentUrn.split("::");
  const urnOf = (logicalName: string) =>
    `${head}::${project}::${qualifiedType}$aws:route53/record:Record::${logicalName}`;
  const policies = [...new Set(conflicts.map(listedRoutingPolicy))].join(", ");
  const described = conflicts
    .map((set) => `${set.type} ${set.setIdentifier ?? "(no set identifier)"}`)
    .join(", ");
  const ours = conflicts.filter(
    (set) => set.type !== "CNAME" && logicalNameOf(service, set) !== undefined,
  );
  const foreign = conflicts.filter((set) => !ours.includes(set));
  const targets = ours.map((set) => `--target '${urnOf(logicalNameOf(service, set)!)}'`);
  // Records this component would not have created (simple records, a CNAME, other tools') are
  // not in the stack: Pulumi cannot delete them, so name the way to delete them in Route 53.
  const steps = [
    ...(targets.length > 0 ? [`pulumi destroy --target-dependents ${targets.join(" ")}`] : []),
    ...(foreign.length > 0
      ? [
          `delete ${foreign
            .map((set) => `${set.type} ${set.setIdentifier ?? "(no set identifier)"}`)
            .join(", ")} in Route 53 (console, or aws route53 change-resource-record-sets with ` +
            `a DELETE change; if another stack of yours manages them, pulumi destroy --target ` +
            `there)`,
        ]
      : []),
  ];
  const destroy = steps.join(", then ");
  return (
    `MultiRegionService "${service}": ${globalName} already has ${policies} records ` +
    `(${described}) and this update would create ${planned} records. Route 53 refuses records ` +
    `of one routing policy beside another policy's records of the same name and type, and ` +
    `Pulumi creates new records before it deletes old ones, so the update would fail half-way. ` +
    `Change the routing in two steps: 1. delete the old records: ${destroy} ` +
    `(${globalName} does not resolve until step 2 is done); 2. pulumi up. ` +
    `To keep the current routing instead, restore the previous topology/routing arguments.`
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function byRegion<T>(regions: string[], value: (region: string) => T): Record<string, T> {
  return Object.fromEntries(regions.map((region) => [region, value(region)]));
}

/**
 * The regions of a service in a fixed order: the primary, then the standbys as given
 * (active-passive); `regions` as given (active-active). Duplicates are dropped.
 */
export function regionOrderOf(args: MultiRegionServiceArgs): string[] {
  const listed =
    args.topology === "active-passive"
      ? [args.primaryRegion, ...(args.standbyRegions ?? [])].filter(
          (region): region is string => region !== undefined,
        )
      : [...(args.regions ?? [])];
  return [...new Set(listed)];
}

/** A record's set identifier (and logical name part) for a location: `continent-EU`, `country-US-CA`. */
export function geoLocationId(location: GeoLocation): string {
  if (location.continent !== undefined) {
    return `continent-${location.continent}`;
  }
  return location.subdivision
    ? `country-${location.country}-${location.subdivision}`
    : `country-${location.country}`;
}

function geoRoutingPolicy(
  location: GeoLocation,
): aws.types.input.route53.RecordGeolocationRoutingPolicy {
  return location.continent !== undefined
    ? { continent: location.continent }
    : { country: location.country, subdivision: location.subdivision };
}

/** Every problem in `MultiRegionServiceArgs`, found before anything is registered. */
export function checkMultiRegionServiceArgs(
  subject: string,
  args: MultiRegionServiceArgs,
  problems = new ArgumentProblems(subject),
  regionProviders?: Record<string, unknown>,
): ArgumentProblems {
  if (args === undefined || args === null || typeof args !== "object") {
    problems.add("args", args, "must be an object with at least `topology` and `functions`");
    return problems;
  }
  // An Output where a known value is needed is reported once, by its key, and left out of
  // the checks below, which check the rest (every problem at once).
  args = problems.requireKnown(args, MULTI_REGION_SERVICE_ARGS);
  problems.knownKeys(args, MULTI_REGION_SERVICE_ARGS);
  const loose = args as LooseArgs;
  const unlisted = checkUnlistedRegions(problems, loose.unlistedRegions);
  let regions: string[] = [];
  if (loose.topology === "active-passive") {
    regions = checkActivePassive(problems, loose, unlisted);
  } else if (loose.topology === "active-active") {
    regions = checkActiveActive(problems, loose, unlisted);
  } else {
    problems.add(
      "topology",
      loose.topology,
      `must be one of ${TOPOLOGIES.map(showValue).join(", ")}`,
    );
  }

  checkServiceShape(problems, loose, loose.table !== undefined);
  checkExtensionLayers(problems, loose.functions, regions);
  checkServiceNetwork(problems, loose.network, regions);
  if (regions.length > 1 && loose.domain === undefined) {
    problems.add(
      "domain",
      undefined,
      "is required with more than one region: Route 53 routes the global name between them",
    );
  }
  if (loose.standbyRecordName !== undefined) {
    problems.check(
      isDnsName(loose.standbyRecordName) && loose.standbyRecordName !== loose.domain?.name,
      "standbyRecordName",
      loose.standbyRecordName,
      "must be a lowercase DNS name in the domain's zone, other than domain.name",
    );
  }
  checkRegionKeys(
    problems,
    "healthCheckByRegion",
    loose.healthCheckByRegion,
    regions,
    (key, value) => checkHealthCheckArgs(problems.within(`healthCheckByRegion.${key}.`), value),
  );
  checkRegionKeys(problems, "regionProviders", regionProviders, regions, (key, value) =>
    problems.check(
      aws.Provider.isInstance(value),
      `regionProviders.${key}`,
      "(not an aws.Provider)",
      "must be an aws.Provider",
    ),
  );
  if (loose.table !== undefined) {
    checkGlobalTableArgs(problems.within("table."), loose.table);
  }
  return problems;
}

function checkActivePassive(
  problems: ArgumentProblems,
  args: LooseArgs,
  unlisted: string[],
): string[] {
  wrongTopologyKeys(problems, args, ACTIVE_ACTIVE_KEYS, "active-active");
  const regions: string[] = [];
  if (args.primaryRegion === undefined) {
    problems.add(
      "primaryRegion",
      undefined,
      "is required for active-passive: the region that serves while healthy",
    );
  } else if (checkRegionName(problems, "primaryRegion", args.primaryRegion, unlisted)) {
    regions.push(args.primaryRegion);
  }
  const standbys = args.standbyRegions;
  if (!Array.isArray(standbys) || standbys.length === 0) {
    problems.add("standbyRegions", standbys, "active-passive needs at least one standby region");
    return regions;
  }
  standbys.forEach((region, i) => {
    const key = `standbyRegions[${i}]`;
    if (!checkRegionName(problems, key, region, unlisted)) {
      return;
    }
    if (region === args.primaryRegion) {
      problems.add(key, region, "must differ from primaryRegion");
    } else if (standbys.indexOf(region) !== i) {
      problems.add(key, region, "is listed twice");
    } else {
      regions.push(region);
    }
  });
  return regions;
}

function checkActiveActive(
  problems: ArgumentProblems,
  args: LooseArgs,
  unlisted: string[],
): string[] {
  wrongTopologyKeys(problems, args, ACTIVE_PASSIVE_KEYS, "active-passive");
  const regions: string[] = [];
  const listed = args.regions;
  if (!Array.isArray(listed) || listed.length === 0) {
    problems.add("regions", listed, "active-active needs at least one region");
  } else {
    listed.forEach((region, i) => {
      const key = `regions[${i}]`;
      if (!checkRegionName(problems, key, region, unlisted)) {
        return;
      }
      if (listed.indexOf(region) !== i) {
        problems.add(key, region, "is listed twice");
      } else {
        regions.push(region);
      }
    });
  }

  const routing = args.routing;
  if (routing === undefined) {
    problems.add(
      "routing",
      routing,
      `active-active needs one of ${ROUTINGS.map(showValue).join(", ")}`,
    );
  } else {
    problems.oneOf("routing", routing, ROUTINGS);
  }
  for (const [key, wanted] of [
    ["geolocation", "geolocation"],
    ["defaultRegion", "geolocation"],
    ["weights", "weighted"],
  ] as const) {
    if (args[key] !== undefined && routing !== wanted) {
      problems.add(key, args[key], `applies to routing "${wanted}" only`);
    }
  }
  const listedRegions = `one of regions: ${regions.map(showValue).join(", ")}`;
  if (routing === "geolocation") {
    checkGeolocation(problems, args, regions, listedRegions);
  }
  if (routing === "weighted" && args.weights !== undefined) {
    checkWeights(problems, args.weights, regions, listedRegions);
  }
  return regions;
}

function wrongTopologyKeys(
  problems: ArgumentProblems,
  args: LooseArgs,
  keys: readonly (keyof LooseArgs)[],
  topology: string,
): void {
  for (const key of keys) {
    if (args[key] !== undefined) {
      problems.add(key, args[key], `applies to topology "${topology}" only`);
    }
  }
}

function checkGeolocation(
  problems: ArgumentProblems,
  args: LooseArgs,
  regions: string[],
  listedRegions: string,
): void {
  if (args.defaultRegion === undefined) {
    problems.add(
      "defaultRegion",
      undefined,
      "geolocation routing needs the region answering users no location matches (without a default record they get no answer)",
    );
  } else {
    problems.check(
      regions.includes(args.defaultRegion),
      "defaultRegion",
      args.defaultRegion,
      `must be ${listedRegions}`,
    );
  }
  const geolocation = args.geolocation ?? {};
  if (typeof geolocation !== "object" || geolocation === null || Array.isArray(geolocation)) {
    problems.add(
      "geolocation",
      geolocation,
      'must map regions to locations: { "eu-west-1": [{ continent: "EU" }] }',
    );
    return;
  }
  const routedTo = new Map<string, string>();
  for (const [region, locations] of Object.entries(geolocation)) {
    const key = `geolocation.${region}`;
    if (!regions.includes(region)) {
      problems.add(key, locations, `is not ${listedRegions}`);
      continue;
    }
    if (!Array.isArray(locations) || locations.length === 0) {
      problems.add(
        key,
        locations,
        "must be a non-empty list of { continent } or { country, subdivision? }",
      );
      continue;
    }
    locations.forEach((location, i) => {
      const locationKey = `${key}[${i}]`;
      if (!checkGeoLocation(problems, locationKey, location)) {
        return;
      }
      const id = geoLocationId(location);
      const previous = routedTo.get(id);
      if (previous !== undefined) {
        problems.add(
          locationKey,
          location,
          previous === region ? "is listed twice" : `is already routed to ${previous}`,
        );
      } else {
        routedTo.set(id, region);
      }
    });
  }
  for (const region of regions) {
    if (region !== args.defaultRegion && geolocation[region] === undefined) {
      problems.add(
        `geolocation.${region}`,
        undefined,
        "every region but defaultRegion needs at least one location, or it gets no traffic",
      );
    }
  }
}

function checkGeoLocation(problems: ArgumentProblems, key: string, location: unknown): boolean {
  const allowed = `must be { continent } (one of ${CONTINENTS.join(", ")}) or { country, subdivision? } (country: two capital letters such as "DE"; the default "*" comes from defaultRegion)`;
  if (typeof location !== "object" || location === null) {
    problems.add(key, location, allowed);
    return false;
  }
  const { continent, country, subdivision } = location as Record<string, unknown>;
  const ok =
    continent !== undefined
      ? country === undefined &&
        subdivision === undefined &&
        (CONTINENTS as readonly unknown[]).includes(continent)
      : typeof country === "string" &&
        /^[A-Z]{2}$/.test(country) &&
        (subdivision === undefined ||
          (typeof subdivision === "string" && /^[A-Z0-9]{1,3}$/.test(subdivision)));
  problems.check(ok, key, location, allowed);
  return ok;
}

function checkWeights(
  problems: ArgumentProblems,
  weights: unknown,
  regions: string[],
  listedRegions: string,
): void {
  if (typeof weights !== "object" || weights === null || Array.isArray(weights)) {
    problems.add(
      "weights",
      weights,
      'must map regions to weights: { "us-east-1": 3, "eu-west-1": 1 }',
    );
    return;
  }
  const record = weights as Record<string, unknown>;
  let valid = true;
  for (const [region, weight] of Object.entries(record)) {
    if (!regions.includes(region)) {
      problems.add(`weights.${region}`, weight, `is not ${listedRegions}`);
      valid = false;
    }
  }
  for (const region of regions) {
    const weight = record[region];
    const ok =
      typeof weight === "number" && Number.isInteger(weight) && weight >= 0 && weight <= 255;
    problems.check(
      ok,
      `weights.${region}`,
      weight,
      weight === undefined
        ? "every region needs a weight when weights are given"
        : "must be a whole number from 0 to 255",
    );
    valid &&= ok;
  }
  if (valid && regions.every((region) => record[region] === 0)) {
    problems.add(
      "weights",
      weights,
      "at least one weight must be above 0, or no region gets traffic by weight",
    );
  }
}

function checkRegionKeys<T>(
  problems: ArgumentProblems,
  key: string,
  value: Record<string, T> | undefined,
  regions: string[],
  checkValue: (region: string, value: T) => void,
): void {
  if (value === undefined) {
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.add(key, value, "must map region names to settings");
    return;
  }
  for (const [region, setting] of Object.entries(value)) {
    if (regions.includes(region)) {
      checkValue(region, setting);
    } else {
      problems.add(
        `${key}.${region}`,
        region,
        `is not one of the service's regions: ${regions.map(showValue).join(", ")}`,
      );
    }
  }
}

/** Every problem in `GlobalTable`; keys are relative (`hashKey`). */
export function checkGlobalTableArgs(problems: ArgumentProblems, table: unknown): void {
  if (typeof table !== "object" || table === null) {
    problems.add("", table, "must be { hashKey?, name?, protectData?, ... }");
    return;
  }
  const args = table as GlobalTable;
  if (args.name !== undefined) {
    problems.check(
      typeof args.name === "string" && TABLE_NAME_PATTERN.test(args.name),
      "name",
      args.name,
      "must be 3-255 letters, digits, _, - or .",
    );
  }
  for (const key of ["hashKey", "rangeKey"] as const) {
    const attribute = args[key];
    if (attribute !== undefined) {
      problems.check(
        typeof attribute === "string" && attribute.length >= 1 && attribute.length <= 255,
        key,
        attribute,
        "must be an attribute name of 1-255 characters",
      );
    }
  }
  problems.oneOf("hashKeyType", args.hashKeyType, ["S", "N", "B"]);
  problems.oneOf("rangeKeyType", args.rangeKeyType, ["S", "N", "B"]);
  if (args.rangeKeyType !== undefined && args.rangeKey === undefined) {
    problems.add("rangeKeyType", args.rangeKeyType, "needs rangeKey");
  }
  if (args.protectData !== undefined) {
    problems.check(
      typeof args.protectData === "boolean",
      "protectData",
      args.protectData,
      "must be true or false",
    );
  }
}

/**
 * The stream ARN of the global table in `region`: the table's own in its home region, the
 * replica's elsewhere (each replica has a stream of its own, with its own label:
 * `aws.dynamodb.Table` `replicas[].streamArn`, DynamoDB DescribeTable `LatestStreamArn` per
 * region).
 */
export function replicaStreamArn(
  table: aws.dynamodb.Table,
  region: string,
  homeRegion: string,
): pulumi.Output<string> {
  if (region === homeRegion) return table.streamArn;
  return table.replicas.apply((replicas) => {
    const replica = (replicas ?? []).find((candidate) => candidate.regionName === region);
    if (!replica?.streamArn) {
      // An empty ARN would only fail later, at CreateEventSourceMapping, far from the cause.
      const known = (replicas ?? []).map((candidate) => candidate.regionName).join(", ");
      throw new Error(
        `The global table has no replica stream in ${region} (home region ${homeRegion}; ` +
          `replicas: ${known || "none"}): a serviceTable stream source there needs the table ` +
          `replicated to ${region} with its stream on`,
      );
    }
    return replica.streamArn;
  });
}
