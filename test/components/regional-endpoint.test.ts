import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { albZoneId, installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";
import { planFailoverRecords } from "../../components/lib/dns";
import type { RegionalEndpoint } from "../../components/regional-endpoint";

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];
const ZONE_ID = "Z0123456789ABCDEFGHIJ";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:health-alarms";
const TICKETS = "arn:aws:sns:us-east-1:123456789012:health-tickets";
const HC = "aws:route53/healthCheck:HealthCheck";
const RECORD = "aws:route53/record:Record";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

let cloud: FakeCloud;
let mod: typeof import("../../components/regional-endpoint");
const withArc: Record<string, RegionalEndpoint> = {};
let withoutArc: RegionalEndpoint;
let oneTopic: RegionalEndpoint;

const alb = (region: string) => ({ dnsName: `prod-alb-123.${region}.elb.amazonaws.com`, zoneId: albZoneId(region) });
const routingControl = (region: string) => `arn:aws:route53-recovery-control::123456789012:controlpanel/abc/routingcontrol/${region}`;
const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
const ofType = (rs: RecordedResource[], type: string) => rs.filter((r) => r.type === type);
/** The records DNS routes users by (not each region's own name, which probes ask). */
const routingRecords = (rs: RecordedResource[]) => ofType(rs, RECORD).filter((r) => !r.name.endsWith("-app-own"));
function childrenOf(name: string): RecordedResource[] {
  const component = cloud.resources.find((r) => r.type === "platform:dns:RegionalEndpoint" && r.name === name)!;
  return cloud.resources.filter((r) => r.parent === component.urn);
}
/** Everything the ARC-enabled environment (three regional stacks) registered. */
const environment = () => REGIONS.flatMap((r) => childrenOf(`prod-${r}`));

beforeAll(async () => {
  // A regional stack outside us-east-1: the alarm only lands there if it asks for it.
  cloud = await installFakeCloud({ stack: "dns-region-test", region: "us-west-2" });
  mod = await import("../../components/regional-endpoint");
  // The same loop a regional stack runs, once per region of the environment.
  for (const { region, role } of planFailoverRecords(REGIONS)) {
    withArc[region] = new mod.RegionalEndpoint(`prod-${region}`, {
      region,
      zoneId: ZONE_ID,
      zoneName: "prod.example.com",
      loadBalancer: alb(region),
      routingControlArn: routingControl(region),
      writer: role ? { recordName: "writer", role } : undefined,
      alarmTopicArn: TOPIC,
      ticketTopicArn: TICKETS,
      alarmNames: { outOfRotation: `prod-${region}-out-of-rotation`, routingControlOff: `prod-${region}-routing-control-off` },
    });
  }
  withoutArc = new mod.RegionalEndpoint("dev-eu-west-1", {
    region: "eu-west-1",
    zoneId: ZONE_ID,
    zoneName: "dev.example.com",
    appRecordName: "shop",
    loadBalancer: alb("eu-west-1"),
    healthCheck: { path: "/ready", intervalSeconds: 30, failureThreshold: 5, regions: ["eu-west-1", "us-east-1", "ap-southeast-1", "sa-east-1"], port: 8443 },
  });
  // A caller with one topic only (no ticket topic): nothing it used to hear about goes silent.
  oneTopic = new mod.RegionalEndpoint("solo-eu-west-1", {
    region: "eu-west-1",
    zoneId: ZONE_ID,
    zoneName: "solo.example.com",
    loadBalancer: alb("eu-west-1"),
    routingControlArn: routingControl("eu-west-1"),
    alarmTopicArn: TOPIC,
  });
  await settle();
});

