/**
 * The mark of the fake cloud's process listeners for unhandled rejections and uncaught exceptions
 * (tools/fake-cloud/run.ts): they give a report to the run in progress and drop late ones once a
 * run has ended, as a program's own process would have exited. A test runner that plans in its
 * own process must take them off between test files: while they listen, Vitest leaves every
 * unhandled error to them ("handled by user code") and a later file's would go unreported. The
 * next run puts them back. Loads nothing (the SDK stays unloaded in a file that never plans).
 */
export const LATE_REPORTS_LISTENER = "fakeCloudLateReports";

/** Takes the fake cloud's listeners off the process; the next run installs them again. */
export function removeLateReportListeners(): void {
  const marked = (listener: unknown) => (listener as Record<string, unknown>)[LATE_REPORTS_LISTENER] === true;
  for (const listener of process.listeners("unhandledRejection")) if (marked(listener)) process.removeListener("unhandledRejection", listener);
  for (const listener of process.listeners("uncaughtException")) if (marked(listener)) process.removeListener("uncaughtException", listener);
}
