/**
 * The plan's on-disk cache (node_modules/.cache/platform-plan, next to the bundle bin.js
 * builds) for work that is a pure function of its inputs and costs a noticeable part of a plan:
 * the compiled validators of the plan schema and of the policies' config schemas
 * (tools/plan/validators.ts) and the diagram's Graphviz layout. An entry's name is a
 * hash of everything its content depends on (the input and the library's version), so it is
 * never stale, only unused; a missing or unreadable cache is the same as an empty one (the work
 * is done again). `PLAN_CACHE=off` turns it off, e.g. to measure a first run on a clean clone.
 */
import { createHash } from "crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "fs";
import { join } from "path";

export const CACHE_DIR = join(__dirname, "..", "..", "node_modules", ".cache", "platform-plan");

/** Entries of one kind kept at most: the oldest go when a new one is written. */
const KEEP = 16;

export function cacheEnabled(): boolean {
  return process.env.PLAN_CACHE !== "off";
}

/** The path of the entry `kind-<hash of parts>.ext`. */
export function cachePath(kind: string, ext: string, ...parts: string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return join(CACHE_DIR, `${kind}-${hash.digest("hex").slice(0, 24)}.${ext}`);
}

export function readCache(file: string): string | undefined {
  if (!cacheEnabled()) return undefined;
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Writes an entry whole (a temporary file renamed into place: plans running at once, as in the
 * tests, read either nothing or the whole entry) and drops the oldest entries of its kind beyond
 * `keep` (a kind with many entries in use at once, one per policy, keeps more).
 * A failure to write is ignored: the cache only saves time.
 */
export function writeCache(file: string, content: string, keep = KEEP): void {
  if (!cacheEnabled()) return;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, content);
    renameSync(temp, file);
    const kind = file.slice(CACHE_DIR.length + 1).replace(/-[0-9a-f]{24}\..*$/, "");
    const entries = readdirSync(CACHE_DIR)
      .filter((name) => name.startsWith(`${kind}-`) && !name.endsWith(".tmp"))
      .map((name) => ({ name, mtime: statSync(join(CACHE_DIR, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const old of entries.slice(keep)) unlinkSync(join(CACHE_DIR, old.name));
  } catch {
    // Read-only or full disk: the next plan does the work again.
  }
}
