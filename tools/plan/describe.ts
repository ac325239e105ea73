/** Sentences shared by the terminal and Markdown reports: resilience figures and diff lines. */
import type { PlanDiff } from "./diff";
import { describeChain } from "./replacement/cascade";
import type { PlanStack } from "./model";
import type { Resilience } from "./resilience";
import type { WafInfo } from "./serving-path";
import { describeDataTier } from "./data-tier";

function fromWhere(source: string, what: string): string {
  return source === "settings" ? ` (from the environment settings; no ${what} planned yet)` : "";
}

function shortAz(az: string, region: string): string {
  return az.startsWith(region) ? az.slice(region.length) : az;
}

export function describeRegions(r: Resilience): string {
  if (r.regions.count === 0) return "none planned";
  const parts = r.regions.list.map((f) => {
    const role = f.role === "primary" ? "primary; " : "";
    const zones = f.azIds.length ? f.azIds : f.azs.map((az) => shortAz(az, f.region));
    const azs = zones.length ? `${zones.length} AZs: ${zones.join(" ")}` : "no subnets planned";
    return `${f.region} (${role}${azs})`;
  });
  return `${r.regions.count}: ${parts.join(", ")}`;
}

/** One line per region that explains its zone choice. */
export function describeZoneChoices(r: Resilience): string[] {
  return r.regions.list.filter((f) => f.zoneChoice).map((f) => `${f.region}: ${f.zoneChoice}`);
}

export function describeDnsFailover(r: Resilience): string {
  const d = r.dnsFailover;
  if (d.source === "none" || d.detectionSeconds === null) return "unknown (no health check planned and no settings)";
  const worst = d.worstCaseSeconds === null ? "not computable (a health-check value Route 53 refuses)" : `${d.worstCaseSeconds} s`;
  const budget = d.budgetSeconds === null || d.withinBudget === null ? "" : d.withinBudget ? `, within the ${d.budgetSeconds} s budget` : `, OVER the ${d.budgetSeconds} s budget`;
  // Each failed check lasts the interval plus the check's timeout (components/lib/failover.ts).
  const timeout = d.failureThreshold && d.requestIntervalSeconds !== null ? d.detectionSeconds / d.failureThreshold - d.requestIntervalSeconds : null;
  return `worst case ${worst} = ${d.failureThreshold} failed checks × (${d.requestIntervalSeconds} s + ${timeout} s timeout) + ${d.ttlSeconds} s TTL; detection ${d.detectionSeconds} s${budget}${fromWhere(d.source, "health check")}`;
}

export function describeDatabase(r: Resilience): string {
  const d = r.database;
  const rpo = d.configuredRpoSeconds ? `rds.global_db_rpo ${d.configuredRpoSeconds} s (commits wait when no secondary is within it)` : "rds.global_db_rpo off";
  const figures = `RPO ${d.rpo}, RTO ${d.rto} (Aurora Global Database, as AWS documents it); ${rpo}`;
  if (d.source !== "resources") return `${figures}${d.engine ? `; no cluster planned yet (settings: ${d.engine})` : "; no database planned"}`;
  const members = d.members.map((m) => `${m.region} ${m.role} ×${m.instances}${m.azs.length ? ` in ${m.azs.length} AZs` : ""}`);
  return `${figures}; ${d.globalClusters} global cluster(s); members: ${members.join(", ") || "none"}`;
}

export function describeCapacity(r: Resilience): string {
  const c = r.capacity;
  if (c.source === "none" || c.largestRegion === null) return "unknown (no node pool planned and no settings)";
  const largest = c.maxNodesByRegion[c.largestRegion];
  const verdict = c.peakNodes === null ? "; no peak configured (globalPeakNodes: 0)" : ` for a peak of ${c.peakNodes}: ${c.sufficient ? "enough" : "NOT ENOUGH"}`;
  return `losing ${c.largestRegion} (${largest} nodes max) leaves ${c.afterLosingLargestRegion} nodes${verdict}${fromWhere(c.source, "node pool")}`;
}

/** "10× today's peak ...": the load answer of the capacity figure, or why there is none. */
export function describeLoad(r: Resilience): string {
  const load = r.capacity.load;
  if (!load) return "unknown (no node pool planned, or no peak: set globalPeakNodes)";
  return `${load.answer}${load.peakSource === "desiredSize" ? " (peak taken from the pools' desired sizes: set globalPeakNodes)" : ""}`;
}

/** "WAF: blocking", "WAF: counting only", "no WAF": what guards a serving path's load balancer. */
export function describeWaf(waf: WafInfo): string {
  return { block: "WAF: blocking", count: "WAF: counting only", none: "no WAF", unknown: "WAF: mode unknown" }[waf.mode];
}

/** One sentence per region: the path from DNS to pods, or the link that is missing. */
export function describeServingPaths(r: Resilience): string[] {
  return r.servingPath.regions.map((region) => {
    const path = region.paths.find((p) => !p.complete) ?? region.paths[0];
    if (!path) return `${region.region}: INCOMPLETE, ${region.missing}`;
    const chain = [
      path.records.length ? path.records.join(" + ") : "(no DNS record)",
      `ALB ${path.loadBalancer ?? "?"}${path.waf ? ` (${describeWaf(path.waf)})` : ""}`,
      `target group ${path.targetGroup}${path.healthCheckPath ? ` (${path.healthCheckPath})` : ""}`,
      path.service ? `Service ${path.service}` : null,
      path.workload ? `pods of ${path.workload}${path.minPods !== null ? ` (≥ ${path.minPods})` : ""}` : null,
    ].filter((x): x is string => x !== null).join(" → ");
    return region.complete ? `${region.region}: ${chain}: complete` : `${region.region}: INCOMPLETE, missing ${region.missing} (${chain})`;
  });
}

