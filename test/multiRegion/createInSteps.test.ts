import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  MultiRegionService,
  MultiRegionServiceArgs,
  MultiRegionServiceOptions,
} from "../../components";
import { CapturedResource, expectRunFailure, promiseOf, runComponent } from "../../testing";
import { ALIAS, FUNCTION, RECORD, shape, TABLE } from "./fixtures";

// `MultiRegionService.create` (issue 14): the service of `new`, built one region at a time, and
// in each region one function at a time, so that one function's registration work is live at a
// time (components/constructionSteps.ts, docs/benchmarks.md).

const THREE = ["us-east-1", "eu-west-1", "ap-southeast-1"];
const activePassive: MultiRegionServiceArgs = {
  topology: "active-passive",
  primaryRegion: THREE[0],
  standbyRegions: THREE.slice(1),
  ...shape,
  functions: {
    orders: shape.functions.orders,
    audit: {
      code: shape.functions.orders.code,
      trafficShifting: { type: "Linear10PercentEvery1Minute" },
    },
  },
  routes: { ...shape.routes, "GET /audit": "audit" },
  table: { hashKey: "id" },
  rolloutWaves: true,
};

/** What `pulumi preview` shows of a resource, without the order it was registered in. */
function previewed(resource: CapturedResource) {
  const { urn, type, name, parent, provider, inputs, dependencies, options } = resource;
  return {
    urn,
    type,
    name,
    parent,
    provider,
    inputs,
    dependencies: [...dependencies].sort(),
    options,
  };
}

function byUrn(resources: readonly CapturedResource[]) {
  return Object.fromEntries(resources.map((resource) => [resource.urn, previewed(resource)]));
}

/** The region of a resource of a regional service (its URN's type chain names one), by name. */
function regionOf(resource: CapturedResource): string | undefined {
  if (!resource.urn.includes("multiregion-serverless:index:RegionalService")) return undefined;
  return THREE.find((region) => resource.name.startsWith(`orders-${region}`));
}

