/**
 * resilience.monitoring: what the plan says about alarms, dashboards, Prometheus and probes, and
 * the plan's CLI refusing a program whose region lost its replication-lag or error-rate alarm.
 */
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { engineUrn } from "../../tools/fake-cloud/urn";
import type { PlanDocument, PlanResource, PlanStack } from "../../tools/plan/model";
import { alarmRows, describeThreshold, monitoringFigure, monitoringSummary } from "../../tools/plan/monitoring";
import { validatePlan } from "../../tools/plan/schema";
import { sharedRun } from "../shared-plan";
import { COMPLIANT_PROGRAM } from "../shared-runs";
// The CLI in this process: the compliant program's spawned run (test/shared-runs.ts) is its end-to-end test.
import { planInProcess } from "./run-in-process";
import { temporaryDirectories } from "./temp-dirs";

function resource(type: string, name: string, region: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}): PlanResource {
  return { urn: engineUrn("prod", "platform", null, type, name), type, name, custom: true, id: name, parent: null, provider: null, region, protect: false, retainOnDelete: false, ignoreChanges: [], aliases: [], dependsOn: [], inputs, outputs: { ...inputs, ...outputs } };
}

describe("monitoringFigure", () => {
  const topicArn = "arn:aws:sns:eu-west-1:1:prod-eu-west-1-alarms";
  const stacks: Pick<PlanStack, "stack" | "role" | "region" | "resources">[] = [
    { stack: "prod", role: "global", region: "us-east-1", resources: [resource("aws:cloudwatch/dashboard:Dashboard", "g", "us-east-1", { dashboardName: "prod-global" }), resource("aws:grafana/workspace:Workspace", "gf", "us-east-1", { name: "prod-observability", grafanaVersion: "12.4", authenticationProviders: ["AWS_SSO"] })] },
    {
      stack: "prod-eu-west-1",
      role: "region",
      region: "eu-west-1",
      resources: [
        resource("aws:sns/topic:Topic", "t", "eu-west-1", { name: "prod-eu-west-1-alarms", kmsMasterKeyId: "arn:key" }, { arn: topicArn }),
        resource("aws:sns/topicSubscription:TopicSubscription", "s", "eu-west-1", { topic: topicArn, protocol: "email", endpoint: "a@b.c" }),
        resource("aws:cloudwatch/metricAlarm:MetricAlarm", "lag", "eu-west-1", { name: "prod-eu-west-1-replication-lag", namespace: "AWS/RDS", metricName: "AuroraGlobalDBRPOLag", dimensions: { DBClusterIdentifier: "x" }, statistic: "Maximum", comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 30000, period: 60, evaluationPeriods: 3, datapointsToAlarm: 3, alarmActions: [topicArn] }),
        resource("aws:cloudwatch/metricAlarm:MetricAlarm", "err", "eu-west-1", { name: "prod-eu-west-1-error-rate", comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 0.72, evaluationPeriods: 5, datapointsToAlarm: 3, metricQueries: [{ id: "t", returnData: false, metric: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", dimensions: { LoadBalancer: "app/x/1" }, stat: "Sum", period: 60 } }, { id: "e", returnData: true, label: "5xx error rate (%)", expression: "t" }], alarmActions: [] }),
        resource("aws:cloudwatch/metricAlarm:MetricAlarm", "cpu", "eu-west-1", { name: "prod-eu-west-1-node-cpu", namespace: "AWS/EC2", metricName: "CPUUtilization", dimensions: { AutoScalingGroupName: "a" }, threshold: 85, comparisonOperator: "GreaterThanOrEqualToThreshold", period: 300, evaluationPeriods: 1, alarmActions: [] }),
        resource("aws:cloudwatch/compositeAlarm:CompositeAlarm", "imp", "eu-west-1", { alarmName: "prod-eu-west-1-region-impaired", alarmRule: 'ALARM("prod-eu-west-1-error-rate")', alarmActions: [topicArn] }),
        // Route 53 alarms of this region live in us-east-1 but belong to this region's figure.
        resource("aws:cloudwatch/metricAlarm:MetricAlarm", "dns", "us-east-1", { name: "prod-eu-west-1-out-of-rotation", namespace: "AWS/Route53", metricName: "HealthCheckStatus", dimensions: { HealthCheckId: "h" }, threshold: 1, comparisonOperator: "LessThanThreshold", period: 60, evaluationPeriods: 1, alarmActions: ["arn:aws:sns:us-east-1:1:global"] }),
        resource("aws:amp/workspace:Workspace", "amp", "eu-west-1", { alias: "prod-eu-west-1" }),
        resource("aws:amp/workspaceConfiguration:WorkspaceConfiguration", "ampc", "eu-west-1", { retentionPeriodInDays: 150 }),
        resource("aws:amp/scraper:Scraper", "scr", "eu-west-1", {}),
        resource("aws:synthetics/canary:Canary", "can", "eu-west-1", { name: "prod-eu-west-1", runtimeVersion: "syn-nodejs-puppeteer-15.0", schedule: { expression: "rate(1 minute)" }, runConfig: { environmentVariables: { PROBE_TARGETS: JSON.stringify([{ url: "https://app/healthz" }, { url: "https://alb/healthz" }]) } } }),
      ],
    },
    { stack: "prod-us-east-1", role: "region", region: "us-east-1", resources: [] },
  ];
  const figure = monitoringFigure(stacks, ["us-east-1", "eu-west-1"]);
  const [region] = figure.regions;

  it("lists each watched region with its topic, dashboards, Prometheus and canaries, and the global view", () => {
    expect(figure.source).toBe("resources");
    expect(figure.regions.map((r) => r.region)).toEqual(["eu-west-1"]);
    expect(region.topics).toEqual([{ name: "prod-eu-west-1-alarms", encrypted: true, subscribers: 1 }]);
    expect(region.prometheus).toEqual({ workspaces: 1, retentionDays: 150, scrapers: 1, ruleGroups: 0, alertmanager: false });
    expect(region.canaries).toEqual([{ name: "prod-eu-west-1", schedule: "rate(1 minute)", runtime: "syn-nodejs-puppeteer-15.0", targets: ["https://app/healthz", "https://alb/healthz"] }]);
    expect(figure.global).toEqual({ dashboards: ["prod-global"], grafana: [{ name: "prod-observability", version: "12.4", authentication: ["AWS_SSO"] }] });
  });

  it("tells what each alarm watches, its threshold and whether it reaches a person", () => {
    const byName = Object.fromEntries(region.alarms.map((a) => [a.name, a]));
    expect(byName["prod-eu-west-1-replication-lag"]).toMatchObject({ signal: "replication-lag", threshold: 30000, unit: "ms", comparison: "≥", dimensions: ["DBClusterIdentifier"], routed: "topic" });
    expect(byName["prod-eu-west-1-error-rate"]).toMatchObject({ signal: "error-rate", metric: "5xx error rate (%)", unit: "%", statistic: null, routed: "composite" });
    expect(byName["prod-eu-west-1-node-cpu"].routed).toBe("none");
    expect(byName["prod-eu-west-1-out-of-rotation"]).toMatchObject({ signal: "dns", alarmRegion: "us-east-1", routed: "unsubscribed" });
    expect(describeThreshold(byName["prod-eu-west-1-replication-lag"])).toBe("AWS/RDS AuroraGlobalDBRPOLag Maximum ≥ 30000 ms in 3 of 3 × 60 s");
    expect(describeThreshold(byName["prod-eu-west-1-error-rate"])).toBe("5xx error rate (%) ≥ 0.72 % in 3 of 5 × 60 s");
    // A routed alarm names its topic (pages and tickets go to different ones).
    expect(byName["prod-eu-west-1-replication-lag"].notifies).toEqual(["prod-eu-west-1-alarms"]);
    expect(alarmRows(region).map((r) => r[3])).toEqual(expect.arrayContaining(["→ NOBODY", "→ topic WITHOUT subscriber", "→ via composite", "→ prod-eu-west-1-alarms"]));
  });

  it("tells a composite that only aggregates alarms which notify on their own from one whose alarms reach nobody", () => {
    const silent = (name: string, rule: string) => resource("aws:cloudwatch/compositeAlarm:CompositeAlarm", name, "eu-west-1", { alarmName: name, alarmRule: rule });
    const withComposites = [stacks[0], { ...stacks[1], resources: [...stacks[1].resources, silent("prod-eu-west-1-aggregate", 'ALARM("prod-eu-west-1-replication-lag") OR ALARM("prod-eu-west-1-error-rate")'), silent("prod-eu-west-1-half", 'ALARM("prod-eu-west-1-replication-lag") OR ALARM("prod-eu-west-1-node-cpu")')] }, stacks[2]];
    const routed = Object.fromEntries(monitoringFigure(withComposites, ["us-east-1", "eu-west-1"]).regions[0].alarms.map((a) => [a.name, a.routed]));
    expect(routed["prod-eu-west-1-aggregate"]).toBe("children");
    // node-cpu reaches nobody, so a composite reading it cannot count on its children.
    expect(routed["prod-eu-west-1-half"]).toBe("none");
  });

  it("orders alarms by kind and name, whatever the registration order", () => {
    const reversed = monitoringFigure([stacks[0], { ...stacks[1], resources: [...stacks[1].resources].reverse() }, stacks[2]], ["us-east-1", "eu-west-1"]);
    expect(reversed.regions[0].alarms).toEqual(region.alarms);
    expect(region.alarms.at(-1)!.kind).toBe("composite");
  });

  it("summarizes a region in one sentence", () => {
    expect(monitoringSummary(figure)[0]).toBe("eu-west-1: no dashboard; 4 alarms + 1 composite; topic prod-eu-west-1-alarms (KMS, 1 subscriber); Prometheus 150 d, 1 managed scraper; canary prod-eu-west-1 rate(1 minute) (syn-nodejs-puppeteer-15.0) probing 2 target(s)");
    expect(monitoringSummary(figure)[1]).toBe("global: dashboard prod-global; Grafana prod-observability (12.4, AWS_SSO)");
  });
});


describe("the plan's CLI on a program that drops a monitoring alarm", () => {
  const tempDir = temporaryDirectories();
  let dir: string;
  const program = COMPLIANT_PROGRAM;
  const withConfig = (omit: string) => {
    const file = join(dir, `omit-${omit}.yaml`);
    writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", "fixture:omitAlarm": omit } }));
    return file;
  };
  beforeAll(() => {
    dir = tempDir("plan-monitoring-");
  });

  it("plans the complete program with exit 0 and lists its alarms per region in the JSON", async () => {
    // The run test/plan/experiments.test.ts reads too.
    const run = await sharedRun("compliant");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const document = run.document;
    expect(validatePlan(document)).toEqual([]);
    const monitoring = document.resilience.monitoring;
    expect(monitoring.regions.map((r) => [r.region, r.alarms.map((a) => a.signal).sort()])).toEqual([
      ["us-east-1", ["error-rate", "latency", "replication-lag"]],
      ["eu-west-1", ["error-rate", "latency", "replication-lag"]],
    ]);
    expect(monitoring.regions.every((r) => r.alarms.every((a) => a.routed === "topic") && r.topics[0].subscribers === 1)).toBe(true);
    expect(run.stdout).toMatch(/Monitoring\n {2}us-east-1: no dashboard; 3 alarms \+ 0 composite; topic/);
  }, 120_000);

  for (const [omit, resource, gap] of [["replication-lag", "db", /no replication-lag alarm/], ["errors", "ingress", /no error-rate alarm/]] as const) {
    it(`exits 1 when the ${omit} alarm is removed, naming the resource and the gap`, async () => {
      const run = await planInProcess("--program", program, "--config-file", withConfig(omit), "--json", join(dir, `${omit}.json`));
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const document = JSON.parse(readFileSync(join(dir, `${omit}.json`), "utf8")) as PlanDocument;
      const violations = document.stacks.flatMap((s) => s.violations).filter((v) => v.enforcementLevel === "mandatory");
      // Only the dropped alarm's gap, in both regions of the program (it drops it from both).
      expect(violations.map((v) => [v.policy, v.urn?.split("::").pop()]).sort()).toEqual([["monitoring-covers-serving-regions", `eu-west-1-${resource}`], ["monitoring-covers-serving-regions", `us-east-1-${resource}`]]);
      for (const v of violations) expect(v.message).toMatch(gap);
    }, 120_000);
  }
});
