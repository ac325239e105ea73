/**
 * Who an alarm topic reaches, as plain values: e-mail addresses (each pending until its owner
 * follows the link AWS sends) and HTTPS endpoints of a pager or ticketing integration (PagerDuty's
 * Amazon CloudWatch integration URL, https://events.pagerduty.com/integration/<key>/enqueue, and
 * the like), which answer SNS's subscription confirmation themselves. No resources and no AWS SDK:
 * config validation, the components, the policy pack and the deploy gate share these rules.
 *
 * Such a URL holds the integration's key, which opens incidents: the stacks and components keep
 * it a Pulumi secret, and a problem here names what is wrong (scheme, host), never the URL, so a
 * caller can report it without printing the key.
 */
import { createHash } from "crypto";

/**
 * How long a deploy waits for an HTTPS endpoint to confirm its subscription
 * (`confirmationTimeoutInMinutes`). With `endpointAutoConfirms` the AWS provider polls the
 * subscription until SNS no longer lists it as pending and fails the resource after this long
 * (its default is 1 minute; SNS retries a confirmation message an endpoint did not take), so a
 * wrong URL fails the deploy instead of leaving a page topic that reaches nobody.
 */
export const ENDPOINT_CONFIRMATION_TIMEOUT_MINUTES = 5;

/** An HTTP/S subscription's retry policy (SNS's DeliveryPolicy, `healthyRetryPolicy`): delays in seconds. */
export interface HttpsRetryPolicy {
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  minDelayTarget: number;
  backoffFunction: "linear" | "arithmetic" | "geometric" | "exponential";
  /** Every retry, all phases: the backoff phase has what the others leave. */
  numRetries: number;
  maxDelayTarget: number;
  numMaxDelayRetries: number;
}

/** SNS's hard limit on an HTTP/S delivery policy's total retry time (SNS Developer Guide, message delivery retries). */
export const SNS_MAX_RETRY_SECONDS = 3600;

/**
 * How SNS retries the HTTPS subscriptions (the pager's, ticketing's). By default SNS retries an
 * HTTPS endpoint 3 times, 20 s apart, and then discards the message (SNS Developer Guide, "Amazon
 * SNS message delivery retries"): a pager that answers 5xx or nothing for a minute loses the
 * page. This one retries 14 times over 33 to 56 minutes (the backoff's exact delays are SNS's),
 * within the hard limit of 3 600 s of total retry time, which SetSubscriptionAttributes enforces
 * (a deploy with more fails at the subscription). Every field is given, so what SNS reads back
 * cannot differ from it by a default. SNS retries server errors (5xx) and no answer only: a 4xx
 * (a revoked integration key) is not retried, and SNS's HTTP/S guide has it taken as delivered,
 * so neither these retries nor the delivery-failure ticket see it; a test alert does.
 */
export const HTTPS_RETRY_POLICY: HttpsRetryPolicy = {
  numNoDelayRetries: 0,
  numMinDelayRetries: 3,
  minDelayTarget: 20,
  backoffFunction: "exponential",
  numRetries: 14,
  maxDelayTarget: 300,
  numMaxDelayRetries: 6,
};

/** The subscription's `deliveryPolicy` attribute for a retry policy. */
export function httpsDeliveryPolicy(policy: HttpsRetryPolicy = HTTPS_RETRY_POLICY): string {
  return JSON.stringify({ healthyRetryPolicy: policy });
}

/**
 * The longest a retry policy can keep retrying, in seconds: every backoff delay taken at its
 * maximum, whatever the backoff function, so a policy within SNS_MAX_RETRY_SECONDS by this bound
 * is within it by SNS's own count.
 */
export function retryTimeBoundSeconds(p: HttpsRetryPolicy): number {
  const backoff = p.numRetries - p.numNoDelayRetries - p.numMinDelayRetries - p.numMaxDelayRetries;
  return p.numMinDelayRetries * p.minDelayTarget + backoff * p.maxDelayTarget + p.numMaxDelayRetries * p.maxDelayTarget;
}

