/** The plan JSON schema (plan.schema.json) and reading a plan file back (for --diff). */
import type { ValidateFunction } from "ajv";
import { existsSync, readFileSync } from "fs";
import { PlanError } from "./args";
import { cacheEnabled, cachePath, writeCache } from "./cache";
import type { PlanDocument } from "./model";
import schema from "./plan.schema.json";

export const PLAN_SCHEMA = schema;

let validator: ValidateFunction | undefined;

/**
 * The schema's validator. Ajv compiles a schema to JavaScript, which takes about half a second
 * for this one; the code it generates (Ajv's "standalone" output, the same validation) is kept
 * in the plan's cache under the hash of the schema and Ajv's version, so only the first plan
 * after a schema change compiles it.
 */
export function validatorCacheFile(): string {
  const ajvVersion = (require("ajv/package.json") as { version: string }).version;
  return cachePath("plan-schema", "js", ajvVersion, JSON.stringify(schema));
}

function compileValidator(): ValidateFunction {
  const file = validatorCacheFile();
  if (cacheEnabled() && existsSync(file)) {
    try {
      // A module of the cache directory: it requires Ajv's runtime from node_modules.
      return require(file) as ValidateFunction;
    } catch {
      // A damaged entry: compile again below.
    }
  }
  const Ajv = (require("ajv") as typeof import("ajv")).default;
  const ajv = new Ajv({ allErrors: true, strict: true, code: { source: true } });
  const validate = ajv.compile(schema);
  const standalone = (require("ajv/dist/standalone") as typeof import("ajv/dist/standalone")).default;
  writeCache(file, standalone(ajv, validate));
  return validate;
}

/** Problems of a plan document against the schema, as "path: message" lines (empty when valid). */
export function validatePlan(document: unknown): string[] {
  validator ??= compileValidator();
  if (validator(document)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message ?? "invalid"}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`);
}

/** Reads and validates an earlier plan for --diff. */
export function readPlanFile(file: string): PlanDocument {
  if (!existsSync(file)) throw new PlanError(`--diff ${file} does not exist; give a plan written earlier with --json`);
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new PlanError(`--diff ${file} is not valid JSON (${(err as Error).message}); give a plan written with --json`);
  }
  const version = (document as { version?: unknown } | null)?.version;
  if (version !== 1) throw new PlanError(`--diff ${file} is not a version 1 plan (version: ${JSON.stringify(version ?? null)}); write the base again with this tool's --json`);
  const problems = validatePlan(document);
  if (problems.length > 0) {
    throw new PlanError(`--diff ${file} does not match tools/plan/plan.schema.json (${problems.slice(0, 3).join("; ")}${problems.length > 3 ? `; ${problems.length - 3} more` : ""}); write the base again with --json`);
  }
  return document as PlanDocument;
}
