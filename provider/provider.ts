/**
 * The provider this package's plugin serves to every Pulumi language: its schema (the
 * committed schema.json), `construct` for the seven components, and the custom resource
 * `LambdaDeployment` (check/diff/create/read/update/delete, provider/lambdaDeployment.ts).
 *
 * Pulumi's `ComponentProvider` (`@pulumi/pulumi/provider/experimental`), which the plugin
 * runner would otherwise host for the package's exported components, constructs components
 * only: it answers no resource operation, so the deployment a component registers could only
 * be a dynamic resource, whose provider Pulumi starts in the consumer's program directory
 * (pulumi/pulumi#5455). This provider constructs the components the way `ComponentProvider`
 * does (`new Component(name, inputs, options)`, the schema's outputs as state) and serves
 * their deployments itself.
 */
import * as fs from "fs";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { servedByPackagePlugin } from "../components/lambdaDeployment";
import { ProviderEnvironment } from "../deployment/provider";
import { COMPONENTS, PACKAGE_NAME, token } from "./components";
import {
  LambdaDeploymentResourceProvider,
  lambdaDeploymentResourceProvider,
} from "./lambdaDeployment";

/** The parts of schema.json the provider reads. */
interface ServedSchema {
  name: string;
  version: string;
  resources: Record<string, { isComponent?: boolean; properties?: Record<string, unknown> }>;
}

/**
 * schema.json at the package root: beside provider/ when run from source, two levels up from
 * dist/provider/ when built.
 */
export function schemaFile(): string {
  const candidates = [
    path.join(__dirname, "..", "schema.json"),
    path.join(__dirname, "..", "..", "schema.json"),
  ];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    throw new Error(
      `${PACKAGE_NAME}: schema.json not found at ${candidates.join(" or ")}; the package root ` +
        "must hold it (it is committed, and in the npm package's files)",
    );
  }
  return found;
}

/** The type token of the custom resource the plugin serves. */
export const LAMBDA_DEPLOYMENT = token("LambdaDeployment");

/** What the plugin's provider can be given (tests replace the AWS environment). */
export interface PackageProviderOptions {
  /** Where LambdaDeployment's operations get SDK clients, the clock and the log. */
  readonly deploymentEnvironment?: ProviderEnvironment;
}

/** The provider of the package's plugin. */
export class PackageProvider implements provider.Provider {
  readonly version: string;
  private readonly schemaText: string;
  // Not `schema`: the provider server serves a `schema` member as the schema text itself.
  private readonly served: ServedSchema;
  private readonly deployments: LambdaDeploymentResourceProvider;
  private readonly constructors = new Map<
    string,
    new (
      name: string,
      args: any,
      opts?: pulumi.ComponentResourceOptions,
    ) => pulumi.ComponentResource
  >(COMPONENTS.map((component) => [token(component.name), component]));

  constructor(options: PackageProviderOptions = {}) {
    this.schemaText = fs.readFileSync(schemaFile(), "utf8");
    this.served = JSON.parse(this.schemaText) as ServedSchema;
    this.version = this.served.version;
    this.deployments = lambdaDeploymentResourceProvider(options.deploymentEnvironment);
  }

  async getSchema(): Promise<string> {
    return this.schemaText;
  }

  /**
   * Builds a component for a program in another language: its inputs as the provider server
   * deserialized them, its state the schema's outputs (what `ComponentProvider.construct`
   * returns). The deployments it creates are this provider's `LambdaDeployment` resources.
   */
  async construct(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
  ): Promise<provider.ConstructResult> {
    const component = this.constructors.get(type);
    if (!component) {
      throw new Error(
        `${PACKAGE_NAME} has no component ${JSON.stringify(type)}; it has ` +
          [...this.constructors.keys()].join(", "),
      );
    }
    const instance = servedByPackagePlugin(() => new component(name, inputs, options));
    const outputs = Object.keys(this.served.resources[type]?.properties ?? {});
    const state: Record<string, unknown> = {};
    for (const key of outputs) {
      state[key] = (instance as unknown as Record<string, unknown>)[key];
    }
    return { urn: instance.urn, state };
  }

  private deploymentOnly(urn: string, operation: string): void {
    const type = urn.split("::")[2]?.split("$").pop();
    if (type !== LAMBDA_DEPLOYMENT) {
      throw new Error(
        `${PACKAGE_NAME} cannot ${operation} ${type ?? urn}: its only custom resource is ${LAMBDA_DEPLOYMENT}`,
      );
    }
  }

  async check(urn: string, olds: any, news: any): Promise<provider.CheckResult> {
    this.deploymentOnly(urn, "check");
    return this.deployments.check(urn, olds, news);
  }

  async diff(id: string, urn: string, olds: any, news: any): Promise<provider.DiffResult> {
    this.deploymentOnly(urn, "diff");
    return this.deployments.diff(id, urn, olds, news);
  }

  async create(urn: string, inputs: any): Promise<provider.CreateResult> {
    this.deploymentOnly(urn, "create");
    return this.deployments.create(urn, inputs);
  }

  async read(id: string, urn: string, props?: any): Promise<provider.ReadResult> {
    this.deploymentOnly(urn, "read");
    return this.deployments.read(id, urn, props);
  }

  async update(id: string, urn: string, olds: any, news: any): Promise<provider.UpdateResult> {
    this.deploymentOnly(urn, "update");
    return this.deployments.update(id, urn, olds, news);
  }

  async delete(id: string, urn: string, props: any): Promise<void> {
    this.deploymentOnly(urn, "delete");
    return this.deployments.delete(id, urn, props);
  }
}
