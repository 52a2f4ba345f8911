// Private networking (issue 17, part C): `network` on RegionalService and MultiRegionService.
import { expect } from "chai";
import {
  MultiRegionService,
  MultiRegionServiceArgs,
  RegionalService,
  RegionalServiceArgs,
} from "../../components";
import { AWSX_MISSING, AwsxModule, setAwsxLoader } from "../../components/serviceNetwork";
import { expectRunFailure, Match, promiseOf, runComponent } from "../../testing";
import { code, domain, FUNCTION, ordersFunctions, ordersRoutes, ROLE_POLICY } from "./fixtures";

const VPC = "awsx:ec2:Vpc";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const REGIONAL_NETWORK = "multiregion-serverless:index:RegionalNetwork";
const REGION = "eu-west-1";

function regional(args: Partial<RegionalServiceArgs> = {}) {
  return runComponent(
    () =>
      new RegionalService("orders", {
        region: REGION,
        functions: ordersFunctions,
        routes: ordersRoutes,
        ...args,
      }),
  );
}

function multiRegion(args: Partial<MultiRegionServiceArgs> = {}) {
  return runComponent(
    () =>
      new MultiRegionService("orders", {
        topology: "active-active",
        regions: ["us-east-1", "eu-west-1"],
        routing: "latency",
        functions: ordersFunctions,
        routes: ordersRoutes,
        domain,
        ...args,
      } as MultiRegionServiceArgs),
  );
}

/** The statements of a function's execution role policy, parsed. */
function statementsOf(policy: { inputs: Record<string, any> }): Record<string, any>[] {
  return JSON.parse(policy.inputs.policy).Statement;
}

const existing = {
  "us-east-1": {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    subnetIds: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712"],
    securityGroupIds: ["sg-0a1b2c3d4e5f60719"],
  },
  "eu-west-1": {
    vpcId: "vpc-0f1e2d3c4b5a69788",
    subnetIds: ["subnet-0f1e2d3c4b5a69781", "subnet-0f1e2d3c4b5a69782"],
    securityGroupIds: ["sg-0f1e2d3c4b5a69789"],
  },
};

