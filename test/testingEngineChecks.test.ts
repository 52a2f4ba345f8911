// The harness refuses what the Pulumi engine refuses, with the engine's own messages (sources in
// testing/run.ts: pulumi/pulumi sdk/go/common/diag/errors.go, pkg/resource/deploy/
// step_generator.go and snapshot.go), so that a component bug of that kind fails a unit test
// instead of the first `pulumi up`.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { expectRunFailure, promiseOf, runComponent } from "../testing";

const ROLE = "aws:iam/role:Role";
const assumeRolePolicy = "{}";

class Pair extends pulumi.ComponentResource {
  readonly firstRole: aws.iam.Role;
  constructor(
    name: string,
    firstChild: string,
    secondChild: string,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super("test:index:Pair", name, {}, opts);
    this.firstRole = new aws.iam.Role(firstChild, { assumeRolePolicy }, { parent: this });
    new aws.iam.Role(secondChild, { assumeRolePolicy }, { parent: this });
    this.registerOutputs({});
  }
}

describe("testing harness: fails like the engine", () => {
  it("refuses two resources with the same URN (type, name and parent type)", async () => {
    const failure = await expectRunFailure(
      runComponent(() => new Pair("orders", "orders-role", "orders-role")),
    );
    expect(failure.message).to.equal(
      `Duplicate resource URN 'urn:pulumi:test::project::test:index:Pair$${ROLE}::orders-role'; ` +
        "try giving it a unique name",
    );
    // The same name under another type is another URN, as in the engine.
    await runComponent(() => {
      new aws.iam.Role("orders", { assumeRolePolicy });
      new aws.iam.Policy("orders", { policy: "{}" });
    });
    await runComponent(() => new Pair("orders", "orders-role", "orders-other-role"));
  });

  it("refuses a resource whose parent is not registered in this run", async () => {
    // A component from an earlier run (another deployment, as far as this run's engine knows).
    const earlier = await runComponent(() => new Pair("earlier", "earlier-a", "earlier-b"));
    const parent = earlier.result;
    const failure = await expectRunFailure(
      runComponent(() => new aws.iam.Role("orders-role", { assumeRolePolicy }, { parent })),
    );
    expect(failure.message).to.equal(
      "could not find parent resource urn:pulumi:test::project::test:index:Pair::earlier",
    );
  });

  it("refuses two reads with the same URN, and a read of a URN already registered", async () => {
    // The engine gives a read its own URN and refuses one seen before in the run, registered or
    // read (pulumi/pulumi pkg/resource/deploy/step_generator.go `GenerateReadSteps` ->
    // `generateURN`), whatever the ids.
    const twoReads = await expectRunFailure(
      runComponent(() => {
        aws.iam.Role.get("other", "id1");
        aws.iam.Role.get("other", "id2");
      }),
    );
    expect(twoReads.message).to.equal(
      `Duplicate resource URN 'urn:pulumi:test::project::${ROLE}::other'; try giving it a unique name`,
    );
    const readAfterRegister = await expectRunFailure(
      runComponent(() => {
        new aws.iam.Role("orders-role", { assumeRolePolicy });
        aws.iam.Role.get("orders-role", "orders-role-id");
      }),
    );
    expect(readAfterRegister.message).to.equal(
      `Duplicate resource URN 'urn:pulumi:test::project::${ROLE}::orders-role'; try giving it a unique name`,
    );
    // Different names are different URNs.
    await runComponent(() => {
      aws.iam.Role.get("first", "id1");
      aws.iam.Role.get("second", "id1");
    });
  });

  it("refuses a read whose parent is not registered in this run", async () => {
    // `checkParent` runs for reads too (`GenerateReadSteps`).
    const earlier = await runComponent(() => new Pair("earlier", "earlier-a", "earlier-b"));
    const failure = await expectRunFailure(
      runComponent(() =>
        aws.iam.Role.get("legacy-role", "legacy-id", undefined, { parent: earlier.result }),
      ),
    );
    expect(failure.message).to.equal(
      "could not find parent resource urn:pulumi:test::project::test:index:Pair::earlier",
    );
  });

  it("refuses a dependency on a resource of another stack", async () => {
    const other = await runComponent(() => new aws.iam.Role("shared-role", { assumeRolePolicy }), {
      stack: "shared",
    });
    const failure = await expectRunFailure(
      runComponent(
        () => new aws.iam.Role("orders-role", { assumeRolePolicy }, { dependsOn: [other.result] }),
      ),
    );
    expect(failure.message).to.equal(
      `resource urn:pulumi:test::project::${ROLE}::orders-role's dependency ` +
        `urn:pulumi:shared::project::${ROLE}::shared-role refers to missing resource`,
    );
  });

  it("accepts a dependency on a resource the engine knows from outside the run (a construct call's caller), when listed", async () => {
    const caller = await runComponent(() => new aws.iam.Role("caller-role", { assumeRolePolicy }), {
      stack: "caller",
    });
    const callerUrn = "urn:pulumi:caller::project::" + ROLE + "::caller-role";
    const { resources } = await runComponent(
      () => new aws.iam.Role("orders-role", { assumeRolePolicy }, { dependsOn: [caller.result] }),
      { externalResources: [callerUrn] },
    );
    expect(resources.get(ROLE, "orders-role").dependencies).to.deep.equal([callerUrn]);
  });

  it("refuses an input taken from a resource of another stack", async () => {
    const other = await runComponent(() => new aws.iam.Role("shared-role", { assumeRolePolicy }), {
      stack: "shared",
    });
    const failure = await expectRunFailure(
      runComponent(
        () =>
          new aws.iam.RolePolicyAttachment("orders-attachment", {
            role: other.result.name,
            policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
          }),
      ),
    );
    expect(failure.message).to.include(
      `dependency urn:pulumi:shared::project::${ROLE}::shared-role (from property role) refers to missing resource`,
    );
  });

  it("refuses a resource created inside apply, unless allowResourcesInApply", async () => {
    const build = () => {
      const role = new aws.iam.Role("orders-role", { assumeRolePolicy });
      role.name.apply(
        (roleName) => new aws.iam.RolePolicy("orders-inline", { role: roleName, policy: "{}" }),
      );
    };
    const failure = await expectRunFailure(runComponent(build));
    expect(failure.message).to.equal(
      "resource urn:pulumi:test::project::aws:iam/rolePolicy:RolePolicy::orders-inline was " +
        "created inside an apply callback: `pulumi preview` does not show it while the applied " +
        "value is unknown (create it outside apply and pass the Output as an input; " +
        "allowResourcesInApply accepts it)",
    );
    const allowed = await runComponent(build, { allowResourcesInApply: true });
    expect(allowed.resources.all.map((r) => r.name)).to.deep.equal([
      "orders-role",
      "orders-inline",
    ]);
  });

  it("fails the run with the error of an input that fails, though resources wait on it", async function () {
    // Pulumi's runtime logs an unhandled rejection as the program's error, which fails the
    // update (cmd/run/run.js `uncaughtHandler`); the queue never registers, so its policy
    // never does either, and the run must not wait for it.
    this.timeout(10_000);
    const failure = await expectRunFailure(
      runComponent(() => {
        const name = pulumi.output("jobs").apply((): string => {
          throw new Error("no name for the jobs queue");
        });
        const queue = new aws.sqs.Queue("jobs", { name });
        new aws.sqs.QueuePolicy("jobs-policy", { queueUrl: queue.url, policy: "{}" });
      }),
    );
    // The SDK names the property it was serializing (runtime/rpc.js serializeFilteredProperties).
    expect(failure.message).to.equal(
      'error serializing property "name": no name for the jobs queue',
    );
    expect(failure.resources.all.map((r) => r.name)).to.not.include("jobs-policy");
  });

  it("accepts a resource created after awaiting an output outside apply", async () => {
    const { resources } = await runComponent(async () => {
      const role = new aws.iam.Role("orders-role", { assumeRolePolicy });
      await new Promise((resolve) => role.name.apply(resolve));
      new aws.iam.RolePolicy("orders-inline", { role: role.name, policy: "{}" });
    });
    expect(resources.all.map((r) => r.name)).to.deep.equal(["orders-role", "orders-inline"]);
  });
});

