/**
 * The one sticky pull-request comment that reports a PR's infrastructure changes: an offline-plan
 * section (written by the job without credentials) and a `pulumi preview` section (filled in
 * later by the job with credentials). Each section sits between its own HTML-comment markers so
 * either job rewrites its part without touching the other, and the hidden marker on the first
 * line is how the workflow finds the comment again on the next push.
 *
 * Pure functions only; the GitHub calls are in github-comments.ts, the CLI in pr-comment-cli.ts.
 */

/** First line of the comment: how the workflow recognises its own comment. */
export const COMMENT_MARKER = "<!-- platform-plan -->";
/** GitHub rejects comment bodies longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Section budgets: together well under the limit, leaving room for the frame. */
export const OFFLINE_SECTION_LIMIT = 42_000;
export const PREVIEW_SECTION_LIMIT = 20_000;

export type SectionId = "offline" | "preview";

export function sectionMarkers(id: SectionId): [start: string, end: string] {
  return [`<!-- platform-plan:${id}:start -->`, `<!-- platform-plan:${id}:end -->`];
}

const PLACEHOLDER: Record<SectionId, string> = {
  offline: "### Offline plan\n\n_Not reported by this run yet._",
  preview: "### `pulumi preview`\n\n_Not reported by this run yet._",
};

function section(id: SectionId, content: string): string {
  const [start, end] = sectionMarkers(id);
  return `${start}\n${content.trim()}\n${end}`;
}

/** A comment body with both sections as placeholders. */
export function emptyComment(): string {
  return [COMMENT_MARKER, "## Infrastructure plan", "", section("offline", PLACEHOLDER.offline), "", section("preview", PLACEHOLDER.preview), ""].join("\n");
}

/** Whether `body` is one of our comments (the marker is its first line, never quoted text). */
export function isPlanComment(body: string | null | undefined): boolean {
  return typeof body === "string" && body.startsWith(COMMENT_MARKER);
}

/**
 * Replaces one section of a comment body (or of a new body when there is none yet), keeping
 * everything else as it is. A body that lost its section markers gets the section appended.
 */
export function setSection(body: string | undefined, id: SectionId, content: string): string {
  const base = body !== undefined && isPlanComment(body) ? body : emptyComment();
  const [start, end] = sectionMarkers(id);
  const from = base.indexOf(start);
  const to = base.indexOf(end, from);
  if (from < 0 || to < 0) return `${base.trimEnd()}\n\n${section(id, content)}\n`;
  return base.slice(0, from) + section(id, content) + base.slice(to + end.length);
}

/** Keeps the end of `text` (where summaries and errors are) within `max` characters. */
export function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(text.length - max);
  const newline = cut.indexOf("\n");
  return `… (${text.length - max} earlier characters cut)\n${newline >= 0 && newline < 200 ? cut.slice(newline + 1) : cut}`;
}

