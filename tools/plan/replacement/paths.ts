/**
 * Input paths of a resource: nested properties dot-joined (`vpcConfig.subnetIds`), list indices
 * dropped (the replacement table speaks of `ingress.fromPort`, whatever the element), and the
 * comparison of two input objects path by path.
 */

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/** A mapping (not null, not a list). */
export const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/**
 * Leaves of a value by path; a list of plain values is one leaf (`subnetIds`), a list of objects
 * contributes its elements' leaves under the list's path.
 */
export function leaves(value: unknown, prefix = "", out = new Map<string, string[]>()): Map<string, string[]> {
  const add = (path: string, v: unknown) => {
    const list = out.get(path) ?? [];
    list.push(stableJson(v));
    out.set(path, list);
  };
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      leaves(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else if (Array.isArray(value) && value.some((v) => isObject(v) || Array.isArray(v))) {
    for (const v of value) leaves(v, prefix, out);
    if (value.length === 0) add(prefix, value);
  } else if (prefix) {
    add(prefix, value);
  }
  return out;
}

export interface PathChange {
  path: string;
  /** Present before, absent now (the input was dropped). */
  removed: boolean;
}

/** Paths whose values differ between two input objects, sorted. */
export function changedPaths(before: Record<string, unknown>, after: Record<string, unknown>): PathChange[] {
  const a = leaves(before);
  const b = leaves(after);
  const out: PathChange[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const x = (a.get(path) ?? []).slice().sort().join("\n");
    const y = (b.get(path) ?? []).slice().sort().join("\n");
    if (x !== y) out.push({ path, removed: b.get(path) === undefined });
  }
  return out.sort((p, q) => p.path.localeCompare(q.path));
}

/** Whether a change at `changed` touches the rule path `rule` (equal, inside it, or containing it). */
export function touches(changed: string, rule: string): boolean {
  return changed === rule || changed.startsWith(`${rule}.`) || rule.startsWith(`${changed}.`);
}

/** String leaves of a value with their paths (for finding where another resource's outputs are used). */
export function stringLeaves(value: unknown, prefix = "", out: [string, string][] = []): [string, string][] {
  if (typeof value === "string") {
    if (prefix) out.push([prefix, value]);
  } else if (Array.isArray(value)) {
    for (const v of value) stringLeaves(v, prefix, out);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) stringLeaves(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/** The top-level property of a path. */
export function topLevel(path: string): string {
  const dot = path.indexOf(".");
  return dot < 0 ? path : path.slice(0, dot);
}

/** One element of an engine property path: a key, an array index, or the wildcard "*". */
export type PropertyPathElement = string | number;

/**
 * `resource.ParsePropertyPath` (pulumi/pulumi sdk/go/common/resource/properties_path.go): keys
 * joined by ".", `[0]` indices, `["quoted.key"]`, and `[*]` or `*` as the wildcard. Null where the
 * engine's parser fails (it then fails the resource's diff).
 */
export function parsePropertyPath(path: string): PropertyPathElement[] | null {
  const out: PropertyPathElement[] = [];
  if (path.startsWith(".")) return null;
  let rest = path;
  while (rest.length > 0) {
    if (rest[0] === ".") {
      rest = rest.slice(1);
      if (rest.length === 0) return null;
      continue;
    }
    if (rest[0] === "[") {
      if (rest[1] === '"') {
        let key = "";
        let i = 2;
        for (;;) {
          if (i >= rest.length) return null;
          if (rest[i] === '"') { i += 1; break; }
          if (rest[i] === "\\" && rest[i + 1] === '"') { key += '"'; i += 2; } else { key += rest[i]; i += 1; }
        }
        if (rest[i] !== "]") return null;
        out.push(key);
        rest = rest.slice(i + 1);
      } else {
        const close = rest.indexOf("]");
        if (close < 0) return null;
        const segment = rest.slice(1, close);
        if (segment === "*") out.push("*");
        else if (/^[+-]?\d+$/.test(segment)) out.push(Number(segment));
        else return null;
        rest = rest.slice(close + 1);
      }
      continue;
    }
    const end = rest.search(/[.[]/);
    out.push(end < 0 ? rest : rest.slice(0, end));
    rest = end < 0 ? "" : rest.slice(end);
  }
  return out;
}

type Json = unknown;

/** One step of `PropertyPath.reset` (properties_path.go): mutates `now`, answers false on a path error. */
function resetAt(path: readonly PropertyPathElement[], old: Json, now: Json): boolean {
  if (path.length === 0) return false;
  const [key, ...rest] = path;
  if (typeof key === "number") {
    if (key < 0) return false;
    const [oldList, nowList] = [Array.isArray(old) ? old : null, Array.isArray(now) ? now : null];
    if (rest.length === 0) {
      if (!oldList && !nowList) return true;
      if (!oldList || !nowList) return false;
      if (key >= oldList.length && key >= nowList.length) return true;
      // An element added or removed cannot be reset: the list would change size.
      if (key >= oldList.length || key >= nowList.length) return false;
      nowList[key] = structuredClone(oldList[key]);
      return true;
    }
    if (!oldList || !nowList) return !oldList && !nowList;
    if (key >= oldList.length || key >= nowList.length) return false;
    return resetAt(rest, oldList[key], nowList[key]);
  }
  if (key === "*") {
    if (rest.length === 0) {
      if (isObject(now)) {
        if (isObject(old)) {
          for (const k of Object.keys(old)) now[k] = structuredClone(old[k]);
          for (const k of Object.keys(now)) if (!Object.hasOwn(old, k)) delete now[k];
        }
        return true;
      }
      if (Array.isArray(now)) {
        if (Array.isArray(old)) {
          for (let i = 0; i < old.length && i < now.length; i++) now[i] = structuredClone(old[i]);
          if (old.length !== now.length) return false;
        }
        return true;
      }
      return false;
    }
    if (isObject(old) && isObject(now)) {
      for (const k of Object.keys(old)) {
        if (!Object.hasOwn(now, k)) return false;
        if (!resetAt(rest, old[k], now[k])) return false;
      }
      return true;
    }
    if (Array.isArray(old) && Array.isArray(now)) {
      for (let i = 0; i < old.length && i < now.length; i++) if (!resetAt(rest, old[i], now[i])) return false;
      return old.length === now.length;
    }
    return false;
  }
  if (rest.length === 0) {
    if (isObject(old) && Object.hasOwn(old, key)) {
      if (!isObject(now)) return false;
      now[key] = structuredClone(old[key]);
    } else if (isObject(now)) {
      delete now[key];
    }
    return true;
  }
  if (!isObject(old) || !isObject(now)) return !isObject(old) && !isObject(now);
  const [hasOld, hasNow] = [Object.hasOwn(old, key), Object.hasOwn(now, key)];
  if (hasOld && !hasNow) return false;
  if (!hasOld && !hasNow) return true;
  return resetAt(rest, old[key], now[key]);
}

/**
 * The inputs the provider diffs once `ignoreChanges` applied, as `processIgnoreChanges`
 * (step_generator.go) makes them: each entry parsed with `ParsePropertyPath` (an entry that does
 * not parse is skipped) and the value at exactly that path reset to the old one
 * (`PropertyPath.Reset`): `tags["kubernetes.io/role"]` that tag alone, `ingress[0].cidrBlocks` the
 * first element's, `ingress[*].cidrBlocks` every element's, `ingress.cidrBlocks` nothing (a key where
 * the value is a list). A path through an added or removed element is an error the engine reports
 * as information ("cannot ignore changes in added or removed elements") and resets what it reached.
 */
export function resetIgnoredChanges(before: Record<string, unknown>, after: Record<string, unknown>, ignoreChanges: readonly string[]): Record<string, unknown> {
  const reset = structuredClone(after);
  for (const entry of ignoreChanges) {
    const path = parsePropertyPath(entry);
    if (path) resetAt(path, before, reset);
  }
  return reset;
}
