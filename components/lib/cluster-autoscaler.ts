/**
 * cluster-autoscaler: which Helm chart and which image go together, per Kubernetes minor.
 *
 * The autoscaler supports only its own Kubernetes minor, so its image follows the cluster. Its
 * chart carries the ClusterRole, and what the autoscaler watches grows with its minor: from 1.35
 * dynamic resource allocation is locked on and it lists `resource.k8s.io` deviceclasses,
 * resourceslices and resourceclaims whatever its flags (kubernetes/autoscaler#10278, #9244); charts
 * before 9.54.0 grant none of it, and the autoscaler then loops on "forbidden" and never syncs its
 * informers. A chart pinned for one minor under an image of another is exactly that trap, so chart
 * and image are pinned together here and a pair from different minors is refused.
 *
 * Source: the kubernetes/autoscaler repository at 55c37cd5 (2026-08-22): tags
 * `cluster-autoscaler-chart-<version>` (Chart.yaml `appVersion`, values.yaml `image.tag`,
 * templates/clusterrole.yaml) and release tags `cluster-autoscaler-<version>` (the images).
 * Adding a chart: read its Chart.yaml and ClusterRole at its tag, add it to CHARTS; a new minor
 * also gets a RELEASES entry (the chart whose default image is that minor, the latest image patch).
 */

export interface ClusterAutoscalerChart {
  /** Chart.yaml `appVersion`: the autoscaler release (and so the Kubernetes minor) it is cut for. */
  readonly appVersion: string;
  /** Its ClusterRole grants get/list/watch on resource.k8s.io deviceclasses, resourceclaims, resourceslices. */
  readonly resourceApiAccess: boolean;
}

/** Charts whose ClusterRole has been read, by chart version. */
export const CLUSTER_AUTOSCALER_CHARTS: Readonly<Record<string, ClusterAutoscalerChart>> = {
  "9.45.0": { appVersion: "1.32.0", resourceApiAccess: false },
  "9.45.1": { appVersion: "1.32.0", resourceApiAccess: false },
  "9.46.0": { appVersion: "1.32.0", resourceApiAccess: false },
  "9.46.1": { appVersion: "1.32.0", resourceApiAccess: false },
  "9.46.2": { appVersion: "1.32.0", resourceApiAccess: false },
  // From 9.46.3 the ClusterRole also grants storage.k8s.io volumeattachments (kubernetes/autoscaler#8678).
  "9.46.3": { appVersion: "1.32.0", resourceApiAccess: false },
  "9.46.4": { appVersion: "1.32.0", resourceApiAccess: false },
  "9.46.5": { appVersion: "1.32.0", resourceApiAccess: false },
  "9.46.6": { appVersion: "1.32.0", resourceApiAccess: false },
  "9.47.0": { appVersion: "1.33.0", resourceApiAccess: false },
  "9.48.0": { appVersion: "1.33.0", resourceApiAccess: false },
  "9.49.0": { appVersion: "1.33.0", resourceApiAccess: false },
  "9.50.0": { appVersion: "1.33.0", resourceApiAccess: false },
  "9.50.1": { appVersion: "1.33.0", resourceApiAccess: false },
  "9.51.0": { appVersion: "1.33.0", resourceApiAccess: false },
  "9.52.0": { appVersion: "1.34.1", resourceApiAccess: false },
  "9.52.1": { appVersion: "1.34.1", resourceApiAccess: false },
  "9.53.0": { appVersion: "1.34.2", resourceApiAccess: false },
  // 9.54.0 to 9.55.0 say 1.35.0 but still default to a 1.34 image; from 9.55.1 the image is 1.35.
  "9.54.0": { appVersion: "1.35.0", resourceApiAccess: true },
  "9.54.1": { appVersion: "1.35.0", resourceApiAccess: true },
  "9.55.0": { appVersion: "1.35.0", resourceApiAccess: true },
  "9.55.1": { appVersion: "1.35.0", resourceApiAccess: true },
  "9.56.0": { appVersion: "1.35.0", resourceApiAccess: true },
  // 9.57.0 adds ProvisioningRequest rules, 9.59.0 CapacityBuffer/CapacityQuota and podtemplates writes.
  "9.57.0": { appVersion: "1.35.0", resourceApiAccess: true },
  "9.58.0": { appVersion: "1.35.0", resourceApiAccess: true },
  "9.59.0": { appVersion: "1.35.0", resourceApiAccess: true },
};

export interface ClusterAutoscalerRelease {
  readonly chartVersion: string;
  readonly imageTag: string;
}

/**
 * The pair installed for each minor when the environment pins neither. The chart: the last one
 * cut for the minor (1.35: the first whose default image is 1.35, without the write permissions of
 * features this platform does not use). The image: a patch of the minor published with or after the chart (not necessarily the newest: bump with the table).
 */
