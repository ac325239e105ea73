/**
 * Environment rules: they need every region at once. The offline plan runs them across all
 * stacks of an environment (evaluateEnvironment); the pack runs them as stack rules only in a
 * self-contained stack (a single-stack program), where the whole environment is visible.
 */
import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { ALB_ALIAS_TTL_SECONDS, checkTimeoutSeconds, worstCaseDnsFailoverSeconds } from "../../components/lib/failover";
import { DEFAULT_FAILOVER_BUDGET_SECONDS, integer, readConfig, stringList, text } from "../config";
import { AsgProps, AuroraClusterProps, GlobalClusterProps, HealthCheckProps, NodeGroupProps, RecordProps, TYPES } from "./aws-types";
import { describe, isSelfContained, isSet, knownItems, knownNumber, knownString, metaFields, ofType, read, referencedBy, regionOf, RuleMeta, stackRule, UNKNOWN, workloadRegions } from "./kit";

export interface EnvironmentRule<C = Record<string, unknown>> {
  readonly policy: StackValidationPolicy;
  /** The check itself, over every resource of the environment, with the effective config. */
  run(resources: readonly PolicyResource[], report: ReportViolation, config: C): void;
}

export function environmentRule<C>(meta: RuleMeta, run: (resources: readonly PolicyResource[], report: ReportViolation, config: C) => void): EnvironmentRule<C> {
  return {
    run,
    policy: {
      ...metaFields(meta),
      validateStack: (args, report) => {
        if (!isSelfContained(args.resources)) args.notApplicable("needs the whole environment: this stack is one part of it (the offline plan checks across stacks)");
        run(args.resources, report, readConfig<C>(args, meta.thresholds));
      },
    },
  };
}

export const multiRegion = environmentRule<{ minRegions: number }>(
  {
    name: "environment-multi-region",
    description: "The environment runs in at least two regions.",
    enforcementLevel: "mandatory",
    severity: "critical",
    thresholds: { minRegions: integer(2, "Regions the environment must run workloads in.", { minimum: 2 }) },
  },
  (resources, report, config) => {
    const regions = [...workloadRegions(resources)].sort();
    if (regions.length < config.minRegions) report(`The environment runs in ${regions.length} region(s) (${regions.join(", ") || "none"}); it needs at least ${config.minRegions} to survive a regional outage.`);
  },
);

export const globalDatabaseCrossRegion = environmentRule<{ minRegions: number }>(
  {
    name: "global-database-cross-region",
    description: "Every Aurora global database has member clusters in at least two regions: the primary and at least one secondary.",
    enforcementLevel: "mandatory",
    severity: "critical",
    thresholds: { minRegions: integer(2, "Regions the members of each global database must span.", { minimum: 2, maximum: 11 }) },
  },
  (resources, report, config) => {
    const globals = ofType(resources, TYPES.globalCluster);
    const byIdentifier = new Map(globals.map((g) => [knownString(() => (g.props as GlobalClusterProps).globalClusterIdentifier), g.urn] as const).filter(([id]) => id !== undefined));
    const groups = new Map<string, Set<string>>(globals.map((g) => [g.urn, new Set<string>()]));
    for (const cluster of ofType(resources, TYPES.auroraCluster)) {
      const props = cluster.props as AuroraClusterProps;
      if (!isSet(() => props.globalClusterIdentifier)) continue;
      const identifier = knownString(() => props.globalClusterIdentifier);
      const key = referencedBy(cluster, "globalClusterIdentifier", TYPES.globalCluster)[0]?.urn ?? (identifier && byIdentifier.get(identifier)) ?? identifier ?? (globals.length === 1 ? globals[0].urn : "(unresolved)");
      if (!groups.has(key)) groups.set(key, new Set());
      const region = regionOf(cluster);
      if (region) groups.get(key)!.add(region);
    }
    for (const [key, regions] of groups) {
      const global = globals.find((g) => g.urn === key);
      const name = global ? describe(global) : `global database ${key}`;
      if (regions.size < config.minRegions) {
        report(`${name} has member clusters in ${regions.size} region(s) (${[...regions].sort().join(", ") || "none"}); add a secondary cluster in another region (at least ${config.minRegions} regions).`, global?.urn);
      }
    }
  },
);

const normalizeName = (name: string) => name.toLowerCase().replace(/\.$/, "");
const nameMatches = (name: string, wanted: string) => name === wanted || name.startsWith(`${wanted}.`) || wanted.startsWith(`${name}.`);

