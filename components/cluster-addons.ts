import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { awsLoadBalancerControllerPolicy, clusterAutoscalerPolicy } from "./lib/eks-addon-policies";
import { podIdentityTrustPolicy } from "./lib/eks";
import { IAM_ROLE_NAME_MAX_LENGTH, physicalName } from "./lib/names";

export interface AwsLoadBalancerControllerArgs {
  enabled: boolean;
  /** aws-load-balancer-controller chart version (https://aws.github.io/eks-charts), pinned. */
  chartVersion: string;
  /**
   * VPC of the cluster. Required because nodes keep the IMDS hop limit at 1, so the controller
   * cannot discover its VPC (or region) from instance metadata.
   */
  vpcId: pulumi.Input<string>;
}

export interface ClusterAddonsArgs {
  /** EKS cluster name: auto-discovery tag, IAM scoping and Pod Identity associations. */
  clusterName: pulumi.Input<string>;
  /** The cluster's region, given to the controllers (they cannot read it from IMDS, hop limit 1). */
  region: pulumi.Input<string>;
  /** cluster-autoscaler chart version (https://kubernetes.github.io/autoscaler), pinned. */
  clusterAutoscalerChartVersion: string;
  /**
   * cluster-autoscaler image tag. Its minor version should match the cluster's Kubernetes minor.
   * @default the chart's appVersion
   */
  clusterAutoscalerImageTag?: string;
  /** metrics-server chart version (https://kubernetes-sigs.github.io/metrics-server), pinned. */
  metricsServerChartVersion: string;
  /**
   * AWS Load Balancer Controller, for Ingress/Service-managed load balancers. The regional ALB of
   * this blueprint is declared in Pulumi and does not need it.
   * @default not installed
   */
  awsLoadBalancerController?: AwsLoadBalancerControllerArgs;
  /**
   * How long each Helm release may take to become ready, in seconds. On the first `pulumi up` the
   * releases wait for nodes that are created in the same update.
   * @default 1200
   */
  helmTimeoutSeconds?: number;
}

/** The Kubernetes provider of the cluster (`EksCluster.kubernetesProvider`) is required. */
export interface ClusterAddonsOptions extends pulumi.ComponentResourceOptions {
  provider: k8s.Provider;
}

const NAMESPACE = "kube-system";
/** Service-account names set in the chart values; the Pod Identity associations must match them. */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";
export const AWS_LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";

function validateChartVersion(field: string, version: string): void {
  // An exact version: a range would let two regions (or two runs) install different charts.
  if (!/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new RangeError(`${field} "${version}" must be an exact chart version such as 9.46.6`);
  }
}

/**
 * In-cluster add-ons installed with Helm: cluster-autoscaler (auto-discovery by tag, its own
 * least-privilege role bound by Pod Identity), metrics-server and, optionally, the AWS Load
 * Balancer Controller (own role, Pod Identity).
 */
export class ClusterAddons extends pulumi.ComponentResource {
  readonly clusterAutoscalerRoleArn: pulumi.Output<string>;
  readonly clusterAutoscaler: k8s.helm.v3.Release;
  readonly metricsServer: k8s.helm.v3.Release;
  readonly awsLoadBalancerControllerRoleArn?: pulumi.Output<string>;
  readonly awsLoadBalancerController?: k8s.helm.v3.Release;

  constructor(name: string, args: ClusterAddonsArgs, opts: ClusterAddonsOptions) {
    validateChartVersion("clusterAutoscalerChartVersion", args.clusterAutoscalerChartVersion);
    validateChartVersion("metricsServerChartVersion", args.metricsServerChartVersion);
    const lbc = args.awsLoadBalancerController?.enabled ? args.awsLoadBalancerController : undefined;
    if (lbc) validateChartVersion("awsLoadBalancerController.chartVersion", lbc.chartVersion);
    // A release without the cluster's provider would go to whatever cluster the ambient kubeconfig names.
    if (!(opts?.provider instanceof k8s.Provider)) throw new TypeError("ClusterAddons needs the cluster's Kubernetes provider in opts.provider");
    super("platform:eks:ClusterAddons", name, {}, opts);
    const parent = { parent: this };
    const k8sOpts = { parent: this, provider: opts.provider };
    const timeout = args.helmTimeoutSeconds ?? 1200;

    const partition = aws.getPartitionOutput({}, parent).partition;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    /** A role only this cluster's service account can use, through EKS Pod Identity. */
    const podRole = (id: string, serviceAccount: string, policy: pulumi.Input<string>) => {
      // Auto-named unless that breaks IAM's 64-character cap (a long environment and region with
      // "aws-load-balancer-controller" does).
      const roleName = physicalName(`${name}-${id}`, IAM_ROLE_NAME_MAX_LENGTH);
      const role = new aws.iam.Role(`${name}-${id}`, { ...(roleName ? { name: roleName } : {}), assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()) }, parent);
      const rolePolicy = new aws.iam.RolePolicy(`${name}-${id}`, { role: role.id, policy }, parent);
      const association = new aws.eks.PodIdentityAssociation(`${name}-${id}`, {
        clusterName: args.clusterName,
        namespace: NAMESPACE,
        serviceAccount,
        roleArn: role.arn,
      }, parent);
      // Pod Identity injects credentials when a pod is created: the association (and the role's
      // permissions) must exist before the chart's pods start, or they run without credentials.
      return { role, ready: [rolePolicy, association] };
    };

