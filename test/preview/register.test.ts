import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

describe("offline preview loader (preview/register.js)", () => {
  it("a new package version or a change of the loader's own compiler options never reuses the cache", () => {
    // A copy of the package: package.json (its version) beside preview/register.js, as installed.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "mrs-package-"));
    const repo = path.resolve(__dirname, "..", "..");
    const cache = path.join(root, "cache");
    try {
      fs.mkdirSync(path.join(root, "preview"));
      const loaderSource = fs.readFileSync(path.join(repo, "preview", "register.js"), "utf8");
      const install = (version: string, loader: string) => {
        fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ version }));
        fs.writeFileSync(path.join(root, "preview", "register.js"), loader);
      };
      const program = path.join(root, "program.ts");
      fs.writeFileSync(program, "export const answer: number = 42;\n");
      const load = () =>
        execFileSync(
          process.execPath,
          [
            "-e",
            `require(${JSON.stringify(path.join(root, "preview", "register.js"))}).register(false, ${JSON.stringify(repo)});` +
              `process.stdout.write(String(require(${JSON.stringify(program)}).answer))`,
          ],
          { env: { ...process.env, MULTIREGION_SERVERLESS_TS_CACHE: cache } },
        ).toString();
      install("1.0.0", loaderSource);
      expect(load()).to.equal("42");
      expect(load()).to.equal("42");
      expect(fs.readdirSync(cache)).to.have.length(1); // the same package: the cached entry
      install("1.0.1", loaderSource);
      expect(load()).to.equal("42");
      expect(fs.readdirSync(cache)).to.have.length(2);
      const changed = loaderSource.replace("inlineSourceMap: true", "inlineSourceMap: false");
      expect(changed).to.not.equal(loaderSource);
      install("1.0.1", changed);
      expect(load()).to.equal("42");
      expect(fs.readdirSync(cache)).to.have.length(3);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("does not load the TypeScript compiler when every file it loads is cached (issue 14)", () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "ts-cache-"));
    try {
      const load = (): string =>
        execFileSync(
          process.execPath,
          [
            "-e",
            `require(${JSON.stringify(require.resolve("../../preview/register"))}).register();` +
              `require(${JSON.stringify(path.resolve(__dirname, "..", "..", "preview", "errors.ts"))});` +
              "process.stdout.write(String(Object.keys(require.cache).some((file) => " +
              "/[\\\\/]node_modules[\\\\/]typescript[\\\\/]/.test(file))))",
          ],
          { env: { ...process.env, MULTIREGION_SERVERLESS_TS_CACHE: cache } },
        ).toString();
      expect(load()).to.equal("true"); // nothing cached yet: transpiled
      expect(load()).to.equal("false"); // from the cache, the compiler never loaded
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it("transpiles a user's project with that project's tsconfig (the installed command's case)", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "user-project-"));
    try {
      fs.writeFileSync(
        path.join(project, "tsconfig.json"),
        JSON.stringify({ compilerOptions: { target: "es5", module: "commonjs", strict: true } }),
      );
      fs.writeFileSync(
        path.join(project, "index.ts"),
        "const twice = (n: number): number => n * 2;\nexport const shown = twice.toString();\n",
      );
      const run = (projectDir?: string): string =>
        execFileSync(
          process.execPath,
          [
            "-e",
            `require(${JSON.stringify(require.resolve("../../preview/register"))}).register(false, ${JSON.stringify(projectDir)});` +
              `process.stdout.write(require(${JSON.stringify(path.join(project, "index.ts"))}).shown)`,
          ],
          {
            env: { ...process.env, MULTIREGION_SERVERLESS_TS_CACHE: path.join(project, ".cache") },
          },
        ).toString();
      // ES5 has no arrow functions: the project's target applies, not this repository's ES2022.
      expect(run(project)).to.match(/^function \(n\) \{/);
      expect(run(undefined)).to.match(/^\(n\) => n \* 2/);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });
});
