import { expect } from "chai";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { structValues, throughStruct } from "../testing/struct";

// The harness answers registrations without building a protobuf Struct (testing/run.ts,
// CapturingMonitor.registerResource): what the SDK reads back must be what the Struct gave.
describe("the harness's answers without a protobuf Struct", () => {
  const values: Record<string, unknown>[] = [
    {},
    { b: 1, a: "x", c: true, d: null },
    { "10": "ten", "2": "two", b: [3, { z: 1, y: [null, false, "s"] }], a: { d: 1, c: 2 } },
    { nested: { deeper: { deepest: [[1, 2], [], {}] } }, é: "accent", Z: "upper", _: 0 },
    // What serializeProperties makes of a secret, an unknown and an asset.
    {
      secret: {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        value: "s",
      },
      unknown: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      asset: { "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17", text: "x" },
      number: 1.5e300,
      negative: -0.25,
    },
  ];

  it("gives the values Struct.fromJavaScript(value).toJavaScript() gives, keys in the same order", () => {
    for (const value of values) {
      const viaStruct = Struct.fromJavaScript(value as never).toJavaScript();
      expect(throughStruct(value)).to.deep.equal(viaStruct);
      expect(JSON.stringify(throughStruct(value))).to.equal(JSON.stringify(viaStruct));
    }
  });

  it("walks inherited keys as struct_pb.js's for...in does", () => {
    // What the SDK's serializer makes of an input with a "__proto__" key (it assigns
    // `obj[k] = v`): an object that inherits the value's keys.
    const tags: Record<string, unknown> = { Env: "prod" };
    Object.setPrototypeOf(tags, { Owner: "x" });
    const value = { tags };
    const viaStruct = Struct.fromJavaScript(value as never).toJavaScript();
    expect(viaStruct).to.deep.equal({ tags: { Env: "prod", Owner: "x" } });
    expect(throughStruct(value)).to.deep.equal(viaStruct);
    expect(structValues(value)).to.deep.equal(viaStruct);
  });

  it("makes a Struct of what is not an object as Struct.fromJavaScript does", () => {
    for (const value of [null, undefined, "ab", 7]) {
      expect(structValues(value as never), String(value)).to.deep.equal(
        Struct.fromJavaScript(value as never).toJavaScript(),
      );
    }
  });

  it("refuses what a Struct cannot hold, with the Struct's error", () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 2];
    for (const value of [
      { a: undefined },
      { f: () => 1 },
      { list: [undefined] },
      { list: sparse },
      { big: BigInt(1) },
    ]) {
      expect(() => Struct.fromJavaScript(value as never)).to.throw("Unexpected struct type.");
      expect(() => throughStruct(value)).to.throw("Unexpected struct type.");
    }
  });
});
