/**
 * The load test as code: the k6 Job's manifests, the summary arithmetic, `npm run loadtest`
 * against a fake cluster, and the kubectl adapter against a fake kubectl (no cluster here).
 */
import { chmodSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { CommandError } from "../../tools/commands/errors";
import { lockedAppNameProblem, parseLoadTestArgs } from "../../tools/loadtest/cli";
import { k6Script, loadTestManifests, parseDuration, summarizeRun, type LoadTestSpec } from "../../tools/loadtest/job";
import { jobStatusOf, kubectl, type JobStatus, type Kube } from "../../tools/loadtest/kube";
import { loadTest, type LoadTestOptions } from "../../tools/loadtest/loadtest";
import { temporaryDirectories } from "../plan/temp-dirs";

const spec: LoadTestSpec = { runId: "lt-us-west-2-x", url: "https://app.prod.example.com/", rate: 1200, durationSeconds: 600, maxErrorRate: 0.0005, latencyPercentile: 99, latencyThresholdMs: 300 };

/** One pod's summary line as the script's handleSummary prints it. */
function podLine(pod: string, requests: number, failedRate: number, p99: number, ok = { failed: true, duration: true }, dropped = 0): string {
  return `K6_SUMMARY ${JSON.stringify({
    pod,
    metrics: {
      http_reqs: { values: { count: requests, rate: requests / 660 }, thresholds: {} },
      http_req_failed: { values: { rate: failedRate }, thresholds: { "rate<0.0005": { ok: ok.failed } } },
      http_req_duration: { values: { "p(99)": p99 }, thresholds: { "p(99)<300": { ok: ok.duration } } },
      dropped_iterations: dropped ? { values: { count: dropped }, thresholds: {} } : null,
    },
  })}`;
}

describe("the k6 Job", () => {
  const [namespace, configMap, job] = loadTestManifests(spec) as Record<string, any>[];

  it("splits the rate over enough pods and holds it for the duration after a ramp", () => {
    expect(job.spec).toMatchObject({ parallelism: 3, completions: 3, backoffLimit: 0, activeDeadlineSeconds: 60 + 600 + 900 });
    const options = JSON.parse(/export const options = (\{[\s\S]*?\n\});/.exec(configMap.data["load.js"])![1]);
    expect(options.scenarios.load).toMatchObject({ executor: "ramping-arrival-rate", timeUnit: "1s", stages: [{ target: 400, duration: "60s" }, { target: 400, duration: "600s" }] });
    expect(options.thresholds).toEqual({ http_req_failed: ["rate<0.0005"], http_req_duration: ["p(99)<300"] });
  });

  it("runs k6 as the restricted Pod Security Standard wants, with the target URL and script mounted", () => {
    expect(namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const pod = job.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 12345 });
    expect(pod.containers[0]).toMatchObject({ image: "docker.io/grafana/k6:1.0.0", env: [{ name: "TARGET_URL", value: spec.url }], securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } } });
    // A failed threshold (k6 exit 99) is a result read from the summaries, not a failed pod that
    // would end the Job and kill the other generators; any other exit still fails.
    expect(pod.containers[0].command.join(" ")).toMatch(/k6 run .*\/scripts\/load\.js; code=\$\?; \[ "\$code" -eq 99 \] && exit 0; exit "\$code"/);
    expect(pod.volumes[0]).toEqual({ name: "script", configMap: { name: "lt-us-west-2-x" } });
    expect(job.metadata.labels["platform/load-test-run"]).toBe("lt-us-west-2-x");
  });

  it("prints a summary line the command can read", () => {
    expect(k6Script(spec, 3)).toMatch(/return \{ stdout: "\\nK6_SUMMARY " \+ JSON\.stringify\(summary\) \+ "\\n" \};/);
  });

  it("refuses durations and rates it cannot run, naming the flag", () => {
    expect(parseDuration("10m")).toBe(600);
    expect(parseDuration("1h")).toBe(3600);
    expect(() => parseDuration("10")).toThrow("--duration 10 is not a duration from 30s to 6h; write it like 90s, 10m or 1h");
    expect(() => loadTestManifests({ ...spec, rate: 0 })).toThrow(/--rate 0 is not a whole number/);
  });
});

