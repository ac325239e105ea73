/**
 * Update or replace? The verdict a provider's diff gives one resource, from the replacement table
 * and the resource's options, for a set of changed input paths (changed values, or values that
 * became unknown because what they came from is replaced).
 */
import { parsePropertyPath, PropertyPathElement, touches } from "./paths";
import type { TypeRule } from "./table";

export type Verdict = "replace" | "may-replace" | "update";

export interface InputChange {
  path: string;
  /** The value is unknown until apply (it comes from a replaced resource). */
  unknown: boolean;
  /** The input was dropped. */
  removed: boolean;
}

export interface ResourceOptions {
  ignoreChanges: readonly string[];
  /** `replaceOnChanges` resource option of the goal (the current plan's side), where the plan records it. */
  replaceOnChanges?: readonly string[];
  /**
   * The resource's inputs (new, then old): plan paths drop list indices, so these tell where a
   * `replaceOnChanges` path crosses a list. Without them every path level is taken for an object key.
   */
  inputs?: readonly Record<string, unknown>[];
}

export interface Judgement {
  verdict: Verdict;
  /** Paths that force replacement (the reasons shown). */
  replaceOn: string[];
  /** Paths that may force it (a condition the provider checks; or no rule for the type). */
  mayReplaceOn: string[];
  /** Paths that change in place. */
  updated: string[];
  /** Paths whose change `ignoreChanges` hides from the provider. */
  ignored: string[];
}

/** `ignoreChanges` entries are paths too (`tags`, `vpcConfig.subnetIds`, `ingress[0].cidrBlocks`). */
function ignored(path: string, ignoreChanges: readonly string[]): boolean {
  return ignoreChanges.some((entry) => {
    const normalized = entry.replace(/\[[^\]]*\]/g, "").replace(/^\./, "");
    return normalized === "*" || path === normalized || path.startsWith(`${normalized}.`);
  });
}

const matches = (path: string, list: readonly string[] | undefined) => (list ?? []).filter((rule) => touches(path, rule));

type Covers = "yes" | "maybe" | "no";

/**
 * Whether a `replaceOnChanges` entry covers a changed path, as `applyReplaceOnChanges` decides it
 * (pulumi/pulumi step_generator.go): the entry must contain the provider's diff path, that is, be
 * a prefix of it element by element, "*" standing for any one key or index. So `spec` and
 * `spec.targetGroupARN` cover a change at `spec.targetGroupARN`, but `spec.targetGroupARN` does
 * not cover a change of the whole `spec`, and `ingress.fromPort` does not cover
 * `ingress[0].fromPort` (an index is no key). Plan paths drop list indices (`ingress.fromPort`):
 * the inputs tell where a list is; an index other than "*" there covers the change only maybe,
 * as the plan does not know which element changed. A change whose value becomes unknown as a
 * whole (`spec`, from a replaced resource) is covered maybe by a deeper entry: the provider may
 * report the change at the deeper path.
 */
function covers(entry: readonly PropertyPathElement[], change: InputChange, inputs: readonly Record<string, unknown>[]): Covers {
  const keys = change.path.split(".");
  let values: unknown[] = [...inputs];
  let at = 0;
  let certain = true;
  for (const element of entry) {
    if (values.some(Array.isArray)) {
      // A list level: the plan path has no element for the index the provider's path has here.
      if (typeof element === "string" && element !== "*") return "no";
      if (element !== "*") certain = false;
      values = values.flatMap((v) => (Array.isArray(v) ? v : []));
      continue;
    }
    if (at >= keys.length) return change.unknown ? "maybe" : "no";
    if (typeof element === "number" || (element !== "*" && element !== keys[at])) return "no";
    values = values.flatMap((v) => (v && typeof v === "object" && keys[at] in v ? [(v as Record<string, unknown>)[keys[at]]] : []));
    at += 1;
  }
  return certain ? "yes" : "maybe";
}

function replaceOnChangesCover(change: InputChange, options: ResourceOptions): Covers {
  let result: Covers = "no";
  for (const entry of options.replaceOnChanges ?? []) {
    const parsed = parsePropertyPath(entry);
    if (!parsed) continue;
    const verdict = covers(parsed, change, options.inputs ?? []);
    if (verdict === "yes") return "yes";
    if (verdict === "maybe") result = "maybe";
  }
  return result;
}

export function judge(rule: TypeRule | undefined, changes: readonly InputChange[], options: ResourceOptions): Judgement {
  const out: Judgement = { verdict: "update", replaceOn: [], mayReplaceOn: [], updated: [], ignored: [] };
  for (const change of changes) {
    if (ignored(change.path, options.ignoreChanges)) {
      out.ignored.push(change.path);
      continue;
    }
    const byOption = replaceOnChangesCover(change, options);
    const forced = [...matches(change.path, rule?.replaceOn), ...(change.unknown ? matches(change.path, rule?.replaceWhenUnknown) : [])];
    // Dropping an input the provider also computes keeps the old value: no change at all.
    if (change.removed && !change.unknown && matches(change.path, rule?.keptWhenUnset).length > 0) continue;
    if (forced.length > 0 || byOption === "yes") out.replaceOn.push(change.path);
    else if (byOption === "maybe" || !rule || !rule.complete || matches(change.path, rule.mayReplaceOn).length > 0) out.mayReplaceOn.push(change.path);
    else out.updated.push(change.path);
  }
  out.verdict = out.replaceOn.length ? "replace" : out.mayReplaceOn.length ? "may-replace" : "update";
  return out;
}
