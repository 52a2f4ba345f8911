/**
 * Validation of a LambdaDeployment's arguments, shared by the component (plain values, before
 * anything is registered) and the dynamic provider's `check` (values that were outputs).
 * Each problem names the argument, the value and what is allowed.
 */

/** One invalid argument. */
export interface ArgumentProblem {
  /** The argument's path, e.g. `hooks.beforeAllowTraffic`. */
  readonly property: string;
  /** `[property] is <value>; allowed: ...` */
  readonly reason: string;
}

/** Longest wait we accept: a custom config's canary/linear interval can be up to 2 days. */
export const MAX_TIMEOUT_MINUTES = 2880;

import { MAX_DESCRIPTION_LENGTH } from "./marker";

export { MAX_DESCRIPTION_LENGTH } from "./marker";

/** Most versions `keepVersions` may keep (a bound on typos, not a Lambda limit). */
const MAX_KEEP_VERSIONS = 1000;

// Lambda: function names are 1-64 of [A-Za-z0-9_-]; alias names 1-128 of the same, not all
// digits (Lambda API reference, CreateFunction / CreateAlias).
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const ALIAS_NAME = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;
const VERSION = /^\d+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function problem(property: string, value: unknown, allowed: string): ArgumentProblem {
  // `JSON.stringify(undefined)` is undefined, which the template writes as `undefined`.
  return { property, reason: `[${property}] is ${JSON.stringify(value)}; allowed: ${allowed}` };
}

/**
 * The problems in a LambdaDeployment's arguments. Values for which `isKnown` is false
 * (outputs not resolved yet, unknowns during preview) are skipped.
 */
