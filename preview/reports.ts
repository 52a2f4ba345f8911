// Machine-readable results of an offline preview: JSON (the PreviewResult as it is), SARIF 2.1.0
// for code scanning, JUnit XML for CI test reports.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Policy } from "./policies";
import { checkedResources, isStackPolicy } from "./policies";
import type { PreviewResult } from "./preview";
import type { CapturedResource } from "../testing";

const TOOL = "multiregion-serverless offline preview";
const INFORMATION_URI =
  "https://github.com/multiregion-serverless/multiregion-serverless#policy-tested-previews";

/** The JSON report: the {@link PreviewResult}, pretty-printed. */
export function jsonReport(result: PreviewResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/**
 * A SARIF 2.1.0 log: one rule per policy of the pack (its description; default level error for
 * mandatory, warning for advisory), one result per violation located in the stack file with the
 * resource's URN as a logical location. A failed preview is an unsuccessful invocation with the
 * error as a notification.
 */
export function sarifReport(
  result: PreviewResult,
  policies: readonly Policy[],
  version: string,
): string {
  // Loaded when asked for: most runs write no SARIF.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sarif = require("node-sarif-builder") as typeof import("node-sarif-builder");
  const { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } = sarif;
  const run = new SarifRunBuilder().initSimple({
    toolDriverName: TOOL,
    toolDriverVersion: version,
    url: INFORMATION_URI,
  });
  const levels = new Map(
    result.policies.ran.map((policy) => [policy.name, policy.enforcementLevel]),
  );
  for (const policy of policies) {
    const rule = new SarifRuleBuilder().initSimple({
      ruleId: policy.name,
      shortDescriptionText: policy.description,
      fullDescriptionText: policy.description,
    });
    const level = levels.get(policy.name);
    rule.rule.defaultConfiguration = {
      enabled: level !== undefined,
      level: level === "mandatory" ? "error" : "warning",
    };
    rule.rule.properties = {
      enforcementLevel: level ?? "disabled",
      kind: isStackPolicy(policy) ? "stack" : "resource",
    };
    run.addRule(rule);
  }
  for (const violation of result.policies.violations) {
    const sarifResult = new SarifResultBuilder().initSimple({
      ruleId: violation.policyName,
      level: violation.enforcementLevel === "mandatory" ? "error" : "warning",
      messageText: [
        violation.resourceName
          ? `${violation.resourceType} ${violation.resourceName}${violation.region ? ` (${violation.region})` : ""}: ${violation.message}`
          : violation.message,
        violation.remediation,
      ]
        .filter(Boolean)
        .join(" "),
      fileUri: result.stackFile,
    });
    if (violation.urn) {
      sarifResult.result.locations![0].logicalLocations = [
        {
          fullyQualifiedName: violation.urn,
          name: violation.resourceName,
          kind: "resource",
        },
      ];
    }
    sarifResult.result.partialFingerprints = {
      "policyViolation/v1": createHash("sha256")
        .update(`${violation.policyName}\u0000${violation.urn ?? ""}\u0000${violation.message}`)
        .digest("hex"),
    };
    sarifResult.result.properties = {
      enforcementLevel: violation.enforcementLevel,
      ...(violation.resourceType ? { resourceType: violation.resourceType } : {}),
      ...(violation.region ? { region: violation.region } : {}),
    };
    run.addResult(sarifResult);
  }
  run.run.invocations = [
    {
      executionSuccessful: result.status !== "error",
      exitCode: result.exitCode,
      ...(result.error
        ? {
            toolExecutionNotifications: [
              {
                level: "error",
                message: { text: result.error.message },
                ...(result.stackFile
                  ? {
                      locations: [
                        { physicalLocation: { artifactLocation: { uri: result.stackFile } } },
                      ],
                    }
                  : {}),
              },
            ],
          }
        : {}),
    },
  ];
  run.run.properties = { stack: result.stack, project: result.project, status: result.status };
  const builder = new SarifBuilder();
  builder.addRun(run);
  return `${builder.buildSarifJsonString({ indent: true })}\n`;
}

/**
 * A JUnit XML report: one testsuite per policy run, one testcase per check (each resource a
 * resource policy checked; the stack, for a stack policy), a failure per violation (type
 * `mandatory` or `advisory`; a second violation of the same check gets its own testcase).
 * Disabled policies have a suite with one skipped testcase. A failed preview is one suite with
 * an errored testcase.
 */
export function junitReport(
  result: PreviewResult,
  policies: readonly Policy[],
  resources: readonly Pick<CapturedResource, "urn" | "type" | "name">[],
): string {
  // Loaded when asked for: most runs write no JUnit.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const junit = require("junit-report-builder") as typeof import("junit-report-builder").default;
  const builder = junit.newBuilder();
  builder.name(`${TOOL}: ${result.project} ${result.stack}`);
  if (result.error) {
    const suite = builder.testSuite().name(`offline preview of ${result.stack}`);
    suite
      .testCase()
      .className(`${result.project}.${result.stack}`)
      .name(`${result.program} runs for ${result.stackFile || result.stack}`)
      .error(result.error.message, result.error.kind);
    return builder.build();
  }
  const ran = new Map(result.policies.ran.map((policy) => [policy.name, policy]));
  for (const policy of policies) {
    const suite = builder.testSuite().name(policy.name);
    const run = ran.get(policy.name);
    if (!run) {
      suite.testCase().className(policy.name).name("disabled by the policy config").skipped();
      continue;
    }
    const violations = result.policies.violations.filter((v) => v.policyName === policy.name);
    const byUrn = new Map<string, typeof violations>();
    const stackWide: typeof violations = [];
    for (const violation of violations) {
      if (violation.urn) {
        byUrn.set(violation.urn, [...(byUrn.get(violation.urn) ?? []), violation]);
      } else {
        stackWide.push(violation);
      }
    }
    const checks: { name: string; urn?: string }[] = isStackPolicy(policy)
      ? [{ name: `stack ${result.stack}` }]
      : checkedResources(policy, resources as CapturedResource[]).map((resource) => ({
          name: `${resource.type} ${resource.name}`,
          urn: resource.urn,
        }));
    // A stack policy may name resources: each gets its own testcase.
    const named = new Set(checks.map((check) => check.urn).filter(Boolean));
    for (const [urn, found] of byUrn) {
      if (!named.has(urn)) {
        const first = found[0];
        checks.push({
          name: `${first.resourceType ?? "resource"} ${first.resourceName ?? urn}`,
          urn,
        });
      }
    }
    for (const check of checks) {
      const found = check.urn ? (byUrn.get(check.urn) ?? []) : stackWide;
      if (found.length === 0) {
        suite.testCase().className(policy.name).name(check.name);
        continue;
      }
      found.forEach((violation, index) => {
        const testCase = suite
          .testCase()
          .className(policy.name)
          .name(index === 0 ? check.name : `${check.name} (${index + 1})`)
          .failure(
            [violation.message, violation.remediation].filter(Boolean).join(" "),
            violation.enforcementLevel,
          );
        if (violation.urn) {
          testCase.standardOutput(violation.urn);
        }
      });
    }
  }
  return builder.build();
}

/** Writes a report, creating its folder. */
export function writeReport(file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, content, "utf8");
}
