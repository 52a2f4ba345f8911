import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkExtensionLayers } from "./appConfigExtension";
import { inStepsNow, later, whenBuilt, Writable } from "./constructionSteps";
import {
  checkRegionName,
  checkUnlistedRegions,
  HEALTH_CHECKER_REGIONS,
  HealthCheckerRegion,
  MIN_HEALTH_CHECKER_REGIONS,
} from "./regions";
import { checkServiceTableStream, withServiceTableStream } from "./eventSources";
import {
  checkTrafficShiftedFunctionArgs,
  TrafficShiftedFunction,
  ServiceFunction,
  ServiceFunctionArgs,
  TrafficShiftedFunctionArgs,
  TrafficShiftingMode,
} from "./trafficShiftedFunction";
import { PolicyStatement } from "./iam";
import { ROUTE53_METRICS_REGION } from "./dashboardBody";
import {
  checkDashboardUrl,
  checkNotificationTopicArns,
  topicsInRegion,
} from "./serviceNotifications";
import { REGIONAL_SERVICE_ARGS } from "./argumentShapes";
import { SharedDeploymentResources, withSharedDeployment } from "./sharedDeployment";
import { RegionalNetwork } from "./regionalNetwork";
import {
  checkServiceNetwork,
  neededEndpointServices,
  requireAwsxFor,
  ServiceNetwork,
} from "./serviceNetwork";

export { ServiceFunction, ServiceFunctionArgs };
import { ArgumentProblems, isKnown, mergeMaps } from "./validation";
import { LambdaDeployment } from "./lambdaDeployment";
import { boundedName, NAME_LIMITS } from "./naming";

/** The service's global name and the hosted zone it lives in. */
/** What a Route 53 health check reports while its CloudWatch alarm has too little data. */
export const InsufficientDataHealthStatus = {
  Healthy: "Healthy",
  Unhealthy: "Unhealthy",
  LastKnownStatus: "LastKnownStatus",
} as const;

/** What a Route 53 health check reports while its CloudWatch alarm has too little data. */
export type InsufficientDataHealthStatus =
  (typeof InsufficientDataHealthStatus)[keyof typeof InsufficientDataHealthStatus];

/** Seconds between Route 53 health checks: 10 (fast) or 30 (standard); fixed once created. */
export const RequestInterval = { Fast: 10, Standard: 30 } as const;

/** Seconds between Route 53 health checks: 10 (fast) or 30 (standard); fixed once created. */
export type RequestInterval = (typeof RequestInterval)[keyof typeof RequestInterval];

/** IP versions an HTTP API endpoint answers on. */
export const IpAddressType = { Ipv4: "ipv4", Dualstack: "dualstack" } as const;

/** IP versions an HTTP API endpoint answers on. */
export type IpAddressType = (typeof IpAddressType)[keyof typeof IpAddressType];

/** The API Gateway target of a custom domain, for alias records. */
export interface CustomDomainTarget {
  /** The regional domain name API Gateway serves the custom domain on. */
  readonly targetDomainName: pulumi.Output<string>;
  /** The hosted zone of that regional domain name. */
  readonly hostedZoneId: pulumi.Output<string>;
}

export interface ServiceDomain {
  /** Route 53 hosted zone that holds `name` (and the certificate validation records). */
  readonly zoneId: pulumi.Input<string>;
  /**
   * The GLOBAL service name clients call, such as `api.example.com`, lowercase, without a
   * trailing dot. Every region serves it (its own certificate and API Gateway domain name);
   * which region answers is Route 53's choice (`MultiRegionService`).
   */
  readonly name: string;
}

/**
 * @deprecated Renamed `ServiceDomain`: schema types have no `Args` suffix, which the SDKs
 * of other languages add (`ServiceDomainArgs` there).
 */
export type ServiceDomainArgs = ServiceDomain;

/** A CloudWatch alarm that marks the region unhealthy while it is in ALARM. */
export interface HealthCheckAlarm {
  /** Name of a CloudWatch alarm in the service's region. */
  readonly alarmName: pulumi.Input<string>;
  /**
   * What Route 53 assumes while the alarm has too little data to decide.
   * @default "LastKnownStatus"
   */
  readonly insufficientDataHealthStatus?: InsufficientDataHealthStatus;
}

/**
 * The region's Route 53 health check. Route 53 calls `GET https://<the region's own
 * execute-api hostname>/health` every `requestInterval` seconds from several checker regions and
 * marks the region unhealthy after `failureThreshold` failures in a row: a region is noticed
 * about `requestInterval x failureThreshold` seconds after it stops answering.
 */
