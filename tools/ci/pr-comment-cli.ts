/**
 * Writes one section of the PR's sticky plan comment from a workflow step.
 *
 *   npx tsx tools/ci/pr-comment-cli.ts offline --dir DIR --exit-code N [--preview pending|disabled] [--stacks JSON] [--committed-diagram FILE]
 *   npx tsx tools/ci/pr-comment-cli.ts preview --dir DIR --stacks JSON [--not-run REASON]
 *
 * offline: DIR holds what the plan job wrote: comment.md (report with the diff against the base)
 * or head.md (without), head.log, topology.svg, waves.err (deploy-waves.ts's complaints). The preview section is reset at the same time
 * ("pending" or "disabled"), so a preview of an older commit never sits under a newer plan.
 * preview: DIR holds <stack>.status (ok | failed | new-stack), <stack>.exit and <stack>.log per
 * stack, as the preview jobs wrote them; --stacks is the deploy-waves stack list.
 *
 * Context comes from the Actions environment (GITHUB_REPOSITORY, GITHUB_EVENT_PATH, ...) and the
 * token from GITHUB_TOKEN. The section is also written to the job summary, which is all a fork's
 * PR gets: its token is read-only, so the comment call is refused and that is not an error.
 */
import { appendFileSync, existsSync, readFileSync } from "fs";
import { join } from "path";
import { GitHubError, upsertPlanComment, type CommentTarget } from "./github-comments";
import { renderOfflineSection, renderPreviewSection, setSection, type OfflineResult, type PreviewResult, type PreviewState, type RunInfo, type SectionId } from "./pr-comment";

const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : undefined);

/** The offline plan's outcome from the files the plan job left in `dir`. */
export function readOfflineResult(dir: string, exitCode: number | undefined, committedDiagram?: string): OfflineResult {
  const diffReport = read(join(dir, "comment.md"));
  const generated = read(join(dir, "topology.svg"));
  const committed = committedDiagram ? read(committedDiagram) : undefined;
  return {
    exitCode,
    markdown: diffReport ?? read(join(dir, "head.md")),
    log: read(join(dir, "head.log")),
    diffed: diffReport !== undefined,
    diagramStale: generated !== undefined && committed !== undefined && generated !== committed,
    stackFilesMessage: read(join(dir, "waves.err")),
  };
}

export interface StackRef {
  readonly stack: string;
  readonly region: string;
}

/** Each stack's preview outcome; a stack whose job left nothing is "no-result". */
export function readPreviewResults(dir: string, stacks: readonly StackRef[]): PreviewResult[] {
  return stacks.map(({ stack, region }) => {
    const status = read(join(dir, `${stack}.status`))?.trim();
    const exitText = read(join(dir, `${stack}.exit`))?.trim();
    const exitCode = exitText !== undefined && /^\d+$/.test(exitText) ? Number(exitText) : undefined;
    const log = read(join(dir, `${stack}.log`)) ?? "";
    if (status === "ok" || status === "failed" || status === "new-stack") return { stack, region, status, exitCode, log };
    return { stack, region, status: "no-result", log };
  });
}

interface PullRequestEvent {
  pull_request?: { number: number; head: { sha: string; repo: { full_name: string } | null }; base: { repo: { full_name: string } } };
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (GitHub Actions sets it in every step)`);
  return value;
}

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command !== "offline" && command !== "preview") {
    console.error("usage: pr-comment-cli.ts offline|preview --dir DIR ... (see the file header)");
    return 2;
  }
  const event = JSON.parse(readFileSync(env("GITHUB_EVENT_PATH"), "utf8")) as PullRequestEvent;
  const pr = event.pull_request;
  if (!pr) {
    console.error("not a pull_request event: nothing to comment on");
    return 2;
  }
  const repository = env("GITHUB_REPOSITORY");
  const server = process.env.GITHUB_SERVER_URL ?? "https://github.com";
  const run: RunInfo = {
    sha: pr.head.sha,
    runUrl: `${server}/${repository}/actions/runs/${env("GITHUB_RUN_ID")}`,
    repoUrl: `${server}/${repository}`,
  };
  const dir = option(argv, "--dir") ?? ".";
  // Empty when the stack list could not be derived (deploy-waves.ts failed): nothing to list.
  const stacksText = option(argv, "--stacks");
  const stacks = (stacksText ? JSON.parse(stacksText) : []) as StackRef[];

  const sections: [SectionId, string][] = [];
  if (command === "offline") {
    const exitText = option(argv, "--exit-code");
    const exitCode = exitText !== undefined && /^\d+$/.test(exitText) ? Number(exitText) : undefined;
    sections.push(["offline", renderOfflineSection(readOfflineResult(dir, exitCode, option(argv, "--committed-diagram")), run)]);
    const preview: PreviewState =
      option(argv, "--preview") !== "pending"
        ? { kind: "disabled" }
        : stacks.length > 0
          ? { kind: "pending", stacks: stacks.length }
          : { kind: "not-run", reason: "the stack list could not be derived (see the stack files note above)" };
    sections.push(["preview", renderPreviewSection(preview, run)]);
  } else {
    const reason = option(argv, "--not-run");
    const state: PreviewState = reason ? { kind: "not-run", reason } : { kind: "done", results: readPreviewResults(dir, stacks) };
    sections.push(["preview", renderPreviewSection(state, run)]);
  }

  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) appendFileSync(summary, sections.map(([, text]) => text).join("\n\n") + "\n");

  const target: CommentTarget = {
    apiUrl: process.env.GITHUB_API_URL ?? "https://api.github.com",
    repository,
    issueNumber: pr.number,
    token: env("GITHUB_TOKEN"),
  };
  const fromFork = pr.head.repo?.full_name !== pr.base.repo.full_name;
  try {
    const result = await upsertPlanComment(target, (body) => sections.reduce<string | undefined>((text, [id, content]) => setSection(text, id, content), body)!);
    console.log(`${result.action} comment ${result.id} on #${pr.number}`);
    return 0;
  } catch (err) {
    if (err instanceof GitHubError && (err.status === 403 || err.status === 404) && fromFork) {
      console.log(`::warning::PR from a fork: the token is read-only, so the plan is in the job summary instead of a comment (${err.message})`);
      return 0;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
