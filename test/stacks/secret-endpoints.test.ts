/**
 * The pager's and ticketing URLs held as Pulumi secrets, through the offline plan of a whole
 * environment: a stack file with `secure:` elements (what `pulumi config set --secret --path
 * 'platform:pageEndpoints[0]' <url>` writes) plans, the plan's stand-in for an encrypted value
 * passes validation (a real preview decrypts and checks it), and every subscription's endpoint,
 * the global stack's outputs and the whole plan document hold no URL and no ciphertext.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";
import { readStackConfig } from "../../tools/fake-cloud/run";
import type { PlanDocument, PlanStack } from "../../tools/plan/model";
import type { Run } from "../plan/run-cli";
import { planInProcess } from "../plan/run-in-process";
import { endpointId } from "../../components/observability/subscribers";

const ENVIRONMENT = "sealed";
const PAGER_CIPHERTEXT = "v1:c2VhbGVkLXBhZ2VyLWNpcGhlcnRleHQ=";
const TICKETS_CIPHERTEXT = "v1:c2VhbGVkLXRpY2tldHMtY2lwaGVydGV4dA==";
/** A plain ticketing URL beside an encrypted one: held secret by the program all the same. */
const PLAIN_TICKETS = "https://tickets.example.org/sns/plain-key-0123";
const REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];

let run: Run;
let doc: PlanDocument;
/** The plan JSON, Markdown report and terminal output, as written. */
let written: Record<string, string>;

beforeAll(async () => {
  const root = join(__dirname, "..", "..");
  const config = readStackConfig(join(root, "Pulumi.prod.yaml"));
  const dir = mkdtempSync(join(tmpdir(), "secret-endpoints-"));
  try {
    const file = join(dir, `Pulumi.${ENVIRONMENT}.yaml`);
    // What `pulumi config set --secret --path 'platform:pageEndpoints[0]' <url>` writes.
    writeFileSync(file, stringify({
      config: {
        ...config,
        "platform:production": true,
        "platform:pageEndpoints": [{ secure: PAGER_CIPHERTEXT }],
        "platform:ticketEndpoints": [PLAIN_TICKETS, { secure: TICKETS_CIPHERTEXT }],
      },
    }));
    const files = { json: join(dir, "plan.json"), markdown: join(dir, "plan.md") };
    run = await planInProcess("--env", ENVIRONMENT, "--config-file", file, "--json", files.json, "--markdown", files.markdown);
    if (run.code !== 0) throw new Error(`the plan exited ${run.code}:\n${run.stderr}`);
    written = { json: readFileSync(files.json, "utf8"), markdown: readFileSync(files.markdown, "utf8"), stdout: run.stdout, stderr: run.stderr };
    doc = JSON.parse(written.json) as PlanDocument;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 240_000);

const https = (s: PlanStack) => s.resources.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription" && r.inputs.protocol === "https");

describe("an environment whose endpoints are encrypted in its stack file", () => {
  it("plans every stack (exit 0), production's pager counted though the plan cannot read it", () => {
    expect(doc.stacks.map((s) => s.stack)).toEqual([ENVIRONMENT, ...REGIONS.map((r) => `${ENVIRONMENT}-${r}`)]);
    expect(doc.stacks.flatMap((s) => s.violations).filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
  });

  it("subscribes the pager and both ticketing endpoints in every stack, each endpoint secret", () => {
    for (const s of doc.stacks) {
      const subscriptions = https(s);
      // Named by each URL's id; the plan cannot read an encrypted URL, so it shows that one's
      // subscription under its position (a real preview decrypts it and names it by its id).
      const names = ["alarms-https-1", `tickets-https-${endpointId(PLAIN_TICKETS)}`, "tickets-https-2"];
      expect(subscriptions.map((r) => r.name).sort()).toEqual(names.map((n) => (s.role === "global" ? `${ENVIRONMENT}-health-${n}` : `${s.stack}-${n}`)).sort());
      for (const r of subscriptions) expect([r.inputs.endpoint, r.outputs.endpoint, r.inputs.endpointAutoConfirms]).toEqual(["[secret]", "[secret]", true]);
      expect(s.outputs.pagerExpected).toBe(true);
    }
  });

  it("exports the environment with only the number of endpoints, the values in one secret output", () => {
    const global = doc.stacks.find((s) => s.role === "global")!;
    const environment = global.outputs.environment as Record<string, unknown>;
    expect([environment.pageEndpoints, environment.ticketEndpoints]).toEqual([["[secret]"], ["[secret]", "[secret]"]]);
    expect(global.outputs.environmentSecrets).toBe("[secret]");
  });

  it("writes neither a URL nor a ciphertext to the JSON, the Markdown or the terminal", () => {
    for (const [name, text] of Object.entries(written)) {
      for (const value of ["plain-key-0123", "v1:c2VhbGVk"]) expect(text.includes(value), `${name} holds ${value}`).toBe(false);
    }
  });
});
