import { PackageProvider } from "../../provider/provider";
import { formatSchema, generateSchema } from "../../provider/schema";

/** A parsed package schema (the parts the tests read). */
export interface PackageSchema {
  name: string;
  version: string;
  resources: Record<string, ResourceSchema>;
  types: Record<string, TypeSchema>;
}

/** A resource's entry in the schema (a component, or the LambdaDeployment custom resource). */
export interface ResourceSchema {
  isComponent?: boolean;
  description?: string;
  inputProperties: Record<string, PropertySchema>;
  requiredInputs: string[];
  properties: Record<string, PropertySchema>;
  required: string[];
}

/** A type definition: an object type or an enum. */
export interface TypeSchema {
  type: string;
  properties?: Record<string, PropertySchema>;
  required?: string[];
  enum?: { name: string; value: string | number }[];
}

/** One property of a component or an object type. */
export interface PropertySchema {
  type?: string;
  $ref?: string;
  items?: PropertySchema;
  additionalProperties?: PropertySchema;
  description?: string;
  optional?: boolean;
  plain?: boolean;
  secret?: boolean;
}

let generated: Promise<string> | undefined;
let provider: PackageProvider | undefined;

/** The package's provider, as its plugin serves it (schema.json, construct, LambdaDeployment). */
export function sharedProvider(): PackageProvider {
  provider ??= new PackageProvider();
  return provider;
}

/**
 * The schema generated from the sources as `npm run schema` writes it: Pulumi's analyzer infers
 * the components' part from their TypeScript types (~10-20 s, it compiles the library), so it
 * runs once per mocha process and every test file shares it.
 */
export function inferredSchema(): Promise<string> {
  generated ??= generateSchema().then(formatSchema);
  return generated;
}
