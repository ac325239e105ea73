/** The node termination handler's decisions with plain values: its events, its timeouts, its permissions. */
import { describe, expect, it } from "vitest";
import {
  NODE_JOIN_TIMEOUT_SECONDS,
  SQS_MESSAGE_VISIBILITY_TIMEOUT_MAX_SECONDS,
  SQS_MESSAGE_VISIBILITY_TIMEOUT_SECONDS,
  drainTimeouts,
  nodeTerminationHandlerPolicy,
  terminationEventRules,
  terminationQueueRetentionSeconds,
} from "../../components/lib/node-termination";

/** Every drain timeout the hook accepts, at a coarse step plus the ends. */
const DRAIN_TIMEOUTS = [120, 121, 599, 600, 601, 840, 900, 1800, 3600, 7199, 7200];

describe("drainTimeouts", () => {
  it("ends the handler's drain a minute before the hook gives up", () => {
    expect(drainTimeouts()).toEqual({ heartbeatTimeoutSeconds: 600, nodeTerminationGracePeriodSeconds: 540 });
    expect(drainTimeouts(1800)).toEqual({ heartbeatTimeoutSeconds: 1800, nodeTerminationGracePeriodSeconds: 1740 });
  });

  it("refuses what the hook cannot hold, or a drain too short to be one", () => {
    for (const bad of [119, 7201, 600.5, Number.NaN]) expect(() => drainTimeouts(bad)).toThrow(/120 to 7200/);
  });
});

describe("terminationQueueRetentionSeconds", () => {
  it("keeps a message five minutes past the longer hook: the join hook's for short drains, the drain hook's otherwise", () => {
    expect(terminationQueueRetentionSeconds()).toBe(900);
    expect(terminationQueueRetentionSeconds(120)).toBe(NODE_JOIN_TIMEOUT_SECONDS + 300);
    expect(terminationQueueRetentionSeconds(1800)).toBe(2100);
    expect(terminationQueueRetentionSeconds(7200)).toBe(7500);
  });

  it("never lets the queue drop an event either hook still waits on (a failed or interrupted drain is retried only from its message)", () => {
    for (const drain of DRAIN_TIMEOUTS) {
      const retention = terminationQueueRetentionSeconds(drain);
      expect(retention, `drain ${drain}`).toBeGreaterThan(drainTimeouts(drain).heartbeatTimeoutSeconds);
      expect(retention, `drain ${drain}`).toBeGreaterThan(NODE_JOIN_TIMEOUT_SECONDS);
      // SQS keeps messages 60 s to 14 days.
      expect(retention).toBeGreaterThanOrEqual(60);
      expect(retention).toBeLessThanOrEqual(1_209_600);
    }
  });

  it("refuses the drain timeouts drainTimeouts refuses", () => {
    expect(() => terminationQueueRetentionSeconds(9000)).toThrow(/120 to 7200/);
  });
});

describe("the handler's visibility timeout", () => {
  it("is one NTH starts with, short enough to re-check a launching node often", () => {
    expect(SQS_MESSAGE_VISIBILITY_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(1);
    expect(SQS_MESSAGE_VISIBILITY_TIMEOUT_SECONDS).toBeLessThanOrEqual(SQS_MESSAGE_VISIBILITY_TIMEOUT_MAX_SECONDS);
    // A Ready node waits at most this for its launch hook: a small share of the join timeout.
    expect(SQS_MESSAGE_VISIBILITY_TIMEOUT_SECONDS * 10).toBeLessThanOrEqual(NODE_JOIN_TIMEOUT_SECONDS);
  });

  it("cannot outlast a drain of three minutes or more, so the other replica reads a message mid-drain whatever it is (harmless, and why one is not raised)", () => {
    for (const drain of DRAIN_TIMEOUTS.filter((d) => d >= 240)) {
      expect(SQS_MESSAGE_VISIBILITY_TIMEOUT_MAX_SECONDS).toBeLessThan(drainTimeouts(drain).nodeTerminationGracePeriodSeconds);
    }
  });
});

describe("nodeTerminationHandlerPolicy", () => {
  const policy = nodeTerminationHandlerPolicy({ partition: "aws", region: "eu-west-1", accountId: "123456789012", autoScalingGroupName: "g", queueArn: "arn:aws:sqs:eu-west-1:123456789012:q" });
  const actions = policy.Statement.flatMap((s) => [s.Action].flat());

  it("completes lifecycle actions and sends no heartbeats (the hook's timeout is the bound)", () => {
    expect(actions).toContain("autoscaling:CompleteLifecycleAction");
    expect(actions).not.toContain("autoscaling:RecordLifecycleActionHeartbeat");
  });
});

describe("terminationEventRules", () => {
  it("never drains on a bare rebalance recommendation (capacity rebalancing replaces first, then terminates through the hook)", () => {
    expect(JSON.stringify(terminationEventRules("g"))).not.toMatch(/Rebalance Recommendation/);
  });
});
