import {
  CodeDeployClient,
  GetDeploymentGroupCommand,
  ListDeploymentsCommand,
} from "@aws-sdk/client-codedeploy";
import { GetAliasCommand, LambdaClient } from "@aws-sdk/client-lambda";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import Module from "module";
import * as path from "path";
import {
  chainWaves,
  LAMBDA_DEPLOYMENT_TYPE,
  LambdaDeployment,
  LambdaDeploymentArgs,
  lambdaDeploymentProviderInstance,
} from "../../components/lambdaDeployment";
import { TrafficShiftedFunction } from "../../components/trafficShiftedFunction";
import { LAMBDA_DEPLOYMENT_INPUT_KEYS } from "../../deployment/provider";
import { expectRunFailure, runComponent } from "../../testing";
import { runStack } from "../program/runStack";
import { alias } from "./fakes";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

const args: LambdaDeploymentArgs = {
  applicationName: "orders",
  deploymentGroupName: "orders-live",
  functionName: "orders-fn",
  aliasName: "live",
  targetVersion: "4",
  region: "eu-west-1",
};

/** Loads serialized provider text the way `pulumi-resource-pulumi-nodejs` does (require-from-string). */
function loadSerialized(text: string): any {
  const filename = path.join(process.cwd(), "__serialized_provider__.js");
  const loaded = new Module(filename, module);
  loaded.filename = filename;
  loaded.paths = (Module as any)._nodeModulePaths(process.cwd());
  (loaded as any)._compile(text, filename);
  return loaded.exports;
}

