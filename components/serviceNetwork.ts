/**
 * Private networking of a service (issue 17, item 5): the `network` argument of
 * `RegionalService` and `MultiRegionService`, its checks, the execution role's network-interface
 * permissions, and the lazy loader of the optional `@pulumi/awsx` package.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentProblems, isKnown, showValue } from "./validation";

/** Where a service's VPC comes from: `create` (one `awsx.ec2.Vpc` per region) or `existing`. */
export const VpcSource = { Create: "create", Existing: "existing" } as const;

/** `create` or `existing`. */
export type VpcSource = (typeof VpcSource)[keyof typeof VpcSource];

/**
 * NAT gateways of a created VPC (awsx `NatGatewayStrategy`: None, Single, OnePerAz): `none`
 * (private subnets reach AWS only through VPC endpoints), `single` (one NAT gateway for the
 * VPC: cheaper, one AZ's failure cuts every function's outbound traffic) or `one-per-az`
 * (AWS's recommendation for production).
 */
export const NatGateways = { None: "none", Single: "single", OnePerAz: "one-per-az" } as const;

/** `none`, `single` or `one-per-az`. */
export type NatGateways = (typeof NatGateways)[keyof typeof NatGateways];

/** An existing VPC of one region, for `network.vpc: "existing"`. */
export interface ExistingVpc {
  /** The VPC id, `vpc-...`. */
  readonly vpcId: pulumi.Input<string>;
  /**
   * Private subnets the functions run in (`subnet-...`), 1 to 16 (Lambda `VpcConfig`), in at
   * least two Availability Zones for high availability (Lambda Developer Guide, "Giving Lambda
   * functions access to resources in an Amazon VPC"). They must reach every AWS service the
   * functions call: through NAT or VPC endpoints you provide.
   */
  readonly subnetIds: pulumi.Input<string>[];
  /** Security groups of the functions' network interfaces (`sg-...`), 1 to 5 (Lambda `VpcConfig`). */
  readonly securityGroupIds: pulumi.Input<string>[];
}

/**
 * Private networking of a service: its functions run in a VPC of each serving region, with
 * `vpcConfig` set and the execution role allowed to manage their network interfaces. The
 * ready-made (and your own) deployment hooks stay OUTSIDE the VPC: they call the CodeDeploy and
 * Lambda APIs over Lambda's own network, which needs neither NAT nor endpoints.
 * `vpc: "create"`: an `awsx.ec2.Vpc` per region (requires the optional package `@pulumi/awsx`
 * ^3.9, with `@pulumi/aws` ^7.43), public and private subnets in `availabilityZones` zones,
 * `natGateways` NAT gateways, a DynamoDB gateway endpoint (`com.amazonaws.<region>.dynamodb`)
 * on the VPC's route tables, and an egress-only security group for the functions. With
 * `natGateways: "none"` the functions reach nothing outside the VPC but endpoints, so interface
 * endpoints (private DNS) are created for what the functions need: `xray` when a function's
 * tracing is Active, `appconfigdata` when a function uses the AppConfig extension, and each of
 * `interfaceEndpoints`. `vpc: "existing"`: `existingVpcs` names the VPC, subnets and security
 * groups of every serving region; reaching AWS from them is the VPC owner's job.
 */
export interface ServiceNetwork {
  /** `create`: a VPC per serving region; `existing`: `existingVpcs`. */
  readonly vpc: VpcSource;
  /**
   * `create`: NAT gateways of each VPC: `none`, `single` or `one-per-az`.
   * @default "one-per-az"
   */
  readonly natGateways?: NatGateways;
  /**
   * `create`: Availability Zones of each VPC (a public and a private subnet in each), 2 to 6.
   * @default 2
   */
  readonly availabilityZones?: number;
  /**
   * `create`: the IPv4 range of each VPC, /16 to /24. Every region gets the same range: peer
   * the VPCs only after choosing disjoint ranges.
   * @default "10.0.0.0/16"
   */
  readonly cidrBlock?: string;
  /**
   * `create`: more interface endpoints in each VPC, by service (the `<service>` of
   * `com.amazonaws.<region>.<service>`, e.g. `sqs`, `secretsmanager`, `appconfigdata`), for the
   * AWS APIs the functions call when there is no NAT (each costs per hour and AZ).
   * @default [] (plus `xray` and `appconfigdata` as needed with `natGateways: "none"`)
   */
  readonly interfaceEndpoints?: string[];
  /**
   * `existing` (required there): the VPC of each serving region, by region name.
   * @default none
   */
  readonly existingVpcs?: Record<string, ExistingVpc>;
}

