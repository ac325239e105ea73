/**
 * What to plan: the stacks of an environment (global stack file, then one regional stack per
 * region, from its file or synthesized) or one program. Every problem with the files or the
 * configuration is found here, before any program runs, and reported as a PlanError naming the
 * file, the key and the fix.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import { basename, dirname, join, relative, resolve } from "path";
import { yamlValue } from "../fake-cloud/yaml-text";
import { CONFIG_NAMESPACE } from "../../stacks/config-keys";
import { ConfigError, Environment, EnvironmentSettings, environmentSettings, parseEnvironment } from "../../stacks/config";
import { regionalStackReads } from "../../stacks/compose";
import { ambientRegion, processAmbient } from "../fake-cloud/aws-region";
import { changedScalars, escEnvironmentRefusal, findProjectFile, prepareStackConfig, ProjectFile, ProjectFileError, readProjectFile, StackConfigError, stackConfigKeys, stackConfigPath, toRuntimeConfig } from "../fake-cloud/project-config";
import type { StackConfig } from "../fake-cloud/run";
import { PlanError } from "./args";
import { projectFileProblems, stackFileProblems } from "./project-schema";
import type { StackRole } from "./model";

/** The repository root: where Pulumi.yaml, the stack files and stacks/ live. */
export const PROJECT_ROOT = resolve(__dirname, "..", "..");

export interface StackJob {
  stack: string;
  /** The project name (Pulumi.yaml `name`): part of every URN. */
  project: string;
  /** The organization of a `--stack ORG/…`, for getOrganization(); else the diy backend's "organization". */
  organization?: string;
  role: StackRole;
  region: string | null;
  /** The stack's config as the CLI hands it to the program: the file's, plus Pulumi.yaml's defaults. */
  config: StackConfig;
  /** Where the config came from, for messages ("Pulumi.prod-us-east-1.yaml" or "synthesized"). */
  source: string;
  /** Other stacks of the environment this stack reads through a StackReference, besides the global stack: they are planned first. */
  reads?: string[];
}

export interface EnvironmentInput {
  kind: "environment";
  name: string;
  environment: Environment;
  settings: EnvironmentSettings;
  global: StackJob;
  /** Regional stacks in deploy order: primary region first. */
  regional: StackJob[];
  /** Things worth saying that are not errors (stale regional stack files). */
  notes: string[];
}

export interface ProgramInput {
  kind: "program";
  name: string;
  /** Absolute path of the program. */
  program: string;
  job: StackJob;
  /** The environment, when the program's config happens to define a valid one. */
  settings: EnvironmentSettings | undefined;
}

export type PlanInput = EnvironmentInput | ProgramInput;

const REGION_KEY = "aws:region";
const ENVIRONMENT_STACK_KEY = `${CONFIG_NAMESPACE}:environmentStack`;

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
}

/** The name in the Pulumi.yaml nearest the file, if there is a readable one. */
function nearestProjectName(file: string): string | undefined {
  const projectPath = findProjectFile(dirname(resolve(file)));
  if (!projectPath) return undefined;
  try {
    return readProjectFile(projectPath).name;
  } catch {
    // A broken project file is reported where the project is read.
    return undefined;
  }
}

/** A stack file as read: its config keys, and the refusal of an ESC `environment:` the plan cannot open (null when it has none). */
interface StackFileContent {
  config: StackConfig;
  environmentRefusal: string | null;
}

/**
 * Reads a Pulumi stack-config file as the CLI loads it (sdk/go/common/workspace/loaders.go,
 * LoadProjectStackBytes): a YAML mapping whose `config:` mapping holds the keys. An empty file,
 * or one without `config:` (only `encryptionsalt:`, say) or with `config:` null, is a stack
 * without config. Keys as stackConfigKeys reads them: `azCount` is the project's
 * (`<project>:azCount`), `aws:config:region` is `aws:region`. `project` is the project's name,
 * by default the name in the nearest Pulumi.yaml. An ESC `environment:` is refused: the CLI would
 * add its config from Pulumi Cloud (escEnvironmentRefusal).
 */
export function readConfigFile(file: string, project: string | undefined = nearestProjectName(file)): StackConfig {
  const { config, environmentRefusal } = readStackFile(file, project);
  if (environmentRefusal !== null) throw new PlanError(`${display(file)}: ${environmentRefusal}`);
  return config;
}

