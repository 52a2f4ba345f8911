import {
  CreateDeploymentCommand,
  DeploymentGroupDoesNotExistException,
  GetDeploymentCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
} from "@aws-sdk/client-codedeploy";
import { GetAliasCommand } from "@aws-sdk/client-lambda";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { expect } from "chai";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
  LambdaDeploymentInputs,
  LambdaDeploymentOutputs,
  lambdaDeploymentProvider,
  PartialFailure,
  ProviderEnvironment,
  UNKNOWN_VALUE,
} from "../../deployment/provider";
import { alias, deploymentInfo, FakeClock, mockAws } from "./fakes";

const inputs: LambdaDeploymentInputs = {
  applicationName: "orders",
  deploymentGroupName: "orders-live",
  functionName: "orders-fn",
  aliasName: "live",
  targetVersion: "4",
  waitForCompletion: true,
  timeoutMinutes: 60,
  region: "eu-west-1",
};

const deployedState: LambdaDeploymentOutputs = {
  ...inputs,
  deploymentId: "d-ABC",
  status: "Stopped",
  deployedVersion: "3",
  previousVersion: "3",
};

const id = "eu-west-1/orders-fn:live/0badf00d";

function setUp() {
  const aws = mockAws();
  const lines: string[] = [];
  const env: ProviderEnvironment = {
    clients: async () => aws.clients,
    clock: new FakeClock(),
    log: (line) => lines.push(line),
  };
  return { aws, lines, provider: lambdaDeploymentProvider(env) };
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
    const { aws, provider } = setUp();
    aws.lambda.on(GetAliasCommand).resolves(alias("4"));

    const created = await provider.create(inputs);

    expect(created.id).to.match(/^eu-west-1\/orders-fn:live\/[0-9a-f]{8}$/);
    expect(created.outs).to.deep.equal({
      ...inputs,
      status: "AlreadyAtTarget",
      deployedVersion: "4",
      previousVersion: "4",
    });
    expect(created.outs).not.to.have.property("deploymentId");
    // What the dynamic provider host does with the result; it throws on `undefined`.
    expect(() => Struct.fromJavaScript(created.outs as any)).not.to.throw();
  });

  it("turns a rolled-back deployment into a partial failure that records where things stand", async () => {
    const { aws, provider, lines } = setUp();
    aws.lambda.on(GetAliasCommand).resolves(alias("3"));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: "d-ABC" });
    aws.codedeploy.on(GetDeploymentCommand).resolves(
      deploymentInfo("d-ABC", "Stopped", {
        errorInformation: {
          code: "ALARM_ACTIVE",
          message: "... Activated alarms: <orders-errors>",
        },
      }),
    );
    aws.codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    const failure = await failureOf(
      provider.update!(id, { ...deployedState, targetVersion: "3" }, inputs),
    );

    expect(failure.message).to.include("Alarm that stopped it: orders-errors");
    expect(failure.id).to.equal(id);
    expect(failure.reasons).to.deep.equal([failure.message]);
    expect(failure.properties).to.deep.equal({
      ...inputs,
      deploymentId: "d-ABC",
      status: "Stopped",
      deployedVersion: "3",
      previousVersion: "3",
    });
    expect(() => Struct.fromJavaScript(failure.properties as any)).not.to.throw();
    // The id's marker tags the deployment, so delete can recognise it later.
    expect(
      aws.codedeploy.commandCalls(CreateDeploymentCommand)[0].args[0].input.description,
    ).to.equal("pulumi up: live -> version 4 [pulumi:0badf00d]");
    expect(lines[0]).to.match(/^LambdaDeployment orders-fn:live \(eu-west-1\): /);
  });

  it("lets an error before any deployment exists fail the operation as a plain error", async () => {
    const { aws, provider } = setUp();
    aws.lambda
      .on(GetAliasCommand)
      .rejects(
        Object.assign(new Error("Function not found"), { name: "ResourceNotFoundException" }),
      );

    const failure = await failureOf(provider.create(inputs));

    expect(failure.message).to.include("GetAlias orders-fn:live failed: ResourceNotFoundException");
    expect(failure).not.to.have.property("id");
  });

  it("plans an update when an input changes, without calling AWS", async () => {
    const { aws, provider } = setUp();

    const diff = await provider.diff!(id, { ...deployedState, targetVersion: "3" }, inputs);

    expect(diff).to.deep.equal({ changes: true });
    expect(aws.lambda.calls()).to.have.length(0);
    expect(aws.codedeploy.calls()).to.have.length(0);
  });

  it("plans an update for an unknown target version in preview, without calling AWS", async () => {
    const { aws, provider } = setUp();

    const diff = await provider.diff!(id, deployedState, {
      ...inputs,
      targetVersion: UNKNOWN_VALUE,
    });

    expect(diff.changes).to.equal(true);
    expect(aws.lambda.calls()).to.have.length(0);
  });

  it("reports no change when the inputs are the same and the alias is at the target", async () => {
    const { aws, provider } = setUp();
    aws.lambda.on(GetAliasCommand).resolves(alias("4"));

    const diff = await provider.diff!(
      id,
      { ...deployedState, status: "Succeeded", deployedVersion: "4" },
      { ...inputs, hooks: undefined },
    );

    expect(diff).to.deep.equal({ changes: false });
  });

  it("plans a redeploy, and says why, when a rollback left the alias behind the stack", async () => {
    const { aws, provider, lines } = setUp();
    aws.lambda.on(GetAliasCommand).resolves(alias("3"));
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    aws.codedeploy.on(GetDeploymentCommand).resolves(
      deploymentInfo("d-ABC", "Stopped", {
        errorInformation: { code: "ALARM_ACTIVE" },
        rollbackInfo: { rollbackDeploymentId: "d-RB" },
      }),
    );

    const diff = await provider.diff!(id, deployedState, inputs);

    expect(diff).to.deep.equal({ changes: true });
    expect(lines).to.deep.equal([
      "LambdaDeployment orders-fn:live (eu-west-1): alias live is at version 3 but the stack " +
        "wants 4 (last deployment d-ABC Stopped: ALARM_ACTIVE, rolled back by d-RB); deploying version 4 again",
    ]);
    expect(aws.codedeploy.commandCalls(CreateDeploymentCommand)).to.have.length(0);
  });

  it("plans an update, and says so, when it cannot read the alias", async () => {
    const { aws, provider, lines } = setUp();
    aws.lambda
      .on(GetAliasCommand)
      .rejects(Object.assign(new Error("not authorized"), { name: "AccessDeniedException" }));

    const diff = await provider.diff!(id, deployedState, inputs);

    expect(diff.changes).to.equal(true);
    expect(lines[0]).to.include("could not check where alias live points (AccessDeniedException");
  });

  it("checks every input at once and skips unknown values", async () => {
    const { provider } = setUp();

    const result = await provider.check!({} as LambdaDeploymentInputs, {
      ...inputs,
      targetVersion: "$LATEST",
      aliasName: "123",
      timeoutMinutes: 0,
      functionName: UNKNOWN_VALUE,
    });

    expect(result.failures?.map((failure) => failure.property)).to.deep.equal([
      "aliasName",
      "targetVersion",
      "timeoutMinutes",
    ]);
    expect(result.failures?.[1].reason).to.equal(
      '[targetVersion] is "$LATEST"; allowed: a published version number such as "4" ' +
        "(CodeDeploy shifts an alias between published versions, never $LATEST)",
    );
  });

  it("on delete stops the running deployment it recorded, with automatic rollback", async () => {
    const { aws, provider } = setUp();
    aws.codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ["d-ABC"] });
    aws.codedeploy
      .on(GetDeploymentCommand)
      .resolvesOnce(deploymentInfo("d-ABC", "InProgress"))
      .resolves(deploymentInfo("d-ABC", "Stopped"));
    aws.codedeploy.on(StopDeploymentCommand).resolves({ status: "Pending" });

    await provider.delete!(id, { ...deployedState, status: "Created" });

    expect(aws.codedeploy.commandCalls(StopDeploymentCommand)[0].args[0].input).to.deep.equal({
      deploymentId: "d-ABC",
      autoRollbackEnabled: true,
    });
  });

  it("deletes quietly when the deployment group is already gone", async () => {
    const { aws, provider } = setUp();
    aws.codedeploy
      .on(ListDeploymentsCommand)
      .rejects(
        new DeploymentGroupDoesNotExistException({ message: "No such group", $metadata: {} }),
      );

    await provider.delete!(id, deployedState);

    expect(aws.codedeploy.commandCalls(StopDeploymentCommand)).to.have.length(0);
  });

  it("on refresh records the version the alias really points at", async () => {
    const { aws, provider } = setUp();
    aws.lambda.on(GetAliasCommand).resolves(alias("3"));

    const read = await provider.read!(id, { ...deployedState, deployedVersion: "4" });

    expect(read).to.deep.equal({ id, props: { ...deployedState, deployedVersion: "3" } });
  });
});
