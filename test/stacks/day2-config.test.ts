/** Validation of the day-2 keys: each refusal names the key, the value and the fix. */
import { describe, expect, it } from "vitest";
import { parseEnvironment } from "../../stacks/config";
import { configProblems, VALID_ENVIRONMENT } from "../fixtures/environment";

const valid = VALID_ENVIRONMENT;
const problemsOf = configProblems;
const byKey = (config: Record<string, unknown>) => Object.fromEntries(problemsOf(config).map((p) => [p.key, p.message]));

describe("eksControlPlaneAzCount", () => {
  it("defaults to the first three zones, whatever azCount says", () => {
    expect(parseEnvironment("dev", { ...valid, "platform:azCount": 4, "platform:nodeMinSize": 4, "platform:nodeDesiredSize": 6 }).eksControlPlaneAzCount).toBe(3);
  });

  it("refuses fewer than two zones (EKS needs two) and more than a region can have", () => {
    expect(byKey({ ...valid, "platform:eksControlPlaneAzCount": 1 })["platform:eksControlPlaneAzCount"]).toMatch(/must be 2 to 6.*created with/);
    expect(byKey({ ...valid, "platform:eksControlPlaneAzCount": 7 })["platform:eksControlPlaneAzCount"]).toMatch(/must be 2 to 6/);
  });
});

describe("cluster-autoscaler chart and image", () => {
  it("refuses a chart of another Kubernetes minor, naming the key, the value and the tested pair", () => {
    const problems = problemsOf({ ...valid, "platform:kubernetesVersion": "1.35", "platform:clusterAutoscalerChartVersion": "9.46.6" });
    expect(problems.map((p) => [p.key, p.value])).toEqual([["platform:clusterAutoscalerChartVersion", "9.46.6"]]);
    expect(problems[0].message).toMatch(/resource\.k8s\.io.*leave it empty for the tested pair of 1\.35 \(chart 9\.56\.0, image v1\.35\.1\).*kubernetesVersion 1\.35/);
  });

  it("refuses an image of another minor", () => {
    expect(byKey({ ...valid, "platform:kubernetesVersion": "1.33", "platform:clusterAutoscalerImageTag": "v1.34.4" })["platform:clusterAutoscalerImageTag"]).toMatch(/supports only Kubernetes 1\.34, not 1\.33/);
  });

  it("accepts the table's pair by default for every supported minor", () => {
    // EXTENDED: 1.32 to 1.34 are past their standard support on the suite's day (PLAN_TODAY), where STANDARD is refused.
    for (const version of ["1.32", "1.33", "1.34", "1.35"]) expect(problemsOf({ ...valid, "platform:kubernetesVersion": version, "platform:eksSupportType": "EXTENDED" }), version).toEqual([]);
  });
});

describe("nodeGroupReleaseVersion (the managed kind's pinned node image)", () => {
  const managed = { ...valid, "platform:nodePoolKind": "managed" };
  const version = String(parseEnvironment("dev", valid).kubernetesVersion);

  it("is required with nodePoolKind managed, and says how to read an existing group's release", () => {
    const problems = problemsOf(managed);
    expect(problems.map((p) => [p.key, p.value])).toEqual([["platform:nodeGroupReleaseVersion", ""]]);
    expect(problems[0].message).toMatch(/is required with nodePoolKind managed: .*describe-nodegroup --query nodegroup\.releaseVersion.*no security patch reaches the nodes/);
    expect(problemsOf({ ...managed, "platform:nodeGroupReleaseVersion": `${version}.2-20260714` })).toEqual([]);
  });

  it("refuses another form, and a release of another minor than kubernetesVersion, with the fix", () => {
    expect(byKey({ ...managed, "platform:nodeGroupReleaseVersion": "v20260714" })["platform:nodeGroupReleaseVersion"]).toMatch(/^is not an EKS AMI release version: use <Kubernetes major\.minor\.patch>-<date>/);
    const problems = problemsOf({ ...managed, "platform:kubernetesVersion": "1.35", "platform:nodeGroupReleaseVersion": "1.34.2-20260714" });
    expect(problems.map((p) => [p.key, p.value])).toEqual([["platform:nodeGroupReleaseVersion", "1.34.2-20260714"]]);
    expect(problems[0].message).toMatch(/^is an AMI release of Kubernetes 1\.34, but the node group runs 1\.35: .*in the same change as the Kubernetes version/);
  });

  it("is refused, not ignored, with the self-managed kind", () => {
    expect(byKey({ ...valid, "platform:nodeGroupReleaseVersion": `${version}.2-20260714` })["platform:nodeGroupReleaseVersion"]).toMatch(/has no effect with nodePoolKind autoscaling \(its nodes run nodeAmiReleaseVersion\); remove it/);
  });
});

