import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliIo, main } from "../../preview/cli";
import { compareReports, readPreviousReport } from "../../preview/compare";
import { renderMarkdown, summaryMarker } from "../../preview/markdown";
import { jsonReport } from "../../preview/reports";
import { CONTINENTS } from "../../preview/topology";
import { mermaidBlocks, parseMermaid } from "./mermaidParser";
import { preview } from "./stackPreviews";

const ROOT = path.resolve(__dirname, "..", "..");
const SNAPSHOT = path.join(__dirname, "snapshots", "prod-summary.md");
const STACKS = fs
  .readdirSync(path.join(ROOT, "stacks"))
  .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => stack !== undefined);

/** The labelled edges from a name to region subgraphs: `{ region_us_east_1: "PRIMARY" }`. */
function routingEdges(diagram: string): Record<string, string> {
  return Object.fromEntries(
    [...diagram.matchAll(/^ {2}dns_\d+ -->\|"([^"]*)"\| (region_\w+)$/gm)].map((match) => [
      match[2],
      match[1],
    ]),
  );
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    isTTY: false,
    env: {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe("Markdown summary: diagrams Mermaid's own parser accepts", () => {
  it("finds the bundled stacks", () => {
    expect(STACKS).to.include.members(["dev", "staging", "prod", "prod-global"]);
  });

  for (const stack of STACKS) {
    it(`${stack}: the topology flowchart and the rollout Gantt chart parse`, async () => {
      const markdown = renderMarkdown(await preview(stack));
      const blocks = mermaidBlocks(markdown);
      expect(blocks).to.have.length(2);
      const types: string[] = [];
      for (const block of blocks) {
        types.push(await parseMermaid(block));
      }
      expect(types).to.deep.equal(["flowchart-v2", "gantt"]);
    });
  }

  it("the parser does reject a broken diagram (so the checks above can fail)", async () => {
    let failure: unknown;
    try {
      await parseMermaid('flowchart LR\n  a["unclosed] --> b');
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.match(/Parse error|Lexical error/);
  });

  it("labels with quotes, # and angle brackets still parse (entity codes)", async () => {
    const result = await preview("staging");
    const odd = structuredClone(result);
    odd.topology.regions[0].apis[0].routes.push('GET /say/"hi"#<b>');
    const [topology] = mermaidBlocks(renderMarkdown(odd));
    expect(topology).to.include("#quot;hi#quot;#35;#lt;b#gt;");
    expect(await parseMermaid(topology)).to.equal("flowchart-v2");
  });
});

describe("Markdown summary: what the diagrams show", () => {
  it("prod: the global name, PRIMARY and SECONDARY, each region's API, function, alias and health check, the table's replicas", async () => {
    const [topology] = mermaidBlocks(renderMarkdown(await preview("prod")));
    expect(topology).to.include('(["api.example.com<br/>Route 53 failover routing"])');
    expect(routingEdges(topology)).to.deep.equal({
      region_us_east_1: "PRIMARY",
      region_us_west_2: "SECONDARY",
    });
    for (const region of ["us-east-1", "us-west-2"]) {
      expect(topology).to.include(`subgraph region_${region.replace(/-/g, "_")}["${region}"]`);
      expect(topology).to.include(
        `HTTP API orders-${region}-api<br/>custom domain api.example.com`,
      );
      expect(topology).to.include(
        `λ orders-${region}-orders<br/>alias live, Canary10Percent10Minutes`,
      );
      // The check probes the region's own endpoint, never the shared name (DESIGN.md).
      expect(topology).to.include(
        `HTTPS :443 /health on the ${region} API's own endpoint<br/>every 10 s, unhealthy after 3 failures`,
      );
    }
    expect(topology).to.include(
      "DynamoDB global table orders-table<br/>replicas: us-east-1, us-west-2",
    );
  });

  it("prod-global: three regions with every continent of the stack file and the default", async () => {
    const result = await preview("prod-global");
    const [topology] = mermaidBlocks(renderMarkdown(result));
    const edges = routingEdges(topology);
    expect(Object.keys(edges)).to.have.members([
      "region_us_east_1",
      "region_eu_west_1",
      "region_ap_southeast_1",
    ]);
    const expected: Record<string, string[]> = {
      region_us_east_1: ["NA", "SA"],
      region_eu_west_1: ["EU", "AF"],
      region_ap_southeast_1: ["AS", "OC"],
    };
    for (const [region, continents] of Object.entries(expected)) {
      for (const continent of continents) {
        expect(edges[region]).to.include(`${continent} (${CONTINENTS[continent]})`);
      }
    }
    // Route 53 needs a default record (country *) for locations no other record matches.
    expect(edges.region_us_east_1).to.include("default (any other location)");
    expect(
      result.topology.records.filter((record) => record.location === "default"),
    ).to.have.length(1);
  });

  it("weighted routing shows each region's weight and share", async () => {
    const result = await preview(
      "staging",
      "topology=active-active",
      "routing=weighted",
      "weights.us-east-1=3",
      "weights.us-west-2=1",
    );
    expect(result.error?.message).to.equal(undefined);
    const [topology] = mermaidBlocks(renderMarkdown(result));
    expect(routingEdges(topology)).to.deep.equal({
      region_us_east_1: "weight 3 (75%)",
      region_us_west_2: "weight 1 (25%)",
    });
    expect(await parseMermaid(topology)).to.equal("flowchart-v2");
  });

  it("prod rollout: wave after wave, hooks at their timeouts, earliest and latest finish, worst case when no hook reports", async () => {
    const [, gantt] = mermaidBlocks(renderMarkdown(await preview("prod")));
    expect(gantt.split("\n").filter((line) => line.startsWith("  section "))).to.deep.equal([
      "  section Wave 1 us-east-1 orders-us-east-1-orders",
      "  section Wave 2 us-west-2 orders-us-west-2-orders",
      "  section Finish",
    ]);
    // us-east-1: pre hook 120 s, canary 10 min, post hook 300 s; us-west-2 starts after all that.
    expect(gantt).to.include(
      "pre-traffic hook (at most, if it reports in time) :t1, 00:00:00, 120s",
    );
    expect(gantt).to.include("canary 10% for 10 min :active, t2, 00:02:00, 600s");
    expect(gantt).to.include(
      "post-traffic hook (at most, if it reports in time) :t4, 00:12:00, 300s",
    );
    expect(gantt).to.include(
      "pre-traffic hook (at most, if it reports in time) :t5, 00:17:00, 120s",
    );
    expect(gantt).to.include("earliest, hooks instant (20 min) :milestone, t9, 00:20:00, 0s");
    expect(gantt).to.include(
      "latest if hooks report in time, at their timeouts (34 min) :milestone, t10, 00:34:00, 0s",
    );
    // A hook that never reports holds its deployment until CodeDeploy gives up after an hour:
    // 4 hooks over the two waves, plus 2 x 10 min of canary.
    expect(gantt).to.include(
      "worst case, no hook reports CodeDeploy waits 1 h per hook (260 min) :milestone, t11, 04:20:00, 0s",
    );
  });

  it("staging rollout: a linear shift draws one step per increment", async () => {
    const [, gantt] = mermaidBlocks(renderMarkdown(await preview("staging")));
    const steps = gantt.split("\n").filter((line) => line.includes("linear "));
    // Linear10PercentEvery1Minute: 10% more each minute, 100% after 9 minutes, in both regions,
    // for the orders API and the worker (stack config `worker`), each with its hooks.
    expect(steps).to.have.length(36);
    for (const fn of ["orders", "worker"]) {
      for (const region of ["us-east-1", "us-west-2"]) {
        expect(gantt, `${fn} ${region}`).to.include(
          `section Wave 1 ${region} orders-${region}-${fn}\n`,
        );
      }
    }
    expect(steps[0]).to.match(/linear 10% for 1 min :active, t\d+, 00:0\d:00, 60s/);
    expect(steps[8]).to.match(/linear 90% for 1 min/);
  });

  it("prod Markdown matches its snapshot (UPDATE_SNAPSHOTS=1 rewrites it)", async () => {
    const markdown = renderMarkdown(await preview("prod"));
    if (process.env.UPDATE_SNAPSHOTS === "1") {
      fs.writeFileSync(SNAPSHOT, markdown);
    }
    expect(markdown).to.equal(fs.readFileSync(SNAPSHOT, "utf8"));
  });

  it("docs/preview.md shows the prod summary as the preview writes it", async () => {
    const docs = fs.readFileSync(path.join(ROOT, "docs", "preview.md"), "utf8");
    const example = /^````markdown\n([\s\S]*?)^````$/m.exec(docs)?.[1];
    expect(example).to.equal(renderMarkdown(await preview("prod")));
  });

  it("a mandatory violation is listed with its remediation", async () => {
    const markdown = renderMarkdown(await preview("prod", "deployment.type=AllAtOnce"));
    expect(markdown).to.include(
      "## Offline preview of `prod`: ❌ failed: mandatory policy violations",
    );
    const rows = markdown.split("\n").filter((line) => line.startsWith("| mandatory |"));
    expect(rows).to.have.length(2);
    expect(rows[0]).to.include("prod-deployments-shift-traffic-gradually");
    const remediation = rows[0].split(" | ").at(-1)!;
    expect(remediation.length).to.be.greaterThan(10);
  });
});

describe("Markdown summary: --compare against a previous JSON report", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-compare-"));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("names the settings and resources a deployment type change touches", async () => {
    const file = path.join(dir, "prod.json");
    fs.writeFileSync(file, jsonReport(await preview("prod")));
    const current = await preview("prod", "deployment.type=Linear10PercentEvery1Minute");
    const comparison = compareReports(readPreviousReport(file), current);
    expect(comparison.added).to.deep.equal([]);
    expect(comparison.removed).to.deep.equal([]);
    expect(comparison.settings).to.include(
      "Deployment of orders-us-east-1-orders (us-east-1): Canary10Percent10Minutes, wave 1 → Linear10PercentEvery1Minute, wave 1",
    );
    const group = comparison.changed.find(
      (change) => change.name === "orders-us-east-1-orders-deployment-group",
    );
    expect(group?.inputs).to.include("deploymentConfigName");
    const markdown = renderMarkdown(current, comparison);
    expect(markdown).to.include(`### Changes since \`${file}\` (then passed)`);
    expect(markdown).to.match(
      /\| changed \| aws:codedeploy\/deploymentGroup:DeploymentGroup \| orders-us-east-1-orders-deployment-group \| .*deploymentConfigName/,
    );
  });

  it("shows resources added and removed, weights and flags changed", async () => {
    const before = JSON.parse(jsonReport(await preview("staging")));
    // The earlier report: evaluateTargetHealth was off on the primary record.
    const primary = before.resources.find(
      (r: { name: string }) => r.name === "orders-failover-primary",
    );
    primary.flags["aliases[0].evaluateTargetHealth"] = false;
    const file = path.join(dir, "staging.json");
    fs.writeFileSync(file, JSON.stringify(before));
    const current = await preview(
      "staging",
      "topology=active-active",
      "routing=weighted",
      "weights.us-east-1=3",
      "weights.us-west-2=1",
    );
    const comparison = compareReports(readPreviousReport(file), current);
    expect(comparison.removed.map((r) => r.name)).to.include.members([
      "orders-failover-primary",
      "orders-failover-secondary",
    ]);
    expect(comparison.added.map((r) => r.type)).to.include("aws:route53/record:Record");
    expect(comparison.settings).to.include(
      "Route 53 record api.staging.example.com us-east-1: new (weighted, weight 3, to us-east-1, checked by orders-us-east-1-health-check)",
    );
    expect(comparison.settings).to.include(
      "Route 53 record api.staging.example.com primary: removed (was failover, PRIMARY, to us-east-1, checked by orders-us-east-1-health-check)",
    );

    const flipped = compareReports(readPreviousReport(file), await preview("staging"));
    expect(flipped.changed).to.deep.equal([
      {
        urn: primary.urn,
        type: "aws:route53/record:Record",
        name: "orders-failover-primary",
        inputs: [],
        flags: [{ path: "aliases[0].evaluateTargetHealth", before: false, after: true }],
      },
    ]);
    expect(renderMarkdown(await preview("staging"), flipped)).to.include(
      "| changed | aws:route53/record:Record | orders-failover-primary | aliases[0].evaluateTargetHealth: false → true |",
    );
  });

  it("the CLI writes the summary with its marker, and refuses a bad --compare with one clear error", async () => {
    const summary = path.join(dir, "out", "summary.md");
    const good = await cli("dev", "--markdown", summary, "--no-color");
    expect(good.code).to.equal(0);
    expect(fs.readFileSync(summary, "utf8").split("\n")[0]).to.equal(summaryMarker("dev"));

    const notJson = path.join(dir, "not.json");
    fs.writeFileSync(notJson, "{ nope");
    const bad = await cli("dev", "--markdown", summary, "--compare", notJson);
    expect(bad.code).to.equal(64);
    expect(bad.stderr).to.match(
      new RegExp(
        `^error \\(usage\\): --compare ${notJson.replace(/[.]/g, "\\.")}: not JSON .*allowed: a JSON report written by \`--json\``,
      ),
    );
    expect(bad.stdout).to.equal(""); // nothing ran

    const missing = await cli(
      "dev",
      "--markdown",
      summary,
      "--compare",
      path.join(dir, "none.json"),
    );
    expect(missing.code).to.equal(64);
    expect(missing.stderr).to.include("cannot read it (ENOENT)");

    const wrongShape = path.join(dir, "shape.json");
    fs.writeFileSync(
      wrongShape,
      JSON.stringify({ schemaVersion: 1, stack: "dev", resources: [{}] }),
    );
    expect((await cli("dev", "--markdown", summary, "--compare", wrongShape)).stderr).to.include(
      "resources[0] is not a resource with urn, type and name",
    );

    const alone = await cli("dev", "--compare", notJson);
    expect(alone.code).to.equal(64);
    expect(alone.stderr).to.include(`--compare ${notJson} needs --markdown <file>`);
  });

  it("refuses another stack's report, naming both stacks", async () => {
    const summary = path.join(dir, "out", "summary.md");
    const prodReport = path.join(dir, "prod.json");
    fs.writeFileSync(
      prodReport,
      JSON.stringify({ schemaVersion: 1, stack: "prod", resources: [] }),
    );
    const other = await cli("dev", "--markdown", summary, "--compare", prodReport);
    expect(other.code).to.equal(64);
    expect(other.stderr).to.include(`is a report of stack "prod", not of stack "dev"`);
    expect(other.stdout).to.equal("");
  });

  it("refuses malformed nested data as a usage error, not a TypeError", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ topology: { records: "x" } }, "topology.records is not an array"],
      [{ topology: { records: [null] } }, "topology.records[0] is malformed"],
      [{ rollout: { deployments: [{ function: "f" }] } }, "rollout.deployments[0] is malformed"],
      [
        { rollout: { weightedAliases: [{ alias: "a", additionalVersionWeights: null }] } },
        "rollout.weightedAliases[0] is malformed",
      ],
      [{ rollout: "x" }, "rollout is not an object"],
    ];
    for (const [extra, message] of cases) {
      const file = path.join(dir, "nested.json");
      fs.writeFileSync(
        file,
        JSON.stringify({ schemaVersion: 1, stack: "dev", resources: [], ...extra }),
      );
      expect(() => readPreviousReport(file), message)
        .to.throw(message)
        .with.property("kind", "usage");
    }
  });
});

describe("Markdown summary of a failed preview", () => {
  it("fences the error in more backticks than any run in the message", async () => {
    const result = await preview("dev");
    const message = "bad input:\n```\nnot closed ```` here";
    const markdown = renderMarkdown({ ...result, error: { kind: "program", message } });
    expect(markdown).to.include(`\`\`\`\`\`text\n${message}\n\`\`\`\`\`\n`);
  });
});
