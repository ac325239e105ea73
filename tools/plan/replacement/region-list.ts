/**
 * What a change of the environment's region list means for the region order and the VPC CIDRs:
 * the one place that judges it. The plan's `--diff` reports these findings as hazards
 * (hazards.ts, environmentHazards), and the deploy waves refuse by them before wave 1
 * (tools/ci/region-changes.ts, from tools/ci/deploy-waves.ts `--history`): both call the functions
 * below, so a change cannot be a risk in one and refused in the other. Pure: region lists in,
 * findings out, each naming the keys, the values and the fix.
 *
 * Not judged here: a new primary that already serves (the planned switchover: hazards.ts's
 * primary-moved), regions[1] leaving with an existing region moving up (remove-a-region.md destroys
 * its stack, and so its record, first), and what only the waves can judge (how many regions a
 * change adds, stack files left behind: tools/ci/region-changes.ts).
 */

/** The per-region part of a version of the environment. */
export interface RegionLayout {
  /** `platform:regions`: [0] is the primary (the Aurora writer), [1] holds writer.<zone>'s SECONDARY record (components/lib/dns.ts). */
  readonly regions: readonly string[];
  /** `platform:vpcCidrs`, one per region, in the order of `regions`. */
  readonly vpcCidrs: readonly string[];
}

export interface RegionListFinding {
  readonly kind: "region-order-change" | "vpc-cidr-change";
  /**
   * As a hazard's (hazards.ts): "blocking", AWS refuses it or a runbook forbids the path, so the
   * waves refuse it too; "risk" and "notice" pass the waves, but for `oneStackAtATime`.
   */
  readonly severity: "blocking" | "risk" | "notice";
  readonly message: string;
  readonly runbook: string;
  /**
   * Deployable one stack at a time in the order the message gives (deploy-stack.yml), not by
   * deploy.yml's side-by-side regional wave: a risk in the plan, refused by deploy.yml's waves.
   */
  readonly oneStackAtATime?: boolean;
}

const ADD = "docs/runbooks/add-a-region.md";
const REMOVE = "docs/runbooks/remove-a-region.md";

const append = (regions: readonly string[]) =>
  `append ${regions.join(", ")} at the end of platform:regions, ${regions.length > 1 ? "their CIDRs" : "its CIDR"} at the same position of platform:vpcCidrs (${ADD})`;
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * A VPC's CIDR cannot change in place: the VPC and everything in it would be replaced while the
 * region serves, and neither EKS nor Aurora can move a cluster to another VPC (their updates fail
 * half-way). Compared by region, not by position; usually a misaligned list (an entry removed or
 * inserted at the wrong position).
 */
export function vpcCidrChanges(before: RegionLayout, now: RegionLayout): RegionListFinding[] {
  return now.regions.flatMap((region, j): RegionListFinding[] => {
    const i = before.regions.indexOf(region);
    const [was, is] = [i >= 0 ? before.vpcCidrs[i] : undefined, now.vpcCidrs[j]];
    if (!was || !is || was === is) return [];
    return [{
      kind: "vpc-cidr-change",
      severity: "blocking",
      runbook: REMOVE,
      message:
        `platform:vpcCidrs[${j}] is ${is} for ${region}, which keeps its VPC in this change but had ${was} (platform:vpcCidrs[${i}] before): ` +
        `its VPC, subnets, route tables, NAT gateways and security groups would be replaced while it serves, and neither its EKS cluster nor its Aurora cluster can move to another VPC in place, so its deploy fails half-way. ` +
        `Set platform:vpcCidrs[${j}]: ${was} (the entries follow platform:regions: removing or adding a region removes or adds its CIDR at the same position, the others keep theirs). ` +
        `To give ${region} another CIDR, evacuate and remove it (${REMOVE}) and add it back in a later change (${ADD}).`,
    }];
  });
}

/**
 * The region order. The writer's failover records follow it (planFailoverRecords,
 * components/lib/dns.ts): regions[0] is the primary, regions[1] publishes writer.<zone>'s SECONDARY
 * record and is the region unplanned-failover.md promotes. `environment` names the stacks in the
 * message (`<environment>-<region>`).
 */
