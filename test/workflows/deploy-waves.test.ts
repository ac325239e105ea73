import { describe, expect, it, vi } from "vitest";
import { spawnSync } from "child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { allStacks, deployWaves, githubOutputLines, main, previousVersion, readStackFiles, stackDeploy, WavesError, type StackConfig, type StackFiles, type WavesOptions } from "../../tools/ci/deploy-waves";
import { ROOT } from "./workflow-files";
import { DEPLOY_PRECONDITIONS } from "../fixtures/environment";
import { temporaryDirectories } from "../plan/temp-dirs";

const tempDir = temporaryDirectories();

/**
 * The CLI in this process (`main`, what the script runs): its exit code and what it printed. The
 * spawned end-to-end run is the first CLI test; the --history cases run it here, as a spawn each
 * (tsx and the stacks' modules loaded anew) took most of this file's time.
 */
function runMain(argv: string[]): { status: number; stdout: string; stderr: string } {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  const warn = vi.spyOn(console, "warn").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
  const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
  try {
    return { status: main(argv), stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    log.mockRestore();
    warn.mockRestore();
    error.mockRestore();
  }
}

const environment = {
  "aws:region": "us-east-1",
  "platform:regions": ["us-east-1", "us-west-2", "eu-west-1"],
  "platform:vpcCidrs": ["10.10.0.0/16", "10.20.0.0/16", "10.30.0.0/16"],
  "platform:dnsZoneName": "prod.example.com",
  ...DEPLOY_PRECONDITIONS,
};
const regional = (region: string, environmentStack = "prod") => ({ "aws:region": region, "platform:environmentStack": environmentStack });
const complete: StackFiles = {
  global: environment,
  others: {
    "Pulumi.prod-us-east-1.yaml": regional("us-east-1"),
    "Pulumi.prod-us-west-2.yaml": regional("us-west-2", "acme/platform/prod"),
    "Pulumi.prod-eu-west-1.yaml": regional("eu-west-1"),
    "Pulumi.dev.yaml": { "platform:regions": ["eu-central-1", "eu-west-1"] },
  },
};

function problems(files: StackFiles, options?: WavesOptions): string[] {
  try {
    deployWaves("prod", files, options);
  } catch (err) {
    if (err instanceof WavesError) return err.problems;
    throw err;
  }
  return [];
}

describe("deployWaves", () => {
  it("orders global, then the first region (the Aurora writer), then the others", () => {
    const waves = deployWaves("prod", complete);
    expect(waves.global).toEqual({ stack: "prod", region: "us-east-1", role: "global" });
    expect(waves.primary).toEqual({ stack: "prod-us-east-1", region: "us-east-1", role: "primary" });
    expect(waves.secondaries.map((t) => t.stack)).toEqual(["prod-us-west-2", "prod-eu-west-1"]);
    expect(allStacks(waves).map((t) => t.role)).toEqual(["global", "primary", "secondary", "secondary"]);
  });

  it("judges the environment as the program gets it: an unquoted kubernetesVersion 1.35 (the YAML number) is the text \"1.35\", as under pulumi up", () => {
    expect(problems({ ...complete, global: { ...environment, "platform:kubernetesVersion": 1.35 } })).toEqual([]);
  });

  it("follows the region list: a new primary first moves it to wave 2", () => {
    const reordered = { ...complete, global: { ...environment, "platform:regions": ["us-west-2", "us-east-1", "eu-west-1"] } };
    const waves = deployWaves("prod", reordered);
    expect(waves.primary.stack).toBe("prod-us-west-2");
    expect(waves.secondaries.map((t) => t.region)).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("names a missing or inconsistent regional stack file with the fix", () => {
    const { ["Pulumi.prod-eu-west-1.yaml"]: _, ...withoutEu } = complete.others;
    const found = problems({
      global: environment,
      others: { ...withoutEu, "Pulumi.prod-us-west-2.yaml": regional("us-west-1", "staging") },
    });
    expect(found).toHaveLength(3);
    expect(found.join("\n")).toMatch(/Pulumi\.prod-eu-west-1\.yaml is missing for region eu-west-1; create it with aws:region: eu-west-1/);
    expect(found.join("\n")).toMatch(/Pulumi\.prod-us-west-2\.yaml: aws:region is "us-west-1"; it must be us-west-2/);
    expect(found.join("\n")).toMatch(/platform:environmentStack is "staging"; it must name the global stack prod/);
  });

  it("rejects an invalid environment with the validation's own messages", () => {
    const found = problems({ ...complete, global: { ...environment, "platform:vpcCidrs": ["10.10.0.0/16"] } });
    expect(found.join("\n")).toMatch(/Pulumi\.prod\.yaml: [\s\S]*platform:vpcCidrs = .*one CIDR per region/);
    expect(problems({ global: undefined, others: {} })).toEqual([expect.stringMatching(/Pulumi\.prod\.yaml does not exist/)]);
  });

  it("lists the stack file of a region no longer in the environment as an orphan", () => {
    const shrunk = { ...complete, global: { ...environment, "platform:regions": ["us-east-1", "us-west-2"], "platform:vpcCidrs": ["10.10.0.0/16", "10.20.0.0/16"] } };
    const waves = deployWaves("prod", shrunk);
    expect(waves.orphans).toEqual(["Pulumi.prod-eu-west-1.yaml"]);
    expect(waves.secondaries.map((t) => t.region)).toEqual(["us-west-2"]);
  });

  it("deploys secondaries one at a time with a cache, its home region first: members join the datastore one by one, after the home region created it", () => {
    // The home region is a secondary here (it was the primary when the cache was turned on; a switchover reordered the regions).
    const cached = { ...complete, global: { ...environment, "platform:cacheEnabled": true, "platform:cacheHomeRegion": "eu-west-1" } };
    const waves = deployWaves("prod", cached);
    expect(waves.secondaries.map((t) => t.region)).toEqual(["eu-west-1", "us-west-2"]);
    expect(waves.secondariesMaxParallel).toBe(1);
    expect(deployWaves("prod", complete).secondaries.map((t) => t.region)).toEqual(["us-west-2", "eu-west-1"]);
  });

  it("deploys us-east-1 before the secondary that watches it once a switchover made it a secondary, one at a time", () => {
    const switched = { ...complete, global: { ...environment, "platform:regions": ["us-west-2", "eu-west-1", "us-east-1"], "platform:vpcCidrs": ["10.20.0.0/16", "10.30.0.0/16", "10.10.0.0/16"] } };
    const waves = deployWaves("prod", switched);
    expect(waves.primary.region).toBe("us-west-2");
    // eu-west-1 (listed after it, wrapping) probes us-east-1: us-east-1 deploys first, not side by side.
    expect(waves.secondaries.map((t) => t.region)).toEqual(["us-east-1", "eu-west-1"]);
    expect(waves.secondariesMaxParallel).toBe(1);
    // Not a read: nothing waits on an output of us-east-1's stack.
    expect(waves.readsOfLaterStacks).toEqual([]);
    // Without canaries there is no watch, and nothing to order.
    const unwatched = { ...switched, global: { ...switched.global, "platform:canaryEnabled": false } };
    expect(deployWaves("prod", unwatched).secondariesMaxParallel).toBe(2);
    // With us-east-1 the primary, the secondaries deploy side by side as before.
    expect(deployWaves("prod", complete).secondariesMaxParallel).toBe(2);
  });

  it("gives up a watch's order, not a read's, when both cannot hold, and says the watcher's probe pages until the watched region is deployed", () => {
    // After a switchover: us-east-1 is a secondary watched by eu-west-1 (listed after it), and a
    // cache member that reads eu-west-1, the cache's home. Both orders cannot hold.
    const cycle = {
      ...environment,
      "platform:regions": ["us-west-2", "us-east-1", "eu-west-1"],
      "platform:vpcCidrs": ["10.20.0.0/16", "10.10.0.0/16", "10.30.0.0/16"],
      "platform:cacheEnabled": true,
      "platform:cacheHomeRegion": "eu-west-1",
    };
    const waves = deployWaves("prod", { ...complete, global: cycle });
    // The read holds: the home region first, then the member that reads it.
    expect(waves.secondaries.map((t) => t.region)).toEqual(["eu-west-1", "us-east-1"]);
    expect(waves.watchesOfLaterStacks).toEqual([{ watcher: "prod-eu-west-1", watched: "prod-us-east-1" }]);
    expect(waves.secondariesMaxParallel).toBe(1);
    // Without the cache the watch orders the secondaries again, and nothing is given up.
    const watchOnly = deployWaves("prod", { ...complete, global: { ...cycle, "platform:cacheEnabled": false } });
    expect(watchOnly.secondaries.map((t) => t.region)).toEqual(["us-east-1", "eu-west-1"]);
    expect(watchOnly.watchesOfLaterStacks).toEqual([]);
    expect(deployWaves("prod", complete).watchesOfLaterStacks).toEqual([]);

    const dir = tempDir("waves-watch-");
    writeFileSync(join(dir, "Pulumi.prod.yaml"), stringify({ config: cycle }));
    for (const [file, config] of Object.entries(complete.others)) writeFileSync(join(dir, file), stringify({ config }));
    const cli = runMain(["--env", "prod", "--dir", dir]);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stderr).toMatch(/warning: prod-eu-west-1's synthetic probe watches prod-us-east-1, but prod-us-east-1 deploys after it: .*reads come first\. The watch's order is dropped: if prod-us-east-1 is not built yet .*prod-eu-west-1's probe fails and pages until prod-us-east-1 is deployed/);
    expect(JSON.parse(cli.stdout).watchesOfLaterStacks).toEqual([{ watcher: "prod-eu-west-1", watched: "prod-us-east-1" }]);
  });

  describe("a stack that reads one deployed after it (the primary region reading the cache's home region)", () => {
    const east = ["us-east-1", "us-west-2", "eu-west-1"];
    const west = ["us-west-2", "us-east-1", "eu-west-1"];
    const cidrs = (regions: string[]) => regions.map((r) => ({ "us-east-1": "10.10.0.0/16", "us-west-2": "10.20.0.0/16", "eu-west-1": "10.30.0.0/16" })[r]!);
    /** Pulumi.prod.yaml with these regions (each keeping its CIDR) and the cache on with this home, or off. */
    const version = (regions: string[], home?: string): StackConfig => ({
      ...environment,
      "platform:regions": regions,
      "platform:vpcCidrs": cidrs(regions),
      ...(home ? { "platform:cacheEnabled": true, "platform:cacheHomeRegion": home } : {}),
    });
    const files = (current: StackConfig): StackFiles => ({ ...complete, global: current });
    /** Pulumi.prod.yaml before this change: null when it did not exist, undefined when unknown. */
    const after = (before: StackConfig | null | undefined): WavesOptions => ({ previous: () => before });

    it("refuses a new environment whose cache home is not the primary region: no order helps (the home's Aurora secondary needs the primary's writer)", () => {
      const found = problems(files(version(east, "eu-west-1")), after(null));
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^prod-us-east-1 \(the primary region, wave 2\) reads the cache's Global Datastore id from prod-eu-west-1, which deploys after it \(wave 3\), and Pulumi\.prod\.yaml is new/);
      expect(found[0]).toMatch(/Turn the cache on with platform:cacheHomeRegion: us-east-1, the primary region .*; it must then never change\.$/);
    });

    it("refuses turning the cache on in this change with its home in a secondary region (day 2: the home's stack exists, but has no datastore)", () => {
      const found = problems(files(version(east, "eu-west-1")), after(version(east)));
      expect(found).toEqual([expect.stringMatching(/and this change turns the cache on: prod-eu-west-1 has no datastore yet.*platform:cacheHomeRegion: us-east-1, the primary region/)]);
      // After a switchover too: a home that was once the primary had its datastore deleted when the cache went off.
      expect(problems(files(version(west, "us-east-1")), after(version(west)))).toEqual([expect.stringMatching(/turns the cache on.*platform:cacheHomeRegion: us-west-2, the primary region/)]);
    });

    it("refuses moving the cache's home in this change, advising to keep the old one (never: set the home anew)", () => {
      const found = problems(files(version(east, "eu-west-1")), after(version(east, "us-west-2")));
      expect(found).toEqual([expect.stringMatching(/this change moves the cache's home from us-west-2 to eu-west-1.* Keep platform:cacheHomeRegion: us-west-2: the home must never change/)]);
      expect(found[0]).not.toMatch(/Turn the cache on/);
    });

    it("accepts a cache already on with this home before the change (only warned: the home stack may have its datastore), whatever the history showed first", () => {
      // A switchover moved the primary away from the home region.
      const current = version(west, "us-east-1");
      const waves = deployWaves("prod", files(current), after(version(east, "us-east-1")));
      expect(waves.primary.region).toBe("us-west-2");
      expect(waves.secondaries.map((t) => t.region)).toEqual(["us-east-1", "eu-west-1"]);
      expect(waves.readsOfLaterStacks).toEqual([{ reader: "prod-us-west-2", read: "prod-us-east-1" }]);
      // Never the primary in any version (e.g. a datastore bootstrapped by hand): not this change's doing.
      expect(problems(files(version(east, "eu-west-1")), after(version(east, "eu-west-1")))).toEqual([]);
      // Values as Pulumi hands them to programs (text) count the same.
      const asText = { ...version(east), "platform:cacheEnabled": "true", "platform:cacheHomeRegion": "us-east-1" };
      expect(problems(files(current), after(asText))).toEqual([]);
    });

    it("accepts when the version before is unknown (the first commit of a squashed or migrated history)", () => {
      expect(problems(files(version(west, "us-east-1")), after(undefined))).toEqual([]);
    });

    it("reads the previous version once per computation, whatever the environment (the region list is always compared), and without it only reports the read", () => {
      const previous = vi.fn(() => null);
      const edgeOn = { "platform:edgeEnabled": true, "platform:dbWriteForwarding": true };
      // The home is the primary region: every member reads a stack deployed before it.
      const first = deployWaves("prod", files({ ...version(east, "us-east-1"), ...edgeOn }), { previous });
      expect(first.readsOfLaterStacks).toEqual([]);
      expect(first.secondariesMaxParallel).toBe(1);
      expect(previous).toHaveBeenCalledTimes(1);
      deployWaves("prod", files({ ...version(east), ...edgeOn }), { previous });
      deployWaves("prod", files(version(east)), { previous });
      expect(previous).toHaveBeenCalledTimes(3);
      expect(deployWaves("prod", files(version(east, "eu-west-1"))).readsOfLaterStacks).toEqual([{ reader: "prod-us-east-1", read: "prod-eu-west-1" }]);
    });
  });

  describe("turning the edge off (wave 1 deletes the distribution while the regions are still locked to it)", () => {
    const edge = (access?: string): StackConfig => ({ ...environment, "platform:edgeEnabled": true, "platform:dbWriteForwarding": true, ...(access ? { "platform:edgeDirectOriginAccess": access } : {}) });
    const off = (extra: StackConfig = {}): StackFiles => ({ ...complete, global: { ...environment, ...extra } });
    const after = (before: StackConfig | null | undefined): WavesOptions => ({ previous: () => before });

    it("refuses it in the change that also had the direct path locked, with the two-step fix", () => {
      for (const before of [edge(), edge("locked")]) {
        const found = problems(off(), after(before));
        expect(found).toHaveLength(1);
        expect(found[0]).toMatch(/^this change turns the edge off \(platform:edgeEnabled: true before, false now\) while the regions' listeners serve only the edge \(platform:edgeDirectOriginAccess: locked before this change\): wave 1 deletes the distribution/);
        expect(found[0]).toMatch(/every region answers 403 .*until its own wave unlocks it\. Turn it off in two changes: first set platform:edgeDirectOriginAccess: open with platform:edgeEnabled still true, and let that roll out to every region .*; then set platform:edgeEnabled: false\.$/);
      }
      // Opening the direct path in the same change does not help: the regions open only in their own waves.
      expect(problems(off({ "platform:edgeDirectOriginAccess": "open" }), after(edge()))).toHaveLength(1);
      // Values as Pulumi hands them to programs (text) count the same.
      expect(problems(off(), after({ ...environment, "platform:edgeEnabled": "true" }))).toHaveLength(1);
    });

    it("accepts it once the version before had the direct path open, and without an edge before or a known history", () => {
      expect(problems(off(), after(edge("open")))).toEqual([]);
      expect(problems(off(), after(environment))).toEqual([]);
      expect(problems(off(), after(null))).toEqual([]);
      expect(problems(off(), after(undefined))).toEqual([]);
      // The edge kept on is no concern of this check.
      expect(problems({ ...complete, global: edge() }, after(edge()))).toEqual([]);
    });
  });

  describe("the region list against the version before (tools/ci/region-changes.ts)", () => {
    const after = (before: StackConfig | null | undefined, rollout: WavesOptions["rollout"] = "waves"): WavesOptions => ({ previous: () => before, rollout });
    const twoRegions = { ...environment, "platform:regions": ["us-east-1", "us-west-2"], "platform:vpcCidrs": ["10.10.0.0/16", "10.20.0.0/16"] };
    const { ["Pulumi.prod-eu-west-1.yaml"]: _, ...withoutEu } = complete.others;

    it("refuses before any wave what no rollout survives: a kept region's CIDR changed, a region dropped before its stack was destroyed", () => {
      // eu-west-1 dropped with its stack destroyed (no file), but the wrong CIDR removed.
      const misaligned = { ...twoRegions, "platform:vpcCidrs": ["10.10.0.0/16", "10.30.0.0/16"] };
      expect(problems({ global: misaligned, others: withoutEu }, after(environment))).toEqual([expect.stringMatching(/^platform:vpcCidrs\[1\] is 10\.30\.0\.0\/16 for us-west-2, which keeps its VPC/)]);
      // Dropped while its stack file is still there.
      expect(problems({ global: twoRegions, others: complete.others }, after(environment))).toEqual([expect.stringMatching(/^platform:regions drops eu-west-1, but Pulumi\.prod-eu-west-1\.yaml is still there/)]);
      // As remove-a-region.md does it: the stack (and its file) gone first.
      expect(problems({ global: twoRegions, others: withoutEu }, after(environment))).toEqual([]);
      // Nothing to compare with: a new environment, or an unknown history.
      expect(problems({ global: twoRegions, others: complete.others }, after(null))).toEqual([]);
      expect(problems({ global: twoRegions, others: complete.others }, after(undefined))).toEqual([]);
    });

    it("lets deploy-stack.yml (one stack at a time) deploy existing secondaries trading regions[1], which deploy.yml's wave refuses, and a pull request merge it with a warning", () => {
      const reordered = { ...environment, "platform:regions": ["us-east-1", "eu-west-1", "us-west-2"], "platform:vpcCidrs": ["10.10.0.0/16", "10.30.0.0/16", "10.20.0.0/16"] };
      const refused = problems({ ...complete, global: reordered }, after(environment));
      expect(refused).toEqual([expect.stringMatching(/^platform:regions\[1\] changes from us-west-2 to eu-west-1, both staying/)]);
      const oneByOne = deployWaves("prod", { ...complete, global: reordered }, after(environment, "stack-by-stack"));
      expect(stackDeploy(oneByOne, "prod-us-west-2")).toMatchObject({ role: "secondary" });
      expect(oneByOne.regionChangeWarnings).toEqual(refused);
      expect(deployWaves("prod", { ...complete, global: reordered }, after(environment, "review")).regionChangeWarnings).toEqual(refused);
      expect(deployWaves("prod", complete, after(environment)).regionChangeWarnings).toEqual([]);
    });
  });

  it("emits one-line JSON outputs the workflows' fromJSON() reads", () => {
    const lines = githubOutputLines(deployWaves("prod", complete)).trimEnd().split("\n");
    const outputs = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf("=")), JSON.parse(l.slice(l.indexOf("=") + 1))]));
    expect(Object.keys(outputs)).toEqual(["stacks", "global", "primary", "secondaries", "secondariesMaxParallel", "runsOn"]);
    expect(outputs.secondariesMaxParallel).toBe(2);
    expect(outputs.runsOn).toEqual([]);
    const labelled = deployWaves("prod", { ...complete, global: { ...environment, "platform:deployRunnerLabels": ["platform-deploy"] } });
    expect(labelled.runsOn).toEqual(["platform-deploy"]);
    expect(outputs.secondaries).toEqual([
      { stack: "prod-us-west-2", region: "us-west-2", role: "secondary" },
      { stack: "prod-eu-west-1", region: "eu-west-1", role: "secondary" },
    ]);
    expect(outputs.stacks).toHaveLength(4);
  });
});

describe("stackDeploy (one stack alone: deploy-stack.yml)", () => {
  const waves = deployWaves("prod", complete);
  const refusal = (stack: string, w = waves) => {
    try {
      stackDeploy(w, stack);
    } catch (err) {
      if (err instanceof WavesError) return err.problems.join("\n");
      throw err;
    }
    return "";
  };

  it("gives each stack the GitHub environment and gate of its wave in deploy.yml", () => {
    expect(stackDeploy(waves, "prod")).toEqual({ stack: "prod", region: "us-east-1", role: "global", githubEnvironment: "prod-global", waitFor: "zone", position: 1 });
    expect(stackDeploy(waves, "prod-us-east-1")).toEqual({ stack: "prod-us-east-1", region: "us-east-1", role: "primary", githubEnvironment: "prod-primary", waitFor: "health", position: 2 });
    expect(stackDeploy(waves, "prod-eu-west-1")).toEqual({ stack: "prod-eu-west-1", region: "eu-west-1", role: "secondary", githubEnvironment: "prod-secondary", waitFor: "health", position: 4 });
    // After a switchover the new first region is the primary, behind prod-primary.
    const switched = deployWaves("prod", { ...complete, global: { ...environment, "platform:regions": ["us-west-2", "us-east-1", "eu-west-1"], "platform:vpcCidrs": ["10.20.0.0/16", "10.10.0.0/16", "10.30.0.0/16"] } });
    expect(stackDeploy(switched, "prod-us-east-1")).toMatchObject({ role: "secondary", githubEnvironment: "prod-secondary" });
    expect(stackDeploy(switched, "prod-us-west-2")).toMatchObject({ role: "primary", githubEnvironment: "prod-primary", position: 2 });
  });

  it("refuses a stack the environment does not deploy, naming the ones it does", () => {
    expect(refusal("prod-eu-west-2")).toBe('"prod-eu-west-2" is not a stack of prod; its stacks are prod, prod-us-east-1, prod-us-west-2, prod-eu-west-1');
    // Another environment's stack, and a region's bare name.
    expect(refusal("dev")).toMatch(/^"dev" is not a stack of prod;/);
    expect(refusal("us-west-2")).toMatch(/^"us-west-2" is not a stack of prod;/);
    // A region dropped from platform:regions whose stack file is still there.
    const orphaned = deployWaves("prod", { ...complete, global: { ...environment, "platform:regions": ["us-east-1", "us-west-2"], "platform:vpcCidrs": ["10.10.0.0/16", "10.20.0.0/16"] } });
    expect(refusal("prod-eu-west-1", orphaned)).toMatch(/left from a region no longer in platform:regions: docs\/runbooks\/remove-a-region\.md/);
  });

  it("CLI --stack: adds the target to the outputs, and exits 2 for a stack not in the environment", () => {
    const dir = tempDir("stack-");
    for (const f of ["Pulumi.prod.yaml", "Pulumi.prod-us-east-1.yaml", "Pulumi.prod-us-west-2.yaml", "Pulumi.prod-eu-west-1.yaml"]) copyFileSync(join(ROOT, f), join(dir, f));
    const output = join(dir, "github-output");
    const saved = process.env.GITHUB_OUTPUT;
    process.env.GITHUB_OUTPUT = output;
    try {
      writeFileSync(output, "");
      const ok = runMain(["--env", "prod", "--dir", dir, "--stack", "prod-eu-west-1", "--github-output"]);
      expect(ok.status, ok.stderr).toBe(0);
      const target = readFileSync(output, "utf8").match(/^target=(.*)$/m)?.[1];
      expect(JSON.parse(target!)).toEqual({ stack: "prod-eu-west-1", region: "eu-west-1", role: "secondary", githubEnvironment: "prod-secondary", waitFor: "health", position: 4 });
      expect(readFileSync(output, "utf8")).toMatch(/^runsOn=\["platform-deploy"\]$/m);
      expect(ok.stderr).toContain("prod-eu-west-1: the secondary stack (eu-west-1), behind prod-secondary, gate health; 4 of 4 in the rollout order prod, prod-us-east-1, prod-us-west-2, prod-eu-west-1");

      writeFileSync(output, "");
      const bad = runMain(["--env", "prod", "--dir", dir, "--stack", "prod-ap-south-1", "--github-output"]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/"prod-ap-south-1" is not a stack of prod; its stacks are prod, /);
      expect(readFileSync(output, "utf8")).toBe("");
      expect(runMain(["--env", "prod", "--dir", dir, "--stack"]).status).toBe(2);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_OUTPUT;
      else process.env.GITHUB_OUTPUT = saved;
    }
  });
});

describe("the repository's own stack files", () => {
  it("give every region of Pulumi.prod.yaml a consistent regional stack", () => {
    // Throws on a missing or inconsistent file; an orphan is a file whose region was dropped.
    const waves = deployWaves("prod", readStackFiles(ROOT, "prod"));
    expect(waves.orphans).toEqual([]);
    // The runners whose static egress range prod's clusters admit.
    expect(waves.runsOn).toEqual(["platform-deploy"]);
  });
});

describe("deploy-waves.ts CLI", () => {
  it("writes GITHUB_OUTPUT, and exits 2 naming the missing file", () => {
    const dir = tempDir("waves-");
    for (const f of ["Pulumi.prod.yaml", "Pulumi.prod-us-east-1.yaml", "Pulumi.prod-us-west-2.yaml", "Pulumi.prod-eu-west-1.yaml"]) copyFileSync(join(ROOT, f), join(dir, f));
    const output = join(dir, "github-output");
    writeFileSync(output, "");
    const cli = (extraEnv: Record<string, string>) =>
      spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "tools/ci/deploy-waves.ts"), "--env", "prod", "--dir", dir, "--github-output"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, ...extraEnv },
      });
    // Success in this process (one spawn per file is enough: the refusal below, end to end).
    const saved = process.env.GITHUB_OUTPUT;
    process.env.GITHUB_OUTPUT = output;
    let ok: ReturnType<typeof runMain>;
    try {
      ok = runMain(["--env", "prod", "--dir", dir, "--github-output"]);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_OUTPUT;
      else process.env.GITHUB_OUTPUT = saved;
    }
    expect(ok.status, ok.stderr).toBe(0);
    expect(readFileSync(output, "utf8")).toMatch(/^primary=\{"stack":"prod-us-east-1"/m);

    writeFileSync(join(dir, "Pulumi.prod-eu-west-1.yaml"), "config:\n  aws:region: eu-west-2\n  platform:environmentStack: prod\n");
    const bad = cli({ GITHUB_OUTPUT: output });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/aws:region is "eu-west-2"; it must be eu-west-1/);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it("--history: refuses a rollout whose own change turns the cache on with its home not the primary; otherwise warns", () => {
    const repo = tempDir("waves-git-");
    const git = (...args: string[]) => {
      const result = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: repo, encoding: "utf8" });
      expect(result.status, result.stderr).toBe(0);
      return result.stdout;
    };
    const write = (global: Record<string, unknown>, dir = repo) => writeFileSync(join(dir, "Pulumi.prod.yaml"), stringify({ config: global }));
    const commit = (message: string) => {
      git("add", "-A");
      git("commit", "-q", "--allow-empty", "-m", message);
    };
    git("init", "-q");
    for (const [file, config] of Object.entries(complete.others)) writeFileSync(join(repo, file), stringify({ config }));
    const cli = (dir: string, ...args: string[]) => runMain(["--env", "prod", "--dir", dir, ...args]);
    const switched = { "platform:regions": ["us-west-2", "us-east-1", "eu-west-1"], "platform:vpcCidrs": ["10.20.0.0/16", "10.10.0.0/16", "10.30.0.0/16"] };
    const cached = { ...environment, ...switched, "platform:cacheEnabled": true, "platform:cacheHomeRegion": "us-east-1" };
    const warning = /warning: prod-us-west-2 \(the primary region, wave 2\) reads the cache's Global Datastore id from prod-us-east-1, which deploys after it \(wave 3\): this holds only if prod-us-east-1 already has its datastore\. If wave 2 fails on that StackReference, deploy prod-us-east-1 by hand first \(gh workflow run deploy-stack\.yml -f stack=prod-us-east-1/;

    // Turned on with the home in the primary region, then a switchover: warned, not refused.
    write(environment);
    commit("environment");
    write({ ...environment, "platform:cacheEnabled": true, "platform:cacheHomeRegion": "us-east-1" });
    commit("cache on");
    write(cached);
    commit("switchover");
    const ok = cli(repo, "--history");
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).readsOfLaterStacks).toEqual([{ reader: "prod-us-west-2", read: "prod-us-east-1" }]);
    expect(ok.stderr).toMatch(warning);
    expect(cli(repo).stderr).toMatch(warning);

    // Turned off, then on again after the switchover: this change turns it on with its home not the primary.
    write({ ...environment, ...switched });
    commit("cache off");
    write(cached);
    commit("cache on again");
    const refused = cli(repo, "--history");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/prod-us-west-2 \(the primary region, wave 2\) reads .* from prod-us-east-1.*this change turns the cache on.*platform:cacheHomeRegion: us-west-2, the primary region/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    // The next push leaves Pulumi.prod.yaml as it was (say the home stack was deployed by hand meanwhile): warned only.
    writeFileSync(join(repo, "README.md"), "later\n");
    commit("unrelated");
    const next = cli(repo, "--history");
    expect(next.status, next.stderr).toBe(0);
    expect(next.stderr).toMatch(warning);
    // An uncommitted edit is this change: judged against HEAD's version.
    write({ ...cached, "platform:cacheHomeRegion": "eu-west-1" });
    expect(previousVersion(repo, "Pulumi.prod.yaml")).toEqual(cached);
    write(cached);
    expect(previousVersion(repo, "Pulumi.prod.yaml")).toEqual(cached); // HEAD's parent, the same file

    // Moving the project (a rename) is no new environment.
    mkdirSync(join(repo, "infra"));
    git("mv", ...Object.keys(complete.others), "Pulumi.prod.yaml", "infra/");
    commit("move");
    expect(previousVersion(join(repo, "infra"), "Pulumi.prod.yaml")).toEqual(cached);
    expect(cli(join(repo, "infra"), "--history").status).toBe(0);

    // A shallow checkout needs HEAD's parent: with it (fetch-depth: 2) the same answer, without it refused.
    const clone = (depth: number) => {
      const dir = tempDir(`waves-depth-${depth}-`);
      expect(spawnSync("git", ["clone", "-q", "--depth", String(depth), `file://${repo}`, dir], { encoding: "utf8" }).status).toBe(0);
      return dir;
    };
    expect(previousVersion(join(clone(2), "infra"), "Pulumi.prod.yaml")).toEqual(cached);
    const cut = cli(join(clone(1), "infra"), "--history");
    expect(cut.status).toBe(2);
    expect(cut.stderr).toMatch(/--history: the checkout is shallow and lacks HEAD's parent.*fetch-depth: 0 or 2/);
  }, 60_000);

  it("--history: refuses turning the edge off in the change after it was locked, and accepts it after a change that opened it", () => {
    const repo = tempDir("waves-edge-");
    const git = (...args: string[]) => expect(spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: repo, encoding: "utf8" }).status).toBe(0);
    const commit = (global: Record<string, unknown>, message: string) => {
      writeFileSync(join(repo, "Pulumi.prod.yaml"), stringify({ config: global }));
      git("add", "-A");
      git("commit", "-q", "-m", message);
    };
    git("init", "-q");
    for (const [file, config] of Object.entries(complete.others)) writeFileSync(join(repo, file), stringify({ config }));
    const edge = { ...environment, "platform:edgeEnabled": true, "platform:dbWriteForwarding": true };
    commit(edge, "edge on, locked by default");
    commit(environment, "edge off");
    const refused = runMain(["--env", "prod", "--dir", repo, "--history"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/this change turns the edge off .*first set platform:edgeDirectOriginAccess: open/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    // Without --history nothing is compared.
    expect(runMain(["--env", "prod", "--dir", repo]).status).toBe(0);

    // The two steps: open first (rolled out), then off.
    commit({ ...edge, "platform:edgeDirectOriginAccess": "open" }, "open");
    commit(environment, "edge off");
    const ok = runMain(["--env", "prod", "--dir", repo, "--history"]);
    expect(ok.status, ok.stderr).toBe(0);
  }, 60_000);

  it("--history: follows remove-a-region.md and add-a-region.md, and refuses dropping a region whose stack file is still there (deploy-stack.yml as well)", () => {
    const repo = tempDir("waves-regions-");
    const git = (...args: string[]) => expect(spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: repo, encoding: "utf8" }).status).toBe(0);
    const commit = (message: string) => {
      git("add", "-A");
      git("commit", "-q", "-m", message);
    };
    const write = (regions: string[], cidrs: string[]) => writeFileSync(join(repo, "Pulumi.prod.yaml"), stringify({ config: { ...environment, "platform:regions": regions, "platform:vpcCidrs": cidrs } }));
    git("init", "-q");
    for (const [file, config] of Object.entries(complete.others)) writeFileSync(join(repo, file), stringify({ config }));
    write(["us-east-1", "us-west-2", "eu-west-1"], ["10.10.0.0/16", "10.20.0.0/16", "10.30.0.0/16"]);
    commit("prod");

    // Dropped from the environment with its stack file (and so, by the runbook, its stack) still there.
    write(["us-east-1", "us-west-2"], ["10.10.0.0/16", "10.20.0.0/16"]);
    commit("remove eu-west-1, too early");
    for (const args of [["--history"], ["--history", "--stack", "prod"]]) {
      const refused = runMain(["--env", "prod", "--dir", repo, ...args]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/platform:regions drops eu-west-1, but Pulumi\.prod-eu-west-1\.yaml is still there/);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    }
    git("reset", "-q", "--hard", "HEAD^");

    // The runbook: `pulumi stack rm` deleted the file, and the change drops the region and its CIDR.
    write(["us-east-1", "us-west-2"], ["10.10.0.0/16", "10.20.0.0/16"]);
    git("rm", "-q", "Pulumi.prod-eu-west-1.yaml");
    commit("remove eu-west-1");
    const removed = runMain(["--env", "prod", "--dir", repo, "--history"]);
    expect(removed.status, removed.stderr).toBe(0);
    expect(removed.stderr).not.toMatch(/orphan|not in platform:regions/);

    // Added back, appended with its CIDR and a new stack file.
    writeFileSync(join(repo, "Pulumi.prod-eu-west-1.yaml"), stringify({ config: regional("eu-west-1") }));
    write(["us-east-1", "us-west-2", "eu-west-1"], ["10.10.0.0/16", "10.20.0.0/16", "10.30.0.0/16"]);
    commit("add eu-west-1");
    const added = runMain(["--env", "prod", "--dir", repo, "--history"]);
    expect(added.status, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout).secondaries.map((t: { region: string }) => t.region)).toEqual(["us-west-2", "eu-west-1"]);

    // regions[1] handed to eu-west-1: deploy.yml refuses it, deploy-stack.yml and the pull request's check warn.
    write(["us-east-1", "eu-west-1", "us-west-2"], ["10.10.0.0/16", "10.30.0.0/16", "10.20.0.0/16"]);
    commit("eu-west-1 second");
    const trade = /platform:regions\[1\] changes from us-west-2 to eu-west-1, both staying/;
    const waves = runMain(["--env", "prod", "--dir", repo, "--history"]);
    expect(waves.status).toBe(2);
    expect(waves.stderr).toMatch(trade);
    for (const args of [["--pull-request"], ["--stack", "prod-us-west-2"]]) {
      const warned = runMain(["--env", "prod", "--dir", repo, "--history", ...args]);
      expect(warned.status, warned.stderr).toBe(0);
      expect(warned.stderr).toMatch(new RegExp(`^warning: ${trade.source}`, "m"));
    }
  }, 60_000);

  it("--history: a new environment in a repository is refused; the first commit of a squashed history only warned", () => {
    const repo = tempDir("waves-new-");
    const git = (...args: string[]) => expect(spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: repo, encoding: "utf8" }).status).toBe(0);
    git("init", "-q");
    for (const [file, config] of Object.entries(complete.others)) writeFileSync(join(repo, file), stringify({ config }));
    writeFileSync(join(repo, "Pulumi.prod.yaml"), stringify({ config: { ...environment, "platform:cacheEnabled": true, "platform:cacheHomeRegion": "eu-west-1" } }));
    git("add", "-A");
    git("commit", "-q", "-m", "squashed");
    expect(previousVersion(repo, "Pulumi.prod.yaml")).toBeUndefined();

    git("rm", "-q", "--cached", "Pulumi.prod.yaml");
    git("commit", "-q", "--amend", "-m", "the regional files first");
    git("add", "-A");
    git("commit", "-q", "-m", "prod");
    expect(previousVersion(repo, "Pulumi.prod.yaml")).toBeNull();
    const files = readStackFiles(repo, "prod");
    expect(deployWaves("prod", files, { previous: () => undefined }).readsOfLaterStacks).toEqual([{ reader: "prod-us-east-1", read: "prod-eu-west-1" }]);
    const refused = runMain(["--env", "prod", "--dir", repo, "--history"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/Pulumi\.prod\.yaml is new in this change \(a new environment\).*Turn the cache on with platform:cacheHomeRegion: us-east-1/);
  }, 60_000);
});
