/**
 * What the game-day command needs to know about an environment, read from its offline plan (the
 * plan JSON of `npm run plan`): whether it may rehearse at all (no mandatory violation), its
 * regions, each region's experiments (resilience.experiments), the alarms to watch
 * (resilience.monitoring) and the Route 53 health checks that keep each region in rotation. Pure
 * functions over the document; the AWS side is tools/gameday/aws.ts.
 */
import type { ExperimentFigure } from "../plan/experiments";
import type { PlanDocument } from "../plan/model";
import { CommandError } from "../commands/errors";
import { practiceRunsBlockedAt } from "../../components/chaos/autoshift-plan";

/**
 * Experiments that accept losing data (an Aurora global failover): deployed only with
 * platform:faultInjectionDataLoss, and the command wants `--allow-data-loss` as well.
 */
export const DATA_LOSS_EXPERIMENTS: readonly string[] = ["aurora-failover"];
/** Experiments that move the global database's writer to the region (never to where it is already: RDS is asked). */
export const WRITER_EXPERIMENTS: readonly string[] = ["aurora-switchover", "aurora-failover"];
/** Route 53 health check types GetHealthCheckStatus answers for (not CALCULATED, CLOUDWATCH_METRIC or RECOVERY_CONTROL). */
const ENDPOINT_CHECK_TYPES = new Set(["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"]);

export interface WatchedAlarm {
  name: string;
  /** Region the alarm lives in (Route 53 alarms of every region live in us-east-1). */
  alarmRegion: string;
  /** The serving region it watches. */
  region: string;
}

export interface GamedayTarget {
  environment: string;
  region: string;
  /** `<environment>-<region>`: names, tags and the template's scope tag. */
  prefix: string;
  regions: string[];
  primary: string | null;
  experiment: ExperimentFigure;
  /** The catalogue id the operator typed (`az-power-1`, `pod-delete`, ...). */
  id: string;
  dataLoss: boolean;
  alarms: WatchedAlarm[];
  /** Health checks by serving region: the `Name` tags of their endpoint checks. */
  healthChecks: Record<string, string[]>;
}

/** Mandatory violations of the plan, one line each. */
export function mandatoryViolations(plan: PlanDocument): string[] {
  return plan.stacks.flatMap((s) => s.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${s.stack}: ${v.policy}: ${v.message}`));
}

/** The experiment's id within its region: the template's name less the region's prefix. */
export function experimentId(prefix: string, e: ExperimentFigure): string {
  return e.name.startsWith(`${prefix}-`) ? e.name.slice(prefix.length + 1) : e.name;
}

/**
 * Everything the command checks and follows for `experiment` in `region`, or a CommandError
 * naming the field, the value and the fix.
 */
export function gamedayTarget(plan: PlanDocument, region: string, experiment: string): GamedayTarget {
  const violations = mandatoryViolations(plan);
  if (violations.length) {
    const shown = violations.slice(0, 5).map((v) => `  - ${v}`).join("\n");
    throw new CommandError(`environment ${plan.environment} has ${violations.length} mandatory policy violation(s); an environment that fails its own policies is not rehearsed:\n${shown}${violations.length > 5 ? `\n  - ... ${violations.length - 5} more` : ""}\nFix them (npm run plan -- --env ${plan.environment}) and deploy, then run the game day.`);
  }
  const regions = plan.resilience.regions.list.map((r) => r.region);
  if (!regions.includes(region)) throw new CommandError(`--region ${region} is not a region of environment ${plan.environment}; use one of ${regions.join(", ") || "(none planned)"}`);
  const prefix = `${plan.environment}-${region}`;
  const mine = plan.resilience.experiments?.regions.find((r) => r.region === region);
  const available = (mine?.experiments ?? []).map((e) => experimentId(prefix, e));
  const found = mine?.experiments.find((e) => experimentId(prefix, e) === experiment);
  if (!found && DATA_LOSS_EXPERIMENTS.includes(experiment) && available.includes("aurora-switchover")) {
    // Not deployed by default (components/chaos: a data-losing failover is one console click away
    // for anyone allowed fis:StartExperiment): say how to get it, and where.
    throw new CommandError(
      `experiment ${experiment} is not deployed in ${plan.environment}: it fails the global database over ALLOWING DATA LOSS, so the stacks create it only with platform:faultInjectionDataLoss: true. ` +
        `To rehearse an unplanned failover, set platform:faultInjectionDataLoss: true in Pulumi.<env>.yaml of a non-production environment (or of one chosen deliberately for the rehearsal), deploy every regional stack, run it with --allow-data-loss, then set it back to false and deploy (docs/runbooks/game-day.md, "The data-losing failover"); or rehearse aurora-switchover (no data loss)`,
    );
  }
  if (!found) {
    throw new CommandError(`experiment ${experiment} is not planned in ${region}; use one of ${available.join(", ") || "(none: faultInjection is off or the region has no experiment)"}`);
  }
  if (!found.stoppable) throw new CommandError(`experiment ${experiment} in ${region} has no alarm to stop it (stop conditions: ${found.stopConditions.join(", ") || "none"}); give it stop conditions before running it`);
  const primary = plan.resilience.regions.primary;
  // A switchover to the primary is the way back after a rehearsed one: whether the writer is there
  // already is RDS's answer (the command asks before starting). A failover there loses data for
  // nothing: the writer comes back without loss by switchover.
  if (found.experiment && DATA_LOSS_EXPERIMENTS.includes(found.experiment) && region === primary) {
    throw new CommandError(`experiment ${experiment} fails the global database's writer over to ${region}, the primary region (platform:regions lists it first), ALLOWING DATA LOSS; to bring the writer back there run aurora-switchover --region ${region} (no data loss), and rehearse the failover with --region set to a secondary (${regions.filter((r) => r !== region).join(", ")})`);
  }
  const alarms = (plan.resilience.monitoring?.regions ?? []).flatMap((m) => m.alarms.map((a) => ({ name: a.name, alarmRegion: a.alarmRegion ?? m.region, region: m.region })));
  const healthChecks: Record<string, string[]> = Object.fromEntries(regions.map((r) => [r, []]));
  for (const stack of plan.stacks) {
    for (const r of stack.resources) {
      if (r.type !== "aws:route53/healthCheck:HealthCheck" || !ENDPOINT_CHECK_TYPES.has(String(r.inputs.type))) continue;
      const name = (r.inputs.tags as Record<string, unknown> | undefined)?.Name;
      const owner = stack.role === "region" ? stack.region : null;
      if (typeof name === "string" && owner && healthChecks[owner]) healthChecks[owner].push(name);
    }
  }
  return {
    environment: plan.environment,
    region,
    prefix,
    regions,
    primary,
    experiment: found,
    id: experiment,
    dataLoss: found.experiment !== null && DATA_LOSS_EXPERIMENTS.includes(found.experiment),
    alarms,
    healthChecks,
  };
}

