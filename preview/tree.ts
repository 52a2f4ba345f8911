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
  /** An API Gateway route's key (`GET /orders/{id}`), shown as a column rather than in the name. */
  routeKey?: string;
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
      ...(typeof resource.inputs?.routeKey === "string"
        ? { routeKey: resource.inputs.routeKey }
        : {}),
    });
    const own = children.get(resource.urn) ?? [];
    const childIndent = depth === 0 ? "" : `${indent}${last ? "   " : "│  "}`;
    own.forEach((child, index) => visit(child, depth + 1, childIndent, index === own.length - 1));
  };
  roots.forEach((root) => visit(root, 0, "", true));
  return rows;
}

export interface TreeRenderOptions {
  /**
   * The most columns a line may take: longer type tokens are shortened (`aws:lambda:Function`),
   * names under a parent of the same prefix shown from the `-` after it, and what still does not
   * fit cut at the start (`…-pre-traffic-hook-role-policy`). @default no limit (`--wide`)
   */
  width?: number;
}

/**
 * The tree as `pulumi preview` prints it: ` +   ├─ <type>  <name>  <region>  <route key>`,
 * columns aligned; a route's key is its own column, so names have no spaces.
 */
export function renderTree(
  rows: readonly TreeRow[],
  paint: (text: string) => string,
  options: TreeRenderOptions = {},
): string[] {
  const parentName = new Map<string, string>();
  const stack: TreeRow[] = [];
  for (const row of rows) {
    stack.length = row.depth;
    if (row.depth > 0 && stack[row.depth - 1]) {
      parentName.set(row.urn, stack[row.depth - 1].name);
    }
    stack[row.depth] = row;
  }
  const cells = rows.map((row) => ({
    prefix: row.prefix,
    type: row.type,
    name: displayName(row),
    region: row.region ?? "",
    route: row.routeKey ?? "",
  }));
  const hasRoutes = cells.some((cell) => cell.route !== "");
  const regionWidth = Math.max(6, ...cells.map((cell) => cell.region.length));
  const routeWidth = Math.max(5, ...cells.map((cell) => cell.route.length));
  const fixed = 5 + 2 + 2 + regionWidth + (hasRoutes ? 2 + routeWidth : 0);
  const typeWidth = () =>
    Math.max(4, ...cells.map((cell) => cell.prefix.length + cell.type.length));
  const nameWidth = () => Math.max(4, ...cells.map((cell) => cell.name.length));
  const fits = () =>
    options.width === undefined || fixed + typeWidth() + nameWidth() <= options.width;

  if (!fits()) {
    cells.forEach((cell) => (cell.type = shortType(cell.type)));
  }
  if (!fits()) {
    cells.forEach((cell, index) => {
      const parent = parentName.get(rows[index].urn);
      if (parent && cell.name.startsWith(`${parent}-`)) {
        cell.name = `…${cell.name.slice(parent.length)}`;
      }
    });
  }
  if (!fits()) {
    const available = options.width! - fixed;
    // Never cut into a type's class name: `…:TrafficShiftedFunction` is the least a type shows.
    const minType = Math.max(
      ...cells.map((cell) => cell.prefix.length + 2 + (cell.type.split(":").at(-1) ?? "").length),
    );
    let types = typeWidth();
    let names = nameWidth();
    while (types + names > available && (types > minType || names > 16)) {
      if ((types >= names && types > minType) || names <= 16) {
        types -= 1;
      } else {
        names -= 1;
      }
    }
    cells.forEach((cell) => {
      cell.type = cutStart(cell.type, types - cell.prefix.length, ":");
      cell.name = cutStart(cell.name, names, "-");
    });
  }
  const typeColumn = typeWidth();
  const nameColumn = nameWidth();
  const line = (plus: string, type: string, name: string, region: string, route: string) =>
    `${plus}${type.padEnd(typeColumn)}  ${name.padEnd(nameColumn)}  ${
      hasRoutes ? `${region.padEnd(regionWidth)}  ${route}` : region
    }`.trimEnd();
  return [
    line("     ", "Type", "Name", "Region", "Route"),
    ...cells.map((cell) =>
      line(` ${paint("+")}   `, cell.prefix + cell.type, cell.name, cell.region, cell.route),
    ),
  ];
}

/** The name without its route key (`orders-us-east-1-route-GET /health` → `orders-us-east-1-route`). */
function displayName(row: TreeRow): string {
  if (row.routeKey && row.name.endsWith(row.routeKey)) {
    const rest = row.name.slice(0, -row.routeKey.length).replace(/[-_ ]+$/, "");
    if (rest) {
      return rest;
    }
  }
  return row.name;
}

/**
 * A type token in Pulumi's short form: the module's file part and an `index` module dropped
 * (`aws:lambda/function:Function` → `aws:lambda:Function`, `pkg:index:Thing` → `pkg:Thing`).
 */
export function shortType(type: string): string {
  const [pkg, module, name] = type.split(":");
  if (name === undefined) {
    return type;
  }
  const shortModule = module.split("/")[0];
  return shortModule === "index" ? `${pkg}:${name}` : `${pkg}:${shortModule}:${name}`;
}

/** `text` in at most `width` characters, cut at the start after a separator when one allows it. */
export function cutStart(text: string, width: number, separator: string): string {
  if (text.length <= width) {
    return text;
  }
  for (
    let index = text.indexOf(separator);
    index >= 0;
    index = text.indexOf(separator, index + 1)
  ) {
    if (text.length - index + 1 <= width) {
      return `…${text.slice(index)}`;
    }
  }
  return `…${text.slice(text.length - Math.max(1, width - 1))}`;
}
