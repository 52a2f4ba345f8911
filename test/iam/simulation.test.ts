// Each generated role, run through an IAM policy simulator (@cloud-copilot/iam-simulate, which
// evaluates identity policies the way IAM does and validates actions and resource ARNs against
// the Service Authorization Reference): allowed exactly the calls its component makes, denied a
// sample of calls it must not make.
import { expect } from "chai";
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { CapturedResource, MOCK_ACCOUNT_ID } from "../../testing";
import { SCOPED_DESPITE_REFERENCE } from "./catalog";
import { deployerPolicyDocument } from "../../components/deployerPolicy";
import { BUNDLED_STACKS, bundledStack, PolicyDocument, RolePolicies } from "./stackPolicies";

const account = MOCK_ACCOUNT_ID;

/** Actions whose resource types share one ARN format (Lambda's alias and version). */
const AMBIGUOUS_ARN_ACTIONS = ["lambda:GetProvisionedConcurrencyConfig"];

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** What IAM decides when the role calls `action` on `resource`. */
async function decide(role: RolePolicies, action: string, resource: string): Promise<Decision> {
  const simulation: Simulation = {
    identityPolicies: role.documents.map(({ name, document }) => ({ name, policy: document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: `arn:aws:sts::${account}:assumed-role/${role.roleName}/session`,
      action,
      resource: { resource, accountId: account },
      contextVariables: {},
    },
  };
  if (SCOPED_DESPITE_REFERENCE[action]) {
    // The simulator follows the Service Authorization Reference, which lists no resource type
    // for this action and so refuses any ARN; CodeDeploy authorizes it against the deployment
    // group (SAM's and CDK's hook grants are scoped so and work), which is what is simulated.
    return runUnsafeSimulation(simulation, {}) as Decision;
  }
  const response = await runSimulation(simulation, {});
  if (
    response.resultType === "error" &&
    response.errors.message === "multiple.resource.types" &&
    AMBIGUOUS_ARN_ACTIONS.includes(action)
  ) {
    // `function:<name>:live` fits both the alias and the version ARN format, and the simulator
    // cannot be told which; the evaluation does not depend on it.
    return runUnsafeSimulation(simulation, {}) as Decision;
  }
  if (response.resultType === "error") {
    throw new Error(
      `simulating ${action} on ${resource}: ${JSON.stringify(response.errors, undefined, 1)}`,
    );
  }
  return response.overallResult as Decision;
}

interface Call {
  action: string;
  resource: string;
}

/** The calls of `calls` whose decision is not `expected`, with what IAM decided. */
async function unexpected(
  role: RolePolicies,
  calls: Call[],
  expected: "Allowed" | "Denied",
): Promise<string[]> {
  const wrong: string[] = [];
  for (const call of calls) {
    const decision = await decide(role, call.action, call.resource);
    const allowed = decision === "Allowed";
    if (allowed !== (expected === "Allowed")) {
      wrong.push(`${call.action} on ${call.resource}: ${decision}`);
    }
  }
  return wrong;
}

/** One TrafficShiftedFunction of a stack with the ARNs its roles must reach. */
interface FunctionUnderTest {
  stack: string;
  name: string;
  region: string;
  functionArn: string;
  aliasArn: string;
  deploymentGroupArn: string;
  applicationArn: string;
  alarmArns: string[];
  hookArns: string[];
  logGroupArn: string;
  tableArn: string;
  /** The function's environment names a flag reader (the orders API, not the worker). */
  readsFlags: boolean;
  /** The queues its SQS event source mappings poll (the worker's created queue). */
  queueArns: string[];
  roles: {
    function: RolePolicies;
    deploy: RolePolicies;
    hooks: RolePolicies[];
    /** The role EventBridge Scheduler invokes its schedules with, when it has any. */
    scheduler?: RolePolicies;
  };
}

async function functionsOf(stack: string): Promise<FunctionUnderTest[]> {
  const { resources, roles } = await bundledStack(stack);
  const output = (type: string, name: string, key = "arn"): string => {
    const value = resources.get(type, name).outputs[key];
    if (typeof value !== "string") throw new Error(`${stack} ${name}.${key} is ${String(value)}`);
    return value;
  };
  const role = (logical: string): RolePolicies => {
    const found = roles.find((candidate) => candidate.role === logical);
    if (!found) throw new Error(`${stack}: no role ${logical}`);
    return found;
  };
  const roleNamed = (physical: string): RolePolicies => {
    const found = roles.find((candidate) => candidate.roleName === physical);
    if (!found) throw new Error(`${stack}: no role named ${physical}`);
    return found;
  };
  const table = resources.ofType("aws:dynamodb/table:Table")[0] as CapturedResource;
  return resources
    .ofType("multiregion-serverless:index:TrafficShiftedFunction")
    .map((component) => {
      const name = component.name;
      const functionArn = output("aws:lambda/function:Function", `${name}-function`);
      const region = functionArn.split(":")[3];
      const group = resources.get(
        "aws:codedeploy/deploymentGroup:DeploymentGroup",
        `${name}-deployment-group`,
      );
      const deploymentGroupArn = String(group.outputs.arn);
      const hookNames = [`${name}-pre-traffic-hook`, `${name}-post-traffic-hook`];
      const lambda = resources.get("aws:lambda/function:Function", `${name}-function`);
      const mappings = resources
        .ofType("aws:lambda/eventSourceMapping:EventSourceMapping")
        .filter((mapping) => mapping.parent === component.urn);
      const schedulerRole = roles.find((candidate) => candidate.role === `${name}-scheduler-role`);
      return {
        stack,
        name,
        region,
        functionArn,
        aliasArn: output("aws:lambda/alias:Alias", `${name}-alias`),
        deploymentGroupArn,
        applicationArn: `arn:aws:codedeploy:${region}:${account}:application:${group.inputs.appName}`,
        alarmArns: (group.inputs.alarmConfiguration?.alarms ?? []).map(
          (alarm: string) => `arn:aws:cloudwatch:${region}:${account}:alarm:${alarm}`,
        ),
        hookArns: hookNames.map((hook) => output("aws:lambda/function:Function", hook)),
        logGroupArn: output("aws:cloudwatch/logGroup:LogGroup", `${name}-logs`),
        // The global table's replica in this function's region: same name, this region.
        tableArn: `arn:aws:dynamodb:${region}:${account}:table/${String(table.outputs.name)}`,
        readsFlags: lambda.inputs.environment?.variables?.FEATURE_FLAGS_READER !== undefined,
        queueArns: mappings
          .map((mapping) => String(mapping.inputs.eventSourceArn))
          .filter((arn) => arn.startsWith("arn:aws:sqs:")),
        roles: {
          function: role(`${name}-role`),
          // The region's shared CodeDeploy role (components/sharedDeployment.ts): the one the
          // deployment group names.
          deploy: roleNamed(String(group.inputs.serviceRoleArn).split("/").pop()!),
          hooks: hookNames.map((hook) => role(`${hook}-role`)),
          ...(schedulerRole ? { scheduler: schedulerRole } : {}),
        },
      };
    });
}

const elsewhere = (arn: string, region: string): string =>
  arn.replace(`:${region}:`, ":sa-east-1:");

describe("IAM by simulation (@cloud-copilot/iam-simulate): each role can make exactly its component's calls", function () {
  this.timeout(120_000);

  for (const stack of BUNDLED_STACKS) {
    describe(`${stack} stack`, () => {
      let functions: FunctionUnderTest[];
      before(async () => {
        functions = await functionsOf(stack);
        expect(functions.length, `functions of ${stack}`).to.be.greaterThan(0);
      });

      it("simulates every role the stack creates (no role escapes these checks)", async () => {
        const { roles } = await bundledStack(stack);
        const simulated = [
          ...functions.flatMap((fn) => [
            fn.roles.function.role,
            fn.roles.deploy.role,
            ...fn.roles.hooks.map((hook) => hook.role),
            ...(fn.roles.scheduler ? [fn.roles.scheduler.role] : []),
          ]),
          // The AppConfig role that reads the alarms of a flag rollout (simulated below).
          ...roles.filter((role) => role.role.endsWith("-flags-monitor-role")).map((r) => r.role),
        ];
        expect([...new Set(simulated)].sort()).to.deep.equal(roles.map((role) => role.role).sort());
      });

      it("the functions of a region share one CodeDeploy role (SAM's CodeDeployServiceRole per stack)", () => {
        const deployRolesByRegion = new Map<string, Set<string>>();
        for (const fn of functions) {
          const inRegion = deployRolesByRegion.get(fn.region) ?? new Set<string>();
          inRegion.add(fn.roles.deploy.role);
          deployRolesByRegion.set(fn.region, inRegion);
        }
        for (const [region, deployRoles] of deployRolesByRegion) {
          expect([...deployRoles], `${stack} ${region}`).to.have.length(1);
        }
      });

      it("the CodeDeploy role moves this alias, reads these alarms and invokes these hooks, nothing else", async () => {
        for (const fn of functions) {
          expect(fn.alarmArns.length, `${fn.name} alarms`).to.be.greaterThan(0);
          const allowed: Call[] = [
            { action: "lambda:GetAlias", resource: fn.aliasArn },
            { action: "lambda:UpdateAlias", resource: fn.aliasArn },
            { action: "lambda:GetProvisionedConcurrencyConfig", resource: fn.aliasArn },
            ...fn.alarmArns.map((resource) => ({ action: "cloudwatch:DescribeAlarms", resource })),
            ...fn.hookArns.map((resource) => ({ action: "lambda:InvokeFunction", resource })),
          ];
          const otherFunction = fn.functionArn.replace(/function:[^:]+$/, "function:billing");
          const denied: Call[] = [
            { action: "lambda:UpdateAlias", resource: `${otherFunction}:live` },
            { action: "lambda:UpdateAlias", resource: elsewhere(fn.aliasArn, fn.region) },
            { action: "lambda:InvokeFunction", resource: otherFunction },
            { action: "lambda:InvokeFunction", resource: `${fn.functionArn}:1` },
            {
              action: "cloudwatch:DescribeAlarms",
              resource: `arn:aws:cloudwatch:${fn.region}:${account}:alarm:billing-errors`,
            },
            { action: "lambda:UpdateFunctionCode", resource: fn.functionArn },
            { action: "iam:PassRole", resource: `arn:aws:iam::${account}:role/admin` },
            { action: "iam:CreateRole", resource: `arn:aws:iam::${account}:role/backdoor` },
          ];
          const role = fn.roles.deploy;
          expect(await unexpected(role, allowed, "Allowed"), `${fn.name} allowed`).to.deep.equal(
            [],
          );
          expect(await unexpected(role, denied, "Denied"), `${fn.name} denied`).to.deep.equal([]);
        }
      });

      it("a hook reports on this deployment group, reads its AppSpec and invokes this function's versions, nothing else", async () => {
        for (const fn of functions) {
          const otherGroup = fn.deploymentGroupArn.replace(/\/[^/]+$/, "/billing");
          for (const role of fn.roles.hooks) {
            const allowed: Call[] = [
              {
                action: "codedeploy:PutLifecycleEventHookExecutionStatus",
                resource: fn.deploymentGroupArn,
              },
              { action: "codedeploy:GetDeployment", resource: fn.deploymentGroupArn },
              { action: "codedeploy:GetApplicationRevision", resource: fn.applicationArn },
              { action: "lambda:InvokeFunction", resource: `${fn.functionArn}:7` },
            ];
            const denied: Call[] = [
              { action: "codedeploy:PutLifecycleEventHookExecutionStatus", resource: otherGroup },
              { action: "codedeploy:GetDeployment", resource: otherGroup },
              {
                action: "codedeploy:GetApplicationRevision",
                resource: `arn:aws:codedeploy:${fn.region}:${account}:application:billing`,
              },
              {
                action: "lambda:InvokeFunction",
                resource: fn.functionArn.replace(/function:[^:]+$/, "function:billing:7"),
              },
              { action: "lambda:UpdateAlias", resource: fn.aliasArn },
              { action: "codedeploy:CreateDeployment", resource: fn.deploymentGroupArn },
              { action: "iam:PassRole", resource: `arn:aws:iam::${account}:role/admin` },
            ];
            expect(
              await unexpected(role, allowed, "Allowed"),
              `${role.role} allowed`,
            ).to.deep.equal([]);
            expect(await unexpected(role, denied, "Denied"), `${role.role} denied`).to.deep.equal(
              [],
            );
          }
        }
      });

      it("the function reads and writes its table in its own region and writes its own logs, nothing else", async () => {
        for (const fn of functions) {
          const allowed: Call[] = [
            ...["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"].map((name) => ({
              action: `dynamodb:${name}`,
              resource: fn.tableArn,
            })),
            {
              action: "logs:PutLogEvents",
              resource: `${fn.logGroupArn}:log-stream:2026/03/01/[7]abcdef`,
            },
          ];
          const denied: Call[] = [
            { action: "dynamodb:GetItem", resource: elsewhere(fn.tableArn, fn.region) },
            {
              action: "dynamodb:PutItem",
              resource: fn.tableArn.replace(/table\/.*$/, "table/billing"),
            },
            { action: "dynamodb:DeleteTable", resource: fn.tableArn },
            { action: "dynamodb:Scan", resource: fn.tableArn },
            {
              action: "logs:PutLogEvents",
              resource: `arn:aws:logs:${fn.region}:${account}:log-group:/aws/lambda/billing:log-stream:x`,
            },
            { action: "lambda:UpdateAlias", resource: fn.aliasArn },
            { action: "iam:PassRole", resource: `arn:aws:iam::${account}:role/admin` },
            {
              action: "iam:AttachRolePolicy",
              resource: `arn:aws:iam::${account}:role/${fn.roles.function.roleName}`,
            },
          ];
          const role = fn.roles.function;
          expect(await unexpected(role, allowed, "Allowed"), `${fn.name} allowed`).to.deep.equal(
            [],
          );
          expect(await unexpected(role, denied, "Denied"), `${fn.name} denied`).to.deep.equal([]);
        }
      });

      it("event sources: a function polls and deletes from its own queues only, and the scheduler role invokes its alias only", async () => {
        const withSources = functions.filter(
          (fn) => fn.queueArns.length > 0 || fn.roles.scheduler !== undefined,
        );
        if (stack === "staging") {
          // stacks/Pulumi.staging.yaml sets `worker`: a queue and a schedule in each region.
          expect(withSources.map((fn) => fn.name)).to.deep.equal([
            "orders-us-east-1-worker",
            "orders-us-west-2-worker",
          ]);
        }
        for (const fn of functions) {
          const polls = ["ReceiveMessage", "DeleteMessage", "GetQueueAttributes"];
          const allowed = fn.queueArns.flatMap((queue) =>
            polls.map((name) => ({ action: `sqs:${name}`, resource: queue })),
          );
          const denied: Call[] = [
            ...polls.map((name) => ({
              action: `sqs:${name}`,
              resource: `arn:aws:sqs:${fn.region}:${account}:billing-imports`,
            })),
            ...fn.queueArns.flatMap((queue) => [
              { action: "sqs:ReceiveMessage", resource: elsewhere(queue, fn.region) },
              { action: "sqs:SendMessage", resource: queue },
              { action: "sqs:PurgeQueue", resource: queue },
              { action: "sqs:SetQueueAttributes", resource: queue },
            ]),
          ];
          const role = fn.roles.function;
          expect(await unexpected(role, allowed, "Allowed"), `${fn.name} queues`).to.deep.equal([]);
          expect(await unexpected(role, denied, "Denied"), `${fn.name} queues`).to.deep.equal([]);
          const scheduler = fn.roles.scheduler;
          if (!scheduler) continue;
          expect(scheduler.service).to.equal("scheduler.amazonaws.com");
          expect(
            await unexpected(
              scheduler,
              [{ action: "lambda:InvokeFunction", resource: fn.aliasArn }],
              "Allowed",
            ),
            `${fn.name} scheduler`,
          ).to.deep.equal([]);
          expect(
            await unexpected(
              scheduler,
              [
                // The bare function is $LATEST; a version is not the alias CodeDeploy shifts.
                { action: "lambda:InvokeFunction", resource: fn.functionArn },
                { action: "lambda:InvokeFunction", resource: `${fn.functionArn}:1` },
                { action: "lambda:InvokeFunction", resource: elsewhere(fn.aliasArn, fn.region) },
                { action: "lambda:UpdateAlias", resource: fn.aliasArn },
              ],
              "Denied",
            ),
            `${fn.name} scheduler`,
          ).to.deep.equal([]);
        }
      });

      it("feature flags: the function reads its region's flag profile only, AppConfig's role reads the rollback alarms only", async () => {
        const { resources, roles } = await bundledStack(stack);
        const monitorRole = roles.find((role) => role.role.endsWith("-flags-monitor-role"))!;
        expect(monitorRole, "the flags' monitor role").to.not.equal(undefined);
        for (const fn of functions) {
          const environment = resources.find("aws:appconfig/environment:Environment", {
            region: fn.region,
          })[0];
          const profile = resources.find(
            "aws:appconfig/configurationProfile:ConfigurationProfile",
            { region: fn.region },
          )[0];
          const application = resources.byId(environment.inputs.applicationId)!;
          const configuration = `${application.outputs.arn}/environment/${environment.outputs.environmentId}/configuration/${profile.outputs.configurationProfileId}`;
          const reads = ["StartConfigurationSession", "GetLatestConfiguration"];
          const allowed = reads.map((name) => ({
            action: `appconfig:${name}`,
            resource: configuration,
          }));
          const denied: Call[] = [
            ...reads.map((name) => ({
              action: `appconfig:${name}`,
              resource: elsewhere(configuration, fn.region),
            })),
            {
              action: "appconfig:GetLatestConfiguration",
              resource: configuration.replace(/configuration\/[^/]+$/, "configuration/other"),
            },
            { action: "appconfig:StartDeployment", resource: configuration },
          ];
          const role = fn.roles.function;
          // A function that reads no flags (the worker) is allowed none of them.
          expect(
            await unexpected(role, allowed, fn.readsFlags ? "Allowed" : "Denied"),
            `${fn.name} flags`,
          ).to.deep.equal([]);
          expect(await unexpected(role, denied, "Denied"), `${fn.name} flags`).to.deep.equal([]);
          const monitored = environment.inputs.monitors.map(
            (m: { alarmArn: string }) => m.alarmArn,
          );
          expect(monitored, `${fn.region} monitors`).to.have.length.greaterThan(0);
          expect(
            await unexpected(
              monitorRole,
              monitored.map((resource: string) => ({
                action: "cloudwatch:DescribeAlarms",
                resource,
              })),
              "Allowed",
            ),
          ).to.deep.equal([]);
        }
        expect(
          await unexpected(
            monitorRole,
            [
              {
                action: "cloudwatch:DescribeAlarms",
                resource: `arn:aws:cloudwatch:us-east-1:${account}:alarm:billing-errors`,
              },
              { action: "cloudwatch:DeleteAlarms", resource: functions[0].alarmArns[0] },
              { action: "iam:PassRole", resource: `arn:aws:iam::${account}:role/admin` },
            ],
            "Denied",
          ),
        ).to.deep.equal([]);
      });
    });
  }

  it("the deployer starts, follows and stops these deployments and prunes versions, nothing else", async () => {
    const functionArn = `arn:aws:lambda:us-east-1:${account}:function:orders`;
    const group = `arn:aws:codedeploy:us-east-1:${account}:deploymentgroup:orders-deploy/orders`;
    const deployer: RolePolicies = {
      stack: "-",
      role: "deployer",
      roleName: "ci-deployer",
      service: "-",
      documents: [
        {
          name: "deployer",
          document: deployerPolicyDocument([
            {
              functionArn,
              applicationName: "orders-deploy",
              deploymentGroupName: "orders",
              deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
            },
          ]) as PolicyDocument,
        },
      ],
    };
    const allowed: Call[] = [
      { action: "lambda:GetAlias", resource: `${functionArn}:live` },
      { action: "lambda:ListVersionsByFunction", resource: functionArn },
      { action: "lambda:DeleteFunction", resource: `${functionArn}:3` },
      { action: "codedeploy:CreateDeployment", resource: group },
      { action: "codedeploy:GetDeployment", resource: group },
      { action: "codedeploy:ListDeployments", resource: group },
      {
        action: "codedeploy:GetDeploymentConfig",
        resource: `arn:aws:codedeploy:us-east-1:${account}:deploymentconfig:CodeDeployDefault.LambdaCanary10Percent5Minutes`,
      },
      {
        action: "codedeploy:RegisterApplicationRevision",
        resource: `arn:aws:codedeploy:us-east-1:${account}:application:orders-deploy`,
      },
      { action: "codedeploy:StopDeployment", resource: "*" },
      { action: "codedeploy:BatchGetDeploymentTargets", resource: "*" },
    ];
    const denied: Call[] = [
      { action: "lambda:DeleteFunction", resource: functionArn },
      { action: "lambda:UpdateAlias", resource: `${functionArn}:live` },
      { action: "codedeploy:CreateDeployment", resource: group.replace("/orders", "/billing") },
      { action: "codedeploy:DeleteDeploymentGroup", resource: group },
      { action: "iam:PassRole", resource: `arn:aws:iam::${account}:role/admin` },
    ];
    expect(await unexpected(deployer, allowed, "Allowed")).to.deep.equal([]);
    expect(await unexpected(deployer, denied, "Denied")).to.deep.equal([]);
  });
});
