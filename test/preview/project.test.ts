// The program the offline preview runs is the one `pulumi preview` runs: Pulumi's Node.js host
// `require`s the project folder (or Pulumi.yaml `main`), and Node.js resolves a folder through
// its package.json `main` before index.js.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPreview } from "../../preview/preview";
import { readProject } from "../../preview/project";
import { renderError } from "../../preview/render";

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mrs-project-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe("preview: the program of a Pulumi project", () => {
  const dirs: string[] = [];
  const make = (files: Record<string, string>) => {
    const dir = project(files);
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it("a project folder with package.json main runs that file, not index.ts", () => {
    const dir = make({
      "Pulumi.yaml": "name: payments\nruntime: nodejs\n",
      "package.json": JSON.stringify({ name: "payments", main: "bin/index.js" }),
      "bin/index.js": "",
      "index.ts": "",
    });
    expect(readProject(dir).main).to.equal(path.join(dir, "bin", "index.js"));
  });

  it("package.json main without an extension or naming a folder resolves as require does", () => {
    const bare = make({
      "Pulumi.yaml": "name: payments\n",
      "package.json": JSON.stringify({ main: "src/program" }),
      "src/program.ts": "",
    });
    expect(readProject(bare).main).to.equal(path.join(bare, "src", "program.ts"));
    const folder = make({
      "Pulumi.yaml": "name: payments\nmain: app\n",
      "app/package.json": JSON.stringify({ main: "lib" }),
      "app/lib/index.js": "",
    });
    expect(readProject(folder).main).to.equal(path.join(folder, "app", "lib", "index.js"));
  });

  it("without package.json main the folder's index.ts runs", () => {
    const dir = make({
      "Pulumi.yaml": "name: payments\n",
      "package.json": JSON.stringify({ name: "payments" }),
      "index.ts": "",
    });
    expect(readProject(dir).main).to.equal(path.join(dir, "index.ts"));
  });

  it("a missing program is a program error that says where the preview looked", async () => {
    const dir = make({
      "Pulumi.yaml": "name: payments\n",
      "package.json": JSON.stringify({ main: "bin/index.js" }),
      "Pulumi.dev.yaml": "config: {}\n",
    });
    const result = await runPreview({ stack: "dev", projectDir: dir });
    expect(result.exitCode).to.equal(2);
    expect(result.error?.kind).to.equal("program");
    expect(result.error?.message).to.equal(
      'the program index.ts does not exist: the project folder has a package.json `main` "bin/index.js" that names no file and no index.ts or index.js',
    );
    expect(renderError(result)).to.contain("error (program):").and.not.contain("stack config");
    expect(renderError(result)).to.not.contain("Pulumi.yaml `main`");
  });

  it("a missing program named by Pulumi.yaml main says so", async () => {
    const dir = make({
      "Pulumi.yaml": "name: payments\nmain: src/index.ts\n",
      "Pulumi.dev.yaml": "config: {}\n",
    });
    const result = await runPreview({ stack: "dev", projectDir: dir });
    expect(result.error?.message).to.equal(
      'the program src/index.ts does not exist: named by Pulumi.yaml `main` "src/index.ts"',
    );
  });
});
