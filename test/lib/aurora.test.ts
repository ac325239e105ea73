import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assertGlobalDatabaseInstanceClass,
  compareEngineVersions,
  isEngineDowngrade,
  cloudwatchLogExports,
  enginePort,
  parameterGroupFamily,
  placeInstances,
  rdsIdentifier,
  windowsOverlap,
  planMajorUpgrade,
  passwordKeepers,
  arnRegion,
  masterSecretString,
  globalWriteForwardingProblem,
} from "../../components/lib/aurora";

describe("parameterGroupFamily", () => {
  it.each([
    ["aurora-postgresql", "16.6", "aurora-postgresql16"],
    ["aurora-postgresql", "17.4", "aurora-postgresql17"],
    ["aurora-postgresql", "13", "aurora-postgresql13"],
    ["aurora-postgresql", "11.9", "aurora-postgresql11"],
    ["aurora-postgresql", "9.6.22", "aurora-postgresql9.6"],
    ["aurora-mysql", "8.0.mysql_aurora.3.05.2", "aurora-mysql8.0"],
    ["aurora-mysql", "5.7.mysql_aurora.2.11.2", "aurora-mysql5.7"],
  ] as const)("%s %s → %s", (engine, version, family) => {
    expect(parameterGroupFamily(engine, version)).toBe(family);
  });

  it("refuses versions of the other engine or malformed ones, naming the expected form", () => {
    expect(() => parameterGroupFamily("aurora-mysql", "3.05.2")).toThrow(/8\.0\.mysql_aurora/);
    expect(() => parameterGroupFamily("aurora-postgresql", "8.0.mysql_aurora.3.05.2")).toThrow(/like "16\.6"/);
    expect(() => parameterGroupFamily("aurora-postgresql", "9")).toThrow(/minor version/);
    expect(() => parameterGroupFamily("aurora-postgresql", "latest")).toThrow();
  });
});

describe("engine facts", () => {
  it("uses each engine's port and exports every log type it has", () => {
    expect(enginePort("aurora-postgresql")).toBe(5432);
    expect(enginePort("aurora-mysql")).toBe(3306);
    expect(cloudwatchLogExports("aurora-postgresql")).toEqual(["postgresql"]);
    expect(cloudwatchLogExports("aurora-mysql")).toEqual(["audit", "error", "general", "slowquery"]);
  });
});

describe("assertGlobalDatabaseInstanceClass", () => {
  it.each(["db.t4g.medium", "db.t3.large", "db.t4g.2xlarge"])("refuses burstable %s, suggesting a memory-optimized class", (cls) => {
    expect(() => assertGlobalDatabaseInstanceClass(cls)).toThrow(/burstable.*db\.r7g\.large/);
  });
  it.each(["db.r7g.large", "db.r6g.2xlarge", "db.r8g.xlarge", "db.x2g.large", "db.r6i.large", "db.serverless"])("accepts %s", (cls) => {
    expect(() => assertGlobalDatabaseInstanceClass(cls)).not.toThrow();
  });
  it("refuses something that is not an instance class", () => {
    expect(() => assertGlobalDatabaseInstanceClass("r7g.large")).toThrow(/not an RDS instance class/);
  });
});

