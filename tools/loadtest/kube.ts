/**
 * The load-test command's view of a cluster: apply manifests, read a Job, read its pods' logs.
 * The real one drives `kubectl` (the deploy docs set up its contexts with
 * `aws eks update-kubeconfig --alias <env>-<region>`), with arguments, never a shell; tests use a
 * fake cluster or a fake kubectl.
 */
import { spawn } from "child_process";
import { CommandError } from "../commands/errors";

export interface JobStatus {
  active: number;
  succeeded: number;
  failed: number;
  /** `Complete` or `Failed` when the Job has ended (its condition of status True), else null. */
  finished: "Complete" | "Failed" | null;
  reason: string | null;
}

export interface Kube {
  apply(manifests: readonly Record<string, unknown>[]): Promise<void>;
  job(namespace: string, name: string): Promise<JobStatus>;
  /** Logs of every pod matching the selector, concatenated. */
  logs(namespace: string, selector: string): Promise<string>;
}

function run(kubectl: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(new CommandError(error.code === "ENOENT" ? `${kubectl} is not installed or not on PATH; install kubectl and run aws eks update-kubeconfig for the region's cluster` : `${kubectl} could not start: ${error.message}`));
    });
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new CommandError(`kubectl ${args.slice(args[0] === "--context" ? 2 : 0).filter((a) => !a.startsWith("-")).slice(0, 3).join(" ")} failed (exit ${code}): ${stderr.trim().split("\n").slice(-2).join(" ")}`));
    });
    child.stdin.end(input ?? "");
  });
}

/** A Job's counters and end condition, from its `kubectl get job -o json` object. */
export function jobStatusOf(job: { status?: { active?: number; succeeded?: number; failed?: number; conditions?: { type: string; status: string; reason?: string; message?: string }[] } }): JobStatus {
  const s = job.status ?? {};
  const end = (s.conditions ?? []).find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
  return {
    active: s.active ?? 0,
    succeeded: s.succeeded ?? 0,
    failed: s.failed ?? 0,
    finished: (end?.type as JobStatus["finished"]) ?? null,
    reason: end ? [end.reason, end.message].filter(Boolean).join(": ") || null : null,
  };
}

export function kubectl(context: string, binary = "kubectl"): Kube {
  const base = ["--context", context];
  return {
    async apply(manifests) {
      await run(binary, [...base, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: manifests }));
    },
    async job(namespace, name) {
      return jobStatusOf(JSON.parse(await run(binary, [...base, "get", "job", name, "--namespace", namespace, "--output", "json"])) as Parameters<typeof jobStatusOf>[0]);
    },
    async logs(namespace, selector) {
      return run(binary, [...base, "logs", "--namespace", namespace, "--selector", selector, "--tail", "-1", "--max-log-requests", "50"]);
    },
  };
}
