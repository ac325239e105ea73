import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";
import type { GlobalTraffic } from "../../components/global-traffic";
import { endpointId } from "../../components/observability/subscribers";

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];
const ARC = "aws:route53recoverycontrol/";

let cloud: FakeCloud;
let full: GlobalTraffic;
let lookup: GlobalTraffic;
let delegated: GlobalTraffic;
let unpublished: GlobalTraffic;
let mod: typeof import("../../components/global-traffic");

const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
const childrenOf = (name: string) => {
  const component = cloud.resources.find((r) => r.type === "platform:dns:GlobalTraffic" && r.name === name)!;
  return cloud.resources.filter((r) => r.parent === component.urn);
};
const ofType = (rs: RecordedResource[], type: string) => rs.filter((r) => r.type === type);

beforeAll(async () => {
  // The global stack deliberately runs outside us-east-1 here, so resources that must live in
  // us-east-1 only pass if they ask for it.
  cloud = await installFakeCloud({ stack: "dns-global-test", region: "eu-west-1" });
  mod = await import("../../components/global-traffic");
  full = new mod.GlobalTraffic("prod", {
    zoneName: "Prod.Example.com.",
    regions: REGIONS,
    queryLogging: true,
    dnssec: true,
    alarmEmail: "oncall@example.com",
    pageEndpoints: ["https://events.pagerduty.com/integration/k1/enqueue"],
    ticketEndpoints: ["https://tickets.example.org/sns"],
  });
  delegated = new mod.GlobalTraffic("stage", { zoneName: "stage.example.com", delegation: { parentZoneName: "example.com." }, regions: REGIONS, arc: { enabled: false }, dnssec: true });
  unpublished = new mod.GlobalTraffic("qa", { zoneName: "qa.example.com", delegation: { parentZoneName: "example.com" }, regions: REGIONS, arc: { enabled: false }, dnssec: true, dnssecParentDsRecord: false });
  lookup = new mod.GlobalTraffic("dev", { zoneName: "dev.example.com", createZone: false, regions: ["eu-west-1", "eu-central-1"], arc: { enabled: false } });
  await settle();
});

describe("GlobalTraffic hosted zone", () => {
  it("creates the zone protected and never force-destroyed, by default", async () => {
    const [zone] = ofType(childrenOf("prod"), "aws:route53/zone:Zone");
    expect(zone.protect).toBe(true);
    expect(zone.inputs).toMatchObject({ name: "prod.example.com", forceDestroy: false });
    expect(await value(full.zoneId)).toBe(zone.id);
    expect(await value(full.nameServers)).toEqual(zone.outputs.nameServers);
  });

  it("looks an existing zone up by name and creates none when createZone is false", async () => {
    expect(ofType(childrenOf("dev"), "aws:route53/zone:Zone")).toEqual([]);
    expect(await value(lookup.zoneId)).toMatch(/^Z[0-9A-Z]+$/);
    expect(await value(lookup.zoneName)).toBe("dev.example.com");
  });

  it("delegates a created zone from its parent zone: NS records (and the DS record once signing) there, protected", () => {
    const children = childrenOf("stage");
    const [zone] = ofType(children, "aws:route53/zone:Zone");
    const records = ofType(children, "aws:route53/record:Record");
    const ns = records.find((r) => r.inputs.type === "NS")!;
    expect(ns.inputs).toMatchObject({ name: "stage.example.com", ttl: 3600, records: zone.outputs.nameServers });
    // In the parent zone (looked up by name), not in the zone itself.
    expect(ns.inputs.zoneId).not.toBe(zone.id);
    expect(ns.protect).toBe(true);
    const ds = records.find((r) => r.inputs.type === "DS")!;
    expect(ds.inputs.zoneId).toBe(ns.inputs.zoneId);
    const signing = ofType(children, "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec")[0];
    expect(ds.dependsOn).toContain(signing.urn);
    // Never a DS record at a name the parent does not delegate yet (nor left behind after it).
    expect(ds.dependsOn).toContain(ns.urn);
    expect(delegated.delegation).toEqual({ mode: "parent-zone", zoneName: "stage.example.com", parentZoneName: "example.com" });
  });

  it("says when nobody delegates a created zone, and when an existing zone is looked up", () => {
    expect(full.delegation).toEqual({ mode: "manual", zoneName: "prod.example.com" });
    expect(lookup.delegation).toEqual({ mode: "existing-zone", zoneName: "dev.example.com" });
    expect(ofType(childrenOf("prod"), "aws:route53/record:Record").filter((r) => r.inputs.type === "NS")).toEqual([]);
  });

  it("refuses a zone name that is not a DNS name, and repeated regions, before creating anything", () => {
    const before = cloud.resources.length;
    expect(() => new mod.GlobalTraffic("bad", { zoneName: "localhost", regions: REGIONS })).toThrow(/two or more labels/);
    expect(() => new mod.GlobalTraffic("bad", { zoneName: "a.example.com", regions: ["us-east-1", "us-east-1"] })).toThrow(/must not repeat/);
    expect(() => new mod.GlobalTraffic("bad", { zoneName: "a.example.com", regions: REGIONS, delegation: { parentZoneName: "example.org" } })).toThrow(/not a parent of a\.example\.com/);
    expect(cloud.resources.length).toBe(before);
  });
});

