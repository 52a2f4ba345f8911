// The package schema other languages are generated from (`pulumi package add`). Pulumi infers
// it from the components' TypeScript types; schema.json is the committed snapshot, so a change
// to a public arg or output shows up as a diff in review. After such a change run
// `npm run schema` and commit the new schema.json.
import { expect } from "chai";
import * as fs from "fs";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import * as library from "../../components";
import { SAM_DEPLOYMENT_TYPES } from "../../deployment/rollout";
import { LAMBDA_DEPLOYMENT_INPUT_KEYS } from "../../deployment/provider";
import { COMPONENTS, PACKAGE_NAME } from "../../provider/components";
import { SCHEMA_FILE } from "../../provider/schema";
import { inferredSchema, PackageSchema, PropertySchema } from "./inferred";

const token = (component: string) => `${PACKAGE_NAME}:index:${component}`;

describe("the package schema", function () {
  // Inference type-checks the library once (shared by every schema test file).
  this.timeout(180_000);
  let schema: PackageSchema;
  let text: string;

  before(async () => {
    text = await inferredSchema();
    schema = JSON.parse(text) as PackageSchema;
  });

  it("is inferred for every component the package exports, plus the LambdaDeployment resource", () => {
    const exported = getPulumiComponents(library).map((component) => component.name);
    expect(COMPONENTS.map((component) => component.name).sort()).to.deep.equal(exported.sort());
    expect(Object.keys(schema.resources).sort()).to.deep.equal(
      [...exported, "LambdaDeployment"].map(token).sort(),
    );
    for (const [name, resource] of Object.entries(schema.resources)) {
      expect(resource.isComponent, name).to.equal(
        name === token("LambdaDeployment") ? undefined : true,
      );
    }
  });

  it("describes LambdaDeployment's inputs and outputs as the provider reads and writes them", () => {
    const deployment = schema.resources[token("LambdaDeployment")];
    // Every input whose change makes an update, the credentials (secret, in the state too) and
    // the dashboard link (read for messages only: changing it alone starts no deployment).
    expect(Object.keys(deployment.inputProperties).sort()).to.deep.equal(
      [...LAMBDA_DEPLOYMENT_INPUT_KEYS, "credentials", "dashboardUrl"].sort(),
    );
    expect(deployment.inputProperties.credentials.secret).to.equal(true);
    expect(deployment.properties.credentials.secret).to.equal(true);
    expect(Object.keys(deployment.properties)).to.include.members([
      ...Object.keys(deployment.inputProperties),
      "deploymentId",
      "status",
      "deployedVersion",
      "routingWeights",
      "previousVersion",
    ]);
    expect(deployment.requiredInputs).to.include.members([
      "applicationName",
      "deploymentGroupName",
      "functionName",
      "aliasName",
      "targetVersion",
      "region",
    ]);
  });

  it("matches the committed schema.json (regenerate with `npm run schema`)", () => {
    const committed = fs.readFileSync(SCHEMA_FILE, "utf8");
    if (committed !== text) {
      const was = JSON.parse(committed) as PackageSchema;
      const changed = [
        ...Object.keys({ ...was.resources, ...schema.resources }).filter(
          (key) => JSON.stringify(was.resources[key]) !== JSON.stringify(schema.resources[key]),
        ),
        ...Object.keys({ ...was.types, ...schema.types }).filter(
          (key) => JSON.stringify(was.types[key]) !== JSON.stringify(schema.types[key]),
        ),
      ];
      expect.fail(
        `schema.json is out of date (changed: ${changed.join(", ") || "top-level fields"}); run \`npm run schema\` and review the diff`,
      );
    }
  });

  it("carries the package's name, version and description", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require("../../package.json");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const root = require("../../provider/package.json");
    expect(schema.name).to.equal(PACKAGE_NAME);
    expect(schema.version).to.equal(pkg.version);
    expect(root.name).to.equal(pkg.name);
    expect(root.description).to.equal(pkg.description);
  });

  it("describes every input, output and type property with its TSDoc", () => {
    const undocumented: string[] = [];
    const visit = (where: string, properties: Record<string, PropertySchema> = {}) => {
      for (const [key, property] of Object.entries(properties)) {
        if (!property.description) {
          undocumented.push(`${where}.${key}`);
        } else if (property.description.includes("[object Object]")) {
          // The analyzer joins a TSDoc comment's nodes as text: an inline {@link} becomes this.
          undocumented.push(`${where}.${key} (unreadable: ${property.description.slice(0, 40)})`);
        }
      }
    };
    for (const [name, resource] of Object.entries(schema.resources)) {
      expect(resource.description, name).to.be.a("string").and.not.equal("");
      expect(resource.description, name).not.to.include("[object Object]");
      visit(`${name} input`, resource.inputProperties);
      visit(`${name} output`, resource.properties);
    }
    for (const [name, type] of Object.entries(schema.types)) {
      visit(name, type.properties);
    }
    expect(undocumented).to.deep.equal([]);
  });

  it("gives every property a real type: no Any, no reference to a type it does not define", () => {
    const problems: string[] = [];
    const check = (where: string, property: PropertySchema) => {
      if (property.$ref === "pulumi.json#/Any") {
        problems.push(`${where} is Any`);
      }
      if (property.$ref?.startsWith("#/types/") && !schema.types[property.$ref.slice(8)]) {
        problems.push(`${where} references missing ${property.$ref}`);
      }
      // No AWS resources: a reference would pin the SDKs to this build's @pulumi/aws.
      if (
        property.$ref &&
        !property.$ref.startsWith("#/types/") &&
        property.$ref !== "pulumi.json#/Archive"
      ) {
        problems.push(`${where} references ${property.$ref}`);
      }
      if (property.items) check(`${where}[]`, property.items);
      if (property.additionalProperties) check(`${where}{}`, property.additionalProperties);
    };
    const visit = (where: string, properties: Record<string, PropertySchema> = {}) =>
      Object.entries(properties).forEach(([key, property]) => check(`${where}.${key}`, property));
    for (const [name, resource] of Object.entries(schema.resources)) {
      visit(name, resource.inputProperties);
      visit(name, resource.properties);
    }
    for (const [name, type] of Object.entries(schema.types)) {
      visit(name, type.properties);
    }
    expect(problems).to.deep.equal([]);
  });

  it("lists the outputs other languages build on: ARNs, names, alias, deployment group, endpoints, health checks, records", () => {
    const outputs = (component: string) =>
      Object.keys(schema.resources[token(component)].properties);
    expect(outputs("TrafficShiftedFunction")).to.include.members([
      "functionName",
      "functionArn",
      "aliasName",
      "aliasArn",
      "aliasInvokeArn",
      "targetVersion",
      "applicationName",
      "deploymentGroupName",
      "deploymentConfigName",
      "deploymentId",
      "alarmNames",
    ]);
    expect(outputs("DeploymentAlarms")).to.include.members(["alarmNames", "alarmArns"]);
    expect(outputs("RegionalService")).to.include.members([
      "apiEndpoint",
      "endpointHostname",
      "healthCheckId",
      "functionNames",
      "aliasArns",
      "deploymentGroupNames",
      "deploymentIds",
    ]);
    expect(outputs("MultiRegionService")).to.include.members([
      "globalEndpoint",
      "regionalEndpoints",
      "healthCheckIds",
      "functionNames",
      "recordNames",
      "tableName",
    ]);
  });

  it("depends on no other package: outputs holding AWS resources are TypeScript-only", () => {
    expect(schema).not.to.have.property("dependencies");
    // A reference to another package's type: `"$ref": "/aws/v7.48.0/schema.json#/resources/..."`.
    expect(text).not.to.match(/"\$ref":\s*"\/aws\//);
    const outputs = Object.keys(schema.resources[token("TrafficShiftedFunction")].properties);
    expect(outputs).not.to.include.members(["function", "alias", "deploymentGroup", "logGroup"]);
    expect(outputs).to.include.members(["functionArn", "aliasArn", "deploymentGroupName"]);
    expect(schema.types).not.to.have.property(token("HookFunctions"));
  });

  it("says in each description what an unset argument does (the TSDoc `@default`)", () => {
    const inputs = schema.resources[token("TrafficShiftedFunction")].inputProperties;
    expect(inputs.memorySize.description).to.match(/\n\nDefault: `256`\.$/);
    expect(inputs.region.description).to.match(/Default: the provider's region\.$/);
    expect(inputs.code.description).not.to.include("Default:");
    const healthCheck = schema.types[token("RegionalHealthCheck")].properties!;
    expect(healthCheck.requestInterval.description).to.match(/Default: `30`\.$/);
    // Inherited members (ServiceFunction's, through TrafficShiftedFunctionArgs) included.
    expect(inputs.aliasName.description).to.match(/Default: `"live"`\.$/);
    const shifting = schema.types[token("TrafficShifting")].properties!;
    expect(shifting.mode.description).to.include('Default: `"codedeploy"`.');
  });

  it("names its types without `Args` (the SDKs of other languages add it to input types)", () => {
    expect(Object.keys(schema.types).filter((name) => name.endsWith("Args"))).to.deep.equal([]);
  });

  it("describes the choices as enums and both topologies in one MultiRegionService shape", () => {
    const enumValues = (name: string) => schema.types[token(name)].enum!.map((e) => e.value).sort();
    expect(enumValues("PredefinedDeploymentType")).to.deep.equal([...SAM_DEPLOYMENT_TYPES].sort());
    expect(enumValues("TrafficShiftingMode")).to.deep.equal(["codedeploy", "weighted"]);
    expect(enumValues("Topology")).to.deep.equal(["active-active", "active-passive"]);
    const service = schema.resources[token("MultiRegionService")];
    expect(service.requiredInputs).to.deep.equal(["functions", "topology"]);
    expect(Object.keys(service.inputProperties)).to.include.members([
      "primaryRegion",
      "standbyRegions",
      "regions",
      "routing",
    ]);
    const shifting = schema.types[token("TrafficShifting")].properties!;
    expect(shifting.canary.$ref).to.equal(`#/types/${token("TrafficStep")}`);
    expect(shifting.linear.$ref).to.equal(`#/types/${token("TrafficStep")}`);
    expect(schema.resources[token("TrafficShiftedFunction")].inputProperties.code.$ref).to.equal(
      "pulumi.json#/Archive",
    );
    const functions = schema.resources[token("RegionalService")].inputProperties.functions;
    expect(functions.additionalProperties!.$ref).to.equal(`#/types/${token("ServiceFunction")}`);
  });
});

describe("PredefinedDeploymentType", () => {
  it("names exactly SAM's nine deployment types", () => {
    expect(Object.values(library.PredefinedDeploymentType)).to.deep.equal([
      ...SAM_DEPLOYMENT_TYPES,
    ]);
  });
});
