import { expect } from "chai";
import {
  ArgumentProblem,
  durationMinutes,
  lambdaDeploymentProblems,
  MAX_DESCRIPTION_LENGTH,
  MAX_TIMEOUT_MINUTES,
} from "../../deployment/validate";

// The arguments of a LambdaDeployment as a user writes them (README, "LambdaDeployment").
const valid = {
  applicationName: "orders",
  deploymentGroupName: "orders-live",
  functionName: "orders-fn",
  aliasName: "live",
  targetVersion: "4",
  region: "eu-west-1",
};

/** The reasons `pulumi preview` prints for these arguments (the provider's check failures). */
function reasons(changes: Record<string, unknown>): string[] {
  return lambdaDeploymentProblems({ ...valid, ...changes }).map((problem) => problem.reason);
}

/** The one reason for one argument, or an empty list when it is accepted. */
function verdict(key: string, value: unknown): string[] {
  return reasons({ [key]: value });
}

describe("LambdaDeployment arguments", () => {
  it("accepts a deployment as the README writes it, and every optional argument unset", () => {
    expect(lambdaDeploymentProblems(valid)).to.deep.equal([]);
  });

  it("names every missing required argument at once, with its key and `undefined`", () => {
    expect(lambdaDeploymentProblems({})).to.deep.equal([
      {
        property: "applicationName",
        reason:
          "[applicationName] is undefined; allowed: a CodeDeploy application name, 1-100 characters",
      },
      {
        property: "deploymentGroupName",
        reason:
          "[deploymentGroupName] is undefined; allowed: a deployment group name, 1-100 characters",
      },
      {
        property: "functionName",
        reason:
          "[functionName] is undefined; allowed: a Lambda function name (1-64 letters, digits, - or _), not an ARN",
      },
      {
        property: "aliasName",
        reason:
          "[aliasName] is undefined; allowed: a Lambda alias name (1-128 letters, digits, - or _, not only digits)",
      },
      {
        property: "targetVersion",
        reason:
          '[targetVersion] is undefined; allowed: a published version number such as "4" (CodeDeploy shifts an alias between published versions, never $LATEST)',
      },
      {
        property: "region",
        reason: '[region] is undefined; allowed: an AWS region code such as "eu-west-1"',
      },
    ] satisfies ArgumentProblem[]);
  });

  // CodeDeploy API Reference, CreateApplication `applicationName` and CreateDeploymentGroup
  // `deploymentGroupName`: "Length Constraints: Minimum length of 1. Maximum length of 100."
  it("takes application and deployment group names of 1 to 100 characters", () => {
    for (const key of ["applicationName", "deploymentGroupName"]) {
      expect(verdict(key, "o"), key).to.deep.equal([]);
      expect(verdict(key, "o".repeat(100)), key).to.deep.equal([]);
      expect(verdict(key, ""), key).to.have.length(1);
      expect(verdict(key, "o".repeat(101)), key).to.have.length(1);
      expect(verdict(key, 42), key).to.have.length(1);
    }
    expect(verdict("applicationName", "")).to.deep.equal([
      '[applicationName] is ""; allowed: a CodeDeploy application name, 1-100 characters',
    ]);
  });

  // Lambda API Reference, CreateFunction `FunctionName` (a name is 1-64 characters of
  // [a-zA-Z0-9-_]) and CreateAlias `Name` (pattern `(?!^[0-9]+$)([a-zA-Z0-9-_]+)`, 1-128).
  it("takes a function name of 1 to 64 letters, digits, - or _, and refuses an ARN", () => {
    expect(verdict("functionName", "Orders_fn-2")).to.deep.equal([]);
    expect(verdict("functionName", "f".repeat(64))).to.deep.equal([]);
    expect(verdict("functionName", "f".repeat(65))).to.have.length(1);
    expect(verdict("functionName", "")).to.have.length(1);
    expect(verdict("functionName", "orders fn")).to.have.length(1);
    expect(verdict("functionName", 7)).to.have.length(1);
    expect(
      verdict("functionName", "arn:aws:lambda:eu-west-1:123456789012:function:orders-fn"),
    ).to.deep.equal([
      '[functionName] is "arn:aws:lambda:eu-west-1:123456789012:function:orders-fn"; allowed: a Lambda function name (1-64 letters, digits, - or _), not an ARN',
    ]);
  });

  it("takes an alias name of up to 128 characters that is not only digits", () => {
    expect(verdict("aliasName", "v2")).to.deep.equal([]);
    expect(verdict("aliasName", "2")).to.have.length(1);
    expect(verdict("aliasName", "a".repeat(128))).to.deep.equal([]);
    expect(verdict("aliasName", "a".repeat(129))).to.have.length(1);
    expect(verdict("aliasName", "")).to.have.length(1);
    expect(verdict("aliasName", "live!")).to.have.length(1);
    expect(verdict("aliasName", ["live"])).to.have.length(1);
    expect(verdict("aliasName", "123")).to.deep.equal([
      '[aliasName] is "123"; allowed: a Lambda alias name (1-128 letters, digits, - or _, not only digits)',
    ]);
  });

  // CodeDeploy shifts an alias between published versions (CodeDeploy User Guide, "AppSpec
  // 'resources' section": CurrentVersion and TargetVersion are version numbers); Lambda's
  // versions are whole numbers, and $LATEST cannot be a deployment target.
  it("takes a published version number as the target, never $LATEST or a number type", () => {
    expect(verdict("targetVersion", "12")).to.deep.equal([]);
    expect(verdict("targetVersion", "4a")).to.have.length(1);
    expect(verdict("targetVersion", "v4")).to.have.length(1);
    expect(verdict("targetVersion", 4)).to.have.length(1);
    expect(verdict("targetVersion", "$LATEST")).to.deep.equal([
      '[targetVersion] is "$LATEST"; allowed: a published version number such as "4" (CodeDeploy shifts an alias between published versions, never $LATEST)',
    ]);
  });

  // Region codes as the AWS General Reference lists them ("eu-west-1", "us-gov-west-1").
  it("takes an AWS region code, GovCloud included, and nothing around it", () => {
    expect(verdict("region", "us-gov-west-1")).to.deep.equal([]);
    expect(verdict("region", "ap-southeast-2")).to.deep.equal([]);
    expect(verdict("region", "eu-west-1a")).to.have.length(1);
    expect(verdict("region", "xeu-west-1")).to.have.length(1);
    expect(verdict("region", "eu-1")).to.have.length(1);
    expect(verdict("region", 1)).to.have.length(1);
    expect(verdict("region", ["eu-west-1"])).to.have.length(1);
    expect(verdict("region", "Ireland")).to.deep.equal([
      '[region] is "Ireland"; allowed: an AWS region code such as "eu-west-1"',
    ]);
  });

  it("takes hooks as function names by lifecycle event, and refuses anything else there", () => {
    expect(
      verdict("hooks", {
        beforeAllowTraffic: "CodeDeployHook_pre",
        afterAllowTraffic: "CodeDeployHook_post",
      }),
    ).to.deep.equal([]);
    expect(verdict("hooks", { afterAllowTraffic: undefined })).to.deep.equal([]);
    expect(verdict("hooks", null)).to.deep.equal([]);
    expect(verdict("hooks", ["CodeDeployHook_pre"])).to.deep.equal([
      '[hooks] is ["CodeDeployHook_pre"]; allowed: { beforeAllowTraffic?, afterAllowTraffic? }',
    ]);
    expect(verdict("hooks", "CodeDeployHook_pre")).to.deep.equal([
      '[hooks] is "CodeDeployHook_pre"; allowed: { beforeAllowTraffic?, afterAllowTraffic? }',
    ]);
    // SAM's names are PreTraffic/PostTraffic; here the AppSpec's lifecycle events are the keys.
    expect(verdict("hooks", { preTraffic: "CodeDeployHook_pre" })).to.deep.equal([
      '[hooks.preTraffic] is "CodeDeployHook_pre"; allowed: only beforeAllowTraffic and afterAllowTraffic',
    ]);
    expect(
      verdict("hooks", { beforeAllowTraffic: "arn:aws:lambda:eu-west-1:1:function:x" }),
    ).to.deep.equal([
      '[hooks.beforeAllowTraffic] is "arn:aws:lambda:eu-west-1:1:function:x"; allowed: a Lambda function name (1-64 letters, digits, - or _)',
    ]);
    expect(verdict("hooks", { afterAllowTraffic: 3 })).to.have.length(1);
  });

  it("refuses a hook that is the function being deployed", () => {
    expect(verdict("hooks", { afterAllowTraffic: "orders-fn" })).to.deep.equal([
      '[hooks.afterAllowTraffic] is "orders-fn"; allowed: a function other than the one being deployed',
    ]);
    // An unset hook is no hook, even when the function name is missing too.
    expect(
      lambdaDeploymentProblems({
        ...valid,
        functionName: undefined,
        hooks: { afterAllowTraffic: undefined },
      }).map((problem) => problem.property),
    ).to.deep.equal(["functionName"]);
  });

  it("takes waitForCompletion as true or false only", () => {
    expect(verdict("waitForCompletion", false)).to.deep.equal([]);
    expect(verdict("waitForCompletion", "yes")).to.deep.equal([
      '[waitForCompletion] is "yes"; allowed: true or false',
    ]);
  });

  it("takes timeoutMinutes as whole minutes from 1 to 2 days", () => {
    expect(MAX_TIMEOUT_MINUTES).to.equal(2880);
    for (const minutes of [1, 90, 2880]) {
      expect(verdict("timeoutMinutes", minutes), String(minutes)).to.deep.equal([]);
    }
    for (const minutes of [0, 2881, 1.5, "90"]) {
      expect(verdict("timeoutMinutes", minutes), String(minutes)).to.have.length(1);
    }
    expect(verdict("timeoutMinutes", 0)).to.deep.equal([
      "[timeoutMinutes] is 0; allowed: a whole number of minutes from 1 to 2880, or unset to derive it from the deployment group's configuration",
    ]);
  });

  // CodeDeploy quotas: "Number of characters in a deployment description: 100"; the engine
  // appends its tag (deployment/marker.ts), which leaves 66 for the user's text.
  it("takes a description of up to 66 characters without tag-like text", () => {
    expect(MAX_DESCRIPTION_LENGTH).to.equal(66);
    expect(verdict("description", "")).to.deep.equal([]);
    expect(verdict("description", "d".repeat(66))).to.deep.equal([]);
    expect(verdict("description", "d".repeat(67))).to.have.length(1);
    expect(verdict("description", 66)).to.have.length(1);
    expect(verdict("description", ["hotfix"])).to.have.length(1);
    expect(verdict("description", "hotfix [pulumi:")).to.deep.equal([
      '[description] is "hotfix [pulumi:"; allowed: text of at most 66 characters without ' +
        '"[pulumi:" (CodeDeploy allows 100; the rest is the tag that tells this resource\'s ' +
        "deployments apart, and text that looks like a tag would blur it)",
    ]);
  });

  it("takes a retry token of up to 256 characters", () => {
    expect(verdict("retryToken", "t".repeat(256))).to.deep.equal([]);
    expect(verdict("retryToken", "t".repeat(257))).to.have.length(1);
    expect(verdict("retryToken", ["t"])).to.have.length(1);
    expect(verdict("retryToken", 2)).to.deep.equal([
      "[retryToken] is 2; allowed: any text of up to 256 characters; change it to deploy a rolled-back version again",
    ]);
  });

  it("takes keepVersions as a whole number from 0 to 1000", () => {
    for (const count of [0, 1, 1000]) {
      expect(verdict("keepVersions", count), String(count)).to.deep.equal([]);
    }
    for (const count of [-1, 1001, 2.5, "3"]) {
      expect(verdict("keepVersions", count), String(count)).to.have.length(1);
    }
    expect(verdict("keepVersions", -1)).to.deep.equal([
      "[keepVersions] is -1; allowed: a whole number from 0 (keep every version) to 1000",
    ]);
  });

  // Account ids are 12 digits (IAM User Guide, "Your AWS account ID and its alias").
  it("takes allowedAccountIds as a list of 12-digit account ids", () => {
    expect(verdict("allowedAccountIds", ["123456789012", "210987654321"])).to.deep.equal([]);
    expect(verdict("allowedAccountIds", [])).to.deep.equal([]);
    for (const ids of [["12345678901"], ["1234567890123"], ["12345678901a"], [123456789012]]) {
      expect(verdict("allowedAccountIds", ids), JSON.stringify(ids)).to.have.length(1);
    }
    expect(verdict("allowedAccountIds", "123456789012")).to.deep.equal([
      '[allowedAccountIds] is "123456789012"; allowed: a list of 12-digit AWS account ids',
    ]);
  });

  it("skips values that are not known yet (outputs at preview), also inside lists and hooks", () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const isKnown = (value: unknown) => value !== unknown;
    expect(
      lambdaDeploymentProblems(
        {
          ...valid,
          functionName: unknown,
          targetVersion: unknown,
          hooks: { beforeAllowTraffic: unknown, afterAllowTraffic: unknown },
          allowedAccountIds: [unknown, "123456789012"],
        },
        isKnown,
      ),
    ).to.deep.equal([]);
    expect(lambdaDeploymentProblems({ ...valid, hooks: unknown }, isKnown)).to.deep.equal([]);
    // Known values next to unknown ones are still checked.
    expect(
      lambdaDeploymentProblems(
        { ...valid, functionName: unknown, allowedAccountIds: [unknown, "1"] },
        isKnown,
      ).map((problem) => problem.property),
    ).to.deep.equal(["allowedAccountIds"]);
  });
});

