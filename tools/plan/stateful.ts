/**
 * Stateful resource types — deleting or replacing one loses data or breaks everything that
 * trusts it — and, per type, the input properties whose change makes the provider replace the
 * resource instead of updating it.
 *
 * Curated from the upstream provider schema (terraform-provider-aws, `ForceNew: true`), which
 * Pulumi's AWS provider is bridged from; property names are Pulumi's (camelCase). Checked:
 * internal/service/rds/cluster.go, rds/global_cluster.go, kms/key.go. Where unsure we list the
 * property: a false "replaced" costs a reviewer a look, a missed one costs the data.
 */

export interface StatefulType {
  /** What is lost when it goes. */
  readonly holds: string;
  /** Input properties whose change forces replacement. */
  readonly replaceOn: readonly string[];
}

export const STATEFUL_TYPES: Readonly<Record<string, StatefulType>> = {
  "aws:rds/cluster:Cluster": {
    holds: "the Aurora cluster's data (and, for a global member, its region's replica)",
    replaceOn: [
      "availabilityZones", "clusterIdentifier", "clusterIdentifierPrefix", "clusterScalabilityType", "databaseName",
      "dbSubnetGroupName", "dbSystemId", "engine", "engineMode", "kmsKeyId", "masterUsername", "restoreToPointInTime",
      "s3Import", "snapshotIdentifier", "sourceRegion", "storageEncrypted",
    ],
  },
  "aws:rds/globalCluster:GlobalCluster": {
    holds: "the global database that ties every region's cluster together",
    replaceOn: ["databaseName", "engine", "globalClusterIdentifier", "sourceDbClusterIdentifier", "storageEncrypted"],
  },
  "aws:kms/key:Key": {
    holds: "the key material (whatever it encrypted becomes unreadable)",
    replaceOn: ["customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"],
  },
  "aws:route53/zone:Zone": {
    holds: "the hosted zone, its records and its name servers (the registrar delegation points at them)",
    replaceOn: ["name", "delegationSetId"],
  },
  "aws:s3/bucket:Bucket": {
    holds: "the bucket's objects",
    replaceOn: ["bucket", "bucketPrefix", "bucketNamespace", "objectLockEnabled"],
  },
  "aws:s3/bucketV2:BucketV2": {
    holds: "the bucket's objects",
    replaceOn: ["bucket", "bucketPrefix", "objectLockEnabled"],
  },
  "aws:secretsmanager/secret:Secret": {
    holds: "the secret's value and versions",
    replaceOn: ["name", "namePrefix"],
  },
};

export function isStateful(type: string): boolean {
  return type in STATEFUL_TYPES;
}

/**
 * Why a change to a stateful resource replaces it: the replace-forcing inputs among the changed
 * ones, and a move to another region (a resource cannot change region in place). Empty when
 * the change is an in-place update or the type is not stateful.
 */
export function replacementReasons(type: string, changedInputs: readonly string[], regionBefore: string | null, regionAfter: string | null): string[] {
  const spec = STATEFUL_TYPES[type];
  if (!spec) return [];
  const reasons = changedInputs.filter((key) => key !== "region" && spec.replaceOn.includes(key));
  if (regionBefore !== regionAfter) reasons.push(`region ${regionBefore ?? "(none)"} → ${regionAfter ?? "(none)"}`);
  return reasons;
}
