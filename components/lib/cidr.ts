/**
 * IPv4 CIDR arithmetic for VPC and subnet planning. Pure functions, no resources.
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

interface ParsedAddress extends Cidr {
  readonly address: number;
}

function parseAddress(text: string): ParsedAddress | undefined {
  const match = CIDR_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  return { address, prefix, network: (address & prefixMask(prefix)) >>> 0 };
}

/** Parses "a.b.c.d/p"; undefined for anything that is not a canonical IPv4 CIDR block. */
export function parseCidr(text: string): Cidr | undefined {
  const parsed = parseAddress(text);
  // "10.0.0.1/16" has host bits set; AWS rejects it, so we do too.
  if (!parsed || parsed.network !== parsed.address) return undefined;
  return { network: parsed.network, prefix: parsed.prefix };
}

/** Why `text` is not a canonical CIDR block, or undefined when it is one. */
export function describeCidrProblem(text: string): string | undefined {
  const parsed = parseAddress(text);
  if (!parsed) return "is not an IPv4 CIDR block of the form a.b.c.d/nn (octets 0-255, prefix 0-32)";
  if (parsed.network !== parsed.address) return `has host bits set; the network address is ${formatCidr(parsed)}`;
  return undefined;
}

export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function formatCidr(cidr: Cidr): string {
  const n = cidr.network;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${cidr.prefix}`;
}

export function blockSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const aEnd = a.network + blockSize(a);
  const bEnd = b.network + blockSize(b);
  return a.network < bEnd && b.network < aEnd;
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.network >= outer.network &&
    inner.network + blockSize(inner) <= outer.network + blockSize(outer);
}

/** The `index`-th block of size /newPrefix inside `parent`. */
export function subdivide(parent: Cidr, newPrefix: number, index: number): Cidr {
  if (newPrefix < parent.prefix || newPrefix > 32) {
    throw new RangeError(`cannot cut /${newPrefix} blocks out of ${formatCidr(parent)}`);
  }
  const count = 2 ** (newPrefix - parent.prefix);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`${formatCidr(parent)} holds ${count} /${newPrefix} blocks; index ${index} is outside`);
  }
  return { network: parent.network + index * 2 ** (32 - newPrefix), prefix: newPrefix };
}

/** AWS VPCs and subnets: /16 is the largest VPC, /28 the smallest subnet. */
export const MIN_VPC_PREFIX = 16;
export const MAX_VPC_PREFIX = 20;
export const MAX_AZS = 6;

export interface SubnetPlan {
  readonly azIndex: number;
  readonly public: string;
  readonly private: string;
  readonly isolated: string;
}

/**
 * Splits a VPC into public, private (nodes) and isolated (databases) subnets for each AZ.
 *
 * The VPC is cut into eight equal blocks. Blocks 0–5 are the private subnets of AZs 0–5:
 * EKS with the VPC CNI gives every pod a VPC address, so nodes need the room. Block 6 is cut
 * into eight public subnets, block 7 into eight isolated ones. A subnet's CIDR depends only
 * on its AZ index, never on the AZ count, so adding an AZ later never renumbers (and so never
 * replaces) an existing subnet. A /16 gives /19 private and /22 public and isolated subnets;
 * a /20 gives /23 and /26.
 */
export function planSubnets(vpcCidr: string, azCount: number): SubnetPlan[] {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new RangeError(`VPC CIDR "${vpcCidr}" ${describeCidrProblem(vpcCidr)}`);
  if (vpc.prefix < MIN_VPC_PREFIX || vpc.prefix > MAX_VPC_PREFIX) {
    throw new RangeError(`VPC CIDR "${vpcCidr}" must be /${MIN_VPC_PREFIX} to /${MAX_VPC_PREFIX}`);
  }
  if (!Number.isInteger(azCount) || azCount < 1 || azCount > MAX_AZS) {
    throw new RangeError(`AZ count ${azCount} must be a whole number from 1 to ${MAX_AZS}`);
  }
  const eighth = vpc.prefix + 3;
  const publicBlock = subdivide(vpc, eighth, 6);
  const isolatedBlock = subdivide(vpc, eighth, 7);
  return Array.from({ length: azCount }, (_, azIndex) => ({
    azIndex,
    private: formatCidr(subdivide(vpc, eighth, azIndex)),
    public: formatCidr(subdivide(publicBlock, eighth + 3, azIndex)),
    isolated: formatCidr(subdivide(isolatedBlock, eighth + 3, azIndex)),
  }));
}

/**
 * Addresses beyond which a list of allowed CIDRs counts as open to the internet: a /8's worth
 * (about 16.8 million). `0.0.0.0/0` is the obvious form; `0.0.0.0/1` with `128.0.0.0/1`, or a few
 * /4s, open the same door and pass a check for the literal.
 */
export const OPEN_TO_INTERNET_ADDRESSES = 2 ** 24;

/**
 * Do these CIDRs together admit more than OPEN_TO_INTERNET_ADDRESSES? Sizes are added up, so
 * overlapping entries count twice (stricter, never laxer); entries that are no CIDR count for
 * nothing (they are reported on their own).
 */
export function opensToInternet(cidrs: readonly string[]): boolean {
  let total = 0;
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (cidr) total += blockSize(cidr);
  }
  return total > OPEN_TO_INTERNET_ADDRESSES;
}

/** An IPv6 CIDR block: its network address as a 128-bit integer, and its prefix length. */
export interface Ipv6Cidr {
  readonly network: bigint;
  readonly prefix: number;
}

const IPV6_GROUP = /^[0-9a-f]{1,4}$/i;
/** A dotted quad as Go's parser takes it: decimal octets 0-255, no leading zero. */
const DOTTED_QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/**
 * A trailing dotted quad ("::ffff:1.2.3.4", "::0.0.0.0") as the last two groups, as RFC 4291
 * §2.2 writes them and Go's net.ParseCIDR (the provider's validation) parses them; undefined
 * when it is no IPv4 address.
 */
function embeddedIpv4Groups(groups: string[]): string[] | undefined {
  const last = groups[groups.length - 1];
  if (last === undefined || !last.includes(".")) return groups;
  const match = DOTTED_QUAD.exec(last);
  if (!match) return undefined;
  const [a, b, c, d] = match.slice(1, 5).map(Number);
  if ([a, b, c, d].some((o) => o > 255)) return undefined;
  return [...groups.slice(0, -1), ((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

/** The eight 16-bit groups of "2001:db8::1" (one `::` at most; a trailing dotted quad is the last two). */
function parseIpv6Address(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string) => (part === "" ? [] : part.split(":"));
  const head = halves.length === 2 ? groupsOf(halves[0]) : embeddedIpv4Groups(groupsOf(halves[0]));
  const tail = halves.length === 2 ? embeddedIpv4Groups(groupsOf(halves[1])) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 2 && head.length + tail.length > 7) return undefined;
  const groups = halves.length === 2 ? [...head, ...Array<string>(8 - head.length - tail.length).fill("0"), ...tail] : head;
  if (groups.length !== 8 || !groups.every((g) => IPV6_GROUP.test(g))) return undefined;
  return groups.reduce((address, g) => (address << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Parses "2001:db8::/32"; undefined for anything that is not an IPv6 CIDR block with its host bits clear (AWS refuses those). */
export function parseIpv6Cidr(text: string): Ipv6Cidr | undefined {
  const match = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match || Number(match[2]) > 128) return undefined;
  const prefix = Number(match[2]);
  const network = parseIpv6Address(match[1]);
  if (network === undefined || (network & ((1n << BigInt(128 - prefix)) - 1n)) !== 0n) return undefined;
  return { network, prefix };
}

/**
 * The IPv6 internet: global unicast, 2000::/3 (RFC 4291, IANA's IPv6 address space registry).
 * Unique local (fc00::/7), link-local (fe80::/10) and the rest lie outside it.
 */
const IPV6_GLOBAL_UNICAST: Ipv6Cidr = { network: 0x2n << 124n, prefix: 3 };

/**
 * Global unicast addresses beyond which IPv6 CIDRs count as open to the internet: a /12's worth,
 * the block IANA allocates a regional registry at once, as a /8 was in IPv4
 * (OPEN_TO_INTERNET_ADDRESSES). `::/0` is the obvious form; `::/1` with `8000::/1`, or
 * 2000::/3 in pieces, open the same door.
 */
export const OPEN_TO_INTERNET_IPV6_ADDRESSES = 1n << 116n;

/** Global unicast addresses of an IPv6 block: all of them when it lies inside 2000::/3, 2000::/3's when it holds it, none otherwise. */
function globalUnicastAddresses(cidr: Ipv6Cidr): bigint {
  const [outer, inner] = cidr.prefix <= IPV6_GLOBAL_UNICAST.prefix ? [cidr, IPV6_GLOBAL_UNICAST] : [IPV6_GLOBAL_UNICAST, cidr];
  const shift = BigInt(128 - outer.prefix);
  return inner.network >> shift === outer.network >> shift ? 1n << BigInt(128 - inner.prefix) : 0n;
}

/**
 * Do these IPv6 CIDRs together admit more than OPEN_TO_INTERNET_IPV6_ADDRESSES of the internet
 * (global unicast)? As opensToInternet: sizes added up, entries that are no CIDR (IPv4 ones
 * included) count for nothing.
 */
export function opensToInternetIpv6(cidrs: readonly string[]): boolean {
  let total = 0n;
  for (const text of cidrs) {
    const cidr = parseIpv6Cidr(text);
    if (cidr) total += globalUnicastAddresses(cidr);
  }
  return total > OPEN_TO_INTERNET_IPV6_ADDRESSES;
}

/** Whether an IPv6 CIDR holds addresses of the internet (global unicast) at all. */
export function reachesIpv6Internet(text: string): boolean {
  const cidr = parseIpv6Cidr(text);
  return cidr !== undefined && globalUnicastAddresses(cidr) > 0n;
}
