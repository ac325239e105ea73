/**
 * Decisions behind the EKS cluster, as plain functions: input validation, endpoint exposure,
 * the support type, log-group naming, the kubeconfig, trust policies and the cluster-autoscaler
 * discovery tags.
 */
import { createHash } from "crypto";
import { cidrContains, describeCidrProblem, opensToInternet, parseCidr } from "./cidr";

/** The five control-plane log types; scanners (checkov, trivy) require all of them. */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** The retention values CloudWatch Logs accepts (PutRetentionPolicy rejects anything else). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** EKS add-ons managed by `EksCluster`, in the order they are declared. */
export const MANAGED_ADDONS = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver"] as const;
export type ManagedAddonName = (typeof MANAGED_ADDONS)[number];

/** An EKS add-on version as DescribeAddonVersions lists it, e.g. v1.19.2-eksbuild.1. */
const ADDON_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;

/**
 * Pinned add-on versions from `name=version` entries. An add-on left out takes the version AWS
 * marks default for the cluster's minor at each deploy (`aws.eks.getAddonVersion` without
 * mostRecent): AWS moves that default during a minor's life, so an unrelated deploy would then
 * update the add-on in every cluster. kube-proxy's versions are per Kubernetes minor
 * (v1.34.x-eksbuild.N for 1.34): a pin of another minor than `kubernetesVersion` is refused, so an
 * upgrade bumps it in the same change (a forgotten pin would leave every cluster on the old one).
 * Each problem names the entry and the fix.
 */
export function parseAddonVersions(entries: readonly string[], kubernetesVersion?: string): { versions: Partial<Record<ManagedAddonName, string>>; problems: { entry: string; message: string }[] } {
  const versions: Partial<Record<ManagedAddonName, string>> = {};
  const problems: { entry: string; message: string }[] = [];
  for (const entry of entries) {
    const [name, version, ...rest] = entry.split("=");
    if (!(MANAGED_ADDONS as readonly string[]).includes(name)) {
      problems.push({ entry, message: `must be <add-on>=<version> with an add-on of ${MANAGED_ADDONS.join(", ")}` });
    } else if (rest.length > 0 || !ADDON_VERSION.test(version ?? "")) {
      problems.push({ entry, message: `must be ${name}=<version> with a version as aws eks describe-addon-versions lists it, e.g. ${name}=v1.19.2-eksbuild.1` });
    } else if (versions[name as ManagedAddonName] !== undefined) {
      problems.push({ entry, message: `pins ${name} a second time; keep one entry per add-on` });
    } else if (name === "kube-proxy" && kubernetesVersion && /^\d+\.\d+$/.test(kubernetesVersion) && !version.startsWith(`v${kubernetesVersion}.`)) {
      problems.push({ entry, message: `is a kube-proxy of another minor than kubernetesVersion ${kubernetesVersion}: pin a v${kubernetesVersion}.x-eksbuild.N version (aws eks describe-addon-versions --kubernetes-version ${kubernetesVersion} --addon-name kube-proxy), in the same change as kubernetesVersion` });
    } else {
      versions[name as ManagedAddonName] = version;
    }
  }
  return { versions, problems };
}

/**
 * Add-ons whose workload is a Deployment: EKS reports them DEGRADED until a node is Ready, and
 * the provider waits for ACTIVE. The others are DaemonSets, ACTIVE with zero nodes.
 */
export const NODE_DEPENDENT_ADDONS: readonly ManagedAddonName[] = ["coredns", "aws-ebs-csi-driver"];

/** Service account of the EBS CSI controller, as the managed add-on creates it. */
export const EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa";

export const DEFAULT_SERVICE_IPV4_CIDR = "172.20.0.0/16";

export function validateClusterName(name: string): void {
  // CreateCluster's own rule; checked here so the error comes before any resource is planned.
  if (!/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(name)) {
    throw new RangeError(
      `EKS cluster name "${name}" must be 1-100 characters of letters, digits, "-" and "_", starting with a letter or digit`,
    );
  }
}

export function validateKubernetesVersion(version: string): void {
  if (!/^1\.\d{2}$/.test(version)) {
    throw new RangeError(`Kubernetes version "${version}" must be major.minor, e.g. "1.34"`);
  }
}

/**
 * What EKS does when a cluster's Kubernetes version reaches the end of its standard support
 * (`upgradePolicy.supportType`). STANDARD: AWS upgrades the control plane to the next minor.
 * EXTENDED: the cluster stays on its version, in extended support, billed at the extended rate.
 */
export const SUPPORT_TYPES = ["STANDARD", "EXTENDED"] as const;
export type SupportType = (typeof SUPPORT_TYPES)[number];

export function validateSupportType(supportType: string, field = "supportType"): asserts supportType is SupportType {
  const problem = supportTypeProblem(supportType);
  if (problem) throw new RangeError(`${field} "${supportType}" ${problem}`);
}

