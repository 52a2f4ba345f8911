/**
 * The LambdaDeployment provider's `check` and `diff` as the Pulumi engine calls them. Both hosts
 * hand the provider plain values decoded from protobuf Structs: the dynamic provider host
 * (`@pulumi/pulumi` `cmd/dynamic-provider/index.js`: `req.getNews().toJavaScript()`) and the
 * plugin's provider server (`provider/server.js`, the same call). So:
 * - a value the engine does not know yet (a preview of an output) arrives as the string
 *   `04da6b54-80e4-46f7-96ec-b56ff0331ba9` in its place, at any depth: the Node.js SDK sends an
 *   unknown Output as `rpc.unknownValue`, and the engine passes it on as `UnknownStringValue`
 *   (pulumi/pulumi `sdk/go/common/resource/plugin/rpc.go`, `marshalUnknownProperty`);
 * - no member is ever `undefined` (a Struct cannot hold one);
 * - of a diff's result the host reads only `changes` (true, false, or else "unknown"),
 *   `replaces` and `deleteBeforeReplace` (`diff` in `cmd/dynamic-provider/index.js`):
 *   `{ changes: true }` alone is an update in place.
 */
import { expect } from "chai";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
  LambdaDeploymentInputs,
  LambdaDeploymentOutputs,
  lambdaDeploymentProvider,
  UNKNOWN_VALUE,
} from "../../deployment/provider";
import { ordersInputs, world } from "./sim/scenario";
import { deniedOnFunction } from "./fakes";

const id = "eu-west-1/orders-fn:live/0badf00d";

function setUp(setup: Parameters<typeof world>[0] = {}) {
  const { sim, clock } = world(setup);
  const lines: string[] = [];
  const provider = lambdaDeploymentProvider({
    clients: async () => sim.clients(),
    clock,
    log: (line) => lines.push(line),
  });
  return { sim, clock, lines, provider };
}

/** A value as the provider receives it: through a protobuf Struct, as both hosts decode it. */
function overTheWire<T extends object>(value: T): T {
  return Struct.fromJavaScript(value as any).toJavaScript() as unknown as T;
}

/** The state `pulumi up` recorded for version 3 (the simulator's alias serves 3). */
function recordedAt3(extra: Partial<LambdaDeploymentOutputs> = {}): LambdaDeploymentOutputs {
  return overTheWire({
    ...ordersInputs("3"),
    status: "AlreadyAtTarget",
    deployedVersion: "3",
    routingWeights: {},
    previousVersion: "3",
    ...extra,
  } as LambdaDeploymentOutputs);
}

const hooks = {
  beforeAllowTraffic: "CodeDeployHook_orders-pre",
  afterAllowTraffic: "CodeDeployHook_orders-post",
};

describe("LambdaDeployment provider: check during a preview", () => {
  it("skips a hooks value that is unknown as a whole", async () => {
    const { provider } = setUp();

    const result = await provider.check!(
      {} as LambdaDeploymentInputs,
      overTheWire({ ...ordersInputs("3"), hooks: UNKNOWN_VALUE as any }),
    );

    expect(result.failures).to.deep.equal([]);
  });

  it("reports a bad hook name beside a hook that is not known yet", async () => {
    const { provider } = setUp();

    const result = await provider.check!(
      {} as LambdaDeploymentInputs,
      overTheWire({
        ...ordersInputs("3"),
        hooks: { beforeAllowTraffic: UNKNOWN_VALUE, afterAllowTraffic: "orders post hook" },
      }),
    );

    expect(result.failures).to.deep.equal([
      {
        property: "hooks.afterAllowTraffic",
        reason:
          '[hooks.afterAllowTraffic] is "orders post hook"; allowed: a Lambda function name ' +
          "(1-64 letters, digits, - or _)",
      },
    ]);
  });

  it("reports a malformed account id beside one that is not known yet", async () => {
    const { provider } = setUp();

    const result = await provider.check!(
      {} as LambdaDeploymentInputs,
      overTheWire({ ...ordersInputs("3"), allowedAccountIds: [UNKNOWN_VALUE, "1111-2222-3333"] }),
    );

    expect(result.failures).to.deep.equal([
      {
        property: "allowedAccountIds",
        reason: '[allowedAccountIds[1]] is "1111-2222-3333"; allowed: a 12-digit AWS account id',
      },
    ]);
  });

  it("hands the inputs back as they came", async () => {
    const { provider } = setUp();
    const news = overTheWire({ ...ordersInputs("3"), hooks });

    const result = await provider.check!({} as LambdaDeploymentInputs, news);

    expect(result).to.deep.equal({ inputs: news, failures: [] });
  });
});

