import { expect } from "chai";
import { inputDigests } from "../../preview/digest";

describe("preview input digests (--compare)", () => {
  it("skips engine-internal keys such as __provider, as policies do", () => {
    const { inputs } = inputDigests({
      inputs: {
        __provider:
          "urn:pulumi:prod::p::pulumi:providers:aws::east::04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        __defaults: ["name"],
        name: "orders",
      },
      secretPaths: [],
    });
    expect(Object.keys(inputs)).to.deep.equal(["name"]);
  });
});
