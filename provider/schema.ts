// The package schema, as the plugin serves it (schema.json, committed; a test compares them).
// `npm run schema` writes it: Pulumi's analyzer infers the components' part from their
// TypeScript types, as `ComponentProvider` does; the LambdaDeployment resource the plugin also
// serves is added from provider/lambdaDeploymentSchema.ts.
import * as fs from "fs";
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { COMPONENTS, PACKAGE_NAME } from "./components";
import { lambdaDeploymentSchema } from "./lambdaDeploymentSchema";

/**
 * The schema-inference root: this folder holds the `package.json` and `tsconfig.json` that
 * Pulumi's analyzer reads. A folder of its own so that the analyzer compiles only the library
 * (components/, deployment/, hooks/), not the bundled program and the tests, and finds the
 * components from `main` (`../components/index.ts`) rather than from `dist/`, which does not
 * exist in a git checkout.
 */
export const SCHEMA_ROOT = __dirname;

/** Where the committed schema lives (the package root, where the plugin reads it). */
export const SCHEMA_FILE = path.join(__dirname, "..", "schema.json");

/** The package version, from the package's own package.json. */
export function packageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(__dirname, "..", "package.json")) as { version: string }).version;
}

/** Pulumi's component provider over the components: it infers their part of the schema. */
export function inferringProvider(): ComponentProvider {
  return new ComponentProvider({
    name: PACKAGE_NAME,
    version: packageVersion(),
    dirname: SCHEMA_ROOT,
    components: COMPONENTS,
  });
}

/** A parsed package schema, loosely typed (what the generation edits). */
export interface SchemaDocument {
  name: string;
  version: string;
  resources: Record<string, any>;
  types: Record<string, any>;
  [key: string]: unknown;
}

/** The inferred components' schema completed into the one the plugin serves. */
export function completeSchema(inferred: SchemaDocument): SchemaDocument {
  const deployment = lambdaDeploymentSchema();
  return {
    ...inferred,
    resources: { ...inferred.resources, ...deployment.resources },
    types: { ...inferred.types, ...deployment.types },
  };
}

/** The schema the plugin serves, generated from the sources. */
export async function generateSchema(
  provider: ComponentProvider = inferringProvider(),
): Promise<SchemaDocument> {
  return completeSchema(JSON.parse(await provider.getSchema()) as SchemaDocument);
}

/** The schema as committed: pretty-printed with a trailing newline. */
export function formatSchema(schema: SchemaDocument | string): string {
  const document = typeof schema === "string" ? JSON.parse(schema) : schema;
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (require.main === module) {
  generateSchema()
    .then((schema) => {
      fs.writeFileSync(SCHEMA_FILE, formatSchema(schema));
      console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    });
}
