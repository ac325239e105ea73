/** The committed price table and usage file, and how bad ones are refused. */
import { describe, expect, it } from "vitest";
import { GLOBAL, loadPriceTable, loadUsage, parsePriceTable, parseUsage, priceFigure, priceQuantity, USAGE_KEYS, usageValue } from "../../policies/cost";
import { table, usage } from "./fixtures";

describe("data/cost/prices.json", () => {
  const committed = loadPriceTable();

  it("dates and sources every figure, and says how sure it is", () => {
    for (const [key, entry] of Object.entries(committed.prices)) {
      expect(entry.source, key).toMatch(/^https:\/\/aws\.amazon\.com\//);
      expect(entry.asOf, key).toMatch(/^\d{4}-\d{2}/);
      expect(["high", "medium", "low"], key).toContain(entry.confidence);
    }
  });

  it("has a figure for every region it covers (or one for any region, or the global service's)", () => {
    for (const [key, entry] of Object.entries(committed.prices)) {
      const regions = Object.keys(entry.regions);
      if (regions.includes("any") || regions.includes(GLOBAL)) continue;
      expect(regions.sort(), key).toEqual([...committed.regions].sort());
    }
  });

  it("prices the same item differently where AWS does (NAT gateways: us-east-1 vs eu-west-1)", () => {
    expect(priceFigure(committed, "vpc.nat-gateway.hour", "eu-west-1")!.tiers[0].usd).toBeGreaterThan(priceFigure(committed, "vpc.nat-gateway.hour", "us-east-1")!.tiers[0].usd);
    expect(priceFigure(committed, "vpc.nat-gateway.hour", "ap-south-1")).toBeNull();
    expect(priceFigure(committed, "eks.cluster.hour", "ap-south-1")!.region).toBe("any");
  });
});

describe("validation", () => {
  it("names the path of a bad figure", () => {
    const broken = { ...table(), prices: { ...table().prices, "x.y": { unit: "hour", description: "d", source: "s", asOf: "2025", origin: "knowledge", confidence: "high", regions: { "us-east-1": -1 } } } };
    expect(() => parsePriceTable(broken, "prices.json")).toThrow(/prices\.x\.y\.regions\.us-east-1/);
  });

  it("refuses a usage file missing an assumption or naming an unknown one, with a suggestion", () => {
    const assumptions = Object.fromEntries(USAGE_KEYS.filter((k) => k !== "natGatewayGbPerMonth").map((k) => [k, { value: 1, unit: "u", appliesTo: "a", basis: "b" }]));
    expect(() => parseUsage({ assumptions, profiles: {} }, null)).toThrow(/assumptions\.natGatewayGbPerMonth is missing/);
    const full = { ...assumptions, natGatewayGbPerMonth: { value: 1, unit: "u", appliesTo: "a", basis: "b" } };
    expect(() => parseUsage({ assumptions: full, profiles: { prod: { natGatewayGbPerMnth: 3 } } }, "prod")).toThrow(/profiles\.prod: "natGatewayGbPerMnth" .*did you mean natGatewayGbPerMonth/);
  });
});

describe("usage profiles", () => {
  it("take the environment's profile, then its per-region values, else the default", () => {
    const u = usage({ natGatewayGbPerMonth: 10 }, { prod: { natGatewayGbPerMonth: 20, regions: { "eu-west-1": { natGatewayGbPerMonth: 30 } } } }, "prod");
    expect(usageValue(u, "natGatewayGbPerMonth", "us-east-1")).toBe(20);
    expect(usageValue(u, "natGatewayGbPerMonth", "eu-west-1")).toBe(30);
    expect(usage({ natGatewayGbPerMonth: 10 }, { prod: { natGatewayGbPerMonth: 20 } }, "staging").profile).toBeNull();
  });

  it("the committed file defines every assumption, and prod's profile exists", () => {
    expect(loadUsage("prod").profile).toBe("prod");
  });
});

describe("priceQuantity", () => {
  it("is linear for a flat price and piecewise for tiers", () => {
    expect(priceQuantity([{ upTo: null, usd: 0.5 }], 10)).toBe(5);
    expect(priceQuantity([{ upTo: 10, usd: 1 }, { upTo: 20, usd: 0.5 }, { upTo: null, usd: 0.1 }], 25)).toBeCloseTo(10 + 5 + 0.5, 10);
  });
});