describe("summarizeRun", () => {
  it("adds up the pods: requests, achieved rate, weighted error rate, worst p99, failed thresholds", () => {
    const logs = ["starting", podLine("a", 1000, 0.001, 120, { failed: false, duration: true }), `b ${podLine("b", 3000, 0, 310, { failed: true, duration: false }, 7)}`, "K6_SUMMARY {cut"].join("\n");
    const r = summarizeRun(logs, 99)!;
    expect(r).toMatchObject({ pods: 2, requests: 4000, latencyMs: 310, droppedIterations: 7, thresholdsPassed: false, failed: ["http_req_duration p(99)<300", "http_req_failed rate<0.0005"] });
    expect(r.errorRate).toBeCloseTo(1 / 4000, 10);
    expect(r.achievedRate).toBe(6.1);
  });

  it("is null when no pod printed a summary", () => {
    expect(summarizeRun("error: no route to host\n", 99)).toBeNull();
  });
});

/** A cluster that runs the Job through the given states and answers with the given logs. */
function fakeCluster(states: Partial<JobStatus>[], logs: string): Kube & { applied: Record<string, unknown>[][]; selectors: string[] } {
  let call = 0;
  const applied: Record<string, unknown>[][] = [];
  const selectors: string[] = [];
  return {
    applied,
    selectors,
    apply: async (m) => void applied.push([...m]),
    job: async () => ({ active: 0, succeeded: 0, failed: 0, finished: null, reason: null, ...states[Math.min(call++, states.length - 1)] }),
    logs: async (_ns, selector) => {
      selectors.push(selector);
      return logs;
    },
  };
}

const options: LoadTestOptions = { environment: "prod", region: "us-west-2", rate: 1200, durationSeconds: 600, url: spec.url, execute: true, availabilityPercent: 99.95, latencyPercentile: 99, latencyThresholdMs: 300 };

async function runLoadTest(kube: Kube, over: Partial<LoadTestOptions> = {}) {
  const lines: string[] = [];
  const code = await loadTest({ ...options, ...over }, { kube, print: (l) => lines.push(l), sleep: async () => undefined, now: () => new Date("2026-12-01T10:00:00Z") });
  return { code, out: lines.join("\n") };
}

