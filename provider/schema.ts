// The package schema, as the plugin serves it (schema.json, committed; a test compares them).
// `npm run schema` writes it: Pulumi's analyzer infers the components' part from their
// TypeScript types, as `ComponentProvider` does; then
// - the LambdaDeployment resource the plugin also serves is added (lambdaDeploymentSchema.ts);
// - each argument's TSDoc `@default` goes into its description (the analyzer drops tags);
// - outputs holding AWS resources are left out (TypeScript-only): a reference to an `aws`
//   resource in a schema makes it depend on the `aws` package at the version this package was
//   built with, which the SDK generators turn into a floor for every consumer
//   (`pulumi_aws>=7.48.0` in Python) and which `pulumi package add` must load. Their ids, names
//   and ARNs are outputs of their own.
import * as fs from "fs";
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { COMPONENTS, PACKAGE_NAME } from "./components";
import { lambdaDeploymentSchema } from "./lambdaDeploymentSchema";
import { componentSources, defaultOf, defaultSentence, interfaceDocs } from "./tsdoc";

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

/** Whether a property (or its items, or its values) is or holds a reference to `matches`. */
function refersTo(property: any, matches: (ref: string) => boolean): boolean {
  return (
    (typeof property?.$ref === "string" && matches(property.$ref)) ||
    (property?.items !== undefined && refersTo(property.items, matches)) ||
    (property?.additionalProperties !== undefined &&
      refersTo(property.additionalProperties, matches))
  );
}

/** `properties` without those that refer to `matches` (and `required` without them). */
function without(
  owner: { properties?: Record<string, unknown>; required?: string[] },
  matches: (ref: string) => boolean,
): void {
  const dropped = Object.keys(owner.properties ?? {}).filter((key) =>
    refersTo(owner.properties![key], matches),
  );
  for (const key of dropped) {
    delete owner.properties![key];
  }
  if (owner.required) {
    owner.required = owner.required.filter((key) => !dropped.includes(key));
  }
}

/**
 * Leaves out the outputs that hold AWS resources (and the object types made of them only),
 * and then the `aws` dependency. Inputs never reference one.
 */
export function withoutAwsResources(schema: SchemaDocument): SchemaDocument {
  const aws = (ref: string) => ref.startsWith("/aws/");
  for (const type of Object.values(schema.types)) {
    if (type.properties) without(type, aws);
  }
  const emptied = Object.keys(schema.types).filter(
    (name) =>
      schema.types[name].type === "object" &&
      Object.keys(schema.types[name].properties ?? {}).length === 0,
  );
  const gone = (ref: string) => aws(ref) || emptied.some((name) => ref === `#/types/${name}`);
  for (const name of emptied) {
    delete schema.types[name];
  }
  for (const resource of Object.values(schema.resources)) {
    without(resource, gone);
  }
  for (const type of Object.values(schema.types)) {
    if (type.properties) without(type, gone);
  }
  if (JSON.stringify(schema).includes('"/aws/')) {
    throw new Error("the schema still references an aws resource");
  }
  delete schema.dependencies;
  return schema;
}

/**
 * Appends each argument's TSDoc `@default` to its description (`Default: \`256\`.`): a
 * component's inputs from its `<Component>Args` interface, an object type's properties from
 * the interface of the same name.
 */
export function withDefaults(
  schema: SchemaDocument,
  sources: readonly string[] = componentSources(path.join(__dirname, "..")),
): SchemaDocument {
  const docs = interfaceDocs(sources);
  const describe = (interfaceName: string, properties: Record<string, any> = {}) => {
    for (const [key, property] of Object.entries(properties)) {
      const text = defaultOf(docs, interfaceName, key);
      const sentence = text && defaultSentence(text);
      if (sentence && !String(property.description ?? "").includes("Default:")) {
        property.description = property.description
          ? `${property.description}\n\n${sentence}`
          : sentence;
      }
    }
  };
  for (const [token, resource] of Object.entries(schema.resources)) {
    if (resource.isComponent) {
      describe(`${token.split(":")[2]}Args`, resource.inputProperties);
    }
  }
  for (const [token, type] of Object.entries(schema.types)) {
    if (token.startsWith(`${PACKAGE_NAME}:`) && type.properties) {
      describe(token.split(":")[2], type.properties);
    }
  }
  return schema;
}

/** The inferred components' schema completed into the one the plugin serves. */
export function completeSchema(inferred: SchemaDocument): SchemaDocument {
  const deployment = lambdaDeploymentSchema();
  const schema: SchemaDocument = JSON.parse(JSON.stringify(inferred));
  withoutAwsResources(schema);
  withDefaults(schema);
  return {
    ...schema,
    resources: { ...schema.resources, ...deployment.resources },
    types: { ...schema.types, ...deployment.types },
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
