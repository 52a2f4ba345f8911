// The package root as `pulumi package add` leaves it once `prepare` built dist/: package.json
// (whose `main` Pulumi's plugin runner requires), schema.json, PulumiPlugin.yaml, node_modules
// and dist/ compiled from the sources. dist/ is transpiled file by file here (a few seconds;
// `tsc -p tsconfig.build.json` type-checks for a minute, and typecheck does that already),
// with the build's compiler options, into the layout tsconfig.build.json gives it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";

const REPO = path.join(__dirname, "..", "..");

/** The folders whose sources the plugin's entry point reaches (tsconfig.build.json builds them). */
const SOURCE_FOLDERS = ["components", "deployment", "hooks", "provider"];

function sourcesUnder(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      return sourcesUnder(file);
    }
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [file] : [];
  });
}

let built: string | undefined;

/** Builds the package root once per mocha process and returns its folder. */
export function builtPackageRoot(): string {
  if (built) {
    return built;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mrs-plugin-root-"));
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(REPO, "tsconfig.build.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  const compilerOptions = { ...config!.options, sourceMap: false, declaration: false };
  for (const folder of SOURCE_FOLDERS) {
    for (const file of sourcesUnder(path.join(REPO, folder))) {
      const relative = path.relative(REPO, file);
      const output = path.join(root, "dist", relative.replace(/\.ts$/, ".js"));
      const { outputText } = ts.transpileModule(fs.readFileSync(file, "utf8"), {
        compilerOptions,
        fileName: file,
      });
      fs.mkdirSync(path.dirname(output), { recursive: true });
      fs.writeFileSync(output, outputText);
    }
  }
  for (const file of ["package.json", "schema.json", "PulumiPlugin.yaml"]) {
    fs.copyFileSync(path.join(REPO, file), path.join(root, file));
  }
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(root, "node_modules"), "dir");
  built = root;
  process.on("exit", () => fs.rmSync(root, { recursive: true, force: true }));
  return root;
}
