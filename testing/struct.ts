// What a protobuf Struct round trip gives, without the Struct (no imports: the offline
// preview's measures load it before @pulumi/pulumi).

/**
 * `Value.fromJavaScript(value).toJavaScript()` of google-protobuf (struct_pb.js) without the
 * protobuf messages: the same values, the same error for a value a Struct cannot hold
 * (`undefined`, a function, a symbol, a bigint, an array's hole). Objects as `structValues`.
 * @internal
 */
export function throughStruct(value: unknown): unknown {
  const type = typeof value;
  if (value === null || type === "string" || type === "number" || type === "boolean") return value;
  if (Array.isArray(value)) {
    // ListValue.fromJavaScript reads every index (a hole is `undefined`, which fails).
    const list: unknown[] = [];
    for (let i = 0; i < value.length; i++) list.push(throughStruct(value[i]));
    return list;
  }
  if (type === "object") return structValues(value as object);
  throw new Error("Unexpected struct type.");
}

/**
 * `Struct.fromJavaScript(object).toJavaScript()`: the keys `for...in` gives (inherited
 * enumerable ones too, as struct_pb.js walks them), in sorted order (the Struct's map iterates
 * its keys sorted), each value as `throughStruct`; assigned as `toJavaScript` assigns them.
 * @internal
 */
export function structValues(object: object | null | undefined): Record<string, unknown> {
  const keys: string[] = [];
  for (const key in object) keys.push(key);
  keys.sort();
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    result[key] = throughStruct((object as Record<string, unknown>)[key]);
  }
  return result;
}