/** What a function in a VPC is given: Lambda's `VpcConfig` (subnets and security groups). */
export interface FunctionVpcConfig {
  /** The subnets of the function's network interfaces. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The security groups of the function's network interfaces. */
  readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
}

const CREATE_ONLY_KEYS = [
  "natGateways",
  "availabilityZones",
  "cidrBlock",
  "interfaceEndpoints",
] as const;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const ENDPOINT_SERVICE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
/** Lambda API reference, `VpcConfig`: SubnetIds at most 16, SecurityGroupIds at most 5. */
export const MAX_FUNCTION_SUBNETS = 16;
export const MAX_FUNCTION_SECURITY_GROUPS = 5;

/** Every problem in a service's `network` for the service's `regions`; keys under `network.`. */
export function checkServiceNetwork(
  problems: ArgumentProblems,
  network: unknown,
  regions: readonly string[],
): void {
  if (network === undefined) {
    return;
  }
  if (typeof network !== "object" || network === null || Array.isArray(network)) {
    problems.add(
      "network",
      network,
      'must be { vpc: "create" } or { vpc: "existing", existingVpcs: { <region>: { vpcId, subnetIds, securityGroupIds } } }',
    );
    return;
  }
  const args = network as ServiceNetwork;
  problems.oneOf("network.vpc", args.vpc, Object.values(VpcSource));
  if (args.vpc === undefined) {
    problems.add("network.vpc", undefined, 'is required: "create" or "existing"');
  }
  if (args.vpc === "existing") {
    for (const key of CREATE_ONLY_KEYS) {
      if (args[key] !== undefined) {
        problems.add(`network.${key}`, args[key], 'applies to vpc "create" only');
      }
    }
    checkExistingVpcs(problems, args.existingVpcs, regions);
    return;
  }
  if (args.existingVpcs !== undefined) {
    problems.add(
      "network.existingVpcs",
      "(a map)",
      'applies to vpc "existing" only; remove it or set vpc: "existing"',
    );
  }
  problems.oneOf("network.natGateways", args.natGateways, Object.values(NatGateways));
  problems.integerInRange("network.availabilityZones", args.availabilityZones, 2, 6);
  if (args.cidrBlock !== undefined) {
    problems.check(
      cidrPrefixLength(args.cidrBlock) !== undefined,
      "network.cidrBlock",
      args.cidrBlock,
      "must be an IPv4 CIDR block from /16 to /24, e.g. 10.0.0.0/16",
    );
    const tooSmall = subnetSizeProblem(args.cidrBlock, args.availabilityZones ?? 2);
    if (tooSmall !== undefined) {
      problems.add("network.cidrBlock", args.cidrBlock, tooSmall);
    }
  }
  const endpoints = args.interfaceEndpoints;
  if (endpoints !== undefined) {
    if (!Array.isArray(endpoints)) {
      problems.add("network.interfaceEndpoints", endpoints, 'must be a list of services: ["sqs"]');
    } else {
      endpoints.forEach((service, i) => {
        const key = `network.interfaceEndpoints[${i}]`;
        if (typeof service !== "string" || !ENDPOINT_SERVICE.test(service)) {
          problems.add(key, service, "must be a service name such as sqs or ecr.api");
        } else if (service === "dynamodb") {
          problems.add(key, service, "DynamoDB has a gateway endpoint in every created VPC");
        } else if (endpoints.indexOf(service) !== i) {
          problems.add(key, service, "is listed twice");
        }
      });
    }
  }
}

