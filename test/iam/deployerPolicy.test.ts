import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  DEPLOYMENT_ENGINE_COMMAND_ACTIONS,
  deployerPolicy,
  deployerPolicyDocument,
  DeployerPolicyTarget,
  TrafficShiftedFunction,
} from "../../components";
import { promiseOf, runComponent } from "../../testing";

const ROOT = path.join(__dirname, "..", "..");

/** Every .ts file under a folder of this repository. */
function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(relative);
    return entry.name.endsWith(".ts") ? [relative] : [];
  });
}

/** The AWS SDK v3 commands the deployment engine sends, by file (`XxxCommand` names). */
function engineCommands(): Map<string, string[]> {
  const commands = new Map<string, string[]>();
  for (const file of typeScriptFiles("deployment")) {
    const source = fs.readFileSync(path.join(ROOT, file), "utf8");
    for (const [, name] of source.matchAll(/\b([A-Z][A-Za-z0-9]*Command)\b/g)) {
      commands.set(name, [...(commands.get(name) ?? []), file]);
    }
  }
  return commands;
}

/** The SDK clients a command can come from; an `XxxCommand` name none of them exports is no SDK command. */
const SDK_MODULES = ["@aws-sdk/client-codedeploy", "@aws-sdk/client-lambda", "@aws-sdk/client-sts"];
function isSdkCommand(name: string): boolean {
  return SDK_MODULES.some((module) => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return typeof require(module)[name] === "function";
    } catch {
      return false;
    }
  });
}

const ordersTarget: DeployerPolicyTarget = {
  functionArn: "arn:aws:lambda:us-east-1:123456789012:function:orders-function",
  applicationName: "orders-deploy",
  deploymentGroupName: "orders",
  deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
};

const actionsOf = (document: ReturnType<typeof deployerPolicyDocument>): Set<string> =>
  new Set(document.Statement.flatMap((statement) => statement.Action));

