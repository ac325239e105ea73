/**
 * The Go sources of terraform-provider-aws the AWS reader reads (path → content), from one of two
 * bases, optionally overlaid with single files of newer commits:
 *
 * - a **tree**: a snapshot of the repository itself (`internal/`, `names/`);
 * - an **index**: a snapshot of a per-symbol extract of the repository, tagged per upstream release
 *   (lonegunmanb/terraform-provider-aws-index: `index/internal/<package>/<kind>.<symbol>.goindex`,
 *   each holding one declaration of `internal/`). Used when no tree of a recent enough version can
 *   be fetched whole; each symbol becomes a file of its own package directory, so the reader sees
 *   the same packages, functions, types and constants. It has no `names/` package: the overlay
 *   brings it.
 * - an **overlay**: a directory of single upstream files, each at the commit its manifest names,
 *   that replace what the base has of them (the same path in a tree; every symbol they declare in
 *   an index).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import { join, relative } from "path";
import { functions, stripComments } from "./go-source";
import { listFiles, readFiles, Snapshot } from "./git-tree";

/** Non-test Go files of a tree snapshot under `internal/` and `names/`. */
export function treeSources(snapshot: Snapshot): Map<string, string> {
  const paths = listFiles(snapshot, ["internal", "names"], (p) => p.endsWith(".go") && !p.endsWith("_test.go") && !p.includes("/test-fixtures/"));
  return readFiles(snapshot, paths);
}

const INDEX_ROOT = "index/";

/**
 * One index entry as Go source of its package: `package <name>` and the declaration. Entries of a
 * `const (...)`/`var (...)` group hold only their `name = value` line; they are put back in a group
 * so constant readers see them.
 */
export function indexEntrySource(raw: string): string {
  const pkgLine = /^package\s+(\S+)\s*\n/.exec(raw);
  const pkg = pkgLine ? pkgLine[1].slice(pkgLine[1].lastIndexOf("/") + 1) : "unknown";
  let body = pkgLine ? raw.slice(pkgLine[0].length) : raw;
  const imports = /^import\s*(\([^)]*\)|"[^"]*")[ \t]*\n?/.exec(body);
  if (imports) body = body.slice(imports[0].length);
  if (!/^\s*(func|type|const|var)\b/.test(body)) body = `const (\n${body}\n)`;
  return `package ${pkg}\n${body}\n`;
}

/** Every `.goindex` entry under `index/internal/` of an index snapshot, as `internal/<package>/<entry>`. */
export function indexSources(snapshot: Snapshot): Map<string, string> {
  const paths = listFiles(snapshot, [`${INDEX_ROOT}internal`], (p) => p.endsWith(".goindex"));
  if (paths.length === 0) throw new Error(`${snapshot.gitDir}@${snapshot.ref} has no ${INDEX_ROOT}internal/**/*.goindex: not a terraform-provider-aws index snapshot`);
  const out = new Map<string, string>();
  for (const [path, raw] of readFiles(snapshot, paths)) out.set(path.slice(INDEX_ROOT.length), indexEntrySource(raw));
  return out;
}

/** The symbol an index entry path declares (`func.x`, `method.T.x` → `T.x`, `type.T`, `var.x`). */
function indexSymbol(path: string): string | null {
  const match = /\/(func|method|type|var)\.(.+)\.goindex$/.exec(path);
  return match ? match[2] : null;
}

/** Top-level names a Go file declares: functions (methods as `T.name`), types, constants, variables. */
export function declaredNames(src: string): Set<string> {
  const code = stripComments(src);
  const names = new Set<string>(functions(code).keys());
  for (const m of code.matchAll(/^(?:type|const|var)\s+(\w+)/gm)) names.add(m[1]);
  for (const group of code.matchAll(/^(?:type|const|var)\s*\(([^]*?)^\)/gm)) {
    for (const line of group[1].split("\n")) {
      const m = /^\t(\w+)\b/.exec(line);
      if (m) names.add(m[1]);
    }
  }
  return names;
}

/** Where one overlay file was read: repository, commit and, for a per-release index, the upstream release. */
export interface OverlayFile {
  repository: string;
  commit: string;
  /** The terraform-provider-aws release the file belongs to, when its repository says (an index tag). */
  upstreamVersion?: string;
}

