/**
 * `npm run gameday -- <experiment> --region R`: rehearse one planned fault-injection experiment.
 *
 * 1. Reads the environment's offline plan and refuses an environment with mandatory policy
 *    violations, an unknown region or experiment, an experiment without stop conditions, a
 *    data-losing failover without `--allow-data-loss` (or not deployed: only an environment with
 *    platform:faultInjectionDataLoss has it) or to the primary region.
 * 2. Checks the preconditions in AWS: the template is deployed, no experiment of the region is
 *    running, no zonal shift, practice run or autoshift is moving traffic away from a zone of the
 *    region (ARC), a writer move does not target the member that holds the writer now (RDS), an
 *    az-power experiment in the plan's primary region (whose templates carry the writer failover;
 *    it says which AZ holds the writer there) or in the writer's region runs only while the two
 *    are the same, no
 *    watched alarm of any region is in ALARM (or missing), every region's Route 53 endpoint
 *    checks are healthy (the others must carry the traffic the experiment pushes away).
 * 3. Dry run by default: says what it would start and stops. With `--execute` it starts the
 *    experiment, follows it until it ends, and prints what the alarms and health checks did.
 *    Ctrl-C stops the experiment (FIS rolls its actions back) and follows it to its end; a
 *    second Ctrl-C leaves at once. A read that fails while following is retried with backoff;
 *    after MAX_READ_FAILURES in a row the command prints the stop command and the writer
 *    follow-up and exits 1 (the experiment may still run).
 *
 * Exit codes: 0 dry run passed or experiment completed; 1 the experiment was stopped (a stop
 * condition fired) or failed, or the command stopped following it; 2 refused or bad usage.
 */
import { randomUUID } from "crypto";
import type { Experiment } from "@aws-sdk/client-fis";
import { SCOPE_TAG } from "../../components/chaos/experiments";
import { targetLine } from "../plan/experiments";
import type { PlanDocument } from "../plan/model";
import { type ActiveShift, activeExperiments, activeZonalShifts, alarmStates, type AlarmState, type AwsClients, findTemplate, getExperiment, globalWriter, healthCheckIds, healthCheckStatus, type HealthStatus, startExperiment, stopExperiment, writerInstance } from "./aws";
import { azPowerWriterProblem, experimentZone, gamedayTarget, type GamedayTarget, parseClusterArn, planGlobalClusterIdentifier, practiceRunWarning, sameCluster, writerMove } from "./environment";
import { describeAwsError, CommandError } from "../commands/errors";

export interface GamedayOptions {
  experiment: string;
  region: string;
  execute: boolean;
  allowDataLoss: boolean;
  /** Seconds between looks at the running experiment. @default 15 */
  pollSeconds?: number;
  /** Gives up following (the experiment goes on) after this long. @default 180 */
  maxMinutes?: number;
}

export interface GamedayDeps {
  plan(): Promise<PlanDocument>;
  aws: AwsClients;
  print(line: string): void;
  sleep(ms: number): Promise<void>;
  now(): Date;
  /** True once the operator asked to stop (Ctrl-C): the command stops the experiment and follows it to its end. */
  interrupted?(): boolean;
  /** Called just before StartExperiment: from then on a Ctrl-C must stop what starts, not leave (the CLI's SIGINT handler). */
  starting?(): void;
}

/** Reads of the running experiment, its alarms or health checks that may fail in a row before the command stops following. */
const MAX_READ_FAILURES = 5;
/** Longest wait between retries of a failed read. */
const MAX_BACKOFF_MS = 120_000;

const FINAL = new Set(["completed", "stopped", "failed", "cancelled"]);

/** Runs an AWS step, turning the SDK's error into a one-line CommandError. */
async function step<T>(doing: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(describeAwsError(error, doing));
  }
}

interface Observation {
  alarms: Map<string, AlarmState & { region: string; alarmRegion: string }>;
  health: Map<string, HealthStatus & { region: string }>;
}

