/**
 * `npm run bench`: how long the offline plan takes, as users run it (`npm run plan`'s command, a
 * fresh process each time), printed as figures:
 *
 * - prod with all three reports (`--json --markdown --diagram`), also with the plan's cache off
 *   (`PLAN_CACHE=off`: the schema validators compiled and the diagram laid out anew, as on a first
 *   run after a clean clone or a topology change), and, when `CDK_PEER` names a
 *   command (the AWS CDK peer of shared/peers/cdk synthesizing the same topology), that command
 *   timed in the same run, interleaved with prod, run for run;
 * - generated environments of 2, 3, 6 and 11 real regions and the 11/3 ratio (median of the
 *   per-pair ratios, the pairs run back to back);
 * - peak memory: the largest resident set of the plan's processes, sampled;
 * - with `--test`, `npm test`'s wall time (the whole suite: minutes).
 *
 *   npm run bench -- [--runs N] [--sizes 2,3,6,11] [--test]
 *   CDK_PEER="cd /tmp/cdk && REGIONS=us-east-1,us-west-2,eu-west-1 OUT=/tmp/cdk.out npx tsx app.ts" npm run bench
 *
 * Medians of N runs (default 5) after one untimed run (it builds the plan's bundle and warms the
 * file cache, as any second `npm run plan` finds them). Other work on the machine shows in the
 * spread (min/max): compare figures within one run.
 */
import { spawn } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { availableParallelism, tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";
import { AWS_REGIONS } from "../../components/lib/regions";
import { readStackConfig } from "../fake-cloud/run";
import { PROJECT_ROOT } from "./inputs";

/** Real regions with at least three AZs, the order a growing environment might add them in. */
const BENCH_REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1", "us-east-2", "eu-west-2", "ap-southeast-2", "ca-central-1", "ap-south-1"];

/** The issue's targets (issue 15). */
const TARGETS = { prodSeconds: 3, peerRatio: 2, elevenOverThree: 1.5, testSeconds: 60 };

export function benchEnvironment(regionCount: number): Record<string, unknown> {
  const regions = BENCH_REGIONS.slice(0, regionCount);
  if (regions.length !== regionCount || regions.some((r) => AWS_REGIONS[r].length < 3)) throw new Error(`no ${regionCount} bench regions`);
  const config = readStackConfig(join(PROJECT_ROOT, "Pulumi.prod.yaml"));
  const nodeMaxSize = Number(config["platform:nodeMaxSize"] ?? 24);
  return {
    ...config,
    "aws:region": regions[0],
    "platform:regions": regions,
    // Disjoint /16s: 10.10.0.0/16, 10.20.0.0/16, ... 10.110.0.0/16.
    "platform:vpcCidrs": regions.map((_, i) => `10.${(i + 1) * 10}.0.0/16`),
    // A peak the other regions can carry, so every size is a valid, plannable environment.
    "platform:globalPeakNodes": Math.min(Number(config["platform:globalPeakNodes"] ?? 0), nodeMaxSize * (regionCount - 1)),
  };
}

interface Sample {
  seconds: number;
  /** Largest resident set among the command's processes, MiB (sampled every 20 ms). */
  peakMiB: number;
  /** Largest sum of the resident sets of all its processes at one time, MiB. */
  peakTotalMiB: number;
  code: number;
}

function processTree(pid: number): number[] {
  const out = [pid];
  try {
    for (const task of require("fs").readdirSync(`/proc/${pid}/task`) as string[]) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
      for (const child of children) out.push(...processTree(child));
    }
  } catch {
    // Gone already.
  }
  return out;
}

function residentMiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs a command (through sh) to its end: wall time, peak memory of its largest process, exit code.
 * Memory is sampled from /proc every 20 ms, every thread of every process of the tree: cheap
 * for a plan (one process), not for `npm test`, tens of processes, which is timed with
 * `sampleMemory: false` (with the sampler the bench printed 148 s for a suite that took 98-107 s
 * run alone).
 */
