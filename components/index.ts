// The public API of multiregion-serverless: `import { ... } from "multiregion-serverless"`.
export {
  chainWaves,
  LAMBDA_DEPLOYMENT_TYPE,
  LambdaDeployment,
  LambdaDeploymentArgs,
} from "./lambdaDeployment";
export { estimatedRolloutMinutes, SAM_DEPLOYMENT_TYPES } from "../deployment/rollout";
