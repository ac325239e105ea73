/**
 * Stack config as the Pulumi CLI prepares it before a program runs (pulumi/pulumi
 * `pkg/workspace/config.go`, `ValidateStackConfigAndApplyProjectConfig`):
 *
 * - every key the project file (Pulumi.yaml) declares with a `default` (or `value`) and the
 *   stack leaves unset is set to it, on every stack of the project (regional stacks included);
 * - a declared key of the project's namespace with neither a value nor a default is an error;
 * - a stack value of a typed key must have that type, checked key by key in sorted order, and the
 *   first mismatch stops the run with the CLI's own words:
 *   `validating stack config: Stack 'prod' with configuration key 'azCount' must be of type 'integer'`.
 *
 * As in the CLI, a primitive stack value is text (YAML `3` is "3"), so a string-typed key accepts
 * `123`, an integer-typed key accepts "3" but not "three", a boolean key only true/false.
 *
 * Only keys that declare a type are validated (`IsExplicitlyTyped`), `secret: true` included: a
 * typed secret key's value, the project default it was left at included, must be encrypted. The
 * CLI checks the type of an encrypted value on its decrypted text, which the plan cannot read: an
 * encrypted value passes as any text would (a string, integer or boolean), never as an array or
 * object (text is neither).
 *
 * Keys are read as `LoadProjectStackBytes` (sdk/go/common/workspace/loaders.go) reads them: one
 * without a namespace is the project's, a legacy `<namespace>:config:<name>` is
 * `<namespace>:<name>` (stackConfigKeys). And as Pulumi Cloud starts the update, preview or not,
 * `pulumi:tags` must be a mapping of text (checkStackTags).
 */
import { existsSync, readFileSync } from "fs";
import { dirname, extname, join } from "path";
import { isMap, isScalar } from "yaml";
import { parsedYaml, yamlValue } from "./yaml-text";

export interface ProjectConfigType {
  type?: "string" | "integer" | "boolean" | "array" | "object";
  items?: { type: string; items?: ProjectConfigType["items"] };
  default?: unknown;
  value?: unknown;
  secret?: boolean;
}

export interface ProjectFile {
  /** Where it was read from. */
  file: string;
  name: string;
  main?: string;
  runtime?: { name: string; options?: Record<string, unknown> } | string;
  config: Record<string, ProjectConfigType>;
  /** Where the stacks' Pulumi.<stack>.yaml files live, relative to the project file (`stackConfigDir`). */
  stackConfigDir?: string;
}

/** The CLI's refusal, in its words; `key` is the full stack config key to fix, `fix` how, when not by a value of the declared type. */
export class StackConfigError extends Error {
  constructor(message: string, readonly key: string | null, readonly fix?: string) {
    super(message);
    this.name = "StackConfigError";
  }
}

/** The CLI's refusal of the project file itself (`Project.Validate`), in its words. */
export class ProjectFileError extends Error {
  constructor(message: string, readonly key: string) {
    super(message);
    this.name = "ProjectFileError";
  }
}

/** `parseConfigKey`'s namespace test: a key without one, or in the project's, is the project's. */
export function ofProject(project: string, key: string): boolean {
  return !key.includes(":") || key.startsWith(`${project}:`);
}

/**
 * What `pulumi` checks of Pulumi.yaml's config block before anything else runs
 * (sdk/go/common/workspace/project.go, `Project.Validate`): a project key may declare a type
 * (an array with its `items`) and a default of that type; another namespace's key (aws:region)
 * takes only a `value`. Keys are checked in sorted order (the CLI walks a map: its first error
 * may be another key's when several are wrong).
 */
