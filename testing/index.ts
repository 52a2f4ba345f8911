/**
 * Test helpers for Pulumi programs and components built with multiregion-serverless:
 * run them under Pulumi's runtime mocks, capture every resource a `pulumi preview`
 * would show, and assert on it with partial matchers.
 *
 * @example
 * import { runComponent, Match } from "multiregion-serverless/testing";
 * const { resources } = await runComponent(() => new TrafficShiftedFunction("orders", args));
 * resources.hasResourceProperties("aws:codedeploy/deploymentGroup:DeploymentGroup", {
 *   autoRollbackConfiguration: { enabled: true, events: Match.arrayWith(["DEPLOYMENT_FAILURE"]) },
 * });
 */
export { Match, Matcher, matches, mismatches } from "./match";
export { CapturedOptions, CapturedResource, ResourceCapture } from "./capture";
export {
  expectRunFailure,
  MockResourceRequest,
  MockRun,
  MockRunError,
  MockRunOptions,
  promiseOf,
  runComponent,
  runProgram,
} from "./run";
export { MOCK_ACCOUNT_ID, MOCK_DEFAULT_REGION } from "./awsOutputs";
export {
  expectNoViolations,
  multiregionServerlessPolicies,
  OfflinePolicy,
  OfflinePolicyConfig,
  runPolicies,
  PolicyEnforcementLevel,
  RunPoliciesOptions,
  Violation,
} from "./policies";
export {
  OFFLINE_SECRET_PLACEHOLDER,
  readStackConfig,
  StackConfigFile,
  stackConfigPath,
} from "./stackConfig";
