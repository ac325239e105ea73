/**
 * Before a regional stack's targeted refresh and `pulumi up` (pulumi-up.yml): the Kubernetes minor
 * an EKS control plane runs must not be newer than `platform:kubernetesVersion`. AWS upgrades a
 * control plane itself at the end of its version's standard support (eksSupportType STANDARD) or
 * extended support (components/eks.ts, `supportType`); and a person may have lowered the config.
 * Either way, once the cluster is refreshed (the deploy's targeted refresh, or a runbook's
 * `pulumi up --refresh`) the update asks EKS for the configured minor (UpdateClusterVersion), a
 * downgrade EKS refuses, and the stack fails halfway. This stops first and says what to set.
 *
 *   pulumi stack export --stack prod-us-west-2 | npx tsx tools/ci/eks-cluster-version.ts --stack prod-us-west-2 [--dir .]
 *
 * It asks AWS (`aws eks describe-cluster`, the AWS CLI as the other gates; the deploy role needs
 * eks:DescribeCluster), not the state, so it holds before any refresh: run it by hand before a
 * `pulumi up --refresh` of a regional stack too. The state (standard input, or `--state FILE`)
 * only names the clusters (their `name` and `arn`); `platform:kubernetesVersion` comes from the
 * stack's environment file in `--dir`, as the plan reads it. A state without an EKS cluster (the
 * global stack, a new stack) passes without a call. Exit 0 the same or older (older: the upgrade
 * this update makes), 1 newer, 2 bad input or a read that failed (AccessDenied, an expired
 * session, a cluster AWS does not know, no `aws`).
 */
import { execFile } from "child_process";
import { readFileSync } from "fs";
import { resolve } from "path";
import { promisify } from "util";
import { awsCliFailure, option } from "./poll";
import { environmentSettingsOf } from "./policy-config";

const EKS_CLUSTER = "aws:eks/cluster:Cluster";

/** The IAM action the gate's read needs. */
export const READ_ACTION = "eks:DescribeCluster";

export interface ClusterRef {
  readonly urn: string;
  readonly name: string;
  readonly region: string;
}

export interface RunningCluster extends ClusterRef {
  /** The control plane's Kubernetes version, as DescribeCluster says it ("1.35"). */
  readonly version: string;
}

/** Each EKS cluster of a `pulumi stack export`: its name, and its region from its ARN. */
export function eksClustersOf(state: unknown): ClusterRef[] {
  const resources = (state as { deployment?: { resources?: unknown[] } } | null)?.deployment?.resources ?? [];
  return resources.flatMap((r) => {
    const resource = r as { type?: string; urn?: string; delete?: boolean; outputs?: { name?: unknown; arn?: unknown } };
    // A `delete: true` entry is the old half of a replacement, already gone or going from AWS.
    if (resource.type !== EKS_CLUSTER || resource.delete === true) return [];
    const name = resource.outputs?.name;
    const region = typeof resource.outputs?.arn === "string" ? resource.outputs.arn.split(":")[3] : undefined;
    if (typeof name !== "string" || name === "" || !region) {
      throw new Error(`the state's EKS cluster ${resource.urn ?? "?"} has no name or ARN in its outputs: export the stack again after its last \`pulumi up\`, or look at it with \`pulumi stack --show-urns\``);
    }
    return [{ urn: resource.urn ?? "?", name, region }];
  });
}

/** [major, minor] of "1.35" (or "1.35.2"); undefined for anything else. */
function minorOf(version: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.|$)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Whether `running` is a later Kubernetes minor than `configured` (both major.minor, as EKS names them). */
export function isNewerMinor(running: string, configured: string): boolean {
  const [a, b] = [minorOf(running), minorOf(configured)];
  if (!a || !b) return false; // an unreadable version is config validation's, or AWS's, to report
  return a[0] !== b[0] ? a[0] > b[0] : a[1] > b[1];
}

/**
 * The message when a control plane runs a newer minor than the config names; undefined when none
 * does. `environment` is the stack whose file holds `platform:kubernetesVersion`.
 */
