// SDK clients for the suite, with the default credential chain (environment, profile, SSO,
// web identity, container or instance role), created per region on first use.
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CodeDeployClient } from "@aws-sdk/client-codedeploy";
import { LambdaClient } from "@aws-sdk/client-lambda";

/** SDK clients with the default credential chain, one per service and region. */
export class RegionalClients {
  private readonly lambdas = new Map<string, LambdaClient>();
  private readonly codedeploys = new Map<string, CodeDeployClient>();
  /** Route 53 publishes its health check metrics in us-east-1 only. */
  readonly cloudwatch = new CloudWatchClient({ region: "us-east-1" });

  lambda = (region: string): LambdaClient => {
    let client = this.lambdas.get(region);
    if (!client) {
      client = new LambdaClient({ region });
      this.lambdas.set(region, client);
    }
    return client;
  };

  codedeploy = (region: string): CodeDeployClient => {
    let client = this.codedeploys.get(region);
    if (!client) {
      client = new CodeDeployClient({ region });
      this.codedeploys.set(region, client);
    }
    return client;
  };

  destroy(): void {
    [...this.lambdas.values(), ...this.codedeploys.values(), this.cloudwatch].forEach((client) =>
      client.destroy(),
    );
  }
}
