// Opt-in: draws the prod topology diagram in a real browser, as GitHub's Mermaid viewer does.
// Runs with MERMAID_CHROMIUM=1 and Debian's `chromium` (apt-get install chromium); npm test skips
// it and says why. Mermaid's browser bundle (node_modules/mermaid/dist/mermaid.min.js) is loaded
// from disk, so it needs no network.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderMarkdown } from "../../preview/markdown";
import { runPreview } from "../../preview/preview";
import { mermaidBlocks } from "./mermaidParser";

const ENABLED = process.env.MERMAID_CHROMIUM === "1";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "chromium";

/** The SVG Mermaid draws for `diagram` in headless Chromium (the page's DOM once rendered). */
function renderInChromium(diagram: string, dir: string): string {
  const bundle = require.resolve("mermaid/dist/mermaid.min.js");
  const page = path.join(dir, "diagram.html");
  fs.writeFileSync(
    page,
    `<!doctype html><html><body><div id="out">pending</div>
<script src="file://${bundle}"></script>
<script>
  mermaid.initialize({ startOnLoad: false });
  mermaid.render("topology", ${JSON.stringify(diagram)}).then(
    ({ svg }) => { document.getElementById("out").innerHTML = svg; },
    (error) => { document.getElementById("out").textContent = "render" + " failed: " + error; },
  );
</script></body></html>`,
  );
  // --virtual-time-budget lets the page's promises settle before --dump-dom prints the DOM.
  const run = spawnSync(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--allow-file-access-from-files",
      "--virtual-time-budget=20000",
      "--dump-dom",
      `file://${page}`,
    ],
    { encoding: "utf8", timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.error) {
    throw run.error;
  }
  return run.stdout;
}

describe("Markdown summary: the topology drawn in headless Chromium (opt-in)", function () {
  this.timeout(120_000);
  let dir: string;

  before(function () {
    if (!ENABLED) {
      console.log(
        "    (skipped: set MERMAID_CHROMIUM=1, with Debian's chromium installed, to run it)",
      );
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mermaid-chromium-"));
  });
  after(() => {
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prod: a non-empty SVG with both regions, the global name and the health checks", async () => {
    const [topology] = mermaidBlocks(renderMarkdown(await runPreview({ stack: "prod" })));
    const dom = renderInChromium(topology, dir);
    // The page's own script spells it in two parts, so only a failed render shows it whole.
    expect(/<div id="out">(pending|render failed[^<]*)/.exec(dom)?.[1]).to.equal(undefined);
    const svg = /<svg[\s\S]*<\/svg>/.exec(dom)?.[0];
    expect(svg, dom.slice(0, 500)).to.be.a("string");
    // Mermaid sizes the viewBox from the laid-out drawing: zero when nothing was drawn.
    const [, , width, height] = (/viewBox="([^"]+)"/.exec(svg!)?.[1] ?? "0 0 0 0")
      .split(/\s+/)
      .map(Number);
    expect(width).to.be.greaterThan(200);
    expect(height).to.be.greaterThan(100);
    expect((svg!.match(/class="node[ "]/g) ?? []).length).to.be.at.least(7);
    for (const text of ["us-east-1", "us-west-2", "api.example.com", "PRIMARY", "SECONDARY"]) {
      expect(svg).to.include(text);
    }
  });
});
