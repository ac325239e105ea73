/**
 * The gate after a regional `pulumi up`, before its health gate: the node pool's instance refresh
 * must have finished. A new launch template (an AMI release or Kubernetes version bumped) makes
 * the Auto Scaling group start an instance refresh, and the provider returns as soon as it has
 * started it: `pulumi up` does not wait, and the health gate passes while the old nodes still
 * serve. Without this gate the next wave (every secondary at once) would roll its nodes while the
 * primary's are still rolling, so a broken image would reach every region before the first one
 * had shown it.
 *
 *   npx tsx tools/ci/wait-node-refresh.ts --outputs region-outputs.json --stack prod-us-west-2 [--dir .] [--timeout-minutes 120] [--interval-seconds 20]
 *
 * `--outputs` is `pulumi stack output --json` of the regional stack (`nodeAutoScalingGroupName`,
 * `region`). The node pool's kind is `platform:nodePoolKind` of `--stack`'s environment (the global
 * stack its file names, in `--dir`), read and validated as the plan reads it (tools/plan/inputs.ts,
 * with Pulumi.yaml's defaults; an invalid or unreadable environment exits 2): with `managed` there is no instance
 * refresh (EKS's own node group update, which `pulumi up` waits for) and nothing to wait for.
 * Each group's latest refresh must be Successful: one still running is waited for, one that ended
 * Failed, Cancelled or rolled back fails the gate, a group with none (new, or never refreshed)
 * passes. Refreshes come from `aws autoscaling describe-instance-refreshes` (the AWS CLI, as the
 * other gates). Exit 0 rolled (or nothing to roll), 1 failed or not done by the deadline, 2 bad
 * input or a read no wait mends (AccessDenied: the deploy role needs
 * autoscaling:DescribeInstanceRefreshes; an expired session, a group AWS does not know, no `aws`),
 * which stops at once rather than pass for nodes still rolling at the deadline.
 */
import { execFile } from "child_process";
import { resolve } from "path";
import { promisify } from "util";
import { environmentSettingsOf } from "./policy-config";
import { awsCliFailure, gateArgs, option, pollUntil, type PollOptions } from "./poll";

/** What `describe-instance-refreshes` says of one refresh (the fields the gate reads). */
export interface InstanceRefresh {
  InstanceRefreshId?: string;
  Status?: string;
  StatusReason?: string;
  StartTime?: string;
  EndTime?: string;
  PercentageComplete?: number;
  InstancesToUpdate?: number;
}

/** Still running: wait. `Baking` is the bake time after the last instance, when one is set. */
const RUNNING = new Set(["Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking"]);
/** Ended without the group on its launch template. */
const ENDED_BADLY = new Set(["Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"]);

export interface RefreshVerdict {
  /** `error`: the refreshes could not be read, and asking again would not change that. */
  readonly state: "wait" | "done" | "fail" | "error";
  /** For the log and the final message. */
  readonly detail: string;
  /** The refresh judged, when there is one. */
  readonly refreshId?: string;
}

/** The latest refresh: `describe-instance-refreshes` lists the newest first; a Pending one has no start time yet. */
function latest(refreshes: readonly InstanceRefresh[]): InstanceRefresh | undefined {
  const started = (r: InstanceRefresh) => (r.StartTime ? Date.parse(r.StartTime) : Number.POSITIVE_INFINITY);
  return [...refreshes].sort((a, b) => started(b) - started(a))[0];
}

