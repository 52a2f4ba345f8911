// What the integration tests need before they can run, found without any network call: the
// Pulumi CLI on PATH, AWS credentials the SDK's default chain will find, a Pulumi backend, and
// (for a throwaway stack) the IT_* variables. When anything is missing the runner prints ONE
// line, `skipLine(...)`, and exits 0.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export type Env = Readonly<Record<string, string | undefined>>;

/** The variables a throwaway stack cannot do without (IT_REGIONS has a default). */
export const REQUIRED_THROWAWAY_VARIABLES = ["IT_ACCOUNT_ID", "IT_ZONE_ID", "IT_DOMAIN"] as const;

/** The words of the skip line, one per missing thing. */
export const NEEDS = {
  pulumiCli: "the Pulumi CLI on PATH",
  awsCredentials: "AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID)",
  backend: "a Pulumi backend (PULUMI_BACKEND_URL or PULUMI_ACCESS_TOKEN, or `pulumi login`)",
  existingStackHint:
    "(or --stack / PULUMI_STACK <org>/<project>/<stack> to check a deployed stack)",
} as const;

/** Which stack the suite works on. */
export type IntegrationMode =
  | { kind: "throwaway" }
  | { kind: "existing"; stack: string; source: "--stack" | "IT_STACK" | "PULUMI_STACK" };

/** Everything the detection reads, injectable for tests. */
export interface PrerequisiteProbe {
  env: Env;
  /** Command-line arguments after the script (`npm run test:integration -- --stack x`). */
  argv: readonly string[];
  /** Whether `file` exists and may be executed. */
  isExecutable(file: string): boolean;
  /** A file's text, or undefined when it cannot be read. */
  readFile(file: string): string | undefined;
  homeDir: string;
  platform: NodeJS.Platform;
}

export interface Prerequisites {
  mode: IntegrationMode;
  /** Where the Pulumi CLI was found on PATH. */
  pulumiCli?: string;
  /** How the AWS SDK's default chain will find credentials, e.g. `AWS_PROFILE=dev`. */
  awsCredentials?: string;
  /** The Pulumi backend the CLI will use. */
  backend?: { kind: "cloud" | "self-managed"; url: string; source: string };
  /** What is missing, in the skip line's words; empty when the suite can run. */
  missing: string[];
}

/** The one line printed when the suite cannot run. */
export function skipLine(missing: readonly string[]): string {
  return `integration tests skipped: need ${missing.join(", ")}`;
}

/** The line printed instead when the run was required (IT_REQUIRED): a pipeline must not pass untested. */
export function requiredLine(missing: readonly string[]): string {
  return `integration tests cannot run (IT_REQUIRED is set): need ${missing.join(", ")}`;
}

/** IT_REQUIRED=1/true: missing prerequisites fail the run (exit 1) instead of skipping it. */
export function isRequired(env: Env): boolean {
  return ["1", "true", "yes"].includes((env.IT_REQUIRED ?? "").trim().toLowerCase());
}

/** `--stack x`, `--stack=x`, then IT_STACK, then PULUMI_STACK (what the pipeline sets). */
export function modeOf(argv: readonly string[], env: Env): IntegrationMode {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--stack" && argv[i + 1]) {
      return { kind: "existing", stack: argv[i + 1], source: "--stack" };
    }
    if (arg.startsWith("--stack=") && arg.length > "--stack=".length) {
      return { kind: "existing", stack: arg.slice("--stack=".length), source: "--stack" };
    }
  }
  if (env.IT_STACK) {
    return { kind: "existing", stack: env.IT_STACK, source: "IT_STACK" };
  }
  if (env.PULUMI_STACK) {
    return { kind: "existing", stack: env.PULUMI_STACK, source: "PULUMI_STACK" };
  }
  return { kind: "throwaway" };
}

