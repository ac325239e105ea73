/** The terminal summary (stdout) and the per-stack progress lines (stderr). */
import { describeSinglePoints, diffLines, replacementLines, resilienceRows, roleLabel } from "./describe";
import { costTerminalLines } from "./cost/terminal";
import type { PlanDiff } from "./diff";
import { countByType, PlanDocument } from "./model";
import { alarmRows, monitoringSummary, type MonitoringFigure } from "./monitoring";
import { autoshiftLine, experimentLine, experimentsSummary, regionSwitchLine, targetLine, type ExperimentsFigure } from "./experiments";

/** Per region: experiments (actions, targets, stop conditions) and autoshift; then the Region switch plans. */
function experimentLines(f: ExperimentsFigure | undefined): string[] {
  if (!f || f.source === "none") return [];
  const out = ["", "Rehearsal (fault injection, zonal autoshift, Region switch)"];
  const summaries = experimentsSummary(f);
  f.regions.forEach((region, i) => {
    out.push(`  ${summaries[i]}`);
    for (const e of region.experiments) {
      out.push(`    ${experimentLine(e)}`);
      out.push(`      targets: ${e.targets.map(targetLine).join("; ") || "none"}`);
    }
    for (const a of region.autoshift) out.push(`    ${autoshiftLine(a)}`);
  });
  for (const p of f.regionSwitch) out.push(`  Region switch ${regionSwitchLine(p)}`);
  return out;
}

/** Per region: the summary line, then every alarm with its threshold and where it goes. */
function monitoringLines(m: MonitoringFigure | undefined): string[] {
  if (!m || m.source === "none") return [];
  const out = ["", "Monitoring"];
  const summaries = monitoringSummary(m);
  m.regions.forEach((region, i) => {
    out.push(`  ${summaries[i]}`);
    const rows = alarmRows(region);
    const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c].length)));
    for (const [name, signal, threshold, routed] of rows) out.push(`    ${name.padEnd(widths[0])}  ${signal.padEnd(widths[1])}  ${threshold}  ${routed}`);
  });
  if (summaries.length > m.regions.length) out.push(`  ${summaries[summaries.length - 1]}`);
  return out;
}

function nameOf(urn: string | null): string {
  return urn ? urn.split("::").pop() ?? urn : "";
}

export function renderTerminal(plan: PlanDocument, diff?: PlanDiff, diffSource?: string): string {
  const out: string[] = [];
  const primary = plan.resilience.regions.primary;
  // Deploy order: global, then the primary region, then the secondaries together.
  const global = plan.stacks.filter((s) => s.role === "global").map((s) => s.stack);
  const regions = plan.stacks.filter((s) => s.role === "region").map((s) => s.region ?? s.stack);
  const first = regions.filter((r) => r === primary);
  const rest = regions.filter((r) => r !== primary);
  const order = [...global, ...first, ...(rest.length ? [rest.join(", ")] : [])];
  out.push(`Plan of ${plan.environment}: ${plan.stacks.length} stack(s), ${plan.summary.resources} resources (deploy order: ${order.join(" → ")})`);

  for (const stack of plan.stacks) {
    out.push("", `${stack.stack}  (${roleLabel(stack, primary)})  ${stack.resources.length} resources`);
    const counts = Object.entries(countByType(stack.resources)).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    const width = Math.max(...counts.map(([, n]) => String(n).length), 1);
    for (const [type, count] of counts) out.push(`  ${String(count).padStart(width)}  ${type}`);
    if (stack.violations.length === 0) out.push("  violations: none");
    for (const v of stack.violations) {
      out.push(`  ${v.enforcementLevel === "mandatory" ? "MANDATORY" : "advisory "}  ${v.policy}: ${v.message}${v.urn ? ` [${nameOf(v.urn)}]` : ""}`);
    }
  }

  out.push("", "Resilience");
  const rows = resilienceRows(plan.resilience);
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  for (const [label, text] of rows) out.push(`  ${label.padEnd(labelWidth)}  ${text}`);
  for (const line of describeSinglePoints(plan.resilience)) out.push(`  ${"".padEnd(labelWidth)}  - ${line}`);
  out.push(...monitoringLines(plan.resilience.monitoring));
  out.push(...experimentLines(plan.resilience.experiments));

  if (plan.cost) out.push("", ...costTerminalLines(plan.cost));

  if (diff) {
    out.push("", `Diff against ${diffSource ?? "the base plan"} (${diff.base.environment}, ${diff.base.resources} resources)`);
    for (const line of diffLines(diff)) out.push(`  ${line}`);
    const replacements = replacementLines(diff);
    if (replacements.length) out.push("  replacements (cause chains):", ...replacements.map((line) => `    ${line}`));
  }

  const { mandatory, advisory } = plan.summary.violations;
  out.push("", `Violations: ${mandatory} mandatory, ${advisory} advisory`);
  out.push(mandatory > 0 ? "Result: BLOCKED by mandatory policy violations (exit 1)" : "Result: planned, no mandatory violation (exit 0)");
  return `${out.join("\n")}\n`;
}

/** Progress on stderr while stacks run. */
export function progressReporter(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
  return {
    started(job: { stack: string; role: string; region: string | null }) {
      write(`planning ${job.stack} (${job.role === "global" ? "global" : job.region ?? "no region"}) ...`);
    },
    finished(job: { stack: string }, result: { resources: { urn: string; importId?: string }[]; milliseconds: number; unseenInPreview?: string[] }) {
      write(`planned  ${job.stack}: ${result.resources.length} resources in ${(result.milliseconds / 1000).toFixed(1)} s`);
      // The import option: the engine reads those from the provider; the plan cannot.
      const imported = result.resources.filter((r) => r.importId);
      if (imported.length > 0) {
        const names = imported.slice(0, 3).map((r) => `${r.urn.slice(r.urn.lastIndexOf("::") + 2)} (${r.importId})`).join(", ");
        write(`note: ${job.stack}: ${imported.length} resource(s) are imported by id, not created (${names}${imported.length > 3 ? ", ..." : ""}): \`pulumi preview\` reads each from the provider and fails if it does not exist; the plan shows the program's inputs, not what is there`);
      }
      // Resources created inside an apply on a computed value: real, but a preview cannot show them.
      const unseen = result.unseenInPreview ?? [];
      if (unseen.length > 0) {
        const names = unseen.slice(0, 3).map((urn) => urn.slice(urn.lastIndexOf("::") + 2)).join(", ");
        write(`note: ${job.stack}: ${unseen.length} resource(s) exist only once values are known (created inside an apply): \`pulumi preview\` of a new stack will not list them (${names}${unseen.length > 3 ? ", ..." : ""})`);
      }
    },
  };
}