function validateProject(project: ProjectFile): void {
  for (const key of Object.keys(project.config).sort()) {
    const spec = project.config[key];
    const fail = (message: string) => {
      throw new ProjectFileError(message, key);
    };
    if (spec.default !== undefined && spec.default !== null && spec.value !== undefined && spec.value !== null) fail(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
    const typed = spec.type !== undefined && spec.type !== null && String(spec.type) !== "";
    if (ofProject(project.name, key)) {
      if (typed && spec.type === "array" && !spec.items) fail(`The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
      if (typed && spec.default !== undefined && spec.default !== null && !valid(spec.type!, spec.items, spec.default)) {
        fail(`The default value specified for configuration key '${key}' is not of the expected type '${typeName(spec.type!, spec.items)}'`);
      }
    } else {
      if (typed) fail(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
      if (spec.default !== undefined && spec.default !== null) {
        fail(`Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`);
      }
      if (spec.value === undefined || spec.value === null) fail(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
    }
  }
}

/**
 * Pulumi.yaml as `LoadProjectBytes` (sdk/go/common/workspace/loaders.go) makes a Project of it,
 * after the schema check (tools/plan/project-schema.ts): `config:` given as text is the old
 * spelling of `stackConfigDir` (`RewriteConfigPathIntoStackConfigDir`; both at once is refused), a
 * bare config value is a project key's `default` or another namespace's `value`
 * (`RewriteShorthandConfigValues`), then `Project.Validate`.
 */
export function readProjectFile(file: string): ProjectFile {
  const document = (yamlValue(readFileSync(file, "utf8")) ?? {}) as Partial<ProjectFile> & { config?: Record<string, ProjectConfigType | string | number | boolean> | string | null };
  const name = String(document.name ?? "project");
  let stackConfigDir = typeof document.stackConfigDir === "string" && document.stackConfigDir !== "" ? document.stackConfigDir : undefined;
  let declared = document.config;
  if (typeof declared === "string") {
    if (document.stackConfigDir !== undefined) throw new ProjectFileError("Should not use both config and stackConfigDir to define the stack directory. Use only stackConfigDir instead.", "config");
    stackConfigDir = declared === "" ? undefined : declared;
    declared = undefined;
  }
  const config: Record<string, ProjectConfigType> = {};
  for (const [key, spec] of Object.entries(declared ?? {})) {
    if (spec !== null && typeof spec === "object" && !Array.isArray(spec)) config[key] = spec as ProjectConfigType;
    else config[key] = ofProject(name, key) ? { default: spec } : { value: spec };
  }
  const project: ProjectFile = { file, name, main: document.main, runtime: document.runtime, config, ...(stackConfigDir ? { stackConfigDir } : {}) };
  validateProject(project);
  return project;
}

/**
 * Config values as the CLI hands them to the program (`config.object.MarshalString`): a string as
 * it is; a number, boolean, list or mapping as Go's JSON of the YAML value (`16.10` unquoted is
 * the number 16.1, so "16.1"; mappings with their keys sorted, as Go's encoding/json writes maps);
 * an empty value or null as "" (yaml.v3 leaves the value empty, which the CLI warns "is treated as
 * an empty string"). Spellings where yaml.v3 (YAML 1.1 leftovers) and YAML 1.2 differ, such as a
 * leading-zero octal, 0b, 1_000 or merge keys, are read as YAML 1.2 here: quote such values.
 */
export function toRuntimeConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : value === null || value === undefined ? "" : JSON.stringify(sortedKeys(value))]));
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(object).sort().map((key) => [key, sortedKeys(object[key])]));
}

/**
 * Unquoted scalars under a stack file's `config:` whose text the program does not get: YAML reads
 * `16.10` as the number 16.1 and the CLI hands over "16.1" (toRuntimeConfig), a different engine
 * version. Each as `key`, what is written and what the program gets.
 */
export function changedScalars(text: string): { key: string; written: string; given: string }[] {
  const document = parsedYaml(text);
  const config = document.errors.length ? undefined : document.get("config", true);
  if (!isMap(config)) return [];
  const changed: { key: string; written: string; given: string }[] = [];
  for (const item of config.items) {
    if (!isScalar(item.key) || !isScalar(item.value) || typeof item.value.value === "string" || item.value.value === null || item.value.source === undefined) continue;
    const given = toRuntimeConfig({ v: item.value.value }).v;
    if (item.value.source !== given) changed.push({ key: String(item.key.value), written: item.value.source, given });
  }
  return changed;
}

/**
 * The file `pulumi --stack NAME` reads the stack's config from: Pulumi.<NAME> (the stack's own
 * name, without organization or project) with the project file's extension (.yaml or .yml),
 * beside the project file, or in its stackConfigDir.
 */
export function stackConfigPath(project: ProjectFile, stack: string): string {
  const name = stack.split("/").pop()!;
  return join(dirname(project.file), project.stackConfigDir ?? "", `Pulumi.${name}${extname(project.file) || ".yaml"}`);
}

/** The project a program belongs to: the nearest Pulumi.yaml in its directory or above. */
export function findProjectFile(fromDirectory: string): string | null {
  return findUp(fromDirectory, ["Pulumi.yaml", "Pulumi.yml"]);
}

/**
 * The first of `names` in `fromDirectory` or the nearest directory above it that has one (the
 * CLI's and the language host's search upwards): null when none has.
 */
export function findUp(fromDirectory: string, names: readonly string[]): string | null {
  for (let dir = fromDirectory; ; dir = dirname(dir)) {
    for (const name of names) if (existsSync(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) return null;
  }
}

/** `parseConfigKey`: a key without a namespace belongs to the project. */
function fullKey(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

/** An encrypted value, `{ secure: <ciphertext> }` (config.CiphertextSecret). */
function isSecure(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === "string";
}

/** `config.Value.Secure()`: the value is, or holds somewhere, an encrypted value. */
function containsSecure(value: unknown): boolean {
  if (isSecure(value)) return true;
  return value !== null && typeof value === "object" && Object.values(value).some(containsSecure);
}

/** What the program gets for an encrypted config value: the plan has no secrets provider to decrypt it. */
export const SECRET_STAND_IN = "[secret]";

/**
 * Config as the program gets it from the CLI, minus what only the CLI can do: each encrypted
 * value (`secure:`, at the top or inside an object) becomes SECRET_STAND_IN, and the keys that
 * held one are returned as secret keys (the CLI hands the program those names, so the SDK marks
 * their values secret). Not the ciphertext as text, which no program ever receives.
 */
export function withSecretStandIns(config: Record<string, unknown>): { config: Record<string, unknown>; secretKeys: string[] } {
  const standIn = (value: unknown): unknown => {
    if (isSecure(value)) return SECRET_STAND_IN;
    if (Array.isArray(value)) return value.map(standIn);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, standIn(v)]));
    return value;
  };
  const secretKeys = Object.keys(config).filter((key) => containsSecure(config[key]));
  return { config: Object.fromEntries(Object.entries(config).map(([key, value]) => [key, standIn(value)])), secretKeys };
}

/** Decrypted text the plan cannot read: valid wherever any text would be. */
const UNREADABLE_TEXT = Symbol("decrypted text");

/**
 * What the CLI's `ValidateConfigValue` sees: text for a primitive, the structure for an object
 * value, each encrypted value as its decrypted text (here unreadable).
 */
function content(value: unknown): unknown {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return decrypted(value);
  return String(value);
}

/** An object value as its JSON after decryption: values as they are, encrypted ones unreadable. */
function decrypted(value: unknown): unknown {
  if (isSecure(value)) return UNREADABLE_TEXT;
  if (Array.isArray(value)) return value.map(decrypted);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decrypted(v)]));
  return value;
}

function typeName(type: string, items?: ProjectConfigType["items"]): string {
  return items ? `array<${typeName(items.type, items.items)}>` : type;
}

function valid(type: string, items: ProjectConfigType["items"], value: unknown): boolean {
  if (value === UNREADABLE_TEXT) return type === "string" || type === "integer" || type === "boolean";
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
    case "boolean":
      return value === true || value === false || value === "true" || value === "false";
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    default:
      return Array.isArray(value) && items !== undefined && value.every((item) => valid(items.type, items.items, item));
  }
}

/**
 * A stack file's config keys as the CLI loads them, before any validation:
 * `stackConfigNamespacedWithProject` (loaders.go) gives a key without a ':' the project's
 * namespace (`azCount` is `<project>:azCount`), then `config.ParseKey` reads the legacy
 * `<namespace>:config:<name>` as `<namespace>:<name>`. Any other key is kept as written, for
 * prepareStackConfig to refuse as ParseKey does. Without a project (none found) keys are not
 * namespaced, as the loader leaves them when it has none.
 *
 * Two spellings of one key (`azCount` and `platform:azCount`, or `aws:region` and
 * `aws:config:region`) are refused: the CLI keeps whichever its map iteration visits last, which
 * Go randomizes, so no plan could say which value a deployment gets.
 */
export function stackConfigKeys(project: string | undefined, config: Record<string, unknown>): Record<string, unknown> {
  const keys: Record<string, unknown> = {};
  const spelledAs = new Map<string, string>();
  for (const [written, value] of Object.entries(config)) {
    let key = written.includes(":") || project === undefined ? written : `${project}:${written}`;
    const parts = key.split(":");
    if (parts.length === 3 && parts[1] === "config") key = `${parts[0]}:${parts[2]}`;
    const earlier = spelledAs.get(key);
    if (earlier !== undefined) {
      throw new StackConfigError(`configuration keys ${earlier} and ${written} are both ${key}, and the CLI keeps either value at random (Go map order)`, key, `keep one of them, written as ${key}`);
    }
    spelledAs.set(key, written);
    keys[key] = value;
  }
  return keys;
}

/**
 * Why the CLI would add config to a stack from outside the file: its `environment:` key
 * (`ProjectStack.Environment`, sdk/go/common/workspace/project.go). A list of names imports those
 * Pulumi ESC environments (`{"imports": [...]}`); anything else (a mapping, the inline form with
 * `imports:` and `values:`, or a scalar) is sent to ESC as an environment definition itself. The
 * CLI opens it before every preview and update (`openStackEnv`, pkg/cmd/pulumi/config/io.go):
 * the environment's `pulumiConfig` values become stack config where the file sets none
 * (`mergeConfig`, pkg/workspace/config.go) and its `environmentVariables` the process's
 * environment (AWS_REGION and credentials included). Only Pulumi Cloud can open one (the diy
 * backend refuses with "does not support environments"). Absent, null or an empty list: nothing
 * is opened (`Environment.Definition` is empty), and null is returned.
 */
export function escEnvironmentRefusal(environment: unknown): string | null {
  if (environment === undefined || environment === null || (Array.isArray(environment) && environment.length === 0)) return null;
  const names = Array.isArray(environment) && environment.every((name) => name === null || typeof name !== "object") ? environment.map((name) => (name === null ? "" : String(name))) : null;
  const plural = names !== null && names.length > 1;
  const [it, its] = plural ? ["them", "their"] : ["it", "its"];
  const what = names
    ? `environment: [${names.join(", ")}] imports the Pulumi ESC environment${plural ? "s" : ""} ${names.join(", ")}`
    : "environment: holds an inline Pulumi ESC environment definition";
  return (
    `${what}. \`pulumi preview\` opens ${it} in Pulumi Cloud before the program runs: ${its} pulumiConfig values become this stack's config wherever config: sets none, ` +
    `and ${its} environmentVariables (AWS_REGION, credentials) the program's environment. The offline plan cannot open ${it}, so it would plan with other config than \`pulumi up\` uses. ` +
    `For the plan, copy the values this stack needs into config: and remove environment: (see them with ${names ? names.map((name) => `\`pulumi env open ${name}\``).join(", ") : "`pulumi env open NAME` for each environment it imports"}; set secrets with \`pulumi config set --secret\`), ` +
    "or plan a copy of the file written so with --config-file (an environment's global stack, or a --program)"
  );
}

/** Stack config naming the stack's tags in Pulumi Cloud. */
export const STACK_TAGS_KEY = "pulumi:tags";

/**
 * `backend.GetEnvironmentTagsForCurrentStack` (pkg/backend/stack.go), which Pulumi Cloud's backend
 * runs as it starts every update, a preview included, and fails with "getting stack tags: ...":
 * `pulumi:tags` must be a mapping whose every value is text. A value YAML reads as a number or a
 * boolean, a nested value or an encrypted one is not (the CLI sees the config as stored, still
 * encrypted). Go walks the mapping in random order; the first bad key is named here by sorted order.
 */
function checkStackTags(config: Record<string, unknown>): void {
  if (!(STACK_TAGS_KEY in config)) return;
  const tags = config[STACK_TAGS_KEY];
  const fix = `write ${STACK_TAGS_KEY} as a mapping of tag name to text, e.g. \`${STACK_TAGS_KEY}: {team: platform, costCenter: "1234"}\`: quote numbers and booleans, and leave tags unencrypted`;
  if (tags === null || typeof tags !== "object" || Array.isArray(tags) || isSecure(tags)) {
    throw new StackConfigError(`getting stack tags: ${STACK_TAGS_KEY} must be an object of strings`, STACK_TAGS_KEY, fix);
  }
  for (const name of Object.keys(tags).sort()) {
    if (typeof (tags as Record<string, unknown>)[name] !== "string") {
      throw new StackConfigError(`getting stack tags: ${STACK_TAGS_KEY}[${name}] must be a string`, STACK_TAGS_KEY, fix);
    }
  }
}

/**
 * The stack's config after the CLI's merge and validation: project defaults added (as the YAML
 * values they are), nothing else changed. Throws StackConfigError with the CLI's message.
 */
export function prepareStackConfig(stack: string, stackConfig: Record<string, unknown>, project: ProjectFile): Record<string, unknown> {
  const keyed = stackConfigKeys(project.name, stackConfig);
  // config.ParseKey: what is left after stackConfigKeys is `<namespace>:<name>`, or the CLI
  // refuses it before the program runs.
  for (const key of Object.keys(keyed)) {
    const parts = key.split(":");
    if (parts.length !== 2) {
      throw new StackConfigError(`could not parse ${key} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`, key, `write it as ${project.name}:${parts[parts.length - 1]} (or under the namespace it belongs to)`);
    }
  }
  const merged: Record<string, unknown> = { ...keyed };
  const keys = Object.keys(project.config).sort();
  const missing: string[] = [];
  for (const key of keys) {
    const spec = project.config[key];
    const full = fullKey(project.name, key);
    if (full in merged) continue;
    // hasDefault := Default != nil (pkg/workspace/config.go): a null default is no default.
    if (spec.value != null || spec.default != null) merged[full] = spec.default != null ? spec.default : spec.value;
    else if (full.startsWith(`${project.name}:`)) missing.push(key);
  }
  if (missing.length > 0) {
    const list = missing.length === 1 ? `'${missing[0]}'` : `${missing.slice(0, -1).map((k) => `'${k}'`).join(", ")} and '${missing[missing.length - 1]}'`;
    throw new StackConfigError(`validating stack config: Stack '${stack}' is missing configuration value${missing.length > 1 ? "s" : ""} ${list}`, fullKey(project.name, missing[0]));
  }
  for (const key of keys) {
    const spec = project.config[key];
    if (!spec.type) continue;
    const full = fullKey(project.name, key);
    // The merged value: a project default is set as plain text, so a typed secret key left at its
    // default is refused too (validateStackConfigValues runs after the merge).
    if (spec.secret && !containsSecure(merged[full])) {
      throw new StackConfigError(
        `validating stack config: Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`,
        full,
        `set ${full} encrypted in the stack's config (\`pulumi config set --secret ${full} VALUE --stack ${stack}\`; a project default is never encrypted), or drop \`secret: true\` from its declaration in the project file`,
      );
    }
    if (!valid(spec.type, spec.items, content(merged[full]))) {
      throw new StackConfigError(`validating stack config: Stack '${stack}' with configuration key '${key}' must be of type '${typeName(spec.type, spec.items)}'`, full);
    }
  }
  // After the merge: the CLI reads the tags from the config a project `value` has been added to.
  checkStackTags(merged);
  return merged;
}
