/**
 * What `pulumi up`, `pulumi destroy` and `pulumi refresh` get from the LambdaDeployment
 * provider's create, update, delete and read: the state recorded, the progress printed, the
 * AWS calls made, the errors shown. Against the AWS simulator (test/deployment/sim), on its
 * virtual clock.
 */
import { ApplicationDoesNotExistException } from "@aws-sdk/client-codedeploy";
import { expect } from "chai";
import { DeploymentCredentials } from "../../deployment/clients";
import {
  LambdaDeploymentInputs,
  LambdaDeploymentOutputs,
  lambdaDeploymentProvider,
} from "../../deployment/provider";
import { ordersInputs, world } from "./sim/scenario";
import { deniedOnFunction, deniedOnGroup } from "./fakes";

const id = "eu-west-1/orders-fn:live/0badf00d";
const prefix = "LambdaDeployment orders-fn:live (eu-west-1): ";

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

/** The inputs without `key`, as the engine sends an input the program did not set. */
function without<K extends keyof LambdaDeploymentInputs>(
  inputs: LambdaDeploymentInputs,
  key: K,
): LambdaDeploymentInputs {
  return Object.fromEntries(
    Object.entries(inputs).filter(([name]) => name !== key),
  ) as unknown as LambdaDeploymentInputs;
}

