/**
 * `npm run drill -- <stack> failover <region>` and `npm run drill -- <stack> rollback <function>
 * [<region>]`: runs a drill against a deployed stack, from the
 * stack's outputs (`pulumi stack output --json`, or `--outputs <file>` with the same JSON).
 * Refuses prod stacks unless `--allow-prod`; restores what it changed on error and on Ctrl-C;
 * writes a JSON report and prints a human one.
 */
import { execFileSync } from "child_process";
import { promises as dnsPromises } from "dns";
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { GetHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CodeDeployClient } from "@aws-sdk/client-codedeploy";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { describeFailoverReport, FailoverReport, NameResolver, runFailoverDrill } from "./failover";
import { describeRollbackReport, RollbackReport, runRollbackDrill } from "./rollback";

/** The stack outputs a drill reads (index.ts exports them). */
export interface DrillStackOutputs {
  readonly resolvedSettings: {
    readonly environment: string;
    readonly stack?: string;
    readonly domain?: { readonly zoneId: string; readonly name: string };
  };
  readonly healthCheckIds: Record<string, string>;
  readonly failoverDetectionSeconds: Record<string, number>;
  /** Per region, per function key: the alias and the CodeDeploy group that moves it. */
  readonly functions?: Record<string, Record<string, StackFunction>>;
  /** The serving regions, primary first. */
  readonly regionOrder?: string[];
}

/** One function of the stack's `functions` output. */
export interface StackFunction {
  readonly functionName: string;
  readonly aliasName: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly deploymentConfigName?: string;
  readonly mode?: string;
}

/** What a rollback drill will deploy to, checked against the stack. */
export interface RollbackPlan extends StackFunction {
  readonly stack: string;
  readonly functionKey: string;
  readonly region: string;
}

/** What the command line asked for, checked against the stack. */
export interface FailoverPlan {
  readonly stack: string;
  readonly region: string;
  readonly healthCheckId: string;
  readonly globalName: string;
  readonly zoneId: string;
  readonly expectedDetectionSeconds: number;
}

/** Thrown for a drill that must not run; the message says why and what would make it run. */
export class DrillRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DrillRefused";
  }
}

