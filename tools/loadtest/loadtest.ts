/**
 * `npm run loadtest -- --region R --rate N --duration 10m`: start the k6 load test (tools/loadtest/
 * job.ts) in region R's cluster against the environment's public name, follow the Job, read the
 * pods' summaries and judge them against the environment's objectives. Dry run by default: prints
 * what it would create; `--execute` creates it.
 *
 * Exit codes: 0 dry run, or the run met the objectives; 1 it did not (or ended without a
 * summary); 2 refused or bad usage.
 */
import { CommandError } from "../commands/errors";
import { LOAD_TEST_NAMESPACE, loadTestManifests, podCount, summarizeRun, type LoadTestSpec } from "./job";
import type { Kube } from "./kube";

export interface LoadTestOptions {
  environment: string;
  region: string;
  rate: number;
  durationSeconds: number;
  url: string;
  execute: boolean;
  /** Objectives: availability (percent) and latency percentile/threshold. */
  availabilityPercent: number;
  latencyPercentile: number;
  latencyThresholdMs: number;
  image?: string;
  pollSeconds?: number;
}

export interface LoadTestDeps {
  kube: Kube;
  print(line: string): void;
  sleep(ms: number): Promise<void>;
  now(): Date;
}

/** `lt-us-west-2-20261201t100000`: a DNS label, unique per start second. */
export function runIdFor(region: string, at: Date): string {
  return `lt-${region}-${at.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").toLowerCase()}`;
}

export async function loadTest(options: LoadTestOptions, deps: LoadTestDeps): Promise<number> {
  const { print, kube } = deps;
  const started = deps.now();
  const spec: LoadTestSpec = {
    runId: runIdFor(options.region, started),
    url: options.url,
    rate: options.rate,
    durationSeconds: options.durationSeconds,
    maxErrorRate: Math.round((100 - options.availabilityPercent) * 1e6) / 1e8,
    latencyPercentile: options.latencyPercentile,
    latencyThresholdMs: options.latencyThresholdMs,
    ...(options.image ? { image: options.image } : {}),
  };
  const pods = podCount(spec.rate);
  const manifests = loadTestManifests(spec);
  print(`load test ${spec.runId}: ${spec.rate} requests/s for ${spec.durationSeconds} s against ${spec.url}, from ${pods} k6 pod(s) in ${options.environment}-${options.region}'s cluster (namespace ${LOAD_TEST_NAMESPACE})`);
  print(`passes when errors stay under ${spec.maxErrorRate * 100} % (availability ${options.availabilityPercent} %) and p${spec.latencyPercentile} under ${spec.latencyThresholdMs} ms`);
  if (!options.execute) {
    print(`dry run: would apply ${manifests.map((m) => `${m.kind as string} ${(m.metadata as { name: string }).name}`).join(", ")}; nothing was created. Add --execute to run it.`);
    return 0;
  }

  await kube.apply(manifests);
  print(`created Job ${LOAD_TEST_NAMESPACE}/${spec.runId}`);
  const pollMs = (options.pollSeconds ?? 15) * 1000;
  let last = "";
  for (;;) {
    const status = await kube.job(LOAD_TEST_NAMESPACE, spec.runId);
    const line = `${status.active} running, ${status.succeeded} done, ${status.failed} failed`;
    if (line !== last) print(`  ${line}`);
    last = line;
    if (status.finished) {
      print(`Job ${status.finished === "Complete" ? "completed" : `failed${status.reason ? ` (${status.reason})` : ""}`}`);
      break;
    }
    await deps.sleep(pollMs);
  }

  // k6 exits non-zero when a threshold fails, so a failed Job still has summaries to read.
  const result = summarizeRun(await kube.logs(LOAD_TEST_NAMESPACE, `platform/load-test-run=${spec.runId}`), spec.latencyPercentile);
  if (!result) {
    print(`no k6 summary in the pods' logs: the run did not finish (kubectl --context ${options.environment}-${options.region} -n ${LOAD_TEST_NAMESPACE} describe job ${spec.runId})`);
    return 1;
  }
  print(`${result.requests} requests from ${result.pods} pod(s), ${result.achievedRate} requests/s achieved (ramp included)`);
  print(`errors ${(result.errorRate * 100).toFixed(3)} %, p${spec.latencyPercentile} ${result.latencyMs === null ? "?" : `${Math.round(result.latencyMs)} ms`} (worst pod)${result.droppedIterations ? `, ${result.droppedIterations} requests not sent (k6 ran out of virtual users: the target slowed down)` : ""}`);
  if (result.pods < pods) print(`only ${result.pods} of ${pods} pods reported: the figures cover part of the load`);
  print(result.thresholdsPassed ? "objectives met" : `objectives MISSED: ${result.failed.join(", ")}`);
  return result.thresholdsPassed && result.pods === pods ? 0 : 1;
}

/** Options from the command line and the environment's settings, or a CommandError naming the flag. */
export function checkRate(rate: string | undefined): number {
  if (rate === undefined) throw new CommandError("--rate is missing: give the requests per second to drive, e.g. --rate 500");
  const n = Number(rate);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new CommandError(`--rate ${rate} is not a whole number of requests per second from 1 to 1000000; e.g. --rate 500`);
  return n;
}
