import { expect } from "chai";
import {
  deploymentConfigNameOf,
  estimatedRolloutMinutes,
  SAM_DEPLOYMENT_TYPES,
} from "../../deployment/rollout";

describe("estimatedRolloutMinutes", () => {
  it("gives each of SAM's nine deployment types its traffic-shifting time", () => {
    const minutes = Object.fromEntries(
      SAM_DEPLOYMENT_TYPES.map((type) => [type, estimatedRolloutMinutes(type)]),
    );
    expect(minutes).to.deep.equal({
      AllAtOnce: 0,
      Canary10Percent5Minutes: 5,
      Canary10Percent10Minutes: 10,
      Canary10Percent15Minutes: 15,
      Canary10Percent30Minutes: 30,
      // Ten 10% steps, the first at the start: nine intervals.
      Linear10PercentEvery1Minute: 9,
      Linear10PercentEvery2Minutes: 18,
      Linear10PercentEvery3Minutes: 27,
      Linear10PercentEvery10Minutes: 90,
    });
  });

  it("accepts the predefined CodeDeploy configuration names", () => {
    expect(deploymentConfigNameOf("Linear10PercentEvery1Minute")).to.equal(
      "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
    );
    expect(estimatedRolloutMinutes("CodeDeployDefault.LambdaCanary10Percent30Minutes")).to.equal(
      30,
    );
    expect(estimatedRolloutMinutes("CodeDeployDefault.LambdaAllAtOnce")).to.equal(0);
  });

  it("computes custom canary and linear schedules, rounding a partial last step up", () => {
    expect(estimatedRolloutMinutes({ canary: { percentage: 5, intervalMinutes: 45 } })).to.equal(
      45,
    );
    expect(estimatedRolloutMinutes({ linear: { percentage: 25, intervalMinutes: 4 } })).to.equal(
      12,
    );
    // 30% steps: 30, 60, 90, 100 -> four steps, three intervals.
    expect(estimatedRolloutMinutes({ linear: { percentage: 30, intervalMinutes: 5 } })).to.equal(
      15,
    );
  });

  it("rejects unknown names and impossible schedules, saying what is allowed", () => {
    expect(() => estimatedRolloutMinutes("Canary50Percent1Minute")).to.throw(
      /unknown deployment configuration "Canary50Percent1Minute"; allowed: Canary10Percent5Minutes/,
    );
    expect(() =>
      estimatedRolloutMinutes({ linear: { percentage: 0, intervalMinutes: 5 } }),
    ).to.throw("[linear.percentage] is 0; allowed: a whole number from 1 to 99");
    expect(() =>
      estimatedRolloutMinutes({ canary: { percentage: 10, intervalMinutes: 0 } }),
    ).to.throw("[canary.intervalMinutes] is 0; allowed: a whole number of minutes, 1 or more");
  });

  it("names every allowed configuration in the error for an unknown one", () => {
    expect(() => estimatedRolloutMinutes("Canary50Percent1Minute")).to.throw(
      'unknown deployment configuration "Canary50Percent1Minute"; allowed: ' +
        "Canary10Percent5Minutes, Canary10Percent10Minutes, Canary10Percent15Minutes, " +
        "Canary10Percent30Minutes, Linear10PercentEvery1Minute, Linear10PercentEvery2Minutes, " +
        "Linear10PercentEvery3Minutes, Linear10PercentEvery10Minutes, AllAtOnce " +
        "(or CodeDeployDefault.Lambda<Type>), or a custom { canary | linear: { percentage, intervalMinutes } }",
    );
  });

  it("takes 1% and 99% steps and a 1-minute interval, the ends CodeDeploy allows, and refuses 100%", () => {
    // CodeDeploy API reference, TimeBasedCanary/TimeBasedLinear: percentages of traffic shifted
    // per step; a 100% step is AllAtOnce, not a canary.
    expect(estimatedRolloutMinutes({ canary: { percentage: 1, intervalMinutes: 1 } })).to.equal(1);
    expect(estimatedRolloutMinutes({ linear: { percentage: 99, intervalMinutes: 1 } })).to.equal(1);
    expect(estimatedRolloutMinutes({ linear: { percentage: 1, intervalMinutes: 2 } })).to.equal(
      198,
    );
    expect(() =>
      estimatedRolloutMinutes({ canary: { percentage: 100, intervalMinutes: 5 } }),
    ).to.throw("[canary.percentage] is 100; allowed: a whole number from 1 to 99");
  });

  it("checks a schedule given as a CodeDeploy traffic shift, except AllAtOnce which has none", () => {
    expect(estimatedRolloutMinutes({ type: "AllAtOnce" })).to.equal(0);
    expect(
      estimatedRolloutMinutes({ type: "TimeBasedLinear", percentage: 25, intervalMinutes: 4 }),
    ).to.equal(12);
    expect(() =>
      estimatedRolloutMinutes({ type: "TimeBasedCanary", percentage: 0, intervalMinutes: 5 }),
    ).to.throw("[TimeBasedCanary.percentage] is 0; allowed: a whole number from 1 to 99");
  });
});