/** Cuts markdown at a line boundary with a visible note; `max` includes the note. */
export function truncateMarkdown(markdown: string, max: number, note: string): string {
  if (markdown.length <= max) return markdown;
  const suffix = `\n\n> ✂️ ${note}\n`;
  let cut = markdown.slice(0, Math.max(0, max - suffix.length));
  const newline = cut.lastIndexOf("\n");
  if (newline > 0) cut = cut.slice(0, newline);
  // A cut inside a fenced block would swallow the note: close the fence.
  const fences = cut.match(/^(`{3,}|~{3,})/gm) ?? [];
  if (fences.length % 2 === 1) cut += `\n${fences[fences.length - 1]}`;
  return cut + suffix;
}

/** A fenced code block that its content cannot close early (the fence outgrows any backtick run). */
export function codeBlock(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${text.replace(/\n+$/, "")}\n${fence}`;
}

export interface RunInfo {
  /** Commit the report describes (the PR head). */
  readonly sha: string;
  /** Link to the workflow run (artifacts, logs). */
  readonly runUrl: string;
  /** The repository's web address, e.g. https://github.com/org/repo (for links to its docs). */
  readonly repoUrl: string;
}

function footer(run: RunInfo, what: string): string {
  return `<sub>${what} of ${run.sha.slice(0, 7)} · [workflow run](${run.runUrl})</sub>`;
}

export interface OfflineResult {
  /** Exit code of `npm run plan` on the PR head; undefined when the plan never ran. */
  readonly exitCode: number | undefined;
  /** The plan's Markdown report (with the diff against the base when there was one). */
  readonly markdown?: string;
  /** The plan's console output (its errors when it rejected its input). */
  readonly log?: string;
  /** Whether the base branch could be planned, i.e. whether the report shows a diff. */
  readonly diffed: boolean;
  /** docs/topology.svg differs from the diagram of this plan. */
  readonly diagramStale?: boolean;
  /** What tools/ci/deploy-waves.ts said about the stack files (an error or a warning). */
  readonly stackFilesMessage?: string;
}

const LOG_TAIL = 6_000;

/** The offline-plan section: verdict first, then the plan's own report. */
export function renderOfflineSection(result: OfflineResult, run: RunInfo): string {
  const lines = ["### Offline plan", ""];
  const code = result.exitCode;
  if (code === 0) lines.push("✅ **No mandatory policy violation.**");
  else if (code === 1) lines.push("❌ **Mandatory policy violation**: the plan job fails until it is fixed (see the violations below).");
  else if (code === 2) lines.push("⚠️ **The plan rejected its input** (configuration or usage); nothing was planned:");
  else if (code === undefined) lines.push("💥 **The offline plan did not run**; see the workflow run.");
  else lines.push(`💥 **The offline plan failed** (exit ${code}); see the log below.`);
  lines.push("");
  if ((code === 0 || code === 1) && result.markdown) {
    if (!result.diffed) lines.push("_No plan of the base branch to compare with: this report shows the whole plan, not a diff._", "");
    lines.push(truncateMarkdown(result.markdown.trim(), OFFLINE_SECTION_LIMIT - 2_000, "Report cut to fit a GitHub comment; the full report (plan JSON, Markdown, diagram) is in the workflow run's `offline-plan` artifact."));
  } else if (result.log) {
    lines.push(codeBlock(tail(result.log.trim(), LOG_TAIL)));
  }
  if (result.stackFilesMessage?.trim()) {
    lines.push("", "⚠️ **Stack files** (what the deploy runs, in order):", "", codeBlock(tail(result.stackFilesMessage.trim(), 3_000)));
  }
  if (result.diagramStale) {
    lines.push("", "📐 `docs/topology.svg` differs from this plan's diagram: run `scripts/update-diagram.sh` and commit the result.");
  }
  lines.push("", footer(run, "Offline plan (no cloud credentials)"));
  return lines.join("\n");
}

export type PreviewStatus = "ok" | "failed" | "new-stack" | "no-result";

export interface PreviewResult {
  readonly stack: string;
  readonly region: string;
  readonly status: PreviewStatus;
  readonly exitCode?: number;
  /** `pulumi preview` output (or why it did not run). */
  readonly log: string;
}

export type PreviewState =
  | { readonly kind: "pending"; readonly stacks: number }
  | { readonly kind: "disabled" }
  | { readonly kind: "not-run"; readonly reason: string }
  | { readonly kind: "done"; readonly results: readonly PreviewResult[] };

const STATUS_TEXT: Record<PreviewStatus, string> = {
  ok: "✅ previewed, policies pass",
  failed: "❌ failed",
  // Pulumi Cloud answers "no stack named" also for a stack the preview token may not read.
  "new-stack": "🆕 no such stack for the preview token: not created yet (the deploy creates it), or the preview team lacks Stack Read on it",
  "no-result": "❔ no result (job cancelled or failed to start)",
};

/** The `pulumi preview` section: a table of stacks, then each stack's output tail folded. */
export function renderPreviewSection(state: PreviewState, run: RunInfo): string {
  const lines = ["### `pulumi preview` (real AWS account, with the policy pack)", ""];
  switch (state.kind) {
    case "pending":
      lines.push(`⏳ Running for ${state.stacks} stack(s); this section is updated when they finish.`);
      break;
    case "disabled":
      lines.push(
        "Not run: this workflow run has no cloud credentials (the repository secrets `AWS_ROLE_ARN` and `PULUMI_PREVIEW_TOKEN` are not set, or the PR comes from a fork).",
        `The offline plan above needs none; [docs/reviews.md](${run.repoUrl}/blob/HEAD/docs/reviews.md) lists what only a preview can prove.`,
      );
      break;
    case "not-run":
      lines.push(`Not run: ${state.reason}`);
      break;
    case "done": {
      lines.push("| Stack | Region | Result |", "| --- | --- | --- |");
      for (const r of state.results) {
        const exit = r.status === "failed" && r.exitCode !== undefined ? ` (exit ${r.exitCode})` : "";
        lines.push(`| \`${r.stack}\` | ${r.region} | ${STATUS_TEXT[r.status]}${exit} |`);
      }
      const perStack = Math.floor((PREVIEW_SECTION_LIMIT - 3_000) / Math.max(1, state.results.length)) - 200;
      for (const r of state.results) {
        if (!r.log.trim()) continue;
        lines.push("", `<details${r.status === "failed" ? " open" : ""}><summary><code>${r.stack}</code> output</summary>`, "", codeBlock(tail(r.log.trim(), Math.max(500, perStack))), "", "</details>");
      }
      break;
    }
  }
  lines.push("", footer(run, "`pulumi preview`"));
  return lines.join("\n");
}

/** Final guard: a body GitHub accepts, whatever the sections held. */
export function fitComment(body: string): string {
  return body.length <= GITHUB_COMMENT_LIMIT ? body : truncateMarkdown(body, GITHUB_COMMENT_LIMIT - 100, "Comment cut at GitHub's size limit; see the workflow run.");
}
