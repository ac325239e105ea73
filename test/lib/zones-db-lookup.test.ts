import { describe, expect, it } from "vitest";
import { dbClassLookupFailed, orderableLookupFoundNothing } from "../../components/lib/zones";

const failure = {
  region: "us-west-2",
  engine: "aurora-postgresql",
  engineVersion: "16.6",
  instanceClass: "db.r7g.2xlarge",
  error: "reading RDS Orderable DB Instance: no RDS DB Instance Classes match the criteria; try a different search",
};

describe("dbClassLookupFailed", () => {
  it("lets pinned zones stand, with a warning naming the version and that the pins were not checked", () => {
    const warning = dbClassLookupFailed({ ...failure, pinned: true });
    expect(warning).toContain("us-west-2");
    expect(warning).toContain("aurora-postgresql 16.6");
    expect(warning).toContain("no RDS DB Instance Classes match the criteria");
    expect(warning).toMatch(/pinned availabilityZoneIds were used without checking that they offer db\.r7g\.2xlarge/);
  });

  it("refuses unpinned zones with the version and both fixes, not the provider's message alone", () => {
    const refuse = () => dbClassLookupFailed({ ...failure, pinned: false });
    expect(refuse).toThrow(RangeError);
    expect(refuse).toThrow(/^us-west-2: cannot choose availability zones: /);
    expect(refuse).toThrow(/platform:dbEngineVersion \(16\.6\) may no longer be offered/);
    // Where the zones in use are read, and where the cluster's version is.
    expect(refuse).toThrow(/pin platform:availabilityZoneIds to the zone IDs in use \(the regional stack's output availabilityZoneIds: `pulumi stack output availabilityZoneIds --stack <environment>-us-west-2`/);
    expect(refuse).toThrow(/set platform:dbEngineVersion to the version the cluster runs \(`aws rds describe-global-clusters --region us-west-2 /);
    expect(refuse).toThrow(/no RDS DB Instance Classes match the criteria/);
  });
});

describe("orderableLookupFoundNothing", () => {
  it("takes the provider's no-match answer for a version no longer offered, and nothing else", () => {
    expect(orderableLookupFoundNothing(failure.error)).toBe(true);
    expect(orderableLookupFoundNothing("api error AccessDenied: User is not authorized to perform: rds:DescribeOrderableDBInstanceOptions")).toBe(false);
    expect(orderableLookupFoundNothing("api error Throttling: Rate exceeded")).toBe(false);
    expect(orderableLookupFoundNothing("reading RDS Orderable DB Instance: multiple (2) RDS DB Instance Classes (db.r7g.large: storage aurora, aurora-iopt1) match the criteria; try a different search (set storageType)")).toBe(false);
  });
});
