import { expect } from "chai";
import { requiredTags } from "../../policy/rules";
import { fix } from "../../policy/rules/remediation";
import { runPolicies } from "../../testing";
import { runService, shape } from "../multiRegion/fixtures";

// What required-tags' remediation promises, checked against the components themselves: they tag
// with their `tags` argument, and with nothing when it is not given.
describe("required-tags and the components' tags", function () {
  this.timeout(60_000);
  const tags = { environment: "prod", service: "orders", stack: "prod" };
  const policies = { policies: [requiredTags] };

  it("a MultiRegionService given tags, with no provider defaultTags, tags every taggable child", async () => {
    const { resources } = await runService({
      ...shape,
      topology: "active-passive",
      primaryRegion: "us-east-1",
      standbyRegions: ["us-west-2"],
      table: { hashKey: "orderId" },
      tags,
    });
    expect(await runPolicies(resources, policies)).to.deep.equal([]);
  });

  it("a MultiRegionService in created VPCs given tags tags the functions' security groups too", async () => {
    const { resources } = await runService({
      ...shape,
      topology: "active-passive",
      primaryRegion: "us-east-1",
      standbyRegions: ["us-west-2"],
      network: { vpc: "create" },
      tags,
    });
    expect(resources.ofType("aws:ec2/securityGroup:SecurityGroup")).to.have.length(2);
    // awsx builds the endpoints in its plugin, tagged with each spec's own `tags`.
    for (const vpc of resources.ofType("awsx:ec2:Vpc")) {
      for (const spec of vpc.inputs.vpcEndpointSpecs) {
        expect(spec.tags).to.deep.equal(tags);
      }
    }
    expect(await runPolicies(resources, policies)).to.deep.equal([]);
  });

  it("a MultiRegionService without tags leaves its resources untagged, so required-tags reports them", async () => {
    const { resources } = await runService({
      ...shape,
      topology: "active-passive",
      primaryRegion: "us-east-1",
      standbyRegions: ["us-west-2"],
    });
    expect(await runPolicies(resources, policies)).to.not.deep.equal([]);
  });

  it("the remediation says what is true: the components copy their tags argument, they add none of their own", () => {
    expect(fix.tags).to.not.match(/they tag every resource/);
    expect(fix.tags).to.match(/\[tags\]/);
    expect(fix.tags).to.match(/defaultTags/);
  });
});
