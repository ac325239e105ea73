import { describe, expect, it } from "vitest";
import { admittedBy, endpointCidrs, isPrivateCidr, STANDARD_HOSTED_RUNNER_LABEL } from "../../components/lib/deployer";

describe("deployer network", () => {
  it("puts the deployer's CIDRs on the endpoint it uses, next to the operators' own", () => {
    const operators = { public: ["198.51.100.0/24"], private: ["10.99.0.0/24"] };
    expect(endpointCidrs("public", ["203.0.113.16/28"], operators)).toEqual({ publicAccessCidrs: ["198.51.100.0/24", "203.0.113.16/28"], endpointPrivateAccessCidrs: ["10.99.0.0/24"] });
    expect(endpointCidrs("private", ["10.200.0.0/20", "10.99.0.0/24"], operators)).toEqual({ publicAccessCidrs: ["198.51.100.0/24"], endpointPrivateAccessCidrs: ["10.99.0.0/24", "10.200.0.0/20"] });
    expect(endpointCidrs("private", ["10.200.0.0/20"], { public: [], private: [] }).publicAccessCidrs).toEqual([]);
  });

  it("tells private ranges (RFC 1918 and the shared space VPNs use) from public ones", () => {
    for (const cidr of ["10.0.0.0/8", "172.20.1.0/24", "192.168.10.0/24", "100.100.0.0/16"]) expect(isPrivateCidr(cidr), cidr).toBe(true);
    for (const cidr of ["203.0.113.16/28", "172.32.0.0/16", "0.0.0.0/0", "8.8.8.8/32"]) expect(isPrivateCidr(cidr), cidr).toBe(false);
    expect(isPrivateCidr("not a cidr")).toBe(false);
  });

  it("admits a network only when an allowed CIDR contains all of it", () => {
    expect(admittedBy("203.0.113.16/28", ["203.0.113.0/24"])).toBe(true);
    expect(admittedBy("203.0.113.0/24", ["203.0.113.16/28"])).toBe(false);
    expect(admittedBy("10.1.0.0/16", [])).toBe(false);
  });

  it("recognises GitHub-hosted standard runner labels, not larger or self-hosted runners", () => {
    for (const label of ["ubuntu-latest", "ubuntu-24.04", "ubuntu-24.04-arm", "windows-2022", "macos-15"]) expect(STANDARD_HOSTED_RUNNER_LABEL.test(label), label).toBe(true);
    for (const label of ["platform-deploy", "self-hosted", "ubuntu-latest-16-cores"]) expect(STANDARD_HOSTED_RUNNER_LABEL.test(label), label).toBe(false);
  });
});
