/**
 * The AppSpec of a CodeDeploy deployment to an AWS Lambda compute platform.
 *
 * Source: CodeDeploy User Guide, "AppSpec file example for an AWS Lambda deployment" and
 * "AppSpec 'resources' section (Amazon ECS and AWS Lambda deployments only)": `version` 0.0,
 * one `AWS::Lambda::Function` resource with `Name`, `Alias`, `CurrentVersion` and
 * `TargetVersion`, and `Hooks` as a list of single-key objects naming the hook functions.
 */

/** Lambda functions CodeDeploy invokes around the traffic shift (SAM PreTraffic/PostTraffic). */
export interface AppSpecHooks {
  /** Name of the function run before any traffic moves (SAM `PreTraffic`). */
  readonly beforeAllowTraffic?: string;
  /** Name of the function run after all traffic moved (SAM `PostTraffic`). */
  readonly afterAllowTraffic?: string;
}

/** What a Lambda AppSpec shifts: one alias of one function, between two published versions. */
export interface LambdaAppSpecInput {
  readonly functionName: string;
  readonly aliasName: string;
  /** The version the alias points at now. */
  readonly currentVersion: string;
  /** The version the alias should point at when the deployment succeeds. */
  readonly targetVersion: string;
  readonly hooks?: AppSpecHooks;
  /**
   * The key of the resource in `Resources` (a label CodeDeploy shows; any name works).
   * @default the function name
   */
  readonly logicalName?: string;
}

/** The AppSpec document, as an object. */
export interface LambdaAppSpec {
  version: number;
  Resources: Array<
    Record<
      string,
      {
        Type: "AWS::Lambda::Function";
        Properties: { Name: string; Alias: string; CurrentVersion: string; TargetVersion: string };
      }
    >
  >;
  Hooks?: Array<{ BeforeAllowTraffic: string } | { AfterAllowTraffic: string }>;
}

/** Builds the AppSpec object; `Hooks` is present only when at least one hook is given. */
export function buildAppSpec(input: LambdaAppSpecInput): LambdaAppSpec {
  const appSpec: LambdaAppSpec = {
    version: 0.0,
    Resources: [
      {
        [input.logicalName ?? input.functionName]: {
          Type: "AWS::Lambda::Function",
          Properties: {
            Name: input.functionName,
            Alias: input.aliasName,
            CurrentVersion: input.currentVersion,
            TargetVersion: input.targetVersion,
          },
        },
      },
    ],
  };
  const hooks: NonNullable<LambdaAppSpec["Hooks"]> = [];
  if (input.hooks?.beforeAllowTraffic) {
    hooks.push({ BeforeAllowTraffic: input.hooks.beforeAllowTraffic });
  }
  if (input.hooks?.afterAllowTraffic) {
    hooks.push({ AfterAllowTraffic: input.hooks.afterAllowTraffic });
  }
  if (hooks.length > 0) {
    appSpec.Hooks = hooks;
  }
  return appSpec;
}

/**
 * The AppSpec as the JSON text sent in `CreateDeployment`'s
 * `revision: { revisionType: "AppSpecContent", appSpecContent: { content } }`. The version is
 * written `0.0` as in AWS's examples (`JSON.stringify` would write `0`).
 */
export function appSpecContent(input: LambdaAppSpecInput): string {
  // `version` is the first key, so the text starts with `{"version":0,` (a string pattern
  // replaces its first occurrence only).
  return JSON.stringify(buildAppSpec(input)).replace('{"version":0,', '{"version":0.0,');
}

/**
 * The SHA-256 of an AppSpec text, hex-encoded, sent with it as `appSpecContent.sha256`.
 * `GetDeployment` identifies an inline revision by this hash alone (its `content` is always null:
 * CodeDeploy API Reference, `AppSpecContent` and `GetDeployment`), and hooks read the content back
 * with `GetApplicationRevision` by it; the AWS CLI `create-deployment` examples for Lambda send
 * both `content` and `sha256`. `require` inside the function keeps the serialized provider free
 * of module-scope captures.
 */
export function appSpecSha256(content: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHash } = require("crypto") as typeof import("crypto");
  // A string is hashed as UTF-8 (Node's default `inputEncoding` of `Hash.update`).
  return createHash("sha256").update(content).digest("hex");
}

/**
 * What a Lambda AppSpec (JSON) shifts, or undefined when the content is not one (YAML, another
 * compute platform, malformed): used to describe a deployment someone else started.
 */
export function parseLambdaAppSpec(content: string | undefined): LambdaAppSpecInput | undefined {
  try {
    // Any other text throws on the way (no content, not JSON, no `Resources` list or resource,
    // no `Properties`) and is not a Lambda AppSpec.
    const spec = JSON.parse(content ?? "") as LambdaAppSpec;
    const resource = Object.values(spec.Resources[0])[0];
    const properties = resource.Properties;
    if (resource.Type === "AWS::Lambda::Function") {
      return {
        functionName: properties.Name,
        aliasName: properties.Alias,
        currentVersion: String(properties.CurrentVersion),
        targetVersion: String(properties.TargetVersion),
      };
    }
  } catch {
    // Not a Lambda AppSpec: described as unknown.
  }
  return undefined;
}
