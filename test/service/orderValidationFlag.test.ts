// The orders service's flag `newOrderValidation`: the new validation when it is on, the legacy
// one otherwise, read through the AppConfig Lambda extension or through AppConfig Data.
import {
  AppConfigDataClient,
  BadRequestException,
  GetLatestConfigurationCommand,
  StartConfigurationSessionCommand,
  ThrottlingException,
} from "@aws-sdk/client-appconfigdata";
import { DescribeTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const orders = require("../../service/orders");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const flags = require("../../service/orders/flags");

const dynamodb = mockClient(DynamoDBClient);
const appConfigData = mockClient(AppConfigDataClient);

function post(body: unknown) {
  return {
    rawPath: "/orders",
    requestContext: { http: { method: "POST" } },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}
const health = { rawPath: "/health", requestContext: { http: { method: "GET" } } };

/** Two lines of the same product: the legacy validation takes it, the new one does not. */
const duplicateLines = {
  customerId: "c-1",
  items: [
    { productId: "p-1", quantity: 1, unitPrice: 2.5 },
    { productId: "p-1", quantity: 2, unitPrice: 2.5 },
  ],
};

function handler(readFlags?: () => Promise<unknown>) {
  return orders.createHandler(new DynamoDBClient({ region: "us-east-1" }), {
    tableName: "orders",
    region: "us-east-1",
    newId: () => "order-1",
    readFlags,
  });
}

/**
 * A stand-in for the AppConfig Agent Lambda extension: it serves
 * GET /applications/<app>/environments/<env>/configurations/<profile> with the profile's
 * simplified feature-flag JSON (path shape: AppConfig User Guide, "Retrieving configuration
 * data from the AWS AppConfig Agent Lambda extension"; body shape: "Understanding the type
 * reference for AWS.AppConfig.FeatureFlags", the JSON GetLatestConfiguration returns). It
 * listens on a free port, given to the reader as AWS_APPCONFIG_EXTENSION_HTTP_PORT is.
 */
async function fakeExtension(
  body: unknown,
): Promise<{ port: number; paths: string[]; close(): void }> {
  const paths: string[] = [];
  const server = http.createServer((request, response) => {
    paths.push(request.url ?? "");
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    paths,
    close: () => server.close(),
  };
}

describe("orders service: newOrderValidation", () => {
  const logLevel = process.env.LOG_LEVEL;
  before(() => {
    process.env.LOG_LEVEL = "FATAL";
  });
  after(() => {
    process.env.LOG_LEVEL = logLevel;
  });
  beforeEach(() => {
    dynamodb.reset();
    appConfigData.reset();
    // PutItem answers {} on success (DynamoDB API reference, PutItem: no ReturnValues asked).
    dynamodb.on(PutItemCommand).resolves({});
    // DescribeTable: Table.TableStatus (DynamoDB API reference, DescribeTable).
    dynamodb.on(DescribeTableCommand).resolves({ Table: { TableStatus: "ACTIVE" } });
  });

  it("flag off: the legacy validation takes two lines of one product", async () => {
    const response = await handler(async () => ({ newOrderValidation: { enabled: false } }))(
      post(duplicateLines),
    );
    expect(response.statusCode).to.equal(201);
    expect(response.headers["x-order-validation"]).to.equal("legacy");
  });

  it("flag on: the new validation refuses them, and enforces the flag's maxItems", async () => {
    const on = handler(async () => ({ newOrderValidation: { enabled: true, maxItems: 1 } }));
    const duplicate = await on(post(duplicateLines));
    expect(duplicate.statusCode).to.equal(400);
    expect(duplicate.headers["x-order-validation"]).to.equal("new");
    expect(JSON.parse(duplicate.body).message).to.equal("an order holds at most 1 items");
    const single = await on(
      post({ customerId: "c-1", items: [{ productId: "p-1", quantity: 1, unitPrice: 2.5 }] }),
    );
    expect(single.statusCode).to.equal(201);
    expect(single.headers["x-order-validation"]).to.equal("new");
    const repeated = await handler(async () => ({ newOrderValidation: { enabled: true } }))(
      post(duplicateLines),
    );
    expect(JSON.parse(repeated.body).message).to.equal(
      "items[1].productId p-1 is on another line already: one line per product",
    );
  });

  it("flags that cannot be read mean the legacy path, not an error", async () => {
    const response = await handler(async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:2772");
    })(post(duplicateLines));
    expect(response.statusCode).to.equal(201);
    expect(response.headers["x-order-validation"]).to.equal("legacy");
  });

  it("/health says which validation the flags select (what the smoke test checks)", async () => {
    const on = await handler(async () => ({ newOrderValidation: { enabled: true } }))(health);
    expect(JSON.parse(on.body)).to.include({ status: "ok", orderValidation: "new" });
    const off = await handler(async () => ({}))(health);
    expect(JSON.parse(off.body)).to.include({ orderValidation: "legacy" });
  });

  it("/health says where the flags came from: appconfig, or fallback when unreadable", async () => {
    const read = await handler(async () => ({ newOrderValidation: { enabled: false } }))(health);
    expect(JSON.parse(read.body)).to.deep.include({
      orderValidation: "legacy",
      flags: { source: "appconfig" },
    });
    // Flag off and flags unreadable both mean legacy; only `flags.source` tells them apart.
    const unreadable = await handler(async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:2772");
    })(health);
    expect(JSON.parse(unreadable.body)).to.deep.include({
      orderValidation: "legacy",
      flags: { source: "fallback" },
    });
    const none = await handler(undefined)(health);
    expect(JSON.parse(none.body).flags).to.deep.equal({ source: "fallback" });
  });

  it("a read failure after a successful read keeps the flags read (stale), not legacy", async () => {
    let fail = false;
    const orderHandler = handler(async () => {
      if (fail) throw new Error("the AppConfig extension answered 500");
      return { newOrderValidation: { enabled: true } };
    });
    await orderHandler(health);
    fail = true;
    const response = await orderHandler(health);
    expect(JSON.parse(response.body)).to.deep.include({
      orderValidation: "new",
      flags: { source: "appconfig", stale: true },
    });
  });

  it("with the extension: reads the profile by name from the extension's endpoint", async () => {
    const extension = await fakeExtension({ newOrderValidation: { enabled: true, maxItems: 10 } });
    try {
      const readFlags = flags.flagReaderFromEnvironment({
        APPCONFIG_APPLICATION: "orders",
        APPCONFIG_ENVIRONMENT: "prod",
        APPCONFIG_PROFILE: "feature-flags",
        AWS_APPCONFIG_EXTENSION_HTTP_PORT: String(extension.port),
      });
      const response = await handler(readFlags)(post(duplicateLines));
      expect(response.headers["x-order-validation"]).to.equal("new");
      expect(response.statusCode).to.equal(400);
      expect(extension.paths).to.deep.equal([
        "/applications/orders/environments/prod/configurations/feature-flags",
      ]);
    } finally {
      extension.close();
    }
  });

  it("without the extension: one configuration session, then the latest configuration as AppConfig polls allow", async () => {
    // StartConfigurationSession answers InitialConfigurationToken; GetLatestConfiguration
    // answers Configuration (bytes, empty when unchanged), NextPollConfigurationToken and
    // NextPollIntervalInSeconds (AppConfig Data API reference; SDK types
    // StartConfigurationSessionCommandOutput and GetLatestConfigurationCommandOutput).
    appConfigData
      .on(StartConfigurationSessionCommand)
      .resolves({ InitialConfigurationToken: "token-1" });
    appConfigData
      .on(GetLatestConfigurationCommand, { ConfigurationToken: "token-1" })
      .resolves({
        Configuration: new TextEncoder().encode(
          JSON.stringify({ newOrderValidation: { enabled: true } }),
        ) as any,
        ContentType: "application/json",
        NextPollConfigurationToken: "token-2",
        NextPollIntervalInSeconds: 60,
      })
      .on(GetLatestConfigurationCommand, { ConfigurationToken: "token-2" })
      .resolves({
        Configuration: new Uint8Array() as any,
        NextPollConfigurationToken: "token-3",
        NextPollIntervalInSeconds: 60,
      });
    let clock = 0;
    const readFlags = flags.sdkFlagReader(new AppConfigDataClient({ region: "us-east-1" }), {
      application: "orders",
      environment: "prod",
      profile: "feature-flags",
      now: () => clock,
    });
    const orderHandler = handler(readFlags);
    expect((await orderHandler(post(duplicateLines))).headers["x-order-validation"]).to.equal(
      "new",
    );
    // Within the poll interval: no call; after it: an empty (unchanged) answer keeps the flags.
    await orderHandler(post(duplicateLines));
    expect(appConfigData.commandCalls(GetLatestConfigurationCommand)).to.have.length(1);
    clock = 61_000;
    expect((await orderHandler(post(duplicateLines))).headers["x-order-validation"]).to.equal(
      "new",
    );
    expect(appConfigData.commandCalls(StartConfigurationSessionCommand)).to.have.length(1);
    expect(
      appConfigData.commandCalls(StartConfigurationSessionCommand)[0].args[0].input,
    ).to.deep.equal({
      ApplicationIdentifier: "orders",
      EnvironmentIdentifier: "prod",
      ConfigurationProfileIdentifier: "feature-flags",
    });
    expect(appConfigData.commandCalls(GetLatestConfigurationCommand)).to.have.length(2);
  });

  describe("the SDK reader recovers from failed calls", () => {
    // Error shapes: AppConfig Data API reference, GetLatestConfiguration, Errors
    // (BadRequestException 400 with Reason, ThrottlingException 429); an expired token answers
    // BadRequestException ("the token is valid for up to 24 hours. If a GetLatestConfiguration
    // call uses an expired token, the system returns BadRequestException", ConfigurationToken).
    const onFlags = new TextEncoder().encode(
      JSON.stringify({ newOrderValidation: { enabled: true } }),
    ) as any;
    const offFlags = new TextEncoder().encode(
      JSON.stringify({ newOrderValidation: { enabled: false } }),
    ) as any;
    const reader = (clock: () => number) =>
      flags.sdkFlagReader(new AppConfigDataClient({ region: "us-east-1" }), {
        application: "orders",
        environment: "prod",
        profile: "feature-flags",
        now: clock,
      });

    it("an expired token: a new session on the next poll, the last flags meanwhile", async () => {
      appConfigData
        .on(StartConfigurationSessionCommand)
        .resolvesOnce({ InitialConfigurationToken: "token-1" })
        .resolvesOnce({ InitialConfigurationToken: "session-2-token-1" });
      appConfigData
        .on(GetLatestConfigurationCommand, { ConfigurationToken: "token-1" })
        .resolves({
          Configuration: onFlags,
          NextPollConfigurationToken: "token-2",
          NextPollIntervalInSeconds: 60,
        })
        .on(GetLatestConfigurationCommand, { ConfigurationToken: "token-2" })
        .rejects(
          new BadRequestException({
            $metadata: { httpStatusCode: 400 },
            message: "Request contains an expired ConfigurationToken",
            Reason: "InvalidParameters",
          }),
        )
        .on(GetLatestConfigurationCommand, { ConfigurationToken: "session-2-token-1" })
        .resolves({
          Configuration: offFlags,
          NextPollConfigurationToken: "session-2-token-2",
          NextPollIntervalInSeconds: 60,
        });
      let clock = 0;
      const readFlags = reader(() => clock);
      expect(await readFlags()).to.deep.equal({ newOrderValidation: { enabled: true } });
      clock = 25 * 3600 * 1000; // past the token's 24 hours
      expect(await readFlags()).to.deep.equal({ newOrderValidation: { enabled: true } });
      clock += 1000; // after the first backoff
      expect(await readFlags()).to.deep.equal({ newOrderValidation: { enabled: false } });
      expect(appConfigData.commandCalls(StartConfigurationSessionCommand)).to.have.length(2);
    });

    it("throttled before any flags were read: fails, backs off, then recovers", async () => {
      appConfigData
        .on(StartConfigurationSessionCommand)
        .resolvesOnce({ InitialConfigurationToken: "token-1" })
        .resolvesOnce({ InitialConfigurationToken: "session-2-token-1" });
      appConfigData
        .on(GetLatestConfigurationCommand, { ConfigurationToken: "token-1" })
        .rejects(
          new ThrottlingException({ $metadata: { httpStatusCode: 429 }, message: "Rate exceeded" }),
        )
        .on(GetLatestConfigurationCommand, { ConfigurationToken: "session-2-token-1" })
        .resolves({
          Configuration: onFlags,
          NextPollConfigurationToken: "session-2-token-2",
          NextPollIntervalInSeconds: 60,
        });
      let clock = 0;
      const readFlags = reader(() => clock);
      let thrown: unknown;
      await readFlags().catch((error: unknown) => (thrown = error));
      expect(thrown).to.be.instanceOf(ThrottlingException);
      // Within the backoff: no call to AppConfig, the same error (the handler falls back).
      thrown = undefined;
      await readFlags().catch((error: unknown) => (thrown = error));
      expect(thrown).to.be.instanceOf(ThrottlingException);
      expect(appConfigData.commandCalls(GetLatestConfigurationCommand)).to.have.length(1);
      clock = 1000;
      expect(await readFlags()).to.deep.equal({ newOrderValidation: { enabled: true } });
      expect(appConfigData.commandCalls(StartConfigurationSessionCommand)).to.have.length(2);
    });
  });

  it("no profile named in the environment: no reader, every flag off", () => {
    expect(flags.flagReaderFromEnvironment({})).to.equal(undefined);
  });
});
