/**
 * The alarm subscriptions of RegionalObservability and GlobalTraffic under the fake cloud, for the
 * same endpoints in different lists: each subscription is named by its endpoint's id, so a list
 * reordered or shortened changes no other subscription's name (a name passing to another endpoint
 * would be replaced onto that endpoint's existing SNS subscription, and the old resource's
 * deletion would unsubscribe it), and each answers to the position name of before (an alias), so
 * an existing environment's first deploy with ids renames them instead of replacing them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";
import { endpointId } from "../../components/observability/subscribers";

const KEYS = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210", "00112233445566778899aabbccddeeff"];
const [A, B, C] = KEYS.map((key) => `https://events.pagerduty.com/integration/${key}/enqueue`);
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";

let cloud: FakeCloud;

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "subscription-names-test", region: "eu-west-1" });
  const { RegionalObservability } = await import("../../components/observability/regional");
  const { GlobalTraffic } = await import("../../components/global-traffic");
  const region = (name: string, lists: { alarmEmails?: string[]; pageEndpoints?: unknown[]; ticketEndpoints?: unknown[] }) =>
    new RegionalObservability(name, {
      region: "eu-west-1",
      namePrefix: name,
      environment: "prod",
      regionCount: 2,
      loadBalancer: { arnSuffix: "app/lb/1", targetGroupArnSuffix: "targetgroup/tg/1", dnsName: "lb.eu-west-1.elb.amazonaws.com" },
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      nodes: { autoScalingGroupName: "asg" },
      ...(lists as object),
    });
  region("before", { alarmEmails: ["oncall@example.com", "team@example.com"], pageEndpoints: [A, B, C], ticketEndpoints: [C] });
  // B removed, C moved first; the first mailbox gone.
  region("after", { alarmEmails: ["team@example.com"], pageEndpoints: [C, A], ticketEndpoints: [C] });
  // As a stack gives them: secret Outputs with the ids config validation computed; one without
  // (a value the offline plan could not read).
  region("secret", { pageEndpoints: [{ id: endpointId(B), url: pulumi.secret(B) }, pulumi.secret(A)] });
  new GlobalTraffic("gbefore", { zoneName: "before.example.com", regions: ["us-east-1", "eu-west-1"], arc: { enabled: false }, pageEndpoints: [A, B], ticketEndpoints: [B, C] });
  new GlobalTraffic("gafter", { zoneName: "after.example.com", regions: ["us-east-1", "eu-west-1"], arc: { enabled: false }, pageEndpoints: [B], ticketEndpoints: [C, B] });
  await settle();
});

/** A component's subscriptions of one kind: name without the prefix → the alias names. */
function subscriptions(prefix: string): Record<string, string[]> {
  const own = cloud.resources.filter((r: RecordedResource) => r.type === SUBSCRIPTION && r.name.startsWith(`${prefix}-`));
  return Object.fromEntries(own.map((r) => [r.name.slice(prefix.length + 1), r.aliases.map((a) => a.split("::").pop()!.slice(prefix.length + 1))]));
}
const id = endpointId;

describe("RegionalObservability's subscriptions", () => {
  it("are named by endpoint: reordering and removing endpoints changes no other subscription's name", () => {
    expect(Object.keys(subscriptions("before-alarms-https"))).toEqual([id(A), id(B), id(C)]);
    expect(Object.keys(subscriptions("after-alarms-https"))).toEqual([id(C), id(A)]);
    expect(Object.keys(subscriptions("after-tickets-https"))).toEqual(Object.keys(subscriptions("before-tickets-https")));
    // The mailboxes as well: the one left keeps its name.
    expect(Object.keys(subscriptions("before-alarms-email"))).toEqual([id("oncall@example.com"), id("team@example.com")]);
    expect(Object.keys(subscriptions("after-alarms-email"))).toEqual([id("team@example.com")]);
    expect(Object.keys(subscriptions("after-tickets-email"))).toEqual([id("team@example.com")]);
  });

  it("answer to the position name they had before ids (an alias in the same parent), so the first deploy renames, not replaces", () => {
    expect(subscriptions("before-alarms-https")).toEqual({ [id(A)]: ["1"], [id(B)]: ["2"], [id(C)]: ["3"] });
    expect(subscriptions("before-tickets-email")).toEqual({ [id("oncall@example.com")]: ["1"], [id("team@example.com")]: ["2"] });
    const parent = cloud.resources.find((r) => r.type === "platform:observability:RegionalObservability" && r.name === "before")!;
    const pager = cloud.resources.find((r) => r.name === `before-alarms-https-${id(A)}`)!;
    expect(pager.parent).toBe(parent.urn);
    expect(pager.aliases).toEqual([pager.urn.replace(`before-alarms-https-${id(A)}`, "before-alarms-https-1")]);
  });

  it("take the id a secret endpoint brings, and name one without it by its position, with no alias", () => {
    expect(subscriptions("secret-alarms-https")).toEqual({ [id(B)]: ["1"], "2": [] });
    for (const r of cloud.resources.filter((r) => r.name.startsWith("secret-alarms-https"))) expect(r.inputs.endpoint).toBe("[secret]");
  });
});

describe("GlobalTraffic's subscriptions", () => {
  it("are named by endpoint and answer to their position names as well", () => {
    expect(subscriptions("gbefore-health-alarms-https")).toEqual({ [id(A)]: ["1"], [id(B)]: ["2"] });
    expect(subscriptions("gafter-health-alarms-https")).toEqual({ [id(B)]: ["1"] });
    expect(Object.keys(subscriptions("gafter-health-tickets-https")).sort()).toEqual(Object.keys(subscriptions("gbefore-health-tickets-https")).sort());
  });
});

describe("names and aliases", () => {
  it("hold no URL and no part of a key: not in a name, a URN, an alias or what the state shows", () => {
    // Everything but `secretInputs`/`secretOutputs`, the values the fake cloud keeps for the policies.
    const shown = JSON.stringify(cloud.resources.map((r) => [r.urn, r.name, r.aliases, r.inputs, r.outputs]));
    expect(shown).toContain(`-https-${id(A)}`);
    for (const key of KEYS) expect(shown).not.toContain(key.slice(0, 8));
  });
});
