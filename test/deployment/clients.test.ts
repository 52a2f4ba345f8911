import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  assumeRoleChain,
  createDeploymentClients,
  DeploymentCredentials,
} from "../../deployment/clients";
import { REQUEST_TIMEOUT_MS } from "../../deployment/timing";

/** The environment the SDK's default credential chain and endpoint settings read. */
const SDK_ENVIRONMENT = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
  "AWS_ENDPOINT_URL_STS",
  "AWS_REGION",
];

/** The credentials a client built by createDeploymentClients signs with. */
async function signingCredentials(credentials: DeploymentCredentials) {
  const clients = await createDeploymentClients("eu-west-1", credentials);
  const identity = await (clients.lambda as any).config.credentials();
  return {
    accessKeyId: identity.accessKeyId,
    secretAccessKey: identity.secretAccessKey,
    sessionToken: identity.sessionToken,
  };
}

/**
 * A local STS that answers every AssumeRole with the next temporary credentials and records
 * the request (its form body and the access key its signature names). Shape: STS API
 * reference, AssumeRole, "Example" response (`AssumeRoleResponse/AssumeRoleResult/Credentials`
 * with AccessKeyId, SecretAccessKey, SessionToken, Expiration; `AssumedRoleUser`).
 */
async function localSts() {
  const requests: { signedWith: string; region: string; params: Record<string, string> }[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/sts\//.exec(
        request.headers.authorization ?? "",
      );
      requests.push({
        signedWith: scope?.[1] ?? "",
        region: scope?.[2] ?? "",
        params: Object.fromEntries(new URLSearchParams(body)),
      });
      const n = requests.length;
      response.setHeader("content-type", "text/xml");
      response.end(
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
          `<Credentials><AccessKeyId>ASIAROLE${n}EXAMPLE</AccessKeyId><SecretAccessKey>secret-${n}</SecretAccessKey>` +
          `<SessionToken>session-${n}</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>` +
          `<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/deployer/ci</Arn>` +
          `<AssumedRoleId>AROA3XFRBF535PLBIFPI4:ci</AssumedRoleId></AssumedRoleUser>` +
          `</AssumeRoleResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // The SDK's service-specific endpoint setting (AWS SDKs and Tools Reference Guide,
  // "Service-specific endpoints": AWS_ENDPOINT_URL_<SERVICE>).
  process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("deployment SDK clients", () => {
  let saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    saved = Object.fromEntries(SDK_ENVIRONMENT.map((name) => [name, process.env[name]]));
    for (const name of SDK_ENVIRONMENT) {
      delete process.env[name];
    }
    // What the default credential chain finds first (the environment), when it is asked.
    process.env.AWS_ACCESS_KEY_ID = "AKIAENVIRONMENT";
    process.env.AWS_SECRET_ACCESS_KEY = "from-the-environment";
  });
  afterEach(() => {
    for (const name of SDK_ENVIRONMENT) {
      if (saved[name] === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = saved[name];
      }
    }
  });

  it("make an exceeded request timeout an error, not only a logged warning", async () => {
    const clients = await createDeploymentClients("eu-west-1", {
      accessKey: "AKIAEXAMPLE",
      secretKey: "example",
    });

    for (const client of [clients.codedeploy, clients.lambda] as any[]) {
      // `@smithy/node-http-handler` 4.x resolves its options into `configProvider`; without
      // `throwOnRequestTimeout` a breached `requestTimeout` only logs a warning.
      const options = await client.config.requestHandler.configProvider;
      expect(options.requestTimeout).to.equal(REQUEST_TIMEOUT_MS);
      expect(options.throwOnRequestTimeout).to.equal(true);
    }
  });

  it("assume every role of the chain in turn, with its duration, external id and session name", () => {
    const chain = assumeRoleChain({
      profile: "prod",
      assumeRoles: [
        { roleArn: "arn:aws:iam::999988887777:role/hub", durationSeconds: 5400 },
        {
          roleArn: "arn:aws:iam::111122223333:role/deployer",
          sessionName: "ci",
          externalId: "x-1",
        },
      ],
    });

    expect(chain).to.deep.equal([
      {
        RoleArn: "arn:aws:iam::999988887777:role/hub",
        RoleSessionName: "pulumi-lambda-deployment",
        DurationSeconds: 5400,
      },
      {
        RoleArn: "arn:aws:iam::111122223333:role/deployer",
        RoleSessionName: "ci",
        ExternalId: "x-1",
      },
    ]);
  });

  it("assume the single assumeRole first, then the list, and skip roles without an ARN", () => {
    const chain = assumeRoleChain({
      assumeRole: { roleArn: "arn:aws:iam::999988887777:role/hub" },
      assumeRoles: [{ roleArn: "" }, { roleArn: "arn:aws:iam::111122223333:role/deployer" }],
    });

    expect(chain.map((role) => role.RoleArn)).to.deep.equal([
      "arn:aws:iam::999988887777:role/hub",
      "arn:aws:iam::111122223333:role/deployer",
    ]);
    expect(assumeRoleChain({ assumeRole: { roleArn: "" } })).to.deep.equal([]);
  });

  it("sign with the access key and secret key given, and the session token", async () => {
    expect(
      await signingCredentials({ accessKey: "AKIAGIVEN", secretKey: "given", token: "session" }),
    ).to.deep.equal({
      accessKeyId: "AKIAGIVEN",
      secretAccessKey: "given",
      sessionToken: "session",
    });
  });

  it("use the default credential chain when no key pair is given whole", async () => {
    const fromEnvironment = {
      accessKeyId: "AKIAENVIRONMENT",
      secretAccessKey: "from-the-environment",
      sessionToken: undefined,
    };

    expect(await signingCredentials({ accessKey: "AKIAGIVEN" })).to.deep.equal(fromEnvironment);
    expect(await signingCredentials({ secretKey: "given" })).to.deep.equal(fromEnvironment);
    expect(await signingCredentials({})).to.deep.equal(fromEnvironment);
  });

  it("sign with the named profile of the shared credentials file", async () => {
    // The credentials file's format: AWS CLI User Guide, "Configuration and credential file
    // settings" (`[profile-name]`, aws_access_key_id, aws_secret_access_key).
    const directory = mkdtempSync(join(tmpdir(), "deployment-clients-"));
    writeFileSync(
      join(directory, "credentials"),
      "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = default\n\n" +
        "[prod-deployer]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profile\n",
    );
    writeFileSync(join(directory, "config"), "");
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(directory, "credentials");
    process.env.AWS_CONFIG_FILE = join(directory, "config");

    expect(await signingCredentials({ profile: "prod-deployer" })).to.deep.equal({
      accessKeyId: "AKIAPROFILE",
      secretAccessKey: "profile",
      sessionToken: undefined,
    });
  });

  it("assume each role with the credentials of the one before, through STS in the deployment's region", async () => {
    const sts = await localSts();
    // The environment's region (a CI runner's default) is not the deployment's.
    process.env.AWS_REGION = "us-east-1";
    try {
      const credentials = await signingCredentials({
        accessKey: "AKIAGIVEN",
        secretKey: "given",
        assumeRoles: [
          { roleArn: "arn:aws:iam::999988887777:role/hub" },
          { roleArn: "arn:aws:iam::111122223333:role/deployer", sessionName: "ci" },
        ],
      });

      expect(credentials).to.deep.equal({
        accessKeyId: "ASIAROLE2EXAMPLE",
        secretAccessKey: "secret-2",
        sessionToken: "session-2",
      });
      expect(sts.requests).to.deep.equal([
        {
          signedWith: "AKIAGIVEN",
          region: "eu-west-1",
          params: {
            Action: "AssumeRole",
            Version: "2011-06-15",
            RoleArn: "arn:aws:iam::999988887777:role/hub",
            RoleSessionName: "pulumi-lambda-deployment",
          },
        },
        {
          signedWith: "ASIAROLE1EXAMPLE",
          region: "eu-west-1",
          params: {
            Action: "AssumeRole",
            Version: "2011-06-15",
            RoleArn: "arn:aws:iam::111122223333:role/deployer",
            RoleSessionName: "ci",
          },
        },
      ]);
    } finally {
      await sts.close();
    }
  });
});
