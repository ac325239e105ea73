/**
 * The plan's on-disk cache (tools/plan/cache.ts): the validators Ajv generated and the cache
 * kept (the plan schema's, the policies' config schemas') judge exactly as validators compiled
 * anew do.
 */
import Ajv from "ajv";
import { existsSync, readFileSync, rmSync } from "fs";
import { describe, expect, it } from "vitest";
import { configSchemaOf, CONFIG_SCHEMA_OPTIONS, reconcileConfig, useConfigValidatorCompiler } from "../../policies/reconcile";
import { POLICIES } from "../../policies/rules";
import { cachePath, readCache, writeCache } from "../../tools/plan/cache";
import { cachedValidator, validatorCacheFile as cachedValidatorFile } from "../../tools/plan/validators";
import schema from "../../tools/plan/plan.schema.json";
import { validatePlan, validatorCacheFile } from "../../tools/plan/schema";
import { sharedProdPlan } from "../shared-plan";

describe("the plan's cache", () => {
  it("keeps a schema validator that finds the same problems as one compiled anew", async () => {
    const { document } = await sharedProdPlan();
    expect(validatePlan(document)).toEqual([]);
    const file = validatorCacheFile();
    expect(existsSync(file)).toBe(true);
    const cached = require(file) as ((doc: unknown) => boolean) & { errors?: unknown };
    const fresh = new Ajv({ allErrors: true, strict: true }).compile(schema);
    const broken = { ...document, version: 2, stacks: [{ ...document.stacks[0], extra: true, resources: [{ urn: 1 }] }] };
    expect(cached(document)).toBe(true);
    expect(cached(broken)).toBe(false);
    expect(fresh(broken)).toBe(false);
    expect(cached.errors).toEqual(fresh.errors);
    expect(validatePlan(broken).length).toBeGreaterThan(2);
  }, 180_000);

  it("keeps each policy's config validator, which finds the same problems as one compiled anew", () => {
    const configured = POLICIES.filter((p) => p.configSchema);
    expect(configured.length).toBeGreaterThan(10);
    const fresh = new Ajv(CONFIG_SCHEMA_OPTIONS);
    for (const policy of configured) {
      const schema = configSchemaOf(policy);
      cachedValidator("policy-config", schema, CONFIG_SCHEMA_OPTIONS, 128);
      const file = cachedValidatorFile("policy-config", schema, CONFIG_SCHEMA_OPTIONS);
      expect(existsSync(file), policy.name).toBe(true);
      const cached = require(file) as ((value: unknown) => boolean) & { errors?: unknown };
      const anew = fresh.compile(schema);
      // Every property given the wrong type, and one unknown: the same verdict, the same errors.
      const wrong = Object.fromEntries(Object.keys(policy.configSchema?.properties ?? {}).map((key) => [key, { wrong: true }]));
      for (const value of [wrong, { ...wrong, unknownThreshold: 1 }, "not an object", {}]) {
        expect(cached(value), `${policy.name} ${JSON.stringify(value)}`).toBe(anew(value));
        expect(cached.errors ?? null, policy.name).toEqual(anew.errors ?? null);
      }
    }
  });

  it("gives reconcileConfig the cached validators with the same outcome, problems named alike", () => {
    const bad = { "failover-time-budget": { budgetSeconds: "soon" } } as never;
    const problems = (compiler: Parameters<typeof useConfigValidatorCompiler>[0]) => {
      const previous = useConfigValidatorCompiler(compiler);
      try {
        reconcileConfig(bad);
        return "accepted";
      } catch (err) {
        return (err as Error).message;
      } finally {
        useConfigValidatorCompiler(previous);
      }
    };
    const viaAjv = problems((schema) => new Ajv(CONFIG_SCHEMA_OPTIONS).compile(schema));
    expect(viaAjv).toMatch(/failover-time-budget\.budgetSeconds: must be/);
    expect(problems((schema) => cachedValidator("policy-config", schema, CONFIG_SCHEMA_OPTIONS, 128))).toBe(viaAjv);
  });

  it("names an entry by every input its content depends on", () => {
    expect(cachePath("k", "txt", "a", "b")).toBe(cachePath("k", "txt", "a", "b"));
    expect(cachePath("k", "txt", "a", "b")).not.toBe(cachePath("k", "txt", "ab", ""));
    expect(cachePath("k", "txt", "1.0", "x")).not.toBe(cachePath("k", "txt", "1.1", "x"));
    const file = cachePath("test-entry", "txt", String(process.pid), String(Date.now()));
    writeCache(file, "content");
    try {
      expect(readCache(file)).toBe("content");
      expect(readFileSync(file, "utf8")).toBe("content");
    } finally {
      // A new entry per run: left behind, every run would add one to the plan's cache.
      rmSync(file, { force: true });
    }
  });
});
