/**
 * When AWS may patch each region's stateful services: the Aurora member's and its instances',
 * and the cache's weekly maintenance windows, and the daily backup windows. With one window for
 * every region (a fixed value, or AWS's random day) a bad patch or a maintenance failover can hit
 * every region in the same hour, which an active-active platform exists to avoid.
 *
 * - Hours: the region's own night, about 03:00 local time (standard time, whole hours), as AWS's
 *   default windows sit in each region's night, so a window never falls in a region's busy hours.
 * - Days: fixed per region (DAY_OF), never from the environment's region list: adding or removing
 *   a region, or a switchover's reorder, moves no other region's window. Regions of one time zone
 *   get different days, and most pairs of regions never share an hour (not all 32: the world has
 *   more nights than a week has days).
 * - Inside a region: the cache, then the cluster's window with its instances' one after another,
 *   readers before the first instance (the writer when the member was created); backups and
 *   snapshots daily before all of them.
 */

/** Each region's standard-time UTC offset in whole hours (half-hour zones rounded down). */
export const REGION_UTC_OFFSET_HOURS: Readonly<Record<string, number>> = {
  // The most used regions first: they choose their days first (DAY_OF). New regions go at the end.
  "us-east-1": -5, "us-west-2": -8, "eu-west-1": 0, "eu-central-1": 1, "ap-southeast-1": 8, "ap-northeast-1": 9,
  "us-east-2": -5, "eu-west-2": 0, "ap-southeast-2": 10, "ca-central-1": -5, "ap-south-1": 5,
  "us-west-1": -8, "ca-west-1": -7, "mx-central-1": -6, "sa-east-1": -3,
  "eu-central-2": 1, "eu-west-3": 1, "eu-south-1": 1, "eu-south-2": 1, "eu-north-1": 1,
  "af-south-1": 2, "il-central-1": 2, "me-south-1": 3, "me-central-1": 4,
  "ap-south-2": 5, "ap-southeast-3": 7, "ap-southeast-7": 7,
  "ap-east-1": 8, "ap-southeast-5": 8, "ap-northeast-2": 9, "ap-northeast-3": 9, "ap-southeast-4": 10,
};

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const DAY = 24 * 60;
const WEEK = 7 * DAY;

export interface MaintenanceSchedule {
  /** Aurora cluster `preferredMaintenanceWindow` ("ddd:hh24:mi-ddd:hh24:mi", UTC): 03:00–04:00 local. */
  databaseMaintenance: string;
  /** Aurora instances' `preferredMaintenanceWindow`s, index i for instance i + 1: 30 minutes each from the cluster's start, instance 1 last (past three instances, slots shared). */
  instanceMaintenance(instanceCount: number): string[];
  /** Aurora cluster `preferredBackupWindow` (daily, UTC): 00:30–01:30 local. */
  databaseBackup: string;
  /** ElastiCache `maintenanceWindow` (at least 60 minutes): 02:00–03:00 local, before the database's. */
  cacheMaintenance: string;
  /** ElastiCache `snapshotWindow` (daily, UTC): 00:30–01:30 local, the database's backup window. */
  cacheSnapshot: string;
}

/** A weekly window from minutes of the week (UTC, from Sunday 00:00). */
function weekly(start: number, minutes: number): string {
  const at = (m: number) => {
    const t = ((m % WEEK) + WEEK) % WEEK;
    return `${DAYS[Math.floor(t / DAY)]}:${clock(t % DAY)}`;
  };
  return `${at(start)}-${at(start + minutes)}`;
}

function clock(minutesOfDay: number): string {
  const m = ((minutesOfDay % DAY) + DAY) % DAY;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** Instance windows: three 30-minute slots from 03:00 local, inside and after the cluster's. */
const SLOTS = 3;

/** Minutes of the week a region's windows span on `day`: the cache's 02:00 to the last slot's end, 04:30 local. */
function span(offset: number, day: number): readonly [number, number] {
  const night = day * DAY + (3 - offset) * 60;
  return [night - 60, night + 30 * SLOTS];
}

const overlapping = (a: readonly [number, number], b: readonly [number, number]) => [-WEEK, 0, WEEK].some((s) => a[0] < b[1] + s && b[0] + s < a[1]);

/**
 * The day each region is patched on (0 = Sunday), fixed: the regions in the table's order, each
 * on the first day where its windows overlap no region's before it; where every day has one
 * (the world has more nights than days), the first day no region of its time zone has. So regions
 * of one time zone never share a day, and most pairs never share an hour. New regions go at the
 * table's end, which leaves every other region's day as it is.
 */
const DAY_OF: Readonly<Record<string, number>> = (() => {
  const days: Record<string, number> = {};
  for (const [region, offset] of Object.entries(REGION_UTC_OFFSET_HOURS)) {
    const placed = Object.keys(days);
    const free = (d: number) => placed.every((r) => !overlapping(span(offset, d), span(REGION_UTC_OFFSET_HOURS[r], days[r])));
    const zoneFree = (d: number) => placed.every((r) => REGION_UTC_OFFSET_HOURS[r] !== offset || days[r] !== d);
    // Among the free days the least used one, so the first seven regions take seven days.
    const uses = (d: number) => placed.filter((r) => days[r] === d).length;
    const byUse = DAYS.map((_, d) => d).sort((a, b) => uses(a) - uses(b) || a - b);
    days[region] = byUse.find(free) ?? byUse.find(zoneFree) ?? 0;
  }
  return days;
})();

/** The windows of `region`. */
export function maintenanceSchedule(region: string): MaintenanceSchedule {
  const offset = REGION_UTC_OFFSET_HOURS[region];
  if (offset === undefined) throw new RangeError(`maintenanceSchedule: no time zone known for region "${region}"; add it to REGION_UTC_OFFSET_HOURS (components/lib/maintenance.ts)`);
  // 03:00 local on the region's day, in UTC minutes of the week.
  const night = DAY_OF[region] * DAY + (3 - offset) * 60;
  // Backups and snapshots daily, half an hour clear of the first maintenance window (the cache's,
  // 02:00): both services refuse a backup window overlapping a maintenance window.
  const daily = `${clock((0.5 - offset) * 60)}-${clock((1.5 - offset) * 60)}`;
  return {
    databaseMaintenance: weekly(night, 60),
    instanceMaintenance(instanceCount: number) {
      // Readers (instances 2..n) first, instance 1 (created as the writer) last.
      const order = (i: number) => (i === 0 ? instanceCount - 1 : i - 1);
      // A member larger than the slots shares them, still never all instances at once.
      return Array.from({ length: instanceCount }, (_, i) => weekly(night + 30 * (order(i) % SLOTS), 30));
    },
    databaseBackup: daily,
    cacheMaintenance: weekly(night - 60, 60),
    cacheSnapshot: daily,
  };
}
