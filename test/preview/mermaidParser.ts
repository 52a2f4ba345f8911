// Mermaid's own parser, for tests only (the preview never loads Mermaid).
//
// `mermaid.parse` runs each diagram's real grammar (the one GitHub's renderer uses) without
// drawing. It needs a DOM for one reason: while parsing, flowchart labels go through DOMPurify
// (mermaid's `sanitizeText`), and DOMPurify in Node without a `window` is an inert factory
// (`DOMPurify.addHook is not a function`). A happy-dom window installed as the global `window`
// before Mermaid (and so DOMPurify) is first imported gives it one. `@mermaid-js/parser` alone
// covers only the newer diagram types (info, packet, pie, architecture, gitGraph, radar, treemap),
// not flowchart or gantt.
import type { Mermaid } from "mermaid";

let loaded: Promise<Mermaid> | undefined;

/** Mermaid, imported once per test process with a DOM shim. */
export function loadMermaid(): Promise<Mermaid> {
  loaded ??= (async () => {
    const { Window } = await import("happy-dom");
    const globals = globalThis as unknown as Record<string, unknown>;
    if (globals.window === undefined) {
      const window = new Window();
      globals.window = window;
      globals.document = window.document;
    }
    const mermaid = (await import("mermaid")).default;
    mermaid.initialize({ startOnLoad: false });
    return mermaid;
  })();
  return loaded;
}

/** The diagram type Mermaid parsed `text` as; throws Mermaid's parse error when it does not parse. */
export async function parseMermaid(text: string): Promise<string> {
  const mermaid = await loadMermaid();
  const parsed = await mermaid.parse(text);
  if (!parsed) {
    throw new Error("mermaid.parse returned false");
  }
  return parsed.diagramType;
}

/** The ```mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((match) => match[1]);
}
