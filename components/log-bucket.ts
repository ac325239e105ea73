import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface LogBucketArgs {
  /** Days log objects are kept before lifecycle expiry. */
  retentionDays: number;
  /** Region of the bucket; the provider's when absent. */
  region?: string;
  /**
   * `BucketOwnerEnforced` turns ACLs off (the bucket owner owns every object). A delivery that
   * grants itself access through an ACL (CloudFront's legacy standard logging) needs
   * `BucketOwnerPreferred`: ACLs on, objects still owned by the bucket owner.
   * @default "BucketOwnerEnforced"
   */
  objectOwnership?: "BucketOwnerEnforced" | "BucketOwnerPreferred";
  /** @default {} */
  tags?: Record<string, string>;
}

export interface LogBucket {
  bucket: aws.s3.Bucket;
  encryption: aws.s3.BucketServerSideEncryptionConfiguration;
  publicAccess: aws.s3.BucketPublicAccessBlock;
  ownership: aws.s3.BucketOwnershipControls;
  /** The last of the bucket's configuration: a bucket policy goes after it. */
  lifecycle: aws.s3.BucketLifecycleConfiguration;
}

/**
 * Options of every resource of a log bucket, its policy included: kept in AWS when the stack lets
 * them go (removed from the program too: delete by hand what is no longer wanted). A replacement
 * of one of them on the same bucket then no longer deletes, after the create, the setting the new
 * one has just made.
 */
export const LOG_BUCKET_RETAINED = { retainOnDelete: true } as const;

/**
 * A private bucket for service-delivered logs (ALB access logs, CloudFront standard logging):
 * SSE-S3, every public access blocked, ACLs off unless the delivery needs them (the bucket owner
 * owns every object, whoever delivered it), expiry after `retentionDays`. Access logs are audit evidence: the bucket outlives
 * its stack (retainOnDelete) and is never emptied by Pulumi (forceDestroy false). So does its
 * configuration (`LOG_BUCKET_RETAINED`): a destroyed stack (a region removed) would otherwise
 * delete the public access block, ownership controls, encryption and expiry, and leave the kept
 * bucket open to a public policy and never emptied. The caller adds the bucket policy naming who
 * may deliver, with the same options. Every resource is named `name`, under `parent`. The bucket is
 * auto-named (a random suffix), so a stack that comes back later (the region added again) creates
 * a new one beside the kept one: nothing to import.
 */
export function logBucket(name: string, args: LogBucketArgs, parent: pulumi.Resource): LogBucket {
  const region = args.region !== undefined ? { region: args.region } : {};
  const bucket = new aws.s3.Bucket(name, { ...region, forceDestroy: false, tags: { ...args.tags, Name: name } }, { parent, ...LOG_BUCKET_RETAINED });
  // One configuration change of the bucket at a time: S3 answers OperationAborted ("A conflicting
  // conditional operation is currently in progress") to concurrent ones, which a first deploy
  // would otherwise make (terraform-provider-aws#7628). Public access first, then the rest.
  const publicAccess = new aws.s3.BucketPublicAccessBlock(name, {
    ...region,
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  }, { parent, ...LOG_BUCKET_RETAINED });
  const ownership = new aws.s3.BucketOwnershipControls(name, { ...region, bucket: bucket.id, rule: { objectOwnership: args.objectOwnership ?? "BucketOwnerEnforced" } }, { parent, dependsOn: [publicAccess], ...LOG_BUCKET_RETAINED });
  // ALB log delivery supports SSE-S3 only; an SSE-KMS default encryption makes delivery fail.
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(name, {
    ...region,
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  }, { parent, dependsOn: [ownership], ...LOG_BUCKET_RETAINED });
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(name, {
    ...region,
    bucket: bucket.id,
    rules: [{
      id: "expire-access-logs",
      status: "Enabled",
      // An explicit empty prefix: an empty filter block draws provider warnings (terraform-provider-aws#41710).
      filter: { prefix: "" },
      expiration: { days: args.retentionDays },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    }],
  }, { parent, dependsOn: [encryption], ...LOG_BUCKET_RETAINED });
  return { bucket, encryption, publicAccess, ownership, lifecycle };
}