export interface OverlayManifest {
  /** How the files were obtained (free text, recorded in the table). */
  obtained?: string;
  /** Path in its repository (`names/x.go`, `index/internal/.../func.x.goindex`) → where it was read. */
  files: Record<string, OverlayFile>;
  /**
   * Base files checked to be unchanged at newer commits (the store had no newer version of them at
   * those commits): their rules hold at `version` too.
   */
  checkedUnchanged?: { version: string; repository: string; commits: string[]; files: string[] };
}

export interface Overlay {
  dir: string;
  manifest: OverlayManifest;
  /** Source path as the reader sees it (`internal/...`, `names/...`) → normalized content. */
  files: Map<string, string>;
  /** Reader path → the manifest entry it came from. */
  origin: Map<string, OverlayFile>;
  /** Reader paths of `checkedUnchanged` files. */
  checked: Set<string>;
}

export const OVERLAY_MANIFEST = "OVERLAY.json";

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The path the reader sees a repository file at: index entries lose their `index/` root. */
export function readerPath(path: string): string {
  return path.endsWith(".goindex") && path.startsWith(INDEX_ROOT) ? path.slice(INDEX_ROOT.length) : path;
}

/**
 * An overlay directory: `OVERLAY.json` and the files it lists, each at its path in its repository
 * (`names/attr_consts_gen.go`, `index/internal/service/eks/func.resourceCluster.goindex`). A file
 * without an entry, or an entry without its file or full commit, is an error: every rule must be
 * traceable to the commit it came from.
 */
export function readOverlay(dir: string): Overlay {
  const manifestPath = join(dir, OVERLAY_MANIFEST);
  if (!existsSync(manifestPath)) throw new Error(`--aws-overlay ${dir}: no ${OVERLAY_MANIFEST} (it lists each file with the repository and commit it was read at)`);
  let manifest: OverlayManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as OverlayManifest;
  } catch (err) {
    throw new Error(`--aws-overlay ${manifestPath}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof manifest.files !== "object" || manifest.files === null) {
    throw new Error(`--aws-overlay ${manifestPath}: expected {"files": {"<path>": {"repository": "owner/name", "commit": "<40 hex>"}}}`);
  }
  const files = new Map<string, string>();
  const origin = new Map<string, OverlayFile>();
  for (const [path, entry] of Object.entries(manifest.files)) {
    if (typeof entry?.repository !== "string" || !/^[0-9a-f]{40}$/.test(entry?.commit ?? "")) {
      throw new Error(`--aws-overlay ${manifestPath}: files["${path}"] needs "repository" and a full 40-hex "commit" (got ${JSON.stringify(entry)})`);
    }
    const full = join(dir, path);
    if (!existsSync(full)) throw new Error(`--aws-overlay ${dir}: ${path} is listed in ${OVERLAY_MANIFEST} but missing`);
    const raw = readFileSync(full, "utf8");
    files.set(readerPath(path), path.endsWith(".goindex") ? indexEntrySource(raw) : raw);
    origin.set(readerPath(path), entry);
  }
  for (const full of walk(dir)) {
    const path = relative(dir, full);
    if ((path.endsWith(".go") || path.endsWith(".goindex")) && !(path in manifest.files)) {
      throw new Error(`--aws-overlay ${dir}: ${path} is not listed in ${OVERLAY_MANIFEST} with the commit it was read at`);
    }
  }
  const checked = new Set((manifest.checkedUnchanged?.files ?? []).map(readerPath));
  return { dir, manifest, files, origin, checked };
}

/**
 * The base with the overlay applied: an overlay file replaces the base file of its path and, in an
 * index base, every entry of its package for a symbol it declares. Overlay files come last, so
 * their declarations win wherever a reader takes the last one.
 */
export function applyOverlay(base: Map<string, string>, overlay: Map<string, string>): Map<string, string> {
  const replaced = new Map<string, Set<string>>();
  for (const [path, src] of overlay) {
    const dir = path.slice(0, path.lastIndexOf("/"));
    const names = replaced.get(dir) ?? new Set<string>();
    for (const name of declaredNames(src)) names.add(name);
    replaced.set(dir, names);
  }
  const out = new Map<string, string>();
  for (const [path, src] of base) {
    if (overlay.has(path)) continue;
    const symbol = indexSymbol(path);
    if (symbol !== null && replaced.get(path.slice(0, path.lastIndexOf("/")))?.has(symbol)) continue;
    out.set(path, src);
  }
  for (const [path, src] of overlay) out.set(path, src);
  return out;
}