/** What is wrong with a support type, and the two choices; undefined when nothing is. */
export function supportTypeProblem(supportType: string): string | undefined {
  if ((SUPPORT_TYPES as readonly string[]).includes(supportType)) return undefined;
  return 'must be "STANDARD" (AWS upgrades the control plane at the end of standard support; upgrade before it) ' +
    'or "EXTENDED" (the cluster stays on its version in extended support, at 6 times the control plane\'s price: $0.60 instead of $0.10 per cluster hour)';
}

export function validateLogRetentionDays(days: number): void {
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new RangeError(`logRetentionDays ${days} is not a CloudWatch Logs retention value; use one of ${LOG_RETENTION_DAYS.join(", ")}`);
  }
}

/**
 * EKS writes control-plane logs to exactly this group. Creating it ourselves (before the
 * cluster) is what gives it a retention and an owner; otherwise EKS creates it, unmanaged and
 * kept forever.
 */
export function clusterLogGroupName(clusterName: string): string {
  return `/aws/eks/${clusterName}/cluster`;
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c)!);

/** The service CIDR rules of CreateCluster: RFC 1918, /12 to /24. */
export function validateServiceIpv4Cidr(cidr: string): void {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new RangeError(`serviceIpv4Cidr "${cidr}" ${describeCidrProblem(cidr)}`);
  if (!PRIVATE_RANGES.some((range) => cidrContains(range, parsed))) {
    throw new RangeError(`serviceIpv4Cidr "${cidr}" must lie inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`);
  }
  if (parsed.prefix < 12 || parsed.prefix > 24) {
    throw new RangeError(`serviceIpv4Cidr "${cidr}" must be between /12 and /24`);
  }
}

export interface EndpointAccess {
  readonly endpointPrivateAccess: true;
  readonly endpointPublicAccess: boolean;
  /** Only set when the public endpoint is on (the provider ignores the field otherwise). */
  readonly publicAccessCidrs?: string[];
}

/**
 * Private endpoint always; public endpoint only for listed CIDRs, and a CIDR that admits the
 * whole internet only with the explicit opt-in.
 */
export function planEndpointAccess(publicAccessCidrs: readonly string[], allowPublicAccessFromAnywhere: boolean): EndpointAccess {
  for (const cidr of publicAccessCidrs) {
    const parsed = parseCidr(cidr);
    if (!parsed) throw new RangeError(`publicAccessCidrs entry "${cidr}" ${describeCidrProblem(cidr)}`);
    if (parsed.prefix === 0 && !allowPublicAccessFromAnywhere) {
      throw new RangeError(
        `publicAccessCidrs contains "${cidr}", which opens the Kubernetes API endpoint to the whole internet. ` +
          "List the CIDRs of your operators and CI runners instead, or set allowPublicAccessFromAnywhere: true if you really mean it.",
      );
    }
  }
  if (!allowPublicAccessFromAnywhere && opensToInternet(publicAccessCidrs)) {
    throw new RangeError(
      `publicAccessCidrs (${publicAccessCidrs.join(", ")}) admit more than a /8's worth of addresses together, which opens the Kubernetes API endpoint to most of the internet. ` +
        "List the CIDRs of your operators and CI runners instead, or set allowPublicAccessFromAnywhere: true if you really mean it.",
    );
  }
  if (new Set(publicAccessCidrs).size !== publicAccessCidrs.length) {
    throw new RangeError(`publicAccessCidrs lists a CIDR twice: ${publicAccessCidrs.join(", ")}`);
  }
  if (publicAccessCidrs.length === 0) return { endpointPrivateAccess: true, endpointPublicAccess: false };
  return { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: [...publicAccessCidrs] };
}

const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@\-/]+$/;

/** Access entries take IAM role or user ARNs; an STS session ARN fails at CreateAccessEntry. */
export function validateAdminPrincipalArns(arns: readonly string[], field = "adminPrincipalArns"): void {
  for (const arn of arns) {
    const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
    if (session) {
      throw new RangeError(
        `${field} entry "${arn}" is an STS session; EKS access entries need the role itself: arn:${session[1]}:iam::${session[2]}:role/${session[3]}`,
      );
    }
    if (!PRINCIPAL_ARN.test(arn)) {
      throw new RangeError(`${field} entry "${arn}" is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)`);
    }
  }
  const duplicates = arns.filter((arn, i) => arns.indexOf(arn) !== i);
  if (duplicates.length) throw new RangeError(`${field} lists ${duplicates[0]} twice`);
}

/**
 * A resource-name suffix for a principal that stays the same when the list is reordered (an
 * index would rename, and so replace, every entry after a removed one, cutting admins off
 * mid-update): the principal's name plus a short hash of the full ARN.
 */
