/**
 * The deploy order of an environment's stacks, read from its stack files: the global stack, then
 * the primary region, then the secondary regions (deployed in parallel). The workflows take their
 * job matrices from here, so adding a region (a line in `platform:regions` plus its
 * `Pulumi.<env>-<region>.yaml`) needs no workflow edit.
 *
 *   npx tsx tools/ci/deploy-waves.ts [--env prod] [--dir .] [--history] [--stack prod-eu-west-1 | --pull-request] [--github-output]
 *
 * Prints the waves as JSON, or with `--github-output` appends `stacks`, `global`, `primary`,
 * `secondaries`, `secondariesMaxParallel` and `runsOn` (the deploy runners' labels, `platform:deployRunnerLabels`; one-line
 * JSON each) to $GITHUB_OUTPUT. Exit 2 with every problem listed when the
 * environment is invalid or a regional stack file is missing or inconsistent.
 *
 * `--stack` names one stack of the environment, for a deploy of that stack alone
 * (.github/workflows/deploy-stack.yml): `target` (its region, role, GitHub environment and gate,
 * `stackDeploy`) is added to the outputs, and a stack the environment does not deploy exits 2.
 *
 * A regional stack may read another one (`regionalStackReads`: a cache member reads the Global
 * Datastore id from the cache home region's stack). The read stack deploys first, except when it
 * is a secondary and the reader is the primary region, which always deploys before the others
 * (its Aurora writer must exist before a secondary cluster can join). That read then holds only
 * if the home stack already has its datastore, which no history proves (a committed version may
 * never have rolled out; a datastore may have been bootstrapped by hand), so it is warned about.
 * `--history` refuses only the case where none can exist: this change turns the cache on (a new
 * environment, or the cache off before) or moves its home, and the home is not the primary. It
 * compares `Pulumi.<env>.yaml` with its version before this change (`previousVersion`: in the
 * deploy workflow, which runs on the pushed commit of main, HEAD's against HEAD's first parent).
 *
 * `--history` also refuses turning the edge off (edgeEnabled true before, false now) when the
 * version before had its direct path locked (edgeDirectOriginAccess other than open): wave 1 would
 * delete the distribution while every region answers 403 to anything without its header until its
 * own wave. Open the direct path in one change, turn the edge off in the next.
 *
 * And it refuses the region-list changes no rollout survives (tools/ci/region-changes.ts; the
 * order and the CIDRs judged as the plan's `--diff` judges them, tools/plan/replacement/region-list.ts):
 * a kept region's VPC CIDR changed, more than one region added, a new region first or second, and
 * a region dropped while its stack file, so its stack, is still there. regions[1] handed to another
 * existing region is refused for deploy.yml's side-by-side wave only: with `--stack` (deployed one
 * stack at a time) and with `--pull-request` (preview.yml's check, before anyone chose how to
 * deploy it) it is a warning that says the order. The comparison is with the
 * version before this commit, not with what is deployed: a refused commit left on main is not
 * refused again by the next push, so revert it.
 *
 * A secondary whose synthetic probe watches another secondary (us-east-1 after a switchover made
 * another region the primary: components/lib/watch-plan.ts) deploys after it, as a reader does
 * (`regionalStacksFirst`): a probe of a region not yet built would page at once. That order gives
 * way to a read when both cannot hold (the watcher is the cache's home region, which us-east-1
 * reads): the watch is then listed (`watchesOfLaterStacks`) and warned about, as its probe pages
 * until the watched region is deployed if that region is new.
 */
import { execFileSync } from "child_process";
import { appendFileSync, existsSync, readdirSync, readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { regionalStackReads, regionalStacksFirst } from "../../stacks/compose";
import { ConfigError, type Environment, parseEnvironment } from "../../stacks/config";
import { toRuntimeConfig } from "../fake-cloud/project-config";
import { regionChangeProblems, regionLayoutOf, type Rollout } from "./region-changes";

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
   * Also 1 when a secondary watches another (us-east-1 as a secondary), the watched one first.
   * Otherwise all of them.
   */
  readonly secondariesMaxParallel: number;
  /**
   * Reads of a stack that deploys after its reader: the primary region reading the cache home
   * region's stack once a switchover has moved the primary elsewhere. They hold only if the read
   * stack already has what is read (the Global Datastore), which the waves cannot know.
   */
  readonly readsOfLaterStacks: StackRead[];
  /**
   * Watches of a stack that deploys after its watcher, because keeping the watch's order would
   * have put a stack before one it reads (a cache member reading the home region that watches it).
   * The watcher's probe then fails, and pages, until the watched stack has deployed: only when the
   * watched region is not built yet (a new region or environment); one that already serves is
   * probed as before.
   */
  readonly watchesOfLaterStacks: StackWatch[];
  /** Regional stack files of this environment for regions it no longer lists (left behind by a removal). */
  readonly orphans: string[];
  /**
   * Region-list changes the rollout must know of but does not refuse (tools/ci/region-changes.ts):
   * with `rollout` "stack-by-stack" or "review", what only one stack at a time can deploy, and in
   * which order.
   */
  readonly regionChangeWarnings: string[];
  /**
   * Runner labels of the deploy jobs: runners that own the environment's deployer CIDRs (only
   * they reach the clusters' API). Empty when the environment names none.
   */
  readonly runsOn: string[];
}

