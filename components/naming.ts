import { createHash } from "crypto";

/** Pulumi auto-names a physical resource `<logical name>-<7 random characters>`. */
export const AUTONAME_SUFFIX_LENGTH = 8;

/**
 * The physical name to give a resource whose AWS name is limited to `maxLength` characters
 * (IAM roles and Lambda functions: 64): undefined, so that Pulumi auto-names it, while
 * `<logical name>-<7 random characters>` fits; otherwise the logical name cut short plus a
 * hash of the whole of it, stable across runs and distinct for distinct logical names.
 */
export function boundedName(logicalName: string, maxLength: number): string | undefined {
  if (logicalName.length + AUTONAME_SUFFIX_LENGTH <= maxLength) {
    return undefined;
  }
  const hash = createHash("sha256").update(logicalName).digest("hex").slice(0, 7);
  return `${logicalName.slice(0, maxLength - AUTONAME_SUFFIX_LENGTH)}-${hash}`;
}

/** AWS name limits (sources: IAM quotas, Lambda CreateFunction API reference). */
export const NAME_LIMITS = { iamRole: 64, lambdaFunction: 64 } as const;
