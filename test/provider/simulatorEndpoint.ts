// The AWS simulator (test/deployment/sim) behind an HTTP endpoint, so that a plugin process the
// test starts can be pointed at it with AWS_ENDPOINT_URL, as at any AWS endpoint. The simulator
// answers SDK commands; this adapter decodes the two wire protocols the deployment engine's
// clients speak into those commands and encodes the answers back:
// - CodeDeploy, AWS JSON 1.1 (Smithy `aws.protocols#awsJson1_1`): POST /, the operation in
//   `X-Amz-Target: CodeDeploy_20141006.<Operation>`, input and output as JSON with the member
//   names of the API reference, timestamps as epoch seconds, errors as `{ "__type", "message" }`
//   with the error's HTTP status (400 for CodeDeploy's client errors, 500 for InternalFailure;
//   Smithy awsJson1_1 protocol page, "Timestamp serialization" and "Operation error
//   serialization").
// - Lambda, REST JSON 1 (`aws.protocols#restJson1`): GetAlias is
//   `GET /2015-03-31/functions/{FunctionName}/aliases/{Name}` and answers the alias
//   configuration as JSON (Lambda API reference, GetAlias "Request Syntax" / "Response Syntax").
//   Errors are `application/json` with the error's name in the `X-Amzn-Errortype` header and the
//   HTTP status of the error (Smithy restJson1 protocol page, "Operation error serialization";
//   Lambda API reference, GetAlias "Errors": ResourceNotFoundException 404,
//   TooManyRequestsException 429, ServiceException 500, InvalidParameterValueException 400).
// The status matters: the plugin retries 5xx and 429 answers and gives up on other 4xx
// (deployment/awsErrors.ts), as it would against AWS.
// Every request's SigV4 scope (`Credential=<access key>/<date>/<region>/<service>/aws4_request`
// in the Authorization header; AWS General Reference, "Signature Version 4", "Credential scope")
// is recorded, so a test sees which credentials and region the plugin's clients used.
// Only what the create/read/update of a LambdaDeployment whose alias already serves its target
// calls is decoded (GetDeploymentGroup, ListDeployments, GetAlias; found by listing the engine's
// calls against the simulator). With `deployments`, so is what a create that runs a deployment
// calls: CreateDeployment and GetDeployment, and on a failed deployment ListDeploymentTargets
// and BatchGetDeploymentTargets (its lifecycle events; wireDeployment.test.ts, opt-in). Anything
// else is answered 400 with the operation named and recorded in `unmatched`
// (wireDeployment.test.ts asserts it stays empty). The simulator's answers cite their sources.
import * as codedeploy from "@aws-sdk/client-codedeploy";
import { GetAliasCommand } from "@aws-sdk/client-lambda";
import * as http from "http";
import type { AddressInfo } from "net";
import type { AwsSimulator } from "../deployment/sim/awsSimulator";
import type { VirtualClock } from "../deployment/sim/virtualClock";

const CODEDEPLOY_TARGET = /^CodeDeploy_20141006\.(GetDeploymentGroup|ListDeployments)$/;
/**
 * With `deployments`, also the calls of a create that runs a deployment (CreateDeployment,
 * GetDeployment, and after a failure ListDeploymentTargets and BatchGetDeploymentTargets: found
 * by listing the engine's calls against the simulator for a new version, deployment/engine.ts);
 * the same AWS JSON 1.1 encoding (CodeDeploy API reference, "Request Syntax" of each).
 */
const CODEDEPLOY_DEPLOYMENT_TARGET =
  /^CodeDeploy_20141006\.(GetDeploymentGroup|ListDeployments|CreateDeployment|GetDeployment|ListDeploymentTargets|BatchGetDeploymentTargets)$/;
const GET_ALIAS = /^\/2015-03-31\/functions\/([^/]+)\/aliases\/([^/?]+)$/;
const CREDENTIAL_SCOPE = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;

/**
 * HTTP statuses of Lambda's modelled errors the simulator throws without `$metadata` (Lambda
 * API reference, the "Errors" section of each action).
 */
const LAMBDA_ERROR_STATUS: Record<string, number> = {
  ResourceNotFoundException: 404,
  ResourceConflictException: 409,
  PreconditionFailedException: 412,
  TooManyRequestsException: 429,
  ServiceException: 500,
};

/** Dates as AWS JSON 1.1 sends timestamps (epoch seconds); `undefined` members left out. */
function toWire(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, function (this: Record<string, unknown>, key) {
      const raw = this[key];
      return raw instanceof Date ? raw.getTime() / 1000 : raw;
    }),
  );
}

