/**
 * `import()` for the plan's bundle: its two loads of ES modules (a --program that is one, and
 * Graphviz for --diagram) go through here. esbuild leaves this file outside the bundle, so the
 * bundle has no dynamic import of its own and V8's code cache can serve it (tools/plan/code-cache.js:
 * on Node 20 a script given a code cache can only import through the loader's default with an
 * experimental warning). Node's own loader compiles this file, so `import()` here behaves as
 * in any module of the project.
 *
 * Plain CommonJS, required by path.
 */
"use strict";

/** @param {string} specifier a package name or a file: URL */
function importEsm(specifier) {
  return import(specifier);
}

module.exports = { importEsm };
