/** Reading files of a fetched repository snapshot (a git directory, no work tree needed). */
import { execFileSync } from "child_process";

export interface Snapshot {
  gitDir: string;
  ref: string;
  commit: string;
  /** Committer date of `commit`, ISO 8601. */
  date: string;
}

function git(gitDir: string, args: string[], input?: string): Buffer {
  return execFileSync("git", ["--git-dir", gitDir, ...args], { input, maxBuffer: 1 << 30 });
}

export function openSnapshot(gitDir: string, ref = "HEAD"): Snapshot {
  const [commit, date] = git(gitDir, ["log", "-1", "--format=%H %cI", ref]).toString().trim().split(" ");
  return { gitDir, ref, commit, date };
}

/** The most recent tag reachable from the snapshot's commit, if any (`v5.45.0-123-gabc`). */
export function describe(snapshot: Snapshot): string | null {
  try {
    return git(snapshot.gitDir, ["describe", "--tags", snapshot.commit]).toString().trim();
  } catch {
    return null;
  }
}

/** Paths under `prefixes` whose name passes `keep`. */
export function listFiles(snapshot: Snapshot, prefixes: string[], keep: (path: string) => boolean): string[] {
  const out = git(snapshot.gitDir, ["ls-tree", "-r", "--name-only", snapshot.commit, "--", ...prefixes]).toString();
  return out.split("\n").filter((p) => p && keep(p));
}

/** Contents of many files at once (`git cat-file --batch`); missing blobs are left out. */
export function readFiles(snapshot: Snapshot, paths: string[]): Map<string, string> {
  const files = new Map<string, string>();
  const chunk = 2000;
  for (let start = 0; start < paths.length; start += chunk) {
    const batch = paths.slice(start, start + chunk);
    const out = git(snapshot.gitDir, ["cat-file", "--batch"], batch.map((p) => `${snapshot.commit}:${p}\n`).join(""));
    let offset = 0;
    for (const path of batch) {
      const newline = out.indexOf(10, offset);
      const header = out.subarray(offset, newline).toString();
      offset = newline + 1;
      const size = /^\S+ blob (\d+)$/.exec(header);
      if (!size) continue;
      const length = Number(size[1]);
      files.set(path, out.subarray(offset, offset + length).toString("utf8"));
      offset += length + 1;
    }
  }
  return files;
}
