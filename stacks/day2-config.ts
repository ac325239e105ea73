/**
 * Rules for the keys that make day-2 operations safe on a running environment: the EKS control
 * plane's zones when AZs are added, cluster-autoscaler's chart and image of one minor, the pinned
 * node image, an Aurora major upgrade prepared, the master password's rotation. Each rule is the components' own (components/lib), reported
 * per key with the value and the fix before anything runs. Deployment order and what each change
 * does to a running environment: docs/runbooks/.
 */
import { MAX_AZS } from "../components/lib/cidr";
import { clusterAutoscalerProblems } from "../components/lib/cluster-autoscaler";
import { checkAmiRelease, nodeGroupReleaseProblem } from "../components/lib/node-pool-plan";
import { parseAddonVersions } from "../components/lib/eks";
import { AURORA_ENGINES, parameterGroupFamily, planMajorUpgrade, type AuroraEngine } from "../components/lib/aurora";
import type { EnvironmentSettings } from "./config";

type Report = (key: string, value: unknown, message: string) => void;

function checkControlPlaneZones(s: EnvironmentSettings, report: Report): void {
  const n = s.eksControlPlaneAzCount;
  if (!Number.isInteger(n) || n < 2 || n > MAX_AZS) {
    report("eksControlPlaneAzCount", n, `must be 2 to ${MAX_AZS}: the number of zones (the first ones) the EKS control plane was created with; keep it at the value the clusters were created with (3 unless azCount was 2 then)`);
  }
}

/** Chart and image of one Kubernetes minor: a chart of another minor lacks the RBAC its image needs. */
function checkClusterAutoscaler(s: EnvironmentSettings, report: Report): void {
  if (!/^\d+\.\d+$/.test(s.kubernetesVersion)) return; // reported with kubernetesVersion
  const problems = clusterAutoscalerProblems({ kubernetesVersion: s.kubernetesVersion, chartVersion: s.clusterAutoscalerChartVersion, imageTag: s.clusterAutoscalerImageTag });
  for (const p of problems) {
    const key = p.field === "chartVersion" ? "clusterAutoscalerChartVersion" : "clusterAutoscalerImageTag";
    report(key, s[key], `${p.message} (kubernetesVersion ${s.kubernetesVersion})`);
  }
}

/** A pinned node image: nodes roll when the release is bumped, not on whatever deploy follows an AMI release. */
function checkNodeImage(s: EnvironmentSettings, report: Report): void {
  try {
    checkAmiRelease(s.nodeAmiReleaseVersion);
  } catch (err) {
    report("nodeAmiReleaseVersion", s.nodeAmiReleaseVersion, `${(err as Error).message}; see docs/runbooks/node-images.md`);
  }
  // The managed kind's own pin: without it EKS keeps the image a group was created with.
  const release = s.nodeGroupReleaseVersion;
  if (s.nodePoolKind === "managed") {
    if (!release) {
      report("nodeGroupReleaseVersion", release, `is required with nodePoolKind managed: the EKS AMI release of the node groups, e.g. ${s.kubernetesVersion}.2-20260714 (an existing group: aws eks describe-nodegroup --query nodegroup.releaseVersion); without one EKS keeps the image a group was created with and no security patch reaches the nodes; see docs/runbooks/node-images.md`);
    } else if (/^1\.\d{2}$/.test(s.kubernetesVersion)) {
      const problem = nodeGroupReleaseProblem(release, s.kubernetesVersion);
      if (problem) report("nodeGroupReleaseVersion", release, problem);
    }
  } else if (release) {
    report("nodeGroupReleaseVersion", release, `has no effect with nodePoolKind ${s.nodePoolKind} (its nodes run nodeAmiReleaseVersion); remove it`);
  }
  if (!/^\d+\.\d+\.\d+$/.test(s.nodeTerminationHandlerChartVersion)) {
    report("nodeTerminationHandlerChartVersion", s.nodeTerminationHandlerChartVersion, "must be an exact chart version such as 0.27.6 (a range would let regions install different charts)");
  }
}

/**
 * A major upgrade, prepared: the target must be a higher major of the same engine, and
 * rds.global_db_rpo must be off for as long as the upgrade is set (a non-zero value blocks major
 * upgrades of a global database).
 */
function checkDatabaseUpgrade(s: EnvironmentSettings, report: Report): void {
  const target = s.dbMajorUpgradeTargetVersion;
  if (!target || !(AURORA_ENGINES as readonly string[]).includes(s.dbEngine)) return;
  const engine = s.dbEngine as AuroraEngine;
  let current: string;
  try {
    current = parameterGroupFamily(engine, s.dbEngineVersion);
  } catch {
    return; // reported with dbEngineVersion
  }
  try {
    const upgrade = planMajorUpgrade(engine, s.dbEngineVersion, target);
    if (!upgrade.pending && target !== s.dbEngineVersion) {
      report("dbMajorUpgradeTargetVersion", target, `is of the same family as dbEngineVersion ${s.dbEngineVersion} (${current}): a minor upgrade needs no new parameter groups; change dbEngineVersion directly and remove this key`);
    }
  } catch (err) {
    report("dbMajorUpgradeTargetVersion", target, `${(err as Error).message}; name a higher major version of ${engine} (e.g. the ValidUpgradeTarget of aws rds describe-db-engine-versions)`);
    return;
  }
  if (s.dbGlobalRpoSeconds !== 0) {
    report("dbGlobalRpoSeconds", s.dbGlobalRpoSeconds, `must be 0 while dbMajorUpgradeTargetVersion is set (${target}): a non-zero rds.global_db_rpo blocks major upgrades of a global database. Deploy 0 with the target, upgrade, then restore it after removing dbMajorUpgradeTargetVersion`);
  }
}

function checkPasswordRotation(s: EnvironmentSettings, report: Report): void {
  if (!Number.isInteger(s.dbMasterPasswordRotation) || s.dbMasterPasswordRotation < 0) {
    report("dbMasterPasswordRotation", s.dbMasterPasswordRotation, "must be a whole number, 0 or more: raise it by one to rotate the Aurora master password");
  }
}

/** Pinned EKS add-on versions: one entry per add-on, of a version EKS lists. */
function checkAddonVersions(s: EnvironmentSettings, report: Report): void {
  for (const { entry, message } of parseAddonVersions(s.eksAddonVersions, s.kubernetesVersion).problems) report("eksAddonVersions", entry, message);
}

/** Every day-2 rule; parseEnvironment runs them with the other domain rules. */
export function checkDay2(s: EnvironmentSettings, report: Report): void {
  checkControlPlaneZones(s, report);
  checkClusterAutoscaler(s, report);
  checkNodeImage(s, report);
  checkAddonVersions(s, report);
  checkDatabaseUpgrade(s, report);
  checkPasswordRotation(s, report);
}