export function regionOrderChange(was: readonly string[], now: readonly string[], environment: string): RegionListFinding | undefined {
  const [primaryWas, secondaryWas] = was;
  const [primaryNow, secondaryNow] = now;
  if (primaryWas === undefined || primaryNow === undefined) return undefined;
  const added = now.filter((region) => !was.includes(region));

  // A new primary: a writer without data.
  if (added.includes(primaryNow)) {
    return {
      kind: "region-order-change",
      severity: "blocking",
      runbook: ADD,
      message:
        `platform:regions[0] is ${primaryNow}, a region new in this change: the first region is the primary, the Aurora writer, and ${primaryNow} has no data yet. ` +
        `Keep ${primaryWas} first and ${append([primaryNow])}; to make it the primary once it serves, follow docs/runbooks/planned-switchover.md.`,
    };
  }

  const secondaryLeaves = secondaryWas !== undefined && !now.includes(secondaryWas);
  // A new secondary, with or without a switchover in the same change: the SECONDARY record (and
  // the failover) would go to a region whose Aurora secondary is still seeding.
  if (secondaryWas !== undefined && secondaryNow !== undefined && added.includes(secondaryNow)) {
    const race = secondaryLeaves ? "" : `, which ${secondaryWas}'s stack still holds while ${secondaryNow}'s creates its own in the same wave (Route 53 refuses a second SECONDARY record for the name)`;
    const fix = [
      ...(secondaryLeaves ? [`remove ${secondaryWas} in a change of its own (${REMOVE})`] : []),
      append(added),
      `to give ${secondaryNow} the SECONDARY record, move it in a separate, planned change once it serves${secondaryLeaves ? "" : `: release ${secondaryWas}'s writer record first, as planned-switchover.md does for the PRIMARY one`}`,
    ].join("; ");
    return {
      kind: "region-order-change",
      severity: "blocking",
      runbook: ADD,
      message:
        `platform:regions[1] is ${secondaryNow}, a region new in this change, in place of ${secondaryWas}${secondaryLeaves ? " (which leaves)" : ""}: ` +
        `writer.<zone>'s SECONDARY failover record belongs to regions[1] (components/lib/dns.ts), so it moves from ${secondaryWas} to ${secondaryNow}${race}. ` +
        `And unplanned-failover.md promotes regions[1]: ${secondaryNow}, whose Aurora secondary may still be seeding and whose routing control (with ARC) starts Off. ${capitalized(fix)}.`,
    };
  }
  // A switchover (primary-moved) is the planned-switchover runbook's, not judged here.
  if (primaryWas !== primaryNow) return undefined;

  const lastKept = now.reduce((last, region, i) => (was.includes(region) ? i : last), -1);
  const inserted = now.filter((region, i) => !was.includes(region) && i < lastKept);
  const traded = secondaryWas !== undefined && secondaryNow !== undefined && secondaryNow !== secondaryWas && !secondaryLeaves;
  if (traded) {
    const record =
      `platform:regions[1] changes from ${secondaryWas} to ${secondaryNow}, both staying: writer.<zone>'s SECONDARY failover record moves from ${secondaryWas}'s stack to ${secondaryNow}'s, ` +
      `which deploy.yml's regional wave deploys side by side: ${secondaryNow}'s stack creates its record while ${secondaryWas}'s may still hold its own, and Route 53 refuses a second SECONDARY record for the name. ` +
      `And unplanned-failover.md would promote ${secondaryNow}, no longer ${secondaryWas}.`;
    if (inserted.length > 0) {
      // Two things in one change: a region added out of place, and the secondary moved.
      return {
        kind: "region-order-change",
        severity: "blocking",
        runbook: ADD,
        message: `${record} And ${inserted.join(", ")}, new in this change, ${inserted.length > 1 ? "are" : "is"} not appended. Keep ${secondaryWas} second and ${append(inserted)}; move the secondary to ${secondaryNow} in a separate change, deployed one stack at a time (docs/deploying.md).`,
      };
    }
    return {
      kind: "region-order-change",
      severity: "risk",
      runbook: "docs/deploying.md",
      oneStackAtATime: true,
      message:
        `${record} Keep ${secondaryWas} second, or deploy this change one stack at a time, not by deploy.yml (its waves refuse it): ` +
        `gh workflow disable deploy.yml before merging, then deploy ${environment}, ${environment}-${secondaryWas} (its stack deletes its SECONDARY record), ${environment}-${secondaryNow} (its stack creates it) ` +
        `and then the other regions, each with \`gh workflow run deploy-stack.yml --ref main -f stack=<stack>\` once the one before has finished (docs/deploying.md, "One stack at a time"); then gh workflow enable deploy.yml.`,
    };
  }
  if (inserted.length === 0) return undefined;
  // regions[1] stays (or leaves for the next existing region): no failover record moves in the
  // wave, only the positions after it shift.
  const before = now.filter((region, i) => was.includes(region) && i > now.indexOf(inserted[0]));
  return {
    kind: "region-order-change",
    severity: "notice",
    runbook: ADD,
    message:
      `New region(s) ${inserted.join(", ")} listed before ${before.join(", ")}: the writer's failover records stay where they are (regions[1] is ${secondaryNow}), ` +
      `but the Region switch plans re-pair, and a later removal of ${secondaryNow} would hand the SECONDARY record to the next region in this order. Keep the existing regions in their order and ${append(inserted)}.`,
  };
}

/** Every finding of changing the region list from `before` to `now`: the order first, then each kept region's CIDR. */
export function regionListFindings(before: RegionLayout, now: RegionLayout, environment: string): RegionListFinding[] {
  const order = regionOrderChange(before.regions, now.regions, environment);
  return [...(order ? [order] : []), ...vpcCidrChanges(before, now)];
}
