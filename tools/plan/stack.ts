/**
 * One stack of the plan, in two passes through the fake engine:
 *
 * 1. **Preview** — as `pulumi preview` of a new stack: ids and computed outputs of new resources
 *    unknown, `apply` callbacks on them not run, reads and invokes answered. A program that
 *    throws, leaves a rejection unhandled or never finishes here fails the plan (exit 2), even
 *    if it would run with known values: the real preview would stop there.
 * 2. **Known values** — the fake cloud's outputs as if every resource existed: what the policies,
 *    the resilience figures and the reports read.
 *
 * The same function runs in the planning process (tools/plan/runner.ts) and in a child process
 * (tools/plan/worker.ts, for isolated runs).
 */
import { readFileSync } from "fs";
import { dirname, resolve } from "path";
import { pathToFileURL } from "url";
import type { RecordedResource } from "../fake-cloud";
import { runStack, StackConfig, StackRun, StackRunError } from "../fake-cloud/run";
import { yamlValue } from "../fake-cloud/yaml-text";
import { findUp } from "../fake-cloud/project-config";
import { main as projectProgram } from "../../stacks/main";
import { PlanError } from "./args";
import { describeError } from "./errors";

// Plain JavaScript outside the bundle (see the file): the bundle keeps no import() of its own.
const { importEsm } = require("./import-esm") as { importEsm(specifier: string): Promise<unknown> };

export interface StackJobSpec {
  stack: string;
  /** The project name (part of every URN). */
  project: string;
  /** What getOrganization() answers. @default "organization" (the diy backend's) */
  organization?: string;
  config: StackConfig;
  /** Absolute path of the program; null for this project's own program (stacks/main.ts). */
  program: string | null;
  /** Outputs of stacks planned earlier, for StackReference, by stack name. */
  stackOutputs: Record<string, Record<string, unknown>>;
}

export interface StackResult {
  resources: RecordedResource[];
  /** Stack outputs as the plan shows them (secrets masked). */
  outputs: Record<string, unknown>;
  /** Stack outputs with their values (secrets wrapped, JSON), for later stacks' StackReferences. */
  exported: Record<string, unknown>;
  /** URNs registered with known values but not in the preview (created inside an apply). */
  unseenInPreview: string[];
  milliseconds: number;
}

/** Is a TypeScript loader active for `require` (tsx under the tests, or registered below)? */
function canRequireTypeScript(): boolean {
  return typeof (require as NodeJS.Require).extensions?.[".ts"] === "function";
}

let tsxRegistered = false;

/**
 * Loads a `--program` the way Pulumi's Node.js language host does (require, else import), anew
 * for every pass: a program that declares its resources at top level registers them when its
 * module is evaluated, so each pass must evaluate it again. Modules of the project loaded for it
 * are dropped from the require cache after the pass; node_modules stay (the SDKs are loaded once).
 */