describe("placeInstances", () => {
  it("puts two instances in two different AZs, the first with promotion tier 0", () => {
    expect(placeInstances(2, ["us-east-1a", "us-east-1b", "us-east-1c"])).toEqual([
      { availabilityZone: "us-east-1a", promotionTier: 0 },
      { availabilityZone: "us-east-1b", promotionTier: 1 },
    ]);
  });

  it("ignores duplicate AZ names instead of stacking instances in one AZ", () => {
    const zones = placeInstances(3, ["eu-west-1a", "eu-west-1a", "eu-west-1b"]).map((p) => p.availabilityZone);
    expect(zones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1a"]);
  });

  it("spreads any count evenly over distinct AZs, using as many AZs as it can", () => {
    const azList = fc.uniqueArray(fc.constantFrom("a", "b", "c", "d", "e", "f"), { minLength: 2, maxLength: 6 });
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 16 }), azList, (count, azs) => {
        const placement = placeInstances(count, azs);
        expect(placement).toHaveLength(count);
        const perAz = new Map<string, number>();
        for (const p of placement) perAz.set(p.availabilityZone, (perAz.get(p.availabilityZone) ?? 0) + 1);
        expect(perAz.size).toBe(Math.min(count, azs.length));
        expect(Math.max(...perAz.values()) - Math.min(...perAz.values())).toBeLessThanOrEqual(1);
        expect(placement[0].availabilityZone).not.toBe(placement[1].availabilityZone);
        expect(placement.map((p) => p.promotionTier)).toEqual(placement.map((_, i) => Math.min(i, 15)));
      }),
    );
  });

  it("refuses several instances in a single AZ and counts outside 1..16", () => {
    expect(() => placeInstances(2, ["us-east-1a", "us-east-1a"])).toThrow(/two distinct availability zones/);
    expect(() => placeInstances(17, ["a", "b"])).toThrow(/1 to 16/);
    expect(() => placeInstances(0, ["a", "b"])).toThrow(/1 to 16/);
    expect(placeInstances(1, ["us-east-1a"])).toEqual([{ availabilityZone: "us-east-1a", promotionTier: 0 }]);
  });
});

describe("rdsIdentifier", () => {
  it("lower-cases, replaces what RDS refuses, starts with a letter and ends without a hyphen", () => {
    expect(rdsIdentifier("Prod_us-east-1 DB")).toBe("prod-us-east-1-db");
    expect(rdsIdentifier("1-orders--db-")).toBe("orders-db");
    expect(rdsIdentifier(`x${"-a".repeat(40)}`).length).toBeLessThanOrEqual(63);
    expect(rdsIdentifier(`x${"-a".repeat(40)}`)).not.toMatch(/-$/);
    expect(() => rdsIdentifier("123")).toThrow(/at least one letter/);
  });
  it("always yields a valid identifier", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }).filter((s) => /[a-zA-Z]/.test(s)), (name) => {
        expect(rdsIdentifier(name)).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*$/);
        expect(rdsIdentifier(name)).not.toMatch(/-$/);
        expect(rdsIdentifier(name).length).toBeLessThanOrEqual(63);
      }),
    );
  });
});

describe("windowsOverlap", () => {
  it("accepts the defaults: backup 03:00-04:00 daily, maintenance Sunday 05:00-06:00", () => {
    expect(windowsOverlap("03:00-04:00", "sun:05:00-sun:06:00")).toBe(false);
  });
  it("finds a backup window inside the maintenance window on its day", () => {
    expect(windowsOverlap("05:30-06:30", "sun:05:00-sun:06:00")).toBe(true);
    expect(windowsOverlap("04:30-05:30", "wed:05:00-wed:06:00")).toBe(true);
  });
  it("handles windows that cross midnight and the end of the week", () => {
    expect(windowsOverlap("23:30-00:30", "mon:00:00-mon:01:00")).toBe(true);
    expect(windowsOverlap("23:00-23:30", "sun:23:45-mon:00:30")).toBe(false);
    expect(windowsOverlap("00:00-00:30", "sun:23:45-mon:00:15")).toBe(true);
    expect(windowsOverlap("01:00-02:00", "sun:23:00-mon:00:30")).toBe(false);
  });
  it("refuses malformed or too short windows", () => {
    expect(() => windowsOverlap("3:00-4:00", "sun:05:00-sun:06:00")).toThrow(/hh24:mi/);
    expect(() => windowsOverlap("03:00-03:15", "sun:05:00-sun:06:00")).toThrow(/30 minutes/);
    expect(() => windowsOverlap("03:00-04:00", "sun:05:00-sun:05:10")).toThrow(/30 minutes/);
    expect(() => windowsOverlap("03:00-04:00", "sunday:05:00-sunday:06:00")).toThrow(/ddd:hh24:mi/);
  });
});

