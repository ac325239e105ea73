/**
 * `--diff BASE.json`: what a change does compared with an earlier plan. Resources are matched by
 * URN, or through an alias the new resource declares; a rename without an alias therefore shows
 * as remove + add, which is exactly what `pulumi up` would do.
 *
 * Each matched resource that changes gets the verdict a real preview would give it — update,
 * replace or "may replace" — from the replacement table (tools/plan/replacement/), including
 * replacements that cascade from a replaced resource through the inputs that consume its outputs,
 * with the chain of causes. Replaced or removed stateful resources are data-loss risks; protected
 * ones stop `pulumi up`. The environment change itself is judged too (hazards), and two different
 * environments are not compared resource by resource.
 */
import type { Violation } from "../../policies/evaluate";
import { aliasToUrn, engineUrn } from "../fake-cloud/urn";
import { allViolations, PlanDocument, PlanResource, regionalStacks } from "./model";
import { analyzeCascades, ChainStep, describeChain, Pair, Recorded, ResourceVerdict } from "./replacement/cascade";
import { environmentHazards, Hazard } from "./replacement/hazards";
import { inPlaceRefusals, Refusal } from "./replacement/refusals";
import { ruleOf } from "./replacement/table";
import { isStateful, STATEFUL_TYPES } from "./stateful";

export interface ResourceRef {
  urn: string;
  type: string;
  stack: string;
  region: string | null;
}
export interface ResourceChange extends ResourceRef {
  /** Top-level input keys added, removed or changed. */
  inputs: string[];
  /** Resource options that changed (protect, retainOnDelete, ignoreChanges, provider). */
  options: string[];
  /** URN in the base when the resource was matched through an alias. */
  renamedFrom: string | null;
  /** Why the provider would replace it (input paths, or a region move); empty for an in-place update. */
  replaceReasons: string[];
}
/**
 * `import`: a resource with the `import` option that the base lacks, read from the provider and
 * adopted instead of created (the engine's ImportStep); `import-replace`: the base holds another
 * resource under its URN, which the imported one replaces (ImportReplacementStep).
 */
export type Action = "create" | "update" | "replace" | "may-replace" | "delete" | "import" | "import-replace";
/** One resource of the diff with what `pulumi up` would do to it. */
export interface ResourceAction extends ResourceRef {
  name: string;
  action: Action;
  /** Input paths (or reasons) behind the action. */
  because: string[];
  /** Root cause first, this resource last (replacements and cascaded updates). */
  chain: ChainStep[];
  /** Reached through another resource's replacement rather than its own inputs. */
  cascade: boolean;
  stateful: boolean;
  protect: boolean;
  /** A physical name the program sets and keeps: the old and new resource would share it. */
  fixedName: string | null;
  /** Replaced with `deleteBeforeReplace` (the program's option): the old one goes first. */
  deleteFirst?: boolean;
}
export interface DataLossRisk extends ResourceRef {
  change: "removed" | "replaced" | "may-be-replaced";
  /** Protected resources make `pulumi up` stop before deleting or replacing them. */
  protect: boolean;
  /** Cause chain of a replacement (empty for a removal). */
  chain: ChainStep[];
  message: string;
}
export interface PlanDiff {
  base: { environment: string; resources: number };
  /** Set when base and current are different environments: resources are then not compared. */
  otherEnvironment: { base: string; current: string } | null;
  added: ResourceRef[];
  removed: ResourceRef[];
  changed: ResourceChange[];
  /** Every resource that would be created, updated, replaced or deleted. */
  actions: ResourceAction[];
  regions: { added: string[]; removed: string[] };
  dataLossRisks: DataLossRisk[];
  /** Updates AWS refuses in place (the provider plans an update; `pulumi up` fails at it). */
  refusals: Refusal[];
  /** What the change of the environment settings means, with the runbook to follow. */
  hazards: Hazard[];
  newViolations: (Violation & { stack: string })[];
  resolvedViolations: number;
}

interface Located {
  resource: Recorded;
  stack: string;
}

function locate(plan: Pick<PlanDocument, "stacks">): Map<string, Located> {
  const map = new Map<string, Located>();
  for (const stack of plan.stacks) for (const resource of stack.resources) map.set(resource.urn, { resource, stack: stack.stack });
  return map;
}

/**
 * A read (a StackReference, `X.get`): the engine reads it anew and drops the old read from state,
 * creating and deleting nothing. A plan JSON keeps no read mark, so a StackReference counts by type.
 */