describe("LambdaDeployment component", () => {
  it("registers a dynamic LambdaDeployment with the deployment's inputs and defaults", async () => {
    const { resources } = await runComponent(() => {
      const role = new aws.iam.Role("orders-role", { assumeRolePolicy: "{}" });
      const fn = new aws.lambda.Function("orders-fn", {
        region: "eu-west-1",
        role: role.arn,
        runtime: "nodejs22.x",
        handler: "index.handler",
        publish: true,
        code,
      });
      return new LambdaDeployment("orders-deployment", {
        ...args,
        functionName: fn.name,
        targetVersion: fn.version,
        hooks: { beforeAllowTraffic: "CodeDeployHook_orders-pre" },
      });
    });

    const deployment = resources.get(LAMBDA_DEPLOYMENT_TYPE, "orders-deployment");
    expect(LAMBDA_DEPLOYMENT_TYPE).to.equal("pulumi-nodejs:dynamic:LambdaDeployment");
    expect(deployment.custom).to.equal(true);
    expect(deployment.inputs).to.deep.include({
      applicationName: "orders",
      deploymentGroupName: "orders-live",
      functionName: "orders-fn-mock123",
      aliasName: "live",
      targetVersion: "1",
      hooks: { beforeAllowTraffic: "CodeDeployHook_orders-pre" },
      waitForCompletion: true,
      region: "eu-west-1",
    });
    expect(deployment.inputs).not.to.have.property("timeoutMinutes");
    expect(deployment.inputs.__provider)
      .to.be.a("string")
      .and.match(/^exports\.handler = /);
    const fn = resources.get("aws:lambda/function:Function", "orders-fn");
    expect(deployment.dependencies).to.include(fn.urn);
  });

  it("rejects bad arguments before registering anything, listing every problem", async () => {
    const failure = await expectRunFailure(
      runComponent(
        () =>
          new LambdaDeployment("orders-deployment", {
            ...args,
            targetVersion: "$LATEST",
            functionName: "arn:aws:lambda:eu-west-1:123456789012:function:orders-fn",
            timeoutMinutes: 0,
            region: "Ireland",
          }),
      ),
    );

    expect(failure.message).to.equal(
      [
        'LambdaDeployment "orders-deployment" has invalid arguments:',
        '  - [functionName] is "arn:aws:lambda:eu-west-1:123456789012:function:orders-fn"; allowed: a Lambda function name (1-64 letters, digits, - or _), not an ARN',
        '  - [targetVersion] is "$LATEST"; allowed: a published version number such as "4" (CodeDeploy shifts an alias between published versions, never $LATEST)',
        '  - [region] is "Ireland"; allowed: an AWS region code such as "eu-west-1"',
        "  - [timeoutMinutes] is 0; allowed: a whole number of minutes from 1 to 2880, or unset to derive it from the deployment group's configuration",
      ].join("\n"),
    );
    expect(failure.resources.all).to.have.length(0);
  });

  it("rejects a bad hook name or account id beside one that is an output not resolved yet", async () => {
    const failure = await expectRunFailure(
      runComponent(
        () =>
          new LambdaDeployment("orders-deployment", {
            ...args,
            hooks: {
              beforeAllowTraffic: pulumi.output("orders-smoke"),
              afterAllowTraffic: "orders smoke!",
            },
            allowedAccountIds: [pulumi.output("111122223333"), "1234"],
          }),
      ),
    );

    expect(failure.message).to.equal(
      [
        'LambdaDeployment "orders-deployment" has invalid arguments:',
        '  - [hooks.afterAllowTraffic] is "orders smoke!"; allowed: a Lambda function name (1-64 letters, digits, - or _)',
        '  - [allowedAccountIds[1]] is "1234"; allowed: a 12-digit AWS account id',
      ].join("\n"),
    );
    expect(failure.resources.all).to.have.length(0);
  });

  it("rejects customTimeouts shorter than timeoutMinutes", async () => {
    const failure = await expectRunFailure(
      runComponent(
        () =>
          new LambdaDeployment(
            "orders-deployment",
            { ...args, timeoutMinutes: 90 },
            { customTimeouts: { update: "1h" } },
          ),
      ),
    );

    expect(failure.message).to.include(
      '[customTimeouts.update] is "1h", shorter than [timeoutMinutes] 90; allowed: at least "90m", or unset',
    );
  });

  it("takes an empty or zero customTimeouts as unset, as Pulumi's engine does, whatever timeoutMinutes is", async () => {
    for (const customTimeouts of [
      { create: "", update: "0" },
      { create: "0s", update: "0m" },
    ]) {
      const { resources } = await runComponent(
        () =>
          new LambdaDeployment(
            "orders-deployment",
            { ...args, timeoutMinutes: 90 },
            { customTimeouts },
          ),
      );

      expect(
        resources.ofType(LAMBDA_DEPLOYMENT_TYPE),
        JSON.stringify(customTimeouts),
      ).to.have.length(1);
    }
  });

  it("chains regional deployments into waves: each depends on the previous region's", async () => {
    const { result, resources } = await runComponent(() =>
      chainWaves(
        ["us-east-1", "eu-west-1", "ap-southeast-2"],
        (region, after) =>
          new LambdaDeployment(`orders-${region}`, { ...args, region }, { dependsOn: after }),
      ),
    );

    expect(result).to.have.length(3);
    const [first, second, third] = ["us-east-1", "eu-west-1", "ap-southeast-2"].map((region) =>
      resources.get(LAMBDA_DEPLOYMENT_TYPE, `orders-${region}`),
    );
    expect(first.inputs.region).to.equal("us-east-1");
    expect(first.dependencies).to.deep.equal([]);
    expect(second.dependencies).to.deep.equal([first.urn]);
    expect(third.dependencies).to.deep.equal([second.urn]);
  });
});

