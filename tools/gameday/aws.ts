/**
 * The AWS calls of the game-day command (SDK v3), each a small function over a client so the
 * tests drive them with mocked clients: the experiment template and running experiments (FIS),
 * alarm states (CloudWatch), health-check status (Route 53), the global database's writer (RDS),
 * active zonal shifts and autoshifts (ARC zonal shift).
 */
import { CloudWatchClient, DescribeAlarmsCommand, type StateValue } from "@aws-sdk/client-cloudwatch";
import { FisClient, GetExperimentCommand, ListExperimentsCommand, ListExperimentTemplatesCommand, StartExperimentCommand, StopExperimentCommand, type Experiment } from "@aws-sdk/client-fis";
import { GetHealthCheckStatusCommand, ListHealthChecksCommand, ListTagsForResourcesCommand, Route53Client } from "@aws-sdk/client-route-53";
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, DescribeGlobalClustersCommand, RDSClient } from "@aws-sdk/client-rds";
import { EXPERIMENT_TAG, SCOPE_TAG } from "../../components/chaos/experiments";
import { CommandError } from "../commands/errors";
import { ARCZonalShiftClient, ListAutoshiftsCommand, ListZonalShiftsCommand, type ShiftType } from "./zonal-shift";

export interface AwsClients {
  fis(region: string): FisClient;
  cloudwatch(region: string): CloudWatchClient;
  /** Route 53 is global (its API lives in us-east-1). */
  route53(): Route53Client;
  rds(region: string): RDSClient;
  arcZonalShift(region: string): ARCZonalShiftClient;
}

/** A zonal shift, practice run or autoshift moving traffic away from a zone of the region now. */
export interface ActiveShift {
  /** ListAutoshifts' autoshifts carry no type: `ZONAL_AUTOSHIFT`. */
  shiftType: ShiftType;
  /** null for an autoshift (it has no id and cannot be cancelled). */
  zonalShiftId: string | null;
  /** The shifted resource's ARN; null for an autoshift (it moves every autoshift-enabled resource). */
  resource: string | null;
  /** Zone ID (`usw2-az1`). */
  awayFrom: string;
  startTime: Date | null;
  /** When it ends by itself; null for an autoshift (it ends when AWS sees the zone healthy again). */
  expiryTime: Date | null;
  comment: string | null;
}

/**
 * Every zonal shift of the region that is ACTIVE (operators', practice runs, FIS's: ListZonalShifts)
 * and every autoshift in effect (ListAutoshifts: ListZonalShifts does not list those), on any
 * resource: the plan cannot name the deployed resources' ARNs (its account id is made up and the
 * ALB's name has a random suffix), and a shift anywhere in the region muddles what an experiment shows.
 */
