// Runs the bundled program (index.ts) for a stack file under the mocks, the way
// `pulumi preview --stack <stack>` would, with optional config overrides.
import * as pulumi from "@pulumi/pulumi";
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

const sharedRuns = new Map<string, Promise<MockRun<Record<string, any>>>>();

/**
 * The run of a stack file as it is (no overrides), made once per test process and shared by the
 * specs that only read it: a run of a bundled stack is the costliest step of the suite, and a
 * dozen specs read the same four. Its captured data is frozen, so a spec that changed it (and
 * so the others' view) fails at once instead.
 */
export function sharedStackRun(stack: string): Promise<MockRun<Record<string, any>>> {
  let run = sharedRuns.get(stack);
  if (!run) {
    run = runStack(stack).then((done) => {
      deepFreeze(done.resources.all);
      deepFreeze(done.result);
      return done;
    });
    sharedRuns.set(stack, run);
  }
  return run;
}

/** Freezes plain data all the way down; the SDK's own objects (resources, Outputs) stay live. */
function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  if (pulumi.Resource.isInstance(value) || pulumi.Output.isInstance(value)) return;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== Array.prototype && prototype !== null) return;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
}
