// Stack config `network` (issue 17, part C): the functions' VPC in every region of the stack.
import { expect } from "chai";
import {
  loadStackSettings,
  NETWORK_NAT_DEFAULTS,
  StackConfigError,
} from "../components/stackSettings";

const PROJECT = "multiregion-serverless";
const DOMAIN = { zoneId: "Z0123456789ABC", name: "api.example.com" };
const ACCOUNT = "111111111111";

function load(stack: string, config: Record<string, unknown>) {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    raw[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return loadStackSettings({ project: PROJECT, stack, config: raw, isSecret: () => false });
}

function problemsOf(stack: string, config: Record<string, unknown>): string[] {
  try {
    load(stack, config);
  } catch (error) {
    expect(error).to.be.instanceOf(StackConfigError);
    return [...(error as StackConfigError).problems];
  }
  throw new Error("expected the config to be rejected");
}

const VPC = {
  vpcId: "vpc-0a1b2c3d4e5f60718",
  subnetIds: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712"],
  securityGroupIds: ["sg-0a1b2c3d4e5f60719"],
};

describe("stack settings: network", () => {
  it("is off unless set: the functions run outside any VPC", () => {
    expect(load("dev", { accountId: ACCOUNT }).settings.network).to.equal(undefined);
  });

  it("creates a VPC with one shared NAT gateway in dev and staging, one per AZ in prod", () => {
    expect(NETWORK_NAT_DEFAULTS).to.deep.equal({
      dev: "single",
      staging: "single",
      prod: "one-per-az",
    });
    for (const stack of ["dev", "staging", "prod"] as const) {
      const { settings } = load(stack, {
        accountId: ACCOUNT,
        domain: DOMAIN,
        network: { vpc: "create" },
      });
      expect(settings.network, stack).to.deep.equal({
        vpc: "create",
        natGateways: NETWORK_NAT_DEFAULTS[stack],
        availabilityZones: 2,
        cidrBlock: "10.0.0.0/16",
        interfaceEndpoints: [],
      });
    }
  });

  it("takes the NAT strategy, zones, range and endpoints given", () => {
    const { settings } = load("dev", {
      accountId: ACCOUNT,
      network: {
        vpc: "create",
        natGateways: "none",
        availabilityZones: 3,
        cidrBlock: "10.20.0.0/16",
        interfaceEndpoints: ["sqs"],
      },
    });
    expect(settings.network).to.deep.equal({
      vpc: "create",
      natGateways: "none",
      availabilityZones: 3,
      cidrBlock: "10.20.0.0/16",
      interfaceEndpoints: ["sqs"],
    });
  });

  it("uses an existing VPC per region of the stack", () => {
    const { settings } = load("staging", {
      accountId: ACCOUNT,
      domain: DOMAIN,
      network: { vpc: "existing", existingVpcs: { "us-east-1": VPC, "us-west-2": VPC } },
    });
    expect(settings.network).to.deep.equal({
      vpc: "existing",
      existingVpcs: { "us-east-1": VPC, "us-west-2": VPC },
    });
  });

  it("reports every malformed value at once, naming the key", () => {
    expect(
      problemsOf("dev", {
        accountId: ACCOUNT,
        network: {
          vpc: "new",
          natGateways: "per-az",
          availabilityZones: 1,
          cidrBlock: "10.0.0.0/8",
          interfaceEndpoints: ["SQS"],
        },
      }),
    ).to.deep.equal([
      'multiregion-serverless:network.vpc is "new": must be one of "create", "existing"',
      'multiregion-serverless:network.natGateways is "per-az": must be one of "none", "single", "one-per-az"',
      "multiregion-serverless:network.availabilityZones is 1: must be at least 2",
      'multiregion-serverless:network.cidrBlock is "10.0.0.0/8": must be an IPv4 CIDR block from /16 to /24, e.g. 10.0.0.0/16',
      'multiregion-serverless:network.interfaceEndpoints[0] is "SQS": must be a service name such as sqs or ecr.api',
    ]);
  });

  it("refuses a CIDR block too small for its AZs: awsx would cut subnets under EC2's /28", () => {
    // /24 over 5 AZs: 8 AZ blocks of /27, private /28, public /29 (pulumi-awsx
    // awsx/ec2/subnetDistributorLegacy.ts); over 4 AZs the public subnets are /28, which EC2 takes.
    const network = (availabilityZones: number) => ({
      vpc: "create",
      availabilityZones,
      cidrBlock: "10.0.0.0/24",
    });
    expect(problemsOf("dev", { accountId: ACCOUNT, network: network(5) })).to.deep.equal([
      `multiregion-serverless:network.cidrBlock is "10.0.0.0/24": over 5 Availability Zones (network.availabilityZones) awsx's subnet layout cuts /29 public subnets from it, smaller than the /28 EC2 allows: use a block of /23 or larger (e.g. 10.0.0.0/16), or fewer zones`,
    ]);
    expect(load("dev", { accountId: ACCOUNT, network: network(4) }).settings.network).to.include({
      cidrBlock: "10.0.0.0/24",
      availabilityZones: 4,
    });
  });

  it("refuses malformed ids of existing VPCs, naming each", () => {
    expect(
      problemsOf("dev", {
        accountId: ACCOUNT,
        network: {
          vpc: "existing",
          existingVpcs: { "us-east-1": { ...VPC, vpcId: "vpc-1", securityGroupIds: [] } },
        },
      }),
    ).to.deep.equal([
      'multiregion-serverless:network.existingVpcs.us-east-1.vpcId is "vpc-1": must be a VPC id, vpc-...',
      "multiregion-serverless:network.existingVpcs.us-east-1.securityGroupIds is []: must list at least 1",
    ]);
  });

  it("refuses existing VPCs that miss a region of the stack, name another, or come with create-only keys", () => {
    expect(
      problemsOf("staging", {
        accountId: ACCOUNT,
        domain: DOMAIN,
        network: {
          vpc: "existing",
          natGateways: "single",
          existingVpcs: { "us-east-1": VPC, "eu-west-1": VPC },
        },
      }),
    ).to.deep.equal([
      'multiregion-serverless:network.natGateways is "single": applies to network.vpc "create" only',
      "multiregion-serverless:network.existingVpcs.us-west-2 missing: every region of the stack needs its VPC { vpcId, subnetIds, securityGroupIds }",
      "multiregion-serverless:network.existingVpcs.eu-west-1 is not a region of the stack (us-east-1, us-west-2)",
    ]);
  });

  it("refuses existing without its VPCs, and created with VPCs named", () => {
    expect(problemsOf("dev", { accountId: ACCOUNT, network: { vpc: "existing" } })).to.deep.equal([
      'multiregion-serverless:network.existingVpcs missing: is required with network.vpc "existing" (one { vpcId, subnetIds, securityGroupIds } per region: us-east-1)',
    ]);
    expect(
      problemsOf("dev", {
        accountId: ACCOUNT,
        network: { vpc: "create", existingVpcs: { "us-east-1": VPC } },
      }),
    ).to.deep.equal([
      'multiregion-serverless:network.existingVpcs is set: applies to network.vpc "existing" only',
    ]);
  });
});
