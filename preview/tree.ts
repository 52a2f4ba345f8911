// The resource tree `pulumi preview` prints: components with their children nested (through
// `parent`), one `+` line per resource to create, and the AWS region of regional resources.
import type { CapturedResource } from "../testing";

/** AWS services whose resources are global (no region of their own, whatever the provider's). */
const GLOBAL_AWS_MODULES = new Set([
  "iam",
  "route53",
  "cloudfront",
  "organizations",
  "globalaccelerator",
  "shield",
  "budgets",
  "waf",
  "account",
]);

/** The region a resource lives in, for regional AWS resources; undefined for global ones and others. */
export function regionOf(resource: Pick<CapturedResource, "type" | "region">): string | undefined {
  const match = /^aws:([^/]+)\//.exec(resource.type);
  if (!match || GLOBAL_AWS_MODULES.has(match[1])) {
    return undefined;
  }
  return resource.region;
}

/** One line of the tree. */
export interface TreeRow {
  urn: string;
  type: string;
  name: string;
  /** Nesting depth (0 for roots). */
  depth: number;
  /** The drawing before the type (`├─ `, `│  └─ `), as `pulumi preview` draws it. */
  prefix: string;
  /** The region of a regional AWS resource. */
  region?: string;
  /** A provider-managed resource (false for components and the stack). */
  custom: boolean;
}

/** The resources in tree order: each parent followed by its children, in registration order. */
export function resourceTree(resources: readonly CapturedResource[]): TreeRow[] {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const children = new Map<string, CapturedResource[]>();
  const roots: CapturedResource[] = [];
  for (const resource of resources) {
    if (resource.parent && byUrn.has(resource.parent)) {
      const siblings = children.get(resource.parent) ?? [];
      siblings.push(resource);
      children.set(resource.parent, siblings);
    } else {
      roots.push(resource);
    }
  }
  const rows: TreeRow[] = [];
  const visit = (resource: CapturedResource, depth: number, indent: string, last: boolean) => {
    const region = regionOf(resource);
    rows.push({
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      depth,
      prefix: depth === 0 ? "" : `${indent}${last ? "└─ " : "├─ "}`,
      ...(region ? { region } : {}),
      custom: resource.custom,
    });
    const own = children.get(resource.urn) ?? [];
    const childIndent = depth === 0 ? "" : `${indent}${last ? "   " : "│  "}`;
    own.forEach((child, index) => visit(child, depth + 1, childIndent, index === own.length - 1));
  };
  roots.forEach((root) => visit(root, 0, "", true));
  return rows;
}

/** The tree as `pulumi preview` prints it: ` +   ├─ <type>  <name>  <region>`, columns aligned. */
export function renderTree(rows: readonly TreeRow[], paint: (text: string) => string): string[] {
  const typeWidth = Math.max(4, ...rows.map((row) => row.prefix.length + row.type.length));
  const nameWidth = Math.max(4, ...rows.map((row) => row.name.length));
  const header = `     ${"Type".padEnd(typeWidth)}  ${"Name".padEnd(nameWidth)}  Region`;
  return [
    header,
    ...rows.map((row) =>
      ` ${paint("+")}   ${(row.prefix + row.type).padEnd(typeWidth)}  ${row.name.padEnd(nameWidth)}  ${row.region ?? ""}`.trimEnd(),
    ),
  ];
}