/**
 * Why an az-power experiment in `region` would not rehearse what it should while the writer is in
 * `writerRegion`, or undefined. The templates put the writer failover in the plan's primary region
 * (the configuration's database role), not where the writer is: after a switchover the config has
 * not followed, so the primary's templates fail over a cluster that has no writer (FIS skips it
 * silently) and the writer's region has templates without a failover (its AZ is cut, the writer
 * not failed over). Every other region's templates never touch the writer.
 */
export function azPowerWriterProblem(v: { id: string; region: string; primary: string; globalCluster: string; writer: string; writerRegion: string }): string | undefined {
  if (v.writerRegion === v.primary || (v.region !== v.primary && v.region !== v.writerRegion)) return undefined;
  const why = v.region === v.primary
    ? `${v.id} fails over the writer of ${v.region} only, which is a secondary now: its failover would find no writer (FIS skips it)`
    : `${v.region}'s az-power templates have no writer failover (they were built for a secondary), so ${v.id} would cut the writer's AZ without failing it over`;
  return `the writer of ${v.globalCluster} is in ${v.writerRegion} (${v.writer}) but the plan's primary region is ${v.primary}: ${why}; deploy the configuration that follows the writer first (docs/runbooks/planned-switchover.md), or move the writer back (npm run gameday -- aurora-switchover --region ${v.primary}). The az-power experiments of the other regions run as planned`;
}

/** An Aurora cluster ARN's parts: `arn:<partition>:rds:<region>:<account>:cluster:<identifier>`. */
export interface ClusterArn {
  partition: string;
  region: string;
  account: string;
  clusterIdentifier: string;
}

/** The parts of an Aurora cluster ARN, or null when `arn` is not one. */
export function parseClusterArn(arn: string): ClusterArn | null {
  const m = /^arn:([^:]+):rds:([^:]+):([^:]*):cluster:([^:]+)$/.exec(arn);
  return m ? { partition: m[1], region: m[2], account: m[3], clusterIdentifier: m[4] } : null;
}

/**
 * Whether two ARNs name the same Aurora cluster: same region and cluster identifier. Account and
 * partition are left out on purpose: the plan computes its ARNs offline with a made-up account id,
 * so a deployed cluster's real ARN never equals the plan's.
 */