function checkExistingVpcs(problems: ArgumentProblems, vpcs: unknown, regions: readonly string[]) {
  if (typeof vpcs !== "object" || vpcs === null || Array.isArray(vpcs)) {
    problems.add(
      "network.existingVpcs",
      vpcs,
      'is required with vpc "existing": { <region>: { vpcId, subnetIds, securityGroupIds } }',
    );
    return;
  }
  const byRegion = vpcs as Record<string, unknown>;
  for (const region of regions) {
    if (!(region in byRegion)) {
      problems.add(
        `network.existingVpcs.${region}`,
        undefined,
        "is required: every serving region needs its VPC { vpcId, subnetIds, securityGroupIds }",
      );
    }
  }
  for (const [region, vpc] of Object.entries(byRegion)) {
    const key = `network.existingVpcs.${region}`;
    if (!regions.includes(region)) {
      problems.add(
        key,
        region,
        `is not one of the service's regions: ${regions.map(showValue).join(", ")}`,
      );
      continue;
    }
    if (typeof vpc !== "object" || vpc === null || Array.isArray(vpc)) {
      problems.add(key, vpc, "must be { vpcId, subnetIds, securityGroupIds }");
      continue;
    }
    const existing = vpc as Partial<ExistingVpc>;
    problems.check(
      existing.vpcId !== undefined &&
        (!isKnown(existing.vpcId) ||
          (typeof existing.vpcId === "string" && VPC_ID.test(existing.vpcId))),
      `${key}.vpcId`,
      existing.vpcId,
      "must be a VPC id, vpc-...",
    );
    checkIdList(
      problems,
      `${key}.subnetIds`,
      existing.subnetIds,
      SUBNET_ID,
      "subnet-...",
      MAX_FUNCTION_SUBNETS,
    );
    checkIdList(
      problems,
      `${key}.securityGroupIds`,
      existing.securityGroupIds,
      SECURITY_GROUP_ID,
      "sg-...",
      MAX_FUNCTION_SECURITY_GROUPS,
    );
  }
}

function checkIdList(
  problems: ArgumentProblems,
  key: string,
  ids: unknown,
  pattern: RegExp,
  form: string,
  max: number,
): void {
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > max) {
    problems.add(key, ids, `must list 1 to ${max} ids, ${form} (Lambda VpcConfig)`);
    return;
  }
  ids.forEach((id, i) => {
    if (isKnown(id)) {
      problems.check(
        typeof id === "string" && pattern.test(id),
        `${key}[${i}]`,
        id,
        `must be an id ${form}`,
      );
    }
  });
}

/** The part of a service's `network` for one of its regions (its `existingVpcs` entry only). */
export function networkOfRegion(network: ServiceNetwork, region: string): ServiceNetwork {
  return network.existingVpcs === undefined
    ? network
    : { ...network, existingVpcs: { [region]: network.existingVpcs[region] } };
}

/**
 * The interface endpoints a VPC without NAT needs for `functions`: `xray` when one traces
 * Actively (the default; the X-Ray daemon in the execution environment sends the function's
 * segments from the function's network), `appconfigdata` when one uses the AppConfig Lambda
 * extension (it calls AppConfig Data's StartConfigurationSession and GetLatestConfiguration).
 * Endpoint service names: `com.amazonaws.<region>.xray`, `com.amazonaws.<region>.appconfigdata`
 * (AWS PrivateLink, "AWS services that integrate with AWS PrivateLink").
 */
export function neededEndpointServices(
  functions: Record<string, { readonly tracing?: string; readonly appConfigExtension?: boolean }>,
): string[] {
  const all = Object.values(functions);
  return [
    ...(all.some((fn) => (fn.tracing ?? "Active") === "Active") ? ["xray"] : []),
    ...(all.some((fn) => fn.appConfigExtension === true) ? ["appconfigdata"] : []),
  ];
}

/** Every problem in a function's `vpcConfig` (known values only); keys under `vpcConfig.`. */
export function checkFunctionVpcConfig(problems: ArgumentProblems, vpcConfig: unknown): void {
  if (vpcConfig === undefined) {
    return;
  }
  if (typeof vpcConfig !== "object" || vpcConfig === null || Array.isArray(vpcConfig)) {
    problems.add("vpcConfig", vpcConfig, "must be { subnetIds, securityGroupIds }");
    return;
  }
  const config = vpcConfig as Partial<FunctionVpcConfig>;
  for (const [key, pattern, form, max] of [
    ["subnetIds", SUBNET_ID, "subnet-...", MAX_FUNCTION_SUBNETS],
    ["securityGroupIds", SECURITY_GROUP_ID, "sg-...", MAX_FUNCTION_SECURITY_GROUPS],
  ] as const) {
    const ids = config[key];
    if (ids === undefined || isKnown(ids)) {
      checkIdList(problems, `vpcConfig.${key}`, ids, pattern, form, max);
    }
  }
}

