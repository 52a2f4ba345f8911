// @ts-check
/**
 * The orders API, the bundled program's example service (an HTTP API, payload format 2.0):
 *   POST /orders        create an order: { customerId, items: [{ productId, quantity, unitPrice }] }
 *   GET  /orders/{id}   read an order
 *   GET  /health        200 when this region can serve: the function runs and its region's
 *                       table answers; 503 otherwise (Route 53 health checks call it)
 *
 * Plain CommonJS so Lambda runs it as shipped; the Node.js 18+ runtimes include AWS SDK v3.
 * Environment: TABLE_NAME (optional: without a table, orders are rejected with 503),
 * ENVIRONMENT, LOG_LEVEL, AWS_REGION (set by Lambda); APPCONFIG_APPLICATION,
 * APPCONFIG_ENVIRONMENT, APPCONFIG_PROFILE and FEATURE_FLAGS_READER name the feature flags
 * (flags.js). The flag `newOrderValidation` switches POST /orders from the legacy validation
 * to the new one; every response of POST /orders and GET /health says which one ran
 * (`x-order-validation` header, `orderValidation` in the health body). DRILL_FAIL_REQUESTS.
 *
 * DRILL_FAIL_REQUESTS=true makes a version fail every order request with a function error (what
 * the deployment alarms count: Lambda `Errors`) while /health still answers, so a rollback drill
 * can publish a bad version that passes the pre-traffic smoke test and is then stopped by the
 * alarm during the traffic shift (docs/operations.md).
 */
const { randomUUID } = require("crypto");
const { flagReaderFromEnvironment } = require("./flags");

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

class ValidationError extends Error {
  /** Which validation refused the order ("new" or "legacy"), for the response header. */
  validation = "";
}

/**
 * Validates an order request and computes its total (pure business logic).
 * @param {unknown} body
 * @returns {{ customerId: string, items: { productId: string, quantity: number, unitPrice: number }[], total: number }}
 */
function validateOrder(body) {
  if (typeof body !== "object" || body === null) {
    throw new ValidationError("the body must be a JSON object");
  }
  const { customerId, items } = /** @type {Record<string, unknown>} */ (body);
  if (typeof customerId !== "string" || customerId.trim() === "") {
    throw new ValidationError("customerId must be a non-empty string");
  }
  if (!Array.isArray(items) || items.length === 0) {
    throw new ValidationError("items must be a non-empty array");
  }
  if (items.length > 100) {
    throw new ValidationError("an order holds at most 100 items");
  }
  const checked = items.map((item, i) => {
    const { productId, quantity, unitPrice } = item ?? {};
    if (typeof productId !== "string" || productId === "") {
      throw new ValidationError(`items[${i}].productId must be a non-empty string`);
    }
    if (!Number.isInteger(quantity) || quantity < 1) {
      throw new ValidationError(`items[${i}].quantity must be a whole number, 1 or more`);
    }
    if (typeof unitPrice !== "number" || !Number.isFinite(unitPrice) || unitPrice < 0) {
      throw new ValidationError(`items[${i}].unitPrice must be a number, 0 or more`);
    }
    return { productId, quantity, unitPrice };
  });
  // Totals in cents avoid floating-point drift (0.1 + 0.2).
  const cents = checked.reduce(
    (sum, item) => sum + Math.round(item.unitPrice * 100) * item.quantity,
    0,
  );
  return { customerId, items: checked, total: cents / 100 };
}

/** Lines an order may hold under the new validation unless the flag's `maxItems` says otherwise. */
const DEFAULT_MAX_ITEMS = 50;

/**
 * The new validation (flag `newOrderValidation`): the legacy rules, plus each product on one
 * line only, prices in whole cents, and at most `maxItems` lines (the flag's attribute).
 * @param {unknown} body
 * @param {{ maxItems?: unknown }} [attributes] the flag's attributes
 */
function validateOrderStrict(body, attributes = {}) {
  const order = validateOrder(body);
  const maxItems =
    Number.isInteger(attributes.maxItems) && Number(attributes.maxItems) > 0
      ? Number(attributes.maxItems)
      : DEFAULT_MAX_ITEMS;
  if (order.items.length > maxItems) {
    throw new ValidationError(`an order holds at most ${maxItems} items`);
  }
  const seen = new Set();
  order.items.forEach((item, i) => {
    if (seen.has(item.productId)) {
      throw new ValidationError(
        `items[${i}].productId ${item.productId} is on another line already: one line per product`,
      );
    }
    seen.add(item.productId);
    if (Math.round(item.unitPrice * 100) !== item.unitPrice * 100) {
      throw new ValidationError(`items[${i}].unitPrice must be in whole cents`);
    }
  });
  return order;
}