describe("npm run loadtest against a fake cluster", () => {
  const passing = [podLine("a", 240000, 0, 80), podLine("b", 240000, 0.0001, 95), podLine("c", 240000, 0, 90)].join("\n");

  it("dry run: says what it would create and creates nothing", async () => {
    const kube = fakeCluster([], passing);
    const { code, out } = await runLoadTest(kube, { execute: false });
    expect(code).toBe(0);
    expect(out).toMatch(/load test lt-us-west-2-20261201t100000: 1200 requests\/s for 600 s against https:\/\/app\.prod\.example\.com\/, from 3 k6 pod\(s\) in prod-us-west-2's cluster/);
    expect(out).toMatch(/passes when errors stay under 0\.05 % \(availability 99\.95 %\) and p99 under 300 ms/);
    expect(out).toMatch(/dry run: would apply Namespace load-test, ConfigMap lt-us-west-2-20261201t100000, Job lt-us-west-2-20261201t100000; nothing was created/);
    expect(kube.applied).toEqual([]);
  });

  it("creates the Job, follows it and reads the pods' summaries: objectives met, exit 0", async () => {
    const kube = fakeCluster([{ active: 3 }, { active: 1, succeeded: 2 }, { succeeded: 3, finished: "Complete" }], passing);
    const { code, out } = await runLoadTest(kube);
    expect(code).toBe(0);
    expect(kube.applied[0].map((m) => m.kind)).toEqual(["Namespace", "ConfigMap", "Job"]);
    expect(kube.selectors).toEqual(["platform/load-test-run=lt-us-west-2-20261201t100000"]);
    expect(out).toMatch(/ {2}3 running, 0 done, 0 failed\n {2}1 running, 2 done, 0 failed\n {2}0 running, 3 done, 0 failed\nJob completed/);
    expect(out).toMatch(/720000 requests from 3 pod\(s\), 1090\.9 requests\/s achieved/);
    expect(out).toMatch(/errors 0\.003 %, p99 95 ms \(worst pod\)\nobjectives met$/);
  });

  it("exits 1 naming the missed objective when k6's thresholds fail (the Job fails too)", async () => {
    const logs = [podLine("a", 1000, 0.02, 900, { failed: false, duration: false }, 50), podLine("b", 1000, 0, 100), podLine("c", 1000, 0, 100)].join("\n");
    const { code, out } = await runLoadTest(fakeCluster([{ failed: 1, finished: "Failed", reason: "BackoffLimitExceeded: Job has reached the specified backoff limit" }], logs));
    expect(code).toBe(1);
    expect(out).toMatch(/Job failed \(BackoffLimitExceeded: Job has reached the specified backoff limit\)/);
    expect(out).toMatch(/50 requests not sent \(k6 ran out of virtual users: the target slowed down\)/);
    expect(out).toMatch(/objectives MISSED: http_req_duration p\(99\)<300, http_req_failed rate<0\.0005/);
  });

  it("exits 1 when pods are missing from the result or no summary exists", async () => {
    expect((await runLoadTest(fakeCluster([{ finished: "Complete" }], podLine("a", 10, 0, 10)))).out).toMatch(/only 1 of 3 pods reported/);
    const none = await runLoadTest(fakeCluster([{ finished: "Failed" }], "ImagePullBackOff"));
    expect(none.code).toBe(1);
    expect(none.out).toMatch(/no k6 summary in the pods' logs: the run did not finish \(kubectl --context prod-us-west-2 -n load-test describe job lt-us-west-2-20261201t100000\)/);
  });
});

describe("the kubectl adapter", () => {
  const tempDir = temporaryDirectories();

  /** A kubectl that records its arguments and stdin, and answers `get job` with a finished Job. */
  function fakeKubectl(exitCode = 0): { bin: string; calls: () => string[]; stdin: () => string } {
    const dir = tempDir("kubectl-");
    const bin = join(dir, "kubectl");
    writeFileSync(bin, [
      "#!/bin/sh",
      `echo "$*" >> ${dir}/calls`,
      `cat > ${dir}/stdin`,
      `if [ ${exitCode} -ne 0 ]; then echo 'error: You must be logged in to the server (Unauthorized)' >&2; exit ${exitCode}; fi`,
      'case "$3" in get) echo \'{"status":{"succeeded":3,"conditions":[{"type":"Complete","status":"True"}]}}\';; logs) echo "K6_SUMMARY {}";; esac',
    ].join("\n"));
    chmodSync(bin, 0o755);
    return { bin, calls: () => readFileSync(join(dir, "calls"), "utf8").trim().split("\n"), stdin: () => readFileSync(join(dir, "stdin"), "utf8") };
  }

  it("applies the manifests as one List on stdin, reads the Job and the logs in the named context", async () => {
    const fake = fakeKubectl();
    const kube = kubectl("prod-us-west-2", fake.bin);
    await kube.apply(loadTestManifests(spec));
    expect(JSON.parse(fake.stdin())).toMatchObject({ kind: "List", items: [{ kind: "Namespace" }, { kind: "ConfigMap" }, { kind: "Job" }] });
    expect(await kube.job("load-test", "lt-us-west-2-x")).toEqual({ active: 0, succeeded: 3, failed: 0, finished: "Complete", reason: null });
    expect(await kube.logs("load-test", "platform/load-test-run=lt-us-west-2-x")).toBe("K6_SUMMARY {}\n");
    expect(fake.calls()).toEqual([
      "--context prod-us-west-2 apply -f -",
      "--context prod-us-west-2 get job lt-us-west-2-x --namespace load-test --output json",
      "--context prod-us-west-2 logs --namespace load-test --selector platform/load-test-run=lt-us-west-2-x --tail -1 --max-log-requests 50",
    ]);
  });

  it("turns kubectl's failure and a missing kubectl into one line", async () => {
    await expect(kubectl("prod-us-west-2", fakeKubectl(1).bin).job("load-test", "x")).rejects.toThrow("kubectl get job x failed (exit 1): error: You must be logged in to the server (Unauthorized)");
    await expect(kubectl("prod-us-west-2", "/nonexistent/kubectl").job("load-test", "x")).rejects.toThrow("/nonexistent/kubectl is not installed or not on PATH; install kubectl and run aws eks update-kubeconfig for the region's cluster");
  });

  it("reads a Job's end from its conditions only when they are True", () => {
    expect(jobStatusOf({ status: { active: 2, conditions: [{ type: "Failed", status: "False" }] } })).toMatchObject({ active: 2, finished: null });
    expect(jobStatusOf({ status: { failed: 1, conditions: [{ type: "Failed", status: "True", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" }] } })).toMatchObject({ finished: "Failed", reason: "DeadlineExceeded: Job was active longer than specified deadline" });
  });
});

describe("loadtest arguments", () => {
  it("takes the public name, objectives and context from Pulumi.prod.yaml", () => {
    expect(parseLoadTestArgs(["--region", "eu-west-1", "--rate", "500", "--duration", "5m"])).toMatchObject({
      environment: "prod", region: "eu-west-1", rate: 500, durationSeconds: 300, url: "https://app.prod.example.com/", execute: false,
      availabilityPercent: 99.95, latencyPercentile: 99, latencyThresholdMs: 300, context: "prod-eu-west-1",
    });
  });

  it("names the flag, the value and the fix", () => {
    const refuse = (args: string[]) => {
      try {
        parseLoadTestArgs(args);
      } catch (e) {
        expect(e).toBeInstanceOf(CommandError);
        return (e as Error).message;
      }
      throw new Error("accepted");
    };
    expect(refuse(["--rate", "5", "--duration", "5m"])).toMatch(/^--region is missing/);
    expect(refuse(["--region", "ap-south-1", "--rate", "5", "--duration", "5m"])).toBe("--region ap-south-1 is not a region of environment prod; use one of us-east-1, us-west-2, eu-west-1");
    expect(refuse(["--region", "us-west-2", "--duration", "5m"])).toBe("--rate is missing: give the requests per second to drive, e.g. --rate 500");
    expect(refuse(["--region", "us-west-2", "--rate", "5"])).toBe("--duration is missing: how long to hold the rate, e.g. --duration 10m");
    expect(refuse(["--region", "us-west-2", "--rate", "5", "--duration", "5m", "--url", "app.example.com"])).toBe("--url app.example.com is not an http(s) URL; e.g. --url https://app.prod.example.com/");
    expect(refuse(["--region", "us-west-2", "--rate", "5", "--duration", "5m", "--env", "nope"])).toMatch(/^--env nope: cannot read Pulumi\.nope\.yaml/);
  });
});

describe("loadtest against an environment whose edge is locked", () => {
  const edge = { edgeEnabled: true, edgeDirectOriginAccess: "locked", appRecordName: "app", edgeRecordName: "www" };
  it("refuses the app name (every request would be a 403), saying how to open it or load the edge", () => {
    expect(lockedAppNameProblem(edge)).toMatch(/^the edge is on with edgeDirectOriginAccess: locked, so app\.<zone> answers 403 .* Set platform:edgeDirectOriginAccess: open for the test window .* or pass --url https:\/\/www\.<zone>\/ .*WAF rate limit/);
  });
  it("has nothing against an open direct path or an environment without the edge", () => {
    expect(lockedAppNameProblem({ ...edge, edgeDirectOriginAccess: "open" })).toBeUndefined();
    expect(lockedAppNameProblem({ ...edge, edgeEnabled: false })).toBeUndefined();
  });
});