export interface RegionalHealthCheck {
  /**
   * Seconds between checks: 10 or 30 (Route 53 offers only these; it cannot be changed after
   * the health check is created, so changing it replaces the check). Use 10 in production
   * (10 s x 3 = 30 s to detect a failed region; fast checks cost more) and 30 elsewhere.
   * @default 30
   */
  readonly requestInterval?: RequestInterval;
  /**
   * Consecutive failures (or successes) before the status changes, 1 to 10.
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * Have Route 53 measure latency from the checker regions (CloudWatch graphs). Cannot be
   * changed after creation.
   * @default false
   */
  readonly measureLatency?: boolean;
  /**
   * The Route 53 checker regions to check from, at least three of
   * `HEALTH_CHECKER_REGIONS`.
   * @default all of them
   */
  readonly regions?: HealthCheckerRegion[];
  /**
   * CloudWatch alarms in this region that also make the region unhealthy, e.g. a 5xx-rate or
   * a table-throttling alarm. Each becomes a `CLOUDWATCH_METRIC` health check, and a
   * `CALCULATED` health check, healthy only when the endpoint check and every alarm check are
   * healthy, is the one the routing records use.
   * @default []
   */
  readonly alarms?: HealthCheckAlarm[];
}

/**
 * @deprecated Renamed `RegionalHealthCheck`: schema types have no `Args` suffix, which the SDKs
 * of other languages add (`RegionalHealthCheckArgs` there).
 */
export type RegionalHealthCheckArgs = RegionalHealthCheck;

/** A DynamoDB table the functions use; its name and the ARN of the table in any of its regions. */
export interface ServiceTable {
  /** The table name (the same in every region of a global table); set as `TABLE_NAME`. */
  readonly name: pulumi.Input<string>;
  /**
   * The table's ARN in any region; the region part is replaced by the service's region, so
   * the functions are allowed to use their own region's replica only. An `aws.dynamodb.Table`
   * fits `{ name, arn }` as it is.
   */
  readonly arn: pulumi.Input<string>;
  /**
   * The stream ARN of the table in this service's region, for functions whose
   * `eventSources.dynamodbStreams` read the `serviceTable` (an `aws.dynamodb.Table` with its
   * stream on gives it; a MultiRegionService gives each region its replica's).
   * @default none
   */
  readonly streamArn?: pulumi.Input<string>;
}

/**
 * @deprecated Renamed `ServiceTable`: schema types have no `Args` suffix, which the SDKs
 * of other languages add (`ServiceTableArgs` there).
 */
export type ServiceTableArgs = ServiceTable;

/** The parts of a service that are the same in every region. */
export interface ServiceShapeArgs {
  /**
   * The service's functions by short name (letters, digits and `-`, starting with a letter, at
   * most 32), e.g. `{ orders: { code, trafficShifting: { type: "Canary10Percent10Minutes" } } }`.
   * Each becomes a `TrafficShiftedFunction` in the region.
   */
  readonly functions: Record<string, ServiceFunction>;
  /**
   * HTTP API routes to function names: `{ "POST /orders": "orders", "GET /orders/{id}": "orders" }`.
   * Methods: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY; paths start with `/`, with
   * `{param}` segments and a greedy `{param+}` only at the end. `GET /health` is added by the
   * service.
   * @default {}
   */
  readonly routes?: Record<string, string>;
  /**
   * The function that answers `GET /health`. It must return 200 only when this region can
   * serve: the example orders service answers 200 when the function runs and its region's
   * table answers `DescribeTable`, 503 otherwise. Any error, timeout or throttle of the function
   * fails the check too (API Gateway answers 5xx), so even a function without a health handler
   * fails the check when it cannot serve.
   * @default the first function
   */
  readonly healthFunction?: string;
  /**
   * The global name and its hosted zone. In each region: an ACM certificate for the name,
   * validated by DNS, an API Gateway custom domain name (REGIONAL, TLS 1.2) and the API mapping.
   * @default no custom domain: clients use the execute-api endpoint
   */
  readonly domain?: ServiceDomain;
  /**
   * IP address types of the API and its custom domain: `ipv4`, or `dualstack` for IPv4 and
   * IPv6 (then `MultiRegionService` also creates AAAA records).
   * @default "ipv4"
   */
  readonly ipAddressType?: IpAddressType;
  /**
   * The Route 53 health check of each region.
   * @default { requestInterval: 30, failureThreshold: 3 }
   */
  readonly healthCheck?: RegionalHealthCheck;
  /**
   * Region names to accept although they are not in `AWS_COMMERCIAL_REGIONS`: a region AWS
   * launched after this package's list, or one of another partition.
   * @default []
   */
  readonly unlistedRegions?: string[];
  /**
   * Tags on every taggable resource.
   * @default {}
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * SNS topics (ARNs, e.g. `ServiceNotifications.allTopicArns`) told when a rollout is stopped
   * or rolled back (each function's alarms and CodeDeploy triggers, topics of the service's
   * region) and when the region's health check fails or recovers (an alarm on Route 53's
   * `HealthCheckStatus` in us-east-1, notifying the us-east-1 topics).
   * @default none
   */
  readonly notificationTopicArns?: pulumi.Input<string>[];
  /**
   * The service's CloudWatch dashboard (`dashboardUrl(region, name)` of the `ServiceDashboard`
   * made after the service): every function's deployment messages link it.
   * @default none
   */
  readonly dashboardUrl?: pulumi.Input<string>;
  /**
   * Private networking: every function runs in a VPC of its region, created (`{ vpc: "create" }`,
   * needs the optional package `@pulumi/awsx`) or existing (`{ vpc: "existing", existingVpcs:
   * { <region>: { vpcId, subnetIds, securityGroupIds } } }`). The deployment hooks stay outside
   * the VPC. See `ServiceNetwork` and docs/networking.md.
   * @default none: the functions run outside any VPC
   */
  readonly network?: ServiceNetwork;
}

