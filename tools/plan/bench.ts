/**
 * `npm run bench`: wall time of the whole offline plan (the CLI as users run it, a fresh process
 * each time) for prod and for generated environments of 2, 3, 6 and 11 regions; the median of
 * several runs, resources per second, and whether time grows faster than the region count.
 *
 *   npm run bench -- [--runs N] [--sizes 2,3,6,11]
 */
import { execFile } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { availableParallelism, tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";
import { AWS_REGIONS } from "../../components/lib/regions";
import { readStackConfig } from "../fake-cloud/run";
import { PROJECT_ROOT } from "./inputs";
import type { PlanDocument } from "./model";

/** Real regions with at least three AZs, the order a growing environment might add them in. */
const BENCH_REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1", "us-east-2", "eu-west-2", "ap-southeast-2", "ca-central-1", "ap-south-1"];
const PROD_TARGET_SECONDS = 10;

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
  resources: number;
  code: number;
}

function runPlan(args: string[], json: string): Promise<Sample> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "tools/plan/cli.ts"), ...args, "--json", json], { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const code = error ? Number(error.code ?? -1) : 0;
      // 1 (a mandatory violation) is still a complete plan; 2 is not.
      if (code !== 0 && code !== 1) return reject(new Error(`plan ${args.join(" ")} failed (exit ${code}):\n${stderr}`));
      const plan = JSON.parse(readFileSync(json, "utf8")) as PlanDocument;
      resolve({ seconds, resources: plan.summary.resources, code });
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

async function main(): Promise<void> {
  const runs = Math.max(1, Number(option("--runs", "3")));
  const sizes = option("--sizes", "2,3,6,11").split(",").map(Number);
  const dir = mkdtempSync(join(tmpdir(), "plan-bench-"));
  const rows: { label: string; regions: number; samples: Sample[] }[] = [];
  try {
    const cases: { label: string; regions: number; args: string[] }[] = [{ label: "prod", regions: 3, args: ["--env", "prod"] }];
    for (const size of sizes) {
      const file = join(dir, `bench${size}.yaml`);
      writeFileSync(file, stringify({ config: benchEnvironment(size) }));
      cases.push({ label: `${size} regions`, regions: size, args: ["--env", `bench${size}`, "--config-file", file] });
    }
    // One untimed run first: tsx compiles and caches the sources, as after any fresh checkout.
    await runPlan(cases[0].args, join(dir, "warmup.json"));
    for (const c of cases) {
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) {
        samples.push(await runPlan(c.args, join(dir, "plan.json")));
        process.stderr.write(`${c.label}: run ${i + 1}/${runs} ${samples[i].seconds.toFixed(2)} s\n`);
      }
      rows.push({ label: c.label, regions: c.regions, samples });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const lines = [`Offline plan benchmark: median of ${runs} run(s), ${availableParallelism()} core(s), Node ${process.version}`, ""];
  lines.push("environment   stacks  resources  median s   min s   max s  resources/s  s/stack");
  for (const row of rows) {
    const seconds = row.samples.map((s) => s.seconds);
    const m = median(seconds);
    const stacks = row.regions + 1;
    lines.push(
      `${row.label.padEnd(12)}  ${String(stacks).padStart(6)}  ${String(row.samples[0].resources).padStart(9)}  ${m.toFixed(2).padStart(8)}  ${Math.min(...seconds).toFixed(2).padStart(6)}  ${Math.max(...seconds).toFixed(2).padStart(6)}  ${(row.samples[0].resources / m).toFixed(0).padStart(11)}  ${(m / stacks).toFixed(2).padStart(7)}`,
    );
  }
  const prod = rows.find((r) => r.label === "prod");
  if (prod) {
    const m = median(prod.samples.map((s) => s.seconds));
    lines.push("", `prod: ${m.toFixed(2)} s (target < ${PROD_TARGET_SECONDS} s: ${m < PROD_TARGET_SECONDS ? "met" : "MISSED"})`);
  }
  const sized = rows.filter((r) => r.label !== "prod").sort((a, b) => a.regions - b.regions);
  if (sized.length >= 2) {
    const [small, large] = [sized[0], sized[sized.length - 1]];
    const timeRatio = median(large.samples.map((s) => s.seconds)) / median(small.samples.map((s) => s.seconds));
    const regionRatio = large.regions / small.regions;
    lines.push(`growth ${small.regions} -> ${large.regions} regions: time ×${timeRatio.toFixed(2)} for regions ×${regionRatio.toFixed(2)} (${timeRatio <= regionRatio ? "no faster than linear" : "FASTER THAN LINEAR"})`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
