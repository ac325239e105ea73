/**
 * The plan's `cost` section: the estimate of every stack (policies/cost) grouped per stack,
 * region and type, with the assumptions it used, the node pools' Spot share, what could not be
 * priced, right-sizing hints and — with --diff — the cost of the change, judged by the
 * cost-change-per-pr policy.
 */
import { relative } from "path";
import type { PolicyConfig, Violation } from "../../../policies/evaluate";
import {
  costChange,
  CostChange,
  CostEstimate,
  CostFigures,
  CostLine,
  DEFAULT_PRICE_FILE,
  DEFAULT_USAGE_FILE,
  estimateCost,
  figuresOf,
  groupFigures,
  Hint,
  loadPriceTable,
  loadUsage,
  PoolFigure,
  PriceTable,
  PriceTableError,
  rightSizingHints,
  UnpricedResource,
  Usage,
  UsageFileError,
  usageValue,
  type UsageKey,
} from "../../../policies/cost";
import { mergeConfig, reconcileConfig, configFromSettings } from "../../../policies/reconcile";
import { costChangeMessage } from "../../../policies/rules/cost";
import type { EnvironmentSettings } from "../../../stacks/config";
import { PlanError } from "../args";
import type { PlanDocument, PlanStack } from "../model";
import { costResources } from "./resources";

export const CHANGE_POLICY = "cost-change-per-pr";

/** The price table and usage assumptions of one plan, loaded (and validated) before any stack runs. */
export interface CostInputs {
  table: PriceTable;
  usage: Usage;
  pricesFile: string;
}

export interface AssumptionUse {
  key: UsageKey;
  value: number;
  unit: string;
  appliesTo: string;
  basis: string;
  /** Regions where the profile sets another value. */
  byRegion: Record<string, number>;
}

export interface CostSection {
  currency: "USD";
  hoursPerMonth: number;
  prices: { file: string; asOf: string; origin: string; regions: string[] };
  usage: { file: string; profile: string | null };
  total: CostFigures;
  byStack: (CostFigures & { stack: string })[];
  byRegion: (CostFigures & { region: string })[];
  byType: (CostFigures & { type: string; resources: number })[];
  /** Share of the baseline by the confidence of its prices. */
  confidence: { high: number; medium: number; low: number };
  assumptions: AssumptionUse[];
  pools: PoolFigure[];
  unpriced: UnpricedResource[];
  free: CostEstimate["free"];
  notes: CostEstimate["notes"];
  hints: Hint[];
  lines: CostLine[];
  /** With --diff: the change against the base plan, both priced with this plan's table and assumptions. */
  change?: CostChange;
}

const shown = (file: string) => relative(process.cwd(), file) || file;

/** Loads the price table and the usage profile named after the environment; bad files are a PlanError (exit 2). */
export function loadCostInputs(environment: string, files: { prices?: string; usage?: string } = {}): CostInputs {
  const pricesFile = files.prices ?? DEFAULT_PRICE_FILE;
  try {
    return { table: loadPriceTable(pricesFile), usage: loadUsage(environment, files.usage ?? DEFAULT_USAGE_FILE), pricesFile };
  } catch (error) {
    if (error instanceof PriceTableError || error instanceof UsageFileError) throw new PlanError(error.message);
    throw error;
  }
}

function assumptionsUsed(lines: readonly CostLine[], usage: Usage): AssumptionUse[] {
  const keys = [...new Set(lines.flatMap((l) => l.assumptions))].sort();
  const regions = [...new Set(lines.map((l) => l.region))];
  return keys.map((key) => {
    const a = usage.assumptions[key];
    const value = usage.profileValues[key] ?? a.value;
    const byRegion = Object.fromEntries(regions.map((r) => [r, usageValue(usage, key, r)] as const).filter(([, v]) => v !== value));
    return { key, value, unit: a.unit, appliesTo: a.appliesTo, basis: a.basis, byRegion };
  });
}

