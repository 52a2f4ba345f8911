import { expect } from "chai";
import { GlobalTableArgs, MultiRegionServiceArgs } from "../../components";
import { promiseOf } from "../../testing";
import { FUNCTION, ROLE_POLICY, runService, shape, TABLE } from "./fixtures";

const ACCOUNT = "123456789012";

function activePassive(table: GlobalTableArgs, standbyRegions = ["us-west-2", "eu-west-1"]) {
  return runService({
    topology: "active-passive",
    primaryRegion: "us-east-1",
    standbyRegions,
    ...shape,
    table,
  });
}

function tableStatementOf(policy: string): any {
  return JSON.parse(policy).Statement.find((s: any) => s.Sid === "ReadWriteRegionalTable");
}

describe("MultiRegionService global table", () => {
  it("creates the table in the primary region with a replica in every other region", async () => {
    const { resources } = await activePassive({ hashKey: "orderId" });
    resources.resourceCountIs(TABLE, 1);
    const table = resources.hasResourceProperties(TABLE, {
      region: "us-east-1",
      billingMode: "PAY_PER_REQUEST",
      hashKey: "orderId",
      attributes: [{ name: "orderId", type: "S" }],
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: false,
      replicas: [
        { regionName: "us-west-2", pointInTimeRecovery: true, deletionProtectionEnabled: false },
        { regionName: "eu-west-1", pointInTimeRecovery: true, deletionProtectionEnabled: false },
      ],
    });
    expect(table.options.protect).to.equal(false);
  });

  it("keys the table by id unless told otherwise, and adds a sort key when given", async () => {
    const { resources } = await activePassive({}, ["us-west-2"]);
    resources.hasResourceProperties(TABLE, {
      hashKey: "id",
      attributes: [{ name: "id", type: "S" }],
    });
    const sorted = await activePassive({
      hashKey: "customerId",
      rangeKey: "createdAt",
      rangeKeyType: "N",
    });
    sorted.resources.hasResourceProperties(TABLE, {
      hashKey: "customerId",
      rangeKey: "createdAt",
      attributes: [
        { name: "customerId", type: "S" },
        { name: "createdAt", type: "N" },
      ],
    });
  });

  it("protects the data with protectData: deletion protection everywhere and Pulumi protect", async () => {
    const { resources } = await activePassive({ protectData: true, name: "orders" });
    const table = resources.hasResourceProperties(TABLE, {
      name: "orders",
      deletionProtectionEnabled: true,
      replicas: [{ deletionProtectionEnabled: true }, { deletionProtectionEnabled: true }],
    });
    expect(table.options.protect).to.equal(true);
  });

  it("gives each region's functions the table name and access to their own region's replica only", async () => {
    const { resources, result } = await activePassive({ hashKey: "orderId" });
    const tableName = await promiseOf(result.tableName!);
    for (const region of ["us-east-1", "us-west-2", "eu-west-1"]) {
      const fn = resources.ofType(FUNCTION).find((f) => f.region === region)!;
      expect(fn.inputs.environment.variables.TABLE_NAME, region).to.equal(tableName);
      const policy = resources.get(ROLE_POLICY, `orders-${region}-orders-role-policy`);
      const arn = `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${tableName}`;
      expect(tableStatementOf(policy.inputs.policy).Resource, region).to.deep.equal([
        arn,
        `${arn}/index/*`,
      ]);
    }
  });

  it("names in each region's policy the ARN the table reports for that region's replica", async () => {
    const { resources } = await activePassive({});
    const table = resources.ofType(TABLE)[0];
    const replicaArns: Record<string, string> = Object.fromEntries(
      table.outputs.replicas.map((r: any) => [r.regionName, r.arn]),
    );
    for (const region of ["us-west-2", "eu-west-1"]) {
      const policy = resources.get(ROLE_POLICY, `orders-${region}-orders-role-policy`);
      expect(tableStatementOf(policy.inputs.policy).Resource[0]).to.equal(replicaArns[region]);
    }
  });

  it("puts the table in the first of the active-active regions", async () => {
    const args: MultiRegionServiceArgs = {
      topology: "active-active",
      regions: ["eu-west-1", "us-east-1"],
      routing: "latency",
      ...shape,
      table: {},
    };
    const { resources } = await runService(args);
    resources.hasResourceProperties(TABLE, {
      region: "eu-west-1",
      replicas: [{ regionName: "us-east-1" }],
    });
  });

  it("creates no table and no TABLE_NAME without one", async () => {
    const { resources, result } = await activePassive(undefined as any, ["us-west-2"]);
    resources.resourceCountIs(TABLE, 0);
    expect(result.table).to.equal(undefined);
    for (const fn of resources.ofType(FUNCTION)) {
      expect(fn.inputs.environment.variables.TABLE_NAME).to.equal(undefined);
    }
  });
});
