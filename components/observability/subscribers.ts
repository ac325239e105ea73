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

/**
 * How long a deploy waits for an HTTPS endpoint to confirm its subscription
 * (`confirmationTimeoutInMinutes`). With `endpointAutoConfirms` the AWS provider polls the
 * subscription until SNS no longer lists it as pending and fails the resource after this long
 * (its default is 1 minute; SNS retries a confirmation message an endpoint did not take), so a
 * wrong URL fails the deploy instead of leaving a page topic that reaches nobody.
 */
export const ENDPOINT_CONFIRMATION_TIMEOUT_MINUTES = 5;

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
