// The examples in other languages (examples/yaml, examples/python) cannot run here (no Pulumi
// CLI): what can be checked is checked. The YAML program is validated against the committed
// schema.json, as Pulumi YAML would validate it against the generated schema: resource types,
// required inputs, property names at every level, and the outputs it reads.
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { PackageSchema, PropertySchema } from "../schema/inferred";

const ROOT = path.join(__dirname, "..", "..");
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8")) as PackageSchema;

/** Every problem with `value` as the property `property` of the schema, under `where`. */
function checkValue(where: string, property: PropertySchema, value: unknown, problems: string[]) {
  if (typeof value === "string" && value.startsWith("${")) {
    return; // an interpolation: its type is known only to Pulumi YAML
  }
  if (property.$ref?.startsWith("#/types/")) {
    const type = schema.types[property.$ref.slice("#/types/".length)];
    if (type.enum) {
      const allowed = type.enum.map((member) => member.value);
      if (!allowed.includes(value as string | number)) {
        problems.push(`${where} is ${JSON.stringify(value)}: not one of ${allowed.join(", ")}`);
      }
      return;
    }
    checkObject(where, type.properties ?? {}, type.required ?? [], value, problems);
    return;
  }
  if (property.additionalProperties && typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      checkValue(`${where}.${key}`, property.additionalProperties, item, problems);
    }
  }
  if (property.items && Array.isArray(value)) {
    value.forEach((item, index) =>
      checkValue(`${where}[${index}]`, property.items!, item, problems),
    );
  }
}

function checkObject(
  where: string,
  properties: Record<string, PropertySchema>,
  required: string[],
  value: unknown,
  problems: string[],
) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${where} must be an object`);
    return;
  }
  for (const key of required) {
    if (!(key in value)) {
      problems.push(`${where}.${key} is required`);
    }
  }
  for (const [key, item] of Object.entries(value)) {
    if (!properties[key]) {
      problems.push(`${where}.${key} is not in the schema`);
    } else {
      checkValue(`${where}.${key}`, properties[key], item, problems);
    }
  }
}

/** Problems of a Pulumi YAML program's use of this package's resources. */
function yamlProblems(program: any): string[] {
  const problems: string[] = [];
  const ours = Object.entries<any>(program.resources ?? {}).filter(([, resource]) =>
    String(resource.type).startsWith("multiregion-serverless:"),
  );
  for (const [name, resource] of ours) {
    const component = schema.resources[resource.type];
    if (!component) {
      problems.push(`${name}: ${resource.type} is not a resource of the package`);
      continue;
    }
    checkObject(
      name,
      component.inputProperties,
      component.requiredInputs,
      resource.properties ?? {},
      problems,
    );
  }
  const outputs = JSON.stringify(program.outputs ?? {});
  for (const [, resourceName, output] of outputs.matchAll(/\$\{(\w+)\.(\w+)\}/g)) {
    const resource = program.resources?.[resourceName];
    const component = resource && schema.resources[resource.type];
    if (component && !component.properties[output]) {
      problems.push(`outputs: ${resourceName}.${output} is not an output of ${resource.type}`);
    }
  }
  return problems;
}

describe("examples in other languages", () => {
  const yamlProgram = () =>
    parse(fs.readFileSync(path.join(ROOT, "examples", "yaml", "Pulumi.yaml"), "utf8"));

  it("the YAML example uses the package's types, required inputs and property names", () => {
    const program = yamlProgram();
    expect(program.runtime).to.equal("yaml");
    expect(Object.keys(program.resources)).to.have.length.greaterThan(0);
    expect(yamlProblems(program)).to.deep.equal([]);
  });

  it("the YAML check catches a misspelled property, a missing required input and a wrong enum", () => {
    const program = yamlProgram();
    const orders = program.resources.orders.properties;
    orders.primaryRegoin = orders.primaryRegion;
    delete orders.topology;
    orders.functions.orders.trafficShifting.type = "Canary10Percent20Minutes";
    program.outputs.wrong = "${orders.endpoint}";
    expect(yamlProblems(program)).to.have.members([
      "orders.topology is required",
      "orders.primaryRegoin is not in the schema",
      'orders.functions.orders.trafficShifting.type is "Canary10Percent20Minutes": not one of ' +
        schema.types["multiregion-serverless:index:PredefinedDeploymentType"]
          .enum!.map((m) => m.value)
          .join(", "),
      "outputs: orders.endpoint is not an output of multiregion-serverless:index:MultiRegionService",
    ]);
  });

  it("each example has a Pulumi.yaml and a README with the one pulumi package add command", () => {
    for (const language of ["yaml", "python"]) {
      const dir = path.join(ROOT, "examples", language);
      expect(fs.existsSync(path.join(dir, "Pulumi.yaml")), language).to.equal(true);
      const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8");
      expect(readme.match(/^pulumi package add .+$/gm), language).to.have.length(1);
    }
  });

  it("the Python example compiles", function () {
    try {
      execFileSync("python3", ["--version"]);
    } catch {
      console.log("      skipped: python3 is not installed");
      this.skip();
    }
    const source = path.join(ROOT, "examples", "python", "__main__.py");
    // Compile in memory (no __pycache__ written into the example).
    execFileSync("python3", [
      "-c",
      "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')",
      source,
    ]);
  });

  it("the Python example's SDK names are the schema's, as Pulumi's Python code generation names them", () => {
    const source = fs.readFileSync(path.join(ROOT, "examples", "python", "__main__.py"), "utf8");
    const used = [...new Set([...source.matchAll(/\bmrs\.([A-Za-z0-9_]+)/g)].map((m) => m[1]))];
    // Resources keep their name, enums too, object types get `Args` (input types).
    const names = new Set<string>();
    for (const token of Object.keys(schema.resources)) names.add(token.split(":")[2]);
    for (const [token, type] of Object.entries(schema.types)) {
      names.add(type.enum ? token.split(":")[2] : `${token.split(":")[2]}Args`);
    }
    expect(used.filter((name) => !names.has(name))).to.deep.equal([]);
    expect(used).to.include("ServiceFunctionArgs");
    expect(used.filter((name) => name.endsWith("ArgsArgs"))).to.deep.equal([]);
  });
});
