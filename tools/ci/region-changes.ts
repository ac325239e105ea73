/**
 * Changes of an environment's region list that the deploy waves refuse before wave 1, judged
 * between two versions of `Pulumi.<env>.yaml` (tools/ci/deploy-waves.ts `--history`). Pure: plain
 * region lists and stack file names in, one message per problem out, each naming the key, the
 * values and the fix. The plan's `--diff` reports some of these as hazards
 * (tools/plan/replacement/hazards.ts); here they stop the rollout, and with `--history` in the
 * pull request's waves step, the pull request.
 *
 * What follows the runbooks passes: add-a-region.md appends one region and its CIDR;
 * remove-a-region.md destroys the region's stack (`pulumi stack rm` deletes its stack file) before
 * the change that drops it, and removes its CIDR with it; planned-switchover.md and
 * unplanned-failover.md put the new primary first with every region keeping its own CIDR.
 */

/** The per-region part of a version of the environment. */
export interface RegionLayout {
  /** `platform:regions`: [0] is the primary (the Aurora writer), [1] holds writer.<zone>'s SECONDARY record (components/lib/dns.ts). */
  readonly regions: readonly string[];
  /** `platform:vpcCidrs`, one per region, in the order of `regions`. */
  readonly vpcCidrs: readonly string[];
}

export interface RegionChangeOptions {
  /** File names of the project's stack files as they are now (`Pulumi.<stack>.yaml`). */
  readonly stackFiles: readonly string[];
  /**
   * The change is deployed one stack at a time, in the operator's order (deploy-stack.yml), not by
   * deploy.yml's side-by-side wave: existing secondaries may then trade regions[1].
   * @default false
   */
  readonly stackByStack?: boolean;
}

/** A list setting of a stack file's `config:` map, with or without the `platform:` namespace; text holding a JSON list counts too. */
function listSetting(config: Record<string, unknown>, key: string): string[] | undefined {
  let value = config[`platform:${key}`] ?? config[key];
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return Array.isArray(value) ? value.map((v) => String(v).trim()) : undefined;
}

/** The region layout of a version of `Pulumi.<env>.yaml` (its `config:` map); undefined without a region list. */
export function regionLayoutOf(config: Record<string, unknown>): RegionLayout | undefined {
  const regions = listSetting(config, "regions");
  return regions && regions.length > 0 ? { regions, vpcCidrs: listSetting(config, "vpcCidrs") ?? [] } : undefined;
}

const ADD = "docs/runbooks/add-a-region.md";
const REMOVE = "docs/runbooks/remove-a-region.md";

