#!/usr/bin/env node
// `node scripts/survivors.mjs [report] [file filter]`: prints each surviving (and uncovered)
// mutant of a Stryker JSON report as `file:line original -> replacement`, to write the tests
// that kill them (docs/testing.md, "Mutation testing").
import { readFileSync } from "node:fs";

const [reportPath = "reports/mutation/mutation.json", filter = ""] = process.argv.slice(2);
const report = JSON.parse(readFileSync(reportPath, "utf8"));
for (const [file, { source, mutants }] of Object.entries(report.files)) {
  if (!file.includes(filter)) {
    continue;
  }
  const lines = source.split("\n");
  const counts = {};
  for (const mutant of mutants) {
    counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
  }
  console.log(`${file}: ${JSON.stringify(counts)}`);
  for (const mutant of mutants) {
    if (mutant.status !== "Survived" && mutant.status !== "NoCoverage") {
      continue;
    }
    const { start, end } = mutant.location;
    const original =
      start.line === end.line
        ? lines[start.line - 1].slice(start.column - 1, end.column - 1)
        : `${lines[start.line - 1].slice(start.column - 1)} …`;
    const status = mutant.status === "NoCoverage" ? " [no coverage]" : "";
    console.log(
      `  ${file}:${start.line} ${mutant.mutatorName}${status}: ${short(original)} -> ${short(mutant.replacement ?? "")}`,
    );
  }
}

function short(text) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 100 ? `${flat.slice(0, 97)}...` : flat;
}