const isRead = (r: PlanResource): boolean => r.read === true || r.type === "pulumi:pulumi:StackReference";

const ref = ({ resource, stack }: Located): ResourceRef => ({ urn: resource.urn, type: resource.type, stack, region: resource.region });

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` split into its parts. */
export function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; name: string } | null {
  const match = /^urn:pulumi:([^:]*)::([^:]*)::(.*?)::(.*)$/.exec(urn);
  return match ? { stack: match[1], project: match[2], qualifiedType: match[3], name: match[4] } : null;
}

/**
 * The URN an alias stands for. The fake engine records aliases as URNs already; a spec
 * ("name=old,type=...,parent=<urn>,noParent,stack=...,project=...", from plans written before)
 * is resolved as the engine resolves alias specs (tools/fake-cloud/engine.ts aliasToUrn).
 */
export function aliasUrn(alias: string, resource: PlanResource): string | null {
  if (alias.startsWith("urn:pulumi:")) return alias;
  const self = parseUrn(resource.urn);
  if (!self) return null;
  const spec: Record<string, string> = {};
  for (const part of alias.split(/,(?=(?:name|type|parent|stack|project)=|noParent(?:,|$))/)) {
    const eq = part.indexOf("=");
    if (eq < 0) spec[part] = "true";
    else spec[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return aliasToUrn({ name: spec.name, type: spec.type, stack: spec.stack, project: spec.project, parentUrn: spec.parent, noParent: spec.noParent === "true" }, resource, self.stack, self.project);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/** Top-level input keys whose values differ (added, removed or changed). */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => stableJson(before[key]) !== stableJson(after[key])).sort();
}

function changedOptions(before: PlanResource, after: PlanResource): string[] {
  const options: (keyof PlanResource)[] = ["protect", "retainOnDelete", "ignoreChanges", "provider", "importId"];
  return options.filter((key) => stableJson(before[key]) !== stableJson(after[key]));
}

function violationKey(v: Violation & { stack: string }): string {
  // Messages carry numbers that move; policy + resource (or stack) identify a finding.
  return v.urn ? `${v.policy}|${v.urn}` : `${v.policy}|${v.stack}|${v.message}`;
}

function regionsOf(plan: Pick<PlanDocument, "stacks">): string[] {
  return regionalStacks(plan).map((s) => s.region).filter((r): r is string => r !== null);
}

/** Input names that carry a resource's physical name (kept on replacement unless autonamed). */
const NAME_INPUTS = ["name", "bucket", "clusterIdentifier", "globalClusterIdentifier", "identifier", "alarmName", "functionName", "topicName", "tableName", "replicationGroupId"];

function fixedName(resource: PlanResource, replaceOn: string[]): string | null {
  for (const key of NAME_INPUTS) {
    const value = resource.inputs[key];
    if (typeof value === "string" && ruleOf(resource.type)?.replaceOn.includes(key) && !replaceOn.includes(key)) return `${key}=${value}`;
  }
  return null;
}

/** The global stack's `environment` output (the validated settings), when the plan has one. */
export function environmentSettings(plan: Pick<PlanDocument, "stacks">): Record<string, unknown> | null {
  const value = plan.stacks.find((s) => s.role === "global")?.outputs.environment;
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

const VERB: Record<Action, string> = { create: "created", update: "updated", replace: "REPLACED", "may-replace": "MAY BE REPLACED", delete: "DELETED", import: "imported", "import-replace": "REPLACED by an imported resource" };

/**
 * Whether the engine imports the current resource rather than diffing it against the base's
 * (step_generator.go, `isImport`): a custom resource with the `import` option and no resource in
 * the base, or one that was only read (External), or one whose own import id (else its id) is
 * another. A plan JSON's ids are the fake cloud's (an imported resource's is its import id), so
 * against a plan written before the `import` option was added to a resource the base's id never
 * matches: only a stack export holds the deployed id.
 */
function importedOver(was: PlanResource, now: PlanResource): boolean {
  if (!now.custom || !now.importId) return false;
  return isRead(was) || (was.importId ?? was.id) !== now.importId;
}

function lossMessage(r: PlanResource, stack: string, action: ResourceAction | null): string {
  const holds = STATEFUL_TYPES[r.type].holds;
  const protect = r.protect ? "; it is protected, so `pulumi up` stops here until it is unprotected on purpose" : "";
  if (!action) return `${r.type} ${r.name} (stack ${stack}) would be DELETED and lose ${holds}${protect}`;
  const cause = action.cascade ? `; cause: ${describeChain(action.chain)}` : ` (${action.because.join(", ")})`;
  return `${r.type} ${r.name} (stack ${stack}) would be ${VERB[action.action]}${action.cascade ? "" : cause} and lose ${holds}${action.cascade ? cause : ""}${protect}`;
}

/**
 * The aliases a child inherits from a parent that matched an old URN through an alias, as the
 * engine derives them in an update (step_generator.go, generateAliases/inheritedChildAlias): the
 * child under the parent's old URN, its name's prefix renamed with the parent's (the
 * `<parent>-details` convention), for its own URN and for each of its own aliases. Parents come
 * before their children in a plan, so a grandchild follows a renamed grandparent too.
 */
function inheritedAliases(resource: PlanResource, own: (string | null)[], renamed: Map<string, string>): string[] {
  const oldParent = resource.parent ? renamed.get(resource.parent) : undefined;
  const parent = resource.parent ? parseUrn(resource.parent) : null;
  const self = parseUrn(resource.urn);
  const old = oldParent ? parseUrn(oldParent) : null;
  if (!oldParent || !parent || !self || !old) return [];
  const childAlias = (type: string, name: string) =>
    engineUrn(self.stack, self.project, oldParent, type, name.startsWith(parent.name) ? old.name + name.slice(parent.name.length) : name);
  const typeOf = (qualified: string) => qualified.slice(qualified.lastIndexOf("$") + 1);
  return [childAlias(resource.type, resource.name), ...own.flatMap((u) => {
    const alias = u ? parseUrn(u) : null;
    return alias ? [childAlias(typeOf(alias.qualifiedType), alias.name)] : [];
  })];
}

export function diffPlans(base: PlanDocument, current: PlanDocument): PlanDiff {
  const baseSettings = environmentSettings(base);
  const currentSettings = environmentSettings(current);
  const hazards = baseSettings && currentSettings ? environmentHazards(baseSettings, currentSettings, current.environment) : [];
  const baseViolations = new Set(allViolations(base).map(violationKey));
  const currentViolations = allViolations(current);
  const currentKeys = new Set(currentViolations.map(violationKey));
  const violations = {
    newViolations: currentViolations.filter((v) => !baseViolations.has(violationKey(v))),
    resolvedViolations: [...baseViolations].filter((key) => !currentKeys.has(key)).length,
  };
  const baseRegions = regionsOf(base);
  const currentRegions = regionsOf(current);
  const regions = { added: currentRegions.filter((r) => !baseRegions.includes(r)), removed: baseRegions.filter((r) => !currentRegions.includes(r)) };
  const summary = { environment: base.environment, resources: base.summary.resources };
  if (base.environment !== current.environment) {
    // Every URN differs by stack name: comparing resources would list everything as removed and added.
    return { base: summary, otherEnvironment: { base: base.environment, current: current.environment }, added: [], removed: [], changed: [], actions: [], regions, dataLossRisks: [], refusals: [], hazards, ...violations };
  }

  const before = locate(base);
  const after = locate(current);
  const matched = new Set<string>();
  const added: ResourceRef[] = [];
  const pairs: Pair[] = [];
  const renamed = new Map<string, string>();
  const free = (u: string | null | undefined): u is string => !!u && before.has(u) && !after.has(u);
  for (const [urn, now] of after) {
    const own = now.resource.aliases.map((a) => aliasUrn(a, now.resource));
    const previousUrn = before.has(urn) ? urn : own.find(free) ?? inheritedAliases(now.resource, own, renamed).find(free);
    if (!previousUrn) {
      added.push(ref(now));
      continue;
    }
    matched.add(previousUrn);
    if (previousUrn !== urn) renamed.set(urn, previousUrn);
    pairs.push({ was: before.get(previousUrn)!, now });
  }
  const verdicts = analyzeCascades(pairs);

  const changed: ResourceChange[] = [];
  const actions: ResourceAction[] = [];
  const dataLossRisks: DataLossRisk[] = [];
  for (const { was, now } of pairs) {
    const inputs = changedKeys(was.resource.inputs, now.resource.inputs);
    const options = changedOptions(was.resource, now.resource);
    const verdict: ResourceVerdict | undefined = verdicts.get(now.resource.urn);
    const renamedFrom = renamed.get(now.resource.urn) ?? null;
    const regionMoved = was.resource.region !== now.resource.region;
    if (inputs.length || options.length || renamedFrom || regionMoved || (verdict && verdict.verdict !== "update")) {
      changed.push({ ...ref(now), inputs, options, renamedFrom, replaceReasons: verdict && verdict.verdict === "replace" ? verdict.judgement.replaceOn : [] });
    }
    if (importedOver(was.resource, now.resource)) {
      // ImportReplacementStep + ReplaceStep: the imported resource takes the URN, the old one is
      // deleted afterwards (a read one only leaves the state).
      const action: ResourceAction = {
        ...ref(now), name: now.resource.name, action: "import-replace", because: [`import ${now.resource.importId}`], chain: [], cascade: false,
        stateful: isStateful(now.resource.type), protect: was.resource.protect, fixedName: null,
      };
      actions.push(action);
      if (action.stateful && !isRead(was.resource)) {
        dataLossRisks.push({ ...ref(now), change: "replaced", protect: was.resource.protect, chain: [], message: lossMessage(now.resource, now.stack, action) });
      }
      continue;
    }
    if (!verdict) continue;
    const cascade = verdict.chain.length > 1;
    const because = verdict.verdict === "update" ? verdict.judgement.updated : verdict.verdict === "replace" ? verdict.judgement.replaceOn : verdict.judgement.mayReplaceOn;
    const action: ResourceAction = {
      ...ref(now),
      name: now.resource.name,
      action: verdict.verdict,
      because: [...new Set(because.length ? because : verdict.chain[verdict.chain.length - 1]?.because ?? [])],
      chain: verdict.chain,
      cascade,
      stateful: isStateful(now.resource.type),
      protect: was.resource.protect,
      fixedName: verdict.verdict === "update" ? null : fixedName(now.resource, verdict.judgement.replaceOn),
      ...(verdict.verdict !== "update" && now.resource.deleteBeforeReplace === true ? { deleteFirst: true } : {}),
    };
    actions.push(action);
    if (action.stateful && action.action !== "update") {
      dataLossRisks.push({ ...ref(now), change: action.action === "replace" ? "replaced" : "may-be-replaced", protect: was.resource.protect, chain: verdict.chain, message: lossMessage(now.resource, now.stack, action) });
    }
  }
  for (const a of added) {
    const r = after.get(a.urn)!.resource;
    if (!r.custom || isRead(r)) continue;
    // An `import` is read from the provider and adopted, not created (ImportStep).
    const imported = r.importId !== undefined && r.importId !== "";
    actions.push({ ...a, name: r.name, action: imported ? "import" : "create", because: imported ? [`import ${r.importId}`] : [], chain: [], cascade: false, stateful: isStateful(r.type), protect: r.protect, fixedName: null });
  }

  const removed: ResourceRef[] = [];
  for (const [urn, was] of before) {
    if (matched.has(urn)) continue;
    removed.push(ref(was));
    if (was.resource.custom && !isRead(was.resource)) actions.push({ ...ref(was), name: was.resource.name, action: "delete", because: [], chain: [], cascade: false, stateful: isStateful(was.resource.type), protect: was.resource.protect, fixedName: null });
    if (isStateful(was.resource.type)) {
      dataLossRisks.push({ ...ref(was), change: "removed", protect: was.resource.protect, chain: [], message: lossMessage(was.resource, was.stack, null) });
    }
  }

  const refusals = inPlaceRefusals(pairs, verdicts, added.map((a) => after.get(a.urn)!));
  // step_generator.go: a replacement of a resource whose goal still has an import id fails
  // `pulumi up` (a preview only warns), as the replacement would change the id.
  for (const a of actions) {
    if (a.action !== "replace" && a.action !== "may-replace") continue;
    const now = after.get(a.urn)!.resource;
    if (!now.importId) continue;
    refusals.push({
      urn: a.urn, type: a.type, name: a.name, stack: a.stack, by: "engine",
      message: `${a.type} ${a.name} (stack ${a.stack}) still has the import option (id ${now.importId}) and ${a.action === "replace" ? "would be replaced" : "may be replaced"} (${a.because.join(", ")}): \`pulumi up\` then stops ("previously-imported resources that still specify an ID may not be replaced; please remove the \`import\` declaration from your program"), where \`pulumi preview\` only warns. Remove the import option (the resource stays imported) before changing it so`,
    });
  }

  return {
    base: summary,
    otherEnvironment: null,
    added,
    removed,
    changed,
    actions,
    regions,
    dataLossRisks,
    refusals,
    hazards,
    ...violations,
  };
}