/** Arguments of `RegionalService`. */
export interface RegionalServiceArgs extends ServiceShapeArgs {
  /**
   * The region every regional resource is placed in (`@pulumi/aws` v7 `region` input).
   * Route 53 and IAM are global and carry none.
   */
  readonly region: string;
  /**
   * A table the functions use: each gets `TABLE_NAME` and read/write access to the table in
   * this region only, through its execution role's `policyStatements`. A function given its own
   * `role` gets `TABLE_NAME` but no statements: grant its role access yourself.
   * @default none
   */
  readonly table?: ServiceTable;
  /**
   * Deployments that must succeed before this region's functions shift traffic: the previous
   * region's `deployments`, for a region-by-region rollout (waves). Applies to functions in
   * `codedeploy` mode.
   * @default none
   */
  readonly deployAfter?: pulumi.Input<pulumi.Input<string>[]>;
}

/** The API methods an HTTP API route may use (source: API Gateway "Working with routes for HTTP APIs"). */
export const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"];

/** The route every service answers health checks on. */
export const HEALTH_ROUTE = "GET /health";

/** The least-privilege table access of a service function; DescribeTable is for `/health`. */
export const TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:Query",
  "dynamodb:BatchGetItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DescribeTable",
];

const FUNCTION_KEY_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{0,31}$/;
const PATH_SEGMENT = /^([A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\})$/;
const GREEDY_SEGMENT = /^\{[A-Za-z_][A-Za-z0-9_]*\+\}$/;
const DNS_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The functions of each RegionalService (kept off the class so the schema does not list them). */
const functionsOf = new WeakMap<RegionalService, Record<string, TrafficShiftedFunction>>();
/** The private network of each RegionalService with `network` (off the class, as above). */
const networkOf = new WeakMap<RegionalService, RegionalNetwork>();

/**
 * One region of a serverless service: its `TrafficShiftedFunction`s, an HTTP API whose
 * Lambda integrations target each function's `live` alias (so traffic shifting applies to API
 * traffic), a `GET /health` route answered from the region itself, an optional custom domain
 * (ACM certificate in this region + API Gateway domain name + mapping), and the region's
 * Route 53 health check on its OWN execute-api hostname. The DNS records that send users to a
 * region are `MultiRegionService`'s job.
 */
export class RegionalService extends pulumi.ComponentResource {
  /** The region every regional child lives in. */
  readonly region: string;
  /**
   * The functions by short name. TypeScript only: a getter, because a package schema cannot
   * describe a component of this package (other languages get `functionNames`, `aliasArns`
   * and `deploymentGroupNames`).
   */
  get functions(): Record<string, TrafficShiftedFunction> {
    return functionsOf.get(this) ?? {};
  }
  /**
   * TypeScript only: the CodeDeploy deployments of the functions in `codedeploy` mode.
   */
  get deployments(): LambdaDeployment[] {
    return Object.values(this.functions)
      .map((fn) => fn.deployment)
      .filter((deployment): deployment is LambdaDeployment => deployment !== undefined);
  }
  /**
   * Ids of the CodeDeploy deployments of the functions in `codedeploy` mode: give them to the
   * next region's `deployAfter` to roll out in waves.
   */
  readonly deploymentIds!: pulumi.Output<string>[];
  /** Function names, by short name. */
  readonly functionNames!: pulumi.Output<Record<string, string>>;
  /** The `live` alias ARN of each function, by short name. */
  readonly aliasArns!: pulumi.Output<Record<string, string>>;
  /** The CodeDeploy deployment group of each function in `codedeploy` mode, by short name. */
  readonly deploymentGroupNames!: pulumi.Output<Record<string, string>>;
  /** The HTTP API. */
  readonly api!: aws.apigatewayv2.Api;
  /** The `$default` stage (auto-deploy). */
  readonly stage!: aws.apigatewayv2.Stage;
  /** API id. */
  readonly apiId!: pulumi.Output<string>;
  /** The region's own endpoint, `https://<api id>.execute-api.<region>.amazonaws.com`. */
  readonly apiEndpoint!: pulumi.Output<string>;
  /** The hostname of `apiEndpoint`: what the health check calls. */
  readonly endpointHostname!: pulumi.Output<string>;
  /** The HTTPS check of `/health` on `endpointHostname`. */
  readonly endpointHealthCheck!: aws.route53.HealthCheck;
  /** One `CLOUDWATCH_METRIC` check per `healthCheck.alarms` entry. */
  readonly alarmHealthChecks!: aws.route53.HealthCheck[];
  /** The alarm on the health check that notifies (us-east-1), with `notificationTopicArns`. */
  readonly healthAlarm?: aws.cloudwatch.MetricAlarm;
  /** The `CALCULATED` check combining the others, when there are alarms. */
  readonly calculatedHealthCheck?: aws.route53.HealthCheck;
  /** Id of the health check that decides this region's health (calculated, else endpoint). */
  readonly healthCheckId!: pulumi.Output<string>;
  /** Seconds until a failed endpoint is noticed: `requestInterval x failureThreshold`. */
  readonly failoverDetectionSeconds: number;
  /** The ACM certificate for the global name in this region, when a domain is set. */
  readonly certificate?: aws.acm.Certificate;
  /** The API Gateway custom domain name, when a domain is set. */
  readonly domainName?: aws.apigatewayv2.DomainName;
  /** What alias records for the global name point at in this region, when a domain is set. */
  readonly customDomain?: CustomDomainTarget;
  /** `ipv4` or `dualstack`. */
  readonly ipAddressType: IpAddressType;
  /** TypeScript only: the region's private network, with `network` (a getter, as `functions`). */
  get network(): RegionalNetwork | undefined {
    return networkOf.get(this);
  }

