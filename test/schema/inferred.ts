import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { componentProvider } from "../../provider/components";

/** A parsed package schema (the parts the tests read). */
export interface PackageSchema {
  name: string;
  version: string;
  resources: Record<string, ResourceSchema>;
  types: Record<string, TypeSchema>;
}

/** A component's entry in the schema. */
export interface ResourceSchema {
  isComponent: boolean;
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
}

let inferred: Promise<string> | undefined;
let provider: ComponentProvider | undefined;

/** One component provider for every test file, so the schema is inferred once per mocha run. */
export function sharedProvider(): ComponentProvider {
  provider ??= componentProvider();
  return provider;
}

/**
 * The schema Pulumi's analyzer infers from the components' TypeScript types, exactly as
 * `pulumi package add` gets it from the provider. Inference compiles the library (~10-20 s), so
 * it runs once per mocha process and every test file shares it.
 */
export function inferredSchema(): Promise<string> {
  inferred ??= sharedProvider().getSchema();
  return inferred;
}
