// The CrossGuard policy pack: `pulumi preview --policy-pack policy`. Constructing a PolicyPack
// starts the analyzer's gRPC server, so nothing may import this module; import `./rules` instead.
import { PolicyPack } from "@pulumi/policy";
import { allPolicies, packEnforcementLevel } from "./rules";

new PolicyPack("multiregion-serverless", {
  policies: allPolicies,
  enforcementLevel: packEnforcementLevel,
});