  /**
   * @param name The _unique_ name of the component; child names derive from it.
   * @param args The region, functions, routes, domain, health check and table.
   * @param opts Options for the component (providers are inherited by every child).
   */
  constructor(name: string, args: RegionalServiceArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Validate before registering anything: bad input must not leave half a service behind.
    checkRegionalServiceArgs(`RegionalService "${name}"`, args).throwIfAny();
    requireAwsxFor(args.network);
    super("multiregion-serverless:index:RegionalService", name, {}, opts);

    const region = args.region;
    const tags = args.tags;
    this.region = region;
    this.ipAddressType = args.ipAddressType ?? "ipv4";
    const functionKeys = Object.keys(args.functions);
    const healthFunction = args.healthFunction ?? functionKeys[0];
    const routes: Record<string, string> = {
      ...(args.routes ?? {}),
      [HEALTH_ROUTE]: healthFunction,
    };

    const healthCheck = args.healthCheck ?? {};
    const requestInterval = healthCheck.requestInterval ?? 30;
    const failureThreshold = healthCheck.failureThreshold ?? 3;
    this.failoverDetectionSeconds = requestInterval * failureThreshold;

    const tableArn = args.table ? tableArnInRegion(args.table.arn, region) : undefined;
    // One CodeDeploy application and service role for every function of the region, as SAM
    // shares them per stack. The own application (role) of the first codedeploy-mode function
    // that did not name its own `applicationName` (`serviceRoleArn`), from before they were
    // shared, becomes the shared one, so an upgrade keeps it.
    const codeDeployKeys = functionKeys.filter(
      (key) => args.functions[key].trafficShifting?.mode !== TrafficShiftingMode.Weighted,
    );
    const applicationKey = codeDeployKeys.find(
      (key) => args.functions[key].trafficShifting?.applicationName === undefined,
    );
    const roleKey = codeDeployKeys.find(
      (key) => args.functions[key].trafficShifting?.serviceRoleArn === undefined,
    );
    const sharedDeployment = new SharedDeploymentResources(name, this, region, tags, {
      application: applicationKey === undefined ? undefined : `${name}-${applicationKey}`,
      role: roleKey === undefined ? undefined : `${name}-${roleKey}`,
    });
    const network = args.network
      ? new RegionalNetwork(
          `${name}-network`,
          {
            region,
            network: args.network,
            neededEndpoints: neededEndpointServices(args.functions),
            tags,
          },
          { parent: this },
        )
      : undefined;
    if (network) {
      networkOf.set(this, network);
    }
    const functions: Record<string, TrafficShiftedFunction> = {};
    functionsOf.set(this, functions);
    // Under `MultiRegionService.create`, each function is a step of its own, and the rest of
    // the region (which needs every function) one more (components/constructionSteps.ts).
    const buildFunction = (key: string): void => {
      const fn = args.functions[key];
      const tableStatements: PolicyStatement[] =
        tableArn && fn.role === undefined ? [tableStatement(tableArn)] : [];
      functions[key] = new TrafficShiftedFunction(
        `${name}-${key}`,
        withSharedDeployment(
          {
            ...fn,
            // Event sources (issue 17): `serviceTable` streams read this region's table stream.
            ...(fn.eventSources && {
              eventSources: withServiceTableStream(fn.eventSources, args.table?.streamArn),
            }),
            environment: args.table
              ? mergeMaps([fn.environment, { TABLE_NAME: args.table.name }], ([own]) =>
                  refuseTableName(`RegionalService "${name}"`, key, own),
                )
              : fn.environment,
            policyStatements:
              fn.role === undefined && (fn.policyStatements || tableStatements.length > 0)
                ? [...(fn.policyStatements ?? []), ...tableStatements]
                : fn.policyStatements,
            trafficShifting:
              args.deployAfter && fn.trafficShifting?.mode !== TrafficShiftingMode.Weighted
                ? { ...(fn.trafficShifting ?? {}), deployAfter: args.deployAfter }
                : fn.trafficShifting,
            region,
            tags,
            notificationTopicArns: args.notificationTopicArns,
            dashboardUrl: args.dashboardUrl,
            vpcConfig: network?.functionVpcConfig,
          },
          sharedDeployment,
        ),
        { parent: this },
      );
    };
    // What needs every function: the API and its routes, the health checks, the outputs.
    // Assigned through a writable view, since under `create` this runs after the constructor
    // has returned.
    const finish = (): void => {
      const built = this as Writable<RegionalService>;
      sharedDeployment.finish();

      built.deploymentIds = Object.values(functions)
        .map((fn) => fn.deploymentId)
        .filter((id): id is pulumi.Output<string> => id !== undefined);
      const byFunction = (
        value: (fn: TrafficShiftedFunction) => pulumi.Output<string> | undefined,
      ): pulumi.Output<Record<string, string>> =>
        pulumi.output(
          Object.fromEntries(
            Object.entries(functions)
              .map(([key, fn]) => [key, value(fn)] as const)
              .filter(([, output]) => output !== undefined),
          ) as Record<string, pulumi.Output<string>>,
        );
      built.functionNames = byFunction((fn) => fn.functionName);
      built.aliasArns = byFunction((fn) => fn.aliasArn);
      built.deploymentGroupNames = byFunction((fn) => fn.deploymentGroupName);

      built.api = new aws.apigatewayv2.Api(
        `${name}-api`,
        {
          region,
          name: boundedName(`${name}-api`, NAME_LIMITS.httpApi),
          protocolType: "HTTP",
          description: `${name}: HTTP API of the service in ${region}`,
          ipAddressType: this.ipAddressType,
          tags,
        },
        { parent: this },
      );
      built.apiId = this.api.id;
      built.apiEndpoint = this.api.apiEndpoint;
      built.endpointHostname = this.api.apiEndpoint.apply((endpoint) => new URL(endpoint).hostname);

      // One integration and one invoke permission per routed function, both on the alias: API
      // traffic then follows the alias through canaries and rollbacks.
      const integrations: Record<string, aws.apigatewayv2.Integration> = {};
      for (const key of functionKeys.filter((k) => Object.values(routes).includes(k))) {
        const fn = this.functions[key];
        integrations[key] = new aws.apigatewayv2.Integration(
          `${name}-${key}-integration`,
          {
            region,
            apiId: this.api.id,
            integrationType: "AWS_PROXY",
            integrationMethod: "POST",
            integrationUri: fn.aliasArn,
            payloadFormatVersion: "2.0",
          },
          { parent: this },
        );
        new aws.lambda.Permission(
          `${name}-${key}-invoke-permission`,
          {
            region,
            action: "lambda:InvokeFunction",
            function: fn.functionName,
            qualifier: fn.aliasName,
            principal: "apigateway.amazonaws.com",
            // Any stage, method and path of this API only.
            sourceArn: pulumi.interpolate`${this.api.executionArn}/*/*`,
          },
          { parent: this },
        );
      }
      for (const [routeKey, key] of Object.entries(routes)) {
        new aws.apigatewayv2.Route(
          `${name}-route-${routeKey}`,
          {
            region,
            apiId: this.api.id,
            routeKey,
            target: pulumi.interpolate`integrations/${integrations[key].id}`,
          },
          { parent: this },
        );
      }
      built.stage = new aws.apigatewayv2.Stage(
        `${name}-stage`,
        { region, apiId: this.api.id, name: "$default", autoDeploy: true, tags },
        { parent: this },
      );

      if (args.domain) {
        const custom = this.createCustomDomain(name, args.domain, region, tags);
        built.certificate = custom.certificate;
        built.domainName = custom.domainName;
        const configuration = custom.domainName.domainNameConfiguration;
        built.customDomain = {
          targetDomainName: configuration.apply((c) => c.targetDomainName!),
          hostedZoneId: configuration.apply((c) => c.hostedZoneId!),
        };
      }

      // HTTPS on the region's OWN endpoint: the global name resolves to whichever region Route 53
      // picked, so checking it would hide the failure of every other region.
      built.endpointHealthCheck = new aws.route53.HealthCheck(
        `${name}-health-check`,
        {
          type: "HTTPS",
          fqdn: this.endpointHostname,
          port: 443,
          resourcePath: "/health",
          enableSni: true,
          requestInterval,
          failureThreshold,
          measureLatency: healthCheck.measureLatency,
          regions: healthCheck.regions,
          tags: mergeMaps([{ Name: `${name}-health-check` }, tags]),
        },
        { parent: this },
      );
      built.alarmHealthChecks = (healthCheck.alarms ?? []).map(
        (alarm, i) =>
          new aws.route53.HealthCheck(
            `${name}-alarm-health-check-${i}`,
            {
              type: "CLOUDWATCH_METRIC",
              cloudwatchAlarmName: alarm.alarmName,
              cloudwatchAlarmRegion: region,
              insufficientDataHealthStatus: alarm.insufficientDataHealthStatus ?? "LastKnownStatus",
              tags: mergeMaps([{ Name: `${name}-alarm-health-check-${i}` }, tags]),
            },
            { parent: this },
          ),
      );
      if (this.alarmHealthChecks.length > 0) {
        const children = [this.endpointHealthCheck, ...this.alarmHealthChecks];
        built.calculatedHealthCheck = new aws.route53.HealthCheck(
          `${name}-calculated-health-check`,
          {
            type: "CALCULATED",
            childHealthchecks: children.map((check) => check.id),
            // Healthy only when the endpoint answers and no alarm fires.
            childHealthThreshold: children.length,
            tags: mergeMaps([{ Name: `${name}-calculated-health-check` }, tags]),
          },
          { parent: this },
        );
      }
      built.healthCheckId = (this.calculatedHealthCheck ?? this.endpointHealthCheck).id;
      if (args.notificationTopicArns?.length) {
        built.healthAlarm = this.createHealthAlarm(name, args.notificationTopicArns, tags);
      }

      this.registerOutputs({
        region,
        apiId: this.apiId,
        apiEndpoint: this.apiEndpoint,
        endpointHostname: this.endpointHostname,
        healthCheckId: this.healthCheckId,
        failoverDetectionSeconds: this.failoverDetectionSeconds,
        functionNames: this.functionNames,
        aliasArns: this.aliasArns,
        deploymentGroupNames: this.deploymentGroupNames,
        deploymentIds: this.deploymentIds,
        targetDomainName: this.customDomain?.targetDomainName,
        hostedZoneId: this.customDomain?.hostedZoneId,
      });
    };
    if (inStepsNow()) {
      later(...functionKeys.map((key) => () => buildFunction(key)), finish);
    } else {
      functionKeys.forEach(buildFunction);
      finish();
    }
  }

