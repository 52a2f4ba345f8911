// Physical names are unique per AWS account (and region), not per Pulumi stack: two stacks of
// one program in one account (prod beside prod-eu, a feature stack) must not ask AWS for the
// same name, and every name must fit its AWS limit.
import { expect } from "chai";
import { TrafficShiftedFunction } from "../../components";
import { AUTONAME_SUFFIX_LENGTH, NAME_LIMITS } from "../../components/naming";
import { CapturedResource, ResourceCapture, runComponent, runProgram } from "../../testing";
import { key, PROJECT, stackConfig } from "../program/runStack";
import { code } from "./fixtures";

/** The input that holds each named type's physical name, and AWS's limit for it. */
const PHYSICAL_NAMES: Record<string, { input: string; limit: number }> = {
  "aws:iam/role:Role": { input: "name", limit: NAME_LIMITS.iamRole },
  "aws:lambda/function:Function": { input: "name", limit: NAME_LIMITS.lambdaFunction },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { input: "name", limit: NAME_LIMITS.metricAlarm },
  "aws:codedeploy/application:Application": {
    input: "name",
    limit: NAME_LIMITS.codeDeployApplication,
  },
  "aws:codedeploy/deploymentConfig:DeploymentConfig": {
    input: "deploymentConfigName",
    limit: NAME_LIMITS.codeDeployDeploymentConfig,
  },
  "aws:codedeploy/deploymentGroup:DeploymentGroup": {
    input: "deploymentGroupName",
    limit: NAME_LIMITS.codeDeployDeploymentGroup,
  },
  "aws:apigatewayv2/api:Api": { input: "name", limit: NAME_LIMITS.httpApi },
};

/**
 * The physical names a stack asks AWS for, as `<type> <scope> <name>`: the explicit ones only.
 * An auto-named resource gets `<logical name>-<7 random characters>` from Pulumi, different in
 * every stack; a deployment group's name is scoped by its application, which separates stacks
 * when the application is auto-named.
 */
function explicitNames(resources: ResourceCapture): string[] {
  const names: string[] = [];
  for (const resource of resources.all.filter((r) => PHYSICAL_NAMES[r.type])) {
    const name = resource.inputs[PHYSICAL_NAMES[resource.type].input];
    if (typeof name !== "string") {
      continue;
    }
    const application = resource.inputs.appName;
    if (resource.type.startsWith("aws:codedeploy/deploymentGroup") && !isExplicit(application)) {
      continue;
    }
    const region = resource.type.startsWith("aws:iam/") ? "global" : resource.region;
    names.push(`${resource.type} ${region}${application ? `/${application}` : ""} ${name}`);
  }
  return names;
}

function isExplicit(application: unknown): boolean {
  return typeof application === "string" && !application.endsWith("-mock123");
}

/** Every physical name, explicit or Pulumi's auto-name, within its AWS limit. */
function expectWithinLimits(resources: ResourceCapture): number {
  let checked = 0;
  for (const resource of resources.all.filter((r) => PHYSICAL_NAMES[r.type])) {
    const { input, limit } = PHYSICAL_NAMES[resource.type];
    const explicit = resource.inputs[input];
    const length =
      typeof explicit === "string"
        ? explicit.length
        : resource.name.length + AUTONAME_SUFFIX_LENGTH;
    expect(
      length,
      `${resource.type} ${resource.name}: ${explicit ?? "(auto-named)"}`,
    ).to.be.at.most(limit);
    checked++;
  }
  return checked;
}

function runBundledProgram(stack: string, stackFile = "prod-global") {
  const { config, secretKeys } = stackConfig(stackFile);
  const account = config[key("accountId")];
  return runProgram("index.ts", {
    project: PROJECT,
    stack,
    config,
    secretKeys,
    preview: true,
    call: (token) =>
      token === "aws:index/getCallerIdentity:getCallerIdentity"
        ? {
            accountId: account,
            arn: `arn:aws:iam::${account}:user/ci`,
            userId: "AIDACI",
            id: account,
          }
        : undefined,
  });
}

