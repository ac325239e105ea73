/**
 * `npm run gameday` against mocked AWS clients (aws-sdk-client-mock) and prod's offline plan:
 * the refusals (plan violations, unknown names, data loss, alarms, health checks, nothing
 * deployed, one at a time, zonal shifts), the dry run, and following a started experiment to its end.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { FisClient, GetExperimentCommand, ListExperimentsCommand, ListExperimentTemplatesCommand, StartExperimentCommand, StopExperimentCommand } from "@aws-sdk/client-fis";
import { GetHealthCheckStatusCommand, ListHealthChecksCommand, ListTagsForResourcesCommand, Route53Client } from "@aws-sdk/client-route-53";
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, DescribeGlobalClustersCommand, RDSClient } from "@aws-sdk/client-rds";
import { type AwsStub, mockClient } from "aws-sdk-client-mock";
import { writeFileSync } from "fs";
import { join } from "path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseGamedayArgs, readPlan } from "../../tools/gameday/cli";
import { azPowerWriterProblem, experimentZone, gamedayTarget, parseClusterArn, practiceRunWarning, sameCluster, writerMove } from "../../tools/gameday/environment";
import { practiceRunsBlockedAt } from "../../components/chaos/autoshift-plan";
import { CommandError } from "../../tools/commands/errors";
import { gameday, type GamedayOptions } from "../../tools/gameday/gameday";
import type { PlanDocument } from "../../tools/plan/model";
import { ARCZonalShiftClient, type AutoshiftSummary, ListAutoshiftsCommand, ListZonalShiftsCommand, type ZonalShiftSummary } from "../../tools/gameday/zonal-shift";
import { temporaryDirectories } from "../plan/temp-dirs";
import { sharedProdPlan } from "../shared-plan";

// @aws-sdk/client-fis 3.523.0 (the newest the registry has) is typed with @smithy/types 2 and
// aws-sdk-client-mock with 4: the same client at run time, so the FIS mock is seen untyped.
const fis = mockClient(FisClient as unknown as typeof CloudWatchClient) as unknown as AwsStub<object, any, any>;
const FIS = { ListExperimentTemplatesCommand, ListExperimentsCommand, StartExperimentCommand, StopExperimentCommand, GetExperimentCommand } as unknown as Record<string, never>;
const cloudwatch = mockClient(CloudWatchClient);
const route53 = mockClient(Route53Client);
const rds = mockClient(RDSClient);
// tools/gameday/zonal-shift.ts is shaped like an SDK client but is not one (the registry has no
// @aws-sdk/client-arc-zonal-shift): mocked the same way, seen untyped like FIS.
const arc = mockClient(ARCZonalShiftClient as unknown as typeof CloudWatchClient) as unknown as AwsStub<object, any, any>;
const ARC = { ListZonalShiftsCommand, ListAutoshiftsCommand } as unknown as Record<string, never>;
/** The account id AWS answers with: a real one, never the plan's made-up one. */
const REAL_ACCOUNT = "210987654321";

let prod: PlanDocument;
/** prod's plan as an environment with platform:faultInjectionDataLoss would have it: each region's aurora-failover beside its switchover. */
let prodWithFailover: PlanDocument;
beforeAll(async () => {
  prod = (await sharedProdPlan()).document;
  prodWithFailover = structuredClone(prod);
  for (const r of prodWithFailover.resilience.experiments.regions) {
    const switchover = r.experiments.find((e) => e.experiment === "aurora-switchover")!;
    const failover = structuredClone(switchover);
    failover.name = switchover.name.replace(/-aurora-switchover$/, "-aurora-failover");
    failover.experiment = "aurora-failover";
    for (const a of failover.actions) if (typeof a.parameters.documentParameters === "string") a.parameters.documentParameters = a.parameters.documentParameters.replace('"Mode":"switchover"', '"Mode":"failover"');
    r.experiments.push(failover);
  }
}, 180_000);
// The mocks replace the clients' `send` for the whole process: files after this one in its worker get the real clients.
afterAll(() => {
  for (const client of [fis, cloudwatch, route53, rds, arc]) client.restore();
});

/** The fake account: alarm states by name (default OK), unhealthy checks, deployed templates, running experiments. */
interface Account {
  alarms: Record<string, "OK" | "ALARM" | "INSUFFICIENT_DATA">;
  missingAlarms: string[];
  unhealthy: string[];
  templates: { id: string; name: string; scope: string }[];
  running: { id: string; templateId: string; status: string }[];
  /** The region whose member holds the global database's writer now; null: none (mid-failover). @default us-east-1 */
  writer?: string | null;
  /** The AZ DescribeDBInstances gives the writer instance. @default us-east-1a */
  writerZone?: string;
  /** Zonal shifts ListZonalShifts returns (ACTIVE ones: the command asks for those). */
  shifts?: ZonalShiftSummary[];
  /** Autoshifts in effect, as ListAutoshifts returns them. */
  autoshifts?: AutoshiftSummary[];
  /** States GetExperiment returns, one per call (the last repeats). */
  progress: { status: string; reason?: string; alarms?: Record<string, "OK" | "ALARM">; unhealthy?: string[]; writer?: string }[];
}

function account(over: Partial<Account> = {}): Account {
  const templates = prodWithFailover.resilience.experiments.regions.flatMap((r) => r.experiments.map((e, i) => ({ id: `EXT${r.region}${i}`, name: e.name, scope: `prod-${r.region}` })));
  return { alarms: {}, missingAlarms: [], unhealthy: [], templates, running: [], progress: [{ status: "completed" }], ...over };
}