// Pulumi's `customTimeouts` are Go duration strings: the engine reads them with Go's
// time.ParseDuration (pulumi/pulumi pkg/resource/deploy/source_eval.go,
// generateTimeoutInSeconds), which knows the units h, m, s, ms, us, µs (U+00B5), μs (U+03BC) and
// ns, reads ".5h" and "2.h", and refuses "1d" (although the SDK's `CustomTimeouts` TSDoc shows
// it).
describe("durationMinutes", () => {
  it("reads the minutes of Go duration strings", () => {
    expect(durationMinutes("90m")).to.equal(90);
    expect(durationMinutes("1h30m")).to.equal(90);
    expect(durationMinutes("2h")).to.equal(120);
    expect(durationMinutes("1.5h")).to.equal(90);
    expect(durationMinutes("1.25h")).to.equal(75);
    expect(durationMinutes("45s")).to.equal(0.75);
    expect(durationMinutes("1m30s")).to.equal(1.5);
    expect(durationMinutes("60000ms")).to.equal(1);
    expect(durationMinutes("60000000us")).to.equal(1);
    expect(durationMinutes("60000000\u00b5s")).to.equal(1);
    expect(durationMinutes("60000000\u03bcs")).to.equal(1);
    // A fraction with no digits before or after the point, as Go reads it.
    expect(durationMinutes(".5h")).to.equal(30);
    expect(durationMinutes(".25h")).to.equal(15);
    expect(durationMinutes("12.5m")).to.equal(12.5);
    expect(durationMinutes("2.h")).to.equal(120);
    expect(durationMinutes("1h.5m")).to.equal(60.5);
    expect(durationMinutes("60000000000ns")).to.equal(1);
    // Go's time.ParseDuration reads a bare "0" (and only that number) without a unit.
    expect(durationMinutes("0")).to.equal(0);
    expect(durationMinutes("0s")).to.equal(0);
  });

  it("is undefined for text that is not a duration, or has anything around one", () => {
    for (const text of [
      ...["", "90", "m", "90 m", "1h 30m", " 90m", "90m ", "1d", "ninety", "h90m", ".h", "1..5h"],
      // Go reads these; no deployment waits a negative time.
      ...["-90m", "+90m"],
    ]) {
      expect(durationMinutes(text), JSON.stringify(text)).to.equal(undefined);
    }
  });
});
