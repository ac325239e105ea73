/**
 * Cost rules, advisory by default: the environment's monthly budget, the cost a pull request adds
 * (checked by the offline plan against its --diff base), a Spot floor for Kubernetes node pools,
 * log groups that never expire, and buckets that keep objects in S3 Standard for ever (the
 * cold-storage advice). The arithmetic is the cost model's (policies/cost).
 */
import type { PolicyResource } from "@pulumi/policy";
import { integer, text, Threshold } from "../config";
import {
  BUCKET_TYPES,
  CostResource,
  daysInStandard,
  dollars,
  estimateCost,
  figuresOf,
  groupFigures,
  LIFECYCLE_TYPES,
  loadPriceTable,
  loadUsage,
  purchaseSplit,
  summarizeLifecycle,
  type CostChange,
} from "../cost";
import { AsgProps, NodeGroupProps, TYPES } from "./aws-types";
import { environmentRule } from "./environment";
import { describe, knownItems, knownNumber, knownString, ofType, read, referencing, regionOf, resourceRule, stackRule, UNKNOWN } from "./kit";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

/** A policy view as the cost model reads it: known values only (unknowns dropped), references as URNs. */
function plain(value: unknown, depth = 0): unknown {
  if (depth > 10) return undefined;
  if (Array.isArray(value)) return knownItems(() => value).map((v) => plain(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const v = read(() => (value as Record<string, unknown>)[key]);
      if (v !== UNKNOWN) out[key] = plain(v, depth + 1);
    }
    return out;
  }
  return value;
}

export function costResourcesOf(resources: readonly PolicyResource[]): CostResource[] {
  return resources.map((r) => {
    const inputs = plain(r.props) as Record<string, unknown>;
    const ids = ["id", "arn", "name", "bucket", "clusterIdentifier", "replicationGroupId"].map((k) => inputs[k]).filter((v): v is string => typeof v === "string" && v.length > 2);
    const dependencies = Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [k, deps.map((d) => d.urn)]));
    return { urn: r.urn, type: r.type, name: r.name, stack: "", region: regionOf(r) ?? null, inputs, ids, dependencies };
  });
}

const figureThreshold: Threshold = { type: "string", enum: ["baseline", "ceiling"], default: "baseline", description: "Figure compared with the budget: baseline (desired capacity) or ceiling (every node pool at its maximum, the failover case)." };

export const monthlyBudget = environmentRule<{ monthlyBudgetUsd: number; figure: "baseline" | "ceiling"; usageProfile: string }>(
  {
    name: "cost-monthly-budget",
    description: "The environment's estimated monthly cost (data/cost/prices.json with the usage assumptions of data/cost/usage.json) stays within its budget.",
    enforcementLevel: "advisory",
    severity: "medium",
    thresholds: {
      monthlyBudgetUsd: integer(0, "Monthly budget in USD (the environment's costMonthlyBudgetUsd); 0 = not checked.", { minimum: 0 }),
      figure: figureThreshold,
      usageProfile: text("", "Profile of data/cost/usage.json to apply (the environment's name); empty = the defaults."),
    },
  },
  (resources, report, config) => {
    if (config.monthlyBudgetUsd <= 0) return;
    const estimate = estimateCost(costResourcesOf(resources), loadPriceTable(), loadUsage(config.usageProfile || null));
    const total = figuresOf(estimate.lines);
    const figure = config.figure === "ceiling" ? total.ceilingUsd : total.baselineUsd;
    if (figure <= config.monthlyBudgetUsd) return;
    const top = [...groupFigures(estimate.lines, (l) => l.type)].sort((a, b) => b[1].baselineUsd - a[1].baselineUsd).slice(0, 3).map(([type, f]) => `${type.split(":").pop()} ${dollars(f.baselineUsd)}`);
    const lowerBound = estimate.unpriced.length ? `; ${estimate.unpriced.length} charge(s) are unpriced, so the estimate is a lower bound` : "";
    report(`Estimated ${config.figure} cost ${dollars(figure)}/month (baseline ${dollars(total.baselineUsd)}, ceiling ${dollars(total.ceilingUsd)}) is over the ${dollars(config.monthlyBudgetUsd)} budget by ${dollars(figure - config.monthlyBudgetUsd)}; largest: ${top.join(", ")}${lowerBound}. See the plan's cost section.`);
  },
);

