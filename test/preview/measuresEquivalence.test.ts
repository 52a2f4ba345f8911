// The offline preview's speed measures (preview/measures.ts) change how fast it runs, never what
// it shows: for the bundled stacks, the JSON report (resources, their inputs, the policy
// verdicts) and the printed preview are the same with each measure on and off, except that
// siblings may be listed in another order (see bySiblingOrderFree). Each preview
// runs in a process of its own, as preview/run.js runs it (the measures are process-wide), and
// each costs a full preview (about 3 s on an idle machine, 20 s under the shared machine's load),
// so they are opt-in:
// - MEASURES_EQUIVALENCE=prod: the prod stack, with the measures that change how the SDK's
//   objects are made or registered on and off together (two previews);
// - MEASURES_EQUIVALENCE=all: every bundled stack, each measure off on its own.
// The default suite keeps the cheaper check in test/preview/measures.test.ts: small programs
// under the mocks with lazy-outputs on and off give the same values, secrecy, unknowns,
// resources and failures, and the stand-in for @npmcli/arborist behaves as the module.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { MEASURES_OFF_ENV } from "../../preview/measures";

const ROOT = path.resolve(__dirname, "..", "..");
const scope = process.env.MEASURES_EQUIVALENCE;
const everything = scope === "all";
const stacks = everything
  ? fs
      .readdirSync(path.join(ROOT, "stacks"))
      .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
      .filter((stack): stack is string => stack !== undefined)
  : scope === "prod"
    ? ["prod"]
    : [];
const switchedOff = everything
  ? [
      "unused-modules",
      "unused-compiler",
      "lazy-outputs",
      "direct-answers",
      "plain-serialization",
      "direct-dependencies",
      "light-structs",
      "apply-context",
      "promise-debugging",
    ]
  : [
      "lazy-outputs,unused-modules,unused-compiler,direct-answers,plain-serialization," +
        "direct-dependencies,light-structs,apply-context",
    ];

/** The report and the printed preview of `stack`, with the measures named in `off` off. */
function preview(stack: string, off: string): { report: unknown; printed: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "measures-equivalence-"));
  try {
    const json = path.join(dir, "preview.json");
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, "preview", "run.js"), stack, "--json", json],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, [MEASURES_OFF_ENV]: off, NO_COLOR: "1" },
      },
    );
    expect(run.status, run.stderr).to.be.oneOf([0, 1]);
    const report = JSON.parse(fs.readFileSync(json, "utf8")) as Record<string, unknown>;
    delete report.durationMs; // the one field that is meant to change
    // The duration the summary line prints, e.g. "(1.2 s)".
    return { report, printed: run.stdout.replace(/\(\d+(\.\d+)? m?s\)/g, "(duration)") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

type Report = { resources: { urn: string; parent?: string; prefix?: string }[] };

/**
 * The report with its resources in a canonical tree order: each parent before its children,
 * siblings by URN. Siblings are listed in the order their registrations reached the monitor,
 * which depends on how much asynchronous work the SDK does before each (in `pulumi preview`
 * too): plain-serialization, direct-dependencies and light-structs do less of it, so siblings
 * may come in another order, and with it the tree drawing before each (`prefix`: `├─` or
 * `└─`); every resource's parent, depth, inputs and flags, and everything else in the report
 * (policy verdicts with their URNs, plans) must be the same.
 */
function bySiblingOrderFree(report: unknown): unknown {
  const { resources } = report as Report;
  const children = new Map<string | undefined, Report["resources"]>();
  for (const resource of resources) {
    const siblings = children.get(resource.parent) ?? [];
    siblings.push(resource);
    children.set(resource.parent, siblings);
  }
  const ordered: Report["resources"] = [];
  const visit = (parent: string | undefined): void => {
    const siblings = [...(children.get(parent) ?? [])].sort((x, y) => x.urn.localeCompare(y.urn));
    for (const resource of siblings) {
      const row = { ...resource };
      delete row.prefix;
      ordered.push(row);
      visit(resource.urn);
    }
  };
  visit(undefined);
  expect(ordered).to.have.length(resources.length);
  return { ...(report as object), resources: ordered };
}

/** Whether every resource comes after its parent, as the report promises. */
function inTreeOrder(report: unknown): boolean {
  const seen = new Set<string>();
  return (report as Report).resources.every((resource) => {
    seen.add(resource.urn);
    return resource.parent === undefined || seen.has(resource.parent);
  });
}

/**
 * The printed preview's lines, in sorted order, without the tree drawing (see
 * bySiblingOrderFree; the report compares the tree itself and each verdict's resource).
 */
function linesOf(printed: string): string[] {
  return printed
    .split("\n")
    .map((line) => line.replace(/[├└│─]/g, " "))
    .sort();
}

describe("offline preview speed measures change nothing the preview shows (issue 14)", () => {
  if (scope !== undefined && scope !== "prod" && scope !== "all") {
    it("MEASURES_EQUIVALENCE is prod or all", () => {
      expect.fail(`MEASURES_EQUIVALENCE=${scope} is not allowed: prod, all, or unset (skipped)`);
    });
  }
  if (stacks.length === 0) {
    it("compares full previews only with MEASURES_EQUIVALENCE=prod or all (slow)");
  }
  for (const stack of stacks) {
    for (const off of switchedOff) {
      it(`${stack}: the same report and printed preview with ${off} on and off, siblings in any order`, function () {
        this.timeout(180_000);
        const on = preview(stack, "");
        const without = preview(stack, off);
        expect((on.report as { resources: unknown[] }).resources).to.have.length.above(0);
        expect(inTreeOrder(on.report)).to.equal(true);
        expect(bySiblingOrderFree(without.report)).to.deep.equal(bySiblingOrderFree(on.report));
        expect(linesOf(without.printed)).to.deep.equal(linesOf(on.printed));
      });
    }
  }
});
