#!/usr/bin/env node
/**
 * `npm run plan`: runs the offline plan as plain JavaScript, without a TypeScript loader on the
 * hot path. The plan's sources (tools/plan/entry.ts and everything it imports from the project:
 * stacks, components, policies) are bundled with esbuild into node_modules/.cache/, with the
 * packages left as ordinary requires so the SDKs load once from node_modules. The bundle is
 * rebuilt (about 0.1 s) whenever a source file it was built from changed, so it never goes stale
 * and `npm ci && npm run plan` needs no build step. Programs given with --program are loaded
 * through tsx when they run, as `pulumi up` compiles them.
 *
 * Plain CommonJS on purpose: this file must run before anything is compiled.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "platform-plan");
const BUNDLE = path.join(CACHE, "plan.js");
const META = path.join(CACHE, "plan.meta.json");
const ENTRY = "tools/plan/entry.ts";

/** What a bundle depends on besides its inputs: a new esbuild, Node or launcher means a rebuild. */
function stamp() {
  const self = fs.statSync(__filename);
  const esbuild = require("esbuild/package.json").version;
  return `${process.version}|esbuild ${esbuild}|bin ${self.mtimeMs}:${self.size}`;
}

function signature(file) {
  try {
    const stat = fs.statSync(path.join(ROOT, file));
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return "missing";
  }
}

function fresh() {
  try {
    if (!fs.existsSync(BUNDLE)) return false;
    const meta = JSON.parse(fs.readFileSync(META, "utf8"));
    if (meta.stamp !== stamp()) return false;
    return Object.entries(meta.inputs).every(([file, sig]) => signature(file) === sig);
  } catch {
    return false;
  }
}

/** Bundled modules that use __dirname get their own source directory, as under tsx. */
const sourceDirname = {
  name: "source-dirname",
  setup(build) {
    build.onLoad({ filter: /\.[jt]s$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      let contents = fs.readFileSync(args.path, "utf8");
      if (contents.includes("__dirname")) contents = `const __dirname = ${JSON.stringify(path.dirname(args.path))};\n${contents}`;
      return { contents, loader: args.path.endsWith(".ts") ? "ts" : "js" };
    });
  },
};

/**
 * tools/plan/import-esm.js stays outside the bundle, required by its path: the bundle then has no
 * import() of its own and V8's code cache can serve it (see code-cache.js).
 */
const importEsmOutside = {
  name: "import-esm-outside",
  setup(build) {
    build.onResolve({ filter: /[\\/]import-esm(\.js)?$/ }, (args) => ({ path: path.join(args.resolveDir, "import-esm.js"), external: true }));
  },
};

/**
 * A build's temporary files that a process killed while building left behind (2 MB each; the
 * tests stop plans): a build takes about 0.1 s, so one older than ten minutes is nobody's.
 */
function removeAbandoned() {
  const now = Date.now();
  for (const name of fs.readdirSync(CACHE)) {
    if (!/^plan\.(js|meta\.json)\.\d+\.tmp(\.map)?$/.test(name)) continue;
    const file = path.join(CACHE, name);
    try {
      if (now - fs.statSync(file).mtimeMs > 10 * 60 * 1000) fs.rmSync(file, { force: true });
    } catch {
      // Renamed or removed meanwhile.
    }
  }
}

async function build() {
  const esbuild = require("esbuild");
  fs.mkdirSync(CACHE, { recursive: true });
  removeAbandoned();
  const temp = `${BUNDLE}.${process.pid}.tmp`;
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    outfile: temp,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    sourcemap: "external",
    sourcesContent: false,
    metafile: true,
    logLevel: "silent",
    define: { "process.env.PLAN_BUNDLED": '"1"' },
    plugins: [sourceDirname, importEsmOutside],
  });
  const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((file) => [file, signature(file)]));
  // Several plans may build at once (the tests do): each writes its own files and renames them
  // into place, so a reader sees a whole bundle, whichever build wrote it.
  const map = fs.readFileSync(`${temp}.map`, "utf8").replace(/"file":\s*"[^"]*"/, `"file": "plan.js"`);
  fs.writeFileSync(`${temp}.map`, map);
  fs.renameSync(`${temp}.map`, `${BUNDLE}.map`);
  fs.renameSync(temp, BUNDLE);
  const metaTemp = `${META}.${process.pid}.tmp`;
  fs.writeFileSync(metaTemp, JSON.stringify({ stamp: stamp(), inputs }));
  fs.renameSync(metaTemp, META);
}

async function start() {
  if (!fresh()) await build();
  require("./code-cache").install(path.join(CACHE, "code"));
  require("../fake-cloud/sdk-startup").install();
  require(BUNDLE);
}

start().catch((err) => {
  process.stderr.write(`plan: internal error: could not build the plan's bundle: ${err && err.message ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