/** Judged by the offline plan against its --diff base; the pack alone has no base to compare with. */
export const changePerPullRequest = stackRule<{ maxMonthlyIncreaseUsd: number; maxIncreasePercent: number }>(
  {
    name: "cost-change-per-pr",
    description: "A change raises the estimated monthly cost by at most the thresholds (checked by `npm run plan -- --diff BASE.json`); the PR comment leads with a change past them.",
    enforcementLevel: "advisory",
    severity: "medium",
    thresholds: {
      maxMonthlyIncreaseUsd: integer(1000, "Largest monthly increase (USD, baseline) a change may add without a finding; 0 = not judged by amount.", { minimum: 0 }),
      maxIncreasePercent: integer(10, "Largest increase relative to the base (%, baseline); 0 = not judged by share.", { minimum: 0 }),
    },
  },
  (_resources, { args }) => args.notApplicable("compares a plan with its base: the offline plan checks it with --diff"),
);

export function costChangeMessage(change: CostChange): string {
  const percent = change.percent === null ? "" : ` (+${change.percent}%)`;
  const where = change.byRegion.slice(0, 3).map((r) => `${r.region} ${r.baselineUsd >= 0 ? "+" : "-"}${dollars(Math.abs(r.baselineUsd))}`);
  const limits = [change.thresholds.maxMonthlyIncreaseUsd ? `${dollars(change.thresholds.maxMonthlyIncreaseUsd)}` : null, change.thresholds.maxIncreasePercent ? `${change.thresholds.maxIncreasePercent}%` : null].filter(Boolean).join(" / ");
  return `This change adds ${dollars(change.delta.baselineUsd)}/month${percent} at desired capacity (${change.delta.ceilingUsd >= 0 ? "+" : "-"}${dollars(Math.abs(change.delta.ceilingUsd))} at the ceiling), past the ${limits} threshold; by region: ${where.join(", ")}.`;
}

const K8S_NODE_TAG = /^(kubernetes\.io\/cluster\/|k8s\.io\/cluster-autoscaler\/)/;

export const spotShare = resourceRule<AsgProps & NodeGroupProps, { minSpotPercent: number }>(
  {
    name: "cost-spot-share",
    description: "Kubernetes node pools (EKS managed node groups, Auto Scaling groups tagged for a cluster) run at least a floor share of Spot capacity when scaled to their maximum.",
    enforcementLevel: "advisory",
    severity: "low",
    thresholds: { minSpotPercent: integer(20, "Smallest Spot share (%) of a node pool at its maximum size; 0 = not checked.", { minimum: 0, maximum: 100 }) },
    remediationSteps: "Lower onDemandPercentageAboveBaseCapacity or onDemandBaseCapacity (Auto Scaling), or add a SPOT managed node group; Kubernetes reschedules the pods of an interrupted node.",
  },
  [TYPES.asg, TYPES.nodeGroup],
  (props, { args, report, config }) => {
    if (config.minSpotPercent <= 0) return;
    let desired: number | undefined, max: number | undefined, split: (n: number) => ReturnType<typeof purchaseSplit>;
    if (args.type === TYPES.nodeGroup) {
      max = knownNumber(() => props.scalingConfig?.maxSize);
      desired = knownNumber(() => props.scalingConfig?.desiredSize) ?? knownNumber(() => props.scalingConfig?.minSize);
      const spot = read(() => props.capacityType);
      if (spot === UNKNOWN) return;
      split = (n) => (spot === "SPOT" ? purchaseSplit(n, 0, 0) : purchaseSplit(n, n, 100));
    } else {
      const tags = knownItems(() => props.tags).map((t) => knownString(() => t.key) ?? "");
      if (!tags.some((key) => K8S_NODE_TAG.test(key))) return;
      max = knownNumber(() => props.maxSize);
      desired = knownNumber(() => props.desiredCapacity) ?? knownNumber(() => props.minSize);
      const mixed = read(() => props.mixedInstancesPolicy);
      if (mixed === UNKNOWN) return;
      const base = knownNumber(() => props.mixedInstancesPolicy?.instancesDistribution?.onDemandBaseCapacity) ?? 0;
      const percent = mixed ? knownNumber(() => props.mixedInstancesPolicy?.instancesDistribution?.onDemandPercentageAboveBaseCapacity) ?? 100 : 100;
      split = (n) => purchaseSplit(n, base, percent);
    }
    if (max === undefined) return;
    const atMax = split(max);
    if (atMax.spotPercent >= config.minSpotPercent) return;
    const atDesired = desired === undefined ? "" : ` (${Math.round(split(desired).spotPercent)}% at the desired ${desired})`;
    report(`${describe(args)} runs ${Math.round(atMax.spotPercent)}% Spot at its maximum of ${max} nodes${atDesired}; the floor is ${config.minSpotPercent}%. Spot costs far less for pods Kubernetes can reschedule.`);
  },
);

