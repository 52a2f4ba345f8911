/**
 * How a deployment says whose it is (deployment/marker.ts): the tag the engine writes at the
 * end of a CodeDeploy deployment's description, and how it reads one back. A wrong reading
 * is a wrong decision: someone else's deployment followed as this resource's, or this
 * resource's own deployment started a second time. (The 100-character limit and a user's
 * tag-like text are in engine.test.ts, "the description CodeDeploy gets".)
 */
import { expect } from "chai";
import {
  CODEDEPLOY_DESCRIPTION_LIMIT,
  deploymentDescription,
  hasTag,
  parseTag,
  retryKey,
} from "../../deployment/marker";

/** This request's tag: resource 0badf00d deploying version 4, first attempt. */
const tag = { marker: "0badf00d", targetVersion: "4", retry: "0" };

describe("deployment tag: the retry key", () => {
  it("is 0 without a retryToken, and an empty retryToken is none (no new deployment)", () => {
    expect(retryKey(undefined)).to.equal("0");
    expect(retryKey("")).to.equal("0");
    expect(deploymentDescription(undefined, "live", { ...tag, retry: retryKey("") })).to.equal(
      "pulumi up: live -> version 4 [pulumi:0badf00d:4:0]",
    );
  });

  it("is the low 16 bits of the token's 32-bit FNV-1a hash, as 4 hex digits", () => {
    // FNV-1a 32-bit test vectors (Go's hash/fnv tests, `golden32a`): "a" 0xe40c292c,
    // "ab" 0x4d2505ca, "abc" 0x1a47e90b.
    expect(["a", "ab", "abc"].map(retryKey)).to.deep.equal(["292c", "05ca", "e90b"]);
  });

  it("tells retries apart: each new retryToken deploys the version again under a new tag", () => {
    const keys = ["2026-01-01", "2026-01-02", "hotfix-1", "hotfix-2"].map(retryKey);

    expect(new Set(keys).size).to.equal(4);
    expect(keys).to.deep.equal(["e163", "e2f6", "6eb5", "69fc"]);
  });
});

describe("deployment tag: reading one back", () => {
  it("reads versions of any number of digits", () => {
    expect(parseTag("pulumi up: live -> version 12 [pulumi:0badf00d:12:05ca]")).to.deep.equal({
      marker: "0badf00d",
      targetVersion: "12",
      retry: "05ca",
    });
  });

  it("reads an older tag that carries the marker only, and never takes it for this request's", () => {
    const older = "pulumi up: live -> version 4 [pulumi:0badf00d]";

    expect(parseTag(older)).to.deep.equal({ marker: "0badf00d" });
    expect(hasTag(older, tag)).to.equal(false);
  });

  it("finds no tag in a missing or untagged description", () => {
    expect(parseTag(undefined)).to.equal(undefined);
    expect(parseTag("deployed by hand")).to.equal(undefined);
    expect(hasTag(undefined, tag)).to.equal(false);
  });

  it("takes a deployment for this request's only when marker, version and retry key all match", () => {
    const ours = deploymentDescription(undefined, "live", tag);

    expect(hasTag(ours, tag)).to.equal(true);
    // The same resource's deployment of another version, or of an earlier retry, is not this
    // request's; nor is another resource's deployment of the same version.
    expect(hasTag(ours, { ...tag, targetVersion: "5" })).to.equal(false);
    expect(hasTag(ours, { ...tag, retry: "e163" })).to.equal(false);
    expect(hasTag(ours, { ...tag, marker: "deadbeef" })).to.equal(false);
  });
});

describe("deployment tag: the description CodeDeploy gets", () => {
  it("cuts a default text that a long alias name makes too long with an ellipsis, keeping the tag whole", () => {
    // Alias names have up to 128 characters (Lambda API reference, CreateAlias `Name`).
    const description = deploymentDescription(undefined, "a".repeat(128), tag);

    expect(description).to.equal(`pulumi up: ${"a".repeat(66)}… [pulumi:0badf00d:4:0]`);
    expect(description).to.have.length(CODEDEPLOY_DESCRIPTION_LIMIT);
  });
});