function named(resources: ResourceCapture, type: string): CapturedResource[] {
  return resources
    .ofType(type)
    .filter((r) => typeof r.inputs[PHYSICAL_NAMES[type].input] === "string");
}

describe("physical names", () => {
  it("two stacks of the prod-global program in one account ask AWS for no common name", async () => {
    // prod-global's long service and region names are cut short, so its names are explicit.
    const first = await runBundledProgram("prod-global");
    const second = await runBundledProgram("prod-global-eu");
    const firstNames = explicitNames(first.resources);
    expect(firstNames.length, "prod-global has cut-short names").to.be.greaterThan(1);
    const shared = explicitNames(second.resources).filter((name) => firstNames.includes(name));
    expect(shared, "names both stacks would create").to.deep.equal([]);
  });

  it("keeps every physical name of the bundled stacks within its AWS limit", async () => {
    for (const stack of ["dev", "staging", "prod", "prod-global"]) {
      const { resources } = await runBundledProgram(stack, stack);
      expect(expectWithinLimits(resources), stack).to.be.greaterThan(5);
    }
  });

  it("cuts every name of a very long component short, within its limit and per stack", async () => {
    const name = `orders-${"reporting-".repeat(13)}eu-central-1`; // 149 characters
    const build = (stack: string) =>
      runComponent(
        () =>
          new TrafficShiftedFunction(name, {
            code,
            trafficShifting: { canary: { percentage: 10, intervalMinutes: 5 } },
            alarms: { durationBaselineMs: 100 },
            hooks: { preTraffic: { code }, postTraffic: { code } },
          }),
        { stack },
      );
    const a = await build("prod");
    const b = await build("prod-eu");
    expect(expectWithinLimits(a.resources)).to.equal(
      4 + 3 + 3 + 1 + 1 + 1, // roles, functions, alarms, application, config, group
    );
    // Alarms (255) and the API (128) still fit Pulumi's auto-name; the others are cut short.
    const cut = Object.keys(PHYSICAL_NAMES).filter((t) => !/metricAlarm|apigatewayv2/.test(t));
    for (const type of cut) {
      expect(named(a.resources, type).length, `${type} is named explicitly`).to.be.greaterThan(0);
    }
    const aNames = explicitNames(a.resources);
    expect(explicitNames(b.resources).filter((n) => aNames.includes(n))).to.deep.equal([]);
    for (const log of a.resources.ofType("aws:cloudwatch/logGroup:LogGroup")) {
      // The provider adds 26 characters to a prefix (terraform-provider-aws id.PrefixedUniqueId).
      expect(log.inputs.namePrefix.length + 26, log.name).to.be.at.most(NAME_LIMITS.logGroup);
    }
  });

  it("names the deployment group per stack in a shared CodeDeploy application", async () => {
    const build = (stack: string, applicationName?: string) =>
      runComponent(
        () => new TrafficShiftedFunction("orders", { code, trafficShifting: { applicationName } }),
        { stack },
      );
    const group = async (stack: string, applicationName?: string) =>
      (await build(stack, applicationName)).resources.ofType(
        "aws:codedeploy/deploymentGroup:DeploymentGroup",
      )[0].inputs.deploymentGroupName as string;

    // In the component's own, auto-named application the component name is enough (and
    // existing stacks keep their group name).
    expect(await group("prod")).to.equal("orders");
    // A shared application holds the groups of every stack that uses it.
    const prod = await group("prod", "orders-shared");
    const feature = await group("feature-x", "orders-shared");
    expect(prod).to.match(/^orders-[0-9a-f]{7}$/);
    expect(feature).to.match(/^orders-[0-9a-f]{7}$/);
    expect(prod).to.not.equal(feature);
    expect(await group("prod", "orders-shared")).to.equal(prod);
  });
});
