import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  detectPrerequisites,
  findOnPath,
  processProbe,
  skipLine,
} from "../../integration/prerequisites";
import { argumentProblems, decide } from "../../integration/run";
import { cleanupCommands, workspaceEnv } from "../../integration/session";

const repoRoot = path.resolve(__dirname, "../..");

describe("npm run test:integration", () => {
  it("takes only --stack <name>", () => {
    expect(argumentProblems([])).to.deep.equal([]);
    expect(argumentProblems(["--stack", "acme/multiregion-serverless/dev"])).to.deep.equal([]);
    expect(argumentProblems(["--stack=acme/multiregion-serverless/dev"])).to.deep.equal([]);
    expect(argumentProblems(["--stack"])).to.deep.equal([
      "--stack needs a stack name (<org>/<project>/<stack>)",
    ]);
    expect(argumentProblems(["--stak", "dev"])).to.deep.equal([
      'unknown argument "--stak"',
      'unknown argument "dev"',
    ]);
  });

  it("skips with one line on stdout (exit 0), or fails with it on stderr when IT_REQUIRED is set", () => {
    const fake = (env: Record<string, string>, argv: string[] = []) => ({
      env,
      argv,
      isExecutable: () => false,
      readFile: () => undefined,
      homeDir: "/nowhere",
      platform: "linux" as const,
    });
    const pipeline = {
      PULUMI_STACK: "acme/multiregion-serverless/dev",
      AWS_PROFILE: "ci",
      PULUMI_ACCESS_TOKEN: "t",
    };
    expect(decide(fake(pipeline))).to.deep.equal({
      action: "exit",
      exitCode: 0,
      stream: "stdout",
      line: "integration tests skipped: need the Pulumi CLI on PATH",
    });
    expect(decide(fake({ ...pipeline, IT_REQUIRED: "true" }))).to.deep.equal({
      action: "exit",
      exitCode: 1,
      stream: "stderr",
      line: "integration tests cannot run (IT_REQUIRED is set): need the Pulumi CLI on PATH",
    });
    expect(decide(fake(pipeline, ["--stak"]))).to.deep.include({ action: "exit", exitCode: 2 });
    const ready = { ...fake(pipeline), isExecutable: (file: string) => file === "/bin/pulumi" };
    ready.env = { ...pipeline, PATH: "/bin" };
    expect(decide(ready)).to.deep.include({ action: "run" });
  });

  it("gives a throwaway stack on a self-managed backend an empty passphrase unless one is set", () => {
    const selfManaged = {
      kind: "self-managed" as const,
      url: "file:///tmp/s",
      source: "PULUMI_BACKEND_URL",
    };
    expect(workspaceEnv(selfManaged, {}, "throwaway")).to.deep.equal({
      PULUMI_CONFIG_PASSPHRASE: "",
    });
    expect(workspaceEnv(selfManaged, { PULUMI_CONFIG_PASSPHRASE: "p" }, "throwaway")).to.deep.equal(
      {},
    );
    expect(
      workspaceEnv(selfManaged, { PULUMI_CONFIG_PASSPHRASE_FILE: "/f" }, "throwaway"),
    ).to.deep.equal({});
    expect(workspaceEnv(selfManaged, {}, "existing")).to.deep.equal({});
    expect(
      workspaceEnv(
        { kind: "cloud", url: "https://api.pulumi.com", source: "PULUMI_ACCESS_TOKEN" },
        {},
        "throwaway",
      ),
    ).to.deep.equal({});
  });

  it("tells how to remove a throwaway stack by hand", () => {
    expect(cleanupCommands("it-0a1b2c", "/src/app")).to.equal(
      "cd /src/app && pulumi destroy --stack it-0a1b2c --yes && pulumi stack rm it-0a1b2c --yes",
    );
  });

  it("without the CLI, credentials or a backend prints the one skip line and exits 0", function () {
    this.timeout(60_000);
    const npm = findOnPath("npm", processProbe());
    expect(npm, "npm on PATH").to.be.a("string");
    // Only node and npm on PATH, an empty home (no ~/.aws, no ~/.pulumi), no AWS_*, PULUMI_* or
    // IT_* variables: what a machine without any of them sees.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "it-home-"));
    try {
      const env = {
        PATH: [...new Set([path.dirname(process.execPath), path.dirname(npm as string)])].join(
          path.delimiter,
        ),
        HOME: home,
        npm_config_update_notifier: "false",
        npm_config_cache: path.join(home, ".npm"),
      };
      const expected = skipLine(detectPrerequisites(processProbe(env, [])).missing);
      const run = spawnSync(npm as string, ["run", "test:integration"], {
        cwd: repoRoot,
        env,
        encoding: "utf8",
      });
      expect(run.status, run.stderr).to.equal(0);
      // npm echoes the script it runs (`> name@version test:integration`, `> ts-node ...`).
      const printed = run.stdout
        .split("\n")
        .filter((line) => line.trim() !== "" && !line.startsWith(">"));
      expect(printed).to.deep.equal([expected]);
      expect(expected).to.match(/^integration tests skipped: need .*AWS credentials/);
      expect(run.stderr).to.equal("");
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
