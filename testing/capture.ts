import { AssertionError } from "assert";
import { mismatches, matches } from "./match";

/** Resource options as the engine received them. */
export interface CapturedOptions {
  protect: boolean;
  ignoreChanges: string[];
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
  /** Create/update/delete timeouts, as Go duration strings (`"30m"`), when set. */
  customTimeouts?: { create?: string; update?: string; delete?: string };
  /** The id of an existing resource to import, when set. */
  importId?: string;
  /** The provider plugin version the resource asks for (`version`), when set. */
  version?: string;
  /** Where the engine may download that plugin (`pluginDownloadURL`), when set. */
  pluginDownloadURL?: string;
}

/** One resource as a `pulumi preview` would show it, with what the program sent. */
export interface CapturedResource {
  urn: string;
  /** The physical id the mock assigned (`<name>-id`); empty for components. */
  id: string;
  /** Type token, e.g. `aws:lambda/alias:Alias` or `multiregion-serverless:index:TrafficShiftedFunction`. */
  type: string;
  /** Logical name. */
  name: string;
  /** True for provider-managed (custom) resources, false for components. */
  custom: boolean;
  /** Inputs with secrets unwrapped to their plain values (see {@link secretPaths}). */
  inputs: Record<string, any>;
  /** Property paths (`environment.variables.API_KEY`) whose input value was marked secret. */
  secretPaths: string[];
  /** Outputs: the mock's state for custom resources, the registered outputs for components. */
  outputs: Record<string, any>;
  /** URN of the parent resource, when there is one. */
  parent?: string;
  /** The explicit provider reference (`<provider urn>::<id>`), when one was given. */
  provider?: string;
  /** Effective AWS region: the `region` input, else the provider's region, else `aws:region` config. */
  region?: string;
  /** URNs the resource depends on (`dependsOn` plus input dependencies). */
  dependencies: string[];
  /**
   * URNs each top-level input property depends on (the engine's `propertyDependencies`): what
   * an Output given as that input came from. Absent where a resource was not captured from a
   * registration.
   */
  propertyDependencies?: Record<string, string[]>;
  options: CapturedOptions;
}

function describe(resource: CapturedResource): string {
  return `${resource.type} "${resource.name}"`;
}

/**
 * The resources a program or component registered, with queries and CDK-style
 * assertions (`hasResourceProperties`, `resourceCountIs`). Assertions throw an
 * `AssertionError` that lists what was registered, so a failing test says why.
 */
export class ResourceCapture {
  constructor(readonly all: readonly CapturedResource[]) {}

  /** Resources of the given type token, in registration order. */
  ofType(type: string): CapturedResource[] {
    return this.all.filter((resource) => resource.type === type);
  }

  /** Resources of the type whose inputs match the pattern (see `Match`). */
  find(type: string, pattern: unknown = {}): CapturedResource[] {
    return this.ofType(type).filter((resource) => matches(resource.inputs, pattern));
  }

  /** The one resource with this type and logical name; throws when absent. */
  get(type: string, name: string): CapturedResource {
    const found = this.ofType(type).find((resource) => resource.name === name);
    if (!found) {
      const names = this.ofType(type).map((resource) => resource.name);
      throw new AssertionError({
        message: `no ${type} named "${name}"; registered: ${names.length ? names.join(", ") : "none"}`,
      });
    }
    return found;
  }

  /** The custom resource with this physical id (e.g. a health check named by `healthCheckId`). */
  byId(id: string): CapturedResource | undefined {
    return id ? this.all.find((resource) => resource.custom && resource.id === id) : undefined;
  }

  /** The resource with this URN, if registered. */
  byUrn(urn: string): CapturedResource | undefined {
    return this.all.find((resource) => resource.urn === urn);
  }

  /** The parent of a resource, if it has one. */
  parentOf(resource: CapturedResource): CapturedResource | undefined {
    return resource.parent ? this.byUrn(resource.parent) : undefined;
  }

  /** Direct children of a resource. */
  childrenOf(resource: CapturedResource): CapturedResource[] {
    return this.all.filter((child) => child.parent === resource.urn);
  }

  /** Every resource below a resource in the parent tree. */
  descendantsOf(resource: CapturedResource): CapturedResource[] {
    return this.childrenOf(resource).flatMap((child) => [child, ...this.descendantsOf(child)]);
  }

  /** Asserts that exactly `count` resources of the type were registered. */
  resourceCountIs(type: string, count: number): void {
    const found = this.ofType(type);
    if (found.length !== count) {
      throw new AssertionError({
        message: `expected ${count} ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ") || "none"}`,
        actual: found.length,
        expected: count,
      });
    }
  }

  /** Asserts that at least one resource of the type has inputs matching the pattern; returns it. */
  hasResourceProperties(type: string, pattern: unknown): CapturedResource {
    const candidates = this.ofType(type);
    const found = candidates.find((resource) => matches(resource.inputs, pattern));
    if (found) {
      return found;
    }
    const reasons = candidates.map(
      (resource) =>
        `  ${describe(resource)}:\n    ${mismatches(resource.inputs, pattern).join("\n    ")}`,
    );
    throw new AssertionError({
      message:
        candidates.length === 0
          ? `no ${type} was registered`
          : `no ${type} matches; closest mismatches:\n${reasons.join("\n")}`,
    });
  }

  /** Asserts that every resource of the type (at least one) has inputs matching the pattern. */
  allResourcesProperties(type: string, pattern: unknown): CapturedResource[] {
    const candidates = this.ofType(type);
    if (candidates.length === 0) {
      throw new AssertionError({ message: `no ${type} was registered` });
    }
    const failures = candidates
      .map((resource) => ({ resource, problems: mismatches(resource.inputs, pattern) }))
      .filter(({ problems }) => problems.length > 0);
    if (failures.length > 0) {
      throw new AssertionError({
        message: `${failures.length} of ${candidates.length} ${type} do not match:\n${failures
          .map(
            ({ resource, problems }) => `  ${describe(resource)}:\n    ${problems.join("\n    ")}`,
          )
          .join("\n")}`,
      });
    }
    return candidates;
  }

  /** Asserts that no resource of the type has inputs matching the pattern. */
  hasNoResource(type: string, pattern: unknown = {}): void {
    const found = this.find(type, pattern);
    if (found.length > 0) {
      throw new AssertionError({
        message: `expected no ${type} matching the pattern, found ${found.map((r) => r.name).join(", ")}`,
      });
    }
  }

  /** The parent tree as indented lines (`type name`), the way `pulumi preview` nests it. */
  tree(): string[] {
    const lines: string[] = [];
    const visit = (resource: CapturedResource, depth: number): void => {
      lines.push(`${"  ".repeat(depth)}${resource.type} ${resource.name}`);
      this.childrenOf(resource).forEach((child) => visit(child, depth + 1));
    };
    this.all
      .filter((resource) => !resource.parent || !this.byUrn(resource.parent))
      .forEach((root) => visit(root, 0));
    return lines;
  }
}