function recordsWith(resources: readonly PolicyResource[], policy: "latencyRoutingPolicies" | "failoverRoutingPolicies"): Map<string, PolicyResource[]> {
  const groups = new Map<string, PolicyResource[]>();
  for (const record of ofType(resources, TYPES.record)) {
    const props = record.props as RecordProps;
    const name = knownString(() => props.name);
    if (!name || !isSet(() => props[policy])) continue;
    const key = `${normalizeName(name)} ${knownString(() => props.type) ?? "?"}`;
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  return groups;
}

export const latencyRoutingCoversRegions = environmentRule<{ regions: string[]; appRecordName: string }>(
  {
    name: "latency-routing-covers-regions",
    description: "Every region of the environment is registered in latency routing: each latency-routed name has a record for every region.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: {
      regions: stringList([], "Regions that must be registered besides those with workloads (the environment's region list)."),
      appRecordName: text("", "Application name that must be latency-routed (label or FQDN); empty = every latency-routed name."),
    },
  },
  (resources, report, config) => {
    const expected = [...new Set([...config.regions, ...workloadRegions(resources)])].sort();
    if (expected.length === 0) return;
    const groups = recordsWith(resources, "latencyRoutingPolicies");
    const app = normalizeName(config.appRecordName);
    const relevant = [...groups].filter(([key]) => !app || nameMatches(key.split(" ")[0], app));
    if (relevant.length === 0) {
      report(`No latency-routed record${app ? ` for ${app}` : ""}: regions ${expected.join(", ")} are not registered in latency routing.`);
      return;
    }
    for (const [key, records] of relevant) {
      const covered = new Set(records.flatMap((r) => knownItems(() => (r.props as RecordProps).latencyRoutingPolicies).map((p) => knownString(() => p.region))));
      const missing = expected.filter((region) => !covered.has(region));
      if (missing.length > 0) report(`Latency-routed ${key.replace(" ", " (")}) has no record for ${missing.join(", ")}: traffic never reaches ${missing.length === 1 ? "that region" : "those regions"}.`, records[0].urn);
    }
  },
);

/** Maximum node count per region: Auto Scaling groups' maxSize plus managed node groups' scalingConfig.maxSize. */
export function nodeCapacityByRegion(resources: readonly PolicyResource[]): Map<string, number> {
  const capacity = new Map<string, number>();
  const add = (resource: PolicyResource, nodes: number | undefined) => {
    const region = regionOf(resource);
    if (region && nodes !== undefined) capacity.set(region, (capacity.get(region) ?? 0) + nodes);
  };
  for (const asg of ofType(resources, TYPES.asg)) add(asg, knownNumber(() => (asg.props as AsgProps).maxSize));
  for (const group of ofType(resources, TYPES.nodeGroup)) add(group, knownNumber(() => (group.props as NodeGroupProps).scalingConfig?.maxSize));
  return capacity;
}

