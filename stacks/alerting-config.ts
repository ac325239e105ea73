/**
 * Rules for who hears the alarms: the pager and ticketing endpoints, and what a production
 * environment must have so that a page reaches someone awake (a pager) and is raised at all when
 * a region is lost (the canaries that watch each region from outside). Each is reported per key with the
 * value and the fix, before anything runs; the subscriptions themselves are the components'
 * (components/observability/subscribers.ts holds the shared rules).
 */
import { endpointId, httpsEndpointProblem } from "../components/observability/subscribers";
import type { EnvironmentSettings } from "./config";
import { CONFIG_NAMESPACE, SECRET_PLACEHOLDER } from "./config-keys";

type Report = (key: string, value: unknown, message: string) => void;

const PAGER_EXAMPLE = "https://events.pagerduty.com/integration/<integration key>/enqueue (a PagerDuty service's Amazon CloudWatch integration)";

/**
 * Every alerting rule; parseEnvironment runs them with the other domain rules.
 *
 * @param secretKeys the endpoint keys whose values are secrets here (encrypted in the stack file,
 *                   or the global stack's secret output): a problem with one is reported with the
 *                   value as SECRET_PLACEHOLDER (messages reach CI logs and PR comments), and
 *                   SECRET_PLACEHOLDER itself is a value this run cannot read, checked only where
 *                   it is decrypted (`pulumi preview`, `pulumi up`).
 */
export function checkAlerting(s: EnvironmentSettings, report: Report, secretKeys: ReadonlySet<string> = new Set()): void {
  for (const key of ["pageEndpoints", "ticketEndpoints"] as const) {
    const secret = secretKeys.has(key);
    const seen = new Map<string, number>();
    s[key].forEach((url, i) => {
      const shown = secret ? SECRET_PLACEHOLDER : url;
      if (url === SECRET_PLACEHOLDER) {
        if (!secret) {
          report(`${key}[${i}]`, url, `stands for an encrypted value, but ${key} holds none: give the URL, encrypted: pulumi config set --secret --path '${CONFIG_NAMESPACE}:${key}[${i}]' <url>`);
        }
        return;
      }
      const problem = httpsEndpointProblem(url);
      if (problem) report(`${key}[${i}]`, shown, problem);
      else if (seen.has(url)) report(`${key}[${i}]`, shown, `repeats ${key}[${seen.get(url)}]: SNS keeps one subscription per endpoint and topic; list each once`);
      seen.set(url, seen.get(url) ?? i);
    });
  }
  if (s.production && s.pageEndpoints.length === 0 && !s.pagesByEmailOnly) {
    report(
      "pageEndpoints",
      s.pageEndpoints,
      `is empty in a production environment (production: true), so pages (a region impaired, the primary unreachable, replication lag) would reach only alarmEmail, a mailbox nobody hears at night; list the pager's SNS integration URL, e.g. ${PAGER_EXAMPLE}, encrypted (its key opens incidents): pulumi config set --secret --path '${CONFIG_NAMESPACE}:pageEndpoints[0]' <url>; or set pagesByEmailOnly: true to accept pages by e-mail only`,
    );
  }
  if (s.production && !s.canaryEnabled) {
    // Without the canaries nothing watches a region from outside it: the primary's loss (and
    // us-east-1's, which takes every Route 53 alarm along) would page nobody.
    report(
      "canaryEnabled",
      s.canaryEnabled,
      "is false in a production environment (production: true): the canaries are the only alarms outside each region (every secondary probes the primary, and one region probes us-east-1 when it is a secondary), so losing the primary, whose own alarms fail with it, would page nobody; set canaryEnabled: true (or production: false for an environment nobody depends on)",
    );
  }
  if (s.pagesByEmailOnly) {
    if (s.pageEndpoints.length > 0) report("pagesByEmailOnly", s.pagesByEmailOnly, `contradicts pageEndpoints (${s.pageEndpoints.length} listed, so pages reach the pager); remove it`);
    else if (!s.production) report("pagesByEmailOnly", s.pagesByEmailOnly, "only applies with production: true (elsewhere pageEndpoints is optional); remove it");
    else if (s.alarmEmail === "") report("alarmEmail", s.alarmEmail, "is empty while pagesByEmailOnly is true: pages would reach nobody at all; give the on-call address, or list pageEndpoints instead");
  }
}

/**
 * Each endpoint's id (components/observability/subscribers.ts endpointId): what its subscriptions
 * are named by, so that removing or reordering one leaves the others' subscriptions in place.
 * Computed here, where the URLs are plain: the components receive them as secret Outputs, of
 * which no resource name can be made. The global stack's program and ActiveActivePlatform's read
 * them from config; a regional stack from the global stack's `environmentSecrets` output (or, from
 * a global stack older than it, `environment`), so every stack names a URL alike, and one deployed
 * before ids existed needs no new output. Undefined for SECRET_PLACEHOLDER, a value this run
 * cannot read (the offline plan's stand-in): its subscriptions keep their position names.
 */
export function endpointIds(s: Pick<EnvironmentSettings, "pageEndpoints" | "ticketEndpoints">): Record<"pageEndpoints" | "ticketEndpoints", (string | undefined)[]> {
  const ids = (urls: readonly string[]) => urls.map((url) => (url === SECRET_PLACEHOLDER ? undefined : endpointId(url)));
  return { pageEndpoints: ids(s.pageEndpoints), ticketEndpoints: ids(s.ticketEndpoints) };
}
