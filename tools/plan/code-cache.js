/**
 * V8's code cache for the modules the plan loads from node_modules (the SDKs, the provider SDKs'
 * namespaces, their dependencies): each module's bytecode, functions compiled while the plan ran
 * included, is kept in node_modules/.cache/platform-plan/code/ when the process exits, and given
 * back to V8 the next time that module loads, so V8 neither parses nor compiles it again. About
 * 0.1–0.15 s of a prod plan, and as much again in every child process of an isolated run.
 *
 * Node 22 does this itself (`module.enableCompileCache()`); Node 20, which this project supports,
 * does not. The `v8-compile-cache` package caches a module's code when it loads, before its
 * functions ever ran, which leaves out most of what the plan compiles (measured: no gain).
 *
 * An entry is named after the module's path and a hash of its source and the Node version, so a
 * changed module is never given another's bytecode (V8 itself only checks the source's length),
 * and the entry written for its new source replaces the old one (the plan's own bundle changes
 * with every edit of the project). V8 rejects an entry made with other V8 flags (npm run plan's
 * --max-semi-space-size is one): the entry's name also hashes the process's flags, so a plan run
 * with other flags (node tools/plan/bin.js, a profiler) keeps entries of its own instead of
 * rewriting every entry on each switch (measured: all 593 rewritten, about 0.3 s, each time).
 * A module that imports ES modules (`import(`) compiles as usual: a script with a code cache cannot use the loader's default
 * dynamic import on Node 20 without an experimental warning, so the bundle imports through
 * tools/plan/import-esm.js. `PLAN_CACHE=off` turns it off, as every plan cache.
 *
 * Plain CommonJS: tools/plan/bin.js installs it before anything else loads.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
/** Entries older than this go when a run writes new ones (one still in use is written again by the next run). */
const STALE_MS = 30 * 24 * 3600 * 1000;
/** An entry's name starts with this many characters naming its module's path (a hash and a dash). */
const PREFIX_LENGTH = 17;
/**
 * Most entries kept. A plan writes about 600 (one per module it loads); each set of V8 flags has
 * its own (a profiler's run, `node tools/plan/bin.js`), so without a bound the directory grew by
 * 600 files (8 MB) for every new set of flags, and by one entry per edit of the plan's bundle,
 * for 30 days (measured: 22 000 files, 359 MB after a day of work). The oldest go first: an
 * entry still in use is written again by the next run that misses it.
 */
const MAX_ENTRIES = 4000;
/** A `.tmp` file older than this is left by a process that died while writing it. */
const ABANDONED_MS = 10 * 60 * 1000;

/**
 * What V8 checks an entry against besides the source: the flags of this process (command line
 * and NODE_OPTIONS). Options only, not their separate values (`-e <code>`, `--import tsx`).
 */
const FLAGS = JSON.stringify([process.execArgv.filter((arg) => arg.startsWith("--")), process.env.NODE_OPTIONS ?? ""]);

/** The `require` a module gets from Node's loader (lib/internal/modules/helpers.js, makeRequireFunction). */
function requireFor(mod) {
  const require = (id) => mod.require(id);
  const resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

function install(dir) {
  if (process.env.PLAN_CACHE === "off" || Module.prototype._compile.codeCache) return;
  const compile = Module.prototype._compile;
  /** Modules compiled without a usable entry: their entries are written at exit. */
  const unsaved = [];
  const cached = function _compile(content, filename) {
    if (!filename.includes(NODE_MODULES) || content.includes("import(")) return compile.call(this, content, filename);
    const prefix = `${crypto.createHash("sha1").update(filename).update("\0").update(FLAGS).digest("hex").slice(0, PREFIX_LENGTH - 1)}-`;
    const entry = path.join(dir, `${prefix}${crypto.createHash("sha1").update(process.version).update("\0").update(content).digest("hex")}.bin`);
    let cachedData;
    try {
      cachedData = fs.readFileSync(entry);
    } catch {
      cachedData = undefined;
    }
    // Module.wrap keeps every line where it was: stack traces and source maps still point right.
    // A hashbang is only valid at the very start of a script: after the wrapper it becomes a
    // comment of the same length (Node's own loader compiles the body as a function instead).
    const body = content.startsWith("#!") ? `//${content.slice(2)}` : content;
    const script = new vm.Script(Module.wrap(body), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) unsaved.push({ script, entry, prefix, missing: cachedData === undefined });
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
  cached.codeCache = true;
  Module.prototype._compile = cached;
  process.once("exit", () => {
    if (unsaved.length === 0) return;
    /** Path prefixes of modules written anew: their older entries go. */
    const superseded = new Set();
    try {
      fs.mkdirSync(dir, { recursive: true });
      const written = new Set();
      for (const { script, entry, prefix, missing } of unsaved) {
        written.add(path.basename(entry));
        superseded.add(prefix);
        // Written meanwhile by a plan that ran at the same time (on a fresh checkout the tests
        // start tens at once, each compiling every module): the same name is the same code.
        if (missing && fs.existsSync(entry)) continue;
        // Whole or not at all: plans running at once (the tests) may write the same entry.
        const temp = `${entry}.${process.pid}.tmp`;
        fs.writeFileSync(temp, script.createCachedData());
        fs.renameSync(temp, entry);
      }
      const now = Date.now();
      const present = [];
      for (const name of fs.readdirSync(dir)) {
        try {
          present.push({ name, mtimeMs: fs.statSync(path.join(dir, name)).mtimeMs });
        } catch {
          // Removed meanwhile by another plan.
        }
      }
      for (const name of prune(present, { now, written, superseded })) fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      // A cache that cannot be written is an empty one next time.
    }
  });
}

/**
 * The entries to remove after a run wrote `written`: older entries of the modules it wrote
 * anew (`superseded`: their path prefixes), entries older than STALE_MS, another process's
 * `.tmp` file once it is older than ABANDONED_MS (one being written is left to its process),
 * then the oldest until at most `max` are left. Never one this run wrote.
 */
function prune(entries, { now, written, superseded, max = MAX_ENTRIES }) {
  const removed = [];
  const kept = [];
  for (const entry of entries) {
    const { name, mtimeMs } = entry;
    if (written.has(name)) kept.push(entry);
    else if (name.endsWith(".tmp")) {
      if (now - mtimeMs > ABANDONED_MS) removed.push(name);
    } else if (superseded.has(name.slice(0, PREFIX_LENGTH)) || now - mtimeMs > STALE_MS) removed.push(name);
    else kept.push(entry);
  }
  const excess = kept.length - max;
  if (excess > 0) {
    const oldest = kept.filter(({ name }) => !written.has(name)).sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : 1));
    removed.push(...oldest.slice(0, excess).map(({ name }) => name));
  }
  return removed;
}

module.exports = { install, prune };