  /**
   * Under `MultiRegionService.create`, waits for the construction's steps: the SDK registers a
   * component's outputs as `{}` once this settles unless `registerOutputs` was called first
   * (runtime `ComponentResource.initializeAndRegisterOutputs`), and this service registers
   * them in its last step. Otherwise returns at once.
   */
  protected override async initialize(): Promise<undefined> {
    if (inStepsNow()) await whenBuilt();
    return undefined;
  }

  /**
   * An alarm on the region's health check: Route 53 publishes `HealthCheckStatus` (1 healthy,
   * 0 unhealthy) with the dimension `HealthCheckId` to CloudWatch in us-east-1 only (Route 53
   * Developer Guide, "Monitoring health checks using CloudWatch"), so the alarm and the topics
   * it notifies are there. ALARM means Route 53 now routes around this region (failover).
   */
  private createHealthAlarm(
    name: string,
    topicArns: pulumi.Input<string>[],
    tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
  ): aws.cloudwatch.MetricAlarm {
    const topics = topicsInRegion(topicArns, ROUTE53_METRICS_REGION);
    return new aws.cloudwatch.MetricAlarm(
      `${name}-unhealthy`,
      {
        region: ROUTE53_METRICS_REGION,
        name: boundedName(`${name}-unhealthy`, NAME_LIMITS.metricAlarm),
        alarmDescription: pulumi.interpolate`Route 53 health check ${this.healthCheckId} of ${this.region} is unhealthy: traffic fails over to the other regions.`,
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: { HealthCheckId: this.healthCheckId },
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        alarmActions: topics,
        okActions: topics,
        tags,
      },
      { parent: this },
    );
  }

