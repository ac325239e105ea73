/**
 * Update or replace? The verdict a provider's diff gives one resource, from the replacement table
 * and the resource's options, for a set of changed input paths (changed values, or values that
 * became unknown because what they came from is replaced).
 */
import { changedPaths, isObject, parsePropertyPath, PropertyPathElement, resetIgnoredChanges, touches } from "./paths";
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
   * The resource's inputs (new, then old): plan paths drop list indices and join keys with ".", so
   * these tell where an option's path crosses a list and which keys hold a dot; with both,
   * `ignoreChanges` is applied to them as the engine applies it. Without them every path level is
   * taken for an object key.
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

type Covers = "yes" | "maybe" | "no";

/** Where an entry's path lies against a changed plan path: `below` when it goes on inside the changed value. */
type Reach = Covers | "below";


/**
 * Whether an engine property path (a `replaceOnChanges` or `ignoreChanges` entry) contains a
 * changed plan path, element by element, "*" standing for any one key or index. Plan paths join
 * keys with "." and drop list indices (`ingress.fromPort`), so the inputs (new, then old) tell
 * where a list is and which key a step takes: a quoted key with dots (`tags["kubernetes.io/role"]`)
 * is one key, and `tags.kubernetes` is not a key of `{"kubernetes.io/role": ...}`. At a list, a
 * key contains nothing (an index is no key), `*` every element, and a fixed index only maybe:
 * the plan does not know which element changed. Without inputs every level is taken for an object
 * key.
 */
function reach(entry: readonly PropertyPathElement[], at: number, rest: string, values: readonly unknown[], certain: boolean): Reach {
  if (at === entry.length) return certain ? "yes" : "maybe";
  const element = entry[at];
  const lists = values.filter(Array.isArray);
  if (lists.length > 0) {
    if (typeof element === "string" && element !== "*") return "no";
    if (element === "*") return reach(entry, at + 1, rest, lists.flat(1), certain);
    const elements = lists.flatMap((list) => (element >= 0 && element < list.length ? [list[element]] : []));
    return elements.length === 0 ? "no" : reach(entry, at + 1, rest, elements, false);
  }
  if (rest === "") return "below";
  if (typeof element === "number") return "no";
  const objects = values.filter(isObject);
  const keys = element === "*" ? (objects.length ? [...new Set(objects.flatMap((o) => Object.keys(o)))] : [rest.split(".")[0]]) : [element];
  const results = new Set<Reach>();
  for (const key of keys) {
    if (rest !== key && !rest.startsWith(`${key}.`)) continue;
    if (objects.length > 0 && !objects.some((o) => Object.hasOwn(o, key))) continue;
    const inside = objects.flatMap((o) => (Object.hasOwn(o, key) ? [o[key]] : []));
    results.add(reach(entry, at + 1, rest.slice(key.length + 1), inside, certain));
  }
  // Two keys of one object could both be read from the path (`a` and `a.b`): not knowing which, maybe.
  if (results.size === 0) return "no";
  return results.size === 1 ? [...results][0] : "maybe";
}

/**
 * Whether a `replaceOnChanges` entry covers a changed path, as `applyReplaceOnChanges` decides it
 * (pulumi/pulumi step_generator.go): the entry must contain the provider's diff path (`reach`). So
 * `spec` and `spec.targetGroupARN` cover a change at `spec.targetGroupARN`, but
 * `spec.targetGroupARN` does not cover a change of the whole `spec`, and `ingress.fromPort` does
 * not cover `ingress[0].fromPort`. A change whose value becomes unknown as a whole (`spec`, from a
 * replaced resource) is covered maybe by a deeper entry: the provider may report the change at the
 * deeper path.
 */
function replaceOnChangesCover(change: InputChange, options: ResourceOptions): Covers {
  let result: Covers = "no";
  for (const entry of options.replaceOnChanges ?? []) {
    const parsed = parsePropertyPath(entry);
    if (!parsed) continue;
    const verdict = reach(parsed, 0, change.path, options.inputs ?? [], true);
    if (verdict === "yes") return "yes";
    if (verdict === "maybe" || (verdict === "below" && change.unknown)) result = "maybe";
  }
  return result;
}

/**
 * Whether `ignoreChanges` hides a change from the provider, as `processIgnoreChanges` does: it
 * resets the new inputs at exactly each entry's parsed path to the old value (`tags["a.b"]` that
 * tag, `ingress[0].cidrBlocks` the first element's), never more. A change of known values is
 * hidden when it is gone from the inputs so reset (`stillChanged`, computed from both inputs);
 * a value made unknown (by a replaced resource) is hidden when an entry contains its path, and
 * only maybe through a fixed list index (the plan does not know which element holds it). A
 * deeper entry does not hide a value changed as a whole.
 */
function ignoreChangesCover(change: InputChange, options: ResourceOptions, stillChanged: Set<string> | null): Covers {
  if (!change.unknown && stillChanged) return stillChanged.has(change.path) ? "no" : "yes";
  let result: Covers = "no";
  for (const entry of options.ignoreChanges) {
    const parsed = parsePropertyPath(entry);
    if (!parsed) continue;
    const verdict = reach(parsed, 0, change.path, options.inputs ?? [], true);
    if (verdict === "yes") return "yes";
    if (verdict === "maybe") result = "maybe";
  }
  return result;
}

/** Plan paths that still differ once `ignoreChanges` reset the new inputs; null without both inputs. */
function pathsChangedDespiteIgnore(options: ResourceOptions): Set<string> | null {
  const [now, was] = options.inputs ?? [];
  if (!now || !was) return null;
  return new Set(changedPaths(was, resetIgnoredChanges(was, now, options.ignoreChanges)).map((c) => c.path));
}

const matches = (path: string, list: readonly string[] | undefined) => (list ?? []).filter((rule) => touches(path, rule));

export function judge(rule: TypeRule | undefined, changes: readonly InputChange[], options: ResourceOptions): Judgement {
  const out: Judgement = { verdict: "update", replaceOn: [], mayReplaceOn: [], updated: [], ignored: [] };
  const stillChanged = options.ignoreChanges.length > 0 && changes.some((c) => !c.unknown) ? pathsChangedDespiteIgnore(options) : null;
  for (const change of changes) {
    const hidden = options.ignoreChanges.length > 0 ? ignoreChangesCover(change, options, stillChanged) : "no";
    if (hidden === "yes") {
      out.ignored.push(change.path);
      continue;
    }
    const byOption = replaceOnChangesCover(change, options);
    const forced = [...matches(change.path, rule?.replaceOn), ...(change.unknown ? matches(change.path, rule?.replaceWhenUnknown) : [])];
    // Dropping an input the provider also computes keeps the old value: no change at all.
    if (change.removed && !change.unknown && matches(change.path, rule?.keptWhenUnset).length > 0) continue;
    // A change ignoreChanges may hide (through a fixed list index) may still replace, no more.
    if ((forced.length > 0 || byOption === "yes") && hidden === "no") out.replaceOn.push(change.path);
    else if (forced.length > 0 || byOption !== "no" || !rule || !rule.complete || matches(change.path, rule.mayReplaceOn).length > 0) out.mayReplaceOn.push(change.path);
    else out.updated.push(change.path);
  }
  out.verdict = out.replaceOn.length ? "replace" : out.mayReplaceOn.length ? "may-replace" : "update";
  return out;
}