/** @param {number} statusCode @param {unknown} body @param {Record<string, string>} [headers] */
function respond(statusCode, body, headers = {}) {
  return {
    statusCode,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Builds the handler around a DynamoDB client and a flag reader (injected in tests).
 * @param {{ send(command: any): Promise<any> } | undefined} dynamodb
 * @param {{ tableName?: string, region?: string, now?: () => Date, newId?: () => string, readFlags?: () => Promise<Record<string, any>>, failRequests?: boolean }} options
 */
function createHandler(dynamodb, options) {
  const {
    tableName,
    region = "unknown",
    now = () => new Date(),
    newId = randomUUID,
    failRequests = false,
  } = options;
  /** The last flags AppConfig served; kept through a transient read failure. */
  /** @type {Record<string, any> | undefined} */
  let lastFlags;
  /**
   * The flags now and where they came from: `appconfig` (read now, or the last read when this
   * one failed) or `fallback` (never read: every flag off, the legacy paths). Never an error.
   */
  const currentFlags = async () => {
    if (!options.readFlags) return { flags: {}, source: "fallback" };
    try {
      lastFlags = (await options.readFlags()) ?? {};
      return { flags: lastFlags, source: "appconfig" };
    } catch (error) {
      if (lastFlags !== undefined) {
        log("WARN", "feature flags unavailable; keeping the last flags read", {
          error: String(error),
        });
        return { flags: lastFlags, source: "appconfig", stale: true };
      }
      log("WARN", "feature flags unavailable; using the legacy paths", { error: String(error) });
      return { flags: {}, source: "fallback" };
    }
  };
  /** Which order validation the flags select, the flag's attributes, and the flags' source. */
  const orderValidation = async () => {
    const { flags, source, stale } = await currentFlags();
    const flag = flags.newOrderValidation;
    const read = { source, ...(stale ? { stale: true } : {}) };
    return flag?.enabled === true
      ? { path: "new", attributes: flag, flags: read }
      : { path: "legacy", attributes: {}, flags: read };
  };
  // Lazily required so the pure parts load without the SDK.
  const ddb = () => require("@aws-sdk/client-dynamodb");

  /** @param {any} event */
  return async function handler(event) {
    const method = event?.requestContext?.http?.method;
    const path = event?.rawPath ?? "";
    try {
      if (method === "GET" && path === "/health") {
        // `flags.source` says whether AppConfig's flags were readable (the pre-traffic smoke
        // test requires `appconfig`); `orderValidation` is what they selected.
        const { path: validation, flags } = await orderValidation();
        if (!tableName || !dynamodb) {
          return respond(200, {
            status: "ok",
            region,
            orderValidation: validation,
            flags,
            checks: { function: "ok" },
          });
        }
        const table = await dynamodb.send(
          new (ddb().DescribeTableCommand)({ TableName: tableName }),
        );
        const status = table?.Table?.TableStatus;
        const healthy = status === "ACTIVE" || status === "UPDATING";
        return respond(healthy ? 200 : 503, {
          status: healthy ? "ok" : "unavailable",
          region,
          orderValidation: validation,
          flags,
          checks: { function: "ok", table: status ?? "unknown" },
        });
      }
      if (failRequests) {
        throw new Error(
          "DRILL_FAIL_REQUESTS is set: this version fails on purpose (rollback drill)",
        );
      }
      if (!tableName || !dynamodb) {
        return respond(503, {
          message: "orders are not stored in this environment (no TABLE_NAME)",
        });
      }
      if (method === "POST" && path === "/orders") {
        let body;
        try {
          body = JSON.parse(
            event.isBase64Encoded
              ? Buffer.from(event.body ?? "", "base64").toString()
              : (event.body ?? ""),
          );
        } catch {
          return respond(400, { message: "the body must be JSON" });
        }
        const validation = await orderValidation();
        const validated = (() => {
          try {
            return validation.path === "new"
              ? validateOrderStrict(body, validation.attributes)
              : validateOrder(body);
          } catch (error) {
            if (error instanceof ValidationError) error.validation = validation.path;
            throw error;
          }
        })();
        const order = {
          orderId: newId(),
          ...validated,
          status: "PENDING",
          createdAt: now().toISOString(),
          region,
        };
        await dynamodb.send(
          new (ddb().PutItemCommand)({
            TableName: tableName,
            Item: {
              orderId: { S: order.orderId },
              customerId: { S: order.customerId },
              items: { S: JSON.stringify(order.items) },
              total: { N: String(order.total) },
              status: { S: order.status },
              createdAt: { S: order.createdAt },
              region: { S: region },
            },
            ConditionExpression: "attribute_not_exists(orderId)",
          }),
        );
        log("INFO", "order created", {
          orderId: order.orderId,
          total: order.total,
          orderValidation: validation.path,
        });
        return respond(201, order, { "x-order-validation": validation.path });
      }
      const match = /^\/orders\/([A-Za-z0-9-]{1,64})$/.exec(path);
      if (method === "GET" && match) {
        const result = await dynamodb.send(
          new (ddb().GetItemCommand)({ TableName: tableName, Key: { orderId: { S: match[1] } } }),
        );
        if (!result.Item) {
          return respond(404, { message: `order ${match[1]} not found` });
        }
        const item = result.Item;
        return respond(200, {
          orderId: item.orderId.S,
          customerId: item.customerId.S,
          items: JSON.parse(item.items.S),
          total: Number(item.total.N),
          status: item.status.S,
          createdAt: item.createdAt.S,
          region: item.region?.S,
        });
      }
      return respond(404, { message: `no route for ${method} ${path}` });
    } catch (error) {
      if (error instanceof ValidationError) {
        return respond(
          400,
          { message: error.message },
          error.validation ? { "x-order-validation": error.validation } : {},
        );
      }
      log("ERROR", "request failed", { error: String(error), method, path });
      if (path === "/health") {
        return respond(503, { status: "unavailable", region, error: String(error) });
      }
      // Rethrown so Lambda counts an error: the deployment alarms watch the Errors metric.
      throw error;
    }
  };
}

/** @type {ReturnType<typeof createHandler> | undefined} */
let cached;

/** The Lambda entry point. @param {any} event */
async function handler(event) {
  if (!cached) {
    const tableName = process.env.TABLE_NAME || undefined;
    const region = process.env.AWS_REGION;
    const dynamodb = tableName
      ? new (require("@aws-sdk/client-dynamodb").DynamoDBClient)({ region })
      : undefined;
    cached = createHandler(dynamodb, {
      tableName,
      region,
      readFlags: flagReaderFromEnvironment(process.env),
      failRequests: process.env.DRILL_FAIL_REQUESTS === "true",
    });
  }
  return cached(event);
}

module.exports = { handler, createHandler, validateOrder, validateOrderStrict, ValidationError };
