// docs/testing.md shows the files of test/docs/examples as a user writes them (importing the
// package by name). Those files compile with `tsc`, run with mocha and pass; this keeps the page
// and the files the same, so every example on the page is real.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLES = path.join(__dirname, "examples");

/** An example file as the page shows it: package imports instead of repository paths. */
function asPublished(code: string): string {
  return code
    .replace(/"\.\.\/\.\.\/\.\.\/testing"/g, '"multiregion-serverless/testing"')
    .replace(/"\.\.\/\.\.\/\.\.\/components"/g, '"multiregion-serverless"');
}

describe("docs/testing.md", () => {
  const page = fs.readFileSync(path.join(ROOT, "docs", "testing.md"), "utf8");
  const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
  const examples = fs
    .readdirSync(EXAMPLES)
    .filter((file) => file.endsWith(".test.ts"))
    .map((file) => ({
      file,
      code: asPublished(fs.readFileSync(path.join(EXAMPLES, file), "utf8")),
    }));

  it("shows every example file verbatim", () => {
    for (const { file, code } of examples) {
      expect(blocks, `test/docs/examples/${file} is not on the page as it is`).to.include(code);
    }
  });

  it("has no TypeScript block that is not an example file", () => {
    const codes = examples.map((example) => example.code);
    blocks.forEach((block, index) => {
      expect(codes, `block ${index + 1} of docs/testing.md matches no example file`).to.include(
        block,
      );
    });
    expect(blocks).to.have.length(examples.length);
  });
});