// The offline preview tells resources created in apply at construction (its measure
// `apply-context`, testing/run.ts `applyTracking: "construction"`) rather than with an
// AsyncLocalStorage: the same verdicts for synchronous and `async` callbacks.
describe("testing harness: resources created in apply, told at construction", () => {
  const construction = { applyTracking: "construction" as const };
  const refusal = (urn: string) =>
    `resource ${urn} was created inside an apply callback: \`pulumi preview\` does not show it ` +
    "while the applied value is unknown (create it outside apply and pass the Output as an " +
    "input; allowResourcesInApply accepts it)";

  it("refuses one created in a callback, and one created in an async callback after an await", async () => {
    const build = () => {
      const role = new aws.iam.Role("orders-role", { assumeRolePolicy });
      role.name.apply(
        (roleName) => new aws.iam.RolePolicy("orders-inline", { role: roleName, policy: "{}" }),
      );
      role.arn.apply(async (arn) => {
        await new Promise((resolve) => setImmediate(resolve));
        new aws.iam.RolePolicy("orders-later", { role: arn, policy: "{}" });
      });
    };
    const failure = await expectRunFailure(runComponent(build, construction));
    expect(failure.message).to.equal(
      [
        refusal("urn:pulumi:test::project::aws:iam/rolePolicy:RolePolicy::orders-inline"),
        refusal("urn:pulumi:test::project::aws:iam/rolePolicy:RolePolicy::orders-later"),
      ].join("\n"),
    );
    const allowed = await runComponent(build, { ...construction, allowResourcesInApply: true });
    expect(allowed.resources.all.map((r) => r.name)).to.have.members([
      "orders-role",
      "orders-inline",
      "orders-later",
    ]);
  });

  it("refuses a component created in apply and its children, not a component alike outside", async () => {
    const failure = await expectRunFailure(
      runComponent(() => {
        const role = new aws.iam.Role("orders-role", { assumeRolePolicy });
        new Pair("outside", "outside-role", "outside-other-role");
        role.name.apply(() => new Pair("inside", "inside-role", "inside-other-role"));
      }, construction),
    );
    const pair = "urn:pulumi:test::project::test:index:Pair";
    expect(failure.message).to.equal(
      [
        refusal(`${pair}::inside`),
        refusal(`${pair}$aws:iam/role:Role::inside-role`),
        refusal(`${pair}$aws:iam/role:Role::inside-other-role`),
      ].join("\n"),
    );
  });

  it("tells apart resources of the same type and name under parents of different type chains", async () => {
    // A Pair named "p" at the top (inside apply) and one under a Holder (outside): their
    // children have the same type and name, and their parents the same last type and name.
    const failure = await expectRunFailure(
      runComponent(() => {
        const role = new aws.iam.Role("orders-role", { assumeRolePolicy });
        role.name.apply(() => new Pair("p", "p-role", "p-other-role"));
        new Holder("test:index:Holder", "h", "p");
      }, construction),
    );
    const pair = "urn:pulumi:test::project::test:index:Pair";
    expect(failure.message).to.equal(
      [
        refusal(`${pair}::p`),
        refusal(`${pair}$aws:iam/role:Role::p-role`),
        refusal(`${pair}$aws:iam/role:Role::p-other-role`),
      ].join("\n"),
    );
  });

  it("accepts a resource created after awaiting an output outside apply", async () => {
    const { resources } = await runComponent(async () => {
      const role = new aws.iam.Role("orders-role", { assumeRolePolicy });
      await new Promise((resolve) => role.name.apply(resolve));
      new aws.iam.RolePolicy("orders-inline", { role: role.name, policy: "{}" });
    }, construction);
    expect(resources.all.map((r) => r.name)).to.deep.equal(["orders-role", "orders-inline"]);
  });
});

