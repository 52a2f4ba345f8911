// The offline preview's registration measures (preview/registrationMeasures.ts) give the SDK's
// own answers: each is compared, value by value, with the installed @pulumi/pulumi's function it
// stands in for, under the harness's mocks (the preview runs its program under the same mocks).
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import type { SdkPatch } from "../../preview/measures";
import {
  directDependenciesPatch,
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
  const byKey: Record<string, string[]> = {};
  for (const [key, resources] of dependencies) {
    byKey[key] = await Promise.all([...resources].map((resource) => promiseOf(resource.urn)));
  }
  return {
    keys: Object.keys(result),
    result,
    dependencies: byKey,
    order: [...dependencies.keys()],
  };
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
        const serialize = (opts?: object) => async () =>
          described(
            await rpc.serializeResourceProperties("test:index:Thing::thing", props(), opts),
          );
        return {
          plain: await withAndWithout(plainSerializationPatch(SDK_DIR), serialize()),
          keepingOutputs: await withAndWithout(
            plainSerializationPatch(SDK_DIR),
            serialize({ keepOutputValues: true }),
          ),
        };
      },
      { preview: true, previewUnknowns: true },
    );
    const [measured, sdk] = result.plain;
    expect((sdk as { keys: string[] }).keys).to.include.members(["tags", "arn", "secret", "last"]);
    expect(measured).to.deep.equal(sdk);
    expect(result.keepingOutputs[0]).to.deep.equal(result.keepingOutputs[1]);
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

  it("are not made for an SDK whose code no longer reads as they were checked against", () => {
    expect(plainSerializationPatch(path.join(__dirname, "no-such-sdk"))).to.equal(
      "runtime/rpc.js serializeProperty no longer tests values as the measure does",
    );
    expect(directDependenciesPatch(path.join(__dirname, "no-such-sdk"))).to.equal(
      "runtime/dependsOn.js no longer gathers dependencies as the measure does",
    );
  });
});
