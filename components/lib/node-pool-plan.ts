/**
 * Decisions behind a node pool, as pure functions: capacity defaults and their checks, instance
 * type checks, the AL2023 AMI parameter, the managed node group's AMI release and the nodeadm
 * user data. `NodePool` only declares resources from their results.
 */
import { stringify } from "yaml";

export interface NodeCapacityInput {
  readonly azCount: number;
  readonly minSize?: number;
  readonly desiredSize?: number;
  readonly maxSize?: number;
  readonly onDemandBaseCapacity?: number;
  readonly onDemandPercentageAboveBase?: number;
  readonly allowFewerNodesThanAzs?: boolean;
}

export interface NodeCapacity {
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  readonly onDemandBaseCapacity: number;
  readonly onDemandPercentageAboveBase: number;
}

/** Multiple of `minSize` the group may grow to when no `maxSize` is given. */
export const DEFAULT_MAX_SIZE_FACTOR = 3;
/** On-demand share of the capacity above the on-demand base when none is given. */
export const DEFAULT_ON_DEMAND_PERCENTAGE_ABOVE_BASE = 50;

function requireInteger(value: number, what: string, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${what} must be an integer >= ${min} (got ${value})`);
}

/**
 * Sizes and on-demand/Spot split of a pool, defaults filled in, refused when inconsistent.
 *
 * - `minSize` defaults to `azCount`, and a smaller one is refused unless asked for: a pool with
 *   fewer nodes than AZs leaves an AZ without a node, and losing the AZ that holds the rest
 *   takes the region's compute with it.
 * - `desiredSize` defaults to `minSize`; `maxSize` to {@link DEFAULT_MAX_SIZE_FACTOR} × `minSize`,
 *   room for a region to take over a failed region's share of the traffic.
 * - `onDemandBaseCapacity` defaults to `minSize`: the floor of the pool never depends on Spot,
 *   so a wave of Spot reclaims cannot take the region below its minimum.
 * - `onDemandPercentageAboveBase` defaults to 50: scale-out happens when another region fails,
 *   which is exactly when Spot capacity is scarcest, so half of it stays on-demand.
 */
export function planNodeCapacity(input: NodeCapacityInput): NodeCapacity {
  requireInteger(input.azCount, "azCount", 1);
  const minSize = input.minSize ?? input.azCount;
  requireInteger(minSize, "minSize", 0);
  if (minSize < input.azCount && !input.allowFewerNodesThanAzs) {
    throw new RangeError(
      `minSize ${minSize} is below the AZ count ${input.azCount}: at least one AZ would run no node. ` +
        `Raise minSize to ${input.azCount}, or set allowFewerNodesThanAzs: true to accept it (dev only).`,
    );
  }
  const desiredSize = input.desiredSize ?? minSize;
  requireInteger(desiredSize, "desiredSize", 0);
  const maxSize = input.maxSize ?? Math.max(desiredSize, DEFAULT_MAX_SIZE_FACTOR * minSize, 1);
  requireInteger(maxSize, "maxSize", 1);
  if (!(minSize <= desiredSize && desiredSize <= maxSize)) {
    throw new RangeError(`node pool sizes must satisfy minSize <= desiredSize <= maxSize (got ${minSize} <= ${desiredSize} <= ${maxSize})`);
  }
  const onDemandBaseCapacity = input.onDemandBaseCapacity ?? minSize;
  requireInteger(onDemandBaseCapacity, "onDemandBaseCapacity", 0);
  const onDemandPercentageAboveBase = input.onDemandPercentageAboveBase ?? DEFAULT_ON_DEMAND_PERCENTAGE_ABOVE_BASE;
  if (!Number.isInteger(onDemandPercentageAboveBase) || onDemandPercentageAboveBase < 0 || onDemandPercentageAboveBase > 100) {
    throw new RangeError(`onDemandPercentageAboveBase must be an integer from 0 to 100 (got ${onDemandPercentageAboveBase})`);
  }
  return { minSize, desiredSize, maxSize, onDemandBaseCapacity, onDemandPercentageAboveBase };
}

/**
 * Average CPU target for the target-tracking policy. At the target, losing one AZ's nodes puts
 * the survivors at `target × N/(N-1)` until replacements are up: 60 % × 3/2 = 90 % with three
 * AZs, 50 % × 2/1 = 100 % with two. Hence 60, capped at `100 (N-1)/N` for small N.
 */
export function defaultCpuTargetPercent(azCount: number): number {
  if (azCount < 2) return 60;
  return Math.min(60, Math.floor((100 * (azCount - 1)) / azCount));
}

/** Splits "m7i.xlarge" into family "m7i" and size "xlarge". */
export function parseInstanceType(instanceType: string): { family: string; size: string } {
  const match = /^([a-z][a-z0-9-]*)\.([a-z0-9-]+)$/.exec(instanceType);
  if (!match) throw new RangeError(`"${instanceType}" is not an EC2 instance type (expected family.size, e.g. m7i.xlarge)`);
  return { family: match[1], size: match[2] };
}

/** Graviton (arm64) families: an attribute letter "g" after the generation (m7g, c7gn, is4gen, t4g), or a1. */
export function isArmInstanceType(instanceType: string): boolean {
  const base = parseInstanceType(instanceType).family.split("-")[0];
  if (base === "a1") return true;
  const attributes = base.replace(/^[a-z]+\d+/, "");
  return attributes.includes("g");
}

/**
 * Refuses instance-type lists a mixed instances policy would handle badly: none; duplicates;
 * several sizes (without weights the group counts an 8xlarge as one node like a large, so
 * capacity arithmetic lies); arm64 types (the AMI parameter used is the x86_64 one).
 */
export function checkInstanceTypes(instanceTypes: readonly string[]): void {
  if (instanceTypes.length === 0) throw new RangeError("instanceTypes is empty: give several instance types of one size (e.g. m7i.xlarge, m6i.xlarge, m7a.xlarge)");
  const duplicates = instanceTypes.filter((t, i) => instanceTypes.indexOf(t) !== i);
  if (duplicates.length > 0) throw new RangeError(`instanceTypes lists ${[...new Set(duplicates)].join(", ")} more than once`);
  const sizes = new Set(instanceTypes.map((t) => parseInstanceType(t).size));
  if (sizes.size > 1) {
    throw new RangeError(`instanceTypes mixes sizes (${[...sizes].join(", ")}): use one size so every node counts the same; put other sizes in another pool`);
  }
  const arm = instanceTypes.filter(isArmInstanceType);
  if (arm.length > 0) throw new RangeError(`instanceTypes ${arm.join(", ")} are arm64 (Graviton); this pool runs the x86_64 AL2023 AMI`);
}

/** Kubernetes "major.minor", as EKS and the AMI parameter path spell it. */
export function checkKubernetesVersion(version: string): void {
  if (!/^1\.\d{2}$/.test(version)) throw new RangeError(`cluster.version "${version}" is not a Kubernetes major.minor version such as 1.33`);
}

/**
 * Follow whatever AMI AWS recommends today (`.../recommended/image_id`): the risky choice, named.
 * Its value moves with every AMI release, so any deploy after one (whatever it changes) rolls
 * every node group, in regions that deploy in parallel too.
 */
export const RECOMMENDED_AMI_RELEASE = "recommended";

/** An AL2023 EKS AMI release, as awslabs/amazon-eks-ami tags it ("v20260714"), or `recommended`. */
export function checkAmiRelease(release: string): void {
  if (release !== RECOMMENDED_AMI_RELEASE && !/^v20\d{6}$/.test(release)) {
    throw new RangeError(`AMI release "${release}" must be an AL2023 EKS AMI release such as v20260714 (awslabs/amazon-eks-ami releases), or "${RECOMMENDED_AMI_RELEASE}" to follow AWS's latest on every deploy`);
  }
}

