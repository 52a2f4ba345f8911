// The provisioned concurrency of a previewed stack (issue 17): which aliases keep environments
// initialized, and what that costs per month, in order of magnitude.
import type { CapturedResource } from "../testing";
import {
  DEFAULT_MEMORY_SIZE_MB,
  provisionedConcurrencyMonthlyUsd,
} from "../components/functionOptions";
import { regionOf } from "./tree";

const PROVISIONED = "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig";
const FUNCTION = "aws:lambda/function:Function";

/** One alias with provisioned concurrency. */
export interface ProvisionedAlias {
  /** The config's logical name. */
  name: string;
  region?: string;
  /** The alias it is configured on (`live`). */
  qualifier: string;
  executions: number;
  memorySizeMb: number;
  architecture: "x86_64" | "arm64";
  /** US dollars a month at us-east-1 list prices (an estimate). */
  monthlyUsd: number;
}

/** Every alias with provisioned concurrency, and the total estimate. */
export interface ProvisionedConcurrencyPlan {
  aliases: ProvisionedAlias[];
  monthlyUsd: number;
}

/**
 * The provisioned concurrency configs of the stack, each with its function's memory and
 * architecture (the function registered beside it, under the same component).
 */
export function provisionedConcurrencyPlan(
  resources: readonly CapturedResource[],
): ProvisionedConcurrencyPlan {
  const aliases = resources
    .filter((resource) => resource.type === PROVISIONED)
    .map((config) => {
      const fn = resources.find(
        (resource) =>
          resource.type === FUNCTION &&
          resource.parent === config.parent &&
          resource.name.endsWith("-function"),
      );
      const executions = Number(config.inputs.provisionedConcurrentExecutions) || 0;
      const memorySizeMb = Number(fn?.inputs.memorySize) || DEFAULT_MEMORY_SIZE_MB;
      const architecture: "x86_64" | "arm64" =
        fn?.inputs.architectures?.[0] === "arm64" ? "arm64" : "x86_64";
      return {
        name: config.name,
        region: regionOf(config),
        qualifier: String(config.inputs.qualifier ?? "?"),
        executions,
        memorySizeMb,
        architecture,
        monthlyUsd: provisionedConcurrencyMonthlyUsd(executions, memorySizeMb, architecture),
      };
    });
  return { aliases, monthlyUsd: aliases.reduce((sum, alias) => sum + alias.monthlyUsd, 0) };
}

/** An amount in dollars to its order of magnitude: `$11`, `$110`, `$0.55`. */
function dollars(amount: number): string {
  return amount >= 10 ? `$${Math.round(amount)}` : `$${amount.toFixed(2)}`;
}

/** The plan as text lines for the terminal preview; none when no alias has any. */
export function renderProvisionedConcurrency(
  plan: ProvisionedConcurrencyPlan,
  bold: (text: string) => string,
): string[] {
  if (plan.aliases.length === 0) return [];
  return [
    bold("Provisioned concurrency") +
      " (environments kept initialized on the alias, split across both versions while traffic shifts)",
    ...plan.aliases.map(
      (alias) =>
        `  ${alias.region ?? "?"}: ${alias.name} on alias ${alias.qualifier}, ${alias.executions} × ${alias.memorySizeMb} MB ${alias.architecture}, about ${dollars(alias.monthlyUsd)}/month`,
    ),
    `  Total: about ${dollars(plan.monthlyUsd)}/month, an estimate at us-east-1 list prices, charged whether used or not (the invocations it serves are billed on top).`,
  ];
}
