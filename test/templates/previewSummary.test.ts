import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { summaryMarker } from "../../preview/markdown";

const workflowPath = path.resolve(__dirname, "../../templates/github-actions/deploy.yml");

interface Step {
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

/**
 * A fake of what actions/github-script gives a script: an Octokit with `paginate` and
 * `rest.issues.{listComments, createComment, updateComment}` (octokit/plugin-rest-endpoint-methods,
 * GitHub REST "Issues > Comments": pull request comments are issue comments), and `context`
 * (@actions/github Context: `repo`, `issue.number`, `serverUrl`, `runId`). Comments have the
 * shape of "List issue comments" responses: `id`, `body`, `user.login` and `user.type`
 * (`github-actions[bot]`, "Bot" for what GITHUB_TOKEN posts as).
 */
class FakeGitHub {
  readonly calls: { method: string; params: Record<string, unknown> }[] = [];
  constructor(
    readonly comments: { id: number; body: string; user: { login: string; type: string } }[],
  ) {}
  readonly rest = {
    issues: {
      listComments: async (params: Record<string, unknown>) => {
        this.calls.push({ method: "listComments", params });
        return { data: this.comments };
      },
      createComment: async (params: Record<string, unknown>) => {
        this.calls.push({ method: "createComment", params });
        this.comments.push({
          id: 100 + this.comments.length,
          body: String(params.body),
          user: { login: "github-actions[bot]", type: "Bot" },
        });
        return { data: {} };
      },
      updateComment: async (params: Record<string, unknown>) => {
        this.calls.push({ method: "updateComment", params });
        const comment = this.comments.find((c) => c.id === params.comment_id)!;
        comment.body = String(params.body);
        return { data: {} };
      },
    },
  };
  paginate = async (
    method: (params: Record<string, unknown>) => Promise<{ data: unknown[] }>,
    params: Record<string, unknown>,
  ) => (await method(params)).data;
}

const context = {
  repo: { owner: "acme", repo: "orders" },
  issue: { number: 7 },
  serverUrl: "https://github.com",
  runId: 42,
};

function offlinePreviewSteps(): {
  steps: Step[];
  permissions: Record<string, string>;
  stacks: string[];
} {
  const workflow = parse(fs.readFileSync(workflowPath, "utf8"));
  const job = workflow.jobs["offline-preview"];
  return { steps: job.steps, permissions: job.permissions, stacks: job.strategy.matrix.stack };
}

/** Runs the comment step's script as actions/github-script does: an async function body. */
async function runCommentScript(step: Step, stack: string, summary: string, github: FakeGitHub) {
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
  const script = new AsyncFunction("require", "github", "context", "process", step.with!.script);
  const fakeFs = { readFileSync: (file: string) => (file === "preview-summary.md" ? summary : "") };
  const requireOnlyFs = (name: string) => {
    if (name !== "fs") {
      throw new Error(`the script required ${name}; the fake gives it fs only`);
    }
    return fakeFs;
  };
  await script(requireOnlyFs, github, context, {
    env: { STACK: stack },
  });
}

describe("GitHub Actions template: the preview summary on the pull request", () => {
  const { steps, permissions, stacks } = offlinePreviewSteps();
  const comment = steps.find((step) => step.uses?.startsWith("actions/github-script@"))!;

  it("writes --markdown and appends it to the job summary on every run, whatever the verdict", () => {
    expect(steps.map((step) => step.run).filter(Boolean)).to.include(
      "npm run preview -- ${{ matrix.stack }} --markdown preview-summary.md",
    );
    const summary = steps.find((step) => step.run?.includes("$GITHUB_STEP_SUMMARY"));
    expect(summary?.run).to.equal('cat preview-summary.md >> "$GITHUB_STEP_SUMMARY"');
    // !cancelled(), not always(): always() runs in a cancelled job too.
    expect(summary?.if).to.equal("${{ !cancelled() && hashFiles('preview-summary.md') != '' }}");
    expect(comment.if).to.match(/^!cancelled\(\) && hashFiles\('preview-summary\.md'\) != ''/);
    // Dependabot's pull requests get a read-only GITHUB_TOKEN: no comment for them.
    expect(comment.if).to.include("github.actor != 'dependabot[bot]'");
    expect(comment.env).to.deep.equal({ STACK: "${{ matrix.stack }}" });
    expect(permissions).to.deep.equal({ contents: "read", "pull-requests": "write" });
  });

  it("posts one comment per stack, then updates it: re-runs add no comment", async () => {
    const github = new FakeGitHub([
      { id: 1, body: "LGTM", user: { login: "alice", type: "User" } },
      // Someone quoting the marker is not the bot's comment, nor is another bot's.
      { id: 2, body: `${summaryMarker("prod")}\nquoted`, user: { login: "alice", type: "User" } },
      {
        id: 3,
        body: `${summaryMarker("prod")}\nother bot`,
        user: { login: "renovate[bot]", type: "Bot" },
      },
    ]);
    for (const stack of stacks) {
      await runCommentScript(
        comment,
        stack,
        `${summaryMarker(stack)}\n## first run of ${stack}`,
        github,
      );
    }
    for (const stack of stacks) {
      await runCommentScript(
        comment,
        stack,
        `${summaryMarker(stack)}\n## second run of ${stack}`,
        github,
      );
    }
    const writes = github.calls.filter((call) => call.method !== "listComments");
    expect(writes.map((call) => call.method)).to.deep.equal([
      ...stacks.map(() => "createComment"),
      ...stacks.map(() => "updateComment"),
    ]);
    expect(github.comments.map((c) => c.body.split("\n").at(-1))).to.deep.equal([
      "LGTM",
      "quoted",
      "other bot",
      ...stacks.map((stack) => `## second run of ${stack}`),
    ]);
    expect(writes[0].params).to.deep.include({ owner: "acme", repo: "orders", issue_number: 7 });
  });

  it("cuts a summary over GitHub's comment limit and links the job summary", async () => {
    const github = new FakeGitHub([]);
    const huge = `${summaryMarker("prod")}\n${"x".repeat(70_000)}`;
    await runCommentScript(comment, "prod", huge, github);
    const body = String(github.calls.find((call) => call.method === "createComment")!.params.body);
    expect(body.length).to.be.below(65_536);
    expect(body).to.include("(https://github.com/acme/orders/actions/runs/42)");
    expect(body.startsWith(summaryMarker("prod"))).to.equal(true);
  });

  it("cuts at a section boundary: no ```mermaid fence is left open", async () => {
    const github = new FakeGitHub([]);
    const gantt = [
      "```mermaid",
      "gantt",
      ...Array(4000).fill("    step :t1, 00:00:00, 60s"),
      "```",
    ];
    const summary = [
      summaryMarker("prod"),
      "### Topology",
      "",
      "```mermaid",
      "flowchart LR",
      "```",
      "",
      "### Rollout",
      "",
      ...gantt,
      "",
      "### Policies",
    ].join("\n");
    expect(summary.length).to.be.above(65_536);
    await runCommentScript(comment, "prod", summary, github);
    const body = String(github.calls.find((call) => call.method === "createComment")!.params.body);
    expect(body.length).to.be.below(65_536);
    const fences = body.split("\n").filter((line) => line.startsWith("```"));
    expect(fences.length % 2, "fences balanced").to.equal(0);
    expect(body).to.include("### Topology");
    expect(body).to.not.include("### Rollout");
  });

  it("closes the fence when one section alone is over the limit", async () => {
    const github = new FakeGitHub([]);
    const summary = [summaryMarker("prod"), "```mermaid", "x".repeat(70_000), "```"].join("\n");
    await runCommentScript(comment, "prod", summary, github);
    const body = String(github.calls.find((call) => call.method === "createComment")!.params.body);
    const fences = body.split("\n").filter((line) => line.startsWith("```"));
    expect(fences).to.have.length(2);
  });
});