export function describeDelegation(r: Resilience): string {
  const d = r.servingPath.delegation;
  return `${d.mode}: ${d.message}`;
}

export function describeSinglePoints(r: Resilience): string[] {
  return r.singlePointsOfFailure.map((s) => `${s.region}: ${s.message}`);
}

/** [label, sentence] rows of the resilience section. */
export function resilienceRows(r: Resilience): [string, string][] {
  const spofs = describeSinglePoints(r);
  return [
    ["regions", describeRegions(r)],
    ...describeZoneChoices(r).map((line, i): [string, string] => [i === 0 ? "zones (by zone ID)" : "", line]),
    ["DNS failover", describeDnsFailover(r)],
    ["database", describeDatabase(r)],
    ["capacity", describeCapacity(r)],
    ...(r.capacity.load ? [[`load ×${r.capacity.load.multiplier}`, describeLoad(r)] as [string, string]] : []),
    ...(r.dataTier ? describeDataTier(r.dataTier) : []),
    ["single points of failure", spofs.length ? `${spofs.length} found` : "none found"],
    ...describeServingPaths(r).map((line, i): [string, string] => [i === 0 ? "serving path" : "", line]),
    ["DNS delegation", describeDelegation(r)],
  ];
}

export function roleLabel(stack: PlanStack, primary: string | null): string {
  if (stack.role === "global") return `global, ${stack.region ?? "no region"}`;
  const role = primary === null ? "" : stack.region === primary ? ", primary" : ", secondary";
  return `region ${stack.region ?? "?"}${role}`;
}

/** One line per fact of a diff, most serious first. */
export function diffLines(diff: PlanDiff): string[] {
  if (diff.otherEnvironment) {
    const { base, current } = diff.otherEnvironment;
    return [
      `different environments: base ${base}, current ${current}; resources are not compared (every URN names its stack). Compare a plan of ${current} with an earlier plan of ${current}.`,
      ...diff.hazards.map((h) => `setting change ${base} → ${current}: ${h.message}`),
    ];
  }
  const renamed = diff.changed.filter((c) => c.renamedFrom).length;
  const count = (action: string) => diff.actions.filter((a) => a.action === action).length;
  const imports = count("import") + count("import-replace");
  const lines = [`+${diff.added.length} added, -${diff.removed.length} removed, ~${diff.changed.length} changed${renamed ? ` (${renamed} renamed through an alias)` : ""}: ${count("replace")} replaced, ${count("may-replace")} may be replaced, ${count("update")} updated in place${imports ? `, ${imports} imported` : ""}`];
  if (diff.regions.added.length) lines.push(`regions added: ${diff.regions.added.join(", ")}`);
  if (diff.regions.removed.length) lines.push(`regions removed: ${diff.regions.removed.join(", ")}`);
  for (const risk of diff.dataLossRisks) lines.push(`DATA-LOSS RISK: ${risk.message}`);
  for (const a of diff.actions.filter((x) => x.protect && (x.action === "replace" || x.action === "delete"))) {
    lines.push(`PROTECTED: \`pulumi up\` stops at ${a.type} ${a.name} (stack ${a.stack}): a protected resource cannot be ${a.action === "delete" ? "deleted" : "replaced"} until \`protect\` is lifted on purpose`);
  }
  for (const r of diff.refusals) lines.push(`${r.by === "engine" ? "REFUSED BY PULUMI" : "REFUSED BY AWS"}: ${r.message}`);
  for (const h of diff.hazards) lines.push(`HAZARD (${h.severity}): ${h.message}${h.runbook ? ` Runbook: ${h.runbook}` : ""}`);
  for (const a of diff.actions.filter((x) => x.fixedName && (x.action === "replace" || x.action === "may-replace"))) {
    lines.push(`fixed name: ${a.type} ${a.name} keeps ${a.fixedName} across its replacement: Pulumi deletes the old one before creating the new one (a gap while neither exists), or the create fails on the taken name`);
  }
  for (const a of diff.actions.filter((x) => x.deleteFirst && !x.fixedName)) {
    lines.push(`delete first: ${a.type} ${a.name} ${a.action === "replace" ? "is" : "may be"} replaced with deleteBeforeReplace: Pulumi deletes the old one before creating the new one (a gap while neither exists)`);
  }
  for (const a of diff.actions.filter((x) => x.action === "import" || x.action === "import-replace")) {
    const id = a.because[0]?.replace(/^import /, "") ?? "";
    const over = a.action === "import-replace" ? "; the base holds another resource under its URN, which it replaces (deleted unless it was only read)" : "";
    lines.push(`import: ${a.type} ${a.name} (stack ${a.stack}) is imported by id ${id}, not created${over}: \`pulumi preview\` reads it from the provider and fails if it does not exist, and shows an update where the program's inputs differ from it (the plan cannot read it)`);
  }
  for (const v of diff.newViolations) lines.push(`new violation [${v.enforcementLevel}] ${v.policy}: ${v.message}`);
  if (diff.resolvedViolations) lines.push(`${diff.resolvedViolations} violation(s) of the base resolved`);
  return lines;
}

/** "replace  aws:ec2/subnet:Subnet prod-a (vpcId) ← Vpc prod-vpc replaced (cidrBlock)" lines of the replacements. */
export function replacementLines(diff: PlanDiff): string[] {
  const word = { replace: "replace", "may-replace": "may replace" } as Record<string, string>;
  return diff.actions
    .filter((a) => a.action === "replace" || a.action === "may-replace")
    .map((a) => `${word[a.action].padEnd(11)} ${a.type} ${a.name} (${a.because.join(", ")})${a.cascade ? ` ← ${describeChain(a.chain.slice(0, -1))}` : ""}${a.stateful ? " [stateful]" : ""}`);
}
