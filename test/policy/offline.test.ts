import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { runPolicies, Violation } from "../../policy/offline";
import { allPolicies } from "../../policy/rules";
import { runComponent } from "../../testing";
import { prodTags } from "./fixtures";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

interface SampleArgs {
  /** Deployment config of the deployment group. */
  deploymentConfigName: string;
  /** Whether the west function is also in us-east-1 (a single-region prod stack). */
  singleRegion?: boolean;
}

/**
 * A small prod service as the package's components would build it: a function per region (the
 * west one through an explicit provider carrying the tags as defaultTags), an alias, a
 * deployment group, failover records with their regions' health checks and a role.
 */
class SampleService extends pulumi.ComponentResource {
  constructor(name: string, args: SampleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("test:index:SampleService", name, {}, opts);
    const parent = { parent: this };
    const west = new aws.Provider(
      `${name}-west`,
      { region: args.singleRegion ? "us-east-1" : "us-west-2", defaultTags: { tags: prodTags } },
      parent,
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "lambda.amazonaws.com" },
              Action: "sts:AssumeRole",
            },
          ],
        }),
        inlinePolicies: [
          {
            name: "tracing",
            policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action: "xray:PutTraceSegments", Resource: "*" }],
            }),
          },
        ],
        tags: prodTags,
      },
      parent,
    );
    const functionArgs = {
      role: role.arn,
      runtime: "nodejs20.x",
      handler: "index.handler",
      publish: true,
      code,
      timeout: 10,
      memorySize: 512,
      tracingConfig: { mode: "Active" },
      deadLetterConfig: { targetArn: "arn:aws:sqs:us-east-1:123456789012:orders-dlq" },
    };
    const east = new aws.lambda.Function(
      `${name}-east`,
      { ...functionArgs, region: "us-east-1", tags: prodTags },
      parent,
    );
    new aws.lambda.Function(`${name}-west`, functionArgs, { parent: this, provider: west });
    new aws.lambda.Alias(
      `${name}-live`,
      { name: "live", functionName: east.name, functionVersion: east.version, region: "us-east-1" },
      parent,
    );
    new aws.codedeploy.DeploymentGroup(
      `${name}-deployment-group`,
      {
        region: "us-east-1",
        appName: "orders",
        deploymentGroupName: "orders-live",
        serviceRoleArn: role.arn,
        deploymentConfigName: args.deploymentConfigName,
        deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        autoRollbackConfiguration: {
          enabled: true,
          events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"],
        },
        alarmConfiguration: { enabled: true, alarms: ["orders-errors"] },
        tags: prodTags,
      },
      parent,
    );
    for (const [role, region] of [
      ["PRIMARY", "us-east-1"],
      ["SECONDARY", "us-west-2"],
    ]) {
      const healthCheck = new aws.route53.HealthCheck(
        `${name}-${region}`,
        {
          type: "HTTPS",
          fqdn: `api.${region}.example.com`,
          resourcePath: "/health",
          requestInterval: 10,
          failureThreshold: 3,
          tags: prodTags,
        },
        parent,
      );
      new aws.route53.Record(
        `${name}-${role.toLowerCase()}`,
        {
          zoneId: "Z123",
          name: "api.example.com",
          type: "A",
          setIdentifier: region,
          healthCheckId: healthCheck.id,
          failoverRoutingPolicies: [{ type: role }],
          aliases: [
            {
              name: `d-1.execute-api.${region}.amazonaws.com`,
              zoneId: "Z1",
              evaluateTargetHealth: true,
            },
          ],
        },
        parent,
      );
    }
    this.registerOutputs({});
  }
}

function summary(violations: Violation[]): string[] {
  return violations.map((v) =>
    `${v.enforcementLevel} ${v.policyName} ${v.resourceType ?? "stack"} ${v.resourceName ?? ""}`.trim(),
  );
}

