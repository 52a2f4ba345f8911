import { expect } from "chai";
import * as path from "path";
import {
  detectPrerequisites,
  Env,
  findAwsCredentials,
  findBackend,
  findOnPath,
  modeOf,
  PrerequisiteProbe,
  skipLine,
} from "../../integration/prerequisites";

const HOME = "/home/tester";

/** A probe over a fake file system: `executables` and `files` (path to text). */
function probe(
  env: Env,
  options: {
    argv?: string[];
    executables?: string[];
    files?: Record<string, string>;
    platform?: NodeJS.Platform;
  } = {},
): PrerequisiteProbe {
  const executables = new Set(options.executables ?? []);
  const files = options.files ?? {};
  return {
    env,
    argv: options.argv ?? [],
    isExecutable: (file) => executables.has(file),
    readFile: (file) => files[file],
    homeDir: HOME,
    platform: options.platform ?? "linux",
  };
}

/** Everything a throwaway run needs. */
const READY: Env = {
  PATH: "/usr/bin:/opt/pulumi/bin",
  AWS_PROFILE: "sandbox",
  PULUMI_BACKEND_URL: "file:///tmp/pulumi-state",
  IT_ACCOUNT_ID: "123456789012",
  IT_ZONE_ID: "Z0123456789ITZONE",
  IT_DOMAIN: "it.example.com",
};
const PULUMI = "/opt/pulumi/bin/pulumi";