describe("GlobalTraffic Route 53 ARC (on by default)", () => {
  it("creates a cluster, a control panel on it and one routing control per region in that panel", async () => {
    const rs = childrenOf("prod");
    const [cluster] = ofType(rs, `${ARC}cluster:Cluster`);
    const [panel] = ofType(rs, `${ARC}controlPanel:ControlPanel`);
    const controls = ofType(rs, `${ARC}routingControl:RoutingControl`);
    expect(panel.inputs.clusterArn).toBe(cluster.outputs.arn);
    expect(controls).toHaveLength(REGIONS.length);
    for (const control of controls) expect(control.inputs).toMatchObject({ clusterArn: cluster.outputs.arn, controlPanelArn: panel.outputs.arn });
    const arns = Object.fromEntries(await Promise.all(Object.entries(full.routingControlArns).map(async ([r, arn]) => [r, await value(arn)])));
    expect(Object.keys(arns)).toEqual(REGIONS);
    expect(new Set(Object.values(arns))).toEqual(new Set(controls.map((c) => c.outputs.arn)));
    expect(controls.map((c) => c.inputs.name)).toEqual(REGIONS.map((r) => `prod-${r}`));
    expect(await value(full.clusterEndpoints!)).toHaveLength(5);
  });

  it("creates the routing controls one after the other, in the order of regions (CreateRoutingControl answers 409 to concurrent changes of a panel)", () => {
    const controls = ofType(childrenOf("prod"), `${ARC}routingControl:RoutingControl`);
    const byRegion = REGIONS.map((region) => controls.find((c) => c.inputs.name === `prod-${region}`)!);
    const others = (except: RecordedResource[]) => controls.filter((c) => !except.includes(c)).map((c) => c.urn);
    expect(byRegion[0].dependsOn.filter((urn) => others([byRegion[0]]).includes(urn))).toEqual([]);
    for (let i = 1; i < byRegion.length; i++) {
      // Only the one before: the chain, not a fan-in that would still create the later ones together.
      expect(byRegion[i].dependsOn.filter((urn) => others([byRegion[i]]).includes(urn))).toEqual([byRegion[i - 1].urn]);
    }
  });

  it("has a safety rule that keeps at least one of every routing control On", () => {
    const rs = childrenOf("prod");
    const [rule] = ofType(rs, `${ARC}safetyRule:SafetyRule`);
    const controls = ofType(rs, `${ARC}routingControl:RoutingControl`);
    expect(rule.inputs.ruleConfig).toEqual({ type: "ATLEAST", threshold: 1, inverted: false });
    // In region-name order, so reordering platform:regions (a switchover) does not replace the rule.
    const byRegion = (region: string) => controls.find((c) => c.inputs.name === `prod-${region}`)!.outputs.arn;
    expect(rule.inputs.assertedControls).toEqual([...REGIONS].sort().map(byRegion));
    expect(rule.inputs.controlPanelArn).toBe(ofType(rs, `${ARC}controlPanel:ControlPanel`)[0].outputs.arn);
    expect(rule.inputs.waitPeriodMs).toBeGreaterThan(0);
    expect(rule.inputs.gatingControls).toBeUndefined();
  });

  it("is configured through us-west-2, where the Recovery Control Config API lives", () => {
    const arc = childrenOf("prod").filter((r) => r.type.startsWith(ARC));
    expect(arc).toHaveLength(3 + REGIONS.length);
    for (const r of arc) expect(r.region).toBe("us-west-2");
  });

  it("creates no ARC resource when switched off", () => {
    expect(childrenOf("dev").filter((r) => r.type.startsWith(ARC))).toEqual([]);
    expect(lookup.routingControlArns).toEqual({});
    expect(lookup.clusterArn).toBeUndefined();
    expect(lookup.controlPanelArn).toBeUndefined();
  });
});

