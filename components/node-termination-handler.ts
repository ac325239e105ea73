import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podIdentityTrustPolicy, zoneSpread } from "./lib/eks";
import { IAM_ROLE_NAME_MAX_LENGTH, physicalName } from "./lib/names";
import {
  DEFAULT_DRAIN_TIMEOUT_SECONDS,
  NODE_JOIN_TIMEOUT_SECONDS,
  NODE_TERMINATION_HANDLER_CHART,
  NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT,
  SQS_MESSAGE_VISIBILITY_TIMEOUT_SECONDS,
  drainTimeouts,
  nodeTerminationHandlerPolicy,
  terminationEventRules,
  terminationQueuePolicy,
  terminationQueueRetentionSeconds,
} from "./lib/node-termination";

export interface NodeTerminationHandlerArgs {
  /** EKS cluster name (Pod Identity association). */
  clusterName: pulumi.Input<string>;
  /** The cluster's region, given to the handler (it cannot read it from IMDS, hop limit 1). */
  region: string;
  /** The self-managed Auto Scaling group whose terminations are drained (`NodePool.autoScalingGroupName`). */
  autoScalingGroupName: pulumi.Input<string>;
  /** aws-node-termination-handler chart version (oci://public.ecr.aws/aws-ec2/helm), pinned. */
  chartVersion: string;
  /**
   * Longest a terminating node waits for its drain; then the group terminates it anyway (hook
   * default result CONTINUE). Long enough for pods' termination grace periods and the load
   * balancer's deregistration delay.
   * @default 600
   */
  drainTimeoutSeconds?: number;
  /** @default 1200 (the release waits for nodes created in the same update) */
  helmTimeoutSeconds?: number;
}

export interface NodeTerminationHandlerOptions extends pulumi.ComponentResourceOptions {
  /** The cluster's Kubernetes provider (`EksCluster.kubernetesProvider`). */
  provider: k8s.Provider;
}

const NAMESPACE = "kube-system";

/**
 * Drains self-managed nodes before they are terminated: a termination lifecycle hook on the Auto
 * Scaling group, EventBridge rules feeding an SQS queue (the group's terminate actions, Spot
 * interruptions, instance stops and terminations, scheduled retirements), and
 * aws-node-termination-handler in queue mode, with its own least-privilege role bound by Pod
 * Identity, which cordons and drains the node (PodDisruptionBudgets respected) and completes the
 * lifecycle action. Instance refresh, capacity rebalancing, AZ rebalancing and scale-in all
 * terminate through the hook. EKS managed node groups drain on their own and need none of it.
 */
export class NodeTerminationHandler extends pulumi.ComponentResource {
  readonly queueUrl: pulumi.Output<string>;
  readonly queueArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly release: k8s.helm.v3.Release;
  readonly lifecycleHookName: pulumi.Output<string>;

