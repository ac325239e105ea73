/**
 * The plan document (JSON version 1): the contract in shared/design/architecture.md that CI,
 * reviewers' tools and `--diff` read. tools/plan/plan.schema.json describes the same shape;
 * a test keeps the two in step by validating real plans against the schema.
 */
import type { Violation } from "../../policies/evaluate";
import type { RecordedResource } from "../fake-cloud";
import type { PlanDiff } from "./diff";
import type { CostSection } from "./cost";
import type { Resilience } from "./resilience";

export const PLAN_VERSION = 1;

/** One resource as the engine would register it: the fake cloud's record, field for field. */
export type PlanResource = RecordedResource;

export type StackRole = "global" | "region";

export interface PlanStack {
  stack: string;
  role: StackRole;
  /** The stack's `aws:region` (its default provider's region). */
  region: string | null;
  resources: PlanResource[];
  /** Stack outputs, secrets masked. */
  outputs: Record<string, unknown>;
  violations: Violation[];
}

export interface PlanSummary {
  resources: number;
  byType: Record<string, number>;
  /** Resources by effective AWS region; those without one count under their stack's region, else "none". */
  byRegion: Record<string, number>;
  violations: { mandatory: number; advisory: number };
}

export interface PlanDocument {
  version: typeof PLAN_VERSION;
  environment: string;
  stacks: PlanStack[];
  summary: PlanSummary;
  resilience: Resilience;
  /** With `--diff`: the comparison with the base plan (tools/plan/diff.ts). */
  diff?: PlanDiff;
  /** Monthly cost estimate; absent in plans written before it existed (a --diff base may lack it). */
  cost?: CostSection;
}

/** Key used in `byRegion` for resources that belong to no region at all. */
export const NO_REGION = "none";

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Counts sorted by key, so two plans of the same program serialize identically. */
function sortedCounts(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export function countByType(resources: readonly PlanResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of resources) increment(counts, resource.type);
  return sortedCounts(counts);
}

export function summarize(stacks: readonly PlanStack[]): PlanSummary {
  const byType: Record<string, number> = {};
  const byRegion: Record<string, number> = {};
  const violations = { mandatory: 0, advisory: 0 };
  let resources = 0;
  for (const stack of stacks) {
    for (const resource of stack.resources) {
      resources += 1;
      increment(byType, resource.type);
      increment(byRegion, resource.region ?? stack.region ?? NO_REGION);
    }
    for (const violation of stack.violations) violations[violation.enforcementLevel] += 1;
  }
  return { resources, byType: sortedCounts(byType), byRegion: sortedCounts(byRegion), violations };
}

/** Every violation of the plan with the stack it was reported on. */
export function allViolations(plan: Pick<PlanDocument, "stacks">): (Violation & { stack: string })[] {
  return plan.stacks.flatMap((stack) => stack.violations.map((v) => ({ ...v, stack: stack.stack })));
}

/** Stacks with role "region", in plan (deploy) order. */
export function regionalStacks(plan: Pick<PlanDocument, "stacks">): PlanStack[] {
  return plan.stacks.filter((stack) => stack.role === "region");
}