/** The prefix length of an IPv4 CIDR block from /16 to /24, or undefined. */
export function cidrPrefixLength(cidr: unknown): number | undefined {
  const match =
    typeof cidr === "string"
      ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr)
      : null;
  if (!match) {
    return undefined;
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  return octets.every((octet) => octet <= 255) && prefix >= 16 && prefix <= 24 ? prefix : undefined;
}

/** The smallest subnet EC2 creates: /28 (Amazon VPC User Guide, "Subnet CIDR blocks": /16 to /28). */
const SMALLEST_SUBNET_PREFIX = 28;

/**
 * Why awsx cannot lay out `cidrBlock` over `zones` Availability Zones, or undefined when it can
 * (or when either is invalid, which is reported on its own). awsx's default layout ("Legacy"
 * strategy, no subnetSpecs) gives each AZ `log2(nextPow2(zones))` more prefix bits, its private
 * subnet one bit more and its public subnet one more again (pulumi-awsx
 * awsx/ec2/subnetDistributorLegacy.ts, getSubnetSpecsLegacy and generateDefaultSubnets): a /24
 * over 5 or 6 zones would ask EC2 for /29 public subnets, which it refuses.
 */
export function subnetSizeProblem(cidrBlock: unknown, zones: unknown): string | undefined {
  const prefix = cidrPrefixLength(cidrBlock);
  if (prefix === undefined || typeof zones !== "number" || !Number.isInteger(zones) || zones < 1) {
    return undefined;
  }
  const zoneBits = Math.ceil(Math.log2(zones));
  const publicSubnetPrefix = prefix + zoneBits + 2;
  if (publicSubnetPrefix <= SMALLEST_SUBNET_PREFIX) {
    return undefined;
  }
  const largestPrefix = SMALLEST_SUBNET_PREFIX - zoneBits - 2;
  return (
    `over ${zones} Availability Zones (network.availabilityZones) awsx's subnet layout cuts ` +
    `/${publicSubnetPrefix} public subnets from it, smaller than the /${SMALLEST_SUBNET_PREFIX} ` +
    `EC2 allows: use a block of /${largestPrefix} or larger (e.g. 10.0.0.0/16), or fewer zones`
  );
}

/**
 * The network-interface permissions of a function in a VPC: the EC2 actions of AWS's managed
 * policy AWSLambdaVPCAccessExecutionRole (v3: CreateNetworkInterface,
 * DescribeNetworkInterfaces, DescribeSubnets, DeleteNetworkInterface, AssignPrivateIpAddresses,
 * UnassignPrivateIpAddresses; its logs actions the role has already), scoped as the Service
 * Authorization Reference (EC2) allows: the Describe actions take no resource type (`*`);
 * CreateNetworkInterface requires the network-interface and subnet resources (the function's
 * subnets and security groups here); the others the network-interface resource of the
 * function's region and account (Lambda Developer Guide, configuration-vpc: give
 * DeleteNetworkInterface every network interface, or the function may lose its VPC access).
 * Lambda uses these to create and delete the function's Hyperplane ENIs; the role's policy must
 * be in place before the function is created and outlive it (the function depends on it).
 * @param logGroupArn The function's log group ARN: it gives the partition, region and account.
 */
