/**
 * Update or replace? The verdict a provider's diff gives one resource, from the replacement table
 * and the resource's options, for a set of changed input paths (changed values, or values that
 * became unknown because what they came from is replaced).
 */
import { touches } from "./paths";
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
  /** `replaceOnChanges` resource option, where the plan records it. */
  replaceOnChanges?: readonly string[];
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

export function judge(rule: TypeRule | undefined, changes: readonly InputChange[], options: ResourceOptions): Judgement {
  const out: Judgement = { verdict: "update", replaceOn: [], mayReplaceOn: [], updated: [], ignored: [] };
  for (const change of changes) {
    if (ignored(change.path, options.ignoreChanges)) {
      out.ignored.push(change.path);
      continue;
    }
    const forced = [...matches(change.path, rule?.replaceOn), ...matches(change.path, options.replaceOnChanges), ...(change.unknown ? matches(change.path, rule?.replaceWhenUnknown) : [])];
    // Dropping an input the provider also computes keeps the old value: no change at all.
    if (change.removed && !change.unknown && matches(change.path, rule?.keptWhenUnset).length > 0) continue;
    if (forced.length > 0) out.replaceOn.push(change.path);
    else if (!rule || !rule.complete || matches(change.path, rule.mayReplaceOn).length > 0) out.mayReplaceOn.push(change.path);
    else out.updated.push(change.path);
  }
  out.verdict = out.replaceOn.length ? "replace" : out.mayReplaceOn.length ? "may-replace" : "update";
  return out;
}
