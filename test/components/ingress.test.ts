import { beforeAll, describe, expect, it } from "vitest";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";
import { plainTransformValue } from "../fixtures/transform-props";

let cloud: FakeCloud;
let locked: import("../../components/ingress").RegionalIngress;
let open: import("../../components/ingress").RegionalIngress;
/** The header rule's conditions as the program declared them (the recorded inputs mask the whole property: it holds secrets). */
let verifiedConditions: { value: unknown; secret: boolean } | undefined;
const POD_PORT = 8443;
const CLUSTER_SG = "sg-0c1a55e7c1a55e7c1";
const ZONE_ID = "Z0123456789EXAMPLE";
const domainNames = ["app.example.com", "*.app.example.com", "api.example.com"];

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "ingress-test", region: "eu-west-1" });
  const aws = await import("@pulumi/aws");
  const { RegionalNetwork } = await import("../../components/network");
  const { RegionalIngress } = await import("../../components/ingress");
  const { NodePool } = await import("../../components/node-pool");

  const network = new RegionalNetwork("net", { cidrBlock: "10.40.0.0/16" });
  const ingress = new RegionalIngress("edge", { vpcId: network.vpcId, publicSubnetIds: network.publicSubnetIds, domainNames, zoneId: ZONE_ID, targetPort: POD_PORT });
  new NodePool("web", {
    cluster: { name: "prod-euw1", endpoint: "https://0123ABCD.gr7.eu-west-1.eks.amazonaws.com", certificateAuthorityData: "Q0E=", serviceIpv4Cidr: "172.20.0.0/16", version: "1.33", securityGroupId: CLUSTER_SG },
    instanceProfileArn: "arn:aws:iam::123456789012:instance-profile/nodes",
    vpcId: network.vpcId,
    subnetIds: network.privateSubnetIds,
    azCount: network.azCount,
    instanceTypes: ["m7i.xlarge", "m6i.xlarge", "m7a.xlarge"],
    amiReleaseVersion: "v20260714",
    loadBalancer: { securityGroupId: ingress.securityGroupId, port: ingress.targetPort },
  });

  // A region opened after August 2022: ALB log delivery has no ELB account there.
  const zurich = new aws.Provider("zurich", { region: "eu-central-2" });
  new RegionalIngress("zrh", { vpcId: "vpc-0zrh", publicSubnetIds: ["subnet-0z1", "subnet-0z2", "subnet-0z3"], domainNames: ["zrh.example.com"], zoneId: ZONE_ID, targetPort: POD_PORT, accessLogRetentionDays: 30 }, { provider: zurich });
  // An environment called "internal": ELB refuses load balancer names starting with "internal-".
  new RegionalIngress("internal-euw1", { vpcId: "vpc-0int", publicSubnetIds: ["subnet-0i1", "subnet-0i2"], domainNames: ["int.example.com"], zoneId: ZONE_ID, targetPort: POD_PORT });
  // Behind the edge, its direct path locked: the current secret and the one rotating in.
  const pulumi = await import("@pulumi/pulumi");
  locked = new RegionalIngress("behind-edge", {
    vpcId: "vpc-0edge", publicSubnetIds: ["subnet-0e1", "subnet-0e2"], domainNames: ["app.prod.example.com"], zoneId: ZONE_ID, targetPort: POD_PORT,
    healthCheckPath: "/ready",
    originVerify: { values: ["current-0123456789abcdef", pulumi.secret("next-0123456789abcdef")] },
  }, {
    transforms: [async (t) => {
      if (t.type === "aws:lb/listenerRule:ListenerRule" && t.name.endsWith("-origin-verified")) {
        // Transforms see the properties as the engine passes them: each secret an Output where it stands.
        verifiedConditions = await plainTransformValue(t.props.conditions);
      }
      return undefined;
    }],
  });
  open = new RegionalIngress("edge-open", { vpcId: "vpc-0open", publicSubnetIds: ["subnet-0o1", "subnet-0o2"], domainNames: ["open.example.com"], zoneId: ZONE_ID, targetPort: POD_PORT });
  await settle();
});

