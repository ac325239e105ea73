/** production-config-real-and-pinned: what a production environment still holds of its examples, and what is unpinned. */
import { describe, expect, it } from "vitest";
import { evaluateEnvironment, type Violation } from "../../policies/evaluate";
import { configFromSettings } from "../../policies/reconcile";
import {
  accountOfArn,
  documentationRangeOf,
  exampleUrlProblem,
  isExampleDomain,
  productionConfigFindings,
  type ProductionValues,
} from "../../policies/rules/production-config";
import { environment, holdSecret, ofPolicy, PRIMARY, recorded, SECONDARY, SETTINGS, type RegionSlice } from "./fixtures";

const POLICY = "production-config-real-and-pinned";
const ADDONS = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver"];
const PAGER = "https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue";

/** A production environment with nothing left of the examples, everything pinned. */
const REAL: ProductionValues = {
  deployerCidrs: ["52.94.76.0/28"],
  deployIdentityArn: "arn:aws:iam::210987654321:role/platform-deploy",
  eksAdminPrincipalArns: ["arn:aws:iam::210987654321:role/platform-admin"],
  regionSwitchApprovalRoleArn: "arn:aws:iam::210987654321:role/platform-admin",
  alarmEmail: "oncall@acme.io",
  dnsZoneName: "prod.acme.io",
  dnsParentZoneName: "acme.io",
  endpoints: [{ key: "pageEndpoints", index: 0, url: PAGER, stack: "prod" }],
  availabilityZoneIds: ["use1-az1", "use1-az2", "use1-az4", "euw1-az1", "euw1-az2", "euw1-az3"],
  regions: [{ region: PRIMARY, stack: `prod-${PRIMARY}` }, { region: SECONDARY, stack: `prod-${SECONDARY}` }],
  eksAddonVersions: ADDONS.map((a) => `${a}=v1.0.0-eksbuild.1`),
  addons: ADDONS,
  clusters: [`prod-${PRIMARY}`, `prod-${SECONDARY}`],
};
const findings = (changes: Partial<ProductionValues>) => productionConfigFindings({ ...REAL, ...changes });

describe("what counts as an example", () => {
  it("knows RFC 5737's documentation ranges, and only addresses inside them", () => {
    expect(documentationRangeOf("203.0.113.16/28")).toBe("203.0.113.0/24");
    expect(documentationRangeOf("198.51.100.0/24")).toBe("198.51.100.0/24");
    expect(documentationRangeOf("192.0.2.128/25")).toBe("192.0.2.0/24");
    expect(documentationRangeOf("203.0.0.0/16")).toBeUndefined();
    expect(documentationRangeOf("52.94.76.0/28")).toBeUndefined();
    expect(documentationRangeOf("not a cidr")).toBeUndefined();
  });

  it("knows RFC 2606's reserved names, not names that merely contain them", () => {
    for (const name of ["example.com", "prod.example.com.", "EXAMPLE.ORG", "pager.example.net", "host.test", "a.invalid", "x.example"]) expect(isExampleDomain(name)).toBe(true);
    for (const name of ["acme.io", "example.company.com", "myexample.com", "example.com.au"]) expect(isExampleDomain(name)).toBe(false);
  });

  it("reads an ARN's account, and says why a URL is an example without repeating it", () => {
    expect(accountOfArn("arn:aws:iam::123456789012:role/x")).toBe("123456789012");
    expect(accountOfArn("not-an-arn")).toBeUndefined();
    expect(exampleUrlProblem("https://events.pagerduty.com/integration/REPLACE-WITH-YOUR-INTEGRATION-KEY/enqueue")).toMatch(/placeholder/);
    expect(exampleUrlProblem("https://events.pagerduty.com/integration/<integration key>/enqueue")).toMatch(/placeholder/);
    expect(exampleUrlProblem("https://hooks.example.com/sns")).toMatch(/reserved for examples/);
    expect(exampleUrlProblem(PAGER)).toBeUndefined();
  });
});

