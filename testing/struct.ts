// What a protobuf Struct round trip gives, without the Struct (no imports: the offline
// preview's measures load it before @pulumi/pulumi).

/**
 * `Struct.fromJavaScript(value).toJavaScript()` without the Struct: the same values, with every
 * object's keys in sorted order (google-protobuf's map iterates its keys sorted), and the same
 * error for a value a Struct cannot hold.
 * @internal
 */
export function throughStruct(value: unknown): unknown {
  const type = typeof value;
  if (value === null || type === "string" || type === "number" || type === "boolean") return value;
  if (Array.isArray(value)) return value.map(throughStruct);
  if (type === "object") {
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      result[key] = throughStruct((value as Record<string, unknown>)[key]);
    }
    return result;
  }
  throw new Error("Unexpected struct type.");
}
