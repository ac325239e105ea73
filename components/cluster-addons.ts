import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { awsLoadBalancerControllerPolicy, clusterAutoscalerPolicy } from "./lib/eks-addon-policies";
import { clusterAutoscalerProblems, clusterAutoscalerRelease } from "./lib/cluster-autoscaler";
import { podIdentityTrustPolicy, zoneSpread } from "./lib/eks";
import { PLATFORM_DEPLOYERS_GROUP } from "./lib/deployer";
import { IAM_ROLE_NAME_MAX_LENGTH, physicalName } from "./lib/names";
import { READINESS_GATE_INJECT_LABEL, targetGroupBindingGuard } from "./lib/service-plan";

export interface AwsLoadBalancerControllerArgs {
  /** @default true */
  enabled?: boolean;
  /** aws-load-balancer-controller chart version (https://aws.github.io/eks-charts), pinned. */
  chartVersion: string;
  /**
   * VPC of the cluster. Required because nodes keep the IMDS hop limit at 1, so the controller
   * cannot discover its VPC (or region) from instance metadata.
   */
  vpcId: pulumi.Input<string>;
  /**
   * Target groups the platform binds to Services (TargetGroupBindings), each tagged
   * BINDABLE_TARGET_GROUP_TAG = the cluster's name. Given, the controller's role may register
   * targets only with target groups carrying that tag and with those it created for this cluster;
   * the role's policy is written after these (so their tag is in place first).
   * @default any target group of the account (upstream's policy)
   */
  bindableTargetGroupArns?: pulumi.Input<string>[];
}

export interface ClusterAddonsArgs {
  /** EKS cluster name: auto-discovery tag, IAM scoping and Pod Identity associations. */
  clusterName: pulumi.Input<string>;
  /** The cluster's region, given to the controllers (they cannot read it from IMDS, hop limit 1). */
  region: pulumi.Input<string>;
  /** cluster-autoscaler chart version (https://kubernetes.github.io/autoscaler), pinned. */
  clusterAutoscalerChartVersion: string;
  /**
   * cluster-autoscaler image tag. Its minor version must match the cluster's Kubernetes minor.
   * @default the table's image for `kubernetesVersion` when given, else the chart's default
   */
  clusterAutoscalerImageTag?: string;
  /**
   * The cluster's Kubernetes version. Given, the chart and image are checked against the
   * compatibility table (components/lib/cluster-autoscaler.ts): a chart or image of another minor
   * is refused (a 1.32 chart's ClusterRole lacks what a 1.35 autoscaler watches).
   * @default not checked
   */
  kubernetesVersion?: string;
  /** metrics-server chart version (https://kubernetes-sigs.github.io/metrics-server), pinned. */
  metricsServerChartVersion: string;
  /**
   * AWS Load Balancer Controller: registers pods with the regional ALB's target group through a
   * TargetGroupBinding (and serves Ingress/Service load balancers). Installed with it: an
   * admission policy that lets only the platform (Kubernetes group `platform:deployers`, which the
   * deploy identity's and admins' access entries carry) create or change TargetGroupBindings.
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
  /** The controller's release: its CRDs (TargetGroupBinding) and webhooks exist once it is ready. */
  readonly awsLoadBalancerController?: k8s.helm.v3.Release;