function install(a: Account): void {
  fis.reset();
  cloudwatch.reset();
  route53.reset();
  rds.reset();
  arc.reset();
  arc.on(ARC.ListZonalShiftsCommand).resolves({ items: a.shifts ?? [] });
  arc.on(ARC.ListAutoshiftsCommand).resolves({ items: a.autoshifts ?? [] });
  // Each region's member as RDS names it: the cluster its switchover template names (the
  // primary's too: gamedayTarget refuses that one), in the real account, not the plan's.
  const memberArn = (region: string) => {
    const figure = prod.resilience.experiments.regions.find((r) => r.region === region)!.experiments.find((e) => e.experiment === "aurora-switchover")!;
    return writerMove({ ...gamedayTarget(prod, "eu-west-1", "aurora-switchover"), experiment: figure })!.targetClusterArn.replace(/^(arn:[^:]+:rds:[^:]+:)[^:]*:/, `$1${REAL_ACCOUNT}:`);
  };
  const writer = () => (a.writer === undefined ? "us-east-1" : a.writer);
  rds.on(DescribeGlobalClustersCommand).callsFake((input: { GlobalClusterIdentifier: string }) => ({
    GlobalClusters: [{ GlobalClusterIdentifier: input.GlobalClusterIdentifier, GlobalClusterMembers: prod.resilience.experiments.regions.map((r) => ({ DBClusterArn: memberArn(r.region), IsWriter: r.region === writer() })) }],
  }));
  rds.on(DescribeDBClustersCommand).callsFake((input: { DBClusterIdentifier: string }) => ({
    DBClusters: [{ DBClusterArn: input.DBClusterIdentifier, DBClusterMembers: [{ DBInstanceIdentifier: "writer-1", IsClusterWriter: true }, { DBInstanceIdentifier: "reader-1", IsClusterWriter: false }] }],
  }));
  rds.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier: string }) => ({ DBInstances: [{ DBInstanceIdentifier: input.DBInstanceIdentifier, AvailabilityZone: a.writerZone ?? "us-east-1a" }] }));
  const checks = Object.values(gamedayTarget(prod, "us-west-2", "pod-delete").healthChecks).flat();
  fis.on(FIS.ListExperimentTemplatesCommand).resolves({ experimentTemplates: a.templates.map((t) => ({ id: t.id, tags: { Name: t.name, "fault-injection-scope": t.scope } })) });
  fis.on(FIS.ListExperimentsCommand).resolves({ experiments: a.running.map((r) => ({ id: r.id, experimentTemplateId: r.templateId, state: { status: r.status as "running" } })) });
  fis.on(FIS.StartExperimentCommand).resolves({ experiment: { id: "EXP1" } });
  fis.on(FIS.StopExperimentCommand).resolves({ experiment: { id: "EXP1", state: { status: "stopping" } } });
  let call = 0;
  fis.on(FIS.GetExperimentCommand).callsFake(() => {
    const p = a.progress[Math.min(call++, a.progress.length - 1)];
    Object.assign(a.alarms, p.alarms ?? {});
    if (p.unhealthy) a.unhealthy = p.unhealthy;
    if (p.writer) a.writer = p.writer;
    return { experiment: { id: "EXP1", state: { status: p.status, ...(p.reason ? { reason: p.reason } : {}) }, actions: { "delete-pods": { state: { status: p.status === "running" ? "running" : "completed" } } } } };
  });
  cloudwatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[] }) => ({
    MetricAlarms: input.AlarmNames.filter((n) => !a.missingAlarms.includes(n)).map((n) => ({ AlarmName: n, StateValue: a.alarms[n] ?? "OK", StateReason: a.alarms[n] === "ALARM" ? "Threshold Crossed: 3 datapoints" : "" })),
  }));
  route53.on(ListHealthChecksCommand).resolves({ HealthChecks: checks.map((_, i) => ({ Id: `hc-${i}`, CallerReference: `c${i}`, HealthCheckConfig: { Type: "HTTPS" }, HealthCheckVersion: 1 })), IsTruncated: false, Marker: "", MaxItems: 100 });
  route53.on(ListTagsForResourcesCommand).callsFake((input: { ResourceIds: string[] }) => ({
    ResourceTagSets: input.ResourceIds.map((id) => ({ ResourceType: "healthcheck", ResourceId: id, Tags: [{ Key: "Name", Value: checks[Number(id.slice(3))] }] })),
  }));
  route53.on(GetHealthCheckStatusCommand).callsFake((input: { HealthCheckId: string }) => {
    const bad = a.unhealthy.includes(checks[Number(input.HealthCheckId.slice(3))]);
    return { HealthCheckObservations: Array.from({ length: 8 }, (_, i) => ({ Region: "us-east-1", IPAddress: `10.0.0.${i}`, StatusReport: { Status: bad ? "Failure: HTTP Status Code 503" : "Success: HTTP Status Code 200, OK" } })) };
  });
}

async function run(options: Partial<GamedayOptions> & { experiment: string; region: string }, a: Account = account(), plan?: PlanDocument, interruptAfterPolls = Infinity, after?: () => void) {
  install(a);
  after?.();
  let polls = 0;
  const lines: string[] = [];
  let clock = Date.parse("2026-12-01T10:00:00Z");
  const code = await gameday({ execute: false, allowDataLoss: false, pollSeconds: 30, ...options }, {
    plan: async () => plan ?? prod,
    aws: { fis: () => new FisClient({ region: options.region }), cloudwatch: (region) => new CloudWatchClient({ region }), route53: () => new Route53Client({ region: "us-east-1" }), rds: (region) => new RDSClient({ region }), arcZonalShift: (region) => new ARCZonalShiftClient({ region }) },
    print: (line) => lines.push(line),
    sleep: async (ms) => {
      clock += ms;
      polls += 1;
    },
    now: () => new Date(clock),
    interrupted: () => polls >= interruptAfterPolls,
    starting: () => lines.push("[starting]"),
  });
  return { code, out: lines.join("\n") };
}

async function refusal(options: Partial<GamedayOptions> & { experiment: string; region: string }, a?: Account, plan?: PlanDocument): Promise<string> {
  const error = await run(options, a, plan).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CommandError);
  return (error as CommandError).message;
}

