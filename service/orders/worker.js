// @ts-check
/**
 * The orders worker, the bundled program's event-source example (issue 17). Lambda invokes it
 * through its `live` alias, from two sources:
 *   - an SQS queue of orders to import from another system, one per message, body
 *     { orderId, customerId, items: [{ productId, quantity, unitPrice }] }. Each valid order is
 *     written to the table once (SQS delivers at least once: an orderId already there counts as
 *     done). The handler answers with a partial batch response (`batchItemFailures`, Lambda
 *     Developer Guide, "Handling errors for an SQS event source"), so only the failed messages
 *     return to the queue, and after `maxReceiveCount` receives go to its dead-letter queue. A batch
 *     where every message failed throws instead, so Lambda counts an error and the deployment
 *     alarms see a version that cannot import anything.
 *   - an EventBridge Scheduler schedule: writes this region's heartbeat item
 *     (`orderId` = `heartbeat#<region>`, `lastRunAt`), which shows an operator that the
 *     scheduled path ran in that region, and when.
 * Environment: TABLE_NAME (required), ENVIRONMENT, LOG_LEVEL, AWS_REGION (set by Lambda).
 */
const { validateOrder } = require("./index");

const LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

/** @param {string} level @param {string} message @param {Record<string, unknown>} [fields] */
function log(level, message, fields = {}) {
  const threshold = LEVELS.indexOf(process.env.LOG_LEVEL || "INFO");
  if (LEVELS.indexOf(level) >= threshold) {
    console.log(
      JSON.stringify({ level, message, environment: process.env.ENVIRONMENT, ...fields }),
    );
  }
}

/** Lazily loaded: the Node.js runtimes include AWS SDK v3. */
function ddb() {
  return require("@aws-sdk/client-dynamodb");
}

/**
 * Builds the handler around a DynamoDB client (injected in tests).
 * @param {{ send(command: any): Promise<any> }} dynamodb
 * @param {{ tableName: string, region?: string, now?: () => Date }} options
 */
function createWorker(dynamodb, options) {
  const { tableName, region = "unknown", now = () => new Date() } = options;

  /** Writes one imported order; throws when it is invalid or cannot be written. @param {string} body */
  async function importOrder(body) {
    const parsed = JSON.parse(body);
    const orderId = parsed?.orderId;
    if (typeof orderId !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(orderId)) {
      throw new Error("orderId must be 1-64 letters, digits, _ or -");
    }
    const order = validateOrder(parsed);
    try {
      await dynamodb.send(
        new (ddb().PutItemCommand)({
          TableName: tableName,
          Item: {
            orderId: { S: orderId },
            customerId: { S: order.customerId },
            items: { S: JSON.stringify(order.items) },
            total: { N: String(order.total) },
            status: { S: "PENDING" },
            createdAt: { S: now().toISOString() },
            region: { S: region },
            source: { S: "import" },
          },
          ConditionExpression: "attribute_not_exists(orderId)",
        }),
      );
    } catch (error) {
      // A redelivered message: the order was written the first time.
      if (/** @type {any} */ (error)?.name === "ConditionalCheckFailedException")
        return "duplicate";
      throw error;
    }
    return "imported";
  }

  /** @param {any} event */
  return async function worker(event) {
    if (Array.isArray(event?.Records)) {
      /** @type {{ itemIdentifier: string }[]} */
      const batchItemFailures = [];
      for (const record of event.Records) {
        try {
          const outcome = await importOrder(record.body);
          log("INFO", `order ${outcome}`, { messageId: record.messageId });
        } catch (error) {
          log("WARN", "order not imported", {
            messageId: record.messageId,
            error: error instanceof Error ? error.message : String(error),
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      // A batch where every message failed throws instead: a partial batch response ends the
      // invocation successfully, so Lambda's Errors metric (which the deployment alarms watch)
      // would stay 0 for a version that fails everything (Lambda Developer Guide, "Handling
      // errors for an SQS event source": a thrown error fails the whole batch, and those messages
      // return to the queue just as listed failures do).
      if (event.Records.length > 0 && batchItemFailures.length === event.Records.length) {
        throw new Error(
          `all ${event.Records.length} messages of the batch failed to import; see the WARN lines above`,
        );
      }
      return { batchItemFailures };
    }
    // EventBridge Scheduler: the input given to the schedule (the program sends `{"task":"heartbeat"}`).
    const lastRunAt = now().toISOString();
    await dynamodb.send(
      new (ddb().PutItemCommand)({
        TableName: tableName,
        Item: {
          orderId: { S: `heartbeat#${region}` },
          lastRunAt: { S: lastRunAt },
          task: { S: String(event?.task ?? "heartbeat") },
        },
      }),
    );
    log("INFO", "heartbeat written", { region, lastRunAt });
    return { heartbeat: `heartbeat#${region}`, lastRunAt };
  };
}

/** @type {ReturnType<typeof createWorker> | undefined} */
let cached;

/** The Lambda entry point. @param {any} event */
async function handler(event) {
  if (!cached) {
    const tableName = process.env.TABLE_NAME;
    if (!tableName) throw new Error("TABLE_NAME is not set: the worker writes to the orders table");
    const region = process.env.AWS_REGION;
    cached = createWorker(new (ddb().DynamoDBClient)({ region }), { tableName, region });
  }
  return cached(event);
}

module.exports = { handler, createWorker };
