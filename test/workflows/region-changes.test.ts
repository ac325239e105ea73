import { describe, expect, it } from "vitest";
import { regionChangeProblems, regionLayoutOf, type RegionLayout, type Rollout } from "../../tools/ci/region-changes";
import { environmentHazards } from "../../tools/plan/replacement/hazards";

/** Each region's own CIDR, wherever the list puts it. */
const CIDR: Record<string, string> = {
  "us-east-1": "10.10.0.0/16",
  "us-west-2": "10.20.0.0/16",
  "eu-west-1": "10.30.0.0/16",
  "ap-southeast-2": "10.40.0.0/16",
  "eu-central-1": "10.50.0.0/16",
};
const layout = (regions: string[], cidrs = regions.map((r) => CIDR[r])): RegionLayout => ({ regions, vpcCidrs: cidrs });
const files = (...regions: string[]) => regions.map((r) => `Pulumi.prod-${r}.yaml`);
const PROD = ["us-east-1", "us-west-2", "eu-west-1"];
const judgement = (before: RegionLayout, now: RegionLayout, stackFiles = files(...now.regions), rollout: Rollout = "waves") => regionChangeProblems("prod", before, now, { stackFiles, rollout });
/** What deploy.yml's waves refuse. */
const judge = (before: RegionLayout, now: RegionLayout, stackFiles = files(...now.regions)) => judgement(before, now, stackFiles).refusals;

describe("regionChangeProblems: what the runbooks do passes", () => {
  it("add-a-region.md: one region appended with its CIDR, its stack file added", () => {
    expect(judge(layout(PROD), layout([...PROD, "ap-southeast-2"]))).toEqual([]);
  });

  it("remove-a-region.md: the region and its CIDR dropped once its stack (and so its file) is gone, regions[1] included", () => {
    expect(judge(layout(PROD), layout(["us-east-1", "us-west-2"]))).toEqual([]);
    // regions[1] leaves: the next existing region moves up and takes the SECONDARY record.
    expect(judge(layout(PROD), layout(["us-east-1", "eu-west-1"]))).toEqual([]);
  });

  it("planned-switchover.md and unplanned-failover.md: the new primary first, every region keeping its CIDR", () => {
    expect(judge(layout(PROD), layout(["us-west-2", "us-east-1", "eu-west-1"]))).toEqual([]);
    expect(judge(layout(PROD), layout(["eu-west-1", "us-east-1", "us-west-2"]))).toEqual([]);
  });

  it("nothing changed", () => {
    expect(judge(layout(PROD), layout(PROD))).toEqual([]);
  });
});

