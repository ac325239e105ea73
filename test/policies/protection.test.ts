import { describe, expect, it } from "vitest";
import { evaluateStack, PolicyConfig, Violation } from "../../policies/evaluate";
import { environment, GlobalSlice, ofPolicy, patch, RegionSlice } from "./fixtures";

function run(policy: string, breakIt: (env: { global: GlobalSlice; primary: RegionSlice }) => void = () => undefined, config: PolicyConfig = {}): Violation[] {
  const env = environment();
  breakIt(env);
  const [global, primary] = env.stacks();
  return ofPolicy([...evaluateStack(global, config), ...evaluateStack(primary, config)], policy);
}

const names = (vs: Violation[]) => vs.map((v) => v.urn?.split("::").pop()).sort();

describe("stateful-resource-protected", () => {
  it("passes protected clusters, global clusters, keys and zones", () => {
    expect(run("stateful-resource-protected")).toEqual([]);
  });

  it("fails each stateful type without protect", () => {
    const vs = run("stateful-resource-protected", ({ global, primary }) => {
      for (const r of [global.zone, global.globalCluster, primary.key, primary.db]) r.protect = false;
    });
    expect(names(vs)).toEqual(["db", "db-global", "key", "zone"]);
    expect(vs[0].message).toContain("`protect`");
  });

  it("does not take retainOnDelete for protect: it lets a replacement through (and the CLI never passes it to policies)", () => {
    expect(run("stateful-resource-protected", ({ primary }) => Object.assign(primary.db, { protect: false, retainOnDelete: true }))).toHaveLength(1);
  });

  it("checks the configured types", () => {
    const config = { "stateful-resource-protected": { types: ["aws:rds/cluster:Cluster"] } };
    expect(run("stateful-resource-protected", ({ primary }) => (primary.key.protect = false), config)).toEqual([]);
    expect(names(run("stateful-resource-protected", ({ primary }) => (primary.db.protect = false), config))).toEqual(["db"]);
  });
});

describe("database-deletion-protection", () => {
  it("passes clusters and global clusters with deletion protection", () => {
    expect(run("database-deletion-protection")).toEqual([]);
  });

  it("fails it off or unset (the API default is off)", () => {
    const vs = run("database-deletion-protection", ({ global, primary }) => {
      patch(primary.db, { deletionProtection: false });
      patch(global.globalCluster, { deletionProtection: undefined });
    });
    expect(names(vs)).toEqual(["db", "db-global"]);
    expect(vs.map((v) => v.message).sort()).toEqual([expect.stringContaining("deletionProtection false"), expect.stringContaining("unset (default false)")]);
  });
});

describe("aurora-final-snapshot", () => {
  it("passes a cluster that keeps a named final snapshot", () => {
    expect(run("aurora-final-snapshot")).toEqual([]);
  });

  it("fails skipFinalSnapshot", () => {
    expect(run("aurora-final-snapshot", ({ primary }) => patch(primary.db, { skipFinalSnapshot: true })).map((v) => v.message)).toEqual([expect.stringContaining("sets skipFinalSnapshot")]);
  });

  it("fails a missing finalSnapshotIdentifier, which would make the delete itself fail", () => {
    expect(run("aurora-final-snapshot", ({ primary }) => patch(primary.db, { finalSnapshotIdentifier: undefined })).map((v) => v.message)).toEqual([
      expect.stringContaining("FinalSnapshotIdentifier is required"),
    ]);
  });
});
