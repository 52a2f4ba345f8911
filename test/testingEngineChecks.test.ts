// The harness refuses what the Pulumi engine refuses, with the engine's own messages (sources in
// testing/run.ts: pulumi/pulumi sdk/go/common/diag/errors.go, pkg/resource/deploy/
// step_generator.go and snapshot.go), so that a component bug of that kind fails a unit test
// instead of the first `pulumi up`.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { expectRunFailure, runComponent } from "../testing";

const ROLE = "aws:iam/role:Role";
const assumeRolePolicy = "{}";

class Pair extends pulumi.ComponentResource {
  constructor(name: string, firstChild: string, secondChild: string) {
    super("test:index:Pair", name, {});
    new aws.iam.Role(firstChild, { assumeRolePolicy }, { parent: this });
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

  it("accepts a resource created after awaiting an output outside apply", async () => {
    const { resources } = await runComponent(async () => {
      const role = new aws.iam.Role("orders-role", { assumeRolePolicy });
      await new Promise((resolve) => role.name.apply(resolve));
      new aws.iam.RolePolicy("orders-inline", { role: role.name, policy: "{}" });
    });
    expect(resources.all.map((r) => r.name)).to.deep.equal(["orders-role", "orders-inline"]);
  });
});