/** What is wrong with a retry policy by SNS's documented limits, or undefined. */
export function retryPolicyProblem(p: HttpsRetryPolicy): string | undefined {
  const counts = [p.numNoDelayRetries, p.numMinDelayRetries, p.numMaxDelayRetries, p.numRetries];
  if (!counts.every((n) => Number.isInteger(n) && n >= 0)) return "retry counts must be whole numbers ≥ 0";
  if (p.numRetries > 100) return `numRetries ${p.numRetries} exceeds SNS's 100`;
  if (p.numNoDelayRetries + p.numMinDelayRetries + p.numMaxDelayRetries > p.numRetries) return "the phases' retries exceed numRetries";
  if (!(Number.isInteger(p.minDelayTarget) && p.minDelayTarget >= 1 && p.minDelayTarget <= p.maxDelayTarget)) return "minDelayTarget must be 1 s to maxDelayTarget";
  if (!(Number.isInteger(p.maxDelayTarget) && p.maxDelayTarget <= SNS_MAX_RETRY_SECONDS)) return `maxDelayTarget must be at most ${SNS_MAX_RETRY_SECONDS} s`;
  const bound = retryTimeBoundSeconds(p);
  if (bound > SNS_MAX_RETRY_SECONDS) return `retries may take ${bound} s, beyond SNS's ${SNS_MAX_RETRY_SECONDS} s`;
  return undefined;
}

/** SNS protocols whose subscriber is a mailbox: read when someone opens it, not a page. */
export const EMAIL_PROTOCOLS: readonly string[] = ["email", "email-json"];

/** Whether a subscription of this protocol reaches a pager or a system (anything but a mailbox). */
export function isPagerProtocol(protocol: string | undefined): boolean {
  return typeof protocol === "string" && protocol !== "" && !EMAIL_PROTOCOLS.includes(protocol);
}

/** What is wrong with an endpoint URL for an `https` subscription, or undefined when nothing is. */
export function httpsEndpointProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a URL; give the integration's full URL, e.g. https://events.pagerduty.com/integration/<integration key>/enqueue";
  }
  if (parsed.protocol !== "https:") return `must be an https:// URL (not ${parsed.protocol}//): SNS would send the alarms, and the endpoint's key in the URL, in the clear`;
  if (!parsed.hostname.includes(".")) return `names no public host (${parsed.hostname || "none"}): SNS delivers from outside any VPC`;
  return undefined;
}

/** Hex characters of an endpoint id (`endpointId`). */
export const ENDPOINT_ID_LENGTH = 12;
const ENDPOINT_ID = new RegExp(`^[0-9a-f]{${ENDPOINT_ID_LENGTH}}$`);

/**
 * An endpoint's id: the first ENDPOINT_ID_LENGTH hex characters (48 bits) of the SHA-256 of its URL
 * (or e-mail address). Subscriptions are named by it, never by list position: SNS's Subscribe
 * answers with the EXISTING subscription's ARN for the same topic, protocol and endpoint, so a
 * position name that passed to another endpoint (one removed or reordered before it) was replaced
 * onto that endpoint's existing subscription, and deleting the resource that held it before then
 * unsubscribed it: the pager detached while the state still listed it. An id names one endpoint
 * for good, so a list edit creates or deletes only the subscriptions of the endpoints it adds or
 * removes.
 *
 * Safe to show (names reach URNs, previews, the plan and CI logs): a pager URL holds a 128-bit
 * integration key (PagerDuty's 32 hex characters), and 48 bits of a hash of it cannot give it
 * back; some 2^80 keys share any one id. It does let whoever holds a guess check it, so a URL
 * whose secret is guessable (a short token) is no safer named this way, nor any less safe than
 * that token already is. Two endpoints of one list share an id with a chance of about n²/2^49.
 */
export function endpointId(endpoint: string): string {
  return createHash("sha256").update(endpoint, "utf8").digest("hex").slice(0, ENDPOINT_ID_LENGTH);
}

/**
 * An endpoint the component cannot read (a secret Output: a regional stack's URLs come through
 * a StackReference), with its id (`endpointId` of the URL) computed where the URL was plain:
 * config validation (stacks/config.ts parseEnvironment, Environment.endpointIds).
 */