describe("MultiRegionService.create (built one region at a time)", () => {
  it("registers the same resources, with the same inputs, parents and options, as new MultiRegionService", async () => {
    const built = await runComponent(() => new MultiRegionService("orders", activePassive));
    const inSteps = await runComponent(() => MultiRegionService.create("orders", activePassive));
    expect(inSteps.resources.all.length).to.equal(built.resources.all.length);
    expect(byUrn(inSteps.resources.all)).to.deep.equal(byUrn(built.resources.all));
    // Spot checks of what a reader of the preview looks for.
    expect(inSteps.resources.ofType(FUNCTION)).to.have.length(6);
    expect(inSteps.resources.ofType(ALIAS)).to.have.length(6);
    expect(inSteps.resources.ofType(TABLE)).to.have.length(1);
  });

  it("resolves to a service with the outputs of new MultiRegionService", async () => {
    const built = await runComponent(() => new MultiRegionService("orders", activePassive));
    const inSteps = await runComponent(() => MultiRegionService.create("orders", activePassive));
    const outputs = async (service: MultiRegionService) => ({
      topology: service.topology,
      regionOrder: service.regionOrder,
      recordNames: service.recordNames,
      records: service.records.length,
      services: Object.keys(service.services),
      failoverDetectionSeconds: service.failoverDetectionSeconds,
      globalEndpoint: await promiseOf(service.globalEndpoint),
      regionalEndpoints: await promiseOf(service.regionalEndpoints),
      healthCheckIds: await promiseOf(service.healthCheckIds),
      functionNames: await promiseOf(service.functionNames),
      tableName: await promiseOf(service.tableName!),
    });
    const expected = await outputs(built.result);
    expect(await outputs(inSteps.result)).to.deep.equal(expected);
    expect(expected.records).to.be.greaterThan(0);
    expect(expected.services).to.deep.equal(THREE);
    // The component's own registered outputs, as the engine records them.
    const component = (run: typeof built) =>
      run.resources.all.find((r) => r.type === "multiregion-serverless:index:MultiRegionService")!
        .outputs;
    expect(component(inSteps)).to.deep.equal(component(built));
  });

  it("answers every registration of a region before it builds the next region", async () => {
    // The order the mocked engine is asked to create resources in (`newResource`).
    const order: string[] = [];
    const outputs = (request: { name: string }) => {
      order.push(request.name);
      return undefined;
    };
    const { resources } = await runComponent(
      () => MultiRegionService.create("orders", activePassive),
      { outputs },
    );
    const named = new Map(resources.all.map((resource) => [resource.name, resource]));
    const regions = order.map((name) => regionOf(named.get(name)!));
    const regional = regions.filter((region): region is string => region !== undefined);
    // Region by region, never back: every answer for us-east-1, then eu-west-1, then the last.
    const runs = regional.filter((region, i) => i === 0 || regional[i - 1] !== region);
    expect(runs).to.deep.equal(THREE);
    expect(regional.length).to.equal(resources.all.filter((r) => regionOf(r)).length);
    // The failover records, which need every region, come after the last region's resources.
    const lastRegional = regions.lastIndexOf(THREE[2]);
    const firstRecord = order.findIndex(
      (name) => named.get(name)!.type === RECORD && regionOf(named.get(name)!) === undefined,
    );
    expect(firstRecord).to.be.greaterThan(lastRegional);
  });

  it("answers a function's registrations before it builds the region's next function", async () => {
    const order: string[] = [];
    const outputs = (request: { name: string }) => {
      order.push(request.name);
      return undefined;
    };
    const { resources } = await runComponent(
      () => MultiRegionService.create("orders", activePassive),
      { outputs },
    );
    // The resources of each function (its component's children), but its LambdaDeployment,
    // which waits for the region's shared deployment role policy, made once every function is.
    const functionOf = new Map(
      resources.all
        .filter((r) => r.urn.includes("TrafficShiftedFunction$") && !r.name.endsWith("-deployment"))
        // orders-<region>-<function>-...: the function's own name, five parts.
        .map((r) => [r.name, r.name.split("-").slice(0, 5).join("-")]),
    );
    const functions = order.map((name) => functionOf.get(name)).filter((fn) => fn !== undefined);
    expect(functions.length).to.be.greaterThan(30);
    // One run per function, in order: no function's answers come after the next one's.
    const runs = functions.filter((fn, i) => i === 0 || functions[i - 1] !== fn);
    expect(runs).to.deep.equal(
      THREE.flatMap((region) => [`orders-${region}-orders`, `orders-${region}-audit`]),
    );
  });

  it("gives each regional service the fields and registered outputs of new", async () => {
    const built = await runComponent(() => new MultiRegionService("orders", activePassive));
    const inSteps = await runComponent(() => MultiRegionService.create("orders", activePassive));
    const fields = async (service: MultiRegionService) =>
      Promise.all(
        Object.values(service.services).map(async (regional) => ({
          region: regional.region,
          api: regional.api.constructor.name,
          stage: regional.stage.constructor.name,
          apiEndpoint: await promiseOf(regional.apiEndpoint),
          healthCheckId: await promiseOf(regional.healthCheckId),
          failoverDetectionSeconds: regional.failoverDetectionSeconds,
          functionNames: await promiseOf(regional.functionNames),
          aliasArns: await promiseOf(regional.aliasArns),
          deploymentIds: regional.deploymentIds.length,
          alarmHealthChecks: regional.alarmHealthChecks.length,
          domainName: regional.domainName?.constructor.name,
          targetDomainName: await promiseOf(regional.customDomain!.targetDomainName),
        })),
      );
    const expected = await fields(built.result);
    expect(expected).to.have.length(3);
    expect(await fields(inSteps.result)).to.deep.equal(expected);
    const registered = (run: typeof built) =>
      run.resources.all
        .filter((r) => r.type === "multiregion-serverless:index:RegionalService")
        .map((r) => r.outputs);
    expect(registered(inSteps)).to.deep.equal(registered(built));
    expect(Object.keys(registered(built)[0])).to.include.members(["apiEndpoint", "deploymentIds"]);
  });

  it("rejects with the error of a region that fails after the first, registering what new does", async () => {
    // A transformation refusing the second region's resources (as a policy-like guard might).
    const refuseEuWest: pulumi.ResourceTransformation = (resource) => {
      if (resource.name.startsWith(`orders-${THREE[1]}`)) {
        throw new Error(`refused: ${resource.name}`);
      }
      return undefined;
    };
    const opts = { transformations: [refuseEuWest] };
    const built = await expectRunFailure(
      runComponent(() => new MultiRegionService("orders", activePassive, opts)),
    );
    const inSteps = await expectRunFailure(
      runComponent(() => MultiRegionService.create("orders", activePassive, opts)),
    );
    expect(inSteps.message).to.equal(built.message);
    expect(inSteps.message).to.include(`refused: orders-${THREE[1]}`);
    expect(byUrn(inSteps.resources.all)).to.deep.equal(byUrn(built.resources.all));
    // The component itself ends as with `new`: registered, with its outputs (none) recorded.
    const component = (run: typeof built) =>
      run.resources.all.find((r) => r.type === "multiregion-serverless:index:MultiRegionService");
    expect(component(inSteps)?.outputs).to.deep.equal(component(built)?.outputs);
    expect(inSteps.resources.all.some((r) => regionOf(r) === THREE[0])).to.equal(true);
  });

  it("builds two services at once as two new ones would", async () => {
    const billing = {
      ...activePassive,
      domain: { ...activePassive.domain!, name: "billing.example.com" },
    };
    const built = await runComponent(() => [
      new MultiRegionService("orders", activePassive),
      new MultiRegionService("billing", billing),
    ]);
    const inSteps = await runComponent(() =>
      Promise.all([
        MultiRegionService.create("orders", activePassive),
        MultiRegionService.create("billing", billing),
      ]),
    );
    expect(byUrn(inSteps.resources.all)).to.deep.equal(byUrn(built.resources.all));
  });

  it("rejects bad arguments with the constructor's error, before anything is registered", async () => {
    const bad = { ...activePassive, standbyRegions: [] };
    const built = await expectRunFailure(runComponent(() => new MultiRegionService("orders", bad)));
    const inSteps = await expectRunFailure(
      runComponent(() => MultiRegionService.create("orders", bad)),
    );
    expect(inSteps.message).to.equal(built.message);
    expect(inSteps.message).to.include('MultiRegionService "orders"');
    expect(inSteps.message).to.include("standbyRegions");
    expect(inSteps.resources.all).to.deep.equal([]);
  });

  it("leaves the next new MultiRegionService whole after a create refused its arguments", async () => {
    const bad = { ...activePassive, standbyRegions: [] };
    const { result, resources } = await runComponent(async () => {
      const refused = await MultiRegionService.create("orders", bad).then(
        () => "created",
        (error: Error) => error.message,
      );
      expect(refused).to.include("standbyRegions");
      return new MultiRegionService("orders", activePassive);
    });
    // Every region and the records, as `new` builds them (the first test compares the rest).
    expect(Object.keys(result.services)).to.deep.equal(THREE);
    expect(resources.ofType(FUNCTION)).to.have.length(6);
    expect(resources.ofType(RECORD).length).to.be.greaterThan(0);
    expect(await promiseOf(result.functionNames)).to.have.keys(THREE);
  });

  it("settles a subclass's getData() once create has built every region, and when a region fails", async () => {
    // ComponentResource.getData() settles when `initialize` does, and the SDK sends the
    // component's RegisterResourceOutputs then (@pulumi/pulumi resource.js,
    // `initializeAndRegisterOutputs`): after a failed region that is the component's only
    // `registerOutputs`, as with `new` throwing.
    const settled: string[] = [];
    class ObservedService extends MultiRegionService {
      constructor(name: string, args: MultiRegionServiceArgs, opts?: MultiRegionServiceOptions) {
        super(name, args, opts);
        void this.getData().then(() => settled.push(name));
      }
    }
    const afterCreate = async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return [...settled];
    };
    await runComponent(() => ObservedService.create("orders", activePassive));
    expect(await afterCreate()).to.deep.equal(["orders"]);

    const refuseEuWest: pulumi.ResourceTransformation = (resource) => {
      if (resource.name.startsWith(`billing-${THREE[1]}`)) throw new Error("refused");
      return undefined;
    };
    const failed = await expectRunFailure(
      runComponent(() =>
        ObservedService.create("billing", activePassive, { transformations: [refuseEuWest] }),
      ),
    );
    expect(failed.message).to.include("refused");
    expect(await afterCreate()).to.deep.equal(["orders", "billing"]);
  });
});
