/**
 * Pure decisions for Aurora global databases: engine family, ports, log types, instance
 * placement over AZs, identifiers and maintenance windows. No resources here; the database
 * components only declare what these functions decide.
 */

export type AuroraEngine = "aurora-postgresql" | "aurora-mysql";
export const AURORA_ENGINES: readonly AuroraEngine[] = ["aurora-postgresql", "aurora-mysql"];

/** Most instances one Aurora cluster can hold (primary: 1 writer + 15 readers; secondary: 16 readers). */
export const MAX_INSTANCES_PER_CLUSTER = 16;
/** Aurora's promotion tiers run from 0 (promoted first) to 15. */
export const MAX_PROMOTION_TIER = 15;

export function assertAuroraEngine(engine: string): asserts engine is AuroraEngine {
  if (!(AURORA_ENGINES as readonly string[]).includes(engine)) {
    throw new Error(`engine "${engine}" is not an Aurora engine that supports global databases; use one of ${AURORA_ENGINES.join(", ")}`);
  }
}

/** Default port of the engine (the security group opens exactly this one). */
export function enginePort(engine: AuroraEngine): number {
  return engine === "aurora-postgresql" ? 5432 : 3306;
}

export interface MasterSecretFields {
  readonly engine: AuroraEngine;
  readonly username: string;
  readonly password: string;
  /**
   * The global writer endpoint: follows the writer across switchovers and failovers, for what
   * runs in the writer region's VPC (a rotation). Applications use their region's own endpoints.
   */
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
}

/** The master secret's JSON, in the shape RDS-aware clients and rotation functions read. */
export function masterSecretString(f: MasterSecretFields): string {
  return JSON.stringify({ username: f.username, password: f.password, engine: f.engine === "aurora-postgresql" ? "postgres" : "mysql", host: f.host, port: f.port, dbname: f.dbname });
}

/** The region of an ARN ("arn:aws:secretsmanager:us-east-1:…" → "us-east-1"). */
export function arnRegion(arn: string): string {
  const region = arn.split(":")[3];
  if (!region) throw new Error(`"${arn}" is not a regional ARN`);
  return region;
}

/**
 * `keepers` of the master password: none for generation 0 (the password a database was created
 * with), `{ rotation: "<n>" }` from 1 on. Why not always a map: random_password replaces itself
 * when keepers go from absent to any non-null value (RequiresReplaceIfValuesNotNull in
 * terraform-provider-random), so giving existing environments `{ rotation: "0" }` would rotate
 * their password on the first deploy; an absent map keeps it. Any later change rotates.
 */
export function passwordKeepers(rotation: number): Record<string, string> | undefined {
  if (!Number.isInteger(rotation) || rotation < 0) throw new Error(`master password rotation ${rotation} must be a whole number, 0 or more`);
  return rotation === 0 ? undefined : { rotation: String(rotation) };
}

/** CloudWatch log types an engine can export (scanners expect them all). */
export function cloudwatchLogExports(engine: AuroraEngine): string[] {
  return engine === "aurora-postgresql" ? ["postgresql"] : ["audit", "error", "general", "slowquery"];
}

/**
 * The DB cluster parameter group family of an engine version: "16.6" → aurora-postgresql16,
 * "9.6.22" → aurora-postgresql9.6 (before 10, the minor was part of the major),
 * "8.0.mysql_aurora.3.05.2" → aurora-mysql8.0, "5.7.mysql_aurora.2.11.2" → aurora-mysql5.7.
 */
export function parameterGroupFamily(engine: AuroraEngine, engineVersion: string): string {
  if (engine === "aurora-postgresql") {
    const match = /^(\d+)(?:\.(\d+))?(?:\.\d+)?$/.exec(engineVersion);
    if (!match) {
      throw new Error(`aurora-postgresql engineVersion "${engineVersion}" is not a version like "16.6"`);
    }
    const major = Number(match[1]);
    if (major < 10) {
      if (match[2] === undefined) throw new Error(`aurora-postgresql engineVersion "${engineVersion}" needs its minor version (e.g. "9.6.22")`);
      return `aurora-postgresql${major}.${match[2]}`;
    }
    return `aurora-postgresql${major}`;
  }
  const match = /^(\d+)\.(\d+)(?:\.mysql_aurora\.\d+\.\d+\.\d+)?$/.exec(engineVersion);
  if (!match) {
    throw new Error(`aurora-mysql engineVersion "${engineVersion}" is not a version like "8.0.mysql_aurora.3.05.2"`);
  }
  return `aurora-mysql${match[1]}.${match[2]}`;
}

