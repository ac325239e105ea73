import { describe, expect, it } from "vitest";
import { maintenanceSchedule } from "../../components/lib/maintenance";
import { parseBackupWindow, parseMaintenanceWindow } from "../../components/lib/aurora";

const ELEVEN = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1", "us-east-2", "eu-west-2", "ap-southeast-2", "ca-central-1", "ap-south-1"];
const overlaps = (a: readonly [number, number], b: readonly [number, number]) => a[0] < b[1] && b[0] < a[1];

describe("maintenance windows per region", () => {
  it("gives every region of an environment its own database and cache window, none overlapping another region's", () => {
    for (const regions of [["us-east-1", "us-west-2", "eu-west-1"], ELEVEN]) {
      const windows = regions.flatMap((r) => {
        const s = maintenanceSchedule(r, regions);
        return [parseMaintenanceWindow(s.databaseMaintenance), parseMaintenanceWindow(s.cacheMaintenance)].map((w) => ({ r, w }));
      });
      for (const a of windows) for (const b of windows) if (a.r !== b.r) expect(overlaps(a.w, b.w), `${a.r} ${b.r}`).toBe(false);
    }
  });

  it("puts the first seven regions (by name) on seven different days", () => {
    const days = ELEVEN.slice(0, 7).map((r) => maintenanceSchedule(r, ELEVEN.slice(0, 7)).databaseMaintenance.slice(0, 3));
    expect(new Set(days).size).toBe(7);
  });

  it("keeps a region's windows when a switchover reorders the regions", () => {
    expect(maintenanceSchedule("us-west-2", ["us-east-1", "us-west-2", "eu-west-1"])).toEqual(maintenanceSchedule("us-west-2", ["us-west-2", "eu-west-1", "us-east-1"]));
  });

  it("keeps backups and snapshots out of the maintenance windows, as RDS and ElastiCache require", () => {
    for (const r of ELEVEN) {
      const s = maintenanceSchedule(r, ELEVEN);
      const maintenance = [parseMaintenanceWindow(s.databaseMaintenance), parseMaintenanceWindow(s.cacheMaintenance)];
      for (const daily of [...parseBackupWindow(s.databaseBackup), ...parseBackupWindow(s.cacheSnapshot)]) for (const m of maintenance) expect(overlaps(daily, m)).toBe(false);
    }
  });

  it("refuses a region that is not the environment's, naming it", () => {
    expect(() => maintenanceSchedule("eu-north-1", ["us-east-1"])).toThrow(/"eu-north-1" is not one of the environment's regions \(us-east-1\)/);
  });
});