describe("integration test prerequisites", () => {
  it("prints exactly this line when nothing is there", () => {
    const found = detectPrerequisites(probe({ PATH: "/usr/bin" }));
    expect(skipLine(found.missing)).to.equal(
      "integration tests skipped: need the Pulumi CLI on PATH, AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID), " +
        "a Pulumi backend (PULUMI_BACKEND_URL or PULUMI_ACCESS_TOKEN, or `pulumi login`), " +
        "IT_ACCOUNT_ID, IT_ZONE_ID, IT_DOMAIN (or --stack / PULUMI_STACK <org>/<project>/<stack> to check a deployed stack)",
    );
    expect(found.mode).to.deep.equal({ kind: "throwaway" });
  });

  it("names only what is missing", () => {
    const rest: Record<string, string | undefined> = { ...READY };
    delete rest.IT_ZONE_ID;
    delete rest.AWS_PROFILE;
    const found = detectPrerequisites(probe(rest, { executables: [PULUMI] }));
    expect(skipLine(found.missing)).to.equal(
      "integration tests skipped: need AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID), " +
        "IT_ZONE_ID (or --stack / PULUMI_STACK <org>/<project>/<stack> to check a deployed stack)",
    );
  });

  it("needs nothing more when the CLI, credentials, a backend and the IT_* variables are there", () => {
    const found = detectPrerequisites(probe(READY, { executables: [PULUMI] }));
    expect(found).to.deep.equal({
      mode: { kind: "throwaway" },
      pulumiCli: PULUMI,
      awsCredentials: "AWS_PROFILE=sandbox",
      backend: {
        kind: "self-managed",
        url: "file:///tmp/pulumi-state",
        source: "PULUMI_BACKEND_URL",
      },
      missing: [],
    });
  });

  it("checks an existing stack without the IT_* variables (the pipeline's PULUMI_STACK)", () => {
    const env: Env = {
      PATH: "/opt/pulumi/bin",
      AWS_WEB_IDENTITY_TOKEN_FILE: "/tmp/token",
      AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/it",
      PULUMI_ACCESS_TOKEN: "pul-xxxx",
      PULUMI_STACK: "acme/multiregion-serverless/dev",
    };
    const found = detectPrerequisites(probe(env, { executables: [PULUMI] }));
    expect(found.missing).to.deep.equal([]);
    expect(found.mode).to.deep.equal({
      kind: "existing",
      stack: "acme/multiregion-serverless/dev",
      source: "PULUMI_STACK",
    });
    const withoutCli = detectPrerequisites(probe(env));
    expect(skipLine(withoutCli.missing)).to.equal(
      "integration tests skipped: need the Pulumi CLI on PATH",
    );
  });

  it("takes the stack from --stack, then IT_STACK, then PULUMI_STACK", () => {
    const env = { IT_STACK: "o/p/it", PULUMI_STACK: "o/p/dev" };
    expect(modeOf(["--stack", "o/p/cli"], env)).to.deep.equal({
      kind: "existing",
      stack: "o/p/cli",
      source: "--stack",
    });
    expect(modeOf(["--stack=o/p/eq"], env)).to.deep.include({ stack: "o/p/eq" });
    expect(modeOf([], env)).to.deep.include({ stack: "o/p/it", source: "IT_STACK" });
    expect(modeOf([], { PULUMI_STACK: "o/p/dev" })).to.deep.include({ source: "PULUMI_STACK" });
    expect(modeOf(["--stack"], {})).to.deep.equal({ kind: "throwaway" });
  });

  it("finds the CLI on PATH only, with PATHEXT names on Windows", () => {
    expect(
      findOnPath("pulumi", probe({ PATH: "/a:/opt/pulumi/bin" }, { executables: [PULUMI] })),
    ).to.equal(PULUMI);
    expect(findOnPath("pulumi", probe({ PATH: "/a" }, { executables: [PULUMI] }))).to.equal(
      undefined,
    );
    const windowsPulumi = path.join("C:\\Pulumi\\bin", "pulumi.exe");
    expect(
      findOnPath(
        "pulumi",
        probe(
          { Path: "C:\\Windows;C:\\Pulumi\\bin", PATHEXT: ".COM;.EXE" },
          { executables: [windowsPulumi], platform: "win32" },
        ),
      ),
    ).to.equal(windowsPulumi);
  });

  it("finds AWS credentials where the SDK's default chain would, without the network", () => {
    const find = (env: Env, files: Record<string, string> = {}) =>
      findAwsCredentials(probe(env, { files }));
    expect(find({ AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "s" })).to.equal(
      "AWS_ACCESS_KEY_ID",
    );
    expect(find({ AWS_ACCESS_KEY_ID: "AKIA" }), "a key id without its secret").to.equal(undefined);
    expect(find({ AWS_PROFILE: "dev" })).to.equal("AWS_PROFILE=dev");
    expect(find({ AWS_WEB_IDENTITY_TOKEN_FILE: "/t", AWS_ROLE_ARN: "arn" })).to.equal(
      "AWS_WEB_IDENTITY_TOKEN_FILE",
    );
    expect(find({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/creds" })).to.equal(
      "container credentials",
    );
    expect(
      find({}, { [`${HOME}/.aws/credentials`]: "[default]\naws_access_key_id = AKIA\n" }),
    ).to.equal(`default profile in ${HOME}/.aws/credentials`);
    expect(
      find({ AWS_CONFIG_FILE: "/etc/aws" }, { "/etc/aws": "[profile default]\nsso_session = x\n" }),
    ).to.equal("default profile in /etc/aws");
    expect(find({}, { [`${HOME}/.aws/config`]: "[profile other]\nregion = us-east-1\n" })).to.equal(
      undefined,
    );
    expect(find({ IT_AWS_CREDENTIALS: "instance-role" })).to.equal(
      "instance role (IT_AWS_CREDENTIALS)",
    );
  });

  it("finds the backend from PULUMI_BACKEND_URL, an access token, or `pulumi login`", () => {
    const find = (env: Env, files: Record<string, string> = {}) =>
      findBackend(probe(env, { files }));
    expect(find({ PULUMI_BACKEND_URL: "s3://state?region=eu-west-1" })).to.deep.equal({
      kind: "self-managed",
      url: "s3://state?region=eu-west-1",
      source: "PULUMI_BACKEND_URL",
    });
    expect(find({ PULUMI_ACCESS_TOKEN: "pul-x" })).to.deep.include({ kind: "cloud" });
    expect(
      find({}, { [`${HOME}/.pulumi/credentials.json`]: '{"current":"https://api.pulumi.com"}' }),
    ).to.deep.equal({
      kind: "cloud",
      url: "https://api.pulumi.com",
      source: "pulumi login",
    });
    expect(
      find({ PULUMI_HOME: "/p" }, { "/p/credentials.json": '{"current":"file://~"}' }),
    ).to.deep.include({
      kind: "self-managed",
    });
    expect(find({}, { [`${HOME}/.pulumi/credentials.json`]: "not json" })).to.equal(undefined);
    expect(find({}, { [`${HOME}/.pulumi/credentials.json`]: '{"current":""}' })).to.equal(
      undefined,
    );
  });
});
