/**
 * Draining self-managed nodes before EC2 takes them away: the decisions behind
 * `NodeTerminationHandler` as plain functions — which events reach the handler's queue, what the
 * handler may do in AWS, and how long a terminating node waits for its drain.
 *
 * Without them an Auto Scaling group terminates instances (instance refresh, capacity
 * rebalancing, AZ rebalancing, a scale-in) with the pods still on them: the kubelet gets a
 * shutdown signal, pod disruption budgets are never asked, and every replica on the node goes at
 * once. With a termination lifecycle hook the group holds the instance in Terminating:Wait and
 * emits an event; aws-node-termination-handler (queue-processor mode) reads it from SQS, cordons
 * and drains the node through the eviction API (budgets respected), then completes the lifecycle
 * action. Source: aws/aws-node-termination-handler README "Queue Processor" (v1.25.6).
 */
import type { PolicyDocument } from "./eks";

/**
 * How long a launching instance may take to become a Ready node before the group abandons it:
 * boot, nodeadm's join and the CNI's start take two to four minutes; ten leave room for a slow
 * image pull without keeping a node that will never join for long.
 */
export const NODE_JOIN_TIMEOUT_SECONDS = 600;

/** Helm chart of aws-node-termination-handler (OCI, as its README installs it). */
export const NODE_TERMINATION_HANDLER_CHART = "oci://public.ecr.aws/aws-ec2/helm/aws-node-termination-handler";
/** Its service account (set in the chart values); the Pod Identity association must name it. */
export const NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT = "aws-node-termination-handler";

/** Longest a terminating node waits for its drain before the group terminates it anyway. */
export const DEFAULT_DRAIN_TIMEOUT_SECONDS = 600;

/**
 * Seconds a message the handler has received stays hidden before a replica receives it again.
 * The handler sets it on every ReceiveMessage (aws-node-termination-handler v1.25.6, chart 0.27.6:
 * pkg/monitor/sqsevent/sqs-monitor.go L300-317, `sqsMsgVisibilityTimeoutSec`), so the queue's own
 * visibility timeout is never used; it never extends it, and deletes a message only when the work
 * is done (asg-lifecycle-event.go L104-114: after CompleteLifecycleAction) or the event is not
 * actionable (sqs-monitor.go L283-290).
 *
 * Short on purpose (NTH's default): a launch whose node is not Ready yet is dropped and checked
 * again when its message comes back (pkg/interruptionevent/asg/launch/handler.go L66-74), so this
 * is how long a Ready node can wait for its launch hook, and a failed drain is retried the same
 * way (pkg/interruptionevent/draincordon/handler.go L113-118). NTH refuses more than 119 s
 * (pkg/config/config.go L314-316), well under a drain of 540 s: raising it would slow every join
 * and still not stop the other replica from reading a message whose drain is under way (why that
 * is harmless: `NodeTerminationHandler`).
 */
export const SQS_MESSAGE_VISIBILITY_TIMEOUT_SECONDS = 20;
/** NTH refuses to start with a longer visibility timeout (pkg/config/config.go L314-316). */
export const SQS_MESSAGE_VISIBILITY_TIMEOUT_MAX_SECONDS = 119;
/** Beyond the hooks' timeouts, for EventBridge's delivery of the event. */
const QUEUE_RETENTION_MARGIN_SECONDS = 300;

export interface TerminationEventRule {
  /** Short id, part of the resource names. */
  readonly id: string;
  readonly description: string;
  readonly pattern: Record<string, unknown>;
}

/**
 * EventBridge rules that feed the handler's queue.
 *
 * - The group's launch lifecycle actions (only this group's): the handler completes one once the
 *   instance's node is Ready in the cluster, so a node that never joins (a bad AMI, user data, a
 *   CNI that fails on the new image) is abandoned instead of counted as healthy by an instance
 *   refresh that then replaces every node with it (the handler's README, "Handle ASG Instance
 *   Launch Lifecycle Notifications").
 * - The group's terminate lifecycle actions (only this group's: the rule names it). Capacity
 *   rebalancing launches a replacement for a Spot instance at risk and then terminates it through
 *   this hook, so rebalance recommendations need no rule of their own: in queue mode the handler
 *   drains on every event it reads, and a recommendation the group does not act on would leave a
 *   healthy node cordoned (the README: "with capacity-rebalance ... we do not need Spot and
 *   Rebalance events").
 * - Spot interruption warnings: two minutes is all there is; draining on the warning itself does
 *   not wait for the group's replacement to launch first.
 * - Instances stopped or terminated outside the group (console, API, a FIS experiment) and AWS
 *   Health scheduled changes (retirements): no lifecycle hook is involved, the drain races the
 *   shutdown, which is still better than none.
 * Spot, state-change and Health events carry no group name; they reach every cluster's queue in
 * the region, and each handler only drains nodes of its own cluster.
 */
