// The generated program of `npm run bench:scale`: the AWS CDK peer's architecture at
// `bench:regions` x `bench:functions` (bench/generatedService.ts, shape `cdk-peer`).
import { generatedProgram } from "./generatedService";

export const regionOrder = generatedProgram("cdk-peer").regionOrder;
