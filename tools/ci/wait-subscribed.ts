/**
 * The gate after every wave that pages: each page topic the stack exports (`alarmTopicArn`; the
 * global stack's holds the DNS alarms, a region's its own) must have at least one confirmed
 * subscription before the rollout goes on. An e-mail subscription stays "PendingConfirmation"
 * until its link is clicked, and one that is never confirmed, or unsubscribed through the link
 * at the foot of every alarm mail, is gone from AWS while Pulumi's state and the plan still show
 * it: alarms would then fire into a topic nobody reads. The ticket topic (`ticketTopicArn`) is
 * reported, not waited for. When the stack says its page topics have the pager subscribed
 * (`pagerExpected`: `platform:pageEndpoints` set, which a production environment must), a
 * confirmed e-mail is not enough: a page topic needs a confirmed subscriber that is no mailbox
 * (the pager's HTTPS endpoint), or a page would wake nobody.
 *
 *   npx tsx tools/ci/wait-subscribed.ts --outputs stack-outputs.json [--timeout-minutes 30] [--interval-seconds 20]
 *
 * Subscriptions come from `aws sns list-subscriptions-by-topic` (the AWS CLI, as the other gates),
 * in the topic's own region. Exit 0 every page topic has a confirmed subscriber, 1 not by the
 * deadline, 2 bad input or a read no wait mends (no permission, an expired session, a topic AWS
 * does not know, no `aws`: tools/ci/poll.ts, awsCliFailure).
 */
import { execFile } from "child_process";
import { promisify } from "util";
import { awsCliFailure, gateArgs, pollUntil, type Observation, type PollOptions } from "./poll";
import { EMAIL_PROTOCOLS, endpointId, isPagerProtocol } from "../../components/observability/subscribers";

export interface Subscription {
  SubscriptionArn?: string;
  Protocol?: string;
  Endpoint?: string;
}

export interface TopicRef {
  readonly arn: string;
  readonly region: string;
  /** Waited for (pages), or only reported (tickets). */
  readonly pages: boolean;
  /** A page topic whose subscriber must be the pager, not a mailbox (the stack's `pagerExpected`). */
  readonly pager: boolean;
}

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]+$/;

/** The topics a stack's outputs name. */
export function topicsOf(outputs: Record<string, unknown>): TopicRef[] {
  const topics: TopicRef[] = [];
  const pagerExpected = outputs.pagerExpected;
  if (pagerExpected !== undefined && typeof pagerExpected !== "boolean") throw new Error(`output pagerExpected is ${JSON.stringify(pagerExpected)}, not true or false`);
  for (const [key, pages] of [["alarmTopicArn", true], ["ticketTopicArn", false]] as const) {
    const arn = outputs[key];
    if (arn === undefined) continue;
    const match = typeof arn === "string" ? TOPIC_ARN.exec(arn) : null;
    if (!match) throw new Error(`output ${key} is ${JSON.stringify(arn)}, not an SNS topic ARN`);
    topics.push({ arn: arn as string, region: match[1], pages, pager: pages && pagerExpected === true });
  }
  return topics;
}

/**
 * A subscription's endpoint as this gate may print it (CI logs are read by many): a mailbox as it
 * is, anything else by protocol, host and id (`endpointId`, the suffix of its subscription's name
 * in Pulumi), never whole. A pager's URL carries the integration key in its path
 * (events.pagerduty.com/integration/<key>/enqueue), which opens incidents and which the project
 * shows nowhere else; an endpoint that is no URL (a phone number, an ARN) shows its id only.
 */
export function displayEndpoint(s: Pick<Subscription, "Protocol" | "Endpoint">): string {
  const protocol = s.Protocol ?? "?";
  if (s.Endpoint === undefined) return `${protocol}:?`;
  if (EMAIL_PROTOCOLS.includes(protocol)) return `${protocol}:${s.Endpoint}`;
  let host: string | undefined;
  try {
    host = new URL(s.Endpoint).hostname || undefined;
  } catch {
    host = undefined;
  }
  return `${protocol}:${host ? `${host}/…` : "…"} (endpoint id ${endpointId(s.Endpoint)})`;
}

/** SNS lists an unconfirmed subscription with this in place of its ARN (and "Deleted" for one going away). */
const confirmed = (s: Subscription) => typeof s.SubscriptionArn === "string" && s.SubscriptionArn.startsWith("arn:");

/**
 * Whether every page topic has a confirmed subscriber (the pager, where one is expected), and who
 * has yet to confirm.
 */
export function judgeSubscriptions(byTopic: ReadonlyMap<TopicRef, readonly Subscription[]>): Observation {
  const parts: string[] = [];
  let done = true;
  for (const [topic, subscriptions] of byTopic) {
    const ok = subscriptions.filter(confirmed);
    const pagers = ok.filter((s) => isPagerProtocol(s.Protocol));
    const pending = subscriptions.filter((s) => s.SubscriptionArn === "PendingConfirmation").map(displayEndpoint);
    if (topic.pages && ok.length === 0) done = false;
    const noPager = topic.pager && pagers.length === 0;
    if (noPager) done = false;
    const name = topic.arn.split(":").pop();
    parts.push(
      `${name}: ${ok.length} confirmed${noPager ? ", no pager among them (only mailboxes)" : ""}${pending.length ? `, waiting for ${pending.join(", ")} to confirm` : ""}${subscriptions.length === 0 ? " (no subscription at all)" : ""}`,
    );
  }
  return { done, detail: parts.join("; ") };
}

