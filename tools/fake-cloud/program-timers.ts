/**
 * The program's timers and the process's pending work, as the Node.js language host's process
 * sees them: a stack's run (run.ts) goes on until neither keeps the event loop alive, as the
 * host's process exits only then. The functions are wrapped for a run only, and this module keeps
 * Node's own ones (captured when it loads, before any run) for the runs' bookkeeping.
 */
/** The run's own turns, through Node's setImmediate as this module found it: never counted as the program's. */
const nodeSetImmediate = globalThis.setImmediate;
export const nextTurn = () => new Promise((resolve) => nodeSetImmediate(resolve));

type TimerFunctions = Record<"setTimeout" | "setInterval" | "setImmediate", (...args: unknown[]) => unknown>;
const timersModule = require("timers") as TimerFunctions;
const nodeTimers = { clearTimeout: globalThis.clearTimeout, clearImmediate: globalThis.clearImmediate };

type Timer = (NodeJS.Timeout | NodeJS.Immediate) & { _destroyed?: boolean };

const pickTimers = (from: TimerFunctions): TimerFunctions => ({ setTimeout: from.setTimeout, setInterval: from.setInterval, setImmediate: from.setImmediate });

/**
 * The timers and immediates the program creates while its run lasts (through the global
 * functions or the `timers` module, wrapped for the run): whether any still keeps Node's event
 * loop alive, and, when the run ends, clearing what is left, which the host's process would never
 * run (an unref'd timer once the loop is otherwise empty; anything of a program that failed).
 */
export function trackProgramTimers(): { pending(): boolean; clear(): void; stop(): void } {
  const created = new Set<Timer>();
  // A module first loaded during the run may keep the wrapped function (`const { setTimeout } =
  // require("timers")`): after the run it creates timers as Node's would, recorded nowhere.
  let active = true;
  const wrap = (create: TimerFunctions[keyof TimerFunctions]) => {
    const wrapped = function (this: unknown, ...args: unknown[]) {
      const timer = create.apply(this, args) as Timer;
      if (active) created.add(timer);
      return timer;
    };
    // util.promisify.custom and the like: timers/promises stays reachable as from the original.
    for (const key of Reflect.ownKeys(create)) if (key !== "length" && key !== "name" && key !== "prototype") Reflect.defineProperty(wrapped, key, Reflect.getOwnPropertyDescriptor(create, key)!);
    return wrapped;
  };
  const globals = globalThis as unknown as TimerFunctions;
  const before = { globals: pickTimers(globals), module: pickTimers(timersModule) };
  const wrapped = (functions: TimerFunctions): TimerFunctions => ({ setTimeout: wrap(functions.setTimeout), setInterval: wrap(functions.setInterval), setImmediate: wrap(functions.setImmediate) });
  const wrappedGlobals = wrapped(before.globals);
  Object.assign(globalThis, wrappedGlobals);
  Object.assign(timersModule, before.module.setTimeout === before.globals.setTimeout ? wrappedGlobals : wrapped(before.module));
  const live = () => {
    for (const timer of created) if (timer._destroyed) created.delete(timer);
    return created;
  };
  return {
    pending: () => [...live()].some((timer) => timer.hasRef()),
    clear: () => {
      for (const timer of live()) {
        if (timer.constructor.name === "Immediate") nodeTimers.clearImmediate(timer as NodeJS.Immediate);
        else nodeTimers.clearTimeout(timer as NodeJS.Timeout);
      }
      created.clear();
    },
    stop: () => {
      active = false;
      Object.assign(globalThis, before.globals);
      Object.assign(timersModule, before.module);
    },
  };
}

/** How many of each kind of work is pending in the process ("Timeout": 2, "TCPSocketWrap": 1, ...). */
export type WorkCounts = ReadonlyMap<string, number>;

/**
 * Timers, immediates, sockets and I/O requests alive in the process ("Timeout", "Immediate",
 * "FSReqCallback", ...), the stdio and IPC pipes aside: what would keep Node's event loop
 * running, by kind. (The idle watch's own immediate has fired by the time it looks.) The count is
 * the process's, not the program's: compare it with a baseline through moreWorkThan.
 */
export function pendingWork(): WorkCounts {
  const info = (process as unknown as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo?.() ?? [];
  const counts = new Map<string, number>();
  for (const kind of info) if (!/^(TTYWrap|PipeWrap|SignalWrap)$/.test(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/**
 * Is more of some kind of work pending than in `baseline` (taken before the program started)?
 * By kind: another's timer that ends during the run (a test runner's) must not hide the
 * program's socket, as it would in one total.
 */
export function moreWorkThan(baseline: WorkCounts): boolean {
  for (const [kind, count] of pendingWork()) if (count > (baseline.get(kind) ?? 0)) return true;
  return false;
}
