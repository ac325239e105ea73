/**
 * The planner: runs the stacks of an input in deploy order (global stack, then every regional
 * stack, fed the global stack's outputs), applies the policy pack and computes the resilience
 * figures. Returns the plan document; writes nothing.
 */
import type { PolicyConfig } from "../../policies/evaluate";
import { PlanError } from "./args";
import { attachCostViolations, CostInputs, planCost } from "./cost";
import type { EnvironmentInput, PlanInput, ProgramInput, StackJob } from "./inputs";
import { PLAN_VERSION, PlanDocument, PlanStack, summarize } from "./model";
import { applyPolicies } from "./policies";
import { computeResilience } from "./resilience";
import { createRunner, StackResult, StackRunner } from "./runner";
import { readTopology } from "./topology";

export interface Progress {
  started(job: StackJob): void;
  finished(job: StackJob, result: StackResult): void;
}

export interface PlanRunOptions {
  policyConfig?: PolicyConfig;
  progress?: Progress;
  /** Price table and usage assumptions. @default data/cost/, the profile named after the environment */
  cost?: CostInputs;
  /** The --diff base: the cost section then carries the change and the cost-change-per-pr finding. */
  base?: PlanDocument;
  /** Each stack in a child process of its own (tools/plan/runner.ts). @default PLAN_ISOLATE=1 */
  isolated?: boolean;
}

type UnjudgedStack = Omit<PlanStack, "violations">;

function toStack(job: StackJob, result: StackResult): UnjudgedStack {
  return { stack: job.stack, role: job.role, region: job.region, resources: result.resources, outputs: result.outputs };
}

async function runJob(runner: StackRunner, job: StackJob, program: string | null, stackOutputs: Record<string, Record<string, unknown>>, progress?: Progress): Promise<StackResult> {
  progress?.started(job);
  const result = await runner.run({ stack: job.stack, project: job.project, config: job.config, program, stackOutputs });
  progress?.finished(job, result);
  return result;
}

async function runEnvironment(input: EnvironmentInput, options: PlanRunOptions): Promise<UnjudgedStack[]> {
  const runner = createRunner({ isolated: options.isolated, regionalStacks: input.regional.length });
  try {
    const global = await runJob(runner, input.global, null, {}, options.progress);
    // Regional stacks read the global stack through a StackReference by its name, and some read
    // another regional stack (e.g. the cache's home region): those run in waves, each stack once
    // the stacks it reads have been planned, as the deploy order guarantees for real. They are
    // previewed as after those stacks' `pulumi up`, with their outputs known. Within a wave: in
    // turn in one process, side by side when the runner has more than one process.
    const stackOutputs: Record<string, Record<string, unknown>> = { [input.global.stack]: global.exported };
    const results = new Map<StackJob, StackResult>();
    let pending = [...input.regional];
    while (pending.length > 0) {
      const ready = pending.filter((job) => (job.reads ?? []).every((stack) => stack in stackOutputs || !input.regional.some((j) => j.stack === stack)));
      if (ready.length === 0) throw new PlanError(`stacks ${pending.map((j) => j.stack).join(", ")} read each other (${pending.map((j) => `${j.stack} reads ${(j.reads ?? []).join(", ")}`).join("; ")}); no deploy order exists`);
      const outputs = { ...stackOutputs };
      const wave: StackResult[] = new Array(ready.length);
      let next = 0;
      const lane = async () => {
        for (let i = next++; i < ready.length; i = next++) wave[i] = await runJob(runner, ready[i], null, outputs, options.progress);
      };
      await Promise.all(Array.from({ length: Math.min(runner.parallel, ready.length) }, lane));
      ready.forEach((job, i) => {
        results.set(job, wave[i]);
        stackOutputs[job.stack] = wave[i].exported;
      });
      pending = pending.filter((job) => !ready.includes(job));
    }
    return [toStack(input.global, global), ...input.regional.map((job) => toStack(job, results.get(job)!))];
  } finally {
    runner.close();
  }
}

async function runProgram(input: ProgramInput, options: PlanRunOptions): Promise<UnjudgedStack[]> {
  const runner = createRunner({ isolated: options.isolated });
  try {
    return [toStack(input.job, await runJob(runner, input.job, input.program, {}, options.progress))];
  } finally {
    runner.close();
  }
}

/** Assembles the document from planned stacks: policies, topology, resilience, cost, summary. */
export function assemble(name: string, unjudged: UnjudgedStack[], settings: PlanInput["settings"], policyConfig: PolicyConfig = {}, extras: Pick<PlanRunOptions, "cost" | "base"> = {}): PlanDocument {
  const stacks = applyPolicies(unjudged, { name, settings }, policyConfig);
  const cost = planCost({ environment: name, stacks, settings, policyConfig, inputs: extras.cost, base: extras.base });
  attachCostViolations(stacks, cost.violations);
  const regionOrder = settings?.regions ?? stacks.filter((s) => s.role === "region" && s.region).map((s) => s.region!);
  const topology = readTopology(stacks, regionOrder);
  return {
    version: PLAN_VERSION,
    environment: name,
    stacks,
    summary: summarize(stacks),
    resilience: computeResilience(topology, settings ?? {}, stacks),
    cost: cost.section,
  };
}

export async function plan(input: PlanInput, options: PlanRunOptions = {}): Promise<PlanDocument> {
  const stacks = input.kind === "environment" ? await runEnvironment(input, options) : await runProgram(input, options);
  return assemble(input.name, stacks, input.settings, options.policyConfig, options);
}