describe("gameday dry run", () => {
  it("checks the preconditions, says what it would start and starts nothing", async () => {
    const { code, out } = await run({ experiment: "az-power-2", region: "us-west-2" });
    expect(code).toBe(0);
    expect(out).toMatch(/^experiment az-power-2 in us-west-2 \(prod-us-west-2-az-power-2\)/);
    expect(out).toMatch(/action cut-az-network: aws:network:disrupt-connectivity on az-subnets \(duration=PT30M, scope=all\)/);
    expect(out).toMatch(/stopped by prod-us-west-2-error-rate, prod-us-west-2-latency-p99, prod-us-west-2-no-healthy-targets, prod-us-west-2-replication-lag/);
    // Every alarm of every region the plan lists is checked, not a count copied here.
    const alarms = prod.resilience.monitoring!.regions.flatMap((m) => m.alarms).length;
    expect(alarms).toBeGreaterThan(90);
    expect(out).toMatch(new RegExp(`preconditions met: ${alarms} alarm\\(s\\) in 3 region\\(s\\) not in ALARM, 3 health check\\(s\\) healthy`));
    expect(out).toMatch(/dry run: would start FIS template EXTus-west-2\d+; nothing was started\. Add --execute to run it\./);
    expect(fis.commandCalls(FIS.StartExperimentCommand)).toHaveLength(0);
  });
});

