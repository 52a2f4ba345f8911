import { expect } from "chai";
import { id, mermaidText } from "../../preview/mermaid";

describe("Mermaid node ids and labels", () => {
  it("gives distinct names distinct ids (no two resources merge into one node)", () => {
    const names = ["a-b", "a_b", "a.b", "a--b", "a b", "a-b-", "A-B", "us-west-2"];
    const ids = names.map((name) => id("fn", name));
    expect(new Set(ids).size).to.equal(names.length);
    for (const value of ids) expect(value).to.match(/^[A-Za-z0-9_]+$/);
    expect(id("region", "us-west-2")).to.equal("region_us_west_2");
  });

  it("escapes & in labels", () => {
    expect(mermaidText("a & b #1")).to.equal("a #amp; b #35;1");
  });
});
