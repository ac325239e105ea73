/**
 * Security baseline for Aurora: encrypted with a customer key, IAM authentication, backups kept,
 * nothing public. Secrets Manager secrets, their replicas included, encrypted with customer keys.
 */
import { DEFAULT_MIN_BACKUP_RETENTION_DAYS, integer } from "../config";
import { AuroraClusterProps, AuroraInstanceProps, GlobalClusterProps, SecretProps, TYPES } from "./aws-types";
import { arnRegion, describe, isSet, knownNumber, knownString, read, regionOf, resourceRule, UNKNOWN } from "./kit";

/**
 * The AWS-managed key a KMS key reference names, if it names one by alias: `alias/aws/<service>`,
 * plain or in an alias ARN (`arn:aws:kms:us-east-1:111122223333:alias/aws/rds`). The `alias/aws/`
 * prefix is reserved for AWS-managed keys, whose key policy is AWS's and cannot be changed. (A
 * managed key named by its key ID or key ARN cannot be told apart from a customer's here.)
 */
export function awsManagedKeyAlias(keyReference: string | undefined): string | undefined {
  const alias = keyReference?.startsWith("arn:") ? keyReference.split(":").slice(5).join(":") : keyReference;
  return alias?.startsWith("alias/aws/") ? alias : undefined;
}

export const auroraEncryption = resourceRule<AuroraClusterProps & GlobalClusterProps>(
  {
    name: "aurora-encrypted-with-customer-key",
    description: "Aurora clusters encrypt storage with a customer-managed KMS key (kmsKeyId, in the cluster's own region, not an alias/aws/ key); global clusters are created encrypted.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  [TYPES.auroraCluster, TYPES.globalCluster],
  (props, { args, report }) => {
    const encrypted = read(() => props.storageEncrypted);
    if (args.type === TYPES.globalCluster) {
      // A global cluster made from an existing cluster inherits that cluster's encryption.
      if (!isSet(() => props.sourceDbClusterIdentifier) && encrypted !== true && encrypted !== UNKNOWN) report(`${describe(args)} is not created encrypted: set storageEncrypted to true.`);
      return;
    }
    if (encrypted !== true && encrypted !== UNKNOWN) report(`${describe(args)} does not encrypt its storage: set storageEncrypted to true.`);
    if (!isSet(() => props.kmsKeyId)) {
      report(`${describe(args)} uses the AWS-managed RDS key: set kmsKeyId to a customer-managed key in its region.`);
      return;
    }
    // RDS takes an alias name or alias ARN as well: alias/aws/rds is the same AWS-managed key.
    const managed = awsManagedKeyAlias(knownString(() => props.kmsKeyId));
    if (managed) {
      report(`${describe(args)} sets kmsKeyId to "${knownString(() => props.kmsKeyId)}", the AWS-managed key ${managed}, whose policy nobody can change (no say in who uses it, no snapshot shared with another account): set kmsKeyId to a customer-managed key in its region.`);
      return;
    }
    // RDS refuses a key of another region when it creates the cluster (a secondary of a global
    // database too: each member encrypts with a key of its own region).
    const region = regionOf(args);
    const keyRegion = arnRegion(knownString(() => props.kmsKeyId));
    if (region && keyRegion && keyRegion !== region) report(`${describe(args)} in ${region} names a KMS key in ${keyRegion}: a cluster can only use a key of its own region; create one in ${region}.`);
  },
);

export const auroraIamAuth = resourceRule<AuroraClusterProps>(
  {
    name: "aurora-iam-authentication",
    description: "Aurora clusters enable IAM database authentication, so applications need no long-lived passwords.",
    enforcementLevel: "mandatory",
    severity: "medium",
  },
  [TYPES.auroraCluster],
  (props, { args, report }) => {
    const enabled = read(() => props.iamDatabaseAuthenticationEnabled);
    if (enabled !== true && enabled !== UNKNOWN) report(`${describe(args)} does not enable IAM database authentication: set iamDatabaseAuthenticationEnabled to true.`);
  },
);

export const auroraBackupRetention = resourceRule<AuroraClusterProps, { minRetentionDays: number }>(
  {
    name: "aurora-backup-retention",
    description: "Aurora clusters keep automated backups for at least N days.",
    enforcementLevel: "mandatory",
    severity: "medium",
    thresholds: { minRetentionDays: integer(DEFAULT_MIN_BACKUP_RETENTION_DAYS, "Shortest backup retention allowed (days).", { minimum: 1, maximum: 35 }) },
  },
  [TYPES.auroraCluster],
  (props, { args, report, config }) => {
    if (read(() => props.backupRetentionPeriod) === UNKNOWN) return;
    const days = knownNumber(() => props.backupRetentionPeriod) ?? 1; // AWS default: 1 day.
    if (days < config.minRetentionDays) report(`${describe(args)} keeps backups ${days} day(s); keep at least ${config.minRetentionDays}.`);
  },
);

export const auroraInstanceNotPublic = resourceRule<AuroraInstanceProps>(
  {
    name: "aurora-instance-not-public",
    description: "Aurora instances are not publicly accessible.",
    enforcementLevel: "mandatory",
    severity: "critical",
  },
  [TYPES.auroraInstance],
  (props, { args, report }) => {
    if (read(() => props.publiclyAccessible) === true) report(`${describe(args)} is publicly accessible: set publiclyAccessible to false.`);
  },
);

/**
 * A secret, and each of its replicas, names a customer-managed key. Without one, Secrets Manager
 * uses aws/secretsmanager, whose key policy lets any principal of the account with
 * secretsmanager:GetSecretValue read the value (no kms:Decrypt needed); a replica names its key
 * separately (SecretReplica.kmsKeyId), so a primary's key says nothing of its copies.
 */
export const secretsEncryption = resourceRule<SecretProps>(
  {
    name: "secrets-encrypted-with-customer-key",
    description: "Secrets Manager secrets and each of their replicas encrypt with a customer-managed KMS key (kmsKeyId, not aws/secretsmanager).",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  [TYPES.secret],
  (props, { args, report }) => {
    const fix = "create a customer-managed key (in that region) and name it";
    if (!isSet(() => props.kmsKeyId)) report(`${describe(args)} names no kmsKeyId, so Secrets Manager uses aws/secretsmanager, whose policy lets anyone with secretsmanager:GetSecretValue read it: ${fix} in kmsKeyId.`);
    else {
      const managed = awsManagedKeyAlias(knownString(() => props.kmsKeyId));
      if (managed) report(`${describe(args)} sets kmsKeyId to the AWS-managed key ${managed}: ${fix} in kmsKeyId.`);
    }
    const replicas = read(() => props.replicas);
    if (!Array.isArray(replicas)) return;
    replicas.forEach((replica, i) => {
      const named = read(() => replica?.region);
      const region = typeof named === "string" ? named : `replicas[${i}]`;
      const key = read(() => replica?.kmsKeyId);
      if (key === UNKNOWN) return;
      if (key === undefined || key === null || key === "") report(`${describe(args)}: its replica in ${region} names no kmsKeyId and is encrypted with aws/secretsmanager there: ${fix} in replicas[${i}].kmsKeyId.`);
      else if (typeof key === "string" && awsManagedKeyAlias(key)) report(`${describe(args)}: its replica in ${region} uses the AWS-managed key ${awsManagedKeyAlias(key)}: ${fix} in replicas[${i}].kmsKeyId.`);
    });
  },
);

export const DATA_SECURITY_POLICIES = [auroraEncryption, auroraIamAuth, auroraBackupRetention, auroraInstanceNotPublic, secretsEncryption];