describe("regionChangeProblems: refusals", () => {
  it("a kept region whose CIDR changed, e.g. the wrong entry removed with a region: names the key, both values and the fix", () => {
    // eu-west-1 removed from regions, but us-west-2's CIDR removed from vpcCidrs.
    const found = judge(layout(PROD), layout(["us-east-1", "us-west-2"], ["10.10.0.0/16", "10.30.0.0/16"]));
    expect(found).toEqual([
      expect.stringMatching(/^platform:vpcCidrs\[1\] is 10\.30\.0\.0\/16 for us-west-2, which keeps its VPC in this change but had 10\.20\.0\.0\/16 \(platform:vpcCidrs\[1\] before\): its VPC, subnets, route tables, NAT gateways and security groups would be replaced/),
    ]);
    expect(found[0]).toMatch(/Set platform:vpcCidrs\[1\]: 10\.20\.0\.0\/16 .*evacuate and remove it \(docs\/runbooks\/remove-a-region\.md\) and add it back in a later change \(docs\/runbooks\/add-a-region\.md\)\.$/);
    // Compared by region, not by position: a CIDR edited in place is refused as well.
    expect(judge(layout(PROD), layout(PROD, ["10.10.0.0/16", "10.21.0.0/16", "10.30.0.0/16"]))).toHaveLength(1);
  });

  it("more than one region added in one change (the global tables' replicas, 150 minutes each, one after the other)", () => {
    const found = judge(layout(PROD), layout([...PROD, "ap-southeast-2", "eu-central-1"]));
    expect(found).toEqual([expect.stringMatching(/^platform:regions adds ap-southeast-2, eu-central-1 in one change: add one region per change .*150 minutes .*REPLICA_COPY_TIMEOUTS, components\/data\/global-table\.ts.*Keep ap-southeast-2 in this change and add eu-central-1 in later ones\.$/)]);
  });

  it("a new region first (a writer without data) or second (the SECONDARY record, and the region failover promotes)", () => {
    expect(judge(layout(PROD), layout(["ap-southeast-2", ...PROD]))).toEqual([
      expect.stringMatching(/^platform:regions\[0\] is ap-southeast-2, a region new in this change: .*Keep us-east-1 first and append ap-southeast-2 at the end of platform:regions/),
    ]);
    const second = judge(layout(PROD), layout(["us-east-1", "ap-southeast-2", "us-west-2", "eu-west-1"]));
    expect(second).toEqual([expect.stringMatching(/^platform:regions\[1\] is ap-southeast-2, a region new in this change, in place of us-west-2: .*which us-west-2's stack still holds .*\(Route 53 refuses a second SECONDARY record/)]);
    expect(second[0]).toMatch(/Append ap-southeast-2 at the end of platform:regions, its CIDR at the same position of platform:vpcCidrs/);
    // The old regions[1] leaving in the same change: a removal and an addition, each in its own change.
    const swapped = judge(layout(PROD), layout(["us-east-1", "ap-southeast-2", "eu-west-1"]));
    expect(swapped).toEqual([expect.stringMatching(/in place of us-west-2 \(which leaves\): .*Remove us-west-2 in a change of its own \(docs\/runbooks\/remove-a-region\.md\); append ap-southeast-2/)]);
    // With a new primary too (a switchover in the same change): still refused.
    expect(judge(layout(PROD), layout(["us-west-2", "ap-southeast-2", "us-east-1", "eu-west-1"]))).toHaveLength(1);
  });

  it("regions[1] handed to another existing region with the primary kept: refused for deploy.yml's side-by-side wave only, a warning one stack at a time and in the pull request", () => {
    const reordered = layout(["us-east-1", "eu-west-1", "us-west-2"]);
    const found = judge(layout(PROD), reordered);
    expect(found).toEqual([expect.stringMatching(/^platform:regions\[1\] changes from us-west-2 to eu-west-1, both staying: writer\.<zone>'s SECONDARY failover record moves .*Keep us-west-2 second, or deploy this change one stack at a time/)]);
    expect(found[0]).toMatch(/gh workflow disable deploy\.yml before merging, then deploy prod, prod-us-west-2 \(its stack deletes its SECONDARY record\), prod-eu-west-1 \(its stack creates it\) and then the other regions, each with `gh workflow run deploy-stack\.yml --ref main -f stack=<stack>`/);
    expect(judgement(layout(PROD), reordered).warnings).toEqual([]);
    // deploy-stack.yml (--stack) and the pull request's check (--pull-request): the same words, as a warning.
    for (const rollout of ["stack-by-stack", "review"] as const) {
      expect(judgement(layout(PROD), reordered, files(...reordered.regions), rollout)).toEqual({ refusals: [], warnings: found });
    }
    // With a new region inserted before the others in the same change: two changes in one, refused however it is deployed.
    const andInserted = layout(["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"]);
    for (const rollout of ["waves", "stack-by-stack", "review"] as const) {
      expect(judgement(layout(PROD), andInserted, files(...andInserted.regions), rollout).refusals).toEqual([expect.stringMatching(/changes from us-west-2 to eu-west-1, both staying.*And ap-southeast-2, new in this change, is not appended\. Keep us-west-2 second and append ap-southeast-2 at the end of platform:regions/)]);
    }
    // Positions after regions[1] are not judged here (the plan's diff notes them).
    expect(judge(layout([...PROD, "ap-southeast-2"]), layout(["us-east-1", "us-west-2", "ap-southeast-2", "eu-west-1"]))).toEqual([]);
  });

  it("a region dropped while its stack file (so its stack) is still there: destroy the stack first", () => {
    const now = layout(["us-east-1", "us-west-2"]);
    const found = judge(layout(PROD), now, files(...PROD));
    expect(found).toEqual([
      expect.stringMatching(/^platform:regions drops eu-west-1, but Pulumi\.prod-eu-west-1\.yaml is still there: its stack must be destroyed before the region leaves the environment \(docs\/runbooks\/remove-a-region\.md: .*`pulumi destroy --stack prod-eu-west-1`, then `pulumi stack rm prod-eu-west-1`, which deletes the file\)/),
    ]);
    expect(judge(layout(PROD), now, [...files(...now.regions), "Pulumi.prod-eu-west-1.yml"])).toHaveLength(1);
    // Another environment's file of that region is no concern.
    expect(judge(layout(PROD), now, [...files(...now.regions), "Pulumi.staging-eu-west-1.yaml"])).toEqual([]);
  });

  it("lists every problem of one change", () => {
    const found = judge(layout(PROD), layout(["us-east-1", "ap-southeast-2", "us-west-2", "eu-central-1"], ["10.10.0.0/16", "10.40.0.0/16", "10.30.0.0/16", "10.50.0.0/16"]), files(...PROD, "ap-southeast-2", "eu-central-1"));
    expect(found.map((p) => p.split(" ").slice(0, 3).join(" "))).toEqual(["platform:regions[1] is ap-southeast-2,", "platform:vpcCidrs[2] is 10.30.0.0/16", "platform:regions adds ap-southeast-2,", "platform:regions drops eu-west-1,"]);
  });
});

describe("the waves and the plan's --diff judge the region order and the CIDRs alike (tools/plan/replacement/region-list.ts)", () => {
  const hazardsOf = (before: RegionLayout, now: RegionLayout) => environmentHazards({ regions: before.regions, vpcCidrs: before.vpcCidrs }, { regions: now.regions, vpcCidrs: now.vpcCidrs }, "prod");
  const cases: [string, RegionLayout][] = [
    ["a kept region's CIDR changed", layout(PROD, ["10.10.0.0/16", "10.21.0.0/16", "10.30.0.0/16"])],
    ["a new region first", layout(["ap-southeast-2", ...PROD])],
    ["a new region second", layout(["us-east-1", "ap-southeast-2", "us-west-2", "eu-west-1"])],
    ["regions[1] handed to another existing region", layout(["us-east-1", "eu-west-1", "us-west-2"])],
    ["a new region listed before the last", layout(["us-east-1", "us-west-2", "ap-southeast-2", "eu-west-1"])],
  ];
  it.each(cases)("%s: what the plan calls blocking the waves refuse, with the same words; the pull request warns of what only deploy.yml refuses", (_, now) => {
    const hazards = hazardsOf(layout(PROD), now).filter((h) => h.kind === "region-order-change" || h.kind === "vpc-cidr-change");
    expect(hazards).toHaveLength(1);
    const [hazard] = hazards;
    const { refusals, warnings } = judgement(layout(PROD), now, files(...now.regions), "review");
    expect(refusals).toEqual(hazard.severity === "blocking" ? [hazard.message] : []);
    expect(warnings).toEqual(hazard.severity === "risk" ? [hazard.message] : []);
    expect(judge(layout(PROD), now)).toEqual(hazard.severity === "notice" ? [] : [hazard.message]);
  });
});

describe("regionLayoutOf", () => {
  it("reads a stack file's config map: with or without the namespace, lists as YAML gives them or as JSON text", () => {
    expect(regionLayoutOf({ "platform:regions": PROD, "platform:vpcCidrs": PROD.map((r) => CIDR[r]) })).toEqual(layout(PROD));
    expect(regionLayoutOf({ regions: PROD })).toEqual({ regions: PROD, vpcCidrs: [] });
    expect(regionLayoutOf({ "platform:regions": JSON.stringify(PROD), "platform:vpcCidrs": JSON.stringify(PROD.map((r) => CIDR[r])) })).toEqual(layout(PROD));
    expect(regionLayoutOf({})).toBeUndefined();
    expect(regionLayoutOf({ "platform:regions": "not a list" })).toBeUndefined();
  });
});
