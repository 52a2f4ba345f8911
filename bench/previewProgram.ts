// The synthetic program of the offline preview benchmark (bench/preview.ts): a production
// MultiRegionService at `bench:regions` x `bench:functions` (bench/generatedService.ts, shape
// `production`).
import { generatedProgram } from "./generatedService";

export const regionOrder = generatedProgram("production").regionOrder;
