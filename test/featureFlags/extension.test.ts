// The AWS AppConfig Agent Lambda extension layer: one ARN per region and architecture, from
// AWS's published table (components/appConfigExtension.ts names the page and the version).
import { expect } from "chai";
import {
  appConfigExtensionRegions,
  AWS_COMMERCIAL_REGIONS,
  findAppConfigExtensionLayerArn,
  MultiRegionService,
  TrafficShiftedFunction,
} from "../../components";
import { expectRunFailure, runComponent } from "../../testing";
import { code, domain, ordersRoutes } from "../multiRegion/fixtures";

const FUNCTION = "aws:lambda/function:Function";
// The layer ARN format of AWS's table: arn:aws:lambda:<region>:<AWS account>:layer:<name>:<version>.
const LAYER_ARN =
  /^arn:aws:lambda:([a-z0-9-]+):(\d{12}):layer:(AWS-AppConfig-Extension(?:-Arm64)?):(\d+)$/;

describe("the AppConfig extension layer, per region and architecture", () => {
  it("every region the package accepts has an x86_64 and an arm64 layer, in that region", () => {
    const missing = AWS_COMMERCIAL_REGIONS.filter(
      (region) =>
        findAppConfigExtensionLayerArn(region, "x86_64") === undefined ||
        findAppConfigExtensionLayerArn(region, "arm64") === undefined,
    );
    expect(missing).to.deep.equal([]);
    for (const region of AWS_COMMERCIAL_REGIONS) {
      const x86 = LAYER_ARN.exec(findAppConfigExtensionLayerArn(region, "x86_64")!)!;
      const arm = LAYER_ARN.exec(findAppConfigExtensionLayerArn(region, "arm64")!)!;
      expect([x86[1], x86[3]], region).to.deep.equal([region, "AWS-AppConfig-Extension"]);
      expect([arm[1], arm[3]], region).to.deep.equal([region, "AWS-AppConfig-Extension-Arm64"]);
      // AWS publishes both layers of a region from the same account.
      expect(arm[2], region).to.equal(x86[2]);
    }
    expect([...appConfigExtensionRegions()].sort()).to.deep.equal(
      [...AWS_COMMERCIAL_REGIONS].sort(),
    );
  });

  it("us-east-1 x86_64 is the ARN of AWS's table", () => {
    expect(findAppConfigExtensionLayerArn("us-east-1")).to.equal(
      "arn:aws:lambda:us-east-1:027255383542:layer:AWS-AppConfig-Extension:321",
    );
    expect(findAppConfigExtensionLayerArn("eu-west-1", "arm64")).to.equal(
      "arn:aws:lambda:eu-west-1:434848589818:layer:AWS-AppConfig-Extension-Arm64:241",
    );
  });

  it("a function with appConfigExtension gets its region's layer for its architecture", async () => {
    const { resources } = await runComponent(
      () =>
        new TrafficShiftedFunction("orders", {
          code,
          region: "eu-west-1",
          architecture: "arm64",
          appConfigExtension: true,
        }),
    );
    resources.hasResourceProperties(FUNCTION, {
      region: "eu-west-1",
      layers: ["arn:aws:lambda:eu-west-1:434848589818:layer:AWS-AppConfig-Extension-Arm64:241"],
    });
  });

  it("a function without it has no layer", async () => {
    const { resources } = await runComponent(
      () => new TrafficShiftedFunction("orders", { code, region: "eu-west-1" }),
    );
    expect(resources.ofType(FUNCTION)[0].inputs.layers).to.equal(undefined);
  });

  it("a service in a region without a layer is refused before anything is registered, naming the region", async () => {
    const failure = await expectRunFailure(
      runComponent(
        () =>
          new MultiRegionService("orders", {
            topology: "active-active",
            routing: "latency",
            regions: ["us-east-1", "eu-east-9"],
            unlistedRegions: ["eu-east-9"],
            functions: { orders: { code, appConfigExtension: true } },
            routes: ordersRoutes,
            domain,
          }),
      ),
    );
    expect(failure.message).to.equal(
      'MultiRegionService "orders": [functions.orders.appConfigExtension] is true: AWS publishes no AppConfig Lambda extension layer for eu-east-9 in the table of extension 2.0.17054.0 (components/appConfigExtension.ts); read flags without the extension there (AWS SDK, appConfigExtension false) or add the region\'s ARN from the AppConfig User Guide',
    );
    expect(failure.resources.all).to.deep.equal([]);
  });

  it("a function outside a service needs its region to pick the layer", async () => {
    const failure = await expectRunFailure(
      runComponent(() => new TrafficShiftedFunction("orders", { code, appConfigExtension: true })),
    );
    expect(failure.message).to.equal(
      'TrafficShiftedFunction "orders": [appConfigExtension] is true: needs `region` as a plain string such as us-east-1 (the extension\'s layer ARN differs per region)',
    );
    expect(failure.resources.all).to.deep.equal([]);
  });
});
