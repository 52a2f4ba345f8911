import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as path from "path";
import {
  expectRunFailure,
  Match,
  matches,
  mismatches,
  promiseOf,
  runComponent,
  runProgram,
} from "../testing";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

class Sample extends pulumi.ComponentResource {
  readonly functionArn: pulumi.Output<string>;

  constructor(name: string, region: string, opts?: pulumi.ComponentResourceOptions) {
    super("test:index:Sample", name, {}, opts);
    const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: "{}" }, { parent: this });
    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        region,
        role: role.arn,
        runtime: "nodejs20.x",
        handler: "index.handler",
        publish: true,
        code,
        environment: { variables: { API_KEY: pulumi.secret("s3cr3t"), LOG_LEVEL: "INFO" } },
      },
      { parent: this, protect: true, ignoreChanges: ["code"] },
    );
    this.functionArn = fn.arn;
    this.registerOutputs({ functionArn: fn.arn });
  }
}

describe("testing harness", () => {
  it("captures type, name, parent, region, options and secret inputs of every resource", async () => {
    const { resources } = await runComponent(() => new Sample("orders", "eu-west-1"));

    expect(resources.all.map((r) => r.type)).to.deep.equal([
      "test:index:Sample",
      "aws:iam/role:Role",
      "aws:lambda/function:Function",
    ]);
    const component = resources.get("test:index:Sample", "orders");
    const fn = resources.get("aws:lambda/function:Function", "orders-function");
    expect(resources.parentOf(fn)).to.equal(component);
    expect(fn.region).to.equal("eu-west-1");
    expect(resources.get("aws:iam/role:Role", "orders-role").region).to.equal("us-east-1");
    expect(fn.options.protect).to.equal(true);
    expect(fn.options.ignoreChanges).to.deep.equal(["code"]);
    expect(fn.secretPaths).to.deep.equal(["environment.variables.API_KEY"]);
    expect(fn.inputs.environment.variables.API_KEY).to.equal("s3cr3t");
    expect(component.outputs.functionArn).to.equal(
      "arn:aws:lambda:eu-west-1:123456789012:function:orders-function-mock123",
    );
    expect(resources.tree()).to.deep.equal([
      "test:index:Sample orders",
      "  aws:iam/role:Role orders-role",
      "  aws:lambda/function:Function orders-function",
    ]);
  });

  it("emulates provider outputs such as a published function's version and ARN", async () => {
    const { result } = await runComponent(() => new Sample("orders", "us-west-2"));
    expect(await promiseOf(result.functionArn)).to.equal(
      "arn:aws:lambda:us-west-2:123456789012:function:orders-function-mock123",
    );
  });

  it("lets a test override outputs and read config", async () => {
    const { resources } = await runComponent(
      () => {
        const config = new pulumi.Config("app");
        return new Sample(config.require("name"), "us-east-1");
      },
      {
        project: "app",
        config: { name: "billing" },
        outputs: ({ type }) =>
          type === "aws:iam/role:Role" ? { arn: "arn:aws:iam::1:role/x" } : undefined,
      },
    );
    expect(resources.get("aws:iam/role:Role", "billing-role").outputs.arn).to.equal(
      "arn:aws:iam::1:role/x",
    );
  });

  it("hasResourceProperties matches partially and explains a miss", async () => {
    const { resources } = await runComponent(() => new Sample("orders", "us-east-1"));
    resources.hasResourceProperties("aws:lambda/function:Function", {
      publish: true,
      environment: { variables: { LOG_LEVEL: "INFO" } },
      deadLetterConfig: Match.absent(),
    });
    expect(() =>
      resources.hasResourceProperties("aws:lambda/function:Function", { runtime: "python3.12" }),
    ).to.throw(/\$\.runtime: expected "python3.12", got "nodejs20.x"/);
    expect(() => resources.resourceCountIs("aws:lambda/function:Function", 2)).to.throw(
      /expected 2 aws:lambda\/function:Function, found 1: orders-function/,
    );
    resources.resourceCountIs("aws:lambda/alias:Alias", 0);
  });

  it("fails like the AWS provider when an auto-generated name exceeds AWS's limit", async () => {
    const failure = await expectRunFailure(
      runComponent(() => new aws.iam.Role("r".repeat(57), { assumeRolePolicy: "{}" })),
    );
    expect(failure.message).to.equal(
      `failed to register new resource ${"r".repeat(57)} [aws:iam/role:Role]: aws:iam/role:Role "${"r".repeat(57)}": name "${"r".repeat(57)}-mock123" is longer than maximum length 64 (Pulumi's auto-name: the logical name plus 8 characters)`,
    );
    await runComponent(() => new aws.iam.Role("r".repeat(56), { assumeRolePolicy: "{}" }));
  });

  it("reports a failed run with the resources registered before the failure", async () => {
    const failure = await expectRunFailure(
      runComponent(() => {
        new Sample("first", "us-east-1");
        throw new Error("[trafficShifting.type] must be one of ...");
      }),
    );
    expect(failure.message).to.equal("[trafficShifting.type] must be one of ...");
    expect(failure.resources.all.map((r) => r.name)).to.include("first-function");
  });
});