    // --- cluster-autoscaler ---
    const autoscalerPolicy = pulumi.all([partition, args.region, accountId, args.clusterName])
      .apply(([p, region, account, cluster]) => JSON.stringify(clusterAutoscalerPolicy({ partition: p, region, accountId: account, clusterName: cluster })));
    const autoscaler = podRole("cluster-autoscaler", CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, autoscalerPolicy);
    this.clusterAutoscaler = new k8s.helm.v3.Release(`${name}-cluster-autoscaler`, {
      name: "cluster-autoscaler",
      namespace: NAMESPACE,
      chart: "cluster-autoscaler",
      version: args.clusterAutoscalerChartVersion,
      repositoryOpts: { repo: "https://kubernetes.github.io/autoscaler" },
      timeout,
      cleanupOnFail: true,
      values: {
        cloudProvider: "aws",
        awsRegion: args.region,
        // The chart's default tags: k8s.io/cluster-autoscaler/enabled and k8s.io/cluster-autoscaler/<clusterName>.
        autoDiscovery: { clusterName: args.clusterName },
        rbac: { serviceAccount: { create: true, name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } },
        // Two replicas with leader election: losing the autoscaler's node must not stop scaling.
        replicaCount: 2,
        ...(args.clusterAutoscalerImageTag ? { image: { tag: args.clusterAutoscalerImageTag } } : {}),
        extraArgs: {
          // Node groups of equal shape (one per AZ, or one spanning all) scale together, keeping
          // capacity even across AZs.
          "balance-similar-node-groups": true,
          // kube-system pods (coredns, metrics-server, ...) run with PodDisruptionBudgets and more
          // than one replica; without this, any node hosting one could never be scaled down.
          "skip-nodes-with-system-pods": false,
          expander: "least-waste",
        },
      },
    }, { ...k8sOpts, dependsOn: autoscaler.ready });
    this.clusterAutoscalerRoleArn = autoscaler.role.arn;

    // --- metrics-server ---
    this.metricsServer = new k8s.helm.v3.Release(`${name}-metrics-server`, {
      name: "metrics-server",
      namespace: NAMESPACE,
      chart: "metrics-server",
      version: args.metricsServerChartVersion,
      repositoryOpts: { repo: "https://kubernetes-sigs.github.io/metrics-server/" },
      timeout,
      cleanupOnFail: true,
      values: {
        // The HPA reads through it: two replicas and a budget, so a node drain never blinds it.
        replicas: 2,
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
      },
    }, k8sOpts);

    // --- AWS Load Balancer Controller (optional) ---
    if (lbc) {
      const policy = partition.apply((p) => JSON.stringify(awsLoadBalancerControllerPolicy({ partition: p })));
      const controller = podRole("aws-load-balancer-controller", AWS_LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT, policy);
      this.awsLoadBalancerController = new k8s.helm.v3.Release(`${name}-aws-load-balancer-controller`, {
        name: "aws-load-balancer-controller",
        namespace: NAMESPACE,
        chart: "aws-load-balancer-controller",
        version: lbc.chartVersion,
        repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
        timeout,
        cleanupOnFail: true,
        values: {
          clusterName: args.clusterName,
          region: args.region,
          vpcId: lbc.vpcId,
          serviceAccount: { create: true, name: AWS_LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT },
          replicaCount: 2,
          // The IAM policy is a subset without WAF and Shield permissions (see the policy's doc).
          enableShield: false,
          enableWaf: false,
          enableWafv2: false,
        },
      }, { ...k8sOpts, dependsOn: controller.ready });
      this.awsLoadBalancerControllerRoleArn = controller.role.arn;
    }

    this.registerOutputs({
      clusterAutoscalerRoleArn: this.clusterAutoscalerRoleArn,
      awsLoadBalancerControllerRoleArn: this.awsLoadBalancerControllerRoleArn,
    });
  }
}
