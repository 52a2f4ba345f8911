import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { expect } from "chai";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { DeploymentCredentials } from "../../deployment/clients";
import {
  LambdaDeploymentInputs,
  LambdaDeploymentOutputs,
  lambdaDeploymentProvider,
  PartialFailure,
  UNKNOWN_VALUE,
} from "../../deployment/provider";
import { ordersInputs, world } from "./sim/scenario";

const id = "eu-west-1/orders-fn:live/0badf00d";

function setUp(setup: Parameters<typeof world>[0] = {}) {
  const { sim, clock } = world(setup);
  const lines: string[] = [];
  const asked: { region: string; credentials?: DeploymentCredentials }[] = [];
  const provider = lambdaDeploymentProvider({
    clients: async (region, credentials) => {
      asked.push({ region, credentials });
      return sim.clients();
    },
    clock,
    log: (line) => lines.push(line),
  });
  return { sim, clock, lines, asked, provider };
}

async function failureOf(run: Promise<unknown>): Promise<PartialFailure> {
  try {
    await run;
  } catch (error) {
    return error as PartialFailure;
  }
  throw new Error("expected a failure");
}

describe("LambdaDeployment provider", () => {
  it("knows Pulumi's unknown-value sentinel", () => {
    expect(UNKNOWN_VALUE).to.equal(rpc.unknownValue);
  });

  it("creates with an id carrying a marker and state without undefined members", async () => {
    const { provider, clock } = setUp();
    const inputs = ordersInputs("3");

    const created = await clock.drive(provider.create(inputs));

    expect(created.id).to.match(/^eu-west-1\/orders-fn:live\/[0-9a-f]{8}$/);
    expect(created.outs).to.deep.equal({
      ...inputs,
      status: "AlreadyAtTarget",
      deployedVersion: "3",
      routingWeights: {},
      previousVersion: "3",
    });
    // What the dynamic provider host does with the result; it throws on `undefined`.
    expect(() => Struct.fromJavaScript(created.outs as any)).not.to.throw();
  });

  it("turns a rolled-back deployment into a partial failure that records where things stand", async () => {
    const { sim, clock, provider } = setUp();
    sim.fateOf = () => ({ kind: "alarm", afterShiftMs: 0, alarm: "orders-errors" });
    const olds = { ...ordersInputs("3"), status: "AlreadyAtTarget" } as LambdaDeploymentOutputs;

    const failure = await failureOf(clock.drive(provider.update!(id, olds, ordersInputs("4"))));

    expect(failure.message).to.include("Alarm that stopped it: orders-errors");
    expect(failure.id).to.equal(id);
    expect(failure.reasons).to.deep.equal([failure.message]);
    expect(failure.properties).to.deep.include({
      deploymentId: "d-SIM000001",
      status: "Stopped",
      deployedVersion: "3",
      routingWeights: {},
      previousVersion: "3",
    });
    expect(() => Struct.fromJavaScript(failure.properties as any)).not.to.throw();
    const create = sim.requests.find((request) => request.command === "CreateDeploymentCommand");
    expect(create?.input.description).to.equal(
      "pulumi up: live -> version 4 [pulumi:0badf00d:4:0]",
    );
  });

  it("plans an update when an input changes, without calling AWS", async () => {
    const { sim, provider } = setUp();
    const olds = { ...ordersInputs("3"), status: "AlreadyAtTarget" } as LambdaDeploymentOutputs;

    const diff = await provider.diff!(id, olds, ordersInputs("4"));

    expect(diff).to.deep.equal({ changes: true });
    expect(sim.requests).to.have.length(0);
  });

  it("plans an update for an unknown target version in preview, without calling AWS", async () => {
    const { sim, provider } = setUp();
    const olds = { ...ordersInputs("3"), status: "AlreadyAtTarget" } as LambdaDeploymentOutputs;

    const diff = await provider.diff!(id, olds, {
      ...ordersInputs("3"),
      targetVersion: UNKNOWN_VALUE,
    });

    expect(diff.changes).to.equal(true);
    expect(sim.requests).to.have.length(0);
  });

  it("reports no change when the inputs are the same and the alias serves the target", async () => {
    const { clock, provider } = setUp();
    const olds = { ...ordersInputs("3"), status: "AlreadyAtTarget" } as LambdaDeploymentOutputs;

    const diff = await clock.drive(provider.diff!(id, olds, ordersInputs("3")));

    expect(diff).to.deep.equal({ changes: false });
  });

  it("checks every input at once, skips unknown values, and keeps the description within CodeDeploy's limit", async () => {
    const { provider } = setUp();

    const result = await provider.check!({} as LambdaDeploymentInputs, {
      ...ordersInputs("3"),
      targetVersion: "$LATEST",
      aliasName: "123",
      timeoutMinutes: 0,
      functionName: UNKNOWN_VALUE,
      description: "d".repeat(67),
      keepVersions: -1,
      allowedAccountIds: ["12345"],
    });

    expect(result.failures?.map((failure) => failure.property)).to.deep.equal([
      "aliasName",
      "targetVersion",
      "timeoutMinutes",
      "description",
      "keepVersions",
      "allowedAccountIds",
    ]);
    expect(result.failures?.[3].reason).to.match(
      /^\[description\] is "d{67}"; allowed: text of at most 66 characters/,
    );
  });

  it("refuses a description with tag-like text, naming the key and the value", async () => {
    const { provider } = setUp();

    const result = await provider.check!({} as LambdaDeploymentInputs, {
      ...ordersInputs("3"),
      description: "hotfix [pulumi:0badf00d:3:0]",
    });

    expect(result.failures).to.have.length(1);
    expect(result.failures?.[0].property).to.equal("description");
    expect(result.failures?.[0].reason).to.match(
      /^\[description\] is "hotfix \[pulumi:0badf00d:3:0\]"; allowed: .*without "\[pulumi:"/,
    );
  });

  it("builds its clients with the credentials it was given (the AWS provider's)", async () => {
    const { clock, provider, asked } = setUp();
    const credentials = {
      profile: "prod-deployer",
      assumeRole: { roleArn: "arn:aws:iam::111122223333:role/deployer" },
    };

    await clock.drive(provider.create({ ...ordersInputs("3"), credentials }));

    expect(asked).to.deep.equal([{ region: "eu-west-1", credentials }]);
  });

  describe("when the credentials recorded in the state have expired", () => {
    function expiredThenDefault(setup: Parameters<typeof world>[0] = {}) {
      const { sim, clock } = world(setup);
      const lines: string[] = [];
      // Shape: AWS "Common Errors" (CodeDeploy and Lambda API references): ExpiredTokenException,
      // "The security token included in the request is expired", HTTP 403.
      const expired = {
        send: async () => {
          throw Object.assign(new Error("The security token included in the request is expired"), {
            name: "ExpiredTokenException",
            $fault: "client",
            $metadata: { httpStatusCode: 403 },
          });
        },
      };
      const provider = lambdaDeploymentProvider({
        clients: async (_region, credentials) =>
          credentials ? { codedeploy: expired, lambda: expired } : sim.clients(),
        clock,
        log: (line) => lines.push(line),
      });
      return { sim, clock, lines, provider };
    }
    const credentials = { accessKey: "ASIAEXAMPLE", secretKey: "example", token: "old-session" };

    it("delete falls back to the default credential chain and stops the recorded deployment", async () => {
      const { sim, clock, lines, provider } = expiredThenDefault();
      sim.foreignDeployment("4", "pulumi up: live -> version 4 [pulumi:0badf00d:4:0]");
      const state = {
        ...ordersInputs("4", { credentials, allowedAccountIds: ["111122223333"] }),
        deploymentId: "d-SIM000001",
        status: "Created",
      } as LambdaDeploymentOutputs;

      await clock.drive(provider.delete!(id, state));

      expect(lines.join("\n")).to.include("trying the default credential chain");
      expect(sim.deployments[0].status).to.equal("Stopped");
    });

    it("refuses to fall back when the default credentials reach another account", async () => {
      const { clock, provider, sim } = expiredThenDefault({ accountId: "999999999999" });
      const state = {
        ...ordersInputs("4", { credentials, allowedAccountIds: ["111122223333"] }),
        status: "Succeeded",
      } as LambdaDeploymentOutputs;

      const failure = await failureOf(clock.drive(provider.delete!(id, state)));

      expect(failure.message).to.include("reach account 999999999999, not 111122223333");
      expect(sim.requests.map((request) => request.command)).to.deep.equal(["GetAliasCommand"]);
    });

    it("refresh reads the alias with the default credential chain", async () => {
      const { clock, provider } = expiredThenDefault();
      const state = {
        ...ordersInputs("4", { credentials }),
        status: "Succeeded",
        deployedVersion: "4",
      } as LambdaDeploymentOutputs;

      const read = await clock.drive(provider.read!(id, state));

      expect(read.props?.deployedVersion).to.equal("3");
    });
  });

  it("deletes quietly when the deployment group is already gone", async () => {
    const { clock, provider, sim } = setUp({ deploymentGroupName: "another-group" });
    const state = {
      ...ordersInputs("4"),
      deploymentId: "d-GONE",
      status: "Created",
    } as LambdaDeploymentOutputs;

    await clock.drive(provider.delete!(id, state));

    expect(
      sim.requests.filter((request) => request.command === "StopDeploymentCommand"),
    ).to.have.length(0);
  });

  it("on refresh records what the alias really serves", async () => {
    const { clock, provider } = setUp();
    const state = {
      ...ordersInputs("4"),
      status: "Succeeded",
      deployedVersion: "4",
    } as LambdaDeploymentOutputs;

    const read = await clock.drive(provider.read!(id, state));

    expect(read).to.deep.equal({
      id,
      props: { ...state, deployedVersion: "3", routingWeights: {} },
    });
  });
});
