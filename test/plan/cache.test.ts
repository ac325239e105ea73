/**
 * The plan's on-disk cache (tools/plan/cache.ts): the schema validator Ajv generated and the
 * cache kept judge a plan exactly as a validator compiled anew does.
 */
import Ajv from "ajv";
import { existsSync, readFileSync, rmSync } from "fs";
import { describe, expect, it } from "vitest";
import { cachePath, readCache, writeCache } from "../../tools/plan/cache";
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
