/**
 * Pulumi.yaml as the CLI validates it before anything else runs (sdk/go/common/workspace,
 * `LoadProjectBytes` in loaders.go, then `ValidateProject` in project.go): the file must be a
 * mapping with text keys only (`SimplifyMarshalledProject`: "expected only string keys"), `name`
 * must be there and non-empty text (checked by hand, with a "found 'nmae' instead"), then the whole
 * document is held against the CLI's JSON schema, every problem reported. What the schema refuses
 * includes a bare config value that is no string, integer, boolean or list (`ratio: 1.5`, or
 * `zones:` with nothing after it), a declaration field the schema does not know (`defualt:`), a
 * config type that is none of string/integer/boolean/array/object, a `runtime` mapping with
 * other fields than `name` and `options`, and wrong types for `description`, `main`,
 * `stackConfigDir`, `backend`, `options`, `template`, `packages` and `plugins`. Unknown top-level
 * keys pass (the schema allows them, the CLI keeps them aside). `Project.Validate`'s checks of the
 * config block come after, in tools/fake-cloud/project-config.ts.
 *
 * The schema is the CLI's own, copied as data, unchanged: tools/plan/pulumi-project.schema.json
 * is pulumi/pulumi's sdk/go/common/workspace/project.json (Apache-2.0), git blob
 * 71846eef618fe494532a833b344ec901053843f8, last changed in commit
 * 280839534c902ee76b7ad4b65fe2b37e291ede89 and read at 1b5949891b3cefcb9974752b24a5ecef0acc86c8
 * (test/plan/project-schema.test.ts checks the copy against that blob id). It is draft 2020-12:
 * Ajv's 2020 class compiles it, through the plan's validator cache (tools/plan/validators.ts).
 *
 * The messages are the plan's, not the CLI's (`#/config/zones: oneOf failed, none matched`): each
 * names the field, its value and how to write it.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { ofProject } from "../fake-cloud/project-config";
import { parsedYaml } from "../fake-cloud/yaml-text";
import { editDistance } from "../../components/lib/suggest";
import schema from "./pulumi-project.schema.json";
import { cachedValidator } from "./validators";

/** One thing the CLI would refuse: the field (`config.zones`, "" for the file) and what is wrong with it, and how to fix it. */
export interface ProjectProblem {
  path: string;
  message: string;
}

/** Ajv's options: every error (the CLI lists every cause), each with the schema it broke (`verbose`), for "the allowed fields are". */
const OPTIONS = { allErrors: true, strict: false, verbose: true } as const;

let validator: ValidateFunction | undefined;

/**
 * `findClosestKey` (project.go): the key within two edits of `needle`, ignoring case, the first in
 * sorted order among the closest; none when none is that close. Not components/lib/suggest.ts's
 * `closest`, whose ties go by `localeCompare` (locale order: `main` before `Main`, letters case
 * folded first): the CLI sorts the keys plainly (`sort.Strings`, byte order, as `sort()` here:
 * every capital before any small letter), so on a tie `closest` would name another key than it.
 */
function closestKey(needle: string, keys: Iterable<string>): string | undefined {
  let match: string | undefined;
  let best = 3;
  for (const key of [...keys].sort()) {
    const distance = editDistance(needle, key);
    if (distance === 0) return key;
    if (distance < best) [best, match] = [distance, key];
  }
  return match;
}

/** A JSON pointer (`/config/zones`, `/plugins/providers/0`) as a field: `config.zones`, `plugins.providers[0]`. */
function field(pointer: string): string {
  const segments = pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  return segments.reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), "");
}

function at(document: unknown, pointer: string): unknown {
  let value = document;
  for (const segment of pointer.split("/").slice(1)) value = (value as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, "/").replace(/~0/g, "~")];
  return value;
}

/** A value as the message shows it: text quoted, a mapping or list by its kind. */
function shown(value: unknown): string {
  if (value === null || value === undefined) return "empty (null)";
  if (Array.isArray(value)) return `a list (${JSON.stringify(value).slice(0, 60)})`;
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number" && !Number.isInteger(value)) return `the number ${value}`;
  return JSON.stringify(value);
}

const TYPE_NAMES: Record<string, string> = { string: "text", integer: "an integer", number: "a number", boolean: "true or false", array: "a list", object: "a mapping", null: "empty" };