export function principalNameSuffix(arn: string): string {
  const last = arn.split("/").pop() ?? "principal";
  const readable = last.replace(/[^A-Za-z0-9-]/g, "-").toLowerCase().slice(0, 40);
  return `${readable}-${createHash("sha256").update(arn).digest("hex").slice(0, 8)}`;
}

export interface KubeconfigInputs {
  readonly clusterName: string;
  readonly endpoint: string;
  readonly certificateAuthorityData: string;
  readonly region: string;
}

/**
 * A kubeconfig whose user runs `aws eks get-token`. `--region` matters: without it the CLI uses
 * the caller's default region, and the token is then signed for the wrong cluster in every
 * stack but one. No credentials are embedded; the token is minted per call from the caller's
 * AWS identity, which needs an access entry on the cluster.
 */
export function buildKubeconfig(c: KubeconfigInputs): Record<string, unknown> {
  const context = c.clusterName;
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server: c.endpoint, "certificate-authority-data": c.certificateAuthorityData } }],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    "current-context": context,
    users: [{
      name: context,
      user: {
        exec: {
          // What `aws eks get-token` emits unless told otherwise.
          apiVersion: "client.authentication.k8s.io/v1beta1",
          command: "aws",
          args: ["eks", "get-token", "--cluster-name", c.clusterName, "--region", c.region, "--output", "json"],
          interactiveMode: "Never",
        },
      },
    }],
  };
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Record<string, unknown>[];
}

/** Trust policy for a role assumed by an AWS service (EKS control plane, EC2 instances). */
export function serviceTrustPolicy(service: string, actions: string[] = ["sts:AssumeRole"]): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }] };
}

