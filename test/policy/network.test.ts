// Policy `created-vpcs-highly-available` (issue 17, part C) over a VPC created with awsx: the
// `awsx:ec2:Vpc` resource's arguments, in both shapes the engine can show them.
import { expect } from "chai";
import { RegionalService, ServiceNetwork } from "../../components";
import { runComponent, runPolicies } from "../../testing";
import { UNKNOWN_INPUT } from "./fixtures";
import { ordersFunctions } from "../multiRegion/fixtures";

const POLICY = "created-vpcs-highly-available";

async function violations(network: ServiceNetwork, environment: string) {
  const { resources } = await runComponent(
    () =>
      new RegionalService("orders", {
        region: "eu-west-1",
        functions: ordersFunctions,
        network,
        tags: { environment, service: "orders", stack: environment },
      }),
  );
  return (await runPolicies(resources, { stackName: environment })).filter(
    (v) => v.policyName === POLICY,
  );
}

describe(`policy ${POLICY}`, () => {
  it("passes the VPC a service creates in prod by default (two AZs, a NAT gateway per AZ)", async () => {
    expect(await violations({ vpc: "create" }, "prod")).to.deep.equal([]);
  });

  it("refuses a single NAT gateway in production, and allows it in dev", async () => {
    const prod = await violations({ vpc: "create", natGateways: "single" }, "prod");
    expect(prod.map((v) => [v.resourceType, v.message])).to.deep.equal([
      [
        "awsx:ec2:Vpc",
        'The production VPC has a single NAT gateway: an outage of its zone cuts every function\'s outbound traffic. Use network.natGateways "one-per-az" (the prod default).',
      ],
    ]);
    expect(await violations({ vpc: "create", natGateways: "single" }, "dev")).to.deep.equal([]);
  });

  it("passes a VPC without NAT: the service gives it the DynamoDB gateway endpoint", async () => {
    expect(await violations({ vpc: "create", natGateways: "none" }, "dev")).to.deep.equal([]);
  });

  // A VPC made some other way, as the engine shows it to the pack: `props` is what registered it.
  async function judge(props: Record<string, unknown>, stackName: string, type = "awsx:ec2:Vpc") {
    const { runPolicies: run } = await import("../../policy/offline");
    const vpc = {
      urn: `urn:pulumi:${stackName}::p::${type}::other`,
      id: "",
      type,
      name: "other",
      custom: false,
      inputs: props,
      outputs: {},
      secretPaths: [],
      dependencies: [],
      options: {
        protect: false,
        ignoreChanges: [],
        retainOnDelete: false,
        deleteBeforeReplace: false,
        replaceOnChanges: [],
        additionalSecretOutputs: [],
      },
    };
    return (await run([vpc], { stackName })).filter((v) => v.policyName === POLICY);
  }

  it("finds a one-AZ VPC and a VPC without NAT or DynamoDB endpoint made some other way", async () => {
    const found = await judge(
      {
        numberOfAvailabilityZones: 1,
        natGateways: { strategy: "None" },
        tags: { environment: "dev" },
      },
      "dev",
    );
    expect(found.map((v) => v.message)).to.deep.equal([
      "The VPC spans 1 Availability Zone: an outage of that zone stops every function in it. Use at least 2 (network.availabilityZones).",
      "The VPC has no NAT gateway and no DynamoDB gateway endpoint (com.amazonaws.<region>.dynamodb): its functions cannot reach DynamoDB.",
    ]);
  });

  it("reads the arguments under `args`, as the awsx plugin registers the Vpc in a real preview", async () => {
    // pulumi-awsx awsx/schema-types.ts, class Vpc: `super("awsx:ec2:Vpc", name, { name, args,
    // opts }, opts)` inside the plugin's Construct, which the engine runs at preview too.
    const found = await judge(
      {
        name: "orders-eu-west-1-vpc",
        args: {
          numberOfAvailabilityZones: 1,
          natGateways: { strategy: "Single" },
          tags: { environment: "prod" },
        },
        opts: {},
      },
      "prod",
    );
    expect(found.map((v) => v.message)).to.deep.equal([
      "The VPC spans 1 Availability Zone: an outage of that zone stops every function in it. Use at least 2 (network.availabilityZones).",
      'The production VPC has a single NAT gateway: an outage of its zone cuts every function\'s outbound traffic. Use network.natGateways "one-per-az" (the prod default).',
    ]);
  });

  const oneZone =
    "The VPC spans 1 Availability Zone: an outage of that zone stops every function in it. Use at least 2 (network.availabilityZones).";
  const noDynamoDb =
    "The VPC has no NAT gateway and no DynamoDB gateway endpoint (com.amazonaws.<region>.dynamodb): its functions cannot reach DynamoDB.";

  it("judges only awsx VPCs, and reads top-level arguments when `args` is null", async () => {
    const found = await judge({ args: null, numberOfAvailabilityZones: 1 }, "dev");
    expect(found.map((v) => v.message)).to.deep.equal([oneZone]);
    // A component of another package with the same arguments is not an awsx VPC.
    expect(await judge({ numberOfAvailabilityZones: 1 }, "dev", "acme:network:Vpc")).to.deep.equal(
      [],
    );
  });

  it("wants the DynamoDB endpoint itself without NAT: an S3 or unnamed endpoint is not enough", async () => {
    const withEndpoints = (vpcEndpointSpecs: unknown[]) =>
      judge({ natGateways: { strategy: "None" }, vpcEndpointSpecs }, "dev");
    // awsx VpcEndpointSpec: serviceName is com.amazonaws.<region>.<service> (Amazon VPC User
    // Guide, "Gateway endpoints").
    expect(
      (await withEndpoints([{ serviceName: "com.amazonaws.eu-west-1.s3" }, {}])).map(
        (v) => v.message,
      ),
    ).to.deep.equal([noDynamoDb]);
    expect(
      await withEndpoints([
        { serviceName: "com.amazonaws.eu-west-1.s3" },
        { serviceName: "com.amazonaws.eu-west-1.dynamodb" },
      ]),
    ).to.deep.equal([]);
  });

  it("waits for an endpoint service name unknown at preview", async () => {
    expect(
      await judge(
        {
          natGateways: { strategy: "None" },
          vpcEndpointSpecs: [
            { serviceName: "com.amazonaws.eu-west-1.s3" },
            { serviceName: UNKNOWN_INPUT },
          ],
        },
        "dev",
      ),
    ).to.deep.equal([]);
  });

  it("counts awsx's default of 3 AZs and NAT per AZ when neither is given", async () => {
    expect(await judge({ tags: { environment: "prod" } }, "prod")).to.deep.equal([]);
  });
});