/**
 * An EKS managed node group's AMI release (`releaseVersion`), as EKS names the EKS optimized
 * Amazon Linux AMIs: `<Kubernetes major.minor.patch>-<build date>`, e.g. "1.34.2-20260714" for the
 * 1.34 image of awslabs/amazon-eks-ami release v20260714. The patch is the image's kubelet, which
 * the release date alone does not give, hence a value of its own rather than one derived from
 * `amiReleaseVersion`. Refused: another form, and a release of another minor than the node
 * group's `version` (EKS refuses it too, "Requested release version ... is not valid for
 * kubernetes version ...", but only mid-deploy), so a Kubernetes upgrade bumps both in one change.
 */
export function checkNodeGroupRelease(release: string, kubernetesVersion: string, field = "releaseVersion"): void {
  const problem = nodeGroupReleaseProblem(release, kubernetesVersion);
  if (problem) throw new RangeError(`${field} "${release}" ${problem}`);
}

/** What is wrong with a managed node group's AMI release for `kubernetesVersion`, and the fix; undefined when nothing is. */
export function nodeGroupReleaseProblem(release: string, kubernetesVersion: string): string | undefined {
  checkKubernetesVersion(kubernetesVersion);
  const example = `${kubernetesVersion}.2-20260714`;
  const match = /^(1\.\d{2})\.\d+-20\d{6}$/.exec(release);
  if (!match) {
    return `is not an EKS AMI release version: use <Kubernetes major.minor.patch>-<date> such as ${example}, as \`aws eks describe-nodegroup\` shows it (docs/runbooks/node-images.md)`;
  }
  if (match[1] !== kubernetesVersion) {
    return `is an AMI release of Kubernetes ${match[1]}, but the node group runs ${kubernetesVersion}: EKS refuses a release of another minor. ` +
      `Pick a ${kubernetesVersion}.<patch>-<date> release (e.g. ${example}), in the same change as the Kubernetes version`;
  }
  return undefined;
}

