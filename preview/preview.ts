// The offline preview: what `pulumi preview --stack <stack> --policy-pack policy` shows, without
// the Pulumi CLI, a backend or AWS credentials. The program runs under Pulumi's runtime mocks in
// preview mode with the stack file's config; the pack's policies run over what it registered.
import { OperationsPlan, operationsPlan } from "./operations";
import * as fs from "fs";
import * as path from "path";
import type { EnforcementLevel } from "@pulumi/policy";
import { CapturedResource, MOCK_ACCOUNT_ID, MockRunError, runProgram } from "../testing";
import { OfflinePolicyConfig, runPolicies } from "../policy/offline";
import { allPolicies, packEnforcementLevel } from "../policy/rules";
import { applyConfigOverrides, parseConfigOverride } from "./configOverrides";
import { EXIT, exitCodeOf, PreviewError, PreviewErrorKind } from "./errors";
import { previewMeasureInstalled } from "./measures";
import {
  checkedResources,
  checkPolicyConfig,
  isStackPolicy,
  levelOf,
  Policy,
  PolicyRun,
  readPolicyConfig,
  ReportedViolation,
  withRemediation,
} from "./policies";
import {
  findProjectDir,
  messageOf,
  projectRelative,
  PulumiProject,
  readProject,
  readStack,
} from "./project";
import { rolloutPlan, RolloutPlan } from "./rollout";
import { inputDigests } from "./digest";
import { Topology, topologyOf } from "./topology";
import { flagPlan, FlagPlan } from "./flags";
import { provisionedConcurrencyPlan, ProvisionedConcurrencyPlan } from "./provisionedConcurrency";
import { networkPlan, NetworkPlan } from "./network";
import { eventSourcePlan, EventSourcePlan } from "./eventSources";
import { regionOf, resourceTree, TreeRow } from "./tree";
import { ENVIRONMENTS } from "../components/stackSettings";

/** What to preview. */
export interface PreviewOptions {
  /** The stack: its config is `<stackConfigDir>/Pulumi.<stack>.yaml`. */
  stack: string;
  /** The project folder (holding Pulumi.yaml). @default the nearest one at or above the working directory */
  projectDir?: string;
  /** The program, relative to the working directory. @default Pulumi.yaml `main`, else index.ts */
  program?: string;
  /** `key=value` config overrides (see {@link parseConfigOverride}), applied in order. @default [] */
  config?: readonly string[];
  /** A policy config file, as `pulumi preview --policy-pack-config` takes it. @default none */
  policyConfigFile?: string;
  /** Policy config given directly (merged over the file's). @default {} */
  policyConfig?: OfflinePolicyConfig;
  /** The policies to run. @default the multiregion-serverless pack (policy/rules) */
  policies?: readonly Policy[];
  /**
   * Let the program and the policies see the mocks' emulated outputs (ARNs, versions, ids) instead
   * of unknowns: what CrossGuard sees at `pulumi up`, with made-up values. @default false
   */
  knownOutputs?: boolean;
  /** Keep stack traces of program errors. @default false */
  verbose?: boolean;
}

/** One resource the preview would create. */
export interface PreviewResource extends TreeRow {
  /** The parent's URN, when it has one. */
  parent?: string;
  /** What `pulumi preview` would do; a preview of a new stack creates everything. */
  op: "create";
  /** A digest of each input and every boolean input, so `--compare` can say what changed. */
  inputs: Record<string, string>;
  flags: Record<string, boolean>;
}

