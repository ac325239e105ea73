/**
 * How alarm subscriptions are named (components/observability/subscribers.ts): by a stable id of
 * the endpoint, so that removing or reordering one never hands its name to another (SNS would
 * answer that replacement with the other endpoint's existing subscription, which the old
 * resource's deletion then unsubscribes).
 */
import { createHash } from "crypto";
import { describe, expect, it } from "vitest";
import { endpointId, endpointSubscriptions, HTTPS_RETRY_POLICY, httpsEndpointProblem, retryPolicyProblem, retryTimeBoundSeconds, subscriptionNames } from "../../components/observability/subscribers";

const KEY_A = "0123456789abcdef0123456789abcdef";
const KEY_B = "fedcba9876543210fedcba9876543210";
const A = `https://events.pagerduty.com/integration/${KEY_A}/enqueue`;
const B = `https://events.pagerduty.com/integration/${KEY_B}/enqueue`;
const C = "https://tickets.example.org/sns/hook-4a1f";

/** Endpoint → the name its subscription gets under a prefix, for one list. */
const namesOf = (entries: readonly string[]) => {
  const { subscriptions, problem } = endpointSubscriptions("pageEndpoints", entries);
  expect(problem).toBeUndefined();
  return Object.fromEntries(subscriptions.map((s) => [s.endpoint, subscriptionNames("prod-alarms-https", s).name]));
};

describe("endpointId", () => {
  it("is the first 12 hex characters of the SHA-256 of the URL: the same in every stack and run, different per URL", () => {
    expect(endpointId(A)).toBe(createHash("sha256").update(A).digest("hex").slice(0, 12));
    expect(endpointId(A)).toMatch(/^[0-9a-f]{12}$/);
    expect(endpointId(A)).toBe(endpointId(`${A}`));
    expect(new Set([A, B, C, "oncall@example.com"].map(endpointId)).size).toBe(4);
  });

  it("never contains the URL or any part of its key", () => {
    for (const url of [A, B, C]) {
      const id = endpointId(url);
      expect(url.includes(id)).toBe(false);
      // Not even 6 characters of the key in a row.
      for (const key of [KEY_A, KEY_B, "hook-4a1f"]) for (let i = 0; i + 6 <= key.length; i++) expect(id).not.toContain(key.slice(i, i + 6));
    }
  });
});

describe("endpointSubscriptions", () => {
  it("judges each known endpoint with the check it is given, naming key and index, never the URL; a secret Output is not judged", () => {
    const plainHttp = "http://events.pagerduty.com/integration/k/enqueue";
    const { problem } = endpointSubscriptions("ticketEndpoints", [A, { id: endpointId(plainHttp), url: plainHttp }], httpsEndpointProblem);
    expect(problem).toMatch(/^ticketEndpoints\[1\] must be an https:\/\/ URL/);
    expect(problem).not.toContain("pagerduty");
    const secret = { apply: () => undefined };
    expect(endpointSubscriptions<unknown>("ticketEndpoints", [secret, A], httpsEndpointProblem).problem).toBeUndefined();
    expect(endpointSubscriptions("alarmEmails", ["oncall@example.com"]).problem).toBeUndefined();
  });

  it("names each subscription by its endpoint, whatever its position", () => {
    const first = namesOf([A, B, C]);
    expect(namesOf([C, A, B])).toEqual(first);
    expect(namesOf([B, C, A])).toEqual(first);
    expect(first[A]).toBe(`prod-alarms-https-${endpointId(A)}`);
  });

  it("leaves the others' names when one endpoint is removed or added", () => {
    const before = namesOf([A, B, C]);
    expect(namesOf([B, C])).toEqual({ [B]: before[B], [C]: before[C] });
    expect(namesOf([A, C])).toEqual({ [A]: before[A], [C]: before[C] });
    expect(namesOf(["https://new.example.org/sns", A, B, C])).toMatchObject(before);
  });

  it("gives each the position name it had before ids, for an alias, and only that", () => {
    const { subscriptions } = endpointSubscriptions("pageEndpoints", [A, B]);
    expect(subscriptions.map((s) => subscriptionNames("prod-alarms-https", s))).toEqual([
      { name: `prod-alarms-https-${endpointId(A)}`, formerName: "prod-alarms-https-1" },
      { name: `prod-alarms-https-${endpointId(B)}`, formerName: "prod-alarms-https-2" },
    ]);
  });

  it("takes the id an entry brings (a secret the component cannot read), and names an entry without one by position, with no alias", () => {
    const secretA = { secret: A };
    const secretB = { secret: B };
    const { subscriptions } = endpointSubscriptions<unknown>("pageEndpoints", [{ id: endpointId(B), url: secretB }, secretA]);
    expect(subscriptions).toEqual([
      { endpoint: secretB, suffix: endpointId(B), formerSuffix: "1" },
      { endpoint: secretA, suffix: "2" },
    ]);
    expect(subscriptionNames("p", subscriptions[1])).toEqual({ name: "p-2" });
  });

  it("refuses an endpoint listed twice and an id that is not one, naming the entry but neither the value nor the id", () => {
    expect(endpointSubscriptions("pageEndpoints", [A, B, A]).problem).toBe("pageEndpoints[2] repeats pageEndpoints[0]: SNS keeps one subscription per endpoint and topic; list each once");
    expect(endpointSubscriptions("pageEndpoints", [B, { id: endpointId(B), url: "secret" }]).problem).toMatch(/^pageEndpoints\[1\] repeats pageEndpoints\[0\]/);
    const problem = endpointSubscriptions("pageEndpoints", [{ id: A, url: A }]).problem!;
    expect(problem).toMatch(/^pageEndpoints\[0\] has an id that is not 12 lowercase hex characters/);
    expect(problem).not.toContain(KEY_A);
  });
});

describe("the HTTPS subscriptions' retry policy", () => {
  it("retries 14 times over at most 3 360 s, within SNS's hard limit of 3 600 s whatever the backoff's delays", () => {
    // 3 retries 20 s apart, 5 of backoff (each at most 300 s), 6 at 300 s.
    expect(retryTimeBoundSeconds(HTTPS_RETRY_POLICY)).toBe(3 * 20 + 5 * 300 + 6 * 300);
    expect(retryPolicyProblem(HTTPS_RETRY_POLICY)).toBeUndefined();
    // SNS's default: 3 retries, 20 s apart, about a minute before the page is dropped.
    expect(retryTimeBoundSeconds({ ...HTTPS_RETRY_POLICY, numMinDelayRetries: 0, numMaxDelayRetries: 0, numRetries: 3, maxDelayTarget: 20 })).toBe(60);
  });

  it("refuses what SNS refuses", () => {
    expect(retryPolicyProblem({ ...HTTPS_RETRY_POLICY, numRetries: 15 })).toBe("retries may take 3660 s, beyond SNS's 3600 s");
    expect(retryPolicyProblem({ ...HTTPS_RETRY_POLICY, numRetries: 101 })).toMatch(/exceeds SNS's 100/);
    expect(retryPolicyProblem({ ...HTTPS_RETRY_POLICY, minDelayTarget: 400 })).toMatch(/minDelayTarget/);
    expect(retryPolicyProblem({ ...HTTPS_RETRY_POLICY, numRetries: 5 })).toMatch(/exceed numRetries/);
  });
});