export function sameCluster(a: string, b: string): boolean {
  const x = parseClusterArn(a);
  const y = parseClusterArn(b);
  if (!x || !y) return a === b;
  return x.region === y.region && x.clusterIdentifier === y.clusterIdentifier;
}

export interface WriterMove {
  globalClusterIdentifier: string;
  /** As the plan computed it: its account id is the plan's, not the deployed one (compare with sameCluster). */
  targetClusterArn: string;
  /** Region and identifier of the member that becomes the writer. */
  target: ClusterArn;
}

/**
 * The global database and the member a writer-moving experiment hands the writer to, read from
 * its SSM automation's parameters (components/chaos automationDocumentParameters); null for other
 * experiments.
 */
export function writerMove(target: GamedayTarget): WriterMove | null {
  if (!target.experiment.experiment || !WRITER_EXPERIMENTS.includes(target.experiment.experiment)) return null;
  for (const action of target.experiment.actions) {
    const raw = action.parameters.documentParameters;
    if (typeof raw !== "string") continue;
    let p: { GlobalClusterIdentifier?: unknown; TargetDbClusterArn?: unknown };
    try {
      p = JSON.parse(raw) as typeof p;
    } catch {
      continue; // not JSON: not the automation's parameters
    }
    if (typeof p.GlobalClusterIdentifier !== "string" || typeof p.TargetDbClusterArn !== "string") continue;
    const parsed = parseClusterArn(p.TargetDbClusterArn);
    if (!parsed) throw new CommandError(`experiment ${target.id} in ${target.region}: its TargetDbClusterArn ${p.TargetDbClusterArn} is not an Aurora cluster ARN (arn:<partition>:rds:<region>:<account>:cluster:<identifier>); plan and deploy the stack ${target.prefix} again`);
    return { globalClusterIdentifier: p.GlobalClusterIdentifier, targetClusterArn: p.TargetDbClusterArn, target: parsed };
  }
  throw new CommandError(`experiment ${target.id} in ${target.region} moves the writer but its template carries no automation parameters (GlobalClusterIdentifier, TargetDbClusterArn); plan and deploy the stack ${target.prefix} again`);
}

/**
 * The global database's identifier, read from any writer-moving experiment's automation
 * parameters in the plan; null when the environment plans none (no database, or no such experiment).
 */
export function planGlobalClusterIdentifier(plan: PlanDocument): string | null {
  for (const r of plan.resilience.experiments?.regions ?? []) {
    for (const e of r.experiments) {
      for (const a of e.actions) {
        const raw = a.parameters.documentParameters;
        if (typeof raw !== "string") continue;
        try {
          const p = JSON.parse(raw) as { GlobalClusterIdentifier?: unknown };
          if (typeof p.GlobalClusterIdentifier === "string") return p.GlobalClusterIdentifier;
        } catch {
          // not JSON: not the automation's parameters
        }
      }
    }
  }
  return null;
}

/** The AZ name an az-power experiment cuts, from its node target's `Placement.AvailabilityZone` filter; null when it has none. */
export function experimentZone(e: ExperimentFigure): string | null {
  for (const t of e.targets) {
    for (const f of t.filters) {
      const m = /^Placement\.AvailabilityZone in ([^|\s]+)$/.exec(f);
      if (m) return m[1];
    }
  }
  return null;
}

const AUTOSHIFT_CONFIGURATION = "aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration";

/**
 * Why a weekly autoshift practice run may start as the experiment does in `region` (its zonal
 * autoshift configurations, from the plan, block neither the date nor the time), or undefined.
 * A practice run moves a zone's traffic away for about 30 minutes: on top of an experiment, the
 * result no longer says what the experiment's fault alone did. Checked at the start only.
 */
export function practiceRunWarning(plan: PlanDocument, region: string, now: Date): string | undefined {
  const configurations = plan.stacks.flatMap((s) => s.resources).filter((r) => r.type === AUTOSHIFT_CONFIGURATION && r.region === region);
  const open = configurations.filter((r) => {
    const inputs = r.inputs as { blockedDates?: string[]; blockedWindows?: string[] };
    return !practiceRunsBlockedAt(now, { blockedDates: inputs.blockedDates, blockedWindows: inputs.blockedWindows });
  });
  if (open.length === 0) return undefined;
  const day = now.toISOString().slice(0, 10);
  return `zonal autoshift may start a practice run in ${region} during the experiment: ${day} is not among platform:zonalAutoshiftBlockedDates and no blocked window covers ${now.toISOString().slice(11, 16)} UTC; add ${day} to platform:zonalAutoshiftBlockedDates and deploy before the day (docs/runbooks/game-day.md, Before the day)`;
}

