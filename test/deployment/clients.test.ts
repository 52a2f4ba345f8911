import { expect } from "chai";
import { assumeRoleChain, createDeploymentClients } from "../../deployment/clients";
import { REQUEST_TIMEOUT_MS } from "../../deployment/timing";

describe("deployment SDK clients", () => {
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
});
