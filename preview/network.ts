// The private network of a previewed stack (issue 17, part C): per region, the VPC the service
// created with awsx (zones, range, NAT gateways, endpoints) or the existing one its functions
// use, and which functions run in it. awsx's Vpc is a remote component: a preview sees only its
// inputs (its subnets, NAT gateways and endpoints are built by the awsx plugin at `pulumi up`),
// so this is what the inputs say it will build.
import type { CapturedResource } from "../testing";

const AWSX_VPC = "awsx:ec2:Vpc";
const FUNCTION = "aws:lambda/function:Function";

/** One region's network. */
export interface RegionNetwork {
  region: string;
  /** `created (awsx)` or `existing`. */
  vpc: "created (awsx)" | "existing";
  /** Created VPCs: zones, range and NAT strategy, e.g. `2 AZs, 10.0.0.0/16, NAT OnePerAz`. */
  layout?: string;
  /** Created VPCs: endpoint services, e.g. `dynamodb (gateway)`, `xray (interface)`. */
  endpoints: string[];
  /** Names of the functions in the VPC. */
  functions: string[];
  /** How many functions of the region run outside it (the deployment hooks). */
  outside: number;
}

export interface NetworkPlan {
  regions: RegionNetwork[];
}

/** What the resources say about the stack's private network (empty without one). */
export function networkPlan(resources: readonly CapturedResource[]): NetworkPlan {
  const vpcs = resources.filter((r) => r.type === AWSX_VPC);
  const functions = resources.filter((r) => r.type === FUNCTION);
  const regions = [
    ...new Set([
      ...vpcs.map((vpc) => String(vpc.inputs.region ?? vpc.region)),
      ...functions.filter((fn) => fn.inputs.vpcConfig).map((fn) => String(fn.region)),
    ]),
  ];
  return {
    regions: regions.map((region) => {
      const vpc = vpcs.find((v) => String(v.inputs.region ?? v.region) === region);
      const inRegion = functions.filter((fn) => fn.region === region);
      const inside = inRegion.filter((fn) => fn.inputs.vpcConfig);
      const specs: { serviceName?: string; vpcEndpointType?: string }[] =
        vpc?.inputs.vpcEndpointSpecs ?? [];
      return {
        region,
        vpc: vpc ? "created (awsx)" : "existing",
        ...(vpc
          ? {
              layout: `${vpc.inputs.numberOfAvailabilityZones ?? 3} AZs, ${vpc.inputs.cidrBlock ?? "10.0.0.0/16"}, NAT ${vpc.inputs.natGateways?.strategy ?? "OnePerAz"}`,
            }
          : {}),
        endpoints: specs.map(
          (spec) =>
            `${String(spec.serviceName).split(".").slice(3).join(".")} (${String(spec.vpcEndpointType ?? "Gateway").toLowerCase()})`,
        ),
        functions: inside.map((fn) => fn.name),
        outside: inRegion.length - inside.length,
      };
    }),
  };
}

/** The preview's lines for the plan (none without a network). */
export function renderNetworkPlan(plan: NetworkPlan, bold: (text: string) => string): string[] {
  if (plan.regions.length === 0) {
    return [];
  }
  return [
    bold(
      "Private network (functions in a VPC; awsx builds a created VPC's subnets at `pulumi up`)",
    ),
    ...plan.regions.map(
      (r) =>
        `  ${r.region}: ${r.vpc}${r.layout ? `, ${r.layout}` : ""}` +
        (r.endpoints.length > 0 ? `; endpoints ${r.endpoints.join(", ")}` : "") +
        `; ${r.functions.length} function${r.functions.length === 1 ? "" : "s"} inside, ${r.outside} outside (hooks)`,
    ),
  ];
}
