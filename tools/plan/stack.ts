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
import { pathToFileURL } from "url";
import type { RecordedResource } from "../fake-cloud";
import { runStack, StackConfig, StackRun } from "../fake-cloud/run";
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

let passes = 0;

async function pass(job: StackJobSpec, preview: boolean, quiet = false): Promise<StackRun> {
  const n = ++passes;
  const load = job.program ? () => loadProgram(job.program!, n) : () => projectProgram;
  const started = performance.now();
  try {
    return await runStack({ stack: job.stack, project: job.project, organization: job.organization, config: job.config, stackOutputs: job.stackOutputs, preview, load, quiet });
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