/** Checks the stack and the region before anything changes; every problem at once. */
export function planFailover(
  stack: string,
  region: string,
  outputs: DrillStackOutputs,
  allowProd: boolean,
): FailoverPlan {
  const problems: string[] = [];
  const settings = outputs.resolvedSettings;
  if (settings?.environment === "prod" && !allowProd) {
    problems.push(
      `stack ${stack} is a prod stack (environment "prod"): drills change live health checks; give --allow-prod to drill it anyway`,
    );
  }
  const regions = Object.keys(outputs.healthCheckIds ?? {});
  if (!regions.includes(region)) {
    problems.push(
      `region ${JSON.stringify(region)} is not a region of stack ${stack}; its regions: ${regions.join(", ") || "none"}`,
    );
  }
  if (!settings?.domain) {
    problems.push(
      `stack ${stack} has no domain (one region, no Route 53 records): there is nothing to fail over`,
    );
  } else if (regions.length < 2) {
    problems.push(`stack ${stack} serves from one region: there is nowhere to fail over to`);
  }
  if (problems.length > 0) {
    throw new DrillRefused(
      `failover drill refused:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
  }
  return {
    stack,
    region,
    healthCheckId: outputs.healthCheckIds[region],
    globalName: settings.domain!.name,
    zoneId: settings.domain!.zoneId,
    expectedDetectionSeconds: outputs.failoverDetectionSeconds?.[region] ?? 90,
  };
}

/**
 * Checks the stack, the function and the region before anything changes; every problem at once.
 * Without a region, the stack's primary (the first of `regionOrder`).
 */
export function planRollback(
  stack: string,
  functionKey: string,
  region: string | undefined,
  outputs: DrillStackOutputs,
  allowProd: boolean,
): RollbackPlan {
  const problems: string[] = [];
  if (outputs.resolvedSettings?.environment === "prod" && !allowProd) {
    problems.push(
      `stack ${stack} is a prod stack (environment "prod"): the drill deploys a failing version to live traffic; give --allow-prod to drill it anyway`,
    );
  }
  const byRegion = outputs.functions ?? {};
  const regions = outputs.regionOrder?.length ? outputs.regionOrder : Object.keys(byRegion);
  const chosen = region ?? regions[0];
  const inRegion = chosen !== undefined ? byRegion[chosen] : undefined;
  if (chosen === undefined || inRegion === undefined) {
    problems.push(
      `region ${JSON.stringify(chosen ?? "")} is not a region of stack ${stack}; its regions: ${regions.join(", ") || "none (no functions output)"}`,
    );
  }
  const fn = inRegion?.[functionKey];
  if (inRegion && !fn) {
    problems.push(
      `function ${JSON.stringify(functionKey)} is not a function of stack ${stack} in ${chosen}; its functions: ${Object.keys(inRegion).join(", ") || "none"}`,
    );
  }
  if (fn && fn.mode !== undefined && fn.mode !== "codedeploy") {
    problems.push(
      `function ${functionKey} deploys with mode ${JSON.stringify(fn.mode)}, not through CodeDeploy: there is no deployment to roll back`,
    );
  }
  if (problems.length > 0) {
    throw new DrillRefused(
      `rollback drill refused:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
  }
  return { ...fn!, stack, functionKey, region: chosen! };
}

/** The stack's outputs from the Pulumi CLI. */
function stackOutputs(stack: string): DrillStackOutputs {
  const json = execFileSync("pulumi", ["stack", "output", "--json", "--stack", stack], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(json) as DrillStackOutputs;
}

/**
 * A resolver that asks the zone's own name servers (GetHostedZone `DelegationSet.NameServers`),
 * so the answer is Route 53's current one, not a cached one (node:dns `Resolver.setServers`
 * takes addresses, so the name servers' names are resolved first).
 */
async function zoneResolver(route53: Route53Client, zoneId: string): Promise<NameResolver> {
  const zone = await route53.send(new GetHostedZoneCommand({ Id: zoneId }));
  const names = zone.DelegationSet?.NameServers ?? [];
  const addresses = (await Promise.all(names.map((name) => dnsPromises.resolve4(name)))).flat();
  const resolver = new dnsPromises.Resolver({ timeout: 3_000, tries: 2 });
  resolver.setServers(addresses);
  return resolver;
}

/** Where a report goes: drill-reports/<stack>-<drill>-<region>-<time>.json. */
export function reportPath(directory: string, report: FailoverReport, stack: string): string {
  const time = report.startedAt.replace(/[:.]/g, "-");
  return path.join(directory, `${stack}-failover-${report.region}-${time}.json`);
}

/** Where a rollback report goes: drill-reports/<stack>-rollback-<function>-<region>-<time>.json. */
export function rollbackReportPath(
  directory: string,
  report: RollbackReport,
  stack: string,
  functionKey: string,
): string {
  const time = report.startedAt.replace(/[:.]/g, "-");
  return path.join(directory, `${stack}-rollback-${functionKey}-${report.region}-${time}.json`);
}

/** Exit codes: 0 passed, 1 failed but restored, 2 NOT restored, 130 interrupted, 64 usage. */
export function exitCodeOf(report: Pick<FailoverReport, "restored" | "outcome">): number {
  if (!report.restored) return 2;
  if (report.outcome === "interrupted") return 130;
  return report.outcome === "passed" ? 0 : 1;
}

/** The command line. */
export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  // `<stack>` comes first (`npm run drill -- staging failover us-east-1`), before the drill.
  const [stack, ...rest] = argv;
  const program = new Command("drill")
    .usage("<stack> failover <region> | rollback <function> [<region>] [options]")
    .description(
      "Failover and rollback drills against a deployed non-prod stack (docs/operations.md)",
    )
    .exitOverride();
  if (stack === undefined || stack.startsWith("-")) {
    console.error(
      "usage: npm run drill -- <stack> failover <region> | rollback <function> [<region>] [--allow-prod]",
    );
    return 64;
  }
  program
    .command("failover")
    .description("invert a region's health check, measure detection and the DNS switch, restore it")
    .argument("<region>", "the region to fail away from, e.g. us-east-1")
    .option("--allow-prod", "drill a prod stack")
    .option("--outputs <file>", "the stack outputs as JSON (default: pulumi stack output --json)")
    .option("--report-dir <dir>", "where to write the JSON report", "drill-reports")
    .option("--poll-seconds <n>", "how often to poll Route 53 and DNS", "5")
    .exitOverride()
    .action(async (region: string, options) => {
      const outputs = options.outputs
        ? (JSON.parse(fs.readFileSync(options.outputs, "utf8")) as DrillStackOutputs)
        : stackOutputs(stack);
      const plan = planFailover(stack, region, outputs, options.allowProd === true);
      // Route 53 is global; its API endpoint is in us-east-1.
      const route53 = new Route53Client({
        region: "us-east-1",
        requestHandler: { requestTimeout: 10_000 },
      });
      const interrupt = new AbortController();
      const onSigint = () => {
        if (interrupt.signal.aborted) {
          console.error("still restoring the health check; wait for it (the drill exits after)");
        } else {
          console.error("interrupted: restoring the health check...");
          interrupt.abort();
        }
      };
      process.on("SIGINT", onSigint);
      try {
        const report = await runFailoverDrill({
          route53,
          resolver: await zoneResolver(route53, plan.zoneId),
          region: plan.region,
          healthCheckId: plan.healthCheckId,
          globalName: plan.globalName,
          expectedDetectionSeconds: plan.expectedDetectionSeconds,
          pollMs: Number(options.pollSeconds) * 1000,
          signal: interrupt.signal,
          progress: (line) => console.log(line),
        });
        fs.mkdirSync(options.reportDir, { recursive: true });
        const file = reportPath(options.reportDir, report, stack);
        fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
        console.log(`\n${describeFailoverReport(report)}\n  report: ${file}`);
        code = exitCodeOf(report);
      } finally {
        process.off("SIGINT", onSigint);
      }
    });
  program
    .command("rollback")
    .description(
      "deploy a version that fails its requests, check the alarm stops it and CodeDeploy rolls back",
    )
    .argument("<function>", "the function's key in the stack, e.g. orders")
    .argument("[region]", "the region to drill (default: the stack's primary)")
    .option("--allow-prod", "drill a prod stack")
    .option("--outputs <file>", "the stack outputs as JSON (default: pulumi stack output --json)")
    .option("--report-dir <dir>", "where to write the JSON report", "drill-reports")
    .option("--poll-seconds <n>", "how often to send traffic and read the deployment", "5")
    .option("--requests <n>", "order requests sent at the alias per poll", "10")
    .exitOverride()
    .action(async (functionKey: string, region: string | undefined, options) => {
      const outputs = options.outputs
        ? (JSON.parse(fs.readFileSync(options.outputs, "utf8")) as DrillStackOutputs)
        : stackOutputs(stack);
      const plan = planRollback(stack, functionKey, region, outputs, options.allowProd === true);
      const clientConfig = { region: plan.region, requestHandler: { requestTimeout: 30_000 } };
      const interrupt = new AbortController();
      const onSigint = () => {
        if (interrupt.signal.aborted) {
          console.error("still restoring; wait for it (the drill exits after)");
        } else {
          console.error("interrupted: stopping the deployment and restoring the function...");
          interrupt.abort();
        }
      };
      process.on("SIGINT", onSigint);
      try {
        const report = await runRollbackDrill({
          clients: {
            lambda: new LambdaClient(clientConfig),
            codedeploy: new CodeDeployClient(clientConfig),
            cloudwatch: new CloudWatchClient(clientConfig),
          },
          region: plan.region,
          functionName: plan.functionName,
          aliasName: plan.aliasName,
          applicationName: plan.applicationName,
          deploymentGroupName: plan.deploymentGroupName,
          pollMs: Number(options.pollSeconds) * 1000,
          requestsPerPoll: Number(options.requests),
          signal: interrupt.signal,
          progress: (line) => console.log(line),
        });
        fs.mkdirSync(options.reportDir, { recursive: true });
        const file = rollbackReportPath(options.reportDir, report, stack, functionKey);
        fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
        console.log(`\n${describeRollbackReport(report)}\n  report: ${file}`);
        code = exitCodeOf(report);
      } finally {
        process.off("SIGINT", onSigint);
      }
    });
  try {
    await program.parseAsync(rest, { from: "user" });
  } catch (error) {
    if (error instanceof DrillRefused) {
      console.error(error.message);
      return 64;
    }
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 64;
    }
    throw error;
  }
  return code;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
