import { describe, expect, it } from "vitest";
import { fakeTime } from "../fixtures/fake-time";
import { awsCliFailure, pollUntil } from "../../tools/ci/poll";
import { answersFor, delegationHelp, PUBLIC_RESOLVERS, resolversOption, waitForZone, zoneTarget } from "../../tools/ci/wait-for-zone";
import { healthCheckIdOf, judgeObservations, waitHealthy } from "../../tools/ci/wait-healthy";
import { judgeReplicas, replicatedSecretsOf, waitSecretReplicas, type ReplicaStatus, type ReplicatedSecret } from "../../tools/ci/wait-secret-replicas";
import { displayEndpoint, judgeSubscriptions, topicsOf, unreadTicketTopics, waitSubscribed, type Subscription, type TopicRef } from "../../tools/ci/wait-subscribed";
import { endpointId } from "../../components/observability/subscribers";


const NS = ["ns-1.awsdns-01.com.", "ns-2.awsdns-02.net", "NS-3.AWSDNS-03.ORG", "ns-4.awsdns-04.co.uk"];
const outputs = { zoneName: "prod.example.com", nameServers: NS, dnsDelegation: { mode: "parent-zone", zoneName: "prod.example.com", parentZoneName: "example.com" } };

describe("pollUntil", () => {
  it("stops at the deadline, after the last attempt that still fits, with what it saw last", async () => {
    const time = fakeTime();
    let n = 0;
    const result = await pollUntil(async () => ({ done: false, detail: `attempt ${++n}` }), { timeoutSeconds: 60, intervalSeconds: 20, ...time });
    expect(result).toEqual({ done: false, attempts: 4, last: "attempt 4" });
    expect(time.elapsed()).toBe(60);
  });

  it("needs the asked number of good answers in a row, and survives a failing check", async () => {
    const answers = [true, false, true, true];
    let i = 0;
    const result = await pollUntil(async () => {
      if (i === 1) { i++; throw new Error("throttled"); }
      return { done: answers[i++], detail: `answer ${i}` };
    }, { timeoutSeconds: 600, intervalSeconds: 10, consecutive: 2, ...fakeTime() });
    expect(result).toMatchObject({ done: true, attempts: 4 });
  });
});