describe("private networking (network)", () => {
  describe('vpc: "create"', () => {
    it("builds an awsx VPC per serving region, in that region, with two AZs and NAT per AZ by default", async () => {
      const { resources } = await multiRegion({ network: { vpc: "create" } });
      resources.resourceCountIs(VPC, 2);
      for (const region of ["us-east-1", "eu-west-1"]) {
        resources.hasResourceProperties(VPC, {
          region,
          numberOfAvailabilityZones: 2,
          natGateways: { strategy: "OnePerAz" },
          cidrBlock: "10.0.0.0/16",
        });
      }
    });

    it("takes the NAT strategy given: none and single for a development stack", async () => {
      for (const [nat, strategy] of [
        ["none", "None"],
        ["single", "Single"],
      ] as const) {
        const { resources } = await regional({ network: { vpc: "create", natGateways: nat } });
        resources.hasResourceProperties(VPC, { natGateways: { strategy } });
      }
    });

    it("puts a DynamoDB gateway endpoint in every created VPC, on its route tables", async () => {
      const { resources } = await multiRegion({ network: { vpc: "create" } });
      for (const region of ["us-east-1", "eu-west-1"]) {
        resources.hasResourceProperties(VPC, {
          region,
          vpcEndpointStrategy: "Auto",
          vpcEndpointSpecs: Match.arrayWith([
            { serviceName: `com.amazonaws.${region}.dynamodb`, vpcEndpointType: "Gateway" },
          ]),
        });
      }
    });

    it("without NAT, adds the X-Ray and AppConfig Data interface endpoints the functions need", async () => {
      const { resources } = await regional({
        functions: { orders: { code, appConfigExtension: true } },
        network: { vpc: "create", natGateways: "none", interfaceEndpoints: ["sqs"] },
      });
      const vpc = resources.hasResourceProperties(VPC, { enableDnsHostnames: true });
      expect(vpc.inputs.vpcEndpointSpecs).to.deep.equal([
        { serviceName: `com.amazonaws.${REGION}.dynamodb`, vpcEndpointType: "Gateway" },
        { serviceName: `com.amazonaws.${REGION}.xray`, vpcEndpointType: "Interface" },
        { serviceName: `com.amazonaws.${REGION}.appconfigdata`, vpcEndpointType: "Interface" },
        { serviceName: `com.amazonaws.${REGION}.sqs`, vpcEndpointType: "Interface" },
      ]);
    });

    it("with NAT, creates no interface endpoint the NAT already serves", async () => {
      const { resources } = await regional({
        functions: { orders: { code, appConfigExtension: true } },
        network: { vpc: "create", natGateways: "single" },
      });
      const vpc = resources.ofType(VPC)[0];
      expect(vpc.inputs.vpcEndpointSpecs).to.deep.equal([
        { serviceName: `com.amazonaws.${REGION}.dynamodb`, vpcEndpointType: "Gateway" },
      ]);
    });

    it("without NAT and with PassThrough tracing and no extension, needs no interface endpoint", async () => {
      const { resources } = await regional({
        functions: { orders: { code, tracing: "PassThrough" } },
        network: { vpc: "create", natGateways: "none" },
      });
      expect(resources.ofType(VPC)[0].inputs.vpcEndpointSpecs).to.have.length(1);
    });

    it("runs every function in the VPC's private subnets with an egress-only security group", async () => {
      const { resources, result } = await regional({ network: { vpc: "create" } });
      const vpc = resources.ofType(VPC)[0];
      const group = resources.hasResourceProperties(SECURITY_GROUP, {
        region: REGION,
        vpcId: vpc.outputs.vpcId,
        egress: [{ protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }],
      });
      expect(group.inputs.ingress ?? []).to.deep.equal([]);
      resources.hasResourceProperties(FUNCTION, {
        vpcConfig: {
          subnetIds: vpc.outputs.privateSubnetIds,
          securityGroupIds: [group.outputs.id ?? group.id],
        },
      });
      expect(vpc.outputs.privateSubnetIds).to.have.length(2);
      expect(await promiseOf(result.network!.subnetIds)).to.deep.equal(
        vpc.outputs.privateSubnetIds,
      );
    });

    it("places the VPC and the security group under the service's RegionalNetwork", async () => {
      const { resources } = await regional({ network: { vpc: "create" } });
      const network = resources.ofType(REGIONAL_NETWORK)[0];
      expect(resources.parentOf(resources.ofType(VPC)[0])?.urn).to.equal(network.urn);
      expect(resources.parentOf(resources.ofType(SECURITY_GROUP)[0])?.urn).to.equal(network.urn);
    });

    it("keeps the deployment hooks outside the VPC: they reach CodeDeploy and Lambda without it", async () => {
      const { resources } = await regional({
        functions: {
          orders: {
            code,
            hooks: { preTraffic: { code, handler: "index.handler" } },
          },
        },
        network: { vpc: "create", natGateways: "none" },
      });
      const functions = resources.ofType(FUNCTION);
      expect(functions).to.have.length(2);
      const inVpc = functions.filter((fn) => fn.inputs.vpcConfig !== undefined);
      expect(inVpc.map((fn) => fn.name)).to.deep.equal(["orders-orders-function"]);
    });

    /** Replaces the awsx loader with one failing as Node's `require` does (Node, modules.md). */
    async function withAwsxMissing<T>(message: string, run: () => Promise<T>): Promise<T> {
      const previous = setAwsxLoader(() => {
        const error = new Error(message) as Error & { code: string };
        error.code = "MODULE_NOT_FOUND";
        throw error;
      });
      try {
        return await run();
      } finally {
        setAwsxLoader(previous);
      }
    }

    /** What a run registered, apart from the root stack the harness makes. */
    const registered = (failure: { resources: { all: readonly { type: string }[] } }) =>
      failure.resources.all
        .map((resource) => resource.type)
        .filter((type) => type !== "pulumi:pulumi:Stack");

    it("fails with the install command, registering nothing, when @pulumi/awsx is missing", async () => {
      await withAwsxMissing("Cannot find module '@pulumi/awsx'", async () => {
        const failure = await expectRunFailure(regional({ network: { vpc: "create" } }));
        expect(failure.message).to.equal(AWSX_MISSING);
        expect(failure.message).to.include("npm install @pulumi/awsx@^3.9.0");
        expect(registered(failure)).to.deep.equal([]);
      });
    });

    it("fails a MultiRegionService without @pulumi/awsx before its service, regions or table exist", async () => {
      await withAwsxMissing("Cannot find module '@pulumi/awsx'", async () => {
        const failure = await expectRunFailure(
          multiRegion({ network: { vpc: "create" }, table: { hashKey: "orderId" } }),
        );
        expect(failure.message).to.equal(AWSX_MISSING);
        expect(registered(failure)).to.deep.equal([]);
      });
    });

    it("does not call a package awsx itself is missing @pulumi/awsx: that error is shown as it is", async () => {
      // Node's message for a dependency of awsx that cannot be found: the missing package first,
      // awsx's own files only in the require stack.
      const missingDocker =
        "Cannot find module '@pulumi/docker'\nRequire stack:\n- /app/node_modules/@pulumi/awsx/ecr/image.js\n- /app/node_modules/@pulumi/awsx/index.js";
      await withAwsxMissing(missingDocker, async () => {
        const failure = await expectRunFailure(regional({ network: { vpc: "create" } }));
        expect(failure.message).to.equal(missingDocker);
      });
    });

    it("never loads @pulumi/awsx for an existing VPC or no network", async () => {
      let loads = 0;
      const previous = setAwsxLoader(() => {
        loads++;
        return {} as AwsxModule;
      });
      try {
        await regional({
          network: { vpc: "existing", existingVpcs: { [REGION]: existing[REGION] } },
        });
        await regional();
      } finally {
        setAwsxLoader(previous);
      }
      expect(loads).to.equal(0);
    });
  });

  describe('vpc: "existing"', () => {
    it("gives each region's functions that region's subnets and security groups, and creates no VPC", async () => {
      const { resources } = await multiRegion({
        network: { vpc: "existing", existingVpcs: existing },
      });
      resources.resourceCountIs(VPC, 0);
      resources.resourceCountIs(SECURITY_GROUP, 0);
      for (const region of ["us-east-1", "eu-west-1"] as const) {
        resources.hasResourceProperties(FUNCTION, {
          region,
          vpcConfig: {
            subnetIds: existing[region].subnetIds,
            securityGroupIds: existing[region].securityGroupIds,
          },
        });
      }
    });
  });

  describe("the execution role", () => {
    it("may manage the function's network interfaces: AWSLambdaVPCAccessExecutionRole's EC2 actions, scoped", async () => {
      const { resources } = await regional({
        network: { vpc: "existing", existingVpcs: { [REGION]: existing[REGION] } },
      });
      const policy = resources
        .ofType(ROLE_POLICY)
        .find((p) => p.name === "orders-orders-role-policy")!;
      const prefix = `arn:aws:ec2:${REGION}:123456789012`;
      expect(statementsOf(policy)).to.deep.include.members([
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
          Resource: [
            `${prefix}:network-interface/*`,
            // Any account: subnets shared through AWS RAM carry their owner's account.
            `arn:aws:ec2:${REGION}:*:subnet/subnet-0f1e2d3c4b5a69781`,
            `arn:aws:ec2:${REGION}:*:subnet/subnet-0f1e2d3c4b5a69782`,
            `${prefix}:security-group/sg-0f1e2d3c4b5a69789`,
          ],
        },
        {
          Sid: "ManageNetworkInterfaces",
          Effect: "Allow",
          Action: [
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses",
          ],
          Resource: `${prefix}:network-interface/*`,
        },
      ]);
    });

    it("has no EC2 permission when the service has no network", async () => {
      const { resources } = await regional();
      const policy = resources
        .ofType(ROLE_POLICY)
        .find((p) => p.name === "orders-orders-role-policy")!;
      expect(JSON.stringify(statementsOf(policy))).not.to.include("ec2:");
    });

    it("is in place before the function is created (Lambda checks it on CreateFunction)", async () => {
      const { resources } = await regional({ network: { vpc: "create" } });
      const fn = resources.ofType(FUNCTION)[0];
      const policy = resources
        .ofType(ROLE_POLICY)
        .find((p) => p.name === "orders-orders-role-policy")!;
      expect(fn.dependencies).to.include(policy.urn);
    });
  });

  describe("malformed network settings", () => {
    const SUBJECT = 'MultiRegionService "orders"';
    const cases: [string, unknown, string[]][] = [
      [
        "an unknown VPC source and NAT strategy",
        { vpc: "new", natGateways: "per-az" },
        [
          '[network.vpc] is "new": must be one of "create", "existing"',
          '[network.natGateways] is "per-az": must be one of "none", "single", "one-per-az"',
        ],
      ],
      [
        "one AZ, a /8 range and a duplicate endpoint",
        {
          vpc: "create",
          availabilityZones: 1,
          cidrBlock: "10.0.0.0/8",
          interfaceEndpoints: ["sqs", "sqs", "dynamodb"],
        },
        [
          "[network.availabilityZones] is 1: must be a whole number from 2 to 6",
          '[network.cidrBlock] is "10.0.0.0/8": must be an IPv4 CIDR block from /16 to /24, e.g. 10.0.0.0/16',
          '[network.interfaceEndpoints[1]] is "sqs": is listed twice',
          '[network.interfaceEndpoints[2]] is "dynamodb": DynamoDB has a gateway endpoint in every created VPC',
        ],
      ],
      [
        "a /24 over 6 AZs, which awsx would cut into subnets smaller than EC2's /28",
        { vpc: "create", availabilityZones: 6, cidrBlock: "10.0.0.0/24" },
        [
          `[network.cidrBlock] is "10.0.0.0/24": over 6 Availability Zones (network.availabilityZones) awsx's subnet layout cuts /29 public subnets from it, smaller than the /28 EC2 allows: use a block of /23 or larger (e.g. 10.0.0.0/16), or fewer zones`,
        ],
      ],
      [
        "existing VPCs with a missing region, a foreign region, bad ids and create-only keys",
        {
          vpc: "existing",
          natGateways: "single",
          existingVpcs: {
            "us-east-1": {
              vpcId: "vpc-1",
              subnetIds: [],
              securityGroupIds: ["subnet-0a1b2c3d4e5f60711"],
            },
            "us-west-2": existing["us-east-1"],
          },
        },
        [
          '[network.natGateways] is "single": applies to vpc "create" only',
          "[network.existingVpcs.eu-west-1] is undefined: is required: every serving region needs its VPC { vpcId, subnetIds, securityGroupIds }",
          '[network.existingVpcs.us-east-1.vpcId] is "vpc-1": must be a VPC id, vpc-...',
          "[network.existingVpcs.us-east-1.subnetIds] is []: must list 1 to 16 ids, subnet-... (Lambda VpcConfig)",
          '[network.existingVpcs.us-east-1.securityGroupIds[0]] is "subnet-0a1b2c3d4e5f60711": must be an id sg-...',
          '[network.existingVpcs.us-west-2] is "us-west-2": is not one of the service\'s regions: "us-east-1", "eu-west-1"',
        ],
      ],
      [
        "existing without its VPCs",
        { vpc: "existing" },
        [
          '[network.existingVpcs] is undefined: is required with vpc "existing": { <region>: { vpcId, subnetIds, securityGroupIds } }',
        ],
      ],
      [
        "created with existing VPCs named",
        { vpc: "create", existingVpcs: existing },
        [
          '[network.existingVpcs] is "(a map)": applies to vpc "existing" only; remove it or set vpc: "existing"',
        ],
      ],
    ];
    for (const [title, network, problems] of cases) {
      it(`refuses ${title}, naming every problem, and registers nothing`, async () => {
        const failure = await expectRunFailure(multiRegion({ network } as never));
        const message =
          problems.length === 1
            ? `${SUBJECT}: ${problems[0]}`
            : [
                `${SUBJECT} has ${problems.length} invalid arguments:`,
                ...problems.map((p) => `  - ${p}`),
              ].join("\n");
        expect(failure.message).to.equal(message);
        expect(failure.resources.all).to.deep.equal([]);
      });
    }

    it("refuses a function's own vpcConfig in a service: the service sets it", async () => {
      const failure = await expectRunFailure(
        regional({
          functions: {
            orders: { code, vpcConfig: existing[REGION] } as never,
          },
        }),
      );
      expect(failure.message).to.include("[functions.orders.vpcConfig] is {");
      expect(failure.message).to.include("is set by the service; remove it here");
    });
  });
});
