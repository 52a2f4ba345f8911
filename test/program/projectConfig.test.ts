import { expect } from "chai";
import * as fs from "fs";
import { parse } from "yaml";
import { EMPTY_MEANS_UNSET } from "../../components/stackSettings";
import { readStackConfig, stackConfigPath } from "../../testing";
import { PROJECT, runStack } from "./runStack";

interface Declaration {
  type: "string" | "integer" | "boolean" | "array";
  items?: { type: string };
  default?: unknown;
  value?: unknown;
}

const project = parse(fs.readFileSync("Pulumi.yaml", "utf8")) as {
  name: string;
  main?: string;
  stackConfigDir?: string;
  config: Record<string, Declaration>;
};
const STACKS = ["dev", "staging", "prod", "prod-global"];

/** What the Pulumi CLI checks before it runs the program (sdk/go/common/workspace/config.go). */
function cliProblems(stack: string): string[] {
  const { config } = readStackConfig(stackConfigPath(stack));
  const problems: string[] = [];
  for (const [key, declaration] of Object.entries(project.config)) {
    const raw = config[`${PROJECT}:${key}`];
    if (raw === undefined) {
      if (declaration.default === undefined && declaration.value === undefined) {
        problems.push(`Stack '${stack}' is missing configuration value '${key}'`);
      }
      continue;
    }
    const value = declaration.type === "string" ? raw : JSON.parse(raw);
    const ok =
      declaration.type === "array"
        ? Array.isArray(value) && value.every((item) => typeof item === declaration.items!.type)
        : declaration.type === "string"
          ? typeof value === "string"
          : declaration.type === "boolean"
            ? typeof value === "boolean"
            : Number.isInteger(value);
    if (!ok) {
      problems.push(
        `Stack '${stack}' with configuration key '${key}' must be of type '${declaration.type}'`,
      );
    }
  }
  return problems;
}

describe("Pulumi.yaml", () => {
  it("runs index.ts, with stack files in stacks/", () => {
    expect(project.name).to.equal(PROJECT);
    expect(project.main).to.equal("index.ts");
    expect(project.stackConfigDir).to.equal("stacks");
  });

  for (const stack of STACKS) {
    it(`passes the CLI's project config check for stacks/Pulumi.${stack}.yaml`, () => {
      expect(cliProblems(stack)).to.deep.equal([]);
    });
  }

  it("requires only accountId; every other declared key has an empty default the program reads as unset", () => {
    const required = Object.entries(project.config)
      .filter(([, d]) => d.default === undefined && d.value === undefined)
      .map(([key]) => key);
    expect(required).to.deep.equal(["accountId"]);
    const optional = Object.entries(project.config).filter(([key]) => key !== "accountId");
    for (const [key, declaration] of optional) {
      expect(declaration.default, key).to.deep.equal(declaration.type === "array" ? [] : "");
      expect(EMPTY_MEANS_UNSET as readonly string[], key).to.include(key);
    }
  });

  it("the CLI's empty defaults change nothing: the program sees them as unset", async () => {
    const defaults = Object.fromEntries(
      Object.entries(project.config)
        .filter(([, d]) => d.default !== undefined)
        .map(([key, d]) => [key, d.default]),
    );
    const plain = await runStack("dev");
    const withDefaults = await runStack("dev", {
      unset: ["regions"],
      set: { ...defaults, regions: [] },
    });
    expect(withDefaults.result.resolvedSettings).to.deep.equal(plain.result.resolvedSettings);
  });
});
