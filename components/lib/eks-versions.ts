/**
 * EKS's calendar of Kubernetes minor versions, and what it means on a given day: which support a
 * version is in, how far its end of standard support is, and whether `upgradePolicy.supportType`
 * STANDARD still makes sense for it. Plain values; "today" is always a parameter.
 *
 * Sources, read on 2026-12-03 (stored copies of both pages):
 * - AWS: Amazon EKS User Guide, "Understand the Kubernetes version lifecycle on EKS", section
 *   "Amazon EKS Kubernetes release calendar"
 *   (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar;
 *   its source is latest/ug/versioning/kubernetes-versions.adoc in awsdocs/amazon-eks-user-guide).
 *   The copy's table lists 1.29 to 1.34. The page: "Billing for extended support starts at the
 *   beginning of the day that the version reaches end of standard support, in the UTC+0 timezone.
 *   The dates in the following table use the UTC+0 timezone."
 * - endoflife.date: https://endoflife.date/amazon-eks. Used only for 1.35, which the AWS copy does
 *   not list yet; it gives the same two end dates as AWS's table for every version both list
 *   (1.29 to 1.34). Its "released" column is not EKS's release date (it differs from AWS's by one
 *   to four days for each of those versions), so 1.35's EKS release date is left out.
 *
 * When AWS publishes a new minor, add its row from the AWS page, and replace a row taken from
 * endoflife.date once the AWS table lists it (docs/runbooks/upgrade-kubernetes.md). A version
 * missing from the table is not judged by config validation, and the policy
 * eks-version-in-standard-support reports that it has no dates.
 */

export interface EksVersionLifecycle {
  /** Kubernetes minor, major.minor (e.g. "1.34"). */
  readonly version: string;
  /** Day EKS released it (UTC, YYYY-MM-DD); absent where no source read gives it. */
  readonly eksRelease?: string;
  /**
   * End of standard support (UTC, YYYY-MM-DD): from the start of this day the version is in
   * extended support. A cluster with upgradePolicy EXTENDED is billed the extended rate from it;
   * one with STANDARD is upgraded by AWS to the next minor.
   */
  readonly endOfStandardSupport: string;
  /** End of extended support (UTC, YYYY-MM-DD): after it AWS upgrades the control plane whatever the policy, and creates no new cluster of the version. */
  readonly endOfExtendedSupport: string;
  /** Where the row comes from (see the module comment). */
  readonly source: "aws-release-calendar" | "endoflife.date";
}