  constructor(name: string, args: NodeTerminationHandlerArgs, opts: NodeTerminationHandlerOptions) {
    if (!/^\d+\.\d+\.\d+$/.test(args.chartVersion)) throw new RangeError(`chartVersion "${args.chartVersion}" must be an exact chart version such as 0.27.6`);
    const drainTimeoutSeconds = args.drainTimeoutSeconds ?? DEFAULT_DRAIN_TIMEOUT_SECONDS;
    const timeouts = drainTimeouts(drainTimeoutSeconds);
    if (!(opts?.provider instanceof k8s.Provider)) throw new TypeError("NodeTerminationHandler needs the cluster's Kubernetes provider in opts.provider");
    super("platform:eks:NodeTerminationHandler", name, {}, opts);
    const parent = { parent: this };
    const partition = aws.getPartitionOutput({}, parent).partition;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const groupName = pulumi.output(args.autoScalingGroupName);

    // SSE-SQS: EventBridge can publish to it with no key policy (SSE-KMS with an AWS-managed key
    // cannot be; a customer key would need EventBridge in its policy). Messages outlive the hooks'
    // timeouts (terminationQueueRetentionSeconds), so an event survives both replicas restarting
    // mid-drain instead of leaving the node to time out its hook undrained. No visibility timeout:
    // the handler sets its own on every receive (SQS_MESSAGE_VISIBILITY_TIMEOUT_SECONDS).
    const queue = new aws.sqs.Queue(`${name}-node-termination`, {
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: terminationQueueRetentionSeconds(drainTimeoutSeconds),
    }, parent);
    const rules = groupName.apply((group) => terminationEventRules(group));
    const eventTargets: aws.cloudwatch.EventTarget[] = [];
    const ruleResources = terminationEventRules("<group>").map((rule, i) => {
      const eventRule = new aws.cloudwatch.EventRule(`${name}-${rule.id}`, {
        description: rules.apply((r) => r[i].description),
        eventPattern: rules.apply((r) => JSON.stringify(r[i].pattern)),
      }, parent);
      eventTargets.push(new aws.cloudwatch.EventTarget(`${name}-${rule.id}`, { rule: eventRule.name, arn: queue.arn }, parent));
      return eventRule;
    });
    const queuePolicy = new aws.sqs.QueuePolicy(`${name}-node-termination`, {
      queueUrl: queue.url,
      policy: pulumi.all([queue.arn, ...ruleResources.map((r) => r.arn)]).apply(([arn, ...ruleArns]) => JSON.stringify(terminationQueuePolicy(arn, ruleArns))),
    }, parent);

    const roleName = physicalName(`${name}-node-termination-handler`, IAM_ROLE_NAME_MAX_LENGTH);
    const trust = pulumi.output(args.clusterName).apply((cluster) =>
      JSON.stringify(podIdentityTrustPolicy({ clusterName: cluster, namespace: NAMESPACE, serviceAccount: NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT })));
    const role = new aws.iam.Role(`${name}-node-termination-handler`, { ...(roleName ? { name: roleName } : {}), assumeRolePolicy: trust }, parent);
    const rolePolicy = new aws.iam.RolePolicy(`${name}-node-termination-handler`, {
      role: role.id,
      policy: pulumi.all([partition, accountId, groupName, queue.arn]).apply(([p, account, group, queueArn]) =>
        JSON.stringify(nodeTerminationHandlerPolicy({ partition: p, region: args.region, accountId: account, autoScalingGroupName: group, queueArn }))),
    }, parent);
    // Pod Identity injects credentials when a pod starts: association and permissions first.
    // Session tags stay on (no disableSessionTags): the role's trust matches on them.
    const association = new aws.eks.PodIdentityAssociation(`${name}-node-termination-handler`, {
      clusterName: args.clusterName,
      namespace: NAMESPACE,
      serviceAccount: NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT,
      roleArn: role.arn,
    }, parent);

    const labels = { "app.kubernetes.io/name": "aws-node-termination-handler" };
    this.release = new k8s.helm.v3.Release(`${name}-node-termination-handler`, {
      name: "aws-node-termination-handler",
      namespace: NAMESPACE,
      chart: NODE_TERMINATION_HANDLER_CHART,
      version: args.chartVersion,
      timeout: args.helmTimeoutSeconds ?? 1200,
      cleanupOnFail: true,
      values: {
        // Queue-processor mode: a Deployment reading the queue (no IMDS: the nodes' hop limit is 1).
        enableSqsTerminationDraining: true,
        queueURL: queue.url,
        awsRegion: args.region,
        serviceAccount: { create: true, name: NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT },
        // Two replicas in different AZs and a budget: the handler draining its own node must not
        // stop the drain (the other replica picks the message up again). DoNotSchedule: every
        // launch waits for a handler to complete its lifecycle hook (ABANDON after the timeout),
        // so both replicas in one lost AZ would throw away every node launched to replace it.
        // Only AZs with nodes count, so a pool in one AZ still takes both.
        //
        // Both replicas drain a node whose drain outlasts the visibility timeout: the message comes
        // back and nothing shares state across replicas (NTH v1.25.6: no leader election; the
        // event store de-duplicates by event id within one process only,
        // pkg/interruptioneventstore/interruption-event-store.go L63-79; its README, "Single
        // Instance vs Multiple Replicas": "This is not an error case, only the first response will
        // have an affect"). Harmless, so two replicas it is:
        // - a second cordon is a no-op, and evicting a pod already terminating skips its budget
        //   (Kubernetes' eviction, canIgnorePDB): no pod leaves twice against a budget;
        // - the handler only ever completes with CONTINUE, and only once its drain succeeded or
        //   the node is not in the cluster (asg-lifecycle-event.go L104-114, L268-276;
        //   draincordon/handler.go L113-124); the
        //   action is named by its token, so the later CompleteLifecycleAction fails with a
        //   ValidationError ("No active Lifecycle Action found") and can neither end a drain early
        //   nor touch another action; that replica logs it and leaves the message, which the
        //   handler deletes once DescribeInstances shows the instance gone (sqs-monitor.go
        //   L405-414) or the queue drops;
        // - a drain cut short by its replica's eviction (the other replica's drain evicts it;
        //   a handler skips only its own pod, pkg/node/node.go L925-932) goes on in the other.
        replicas: 2,
        podDisruptionBudget: { maxUnavailable: 1 },
        topologySpreadConstraints: [zoneSpread(labels)],
        // The tag check would skip every node launched before this handler (tags propagate at
        // launch only); the group's rule names the group, and a handler drains only nodes of its
        // own cluster, so the check adds nothing here.
        checkTagBeforeDraining: false,
        // Spot and state-change events of other clusters' instances reach this queue too.
        deleteSqsMsgIfNodeNotFound: true,
        // Each pod's own grace period; the drain as a whole ends before the hook's timeout.
        podTerminationGracePeriod: -1,
        nodeTerminationGracePeriod: timeouts.nodeTerminationGracePeriodSeconds,
        // The hook's timeout bounds a node's wait, not heartbeats (drainTimeouts says why).
        heartbeatInterval: -1,
        heartbeatUntil: -1,
        // The chart's default, pinned: it paces the launch hook's readiness checks and the retry
        // of a failed drain (SQS_MESSAGE_VISIBILITY_TIMEOUT_SECONDS).
        sqsMsgVisibilityTimeoutSec: SQS_MESSAGE_VISIBILITY_TIMEOUT_SECONDS,
        emitKubernetesEvents: true,
      },
    }, { parent: this, provider: opts.provider, dependsOn: [rolePolicy, association] });

    // After the handler: a hook nothing completes holds every termination for the whole timeout.
    const hook = new aws.autoscaling.LifecycleHook(`${name}-drain`, {
      name: "drain-on-terminate",
      autoscalingGroupName: groupName,
      lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
      heartbeatTimeout: timeouts.heartbeatTimeoutSeconds,
      defaultResult: "CONTINUE",
      // And after the rules and queue policy that bring it the terminations (as the launch hook).
    }, { parent: this, dependsOn: [this.release, ...eventTargets, queuePolicy] });
    // A new instance stays Pending:Wait until the handler sees its node Ready and completes the
    // action; one that has not joined when the hook times out is abandoned (terminated, and the
    // group tries another). Without it the group counts an instance healthy once EC2 says it
    // runs, and an instance refresh replaces every working node with nodes that never joined.
    // After the handler, the rules and the queue policy that lets them deliver (a hook nothing
    // completes abandons every launch: a deploy that adds the rule must not open a gap); the
    // group's first instances launch before it exists, so the first deploy never waits for it.
    new aws.autoscaling.LifecycleHook(`${name}-join`, {
      name: "wait-for-node-ready",
      autoscalingGroupName: groupName,
      lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
      heartbeatTimeout: NODE_JOIN_TIMEOUT_SECONDS,
      defaultResult: "ABANDON",
    }, { parent: this, dependsOn: [this.release, ...eventTargets, queuePolicy] });

    this.queueUrl = queue.url;
    this.queueArn = queue.arn;
    this.roleArn = role.arn;
    this.lifecycleHookName = hook.name;
    this.registerOutputs({ queueUrl: this.queueUrl, queueArn: this.queueArn, roleArn: this.roleArn, lifecycleHookName: this.lifecycleHookName });
  }
}
