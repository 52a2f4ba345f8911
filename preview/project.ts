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
  /** The program, absolute: see {@link programPath}. */
  main: string;
  /** Where {@link main} comes from, for messages: `package.json \`main\``, `Pulumi.yaml \`main\``, ... */
  mainSource: string;
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
  const hasMain = typeof document.main === "string" && document.main !== "";
  const program = programPath(
    path.resolve(dir, hasMain ? (document.main as string) : "."),
    hasMain ? `Pulumi.yaml \`main\` ${JSON.stringify(document.main)}` : "the project folder",
  );
  return {
    dir,
    name: document.name,
    main: program.file,
    mainSource: program.source,
    stackConfigDir: path.resolve(
      dir,
      typeof document.stackConfigDir === "string" ? document.stackConfigDir : ".",
    ),
  };
}

/**
 * A program path as Pulumi's Node.js host resolves it: it `require`s the program, so a file is
 * itself and a folder is its package.json `main` (a file, that name with `.ts` or `.js`, or a
 * folder's index), else the folder's index.ts / index.js. TypeScript is preferred to JavaScript
 * where both exist (the source over its compiled copy, as in a TypeScript project).
 * @param label What `target` is, for {@link PulumiProject.mainSource}.
 */
export function programPath(target: string, label: string): { file: string; source: string } {
  if (!isDirectory(target)) {
    return { file: target, source: `named by ${label}` };
  }
  let mainNote = "no package.json `main`";
  const manifest = path.join(target, "package.json");
  if (fs.existsSync(manifest)) {
    let main: unknown;
    try {
      main = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { main?: unknown }).main;
    } catch (error) {
      throw new PreviewError("program", `${manifest} is not valid JSON: ${messageOf(error)}`);
    }
    if (typeof main === "string" && main !== "") {
      const base = path.resolve(target, main);
      const file = [
        base,
        `${base}.ts`,
        `${base}.js`,
        path.join(base, "index.ts"),
        path.join(base, "index.js"),
      ].find((candidate) => fs.existsSync(candidate) && !isDirectory(candidate));
      if (file) {
        return { file, source: `package.json \`main\` ${JSON.stringify(main)} in ${label}` };
      }
      // As Node.js does when `main` names nothing: the folder's index.
      mainNote = `a package.json \`main\` ${JSON.stringify(main)} that names no file`;
    }
  }
  const index = ["index.ts", "index.js"]
    .map((name) => path.join(target, name))
    .find((candidate) => fs.existsSync(candidate));
  return {
    file: index ?? path.join(target, "index.ts"),
    source: `${label} has ${mainNote}${index ? "" : " and no index.ts or index.js"}`,
  };
}

function isDirectory(file: string): boolean {
  return fs.existsSync(file) && fs.statSync(file).isDirectory();
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