describe("LambdaDeployment provider: diff", () => {
  it("plans an update without calling AWS when a hook is not known yet", async () => {
    const { sim, provider } = setUp();

    const diff = await provider.diff!(
      id,
      recordedAt3({ hooks }),
      overTheWire({
        ...ordersInputs("3"),
        hooks: { ...hooks, afterAllowTraffic: UNKNOWN_VALUE },
      }),
    );

    expect(diff).to.deep.equal({ changes: true });
    expect(sim.requests).to.have.length(0);
  });

  it("plans an update without calling AWS when an input was removed", async () => {
    const { sim, provider } = setUp();

    const diff = await provider.diff!(
      id,
      recordedAt3({ description: "orders hotfix" }),
      overTheWire(ordersInputs("3")),
    );

    expect(diff).to.deep.equal({ changes: true });
    expect(sim.requests).to.have.length(0);
  });

  it("plans an update when an account is added to the allowed ones", async () => {
    const { sim, provider } = setUp();

    const diff = await provider.diff!(
      id,
      recordedAt3({ allowedAccountIds: ["111122223333"] }),
      overTheWire(ordersInputs("3", { allowedAccountIds: ["111122223333", "444455556666"] })),
    );

    expect(diff).to.deep.equal({ changes: true });
    expect(sim.requests).to.have.length(0);
  });

  it("deploys nothing for a new dashboard address or fresh credentials alone", async () => {
    const { clock, provider } = setUp();
    const olds = recordedAt3({
      dashboardUrl: "https://console.aws.amazon.com/cloudwatch/home#dashboards:name=orders",
      credentials: { profile: "deployer" },
    });

    const diff = await clock.drive(
      provider.diff!(
        id,
        olds,
        overTheWire(
          ordersInputs("3", {
            dashboardUrl:
              "https://console.aws.amazon.com/cloudwatch/home#dashboards:name=orders-v2",
            credentials: {
              profile: "deployer",
              assumeRole: { roleArn: "arn:aws:iam::111122223333:role/deployer" },
            },
          }),
        ),
      ),
    );

    expect(diff).to.deep.equal({ changes: false });
  });

  it("plans an update when the alias no longer serves the recorded version", async () => {
    const { sim, clock, provider } = setUp();
    // Someone moved the alias by hand (`aws lambda update-alias --function-version 2`).
    sim.alias = { version: "2", weights: {} };

    const diff = await clock.drive(
      provider.diff!(id, recordedAt3(), overTheWire(ordersInputs("3"))),
    );

    expect(diff).to.deep.equal({ changes: true });
  });

  it("plans an update, and says why, when it cannot read the alias", async () => {
    const { sim, clock, lines, provider } = setUp();
    sim.faults = ({ command }) => (command === "GetAliasCommand" ? "denied" : "none");

    const diff = await clock.drive(
      provider.diff!(id, recordedAt3(), overTheWire(ordersInputs("3"))),
    );

    expect(diff).to.deep.equal({ changes: true });
    expect(lines).to.deep.equal([
      "LambdaDeployment orders-fn:live (eu-west-1): could not check where alias live points " +
        `(GetAlias orders-fn:live failed: AccessDeniedException: ${deniedOnFunction("GetAlias")}); ` +
        "planning an update, which checks again before deploying",
    ]);
  });
});