/** `reader`'s program reads `read`'s outputs through a StackReference. */
export interface StackRead {
  readonly reader: string;
  readonly read: string;
}

/** `watcher`'s synthetic probe watches `watched`'s region from outside it (components/lib/watch-plan.ts). */
export interface StackWatch {
  readonly watcher: string;
  readonly watched: string;
}

export type StackConfig = Record<string, unknown>;

export interface WavesOptions {
  /**
   * The config of `Pulumi.<env>.yaml` before this change (`previousVersion`): null when the file
   * did not exist (a new environment), undefined when unknown. Called once, always: the waves are
   * refused when this change turned the cache on or set its home (so no datastore exists), turned
   * the edge off with its direct path locked before, or changed the region list in a way no
   * rollout survives (tools/ci/region-changes.ts). Without it such reads are returned
   * (`readsOfLaterStacks`) only, and nothing is compared.
   */
  readonly previous?: () => StackConfig | null | undefined;
  /**
   * What the waves serve: "waves", deploy.yml's rollout; "stack-by-stack", a deploy of one stack
   * alone (deploy-stack.yml, `--stack`), in the operator's order; "review", a pull request's check
   * (preview.yml, `--pull-request`), before either. What deploy.yml's side-by-side wave cannot
   * deploy but the stacks one at a time can (existing secondaries trading regions[1]) is refused
   * for "waves" only, and a warning (`regionChangeWarnings`) otherwise.
   * @default "waves"
   */
  readonly rollout?: Rollout;
}

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

/** A config value as a stack file may hold it: the key with or without the `platform:` namespace. */
function setting(config: StackConfig, key: string): unknown {
  return config[`platform:${key}`] ?? config[key];
}

/** The cache's home region in a version of `Pulumi.<env>.yaml` (values as text count too); undefined with the cache off. */
function cacheHomeOf(config: StackConfig): string | undefined {
  const enabled = setting(config, "cacheEnabled");
  return enabled === true || enabled === "true" ? String(setting(config, "cacheHomeRegion") ?? "") || undefined : undefined;
}

/**
 * In a version of `Pulumi.<env>.yaml` with the edge on and its direct path locked, the value of
 * edgeDirectOriginAccess (`locked` when unset, its default); undefined with the edge off or open.
 * Values as text count too.
 */
function lockedEdgeOf(config: StackConfig): string | undefined {
  const enabled = setting(config, "edgeEnabled");
  if (enabled !== true && enabled !== "true") return undefined;
  const access = String(setting(config, "edgeDirectOriginAccess") ?? "locked");
  return access === "open" ? undefined : access;
}

/**
 * Secondaries in an order where every stack another one reads (`hard`) comes first, and every
 * stack it watches (`soft`) too where that is possible (stable otherwise). A watch that would close
 * a cycle with the reads (a cache member reading the home region that watches it) is dropped: a
 * read that comes too late fails the deploy, a probe of a region not built yet only pages until it
 * is. The dropped watches are returned, watcher first.
 */