async function loadProgram(file: string, pass: number): Promise<unknown> {
  if (!canRequireTypeScript() && !tsxRegistered && /\.[cm]?tsx?$/.test(file)) {
    // The planning process is plain JavaScript; programs are TypeScript, as under `pulumi up`.
    (require("tsx/cjs/api") as { register(): unknown }).register();
    tsxRegistered = true;
  }
  const before = new Set(Object.keys(require.cache));
  try {
    return require(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ERR_REQUIRE_ESM") throw err;
    // An ES module is cached by URL: a query gives each pass its own evaluation.
    return importEsm(`${pathToFileURL(file).href}?plan-pass=${pass}`);
  } finally {
    for (const key of Object.keys(require.cache)) if (!before.has(key) && !/[\\/]node_modules[\\/]/.test(key)) delete require.cache[key];
  }
}

/**
 * The package manifest the Node.js language host reads for a program (cmd/run/run.js
 * `npmPackageRootFromProgramPath`, runtime/manifest.js): the nearest `package.json`, else
 * `package.yaml`, from the program's directory up. Null when there is none.
 */
function packageManifestOf(file: string): string | null {
  return findUp(dirname(file), ["package.json", "package.yaml"]);
}

/** Is the program an ES module to the host: its manifest says `"type": "module"` (one it cannot read says nothing)? */
function isEsModuleProgram(manifest: string | null): boolean {
  if (!manifest) return false;
  try {
    const text = readFileSync(manifest, "utf8");
    const data = (manifest.endsWith(".json") ? JSON.parse(text) : yamlValue(text)) as { type?: unknown } | null;
    return data?.type === "module";
  } catch {
    return false;
  }
}

/**
 * What the language host takes of a loaded program (cmd/run/run.js `runProgram`): an ES module's
 * default export when it has one (refused, with the host's words, beside named exports), and a
 * CommonJS module's exports as they are, which the run then calls if they are a function.
 *
 * Stricter than the host, on purpose: a CommonJS module whose only export is a function under
 * `default` (TypeScript's `export default async () => {...}` without `"type": "module"`) is
 * refused. The host would take `{ default: [Function] }` as the stack outputs, drop the function
 * and never call it: `pulumi up` would succeed and create nothing.
 */
export function hostProgramExport(loaded: unknown, file: string): unknown {
  const manifest = packageManifestOf(file);
  const exports = loaded as Record<string, unknown> | null | undefined;
  if (isEsModuleProgram(manifest)) {
    if (exports !== null && typeof exports === "object" && Object.getOwnPropertyDescriptor(exports, "default") !== undefined) {
      if (Object.keys(exports).length !== 1) {
        throw new StackRunError(
          `expected entrypoint module to have either a default export or named exports but not both (Pulumi's Node.js language host refuses such a program in an ES module package, "type": "module" in ${manifest}: keep the default export alone, or only named exports)`,
        );
      }
      return exports.default;
    }
    return loaded;
  }
  if (exports !== null && typeof exports === "object" && Object.keys(exports).length === 1 && typeof exports.default === "function") {
    throw new StackRunError(
      `the program's only export is a function under \`default\` (\`export default async () => {...}\`), and it is a CommonJS module (${manifest ? `${manifest} has no "type": "module"` : "no package.json says \"type\": \"module\""}): Pulumi's Node.js language host calls a default export only in an ES module, and takes a CommonJS module's exports, { default: [Function] }, as the stack outputs, so \`pulumi up\` would run nothing and create no resource, without an error. ` +
        `Write \`export = async () => {...}\` (the module is then the function, which the host calls), or declare the resources at the top level with named exports for the outputs. The plan refuses what the host would silently do nothing with`,
    );
  }
  return loaded;
}

/**
 * Where the language host runs this project's own program: the directory of Pulumi.yaml's `main`
 * (stacks/index.ts), as the CLI's `getPwdMain` makes it the program's working directory.
 */
const PROJECT_PROGRAM_DIRECTORY = resolve(__dirname, "..", "..", "stacks");

let passes = 0;

async function pass(job: StackJobSpec, preview: boolean, quiet = false): Promise<StackRun> {
  const n = ++passes;
  const load = job.program ? async () => hostProgramExport(await loadProgram(job.program!, n), job.program!) : () => projectProgram;
  const started = performance.now();
  try {
    // Each program runs in its own directory, as the host runs it (its FileAssets are read from there).
    const workingDirectory = job.program ? dirname(job.program) : PROJECT_PROGRAM_DIRECTORY;
    return await runStack({ stack: job.stack, project: job.project, organization: job.organization, config: job.config, stackOutputs: job.stackOutputs, preview, load, quiet, workingDirectory });
  } finally {
    // PLAN_TRACE=1: when each pass ran, in this process's time (ms since it started), on stderr.
    if (process.env.PLAN_TRACE === "1") process.stderr.write(`trace: pid ${process.pid} ${preview ? "preview" : "known"} ${job.stack} ${started.toFixed(0)}–${performance.now().toFixed(0)} ms\n`);
  }
}

/** What the preview pass leaves for the plan: the URNs it registered, or why it failed. */
type PreviewOutcome = { ok: true; urns: string[] } | { ok: false; reason: string };

/**
 * The preview pass alone. Only its URNs outlive it: its resources, engine and program objects can
 * go before the pass with known values allocates its own (less for the garbage collector).
 */
async function previewStack(job: StackJobSpec): Promise<PreviewOutcome> {
  try {
    return { ok: true, urns: (await pass(job, true)).cloud.resources.map((r) => r.urn) };
  } catch (err) {
    return { ok: false, reason: describeError(err) };
  }
}

/**
 * Plans one stack in this process, preview first; rejects with a PlanError naming the stack when
 * its program fails. A failing preview fails the plan even when the pass with known values runs:
 * the real preview stops there. The message says whether only the preview fails (then the reason
 * is an unknown value). The pass with known values is quiet: what the program prints, the preview
 * pass showed.
 */
export async function planStack(job: StackJobSpec): Promise<StackResult> {
  const started = Date.now();
  const preview = await previewStack(job);
  let known: StackRun;
  try {
    known = await pass(job, false, true);
  } catch (err) {
    throw new PlanError(`stack ${job.stack}: ${describeError(err)}`);
  }
  if (!preview.ok) {
    throw new PlanError(
      `stack ${job.stack} fails under \`pulumi preview\` of a new stack (ids and computed outputs unknown), although it runs once every value is known: ${preview.reason}`,
    );
  }
  const previewed = new Set(preview.urns);
  const { cloud } = known;
  return {
    resources: cloud.resources,
    outputs: cloud.stackOutputs,
    exported: cloud.exportedOutputs,
    unseenInPreview: cloud.resources.filter((r) => !previewed.has(r.urn)).map((r) => r.urn),
    milliseconds: Date.now() - started,
  };
}