function typeList(types: string[]): string {
  const names = [...new Set(types.map((t) => TYPE_NAMES[t] ?? t))];
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

/** A bare value under `config:` that the schema refuses (a fractional number, or nothing). */
function bareConfigValueProblem(key: string, value: unknown, projectName: string): string {
  const projectKey = ofProject(projectName, key);
  if (value === null || value === undefined) {
    return projectKey
      ? `has no value; a config key written bare needs one (text, an integer, true/false or a list), which is its default. Give it one, or declare it: \`${key}: {type: string, description: ...}\` (a key without a default must then be set by every stack)`
      : `has no value; another namespace's key in the project file sets that value for every stack. Give it one (\`${key}: ...\`) or remove the line`;
  }
  const text = typeof value === "number" ? String(value) : JSON.stringify(value);
  return `is ${shown(value)}, which a config value written bare cannot be (only text, an integer, true/false or a list). Quote it (\`${key}: "${text}"\`)${projectKey ? `, or declare it: \`${key}: {type: string, default: "${text}"}\`` : ""}`;
}

/** The errors Ajv reports for one document, as the fewest messages that say what to change. */
function problemsOf(errors: ErrorObject[], document: Record<string, unknown>): ProjectProblem[] {
  // A oneOf failure comes with each branch's own errors. A branch whose type the value does not
  // have says nothing useful when another branch got further (a mapping under config: is a
  // declaration, so its misspelt field is the problem, not that it is no string).
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath));
  const deeperOrOther = (path: string) => errors.some((e) => e.keyword !== "oneOf" && e.keyword !== "if" && e.keyword !== "type" && (e.instancePath === path || e.instancePath.startsWith(`${path}/`))) || errors.some((e) => e.keyword === "type" && e.instancePath.startsWith(`${path}/`));
  const problems = new Map<string, ProjectProblem>();
  const add = (pointer: string, message: string) => {
    const path = field(pointer);
    problems.set(`${path}\0${message}`, { path, message });
  };
  const typesAt = new Map<string, string[]>();
  for (const error of errors) {
    const path = error.instancePath;
    if (error.keyword === "oneOf" || error.keyword === "if") continue;
    if (error.keyword === "type") {
      if (oneOfPaths.has(path) && deeperOrOther(path)) continue;
      const types = error.params.type as string | string[];
      typesAt.set(path, [...(typesAt.get(path) ?? []), ...(Array.isArray(types) ? types : [types])]);
      continue;
    }
    const value = at(document, path);
    switch (error.keyword) {
      case "additionalProperties": {
        const name = String(error.params.additionalProperty);
        const allowed = Object.keys((error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});
        const close = closestKey(name, allowed);
        const where = path === "" ? "the project" : field(path);
        add(`${path}/${name}`, `is not a field of ${where}; ${close ? `did you mean '${close}'?` : allowed.length ? `the fields are ${allowed.map((a) => `'${a}'`).join(", ")}` : "remove it"}`);
        break;
      }
      case "required":
        add(path, `is missing '${String(error.params.missingProperty)}'; add it`);
        break;
      case "enum": {
        const allowed = (error.params.allowedValues as unknown[]).map(String);
        const close = typeof value === "string" ? closestKey(value, allowed) : undefined;
        add(path, `is ${shown(value)}; it must be one of ${allowed.join(", ")}${close ? ` (did you mean ${close}?)` : ""}`);
        break;
      }
      case "const":
        add(path, `is ${shown(value)}; the only value allowed is ${JSON.stringify(error.params.allowedValue)} (or leave it out)`);
        break;
      case "minLength":
        add(path, "is empty text; give it a value");
        break;
      default:
        add(path, `is ${shown(value)}: ${error.message ?? "not allowed by the project schema"}`);
    }
  }
  for (const [path, types] of typesAt) {
    const value = at(document, path);
    const configKey = /^\/config\/([^/]+)$/.exec(path)?.[1]?.replace(/~1/g, "/").replace(/~0/g, "~");
    if (configKey !== undefined && oneOfPaths.has(path)) add(path, bareConfigValueProblem(configKey, value, document.name as string)); // non-empty text: projectFileProblems checked it first
    else add(path, `is ${shown(value)}; it must be ${typeList(types)}`);
  }
  return [...problems.values()];
}

/** Keys that are no text (`1:`, `true:`, `~:`), anywhere in the file: the CLI reads only text keys. */
function nonTextKeys(node: Node | null | undefined, path: string, found: ProjectProblem[]): void {
  if (isMap(node)) {
    for (const item of node.items) {
      const key = item.key as Node | null;
      const name = isScalar(key) ? key.value : null;
      const child = path ? `${path}.${String(name)}` : String(name);
      if (!isScalar(key) || typeof key.value !== "string") {
        found.push({ path: child, message: `is a key the CLI cannot read (its YAML value is ${key === null || (isScalar(key) && key.value === null) ? "null" : isScalar(key) ? typeof key.value : "no scalar"}; "expected only string keys"); quote it: "${isScalar(key) ? String(key.source ?? key.value) : "..."}"` });
      }
      nonTextKeys(item.value as Node | null, child, found);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => nonTextKeys(item as Node, `${path}[${i}]`, found));
  }
}

/**
 * What the CLI refuses in a project file's text, before `Project.Validate` (every problem the
 * schema finds; the earlier checks stop at their first). [] when it passes, and for text that is
 * no valid YAML (the reader reports that).
 */
export function projectFileProblems(text: string): ProjectProblem[] {
  const parsed = parsedYaml(text);
  if (parsed.errors.length > 0) return [];
  const keys: ProjectProblem[] = [];
  nonTextKeys(parsed.contents as Node | null, "", keys);
  if (keys.length > 0) return keys;
  const document: unknown = parsed.toJS();
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    return [{ path: "", message: `is ${document === null || document === undefined ? "empty" : shown(document)}; a project file is a mapping with at least \`name:\` and \`runtime:\` ("expected project to be an object")` }];
  }
  const project = document as Record<string, unknown>;
  // ValidateProject's own checks of `name`, before the schema's.
  if (!("name" in project)) {
    const found = closestKey("name", Object.keys(project));
    return [{ path: "name", message: found ? `is missing; found '${found}' instead ("project is missing a 'name' attribute"): rename it to name` : `is missing ("project is missing a 'name' attribute"); add \`name: <project>\`, the project's name in every URN` }];
  }
  if (typeof project.name !== "string" || project.name === "") {
    return [{ path: "name", message: `is ${shown(project.name)} ("project is missing a non-empty string 'name' attribute"); give the project's name as text` }];
  }
  validator ??= cachedValidator("pulumi-project-schema", schema, OPTIONS, undefined, "2020-12");
  if (!validator(project)) return problemsOf(validator.errors ?? [], project);
  return decimalBareValues(parsed.get("config", true) as Node | undefined);
}

