/** monitoring-covers-serving-regions: a serving region's error rate, latency and replication lag reach a person. */
import { createRequire } from "module";
import { describe, expect, it } from "vitest";
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { evaluateStack, policyResources, type Violation } from "../../policies/evaluate";
import { monitoringCoversServingRegions, ruleAlarmNames } from "../../policies/rules/observability";
import { configFromSettings } from "../../policies/reconcile";
import { environment, ofPolicy, patch, recorded, type RegionSlice } from "./fixtures";

const POLICY = "monitoring-covers-serving-regions";
const policyRuntime = createRequire(__filename)("@pulumi/policy") as { unknownCheckingProxy<T>(value: T): T };
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Violations in the secondary region's stack after `breakIt`. */
function run(breakIt: (region: RegionSlice) => void): Violation[] {
  const env = environment();
  breakIt(env.secondary);
  return ofPolicy(evaluateStack(env.stacks()[2]), POLICY);
}
const without = (region: RegionSlice, key: keyof RegionSlice) => {
  const dropped = region[key];
  const all = region.all;
  region.all = () => all().filter((r) => r !== dropped);
};

describe("monitoring-covers-serving-regions", () => {
  it("passes a region whose golden signals reach the topic through a composite and whose lag alarm pages directly", () => {
    expect(run(() => undefined)).toEqual([]);
  });

  it("fails a region without the replication-lag alarm, on the Aurora member", () => {
    const violations = run((r) => without(r, "replicationLagAlarm"));
    expect(violations).toHaveLength(1);
    expect(violations[0].urn).toMatch(/::db$/);
    expect(violations[0].message).toMatch(/no replication-lag alarm \(AuroraGlobalDBRPOLag or AuroraGlobalDBReplicationLag by DBClusterIdentifier\)/);
  });

  it("fails a region without the error-rate alarm, on the load balancer", () => {
    const [violation] = run((r) => without(r, "errorRateAlarm"));
    expect(violation.urn).toMatch(/::ingress$/);
    expect(violation.message).toMatch(/no error-rate alarm/);
    expect(violation.message).not.toMatch(/latency/);
  });

  it("does not count an alarm whose dimension name is misspelt or names another load balancer", () => {
    const misspelt = run((r) => patch(r.latencyAlarm, { dimensions: { LoadBalancerName: r.alb.outputs.arnSuffix } }));
    expect(misspelt.map((v) => v.message)).toEqual([expect.stringMatching(/no latency alarm \(TargetResponseTime by LoadBalancer\)/)]);
    const elsewhere = run((r) => patch(r.latencyAlarm, { dimensions: { LoadBalancer: "app/other/0123456789abcdef" } }));
    expect(elsewhere).toHaveLength(1);
    const lag = run((r) => patch(r.replicationLagAlarm, { dimensions: { DBInstanceIdentifier: "db-eu-west-1" } }));
    expect(lag.map((v) => v.urn)).toEqual([expect.stringMatching(/::db$/)]);
  });

  it("counts a replication-lag alarm on a Metrics Insights query of the member, as the stacks declare it, and not one of another cluster", () => {
    const query = (cluster: string) => ({ namespace: undefined, metricName: undefined, dimensions: undefined, statistic: undefined, period: undefined, metricQueries: [{ id: "lag", returnData: true, period: 60, expression: `SELECT MAX(AuroraGlobalDBRPOLag) FROM "AWS/RDS" WHERE DBClusterIdentifier = '${cluster}'` }] });
    expect(run((r) => patch(r.replicationLagAlarm, query(r.db.outputs.clusterIdentifier as string)))).toEqual([]);
    const other = run((r) => patch(r.replicationLagAlarm, query("prod-us-east-1")));
    expect(other.map((v) => v.urn)).toEqual([expect.stringMatching(/::db$/)]);
  });

  it("fails alarms that reach nobody: a topic without subscriber, or leaf alarms no composite routes", () => {
    const unsubscribed = run((r) => without(r, "alarmSubscription"));
    expect(unsubscribed.map((v) => v.urn!.split("::").pop()).sort()).toEqual(["db", "ingress"]);
    expect(unsubscribed.find((v) => v.urn!.endsWith("::db"))!.message).toMatch(/prod-eu-west-1-replication-lag watches it but reaches nobody/);
    const noComposite = run((r) => without(r, "regionImpaired"));
    expect(noComposite.map((v) => v.message)).toEqual([expect.stringMatching(/prod-eu-west-1-error-rate watches it but reaches nobody.*prod-eu-west-1-latency-p99 watches it but reaches nobody/)]);
  });

  it("reads the alarm names a composite rule names", () => {
    expect(ruleAlarmNames('ALARM("a-1") OR (OK(b) AND ALARM(arn:aws:cloudwatch:us-east-1:1:alarm:c))')).toEqual(["a-1", "b", "arn:aws:cloudwatch:us-east-1:1:alarm:c"]);
  });

  it("ignores regions without a load balancer (a global stack)", () => {
    const env = environment();
    expect(ofPolicy(evaluateStack(env.stacks()[0]), POLICY)).toEqual([]);
  });
});

