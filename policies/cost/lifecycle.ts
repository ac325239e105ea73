/**
 * How long objects stay in S3 Standard: the first expiration or transition to a colder class of a
 * bucket's enabled lifecycle rules (a BucketLifecycleConfiguration's `rules`, or a legacy bucket's
 * inline `lifecycleRules`). Shared by the estimate and the cold-storage policy.
 */
import { bool, list, num, record, str } from "./lookup";

export const LIFECYCLE_TYPES = ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"];
export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
/** Classes colder than Standard that a transition can move objects to. */
export const COLD_CLASSES = ["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"];

export interface LifecycleSummary {
  /** Days until the earliest expiration of current objects, null when none. */
  expirationDays: number | null;
  /** Earliest transition to a colder class, null when none. */
  transition: { days: number; storageClass: string } | null;
}

const isEnabled = (rule: Record<string, unknown>) => str(rule.status) === "Enabled" || bool(rule.enabled) === true;

export function summarizeLifecycle(rules: readonly unknown[]): LifecycleSummary {
  let expirationDays: number | null = null;
  let transition: LifecycleSummary["transition"] = null;
  for (const rule of rules.map(record).filter(isEnabled)) {
    for (const expiration of [rule.expiration, ...list(rule.expirations)].map(record)) {
      const days = num(expiration.days);
      if (days !== null && days > 0 && (expirationDays === null || days < expirationDays)) expirationDays = days;
    }
    for (const t of [...list(rule.transitions), ...list(rule.transition)].map(record)) {
      const days = num(t.days) ?? (str(t.date) ? 0 : null);
      const storageClass = str(t.storageClass);
      if (days !== null && storageClass && COLD_CLASSES.includes(storageClass) && (transition === null || days < transition.days)) transition = { days, storageClass };
    }
  }
  return { expirationDays, transition };
}

/** Days objects stay in Standard: the earlier of expiration and first transition; null = for ever. */
export function daysInStandard(summary: LifecycleSummary): number | null {
  const candidates = [summary.expirationDays, summary.transition?.days ?? null].filter((d): d is number => d !== null);
  return candidates.length ? Math.min(...candidates) : null;
}
