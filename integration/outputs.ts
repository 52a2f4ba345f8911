// The bundled program's stack outputs (index.ts), as the checks read them.
import { z } from "zod";

const functionOutput = z.object({
  functionName: z.string(),
  aliasName: z.string(),
  /** The version the last `pulumi up` published: where the alias must end. */
  targetVersion: z.string(),
  mode: z.enum(["codedeploy", "weighted"]),
  applicationName: z.string().optional(),
  deploymentGroupName: z.string().optional(),
  deploymentConfigName: z.string().optional(),
});

export const stackOutputsSchema = z.object({
  endpoint: z.string(),
  regionalEndpoints: z.record(z.string(), z.string()),
  healthCheckIds: z.record(z.string(), z.string()),
  failoverDetectionSeconds: z.record(z.string(), z.number()),
  tableName: z.string().optional(),
  regionOrder: z.array(z.string()).min(1),
  accountId: z.string(),
  resolvedSettings: z
    .object({
      environment: z.string(),
      topology: z.enum(["active-passive", "active-active"]),
      domain: z.object({ zoneId: z.string(), name: z.string() }).optional(),
      deployment: z.object({ mode: z.enum(["codedeploy", "weighted"]) }).loose(),
    })
    .loose(),
  /** Region, then the function's key (`orders`): its alias, target version and CodeDeploy names. */
  functions: z.record(z.string(), z.record(z.string(), functionOutput)),
});

export type StackOutputs = z.infer<typeof stackOutputsSchema>;
export type FunctionOutput = z.infer<typeof functionOutput>;

/**
 * Reads the outputs of `stack.outputs()` (`{ name: { value, secret } }`) or plain values.
 * Throws one error naming every missing or malformed output.
 */
export function parseStackOutputs(
  outputs: Record<string, { value: unknown; secret?: boolean } | unknown>,
): StackOutputs {
  const values = Object.fromEntries(
    Object.entries(outputs).map(([name, output]) => [
      name,
      typeof output === "object" && output !== null && "value" in output
        ? (output as { value: unknown }).value
        : output,
    ]),
  );
  const parsed = stackOutputsSchema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) =>
        `${issue.path.map(String).join(".") || "(outputs)"}: ${
          issue.code === "invalid_type" && issue.input === undefined ? "missing" : issue.message
        }`,
    );
    throw new Error(
      `the stack's outputs are not the bundled program's (deploy this version of index.ts):\n  - ${problems.join("\n  - ")}`,
    );
  }
  return parsed.data;
}
