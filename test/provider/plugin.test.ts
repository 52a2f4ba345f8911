// The package as Pulumi loads it for programs in other languages. Pulumi's Node.js language
// host runs `@pulumi/pulumi/cmd/run-plugin <package root>`, which `require`s the root (its
// package.json `main`) and either hosts a ComponentProvider for the component classes it finds
// there or calls the export when it is a function (pulumi/pulumi sdk/nodejs/cmd/run-plugin).
// These tests do the same with the package root built from the sources, then drive the
// provider it serves: over gRPC from Pulumi's own runner, and in-process the way the provider
// server calls it, with the LambdaDeployment custom resource against the AWS simulator.
import { expect } from "chai";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import {
  LAMBDA_DEPLOYMENT_RESOURCE_TYPE,
  LAMBDA_DEPLOYMENT_TYPE,
} from "../../components/lambdaDeployment";
import { DeploymentCredentials } from "../../deployment/clients";
import type { PartialFailure } from "../../deployment/provider";
import type { PackageProvider as PackageProviderClass } from "../../provider/provider";
import { TrafficShiftedFunction } from "../../components";
import { runComponent } from "../../testing";
import { ordersInputs, world } from "../deployment/sim/scenario";
import { builtPackageRoot } from "./builtPackage";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkPlugin } = require("../consumer/plugin.js") as {
  checkPlugin(
    root: string,
  ): Promise<{ requests: string[]; createError: string; resources: string[] }>;
};

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: unknown) => ({ [SIG]: SECRET_SIG, value });
const URN =
  "urn:pulumi:dev::orders::multiregion-serverless:index:TrafficShiftedFunction$" +
  "multiregion-serverless:index:LambdaDeployment::orders-deployment";
const CREDENTIALS: DeploymentCredentials = { accessKey: "AKIDEXAMPLE", secretKey: "example" };