/** The one resource of a type (token suffix, e.g. "LoadBalancer") with a logical name. */
function get(typeSuffix: string, name: string): RecordedResource {
  const found = cloud.resources.filter((r) => r.type.endsWith(`:${typeSuffix}`) && r.name === name);
  if (found.length !== 1) throw new Error(`${found.length} resources of type ${typeSuffix} named ${name}`);
  return found[0];
}
const all = (typeSuffix: string, prefix: string) => cloud.resources.filter((r) => r.type.endsWith(`:${typeSuffix}`) && r.name.startsWith(`${prefix}-`));
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
type Statement = { Sid: string; Effect: string; Principal: unknown; Action: string; Resource: unknown; Condition?: unknown };
const policyOf = (prefix: string) => JSON.parse(String(get("BucketPolicy", `${prefix}-alb-logs`).inputs.policy)) as { Statement: Statement[] };

describe("RegionalIngress load balancer", () => {
  it("is an internet-facing application load balancer over the public subnets of every AZ", () => {
    const alb = get("LoadBalancer", "edge-alb");
    const publicSubnets = all("Subnet", "net").filter((s) => (s.inputs.tags as Record<string, string>).tier === "public");
    expect(publicSubnets).toHaveLength(3);
    expect(alb.inputs.subnets).toEqual(publicSubnets.map((s) => s.id));
    expect(alb.inputs).toMatchObject({ loadBalancerType: "application", internal: false, securityGroups: [get("SecurityGroup", "edge-alb").id] });
    // ALBs are always cross-zone; nothing may try to turn it off.
    expect(alb.inputs.enableCrossZoneLoadBalancing).not.toBe(false);
  });

  it("keeps Pulumi's auto-name when it is valid, and names the ALB itself when the auto-name would start with internal-", () => {
    expect(get("LoadBalancer", "edge-alb").inputs.name).toBeUndefined();
    const name = String(get("LoadBalancer", "internal-euw1-alb").inputs.name);
    expect(name).toMatch(/^(?!internal-)[A-Za-z0-9-]{1,32}(?<!-)$/);
  });

  it("is protected from deletion, drops invalid headers and allows zonal shift", () => {
    expect(get("LoadBalancer", "edge-alb").inputs).toMatchObject({ enableDeletionProtection: true, dropInvalidHeaderFields: true, enableZonalShift: true });
  });

  it("logs to its bucket, and only once the bucket policy lets ELB write", () => {
    const alb = get("LoadBalancer", "edge-alb");
    const bucket = get("Bucket", "edge-alb-logs");
    expect(alb.inputs.accessLogs).toMatchObject({ enabled: true, bucket: bucket.outputs.bucket });
    expect(alb.dependsOn).toContain(get("BucketPolicy", "edge-alb-logs").urn);
    expect(alb.dependsOn).toContain(get("BucketServerSideEncryptionConfiguration", "edge-alb-logs").urn);
  });

  it("exposes what DNS and the node pool need", () => {
    const component = get("RegionalIngress", "edge");
    expect(component.type).toBe("platform:ingress:RegionalIngress");
    const alb = get("LoadBalancer", "edge-alb");
    expect(component.outputs).toEqual({
      loadBalancerArn: alb.outputs.arn,
      dnsName: alb.outputs.dnsName,
      zoneId: alb.outputs.zoneId,
      securityGroupId: get("SecurityGroup", "edge-alb").id,
      targetGroupArn: get("TargetGroup", "edge-tg").outputs.arn,
      certificateArn: get("Certificate", "edge-cert").outputs.arn,
      accessLogBucket: get("Bucket", "edge-alb-logs").outputs.bucket,
      webAclArn: get("WebAcl", "edge-waf").outputs.arn,
    });
  });
});

