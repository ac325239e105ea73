/**
 * The load test as code: a k6 script and the Kubernetes Job that runs it in a region's cluster
 * against the environment's public name (latency routing answers from inside the region with the
 * region's own ALB, so the whole path DNS → ALB → pods → database is loaded), at a target rate for
 * a duration, split over as many pods as the rate needs. Pure functions: manifests in, summary out.
 *
 * The pass/fail thresholds are the environment's objectives: the error rate must stay under the
 * availability SLO's budget and the latency percentile under its threshold. k6 prints one summary
 * line per pod (`K6_SUMMARY {...}`) that `summarizeRun` adds up.
 */

/** k6 image, pinned: a load test must measure the system, not a changed load generator. */
export const K6_IMAGE = "docker.io/grafana/k6:1.0.0";
export const LOAD_TEST_NAMESPACE = "load-test";
/** Requests per second one pod drives comfortably with 1 vCPU (k6 docs: thousands per core for simple GETs; kept low for TLS). */
export const RATE_PER_POD = 500;
/** The marker of a pod's summary line. */
export const SUMMARY_MARKER = "K6_SUMMARY ";

export interface LoadTestSpec {
  /** Unique per run: `lt-<region>-<timestamp>`; names the Job and its ConfigMap. */
  runId: string;
  url: string;
  /** Requests per second, all pods together. */
  rate: number;
  /** Seconds at the target rate (after the ramp). */
  durationSeconds: number;
  /** Seconds to ramp from 0 to the rate. @default min(60, durationSeconds / 5) rounded */
  rampSeconds?: number;
  /** Error rate the run may reach, as a fraction (1 − availability SLO). */
  maxErrorRate: number;
  /** Latency percentile and its threshold (the latency SLO). */
  latencyPercentile: number;
  latencyThresholdMs: number;
  image?: string;
  ratePerPod?: number;
}

/** `10m`, `90s`, `1h` → seconds; a clear error otherwise. */
export function parseDuration(text: string, field = "--duration"): number {
  const match = /^(\d+)(s|m|h)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"] : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < 30 || seconds > 6 * 3600) throw new RangeError(`${field} ${text} is not a duration from 30s to 6h; write it like 90s, 10m or 1h`);
  return seconds;
}

export function podCount(rate: number, ratePerPod = RATE_PER_POD): number {
  if (!Number.isInteger(rate) || rate < 1) throw new RangeError(`--rate ${rate} is not a whole number of requests per second >= 1; e.g. --rate 500`);
  return Math.ceil(rate / ratePerPod);
}

/** The k6 script: ramp, hold the arrival rate, thresholds from the objectives, one summary line. */
export function k6Script(spec: LoadTestSpec, pods: number): string {
  const perPod = Math.ceil(spec.rate / pods);
  const ramp = spec.rampSeconds ?? Math.max(10, Math.min(60, Math.round(spec.durationSeconds / 5)));
  // Enough virtual users for the rate at a few seconds per request; k6 adds up to maxVUs.
  const preAllocated = Math.max(10, Math.ceil(perPod * 0.5));
  const options = {
    discardResponseBodies: true,
    scenarios: {
      load: {
        executor: "ramping-arrival-rate",
        startRate: 0,
        timeUnit: "1s",
        preAllocatedVUs: preAllocated,
        maxVUs: preAllocated * 10,
        stages: [{ target: perPod, duration: `${ramp}s` }, { target: perPod, duration: `${spec.durationSeconds}s` }],
      },
    },
    thresholds: {
      http_req_failed: [`rate<${spec.maxErrorRate}`],
      http_req_duration: [`p(${spec.latencyPercentile})<${spec.latencyThresholdMs}`],
    },
    summaryTrendStats: ["avg", "med", "p(90)", "p(95)", `p(${spec.latencyPercentile})`, "max"],
  };
  return [
    'import http from "k6/http";',
    "",
    `export const options = ${JSON.stringify(options, null, 2)};`,
    "",
    "export default function () {",
    "  http.get(__ENV.TARGET_URL, { tags: { name: \"target\" } });",
    "}",
    "",
    "// One line per pod that the load-test command adds up.",
    "export function handleSummary(data) {",
    "  const pick = (name) => (data.metrics[name] ? { values: data.metrics[name].values, thresholds: data.metrics[name].thresholds || {} } : null);",
    `  const summary = { pod: __ENV.HOSTNAME, rate: ${perPod}, metrics: { http_reqs: pick("http_reqs"), http_req_failed: pick("http_req_failed"), http_req_duration: pick("http_req_duration"), dropped_iterations: pick("dropped_iterations") } };`,
    `  return { stdout: "\\n${SUMMARY_MARKER}" + JSON.stringify(summary) + "\\n" };`,
    "}",
    "",
  ].join("\n");
}

const LABELS = { "app.kubernetes.io/name": "k6-load-test", "app.kubernetes.io/part-of": "platform" };

