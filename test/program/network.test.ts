// The bundled program with config `network` (issue 17, part C): what `pulumi preview` shows.
import { expect } from "chai";
import { ResourceCapture, runPolicies } from "../../testing";
import { networkPlan, renderNetworkPlan } from "../../preview/network";
import { runStack } from "./runStack";

const FUNCTION = "aws:lambda/function:Function";
const VPC = "awsx:ec2:Vpc";

function serviceFunctions(resources: ResourceCapture) {
  return resources.ofType(FUNCTION).filter((f) => !f.name.includes("-hook"));
}

describe("the bundled program with config network", function () {
  this.timeout(120_000);

  it("dev: one awsx VPC with a shared NAT gateway, the orders function in its private subnets, the hooks outside", async () => {
    const { resources } = await runStack("dev", {
      preview: false,
      set: { network: { vpc: "create" } },
    });
    resources.resourceCountIs(VPC, 1);
    const vpc = resources.hasResourceProperties(VPC, {
      region: "us-east-1",
      natGateways: { strategy: "Single" },
      numberOfAvailabilityZones: 2,
    });
    for (const fn of serviceFunctions(resources)) {
      expect(fn.inputs.vpcConfig.subnetIds).to.deep.equal(vpc.outputs.privateSubnetIds);
    }
    const hooks = resources.ofType(FUNCTION).filter((f) => f.name.includes("-hook"));
    expect(hooks.length).to.be.greaterThan(0);
    for (const hook of hooks) {
      expect(hook.inputs.vpcConfig, hook.name).to.equal(undefined);
    }
  });

  it("dev without NAT: the flags read through the extension get AppConfig Data's endpoint, tracing X-Ray's", async () => {
    const { resources } = await runStack("dev", {
      preview: false,
      set: { network: { vpc: "create", natGateways: "none" } },
    });
    const services = resources
      .ofType(VPC)[0]
      .inputs.vpcEndpointSpecs.map((spec: { serviceName: string }) => spec.serviceName);
    expect(services).to.deep.equal([
      "com.amazonaws.us-east-1.dynamodb",
      "com.amazonaws.us-east-1.xray",
      "com.amazonaws.us-east-1.appconfigdata",
    ]);
    // What the offline preview prints about it (awsx's Vpc is remote: only its inputs are seen).
    expect(renderNetworkPlan(networkPlan(resources.all), (text) => text)).to.deep.equal([
      "Private network (functions in a VPC; awsx builds a created VPC's subnets at `pulumi up`)",
      "  us-east-1: created (awsx), 2 AZs, 10.0.0.0/16, NAT None; endpoints dynamodb (gateway), xray (interface), appconfigdata (interface); 1 function inside, 2 outside (hooks)",
    ]);
  });

  it("prod: a VPC per serving region with a NAT gateway per AZ, passing the policy pack", async () => {
    const { resources } = await runStack("prod", { set: { network: { vpc: "create" } } });
    resources.resourceCountIs(VPC, 2);
    expect(
      resources
        .ofType(VPC)
        .map((vpc) => [vpc.inputs.region, vpc.inputs.natGateways.strategy])
        .sort(),
    ).to.deep.equal([
      ["us-east-1", "OnePerAz"],
      ["us-west-2", "OnePerAz"],
    ]);
    expect(await runPolicies(resources, { stackName: "prod" })).to.deep.equal([]);
  });

  it("refuses a malformed network before registering anything, naming the stack file", async () => {
    let failure: unknown;
    try {
      await runStack("dev", { set: { network: { vpc: "create", natGateways: "per-az" } } });
    } catch (error) {
      failure = error;
    }
    const message = String((failure as Error).message);
    expect(message).to.equal(
      'stacks/Pulumi.dev.yaml has 1 invalid setting:\n  - multiregion-serverless:network.natGateways is "per-az": must be one of "none", "single", "one-per-az"',
    );
    const registered = (failure as { resources: ResourceCapture }).resources.all;
    expect(registered.filter((r) => r.type !== "pulumi:pulumi:Stack")).to.deep.equal([]);
  });
});
