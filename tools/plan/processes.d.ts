/** Types of tools/plan/processes.js (plain CommonJS: tools/plan/bin.js loads it before the bundle). */
import type { ChildProcess } from "child_process";

export declare const WORKER_FLAG: "--plan-worker";

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

/** Whether the previews run in a second process. Pure. */
export declare function secondProcess(facts: ProcessFacts): boolean;
export declare function machineFacts(): Omit<ProcessFacts, "regionalStacks">;
export declare function forkWorker(bundled: boolean): ChildProcess;
export declare function prestartWorker(argv: readonly string[]): void;
/** `planReady`: the worker said it is ready before the runner listened. */
export declare function takePrestartedWorker(): (ChildProcess & { planReady?: boolean }) | undefined;
