/**
 * Whether the plan runs its preview passes in a second process (tools/plan/runner.ts). Pure: the
 * runner reads the machine, this decides.
 *
 * A second process costs its own SDK load (about 0.6–1 s of CPU and 200–300 MiB) and halves the
 * passes' wall time only when a core is free for it: on a busy machine (the test suite's own
 * workers, a build) it makes the plan slower. It also needs the plan's bundle: a TypeScript
 * loader in the child costs more than it saves.
 */
export interface ProcessFacts {
  /** PLAN_PROCESSES: "1" one process, "2" two, anything else (or unset) lets the machine decide. */
  setting: string | undefined;
  /** The planning process runs from the bundle (tools/plan/bin.js). */
  bundled: boolean;
  cores: number;
  /** Tasks runnable right now, this process included (/proc/loadavg); undefined where unknown. */
  runnable: number | undefined;
  /** One-minute load average: the fallback where `runnable` is unknown. */
  load: number;
  /** Regional stacks of the environment; 0 for a single program. */
  regionalStacks: number;
}

export function secondProcess(facts: ProcessFacts): boolean {
  if (!facts.bundled || facts.setting === "1") return false;
  if (facts.setting === "2") return true;
  // A single program is one small stack: the second process's SDK load would cost more than its preview.
  if (facts.cores < 2 || facts.regionalStacks < 1) return false;
  // A free core: nothing else runnable beside this process on one of them.
  return facts.runnable !== undefined ? facts.runnable <= facts.cores - 1 : facts.load < facts.cores - 0.5;
}
