/** Validation of who hears the alarms: endpoints, and what a production environment needs. */
import { describe, expect, it } from "vitest";
import { join } from "path";
import { parseEnvironment } from "../../stacks/config";
import { globalTrafficArgs, observabilityArgs } from "../../stacks/compose";
import { readStackConfig } from "../../tools/fake-cloud/run";
import { httpsEndpointProblem, isPagerProtocol } from "../../components/observability/subscribers";
import { configProblems, VALID_ENVIRONMENT } from "../fixtures/environment";

const PAGER = "https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue";
const valid = VALID_ENVIRONMENT;
const production = { ...valid, "platform:production": true };
const problems = (config: Record<string, unknown>) => configProblems(config).map((p) => [p.key, p.value, p.message]);

describe("pageEndpoints and ticketEndpoints", () => {
  it("take https URLs, each once", () => {
    expect(problems({ ...valid, "platform:pageEndpoints": [PAGER], "platform:ticketEndpoints": ["https://tickets.example.org/sns?key=1"] })).toEqual([]);
    expect(problems({ ...valid, "platform:pageEndpoints": ["http://events.pagerduty.com/integration/k/enqueue", "oncall@example.com", PAGER, PAGER] })).toEqual([
      ["platform:pageEndpoints[0]", "http://events.pagerduty.com/integration/k/enqueue", expect.stringMatching(/must be an https:\/\/ URL \(not http:\/\/\)/)],
      ["platform:pageEndpoints[1]", "oncall@example.com", expect.stringMatching(/is not a URL.*events\.pagerduty\.com/)],
      ["platform:pageEndpoints[3]", PAGER, expect.stringMatching(/repeats pageEndpoints\[2\]/)],
    ]);
    expect(problems({ ...valid, "platform:ticketEndpoints": ["https://localhost/hook"] })).toEqual([["platform:ticketEndpoints[0]", "https://localhost/hook", expect.stringMatching(/names no public host/)]]);
  });

  it("are subscribed by every region and by the global stack's DNS topics", () => {
    const env = parseEnvironment("dev", { ...valid, "platform:pageEndpoints": [PAGER], "platform:ticketEndpoints": ["https://tickets.example.org/sns"] });
    expect(observabilityArgs(env)).toMatchObject({ pageEndpoints: [PAGER], ticketEndpoints: ["https://tickets.example.org/sns"] });
    expect(globalTrafficArgs(env)).toMatchObject({ pageEndpoints: [PAGER], ticketEndpoints: ["https://tickets.example.org/sns"] });
    const none = parseEnvironment("dev", valid);
    expect([observabilityArgs(none).pageEndpoints, globalTrafficArgs(none).pageEndpoints]).toEqual([undefined, undefined]);
  });
});

describe("a production environment pages a pager", () => {
  it("refuses production without pageEndpoints, naming the key, the fix and the opt-out", () => {
    expect(problems(production)).toEqual([
      ["platform:pageEndpoints", [], expect.stringMatching(/production environment.*only alarmEmail.*https:\/\/events\.pagerduty\.com\/integration\/<integration key>\/enqueue.*pagesByEmailOnly: true/)],
    ]);
    expect(problems({ ...production, "platform:pageEndpoints": [PAGER] })).toEqual([]);
    // Outside production the pager is optional.
    expect(problems(valid)).toEqual([]);
  });

  it("takes pagesByEmailOnly as the explicit, named choice of pages by e-mail, and only there", () => {
    expect(problems({ ...production, "platform:pagesByEmailOnly": true, "platform:alarmEmail": "oncall@example.org" })).toEqual([]);
    expect(problems({ ...production, "platform:pagesByEmailOnly": true })).toEqual([["platform:alarmEmail", "", expect.stringMatching(/pages would reach nobody at all/)]]);
    expect(problems({ ...production, "platform:pagesByEmailOnly": true, "platform:pageEndpoints": [PAGER] })).toEqual([["platform:pagesByEmailOnly", true, expect.stringMatching(/contradicts pageEndpoints \(1 listed/)]]);
    expect(problems({ ...valid, "platform:pagesByEmailOnly": true })).toEqual([["platform:pagesByEmailOnly", true, expect.stringMatching(/only applies with production: true/)]]);
  });

  it("holds for Pulumi.prod.yaml: production, with a pager endpoint that is plainly an example", () => {
    const prod = parseEnvironment("prod", readStackConfig(join(__dirname, "..", "..", "Pulumi.prod.yaml")));
    expect(prod.production).toBe(true);
    expect(prod.pagesByEmailOnly).toBe(false);
    expect(prod.pageEndpoints).toHaveLength(1);
    expect(prod.pageEndpoints[0]).toMatch(/^https:\/\/events\.pagerduty\.com\/integration\/REPLACE-WITH-YOUR-INTEGRATION-KEY\/enqueue$/);
  });
});

describe("the subscriber rules the gate and the pack share", () => {
  it("counts anything but a mailbox as a pager", () => {
    expect(["https", "http", "lambda", "sqs", "email", "email-json", "", undefined].map(isPagerProtocol)).toEqual([true, true, true, true, false, false, false, false]);
    expect(httpsEndpointProblem(PAGER)).toBeUndefined();
  });
});

describe("a production environment is watched from outside", () => {
  it("refuses canaryEnabled: false in production (losing the primary would page nobody), and only there", () => {
    const withPager = { ...production, "platform:pageEndpoints": [PAGER] };
    expect(problems({ ...withPager, "platform:canaryEnabled": false })).toEqual([
      ["platform:canaryEnabled", false, expect.stringMatching(/production environment.*losing the primary.*would page nobody; set canaryEnabled: true/)],
    ]);
    expect(problems({ ...valid, "platform:canaryEnabled": false })).toEqual([]);
  });
});