/**
 * Public SSM parameter holding the AL2023 x86_64 EKS AMI id of a Kubernetes version and release.
 * A release names one image for good (`.../amazon-eks-node-al2023-x86_64-standard-<k8s>-v<date>/image_id`,
 * the path EKS publishes per release, as Karpenter and terraform-aws-eks resolve pinned releases):
 * the AMI changes only when the release (or the Kubernetes version) is changed on purpose.
 */
export function eksAl2023AmiParameter(version: string, release: string): string {
  checkKubernetesVersion(version);
  checkAmiRelease(release);
  const root = `/aws/service/eks/optimized-ami/${version}/amazon-linux-2023/x86_64/standard`;
  return release === RECOMMENDED_AMI_RELEASE ? `${root}/recommended/image_id` : `${root}/amazon-eks-node-al2023-x86_64-standard-${version}-${release}/image_id`;
}

export interface NodeadmCluster {
  readonly name: string;
  readonly apiServerEndpoint: string;
  /** Base64 PEM bundle, as `DescribeCluster` returns it. */
  readonly certificateAuthority: string;
  /** Kubernetes service CIDR (`kubernetesNetworkConfig.serviceIpv4Cidr`). */
  readonly cidr: string;
}

/** MIME boundary of the user data; any string absent from the parts works. */
const BOUNDARY = "==NODEADM==";

/**
 * AL2023 user data: a MIME multi-part document with one `application/node.eks.aws` part that
 * holds nodeadm's NodeConfig. AL2023 nodes do not call DescribeCluster (it throttles on large
 * scale-outs), so the endpoint, CA and service CIDR must all be here. Nothing secret: the CA
 * bundle is public, and the node authenticates with its instance role.
 */
export function nodeadmUserData(cluster: NodeadmCluster): string {
  const nodeConfig = stringify({
    apiVersion: "node.eks.aws/v1alpha1",
    kind: "NodeConfig",
    spec: { cluster: { name: cluster.name, apiServerEndpoint: cluster.apiServerEndpoint, certificateAuthority: cluster.certificateAuthority, cidr: cluster.cidr } },
  });
  return [
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
    "",
    `--${BOUNDARY}`,
    "Content-Type: application/node.eks.aws",
    "",
    "---",
    nodeConfig.trimEnd(),
    "",
    `--${BOUNDARY}--`,
    "",
  ].join("\n");
}
