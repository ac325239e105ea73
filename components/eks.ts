import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  CLUSTER_LOG_TYPES,
  DEFAULT_SERVICE_IPV4_CIDR,
  EBS_CSI_SERVICE_ACCOUNT,
  type ManagedAddonName,
  type SupportType,
  buildKubeconfig,
  clusterLogGroupName,
  corednsConfiguration,
  planEndpointAccess,
  podIdentityTrustPolicy,
  principalNameSuffix,
  serviceTrustPolicy,
  validateAdminPrincipalArns,
  validateClusterName,
  validateKubernetesVersion,
  validateLogRetentionDays,
  validateServiceIpv4Cidr,
  validateSupportType,
} from "./lib/eks";
import { PLATFORM_DEPLOYERS_GROUP } from "./lib/deployer";

export interface EksClusterArgs {
  /** Kubernetes version, major.minor (e.g. "1.34"). Add-on versions follow it unless pinned. */
  version: string;
  /**
   * What EKS does when `version` reaches the end of its standard support (14 months after EKS
   * released it). `"STANDARD"`: AWS upgrades the control plane to the next minor itself, on its
   * date rather than in the upgrade runbook's order (docs/runbooks/upgrade-kubernetes.md), so
   * upgrade before it. `"EXTENDED"`: the cluster stays on its version for up to 12 more months, in
   * extended support, at 6 times the control plane's price ($0.60 instead of $0.10 per cluster
   * hour); the explicit, expensive choice, and AWS's own default for clusters created through its
   * API, so never left unset. EKS refuses STANDARD for a cluster already in extended support.
   * @default "STANDARD"
   */
  supportType?: SupportType;
  /** VPC of the cluster; passed through as the `vpcId` output for add-ons that need it. */
  vpcId: pulumi.Input<string>;
  /** Private subnets, one per AZ, in every AZ (EKS needs at least two AZs). */
  subnetIds: pulumi.Input<string>[];
  /**
   * EKS cluster name (also names the log group `/aws/eks/<name>/cluster`). Regional: the same
   * name in every region of an environment is fine.
   * @default the component's name
   */
  clusterName?: string;
  /**
   * IAM role/user ARNs given `AmazonEKSClusterAdminPolicy` (cluster scope) through access entries.
   * The identity that runs `pulumi up` must be listed for the `kubernetesProvider` to work: the
   * cluster creator gets no implicit admin (see `bootstrapClusterCreatorAdminPermissions` below).
   * @default [] — nobody administers the cluster through Kubernetes
   */
  adminPrincipalArns?: string[];
  /**
   * The IAM role (or user) that runs `pulumi up`. It gets the same cluster-admin access entry as
   * the admins: with `bootstrapClusterCreatorAdminPermissions` false it would otherwise have no
   * access to the cluster it just created, and every Helm release of the update would get 401.
   * It still needs a network path to the endpoint (`publicAccessCidrs` or `endpointPrivateAccessCidrs`).
   * @default none (then one of `adminPrincipalArns` must be the deployer)
   */
  deployerPrincipalArn?: string;
  /**
   * CIDRs allowed to reach the public API endpoint. Empty keeps the public endpoint off; the
   * private endpoint is always on, so `pulumi up` (Helm releases) then has to run from inside the
   * VPC or a connected network (see `endpointPrivateAccessCidrs`).
   * @default [] — public endpoint off
   */
  publicAccessCidrs?: string[];
  /**
   * Required to list a /0 in `publicAccessCidrs`; without it such a CIDR throws.
   * @default false
   */
  allowPublicAccessFromAnywhere?: boolean;
  /**
   * Networks (e.g. a CI runner subnet, a VPN range) allowed to reach the private endpoint on 443.
   * Only nodes, which carry the cluster security group, can reach it otherwise.
   * @default []
   */
  endpointPrivateAccessCidrs?: string[];
  /**
   * Retention of the control-plane log group, in days (a CloudWatch Logs retention value).
   * @default 90
   */
  logRetentionDays?: number;
  /**
   * Service CIDR. Set explicitly (not left to EKS's choice between two ranges) so node user data
   * can be given it, and because it cannot change after creation.
   * @default "172.20.0.0/16"
   */
  serviceIpv4Cidr?: string;
  /**
   * EKS deletion protection: deleting the cluster needs this turned off first, in a separate update.
   * @default true
   */
  deletionProtection?: boolean;
  /**
   * Register the cluster with ARC zonal shift, so traffic inside the cluster can be moved away
   * from an impaired AZ (manually or by zonal autoshift). Changes nothing until a shift starts.
   * @default true
   */
  zonalShift?: boolean;
  /**
   * Pinned add-on versions, e.g. `{ "vpc-cni": "v1.20.1-eksbuild.1" }`.
   * @default the EKS default version of each add-on for `version` (looked up), so upgrading
   * `version` upgrades the add-ons after the control plane
   */
  addonVersions?: Partial<Record<ManagedAddonName, string>>;
  /**
   * coredns and aws-ebs-csi-driver run Deployments: EKS reports them DEGRADED until a node is
   * Ready, and the provider waits for ACTIVE (20 minutes by default; 30 here). By default they
   * are created with the cluster and go ACTIVE once node pools created in the same update join.
   * When no nodes arrive in the same update (nodes in another stack, or created later), set this
   * and call `installNodeDependentAddons(nodes)` once the nodes exist.
   * @default false
   */
  deferNodeDependentAddons?: boolean;
  /**
   * AZs the cluster's nodes span (the region's `azCount`; the control plane's `subnetIds` may span
   * fewer). coredns runs one replica per AZ, at least two, held apart by a hard zone spread
   * (`corednsConfiguration`).
   * @default subnetIds.length
   */
  nodeAzCount?: number;
}