export function lambdaDeploymentProblems(
  values: Record<string, unknown>,
  isKnown: (value: unknown) => boolean = () => true,
): ArgumentProblem[] {
  const problems: ArgumentProblem[] = [];
  const check = (
    property: string,
    value: unknown,
    ok: (value: unknown) => boolean,
    allowed: string,
  ): void => {
    if (isKnown(value) && !ok(value)) {
      problems.push(problem(property, value, allowed));
    }
  };
  const text = (max: number) => (value: unknown) =>
    typeof value === "string" && value.length >= 1 && value.length <= max;

  check(
    "applicationName",
    values.applicationName,
    text(100),
    "a CodeDeploy application name, 1-100 characters",
  );
  check(
    "deploymentGroupName",
    values.deploymentGroupName,
    text(100),
    "a deployment group name, 1-100 characters",
  );
  check(
    "functionName",
    values.functionName,
    (value) => typeof value === "string" && FUNCTION_NAME.test(value),
    "a Lambda function name (1-64 letters, digits, - or _), not an ARN",
  );
  check(
    "aliasName",
    values.aliasName,
    (value) => typeof value === "string" && ALIAS_NAME.test(value),
    "a Lambda alias name (1-128 letters, digits, - or _, not only digits)",
  );
  check(
    "targetVersion",
    values.targetVersion,
    (value) => typeof value === "string" && VERSION.test(value),
    'a published version number such as "4" (CodeDeploy shifts an alias between published versions, never $LATEST)',
  );
  check(
    "region",
    values.region,
    (value) => typeof value === "string" && REGION.test(value),
    'an AWS region code such as "eu-west-1"',
  );
  const hooks = values.hooks;
  if (isKnown(hooks) && hooks !== undefined && hooks !== null) {
    if (typeof hooks !== "object" || Array.isArray(hooks)) {
      problems.push(problem("hooks", hooks, "{ beforeAllowTraffic?, afterAllowTraffic? }"));
    } else {
      for (const [key, value] of Object.entries(hooks as Record<string, unknown>)) {
        const property = `hooks.${key}`;
        if (key !== "beforeAllowTraffic" && key !== "afterAllowTraffic") {
          problems.push(problem(property, value, "only beforeAllowTraffic and afterAllowTraffic"));
          continue;
        }
        check(
          property,
          value,
          (name) => name === undefined || (typeof name === "string" && FUNCTION_NAME.test(name)),
          "a Lambda function name (1-64 letters, digits, - or _)",
        );
        if (isKnown(value) && value !== undefined && value === values.functionName) {
          problems.push(problem(property, value, "a function other than the one being deployed"));
        }
      }
    }
  }
  check(
    "waitForCompletion",
    values.waitForCompletion,
    (value) => value === undefined || typeof value === "boolean",
    "true or false",
  );
  check(
    "timeoutMinutes",
    values.timeoutMinutes,
    (value) =>
      value === undefined ||
      (typeof value === "number" &&
        Number.isInteger(value) &&
        value >= 1 &&
        value <= MAX_TIMEOUT_MINUTES),
    `a whole number of minutes from 1 to ${MAX_TIMEOUT_MINUTES}, or unset to derive it from the deployment group's configuration`,
  );
  check(
    "description",
    values.description,
    (value) =>
      value === undefined ||
      (typeof value === "string" &&
        value.length <= MAX_DESCRIPTION_LENGTH &&
        !value.includes("[pulumi:")),
    `text of at most ${MAX_DESCRIPTION_LENGTH} characters without "[pulumi:" (CodeDeploy ` +
      "allows 100; the rest is the tag that tells this resource's deployments apart, and text " +
      "that looks like a tag would blur it)",
  );
  check(
    "retryToken",
    values.retryToken,
    (value) => value === undefined || (typeof value === "string" && value.length <= 256),
    "any text of up to 256 characters; change it to deploy a rolled-back version again",
  );
  check(
    "keepVersions",
    values.keepVersions,
    (value) =>
      value === undefined ||
      (typeof value === "number" &&
        Number.isInteger(value) &&
        value >= 0 &&
        value <= MAX_KEEP_VERSIONS),
    `a whole number from 0 (keep every version) to ${MAX_KEEP_VERSIONS}`,
  );
  const accounts = values.allowedAccountIds;
  if (Array.isArray(accounts) && isKnown(accounts)) {
    // Each id on its own: a list may hold ids not known yet beside a bad one, and printing
    // those would print an output's or the engine's placeholder text.
    accounts.forEach((account, index) => {
      if (isKnown(account) && !(typeof account === "string" && /^\d{12}$/.test(account))) {
        const { reason } = problem(
          `allowedAccountIds[${index}]`,
          account,
          "a 12-digit AWS account id",
        );
        problems.push({ property: "allowedAccountIds", reason });
      }
    });
  } else {
    check(
      "allowedAccountIds",
      accounts,
      (value) => value === undefined,
      "a list of 12-digit AWS account ids",
    );
  }
  return problems;
}

/**
 * Minutes in a Go duration string (`"90m"`, `"1h30m"`, `".5h"`, `"45s"`) as Pulumi's engine reads
 * `customTimeouts` (Go's `time.ParseDuration`: numbers with digits before or after the point,
 * each with a unit `ns`, `us`, `µs` (micro sign), `μs` (Greek mu), `ms`, `s`, `m` or `h`);
 * undefined when it does not parse. A bare `"0"` is 0, as in Go; a sign, which Go also reads, is
 * refused: no deployment can wait a negative time.
 */
export function durationMinutes(duration: string): number | undefined {
  const units: Record<string, number> = {
    h: 60,
    m: 1,
    s: 1 / 60,
    ms: 1 / 60_000,
    us: 1 / 60_000_000,
    "\u00b5s": 1 / 60_000_000,
    "\u03bcs": 1 / 60_000_000,
    ns: 1 / 60_000_000_000,
  };
  if (duration === "0") {
    return 0;
  }
  const parts = [...duration.matchAll(/(\d+\.?\d*|\.\d+)(ms|us|\u00b5s|\u03bcs|ns|h|m|s)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== duration) {
    return undefined;
  }
  return parts.reduce((sum, part) => sum + Number(part[1]) * units[part[2]], 0);
}
