// What the JSON report keeps of each resource's inputs so that a later preview can say what
// changed (`--compare`): a short digest of each top-level input (not the value: reports are
// uploaded as CI artifacts) and the value of every boolean input (the flags, e.g.
// `aliases[0].evaluateTargetHealth`), which says nothing secret and reads well in a diff.
import * as crypto from "crypto";
import { isInternalPropertyKey } from "../policy/offline";
import type { CapturedResource } from "../testing";

const REDACTED = "[secret]";

/** `crypto.hash` (Node.js 20.12+, one call per digest) where there is one, else a Hash object. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string })
  .hash;
const sha256Hex = (text: string): string =>
  oneShot ? oneShot("sha256", text, "hex") : crypto.createHash("sha256").update(text).digest("hex");

/** Digests of `resource`'s top-level inputs and its boolean inputs by path; secrets never enter a digest. */
export function inputDigests(resource: Pick<CapturedResource, "inputs" | "secretPaths">): {
  inputs: Record<string, string>;
  flags: Record<string, boolean>;
} {
  const secret = new Set(resource.secretPaths);
  const inputs: Record<string, string> = {};
  const flags: Record<string, boolean> = {};
  const visit = (value: unknown, path: string): unknown => {
    if (secret.has(path)) {
      return REDACTED;
    }
    if (typeof value === "boolean") {
      flags[path] = value;
      return value;
    }
    if (Array.isArray(value)) {
      return value.map((item, index) => visit(item, `${path}[${index}]`));
    }
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((key) => [key, visit((value as Record<string, unknown>)[key], `${path}.${key}`)]),
      );
    }
    return value;
  };
  // `__provider` and other engine-internal keys are not inputs (as policies skip them): a
  // provider's id is unknown in a preview and would read as a change every time.
  for (const key of Object.keys(resource.inputs)
    .filter((key) => !isInternalPropertyKey(key))
    .sort()) {
    const canonical = visit(resource.inputs[key], key);
    inputs[key] = sha256Hex(JSON.stringify(canonical) ?? "undefined").slice(0, 16);
  }
  return { inputs, flags };
}
