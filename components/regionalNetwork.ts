import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  AwsxModule,
  AwsxVpc,
  ExistingVpc,
  FunctionVpcConfig,
  loadAwsx,
  NatGateways,
  ServiceNetwork,
} from "./serviceNetwork";

/** awsx's `NatGatewayStrategy` for each of ours (awsx schema, `awsx:ec2:NatGatewayStrategy`). */
const AWSX_NAT_STRATEGY: Record<NatGateways, string> = {
  none: "None",
  single: "Single",
  "one-per-az": "OnePerAz",
};

/** Arguments of `RegionalNetwork`. */
export interface RegionalNetworkArgs {
  /** The region of the VPC and every child (`@pulumi/aws` v7 `region` input). */
  readonly region: string;
  /** The service's `network`. */
  readonly network: ServiceNetwork;
  /**
   * Interface endpoints the service's functions need when the VPC has no NAT gateway
   * (`xray`, `appconfigdata`), added to `network.interfaceEndpoints`.
   * @default []
   */
  readonly neededEndpoints?: string[];
  /**
   * Tags on every taggable resource.
   * @default {}
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The private network of one region of a service. `vpc: "create"`: an `awsx.ec2.Vpc` (public
 * and private subnets per AZ, the NAT gateway strategy, a DynamoDB gateway endpoint on its route
 * tables, and the interface endpoints the functions need without NAT) plus an egress-only
 * security group for the functions. `vpc: "existing"`: the region's entry of `existingVpcs`.
 * Either way `functionVpcConfig` is what each function of the region is given.
 */
export class RegionalNetwork extends pulumi.ComponentResource {
  /** The VPC id. */
  readonly vpcId: pulumi.Output<string>;
  /** The subnets the functions run in (the private subnets of a created VPC). */
  readonly subnetIds: pulumi.Output<string[]>;
  /** The security groups of the functions' network interfaces. */
  readonly securityGroupIds: pulumi.Output<string[]>;
  /** The created VPC (an `awsx.ec2.Vpc`), with `vpc: "create"`. */
  readonly vpc?: AwsxVpc;
  /** The functions' security group, with `vpc: "create"`. */
  readonly securityGroup?: aws.ec2.SecurityGroup;
  /** VPC endpoint services created in the VPC (`com.amazonaws.<region>.<service>`). */
  readonly endpointServices: string[];

  /**
   * @param name The _unique_ name of the component; child names derive from it.
   * @param args The region, the service's network and the endpoints its functions need.
   * @param opts Options for the component (providers are inherited by every child).
   */
  constructor(name: string, args: RegionalNetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const region = args.region;
    const existing =
      args.network.vpc === "existing" ? args.network.existingVpcs?.[region] : undefined;
    if (args.network.vpc === "existing" && existing === undefined) {
      throw new Error(`RegionalNetwork "${name}": network.existingVpcs has no VPC for ${region}`);
    }
    // Either the region's existing VPC, or awsx to create one. awsx is loaded before anything is
    // registered: without it, the error is all there is.
    const source: { existing: ExistingVpc } | { awsx: AwsxModule } =
      existing !== undefined ? { existing } : { awsx: loadAwsx() };
    super("multiregion-serverless:index:RegionalNetwork", name, {}, opts);

    if ("existing" in source) {
      this.vpcId = pulumi.output(source.existing.vpcId);
      this.subnetIds = pulumi.output(source.existing.subnetIds);
      this.securityGroupIds = pulumi.output(source.existing.securityGroupIds);
      this.endpointServices = [];
      this.registerOutputs({
        vpcId: this.vpcId,
        subnetIds: this.subnetIds,
        securityGroupIds: this.securityGroupIds,
      });
      return;
    }

    const nat = args.network.natGateways ?? "one-per-az";
    const interfaceServices = [
      ...(nat === "none" ? (args.neededEndpoints ?? []) : []),
      ...(args.network.interfaceEndpoints ?? []),
    ].filter((service, i, all) => all.indexOf(service) === i);
    // VPC endpoint service names: com.amazonaws.<region>.<service> (AWS PrivateLink, "AWS
    // services that integrate with AWS PrivateLink"); DynamoDB's is a Gateway endpoint.
    const serviceName = (service: string) => `com.amazonaws.${region}.${service}`;
    this.endpointServices = ["dynamodb", ...interfaceServices].map(serviceName);
    this.vpc = new source.awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        region,
        cidrBlock: args.network.cidrBlock ?? "10.0.0.0/16",
        numberOfAvailabilityZones: args.network.availabilityZones ?? 2,
        natGateways: { strategy: AWSX_NAT_STRATEGY[nat] },
        // Interface endpoints with private DNS need both (Amazon VPC, "DNS attributes").
        enableDnsHostnames: true,
        enableDnsSupport: true,
        // "Auto" (awsx 3.7+): a Gateway endpoint gets the VPC's route tables, an Interface
        // endpoint one private subnet per AZ, private DNS and a security group open on 443 to
        // the VPC's range (awsx `awsx/ec2/vpc.ts`).
        vpcEndpointStrategy: "Auto",
        // awsx tags an endpoint with its spec's `tags` only, not the Vpc's (pulumi-awsx
        // awsx/ec2/vpc.ts, `new aws.ec2.VpcEndpoint(spec.serviceName, { tags: spec.tags, ... })`).
        vpcEndpointSpecs: [
          { serviceName: serviceName("dynamodb"), vpcEndpointType: "Gateway", tags: args.tags },
          ...interfaceServices.map((service) => ({
            serviceName: serviceName(service),
            vpcEndpointType: "Interface",
            tags: args.tags,
          })),
        ],
        tags: args.tags,
      },
      { parent: this },
    );
    // The functions only call out: no ingress. The provider removes AWS's default egress rule
    // from a security group it manages, so the egress is stated (terraform-provider-aws
    // `aws_security_group` docs).
    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-functions`,
      {
        region,
        vpcId: this.vpc.vpcId,
        description: "Lambda functions of the service: outbound only",
        egress: [
          {
            description: "AWS APIs through NAT or VPC endpoints",
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            cidrBlocks: ["0.0.0.0/0"],
          },
        ],
        tags: args.tags,
      },
      { parent: this },
    );
    this.vpcId = this.vpc.vpcId;
    this.subnetIds = this.vpc.privateSubnetIds;
    this.securityGroupIds = pulumi.output([this.securityGroup.id]);
    this.registerOutputs({
      vpcId: this.vpcId,
      subnetIds: this.subnetIds,
      securityGroupIds: this.securityGroupIds,
      endpointServices: this.endpointServices,
    });
  }

  /** What each function of the region is given (`TrafficShiftedFunctionArgs.vpcConfig`). */
  get functionVpcConfig(): FunctionVpcConfig {
    return { subnetIds: this.subnetIds, securityGroupIds: this.securityGroupIds };
  }
}
