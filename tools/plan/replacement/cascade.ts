/**
 * Cascades: what a real preview replaces, not only what changed.
 *
 * A replaced resource's computed outputs (id, ARN, generated names, endpoints) are unknown until
 * the new one exists, so every input that consumes them changes too; the consumer is replaced in
 * turn where that input forces replacement, else updated. A replaced provider replaces every
 * resource it manages. Consumers are found through the engine's `propertyDependencies` (input →
 * URNs it was computed from) and, across stacks or where a plan lacks them, through the replaced
 * resource's output values appearing in other resources' inputs.
 *
 * Pure: plain plan records in, verdicts with cause chains out.
 */
import type { RecordedResource } from "../../fake-cloud";
import { InputChange, judge, Judgement, ResourceOptions, Verdict } from "./judge";
import { changedPaths, stringLeaves, topLevel } from "./paths";
import { ruleOf, TypeRule } from "./table";

/** A plan resource (fields added to plans over time are optional: a --diff base may lack them). */
export type Recorded = RecordedResource;

export interface Located {
  resource: Recorded;
  stack: string;
}

export interface Pair {
  was: Located;
  now: Located;
}

export interface ChainStep {
  urn: string;
  type: string;
  name: string;
  stack: string;
  verdict: Verdict;
  /** Input paths (or a reason such as "provider replaced") that made this step's verdict. */
  because: string[];
}

export interface Dependency {
  /** Current URN of the replaced resource the inputs come from. */
  from: string;
  paths: string[];
  via: "propertyDependencies" | "values" | "provider";
}

export interface ResourceVerdict {
  urn: string;
  verdict: Verdict;
  /** Input paths changed in the program itself. */
  changed: string[];
  /** Inputs that become unknown because what they come from is replaced. */
  dependencies: Dependency[];
  judgement: Judgement;
  /** Root cause first, this resource last; one step when the resource's own inputs replace it. */
  chain: ChainStep[];
}

const RANK: Record<Verdict, number> = { update: 0, "may-replace": 1, replace: 2 };

/** Values that look like identifiers rather than shared constants (regions, zones, accounts). */
function identifierLike(value: string, minLength = 8): boolean {
  return value.length >= minLength && !/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]?$/.test(value) && !/^\d{12}$/.test(value) && !/^(true|false|\d+)$/.test(value);
}

interface UnknownValues {
  /** Output values that the replacement makes unknown. */
  values: Set<string>;
  /** Of those, values the program also passes as a known input (a fixed name that is also the id). */
  uncertain: Set<string>;
}

/** What a replacement of `was` (becoming `now`) leaves unknown: its computed outputs and id. */
export function unknownValues(was: Recorded, now: Recorded): UnknownValues {
  const known = new Set(stringLeaves(now.inputs).map(([, v]) => v));
  const values = new Set<string>();
  const uncertain = new Set<string>();
  for (const [, value] of stringLeaves(was.outputs)) if (identifierLike(value) && !known.has(value)) values.add(value);
  // The id of a new resource is unknown in a preview even when it equals a name the program set.
  // An id is an identifier whatever its length (a cluster identifier such as "prod-db").
  if (was.id && identifierLike(was.id, 3)) {
    values.add(was.id);
    if (known.has(was.id)) uncertain.add(was.id);
  }
  return { values, uncertain };
}

function containsAny(text: string, values: Set<string>): string | null {
  if (values.has(text)) return text;
  for (const v of values) if (v.length >= 12 && text.includes(v)) return v;
  return null;
}