/**
 * Ticket topics no confirmed subscriber reads. Not waited for (tickets do not wake anyone, and a
 * rollout is no time to wait for a mailbox), but said: one click on the unsubscribe link at the
 * foot of any ticket mail removes the only subscriber, and the topic's alarms then fire unread.
 */
export function unreadTicketTopics(byTopic: ReadonlyMap<TopicRef, readonly Subscription[]>): string[] {
  return [...byTopic].filter(([topic, subscriptions]) => !topic.pages && !subscriptions.some(confirmed)).map(([topic]) => topic.arn);
}

export type SubscriptionReader = (topic: TopicRef) => Promise<Subscription[]>;

export const awsCliSubscriptions: SubscriptionReader = async (topic) => {
  const { stdout } = await promisify(execFile)("aws", ["sns", "list-subscriptions-by-topic", "--topic-arn", topic.arn, "--region", topic.region, "--output", "json"]);
  return (JSON.parse(stdout) as { Subscriptions?: Subscription[] }).Subscriptions ?? [];
};

export async function waitSubscribed(topics: readonly TopicRef[], read: SubscriptionReader, options: PollOptions): Promise<{ done: boolean; last: string; failed?: boolean; unreadTickets: string[] }> {
  let unreadTickets: string[] = [];
  const result = await pollUntil(async () => {
    const byTopic = new Map<TopicRef, Subscription[]>();
    for (const topic of topics) byTopic.set(topic, await read(topic));
    unreadTickets = unreadTicketTopics(byTopic);
    return judgeSubscriptions(byTopic);
  }, { classifyError: (err) => awsCliFailure(err, "sns:ListSubscriptionsByTopic"), ...options });
  return { ...result, unreadTickets };
}

async function main(argv: string[]): Promise<number> {
  const args = gateArgs(argv, 30, "wait-subscribed.ts");
  let topics: TopicRef[];
  try {
    if (typeof args === "string") throw new Error(args);
    topics = topicsOf(args.outputs);
  } catch (err) {
    console.error(`wait-subscribed: ${(err as Error).message}`);
    return 2;
  }
  const { timeoutMinutes, intervalSeconds } = args as Exclude<typeof args, string>;
  if (!topics.some((t) => t.pages)) {
    // A stack without monitoring (platform:observability off) exports no page topic.
    console.log("wait-subscribed: the stack exports no alarmTopicArn (no monitoring): nothing pages, nothing to wait for");
    return 0;
  }
  console.error(`waiting up to ${timeoutMinutes} min for a confirmed subscriber on ${topics.filter((t) => t.pages).map((t) => t.arn).join(", ")}`);
  const result = await waitSubscribed(topics, awsCliSubscriptions, { timeoutSeconds: timeoutMinutes * 60, intervalSeconds });
  if (result.done) {
    console.log(`alarms reach someone: ${result.last}`);
    for (const arn of result.unreadTickets) {
      console.error(
        `::warning::Ticket topic ${arn} has no confirmed subscriber: its alarms (tickets, not pages) reach nobody. ` +
          "An alarm mail's unsubscribe link removes a subscription without signing in, unless it was confirmed with AuthenticateOnUnsubscribe (docs/observability.md, section “Who hears about it”): run `pulumi up --refresh --stack <stack>` from a deploy runner to subscribe platform:alarmEmail again, and confirm the new mail as the docs say.",
      );
    }
    return 0;
  }
  if (result.failed) {
    console.error(`::error::wait-subscribed: cannot list the topics' subscriptions: ${result.last}. The rollout stops here; fix this, then re-run this job.`);
    return 2;
  }
  const gone = result.last.includes("no subscription at all");
  if (result.last.includes("no pager among them")) {
    console.error(
      `::error::No pager confirmed after ${timeoutMinutes} minute(s): ${result.last}. The environment pages through platform:pageEndpoints, but no such (HTTPS) subscription of a page topic is confirmed: pages would reach mailboxes only. ` +
        "The deploy creates the pager's subscription and fails when the endpoint does not confirm it, so it was removed since (unsubscribed, or the integration deleted and the subscription with it): run `pulumi up --refresh --stack <stack>` from a deploy runner (it subscribes the endpoint again), check the integration URL in platform:pageEndpoints, then re-run.",
    );
    return 1;
  }
  console.error(
    `::error::No confirmed subscriber after ${timeoutMinutes} minute(s): ${result.last}. Alarms of this stack would reach nobody. ` +
      (gone
        ? "A topic has no subscription at all: either none is configured (platform:alarmEmail and platform:pageEndpoints empty: set them) or one Pulumi created is gone from AWS (unsubscribed, or never confirmed), which `pulumi up` without a refresh does not see, and a deploy refreshes only the node groups, the Auto Scaling groups and the Aurora GlobalCluster: run `pulumi up --refresh --stack <stack>` from a deploy runner (it creates it again and sends a new confirmation mail), confirm it, then re-run."
        : "Confirm the subscription mails (platform:alarmEmail; a reserved domain such as example.com never receives one), or list the pager in platform:pageEndpoints, then re-run."),
  );
  return 1;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