describe("offline policy runner", () => {
  it("a compliant prod service captured under the mocks has no violations", async () => {
    const { resources } = await runComponent(
      () =>
        new SampleService("orders", {
          deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        }),
    );
    expect(summary(await runPolicies(resources.all))).to.deep.equal([]);
  });

  it("reports each violation with its policy, level, URN, type and name", async () => {
    const { resources } = await runComponent(
      () =>
        new SampleService("orders", {
          deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
          singleRegion: true,
        }),
    );
    const violations = await runPolicies(resources.all);
    expect(summary(violations)).to.deep.equal([
      "mandatory prod-deployments-shift-traffic-gradually aws:codedeploy/deploymentGroup:DeploymentGroup orders-deployment-group",
      "mandatory prod-serves-from-multiple-regions stack",
    ]);
    const group = resources.get(
      "aws:codedeploy/deploymentGroup:DeploymentGroup",
      "orders-deployment-group",
    );
    expect(violations[0].urn).to.equal(group.urn);
  });

  it("honours disabled (shorthand or object), level overrides, and the all key", async () => {
    const { resources } = await runComponent(
      () =>
        new SampleService("orders", {
          deploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
          singleRegion: true,
        }),
    );
    const disabled = await runPolicies(resources.all, {
      config: {
        "prod-deployments-shift-traffic-gradually": "disabled",
        "prod-serves-from-multiple-regions": { enforcementLevel: "disabled" },
      },
    });
    expect(disabled).to.deep.equal([]);
    const advisory = await runPolicies(resources.all, {
      config: { all: "advisory", "prod-serves-from-multiple-regions": "mandatory" },
    });
    expect(advisory.map((v) => v.enforcementLevel)).to.deep.equal(["advisory", "mandatory"]);
    const remediate = await runPolicies(resources.all, {
      config: {
        "prod-serves-from-multiple-regions": { enforcementLevel: "remediate", minRegions: 1 },
      },
    });
    expect(remediate.map((v) => v.policyName)).to.deep.equal([
      "prod-deployments-shift-traffic-gradually",
    ]);
  });

  it("the pack's rules report nothing for values a mocked preview leaves unknown", async () => {
    const { resources } = await runComponent(
      () =>
        new SampleService("orders", {
          deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        }),
      {
        preview: true,
        // Outputs the provider computes only at deployment: unknown during preview.
        outputs: ({ type }) =>
          type === "aws:lambda/function:Function"
            ? { version: undefined, name: undefined, arn: undefined }
            : type === "aws:iam/role:Role"
              ? { arn: undefined }
              : undefined,
      },
    );
    const alias = resources.get("aws:lambda/alias:Alias", "orders-live");
    expect(alias.inputs.functionVersion).to.deep.equal({ __pulumiUnknown: true });
    expect(summary(await runPolicies(resources.all))).to.deep.equal([]);
  });

  it("turns a rule's direct read of an unknown value into the engine's advisory message", async () => {
    const readsDirectly: ResourceValidationPolicy = {
      name: "reads-version",
      description: "Reads functionVersion without handling unknowns.",
      enforcementLevel: "mandatory",
      validateResource: (args, reportViolation) => {
        if (args.type === "aws:lambda/alias:Alias" && args.props.functionVersion === "$LATEST") {
          reportViolation("never reached");
        }
      },
    };
    const { resources } = await runComponent(
      () =>
        new SampleService("orders", {
          deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        }),
      {
        preview: true,
        outputs: ({ type }) =>
          type === "aws:lambda/function:Function" ? { version: undefined } : undefined,
      },
    );
    const violations = await runPolicies(resources.all, { policies: [readsDirectly] });
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({ policyName: "reads-version", enforcementLevel: "advisory" });
    expect(violations[0].message).to.equal(
      "can't run policy 'reads-version' during preview: string value at .functionVersion can't be known during preview",
    );
  });

  it("runs every function of a validateResource array and passes config merged over schema defaults", async () => {
    const seen: string[] = [];
    const policy: ResourceValidationPolicy = {
      name: "two-validations",
      description: "Two validations.",
      configSchema: {
        properties: { limit: { type: "integer", default: 2 }, label: { type: "string" } },
      },
      validateResource: [
        (args) => {
          seen.push(`first ${args.name} ${JSON.stringify(args.getConfig())}`);
        },
        (args, reportViolation) => {
          if (args.isType(aws.sqs.Queue)) {
            reportViolation(`queue ${args.asType(aws.sqs.Queue)?.name}`);
          }
        },
      ],
    };
    const { resources } = await runComponent(() => new aws.sqs.Queue("jobs", { name: "jobs" }));
    const violations = await runPolicies(resources.all, {
      policies: [policy],
      config: { "two-validations": { label: "x" } },
    });
    expect(seen).to.deep.equal(['first jobs {"limit":2,"label":"x"}']);
    expect(violations).to.deep.equal([
      {
        policyName: "two-validations",
        enforcementLevel: "advisory",
        message: "queue jobs",
        urn: resources.all[0].urn,
        resourceType: "aws:sqs/queue:Queue",
        resourceName: "jobs",
      },
    ]);
  });

  it("awaits a validation that returns a promise, in order, and reports what it reports or throws", async () => {
    // CrossGuard awaits each validation (@pulumi/policy server.js: `await Promise.resolve(...)`).
    const order: string[] = [];
    const later = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const asyncReport: ResourceValidationPolicy = {
      name: "async-report",
      description: "Reports after an await.",
      validateResource: async (args, reportViolation) => {
        await later();
        order.push(`async ${args.name}`);
        reportViolation(`late ${args.name}`);
      },
    };
    const syncReport: ResourceValidationPolicy = {
      name: "sync-report",
      description: "Reports at once.",
      validateResource: (args, reportViolation) => {
        order.push(`sync ${args.name}`);
        reportViolation(`now ${args.name}`);
      },
    };
    const asyncUnknown: ResourceValidationPolicy = {
      name: "async-unknown",
      description: "Reads an unknown value after an await.",
      validateResource: async (args) => {
        await later();
        if (args.props.redrivePolicy === "never") order.push("unreachable");
      },
    };
    const asyncFailure: StackValidationPolicy = {
      name: "async-failure",
      description: "Throws after an await.",
      validateStack: async () => {
        await later();
        throw new Error("broken rule");
      },
    };
    const { resources } = await runComponent(
      () => {
        const first = new aws.sqs.Queue("first", { name: "first" });
        // Unknown at preview: it names the first queue's ARN.
        new aws.sqs.Queue("second", {
          name: "second",
          redrivePolicy: first.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn })),
        });
      },
      { preview: true, previewUnknowns: true },
    );
    const violations = await runPolicies(resources.all, {
      policies: [asyncReport, syncReport, asyncUnknown],
    });
    expect(order).to.deep.equal(["async first", "sync first", "async second", "sync second"]);
    expect(violations.map((v) => `${v.policyName}: ${v.message}`)).to.deep.equal([
      "async-report: late first",
      "sync-report: now first",
      "async-report: late second",
      "sync-report: now second",
      "async-unknown: can't run policy 'async-unknown' during preview: string value at .redrivePolicy can't be known during preview",
    ]);
    let failure: unknown;
    await runPolicies(resources.all, { policies: [asyncFailure] }).catch(
      (error) => (failure = error),
    );
    expect((failure as Error).message).to.equal("policy 'async-failure' failed: broken rule");
  });

  it("gives every validation properties of its own, as CrossGuard deserializes them for each", async () => {
    // @pulumi/policy server.js deserializes a resource's properties inside its loop over policies.
    const seen: unknown[] = [];
    const mutates: ResourceValidationPolicy = {
      name: "mutates",
      description: "Changes what it was given.",
      validateResource: (args) => {
        args.props.name = "changed";
      },
    };
    const reads: ResourceValidationPolicy = {
      name: "reads",
      description: "Reads the name.",
      validateResource: (args) => {
        seen.push(args.props.name);
      },
    };
    const { resources } = await runComponent(() => new aws.sqs.Queue("jobs", { name: "jobs" }));
    await runPolicies(resources.all, { policies: [mutates, reads] });
    expect(seen).to.deep.equal(["jobs"]);
    expect(resources.all[0].inputs.name).to.equal("jobs");
  });

  it("gives each validation arguments as first made, whatever an earlier validation replaced in its own", async () => {
    // @pulumi/policy server.js makes new arguments for every validation it calls; the runner
    // puts one object per resource back to its first state instead, which must look the same.
    const seen: string[] = [];
    const vandal: ResourceValidationPolicy = {
      name: "vandal",
      description: "Replaces everything it was given.",
      validateResource: (args) => {
        seen.push(`vandal sees ${args.provider?.props.region} ${args.opts.protect}`);
        args.props = { name: "replaced" };
        args.opts = { ...args.opts, protect: true };
        args.provider = { type: "t", name: "n", urn: "u", props: { region: "mars-1" } };
        (args.stackTags as Map<string, string>).set("stolen", "yes");
        args.type = "aws:fake/fake:Fake";
        args.isType = () => true;
        args.getConfig = () => ({ replaced: true }) as any;
      },
    };
    const reader: ResourceValidationPolicy = {
      name: "reader",
      description: "Reads what it was given.",
      validateResource: (args) => {
        seen.push(
          `reader sees ${args.props.name} ${args.opts.protect} ${args.provider?.props.region} ` +
            `${args.stackTags.size} ${args.type} ${args.isType(aws.sns.Topic)} ` +
            `${JSON.stringify(args.getConfig())} ${Object.keys(args).sort().join(",")}`,
        );
      },
    };
    const { resources } = await runComponent(() => new aws.sqs.Queue("jobs", { name: "jobs" }));
    await runPolicies(resources.all, { policies: [vandal, reader, vandal, reader] });
    const reads =
      "reader sees jobs false us-east-1 0 aws:sqs/queue:Queue false {} " +
      "asType,getConfig,isType,name,notApplicable,opts,props,provider,stackTags,type,urn";
    expect(seen).to.deep.equal([
      "vandal sees us-east-1 false",
      reads,
      "vandal sees us-east-1 false",
      reads,
    ]);
  });

  it("gives each validation arguments of the engine's shape, whatever an earlier one added, deleted or froze", async () => {
    // CrossGuard makes new arguments per validation (@pulumi/policy server.js); a validation
    // that changes the shape of its own must not change the next one's, nor fail the run.
    const changes: Record<string, (args: Record<string, unknown>) => void> = {
      "adds a key": (args) => (args.seenBy = "earlier policy"),
      "deletes props": (args) => delete args.props,
      "deletes and re-adds urn": (args) => {
        const urn = args.urn;
        delete args.urn;
        args.urn = urn;
      },
      "replaces stackTags": (args) => (args.stackTags = undefined),
      "freezes them": (args) => Object.freeze(args),
      "makes type read-only": (args) =>
        Object.defineProperty(args, "type", { value: "aws:fake/fake:Fake", writable: false }),
      "redefines props": (args) => Object.defineProperty(args, "props", { value: { name: "x" } }),
    };
    const { resources } = await runComponent(() => new aws.sqs.Queue("jobs", { name: "jobs" }));
    for (const [change, apply] of Object.entries(changes)) {
      const seen: string[] = [];
      const changer: ResourceValidationPolicy = {
        name: "changer",
        description: "Changes its arguments.",
        validateResource: (args) => apply(args as unknown as Record<string, unknown>),
      };
      const reader: ResourceValidationPolicy = {
        name: "reader",
        description: "Reads its arguments.",
        validateResource: (args) => {
          seen.push(
            `${Object.keys(args).join(",")} ${args.type} ${args.props.name} ` +
              `${args.stackTags instanceof Map} ${Object.isFrozen(args)}`,
          );
        },
      };
      await runPolicies(resources.all, { policies: [changer, reader, changer, reader] });
      const fresh =
        "type,props,urn,name,opts,stackTags,isType,asType,getConfig,notApplicable,provider " +
        "aws:sqs/queue:Queue jobs true false";
      expect(seen, change).to.deep.equal([fresh, fresh]);
    }
  });

  it("gives each stack policy resources of the engine's shape, whatever an earlier one added, deleted or froze", async () => {
    const seen: string[] = [];
    const changer: StackValidationPolicy = {
      name: "stack-changer",
      description: "Changes the resources it was given.",
      validateStack: (args) => {
        for (const resource of args.resources) {
          (resource as unknown as Record<string, unknown>).seenBy = "earlier policy";
          delete (resource as unknown as Record<string, unknown>).props;
          Object.freeze(resource);
        }
      },
    };
    const reader: StackValidationPolicy = {
      name: "stack-reader",
      description: "Reads the resources it was given.",
      validateStack: (args) => {
        seen.push(
          ...args.resources.map(
            (r) =>
              `${r.name} ${Object.keys(r).includes("seenBy")} ${r.props?.name ?? "-"} ` +
              `parent=${r.parent?.name} deps=${r.dependencies.map((d) => d.name).join(",")} ` +
              `${Object.isFrozen(r)} ${r.parent === undefined || args.resources.includes(r.parent)}`,
          ),
        );
      },
    };
    class Group extends pulumi.ComponentResource {
      constructor() {
        super("test:index:Group", "group", {});
        const first = new aws.sqs.Queue("first", { name: "first" }, { parent: this });
        new aws.sqs.Queue("second", { name: "second" }, { parent: this, dependsOn: [first] });
        this.registerOutputs({});
      }
    }
    const { resources } = await runComponent(() => new Group());
    await runPolicies(resources.all, { policies: [changer, reader, changer, reader] });
    const fresh = [
      "group false - parent=undefined deps= false true",
      "first false first parent=group deps= false true",
      "second false second parent=group deps=first false true",
    ];
    expect(seen).to.deep.equal([...fresh, ...fresh]);
  });

  it("gives each stack policy the resources as first made, whatever an earlier one replaced", async () => {
    const seen: string[] = [];
    const vandal: StackValidationPolicy = {
      name: "stack-vandal",
      description: "Replaces what it was given.",
      validateStack: (args) => {
        for (const resource of args.resources) {
          resource.props = { replaced: true };
          resource.parent = undefined;
          resource.dependencies.length = 0;
          resource.name = "renamed";
        }
      },
    };
    const reader: StackValidationPolicy = {
      name: "stack-reader",
      description: "Reads what it was given.",
      validateStack: (args) => {
        seen.push(
          ...args.resources.map(
            (r) =>
              `${r.name} ${r.props.replaced} parent=${r.parent?.name} ` +
              `deps=${r.dependencies.map((d) => d.name).join(",")}`,
          ),
        );
      },
    };
    class Group extends pulumi.ComponentResource {
      constructor() {
        super("test:index:Group", "group", {});
        const first = new aws.sqs.Queue("first", {}, { parent: this });
        new aws.sqs.Queue("second", {}, { parent: this, dependsOn: [first] });
        this.registerOutputs({});
      }
    }
    const { resources } = await runComponent(() => new Group());
    await runPolicies(resources.all, { policies: [vandal, reader] });
    expect(seen).to.deep.equal([
      "group undefined parent=undefined deps=",
      "first undefined parent=group deps=",
      "second undefined parent=group deps=first",
    ]);
  });

  it("gives a provider only to resources that have one, and lets a validation replace what it was given", async () => {
    // @pulumi/policy server.js sets args.provider only when the request names a provider, and
    // hands plain, writable properties.
    const seen: string[] = [];
    const policy: ResourceValidationPolicy = {
      name: "looks-at-provider",
      description: "Looks at the provider.",
      validateResource: (args) => {
        seen.push(`${args.name} ${"provider" in args} ${args.provider?.props.region}`);
        args.props = { replaced: true };
        args.opts = { ...args.opts, protect: true };
        seen.push(`${args.props.replaced} ${args.opts.protect}`);
      },
    };
    class Bare extends pulumi.ComponentResource {
      constructor() {
        super("test:index:Bare", "bare", {});
        this.registerOutputs({});
      }
    }
    const { resources } = await runComponent(() => {
      new Bare();
      new aws.sqs.Queue("jobs", { name: "jobs" });
    });
    await runPolicies(resources.all, { policies: [policy] });
    expect(seen).to.deep.equal([
      "bare false undefined",
      "true true",
      "jobs true us-east-1",
      "true true",
    ]);
  });

  it("gives stack policies parents, dependencies, options and providers", async () => {
    let described: string[] = [];
    const policy: StackValidationPolicy = {
      name: "describe-stack",
      description: "Describes the stack.",
      validateStack: (args) => {
        described = args.resources
          .filter((r) => r.isType(aws.lambda.Function))
          .map(
            (r) =>
              `${r.name} parent=${r.parent?.name} deps=${r.dependencies.map((d) => d.name).join(",")} ` +
              `provider=${r.provider?.name}:${r.provider?.props.region} timeout=${r.opts.customTimeouts.createSeconds}`,
          );
      },
    };
    const { resources } = await runComponent(() => {
      const role = new aws.iam.Role("role", { assumeRolePolicy: "{}" });
      const west = new aws.Provider("west", { region: "us-west-2" });
      new aws.lambda.Function(
        "fn",
        { role: role.arn, runtime: "nodejs20.x", handler: "index.handler", code },
        { provider: west, customTimeouts: { create: "5m" } },
      );
    });
    await runPolicies(resources.all, { policies: [policy] });
    expect(described).to.deep.equal([
      "fn parent=undefined deps=role provider=west:us-west-2 timeout=300",
    ]);
  });

  it("drops keys that start with __ at every depth, as the engine does before Analyze", async () => {
    // pulumi/pulumi pkg/resource/plugin/analyzer_plugin.go marshals the properties of Analyze
    // and AnalyzeStack with SkipInternalKeys (resource.IsInternalPropertyKey: prefix "__").
    const seen: string[] = [];
    const keysOf = (props: Record<string, any>) => JSON.stringify(props, (_key, value) => value);
    const resourcePolicy: ResourceValidationPolicy = {
      name: "sees-resource",
      description: "Records the keys a resource policy sees.",
      validateResource: (args) => {
        seen.push(`resource ${keysOf(args.props)}`);
      },
    };
    const stackPolicy: StackValidationPolicy = {
      name: "sees-stack",
      description: "Records the keys a stack policy sees.",
      validateStack: (args) => {
        seen.push(...args.resources.map((r) => `stack ${keysOf(r.props)}`));
      },
    };
    const captured = {
      ...(await runComponent(() => new aws.sqs.Queue("jobs", { name: "jobs" }))).resources.all[0],
    };
    captured.inputs = { name: "jobs", __defaults: ["delaySeconds"], tags: { __defaults: [] } };
    captured.outputs = { ...captured.inputs, __meta: "{}" };
    await runPolicies([captured], { policies: [resourcePolicy, stackPolicy] });
    expect(seen).to.deep.equal([
      'resource {"name":"jobs","tags":{}}',
      'stack {"name":"jobs","tags":{}}',
    ]);
  });

  it("uses the stack name as the environment of untagged resources", async () => {
    const { resources } = await runComponent(
      () =>
        new aws.lambda.Function("untagged", {
          role: "arn:aws:iam::1:role/r",
          runtime: "nodejs20.x",
          handler: "index.handler",
          code,
        }),
      { stack: "prod" },
    );
    const tracing = allPolicies.filter((policy) => policy.name === "prod-functions-traced");
    expect(await runPolicies(resources.all, { policies: tracing })).to.deep.equal([]);
    expect(
      await runPolicies(resources.all, { policies: tracing, stackName: "prod" }),
    ).to.have.length(1);
  });
});