export const capacitySurvivesRegionLoss = environmentRule<{ peakNodes: number }>(
  {
    name: "capacity-survives-region-loss",
    description: "After losing its largest region, the environment's remaining maximum node capacity still covers the configured peak.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { peakNodes: integer(0, "Nodes the whole environment needs at peak (the environment's globalPeakNodes); 0 = not checked.", { minimum: 0 }) },
  },
  (resources, report, config) => {
    if (config.peakNodes <= 0) return;
    const capacity = [...nodeCapacityByRegion(resources)].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const [largest] = capacity;
    const surviving = capacity.slice(1);
    const left = surviving.reduce((sum, [, nodes]) => sum + nodes, 0);
    if (left < config.peakNodes) {
      const lost = largest ? `losing ${largest[0]} (${largest[1]} nodes, the largest region)` : "with no node pools";
      report(`${lost[0].toUpperCase()}${lost.slice(1)} leaves ${left} node(s) of maximum capacity${surviving.length ? ` in ${surviving.map(([r]) => r).join(", ")}` : ""}; the peak needs ${config.peakNodes}. Raise the node pools' maxSize or add a region.`);
    }
  },
);

/**
 * A stack rule, though the budget is the environment's: a record and the health check it follows
 * live in the same regional stack, so the CLI runs it on every `pulumi preview`/`up` (an
 * environment rule only runs in the offline plan).
 */
export const failoverTimeBudget = stackRule<{ budgetSeconds: number }>(
  {
    name: "failover-time-budget",
    description: "For every health-checked routing record, detection (threshold × (interval + the check's timeout)) plus the answer's TTL fits the failover budget.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { budgetSeconds: integer(DEFAULT_FAILOVER_BUDGET_SECONDS, "Longest acceptable time (s) from a regional outage to DNS answering with other regions (the environment's failoverBudgetSeconds).", { minimum: 10 }) },
  },
  (resources, { report, config }) => {
    for (const record of ofType(resources, TYPES.record)) {
      const props = record.props as RecordProps;
      const [check] = referencedBy(record, "healthCheckId", TYPES.healthCheck);
      if (!check) continue;
      // Alias records have no TTL of their own: resolvers cache the target's (60 s for an ALB).
      const ttl = knownItems(() => props.aliases).length > 0 ? ALB_ALIAS_TTL_SECONDS : knownNumber(() => props.ttl);
      const detection = detectionOf(check);
      if (ttl === undefined || detection === undefined) continue;
      if ("invalid" in detection) {
        report(`${describe(record)}: health check ${check.name} is invalid (${detection.invalid}).`, record.urn);
        continue;
      }
      const worst = detection.seconds + ttl;
      if (worst > config.budgetSeconds) {
        report(`${describe(record)} fails over in up to ${worst} s (${detection.explain} + ${ttl} s TTL); the budget is ${config.budgetSeconds} s.`, record.urn);
      }
    }
  },
);

type Detection = { seconds: number; explain: string } | { invalid: string };

/**
 * Worst-case time for a health check to turn unhealthy. A CALCULATED check is as slow as its
 * slowest child; a RECOVERY_CONTROL check flips when an operator flips the routing control, so
 * it adds nothing. Undefined while the settings are unknown (preview).
 */
function detectionOf(check: PolicyResource, depth = 0): Detection | undefined {
  const hc = check.props as HealthCheckProps;
  const type = knownString(() => hc.type);
  if (type === "RECOVERY_CONTROL") return { seconds: 0, explain: "routing control" };
  if (type === "CALCULATED") {
    const children = referencedBy(check, "childHealthchecks", TYPES.healthCheck);
    if (children.length === 0 || depth > 3) return undefined;
    const details = children.map((child) => detectionOf(child, depth + 1));
    if (details.some((d) => d === undefined)) return undefined;
    const invalid = details.find((d): d is { invalid: string } => "invalid" in d!);
    if (invalid) return invalid;
    return (details as { seconds: number; explain: string }[]).reduce((a, b) => (b.seconds > a.seconds ? b : a));
  }
  if (read(() => hc.requestInterval) === UNKNOWN) return undefined;
  const interval = knownNumber(() => hc.requestInterval) ?? 30;
  const threshold = knownNumber(() => hc.failureThreshold) ?? 3;
  try {
    return { seconds: worstCaseDnsFailoverSeconds({ healthCheckIntervalSeconds: interval, healthCheckFailureThreshold: threshold, recordTtlSeconds: 0, healthCheckType: type }), explain: `${threshold} × (${interval} s + ${checkTimeoutSeconds(type)} s timeout)` };
  } catch (error) {
    return { invalid: (error as Error).message };
  }
}

export const failoverPairs = environmentRule(
  {
    name: "dns-failover-pairs",
    description: "Failover-routed names have exactly one PRIMARY and one SECONDARY record.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  (resources, report) => {
    for (const [key, records] of recordsWith(resources, "failoverRoutingPolicies")) {
      const roles = records.flatMap((r) => knownItems(() => (r.props as RecordProps).failoverRoutingPolicies).map((p) => knownString(() => p.type)));
      const primaries = roles.filter((t) => t === "PRIMARY").length;
      const secondaries = roles.filter((t) => t === "SECONDARY").length;
      if (primaries !== 1 || secondaries !== 1) {
        report(`Failover-routed ${key.replace(" ", " (")}) has ${primaries} PRIMARY and ${secondaries} SECONDARY record(s); it needs exactly one of each.`, records[0].urn);
      }
    }
  },
);

export const ENVIRONMENT_RULES: readonly EnvironmentRule[] = [
  multiRegion,
  globalDatabaseCrossRegion,
  latencyRoutingCoversRegions,
  capacitySurvivesRegionLoss,
  failoverPairs,
];

/** Rules of the environment's settings that judge one stack at a time. */
export const ENVIRONMENT_STACK_POLICIES = [failoverTimeBudget];
