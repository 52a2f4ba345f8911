// Production serves from more than one region.
import * as aws from "@pulumi/aws";
import { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import {
  configOf,
  EnvironmentSettings,
  environmentConfigProperties,
  isProduction,
  regionOf,
} from "./common";
import { fix } from "./remediation";

const multiRegionSchema: PolicyConfigSchema = {
  properties: {
    ...environmentConfigProperties,
    minRegions: {
      type: "integer",
      minimum: 1,
      default: 2,
      description: "Fewest distinct regions the production Lambda functions must run in.",
    },
  },
};

interface MultiRegionSettings extends EnvironmentSettings {
  minRegions: number;
}

/**
 * The production Lambda functions of a stack run in at least `minRegions` regions. A function's
 * region is its v7 `region` property, else its provider's. Each function whose region is not
 * known at preview counts as a possible extra region, so an unknown never causes a violation.
 */
export const prodServesFromMultipleRegions: StackValidationPolicy = {
  name: "prod-serves-from-multiple-regions",
  description: "Production Lambda functions run in at least two AWS regions (minRegions).",
  enforcementLevel: "mandatory",
  configSchema: multiRegionSchema,
  validateStack: (args, reportViolation) => {
    const settings = configOf<MultiRegionSettings>(args, multiRegionSchema);
    const functions = args.resources.filter(
      (resource) => resource.isType(aws.lambda.Function) && isProduction(resource, settings),
    );
    if (functions.length === 0) {
      return;
    }
    const regions = functions.map(regionOf);
    const distinct = [...new Set(regions.filter((region) => region !== undefined))].sort();
    const unknownRegions = regions.filter((region) => region === undefined).length;
    if (distinct.length + unknownRegions < settings.minRegions) {
      reportViolation(
        `The production functions run in ${distinct.length} region${
          distinct.length === 1 ? "" : "s"
        } (${distinct.join(", ")}); production needs at least ${settings.minRegions} so that ` +
          `Route 53 can fail over. ${fix.regions}.`,
      );
    }
  },
};

export const regionPolicies = [prodServesFromMultipleRegions];