function orderSecondaries(
  secondaries: StackTarget[],
  hard: (t: StackTarget) => string[],
  soft: (t: StackTarget) => string[],
): { ordered: StackTarget[]; droppedWatches: StackWatch[] } {
  const pending = [...secondaries];
  const ordered: StackTarget[] = [];
  const droppedWatches: StackWatch[] = [];
  const placed = (stack: string) => !pending.some((p) => p.stack === stack);
  while (pending.length > 0) {
    let next = pending.findIndex((t) => [...hard(t), ...soft(t)].every(placed));
    if (next < 0) {
      // Only watches hold every candidate back: take the first whose reads are placed, without its watches.
      next = pending.findIndex((t) => hard(t).every(placed));
      if (next >= 0) droppedWatches.push(...soft(pending[next]).filter((watched) => !placed(watched)).map((watched) => ({ watcher: pending[next].stack, watched })));
    }
    // A cycle of reads alone: keep the list order; nothing reads that way (only the cache's home is read, and it reads nothing).
    ordered.push(...pending.splice(next >= 0 ? next : 0, 1));
  }
  return { ordered, droppedWatches };
}

/** Computes the waves; throws WavesError listing every problem (each with its fix). */
export function deployWaves(environment: string, files: StackFiles, options: WavesOptions = {}): DeployWaves {
  const globalFile = stackFileName(environment);
  if (!files.global) throw new WavesError([`${globalFile} does not exist; the global stack's config defines the environment`]);
  let env: Environment;
  let regions: string[];
  let runsOn: string[];
  let cacheHome: string | undefined;
  try {
    env = parseEnvironment(environment, toRuntimeConfig(files.global), globalFile);
    ({ regions, deployRunnerLabels: runsOn } = env);
    cacheHome = env.cacheEnabled ? env.cacheHomeRegion : undefined;
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
  const readsOf = (t: StackTarget) => regionalStackReads(env, t.region);
  // What a stack reads or probes deploys before it: the cache's home region, and us-east-1 as a
  // secondary (another secondary watches it), first among the secondaries. Reads must come first
  // (the reader fails otherwise); a watch only should (its probe pages until the watched stack
  // is deployed), so it gives way when both cannot hold.
  const firstOf = (t: StackTarget) => regionalStacksFirst(env, t.region);
  const watchesOf = (t: StackTarget) => firstOf(t).filter((stack) => !readsOf(t).includes(stack));
  const { ordered: secondaries, droppedWatches: watchesOfLaterStacks } = orderSecondaries(targets.slice(1), readsOf, watchesOf);
  const sequence = [targets[0], ...secondaries];
  const position = (stack: string) => sequence.findIndex((t) => t.stack === stack);
  const readsOfLaterStacks = sequence.flatMap((t) => readsOf(t).filter((read) => position(read) > position(t.stack)).map((read) => ({ reader: t.stack, read })));
  const before = options.previous?.();
  // The region list against the version before: a new environment (null) or an unknown one has nothing to compare.
  const layoutBefore = before ? regionLayoutOf(before) : undefined;
  const regionChange = layoutBefore
    ? regionChangeProblems(environment, layoutBefore, { regions, vpcCidrs: env.vpcCidrs }, { stackFiles: Object.keys(files.others), rollout: options.rollout })
    : { refusals: [], warnings: [] };
  problems.push(...regionChange.refusals);
  // The primary region cannot wait for a secondary (its Aurora writer comes first), so such a
  // read holds only if the read stack already has the datastore. Refused only when it cannot:
  // this change turned the cache on (a new environment, or the cache off before) or rehomed it.
  // The edge turned off is judged against the version before too: was it on, and locked?
  const homeBefore = before ? cacheHomeOf(before) : undefined;
  if (readsOfLaterStacks.length > 0 && before !== undefined && homeBefore !== cacheHome) {
    const change = before === null ? `${globalFile} is new in this change (a new environment)` : homeBefore === undefined ? "this change turns the cache on" : `this change moves the cache's home from ${homeBefore} to ${cacheHome}`;
    const fix =
      homeBefore === undefined
        ? `Turn the cache on with platform:cacheHomeRegion: ${regions[0]}, the primary region (first in platform:regions); it must then never change.`
        : `Keep platform:cacheHomeRegion: ${homeBefore}: the home must never change once the datastore exists (another stack would create a new one).`;
    for (const { reader, read } of readsOfLaterStacks) {
      problems.push(
        `${reader} (the primary region, wave 2) reads the cache's Global Datastore id from ${read}, which deploys after it (wave 3), and ${change}: ` +
          `${read} has no datastore yet, so wave 2 would fail on the missing output. The primary region always deploys before the others (their Aurora secondaries join its writer). ${fix}`,
      );
    }
  }
  // Wave 1 deletes the distribution (and the secret it sends) while every region still serves
  // only requests carrying it until its own wave: app.<zone> and writer.<zone> answer 403 for the
  // whole rollout. Refused when the version before had the lock; open first, then off.
  const lockBefore = !env.edgeEnabled && before ? lockedEdgeOf(before) : undefined;
  if (lockBefore !== undefined) {
    problems.push(
      `this change turns the edge off (platform:edgeEnabled: true before, false now) while the regions' listeners serve only the edge (platform:edgeDirectOriginAccess: ${lockBefore} before this change): ` +
        `wave 1 deletes the distribution and the secret it sends, and every region answers 403 to all but its health check, on app.<zone> and writer.<zone> too, until its own wave unlocks it. ` +
        `Turn it off in two changes: first set platform:edgeDirectOriginAccess: open with platform:edgeEnabled still true, and let that roll out to every region (their listeners then forward everything); then set platform:edgeEnabled: false.`,
    );
  }
  if (problems.length > 0) throw new WavesError(problems);
  return {
    environment,
    global: { stack: environment, region: globalRegion, role: "global" },
    primary: targets[0],
    secondaries,
    // One at a time with a cache (one datastore join at a time), or when a secondary reads or watches another.
    secondariesMaxParallel: cacheHome !== undefined || secondaries.some((t) => firstOf(t).length > 0) ? 1 : Math.max(1, secondaries.length),
    readsOfLaterStacks,
    watchesOfLaterStacks,
    orphans,
    regionChangeWarnings: regionChange.warnings,
    runsOn,
  };
}

/** Every stack in deploy order (what a preview runs over). */
export function allStacks(waves: DeployWaves): StackTarget[] {
  return [waves.global, waves.primary, ...waves.secondaries];
}

/** One stack deployed alone: where it runs, behind which GitHub environment, and its gate. */
export interface StackDeploy extends StackTarget {
  /** The GitHub environment of its wave in deploy.yml: `<env>-global`, `<env>-primary` or `<env>-secondary`. */
  readonly githubEnvironment: string;
  /** The gate after `pulumi up` (pulumi-up.yml's wait_for): the zone answers for the global stack, the region's health check otherwise. */
  readonly waitFor: "zone" | "health";
  /** 1-based place in the rollout order (`allStacks`), for the log. */
  readonly position: number;
}

/**
 * The stack `stack` of the waves, as deploy.yml would deploy it in its wave; throws WavesError
 * naming the environment's stacks when it deploys no such stack (a typo, another environment, a
 * region no longer listed), so nothing is deployed that the rollout would not deploy.
 */
export function stackDeploy(waves: DeployWaves, stack: string): StackDeploy {
  const stacks = allStacks(waves);
  const position = stacks.findIndex((t) => t.stack === stack);
  if (position < 0) {
    const orphan = waves.orphans.includes(stackFileName(stack)) ? ` (${stackFileName(stack)} is left from a region no longer in platform:regions: docs/runbooks/remove-a-region.md)` : "";
    throw new WavesError([`${JSON.stringify(stack)} is not a stack of ${waves.environment}${orphan}; its stacks are ${stacks.map((t) => t.stack).join(", ")}`]);
  }
  const target = stacks[position];
  return { ...target, githubEnvironment: `${waves.environment}-${target.role}`, waitFor: target.role === "global" ? "zone" : "health", position: position + 1 };
}

/** A stack file's `config:` map. */
function configOf(text: string): StackConfig {
  const document = parse(text) as { config?: StackConfig } | null;
  return document?.config ?? {};
}

const readConfig = (file: string) => configOf(readFileSync(file, "utf8"));

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

/**
 * `file` (in `dir`) before this change, for `WavesOptions.previous`. This change is the working
 * tree's edit when the file differs from HEAD's, else HEAD's commit (what the deploy workflow
 * rolls out) against its first parent (main's previous tip), following a rename. Null when the
 * file did not exist there; undefined when unknown: HEAD is the first commit (a new repository or
 * a squashed history), or the version does not parse. A shallow checkout needs HEAD's parent.
 */
export function previousVersion(dir: string, file: string): StackConfig | null | undefined {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  const show = (spec: string) => {
    try {
      return git("show", spec);
    } catch {
      return undefined; // not in that commit
    }
  };
  const configIn = (text: string | undefined) => {
    try {
      return text === undefined ? null : configOf(text);
    } catch {
      return undefined;
    }
  };
  try {
    git("rev-parse", "--verify", "HEAD");
  } catch (err) {
    const said = String((err as { stderr?: unknown }).stderr ?? "").trim().split("\n")[0];
    throw new WavesError([`--history: git cannot read the history in ${dir}${said ? ` (${said})` : ""}; run it in a clone of the repository`]);
  }
  const committed = show(`HEAD:./${file}`);
  const path = join(dir, file);
  if (committed !== (existsSync(path) ? readFileSync(path, "utf8") : undefined)) return configIn(committed);
  let parent: string;
  try {
    parent = git("rev-parse", "--verify", "HEAD^1").trim();
  } catch {
    if (git("rev-parse", "--is-shallow-repository").trim() === "false") return undefined;
    throw new WavesError([`--history: the checkout is shallow and lacks HEAD's parent, the version of ${file} before this change; fetch it (actions/checkout with fetch-depth: 0 or 2, or git fetch --deepen 1)`]);
  }
  const inRepository = git("rev-parse", "--show-prefix").trim() + file;
  const renamed = git("diff", "--find-renames", "--name-status", "--diff-filter=R", parent, "HEAD")
    .split("\n")
    .map((line) => line.split("\t"))
    .find(([, , to]) => to === inRepository);
  return configIn(show(`${parent}:${renamed?.[1] ?? inRepository}`));
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

/** The command line: its exit code; the waves on stdout, problems and warnings on stderr. */
export function main(argv: string[]): number {
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const environment = option("--env") ?? "prod";
  const dir = option("--dir") ?? ".";
  const withHistory = argv.includes("--history");
  const stack = option("--stack");
  let waves: DeployWaves;
  let target: StackDeploy | undefined;
  try {
    if (argv.includes("--stack") && !stack) throw new WavesError(["--stack needs a stack name, e.g. --stack prod-eu-west-1"]);
    const previous = withHistory ? () => previousVersion(dir, stackFileName(environment)) : undefined;
    const rollout: Rollout = stack !== undefined ? "stack-by-stack" : argv.includes("--pull-request") ? "review" : "waves";
    waves = deployWaves(environment, readStackFiles(dir, environment), { previous, rollout });
    if (stack !== undefined) target = stackDeploy(waves, stack);
  } catch (err) {
    if (!(err instanceof WavesError)) throw err;
    console.error(err.message);
    return 2;
  }
  for (const orphan of waves.orphans) {
    console.warn(`warning: ${orphan} belongs to ${environment} but its region is not in platform:regions; destroy that stack and delete the file (docs/runbooks/remove-a-region.md)`);
  }
  for (const { reader, read } of waves.readsOfLaterStacks) {
    console.warn(
      `warning: ${reader} (the primary region, wave 2) reads the cache's Global Datastore id from ${read}, which deploys after it (wave 3): this holds only if ${read} already has its datastore. ` +
        `If wave 2 fails on that StackReference, deploy ${read} by hand first (gh workflow run deploy-stack.yml -f stack=${read}: that stack alone, docs/deploying.md), then run the deploy again.`,
    );
  }
  for (const { watcher, watched } of waves.watchesOfLaterStacks) {
    console.warn(
      `warning: ${watcher}'s synthetic probe watches ${watched}, but ${watched} deploys after it: deploying it first would put a stack before one it reads (the cache's home region), and reads come first. ` +
        `The watch's order is dropped: if ${watched} is not built yet (a new region or environment), ${watcher}'s probe fails and pages until ${watched} is deployed; if it already serves, nothing pages.`,
    );
  }
  for (const change of waves.regionChangeWarnings) console.warn(`warning: ${change}`);
  if (waves.runsOn.length === 0) {
    console.warn(`warning: platform:deployRunnerLabels is empty in Pulumi.${environment}.yaml: no deploy runner is known to reach the clusters' API (docs/deploying.md); the deploy jobs refuse to start`);
  }
  if (argv.includes("--github-output")) {
    const output = process.env.GITHUB_OUTPUT;
    if (!output) {
      console.error("--github-output: GITHUB_OUTPUT is not set (it is, inside a GitHub Actions step)");
      return 2;
    }
    appendFileSync(output, githubOutputLines(waves) + (target ? `target=${JSON.stringify(target)}\n` : ""));
  }
  if (target) {
    const order = allStacks(waves).map((t) => t.stack).join(", ");
    console.warn(`${target.stack}: the ${target.role} stack (${target.region}), behind ${target.githubEnvironment}, gate ${target.waitFor}; ${target.position} of ${waves.secondaries.length + 2} in the rollout order ${order}`);
  }
  console.log(JSON.stringify(target ?? waves, null, 2));
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
