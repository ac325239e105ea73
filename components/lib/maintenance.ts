/**
 * When AWS may patch each region's stateful services: Aurora's and ElastiCache's weekly
 * maintenance windows, one day apart per region. Required patches, OS updates and pending
 * changes land in these windows; with one window for every region (AWS's defaults, or one fixed
 * value) a bad patch or a maintenance failover hits every region in the same hour, which an
 * active-active platform exists to avoid. A day apart also leaves a day to notice a bad patch
 * before the next region takes it.
 *
 * A region's day follows its place in the environment's regions sorted by name, not in
 * `platform:regions` order: a switchover reorders that list, and its change should not move
 * every region's windows. Past seven regions the days repeat, four hours later each round (a
 * round's database and cache windows take four hours).
 */
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

export interface MaintenanceSchedule {
  /** Aurora cluster `preferredMaintenanceWindow` ("ddd:hh24:mi-ddd:hh24:mi", UTC). */
  databaseMaintenance: string;
  /** Aurora cluster `preferredBackupWindow` (daily, UTC): before every maintenance window. */
  databaseBackup: string;
  /** ElastiCache replication group `maintenanceWindow`: two hours after the database's, same day. */
  cacheMaintenance: string;
  /** ElastiCache `snapshotWindow` (daily, UTC): outside both maintenance windows. */
  cacheSnapshot: string;
}

const hh = (hour: number) => `${String(hour).padStart(2, "0")}:00`;

/** The windows of `region`, one of `regions` (the environment's). */
export function maintenanceSchedule(region: string, regions: readonly string[]): MaintenanceSchedule {
  const sorted = [...new Set(regions)].sort();
  const index = sorted.indexOf(region);
  if (index < 0) throw new RangeError(`maintenanceSchedule: region "${region}" is not one of the environment's regions (${sorted.join(", ")})`);
  const day = DAYS[index % DAYS.length];
  // 05:00 UTC, four hours later for each further round of seven regions; the backup and snapshot
  // windows (03:00-04:00) stay apart from them.
  const hour = 5 + 4 * Math.floor(index / DAYS.length);
  if (hour + 3 > 24) throw new RangeError(`maintenanceSchedule: ${sorted.length} regions do not fit one maintenance window per region and day`);
  return {
    databaseMaintenance: `${day}:${hh(hour)}-${day}:${hh(hour + 1)}`,
    databaseBackup: "03:00-04:00",
    cacheMaintenance: `${day}:${hh(hour + 2)}-${day}:${hh(hour + 3)}`,
    cacheSnapshot: "03:00-04:00",
  };
}