describe("policy pack", () => {
  it("has unique kebab-case policy names, descriptions and explicit levels", () => {
    const names = allPolicies.map((policy) => policy.name);
    expect(new Set(names).size).to.equal(names.length);
    for (const policy of allPolicies) {
      expect(policy.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(policy.description).to.not.equal("");
      expect(policy.enforcementLevel).to.be.oneOf(["advisory", "mandatory"]);
    }
  });

  it("describes and types every config property of every policy (shown by `pulumi policy ls` and the console)", () => {
    const undescribed = allPolicies.flatMap((policy) =>
      Object.entries(policy.configSchema?.properties ?? {})
        .filter(([, property]) => !(property.description ?? "").trim() || !property.type)
        .map(([key]) => `${policy.name}.${key}`),
    );
    expect(undescribed).to.deep.equal([]);
    expect(
      allPolicies.filter((policy) => policy.configSchema !== undefined),
      "policies with config",
    ).to.have.length.above(10);
  });

  it("constructs the PolicyPack only in policy/index.ts, so rule modules import without side effects", () => {
    const policyDir = path.join(__dirname, "..", "..", "policy");
    const files = ["", "rules"].flatMap((dir) =>
      fs
        .readdirSync(path.join(policyDir, dir))
        .filter((file) => file.endsWith(".ts"))
        .map((file) => path.join(dir, file)),
    );
    const constructing = files.filter((file) =>
      /new PolicyPack\(/.test(fs.readFileSync(path.join(policyDir, file), "utf8")),
    );
    expect(constructing).to.deep.equal(["index.ts"]);
  });

  it("documents every policy in policy/README.md", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "policy", "README.md"), "utf8");
    const undocumented = allPolicies
      .map((p) => p.name)
      .filter((name) => !readme.includes(`\`${name}\``));
    expect(undocumented).to.deep.equal([]);
  });
});