/** readConfigFile without the refusal of `environment:`, for listing files rather than planning them. */
function readStackFile(file: string, project: string | undefined = nearestProjectName(file)): StackFileContent {
  const shown = display(file);
  if (!existsSync(file)) throw new PlanError(`${shown} does not exist; check the path`);
  if (statSync(file).isDirectory()) throw new PlanError(`${shown} is a directory; give the stack-config YAML file`);
  const text = readFileSync(file, "utf8");
  let document: unknown;
  try {
    document = yamlValue(text);
  } catch (err) {
    const first = (err as Error).message.split("\n")[0].replace(/:$/, "");
    throw new PlanError(`${shown} is not valid YAML: ${first}. Fix the syntax there (indentation, a missing ":" or an unclosed quote are the usual causes)`);
  }
  const problems = stackFileProblems(text);
  if (problems.length > 0) {
    throw new PlanError(`${shown}: \`pulumi\` would refuse the stack file before any program runs: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p.path} ${p.message}`).join("\n")}`);
  }
  // `projectStackRaw == nil`: an empty file (or only comments) is a stack without config.
  if (document === null || document === undefined) return { config: {}, environmentRefusal: null };
  if (typeof document !== "object" || Array.isArray(document)) throw new PlanError(`${shown} must be a YAML mapping with a "config:" key, not a ${Array.isArray(document) ? "list" : typeof document}`);
  const environmentRefusal = escEnvironmentRefusal((document as { environment?: unknown }).environment);
  const config = (document as { config?: unknown }).config;
  // `projectStack.Config == nil` becomes an empty map.
  if (config === undefined || config === null) return { config: {}, environmentRefusal };
  if (typeof config !== "object" || Array.isArray(config)) throw new PlanError(`${shown}: "config:" must be a mapping of key: value, not a ${Array.isArray(config) ? "list" : typeof config}`);
  try {
    return { config: stackConfigKeys(project, config as StackConfig), environmentRefusal };
  } catch (err) {
    if (!(err instanceof StackConfigError)) throw err;
    throw new PlanError(`${shown}: ${err.message}. ${err.fix ? err.fix[0].toUpperCase() + err.fix.slice(1) : ""}`.trim());
  }
}

/**
 * The project file next to the stacks, or a PlanError saying it is missing or broken: what the
 * CLI refuses of it (its project schema, tools/plan/project-schema.ts, then `Project.Validate`),
 * and a project the plan cannot run (no runtime, or one other than Node.js).
 */
function projectFile(file: string): ProjectFile {
  const shown = display(file);
  let project: ProjectFile;
  try {
    const problems = projectFileProblems(readFileSync(file, "utf8"));
    if (problems.length > 0) {
      const list = problems.map((p) => `  - ${p.path || basename(file)} ${p.message}`).join("\n");
      throw new PlanError(`${shown}: \`pulumi\` would refuse the project before any program runs (it checks the file against its project schema, sdk/go/common/workspace/project.json): ${problems.length} problem(s):\n${list}`);
    }
    project = readProjectFile(file);
  } catch (err) {
    if (err instanceof PlanError) throw err;
    if (err instanceof ProjectFileError) {
      throw new PlanError(`${shown}: \`pulumi\` would refuse the project before any program runs: ${err.message}. Fix config${err.key === "config" ? "" : `.${err.key}`} in ${shown}`);
    }
    throw new PlanError(`${shown} could not be read (${(err as Error).message.split("\n")[0]}); it declares the project and its config keys`);
  }
  // The schema lets a project leave out its runtime, but `pulumi preview` cannot run a program
  // without a language host; and the plan runs Node.js programs only.
  const runtime = typeof project.runtime === "string" ? project.runtime : project.runtime?.name;
  if (runtime === undefined || runtime === null || runtime === "") {
    throw new PlanError(`${shown}: runtime is missing, so \`pulumi preview\` has no language host to run the program with; add \`runtime: nodejs\` (with \`options: {typescript: true}\` for a TypeScript program, the default)`);
  }
  if (runtime !== "nodejs") {
    throw new PlanError(`${shown}: runtime is ${JSON.stringify(runtime)}; the offline plan runs Node.js programs (runtime: nodejs) only, so plan this project with \`pulumi preview\``);
  }
  return project;
}

/** The CLI's merge of Pulumi.yaml defaults and its type check, before any program runs. */
function asTheCliPrepares(stack: string, config: StackConfig, project: ProjectFile, source: string): StackConfig {
  try {
    return prepareStackConfig(stack, config, project);
  } catch (err) {
    if (!(err instanceof StackConfigError)) throw err;
    const where = err.fix ? err.fix : err.key ? `set ${err.key} in ${source} to a value of the declared type, or change its declaration in ${display(project.file)}` : `fix ${source}`;
    throw new PlanError(`${source}: \`pulumi preview\` would stop before the program runs: ${err.message}. ${where[0].toUpperCase()}${where.slice(1)}`);
  }
}

