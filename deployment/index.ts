/**
 * The deployment engine behind `LambdaDeployment`: plain functions over AWS SDK v3 clients,
 * usable on their own (a CI step, a script) and tested against a CodeDeploy/Lambda simulator
 * (test/deployment/sim).
 */
export {
  appSpecContent,
  AppSpecHooks,
  buildAppSpec,
  LambdaAppSpec,
  LambdaAppSpecInput,
} from "./appSpec";
export {
  ACTIVE_DEPLOYMENT_STATUSES,
  consoleUrl,
  deploy,
  DeploymentClients,
  DeploymentFailure,
  DeploymentFailureKind,
  DeploymentOutcome,
  DeploymentRequest,
  DeploymentResult,
  detectDrift,
  DriftCheck,
  DriftRequest,
  getDeploymentCommand,
  isDeploymentFailure,
  Reporter,
  stop,
  StopRequest,
  StopResult,
} from "./engine";
export {
  CustomTrafficShift,
  estimatedRolloutMinutes,
  SAM_DEPLOYMENT_TYPES,
  SamDeploymentType,
  TrafficShift,
} from "./rollout";
export { DeploymentCredentials } from "./clients";
export { DEFAULT_KEEP_VERSIONS, pruneVersions, PruneRequest, PruneResult } from "./prune";
export { BackoffPolicy, Clock, systemClock } from "./timing";