export function clusterVersionProblem(running: readonly RunningCluster[], configured: string, environment: string): string | undefined {
  const newer = running.filter((c) => isNewerMinor(c.version, configured));
  if (newer.length === 0) return undefined;
  const version = newer[0].version;
  const which = newer.map((c) => `${c.name} (${c.region}) runs ${c.version}`).join(", ");
  return (
    `The EKS cluster ${which}, newer than platform:kubernetesVersion ${configured}: AWS upgraded its control plane itself (the end of ${configured}'s standard or extended support, platform:eksSupportType), ` +
    `or platform:kubernetesVersion was lowered in Pulumi.${environment}.yaml. \`pulumi up\` (after its refresh of the cluster) would ask EKS for ${configured} (UpdateClusterVersion), a downgrade EKS refuses, so nothing was refreshed or deployed. ` +
    `The cluster runs ${version}; set platform:kubernetesVersion: "${version}" in Pulumi.${environment}.yaml with its add-on and AMI pins (eksAddonVersions, nodeAmiReleaseVersion or nodeGroupReleaseVersion, the cluster-autoscaler chart and image when pinned) for ${version}, merge it, and deploy again (docs/runbooks/upgrade-kubernetes.md, "When AWS upgraded the control plane itself").`
  );
}

export type ClusterVersionReader = (cluster: ClusterRef) => Promise<string>;

/** Reads a control plane's version through the AWS CLI. */
export const awsCliClusterVersion: ClusterVersionReader = async ({ name, region }) => {
  const { stdout } = await promisify(execFile)("aws", ["eks", "describe-cluster", "--region", region, "--name", name, "--output", "json"]);
  const version = (JSON.parse(stdout) as { cluster?: { version?: unknown } }).cluster?.version;
  if (typeof version !== "string" || version === "") throw new Error(`DescribeCluster of ${name} (${region}) returned no cluster.version`);
  return version;
};

/** Each cluster's running version; a read that fails says why (awsCliFailure's words). */
export async function runningClusters(clusters: readonly ClusterRef[], read: ClusterVersionReader): Promise<RunningCluster[]> {
  return Promise.all(
    clusters.map(async (c) => {
      try {
        return { ...c, version: await read(c) };
      } catch (err) {
        throw new Error(`cannot read the Kubernetes version of ${c.name} (${c.region}): ${awsCliFailure(err, READ_ACTION).detail}`);
      }
    }),
  );
}

/**
 * The command: its exit code (0 go on, 1 refused, 2 cannot tell). `read` asks AWS; the tests run
 * it in-process with their own.
 */
export async function main(argv: string[], read: ClusterVersionReader = awsCliClusterVersion): Promise<number> {
  const stack = option(argv, "--stack");
  let running: RunningCluster[];
  let configured: string;
  let environment: string;
  try {
    if (!stack) throw new Error("usage: pulumi stack export --stack STACK | npx tsx tools/ci/eks-cluster-version.ts --stack STACK [--dir .] [--state FILE]");
    const clusters = eksClustersOf(JSON.parse(readFileSync(option(argv, "--state") ?? 0, "utf8")));
    if (clusters.length === 0) {
      console.log(`${stack}: no EKS cluster in the state: no Kubernetes version to compare`);
      return 0;
    }
    const dir = resolve(option(argv, "--dir") ?? ".");
    ({ env: environment, settings: { kubernetesVersion: configured } } = environmentSettingsOf(stack, dir));
    running = await runningClusters(clusters, read);
  } catch (err) {
    console.error(`::error::eks-cluster-version: ${(err as Error).message}. Nothing was refreshed or deployed.`);
    return 2;
  }
  const problem = clusterVersionProblem(running, configured, environment);
  if (problem) {
    console.error(`::error::${problem}`);
    return 1;
  }
  console.log(`${stack}: ${running.map((c) => `${c.name} (${c.region}) runs ${c.version}`).join(", ")}; platform:kubernetesVersion is ${configured}`);
  return 0;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