export const CLUSTER_AUTOSCALER_RELEASES: Readonly<Record<string, ClusterAutoscalerRelease>> = {
  "1.32": { chartVersion: "9.46.6", imageTag: "v1.32.5" },
  "1.33": { chartVersion: "9.51.0", imageTag: "v1.33.5" },
  "1.34": { chartVersion: "9.53.0", imageTag: "v1.34.4" },
  "1.35": { chartVersion: "9.56.0", imageTag: "v1.35.1" },
};

/** The first minor whose autoscaler watches resource.k8s.io whatever its flags. */
export const RESOURCE_API_FROM_MINOR = "1.35";

const minorOf = (version: string): string | undefined => /^v?(\d+\.\d+)(\.\d+)?$/.exec(version)?.[1];
const minorNumber = (minor: string) => {
  const [major, rest] = minor.split(".").map(Number);
  return major * 1000 + rest;
};

/** The tested pair for a Kubernetes minor ("1.34"), or undefined when the table has none. */
export function clusterAutoscalerRelease(kubernetesVersion: string): ClusterAutoscalerRelease | undefined {
  return CLUSTER_AUTOSCALER_RELEASES[kubernetesVersion];
}

export interface ClusterAutoscalerChoice {
  readonly kubernetesVersion: string;
  /** Empty or absent: the table's chart for the minor. */
  readonly chartVersion?: string;
  /** Empty or absent: the table's image for the minor. */
  readonly imageTag?: string;
}

export interface ClusterAutoscalerProblem {
  readonly field: "chartVersion" | "imageTag";
  readonly value: string;
  readonly message: string;
}

/**
 * What is wrong with a chart/image choice for a cluster version; empty when the pair is one the
 * table vouches for: the chart cut for the cluster's minor (its ClusterRole covers what that
 * autoscaler watches) and an image of the same minor.
 */
export function clusterAutoscalerProblems(choice: ClusterAutoscalerChoice): ClusterAutoscalerProblem[] {
  const minor = minorOf(choice.kubernetesVersion);
  if (!minor) return [];
  const release = clusterAutoscalerRelease(minor);
  const problems: ClusterAutoscalerProblem[] = [];
  const chartVersion = choice.chartVersion || release?.chartVersion;
  const imageTag = choice.imageTag || release?.imageTag;
  const tested = release ? `leave it empty for the tested pair of ${minor} (chart ${release.chartVersion}, image ${release.imageTag})` : `add a ${minor} entry to CLUSTER_AUTOSCALER_RELEASES in components/lib/cluster-autoscaler.ts`;

  if (!chartVersion) {
    problems.push({ field: "chartVersion", value: "", message: `no cluster-autoscaler chart is known for Kubernetes ${minor}; pin the chart cut for ${minor} (its Chart.yaml appVersion ${minor}.x) after checking its ClusterRole, and add it to components/lib/cluster-autoscaler.ts` });
  } else {
    const chart = CLUSTER_AUTOSCALER_CHARTS[chartVersion.replace(/^v/, "")];
    if (!chart) {
      problems.push({ field: "chartVersion", value: chartVersion, message: `is not in the cluster-autoscaler compatibility table (components/lib/cluster-autoscaler.ts), so nothing says its ClusterRole covers what the ${minor} autoscaler watches; ${tested}, or add the chart with its Chart.yaml appVersion after reading its templates/clusterrole.yaml` });
    } else if (minorOf(chart.appVersion) !== minor) {
      const lacksResourceApi = !chart.resourceApiAccess && minorNumber(minor) >= minorNumber(RESOURCE_API_FROM_MINOR);
      problems.push({
        field: "chartVersion",
        value: chartVersion,
        message: `is the chart of cluster-autoscaler ${chart.appVersion} (Kubernetes ${minorOf(chart.appVersion)}), not ${minor}: its ClusterRole is cut for that minor${lacksResourceApi ? `, and grants no resource.k8s.io access, which the ${minor} autoscaler needs (it would loop on "forbidden": kubernetes/autoscaler#10278)` : ""}; ${tested}, or pin a chart cut for ${minor}`,
      });
    }
  }

  if (!imageTag) {
    problems.push({ field: "imageTag", value: "", message: `no cluster-autoscaler image is known for Kubernetes ${minor}; set the image of the ${minor} release (e.g. v${minor}.0)` });
  } else if (!/^v\d+\.\d+\.\d+$/.test(imageTag)) {
    problems.push({ field: "imageTag", value: imageTag, message: `must be a release tag such as v${minor}.0 (registry.k8s.io/autoscaling/cluster-autoscaler)` });
  } else if (minorOf(imageTag) !== minor) {
    problems.push({ field: "imageTag", value: imageTag, message: `is cluster-autoscaler ${minorOf(imageTag)}, which supports only Kubernetes ${minorOf(imageTag)}, not ${minor}; ${tested}, or pin a v${minor}.x image` });
  }
  return problems;
}
