/**
 * `--diff` against what is deployed: `pulumi stack export` files (Pulumi's checkpoint format,
 * deployment version 3) turned into the same shape as an earlier plan, so the diff compares a
 * branch's plan with real state by the engine's URNs, without cloud credentials.
 *
 * Read from each exported resource: urn, type, custom, id, parent, provider (a reference
 * "urn::id"; the URN is kept), protect, retainOnDelete, ignoreChanges, replaceOnChanges, aliases,
 * dependencies, propertyDependencies, inputs, outputs, external (a read), importID. The state keeps no
 * deleteBeforeReplace, and the diff judges replacements by the current plan's options anyway, as
 * the engine diffs with the goal's. Secrets (the state's secret
 * signature, encrypted or shown with --show-secrets) become "[secret]", as in a plan. Resources
 * pending deletion (`delete: true`, the old half of a replacement) and pending operations are
 * not part of what is deployed and are left out.
 *
 * One export is one stack; several (files, or a directory of `*.json` files) make an environment:
 * the stack that reads no other stack through a StackReference is the global one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import { basename, join } from "path";
import { maskSecrets, RecordedResource } from "../fake-cloud";
import { parseUrn } from "../fake-cloud/urn";
import { PlanError } from "./args";
import type { PlanDocument, PlanStack } from "./model";
import { assemble } from "./plan";
import { readPlanFile } from "./schema";

interface ExportedResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  parent?: string;
  provider?: string;
  protect?: boolean;
  retainOnDelete?: boolean;
  ignoreChanges?: string[];
  replaceOnChanges?: string[];
  aliases?: string[];
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  external?: boolean;
  delete?: boolean;
  /** The import id of a resource the engine imported (apitype.ResourceV3 `importID`). */
  importID?: string;
}

interface StackExport {
  version: number;
  deployment: { manifest?: unknown; resources?: ExportedResource[] | null };
}

function providerUrn(ref: string | undefined): string | null {
  if (!ref) return null;
  const at = ref.lastIndexOf("::");
  return at > 0 ? ref.slice(0, at) : null;
}

function isExport(document: unknown): document is StackExport {
  return !!document && typeof document === "object" && "deployment" in document && typeof (document as StackExport).deployment === "object";
}

/**
 * A state's inputs are the provider's checked inputs; a plan's are the program's. Take out again
 * what Check added: what a Terraform-bridged provider (pulumi-aws) defaulted, listed in a
 * `__defaults` key of the object it defaulted in (the top level, or any nested block: its
 * auto-names, and the Terraform defaults of nested blocks), and the name pulumi-kubernetes gave
 * an unnamed object (marked `pulumi.com/autonamed`). On an update both providers keep the old
 * auto-name and defaults, so a program that still leaves them unset changes nothing there.
 */
export function programInputs(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const rest = withoutDefaults(inputs) as Record<string, unknown>;
  const metadata = rest.metadata as { name?: unknown; annotations?: Record<string, unknown> } | undefined;
  if (type.startsWith("kubernetes:") && metadata && typeof metadata === "object" && metadata.annotations?.["pulumi.com/autonamed"] === "true") {
    const { name: _name, annotations, ...others } = metadata;
    const { "pulumi.com/autonamed": _marker, ...otherAnnotations } = annotations;
    const kept = { ...others, ...(Object.keys(otherAnnotations).length > 0 ? { annotations: otherAnnotations } : {}) };
    // A program that gave no metadata at all: the provider's was all there was.
    if (Object.keys(kept).length > 0) rest.metadata = kept;
    else delete rest.metadata;
  }
  return rest;
}

/** Every object's `__defaults`, and the keys it lists, taken out, at any depth. */
function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (value === null || typeof value !== "object") return value;
  const { __defaults: defaults, ...rest } = value as Record<string, unknown>;
  const listed = new Set(Array.isArray(defaults) ? defaults.filter((key): key is string => typeof key === "string") : []);
  return Object.fromEntries(Object.entries(rest).filter(([key]) => !listed.has(key)).map(([key, v]) => [key, withoutDefaults(v)]));
}