  /**
   * The certificate for the global name in this region, validated by DNS, and the API Gateway
   * domain name serving it.
   *
   * ACM's validation CNAME for a name is the same in every region of an account, so every
   * region writes the same record: `allowOverwrite` turns the second write into an upsert of
   * identical values, and `retainOnDelete` keeps the record when one region (or another stack
   * serving the same name) is removed, because the other regions' certificates still need it to
   * renew. The cost: the record stays in the zone after the last region is destroyed.
   */
  private createCustomDomain(
    name: string,
    domain: ServiceDomain,
    region: string,
    tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
  ): { certificate: aws.acm.Certificate; domainName: aws.apigatewayv2.DomainName } {
    const certificate = new aws.acm.Certificate(
      `${name}-certificate`,
      { region, domainName: domain.name, validationMethod: "DNS", tags },
      { parent: this },
    );
    // One name, so one validation option.
    const validationOption = certificate.domainValidationOptions.apply((options) => options[0]);
    const validationRecord = new aws.route53.Record(
      `${name}-certificate-validation-record`,
      {
        zoneId: domain.zoneId,
        name: validationOption.apply((option) => option.resourceRecordName!),
        type: validationOption.apply((option) => option.resourceRecordType!),
        records: [validationOption.apply((option) => option.resourceRecordValue!)],
        ttl: 300,
        allowOverwrite: true,
      },
      { parent: this, retainOnDelete: true },
    );
    const validation = new aws.acm.CertificateValidation(
      `${name}-certificate-validation`,
      {
        region,
        certificateArn: certificate.arn,
        validationRecordFqdns: [validationRecord.fqdn],
      },
      { parent: this },
    );
    const domainName = new aws.apigatewayv2.DomainName(
      `${name}-domain`,
      {
        region,
        domainName: domain.name,
        domainNameConfiguration: {
          // The validated ARN: API Gateway rejects a certificate that is not issued yet.
          certificateArn: validation.certificateArn,
          endpointType: "REGIONAL",
          securityPolicy: "TLS_1_2",
          ipAddressType: this.ipAddressType,
        },
        tags,
      },
      { parent: this },
    );
    new aws.apigatewayv2.ApiMapping(
      `${name}-api-mapping`,
      { region, apiId: this.api.id, domainName: domainName.domainName, stage: this.stage.name },
      { parent: this },
    );
    return { certificate, domainName };
  }
}

