/** S3 buckets: Standard storage over the time objects stay there (lifecycle), and PUT requests. */
import type { PricingContext } from "../context";
import { list } from "../lookup";
import { daysInStandard, LIFECYCLE_TYPES, summarizeLifecycle } from "../lifecycle";
import type { CostResource, Pricing } from "../model";
import type { UsageKey } from "../usage";

const DAYS_PER_MONTH = 365 / 12;

/** Lifecycle rules of a bucket: its lifecycle configurations' and its own inline rules. */
export function bucketLifecycleRules(bucket: CostResource, ctx: PricingContext): unknown[] {
  const configs = ctx.lookup.referencing(LIFECYCLE_TYPES, "bucket", bucket, (c) => c.inputs.bucket);
  return [...configs.flatMap((c) => list(c.inputs.rules)), ...list(bucket.inputs.lifecycleRules)];
}

export function bucket(r: CostResource, ctx: PricingContext): Pricing {
  const summary = summarizeLifecycle(bucketLifecycleRules(r, ctx));
  const days = daysInStandard(summary);
  const months = days !== null ? days / DAYS_PER_MONTH : ctx.usage("s3NoExpiryMonths");
  const assumed: UsageKey[] = days !== null ? ["s3BucketGbPerMonth"] : ["s3BucketGbPerMonth", "s3NoExpiryMonths"];
  return {
    charges: [
      { item: "s3.standard.gb-month", what: `objects kept ${Math.round(months * 10) / 10} month(s) in Standard${days === null ? " (no expiration or transition)" : ""}`, kind: "usage", quantity: ctx.usage("s3BucketGbPerMonth") * months, assumptions: assumed },
      { item: "s3.put.thousand", what: "PUT requests", kind: "usage", quantity: ctx.usage("s3PutThousandsPerMonth"), assumptions: ["s3PutThousandsPerMonth"] },
    ],
    notes: summary.transition && (summary.expirationDays === null || summary.transition.days < summary.expirationDays) ? [`objects in ${summary.transition.storageClass} after ${summary.transition.days} days are not priced`] : [],
  };
}
