/**
 * The policy pack's config for a real `pulumi preview` or `pulumi up --policy-pack policies` of
 * one stack: the thresholds its environment's settings imply, exactly as the offline plan gives
 * them to the rules (policies/reconcile.ts, configFromSettings: production, the deployer's
 * network, peak nodes, the failover budget, the regions). The CLI hands a pack only the config it
 * is given with `--policy-pack-config` (and the schema defaults otherwise): without this file a
 * real run skips what those settings turn on (a production environment that rehearses no failure,
 * a cluster endpoint the deploy runners cannot reach) while the plan refuses it.
 *
 *   npx tsx tools/ci/policy-config.ts --stack prod-us-west-2 [--dir .] --out policy-config.json
 *   pulumi up --stack prod-us-west-2 --policy-pack policies --policy-pack-config policy-config.json
 *
 * `--out` writes the file whole or not at all (a shell redirect would leave an empty file on
 * failure, which the CLI reads as no config); without it the config goes to standard output.
 * Make it again after the environment's stack file changes.
 *
 * A regional stack's environment is the stack its file names in `platform:environmentStack`; any
 * other stack is an environment itself. Exit 2 with the problem when the stack or its environment
 * cannot be read or is invalid.
 */
import { existsSync, renameSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import type { PolicyConfig } from "../../policies/config";
import { configFromSettings } from "../../policies/reconcile";
import { readConfigFile, resolveEnvironment } from "../plan/inputs";
import { PlanError } from "../plan/args";

const ENVIRONMENT_STACK_KEY = "platform:environmentStack";

/** The environment a stack belongs to: its `platform:environmentStack` (by its last name part), else itself. */
export function environmentOf(stack: string, dir: string): string {
  const file = join(dir, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) throw new PlanError(`Pulumi.${stack}.yaml not found in ${dir}: name a stack of this project with --stack (prod, prod-us-west-2, …)`);
  const parent = readConfigFile(file)[ENVIRONMENT_STACK_KEY];
  return typeof parent === "string" && parent !== "" ? parent.split("/").pop()! : stack;
}

/**
 * The settings of the environment `stack` belongs to, read as the plan reads them (its stack
 * file with Pulumi.yaml's defaults, validated), and that environment's name.
 */
export function environmentSettingsOf(stack: string, dir: string): { env: string; settings: ReturnType<typeof resolveEnvironment>["settings"] } {
  const env = environmentOf(stack, dir);
  return { env, settings: resolveEnvironment({ env, envGiven: true, configFile: null }, dir).settings };
}

/** The pack's config for `stack`, from its environment's stack file. */
export function policyConfigFor(stack: string, dir: string): PolicyConfig {
  const { env, settings } = environmentSettingsOf(stack, dir);
  return configFromSettings(settings as unknown as Record<string, unknown>, env);
}

function main(argv: string[]): number {
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const stack = option("--stack");
  if (!stack) {
    console.error("usage: npx tsx tools/ci/policy-config.ts --stack STACK [--dir DIR] [--out FILE]");
    return 2;
  }
  try {
    const text = `${JSON.stringify(policyConfigFor(stack, resolve(option("--dir") ?? ".")), null, 2)}\n`;
    const out = option("--out");
    if (out === undefined) process.stdout.write(text);
    else {
      const temp = `${out}.${process.pid}.tmp`;
      writeFileSync(temp, text);
      renameSync(temp, out);
    }
    return 0;
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    console.error(err.message);
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
