/**
 * RegionalNetwork when the database-class lookup fails, as the provider refuses it once RDS no
 * longer offers the exact engine version: the invoke is made to reject (the fake cloud offers
 * every version), everything else answers as the fake cloud does.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeCloud } from "../../tools/fake-cloud";
import { runStack } from "../../tools/fake-cloud/run";
import type { RegionalNetworkArgs } from "../../components/network";

const ORDERABLE = "aws:rds/getOrderableDbInstance:getOrderableDbInstance";
const REFUSAL = "reading RDS Orderable DB Instance: no RDS DB Instance Classes match the criteria; try a different search";
const database = { engine: "aurora-postgresql", engineVersion: "16.2", instanceClass: "db.r7g.large" };

function refuseOrderableLookups(refusal = REFUSAL) {
  const answer = FakeCloud.prototype.invoke;
  return vi.spyOn(FakeCloud.prototype, "invoke").mockImplementation(function (this: FakeCloud, token, args, region) {
    if (token === ORDERABLE) throw new Error(refusal);
    return answer.call(this, token, args, region);
  });
}

function runNetwork(args: Omit<RegionalNetworkArgs, "cidrBlock">) {
  return runStack({
    stack: "network-db-lookup",
    config: { "aws:region": "us-east-1" },
    load: async () => {
      const { RegionalNetwork } = await import("../../components/network");
      return () => {
        new RegionalNetwork("net", { cidrBlock: "10.60.0.0/16", zoneRequirements: { instanceTypes: ["m7i.xlarge"], database }, ...args });
        return {};
      };
    },
  });
}

afterEach(() => vi.restoreAllMocks());

describe("RegionalNetwork when the database-class lookup is refused", () => {
  it("uses pinned zones anyway and warns that they were not checked for the class", async () => {
    const invoke = refuseOrderableLookups();
    const warn = vi.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    const run = await runNetwork({ availabilityZoneIds: ["use1-az6", "use1-az5"] });
    expect(invoke.mock.calls.some(([token]) => token === ORDERABLE)).toBe(true);
    const subnets = run.cloud.ofType("aws:ec2/subnet:Subnet").filter((s) => (s.inputs.tags as Record<string, string>).tier === "isolated");
    expect(subnets.map((s) => s.inputs.availabilityZoneId)).toEqual(["use1-az6", "use1-az5"]);
    const warnings = warn.mock.calls.map(([message]) => message);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/aurora-postgresql 16\.2/);
    expect(warnings[0]).toMatch(/pinned availabilityZoneIds were used without checking/);
  });

  it("fails an unpinned network with the version and the fix, not the provider's error alone", async () => {
    refuseOrderableLookups();
    const failure = await runNetwork({}).then(() => "ran", (err: Error) => err.message);
    expect(failure).toMatch(/us-east-1: cannot choose availability zones: .*platform:dbEngineVersion \(16\.2\) may no longer be offered/);
    expect(failure).toMatch(/pin platform:availabilityZoneIds to the zone IDs in use/);
  });

  it("fails as it is when the lookup could not ask (AccessDenied): pinned zones do not skip their check on a permissions error", async () => {
    const denied = "operation error RDS: DescribeOrderableDBInstanceOptions, https response error StatusCode: 403, api error AccessDenied: User is not authorized to perform: rds:DescribeOrderableDBInstanceOptions";
    refuseOrderableLookups(denied);
    const warn = vi.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    const failure = await runNetwork({ availabilityZoneIds: ["use1-az6", "use1-az5"] }).then(() => "ran", (err: Error) => err.message);
    expect(failure).toMatch(/AccessDenied: User is not authorized to perform: rds:DescribeOrderableDBInstanceOptions/);
    expect(failure).not.toMatch(/may no longer be offered/);
    expect(warn.mock.calls.filter(([message]) => /were used without checking/.test(String(message)))).toEqual([]);
  });
});
