import { temporaryDirectories } from "./temp-dirs";
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";

const temp = temporaryDirectories();
import { PlanError } from "../../tools/plan/args";
import { readConfigFile, resolveEnvironment, resolveProgram } from "../../tools/plan/inputs";
import { plan } from "../../tools/plan/plan";
import { DEPLOY_PRECONDITIONS } from "../fixtures/environment";

const ENVIRONMENT = {
  "aws:region": "us-east-1",
  "platform:regions": ["us-east-1", "eu-west-1"],
  "platform:vpcCidrs": ["10.1.0.0/16", "10.2.0.0/16"],
  "platform:dnsZoneName": "stage.example.com",
  ...DEPLOY_PRECONDITIONS,
};

function project(files: Record<string, unknown>): string {
  const root = temp("plan-inputs-");
  // The project file declares the config keys the CLI checks and fills in.
  copyFileSync(join(__dirname, "..", "..", "Pulumi.yaml"), join(root, "Pulumi.yaml"));
  for (const [name, config] of Object.entries(files)) writeFileSync(join(root, name), typeof config === "string" ? config : stringify({ config }));
  return root;
}

function failure(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(PlanError);
    return (err as Error).message;
  }
  throw new Error("no error");
}

describe("what the plan plans", () => {
  it("derives one regional stack per region, from its file or synthesized, primary first", () => {
    const root = project({ "Pulumi.stage.yaml": ENVIRONMENT, "Pulumi.stage-eu-west-1.yaml": { "aws:region": "eu-west-1", "platform:environmentStack": "org/platform/stage" } });
    const input = resolveEnvironment({ env: "stage", envGiven: true, configFile: null }, root);
    expect(input.global).toMatchObject({ stack: "stage", role: "global", region: "us-east-1" });
    expect(input.regional.map((j) => [j.stack, j.region, j.source])).toEqual([["stage-us-east-1", "us-east-1", "synthesized"], ["stage-eu-west-1", "eu-west-1", expect.stringContaining("Pulumi.stage-eu-west-1.yaml")]]);
    // Synthesized: the region and the environment, then Pulumi.yaml's defaults as the CLI adds them.
    expect(input.regional[0].config).toMatchObject({ "aws:region": "us-east-1", "platform:environmentStack": "stage", "platform:azCount": 3 });
  });

  it("names the environment after --config-file's file name unless --env is given", () => {
    const root = project({ "Pulumi.qa.yaml": ENVIRONMENT, "other.yaml": ENVIRONMENT });
    expect(resolveEnvironment({ env: "prod", envGiven: false, configFile: join(root, "Pulumi.qa.yaml") }, root).name).toBe("qa");
    expect(resolveEnvironment({ env: "prod", envGiven: false, configFile: join(root, "other.yaml") }, root).name).toBe("other");
    expect(resolveEnvironment({ env: "perf", envGiven: true, configFile: join(root, "other.yaml") }, root).regional[1].stack).toBe("perf-eu-west-1");
  });

  it("stops at a regional stack file that contradicts its name, naming the key and the fix", () => {
    const root = project({ "Pulumi.stage.yaml": ENVIRONMENT, "Pulumi.stage-eu-west-1.yaml": { "aws:region": "eu-west-2", "platform:environmentStack": "stage" } });
    expect(failure(() => resolveEnvironment({ env: "stage", envGiven: true, configFile: null }, root))).toMatch(/Pulumi\.stage-eu-west-1\.yaml: aws:region is "eu-west-2" .* set aws:region: eu-west-1/);
    const orphan = project({ "Pulumi.stage.yaml": ENVIRONMENT, "Pulumi.stage-eu-west-1.yaml": { "aws:region": "eu-west-1", "platform:environmentStack": "prod" } });
    expect(failure(() => resolveEnvironment({ env: "stage", envGiven: true, configFile: null }, orphan))).toMatch(/platform:environmentStack is "prod"; .*platform:environmentStack: stage/);
  });

  it("stops at an environment file without aws:region: the global stack's region would be the deployer's", () => {
    const { "aws:region": _, ...withoutRegion } = ENVIRONMENT;
    const root = project({ "Pulumi.stage.yaml": withoutRegion });
    expect(failure(() => resolveEnvironment({ env: "stage", envGiven: true, configFile: null }, root))).toMatch(/Pulumi\.stage\.yaml: aws:region is not set\. .*AWS_REGION or profile; set aws:region: us-east-1 \(the primary region/);
  });

  it("points from a regional stack to its environment, and notes stack files of dropped regions", () => {
    const root = project({ "Pulumi.stage.yaml": ENVIRONMENT, "Pulumi.stage-ap-south-1.yaml": { "aws:region": "ap-south-1", "platform:environmentStack": "stage" } });
    expect(failure(() => resolveEnvironment({ env: "stage-ap-south-1", envGiven: true, configFile: null }, root))).toMatch(/regional stack of stage .* --env stage/);
    expect(resolveEnvironment({ env: "stage", envGiven: true, configFile: null }, root).notes).toEqual([expect.stringMatching(/^Pulumi\.stage-ap-south-1\.yaml: ap-south-1 is not in platform:regions of stage.*destroy that stack/)]);
  });

  it("judges the values the program gets (the CLI's text of them): an unquoted 1.35 is a valid string; 16.10 becomes 16.1, with a note", () => {
    const file = stringify({ config: ENVIRONMENT }) + "  platform:kubernetesVersion: 1.35\n  platform:dbEngineVersion: 16.10\n";
    const input = resolveEnvironment({ env: "stage", envGiven: true, configFile: null }, project({ "Pulumi.stage.yaml": file }));
    expect([input.settings.kubernetesVersion, input.settings.dbEngineVersion]).toEqual(["1.35", "16.1"]);
    expect(input.notes).toEqual([expect.stringMatching(/Pulumi\.stage\.yaml: platform:dbEngineVersion: 16\.10 is a YAML number, so the program gets "16\.1"; write "16\.10" \(quoted\)/)]);
  });

  it("explains stack files that are not a config mapping; an empty one, or one without config:, is no config (LoadProjectStackBytes)", () => {
    const root = project({ "empty.yaml": "", "list.yaml": "- a\n- b\n", "noconfig.yaml": "encryptionsalt: x\n" });
    expect(readConfigFile(join(root, "empty.yaml"))).toEqual({});
    expect(failure(() => readConfigFile(join(root, "list.yaml")))).toMatch(/must be a YAML mapping .* not a list/);
    expect(readConfigFile(join(root, "noconfig.yaml"))).toEqual({});
    expect(failure(() => readConfigFile(join(root, "missing.yaml")))).toMatch(/does not exist/);
  });
});

describe("a --program's stack config, as `pulumi preview --stack NAME` reads it", () => {
  /** A project of its own: Pulumi.yaml (with `extra` lines), a program, and stack files. */
  function programProject(extra: string, files: Record<string, unknown>): string {
    const root = temp("plan-program-");
    writeFileSync(join(root, "Pulumi.yaml"), `name: shop\nruntime: nodejs\n${extra}`);
    writeFileSync(join(root, "index.ts"), "export {};\n");
    for (const [name, config] of Object.entries(files)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), stringify({ config }));
    }
    return root;
  }

  it("reads Pulumi.<stack>.yaml beside Pulumi.yaml (the stack's own name, without organization), its aws:region the stack's region", () => {
    const root = programProject("", { "Pulumi.dev.yaml": { "aws:region": "eu-west-1", "shop:size": 3 } });
    const input = resolveProgram({ program: join(root, "index.ts"), stack: "acme/shop/dev", configFile: null });
    expect(input.job.region).toBe("eu-west-1");
    expect(input.job.config["shop:size"]).toBe(3);
  });

  it("runs a fully qualified --stack as the stack's own name (URNs, getStack()) in its organization (getOrganization()), in process and isolated", async () => {
    const root = programProject("", { "Pulumi.dev.yaml": { "aws:region": "eu-west-1" } });
    // The temporary project has no node_modules: the program takes the repository's SDK.
    const sdk = JSON.stringify(require.resolve("@pulumi/pulumi"));
    writeFileSync(join(root, "index.ts"), `const pulumi = require(${sdk});\nexport const stack = pulumi.getStack();\nexport const project = pulumi.getProject();\nexport const organization = pulumi.getOrganization();\n`);
    const input = resolveProgram({ program: join(root, "index.ts"), stack: "acme/shop/dev", configFile: null });
    expect(input.name).toBe("dev");
    expect(input.job).toMatchObject({ stack: "dev", project: "shop", organization: "acme" });
    // Isolated runs get the job as JSON in a child process (tools/plan/worker.ts).
    for (const isolated of [false, true]) {
      const [planned] = (await plan(input, { isolated })).stacks;
      expect(planned.outputs, `isolated: ${isolated}`).toEqual({ stack: "dev", project: "shop", organization: "acme" });
      expect(planned.resources[0].urn).toBe("urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev");
    }
    // Without an organization in --stack: the diy backend's, which always sets "organization".
    const plain = resolveProgram({ program: join(root, "index.ts"), stack: "dev", configFile: null });
    expect((await plan(plain)).stacks[0].outputs).toMatchObject({ organization: "organization" });
  }, 120_000);

  it("says how to fix a typed secret key left unencrypted: encrypt it, or drop secret: true", () => {
    const root = programProject("config:\n  token:\n    type: string\n    secret: true\n    default: changeme\n", { "Pulumi.dev.yaml": { "aws:region": "eu-west-1" } });
    expect(failure(() => resolveProgram({ program: join(root, "index.ts"), stack: "dev", configFile: null }))).toMatch(
      /Pulumi\.dev\.yaml: `pulumi preview` would stop before the program runs: validating stack config: Stack 'dev' with configuration key 'token' must be encrypted as it's secret\. Set shop:token encrypted in the stack's config \(`pulumi config set --secret shop:token VALUE --stack dev`; a project default is never encrypted\), or drop `secret: true` from its declaration in the project file$/,
    );
  });

  it("refuses a --stack of another project, as the CLI does", () => {
    const root = programProject("", { "Pulumi.dev.yaml": { "aws:region": "eu-west-1" } });
    expect(failure(() => resolveProgram({ program: join(root, "index.ts"), stack: "acme/p2/dev", configFile: null }))).toMatch(
      /^--stack acme\/p2\/dev: provided project name "p2" doesn't match Pulumi\.yaml \(.*Pulumi\.yaml names the project "shop"\); give --stack acme\/shop\/dev, or just --stack dev$/,
    );
    // ORG/NAME names no project: the program's is meant.
    expect(resolveProgram({ program: join(root, "index.ts"), stack: "acme/dev", configFile: null }).job).toMatchObject({ stack: "dev", project: "shop", region: "eu-west-1" });
  });

  it("names the stack file with the project file's extension: Pulumi.yml's stack reads Pulumi.dev.yml", () => {
    const root = programProject("", { "Pulumi.dev.yml": { "aws:region": "eu-south-2" }, "Pulumi.dev.yaml": { "aws:region": "us-west-1" } });
    renameSync(join(root, "Pulumi.yaml"), join(root, "Pulumi.yml"));
    expect(resolveProgram({ program: join(root, "index.ts"), stack: "dev", configFile: null }).job.region).toBe("eu-south-2");
  });

  it("reads it from the project's stackConfigDir", () => {
    const root = programProject("stackConfigDir: config\n", { "config/Pulumi.dev.yaml": { "aws:region": "ap-south-1" }, "Pulumi.dev.yaml": { "aws:region": "us-west-1" } });
    expect(resolveProgram({ program: join(root, "index.ts"), stack: "dev", configFile: null }).job.region).toBe("ap-south-1");
  });

  it("takes --config-file instead, as the CLI's --config-file", () => {
    const root = programProject("", { "Pulumi.dev.yaml": { "aws:region": "eu-west-1" }, "other.yaml": { "aws:region": "sa-east-1" } });
    expect(resolveProgram({ program: join(root, "index.ts"), stack: "dev", configFile: join(root, "other.yaml") }).job.region).toBe("sa-east-1");
  });

  it("takes the stack's region from AWS_REGION where the plan runs when its config names none, as the default provider would", () => {
    const root = programProject("", {});
    process.env.AWS_REGION = "eu-north-1";
    try {
      expect(resolveProgram({ program: join(root, "index.ts"), stack: "dev", configFile: null }).job.region).toBe("eu-north-1");
    } finally {
      delete process.env.AWS_REGION;
    }
  });

  it("plans with no config when the stack has no file (a new stack), its region then nobody's (the test run has none)", () => {
    const root = programProject("", { "Pulumi.prod.yaml": { "aws:region": "eu-west-1" } });
    const input = resolveProgram({ program: join(root, "index.ts"), stack: "dev", configFile: null });
    expect(input.job.region).toBeNull();
    expect(input.job.source).toBe("no config");
  });
});