describe("awsCliFailure (which failed aws calls a gate asks again)", () => {
  /** A failed execFile of the AWS CLI: its exit code and what it wrote to stderr. */
  const cli = (stderr: string) => ({ code: 254, message: `Command failed: aws autoscaling describe-instance-refreshes\n${stderr}`, stderr });
  const ACTION = "autoscaling:DescribeInstanceRefreshes";

  it("asks again after throttling, AWS's transient errors and the network", () => {
    for (const stderr of [
      "\nAn error occurred (Throttling) when calling the DescribeInstanceRefreshes operation (reached max retries: 2): Rate exceeded\n",
      "\nAn error occurred (ServiceUnavailable) when calling the DescribeInstanceRefreshes operation: Service is unavailable\n",
      "\nAn error occurred (PriorRequestNotComplete) when calling the GetHealthCheckStatus operation: slow down\n",
      '\nCould not connect to the endpoint URL: "https://autoscaling.us-east-1.amazonaws.com/"\n',
      '\nConnect timeout on endpoint URL: "https://sns.eu-west-1.amazonaws.com/"\n',
    ]) expect(awsCliFailure(cli(stderr), ACTION)).toEqual({ retry: true, detail: stderr.trim() });
    // A thrown message with no code (the pollers' own tests throw such).
    expect(awsCliFailure(new Error("Rate exceeded"), ACTION).retry).toBe(true);
  });

  it("stops at once on what no retry mends, naming the cause and, when denied, the missing action", () => {
    const denied = awsCliFailure(cli("\nAn error occurred (AccessDenied) when calling the DescribeInstanceRefreshes operation: User: arn:aws:sts::123456789012:assumed-role/platform-deploy/deploy-1 is not authorized to perform: autoscaling:DescribeInstanceRefreshes because no identity-based policy allows the autoscaling:DescribeInstanceRefreshes action\n"), ACTION);
    expect(denied.retry).toBe(false);
    expect(denied.detail).toMatch(/^AWS denies autoscaling:DescribeInstanceRefreshes to this job's role \(An error occurred \(AccessDenied\).*\): add autoscaling:DescribeInstanceRefreshes to the deploy role's policy/);
    expect(awsCliFailure(cli("An error occurred (UnauthorizedOperation) when calling the X operation: You are not authorized"), ACTION).detail).toMatch(/^AWS denies autoscaling:DescribeInstanceRefreshes/);
    expect(awsCliFailure(cli("An error occurred (AuthorizationError) when calling the ListSubscriptionsByTopic operation: not authorized"), "sns:ListSubscriptionsByTopic").detail).toMatch(/^AWS denies sns:ListSubscriptionsByTopic/);
    const expired = awsCliFailure(cli("\nAn error occurred (ExpiredToken) when calling the DescribeInstanceRefreshes operation: The security token included in the request is expired\n"), ACTION);
    expect(expired).toMatchObject({ retry: false, detail: expect.stringMatching(/^the AWS session has expired .*role-duration-seconds/) });
    const wrongName = awsCliFailure(cli("\nAn error occurred (ValidationError) when calling the DescribeInstanceRefreshes operation: AutoScalingGroup name not found - no-such-group\n"), ACTION);
    expect(wrongName).toMatchObject({ retry: false, detail: expect.stringMatching(/^AWS refuses autoscaling:DescribeInstanceRefreshes \(.*ValidationError.*no-such-group\): a name or id that does not exist/) });
    expect(awsCliFailure(cli("An error occurred (NoSuchHealthCheck) when calling the GetHealthCheckStatus operation: no check"), "route53:GetHealthCheckStatus").retry).toBe(false);
    expect(awsCliFailure(cli("An error occurred (InvalidClientTokenId) when calling the X operation: bad"), ACTION).detail).toMatch(/^AWS does not accept this job's credentials/);
    expect(awsCliFailure(cli('\nUnable to locate credentials. You can configure credentials by running "aws configure".\n'), ACTION).detail).toMatch(/^no AWS credentials on this runner/);
    // No aws on the runner: execFile's spawn error.
    const missing = awsCliFailure(Object.assign(new Error("spawn aws ENOENT"), { code: "ENOENT", syscall: "spawn aws", path: "aws" }), ACTION);
    expect(missing).toEqual({ retry: false, detail: "the AWS CLI is not installed on this runner (spawn aws ENOENT): install it (the gates call `aws`), or put it on PATH" });
    // Anything unknown (an answer that is not JSON, a usage error) is not waited on either.
    expect(awsCliFailure(new SyntaxError("Unexpected token < in JSON at position 0"), ACTION)).toEqual({ retry: false, detail: "autoscaling:DescribeInstanceRefreshes failed (Unexpected token < in JSON at position 0)" });
  });

  it("ends pollUntil's wait at the first such failure, and the gates use it", async () => {
    const time = fakeTime();
    let calls = 0;
    const denied = cli("An error occurred (AccessDenied) when calling the GetHealthCheckStatus operation: not authorized to perform: route53:GetHealthCheckStatus");
    const result = await waitHealthy("hc-1", async () => { calls++; throw denied; }, { timeoutSeconds: 900, intervalSeconds: 20, ...time });
    expect(result).toEqual({ done: false, attempts: 1, last: expect.stringMatching(/^AWS denies route53:GetHealthCheckStatus/), failed: true });
    expect([calls, time.elapsed()]).toEqual([1, 0]);
    const topic: TopicRef = { arn: "arn:aws:sns:us-east-1:123456789012:prod-pages", region: "us-east-1", pages: true, pager: false };
    expect(await waitSubscribed([topic], async () => { throw Object.assign(new Error("spawn aws ENOENT"), { code: "ENOENT" }); }, { timeoutSeconds: 900, intervalSeconds: 20, ...fakeTime() })).toMatchObject({ failed: true, attempts: 1 });
    // Without a classifier every failure is asked again, until the deadline.
    const retried = await pollUntil(async () => { throw denied; }, { timeoutSeconds: 60, intervalSeconds: 20, ...fakeTime() });
    expect(retried).toMatchObject({ done: false, attempts: 4, last: expect.stringMatching(/^check failed: An error occurred \(AccessDenied\)/) });
    expect(retried.failed).toBeUndefined();
  });
});

describe("wait-for-zone", () => {
  it("reads the zone and its name servers from the global stack's outputs", () => {
    expect(zoneTarget(outputs)).toEqual({ zoneName: "prod.example.com", nameServers: ["ns-1.awsdns-01.com", "ns-2.awsdns-02.net", "ns-3.awsdns-03.org", "ns-4.awsdns-04.co.uk"], mode: "parent-zone", parentZoneName: "example.com" });
    expect(() => zoneTarget({})).toThrow(/no zoneName and nameServers.*global stack first/);
  });

  it("is satisfied only by the zone's own name servers", () => {
    const target = zoneTarget(outputs);
    expect(answersFor(target, ["ns-2.awsdns-02.net.", "ns-1.awsdns-01.com"]).done).toBe(true);
    // A delegation to an older zone of the same name (other name servers) is not this zone.
    expect(answersFor(target, ["ns-9.awsdns-09.com"]).done).toBe(false);
    expect(answersFor(target, []).detail).toBe("no NS answer for prod.example.com");
  });

  it("waits until public DNS answers, and times out with the records to add", async () => {
    const target = zoneTarget(outputs);
    let calls = 0;
    const resolve = async () => {
      if (++calls < 3) throw Object.assign(new Error("queryNs ENOTFOUND"), { code: "ENOTFOUND" });
      return NS;
    };
    expect(await waitForZone(target, resolve, { timeoutSeconds: 600, intervalSeconds: 20, ...fakeTime() })).toMatchObject({ done: true });
    const never = await waitForZone(target, async () => { throw Object.assign(new Error("x"), { code: "ENOTFOUND" }); }, { timeoutSeconds: 60, intervalSeconds: 20, ...fakeTime() });
    expect(never).toMatchObject({ done: false, last: "prod.example.com: ENOTFOUND" });
    const manual = delegationHelp({ ...target, mode: "manual" }, never.last, 30);
    expect(manual).toMatch(/prod\.example\.com does not answer on the public internet after 30 minute\(s\) \(last: prod\.example\.com: ENOTFOUND\)/);
    expect(manual).toContain("It needs these NS records in its parent: ns-1.awsdns-01.com, ns-2.awsdns-02.net, ns-3.awsdns-03.org, ns-4.awsdns-04.co.uk.");
    expect(manual).toMatch(/registrar.*\nThen re-run this job/);
    expect(delegationHelp(target, never.last, 30)).toContain("The global stack wrote them in example.com");
  });
});

describe("wait-for-zone's resolvers and DNSSEC", () => {
  it("asks public resolvers unless told which, or the runner's own with system, and refuses anything else", () => {
    expect(resolversOption(undefined)).toEqual(PUBLIC_RESOLVERS);
    expect(resolversOption("system")).toBeUndefined();
    expect(resolversOption("10.0.0.2, 2001:4860:4860::8888")).toEqual(["10.0.0.2", "2001:4860:4860::8888"]);
    expect(resolversOption("dns.internal")).toEqual({ error: expect.stringMatching(/--resolvers "dns\.internal" must be resolver IP addresses.*"system"/) });
    expect(resolversOption("")).toHaveProperty("error");
  });

  it("names the DS record to publish for a signed zone delegated by hand, and leaves it out where the stack writes it", () => {
    const ds = "54937 13 2 2CBA963CCE4EA610E8DB923A29AD7B418CD7F8C535CA3417EB989BE5EAE6892E";
    const manual = zoneTarget({ ...outputs, dnsDelegation: { mode: "manual", zoneName: "prod.example.com" }, dnssecDsRecord: ds });
    expect(manual.dsRecord).toBe(ds);
    expect(delegationHelp(manual, "no NS answer", 30)).toContain(`publish its DS record there too: ${ds} (docs/runbooks/dnssec.md)`);
    expect(delegationHelp(zoneTarget({ ...outputs, dnssecDsRecord: ds }), "no NS answer", 30)).not.toContain("DS record");
  });
});

describe("wait-healthy", () => {
  const report = (status: string) => ({ Region: "us-east-1", IPAddress: "15.177.0.1", StatusReport: { Status: status } });
  const ok = report("Success: HTTP Status Code 200, OK");
  const bad = report("Failure: HTTP Status Code 502, Bad Gateway");

  it("judges healthy as Route 53 does: more than 18 % of the checkers", () => {
    expect(judgeObservations([ok, bad, bad, bad, bad]).done).toBe(true);
    expect(judgeObservations([ok, ...Array(5).fill(bad)])).toEqual({ done: false, detail: '1/6 checkers report success (e.g. "Failure: HTTP Status Code 502, Bad Gateway")' });
    expect(judgeObservations([]).done).toBe(false);
  });

  it("waits for the endpoint health check of the regional stack's outputs", () => {
    expect(healthCheckIdOf({ endpointHealthCheckId: "abc-123", healthCheckId: "calculated" })).toBe("abc-123");
    expect(() => healthCheckIdOf({ healthCheckId: "calculated" })).toThrow(/no endpointHealthCheckId/);
  });

  it("passes once healthy twice in a row, and stops the rollout when the region never serves", async () => {
    const rounds = [[bad, bad], [ok, ok], [bad, bad], [ok, ok], [ok, ok]];
    let i = 0;
    const seen: string[] = [];
    const result = await waitHealthy("abc-123", async (id) => { seen.push(id); return rounds[i++]; }, { timeoutSeconds: 900, intervalSeconds: 20, ...fakeTime() });
    expect(result.done).toBe(true);
    expect(seen).toEqual(Array(5).fill("abc-123"));
    const time = fakeTime();
    const stuck = await waitHealthy("abc-123", async () => [bad, bad, bad], { timeoutSeconds: 900, intervalSeconds: 20, ...time });
    expect(stuck).toMatchObject({ done: false, last: expect.stringContaining("0/3 checkers report success") });
    expect(time.elapsed()).toBeLessThanOrEqual(900);
  });
});

describe("wait-subscribed", () => {
  const page = "arn:aws:sns:us-west-2:123456789012:prod-us-west-2-alarms";
  const ticket = "arn:aws:sns:us-west-2:123456789012:prod-us-west-2-tickets";

  it("reads the page and ticket topics and their regions from the stack's outputs, refusing what is no topic ARN", () => {
    expect(topicsOf({ alarmTopicArn: page, ticketTopicArn: ticket })).toEqual([{ arn: page, region: "us-west-2", pages: true, pager: false }, { arn: ticket, region: "us-west-2", pages: false, pager: false }]);
    // With the pager subscribed (platform:pageEndpoints) the page topic must reach it; tickets never wait.
    expect(topicsOf({ alarmTopicArn: page, ticketTopicArn: ticket, pagerExpected: true }).map((t) => t.pager)).toEqual([true, false]);
    expect(() => topicsOf({ alarmTopicArn: page, pagerExpected: "yes" })).toThrow(/pagerExpected is "yes", not true or false/);
    expect(topicsOf({})).toEqual([]);
    expect(() => topicsOf({ alarmTopicArn: "prod-alarms" })).toThrow(/alarmTopicArn is "prod-alarms", not an SNS topic ARN/);
  });

  it("waits for a confirmed subscriber on every page topic, naming who has yet to confirm; tickets only reported", () => {
    const [pages, tickets] = topicsOf({ alarmTopicArn: page, ticketTopicArn: ticket });
    const pending: Subscription = { SubscriptionArn: "PendingConfirmation", Protocol: "email", Endpoint: "oncall@example.org" };
    const ok: Subscription = { SubscriptionArn: `${page}:1b2c`, Protocol: "https", Endpoint: "https://pager.example.org/hook" };
    const judge = (p: Subscription[], t: Subscription[]) => judgeSubscriptions(new Map<TopicRef, Subscription[]>([[pages, p], [tickets, t]]));
    expect(judge([pending], [])).toEqual({ done: false, detail: "prod-us-west-2-alarms: 0 confirmed, waiting for email:oncall@example.org to confirm; prod-us-west-2-tickets: 0 confirmed (no subscription at all)" });
    expect(judge([], [ok]).done).toBe(false);
    expect(judge([pending, ok], []).done).toBe(true);
    // The ticket topic nobody reads: said (a warning), not waited for.
    const byTopic = (t: Subscription[]) => new Map<TopicRef, Subscription[]>([[pages, [ok]], [tickets, t]]);
    expect(unreadTicketTopics(byTopic([]))).toEqual([ticket]);
    expect(unreadTicketTopics(byTopic([pending]))).toEqual([ticket]);
    expect(unreadTicketTopics(byTopic([{ ...ok, SubscriptionArn: `${ticket}:3d4e` }]))).toEqual([]);
  });

  it("where the pager is expected, waits for a confirmed subscriber that is no mailbox on every page topic", () => {
    const [pages, tickets] = topicsOf({ alarmTopicArn: page, ticketTopicArn: ticket, pagerExpected: true });
    const mail: Subscription = { SubscriptionArn: `${page}:9a8b`, Protocol: "email", Endpoint: "oncall@example.org" };
    const mailJson: Subscription = { SubscriptionArn: `${page}:7c6d`, Protocol: "email-json", Endpoint: "oncall@example.org" };
    const pendingPager: Subscription = { SubscriptionArn: "PendingConfirmation", Protocol: "https", Endpoint: "https://events.pagerduty.com/integration/k/enqueue" };
    const pager: Subscription = { SubscriptionArn: `${page}:5e4f`, Protocol: "https", Endpoint: "https://events.pagerduty.com/integration/k/enqueue" };
    const judge = (p: Subscription[], t: Subscription[] = [mail]) => judgeSubscriptions(new Map<TopicRef, Subscription[]>([[pages, p], [tickets, t]]));
    // A confirmed mailbox is someone, but not someone awake.
    expect(judge([mail, mailJson])).toEqual({ done: false, detail: "prod-us-west-2-alarms: 2 confirmed, no pager among them (only mailboxes); prod-us-west-2-tickets: 1 confirmed" });
    expect(judge([mail, pendingPager]).done).toBe(false);
    expect(judge([mail, pager]).done).toBe(true);
    // Tickets by e-mail are fine.
    expect(judge([pager], [mail]).done).toBe(true);
    // Without the pager expected (a non-production environment), the mailbox suffices, as before.
    const [plain] = topicsOf({ alarmTopicArn: page });
    expect(judgeSubscriptions(new Map<TopicRef, Subscription[]>([[plain, [mail]]])).done).toBe(true);
  });

  it("names a pending pager by protocol, host and id, never by its URL (the path holds the integration key); a mailbox as it is", () => {
    const key = "0123456789abcdef0123456789abcdef";
    const url = `https://events.pagerduty.com/integration/${key}/enqueue?token=t0p`;
    const [pages] = topicsOf({ alarmTopicArn: page, pagerExpected: true });
    const { detail } = judgeSubscriptions(new Map<TopicRef, Subscription[]>([[pages, [{ SubscriptionArn: "PendingConfirmation", Protocol: "https", Endpoint: url }, { SubscriptionArn: "PendingConfirmation", Protocol: "email", Endpoint: "oncall@example.org" }]]]));
    expect(detail).toBe(`prod-us-west-2-alarms: 0 confirmed, no pager among them (only mailboxes), waiting for https:events.pagerduty.com/… (endpoint id ${endpointId(url)}), email:oncall@example.org to confirm`);
    expect(detail).not.toContain(key);
    expect(detail).not.toContain("t0p");
    // Credentials in the authority and endpoints that are no URL show no more.
    expect(displayEndpoint({ Protocol: "https", Endpoint: "https://user:secret@hooks.example.org/x" })).toBe(`https:hooks.example.org/… (endpoint id ${endpointId("https://user:secret@hooks.example.org/x")})`);
    expect(displayEndpoint({ Protocol: "sms", Endpoint: "+15555550100" })).toBe(`sms:… (endpoint id ${endpointId("+15555550100")})`);
    expect(displayEndpoint({ Protocol: "email-json", Endpoint: "ops@example.org" })).toBe("email-json:ops@example.org");
    expect(displayEndpoint({})).toBe("?:?");
  });

  it("gives up at the deadline when nobody confirms", async () => {
    const topics = topicsOf({ alarmTopicArn: page });
    let asked = 0;
    const result = await waitSubscribed(topics, async () => (asked++, [{ SubscriptionArn: "PendingConfirmation", Protocol: "email", Endpoint: "a@b.c" }]), { timeoutSeconds: 60, intervalSeconds: 20, ...fakeTime() });
    expect([result.done, asked]).toEqual([false, 4]);
  });
});

describe("wait-secret-replicas", () => {
  const DB = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/aurora/master-AbCdEf";
  const CACHE = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/cache/auth-GhIjKl";
  const globalOutputs = { environment: { regions: ["us-east-1", "us-west-2", "eu-west-1"] }, databaseSecretArn: DB };
  const key = (region: string) => `arn:aws:kms:${region}:123456789012:key/1111-2222`;
  const inSync = (region: string): ReplicaStatus => ({ Region: region, KmsKeyId: key(region), Status: "InSync" });

  it("expects a replica in every region of the environment but the secret's own, for each replicated secret the outputs name", () => {
    expect(replicatedSecretsOf(globalOutputs)).toEqual([{ output: "databaseSecretArn", arn: DB, region: "us-east-1", replicaRegions: ["us-west-2", "eu-west-1"] }]);
    // The cache's secret lives in the cache's home region.
    expect(replicatedSecretsOf({ ...globalOutputs, cacheAuthSecretArn: CACHE })[1]).toMatchObject({ region: "eu-west-1", replicaRegions: ["us-east-1", "us-west-2"] });
    expect(() => replicatedSecretsOf({ databaseSecretArn: DB })).toThrow(/no environment\.regions.*global stack's `pulumi stack output --json`/);
    expect(() => replicatedSecretsOf({ ...globalOutputs, databaseSecretArn: "prod/aurora/master" })).toThrow(/output databaseSecretArn is "prod\/aurora\/master", not a Secrets Manager secret ARN/);
  });

  it("is done only when every expected replica is InSync; one in progress or not listed yet is waited for", () => {
    const [secret] = replicatedSecretsOf(globalOutputs);
    expect(judgeReplicas(new Map([[secret, [inSync("us-west-2"), inSync("eu-west-1")]]]))).toEqual({ done: true, detail: "prod/aurora/master-AbCdEf: us-west-2 InSync, eu-west-1 InSync", broken: [] });
    expect(judgeReplicas(new Map([[secret, [inSync("us-west-2"), { ...inSync("eu-west-1"), Status: "InProgress" }]]])).done).toBe(false);
    expect(judgeReplicas(new Map([[secret, [inSync("us-west-2")]]]))).toEqual({ done: false, detail: "prod/aurora/master-AbCdEf: us-west-2 InSync, eu-west-1 no replica", broken: [] });
    // A region the environment left: reported, not waited for.
    expect(judgeReplicas(new Map([[secret, [inSync("us-west-2"), inSync("eu-west-1"), inSync("ap-south-1")]]]))).toMatchObject({ done: true, detail: expect.stringContaining("also replicated to ap-south-1, not a region of the environment") });
  });

  it("stops at once on a Failed replica or one under the AWS managed key, naming the region and AWS's reason", async () => {
    const [secret] = replicatedSecretsOf(globalOutputs);
    const failed: ReplicaStatus = { Region: "eu-west-1", KmsKeyId: key("eu-west-1"), Status: "Failed", StatusMessage: "Replication failed: A resource with the ID you requested already exists." };
    expect(judgeReplicas(new Map([[secret, [inSync("us-west-2"), failed]]])).broken).toEqual(["databaseSecretArn eu-west-1: Failed (Replication failed: A resource with the ID you requested already exists.)"]);
    expect(judgeReplicas(new Map([[secret, [{ ...inSync("us-west-2"), KmsKeyId: "alias/aws/secretsmanager" }, inSync("eu-west-1")]]])).broken).toEqual([expect.stringMatching(/us-west-2: encrypted under the AWS managed key/)]);
    // No key in the answer (the field is optional; a replica being created): waited for, not refused.
    expect(judgeReplicas(new Map([[secret, [inSync("us-west-2"), { Region: "eu-west-1", Status: "InProgress" }]]])).done).toBe(false);
    const time = fakeTime();
    let reads = 0;
    const result = await waitSecretReplicas([secret], async () => { reads++; return [inSync("us-west-2"), failed]; }, { timeoutSeconds: 600, intervalSeconds: 20, ...time });
    // Not `failed` (that is a read no wait mends, exit 2): the replica itself needs the repair (exit 1).
    expect(result).toEqual({ done: false, attempts: 1, last: expect.stringContaining("eu-west-1: Failed"), broken: true });
    expect([reads, time.elapsed()]).toEqual([1, 0]);
  });

  it("waits for a replica in progress, and stops on a denied read as the other gates do", async () => {
    const secrets: ReplicatedSecret[] = replicatedSecretsOf(globalOutputs);
    let n = 0;
    const settling = await waitSecretReplicas(secrets, async () => [inSync("us-west-2"), { ...inSync("eu-west-1"), Status: ++n < 3 ? "InProgress" : "InSync" }], { timeoutSeconds: 600, intervalSeconds: 20, ...fakeTime() });
    expect(settling).toMatchObject({ done: true, attempts: 3, broken: false });
    // Still in progress at the deadline: not done, and not broken (no overwrite repair for a slow replica).
    const slow = await waitSecretReplicas(secrets, async () => [inSync("us-west-2"), { ...inSync("eu-west-1"), Status: "InProgress" }], { timeoutSeconds: 60, intervalSeconds: 20, ...fakeTime() });
    expect(slow).toMatchObject({ done: false, broken: false });
    const denied = { code: 254, message: "Command failed", stderr: "An error occurred (AccessDeniedException) when calling the DescribeSecret operation: not authorized" };
    const stopped = await waitSecretReplicas(secrets, async () => { throw denied; }, { timeoutSeconds: 600, intervalSeconds: 20, ...fakeTime() });
    expect(stopped).toMatchObject({ done: false, failed: true, last: expect.stringMatching(/^AWS denies secretsmanager:DescribeSecret/) });
  });
});
