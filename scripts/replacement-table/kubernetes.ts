/**
 * Replace rules of @pulumi/kubernetes, read from pulumi-kubernetes' provider source:
 *
 * - `provider/pkg/provider/diff.go`: the `forceNew` table (group → version → kind → field paths)
 *   and its helpers; every kind also replaces on `metadata.name` / `metadata.namespace`
 *   (`metadataForceNewProperties`). `forceNewProperties` adds Secret (`type`, `stringData`,
 *   `data`) and ConfigMap (`binaryData`, `data`) fields while those are immutable (the provider's
 *   default: `enableSecretMutable` / `enableConfigMapMutable` off). Patch resources replace only on
 *   name and namespace (provider.go `kinds.IsPatchResource`).
 * - `provider/pkg/provider/helm_release.go`: a Helm Release replaces on `name` and `namespace`.
 * - `DiffConfig` (provider.go): the provider resource is replaced when the active cluster of its
 *   kubeconfig changes, or when `kubeconfig`, `context` or `cluster` is unknown — so every
 *   resource it manages is replaced with it.
 */
import { bracketBody, calledFunction, functions, keyValue, splitElements, stringLiteral, stripComments } from "./go-source";

export interface KindRule {
  group: string;
  version: string;
  kind: string;
  /** Field paths without the leading dot (`spec.selector`). */
  paths: string[];
}

/** Evaluates a `properties` expression of diff.go: literals, `append`, variables and helper calls. */
function evaluate(expr: string, vars: Map<string, string>, funcs: Map<string, string>, depth = 0): string[] {
  const e = expr.trim().replace(/\.\.\.$/, "");
  if (depth > 6) return [];
  const literal = /^properties\s*\{/.exec(e);
  if (literal) return splitElements(bracketBody(e, literal[0].length - 1)).map((s) => stringLiteral(s)).filter((s): s is string => s !== null);
  const call = calledFunction(e);
  if (call && !call.pkg) {
    const args = splitElements(bracketBody(e, e.indexOf("(")));
    if (call.name === "append") return args.flatMap((a) => evaluate(a, vars, funcs, depth + 1));
    const body = funcs.get(call.name);
    if (body === undefined) return [];
    // Helpers return `prefix + ".field"` for each prefix argument.
    const suffixes = [...body.matchAll(/prefix\s*\+\s*("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]) as string);
    return args.map((a) => stringLiteral(a)).filter((p): p is string => p !== null).flatMap((prefix) => suffixes.map((s) => prefix + s));
  }
  const variable = vars.get(e);
  return variable !== undefined ? evaluate(variable, vars, funcs, depth + 1) : [];
}

/** Package-level `var name = <expr>` declarations (single-line starts, balanced bodies). */
function variables(src: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of src.matchAll(/^var (\w+)\s*=\s*/gm)) {
    const start = (m.index ?? 0) + m[0].length;
    let depth = 0;
    let i = start;
    for (; i < src.length; i++) {
      const c = src[i];
      if ("({[".includes(c)) depth += 1;
      else if (")}]".includes(c)) depth -= 1;
      else if (c === "\n" && depth === 0) break;
    }
    out.set(m[1], src.slice(start, i));
  }
  return out;
}

function normalize(paths: string[]): string[] {
  return [...new Set(paths.map((p) => p.replace(/^\./, "").replace(/\[\*\]/g, "")))].sort();
}

/** Kind rules from diff.go's `forceNew` table, metadata paths included. */
export function readKindRules(diffGo: string): { rules: KindRule[]; metadata: string[] } {
  const src = stripComments(diffGo);
  const vars = variables(src);
  const funcs = new Map([...functions(src)].map(([k, v]) => [k, v]));
  const metadata = normalize(evaluate('metadataForceNewProperties(".metadata")', vars, funcs));
  const rules: KindRule[] = [];
  const readVersions = (group: string, expr: string) => {
    const e = expr.trim();
    const body = /^_versions\s*\{/.test(e) ? bracketBody(e, e.indexOf("{")) : vars.has(e) ? bracketBody(vars.get(e)!, vars.get(e)!.indexOf("{")) : "";
    for (const v of splitElements(body)) {
      const kv = keyValue(v);
      const version = kv && stringLiteral(kv.key);
      if (!kv || version === null) continue;
      for (const k of splitElements(bracketBody(kv.value, kv.value.indexOf("{")))) {
        const kindKv = keyValue(k);
        const kind = kindKv && stringLiteral(kindKv.key);
        if (!kindKv || kind === null) continue;
        rules.push({ group, version, kind, paths: normalize([...metadata.map((p) => `.${p}`), ...evaluate(kindKv.value, vars, funcs)]) });
      }
    }
  };
  const table = vars.get("forceNew") ?? "";
  for (const g of splitElements(bracketBody(table, table.indexOf("{")))) {
    const kv = keyValue(g);
    const group = kv && stringLiteral(kv.key);
    if (kv && group !== null && group !== "") readVersions(group, kv.value);
  }
  return { rules, metadata };
}

/** `forceNewFields := []string{".name", ".namespace"}` of helm_release.go's Diff. */
export function readHelmReleaseFields(helmReleaseGo: string): string[] {
  const match = /forceNewFields\s*:=\s*\[\]string\s*\{([^}]*)\}/.exec(stripComments(helmReleaseGo));
  return match ? normalize(splitElements(match[1]).map((s) => stringLiteral(s)).filter((s): s is string => s !== null)) : [];
}

/** Provider config keys whose change of active cluster (or unknown value) replaces the provider. */
export function readProviderReplaceKeys(providerGo: string): string[] {
  const src = stripComments(providerGo);
  const body = functions(src).get("kubeProvider.DiffConfig") ?? "";
  const match = /range\s*\[\]resource\.PropertyKey\s*\{([^}]*)\}/.exec(body);
  return match ? splitElements(match[1]).map((s) => stringLiteral(s)).filter((s): s is string => s !== null).sort() : [];
}
