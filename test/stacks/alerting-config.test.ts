/** Validation of who hears the alarms: endpoints, and what a production environment needs. */
import { describe, expect, it } from "vitest";
import { join } from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, environmentSecrets, environmentSettings, parseEnvironment, regionalEnvironmentConfig, SECRET_PLACEHOLDER } from "../../stacks/config";
import { globalTrafficArgs, observabilityArgs } from "../../stacks/compose";
import { readStackConfig } from "../../tools/fake-cloud/run";
import { endpointId, httpsEndpointProblem, type IdentifiedEndpoint, isPagerProtocol } from "../../components/observability/subscribers";
import { configProblems, VALID_ENVIRONMENT } from "../fixtures/environment";

const PAGER = "https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue";
const valid = VALID_ENVIRONMENT;
const production = { ...valid, "platform:production": true };
const problems = (config: Record<string, unknown>) => configProblems(config).map((p) => [p.key, p.value, p.message]);
const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
type Identified = IdentifiedEndpoint<pulumi.Output<string>>;
/** Each Output's value and whether it is secret. */
const resolved = (outputs: pulumi.Output<string>[]) => Promise.all(outputs.map(async (o) => [await value(o), await pulumi.isSecret(o)]));
/** parseEnvironment's problems when `secretKeys` are the config keys held encrypted. */
function problemsWithSecrets(config: Record<string, unknown>, secretKeys: string[]): unknown[][] {
  try {
    parseEnvironment("dev", config, "Pulumi.dev.yaml", secretKeys);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // What the CLI and the plan print: it must not hold a secret's value either.
    for (const key of secretKeys) {
      for (const url of [config[key]].flat()) if (typeof url === "string" && url !== SECRET_PLACEHOLDER) expect(err.message).not.toContain(url);
    }
    return err.problems.map((p) => [p.key, p.value, p.message]);
  }
  return [];
}

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

  it("are subscribed by every region and by the global stack's DNS topics, as secrets even when the stack file has them in the clear", async () => {
    const env = parseEnvironment("dev", { ...valid, "platform:pageEndpoints": [PAGER], "platform:ticketEndpoints": ["https://tickets.example.org/sns"] });
    for (const args of [observabilityArgs(env), globalTrafficArgs(env)]) {
      // Each with its id, which names the subscriptions: the components cannot read a secret URL.
      const [pages, tickets] = [args.pageEndpoints as Identified[], args.ticketEndpoints as Identified[]];
      expect([pages.map((e) => e.id), tickets.map((e) => e.id)]).toEqual([[endpointId(PAGER)], [endpointId("https://tickets.example.org/sns")]]);
      expect(await resolved(pages.map((e) => e.url))).toEqual([[PAGER, true]]);
      expect(await resolved(tickets.map((e) => e.url))).toEqual([["https://tickets.example.org/sns", true]]);
    }
    const none = parseEnvironment("dev", valid);
    expect([observabilityArgs(none).pageEndpoints, globalTrafficArgs(none).pageEndpoints]).toEqual([undefined, undefined]);
  });
});

