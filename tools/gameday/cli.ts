/**
 * `npm run gameday -- <experiment> --region R [--env prod] [--plan plan.json] [--execute]
 * [--allow-data-loss] [--poll-seconds 15] [--max-minutes 180]`: see tools/gameday/gameday.ts.
 * Without `--plan` it runs the offline plan of the environment first (`npm run plan -- --env`),
 * the same check the pull request passed.
 */
import { execFile } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parseArgs } from "util";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { FisClient } from "@aws-sdk/client-fis";
import { Route53Client } from "@aws-sdk/client-route-53";
import type { PlanDocument } from "../plan/model";
import type { AwsClients } from "./aws";
import { CommandError } from "../commands/errors";
import { gameday, type GamedayOptions } from "./gameday";
import { RDSClient } from "@aws-sdk/client-rds";
import { ARCZonalShiftClient } from "./zonal-shift";

const ROOT = join(__dirname, "..", "..");
const USAGE = "usage: npm run gameday -- <experiment> --region <region> [--env prod] [--plan plan.json] [--execute] [--allow-data-loss] [--poll-seconds 15] [--max-minutes 180]";

function wholeNumber(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CommandError(`${flag} ${value} is not a whole number >= 1; e.g. ${flag} ${fallback}`);
  return n;
}

export function parseGamedayArgs(argv: readonly string[]): GamedayOptions & { environment: string; planFile: string | null } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        region: { type: "string" },
        env: { type: "string", default: "prod" },
        plan: { type: "string" },
        execute: { type: "boolean", default: false },
        "allow-data-loss": { type: "boolean", default: false },
        "poll-seconds": { type: "string" },
        "max-minutes": { type: "string" },
      },
    });
  } catch (error) {
    throw new CommandError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new CommandError(`give exactly one experiment (e.g. az-power-1, pod-delete); got ${positionals.length ? positionals.join(" ") : "none"}\n${USAGE}`);
  if (!values.region) throw new CommandError(`--region is missing: name the region to rehearse in (e.g. --region us-west-2)\n${USAGE}`);
  return {
    experiment: positionals[0],
    region: values.region,
    environment: values.env ?? "prod",
    planFile: values.plan ?? null,
    execute: values.execute ?? false,
    allowDataLoss: values["allow-data-loss"] ?? false,
    pollSeconds: wholeNumber(values["poll-seconds"], "--poll-seconds", 15),
    maxMinutes: wholeNumber(values["max-minutes"], "--max-minutes", 180),
  };
}

/** A plan JSON given with --plan, checked to be one of `environment`. */
export function readPlan(file: string, environment: string): PlanDocument {
  let document: PlanDocument;
  try {
    document = JSON.parse(readFileSync(file, "utf8")) as PlanDocument;
  } catch (error) {
    throw new CommandError(`--plan ${file} is not a readable plan JSON (${(error as Error).message}); write one with npm run plan -- --env ${environment} --json ${file}`);
  }
  if (document?.version !== 1 || !Array.isArray(document.stacks)) throw new CommandError(`--plan ${file} is not a plan JSON of version 1; write one with npm run plan -- --env ${environment} --json ${file}`);
  if (document.environment !== environment) throw new CommandError(`--plan ${file} is a plan of environment ${document.environment}, not ${environment}; pass --env ${document.environment} or a plan of ${environment}`);
  return document;
}

/** The offline plan of the environment, as `npm run plan -- --env E --json` writes it. */
function runPlan(environment: string): Promise<PlanDocument> {
  const dir = mkdtempSync(join(tmpdir(), "gameday-plan-"));
  const file = join(dir, "plan.json");
  return new Promise<PlanDocument>((resolve, reject) => {
    execFile(process.execPath, [join(ROOT, "tools/plan/bin.js"), "--env", environment, "--json", file], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      // Exit 1 (mandatory violations) still writes the plan: the refusal names them.
      const code = error ? error.code : 0;
      if (code !== 0 && code !== 1) {
        reject(new CommandError(`the offline plan of ${environment} failed (exit ${String(code)}): ${stderr.trim().split("\n").slice(-3).join(" ")}`));
        return;
      }
      try {
        resolve(readPlan(file, environment));
      } catch (e) {
        reject(e);
      }
    });
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function clients(): AwsClients {
  const fis = new Map<string, FisClient>();
  const cloudwatch = new Map<string, CloudWatchClient>();
  let route53: Route53Client | undefined;
  const rds = new Map<string, RDSClient>();
  const arc = new Map<string, ARCZonalShiftClient>();
  return {
    arcZonalShift: (region) => arc.get(region) ?? arc.set(region, new ARCZonalShiftClient({ region })).get(region)!,
    rds: (region) => rds.get(region) ?? rds.set(region, new RDSClient({ region })).get(region)!,
    fis: (region) => fis.get(region) ?? fis.set(region, new FisClient({ region })).get(region)!,
    cloudwatch: (region) => cloudwatch.get(region) ?? cloudwatch.set(region, new CloudWatchClient({ region })).get(region)!,
    route53: () => (route53 ??= new Route53Client({ region: "us-east-1" })),
  };
}

async function main(): Promise<number> {
  try {
    const options = parseGamedayArgs(process.argv.slice(2));
    // Before an experiment starts, Ctrl-C just leaves; from the moment StartExperiment is sent
    // (gameday calls `starting`), the first stops it once its id is known and the second leaves
    // without waiting.
    let following = false;
    let interrupted = false;
    process.on("SIGINT", () => {
      if (!following) process.exit(130);
      if (interrupted) {
        console.error("gameday: left without waiting; the experiment may still be stopping (aws fis get-experiment --id <id>)");
        process.exit(130);
      }
      interrupted = true;
    });
    return await gameday(options, {
      starting: () => {
        following = true;
      },
      interrupted: () => interrupted,
      plan: () => Promise.resolve(options.planFile ? readPlan(options.planFile, options.environment) : runPlan(options.environment)),
      aws: clients(),
      print: (line) => console.log(line),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: () => new Date(),
    });
  } catch (error) {
    if (error instanceof CommandError) {
      console.error(`gameday: ${error.message}`);
      return 2;
    }
    console.error(`gameday: internal error: ${(error as Error)?.message ?? String(error)}`);
    return 2;
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