export function networkInterfaceStatements(
  logGroupArn: pulumi.Input<string>,
  vpcConfig: FunctionVpcConfig,
): aws.iam.PolicyStatement[] {
  const prefix = pulumi
    .output(logGroupArn)
    .apply((arn) => arn.split(":").slice(0, 5).join(":").replace(":logs:", ":ec2:"));
  const networkInterfaces = pulumi.interpolate`${prefix}:network-interface/*`;
  return [
    {
      Sid: "DescribeNetworkInterfaces",
      Effect: "Allow",
      Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
      Resource: "*",
    },
    {
      Sid: "CreateNetworkInterfaces",
      Effect: "Allow",
      Action: ["ec2:CreateNetworkInterface"],
      Resource: pulumi
        .all([prefix, vpcConfig.subnetIds, vpcConfig.securityGroupIds])
        .apply(([arnPrefix, subnets, groups]) => [
          `${arnPrefix}:network-interface/*`,
          // Any account: a subnet's ARN carries its owner's account (Service Authorization
          // Reference, EC2 `subnet` resource `arn:...:ec2:<region>:<account>:subnet/<id>`), and
          // a subnet shared through AWS RAM is owned by the VPC owner, not the function's account
          // (Amazon VPC User Guide, "Share your VPC with other accounts"). The subnet id is unique.
          ...subnets.map((id) => `${subnetArnPrefix(arnPrefix)}:subnet/${id}`),
          ...groups.map((id) => `${arnPrefix}:security-group/${id}`),
        ]),
    },
    {
      Sid: "ManageNetworkInterfaces",
      Effect: "Allow",
      Action: [
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ],
      Resource: networkInterfaces,
    },
  ];
}

/** `arn:<partition>:ec2:<region>:*` from `arn:<partition>:ec2:<region>:<account>`. */
function subnetArnPrefix(arnPrefix: string): string {
  return arnPrefix.split(":").slice(0, 4).concat("*").join(":");
}

// --- the optional @pulumi/awsx ---

/** The part of `@pulumi/awsx` this package uses (typed here, so no type of it leaks out). */
export interface AwsxModule {
  readonly ec2: {
    readonly Vpc: new (
      name: string,
      args: Record<string, unknown>,
      opts?: pulumi.ComponentResourceOptions,
    ) => AwsxVpc;
  };
}

/** The outputs of `awsx.ec2.Vpc` this package reads (awsx schema, `awsx:ec2:Vpc` outputs). */
export interface AwsxVpc extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
}

/** The awsx versions this package is written against (awsx 3.9 needs `@pulumi/aws` ^7.43). */
export const AWSX_VERSION_RANGE = "^3.9.0";

/** The message when `@pulumi/awsx` is not installed. */
export const AWSX_MISSING =
  `network.vpc "create" builds each region's VPC with @pulumi/awsx, an optional dependency ` +
  `that is not installed: run \`npm install @pulumi/awsx@${AWSX_VERSION_RANGE}\` ` +
  `(it needs @pulumi/aws ^7.43), or use network.vpc "existing"`;

let awsxLoader: () => AwsxModule = () =>
  // Loaded only here, when a VPC is created: awsx brings Docker and ECS packages that nothing
  // else needs, so it is an optional peer dependency.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("@pulumi/awsx") as AwsxModule;

/** `@pulumi/awsx`, or an Error naming the package and the install command. */
export function loadAwsx(): AwsxModule {
  try {
    return awsxLoader();
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    // Only awsx itself missing: Node says "Cannot find module '@pulumi/awsx'" (CommonJS) or
    // "Cannot find package '@pulumi/awsx' imported from ..." (ESM). A package awsx needs that is
    // missing (say @pulumi/docker) has the same code but names that package, with awsx's path
    // only in the require stack, and is rethrown as it is.
    if (
      (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") &&
      typeof message === "string" &&
      message.includes("'@pulumi/awsx'")
    ) {
      throw new Error(AWSX_MISSING);
    }
    throw error;
  }
}

/**
 * Loads `@pulumi/awsx` when `network` creates a VPC, so that a missing package fails a service
 * before it registers anything (the VPCs are built later, by each region's RegionalNetwork).
 */
export function requireAwsxFor(network: ServiceNetwork | undefined): void {
  if (network?.vpc === VpcSource.Create) {
    loadAwsx();
  }
}

/**
 * Replaces how `@pulumi/awsx` is loaded (tests: a loader that fails as `require` does when the
 * package is missing). Returns the previous loader, to put back.
 */
export function setAwsxLoader(loader: () => AwsxModule): () => AwsxModule {
  const previous = awsxLoader;
  awsxLoader = loader;
  return previous;
}
