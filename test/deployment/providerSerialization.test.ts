import { spawnSync } from "child_process";
import * as path from "path";
import { expect } from "chai";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  cacheDynamicProviders(): boolean;
};

describe("the deployment provider is serialized once per process", () => {
  it("every LambdaDeployment of a service carries the same provider text, serialized exactly once", function () {
    this.timeout(120_000);
    // A process of its own: Pulumi's cache (dynamic/index.js `providerCache`, a WeakMap keyed by
    // the provider object) lives for the process, and an earlier test of this one may have filled
    // it, which would let a count of 0 pass.
    const script = `
      const serializer = require("@pulumi/pulumi/runtime/closure/serializeClosure");
      const { RegionalService } = require("./components");
      const { lambdaDeploymentProviderInstance } = require("./components/lambdaDeployment");
      const { runComponent } = require("./testing");
      const { code } = require("./test/multiRegion/fixtures");
      const original = serializer.serializeFunction;
      const serialized = [];
      serializer.serializeFunction = (fn, ...rest) => {
        serialized.push(fn() === lambdaDeploymentProviderInstance);
        return original(fn, ...rest);
      };
      runComponent(() => new RegionalService("orders", {
        region: "eu-west-1",
        functions: { a: { code }, b: { code }, c: { code } },
        routes: { "GET /a": "a" },
      })).then(({ resources }) => {
        const deployments = resources.ofType("pulumi-nodejs:dynamic:LambdaDeployment");
        process.stdout.write(JSON.stringify({
          deployments: deployments.length,
          serialized,
          texts: new Set(deployments.map((d) => d.inputs.__provider)).size,
        }));
      });
    `;
    const run = spawnSync(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "-e", script],
      {
        cwd: path.join(__dirname, "..", ".."),
        encoding: "utf8",
      },
    );
    expect(run.status, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout) as {
      deployments: number;
      serialized: boolean[];
      texts: number;
    };
    expect(result.deployments).to.equal(3);
    // One provider object for every LambdaDeployment: one serialization, of that object.
    expect(result.serialized).to.deep.equal([true]);
    expect(result.texts).to.equal(1);
  });

  it("the cache is on in a real run unless PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS=false", () => {
    // runtime/state.js: `cacheDynamicProviders: process.env[...] !== "false"`, read when the
    // language host starts the program; setMocks keeps it.
    expect(process.env.PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS).to.not.equal("false");
    expect(settings.cacheDynamicProviders()).to.equal(true);
  });
});
