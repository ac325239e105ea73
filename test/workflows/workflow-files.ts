/** Reading the repository's GitHub workflows for the workflow tests. */
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";

export const ROOT = join(__dirname, "..", "..");
export const WORKFLOW_DIR = join(ROOT, ".github", "workflows");

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  "continue-on-error"?: boolean;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: unknown;
  steps?: Step[];
  permissions?: Record<string, string> | string;
  environment?: string | { name: string };
  strategy?: { "fail-fast"?: boolean; matrix?: Record<string, unknown> };
  outputs?: Record<string, string>;
  "runs-on"?: string | string[];
  "timeout-minutes"?: number;
}

export interface Workflow {
  name?: string;
  on: Record<string, unknown> | string | string[];
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean } | string;
  jobs: Record<string, Job>;
}

export interface WorkflowFile {
  /** Path relative to the repository root, e.g. ".github/workflows/ci.yml". */
  readonly path: string;
  readonly text: string;
  readonly workflow: Workflow;
}

export function workflowFiles(): WorkflowFile[] {
  return readdirSync(WORKFLOW_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(join(WORKFLOW_DIR, f), "utf8");
      return { path: `.github/workflows/${f}`, text, workflow: parse(text) as Workflow };
    });
}

export function workflow(file: string): Workflow {
  const found = workflowFiles().find((w) => w.path.endsWith(`/${file}`));
  if (!found) throw new Error(`no workflow ${file}`);
  return found.workflow;
}

export const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);

/** A step found by id or name; throws when absent, so a renamed step fails loudly. */
export function step(job: Job, idOrName: string): Step {
  const found = (job.steps ?? []).find((s) => s.id === idOrName || s.name === idOrName);
  if (!found) throw new Error(`no step ${idOrName} in job ${job.name ?? "?"}`);
  return found;
}

export const stepIndex = (job: Job, predicate: (s: Step) => boolean): number => (job.steps ?? []).findIndex(predicate);

const SHELL_WORDS = new Set(["if", "then", "else", "elif", "do", "while", "until", "!", "time", "{", "(", "exec"]);

/**
 * The simple commands of a shell script, as space-joined words: continuation lines joined,
 * comments dropped, split at `&&`, `||`, `;` and `|`, leading keywords and VAR=value stripped.
 * Good enough for the scripts in our workflows and READMEs (no heredocs, no nested quotes with
 * separators inside).
 */
export function shellCommands(script: string): string[] {
  const commands: string[] = [];
  const joined = script.replace(/\\\n/g, " ");
  for (const rawLine of joined.split("\n")) {
    const line = rawLine.replace(/(^|\s)#.*$/, "").trim();
    if (!line) continue;
    for (const segment of line.split(/&&|\|\||;|\|/)) {
      const words = segment.trim().split(/\s+/).filter(Boolean);
      while (words.length > 0 && (SHELL_WORDS.has(words[0]) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]))) words.shift();
      if (words.length > 0) commands.push(words.join(" "));
    }
  }
  return commands;
}

/** The commands a job runs, in order (its `run:` steps). */
export function jobCommands(job: Job): string[] {
  return (job.steps ?? []).flatMap((s) => (s.run ? shellCommands(s.run) : []));
}

/**
 * Whether `ran` runs the command `documented`: the same words, or the same words followed by
 * `--` and arguments for the npm script (`npm run plan -- --json x` runs `npm run plan`).
 */
export function runsCommand(ran: string, documented: string): boolean {
  return ran === documented || ran.startsWith(`${documented} -- `);
}

/** Command lines of the README's shell code blocks, each split into its `&&`-chained commands. */
export function readmeCommandChains(markdown: string): string[][] {
  const chains: string[][] = [];
  for (const match of markdown.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
    for (const line of match[1].split("\n")) {
      const trimmed = line.trim();
      if (!trimmed || trimmed.startsWith("#")) continue;
      chains.push(trimmed.split("&&").map((c) => c.trim().split(/\s+/).join(" ")));
    }
  }
  return chains;
}
