import { describe, expect, it, vi } from "vitest";
import { spawnSync } from "child_process";
import { copyFileSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { allStacks, committedVersions, deployWaves, githubOutputLines, readStackFiles, WavesError, type StackConfig, type StackFiles, type WavesOptions } from "../../tools/ci/deploy-waves";
import { ROOT } from "./workflow-files";
import { DEPLOY_PRECONDITIONS } from "../fixtures/environment";
import { temporaryDirectories } from "../plan/temp-dirs";

const tempDir = temporaryDirectories();

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

  it("judges the environment as the program gets it: an unquoted kubernetesVersion 1.34 (the YAML number) is the text \"1.34\", as under pulumi up", () => {
    expect(problems({ ...complete, global: { ...environment, "platform:kubernetesVersion": 1.34 } })).toEqual([]);
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
    /** The history the workflow gives (newest first, the current version included). */
    const after = (...versions: StackConfig[]): WavesOptions => ({ history: () => versions });

    it("refuses a new environment whose cache home is not the primary region: no order helps (the home's Aurora secondary needs the primary's writer)", () => {
      const current = version(east, "eu-west-1");
      const found = problems(files(current), after(current));
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^prod-us-east-1 \(the primary region, wave 2\) reads the cache's Global Datastore id from prod-eu-west-1, which deploys after it/);
      expect(found[0]).toMatch(/eu-west-1 has not been the primary region .* since the cache was turned on/);
      expect(found[0]).toMatch(/Set platform:cacheHomeRegion: us-east-1 in Pulumi\.prod\.yaml/);
    });

    it("refuses turning the cache on with its home in a secondary region (day 2: the home's stack exists, but has no datastore)", () => {
      const current = version(east, "eu-west-1");
      expect(problems(files(current), after(current, version(east)))).toEqual([expect.stringMatching(/Set platform:cacheHomeRegion: us-east-1/)]);
    });

    it("accepts a home region that was the primary when the cache was turned on, and a switchover moved since: its stack has the datastore", () => {
      const current = version(west, "us-east-1");
      const waves = deployWaves("prod", files(current), after(current, version(west, "us-east-1"), version(east, "us-east-1"), version(east)));
      expect(waves.primary.region).toBe("us-west-2");
      expect(waves.secondaries.map((t) => t.region)).toEqual(["us-east-1", "eu-west-1"]);
      expect(waves.readsOfLaterStacks).toEqual([{ reader: "prod-us-west-2", read: "prod-us-east-1" }]);
      // Values as Pulumi hands them to programs (text, lists as JSON) count the same.
      const asText = { ...version(east), "platform:cacheEnabled": "true", "platform:cacheHomeRegion": "us-east-1", "platform:regions": JSON.stringify(east) };
      expect(problems(files(current), after(current, asText))).toEqual([]);
    });

    it("counts only the cache's current run: turned off (its datastore deleted) or rehomed since, the home must be the primary again", () => {
      const current = version(west, "us-east-1");
      expect(problems(files(current), after(current, version(west), version(east, "us-east-1")))).toHaveLength(1);
      expect(problems(files(current), after(current, version(east, "us-west-2")))).toHaveLength(1);
      expect(problems(files(current), after(current, {}, version(east, "us-east-1")))).toHaveLength(1); // the file did not exist
    });

    it("reads the history only when a stack reads one deployed after it, and without it only reports the read", () => {
      const history = vi.fn(() => [] as StackConfig[]);
      // The home is the primary region: every member reads a stack deployed before it.
      const first = deployWaves("prod", files(version(east, "us-east-1")), { history });
      expect(first.readsOfLaterStacks).toEqual([]);
      expect(first.secondariesMaxParallel).toBe(1);
      deployWaves("prod", files(version(east)), { history });
      expect(history).not.toHaveBeenCalled();
      expect(deployWaves("prod", files(version(east, "eu-west-1"))).readsOfLaterStacks).toEqual([{ reader: "prod-us-east-1", read: "prod-eu-west-1" }]);
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
    const ok = cli({ GITHUB_OUTPUT: output });
    expect(ok.status).toBe(0);
    expect(readFileSync(output, "utf8")).toMatch(/^primary=\{"stack":"prod-us-east-1"/m);

    writeFileSync(join(dir, "Pulumi.prod-eu-west-1.yaml"), "config:\n  aws:region: eu-west-2\n  platform:environmentStack: prod\n");
    const bad = cli({ GITHUB_OUTPUT: output });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/aws:region is "eu-west-2"; it must be eu-west-1/);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it("--history: refuses from Pulumi.prod.yaml's git history a primary reading a cache home that never was the primary, and a shallow checkout", () => {
    const repo = tempDir("waves-git-");
    const git = (...args: string[]) => {
      const result = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: repo, encoding: "utf8" });
      expect(result.status, result.stderr).toBe(0);
      return result.stdout;
    };
    const commit = (global: Record<string, unknown>, message: string) => {
      writeFileSync(join(repo, "Pulumi.prod.yaml"), stringify({ config: global }));
      git("add", "-A");
      git("commit", "-q", "-m", message);
    };
    git("init", "-q");
    for (const [file, config] of Object.entries(complete.others)) writeFileSync(join(repo, file), stringify({ config }));
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "tools/ci/deploy-waves.ts"), "--env", "prod", "--dir", repo, ...args], { cwd: ROOT, encoding: "utf8" });
    const switched = { "platform:regions": ["us-west-2", "us-east-1", "eu-west-1"], "platform:vpcCidrs": ["10.20.0.0/16", "10.10.0.0/16", "10.30.0.0/16"] };

    // Turned on with the home in the primary region, then a switchover: the home's stack has the datastore.
    commit(environment, "environment");
    commit({ ...environment, "platform:cacheEnabled": true, "platform:cacheHomeRegion": "us-east-1" }, "cache on");
    commit({ ...environment, ...switched, "platform:cacheEnabled": true, "platform:cacheHomeRegion": "us-east-1" }, "switchover");
    const ok = cli("--history");
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).readsOfLaterStacks).toEqual([{ reader: "prod-us-west-2", read: "prod-us-east-1" }]);
    // Without the history the read is only reported.
    expect(cli().stderr).toMatch(/warning: prod-us-west-2 reads prod-us-east-1, which deploys after it: .*not checked without --history/);

    // Turned off and on again after the switchover: a new datastore, from a home that is not the primary.
    commit({ ...environment, ...switched }, "cache off");
    commit({ ...environment, ...switched, "platform:cacheEnabled": true, "platform:cacheHomeRegion": "us-east-1" }, "cache on again");
    const refused = cli("--history");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/prod-us-west-2 \(the primary region, wave 2\) reads the cache's Global Datastore id from prod-us-east-1.*Set platform:cacheHomeRegion: us-west-2/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    const shallow = tempDir("waves-shallow-");
    expect(spawnSync("git", ["clone", "-q", "--depth", "1", `file://${repo}`, shallow], { encoding: "utf8" }).status).toBe(0);
    const cut = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "tools/ci/deploy-waves.ts"), "--env", "prod", "--dir", shallow, "--history"], { cwd: ROOT, encoding: "utf8" });
    expect(cut.status).toBe(2);
    expect(cut.stderr).toMatch(/--history: the checkout is shallow.*fetch-depth: 0/);
    // Newest first, one config per commit that changed the file.
    expect([...committedVersions(repo, "Pulumi.prod.yaml")].map((c) => c["platform:cacheEnabled"] ?? false)).toEqual([true, false, true, true, false]);
  }, 60_000);
});