describe("RegionalIngress access-log bucket", () => {
  it("is encrypted with S3-managed keys (ALB log delivery refuses SSE-KMS)", () => {
    const sse = get("BucketServerSideEncryptionConfiguration", "edge-alb-logs");
    expect(sse.inputs.bucket).toBe(get("Bucket", "edge-alb-logs").id);
    expect(sse.inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
  });

  it("is private, owner-enforced, kept on destroy and never force-emptied", () => {
    expect(get("BucketPublicAccessBlock", "edge-alb-logs").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(get("BucketOwnershipControls", "edge-alb-logs").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    const bucket = get("Bucket", "edge-alb-logs");
    expect(bucket.inputs.forceDestroy).toBe(false);
    expect(bucket.retainOnDelete).toBe(true);
  });

  it("keeps its configuration and policy with it when the stack is destroyed (a region removed): still private, encrypted, TLS-only and expiring", () => {
    for (const type of ["BucketPublicAccessBlock", "BucketOwnershipControls", "BucketServerSideEncryptionConfiguration", "BucketLifecycleConfiguration", "BucketPolicy"]) {
      expect(get(type, "edge-alb-logs").retainOnDelete, type).toBe(true);
    }
  });

  it("is configured one change at a time, the policy last (S3 answers OperationAborted to concurrent ones)", () => {
    const urn = (type: string) => get(type, "edge-alb-logs").urn;
    expect(get("BucketOwnershipControls", "edge-alb-logs").dependsOn).toContain(urn("BucketPublicAccessBlock"));
    expect(get("BucketServerSideEncryptionConfiguration", "edge-alb-logs").dependsOn).toContain(urn("BucketOwnershipControls"));
    expect(get("BucketLifecycleConfiguration", "edge-alb-logs").dependsOn).toContain(urn("BucketServerSideEncryptionConfiguration"));
    expect(get("BucketPolicy", "edge-alb-logs").dependsOn).toContain(urn("BucketLifecycleConfiguration"));
  });

  it("expires logs after the retention period (90 days by default)", () => {
    const rules = (name: string) => get("BucketLifecycleConfiguration", name).inputs.rules as { status: string; filter: unknown; expiration: { days: number } }[];
    expect(rules("edge-alb-logs")).toEqual([expect.objectContaining({ status: "Enabled", filter: { prefix: "" }, expiration: { days: 90 } })]);
    expect(rules("zrh-alb-logs")[0].expiration.days).toBe(30);
  });

  it("lets ELB write logs in a region with an ELB account through both the account and the service principal", () => {
    const bucketArn = get("Bucket", "edge-alb-logs").outputs.arn as string;
    const allows = policyOf("edge").Statement.filter((s) => s.Effect === "Allow");
    expect(allows.map((s) => s.Principal)).toEqual([{ Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, { AWS: expect.stringMatching(/^arn:aws:iam::\d{12}:root$/) }]);
    for (const s of allows) expect(s).toMatchObject({ Action: "s3:PutObject", Resource: `${bucketArn}/alb/AWSLogs/123456789012/*` });
    expect(get("LoadBalancer", "edge-alb").inputs.accessLogs).toMatchObject({ prefix: "alb" });
    expect(policyOf("edge").Statement.find((s) => s.Effect === "Deny")).toMatchObject({ Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  it("uses the service principal alone in a region opened since August 2022", () => {
    expect(get("LoadBalancer", "zrh-alb").region).toBe("eu-central-2");
    const allows = policyOf("zrh").Statement.filter((s) => s.Effect === "Allow");
    expect(allows.map((s) => s.Principal)).toEqual([{ Service: "logdelivery.elasticloadbalancing.amazonaws.com" }]);
  });
});

describe("RegionalIngress certificate and listeners", () => {
  it("requests one DNS-validated certificate for all names, the first as its domain name", () => {
    const cert = get("Certificate", "edge-cert");
    expect(cert.inputs).toMatchObject({ domainName: "app.example.com", subjectAlternativeNames: ["*.app.example.com", "api.example.com"], validationMethod: "DNS" });
  });

  it("writes each validation record ACM asks for in the zone, once per record, and waits for validation", () => {
    const cert = get("Certificate", "edge-cert");
    const options = cert.outputs.domainValidationOptions as { domainName: string; resourceRecordName: string; resourceRecordType: string; resourceRecordValue: string }[];
    const records = all("Record", "edge-cert");
    // The wildcard shares app.example.com's record.
    expect(records).toHaveLength(2);
    for (const domain of ["app.example.com", "api.example.com"]) {
      const option = options.find((o) => o.domainName === domain)!;
      const record = records.find((r) => r.inputs.name === option.resourceRecordName);
      expect(record, domain).toBeDefined();
      expect(record!.inputs).toMatchObject({ zoneId: ZONE_ID, type: option.resourceRecordType, records: [option.resourceRecordValue], ttl: 60, allowOverwrite: true });
      // Other regions' certificates validate against the same record.
      expect(record!.retainOnDelete).toBe(true);
    }
    const validation = get("CertificateValidation", "edge-cert");
    expect(validation.inputs.certificateArn).toBe(cert.outputs.arn);
    expect(validation.inputs.validationRecordFqdns).toEqual(records.map((r) => r.outputs.fqdn));
  });

  it("serves HTTPS with a TLS 1.3 policy and the validated certificate, forwarding to the target group", () => {
    const https = get("Listener", "edge-https");
    expect(https.inputs).toMatchObject({
      loadBalancerArn: get("LoadBalancer", "edge-alb").outputs.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificateArn: get("Certificate", "edge-cert").outputs.arn,
      defaultActions: [{ type: "forward", targetGroupArn: get("TargetGroup", "edge-tg").outputs.arn }],
    });
    // The ARN comes from the validation, so the listener is only created once the certificate is issued.
    expect(https.dependsOn).toContain(get("CertificateValidation", "edge-cert").urn);
  });

  it("redirects plain HTTP to HTTPS permanently", () => {
    expect(get("Listener", "edge-http").inputs).toMatchObject({
      port: 80,
      protocol: "HTTP",
      defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    });
  });

  it("targets pods by IP on their port, health-checking /healthz on each pod for a 200, draining quickly", () => {
    const tg = get("TargetGroup", "edge-tg");
    expect(tg.inputs).toMatchObject({ protocol: "HTTP", port: POD_PORT, targetType: "ip", vpcId: get("Vpc", "net-vpc").id });
    expect(tg.inputs.deregistrationDelay).toBe(30);
    expect(tg.inputs.healthCheck).toMatchObject({ enabled: true, path: "/healthz", matcher: "200", port: "traffic-port" });
  });
});

describe("RegionalIngress behind the edge (originVerify)", () => {
  const rules = (prefix: string) => all("ListenerRule", prefix);

  it("keeps the listener's default forward and denies what no rule took with a last, catch-all rule created after the allow rules", () => {
    const tg = get("TargetGroup", "behind-edge-tg").outputs.arn;
    const https = get("Listener", "behind-edge-https");
    // The lock is not the default action: a lock turned on (or off) on a serving region never has
    // the listener deny CloudFront while the allow rules do not exist yet (or any more).
    expect(https.inputs.defaultActions).toEqual([{ type: "forward", targetGroupArn: tg }]);
    const deny = get("ListenerRule", "behind-edge-https-deny-direct");
    expect(deny.inputs).toMatchObject({
      listenerArn: https.outputs.arn,
      priority: 50_000,
      conditions: [{ pathPattern: { values: ["/*"] } }],
      actions: [{ type: "fixed-response", fixedResponse: { statusCode: "403", contentType: "text/plain", messageBody: "Forbidden" } }],
    });
    // Created after both allow rules, deleted before them (Pulumi deletes dependents first).
    const allow = ["behind-edge-https-health", "behind-edge-https-origin-verified"].map((n) => get("ListenerRule", n).urn);
    expect(deny.dependsOn).toEqual(expect.arrayContaining(allow));
    // ELB evaluates it last: every other rule's priority is below it, all of them unique.
    const priorities = rules("behind-edge").map((r) => r.inputs.priority as number);
    expect(new Set(priorities).size).toBe(priorities.length);
    expect(Math.max(...priorities)).toBe(deny.inputs.priority);
  });

  it("forwards the health-check path from anyone first, then requests carrying either secret, on the HTTPS listener", () => {
    const tg = get("TargetGroup", "behind-edge-tg").outputs.arn;
    const https = get("Listener", "behind-edge-https");
    const health = get("ListenerRule", "behind-edge-https-health");
    const verified = get("ListenerRule", "behind-edge-https-origin-verified");
    expect(health.inputs).toMatchObject({ listenerArn: https.outputs.arn, priority: 1, conditions: [{ pathPattern: { values: ["/ready"] } }], actions: [{ type: "forward", targetGroupArn: tg }] });
    expect(verified.inputs).toMatchObject({ listenerArn: https.outputs.arn, priority: 2, actions: [{ type: "forward", targetGroupArn: tg }] });
    // Both values stay secret, the one given plain too: the engine keeps the whole property secret.
    expect(verified.inputs.conditions).toBe("[secret]");
    expect(verifiedConditions).toEqual({
      value: [{ httpHeader: { httpHeaderName: "X-Origin-Verify", values: ["current-0123456789abcdef", "next-0123456789abcdef"] } }],
      secret: true,
    });
    expect(rules("behind-edge")).toHaveLength(3);
  });

  it("lets serving wait for the rules, which are what forward to the target group", () => {
    expect(locked.originVerified).toBe(true);
    expect(locked.servingResources).toHaveLength(3);
    expect(open.originVerified).toBe(false);
    expect(open.servingResources).toEqual([open.httpsListener]);
  });

  it("forwards everything, with no rule, without originVerify (no edge, or its direct path open)", () => {
    expect(get("Listener", "edge-open-https").inputs.defaultActions).toEqual([{ type: "forward", targetGroupArn: get("TargetGroup", "edge-open-tg").outputs.arn }]);
    expect(rules("edge-open")).toEqual([]);
    expect(rules("edge")).toEqual([]);
  });
});

describe("RegionalIngress with a NodePool", () => {
  it("keeps the nodes out of the target group (pods are the targets) and their health their own", () => {
    const asg = get("Group", "web-asg");
    // An explicit empty list: that is what detaches a group that used to be registered.
    expect(asg.inputs.targetGroupArns).toEqual([]);
    expect(asg.inputs.healthCheckType).toBe("EC2");
  });

  it("lets the internet reach the ALB on 80 and 443 only", () => {
    const albSg = get("SecurityGroup", "edge-alb").id;
    const ingress = cloud.ofType(INGRESS_RULE).filter((r) => r.inputs.securityGroupId === albSg);
    expect(ingress.map((r) => [r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]).sort()).toEqual([
      ["0.0.0.0/0", "tcp", 443, 443],
      ["0.0.0.0/0", "tcp", 80, 80],
      ["::/0", "tcp", 443, 443],
      ["::/0", "tcp", 80, 80],
    ]);
  });

  it("lets the ALB out only to the pods (the node security group) on their port", () => {
    const albSg = get("SecurityGroup", "edge-alb");
    expect(albSg.inputs.egress ?? []).toEqual([]);
    const egress = cloud.ofType(EGRESS_RULE).filter((r) => r.inputs.securityGroupId === albSg.id);
    expect(egress.map((r) => r.inputs)).toEqual([
      expect.objectContaining({ referencedSecurityGroupId: get("SecurityGroup", "web-nodes").id, ipProtocol: "tcp", fromPort: POD_PORT, toPort: POD_PORT }),
    ]);
  });

  it("lets nothing outside the cluster but the ALB reach the pods' port", () => {
    const nodeSg = get("SecurityGroup", "web-nodes").id;
    const albSg = get("SecurityGroup", "edge-alb").id;
    const opensNodePort = (r: RecordedResource) =>
      r.inputs.ipProtocol === "-1" || (r.inputs.ipProtocol === "tcp" && (r.inputs.fromPort as number) <= POD_PORT && POD_PORT <= (r.inputs.toPort as number));
    const rules = cloud.ofType(INGRESS_RULE).filter((r) => r.inputs.securityGroupId === nodeSg && opensNodePort(r));
    expect(rules.filter((r) => r.inputs.cidrIpv4 || r.inputs.cidrIpv6 || r.inputs.prefixListId)).toEqual([]);
    const sources = new Set(rules.map((r) => r.inputs.referencedSecurityGroupId));
    // Inside the cluster: the nodes themselves and the EKS cluster security group (control plane).
    expect(sources).toEqual(new Set([nodeSg, CLUSTER_SG, albSg]));
    expect(rules.find((r) => r.inputs.referencedSecurityGroupId === albSg)!.inputs).toMatchObject({ ipProtocol: "tcp", fromPort: POD_PORT, toPort: POD_PORT });
    expect(get("SecurityGroup", "web-nodes").inputs.ingress ?? []).toEqual([]);
  });
});

describe("RegionalIngress refuses bad input", () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ["no names", { domainNames: [] }, /domainNames is empty/],
    ["a target port that is no TCP port", { targetPort: 0 }, /1-65535/],
    ["a single subnet", { publicSubnetIds: ["subnet-0a"] }, /at least two AZs/],
    ["a relative health-check path", { healthCheckPath: "healthz" }, /must start with/],
    ["a zero retention", { accessLogRetentionDays: 0 }, /accessLogRetentionDays/],
    ["more secrets than an ALB header condition takes", { originVerify: { values: ["a", "b", "c", "d"] } }, /1 to 3/],
    ["a health-check path the ALB would read as a pattern", { healthCheckPath: "/health*", originVerify: { values: ["a"] } }, /wildcards/],
  ])("%s", async (_label, override, message) => {
    const { RegionalIngress } = await import("../../components/ingress");
    const args = { vpcId: "vpc-0", publicSubnetIds: ["subnet-0a", "subnet-0b"], domainNames: ["x.example.com"], zoneId: ZONE_ID, targetPort: POD_PORT, ...override };
    expect(() => new RegionalIngress("bad", args as never)).toThrow(message);
    expect(cloud.resources.filter((r) => r.name.startsWith("bad"))).toEqual([]);
  });
});