/** One group's state from its refreshes, newest first (any order is taken). */
export function judgeRefresh(group: string, refreshes: readonly InstanceRefresh[]): RefreshVerdict {
  const refresh = latest(refreshes);
  if (!refresh) return { state: "done", detail: `${group}: no instance refresh (a new group, or its nodes already on their launch template)` };
  const status = refresh.Status ?? "unknown";
  const id = refresh.InstanceRefreshId ?? "?";
  const reason = refresh.StatusReason ? `: ${refresh.StatusReason}` : "";
  if (status === "Successful") return { state: "done", detail: `${group}: instance refresh ${id} Successful${refresh.EndTime ? ` at ${refresh.EndTime}` : ""}`, refreshId: id };
  if (ENDED_BADLY.has(status)) return { state: "fail", detail: `${group}: instance refresh ${id} ended ${status}${reason}`, refreshId: id };
  const progress = refresh.PercentageComplete === undefined ? "" : `, ${refresh.PercentageComplete} % done`;
  const left = refresh.InstancesToUpdate === undefined ? "" : `, ${refresh.InstancesToUpdate} instance(s) to go`;
  // A status AWS adds later is waited on too: the deadline still ends it, never a false pass.
  const known = RUNNING.has(status) ? "" : " (a status this gate does not know: waiting)";
  return { state: "wait", detail: `${group}: instance refresh ${id} ${status}${progress}${left}${reason}${known}`, refreshId: id };
}

/** Every group together: one failed fails, one running waits, done when all are. */
export function judgeGroups(verdicts: readonly RefreshVerdict[]): RefreshVerdict {
  const detail = verdicts.map((v) => v.detail).join("; ");
  const failed = verdicts.filter((v) => v.state === "fail");
  if (failed.length > 0) return { state: "fail", detail: failed.map((v) => v.detail).join("; ") };
  return { state: verdicts.some((v) => v.state === "wait") ? "wait" : "done", detail };
}

/** The node pool's Auto Scaling group name(s) a regional stack exports. */
export function autoScalingGroupsOf(outputs: Record<string, unknown>): string[] {
  const value = outputs.nodeAutoScalingGroupName;
  const names = (Array.isArray(value) ? value : [value]).filter((n): n is string => typeof n === "string" && n !== "");
  if (names.length === 0) throw new Error("the regional stack's outputs have no nodeAutoScalingGroupName; was `pulumi up` of this regional stack successful?");
  return names;
}

/** What to type to look at a group's refreshes, for the messages. */
export function inspectCommand(region: string, group: string): string {
  return `aws autoscaling describe-instance-refreshes --region ${region} --auto-scaling-group-name ${group} --query 'InstanceRefreshes[0].[InstanceRefreshId,Status,PercentageComplete,StatusReason]'`;
}

/** The message of a refresh that ended badly: what it means, how to look, what to do. */
export function failureHelp(region: string, groups: readonly string[], verdict: RefreshVerdict): string {
  const look = groups.map((g) => inspectCommand(region, g)).join(" ; ");
  return (
    `${region}'s nodes did not roll: ${verdict.detail}. The rollout stops here; the regions after it keep their nodes. ` +
    `Inspect it: ${look} (or the console: EC2, Auto Scaling groups, the group, its Instance refresh tab, and the Activity tab for the instances it launched). ` +
    `A node whose image or user data never joins the cluster is abandoned by the launch hook, so the old nodes still serve (docs/runbooks/node-images.md, "How a node joins"). ` +
    `Fix the cause and deploy again (a change to the launch template starts a new refresh), or, with nothing left to change, start one by hand with the group's preferences ` +
    `(aws autoscaling start-instance-refresh --region ${region} --auto-scaling-group-name <group> --preferences '{"MinHealthyPercentage":90,"MaxHealthyPercentage":110,"SkipMatching":true}') and re-run this job once it is Successful.`
  );
}

export type RefreshReader = (region: string, group: string) => Promise<InstanceRefresh[]>;

/** Reads a group's refreshes through the AWS CLI (newest first). */
export const awsCliRefreshes: RefreshReader = async (region, group) => {
  const { stdout } = await promisify(execFile)("aws", ["autoscaling", "describe-instance-refreshes", "--region", region, "--auto-scaling-group-name", group, "--max-records", "5", "--output", "json"]);
  return (JSON.parse(stdout) as { InstanceRefreshes?: InstanceRefresh[] }).InstanceRefreshes ?? [];
};