/**
 * Aurora versions in order: "16.8" after "16.6", "8.0.mysql_aurora.3.08.0" after
 * "8.0.mysql_aurora.3.05.2". Dot-separated parts, numeric ones as numbers; negative, 0 or positive.
 */
export function compareEngineVersions(a: string, b: string): number {
  const pa = a.split(".");
  const pb = b.split(".");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "";
    const y = pb[i] ?? "";
    const order = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * Whether `to` is an older engine version than `from`: a downgrade, which Aurora never does in
 * place. A version that is a leading part of the other ("16" and "16.6": the config accepts a
 * major alone, and the provider keeps it as given) is neither older nor newer.
 */
export function isEngineDowngrade(from: string, to: string): boolean {
  if (from.startsWith(`${to}.`) || to.startsWith(`${from}.`)) return false;
  return compareEngineVersions(to, from) < 0;
}

/** Major version of an engine version, comparable across engines' spellings ("9.6.22" → 9.6, "16.6" → 16, "8.0.mysql_aurora…" → 8.0). */
function majorNumber(engine: AuroraEngine, engineVersion: string): number {
  const family = parameterGroupFamily(engine, engineVersion);
  return Number(family.replace(/^aurora-(postgresql|mysql)/, ""));
}

export interface MajorUpgradePlan {
  /** The parameter group families the members need now: the current one, and the target's while the upgrade is ahead. */
  readonly families: string[];
  /** The family the member's cluster uses (its engine version's). */
  readonly attached: string;
  /** The target is another family than the current version: the major upgrade is still ahead. */
  readonly pending: boolean;
}

/**
 * Parameter groups around a major upgrade of a global database. A major upgrade goes through the
 * global cluster, and AWS resets every member to the new version's default cluster and instance
 * parameter groups ("Apply any custom parameter groups after completing the upgrade",
 * ModifyGlobalCluster AllowMajorVersionUpgrade); custom groups must exist for the new family
 * first. While a target is set and not reached, both families' groups exist and the cluster keeps
 * the current one; once `engineVersion` is the target, the cluster takes the target's group.
 * A target of the same family as the current version (the upgrade done, or a minor one) needs
 * nothing; a lower major is refused (Aurora cannot downgrade).
 */
export function planMajorUpgrade(engine: AuroraEngine, engineVersion: string, targetVersion?: string): MajorUpgradePlan {
  const attached = parameterGroupFamily(engine, engineVersion);
  if (!targetVersion) return { families: [attached], attached, pending: false };
  const target = parameterGroupFamily(engine, targetVersion);
  if (target === attached) return { families: [attached], attached, pending: false };
  if (majorNumber(engine, targetVersion) < majorNumber(engine, engineVersion)) {
    throw new Error(`upgrade target ${targetVersion} is an older major than ${engineVersion}; Aurora cannot downgrade a cluster`);
  }
  return { families: [attached, target], attached, pending: true };
}

/**
 * Why an engine version cannot forward writes from a global database's secondaries, or undefined
 * when it can. Aurora PostgreSQL: every 16+ version, 15.4+ and 14.9+ (Aurora user guide, "Using
 * write forwarding in an Aurora PostgreSQL global database"). Aurora MySQL is not checked here.
 */
export function globalWriteForwardingProblem(engine: AuroraEngine, engineVersion: string): string | undefined {
  if (engine !== "aurora-postgresql") return undefined;
  const match = /^(\d+)(?:\.(\d+))?/.exec(engineVersion);
  if (!match) return undefined;
  const [major, minor] = [Number(match[1]), Number(match[2] ?? 0)];
  const least: Record<number, number> = { 14: 9, 15: 4 };
  if (major >= 16 || (least[major] !== undefined && minor >= least[major])) return undefined;
  return `aurora-postgresql ${engineVersion} cannot forward writes from a global database's secondaries: it needs 16 or later, 15.4+ or 14.9+; upgrade the engine or turn write forwarding off`;
}

/**
 * Global databases refuse burstable classes ("instance class is not supported by global
 * databases: db.t4g.medium"), so a db.t* class is an error here rather than at deploy time.
 */
export function assertGlobalDatabaseInstanceClass(instanceClass: string): void {
  if (!/^db\.([a-z0-9-]+\.[a-z0-9]+|serverless)$/.test(instanceClass)) {
    throw new Error(`instanceClass "${instanceClass}" is not an RDS instance class (expected e.g. "db.r7g.large")`);
  }
  if (/^db\.t\d/.test(instanceClass)) {
    throw new Error(
      `instanceClass "${instanceClass}" is burstable, and Aurora global databases reject burstable classes; ` +
        `use a memory-optimized class such as db.r7g.large or db.r6g.large`,
    );
  }
}

export interface InstancePlacement {
  readonly availabilityZone: string;
  /** 0 is promoted first. Follows placement order, so the first failover target sits in another AZ than instance 0. */
  readonly promotionTier: number;
}

/**
 * Places `count` instances round-robin over the DISTINCT AZs given (in the order given), so no
 * AZ holds more than one instance more than any other and instances 0 and 1 never share an AZ.
 * More than one instance in a single AZ is refused: it would look redundant and not be.
 */
export function placeInstances(count: number, availabilityZones: readonly string[]): InstancePlacement[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_INSTANCES_PER_CLUSTER) {
    throw new Error(`instance count ${count} must be an integer from 1 to ${MAX_INSTANCES_PER_CLUSTER}`);
  }
  const zones = [...new Set(availabilityZones)];
  if (zones.length === 0) throw new Error("no availability zone given to place database instances in");
  if (count > 1 && zones.length < 2) {
    throw new Error(`${count} database instances need at least two distinct availability zones to survive an AZ loss; got ${zones.join(", ")}`);
  }
  return Array.from({ length: count }, (_, i) => ({
    availabilityZone: zones[i % zones.length],
    promotionTier: promotionTier(i),
  }));
}

