import { expect } from "chai";
import { GeneratedShape, generatedSizeProblems } from "../../bench/generatedSize";

describe("benchmark program sizes (bench/generatedSize.ts)", () => {
  const env = { regions: "REGIONS", functions: "FUNCTIONS" };

  it("accept whole numbers from 1 to the shape's 10 regions, and from 1 function", () => {
    expect(generatedSizeProblems(GeneratedShape.cdkPeer, 10, 50, env)).to.deep.equal([]);
    expect(generatedSizeProblems(GeneratedShape.production, "1", "1", env)).to.deep.equal([]);
  });

  it("refuse more regions than the shape has instead of capping them, naming REGIONS", () => {
    expect(generatedSizeProblems(GeneratedShape.cdkPeer, "12", "50", env)).to.deep.equal([
      'REGIONS="12" is not allowed: a whole number from 1 to 10 (the cdk-peer shape\'s regions)',
    ]);
  });

  it("refuse zero, fractions and non-numbers, every problem at once", () => {
    expect(generatedSizeProblems(GeneratedShape.cdkPeer, "0", "2.5", env)).to.deep.equal([
      'REGIONS="0" is not allowed: a whole number from 1 to 10 (the cdk-peer shape\'s regions)',
      'FUNCTIONS="2.5" is not allowed: a whole number from 1',
    ]);
    expect(generatedSizeProblems(GeneratedShape.production, "ten", "", env)).to.deep.equal([
      'REGIONS="ten" is not allowed: a whole number from 1 to 10 (the production shape\'s regions)',
      'FUNCTIONS="" is not allowed: a whole number from 1',
    ]);
  });

  it("name the stack config keys when the program reads them", () => {
    expect(
      generatedSizeProblems(GeneratedShape.cdkPeer, 11, 1, {
        regions: "bench:regions",
        functions: "bench:functions",
      }),
    ).to.deep.equal([
      "bench:regions=11 is not allowed: a whole number from 1 to 10 (the cdk-peer shape's regions)",
    ]);
  });
});
