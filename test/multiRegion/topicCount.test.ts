import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { topicCountUpperBound } from "../../components/trafficShiftedFunction";

describe("the shared role's worst-case grant counts only the region's notification topics", () => {
  const east = "arn:aws:sns:us-east-1:123456789012:orders";
  const west = "arn:aws:sns:us-west-2:123456789012:orders";
  it("counts the topics of a known region, and every topic when the region or ARN is unknown", () => {
    expect(topicCountUpperBound([east, west], "us-east-1")).to.equal(1);
    expect(topicCountUpperBound([east, west], undefined)).to.equal(2);
    expect(topicCountUpperBound([east, pulumi.output(west)], "us-east-1")).to.equal(2);
    expect(topicCountUpperBound(undefined, "us-east-1")).to.equal(0);
    expect(topicCountUpperBound(undefined, undefined)).to.equal(0);
  });
});
