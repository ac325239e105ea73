/** Hazards of an environment change, from two plain settings objects. */
import { describe, expect, it } from "vitest";
import { existsSync } from "fs";
import { join } from "path";
import { environmentHazards } from "../../../tools/plan/replacement/hazards";

const prod = { regions: ["us-east-1", "us-west-2", "eu-west-1"], vpcCidrs: ["10.10.0.0/16", "10.20.0.0/16", "10.30.0.0/16"], azCount: 3, kubernetesVersion: "1.33", dbEngine: "aurora-postgresql", dbEngineVersion: "16.6", dnsZoneName: "prod.example.com", healthCheckIntervalSeconds: 10 };
const kinds = (changes: Record<string, unknown>) => environmentHazards(prod, { ...prod, ...changes }).map((h) => [h.kind, h.severity]);

describe("environment hazards", () => {
  it("notes the regional WAF turning from count to block, saying what it starts refusing and to check the logs first", () => {
    const soak = { ...prod, regionalWafMode: "count" };
    for (const to of ["block", undefined]) {
      const found = environmentHazards(soak, { ...prod, regionalWafMode: to });
      expect(found.map((h) => [h.kind, h.severity])).toEqual([["regional-waf-starts-blocking", "notice"]]);
      expect(found[0].message).toMatch(/count → block .*over 2000 requests per IP per 5 minutes.*bodies over 8 KB.*aws-waf-logs-\* log group/);
    }
    expect(environmentHazards(soak, { ...prod, regionalWafMode: "block", edgeAllowLargeRequestBodies: true })[0].message).not.toContain("8 KB");
    expect(kinds({ regionalWafMode: "count" })).toEqual([]);
    expect(environmentHazards(soak, { ...soak })).toEqual([]);
    expect(environmentHazards(soak, { ...prod, regionalWafEnabled: false })).toEqual([]);
  });

  it("warns that a new service port replaces every region's target group, with the 503 gap and the runbook step", () => {
    const found = environmentHazards({ ...prod, serviceContainerPort: 8080 }, { ...prod, serviceContainerPort: 9090 });
    expect(found.map((h) => [h.kind, h.severity, h.runbook])).toEqual([["target-group-replaced", "risk", "docs/runbooks/evacuate-a-region.md"]]);
    expect(found[0].message).toMatch(/^serviceContainerPort 8080 → 9090: every region's target group is replaced .*answers 503 until .*evacuate each secondary region/);
    expect(environmentHazards({ ...prod, serviceContainerPort: 8080 }, { ...prod, serviceContainerPort: 8080 })).toEqual([]);
    // Settings from before the key was exported say nothing about the port.
    expect(environmentHazards(prod, { ...prod, serviceContainerPort: 9090 })).toEqual([]);
  });

  it("finds nothing when nothing changes", () => {
    expect(environmentHazards(prod, { ...prod })).toEqual([]);
  });

  it("blocks a Kubernetes minor skip and a downgrade, notes a one-minor upgrade", () => {
    expect(kinds({ kubernetesVersion: "1.35" })).toEqual([["kubernetes-minor-skip", "blocking"]]);
    expect(environmentHazards(prod, { ...prod, kubernetesVersion: "1.35" })[0].message).toContain("Go through 1.34 first");
    expect(kinds({ kubernetesVersion: "1.32" })).toEqual([["kubernetes-downgrade", "blocking"]]);
    expect(kinds({ kubernetesVersion: "1.34" })).toEqual([["kubernetes-upgrade", "notice"]]);
  });

  it("tells an Aurora major upgrade from an engine change and from a minor upgrade", () => {
    expect(kinds({ dbEngineVersion: "17.4" })).toEqual([["aurora-major-upgrade", "blocking"]]);
    expect(kinds({ dbEngineVersion: "16.8" })).toEqual([["aurora-minor-upgrade", "notice"]]);
    expect(kinds({ dbEngine: "aurora-mysql", dbEngineVersion: "8.0.mysql_aurora.3.08.0" })).toEqual([["aurora-engine-change", "risk"]]);
  });

  it("flags a region leaving, the primary moving, an AZ-count change, a VPC CIDR change and a zone rename", () => {
    expect(kinds({ regions: ["us-east-1", "us-west-2"], vpcCidrs: ["10.10.0.0/16", "10.20.0.0/16"] })).toEqual([["region-removed", "risk"]]);
    expect(kinds({ regions: ["us-west-2", "us-east-1", "eu-west-1"], vpcCidrs: ["10.20.0.0/16", "10.10.0.0/16", "10.30.0.0/16"] })).toEqual([["primary-moved", "risk"]]);
    expect(environmentHazards({ ...prod, eksControlPlaneAzCount: 3 }, { ...prod, eksControlPlaneAzCount: 3, azCount: 4 }).map((h) => [h.kind, h.severity])).toEqual([["az-count-change", "risk"]]);
    // Blocking, as the deploy waves refuse it (one judgement: tools/plan/replacement/region-list.ts).
    expect(kinds({ vpcCidrs: ["10.10.0.0/16", "10.21.0.0/16", "10.30.0.0/16"] })).toEqual([["vpc-cidr-change", "blocking"]]);
    expect(kinds({ dnsZoneName: "prod2.example.com" })).toEqual([["zone-rename", "risk"]]);
  });

  it("flags a node pool that is replaced (managed node group instance types, or the pool's kind), not the self-managed group's in-place change", () => {
    const managed = { ...prod, nodePoolKind: "managed", nodeInstanceTypes: ["m7i.xlarge"], nodeDesiredSize: 9 };
    const types = environmentHazards(managed, { ...managed, nodeInstanceTypes: ["m7i.2xlarge"] });
    expect(types.map((h) => [h.kind, h.severity])).toEqual([["node-pool-replaced", "risk"]]);
    expect(types[0].message).toMatch(/m7i\.xlarge → m7i\.2xlarge: every region's node pool is replaced\. The new pool starts at nodeDesiredSize \(9\)/);
    expect(environmentHazards({ ...managed, nodePoolKind: "autoscaling" }, managed).map((h) => h.kind)).toEqual(["node-pool-replaced"]);
    // A managed group's subnets force a new group: an AZ count change replaces it as well.
    expect(environmentHazards(managed, { ...managed, azCount: 2 }).map((h) => h.kind)).toEqual(expect.arrayContaining(["az-count-change", "node-pool-replaced"]));
    expect(environmentHazards(managed, { ...managed, azCount: 2 }).find((h) => h.kind === "az-count-change")!.message).toMatch(/Prometheus scraper is replaced/);
    expect(environmentHazards({ ...managed, prometheusEnabled: false }, { ...managed, prometheusEnabled: false, azCount: 2 }).find((h) => h.kind === "az-count-change")!.message).not.toMatch(/Prometheus/);
    const selfManaged = { ...prod, nodePoolKind: "autoscaling", nodeInstanceTypes: ["m7i.xlarge"] };
    expect(environmentHazards(selfManaged, { ...selfManaged, nodeInstanceTypes: ["m7i.2xlarge"] })).toEqual([]);
  });

  it("points at runbooks that exist", () => {
    const all = environmentHazards({ ...prod, nodePoolKind: "autoscaling" }, { ...prod, nodePoolKind: "managed", kubernetesVersion: "1.35", dbEngineVersion: "17.4", azCount: 2, regions: ["us-west-2", "ap-south-1"], vpcCidrs: ["10.20.0.0/16", "10.40.0.0/16"], dnsZoneName: "x.example.com" });
    expect(all.map((h) => h.kind)).toContain("node-pool-replaced");
    for (const h of all) if (h.runbook) expect(existsSync(join(__dirname, "../../..", h.runbook)), h.runbook).toBe(true);
  });
});

describe("the EKS control plane's zones (day-2: raising azCount)", () => {
  const now = { ...prod, eksControlPlaneAzCount: 3 };
  it("is no hazard when more AZs leave the control plane on the zones it was created in", () => {
    const hazards = environmentHazards(now, { ...now, azCount: 4 });
    expect(hazards.map((h) => h.kind)).toEqual(["az-count-change"]);
    expect(hazards[0].message).toMatch(/keeps the first 3 zone\(s\)/);
    expect(hazards[0].runbook).toBe("docs/runbooks/change-az-count.md");
  });

  it("blocks a change that gives the control planes a zone they were not created in, naming the value to keep", () => {
    // Settings from before eksControlPlaneAzCount existed: the control plane had every zone.
    const blocking = environmentHazards(prod, { ...prod, azCount: 4 }).find((h) => h.kind === "eks-control-plane-zones");
    expect(blocking).toMatchObject({ severity: "blocking", runbook: "docs/runbooks/change-az-count.md" });
    expect(blocking!.message).toContain("platform:eksControlPlaneAzCount: 3");
    // An environment created with two zones that raises azCount without pinning its control plane.
    const two = { ...now, azCount: 2 };
    expect(environmentHazards(two, { ...two, azCount: 3 }).map((h) => [h.kind, h.severity])).toContainEqual(["eks-control-plane-zones", "blocking"]);
    expect(environmentHazards({ ...two, eksControlPlaneAzCount: 2 }, { ...two, eksControlPlaneAzCount: 2, azCount: 3 }).map((h) => h.kind)).toEqual(["az-count-change"]);
  });
});

describe("an Aurora major upgrade (day-2)", () => {
  const prepared = { ...prod, dbMajorUpgradeTargetVersion: "17.4", dbGlobalRpoSeconds: 0 };
  it("is a risk, pointing at the runbook, once the target's parameter groups were deployed", () => {
    const [hazard, ...rest] = environmentHazards(prepared, { ...prepared, dbEngineVersion: "17.4" });
    expect(rest).toEqual([]);
    expect(hazard).toMatchObject({ kind: "aurora-major-upgrade", severity: "risk", runbook: "docs/runbooks/aurora-global-database.md" });
    expect(hazard.message).toMatch(/default parameter groups until each regional stack re-attaches.*reboot/);
  });

  it("blocks an upgrade whose new family's groups do not exist yet, naming the key to deploy first", () => {
    const [hazard] = environmentHazards({ ...prod, dbGlobalRpoSeconds: 0 }, { ...prod, dbGlobalRpoSeconds: 0, dbEngineVersion: "17.4" });
    expect(hazard).toMatchObject({ kind: "aurora-major-upgrade", severity: "blocking" });
    expect(hazard.message).toContain("platform:dbMajorUpgradeTargetVersion: 17.4");
  });

  it("blocks an upgrade while rds.global_db_rpo is on, before or after", () => {
    expect(environmentHazards({ ...prepared, dbGlobalRpoSeconds: 30 }, { ...prepared, dbEngineVersion: "17.4" })[0]).toMatchObject({ severity: "blocking", message: expect.stringMatching(/non-zero RPO blocks major upgrades/) });
    expect(environmentHazards(prepared, { ...prepared, dbGlobalRpoSeconds: 30, dbEngineVersion: "17.4" })[0].severity).toBe("blocking");
  });

  it("finds nothing in the preparation itself", () => {
    expect(environmentHazards({ ...prod, dbGlobalRpoSeconds: 0 }, prepared)).toEqual([]);
  });
});

describe("an Aurora minor upgrade (day-2)", () => {
  it("is a notice: the provider upgrades the members its refreshed state lists, and the deploy refreshes it", () => {
    const [hazard, ...rest] = environmentHazards(prod, { ...prod, dbEngineVersion: "16.8" });
    expect(rest).toEqual([]);
    expect(hazard).toMatchObject({ kind: "aurora-minor-upgrade", severity: "notice", runbook: "docs/runbooks/aurora-global-database.md" });
    expect(hazard.message).toMatch(/16\.6 → 16\.8 is a minor upgrade.*refreshed state.*deploy workflow refreshes the GlobalCluster.*pulumi refresh --stack <global stack> --target/);
    expect(existsSync(join(__dirname, "../../..", hazard.runbook!))).toBe(true);
  });

  it("is not said for a major upgrade, an engine change or settings without a version", () => {
    expect(environmentHazards(prod, { ...prod, dbEngineVersion: "17.4" }).map((h) => h.kind)).not.toContain("aurora-minor-upgrade");
    expect(environmentHazards(prod, { ...prod, dbEngine: "aurora-mysql", dbEngineVersion: "8.0.mysql_aurora.3.08.0" }).map((h) => h.kind)).not.toContain("aurora-minor-upgrade");
    expect(environmentHazards({ ...prod, dbEngineVersion: undefined }, prod)).toEqual([]);
  });
});

describe("the region order with the primary kept: regions[1] holds the writer's SECONDARY record", () => {
  const three = ["10.10.0.0/16", "10.20.0.0/16", "10.30.0.0/16"];
  // Each region keeps its CIDR, at its position in the new order.
  const cidrOf: Record<string, string> = { "us-east-1": three[0], "us-west-2": three[1], "eu-west-1": three[2], "ap-south-1": "10.40.0.0/16" };
  const four = (regions: string[]) => ({ regions, vpcCidrs: regions.map((r) => cidrOf[r]) });

  it("blocks a new region inserted before the secondary, naming the regions, why and the fix", () => {
    const hazards = environmentHazards(prod, { ...prod, ...four(["us-east-1", "ap-south-1", "us-west-2", "eu-west-1"]) });
    expect(hazards.map((h) => [h.kind, h.severity])).toEqual([["region-added", "notice"], ["region-order-change", "blocking"]]);
    const [, h] = hazards;
    expect(h.runbook).toBe("docs/runbooks/add-a-region.md");
    expect(h.message).toMatch(/^platform:regions\[1\] is ap-south-1, a region new in this change, in place of us-west-2: .*moves from us-west-2 to ap-south-1/);
    expect(h.message).toMatch(/Route 53 refuses a second SECONDARY record/);
    expect(h.message).toMatch(/unplanned-failover\.md promotes regions\[1\]: ap-south-1, whose Aurora secondary may still be seeding and whose routing control \(with ARC\) starts Off/);
    expect(h.message).toMatch(/Append ap-south-1 at the end of platform:regions.*separate, planned change once it serves: release us-west-2's writer record first/);
  });

  it("blocks a new region first (a writer without data), instead of calling it a switchover", () => {
    const hazards = environmentHazards(prod, { ...prod, ...four(["ap-south-1", "us-east-1", "us-west-2", "eu-west-1"]) });
    expect(hazards.map((h) => [h.kind, h.severity])).toEqual([["region-added", "notice"], ["region-order-change", "blocking"]]);
    expect(hazards[1].message).toMatch(/^platform:regions\[0\] is ap-south-1, a region new in this change: .*Keep us-east-1 first and append ap-south-1/);
    // A switchover with a new region second in the same change: both said.
    const both = environmentHazards(prod, { ...prod, ...four(["us-west-2", "ap-south-1", "us-east-1", "eu-west-1"]) });
    expect(both.map((h) => [h.kind, h.severity])).toEqual([["region-added", "notice"], ["region-order-change", "blocking"], ["primary-moved", "risk"]]);
  });

  it("leaves an appended region the notice it always had", () => {
    expect(kinds(four(["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"]))).toEqual([["region-added", "notice"]]);
  });

  it("leaves a planned switchover (primary and secondary swapped) as it was: primary-moved only", () => {
    expect(kinds({ regions: ["us-west-2", "us-east-1", "eu-west-1"], vpcCidrs: ["10.20.0.0/16", "10.10.0.0/16", "10.30.0.0/16"] })).toEqual([["primary-moved", "risk"]]);
  });

  it("flags regions[1] given to another existing region as a risk that ships one stack at a time, the old secondary first, naming the environment's stacks", () => {
    const [h, ...rest] = environmentHazards(prod, { ...prod, regions: ["us-east-1", "eu-west-1", "us-west-2"], vpcCidrs: ["10.10.0.0/16", "10.30.0.0/16", "10.20.0.0/16"] }, "prod");
    expect(rest).toEqual([]);
    expect(h).toMatchObject({ kind: "region-order-change", severity: "risk", runbook: "docs/deploying.md" });
    expect(h.message).toMatch(/changes from us-west-2 to eu-west-1.*Route 53 refuses.*unplanned-failover\.md would promote eu-west-1.*one stack at a time, not by deploy\.yml \(its waves refuse it\).*prod-us-west-2 \(its stack deletes its SECONDARY record\), prod-eu-west-1 \(its stack creates it\)/);
    // Only the four fields of the plan's JSON (plan.schema.json).
    expect(Object.keys(h).sort()).toEqual(["kind", "message", "runbook", "severity"]);
  });

  it("blocks regions[1] replaced by a new region, and lets it leave for the next existing one (remove-a-region.md)", () => {
    const two = { ...prod, regions: ["us-east-1", "us-west-2"], vpcCidrs: three.slice(0, 2) };
    const replaced = environmentHazards(two, { ...two, regions: ["us-east-1", "ap-south-1"] });
    expect(replaced.map((h) => [h.kind, h.severity])).toEqual(expect.arrayContaining([["region-removed", "risk"], ["region-order-change", "blocking"]]));
    const h = replaced.find((x) => x.kind === "region-order-change")!;
    expect(h.message).toMatch(/in place of us-west-2 \(which leaves\): .*moves from us-west-2 to ap-south-1.*may still be seeding.*Remove us-west-2 in a change of its own/);
    expect(h.message).not.toMatch(/Route 53 refuses/);
    expect(kinds({ regions: ["us-east-1", "eu-west-1"], vpcCidrs: ["10.10.0.0/16", "10.30.0.0/16"] })).toEqual([["region-removed", "risk"]]);
  });

  it("notes a new region listed after the secondary but before another region: no record moves", () => {
    const hazards = environmentHazards(prod, { ...prod, ...four(["us-east-1", "us-west-2", "ap-south-1", "eu-west-1"]) });
    expect(hazards.map((h) => [h.kind, h.severity])).toEqual([["region-added", "notice"], ["region-order-change", "notice"]]);
    expect(hazards[1].message).toMatch(/ap-south-1 listed before eu-west-1.*regions\[1\] is us-west-2.*append ap-south-1 at the end of platform:regions/);
  });
});

describe("blocking hazards a pull request may acknowledge (the diff compares config with config)", () => {
  const label = /acknowledge it with the pull request label hazards-acknowledged \(docs\/deploying\.md, "Blocking hazards"\)\.$/;
  it("says when a revert or a catch-up is right, and the label that passes it", () => {
    // 1.35 merged and never deployed, put back.
    const revert = environmentHazards({ ...prod, kubernetesVersion: "1.35" }, { ...prod, kubernetesVersion: "1.34" });
    expect(revert[0].message).toMatch(/If no cluster runs 1\.35 \(its upgrade was merged and never deployed: aws eks describe-cluster in each region\), putting the version back is right: /);
    expect(revert[0].message).toMatch(label);
    // AWS moved the clusters two minors past the config (tools/ci/eks-cluster-version.ts says to set the running minor).
    const catchUp = environmentHazards(prod, { ...prod, kubernetesVersion: "1.35" });
    expect(catchUp[0].message).toMatch(/If every cluster already runs 1\.35 \(AWS upgraded them itself: upgrade-kubernetes\.md, "When AWS upgraded the control plane itself"\), this only catches the config up/);
    expect(catchUp[0].message).toMatch(label);
    const aurora = environmentHazards({ ...prod, dbEngineVersion: "16.9" }, { ...prod, dbEngineVersion: "16.6" });
    expect(aurora.map((h) => h.kind)).toEqual(["aurora-downgrade"]);
    expect(aurora[0].message).toMatch(/If no member runs 16\.9 \(its upgrade was merged and never deployed: aws rds describe-global-clusters\), putting the version back is right: /);
    expect(aurora[0].message).toMatch(label);
    const pins = (vpcCni: string) => ({ ...prod, eksAddonVersions: [`vpc-cni=${vpcCni}`] });
    const cni = environmentHazards(pins("v1.19.2-eksbuild.1"), pins("v1.21.0-eksbuild.1"));
    expect(cni[0].message).toMatch(/If every region's add-on already runs v1\.21\.0-eksbuild\.1 \(a pin lowered in a change never deployed, now put back/);
    expect(cni[0].message).toMatch(label);
  });
});

describe("a master password rotation (day-2)", () => {
  it("is a notice pointing at the runbook: the plan cannot show masked values changing", () => {
    const [hazard, ...rest] = environmentHazards({ ...prod, dbMasterPasswordRotation: 0 }, { ...prod, dbMasterPasswordRotation: 1 });
    expect(rest).toEqual([]);
    expect(hazard).toMatchObject({ kind: "aurora-password-rotation", severity: "notice", runbook: "docs/runbooks/aurora-global-database.md" });
    expect(hazard.message).toMatch(/sets it on the writer and then writes the secret/);
  });
});

describe("zones and control-plane subnets (day-2)", () => {
  it("blocks reordering pinned zones (subnets are placed by position) but lets a zone be appended", () => {
    const pinned = { ...prod, eksControlPlaneAzCount: 3, availabilityZoneIds: ["usw2-az1", "usw2-az2", "usw2-az4", "use1-az1", "use1-az2", "use1-az4"] };
    const sortedIn = environmentHazards(pinned, { ...pinned, azCount: 4, availabilityZoneIds: ["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4", "use1-az1", "use1-az2", "use1-az4", "use1-az5"] });
    const reorder = sortedIn.find((h) => h.kind === "pinned-zones-reordered")!;
    expect(reorder.severity).toBe("blocking");
    expect(reorder.message).toContain("position 3 usw2-az4 → usw2-az3");
    expect(reorder.message).not.toContain("use1");
    const appended = environmentHazards(pinned, { ...pinned, azCount: 4, availabilityZoneIds: [...pinned.availabilityZoneIds, "usw2-az3", "use1-az5"] });
    expect(appended.map((h) => h.kind)).toEqual(["az-count-change"]);
  });

  it("says when the control plane loses zones (an older environment with more AZs than eksControlPlaneAzCount)", () => {
    const wide = { ...prod, azCount: 4 };
    const hazards = environmentHazards(wide, { ...wide, eksControlPlaneAzCount: 3 });
    expect(hazards.map((h) => [h.kind, h.severity])).toEqual([["eks-control-plane-zones", "notice"]]);
    expect(hazards[0].message).toContain("first 4 to the first 3 zones");
  });
});

describe("vpc-cni through a Kubernetes upgrade (day-2)", () => {
  const pins = (vpcCni: string) => ["kube-proxy=v1.33.3-eksbuild.2", `vpc-cni=${vpcCni}`, "coredns=v1.12.1-eksbuild.2"];
  const at = (from: string, to: string, extra: Record<string, unknown> = {}) => environmentHazards({ ...prod, eksAddonVersions: pins(from) }, { ...prod, eksAddonVersions: pins(to), ...extra });

  it("tells the Kubernetes upgrade to bump every pin but vpc-cni, which steps one minor at a time before it", () => {
    const [hazard] = environmentHazards(prod, { ...prod, kubernetesVersion: "1.34" });
    expect(hazard.kind).toBe("kubernetes-upgrade");
    expect(hazard.message).toMatch(/bump the pins of eksAddonVersions in the same change, except vpc-cni, which moves one vpc-cni minor at a time in changes of its own before this one/);
  });

  it("blocks a vpc-cni pin that skips a minor, naming the minors to go through", () => {
    const [hazard, ...rest] = at("v1.19.2-eksbuild.1", "v1.21.0-eksbuild.1");
    expect(rest).toEqual([]);
    expect(hazard).toMatchObject({ kind: "vpc-cni-minor-skip", severity: "blocking", runbook: "docs/runbooks/upgrade-kubernetes.md" });
    expect(hazard.message).toMatch(/^eksAddonVersions vpc-cni v1\.19\.2-eksbuild\.1 → v1\.21\.0-eksbuild\.1 skips 1 vpc-cni minor version\(s\) \(v1\.20\): .*one minor at a time.*Pin the newest v1\.20\.x-eksbuild\.N/);
    expect(at("v1.19.2-eksbuild.1", "v1.22.1-eksbuild.1")[0].message).toContain("skips 2 vpc-cni minor version(s) (v1.20, v1.21)");
    // In the Kubernetes upgrade's own change too: both said.
    expect(at("v1.19.2-eksbuild.1", "v1.21.0-eksbuild.1", { kubernetesVersion: "1.34" }).map((h) => h.kind)).toEqual(["kubernetes-upgrade", "vpc-cni-minor-skip"]);
  });

  it("lets one minor, a build or a patch through, and does not judge a pin added or removed", () => {
    expect(at("v1.19.2-eksbuild.1", "v1.20.0-eksbuild.1")).toEqual([]);
    expect(at("v1.19.2-eksbuild.1", "v1.19.6-eksbuild.3")).toEqual([]);
    expect(at("v1.21.0-eksbuild.1", "v1.20.0-eksbuild.1")).toEqual([]);
    expect(environmentHazards(prod, { ...prod, eksAddonVersions: pins("v1.21.0-eksbuild.1") })).toEqual([]);
    expect(environmentHazards({ ...prod, eksAddonVersions: pins("v1.19.2-eksbuild.1") }, { ...prod, eksAddonVersions: [] })).toEqual([]);
  });
});

describe("an Aurora downgrade (day-2)", () => {
  const kindsAt = (from: string, to: string) => environmentHazards({ ...prod, dbEngineVersion: from }, { ...prod, dbEngineVersion: to }).map((h) => h.kind);

  it("blocks a lower minor and a lower major, before they pass for a minor or major upgrade, with the way back", () => {
    const at = (from: string, to: string) => environmentHazards({ ...prod, dbEngineVersion: from }, { ...prod, dbEngineVersion: to });
    const [minor, ...none] = at("16.8", "16.6");
    expect(none).toEqual([]);
    expect(minor).toMatchObject({ kind: "aurora-downgrade", severity: "blocking", runbook: "docs/runbooks/aurora-global-database.md" });
    expect(minor.message).toMatch(/^Aurora aurora-postgresql 16\.8 → 16\.6 is a downgrade: Aurora cannot downgrade a cluster in place.*Keep platform:dbEngineVersion: "16\.8".*restore a snapshot taken before the upgrade into a new global database/);
    expect(existsSync(join(__dirname, "../../..", minor.runbook!))).toBe(true);
    expect(kindsAt("16.10", "16.9")).toEqual(["aurora-downgrade"]);
    // A lower family is no major upgrade: not the "prepare the parameter groups" advice.
    expect(at("17.4", "16.6").map((h) => [h.kind, h.severity])).toEqual([["aurora-downgrade", "blocking"]]);
    const mysql = { ...prod, dbEngine: "aurora-mysql" };
    expect(environmentHazards({ ...mysql, dbEngineVersion: "8.4.mysql_aurora.3.10.0" }, { ...mysql, dbEngineVersion: "8.0.mysql_aurora.3.08.0" }).map((h) => h.kind)).toEqual(["aurora-downgrade"]);
    expect(environmentHazards({ ...mysql, dbEngineVersion: "8.0.mysql_aurora.3.09.0" }, { ...mysql, dbEngineVersion: "8.0.mysql_aurora.3.08.2" }).map((h) => h.kind)).toEqual(["aurora-downgrade"]);
  });

  it("is not said for an upgrade, nor between a major alone and a version of it", () => {
    expect(kindsAt("16.6", "16.8")).not.toContain("aurora-downgrade");
    expect(kindsAt("16.6", "17.4")).not.toContain("aurora-downgrade");
    expect(kindsAt("16.6", "16")).not.toContain("aurora-downgrade");
    expect(kindsAt("16", "16.6")).not.toContain("aurora-downgrade");
  });
});

describe("an Aurora MySQL major upgrade", () => {
  it("is told by the parameter-group family: 8.0 → 8.4 is a major though the first number stays", () => {
    const mysql = { ...prod, dbEngine: "aurora-mysql", dbEngineVersion: "8.0.mysql_aurora.3.08.0" };
    expect(environmentHazards(mysql, { ...mysql, dbEngineVersion: "8.4.mysql_aurora.3.10.0" }).map((h) => h.kind)).toEqual(["aurora-major-upgrade"]);
    expect(environmentHazards(mysql, { ...mysql, dbEngineVersion: "8.0.mysql_aurora.3.09.0" }).map((h) => h.kind)).toEqual(["aurora-minor-upgrade"]);
  });
});

describe("DNSSEC on and off (day-2)", () => {
  const signed = { ...prod, dnsParentZoneName: "example.com", dnsDnssec: true };
  const hazards = (base: Record<string, unknown>, current: Record<string, unknown>) => environmentHazards(base, current).map((h) => [h.kind, h.severity]);

  it("blocks turning it off in the same deploy that takes the DS record out of the parent zone", () => {
    const [h] = environmentHazards(signed, { ...signed, dnsDnssec: false });
    expect([h.kind, h.severity]).toEqual(["dnssec-change", "blocking"]);
    expect(h.message).toMatch(/SERVFAIL.*Deploy platform:dnsDnssecParentDs: false first, wait at least 60 minutes/);
    // Settings from before dnsDnssecParentDs existed wrote the DS record too.
    expect(hazards({ ...signed, dnsDnssecParentDs: undefined }, { ...signed, dnsDnssec: false })).toEqual([["dnssec-change", "blocking"]]);
  });

  it("notes the first step (DS record out, zone still signing), and leaves the second a risk only the operator can rule out", () => {
    const unpublished = { ...signed, dnsDnssecParentDs: false };
    expect(hazards(signed, unpublished)).toEqual([["dnssec-change", "notice"]]);
    expect(environmentHazards(signed, unpublished)[0].message).toMatch(/no sooner than 60 minutes after this deploy/);
    const off = environmentHazards(unpublished, { ...unpublished, dnsDnssec: false });
    expect(off.map((h) => [h.kind, h.severity])).toEqual([["dnssec-change", "risk"]]);
    expect(off[0].message).toMatch(/the global stack removed it from example\.com/);
  });

  it("turns it on for a zone that already served in two deploys too: signing first, the DS record after the zone's largest TTL", () => {
    const unsigned = { ...signed, dnsDnssec: false };
    const [together] = environmentHazards(unsigned, signed);
    expect([together.kind, together.severity]).toEqual(["dnssec-change", "risk"]);
    expect(together.message).toMatch(/DS record in example\.com seconds after signing starts.*Deploy with platform:dnsDnssecParentDs: false first/);
    const first = { ...signed, dnsDnssecParentDs: false };
    expect(hazards(unsigned, first)).toEqual([["dnssec-change", "notice"]]);
    expect(environmentHazards(unsigned, first)[0].message).toMatch(/stays out of example\.com: remove dnsDnssecParentDs after the largest TTL/);
    expect(hazards(first, signed)).toEqual([["dnssec-change", "notice"]]);
    expect(environmentHazards(first, signed)[0].message).toMatch(/goes into example\.com.*Safe once the zone has signed for the largest TTL/);
    // A new zone (renamed here) has no cached answers: the DS record can follow at once.
    expect(environmentHazards({ ...unsigned, dnsZoneName: "old.example.com" }, signed).find((h) => h.kind === "dnssec-change")!.severity).toBe("notice");
    expect(environmentHazards(signed, { ...signed, dnsZoneName: "prod2.example.com" }).find((h) => h.kind === "zone-rename")!.message).toMatch(/The old zone signs \(DNSSEC\)/);
  });

  it("says where the DS record must go when it is turned on, and that a hand-delegated zone's is published by hand", () => {
    const manual = { ...prod, dnsManualDelegation: true };
    expect(environmentHazards(manual, { ...manual, dnsDnssec: true })[0].message).toMatch(/publish the global stack's dnssecDsRecord output.*after the largest TTL/);
    expect(environmentHazards({ ...manual, dnsDnssec: true }, manual).map((h) => [h.kind, h.severity])).toEqual([["dnssec-change", "risk"]]);
    expect(hazards(signed, { ...signed })).toEqual([]);
    for (const h of environmentHazards(signed, { ...signed, dnsDnssec: false })) expect(existsSync(join(__dirname, "../../..", h.runbook!)), h.runbook!).toBe(true);
  });
});

describe("turning the cache on", () => {
  it("blocks a home region that is not the primary: the primary deploys first and would read a datastore not created yet", () => {
    const [h] = environmentHazards(prod, { ...prod, cacheEnabled: true, cacheHomeRegion: "eu-west-1" });
    expect([h.kind, h.severity]).toEqual(["cache-home-not-primary", "blocking"]);
    expect(h.message).toMatch(/Set platform:cacheHomeRegion: us-east-1/);
    expect(environmentHazards(prod, { ...prod, cacheEnabled: true, cacheHomeRegion: "us-east-1" })).toEqual([]);
    // Once it exists, a switchover that reorders the regions leaves the home where it is: no hazard.
    const cached = { ...prod, cacheEnabled: true, cacheHomeRegion: "us-east-1" };
    expect(environmentHazards(cached, { ...cached, regions: ["us-west-2", "us-east-1", "eu-west-1"], vpcCidrs: ["10.20.0.0/16", "10.10.0.0/16", "10.30.0.0/16"] }).map((x) => x.kind)).not.toContain("cache-home-not-primary");
  });
});

describe("the cache's engine version and parameter group", () => {
  const cached = { ...prod, cacheEnabled: true, cacheHomeRegion: "us-east-1", cacheEngine: "valkey", cacheEngineVersion: "7.2", cacheParameterGroupName: "" };
  const found = (changes: Record<string, unknown>, from: Record<string, unknown> = cached) => environmentHazards(from, { ...from, ...changes });

  it("blocks a major upgrade without a parameter group of the new family, and notes one with it", () => {
    const [bare] = found({ cacheEngineVersion: "8.0" });
    expect([bare.kind, bare.severity, bare.runbook]).toEqual(["cache-major-upgrade", "blocking", "docs/data-tier.md"]);
    expect(bare.message).toMatch(/valkey 7\.2 → 8\.0 is a major upgrade, through the Global Datastore in us-east-1's stack.*is empty\. Set platform:cacheParameterGroupName: default\.valkey8/);
    // A group set for the previous major upgrade is the old family's.
    const kept = found({ cacheEngineVersion: "8.0" }, { ...cached, cacheParameterGroupName: "default.valkey7" });
    expect(kept.map((h) => [h.kind, h.severity])).toEqual([["cache-major-upgrade", "blocking"]]);
    expect(kept[0].message).toMatch(/is still default\.valkey7/);
    const ready = found({ cacheEngineVersion: "8.0", cacheParameterGroupName: "default.valkey8" });
    expect(ready.map((h) => [h.kind, h.severity])).toEqual([["cache-major-upgrade", "notice"]]);
    expect(ready[0].message).toMatch(/Keep platform:cacheParameterGroupName: default\.valkey8 afterwards/);
  });

  it("blocks a parameter group change without a major upgrade, which the provider refuses", () => {
    const upgraded = { ...cached, cacheEngineVersion: "8.0", cacheParameterGroupName: "default.valkey8" };
    expect(found({ cacheParameterGroupName: "" }, upgraded).map((h) => [h.kind, h.severity])).toEqual([["cache-parameter-group-change", "blocking"]]);
    expect(found({ cacheParameterGroupName: "" }, upgraded)[0].message).toMatch(/Keep platform:cacheParameterGroupName: default\.valkey8/);
    expect(found({ cacheEngineVersion: "7.2.1", cacheParameterGroupName: "default.valkey7" }).map((h) => h.kind)).toEqual(["cache-parameter-group-change"]);
  });

  it("finds nothing for a minor upgrade, a kept group, or a datastore being created (which ignores the group)", () => {
    expect(found({ cacheEngineVersion: "7.2.1" })).toEqual([]);
    expect(found({}, { ...cached, cacheEngineVersion: "8.0", cacheParameterGroupName: "default.valkey8" })).toEqual([]);
    expect(environmentHazards({ ...cached, cacheEnabled: false }, { ...cached, cacheEngineVersion: "8.0", cacheParameterGroupName: "default.valkey8" })).toEqual([]);
    // Settings exported before the key existed.
    const { cacheParameterGroupName: _, ...older } = cached;
    expect(environmentHazards(older, { ...cached })).toEqual([]);
  });
});
