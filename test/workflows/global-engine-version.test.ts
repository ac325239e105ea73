import { describe, expect, it, vi } from "vitest";
import { spawnSync } from "child_process";
import { copyFileSync, writeFileSync } from "fs";
import { join } from "path";
import { compareEngineVersions, engineVersionProblem, globalClusterVersions, main } from "../../tools/ci/global-engine-version";
import { temporaryDirectories } from "../plan/temp-dirs";
import { ROOT } from "./workflow-files";

const tempDir = temporaryDirectories();

const URN = "urn:pulumi:prod::platform::platform:index:GlobalStack$aws:rds/globalCluster:GlobalCluster::prod-global-db";
const exported = (outputs: Record<string, unknown>) => ({
  version: 3,
  deployment: {
    manifest: {},
    resources: [
      { urn: "urn:pulumi:prod::platform::pulumi:pulumi:Stack::platform-prod", type: "pulumi:pulumi:Stack", outputs: {} },
      { urn: URN, type: "aws:rds/globalCluster:GlobalCluster", outputs },
    ],
  },
});

describe("global-engine-version (the refreshed GlobalCluster against platform:dbEngineVersion)", () => {
  it("orders Aurora versions part by part, numbers as numbers", () => {
    expect(compareEngineVersions("16.8", "16.6")).toBeGreaterThan(0);
    expect(compareEngineVersions("16.10", "16.9")).toBeGreaterThan(0);
    expect(compareEngineVersions("16.6", "16.6")).toBe(0);
    expect(compareEngineVersions("16.6", "17.4")).toBeLessThan(0);
    expect(compareEngineVersions("8.0.mysql_aurora.3.08.0", "8.0.mysql_aurora.3.05.2")).toBeGreaterThan(0);
  });

  it("reads the running version from the export, and nothing from a stack without a GlobalCluster", () => {
    expect(globalClusterVersions(exported({ engineVersion: "16.6", engineVersionActual: "16.8" }))).toEqual([{ urn: URN, engineVersion: "16.8" }]);
    expect(globalClusterVersions(exported({ engineVersion: "16.6" }))).toEqual([{ urn: URN, engineVersion: "16.6" }]);
    expect(globalClusterVersions({ version: 3, deployment: { manifest: {} } })).toEqual([]);
  });

  it("refuses only a version newer than the config's, with the runbook's instruction", () => {
    const running = [{ urn: URN, engineVersion: "16.8" }];
    expect(engineVersionProblem(running, "16.8", "prod")).toBeUndefined();
    // Older: the upgrade this update makes.
    expect(engineVersionProblem([{ urn: URN, engineVersion: "16.6" }], "17.4", "prod")).toBeUndefined();
    // A major-only config matches every minor of it: no downgrade for the provider to ask for.
    expect(engineVersionProblem(running, "16", "prod")).toBeUndefined();
    expect(engineVersionProblem([{ urn: URN, engineVersion: "17.2" }], "16", "prod")).toMatch(/runs 17\.2 .* newer than platform:dbEngineVersion 16:/);
    const problem = engineVersionProblem(running, "16.6", "prod");
    expect(problem).toMatch(
      /^The Aurora global database runs 16\.8 .* newer than platform:dbEngineVersion 16\.6: either AWS upgraded it itself .* a downgrade AWS refuses, so nothing was deployed\. Set platform:dbEngineVersion: "16\.8" in Pulumi\.prod\.yaml .*docs\/runbooks\/aurora-global-database\.md/,
    );
    // Not only AWS: a person may have lowered the config (a revert of the upgrade), with the same fix.
    expect(problem).toMatch(/or platform:dbEngineVersion was lowered in Pulumi\.prod\.yaml/);
    expect(problem).toMatch(/Aurora cannot go back in place: running 16\.6 again takes a snapshot taken before the upgrade, restored into a new global database/);
  });

  it("exits 1 before the update when AWS runs a newer version than the stack file names, 0 otherwise", () => {
    const dir = tempDir("engine-version-");
    for (const f of ["Pulumi.yaml", "Pulumi.prod.yaml"]) copyFileSync(join(ROOT, f), join(dir, f));
    const stateFile = (state: unknown) => {
      const file = join(dir, "state.json");
      writeFileSync(file, typeof state === "string" ? state : JSON.stringify(state));
      return file;
    };
    const errors: string[] = [];
    const error = vi.spyOn(console, "error").mockImplementation((text: string) => void errors.push(text));
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      expect(main(["--stack", "prod", "--dir", dir, "--state", stateFile(exported({ engineVersion: "1.0" }))])).toBe(0);
      expect(main(["--stack", "prod", "--dir", dir, "--state", stateFile("not json")])).toBe(2);
      expect(errors.pop()).toMatch(/^global-engine-version: /);
    } finally {
      error.mockRestore();
      log.mockRestore();
    }
    // The command as the workflow runs it, once: the state on stdin.
    const newer = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "tools/ci/global-engine-version.ts"), "--stack", "prod", "--dir", dir], {
      cwd: ROOT,
      encoding: "utf8",
      input: JSON.stringify(exported({ engineVersion: "99.1", engineVersionActual: "99.1" })),
    });
    expect(newer.status, newer.stderr).toBe(1);
    expect(newer.stderr).toMatch(/^::error::The Aurora global database runs 99\.1 .*Set platform:dbEngineVersion: "99\.1" in Pulumi\.prod\.yaml/m);
  }, 60_000);
});
