/**
 * Change hazards: what a change of the environment itself means, beyond the resources it touches
 * — an EKS version skip, an Aurora engine change, a different AZ count, a region leaving, the
 * primary moving — each with the runbook to follow. Pure: two environment settings in, findings out.
 * The settings are the global stack's `environment` output (stacks/global.ts).
 */

import { isEngineDowngrade, parameterGroupFamily } from "../../../components/lib/aurora";
import { cacheMajorVersion, cacheParameterGroupFamily, type CacheEngine } from "../../../components/lib/cache";
import { DEFAULT_RATE_LIMIT } from "../../../components/lib/edge";
import { parseAddonVersions } from "../../../components/lib/eks";
import { regionOfZoneId } from "../../../components/lib/zones";
import { regionOrderChange, vpcCidrChanges, type RegionListFinding } from "./region-list";

export type HazardKind =
  | "kubernetes-minor-skip"
  | "kubernetes-downgrade"
  | "kubernetes-upgrade"
  | "vpc-cni-minor-skip"
  | "aurora-engine-change"
  | "aurora-downgrade"
  | "aurora-major-upgrade"
  | "aurora-minor-upgrade"
  | "az-count-change"
  | "eks-control-plane-zones"
  | "pinned-zones-reordered"
  | "aurora-password-rotation"
  | "region-removed"
  | "region-added"
  | "region-order-change"
  | "primary-moved"
  | "vpc-cidr-change"
  | "zone-rename"
  | "health-check-interval-change"
  | "node-pool-replaced"
  | "dnssec-change"
  | "cache-home-not-primary"
  | "cache-major-upgrade"
  | "cache-parameter-group-change"
  | "regional-waf-starts-blocking"
  | "target-group-replaced";

export interface Hazard {
  kind: HazardKind;
  /**
   * "blocking": AWS or the engine refuses it as planned, or a runbook forbids the path (one AWS
   * advises against); "risk": it works but can lose data or serving.
   */
  severity: "blocking" | "risk" | "notice";
  message: string;
  /** Runbook under docs/runbooks/ to follow. */
  runbook: string | null;
}

type Settings = Record<string, unknown>;

/**
 * The way past a blocking hazard that is right: the diff compares config with config, not with
 * what runs, so reverting an upgrade merged and never deployed, or catching up with a version AWS
 * moved to, is blocking here. preview.yml passes it as a warning under this PR label.
 */
const ACKNOWLEDGE = `acknowledge it with the pull request label hazards-acknowledged (docs/deploying.md, "Blocking hazards")`;

