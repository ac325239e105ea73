/** The cluster-autoscaler compatibility table and the pairs it refuses. */
import { describe, expect, it } from "vitest";
import {
  CLUSTER_AUTOSCALER_CHARTS,
  CLUSTER_AUTOSCALER_RELEASES,
  RESOURCE_API_FROM_MINOR,
  clusterAutoscalerProblems,
  clusterAutoscalerRelease,
} from "../../components/lib/cluster-autoscaler";

const minor = (v: string) => /^v?(\d+\.\d+)/.exec(v)![1];

describe("the compatibility table", () => {
  it("pairs each minor's chart (cut for that minor) with an image of that minor", () => {
    for (const [k8s, release] of Object.entries(CLUSTER_AUTOSCALER_RELEASES)) {
      const chart = CLUSTER_AUTOSCALER_CHARTS[release.chartVersion];
      expect(chart, `chart ${release.chartVersion} of ${k8s}`).toBeDefined();
      expect(minor(chart.appVersion)).toBe(k8s);
      expect(minor(release.imageTag)).toBe(k8s);
      expect(clusterAutoscalerProblems({ kubernetesVersion: k8s })).toEqual([]);
    }
  });

  it("gives every chart cut for 1.35 or later the resource.k8s.io access that autoscaler needs", () => {
    for (const [version, chart] of Object.entries(CLUSTER_AUTOSCALER_CHARTS)) {
      if (Number(minor(chart.appVersion).split(".")[1]) >= Number(RESOURCE_API_FROM_MINOR.split(".")[1])) expect(chart.resourceApiAccess, version).toBe(true);
    }
  });

  it("knows the pair of 1.34 and none of 1.36", () => {
    expect(clusterAutoscalerRelease("1.34")).toEqual({ chartVersion: "9.53.0", imageTag: "v1.34.4" });
    expect(clusterAutoscalerRelease("1.36")).toBeUndefined();
  });
});

describe("clusterAutoscalerProblems", () => {
  it("refuses the 1.32 chart under a 1.35 cluster: its ClusterRole lacks resource.k8s.io", () => {
    const [problem, ...rest] = clusterAutoscalerProblems({ kubernetesVersion: "1.35", chartVersion: "9.46.6" });
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ field: "chartVersion", value: "9.46.6" });
    expect(problem.message).toMatch(/cluster-autoscaler 1\.32\.0 .*resource\.k8s\.io.*10278.*chart 9\.56\.0, image v1\.35\.1/);
  });

  it("refuses a chart of another minor without the resource API note below 1.35", () => {
    const [problem] = clusterAutoscalerProblems({ kubernetesVersion: "1.34", chartVersion: "9.46.6" });
    expect(problem.message).toMatch(/not 1\.34/);
    expect(problem.message).not.toMatch(/resource\.k8s\.io/);
  });

  it("refuses an image of another minor and a tag that is no release", () => {
    expect(clusterAutoscalerProblems({ kubernetesVersion: "1.35", imageTag: "v1.34.4" })).toEqual([expect.objectContaining({ field: "imageTag", message: expect.stringMatching(/supports only Kubernetes 1\.34, not 1\.35/) })]);
    expect(clusterAutoscalerProblems({ kubernetesVersion: "1.35", imageTag: "latest" })[0].message).toMatch(/release tag such as v1\.35\.0/);
  });

  it("refuses a chart nobody has read the ClusterRole of, and asks for both pins on an unknown minor", () => {
    expect(clusterAutoscalerProblems({ kubernetesVersion: "1.34", chartVersion: "9.99.0" })[0].message).toMatch(/not in the cluster-autoscaler compatibility table/);
    expect(clusterAutoscalerProblems({ kubernetesVersion: "1.36" }).map((p) => p.field)).toEqual(["chartVersion", "imageTag"]);
  });

  it("accepts other charts and patches of the same minor", () => {
    expect(clusterAutoscalerProblems({ kubernetesVersion: "1.35", chartVersion: "9.59.0", imageTag: "v1.35.2" })).toEqual([]);
    expect(clusterAutoscalerProblems({ kubernetesVersion: "1.33", chartVersion: "9.47.0", imageTag: "v1.33.6" })).toEqual([]);
  });
});
