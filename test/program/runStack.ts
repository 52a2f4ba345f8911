// Runs the bundled program (index.ts) for a stack file under the mocks, the way
// `pulumi preview --stack <stack>` would, with optional config overrides.
import {
  MockRun,
  MockRunOptions,
  readStackConfig,
  runProgram,
  stackConfigPath,
} from "../../testing";

export const PROJECT = "multiregion-serverless";
export const key = (name: string): string => `${PROJECT}:${name}`;

export interface StackRunOptions extends Pick<
  MockRunOptions,
  "preview" | "outputs" | "speedMeasures"
> {
  /** Config set or replaced over the stack file's (bare keys are namespaced by the project). */
  set?: Record<string, unknown>;
  /** Config keys removed from the stack file's. */
  unset?: string[];
  /** Secret keys besides the stack file's. */
  secretKeys?: string[];
  /** The account the credentials belong to. @default the stack's accountId */
  callerAccount?: string;
  /** Start from no stack file at all. */
  empty?: boolean;
}

/** The stack file's config as the CLI would pass it, with the overrides applied. */
export function stackConfig(
  stack: string,
  options: StackRunOptions = {},
): { config: Record<string, string>; secretKeys: string[] } {
  const file = options.empty
    ? { config: {}, secretKeys: [] }
    : readStackConfig(stackConfigPath(stack));
  const config: Record<string, string> = { ...file.config };
  for (const name of options.unset ?? []) {
    delete config[name.includes(":") ? name : key(name)];
  }
  for (const [name, value] of Object.entries(options.set ?? {})) {
    config[name.includes(":") ? name : key(name)] =
      typeof value === "string" ? value : JSON.stringify(value);
  }
  const secretKeys = [
    ...file.secretKeys,
    ...(options.secretKeys ?? []).map((k) => (k.includes(":") ? k : key(k))),
  ];
  return { config, secretKeys };
}

export function runStack(
  stack: string,
  options: StackRunOptions = {},
): Promise<MockRun<Record<string, any>>> {
  const { config, secretKeys } = stackConfig(stack, options);
  const account = options.callerAccount ?? config[key("accountId")];
  return runProgram("index.ts", {
    project: PROJECT,
    stack,
    config,
    secretKeys,
    preview: options.preview ?? true,
    outputs: options.outputs,
    speedMeasures: options.speedMeasures,
    call: (token) =>
      token === "aws:index/getCallerIdentity:getCallerIdentity"
        ? // aws.getCallerIdentity's result: accountId, arn, userId, id (@pulumi/aws
          // GetCallerIdentityResult; STS GetCallerIdentity's Account, Arn, UserId).
          {
            accountId: account,
            arn: `arn:aws:iam::${account}:user/ci`,
            userId: "AIDACI",
            id: account,
          }
        : undefined,
  });
}
