import { describe, expect, it } from "vitest";
import { spawnSync } from "child_process";
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { clusterVersionProblem, eksClustersOf, isNewerMinor, runningClusters } from "../../tools/ci/eks-cluster-version";
import { temporaryDirectories } from "../plan/temp-dirs";
import { ROOT } from "./workflow-files";

const tempDir = temporaryDirectories();

const URN = "urn:pulumi:prod-us-west-2::platform::platform:index:RegionalStack$platform:index:EksCluster$aws:eks/cluster:Cluster::prod-us-west-2-eks-cluster";
const ARN = "arn:aws:eks:us-west-2:123456789012:cluster/prod-us-west-2";
const exported = (...resources: unknown[]) => ({
  version: 3,
  deployment: {
    manifest: {},
    resources: [{ urn: "urn:pulumi:prod-us-west-2::platform::pulumi:pulumi:Stack::platform-prod-us-west-2", type: "pulumi:pulumi:Stack", outputs: {} }, ...resources],
  },
});
const cluster = (outputs: Record<string, unknown> = { name: "prod-us-west-2", arn: ARN, version: "1.34" }, extra: Record<string, unknown> = {}) => ({ urn: URN, type: "aws:eks/cluster:Cluster", outputs, ...extra });

describe("eks-cluster-version (the running control plane against platform:kubernetesVersion)", () => {
  it("compares Kubernetes minors as numbers", () => {
    expect(isNewerMinor("1.35", "1.34")).toBe(true);
    expect(isNewerMinor("1.100", "1.99")).toBe(true);
    expect(isNewerMinor("2.0", "1.35")).toBe(true);
    expect(isNewerMinor("1.34", "1.34")).toBe(false);
    expect(isNewerMinor("1.33", "1.34")).toBe(false);
    expect(isNewerMinor("1.34.2", "1.34")).toBe(false);
    // Unreadable: config validation (or AWS) says so; no verdict here.
    expect(isNewerMinor("latest", "1.34")).toBe(false);
  });

  it("names each EKS cluster of the export, with its region from its ARN; nothing from the global stack or a new one", () => {
    expect(eksClustersOf(exported(cluster()))).toEqual([{ urn: URN, name: "prod-us-west-2", region: "us-west-2" }]);
    expect(eksClustersOf(exported({ urn: "urn:…:GlobalCluster::prod-global", type: "aws:rds/globalCluster:GlobalCluster", outputs: {} }))).toEqual([]);
    expect(eksClustersOf({ version: 3, deployment: { manifest: {} } })).toEqual([]);
    // The old half of a replacement is not asked about.
    expect(eksClustersOf(exported(cluster(undefined, { delete: true })))).toEqual([]);
    expect(() => eksClustersOf(exported(cluster({ version: "1.34" })))).toThrow(/has no name or ARN in its outputs/);
  });

  it("refuses only a control plane newer than the config, saying both causes and what to set", () => {
    const at = (version: string) => [{ urn: URN, name: "prod-us-west-2", region: "us-west-2", version }];
    expect(clusterVersionProblem(at("1.34"), "1.34", "prod")).toBeUndefined();
    // Older: the upgrade this update makes.
    expect(clusterVersionProblem(at("1.34"), "1.35", "prod")).toBeUndefined();
    const problem = clusterVersionProblem(at("1.35"), "1.34", "prod");
    expect(problem).toMatch(/^The EKS cluster prod-us-west-2 \(us-west-2\) runs 1\.35, newer than platform:kubernetesVersion 1\.34: AWS upgraded its control plane itself .*or platform:kubernetesVersion was lowered in Pulumi\.prod\.yaml\./);
    expect(problem).toMatch(/UpdateClusterVersion\), a downgrade EKS refuses, so nothing was refreshed or deployed\./);
    expect(problem).toMatch(/The cluster runs 1\.35; set platform:kubernetesVersion: "1\.35" in Pulumi\.prod\.yaml with its add-on and AMI pins .*docs\/runbooks\/upgrade-kubernetes\.md/);
  });

  it("reads each cluster's version, and says why a read failed", async () => {
    const ref = { urn: URN, name: "prod-us-west-2", region: "us-west-2" };
    expect(await runningClusters([ref], async () => "1.35")).toEqual([{ ...ref, version: "1.35" }]);
    const denied = { code: 254, message: "Command failed", stderr: "\nAn error occurred (AccessDeniedException) when calling the DescribeCluster operation: User: arn:aws:sts::123456789012:assumed-role/platform-deploy/deploy-1 is not authorized to perform: eks:DescribeCluster\n" };
    await expect(runningClusters([ref], async () => Promise.reject(denied))).rejects.toThrow(/^cannot read the Kubernetes version of prod-us-west-2 \(us-west-2\): AWS denies eks:DescribeCluster to this job's role/);
  });

  it("exits 1 before the refresh when EKS runs a newer minor than the stack file names, 0 otherwise, 2 when it cannot tell", () => {
    const dir = tempDir("eks-version-");
    for (const f of ["Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.prod-us-west-2.yaml"]) copyFileSync(join(ROOT, f), join(dir, f));
    // An `aws` that answers DescribeCluster with $EKS_VERSION, and records its arguments.
    const bin = tempDir("fake-aws-");
    writeFileSync(join(bin, "aws"), `#!/bin/sh\necho "$@" > "${bin}/args"\nif [ -n "$EKS_FAIL" ]; then echo "$EKS_FAIL" >&2; exit 254; fi\nprintf '{"cluster":{"name":"prod-us-west-2","version":"%s"}}' "$EKS_VERSION"\n`);
    chmodSync(join(bin, "aws"), 0o755);
    const cli = (state: unknown, env: Record<string, string>) =>
      spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "tools/ci/eks-cluster-version.ts"), "--stack", "prod-us-west-2", "--dir", dir], {
        cwd: ROOT,
        encoding: "utf8",
        input: typeof state === "string" ? state : JSON.stringify(state),
        env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, ...env },
      });
    const newer = cli(exported(cluster()), { EKS_VERSION: "9.99" });
    expect(newer.status, newer.stderr).toBe(1);
    expect(newer.stderr).toMatch(/^::error::The EKS cluster prod-us-west-2 \(us-west-2\) runs 9\.99, newer than platform:kubernetesVersion 1\.34: .*set platform:kubernetesVersion: "9\.99" in Pulumi\.prod\.yaml/m);
    const same = cli(exported(cluster()), { EKS_VERSION: "1.34" });
    expect(same.status, same.stderr).toBe(0);
    expect(readFileSync(join(bin, "args"), "utf8").trim()).toBe("eks describe-cluster --region us-west-2 --name prod-us-west-2 --output json");
    const denied = cli(exported(cluster()), { EKS_FAIL: "An error occurred (AccessDeniedException) when calling the DescribeCluster operation: not authorized" });
    expect(denied.status).toBe(2);
    expect(denied.stderr).toMatch(/AWS denies eks:DescribeCluster/);
    // The global stack (no EKS cluster): no call to AWS at all.
    const none = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "tools/ci/eks-cluster-version.ts"), "--stack", "prod", "--dir", dir], { cwd: ROOT, encoding: "utf8", input: JSON.stringify(exported()), env: { ...process.env, PATH: "/nonexistent" } });
    expect(none.status, none.stderr).toBe(0);
    const unreadable = cli("not json", { EKS_VERSION: "1.34" });
    expect(unreadable.status).toBe(2);
  }, 60_000);
});