/** Oldest first. */
export const EKS_VERSIONS: readonly EksVersionLifecycle[] = [
  { version: "1.29", eksRelease: "2024-01-23", endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23", source: "aws-release-calendar" },
  { version: "1.30", eksRelease: "2024-05-23", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23", source: "aws-release-calendar" },
  { version: "1.31", eksRelease: "2024-09-26", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26", source: "aws-release-calendar" },
  { version: "1.32", eksRelease: "2025-01-23", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23", source: "aws-release-calendar" },
  { version: "1.33", eksRelease: "2025-05-29", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29", source: "aws-release-calendar" },
  { version: "1.34", eksRelease: "2025-10-02", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02", source: "aws-release-calendar" },
  { version: "1.35", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27", source: "endoflife.date" },
];

/** What a cluster hour costs in each support, per AWS's EKS pricing (data/cost/prices.json prices the same). */
export const EKS_STANDARD_CLUSTER_HOUR_USD = 0.1;
export const EKS_EXTENDED_CLUSTER_HOUR_USD = 0.6;

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function eksVersionLifecycle(version: string): EksVersionLifecycle | undefined {
  return EKS_VERSIONS.find((v) => v.version === version);
}

/** The next minor of the table after `version` (the one step an EKS upgrade may take); undefined when the table has none. */
export function nextEksVersion(version: string): string | undefined {
  const i = EKS_VERSIONS.findIndex((v) => v.version === version);
  return i >= 0 ? EKS_VERSIONS[i + 1]?.version : undefined;
}

/** The UTC day of an instant, YYYY-MM-DD: the calendar's dates are UTC days. */
export function utcDay(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new RangeError("not a valid date");
  return instant.toISOString().slice(0, 10);
}

/** A YYYY-MM-DD day as the instant it starts (UTC); undefined when the text is not such a day. */
export function parseUtcDay(text: string): Date | undefined {
  if (!ISO_DAY.test(text)) return undefined;
  const date = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || utcDay(date) !== text ? undefined : date;
}

/** Environment variable naming the day support windows are judged on (YYYY-MM-DD, UTC). */
export const JUDGEMENT_DAY_VARIABLE = "PLAN_TODAY";

/**
 * The day the support windows are judged on: `PLAN_TODAY` (YYYY-MM-DD, UTC) when set, else the
 * clock's. A verdict that follows the clock flips when a support date passes; that is the point
 * for a plan of today's commit, but not for a test suite: vitest.config.mts fixes the day, so a
 * test never starts failing on a date. An operator may set it to judge a plan as of another day.
 */
export function supportJudgementDay(env: Record<string, string | undefined> = process.env): Date {
  const given = env[JUDGEMENT_DAY_VARIABLE];
  if (given === undefined || given === "") return new Date();
  const day = parseUtcDay(given);
  if (!day) throw new RangeError(`${JUDGEMENT_DAY_VARIABLE} is "${given}", which is not a YYYY-MM-DD day; give one (e.g. ${JUDGEMENT_DAY_VARIABLE}=2026-12-03) or unset it to judge by the clock`);
  return day;
}

/** Whole days from `from` to `to` (YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export type EksSupportPhase = "standard" | "extended" | "ended";

export interface EksSupportStatus {
  readonly lifecycle: EksVersionLifecycle;
  /** The UTC day judged. */
  readonly today: string;
  /** `standard` before the end of standard support, `extended` from that day, `ended` from the end of extended support. */
  readonly phase: EksSupportPhase;
  /** Days from today to the end of standard support: 0 on that day, negative after it. */
  readonly daysToEndOfStandardSupport: number;
}

/** Where `version` stands on `today`; undefined for a version the table does not list. */
export function eksSupportStatus(version: string, today: Date): EksSupportStatus | undefined {
  const lifecycle = eksVersionLifecycle(version);
  if (!lifecycle) return undefined;
  const day = utcDay(today);
  // ISO days compare as text.
  const phase: EksSupportPhase = day >= lifecycle.endOfExtendedSupport ? "ended" : day >= lifecycle.endOfStandardSupport ? "extended" : "standard";
  return { lifecycle, today: day, phase, daysToEndOfStandardSupport: daysBetween(day, lifecycle.endOfStandardSupport) };
}

/** How the message names the two settings; the config keys by default. */
export interface SupportSettingNames {
  readonly version: string;
  readonly supportType: string;
}

const CONFIG_NAMES: SupportSettingNames = { version: "kubernetesVersion", supportType: "eksSupportType" };

/**
 * Why `supportType` STANDARD cannot go with `version` on `today`; undefined when it can (or when
 * the support type is EXTENDED, or the table does not list the version).
 *
 * Past the end of standard support a cluster with an EXTENDED policy (AWS's default, which every
 * cluster created before the platform sent `upgradePolicy` has) is in extended support, and EKS
 * refuses to switch it to STANDARD ("You cannot disable extended support once your cluster has
 * entered it", EKS User Guide, "Disable EKS extended support"): the deploy would stop at the
 * first regional stack, after the global stack applied. A new cluster with STANDARD on such a
 * version is on a version whose date for AWS's own upgrade has passed.
 *
 * The verdict depends on the day: the same commit and config pass the day before the end of
 * standard support and are refused from that day on. On purpose: the plan of a pull request says
 * what a deploy would meet today, and the day is a parameter so that tests pass a fixed one.
 */
export function standardSupportLapsedProblem(version: string, supportType: string, today: Date, names: SupportSettingNames = CONFIG_NAMES): string | undefined {
  if (supportType !== "STANDARD") return undefined;
  const status = eksSupportStatus(version, today);
  if (!status || status.phase === "standard") return undefined;
  const { lifecycle } = status;
  const next = nextEksVersion(version) ?? "the next minor";
  const runbook = "docs/runbooks/upgrade-kubernetes.md";
  const calendar = "AWS's EKS release calendar, components/lib/eks-versions.ts";
  if (status.phase === "ended") {
    return `with ${names.version} "${version}": ${version} is past EKS extended support too (it ended on ${lifecycle.endOfExtendedSupport}, ${calendar}): AWS upgrades such control planes itself whatever ${names.supportType} says and creates no new cluster of ${version}. ` +
      `Upgrade ${names.version} to ${next} following ${runbook}, one minor at a time`;
  }
  return `with ${names.version} "${version}" is refused: ${version} left EKS standard support on ${lifecycle.endOfStandardSupport} (${calendar}). ` +
    `A cluster created without upgradePolicy has AWS's default EXTENDED and is now in extended support, and EKS refuses to switch it to STANDARD (EKS User Guide, "Disable EKS extended support"), so the deploy would fail at the first regional stack; ` +
    `a new cluster would start on a version whose date for AWS's own upgrade to ${next} has passed. ` +
    `Fix: set ${names.supportType}: EXTENDED as a dated exception (billed $${EKS_EXTENDED_CLUSTER_HOUR_USD.toFixed(2)} instead of $${EKS_STANDARD_CLUSTER_HOUR_USD.toFixed(2)} per cluster hour from ${lifecycle.endOfStandardSupport}), ` +
    `then upgrade ${names.version} to ${next} following ${runbook}, then set ${names.supportType} back to STANDARD`;
}
