/**
 * The deployer's path to each cluster's Kubernetes API: `pulumi up` installs Helm releases and
 * Kubernetes objects, so the identity it runs as needs an access entry, and the machine it runs
 * on needs a network path to the API endpoint. Two paths exist:
 *
 * - `public`: the runners' public egress CIDRs are allow-listed on the public endpoint;
 * - `private`: the runners sit in a network connected to the VPC (peering, transit gateway,
 *   VPN), and the cluster security group admits that network's CIDRs on 443 at the private
 *   endpoint.
 */
import { cidrContains, parseCidr } from "./cidr";

export type DeployerNetwork = "public" | "private";

/** Kubernetes group of the platform's deploy identity (and admins): the only ones who may bind target groups. */
export const PLATFORM_DEPLOYERS_GROUP = "platform:deployers";

/** RFC 1918 plus the shared address space (100.64.0.0/10) that VPNs and carrier NAT use. */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map((c) => parseCidr(c)!);

export function isPrivateCidr(text: string): boolean {
  const cidr = parseCidr(text);
  return cidr !== undefined && PRIVATE_RANGES.some((range) => cidrContains(range, cidr));
}

/**
 * GitHub-hosted standard runner labels: they run on a large shared address pool (no fixed egress
 * address to allow-list) outside any customer network, so they cannot reach a cluster's API.
 */
export const STANDARD_HOSTED_RUNNER_LABEL = /^(ubuntu|windows|macos)-(latest|\d[\d.]*)(-arm)?$/;

export interface EndpointCidrs {
  /** CIDRs on the public endpoint (empty keeps it off). */
  readonly publicAccessCidrs: string[];
  /** CIDRs the cluster security group admits on 443 (the private endpoint). */
  readonly endpointPrivateAccessCidrs: string[];
}

/** The endpoint CIDRs of a cluster: the operators' own plus the deployer's on the path it uses. */
export function endpointCidrs(network: DeployerNetwork, deployerCidrs: readonly string[], operators: { public: readonly string[]; private: readonly string[] }): EndpointCidrs {
  const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
  return {
    publicAccessCidrs: union(operators.public, network === "public" ? deployerCidrs : []),
    endpointPrivateAccessCidrs: union(operators.private, network === "private" ? deployerCidrs : []),
  };
}

/** Whether `cidr` (a deployer network) lies inside one of `allowed`. */
export function admittedBy(cidr: string, allowed: readonly string[]): boolean {
  const inner = parseCidr(cidr);
  return inner !== undefined && allowed.some((a) => {
    const outer = parseCidr(a);
    return outer !== undefined && cidrContains(outer, inner);
  });
}
