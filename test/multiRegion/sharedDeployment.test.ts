import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { RegionalService, ServiceFunctionArgs, TrafficShiftedFunction } from "../../components";
import { boundedName, NAME_LIMITS } from "../../components/naming";
import { ROLE_POLICY_BUDGET_CHARS } from "../../components/sharedDeployment";
import { CapturedResource, runComponent } from "../../testing";
import { code, ROLE_POLICY } from "./fixtures";

const APPLICATION = "aws:codedeploy/application:Application";
const GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup";
const ROLE = "aws:iam/role:Role";
const REGION = "eu-west-1";

/** The CodeDeploy service roles among the captured roles (trust policy for codedeploy). */
function codeDeployRoles(all: CapturedResource[]): CapturedResource[] {
  return all.filter((role) =>
    String(role.inputs.assumeRolePolicy).includes("codedeploy.amazonaws.com"),
  );
}

function service(functions: Record<string, ServiceFunctionArgs>) {
  return runComponent(
    () =>
      new RegionalService("orders", {
        region: REGION,
        functions,
        routes: { "GET /a": Object.keys(functions)[0] },
      }),
  );
}

describe("RegionalService shares CodeDeploy resources among its functions (SAM's per-stack sharing)", () => {
  it("puts every function's deployment group in one application run by one service role", async () => {
    const { resources } = await service({ a: { code }, b: { code }, c: { code } });
    const applications = resources.ofType(APPLICATION);
    expect(applications.map((app) => app.name)).to.deep.equal(["orders-deploy"]);
    const roles = codeDeployRoles(resources.ofType(ROLE));
    expect(roles.map((role) => role.name)).to.deep.equal(["orders-deploy-role"]);
    const groups = resources.ofType(GROUP);
    expect(groups).to.have.length(3);
    for (const group of groups) {
      expect(group.inputs.appName, group.name).to.equal(applications[0].outputs.name);
      expect(group.inputs.serviceRoleArn, group.name).to.equal(roles[0].outputs.arn);
    }
  });

  it("the shared role's one policy lists each function's alias and alarms, and nothing of another region", async () => {
    const { resources } = await service({ a: { code }, b: { code } });
    const policies = resources
      .ofType(ROLE_POLICY)
      .filter((policy) => policy.name === "orders-deploy-role-policy");
    expect(policies).to.have.length(1);
    const document = JSON.parse(String(policies[0].inputs.policy)) as {
      Statement: { Sid: string; Resource: string | string[] }[];
    };
    const resourcesOf = (sid: string) =>
      [document.Statement.find((statement) => statement.Sid === sid)?.Resource ?? []].flat();
    const aliasArns = resources
      .ofType("aws:lambda/alias:Alias")
      .map((alias) => String(alias.outputs.arn));
    expect(aliasArns).to.have.length(2);
    expect(resourcesOf("ReadAliasProvisionedConcurrency")).to.have.members(aliasArns);
    expect(resourcesOf("ShiftAlias")).to.include.members(aliasArns);
    const alarmNames = resources
      .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
      .map((alarm) => String(alarm.outputs.name));
    expect(resourcesOf("ReadDeploymentAlarms")).to.have.members(
      alarmNames.map((alarm) => `arn:aws:cloudwatch:${REGION}:123456789012:alarm:${alarm}`),
    );
    for (const arn of [...resourcesOf("ShiftAlias"), ...resourcesOf("ReadDeploymentAlarms")]) {
      expect(arn.split(":")[3], arn).to.equal(REGION);
    }
  });

  it("starts a second role before the policy could outgrow IAM's 10,240-character quota", async () => {
    // Ten alarms of 200 characters each make every function's grant about 3 KB.
    const alarms = {
      createDefaults: false,
      additionalAlarmNames: Array.from({ length: 10 }, (_, i) => `${"x".repeat(199)}${i}`),
    };
    const functions = Object.fromEntries(
      Array.from({ length: 7 }, (_, i) => [`fn${i}`, { code, alarms }]),
    );
    const { resources } = await service(functions);
    const roles = codeDeployRoles(resources.ofType(ROLE));
    expect(roles.length).to.be.greaterThan(1);
    const deployPolicies = resources
      .ofType(ROLE_POLICY)
      .filter((policy) => /^orders-deploy-role(-\d+)?-policy$/.test(policy.name));
    expect(deployPolicies).to.have.length(roles.length);
    for (const policy of deployPolicies) {
      // IAM does not count whitespace; JSON.stringify writes none.
      expect(String(policy.inputs.policy).length, policy.name).to.be.at.most(
        ROLE_POLICY_BUDGET_CHARS + 740,
      );
      expect(String(policy.inputs.policy).length, policy.name).to.be.at.most(10_240);
    }
    expect(resources.ofType(APPLICATION)).to.have.length(1);
  });

  it("a function that names its own application and service role keeps them", async () => {
    const { resources } = await service({
      a: { code },
      own: {
        code,
        trafficShifting: {
          applicationName: "platform-deployments",
          serviceRoleArn: "arn:aws:iam::123456789012:role/platform-codedeploy",
        },
      },
    });
    const own = resources.get(GROUP, "orders-own-deployment-group");
    expect(own.inputs.appName).to.equal("platform-deployments");
    expect(own.inputs.serviceRoleArn).to.equal(
      "arn:aws:iam::123456789012:role/platform-codedeploy",
    );
    const shared = resources.get(GROUP, "orders-a-deployment-group");
    expect(shared.inputs.appName).to.equal(resources.ofType(APPLICATION)[0].outputs.name);
  });

  it("creates no shared application or role when no function deploys with CodeDeploy", async () => {
    const { resources } = await service({ a: { code, trafficShifting: { mode: "weighted" } } });
    expect(resources.ofType(APPLICATION)).to.have.length(0);
    expect(codeDeployRoles(resources.ofType(ROLE))).to.have.length(0);
  });

  it("a standalone TrafficShiftedFunction still has an application and a role of its own", async () => {
    const { resources } = await runComponent(
      () => new TrafficShiftedFunction("orders", { code, region: REGION }),
    );
    expect(resources.ofType(APPLICATION).map((app) => app.name)).to.deep.equal(["orders-deploy"]);
    expect(codeDeployRoles(resources.ofType(ROLE)).map((role) => role.name)).to.deep.equal([
      "orders-deploy-role",
    ]);
  });

  it("keeps the first function's application, role and policy on upgrade: aliases to where they were", async () => {
    const aliasesByName = new Map<string, pulumi.Input<pulumi.URN | pulumi.Alias>[]>();
    const { resources } = await runComponent(
      () =>
        new RegionalService(
          "orders",
          { region: REGION, functions: { a: { code }, b: { code } }, routes: { "GET /a": "a" } },
          {
            // Transformations see each child's options, aliases included, under the mocks.
            transformations: [
              (resource) => {
                aliasesByName.set(resource.name, resource.opts.aliases ?? []);
                return undefined;
              },
            ],
          },
        ),
    );
    expect(resources.ofType(APPLICATION)).to.have.length(1);
    const moved = {
      "orders-deploy": "orders-a-deploy",
      "orders-deploy-role": "orders-a-deploy-role",
      "orders-deploy-role-policy": "orders-a-deploy-role-policy",
    };
    for (const [name, oldName] of Object.entries(moved)) {
      const aliases = (aliasesByName.get(name) ?? []) as pulumi.Alias[];
      expect(aliases, name).to.have.length(1);
      expect(aliases[0].name, name).to.equal(oldName);
      const parentUrn = await new Promise<string>((resolve) =>
        pulumi.output(aliases[0].parent as pulumi.Input<string>).apply(resolve),
      );
      expect(parentUrn, name).to.match(
        /RegionalService\$multiregion-serverless:index:TrafficShiftedFunction::orders-a$/,
      );
    }
  });
});

