import {
  CodeDeployClient,
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from "@aws-sdk/client-codedeploy";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import {
  createPreTrafficHandler,
  evaluateInvocation,
  jsonSubsetMismatches,
} from "../../hooks/handlers/preTraffic";
import type { HookResult } from "../../hooks/handlers/report";
import {
  ALIAS_NAME,
  appSpecJson,
  appSpecYaml,
  collectingLogger,
  contextWith,
  DEPLOYMENT_ID,
  awsError,
  deploymentInfo,
  givenDeployment,
  APPLICATION_NAME,
  sha256Of,
  env,
  EXECUTION_ID,
  FUNCTION_NAME,
  lifecycleEvent,
  payload,
} from "./fixtures";

describe("pre-traffic smoke test hook", () => {
  const codedeploy = new CodeDeployClient({ region: "us-east-1" });
  const lambda = new LambdaClient({ region: "us-east-1" });
  const codedeployMock = mockClient(codedeploy);
  const lambdaMock = mockClient(lambda);

  beforeEach(() => {
    codedeployMock.reset();
    lambdaMock.reset();
    givenDeployment(codedeployMock);
    // PutLifecycleEventHookExecutionStatus answers the execution id (API Reference, Response Syntax).
    codedeployMock.on(PutLifecycleEventHookExecutionStatusCommand).resolves({
      lifecycleEventHookExecutionId: EXECUTION_ID,
    });
    // A synchronous Invoke: StatusCode 200, ExecutedVersion, Payload (Lambda API Reference,
    // Invoke Response Syntax; a RequestResponse invocation returns 200).
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      ExecutedVersion: "7",
      Payload: payload({ statusCode: 200, body: JSON.stringify({ ok: true, items: [{ id: 1 }] }) }),
    } as never);
  });

  function run(config: unknown = {}, options: { event?: unknown; remainingMs?: number } = {}) {
    const log = collectingLogger();
    const handler = createPreTrafficHandler({ codedeploy, lambda, config, env, log });
    const result = handler(
      "event" in options ? options.event : lifecycleEvent,
      contextWith(options.remainingMs ?? 60_000),
    );
    return { result, log };
  }

  function reported(): Array<Record<string, unknown>> {
    return codedeployMock
      .commandCalls(PutLifecycleEventHookExecutionStatusCommand)
      .map((call) => ({ ...call.args[0].input }));
  }

  function expectReported(status: "Succeeded" | "Failed"): void {
    expect(reported()).to.deep.equal([
      { deploymentId: DEPLOYMENT_ID, lifecycleEventHookExecutionId: EXECUTION_ID, status },
    ]);
  }

  it("invokes the AppSpec's TargetVersion (never the alias) and reports Succeeded", async () => {
    const { result } = run({ event: { path: "/health" }, expect: { statusCode: 200 } });
    const outcome: HookResult = await result;

    expect(outcome.status, outcome.reason).to.equal("Succeeded");
    expect(outcome.reported).to.equal(true);
    expectReported("Succeeded");
    expect(codedeployMock.commandCalls(GetDeploymentCommand)[0].args[0].input).to.deep.equal({
      deploymentId: DEPLOYMENT_ID,
    });
    const invokes = lambdaMock.commandCalls(InvokeCommand).map((call) => call.args[0].input);
    expect(invokes).to.have.length(1);
    expect(invokes[0]).to.include({
      FunctionName: FUNCTION_NAME,
      Qualifier: "7",
      InvocationType: "RequestResponse",
    });
    expect(invokes[0].Qualifier).to.not.equal(ALIAS_NAME);
    expect(
      JSON.parse(Buffer.from(invokes[0].Payload as Uint8Array).toString("utf8")),
    ).to.deep.equal({
      path: "/health",
    });
  });

  it("reads the target version from a YAML AppSpec too", async () => {
    givenDeployment(codedeployMock, appSpecYaml);
    const outcome = await run().result;
    expect(outcome.status, outcome.reason).to.equal("Succeeded");
    expect(lambdaMock.commandCalls(InvokeCommand)[0].args[0].input.Qualifier).to.equal("7");
  });

  it("reads the AppSpec with GetApplicationRevision by the sha256 GetDeployment returns", async () => {
    const outcome = await run().result;
    expect(outcome.status, outcome.reason).to.equal("Succeeded");
    const revisions = codedeployMock
      .commandCalls(GetApplicationRevisionCommand)
      .map((call) => call.args[0].input);
    expect(revisions).to.deep.equal([
      {
        applicationName: APPLICATION_NAME,
        revision: {
          revisionType: "AppSpecContent",
          appSpecContent: { sha256: sha256Of(appSpecJson()) },
        },
      },
    ]);
  });

  it("reports Failed, naming the application, when the revision cannot be read", async () => {
    codedeployMock.on(GetApplicationRevisionCommand).rejects(
      // AccessDenied as the SDK raises it (CodeDeploy API Reference, Common Errors).
      Object.assign(
        new Error("User is not authorized to perform: codedeploy:GetApplicationRevision"),
        {
          name: "AccessDeniedException",
        },
      ),
    );
    const outcome = await run().result;
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain("codedeploy:GetApplicationRevision");
    expect(lambdaMock.calls()).to.have.length(0);
    expectReported("Failed");
  });

  it("picks the guarded function when the AppSpec names a function by ARN", async () => {
    givenDeployment(
      codedeployMock,
      appSpecJson({
        Name: `arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION_NAME}`,
        TargetVersion: 12,
      }),
    );
    const outcome = await run().result;
    expect(outcome.status, outcome.reason).to.equal("Succeeded");
    expect(lambdaMock.commandCalls(InvokeCommand)[0].args[0].input).to.include({
      FunctionName: FUNCTION_NAME,
      Qualifier: "12",
    });
  });

  it("reports Failed when the payload's statusCode is not the expected one", async () => {
    // Invoke succeeded (StatusCode 200); the function's own result says 503 (Invoke Response Syntax).
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload({ statusCode: 503, body: "unavailable" }),
    } as never);
    const outcome = await run({ expect: { statusCode: [200, 204] } }).result;
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain("statusCode 503, expected 200 or 204");
    expectReported("Failed");
  });

  it("reports Failed when the body misses the expected text or JSON subset, naming each", async () => {
    const outcome = await run({
      expect: { bodyContains: "healthy", bodyMatches: { ok: true, items: [{ id: 2 }] } },
    }).result;
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain('body does not contain "healthy"');
    expect(outcome.reason).to.contain("body.items[0].id: expected 2, got 1");
    expectReported("Failed");
  });

  it("reports Failed when the new version throws (FunctionError), with its error message", async () => {
    // A function error: StatusCode 200, FunctionError "Unhandled", the error object as payload,
    // the base64 log tail with LogType Tail (Lambda API Reference, Invoke Response Syntax).
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: "Unhandled",
      Payload: payload({ errorType: "TypeError", errorMessage: "cannot read 'id' of undefined" }),
      LogResult: Buffer.from("START ...\nERROR TypeError\n").toString("base64"),
    } as never);
    const { result, log } = run();
    const outcome = await result;
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain(
      "the function failed (Unhandled): TypeError: cannot read 'id'",
    );
    expect(log.entries.some((entry) => String(entry.logTail).includes("ERROR TypeError"))).to.equal(
      true,
    );
    expectReported("Failed");
  });

  it("reports Failed when Lambda's own StatusCode is not 200", async () => {
    // 202 is what an asynchronous (Event) invocation answers (Invoke Response Syntax); the hook
    // must not accept it as a synchronous success.
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 } as never);
    const outcome = await run().result;
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain("StatusCode 202, expected 200");
    expectReported("Failed");
  });

  it("still reports Failed when its own code throws (Invoke rejects)", async () => {
    // Invoke's AccessDeniedException is not in its Errors list; IAM denials come back as
    // AccessDeniedException with HTTP 403 (Lambda API Reference, Common Errors).
    lambdaMock
      .on(InvokeCommand)
      .rejects(
        awsError("AccessDeniedException", "not authorized to perform: lambda:InvokeFunction", 403),
      );
    const { result, log } = run();
    const outcome = await result;
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.equal(
      "hook error: AccessDeniedException: not authorized to perform: lambda:InvokeFunction",
    );
    expect(log.entries.some((entry) => entry.message === "the hook's own code failed")).to.equal(
      true,
    );
    expectReported("Failed");
  });

  it("still reports Failed when its configuration is invalid, naming the option", async () => {
    const outcome = await run('{"expect": {"statusCode": "200"}, "retries": 3}').result;
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain('[expect.statusCode] = "200"');
    expect(outcome.reason).to.contain('unknown option(s) "retries"');
    expectReported("Failed");
    expect(lambdaMock.commandCalls(InvokeCommand)).to.have.length(0);
  });

  it("still reports Failed when a bug in its own code throws mid-way", async () => {
    const log = collectingLogger();
    const buggyLog = (entry: Record<string, unknown>) => {
      if (String(entry.message).startsWith("invoking")) {
        throw new TypeError("Cannot read properties of undefined (reading 'x')");
      }
      log(entry);
    };
    const handler = createPreTrafficHandler({ codedeploy, lambda, env, log: buggyLog });
    const outcome = await handler(lifecycleEvent, contextWith(60_000));
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.equal(
      "hook error: TypeError: Cannot read properties of undefined (reading 'x')",
    );
    expectReported("Failed");
  });

  it("falls back to a fixed budget when the context cannot tell the remaining time", async () => {
    const log = collectingLogger();
    const handler = createPreTrafficHandler({ codedeploy, lambda, env, log });
    const outcome = await handler(lifecycleEvent, {
      getRemainingTimeInMillis: () => {
        throw new Error("no context");
      },
    });
    expect(outcome.status, outcome.reason).to.equal("Succeeded");
    expect(log.entries.some((entry) => entry.level === "WARN")).to.equal(true);
  });

  it("reports Failed with 'timed out' when the checks outlive the deadline minus the margin", async () => {
    // The new version hangs; 3.1 s left and a 3 s margin leave 100 ms for the checks.
    lambdaMock.on(InvokeCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    const outcome = await run({}, { remainingMs: 3100 }).result;
    expect(Date.now() - started).to.be.lessThan(2000);
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.match(/^timed out/);
    expectReported("Failed");
  });

  it("reports Failed at once when less time than the safety margin is left", async () => {
    const outcome = await run({ safetyMarginMs: 5000 }, { remainingMs: 4000 }).result;
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain("only 4000 ms left");
    expectReported("Failed");
    expect(lambdaMock.commandCalls(InvokeCommand)).to.have.length(0);
  });

  it("logs a malformed event without ids and reports nothing (there is nothing to report to)", async () => {
    const { result, log } = run({}, { event: { NewVersion: "7" } });
    const outcome = await result;
    expect(outcome.reported).to.equal(false);
    expect(outcome.reason).to.contain("missing DeploymentId and LifecycleEventHookExecutionId");
    expect(log.entries[0]).to.include({ level: "ERROR" });
    expect(codedeployMock.calls()).to.have.length(0);
    expect(lambdaMock.calls()).to.have.length(0);
  });

  it("does not report an event that has only one of the two ids", async () => {
    const outcome = await run({}, { event: { DeploymentId: DEPLOYMENT_ID } }).result;
    expect(outcome.reported).to.equal(false);
    expect(outcome.reason).to.contain("missing LifecycleEventHookExecutionId");
    expect(codedeployMock.calls()).to.have.length(0);
  });

  it("reports Failed when the deployment is not of the guarded function", async () => {
    givenDeployment(codedeployMock, appSpecJson({ Name: "billing-function" }));
    const outcome = await run().result;
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain(`does not deploy function "${FUNCTION_NAME}"`);
    expect(outcome.reason).to.contain('"billing-function"');
    expect(lambdaMock.calls()).to.have.length(0);
    expectReported("Failed");
  });

  it("reports Failed when the AppSpec's TargetVersion is not a published version", async () => {
    givenDeployment(codedeployMock, appSpecJson({ TargetVersion: "$LATEST" }));
    const outcome = await run().result;
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain('TargetVersion of "orders-function-mock123" is "$LATEST"');
    expect(lambdaMock.calls()).to.have.length(0);
  });

  it("reports Failed when the revision is not an inline AppSpec", async () => {
    // An S3 revision as GetDeployment returns it (API Reference, RevisionLocation / S3Location).
    givenDeployment(codedeployMock, appSpecJson(), {
      ...deploymentInfo(),
      revision: {
        revisionType: "S3",
        s3Location: { bucket: "b", key: "appspec.yaml", bundleType: "YAML" },
      },
    });
    const outcome = await run().result;
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain("no inline AppSpec (revision type S3)");
  });

  it("reports Failed when the deployment shifts another alias than TARGET_ALIAS_NAME", async () => {
    givenDeployment(codedeployMock, appSpecJson({ Alias: "beta" }));
    const outcome = await run().result;
    expect(outcome.status).to.equal("Failed");
    expect(outcome.reason).to.contain('shifts alias "beta"');
  });

  it("rethrows when the status cannot be reported, so Lambda retries the invocation", async () => {
    codedeployMock
      .on(PutLifecycleEventHookExecutionStatusCommand)
      // ThrottlingException (CodeDeploy API Reference, Common Errors; HTTP 400).
      .rejects(awsError("ThrottlingException", "Rate exceeded"));
    const { result, log } = run();
    let thrown: unknown;
    await result.catch((error: unknown) => (thrown = error));
    expect(String(thrown)).to.contain("ThrottlingException");
    expect(
      log.entries.some((entry) => String(entry.message).startsWith("could not report")),
    ).to.equal(true);
  });
});