/** Input paths of `consumer` that carry values of `unknown`, limited to `keys` when given. */
function consumingPaths(consumer: Recorded, unknown: UnknownValues, keys: string[] | null): { path: string; uncertain: boolean }[] {
  const out = new Map<string, boolean>();
  for (const [path, value] of stringLeaves(consumer.inputs)) {
    if (keys && !keys.includes(topLevel(path))) continue;
    const hit = containsAny(value, unknown.values);
    if (hit !== null) out.set(path, (out.get(path) ?? true) && unknown.uncertain.has(hit));
  }
  // The engine says the key depends on it but no value shows where: the whole input is unknown.
  for (const key of keys ?? []) if (![...out.keys()].some((p) => topLevel(p) === key)) out.set(key, false);
  return [...out].map(([path, uncertain]) => ({ path, uncertain }));
}

/**
 * The options the engine diffs with: the goal's, so the current plan's (a stack export's
 * `replaceOnChanges` is what the last deployment asked for, not what this one does).
 */
function optionsOf(pair: Pair): ResourceOptions {
  const now = pair.now.resource;
  return { ignoreChanges: now.ignoreChanges ?? [], replaceOnChanges: now.replaceOnChanges, inputs: [now.inputs, pair.was.resource.inputs] };
}

function step(located: Located, verdict: Verdict, because: string[]): ChainStep {
  const r = located.resource;
  return { urn: r.urn, type: r.type, name: r.name, stack: located.stack, verdict, because };
}

interface State {
  pair: Pair;
  direct: InputChange[];
  fromDependencies: (InputChange & { uncertain: boolean; from: string })[];
  dependencies: Dependency[];
  regionMove: string | null;
  verdict: Verdict | null;
  judgement: Judgement;
  chain: ChainStep[];
}

function evaluate(state: State, rule: TypeRule | undefined): Judgement {
  const certain = state.fromDependencies.filter((c) => !c.uncertain);
  const judgement = judge(rule, [...state.direct, ...certain], optionsOf(state.pair));
  // Values that may or may not be unknown (a fixed name that is also the id) can at most "may replace".
  const maybe = judge(rule, state.fromDependencies.filter((c) => c.uncertain), optionsOf(state.pair));
  judgement.mayReplaceOn.push(...maybe.replaceOn, ...maybe.mayReplaceOn);
  judgement.updated.push(...maybe.updated);
  if (state.regionMove) judgement.replaceOn.push(state.regionMove);
  judgement.verdict = judgement.replaceOn.length ? "replace" : judgement.mayReplaceOn.length ? "may-replace" : "update";
  return judgement;
}

/**
 * Verdicts for every matched resource that changes, directly or through a cascade. `pairs` are
 * the resources present in both plans (base record and current record).
 */
