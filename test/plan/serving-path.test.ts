/**
 * The plan's serving-path section: each region's path from DNS to pods, complete or naming the
 * missing link, the same in JSON, terminal, Markdown and the diagram; and the zone's delegation.
 */
import { describe, expect, it } from "vitest";
import type { RecordedResource } from "../../tools/fake-cloud";
import { renderDot } from "../../tools/plan/diagram";
import { renderMarkdown } from "../../tools/plan/markdown";
import { delegationFigure } from "../../tools/plan/resilience";
import { webAclMode } from "../../policies/rules/security-waf";
import { readDelegation, readWaf } from "../../tools/plan/serving-path";
import { validatePlan } from "../../tools/plan/schema";
import { renderTerminal } from "../../tools/plan/terminal";
import { planOf, planStack, resource } from "./resources";

const REGION = "eu-west-1";
const TG_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123";
const labels = { "app.kubernetes.io/name": "web" };
const metadata = { name: "web", namespace: "app", labels };

/** A regional stack with the whole path; `drop` leaves out resources by logical name. */
function region(drop: string[] = []): RecordedResource[] {
  const o = { stack: `prod-${REGION}`, region: REGION };
  const k8s = { ...o, region: null };
  const rule = (type: "Ingress" | "Egress", name: string, on: string, peer: string) =>
    resource(`aws:vpc/securityGroup${type}Rule:SecurityGroup${type}Rule`, name, { securityGroupId: on, referencedSecurityGroupId: peer, ipProtocol: "tcp", fromPort: 8080, toPort: 8080 }, o);
  const all = [
    resource("aws:lb/loadBalancer:LoadBalancer", "alb", { loadBalancerType: "application", securityGroups: ["sg-alb"] }, { ...o, id: "arn:alb", outputs: { arn: "arn:alb", dnsName: "alb-1.eu-west-1.elb.amazonaws.com" } }),
    // The ALB's security group and the nodes' (which the pods carry), and the rules between them.
    resource("aws:ec2/securityGroup:SecurityGroup", "alb-sg", {}, { ...o, id: "sg-alb" }),
    resource("aws:ec2/securityGroup:SecurityGroup", "node-sg", {}, { ...o, id: "sg-node" }),
    rule("Egress", "alb-to-pods", "sg-alb", "sg-node"),
    rule("Ingress", "pods-from-alb", "sg-node", "sg-alb"),
    resource("aws:ec2/launchTemplate:LaunchTemplate", "nodes", { networkInterfaces: [{ deviceIndex: 0, securityGroups: ["sg-node"] }] }, { ...o, id: "lt-nodes" }),
    resource("aws:autoscaling/group:Group", "nodes", { launchTemplate: { id: "lt-nodes" }, minSize: 3, maxSize: 6, tags: [{ key: "kubernetes.io/cluster/prod", value: "owned" }] }, { ...o, id: "nodes-asg" }),
    resource("aws:lb/targetGroup:TargetGroup", "tg", { targetType: "ip", port: 8080, healthCheck: { path: "/healthz", port: "traffic-port" } }, { ...o, id: TG_ARN, outputs: { arn: TG_ARN } }),
    resource("aws:lb/listener:Listener", "https", { loadBalancerArn: "arn:alb", port: 443, defaultActions: [{ type: "forward", targetGroupArn: TG_ARN }] }, o),
    resource("aws:route53/record:Record", "app", { name: "app.prod.example.com", type: "A", aliases: [{ name: "alb-1.eu-west-1.elb.amazonaws.com", zoneId: "Z1", evaluateTargetHealth: true }] }, o),
    resource("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "binding", { metadata: { namespace: "app" }, spec: { serviceRef: { name: "web", port: 80 }, targetGroupARN: TG_ARN, targetType: "ip" } }, k8s),
    resource("kubernetes:core/v1:Service", "service", { metadata, spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] } }, k8s),
    resource("kubernetes:apps/v1:Deployment", "deployment", {
      metadata,
      spec: { template: { metadata: { labels }, spec: { containers: [{ name: "web", ports: [{ name: "http", containerPort: 8080 }], readinessProbe: { httpGet: { path: "/healthz", port: "http" } } }] } } },
    }, k8s),
    resource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hpa", { metadata, spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, minReplicas: 3, maxReplicas: 9 } }, k8s),
  ];
  return all.filter((r) => !drop.includes(r.name));
}

const planWith = (resources: RecordedResource[]) => planOf("prod", [planStack(`prod-${REGION}`, "region", REGION, resources)], { regions: [REGION] });