/** The `pulumi` executable on PATH (PATHEXT names on Windows). */
export function findOnPath(command: string, probe: PrerequisiteProbe): string | undefined {
  const pathValue = probe.env.PATH ?? probe.env.Path ?? "";
  const delimiter = probe.platform === "win32" ? ";" : ":";
  const names =
    probe.platform === "win32"
      ? (probe.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").map((ext) => command + ext.toLowerCase())
      : [command];
  for (const dir of pathValue.split(delimiter).filter((d) => d !== "")) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (probe.isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/**
 * Where the SDK's default credential chain would find credentials, checked without a network
 * call: environment keys, a profile, web identity (OIDC in CI), container credentials, or a
 * default profile in the shared files. EC2 instance roles cannot be seen without calling the
 * metadata service: set IT_AWS_CREDENTIALS=instance-role to vouch for them.
 */
export function findAwsCredentials(probe: PrerequisiteProbe): string | undefined {
  const env = probe.env;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return "AWS_ACCESS_KEY_ID";
  }
  if (env.AWS_PROFILE) {
    return `AWS_PROFILE=${env.AWS_PROFILE}`;
  }
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) {
    return "AWS_WEB_IDENTITY_TOKEN_FILE";
  }
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    return "container credentials";
  }
  const sharedFiles = [
    env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(probe.homeDir, ".aws", "credentials"),
    env.AWS_CONFIG_FILE ?? path.join(probe.homeDir, ".aws", "config"),
  ];
  for (const file of sharedFiles) {
    const text = probe.readFile(file);
    if (text !== undefined && /^\s*\[\s*(profile\s+)?default\s*\]/m.test(text)) {
      return `default profile in ${file}`;
    }
  }
  if (env.IT_AWS_CREDENTIALS === "instance-role") {
    return "instance role (IT_AWS_CREDENTIALS)";
  }
  return undefined;
}

/** The backend the CLI will use: PULUMI_BACKEND_URL, an access token, or `pulumi login`'s. */
export function findBackend(probe: PrerequisiteProbe): Prerequisites["backend"] {
  const env = probe.env;
  const kindOf = (url: string): "cloud" | "self-managed" =>
    /^https?:\/\//.test(url) ? "cloud" : "self-managed";
  if (env.PULUMI_BACKEND_URL) {
    return {
      kind: kindOf(env.PULUMI_BACKEND_URL),
      url: env.PULUMI_BACKEND_URL,
      source: "PULUMI_BACKEND_URL",
    };
  }
  if (env.PULUMI_ACCESS_TOKEN) {
    return { kind: "cloud", url: "https://api.pulumi.com", source: "PULUMI_ACCESS_TOKEN" };
  }
  const home = env.PULUMI_HOME ?? path.join(probe.homeDir, ".pulumi");
  const text = probe.readFile(path.join(home, "credentials.json"));
  if (text !== undefined) {
    try {
      const current = (JSON.parse(text) as { current?: unknown }).current;
      if (typeof current === "string" && current !== "") {
        return { kind: kindOf(current), url: current, source: "pulumi login" };
      }
    } catch {
      // An unreadable credentials file is the same as none.
    }
  }
  return undefined;
}

/** Everything the suite needs, and what is missing in the skip line's words. */
export function detectPrerequisites(probe: PrerequisiteProbe): Prerequisites {
  const mode = modeOf(probe.argv, probe.env);
  const pulumiCli = findOnPath("pulumi", probe);
  const awsCredentials = findAwsCredentials(probe);
  const backend = findBackend(probe);
  const missing: string[] = [];
  if (pulumiCli === undefined) {
    missing.push(NEEDS.pulumiCli);
  }
  if (awsCredentials === undefined) {
    missing.push(NEEDS.awsCredentials);
  }
  if (backend === undefined) {
    missing.push(NEEDS.backend);
  }
  if (mode.kind === "throwaway") {
    const variables = REQUIRED_THROWAWAY_VARIABLES.filter((name) => !probe.env[name]);
    if (variables.length > 0) {
      missing.push(...variables.slice(0, -1));
      missing.push(`${variables[variables.length - 1]} ${NEEDS.existingStackHint}`);
    }
  }
  return { mode, pulumiCli, awsCredentials, backend, missing };
}

/** The probe of this process: its environment, arguments and file system. */
export function processProbe(
  env: Env = process.env,
  argv: readonly string[] = process.argv.slice(2),
): PrerequisiteProbe {
  return {
    env,
    argv,
    isExecutable(file) {
      try {
        const stat = fs.statSync(file);
        if (!stat.isFile()) {
          return false;
        }
        fs.accessSync(file, fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    readFile(file) {
      try {
        return fs.readFileSync(file, "utf8");
      } catch {
        return undefined;
      }
    },
    homeDir: env.HOME ?? env.USERPROFILE ?? os.homedir(),
    platform: process.platform,
  };
}
