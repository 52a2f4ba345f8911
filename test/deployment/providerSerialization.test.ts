import { expect } from "chai";
import { RegionalService } from "../../components";
import { lambdaDeploymentProviderInstance } from "../../components/lambdaDeployment";
import { runComponent } from "../../testing";
import { code } from "../multiRegion/fixtures";

// The SDK module dynamic/index.js calls at each serialization (`sc.serializeFunction(...)`).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const serializer = require("@pulumi/pulumi/runtime/closure/serializeClosure") as {
  serializeFunction: (...args: unknown[]) => Promise<unknown>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  cacheDynamicProviders(): boolean;
};

describe("the deployment provider is serialized once per process", () => {
  it("every LambdaDeployment of a service carries the same provider text, serialized at most once", async function () {
    this.timeout(120_000);
    const original = serializer.serializeFunction;
    const serialized: unknown[] = [];
    serializer.serializeFunction = (fn: unknown, ...rest: unknown[]) => {
      serialized.push((fn as () => unknown)());
      return original(fn, ...rest);
    };
    try {
      const { resources } = await runComponent(
        () =>
          new RegionalService("orders", {
            region: "eu-west-1",
            functions: { a: { code }, b: { code }, c: { code } },
            routes: { "GET /a": "a" },
          }),
      );
      const deployments = resources.ofType("pulumi-nodejs:dynamic:LambdaDeployment");
      expect(deployments).to.have.length(3);
      // Pulumi caches by provider object (dynamic/index.js `providerCache`, a WeakMap): one
      // object for every LambdaDeployment means one serialization per process (none here when an
      // earlier test of this process already serialized it).
      expect(serialized.length).to.be.at.most(1);
      for (const provider of serialized)
        expect(provider).to.equal(lambdaDeploymentProviderInstance);
      const texts = new Set(deployments.map((deployment) => deployment.inputs.__provider));
      expect(texts.size).to.equal(1);
    } finally {
      serializer.serializeFunction = original;
    }
  });

  it("the cache is on in a real run unless PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS=false", () => {
    // runtime/state.js: `cacheDynamicProviders: process.env[...] !== "false"`, read when the
    // language host starts the program; setMocks keeps it.
    expect(process.env.PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS).to.not.equal("false");
    expect(settings.cacheDynamicProviders()).to.equal(true);
  });
});