/** One exported stack as a plan stack (violations are added by the pack, as for a plan). */
export function stackFromExport(document: StackExport, file: string): Omit<PlanStack, "violations"> {
  if (document.version !== 3) throw new PlanError(`--diff ${file}: a stack export of deployment version ${JSON.stringify(document.version ?? null)}; this tool reads version 3 (\`pulumi stack export\` of Pulumi 3)`);
  const exported = (document.deployment.resources ?? []).filter((r) => !r.delete);
  const stackName = exported.map((r) => parseUrn(r.urn)?.stack).find(Boolean);
  if (!stackName) throw new PlanError(`--diff ${file}: the export holds no resources, so there is nothing to compare with; export a deployed stack with \`pulumi stack export --file ${basename(file)}\``);
  const providers = new Map(exported.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r]));
  const regionOfProvider = (urn: string | null): string | null => {
    const region = urn ? providers.get(urn)?.inputs?.region : undefined;
    return typeof region === "string" ? region : null;
  };
  const resources: RecordedResource[] = exported.map((r) => {
    const parsed = parseUrn(r.urn);
    if (!parsed) throw new PlanError(`--diff ${file}: "${r.urn}" is not a Pulumi URN; is this a \`pulumi stack export\` file?`);
    // The state marks secrets with the same signature as the wire protocol: masked as in a plan.
    const inputs = maskSecrets(programInputs(r.type, r.inputs ?? {})) as Record<string, unknown>;
    const outputs = maskSecrets(r.outputs ?? {}) as Record<string, unknown>;
    const provider = providerUrn(r.provider);
    const custom = r.custom ?? false;
    let region: string | null = null;
    if (r.type === "pulumi:providers:aws") region = typeof inputs.region === "string" ? inputs.region : null;
    else if (r.type.startsWith("aws:")) region = typeof inputs.region === "string" ? inputs.region : typeof outputs.region === "string" ? outputs.region : regionOfProvider(provider);
    return {
      urn: r.urn,
      type: r.type,
      name: parsed.name,
      custom,
      id: custom && r.id ? r.id : null,
      parent: r.parent || null,
      provider,
      region,
      protect: r.protect ?? false,
      retainOnDelete: r.retainOnDelete ?? false,
      ignoreChanges: r.ignoreChanges ?? [],
      replaceOnChanges: r.replaceOnChanges ?? [],
      aliases: r.aliases ?? [],
      dependsOn: r.dependencies ?? [],
      propertyDependencies: r.propertyDependencies ?? {},
      inputs,
      outputs,
      ...(r.external ? { read: true } : {}),
      ...(custom && !r.external && r.importID ? { importId: r.importID } : {}),
    };
  });
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const outputs = (root?.outputs ?? {}) as Record<string, unknown>;
  const reads = resources.some((r) => r.type === "pulumi:pulumi:StackReference");
  const defaultAws = resources.find((r) => r.type === "pulumi:providers:aws" && r.name.startsWith("default"));
  return {
    stack: stackName,
    // An environment's global stack reads no other stack and exports the environment's settings;
    // a regional stack reads the global one. A stack that does neither is a program of its own
    // (--program), which the plan gives the role "region" too.
    role: reads || !("environment" in outputs) ? "region" : "global",
    region: (defaultAws?.region as string | undefined) ?? null,
    resources,
    outputs,
  };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new PlanError(`--diff ${file} is not valid JSON (${(err as Error).message}); give a plan written with --json or a \`pulumi stack export\` file`);
  }
}

/** Stack exports as one base document, global stack first; the pack runs over it like over a plan. */
export function baseFromExports(files: string[]): PlanDocument {
  const stacks = files.map((file) => {
    const document = readJson(file);
    if (!isExport(document)) throw new PlanError(`--diff ${file} is not a \`pulumi stack export\` file (no "deployment"); a directory given to --diff holds one export per stack`);
    return stackFromExport(document, file);
  });
  const seen = new Set<string>();
  for (const s of stacks) {
    if (seen.has(s.stack)) throw new PlanError(`--diff: two exports of stack ${s.stack}; give one export per stack`);
    seen.add(s.stack);
  }
  // Deploy order: the global stack, then the regions in the order its environment lists them.
  const global = stacks.find((s) => s.role === "global");
  const regions = ((global?.outputs.environment as { regions?: unknown } | undefined)?.regions ?? []) as string[];
  const rank = (s: Omit<PlanStack, "violations">) => (s.region && regions.includes(s.region) ? regions.indexOf(s.region) : regions.length);
  const ordered = [...stacks.filter((s) => s.role === "global"), ...stacks.filter((s) => s.role !== "global").sort((a, b) => rank(a) - rank(b))];
  const name = ordered.find((s) => s.role === "global")?.stack ?? ordered[0]?.stack ?? "deployed";
  return assemble(name, ordered, undefined);
}

/**
 * What `--diff PATH` compares with: an earlier plan (--json), one stack export, or a directory
 * of stack exports (`*.json`, one per stack).
 */
export function readDiffBase(path: string): PlanDocument {
  if (!existsSync(path)) throw new PlanError(`--diff ${path} does not exist; give a plan written earlier with --json, a \`pulumi stack export\` file or a directory of them`);
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path).filter((f) => f.endsWith(".json")).sort().map((f) => join(path, f));
    if (files.length === 0) throw new PlanError(`--diff ${path} holds no .json files; put one \`pulumi stack export\` per stack there`);
    return baseFromExports(files);
  }
  const document = readJson(path);
  return isExport(document) ? baseFromExports([path]) : readPlanFile(path);
}
