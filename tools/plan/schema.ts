/** The plan JSON schema (plan.schema.json) and reading a plan file back (for --diff). */
import type { ValidateFunction } from "ajv";
import { existsSync, readFileSync } from "fs";
import { PlanError } from "./args";
import { cachedValidator, validatorCacheFile as cachedValidatorFile } from "./validators";
import type { PlanDocument } from "./model";
import schema from "./plan.schema.json";

export const PLAN_SCHEMA = schema;

let validator: ValidateFunction | undefined;

/** Ajv's options for the plan schema: every error, and the schema itself held to strict mode. */
const OPTIONS = { allErrors: true, strict: true } as const;

/**
 * Where the schema's compiled validator is cached (tools/plan/validators.ts): Ajv compiles this
 * one in about half a second, so only the first plan after a schema change compiles it.
 */
export function validatorCacheFile(): string {
  return cachedValidatorFile("plan-schema", schema, OPTIONS);
}

/** Problems of a plan document against the schema, as "path: message" lines (empty when valid). */
export function validatePlan(document: unknown): string[] {
  validator ??= cachedValidator("plan-schema", schema, OPTIONS);
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
