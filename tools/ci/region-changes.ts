/**
 * Changes of an environment's region list that the deploy waves refuse before wave 1, judged
 * between two versions of `Pulumi.<env>.yaml` (tools/ci/deploy-waves.ts `--history`). Pure: plain
 * region lists and stack file names in, messages out, each naming the key, the values and the fix.
 *
 * The region order and the kept regions' CIDRs are judged in one place,
 * tools/plan/replacement/region-list.ts, which the plan's `--diff` reports as hazards too: the
 * waves refuse what is blocking there, and a change deploy.yml's side-by-side wave cannot deploy
 * but one stack at a time can (`oneStackAtATime`: existing secondaries trading regions[1]) as the
 * rollout says. Judged here alone, as only the waves know them: how many regions one change adds,
 * and stack files left behind by a region dropped.
 *
 * What follows the runbooks passes: add-a-region.md appends one region and its CIDR;
 * remove-a-region.md destroys the region's stack (`pulumi stack rm` deletes its stack file) before
 * the change that drops it, and removes its CIDR with it; planned-switchover.md and
 * unplanned-failover.md put the new primary first with every region keeping its own CIDR.
 */
import { regionListFindings, type RegionLayout } from "../plan/replacement/region-list";

export type { RegionLayout };

/**
 * How the change is rolled out: "waves", by deploy.yml (the regional stacks side by side);
 * "stack-by-stack", by deploy-stack.yml, one stack at a time in the operator's order; "review",
 * not yet (a pull request's check, preview.yml), where either may follow.
 */
export type Rollout = "waves" | "stack-by-stack" | "review";

export interface RegionChangeOptions {
  /** File names of the project's stack files as they are now (`Pulumi.<stack>.yaml`). */
  readonly stackFiles: readonly string[];
  /**
   * What deploys the change: a change only one stack at a time can deploy is refused for "waves"
   * and a warning otherwise (its message says the order).
   * @default "waves"
   */
  readonly rollout?: Rollout;
}

/** What the waves refuse, and what they only say. */
export interface RegionChangeJudgement {
  readonly refusals: string[];
  readonly warnings: string[];
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

/** What changing the environment `environment` from `before` to `now` means for its rollout. */
export function regionChangeProblems(environment: string, before: RegionLayout, now: RegionLayout, options: RegionChangeOptions): RegionChangeJudgement {
  const rollout = options.rollout ?? "waves";
  const refusals: string[] = [];
  const warnings: string[] = [];
  const added = now.regions.filter((r) => !before.regions.includes(r));
  const removed = before.regions.filter((r) => !now.regions.includes(r));

  for (const finding of regionListFindings(before, now, environment)) {
    if (finding.severity === "blocking") refusals.push(finding.message);
    else if (finding.oneStackAtATime) (rollout === "waves" ? refusals : warnings).push(finding.message);
  }

  // One region per change (add-a-region.md): the global stack's update adds each DynamoDB global
  // table's replicas one after the other, each allowed 150 minutes to copy the table
  // (REPLICA_COPY_TIMEOUTS, components/data/global-table.ts), in one job that stops at 180.
  if (before.regions.length > 0 && added.length > 1) {
    refusals.push(
      `platform:regions adds ${added.join(", ")} in one change: add one region per change and let its rollout finish before the next (${ADD}). ` +
        `The global stack's update (wave 1) adds each DynamoDB global table's replicas one after the other, each allowed up to 150 minutes to copy the table ` +
        `(REPLICA_COPY_TIMEOUTS, components/data/global-table.ts), inside one job that stops after 180 (.github/workflows/pulumi-up.yml), and a failed rollout leaves every new region to clean up. ` +
        `Keep ${added[0]} in this change and add ${added.slice(1).join(", ")} in later ones.`,
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
    refusals.push(
      `platform:regions drops ${region}, but ${file} is still there: its stack must be destroyed before the region leaves the environment (${REMOVE}: evacuate it, detach its Aurora cluster, ` +
        `\`pulumi destroy --stack ${environment}-${region}\`, then \`pulumi stack rm ${environment}-${region}\`, which deletes the file). Until then keep ${region} in platform:regions; ` +
        `once \`pulumi stack ls\` no longer lists ${environment}-${region}, delete ${file} in this change.`,
    );
  }
  return { refusals, warnings };
}
