/** The pull-request comment: summary table, violations, resilience, diff, per-stack details. */
import { describeSinglePoints, diffLines, resilienceRows, roleLabel } from "./describe";
import { costChangeLead, costMarkdown } from "./cost/markdown";
import type { PlanDiff, ResourceRef } from "./diff";
import { allViolations, countByType, PlanDocument } from "./model";
import { describeChain } from "./replacement/cascade";
import { alarmRows, monitoringSummary, type MonitoringFigure } from "./monitoring";
import { actionsLine, autoshiftLine, experimentsSummary, regionSwitchLine, targetLine, type ExperimentsFigure } from "./experiments";

/** One line per region, then each region's experiments and autoshift in a collapsed table. */
function experimentsSection(f: ExperimentsFigure | undefined): string[] {
  if (!f || f.source === "none") return [];
  const out = ["### Rehearsal: fault injection, zonal autoshift, Region switch", "", ...experimentsSummary(f).map((line) => `- ${cell(line)}`), ""];
  for (const region of f.regions) {
    out.push(...details(`Experiments of ${region.region} (${region.experiments.length})`, [
      "| experiment | actions (target) | targets | stopped by |",
      "| --- | --- | --- | --- |",
      ...capped(region.experiments, (e) => `| ${code(e.name)} | ${cell(actionsLine(e.actions))} | ${cell(e.targets.map(targetLine).join("; ") || "—")} | ${e.stoppable ? cell(e.stopConditions.join(", ")) : `**NOTHING** (${cell(e.stopConditions.join(", ") || "no condition")})`} |`),
      ...(region.autoshift.length ? ["", ...region.autoshift.map((a) => `- ${cell(autoshiftLine(a))}`)] : []),
    ]));
  }
  for (const p of f.regionSwitch) out.push(`Region switch: ${cell(regionSwitchLine(p))}`, "");
  return out;
}

/** One line per region, then each region's alarms in a collapsed table. */
function monitoringSection(m: MonitoringFigure | undefined): string[] {
  if (!m || m.source === "none") return [];
  const out = ["### Monitoring", "", ...monitoringSummary(m).map((line) => `- ${cell(line)}`), ""];
  for (const region of m.regions) {
    out.push(...details(`Alarms of ${region.region} (${region.alarms.length})`, [
      "| alarm | signal | threshold | goes to |",
      "| --- | --- | --- | --- |",
      ...capped(alarmRows(region), ([name, signal, threshold, routed]) => `| ${code(name)} | ${cell(signal)} | ${cell(threshold)} | ${cell(routed)} |`),
    ]));
  }
  return out;
}

/** GitHub refuses comments over 65 536 characters; long lists are cut well before that. */
const MAX_LIST_ITEMS = 150;

function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function nameOf(urn: string | null): string {
  return urn ? urn.split("::").pop() ?? urn : "—";
}

function capped<T>(items: readonly T[], render: (item: T) => string): string[] {
  const lines = items.slice(0, MAX_LIST_ITEMS).map(render);
  if (items.length > MAX_LIST_ITEMS) lines.push(`| … and ${items.length - MAX_LIST_ITEMS} more | | |`);
  return lines;
}

function refTable(refs: readonly ResourceRef[]): string[] {
  return ["| resource | type | stack |", "| --- | --- | --- |", ...capped(refs, (r) => `| ${code(nameOf(r.urn))} | ${code(r.type)} | ${cell(r.stack)} |`)];
}

function details(summary: string, body: string[]): string[] {
  return ["<details>", `<summary>${summary}</summary>`, "", ...body, "", "</details>", ""];
}