/** Everything the preview found; `--json` writes it as it is. */
export interface PreviewResult {
  /** The shape of this object; raised when a field changes meaning or goes away. */
  schemaVersion: 1;
  project: string;
  stack: string;
  /** The stack file, relative to the project folder. */
  stackFile: string;
  /** The program, relative to the project folder. */
  program: string;
  /** The config keys the command line overrode. */
  configOverrides: string[];
  /** `unknown`: computed outputs are unknown, as in `pulumi preview`; `emulated`: `--known-outputs`. */
  computedOutputs: "unknown" | "emulated";
  /** `passed` (no violation), `advisory` (advisory ones only), `mandatory`, or `error`. */
  status: "passed" | "advisory" | "mandatory" | "error";
  exitCode: number;
  /** Why the preview failed (status `error`). */
  error?: { kind: PreviewErrorKind; message: string; stack?: string };
  /** In tree order (each parent before its children). Partial when the program failed. */
  resources: PreviewResource[];
  summary: { create: number };
  rollout: RolloutPlan;
  /** Routing, regions, health checks and tables, for the Markdown summary and `--compare`. */
  topology: Topology;
  /** The feature flags per region and their rollout (issue 15). */
  flags: FlagPlan;
  /** The dashboard, notification topics and drills of the stack (issue 16). */
  operations: OperationsPlan;
  /** The aliases with provisioned concurrency and its monthly estimate (issue 17). */
  provisionedConcurrency: ProvisionedConcurrencyPlan;
  /** The functions' VPC per region (issue 17); no regions without `network`. */
  network: NetworkPlan;
  /** Per function and region, what invokes it besides HTTP, and the alias it invokes (issue 17). */
  eventSources: EventSourcePlan;
  policies: {
    pack: string;
    ran: PolicyRun[];
    /** Policies the config disabled (not run). */
    disabled: string[];
    violations: ReportedViolation[];
    counts: { mandatory: number; advisory: number };
  };
  durationMs: number;
}

const PACK = "multiregion-serverless";

/**
 * Runs the offline preview. Never throws for a failed program or bad input: the result says what
 * went wrong (`status: "error"`, `error`, `exitCode` 2 or 64).
 */
