import {
  deploymentConfigNameOf,
  SAM_DEPLOYMENT_TYPES,
  SamDeploymentType,
} from "../deployment/rollout";
import { ArgumentProblems, isKnown } from "./validation";

/**
 * SAM's predefined `DeploymentPreference` types. Each maps to the CodeDeploy predefined
 * config `CodeDeployDefault.Lambda<Type>` (source: AWS SAM `DeploymentPreference`,
 * CodeDeploy "Deployment configurations on an AWS Lambda compute platform"). The list lives
 * with the rollout timings in `deployment/rollout.ts`.
 */
export const PREDEFINED_DEPLOYMENT_TYPES = SAM_DEPLOYMENT_TYPES;

/** One of SAM's nine predefined deployment types. */
export type PredefinedDeploymentType = SamDeploymentType;

/** A traffic step: `percentage` of traffic moves, then CodeDeploy waits `intervalMinutes`. */
export interface TrafficStep {
  /** Percent of traffic shifted per step, a whole number from 1 to 99. */
  readonly percentage: number;
  /** Minutes between steps, a whole number from 1 to 2880 (two days). */
  readonly intervalMinutes: number;
}

/** Custom canary: `percentage` first, the rest after `intervalMinutes` (CodeDeploy TimeBasedCanary). */
export interface CanaryDeployment {
  readonly canary: TrafficStep;
}

/** Custom linear: `percentage` more every `intervalMinutes` until 100 (CodeDeploy TimeBasedLinear). */
export interface LinearDeployment {
  readonly linear: TrafficStep;
}

/** How a new version takes traffic: a SAM type name, or a custom canary or linear shape. */
export type DeploymentType = PredefinedDeploymentType | CanaryDeployment | LinearDeployment;

/** The CodeDeploy predefined deployment config for a SAM type. */
export const predefinedConfigName = deploymentConfigNameOf;

export function isPredefinedDeploymentType(type: unknown): type is PredefinedDeploymentType {
  return (
    typeof type === "string" && (PREDEFINED_DEPLOYMENT_TYPES as readonly string[]).includes(type)
  );
}

/** The CodeDeploy `trafficRoutingConfig` for a custom deployment type. */
export function customTrafficRouting(type: CanaryDeployment | LinearDeployment): {
  type: "TimeBasedCanary" | "TimeBasedLinear";
  timeBasedCanary?: { percentage: number; interval: number };
  timeBasedLinear?: { percentage: number; interval: number };
} {
  if ("canary" in type) {
    return {
      type: "TimeBasedCanary",
      timeBasedCanary: {
        percentage: type.canary.percentage,
        interval: type.canary.intervalMinutes,
      },
    };
  }
  return {
    type: "TimeBasedLinear",
    timeBasedLinear: { percentage: type.linear.percentage, interval: type.linear.intervalMinutes },
  };
}

/** A short human name for a deployment type: `Canary10Percent5Minutes`, `canary 25% then 100% after 15 min`. */
export function describeDeploymentType(type: DeploymentType): string {
  if (typeof type === "string") {
    return type;
  }
  if ("canary" in type) {
    return `canary ${type.canary.percentage}% then 100% after ${type.canary.intervalMinutes} min`;
  }
  return `linear ${type.linear.percentage}% every ${type.linear.intervalMinutes} min`;
}

/** Checks a deployment type, recording every problem under `key`. */
export function checkDeploymentType(problems: ArgumentProblems, key: string, type: unknown): void {
  if (type === undefined || !isKnown(type)) {
    return;
  }
  if (typeof type === "string") {
    problems.check(
      isPredefinedDeploymentType(type),
      key,
      type,
      `must be one of ${PREDEFINED_DEPLOYMENT_TYPES.join(", ")}, or { canary: { percentage, intervalMinutes } } or { linear: { percentage, intervalMinutes } }`,
    );
    return;
  }
  const shapes = typeof type === "object" && type !== null ? Object.keys(type) : [];
  if (shapes.length !== 1 || !["canary", "linear"].includes(shapes[0])) {
    problems.add(
      key,
      type,
      "a custom type must have exactly one of `canary` or `linear`: { canary: { percentage, intervalMinutes } }",
    );
    return;
  }
  const shape = shapes[0];
  const step = (type as Record<string, unknown>)[shape];
  if (typeof step !== "object" || step === null) {
    problems.add(`${key}.${shape}`, step, "must be { percentage, intervalMinutes }");
    return;
  }
  const { percentage, intervalMinutes } = step as Record<string, unknown>;
  // CodeDeploy takes whole percentages and minutes; 100% in one step is AllAtOnce.
  problems.check(
    typeof percentage === "number" &&
      Number.isInteger(percentage) &&
      percentage >= 1 &&
      percentage <= 99,
    `${key}.${shape}.percentage`,
    percentage,
    "must be a whole number from 1 to 99 (use AllAtOnce for 100)",
  );
  problems.check(
    typeof intervalMinutes === "number" &&
      Number.isInteger(intervalMinutes) &&
      intervalMinutes >= 1 &&
      intervalMinutes <= 2880,
    `${key}.${shape}.intervalMinutes`,
    intervalMinutes,
    "must be a whole number of minutes from 1 to 2880",
  );
}