describe("deployer policy", () => {
  it("grants an IAM action for every AWS SDK command the deployment engine sends", () => {
    const commands = engineCommands();
    expect(commands.size, "no SDK commands found in deployment/").to.be.greaterThan(5);
    const granted = actionsOf(deployerPolicyDocument([ordersTarget]));
    const problems: string[] = [];
    for (const [command, files] of commands) {
      const actions = DEPLOYMENT_ENGINE_COMMAND_ACTIONS[command];
      if (!isSdkCommand(command)) {
        problems.push(`${command} (${files[0]}) is exported by none of ${SDK_MODULES.join(", ")}`);
      } else if (actions === undefined) {
        problems.push(
          `${command} (${files[0]}) has no IAM action in DEPLOYMENT_ENGINE_COMMAND_ACTIONS`,
        );
      } else {
        const missing = actions.filter((action) => !granted.has(action));
        if (missing.length > 0) {
          problems.push(`${command} needs ${missing.join(", ")}, which the policy does not grant`);
        }
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it("grants no action that no engine command needs", () => {
    // What the engine really sends, not the whole map: a grant for a command no longer sent
    // (or never sent) is excess privilege.
    const needed = new Set(
      [...engineCommands().keys()].flatMap(
        (command) => DEPLOYMENT_ENGINE_COMMAND_ACTIONS[command] ?? [],
      ),
    );
    const extra = [...actionsOf(deployerPolicyDocument([ordersTarget]))].filter(
      (action) => !needed.has(action),
    );
    expect(extra).to.deep.equal([]);
  });

  it("includes what CodeDeploy checks for CreateDeployment: the configuration and the application's revisions", () => {
    const statements = deployerPolicyDocument([ordersTarget]).Statement;
    const resourcesOf = (action: string) =>
      statements.filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource);
    expect(resourcesOf("codedeploy:CreateDeployment")).to.deep.equal([
      "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:orders-deploy/orders",
    ]);
    expect(resourcesOf("codedeploy:GetDeploymentConfig")).to.deep.equal([
      "arn:aws:codedeploy:us-east-1:123456789012:deploymentconfig:CodeDeployDefault.LambdaCanary10Percent5Minutes",
    ]);
    for (const action of [
      "codedeploy:RegisterApplicationRevision",
      "codedeploy:GetApplicationRevision",
    ]) {
      expect(resourcesOf(action)).to.deep.equal([
        "arn:aws:codedeploy:us-east-1:123456789012:application:orders-deploy",
      ]);
    }
  });

  it("lets pulumi destroy stop any deployment: StopDeployment is granted on *, which is all it accepts", () => {
    const stop = deployerPolicyDocument([ordersTarget]).Statement.find((s) =>
      s.Action.includes("codedeploy:StopDeployment"),
    );
    expect(stop?.Resource).to.deep.equal(["*"]);
  });

  it("deletes versions but never the function itself", () => {
    const prune = deployerPolicyDocument([ordersTarget]).Statement.filter((s) =>
      s.Action.includes("lambda:DeleteFunction"),
    );
    expect(prune.flatMap((s) => s.Resource)).to.deep.equal([`${ordersTarget.functionArn}:*`]);
  });

  it("scopes to every function of a multi-region service, each in its own region", () => {
    const euTarget: DeployerPolicyTarget = {
      ...ordersTarget,
      functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:orders-function",
    };
    const run = deployerPolicyDocument([ordersTarget, euTarget]).Statement.find(
      (s) => s.Sid === "RunDeployments",
    );
    expect(run?.Resource).to.deep.equal([
      "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:orders-deploy/orders",
      "arn:aws:codedeploy:eu-west-1:123456789012:deploymentgroup:orders-deploy/orders",
    ]);
  });

  it("rejects targets it cannot scope, naming every problem at once", () => {
    expect(() => deployerPolicyDocument([])).to.throw(/\[targets\]/);
    expect(() =>
      deployerPolicyDocument([
        {
          ...ordersTarget,
          functionArn: "arn:aws:lambda:us-east-1:123456789012:function:orders-function:live",
          deploymentGroupName: "*",
        },
      ]),
    ).to.throw(/targets\[0\]\.functionArn[\s\S]*targets\[0\]\.deploymentGroupName/);
  });

  it("is built from TrafficShiftedFunction outputs, leaving out weighted-mode functions", async () => {
    const code = new pulumi.asset.AssetArchive({
      "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});"),
    });
    const { result } = await runComponent(() => {
      const orders = new TrafficShiftedFunction("orders", { code, region: "us-east-1" });
      const reports = new TrafficShiftedFunction("reports", {
        code,
        region: "us-east-1",
        trafficShifting: { mode: "weighted" },
      });
      return deployerPolicy([orders, reports]);
    });
    const document = JSON.parse(await promiseOf(result));
    const functionStatement = document.Statement.find(
      (s: { Sid: string }) => s.Sid === "ReadAliasesAndVersions",
    );
    expect(functionStatement.Resource).to.deep.equal([
      "arn:aws:lambda:us-east-1:123456789012:function:orders-function-mock123",
      "arn:aws:lambda:us-east-1:123456789012:function:orders-function-mock123:*",
    ]);
  });

  it("is the policy docs/deployments.md prints, and the docs name exactly its actions", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "deployments.md"), "utf8");
    const section = /<!-- deployer-policy:begin -->([\s\S]*?)<!-- deployer-policy:end -->/.exec(
      doc,
    );
    expect(section, "deployer-policy markers in docs/deployments.md").to.not.equal(null);
    const json = /```json\n([\s\S]*?)```/.exec(section![1]);
    expect(json, "a json block between the markers").to.not.equal(null);
    expect(JSON.parse(json![1])).to.deep.equal(deployerPolicyDocument([ordersTarget]));
    const table = section![1].slice(0, json!.index);
    const named = new Set(
      [...table.matchAll(/`((?:lambda|codedeploy):[A-Za-z]+)`/g)].map((m) => m[1]),
    );
    expect([...named].sort()).to.deep.equal(
      [...actionsOf(deployerPolicyDocument([ordersTarget]))].sort(),
    );
  });
});