/** The table's ARN with its region part set to `region` (a global table's replica there). */
export function tableArnInRegion(arn: pulumi.Input<string>, region: string): pulumi.Output<string> {
  return pulumi.output(arn).apply((tableArn) => {
    const parts = tableArn.split(":");
    parts[3] = region;
    return parts.join(":");
  });
}

function tableStatement(tableArn: pulumi.Output<string>): PolicyStatement {
  return {
    sid: "ReadWriteRegionalTable",
    effect: "Allow",
    actions: TABLE_ACTIONS,
    resources: [tableArn, pulumi.interpolate`${tableArn}/index/*`],
  };
}

/** The problem with a route key, or undefined when it is a valid HTTP API route key. */
export function routeKeyProblem(routeKey: string): string | undefined {
  const allowed = `must be "<METHOD> /<path>": METHOD one of ${ROUTE_METHODS.join(", ")}; path segments of letters, digits, ._~- or {param}, a greedy {param+} only last (e.g. "GET /orders/{id}")`;
  const match = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
  if (!match || !ROUTE_METHODS.includes(match[1])) {
    return allowed;
  }
  const path = match[2];
  if (path === "/") {
    return undefined;
  }
  const segments = path.slice(1).split("/");
  const ok = segments.every(
    (segment, i) =>
      PATH_SEGMENT.test(segment) || (i === segments.length - 1 && GREEDY_SEGMENT.test(segment)),
  );
  return ok ? undefined : allowed;
}

/**
 * Every problem in the parts of a service that are the same in every region (functions, routes,
 * health function and check, domain), recorded into `problems`. `hasTable` says whether the
 * service gives its functions `TABLE_NAME`.
 */
/** A function's environment sent as one Output, once known: `TABLE_NAME` is the service's. */
function refuseTableName(subject: string, key: string, environment: Record<string, unknown>): void {
  if ("TABLE_NAME" in environment) {
    const problems = new ArgumentProblems(subject).within(`functions.${key}.`);
    problems.add(
      "environment.TABLE_NAME",
      environment.TABLE_NAME,
      "is set from the service's table; remove it here",
    );
    problems.throwIfAny();
  }
}

export function checkServiceShape(
  problems: ArgumentProblems,
  args: ServiceShapeArgs,
  hasTable: boolean,
): void {
  checkNotificationTopicArns(problems, args.notificationTopicArns);
  checkDashboardUrl(problems, args.dashboardUrl);
  const functions = args.functions;
  let keys: string[] = [];
  if (typeof functions !== "object" || functions === null || Object.keys(functions).length === 0) {
    problems.add("functions", functions, "must name at least one function: { orders: { code } }");
  } else {
    keys = Object.keys(functions);
    for (const key of keys) {
      problems.check(
        FUNCTION_KEY_PATTERN.test(key),
        `functions.${key}`,
        key,
        "function names are 1-32 letters, digits or -, starting with a letter",
      );
      const fn = functions[key] as TrafficShiftedFunctionArgs;
      const scoped = problems.within(`functions.${key}.`);
      checkTrafficShiftedFunctionArgs("", fn, scoped, hasTable);
      if (typeof fn === "object" && fn !== null) {
        for (const placed of [
          "region",
          "tags",
          "notificationTopicArns",
          "dashboardUrl",
          "vpcConfig",
        ] as const) {
          if (fn[placed] !== undefined) {
            scoped.add(placed, fn[placed], `is set by the service; remove it here`);
          }
        }
        if (
          hasTable &&
          fn.environment &&
          isKnown(fn.environment) &&
          "TABLE_NAME" in fn.environment
        ) {
          scoped.add(
            "environment.TABLE_NAME",
            fn.environment.TABLE_NAME,
            "is set from the service's table; remove it here",
          );
        }
      }
    }
  }

  const routes = args.routes ?? {};
  if (typeof routes !== "object" || routes === null) {
    problems.add(
      "routes",
      routes,
      'must map route keys to function names: { "GET /orders": "orders" }',
    );
  } else {
    for (const [routeKey, target] of Object.entries(routes)) {
      const key = `routes[${JSON.stringify(routeKey)}]`;
      const problem = routeKeyProblem(routeKey);
      if (problem) {
        problems.add(key, routeKey, problem);
      } else if (routeKey === HEALTH_ROUTE) {
        problems.add(
          key,
          target,
          "GET /health is added by the service (see healthFunction); remove it here",
        );
      }
      if (keys.length > 0 && !keys.includes(target)) {
        problems.add(
          key,
          target,
          `must name one of the functions: ${keys.map((k) => JSON.stringify(k)).join(", ")}`,
        );
      }
    }
  }
  if (args.healthFunction !== undefined && keys.length > 0) {
    problems.check(
      keys.includes(args.healthFunction),
      "healthFunction",
      args.healthFunction,
      `must name one of the functions: ${keys.map((k) => JSON.stringify(k)).join(", ")}`,
    );
  }
  if (args.domain !== undefined) {
    checkDomain(problems, args.domain);
  }
  problems.oneOf("ipAddressType", args.ipAddressType, ["ipv4", "dualstack"]);
  checkHealthCheckArgs(problems.within("healthCheck."), args.healthCheck);
}