describe("RegionalEndpoint routing records", () => {
  it("gives every routing record a health check of this component and target-health evaluation", () => {
    const all = [...environment(), ...childrenOf("dev-eu-west-1")];
    const records = routingRecords(all);
    expect(records).toHaveLength(REGIONS.length + 2 + 1);
    const checkIds = new Set(ofType(all, HC).map((h) => h.id));
    for (const record of records) {
      expect(checkIds.has(record.inputs.healthCheckId as string)).toBe(true);
      const aliases = record.inputs.aliases as { evaluateTargetHealth: boolean }[];
      expect(aliases).toHaveLength(1);
      expect(aliases[0].evaluateTargetHealth).toBe(true);
      expect(record.inputs.setIdentifier).toBeTruthy();
    }
  });

  it("publishes one latency alias per region to that region's ALB", () => {
    const latency = routingRecords(environment()).filter((r) => r.inputs.latencyRoutingPolicies);
    expect(latency.map((r) => r.inputs.setIdentifier)).toEqual(REGIONS);
    for (const record of latency) {
      const region = record.inputs.setIdentifier as string;
      expect(record.inputs).toMatchObject({ zoneId: ZONE_ID, name: "app.prod.example.com", type: "A", latencyRoutingPolicies: [{ region }] });
      expect((record.inputs.aliases as unknown[])[0]).toEqual({ name: alb(region).dnsName, zoneId: alb(region).zoneId, evaluateTargetHealth: true });
    }
    expect(routingRecords(childrenOf("dev-eu-west-1"))[0].inputs.name).toBe("shop.dev.example.com");
  });

  it("gives a 3-region environment exactly one PRIMARY and one SECONDARY failover record per name", () => {
    const failover = routingRecords(environment()).filter((r) => r.inputs.failoverRoutingPolicies);
    const byName = new Map<string, RecordedResource[]>();
    for (const r of failover) byName.set(r.inputs.name as string, [...(byName.get(r.inputs.name as string) ?? []), r]);
    expect([...byName.keys()]).toEqual(["writer.prod.example.com"]);
    for (const records of byName.values()) {
      const types = records.map((r) => (r.inputs.failoverRoutingPolicies as { type: string }[])[0].type).sort();
      expect(types).toEqual(["PRIMARY", "SECONDARY"]);
      expect(new Set(records.map((r) => r.inputs.setIdentifier)).size).toBe(2);
    }
    const primary = failover.find((r) => (r.inputs.failoverRoutingPolicies as { type: string }[])[0].type === "PRIMARY")!;
    expect(primary.inputs.setIdentifier).toBe("us-east-1-primary");
    expect((primary.inputs.aliases as { name: string }[])[0].name).toBe(alb("us-east-1").dnsName);
    expect(withArc["eu-west-1"].failoverRole).toBeUndefined();
    expect(withArc["eu-west-1"].recordFqdns).toHaveLength(1);
    expect(routingRecords(childrenOf("dev-eu-west-1")).filter((r) => r.inputs.failoverRoutingPolicies)).toEqual([]);
  });

  it("names each region's load balancer alone, for other regions' probes: no routing policy, no health check, no target-health evaluation", async () => {
    const own = ofType([...environment(), ...childrenOf("dev-eu-west-1")], RECORD).filter((r) => r.name.endsWith("-app-own"));
    expect(own.map((r) => r.inputs.name).sort()).toEqual(["app-eu-west-1.prod.example.com", "app-us-east-1.prod.example.com", "app-us-west-2.prod.example.com", "shop-eu-west-1.dev.example.com"]);
    for (const r of own) {
      expect(r.inputs).not.toHaveProperty("healthCheckId");
      expect(r.inputs).not.toHaveProperty("setIdentifier");
      expect((r.inputs.aliases as { evaluateTargetHealth: boolean }[])[0].evaluateTargetHealth).toBe(false);
    }
    expect(await value(withArc["us-west-2"].ownFqdn)).toBe("app-us-west-2.prod.example.com");
  });

  it("exposes the names it publishes", async () => {
    expect(await Promise.all(withArc["us-west-2"].recordFqdns.map(value))).toEqual(["app.prod.example.com", "writer.prod.example.com"]);
  });
});

describe("RegionalEndpoint health checks", () => {
  it("probes the ALB over HTTPS with the defaults: /healthz, 443, every 10 s, 3 failures, 3 checker regions, SNI, latency", () => {
    const https = ofType(childrenOf("prod-us-west-2"), HC).filter((h) => h.inputs.type === "HTTPS");
    expect(https).toHaveLength(1);
    expect(https[0].inputs).toMatchObject({
      fqdn: alb("us-west-2").dnsName,
      resourcePath: "/healthz",
      port: 443,
      enableSni: true,
      requestInterval: 10,
      failureThreshold: 3,
      regions: ["us-east-1", "us-west-2", "eu-west-1"],
      measureLatency: true,
    });
  });

  it("takes every health-check setting from its arguments", () => {
    const [https] = ofType(childrenOf("dev-eu-west-1"), HC);
    expect(https.inputs).toMatchObject({ type: "HTTPS", resourcePath: "/ready", port: 8443, requestInterval: 30, failureThreshold: 5, regions: ["eu-west-1", "us-east-1", "ap-southeast-1", "sa-east-1"] });
    expect(withoutArc.healthCheck.intervalSeconds).toBe(30);
  });

  it("with ARC, routes on a calculated check that needs both the endpoint and the routing control", async () => {
    const checks = ofType(childrenOf("prod-eu-west-1"), HC);
    const https = checks.find((h) => h.inputs.type === "HTTPS")!;
    const arc = checks.find((h) => h.inputs.type === "RECOVERY_CONTROL")!;
    const calculated = checks.find((h) => h.inputs.type === "CALCULATED")!;
    expect(checks).toHaveLength(3);
    expect(arc.inputs.routingControlArn).toBe(routingControl("eu-west-1"));
    expect(calculated.inputs.childHealthchecks).toEqual([https.id, arc.id]);
    expect(calculated.inputs.childHealthThreshold).toBe(2);
    for (const record of routingRecords(childrenOf("prod-eu-west-1"))) expect(record.inputs.healthCheckId).toBe(calculated.id);
    expect(await value(withArc["eu-west-1"].healthCheckId)).toBe(calculated.id);
    expect(await value(withArc["eu-west-1"].endpointHealthCheckId)).toBe(https.id);
  });

  it("without ARC, creates only the HTTPS check and routes on it", async () => {
    const checks = ofType(childrenOf("dev-eu-west-1"), HC);
    expect(checks.map((h) => h.inputs.type)).toEqual(["HTTPS"]);
    for (const record of routingRecords(childrenOf("dev-eu-west-1"))) expect(record.inputs.healthCheckId).toBe(checks[0].id);
    expect(await value(withoutArc.healthCheckId)).toBe(checks[0].id);
  });

  it("refuses health-check settings Route 53 refuses, with the field in the message, before creating anything", () => {
    const base = { region: "us-east-1", zoneId: ZONE_ID, zoneName: "prod.example.com", loadBalancer: alb("us-east-1") };
    const before = cloud.resources.length;
    expect(() => new mod.RegionalEndpoint("bad-1", { ...base, healthCheck: { intervalSeconds: 15 } })).toThrow(/intervalSeconds 15: Route 53 accepts only 10 or 30/);
    expect(() => new mod.RegionalEndpoint("bad-2", { ...base, healthCheck: { failureThreshold: 0 } })).toThrow(/failureThreshold 0/);
    expect(() => new mod.RegionalEndpoint("bad-3", { ...base, healthCheck: { regions: ["us-east-1", "eu-west-1"] } })).toThrow(/at least 3 distinct checker regions/);
    expect(cloud.resources.length).toBe(before);
  });
});