async function observe(target: GamedayTarget, aws: AwsClients, healthIds: Map<string, string>): Promise<Observation> {
  const alarms: Observation["alarms"] = new Map();
  const byAlarmRegion = new Map<string, typeof target.alarms>();
  for (const a of target.alarms) byAlarmRegion.set(a.alarmRegion, [...(byAlarmRegion.get(a.alarmRegion) ?? []), a]);
  for (const [alarmRegion, list] of byAlarmRegion) {
    const states = await step(`reading the alarms in ${alarmRegion}`, () => alarmStates(aws.cloudwatch(alarmRegion), list.map((a) => a.name)));
    for (const a of list) alarms.set(a.name, { ...states.get(a.name)!, region: a.region, alarmRegion });
  }
  const health: Observation["health"] = new Map();
  for (const [region, names] of Object.entries(target.healthChecks)) {
    for (const name of names) {
      const id = healthIds.get(name);
      if (!id) continue;
      health.set(name, { ...(await step(`reading health check ${name}`, () => healthCheckStatus(aws.route53(), id))), region });
    }
  }
  return { alarms, health };
}

/** Why the environment is not ready for the experiment, one line each; empty when it is. */
export function preconditionProblems(target: GamedayTarget, seen: Observation, healthIds: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, a] of seen.alarms) {
    if (a.state === "ALARM") problems.push(`alarm ${name} (${a.region}) is in ALARM: ${a.reason || "no reason given"}; rehearse on a healthy environment`);
    if (a.state === "MISSING") problems.push(`alarm ${name} (${a.region}, in ${a.alarmRegion}) does not exist; deploy the stack ${target.environment}-${a.region} (observability) first`);
  }
  for (const [region, names] of Object.entries(target.healthChecks)) {
    for (const name of names) {
      if (!healthIds.has(name)) problems.push(`Route 53 health check ${name} (${region}) is not deployed`);
      const h = seen.health.get(name);
      if (h && !h.healthy) problems.push(`Route 53 health check ${name} of ${region} is unhealthy (${h.detail}); ${region === target.region ? "the region under test" : "a region that must take the traffic"} is not serving`);
    }
  }
  return problems;
}

function describeExperiment(t: GamedayTarget): string[] {
  const e = t.experiment;
  return [
    `experiment ${t.id} in ${t.region} (${e.name})${e.description ? `: ${e.description}` : ""}`,
    ...e.actions.map((a) => `  action ${a.name}: ${a.actionId}${a.target ? ` on ${a.target.split(" → ")[1]}` : ""}${Object.keys(a.parameters).length ? ` (${Object.entries(a.parameters).filter(([k]) => k !== "documentParameters").map(([k, v]) => `${k}=${v}`).join(", ")})` : ""}`),
    ...e.targets.map((x) => `  target ${targetLine(x)}`),
    `  stopped by ${e.stopConditions.join(", ")}`,
  ];
}

function timeline(start: Date, at: Date): string {
  const s = Math.max(0, Math.round((at.getTime() - start.getTime()) / 1000));
  return `+${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function utc(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * One line per shift moving traffic away from a zone of the region: what it is, on what, until
 * when, and what to do (wait, or cancel it where it can be cancelled).
 */
export function zonalShiftProblems(region: string, shifts: readonly ActiveShift[], now: Date): string[] {
  const until = (s: ActiveShift) => {
    if (!s.expiryTime) return "";
    const minutes = Math.max(0, Math.ceil((s.expiryTime.getTime() - now.getTime()) / 60_000));
    return `, expires ${utc(s.expiryTime)} (in ${minutes} min)`;
  };
  const on = (s: ActiveShift) => `${s.zonalShiftId ?? "?"} on ${s.resource ?? "?"} away from ${s.awayFrom}${until(s)}${s.comment ? ` (comment: ${s.comment})` : ""}`;
  return shifts.map((s) => {
    switch (s.shiftType) {
      case "PRACTICE_RUN":
        return `autoshift practice run ${on(s)}: wait for it to end, or cancel it: aws arc-zonal-shift cancel-practice-run --region ${region} --zonal-shift-id ${s.zonalShiftId ?? "<id>"}`;
      case "FIS_EXPERIMENT":
        return `zonal shift started by a FIS experiment ${on(s)}: wait for it to expire, or stop that experiment (aws fis list-experiments --region ${region})`;
      case "ZONAL_AUTOSHIFT":
        return `zonal autoshift away from ${s.awayFrom}${s.startTime ? ` since ${utc(s.startTime)}` : ""}${s.resource ? ` on ${s.resource}` : ""}: AWS sees that zone impaired and ends the autoshift when it recovers (it cannot be cancelled); wait for it (aws arc-zonal-shift list-autoshifts --region ${region}): no game day during a real impairment`;
      default:
        return `zonal shift ${on(s)}: wait for it to expire, or cancel it once whoever started it agrees: aws arc-zonal-shift cancel-zonal-shift --region ${region} --zonal-shift-id ${s.zonalShiftId ?? "<id>"}`;
    }
  });
}

/**
 * What a writer move leaves to do (FIS does not undo an automation it ran): the writer.<zone>
 * records and each region's database role follow platform:regions, not the writer, so writes
 * through writer.<zone> fail on the old writer's now read-only cluster until the writer goes back
 * or the configuration follows it. After a failover the old writer's cluster has left the global
 * database: it rejoins as a secondary before a switchover can take the writer back. A move to the
 * primary region (the way back after a rehearsal) leaves nothing to do.
 */
export function writerFollowUp(target: GamedayTarget, move: { globalClusterIdentifier: string }, writerBefore: string, settled = true): string[] {
  const oldRegion = writerBefore.split(":")[3] ?? "the old writer's region";
  const primary = target.primary ?? oldRegion;
  if (target.region === primary) {
    return [`${settled ? `the writer is back in ${primary}` : `once the writer is back in ${primary}`}, the region platform:regions lists first: writer.<zone> and the regions' database roles point at it again; nothing more to do`];
  }
  // Back to where writer.<zone> points: the old writer's cluster when that is the primary's.
  const back = oldRegion === primary
    ? `aws rds switchover-global-cluster --region ${oldRegion} --global-cluster-identifier ${move.globalClusterIdentifier} --target-db-cluster-identifier ${writerBefore}`
    : `npm run gameday -- aurora-switchover --region ${primary} --execute`;
  return [
    `${settled ? `the writer is now in ${target.region}` : `once the writer is in ${target.region}`}, but writer.<zone> and the regions' database roles still follow platform:regions (${primary} first): writes through writer.<zone> fail until one of these is done:`,
    target.dataLoss
      ? `  - move it back to ${primary} once ${oldRegion}'s cluster has rejoined as a secondary (aurora-global-database.md, section 4): ${back}`
      : `  - move it back to ${primary} now (no data loss): ${back}`,
    `  - or make the configuration follow it: docs/runbooks/planned-switchover.md, steps 3 to 6`,
  ];
}