describe("pageEndpoints held as Pulumi secrets", () => {
  const SECRET = ["platform:pageEndpoints"];

  it("validates the decrypted values a real preview hands the program, without showing them", async () => {
    const env = parseEnvironment("dev", { ...production, "platform:pageEndpoints": [PAGER] }, "Pulumi.dev.yaml", SECRET);
    expect(await resolved(env.pageEndpoints)).toEqual([[PAGER, true]]);
    expect(problemsWithSecrets({ ...valid, "platform:pageEndpoints": [PAGER] }, SECRET)).toEqual([]);
    expect(problemsWithSecrets({ ...valid, "platform:pageEndpoints": ["http://events.pagerduty.com/integration/k/enqueue", "0123456789abcdef", PAGER, PAGER] }, SECRET)).toEqual([
      ["platform:pageEndpoints[0]", "[secret]", expect.stringMatching(/must be an https:\/\/ URL \(not http:\/\/\)/)],
      ["platform:pageEndpoints[1]", "[secret]", expect.stringMatching(/is not a URL/)],
      ["platform:pageEndpoints[3]", "[secret]", expect.stringMatching(/repeats pageEndpoints\[2\]/)],
    ]);
    // A value of the wrong type is not shown either.
    expect(problemsWithSecrets({ ...valid, "platform:pageEndpoints": [7] }, SECRET)).toEqual([["platform:pageEndpoints[0]", "[secret]", "must be a string"]]);
  });

  it("takes the offline plan's stand-in for an encrypted value in an encrypted key: counted (production has its pager), checked only by a real preview", async () => {
    expect(problemsWithSecrets({ ...production, "platform:pageEndpoints": [SECRET_PLACEHOLDER] }, SECRET)).toEqual([]);
    expect(problemsWithSecrets({ ...production, "platform:pageEndpoints": [SECRET_PLACEHOLDER, "https://events.pagerduty.com"] }, SECRET)).toEqual([]);
    const env = parseEnvironment("dev", { ...production, "platform:pageEndpoints": [SECRET_PLACEHOLDER] }, "Pulumi.dev.yaml", SECRET);
    expect(await resolved(env.pageEndpoints)).toEqual([[SECRET_PLACEHOLDER, true]]);
    // A value this run cannot read has no id: its subscriptions keep their position names.
    expect(env.endpointIds.pageEndpoints).toEqual([undefined]);
    expect(observabilityArgs(env).pageEndpoints).toHaveLength(1);
    expect(observabilityArgs(env).pageEndpoints![0]).toBe(env.pageEndpoints[0]);
    // Written in the clear, the text "[secret]" is no URL.
    expect(problems({ ...valid, "platform:pageEndpoints": [SECRET_PLACEHOLDER] })).toEqual([
      ["platform:pageEndpoints[0]", SECRET_PLACEHOLDER, expect.stringMatching(/stands for an encrypted value, but pageEndpoints holds none: .*pulumi config set --secret --path 'platform:pageEndpoints\[0\]' <url>/)],
    ]);
  });

  it("reads a stack file's encrypted elements (`pulumi config set --secret --path 'platform:pageEndpoints[0]'`) as secrets it cannot read, and refuses a list encrypted whole, as the CLI does", () => {
    const encrypted = { secure: "v1:bm90IGEgcmVhbCBjaXBoZXJ0ZXh0" };
    // As tools read Pulumi.<env>.yaml (tools/plan/inputs.ts, tools/ci/deploy-waves.ts): YAML values, or their JSON text.
    for (const list of [[encrypted], JSON.stringify([encrypted])]) {
      expect(problems({ ...production, "platform:pageEndpoints": list })).toEqual([]);
    }
    expect(problems({ ...production, "platform:pageEndpoints": [encrypted, "http://tickets.example.org"] })).toEqual([
      ["platform:pageEndpoints[1]", "[secret]", expect.stringMatching(/must be an https:\/\/ URL/)],
    ]);
    expect(problems({ ...production, "platform:pageEndpoints": encrypted })).toEqual([
      ["platform:pageEndpoints", "[secret]", expect.stringMatching(/encrypted as a whole, which the Pulumi CLI refuses for a key of type array.*pulumi config set --secret --path 'platform:pageEndpoints\[0\]' <url>/)],
    ]);
  });

  it("knows the running program's encrypted keys, as the CLI names them to the SDK", async () => {
    pulumi.runtime.setAllConfig({ "platform:pageEndpoints": JSON.stringify([SECRET_PLACEHOLDER]) }, ["platform:pageEndpoints"]);
    try {
      expect(configProblems({ ...production, "platform:pageEndpoints": [SECRET_PLACEHOLDER] })).toEqual([]);
    } finally {
      pulumi.runtime.setAllConfig({}, []);
    }
    expect(problems({ ...production, "platform:pageEndpoints": [SECRET_PLACEHOLDER] })).toHaveLength(1);
  });

  it("leaves the global stack's plain `environment` output without the URLs, and gives them to the regional stacks through a secret output", async () => {
    const env = parseEnvironment("dev", { ...valid, "platform:pageEndpoints": [PAGER], "platform:ticketEndpoints": ["https://tickets.example.org/sns"] });
    const exported = environmentSettings(env);
    expect([exported.pageEndpoints, exported.ticketEndpoints]).toEqual([["[secret]"], ["[secret]"]]);
    expect(JSON.stringify(exported)).not.toContain("pagerduty");
    const secrets = environmentSecrets(env)!;
    expect(await pulumi.isSecret(secrets)).toBe(true);
    expect(await value(secrets)).toEqual({ pageEndpoints: [PAGER], ticketEndpoints: ["https://tickets.example.org/sns"] });
    expect(environmentSecrets(parseEnvironment("dev", valid))).toBeUndefined();
    // A regional stack: the values put back, validated, and secret again.
    const { config, secretKeys } = regionalEnvironmentConfig(exported as unknown as Record<string, unknown>, await value(secrets));
    expect(secretKeys).toEqual(["platform:pageEndpoints", "platform:ticketEndpoints"]);
    const regional = parseEnvironment("dev", config, "stack dev", secretKeys);
    expect(await resolved(regional.pageEndpoints)).toEqual([[PAGER, true]]);
    // It names the subscriptions as the global stack does, from the values it validated: the
    // global stack exports no ids, so one deployed before them serves as well.
    expect(regional.endpointIds).toEqual(env.endpointIds);
    expect(regional.endpointIds).toEqual({ pageEndpoints: [endpointId(PAGER)], ticketEndpoints: [endpointId("https://tickets.example.org/sns")] });
    expect(JSON.stringify(exported)).not.toContain(endpointId(PAGER));
    // A global stack deployed before the secret output: its `environment` has the values in the clear.
    const before = { ...exported, pageEndpoints: [PAGER], ticketEndpoints: [] };
    expect(regionalEnvironmentConfig(before, undefined)).toEqual({ config: before, secretKeys: [] });
    expect(parseEnvironment("dev", before as unknown as Record<string, unknown>, "stack dev", []).endpointIds.pageEndpoints).toEqual([endpointId(PAGER)]);
    // The placeholders without the secret output are refused, not subscribed.
    expect(() => parseEnvironment("dev", exported as unknown as Record<string, unknown>, "stack dev", [])).toThrow(/pageEndpoints\[0\] = "\[secret\]": stands for an encrypted value/);
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

  it("holds for Pulumi.prod.yaml: production, with a pager endpoint that is plainly an example", async () => {
    const prod = parseEnvironment("prod", readStackConfig(join(__dirname, "..", "..", "Pulumi.prod.yaml")));
    expect(prod.production).toBe(true);
    expect(prod.pagesByEmailOnly).toBe(false);
    expect(await resolved(prod.pageEndpoints)).toEqual([["https://events.pagerduty.com/integration/REPLACE-WITH-YOUR-INTEGRATION-KEY/enqueue", true]]);
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
