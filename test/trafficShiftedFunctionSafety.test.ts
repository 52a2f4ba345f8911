// What TrafficShiftedFunction must keep doing for a function to be observable and safe to roll
// out, each behaviour asserted on its own so that removing it fails a test (these survived
// mutation testing: issue 19). Errors are compared whole, as the user reads them.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { TrafficShiftedFunction, TrafficShiftedFunctionArgs } from "../components";
import { metricsCheckHook } from "../hooks";
import { Match, runComponent } from "../testing";

const FUNCTION = "aws:lambda/function:Function";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

function build(args: Partial<TrafficShiftedFunctionArgs> = {}, name = "orders") {
  return runComponent(() => new TrafficShiftedFunction(name, { code, ...args }));
}

/** The statements of a captured role policy, by Sid. */
function statements(policy: string): Record<string, any> {
  const document = JSON.parse(policy) as { Statement: { Sid: string }[] };
  return Object.fromEntries(document.Statement.map((statement) => [statement.Sid, statement]));
}

/** The error a constructor throws for one invalid argument. */
function rejection(args: Partial<TrafficShiftedFunctionArgs>): string {
  try {
    new TrafficShiftedFunction("orders", { code, ...args } as TrafficShiftedFunctionArgs);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the arguments to be rejected");
}

describe("TrafficShiftedFunction: execution role, logs and traces", () => {
  it("lets only Lambda assume the execution role", async () => {
    const { resources } = await build();
    const role = resources.get(ROLE, "orders-role");
    expect(JSON.parse(role.inputs.assumeRolePolicy)).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ],
    });
  });

  it("lets the function write its own log group's streams and X-Ray traces, and sends logs there", async () => {
    const { resources } = await build();
    const logGroup = resources.get(LOG_GROUP, "orders-logs");
    const granted = statements(resources.get(ROLE_POLICY, "orders-role-policy").inputs.policy);
    expect(granted.WriteOwnLogs).to.deep.equal({
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${logGroup.outputs.arn}:*`,
    });
    expect(granted.WriteTraces).to.deep.equal({
      Sid: "WriteTraces",
      Effect: "Allow",
      Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      Resource: "*",
    });
    resources.hasResourceProperties(FUNCTION, {
      name: Match.absent(),
      tracingConfig: { mode: "Active" },
      loggingConfig: { logFormat: "Text", logGroup: logGroup.outputs.name },
    });
  });

  it("grants no X-Ray writes when tracing is PassThrough", async () => {
    const { resources } = await build({ tracing: "PassThrough" });
    const granted = statements(resources.get(ROLE_POLICY, "orders-role-policy").inputs.policy);
    expect(Object.keys(granted)).to.deep.equal(["WriteOwnLogs"]);
    resources.hasResourceProperties(FUNCTION, { tracingConfig: { mode: "PassThrough" } });
  });

  it("lets the function send failed events to its SQS or SNS dead-letter target", async () => {
    const queueArn = "arn:aws:sqs:us-east-1:123456789012:orders-failed";
    const topicArn = "arn:aws:sns:us-east-1:123456789012:orders-failed";
    for (const [targetArn, action] of [
      [queueArn, "sqs:SendMessage"],
      [topicArn, "sns:Publish"],
    ]) {
      const { resources } = await build({ deadLetterTargetArn: targetArn });
      const granted = statements(resources.get(ROLE_POLICY, "orders-role-policy").inputs.policy);
      expect(granted.SendToDeadLetterTarget).to.deep.equal({
        Sid: "SendToDeadLetterTarget",
        Effect: "Allow",
        Action: action,
        Resource: targetArn,
      });
      resources.hasResourceProperties(FUNCTION, { deadLetterConfig: { targetArn } });
    }
  });

  it("runs on arm64 when asked, x86_64 by default", async () => {
    const arm = await build({ architecture: "arm64" });
    arm.resources.hasResourceProperties(FUNCTION, { architectures: ["arm64"] });
    const standard = await build();
    standard.resources.hasResourceProperties(FUNCTION, { architectures: ["x86_64"] });
  });
});

describe("TrafficShiftedFunction: CodeDeploy settings on the created resources", () => {
  it("gives the metrics check hook 300 s, beyond Lambda's 3 s default and the 120 s hook default", async () => {
    const { resources } = await build({ hooks: { postTraffic: metricsCheckHook() } });
    resources.hasResourceProperties(FUNCTION, {
      description: Match.stringLikeRegexp(/^CodeDeploy AfterAllowTraffic hook for /),
      timeout: 300,
    });
  });

  it("uses the user's serviceRoleArn and creates no CodeDeploy role", async () => {
    const serviceRoleArn = "arn:aws:iam::123456789012:role/platform-codedeploy";
    const { resources } = await build({ trafficShifting: { serviceRoleArn } });
    resources.hasResourceProperties(GROUP, { serviceRoleArn });
    expect(resources.ofType(ROLE).map((role) => role.name)).to.deep.equal(["orders-role"]);
  });

  it("counts the duration alarm among CodeDeploy's 10: 7 more names fit beside 3 defaults, 8 do not", async () => {
    const names = (count: number) => Array.from({ length: count }, (_, i) => `platform-${i}`);
    const { resources } = await build({
      alarms: { durationBaselineMs: 120, additionalAlarmNames: names(7) },
    });
    const group = resources.get(GROUP, "orders-deployment-group");
    expect(group.inputs.alarmConfiguration.alarms).to.have.length(10);
    expect(
      rejection({ alarms: { durationBaselineMs: 120, additionalAlarmNames: names(8) } }),
    ).to.equal(
      'TrafficShiftedFunction "orders": [alarms.additionalAlarmNames] is "8 names": CodeDeploy ' +
        "allows at most 10 alarms per deployment group; with 3 default alarm(s) give at most 7",
    );
  });
});

describe("TrafficShiftedFunction: input checks", () => {
  it("requires code, for the function and for each hook", () => {
    expect(rejection({ code: undefined })).to.equal(
      'TrafficShiftedFunction "orders": [code] is undefined: is required: a pulumi.asset.Archive, or give [source] to bundle an entry file',
    );
    expect(rejection({ hooks: { preTraffic: {} as never } })).to.equal(
      'TrafficShiftedFunction "orders": [hooks.preTraffic.code] is undefined: is required: a pulumi.asset.Archive, or give [hooks.preTraffic.source] to bundle an entry file',
    );
    expect(rejection({ hooks: { postTraffic: { code: null } as never } })).to.equal(
      'TrafficShiftedFunction "orders": [hooks.postTraffic.code] is null: is required: a pulumi.asset.Archive, or give [hooks.postTraffic.source] to bundle an entry file',
    );
  });

  it("accepts alias names Lambda accepts and refuses the others", async () => {
    for (const aliasName of ["live", "Prod_2", "blue-green", "a", "x".repeat(128), "1a"]) {
      const { resources } = await build({ aliasName });
      resources.hasResourceProperties("aws:lambda/alias:Alias", { name: aliasName });
    }
    for (const aliasName of ["", "123", "live!", "with space", "x".repeat(129), "$LATEST"]) {
      expect(rejection({ aliasName }), aliasName).to.equal(
        `TrafficShiftedFunction "orders": [aliasName] is ${JSON.stringify(aliasName)}: must be 1-128 letters, digits, - or _, and not only digits`,
      );
    }
  });

  it("refuses architectures and tracing modes Lambda does not have", () => {
    expect(rejection({ architecture: "arm" as never })).to.equal(
      'TrafficShiftedFunction "orders": [architecture] is "arm": must be one of "x86_64", "arm64"',
    );
    expect(rejection({ tracing: "On" as never })).to.equal(
      'TrafficShiftedFunction "orders": [tracing] is "On": must be one of "Active", "PassThrough"',
    );
  });

  it("refuses environment variable names Lambda refuses, and accepts the rest", async () => {
    expect(rejection({ environment: { "ORDERS-TABLE": "x" } })).to.equal(
      'TrafficShiftedFunction "orders": [environment.ORDERS-TABLE] is "ORDERS-TABLE": environment ' +
        "variable names start with a letter and hold only letters, digits and _",
    );
    expect(rejection({ environment: { _PRIVATE: "x" } })).to.match(/\[environment\._PRIVATE\]/);
    expect(rejection({ environment: { "1ST": "x" } })).to.match(/\[environment\.1ST\]/);
    const { resources } = await build({ environment: { ordersTable_2: "x" } });
    resources.hasResourceProperties(FUNCTION, {
      environment: { variables: { ordersTable_2: "x", LOG_LEVEL: "INFO" } },
    });
  });

  it("refuses policyStatements together with a role of the user's", () => {
    expect(
      rejection({
        role: "arn:aws:iam::123456789012:role/orders",
        policyStatements: [{ actions: ["dynamodb:GetItem"], resources: ["*"] }],
      }),
    ).to.equal(
      'TrafficShiftedFunction "orders": [policyStatements] is "(given)": only applies to the ' +
        "role this component creates; add them to [role] yourself",
    );
  });
});

describe("TrafficShiftedFunction: names at AWS's 64-character limit", () => {
  // Pulumi auto-names add 8 characters ("-" and 7 random ones): a logical name of up to 56
  // characters is left to it, a longer one is cut to 56 plus "-" and a 7-character hash.
  it("auto-names the function up to a 47-character component name and cuts it from 48", async () => {
    const fits = await build({}, "f".repeat(47));
    expect(fits.resources.get(FUNCTION, `${"f".repeat(47)}-function`).inputs.name).to.equal(
      undefined,
    );
    const cut = await build({}, "f".repeat(48));
    const name: string = cut.resources.get(FUNCTION, `${"f".repeat(48)}-function`).inputs.name;
    expect(name).to.have.length(64);
    expect(name).to.match(new RegExp(`^${"f".repeat(48)}-functio-[0-9a-f]{7}$`));
  });

  it("auto-names the execution role up to a 51-character component name and cuts it from 52", async () => {
    const fits = await build({}, "r".repeat(51));
    expect(fits.resources.get(ROLE, `${"r".repeat(51)}-role`).inputs.name).to.equal(undefined);
    const cut = await build({}, "r".repeat(52));
    const name: string = cut.resources.get(ROLE, `${"r".repeat(52)}-role`).inputs.name;
    expect(name).to.have.length(64);
    expect(name).to.match(new RegExp(`^${"r".repeat(52)}-rol-[0-9a-f]{7}$`));
  });
});
