import { describe, expect, it } from "vitest";
import { spawn } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import { createServer, type IncomingMessage } from "http";
import { join } from "path";
import { findPlanComment, GitHubError, upsertPlanComment, type CommentTarget } from "../../tools/ci/github-comments";
import {
  codeBlock,
  COMMENT_MARKER,
  emptyComment,
  GITHUB_COMMENT_LIMIT,
  OFFLINE_SECTION_LIMIT,
  PREVIEW_SECTION_LIMIT,
  renderOfflineSection,
  renderPreviewSection,
  sectionMarkers,
  setSection,
  type PreviewResult,
} from "../../tools/ci/pr-comment";
import { readOfflineResult, readPreviewResults } from "../../tools/ci/pr-comment-cli";
import { ROOT } from "./workflow-files";
import { temporaryDirectories } from "../plan/temp-dirs";

const tempDir = temporaryDirectories();

const run = { sha: "0123456789abcdef", runUrl: "https://github.com/acme/platform/actions/runs/42", repoUrl: "https://github.com/acme/platform" };
const between = (body: string, id: "offline" | "preview") => {
  const [start, end] = sectionMarkers(id);
  return body.slice(body.indexOf(start) + start.length, body.indexOf(end)).trim();
};
/** Fenced blocks are balanced when every opening fence has its closing twin. */
const fencesBalanced = (text: string) => {
  const open: string[] = [];
  for (const [fence] of text.matchAll(/^`{3,}/gm)) {
    if (open.length > 0 && fence === open[open.length - 1]) open.pop();
    else open.push(fence);
  }
  return open.length === 0;
};

describe("setSection", () => {
  it("starts a comment with the hidden marker and both sections", () => {
    const body = setSection(undefined, "offline", "plan A");
    expect(body.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(between(body, "offline")).toBe("plan A");
    expect(between(body, "preview")).toMatch(/Not reported/);
  });

  it("rewrites one section and leaves the other as it was", () => {
    const first = setSection(setSection(undefined, "offline", "plan A"), "preview", "preview A");
    const second = setSection(first, "offline", "plan B");
    expect(between(second, "offline")).toBe("plan B");
    expect(between(second, "preview")).toBe("preview A");
    expect(setSection(second, "offline", "plan B")).toBe(second);
  });

  it("never edits someone else's text: a body without the marker is replaced by a fresh comment", () => {
    expect(setSection("LGTM, ship it", "offline", "plan")).toBe(setSection(emptyComment(), "offline", "plan"));
  });

  it("appends a section whose markers were lost", () => {
    const [start] = sectionMarkers("preview");
    const damaged = emptyComment().slice(0, emptyComment().indexOf(start));
    const body = setSection(damaged, "preview", "preview B");
    expect(between(body, "preview")).toBe("preview B");
    expect(between(body, "offline")).toMatch(/Not reported/);
  });
});

describe("renderOfflineSection", () => {
  const report = "#### Changes\n| stack | + | ~ | - |\n| --- | --- | --- | --- |\n| prod-us-east-1 | 3 | 1 | 0 |";

  it("leads with the verdict for each exit code", () => {
    expect(renderOfflineSection({ exitCode: 0, markdown: report, diffed: true }, run)).toMatch(/✅ \*\*No mandatory policy violation/);
    expect(renderOfflineSection({ exitCode: 1, markdown: report, diffed: true }, run)).toMatch(/❌ \*\*Mandatory policy violation/);
    expect(renderOfflineSection({ exitCode: 2, log: "Pulumi.prod.yaml: 1 configuration problem(s)", diffed: false }, run)).toMatch(/⚠️ \*\*The plan rejected its input[\s\S]*Pulumi\.prod\.yaml: 1 configuration problem/);
    expect(renderOfflineSection({ exitCode: undefined, diffed: false }, run)).toMatch(/did not run/);
    expect(renderOfflineSection({ exitCode: 134, log: "Segmentation fault", diffed: false }, run)).toMatch(/exit 134[\s\S]*Segmentation fault/);
  });

  it("embeds the plan's report, says when it is not a diff, and names the commit and run", () => {
    const diffed = renderOfflineSection({ exitCode: 0, markdown: report, diffed: true }, run);
    expect(diffed).toContain(report);
    expect(diffed).not.toMatch(/not a diff/);
    expect(diffed).toContain("0123456 · [workflow run](https://github.com/acme/platform/actions/runs/42)");
    expect(renderOfflineSection({ exitCode: 0, markdown: report, diffed: false }, run)).toMatch(/whole plan, not a diff/);
  });

  it("flags a stale diagram and stack-file problems", () => {
    const text = renderOfflineSection({ exitCode: 0, markdown: report, diffed: true, diagramStale: true, stackFilesMessage: "Pulumi.prod-eu-west-1.yaml is missing for region eu-west-1" }, run);
    expect(text).toMatch(/docs\/topology\.svg.*scripts\/update-diagram\.sh/);
    expect(text).toMatch(/Stack files[\s\S]*Pulumi\.prod-eu-west-1\.yaml is missing/);
  });

  it("cuts a huge report to its budget with a note, keeping code fences closed", () => {
    const huge = "## Plan\n```text\n" + "resource line\n".repeat(20_000) + "```\n";
    const text = renderOfflineSection({ exitCode: 0, markdown: huge, diffed: true }, run);
    expect(text.length).toBeLessThanOrEqual(OFFLINE_SECTION_LIMIT);
    expect(text).toMatch(/✂️ .*offline-plan/);
    expect(fencesBalanced(text)).toBe(true);
  });
});

describe("codeBlock", () => {
  it("uses a fence longer than any backtick run in the text", () => {
    const block = codeBlock("pulumi says:\n```\nnested\n```");
    expect(block.startsWith("````text\n")).toBe(true);
    expect(block.endsWith("\n````")).toBe(true);
  });
});

describe("renderPreviewSection", () => {
  const result = (stack: string, status: PreviewResult["status"], log: string, exitCode?: number): PreviewResult => ({ stack, region: stack.replace(/^prod-?/, "") || "us-east-1", status, log, exitCode });

  it("tabulates every stack and opens the failed ones", () => {
    const text = renderPreviewSection(
      {
        kind: "done",
        results: [
          result("prod", "ok", "Resources:\n    ~ 1 to update"),
          result("prod-us-east-1", "failed", "Policies:\n    ❌ aurora-global-secondary (mandatory)", 255),
          result("prod-ap-south-1", "new-stack", "error: no stack named 'prod-ap-south-1' found"),
          result("prod-eu-west-1", "no-result", ""),
        ],
      },
      run,
    );
    expect(text).toMatch(/\| `prod` \| us-east-1 \| ✅/);
    expect(text).toMatch(/\| `prod-us-east-1` \| us-east-1 \| ❌ failed \(exit 255\) \|/);
    expect(text).toMatch(/\| `prod-ap-south-1` \| ap-south-1 \| 🆕/);
    expect(text).toMatch(/\| `prod-eu-west-1` \| eu-west-1 \| ❔/);
    expect(text).toMatch(/<details open><summary><code>prod-us-east-1<\/code>/);
    expect(text).toMatch(/<details><summary><code>prod<\/code>/);
  });

  it("says why it did not run, or that it is still running", () => {
    expect(renderPreviewSection({ kind: "disabled" }, run)).toMatch(/AWS_ROLE_ARN.*PULUMI_PREVIEW_TOKEN[\s\S]*https:\/\/github\.com\/acme\/platform\/blob\/HEAD\/docs\/reviews\.md/);
    expect(renderPreviewSection({ kind: "pending", stacks: 4 }, run)).toMatch(/⏳ Running for 4 stack/);
    expect(renderPreviewSection({ kind: "not-run", reason: "the stack list could not be derived" }, run)).toMatch(/Not run: the stack list/);
  });

  it("keeps eleven regions' worth of long logs under its budget, and the whole comment under GitHub's limit", () => {
    const stacks = ["prod", ...Array.from({ length: 11 }, (_, i) => `prod-region-${i}`)];
    const preview = renderPreviewSection({ kind: "done", results: stacks.map((s) => result(s, "failed", "update line\n".repeat(50_000) + "Resources: 9 to update", 1)) }, run);
    expect(preview.length).toBeLessThanOrEqual(PREVIEW_SECTION_LIMIT);
    expect(preview).toMatch(/Resources: 9 to update/); // the tail, where the summary is, survives
    const offline = renderOfflineSection({ exitCode: 0, markdown: "x\n".repeat(100_000), diffed: true }, run);
    const body = setSection(setSection(undefined, "offline", offline), "preview", preview);
    expect(body.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
  });
});

describe("findPlanComment / upsertPlanComment", () => {
  const target: CommentTarget = { apiUrl: "https://api.example.test/", repository: "acme/platform", issueNumber: 7, token: "t0k" };

  function fakeGitHub(comments: { id: number; body: string }[], failWith?: number) {
    const calls: { method: string; url: string; body?: { body: string } }[] = [];
    const fetchImpl = async (url: string, init?: RequestInit) => {
      const method = init?.method ?? "GET";
      calls.push({ method, url, body: init?.body ? (JSON.parse(String(init.body)) as { body: string }) : undefined });
      expect((init?.headers as Record<string, string>).authorization).toBe("Bearer t0k");
      if (failWith && method !== "GET") return new Response("Resource not accessible by integration", { status: failWith });
      if (method === "GET") {
        const page = Number(new URL(url).searchParams.get("page"));
        return Response.json(comments.slice((page - 1) * 100, page * 100));
      }
      return Response.json({ id: 999 });
    };
    return { calls, fetchImpl };
  }

  const bot = { login: "github-actions[bot]", type: "Bot" };
  const chatter = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ id: from + i, body: `comment ${i}`, user: { login: "dev", type: "User" } }));

  it("finds our comment on a later page and updates it in place", async () => {
    const ours = { id: 150, body: setSection(undefined, "preview", "old preview"), user: bot };
    const gh = fakeGitHub([...chatter(120), ours, ...chatter(5, 200)]);
    const result = await upsertPlanComment(target, (body) => setSection(body, "offline", "new plan"), gh.fetchImpl);
    expect(result).toMatchObject({ action: "updated", id: 150 });
    const patch = gh.calls.find((c) => c.method === "PATCH")!;
    expect(patch.url).toBe("https://api.example.test/repos/acme/platform/issues/comments/150");
    expect(between(patch.body!.body, "offline")).toBe("new plan");
    expect(between(patch.body!.body, "preview")).toBe("old preview");
    expect(gh.calls.filter((c) => c.method === "POST")).toHaveLength(0);
  });

  it("creates the comment when the PR has none (a quoted marker does not count)", async () => {
    const gh = fakeGitHub([...chatter(3), { id: 9, body: `> ${COMMENT_MARKER}\n> quoted` }]);
    expect(await findPlanComment(target, gh.fetchImpl)).toBeUndefined();
    const result = await upsertPlanComment(target, (body) => setSection(body, "offline", "plan"), gh.fetchImpl);
    expect(result.action).toBe("created");
    const post = gh.calls.find((c) => c.method === "POST")!;
    expect(post.url).toBe("https://api.example.test/repos/acme/platform/issues/7/comments");
    expect(post.body!.body.startsWith(COMMENT_MARKER)).toBe(true);
  });

  it("ignores a marked comment someone else wrote before ours (it would pass for the verdict)", async () => {
    const forged = { id: 5, body: setSection(undefined, "offline", "✅ all good"), user: { login: "pr-author", type: "User" } };
    const impostorBot = { id: 6, body: setSection(undefined, "offline", "✅ all good"), user: { login: "other-app[bot]", type: "Bot" } };
    const ours = { id: 150, body: setSection(undefined, "offline", "old plan"), user: bot };
    const gh = fakeGitHub([forged, impostorBot, ...chatter(3, 10), ours]);
    expect((await findPlanComment(target, gh.fetchImpl))?.id).toBe(150);
    const alone = fakeGitHub([forged]);
    expect((await upsertPlanComment(target, (body) => setSection(body, "offline", "plan"), alone.fetchImpl)).action).toBe("created");
  });

  it("surfaces a refused write with its HTTP status", async () => {
    const gh = fakeGitHub([], 403);
    await expect(upsertPlanComment(target, () => "x", gh.fetchImpl)).rejects.toMatchObject({ name: "GitHubError", status: 403 } satisfies Partial<GitHubError>);
  });
});

describe("reading the jobs' files", () => {
  it("prefers the diff report, and compares the diagram with the committed one", () => {
    const dir = tempDir("plan-out-");
    writeFileSync(join(dir, "head.md"), "whole plan");
    writeFileSync(join(dir, "topology.svg"), "<svg>new</svg>");
    writeFileSync(join(dir, "committed.svg"), "<svg>old</svg>");
    expect(readOfflineResult(dir, 0, join(dir, "committed.svg"))).toMatchObject({ markdown: "whole plan", diffed: false, diagramStale: true });
    writeFileSync(join(dir, "comment.md"), "diff");
    writeFileSync(join(dir, "committed.svg"), "<svg>new</svg>");
    expect(readOfflineResult(dir, 1, join(dir, "committed.svg"))).toMatchObject({ markdown: "diff", diffed: true, diagramStale: false, exitCode: 1 });
    expect(readOfflineResult(dir, 0, join(dir, "absent.svg")).diagramStale).toBe(false);
  });

  it("reads each stack's status, and reports a stack without files as no result", () => {
    const dir = tempDir("preview-");
    writeFileSync(join(dir, "prod.status"), "ok\n");
    writeFileSync(join(dir, "prod.exit"), "0\n");
    writeFileSync(join(dir, "prod.log"), "Resources: 2 unchanged");
    writeFileSync(join(dir, "prod-us-east-1.status"), "failed\n");
    writeFileSync(join(dir, "prod-us-east-1.exit"), "255\n");
    writeFileSync(join(dir, "prod-us-east-1.log"), "mandatory violation");
    const results = readPreviewResults(dir, [
      { stack: "prod", region: "us-east-1" },
      { stack: "prod-us-east-1", region: "us-east-1" },
      { stack: "prod-eu-west-1", region: "eu-west-1" },
    ]);
    expect(results.map((r) => [r.stack, r.status, r.exitCode])).toEqual([
      ["prod", "ok", 0],
      ["prod-us-east-1", "failed", 255],
      ["prod-eu-west-1", "no-result", undefined],
    ]);
  });
});

describe("pr-comment-cli.ts against a fake GitHub API", () => {
  async function runCli(args: string[], options: { fork: boolean; refuseWrites: boolean; comments: { id: number; body: string; user?: { login: string; type: string } }[] }) {
    const requests: { method: string; url: string; body: string }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        requests.push({ method: req.method!, url: req.url!, body });
        res.setHeader("content-type", "application/json");
        if (req.method !== "GET" && options.refuseWrites) res.statusCode = 403;
        const reply = req.method === "GET" ? options.comments : options.refuseWrites ? { message: "Resource not accessible by integration" } : { id: 77 };
        res.end(JSON.stringify(reply));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const dir = tempDir("pr-comment-cli-");
    mkdirSync(join(dir, "plan"));
    writeFileSync(join(dir, "plan", "head.md"), "#### 212 resources in 4 stacks");
    const event = { pull_request: { number: 7, head: { sha: "feedface00", repo: { full_name: options.fork ? "someone/platform" : "acme/platform" } }, base: { repo: { full_name: "acme/platform" } } } };
    writeFileSync(join(dir, "event.json"), JSON.stringify(event));
    writeFileSync(join(dir, "summary.md"), "");
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "tools/ci/pr-comment-cli.ts"), ...args, "--dir", join(dir, "plan")], {
      cwd: ROOT,
      env: {
        ...process.env,
        GITHUB_API_URL: `http://127.0.0.1:${port}`,
        GITHUB_REPOSITORY: "acme/platform",
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_RUN_ID: "42",
        GITHUB_EVENT_PATH: join(dir, "event.json"),
        GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
        GITHUB_TOKEN: "t0k",
      },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    server.close();
    return { code, output, requests };
  }

  it("updates the existing comment: new plan, preview reset to pending", async () => {
    const existing = setSection(setSection(undefined, "offline", "stale plan"), "preview", "stale preview");
    const { code, requests } = await runCli(["offline", "--exit-code", "0", "--preview", "pending", "--stacks", '[{"stack":"prod","region":"us-east-1"}]'], {
      fork: false,
      refuseWrites: false,
      comments: [{ id: 5, body: "nice", user: { login: "dev", type: "User" } }, { id: 6, body: existing, user: { login: "github-actions[bot]", type: "Bot" } }],
    });
    expect(code).toBe(0);
    const patch = requests.find((r) => r.method === "PATCH")!;
    expect(patch.url).toBe("/repos/acme/platform/issues/comments/6");
    const body = (JSON.parse(patch.body) as { body: string }).body;
    expect(between(body, "offline")).toMatch(/✅[\s\S]*212 resources in 4 stacks[\s\S]*feedfac/);
    expect(between(body, "preview")).toMatch(/⏳ Running for 1 stack/);
  });

  it("accepts the read-only token of a fork's PR (summary only), but not a refusal on its own repository", async () => {
    const fork = await runCli(["offline", "--exit-code", "1", "--preview", "disabled", "--stacks", ""], { fork: true, refuseWrites: true, comments: [] });
    expect(fork.code).toBe(0);
    expect(fork.output).toMatch(/::warning::PR from a fork/);
    const own = await runCli(["offline", "--exit-code", "1", "--preview", "disabled"], { fork: false, refuseWrites: true, comments: [] });
    expect(own.code).toBe(1);
    expect(own.output).toMatch(/HTTP 403/);
  });
});
