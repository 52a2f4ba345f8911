import { createHash } from "crypto";

/**
 * The outputs of `awsx:ec2:Vpc` under the mocks. awsx's Vpc is a remote (multi-language)
 * component in the Node.js SDK (`@pulumi/awsx/ec2/vpc.js` calls `super(..., remote = true)`):
 * the awsx plugin builds its children, so under `pulumi.runtime.setMocks` none of them is
 * registered in-process and the one `awsx:ec2:Vpc` registration gets its outputs from here.
 * Their shape is awsx's schema (`awsx:ec2:Vpc` outputs `vpcId: string`,
 * `privateSubnetIds`/`publicSubnetIds`/`isolatedSubnetIds: string[]`; ids as EC2 forms them,
 * `vpc-` / `subnet-` + 17 hex digits, EC2 API reference `CreateVpc` / `CreateSubnet` examples).
 * The layout is awsx's default ("Legacy" strategy, no `subnetSpecs`): one private and one
 * public subnet per Availability Zone, `numberOfAvailabilityZones` zones (default 3). Outputs
 * that are AWS resources (`vpc`, `subnets`, `routeTables`, `natGateways`, `vpcEndpoints`, ...)
 * are resource references; nothing in this package reads them, so they are left out.
 */
export function awsxVpcOutputs(name: string, inputs: Record<string, any>): Record<string, any> {
  const zones =
    typeof inputs.numberOfAvailabilityZones === "number"
      ? inputs.numberOfAvailabilityZones
      : (inputs.availabilityZoneNames?.length ?? 3);
  const hex = (what: string) =>
    createHash("sha256").update(`${name}/${what}`).digest("hex").slice(0, 17);
  const subnets = (kind: string) =>
    Array.from({ length: zones }, (_, zone) => `subnet-${hex(`${kind}-${zone + 1}`)}`);
  // Only awsx's schema outputs: the engine does not echo a remote component's inputs as outputs.
  return {
    vpcId: `vpc-${hex("vpc")}`,
    privateSubnetIds: subnets("private"),
    publicSubnetIds: subnets("public"),
    isolatedSubnetIds: [],
  };
}
