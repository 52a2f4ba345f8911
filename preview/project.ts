// The Pulumi project the offline preview runs: Pulumi.yaml (name, main, stackConfigDir) and a
// stack's config file, read the way `pulumi preview --stack <stack>` reads them.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { readStackConfig, StackConfigFile } from "../testing/stackConfig";
import { PreviewError } from "./errors";

/** What the preview needs from Pulumi.yaml. */
export interface PulumiProject {
  /** The folder holding Pulumi.yaml. */
  dir: string;
  /** The project name: the namespace of bare config keys. */
  name: string;
  /** The program (Pulumi.yaml `main`, else `index.ts`), absolute. */
  main: string;
  /** The folder of `Pulumi.<stack>.yaml` files (`stackConfigDir`, else the project folder), absolute. */
  stackConfigDir: string;
}

/** The nearest folder at or above `from` holding a Pulumi.yaml (as the CLI looks for it). */
export function findProjectDir(from: string = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (["Pulumi.yaml", "Pulumi.yml"].some((file) => fs.existsSync(path.join(dir, file)))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new PreviewError(
        "usage",
        `no Pulumi.yaml in ${path.resolve(from)} or any folder above it: run the preview inside a Pulumi project`,
      );
    }
  }
}

/** Reads Pulumi.yaml in `dir`. */
export function readProject(dir: string): PulumiProject {
  const file = ["Pulumi.yaml", "Pulumi.yml"]
    .map((name) => path.join(dir, name))
    .find((candidate) => fs.existsSync(candidate));
  if (!file) {
    throw new PreviewError("usage", `no Pulumi.yaml in ${dir}`);
  }
  let document: Record<string, unknown>;
  try {
    document = (parse(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new PreviewError("config", `${file} is not valid YAML: ${messageOf(error)}`);
  }
  if (typeof document.name !== "string" || document.name === "") {
    throw new PreviewError("config", `${file} has no project \`name\``);
  }
  const main = typeof document.main === "string" && document.main !== "" ? document.main : ".";
  return {
    dir,
    name: document.name,
    main: programPath(path.resolve(dir, main)),
    stackConfigDir: path.resolve(
      dir,
      typeof document.stackConfigDir === "string" ? document.stackConfigDir : ".",
    ),
  };
}

/** A program path as the Node.js host resolves it: a file, or a folder's index.ts / index.js. */
function programPath(target: string): string {
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    const index = ["index.ts", "index.js"]
      .map((name) => path.join(target, name))
      .find((candidate) => fs.existsSync(candidate));
    return index ?? path.join(target, "index.ts");
  }
  return target;
}

/** The stacks that have a config file, sorted. */
export function stackNames(project: PulumiProject): string[] {
  if (!fs.existsSync(project.stackConfigDir)) {
    return [];
  }
  return fs
    .readdirSync(project.stackConfigDir)
    .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/** The stack's config file, read as the CLI passes it (secure values become placeholders). */
export function readStack(project: PulumiProject, stack: string): StackConfigFile {
  const file = ["yaml", "yml"]
    .map((ext) => path.join(project.stackConfigDir, `Pulumi.${stack}.${ext}`))
    .find((candidate) => fs.existsSync(candidate));
  if (!file) {
    const known = stackNames(project);
    throw new PreviewError(
      "usage",
      `no stack "${stack}": ${projectRelative(project, path.join(project.stackConfigDir, `Pulumi.${stack}.yaml`))} does not exist` +
        (known.length > 0 ? `; stacks: ${known.join(", ")}` : ""),
    );
  }
  try {
    return readStackConfig(file);
  } catch (error) {
    throw new PreviewError(
      "config",
      `${projectRelative(project, file)} cannot be read: ${messageOf(error)}`,
    );
  }
}

/** A path relative to the project folder (as the program's own messages name stack files). */
export function projectRelative(project: PulumiProject, file: string): string {
  const shown = path.relative(project.dir, file);
  return shown === "" ? "." : shown.startsWith("..") ? file : shown.split(path.sep).join("/");
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
