import { describe, expect, it } from "vitest";
import { availabilityZoneNames, chooseAvailabilityZones, suggestRegions } from "../../components/lib/regions";

describe("regions and AZ choice", () => {
  it("chooses the first AZs by name, whatever order AWS lists them in", () => {
    expect(chooseAvailabilityZones(["us-east-1c", "us-east-1a", "us-east-1b", "us-east-1a"], 2, "us-east-1")).toEqual(["us-east-1a", "us-east-1b"]);
  });
  it("names the region, the AZs it has and the fix when too few are available", () => {
    expect(() => chooseAvailabilityZones(availabilityZoneNames("us-west-1"), 3, "us-west-1")).toThrow(/us-west-1 offers 2 .*lower azCount to 2/);
  });
  it("suggests the region a typo meant", () => {
    expect(suggestRegions("us-est-1")[0]).toBe("us-east-1");
  });
});