async function errorOf(run: Promise<unknown>): Promise<Error> {
  try {
    await run;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

/**
 * Shape: AWS "Common Errors" (CodeDeploy and Lambda API references): ExpiredTokenException,
 * "The security token included in the request is expired", HTTP 403.
 */
function expiredTokenError(): Error {
  return Object.assign(new Error("The security token included in the request is expired"), {
    name: "ExpiredTokenException",
    $fault: "client",
    $metadata: { httpStatusCode: 403 },
  });
}

/** Clients whose every request is refused as an expired session. */
const expiredClients = {
  codedeploy: { send: async () => Promise.reject(expiredTokenError()) },
  lambda: { send: async () => Promise.reject(expiredTokenError()) },
};

const sessionCredentials = { accessKey: "ASIAEXAMPLE", secretKey: "example", token: "old" };

describe("LambdaDeployment provider: create and update", () => {
  it("gives every resource a marker of its own, which tags its deployments", async () => {
    const { sim, clock, provider } = setUp();

    const first = await clock.drive(provider.create(ordersInputs("4")));
    const second = await clock.drive(provider.create(ordersInputs("5")));

    const markers = [first.id, second.id].map((created) => created.split("/")[2]);
    expect(markers[0]).to.not.equal(markers[1]);
    const descriptions = sim.deployments.map((deployment) => deployment.description);
    expect(descriptions).to.deep.equal([
      `pulumi up: live -> version 4 [pulumi:${markers[0]}:4:0]`,
      `pulumi up: live -> version 5 [pulumi:${markers[1]}:5:0]`,
    ]);
  });

  it("gives a resource whose id it did not make a marker of its own", async () => {
    const { sim, clock, provider } = setUp();
    const olds = { ...ordersInputs("3"), status: "AlreadyAtTarget" } as LambdaDeploymentOutputs;

    // An id of another shape: none is made, but a state edited by hand (`pulumi state edit`)
    // can hold one.
    await clock.drive(
      provider.update!("orders/orders-live/orders-fn/live", olds, ordersInputs("4")),
    );

    expect(sim.deployments[0].description).to.match(
      /^pulumi up: live -> version 4 \[pulumi:[0-9a-f]{8}:4:0\]$/,
    );
  });

  it("deletes old versions after a deployment succeeds, keeping the target and the version it replaced", async () => {
    const { sim, clock, lines, provider } = setUp();

    await clock.drive(provider.create(ordersInputs("4", { keepVersions: 1 })));

    expect([...sim.versions].sort()).to.deep.equal(["3", "4", "5"]);
    expect(lines.at(-1)).to.equal(
      `${prefix}pruned 2 old versions of orders-fn (1, 2); keeping the newest 1 and every ` +
        "version an alias serves",
    );
  });

  it("deletes old versions when the alias already served the target", async () => {
    const { sim, clock, lines, provider } = setUp();

    const created = await clock.drive(provider.create(ordersInputs("3", { keepVersions: 1 })));

    expect(created.outs?.status).to.equal("AlreadyAtTarget");
    expect([...sim.versions].sort()).to.deep.equal(["3", "5"]);
    expect(lines.at(-1)).to.equal(
      `${prefix}pruned 3 old versions of orders-fn (1, 2, 4); keeping the newest 1 and every ` +
        "version an alias serves",
    );
  });

  it("keeps the newest five versions when keepVersions is not given", async () => {
    const { sim, clock, provider } = setUp({ versions: ["1", "2", "3", "4", "5", "6", "7", "8"] });

    await clock.drive(provider.create(without(ordersInputs("8"), "keepVersions")));

    expect([...sim.versions].sort()).to.deep.equal(["3", "4", "5", "6", "7", "8"]);
  });

  it("leaves old versions alone when it did not wait for its deployment", async () => {
    const { sim, clock, lines, provider } = setUp();

    const created = await clock.drive(
      provider.create(ordersInputs("4", { keepVersions: 1, waitForCompletion: false })),
    );

    expect(created.outs?.status).to.equal("Created");
    expect([...sim.versions].sort()).to.deep.equal(["1", "2", "3", "4", "5"]);
    expect(lines.filter((line) => line.includes("prun"))).to.deep.equal([]);
  });

  it("waits for the deployment when waitForCompletion is not given, and records that it did", async () => {
    const { clock, provider } = setUp();

    const created = await clock.drive(
      provider.create(without(ordersInputs("4"), "waitForCompletion")),
    );

    expect(created.outs).to.deep.include({
      waitForCompletion: true,
      status: "Succeeded",
      deployedVersion: "4",
    });
  });
});

describe("LambdaDeployment provider: delete", () => {
  const state = {
    ...ordersInputs("4"),
    deploymentId: "d-SIM000001",
    status: "Succeeded",
  } as LambdaDeploymentOutputs;

  it("deletes quietly when the CodeDeploy application is already gone", async () => {
    const { sim, clock } = world();
    const sent: string[] = [];
    const provider = lambdaDeploymentProvider({
      clients: async () => ({
        lambda: sim.clients().lambda,
        codedeploy: {
          send: async (command: { constructor: { name: string } }) => {
            sent.push(command.constructor.name);
            // CodeDeploy API reference, ListDeployments errors: ApplicationDoesNotExistException
            // (HTTP 400). AWS documents no example of its message text; this is the exception's
            // description in the SDK (`ApplicationDoesNotExistException`, models/errors.d.ts).
            throw new ApplicationDoesNotExistException({
              message:
                "The application does not exist with the user or Amazon Web Services account.",
              $metadata: { httpStatusCode: 400 },
            });
          },
        },
      }),
      clock,
      log: () => undefined,
    });

    await clock.drive(provider.delete!(id, state));

    expect(sent).to.deep.equal(["ListDeploymentsCommand"]);
  });

  it("refuses to delete, and says what to do, when it cannot list the running deployments", async () => {
    const { sim, clock, provider } = setUp();
    sim.faults = ({ command }) => (command === "ListDeploymentsCommand" ? "denied" : "none");

    const error = await errorOf(clock.drive(provider.delete!(id, state)));

    expect(error.message).to.equal(
      "LambdaDeployment orders-fn:live: could not check for running deployments to stop before " +
        `deleting (ListDeployments orders-live failed: AccessDeniedException: ${deniedOnGroup("ListDeployments")}). ` +
        "Stop them yourself (aws deploy " +
        "stop-deployment --auto-rollback-enabled) and retry, or remove the resource from the " +
        "state with `pulumi state delete`.",
    );
  });

  it("does not try other credentials when AWS refuses the recorded ones for another reason", async () => {
    const { sim, clock, asked, provider } = setUp();
    sim.faults = ({ command }) => (command === "ListDeploymentsCommand" ? "denied" : "none");

    const error = await errorOf(
      clock.drive(provider.delete!(id, { ...state, credentials: sessionCredentials })),
    );

    expect(error.message).to.include("(ListDeployments orders-live failed: AccessDeniedException");
    expect(asked).to.deep.equal([{ region: "eu-west-1", credentials: sessionCredentials }]);
  });

  it("does not try other credentials when none were recorded", async () => {
    const { clock } = world();
    let asked = 0;
    const provider = lambdaDeploymentProvider({
      clients: async () => {
        asked++;
        return expiredClients;
      },
      clock,
      log: () => undefined,
    });

    const error = await errorOf(clock.drive(provider.delete!(id, state)));

    expect(error.message).to.include(
      "(ListDeployments orders-live failed: ExpiredTokenException: The security token included " +
        "in the request is expired)",
    );
    expect(asked).to.equal(1);
  });
});

describe("LambdaDeployment provider: refresh", () => {
  const state = {
    ...ordersInputs("4"),
    status: "Succeeded",
    deployedVersion: "4",
  } as LambdaDeploymentOutputs;

  it("records the routing weights of an alias that is shifting traffic", async () => {
    const { clock, provider } = setUp({ aliasWeights: { "4": 0.1 } });

    const read = await clock.drive(provider.read!(id, state));

    expect(read.props).to.deep.include({ deployedVersion: "3", routingWeights: { "4": 0.1 } });
  });

  it("keeps the recorded state, and says why, when it cannot read the alias", async () => {
    const { sim, clock, lines, provider } = setUp();
    sim.faults = ({ command }) => (command === "GetAliasCommand" ? "denied" : "none");

    const read = await clock.drive(provider.read!(id, state));

    expect(read).to.deep.equal({ id, props: state });
    expect(lines).to.deep.equal([
      `${prefix}refresh could not read the alias: GetAlias orders-fn:live failed: ` +
        "AccessDeniedException: " +
        deniedOnFunction("GetAlias"),
    ]);
  });

  describe("when the credentials recorded in the state have expired", () => {
    function expiredThenDefault(setup: Parameters<typeof world>[0] = {}) {
      const { sim, clock } = world(setup);
      const lines: string[] = [];
      const provider = lambdaDeploymentProvider({
        clients: async (_region, credentials) => (credentials ? expiredClients : sim.clients()),
        clock,
        log: (line) => lines.push(line),
      });
      return { sim, clock, lines, provider };
    }

    it("says that it tries the default credential chain", async () => {
      const { clock, lines, provider } = expiredThenDefault();

      const read = await clock.drive(
        provider.read!(id, { ...state, credentials: sessionCredentials }),
      );

      expect(read.props?.deployedVersion).to.equal("3");
      expect(lines).to.deep.equal([
        `${prefix}the credentials recorded in the state were refused (ExpiredTokenException: ` +
          "The security token included in the request is expired); trying the default " +
          "credential chain of this process",
      ]);
    });

    it("refuses the default credentials of an account that is not allowed, naming the allowed ones", async () => {
      const { clock, lines, provider } = expiredThenDefault({ accountId: "999999999999" });

      await clock.drive(
        provider.read!(id, {
          ...state,
          credentials: sessionCredentials,
          allowedAccountIds: ["111122223333", "444455556666"],
        }),
      );

      expect(lines.at(-1)).to.equal(
        `${prefix}refresh could not read the alias: LambdaDeployment orders-fn:live: the ` +
          "recorded credentials expired, and the default credentials reach account " +
          "999999999999, not 111122223333 or 444455556666; refusing to act. Run `pulumi up` " +
          "(which records fresh credentials) or set AWS credentials for the stack's account, " +
          "then retry.",
      );
    });
  });
});