export const logRetention = resourceRule<{ retentionInDays?: number; name?: string }, { maxRetentionDays: number }>(
  {
    name: "cost-log-retention",
    description: "CloudWatch log groups set a retention: a group that never expires grows (and bills storage) without bound.",
    enforcementLevel: "advisory",
    severity: "low",
    thresholds: { maxRetentionDays: integer(0, "Longest retention allowed (days); 0 = any retention is fine, only never-expiring groups are reported.", { minimum: 0 }) },
  },
  [LOG_GROUP],
  (props, { args, report, config }) => {
    if (read(() => props.retentionInDays) === UNKNOWN) return;
    const days = knownNumber(() => props.retentionInDays) ?? 0;
    if (days === 0) report(`${describe(args)} never expires its logs: storage grows every month. Set retentionInDays (e.g. 90 or 365), or export old logs to S3 Glacier.`);
    else if (config.maxRetentionDays > 0 && days > config.maxRetentionDays) report(`${describe(args)} keeps logs ${days} days; the limit is ${config.maxRetentionDays}.`);
  },
);

export const bucketColdStorage = stackRule<{ maxStandardDays: number }>(
  {
    name: "cost-bucket-cold-storage",
    description: "S3 buckets move objects to a colder storage class (or expire them) within a number of days, through lifecycle rules.",
    enforcementLevel: "advisory",
    severity: "low",
    thresholds: { maxStandardDays: integer(90, "Longest time (days) objects may stay in S3 Standard before a transition or expiration.", { minimum: 1 }) },
    remediationSteps: "Add a BucketLifecycleConfiguration with a transition to GLACIER_IR, GLACIER or DEEP_ARCHIVE (or an expiration) for objects that are rarely read.",
  },
  (resources, { report, config }) => {
    const configs = ofType(resources, LIFECYCLE_TYPES);
    for (const bucket of ofType(resources, BUCKET_TYPES)) {
      const names = [knownString(() => bucket.props.bucket), knownString(() => bucket.props.id)].filter((n): n is string => !!n);
      const linked = referencing(resources, LIFECYCLE_TYPES, "bucket", bucket);
      const byName = configs.filter((c) => names.includes(knownString(() => c.props.bucket) ?? ""));
      const rules = [...new Set([...linked, ...byName])].flatMap((c) => knownItems(() => c.props.rules as unknown[]));
      const inline = knownItems(() => bucket.props.lifecycleRules as unknown[]);
      const days = daysInStandard(summarizeLifecycle([...rules, ...inline].map((r) => plain(r))));
      if (days === null) report(`${describe(bucket)} keeps objects in S3 Standard for ever: no lifecycle rule moves them to a colder class or expires them.`, bucket.urn);
      else if (days > config.maxStandardDays) report(`${describe(bucket)} keeps objects ${days} days in S3 Standard before a transition or expiration; the limit is ${config.maxStandardDays}.`, bucket.urn);
    }
  },
);

export const COST_POLICIES = [spotShare, logRetention, bucketColdStorage, changePerPullRequest];
export const COST_ENVIRONMENT_RULES = [monthlyBudget];
