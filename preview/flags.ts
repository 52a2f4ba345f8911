// The feature flags of a previewed stack, as the offline preview lists them: per region the
// flags AppConfig will serve (the hosted configuration version's document) and its hash, and
// the rollout of a flag change (strategy, duration, bake time, the alarms that roll it back).
import type { CapturedResource } from "../testing";
import {
  describeFlagStrategy,
  featureFlagContentHash,
  PREDEFINED_FLAG_STRATEGY_SHAPES,
  PredefinedFlagStrategy,
  ResolvedFlagStrategy,
} from "../components/featureFlagContent";
import { regionOf } from "./tree";

const VERSION = "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion";
const DEPLOYMENT = "aws:appconfig/deployment:Deployment";
const STRATEGY = "aws:appconfig/deploymentStrategy:DeploymentStrategy";
const ENVIRONMENT = "aws:appconfig/environment:Environment";
const UNKNOWN_NAME = "(unknown at preview)";

/** One region's flags and how a change reaches it. */
export interface RegionFlags {
  region: string;
  /** `name on|off`, with attribute values: `newOrderValidation on (maxItems 50)`. */
  flags: string[];
  /** SHA-256 of the document: a change of any flag changes it. */
  contentHash: string;
  /** The strategy in words, e.g. `AppConfig.Canary10Percent20Minutes (exponential 10%, 20 min, bake 10 min)`. */
  strategy: string;
  /** Minutes until AppConfig calls the deployment done: duration plus bake time (undefined when unknown). */
  minutes?: number;
  /** Alarm names (or `(unknown at preview)`) that roll a flag change back. */
  monitors: string[];
}

export interface FlagPlan {
  regions: RegionFlags[];
}

function flagsOf(content: unknown): string[] {
  if (typeof content !== "string") return [];
  try {
    const document = JSON.parse(content) as { values?: Record<string, Record<string, unknown>> };
    return Object.entries(document.values ?? {}).map(([name, value]) => {
      const { enabled, ...attributes } = value;
      const shown = Object.entries(attributes).map(([k, v]) => `${k} ${JSON.stringify(v)}`);
      return `${name} ${enabled === true ? "on" : "off"}${shown.length > 0 ? ` (${shown.join(", ")})` : ""}`;
    });
  } catch {
    return [];
  }
}

/** The flags per region, from the captured AppConfig resources. */
export function flagPlan(resources: readonly CapturedResource[]): FlagPlan {
  const inRegion = (type: string, region: string) =>
    resources.filter((r) => r.type === type && regionOf(r) === region);
  return {
    regions: resources
      .filter((r) => r.type === DEPLOYMENT)
      .map((deployment) => {
        const region = regionOf(deployment) ?? "?";
        const version = inRegion(VERSION, region)[0];
        const content = version?.inputs.content;
        const strategyId = deployment.inputs.deploymentStrategyId;
        const custom = inRegion(STRATEGY, region)[0];
        let strategy: ResolvedFlagStrategy | undefined;
        if (typeof strategyId === "string" && strategyId in PREDEFINED_FLAG_STRATEGY_SHAPES) {
          const predefined = strategyId as PredefinedFlagStrategy;
          strategy = { predefined, shape: PREDEFINED_FLAG_STRATEGY_SHAPES[predefined] };
        } else if (custom) {
          strategy = {
            shape: {
              growthType: custom.inputs.growthType ?? "LINEAR",
              growthFactor: custom.inputs.growthFactor,
              durationMinutes: custom.inputs.deploymentDurationInMinutes,
              finalBakeTimeMinutes: custom.inputs.finalBakeTimeInMinutes ?? 0,
            },
          };
        }
        const monitors: unknown[] = inRegion(ENVIRONMENT, region)[0]?.inputs.monitors ?? [];
        return {
          region,
          flags: flagsOf(content),
          contentHash: typeof content === "string" ? featureFlagContentHash(content) : "(unknown)",
          strategy: strategy ? describeFlagStrategy(strategy) : "(unknown at preview)",
          minutes: strategy
            ? strategy.shape.durationMinutes + strategy.shape.finalBakeTimeMinutes
            : undefined,
          monitors: monitors.map((monitor) => {
            const arn = (monitor as { alarmArn?: unknown } | undefined)?.alarmArn;
            return typeof arn === "string" ? (arn.split(":alarm:")[1] ?? arn) : UNKNOWN_NAME;
          }),
        };
      }),
  };
}

/** The preview's "Feature flags" section. */
export function renderFlagPlan(plan: FlagPlan, bold: (text: string) => string): string[] {
  if (plan.regions.length === 0) return [];
  const lines = [bold("Feature flags") + " (AppConfig; a change rolls out like a new version)"];
  for (const region of plan.regions) {
    lines.push(
      `  ${region.region}: ${region.flags.join(", ") || "no flags"}  [sha256 ${region.contentHash.slice(0, 12)}]`,
      `    rollout ${region.strategy}${region.minutes !== undefined ? `, done after about ${region.minutes} min` : ""}; ` +
        (region.monitors.length > 0
          ? `rolled back by ${region.monitors.length} alarm${region.monitors.length === 1 ? "" : "s"}` +
            (region.monitors.every((name) => name === UNKNOWN_NAME)
              ? " (names known at update)"
              : ` (${region.monitors.join(", ")})`)
          : "no alarms: nothing rolls a bad flag back"),
    );
  }
  return lines;
}