describe("the package as Pulumi's plugin runner loads it", function () {
  this.timeout(120_000);
  let root: string;
  let PackageProvider: typeof PackageProviderClass;

  before(() => {
    root = builtPackageRoot();
    // The same module the runner's require reaches (dist/provider/plugin.js requires it).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    PackageProvider = require(path.join(root, "dist", "provider", "provider.js")).PackageProvider;
  });

  it("main is the plugin entry: no component classes for the runner to host, a function it calls", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require(path.join(root, "package.json"));
    expect(pkg.main).to.equal("dist/provider/plugin.js");
    // What run-plugin does: `const reqResult = require(program)` with the package folder.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(root);
    expect(getPulumiComponents(exported)).to.deep.equal([]);
    expect(exported).to.be.a("function");
    // The library is what `import "multiregion-serverless"` gets (package.json exports).
    expect(pkg.exports["."].default).to.equal("./dist/components/index.js");
  });

  it("Pulumi's runner serves the provider over gRPC from a directory without node_modules", async () => {
    const observed = await checkPlugin(root);
    expect(observed.resources).to.include(LAMBDA_DEPLOYMENT_RESOURCE_TYPE);
    // The deployment engine ran in the plugin, with the package's own AWS SDK.
    expect(observed.requests[0]).to.match(/^CodeDeploy_20141006\.|^GET \/2015-03-31\/functions/);
    expect(observed.createError).to.include("DeploymentGroupDoesNotExistException");
  });

  describe("LambdaDeployment, called as the provider server calls it", () => {
    function setUp(setup: Parameters<typeof world>[0] = {}) {
      const { sim, clock } = world(setup);
      const asked: (DeploymentCredentials | undefined)[] = [];
      const lines: string[] = [];
      const provider = new PackageProvider({
        deploymentEnvironment: {
          clients: async (_region, credentials) => {
            asked.push(credentials);
            return sim.clients() as any;
          },
          clock,
          log: (line) => lines.push(line),
        },
      });
      return { sim, clock, provider, asked, lines };
    }
    /** Inputs as the engine sends them: a component's registration, credentials secret. */
    const wireInputs = (version: string) => ({
      ...ordersInputs(version),
      credentials: secret(CREDENTIALS),
    });

    it("creates, updates and deletes, with the credentials unwrapped for AWS and secret in the state", async () => {
      const { sim, clock, provider, asked } = setUp();

      const checked = await provider.check(URN, {}, wireInputs("4"));
      expect(checked.failures).to.deep.equal([]);
      expect(checked.inputs.credentials).to.deep.equal(secret(CREDENTIALS));

      const created = await clock.drive(provider.create(URN, wireInputs("4")));
      expect(created.id).to.match(/^eu-west-1\/orders-fn:live\/[0-9a-f]{8}$/);
      expect(created.outs).to.include({ status: "Succeeded", deployedVersion: "4" });
      expect(created.outs.credentials).to.deep.equal(secret(CREDENTIALS));
      expect(asked[0]).to.deep.equal(CREDENTIALS);
      expect(sim.aliasNow().version).to.equal("4");

      const olds = created.outs;
      const unchanged = await clock.drive(provider.diff(created.id, URN, olds, wireInputs("4")));
      expect(unchanged.changes).to.equal(false);
      const changed = await clock.drive(provider.diff(created.id, URN, olds, wireInputs("5")));
      expect(changed.changes).to.equal(true);

      const updated = await clock.drive(provider.update(created.id, URN, olds, wireInputs("5")));
      expect(updated.outs).to.include({ status: "Succeeded", deployedVersion: "5" });
      expect(updated.outs.previousVersion).to.equal("4");
      expect(updated.outs.credentials).to.deep.equal(secret(CREDENTIALS));
      expect(sim.aliasNow().version).to.equal("5");

      const refreshed = await clock.drive(provider.read(created.id, URN, updated.outs));
      expect(refreshed.props.deployedVersion).to.equal("5");
      expect(refreshed.props.credentials).to.deep.equal(secret(CREDENTIALS));

      await clock.drive(provider.delete(created.id, URN, updated.outs));
      expect(sim.active()).to.deep.equal([]);
    });

    it("fails a rolled-back deployment with its state recorded, credentials still secret", async () => {
      const { sim, clock, provider } = setUp();
      sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 0, alarm: "orders-errors" });
      let failure: PartialFailure | undefined;
      await clock
        .drive(provider.create(URN, wireInputs("4")))
        .catch((error: PartialFailure) => (failure = error));
      expect(failure, "the create fails").to.not.equal(undefined);
      expect(failure!.id).to.match(/^eu-west-1\/orders-fn:live\//);
      expect(failure!.message).to.include("orders-errors");
      expect(failure!.properties.credentials).to.deep.equal(secret(CREDENTIALS));
      expect(failure!.properties.status).to.equal("Stopped");
      expect(sim.aliasNow().version).to.equal("3");
    });

    it("checks inputs as the dynamic provider does, unknowns at preview included", async () => {
      const { provider } = setUp();
      const refused = await provider.check(URN, {}, { ...wireInputs("4"), timeoutMinutes: 0 });
      expect(refused.failures!.map((failure) => failure.property)).to.deep.equal([
        "timeoutMinutes",
      ]);
      const preview = await provider.check(
        URN,
        {},
        { ...wireInputs("4"), targetVersion: pulumi.runtime.unknownValue },
      );
      expect(preview.failures).to.deep.equal([]);
    });

    it("an SDK user who omits waitForCompletion and keepVersions sees no diff after create (check records the defaults)", async () => {
      const { clock, provider } = setUp();
      const omitted: Record<string, unknown> = { ...wireInputs("4") };
      delete omitted.waitForCompletion;
      delete omitted.keepVersions;
      const checked = await provider.check(URN, {}, omitted);
      expect(checked.inputs).to.include({ waitForCompletion: true, keepVersions: 5 });
      const created = await clock.drive(provider.create(URN, checked.inputs));
      const again = await provider.check(URN, created.outs, omitted);
      const diff = await clock.drive(provider.diff(created.id, URN, created.outs, again.inputs));
      expect(diff.changes).to.equal(false);
    });

    it("refuses pulumi import (no properties say which alias to read) instead of recording nothing", async () => {
      const { provider } = setUp();
      let message = "";
      await provider.read("eu-west-1/orders-fn:live/0badf00d", URN, {}).catch((error: Error) => {
        message = error.message;
      });
      expect(message).to.include("LambdaDeployment cannot be imported");
    });

    it("serves no other custom resource", async () => {
      const { provider } = setUp();
      const other = URN.replace(/LambdaDeployment::/, "Other::");
      let message = "";
      await provider.create(other, {}).catch((error: Error) => (message = error.message));
      expect(message).to.include(
        "its only custom resource is multiregion-serverless:index:LambdaDeployment",
      );
    });
  });

  it("constructs a codedeploy-mode TrafficShiftedFunction with the package's LambdaDeployment, not a dynamic one", async () => {
    const provider = new PackageProvider();
    const { resources, result } = await runComponent(() =>
      provider.construct(
        "orders",
        "multiregion-serverless:index:TrafficShiftedFunction",
        {
          code: new pulumi.asset.FileArchive("./service/orders"),
          trafficShifting: { type: "Canary10Percent5Minutes" },
          region: "us-east-1",
        },
        {},
      ),
    );
    expect(resources.ofType(LAMBDA_DEPLOYMENT_TYPE)).to.deep.equal([]);
    const [deployment] = resources.ofType(LAMBDA_DEPLOYMENT_RESOURCE_TYPE);
    expect(deployment, "the package's LambdaDeployment").to.not.equal(undefined);
    expect(deployment.inputs).to.not.have.property("__provider");
    expect(deployment.inputs).to.include({ aliasName: "live", region: "us-east-1" });
    expect(deployment.options.additionalSecretOutputs).to.deep.equal(["credentials"]);
    expect((result.state as Record<string, unknown>).deploymentId).to.not.equal(undefined);
  });

  it("registers that LambdaDeployment with no plugin version or URL, so the program's installed plugin serves it", async () => {
    // The engine takes a registration's version verbatim and looks that plugin up at the
    // program's source (a git install: refs/tags/v<version>); only a registration without one
    // gets the program's default provider for the package, the plugin it installed (pulumi/pulumi
    // pkg/resource/deploy/default_providers.go `normalizeProviderRequest`).
    const { resources } = await runComponent(() =>
      new PackageProvider().construct(
        "orders",
        "multiregion-serverless:index:RegionalService",
        {
          region: "us-east-1",
          functions: { orders: { code: new pulumi.asset.FileArchive("./service/orders") } },
        },
        {},
      ),
    );
    const [deployment] = resources.ofType(LAMBDA_DEPLOYMENT_RESOURCE_TYPE);
    expect(deployment, "the package's LambdaDeployment").to.not.equal(undefined);
    expect(deployment.options.version, "no version: the program's default provider").to.equal(
      undefined,
    );
    expect(deployment.options.pluginDownloadURL).to.equal(undefined);
    // The AWS resources keep their own SDK's version, as @pulumi/aws registers them.
    const fn = resources.ofType("aws:lambda/function:Function")[0];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(fn.options.version).to.equal(require("@pulumi/aws/package.json").version);
  });
});

describe("the plugin options a package resource registers with", () => {
  it("a TypeScript program's dynamic LambdaDeployment asks for no plugin version", async () => {
    const { resources } = await runComponent(
      () =>
        new TrafficShiftedFunction("orders", {
          code: new pulumi.asset.FileArchive("./service/orders"),
        }),
    );
    const [deployment] = resources.ofType(LAMBDA_DEPLOYMENT_TYPE);
    expect(deployment.options.version).to.equal(undefined);
  });
});
