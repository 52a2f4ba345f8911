import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { FeatureFlags, FeatureFlagsArgs } from "../../components";
import { expectRunFailure, runComponent } from "../../testing";
import { alarmArn, newOrderValidation } from "./fixtures";

const SUBJECT = 'FeatureFlags "orders-flags"';
const valid: FeatureFlagsArgs = {
  regions: ["us-east-1", "us-west-2"],
  environment: "prod",
  flags: [newOrderValidation],
};

/** One message per problem, as InvalidArgumentsError lists them. */
function expected(...problems: string[]): string {
  return problems.length === 1
    ? `${SUBJECT}: ${problems[0]}`
    : [
        `${SUBJECT} has ${problems.length} invalid arguments:`,
        ...problems.map((p) => `  - ${p}`),
      ].join("\n");
}

const cases: [string, unknown, string[]][] = [
  [
    "a flag key AppConfig refuses, and the same flag twice",
    {
      ...valid,
      flags: [
        { name: "NewOrderValidation", enabled: true },
        { name: "express", enabled: true },
        { name: "express", enabled: false },
      ],
    },
    [
      '[flags[0].name] is "NewOrderValidation": must start with a lowercase letter and hold up to 64 letters, digits, _ and - (AppConfig flag keys)',
      '[flags[2].name] is "express": names another flag already: flag names are unique',
    ],
  ],
  [
    "a misspelt flag field and an enabled that is not a boolean",
    { ...valid, flags: [{ name: "express", enabld: true, enabled: "yes" }] },
    [
      "[flags[0].enabld] is not an argument (did you mean [flags[0].enabled]?); known: name, enabled, description, attributes",
      '[flags[0].enabled] is "yes": must be true or false',
    ],
  ],
  [
    "attribute values outside their constraints",
    {
      ...valid,
      flags: [
        {
          name: "limits",
          enabled: true,
          attributes: [
            { name: "maxItems", numberValue: 500, minimum: 1, maximum: 100 },
            { name: "mode", stringValue: "fast", allowedValues: ["strict", "lenient"] },
            { name: "ratio", numberValue: 5, minimum: 0.5 },
            { name: "code", stringValue: "a1", pattern: "^[A-Z][0-9]$" },
          ],
        },
      ],
    },
    [
      "[flags[0].attributes[0].numberValue] is 500: is above its maximum (100)",
      '[flags[0].attributes[1].stringValue] is "fast": must be one of its allowedValues ("strict", "lenient")',
      "[flags[0].attributes[2].minimum] is 0.5: must be a whole number (AppConfig's number constraints)",
      '[flags[0].attributes[3].stringValue] is "a1": does not match its pattern ^[A-Z][0-9]$',
    ],
  ],
  [
    "two values for one attribute, a required attribute without value, and enabled as an attribute",
    {
      ...valid,
      flags: [
        {
          name: "limits",
          enabled: true,
          attributes: [
            { name: "maxItems", numberValue: 5, stringValue: "5" },
            { name: "region", type: "string", required: true },
            { name: "enabled", booleanValue: true },
          ],
        },
      ],
    },
    [
      "[flags[0].attributes[0].stringValue] and numberValue exclude each other: an attribute has one value",
      "[flags[0].attributes[1]] has no value: it is required and the flag is enabled (AppConfig refuses the version)",
      '[flags[0].attributes[2].name] is "enabled": is the flag\'s own switch; name the attribute otherwise',
    ],
  ],
  [
    "a predefined strategy together with custom fields",
    { ...valid, rollout: { strategy: "AppConfig.Linear20PercentEvery6Minutes", growthFactor: 10 } },
    [
      "[rollout.strategy] and growthFactor exclude each other: name a predefined strategy or describe a custom one",
    ],
  ],
  [
    "a custom strategy out of AppConfig's ranges and without duration",
    { ...valid, rollout: { growthType: "STEP", growthFactor: 0, finalBakeTimeMinutes: 2000 } },
    [
      "[rollout.durationMinutes] is missing: a custom strategy needs growthFactor and durationMinutes",
      '[rollout.growthType] is "STEP": must be one of "LINEAR", "EXPONENTIAL"',
      "[rollout.growthFactor] is 0: must be a number from 1 to 100",
      "[rollout.finalBakeTimeMinutes] is 2000: must be a whole number from 0 to 1440 minutes",
    ],
  ],
  [
    "an unknown predefined strategy",
    { ...valid, rollout: { strategy: "AppConfig.Canary50Percent" } },
    [
      '[rollout.strategy] is "AppConfig.Canary50Percent": must be one of "AppConfig.AllAtOnce", "AppConfig.Linear50PercentEvery30Seconds", "AppConfig.Linear20PercentEvery6Minutes", "AppConfig.Canary10Percent20Minutes"',
    ],
  ],
  [
    "six alarms for one region, and a monitor in a region that serves no flags",
    {
      ...valid,
      monitors: [
        ...[1, 2, 3, 4, 5, 6].map((n) => ({
          region: "us-east-1",
          alarmArn: alarmArn("us-east-1", `a${n}`),
        })),
        { region: "eu-west-1", alarmArn: alarmArn("eu-west-1", "a") },
      ],
    },
    [
      '[monitors[6].region] is "eu-west-1": must be one of regions (us-east-1, us-west-2)',
      '[monitors] is "6 alarms in us-east-1": an AppConfig environment takes at most 5 alarms; pick the ones that must stop a flag change',
    ],
  ],
  [
    "no regions and no environment",
    { flags: [] },
    [
      "[regions] is undefined: must list at least one region (every region the service serves)",
      "[environment] is undefined: must be 1-64 characters (AppConfig names)",
    ],
  ],
];

describe("FeatureFlags: bad arguments are refused, every problem at once, before anything is registered", () => {
  for (const [title, args, problems] of cases) {
    it(title, async () => {
      const failure = await expectRunFailure(
        runComponent(() => new FeatureFlags("orders-flags", args as FeatureFlagsArgs)),
      );
      expect(failure.message).to.equal(expected(...problems));
      expect(failure.resources.all).to.deep.equal([]);
    });
  }

  it("regions sent as one Output (a stack reference, from another language) is refused by name", async () => {
    const failure = await expectRunFailure(
      runComponent(
        () =>
          new FeatureFlags("orders-flags", {
            ...valid,
            regions: pulumi.output(["us-east-1"]) as unknown as string[],
          }),
      ),
    );
    expect(failure.message).to.match(
      /^FeatureFlags "orders-flags": \[regions\] must be known when the component is constructed, not an Output/,
    );
    expect(failure.resources.all).to.deep.equal([]);
  });
});
