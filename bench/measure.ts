/** Shared by the construction benchmarks: time a mock run in wall and CPU milliseconds. */
import * as pulumi from "@pulumi/pulumi";
import { MockRun } from "../testing";

/** A small handler archive for benchmark functions. */
export const benchCode = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
});

export interface Timing {
  ms: number;
  cpuMs: number;
  resources: number;
}

/** Runs a mock run and reports its wall time, CPU time and resource count. */
export async function timeRun(run: () => Promise<MockRun<unknown>>): Promise<Timing> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const { resources } = await run();
  const used = process.cpuUsage(cpu);
  return {
    ms: Number(process.hrtime.bigint() - started) / 1e6,
    cpuMs: (used.user + used.system) / 1000,
    resources: resources.all.length,
  };
}
