/**
 * Values Pulumi holds secret, through the plan: the policies judge them as the engine hands them
 * to a policy pack (decrypted), while the plan JSON and every report show "[secret]", as Pulumi
 * does. A program whose CloudFront origins hold a secret header (the whole `origins` property
 * secret, as the project's stack transform makes it) and take plain HTTP must be refused as
 * `pulumi preview --policy-pack` refuses it; and nothing the plan writes holds a secret's value.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { fakeOutputs } from "../../tools/fake-cloud/outputs";
import { resolveProgram } from "../../tools/plan/inputs";
import type { PlanDocument, PlanResource } from "../../tools/plan/model";
import { plan } from "../../tools/plan/plan";
import { HIDDEN_ORIGINS } from "../../tools/plan/topology";
import { sharedProdPlan } from "../shared-plan";
import { PROGRAM_CONFIG } from "../shared-runs";
import type { Run } from "./run-cli";
import { planInProcess } from "./run-in-process";
import { temporaryDirectories } from "./temp-dirs";

const PROGRAM = "test/plan/fixtures/secret-origins-program.ts";
const SECRET_PASSWORD = "s3cret-password-never-printed";
const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";

const tempDir = temporaryDirectories();

/** A RandomPassword's `result` as the fake cloud makes it: a value only the policies may see. */
function passwordResult(r: PlanResource): string {
  return String(fakeOutputs({ type: r.type, name: r.name, urn: r.urn, region: r.region ?? "us-east-1", inputs: r.inputs }).state.result);
}

describe("a distribution whose origins hold a secret header and take plain HTTP", () => {
  let run: Run;
  let doc: PlanDocument;
  /** The plan JSON, Markdown report, diagram and terminal summary, as written. */
  let written: Record<string, string>;
  let resources: PlanResource[];

  beforeAll(async () => {
    const dir = tempDir("secret-origins-");
    const files = { json: join(dir, "plan.json"), markdown: join(dir, "plan.md"), diagram: join(dir, "plan.svg") };
    run = await planInProcess("--program", PROGRAM, "--config-file", PROGRAM_CONFIG, "--json", files.json, "--markdown", files.markdown, "--diagram", files.diagram);
    written = { ...Object.fromEntries(Object.entries(files).map(([k, file]) => [k, readFileSync(file, "utf8")])), stdout: run.stdout, stderr: run.stderr };
    doc = JSON.parse(written.json) as PlanDocument;
    resources = doc.stacks[0].resources;
  }, 240_000);

  it("records the origins as Pulumi shows them: the whole property secret", () => {
    const [distribution] = resources.filter((r) => r.type === DISTRIBUTION);
    expect(distribution.inputs.origins).toBe("[secret]");
    expect(distribution.outputs.origins).toBe("[secret]");
  });

  it("refuses it (exit 1) with cloudfront-tls-only on the origin's plain HTTP, as the policy pack under the engine does", () => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(doc.stacks[0].violations.filter((v) => v.policy === "cloudfront-tls-only")).toEqual([
      { policy: "cloudfront-tls-only", enforcementLevel: "mandatory", urn: resources.find((r) => r.type === DISTRIBUTION)!.urn, message: "edge (cloudfront.Distribution): origin app uses http-only; set originProtocolPolicy https-only." },
    ]);
  });

  it("still flags a plaintext credential and not a secret one (no-plaintext-secrets keeps the masked view)", () => {
    expect(doc.stacks[0].violations.filter((v) => v.policy === "no-plaintext-secrets").map((v) => v.message)).toEqual([
      "plaintext-token (lambda.Function) receives environment.variables.API_TOKEN in plaintext: pass it as a Pulumi secret.",
    ]);
    expect(resources.find((r) => r.name === "secret-password")!.inputs.environment).toBe("[secret]");
  });

  it("says in the edge figure that the origins are hidden, not that there are none", () => {
    expect(doc.resilience.dataTier.edge).toEqual([expect.objectContaining({ name: "edge", origins: [HIDDEN_ORIGINS] })]);
    expect(run.stdout).toContain(`origins ${HIDDEN_ORIGINS};`);
  });

  it("writes no secret's value, and no field holding them, to the JSON, the Markdown, the diagram or the terminal", () => {
    const [verify] = resources.filter((r) => r.type === RANDOM_PASSWORD);
    const secrets = [SECRET_PASSWORD, passwordResult(verify)];
    expect(secrets[1]).toMatch(/^[A-Za-z0-9]{48}$/);
    for (const [name, text] of Object.entries(written)) {
      for (const secret of secrets) expect(text.includes(secret), `${name} holds a secret value`).toBe(false);
      expect(text, name).not.toMatch(/secretInputs|secretOutputs/);
    }
  });
});

describe("the plain values of secrets in memory", () => {
  it("reach the policies alike in one process and in a process per stack (the worker carries them), with the same violations", async () => {
    const input = resolveProgram({ program: PROGRAM, stack: "dev", configFile: PROGRAM_CONFIG });
    const inProcess = await plan(input, { isolated: false });
    const isolated = await plan(input, { isolated: true });
    expect(isolated.stacks[0].violations).toEqual(inProcess.stacks[0].violations);
    expect(inProcess.stacks[0].violations.map((v) => v.policy)).toContain("cloudfront-tls-only");
    for (const document of [inProcess, isolated]) {
      const resources = document.stacks[0].resources;
      const verify = resources.find((r) => r.type === RANDOM_PASSWORD)!;
      // The fake cloud's answer, which the test above looks for in the written files.
      expect(verify.secretOutputs).toEqual({ result: passwordResult(verify), bcryptHash: expect.any(String) });
      const distribution = resources.find((r) => r.type === DISTRIBUTION)!;
      expect(Object.keys(distribution.secretInputs!)).toEqual(["origins"]);
      expect(distribution.secretInputs!.origins).toEqual([expect.objectContaining({
        customHeaders: [{ name: "X-Origin-Verify", value: passwordResult(verify) }],
        customOriginConfig: expect.objectContaining({ originProtocolPolicy: "http-only" }),
      })]);
      expect(resources.find((r) => r.name === "secret-password")!.secretInputs).toEqual({ environment: { variables: { DB_PASSWORD: SECRET_PASSWORD } } });
      // Only where some property holds a secret.
      expect(resources.find((r) => r.name === "plaintext-token")).not.toHaveProperty("secretInputs");
    }
  }, 240_000);
});

describe("prod's plan", () => {
  it("holds no secret's value: the master password (RandomPassword's result) is in none of the JSON, Markdown, diagram or terminal output", async () => {
    const prod = await sharedProdPlan();
    expect(prod.code, prod.stderr).toBe(0);
    const global = prod.document.stacks.find((s) => s.role === "global")!;
    const [master] = global.resources.filter((r) => r.type === RANDOM_PASSWORD);
    expect(master.outputs.result).toBe("[secret]");
    const password = passwordResult(master);
    expect(password.length).toBeGreaterThanOrEqual(16);
    for (const [name, text] of Object.entries({ json: prod.json, markdown: readFileSync(join(prod.dir, "plan.md"), "utf8"), diagram: readFileSync(join(prod.dir, "plan.svg"), "utf8"), stdout: prod.stdout, stderr: prod.stderr })) {
      expect(text.includes(password), `${name} holds the master password`).toBe(false);
      expect(text, name).not.toMatch(/secretInputs|secretOutputs/);
    }
  }, 600_000);
});