function checkDomain(problems: ArgumentProblems, domain: ServiceDomain): void {
  if (typeof domain !== "object" || domain === null) {
    problems.add("domain", domain, "must be { zoneId, name }");
    return;
  }
  problems.check(
    typeof domain.name === "string" && DNS_NAME.test(domain.name),
    "domain.name",
    domain.name,
    "must be a lowercase DNS name such as api.example.com (no trailing dot, no wildcard)",
  );
  problems.check(
    domain.zoneId !== undefined && domain.zoneId !== null && domain.zoneId !== "",
    "domain.zoneId",
    domain.zoneId,
    "is required: the Route 53 hosted zone that holds domain.name",
  );
}

/** True when `name` is a DNS name this package accepts (lowercase, no trailing dot). */
export function isDnsName(name: unknown): boolean {
  return typeof name === "string" && DNS_NAME.test(name);
}

/** Every problem in `RegionalHealthCheck`; keys are relative (`requestInterval`). */
export function checkHealthCheckArgs(problems: ArgumentProblems, healthCheck: unknown): void {
  if (healthCheck === undefined) {
    return;
  }
  if (typeof healthCheck !== "object" || healthCheck === null) {
    problems.add("", healthCheck, "must be { requestInterval?, failureThreshold?, ... }");
    return;
  }
  const check = healthCheck as RegionalHealthCheck;
  if (check.requestInterval !== undefined) {
    problems.check(
      check.requestInterval === 10 || check.requestInterval === 30,
      "requestInterval",
      check.requestInterval,
      "must be 10 or 30 seconds (the only intervals Route 53 offers)",
    );
  }
  problems.integerInRange("failureThreshold", check.failureThreshold, 1, 10);
  if (check.measureLatency !== undefined) {
    problems.check(
      typeof check.measureLatency === "boolean",
      "measureLatency",
      check.measureLatency,
      "must be true or false",
    );
  }
  if (check.regions !== undefined) {
    if (!Array.isArray(check.regions)) {
      problems.add("regions", check.regions, `must be a list of Route 53 checker regions`);
    } else {
      check.regions.forEach((region, i) => {
        problems.oneOf(`regions[${i}]`, region, HEALTH_CHECKER_REGIONS);
        if (check.regions!.indexOf(region) !== i) {
          problems.add(`regions[${i}]`, region, "is listed twice");
        }
      });
      problems.check(
        new Set(check.regions).size >= MIN_HEALTH_CHECKER_REGIONS,
        "regions",
        check.regions,
        `must name at least ${MIN_HEALTH_CHECKER_REGIONS} checker regions (Route 53's minimum), or be left out for all`,
      );
    }
  }
  if (check.alarms !== undefined) {
    if (!Array.isArray(check.alarms)) {
      problems.add("alarms", check.alarms, "must be a list of { alarmName }");
    } else {
      check.alarms.forEach((alarm, i) => {
        const name = alarm?.alarmName;
        problems.check(
          name !== undefined &&
            name !== null &&
            (!isKnown(name) || (typeof name === "string" && name !== "")),
          `alarms[${i}].alarmName`,
          name,
          "is required: the name of a CloudWatch alarm in the service's region",
        );
        problems.oneOf(
          `alarms[${i}].insufficientDataHealthStatus`,
          alarm?.insufficientDataHealthStatus,
          ["Healthy", "Unhealthy", "LastKnownStatus"],
        );
      });
    }
  }
}

/** Every problem in `RegionalServiceArgs`, found before anything is registered. */
export function checkRegionalServiceArgs(
  subject: string,
  args: RegionalServiceArgs,
  problems = new ArgumentProblems(subject),
): ArgumentProblems {
  if (args === undefined || args === null || typeof args !== "object") {
    problems.add("args", args, "must be an object with at least `region` and `functions`");
    return problems;
  }
  // An Output where a known value is needed is reported once, by its key, and left out of
  // the checks below, which check the rest (every problem at once).
  args = problems.requireKnown(args, REGIONAL_SERVICE_ARGS);
  problems.knownKeys(args, REGIONAL_SERVICE_ARGS);
  const unlisted = checkUnlistedRegions(problems, args.unlistedRegions);
  checkRegionName(problems, "region", args.region, unlisted);
  checkServiceShape(problems, args, args.table !== undefined);
  checkExtensionLayers(
    problems,
    args.functions,
    typeof args.region === "string" ? [args.region] : [],
  );
  checkServiceNetwork(problems, args.network, typeof args.region === "string" ? [args.region] : []);
  if (args.table !== undefined) {
    const table = args.table as Partial<ServiceTable> | null;
    if (typeof table !== "object" || table === null) {
      problems.add("table", table, "must be { name, arn } (an aws.dynamodb.Table fits)");
    } else {
      problems.check(
        table.name !== undefined && table.name !== "",
        "table.name",
        table.name,
        "is required",
      );
      problems.check(
        table.arn !== undefined &&
          (!isKnown(table.arn) ||
            (typeof table.arn === "string" && /^arn:[^:]+:dynamodb:/.test(table.arn))),
        "table.arn",
        table.arn,
        "must be the table's ARN (arn:<partition>:dynamodb:<region>:<account>:table/<name>)",
      );
      checkServiceTableStream(problems, args.functions, table.streamArn);
    }
  }
  return problems;
}
