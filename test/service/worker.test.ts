// The orders worker (issue 17): imports orders from SQS with a partial batch response, and
// writes its region's heartbeat when EventBridge Scheduler invokes it.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createWorker } = require("../../service/orders/worker");

const dynamodb = mockClient(DynamoDBClient);
const now = () => new Date("2026-12-01T03:00:00.000Z");

/**
 * An SQS record as Lambda delivers it (shape: Lambda Developer Guide, "Using Lambda with Amazon
 * SQS", example standard queue message event); only the fields the worker reads vary.
 */
function sqsRecord(messageId: string, body: unknown) {
  return {
    messageId,
    receiptHandle: "MessageReceiptHandle",
    body: typeof body === "string" ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "1523232000000",
      SenderId: "123456789012",
      ApproximateFirstReceiveTimestamp: "1523232000001",
    },
    messageAttributes: {},
    md5OfBody: "7b270e59b47ff90a553787216d55d91d",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:orders-worker-imports-queue",
    awsRegion: "us-east-1",
  };
}

const order = (orderId: string) => ({
  orderId,
  customerId: "c-1",
  items: [{ productId: "p-1", quantity: 2, unitPrice: 2.5 }],
});

describe("orders worker", () => {
  const logLevel = process.env.LOG_LEVEL;
  before(() => (process.env.LOG_LEVEL = "FATAL"));
  after(() =>
    logLevel === undefined ? delete process.env.LOG_LEVEL : (process.env.LOG_LEVEL = logLevel),
  );
  beforeEach(() => dynamodb.reset());

  const worker = () =>
    createWorker(new DynamoDBClient({ region: "us-east-1" }), {
      tableName: "orders",
      region: "us-east-1",
      now,
    });

  it("imports each valid order once and reports only the failed messages (partial batch response)", async () => {
    // PutItem's success output is empty unless ReturnValues is set (DynamoDB API reference, PutItem).
    dynamodb.on(PutItemCommand).resolves({});
    const result = await worker()({
      Records: [
        sqsRecord("m-1", order("o-1")),
        sqsRecord("m-2", "not json"),
        sqsRecord("m-3", { ...order("o-3"), items: [] }),
        sqsRecord("m-4", order("o-4")),
      ],
    });
    expect(result).to.deep.equal({
      batchItemFailures: [{ itemIdentifier: "m-2" }, { itemIdentifier: "m-3" }],
    });
    const puts = dynamodb.commandCalls(PutItemCommand).map((call) => call.args[0].input);
    expect(puts.map((put) => put.Item?.orderId)).to.deep.equal([{ S: "o-1" }, { S: "o-4" }]);
    expect(puts[0]).to.deep.include({
      TableName: "orders",
      ConditionExpression: "attribute_not_exists(orderId)",
    });
    expect(puts[0].Item).to.deep.include({ total: { N: "5" }, source: { S: "import" } });
  });

  it("counts a redelivered order already written as done, and a DynamoDB failure as a failed message", async () => {
    dynamodb
      .on(PutItemCommand, { Item: { orderId: { S: "o-1" } } } as never)
      // The SDK's modeled error for a failed condition (DynamoDB API reference, PutItem errors).
      .rejects(
        new ConditionalCheckFailedException({
          message: "The conditional request failed",
          $metadata: {},
        }),
      )
      .on(PutItemCommand, { Item: { orderId: { S: "o-2" } } } as never)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    const result = await worker()({
      Records: [sqsRecord("m-1", order("o-1")), sqsRecord("m-2", order("o-2"))],
    });
    expect(result).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "m-2" }] });
  });

  it("throws when every message of the batch failed, so Lambda's Errors metric counts it", async () => {
    dynamodb
      .on(PutItemCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    let thrown: unknown;
    try {
      await worker()({
        Records: [sqsRecord("m-1", order("o-1")), sqsRecord("m-2", "not json")],
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(Error);
    expect((thrown as Error).message).to.equal(
      "all 2 messages of the batch failed to import; see the WARN lines above",
    );
  });

  it("writes its region's heartbeat when the schedule invokes it", async () => {
    dynamodb.on(PutItemCommand).resolves({});
    const result = await worker()({ task: "heartbeat" });
    expect(result).to.deep.equal({
      heartbeat: "heartbeat#us-east-1",
      lastRunAt: "2026-12-01T03:00:00.000Z",
    });
    expect(dynamodb.commandCalls(PutItemCommand)[0].args[0].input).to.deep.equal({
      TableName: "orders",
      Item: {
        orderId: { S: "heartbeat#us-east-1" },
        lastRunAt: { S: "2026-12-01T03:00:00.000Z" },
        task: { S: "heartbeat" },
      },
    });
  });
});
