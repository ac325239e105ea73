/**
 * `npm run plan` end to end, as a spawned process, the way CI and reviewers run it: each
 * behaviour once (a plan that exits 0, one that exits 1, refusals before and after the program
 * runs, --diff). Cases that check only what the CLI says run the same CLI in this process
 * (test/plan/run-in-process.ts): a process each would only repeat the start-up.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { readStackConfig } from "../../tools/fake-cloud/run";
import type { PlanDocument } from "../../tools/plan/model";
import { validatePlan } from "../../tools/plan/schema";
import { isStateful } from "../../tools/plan/stateful";
import { writeExports } from "./exports";
import { plan, type Run } from "./run-cli";
import { planInProcess } from "./run-in-process";
import { temporaryDirectories } from "./temp-dirs";
import { DEPLOY_PRECONDITIONS } from "../fixtures/environment";
import { sharedProdPlan } from "../shared-plan";
import { PROGRAM_CONFIG } from "../shared-runs";

const root = join(__dirname, "..", "..");
const PROD_REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];

/** A JavaScript stack trace line ("    at fn (file:1:2)"): never shown to the user. */
const STACK_FRAME = /^\s+at .+[:(]/m;

let dir: string;
const tempDir = temporaryDirectories();
beforeAll(() => {
  dir = tempDir("plan-test-");
});

describe("npm run plan on prod", () => {
  let run: Run;
  let document: PlanDocument;

  let prodDir: string;

  beforeAll(async () => {
    // The run test/global-setup.ts made: `npm run plan -- --json --markdown --diagram`.
    const shared = await sharedProdPlan();
    run = shared;
    document = shared.document;
    prodDir = shared.dir;
  }, 180_000);

  it("plans without a mandatory violation and without a stack trace", () => {
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("Result: planned, no mandatory violation (exit 0)");
  });

  it("writes plan JSON that validates against tools/plan/plan.schema.json", () => {
    expect(validatePlan(document)).toEqual([]);
    expect(document.summary.resources).toBe(document.stacks.reduce((n, s) => n + s.resources.length, 0));
  });

  it("has the global stack first, then every region of Pulumi.prod.yaml in deploy order", () => {
    expect(PROD_REGIONS).toEqual(readStackConfig(join(root, "Pulumi.prod.yaml"))["platform:regions"]);
    expect(document.stacks.map((s) => [s.stack, s.role, s.region])).toEqual([["prod", "global", "us-east-1"], ...PROD_REGIONS.map((r) => [`prod-${r}`, "region", r])]);
    for (const region of PROD_REGIONS) {
      const stack = document.stacks.find((s) => s.region === region && s.role === "region")!;
      // Every regional stack read the global stack's environment (the read is part of the stack,
      // as in the engine's state: policies tell regional stacks by it) and built its region.
      expect(stack.resources.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => r.outputs.name)).toEqual(["organization/platform/prod"]);
      expect(stack.resources.some((r) => r.type === "aws:ec2/vpc:Vpc" && r.region === region)).toBe(true);
      expect(document.summary.byRegion[region]).toBeGreaterThan(0);
    }
    expect(document.resilience.regions.list.map((r) => [r.region, r.azs.length])).toEqual(PROD_REGIONS.map((r) => [r, 3]));
  });

  it("reports progress per stack on stderr and the per-stack summary on stdout", () => {
    for (const stack of ["prod", ...PROD_REGIONS.map((r) => `prod-${r}`)]) {
      expect(run.stderr).toMatch(new RegExp(`planned  ${stack}: \\d+ resources`));
      expect(run.stdout).toContain(`\n${stack}  (`);
    }
    expect(run.stdout).toMatch(/DNS failover +worst case \d+ s/);
  });

  it("writes the PR comment and an SVG diagram with every region", () => {
    expect(readFileSync(join(prodDir, "plan.md"), "utf8")).toContain("## Offline plan: `prod`");
    const svg = readFileSync(join(prodDir, "plan.svg"), "utf8").replace(/&#45;/g, "-");
    expect(svg).toMatch(/<svg[\s\S]*<\/svg>/);
    for (const region of PROD_REGIONS) expect(svg).toContain(`>${region}`);
  });

  it("flags what removing a region deletes (--diff against what is deployed: the prod stacks' exports)", async () => {
    const twoRegions = readStackConfig(join(root, "Pulumi.prod.yaml"));
    twoRegions["platform:regions"] = PROD_REGIONS.slice(0, 2);
    twoRegions["platform:vpcCidrs"] = (twoRegions["platform:vpcCidrs"] as string[]).slice(0, 2);
    const file = join(dir, "prod-two-regions.yaml");
    writeFileSync(file, stringify({ config: twoRegions }));
    // Prod as deployed: one `pulumi stack export` per stack, written from the prod plan. (A plan
    // JSON as the base, as the PR workflow diffs: test/plan/state-export.test.ts reads prod's.)
    const exports = writeExports(join(dir, "deployed"), document);
    const diffRun = await plan("--env", "prod", "--config-file", file, "--diff", exports, "--markdown", join(dir, "diff.md"));
    expect(diffRun.stderr).not.toMatch(STACK_FRAME);
    // Planned, and blocked: prod's peak does not fit in one region's node pools once two remain.
    expect(diffRun.code, diffRun.stderr).toBe(1);
    expect(diffRun.stdout).toContain("MANDATORY  capacity-survives-region-loss: Losing us-east-1");
    expect(diffRun.stdout).toContain(`Diff against ${exports}`);
    expect(diffRun.stdout).toContain("regions removed: eu-west-1");
    const removedStack = document.stacks.find((s) => s.stack === "prod-eu-west-1")!;
    // The whole regional stack goes, plus its routing control in the global stack; the Region
    // switch plans of three regions (one each) give way to the one plan of two (ARC: two per plan).
    const removed = Number(/\+1 added, -(\d+) removed/.exec(diffRun.stdout)?.[1]);
    expect(removed).toBeGreaterThanOrEqual(removedStack.resources.length + 3);
    expect(diffRun.stdout).toMatch(/DATA-LOSS RISK: aws:rds\/cluster:Cluster prod-eu-west-1-cluster \(stack prod-eu-west-1\) would be DELETED/);
    // Every stateful resource of the removed region (its Aurora member once the database lands) is a data-loss risk.
    for (const stateful of removedStack.resources.filter((r) => isStateful(r.type))) {
      expect(diffRun.stdout).toContain(`DATA-LOSS RISK: ${stateful.type} ${stateful.name} (stack prod-eu-west-1) would be DELETED and lose`);
    }
    expect(readFileSync(join(dir, "diff.md"), "utf8")).toContain("- regions removed: eu-west-1");
  }, 120_000);
});

describe("a program that breaks the resilience rules", () => {
  it("exits 1 and names the violation on the one-AZ node pool or the unchecked latency record", async () => {
    const out = join(dir, "broken.json");
    const run = await plan("--program", "test/plan/fixtures/one-az-program.ts", "--config-file", PROGRAM_CONFIG, "--json", out);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const document = JSON.parse(readFileSync(out, "utf8")) as PlanDocument;
    const offenders = document.stacks[0].resources.filter((r) => ["broken-nodes", "broken-app"].includes(r.name) && r.type !== "aws:ec2/launchTemplate:LaunchTemplate").map((r) => r.urn);
    const mandatory = document.stacks[0].violations.filter((v) => v.enforcementLevel === "mandatory" && v.urn !== null && offenders.includes(v.urn));
    expect(mandatory.length).toBeGreaterThan(0);
    for (const v of mandatory) expect(run.stdout).toContain(`MANDATORY  ${v.policy}: `);
  }, 120_000);
});

/** A valid environment but for what each case breaks. */
const DEPLOYABLE = {
  "aws:region": "us-east-1",
  "platform:regions": ["us-east-1", "us-west-2"],
  "platform:vpcCidrs": ["10.0.0.0/16", "10.1.0.0/16"],
  "platform:dnsZoneName": "x.example.com",
  ...DEPLOY_PRECONDITIONS,
};

describe("a program whose serving paths and deploy access each miss a link", () => {
  it("exits 1 and names every missing link: binding, Service, probe, PDB, deployer CIDRs, access entry", async () => {
    // In-process: the one-AZ program above is the spawned run of a plan that exits 1.
    const run = await planInProcess("--program", "test/plan/fixtures/broken-serving-program.ts", "--config-file", PROGRAM_CONFIG);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    for (const link of ["missing binding: target group no-binding", "missing service: TargetGroupBinding", "missing readiness-probe: target group no-probe", "missing PodDisruptionBudget:", "missing deployer CIDRs:", "missing access entry:"]) {
      expect(run.stdout).toContain(link);
    }
    expect(run.stdout).toMatch(/serving path +us-east-1: INCOMPLETE, missing binding/);
  }, 120_000);
});

describe("bad input", () => {
  let inputs: string;
  const configFile = (name: string, content: string) => {
    writeFileSync(join(inputs, name), content);
    return ["--config-file", join(inputs, name)];
  };
  // `spawned`: the case runs as `npm run plan` (test/plan/run-cli.ts), exit code and all: a usage
  // error (nothing loaded yet), the program errors that name a line of the program (the line
  // comes through the source maps of the CLI's process; a Vitest worker maps stack frames its own
  // way), and a program that never finishes (the process must end all the same). The others run
  // the same CLI in this process (test/plan/run-in-process.ts): what they check is the message
  // the CLI writes (output written straight to the process, which only a spawned run would catch
  // on stdout, is the spawned cases' to check), and a process each would only repeat the start-up.
  const cases: Record<string, { args: () => string[]; message: RegExp; spawned?: true }> = {
    "an unknown environment": { args: () => ["--env", "staging"], message: /Pulumi\.staging\.yaml not found.*known: prod.*--env prod/ },
    "malformed YAML": { args: () => configFile("broken.yaml", "config:\n  aws:region: us-east-1\n  platform:regions: [us-east-1\n"), message: /broken\.yaml is not valid YAML: .*line \d+/ },
    "an invalid environment": {
      args: () => configFile("invalid.yaml", stringify({ config: { ...DEPLOYABLE, "platform:vpcCidrs": ["10.0.0.0/16", "10.0.128.0/17"] } })),
      message: /invalid\.yaml: 1 configuration problem\(s\):\n {2}- platform:vpcCidrs\[1\] = "10\.0\.128\.0\/17": overlaps vpcCidrs\[0\]/,
    },
    "an environment no deployer can reach": {
      args: () => configFile("unreachable.yaml", stringify({ config: { ...DEPLOYABLE, "platform:deployerCidrs": [] } })),
      message: /unreachable\.yaml: 1 configuration problem\(s\):\n {2}- platform:deployerCidrs = \[\]: is empty, so no deployer can reach the clusters' Kubernetes API/,
    },
    "a program that throws": {
      args: () => ["--program", "test/plan/fixtures/throwing-program.ts", "--config-file", PROGRAM_CONFIG],
      message: /stack dev: widgets must be at least 1.*\(at test\/plan\/fixtures\/throwing-program\.ts:\d+\)/,
      spawned: true,
    },
    "a program with an unhandled rejection": { args: () => ["--program", "test/plan/fixtures/rejecting-program.ts", "--config-file", PROGRAM_CONFIG], message: /stack dev: lookup of the shared VPC failed/ },
    "two resources with one URN": {
      args: () => ["--program", "test/plan/fixtures/duplicate-program.ts", "--config-file", PROGRAM_CONFIG],
      message: /stack dev: .*Duplicate resource URN 'urn:pulumi:dev::platform::aws:s3\/bucket:Bucket::logs'; try giving it a unique name/,
    },
    "a program that never finishes under a preview": {
      args: () => ["--program", "test/plan/fixtures/preview-hang-program.ts", "--config-file", PROGRAM_CONFIG],
      message: /stack dev fails under `pulumi preview` of a new stack .*although it runs once every value is known: the program never finishes/,
      // The process must still end: its hung pass cannot be stopped, only left behind.
      spawned: true,
    },
    "a program that throws under a preview": {
      args: () => ["--program", "test/plan/fixtures/preview-fail-program.ts", "--config-file", PROGRAM_CONFIG],
      message: /stack dev fails under `pulumi preview` of a new stack .*: TypeError: Cannot read properties of undefined \(reading 'slice'\) \(at test\/plan\/fixtures\/preview-fail-program\.ts:11\)/,
      spawned: true,
    },
    "a program whose stack, environment and profile name no AWS region": {
      // The test run has no AWS_REGION, AWS_DEFAULT_REGION or profile (vitest.config.mts).
      args: () => ["--program", "test/plan/fixtures/one-az-program.ts"],
      message: /stack dev: .*pulumi:providers:aws resource 'default_[0-9_]+' has a problem: Missing region information\. Make sure you have set your AWS region, e\.g\. `pulumi config set aws:region us-west-2`\. \(looked, as the provider does, at .*AWS_REGION, AWS_DEFAULT_REGION/,
    },
    "a stack that disables the default AWS provider and a program that relies on it": {
      args: () => ["--program", "test/plan/fixtures/one-az-program.ts", ...configFile("no-default-aws.yaml", "config:\n  aws:region: us-east-1\n  pulumi:disable-default-providers: [aws]\n")],
      // Every resource of the program is refused; the plan names the one whose failure ends the program.
      message: /stack dev: .*Default provider for 'aws' disabled\. 'urn:pulumi:dev::platform::aws:[^']+::broken[^']*' must use an explicit provider\./,
    },
    "a config value of the wrong type": {
      args: () => configFile("typed.yaml", "config:\n  aws:region: us-east-1\n  platform:regions: [us-east-1, us-west-2]\n  platform:vpcCidrs: [10.1.0.0/16, 10.2.0.0/16]\n  platform:dnsZoneName: x.example.com\n  platform:azCount: three\n"),
      message: /typed\.yaml: `pulumi preview` would stop before the program runs: validating stack config: Stack 'typed' with configuration key 'azCount' must be of type 'integer'\. Set platform:azCount in .*typed\.yaml/,
    },
    "a stack file with an ESC environment": {
      args: () => configFile("esc.yaml", `environment: [platform/prod-shared]\n${stringify({ config: DEPLOYABLE })}`),
      message: /esc\.yaml: environment: \[platform\/prod-shared\] imports the Pulumi ESC environment platform\/prod-shared\. .*The offline plan cannot open it.*remove environment:/,
    },
    "a project file the CLI's project schema refuses": {
      args: () => {
        mkdirSync(join(inputs, "schema-project"), { recursive: true });
        writeFileSync(join(inputs, "schema-project", "Pulumi.yaml"), "name: shop\nruntime: nodejs\nconfig:\n  zones: { type: integer, defualt: 3 }\n");
        writeFileSync(join(inputs, "schema-project", "index.ts"), "export {};\n");
        return ["--program", join(inputs, "schema-project", "index.ts")];
      },
      message: /Pulumi\.yaml: `pulumi` would refuse the project before any program runs \(it checks the file against its project schema, .*\): 1 problem\(s\):\n {2}- config\.zones\.defualt is not a field of config\.zones; did you mean 'default'\?$/,
    },
    "an unknown flag": { args: () => ["--jsno", "x.json"], message: /unknown option --jsno \(did you mean --json\?\)/, spawned: true },
  };
  const runs: Record<string, Run> = {};
  let outputs: string;

  beforeAll(async () => {
    inputs = tempDir("plan-bad-in-");
    outputs = tempDir("plan-bad-out-");
    const argv = (i: number, args: () => string[]) => [...args(), "--json", join(outputs, `case-${i}.json`), "--markdown", join(outputs, `case-${i}.md`), "--diagram", join(outputs, `case-${i}.svg`)];
    const entries = Object.entries(cases).map(([what, spec], i) => ({ what, spec, argv: argv(i, spec.args) }));
    // In-process ones first, one at a time (one runtime per process), while no child process
    // comes and goes (the idle watch counts the process's handles); then the spawned ones at once.
    for (const e of entries.filter((e) => !e.spec.spawned)) runs[e.what] = await planInProcess(...e.argv);
    await Promise.all(entries.filter((e) => e.spec.spawned).map(async (e) => (runs[e.what] = await plan(...e.argv))));
  }, 120_000);

  it.each(Object.keys(cases))("%s: exit 2, one paragraph naming the fix, no stack trace", (what) => {
    const run = runs[what];
    expect(run.code, run.stderr).toBe(2);
    const message = run.stderr.split("\n").filter((line) => !/^planning |^planned /.test(line)).join("\n").trim();
    expect(message).toMatch(/^plan: /);
    expect(message).toMatch(cases[what].message);
    expect(message).not.toMatch(STACK_FRAME);
    expect(message).not.toContain("\n\n");
    expect(run.stdout).toBe("");
  });

  it("leaves no output file, not even a temporary one", () => {
    expect(readdirSync(outputs)).toEqual([]);
    expect(existsSync(join(root, "x.json"))).toBe(false);
  });
});
