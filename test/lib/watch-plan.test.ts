import { describe, expect, it } from "vitest";
import { watchAssignments, watchedRegions, watchedStacksFirst } from "../../components/lib/watch-plan";

const watchersOf = (regions: string[], watched: string) => watchAssignments(regions).filter((w) => w.watched === watched).map((w) => w.watcher);

describe("who watches whom from outside", () => {
  it("has every secondary watch the primary, and nobody else while us-east-1 is the primary", () => {
    const regions = ["us-east-1", "us-west-2", "eu-west-1"];
    expect(watchAssignments(regions)).toEqual([
      { watcher: "us-west-2", watched: "us-east-1", reason: "primary" },
      { watcher: "eu-west-1", watched: "us-east-1", reason: "primary" },
    ]);
    expect(regions.map((r) => watchedRegions(regions, r))).toEqual([[], ["us-east-1"], ["us-east-1"]]);
    expect(regions.map((r) => watchedStacksFirst(regions, r))).toEqual([[], [], []]);
  });

  it("also watches us-east-1 once a switchover made it a secondary: its loss silences its own alarms and every Route 53 alarm", () => {
    // docs/runbooks/planned-switchover.md: us-west-2 first.
    const regions = ["us-west-2", "us-east-1", "eu-west-1"];
    expect(watchersOf(regions, "us-east-1")).toEqual(["eu-west-1"]);
    expect(watchAssignments(regions).find((w) => w.watched === "us-east-1")!.reason).toBe("route53-home");
    expect(regions.map((r) => watchedRegions(regions, r))).toEqual([[], ["us-west-2"], ["us-west-2", "us-east-1"]]);
    // The watcher deploys after what it watches (the primary always deploys first).
    expect(regions.map((r) => watchedStacksFirst(regions, r))).toEqual([[], [], ["us-east-1"]]);
  });

  it("takes the secondary listed after us-east-1 as its watcher, wrapping around, never us-east-1 itself", () => {
    // Listed last: the first secondary watches it.
    expect(watchersOf(["eu-west-1", "ap-southeast-2", "us-east-1"], "us-east-1")).toEqual(["ap-southeast-2"]);
    // Listed among others: the next one.
    expect(watchersOf(["eu-west-1", "us-east-1", "ap-southeast-2", "us-west-2"], "us-east-1")).toEqual(["ap-southeast-2"]);
    // One watch of us-east-1, and no region watches itself.
    for (const regions of [["eu-west-1", "ap-southeast-2", "us-east-1"], ["us-west-2", "us-east-1", "eu-west-1", "sa-east-1"]]) {
      expect(watchAssignments(regions).filter((w) => w.reason === "route53-home")).toHaveLength(1);
      expect(watchAssignments(regions).some((w) => w.watcher === w.watched)).toBe(false);
    }
  });

  it("has the primary watch us-east-1 when it is the only other region, a watch of a stack deployed after it", () => {
    const regions = ["us-west-2", "us-east-1"];
    expect(watchedRegions(regions, "us-west-2")).toEqual(["us-east-1"]);
    expect(watchedRegions(regions, "us-east-1")).toEqual(["us-west-2"]);
    // The primary deploys first, so its watch of us-east-1 is of a stack deployed after it.
    expect(watchedStacksFirst(regions, "us-west-2")).toEqual([]);
  });

  it("adds nothing for an environment without us-east-1", () => {
    expect(watchAssignments(["eu-west-1", "eu-central-1"])).toEqual([{ watcher: "eu-central-1", watched: "eu-west-1", reason: "primary" }]);
  });
});
