/**
 * tools/plan/code-cache.js: modules from node_modules get V8's code cache, never another
 * module's, and run as they would without it. Each load is a fresh Node process, as each plan is.
 */
import { execFileSync } from "child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const CODE_CACHE = join(__dirname, "..", "..", "tools", "plan", "code-cache.js");

let root: string;
let cache: string;
let module: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "code-cache-"));
  cache = join(root, "cache");
  mkdirSync(join(root, "node_modules", "lib"), { recursive: true });
  module = join(root, "node_modules", "lib", "index.js");
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Loads the module in a fresh process with the cache installed; what it printed. */
function load(env: NodeJS.ProcessEnv = {}, v8Flags: string[] = []): string {
  const script = `require(${JSON.stringify(CODE_CACHE)}).install(${JSON.stringify(cache)}); process.stdout.write(String(require(${JSON.stringify(module)})()));`;
  return execFileSync(process.execPath, [...v8Flags, "-e", script], { env: { ...process.env, PLAN_CACHE: undefined, ...env }, encoding: "utf8" });
}

const entries = () => {
  try {
    return readdirSync(cache).sort();
  } catch {
    return [];
  }
};

describe("the plan's code cache", () => {
  it("keeps a module's code when the process exits and runs the module from it next time", () => {
    writeFileSync(module, `const path = require("path");\nmodule.exports = () => path.basename(require.resolve("./index.js")) + ":" + [1, 2, 3].map((n) => n * 2).join(",");\n`);
    expect(load()).toBe("index.js:2,4,6");
    const written = entries();
    expect(written).toHaveLength(1);
    const writtenAt = statSync(join(cache, written[0])).mtimeMs;
    expect(load()).toBe("index.js:2,4,6");
    // Read, not written again: an entry is written only for a module compiled without one.
    expect(entries()).toEqual(written);
    expect(statSync(join(cache, written[0])).mtimeMs).toBe(writtenAt);
  });

  it("never runs a changed module from the code of its earlier version, even at the same length", () => {
    writeFileSync(module, `module.exports = () => "first";\n`);
    expect(load()).toBe("first");
    // Same length: V8's own check of an entry would accept the old one.
    const first = entries();
    writeFileSync(module, `module.exports = () => "again";\n`);
    expect(load()).toBe("again");
    // The new version's entry replaces the old one: a module keeps one entry, however often it changes.
    const second = entries();
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
  });

  it("keeps one entry per module: another module's entry stays when one changes", () => {
    const other = join(root, "node_modules", "lib", "other.js");
    writeFileSync(other, `module.exports = "other";\n`);
    writeFileSync(module, `module.exports = () => require("./other.js") + ":1";\n`);
    expect(load()).toBe("other:1");
    expect(entries()).toHaveLength(2);
    writeFileSync(module, `module.exports = () => require("./other.js") + ":2";\n`);
    expect(load()).toBe("other:2");
    expect(entries()).toHaveLength(2);
  });

  it("keeps the entries of each set of V8 flags apart: switching flags rewrites nothing", () => {
    writeFileSync(module, `module.exports = () => "flags";\n`);
    // npm run plan's flag, then none (node tools/plan/bin.js): V8 would reject the other's entry.
    expect(load({}, ["--max-semi-space-size=64"])).toBe("flags");
    expect(load()).toBe("flags");
    const both = entries();
    expect(both).toHaveLength(2);
    const writtenAt = both.map((name) => statSync(join(cache, name)).mtimeMs);
    expect(load({}, ["--max-semi-space-size=64"])).toBe("flags");
    expect(load()).toBe("flags");
    expect(entries()).toEqual(both);
    expect(both.map((name) => statSync(join(cache, name)).mtimeMs)).toEqual(writtenAt);
  });

  it("does not write again an entry another process wrote while this one ran", () => {
    writeFileSync(module, `module.exports = () => "raced";\n`);
    expect(load()).toBe("raced");
    const [entry] = entries();
    const writtenAt = statSync(join(cache, entry)).mtimeMs;
    // The entry is away while this process loads the module, and back (as another plan would have
    // written it) before it exits.
    const script = `const fs = require("fs"); const entry = ${JSON.stringify(join(cache, entry))};
fs.renameSync(entry, entry + ".away");
require(${JSON.stringify(CODE_CACHE)}).install(${JSON.stringify(cache)});
const value = require(${JSON.stringify(module)})();
fs.renameSync(entry + ".away", entry);
process.stdout.write(value);`;
    expect(execFileSync(process.execPath, ["-e", script], { env: { ...process.env, PLAN_CACHE: undefined }, encoding: "utf8" })).toBe("raced");
    expect(entries()).toEqual([entry]);
    expect(statSync(join(cache, entry)).mtimeMs).toBe(writtenAt);
  });

  it("runs a module that starts with a hashbang, as Node does (tsx's own API module does)", () => {
    writeFileSync(module, `#!/usr/bin/env node\nmodule.exports = () => "bang";\n`);
    expect(load()).toBe("bang");
    expect(load()).toBe("bang");
    expect(entries()).toHaveLength(1);
  });

  it("leaves alone modules that import ES modules, and everything when PLAN_CACHE=off", () => {
    writeFileSync(join(root, "node_modules", "lib", "esm.mjs"), `export default 7;\n`);
    writeFileSync(module, `module.exports = () => typeof (() => import("./esm.mjs"));\n`);
    expect(load()).toBe("function");
    expect(entries()).toEqual([]);
    writeFileSync(module, `module.exports = () => "plain";\n`);
    expect(load({ PLAN_CACHE: "off" })).toBe("plain");
    expect(entries()).toEqual([]);
  });
});