/** Problems of changing the environment `environment` from `before` to `now`; empty when none. */
export function regionChangeProblems(environment: string, before: RegionLayout, now: RegionLayout, options: RegionChangeOptions): string[] {
  const problems: string[] = [];
  const added = now.regions.filter((r) => !before.regions.includes(r));
  const removed = before.regions.filter((r) => !now.regions.includes(r));
  const append = (region: string) => `append ${region} at the end of platform:regions, its CIDR at the same position of platform:vpcCidrs (${ADD})`;

  // A VPC's CIDR cannot change in place: the VPC and everything in it would be replaced while the
  // region serves, and neither EKS nor Aurora can move a cluster to another VPC (their updates fail
  // half-way). Usually a misaligned list: an entry removed or inserted at the wrong position.
  for (const region of now.regions.filter((r) => before.regions.includes(r))) {
    const [i, j] = [before.regions.indexOf(region), now.regions.indexOf(region)];
    const [was, is] = [before.vpcCidrs[i], now.vpcCidrs[j]];
    if (was !== undefined && is !== undefined && was !== is) {
      problems.push(
        `platform:vpcCidrs[${j}] is ${is} for ${region}, which keeps its VPC in this change but had ${was} (platform:vpcCidrs[${i}] before): ` +
          `its VPC would be replaced while it serves, and neither its EKS cluster nor its Aurora cluster can move to another VPC in place, so its deploy fails half-way. ` +
          `Set platform:vpcCidrs[${j}]: ${was} (the entries follow platform:regions: removing or adding a region removes or adds its CIDR at the same position, the others keep theirs). ` +
          `To give ${region} another CIDR, remove it (${REMOVE}) and add it back in a later change (${ADD}).`,
      );
    }
  }

  // One region per change (add-a-region.md): the global stack's update adds each DynamoDB global
  // table's replicas one after the other, each allowed 150 minutes to copy the table
  // (REPLICA_COPY_TIMEOUTS, components/data/global-table.ts), in one job that stops at 180.
  if (before.regions.length > 0 && added.length > 1) {
    problems.push(
      `platform:regions adds ${added.join(", ")} in one change: add one region per change and let its rollout finish before the next (${ADD}). ` +
        `The global stack's update (wave 1) adds each DynamoDB global table's replicas one after the other, each allowed up to 150 minutes to copy the table ` +
        `(REPLICA_COPY_TIMEOUTS, components/data/global-table.ts), inside one job that stops after 180 (.github/workflows/pulumi-up.yml), and a failed rollout leaves every new region to clean up. ` +
        `Keep ${added[0]} in this change and add ${added.slice(1).join(", ")} in later ones.`,
    );
  }

  // A new region never takes the first two places: [0] would make a region without data the
  // writer, [1] would give writer.<zone>'s SECONDARY record (and unplanned-failover.md's
  // promotion) to a region whose Aurora secondary is still seeding.
  const [primaryWas, secondaryWas] = before.regions;
  const [primaryNow, secondaryNow] = now.regions;
  if (primaryNow !== undefined && added.includes(primaryNow)) {
    problems.push(
      `platform:regions[0] is ${primaryNow}, a region new in this change: the first region is the primary, the Aurora writer, and ${primaryNow} has no data yet. ` +
        `Keep ${primaryWas} first and ${append(primaryNow)}; to make it the primary once it serves, follow docs/runbooks/planned-switchover.md.`,
    );
  } else if (secondaryNow !== undefined && added.includes(secondaryNow)) {
    const leaves = secondaryWas !== undefined && removed.includes(secondaryWas);
    const race = leaves ? "" : `, which ${secondaryWas}'s stack still holds (Route 53 refuses a second SECONDARY record for the name)`;
    problems.push(
      `platform:regions[1] is ${secondaryNow}, a region new in this change, in place of ${secondaryWas}: regions[1] publishes writer.<zone>'s SECONDARY failover record${race}, ` +
        `and it is the region unplanned-failover.md promotes, while ${secondaryNow}'s Aurora secondary is still seeding${leaves ? "" : " and, with ARC, its routing control starts Off"}. ` +
        `${leaves ? `Remove ${secondaryWas} in a change of its own (${REMOVE}), and ` : ""}${append(secondaryNow)}.`,
    );
  } else if (primaryWas === primaryNow && secondaryWas !== undefined && secondaryNow !== undefined && secondaryWas !== secondaryNow && !removed.includes(secondaryWas) && !options.stackByStack) {
    // Existing secondaries trading regions[1] (a switchover moves the primary and is not judged
    // here; regions[1] leaving hands the record on once its stack is destroyed, remove-a-region.md).
    problems.push(
      `platform:regions[1] changes from ${secondaryWas} to ${secondaryNow}, both staying: writer.<zone>'s SECONDARY failover record moves from ${secondaryWas}'s stack to ${secondaryNow}'s, ` +
        `which wave 3 deploys side by side: ${secondaryNow}'s stack creates its record while ${secondaryWas}'s may still hold its own, and Route 53 refuses a second SECONDARY record for the name. ` +
        `And unplanned-failover.md would promote ${secondaryNow}, no longer ${secondaryWas}. Keep ${secondaryWas} second, or deploy this change one stack at a time, not by deploy.yml: ` +
        `gh workflow disable deploy.yml before merging, then deploy ${environment}, ${environment}-${secondaryWas} (its stack deletes its SECONDARY record), ${environment}-${secondaryNow} (its stack creates it) ` +
        `and then the other regions, each with \`gh workflow run deploy-stack.yml --ref main -f stack=<stack>\` once the one before has finished (docs/deploying.md); then gh workflow enable deploy.yml.`,
    );
  }

  // The region's stack goes first (remove-a-region.md steps 2-4: evacuate, detach its Aurora
  // cluster, destroy its stack; `pulumi stack rm` deletes the file), then the change that drops
  // it: else wave 1 takes its routing control, safety rule and share of the global pieces away
  // while it still serves, and its stack is left holding a member of the global database.
  const files = new Set(options.stackFiles);
  for (const region of removed) {
    const file = [`Pulumi.${environment}-${region}.yaml`, `Pulumi.${environment}-${region}.yml`].find((f) => files.has(f));
    if (file === undefined) continue;
    problems.push(
      `platform:regions drops ${region}, but ${file} is still there: its stack must be destroyed before the region leaves the environment (${REMOVE}: evacuate it, detach its Aurora cluster, ` +
        `\`pulumi destroy --stack ${environment}-${region}\`, then \`pulumi stack rm ${environment}-${region}\`, which deletes the file). Until then keep ${region} in platform:regions; ` +
        `once \`pulumi stack ls\` no longer lists ${environment}-${region}, delete ${file} in this change.`,
    );
  }
  return problems;
}
