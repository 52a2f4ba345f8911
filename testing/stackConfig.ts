import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** A stack's config as the Pulumi CLI hands it to the program. */
export interface StackConfigFile {
  /** The file read. */
  file: string;
  /** `<namespace>:<key>` to the string the CLI passes (structured values as JSON). */
  config: Record<string, string>;
  /** Keys whose values are secrets (`secure:` in the file). */
  secretKeys: string[];
}

/** What stands in for a secret value offline, where the stack's secrets provider is out of reach. */
export const OFFLINE_SECRET_PLACEHOLDER = "offline-secret-placeholder";

/**
 * Reads `Pulumi.<stack>.yaml` the way the CLI passes it to a program: every top-level key of
 * `config:`; strings as they are, other values as JSON. Secure values (`secure: v1:...`) cannot
 * be decrypted without the stack's secrets provider, so each is replaced by
 * {@link OFFLINE_SECRET_PLACEHOLDER} and its key reported as secret.
 */
export function readStackConfig(file: string): StackConfigFile {
  const text = fs.readFileSync(file, "utf8");
  const document = (parse(text) ?? {}) as { config?: Record<string, unknown> };
  if (typeof document !== "object" || Array.isArray(document)) {
    throw new Error(`${file}: expected a YAML mapping with a \`config:\` key`);
  }
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(document.config ?? {})) {
    let secret = false;
    const value = replaceSecure(raw, () => {
      secret = true;
    });
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (secret) {
      secretKeys.push(key);
    }
  }
  return { file, config, secretKeys };
}

/** `stacks/Pulumi.<stack>.yaml` under a project directory (Pulumi.yaml `stackConfigDir: stacks`). */
export function stackConfigPath(
  stack: string,
  projectDir = ".",
  stackConfigDir = "stacks",
): string {
  return path.join(projectDir, stackConfigDir, `Pulumi.${stack}.yaml`);
}

function replaceSecure(value: unknown, onSecret: () => void): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => replaceSecure(item, onSecret));
  }
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (Object.keys(record).length === 1 && typeof record.secure === "string") {
      onSecret();
      return OFFLINE_SECRET_PLACEHOLDER;
    }
    return Object.fromEntries(
      Object.entries(record).map(([k, v]) => [k, replaceSecure(v, onSecret)]),
    );
  }
  return value;
}
