// Why an offline preview could not produce a result, and the exit code that says so.

/**
 * - `usage`: the command line is wrong (unknown option, stack or policy; malformed `--config`
 *   or policy config file): exit 64, as sysexits' EX_USAGE.
 * - `config`: the stack's config is malformed (the stack file or Pulumi.yaml cannot be read,
 *   or the program rejected a setting): exit 2.
 * - `program`: the program failed otherwise (a component rejected its arguments, an exception,
 *   a policy that threw): exit 2.
 */
export type PreviewErrorKind = "usage" | "config" | "program";

export class PreviewError extends Error {
  constructor(
    readonly kind: PreviewErrorKind,
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = "PreviewError";
  }
}

/** Exit codes of `npm run preview`. */
export const EXIT = {
  /** No violation, or advisory ones only. */
  ok: 0,
  /** At least one mandatory policy violation. */
  mandatory: 1,
  /** The program or its config failed; nothing was checked. */
  programError: 2,
  /** The command line was wrong (sysexits EX_USAGE). */
  usage: 64,
} as const;

export function exitCodeOf(kind: PreviewErrorKind): number {
  return kind === "usage" ? EXIT.usage : EXIT.programError;
}