describe("pruning the plan's code cache", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { prune } = require(CODE_CACHE) as {
    prune(entries: { name: string; mtimeMs: number }[], run: { now: number; written: Set<string>; superseded: Set<string>; max?: number }): string[];
  };
  const now = Date.UTC(2026, 11, 3);
  const minutes = (n: number) => now - n * 60_000;
  const entry = (prefix: string, hash: string, mtimeMs: number) => ({ name: `${prefix}-${hash}.bin`, mtimeMs });
  const A = "aaaaaaaaaaaaaaaa";
  const B = "bbbbbbbbbbbbbbbb";

  it("removes a rewritten module's older entry and entries unused for 30 days, and keeps the rest", () => {
    const removed = prune(
      [entry(A, "new", now), entry(A, "old", minutes(5)), entry(B, "kept", minutes(60 * 24 * 29)), entry("cccccccccccccccc", "gone", minutes(60 * 24 * 31))],
      { now, written: new Set([`${A}-new.bin`]), superseded: new Set([`${A}-`]) },
    );
    expect(removed.sort()).toEqual([`${A}-old.bin`, "cccccccccccccccc-gone.bin"]);
  });

  it("removes a .tmp file only once its writer must have died", () => {
    const writing = { name: `${B}-x.bin.123.tmp`, mtimeMs: minutes(1) };
    const abandoned = { name: `${B}-y.bin.456.tmp`, mtimeMs: minutes(11) };
    expect(prune([writing, abandoned], { now, written: new Set(), superseded: new Set() })).toEqual([abandoned.name]);
  });

  it("keeps at most max entries, the oldest going first and never one this run wrote", () => {
    const entries = [entry(B, "3", minutes(3)), entry(B, "1", minutes(1)), entry(A, "9", minutes(9)), entry(B, "2", minutes(2))];
    // The run wrote the oldest one (it was rejected and written again): it stays.
    const removed = prune(entries, { now, written: new Set([`${A}-9.bin`]), superseded: new Set(), max: 2 });
    expect(removed).toEqual([`${B}-3.bin`, `${B}-2.bin`]);
    expect(prune(entries, { now, written: new Set(), superseded: new Set(), max: 4 })).toEqual([]);
  });
});
