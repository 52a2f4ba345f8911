// The sizes the generated benchmark programs (bench/generatedService.ts) accept, without
// loading the components: bench/scale.ts checks REGIONS and FUNCTIONS with it before it runs.

/** The two shapes of generated service. */
export const GeneratedShape = {
  cdkPeer: "cdk-peer",
  production: "production",
} as const;
export type GeneratedShape = (typeof GeneratedShape)[keyof typeof GeneratedShape];

/** Region order: the CDK peer's (its README), and the production shape's. */
const REGIONS: Record<GeneratedShape, readonly string[]> = {
  "cdk-peer": [
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-1",
    "ap-northeast-1",
    "sa-east-1",
    "ca-central-1",
    "eu-north-1",
    "ap-south-1",
  ],
  production: [
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-1",
    "ap-northeast-1",
    "us-east-2",
    "eu-west-2",
    "ap-southeast-2",
    "ca-central-1",
  ],
};

/**
 * What is wrong with a size of `shape`, every problem at once, each naming its setting (`names`:
 * REGIONS and FUNCTIONS for `npm run bench:scale`), its value and what is allowed: regions a
 * whole number from 1 to the shape's region list, functions a whole number from 1.
 */
export function generatedSizeProblems(
  shape: GeneratedShape,
  regionCount: number | string,
  functionCount: number | string,
  names: { regions: string; functions: string } = { regions: "regions", functions: "functions" },
): string[] {
  const maxRegions = REGIONS[shape].length;
  const problems: string[] = [];
  const regions = typeof regionCount === "number" ? regionCount : Number(regionCount);
  const functions = typeof functionCount === "number" ? functionCount : Number(functionCount);
  // Number("") is 0, refused below like any other value outside the range.
  if (!Number.isInteger(regions) || regions < 1 || regions > maxRegions) {
    problems.push(
      `${names.regions}=${JSON.stringify(regionCount)} is not allowed: a whole number from 1 to ${maxRegions} (the ${shape} shape's regions)`,
    );
  }
  if (!Number.isInteger(functions) || functions < 1) {
    problems.push(
      `${names.functions}=${JSON.stringify(functionCount)} is not allowed: a whole number from 1`,
    );
  }
  return problems;
}

/** The regions of `shape`, in order. */
export function generatedRegions(shape: GeneratedShape): readonly string[] {
  return REGIONS[shape];
}
