// Private networking (issue 17, part C): a VPC the service creates with awsx. awsx's Vpc is a
// remote component: the engine calls the awsx plugin's Construct at preview as well as at up, so
// a real `pulumi preview --policy-pack` sees both the `awsx:ec2:Vpc` resource and the aws:ec2/*
// children the plugin registers. Offline (the runtime mocks) only the `awsx:ec2:Vpc` resource
// exists. The rule judges the VPC's arguments, which both see.
import { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import {
  configOf,
  EnvironmentSettings,
  environmentConfigProperties,
  isProduction,
  isUnknown,
  plain,
} from "./common";

const environmentSchema: PolicyConfigSchema = { properties: { ...environmentConfigProperties } };

/** The type token of awsx's VPC component (awsx schema). */
export const AWSX_VPC_TYPE = "awsx:ec2:Vpc";

/** awsx's default when `numberOfAvailabilityZones` is unset (awsx `awsx/ec2/vpc.ts`, getDefaultAzs). */
const AWSX_DEFAULT_AZS = 3;

/**
 * A created VPC spans at least two Availability Zones (Lambda Developer Guide: give a function
 * subnets in at least two AZs, or one AZ's outage stops it), and a production VPC does not hang
 * every function's outbound traffic on one NAT gateway (awsx `NatGatewayStrategy.Single`: "not
 * recommended for production infrastructure as it creates a single point of failure"). Without
 * NAT, a DynamoDB gateway endpoint must be there, or the functions cannot reach their table.
 */
export const createdVpcsHighlyAvailable: ResourceValidationPolicy = {
  name: "created-vpcs-highly-available",
  description:
    "awsx VPCs span two or more AZs, production ones have no single NAT gateway, and a VPC without NAT has a DynamoDB gateway endpoint.",
  enforcementLevel: "mandatory",
  configSchema: environmentSchema,
  validateResource: (args, reportViolation) => {
    if (args.type !== AWSX_VPC_TYPE) {
      return;
    }
    // Inside the awsx plugin the Vpc registers itself as `super("awsx:ec2:Vpc", name, { name,
    // args, opts }, opts)` (pulumi-awsx awsx/schema-types.ts, class Vpc), so a real preview shows
    // its arguments under `args`; the Node.js SDK's remote registration (and the mocks) shows
    // them at the top level.
    const registered = plain(args.props);
    const props =
      registered.args !== null && typeof registered.args === "object"
        ? registered.args
        : registered;
    const zones = isUnknown(props.availabilityZoneNames)
      ? undefined
      : Array.isArray(props.availabilityZoneNames)
        ? props.availabilityZoneNames.length
        : isUnknown(props.numberOfAvailabilityZones)
          ? undefined
          : (props.numberOfAvailabilityZones ?? AWSX_DEFAULT_AZS);
    if (typeof zones === "number" && zones < 2) {
      reportViolation(
        `The VPC spans ${zones} Availability Zone: an outage of that zone stops every function in it. Use at least 2 (network.availabilityZones).`,
      );
    }
    const strategy = props.natGateways?.strategy ?? "OnePerAz";
    if (
      strategy === "Single" &&
      // The tags are among the arguments too.
      isProduction({ ...args, props }, configOf<EnvironmentSettings>(args, environmentSchema))
    ) {
      reportViolation(
        'The production VPC has a single NAT gateway: an outage of its zone cuts every function\'s outbound traffic. Use network.natGateways "one-per-az" (the prod default).',
      );
    }
    const specs = props.vpcEndpointSpecs;
    // An endpoint whose service name is computed (from the region, say) may well be DynamoDB's.
    const pending =
      isUnknown(specs) ||
      (Array.isArray(specs) &&
        specs.some((spec: unknown) => isUnknown(spec) || isUnknown((spec as any)?.serviceName)));
    if (strategy === "None" && !pending) {
      const dynamodb = (Array.isArray(specs) ? specs : []).some(
        (spec: { serviceName?: unknown }) =>
          typeof spec?.serviceName === "string" && spec.serviceName.endsWith(".dynamodb"),
      );
      if (!dynamodb) {
        reportViolation(
          "The VPC has no NAT gateway and no DynamoDB gateway endpoint (com.amazonaws.<region>.dynamodb): its functions cannot reach DynamoDB.",
        );
      }
    }
  },
};

export const networkPolicies = [createdVpcsHighlyAvailable];