describe("planMajorUpgrade", () => {
  it("keeps both families' groups while a major upgrade is ahead, the current one attached", () => {
    expect(planMajorUpgrade("aurora-postgresql", "16.6", "17.4")).toEqual({ families: ["aurora-postgresql16", "aurora-postgresql17"], attached: "aurora-postgresql16", pending: true });
    expect(planMajorUpgrade("aurora-mysql", "5.7.mysql_aurora.2.11.2", "8.0.mysql_aurora.3.08.0")).toMatchObject({ families: ["aurora-mysql5.7", "aurora-mysql8.0"], pending: true });
  });

  it("needs one group without a target, with the target reached, or for a minor upgrade", () => {
    expect(planMajorUpgrade("aurora-postgresql", "16.6")).toEqual({ families: ["aurora-postgresql16"], attached: "aurora-postgresql16", pending: false });
    expect(planMajorUpgrade("aurora-postgresql", "17.4", "17.4")).toEqual({ families: ["aurora-postgresql17"], attached: "aurora-postgresql17", pending: false });
    expect(planMajorUpgrade("aurora-postgresql", "16.6", "16.8").pending).toBe(false);
  });

  it("refuses a lower major (Aurora cannot downgrade), also across the 9.6 → 10 spelling change", () => {
    expect(() => planMajorUpgrade("aurora-postgresql", "16.6", "15.4")).toThrow(/older major/);
    expect(planMajorUpgrade("aurora-postgresql", "9.6.22", "10.21").pending).toBe(true);
  });
});

describe("master password rotation", () => {
  it("has no keepers at generation 0, so an existing environment keeps its password when keepers are introduced", () => {
    expect(passwordKeepers(0)).toBeUndefined();
    expect(passwordKeepers(1)).toEqual({ rotation: "1" });
    expect(passwordKeepers(7)).toEqual({ rotation: "7" });
  });

  it("refuses a negative or fractional generation", () => {
    expect(() => passwordKeepers(-1)).toThrow(/whole number, 0 or more/);
    expect(() => passwordKeepers(1.5)).toThrow(/whole number, 0 or more/);
  });

  it("publishes the secret to the region in the secret's ARN (PutSecretValue is refused on a replica)", () => {
    expect(arnRegion("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/aurora/master-AbCdEf")).toBe("us-east-1");
    expect(() => arnRegion("not-an-arn")).toThrow(/not a regional ARN/);
  });

  it("writes the secret in the shape RDS-aware clients read, with the engine's client name", () => {
    const json = JSON.parse(masterSecretString({ engine: "aurora-postgresql", username: "u", password: "p", host: "h.global.rds.amazonaws.com", port: 5432, dbname: "app" }));
    expect(json).toEqual({ username: "u", password: "p", engine: "postgres", host: "h.global.rds.amazonaws.com", port: 5432, dbname: "app" });
    expect(JSON.parse(masterSecretString({ engine: "aurora-mysql", username: "u", password: "p", host: "h", port: 3306, dbname: "app" })).engine).toBe("mysql");
  });
});

describe("globalWriteForwardingProblem", () => {
  it("lets aurora-postgresql 16+, 15.4+ and 14.9+ forward writes, and names the versions otherwise", () => {
    for (const version of ["16.1", "16.6", "17.4", "15.4", "15.10", "14.9", "14.12"]) expect(globalWriteForwardingProblem("aurora-postgresql", version), version).toBeUndefined();
    for (const version of ["15.3", "14.8", "13.12", "11.9"]) expect(globalWriteForwardingProblem("aurora-postgresql", version), version).toMatch(/needs 16 or later, 15\.4\+ or 14\.9\+/);
  });
});

describe("isEngineDowngrade", () => {
  it("orders versions part by part, numbers as numbers, and takes a major alone as any version of it", () => {
    expect(compareEngineVersions("16.10", "16.9")).toBeGreaterThan(0);
    expect(isEngineDowngrade("16.8", "16.6")).toBe(true);
    expect(isEngineDowngrade("17.4", "16.6")).toBe(true);
    expect(isEngineDowngrade("8.4.mysql_aurora.3.10.0", "8.0.mysql_aurora.3.08.0")).toBe(true);
    expect(isEngineDowngrade("16.6", "16.8")).toBe(false);
    expect(isEngineDowngrade("16.6", "16.6")).toBe(false);
    expect(isEngineDowngrade("16.6", "16")).toBe(false);
    expect(isEngineDowngrade("16", "16.6")).toBe(false);
    expect(isEngineDowngrade("17", "16.6")).toBe(true);
  });
});
