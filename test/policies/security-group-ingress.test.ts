/**
 * `security-group-no-world-ingress` (policies/rules/security-group-ingress.ts): the decision on
 * plain values, and prod's real security groups, whose load balancer's admits the internet on 80
 * and 443 and no other does. The fixture cases are in security.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateStack } from "../../policies/evaluate";
import type { configFromSettings } from "../../policies/reconcile";
import { internetReach, isListenerPort, type IngressOpening } from "../../policies/rules/security-group-ingress";
import type { StackRun } from "../../tools/fake-cloud/run";
import { ofPolicy } from "./fixtures";
import { runProd } from "./prod-runs";

const tcp = (port: number, ...cidrs: string[]): IngressOpening => ({ protocol: "tcp", fromPort: port, toPort: port, cidrs });

describe("internetReach", () => {
  it("adds up the CIDRs of openings that share a protocol and a port, and reports each one's public part", () => {
    expect(internetReach([tcp(22, "0.0.0.0/1"), tcp(22, "128.0.0.0/1")])).toEqual([{ cidrs: ["0.0.0.0/1"], alone: true }, { cidrs: ["128.0.0.0/1"], alone: true }]);
    expect(internetReach([tcp(22, "11.0.0.0/8"), tcp(22, "12.0.0.0/8"), tcp(23, "13.0.0.0/8")])).toEqual([
      { cidrs: ["11.0.0.0/8"], alone: false },
      { cidrs: ["12.0.0.0/8"], alone: false },
      { cidrs: [], alone: false },
    ]);
    // Every protocol shares a port with everything; a port range with the ports inside it.
    expect(internetReach([{ protocol: "-1", fromPort: 0, toPort: 0, cidrs: ["11.0.0.0/8"] }, tcp(5432, "12.0.0.0/8")]).map((r) => r.cidrs)).toEqual([["11.0.0.0/8"], ["12.0.0.0/8"]]);
    expect(internetReach([{ protocol: "6", fromPort: 1, toPort: 1024, cidrs: ["11.0.0.0/8"] }, tcp(443, "12.0.0.0/8"), { protocol: "udp", fromPort: 443, toPort: 443, cidrs: ["13.0.0.0/8"] }]).map((r) => r.cidrs)).toEqual([["11.0.0.0/8"], ["12.0.0.0/8"], []]);
  });

  it("counts private ranges for nothing, and names only the family that opens", () => {
    expect(internetReach([tcp(5432, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fd00::/8", "fe80::/10")])).toEqual([{ cidrs: [], alone: false }]);
    expect(internetReach([tcp(5432, "0.0.0.0/0", "2001:db8::/32")])).toEqual([{ cidrs: ["0.0.0.0/0"], alone: true }]);
    expect(internetReach([tcp(5432, "::/0", "203.0.113.0/24")])).toEqual([{ cidrs: ["::/0"], alone: true }]);
  });

  it("counts an IPv6 entry in its embedded-IPv4 form by its address, and one it cannot parse as the whole internet (fail closed)", () => {
    // The provider takes them (Go's net.ParseCIDR): ::0.0.0.0/0 is ::/0, 2000::0.0.0.0/3 all of global unicast.
    expect(internetReach([tcp(5432, "::0.0.0.0/0")])).toEqual([{ cidrs: ["::0.0.0.0/0"], alone: true }]);
    expect(internetReach([tcp(5432, "2000::0.0.0.0/3")])).toEqual([{ cidrs: ["2000::0.0.0.0/3"], alone: true }]);
    // An IPv4-mapped address is no IPv6 internet.
    expect(internetReach([tcp(5432, "::ffff:1.2.3.4/128")])).toEqual([{ cidrs: [], alone: false }]);
    // Not parsed here: counted as ::/0, named as written.
    expect(internetReach([tcp(5432, "2001:db8:::/48")])).toEqual([{ cidrs: ["2001:db8:::/48"], alone: true }]);
    expect(internetReach([tcp(5432, "2001:db8:::/48"), tcp(5432, "2001:db8::/32")]).map((r) => r.cidrs)).toEqual([["2001:db8:::/48"], ["2001:db8::/32"]]);
  });

  it("leaves out of the others' sums an opening exempt on the group (a listener port of an internet-facing load balancer)", () => {
    const range = { protocol: "tcp", fromPort: 80, toPort: 443, cidrs: ["198.51.100.0/24"] };
    const alb = [tcp(443, "0.0.0.0/0"), range];
    // Summed with 443 from the internet, 80-443 from a /24 would read as the internet in pieces.
    expect(internetReach(alb)[1]).toEqual({ cidrs: ["198.51.100.0/24"], alone: false });
    expect(internetReach(alb, (o) => o === alb[0])[1]).toEqual({ cidrs: [], alone: false });
    // Other openings still add up with each other.
    const split = [tcp(443, "0.0.0.0/0"), { ...range, cidrs: ["0.0.0.0/1"] }, { ...range, cidrs: ["128.0.0.0/1"] }];
    expect(internetReach(split, (o) => o === split[0]).map((r) => r.cidrs)).toEqual([["0.0.0.0/0"], ["0.0.0.0/1"], ["128.0.0.0/1"]]);
  });

  it("judges openings a preview does not know as sharing every port", () => {
    expect(internetReach([{ protocol: undefined, fromPort: undefined, toPort: undefined, cidrs: ["11.0.0.0/8"] }, tcp(22, "12.0.0.0/8")]).map((r) => r.cidrs)).toEqual([["11.0.0.0/8"], ["12.0.0.0/8"]]);
  });
});

describe("isListenerPort", () => {
  it("is one allowed TCP port, exactly", () => {
    expect(isListenerPort(tcp(443), [80, 443])).toBe(true);
    expect(isListenerPort({ protocol: "6", fromPort: 80, toPort: 80, cidrs: [] }, [80, 443])).toBe(true);
    expect(isListenerPort({ protocol: "tcp", fromPort: 80, toPort: 443, cidrs: [] }, [80, 443])).toBe(false);
    expect(isListenerPort({ protocol: "udp", fromPort: 443, toPort: 443, cidrs: [] }, [80, 443])).toBe(false);
    expect(isListenerPort({ protocol: "-1", fromPort: 0, toPort: 0, cidrs: [] }, [80, 443])).toBe(false);
    expect(isListenerPort(tcp(22), [80, 443])).toBe(false);
  });
});

describe("prod's security groups", () => {
  const REGION = "us-east-1";
  const STACK = `prod-${REGION}`;
  let known: StackRun;
  let preview: StackRun;
  let config: ReturnType<typeof configFromSettings>;

  beforeAll(async () => {
    ({ known, preview, config } = await runProd(REGION));
  }, 120_000);

  const judge = (resources: StackRun["cloud"]["resources"], asServer = false) =>
    ofPolicy(evaluateStack({ stack: STACK, role: "region", region: REGION, resources }, config, { asServer }), "security-group-no-world-ingress").map((v) => v.message);
  const internetRules = (run: StackRun) => run.cloud.resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && (r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0"));

  it("admit the internet only on the ALB's 80 and 443, with known ids and in a preview", () => {
    expect(internetRules(known).map((r) => `${r.inputs.ipProtocol} ${r.inputs.fromPort}`).sort()).toEqual(["tcp 443", "tcp 443", "tcp 80", "tcp 80"]);
    expect(judge(known.cloud.resources)).toEqual([]);
    expect(judge(preview.cloud.resources, true)).toEqual([]);
  });

  it("pass a range from the clients' own CIDR beside the ALB's 443 from the internet, and fail SSH from ::0.0.0.0/0", () => {
    const ingress = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    const albHttps = internetRules(known).find((r) => r.inputs.fromPort === 443 && r.inputs.cidrIpv4 === "0.0.0.0/0")!;
    const withRule = (name: string, props: Record<string, unknown>) => {
      const { cidrIpv4: _, cidrIpv6: __, ...inputs } = albHttps.inputs;
      const { cidrIpv4: ___, cidrIpv6: ____, ...outputs } = (albHttps.outputs ?? {}) as Record<string, unknown>;
      return { ...albHttps, type: ingress, urn: `${albHttps.urn}-${name}`, inputs: { ...inputs, ...props }, outputs: { ...outputs, ...props } };
    };
    const range = withRule("clients", { ipProtocol: "tcp", fromPort: 80, toPort: 443, cidrIpv4: "198.51.100.0/24" });
    expect(judge([...known.cloud.resources, range])).toEqual([]);
    const ssh = withRule("ssh", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv6: "::0.0.0.0/0" });
    expect(judge([...known.cloud.resources, ssh])).toEqual([expect.stringMatching(/admits ::0\.0\.0\.0\/0 on tcp 22: only 80 and 443 may face the internet/)]);
  });

  it("fail those four rules once no internet-facing load balancer carries their group", () => {
    const internal = known.cloud.resources.map((r) => (r.type === "aws:lb/loadBalancer:LoadBalancer" ? { ...r, inputs: { ...r.inputs, internal: true }, outputs: { ...r.outputs, internal: true } } : r));
    const found = judge(internal);
    expect(found).toHaveLength(4);
    for (const message of found) expect(message).toMatch(/admits (0\.0\.0\.0\/0|::\/0) on tcp (80|443): only an internet-facing load balancer's security group may admit the internet, and no internet-facing load balancer of this stack carries .*-alb \(ec2\.SecurityGroup\);/);
  });
});