describe("RegionalEndpoint alarm", () => {
  it("watches the routing health check from us-east-1, where Route 53 publishes its metrics, and notifies the topic", async () => {
    for (const region of REGIONS) {
      const rs = childrenOf(`prod-${region}`);
      const alarm = ofType(rs, ALARM).find((a) => a.name === `prod-${region}-health`)!;
      const calculated = ofType(rs, HC).find((h) => h.inputs.type === "CALCULATED")!;
      expect(alarm.region).toBe("us-east-1");
      expect(alarm.inputs).toMatchObject({
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: { HealthCheckId: calculated.id },
        statistic: "Minimum",
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        alarmActions: [TOPIC],
        okActions: [TOPIC],
      });
      expect(await value(withArc[region].alarmArn)).toBe(alarm.outputs.arn);
    }
  });

  it("names the alarms when asked, and alarms on the routing control alone in us-east-1 with ARC", async () => {
    for (const region of REGIONS) {
      const alarms = ofType(childrenOf(`prod-${region}`), ALARM).sort((a, b) => a.name.localeCompare(b.name));
      const arc = ofType(childrenOf(`prod-${region}`), HC).find((h) => h.inputs.type === "RECOVERY_CONTROL")!;
      expect(alarms.map((a) => [a.name, a.inputs.name])).toEqual([[`prod-${region}-health`, `prod-${region}-out-of-rotation`], [`prod-${region}-routing-control`, `prod-${region}-routing-control-off`]]);
      expect(alarms[1].region).toBe("us-east-1");
      expect(alarms[1].inputs).toMatchObject({ namespace: "AWS/Route53", metricName: "HealthCheckStatus", dimensions: { HealthCheckId: arc.id }, threshold: 1, comparisonOperator: "LessThanThreshold" });
      expect(await value(withArc[region].routingControlHealthCheckId!)).toBe(arc.id);
    }
    // Without ARC there is no routing control to watch, and names default to Pulumi's.
    expect(ofType(childrenOf("dev-eu-west-1"), ALARM).map((a) => a.inputs.name)).toEqual([undefined]);
    expect(withoutArc.routingControlHealthCheckId).toBeUndefined();
  });

  it("pages for a region out of rotation, but only tickets for its routing control switched Off (a deliberate evacuation)", () => {
    for (const region of REGIONS) {
      const byName = (name: string) => ofType(childrenOf(`prod-${region}`), ALARM).find((a) => a.inputs.name === name)!;
      expect(byName(`prod-${region}-out-of-rotation`).inputs).toMatchObject({ alarmActions: [TOPIC], okActions: [TOPIC] });
      expect(byName(`prod-${region}-routing-control-off`).inputs).toMatchObject({ alarmActions: [TICKETS], okActions: [TICKETS] });
    }
    // Without a ticket topic both go to the one topic given.
    expect(ofType(childrenOf("solo-eu-west-1"), ALARM).map((a) => a.inputs.alarmActions)).toEqual([[TOPIC], [TOPIC]]);
    expect(oneTopic.routingControlHealthCheckId).toBeDefined();
  });

  it("still alarms (in us-east-1) without a topic, with no actions", () => {
    const [alarm] = ofType(childrenOf("dev-eu-west-1"), ALARM);
    expect(alarm.region).toBe("us-east-1");
    expect(alarm.inputs.alarmActions).toEqual([]);
    expect(alarm.inputs.dimensions).toEqual({ HealthCheckId: ofType(childrenOf("dev-eu-west-1"), HC)[0].id });
  });
});