describe("eksAddonVersions", () => {
  it("refuses an entry it cannot pin, naming the entry and the form", () => {
    expect(byKey({ ...valid, "platform:eksAddonVersions": ["vpc-cni=latest"] })["platform:eksAddonVersions"]).toMatch(/must be vpc-cni=<version> with a version as aws eks describe-addon-versions lists it/);
  });
  it("accepts pins of the five managed add-ons, as JSON text too (how the CLI hands a list over)", () => {
    const pins = ["vpc-cni=v1.19.2-eksbuild.1", "kube-proxy=v1.35.0-eksbuild.2", "eks-pod-identity-agent=v1.3.4-eksbuild.1", "coredns=v1.11.4-eksbuild.2", "aws-ebs-csi-driver=v1.40.0-eksbuild.1"];
    expect(problemsOf({ ...valid, "platform:eksAddonVersions": JSON.stringify(pins) })).toEqual([]);
    expect(parseEnvironment("dev", { ...valid, "platform:eksAddonVersions": pins }).eksAddonVersions).toEqual(pins);
  });
});

describe("dbMajorUpgradeTargetVersion", () => {
  // Three regions: with two, rds.global_db_rpo is refused on its own (see below).
  const pg = { ...valid, "platform:dbEngineVersion": "16.6", "platform:regions": ["us-east-1", "us-west-2", "eu-west-1"], "platform:vpcCidrs": ["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"] };
  it("refuses a prepared major upgrade while rds.global_db_rpo is on, on the RPO key with the order to follow", () => {
    const problems = problemsOf({ ...pg, "platform:dbMajorUpgradeTargetVersion": "17.4", "platform:dbGlobalRpoSeconds": 30 });
    expect(problems.map((p) => [p.key, p.value])).toEqual([["platform:dbGlobalRpoSeconds", 30]]);
    expect(problems[0].message).toMatch(/must be 0 while dbMajorUpgradeTargetVersion is set \(17\.4\): a non-zero rds\.global_db_rpo blocks major upgrades/);
    expect(problemsOf({ ...pg, "platform:dbMajorUpgradeTargetVersion": "17.4" })).toEqual([]);
  });

  it("refuses rds.global_db_rpo with one secondary: losing that region would block every commit in the healthy one", () => {
    expect(problemsOf({ ...pg, "platform:dbGlobalRpoSeconds": 30 })).toEqual([]);
    const two = problemsOf({ ...valid, "platform:dbEngineVersion": "16.6", "platform:dbGlobalRpoSeconds": 30 });
    expect(two.map((p) => p.key)).toEqual(["platform:dbGlobalRpoSeconds"]);
    expect(two[0].message).toMatch(/with 2 region\(s\) the writer has one secondary.*Use three or more regions, or 0/);
  });

  it("refuses a downgrade, a malformed version and a minor upgrade dressed as a major one", () => {
    expect(byKey({ ...pg, "platform:dbMajorUpgradeTargetVersion": "15.4" })["platform:dbMajorUpgradeTargetVersion"]).toMatch(/older major.*cannot downgrade.*higher major/);
    expect(byKey({ ...pg, "platform:dbMajorUpgradeTargetVersion": "seventeen" })["platform:dbMajorUpgradeTargetVersion"]).toMatch(/not a version like/);
    expect(byKey({ ...pg, "platform:dbMajorUpgradeTargetVersion": "16.8" })["platform:dbMajorUpgradeTargetVersion"]).toMatch(/same family.*change dbEngineVersion directly/);
  });

  it("accepts the upgrade done (target reached) until the key is removed", () => {
    expect(problemsOf({ ...pg, "platform:dbEngineVersion": "17.4", "platform:dbMajorUpgradeTargetVersion": "17.4" })).toEqual([]);
  });
});
