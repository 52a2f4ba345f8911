// A platform team's program: the payments API active-passive in two regions, shifted by
// CodeDeploy canaries, with the package's components and types only.
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import {
  MultiRegionService,
  MultiRegionServiceArgs,
  PredefinedDeploymentType,
  ServiceFunctionArgs,
} from "multiregion-serverless";

const config = new pulumi.Config();
const deploymentType = (config.get("deploymentType") ?? "AllAtOnce") as PredefinedDeploymentType;

const payments: ServiceFunctionArgs = {
  code: new pulumi.asset.FileArchive(path.join(__dirname, "handler")),
  memorySize: 256,
  timeout: 10,
  tracing: "Active",
  trafficShifting: { mode: "codedeploy", type: deploymentType },
  alarms: { errorThreshold: 0 },
};

export const serviceArgs: MultiRegionServiceArgs = {
  topology: "active-passive",
  primaryRegion: "us-east-1",
  standbyRegions: [config.require("standbyRegion")],
  functions: { payments },
  routes: { "POST /payments": "payments" },
  healthFunction: "payments",
  domain: { zoneId: config.require("zoneId"), name: config.require("domainName") },
  healthCheck: { requestInterval: 10, failureThreshold: 3 },
  tags: { environment: pulumi.getStack(), service: "payments", stack: pulumi.getStack() },
};

const service = new MultiRegionService("payments", serviceArgs);

export const globalEndpoint = service.globalEndpoint;
export const regions = service.regionOrder;
