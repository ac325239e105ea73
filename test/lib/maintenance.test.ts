import { describe, expect, it } from "vitest";
import { maintenanceSchedule, REGION_UTC_OFFSET_HOURS } from "../../components/lib/maintenance";
import { AWS_REGIONS } from "../../components/lib/regions";
import { parseBackupWindow, parseMaintenanceWindow } from "../../components/lib/aurora";

type Interval = readonly [number, number];
const WEEK = 7 * 24 * 60;
/** Weekly intervals overlap, also across the week's end. */
const overlaps = (a: Interval, b: Interval) => [-WEEK, 0, WEEK].some((shift) => a[0] < b[1] + shift && b[0] + shift < a[1]);
const REGIONS = Object.keys(AWS_REGIONS);
const windowsOf = (region: string, instances = 3): Interval[] => {
  const s = maintenanceSchedule(region);
  return [s.databaseMaintenance, s.cacheMaintenance, ...s.instanceMaintenance(instances)].map(parseMaintenanceWindow);
};

describe("maintenance windows per region", () => {
  it("knows every region the project knows", () => {
    expect(REGIONS.filter((r) => REGION_UTC_OFFSET_HOURS[r] === undefined)).toEqual([]);
  });

  it("never patches two regions of a large environment in the same hour, nor two regions of one time zone on one day", () => {
    const eleven = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1", "us-east-2", "eu-west-2", "ap-southeast-2", "ca-central-1", "ap-south-1"];
    for (const a of eleven) for (const b of eleven) {
      if (a >= b) continue;
      for (const wa of windowsOf(a)) for (const wb of windowsOf(b)) expect(overlaps(wa, wb), `${a} ${b}`).toBe(false);
    }
    for (const a of REGIONS) for (const b of REGIONS) {
      if (a >= b || REGION_UTC_OFFSET_HOURS[a] !== REGION_UTC_OFFSET_HOURS[b]) continue;
      expect(maintenanceSchedule(a).databaseMaintenance.slice(0, 3), `${a} ${b}`).not.toBe(maintenanceSchedule(b).databaseMaintenance.slice(0, 3));
    }
  });

  it("puts prod's regions on three different days", () => {
    const days = ["us-east-1", "us-west-2", "eu-west-1"].map((r) => maintenanceSchedule(r).databaseMaintenance.slice(0, 3));
    expect(new Set(days).size).toBe(3);
  });

  it("starts the database's window at 03:00 in the region's night (standard time)", () => {
    expect(maintenanceSchedule("us-east-1").databaseMaintenance).toMatch(/^[a-z]{3}:08:00-[a-z]{3}:09:00$/);
    expect(maintenanceSchedule("eu-west-1").databaseMaintenance).toMatch(/^[a-z]{3}:03:00-[a-z]{3}:04:00$/);
    expect(maintenanceSchedule("ap-northeast-1").databaseMaintenance).toMatch(/^[a-z]{3}:18:00-[a-z]{3}:19:00$/);
  });

  it("patches a region's instances one at a time, readers before instance 1, and keeps backups and snapshots out of every window", () => {
    for (const region of REGIONS) {
      const s = maintenanceSchedule(region);
      const clusterStart = parseMaintenanceWindow(s.databaseMaintenance)[0];
      const instances = s.instanceMaintenance(3).map(parseMaintenanceWindow);
      const after = (w: Interval) => (w[0] - clusterStart + WEEK) % WEEK;
      expect(instances.map(after)).toEqual([60, 0, 30]);
      for (const a of instances) for (const b of instances) if (a !== b) expect(overlaps(a, b)).toBe(false);
      const windows = windowsOf(region);
      // Not even touching: half an hour between a backup and the first maintenance window.
      const widened = (w: Interval): Interval => [w[0] - 30, w[1] + 30];
      for (const daily of [...parseBackupWindow(s.databaseBackup), ...parseBackupWindow(s.cacheSnapshot)]) for (const w of windows) expect(overlaps(daily, widened(w)), region).toBe(false);
    }
  });

  it("gives a large member windows too, never all instances at once", () => {
    const windows = maintenanceSchedule("us-east-1").instanceMaintenance(16);
    expect(windows).toHaveLength(16);
    expect(new Set(windows).size).toBe(3);
  });

  it("refuses a region it knows no time zone of, naming the fix", () => {
    expect(() => maintenanceSchedule("xx-nowhere-1")).toThrow(/no time zone known for region "xx-nowhere-1"; add it to REGION_UTC_OFFSET_HOURS/);
  });
});