/**
 * Bare config values written as decimals (`zones: 3.0`, `1e3`): the schema takes an integral one
 * as an integer, but the CLI reads it as a float, which `RewriteShorthandConfigValues` does not
 * take for a value (only text, integers, booleans and lists), so decoding the declaration fails
 * ("cannot unmarshal !!int `3` into workspace.ProjectConfigType"). yaml.v3 reads a plain scalar
 * with a point, an exponent, .inf or .nan as a float.
 */
function decimalBareValues(config: Node | undefined): ProjectProblem[] {
  if (!isMap(config)) return [];
  const found: ProjectProblem[] = [];
  for (const item of config.items) {
    const value = item.value as Node | null;
    if (!isScalar(item.key) || !isScalar(value) || typeof value.value !== "number" || value.type !== "PLAIN") continue;
    const source = value.source ?? String(value.value);
    if (!/[.eE]|inf|nan/i.test(source) || /^[-+]?0x/i.test(source)) continue;
    const key = String(item.key.value);
    found.push({ path: `config.${key}`, message: `is ${source}, a decimal, which the CLI reads as a float and cannot take for a config value written bare ("cannot unmarshal"); write it as an integer (\`${key}: ${Number.isInteger(value.value) ? value.value : Math.trunc(value.value as number)}\`) or as text (\`${key}: "${source}"\`)` });
  }
  return found;
}

/** The fields of a stack file that Go decodes as text: a list or mapping there fails ("cannot unmarshal !!seq into string"). */
const STACK_TEXT_FIELDS = ["secretsprovider", "encryptedkey", "encryptionsalt"];

/**
 * What the CLI refuses in a stack file's text before reading its config (loaders.go,
 * `LoadProjectStackBytes`): a key that is no text anywhere ("expected only string keys"), and a
 * list or mapping where ProjectStack takes text. Keys it does not know pass: the CLI ignores
 * them (its YAML reader is not strict), so a misspelt `conifg:` is no config, there as here.
 */
export function stackFileProblems(text: string): ProjectProblem[] {
  const parsed = parsedYaml(text);
  if (parsed.errors.length > 0) return [];
  const found: ProjectProblem[] = [];
  nonTextKeys(parsed.contents as Node | null, "", found);
  if (found.length > 0 || !isMap(parsed.contents)) return found;
  for (const name of STACK_TEXT_FIELDS) {
    const value = parsed.get(name, true) as Node | undefined;
    if (isMap(value) || isSeq(value)) found.push({ path: name, message: `is ${isMap(value) ? "a mapping" : "a list"}; the CLI reads it as text ("cannot unmarshal ${isMap(value) ? "!!map" : "!!seq"} into string"): write the value the CLI wrote there, or remove it` });
  }
  return found;
}
