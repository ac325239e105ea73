/** Command line of `npm run plan`: the options of the contract plus a few extras. Pure. */
import { closest } from "../../components/lib/suggest";

/** Bad input of any kind (usage, files, configuration, a program that fails): exit 2, message only. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

export interface PlanOptions {
  help: boolean;
  env: string;
  /** --env was given (with --config-file the name otherwise comes from the file name). */
  envGiven: boolean;
  configFile: string | null;
  program: string | null;
  stack: string;
  json: string | null;
  markdown: string | null;
  diagram: string | null;
  diff: string | null;
  policyConfig: string | null;
}

export const HELP = `Offline plan: every stack of an environment through Pulumi's mock runtime and the fake
cloud, with the policy pack and resilience figures. No AWS account, no Pulumi CLI, no network.

Usage: npm run plan -- [options]

  --env NAME             plan every stack of environment NAME in deploy order (default prod):
                         Pulumi.NAME.yaml, then one regional stack per region in it
  --config-file FILE     take the environment definition from FILE (stack-config YAML) instead
                         of Pulumi.<env>.yaml; the name comes from --env or the file name
  --program FILE         plan any Pulumi TypeScript program as one stack
  --stack NAME           stack name for --program (default dev), or ORG/NAME, ORG/PROJECT/NAME as
                         pulumi --stack takes it (PROJECT must be the program's); URNs and
                         getStack() use NAME, getOrganization() ORG (else "organization", as
                         the diy backend); its config from --config-file, else
                         Pulumi.NAME.yaml of the program's project
  --json FILE            write the machine-readable plan (JSON version 1, tools/plan/plan.schema.json)
  --markdown FILE        write the pull-request comment
  --diagram FILE.svg     write the topology diagram
  --diff BASE            compare with an earlier --json plan, or with what is deployed: a
                         \`pulumi stack export\` file or a directory of them (one per stack);
                         changes, data-loss risks, new violations
  --policy-config FILE   JSON of per-policy settings ({"<policy>": {"enforcementLevel": "advisory"}})
  --help                 show this text

Exit codes: 0 planned without mandatory violations; 1 at least one mandatory violation;
2 invalid configuration or usage (nothing is written). See docs/plan.md.`;

const VALUE_FLAGS = {
  "--env": "env",
  "--config-file": "configFile",
  "--program": "program",
  "--stack": "stack",
  "--json": "json",
  "--markdown": "markdown",
  "--diagram": "diagram",
  "--diff": "diff",
  "--policy-config": "policyConfig",
} as const;

type ValueFlag = keyof typeof VALUE_FLAGS;

function usage(message: string): PlanError {
  return new PlanError(`${message}. Run \`npm run plan -- --help\` for the options.`);
}

export function parseArgs(argv: readonly string[]): PlanOptions {
  const options: PlanOptions = {
    help: false, env: "prod", envGiven: false, configFile: null, program: null, stack: "dev",
    json: null, markdown: null, diagram: null, diff: null, policyConfig: null,
  };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      options.help = true;
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(flag in VALUE_FLAGS)) {
      if (!arg.startsWith("-")) throw usage(`unexpected argument "${arg}"; options take the form --name VALUE`);
      const close = closest(flag, [...Object.keys(VALUE_FLAGS), "--help"], 3, 1);
      throw usage(`unknown option ${flag}${close.length ? ` (did you mean ${close[0]}?)` : ""}`);
    }
    if (seen.has(flag)) throw usage(`${flag} is given twice; give it once`);
    seen.add(flag);
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith("--") && value.length > 2)) throw usage(`${flag} needs a value`);
      i++;
    }
    if (value === "") throw usage(`${flag} needs a non-empty value`);
    const key = VALUE_FLAGS[flag as ValueFlag];
    options[key] = value;
    if (flag === "--env") options.envGiven = true;
  }
  if (options.help) return options;

  if (options.program !== null && options.envGiven) throw usage("--env and --program exclude each other: --program plans one stack (name it with --stack)");
  if (options.program === null && seen.has("--stack")) throw usage("--stack names the stack of a --program; to plan an environment use --env NAME");
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(options.env)) throw usage(`--env ${JSON.stringify(options.env)} is not a stack name; use letters, digits, "-", "_" or "."`);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*){0,2}$/.test(options.stack)) {
    throw usage(`--stack ${JSON.stringify(options.stack)} is not a stack name; give NAME, ORG/NAME or ORG/PROJECT/NAME, each of letters, digits, "-", "_" or "."`);
  }
  if (options.diagram !== null && !options.diagram.toLowerCase().endsWith(".svg")) throw usage(`--diagram ${options.diagram}: the diagram is SVG; give a file name ending in .svg`);
  const outputs = [options.json, options.markdown, options.diagram].filter((o): o is string => o !== null);
  if (new Set(outputs).size !== outputs.length) throw usage("--json, --markdown and --diagram must name different files");
  return options;
}
