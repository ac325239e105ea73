/** The environment's observability keys: validation (key, value, fix) and what the stacks build from them. */
import { describe, expect, it } from "vitest";
import { join } from "path";
import { monitoringObjectives, parseEnvironment } from "../../stacks/config";
import { databaseClusterIdentifier, globalObservabilityArgs, observabilityArgs, regionArgs, type SharedInputs } from "../../stacks/compose";
import { readStackConfig } from "../../tools/fake-cloud/run";
import { configProblems, VALID_ENVIRONMENT } from "../fixtures/environment";

const prodConfig = readStackConfig(join(__dirname, "..", "..", "Pulumi.prod.yaml"));
const prod = parseEnvironment("prod", prodConfig);

const shared: SharedInputs = { zoneId: "Z1", zoneName: "prod.example.com", globalClusterIdentifier: "prod-global", routingControlArn: "arn:rc", alarmTopicArn: "arn:topic", ticketTopicArn: "arn:tickets" };

const problemsOf = (config: Record<string, unknown>): Record<string, string> => Object.fromEntries(configProblems({ ...VALID_ENVIRONMENT, ...config }).map((p) => [p.key, p.message]));

describe("observability keys", () => {
  it("reads prod's objectives as numbers", () => {
    expect(monitoringObjectives(prod)).toEqual({ availabilityPercent: 99.95, latencyPercent: 99, latencyThresholdMs: 300, sloWindowDays: 30, rpoSeconds: 60, nodeCpuPercent: 85, nodeMemoryPercent: 90, dbCpuPercent: 80 });
  });

  it("refuses objectives no burn-rate alarm could fire on, and percentages that are not numbers", () => {
    const problems = problemsOf({ "platform:sloAvailabilityPercent": "90", "platform:sloLatencyPercent": "99%", "platform:sloLatencyThresholdMs": 0, "platform:rpoObjectiveSeconds": 0 });
    expect(problems["platform:sloAvailabilityPercent"]).toMatch(/above 93\.055556 and below 100.*could never fire/);
    expect(problems["platform:sloLatencyPercent"]).toMatch(/a percentage of requests, e\.g\. 99\.9/);
    expect(problems["platform:sloLatencyThresholdMs"]).toMatch(/positive number of milliseconds/);
    expect(problems["platform:rpoObjectiveSeconds"]).toMatch(/seconds ≥ 1/);
  });

  it("refuses retention, intervals and runtimes outside what AWS accepts", () => {
    const problems = problemsOf({ "platform:prometheusRetentionDays": 2000, "platform:canaryIntervalMinutes": 0, "platform:canaryRuntimeVersion": "syn-python-selenium-5.1", "platform:canaryRetentionDays": 500, "platform:grafanaVersion": "11.0" });
    expect(Object.keys(problems).sort()).toEqual(["platform:canaryIntervalMinutes", "platform:canaryRetentionDays", "platform:canaryRuntimeVersion", "platform:grafanaVersion", "platform:prometheusRetentionDays"]);
    expect(problems["platform:canaryRuntimeVersion"]).toMatch(/Node\.js runtime such as syn-nodejs-puppeteer-15\.0/);
  });

  it("makes IAM Identity Center a stated precondition of Grafana: admin groups required, and real group ids", () => {
    expect(problemsOf({ "platform:grafanaEnabled": true })["platform:grafanaAdminGroupIds"]).toMatch(/IAM Identity Center, which must be enabled in the account first/);
    expect(problemsOf({ "platform:grafanaEnabled": true, "platform:grafanaAdminGroupIds": ["admins"] })["platform:grafanaAdminGroupIds[0]"]).toMatch(/IAM Identity Center group id/);
    expect(problemsOf({ "platform:grafanaEnabled": false })).toEqual({});
  });
});

describe("what the stacks build from them", () => {
  it("gives each region its objectives, subscriber, Prometheus and probe", () => {
    const args = observabilityArgs(prod);
    expect(args).toMatchObject({
      environment: "prod",
      regionCount: 3,
      alarmEmails: ["oncall@example.com"],
      prometheus: { retentionDays: 150 },
      canary: { runtimeVersion: "syn-nodejs-puppeteer-15.0", intervalMinutes: 1, artifactRetentionDays: 31 },
    });
    expect(args.objectives?.availabilityPercent).toBe(99.95);
    const off = observabilityArgs(parseEnvironment("dev", { ...VALID_ENVIRONMENT, "platform:prometheusEnabled": false, "platform:canaryEnabled": false }));
    expect(off.prometheus).toBeUndefined();
    expect(off.canary).toBeUndefined();
    expect(off.alarmEmails).toBeUndefined();
  });

  it("names the DNS alarms and the Aurora member the way the global dashboard expects them", () => {
    const args = regionArgs(prod, "us-west-2", shared);
    expect(args.dns.alarmNames).toEqual({ outOfRotation: "prod-us-west-2-out-of-rotation", routingControlOff: "prod-us-west-2-routing-control-off" });
    // Out of rotation pages; the routing control switched Off (an evacuation) is a ticket.
    expect([args.dns.alarmTopicArn, args.dns.ticketTopicArn]).toEqual(["arn:topic", "arn:tickets"]);
    expect(args.database.clusterIdentifier).toBe("prod-us-west-2");
    const global = globalObservabilityArgs(prod);
    expect(global.regions).toEqual(prod.regions.map((region, i) => ({ region, prefix: `prod-${region}`, primary: i === 0, databaseClusterIdentifier: databaseClusterIdentifier(prod, region) })));
    expect(global.regions.map((r) => r.databaseClusterIdentifier)).toEqual(prod.regions.map((r) => regionArgs(prod, r, shared).database.clusterIdentifier));
    expect(global).toMatchObject({ arcEnabled: true, lagThresholdMs: 30_000, route53Region: "us-east-1", grafana: { adminGroupIds: prodConfig["platform:grafanaAdminGroupIds"], version: "12.4" } });
  });
});
