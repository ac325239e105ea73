/** The cost section of the pull-request comment, and the cost-change block it leads with when large. */
import type { CostFigures } from "../../../policies/cost";
import type { CostSection } from "./index";
import { assumptionLines, changeDetail, changeHeadline, dollars, headline, provenance, shortType, signed, spotLines, unpricedLines } from "./render";

const row = (label: string, f: CostFigures) => `| ${label} | ${dollars(f.baselineUsd)} | ${dollars(f.ceilingUsd)} | ${dollars(f.fixedUsd)} | ${dollars(f.usageUsd)} |`;

function details(summary: string, body: string[]): string[] {
  return ["<details>", `<summary>${summary}</summary>`, "", ...body, "", "</details>", ""];
}

/** The block the comment opens with when the change reaches the cost-change-per-pr thresholds. */
export function costChangeLead(cost: CostSection): string[] {
  const change = cost.change;
  if (!change?.large) return [];
  const limits = `thresholds: ${dollars(change.thresholds.maxMonthlyIncreaseUsd)} or ${change.thresholds.maxIncreasePercent}% a month (policy cost-change-per-pr)`;
  return [
    `### 💰 Cost change: ${changeHeadline(change)}`,
    "",
    "| region | baseline | ceiling |",
    "| --- | ---: | ---: |",
    ...change.byRegion.map((r) => `| ${r.region} | ${signed(r.baselineUsd)} | ${signed(r.ceilingUsd)} |`),
    "",
    `<sub>${limits}; both plans priced with the same table and assumptions.</sub>`,
    "",
  ];
}

export function costMarkdown(cost: CostSection): string[] {
  const out = ["### Cost (monthly estimate, USD)", "", `${headline(cost)}.`, "", "| region | baseline | ceiling (pools at max) | fixed | usage-based |", "| --- | ---: | ---: | ---: | ---: |"];
  out.push(...cost.byRegion.map((r) => row(r.region, r)), row("**total**", cost.total), "");
  if (cost.change && !cost.change.large) out.push(`Cost of this change: ${changeHeadline(cost.change)}.`, ...changeDetail(cost.change).map((l) => `- ${l}`), "");
  if (cost.unpriced.length) out.push(`**${cost.unpriced.length} charge(s) could not be priced** and are not in the totals:`, "", ...unpricedLines(cost).map((l) => `- ${l}`), "");
  if (cost.hints.length) out.push("Right-sizing hints:", "", ...cost.hints.map((h) => `- ${h.message}`), "");
  out.push(...details("By stack and type", [
    "| stack | baseline | ceiling |", "| --- | ---: | ---: |", ...cost.byStack.map((s) => `| \`${s.stack}\` | ${dollars(s.baselineUsd)} | ${dollars(s.ceilingUsd)} |`), "",
    "| type | resources | baseline | ceiling |", "| --- | ---: | ---: | ---: |", ...cost.byType.map((t) => `| \`${shortType(t.type)}\` | ${t.resources} | ${dollars(t.baselineUsd)} | ${dollars(t.ceilingUsd)} |`),
  ]));
  if (cost.pools.length) out.push(...details("Spot share of the node pools", spotLines(cost).map((l) => `- ${l}`)));
  out.push(...details(`Assumptions (${cost.assumptions.length})`, assumptionLines(cost).map((l) => `- \`${l.split(" = ")[0]}\` = ${l.split(" = ").slice(1).join(" = ")}`)));
  out.push(`<sub>Estimate: ${provenance(cost)}. List prices, On-Demand, before discounts, credits and taxes; see docs/cost.md.</sub>`, "");
  return out;
}
