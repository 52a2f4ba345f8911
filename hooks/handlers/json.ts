// A JSON value, in a module of its own without zod: the public declarations of `hooks/index.ts`
// name it, and they must not reach zod's typings (see components/schema.ts).

/** A JSON value: what a test event and the expected subsets may contain. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
