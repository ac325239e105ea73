import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cidrContains, cidrsOverlap, describeCidrProblem, formatCidr, opensToInternet, opensToInternetIpv6, parseCidr, parseIpv6Cidr, planSubnets, reachesIpv6Internet } from "../../components/lib/cidr";

describe("parseCidr", () => {
  it("parses canonical blocks and rejects malformed ones or host bits", () => {
    expect(parseCidr("10.0.0.0/16")).toEqual({ network: 0x0a000000, prefix: 16 });
    expect(parseCidr("10.0.0.1/16")).toBeUndefined();
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseCidr("256.0.0.0/8")).toBeUndefined();
    expect(parseCidr("10.0.0/16")).toBeUndefined();
    expect(describeCidrProblem("10.0.0.1/16")).toContain("10.0.0.0/16");
  });

  it("round-trips every canonical block", () => {
    fc.assert(fc.property(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 }), (address, prefix) => {
      const network = prefix === 0 ? 0 : (address & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
      const text = formatCidr({ network, prefix });
      expect(parseCidr(text)).toEqual({ network, prefix });
    }));
  });
});

describe("planSubnets", () => {
  it("cuts a /16 into /19 private and /22 public and isolated subnets", () => {
    expect(planSubnets("10.20.0.0/16", 3)).toEqual([
      { azIndex: 0, private: "10.20.0.0/19", public: "10.20.192.0/22", isolated: "10.20.224.0/22" },
      { azIndex: 1, private: "10.20.32.0/19", public: "10.20.196.0/22", isolated: "10.20.228.0/22" },
      { azIndex: 2, private: "10.20.64.0/19", public: "10.20.200.0/22", isolated: "10.20.232.0/22" },
    ]);
  });

  it("gives disjoint subnets inside the VPC for every size and AZ count, stable as AZs are added", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 16, max: 20 }), fc.integer({ min: 1, max: 6 }), (second, prefix, azCount) => {
      const vpcText = formatCidr({ network: ((10 << 24) | (second << 16)) >>> 0 & (((0xffffffff << (32 - prefix)) >>> 0)), prefix });
      const vpc = parseCidr(vpcText)!;
      const plan = planSubnets(vpcText, azCount);
      const all = plan.flatMap((p) => [p.public, p.private, p.isolated]).map((t) => parseCidr(t)!);
      all.forEach((a, i) => {
        expect(cidrContains(vpc, a)).toBe(true);
        all.slice(0, i).forEach((b) => expect(cidrsOverlap(a, b)).toBe(false));
      });
      // Adding an AZ never renumbers the existing ones (which would replace their subnets).
      if (azCount < 6) expect(planSubnets(vpcText, azCount + 1).slice(0, azCount)).toEqual(plan);
    }));
  });

  it("refuses VPCs outside /16-/20 and AZ counts outside 1-6", () => {
    expect(() => planSubnets("10.0.0.0/8", 3)).toThrow(/16 to \/20/);
    expect(() => planSubnets("10.0.0.0/16", 7)).toThrow(/1 to 6/);
  });
});

describe("opensToInternet", () => {
  it("counts the addresses of all entries together: more than a /8's worth is open", () => {
    expect(opensToInternet(["0.0.0.0/0"])).toBe(true);
    expect(opensToInternet(["0.0.0.0/1", "128.0.0.0/1"])).toBe(true);
    expect(opensToInternet(["10.0.0.0/8", "11.0.0.0/8"])).toBe(true);
    expect(opensToInternet(["10.0.0.0/8"])).toBe(false);
    expect(opensToInternet(["203.0.113.16/28", "198.51.100.0/24", "not a cidr"])).toBe(false);
  });
});

describe("parseIpv6Cidr", () => {
  it("reads full and compressed forms, and refuses host bits, a second :: and prefixes over 128", () => {
    expect(parseIpv6Cidr("::/0")).toEqual({ network: 0n, prefix: 0 });
    expect(parseIpv6Cidr("2001:db8::/32")).toEqual({ network: 0x20010db8n << 96n, prefix: 32 });
    expect(parseIpv6Cidr("2001:0db8:0000:0000:0000:0000:0000:0001/128")).toEqual({ network: (0x20010db8n << 96n) | 1n, prefix: 128 });
    expect(parseIpv6Cidr("::1/128")).toEqual({ network: 1n, prefix: 128 });
    expect(parseIpv6Cidr("2001:db8::1/64")).toBeUndefined();
    expect(parseIpv6Cidr("2001::db8::/32")).toBeUndefined();
    expect(parseIpv6Cidr("::/129")).toBeUndefined();
    expect(parseIpv6Cidr("0.0.0.0/0")).toBeUndefined();
  });

  it("parses a trailing dotted quad into the last two groups, as Go's net.ParseCIDR (the provider's validation) does", () => {
    expect(parseIpv6Cidr("::0.0.0.0/0")).toEqual({ network: 0n, prefix: 0 });
    expect(parseIpv6Cidr("::ffff:1.2.3.4/128")).toEqual({ network: (0xffffn << 32n) | 0x01020304n, prefix: 128 });
    expect(parseIpv6Cidr("2000::0.0.0.0/3")).toEqual({ network: 0x2n << 124n, prefix: 3 });
    expect(parseIpv6Cidr("0:0:0:0:0:ffff:192.168.0.1/128")).toEqual({ network: (0xffffn << 32n) | 0xc0a80001n, prefix: 128 });
    expect(parseIpv6Cidr("::1.2.3.4/96")).toBeUndefined(); // host bits set
    // Not an IPv4 address, or not last: refused, as Go refuses them.
    for (const text of ["::1.2.3.256/128", "::01.2.3.4/128", "::1.2.3/128", "1.2.3.4::/32", "::1.2.3.4:0/128", "1:2:3:4:5:6:7:1.2.3.4/128"]) expect(parseIpv6Cidr(text), text).toBeUndefined();
    expect([opensToInternetIpv6(["::0.0.0.0/0"]), opensToInternetIpv6(["2000::0.0.0.0/3"]), reachesIpv6Internet("::ffff:0.0.0.0/96")]).toEqual([true, true, false]);
  });
});

describe("opensToInternetIpv6", () => {
  it("counts global unicast addresses (2000::/3) of all entries together: more than a /12's worth is open", () => {
    expect(opensToInternetIpv6(["::/0"])).toBe(true);
    expect(opensToInternetIpv6(["::/1", "8000::/1"])).toBe(true);
    expect(opensToInternetIpv6(["2000::/4", "3000::/4"])).toBe(true);
    expect(opensToInternetIpv6(["2000::/13", "2008::/13", "2010::/13"])).toBe(true);
    expect(opensToInternetIpv6(["2000::/12"])).toBe(false);
    // Unique local, link-local and IPv4 entries hold none of it.
    expect(opensToInternetIpv6(["fc00::/7", "fe80::/10", "8000::/1", "0.0.0.0/0"])).toBe(false);
    expect([reachesIpv6Internet("2001:db8::/32"), reachesIpv6Internet("::/0"), reachesIpv6Internet("fd00::/8"), reachesIpv6Internet("0.0.0.0/0")]).toEqual([true, true, false, false]);
  });
});
