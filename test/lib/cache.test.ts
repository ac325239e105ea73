import { describe, expect, it } from "vitest";
import { cacheMajorVersion, cacheMemberIgnoreChanges, cacheParameterGroupFamily, cacheParameterGroupProblem, datastoreRegionProblems, engineVersionProblem, nodesPerClusterProblem, nodeTypeProblem, replicationGroupId } from "../../components/lib/cache";

describe("Global Datastore constraints", () => {
  it("accepts Valkey 7.2+ and Redis OSS 5.0.6+, and nothing older", () => {
    for (const [engine, version] of [["valkey", "7.2"], ["valkey", "8.0"], ["redis", "5.0.6"], ["redis", "7.1"]]) expect(engineVersionProblem(engine, version)).toBeUndefined();
    expect(engineVersionProblem("redis", "5.0.5")).toMatch(/needs redis 5\.0\.6 or later/);
    expect(engineVersionProblem("valkey", "7.1")).toMatch(/needs valkey 7\.2 or later/);
    expect(engineVersionProblem("memcached", "1.6")).toMatch(/valkey or redis/);
    expect(engineVersionProblem("valkey", "latest")).toMatch(/must look like/);
  });

  it("accepts the supported families from large up, and explains every refusal", () => {
    for (const type of ["cache.r7g.large", "cache.m5.xlarge", "cache.c7gn.2xlarge", "cache.m7g.16xlarge"]) expect(nodeTypeProblem(type)).toBeUndefined();
    expect(nodeTypeProblem("cache.t4g.medium")).toMatch(/families only \(no burstable/);
    expect(nodeTypeProblem("cache.r7g.medium")).toMatch(/size large or above/);
    expect(nodeTypeProblem("cache.r4.large")).toMatch(/families only/);
    expect(nodeTypeProblem("cache.r6gd.xlarge")).toMatch(/data tiering/);
    expect(nodeTypeProblem("r7g.large")).toMatch(/not a cache node type/);
  });

  it("names the parameter-group family of a version and checks a default group against it", () => {
    expect([["valkey", "8.0"], ["valkey", "7.2"], ["redis", "7.1"], ["redis", "6.2"], ["redis", "5.0.6"]].map(([e, v]) => cacheParameterGroupFamily(e as "valkey" | "redis", v))).toEqual(["valkey8", "valkey7", "redis7", "redis6.x", "redis5.0"]);
    expect([cacheMajorVersion("7.2"), cacheMajorVersion("8.0"), cacheMajorVersion("latest")]).toEqual([7, 8, undefined]);
    for (const name of ["default.valkey8", "my-valkey8-params"]) expect(cacheParameterGroupProblem(name, "valkey", "8.0")).toBeUndefined();
    expect(cacheParameterGroupProblem("default.valkey7", "valkey", "8.0")).toMatch(/another family: valkey 8\.0 needs a valkey8 group, e.g\. default\.valkey8/);
    expect(cacheParameterGroupProblem("8-params", "redis", "6.2")).toMatch(/not a cache parameter group name.*e\.g\. default\.redis6\.x/);
  });

  it("needs a replica in another AZ and at most 6 nodes", () => {
    expect(nodesPerClusterProblem(2)).toBeUndefined();
    expect(nodesPerClusterProblem(1)).toMatch(/2 to 6/);
    expect(nodesPerClusterProblem(7)).toMatch(/2 to 6/);
  });

  it("spans at most three Regions with the home among them", () => {
    expect(datastoreRegionProblems(["us-east-1", "us-west-2", "eu-west-1"], "us-east-1")).toEqual([]);
    expect(datastoreRegionProblems(["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"], "us-east-1")[0]).toMatch(/at most 3 Regions/);
    expect(datastoreRegionProblems(["us-east-1", "us-west-2"], "eu-west-1")).toEqual(["home region eu-west-1 must be one of us-east-1, us-west-2"]);
  });

  it("keeps member properties that belong to the datastore out of Pulumi's hands, whatever the role", () => {
    expect(cacheMemberIgnoreChanges()).toEqual(expect.arrayContaining(["globalReplicationGroupId", "engineVersion", "nodeType", "authToken", "atRestEncryptionEnabled"]));
    // Members do not set it; ignoring it would replay a `true` deployed before, which AWS refuses for a member.
    expect(cacheMemberIgnoreChanges()).not.toContain("autoMinorVersionUpgrade");
  });

  it("derives replication group ids ElastiCache accepts", () => {
    expect(replicationGroupId("prod-us-east-1-cache")).toBe("prod-us-east-1-cache");
    const long = replicationGroupId("abcdefghijklmnopqrst-ap-southeast-2-cache");
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    expect(replicationGroupId("1st--cache")).toBe("c1st-cache");
  });
});
