// Every rule of the multiregion-serverless policy pack. Importing this module has no side
// effects (unlike `policy/index.ts`, which starts the CrossGuard server), so the offline runner
// and the tests use it.
import { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { functionPolicies } from "./functions";
import { iamPolicies } from "./iam";
import { regionPolicies } from "./regions";
import { routingPolicies } from "./routing";
import { tagPolicies } from "./tags";
import { trafficShiftingPolicies } from "./trafficShifting";
import { featureFlagPolicies } from "./featureFlags";
import { networkPolicies } from "./network";
import { eventSourcePolicies } from "./eventSources";

export * from "./functions";
export * from "./iam";
export * from "./regions";
export * from "./routing";
export * from "./tags";
export * from "./trafficShifting";
export * from "./featureFlags";
export * from "./network";
export * from "./eventSources";

/** The pack's level for a policy that names none (every rule here names its own). */
export const packEnforcementLevel: EnforcementLevel = "advisory";

export const allPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  ...trafficShiftingPolicies,
  ...routingPolicies,
  ...regionPolicies,
  ...iamPolicies,
  ...functionPolicies,
  ...tagPolicies,
  ...featureFlagPolicies,
  ...networkPolicies,
  ...eventSourcePolicies,
];
