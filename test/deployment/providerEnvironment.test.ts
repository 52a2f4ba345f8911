/**
 * The environment the LambdaDeployment provider runs in under `pulumi up`
 * (`defaultProviderEnvironment`): the AWS SDK's own clients and credential providers, and
 * stdout. Every other provider spec replaces it with the simulator; these check what it builds,
 * with the SDK's objects and no request sent.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultProviderEnvironment } from "../../deployment/provider";

describe("LambdaDeployment provider: the environment of pulumi up", () => {
  const saved = {
    AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE,
    AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE,
  };
  let directory: string;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "provider-environment-"));
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(directory, "credentials");
    process.env.AWS_CONFIG_FILE = path.join(directory, "config");
  });

  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("builds CodeDeploy and Lambda clients for the region, reading a profile only when a request needs it", async () => {
    const clients = await defaultProviderEnvironment.clients("ap-southeast-2", {
      profile: "prod-deployer",
    });
    // Written after the clients exist: the profile is read when credentials are first needed.
    // Format and example keys: AWS CLI User Guide, "Configuration and credential file settings".
    fs.writeFileSync(
      process.env.AWS_SHARED_CREDENTIALS_FILE!,
      "[prod-deployer]\n" +
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" +
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );

    for (const client of [clients.codedeploy, clients.lambda] as any[]) {
      expect(await client.config.region()).to.equal("ap-southeast-2");
      expect(await client.config.credentials()).to.deep.include({
        accessKeyId: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      });
    }
  });

  it("prints progress on stdout, which the engine shows as the resource's diagnostics", () => {
    // The dynamic provider's process is not given the engine's address, so `pulumi.log` does
    // not reach it (pulumi/pulumi#6065); its stdout is shown (pulumi/pulumi#18253).
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      defaultProviderEnvironment.log("LambdaDeployment orders-fn:live (eu-west-1): d-1: Created");
    } finally {
      process.stdout.write = write;
    }

    expect(written).to.deep.equal(["LambdaDeployment orders-fn:live (eu-west-1): d-1: Created\n"]);
  });
});
