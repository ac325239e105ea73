/**
 * What a production environment still holds of the examples it was copied from, and what the
 * first deploy's choices left unpinned. The configuration is valid and the plan green, yet a real
 * first `pulumi up` would stop: a deployer CIDR in a documentation range, ARNs of AWS's example
 * account, a reserved example domain, a pager URL still holding its placeholder. And a zone choice
 * or EKS add-on left to AWS's current answer can move under a later, unrelated deploy.
 *
 * Advisory: an environment being set up holds these until its first deploy. An environment rule:
 * each finding is about one setting of the whole environment, and it is reported once.
 *
 * Most values come from the environment's settings (productionConfigThresholds, which the plan
 * and tools/ci/policy-config.ts pass on through configFromSettings). The settings hold only a
 * placeholder for each credential key's URL (stacks/config.ts environmentSettings), so the pager
 * and ticketing URLs are read from their subscriptions, whose endpoints every policy gets
 * decrypted (kit.ts, secretsView "plain"). A message names such a URL's key and index, never the
 * URL: it holds the integration's key.
 */
import type { PolicyResource } from "@pulumi/policy";
import { cidrContains, parseCidr } from "../../components/lib/cidr";
import { regionOfZoneId } from "../../components/lib/zones";
import { ENDPOINT_CONFIRMATION_TIMEOUT_MINUTES } from "../../components/observability/subscribers";
import { PRODUCTION_THRESHOLD, stringList, text } from "../config";
import { TYPES } from "./aws-types";
import { environmentRule, type EnvironmentRule } from "./environment";
import { knownString, ofType, regionOf } from "./kit";

const KEY_PREFIX = "platform:";

/** RFC 5737's ranges (TEST-NET-1, -2, -3): for documentation only, so no runner's traffic comes from them. */
export const DOCUMENTATION_RANGES = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"] as const;

/** The documentation range `cidr` lies in, or undefined (also for a CIDR that does not parse). */
export function documentationRangeOf(cidr: string): string | undefined {
  const parsed = parseCidr(cidr);
  return parsed ? DOCUMENTATION_RANGES.find((range) => cidrContains(parseCidr(range)!, parsed)) : undefined;
}

/** The account IDs AWS's documentation uses in its examples: nobody's account. */
export const EXAMPLE_ACCOUNT_IDS: readonly string[] = ["123456789012", "111122223333"];

/** The account field of an ARN (`arn:aws:iam::<account>:role/x`), or undefined. */
export function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts[0] === "arn" && parts.length >= 6 && parts[4] ? parts[4] : undefined;
}

/**
 * A DNS name reserved for examples, that no one can hold or receive mail at: example.com, .net and
 * .org and their subdomains (RFC 2606), and the .example, .test, .invalid and .localhost TLDs.
 */
export function isExampleDomain(name: string): boolean {
  const n = name.trim().toLowerCase().replace(/\.$/, "");
  return /(^|\.)example\.(com|net|org)$/.test(n) || /(^|\.)(example|test|invalid|localhost)$/.test(n);
}

/** What marks a URL as a template still to be filled in: "REPLACE-WITH-…", "<integration key>". */
const PLACEHOLDER = /replace[-_ ]?(with|me)\b|<[^<>]*>|%3C[^%]*%3E/i;

/** Why an endpoint URL is still an example, in words that never repeat the URL, or undefined. */
export function exampleUrlProblem(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined; // not a URL: config validation reports it (stacks/alerting-config.ts)
  }
  if (isExampleDomain(host)) return "its host is a domain reserved for examples (RFC 2606)";
  if (PLACEHOLDER.test(url)) return "it still holds a placeholder where the integration key goes";
  return undefined;
}

export type EndpointKey = "pageEndpoints" | "ticketEndpoints";

/** The plain values the rule judges: the environment's settings, and what only the resources know. */
export interface ProductionValues {
  readonly deployerCidrs: readonly string[];
  readonly deployIdentityArn: string;
  readonly eksAdminPrincipalArns: readonly string[];
  readonly regionSwitchApprovalRoleArn: string;
  readonly alarmEmail: string;
  readonly dnsZoneName: string;
  readonly dnsParentZoneName: string;
  /** The pager's and ticketing URLs by key and index (secret: judged, never shown), with the stack whose config holds them. */
  readonly endpoints: readonly { key: EndpointKey; index: number; url: string; stack?: string }[];
  readonly availabilityZoneIds: readonly string[];
  /** The environment's regions, each with the stack that places its subnets when one is planned. */
  readonly regions: readonly { region: string; stack?: string }[];
  readonly eksAddonVersions: readonly string[];
  /** The EKS managed add-ons the clusters install, and the clusters' names. */
  readonly addons: readonly string[];
  readonly clusters: readonly string[];
}