function sortedGroups<K extends string>(lines: readonly CostLine[], keyOf: (l: CostLine) => string, name: K, order?: readonly string[]) {
  const groups = [...groupFigures(lines, keyOf)].map(([key, { lines: _count, ...figures }]) => ({ [name]: key, ...figures }) as CostFigures & Record<K, string>);
  if (order) return groups.sort((a, b) => rank(a[name], order) - rank(b[name], order) || a[name].localeCompare(b[name]));
  return groups.sort((a, b) => b.baselineUsd - a.baselineUsd || b.ceilingUsd - a.ceilingUsd || a[name].localeCompare(b[name]));
}

function rank(key: string, order: readonly string[]): number {
  const i = order.indexOf(key);
  return i < 0 ? order.length : i;
}

export interface PlanCostOptions {
  environment: string;
  stacks: readonly PlanStack[];
  settings?: Partial<EnvironmentSettings>;
  policyConfig?: PolicyConfig;
  inputs?: CostInputs;
  base?: Pick<PlanDocument, "stacks">;
}

/** The section and the findings of the cost-change-per-pr policy (with a base). */
export function planCost(options: PlanCostOptions): { section: CostSection; violations: Violation[] } {
  const inputs = options.inputs ?? loadCostInputs(options.environment);
  const { table, usage } = inputs;
  const resources = costResources(options.stacks);
  const estimate = estimateCost(resources, table, usage);
  const lines = estimate.lines;
  const regionOrder = [...(options.settings?.regions ?? options.stacks.filter((s) => s.role === "region" && s.region).map((s) => s.region!)), "global"];
  const stackOrder = options.stacks.map((s) => s.stack);
  const resourcesByType = new Map<string, number>();
  for (const urn of new Set(lines.map((l) => `${l.type}|${l.urn}`))) resourcesByType.set(urn.split("|")[0], (resourcesByType.get(urn.split("|")[0]) ?? 0) + 1);
  const baseline = figuresOf(lines).baselineUsd || 1;
  const share = (level: string) => Math.round((lines.filter((l) => l.price.confidence === level).reduce((s, l) => s + l.baselineUsd, 0) / baseline) * 1000) / 10;
  const peak = options.settings?.globalPeakNodes;
  const section: CostSection = {
    currency: "USD",
    hoursPerMonth: table.hoursPerMonth,
    prices: { file: shown(inputs.pricesFile), asOf: table.asOf, origin: table.origin, regions: table.regions },
    usage: { file: usage.file, profile: usage.profile },
    total: figuresOf(lines),
    byStack: sortedGroups(lines, (l) => l.stack, "stack", stackOrder),
    byRegion: sortedGroups(lines, (l) => l.region, "region", regionOrder),
    byType: sortedGroups(lines, (l) => l.type, "type").map((g) => ({ ...g, resources: resourcesByType.get(g.type) ?? 0 })),
    confidence: { high: share("high"), medium: share("medium"), low: share("low") },
    assumptions: assumptionsUsed(lines, usage),
    pools: estimate.pools,
    unpriced: estimate.unpriced,
    free: estimate.free,
    notes: estimate.notes,
    hints: rightSizingHints(estimate, resources, usage, table, { peakNodes: peak ? peak : null }),
    lines,
  };
  const violations: Violation[] = [];
  if (options.base) {
    const effective = reconcileConfig(mergeConfig(configFromSettings(options.settings as Record<string, unknown> | undefined, options.environment), options.policyConfig ?? {})).get(CHANGE_POLICY)!;
    const thresholds = { maxMonthlyIncreaseUsd: Number(effective.properties.maxMonthlyIncreaseUsd), maxIncreasePercent: Number(effective.properties.maxIncreasePercent) };
    const baseLines = estimateCost(costResources(options.base.stacks), table, usage).lines;
    section.change = costChange(baseLines, lines, thresholds);
    if (effective.level !== "disabled" && section.change.exceeds) {
      violations.push({ policy: CHANGE_POLICY, enforcementLevel: effective.level === "mandatory" ? "mandatory" : "advisory", urn: null, message: costChangeMessage(section.change) });
    }
  }
  return { section, violations };
}

/** Environment-wide cost findings go to the global stack (else the first), as other environment rules do. */
export function attachCostViolations(stacks: PlanStack[], violations: readonly Violation[]): void {
  const owner = stacks.find((s) => s.role === "global") ?? stacks[0];
  if (owner) owner.violations.push(...violations);
}
