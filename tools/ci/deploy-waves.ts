/**
 * The deploy order of an environment's stacks, read from its stack files: the global stack, then
 * the primary region, then the secondary regions (deployed in parallel). The workflows take their
 * job matrices from here, so adding a region (a line in `platform:regions` plus its
 * `Pulumi.<env>-<region>.yaml`) needs no workflow edit.
 *
 *   npx tsx tools/ci/deploy-waves.ts [--env prod] [--dir .] [--github-output]
 *
 * Prints the waves as JSON, or with `--github-output` appends `stacks`, `global`, `primary`,
 * `secondaries`, `secondariesMaxParallel` and `runsOn` (the deploy runners' labels, `platform:deployRunnerLabels`; one-line
 * JSON each) to $GITHUB_OUTPUT. Exit 2 with every problem listed when the
 * environment is invalid or a regional stack file is missing or inconsistent.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { ConfigError, parseEnvironment } from "../../stacks/config";
import { toRuntimeConfig } from "../fake-cloud/project-config";

export interface StackTarget {
  /** Pulumi stack name, e.g. "prod-us-west-2". */
  readonly stack: string;
  /** Region the stack deploys to (the AWS credentials' default region in CI). */
  readonly region: string;
  readonly role: "global" | "primary" | "secondary";
}

export interface DeployWaves {
  readonly environment: string;
  readonly global: StackTarget;
  readonly primary: StackTarget;
  /** Deployed once the primary region succeeded: in parallel, or one at a time (`secondariesMaxParallel`). */
  readonly secondaries: StackTarget[];
  /**
   * How many secondaries deploy at once. With the cache on, 1, the cache's home region first:
   * the other members read the datastore's id from its stack, and ElastiCache refuses a member
   * joining while another join has the datastore `modifying` (the provider does not retry it).
   * Otherwise all of them.
   */
  readonly secondariesMaxParallel: number;
  /** Regional stack files of this environment for regions it no longer lists (left behind by a removal). */
  readonly orphans: string[];
  /**
   * Runner labels of the deploy jobs: runners that own the environment's deployer CIDRs (only
   * they reach the clusters' API). Empty when the environment names none.
   */
  readonly runsOn: string[];
}

export type StackConfig = Record<string, unknown>;

/** What the waves are computed from: the stack files' `config:` maps, by file name. */
export interface StackFiles {
  /** Config of `Pulumi.<env>.yaml`, or undefined when the file does not exist. */
  readonly global: StackConfig | undefined;
  /** Config of every other `Pulumi.*.yaml` in the project, by file name. */
  readonly others: Readonly<Record<string, StackConfig>>;
}

export class WavesError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot derive the deploy waves:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "WavesError";
  }
}

export const stackFileName = (stack: string) => `Pulumi.${stack}.yaml`;

/** `platform:environmentStack` names the global stack as `prod` or `org/project/prod`. */
function namesEnvironment(value: unknown, environment: string): boolean {
  return typeof value === "string" && value.split("/").pop() === environment;
}

