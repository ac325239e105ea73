/**
 * `npm run plan`: the offline plan of an environment (or of one program), in the contract of
 * shared/design/architecture.md. Exit 0 planned without a mandatory violation, 1 at least one
 * mandatory violation, 2 invalid configuration or usage — with a message naming the file or key
 * and the fix, never a stack trace, and no output file written.
 */
import { readFileSync } from "fs";
import { dirname, join, resolve } from "path";
import { HELP, parseArgs, PlanError, PlanOptions } from "./args";
import { cachePath, readCache, writeCache } from "./cache";
import { renderDot, renderSvg } from "./diagram";
import { diffPlans, PlanDiff } from "./diff";
import { PlanInput, resolveEnvironment, resolveProgram } from "./inputs";
import { renderMarkdown } from "./markdown";
import type { PlanDocument } from "./model";
import { checkOutputPath, OutputFile, writeOutputs } from "./outputs";
import { progressReporter, renderTerminal } from "./terminal";

export const EXIT = { planned: 0, mandatoryViolation: 1, invalidInput: 2 } as const;

function resolveInput(options: PlanOptions): PlanInput {
  return options.program !== null
    ? resolveProgram({ program: options.program, stack: options.stack, configFile: options.configFile })
    : resolveEnvironment({ env: options.env, envGiven: options.envGiven, configFile: options.configFile });
}

/**
 * The diagram's SVG. Graphviz's layout of prod takes over half a second and is a pure function
 * of the DOT text and Graphviz's version: a plan whose topology did not change (most changes)
 * takes the SVG from the plan's cache (tools/plan/cache.ts).
 */
async function diagramSvg(dot: string): Promise<string> {
  let version: string;
  try {
    const main = require.resolve("@hpcc-js/wasm-graphviz");
    version = (JSON.parse(readFileSync(join(dirname(main), "..", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return renderSvg(dot);
  }
  const file = cachePath("diagram", "svg", version, dot);
  const cached = readCache(file);
  if (cached !== undefined) return cached;
  const svg = await renderSvg(dot);
  writeCache(file, svg);
  return svg;
}

/**
 * The plan as `--json` writes it: exactly the contract's resource fields. The in-memory `read`
 * mark (StackReference, `.get`) only steers the policies; reads still appear, as the engine keeps
 * them in state. The plain values of secrets (secretInputs, secretOutputs) are for the policies
 * alone: the plan shows "[secret]", as Pulumi does.
 */
export function planJson(document: PlanDocument, diff?: PlanDiff): PlanDocument {
  const stacks = document.stacks.map((s) => ({ ...s, resources: s.resources.map(({ read: _read, secretInputs: _inputs, secretOutputs: _outputs, ...r }) => r) }));
  return { ...document, stacks, ...(diff ? { diff } : {}) };
}

async function render(document: PlanDocument, options: PlanOptions, diff: PlanDiff | undefined): Promise<OutputFile[]> {
  const files: OutputFile[] = [];
  if (options.json !== null) {
    document = planJson(document, diff);
    const { validatePlan } = await import("./schema");
    const problems = validatePlan(document);
    // The schema is the contract: a plan that breaks it is this tool's bug, not the user's input.
    if (problems.length > 0) throw new Error(`the plan does not match plan.schema.json: ${problems.slice(0, 3).join("; ")}`);
    files.push({ option: "--json", path: options.json, content: `${JSON.stringify(document, null, 2)}\n` });
  }
  if (options.markdown !== null) files.push({ option: "--markdown", path: options.markdown, content: renderMarkdown(document, diff, options.diff ?? undefined) });
  if (options.diagram !== null) files.push({ option: "--diagram", path: options.diagram, content: await diagramSvg(renderDot(document)) });
  return files;
}

export async function main(argv: readonly string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const options = parseArgs(argv);
  if (options.help) {
    out.write(`${HELP}\n`);
    return EXIT.planned;
  }
  // Everything that can be checked before a program runs is checked first.
  for (const [option, path] of [["--json", options.json], ["--markdown", options.markdown], ["--diagram", options.diagram]] as const) {
    if (path !== null) checkOutputPath(option, path);
  }
  // The planning machinery (the SDKs, the program, the pack) loads only once the input is known
  // to be good: a usage or configuration error is reported without that cost.
  const input = resolveInput(options);
  // An earlier plan, or what is deployed (`pulumi stack export` files).
  // (Loaded by import(): lazily in the bundle, which turns it into a require of the bundled
  // module, and under tsx and Vitest alike.)
  const base = options.diff !== null ? (await import("./state-export")).readDiffBase(resolve(options.diff)) : undefined;
  const { readPolicyConfig } = await import("./policies");
  const policyConfig = options.policyConfig !== null ? readPolicyConfig(resolve(options.policyConfig)) : {};
  const { plan } = await import("./plan");
  const { useConfigValidatorCompiler, CONFIG_SCHEMA_OPTIONS } = await import("../../policies/reconcile");
  const { cachedValidator } = await import("./validators");
  // One entry per policy with a config schema (27 today), each kept across plans. For this plan
  // only: a caller in the same process (the tests run the CLI in theirs) gets its own back.
  const previous = useConfigValidatorCompiler((schema) => cachedValidator("policy-config", schema, CONFIG_SCHEMA_OPTIONS, 128));
  try {
    if (input.kind === "environment") for (const note of input.notes) err.write(`note: ${note}\n`);
    const cost = (await import("./cost")).loadCostInputs(input.name);

    const document = await plan(input, { policyConfig, progress: progressReporter((line) => err.write(`${line}\n`)), cost, base });
    const diff = base ? diffPlans(base, document) : undefined;
    writeOutputs(await render(document, options, diff));
    out.write(`\n${renderTerminal(document, diff, options.diff ?? undefined)}`);
    return document.summary.violations.mandatory > 0 ? EXIT.mandatoryViolation : EXIT.planned;
  } finally {
    useConfigValidatorCompiler(previous);
  }
}

/**
 * Runs the CLI as `npm run plan` does and returns the exit code: a usage, configuration or
 * program error becomes one `plan: ...` paragraph on `err`, never a stack trace (unless
 * PLAN_DEBUG asks). tools/plan/entry.ts sets the process's exit code from it; the tests call it
 * in-process with streams of their own.
 */
export async function run(argv: readonly string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  try {
    return await main(argv, out, err);
  } catch (error: unknown) {
    if (error instanceof PlanError) {
      err.write(`plan: ${error.message}\n`);
    } else {
      // Not the user's input: say so, still without a stack trace unless asked for.
      const message = error instanceof Error ? error.message : String(error);
      err.write(`plan: internal error: ${message}${process.env.PLAN_DEBUG ? `\n${(error as Error)?.stack ?? ""}` : " (set PLAN_DEBUG=1 for details)"}\n`);
    }
    return EXIT.invalidInput;
  }
}

if (require.main === module) void run(process.argv.slice(2)).then((code) => (process.exitCode = code));