export async function activeZonalShifts(arc: ARCZonalShiftClient): Promise<ActiveShift[]> {
  const active: ActiveShift[] = [];
  let nextToken: string | undefined;
  do {
    const page = await arc.send(new ListZonalShiftsCommand({ status: "ACTIVE", maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
    for (const z of page.items ?? []) {
      if (z.status !== undefined && z.status !== "ACTIVE") continue;
      active.push({ shiftType: z.shiftType ?? "ZONAL_SHIFT", zonalShiftId: z.zonalShiftId ?? null, resource: z.resourceIdentifier ?? null, awayFrom: z.awayFrom ?? "?", startTime: z.startTime ?? null, expiryTime: z.expiryTime ?? null, comment: z.comment || null });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  do {
    const page = await arc.send(new ListAutoshiftsCommand({ status: "ACTIVE", maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
    for (const a of page.items ?? []) {
      if (a.status !== undefined && a.status !== "ACTIVE") continue;
      active.push({ shiftType: "ZONAL_AUTOSHIFT", zonalShiftId: null, resource: null, awayFrom: a.awayFrom ?? "?", startTime: a.startTime ?? null, expiryTime: null, comment: null });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return active;
}

/** The member cluster holding the global database's writer now (ARN), or null when none does (mid-failover). */
export async function globalWriter(rds: RDSClient, globalClusterIdentifier: string): Promise<string | null> {
  const out = await rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalClusterIdentifier }));
  const cluster = out.GlobalClusters?.[0];
  if (!cluster) throw new CommandError(`global database ${globalClusterIdentifier} does not exist; deploy the global stack first`);
  return cluster.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn ?? null;
}

/**
 * The writer instance of an Aurora cluster (ARN, asked of its own region's RDS) and the AZ it runs
 * in; null when the cluster has no writer instance. DescribeDBClusters names the writer but not its
 * AZ: DescribeDBInstances has that.
 */
export async function writerInstance(rds: RDSClient, clusterArn: string): Promise<{ instance: string; zone: string | null } | null> {
  const clusters = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterArn }));
  const instance = clusters.DBClusters?.[0]?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
  if (!instance) return null;
  const instances = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instance }));
  return { instance, zone: instances.DBInstances?.[0]?.AvailabilityZone ?? null };
}

/** The deployed template of experiment `name` (its Name tag) in the scope `<env>-<region>`. */
export async function findTemplate(fis: FisClient, scope: string, name: string): Promise<{ id: string; experiment: string | null }> {
  let nextToken: string | undefined;
  do {
    const page = await fis.send(new ListExperimentTemplatesCommand({ maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
    for (const t of page.experimentTemplates ?? []) {
      if (t.id && t.tags?.Name === name && t.tags?.[SCOPE_TAG] === scope) return { id: t.id, experiment: t.tags?.[EXPERIMENT_TAG] ?? null };
    }
    nextToken = page.nextToken;
  } while (nextToken);
  throw new CommandError(`experiment template ${name} is not deployed (no FIS template tagged Name=${name}, ${SCOPE_TAG}=${scope}); deploy the stack ${scope} (pulumi up) first`);
}

/** Experiments of the scope (tagged so by this command) or of the template still pending, initiating or running: one at a time. */
export async function activeExperiments(fis: FisClient, scope: string, templateId: string): Promise<{ id: string; status: string }[]> {
  const active: { id: string; status: string }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await fis.send(new ListExperimentsCommand({ maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
    for (const e of page.experiments ?? []) {
      const status = e.state?.status ?? "";
      if (e.id && (e.tags?.[SCOPE_TAG] === scope || e.experimentTemplateId === templateId) && ["pending", "initiating", "running", "stopping"].includes(status)) active.push({ id: e.id, status });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return active;
}

export async function startExperiment(fis: FisClient, templateId: string, clientToken: string, tags: Record<string, string>): Promise<string> {
  const out = await fis.send(new StartExperimentCommand({ experimentTemplateId: templateId, clientToken, tags }));
  if (!out.experiment?.id) throw new CommandError(`FIS started no experiment for template ${templateId}`);
  return out.experiment.id;
}

export async function stopExperiment(fis: FisClient, id: string): Promise<void> {
  await fis.send(new StopExperimentCommand({ id }));
}

export async function getExperiment(fis: FisClient, id: string): Promise<Experiment> {
  const out = await fis.send(new GetExperimentCommand({ id }));
  if (!out.experiment) throw new CommandError(`FIS has no experiment ${id}`);
  return out.experiment;
}

export interface AlarmState {
  state: StateValue | "MISSING";
  reason: string;
}

/** State of each named alarm in one region (metric and composite), MISSING when it does not exist. */
export async function alarmStates(cloudwatch: CloudWatchClient, names: readonly string[]): Promise<Map<string, AlarmState>> {
  const states = new Map<string, AlarmState>(names.map((n) => [n, { state: "MISSING", reason: "no such alarm" }]));
  // DescribeAlarms takes at most 100 names per call.
  for (let i = 0; i < names.length; i += 100) {
    let nextToken: string | undefined;
    do {
      const page = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ["MetricAlarm", "CompositeAlarm"], ...(nextToken ? { NextToken: nextToken } : {}) }));
      for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        if (a.AlarmName && a.StateValue) states.set(a.AlarmName, { state: a.StateValue, reason: a.StateReason ?? "" });
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return states;
}

/** Route 53 health check ids by their Name tag, for the names asked. */
export async function healthCheckIds(route53: Route53Client, names: readonly string[]): Promise<Map<string, string>> {
  const wanted = new Set(names);
  const ids: string[] = [];
  let marker: string | undefined;
  do {
    const page = await route53.send(new ListHealthChecksCommand({ MaxItems: 100, ...(marker ? { Marker: marker } : {}) }));
    for (const h of page.HealthChecks ?? []) if (h.Id) ids.push(h.Id);
    marker = page.IsTruncated ? page.NextMarker : undefined;
  } while (marker);
  const found = new Map<string, string>();
  // ListTagsForResources takes at most 10 ids per call.
  for (let i = 0; i < ids.length; i += 10) {
    const tags = await route53.send(new ListTagsForResourcesCommand({ ResourceType: "healthcheck", ResourceIds: ids.slice(i, i + 10) }));
    for (const set of tags.ResourceTagSets ?? []) {
      const name = set.Tags?.find((t) => t.Key === "Name")?.Value;
      if (name && wanted.has(name) && set.ResourceId) found.set(name, set.ResourceId);
    }
  }
  return found;
}

export interface HealthStatus {
  healthy: boolean;
  /** e.g. "14 of 16 checkers see it healthy". */
  detail: string;
}

/** Route 53 counts an endpoint healthy when more than 18 % of its checkers do; the same rule here. */
export async function healthCheckStatus(route53: Route53Client, id: string): Promise<HealthStatus> {
  const out = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
  const observations = out.HealthCheckObservations ?? [];
  const ok = observations.filter((o) => o.StatusReport?.Status?.startsWith("Success")).length;
  return { healthy: observations.length > 0 && ok / observations.length > 0.18, detail: `${ok} of ${observations.length} checkers see it healthy` };
}