/** Computes the waves; throws WavesError listing every problem (each with its fix). */
export function deployWaves(environment: string, files: StackFiles): DeployWaves {
  const globalFile = stackFileName(environment);
  if (!files.global) throw new WavesError([`${globalFile} does not exist; the global stack's config defines the environment`]);
  let regions: string[];
  let runsOn: string[];
  let cacheHome: string | undefined;
  try {
    const parsed = parseEnvironment(environment, toRuntimeConfig(files.global), globalFile);
    ({ regions, deployRunnerLabels: runsOn } = parsed);
    cacheHome = parsed.cacheEnabled ? parsed.cacheHomeRegion : undefined;
  } catch (err) {
    if (err instanceof ConfigError) throw new WavesError([err.message]);
    throw err;
  }

  const problems: string[] = [];
  const targets = regions.map((region, index): StackTarget => {
    const stack = `${environment}-${region}`;
    const file = stackFileName(stack);
    const config = files.others[file];
    if (!config) {
      problems.push(`${file} is missing for region ${region}; create it with aws:region: ${region} and platform:environmentStack: ${environment}`);
    } else {
      if (config["aws:region"] !== region) {
        problems.push(`${file}: aws:region is ${JSON.stringify(config["aws:region"])}; it must be ${region}, the region this stack is named after`);
      }
      if (!namesEnvironment(config["platform:environmentStack"], environment)) {
        problems.push(`${file}: platform:environmentStack is ${JSON.stringify(config["platform:environmentStack"])}; it must name the global stack ${environment}`);
      }
    }
    return { stack, region, role: index === 0 ? "primary" : "secondary" };
  });
  if (problems.length > 0) throw new WavesError(problems);

  const listed = new Set(targets.map((t) => stackFileName(t.stack)));
  const orphans = Object.entries(files.others)
    .filter(([file, config]) => !listed.has(file) && namesEnvironment(config["platform:environmentStack"], environment))
    .map(([file]) => file)
    .sort();

  // The global stack's credentials need a default region; its own aws:region when set.
  const globalRegion = typeof files.global["aws:region"] === "string" ? files.global["aws:region"] : regions[0];
  // The cache's home region first among the secondaries (stable otherwise).
  const secondaries = targets.slice(1).sort((a, b) => Number(b.region === cacheHome) - Number(a.region === cacheHome));
  return {
    environment,
    global: { stack: environment, region: globalRegion, role: "global" },
    primary: targets[0],
    secondaries,
    secondariesMaxParallel: cacheHome !== undefined ? 1 : Math.max(1, secondaries.length),
    orphans,
    runsOn,
  };
}

/** Every stack in deploy order (what a preview runs over). */
export function allStacks(waves: DeployWaves): StackTarget[] {
  return [waves.global, waves.primary, ...waves.secondaries];
}

function readConfig(file: string): StackConfig {
  const document = parse(readFileSync(file, "utf8")) as { config?: StackConfig } | null;
  return document?.config ?? {};
}

/** Reads `Pulumi.<env>.yaml` and the other stack files of the project directory. */
export function readStackFiles(dir: string, environment: string): StackFiles {
  const globalFile = stackFileName(environment);
  const others: Record<string, StackConfig> = {};
  for (const file of readdirSync(dir)) {
    if (/^Pulumi\..+\.ya?ml$/.test(file) && file !== globalFile) others[file] = readConfig(join(dir, file));
  }
  const globalPath = join(dir, globalFile);
  return { global: existsSync(globalPath) ? readConfig(globalPath) : undefined, others };
}

/** `key=value` lines for $GITHUB_OUTPUT (values are one-line JSON). */
export function githubOutputLines(waves: DeployWaves): string {
  const outputs = {
    stacks: allStacks(waves),
    global: waves.global,
    primary: waves.primary,
    secondaries: waves.secondaries,
    secondariesMaxParallel: waves.secondariesMaxParallel,
    runsOn: waves.runsOn,
  };
  return Object.entries(outputs).map(([key, value]) => `${key}=${JSON.stringify(value)}\n`).join("");
}

function main(argv: string[]): number {
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const environment = option("--env") ?? "prod";
  const dir = option("--dir") ?? ".";
  let waves: DeployWaves;
  try {
    waves = deployWaves(environment, readStackFiles(dir, environment));
  } catch (err) {
    if (!(err instanceof WavesError)) throw err;
    console.error(err.message);
    return 2;
  }
  for (const orphan of waves.orphans) {
    console.warn(`warning: ${orphan} belongs to ${environment} but its region is not in platform:regions; destroy that stack and delete the file (docs/runbooks/remove-a-region.md)`);
  }
  if (waves.runsOn.length === 0) {
    console.warn(`warning: platform:deployRunnerLabels is empty in Pulumi.${environment}.yaml: no deploy runner is known to reach the clusters' API (docs/deploying.md); the deploy jobs refuse to start`);
  }
  if (argv.includes("--github-output")) {
    const target = process.env.GITHUB_OUTPUT;
    if (!target) {
      console.error("--github-output: GITHUB_OUTPUT is not set (it is, inside a GitHub Actions step)");
      return 2;
    }
    appendFileSync(target, githubOutputLines(waves));
  }
  console.log(JSON.stringify(waves, null, 2));
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
