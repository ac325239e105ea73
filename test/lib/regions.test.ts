import { describe, expect, it } from "vitest";
import { availabilityZoneNames, suggestRegions } from "../../components/lib/regions";

describe("regions", () => {
  it("lists the AZ names a typical account sees", () => {
    expect(availabilityZoneNames("us-west-1")).toEqual(["us-west-1b", "us-west-1c"]);
    expect(availabilityZoneNames("xx-nowhere-1")).toEqual([]);
  });
  it("suggests the region a typo meant", () => {
    expect(suggestRegions("us-est-1")[0]).toBe("us-east-1");
  });
});
