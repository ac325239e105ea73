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
 * global stack, a new stack) passes without a call. A first deploy that failed while EKS created
 * the cluster may leave it in the state without an `arn` (the refresh that would fill it runs
 * after this gate): its region is then the stack file's `aws:region`, its name `name` or the id;
 * one with neither is skipped with a notice (nothing runs that could be newer). Exit 0 the same or older (older: the upgrade
 * this update makes), 1 newer, 2 bad input or a read that failed (AccessDenied, an expired
 * session, a cluster AWS does not know, no `aws`).
 */
import { execFile } from "child_process";
import { existsSync, readFileSync } from "fs";
import { join, resolve } from "path";
import { promisify } from "util";
import { awsCliFailure, option } from "./poll";
import { readConfigFile } from "../plan/inputs";
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

export interface StateClusters {
  /** The clusters to ask EKS about. */
  readonly clusters: ClusterRef[];
  /** URNs of clusters the state holds without a name or id (a create that failed early): nothing runs to compare. */
  readonly unnamed: string[];
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * Each EKS cluster of a `pulumi stack export`: its name (`name`, else the id, which the provider
 * sets to the name), and its region from its ARN, else `stackRegion` (the stack's `aws:region`).
 */
export function eksClustersOf(state: unknown, stackRegion?: string): StateClusters {
  const resources = (state as { deployment?: { resources?: unknown[] } } | null)?.deployment?.resources ?? [];
  const clusters: ClusterRef[] = [];
  const unnamed: string[] = [];
  for (const r of resources) {
    const resource = r as { type?: string; urn?: string; id?: unknown; delete?: boolean; outputs?: { name?: unknown; arn?: unknown } };
    // A `delete: true` entry is the old half of a replacement, already gone or going from AWS.
    if (resource.type !== EKS_CLUSTER || resource.delete === true) continue;
    const urn = resource.urn ?? "?";
    const name = text(resource.outputs?.name) ?? text(resource.id);
    if (name === undefined) {
      unnamed.push(urn);
      continue;
    }
    // No ARN: the first deploy failed while EKS created the cluster, and the refresh that reads it comes after this gate.
    const region = text(text(resource.outputs?.arn)?.split(":")[3]) ?? stackRegion;
    if (region === undefined) {
      throw new Error(`the state's EKS cluster ${urn} (${name}) has no ARN in its outputs, and the stack file names no aws:region to look for it in: set aws:region in the stack's file, or export the stack again after its last \`pulumi up\``);
    }
    clusters.push({ urn, name, region });
  }
  return { clusters, unnamed };
}

/** `aws:region` of the stack's file in `dir`; undefined when the file or the key is missing (the settings' read says so). */
function stackRegionOf(stack: string, dir: string): string | undefined {
  const file = join(dir, `Pulumi.${stack}.yaml`);
  return existsSync(file) ? text(readConfigFile(file)["aws:region"]) : undefined;
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
    `The cluster runs ${version}; set platform:kubernetesVersion: "${version}" in Pulumi.${environment}.yaml with its add-on and AMI pins (eksAddonVersions, nodeAmiReleaseVersion or nodeGroupReleaseVersion, the cluster-autoscaler chart and image when pinned) for ${version}, merge it, and deploy again (docs/runbooks/upgrade-kubernetes.md, "When AWS upgraded the control plane itself").` +
    (skipsMinors(configured, version)
      ? ` That pull request's offline plan calls the change the blocking hazard kubernetes-minor-skip (it compares config with config, not with what runs): once every region's cluster runs ${version}, a reviewer adds the label hazards-acknowledged (docs/deploying.md, "Blocking hazards").`
      : "")
  );
}

/** Whether setting `to` where `from` was skips a Kubernetes minor (the plan's kubernetes-minor-skip). */
function skipsMinors(from: string, to: string): boolean {
  const [a, b] = [minorOf(from), minorOf(to)];
  return a !== undefined && b !== undefined && a[0] === b[0] && b[1] - a[1] > 1;
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
    const state: unknown = JSON.parse(readFileSync(option(argv, "--state") ?? 0, "utf8"));
    const dir = resolve(option(argv, "--dir") ?? ".");
    const { clusters, unnamed } = eksClustersOf(state, stackRegionOf(stack, dir));
    for (const urn of unnamed) {
      console.log(`::notice::${stack}: the state's EKS cluster ${urn} has no name yet (its creation failed before EKS named it): nothing to compare, skipped`);
    }
    if (clusters.length === 0) {
      console.log(`${stack}: no EKS cluster in the state: no Kubernetes version to compare`);
      return 0;
    }
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