export async function runPreview(options: PreviewOptions): Promise<PreviewResult> {
  const started = process.hrtime.bigint();
  const policies = options.policies ?? allPolicies;
  let project: PulumiProject | undefined;
  let stackFile = "";
  let program = "";
  let resources: CapturedResource[] = [];
  // The stack's environment as stackSettings resolves it: config, else a stack named after one.
  let environment: string | undefined;
  const finish = (partial: Omit<PreviewResult, "durationMs" | "schemaVersion">): PreviewResult => ({
    schemaVersion: 1,
    ...partial,
    durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
  });
  const base = () => ({
    project: project?.name ?? "",
    stack: options.stack,
    stackFile,
    program,
    configOverrides: [...(options.config ?? [])],
    computedOutputs: options.knownOutputs ? ("emulated" as const) : ("unknown" as const),
    resources: previewResources(resources),
    summary: { create: resources.length },
    rollout: rolloutPlan(resources),
    topology: topologyOf(resources),
    flags: flagPlan(resources),
    operations: operationsPlan(options.stack, resources, environment),
    provisionedConcurrency: provisionedConcurrencyPlan(resources),
    network: networkPlan(resources),
    eventSources: eventSourcePlan(resources),
  });
  const failed = (error: unknown, policyConfig?: OfflinePolicyConfig): PreviewResult => {
    const previewError =
      error instanceof PreviewError ? error : new PreviewError("program", messageOf(error), error);
    return finish({
      ...base(),
      status: "error",
      exitCode: exitCodeOf(previewError.kind),
      error: {
        kind: previewError.kind,
        message: previewError.message,
        ...(options.verbose && stackOf(previewError.cause)
          ? { stack: stackOf(previewError.cause) }
          : {}),
      },
      policies: policySummary(policies, policyConfig ?? {}, resources, []),
    });
  };

  let policyConfig: OfflinePolicyConfig = {};
  try {
    project = readProject(options.projectDir ?? findProjectDir());
    const programFile = options.program ? path.resolve(options.program) : project.main;
    program = projectRelative(project, programFile);
    if (!fs.existsSync(programFile)) {
      throw new PreviewError(
        options.program ? "usage" : "program",
        options.program
          ? `--program ${options.program}: no such file`
          : `the program ${program} does not exist: ${project.mainSource}`,
      );
    }
    policyConfig = {
      ...(options.policyConfigFile ? readPolicyConfig(options.policyConfigFile, policies) : {}),
      ...(options.policyConfig ? checkPolicyConfig(options.policyConfig, policies) : {}),
    };
    const overrides = (options.config ?? []).map((argument) =>
      parseConfigOverride(argument, project!.name),
    );
    const file = readStack(project, options.stack);
    stackFile = projectRelative(project, file.file);
    const config = applyConfigOverrides(file.config, overrides);
    const accountId = config[`${project.name}:accountId`] ?? MOCK_ACCOUNT_ID;
    environment =
      config[`${project.name}:environment`] ??
      ((ENVIRONMENTS as readonly string[]).includes(options.stack) ? options.stack : undefined);

    try {
      const run = await runProgram(programFile, {
        project: project.name,
        stack: options.stack,
        config,
        secretKeys: file.secretKeys,
        preview: true,
        previewUnknowns: !options.knownOutputs,
        stackTraces: options.verbose ?? false,
        // The preview's own measures (preview/measures.ts, MULTIREGION_SERVERLESS_PREVIEW_OFF)
        // are the ones that apply here, for the whole process: the harness adds none per run.
        speedMeasures: false,
        applyTracking: previewMeasureInstalled("apply-context") ? "construction" : "async-context",
        // Offline, the credentials are assumed to be for the stack's account.
        call: (token) =>
          token === "aws:index/getCallerIdentity:getCallerIdentity"
            ? {
                accountId,
                arn: `arn:aws:iam::${accountId}:user/offline-preview`,
                userId: "AIDAOFFLINEPREVIEW",
                id: accountId,
              }
            : undefined,
      });
      resources = [...run.resources.all];
    } catch (error) {
      if (!(error instanceof MockRunError)) {
        throw error;
      }
      resources = [...error.resources.all];
      const cause = error.cause as { name?: unknown } | undefined;
      const isConfigError = cause?.name === "StackConfigError";
      throw new PreviewError(
        isConfigError ? "config" : "program",
        isConfigError
          ? error.message
          : `the program ${program} failed for stack ${options.stack} (${stackFile}):\n${indent(error.message)}`,
        error.cause,
      );
    }
  } catch (error) {
    return failed(error, policyConfig);
  }

  let violations: ReportedViolation[];
  try {
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    violations = (
      await runPolicies(resources, {
        config: policyConfig,
        stackName: options.stack,
        policies: [...policies],
      })
    ).map((violation) => {
      const resource = violation.urn ? byUrn.get(violation.urn) : undefined;
      return withRemediation(violation, resource ? regionOf(resource) : undefined);
    });
  } catch (error) {
    return failed(error, policyConfig);
  }
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const advisory = violations.length - mandatory;
  return finish({
    ...base(),
    status: mandatory > 0 ? "mandatory" : advisory > 0 ? "advisory" : "passed",
    exitCode: mandatory > 0 ? EXIT.mandatory : EXIT.ok,
    policies: policySummary(policies, policyConfig, resources, violations),
  });
}

function policySummary(
  policies: readonly Policy[],
  config: OfflinePolicyConfig,
  resources: readonly CapturedResource[],
  violations: ReportedViolation[],
): PreviewResult["policies"] {
  const ran: PolicyRun[] = [];
  const disabled: string[] = [];
  for (const policy of policies) {
    const level = levelOf(policy, config, packEnforcementLevel);
    if (level === "disabled") {
      disabled.push(policy.name);
      continue;
    }
    const stackPolicy = isStackPolicy(policy);
    ran.push({
      name: policy.name,
      description: policy.description,
      enforcementLevel: (level === "remediate" ? "mandatory" : level) as EnforcementLevel,
      kind: stackPolicy ? "stack" : "resource",
      checked: stackPolicy ? 1 : checkedResources(policy, resources).length,
    });
  }
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  return {
    pack: PACK,
    ran,
    disabled,
    violations,
    counts: { mandatory, advisory: violations.length - mandatory },
  };
}

function previewResources(resources: readonly CapturedResource[]): PreviewResource[] {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  return resourceTree(resources).map((row) => {
    const resource = byUrn.get(row.urn)!;
    const parent = resource.parent;
    return { ...row, ...(parent ? { parent } : {}), op: "create", ...inputDigests(resource) };
  });
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}

function stackOf(error: unknown): string | undefined {
  return error instanceof Error && error.stack ? error.stack : undefined;
}
