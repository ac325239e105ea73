/** The cost section of the terminal summary. */
import type { CostFigures } from "../../../policies/cost";
import type { CostSection } from "./index";
import { assumptionLines, changeDetail, changeHeadline, dollars, headline, provenance, shortType, spotLines, unpricedLines } from "./render";

function table(rows: [string, CostFigures][]): string[] {
  const width = Math.max(6, ...rows.map(([label]) => label.length));
  const cell = (n: number) => dollars(n).padStart(11);
  return [`${"".padEnd(width)}  ${"baseline".padStart(11)}${"ceiling".padStart(11)}${"fixed".padStart(11)}${"usage".padStart(11)}`, ...rows.map(([label, f]) => `${label.padEnd(width)}  ${cell(f.baselineUsd)}${cell(f.ceilingUsd)}${cell(f.fixedUsd)}${cell(f.usageUsd)}`)];
}

export function costTerminalLines(cost: CostSection): string[] {
  const out = [`Cost estimate (USD per month): ${headline(cost)}`, `  ${provenance(cost)}`];
  out.push(...table([...cost.byRegion.map((r): [string, CostFigures] => [r.region, r]), ["total", cost.total]]).map((l) => `  ${l}`));
  out.push(`  by stack: ${cost.byStack.map((s) => `${s.stack} ${dollars(s.baselineUsd)}${s.ceilingUsd !== s.baselineUsd ? ` (ceiling ${dollars(s.ceilingUsd)})` : ""}`).join(", ")}`);
  out.push(`  largest types: ${cost.byType.slice(0, 6).map((t) => `${shortType(t.type)} ×${t.resources} ${dollars(t.baselineUsd)}${t.ceilingUsd !== t.baselineUsd ? ` (ceiling ${dollars(t.ceilingUsd)})` : ""}`).join(", ")}`);
  if (cost.pools.length) out.push("  Spot share:", ...spotLines(cost).map((l) => `    ${l}`));
  out.push(cost.unpriced.length ? `  UNPRICED (not in the totals): ${cost.unpriced.length} charge(s)` : "  unpriced: none", ...unpricedLines(cost).map((l) => `    ${l}`));
  if (cost.hints.length) out.push("  right-sizing hints:", ...cost.hints.map((h) => `    - ${h.message}`));
  out.push("  assumptions (data/cost/usage.json):", ...assumptionLines(cost).map((l) => `    ${l}`));
  if (cost.change) {
    out.push(`  cost of this change: ${changeHeadline(cost.change)}${cost.change.large ? "  [LARGE]" : ""}`, ...changeDetail(cost.change).map((l) => `    ${l}`));
  }
  return out;
}