/** Promotion tier of the i-th instance: placement order, capped at Aurora's last tier. */
export function promotionTier(index: number): number {
  return Math.min(index, MAX_PROMOTION_TIER);
}

/**
 * An RDS identifier from a free-form name: lower case letters, digits and single hyphens,
 * starting with a letter, no trailing hyphen, at most `maxLength` characters (63 for clusters).
 */
export function rdsIdentifier(name: string, maxLength = 63): string {
  let id = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[^a-z]+/, "");
  id = id.slice(0, maxLength).replace(/-+$/, "");
  if (!id) throw new Error(`cannot derive an RDS identifier from "${name}": it needs at least one letter`);
  return id;
}

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** [start, end) in minutes of the week; end may pass the week's end (wraps to Monday). */
type Interval = readonly [number, number];

function clock(text: string, what: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new Error(`${what}: "${text}" is not a UTC time hh24:mi`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function span(start: number, end: number, period: number): number {
  return ((end - start) % period + period) % period;
}

/** `preferredBackupWindow` ("hh24:mi-hh24:mi", UTC, daily) as its 7 weekly intervals. */
export function parseBackupWindow(window: string): Interval[] {
  const parts = window.split("-");
  if (parts.length !== 2) throw new Error(`backup window "${window}" is not "hh24:mi-hh24:mi"`);
  const start = clock(parts[0], `backup window "${window}"`);
  const length = span(start, clock(parts[1], `backup window "${window}"`), MINUTES_PER_DAY);
  if (length < 30) throw new Error(`backup window "${window}" must last at least 30 minutes`);
  return DAYS.map((_, day) => [day * MINUTES_PER_DAY + start, day * MINUTES_PER_DAY + start + length] as const);
}

/** `preferredMaintenanceWindow` ("ddd:hh24:mi-ddd:hh24:mi", UTC, weekly) as an interval. */
export function parseMaintenanceWindow(window: string): Interval {
  const match = /^([a-z]{3}):(\d\d:\d\d)-([a-z]{3}):(\d\d:\d\d)$/.exec(window.toLowerCase());
  if (!match || !DAYS.includes(match[1]) || !DAYS.includes(match[3])) {
    throw new Error(`maintenance window "${window}" is not "ddd:hh24:mi-ddd:hh24:mi" (days mon..sun)`);
  }
  const start = DAYS.indexOf(match[1]) * MINUTES_PER_DAY + clock(match[2], `maintenance window "${window}"`);
  const end = DAYS.indexOf(match[3]) * MINUTES_PER_DAY + clock(match[4], `maintenance window "${window}"`);
  const length = span(start, end, MINUTES_PER_WEEK);
  if (length < 30) throw new Error(`maintenance window "${window}" must last at least 30 minutes`);
  return [start, start + length];
}

function overlaps(a: Interval, b: Interval): boolean {
  // Compare on the week circle: shift b by a week either way to catch wrap-around.
  return [-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK].some((shift) => a[0] < b[1] + shift && b[0] + shift < a[1]);
}

/** RDS refuses a backup window that overlaps the maintenance window; check it before deploying. */
export function windowsOverlap(backupWindow: string, maintenanceWindow: string): boolean {
  const maintenance = parseMaintenanceWindow(maintenanceWindow);
  return parseBackupWindow(backupWindow).some((daily) => overlaps(daily, maintenance));
}