/** The IAM action the gate's reads need (docs/deploying.md, the deploy role). */
export const READ_ACTION = "autoscaling:DescribeInstanceRefreshes";

/** Waits until no group's latest refresh is running; the verdict of the last look. */
export async function waitNodeRefresh(region: string, groups: readonly string[], read: RefreshReader, options: PollOptions): Promise<RefreshVerdict> {
  let verdict: RefreshVerdict = { state: "wait", detail: "nothing observed" };
  const result = await pollUntil(async () => {
    verdict = judgeGroups(await Promise.all(groups.map(async (g) => judgeRefresh(g, await read(region, g)))));
    return { done: verdict.state !== "wait", detail: verdict.detail };
  }, { classifyError: (err) => awsCliFailure(err, READ_ACTION), ...options });
  if (result.failed) return { state: "error", detail: result.last };
  // A read that failed last is the poller's to report (its detail), not a verdict.
  return result.done ? verdict : { state: "wait", detail: result.last };
}

/** The command: its exit code (0 rolled, 1 failed or still rolling, 2 cannot tell). Exported for the tests, which run it in-process. */
export async function main(argv: string[]): Promise<number> {
  const args = gateArgs(argv, 120, "wait-node-refresh.ts --stack <regional stack> [--dir .]");
  const stack = option(argv, "--stack");
  let groups: string[];
  let kind: string;
  try {
    if (typeof args === "string") throw new Error(args);
    if (!stack) throw new Error("--stack <regional stack> is required (its environment's file says the node pool's kind)");
    const dir = resolve(option(argv, "--dir") ?? ".");
    kind = environmentSettingsOf(stack, dir).settings.nodePoolKind;
    groups = kind === "managed" ? [] : autoScalingGroupsOf(args.outputs);
  } catch (err) {
    console.error(`wait-node-refresh: ${(err as Error).message}`);
    return 2;
  }
  const { outputs, timeoutMinutes, intervalSeconds } = args as Exclude<typeof args, string>;
  if (kind === "managed") {
    console.log(`${stack}: nodePoolKind managed: EKS's own node group update rolls the nodes, and \`pulumi up\` waited for it; no instance refresh to wait for`);
    return 0;
  }
  const region = typeof outputs.region === "string" ? outputs.region : "";
  if (!region) {
    console.error("wait-node-refresh: the regional stack's outputs have no region");
    return 2;
  }
  console.error(`waiting up to ${timeoutMinutes} min for the instance refresh of ${groups.join(", ")} (${region}) to finish`);
  const verdict = await waitNodeRefresh(region, groups, awsCliRefreshes, { timeoutSeconds: timeoutMinutes * 60, intervalSeconds });
  if (verdict.state === "done") {
    console.log(`${region}'s nodes are on their launch template: ${verdict.detail}`);
    return 0;
  }
  if (verdict.state === "fail") {
    console.error(`::error::${failureHelp(region, groups, verdict)}`);
    return 1;
  }
  if (verdict.state === "error") {
    console.error(`::error::wait-node-refresh: cannot read the instance refreshes of ${groups.join(", ")} (${region}): ${verdict.detail}. The rollout stops here, whether or not the nodes have rolled; fix this, then re-run this job (its \`pulumi up\` then changes nothing).`);
    return 2;
  }
  console.error(
    `::error::${region}'s nodes are still rolling after ${timeoutMinutes} minute(s): ${verdict.detail}. The rollout stops here; the refresh goes on in AWS. ` +
      `Watch it: ${groups.map((g) => inspectCommand(region, g)).join(" ; ")}. Once it is Successful, re-run this job (its \`pulumi up\` then changes nothing) to go on. ` +
      `A refresh that makes no progress, its instances cycling through Pending:Wait, is a node that never joins: docs/runbooks/node-images.md, "How a node joins".`,
  );
  return 1;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