/** The environment as the program sees it: each value as the CLI hands it over (text), not as YAML typed it. */
function validated(name: string, config: StackConfig, source: string): Environment {
  try {
    return parseEnvironment(name, toRuntimeConfig(config), source);
  } catch (err) {
    if (err instanceof ConfigError) throw new PlanError(err.message);
    throw err;
  }
}

/** Environments defined in the project: Pulumi.<name>.yaml files that are not regional stacks. */
export function knownEnvironments(root = PROJECT_ROOT): string[] {
  const names: string[] = [];
  for (const file of readdirSync(root)) {
    const match = /^Pulumi\.([^.]+)\.yaml$/.exec(file);
    if (!match) continue;
    try {
      // A file with an ESC environment is still an environment: planning it says why it cannot be.
      if (!(ENVIRONMENT_STACK_KEY in readStackFile(join(root, file)).config)) names.push(match[1]);
    } catch {
      // A broken file is not an environment we can offer.
    }
  }
  return names.sort();
}

function environmentNameFromFile(file: string): string {
  const base = basename(file);
  return /^Pulumi\.(.+)\.ya?ml$/.exec(base)?.[1] ?? base.replace(/\.ya?ml$/, "");
}

function regionalJob(env: string, region: string, root: string, project: ProjectFile): StackJob {
  const stack = `${env}-${region}`;
  const file = join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) {
    const config = { [REGION_KEY]: region, [ENVIRONMENT_STACK_KEY]: env };
    return { stack, project: project.name, role: "region", region, config: asTheCliPrepares(stack, config, project, `the synthesized stack ${stack}`), source: "synthesized" };
  }
  const config = readConfigFile(file, project.name);
  const shown = display(file);
  if (config[REGION_KEY] !== region) {
    throw new PlanError(`${shown}: ${REGION_KEY} is ${JSON.stringify(config[REGION_KEY] ?? null)} but the stack ${stack} is the ${region} stack of ${env}; set ${REGION_KEY}: ${region}`);
  }
  const parent = config[ENVIRONMENT_STACK_KEY];
  if (typeof parent !== "string" || parent.split("/").pop() !== env) {
    throw new PlanError(`${shown}: ${ENVIRONMENT_STACK_KEY} is ${JSON.stringify(parent ?? null)}; a regional stack of ${env} must name its global stack: ${ENVIRONMENT_STACK_KEY}: ${env}`);
  }
  return { stack, project: project.name, role: "region", region, config: asTheCliPrepares(stack, config, project, shown), source: shown };
}

/** Regional stack files of `env` whose region the environment no longer lists. */
function staleRegionalFiles(env: string, regions: readonly string[], root: string, project: string): string[] {
  const notes: string[] = [];
  for (const file of readdirSync(root)) {
    if (!file.startsWith(`Pulumi.${env}-`) || !file.endsWith(".yaml")) continue;
    try {
      const { config } = readStackFile(join(root, file), project);
      const region = config[REGION_KEY];
      const parent = config[ENVIRONMENT_STACK_KEY];
      if (typeof parent === "string" && parent.split("/").pop() === env && typeof region === "string" && !regions.includes(region)) {
        notes.push(`${file}: ${region} is not in ${CONFIG_NAMESPACE}:regions of ${env}, so its stack is not planned; destroy that stack, then delete the file`);
      }
    } catch {
      // Not ours to judge here.
    }
  }
  return notes;
}

export function resolveEnvironment(options: { env: string; envGiven: boolean; configFile: string | null }, root = PROJECT_ROOT): EnvironmentInput {
  let name = options.env;
  let file: string;
  if (options.configFile !== null) {
    file = resolve(options.configFile);
    if (!options.envGiven) name = environmentNameFromFile(file);
  } else {
    file = join(root, `Pulumi.${name}.yaml`);
    if (!existsSync(file)) {
      const known = knownEnvironments(root);
      throw new PlanError(
        `Pulumi.${name}.yaml not found: there is no environment "${name}"${known.length ? ` (known: ${known.join(", ")})` : ""}. ` +
          `Use --env ${known[0] ?? "NAME"}, create Pulumi.${name}.yaml with the environment's config (Pulumi.yaml declares the keys), or pass --config-file FILE`,
      );
    }
  }
  // The project first: its name is the namespace of the stack file's keys written without one.
  const project = projectFile(join(root, "Pulumi.yaml"));
  const config = readConfigFile(file, project.name);
  const shown = display(file);
  const parent = config[ENVIRONMENT_STACK_KEY];
  if (typeof parent === "string" && parent !== "") {
    throw new PlanError(`${shown} is a regional stack of ${parent} (it sets ${ENVIRONMENT_STACK_KEY}); plan its environment with --env ${parent.split("/").pop()}`);
  }
  const prepared = asTheCliPrepares(name, config, project, shown);
  const environment = validated(name, config, shown);
  const globalRegion = config[REGION_KEY];
  if (typeof globalRegion !== "string" || globalRegion === "") {
    // Without it the global stack's default provider would take the region of whoever deploys
    // (AWS_REGION, their profile), while the stack puts the database secret and the tables' and
    // cache's home in the region it is told: stacks/global.ts requires it for that reason.
    throw new PlanError(
      `${shown}: ${REGION_KEY} is not set. The global stack's resources go to its default provider's region, which would otherwise come from the deployer's AWS_REGION or profile; set ${REGION_KEY}: ${environment.primaryRegion} (the primary region, platform:regions[0]) or the region the global stack should live in`,
    );
  }
  return {
    kind: "environment",
    name,
    environment,
    settings: environmentSettings(environment),
    global: { stack: name, project: project.name, role: "global", region: globalRegion, config: prepared, source: shown },
    regional: environment.regions.map((region) => ({ ...regionalJob(name, region, root, project), reads: regionalStackReads(environment, region) })),
    notes: [
      ...changedScalars(readFileSync(file, "utf8")).map((c) => `${shown}: ${c.key}: ${c.written} is a YAML ${/^(true|false)$/.test(c.given) ? "boolean" : "number"}, so the program gets "${c.given}"; write "${c.written}" (quoted) if the text matters`),
      ...(options.configFile === null ? staleRegionalFiles(name, environment.regions, root, project.name) : []),
    ],
  };
}

