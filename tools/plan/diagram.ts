/**
 * The topology diagram: regions side by side (each with its DNS records, health check, ALB,
 * EKS cluster, node pools, VPC with one box per AZ, and Aurora member), tied together by the
 * global pieces (hosted zone, Aurora global cluster, Route 53 ARC). Built from the topology, so
 * whatever the plan lacks is simply not drawn. Rendered offline by Graphviz compiled to WASM.
 */
import { describeWaf } from "./describe";
import type { PlanDocument } from "./model";
import { readTopology, RegionTopology } from "./topology";
import type { MonitoringFigure, RegionMonitoringFigure } from "./monitoring";

// Plain JavaScript outside the bundle (see the file): the bundle keeps no import() of its own.
const { importEsm } = require("./import-esm") as { importEsm(specifier: string): Promise<unknown> };

function esc(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

function label(lines: (string | null | false | undefined)[]): string {
  return `"${lines.filter((l): l is string => typeof l === "string" && l.length > 0).map(esc).join("\\n")}"`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function sizeRange(min: number | null, max: number | null): string {
  return min === null && max === null ? "size not set" : `${min ?? "?"}–${max ?? "?"} nodes`;
}

const COLORS = { global: "#f1ecff", region: "#eef5ff", primary: "#e6f4ea", vpc: "#ffffff", az: "#fff8e1", db: "#fde7e9", dns: "#ede7f6", compute: "#e3f2fd", k8s: "#e0f2f1", missing: "#ffcdd2", data: "#fff3e0", edge: "#e0f7fa", monitoring: "#eceff1" };

interface RegionNodes {
  anchor: string;
  records?: string;
  healthCheck?: string;
  alb?: string;
  /** The serving path below the ALB: target group, Service, pods (or the missing link), in order. */
  serving: string[];
  eks?: string;
  pools: string[];
  azs: string[];
  db?: string;
  cache?: string;
  tables?: string;
  monitoring?: string;
}

/** The region's monitoring in one box: alarms and where they go, dashboard, Prometheus, probe. */
function monitoringLabel(m: RegionMonitoringFigure): string {
  const metricAlarms = m.alarms.filter((a) => a.kind === "metric").length;
  const subscribers = m.topics.reduce((n, t) => n + t.subscribers, 0);
  const unrouted = m.alarms.filter((a) => a.routed === "none" || a.routed === "unsubscribed").length;
  return label([
    "Monitoring",
    `${metricAlarms} alarms, ${m.alarms.length - metricAlarms} composite → SNS (${plural(subscribers, "subscriber")})`,
    unrouted ? `${unrouted} alarm(s) reach nobody` : null,
    m.dashboards.length ? `dashboard ${m.dashboards[0]}` : null,
    m.prometheus.workspaces ? `Prometheus ${m.prometheus.retentionDays ?? "?"} d + ${plural(m.prometheus.scrapers, "scraper")}` : null,
    ...m.canaries.map((c) => `canary ${c.schedule ?? ""}`),
  ]);
}

function regionCluster(t: RegionTopology, index: number, primary: boolean, out: string[], tables: { name: string; regions: string[] }[] = [], monitoring?: RegionMonitoringFigure): RegionNodes {
  const p = `r${index}`;
  const nodes: RegionNodes = { anchor: `${p}_anchor`, pools: [], azs: [], serving: [] };
  out.push(`  subgraph cluster_${p} {`, `    label=${label([`${t.region}${primary ? " (primary)" : ""}`])}; style="rounded,filled"; fillcolor="${primary ? COLORS.primary : COLORS.region}"; fontsize=14;`);
  out.push(`    ${nodes.anchor} [shape=point, style=invis, width=0];`);
  if (t.records.length) {
    nodes.records = `${p}_dns`;
    const lines = t.records.slice(0, 5).map((r) => `${r.recordName} ${r.recordType} ${r.routing}${r.failoverRole ? ` ${r.failoverRole}` : ""}${r.healthCheckId ? " ✓hc" : ""}`);
    if (t.records.length > 5) lines.push(`… ${t.records.length - 5} more`);
    out.push(`    ${nodes.records} [label=${label(["DNS records", ...lines])}, fillcolor="${COLORS.dns}"];`);
  }
  if (t.healthChecks.length) {
    nodes.healthCheck = `${p}_hc`;
    // Only endpoint checks poll; calculated and routing-control checks follow their inputs.
    const describeCheck = (h: (typeof t.healthChecks)[number]) =>
      h.type === "CALCULATED" ? "CALCULATED (of its children)" : h.type === "RECOVERY_CONTROL" ? "ARC routing control" : `${h.type} every ${h.requestIntervalSeconds} s ×${h.failureThreshold}`;
    const lines = t.healthChecks.slice(0, 3).map(describeCheck);
    out.push(`    ${nodes.healthCheck} [label=${label([plural(t.healthChecks.length, "health check"), ...lines])}, fillcolor="${COLORS.dns}", shape=hexagon];`);
  }
  // The serving path of the region's first target group: what the ALB forwards to, down to the pods.
  const path = t.servingPaths.find((sp) => !sp.complete) ?? t.servingPaths[0];
  if (t.loadBalancers.length) {
    nodes.alb = `${p}_alb`;
    const azs = Math.max(...t.loadBalancers.map((lb) => lb.azs.length));
    out.push(`    ${nodes.alb} [label=${label([t.loadBalancers.length > 1 ? `${t.loadBalancers.length} load balancers` : "ALB", azs ? `${azs} AZs` : null, path?.waf ? describeWaf(path.waf) : null])}, fillcolor="${COLORS.compute}"];`);
  }
  if (path) {
    const steps: [string, (string | null)[]][] = [[COLORS.compute, ["target group (ip)", path.targetGroup, path.healthCheckPath ? `health ${path.healthCheckPath}` : null]]];
    if (path.service) steps.push([COLORS.k8s, ["Service", path.service, path.binding ? "TargetGroupBinding" : null]]);
    if (path.workload) steps.push([COLORS.k8s, ["pods", path.workload, path.minPods !== null ? `≥ ${path.minPods}, probe ${path.healthCheckPath ?? "?"}` : null]]);
    if (!path.complete && path.missingLink !== "dns-record") steps.push([COLORS.missing, [`MISSING: ${path.missingLink}`]]);
    steps.forEach(([color, lines], i) => {
      const id = `${p}_serve${i}`;
      nodes.serving.push(id);
      out.push(`    ${id} [label=${label(lines)}, fillcolor="${color}"${color === COLORS.missing ? ", color=\"#c62828\", fontcolor=\"#c62828\"" : ""}];`);
    });
  }
  if (t.eksClusters.length) {
    nodes.eks = `${p}_eks`;
    out.push(`    ${nodes.eks} [label=${label(["EKS cluster", ...t.eksClusters.map((c) => `${c.name}${c.version ? ` (${c.version})` : ""}`)])}, fillcolor="${COLORS.compute}", shape=component];`);
  }
  t.nodePools.forEach((pool, i) => {
    const id = `${p}_pool${i}`;
    nodes.pools.push(id);
    out.push(`    ${id} [label=${label([`node pool (${pool.kind === "managed" ? "managed" : "ASG"})`, pool.name, sizeRange(pool.minSize, pool.maxSize), pool.azs.length ? plural(pool.azs.length, "AZ") : null])}, fillcolor="${COLORS.compute}"];`);
  });
  t.vpcs.forEach((vpc, v) => {
    out.push(`    subgraph cluster_${p}_vpc${v} {`, `      label=${label([`VPC ${vpc.cidrBlock ?? vpc.name}`])}; style="rounded,filled"; fillcolor="${COLORS.vpc}"; fontsize=11;`);
    const azs = vpc.azs.length ? vpc.azs : t.azs;
    azs.forEach((az, a) => {
      const id = `${p}_vpc${v}_az${a}`;
      nodes.azs.push(id);
      const nats = vpc.natGatewayAzs.filter((n) => n === az).length;
      const dbInstances = t.dbClusters.flatMap((c) => c.instances).filter((inst) => inst.az === az).length;
      out.push(`      ${id} [label=${label([az, vpc.subnetsByAz[az] ? plural(vpc.subnetsByAz[az], "subnet") : null, nats ? plural(nats, "NAT gateway") : null, dbInstances ? plural(dbInstances, "DB instance") : null])}, fillcolor="${COLORS.az}", shape=box3d];`);
    });
    out.push("    }");
  });
  if (t.dbClusters.length) {
    nodes.db = `${p}_db`;
    const lines = t.dbClusters.map((c) => `${c.role} ×${c.instances.length}`);
    out.push(`    ${nodes.db} [label=${label(["Aurora", ...lines])}, fillcolor="${COLORS.db}", shape=cylinder];`);
  }
  if (t.cacheGroups.length) {
    nodes.cache = `${p}_cache`;
    const lines = t.cacheGroups.map((g) => `${g.globalReplicationGroupId ? "secondary" : "primary"} ×${g.nodes ?? "?"}${g.multiAz ? " Multi-AZ" : ""}`);
    out.push(`    ${nodes.cache} [label=${label(["cache (Global Datastore member)", ...lines])}, fillcolor="${COLORS.data}", shape=cylinder];`);
  }
  const replicas = tables.filter((table) => table.regions.includes(t.region));
  if (replicas.length) {
    nodes.tables = `${p}_tables`;
    out.push(`    ${nodes.tables} [label=${label(["DynamoDB replicas", ...replicas.slice(0, 4).map((r) => r.name), replicas.length > 4 ? `… ${replicas.length - 4} more` : null])}, fillcolor="${COLORS.data}", shape=cylinder];`);
  }
  if (monitoring) {
    nodes.monitoring = `${p}_mon`;
    out.push(`    ${nodes.monitoring} [label=${monitoringLabel(monitoring)}, fillcolor="${COLORS.monitoring}", shape=note];`);
  }
  out.push("  }");

  // Keep the layers of a region in reading order, top to bottom.
  const layers = [nodes.anchor, nodes.records ?? nodes.healthCheck, nodes.alb, ...nodes.serving, nodes.pools[0] ?? nodes.eks, nodes.azs[0], nodes.db].filter((n): n is string => !!n);
  for (let i = 1; i < layers.length; i++) out.push(`  ${layers[i - 1]} -> ${layers[i]} [style=invis];`);
  // A node without edges would float to the top row; hang every one below the region's anchor.
  for (const node of [nodes.healthCheck, nodes.eks, ...nodes.pools, ...nodes.azs, nodes.cache, nodes.tables]) if (node) out.push(`  ${nodes.anchor} -> ${node} [style=invis];`);
  // AZs in name order, left to right.
  if (nodes.azs.length > 1) out.push(`  { rank=same; ${nodes.azs.join(" -> ")} [style=invis]; }`);
  if (nodes.records && nodes.alb) out.push(`  ${nodes.records} -> ${nodes.alb} [label="alias"];`);
  if (nodes.records && nodes.healthCheck) out.push(`  ${nodes.records} -> ${nodes.healthCheck} [style=dotted, arrowhead=none];`);
  if (nodes.healthCheck && nodes.alb) out.push(`  ${nodes.healthCheck} -> ${nodes.alb} [style=dashed, label="probes"];`);
  const servingLabels = ["forwards", "binding", "selects", ""];
  nodes.serving.forEach((id, i) => {
    const from = i === 0 ? nodes.alb : nodes.serving[i - 1];
    const broken = id.endsWith(`serve${nodes.serving.length - 1}`) && path !== undefined && !path.complete && path.missingLink !== "dns-record";
    if (from) out.push(`  ${from} -> ${id} [label="${broken ? "missing" : servingLabels[i] ?? ""}"${broken ? ', color="#c62828", style=dashed' : ""}];`);
  });
  const pods = path?.workload ? nodes.serving[path.service ? 2 : 1] : undefined;
  for (const pool of nodes.pools) {
    if (pods) out.push(`  ${pods} -> ${pool} [label="run on", style=dashed];`);
    else if (nodes.alb && nodes.serving.length === 0) out.push(`  ${nodes.alb} -> ${pool} [label="targets"];`);
    if (nodes.eks) out.push(`  ${pool} -> ${nodes.eks} [label="joins", style=dashed];`);
  }
  if (nodes.alb && nodes.pools.length === 0 && nodes.eks && nodes.serving.length === 0) out.push(`  ${nodes.alb} -> ${nodes.eks};`);
  if (nodes.monitoring) {
    out.push(`  ${nodes.anchor} -> ${nodes.monitoring} [style=invis];`);
    for (const watched of [nodes.alb, nodes.db]) if (watched) out.push(`  ${nodes.monitoring} -> ${watched} [style=dotted, label="watches", constraint=false];`);
    if (monitoring?.canaries.length && nodes.records) out.push(`  ${nodes.monitoring} -> ${nodes.records} [style=dashed, label="probes", constraint=false];`);
  }
  return nodes;
}

/** The diagram in Graphviz DOT. */
export function renderDot(plan: PlanDocument): string {
  const regionOrder = plan.resilience.regions.list.map((r) => r.region);
  const topology = readTopology(plan.stacks, regionOrder);
  const primary = plan.resilience.regions.primary;
  const out = [
    "digraph topology {",
    `  graph [rankdir=TB, newrank=true, compound=true, fontname="Helvetica", nodesep=0.35, ranksep=0.45, labelloc=t, fontsize=16, label=${label([`${plan.environment}: ${plural(topology.regions.length, "region")}, ${plan.summary.resources} resources`])}];`,
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9, color="#546e7a"];',
  ];
  const g = topology.global;
  const globalNodes: { zone?: string; gdb?: string; arc?: string; tables?: string; datastore?: string; edge?: string; views?: string } = {};
  const hasGlobal = g.zones.length + g.globalClusters.length + g.arc.clusters.length + g.arc.controlPanels.length + g.arc.routingControls.length + g.tables.length + g.cacheDatastores.length + g.distributions.length + (plan.resilience.monitoring?.global.dashboards.length ?? 0) > 0;
  // Nothing global planned (yet): no empty box, just the invisible anchor.
  out.push(hasGlobal ? "  subgraph cluster_global {" : "  subgraph global {", `    label="global"; style="rounded,filled"; fillcolor="${COLORS.global}"; fontsize=14;`);
  if (g.zones.length) {
    globalNodes.zone = "global_zone";
    out.push(`    global_zone [label=${label(["Route 53 hosted zone", ...g.zones.map((z) => z.zoneName)])}, fillcolor="${COLORS.dns}", shape=tab];`);
  }
  // The anchor holds the regions below it (ordering=out keeps them in order, left to right);
  // in the middle of the row, the global box sits centred above them.
  out.push(`    global_anchor [shape=point, style=invis, width=0, ordering=out];`);
  if (g.globalClusters.length) {
    globalNodes.gdb = "global_db";
    out.push(`    global_db [label=${label(["Aurora global cluster", ...g.globalClusters.map((c) => `${c.identifier ?? c.name}${c.engine ? ` (${c.engine})` : ""}`)])}, fillcolor="${COLORS.db}", shape=cylinder];`);
  }
  if (g.arc.clusters.length + g.arc.controlPanels.length + g.arc.routingControls.length) {
    globalNodes.arc = "global_arc";
    const controls = g.arc.routingControls.map((c) => c.controlName ?? c.name);
    out.push(`    global_arc [label=${label(["Route 53 ARC", `${plural(g.arc.clusters.length, "cluster")}, ${plural(g.arc.controlPanels.length, "control panel")}`, controls.length ? `controls: ${controls.slice(0, 6).join(", ")}` : null])}, fillcolor="${COLORS.dns}"];`);
  }
  if (g.distributions.length) {
    globalNodes.edge = "global_edge";
    const lines = g.distributions.map((d) => `${d.aliases[0] ?? d.name}${d.webAcl ? " + WAF" : ""}`);
    out.push(`    global_edge [label=${label(["CloudFront", ...lines])}, fillcolor="${COLORS.edge}", shape=octagon];`);
  }
  if (g.tables.length) {
    globalNodes.tables = "global_tables";
    const lines = g.tables.slice(0, 5).map((t) => `${t.tableName ?? t.name} (${t.consistency === "STRONG" ? "strong" : "eventual"})`);
    out.push(`    global_tables [label=${label(["DynamoDB global tables", ...lines, g.tables.length > 5 ? `… ${g.tables.length - 5} more` : null])}, fillcolor="${COLORS.data}", shape=cylinder];`);
  }
  if (g.cacheDatastores.length) {
    globalNodes.datastore = "global_cache";
    out.push(`    global_cache [label=${label(["cache Global Datastore", ...g.cacheDatastores.map((d) => `${d.globalReplicationGroupId ?? d.name}${d.region ? ` (home ${d.region})` : ""}`)])}, fillcolor="${COLORS.data}", shape=cylinder];`);
  }
  const views = plan.resilience.monitoring?.global;
  if (views && views.dashboards.length + views.grafana.length > 0) {
    globalNodes.views = "global_views";
    out.push(`    global_views [label=${label(["Global view", ...views.dashboards.map((d) => `dashboard ${d}`), ...views.grafana.map((g) => `Grafana ${g.name}`)])}, fillcolor="${COLORS.monitoring}", shape=note];`);
  }
  // All global pieces on the top row, whatever their edges into the regions would pull them to.
  const globalIds = [globalNodes.edge, globalNodes.zone, "global_anchor", globalNodes.gdb, globalNodes.arc, globalNodes.tables, globalNodes.datastore, globalNodes.views].filter((n): n is string => !!n);
  out.push(`    { rank=same; ${globalIds.join("; ")}; }`, "  }");

  // One invisible box around all regions: Graphviz keeps clusters apart, so the global box
  // cannot slip into a gap between two regions.
  out.push('  subgraph cluster_regions {', '    label=""; style=invis;');
  const monitoring: MonitoringFigure | undefined = plan.resilience.monitoring;
  const regions = topology.regions.map((t, i) => regionCluster(t, i, t.region === primary, out, g.tables.map((table) => ({ name: table.tableName ?? table.name, regions: table.regions })), monitoring?.regions.find((m) => m.region === t.region)));
  out.push("  }");
  if (regions.length) {
    // Same row, and in the environment's order from left to right.
    out.push(`  { rank=same; ${regions.map((r) => r.anchor).join(" -> ")} [style=invis]; }`);
  }
  const primaryNodes = regions[topology.regions.findIndex((t) => t.region === primary)];
  regions.forEach((r) => {
    // Two ranks apart, so the regions' boxes (label and margin) start below the global box.
    out.push(`  global_anchor -> ${r.anchor} [style=invis, minlen=2];`);
    // constraint=false on these long edges: left to rank, they reorder the regions and AZs.
    if (globalNodes.zone && r.records) out.push(`  global_zone -> ${r.records} [label="records", constraint=false];`);
    if (globalNodes.gdb && r.db) out.push(`  global_db -> ${r.db} [label="member", color="#c62828", constraint=false];`);
    if (globalNodes.arc && r.healthCheck) out.push(`  global_arc -> ${r.healthCheck} [style=dashed, label="routing control", constraint=false];`);
    if (globalNodes.views && r.monitoring) out.push(`  global_views -> ${r.monitoring} [style=dotted, label="side by side", constraint=false];`);
    if (primaryNodes?.db && r.db && r !== primaryNodes) out.push(`  ${primaryNodes.db} -> ${r.db} [style=dashed, label="replicates", constraint=false];`);
    if (globalNodes.tables && r.tables) out.push(`  global_tables -> ${r.tables} [label="replica", color="#ef6c00", constraint=false];`);
    if (globalNodes.datastore && r.cache) out.push(`  global_cache -> ${r.cache} [label="member", color="#ef6c00", constraint=false];`);
    if (globalNodes.edge && r.alb) out.push(`  global_edge -> ${r.alb} [label="origin", style=dashed, constraint=false];`);
  });
  out.push("}");
  return `${out.join("\n")}\n`;
}

/** SVG of a DOT graph, rendered by Graphviz compiled to WebAssembly (no system install). */
export async function renderSvg(dot: string): Promise<string> {
  const { Graphviz } = (await importEsm("@hpcc-js/wasm-graphviz")) as typeof import("@hpcc-js/wasm-graphviz");
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot, "svg");
}
