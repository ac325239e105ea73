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
  return runner.run({ stack: job.stack, project: job.project, organization: job.organization, config: job.config, program, stackOutputs }, { begins: () => progress?.started(job), ends: (result) => progress?.finished(job, result) });
}

/**
 * Deploy order: the global stack, then the regional stacks, each after the regional stacks it
 * reads (e.g. the cache's home region). Throws when they read each other. Pure.
 */
export function deployOrder(regional: readonly StackJob[]): StackJob[] {
  const order: StackJob[] = [];
  const placed = new Set<string>();
  let pending = [...regional];
  while (pending.length > 0) {
    const ready = pending.filter((job) => (job.reads ?? []).every((stack) => placed.has(stack) || !regional.some((j) => j.stack === stack)));
    if (ready.length === 0) throw new PlanError(`stacks ${pending.map((j) => j.stack).join(", ")} read each other (${pending.map((j) => `${j.stack} reads ${(j.reads ?? []).join(", ")}`).join("; ")}); no deploy order exists`);
    for (const job of ready) placed.add(job.stack);
    order.push(...ready);
    pending = pending.filter((job) => !ready.includes(job));
  }
  return order;
}

async function runEnvironment(input: EnvironmentInput, options: PlanRunOptions): Promise<UnjudgedStack[]> {
  // Regional stacks read the global stack through a StackReference by its name, and some read
  // another regional stack: each is planned once the stacks it reads are planned, as after their
  // `pulumi up` (the deploy order guarantees it for real), fed exactly those stacks' outputs. The
  // runner takes them in deploy order (in turn in one process; side by side in isolated runs).
  const order = [input.global, ...deployOrder(input.regional)];
  const runner = createRunner({ isolated: options.isolated });
  const exported = new Map<string, Promise<Record<string, unknown>>>();
  const results = new Map<StackJob, Promise<StackResult>>();
  try {
    for (const job of order) {
      const reads = job === input.global ? [] : [input.global.stack, ...(job.reads ?? []).filter((stack) => input.regional.some((j) => j.stack === stack))];
      let plannedWith!: (outputs: Record<string, unknown>) => void;
      exported.set(job.stack, new Promise<Record<string, unknown>>((resolve) => (plannedWith = resolve)));
      const result = Promise.all(reads.map(async (stack) => [stack, await exported.get(stack)!] as const)).then((pairs) =>
        runJob(runner, job, null, Object.fromEntries(pairs), options.progress),
      );
      // A stack that fails leaves the stacks reading it waiting: the plan reports the first
      // failure in deploy order below and stops them by closing the runner.
      void result.then((r) => plannedWith(r.exported), () => undefined);
      results.set(job, result);
    }
    // In deploy order: a stack that failed comes before the stacks left waiting on it.
    const planned = new Map<StackJob, StackResult>();
    for (const job of order) planned.set(job, await results.get(job)!);
    return [input.global, ...input.regional].map((job) => toStack(job, planned.get(job)!));
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
