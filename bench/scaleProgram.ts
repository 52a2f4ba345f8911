// The generated program of `npm run bench:scale`: the AWS CDK peer's architecture at
// `bench:regions` x `bench:functions` (bench/generatedService.ts, shape `cdk-peer`), built one
// region at a time with `MultiRegionService.create`, as docs/benchmarks.md recommends for a
// service of many regions and functions (the same resources as `new MultiRegionService`).
import { generatedProgramInSteps } from "./generatedService";

export default () => generatedProgramInSteps("cdk-peer");
