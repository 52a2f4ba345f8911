// The `@default` tags of the components' argument interfaces, read from the TypeScript sources.
// Pulumi's analyzer keeps a TSDoc comment's text only (its tags are dropped), so a schema
// description would not say what an unset argument does; `npm run schema` adds it from here.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** An interface's own members' `@default` texts and the interfaces it extends. */
interface InterfaceDocs {
  defaults: Map<string, string>;
  bases: string[];
}

/** Every interface declared in the given source files, by name. */
export function interfaceDocs(files: readonly string[]): Map<string, InterfaceDocs> {
  const found = new Map<string, InterfaceDocs>();
  for (const file of files) {
    const source = ts.createSourceFile(
      file,
      fs.readFileSync(file, "utf8"),
      ts.ScriptTarget.ES2022,
      true,
    );
    source.forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node)) {
        return;
      }
      const defaults = new Map<string, string>();
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.name || !ts.isIdentifier(member.name)) {
          continue;
        }
        const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === "default");
        const text = tag && ts.getTextOfJSDocComment(tag.comment)?.replace(/\s+/g, " ").trim();
        if (text) {
          defaults.set(member.name.text, text);
        }
      }
      // `extends A, Omit<B, ...>`: the members come from A and B.
      const bases = (node.heritageClauses ?? []).flatMap((clause) =>
        clause.types.map((base) => {
          const expression = base.expression.getText(source);
          const first = base.typeArguments?.[0];
          return ["Omit", "Pick", "Partial", "Required"].includes(expression) && first
            ? first.getText(source)
            : expression;
        }),
      );
      found.set(node.name.text, { defaults, bases });
    });
  }
  return found;
}

/** The `@default` of `member` in `name` or the interfaces it extends. */
export function defaultOf(
  docs: Map<string, InterfaceDocs>,
  name: string,
  member: string,
): string | undefined {
  const own = docs.get(name);
  if (!own) {
    return undefined;
  }
  return (
    own.defaults.get(member) ??
    own.bases.map((base) => defaultOf(docs, base, member)).find((text) => text !== undefined)
  );
}

/** The component sources (every interface of the public arguments is declared there). */
export function componentSources(root: string): string[] {
  const folder = path.join(root, "components");
  return fs
    .readdirSync(folder)
    .filter((file) => file.endsWith(".ts"))
    .map((file) => path.join(folder, file));
}

/**
 * The sentence a description gets for a default: a literal in backticks (`Default: \`256\`.`),
 * prose as it is (`Default: the provider's region.`). Nothing for "none" (no default: unset
 * means unset).
 */
export function defaultSentence(text: string): string | undefined {
  if (/^none\b/i.test(text)) {
    return undefined;
  }
  let literal = false;
  try {
    JSON.parse(text);
    literal = true;
  } catch {
    literal = false;
  }
  const value = literal ? `\`${text}\`` : text;
  return `Default: ${value}${value.endsWith(".") ? "" : "."}`;
}