describe("an upgrade keeps the moved application's and role's physical names (issue 14 review)", () => {
  // Long enough that the old per-function names were fixed (boundedName's hashed names), short
  // enough that the shared ones would be auto-named: the bridged provider reuses an old name only
  // when it auto-named it, so the shared resources must carry the old fixed names.
  const KEY = "processpaymentsandrefundsforever";
  let service = "orders";
  const SERVICE_TYPE = "multiregion-serverless:index:RegionalService";
  const FUNCTION_TYPE = "multiregion-serverless:index:TrafficShiftedFunction";

  /** Pre-change construction naming: TrafficShiftedFunction `<service>-<key>`'s own children. */
  function oldResource(fnName: string, type: string, suffix: string, limit: number) {
    const logical = `${fnName}-${suffix}`;
    return {
      urn: `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${SERVICE_TYPE}$${FUNCTION_TYPE}$${type}::${logical}`,
      name: boundedName(logical, limit),
    };
  }

  async function upgraded(functions: Record<string, ServiceFunctionArgs>) {
    const aliasesByName = new Map<string, pulumi.Input<pulumi.URN | pulumi.Alias>[]>();
    const run = await runComponent(
      () =>
        new RegionalService(
          service,
          { region: REGION, functions, routes: { "GET /a": Object.keys(functions)[0] } },
          {
            transformations: [
              (resource) => {
                aliasesByName.set(resource.name, resource.opts.aliases ?? []);
                return undefined;
              },
            ],
          },
        ),
    );
    /** The URN the engine gives an alias `{ name, parent }` (the parent's full type chain). */
    const aliasUrn = async (name: string, type: string) => {
      const [alias] = (aliasesByName.get(name) ?? []) as pulumi.Alias[];
      expect(alias, `${name} has an alias`).to.not.equal(undefined);
      const parentUrn = await new Promise<string>((resolve) =>
        pulumi.output(alias.parent as pulumi.Input<string>).apply(resolve),
      );
      return `${parentUrn.substring(0, parentUrn.lastIndexOf("::"))}$${type}::${alias.name}`;
    };
    return { resources: run.resources, aliasUrn };
  }

  it("keeps a fixed (bounded) old name: alias URN is the old URN, physical name unchanged", async () => {
    service = "orders-service";
    const { resources, aliasUrn } = await upgraded({ [KEY]: { code }, b: { code } });
    service = "orders";
    const oldApp = oldResource(
      `orders-service-${KEY}`,
      APPLICATION,
      "deploy",
      NAME_LIMITS.codeDeployApplication,
    );
    const oldRole = oldResource(`orders-service-${KEY}`, ROLE, "deploy-role", NAME_LIMITS.iamRole);
    // The premise: the old role's name was fixed, the shared one alone would be auto-named.
    expect(oldRole.name).to.be.a("string");
    expect(boundedName("orders-service-deploy-role", NAME_LIMITS.iamRole)).to.equal(undefined);

    expect(await aliasUrn("orders-service-deploy", APPLICATION)).to.equal(oldApp.urn);
    expect(await aliasUrn("orders-service-deploy-role", ROLE)).to.equal(oldRole.urn);
    const [app] = resources.ofType(APPLICATION);
    expect(app.inputs.name).to.equal(oldApp.name);
    const [role] = codeDeployRoles(resources.ofType(ROLE));
    expect(role.inputs.name).to.equal(oldRole.name);
  });

  it("moves from the first function without its own application (role), not simply the first", async () => {
    const { aliasUrn } = await upgraded({
      a: { code, trafficShifting: { applicationName: "theirs" } },
      b: { code, trafficShifting: { serviceRoleArn: "arn:aws:iam::123456789012:role/theirs" } },
    });
    expect(await aliasUrn("orders-deploy", APPLICATION)).to.equal(
      oldResource("orders-b", APPLICATION, "deploy", 100).urn,
    );
    expect(await aliasUrn("orders-deploy-role", ROLE)).to.equal(
      oldResource("orders-a", ROLE, "deploy-role", 64).urn,
    );
  });

  it("takes the role from the first function without its own role, even after one with its own application", async () => {
    const { aliasUrn } = await upgraded({
      a: { code, trafficShifting: { serviceRoleArn: "arn:aws:iam::123456789012:role/theirs" } },
      b: { code, trafficShifting: { applicationName: "theirs" } },
    });
    expect(await aliasUrn("orders-deploy", APPLICATION)).to.equal(
      oldResource("orders-a", APPLICATION, "deploy", 100).urn,
    );
    expect(await aliasUrn("orders-deploy-role", ROLE)).to.equal(
      oldResource("orders-b", ROLE, "deploy-role", 64).urn,
    );
  });

  it("never moves from a weighted-mode function, which had no application or role of its own", async () => {
    const { aliasUrn } = await upgraded({
      a: { code, trafficShifting: { mode: "weighted" } },
      b: { code },
    });
    expect(await aliasUrn("orders-deploy", APPLICATION)).to.equal(
      oldResource("orders-b", APPLICATION, "deploy", 100).urn,
    );
    expect(await aliasUrn("orders-deploy-role", ROLE)).to.equal(
      oldResource("orders-b", ROLE, "deploy-role", 64).urn,
    );
  });
});