/** The name EksCluster gives its cluster: `clusterName`, else the component's name. */
export function eksClusterName(name: string, args: Pick<EksClusterArgs, "clusterName">): string {
  return args.clusterName ?? name;
}

/**
 * An EKS cluster for one region: private API endpoint, access entries (API authentication mode),
 * secrets encrypted with a regional KMS key, all control-plane logs with a retention, the node IAM
 * role and its access entry, and EKS managed add-ons (vpc-cni, kube-proxy, eks-pod-identity-agent,
 * coredns, aws-ebs-csi-driver with its role bound by Pod Identity).
 *
 * Never give a node pool `dependsOn: [eksCluster]`: that waits for coredns, which waits for nodes,
 * a deadlock that ends in the add-on's create timeout (pulumi/pulumi-eks#1819). Use the outputs:
 * `nodeInstanceProfileName`/`Arn` and `nodeRoleArn` resolve only once nodes can join (node access
 * entry and the networking add-ons exist), and never wait for coredns.
 */
export class EksCluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly clusterArn: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly certificateAuthorityData: pulumi.Output<string>;
  /** Known at construction, so node user data can embed it. */
  readonly serviceIpv4Cidr: string;
  /** Kubernetes version the control plane runs. */
  readonly version: pulumi.Output<string>;
  readonly vpcId: pulumi.Output<string>;
  /** EKS-created security group of the control plane ENIs; attach it to self-managed nodes. */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly nodeRoleArn: pulumi.Output<string>;
  readonly nodeRoleName: pulumi.Output<string>;
  readonly nodeInstanceProfileArn: pulumi.Output<string>;
  readonly nodeInstanceProfileName: pulumi.Output<string>;
  readonly controlPlaneLogGroupName: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly kubernetesProvider: k8s.Provider;
  readonly oidcIssuerUrl: pulumi.Output<string>;
  /** The managed add-ons created so far, by name. */
  readonly addons: Partial<Record<ManagedAddonName, aws.eks.Addon>>;

  private readonly resourceName: string;
  private readonly addonArgs: { clusterName: pulumi.Output<string>; version: string; pinned: Partial<Record<ManagedAddonName, string>>; corednsConfigurationValues: string };
  private readonly ebsCsiRole: aws.iam.Role;
  private readonly ebsCsiPolicy: aws.iam.RolePolicyAttachment;
  private nodeDependentAddonsPending: boolean;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything, so a bad argument leaves no half-built component.
    const clusterName = eksClusterName(name, args);
    const serviceIpv4Cidr = args.serviceIpv4Cidr ?? DEFAULT_SERVICE_IPV4_CIDR;
    const logRetentionDays = args.logRetentionDays ?? 90;
    // The deployer is an admin like the others; listing it twice would create two entries for one principal.
    const admins = [...new Set([...(args.deployerPrincipalArn ? [args.deployerPrincipalArn] : []), ...(args.adminPrincipalArns ?? [])])];
    validateClusterName(clusterName);
    validateKubernetesVersion(args.version);
    const supportType: string = args.supportType ?? "STANDARD";
    validateSupportType(supportType);
    validateServiceIpv4Cidr(serviceIpv4Cidr);
    validateLogRetentionDays(logRetentionDays);
    validateAdminPrincipalArns(args.adminPrincipalArns ?? []);
    if (args.deployerPrincipalArn !== undefined) validateAdminPrincipalArns([args.deployerPrincipalArn], "deployerPrincipalArn");
    const endpoint = planEndpointAccess(args.publicAccessCidrs ?? [], args.allowPublicAccessFromAnywhere ?? false);
    if (args.subnetIds.length < 2) throw new RangeError(`EKS needs subnets in at least two AZs; got ${args.subnetIds.length} subnet(s)`);
    const coredns = corednsConfiguration(args.nodeAzCount ?? args.subnetIds.length);
    super("platform:eks:EksCluster", name, {}, opts);
    this.addons = {};
    if (admins.length === 0) pulumi.log.warn(`EKS cluster ${clusterName} has no deployerPrincipalArn or adminPrincipalArns: nobody, not even the deployer, can use the Kubernetes API`, this);

    const parent = { parent: this };
    const partition = aws.getPartitionOutput({}, parent).partition;
    const managedPolicy = (policy: string) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;

    // --- control plane ---
    const clusterRole = new aws.iam.Role(`${name}-cluster`, {
      assumeRolePolicy: JSON.stringify(serviceTrustPolicy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"])),
    }, parent);
    const clusterPolicy = new aws.iam.RolePolicyAttachment(`${name}-cluster`, { role: clusterRole.name, policyArn: managedPolicy("AmazonEKSClusterPolicy") }, parent);

    const key = new aws.kms.Key(`${name}-secrets`, {
      description: `Envelope encryption of Kubernetes secrets in EKS cluster ${clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    }, { parent: this, protect: true });
    new aws.kms.Alias(`${name}-secrets`, { name: `alias/eks/${clusterName}-secrets`, targetKeyId: key.keyId }, parent);
    // AmazonEKSClusterPolicy grants no KMS: without these the control plane cannot use the key.
    const keyUse = new aws.iam.RolePolicy(`${name}-cluster-kms`, {
      role: clusterRole.id,
      policy: key.arn.apply((arn) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: arn }],
      })),
    }, parent);

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane`, {
      name: clusterLogGroupName(clusterName),
      retentionInDays: logRetentionDays,
    }, parent);

    const cluster = new aws.eks.Cluster(`${name}-cluster`, {
      name: clusterName,
      version: args.version,
      roleArn: clusterRole.arn,
      accessConfig: {
        authenticationMode: "API",
        // Off: the creator's implicit admin entry is invisible to Pulumi, belongs to whoever ran
        // the first `up`, clashes with an explicit entry for the same principal, and changing the
        // flag replaces the cluster. Admins are the explicit `adminPrincipalArns` entries.
        bootstrapClusterCreatorAdminPermissions: false,
      },
      // Every networking add-on is an EKS managed add-on below; the unmanaged copies EKS would
      // otherwise install only have to be adopted (and this flag cannot change without replacement).
      bootstrapSelfManagedAddons: false,
      enabledClusterLogTypes: [...CLUSTER_LOG_TYPES],
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: key.arn } },
      kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr },
      vpcConfig: { subnetIds: args.subnetIds, ...endpoint },
      deletionProtection: args.deletionProtection ?? true,
      zonalShiftConfig: { enabled: args.zonalShift ?? true },
      // Always sent: left out, AWS applies EXTENDED, and a cluster past its standard support moves
      // to the extended-support price without anyone choosing it.
      upgradePolicy: { supportType },
    }, {
      parent: this,
      // The log group first, or EKS creates its own without retention; the role's permissions
      // first, or EKS cannot clean up its ENIs and security groups on delete.
      dependsOn: [logGroup, clusterPolicy, keyUse],
    });
    const clusterSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;

    for (const cidr of args.endpointPrivateAccessCidrs ?? []) {
      new aws.vpc.SecurityGroupIngressRule(`${name}-api-${cidr.replace(/[./]/g, "-")}`, {
        securityGroupId: clusterSecurityGroupId,
        cidrIpv4: cidr,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        description: "Kubernetes API (private endpoint)",
      }, parent);
    }

    // --- access entries ---
    const adminPolicyArn = pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`;
    const adminAssociations = admins.map((principalArn) => {
      const suffix = principalNameSuffix(principalArn);
      // The group lets admission policies tell the platform from the teams: only it may bind
      // target groups (see ClusterAddons). Access entry groups cannot start with "system:".
      const entry = new aws.eks.AccessEntry(`${name}-admin-${suffix}`, { clusterName: cluster.name, principalArn, type: "STANDARD", kubernetesGroups: [PLATFORM_DEPLOYERS_GROUP] }, parent);
      return new aws.eks.AccessPolicyAssociation(`${name}-admin-${suffix}`, {
        clusterName: cluster.name,
        principalArn: entry.principalArn,
        policyArn: adminPolicyArn,
        accessScope: { type: "cluster" },
      }, parent);
    });

    // --- nodes: role, instance profile, access entry (node pools only receive them) ---
    const nodeRole = new aws.iam.Role(`${name}-node`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")) }, parent);
    const nodePolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonEKS_CNI_Policy", "AmazonSSMManagedInstanceCore"].map((policy) =>
      new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, { role: nodeRole.name, policyArn: managedPolicy(policy) }, parent));
    const instanceProfile = new aws.iam.InstanceProfile(`${name}-node`, { role: nodeRole.name }, parent);
    const nodeAccess = new aws.eks.AccessEntry(`${name}-node`, { clusterName: cluster.name, principalArn: nodeRole.arn, type: "EC2_LINUX" }, parent);

    // --- managed add-ons ---
    this.resourceName = name;
    this.addonArgs = { clusterName: cluster.name, version: args.version, pinned: args.addonVersions ?? {}, corednsConfigurationValues: JSON.stringify(coredns) };
    const vpcCni = this.addon("vpc-cni");
    const kubeProxy = this.addon("kube-proxy");
    const podIdentityAgent = this.addon("eks-pod-identity-agent");
    // kube-system: the add-on's namespace, where EKS creates its association (session tags on).
    const ebsCsiTrust = JSON.stringify(podIdentityTrustPolicy({ clusterName, namespace: "kube-system", serviceAccount: EBS_CSI_SERVICE_ACCOUNT }));
    this.ebsCsiRole = new aws.iam.Role(`${name}-ebs-csi`, { assumeRolePolicy: ebsCsiTrust }, parent);
    this.ebsCsiPolicy = new aws.iam.RolePolicyAttachment(`${name}-ebs-csi`, {
      role: this.ebsCsiRole.name,
      policyArn: managedPolicy("service-role/AmazonEBSCSIDriverPolicy"),
    }, parent);
    this.nodeDependentAddonsPending = true;
    if (!args.deferNodeDependentAddons) this.installNodeDependentAddons([]);

    // Nodes launched with these outputs can join on first boot: their access entry and the
    // DaemonSet add-ons (CNI, kube-proxy, Pod Identity agent) exist. coredns is left out on purpose.
    // A node without its role's policies cannot pull images or join: they come first too.
    const nodesCanJoin = pulumi.all([nodeAccess.accessEntryArn, vpcCni.arn, kubeProxy.arn, podIdentityAgent.arn, ...nodePolicies.map((p) => p.id)]);
    const once = <T>(value: pulumi.Output<T>) => pulumi.all([value, nodesCanJoin]).apply(([v]) => v);

    // The Kubernetes API is usable by the deployer once its admin association exists.
    const region = aws.getRegionOutput({}, parent).region;
    this.kubeconfig = pulumi.secret(
      pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority, region, pulumi.all(adminAssociations.map((a) => a.id))])
        .apply(([n, e, ca, r]) => JSON.stringify(buildKubeconfig({ clusterName: n, endpoint: e, certificateAuthorityData: ca.data, region: r }))),
    );
    this.kubernetesProvider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, parent);

    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
    this.endpoint = cluster.endpoint;
    this.certificateAuthorityData = cluster.certificateAuthority.data;
    this.serviceIpv4Cidr = serviceIpv4Cidr;
    this.version = cluster.version;
    this.vpcId = pulumi.output(args.vpcId);
    this.clusterSecurityGroupId = clusterSecurityGroupId;
    this.kmsKeyArn = key.arn;
    this.nodeRoleArn = once(nodeRole.arn);
    this.nodeRoleName = nodeRole.name;
    this.nodeInstanceProfileArn = once(instanceProfile.arn);
    this.nodeInstanceProfileName = once(instanceProfile.name);
    this.controlPlaneLogGroupName = logGroup.name;
    this.oidcIssuerUrl = cluster.identities.apply((ids) => ids[0]?.oidcs?.[0]?.issuer ?? "");

    this.registerOutputs({
      clusterName: this.clusterName,
      clusterArn: this.clusterArn,
      endpoint: this.endpoint,
      serviceIpv4Cidr: this.serviceIpv4Cidr,
      version: this.version,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      kmsKeyArn: this.kmsKeyArn,
      nodeRoleArn: this.nodeRoleArn,
      nodeInstanceProfileName: this.nodeInstanceProfileName,
      oidcIssuerUrl: this.oidcIssuerUrl,
    });
  }

  /**
   * Creates coredns and aws-ebs-csi-driver after `nodes`. Called by the constructor unless
   * `deferNodeDependentAddons` is set; then call it once, with the node pools of this cluster.
   */
  installNodeDependentAddons(nodes: pulumi.Input<pulumi.Resource>[]): void {
    if (!this.nodeDependentAddonsPending) throw new Error(`coredns and aws-ebs-csi-driver of ${this.resourceName} are already installed`);
    this.nodeDependentAddonsPending = false;
    // 30 minutes instead of 20: nodes of the same update need an ASG, a boot and the CNI first.
    const customTimeouts = { create: "30m", update: "30m" };
    // One replica per AZ under a hard zone spread (corednsConfiguration): with EKS's soft defaults
    // both pods can start on the first Ready node, and losing its AZ leaves the region without DNS
    // for about 5 minutes. The skew lets a lost AZ's replica start elsewhere; no minDomains, so the
    // first deploy still goes ACTIVE when an AZ's nodes are late or missing.
    this.addon("coredns", { configurationValues: this.addonArgs.corednsConfigurationValues }, { dependsOn: nodes, customTimeouts });
    // Bound through the add-on's own podIdentityAssociations (not a separate
    // PodIdentityAssociation): EKS creates the association with the add-on, before its pods
    // start, so the controller never comes up without credentials and needs no restart. The
    // agent add-on first: it serves those credentials on the nodes.
    this.addon("aws-ebs-csi-driver", {
      podIdentityAssociations: [{ roleArn: this.ebsCsiRole.arn, serviceAccount: EBS_CSI_SERVICE_ACCOUNT }],
    }, { dependsOn: [...nodes, this.addons["eks-pod-identity-agent"]!, this.ebsCsiPolicy], customTimeouts });
  }

  private addon(addonName: ManagedAddonName, extra: Partial<aws.eks.AddonArgs> = {}, opts: pulumi.CustomResourceOptions = {}): aws.eks.Addon {
    const { clusterName, version, pinned } = this.addonArgs;
    const addon = new aws.eks.Addon(`${this.resourceName}-${addonName}`, {
      clusterName,
      addonName,
      addonVersion: pinned[addonName] ?? aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion: version }, { parent: this }).version,
      // Code is the source of truth: overwrite fields changed by hand, on create and on update.
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      ...extra,
    }, { ...opts, parent: this });
    this.addons[addonName] = addon;
    return addon;
  }
}