function measure(command: string, { cwd = PROJECT_ROOT, sampleMemory = true }: { cwd?: string; sampleMemory?: boolean } = {}): Promise<Sample> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn("sh", ["-c", command], { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    let peakMiB = 0;
    let peakTotalMiB = 0;
    const sample = () => {
      let total = 0;
      for (const pid of processTree(child.pid!)) {
        const rss = residentMiB(pid);
        peakMiB = Math.max(peakMiB, rss);
        // The shell that runs the command holds a few MiB: it counts, as it does in any run.
        total += rss;
      }
      peakTotalMiB = Math.max(peakTotalMiB, total);
    };
    const sampler = sampleMemory ? setInterval(sample, 20) : undefined;
    child.on("close", (code) => {
      clearInterval(sampler);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0 && code !== 1) process.stderr.write(`bench: \`${command}\` exited ${code}:\n${stderr}\n`);
      resolve({ seconds, peakMiB, peakTotalMiB, code: code ?? -1 });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** `npm run plan -- args` without npm's own start-up: the script of package.json, run from the project. */
function planCommand(args: string): string {
  const script = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: { plan: string } }).scripts.plan;
  return `${script} ${args}`;
}

function row(label: string, samples: Sample[]): string {
  const seconds = samples.map((s) => s.seconds);
  return `${label.padEnd(26)} ${median(seconds).toFixed(2).padStart(8)} ${Math.min(...seconds).toFixed(2).padStart(7)} ${Math.max(...seconds).toFixed(2).padStart(7)} ${median(samples.map((s) => s.peakMiB)).toFixed(0).padStart(9)}`;
}

async function main(): Promise<void> {
  const runs = Math.max(1, Number(option("--runs", "5")));
  const sizes = option("--sizes", "2,3,6,11").split(",").map(Number);
  const peer = process.env.CDK_PEER;
  const dir = mkdtempSync(join(tmpdir(), "plan-bench-"));
  const lines: string[] = [];
  try {
    const prodArgs = `--json ${join(dir, "prod.json")} --markdown ${join(dir, "prod.md")} --diagram ${join(dir, "prod.svg")}`;
    const files = new Map(sizes.map((size) => {
      const file = join(dir, `bench${size}.yaml`);
      writeFileSync(file, stringify({ config: benchEnvironment(size) }));
      return [size, file] as const;
    }));
    // Untimed: builds the bundle (after a change) and warms the file cache.
    await measure(planCommand(prodArgs));
    if (peer) await measure(peer);

    const prod: Sample[] = [];
    const cold: Sample[] = [];
    const cdk: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      prod.push(await measure(planCommand(prodArgs)));
      cold.push(await measure(`PLAN_CACHE=off ${planCommand(prodArgs)}`));
      if (peer) cdk.push(await measure(peer));
      process.stderr.write(`prod run ${i + 1}/${runs}: ${prod[i].seconds.toFixed(2)} s, cache off ${cold[i].seconds.toFixed(2)} s${peer ? `, CDK peer ${cdk[i].seconds.toFixed(2)} s` : ""}\n`);
    }
    const bySize = new Map<number, Sample[]>(sizes.map((s) => [s, []]));
    const ratios: number[] = [];
    for (let i = 0; i < runs; i++) {
      for (const size of sizes) {
        bySize.get(size)!.push(await measure(planCommand(`--env bench${size} --config-file ${files.get(size)} --json ${join(dir, "b.json")}`)));
      }
      if (bySize.has(3) && bySize.has(11)) ratios.push(bySize.get(11)![i].seconds / bySize.get(3)![i].seconds);
      process.stderr.write(`regions run ${i + 1}/${runs}: ${sizes.map((s) => `${s}: ${bySize.get(s)![i].seconds.toFixed(2)} s`).join(", ")}\n`);
    }

    const load = require("os").loadavg() as number[];
    lines.push(`Offline plan benchmark: median of ${runs} run(s), ${availableParallelism()} core(s), Node ${process.version}, load average ${load.map((l) => l.toFixed(1)).join(" ")}`, "");
    lines.push(`${"what".padEnd(26)} ${"median s".padStart(8)} ${"min s".padStart(7)} ${"max s".padStart(7)} ${"peak MiB".padStart(9)}`);
    lines.push(row("prod (json, md, svg)", prod));
    lines.push(row("prod, PLAN_CACHE=off", cold));
    if (peer) lines.push(row("CDK peer (CDK_PEER)", cdk));
    for (const size of sizes) lines.push(row(`${size} regions (json)`, bySize.get(size)!));
    lines.push("");
    const prodMedian = median(prod.map((s) => s.seconds));
    lines.push(`prod: ${prodMedian.toFixed(2)} s (target <= ${TARGETS.prodSeconds} s: ${prodMedian <= TARGETS.prodSeconds ? "met" : "MISSED"})`);
    if (peer) {
      const pairRatios = prod.map((p, i) => cdk[i].seconds / p.seconds);
      const ratio = median(pairRatios);
      lines.push(`CDK peer / prod: ${ratio.toFixed(2)}x, median of per-run pairs (target >= ${TARGETS.peerRatio}x: ${ratio >= TARGETS.peerRatio ? "met" : "MISSED"})`);
      lines.push(`CDK peer / prod with PLAN_CACHE=off: ${median(cold.map((c, i) => cdk[i].seconds / c.seconds)).toFixed(2)}x`);
    } else {
      lines.push("CDK peer: not run (set CDK_PEER to its command; see shared/peers/cdk/README.md)");
    }
    if (ratios.length) {
      const ratio = median(ratios);
      lines.push(`11 regions / 3 regions: ${ratio.toFixed(2)}x, median of per-run pairs (target <= ${TARGETS.elevenOverThree}x: ${ratio <= TARGETS.elevenOverThree ? "met" : "MISSED"})`);
    }
    const sizesRun = [...bySize.values()].flat();
    lines.push(
      `peak memory: ${Math.max(...prod.concat(cold).map((s) => s.peakMiB)).toFixed(0)} MiB for prod, ${Math.max(...sizesRun.map((s) => s.peakMiB)).toFixed(0)} MiB at most over the sizes (largest process); ` +
        `all processes together ${Math.max(...prod.concat(cold).map((s) => s.peakTotalMiB)).toFixed(0)} / ${Math.max(...sizesRun.map((s) => s.peakTotalMiB)).toFixed(0)} MiB`,
    );
    if (process.argv.includes("--test")) {
      const test = await measure("npm test", { sampleMemory: false });
      lines.push(`npm test: ${test.seconds.toFixed(1)} s, exit ${test.code} (target <= ${TARGETS.testSeconds} s: ${test.seconds <= TARGETS.testSeconds ? "met" : "MISSED"})`);
    } else {
      lines.push("npm test: not run (add --test; it takes the whole suite's time)");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
