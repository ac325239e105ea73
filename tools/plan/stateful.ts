/**
 * Stateful resource types: deleting or replacing one loses data or breaks everything that trusts
 * it. Whether a change replaces a resource comes from the replacement table
 * (tools/plan/replacement/, generated from the provider sources); this file only says what is
 * lost when such a resource goes.
 */

export interface StatefulType {
  /** What is lost when it goes. */
  readonly holds: string;
}

export const STATEFUL_TYPES: Readonly<Record<string, StatefulType>> = {
  "aws:rds/cluster:Cluster": { holds: "the Aurora cluster's data (and, for a global member, its region's replica)" },
  "aws:rds/globalCluster:GlobalCluster": { holds: "the global database that ties every region's cluster together" },
  "aws:rds/instance:Instance": { holds: "the database instance's data" },
  "aws:kms/key:Key": { holds: "the key material (whatever it encrypted becomes unreadable)" },
  "aws:route53/zone:Zone": { holds: "the hosted zone, its records and its name servers (the registrar delegation points at them)" },
  "aws:s3/bucket:Bucket": { holds: "the bucket's objects" },
  "aws:s3/bucketV2:BucketV2": { holds: "the bucket's objects" },
  "aws:secretsmanager/secret:Secret": { holds: "the secret's value and versions" },
  "aws:dynamodb/table:Table": { holds: "the table's items (and, for a global table, every replica)" },
  "aws:dynamodb/tableReplica:TableReplica": { holds: "the global table's items in the replica's region" },
  "aws:elasticache/replicationGroup:ReplicationGroup": { holds: "the cache's data" },
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": { holds: "the global datastore linking every region's cache" },
  "aws:efs/fileSystem:FileSystem": { holds: "the file system's files" },
  "aws:cloudwatch/logGroup:LogGroup": { holds: "the log group's retained logs (flow logs, control-plane audit logs)" },
};

export function isStateful(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(STATEFUL_TYPES, type);
}