describe("smoke test expectations", () => {
  it("decodes a base64 body before checking it", () => {
    const verdict = evaluateInvocation(
      {
        StatusCode: 200,
        Payload: payload({
          statusCode: 200,
          isBase64Encoded: true,
          body: Buffer.from('{"status":"healthy"}').toString("base64"),
        }),
      },
      { bodyContains: "healthy", bodyMatches: { status: "healthy" } },
    );
    expect(verdict).to.deep.equal({ status: "Succeeded", reason: "response as expected" });
  });

  it("checks the whole payload of a non-HTTP function against a subset", () => {
    const ok = evaluateInvocation(
      { StatusCode: 200, Payload: payload({ processed: 3, failures: [] }) },
      { payloadMatches: { failures: [] } },
    );
    expect(ok.status).to.equal("Succeeded");
    const bad = evaluateInvocation(
      { StatusCode: 200, Payload: payload({ processed: 3, failures: ["m1"] }) },
      { payloadMatches: { failures: [] } },
    );
    expect(bad.reason).to.equal("payload.failures: expected 0 items, got 1");
  });

  it("fails when an expectation needs a payload that is not JSON", () => {
    const verdict = evaluateInvocation(
      { StatusCode: 200, Payload: new Uint8Array(Buffer.from("OK")) },
      { statusCode: 200 },
    );
    expect(verdict.reason).to.equal("the payload is not JSON: OK");
  });

  it("matches JSON subsets key by key and arrays item by item", () => {
    expect(
      jsonSubsetMismatches({ a: 1, b: { c: [1, 2] }, extra: true }, { b: { c: [1, 2] } }, "x"),
    ).to.deep.equal([]);
    expect(jsonSubsetMismatches({ a: 1 }, { a: 1, b: null }, "x")).to.deep.equal(["x.b: missing"]);
    expect(jsonSubsetMismatches([1], { a: 1 }, "x")).to.deep.equal([
      "x: expected an object, got [1]",
    ]);
    expect(jsonSubsetMismatches("1", 1, "x")).to.deep.equal(['x: expected 1, got "1"']);
  });
});