describe("serving path in the plan", () => {
  it("shows a region's path from DNS record to pods as complete", () => {
    const plan = planWith(region());
    const [path] = plan.resilience.servingPath.regions;
    expect(path).toMatchObject({ region: REGION, complete: true, missing: null });
    expect(path.paths).toEqual([{
      records: ["app.prod.example.com"],
      loadBalancer: "alb",
      targetGroup: "tg",
      healthCheckPath: "/healthz",
      binding: "binding",
      service: "app/web",
      workload: "app/web",
      minPods: 3,
      network: { status: "open", ports: [8080] },
      waf: { mode: "none", webAcl: null },
      complete: true,
      missingLink: null,
      missing: null,
    }]);
    expect(validatePlan(plan)).toEqual([]);
    expect(renderTerminal(plan)).toMatch(/serving path +eu-west-1: app\.prod\.example\.com → ALB alb \(no WAF\) → target group tg \(\/healthz\) → Service app\/web → pods of app\/web \(≥ 3\): complete/);
  });

  it.each([
    ["binding", "binding", /^binding: target group tg gets traffic from a listener but no TargetGroupBinding/],
    ["service", "service", /^service: TargetGroupBinding binding .* names Service web in namespace app/],
    ["deployment", "pods", /^pods: Service service .* selects no Deployment/],
    ["app", "dns-record", /^dns-record: no DNS record of this stack aliases the load balancer of target group tg/],
    ["alb-to-pods", "network", /^network: target group tg: no egress rule on the load balancer's security group\(s\) alb-sg allows TCP 8080 toward the pods' security group\(s\) node-sg/],
    ["pods-from-alb", "network", /^network: target group tg: no ingress rule on the pods' security group\(s\) node-sg .* admits the load balancer's security group\(s\) alb-sg/],
  ])("names the missing link when the %s is removed", (dropped, link, message) => {
    const plan = planWith(region([dropped]));
    const [path] = plan.resilience.servingPath.regions;
    expect(path.complete).toBe(false);
    expect(path.paths[0].missingLink).toBe(link);
    expect(path.missing).toMatch(message);
    expect(renderMarkdown(plan)).toContain(`INCOMPLETE, missing ${link}`);
    expect(validatePlan(plan)).toEqual([]);
  });

  it("names a network link it cannot judge unknown, and the path complete", () => {
    // An ALB without security groups of its own gets the VPC's default group, whose rules the stack does not hold.
    const plan = planWith(region(["alb-sg", "alb-to-pods"]).map((r) => (r.name === "alb" ? { ...r, outputs: { ...r.outputs, securityGroups: undefined } } : r)));
    const [path] = plan.resilience.servingPath.regions;
    expect(path).toMatchObject({ complete: true, missing: null });
    expect(path.paths[0].network).toEqual({ status: "unknown", ports: [8080] });
    expect(validatePlan(plan)).toEqual([]);
  });

  it("names the target type when the binding's is not the target group's", () => {
    const plan = planWith(region().map((r) => (r.name === "tg" ? { ...r, outputs: { ...r.outputs, targetType: "instance" } } : r)));
    const [path] = plan.resilience.servingPath.regions;
    expect(path.paths[0]).toMatchObject({ complete: false, missingLink: "target-type", network: null });
    expect(path.missing).toMatch(/^target-type: TargetGroupBinding binding registers ip targets with target group tg, whose target type is instance/);
    expect(renderMarkdown(plan)).toContain("INCOMPLETE, missing target-type");
    expect(validatePlan(plan)).toEqual([]);
  });

  it("draws the path below the ALB, and the missing link in red", () => {
    const complete = renderDot(planWith(region()));
    expect(complete).toMatch(/r0_alb -> r0_serve0 \[label="forwards"\]/);
    expect(complete).toMatch(/r0_serve0 -> r0_serve1 \[label="binding"\]/);
    expect(complete).toMatch(/r0_serve1 -> r0_serve2 \[label="selects"\]/);
    const broken = renderDot(planWith(region(["binding"])));
    expect(broken).toContain("MISSING: binding");
    expect(broken).toMatch(/r0_serve0 -> r0_serve1 \[label="missing", color="#c62828", style=dashed\]/);
  });

  it("reports a region whose load balancer forwards to nothing", () => {
    const plan = planWith(region(["https"]));
    expect(plan.resilience.servingPath.regions).toEqual([{ region: REGION, complete: false, missing: "no listener forwards to a target group in this region", paths: [] }]);
  });
});

