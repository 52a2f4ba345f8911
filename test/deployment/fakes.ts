import { CodeDeployClient, DeploymentInfo } from "@aws-sdk/client-codedeploy";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { DeploymentRequest } from "../../deployment/engine";
import { Clock } from "../../deployment/timing";

/** A clock whose sleeps return at once and advance time; `random` is fixed. */
export class FakeClock implements Clock {
  time = Date.UTC(2026, 0, 1);
  readonly sleeps: number[] = [];

  constructor(public randomValue = 0.5) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }

  random(): number {
    return this.randomValue;
  }

  /** Milliseconds slept in total. */
  get slept(): number {
    return this.sleeps.reduce((sum, ms) => sum + ms, 0);
  }
}

/** Fresh SDK clients with their `send` mocked (instance mocks: nothing leaks between tests). */
export function mockAws() {
  const clients = {
    codedeploy: new CodeDeployClient({ region: "eu-west-1" }),
    lambda: new LambdaClient({ region: "eu-west-1" }),
  };
  return {
    clients,
    codedeploy: mockClient(clients.codedeploy),
    lambda: mockClient(clients.lambda),
  };
}

/** A `GetDeployment` answer. */
export function deploymentInfo(
  deploymentId: string,
  status: DeploymentInfo["status"],
  extra: Partial<DeploymentInfo> = {},
): { deploymentInfo: DeploymentInfo } {
  return { deploymentInfo: { deploymentId, status, ...extra } };
}

/** A `GetAlias` answer: `version` with `weights` on other versions. */
export function alias(version: string, weights?: Record<string, number>) {
  return {
    Name: "live",
    FunctionVersion: version,
    RoutingConfig: weights ? { AdditionalVersionWeights: weights } : undefined,
  };
}

/** orders-fn:live from version 3 to 4 in eu-west-1, waiting up to 60 min. */
export const ordersRequest: DeploymentRequest = {
  applicationName: "orders",
  deploymentGroupName: "orders-live",
  functionName: "orders-fn",
  aliasName: "live",
  targetVersion: "4",
  waitForCompletion: true,
  timeoutMinutes: 60,
  region: "eu-west-1",
};

/** Collects reported lines. */
export function recorder(): { lines: string[]; report: (line: string) => void } {
  const lines: string[] = [];
  return { lines, report: (line) => lines.push(line) };
}