/** The whole command; resolves to the exit code. Refusals throw CommandError (exit 2, printed by the CLI). */
export async function gameday(options: GamedayOptions, deps: GamedayDeps): Promise<number> {
  const { print, aws } = deps;
  const plan = await deps.plan();
  const target = gamedayTarget(plan, options.region, options.experiment);
  if (target.dataLoss && !options.allowDataLoss) {
    throw new CommandError(`experiment ${target.id} fails the global database over ALLOWING DATA LOSS (writes not yet replicated to ${target.region} are lost); add --allow-data-loss to rehearse it, or run aurora-switchover (no data loss) instead`);
  }
  for (const line of describeExperiment(target)) print(line);

  const fis = aws.fis(target.region);
  const template = await step(`finding the template of ${target.experiment.name}`, () => findTemplate(fis, target.prefix, target.experiment.name));
  const running = await step(`listing experiments in ${target.region}`, () => activeExperiments(fis, target.prefix, template.id));
  if (running.length) throw new CommandError(`experiment ${running.map((r) => `${r.id} (${r.status})`).join(", ")} is already under way in ${target.prefix}; one experiment at a time: wait for it or stop it (aws fis stop-experiment --id ${running[0].id})`);
  // A shift already holds a zone's capacity away: an experiment on top would stack a second loss
  // and its result would not say what the experiment's fault alone did.
  const shifts = await step(`listing the zonal shifts and autoshifts in ${target.region}`, () => activeZonalShifts(aws.arcZonalShift(target.region)));
  if (shifts.length) {
    const practice = shifts.some((s) => s.shiftType === "PRACTICE_RUN");
    throw new CommandError(
      `${shifts.length} zonal shift(s) active in ${target.region}: traffic is already moved away from a zone; ${target.id} now would stack its fault on that capacity loss and show nothing about the fault alone; start it once none is active:\n` +
        zonalShiftProblems(target.region, shifts, deps.now()).map((p) => `  - ${p}`).join("\n") +
        (practice ? `\nSo that no practice run starts during the game day, add its date to platform:zonalAutoshiftBlockedDates and deploy (docs/runbooks/game-day.md, Before the day).` : ""),
    );
  }
  const practiceRun = practiceRunWarning(plan, target.region, deps.now());
  if (practiceRun) print(`warning: ${practiceRun}`);
  // Where the writer is NOW, not where the plan's region order says: after a rehearsed (or real)
  // switchover the two differ until the configuration follows.
  const move = writerMove(target);
  /** The writer's cluster before the experiment: where writer.<zone> and the configuration still point afterwards. */
  let writerBefore: string | null = null;
  if (move) {
    const writer = await step(`finding the writer of ${move.globalClusterIdentifier}`, () => globalWriter(aws.rds(target.region), move.globalClusterIdentifier));
    if (writer === null) throw new CommandError(`global database ${move.globalClusterIdentifier} has no writer right now (a switchover or failover is under way); wait until it has one`);
    // Region and cluster identifier only: the plan's ARN carries a made-up account id.
    if (sameCluster(writer, move.targetClusterArn)) throw new CommandError(`the writer of ${move.globalClusterIdentifier} is already in ${target.region} (${writer}); run ${target.id} with --region set to a region holding a secondary`);
    print(`writer now: ${writer}; ${target.id} moves it to cluster ${move.target.clusterIdentifier} in ${move.target.region}`);
    writerBefore = writer;
  }
  // The az-power templates put their writer failover in the plan's primary region, not where the
  // writer is: refused in the two regions that differ after a switchover (azPowerWriterProblem).
  const globalCluster = target.experiment.experiment === "az-power" ? planGlobalClusterIdentifier(plan) : null;
  if (globalCluster && target.primary) {
    const primary = target.primary;
    const writer = await step(`finding the writer of ${globalCluster}`, () => globalWriter(aws.rds(target.region), globalCluster));
    if (writer === null) throw new CommandError(`global database ${globalCluster} has no writer right now (a switchover or failover is under way); wait until it has one`);
    const writerRegion = parseClusterArn(writer)?.region ?? writer;
    const problem = azPowerWriterProblem({ id: target.id, region: target.region, primary, globalCluster, writer, writerRegion });
    if (problem) throw new CommandError(problem);
    if (target.region === writerRegion) {
      const w = await step(`finding the writer instance of ${writer}`, () => writerInstance(aws.rds(writerRegion), writer));
      const zone = experimentZone(target.experiment);
      const effect = !w?.zone || !zone ? "" : w.zone === zone ? `: ${target.id} cuts ${zone}, so it fails the writer over to a reader in another AZ` : `: ${target.id} cuts ${zone}, so the writer stays where it is`;
      print(`writer now: ${w ? `instance ${w.instance} in ${w.zone ?? "an unknown AZ"}` : "no writer instance"} (${writer})${effect}`);
    }
  }
  const healthIds = await step("finding the Route 53 health checks", () => healthCheckIds(aws.route53(), Object.values(target.healthChecks).flat()));
  const before = await observe(target, aws, healthIds);
  const problems = preconditionProblems(target, before, healthIds);
  if (problems.length) throw new CommandError(`preconditions not met for ${target.id} in ${target.region}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  const healthy = [...before.health.values()].length;
  print(`preconditions met: ${before.alarms.size} alarm(s) in ${target.regions.length} region(s) not in ALARM, ${healthy} health check(s) healthy, nothing running in ${target.prefix}, no zonal shift in ${target.region}`);

  if (!options.execute) {
    print(`dry run: would start FIS template ${template.id}; nothing was started. Add --execute to run it.`);
    return 0;
  }

  /** After a writer move, where the writer is and what that leaves to do: nothing while it stayed put. */
  const writerAdvice = async () => {
    if (!move || writerBefore === null) return;
    const writerAfter = await step(`finding the writer of ${move.globalClusterIdentifier}`, () => globalWriter(aws.rds(target.region), move.globalClusterIdentifier));
    if (writerAfter === writerBefore) return;
    if (writerAfter === null) print(`${move.globalClusterIdentifier} has no writer right now: the move is under way`);
    for (const line of writerFollowUp(target, move, writerBefore, writerAfter !== null)) print(line);
  };
  /** writerAdvice, or, when RDS cannot be read either, what to do once the writer has moved. */
  const writerAdviceOrHint = async () => {
    try {
      await writerAdvice();
    } catch (error) {
      if (!move || writerBefore === null) return;
      print(`could not find where the writer of ${move.globalClusterIdentifier} is (${error instanceof Error ? error.message : String(error)}); if it moved:`);
      for (const line of writerFollowUp(target, move, writerBefore, false)) print(line);
    }
  };

  deps.starting?.();
  const start = deps.now();
  const id = await step(`starting template ${template.id}`, () => startExperiment(fis, template.id, randomUUID(), { [SCOPE_TAG]: target.prefix, "started-by": "gameday" }));
  print(`${timeline(start, start)} started experiment ${id} (template ${template.id})`);

  // Follow: print every change of the experiment, its actions, the alarms and the health checks.
  const pollMs = (options.pollSeconds ?? 15) * 1000;
  const deadline = start.getTime() + (options.maxMinutes ?? 180) * 60_000;
  let last = before;
  let lastStatus = "";
  const lastActions = new Map<string, string>();
  const changes: string[] = [];
  let experiment: Experiment;
  let stopping = false;
  let saidInterrupted = false;
  let failures = 0;
  for (;;) {
    // A failed read (throttling, an expired session, a network blip past the SDK's own retries)
    // must not end the command: the experiment would go on unobserved, without the Ctrl-C stop
    // and without the writer follow-up. Retry with backoff; after MAX_READ_FAILURES say how to stop it.
    let now: Observation;
    try {
      if (!stopping && deps.interrupted?.()) {
        if (!saidInterrupted) print(`${timeline(start, deps.now())} interrupted: stopping experiment ${id} (FIS undoes its actions)`);
        saidInterrupted = true;
        await step(`stopping experiment ${id}`, () => stopExperiment(fis, id));
        stopping = true;
      }
      experiment = await step(`reading experiment ${id}`, () => getExperiment(fis, id));
      now = await observe(target, aws, healthIds);
      failures = 0;
    } catch (error) {
      failures += 1;
      const why = error instanceof Error ? error.message : String(error);
      if (failures >= MAX_READ_FAILURES) {
        print(`${timeline(start, deps.now())} ${why}`);
        print(`${failures} reads in a row failed: no longer following; experiment ${id} may still be running. Stop it: aws fis stop-experiment --region ${target.region} --id ${id} (see it: aws fis get-experiment --region ${target.region} --id ${id})`);
        await writerAdviceOrHint();
        return 1;
      }
      const waitMs = Math.min(pollMs * 2 ** (failures - 1), MAX_BACKOFF_MS);
      print(`${timeline(start, deps.now())} ${why}; retrying in ${Math.round(waitMs / 1000)} s (${failures} of ${MAX_READ_FAILURES})`);
      await deps.sleep(waitMs);
      continue;
    }
    const at = deps.now();
    const status = experiment.state?.status ?? "unknown";
    if (status !== lastStatus) {
      print(`${timeline(start, at)} experiment ${status}${experiment.state?.reason ? `: ${experiment.state.reason}` : ""}`);
      lastStatus = status;
    }
    for (const [name, action] of Object.entries(experiment.actions ?? {})) {
      const s = action.state?.status ?? "unknown";
      if (lastActions.get(name) !== s) print(`${timeline(start, at)}   action ${name} ${s}${action.state?.reason ? `: ${action.state.reason}` : ""}`);
      lastActions.set(name, s);
    }
    for (const [name, a] of now.alarms) {
      const was = last.alarms.get(name)?.state;
      if (was !== a.state) {
        const line = `${timeline(start, at)} alarm ${name} (${a.region}) ${was ?? "?"} → ${a.state}`;
        print(line);
        changes.push(line);
      }
    }
    for (const [name, h] of now.health) {
      const was = last.health.get(name)?.healthy;
      if (was !== h.healthy) {
        const line = `${timeline(start, at)} health check ${name} (${h.region}) ${h.healthy ? "healthy" : "UNHEALTHY"} (${h.detail})`;
        print(line);
        changes.push(line);
      }
    }
    last = now;
    if (FINAL.has(status)) break;
    if (at.getTime() >= deadline) {
      print(`${timeline(start, at)} still ${status} after ${options.maxMinutes ?? 180} minutes: no longer following; the experiment goes on (aws fis get-experiment --id ${id})`);
      await writerAdviceOrHint();
      return 1;
    }
    await deps.sleep(pollMs);
  }

  const status = experiment.state?.status ?? "unknown";
  print("");
  print(`experiment ${id} ${status}${experiment.state?.reason ? `: ${experiment.state.reason}` : ""}`);
  print(changes.length ? `what the alarms and health checks did:\n${changes.map((c) => `  ${c}`).join("\n")}` : "no alarm or health check changed state: the platform absorbed the fault");
  const stillAlarming = [...last.alarms].filter(([, a]) => a.state === "ALARM").map(([n]) => n);
  if (stillAlarming.length) print(`still in ALARM: ${stillAlarming.join(", ")}: look before the next experiment`);
  await writerAdviceOrHint();
  return status === "completed" ? 0 : 1;
}