describe("gameday refusals", () => {
  it("refuses an environment whose plan has mandatory violations, before any AWS call", async () => {
    const broken = structuredClone(prod);
    broken.stacks[1].violations.push({ policy: "experiment-stop-conditions", enforcementLevel: "mandatory", urn: null, message: "This experiment template has a stop condition of source `none`." });
    const message = await refusal({ experiment: "pod-delete", region: "us-west-2" }, account(), broken);
    expect(message).toMatch(/environment prod has 1 mandatory policy violation\(s\); an environment that fails its own policies is not rehearsed/);
    expect(message).toMatch(/prod-us-east-1: experiment-stop-conditions: This experiment template/);
    expect(message).toMatch(/Fix them \(npm run plan -- --env prod\)/);
    expect(fis.calls()).toHaveLength(0);
  });

  it("names the region or experiment that does not exist and lists the ones that do", async () => {
    expect(await refusal({ experiment: "pod-delete", region: "ap-south-1" })).toBe("--region ap-south-1 is not a region of environment prod; use one of us-east-1, us-west-2, eu-west-1");
    expect(await refusal({ experiment: "az-power-9", region: "us-west-2" })).toMatch(/^experiment az-power-9 is not planned in us-west-2; use one of .*az-power-1, az-power-2, az-power-3.*pod-delete/);
  });

  it("says the global failover is deployed only with platform:faultInjectionDataLoss, and how to rehearse it", async () => {
    const message = await refusal({ experiment: "aurora-failover", region: "us-west-2", allowDataLoss: true });
    expect(message).toMatch(/^experiment aurora-failover is not deployed in prod: it fails the global database over ALLOWING DATA LOSS, so the stacks create it only with platform:faultInjectionDataLoss: true\./);
    expect(message).toMatch(/set platform:faultInjectionDataLoss: true in Pulumi.<env>.yaml of a non-production environment \(or of one chosen deliberately for the rehearsal\), deploy every regional stack, run it with --allow-data-loss, then set it back to false and deploy/);
    expect(fis.calls()).toHaveLength(0);
  });

  it("wants --allow-data-loss for the global failover, never fails over to the primary, and moves the writer only where it is not", async () => {
    expect(await refusal({ experiment: "aurora-failover", region: "us-west-2" }, account(), prodWithFailover)).toMatch(/ALLOWING DATA LOSS .* add --allow-data-loss to rehearse it, or run aurora-switchover/);
    expect(await refusal({ experiment: "aurora-failover", region: "us-east-1", allowDataLoss: true }, account({ writer: "us-west-2" }), prodWithFailover)).toMatch(/^experiment aurora-failover fails the global database's writer over to us-east-1, the primary region .* ALLOWING DATA LOSS; to bring the writer back there run aurora-switchover --region us-east-1 \(no data loss\), and rehearse the failover with --region set to a secondary \(us-west-2, eu-west-1\)$/);
    // The writer in the primary already: RDS says so, whatever the plan's order.
    expect(await refusal({ experiment: "aurora-switchover", region: "us-east-1" })).toMatch(/the writer of .* is already in us-east-1 \(arn:aws:rds:us-east-1:.*\); run aurora-switchover with --region set to a region holding a secondary/);
    // Where the writer is now, asked of RDS: after a switchover it need not be the plan's primary.
    expect(await refusal({ experiment: "aurora-switchover", region: "us-west-2" }, account({ writer: "us-west-2" }))).toMatch(/the writer of .* is already in us-west-2 \(arn:aws:rds:us-west-2:.*\); run aurora-switchover with --region set to a region holding a secondary/);
    expect(await refusal({ experiment: "aurora-switchover", region: "us-west-2" }, account({ writer: null }))).toMatch(/has no writer right now \(a switchover or failover is under way\)/);
    expect((await run({ experiment: "aurora-switchover", region: "eu-west-1" })).out).toMatch(new RegExp(`writer now: arn:aws:rds:us-east-1:${REAL_ACCOUNT}:cluster:\\S+; aurora-switchover moves it to cluster \\S+ in eu-west-1`));
    const { code } = await run({ experiment: "aurora-failover", region: "us-west-2", allowDataLoss: true }, account(), prodWithFailover);
    expect(code).toBe(0);
  });

  it("moves the writer back to the primary after a rehearsed switchover, and says nothing more is left to do", async () => {
    const dry = await run({ experiment: "aurora-switchover", region: "us-east-1" }, account({ writer: "us-west-2" }));
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(new RegExp(`writer now: arn:aws:rds:us-west-2:${REAL_ACCOUNT}:cluster:\\S+; aurora-switchover moves it to cluster \\S+ in us-east-1`));
    const back = await run({ experiment: "aurora-switchover", region: "us-east-1", execute: true }, account({ writer: "us-west-2", progress: [{ status: "running" }, { status: "completed", writer: "us-east-1" }] }));
    expect(back.code).toBe(0);
    expect(back.out).toMatch(/the writer is back in us-east-1, the region platform:regions lists first: writer.<zone> and the regions' database roles point at it again; nothing more to do/);
    expect(back.out).not.toMatch(/writes through writer.<zone> fail/);
  });

  it("knows the writer is already in the region although AWS's ARN carries the real account, not the plan's", async () => {
    const planArn = writerMove(gamedayTarget(prod, "us-west-2", "aurora-switchover"))!.targetClusterArn;
    const plan = parseClusterArn(planArn)!;
    expect(plan).toMatchObject({ region: "us-west-2" });
    expect(plan.account).not.toBe(REAL_ACCOUNT);
    // What DescribeGlobalClusters answers: same cluster, the account the stacks really run in.
    const message = await refusal({ experiment: "aurora-switchover", region: "us-west-2" }, account({ writer: "us-west-2" }));
    expect(message).toContain(`the writer of ${writerMove(gamedayTarget(prod, "us-west-2", "aurora-switchover"))!.globalClusterIdentifier} is already in us-west-2 (arn:aws:rds:us-west-2:${REAL_ACCOUNT}:cluster:${plan.clusterIdentifier})`);
    expect(fis.commandCalls(FIS.StartExperimentCommand)).toHaveLength(0);
  });

  it("refuses an az-power experiment in the plan's primary and in the writer's region while the two differ (its failover follows the config), and runs it elsewhere", async () => {
    const primary = await refusal({ experiment: "az-power-1", region: "us-east-1" }, account({ writer: "us-west-2" }));
    expect(primary).toMatch(new RegExp(`^the writer of \\S+ is in us-west-2 \\(arn:aws:rds:us-west-2:${REAL_ACCOUNT}:cluster:\\S+\\) but the plan's primary region is us-east-1: az-power-1 fails over the writer of us-east-1 only, which is a secondary now: its failover would find no writer \\(FIS skips it\\); deploy the configuration that follows the writer first \\(docs/runbooks/planned-switchover.md\\), or move the writer back \\(npm run gameday -- aurora-switchover --region us-east-1\\)`));
    const writers = await refusal({ experiment: "az-power-2", region: "us-west-2" }, account({ writer: "us-west-2" }));
    expect(writers).toMatch(/but the plan's primary region is us-east-1: us-west-2's az-power templates have no writer failover \(they were built for a secondary\), so az-power-2 would cut the writer's AZ without failing it over;/);
    expect(await refusal({ experiment: "az-power-1", region: "us-east-1" }, account({ writer: null }))).toMatch(/has no writer right now/);
    expect(fis.commandCalls(FIS.StartExperimentCommand)).toHaveLength(0);
    // A region that is neither: its templates never touch the writer.
    expect((await run({ experiment: "az-power-2", region: "eu-west-1" }, account({ writer: "us-west-2" }))).code).toBe(0);
  });

  it("decides which az-power experiments a moved writer spoils with plain values (azPowerWriterProblem)", () => {
    const at = (region: string, writerRegion: string) => azPowerWriterProblem({ id: "az-power-1", region, primary: "us-east-1", globalCluster: "prod-global", writer: `arn:aws:rds:${writerRegion}:1:cluster:prod-${writerRegion}`, writerRegion });
    expect(["us-east-1", "us-west-2", "eu-west-1"].map((r) => at(r, "us-east-1"))).toEqual([undefined, undefined, undefined]);
    expect(["us-east-1", "us-west-2", "eu-west-1"].map((r) => at(r, "us-west-2") !== undefined)).toEqual([true, true, false]);
  });

  it("says in which AZ the writer is before an az-power experiment in its region, and whether the experiment fails it over", async () => {
    const figure = (id: string) => gamedayTarget(prod, "us-east-1", id).experiment;
    const zone1 = experimentZone(figure("az-power-1"))!;
    expect(zone1).toMatch(/^us-east-1[a-z]$/);
    const hit = await run({ experiment: "az-power-1", region: "us-east-1" }, account({ writerZone: zone1 }));
    expect(hit.code).toBe(0);
    expect(hit.out).toMatch(new RegExp(`writer now: instance writer-1 in ${zone1} \\(arn:aws:rds:us-east-1:${REAL_ACCOUNT}:cluster:\\S+\\): az-power-1 cuts ${zone1}, so it fails the writer over to a reader in another AZ`));
    const miss = await run({ experiment: "az-power-2", region: "us-east-1" }, account({ writerZone: zone1 }));
    expect(miss.out).toMatch(new RegExp(`writer now: instance writer-1 in ${zone1} .*: az-power-2 cuts ${experimentZone(figure("az-power-2"))}, so the writer stays where it is`));
    // In a secondary region the writer is not touched: nothing asked of DescribeDBClusters.
    expect((await run({ experiment: "az-power-2", region: "us-west-2" })).out).not.toMatch(/writer now/);
    expect(rds.commandCalls(DescribeDBClustersCommand)).toHaveLength(0);
  });

  it("compares clusters by region and identifier only, ignoring account and partition", () => {
    expect(parseClusterArn("arn:aws:rds:us-west-2:111122223333:cluster:prod-db")).toEqual({ partition: "aws", region: "us-west-2", account: "111122223333", clusterIdentifier: "prod-db" });
    expect(parseClusterArn("arn:aws:rds:us-west-2:111122223333:db:prod-db-1")).toBeNull();
    expect(sameCluster("arn:aws:rds:us-west-2:111122223333:cluster:prod-db", "arn:aws:rds:us-west-2:123456789012:cluster:prod-db")).toBe(true);
    expect(sameCluster("arn:aws-us-gov:rds:us-west-2:111122223333:cluster:prod-db", "arn:aws:rds:us-west-2:123456789012:cluster:prod-db")).toBe(true);
    expect(sameCluster("arn:aws:rds:us-east-1:111122223333:cluster:prod-db", "arn:aws:rds:us-west-2:111122223333:cluster:prod-db")).toBe(false);
    expect(sameCluster("arn:aws:rds:us-west-2:111122223333:cluster:prod-db", "arn:aws:rds:us-west-2:111122223333:cluster:prod-db-2")).toBe(false);
  });

  it("refuses while a zonal shift, a practice run or an autoshift is active in the region, naming each and what to do", async () => {
    const alb = "arn:aws:elasticloadbalancing:us-west-2:210987654321:loadbalancer/app/prod-us-west-2-alb-1a2b3c/50dc6c495c0c9188";
    const eks = "arn:aws:eks:us-west-2:210987654321:cluster/prod-us-west-2";
    const message = await refusal({ experiment: "az-power-2", region: "us-west-2" }, account({
      shifts: [
        { zonalShiftId: "zs-manual", resourceIdentifier: alb, awayFrom: "usw2-az2", startTime: new Date("2026-12-01T08:00:00Z"), expiryTime: new Date("2026-12-01T14:00:00Z"), status: "ACTIVE", comment: "bad deploy in az2", shiftType: "ZONAL_SHIFT" },
        { zonalShiftId: "zs-practice", resourceIdentifier: eks, awayFrom: "usw2-az1", startTime: new Date("2026-12-01T09:50:00Z"), expiryTime: new Date("2026-12-01T10:20:00Z"), status: "ACTIVE", comment: "", shiftType: "PRACTICE_RUN", practiceRunOutcome: "PENDING" },
      ],
      autoshifts: [{ awayFrom: "usw2-az3", startTime: new Date("2026-12-01T09:30:00Z"), endTime: new Date("2026-12-01T09:30:00Z"), status: "ACTIVE" }],
    }));
    expect(message).toMatch(/^3 zonal shift\(s\) active in us-west-2: traffic is already moved away from a zone; az-power-2 now would stack its fault on that capacity loss and show nothing about the fault alone; start it once none is active:\n/);
    expect(message).toContain(`  - zonal shift zs-manual on ${alb} away from usw2-az2, expires 2026-12-01T14:00:00Z (in 240 min) (comment: bad deploy in az2): wait for it to expire, or cancel it once whoever started it agrees: aws arc-zonal-shift cancel-zonal-shift --region us-west-2 --zonal-shift-id zs-manual`);
    expect(message).toContain(`  - autoshift practice run zs-practice on ${eks} away from usw2-az1, expires 2026-12-01T10:20:00Z (in 20 min): wait for it to end, or cancel it: aws arc-zonal-shift cancel-practice-run --region us-west-2 --zonal-shift-id zs-practice`);
    expect(message).toMatch(/ - zonal autoshift away from usw2-az3 since 2026-12-01T09:30:00Z: AWS sees that zone impaired .* \(it cannot be cancelled\); wait for it \(aws arc-zonal-shift list-autoshifts --region us-west-2\)/);
    expect(message).toMatch(/add its date to platform:zonalAutoshiftBlockedDates and deploy/);
    expect(message).not.toMatch(/\n\s+at /);
    // Asked of the region under test, for active shifts only; nothing started.
    expect(arc.commandCalls(ARC.ListZonalShiftsCommand).map((c) => c.args[0].input)).toEqual([{ status: "ACTIVE", maxResults: 100 }]);
    expect(arc.commandCalls(ARC.ListAutoshiftsCommand).map((c) => c.args[0].input)).toEqual([{ status: "ACTIVE", maxResults: 100 }]);
    expect((arc.commandCalls(ARC.ListZonalShiftsCommand)[0].thisValue as ARCZonalShiftClient).config.region).toBe("us-west-2");
    expect(fis.commandCalls(FIS.StartExperimentCommand)).toHaveLength(0);
    // A shift of the plain kind alone: no word about practice runs.
    const manual = await refusal({ experiment: "pod-delete", region: "us-west-2" }, account({ shifts: [{ zonalShiftId: "zs-1", resourceIdentifier: alb, awayFrom: "usw2-az2", expiryTime: new Date("2026-12-01T10:05:00Z"), status: "ACTIVE", shiftType: "ZONAL_SHIFT" }] }));
    expect(manual).toMatch(/^1 zonal shift\(s\) active in us-west-2/);
    expect(manual).not.toMatch(/zonalAutoshiftBlockedDates/);
  });

  it("follows the pages of zonal shifts and ignores ones no longer active", async () => {
    install(account());
    arc.on(ARC.ListZonalShiftsCommand).callsFake((input: { nextToken?: string }) => (input.nextToken === "p2"
      ? { items: [{ zonalShiftId: "zs-late", resourceIdentifier: "arn:aws:eks:us-west-2:210987654321:cluster/prod-us-west-2", awayFrom: "usw2-az1", expiryTime: new Date("2026-12-01T11:00:00Z"), status: "ACTIVE", shiftType: "FIS_EXPERIMENT" }] }
      : { items: [{ zonalShiftId: "zs-old", awayFrom: "usw2-az2", status: "EXPIRED" }], nextToken: "p2" }));
    const error = await gameday({ experiment: "pod-delete", region: "us-west-2", execute: false, allowDataLoss: false }, {
      plan: async () => prod,
      aws: { fis: () => new FisClient({ region: "us-west-2" }), cloudwatch: (region) => new CloudWatchClient({ region }), route53: () => new Route53Client({ region: "us-east-1" }), rds: (region) => new RDSClient({ region }), arcZonalShift: (region) => new ARCZonalShiftClient({ region }) },
      print: () => undefined,
      sleep: async () => undefined,
      now: () => new Date("2026-12-01T10:00:00Z"),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).toMatch(/^1 zonal shift\(s\) active in us-west-2/);
    expect((error as CommandError).message).toContain("zonal shift started by a FIS experiment zs-late on arn:aws:eks:us-west-2:210987654321:cluster/prod-us-west-2 away from usw2-az1, expires 2026-12-01T11:00:00Z (in 60 min): wait for it to expire, or stop that experiment (aws fis list-experiments --region us-west-2)");
    expect((error as CommandError).message).not.toContain("zs-old");
  });

  it("refuses while an alarm of another region is in ALARM, or one is missing", async () => {
    const message = await refusal({ experiment: "pod-delete", region: "us-west-2" }, account({ alarms: { "prod-eu-west-1-error-rate": "ALARM" }, missingAlarms: ["prod-us-east-1-replication-lag"] }));
    expect(message).toMatch(/preconditions not met for pod-delete in us-west-2:/);
    expect(message).toMatch(/alarm prod-eu-west-1-error-rate \(eu-west-1\) is in ALARM: Threshold Crossed: 3 datapoints; rehearse on a healthy environment/);
    expect(message).toMatch(/alarm prod-us-east-1-replication-lag \(us-east-1, in us-east-1\) does not exist; deploy the stack prod-us-east-1/);
  });

  it("refuses when a region that must take the traffic fails its Route 53 health check", async () => {
    const message = await refusal({ experiment: "az-power-1", region: "us-west-2" }, account({ unhealthy: ["prod-eu-west-1-https"] }));
    expect(message).toMatch(/Route 53 health check prod-eu-west-1-https of eu-west-1 is unhealthy \(0 of 8 checkers see it healthy\); a region that must take the traffic is not serving/);
  });

  it("refuses an experiment that is not deployed, or while another runs in the region", async () => {
    expect(await refusal({ experiment: "pod-delete", region: "us-west-2" }, account({ templates: [] }))).toMatch(/experiment template prod-us-west-2-pod-delete is not deployed .* deploy the stack prod-us-west-2 \(pulumi up\) first/);
    const a = account();
    const template = a.templates.find((t) => t.name === "prod-us-west-2-pod-delete")!;
    expect(await refusal({ experiment: "pod-delete", region: "us-west-2" }, { ...a, running: [{ id: "EXP0", templateId: template.id, status: "running" }] })).toMatch(/experiment EXP0 \(running\) is already under way in prod-us-west-2; one experiment at a time/);
  });

  it("turns an AWS error into one line naming what was being done", async () => {
    install(account());
    fis.on(FIS.ListExperimentTemplatesCommand).rejects(Object.assign(new Error("User is not authorized to perform: fis:ListExperimentTemplates"), { name: "AccessDeniedException" }));
    const error = await gameday({ experiment: "pod-delete", region: "us-west-2", execute: false, allowDataLoss: false }, {
      plan: async () => prod,
      aws: { fis: () => new FisClient({ region: "us-west-2" }), cloudwatch: (region) => new CloudWatchClient({ region }), route53: () => new Route53Client({ region: "us-east-1" }), rds: (region) => new RDSClient({ region }), arcZonalShift: (region) => new ARCZonalShiftClient({ region }) },
      print: () => undefined,
      sleep: async () => undefined,
      now: () => new Date(),
    }).catch((e: unknown) => e);
    expect((error as CommandError).message).toBe("the AWS call failed while finding the template of prod-us-west-2-pod-delete: AccessDeniedException: User is not authorized to perform: fis:ListExperimentTemplates");
  });
});

describe("gameday --execute", () => {
  beforeEach(() => {
    fis.reset();
  });

  it("starts the experiment, follows it, and prints what the alarms and health checks did when a stop condition ends it", async () => {
    const a = account({
      progress: [
        { status: "running" },
        { status: "running", alarms: { "prod-us-west-2-latency-p99": "ALARM" }, unhealthy: ["prod-us-west-2-https"] },
        { status: "stopped", reason: "Experiment stopped by a stop condition", alarms: { "prod-us-west-2-latency-p99": "OK" }, unhealthy: [] },
      ],
    });
    const { code, out } = await run({ experiment: "pod-delete", region: "us-west-2", execute: true }, a);
    expect(code).toBe(1);
    const start = fis.commandCalls(FIS.StartExperimentCommand);
    expect(start).toHaveLength(1);
    expect(start[0].args[0].input).toMatchObject({ experimentTemplateId: a.templates.find((t) => t.name === "prod-us-west-2-pod-delete")!.id, tags: { "fault-injection-scope": "prod-us-west-2", "started-by": "gameday" } });
    expect(out).toMatch(/\+00:00 started experiment EXP1/);
    expect(out).toMatch(/\+00:00 experiment running\n\+00:00 {3}action delete-pods running/);
    expect(out).toMatch(/\+00:30 alarm prod-us-west-2-latency-p99 \(us-west-2\) OK → ALARM/);
    expect(out).toMatch(/\+00:30 health check prod-us-west-2-https \(us-west-2\) UNHEALTHY \(0 of 8 checkers see it healthy\)/);
    expect(out).toMatch(/\+01:00 experiment stopped: Experiment stopped by a stop condition/);
    expect(out).toMatch(/experiment EXP1 stopped: Experiment stopped by a stop condition\nwhat the alarms and health checks did:\n {2}\+00:30 alarm prod-us-west-2-latency-p99/);
    expect(out).toMatch(/\+01:00 alarm prod-us-west-2-latency-p99 \(us-west-2\) ALARM → OK/);
  });

  it("says, after a writer move, that writes through writer.<zone> wait for the writer to go back or the configuration to follow", async () => {
    const { code, out } = await run({ experiment: "aurora-switchover", region: "eu-west-1", execute: true }, account({ progress: [{ status: "running" }, { status: "completed", writer: "eu-west-1" }] }));
    expect(code).toBe(0);
    expect(out).toMatch(/the writer is now in eu-west-1, but writer.<zone> .* \(us-east-1 first\): writes through writer.<zone> fail until/);
    expect(out).toMatch(/move it back to us-east-1 now \(no data loss\): aws rds switchover-global-cluster --region us-east-1 --global-cluster-identifier \S+ --target-db-cluster-identifier arn:aws:rds:us-east-1:\d+:cluster:\S+/);
    expect(out).toMatch(/planned-switchover.md, steps 3 to 6/);
    // A failover leaves the old writer's cluster out of the global database: it rejoins before any switchover back.
    const failover = await run({ experiment: "aurora-failover", region: "eu-west-1", execute: true, allowDataLoss: true }, account({ progress: [{ status: "running" }, { status: "completed", writer: "eu-west-1" }] }), prodWithFailover);
    expect(failover.out).toMatch(/move it back to us-east-1 once us-east-1's cluster has rejoined as a secondary \(aurora-global-database.md, section 4\)/);
    // Mid-move when the run ends: no writer yet, the advice for when it lands.
    const moving = await run({ experiment: "aurora-switchover", region: "eu-west-1", execute: true }, account({ writer: "us-east-1", progress: [{ status: "running" }, { status: "completed", writer: "none" }] }));
    expect(moving.out).toMatch(/has no writer right now: the move is under way\nonce the writer is in eu-west-1, but writer.<zone>/);
    // Nothing moved (the automation did not run): nothing to say.
    const stayed = await run({ experiment: "aurora-switchover", region: "eu-west-1", execute: true }, account({ progress: [{ status: "running" }, { status: "failed" }] }));
    expect(stayed.out).not.toMatch(/writer is now in/);
    const other = await run({ experiment: "pod-delete", region: "eu-west-1", execute: true }, account({ progress: [{ status: "running" }, { status: "completed" }] }));
    expect(other.out).not.toMatch(/writer is now in/);
  });

  it("exits 0 when the experiment completes and nothing changed state", async () => {
    const { code, out } = await run({ experiment: "pod-delete", region: "eu-west-1", execute: true }, account({ progress: [{ status: "running" }, { status: "completed" }] }));
    expect(code).toBe(0);
    expect(out).toMatch(/experiment EXP1 completed\nno alarm or health check changed state: the platform absorbed the fault/);
  });

  it("stops the experiment when the operator interrupts, and follows it to its end", async () => {
    const { code, out } = await run({ experiment: "pod-delete", region: "eu-west-1", execute: true }, account({ progress: [{ status: "running" }, { status: "stopping" }, { status: "stopped", reason: "Experiment stopped by user" }] }), undefined, 1);
    expect(code).toBe(1);
    expect(fis.commandCalls(FIS.StopExperimentCommand).map((c) => c.args[0].input)).toEqual([{ id: "EXP1" }]);
    expect(out).toMatch(/\+00:30 interrupted: stopping experiment EXP1 \(FIS undoes its actions\)\n\+00:30 experiment stopping/);
    expect(out).toMatch(/experiment EXP1 stopped: Experiment stopped by user/);
  });

  it("tells the CLI it is starting before StartExperiment, so a Ctrl-C during the start stops what it started", async () => {
    const { code, out } = await run({ experiment: "pod-delete", region: "eu-west-1", execute: true }, account({ progress: [{ status: "stopping" }, { status: "stopped", reason: "Experiment stopped by user" }] }), undefined, 0);
    expect(code).toBe(1);
    expect(out).toMatch(/\[starting\]\n\+00:00 started experiment EXP1/);
    expect(out).toMatch(/\+00:00 interrupted: stopping experiment EXP1/);
    expect(fis.commandCalls(FIS.StopExperimentCommand).map((c) => c.args[0].input)).toEqual([{ id: "EXP1" }]);
  });

  it("retries a read that fails while following, and goes on once it succeeds", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    const { code, out } = await run({ experiment: "pod-delete", region: "eu-west-1", execute: true }, account({ progress: [{ status: "running" }, { status: "completed" }] }), undefined, Infinity, () => {
      // GetExperiment: twice a throttle past the SDK's retries, then running, then completed.
      let calls = 0;
      const progress = [{ status: "running" }, { status: "completed" }];
      fis.on(FIS.GetExperimentCommand).callsFake(() => {
        calls += 1;
        if (calls <= 2) throw throttled;
        const p = progress[Math.min(calls - 3, progress.length - 1)];
        return { experiment: { id: "EXP1", state: { status: p.status }, actions: {} } };
      });
    });
    expect(code).toBe(0);
    expect(out).toMatch(/\+00:00 the AWS call failed while reading experiment EXP1: ThrottlingException: Rate exceeded; retrying in 30 s \(1 of 5\)/);
    expect(out).toMatch(/\+00:30 .*; retrying in 60 s \(2 of 5\)/);
    expect(out).toMatch(/experiment EXP1 completed/);
  });

  it("stops following (exit 1) when reads keep failing, and says how to stop the experiment and what the writer needs", async () => {
    const denied = Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredTokenException" });
    const { code, out } = await run({ experiment: "aurora-switchover", region: "eu-west-1", execute: true }, account(), undefined, Infinity, () => {
      cloudwatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[] }) => {
        // The preconditions read the alarms once; every read while following fails.
        if (fis.commandCalls(FIS.StartExperimentCommand).length) throw denied;
        return { MetricAlarms: input.AlarmNames.map((n) => ({ AlarmName: n, StateValue: "OK" })) };
      });
      rds.on(DescribeGlobalClustersCommand).callsFake(() => {
        if (fis.commandCalls(FIS.StartExperimentCommand).length) throw denied;
        return { GlobalClusters: [{ GlobalClusterMembers: [{ DBClusterArn: `arn:aws:rds:us-east-1:${REAL_ACCOUNT}:cluster:prod-us-east-1-db`, IsWriter: true }] }] };
      });
    });
    expect(code).toBe(1);
    expect(out).toMatch(/retrying in 30 s \(1 of 5\)/);
    expect(out).toMatch(/retrying in 120 s \(4 of 5\)/);
    expect(out).toContain("5 reads in a row failed: no longer following; experiment EXP1 may still be running. Stop it: aws fis stop-experiment --region eu-west-1 --id EXP1");
    expect(out).toMatch(/could not find where the writer of \S+ is \(.*ExpiredTokenException.*\); if it moved:\nonce the writer is in eu-west-1, but writer.<zone>/);
    expect(out).toMatch(/planned-switchover.md, steps 3 to 6/);
  });

  it("stops following (exit 1) after --max-minutes while the experiment goes on", async () => {
    const { code, out } = await run({ experiment: "pod-delete", region: "eu-west-1", execute: true, maxMinutes: 1 }, account({ progress: [{ status: "running" }] }));
    expect(code).toBe(1);
    expect(out).toMatch(/still running after 1 minutes: no longer following; the experiment goes on \(aws fis get-experiment --id EXP1\)/);
    // A writer move it stopped following: the advice, if the writer moved meanwhile.
    const moved = await run({ experiment: "aurora-switchover", region: "eu-west-1", execute: true, maxMinutes: 1 }, account({ progress: [{ status: "running", writer: "eu-west-1" }] }));
    expect(moved.code).toBe(1);
    expect(moved.out).toMatch(/no longer following[^]*the writer is now in eu-west-1, but writer.<zone>/);
  });
});

describe("gameday arguments and plan files", () => {
  const tempDir = temporaryDirectories();

  it("parses the experiment, region and flags, and names a bad flag's value and fix", () => {
    expect(parseGamedayArgs(["az-power-1", "--region", "us-west-2", "--execute"])).toMatchObject({ experiment: "az-power-1", region: "us-west-2", environment: "prod", execute: true, allowDataLoss: false, pollSeconds: 15, planFile: null });
    expect(() => parseGamedayArgs(["az-power-1"])).toThrow(/--region is missing: name the region to rehearse in/);
    expect(() => parseGamedayArgs(["--region", "us-west-2"])).toThrow(/give exactly one experiment \(e.g. az-power-1, pod-delete\); got none/);
    expect(() => parseGamedayArgs(["x", "--region", "r", "--poll-seconds", "0.5"])).toThrow("--poll-seconds 0.5 is not a whole number >= 1; e.g. --poll-seconds 15");
    expect(() => parseGamedayArgs(["x", "--region", "r", "--force"])).toThrow(/Unknown option '--force'[\s\S]*usage: npm run gameday/);
  });

  it("reads a plan JSON of the environment and refuses another environment's or a broken one", () => {
    const dir = tempDir("gameday-");
    const file = join(dir, "plan.json");
    writeFileSync(file, JSON.stringify(prod));
    expect(readPlan(file, "prod").environment).toBe("prod");
    expect(() => readPlan(file, "staging")).toThrow(`--plan ${file} is a plan of environment prod, not staging; pass --env prod or a plan of staging`);
    writeFileSync(file, "{");
    expect(() => readPlan(file, "prod")).toThrow(/is not a readable plan JSON .* write one with npm run plan -- --env prod --json/);
  });
});

describe("practice runs during the game day (practiceRunWarning, practiceRunsBlockedAt)", () => {
  it("blocks a listed date, and a time inside a window, one running over the week's end too", () => {
    const blocked = { blockedDates: ["2026-12-08"], blockedWindows: ["Fri:16:00-Mon:08:00"] };
    expect(practiceRunsBlockedAt(new Date("2026-12-08T10:00:00Z"), blocked)).toBe(true); // a Tuesday, listed
    expect(practiceRunsBlockedAt(new Date("2026-12-09T10:00:00Z"), blocked)).toBe(false); // Wednesday
    expect(practiceRunsBlockedAt(new Date("2026-12-05T03:00:00Z"), blocked)).toBe(true); // Saturday
    expect(practiceRunsBlockedAt(new Date("2026-12-07T07:59:00Z"), blocked)).toBe(true); // Monday before 08:00
    expect(practiceRunsBlockedAt(new Date("2026-12-07T08:00:00Z"), blocked)).toBe(false);
    expect(practiceRunsBlockedAt(new Date("2026-12-04T15:59:00Z"), blocked)).toBe(false); // Friday before 16:00
    expect(practiceRunsBlockedAt(new Date("2026-12-09T10:00:00Z"), { blockedWindows: ["Wed:09:00-Wed:11:00"] })).toBe(true);
  });

  it("warns, from prod's plan, when neither a blocked date nor a window covers the start, naming the date and the fix", () => {
    expect(practiceRunWarning(prod, "us-west-2", new Date("2026-12-09T10:00:00Z"))).toBe(
      "zonal autoshift may start a practice run in us-west-2 during the experiment: 2026-12-09 is not among platform:zonalAutoshiftBlockedDates and no blocked window covers 10:00 UTC; add 2026-12-09 to platform:zonalAutoshiftBlockedDates and deploy before the day (docs/runbooks/game-day.md, Before the day)",
    );
    expect(practiceRunWarning(prod, "us-west-2", new Date("2026-12-05T10:00:00Z"))).toBeUndefined(); // prod blocks weekends
    expect(practiceRunWarning(prod, "ap-south-1", new Date("2026-12-09T10:00:00Z"))).toBeUndefined(); // no autoshift there
  });
});
