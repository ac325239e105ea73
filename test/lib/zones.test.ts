import { describe, expect, it } from "vitest";
import { AWS_REGIONS } from "../../components/lib/regions";
import { chooseZones, compareZoneIds, describeZoneChoice, EKS_UNSUPPORTED_ZONE_IDS, isZoneId, regionOfZoneId, ZONE_ID_PREFIXES } from "../../components/lib/zones";

/** An account whose us-east-1 names are shuffled, as real accounts' are. */
const useast1 = {
  region: "us-east-1",
  names: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"],
  zoneIds: ["use1-az4", "use1-az6", "use1-az1", "use1-az2", "use1-az3", "use1-az5"],
};

describe("chooseZones", () => {
  it("chooses by zone ID, not by name, and skips the zone EKS refuses", () => {
    const choice = chooseZones({ ...useast1, count: 3 });
    expect(choice.zones).toEqual([
      { id: "use1-az1", name: "us-east-1c" },
      { id: "use1-az2", name: "us-east-1d" },
      { id: "use1-az4", name: "us-east-1a" },
    ]);
    expect(choice.skipped).toEqual([{ id: "use1-az3", name: "us-east-1e", reason: "EKS refuses control-plane subnets there" }]);
    expect(choice.spare.map((z) => z.id)).toEqual(["use1-az5", "use1-az6"]);
    expect(describeZoneChoice(choice)).toBe("use1-az1 (us-east-1c), use1-az2 (us-east-1d), use1-az4 (us-east-1a) — first by zone ID; not used: use1-az3: EKS refuses control-plane subnets there");
  });

  it("gives the same physical zones in another account whose names map differently", () => {
    const other = { ...useast1, names: [...useast1.names].reverse() };
    expect(chooseZones({ ...other, count: 3 }).zones.map((z) => z.id)).toEqual(chooseZones({ ...useast1, count: 3 }).zones.map((z) => z.id));
  });

  it("keeps the choice when AWS adds a zone (new zones get higher numbers)", () => {
    const grown = { ...useast1, names: [...useast1.names, "us-east-1g"], zoneIds: [...useast1.zoneIds, "use1-az7"] };
    expect(chooseZones({ ...grown, count: 3 }).zones).toEqual(chooseZones({ ...useast1, count: 3 }).zones);
  });

  it("orders az10 after az9", () => {
    expect(["x1-az10", "x1-az9", "x1-az1"].sort(compareZoneIds)).toEqual(["x1-az1", "x1-az9", "x1-az10"]);
  });

  it("skips zones lacking every node instance type or the database class, saying which", () => {
    const choice = chooseZones({
      ...useast1,
      count: 3,
      instanceTypeZoneIds: ["use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6"].filter((id) => id !== "use1-az2"),
      instanceTypes: ["m7i.xlarge"],
      dbClassZoneIds: ["use1-az1", "use1-az2", "use1-az4", "use1-az6"],
      dbInstanceClass: "db.r8g.large",
    });
    expect(choice.zones.map((z) => z.id)).toEqual(["use1-az1", "use1-az4", "use1-az6"]);
    expect(choice.skipped.map((z) => `${z.id}: ${z.reason}`)).toEqual([
      "use1-az2: offers none of the node instance types (m7i.xlarge)",
      "use1-az3: EKS refuses control-plane subnets there",
      "use1-az5: does not offer the database class db.r8g.large",
    ]);
  });

  it("honours extra exclusions", () => {
    expect(chooseZones({ ...useast1, count: 2, excluded: ["use1-az1"] }).zones.map((z) => z.id)).toEqual(["use1-az2", "use1-az4"]);
  });

  it("uses pinned zones in the order listed, so a zone appended later never moves an existing subnet", () => {
    const choice = chooseZones({ ...useast1, count: 3, pinned: ["use1-az6", "use1-az2", "use1-az5"] });
    expect(choice.pinned).toBe(true);
    expect(choice.zones.map((z) => z.id)).toEqual(["use1-az6", "use1-az2", "use1-az5"]);
    const added = chooseZones({ ...useast1, count: 4, pinned: ["use1-az6", "use1-az2", "use1-az5", "use1-az1"] });
    expect(added.zones.map((z) => z.id).slice(0, 3)).toEqual(choice.zones.map((z) => z.id));
    expect(describeZoneChoice(choice)).toContain("pinned by availabilityZoneIds");
  });

  it("refuses a pinned zone that EKS refuses or that the region does not have, naming the usable ones", () => {
    expect(() => chooseZones({ ...useast1, count: 3, pinned: ["use1-az3", "use1-az1", "use1-az9"] })).toThrow(
      /us-east-1: availabilityZoneIds cannot be used: use1-az3 \(us-east-1e\) EKS refuses control-plane subnets there; use1-az9 is not an available zone of us-east-1 .*usable: use1-az1, use1-az2, use1-az4, use1-az5, use1-az6/,
    );
  });

  it("names the region, the usable zones and the fix when too few are left", () => {
    expect(() => chooseZones({ region: "us-west-1", names: ["us-west-1b", "us-west-1c"], zoneIds: ["usw1-az3", "usw1-az2"], count: 2 })).toThrow(
      /us-west-1 offers 1 usable availability zone\(s\) \(usw1-az3\) but 2 were asked for \(usw1-az2: EKS refuses.*\); lower azCount to 1/,
    );
  });

  it("refuses an answer whose names and IDs do not pair up", () => {
    expect(() => chooseZones({ region: "eu-west-1", names: ["eu-west-1a"], zoneIds: [], count: 1 })).toThrow(/1 name\(s\) but 0 zone ID\(s\)/);
  });
});

