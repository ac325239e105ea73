/**
 * `--diff BASE.json`: what a change does compared with an earlier plan. Resources are matched by
 * URN, or through an alias the new resource declares; a rename without an alias therefore shows
 * as remove + add, which is exactly what `pulumi up` would do. Removed or replaced stateful
 * resources are data-loss risks.
 */
import type { Violation } from "../../policies/evaluate";
import { allViolations, PlanDocument, PlanResource, regionalStacks } from "./model";
import { isStateful, replacementReasons, STATEFUL_TYPES } from "./stateful";

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
  /** Why the provider would replace it (stateful types only); empty for an in-place update. */
  replaceReasons: string[];
}
export interface DataLossRisk extends ResourceRef {
  change: "removed" | "replaced";
  /** Protected resources make `pulumi up` stop before deleting them. */
  protect: boolean;
  message: string;
}
export interface PlanDiff {
  base: { environment: string; resources: number };
  added: ResourceRef[];
  removed: ResourceRef[];
  changed: ResourceChange[];
  regions: { added: string[]; removed: string[] };
  dataLossRisks: DataLossRisk[];
  newViolations: (Violation & { stack: string })[];
  resolvedViolations: number;
}

interface Located {
  resource: PlanResource;
  stack: string;
}

function locate(plan: Pick<PlanDocument, "stacks">): Map<string, Located> {
  const map = new Map<string, Located>();
  for (const stack of plan.stacks) for (const resource of stack.resources) map.set(resource.urn, { resource, stack: stack.stack });
  return map;
}

const ref = ({ resource, stack }: Located): ResourceRef => ({ urn: resource.urn, type: resource.type, stack, region: resource.region });

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` split into its parts. */
export function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; name: string } | null {
  const match = /^urn:pulumi:([^:]*)::([^:]*)::(.*?)::(.*)$/.exec(urn);
  return match ? { stack: match[1], project: match[2], qualifiedType: match[3], name: match[4] } : null;
}

/**
 * URNs an alias recorded by the fake cloud stands for: a URN as is, or a spec
 * ("name=old,type=...,parent=<urn>,noParent,stack=...,project=...") resolved the way the
 * recorded URNs are built (parent's last type segment, "$", type).
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
  const stack = spec.stack ?? self.stack;
  const project = spec.project ?? self.project;
  const type = spec.type ?? resource.type;
  const rootStack = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
  const parent = spec.noParent ? rootStack : spec.parent ?? resource.parent;
  const parentType = parent ? parseUrn(parent)?.qualifiedType.split("$").pop() : undefined;
  return `urn:pulumi:${stack}::${project}::${parentType ? `${parentType}$` : ""}${type}::${spec.name ?? resource.name}`;
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
  const options: (keyof PlanResource)[] = ["protect", "retainOnDelete", "ignoreChanges", "provider"];
  return options.filter((key) => stableJson(before[key]) !== stableJson(after[key]));
}

function violationKey(v: Violation & { stack: string }): string {
  // Messages carry numbers that move; policy + resource (or stack) identify a finding.
  return v.urn ? `${v.policy}|${v.urn}` : `${v.policy}|${v.stack}|${v.message}`;
}

function regionsOf(plan: Pick<PlanDocument, "stacks">): string[] {
  return regionalStacks(plan).map((s) => s.region).filter((r): r is string => r !== null);
}

export function diffPlans(base: PlanDocument, current: PlanDocument): PlanDiff {
  const before = locate(base);
  const after = locate(current);
  const matched = new Set<string>();
  const added: ResourceRef[] = [];
  const changed: ResourceChange[] = [];
  const dataLossRisks: DataLossRisk[] = [];

  for (const [urn, now] of after) {
    const previousUrn = before.has(urn) ? urn : now.resource.aliases.map((a) => aliasUrn(a, now.resource)).find((u): u is string => !!u && before.has(u) && !after.has(u));
    if (!previousUrn) {
      added.push(ref(now));
      continue;
    }
    matched.add(previousUrn);
    const was = before.get(previousUrn)!.resource;
    const inputs = changedKeys(was.inputs, now.resource.inputs);
    const options = changedOptions(was, now.resource);
    const regionMoved = was.region !== now.resource.region;
    if (inputs.length === 0 && options.length === 0 && previousUrn === urn && !regionMoved) continue;
    const replaceReasons = replacementReasons(now.resource.type, inputs, was.region, now.resource.region);
    changed.push({ ...ref(now), inputs, options, renamedFrom: previousUrn === urn ? null : previousUrn, replaceReasons });
    if (replaceReasons.length > 0) {
      dataLossRisks.push({
        ...ref(now),
        change: "replaced",
        protect: was.protect,
        message: `${now.resource.type} ${now.resource.name} would be REPLACED (${replaceReasons.join(", ")}); it loses ${STATEFUL_TYPES[now.resource.type].holds}`,
      });
    }
  }

  const removed: ResourceRef[] = [];
  for (const [urn, was] of before) {
    if (matched.has(urn)) continue;
    removed.push(ref(was));
    if (isStateful(was.resource.type)) {
      const protectNote = was.resource.protect ? "; it is protected, so `pulumi up` stops until it is unprotected on purpose" : "";
      dataLossRisks.push({
        ...ref(was),
        change: "removed",
        protect: was.resource.protect,
        message: `${was.resource.type} ${was.resource.name} (stack ${was.stack}) would be DELETED and lose ${STATEFUL_TYPES[was.resource.type].holds}${protectNote}`,
      });
    }
  }

  const baseRegions = regionsOf(base);
  const currentRegions = regionsOf(current);
  const baseViolations = new Set(allViolations(base).map(violationKey));
  const currentViolations = allViolations(current);
  const currentKeys = new Set(currentViolations.map(violationKey));
  return {
    base: { environment: base.environment, resources: base.summary.resources },
    added,
    removed,
    changed,
    regions: { added: currentRegions.filter((r) => !baseRegions.includes(r)), removed: baseRegions.filter((r) => !currentRegions.includes(r)) },
    dataLossRisks,
    newViolations: currentViolations.filter((v) => !baseViolations.has(violationKey(v))),
    resolvedViolations: [...baseViolations].filter((key) => !currentKeys.has(key)).length,
  };
}
