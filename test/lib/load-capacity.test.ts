/** "10× today's peak: how many nodes, does the ASG maximum allow it, what fails first", on plain values. */
import { describe, expect, it } from "vitest";
import { loadCapacity } from "../../components/lib/load-capacity";

const prod = { multiplier: 10, peakNodes: 36, regions: ["us-east-1", "us-west-2", "eu-west-1"].map((region) => ({ region, maxNodes: 24 })), service: { peakReplicas: 3, maxReplicas: 12 } };

describe("loadCapacity", () => {
  it("answers prod's 10× question: 360 nodes, the maximum of 72 does not allow it, the node pools fail first at 2×", () => {
    const c = loadCapacity(prod);
    expect(c.requiredNodes).toBe(360);
    expect(c.requiredNodesByRegion).toEqual({ "us-east-1": 120, "us-west-2": 120, "eu-west-1": 120 });
    expect(c.maxNodes).toBe(72);
    expect(c.maximumAllows).toBe(false);
    expect(c.requiredReplicas).toBe(30);
    expect(c.ceilings.map((x) => [x.limit, x.atMultiple])).toEqual([["node-pool-maximum", 2], ["service-autoscaler-maximum", 4]]);
    expect(c.firstToFail).toMatchObject({ limit: "node-pool-maximum", atMultiple: 2 });
    // Losing a region leaves 48 nodes for a 36-node peak: 1.33× today's peak.
    expect(c.regionLossAbsorbedUpTo).toBe(1.33);
    expect(c.answer).toBe("10× today's peak (36 nodes) needs 360 nodes (120 per region); the node pools' maximum (72) does NOT allow it; first to fail: us-east-1's node pools stop at 24 nodes (its share of today's peak is 12), at 2× (order: node-pool-maximum at 2×, then service-autoscaler-maximum at 4×); a region loss is absorbed up to 1.33×");
  });

  it("names the region with the smallest maximum as the first to fail", () => {
    const c = loadCapacity({ ...prod, regions: [{ region: "a", maxNodes: 30 }, { region: "b", maxNodes: 18 }, { region: "c", maxNodes: 30 }] });
    expect(c.firstToFail).toMatchObject({ limit: "node-pool-maximum", region: "b", atMultiple: 1.5 });
  });

  it("puts the service's autoscaler first when it stops before the nodes do", () => {
    const c = loadCapacity({ ...prod, multiplier: 3, regions: prod.regions.map((r) => ({ ...r, maxNodes: 120 })), service: { peakReplicas: 6, maxReplicas: 12 } });
    expect(c.firstToFail).toMatchObject({ limit: "service-autoscaler-maximum", region: null, atMultiple: 2 });
    expect(c.maximumAllows).toBe(true);
  });

  it("says nothing fails when the multiple fits under every ceiling", () => {
    const c = loadCapacity({ multiplier: 2, peakNodes: 12, regions: [{ region: "a", maxNodes: 12 }, { region: "b", maxNodes: 12 }] });
    expect(c.maximumAllows).toBe(true);
    expect(c.firstToFail).toBeNull();
    expect(c.requiredReplicas).toBeNull();
    expect(c.answer).toBe("2× today's peak (12 nodes) needs 24 nodes (12 per region); the node pools' maximum (24) allows it; no modelled limit is reached below 2× (node-pool-maximum at 2×); a region loss is absorbed up to 1×");
  });

  it("has no region-loss figure with one region", () => {
    expect(loadCapacity({ multiplier: 10, peakNodes: 3, regions: [{ region: "a", maxNodes: 12 }] }).regionLossAbsorbedUpTo).toBeNull();
  });

  it("refuses inputs it cannot answer for, naming the field and the fix", () => {
    expect(() => loadCapacity({ ...prod, multiplier: 0 })).toThrow(/loadPeakMultiplier is 0: give the load to test/);
    expect(() => loadCapacity({ ...prod, peakNodes: 0 })).toThrow(/peak nodes is 0: set globalPeakNodes/);
    expect(() => loadCapacity({ ...prod, regions: [] })).toThrow(/no region with a node pool/);
    expect(() => loadCapacity({ ...prod, service: { peakReplicas: 0, maxReplicas: 12 } })).toThrow(/peakServiceReplicas is 0/);
  });
});