export function terminationEventRules(autoScalingGroupName: string): TerminationEventRule[] {
  return [
    {
      id: "asg-launch",
      description: `Launch lifecycle actions of ${autoScalingGroupName}`,
      pattern: { source: ["aws.autoscaling"], "detail-type": ["EC2 Instance-launch Lifecycle Action"], detail: { AutoScalingGroupName: [autoScalingGroupName] } },
    },
    {
      id: "asg-terminate",
      description: `Terminate lifecycle actions of ${autoScalingGroupName}`,
      pattern: { source: ["aws.autoscaling"], "detail-type": ["EC2 Instance-terminate Lifecycle Action"], detail: { AutoScalingGroupName: [autoScalingGroupName] } },
    },
    {
      id: "spot-interruption",
      description: "EC2 Spot Instance interruption warnings",
      pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
    },
    {
      id: "instance-state",
      description: "EC2 instances stopping or terminating",
      // The states the handler drains on (instanceStatesToDrain in its ec2-state-change-event.go).
      pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], detail: { state: ["stopping", "stopped", "shutting-down", "terminated"] } },
    },
    {
      id: "scheduled-change",
      description: "AWS Health scheduled changes of EC2 instances",
      pattern: { source: ["aws.health"], "detail-type": ["AWS Health Event"], detail: { service: ["EC2"], eventTypeCategory: ["scheduledChange"] } },
    },
  ];
}

export interface TerminationPolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly autoScalingGroupName: string;
  readonly queueArn: string;
}

/**
 * The handler's IAM policy, least privilege: it reads and deletes messages of its own queue only,
 * completes lifecycle actions of its own group only (no heartbeats: see `drainTimeouts`), and
 * describes instances and groups, which support no resource-level scoping.
 */
export function nodeTerminationHandlerPolicy(s: TerminationPolicyScope): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadOwnQueue", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: s.queueArn },
      {
        Sid: "CompleteOwnLifecycleActions",
        Effect: "Allow",
        Action: ["autoscaling:CompleteLifecycleAction"],
        // The group's ARN holds a generated id; its name is what is known before it exists.
        Resource: `arn:${s.partition}:autoscaling:${s.region}:${s.accountId}:autoScalingGroup:*:autoScalingGroupName/${s.autoScalingGroupName}`,
      },
      { Sid: "Describe", Effect: "Allow", Action: ["autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeTags", "ec2:DescribeInstances"], Resource: "*" },
    ],
  };
}

/**
 * The queue accepts events from this region's rules of the handler only (no other service or
 * account can fill it).
 */
export function terminationQueuePolicy(queueArn: string, ruleArns: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: "EventBridgeRules",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: queueArn,
      Condition: { ArnEquals: { "aws:SourceArn": [...ruleArns] } },
    }],
  };
}

/**
 * The hook's timeout and the handler's drain timeout: the drain must end (and complete the
 * action) before the hook gives up, so the handler gets a minute less. The hook's default result
 * is CONTINUE either way: a node whose pods cannot leave (a budget that never allows it) is
 * terminated after the timeout rather than kept forever.
 *
 * So the handler sends no lifecycle heartbeats (`heartbeatInterval` off): its drain gives up after
 * `nodeTerminationGracePeriod` (the drain helper's Timeout, pkg/node/node.go L743-752 at v1.25.6),
 * inside the hook's timeout, which stays the one bound on a node's wait. Heartbeats start with
 * each drain attempt, in each replica that reads the message, and a failed drain is retried from
 * the message with new ones and a fresh `heartbeatUntil` (asg-lifecycle-event.go L116-127): a node
 * whose budget never allows an eviction would wait on retries instead of on this timeout. A drain
 * that needs longer takes a larger `drainTimeoutSeconds` (up to the hook's 7200 s).
 */
export function drainTimeouts(drainTimeoutSeconds: number = DEFAULT_DRAIN_TIMEOUT_SECONDS): { heartbeatTimeoutSeconds: number; nodeTerminationGracePeriodSeconds: number } {
  // Auto Scaling accepts heartbeat timeouts of 30 to 7200 seconds.
  if (!Number.isInteger(drainTimeoutSeconds) || drainTimeoutSeconds < 120 || drainTimeoutSeconds > 7200) {
    throw new RangeError(`drainTimeoutSeconds ${drainTimeoutSeconds} must be a whole number of seconds from 120 to 7200 (the lifecycle hook's heartbeat timeout)`);
  }
  return { heartbeatTimeoutSeconds: drainTimeoutSeconds, nodeTerminationGracePeriodSeconds: drainTimeoutSeconds - 60 };
}

/**
 * How long the handler's queue keeps a message: as long as either hook can still act on it, plus
 * EventBridge's delivery. The handler's event store is in memory (pkg/interruptioneventstore), so
 * the message is all that survives a restart of both replicas: a drain cut short or failed is
 * retried, and a launch checked again, only from a message still in the queue (a fixed 900 s
 * dropped it while a longer drain timeout's hook still waited). No longer:
 * an older message names a lifecycle action that has ended, and one left behind (a delete with a
 * receipt handle a later receive replaced may not delete it, SQS DeleteMessage) is read again
 * every {@link SQS_MESSAGE_VISIBILITY_TIMEOUT_SECONDS} s until the handler sees its instance gone.
 */
export function terminationQueueRetentionSeconds(drainTimeoutSeconds: number = DEFAULT_DRAIN_TIMEOUT_SECONDS): number {
  const { heartbeatTimeoutSeconds } = drainTimeouts(drainTimeoutSeconds);
  return Math.max(heartbeatTimeoutSeconds, NODE_JOIN_TIMEOUT_SECONDS) + QUEUE_RETENTION_MARGIN_SECONDS;
}
