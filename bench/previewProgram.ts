// The synthetic program of the offline preview benchmark (bench/preview.ts): a production
// MultiRegionService at `bench:regions` x `bench:functions` (bench/generatedService.ts, shape
// `production`), built with `MultiRegionService.create` (one region and one function at a time),
// as docs/multi-region.md recommends for a service of many regions and functions.
import { generatedProgramInSteps } from "./generatedService";

export default () => generatedProgramInSteps("production");