describe("web ACL in front of the serving path", () => {
  const ACL_ARN = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/waf/1";
  const o = { stack: `prod-${REGION}`, region: REGION };
  const rules = (mode: "block" | "count") => [
    { name: "rate-limit-per-ip", priority: 0, action: { [mode]: {} } },
    { name: "aws-common", priority: 1, overrideAction: mode === "count" ? { count: {} } : { none: {} } },
  ];
  const acl = (mode: "block" | "count") =>
    resource("aws:wafv2/webAcl:WebAcl", "waf", { scope: "REGIONAL", defaultAction: { allow: {} }, rules: rules(mode) }, { ...o, id: "1", outputs: { arn: ACL_ARN } });
  const association = resource("aws:wafv2/webAclAssociation:WebAclAssociation", "waf", { resourceArn: "arn:alb", webAclArn: ACL_ARN }, o);
  const alb = region().find((r) => r.name === "alb")!;

  it("reads block or count from the rules' actions and the groups' override actions", () => {
    expect(webAclMode({ defaultAction: { allow: {} }, rules: rules("block") })).toBe("block");
    expect(webAclMode({ defaultAction: { allow: {} }, rules: rules("count") })).toBe("count");
    expect(webAclMode({ defaultAction: { block: {} }, rules: rules("count") })).toBe("block");
    expect(webAclMode({ defaultAction: { allow: {} }, rules: "[secret]" })).toBe("unknown");
    expect(webAclMode({ defaultAction: { allow: {} }, rules: [{ name: "r" }] })).toBe("unknown");
  });

  it("matches the association to the ALB and the web ACL by ARN, or by recorded dependency", () => {
    expect(readWaf(alb, [alb, acl("count"), association])).toEqual({ mode: "count", webAcl: "waf" });
    const byDependency = { ...association, inputs: {}, propertyDependencies: { resourceArn: [alb.urn], webAclArn: [acl("block").urn] } };
    expect(readWaf(alb, [alb, acl("block"), byDependency])).toEqual({ mode: "block", webAcl: "waf" });
    expect(readWaf(alb, [alb, acl("block"), { ...association, inputs: { resourceArn: "arn:other-alb", webAclArn: ACL_ARN } }])).toEqual({ mode: "none", webAcl: null });
    expect(readWaf(alb, [alb, { ...association, inputs: { resourceArn: "arn:alb", webAclArn: "arn:elsewhere" } }])).toEqual({ mode: "unknown", webAcl: null });
  });

  it("shows the mode beside the ALB in the terminal, Markdown and diagram, and in a valid plan", () => {
    const counting = planWith([...region(), acl("count"), association]);
    expect(counting.resilience.servingPath.regions[0].paths[0].waf).toEqual({ mode: "count", webAcl: "waf" });
    expect(validatePlan(counting)).toEqual([]);
    expect(renderTerminal(counting)).toContain("→ ALB alb (WAF: counting only) → target group tg");
    expect(renderMarkdown(counting)).toContain("ALB alb (WAF: counting only)");
    expect(renderDot(counting)).toMatch(/r0_alb \[label="ALB.*WAF: counting only/);
    const blocking = planWith([...region(), acl("block"), association]);
    expect(renderTerminal(blocking)).toContain("ALB alb (WAF: blocking)");
    expect(renderDot(planWith(region()))).toMatch(/r0_alb \[label="ALB.*no WAF/);
  });
});

describe("zone delegation in the plan", () => {
  const zone = resource("aws:route53/zone:Zone", "zone", { name: "prod.example.com" }, { id: "ZCHILD" });
  const ns = resource("aws:route53/record:Record", "delegation", { zoneId: "ZPARENT", name: "prod.example.com", type: "NS", records: ["ns-1.awsdns-01.com"] });

  it("says the global stack delegates the zone when it writes NS records in the parent", () => {
    expect(readDelegation([zone, ns])).toEqual({ mode: "parent-zone", zoneName: "prod.example.com" });
    expect(delegationFigure(readDelegation([zone, ns]), { dnsParentZoneName: "example.com" }).message).toBe(
      "the global stack writes prod.example.com's NS records in example.com; the deploy waits for the zone to answer before the primary wave",
    );
  });

  it("says the deploy waits for a hand delegation, and warns when nothing delegates a created zone", () => {
    expect(delegationFigure(readDelegation([zone]), { dnsManualDelegation: true })).toMatchObject({ mode: "manual", message: expect.stringMatching(/delegated by hand.*waits for the zone to answer/) });
    expect(delegationFigure(readDelegation([zone]), {})).toMatchObject({ mode: "undelegated", message: expect.stringMatching(/nothing delegates the new zone prod\.example\.com/) });
  });

  it("takes a looked-up zone as delegated", () => {
    const record = resource("aws:route53/record:Record", "app", { zoneId: "ZEXISTING", name: "app.prod.example.com", type: "A" });
    expect(delegationFigure(readDelegation([record]), { dnsZoneName: "prod.example.com" })).toMatchObject({ mode: "existing-zone", zoneName: "prod.example.com" });
  });
});
