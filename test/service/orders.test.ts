import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const orders = require("../../service/orders") as {
  createHandler(
    dynamodb: DynamoDBClient | undefined,
    options: Record<string, unknown>,
  ): (event: any) => Promise<any>;
  validateOrder(body: unknown): { customerId: string; total: number };
};

const dynamodb = mockClient(DynamoDBClient);

function request(method: string, rawPath: string, body?: unknown) {
  return {
    rawPath,
    requestContext: { http: { method } },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

function handler() {
  return orders.createHandler(new DynamoDBClient({ region: "eu-west-1" }), {
    tableName: "orders",
    region: "eu-west-1",
    now: () => new Date("2026-11-26T12:00:00Z"),
    newId: () => "order-1",
  });
}

describe("orders service", () => {
  const logLevel = process.env.LOG_LEVEL;
  before(() => {
    process.env.LOG_LEVEL = "FATAL"; // the handler's own request logs would clutter the report
  });
  after(() => {
    if (logLevel === undefined) {
      delete process.env.LOG_LEVEL;
    } else {
      process.env.LOG_LEVEL = logLevel;
    }
  });
  beforeEach(() => dynamodb.reset());

  describe("validateOrder", () => {
    it("totals the items in cents, without floating-point drift", () => {
      const order = orders.validateOrder({
        customerId: "c-1",
        items: [
          { productId: "p-1", quantity: 3, unitPrice: 0.1 },
          { productId: "p-2", quantity: 1, unitPrice: 0.2 },
        ],
      });
      expect(order.total).to.equal(0.5);
    });

    for (const [body, message] of [
      [null, "the body must be a JSON object"],
      [{ items: [{}] }, "customerId must be a non-empty string"],
      [{ customerId: "c", items: [] }, "items must be a non-empty array"],
      [
        { customerId: "c", items: [{ productId: "p", quantity: 0, unitPrice: 1 }] },
        "items[0].quantity must be a whole number, 1 or more",
      ],
      [
        { customerId: "c", items: [{ productId: "p", quantity: 1, unitPrice: -1 }] },
        "items[0].unitPrice must be a number, 0 or more",
      ],
    ] as [unknown, string][]) {
      it(`rejects ${JSON.stringify(body)}: ${message}`, () => {
        expect(() => orders.validateOrder(body)).to.throw(message);
      });
    }
  });

  it("POST /orders stores the order in this region's table and returns 201", async () => {
    // PutItem without ReturnValues answers no attributes (DynamoDB API Reference, PutItem).
    dynamodb.on(PutItemCommand).resolves({});
    const response = await handler()(
      request("POST", "/orders", {
        customerId: "c-1",
        items: [{ productId: "p-1", quantity: 2, unitPrice: 10 }],
      }),
    );
    expect(response.statusCode).to.equal(201);
    expect(JSON.parse(response.body)).to.include({
      orderId: "order-1",
      total: 20,
      status: "PENDING",
      region: "eu-west-1",
    });
    const put = dynamodb.commandCalls(PutItemCommand)[0].args[0].input;
    expect(put.TableName).to.equal("orders");
    expect(put.Item?.orderId).to.deep.equal({ S: "order-1" });
    expect(put.ConditionExpression).to.equal("attribute_not_exists(orderId)");
  });

  it("POST /orders answers 400 with the validation problem", async () => {
    const response = await handler()(request("POST", "/orders", { customerId: "c-1", items: [] }));
    expect(response.statusCode).to.equal(400);
    expect(JSON.parse(response.body).message).to.equal("items must be a non-empty array");
    expect(dynamodb.commandCalls(PutItemCommand)).to.have.length(0);
  });

  it("GET /orders/{id} returns the stored order, 404 when absent", async () => {
    // GetItem answers the Item in attribute-value form, and no Item when the key is absent
    // (DynamoDB API Reference, GetItem Response Elements).
    dynamodb
      .on(GetItemCommand, { Key: { orderId: { S: "order-1" } } })
      .resolves({
        Item: {
          orderId: { S: "order-1" },
          customerId: { S: "c-1" },
          items: { S: "[]" },
          total: { N: "20" },
          status: { S: "PENDING" },
          createdAt: { S: "2026-11-26T12:00:00.000Z" },
        },
      })
      .on(GetItemCommand, { Key: { orderId: { S: "missing" } } })
      .resolves({});
    const found = await handler()(request("GET", "/orders/order-1"));
    expect(found.statusCode).to.equal(200);
    expect(JSON.parse(found.body)).to.include({ orderId: "order-1", total: 20 });
    expect((await handler()(request("GET", "/orders/missing"))).statusCode).to.equal(404);
  });

  it("GET /health is 200 when the region's table is active and 503 when it is not reachable", async () => {
    dynamodb
      .on(DescribeTableCommand)
      // DescribeTable's Table.TableStatus (DynamoDB API Reference, TableDescription); then the
      // network error the SDK raises when the endpoint does not answer (Node's ETIMEDOUT).
      .resolvesOnce({ Table: { TableStatus: "ACTIVE" } })
      .rejects(
        Object.assign(new Error("connect ETIMEDOUT"), { name: "TimeoutError", code: "ETIMEDOUT" }),
      );
    const healthy = await handler()(request("GET", "/health"));
    expect(healthy.statusCode).to.equal(200);
    expect(JSON.parse(healthy.body)).to.deep.include({ status: "ok", region: "eu-west-1" });
    const unhealthy = await handler()(request("GET", "/health"));
    expect(unhealthy.statusCode).to.equal(503);
  });

  it("GET /health is 503 while the table is being deleted or created", async () => {
    // TableStatus values: CREATING | UPDATING | DELETING | ACTIVE | ... (TableDescription).
    dynamodb.on(DescribeTableCommand).resolves({ Table: { TableStatus: "DELETING" } });
    expect((await handler()(request("GET", "/health"))).statusCode).to.equal(503);
  });

  it("rethrows storage failures so Lambda counts an error for the deployment alarms", async () => {
    // PutItem's ProvisionedThroughputExceededException, HTTP 400 (DynamoDB API Reference, PutItem Errors).
    dynamodb.on(PutItemCommand).rejects(
      Object.assign(
        new Error("The level of configured provisioned throughput for the table was exceeded."),
        {
          name: "ProvisionedThroughputExceededException",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
        },
      ),
    );
    let thrown: unknown;
    try {
      await handler()(
        request("POST", "/orders", {
          customerId: "c",
          items: [{ productId: "p", quantity: 1, unitPrice: 1 }],
        }),
      );
    } catch (error) {
      thrown = error;
    }
    expect(String(thrown)).to.include("ProvisionedThroughputExceededException");
  });

  it("without a table, serves /health and refuses orders with 503", async () => {
    const tableless = orders.createHandler(undefined, { region: "us-east-1" });
    expect((await tableless(request("GET", "/health"))).statusCode).to.equal(200);
    expect((await tableless(request("POST", "/orders", {}))).statusCode).to.equal(503);
  });

  describe("DRILL_FAIL_REQUESTS (the rollback drill's failing version)", () => {
    const failing = () =>
      orders.createHandler(new DynamoDBClient({ region: "eu-west-1" }), {
        tableName: "orders",
        region: "eu-west-1",
        failRequests: true,
      });

    it("fails every order request with a function error, which Lambda counts in Errors", async () => {
      for (const event of [
        request("POST", "/orders", { customerId: "c-1", items: [] }),
        request("GET", "/orders/order-1"),
      ]) {
        let thrown: unknown;
        try {
          await failing()(event);
        } catch (error) {
          thrown = error;
        }
        expect(String(thrown)).to.contain("DRILL_FAIL_REQUESTS is set");
      }
      expect(dynamodb.calls()).to.have.length(0);
    });

    it("still answers /health, so the pre-traffic smoke test lets the shift start", async () => {
      // DescribeTable output shape: DynamoDB API reference, DescribeTable (Table.TableStatus).
      dynamodb.on(DescribeTableCommand).resolves({ Table: { TableStatus: "ACTIVE" } });
      const response = await failing()(request("GET", "/health"));
      expect(response.statusCode).to.equal(200);
    });

    it("is read from the environment by the Lambda entry point, only when exactly true", async () => {
      const modulePath = require.resolve("../../service/orders");
      const entryPoint = async (flag: string) => {
        delete require.cache[modulePath];
        process.env.DRILL_FAIL_REQUESTS = flag;
        delete process.env.TABLE_NAME;
        try {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          return await require(modulePath).handler(request("GET", "/orders/order-1"));
        } catch (error) {
          return String(error);
        } finally {
          delete process.env.DRILL_FAIL_REQUESTS;
          delete require.cache[modulePath];
        }
      };
      expect(await entryPoint("true")).to.contain("DRILL_FAIL_REQUESTS is set");
      // Any other value serves normally (here: no table in this environment, 503).
      expect((await entryPoint("yes")).statusCode).to.equal(503);
    });
  });
});