const list = (items: readonly string[]) => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`);

/** One message per setting that is still an example or unpinned: what it breaks, and the fix. */
export function productionConfigFindings(v: ProductionValues): string[] {
  const out: string[] = [];
  v.deployerCidrs.forEach((cidr, i) => {
    const range = documentationRangeOf(cidr);
    if (!range) return;
    out.push(
      `${KEY_PREFIX}deployerCidrs[${i}] ${cidr} lies in ${range}, a range reserved for documentation (RFC 5737) that no runner egresses from: each cluster's API endpoint would admit nobody, so the first deploy creates the EKS clusters and then stops when its first Kubernetes resource times out. ` +
        "List the deploy runners' real egress CIDRs (docs/deploying.md).",
    );
  });

  const arns: [string, string][] = [
    ["deployIdentityArn", v.deployIdentityArn],
    ...v.eksAdminPrincipalArns.map((arn, i): [string, string] => [`eksAdminPrincipalArns[${i}]`, arn]),
    ["regionSwitchApprovalRoleArn", v.regionSwitchApprovalRoleArn],
  ];
  for (const account of EXAMPLE_ACCOUNT_IDS) {
    const keys = arns.filter(([, arn]) => arn && accountOfArn(arn) === account).map(([key]) => key);
    if (keys.length === 0) continue;
    const effects: string[] = [];
    if (keys.some((k) => k !== "regionSwitchApprovalRoleArn")) effects.push("EKS refuses an access entry for a principal that does not exist, so the first deploy stops in each region at the cluster's access entries, after creating the cluster");
    if (keys.includes("regionSwitchApprovalRoleArn")) effects.push("a Region switch would wait at its approval step for a role nobody can assume");
    out.push(
      `${list(keys.map((k) => KEY_PREFIX + k))} name${keys.length === 1 ? "s" : ""} account ${account}, AWS's documentation example, not yours: ${effects.join("; ")}. ` +
        "Give the ARNs of your account (aws sts get-caller-identity --query Account).",
    );
  }

  const mailDomain = v.alarmEmail.split("@")[1];
  if (mailDomain && isExampleDomain(mailDomain)) {
    out.push(
      `${KEY_PREFIX}alarmEmail ${v.alarmEmail} is at a domain reserved for examples (RFC 2606), which receives no mail: the confirmation SNS sends for each alarm and ticket topic goes nowhere, so those e-mail subscriptions stay pending and what only they receive (the tickets, unless ticketEndpoints are set) reaches nobody; with no pager confirmed either, the deploy gate after each wave (tools/ci/wait-subscribed.ts) fails. ` +
        "Give the on-call team's address, and confirm each subscription after the first deploy.",
    );
  }

  if (v.dnsParentZoneName && isExampleDomain(v.dnsParentZoneName)) {
    out.push(
      `${KEY_PREFIX}dnsParentZoneName ${v.dnsParentZoneName} is a domain reserved for examples (RFC 2606): the global stack looks it up as a public zone of this account (aws.route53.getZone) to write the delegation, finds none and stops at its first preview, and a zone of that name made by hand is delegated from nowhere. ` +
        "Name the public zone of your own domain that this account holds.",
    );
  }
  if (v.dnsZoneName && isExampleDomain(v.dnsZoneName)) {
    out.push(
      `${KEY_PREFIX}dnsZoneName ${v.dnsZoneName} is under a domain reserved for examples (RFC 2606), which nobody can delegate: no resolver reaches the zone, so each region's certificate (validated through DNS) never validates and the first deploy stops there. ` +
        "Use a name under your own domain.",
    );
  }

  for (const { key, index, url, stack } of v.endpoints) {
    const problem = exampleUrlProblem(url);
    if (!problem) continue;
    out.push(
      `${KEY_PREFIX}${key}[${index}] is still an example (${problem}): SNS's confirmation request reaches no integration, so its https subscription never confirms and the deploy stops after the ${ENDPOINT_CONFIRMATION_TIMEOUT_MINUTES}-minute confirmation timeout, at the first stack that subscribes it. ` +
        `Set the integration's URL, encrypted: pulumi config set --secret --path '${KEY_PREFIX}${key}[${index}]' <url>${stack ? ` --stack ${stack}` : ""}.`,
    );
  }

  const pinnedRegions = new Set(v.availabilityZoneIds.map(regionOfZoneId));
  const unpinned = v.regions.filter((r) => !pinnedRegions.has(r.region));
  if (unpinned.length > 0) {
    const stacks = unpinned.map((r) => r.stack).filter((s): s is string => s !== undefined);
    const command = stacks.length > 0 ? `pulumi stack output availabilityZoneIds --stack ${stacks[0]}${stacks.length > 1 ? ` (and --stack ${stacks.slice(1).join(", ")})` : ""}` : "pulumi stack output availabilityZoneIds of each regional stack";
    out.push(
      `${KEY_PREFIX}availabilityZoneIds pins no zone of ${list(unpinned.map((r) => r.region))}: each deploy chooses ${unpinned.length === 1 ? "its" : "their"} zones again (the first usable by zone ID that offer the node types and the database class), so when what a zone offers changes, an unrelated deploy can choose another and replace the subnets, NAT gateways and nodes placed there. ` +
        `After the first deploy, pin the zones it chose: ${command}, listed in ${KEY_PREFIX}availabilityZoneIds (docs/deploying.md).`,
    );
  }

  const pinnedAddons = new Set(v.eksAddonVersions.map((entry) => entry.split("=")[0]));
  const unpinnedAddons = v.addons.filter((addon) => !pinnedAddons.has(addon));
  if (unpinnedAddons.length > 0) {
    out.push(
      `EKS add-on${unpinnedAddons.length === 1 ? "" : "s"} ${list(unpinnedAddons)} ${unpinnedAddons.length === 1 ? "has" : "have"} no pin in ${KEY_PREFIX}eksAddonVersions: each deploy installs AWS's default version for the Kubernetes minor (aws.eks.getAddonVersion), which AWS moves during a minor's life, so an unrelated deploy can update ${unpinnedAddons.length === 1 ? "it" : "them"} in every cluster${v.clusters.length ? ` (${v.clusters.join(", ")})` : ""} at once. ` +
        `After the first deploy, pin what the clusters run: aws eks describe-addon --region <region> --cluster-name <cluster> --addon-name <add-on> --query addon.addonVersion --output text, as ${KEY_PREFIX}eksAddonVersions: [vpc-cni=v…, …] (docs/deploying.md has the loop over the regions).`,
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// What only the resources know.

/** The stack a URN belongs to (`urn:pulumi:<stack>::<project>::…`). */
const stackOf = (urn: string) => /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];

/**
 * The pager's and ticketing URLs as the subscriptions hold them, by key and index. The components
 * name a page topic's subscriptions `…-alarms-https-<id>` and a ticket topic's `…-tickets-https-<id>`
 * (observability/regional.ts, global-traffic.ts) and subscribe each list in its order, every
 * topic the whole list: a URL's index is its place among the distinct URLs of its key.
 */
export function endpointsOf(resources: readonly PolicyResource[]): ProductionValues["endpoints"] {
  const found = new Map<EndpointKey, Map<string, string | undefined>>([["pageEndpoints", new Map()], ["ticketEndpoints", new Map()]]);
  for (const s of ofType(resources, "aws:sns/topicSubscription:TopicSubscription")) {
    const protocol = knownString(() => s.props.protocol);
    const url = knownString(() => s.props.endpoint);
    if ((protocol !== "https" && protocol !== "http") || url === undefined) continue;
    const urls = found.get(s.name.includes("-tickets-") ? "ticketEndpoints" : "pageEndpoints")!;
    if (!urls.has(url)) urls.set(url, stackOf(s.urn));
  }
  return [...found].flatMap(([key, urls]) => [...urls].map(([url, stack], index) => ({ key, index, url, stack })));
}

type Thresholds = {
  production: boolean;
  regions: string[];
  deployerCidrs: string[];
  deployIdentityArn: string;
  eksAdminPrincipalArns: string[];
  regionSwitchApprovalRoleArn: string;
  alarmEmail: string;
  dnsZoneName: string;
  dnsParentZoneName: string;
  availabilityZoneIds: string[];
  eksAddonVersions: string[];
};

const TEXT_KEYS = ["deployIdentityArn", "regionSwitchApprovalRoleArn", "alarmEmail", "dnsZoneName", "dnsParentZoneName"] as const;
const LIST_KEYS = ["regions", "deployerCidrs", "eksAdminPrincipalArns", "availabilityZoneIds", "eksAddonVersions"] as const;

/** The rule's thresholds from a production environment's settings (configFromSettings); undefined for any other. */
export function productionConfigThresholds(settings: Record<string, unknown>): Record<string, unknown> | undefined {
  if (settings.production !== true) return undefined;
  const given: Record<string, unknown> = { production: true };
  for (const key of TEXT_KEYS) if (typeof settings[key] === "string") given[key] = settings[key];
  for (const key of LIST_KEYS) if (Array.isArray(settings[key])) given[key] = (settings[key] as unknown[]).filter((item): item is string => typeof item === "string");
  return given;
}

export const productionConfigRealAndPinned: EnvironmentRule<Thresholds> = environmentRule<Thresholds>(
  {
    name: "production-config-real-and-pinned",
    description:
      "In a production environment, no setting is still an example value a real deploy stops at (a documentation address range, AWS's example account, a domain reserved for examples, a placeholder pager URL), and the zones and EKS add-on versions the first deploy chose are pinned.",
    enforcementLevel: "advisory",
    severity: "high",
    thresholds: {
      production: PRODUCTION_THRESHOLD,
      regions: stringList([], "The environment's regions (platform:regions), besides those with subnets: each needs its zones pinned."),
      deployerCidrs: stringList([], "The deploy runners' CIDRs (platform:deployerCidrs): none may lie in a documentation range."),
      deployIdentityArn: text("", "The deploy identity (platform:deployIdentityArn): not of an example account."),
      eksAdminPrincipalArns: stringList([], "The clusters' administrators (platform:eksAdminPrincipalArns): not of an example account."),
      regionSwitchApprovalRoleArn: text("", "The Region switch approvers' role (platform:regionSwitchApprovalRoleArn): not of an example account."),
      alarmEmail: text("", "The alarm mailbox (platform:alarmEmail): not at a domain reserved for examples."),
      dnsZoneName: text("", "The environment's zone (platform:dnsZoneName): not under a domain reserved for examples."),
      dnsParentZoneName: text("", "The zone delegating it (platform:dnsParentZoneName): not a domain reserved for examples."),
      availabilityZoneIds: stringList([], "The pinned zone IDs (platform:availabilityZoneIds): every region needs its own."),
      eksAddonVersions: stringList([], "The pinned EKS add-on versions (platform:eksAddonVersions, <add-on>=<version>): every add-on the clusters install needs one."),
    },
    remediationSteps:
      "Replace each example value in the environment's stack file with the real one (the runners' egress CIDRs, your account's ARNs, your domain, the on-call mailbox, the pager's URL set with `pulumi config set --secret`); after the first deploy, pin platform:availabilityZoneIds from the regional stacks' output availabilityZoneIds and platform:eksAddonVersions from `aws eks describe-addon` (docs/deploying.md).",
  },
  (resources, report, config) => {
    if (!config.production) return;
    const regions = new Map<string, string | undefined>(config.regions.map((region) => [region, undefined]));
    for (const subnet of ofType(resources, TYPES.subnet)) {
      const region = regionOf(subnet);
      if (region && !regions.get(region)) regions.set(region, stackOf(subnet.urn));
    }
    const addons = ofType(resources, "aws:eks/addon:Addon");
    const names = (values: (string | undefined)[]) => [...new Set(values.filter((n): n is string => n !== undefined))];
    const findings = productionConfigFindings({
      ...config,
      endpoints: endpointsOf(resources),
      regions: [...regions].map(([region, stack]) => ({ region, stack })),
      addons: names(addons.map((a) => knownString(() => a.props.addonName))),
      clusters: names(addons.map((a) => knownString(() => a.props.clusterName))),
    });
    for (const message of findings) report(message);
  },
);

export const PRODUCTION_ENVIRONMENT_RULES: readonly EnvironmentRule[] = [productionConfigRealAndPinned as EnvironmentRule];