function minor(version: unknown): [number, number] | null {
  const m = typeof version === "string" ? /^(\d+)\.(\d+)/.exec(version) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Parameter-group family of an engine version (the major), or "" when either is unknown. */
function engineFamily(engine: unknown, version: unknown): string {
  if ((engine !== "aurora-postgresql" && engine !== "aurora-mysql") || typeof version !== "string" || version === "") return "";
  try {
    return parameterGroupFamily(engine, version);
  } catch {
    return ""; // a malformed version is config validation's to report
  }
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/**
 * Zones the EKS control plane uses under these settings: the first min(eksControlPlaneAzCount,
 * azCount); every zone for settings from before the key existed (what those programs did).
 */
function controlPlaneZones(s: Settings): number | null {
  const az = Number(s.azCount);
  if (!Number.isFinite(az)) return null;
  return s.eksControlPlaneAzCount === undefined ? az : Math.min(az, Number(s.eksControlPlaneAzCount));
}

/** A finding of region-list.ts as a hazard (the plan's JSON holds these four fields). */
const hazardOf = ({ kind, severity, message, runbook }: RegionListFinding): Hazard => ({ kind, severity, message, runbook });

/**
 * Hazards of changing an environment from `base` to `current` settings. `environment` (the plan's)
 * names stacks in the messages.
 */
export function environmentHazards(base: Settings, current: Settings, environment = "<env>"): Hazard[] {
  const out: Hazard[] = [];
  const from = minor(base.kubernetesVersion);
  const to = minor(current.kubernetesVersion);
  if (from && to && from[0] === to[0] && to[1] !== from[1]) {
    const steps = to[1] - from[1];
    if (steps > 1) {
      out.push({ kind: "kubernetes-minor-skip", severity: "blocking", runbook: "docs/runbooks/upgrade-kubernetes.md", message: `Kubernetes ${base.kubernetesVersion} → ${current.kubernetesVersion} skips ${steps - 1} minor version(s): EKS upgrades one minor at a time (UpdateClusterVersion refuses the jump). Go through ${Array.from({ length: steps - 1 }, (_, i) => `${from[0]}.${from[1] + i + 1}`).join(", ")} first, one pull request each. If every cluster already runs ${current.kubernetesVersion} (AWS upgraded them itself: upgrade-kubernetes.md, "When AWS upgraded the control plane itself"), this only catches the config up: check each region with aws eks describe-cluster, then ${ACKNOWLEDGE}.` });
    } else if (steps < 0) {
      out.push({ kind: "kubernetes-downgrade", severity: "blocking", runbook: "docs/runbooks/upgrade-kubernetes.md", message: `Kubernetes ${base.kubernetesVersion} → ${current.kubernetesVersion} is a downgrade: EKS cannot downgrade a cluster; the only way back is a new cluster. If no cluster runs ${base.kubernetesVersion} (its upgrade was merged and never deployed: aws eks describe-cluster in each region), putting the version back is right: ${ACKNOWLEDGE}.` });
    } else {
      out.push({ kind: "kubernetes-upgrade", severity: "notice", runbook: "docs/runbooks/upgrade-kubernetes.md", message: `Kubernetes ${base.kubernetesVersion} → ${current.kubernetesVersion}: the control plane upgrades in place (cannot be rolled back); node groups roll after it and add-ons must support the new minor: bump the pins of eksAddonVersions in the same change, except vpc-cni, which moves one vpc-cni minor at a time in changes of its own before this one, on the current Kubernetes version (left unpinned, it would jump to the new minor's default, possibly several vpc-cni minors ahead). Upgrade one region at a time.` });
    }
  }
  out.push(...vpcCniHazards(base, current));

  if (base.dbEngine !== undefined && base.dbEngine !== current.dbEngine) {
    out.push({ kind: "aurora-engine-change", severity: "risk", runbook: "docs/runbooks/aurora-global-database.md", message: `Aurora engine ${String(base.dbEngine)} → ${String(current.dbEngine)}: the engine cannot change in place; the global cluster and every member are replaced — all data is lost unless migrated first.` });
  } else {
    // The parameter-group family is the major: aurora-mysql 8.0 → 8.4 is one, though the first
    // number stays.
    const a = engineFamily(base.dbEngine, base.dbEngineVersion);
    const b = engineFamily(current.dbEngine, current.dbEngineVersion);
    if (a && b && isEngineDowngrade(String(base.dbEngineVersion), String(current.dbEngineVersion))) {
      // Before the family test: a lower family is no major upgrade, a lower minor no minor one.
      // ModifyGlobalCluster (and the provider's per-member path) refuse an older version; the way
      // back AWS documents is the snapshot taken before the upgrade, restored into a new cluster.
      out.push({ kind: "aurora-downgrade", severity: "blocking", runbook: "docs/runbooks/aurora-global-database.md", message: `Aurora ${String(base.dbEngine)} ${String(base.dbEngineVersion)} → ${String(current.dbEngineVersion)} is a downgrade: Aurora cannot downgrade a cluster in place, so the global stack's update fails in wave 1. Keep platform:dbEngineVersion: "${String(base.dbEngineVersion)}" (if the clusters run a newer version than that, set the version they run). To run ${String(current.dbEngineVersion)} again, restore a snapshot taken before the upgrade into a new global database: a rebuild, not a config change, and the writes since that snapshot are lost unless exported and replayed. If no member runs ${String(base.dbEngineVersion)} (its upgrade was merged and never deployed: aws rds describe-global-clusters), putting the version back is right: ${ACKNOWLEDGE}.` });
    } else if (a && b && a !== b) {
      const runbook = "docs/runbooks/aurora-global-database.md";
      const upgrade = `Aurora ${String(base.dbEngine)} ${String(base.dbEngineVersion)} → ${String(current.dbEngineVersion)} is a major upgrade`;
      const rpo = [base.dbGlobalRpoSeconds, current.dbGlobalRpoSeconds].some((v) => Number(v ?? 0) > 0);
      // The deployed environment (base) must have prepared this target: its groups exist then.
      const prepared = engineFamily(base.dbEngine, base.dbMajorUpgradeTargetVersion) === b;
      if (rpo) {
        out.push({ kind: "aurora-major-upgrade", severity: "blocking", runbook, message: `${upgrade}, and rds.global_db_rpo is on (dbGlobalRpoSeconds ${String(base.dbGlobalRpoSeconds ?? 0)} → ${String(current.dbGlobalRpoSeconds ?? 0)}): a non-zero RPO blocks major upgrades of a global database. Deploy dbGlobalRpoSeconds: 0 with dbMajorUpgradeTargetVersion first.` });
      } else if (!prepared) {
        out.push({ kind: "aurora-major-upgrade", severity: "blocking", runbook, message: `${upgrade}, and the new family's parameter groups do not exist yet: the upgrade (through the global cluster, wave 1) resets every member to the default groups, and each region would have to create its own group before re-attaching it (TLS-only and audit settings off meanwhile). Deploy platform:dbMajorUpgradeTargetVersion: ${String(current.dbEngineVersion)} first, then change dbEngineVersion.` });
      } else {
        out.push({ kind: "aurora-major-upgrade", severity: "risk", runbook, message: `${upgrade}, through the global cluster in wave 1 (the database is unavailable while it runs). Members come back on the new version's default parameter groups until each regional stack re-attaches the group prepared for the new family; reboot the instances after that (parameter group status pending-reboot).` });
      }
    } else if (a && b && base.dbEngineVersion !== current.dbEngineVersion) {
      // The provider's minor path (ModifyGlobalCluster refuses the version) modifies the members
      // listed in the GlobalCluster's state, which has none until refreshed: it was created before
      // them. Without them it retries until its timeout.
      out.push({ kind: "aurora-minor-upgrade", severity: "notice", runbook: "docs/runbooks/aurora-global-database.md", message: `Aurora ${String(base.dbEngine)} ${String(base.dbEngineVersion)} → ${String(current.dbEngineVersion)} is a minor upgrade, through the global cluster in wave 1: where ModifyGlobalCluster takes no minor version, the provider upgrades each member the global cluster's refreshed state lists (secondaries first). The deploy workflow refreshes the GlobalCluster before the global stack's update; deploying by hand, run \`pulumi refresh --stack <global stack> --target <its URN>\` first.` });
    }
  }

  if (base.dbMasterPasswordRotation !== undefined && current.dbMasterPasswordRotation !== undefined && base.dbMasterPasswordRotation !== current.dbMasterPasswordRotation) {
    // Secret values are masked in plans: the cluster's new password and the secret's new version
    // cannot show as changes, so the rotation is said here.
    out.push({ kind: "aurora-password-rotation", severity: "notice", runbook: "docs/runbooks/aurora-global-database.md", message: `Aurora master password rotation ${String(base.dbMasterPasswordRotation)} → ${String(current.dbMasterPasswordRotation)}: the global stack generates a new password (wave 1, nothing published), the primary region's stack sets it on the writer and then writes the secret (wave 2), which Secrets Manager copies to every region. Connections already open stay; applications re-read the secret when a new connection is refused.` });
  }

  const zonesRunbook = "docs/runbooks/change-az-count.md";
  if (base.azCount !== undefined && base.azCount !== current.azCount) {
    const more = Number(current.azCount) > Number(base.azCount);
    const change = more
      ? `AZs per region ${String(base.azCount)} → ${String(current.azCount)}: new subnets, NAT gateways and route tables per region; nodes, the load balancer and the database spread to the new AZ, while the EKS control plane keeps the first ${controlPlaneZones(current)} zone(s) (eksControlPlaneAzCount): it only accepts subnets in the AZs it was created with.`
      : `AZs per region ${String(base.azCount)} → ${String(current.azCount)}: the subnets, NAT gateways and nodes of the dropped AZs are deleted — drain them first; database instances there move.`;
    // Whatever the direction: the managed scraper's EKS source subnets force a new scraper.
    const scraper = current.prometheusEnabled !== false ? " Each region's managed Prometheus scraper is replaced too (its subnets cannot change in place): a few minutes without samples." : "";
    out.push({ kind: "az-count-change", severity: "risk", runbook: zonesRunbook, message: `${change}${scraper}` });
  }
  const [cpWas, cpNow] = [controlPlaneZones(base), controlPlaneZones(current)];
  if (cpWas !== null && cpNow !== null && cpNow > cpWas) {
    out.push({ kind: "eks-control-plane-zones", severity: "blocking", runbook: zonesRunbook, message: `The EKS control planes' subnets go from the first ${cpWas} to the first ${cpNow} zones: UpdateClusterConfig refuses subnets in an AZ a cluster was not created in, so \`pulumi up\` fails at every cluster. Set platform:eksControlPlaneAzCount: ${cpWas} (the zones the clusters were created with).` });
  }

  if (cpWas !== null && cpNow !== null && cpNow < cpWas) {
    out.push({ kind: "eks-control-plane-zones", severity: "notice", runbook: zonesRunbook, message: `The EKS control planes' subnets go from the first ${cpWas} to the first ${cpNow} zones (eksControlPlaneAzCount): the clusters drop the other zones' subnets in place (UpdateClusterConfig); keep at least two, and set eksControlPlaneAzCount: ${cpWas} to keep them all.` });
  }

  const pinnedWas = list(base.availabilityZoneIds);
  const pinnedNow = list(current.availabilityZoneIds);
  for (const region of new Set(pinnedWas.map((id) => regionOfZoneId(id) ?? ""))) {
    const was = pinnedWas.filter((id) => (regionOfZoneId(id) ?? "") === region);
    const now = pinnedNow.filter((id) => (regionOfZoneId(id) ?? "") === region);
    const moved = was.map((id, i) => [id, now[i]] as const).filter(([id, then]) => then !== undefined && then !== id);
    if (moved.length > 0) {
      out.push({ kind: "pinned-zones-reordered", severity: "blocking", runbook: zonesRunbook, message: `availabilityZoneIds of ${region || "a region"}: ${moved.map(([id, then]) => `position ${was.indexOf(id) + 1} ${id} → ${then}`).join(", ")}. Subnets are placed by position: the subnet, NAT gateway and nodes there would be replaced while serving, and the EKS control plane handed a zone it was not created in. Keep the listed zones in place and append new ones at the end.` });
    }
  }

  const baseRegions = list(base.regions);
  const currentRegions = list(current.regions);
  for (const region of baseRegions.filter((r) => !currentRegions.includes(r))) {
    out.push({ kind: "region-removed", severity: "risk", runbook: "docs/runbooks/remove-a-region.md", message: `Region ${region} leaves the environment: evacuate it (routing control off), detach its Aurora secondary from the global cluster, then \`pulumi destroy\` its stack — everything in it is deleted.` });
  }
  for (const region of currentRegions.filter((r) => !baseRegions.includes(r))) {
    out.push({ kind: "region-added", severity: "notice", runbook: "docs/runbooks/add-a-region.md", message: `Region ${region} joins the environment: deploy the global stack first, then the new regional stack; its Aurora secondary replicates from the primary before it takes traffic.` });
  }
  // The region order and the kept regions' CIDRs are judged once, for this diff and for the deploy
  // waves alike (region-list.ts): the waves refuse what is blocking here.
  const [layoutWas, layoutNow] = [{ regions: baseRegions, vpcCidrs: list(base.vpcCidrs) }, { regions: currentRegions, vpcCidrs: list(current.vpcCidrs) }];
  const order = regionOrderChange(baseRegions, currentRegions, environment);
  if (order) out.push(hazardOf(order));
  // A new region first is the order's finding (a writer without data), not a switchover.
  if (baseRegions[0] && currentRegions[0] && baseRegions[0] !== currentRegions[0] && baseRegions.includes(currentRegions[0])) {
    out.push({ kind: "primary-moved", severity: "risk", runbook: "docs/runbooks/planned-switchover.md", message: `The primary region moves ${baseRegions[0]} → ${currentRegions[0]}: switch the Aurora global database over first (planned switchover), then change the region order; deploying the order alone would recreate members with the wrong role.` });
  }

  out.push(...vpcCidrChanges(layoutWas, layoutNow).map(hazardOf));

  if (base.dnsZoneName !== undefined && base.dnsZoneName !== current.dnsZoneName) {
    const signed = base.dnsDnssec === true ? ` The old zone signs (DNSSEC): its DS record must leave the parent, and resolvers drop it, before its signing goes (docs/runbooks/dnssec.md), or the old names answer SERVFAIL meanwhile.` : "";
    out.push({ kind: "zone-rename", severity: "risk", runbook: "docs/runbooks/README.md", message: `Hosted zone ${String(base.dnsZoneName)} → ${String(current.dnsZoneName)}: a new zone with new name servers; the parent must delegate it before ACM validation or any record answers, and every record and certificate is recreated.${signed}` });
  }
  // An EKS managed node group's instance types force a new group (as switching the pool's kind
  // replaces it): Pulumi creates the new group before deleting the old, but the new one starts at
  // nodeDesiredSize, not at the size cluster-autoscaler grew the old one to (the ignored
  // desiredSize applies to updates only). The self-managed group changes its mixed instances
  // policy in place and rolls through an instance refresh that drains.
  const kindChanged = base.nodePoolKind !== undefined && current.nodePoolKind !== undefined && base.nodePoolKind !== current.nodePoolKind;
  const managedTypesChanged = base.nodePoolKind === "managed" && current.nodePoolKind === "managed" && list(base.nodeInstanceTypes).join(",") !== list(current.nodeInstanceTypes).join(",");
  // A managed node group's subnets force a new group too, and the AZ count changes them.
  const managedZonesChanged = base.nodePoolKind === "managed" && current.nodePoolKind === "managed" && base.azCount !== undefined && current.azCount !== undefined && base.azCount !== current.azCount;
  if (kindChanged || managedTypesChanged || managedZonesChanged) {
    const what = kindChanged
      ? `Node pool kind ${String(base.nodePoolKind)} → ${String(current.nodePoolKind)}`
      : managedTypesChanged
        ? `Instance types of the EKS managed node groups ${list(base.nodeInstanceTypes).join(", ")} → ${list(current.nodeInstanceTypes).join(", ")}`
        : `AZ count ${String(base.azCount)} → ${String(current.azCount)} with EKS managed node groups (their subnets cannot change in place)`;
    out.push({ kind: "node-pool-replaced", severity: "risk", runbook: "docs/runbooks/node-images.md", message: `${what}: every region's node pool is replaced. The new pool starts at nodeDesiredSize (${String(current.nodeDesiredSize ?? "its default")}) while the old one, which cluster-autoscaler may have grown, drains and goes: pods stay pending until the autoscaler catches up. Set nodeDesiredSize to the largest live size of the regions for this deploy, and deploy one region at a time.` });
  }
  out.push(...dnssecHazards(base, current));
  const firstRegion = list(current.regions)[0];
  if (base.cacheEnabled !== true && current.cacheEnabled === true && current.cacheHomeRegion !== undefined && current.cacheHomeRegion !== firstRegion) {
    // The primary region deploys in wave 2, before every other region; a cache member outside
    // the home region reads the datastore's id from the home region's stack.
    out.push({ kind: "cache-home-not-primary", severity: "blocking", runbook: "docs/data-tier.md", message: `The cache is turned on with its home in ${String(current.cacheHomeRegion)}, not the primary region ${String(firstRegion)}: the primary region's stack deploys first and reads the Global Datastore's id from ${String(current.cacheHomeRegion)}'s stack, which has not created it yet, so the rollout stops there. Set platform:cacheHomeRegion: ${String(firstRegion)}.` });
  }
  out.push(...cacheVersionHazards(base, current));
  if (base.healthCheckIntervalSeconds !== undefined && base.healthCheckIntervalSeconds !== current.healthCheckIntervalSeconds) {
    out.push({ kind: "health-check-interval-change", severity: "notice", runbook: null, message: `Health-check interval ${String(base.healthCheckIntervalSeconds)} s → ${String(current.healthCheckIntervalSeconds)} s: Route 53 cannot change it after creation; every health check (and the records that use them) is replaced.` });
  }
  if (base.serviceContainerPort !== undefined && base.serviceContainerPort !== current.serviceContainerPort) {
    // The target group's name is salted with its port (components/ingress.ts): a new port is a new
    // target group, which the listener forwards to as soon as it exists, before any pod is in it.
    out.push({ kind: "target-group-replaced", severity: "risk", runbook: "docs/runbooks/evacuate-a-region.md", message: `serviceContainerPort ${String(base.serviceContainerPort)} → ${String(current.serviceContainerPort)}: every region's target group is replaced (its name follows the port), and its HTTPS listener moves to the new, empty one as soon as it exists. The region answers 503 until the load balancer controller has registered the pods there and the ALB has seen each pass 2 health checks 10 s apart: usually under a minute, more while ELB is slow to register targets. The old TargetGroupBinding goes before the new one comes, so the pods' rollout to the new port completes; the image must listen on it in this deploy. To serve throughout, evacuate each secondary region before its stack deploys and bring it back after (the primary holds the writer record: switch over first, or accept the gap there).` });
  }
  // count → block (the default when unset): what the soak only counted is refused from this deploy on.
  if (base.regionalWafMode === "count" && current.regionalWafMode !== "count" && current.regionalWafEnabled !== false) {
    const limit = current.edgeRateLimitPerFiveMinutes ?? DEFAULT_RATE_LIMIT;
    const bodies = current.edgeAllowLargeRequestBodies === true ? "" : " request bodies over 8 KB (edgeAllowLargeRequestBodies is off),";
    out.push({ kind: "regional-waf-starts-blocking", severity: "notice", runbook: "docs/data-tier.md", message: `Regional WAF count → block (regionalWafMode): each region's web ACL starts refusing with a 403 what it only counted so far: clients over ${String(limit)} requests per IP per 5 minutes (CloudFront's verified requests and the region's own NAT gateways excepted),${bodies} and whatever the IP reputation list, the core rule set and known bad inputs match. Check the counted requests in each region's aws-waf-logs-* log group and the rules' CloudWatch metrics first; allow what must pass (edgeRateLimitPerFiveMinutes, edgeAllowLargeRequestBodies) in the same change.` });
  }
  return out;
}

/** [major, minor] of a pinned vpc-cni version (v1.19.2-eksbuild.1 → [1, 19]), or null when not pinned. */
function vpcCniMinor(s: Settings): [number, number] | null {
  const version = parseAddonVersions(list(s.eksAddonVersions)).versions["vpc-cni"];
  const m = version ? /^v(\d+)\.(\d+)\./.exec(version) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/**
 * A vpc-cni pin that moves more than one minor at once. The Amazon VPC CNI documentation says to
 * update the add-on one minor version at a time, and every update rolls the aws-node DaemonSet,
 * the address of every pod, over every node of the region: upgrade-kubernetes.md steps it up one
 * minor per change. A pin added or removed, or a new major, is not judged here.
 */
function vpcCniHazards(base: Settings, current: Settings): Hazard[] {
  const [from, to] = [vpcCniMinor(base), vpcCniMinor(current)];
  if (!from || !to || from[0] !== to[0] || to[1] - from[1] <= 1) return [];
  const was = parseAddonVersions(list(base.eksAddonVersions)).versions["vpc-cni"];
  const now = parseAddonVersions(list(current.eksAddonVersions)).versions["vpc-cni"];
  const skipped = Array.from({ length: to[1] - from[1] - 1 }, (_, i) => `v${from[0]}.${from[1] + i + 1}`);
  return [{ kind: "vpc-cni-minor-skip", severity: "blocking", runbook: "docs/runbooks/upgrade-kubernetes.md", message: `eksAddonVersions vpc-cni ${was} → ${now} skips ${skipped.length} vpc-cni minor version(s) (${skipped.join(", ")}): the Amazon VPC CNI documentation says to update the add-on one minor at a time, and each update rolls the aws-node DaemonSet, every pod's network, over every node of the region. Pin the newest ${skipped[0]}.x-eksbuild.N EKS offers for the current Kubernetes version first (aws eks describe-addon-versions --addon-name vpc-cni), deploy it, then each next minor in a change of its own. If every region's add-on already runs ${now} (a pin lowered in a change never deployed, now put back: aws eks describe-addon --addon-name vpc-cni), ${ACKNOWLEDGE}.` }];
}

/**
 * The cache datastore's parameter group moves with a major engine upgrade only
 * (components/lib/cache.ts): the provider sends cacheParameterGroupName with the major upgrade,
 * which requires a group of the new family, and fails its plan on a change of it without one.
 * A datastore being created ignores it, so only an environment with the cache on before counts.
 */
function cacheVersionHazards(base: Settings, current: Settings): Hazard[] {
  if (base.cacheEnabled !== true || current.cacheEnabled !== true || base.cacheEngine !== current.cacheEngine) return [];
  const [was, now] = [String(base.cacheEngineVersion ?? ""), String(current.cacheEngineVersion ?? "")];
  const [groupWas, group] = [String(base.cacheParameterGroupName ?? ""), String(current.cacheParameterGroupName ?? "")];
  const [from, to] = [cacheMajorVersion(was), cacheMajorVersion(now)];
  const runbook = "docs/data-tier.md";
  if (from !== undefined && to !== undefined && to > from) {
    const family = cacheParameterGroupFamily(current.cacheEngine as CacheEngine, now);
    const upgrade = `Cache ${String(current.cacheEngine)} ${was} → ${now} is a major upgrade, through the Global Datastore in ${String(current.cacheHomeRegion)}'s stack`;
    if (group === "" || group === groupWas) {
      return [{ kind: "cache-major-upgrade", severity: "blocking", runbook, message: `${upgrade}, which needs a parameter group of the ${family} family: platform:cacheParameterGroupName ${group === "" ? "is empty" : `is still ${group}, the current version's`}. Set platform:cacheParameterGroupName: default.${family} (or a group of yours of that family) in this change.` }];
    }
    return [{ kind: "cache-major-upgrade", severity: "notice", runbook, message: `${upgrade}, onto ${group}: every member follows, and there is no way back (a downgrade replaces the datastore and every member). Keep platform:cacheParameterGroupName: ${group} afterwards: the provider refuses a change of it without the next major upgrade.` }];
  }
  if (group !== groupWas) {
    return [{ kind: "cache-parameter-group-change", severity: "blocking", runbook, message: `platform:cacheParameterGroupName ${groupWas === "" ? "(empty)" : groupWas} → ${group === "" ? "(empty)" : group} without a major cacheEngineVersion upgrade (${was} → ${now}): the provider refuses it ("cannot change parameter group name without upgrading major engine version") and the home region's deploy stops. Keep platform:cacheParameterGroupName: ${groupWas === "" ? '""' : groupWas}, and change it only with the next major version.` }];
  }
  return [];
}

/** The DS record's TTL in the parent zone when the global stack writes it (components/global-traffic.ts). */
const PARENT_DS_TTL_SECONDS = 3600;

/**
 * DNSSEC on and off. A validating resolver that holds the parent's DS record for a zone that no
 * longer signs finds no key to match it and answers SERVFAIL for every name of the zone, until
 * the cached DS expires: the DS record must leave the parent, and resolvers drop it, before
 * signing stops. Settings from before a key existed: dnsDnssecParentDs was true.
 */
function dnssecHazards(base: Settings, current: Settings): Hazard[] {
  const runbook = "docs/runbooks/dnssec.md";
  const parentDs = (s: Settings) => s.dnsDnssec === true && Boolean(s.dnsParentZoneName) && s.dnsDnssecParentDs !== false;
  if (base.dnsDnssec === true && current.dnsDnssec !== true) {
    if (parentDs(base)) {
      return [{ kind: "dnssec-change", severity: "blocking", runbook, message: `DNSSEC off in one deploy: the DS record leaves ${String(base.dnsParentZoneName)} and ${String(current.dnsZoneName)} stops signing seconds later, while validating resolvers keep the DS for its TTL (${PARENT_DS_TTL_SECONDS} s) and answer SERVFAIL for every name of the zone until it lapses. Deploy platform:dnsDnssecParentDs: false first, wait at least ${PARENT_DS_TTL_SECONDS / 60} minutes, then turn dnsDnssec off (the signing resources are protected: unprotect them as the runbook says).` }];
    }
    const where = base.dnsDnssecParentDs === false && base.dnsParentZoneName ? `the global stack removed it from ${String(base.dnsParentZoneName)}` : "it was published by hand (registrar or parent zone)";
    return [{ kind: "dnssec-change", severity: "risk", runbook, message: `DNSSEC off: ${String(current.dnsZoneName)} stops signing. Safe only if the DS record is gone from the parent and its TTL has passed since (${where}; registries often keep DS records a day): a validating resolver still holding it answers SERVFAIL for the whole zone. The signing resources are protected: unprotect them as the runbook says.` }];
  }
  if (parentDs(base) && current.dnsDnssec === true && current.dnsDnssecParentDs === false) {
    return [{ kind: "dnssec-change", severity: "notice", runbook, message: `The DS record of ${String(current.dnsZoneName)} leaves ${String(current.dnsParentZoneName)} while the zone keeps signing (step one of turning DNSSEC off): the record is protected, unprotect it first. Turn dnsDnssec off no sooner than ${PARENT_DS_TTL_SECONDS / 60} minutes after this deploy.` }];
  }
  // A zone that served before this deploy: resolvers may hold its unsigned answers, and AWS's
  // procedure publishes the DS record only once the largest TTL of the zone has passed since
  // signing began (Route 53 gives the zone's own NS records two days unless lowered).
  const served = base.dnsZoneName === current.dnsZoneName;
  const wait = "the largest TTL of the zone's records (its NS records: 172800 s unless lowered)";
  if (base.dnsDnssec !== true && current.dnsDnssec === true) {
    const what = `DNSSEC on for ${String(current.dnsZoneName)}: a KMS key and key-signing key in us-east-1, signing, and alarms for when Route 53 cannot sign`;
    if (parentDs(current) && served) {
      return [{ kind: "dnssec-change", severity: "risk", runbook, message: `${what}, and the DS record in ${String(current.dnsParentZoneName)} seconds after signing starts: validating resolvers still holding the zone's unsigned answers may fail them for up to ${wait}. Deploy with platform:dnsDnssecParentDs: false first, and remove it after that wait.` }];
    }
    const ds = parentDs(current)
      ? `the global stack writes the DS record in ${String(current.dnsParentZoneName)} once the zone signs`
      : current.dnsDnssecParentDs === false
        ? `the DS record stays out of ${String(current.dnsParentZoneName)}: remove dnsDnssecParentDs after ${wait}`
        : `publish the global stack's dnssecDsRecord output where the zone is delegated (registrar or parent zone)${served ? ` after ${wait}` : " after this deploy"}`;
    return [{ kind: "dnssec-change", severity: "notice", runbook, message: `${what}; ${ds}. Turning it off later takes two deploys.` }];
  }
  if (base.dnsDnssec === true && base.dnsDnssecParentDs === false && parentDs(current)) {
    return [{ kind: "dnssec-change", severity: "notice", runbook, message: `The DS record of ${String(current.dnsZoneName)} goes into ${String(current.dnsParentZoneName)}: validating resolvers start checking the zone's signatures. Safe once the zone has signed for ${wait}.` }];
  }
  return [];
}