/** A component holding a `Pair`, to nest it one level deeper under a type of its own. */
class Holder extends pulumi.ComponentResource {
  readonly pair: Pair;
  constructor(type: string, name: string, pairName: string) {
    super(type, name, {});
    this.pair = new Pair(pairName, `${pairName}-role`, `${pairName}-other-role`, { parent: this });
    this.registerOutputs({});
  }
}

describe("testing harness: URNs as the engine builds them (the parent's whole type chain)", () => {
  const PAIR = "test:index:Pair";
  const urn = (qualifiedType: string, name: string) =>
    `urn:pulumi:test::project::${qualifiedType}::${name}`;

  it("two children alike under parents of the same last type but different type chains are no duplicate", async () => {
    // The engine: `test:index:Blue$test:index:Pair$aws:iam/role:Role::shared-role` and
    // `test:index:Green$...`. Pulumi's MockMonitor keeps the last parent type only, and would
    // have called both `test:index:Pair$aws:iam/role:Role::shared-role`.
    const { resources } = await runComponent(() => {
      new Holder("test:index:Blue", "blue", "shared");
      new Holder("test:index:Green", "green", "shared");
    });
    expect(resources.ofType(ROLE).map((role) => role.urn)).to.include.members([
      urn(`test:index:Blue$${PAIR}$${ROLE}`, "shared-role"),
      urn(`test:index:Green$${PAIR}$${ROLE}`, "shared-role"),
    ]);
    const child = resources.all.find(
      (r) => r.urn === urn(`test:index:Blue$${PAIR}$${ROLE}`, "shared-role"),
    )!;
    expect(child.parent).to.equal(urn(`test:index:Blue$${PAIR}`, "shared"));
  });

  it("a real duplicate under a nested parent still fails, named with the whole chain", async () => {
    const failure = await expectRunFailure(
      runComponent(() => {
        const holder = new Holder("test:index:Blue", "blue", "twin");
        new Pair("twin", "again-role", "again-other-role", { parent: holder });
      }),
    );
    expect(failure.message).to.equal(
      `Duplicate resource URN '${urn(`test:index:Blue$${PAIR}`, "twin")}'; try giving it a unique name`,
    );
  });

  it("a registered nested resource is found again by its URN (getResource), and a read one can be depended on", async () => {
    const { resources } = await runComponent(async () => {
      const holder = new Holder("test:index:Blue", "blue", "shared");
      const registered = await promiseOf(holder.pair.firstRole.urn);
      // A lookup by URN (`opts.urn`) is the engine's `getResource` of that URN.
      const found = new aws.iam.Role("found", {} as aws.iam.RoleArgs, { urn: registered });
      expect(await promiseOf(found.arn)).to.equal(await promiseOf(holder.pair.firstRole.arn));
      // A read (`.get`) under the same nested parent gets the engine's URN too: a dependency
      // on it is on a resource the engine knows.
      const legacy = aws.iam.Role.get("legacy-role", "legacy-role-id", undefined, {
        parent: holder.pair,
      });
      expect(await promiseOf(legacy.urn)).to.equal(
        urn(`test:index:Blue$${PAIR}$${ROLE}`, "legacy-role"),
      );
      new aws.iam.RolePolicy(
        "after-legacy",
        { role: "legacy-role", policy: "{}" },
        { parent: holder, dependsOn: [legacy] },
      );
    });
    expect(resources.get("aws:iam/rolePolicy:RolePolicy", "after-legacy").dependencies).to.include(
      urn(`test:index:Blue$${PAIR}$${ROLE}`, "legacy-role"),
    );
  });
});
