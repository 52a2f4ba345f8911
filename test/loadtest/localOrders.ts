// A local stand-in for one region of the deployed orders API: an HTTP server that turns each
// request into the API Gateway HTTP API event (payload format 2.0) the bundled handler
// (service/orders) receives, and its answer back into HTTP, as API Gateway does. Orders are kept
// in memory, shared by the regions like a global table.
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import * as http from "http";
import type { AddressInfo } from "net";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const orders = require("../../service/orders") as {
  createHandler(
    dynamodb: { send(command: unknown): Promise<unknown> },
    options: { tableName: string; region: string; failRequests?: boolean },
  ): (event: unknown) => Promise<{
    statusCode: number;
    headers?: Record<string, string>;
    body?: string;
  }>;
};

/** The table's items by orderId (DynamoDB attribute-value maps, as PutItem stored them). */
export type OrdersTable = Map<string, Record<string, unknown>>;

/**
 * DynamoDB as the handler calls it. Shapes from the DynamoDB API reference: DescribeTable
 * answers `Table.TableStatus` ("ACTIVE"); GetItem answers `Item` as an attribute-value map, or
 * no `Item` when the key is absent; PutItem with `attribute_not_exists` answers `{}` (its
 * ConditionalCheckFailedException cannot happen here: ids are random UUIDs).
 */
function fakeDynamoDb(table: OrdersTable) {
  return {
    async send(command: unknown): Promise<unknown> {
      if (command instanceof DescribeTableCommand) {
        return { Table: { TableName: command.input.TableName, TableStatus: "ACTIVE" } };
      }
      if (command instanceof PutItemCommand) {
        const item = command.input.Item as Record<string, { S?: string }>;
        table.set(item.orderId.S!, item);
        return {};
      }
      if (command instanceof GetItemCommand) {
        const key = (command.input.Key as Record<string, { S?: string }>).orderId.S!;
        const item = table.get(key);
        return item ? { Item: item } : {};
      }
      throw new Error(`the local orders table does not answer ${String(command)}`);
    },
  };
}

/** One running local region. */
export interface LocalRegion {
  readonly url: string;
  /** Requests answered, by status code. */
  readonly statusCounts: Map<number, number>;
  close(): Promise<void>;
}

/**
 * Serves the orders handler on 127.0.0.1 (a free port). `failRequests` is the rollback drill's
 * failing version (DRILL_FAIL_REQUESTS=true): every order request throws.
 */
export async function startLocalRegion(
  region: string,
  table: OrdersTable,
  { failRequests = false } = {},
): Promise<LocalRegion> {
  const handler = orders.createHandler(fakeDynamoDb(table), {
    tableName: "orders-local",
    region,
    failRequests,
  });
  const statusCounts = new Map<number, number>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://localhost");
      const body = Buffer.concat(chunks).toString("utf8");
      // The payload 2.0 event fields the handler reads (API Gateway developer guide, "Create
      // AWS Lambda proxy integrations for HTTP APIs", payload format version 2.0).
      const event = {
        version: "2.0",
        routeKey: "$default",
        rawPath: url.pathname,
        rawQueryString: url.search.replace(/^\?/, ""),
        headers: request.headers,
        requestContext: { http: { method: request.method, path: url.pathname } },
        body,
        isBase64Encoded: false,
      };
      const answer = (status: number, headers: Record<string, string>, text: string) => {
        statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1);
        response.writeHead(status, headers).end(text);
      };
      handler(event).then(
        (result) => answer(result.statusCode, result.headers ?? {}, result.body ?? ""),
        // A function error: API Gateway answers 500 `{"message":"Internal Server Error"}`
        // (same guide: the integration fails when Lambda returns an error).
        () =>
          answer(
            500,
            { "content-type": "application/json" },
            JSON.stringify({ message: "Internal Server Error" }),
          ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    statusCounts,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      ),
  };
}
