import { expect } from "chai";
import { CliIo, main } from "../../preview/cli";
import { renderPreview, wrap } from "../../preview/render";
import { cutStart, renderTree, shortType } from "../../preview/tree";
import { preview } from "./stackPreviews";

/** Characters, not bytes or UTF-16 units: `│` and `…` take one column each. */
const columns = (line: string) => [...line].length;

async function cli(io: Partial<CliIo>, ...argv: string[]): Promise<string> {
  let stdout = "";
  await main(argv, {
    stdout: (text) => (stdout += text),
    stderr: () => {},
    isTTY: false,
    env: {},
    ...io,
  });
  return stdout;
}

describe("offline preview in a terminal: 100 columns unless --wide", () => {
  for (const stack of ["dev", "staging", "prod", "prod-global"]) {
    it(`${stack}: every line fits 100 columns by default`, async () => {
      const lines = renderPreview(await preview(stack), { width: 100 }).split("\n");
      const over = lines.filter((line) => columns(line) > 100);
      expect(over).to.deep.equal([]);
    });
  }

  it("--wide prints full type tokens and names; a narrower terminal is honoured", async () => {
    // --wide ignores the terminal's width.
    const wide = await cli({ columns: 80 }, "prod", "--wide");
    expect(wide).to.include("multiregion-serverless:index:TrafficShiftedFunction");
    expect(wide).to.include("orders-us-east-1-orders-pre-traffic-hook-role-policy");
    expect(Math.max(...wide.split("\n").map(columns))).to.be.greaterThan(100);
    expect(renderPreview(await preview("prod"), { width: 100 })).to.include(
      "…:TrafficShiftedFunction",
    );

    // The CLI: 100 columns at most, fewer when the terminal is narrower.
    const narrow = await cli({ columns: 80 }, "prod");
    expect(Math.max(...narrow.split("\n").map(columns))).to.be.at.most(80);
    expect(narrow).to.include("Preview passed");
  });

  it("names in the tree have no spaces: a route's key is its own column", async () => {
    for (const width of [100, undefined]) {
      const lines = renderTree((await preview("prod")).resources, (text) => text, { width });
      expect(lines[0]).to.match(/Region +Route$/);
      const routeColumn = lines[0].indexOf("Route");
      for (const line of lines.slice(1)) {
        // The name is the cell after the type: everything up to the next two spaces.
        const [, name] = /^ \+ +[─│├└ ]*\S+ {2,}(\S+(?: \S+)*?)(?: {2,}|$)/.exec(line) ?? [];
        expect(name, line).to.not.include(" ");
      }
      const routes = lines.filter((line) => line.includes(":Route "));
      expect(routes).to.have.length(6);
      expect(routes.map((line) => line.slice(routeColumn))).to.deep.equal([
        "POST /orders",
        "GET /orders/{id}",
        "GET /health",
        "POST /orders",
        "GET /orders/{id}",
        "GET /health",
      ]);
    }
  });

  it("shortens type tokens to Pulumi's short form and cuts names at a separator", () => {
    expect(shortType("aws:lambda/function:Function")).to.equal("aws:lambda:Function");
    expect(shortType("multiregion-serverless:index:RegionalService")).to.equal(
      "multiregion-serverless:RegionalService",
    );
    expect(shortType("pulumi:pulumi:Stack")).to.equal("pulumi:pulumi:Stack");
    expect(cutStart("orders-us-east-1-orders-pre-traffic-hook-role-policy", 30, "-")).to.equal(
      "…-pre-traffic-hook-role-policy",
    );
    expect(cutStart("abcdefghij", 5, "-")).to.equal("…ghij");
    expect(cutStart("short", 10, "-")).to.equal("short");
  });

  it("wraps prose at spaces with a hanging indent", () => {
    const line = `  ${"word ".repeat(30).trim()}`;
    const wrapped = wrap(line, 40);
    expect(wrapped.length).to.be.greaterThan(1);
    expect(wrapped.every((part) => part.length <= 40)).to.equal(true);
    expect(wrapped.slice(1).every((part) => part.startsWith("    word"))).to.equal(true);
    expect(wrapped.join(" ").replace(/\s+/g, " ").trim()).to.equal(line.trim());
  });
});

describe("terminal wrap: a word longer than the width", () => {
  it("hard-cuts a 130-character name with … so no line overflows", () => {
    const name = `orders-${"x".repeat(123)}`;
    expect(name).to.have.length(130);
    const wrapped = wrap(`  create ${name} now`, 100);
    for (const line of wrapped) expect(line.length, line).to.be.at.most(100);
    expect(wrapped.some((line) => line.endsWith("…"))).to.equal(true);
  });
});