export function analyzeCascades(pairs: readonly Pair[]): Map<string, ResourceVerdict> {
  const states = new Map<string, State>();
  const byUrn = new Map<string, State>();
  for (const pair of pairs) {
    const was = pair.was.resource;
    const now = pair.now.resource;
    const direct = now.custom ? changedPaths(was.inputs, now.inputs).map((c) => ({ ...c, unknown: false })) : [];
    const regionMove = now.custom && was.region && now.region && was.region !== now.region ? `region ${was.region} → ${now.region}` : null;
    const state: State = { pair, direct, fromDependencies: [], dependencies: [], regionMove, verdict: null, judgement: judge(undefined, [], optionsOf(pair)), chain: [] };
    byUrn.set(now.urn, state);
    if (direct.length === 0 && !regionMove) continue;
    state.judgement = evaluate(state, ruleOf(now.type));
    if (state.judgement.replaceOn.length + state.judgement.mayReplaceOn.length + state.judgement.updated.length === 0) continue;
    state.verdict = state.judgement.verdict;
    const j = state.judgement;
    state.chain = [step(pair.now, state.verdict, state.verdict === "replace" ? j.replaceOn : state.verdict === "may-replace" ? j.mayReplaceOn : j.updated)];
    states.set(now.urn, state);
  }

  const queue = [...states.values()].filter((s) => s.verdict !== "update");
  const consumers = [...byUrn.values()].filter((s) => s.pair.now.resource.custom);
  while (queue.length > 0) {
    const source = queue.shift()!;
    const { was, now } = source.pair;
    const unknown = unknownValues(was.resource, now.resource);
    const isProvider = now.resource.type.startsWith("pulumi:providers:");
    for (const target of consumers) {
      if (target === source) continue;
      const r = target.pair.now.resource;
      let found: { path: string; uncertain: boolean }[] = [];
      let via: Dependency["via"] = "values";
      if (isProvider && r.provider === now.resource.urn) {
        via = "provider";
      } else {
        // The engine's dependencies say which inputs (also where no value shows it: built in an
        // apply); the values say where inside them, and find consumers in other stacks.
        const deps = target.pair.now.stack === now.stack ? r.propertyDependencies ?? {} : {};
        const keys = Object.entries(deps).filter(([, urns]) => urns.includes(now.resource.urn)).map(([k]) => k);
        const byValue = consumingPaths(r, unknown, null);
        found = keys.length ? [...consumingPaths(r, unknown, keys), ...byValue.filter((f) => !keys.includes(topLevel(f.path)))] : byValue;
        if (keys.length) via = "propertyDependencies";
        if (found.length === 0) continue;
      }
      const before = target.verdict;
      if (via === "provider") {
        // The engine replaces every resource of a replaced provider.
        target.dependencies.push({ from: now.resource.urn, paths: ["provider"], via });
        const verdict: Verdict = source.verdict === "replace" ? "replace" : "may-replace";
        if (before === null || RANK[verdict] > RANK[before]) {
          target.verdict = verdict;
          target.judgement = { ...target.judgement, verdict };
          (verdict === "replace" ? target.judgement.replaceOn : target.judgement.mayReplaceOn).push("provider replaced");
          target.chain = [...source.chain, step(target.pair.now, verdict, ["provider"])];
        }
      } else {
        target.dependencies.push({ from: now.resource.urn, paths: found.map((f) => f.path), via });
        // A "may replace" upstream makes at most a "may replace" downstream.
        const uncertain = source.verdict !== "replace";
        target.fromDependencies.push(...found.map((f) => ({ path: f.path, unknown: true, removed: false, uncertain: f.uncertain || uncertain, from: now.resource.urn })));
        target.judgement = evaluate(target, ruleOf(r.type));
        const verdict = target.judgement.verdict;
        const j = target.judgement;
        // Every consumed input ignored (ignoreChanges): the engine sends the provider no change.
        if (before === null && j.replaceOn.length + j.mayReplaceOn.length + j.updated.length === 0) continue;
        if (before === null || RANK[verdict] > RANK[before]) {
          target.verdict = verdict;
          const own = judge(ruleOf(r.type), found.map((f) => ({ path: f.path, unknown: true, removed: false })), optionsOf(target.pair));
          const because = verdict === "update" ? own.updated : [...own.replaceOn, ...own.mayReplaceOn];
          target.chain = [...source.chain, step(target.pair.now, verdict, because.length ? because : found.map((f) => f.path))];
        }
      }
      if (target.verdict !== null) states.set(r.urn, target);
      if (target.verdict !== "update" && target.verdict !== null && (before === null || RANK[target.verdict] > RANK[before])) queue.push(target);
    }
  }

  const out = new Map<string, ResourceVerdict>();
  for (const [urn, s] of states) {
    if (s.verdict === null) continue;
    out.set(urn, { urn, verdict: s.verdict, changed: s.direct.map((c) => c.path), dependencies: s.dependencies, judgement: s.judgement, chain: s.chain });
  }
  return out;
}

/** "VPC prod-vpc replaced (cidrBlock) → subnet prod-a replaced (vpcId) → …" */
export function describeChain(chain: readonly ChainStep[]): string {
  const word: Record<Verdict, string> = { replace: "replaced", "may-replace": "may be replaced", update: "updated" };
  return chain.map((s) => `${s.type.split(":").pop()} ${s.name} ${word[s.verdict]}${s.because.length ? ` (${s.because.join(", ")})` : ""}`).join(" → ");
}