describe("testing harness: preview unknowns", () => {
  /** A function, an alias on its version and a global table: computed outputs feed inputs. */
  const build = () => {
    const sample = new Sample("orders", "eu-west-1");
    const fn = new aws.lambda.Function("billing", {
      region: "eu-west-1",
      role: "arn:aws:iam::123456789012:role/billing",
      runtime: "nodejs20.x",
      handler: "index.handler",
      publish: true,
      code,
    });
    const alias = new aws.lambda.Alias("orders-live", {
      region: "eu-west-1",
      name: "live",
      functionName: fn.name,
      functionVersion: fn.version,
    });
    const table = new aws.dynamodb.Table("orders-table", {
      region: "eu-west-1",
      hashKey: "id",
      attributes: [{ name: "id", type: "S" }],
      replicas: [{ regionName: "us-east-1" }],
    });
    return { sample, fn, alias, table };
  };
  const UNKNOWN = { __pulumiUnknown: true };

  it("leaves every computed output and id unknown, and the inputs built from them", async () => {
    const { resources, result } = await runComponent(build, {
      preview: true,
      previewUnknowns: true,
    });
    const fn = resources.get("aws:lambda/function:Function", "orders-function");
    expect(fn.id).to.equal("");
    expect(fn.outputs.arn).to.deep.equal(UNKNOWN);
    expect(fn.outputs.version).to.deep.equal(UNKNOWN);
    expect(fn.outputs.name).to.equal("orders-function-mock123"); // auto-named in Check: known
    expect(fn.outputs.publish).to.equal(true); // inputs stay known
    expect(resources.get("test:index:Sample", "orders").outputs.functionArn).to.deep.equal(UNKNOWN);
    expect(
      resources.get("aws:lambda/alias:Alias", "orders-live").inputs.functionVersion,
    ).to.deep.equal(UNKNOWN);
    const table = resources.get("aws:dynamodb/table:Table", "orders-table");
    expect(table.outputs.replicas).to.deep.equal([
      { regionName: "us-east-1", arn: UNKNOWN, streamArn: UNKNOWN },
    ]);
    let applied = false;
    result.sample.functionArn.apply(() => (applied = true));
    await promiseOf(result.table.hashKey);
    expect(applied).to.equal(false);
  });

  it("keeps the emulated outputs by default, and when not previewing", async () => {
    for (const options of [{ preview: true }, { preview: false, previewUnknowns: true }]) {
      const { resources } = await runComponent(build, options);
      const fn = resources.get("aws:lambda/function:Function", "orders-function");
      expect(fn.id).to.equal("orders-function-id");
      expect(fn.outputs.version).to.equal("1");
      expect(
        resources.get("aws:lambda/alias:Alias", "orders-live").inputs.functionVersion,
      ).to.equal("1");
    }
  });

  it("returns a program's stack outputs with the unknown ones marked", async () => {
    const { result } = await runProgram(path.join(__dirname, "fixtures", "previewProgram.ts"), {
      preview: true,
      previewUnknowns: true,
    });
    expect(result).to.deep.equal({ queueName: "orders-queue", queueArn: UNKNOWN });
    const known = await runProgram(path.join(__dirname, "fixtures", "previewProgram.ts"), {
      preview: true,
    });
    expect(known.result.queueArn).to.equal("arn:aws:sqs:us-east-1:123456789012:orders-queue");
  });
});

describe("Match", () => {
  it("arrayWith finds elements in order, arrayEquivalent ignores order", () => {
    expect(matches(["a", "b", "c"], Match.arrayWith(["a", "c"]))).to.equal(true);
    expect(matches(["a", "b", "c"], Match.arrayWith(["c", "a"]))).to.equal(false);
    expect(matches(["a", "b"], Match.arrayEquivalent(["b", "a"]))).to.equal(true);
    expect(matches(["a", "b", "b"], Match.arrayEquivalent(["b", "a"]))).to.equal(false);
  });

  it("serializedJson matches an IAM policy document inside a string", () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Action: "s3:GetObject" }],
    });
    expect(
      matches(policy, Match.serializedJson({ Statement: [{ Action: "s3:GetObject" }] })),
    ).to.equal(true);
    expect(
      mismatches(policy, Match.serializedJson({ Statement: [{ Action: "*" }] })),
    ).to.deep.equal(['$<json>.Statement[0].Action: expected "*", got "s3:GetObject"']);
  });

  it("exact rejects extra keys that a plain pattern allows", () => {
    expect(matches({ a: 1, b: 2 }, { a: 1 })).to.equal(true);
    expect(matches({ a: 1, b: 2 }, Match.exact({ a: 1 }))).to.equal(false);
    expect(matches({ b: 2, a: 1 }, Match.exact({ a: 1, b: 2 }))).to.equal(true);
  });
});
