/**
 * How long a CodeDeploy Lambda traffic shift takes, from its deployment configuration.
 *
 * Sources: CodeDeploy API reference, `TimeBasedCanary` ("shifts traffic ... in two
 * increments") and `TimeBasedLinear` ("the percentage of traffic that is shifted at the start
 * of each increment"; "the number of minutes between each incremental traffic shift"); the
 * predefined `CodeDeployDefault.Lambda*` configurations (SAM `DeploymentPreference.Type`).
 */

/** A traffic-shifting schedule, as CodeDeploy's `trafficRoutingConfig` describes it. */
export type TrafficShift =
  | { readonly type: "AllAtOnce" }
  | {
      readonly type: "TimeBasedCanary";
      /** Percentage of traffic on the new version during the canary interval. */
      readonly percentage: number;
      /** Minutes before the remaining traffic moves. */
      readonly intervalMinutes: number;
    }
  | {
      readonly type: "TimeBasedLinear";
      /** Percentage moved at the start of each increment. */
      readonly percentage: number;
      /** Minutes between increments. */
      readonly intervalMinutes: number;
    };

/** A custom schedule, the way `aws.codedeploy.DeploymentConfig` `trafficRoutingConfig` sets it. */
export type CustomTrafficShift =
  | { readonly canary: { readonly percentage: number; readonly intervalMinutes: number } }
  | { readonly linear: { readonly percentage: number; readonly intervalMinutes: number } };

/** SAM's nine `DeploymentPreference.Type` values; each is `CodeDeployDefault.Lambda<Type>`. */
export const SAM_DEPLOYMENT_TYPES = [
  "Canary10Percent5Minutes",
  "Canary10Percent10Minutes",
  "Canary10Percent15Minutes",
  "Canary10Percent30Minutes",
  "Linear10PercentEvery1Minute",
  "Linear10PercentEvery2Minutes",
  "Linear10PercentEvery3Minutes",
  "Linear10PercentEvery10Minutes",
  "AllAtOnce",
] as const;

export type SamDeploymentType = (typeof SAM_DEPLOYMENT_TYPES)[number];

/** The predefined CodeDeploy configuration name of a SAM deployment type. */
export function deploymentConfigNameOf(type: SamDeploymentType): string {
  return `CodeDeployDefault.Lambda${type}`;
}

/** The schedule of a SAM type (`Canary10Percent5Minutes`) or `CodeDeployDefault.Lambda<Type>`. */
export function predefinedTrafficShift(name: string): TrafficShift | undefined {
  const type = name.startsWith("CodeDeployDefault.Lambda")
    ? name.slice("CodeDeployDefault.Lambda".length)
    : name;
  if (!(SAM_DEPLOYMENT_TYPES as readonly string[]).includes(type)) {
    return undefined;
  }
  if (type === "AllAtOnce") {
    return { type: "AllAtOnce" };
  }
  const canary = /^Canary(\d+)Percent(\d+)Minutes?$/.exec(type);
  if (canary) {
    return {
      type: "TimeBasedCanary",
      percentage: Number(canary[1]),
      intervalMinutes: Number(canary[2]),
    };
  }
  const linear = /^Linear(\d+)PercentEvery(\d+)Minutes?$/.exec(type);
  if (linear) {
    return {
      type: "TimeBasedLinear",
      percentage: Number(linear[1]),
      intervalMinutes: Number(linear[2]),
    };
  }
  return undefined;
}

function checkStep(percentage: number, intervalMinutes: number, what: string): void {
  if (!Number.isInteger(percentage) || percentage < 1 || percentage > 99) {
    throw new Error(`[${what}.percentage] is ${percentage}; allowed: a whole number from 1 to 99`);
  }
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1) {
    throw new Error(
      `[${what}.intervalMinutes] is ${intervalMinutes}; allowed: a whole number of minutes, 1 or more`,
    );
  }
}

/**
 * Minutes from the start of the traffic shift until 100% of traffic is on the new version,
 * excluding hooks (each BeforeAllowTraffic/AfterAllowTraffic hook adds its own run time;
 * CodeDeploy waits up to one hour for a hook's status) and CodeDeploy's own latency of a
 * minute or so.
 * - AllAtOnce: 0.
 * - Canary P% N minutes: N (P% at once, the rest after N minutes).
 * - Linear P% every N minutes: (ceil(100 / P) - 1) x N; the first increment moves at the
 *   start, so Linear10PercentEvery10Minutes takes 9 x 10 = 90 minutes.
 *
 * @param config A SAM type (`"Canary10Percent5Minutes"`), a predefined configuration name
 *   (`"CodeDeployDefault.LambdaLinear10PercentEvery1Minute"`), a custom
 *   `{ canary | linear: { percentage, intervalMinutes } }`, or a {@link TrafficShift}.
 */
export function estimatedRolloutMinutes(
  config: string | CustomTrafficShift | TrafficShift,
): number {
  const shift = toTrafficShift(config);
  switch (shift.type) {
    case "AllAtOnce":
      return 0;
    case "TimeBasedCanary":
      return shift.intervalMinutes;
    case "TimeBasedLinear":
      return (Math.ceil(100 / shift.percentage) - 1) * shift.intervalMinutes;
  }
}

function toTrafficShift(config: string | CustomTrafficShift | TrafficShift): TrafficShift {
  if (typeof config === "string") {
    const shift = predefinedTrafficShift(config);
    if (!shift) {
      throw new Error(
        `unknown deployment configuration "${config}"; allowed: ${SAM_DEPLOYMENT_TYPES.join(", ")} ` +
          `(or CodeDeployDefault.Lambda<Type>), or a custom { canary | linear: { percentage, intervalMinutes } }`,
      );
    }
    return shift;
  }
  if ("type" in config) {
    if (config.type !== "AllAtOnce") {
      checkStep(config.percentage, config.intervalMinutes, config.type);
    }
    return config;
  }
  if ("canary" in config) {
    checkStep(config.canary.percentage, config.canary.intervalMinutes, "canary");
    return { type: "TimeBasedCanary", ...config.canary };
  }
  checkStep(config.linear.percentage, config.linear.intervalMinutes, "linear");
  return { type: "TimeBasedLinear", ...config.linear };
}
