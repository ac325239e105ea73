/**
 * The project type-checks (`npm run typecheck`: tsc --noEmit, strict, over components, stacks,
 * policies, tools, tests, examples and scripts). A shared run (test/shared-runs.ts), started when
 * the test run starts, so that the single-threaded type check overlaps the first test files; a
 * type error fails this test with tsc's own report.
 */
import { expect, it } from "vitest";
import { sharedRun } from "./shared-plan";

it("type-checks the whole project with tsc --noEmit", async () => {
  const { code, stdout, stderr } = await sharedRun("typecheck");
  expect(code, `tsc --noEmit -p tsconfig.json:\n${stdout}${stderr}`).toBe(0);
  expect(stdout + stderr).toBe("");
}, 600_000);
