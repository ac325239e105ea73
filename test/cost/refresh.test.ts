/**
 * The price refresh against small files in the AWS Price List bulk layout (offer index, region
 * index, offer files with `products` by SKU and `terms.OnDemand` price dimensions).
 */
import { join } from "path";
import { describe, expect, it } from "vitest";
import { estimateCost, figuresOf, parsePriceTable, priceFigure, type PriceTable } from "../../policies/cost";
import { sourceAt } from "../../scripts/prices/offers";
import { refreshTable } from "../../scripts/prices/refresh";
import { HOURS, res, usage } from "./fixtures";

const source = sourceAt(join(__dirname, "..", "fixtures", "price-list"));
const linux = { productFamily: "Compute Instance", instanceType: "m7i.xlarge", operatingSystem: "Linux", tenancy: "Shared", preInstalledSw: "NA", capacitystatus: "Used", licenseModel: "No License required" };

function table(): PriceTable {
  const entry = (unit: string, regions: Record<string, unknown>, priceList?: unknown) => ({ unit, description: unit, source: "https://aws.amazon.com/x", asOf: "2025-06", origin: "knowledge", confidence: "medium", regions, ...(priceList ? { priceList } : {}) });
  return parsePriceTable({
    version: 1, currency: "USD", hoursPerMonth: HOURS, asOf: "2025-06", origin: "knowledge", regions: ["us-east-1", "eu-west-1"],
    prices: {
      "eks.cluster.hour": entry("hour", { any: 0.1 }, { offer: "AmazonEKS", attributes: { usagetype: "*AmazonEKS-Hours:perCluster" }, unit: "Hours" }),
      "ec2.instance.m7i.xlarge": entry("hour", { "us-east-1": 0.2016, "eu-west-1": 0.2247 }, { offer: "AmazonEC2", attributes: linux, unit: "Hrs" }),
      "vpc.nat-gateway.hour": entry("hour", { "us-east-1": 0.045, "eu-west-1": 0.048 }, { offer: "AmazonEC2", attributes: { productFamily: "NAT Gateway", usagetype: "*NatGateway-Hours" }, unit: "Hrs" }),
      "vpc.nat-gateway.gb": entry("GB", { "us-east-1": 0.045, "eu-west-1": 0.048 }, { offer: "AmazonEC2", attributes: { productFamily: "NAT Gateway" }, unit: "GB" }),
      "route53.zone.month": entry("month", { global: 0.5 }, { offer: "AmazonRoute53", attributes: { usagetype: "HostedZone" }, unit: "HostedZone", region: "global" }),
      "dynamodb.on-demand.write.million": entry("million requests", { "us-east-1": 0.625 }, { offer: "AmazonDynamoDB", attributes: { group: "DDB-WriteUnits" }, unit: "WriteRequestUnits", scale: 1000000 }),
      "kms.key.month": entry("month", { any: 1 }),
    },
  }, "fixture table");
}

describe("refreshing from Price List files", async () => {
  const { table: refreshed, report } = await refreshTable(table(), source);

  it("takes each region's On-Demand figure of the one product a selector picks, with the offer version, SKU and date", () => {
    expect(priceFigure(refreshed, "ec2.instance.m7i.xlarge", "us-east-1")).toMatchObject({ tiers: [{ usd: 0.2116, upTo: null }], origin: "price-list", asOf: "2025-07-01", source: "AWS Price List AmazonEC2 20250701000000 us-east-1 SKU LINUXM7IXL", confidence: "high" });
    expect(priceFigure(refreshed, "ec2.instance.m7i.xlarge", "eu-west-1")!.tiers[0].usd).toBe(0.2352);
    expect(priceFigure(refreshed, "vpc.nat-gateway.hour", "eu-west-1")!.tiers[0].usd).toBe(0.05);
  });

  it("scales per-unit list prices to the table's unit and keeps tiers", () => {
    expect(priceFigure(refreshed, "dynamodb.on-demand.write.million", "us-east-1")!.tiers[0].usd).toBeCloseTo(0.625, 10);
    expect(priceFigure(refreshed, "route53.zone.month", "global")!.tiers).toEqual([{ upTo: 25, usd: 0.5 }, { upTo: null, usd: 0.1 }]);
  });

  it("reports what it could not refresh instead of guessing: no file for a region, a selector that also picks a product of another unit, entries without one", () => {
    expect(report.problems).toEqual(expect.arrayContaining([
      "eks.cluster.hour: AmazonEKS has no file for eu-west-1",
      "vpc.nat-gateway.gb us-east-1: NATHOURS is priced per Hrs, the entry expects GB",
      "dynamodb.on-demand.write.million: AmazonDynamoDB has no file for eu-west-1",
    ]));
    expect(report.manual).toEqual(["kms.key.month"]);
    // Figures it could not refresh keep their remembered value and origin.
    expect(priceFigure(refreshed, "vpc.nat-gateway.gb", "us-east-1")).toMatchObject({ tiers: [{ usd: 0.045, upTo: null }], origin: "knowledge" });
    expect(() => parsePriceTable(refreshed)).not.toThrow();
  });

  it("moves the estimate by exactly the refreshed price change", () => {
    const nodes = [res("aws:ec2/natGateway:NatGateway", "nat"), res("aws:eks/cluster:Cluster", "eks")];
    const before = figuresOf(estimateCost(nodes, table(), usage({ natGatewayGbPerMonth: 0 })).lines).baselineUsd;
    const after = figuresOf(estimateCost(nodes, refreshed, usage({ natGatewayGbPerMonth: 0 })).lines).baselineUsd;
    // NAT hour 0.045 → 0.048 and EKS 0.10 → 0.11 in us-east-1.
    expect(after - before).toBeCloseTo((0.003 + 0.01) * HOURS, 1);
  });

  it("leaves the given table untouched", () => {
    expect(priceFigure(table(), "ec2.instance.m7i.xlarge", "us-east-1")!.tiers[0].usd).toBe(0.2016);
  });
});
