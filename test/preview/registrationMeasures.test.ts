// The offline preview's registration measures (preview/registrationMeasures.ts) give the SDK's
// own answers: each is compared, value by value, with the installed @pulumi/pulumi's function it
// stands in for, under the harness's mocks (the preview runs its program under the same mocks).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import type { SdkPatch } from "../../preview/measures";
import {
  directDependenciesPatch,
  lightStructClass,
  lightStructsPatch,
  plainSerializationPatch,
} from "../../preview/registrationMeasures";
import { promiseOf, runComponent } from "../../testing";

const SDK_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
/* eslint-disable @typescript-eslint/no-require-imports */
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  serializeResourceProperties(
    label: string,
    props: Record<string, unknown>,
    opts?: object,
  ): Promise<[Record<string, unknown>, Map<string, Set<pulumi.Resource>>]>;
  serializeProperties(
    label: string,
    props: Record<string, unknown>,
    opts?: object,
  ): Promise<Record<string, unknown>>;
};
const dependsOn = require("@pulumi/pulumi/runtime/dependsOn") as {
  getAllTransitivelyReferencedResourceURNs(
    resources: Set<pulumi.Resource>,
    exclude: Set<pulumi.Resource>,
  ): Promise<Set<string>>;
};
const { unknown } = require("@pulumi/pulumi/output") as { unknown: unknown };
/* eslint-enable @typescript-eslint/no-require-imports */

/** `body` with the measure in place, then without it. */
async function withAndWithout<T>(patch: SdkPatch | string, body: () => Promise<T>): Promise<T[]> {
  if (typeof patch === "string") throw new Error(`measure not made: ${patch}`);
  patch.apply();
  let measured: T;
  try {
    measured = await body();
  } finally {
    patch.restore();
  }
  return [measured, await body()];
}

/** A serialization's result and, per property, its dependencies' URNs. */
async function described(
  serialized: [Record<string, unknown>, Map<string, Set<pulumi.Resource>>],
): Promise<unknown> {
  const [result, dependencies] = serialized;
  const byKey: [string, string[]][] = [];
  for (const [key, resources] of dependencies) {
    byKey.push([key, await Promise.all([...resources].map((resource) => promiseOf(resource.urn)))]);
  }
  return { keys: Object.keys(result), result, dependencies: byKey };
}

class Group extends pulumi.ComponentResource {
  readonly member: aws.sqs.Queue;
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("test:index:Group", name, {}, opts);
    this.member = new aws.sqs.Queue(`${name}-member`, {}, { parent: this });
    this.registerOutputs({});
  }
}

