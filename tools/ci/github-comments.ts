/**
 * Finds the PR's plan comment by its marker and updates it in place, or creates it: one comment
 * per PR for every stack, however many times the workflow runs. (The official Pulumi action
 * comments per stack and, in a matrix, duplicates or overwrites its comments.)
 *
 * Plain REST calls through an injectable `fetch`, so tests run without a network.
 */
import { fitComment, isPlanComment } from "./pr-comment";

export interface CommentTarget {
  /** REST API root, $GITHUB_API_URL (https://api.github.com, or a GitHub Enterprise server's). */
  readonly apiUrl: string;
  /** "owner/name". */
  readonly repository: string;
  /** The pull request's number (PRs are issues to the comments API). */
  readonly issueNumber: number;
  readonly token: string;
  /**
   * Who writes the plan comment: the workflow's GITHUB_TOKEN posts as github-actions[bot]. Only
   * its comments are ours; anyone else's carrying the marker (the PR's author can post one) is
   * ignored, or its text would pass for the plan's verdict.
   * @default "github-actions[bot]"
   */
  readonly author?: string;
}

export interface IssueComment {
  readonly id: number;
  readonly body?: string | null;
  readonly user?: { readonly login?: string; readonly type?: string } | null;
}

export const PLAN_COMMENT_AUTHOR = "github-actions[bot]";

/** A plan comment written by the workflow itself (a bot account of that name). */
export function isOwnPlanComment(comment: IssueComment, author: string = PLAN_COMMENT_AUTHOR): boolean {
  return isPlanComment(comment.body) && comment.user?.type === "Bot" && comment.user.login === author;
}

export class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "GitHubError";
  }
}

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

const PAGE_SIZE = 100;
/** 50 pages of 100: a PR with more comments than that is not worth a longer search. */
const MAX_PAGES = 50;

async function call<T>(target: CommentTarget, fetchImpl: Fetch, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetchImpl(`${target.apiUrl.replace(/\/$/, "")}${path}`, {
    method,
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${target.token}`,
      "x-github-api-version": "2022-11-28",
      "user-agent": "platform-plan-comment",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const text = await response.text().catch(() => "");
    throw new GitHubError(response.status, `${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  }
  return (await response.json()) as T;
}

/** The PR's existing plan comment (the oldest, should a race ever have made two). */
export async function findPlanComment(target: CommentTarget, fetchImpl: Fetch = fetch): Promise<IssueComment | undefined> {
  const base = `/repos/${target.repository}/issues/${target.issueNumber}/comments`;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = await call<IssueComment[]>(target, fetchImpl, "GET", `${base}?per_page=${PAGE_SIZE}&page=${page}`);
    const found = comments.find((c) => isOwnPlanComment(c, target.author));
    if (found) return found;
    if (comments.length < PAGE_SIZE) return undefined;
  }
  return undefined;
}

export interface UpsertResult {
  readonly action: "created" | "updated";
  readonly id: number;
  readonly body: string;
}

/**
 * Applies `update` to the plan comment's body (undefined when there is none yet) and writes the
 * result back: PATCH of the existing comment, or POST of a new one.
 */
export async function upsertPlanComment(target: CommentTarget, update: (body: string | undefined) => string, fetchImpl: Fetch = fetch): Promise<UpsertResult> {
  const existing = await findPlanComment(target, fetchImpl);
  const body = fitComment(update(existing?.body ?? undefined));
  if (existing) {
    await call(target, fetchImpl, "PATCH", `/repos/${target.repository}/issues/comments/${existing.id}`, { body });
    return { action: "updated", id: existing.id, body };
  }
  const created = await call<IssueComment>(target, fetchImpl, "POST", `/repos/${target.repository}/issues/${target.issueNumber}/comments`, { body });
  return { action: "created", id: created.id, body };
}