export interface IdentifiedEndpoint<T> {
  readonly id: string;
  readonly url: T;
}

/** An entry of a component's endpoint list: the URL itself (a plain one is identified here) or the URL with its id. */
export type SubscriberEndpoint<T> = T | IdentifiedEndpoint<T>;

/** Whether an entry carries its id. A Pulumi Output lifts any property, but as an Output, never a string. */
export function isIdentifiedEndpoint<T>(entry: SubscriberEndpoint<T>): entry is IdentifiedEndpoint<T> {
  return typeof entry === "object" && entry !== null && typeof (entry as { id?: unknown }).id === "string" && "url" in entry;
}

/** One endpoint's subscription: what SNS is given, and how the resource is named. */
export interface EndpointSubscription<T> {
  /** The URL or address (a secret Output stays one). */
  readonly endpoint: T;
  /** The name's last part: the endpoint's id, or its position (1-based) when it has none. */
  readonly suffix: string;
  /**
   * Its position (1-based) when `suffix` is the id: what it was named before names were ids. The
   * component gives the resource an alias of that name, so the first deploy of id names renames
   * each subscription instead of replacing it (a create-before-delete onto the same endpoint would
   * receive the existing ARN, and the deletion would unsubscribe it).
   */
  readonly formerSuffix?: string;
}

/**
 * The subscriptions of an endpoint list, named by id (`endpointId`): a plain string is identified
 * here, an IdentifiedEndpoint brings its id. An entry with no id (a secret Output given bare, or
 * a value the offline plan could not read) keeps its position as its name, as before ids: moving
 * or removing an endpoint before it then still replaces that subscription.
 *
 * @param key what the list is called in messages (`pageEndpoints`)
 * @param endpointProblem what is wrong with an endpoint whose value is known (a plain string),
 *        e.g. httpsEndpointProblem; a secret Output is not judged here
 * @returns the subscriptions, or `problem`: the first entry that is wrong or cannot be named (a
 *          malformed id, an endpoint listed twice), by key and index, never by value or id (a
 *          caller's id might be the URL itself).
 */
export function endpointSubscriptions<T>(
  key: string,
  entries: readonly SubscriberEndpoint<T>[],
  endpointProblem?: (endpoint: string) => string | undefined,
): { subscriptions: EndpointSubscription<T>[]; problem?: string } {
  const seen = new Map<string, number>();
  const subscriptions: EndpointSubscription<T>[] = [];
  for (const [i, entry] of entries.entries()) {
    const position = String(i + 1);
    const [endpoint, id] = isIdentifiedEndpoint(entry) ? [entry.url, entry.id] : [entry, typeof entry === "string" ? endpointId(entry) : undefined];
    const wrong = typeof endpoint === "string" ? endpointProblem?.(endpoint) : undefined;
    if (wrong) return { subscriptions, problem: `${key}[${i}] ${wrong}` };
    if (id !== undefined && !ENDPOINT_ID.test(id)) {
      return { subscriptions, problem: `${key}[${i}] has an id that is not ${ENDPOINT_ID_LENGTH} lowercase hex characters: give endpointId of its URL` };
    }
    const suffix = id ?? position;
    if (seen.has(suffix)) {
      return { subscriptions, problem: `${key}[${i}] repeats ${key}[${seen.get(suffix)}]: SNS keeps one subscription per endpoint and topic; list each once` };
    }
    seen.set(suffix, i);
    subscriptions.push({ endpoint, suffix, ...(id !== undefined ? { formerSuffix: position } : {}) });
  }
  return { subscriptions };
}

/**
 * The resource name of an endpoint's subscription under `prefix` (`prod-us-east-1-alarms-https`),
 * and the name it had by position, for an alias; none when the name is still the position.
 */
export function subscriptionNames(prefix: string, subscription: EndpointSubscription<unknown>): { name: string; formerName?: string } {
  return { name: `${prefix}-${subscription.suffix}`, ...(subscription.formerSuffix ? { formerName: `${prefix}-${subscription.formerSuffix}` } : {}) };
}
