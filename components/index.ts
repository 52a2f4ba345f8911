// The public API of multiregion-serverless: `import { ... } from "multiregion-serverless"`.
export * from "./deploymentAlarms";
export * from "./deploymentHook";
export * from "./trafficShiftedFunction";
export {
  CanaryDeployment,
  DeploymentType,
  describeDeploymentType,
  LinearDeployment,
  PREDEFINED_DEPLOYMENT_TYPES,
  PredefinedDeploymentType,
  predefinedConfigName,
  TrafficStep,
} from "./trafficShifting";
export { InvalidArgumentsError } from "./validation";
