import { describe, expect, it } from "vitest";
import { purchaseSplit } from "../../policies/cost";

describe("purchaseSplit", () => {
  it.each([
    // capacity, base, % On-Demand above base → On-Demand, Spot
    [9, 6, 50, 8, 1],
    [24, 6, 50, 15, 9],
    [4, 0, 50, 2, 2],
    [3, 0, 50, 2, 1],
    [5, 6, 50, 5, 0],
    [10, 0, 0, 0, 10],
    [10, 2, 100, 10, 0],
    [0, 3, 50, 0, 0],
  ])("%i instances, base %i, %i%% above: %i On-Demand, %i Spot", (capacity, base, percent, onDemand, spot) => {
    const split = purchaseSplit(capacity, base, percent);
    expect([split.onDemand, split.spot]).toEqual([onDemand, spot]);
    expect(split.spotPercent).toBeCloseTo(capacity ? (spot / capacity) * 100 : 0, 6);
  });
});
