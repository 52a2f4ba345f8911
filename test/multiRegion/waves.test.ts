import { expect } from "chai";
import { code, runService, shape } from "./fixtures";

const DEPLOYMENT = "pulumi-nodejs:dynamic:LambdaDeployment";

describe("MultiRegionService rollout waves", () => {
  const functions = { orders: { code }, payments: { code } };

  it("starts each region's deployments only after every deployment of the region before it", async () => {
    const { resources, result } = await runService({
      topology: "active-passive",
      primaryRegion: "us-east-1",
      standbyRegions: ["us-west-2", "eu-west-1"],
      ...shape,
      functions,
      routes: { "POST /orders": "orders", "POST /payments": "payments" },
      rolloutWaves: true,
    });
    expect(result.regionOrder).to.deep.equal(["us-east-1", "us-west-2", "eu-west-1"]);
    const deploymentsIn = (region: string) =>
      resources.ofType(DEPLOYMENT).filter((d) => d.inputs.region === region);
    const [first, second, third] = result.regionOrder.map(deploymentsIn);
    expect(first).to.have.length(2);
    for (const deployment of first) {
      expect(
        deployment.dependencies.filter((urn) => urn.includes("LambdaDeployment")),
      ).to.deep.equal([]);
    }
    for (const deployment of second) {
      expect(deployment.dependencies).to.include.members(first.map((d) => d.urn));
    }
    for (const deployment of third) {
      expect(deployment.dependencies).to.include.members(second.map((d) => d.urn));
      expect(deployment.dependencies).to.not.include.members(first.map((d) => d.urn));
    }
  });

  it("shifts every region at once without waves", async () => {
    const { resources } = await runService({
      topology: "active-active",
      regions: ["us-east-1", "eu-west-1"],
      routing: "latency",
      ...shape,
    });
    for (const deployment of resources.ofType(DEPLOYMENT)) {
      expect(
        deployment.dependencies.filter((urn) => urn.includes("LambdaDeployment")),
      ).to.deep.equal([]);
    }
  });

  it("skips functions in weighted mode, which stack config moves", async () => {
    const { resources } = await runService({
      topology: "active-active",
      regions: ["us-east-1", "eu-west-1"],
      routing: "latency",
      ...shape,
      functions: { orders: { code, trafficShifting: { mode: "weighted" } } },
      rolloutWaves: true,
    });
    resources.resourceCountIs(DEPLOYMENT, 0);
  });
});
