/**
 * JSON Schema validators compiled once per schema, not once per plan. Ajv compiles a schema to
 * JavaScript (and loads itself first): for the plan schema about half a second, for the policy
 * pack's config schemas about 50 ms of every plan. The code it generates (Ajv's "standalone"
 * output: the same checks, the same errors) is kept in the plan's cache (tools/plan/cache.ts)
 * under the hash of the schema, the options and Ajv's version, so only the first plan after a
 * change compiles; the next ones require that module.
 */
import type { Options, ValidateFunction } from "ajv";
import { existsSync } from "fs";
import { cacheEnabled, cachePath, writeCache } from "./cache";

/**
 * The JSON Schema dialect a schema is written in: Ajv's default class reads draft-07, its
 * `ajv/dist/2020` class draft 2020-12 (the Pulumi CLI's project schema).
 */
export type SchemaDialect = "draft-07" | "2020-12";

/** The cache entry of a schema compiled with these options. */
export function validatorCacheFile(kind: string, schema: object, options: Options, dialect: SchemaDialect = "draft-07"): string {
  const ajvVersion = (require("ajv/package.json") as { version: string }).version;
  return cachePath(kind, "js", ajvVersion, JSON.stringify(options), JSON.stringify(schema), ...(dialect === "draft-07" ? [] : [dialect]));
}

/**
 * The schema's validator: from the cache, else compiled by Ajv (and cached). `keep`: entries of
 * this kind the cache holds (as many as schemas in use at once, and their previous versions).
 */
export function cachedValidator(kind: string, schema: object, options: Options, keep?: number, dialect: SchemaDialect = "draft-07"): ValidateFunction {
  const file = validatorCacheFile(kind, schema, options, dialect);
  if (cacheEnabled() && existsSync(file)) {
    try {
      // A module of the cache directory: it requires Ajv's runtime from node_modules.
      return require(file) as ValidateFunction;
    } catch {
      // A damaged entry: compile again below.
    }
  }
  const Ajv = dialect === "2020-12" ? (require("ajv/dist/2020") as typeof import("ajv/dist/2020")).default : (require("ajv") as typeof import("ajv")).default;
  const ajv = new Ajv({ ...options, code: { ...options.code, source: true } });
  const validate = ajv.compile(schema);
  const standalone = (require("ajv/dist/standalone") as typeof import("ajv/dist/standalone")).default;
  writeCache(file, standalone(ajv, validate), keep);
  return validate;
}