describe("LambdaDeployment provider serialization", () => {
  let serialized: string;

  before(async () => {
    // What `pulumi.dynamic.Resource` does with the provider before registering it.
    serialized = (await pulumi.runtime.serializeFunction(() => lambdaDeploymentProviderInstance))
      .text;
  });

  it("serializes each method, capturing no SDK client and requiring the SDK by package name", async () => {
    const provider = lambdaDeploymentProviderInstance as unknown as Record<string, () => unknown>;
    for (const method of ["create", "update", "diff", "delete"]) {
      const { text } = await pulumi.runtime.serializeFunction(provider[method]);
      expect(text, method).to.match(/^exports\.handler = /);
    }

    // A captured client would carry its middleware stack and resolved config.
    expect(serialized).not.to.match(/middlewareStack|credentialDefaultProvider/);
    const required = [...serialized.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    expect([...new Set(required)].sort()).to.deep.equal([
      "@aws-sdk/client-codedeploy",
      "@aws-sdk/client-lambda",
      "@aws-sdk/credential-providers",
      "crypto", // Node's own module: the AppSpec's sha256
      "util", // Node's own module: diff's comparison of recorded and new inputs
    ]);
    expect(serialized).not.to.include("@pulumi/pulumi");
  });

  it("runs after deserialization as the dynamic provider host would, with clients built inside", async () => {
    const lambda = mockClient(LambdaClient);
    const codedeploy = mockClient(CodeDeployClient);
    const log = console.log;
    const logged: string[] = [];
    console.log = (line: string) => logged.push(line);
    try {
      lambda.on(GetAliasCommand).resolves(alias("4"));
      // CodeDeploy API reference, ListDeployments response: `deployments` (ids), `nextToken`.
      codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
      // CodeDeploy API reference, GetDeploymentGroup response: `deploymentGroupInfo` (here a
      // group that never had a deployment, so no `lastAttemptedDeployment`).
      codedeploy.on(GetDeploymentGroupCommand).resolves({
        deploymentGroupInfo: {
          applicationName: "orders",
          deploymentGroupName: "orders-live",
          deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
          computePlatform: "Lambda",
        },
      });
      const provider = loadSerialized(serialized).handler();

      const news = { ...args, waitForCompletion: true, keepVersions: 0 };
      const state = {
        ...news,
        status: "Succeeded",
        deployedVersion: "4",
        previousVersion: "3",
      };
      const diff = await provider.diff("eu-west-1/orders-fn:live/0badf00d", state, news);
      const created = await provider.create(news);

      expect(diff).to.deep.equal({ changes: false });
      expect(created.outs.status).to.equal("AlreadyAtTarget");
      expect(lambda.commandCalls(GetAliasCommand)[0].args[0].input).to.deep.equal({
        FunctionName: "orders-fn",
        Name: "live",
      });
      expect(await lambda.commandCalls(GetAliasCommand)[0].thisValue.config.region()).to.equal(
        "eu-west-1",
      );
      expect(
        codedeploy.calls().map((call) => (call.args[0] as object).constructor.name),
      ).to.deep.equal([
        // diff (preview): the listings only
        "ListDeploymentsCommand",
        "ListDeploymentsCommand",
        // create: the group's last attempted deployment, then the listings
        "GetDeploymentGroupCommand",
        "ListDeploymentsCommand",
        "ListDeploymentsCommand",
      ]);
      // The clients are built inside, with the engine's own retry policy and timeouts.
      expect(await lambda.commandCalls(GetAliasCommand)[0].thisValue.config.maxAttempts()).to.equal(
        1,
      );
      expect(logged).to.deep.equal([
        "LambdaDeployment orders-fn:live (eu-west-1): alias serves version 4; no deployment running",
        "LambdaDeployment orders-fn:live (eu-west-1): alias live serves version 4; no deployment needed",
      ]);
    } finally {
      console.log = log;
      lambda.restore();
      codedeploy.restore();
    }
  });
});

describe("LambdaDeployment credentials and account guard", () => {
  it("passes the default AWS provider's credentials from stack config (profile, every role of the chain) as a secret", async () => {
    const { resources } = await runComponent(
      () => new LambdaDeployment("orders-deployment", args),
      {
        config: {
          "aws:profile": "prod-deployer",
          // The AWS provider's `assumeRoles` (ProviderAssumeRole in @pulumi/aws): a chain.
          "aws:assumeRoles": [
            {
              roleArn: "arn:aws:iam::999988887777:role/hub",
              duration: "1h30m",
            },
            {
              roleArn: "arn:aws:iam::111122223333:role/deployer",
              sessionName: "ci",
              externalId: "x-1",
            },
          ],
          "aws:allowedAccountIds": ["111122223333"],
        },
      },
    );

    const deployment = resources.get(LAMBDA_DEPLOYMENT_TYPE, "orders-deployment");
    expect(deployment.inputs.credentials).to.deep.equal({
      profile: "prod-deployer",
      assumeRoles: [
        { roleArn: "arn:aws:iam::999988887777:role/hub", durationSeconds: 5400 },
        {
          roleArn: "arn:aws:iam::111122223333:role/deployer",
          sessionName: "ci",
          externalId: "x-1",
        },
      ],
    });
    expect(deployment.secretPaths).to.include("credentials");
    expect(deployment.options.additionalSecretOutputs).to.include("credentials");
    expect(deployment.inputs.allowedAccountIds).to.deep.equal(["111122223333"]);
  });

  it("uses the credentials of the region's aws provider it inherits from its parent", async () => {
    const { resources } = await runComponent(() => {
      const provider = new aws.Provider("eu-west-1", {
        region: "eu-west-1",
        profile: "eu-deployer",
      });
      const parent = new pulumi.ComponentResource(
        "test:index:Service",
        "orders",
        {},
        { providers: [provider] },
      );
      return new LambdaDeployment("orders-deployment", args, { parent });
    });

    const deployment = resources.get(LAMBDA_DEPLOYMENT_TYPE, "orders-deployment");
    expect(deployment.inputs.credentials).to.deep.equal({ profile: "eu-deployer" });
  });

  it("sends no credentials when none are configured (the default chain, like the AWS provider)", async () => {
    const { resources } = await runComponent(() => new LambdaDeployment("orders-deployment", args));

    const deployment = resources.get(LAMBDA_DEPLOYMENT_TYPE, "orders-deployment");
    expect(deployment.inputs).not.to.have.property("credentials");
    expect(deployment.inputs.keepVersions).to.equal(5);
  });

  it("is given, by TrafficShiftedFunction, the function's account, keepVersions and retryToken", async () => {
    const { resources } = await runComponent(
      () =>
        new TrafficShiftedFunction("orders", {
          code,
          region: "eu-west-1",
          trafficShifting: { keepVersions: 2, retryToken: "2026-01-02" },
        }),
    );

    const deployment = resources.get(LAMBDA_DEPLOYMENT_TYPE, "orders-deployment");
    expect(deployment.inputs).to.deep.include({ keepVersions: 2, retryToken: "2026-01-02" });
    expect(deployment.inputs.allowedAccountIds).to.have.length(1);
    expect(deployment.inputs.allowedAccountIds[0]).to.match(/^\d{12}$/);
  });
});

describe("LambdaDeployment and the dashboard", () => {
  const dashboardUrl =
    "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/orders-staging";

  it("is given the dashboard's address by TrafficShiftedFunction, which changing alone does not redeploy", async () => {
    const { resources } = await runComponent(
      () => new TrafficShiftedFunction("orders", { code, region: "eu-west-1", dashboardUrl }),
    );
    const deployment = resources.get(LAMBDA_DEPLOYMENT_TYPE, "orders-deployment");
    expect(deployment.inputs.dashboardUrl).to.equal(dashboardUrl);
    expect(LAMBDA_DEPLOYMENT_INPUT_KEYS).not.to.include("dashboardUrl");
  });

  it("refuses a dashboard address that is not an https:// link, naming the argument", () => {
    expect(
      () =>
        new TrafficShiftedFunction("orders", {
          code,
          region: "eu-west-1",
          dashboardUrl: "orders-staging",
        }),
    ).to.throw(/dashboardUrl.*"orders-staging".*must be an https:\/\/ address/s);
  });
});

describe("LambdaDeployment from stack config", () => {
  it("takes deployment.keepVersions and deployment.retryToken from the stack's config", async () => {
    const { resources } = await runStack("staging", {
      set: { deployment: { keepVersions: 3, retryToken: "after-incident-42" } },
    });

    const deployments = resources.ofType(LAMBDA_DEPLOYMENT_TYPE);
    expect(deployments).to.not.have.length(0);
    for (const deployment of deployments) {
      expect(deployment.inputs, deployment.name).to.deep.include({
        keepVersions: 3,
        retryToken: "after-incident-42",
      });
    }
  });
});