describe("offline preview registration measures (preview/registrationMeasures.ts)", () => {
  it("plain-serialization serializes every kind of input property as the SDK does", async () => {
    const { result } = await runComponent(
      async () => {
        const topic = new aws.sns.Topic("orders", {});
        const group = new Group("workers");
        const props = (): Record<string, unknown> => ({
          id: "left out",
          urn: "left out",
          name: "orders",
          count: 3,
          flag: false,
          nothing: null,
          gone: undefined,
          method: () => 1,
          tags: { team: "payments", gone: undefined, method: () => 2, nested: { deep: [1, 2] } },
          list: [1, undefined, "x", () => 3, [{ deep: true, gone: undefined }]],
          // eslint-disable-next-line no-sparse-arrays
          sparse: [, 1],
          date: new Date(0),
          big: BigInt(5),
          fromOutput: pulumi.output("value"),
          nestedOutput: { plain: "p", inner: pulumi.output(["a", "b"]) },
          listWithOutput: ["plain", topic.arn],
          secret: pulumi.secret("s3cret"),
          arn: topic.arn,
          resource: topic,
          component: group,
          asset: new pulumi.asset.StringAsset("text"),
          promise: Promise.resolve({ a: 1, gone: undefined }),
          unknownValue: unknown,
          last: "end",
        });
        // A "__proto__" key (JSON.parse makes one): the SDK's `result[k] = v` sets the
        // result's prototype, and records the property's dependencies all the same.
        const withProto = (): Record<string, unknown> =>
          Object.defineProperty(props(), "__proto__", {
            value: topic.arn,
            enumerable: true,
            configurable: true,
            writable: true,
          });
        const serialize = (opts?: object) => async () =>
          described(
            await rpc.serializeResourceProperties("test:index:Thing::thing", withProto(), opts),
          );
        return {
          plain: await withAndWithout(plainSerializationPatch(SDK_DIR), serialize()),
          keepingOutputs: await withAndWithout(
            plainSerializationPatch(SDK_DIR),
            serialize({ keepOutputValues: true }),
          ),
          // serializeProperties (a mock's state, a component's outputs): every key, `id` too.
          properties: await withAndWithout(plainSerializationPatch(SDK_DIR), async () =>
            rpc.serializeProperties("outputs", props()),
          ),
        };
      },
      { preview: true, previewUnknowns: true },
    );
    const [measured, sdk] = result.plain;
    expect((sdk as { keys: string[] }).keys).to.include.members(["tags", "arn", "secret", "last"]);
    const dependencyKeys = (sdk as { dependencies: [string, string[]][] }).dependencies.map(
      ([key]) => key,
    );
    expect(dependencyKeys).to.include.members(["__proto__", "arn", "tags"]);
    expect(measured).to.deep.equal(sdk);
    expect(result.keepingOutputs[0]).to.deep.equal(result.keepingOutputs[1]);
    const [measuredProperties, sdkProperties] = result.properties;
    expect(Object.keys(sdkProperties)).to.include.members(["id", "urn", "tags", "arn"]);
    expect(Object.keys(measuredProperties)).to.deep.equal(Object.keys(sdkProperties));
    expect(measuredProperties).to.deep.equal(sdkProperties);
  });

  it("plain-serialization names the property whose Output failed, as the SDK does", async () => {
    const failing = () =>
      rpc
        .serializeResourceProperties("test:index:Thing::thing", {
          fine: "plain",
          broken: pulumi.output(Promise.reject(new Error("no value"))),
        })
        .then(
          () => "serialized",
          (error: Error) => error.message,
        );
    const [measured, sdk] = await withAndWithout(plainSerializationPatch(SDK_DIR), failing);
    expect(measured).to.equal(sdk);
    // A plain object whose getter throws: the SDK's message, naming the property where it does.
    const getterFails = () =>
      rpc
        .serializeResourceProperties("test:index:Thing::thing", {
          fine: "plain",
          bad: {
            get value(): string {
              throw new Error("getter failed");
            },
          },
        })
        .then(
          () => "serialized",
          (error: Error) => error.message,
        );
    const [measuredGetter, sdkGetter] = await withAndWithout(
      plainSerializationPatch(SDK_DIR),
      getterFails,
    );
    expect(measuredGetter).to.equal(sdkGetter);
    expect(sdkGetter).to.match(/getter failed$/);
    // 3.248 names the property ("error serializing property \"broken\": no value"); 3.204 did not.
    expect(sdk).to.match(/no value$/);
  });

  it("direct-dependencies gives the URNs the SDK gives, for custom resources and for components", async () => {
    const { result } = await runComponent(async () => {
      const topic = new aws.sns.Topic("orders", {});
      const queue = new aws.sqs.Queue("jobs", {});
      const group = new Group("workers");
      const sets: Record<string, [Set<pulumi.Resource>, Set<pulumi.Resource>]> = {
        none: [new Set(), new Set()],
        customs: [new Set([topic, queue]), new Set()],
        excluded: [new Set([topic, queue]), new Set([queue])],
        component: [new Set([topic, group]), new Set()],
        componentExcluded: [new Set([group]), new Set([group])],
      };
      const answers: Record<string, string[][]> = {};
      for (const [name, [resources, exclude]] of Object.entries(sets)) {
        answers[name] = (
          await withAndWithout(directDependenciesPatch(SDK_DIR), () =>
            dependsOn.getAllTransitivelyReferencedResourceURNs(resources, exclude),
          )
        ).map((urns) => [...urns]);
      }
      return answers;
    });
    for (const [name, [measured, sdk]] of Object.entries(result)) {
      expect(measured, name).to.deep.equal(sdk);
    }
    expect(result.customs[1]).to.have.length(2);
    expect(result.excluded[1]).to.deep.equal([
      "urn:pulumi:test::project::aws:sns/topic:Topic::orders",
    ]);
    expect(result.component[1]).to.include(
      "urn:pulumi:test::project::test:index:Group$aws:sqs/queue:Queue::workers-member",
    );
  });

  it("light-structs answer as google-protobuf's Struct does, building it only when asked for more than values", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as {
      Struct: { new (): any; fromJavaScript(value: unknown): any };
    };
    let built = 0;
    const original = (value: unknown) => {
      built++;
      return Struct.fromJavaScript(value);
    };
    const Light = lightStructClass(Struct, original);
    const values = {
      zeta: 1,
      alpha: { list: [1, "two", null, true, { b: 2, a: 1 }], empty: {} },
      text: "x",
      nothing: null,
    };
    const real = Struct.fromJavaScript(values);
    const light = new Light(values);
    expect(light).to.be.instanceOf(Struct);
    // Values as the real round trip gives them, keys sorted at every depth.
    const first = light.toJavaScript();
    expect(JSON.stringify(first)).to.equal(JSON.stringify(real.toJavaScript()));
    expect(built).to.equal(0);
    // A second reader gets its own copy: what the first one changes is not seen.
    first.zeta = 99;
    expect(light.toJavaScript().zeta).to.equal(1);
    // Its fields, object form and bytes come from the real Struct, built once.
    expect([...light.getFieldsMap().keys()]).to.deep.equal([...real.getFieldsMap().keys()]);
    expect(light.toObject()).to.deep.equal(real.toObject());
    expect(
      Buffer.from(light.serializeBinary()).equals(Buffer.from(real.serializeBinary())),
    ).to.equal(true);
    expect(built).to.equal(1);
    // A value a Struct cannot hold fails at once, with the real error.
    for (const bad of [{ gone: undefined }, { method: () => 1 }, { list: [BigInt(1)] }]) {
      expect(() => Struct.fromJavaScript(bad)).to.throw("Unexpected struct type.");
      expect(() => new Light(bad)).to.throw("Unexpected struct type.");
    }
  });

  it("light-structs stand in for Struct.fromJavaScript while in place, and step aside after", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as {
      Struct: { fromJavaScript(value: unknown): any };
    };
    const patch = lightStructsPatch(SDK_DIR);
    if (typeof patch === "string") throw new Error(patch);
    const before = Struct.fromJavaScript;
    patch.apply();
    try {
      expect(Struct.fromJavaScript).to.not.equal(before);
      expect(Struct.fromJavaScript({ a: 1 }).toJavaScript()).to.deep.equal({ a: 1 });
    } finally {
      patch.restore();
    }
    expect(Struct.fromJavaScript).to.equal(before);
  });

  it("step aside for an SDK whose functions differ from the checked text by one line", () => {
    // A copy of the installed SDK's runtime files, one line of each function changed in turn.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "registration-measures-"));
    try {
      fs.mkdirSync(path.join(copy, "runtime"));
      for (const file of ["rpc.js", "dependsOn.js", "resource.js"]) {
        fs.copyFileSync(path.join(SDK_DIR, "runtime", file), path.join(copy, "runtime", file));
      }
      const edit = (file: string, from: string, to: string) => {
        const target = path.join(copy, "runtime", file);
        const source = fs.readFileSync(path.join(SDK_DIR, "runtime", file), "utf8");
        expect(source.includes(from), from).to.equal(true);
        fs.writeFileSync(target, source.replace(from, to));
      };
      // In serializeAllKeys, nested in serializeProperty: no line check sees it.
      edit(
        "rpc.js",
        "            if (v !== undefined) {\n                obj[k] = v;",
        '            if (v !== undefined && k !== "x") {\n                obj[k] = v;',
      );
      expect(plainSerializationPatch(copy)).to.equal(
        "runtime/rpc.js serializeProperty is not a text the measure was checked against",
      );
      edit("dependsOn.js", "if (exclude.has(resource)) {", "if (exclude.has(resource) || true) {");
      expect(directDependenciesPatch(copy)).to.equal(
        "runtime/dependsOn.js addTransitivelyReferencedChildResourcesOfComponentResources is not a text the measure was checked against",
      );
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it("are not made for an SDK whose code no longer reads as they were checked against", () => {
    expect(plainSerializationPatch(path.join(__dirname, "no-such-sdk"))).to.equal(
      "runtime/rpc.js serializeProperty no longer tests values as the measure does",
    );
    expect(directDependenciesPatch(path.join(__dirname, "no-such-sdk"))).to.equal(
      "runtime/dependsOn.js no longer gathers dependencies as the measure does",
    );
    expect(lightStructsPatch(path.join(__dirname, "no-such-sdk"))).to.equal(
      "runtime/resource.js no longer sends a registration's inputs as Struct.fromJavaScript",
    );
  });
});