/** Namespace (restricted Pod Security), ConfigMap with the script, and the Job; in apply order. */
export function loadTestManifests(spec: LoadTestSpec): Record<string, unknown>[] {
  const pods = podCount(spec.rate, spec.ratePerPod);
  const ramp = spec.rampSeconds ?? Math.max(10, Math.min(60, Math.round(spec.durationSeconds / 5)));
  const labels = { ...LABELS, "platform/load-test-run": spec.runId };
  const restricted = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };
  return [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: LOAD_TEST_NAMESPACE, labels: { ...LABELS, "pod-security.kubernetes.io/enforce": "restricted" } },
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: spec.runId, namespace: LOAD_TEST_NAMESPACE, labels },
      data: { "load.js": k6Script(spec, pods) },
    },
    {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: spec.runId, namespace: LOAD_TEST_NAMESPACE, labels },
      spec: {
        parallelism: pods,
        completions: pods,
        // A failed load test is a result, not something to retry.
        backoffLimit: 0,
        // Generous: at a multiple of today's peak the generators may wait for nodes the
        // autoscaler adds (minutes) before they start.
        activeDeadlineSeconds: ramp + spec.durationSeconds + 900,
        ttlSecondsAfterFinished: 24 * 3600,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: "Never",
            // The k6 image's own user (uid 12345); the restricted namespace wants it explicit.
            securityContext: { runAsNonRoot: true, runAsUser: 12345, runAsGroup: 12345, seccompProfile: { type: "RuntimeDefault" } },
            // One generator per node where possible, so the generators do not starve each other.
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { "platform/load-test-run": spec.runId } } }],
            containers: [{
              name: "k6",
              image: spec.image ?? K6_IMAGE,
              // k6 exits 99 when a threshold fails. That is a result, read from every pod's
              // summary: with backoffLimit 0 the first such exit would fail the Job and kill the
              // other generators before they report. Any other exit code still fails the pod.
              command: ["sh", "-c", "k6 run --quiet --no-color /scripts/load.js; code=$?; [ \"$code\" -eq 99 ] && exit 0; exit \"$code\""],
              env: [{ name: "TARGET_URL", value: spec.url }],
              resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "2Gi" } },
              securityContext: restricted,
              volumeMounts: [{ name: "script", mountPath: "/scripts", readOnly: true }, { name: "tmp", mountPath: "/tmp" }],
            }],
            volumes: [{ name: "script", configMap: { name: spec.runId } }, { name: "tmp", emptyDir: {} }],
          },
        },
      },
    },
  ];
}

export interface LoadTestResult {
  pods: number;
  requests: number;
  /** Requests per second achieved over the whole run (ramp included), all pods. */
  achievedRate: number;
  errorRate: number;
  /** The worst pod's latency percentile (ms): the percentile over all pods is at most this. */
  latencyMs: number | null;
  droppedIterations: number;
  thresholdsPassed: boolean;
  /** Failed thresholds, e.g. `http_req_failed rate<0.0005`. */
  failed: string[];
}

interface PodSummary {
  metrics: Record<string, { values: Record<string, number>; thresholds: Record<string, { ok: boolean }> } | null>;
}

/** Adds up the pods' summary lines found in `logs`; null when no pod printed one. */
export function summarizeRun(logs: string, latencyPercentile: number): LoadTestResult | null {
  const pods: PodSummary[] = [];
  for (const line of logs.split("\n")) {
    const at = line.indexOf(SUMMARY_MARKER);
    if (at < 0) continue;
    try {
      pods.push(JSON.parse(line.slice(at + SUMMARY_MARKER.length)) as PodSummary);
    } catch {
      // A line cut by the log stream: that pod counts as silent.
    }
  }
  if (pods.length === 0) return null;
  const sum = (metric: string, value: string) => pods.reduce((s, p) => s + (p.metrics[metric]?.values[value] ?? 0), 0);
  const requests = sum("http_reqs", "count");
  const failedRequests = pods.reduce((s, p) => s + (p.metrics.http_req_failed?.values.rate ?? 0) * (p.metrics.http_reqs?.values.count ?? 0), 0);
  const latencies = pods.map((p) => p.metrics.http_req_duration?.values[`p(${latencyPercentile})`]).filter((v): v is number => typeof v === "number");
  const failed = new Set<string>();
  for (const p of pods) {
    for (const [metric, m] of Object.entries(p.metrics)) {
      for (const [threshold, verdict] of Object.entries(m?.thresholds ?? {})) if (!verdict.ok) failed.add(`${metric} ${threshold}`);
    }
  }
  return {
    pods: pods.length,
    requests,
    achievedRate: Math.round(sum("http_reqs", "rate") * 10) / 10,
    errorRate: requests ? failedRequests / requests : 0,
    latencyMs: latencies.length ? Math.max(...latencies) : null,
    droppedIterations: sum("dropped_iterations", "count"),
    thresholdsPassed: failed.size === 0,
    failed: [...failed].sort(),
  };
}
