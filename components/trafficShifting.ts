import { deploymentConfigNameOf, SAM_DEPLOYMENT_TYPES } from "../deployment/rollout";
import { ArgumentProblems, isKnown } from "./validation";

/**
 * SAM's predefined `DeploymentPreference` types. Each maps to the CodeDeploy predefined
 * config `CodeDeployDefault.Lambda<Type>` (source: AWS SAM `DeploymentPreference`,
 * CodeDeploy "Deployment configurations on an AWS Lambda compute platform"). The list lives
 * with the rollout timings in `deployment/rollout.ts`.
 */
export const PREDEFINED_DEPLOYMENT_TYPES = SAM_DEPLOYMENT_TYPES;

/**
 * One of SAM's nine predefined deployment types, by name (an enum in the package schema:
 * a string-literal union cannot be described there). The same list as `SAM_DEPLOYMENT_TYPES`
 * (a test holds them equal; a `satisfies` here would hide the enum from the schema analyzer,
 * which reads only `{ ... } as const`).
 */
export const PredefinedDeploymentType = {
  Canary10Percent5Minutes: "Canary10Percent5Minutes",
  Canary10Percent10Minutes: "Canary10Percent10Minutes",
  Canary10Percent15Minutes: "Canary10Percent15Minutes",
  Canary10Percent30Minutes: "Canary10Percent30Minutes",
  Linear10PercentEvery1Minute: "Linear10PercentEvery1Minute",
  Linear10PercentEvery2Minutes: "Linear10PercentEvery2Minutes",
  Linear10PercentEvery3Minutes: "Linear10PercentEvery3Minutes",
  Linear10PercentEvery10Minutes: "Linear10PercentEvery10Minutes",
  AllAtOnce: "AllAtOnce",
} as const;

/** One of SAM's nine predefined deployment types. */
export type PredefinedDeploymentType =
  (typeof PredefinedDeploymentType)[keyof typeof PredefinedDeploymentType];

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

/**
 * How a new version takes traffic, once the args are resolved: a SAM type name, or a custom
 * canary or linear shape. Args give it as `type`, `canary` or `linear` (see
 * `deploymentTypeOf`); this union is what the code and the outputs work with.
 */
export type DeploymentType = PredefinedDeploymentType | CanaryDeployment | LinearDeployment;

/** The fields of the args that choose a deployment type: at most one of them is set. */
export interface DeploymentTypeFields {
  readonly type?: PredefinedDeploymentType;
  readonly canary?: TrafficStep;
  readonly linear?: TrafficStep;
}

/** The deployment type the args choose (`type`, `canary` or `linear`), `Canary10Percent5Minutes` by default. */
export function deploymentTypeOf(fields: DeploymentTypeFields): DeploymentType {
  if (fields.canary) {
    return { canary: fields.canary };
  }
  if (fields.linear) {
    return { linear: fields.linear };
  }
  return fields.type ?? "Canary10Percent5Minutes";
}

/** The args fields (`type`, `canary` or `linear`) that choose a resolved deployment type. */
export function deploymentTypeFields(type: DeploymentType): DeploymentTypeFields {
  if (typeof type === "string") {
    return { type };
  }
  return "canary" in type ? { canary: type.canary } : { linear: type.linear };
}

/** Helpers that build the deployment-type fields of `trafficShifting`, for a readable TypeScript call site. */
export const TrafficShape = {
  /** `percentage` first, the rest after `intervalMinutes` (CodeDeploy TimeBasedCanary). */
  canary: (percentage: number, intervalMinutes: number): DeploymentTypeFields => ({
    canary: { percentage, intervalMinutes },
  }),
  /** `percentage` more every `intervalMinutes` (CodeDeploy TimeBasedLinear). */
  linear: (percentage: number, intervalMinutes: number): DeploymentTypeFields => ({
    linear: { percentage, intervalMinutes },
  }),
  /** One of SAM's nine predefined types. */
  predefined: (type: PredefinedDeploymentType): DeploymentTypeFields => ({ type }),
};

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

/**
 * Checks the deployment-type fields (`type`, `canary`, `linear`) under `prefix`, recording every
 * problem: at most one of them, a SAM type name, whole percentages and minutes.
 */
export function checkDeploymentTypeFields(
  problems: ArgumentProblems,
  prefix: string,
  fields: Record<string, unknown>,
): void {
  const given = (["type", "canary", "linear"] as const).filter(
    (key) => fields[key] !== undefined && fields[key] !== null,
  );
  if (given.length > 1) {
    problems.add(
      `${prefix}${given.join("/")}`,
      given.join(", "),
      "give at most one of `type` (a SAM type), `canary` or `linear` (a custom shape)",
    );
  }
  const type = fields.type;
  if (type !== undefined && type !== null && isKnown(type)) {
    problems.check(
      isPredefinedDeploymentType(type),
      `${prefix}type`,
      type,
      `must be one of ${PREDEFINED_DEPLOYMENT_TYPES.join(", ")} (or give \`canary\` or \`linear\` { percentage, intervalMinutes } instead)`,
    );
  }
  for (const shape of ["canary", "linear"] as const) {
    const step = fields[shape];
    if (step === undefined || step === null || !isKnown(step)) {
      continue;
    }
    checkTrafficStep(problems, `${prefix}${shape}`, step);
  }
}

/** Checks one custom traffic step: `{ percentage: 1-99, intervalMinutes: 1-2880 }`. */
export function checkTrafficStep(problems: ArgumentProblems, key: string, step: unknown): void {
  if (typeof step !== "object" || step === null || Array.isArray(step)) {
    problems.add(key, step, "must be { percentage, intervalMinutes }");
    return;
  }
  const { percentage, intervalMinutes } = step as Record<string, unknown>;
  // CodeDeploy takes whole percentages and minutes; 100% in one step is AllAtOnce.
  problems.check(
    typeof percentage === "number" &&
      Number.isInteger(percentage) &&
      percentage >= 1 &&
      percentage <= 99,
    `${key}.percentage`,
    percentage,
    "must be a whole number from 1 to 99 (use AllAtOnce for 100)",
  );
  problems.check(
    typeof intervalMinutes === "number" &&
      Number.isInteger(intervalMinutes) &&
      intervalMinutes >= 1 &&
      intervalMinutes <= 2880,
    `${key}.intervalMinutes`,
    intervalMinutes,
    "must be a whole number of minutes from 1 to 2880",
  );
}