/** The one service account a Pod Identity role is for. */
export interface PodIdentityScope {
  readonly clusterName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * Trust policy for a role bound through EKS Pod Identity, usable by one service account of one
 * cluster. `pods.eks.amazonaws.com` alone names no cluster: any Pod Identity association of the
 * account (anyone allowed to create one in any cluster, with iam:PassRole on the role) could bind
 * the role. The conditions read the session tags Pod Identity adds when it assumes the role
 * (EKS User Guide, "Create IAM role with trust policy required by EKS Pod Identity" and "Enable or
 * disable session tags"), so `sts:TagSession` is required next to `sts:AssumeRole`. An
 * association must therefore never set `disableSessionTags: true`: without the tags no condition
 * matches and its pods get no credentials. No OIDC provider is needed. Only the documented session
 * tags are conditions: `aws:SourceAccount` is not documented for this service principal, and a
 * StringEquals on a key the request lacks denies every pod its credentials (an association can
 * only pass a role of its own account anyway).
 */
export function podIdentityTrustPolicy(scope: PodIdentityScope): PolicyDocument {
  const [statement] = serviceTrustPolicy("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]).Statement;
  return {
    Version: "2012-10-17",
    Statement: [{
      ...statement,
      Condition: {
        StringEquals: {
          "aws:RequestTag/eks-cluster-name": scope.clusterName,
          "aws:RequestTag/kubernetes-namespace": scope.namespace,
          "aws:RequestTag/kubernetes-service-account": scope.serviceAccount,
        },
      },
    }],
  };
}

/**
 * The tag key of a cluster's nodes and their security groups (value `owned` or `shared`): NodePool
 * puts it on every node and on its node security group, the load balancer controller looks for it
 * on a node's ENI, and FIS may terminate only instances that carry it.
 */
export function clusterTagKey(clusterName: string): string {
  return `kubernetes.io/cluster/${clusterName}`;
}

/** The tag key that scopes cluster-autoscaler's write actions to this cluster's groups. */
export function autoscalerClusterTagKey(clusterName: string): string {
  return `k8s.io/cluster-autoscaler/${clusterName}`;
}

/** Value of the cluster tag on node groups; the autoscaler IAM policy requires exactly this. */
export const AUTOSCALER_CLUSTER_TAG_VALUE = "owned";

/**
 * Tags a node group (Auto Scaling group) needs so cluster-autoscaler discovers it and may scale
 * it. Node pools should apply exactly these.
 */
export function autoscalerDiscoveryTags(clusterName: string): Record<string, string> {
  return { "k8s.io/cluster-autoscaler/enabled": "true", [autoscalerClusterTagKey(clusterName)]: AUTOSCALER_CLUSTER_TAG_VALUE };
}

/** Most zones the EKS control plane's subnets span unless told otherwise (see controlPlaneZoneCount). */
export const DEFAULT_CONTROL_PLANE_AZ_COUNT = 3;

/**
 * How many of a region's zones (the first ones, in subnet order) carry the EKS control plane's
 * subnets. EKS only accepts subnets in the AZs a cluster was created with (UpdateClusterConfig
 * refuses any other; aws-facts "EKS"), so the control plane must not follow `azCount` up: nodes,
 * NAT gateways, the load balancer and the database take a new AZ, the control plane keeps the
 * zones it was created in. A stable rule instead of state: the first `controlPlaneAzCount` zones
 * (subnet CIDRs and zone order never move when zones are added, see planSubnets and chooseZones).
 * Fewer AZs shrink it (EKS accepts a subset of the original AZs); it needs two, as CreateCluster does.
 */
export function controlPlaneZoneCount(azCount: number, controlPlaneAzCount: number = DEFAULT_CONTROL_PLANE_AZ_COUNT): number {
  if (!Number.isInteger(controlPlaneAzCount) || controlPlaneAzCount < 2) {
    throw new RangeError(`controlPlaneAzCount ${controlPlaneAzCount} must be a whole number of at least 2 (EKS needs subnets in two AZs)`);
  }
  return Math.min(azCount, controlPlaneAzCount);
}

/**
 * A hard spread of a system workload's replicas over AZs (maxSkew 1, DoNotSchedule): two replicas
 * in one AZ both go with it, and a soft spread may place them so while nodes are still joining.
 * Only AZs that have nodes count as domains, so a node pool in one AZ still takes every replica.
 */
export function zoneSpread(matchLabels: Record<string, string>): { maxSkew: number; topologyKey: string; whenUnsatisfiable: "DoNotSchedule"; labelSelector: { matchLabels: Record<string, string> } } {
  return { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels } };
}

/**
 * The zone spread's skew for `replicas` coredns pods over `azCount` AZs: the smallest that still
 * lets the replicas of a lost AZ start in the others while the lost AZ counts as a domain with no
 * pod (`ceil(replicas / (azCount - 1))`: 2 for 3 replicas in 3 AZs), and which still keeps them
 * out of one AZ on the first deploy (a skew below the replica count, as some AZ then has none).
 * With two AZs no skew does both: 1 keeps the two replicas apart, and the one a lost AZ took
 * waits for that AZ (the other serves).
 */
export function corednsMaxSkew(replicas: number, azCount: number): number {
  return azCount > 2 ? Math.ceil(replicas / (azCount - 1)) : 1;
}

/** Labels of the pods of the EKS coredns add-on's Deployment (its Service selects them too). */
export const COREDNS_POD_LABELS: Readonly<Record<string, string>> = { "k8s-app": "kube-dns" };

/**
 * What the coredns add-on gets in `configurationValues` (keys of its configuration schema, `aws eks
 * describe-addon-configuration --addon-name coredns`: replicaCount, topologySpreadConstraints,
 * podDisruptionBudget). EKS's defaults are 2 replicas with soft placement only (a preferred
 * anti-affinity on nodes), and the add-on starts with the cluster, before any node: both pods may
 * land on the first node that turns Ready, in one AZ. That AZ (or node) lost, the region's pods
 * resolve no name until both are evicted and rescheduled, about 5 minutes later (the 300 s
 * not-ready/unreachable toleration Kubernetes gives every pod).
 *
 * - `replicaCount`: one per AZ the nodes span, at least 2 (one node lost must leave one).
 * - a zone spread, DoNotSchedule, with `corednsMaxSkew`: never every replica in one AZ. Nodes
 *   that have registered count as domains even before they are Ready (nodeTaintsPolicy Ignore),
 *   so pods wait for their AZ's node rather than pile onto the first Ready one. A lost AZ keeps
 *   counting too, with no pod, as long as its Node objects exist: with a skew of 1 the replica
 *   it lost could go nowhere (a survivor reaching 2 against the lost AZ's 0), and DNS would run
 *   short for the whole outage. No `minDomains`: with it a pod would stay Pending whenever fewer
 *   AZs than `azCount` have nodes (an AZ lost, an AZ without capacity on the first deploy), the
 *   add-on would stay DEGRADED and its create would time out.
 * - `podDisruptionBudget`: the add-on's managed budget, written out (its default): drains and
 *   instance refreshes evict one pod at a time.
 */
export function corednsConfiguration(azCount: number): {
  replicaCount: number;
  topologySpreadConstraints: ReturnType<typeof zoneSpread>[];
  podDisruptionBudget: { enabled: true; maxUnavailable: number };
} {
  if (!Number.isInteger(azCount) || azCount < 1) {
    throw new RangeError(`nodeAzCount ${azCount} must be a whole number of AZs >= 1: the AZs the cluster's nodes span (the region's azCount)`);
  }
  const replicaCount = Math.max(2, azCount);
  return {
    replicaCount,
    topologySpreadConstraints: [{ ...zoneSpread({ ...COREDNS_POD_LABELS }), maxSkew: corednsMaxSkew(replicaCount, azCount) }],
    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
  };
}