  constructor(name: string, args: ClusterAddonsArgs, opts: ClusterAddonsOptions) {
    validateChartVersion("clusterAutoscalerChartVersion", args.clusterAutoscalerChartVersion);
    validateChartVersion("metricsServerChartVersion", args.metricsServerChartVersion);
    if (args.kubernetesVersion !== undefined) {
      const mismatch = clusterAutoscalerProblems({ kubernetesVersion: args.kubernetesVersion, chartVersion: args.clusterAutoscalerChartVersion, imageTag: args.clusterAutoscalerImageTag });
      if (mismatch.length) throw new RangeError(mismatch.map((p) => `cluster-autoscaler ${p.field === "chartVersion" ? "clusterAutoscalerChartVersion" : "clusterAutoscalerImageTag"} "${p.value}" ${p.message}`).join("; "));
    }
    // Some charts default to an image of the previous minor (9.54.0-9.55.0): with the cluster's
    // version known, the image is the table's for that minor unless pinned.
    const autoscalerImageTag = args.clusterAutoscalerImageTag ?? (args.kubernetesVersion !== undefined ? clusterAutoscalerRelease(args.kubernetesVersion)?.imageTag : undefined);
    const lbc = args.awsLoadBalancerController && args.awsLoadBalancerController.enabled !== false ? args.awsLoadBalancerController : undefined;
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
      const trust = pulumi.output(args.clusterName).apply((cluster) =>
        JSON.stringify(podIdentityTrustPolicy({ clusterName: cluster, namespace: NAMESPACE, serviceAccount })));
      const role = new aws.iam.Role(`${name}-${id}`, { ...(roleName ? { name: roleName } : {}), assumeRolePolicy: trust }, parent);
      const rolePolicy = new aws.iam.RolePolicy(`${name}-${id}`, { role: role.id, policy }, parent);
      // Session tags stay on (no disableSessionTags): the role's trust matches on them.
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
        // Two replicas with leader election, in different AZs: losing the autoscaler's node, or its
        // AZ, must not stop scaling at the moment the other AZs need nodes. DoNotSchedule for the
        // reason the load balancer controller's spread gives below; the chart's pods carry the
        // release name as app.kubernetes.io/instance.
        replicaCount: 2,
        topologySpreadConstraints: [zoneSpread({ "app.kubernetes.io/instance": "cluster-autoscaler" })],
        ...(autoscalerImageTag ? { image: { tag: autoscalerImageTag } } : {}),
        extraArgs: {
          // Node groups of equal shape (one per AZ, or one spanning all) scale together, keeping
          // capacity even across AZs.
          "balance-similar-node-groups": true,
          // kube-system pods (coredns, metrics-server, ...) run with PodDisruptionBudgets and more
          // than one replica; without this, any node hosting one could never be scaled down.
          "skip-nodes-with-system-pods": false,
          // Likewise pods with an emptyDir (the service's /tmp, metrics-server's): by default a node
          // running one is never removed, so a region scaled out for a failover stays scaled out.
          // Their emptyDirs hold scratch data only.
          "skip-nodes-with-local-storage": false,
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
        // The HPA reads through it: two replicas and a budget, so a node drain never blinds it, in
        // different AZs, so an AZ loss does not either (the surviving AZs' pods scale out on its
        // metrics then).
        replicas: 2,
        topologySpreadConstraints: [zoneSpread({ "app.kubernetes.io/instance": "metrics-server" })],
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
      },
    }, k8sOpts);

    // --- AWS Load Balancer Controller (optional) ---
    if (lbc) {
      // The target groups' ARNs only order the policy after them (their tag first); it allows them by tag.
      const policy = pulumi.all([partition, args.clusterName, pulumi.all(lbc.bindableTargetGroupArns ?? [])]).apply(([p, cluster]) =>
        // The cluster's name always: it limits the controller's security-group rule changes to
        // this cluster's groups (without it, upstream's unconditioned grant on every group).
        JSON.stringify(awsLoadBalancerControllerPolicy({ partition: p, clusterName: cluster, ...(lbc.bindableTargetGroupArns ? { bindTaggedTargetGroups: true } : {}) })));
      const controller = podRole("aws-load-balancer-controller", AWS_LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT, policy);
      const controllerLabels = { "app.kubernetes.io/name": "aws-load-balancer-controller" };
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
          // Two replicas in different AZs and a budget: target registration (and the webhooks
          // below) must survive a node drain and an AZ loss. DoNotSchedule, not ScheduleAnyway: a
          // soft spread may put both in one AZ (nodes still joining on the first deploy), and with
          // that AZ lost the Fail pod webhook below has no endpoint, so no app pod starts (HPA
          // scale-out included) until the controller is evicted and rescheduled, about 5 minutes.
          // Only AZs with nodes count as domains, so a pool in one AZ still takes both.
          replicaCount: 2,
          podDisruptionBudget: { maxUnavailable: 1 },
          topologySpreadConstraints: [zoneSpread(controllerLabels)],
          // The IAM policy is a subset without WAF and Shield permissions (see the policy's doc).
          enableShield: false,
          enableWaf: false,
          enableWafv2: false,
          // The platform's ALB is declared in Pulumi. The Service webhook (failure policy Fail,
          // every namespace) would make each Service creation in the cluster depend on this
          // controller being up, for a feature nothing here uses.
          enableServiceMutatorWebhook: false,
          // Readiness gates: a pod is Ready only once its ALB target is healthy, so a rollout never
          // removes old pods before new ones serve. Fail (AWS's recommendation, with an object
          // selector): while the controller is down no pod of a labelled workload starts without
          // its gate; it could not be registered anyway. Only opted-in pods are affected.
          podMutatorWebhookConfig: { failurePolicy: "Fail" },
          objectSelector: { matchLabels: { [READINESS_GATE_INJECT_LABEL]: "enabled" } },
          // Keep the webhooks' certificate across chart upgrades: by default each upgrade signs a
          // new one and swaps the webhooks' caBundle at once, while the running pods still serve
          // the old certificate until they see the new secret; meanwhile the Fail webhooks above
          // refuse TargetGroupBinding changes and new labelled pods.
          keepTLSSecret: true,
        },
      }, { ...k8sOpts, dependsOn: controller.ready });
      this.awsLoadBalancerControllerRoleArn = controller.role.arn;

      // A TargetGroupBinding can point any target group of the account at any Service. Kubernetes
      // RBAC already keeps them to cluster-admins (the chart aggregates no role for them); this
      // admission policy narrows it to the platform's deployers and the controller itself.
      const guard = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-target-group-binding-guard`, {
        metadata: { name: "platform-target-group-binding-guard" },
        spec: {
          failurePolicy: "Fail",
          matchConstraints: {
            resourceRules: [{ apiGroups: ["elbv2.k8s.aws"], apiVersions: ["*"], operations: ["CREATE", "UPDATE"], resources: ["targetgroupbindings"] }],
          },
          // Only what routes traffic: a create, or an update of the spec. Deleting a binding
          // (Pulumi replaces one when its target group changes) is foreground by default: the
          // garbage collector then patches the foregroundDeletion finalizer away, an UPDATE this
          // guard would deny, and the old binding would hang in deletion until `up` timed out.
          matchConditions: [{ name: "routes-traffic", expression: "request.operation == 'CREATE' || object.spec != oldObject.spec" }],
          validations: [{
            expression: targetGroupBindingGuard({ platformGroup: PLATFORM_DEPLOYERS_GROUP, controllerServiceAccount: AWS_LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT, controllerNamespace: NAMESPACE }),
            message: `only the platform (Kubernetes group ${PLATFORM_DEPLOYERS_GROUP}) may create or change TargetGroupBindings: a binding can route any target group of the account to any Service`,
            reason: "Forbidden",
          }],
        },
      }, k8sOpts);
      new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-target-group-binding-guard`, {
        metadata: { name: "platform-target-group-binding-guard" },
        spec: { policyName: guard.metadata.name, validationActions: ["Deny"] },
      }, k8sOpts);
    }

    this.registerOutputs({
      clusterAutoscalerRoleArn: this.clusterAutoscalerRoleArn,
      awsLoadBalancerControllerRoleArn: this.awsLoadBalancerControllerRoleArn,
    });
  }
}
