// The bundled program: the orders service as one TrafficShiftedFunction. The per-environment
// program (regions, topology, deployment type and alarms from stack config) builds on this.
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { TrafficShiftedFunction } from "./components";

const orders = new TrafficShiftedFunction("orders", {
  code: new pulumi.asset.FileArchive(path.join(__dirname, "service", "orders")),
  environment: { ENVIRONMENT: pulumi.getStack() },
});

export const functionName = orders.functionName;
export const aliasArn = orders.aliasArn;
export const deploymentGroupName = orders.deploymentGroupName;