describe("zone IDs", () => {
  it("has a prefix for every known region, each prefix once", () => {
    expect(Object.keys(ZONE_ID_PREFIXES).sort()).toEqual(Object.keys(AWS_REGIONS).sort());
    expect(new Set(Object.values(ZONE_ID_PREFIXES)).size).toBe(Object.keys(ZONE_ID_PREFIXES).length);
  });
  it("tells the region of a zone ID", () => {
    expect(regionOfZoneId("usw2-az4")).toBe("us-west-2");
    expect(regionOfZoneId("apse2-az1")).toBe("ap-southeast-2");
    expect(regionOfZoneId("zz9-az1")).toBeUndefined();
    expect(isZoneId("us-east-1a")).toBe(false);
  });
  it("lists the refused zones of the regions EKS documents", () => {
    expect(EKS_UNSUPPORTED_ZONE_IDS.map(regionOfZoneId)).toEqual(["us-east-1", "us-west-1", "ca-central-1"]);
  });
});

describe("the fake cloud's example account", () => {
  it("maps every known region's AZ names to that region's zone IDs, one each, shuffled as accounts are", async () => {
    const { fakeZones } = await import("../../tools/fake-cloud/zones");
    for (const region of Object.keys(AWS_REGIONS)) {
      const { names, zoneIds } = fakeZones(region);
      expect(names.length, region).toBe(AWS_REGIONS[region].length);
      expect(new Set(zoneIds).size, region).toBe(zoneIds.length);
      expect(zoneIds.every((id) => regionOfZoneId(id) === region), region).toBe(true);
    }
    expect(fakeZones("us-east-1").zoneIds[0]).not.toBe("use1-az1");
    expect(fakeZones("us-east-1").zoneIds).toContain("use1-az3");
  });

  it("answers no zones for a region it does not know, and says so", async () => {
    const { fakeZones } = await import("../../tools/fake-cloud/zones");
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      expect(fakeZones("xx-nowhere-1")).toEqual({ names: [], zoneIds: [] });
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([expect.stringContaining("no availability zones known for region xx-nowhere-1")]);
  });
});
