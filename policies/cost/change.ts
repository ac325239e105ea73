/**
 * The cost of a change: two estimates priced with the same table and assumptions (the base plan's
 * resources are re-priced, so only resource changes move the figure), overall and by region and
 * type. `large` decides whether the pull-request comment leads with it; `exceeds` is an increase
 * past the cost-change-per-pr policy's thresholds.
 */
import { figuresOf, groupFigures } from "./estimate";
import type { CostFigures, CostLine } from "./model";

export interface ChangeThresholds {
  /** Monthly increase (USD, baseline) that is large; 0 = not judged by amount. */
  maxMonthlyIncreaseUsd: number;
  /** Increase relative to the base (%, baseline) that is large; 0 = not judged by share. */
  maxIncreasePercent: number;
}

export interface DeltaRow {
  baselineUsd: number;
  ceilingUsd: number;
}

export interface CostChange {
  base: CostFigures;
  current: CostFigures;
  delta: DeltaRow;
  /** Baseline change relative to the base, %; null when the base costs nothing. */
  percent: number | null;
  byRegion: (DeltaRow & { region: string })[];
  byType: (DeltaRow & { type: string })[];
  thresholds: ChangeThresholds;
  /** The change (either way) reaches a threshold: reports lead with it. */
  large: boolean;
  /** An increase past a threshold. */
  exceeds: boolean;
}

const cents = (usd: number) => Math.round(usd * 100) / 100;

function deltas(base: readonly CostLine[], current: readonly CostLine[], keyOf: (l: CostLine) => string): [string, DeltaRow][] {
  const before = groupFigures(base, keyOf);
  const after = groupFigures(current, keyOf);
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  return keys
    .map((key): [string, DeltaRow] => [key, { baselineUsd: cents((after.get(key)?.baselineUsd ?? 0) - (before.get(key)?.baselineUsd ?? 0)), ceilingUsd: cents((after.get(key)?.ceilingUsd ?? 0) - (before.get(key)?.ceilingUsd ?? 0)) }])
    .filter(([, d]) => d.baselineUsd !== 0 || d.ceilingUsd !== 0)
    .sort(([a, x], [b, y]) => Math.abs(y.baselineUsd) - Math.abs(x.baselineUsd) || Math.abs(y.ceilingUsd) - Math.abs(x.ceilingUsd) || a.localeCompare(b));
}

export function costChange(base: readonly CostLine[], current: readonly CostLine[], thresholds: ChangeThresholds): CostChange {
  const before = figuresOf(base);
  const after = figuresOf(current);
  const delta = { baselineUsd: cents(after.baselineUsd - before.baselineUsd), ceilingUsd: cents(after.ceilingUsd - before.ceilingUsd) };
  const percent = before.baselineUsd > 0 ? Math.round((delta.baselineUsd / before.baselineUsd) * 1000) / 10 : null;
  const byAmount = thresholds.maxMonthlyIncreaseUsd > 0 && Math.abs(delta.baselineUsd) > thresholds.maxMonthlyIncreaseUsd;
  const byShare = thresholds.maxIncreasePercent > 0 && (percent === null ? delta.baselineUsd > 0 && thresholds.maxMonthlyIncreaseUsd === 0 : Math.abs(percent) > thresholds.maxIncreasePercent);
  const large = byAmount || byShare;
  return {
    base: before,
    current: after,
    delta,
    percent,
    byRegion: deltas(base, current, (l) => l.region).map(([region, d]) => ({ region, ...d })),
    byType: deltas(base, current, (l) => l.type).map(([type, d]) => ({ type, ...d })),
    thresholds,
    large,
    exceeds: large && delta.baselineUsd > 0,
  };
}