export function resolveProgram(options: { program: string; stack: string; configFile: string | null }): ProgramInput {
  const program = resolve(options.program);
  if (!existsSync(program)) throw new PlanError(`--program ${options.program}: no such file; give the path of the program's entry (e.g. examples/dev/index.ts)`);
  if (statSync(program).isDirectory()) throw new PlanError(`--program ${options.program} is a directory; give the program's entry file (e.g. ${join(options.program, "index.ts")})`);
  // The program's project: the nearest Pulumi.yaml, as `pulumi up` in its directory would find it.
  const projectPath = findProjectFile(dirname(program));
  const project = projectPath ? projectFile(projectPath) : { file: "", name: "platform", config: {} };
  // `--stack [org/[project/]]name`, split as the backends' ParseStackReference splits it: URNs,
  // getStack() and the stack file use the stack's own name, getOrganization() the org; a project
  // segment must be this one's, as the CLI refuses a stack of another project
  // (CurrentProjectContradictsWorkspace). Without a Pulumi.yaml the segment names the project.
  const segments = options.stack.split("/");
  const stack = segments[segments.length - 1];
  const namedProject = segments.length === 3 ? segments[1] : undefined;
  if (namedProject !== undefined && projectPath && namedProject !== project.name) {
    throw new PlanError(
      `--stack ${options.stack}: provided project name "${namedProject}" doesn't match Pulumi.yaml (${display(projectPath)} names the project "${project.name}"); ` +
        `give --stack ${segments[0]}/${project.name}/${stack}, or just --stack ${stack}`,
    );
  }
  const projectName = projectPath ? project.name : namedProject ?? project.name;
  // Its config: --config-file, as the CLI's own --config-file, else the stack's file the CLI
  // reads (Pulumi.<stack>.yaml beside Pulumi.yaml or in its stackConfigDir), if there is one.
  const stackFile = options.configFile !== null ? resolve(options.configFile) : projectPath ? stackConfigPath(project, stack) : null;
  const useStackFile = stackFile !== null && (options.configFile !== null || existsSync(stackFile));
  const raw = useStackFile ? readConfigFile(stackFile, projectName) : {};
  const source = useStackFile ? display(stackFile) : "the program's config";
  const config = asTheCliPrepares(stack, raw, project, source);
  // The default provider's region: the stack's aws:region, else what the AWS provider finds where
  // the plan runs (AWS_REGION, AWS_DEFAULT_REGION, the profile); none: the program's AWS resources
  // fail as the provider refuses to configure (tools/fake-cloud/aws-region.ts).
  const profile = typeof config["aws:profile"] === "string" ? (config["aws:profile"] as string) : undefined;
  const region = typeof config[REGION_KEY] === "string" && config[REGION_KEY] !== "" ? (config[REGION_KEY] as string) : ambientRegion(profile, processAmbient());
  let settings: EnvironmentSettings | undefined;
  try {
    settings = environmentSettings(parseEnvironment(stack, toRuntimeConfig(config), "config"));
  } catch {
    // Programs need not define an environment; figures then come from resources alone.
    settings = undefined;
  }
  return {
    kind: "program",
    name: stack,
    program,
    job: { stack, project: projectName, ...(segments.length > 1 ? { organization: segments[0] } : {}), role: "region", region, config, source: options.configFile ?? (useStackFile ? source : "no config") },
    settings,
  };
}