describe("productionConfigFindings", () => {
  it("finds nothing in real values with zones and add-ons pinned", () => {
    expect(productionConfigFindings(REAL)).toEqual([]);
  });

  it("reports a deployer CIDR in a documentation range, with where the deploy stops", () => {
    expect(findings({ deployerCidrs: ["52.94.76.0/28", "203.0.113.16/28"] })).toEqual([
      expect.stringMatching(/^platform:deployerCidrs\[1\] 203\.0\.113\.16\/28 lies in 203\.0\.113\.0\/24, a range reserved for documentation \(RFC 5737\).*stops when its first Kubernetes resource times out\. List the deploy runners' real egress CIDRs/),
    ]);
  });

  it("reports AWS's example account once, naming every key that holds it and what each breaks", () => {
    const [only, ...rest] = findings({
      deployIdentityArn: "arn:aws:iam::123456789012:role/platform-deploy",
      eksAdminPrincipalArns: ["arn:aws:iam::210987654321:role/ok", "arn:aws:iam::123456789012:role/platform-admin"],
      regionSwitchApprovalRoleArn: "arn:aws:iam::123456789012:role/platform-admin",
    });
    expect(rest).toEqual([]);
    expect(only).toMatch(/^platform:deployIdentityArn, platform:eksAdminPrincipalArns\[1\] and platform:regionSwitchApprovalRoleArn name account 123456789012/);
    expect(only).toMatch(/access entries/);
    expect(only).toMatch(/approval step/);
    expect(findings({ regionSwitchApprovalRoleArn: "arn:aws:iam::123456789012:role/a" })).toEqual([expect.not.stringMatching(/access entr/)]);
  });

  it("reports an alarm mailbox and DNS names on reserved example domains", () => {
    expect(findings({ alarmEmail: "oncall@example.com" })).toEqual([expect.stringMatching(/^platform:alarmEmail oncall@example\.com is at a domain reserved for examples \(RFC 2606\).*wait-subscribed/)]);
    expect(findings({ dnsZoneName: "prod.example.com", dnsParentZoneName: "example.com" })).toEqual([
      expect.stringMatching(/^platform:dnsParentZoneName example\.com .*aws\.route53\.getZone/),
      expect.stringMatching(/^platform:dnsZoneName prod\.example\.com .*certificate/),
    ]);
  });

  it("reports a pager or ticketing URL that is still an example by key and index, never by its value", () => {
    const secret = "https://pager.example.net/integration/s3cr3t-k3y/enqueue";
    const placeholder = "https://events.pagerduty.com/integration/REPLACE-WITH-YOUR-INTEGRATION-KEY/enqueue";
    const found = findings({
      endpoints: [
        { key: "pageEndpoints", index: 0, url: PAGER, stack: "prod" },
        { key: "pageEndpoints", index: 1, url: placeholder, stack: "prod" },
        { key: "ticketEndpoints", index: 0, url: secret, stack: "prod" },
      ],
    });
    expect(found).toEqual([
      expect.stringMatching(/^platform:pageEndpoints\[1\] is still an example \(it still holds a placeholder.*5-minute confirmation timeout.*pulumi config set --secret --path 'platform:pageEndpoints\[1\]' <url> --stack prod\.$/),
      expect.stringMatching(/^platform:ticketEndpoints\[0\] is still an example \(its host is a domain reserved for examples/),
    ]);
    for (const message of found) for (const leak of [secret, placeholder, "s3cr3t", "pager.example.net", "REPLACE-WITH"]) expect(message).not.toContain(leak);
  });

  it("reports the regions whose zones are not pinned, with the command that reads what the deploy chose", () => {
    expect(findings({ availabilityZoneIds: [] })).toEqual([
      expect.stringMatching(new RegExp(`^platform:availabilityZoneIds pins no zone of ${PRIMARY} and ${SECONDARY}: .*pulumi stack output availabilityZoneIds --stack prod-${PRIMARY} \\(and --stack prod-${SECONDARY}\\)`)),
    ]);
    expect(findings({ availabilityZoneIds: ["use1-az1", "use1-az2", "use1-az4"] })).toEqual([expect.stringMatching(new RegExp(`pins no zone of ${SECONDARY}: each deploy chooses its zones`))]);
  });

  it("reports the add-ons without a pin, with the command that reads what the clusters run", () => {
    expect(findings({ eksAddonVersions: [] })).toEqual([expect.stringMatching(/^EKS add-ons vpc-cni, kube-proxy, eks-pod-identity-agent, coredns and aws-ebs-csi-driver have no pin in platform:eksAddonVersions: .*aws eks describe-addon/)]);
    expect(findings({ eksAddonVersions: ["vpc-cni=v1.19.2-eksbuild.1", "kube-proxy=v1.34.1-eksbuild.2", "coredns=v1.11.4-eksbuild.2", "aws-ebs-csi-driver=v1.40.0-eksbuild.1"] })).toEqual([
      expect.stringMatching(/^EKS add-on eks-pod-identity-agent has no pin/),
    ]);
  });
});

describe("production-config-real-and-pinned", () => {
  /** Prod's examples, as Pulumi.prod.yaml holds them. */
  const EXAMPLES = {
    ...SETTINGS,
    production: true,
    deployerCidrs: ["203.0.113.16/28"],
    deployIdentityArn: "arn:aws:iam::123456789012:role/platform-deploy",
    eksAdminPrincipalArns: ["arn:aws:iam::123456789012:role/platform-admin"],
    alarmEmail: "oncall@example.com",
  };
  /** The pager's subscription in a region's alarm topic, its URL a secret as the components keep it. */
  const withPager = (url: string) => (region: RegionSlice) => {
    const all = region.all;
    const o = { stack: `prod-${region.region}`, region: region.region };
    const pager = holdSecret(recorded("aws:sns/topicSubscription:TopicSubscription", `prod-${region.region}-alarms-https-d0475f470c09`, { topic: region.alarmSubscription.inputs.topic, protocol: "https", endpoint: url, endpointAutoConfirms: true }, o), "endpoint", url);
    region.all = () => [...all(), pager];
  };
  function run(settings: Record<string, unknown>, pagerUrl?: string): Violation[] {
    const env = environment();
    if (pagerUrl) for (const region of [env.primary, env.secondary]) withPager(pagerUrl)(region);
    return ofPolicy(evaluateEnvironment(env.view(settings)), POLICY);
  }

  it("reports each example value of a production environment once across its stacks, as advisory", () => {
    const found = run(EXAMPLES, "https://events.pagerduty.com/integration/REPLACE-WITH-YOUR-INTEGRATION-KEY/enqueue");
    expect(found.every((v) => v.enforcementLevel === "advisory" && v.urn === null)).toBe(true);
    expect(found.map((v) => v.message.split(" ")[0])).toEqual([
      "platform:deployerCidrs[0]",
      "platform:deployIdentityArn",
      "platform:alarmEmail",
      "platform:dnsZoneName",
      "platform:pageEndpoints[0]",
      "platform:availabilityZoneIds",
    ]);
    // The regions come from the settings and the stacks that place their subnets.
    expect(found[5].message).toContain(`--stack prod-${PRIMARY} (and --stack prod-${SECONDARY})`);
  });

  it("never shows a secret URL: the message names its key and index", () => {
    const url = "https://pager.example.org/integration/very-secret-key/enqueue";
    const [pager] = run(EXAMPLES, url).filter((v) => v.message.startsWith("platform:pageEndpoints"));
    expect(pager.message).toMatch(/^platform:pageEndpoints\[0\] is still an example \(its host is a domain reserved for examples/);
    expect(pager.message).not.toContain("very-secret-key");
    expect(pager.message).not.toContain("pager.example.org");
  });

  it("says nothing of real values and pins", () => {
    const real = {
      ...SETTINGS,
      production: true,
      dnsZoneName: "prod.acme.io",
      deployerCidrs: ["52.94.76.0/28"],
      deployIdentityArn: "arn:aws:iam::210987654321:role/platform-deploy",
      alarmEmail: "oncall@acme.io",
      availabilityZoneIds: ["use1-az1", "use1-az2", "use1-az4", "euw1-az1", "euw1-az2", "euw1-az3"],
      eksAddonVersions: ADDONS.map((a) => `${a}=v1.0.0-eksbuild.1`),
    };
    expect(run(real, PAGER)).toEqual([]);
  });

  it("applies to production environments only", () => {
    expect(configFromSettings({ ...EXAMPLES, production: false })[POLICY]).toBeUndefined();
    expect(run({ ...EXAMPLES, production: false }, "https://pager.example.org/x")).toEqual([]);
    expect(run(SETTINGS)).toEqual([]);
  });
});