/** ListDeployments' `createTimeRange` arrives in epoch seconds; the simulator reads Dates. */
function fromWire(operation: string, input: Record<string, any>): Record<string, any> {
  if (operation === "ListDeployments" && input.createTimeRange) {
    const { start, end } = input.createTimeRange;
    return {
      ...input,
      createTimeRange: {
        start: start === undefined ? undefined : new Date(start * 1000),
        end: end === undefined ? undefined : new Date(end * 1000),
      },
    };
  }
  return input;
}

/** A request's SigV4 credential scope. */
export interface SigningScope {
  readonly accessKeyId: string;
  readonly region: string;
  /** The signing name: `codedeploy`, `lambda`. */
  readonly service: string;
}

export interface SimulatorEndpoint {
  readonly url: string;
  /** `CodeDeploy.<Operation>` or `Lambda.<Operation>`, in the order they were asked. */
  readonly operations: string[];
  /** Each request's signing scope (none for an unsigned request), in the same order. */
  readonly scopes: SigningScope[];
  /** Requests this endpoint does not decode (answered 400): a test asserts none came. */
  readonly unmatched: string[];
  /** Each ListDeployments answer's `deployments`, in order. */
  readonly listings: string[][];
  close(): Promise<void>;
}

/** Serves `sim` over HTTP on a free local port; each request runs in the simulator's time. */
export async function simulatorEndpoint(
  sim: AwsSimulator,
  clock: VirtualClock,
  options: { deployments?: boolean } = {},
): Promise<SimulatorEndpoint> {
  const codeDeployTargets = options.deployments ? CODEDEPLOY_DEPLOYMENT_TARGET : CODEDEPLOY_TARGET;
  const operations: string[] = [];
  const scopes: SigningScope[] = [];
  const unmatched: string[] = [];
  const listings: string[][] = [];
  const answer = async (request: http.IncomingMessage, body: string) => {
    const scope = CREDENTIAL_SCOPE.exec(String(request.headers.authorization ?? ""));
    if (scope) {
      scopes.push({ accessKeyId: scope[1], region: scope[3], service: scope[4] });
    }
    const target = String(request.headers["x-amz-target"] ?? "");
    const codeDeployOperation = codeDeployTargets.exec(target)?.[1];
    if (codeDeployOperation) {
      operations.push(`CodeDeploy.${codeDeployOperation}`);
      const Command = (codedeploy as Record<string, any>)[`${codeDeployOperation}Command`];
      const input = fromWire(codeDeployOperation, JSON.parse(body || "{}"));
      const output = await clock.drive(sim.send(new Command(input)));
      if (codeDeployOperation === "ListDeployments") {
        listings.push([...((output as { deployments?: string[] }).deployments ?? [])]);
      }
      return { type: "application/x-amz-json-1.1", body: toWire(output) };
    }
    const alias = request.method === "GET" ? GET_ALIAS.exec(request.url ?? "") : null;
    if (alias) {
      operations.push("Lambda.GetAlias");
      const command = new GetAliasCommand({
        FunctionName: decodeURIComponent(alias[1]),
        Name: decodeURIComponent(alias[2]),
      });
      return { type: "application/json", body: toWire(await clock.drive(sim.send(command))) };
    }
    unmatched.push(target || `${request.method} ${request.url}`);
    throw Object.assign(
      new Error(`not simulated: ${target || `${request.method} ${request.url}`}`),
      {
        name: "NotSimulated",
      },
    );
  };
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      answer(request, body).then(
        (answered) => {
          response.writeHead(200, { "content-type": answered.type });
          response.end(JSON.stringify(answered.body));
        },
        (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
          const lambda = request.method === "GET" && GET_ALIAS.test(request.url ?? "");
          const status =
            error.$metadata?.httpStatusCode ??
            (lambda ? LAMBDA_ERROR_STATUS[error.name] : 400) ??
            400;
          if (lambda) {
            // restJson1: the error's name in X-Amzn-Errortype, the body the error's members.
            response.writeHead(status, {
              "content-type": "application/json",
              "x-amzn-errortype": error.name,
            });
            // Lambda's error shapes have `Type` and `Message` (Lambda API reference, e.g.
            // ResourceNotFoundException); AWS documents no raw error response to copy.
            const type = (error as { Type?: unknown }).Type;
            response.end(JSON.stringify({ Type: type ?? "User", Message: error.message }));
            return;
          }
          // awsJson1_1: `__type` names the error in the body.
          response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
          response.end(JSON.stringify({ __type: error.name, message: error.message }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    operations,
    scopes,
    unmatched,
    listings,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