describe("GlobalTraffic alarm topic", () => {
  it("lives in us-east-1, with the Route 53 metrics, encrypted with a key CloudWatch may use", () => {
    const rs = childrenOf("prod");
    const [topic] = ofType(rs, "aws:sns/topic:Topic");
    expect(topic.region).toBe("us-east-1");
    const key = ofType(rs, "aws:kms/key:Key").find((k) => k.outputs.arn === topic.inputs.kmsMasterKeyId)!;
    expect(key.region).toBe("us-east-1");
    expect(key.inputs.enableKeyRotation).toBe(true);
    const statements = JSON.parse(String(key.inputs.policy)).Statement as { Principal: Record<string, string>; Action: string | string[] }[];
    const cloudwatch = statements.find((s) => s.Principal.Service === "cloudwatch.amazonaws.com")!;
    expect(cloudwatch.Action).toEqual(expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey*"]));
  });

  it("subscribes the alarm e-mail when given, and nobody otherwise", async () => {
    const subs = ofType(childrenOf("prod"), "aws:sns/topicSubscription:TopicSubscription").filter((s) => s.inputs.protocol === "email");
    expect(subs.map((s) => [s.inputs.protocol, s.inputs.endpoint, s.inputs.topic, s.region])).toEqual([
      ["email", "oncall@example.com", await value(full.alarmTopicArn), "us-east-1"],
      ["email", "oncall@example.com", await value(full.ticketTopicArn), "us-east-1"],
    ]);
    expect(ofType(childrenOf("dev"), "aws:sns/topicSubscription:TopicSubscription")).toEqual([]);
    expect(ofType(childrenOf("dev"), "aws:sns/topic:Topic")).toHaveLength(2);
  });

  it("subscribes the pager to the page topic and ticketing to the ticket topic, in us-east-1, confirming themselves, the URLs secret", async () => {
    const https = ofType(childrenOf("prod"), "aws:sns/topicSubscription:TopicSubscription").filter((s) => s.inputs.protocol === "https");
    // Given as plain strings, recorded as Pulumi records a secret: the URL's key opens incidents.
    // Named by the URL's id (never its position, never the URL), answering to the position name of before.
    const [pager, ticketing] = [endpointId("https://events.pagerduty.com/integration/k1/enqueue"), endpointId("https://tickets.example.org/sns")];
    expect(https.map((s) => [s.name, s.inputs.topic, s.inputs.endpoint, s.region, s.aliases.map((a) => a.split("::").pop())])).toEqual([
      [`prod-health-alarms-https-${pager}`, await value(full.alarmTopicArn), "[secret]", "us-east-1", ["prod-health-alarms-https-1"]],
      [`prod-health-tickets-https-${ticketing}`, await value(full.ticketTopicArn), "[secret]", "us-east-1", ["prod-health-tickets-https-1"]],
    ]);
    for (const s of https) expect(s.inputs).toMatchObject({ endpointAutoConfirms: true, confirmationTimeoutInMinutes: 5 });
    // Retried for most of an hour, not SNS's default three times in a minute.
    for (const s of https) expect(JSON.parse(String(s.inputs.deliveryPolicy)).healthyRetryPolicy).toMatchObject({ numRetries: 14, maxDelayTarget: 300 });
    // Refused naming the argument, not echoing the value (it may be a bare integration key).
    expect(() => new mod.GlobalTraffic("bad", { zoneName: "bad.example.com", regions: REGIONS, pageEndpoints: ["https://events.pagerduty.com/integration/k1/enqueue", "pagerduty"] })).toThrow(/^bad: pageEndpoints\[1\] is not a URL; give the integration's full URL/);
    expect(() => new mod.GlobalTraffic("bad", { zoneName: "bad.example.com", regions: REGIONS, pageEndpoints: ["pagerduty"] })).not.toThrow(/"pagerduty"/);
  });

  it("has a ticket topic beside the page topic, in us-east-1 under the same key", async () => {
    const topics = ofType(childrenOf("prod"), "aws:sns/topic:Topic");
    expect(topics.map((t) => t.name)).toEqual(["prod-health-alarms", "prod-health-tickets"]);
    expect(topics.map((t) => t.region)).toEqual(["us-east-1", "us-east-1"]);
    expect(new Set(topics.map((t) => t.inputs.kmsMasterKeyId)).size).toBe(1);
    expect(await value(full.ticketTopicArn)).toBe(topics[1].outputs.arn);
    expect(await value(full.ticketTopicArn)).not.toBe(await value(full.alarmTopicArn));
  });

  it("tickets the page topic's failed deliveries (NumberOfNotificationsFailed), on the ticket topic, when it has a subscriber", () => {
    const rs = childrenOf("prod");
    const [pages, tickets] = ofType(rs, "aws:sns/topic:Topic");
    const alarm = ofType(rs, "aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => a.inputs.name === "prod-page-delivery-failed")!;
    expect(alarm.region).toBe("us-east-1");
    expect(alarm.inputs).toMatchObject({ namespace: "AWS/SNS", metricName: "NumberOfNotificationsFailed", dimensions: { TopicName: pages.outputs.name }, statistic: "Sum", threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold", alarmActions: [tickets.outputs.arn] });
    expect(ofType(childrenOf("dev"), "aws:cloudwatch/metricAlarm:MetricAlarm")).toEqual([]);
  });
});

describe("GlobalTraffic query logging and DNSSEC (off by default)", () => {
  it("logs queries to a us-east-1 log group Route 53 may write to, for this zone only", () => {
    const rs = childrenOf("prod");
    const [group] = ofType(rs, "aws:cloudwatch/logGroup:LogGroup");
    const [policy] = ofType(rs, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy");
    const [queryLog] = ofType(rs, "aws:route53/queryLog:QueryLog");
    const [zone] = ofType(rs, "aws:route53/zone:Zone");
    expect(group.region).toBe("us-east-1");
    expect(policy.region).toBe("us-east-1");
    const [statement] = JSON.parse(String(policy.inputs.policyDocument)).Statement;
    expect(statement.Principal).toEqual({ Service: "route53.amazonaws.com" });
    expect(statement.Resource).toBe(`${group.outputs.arn}:*`);
    expect(statement.Condition.ArnLike["aws:SourceArn"]).toBe(`arn:aws:route53:::hostedzone/${zone.id}`);
    expect(queryLog.inputs).toMatchObject({ zoneId: zone.id, cloudwatchLogGroupArn: group.outputs.arn });
    // Route 53 checks the policy when the query log is created.
    expect(queryLog.dependsOn).toContain(policy.urn);
  });

  it("signs the zone with a protected ECC_NIST_P256 key in us-east-1 that Route 53 DNSSEC may use", async () => {
    const rs = childrenOf("prod");
    const key = ofType(rs, "aws:kms/key:Key").find((k) => k.inputs.keyUsage === "SIGN_VERIFY")!;
    const [ksk] = ofType(rs, "aws:route53/keySigningKey:KeySigningKey");
    const [signing] = ofType(rs, "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec");
    const [zone] = ofType(rs, "aws:route53/zone:Zone");
    expect(key.inputs).toMatchObject({ customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" });
    expect(key.region).toBe("us-east-1");
    const statements = JSON.parse(String(key.inputs.policy)).Statement as { Principal: Record<string, string>; Action: string | string[]; Condition?: Record<string, Record<string, string>> }[];
    const dnssec = statements.filter((s) => s.Principal.Service === "dnssec-route53.amazonaws.com");
    expect(dnssec.flatMap((s) => s.Action)).toEqual(expect.arrayContaining(["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign", "kms:CreateGrant"]));
    expect(dnssec.find((s) => s.Action === "kms:CreateGrant")!.Condition!.Bool["kms:GrantIsForAWSResource"]).toBe("true");
    expect(ksk.inputs).toMatchObject({ hostedZoneId: zone.id, keyManagementServiceArn: key.outputs.arn, status: "ACTIVE" });
    expect(ksk.inputs.name).toMatch(/^[A-Za-z0-9_]{3,128}$/);
    expect(signing.inputs).toMatchObject({ hostedZoneId: zone.id, signingStatus: "SIGNING" });
    expect(signing.dependsOn).toContain(ksk.urn);
    for (const r of [key, ksk, signing]) expect(r.protect).toBe(true);
    expect(await value(full.dnssecDsRecord!)).toBe(ksk.outputs.dsRecord);
  });

  it("alarms to the alarm topic, in us-east-1 where Route 53 publishes them, when the zone cannot be signed", () => {
    const rs = childrenOf("prod");
    const [zone] = ofType(rs, "aws:route53/zone:Zone");
    const [topic] = ofType(rs, "aws:sns/topic:Topic");
    const [signing] = ofType(rs, "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec");
    const alarms = ofType(rs, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => String(a.inputs.metricName).startsWith("DNSSEC"));
    expect(alarms.map((a) => [a.inputs.name, a.inputs.metricName])).toEqual([["prod-dnssec-internal-failure", "DNSSECInternalFailure"], ["prod-dnssec-ksk-action-needed", "DNSSECKeySigningKeysNeedingAction"]]);
    for (const alarm of alarms) {
      expect(alarm.region).toBe("us-east-1");
      expect(alarm.inputs).toMatchObject({ namespace: "AWS/Route53", dimensions: { HostedZoneId: zone.id }, comparisonOperator: "GreaterThanThreshold", threshold: 0, alarmActions: [topic.outputs.arn] });
      // About one data point in four hours: an empty window keeps the state, never clears it.
      expect(alarm.inputs).toMatchObject({ statistic: "Sum", treatMissingData: "ignore" });
      expect(alarm.dependsOn).toContain(signing.urn);
    }
    expect(ofType(childrenOf("dev"), "aws:cloudwatch/metricAlarm:MetricAlarm")).toEqual([]);
  });

  it("keeps signing but writes no DS record in the parent with dnssecParentDsRecord false (step one of turning DNSSEC off)", async () => {
    const rs = childrenOf("qa");
    expect(ofType(rs, "aws:route53/record:Record").map((r) => r.inputs.type)).toEqual(["NS"]);
    expect(ofType(rs, "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec")).toHaveLength(1);
    expect(await value(unpublished.dnssecDsRecord!)).toBe(ofType(rs, "aws:route53/keySigningKey:KeySigningKey")[0].outputs.dsRecord);
  });

  it("refuses to sign a zone it does not create, before creating anything", () => {
    const before = cloud.resources.length;
    expect(() => new mod.GlobalTraffic("other", { zoneName: "other.example.com", createZone: false, regions: REGIONS, dnssec: true })).toThrow(/dnssec needs a zone this component creates/);
    expect(cloud.resources.length).toBe(before);
  });

  it("creates neither when not asked", () => {
    const types = new Set(childrenOf("dev").map((r) => r.type));
    for (const t of ["aws:route53/queryLog:QueryLog", "aws:cloudwatch/logGroup:LogGroup", "aws:route53/keySigningKey:KeySigningKey", "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec"]) {
      expect(types.has(t)).toBe(false);
    }
    expect(ofType(childrenOf("dev"), "aws:kms/key:Key").every((k) => k.inputs.keyUsage !== "SIGN_VERIFY")).toBe(true);
  });

  it("derives key-signing-key names the Route 53 API accepts", () => {
    for (const name of ["prod", "a", "prod-eu.global", "x".repeat(300)]) expect(mod.kskName(name)).toMatch(/^[A-Za-z0-9_]{3,128}$/);
  });
});
