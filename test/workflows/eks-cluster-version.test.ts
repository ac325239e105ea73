import { describe, expect, it, vi } from "vitest";
import { spawnSync } from "child_process";
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { ClusterRef, clusterVersionProblem, eksClustersOf, isNewerMinor, main, runningClusters } from "../../tools/ci/eks-cluster-version";
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
    const none = { clusters: [], unnamed: [] };
    expect(eksClustersOf(exported(cluster()))).toEqual({ clusters: [{ urn: URN, name: "prod-us-west-2", region: "us-west-2" }], unnamed: [] });
    // The ARN's region over the stack's.
    expect(eksClustersOf(exported(cluster()), "eu-west-1").clusters[0].region).toBe("us-west-2");
    expect(eksClustersOf(exported({ urn: "urn:…:GlobalCluster::prod-global", type: "aws:rds/globalCluster:GlobalCluster", outputs: {} }))).toEqual(none);
    expect(eksClustersOf({ version: 3, deployment: { manifest: {} } })).toEqual(none);
    // The old half of a replacement is not asked about.
    expect(eksClustersOf(exported(cluster(undefined, { delete: true })))).toEqual(none);
  });

  it("takes a cluster a failed first deploy left without its ARN from the stack's aws:region, by its name or id; skips one without either", () => {
    // The create failed after EKS named the cluster: the state has its name (or only its id), no ARN.
    expect(eksClustersOf(exported(cluster({ name: "prod-us-west-2" })), "us-west-2")).toEqual({ clusters: [{ urn: URN, name: "prod-us-west-2", region: "us-west-2" }], unnamed: [] });
    expect(eksClustersOf(exported(cluster({}, { id: "prod-us-west-2" })), "us-west-2").clusters).toEqual([{ urn: URN, name: "prod-us-west-2", region: "us-west-2" }]);
    // Without a region from the stack file either: it cannot be looked for.
    expect(() => eksClustersOf(exported(cluster({ name: "prod-us-west-2" })))).toThrow(/has no ARN in its outputs, and the stack file names no aws:region/);
    // Nothing names it: nothing runs that could be newer.
    expect(eksClustersOf(exported(cluster({ version: "1.34" })), "us-west-2")).toEqual({ clusters: [], unnamed: [URN] });
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
    // One minor on: the plan's diff of that change is an upgrade notice, nothing to acknowledge.
    expect(problem).not.toMatch(/hazards-acknowledged/);
    // Two minors on: that change is the plan's kubernetes-minor-skip, which the PR acknowledges with the label.
    expect(clusterVersionProblem(at("1.36"), "1.34", "prod")).toMatch(/set platform:kubernetesVersion: "1\.36" .*calls the change the blocking hazard kubernetes-minor-skip .*once every region's cluster runs 1\.36, a reviewer adds the label hazards-acknowledged \(docs\/deploying\.md, "Blocking hazards"\)\.$/);
  });

  it("reads each cluster's version, and says why a read failed", async () => {
    const ref = { urn: URN, name: "prod-us-west-2", region: "us-west-2" };
    expect(await runningClusters([ref], async () => "1.35")).toEqual([{ ...ref, version: "1.35" }]);
    const denied = { code: 254, message: "Command failed", stderr: "\nAn error occurred (AccessDeniedException) when calling the DescribeCluster operation: User: arn:aws:sts::123456789012:assumed-role/platform-deploy/deploy-1 is not authorized to perform: eks:DescribeCluster\n" };
    await expect(runningClusters([ref], async () => Promise.reject(denied))).rejects.toThrow(/^cannot read the Kubernetes version of prod-us-west-2 \(us-west-2\): AWS denies eks:DescribeCluster to this job's role/);
  });

  it("exits 1 before the refresh when EKS runs a newer minor than the stack file names, 0 otherwise, 2 when it cannot tell", async () => {
    const dir = tempDir("eks-version-");
    for (const f of ["Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.prod-us-west-2.yaml"]) copyFileSync(join(ROOT, f), join(dir, f));
    const stateFile = (state: unknown) => {
      const file = join(dir, "state.json");
      writeFileSync(file, typeof state === "string" ? state : JSON.stringify(state));
      return file;
    };
    const errors: string[] = [];
    const error = vi.spyOn(console, "error").mockImplementation((text: string) => void errors.push(text));
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const asked: ClusterRef[] = [];
    const answering = (version: string) => async (ref: ClusterRef) => (asked.push(ref), version);
    const run = (stack: string, state: unknown, read: (ref: ClusterRef) => Promise<string>) => main(["--stack", stack, "--dir", dir, "--state", stateFile(state)], read);
    try {
      expect(await run("prod-us-west-2", exported(cluster()), answering("1.34"))).toBe(0);
      expect(asked).toEqual([{ urn: URN, name: "prod-us-west-2", region: "us-west-2" }]);
      const denied = { code: 254, message: "Command failed", stderr: "An error occurred (AccessDeniedException) when calling the DescribeCluster operation: not authorized" };
      expect(await run("prod-us-west-2", exported(cluster()), () => Promise.reject(denied))).toBe(2);
      expect(errors.pop()).toMatch(/AWS denies eks:DescribeCluster.*Nothing was refreshed or deployed\.$/);
      // The global stack (no EKS cluster): no call to AWS at all.
      asked.length = 0;
      expect(await run("prod", exported(), answering("9.99"))).toBe(0);
      expect(asked).toEqual([]);
      expect(await run("prod-us-west-2", "not json", answering("1.34"))).toBe(2);
      // A first deploy that failed while EKS created the cluster: no ARN, so the region of Pulumi.prod-us-west-2.yaml.
      asked.length = 0;
      expect(await run("prod-us-west-2", exported(cluster({ name: "prod-us-west-2" })), answering("1.34"))).toBe(0);
      expect(asked).toEqual([{ urn: URN, name: "prod-us-west-2", region: "us-west-2" }]);
      // And one that failed before EKS named it: a notice, no call, the deploy goes on.
      asked.length = 0;
      const logs: string[] = [];
      log.mockImplementation((text: string) => void logs.push(text));
      expect(await run("prod-us-west-2", exported(cluster({})), answering("9.99"))).toBe(0);
      expect(asked).toEqual([]);
      expect(logs[0]).toMatch(/^::notice::prod-us-west-2: the state's EKS cluster urn:.* has no name yet .*nothing to compare, skipped$/);
    } finally {
      error.mockRestore();
      log.mockRestore();
    }

    // The command as the workflow runs it, once: the state on stdin, AWS through the `aws` CLI on
    // PATH (a fake one that answers DescribeCluster and records its arguments).
    const bin = tempDir("fake-aws-");
    writeFileSync(join(bin, "aws"), `#!/bin/sh\necho "$@" > "${bin}/args"\nprintf '{"cluster":{"name":"prod-us-west-2","version":"9.99"}}'\n`);
    chmodSync(join(bin, "aws"), 0o755);
    const newer = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "tools/ci/eks-cluster-version.ts"), "--stack", "prod-us-west-2", "--dir", dir], {
      cwd: ROOT,
      encoding: "utf8",
      input: JSON.stringify(exported(cluster())),
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` },
    });
    expect(newer.status, newer.stderr).toBe(1);
    expect(newer.stderr).toMatch(/^::error::The EKS cluster prod-us-west-2 \(us-west-2\) runs 9\.99, newer than platform:kubernetesVersion 1\.34: .*set platform:kubernetesVersion: "9\.99" in Pulumi\.prod\.yaml/m);
    expect(readFileSync(join(bin, "args"), "utf8").trim()).toBe("eks describe-cluster --region us-west-2 --name prod-us-west-2 --output json");
  }, 60_000);
});