describe("during a preview", () => {
  /** The secondary stack as a preview shows it: ARN suffix and cluster identifier unknown, dimensions unknown. */
  function preview(withDependencies: boolean, lagAsQuery = false): string[] {
    const env = environment();
    const resources = policyResources(env.stacks()[2].resources);
    const byName = (name: string) => resources.find((r) => r.name === name)!;
    const lbs = resources.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
    const alb: PolicyResource = lbs[0];
    const db = byName("db");
    for (const r of [...lbs, db]) r.props = policyRuntime.unknownCheckingProxy({ ...r.props, arnSuffix: UNKNOWN_STRING, clusterIdentifier: UNKNOWN_STRING });
    const error = byName("error-rate");
    const queries = (error.props.metricQueries as { metric?: { dimensions: Record<string, string> } }[]).map((q) => (q.metric ? { ...q, metric: { ...q.metric, dimensions: { LoadBalancer: UNKNOWN_STRING } } } : q));
    error.props = policyRuntime.unknownCheckingProxy({ ...error.props, metricQueries: queries });
    const latency = byName("latency");
    latency.props = policyRuntime.unknownCheckingProxy({ ...latency.props, dimensions: { LoadBalancer: UNKNOWN_STRING } });
    const lag = byName("replication-lag");
    lag.props = policyRuntime.unknownCheckingProxy(lagAsQuery
      ? { ...lag.props, namespace: undefined, metricName: undefined, dimensions: undefined, metricQueries: [{ id: "lag", returnData: true, period: 60, expression: UNKNOWN_STRING }] }
      : { ...lag.props, dimensions: { DBClusterIdentifier: UNKNOWN_STRING } });
    if (withDependencies) {
      error.propertyDependencies = { metricQueries: [alb] };
      latency.propertyDependencies = { dimensions: [alb] };
      lag.propertyDependencies = lagAsQuery ? { metricQueries: [db] } : { dimensions: [db] };
    }
    const found: string[] = [];
    const report: ReportViolation = (message) => found.push(message);
    const args = { resources, getConfig: () => ({}), notApplicable: () => undefined } as unknown as StackValidationArgs;
    (monitoringCoversServingRegions as StackValidationPolicy).validateStack(args, report);
    return found;
  }

  it("accepts alarms whose dimensions come from the load balancer's and the cluster's outputs", () => {
    expect(preview(true)).toEqual([]);
  });

  it("does not accept unknown dimensions that come from elsewhere", () => {
    expect(preview(false)).toHaveLength(2);
  });

  it("takes a Metrics Insights query it cannot read yet by where its text comes from", () => {
    expect(preview(true, true)).toEqual([]);
    expect(preview(false, true)).toHaveLength(2);
  });
});

describe("production-pages-reach-a-pager", () => {
  const PAGER = "production-pages-reach-a-pager";
  const production = configFromSettings({ production: true });
  /** Violations in the secondary region's stack, after `change`, under `config`. */
  function pagerRun(change: (region: RegionSlice) => void, config = production): Violation[] {
    const env = environment();
    change(env.secondary);
    return ofPolicy(evaluateStack(env.stacks()[2], config), PAGER);
  }
  /** The pager's HTTPS endpoint subscribed to the region's alarm topic, beside the e-mail. */
  const withPager = (region: RegionSlice) => {
    const all = region.all;
    const o = { stack: `prod-${region.region}`, region: region.region };
    const pager = recorded("aws:sns/topicSubscription:TopicSubscription", "alarms-https-1", { topic: region.alarmSubscription.inputs.topic, protocol: "https", endpoint: "https://events.pagerduty.com/integration/k/enqueue", endpointAutoConfirms: true }, o);
    region.all = () => [...all(), pager];
  };

  it("fails a production region whose pages reach only e-mail, on the load balancer and the Aurora member", () => {
    const found = pagerRun(() => undefined);
    expect(found.map((v) => v.urn!.split("::").pop())).toEqual(["ingress", "ingress", "db"]);
    expect(found.map((v) => v.message)).toEqual([
      expect.stringMatching(/error-rate alarm \(prod-eu-west-1-error-rate\) reaches only e-mail subscribers/),
      expect.stringMatching(/latency alarm \(prod-eu-west-1-latency-p99\) reaches only e-mail/),
      expect.stringMatching(/replication-lag alarm \(prod-eu-west-1-replication-lag\) reaches only e-mail/),
    ]);
  });

  it("passes once the pager subscribes to the topic the alarms page (directly, or through the composite)", () => {
    expect(pagerRun(withPager)).toEqual([]);
    // An e-mail-json subscriber is a mailbox too.
    expect(pagerRun((r) => patch(r.alarmSubscription, { protocol: "email-json" }))).toHaveLength(3);
    // A pager on another topic than the one paged (the ticket topic, say) does not count.
    expect(pagerRun((r) => {
      const all = r.all;
      const o = { stack: `prod-${r.region}`, region: r.region };
      const tickets = recorded("aws:sns/topic:Topic", "tickets", {}, o);
      const pager = recorded("aws:sns/topicSubscription:TopicSubscription", "tickets-https-1", { topic: tickets.outputs.arn, protocol: "https", endpoint: "https://tickets.example.org/sns" }, o);
      r.all = () => [...all(), tickets, pager];
    })).toHaveLength(3);
  });

  it("applies only to production environments that page through a pager, and leaves alarms that reach nobody to monitoring-covers-serving-regions", () => {
    expect(pagerRun(() => undefined, {})).toEqual([]);
    expect(pagerRun(() => undefined, configFromSettings({ production: false }))).toEqual([]);
    // The named opt-out: pages by e-mail, accepted.
    expect(configFromSettings({ production: true, pagesByEmailOnly: true })[PAGER]).toBeUndefined();
    expect(pagerRun(() => undefined, configFromSettings({ production: true, pagesByEmailOnly: true }))).toEqual([]);
    expect(pagerRun((r) => without(r, "alarmSubscription"))).toEqual([]);
  });
});
