/**
 * One `npm run plan -- --json --markdown --diagram` of prod for the whole test run: the first
 * test file to ask runs it (claiming the shared directory test/global-setup.ts made), every
 * other file waits for that run and reads it.
 */
import { execFile } from "child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { inject } from "vitest";
import type { PlanDocument } from "../tools/plan/model";
import { planArgv } from "./plan/run-cli";

export interface SharedRun {
  code: number;
  stdout: string;
  stderr: string;
  dir: string;
  json: string;
  document: PlanDocument;
}

const root = join(__dirname, "..");
let cached: Promise<SharedRun> | undefined;

function runPlan(dir: string): Promise<void> {
  return new Promise((resolve) => {
    const args = planArgv("--json", join(dir, "prod.json"), "--markdown", join(dir, "prod.md"), "--diagram", join(dir, "prod.svg"));
    execFile(process.execPath, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      writeFileSync(join(dir, "stdout.txt"), stdout);
      writeFileSync(join(dir, "stderr.txt"), stderr);
      writeFileSync(join(dir, "done.json"), JSON.stringify({ code: error ? Number(error.code ?? -1) : 0 }));
      resolve();
    });
  });
}

/** The shared plan of prod, run by whichever test file asks first. */
export function sharedProdPlan(): Promise<SharedRun> {
  cached ??= (async () => {
    const dir = inject("prodPlanDir");
    let mine = false;
    try {
      mkdirSync(join(dir, "claimed"));
      mine = true;
    } catch {
      // Another file runs it.
    }
    if (mine) await runPlan(dir);
    const deadline = Date.now() + 170_000;
    while (!existsSync(join(dir, "done.json"))) {
      if (Date.now() > deadline) throw new Error("the shared prod plan did not finish");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { code } = JSON.parse(readFileSync(join(dir, "done.json"), "utf8")) as { code: number };
    const read = (name: string) => readFileSync(join(dir, name), "utf8");
    const json = existsSync(join(dir, "prod.json")) ? read("prod.json") : "null";
    return { code, stdout: read("stdout.txt"), stderr: read("stderr.txt"), dir, json, document: JSON.parse(json) as PlanDocument };
  })();
  return cached;
}