function diffSection(diff: PlanDiff, source: string): string[] {
  const out = [`### Diff against ${cell(source)}`, "", ...diffLines(diff).map((line) => `- ${/^(DATA-LOSS|PROTECTED|REFUSED|HAZARD \((blocking|risk)\))/.test(line) ? `**${line}**` : line}`), ""];
  const replaced = diff.actions.filter((a) => a.action === "replace" || a.action === "may-replace");
  if (replaced.length) {
    out.push(...details(`Replacements (${replaced.length})`, [
      "| action | resource | type | stack | because | cause chain |",
      "| --- | --- | --- | --- | --- | --- |",
      ...capped(replaced, (a) => `| ${a.action === "replace" ? "**replace**" : "may replace"}${a.stateful ? " ⚠️ stateful" : ""} | ${code(a.name)} | ${code(a.type)} | ${cell(a.stack)} | ${cell(a.because.join(", "))} | ${cell(a.cascade ? describeChain(a.chain) : "own inputs")} |`),
    ]));
  }
  if (diff.changed.length) {
    out.push(...details(`Changed resources (${diff.changed.length})`, [
      "| resource | type | inputs changed | options changed |",
      "| --- | --- | --- | --- |",
      ...capped(diff.changed, (c) => `| ${code(nameOf(c.urn))}${c.renamedFrom ? ` (was ${code(nameOf(c.renamedFrom))})` : ""} | ${code(c.type)} | ${cell(c.inputs.join(", ") || "—")} | ${cell(c.options.join(", ") || "—")} |`),
    ]));
  }
  if (diff.added.length) out.push(...details(`Added resources (${diff.added.length})`, refTable(diff.added)));
  if (diff.removed.length) out.push(...details(`Removed resources (${diff.removed.length})`, refTable(diff.removed)));
  return out;
}

export function renderMarkdown(plan: PlanDocument, diff?: PlanDiff, diffSource = "the base plan"): string {
  const primary = plan.resilience.regions.primary;
  const { mandatory, advisory } = plan.summary.violations;
  const verdict = mandatory > 0 ? `❌ **${mandatory} mandatory policy violation(s)**: \`pulumi up\` would be blocked.` : "✅ No mandatory policy violation.";
  const out: string[] = [
    `## Offline plan: \`${plan.environment}\``,
    "",
    `${verdict} ${plan.summary.resources} resources in ${plan.stacks.length} stack(s); ${advisory} advisory finding(s).`,
    "",
    ...(plan.cost ? costChangeLead(plan.cost) : []),
    "| stack | role | resources | mandatory | advisory |",
    "| --- | --- | ---: | ---: | ---: |",
  ];
  for (const stack of plan.stacks) {
    const count = (level: string) => stack.violations.filter((v) => v.enforcementLevel === level).length;
    out.push(`| ${code(stack.stack)} | ${cell(roleLabel(stack, primary))} | ${stack.resources.length} | ${count("mandatory")} | ${count("advisory")} |`);
  }
  out.push(`| **total** | | **${plan.summary.resources}** | **${mandatory}** | **${advisory}** |`, "");

  out.push("### Policy violations", "");
  const violations = allViolations(plan).sort((a, b) => (a.enforcementLevel === b.enforcementLevel ? 0 : a.enforcementLevel === "mandatory" ? -1 : 1));
  if (violations.length === 0) out.push("None.", "");
  else {
    out.push("| level | policy | stack | resource | message |", "| --- | --- | --- | --- | --- |");
    out.push(...capped(violations, (v) => `| ${v.enforcementLevel === "mandatory" ? "**mandatory**" : "advisory"} | ${code(v.policy)} | ${cell(v.stack)} | ${code(nameOf(v.urn))} | ${cell(v.message)} |`), "");
  }

  out.push("### Resilience", "", "| figure | value |", "| --- | --- |");
  for (const [label, text] of resilienceRows(plan.resilience)) out.push(`| ${label} | ${cell(text)} |`);
  out.push("");
  const spofs = describeSinglePoints(plan.resilience);
  if (spofs.length) out.push("Single points of failure:", "", ...spofs.map((s) => `- ${s}`), "");
  out.push(...monitoringSection(plan.resilience.monitoring));
  out.push(...experimentsSection(plan.resilience.experiments));

  if (plan.cost) out.push(...costMarkdown(plan.cost));

  if (diff) out.push(...diffSection(diff, diffSource));

  out.push("### Stacks", "");
  for (const stack of plan.stacks) {
    const body = ["| type | count |", "| --- | ---: |", ...Object.entries(countByType(stack.resources)).map(([type, n]) => `| ${code(type)} | ${n} |`)];
    if (Object.keys(stack.outputs).length) body.push("", "Outputs:", "", "```json", JSON.stringify(stack.outputs, null, 2).slice(0, 4000), "```");
    out.push(...details(`<b>${stack.stack}</b> — ${roleLabel(stack, primary)} — ${stack.resources.length} resources`, body));
  }
  out.push("<sub>Generated by `npm run plan` from Pulumi's mock runtime and the fake cloud: it shows the program's shape, not what AWS will accept. Run `pulumi preview` against an account before the first `pulumi up`.</sub>", "");
  return out.join("\n");
}
